//! What the replications say about the variants: paired differences against the
//! baseline, the probability that each variant is best, fairness floors, and when enough
//! replications have been run.

pub mod best;
pub mod paired;
pub mod precision;

pub use best::{
    BOOTSTRAP_DRAWS, FairnessFloor, MIN_REPLICATIONS_TO_RANK, Verdict, distinct_resamples,
    fairness_metrics, meets_floors, probability_best, rival_groups, tied_with, too_few_to_rank,
    unjudgeable_floors, verdict,
};
pub use paired::{Comparison, PairedTest, compare_all, paired_t, unpaired_half_width};
pub use precision::{PrecisionRule, PrecisionStatus};

use crate::experiment::ExperimentResults;

/// Everything said about an experiment's results beyond the per-variant summaries.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// Index of the baseline variant in the results.
    pub baseline: usize,
    /// Every other variant against the baseline on every metric.
    pub comparisons: Vec<Comparison>,
    /// The ranking on the chosen metric.
    pub verdict: Verdict,
    /// Where the precision rule stopped, when one was used.
    pub precision: Option<(PrecisionRule, PrecisionStatus)>,
}

/// Analyses `results`: paired comparisons against `baseline`, and the verdict on `metric`
/// under `floors` from `draws` bootstrap resamples seeded by `seed`.
pub fn analyse(
    results: &ExperimentResults,
    baseline: usize,
    metric: usize,
    floors: &[FairnessFloor],
    draws: usize,
    seed: u64,
) -> Analysis {
    Analysis {
        baseline,
        comparisons: compare_all(results, baseline),
        verdict: verdict(results, metric, floors, draws, seed),
        precision: None,
    }
}

/// Why `metric` cannot rank `variants` or be a fairness floor among them, if it cannot:
/// `reclaimed_share` counts timeout reclaims, so a variant with no reclaim timeout has
/// none by construction and would "win" on it without following up any better.
pub fn zero_by_construction<'a>(
    metric: usize,
    variants: impl IntoIterator<Item = &'a crate::scenario::Variant>,
) -> Option<String> {
    if crate::metrics::METRICS[metric].name != "reclaimed_share" {
        return None;
    }
    let untimed: Vec<&str> = variants
        .into_iter()
        .filter(|v| v.policy.never_times_out())
        .map(|v| v.name.as_str())
        .collect();
    (!untimed.is_empty()).then(|| {
        format!(
            "reclaimed_share counts timeout reclaims, and {} {} no reclaim timeout, so {} zero by construction; compare it only among variants with a reclaim timeout",
            untimed.join(", "),
            if untimed.len() == 1 { "has" } else { "have" },
            if untimed.len() == 1 { "its share is" } else { "their shares are" },
        )
    })
}

/// What pairing saved on the verdict's metric: for each variant compared with the baseline,
/// (variant, half-width of the paired interval of its difference, half-width an unpaired
/// Welch interval would have).
pub fn pairing(results: &ExperimentResults, analysis: &Analysis) -> Vec<(usize, f64, f64)> {
    let metric = analysis.verdict.metric;
    let base_values = results.metric_values(analysis.baseline, metric);
    analysis
        .comparisons
        .iter()
        .filter(|c| c.metric == metric)
        .map(|c| {
            let paired = (c.test.ci95_high - c.test.ci95_low) / 2.0;
            let unpaired =
                unpaired_half_width(&results.metric_values(c.variant, metric), &base_values);
            (c.variant, paired, unpaired)
        })
        .collect()
}
