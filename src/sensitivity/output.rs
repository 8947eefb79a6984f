//! A screen's outputs: `sensitivity.csv` (one-at-a-time levels and differences),
//! `morris.csv` (elementary-effect statistics), `sensitivity.json` (what the report
//! shows), the tornado pictures, and the terminal tables.

use super::screen::{Point, Screen};
use super::stability::{self, Cell, Holding, holding};
use crate::metrics::METRICS;
use crate::output::csv_out::{number, to_bytes};
use crate::output::table::{diff_cell, value_text_plain};
use crate::output::{OutputError, plots, write_atomic};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// File name of the one-at-a-time results.
pub const SENSITIVITY_FILE: &str = "sensitivity.csv";
/// File name of the Morris statistics.
pub const MORRIS_FILE: &str = "morris.csv";
/// File name of the screen's summary for the report.
pub const SENSITIVITY_JSON: &str = "sensitivity.json";

fn names(screen: &Screen) -> Vec<&str> {
    screen
        .base
        .results
        .variants
        .iter()
        .map(|v| v.name.as_str())
        .collect()
}

/// Every (assumption, setting) point of the one-at-a-time screen: the base, then each
/// assumption's low and high end, as (assumption, setting, value, point).
fn points(screen: &Screen) -> Vec<(String, &'static str, String, &Point)> {
    let mut out = vec![("(base)".to_string(), "base", String::new(), &screen.base)];
    for (f, ends) in screen.factors.iter().zip(&screen.tornado) {
        out.push((f.key.clone(), "low", f.low.text.clone(), &ends[0]));
        out.push((f.key.clone(), "high", f.high.text.clone(), &ends[1]));
    }
    out
}

/// `sensitivity.csv`: `assumption,setting,value,variant,metric,n,mean,ci95_low,ci95_high,
/// diff,diff_ci95_low,diff_ci95_high,holding`, one row per (point, variant, metric); the
/// differences are paired against the baseline (empty for the baseline itself); `holding`
/// compares a low or high end with the base (holds, weakens, strengthens, reverses, flips).
pub fn sensitivity_csv(screen: &Screen) -> Vec<u8> {
    let header = [
        "assumption",
        "setting",
        "value",
        "variant",
        "metric",
        "n",
        "mean",
        "ci95_low",
        "ci95_high",
        "diff",
        "diff_ci95_low",
        "diff_ci95_high",
        "holding",
    ];
    let b = screen.baseline;
    let names = names(screen);
    let mut rows = vec![header.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
    for (assumption, setting, value, point) in points(screen) {
        for (v, name) in names.iter().enumerate() {
            for (m, metric) in METRICS.iter().enumerate() {
                let s = &point.results.summaries[v][m];
                let mut row = vec![
                    assumption.clone(),
                    setting.to_string(),
                    value.clone(),
                    name.to_string(),
                    metric.name.to_string(),
                    s.n.to_string(),
                    number(s.mean),
                    number(s.ci95_low),
                    number(s.ci95_high),
                ];
                if v == b {
                    row.extend(["", "", "", ""].map(String::from));
                } else {
                    let t = point.difference(v, b, m);
                    row.extend([number(t.mean_diff), number(t.ci95_low), number(t.ci95_high)]);
                    row.push(if setting == "base" {
                        String::new()
                    } else {
                        holding(&screen.base.difference(v, b, m), &t)
                            .as_str()
                            .to_string()
                    });
                }
                rows.push(row);
            }
        }
    }
    to_bytes(rows)
}

/// `morris.csv`: `assumption,low,high,variant,metric,trajectories,mu,mu_star,sigma`: the
/// elementary effects of each assumption on each variant's difference from the baseline,
/// per unit of the low-to-high range (a yes/no assumption: the effect of switching it).
pub fn morris_csv(screen: &Screen) -> Vec<u8> {
    let header = [
        "assumption",
        "low",
        "high",
        "variant",
        "metric",
        "trajectories",
        "mu",
        "mu_star",
        "sigma",
    ];
    let names = names(screen);
    let mut rows = vec![header.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
    // Without trajectories (`--trajectories 0`) there are no Morris statistics: the header only.
    let variants = if screen.morris.is_empty() {
        0
    } else {
        names.len()
    };
    for v in (0..variants).filter(|&v| v != screen.baseline) {
        for (m, metric) in METRICS.iter().enumerate() {
            for (f, s) in screen.factors.iter().zip(screen.morris_statistics(v, m)) {
                rows.push(vec![
                    f.key.clone(),
                    f.low.text.clone(),
                    f.high.text.clone(),
                    names[v].to_string(),
                    metric.name.to_string(),
                    s.n.to_string(),
                    number(s.mu),
                    number(s.mu_star),
                    number(s.sigma),
                ]);
            }
        }
    }
    to_bytes(rows)
}

/// One row of a stability table: an assumption's end and each variant's difference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StabilityRow {
    /// `key = value`, or `(base)`.
    pub setting: String,
    /// Per non-baseline variant: the difference as text and how it compares with the base.
    pub cells: Vec<(String, String)>,
}

/// A stability table for one metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StabilityTable {
    /// The metric.
    pub metric: String,
    /// The non-baseline variants, in column order.
    pub variants: Vec<String>,
    /// The base row, then each assumption's low and high rows.
    pub rows: Vec<StabilityRow>,
}

/// A Morris ranking for one metric: assumptions by their largest mu* over the variants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MorrisTable {
    /// The metric (of the differences from the baseline).
    pub metric: String,
    /// The non-baseline variants, in column order.
    pub variants: Vec<String>,
    /// (assumption, per variant (mu*, sigma)), most influential first; shares in
    /// percentage points. NaN where a statistic is not defined (sigma of one trajectory),
    /// written as `null` in `sensitivity.json` and read back as NaN.
    #[serde(deserialize_with = "rows_with_gaps")]
    pub rows: Vec<MorrisRow>,
}

/// One Morris row: the assumption and, per variant, (mu*, sigma).
pub type MorrisRow = (String, Vec<(f64, f64)>);

/// Morris rows as `sensitivity.json` holds them: `null` (how JSON writes NaN) read as NaN.
fn rows_with_gaps<'de, D>(d: D) -> Result<Vec<MorrisRow>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    type Stored = Vec<(String, Vec<(Option<f64>, Option<f64>)>)>;
    let nan = |x: Option<f64>| x.unwrap_or(f64::NAN);
    Ok(<Stored as Deserialize>::deserialize(d)?
        .into_iter()
        .map(|(name, stats)| {
            let stats = stats.into_iter().map(|(m, s)| (nan(m), nan(s))).collect();
            (name, stats)
        })
        .collect())
}

/// What the report and the terminal show of a screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// The baseline variant.
    pub baseline: String,
    /// The assumptions, `KEY=LOW,HIGH`.
    pub assumptions: Vec<String>,
    /// Replications per variant at every point.
    pub replications: u32,
    /// Morris trajectories run.
    pub trajectories: usize,
    /// Morris grid levels.
    pub levels: usize,
    /// The verdict's stability in sentences.
    pub sentences: Vec<String>,
    /// One stability table per main metric.
    pub stability: Vec<StabilityTable>,
    /// One Morris ranking per main metric (empty without trajectories).
    pub morris: Vec<MorrisTable>,
    /// The tornado pictures' file stems.
    pub pictures: Vec<String>,
}

/// The summary of `screen` on the main `metrics` (the first is the verdict's).
pub fn summary(
    screen: &Screen,
    metrics: &[usize],
    base_values: &[Option<f64>],
    floors: &[crate::analysis::FairnessFloor],
) -> Summary {
    let names = names(screen);
    let b = screen.baseline;
    let others: Vec<usize> = (0..names.len()).filter(|&v| v != b).collect();
    let cells: Vec<Cell> = stability::cells(screen, metrics);
    let stability = metrics
        .iter()
        .map(|&m| {
            let scale = METRICS[m].display_scale();
            let base_row = StabilityRow {
                setting: "(base)".into(),
                cells: others
                    .iter()
                    .map(|&v| {
                        let t = screen.base.difference(v, b, m);
                        (diff_cell(&t, scale).trim_end().to_string(), String::new())
                    })
                    .collect(),
            };
            let mut rows = vec![base_row];
            for (f, factor) in screen.factors.iter().enumerate() {
                for (end, s) in [&factor.low, &factor.high].into_iter().enumerate() {
                    let row_cells = others
                        .iter()
                        .map(|&v| {
                            let cell = cells
                                .iter()
                                .find(|c| {
                                    c.factor == f && c.end == end && c.variant == v && c.metric == m
                                })
                                .expect("every cell is computed");
                            (
                                diff_cell(&cell.test, scale).trim_end().to_string(),
                                if cell.holding == Holding::Holds {
                                    String::new()
                                } else {
                                    cell.holding.as_str().to_string()
                                },
                            )
                        })
                        .collect();
                    rows.push(StabilityRow {
                        setting: format!("{} = {}", s.key, s.text),
                        cells: row_cells,
                    });
                }
            }
            StabilityTable {
                metric: METRICS[m].name.to_string(),
                variants: others.iter().map(|&v| names[v].to_string()).collect(),
                rows,
            }
        })
        .collect();
    let morris = if screen.morris.is_empty() {
        Vec::new()
    } else {
        metrics
            .iter()
            .map(|&m| {
                let scale = METRICS[m].display_scale();
                let stats: Vec<Vec<crate::sensitivity::morris::Screening>> = others
                    .iter()
                    .map(|&v| screen.morris_statistics(v, m))
                    .collect();
                let mut rows: Vec<(String, Vec<(f64, f64)>)> = screen
                    .factors
                    .iter()
                    .enumerate()
                    .map(|(f, factor)| {
                        (
                            factor.key.clone(),
                            stats
                                .iter()
                                .map(|s| (s[f].mu_star * scale, s[f].sigma * scale))
                                .collect(),
                        )
                    })
                    .collect();
                let top = |r: &(String, Vec<(f64, f64)>)| {
                    r.1.iter()
                        .map(|x| x.0)
                        .filter(|x| x.is_finite())
                        .fold(0.0, f64::max)
                };
                rows.sort_by(|a, b| top(b).total_cmp(&top(a)));
                MorrisTable {
                    metric: METRICS[m].name.to_string(),
                    variants: others.iter().map(|&v| names[v].to_string()).collect(),
                    rows,
                }
            })
            .collect()
    };
    Summary {
        baseline: names[b].to_string(),
        assumptions: screen.factors.iter().map(|f| f.spec()).collect(),
        replications: screen.replications,
        trajectories: screen.morris.len(),
        levels: screen.levels,
        sentences: stability::sentences(screen, &cells, metrics[0], base_values, floors),
        stability,
        morris,
        pictures: metrics
            .iter()
            .map(|&m| format!("tornado_{}", METRICS[m].name))
            .collect(),
    }
}

/// Draws one tornado per main metric: each assumption's swing of every variant's
/// difference from the baseline, largest swing first.
pub fn tornadoes(
    dir: &Path,
    screen: &Screen,
    metrics: &[usize],
) -> Result<Vec<PathBuf>, OutputError> {
    let names = names(screen);
    let b = screen.baseline;
    let others: Vec<usize> = (0..names.len()).filter(|&v| v != b).collect();
    let series: Vec<String> = others.iter().map(|&v| names[v].to_string()).collect();
    let mut paths = Vec::new();
    for &m in metrics {
        let scale = METRICS[m].display_scale();
        let mut rows: Vec<(String, Vec<(f64, f64)>)> = screen
            .factors
            .iter()
            .zip(&screen.tornado)
            .map(|(f, ends)| {
                let bars = others
                    .iter()
                    .map(|&v| {
                        (
                            ends[0].difference(v, b, m).mean_diff * scale,
                            ends[1].difference(v, b, m).mean_diff * scale,
                        )
                    })
                    .collect();
                let short = f.key.rsplit('.').next().unwrap_or(&f.key);
                (format!("{short} {} to {}", f.low.text, f.high.text), bars)
            })
            .collect();
        let swing = |r: &(String, Vec<(f64, f64)>)| {
            r.1.iter()
                .map(|(lo, hi)| (hi - lo).abs())
                .filter(|x| x.is_finite())
                .fold(0.0, f64::max)
        };
        rows.sort_by(|x, y| swing(y).total_cmp(&swing(x)));
        let base: Vec<f64> = others
            .iter()
            .map(|&v| screen.base.difference(v, b, m).mean_diff * scale)
            .collect();
        let unit = if scale == 100.0 {
            "percentage points"
        } else {
            METRICS[m].unit
        };
        paths.extend(
            plots::tornado(
                dir,
                &format!("tornado_{}", METRICS[m].name),
                &format!("Tornado: {} minus {}", METRICS[m].name, names[b]),
                &format!("difference from {} ({unit})", names[b]),
                &series,
                &rows,
                &base,
            )
            .map_err(|e| OutputError {
                source: std::io::Error::other(e.reason.to_string()),
                path: e.path,
            })?,
        );
    }
    Ok(paths)
}

/// Writes the screen's files into `dir`; returns their paths.
pub fn write(
    dir: &Path,
    screen: &Screen,
    summary: &Summary,
    metrics: &[usize],
) -> Result<Vec<PathBuf>, OutputError> {
    let mut paths = Vec::new();
    for (name, bytes) in [
        (SENSITIVITY_FILE, sensitivity_csv(screen)),
        (MORRIS_FILE, morris_csv(screen)),
    ] {
        let path = dir.join(name);
        write_atomic(&path, &bytes)?;
        paths.push(path);
    }
    paths.extend(tornadoes(dir, screen, metrics)?);
    let path = dir.join(SENSITIVITY_JSON);
    let mut json = serde_json::to_vec_pretty(summary).expect("a summary always serialises");
    json.push(b'\n');
    write_atomic(&path, &json)?;
    paths.push(path);
    Ok(paths)
}

/// The first header cell of a stability table on `metric` (a metric name): `metric: minus
/// BASELINE`, and `(lower is better)` for a metric where it is, so a `+` there reads worse.
pub fn difference_header(metric: &str, baseline: &str) -> String {
    let lower = crate::metrics::metric_index(metric)
        .is_some_and(|m| crate::metrics::METRICS[m].better == crate::metrics::Better::Lower);
    format!(
        "{metric}: minus {baseline}{}",
        if lower { " (lower is better)" } else { "" }
    )
}

/// The terminal text: the stability tables, the sentences, the Morris rankings.
pub fn render(summary: &Summary) -> String {
    let mut out = String::new();
    for t in &summary.stability {
        let mut rows = vec![
            std::iter::once(difference_header(&t.metric, &summary.baseline))
                .chain(t.variants.iter().cloned())
                .collect::<Vec<_>>(),
        ];
        for r in &t.rows {
            rows.push(
                std::iter::once(r.setting.clone())
                    .chain(r.cells.iter().map(|(d, h)| {
                        if h.is_empty() {
                            d.clone()
                        } else {
                            format!("{d} {h}")
                        }
                    }))
                    .collect(),
            );
        }
        out.push_str(&crate::output::table::layout(&rows));
        out.push('\n');
    }
    out.push_str(
        "difference from the baseline [95% CI] at the base and at each assumption's low and high value; * the interval excludes 0;\n\
         holds unless marked (same sign and significance, or not clear at the base nor here, whatever the signs): weakens (no longer clear), strengthens (now clear),\n\
         reverses (a clear difference turns to the other sign, not clearly), flips (a clear difference turns clearly to the other sign)\n\n",
    );
    for s in &summary.sentences {
        out.push_str(&format!("- {}\n", s.replace('`', "")));
    }
    for t in &summary.morris {
        let mut rows = vec![
            std::iter::once(format!("Morris, {}: mu* (sigma)", t.metric))
                .chain(t.variants.iter().cloned())
                .collect::<Vec<_>>(),
        ];
        for (name, stats) in &t.rows {
            rows.push(
                std::iter::once(name.clone())
                    .chain(stats.iter().map(|(mu, sd)| {
                        format!("{} ({})", value_text_plain(*mu), value_text_plain(*sd))
                    }))
                    .collect(),
            );
        }
        out.push('\n');
        out.push_str(&crate::output::table::layout(&rows));
    }
    if !summary.morris.is_empty() {
        out.push_str(&format!(
            "Morris elementary effects over {} ({} levels): mu* = mean |effect| of moving an assumption from its low to its high value on the difference from {} (shares in percentage points), sigma = their spread (interactions, curvature; n/a with one trajectory)\n",
            crate::output::plural_of(summary.trajectories as u64, "trajectory", "trajectories"),
            summary.levels,
            summary.baseline
        ));
    }
    out
}
