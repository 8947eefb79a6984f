//! Which variant is best: the probability that each variant has the best mean of a
//! metric, by a paired bootstrap over replications (Efron and Tibshirani 1993, ch. 6),
//! and the best variant among those meeting fairness floors.
//!
//! The bootstrap resamples replication indices with replacement and uses the same
//! indices for every variant, so the common random numbers that make paired differences
//! precise make the ranking precise too. A draw where several variants tie for best
//! counts a share of 1/k for each.

use crate::experiment::ExperimentResults;
use crate::metrics::{Better, METRICS, metric_index, unknown_metric};
use crate::rng::{Seeds, Source};
use rand::Rng;
use std::collections::BTreeMap;

/// Bootstrap draws used by `probability_best` unless told otherwise.
pub const BOOTSTRAP_DRAWS: usize = 4000;

/// The probability that each variant has the best mean of `values[v][r]` (variant `v`,
/// replication `r`), oriented by `better`, from `draws` paired bootstrap resamples
/// seeded by `seed`. Non-finite values are left out of a resample's means; a variant
/// with no finite value in a resample cannot be best in it. All zero when there are no
/// replications.
pub fn probability_best(values: &[Vec<f64>], better: Better, draws: usize, seed: u64) -> Vec<f64> {
    let variants = values.len();
    let n = values.iter().map(Vec::len).min().unwrap_or(0);
    if n == 0 || draws == 0 {
        return vec![0.0; variants];
    }
    // Draws won, by variant and by how many shared the win: counted as integers and
    // divided once at the end, so that variants tied in every draw get exactly equal shares.
    let mut wins: Vec<BTreeMap<usize, u64>> = vec![BTreeMap::new(); variants];
    let mut rng = Seeds::new(seed, u64::MAX).stream(Source::Bootstrap, 0);
    let mut picks = vec![0usize; n];
    let mut means = vec![f64::NAN; variants];
    for _ in 0..draws {
        for p in picks.iter_mut() {
            *p = rng.random_range(0..n);
        }
        for (v, mean) in means.iter_mut().enumerate() {
            let (count, sum) = picks
                .iter()
                .map(|&r| values[v][r])
                .filter(|x| x.is_finite())
                .fold((0usize, 0.0), |(c, s), x| (c + 1, s + x));
            *mean = if count == 0 {
                f64::NAN
            } else {
                better.oriented(sum / count as f64)
            };
        }
        let top = means
            .iter()
            .copied()
            .filter(|m| m.is_finite())
            .fold(f64::NEG_INFINITY, f64::max);
        if !top.is_finite() {
            continue;
        }
        let tied = means.iter().filter(|&&m| m == top).count();
        for (v, &m) in means.iter().enumerate() {
            if m == top {
                *wins[v].entry(tied).or_insert(0) += 1;
            }
        }
    }
    wins.iter()
        .map(|by_ties| {
            // Folded from +0.0: an empty f64 `sum` is -0.0, which a CSV would print as "-0".
            let shares = by_ties
                .iter()
                .map(|(&tied, &count)| count as f64 / tied as f64)
                .fold(0.0, |total, share| total + share);
            shares / draws as f64
        })
        .collect()
}

/// The variants other than `best` with its very value of metric `m` in every replication:
/// tied with it, and not separable by more replications of this run.
pub fn tied_with(results: &ExperimentResults, best: usize, m: usize) -> Vec<usize> {
    let best_values = results.metric_values(best, m);
    (0..results.variants.len())
        .filter(|&i| i != best && results.metric_values(i, m) == best_values)
        .collect()
}

/// The rivals of `best` on metric `m`: every other variant not tied with `best`, grouped
/// with those it ties with in every replication (tied variants split the resamples they
/// win, so a group's share `p_best` is its members' sum), in variant order.
pub fn rival_groups(
    results: &ExperimentResults,
    p_best: &[f64],
    best: usize,
    m: usize,
) -> Vec<(Vec<usize>, f64)> {
    let with_best = tied_with(results, best, m);
    let mut grouped = vec![false; results.variants.len()];
    let mut groups = Vec::new();
    for i in 0..results.variants.len() {
        if i == best || with_best.contains(&i) || grouped[i] {
            continue;
        }
        let mut members = vec![i];
        members.extend(tied_with(results, i, m).into_iter().filter(|&j| j > i));
        for &j in &members {
            grouped[j] = true;
        }
        let share = members.iter().map(|&j| p_best[j]).sum();
        groups.push((members, share));
    }
    groups
}

/// The variants other than `fair` with its very value of metric `m` in every replication
/// that meet `floors` on their means too: ties of the fairness floors' choice.
pub fn tied_meeting_floors(
    results: &ExperimentResults,
    floors: &[FairnessFloor],
    fair: usize,
    m: usize,
) -> Vec<usize> {
    tied_with(results, fair, m)
        .into_iter()
        .filter(|&i| meets_floors(results, floors, i) == Some(true))
        .collect()
}

/// Whether variant `v`'s means meet every one of `floors`: `Some(false)` when a floor whose
/// metric it defines fails, `None` when it leaves a floor's metric undefined (it cannot be
/// judged), else `Some(true)`.
pub fn meets_floors(
    results: &ExperimentResults,
    floors: &[FairnessFloor],
    v: usize,
) -> Option<bool> {
    let mean = |m: usize| results.summaries[v][m].mean;
    if floors
        .iter()
        .any(|f| mean(f.metric).is_finite() && !f.met_by(mean(f.metric)))
    {
        Some(false)
    } else if floors.iter().any(|f| !mean(f.metric).is_finite()) {
        None
    } else {
        Some(true)
    }
}

/// Fewest replications for which the terminal and the report give a probability of being
/// best: with `n` replications the paired bootstrap has only C(2n-1, n) distinct resamples
/// (3 with 2, 10 with 3, 35 with 4, 126 with 5), too few below this for a share of them to
/// mean anything. `ranking.csv` and the manifest keep the computed shares.
pub const MIN_REPLICATIONS_TO_RANK: u32 = 5;

/// Distinct bootstrap resamples of `n` replications (multisets of size `n` drawn from `n`):
/// C(2n-1, n), saturating at `u64::MAX`.
pub fn distinct_resamples(n: u32) -> u64 {
    let n = u64::from(n);
    if n == 0 {
        return 0;
    }
    // C(2n-1, n) = prod_{k=1..n} (n-1+k)/k, each partial product a whole number.
    (1..=n)
        .try_fold(1u64, |c, k| c.checked_mul(n - 1 + k).map(|x| x / k))
        .unwrap_or(u64::MAX)
}

/// Why `replications` are too few for a probability of being best, or `None` when they
/// are enough (see [`MIN_REPLICATIONS_TO_RANK`]).
pub fn too_few_to_rank(replications: u32) -> Option<String> {
    (replications < MIN_REPLICATIONS_TO_RANK).then(|| match replications {
        0 | 1 => format!(
            "{} replication is too few to resample, so there is no probability of being best",
            replications
        ),
        n => format!(
            "{n} replications have only {} distinct bootstrap resamples, too few for a probability of being best (it takes at least {MIN_REPLICATIONS_TO_RANK} replications)",
            distinct_resamples(n)
        ),
    })
}

/// A fairness floor: variants whose mean of `metric` is worse than `threshold` (below it
/// for a metric where higher is better, above it where lower is better) are not eligible.
#[derive(Debug, Clone, PartialEq)]
pub struct FairnessFloor {
    /// Index of the metric in `METRICS`.
    pub metric: usize,
    /// The least acceptable mean.
    pub threshold: f64,
}

impl FairnessFloor {
    /// Parses `METRIC=VALUE`, e.g. `nh_win_ratio=0.8`. The metric must be one of `METRICS`
    /// with a direction (higher or lower is better) and the value a finite number.
    pub fn parse(text: &str) -> Result<FairnessFloor, String> {
        let (name, value) = text.split_once('=').ok_or_else(|| {
            format!("--fairness-floor {text:?}: expected METRIC=VALUE, e.g. nh_win_ratio=0.8")
        })?;
        let (name, value) = (name.trim(), value.trim());
        let metric = metric_index(name)
            .ok_or_else(|| format!("--fairness-floor: {}", unknown_metric(name)))?;
        if METRICS[metric].better == Better::Neither {
            return Err(format!(
                "--fairness-floor: {name} has no better direction, so it cannot be a floor"
            ));
        }
        let threshold: f64 = value
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite())
            .ok_or_else(|| format!("--fairness-floor {name}: {value:?} is not a finite number"))?;
        Ok(FairnessFloor { metric, threshold })
    }

    /// Whether a variant with this mean meets the floor (an undefined mean does not).
    pub fn met_by(&self, mean: f64) -> bool {
        match METRICS[self.metric].better {
            Better::Higher => mean >= self.threshold,
            Better::Lower => mean <= self.threshold,
            Better::Neither => false,
        }
    }

    /// Whether a variant whose mean meets the floor has a 95% interval reaching past it (met
    /// on average, not with confidence); `false` when the mean does not meet it or there is
    /// no interval.
    pub fn met_only_on_average(&self, summary: &crate::stats::Summary) -> bool {
        self.met_by(summary.mean)
            && match METRICS[self.metric].better {
                Better::Higher => summary.ci95_low < self.threshold,
                Better::Lower => summary.ci95_high > self.threshold,
                Better::Neither => false,
            }
    }

    /// The floor as written on the command line, e.g. `nh_win_ratio>=0.8`.
    pub fn describe(&self) -> String {
        let op = if METRICS[self.metric].better == Better::Lower {
            "<="
        } else {
            ">="
        };
        format!("{}{op}{}", METRICS[self.metric].name, self.threshold)
    }
}

/// The floors no variant can be judged against: their metric is undefined (no finite mean)
/// in every variant of `results`, e.g. `nh_win_ratio` in a force without new hires.
pub fn unjudgeable_floors<'a>(
    results: &ExperimentResults,
    floors: &'a [FairnessFloor],
) -> Vec<&'a FairnessFloor> {
    floors
        .iter()
        .filter(|f| {
            results
                .summaries
                .iter()
                .all(|s| !s[f.metric].mean.is_finite())
        })
        .collect()
}

/// The metrics that stand for fairness next to the ranking metric `verdict_metric`: those
/// of the fairness floors, or `nh_win_ratio` when there are none; never the ranking metric.
pub fn fairness_metrics(verdict_metric: usize, floors: &[FairnessFloor]) -> Vec<usize> {
    let candidates: Vec<usize> = if floors.is_empty() {
        metric_index("nh_win_ratio").into_iter().collect()
    } else {
        floors.iter().map(|f| f.metric).collect()
    };
    let mut metrics = Vec::new();
    for m in candidates {
        if m != verdict_metric && !metrics.contains(&m) {
            metrics.push(m);
        }
    }
    metrics
}

/// The answer to "which variant is best on this metric", with and without fairness floors.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// Index of the metric ranked.
    pub metric: usize,
    /// Bootstrap draws used.
    pub draws: usize,
    /// Probability that each variant is best, in result order.
    pub p_best: Vec<f64>,
    /// Whether each variant meets every floor.
    pub meets_floors: Vec<bool>,
    /// The floors applied.
    pub floors: Vec<FairnessFloor>,
    /// The variant with the best mean (None when no mean is defined).
    pub best: Option<usize>,
    /// The variant with the best mean among those meeting every floor.
    pub best_meeting_floors: Option<usize>,
}

/// Ranks the variants of `results` on `metric`: probability best (bootstrap with `draws`
/// resamples from `seed`) and the best mean overall and among variants meeting `floors`.
pub fn verdict(
    results: &ExperimentResults,
    metric: usize,
    floors: &[FairnessFloor],
    draws: usize,
    seed: u64,
) -> Verdict {
    let better = METRICS[metric].better;
    let values: Vec<Vec<f64>> = (0..results.variants.len())
        .map(|v| results.metric_values(v, metric))
        .collect();
    let p_best = probability_best(&values, better, draws, seed);
    let meets_floors: Vec<bool> = (0..results.variants.len())
        .map(|v| {
            floors
                .iter()
                .all(|f| f.met_by(results.summaries[v][f.metric].mean))
        })
        .collect();
    let best_among = |eligible: &dyn Fn(usize) -> bool| {
        (0..results.variants.len())
            .filter(|&v| eligible(v) && results.summaries[v][metric].mean.is_finite())
            .max_by(|&a, &b| {
                let (ma, mb) = (
                    better.oriented(results.summaries[a][metric].mean),
                    better.oriented(results.summaries[b][metric].mean),
                );
                // On a tie the earlier variant wins.
                ma.total_cmp(&mb).then(b.cmp(&a))
            })
    };
    Verdict {
        metric,
        draws,
        best: best_among(&|_| true),
        best_meeting_floors: best_among(&|v| meets_floors[v]),
        p_best,
        meets_floors,
        floors: floors.to_vec(),
    }
}

/// Test data: four variants on conversion_rate over 6 replications, the baseline best on
/// average but not in every resample, and the third and fourth identical in every
/// replication (tied with each other, not with the best).
#[cfg(test)]
pub(crate) fn tied_rivals() -> ExperimentResults {
    use crate::experiment::RunMetrics;
    let variants = crate::scenario::Scenario::embedded()
        .resolved_variants()
        .unwrap()[..4]
        .to_vec();
    let conversion = metric_index("conversion_rate").unwrap();
    let best = [0.0210, 0.0190, 0.0205, 0.0195, 0.0200, 0.0202];
    let other = [0.0195, 0.0205, 0.0196, 0.0204, 0.0199, 0.0200];
    let twin = [0.0201, 0.0198, 0.0200, 0.0203, 0.0196, 0.0199];
    let runs = [best, other, twin, twin]
        .iter()
        .map(|values| {
            values
                .iter()
                .map(|&x| {
                    let mut metrics = vec![f64::NAN; METRICS.len()];
                    metrics[conversion] = x;
                    RunMetrics { metrics }
                })
                .collect()
        })
        .collect();
    ExperimentResults::from_runs(&variants, runs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use statrs::distribution::{ContinuousCDF, Normal};

    #[test]
    fn rivals_tied_with_each_other_form_one_group_with_their_summed_share() {
        let results = tied_rivals();
        let m = metric_index("conversion_rate").unwrap();
        let p = [0.5, 0.2, 0.15, 0.15];
        assert_eq!(
            rival_groups(&results, &p, 0, m),
            [(vec![1], 0.2), (vec![2, 3], 0.3)]
        );
        // Seen from a member of the tie, its twin is tied with the best and no rival.
        assert_eq!(
            rival_groups(&results, &p, 2, m),
            [(vec![0], 0.5), (vec![1], 0.2)]
        );
        let shares = probability_best(
            &(0..4)
                .map(|v| results.metric_values(v, m))
                .collect::<Vec<_>>(),
            Better::Higher,
            2000,
            3,
        );
        assert_eq!(
            shares[2], shares[3],
            "tied variants split their wins equally"
        );
        assert!(shares[2] > 0.0 && shares[0] > shares[2], "{shares:?}");
    }

    #[test]
    fn distinct_resamples_count_multisets() {
        let counts: Vec<u64> = (1..=6).map(distinct_resamples).collect();
        assert_eq!(counts, [1, 3, 10, 35, 126, 462]);
        assert_eq!(distinct_resamples(0), 0);
        assert_eq!(distinct_resamples(1000), u64::MAX);
        assert!(too_few_to_rank(4).unwrap().contains("only 35 distinct"));
        assert!(too_few_to_rank(MIN_REPLICATIONS_TO_RANK).is_none());
    }

    #[test]
    fn a_dominant_variant_is_best_with_certainty() {
        let values = vec![vec![1.0, 2.0, 3.0], vec![11.0, 12.0, 13.0]];
        let p = probability_best(&values, Better::Higher, 500, 1);
        assert_eq!(p, [0.0, 1.0]);
        assert!(p[0].is_sign_positive(), "never won is +0, not -0");
        assert_eq!(probability_best(&values, Better::Lower, 500, 1), [1.0, 0.0]);
    }

    #[test]
    fn identical_variants_share_every_draw() {
        let values = vec![vec![1.0, 5.0, 2.0]; 3];
        let p = probability_best(&values, Better::Higher, 300, 9);
        for &x in &p {
            assert!((x - 1.0 / 3.0).abs() < 1e-12);
        }
        // Exactly equal shares, not shares that drift apart as 1/3 is added 300 times.
        let six = probability_best(&vec![vec![0.0, 0.0]; 6], Better::Higher, 4000, 9);
        assert!(six.iter().all(|&x| x == six[0]), "{six:?}");
        assert!(
            (six.iter().sum::<f64>() - 1.0).abs() <= 2.0 * f64::EPSILON,
            "{six:?}"
        );
    }

    #[test]
    fn two_variants_match_the_normal_approximation() {
        // Paired differences with mean 0.5 and plug-in sd 2 over n = 64: the bootstrap
        // mean difference is about normal with se 2/8 = 0.25, so P(b best) ≈ Φ(2) = 0.977.
        let n = 64;
        let base: Vec<f64> = (0..n).map(|i| f64::from(i % 7)).collect();
        // Differences alternate 0.5 ± 2 so their mean is 0.5 and plug-in sd exactly 2.
        let other: Vec<f64> = base
            .iter()
            .enumerate()
            .map(|(i, b)| b + 0.5 + if i % 2 == 0 { 2.0 } else { -2.0 })
            .collect();
        let p = probability_best(&[base, other], Better::Higher, 20_000, 3);
        let z = Normal::new(0.0, 1.0).unwrap().cdf(0.5 / 0.25);
        assert!((p[1] - z).abs() < 0.01, "{} vs {z}", p[1]);
        assert!((p[0] + p[1] - 1.0).abs() < 1e-12);
    }

    #[test]
    fn floors_parse_and_apply() {
        let f = FairnessFloor::parse("nh_win_ratio=0.8").unwrap();
        assert!(f.met_by(0.8) && f.met_by(1.2) && !f.met_by(0.79) && !f.met_by(f64::NAN));
        assert_eq!(f.describe(), "nh_win_ratio>=0.8");
        let g = FairnessFloor::parse(" gini_wins = 0.3 ").unwrap();
        assert!(g.met_by(0.2) && !g.met_by(0.31));
        assert_eq!(g.describe(), "gini_wins<=0.3");
        for bad in [
            "nh_win_ratio",
            "nh_win_rati=0.8",
            "nh_win_ratio=high",
            "nh_win_ratio=inf",
            "leads_created=5",
        ] {
            assert!(FairnessFloor::parse(bad).is_err(), "{bad}");
        }
        let err = FairnessFloor::parse("nh_win_rati=0.8").unwrap_err();
        assert!(err.contains("nh_win_ratio"), "{err}");
    }
}
