//! Does the verdict hold? For each assumption at its low and high value, whether each
//! variant's difference from the baseline keeps its sign and significance, where it flips
//! (with the crossing interpolated for numeric assumptions), and whether the best variant
//! changes; all said in sentences built from the numbers.

use super::screen::{Point, Screen};
use crate::analysis::PairedTest;
use crate::metrics::{Better, METRICS};
use crate::report::sentences::difference_text;

/// How a difference at an assumption's end compares with the base.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holding {
    /// Same sign and same significance.
    Holds,
    /// Same sign; significant at the base, not here.
    Weakens,
    /// Same sign; not significant at the base, significant here.
    Strengthens,
    /// Opposite sign, not significant here.
    Reverses,
    /// Opposite sign and significant here: the conclusion flips.
    Flips,
}

impl Holding {
    /// The word used in tables and files.
    pub fn as_str(self) -> &'static str {
        match self {
            Holding::Holds => "holds",
            Holding::Weakens => "weakens",
            Holding::Strengthens => "strengthens",
            Holding::Reverses => "reverses",
            Holding::Flips => "flips",
        }
    }
}

fn sign(x: f64) -> i8 {
    if x > 0.0 {
        1
    } else if x < 0.0 {
        -1
    } else {
        0
    }
}

/// How `end` compares with `base`.
pub fn holding(base: &PairedTest, end: &PairedTest) -> Holding {
    let same = sign(base.mean_diff) == sign(end.mean_diff);
    match (same, base.significant(), end.significant()) {
        (true, a, b) if a == b => Holding::Holds,
        (true, true, false) => Holding::Weakens,
        (true, _, _) => Holding::Strengthens,
        (false, _, true) => Holding::Flips,
        (false, _, false) => Holding::Reverses,
    }
}

/// Where a straight line through (base value, base difference) and (end value, end
/// difference) crosses zero; `None` unless the differences have opposite signs.
pub fn crossing(base_value: f64, base_diff: f64, end_value: f64, end_diff: f64) -> Option<f64> {
    (sign(base_diff) * sign(end_diff) < 0)
        .then(|| base_value + (end_value - base_value) * base_diff / (base_diff - end_diff))
}

/// The best variant at a point on metric `m` (highest mean, or lowest when lower is better).
pub fn best_at(point: &Point, m: usize) -> Option<usize> {
    let better = METRICS[m].better;
    (0..point.results.variants.len())
        .filter(|&v| point.results.summaries[v][m].mean.is_finite())
        .max_by(|&a, &b| {
            let (x, y) = (
                better.oriented(point.results.summaries[a][m].mean),
                better.oriented(point.results.summaries[b][m].mean),
            );
            x.total_cmp(&y).then(b.cmp(&a))
        })
}

/// One (assumption end, variant, metric) of the stability table.
#[derive(Debug, Clone)]
pub struct Cell {
    /// Assumption index.
    pub factor: usize,
    /// 0 for the low value, 1 for the high value.
    pub end: usize,
    /// Variant index.
    pub variant: usize,
    /// Metric index.
    pub metric: usize,
    /// The difference from the baseline at this end.
    pub test: PairedTest,
    /// Against the base.
    pub holding: Holding,
}

/// The stability of every variant's difference from the baseline on each of `metrics`.
pub fn cells(screen: &Screen, metrics: &[usize]) -> Vec<Cell> {
    let b = screen.baseline;
    let mut out = Vec::new();
    for (f, ends) in screen.tornado.iter().enumerate() {
        for (end, point) in ends.iter().enumerate() {
            for v in (0..point.results.variants.len()).filter(|&v| v != b) {
                for &m in metrics {
                    let base = screen.base.difference(v, b, m);
                    let test = point.difference(v, b, m);
                    out.push(Cell {
                        factor: f,
                        end,
                        variant: v,
                        metric: m,
                        test,
                        holding: holding(&base, &test),
                    });
                }
            }
        }
    }
    out
}

/// The sentences: whether the best variant on `verdict_metric` changes, then every flip
/// and reversal of a difference from the baseline, with the crossing where it can be
/// interpolated. `base_values[f]` is assumption f's value in the base scenario, if numeric.
pub fn sentences(
    screen: &Screen,
    cells: &[Cell],
    verdict_metric: usize,
    base_values: &[Option<f64>],
) -> Vec<String> {
    let names: Vec<&str> = screen
        .base
        .results
        .variants
        .iter()
        .map(|v| v.name.as_str())
        .collect();
    let baseline = names[screen.baseline];
    let metric = METRICS[verdict_metric].name;
    let mut out = Vec::new();
    if let Some(best) = best_at(&screen.base, verdict_metric) {
        let changes: Vec<String> = screen
            .tornado
            .iter()
            .enumerate()
            .flat_map(|(f, ends)| ends.iter().enumerate().map(move |(e, p)| (f, e, p)))
            .filter_map(|(f, e, p)| {
                let there = best_at(p, verdict_metric)?;
                (there != best).then(|| {
                    let s = if e == 0 {
                        &screen.factors[f].low
                    } else {
                        &screen.factors[f].high
                    };
                    format!("{} = {} (`{}`)", s.key, s.text, names[there])
                })
            })
            .collect();
        let direction = if METRICS[verdict_metric].better == Better::Lower {
            "lowest"
        } else {
            "highest"
        };
        out.push(if changes.is_empty() {
            format!(
                "The variant with the {direction} {metric} is `{}` at the base and at every low and high value screened.",
                names[best]
            )
        } else {
            format!(
                "The variant with the {direction} {metric} is `{}` at the base, but another one is when {}.",
                names[best],
                changes.join("; ")
            )
        });
    }
    for c in cells
        .iter()
        .filter(|c| matches!(c.holding, Holding::Flips | Holding::Reverses))
    {
        let f = &screen.factors[c.factor];
        let end = if c.end == 0 { &f.low } else { &f.high };
        let base = screen.base.difference(c.variant, screen.baseline, c.metric);
        let mut text = format!(
            "`{}` against `{baseline}` on {} ({} at the base) {} when {} = {}: {}",
            names[c.variant],
            METRICS[c.metric].name,
            difference_text(c.metric, &base)
                .split(" (")
                .next()
                .unwrap_or_default(),
            if c.holding == Holding::Flips {
                "flips"
            } else {
                "reverses, though not clearly,"
            },
            end.key,
            end.text,
            difference_text(c.metric, &c.test)
        );
        let end_value = match &end.value {
            toml::Value::Integer(i) => Some(*i as f64),
            toml::Value::Float(x) => Some(*x),
            _ => None,
        };
        if let (Some(b), Some(e)) = (base_values[c.factor], end_value)
            && let Some(x) = crossing(b, base.mean_diff, e, c.test.mean_diff)
        {
            text.push_str(&format!(
                "; the difference crosses zero near {} = {} (interpolated between {} and {})",
                end.key,
                crate::output::table::value_text_plain(x),
                crate::output::table::value_text_plain(b),
                end.text
            ));
        }
        text.push('.');
        out.push(text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(mean: f64, lo: f64, hi: f64) -> PairedTest {
        PairedTest {
            n: 5,
            mean_diff: mean,
            ci95_low: lo,
            ci95_high: hi,
            p_value: 0.5,
        }
    }

    #[test]
    fn holding_compares_sign_and_significance() {
        let sig_up = t(1.0, 0.5, 1.5);
        assert_eq!(holding(&sig_up, &t(2.0, 1.0, 3.0)), Holding::Holds);
        assert_eq!(holding(&sig_up, &t(0.5, -0.1, 1.1)), Holding::Weakens);
        assert_eq!(holding(&t(0.5, -0.1, 1.1), &sig_up), Holding::Strengthens);
        assert_eq!(holding(&sig_up, &t(-0.2, -0.5, 0.1)), Holding::Reverses);
        assert_eq!(holding(&sig_up, &t(-1.0, -1.5, -0.5)), Holding::Flips);
    }

    #[test]
    fn the_crossing_is_the_straight_line_zero() {
        // +0.2 at 800, -0.2 at 400: zero half-way, at 600.
        assert_eq!(crossing(800.0, 0.2, 400.0, -0.2), Some(600.0));
        assert_eq!(crossing(1.0, 3.0, 2.0, -1.0), Some(1.75));
        assert_eq!(crossing(1.0, 3.0, 2.0, 1.0), None);
    }
}
