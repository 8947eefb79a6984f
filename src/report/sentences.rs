//! The report's sentences, built from the numbers alone: the verdict, what choosing the
//! fair variant costs, and each variant against the baseline. Variant names are wrapped in
//! backticks (the page shows them as code).

use crate::analysis::{Analysis, FairnessFloor, PairedTest, paired_t};
use crate::experiment::ExperimentResults;
use crate::metrics::{Better, METRICS};
use crate::output::table::{decimals, value_text};
use crate::output::{RIVAL_MIN_P_BEST, probability_text, rival_text};
use crate::stats::Summary;

/// A mean with its 95% interval, e.g. `1.31% (95% CI 1.15% to 1.46%)`; just the mean when
/// the interval is undefined, `undefined` when the mean is.
pub fn level_text(metric: usize, s: &Summary) -> String {
    if !s.mean.is_finite() {
        return "undefined".into();
    }
    if s.ci95_low.is_finite() && s.ci95_high.is_finite() {
        format!(
            "{} (95% CI {} to {})",
            value_text(metric, s.mean),
            value_text(metric, s.ci95_low),
            value_text(metric, s.ci95_high)
        )
    } else {
        value_text(metric, s.mean)
    }
}

/// A paired difference in words: `+0.05 points (95% CI -0.10 to +0.19), not a clear
/// difference`; shares in percentage points.
pub fn difference_text(metric: usize, t: &PairedTest) -> String {
    let share = METRICS[metric].unit == "share";
    let scale = METRICS[metric].display_scale();
    let (mean, lo, hi) = (t.mean_diff * scale, t.ci95_low * scale, t.ci95_high * scale);
    if !mean.is_finite() {
        return "an undefined difference".into();
    }
    let unit = if share { " points" } else { "" };
    let p = crate::output::table::difference_decimals(mean, lo, hi);
    if !(lo.is_finite() && hi.is_finite()) {
        return format!("{mean:+.p$}{unit} (no interval: too few replications)");
    }
    let clear = if t.significant() {
        "a clear difference"
    } else {
        "not a clear difference"
    };
    format!("{mean:+.p$}{unit} (95% CI {lo:+.p$} to {hi:+.p$}), {clear}")
}

/// The metrics the report treats as fairness (see [`crate::analysis::fairness_metrics`]).
pub fn fairness_metrics(analysis: &Analysis) -> Vec<usize> {
    crate::analysis::fairness_metrics(analysis.verdict.metric, &analysis.verdict.floors)
}

/// "converts 3.7% more of its leads", "has 12% lower reclaimed_share": how `metric` moved,
/// `relative` being the change over the baseline's mean in percent.
fn change_phrase(metric: usize, relative: f64) -> String {
    let up = relative >= 0.0;
    let r = relative.abs();
    let amount = format!("{r:.p$}%", p = decimals(r).min(1));
    let (more, less) = match METRICS[metric].name {
        "conversion_rate" => (
            "converts {} more of its leads",
            "converts {} fewer of its leads",
        ),
        "leads_won" => ("wins {} more leads", "wins {} fewer leads"),
        "revenue" => ("brings in {} more revenue", "brings in {} less revenue"),
        "cash_collected" => ("collects {} more cash", "collects {} less cash"),
        _ => ("has a {} higher {}", "has a {} lower {}"),
    };
    let template = if up { more } else { less };
    template
        .replacen("{}", &amount, 1)
        .replacen("{}", METRICS[metric].name, 1)
}

/// How the fairness metric `metric` of a variant compares: `new hires win 0.68 times as
/// much per rep-day as veterans, against 0.74 under `alibaba``.
fn fairness_clause(metric: usize, value: f64, base: f64, baseline: &str) -> String {
    let (x, y) = (value_text(metric, value), value_text(metric, base));
    match METRICS[metric].name {
        "nh_win_ratio" => format!(
            "new hires win {x} times as much per rep-day as veterans, against {y} under `{baseline}`"
        ),
        name => format!("`{name}` is {x}, against {y} under `{baseline}`"),
    }
}

fn mean(results: &ExperimentResults, v: usize, m: usize) -> f64 {
    results.summaries[v][m].mean
}

/// Variant `v` against the baseline on the ranking metric and the fairness metrics, e.g.
/// "`strict` converts 3.7% more of its leads than `alibaba` (1.31% against 1.26%):
/// +0.05 points (95% CI -0.10 to +0.19), not a clear difference. New hires win ...".
pub fn versus_baseline(results: &ExperimentResults, analysis: &Analysis, v: usize) -> String {
    let b = analysis.baseline;
    let m = analysis.verdict.metric;
    let name = &results.variants[v].name;
    let base_name = &results.variants[b].name;
    let comparison = |metric: usize| {
        analysis
            .comparisons
            .iter()
            .find(|c| c.variant == v && c.metric == metric)
            .map(|c| c.test)
            .unwrap_or_else(|| {
                paired_t(
                    &results.metric_values(v, metric),
                    &results.metric_values(b, metric),
                )
            })
    };
    let (x, y) = (mean(results, v, m), mean(results, b, m));
    let relative = (x - y) / y.abs() * 100.0;
    let identical = results.metric_values(v, m) == results.metric_values(b, m);
    let mut text = if identical {
        format!(
            "`{name}` has the same {} as `{base_name}` in every replication ({}): on this metric the two variants do not differ here.",
            METRICS[m].name,
            value_text(m, x)
        )
    } else if relative.is_finite() {
        format!(
            "`{name}` {} than `{base_name}` ({} against {}): {}.{}",
            change_phrase(m, relative),
            value_text(m, x),
            value_text(m, y),
            difference_text(m, &comparison(m)),
            denominator_caution(results, v, b, m)
        )
    } else {
        format!(
            "`{name}` has {} {}, against {} under `{base_name}`: {}.",
            METRICS[m].name,
            value_text(m, x),
            value_text(m, y),
            difference_text(m, &comparison(m))
        )
    };
    for f in fairness_metrics(analysis) {
        let (value, base) = (mean(results, v, f), mean(results, b, f));
        if !(value.is_finite() && base.is_finite()) {
            text.push_str(&format!(
                " {}.",
                upper_first(&undefined_clause(f, name, base_name))
            ));
            continue;
        }
        text.push_str(&format!(
            " {}: {}.",
            upper_first(&fairness_clause(f, value, base, base_name)),
            difference_text(f, &comparison(f))
        ));
    }
    text
}

/// For a ranking on conversion: a caution when the two variants' leads won move the other
/// way from their conversion, because the leads created (the denominator: the starting
/// stock, held at up to half the private cap, and desk and cold-visit leads) differ by
/// variant. Empty otherwise.
fn denominator_caution(results: &ExperimentResults, v: usize, b: usize, m: usize) -> String {
    let index = |name: &str| crate::metrics::metric_index(name).expect("a metric");
    if METRICS[m].name != "conversion_rate" {
        return String::new();
    }
    let (won, created) = (index("leads_won"), index("leads_created"));
    let (won_v, won_b) = (mean(results, v, won), mean(results, b, won));
    let (conv_v, conv_b) = (mean(results, v, m), mean(results, b, m));
    let (created_v, created_b) = (mean(results, v, created), mean(results, b, created));
    let opposite = (conv_v - conv_b) * (won_v - won_b) < 0.0;
    // Leads created differing by more than this share of the baseline's is "material".
    const MATERIAL: f64 = 0.02;
    let apart = (created_v - created_b).abs() > MATERIAL * created_b.abs();
    if !(opposite || apart) {
        return String::new();
    }
    format!(
        " Conversion divides the deals won by the leads created, and these differ: `{}` creates {} leads and wins {}, `{}` creates {} and wins {} (leads created follow the starting stock, held at up to half the private cap, the inflow settings, and the desk and cold-visit leads of the reps' days){}",
        results.variants[v].name,
        value_text(created, created_v),
        value_text(won, won_v),
        results.variants[b].name,
        value_text(created, created_b),
        value_text(won, won_b),
        if opposite {
            ", so the share and the count of deals won point different ways."
        } else {
            ": part of the difference in conversion is the difference in leads created."
        }
    )
}

/// Why the fairness metric `metric` cannot compare `name` with the baseline: it is not
/// defined in every replication of one of them (a ratio with no new hires, say).
fn undefined_clause(metric: usize, name: &str, baseline: &str) -> String {
    let why = match METRICS[metric].name {
        "nh_win_ratio" => ": it needs new hires and veterans who win",
        "nh_lead_quality_ratio" => ": it needs new hires and veterans who hold leads",
        _ => "",
    };
    format!(
        "`{}` is not defined for `{name}` or for `{baseline}` in these replications, so they cannot be compared on it{why}",
        METRICS[metric].name
    )
}

fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The verdict as a few sentences: the best variant with its probability of being best,
/// how settled the ranking is, and the best one meeting the fairness floors with what
/// choosing it costs.
pub fn verdict(results: &ExperimentResults, analysis: &Analysis) -> Vec<String> {
    let v = &analysis.verdict;
    let m = v.metric;
    let metric = &METRICS[m];
    let name = |i: usize| results.variants[i].name.as_str();
    let Some(best) = v.best else {
        return vec![format!(
            "No variant has a defined {}: nothing can be ranked.",
            metric.name
        )];
    };
    let direction = if metric.better == Better::Lower {
        "lowest"
    } else {
        "highest"
    };
    if results.variants.len() < 2 {
        let mut out = vec![format!(
            "`{}` has a {} of {}; it is the only variant in the study, so there is nothing to rank it against.",
            name(best),
            metric.name,
            level_text(m, &results.summaries[best][m]),
        )];
        if !v.floors.is_empty() {
            let floors = floors_phrase(&v.floors);
            let unjudged = crate::analysis::unjudgeable_floors(results, &v.floors);
            out.push(if !unjudged.is_empty() {
                unjudged_sentence(&unjudged)
            } else if v.meets_floors[best] {
                format!(
                    "Its mean meets the fairness {floors}.{}",
                    floor_caution(results, analysis, best)
                )
            } else {
                format!(
                    "Its mean does not meet the fairness {floors}{}.",
                    floor_failure(results, analysis, best)
                )
            });
        }
        return out;
    }
    let mut out = vec![format!(
        "`{}` has the {direction} {}: {}. {}",
        name(best),
        metric.name,
        level_text(m, &results.summaries[best][m]),
        if let Some(why) = crate::analysis::too_few_to_rank(results.replications) {
            format!("Its lead rests on the means alone: {why}.")
        } else {
            format!(
                "It is best in {} of {} bootstrap resamples of the replications.",
                probability_text(v.p_best[best]),
                v.draws
            )
        }
    )];
    // Variants with the best's very value in every replication: no number of
    // replications tells them apart.
    let identical = crate::analysis::tied_with(results, best, m);
    // Tied variants split the resamples they win, so the tie's share is their sum.
    let tied_share: f64 = v.p_best[best] + identical.iter().map(|&i| v.p_best[i]).sum::<f64>();
    if !identical.is_empty() {
        let names: Vec<String> = identical
            .iter()
            .map(|&i| format!("`{}`", name(i)))
            .collect();
        let shared = if crate::analysis::too_few_to_rank(results.replications).is_none() {
            format!(
                " Tied variants share the resamples they win, so together they are best in {}.",
                probability_text(tied_share)
            )
        } else {
            String::new()
        };
        out.push(format!(
            "{} {} the same {} as `{}` in every replication of this run: tied, not separable by more replications of it; `{}` is named as the first listed.{shared}",
            names.join(", "),
            if identical.len() == 1 { "has" } else { "have" },
            metric.name,
            name(best),
            name(best)
        ));
    }
    let rivals: Vec<String> = crate::analysis::rival_groups(results, &v.p_best, best, m)
        .into_iter()
        .filter(|(_, together)| *together >= RIVAL_MIN_P_BEST)
        .map(|(members, together)| {
            let names: Vec<String> = members.iter().map(|&i| format!("`{}`", name(i))).collect();
            rival_text(&names, v.p_best[members[0]], together, " in ")
        })
        .collect();
    let ranked = crate::analysis::too_few_to_rank(results.replications).is_none();
    if ranked && tied_share < 0.95 && !rivals.is_empty() {
        out.push(format!(
            "The ranking is not settled: {} of the resamples are won by another variant ({}); more replications would tell them apart.",
            probability_text(1.0 - tied_share),
            rivals.join(", ")
        ));
    }
    if best == analysis.baseline {
        out.push(format!(
            "That is the baseline: no variant has a {} mean {} than `{}`.",
            if metric.better == Better::Lower {
                "lower"
            } else {
                "higher"
            },
            metric.name,
            name(best)
        ));
    } else {
        out.push(versus_baseline(results, analysis, best));
    }
    if v.floors.is_empty() {
        out.push(
            "No fairness floor was set, so the recommendation ignores fairness to new hires."
                .into(),
        );
        return out;
    }
    let floors = floors_phrase(&v.floors);
    match v.best_meeting_floors {
        Some(fair) if fair == best => out.push(format!(
            "`{}` also meets the fairness {floors} on its mean, so it is the recommendation.{}",
            name(best),
            floor_caution(results, analysis, best)
        )),
        Some(fair) => {
            let cost = paired_t(
                &results.metric_values(fair, m),
                &results.metric_values(best, m),
            );
            let mut text = format!(
                "`{}` does not meet the fairness {floors}{}; the best variant that does is `{}`, with {}. Choosing it over `{}` changes {} by {}",
                name(best),
                floor_failure(results, analysis, best),
                name(fair),
                level_text(m, &results.summaries[fair][m]),
                name(best),
                metric.name,
                difference_text(m, &cost)
            );
            for f in v.floors.iter().map(|f| f.metric).filter(|&f| f != m) {
                text.push_str(&format!(
                    ", and gives {} {} instead of {}",
                    METRICS[f].name,
                    value_text(f, mean(results, fair, f)),
                    value_text(f, mean(results, best, f))
                ));
            }
            text.push('.');
            let tied = crate::analysis::best::tied_meeting_floors(results, &v.floors, fair, m);
            if !tied.is_empty() {
                let names: Vec<String> = tied.iter().map(|&i| format!("`{}`", name(i))).collect();
                text.push_str(&format!(
                    " {} {} the same {} as `{}` in every replication of this run and {} the fairness {floors} too: tied with it.",
                    names.join(", "),
                    if tied.len() == 1 { "has" } else { "have" },
                    metric.name,
                    name(fair),
                    if tied.len() == 1 { "meets" } else { "meet" }
                ));
            }
            text.push_str(&floor_caution(results, analysis, fair));
            out.push(text);
        }
        None => {
            let unjudged = crate::analysis::unjudgeable_floors(results, &v.floors);
            out.push(if unjudged.is_empty() {
                if v.floors.iter().any(|f| f.metric == m) {
                    format!(
                        "No variant's mean meets the fairness {floors}, which is set on {} itself: no variant can be recommended under it.",
                        metric.name
                    )
                } else {
                    format!(
                        "No variant's mean meets the fairness {floors}: the recommendation has to weigh {} against fairness by hand{}.",
                        metric.name,
                        if metric.name == "conversion_rate" {
                            " (see the trade-off picture)"
                        } else {
                            " (see the tables)"
                        }
                    )
                }
            } else {
                unjudged_sentence(&unjudged)
            });
        }
    }
    out
}

/// Fairness floors in words: "floor nh_win_ratio>=0.8" or "floors gini_wins<=0.3 and
/// nh_win_ratio>=0.7".
pub fn floors_phrase<'a>(floors: impl IntoIterator<Item = &'a FairnessFloor>) -> String {
    let described: Vec<String> = floors.into_iter().map(|f| f.describe()).collect();
    format!(
        "{} {}",
        if described.len() == 1 {
            "floor"
        } else {
            "floors"
        },
        described.join(" and ")
    )
}

/// The sentence for fairness floors whose metric no variant defines.
fn unjudged_sentence(unjudged: &[&FairnessFloor]) -> String {
    format!(
        "The fairness {} cannot be judged: {} undefined in every variant (a ratio of new hires to veterans needs both, and wins or leads for both), so no variant is recommended on fairness.",
        floors_phrase(unjudged.iter().copied()),
        if unjudged.len() == 1 {
            "its metric is"
        } else {
            "their metrics are"
        }
    )
}

/// For variant `v`, whose mean fails a floor: each failed floor's metric with its interval,
/// and "fails on average, not with confidence" where the interval reaches back past it, e.g.
/// " (nh_win_ratio 0.784, 95% CI 0.756 to 0.812: it fails on average, not with confidence)".
fn floor_failure(results: &ExperimentResults, analysis: &Analysis, v: usize) -> String {
    let failed: Vec<String> = analysis
        .verdict
        .floors
        .iter()
        .filter(|f| !f.met_by(results.summaries[v][f.metric].mean))
        .map(|f| {
            let s = &results.summaries[v][f.metric];
            let within_reach = match METRICS[f.metric].better {
                Better::Higher => s.ci95_high >= f.threshold,
                Better::Lower => s.ci95_low <= f.threshold,
                Better::Neither => false,
            };
            format!(
                "{} {}{}",
                METRICS[f.metric].name,
                level_text(f.metric, s)
                    .replacen(" (95% CI", ", 95% CI", 1)
                    .trim_end_matches(')'),
                if within_reach {
                    ": it fails on average, not with confidence"
                } else {
                    ""
                }
            )
        })
        .collect();
    if failed.is_empty() {
        String::new()
    } else {
        format!(" ({})", failed.join("; "))
    }
}

/// For the variant `v` recommended on the fairness floors (which are checked on means): a
/// caution naming each floor whose metric's 95% interval reaches past it. Empty otherwise.
fn floor_caution(results: &ExperimentResults, analysis: &Analysis, v: usize) -> String {
    let shaky: Vec<String> = analysis
        .verdict
        .floors
        .iter()
        .filter(|f| f.met_only_on_average(&results.summaries[v][f.metric]))
        .map(|f| {
            let s = &results.summaries[v][f.metric];
            format!(
                "{} (95% CI {} to {})",
                f.describe(),
                value_text(f.metric, s.ci95_low),
                value_text(f.metric, s.ci95_high)
            )
        })
        .collect();
    if shaky.is_empty() {
        return String::new();
    }
    format!(
        " Floors are checked on means: the interval of `{}` reaches past {}, so it meets {} on average, not with confidence.",
        results.variants[v].name,
        shaky.join(" and "),
        if shaky.len() == 1 {
            "that floor"
        } else {
            "those floors"
        }
    )
}

#[cfg(test)]
mod tests;
