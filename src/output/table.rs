//! The terminal output: a table of levels (one row per variant, one column per main
//! metric, each cell `mean [ci95_low, ci95_high]`), a table of paired differences against
//! the baseline with the significant ones marked, and the verdict in words.

use super::{RIVAL_MIN_P_BEST, probability_text, rival_text};
use crate::analysis::{Analysis, PairedTest};
use crate::experiment::ExperimentResults;
use crate::metrics::{Better, METRICS, metric_index};
use crate::stats::Summary;

/// The metrics shown in the table, in column order, with their column labels
/// (metrics missing from `METRICS` are skipped). Labels of `share` metrics get ` %`.
pub const TABLE_METRICS: &[(&str, &str)] = &[
    ("conversion_rate", "conversion"),
    ("leads_won", "won"),
    ("visits_per_rep_day", "visits/rep-day"),
    ("effective_visits_per_rep_day", "effective/rep-day"),
    ("quota_days_share", "quota days"),
    ("reclaimed_share", "reclaimed"),
    ("hours_to_first_contact", "h to 1st contact"),
    ("gini_wins", "gini wins"),
    ("nh_win_ratio", "NH/vet wins"),
    ("nh_lead_quality_ratio", "NH/vet lead quality"),
];

/// Decimals for a value of this size: about three significant digits, none from 100 up.
pub fn decimals(x: f64) -> usize {
    match x.abs() {
        a if a >= 100.0 => 0,
        a if a >= 10.0 => 1,
        a if a >= 1.0 => 2,
        _ => 3,
    }
}

/// At least `p` decimals, more (up to 6) until `x` does not round to a signed zero: a
/// difference of -0.0004 reads "-0.0004", not "-0.000".
pub fn decimals_showing(x: f64, p: usize) -> usize {
    let mut p = p;
    while x != 0.0 && x.is_finite() && p < 6 && x.abs() < 0.5 * 10f64.powi(-(p as i32)) {
        p += 1;
    }
    p
}

/// `x` with `p` decimals, a negative number that rounds to zero written as zero ("0.000",
/// not "-0.000"): for interval ends and levels, where the sign of a rounded zero means
/// nothing.
pub fn fixed(x: f64, p: usize) -> String {
    let text = format!("{x:.p$}");
    match text.strip_prefix('-') {
        Some(rest) if rest.bytes().all(|b| b == b'0' || b == b'.') => rest.to_string(),
        _ => text,
    }
}

/// One cell: `mean [lo, hi]` scaled by `scale`, with decimals chosen from the mean;
/// just the mean when there is no interval (fewer than two finite values); `n/a` when
/// there is no finite value at all.
pub fn cell(s: &Summary, scale: f64) -> String {
    let mean = s.mean * scale;
    if !mean.is_finite() {
        return "n/a".into();
    }
    let p = decimals(mean);
    let (lo, hi) = (s.ci95_low * scale, s.ci95_high * scale);
    if lo.is_finite() && hi.is_finite() {
        format!("{} [{}, {}]", fixed(mean, p), fixed(lo, p), fixed(hi, p))
    } else {
        fixed(mean, p)
    }
}

/// The table columns: (metric index, label with ` %` for shares, whether a share).
fn columns() -> Vec<(usize, String, bool)> {
    TABLE_METRICS
        .iter()
        .filter_map(|&(name, label)| metric_index(name).map(|m| (m, label)))
        .map(|(m, label)| {
            let pct = METRICS[m].unit == "share";
            let label = if pct {
                format!("{label} %")
            } else {
                label.to_string()
            };
            (m, label, pct)
        })
        .collect()
}

/// Lays out rows (the first a header) in aligned columns, the first left-aligned. Widths
/// are terminal columns (a CJK character or an emoji takes two), so names in any script
/// keep the columns straight.
pub fn layout(rows: &[Vec<String>]) -> String {
    use unicode_width::UnicodeWidthStr;
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..width)
        .map(|c| {
            rows.iter()
                .map(|r| r.get(c).map_or(0, |t| t.width()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, text) in row.iter().enumerate() {
            let pad = " ".repeat(widths[c] - text.width());
            if c == 0 {
                line.push_str(text);
                line.push_str(&pad);
            } else {
                line.push_str("  ");
                line.push_str(&pad);
                line.push_str(text);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Decimals for a difference `mean` with interval `lo..hi` (already scaled): enough for
/// the larger of the mean and the half-width, and never a signed zero for a mean that is
/// not zero.
pub fn difference_decimals(mean: f64, lo: f64, hi: f64) -> usize {
    let half = (hi - lo) / 2.0;
    decimals_showing(
        mean,
        decimals(if half.is_finite() {
            mean.abs().max(half)
        } else {
            mean.abs()
        }),
    )
}

/// One difference cell: `+d [lo, hi]` scaled, with `*` when the interval excludes zero.
pub fn diff_cell(t: &PairedTest, scale: f64) -> String {
    let mean = t.mean_diff * scale;
    if !mean.is_finite() {
        return "n/a".into();
    }
    let (lo, hi) = (t.ci95_low * scale, t.ci95_high * scale);
    let p = difference_decimals(mean, lo, hi);
    let mark = if t.significant() { "*" } else { " " };
    if lo.is_finite() && hi.is_finite() {
        format!("{mean:+.p$} [{lo:+.p$}, {hi:+.p$}]{mark}")
    } else {
        format!("{mean:+.p$} ")
    }
}

/// The levels table, the differences table and the verdict, as text ending with a newline.
pub fn render(results: &ExperimentResults, analysis: &Analysis) -> String {
    let mut out = render_levels(results);
    if results.variants.len() > 1 {
        out.push('\n');
        out.push_str(&render_differences(results, analysis));
    }
    out.push('\n');
    out.push_str(&render_verdict(results, analysis));
    out
}

/// The levels: a header row, one row per variant, and a legend line.
pub fn render_levels(results: &ExperimentResults) -> String {
    let columns = columns();
    let mut rows: Vec<Vec<String>> = Vec::with_capacity(results.variants.len() + 1);
    rows.push(
        std::iter::once("variant".to_string())
            .chain(columns.iter().map(|(_, label, _)| label.clone()))
            .collect(),
    );
    for (variant, summaries) in results.variants.iter().zip(&results.summaries) {
        let mut row = vec![variant.name.clone()];
        for &(m, _, pct) in &columns {
            let scale = if pct { 100.0 } else { 1.0 };
            row.push(summaries.get(m).map_or("n/a".into(), |s| cell(s, scale)));
        }
        rows.push(row);
    }
    let mut out = layout(&rows);
    out.push_str(&format!(
        "mean [95% CI] over {} replication{} per variant; % columns are shares in percent; \
         NH/vet: new hires over veterans (per rep-day wins; mean lead propensity)\n",
        results.replications,
        if results.replications == 1 { "" } else { "s" }
    ));
    out
}

/// The paired differences of every other variant against the baseline, same columns.
pub fn render_differences(results: &ExperimentResults, analysis: &Analysis) -> String {
    let columns = columns();
    let baseline = &results.variants[analysis.baseline].name;
    let mut rows: Vec<Vec<String>> = vec![
        std::iter::once(format!("minus {baseline}"))
            .chain(columns.iter().map(|(_, label, _)| label.clone()))
            .collect(),
    ];
    for v in (0..results.variants.len()).filter(|&v| v != analysis.baseline) {
        let mut row = vec![results.variants[v].name.clone()];
        for &(m, _, pct) in &columns {
            let scale = if pct { 100.0 } else { 1.0 };
            let c = analysis
                .comparisons
                .iter()
                .find(|c| c.variant == v && c.metric == m);
            row.push(c.map_or("n/a".into(), |c| diff_cell(&c.test, scale)));
        }
        rows.push(row);
    }
    let mut out = layout(&rows);
    out.push_str(&format!(
        "difference from {baseline} [95% CI], paired by replication (common random numbers); \
         * the interval excludes 0; % columns in percentage points\n"
    ));
    out
}

/// A plain number with about three significant digits (see [`decimals`]); "n/a" when
/// it is not defined.
pub fn value_text_plain(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    format!("{x:.p$}", p = decimals(x))
}

/// A metric value in words: a share as a percentage, anything else with three digits;
/// "n/a" when it is not defined.
pub fn value_text(metric: usize, x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    if METRICS[metric].unit == "share" {
        format!("{:.p$}%", x * 100.0, p = decimals(x * 100.0))
    } else {
        format!("{x:.p$}", p = decimals(x))
    }
}

/// The verdict in sentences built from the numbers: the best variant on the ranking
/// metric with its probability of being best and its difference from the baseline, and
/// the best one meeting the fairness floors.
pub fn render_verdict(results: &ExperimentResults, analysis: &Analysis) -> String {
    let v = &analysis.verdict;
    let metric = &METRICS[v.metric];
    let name = |i: usize| results.variants[i].name.as_str();
    let mut out = String::new();
    let Some(best) = v.best else {
        out.push_str(&format!(
            "verdict: no variant has a defined {}\n",
            metric.name
        ));
        out.push_str(&precision_line(analysis));
        return out;
    };
    let direction = match metric.better {
        Better::Lower => "lowest",
        _ => "highest",
    };
    out.push_str(&if results.variants.len() < 2 {
        format!(
            "verdict: {}'s {} is {}; the only variant, nothing to rank it against",
            name(best),
            metric.name,
            value_text(v.metric, results.summaries[best][v.metric].mean),
        )
    } else {
        format!(
            "verdict: {} has the {direction} {} ({}), {}",
            name(best),
            metric.name,
            value_text(v.metric, results.summaries[best][v.metric].mean),
            {
                let tied = crate::analysis::tied_with(results, best, v.metric);
                let tied_names = tied.iter().map(|&i| name(i)).collect::<Vec<_>>().join(", ");
                match crate::analysis::too_few_to_rank(results.replications) {
                    Some(why) if tied.is_empty() => format!("but {why}"),
                    Some(why) => format!("tied with {tied_names} in every replication; {why}"),
                    None => {
                        let together = if tied.is_empty() {
                            String::new()
                        } else {
                            format!(
                                " (tied with {tied_names} in every replication: together {})",
                                probability_text(
                                    v.p_best[best] + tied.iter().map(|&i| v.p_best[i]).sum::<f64>()
                                )
                            )
                        };
                        format!(
                            "best in {} of {} bootstrap resamples{together}",
                            probability_text(v.p_best[best]),
                            v.draws
                        )
                    }
                }
            }
        )
    });
    if best != analysis.baseline
        && let Some(c) = analysis
            .comparisons
            .iter()
            .find(|c| c.variant == best && c.metric == v.metric)
    {
        let scale = metric.display_scale();
        let unit = if metric.unit == "share" {
            " points"
        } else {
            ""
        };
        let p = decimals_showing(
            c.test.mean_diff * scale,
            decimals((c.test.mean_diff * scale).abs()),
        );
        let has_interval = c.test.ci95_low.is_finite() && c.test.ci95_high.is_finite();
        let interval = if has_interval {
            format!(
                " [{:+.p$}, {:+.p$}]",
                c.test.ci95_low * scale,
                c.test.ci95_high * scale
            )
        } else {
            " (no interval: too few replications)".to_string()
        };
        out.push_str(&format!(
            "; {:+.p$}{unit}{interval} against {}{}",
            c.test.mean_diff * scale,
            name(analysis.baseline),
            if c.test.significant() || !has_interval {
                ""
            } else {
                ", not a clear difference"
            }
        ));
    }
    out.push('\n');
    let ranked = crate::analysis::too_few_to_rank(results.replications).is_none();
    // Ties with the best first, then the other variants, tied ones as one group.
    let tied_with_best = crate::analysis::tied_with(results, best, v.metric);
    let mut others: Vec<(usize, String)> = tied_with_best
        .iter()
        .filter(|&&i| v.p_best[i] >= RIVAL_MIN_P_BEST)
        .map(|&i| {
            let text = format!(
                "{} {} (tied with {} in every replication)",
                name(i),
                probability_text(v.p_best[i]),
                name(best)
            );
            (i, text)
        })
        .collect();
    others.extend(
        crate::analysis::rival_groups(results, &v.p_best, best, v.metric)
            .into_iter()
            .filter(|(_, together)| *together >= RIVAL_MIN_P_BEST)
            .map(|(members, together)| {
                let names: Vec<String> = members.iter().map(|&i| name(i).to_string()).collect();
                let text = rival_text(&names, v.p_best[members[0]], together, " ");
                (members[0], text)
            }),
    );
    others.sort_by_key(|(i, _)| *i);
    let others: Vec<String> = if ranked {
        others.into_iter().map(|(_, text)| text).collect()
    } else {
        Vec::new()
    };
    if !others.is_empty() {
        out.push_str(&format!(
            "         probability of being best, others: {}\n",
            others.join(", ")
        ));
    }
    if v.floors.is_empty() {
        out.push_str(
            "         (add --fairness-floor METRIC=VALUE, e.g. nh_win_ratio=0.8, for the best variant that is fair enough)\n",
        );
    } else {
        let floors: Vec<String> = v.floors.iter().map(|f| f.describe()).collect();
        match v.best_meeting_floors {
            Some(b) => {
                // Variants identical to it on the ranking metric that meet the floors too.
                let tied: Vec<&str> =
                    crate::analysis::best::tied_meeting_floors(results, &v.floors, b, v.metric)
                        .into_iter()
                        .map(name)
                        .collect();
                let tie = if tied.is_empty() {
                    String::new()
                } else {
                    format!(", tied with {} in every replication", tied.join(", "))
                };
                out.push_str(&format!(
                    "         meeting {} (checked on means): {}{tie} ({} {}{})\n",
                    floors.join(" and "),
                    name(b),
                    metric.name,
                    value_text(v.metric, results.summaries[b][v.metric].mean),
                    if !ranked || results.variants.len() < 2 {
                        String::new()
                    } else {
                        format!(
                            ", best in {} of resamples overall",
                            probability_text(v.p_best[b])
                        )
                    }
                ));
                let shaky: Vec<&str> = v
                    .floors
                    .iter()
                    .filter(|f| f.met_only_on_average(&results.summaries[b][f.metric]))
                    .map(|f| METRICS[f.metric].name)
                    .collect();
                if !shaky.is_empty() {
                    out.push_str(&format!(
                        "         but the 95% interval of its {} reaches past the floor{}\n",
                        shaky.join(" and "),
                        if shaky.len() == 1 { "" } else { "s" }
                    ));
                }
            }
            None => {
                let unjudged: Vec<String> = crate::analysis::unjudgeable_floors(results, &v.floors)
                    .iter()
                    .map(|f| f.describe())
                    .collect();
                out.push_str(&if unjudged.is_empty() {
                    format!(
                        "         no variant meets {} (checked on means)\n",
                        floors.join(" and ")
                    )
                } else {
                    format!(
                        "         {} cannot be judged: undefined in every variant\n",
                        unjudged.join(" and ")
                    )
                });
            }
        }
    }
    out.push_str(&precision_line(analysis));
    out
}

/// Why a run to a precision (`--precision`) stopped where it did, one line; empty without one.
fn precision_line(analysis: &Analysis) -> String {
    match &analysis.precision {
        Some((rule, status)) => format!(
            "replications: {} per variant ({}; target {}% on {})\n",
            status.replications,
            status.reason,
            rule.relative * 100.0,
            METRICS[rule.metric].name
        ),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    fn summary(mean: f64, lo: f64, hi: f64) -> Summary {
        Summary {
            n: 10,
            mean,
            sd: 1.0,
            ci95_low: lo,
            ci95_high: hi,
        }
    }

    #[test]
    fn every_table_metric_exists() {
        for (name, _) in TABLE_METRICS {
            assert!(metric_index(name).is_some(), "{name}");
        }
    }

    #[test]
    fn cells_are_compact() {
        assert_eq!(
            cell(&summary(0.02346, 0.0231, 0.0238), 100.0),
            "2.35 [2.31, 2.38]"
        );
        assert_eq!(
            cell(&summary(1234.4, 1200.2, 1268.7), 1.0),
            "1234 [1200, 1269]"
        );
        assert_eq!(cell(&summary(26.34, 25.0, 27.7), 1.0), "26.3 [25.0, 27.7]");
        assert_eq!(
            cell(&summary(0.4123, 0.405, 0.419), 1.0),
            "0.412 [0.405, 0.419]"
        );
        assert_eq!(cell(&summary(3.0, f64::NAN, f64::NAN), 1.0), "3.00");
        assert_eq!(cell(&summary(f64::NAN, f64::NAN, f64::NAN), 1.0), "n/a");
    }

    #[test]
    fn one_row_per_variant() {
        let variants = Scenario::embedded().resolved_variants().unwrap()[..2].to_vec();
        let summaries = vec![vec![summary(0.5, 0.4, 0.6); METRICS.len()]; 2];
        let results = ExperimentResults {
            variants,
            replications: 10,
            runs: vec![Vec::new(), Vec::new()],
            summaries,
            records: vec![Default::default(); 2],
        };
        let text = render_levels(&results);
        let lines: Vec<_> = text.lines().collect();
        assert_eq!(lines.len(), 4);
        assert!(lines[0].starts_with("variant "), "{}", lines[0]);
        assert!(lines[0].contains("conversion %"), "{}", lines[0]);
        assert!(lines[1].starts_with("hoarding "), "{}", lines[1]);
        assert!(lines[1].contains("50.0 [40.0, 60.0]"), "{}", lines[1]);
        assert!(lines[2].contains("0.500 [0.400, 0.600]"), "{}", lines[2]);
        assert!(lines[3].contains("10 replications"));
    }

    #[test]
    fn differences_and_verdict_come_from_the_numbers() {
        use crate::analysis::{FairnessFloor, analyse};
        use crate::experiment::RunMetrics;
        let variants = Scenario::embedded().resolved_variants().unwrap()[2..5].to_vec();
        let conversion = metric_index("conversion_rate").unwrap();
        let nh = metric_index("nh_win_ratio").unwrap();
        // alibaba 2.0%, strict 2.5% (+0.5 points, always), new-hire-priority 1.9% but fair.
        let run = |conv: f64, ratio: f64, r: usize| {
            let mut metrics = vec![f64::NAN; METRICS.len()];
            metrics[conversion] = conv + [0.001, -0.001, 0.0, 0.0005, -0.0005][r];
            metrics[nh] = ratio;
            RunMetrics { metrics }
        };
        let runs = [(0.020, 0.6), (0.025, 0.7), (0.019, 1.0)]
            .iter()
            .map(|&(c, n)| (0..5).map(|r| run(c, n, r)).collect())
            .collect();
        let results = ExperimentResults::from_runs(&variants, runs);
        let floors = [FairnessFloor::parse("nh_win_ratio=0.8").unwrap()];
        let analysis = analyse(&results, 0, conversion, &floors, 200, 7);
        let text = render(&results, &analysis);
        assert!(text.contains("minus alibaba"), "{text}");
        let strict = text
            .lines()
            .find(|l| l.starts_with("strict") && l.contains('+'))
            .unwrap();
        assert!(strict.contains("+0.500 [+0.500, +0.500]*"), "{strict}");
        assert!(
            text.contains("verdict: strict has the highest conversion_rate (2.50%), best in 100% of 200 bootstrap resamples; +0.500 points [+0.500, +0.500] against alibaba"),
            "{text}"
        );
        assert!(
            text.contains("meeting nh_win_ratio>=0.8 (checked on means): new-hire-priority (conversion_rate 1.90%"),
            "{text}"
        );
    }

    #[test]
    fn a_tie_for_best_is_named_even_with_too_few_replications_to_rank() {
        use crate::experiment::RunMetrics;
        let variants = Scenario::embedded().resolved_variants().unwrap()[2..5].to_vec();
        let won = metric_index("leads_won").unwrap();
        // Nobody wins anything in a short run: every variant has 0 in both replications.
        let runs = (0..3)
            .map(|_| {
                (0..2)
                    .map(|_| {
                        let mut metrics = vec![f64::NAN; METRICS.len()];
                        metrics[won] = 0.0;
                        RunMetrics { metrics }
                    })
                    .collect()
            })
            .collect();
        let results = ExperimentResults::from_runs(&variants, runs);
        let floors = [crate::analysis::FairnessFloor::parse("leads_won=0").unwrap()];
        let analysis = crate::analysis::analyse(&results, 0, won, &floors, 200, 7);
        let text = render_verdict(&results, &analysis);
        let tied = format!(
            "tied with {}, {} in every replication",
            variants[1].name, variants[2].name
        );
        assert!(
            text.contains(&format!(
                "(0.000), {tied}; 2 replications have only 3 distinct"
            )),
            "{text}"
        );
        // The fair choice is tied with the same variants.
        assert!(
            text.contains(&format!(
                "(checked on means): {}, {tied} (",
                variants[0].name
            )),
            "{text}"
        );
    }

    #[test]
    fn rivals_tied_with_each_other_are_listed_as_one_tie() {
        let results = crate::analysis::best::tied_rivals();
        let conversion = metric_index("conversion_rate").unwrap();
        let analysis = crate::analysis::analyse(&results, 0, conversion, &[], 400, 5);
        let p = &analysis.verdict.p_best;
        let text = render_verdict(&results, &analysis);
        let tie = format!(
            "{} and {} {} each (tied in every replication: together {})",
            results.variants[2].name,
            results.variants[3].name,
            probability_text(p[2]),
            probability_text(p[2] + p[3])
        );
        assert!(text.contains(&tie), "{text}");
    }

    #[test]
    fn rounded_zeros_carry_no_sign_and_small_differences_keep_a_digit() {
        assert_eq!(fixed(-0.0001, 3), "0.000");
        assert_eq!(fixed(-0.0006, 3), "-0.001");
        assert_eq!(fixed(0.0, 2), "0.00");
        assert_eq!(decimals_showing(-0.0004, 3), 4);
        assert_eq!(decimals_showing(0.0, 3), 3);
        assert_eq!(decimals_showing(0.5, 3), 3);
    }

    #[test]
    fn columns_line_up_for_wide_characters() {
        let rows = vec![
            vec!["variant".to_string(), "won".to_string()],
            vec!["北京推送".to_string(), "12".to_string()],
            vec!["alibaba".to_string(), "3".to_string()],
        ];
        let text = layout(&rows);
        use unicode_width::UnicodeWidthStr;
        let widths: Vec<usize> = text.lines().map(|l| l.width()).collect();
        assert_eq!(widths, [13, 13, 13], "{text}");
    }
}
