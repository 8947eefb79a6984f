//! Does the verdict hold? For each assumption at its low and high value, whether each
//! variant's difference from the baseline keeps its sign and significance, where it flips
//! (with the crossing interpolated for numeric assumptions), and whether the best variant
//! changes; all said in sentences built from the numbers.

use super::screen::{Point, Screen};
use crate::analysis::{FairnessFloor, PairedTest};
use crate::metrics::{Better, METRICS};
use crate::report::sentences::difference_text;

/// How a difference at an assumption's end compares with the base.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holding {
    /// Same sign and same significance, or not significant at the base nor here (a sign
    /// that is not clear cannot be kept or lost).
    Holds,
    /// Same sign; significant at the base, not here.
    Weakens,
    /// Not significant at the base, significant here (with the base's sign, or against a
    /// base sign that was not clear).
    Strengthens,
    /// Significant at the base; the opposite sign here, not significant.
    Reverses,
    /// Significant at the base and significant here with the opposite sign: the conclusion
    /// flips.
    Flips,
    /// The difference is undefined at the base or here (a metric no replication defines,
    /// such as `nh_win_ratio` without new hires).
    Undefined,
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
            Holding::Undefined => "undefined",
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

/// How `end` compares with `base`. A difference of exactly zero (a variant that equals the
/// baseline there), or one that is not significant at the base, has no sign to keep or
/// lose: only its significance can change.
pub fn holding(base: &PairedTest, end: &PairedTest) -> Holding {
    if base.mean_diff.is_nan() || end.mean_diff.is_nan() {
        return Holding::Undefined;
    }
    let (b, e) = (sign(base.mean_diff), sign(end.mean_diff));
    let same = b == e || b == 0 || e == 0 || !base.significant();
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
    best_meeting_at(point, m, &[])
}

/// The best variant at a point on metric `m` among those whose means meet every one of
/// `floors` (as the verdict checks them).
pub fn best_meeting_at(point: &Point, m: usize, floors: &[FairnessFloor]) -> Option<usize> {
    let better = METRICS[m].better;
    let s = &point.results.summaries;
    (0..point.results.variants.len())
        .filter(|&v| s[v][m].mean.is_finite())
        .filter(|&v| floors.iter().all(|f| f.met_by(s[v][f.metric].mean)))
        .max_by(|&a, &b| {
            let (x, y) = (
                better.oriented(point.results.summaries[a][m].mean),
                better.oriented(point.results.summaries[b][m].mean),
            );
            x.total_cmp(&y).then(b.cmp(&a))
        })
}

/// Where the recommendation moves: the best variant meeting `floors` (on means, as the
/// verdict checks them) at the base, and each assumption end where it is another one or
/// none.
fn recommendation_sentence(
    screen: &Screen,
    m: usize,
    floors: &[FairnessFloor],
    names: &[&str],
) -> String {
    let floors_text = crate::report::sentences::floors_phrase(floors);
    let name = |v: Option<usize>| v.map_or("no variant".to_string(), |v| format!("`{}`", names[v]));
    let at_base = best_meeting_at(&screen.base, m, floors);
    let mut moves = Vec::new();
    for (f, ends) in screen.tornado.iter().enumerate() {
        for (e, p) in ends.iter().enumerate() {
            let there = best_meeting_at(p, m, floors);
            if there != at_base {
                let s = if e == 0 {
                    &screen.factors[f].low
                } else {
                    &screen.factors[f].high
                };
                moves.push(format!("{} = {} ({})", s.key, s.text, name(there)));
            }
        }
    }
    let metric = METRICS[m].name;
    let base = match at_base {
        Some(v) => format!(
            "The best variant on {metric} meeting the fairness {floors_text} (checked on means) is `{}` at the base",
            names[v]
        ),
        None => format!("No variant's mean meets the fairness {floors_text} at the base"),
    };
    match (moves.is_empty(), at_base) {
        (true, Some(_)) => format!("{base}, and at every low and high value screened."),
        (true, None) => format!("{base} nor at any low or high value screened."),
        (false, _) => format!(
            "{base}, but the recommendation moves when {} (each point has {}: a mean near a floor can cross it by noise alone).",
            moves.join("; "),
            crate::output::plural(screen.replications, "replication")
        ),
    }
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
    floors: &[FairnessFloor],
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
    let end_of = |f: usize, e: usize| {
        let factor = &screen.factors[f];
        if e == 0 { &factor.low } else { &factor.high }
    };
    let mut out = Vec::new();
    // The assumptions that move the verdict: the best variant changes, or a clear
    // difference from the baseline flips, at one of their ends.
    let mut deciding: Vec<usize> = Vec::new();
    let best = best_at(&screen.base, verdict_metric);
    // A change of the best variant counts when the new one is clearly ahead of the base's
    // best there (paired difference significant in the better direction); a lead the
    // replications cannot tell from noise is said, not counted.
    let mut changes: Vec<String> = Vec::new();
    let mut unclear_changes: Vec<String> = Vec::new();
    for (f, ends) in screen.tornado.iter().enumerate() {
        for (e, p) in ends.iter().enumerate() {
            if let (Some(best), Some(there)) = (best, best_at(p, verdict_metric))
                && there != best
            {
                let s = end_of(f, e);
                let text = format!("{} = {} (`{}`)", s.key, s.text, names[there]);
                let ahead = p.difference(there, best, verdict_metric);
                let better = METRICS[verdict_metric].better;
                if ahead.significant() && better.oriented(ahead.mean_diff) > 0.0 {
                    changes.push(text);
                    deciding.push(f);
                } else {
                    unclear_changes.push(text);
                }
            }
        }
    }
    deciding.extend(
        cells
            .iter()
            .filter(|c| c.holding == Holding::Flips)
            .map(|c| c.factor),
    );
    deciding.sort_unstable();
    deciding.dedup();
    out.push(if deciding.is_empty() {
        format!(
            "No assumption screened moves the verdict: at no low or high value is another variant clearly ahead of the best on {metric}, and no clear difference from `{baseline}` changes sign."
        )
    } else {
        format!(
            "The verdict rests on {}: at {}, the best variant on {metric} changes or a clear difference from `{baseline}` clearly reverses.",
            deciding
                .iter()
                .map(|&f| screen.factors[f].key.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            if deciding.len() == 1 {
                "its low or high value"
            } else {
                "the low or high value of each"
            },
        )
    });
    if let Some(best) = best {
        let direction = if METRICS[verdict_metric].better == Better::Lower {
            "lowest"
        } else {
            "highest"
        };
        out.push(if changes.is_empty() && unclear_changes.is_empty() {
            format!(
                "The variant with the {direction} {metric} is `{}` at the base and at every low and high value screened.",
                names[best]
            )
        } else if changes.is_empty() {
            format!(
                "The variant with the {direction} {metric} is `{}` at the base, and no other variant is clearly ahead of it at any low or high value screened.",
                names[best]
            )
        } else {
            format!(
                "The variant with the {direction} {metric} is `{}` at the base, but another one is clearly ahead of it when {}.",
                names[best],
                changes.join("; ")
            )
        });
        if !unclear_changes.is_empty() {
            out.push(format!(
                "Another variant comes out ahead of `{}` on {metric}, by a margin these replications cannot tell from noise, when {}.",
                names[best],
                unclear_changes.join("; ")
            ));
        }
    }
    if !floors.is_empty() {
        out.push(recommendation_sentence(
            screen,
            verdict_metric,
            floors,
            &names,
        ));
    }
    // The clear flips, one sentence per assumption end.
    for (f, &base_value) in base_values.iter().enumerate().take(screen.factors.len()) {
        for e in 0..2 {
            let flips: Vec<&Cell> = cells
                .iter()
                .filter(|c| c.factor == f && c.end == e && c.holding == Holding::Flips)
                .collect();
            if flips.is_empty() {
                continue;
            }
            let end = end_of(f, e);
            let parts: Vec<String> = flips
                .iter()
                .map(|c| flip_clause(screen, c, baseline, &names, base_value, end))
                .collect();
            out.push(format!(
                "When {} = {}: {}.",
                end.key,
                end.text,
                parts.join("; ")
            ));
        }
    }
    let unclear = cells
        .iter()
        .filter(|c| c.holding == Holding::Reverses)
        .count();
    if unclear > 0 {
        out.push(format!(
            "{unclear} difference{} from the baseline change{} sign without the new sign being clear (\"reverses\" in the tables).",
            if unclear == 1 { "" } else { "s" },
            if unclear == 1 { "s" } else { "" }
        ));
    }
    out
}

/// "`hoarding` against `alibaba` on conversion_rate goes from +0.163 points to -0.090
/// points (95% CI ...), crossing zero near ... (interpolated ...)".
fn flip_clause(
    screen: &Screen,
    c: &Cell,
    baseline: &str,
    names: &[&str],
    base_value: Option<f64>,
    end: &crate::scenario::Setting,
) -> String {
    let base = screen.base.difference(c.variant, screen.baseline, c.metric);
    let mut text = format!(
        "`{}` against `{baseline}` on {} goes from {} to {}",
        names[c.variant],
        METRICS[c.metric].name,
        difference_text(c.metric, &base)
            .split(" (")
            .next()
            .unwrap_or_default(),
        difference_text(c.metric, &c.test).trim_end_matches(", a clear difference")
    );
    let end_value = match &end.value {
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(x) => Some(*x),
        _ => None,
    };
    if let (Some(b), Some(e)) = (base_value, end_value)
        && let Some(x) = crossing(b, base.mean_diff, e, c.test.mean_diff)
    {
        let base_text = match end.value {
            toml::Value::Integer(_) => format!("{}", b.round() as i64),
            _ => crate::output::table::value_text_plain(b),
        };
        text.push_str(&format!(
            ", crossing zero near {} (interpolated between {base_text} and {})",
            crate::output::table::value_text_plain(x),
            end.text
        ));
    }
    text
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
        // A variant equal to the baseline at the base has no sign to reverse.
        let zero = t(0.0, 0.0, 0.0);
        assert_eq!(holding(&zero, &t(-0.066, -0.157, 0.024)), Holding::Holds);
        assert_eq!(holding(&zero, &t(-0.5, -0.9, -0.1)), Holding::Strengthens);
        assert_eq!(holding(&sig_up, &zero), Holding::Weakens);
        let undefined = t(f64::NAN, f64::NAN, f64::NAN);
        assert_eq!(holding(&sig_up, &undefined), Holding::Undefined);
        assert_eq!(holding(&undefined, &sig_up), Holding::Undefined);
        assert_eq!(holding(&sig_up, &t(-1.0, -1.5, -0.5)), Holding::Flips);
        // A base that is not clear has no sign to flip: a clear difference of either sign
        // there strengthens, an unclear one of the other sign holds.
        let unclear_up = t(0.3, -0.2, 0.8);
        assert_eq!(
            holding(&unclear_up, &t(-1.0, -1.5, -0.5)),
            Holding::Strengthens
        );
        assert_eq!(holding(&unclear_up, &t(-0.3, -0.8, 0.2)), Holding::Holds);
    }

    #[test]
    fn the_crossing_is_the_straight_line_zero() {
        // +0.2 at 800, -0.2 at 400: zero half-way, at 600.
        assert_eq!(crossing(800.0, 0.2, 400.0, -0.2), Some(600.0));
        assert_eq!(crossing(1.0, 3.0, 2.0, -1.0), Some(1.75));
        assert_eq!(crossing(1.0, 3.0, 2.0, 1.0), None);
    }

    /// A screen of two variants (`alibaba` the baseline, `strict`) on conversion, made by
    /// hand: each point's per-replication values for the two.
    fn screen_of(points: [[[f64; 3]; 2]; 3]) -> Screen {
        use crate::experiment::{ExperimentResults, RunMetrics};
        let all = crate::scenario::Scenario::embedded()
            .resolved_variants()
            .unwrap();
        let variants: Vec<_> = ["alibaba", "strict"]
            .iter()
            .map(|n| all.iter().find(|v| v.name == *n).unwrap().clone())
            .collect();
        let m = crate::metrics::metric_index("conversion_rate").unwrap();
        let point = |values: [[f64; 3]; 2]| {
            let runs = values
                .iter()
                .map(|reps| {
                    reps.iter()
                        .map(|&x| {
                            let mut metrics = vec![0.0; METRICS.len()];
                            metrics[m] = x;
                            RunMetrics { metrics }
                        })
                        .collect()
                })
                .collect();
            Point {
                settings: Vec::new(),
                results: ExperimentResults::from_runs(&variants, runs),
            }
        };
        let [base, low, high] = points;
        Screen {
            factors: vec![
                crate::scenario::Factor::parse("leads.marketing_per_day=400,1200").unwrap(),
            ],
            baseline: 0,
            replications: 3,
            base: point(base),
            tornado: vec![[point(low), point(high)]],
            morris: Vec::new(),
            levels: 4,
        }
    }

    #[test]
    fn a_new_best_variant_moves_the_verdict_only_when_clearly_ahead() {
        let m = crate::metrics::metric_index("conversion_rate").unwrap();
        // `strict` is best at the base; `alibaba` is clearly ahead at the low value and
        // ahead within the noise at the high value.
        let screen = screen_of([
            [[1.0, 1.1, 0.9], [2.0, 2.0, 2.0]],
            [[3.0, 3.1, 2.9], [2.0, 2.0, 2.0]],
            [[2.5, 1.6, 2.2], [2.0, 2.0, 2.0]],
        ]);
        let said = sentences(&screen, &cells(&screen, &[m]), m, &[Some(800.0)], &[]);
        assert!(
            said[0].starts_with("The verdict rests on leads.marketing_per_day"),
            "{said:?}"
        );
        assert!(
            said[1].contains("clearly ahead of it when leads.marketing_per_day = 400 (`alibaba`)")
                && !said[1].contains("1200"),
            "{said:?}"
        );
        assert!(
            said[2].contains(
                "cannot tell from noise, when leads.marketing_per_day = 1200 (`alibaba`)"
            ),
            "{said:?}"
        );
        // Ahead within the noise at both ends: the verdict does not rest on it.
        let screen = screen_of([
            [[1.0, 1.1, 0.9], [2.0, 2.0, 2.0]],
            [[2.5, 1.6, 2.2], [2.0, 2.0, 2.0]],
            [[2.5, 1.6, 2.2], [2.0, 2.0, 2.0]],
        ]);
        let said = sentences(&screen, &cells(&screen, &[m]), m, &[Some(800.0)], &[]);
        assert!(
            said[0].starts_with("No assumption screened moves the verdict"),
            "{said:?}"
        );
        assert!(
            said[1].contains("no other variant is clearly ahead"),
            "{said:?}"
        );
        assert!(
            said[0].contains("is another variant clearly ahead"),
            "{said:?}"
        );
    }

    #[test]
    fn the_recommendation_under_the_floors_is_followed_across_the_screen() {
        let m = crate::metrics::metric_index("conversion_rate").unwrap();
        // At the base only `strict` (2.0) meets conversion_rate >= 1.5; at both ends
        // `alibaba` (3.0, then 2.1) meets it and converts more.
        let screen = screen_of([
            [[1.0, 1.1, 0.9], [2.0, 2.0, 2.0]],
            [[3.0, 3.1, 2.9], [2.0, 2.0, 2.0]],
            [[2.5, 1.6, 2.2], [2.0, 2.0, 2.0]],
        ]);
        let floors = [FairnessFloor::parse("conversion_rate=1.5").unwrap()];
        let said = sentences(&screen, &cells(&screen, &[m]), m, &[Some(800.0)], &floors);
        assert!(
            said.iter().any(|s| s == "The best variant on conversion_rate meeting the fairness floor conversion_rate>=1.5 (checked on means) is `strict` at the base, but the recommendation moves when leads.marketing_per_day = 400 (`alibaba`); leads.marketing_per_day = 1200 (`alibaba`) (each point has 3 replications: a mean near a floor can cross it by noise alone)."),
            "{said:?}"
        );
        // A floor nobody meets anywhere.
        let floors = [FairnessFloor::parse("conversion_rate=9").unwrap()];
        let said = sentences(&screen, &cells(&screen, &[m]), m, &[Some(800.0)], &floors);
        assert!(
            said.iter().any(|s| s == "No variant's mean meets the fairness floor conversion_rate>=9 at the base nor at any low or high value screened."),
            "{said:?}"
        );
    }
}
