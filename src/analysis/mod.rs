//! What the replications say about the variants: paired differences against the
//! baseline, the probability that each variant is best, fairness floors, and when enough
//! replications have been run.

pub mod best;
pub mod paired;
pub mod precision;

pub use best::{BOOTSTRAP_DRAWS, FairnessFloor, Verdict, probability_best, verdict};
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
