//! Tests of the report's sentences against hand-made results.

use super::*;
use crate::analysis::{FairnessFloor, analyse};
use crate::experiment::RunMetrics;
use crate::metrics::metric_index;
use crate::scenario::Scenario;

/// alibaba (baseline), strict and new-hire-priority with the given conversion rates and
/// new-hire win ratios; replications differ by a shared offset so pairing is exact.
fn results(levels: [(f64, f64); 3]) -> ExperimentResults {
    let variants = Scenario::embedded().resolved_variants().unwrap()[2..5].to_vec();
    let conversion = metric_index("conversion_rate").unwrap();
    let nh = metric_index("nh_win_ratio").unwrap();
    let runs = levels
        .iter()
        .map(|&(conv, ratio)| {
            (0..5)
                .map(|r| {
                    let mut metrics = vec![f64::NAN; METRICS.len()];
                    metrics[conversion] = conv + [0.001, -0.001, 0.0005, -0.0005, 0.0][r];
                    metrics[nh] = ratio + [0.01, -0.01, 0.0, 0.0, 0.0][r];
                    RunMetrics { metrics }
                })
                .collect()
        })
        .collect();
    ExperimentResults::from_runs(&variants, runs)
}

fn analysis(results: &ExperimentResults, floors: &[&str]) -> Analysis {
    let floors: Vec<FairnessFloor> = floors
        .iter()
        .map(|f| FairnessFloor::parse(f).unwrap())
        .collect();
    let conversion = metric_index("conversion_rate").unwrap();
    analyse(results, 0, conversion, &floors, 400, 11)
}

#[test]
fn a_variant_against_the_baseline_carries_its_numbers() {
    let r = results([(0.020, 0.6), (0.025, 0.7), (0.019, 1.0)]);
    let a = analysis(&r, &["nh_win_ratio=0.8"]);
    assert_eq!(
        versus_baseline(&r, &a, 1),
        "`strict` converts 25.0% more of its leads than `alibaba` (2.50% against 2.00%): \
         +0.500 points (95% CI +0.500 to +0.500), a clear difference. \
         New hires win 0.700 times as much per rep-day as veterans, against 0.600 under \
         `alibaba`: +0.100 (95% CI +0.100 to +0.100), a clear difference."
    );
    let lower = versus_baseline(&r, &a, 2);
    assert!(
        lower.starts_with("`new-hire-priority` converts 5.0% fewer of its leads"),
        "{lower}"
    );
}

#[test]
fn a_higher_share_from_fewer_leads_created_is_pointed_out() {
    let mut r = results([(0.020, 0.6), (0.025, 0.7), (0.019, 1.0)]);
    let (won, created) = (
        metric_index("leads_won").unwrap(),
        metric_index("leads_created").unwrap(),
    );
    // strict converts more of fewer leads: 90 of 3,600 against alibaba's 100 of 5,000.
    for (v, (w, c)) in [
        (0, (100.0, 5000.0)),
        (1, (90.0, 3600.0)),
        (2, (95.0, 5000.0)),
    ] {
        for run in &mut r.runs[v] {
            run.metrics[won] = w;
            run.metrics[created] = c;
        }
    }
    let r = ExperimentResults::from_runs(&r.variants.clone(), r.runs);
    let text = versus_baseline(&r, &analysis(&r, &[]), 1);
    assert!(
        text.contains("Conversion divides the deals won by the leads created, and these differ: `strict` creates 3600 leads and wins 90"),
        "{text}"
    );
    assert!(text.contains("point different ways"), "{text}");
    // new-hire-priority converts less and wins less of as many leads: nothing to point out.
    let text = versus_baseline(&r, &analysis(&r, &[]), 2);
    assert!(!text.contains("Conversion divides"), "{text}");
    // strict wins more of 10% fewer leads: part of its higher share is the denominator.
    let mut runs = r.runs.clone();
    for run in &mut runs[1] {
        run.metrics[won] = 110.0;
        run.metrics[created] = 4500.0;
    }
    let r = ExperimentResults::from_runs(&r.variants.clone(), runs);
    let text = versus_baseline(&r, &analysis(&r, &[]), 1);
    assert!(
        text.contains(
            "part of the difference in conversion is the difference in leads created. New hires"
        ),
        "{text}"
    );
}

#[test]
fn a_floor_no_variant_defines_cannot_be_judged() {
    // No new hires: nh_win_ratio is undefined everywhere.
    let r = results([(0.020, f64::NAN), (0.025, f64::NAN), (0.019, f64::NAN)]);
    let text = verdict(&r, &analysis(&r, &["nh_win_ratio=0.8"])).join(" ");
    assert!(
        text.contains("The fairness floor nh_win_ratio>=0.8 cannot be judged"),
        "{text}"
    );
    assert!(!text.contains("meets the fairness floor"), "{text}");
}

#[test]
fn a_variant_identical_to_the_baseline_is_called_so() {
    let r = results([(0.020, 0.6), (0.020, 0.7), (0.019, 1.0)]);
    let text = versus_baseline(&r, &analysis(&r, &[]), 1);
    assert!(
        text.starts_with(
            "`strict` has the same conversion_rate as `alibaba` in every replication (2.00%)"
        ),
        "{text}"
    );
}

#[test]
fn a_floor_met_only_on_average_is_said_to_be() {
    // strict's nh_win_ratio: mean 0.81, interval well below 0.8.
    let mut r = results([(0.020, 0.6), (0.025, 0.81), (0.019, 0.5)]);
    let nh = metric_index("nh_win_ratio").unwrap();
    for (i, run) in r.runs[1].iter_mut().enumerate() {
        run.metrics[nh] = 0.81 + [0.3, -0.3, 0.2, -0.2, 0.0][i];
    }
    let r = ExperimentResults::from_runs(&r.variants, r.runs);
    let text = verdict(&r, &analysis(&r, &["nh_win_ratio=0.8"])).join(" ");
    assert!(
        text.contains("meets the fairness floor nh_win_ratio>=0.8 on its mean"),
        "{text}"
    );
    assert!(
        text.contains("the interval of `strict` reaches past nh_win_ratio>=0.8 (95% CI"),
        "{text}"
    );
    // With a floor of 0.85 strict fails it on its mean, but its interval reaches it;
    // new-hire-priority (at 1.0 here) meets it.
    let mut runs = r.runs.clone();
    for run in &mut runs[2] {
        run.metrics[nh] = 1.0;
    }
    let r = ExperimentResults::from_runs(&r.variants.clone(), runs);
    let text = verdict(&r, &analysis(&r, &["nh_win_ratio=0.85"])).join(" ");
    assert!(
        text.contains("`strict` does not meet the fairness floor nh_win_ratio>=0.85 (nh_win_ratio 0.810, 95% CI")
            && text.contains(": it fails on average, not with confidence);"),
        "{text}"
    );
}

#[test]
fn one_variant_is_not_ranked() {
    let r = results([(0.020, 0.6), (0.025, 0.7), (0.019, 1.0)]);
    let one = ExperimentResults::from_runs(&r.variants[..1], r.runs[..1].to_vec());
    let text = verdict(&one, &analysis(&one, &[])).join(" ");
    assert!(
        text.starts_with("`alibaba` has a conversion_rate of 2.00%"),
        "{text}"
    );
    assert!(text.contains("the only variant"), "{text}");
    let text = verdict(&one, &analysis(&one, &["nh_win_ratio=0.8"])).join(" ");
    assert!(
        text.ends_with(
            "Its mean does not meet the fairness floor nh_win_ratio>=0.8 (nh_win_ratio 0.600, 95% CI 0.591 to 0.609)."
        ),
        "{text}"
    );
    assert!(!text.contains("resamples"), "{text}");
}

#[test]
fn variants_identical_in_every_replication_are_called_tied() {
    let r = results([(0.020, 0.6), (0.020, 0.6), (0.019, 1.0)]);
    let text = verdict(&r, &analysis(&r, &[])).join(" ");
    assert!(
        text.contains(
            "`strict` has the same conversion_rate as `alibaba` in every replication of this run: tied"
        ),
        "{text}"
    );
    assert!(!text.contains("would tell them apart"), "{text}");
}

#[test]
fn rivals_tied_with_each_other_are_named_as_one_tie() {
    let r = crate::analysis::best::tied_rivals();
    let a = analyse(&r, 0, metric_index("conversion_rate").unwrap(), &[], 400, 5);
    let p = &a.verdict.p_best;
    let text = verdict(&r, &a).join(" ");
    let tie = format!(
        "`{}` and `{}` in {} each (tied in every replication: together {})",
        r.variants[2].name,
        r.variants[3].name,
        probability_text(p[2]),
        probability_text(p[2] + p[3])
    );
    assert!(text.contains(&tie), "{text}");
}

#[test]
fn an_undefined_fairness_metric_is_said_in_words_not_nan() {
    // No new hires: the ratio is undefined in every replication of every variant.
    let r = results([(0.020, f64::NAN), (0.025, f64::NAN), (0.019, f64::NAN)]);
    let text = versus_baseline(&r, &analysis(&r, &["nh_win_ratio=0.8"]), 1);
    assert!(!text.contains("NaN"), "{text}");
    assert!(
        text.ends_with(
            "`nh_win_ratio` is not defined for `strict` or for `alibaba` in these \
             replications, so they cannot be compared on it: it needs new hires and \
             veterans who win."
        ),
        "{text}"
    );
}

#[test]
fn the_verdict_names_the_best_the_fair_choice_and_its_cost() {
    let r = results([(0.020, 0.6), (0.025, 0.7), (0.019, 1.0)]);
    let text = verdict(&r, &analysis(&r, &["nh_win_ratio=0.8"])).join(" ");
    assert!(
        text.starts_with("`strict` has the highest conversion_rate: 2.50%"),
        "{text}"
    );
    assert!(
        text.contains("best in 100% of 400 bootstrap resamples"),
        "{text}"
    );
    assert!(!text.contains("not settled"), "{text}");
    assert!(
        text.contains("the best variant that does is `new-hire-priority`"),
        "{text}"
    );
    // new-hire-priority minus strict: 1.9% - 2.5% = -0.6 points, every replication.
    assert!(
        text.contains("changes conversion_rate by -0.600 points (95% CI -0.600 to -0.600), a clear difference, and gives nh_win_ratio 1.00 instead of 0.700"),
        "{text}"
    );
}

#[test]
fn the_verdict_says_when_the_best_is_fair_the_baseline_or_nothing_is_fair() {
    let r = results([(0.020, 0.6), (0.025, 0.9), (0.019, 1.0)]);
    let text = verdict(&r, &analysis(&r, &["nh_win_ratio=0.8"])).join(" ");
    assert!(
        text.contains("`strict` also meets the fairness floor nh_win_ratio>=0.8 on its mean, so it is the recommendation."),
        "{text}"
    );
    let r = results([(0.030, 0.6), (0.025, 0.7), (0.019, 0.7)]);
    let text = verdict(&r, &analysis(&r, &["nh_win_ratio=0.8"])).join(" ");
    assert!(text.contains("That is the baseline"), "{text}");
    assert!(
        text.contains("No variant's mean meets the fairness floor"),
        "{text}"
    );
    let text = verdict(&r, &analysis(&r, &[])).join(" ");
    assert!(text.contains("No fairness floor was set"), "{text}");
}

#[test]
fn an_unsettled_ranking_is_called_so() {
    // strict and new-hire-priority tie on average but swap places by replication.
    let mut r = results([(0.020, 0.6), (0.025, 0.7), (0.025, 1.0)]);
    let conversion = metric_index("conversion_rate").unwrap();
    for (i, run) in r.runs[2].iter_mut().enumerate() {
        run.metrics[conversion] += [-0.004, 0.004, -0.003, 0.0035, -0.0005][i];
    }
    let r = ExperimentResults::from_runs(&r.variants, r.runs);
    let text = verdict(&r, &analysis(&r, &[])).join(" ");
    assert!(text.contains("The ranking is not settled"), "{text}");
}

#[test]
fn a_small_mean_in_a_wide_interval_is_not_a_signed_zero() {
    let t = PairedTest {
        n: 5,
        mean_diff: -0.004,
        ci95_low: -2.31,
        ci95_high: 2.30,
        p_value: 0.99,
    };
    let nh = metric_index("nh_win_ratio").unwrap();
    assert_eq!(
        difference_text(nh, &t),
        "-0.004 (95% CI -2.310 to +2.300), not a clear difference"
    );
}

#[test]
fn differences_without_an_interval_say_so() {
    let t = PairedTest {
        n: 1,
        mean_diff: 0.5,
        ci95_low: f64::NAN,
        ci95_high: f64::NAN,
        p_value: f64::NAN,
    };
    let nh = metric_index("nh_win_ratio").unwrap();
    assert_eq!(
        difference_text(nh, &t),
        "+0.500 (no interval: too few replications)"
    );
}

#[test]
fn the_fair_choice_names_the_variants_tied_with_it() {
    // strict converts most but is unfair; alibaba and new-hire-priority are identical and fair.
    let results = results([(0.020, 0.9), (0.025, 0.6), (0.020, 0.9)]);
    let text = verdict(&results, &analysis(&results, &["nh_win_ratio=0.8"])).join(" ");
    assert!(
        text.contains("the best variant that does is `alibaba`")
            && text.contains("`new-hire-priority` has the same conversion_rate as `alibaba` in every replication of this run and meets the fairness floor"),
        "{text}"
    );
}
