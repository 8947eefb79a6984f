//! Paired comparisons with common random numbers: replication `r` of a variant and
//! replication `r` of the baseline share the city, the arrivals and every lead's luck,
//! so their difference is measured with far less noise than two independent samples.
//! The interval and p-value are the paired t-test's (Student 1908).

use crate::experiment::ExperimentResults;
use crate::metrics::METRICS;
use crate::stats::{Summary, paired_differences};
use statrs::distribution::{ContinuousCDF, StudentsT};

/// A paired t-test of differences `variant − baseline`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairedTest {
    /// Pairs where both sides are finite.
    pub n: usize,
    /// Mean difference.
    pub mean_diff: f64,
    /// Lower end of the 95% interval of the mean difference.
    pub ci95_low: f64,
    /// Upper end of the 95% interval of the mean difference.
    pub ci95_high: f64,
    /// Two-sided p-value of "no difference" (NaN with fewer than two pairs).
    pub p_value: f64,
}

impl PairedTest {
    /// Whether the 95% interval excludes zero.
    pub fn significant(&self) -> bool {
        self.ci95_low > 0.0 || self.ci95_high < 0.0
    }
}

/// The paired t-test of `variant[r] − baseline[r]` over replications; pairs with a
/// non-finite side are dropped. With zero spread the p-value is 1 for a zero mean
/// difference and 0 otherwise.
pub fn paired_t(variant: &[f64], baseline: &[f64]) -> PairedTest {
    let s = Summary::of(&paired_differences(variant, baseline));
    PairedTest {
        n: s.n,
        mean_diff: s.mean,
        ci95_low: s.ci95_low,
        ci95_high: s.ci95_high,
        p_value: two_sided_p(s),
    }
}

/// Two-sided p-value of a zero mean from a summary: 2·(1 − F_t(|t|; n − 1)).
fn two_sided_p(s: Summary) -> f64 {
    if s.n < 2 || !s.sd.is_finite() {
        return f64::NAN;
    }
    if s.sd == 0.0 {
        return if s.mean == 0.0 { 1.0 } else { 0.0 };
    }
    let t = s.mean / (s.sd / (s.n as f64).sqrt());
    match StudentsT::new(0.0, 1.0, (s.n - 1) as f64) {
        Ok(dist) => (2.0 * (1.0 - dist.cdf(t.abs()))).clamp(0.0, 1.0),
        Err(_) => f64::NAN,
    }
}

/// One row of `comparison.csv`: a variant against the baseline on one metric.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// Index of the variant in the results.
    pub variant: usize,
    /// Index of the baseline in the results.
    pub baseline: usize,
    /// Index of the metric in `METRICS`.
    pub metric: usize,
    /// The paired test.
    pub test: PairedTest,
    /// Mean difference over the baseline's mean (NaN when that mean is 0 or undefined).
    pub rel_diff: f64,
}

/// Every variant other than the baseline against the baseline, on every metric, in
/// (variant, metric) order.
pub fn compare_all(results: &ExperimentResults, baseline: usize) -> Vec<Comparison> {
    let mut rows = Vec::new();
    for variant in (0..results.variants.len()).filter(|&v| v != baseline) {
        for metric in 0..METRICS.len() {
            let base = results.metric_values(baseline, metric);
            let test = paired_t(&results.metric_values(variant, metric), &base);
            let base_mean = results.summaries[baseline][metric].mean;
            let rel_diff = if base_mean == 0.0 || !base_mean.is_finite() {
                f64::NAN
            } else {
                test.mean_diff / base_mean.abs()
            };
            rows.push(Comparison {
                variant,
                baseline,
                metric,
                test,
                rel_diff,
            });
        }
    }
    rows
}

/// The unpaired (Welch) 95% half-width of the difference of two means, for showing what
/// pairing saves: t(0.975, Welch–Satterthwaite df) · √(s₁²/n₁ + s₂²/n₂).
pub fn unpaired_half_width(a: &[f64], b: &[f64]) -> f64 {
    let (sa, sb) = (Summary::of(a), Summary::of(b));
    let (va, vb) = (sa.sd * sa.sd / sa.n as f64, sb.sd * sb.sd / sb.n as f64);
    let se2 = va + vb;
    let df = se2 * se2 / (va * va / (sa.n as f64 - 1.0) + vb * vb / (sb.n as f64 - 1.0));
    if !df.is_finite() || df <= 0.0 {
        return f64::NAN;
    }
    match StudentsT::new(0.0, 1.0, df) {
        Ok(t) => t.inverse_cdf(0.975) * se2.sqrt(),
        Err(_) => f64::NAN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn students_sleep_data() {
        // Cushny and Peebles' sleep data (Student 1908; R's `sleep`): extra hours of sleep
        // under two drugs for ten patients. R: t.test(extra ~ group, paired = TRUE) gives
        // mean difference 1.58, t = 4.0621, df = 9, p = 0.002833, CI [0.7001142, 2.4598858].
        let drug1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
        let drug2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
        let t = paired_t(&drug2, &drug1);
        assert_eq!(t.n, 10);
        assert!(close(t.mean_diff, 1.58, 1e-12));
        assert!(close(t.ci95_low, 0.700_114_2, 1e-6), "{}", t.ci95_low);
        assert!(close(t.ci95_high, 2.459_885_8, 1e-6), "{}", t.ci95_high);
        assert!(close(t.p_value, 0.002_833, 1e-6), "{}", t.p_value);
        assert!(t.significant());
    }

    #[test]
    fn welch_half_width_matches_r() {
        // R: t.test(extra ~ group, data = sleep) (Welch): CI [-3.3654832, 0.2054832],
        // so half-width 1.7854832 around the difference −1.58.
        let drug1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
        let drug2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
        assert!(close(
            unpaired_half_width(&drug1, &drug2),
            1.785_483_2,
            1e-6
        ));
    }

    #[test]
    fn degenerate_pairs() {
        let same = paired_t(&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0]);
        assert_eq!((same.mean_diff, same.p_value), (0.0, 1.0));
        assert!(!same.significant());
        let shifted = paired_t(&[2.0, 3.0, 4.0], &[1.0, 2.0, 3.0]);
        assert_eq!((shifted.mean_diff, shifted.p_value), (1.0, 0.0));
        assert!(shifted.significant());
        let one = paired_t(&[1.0], &[0.0]);
        assert!(one.p_value.is_nan() && one.ci95_low.is_nan());
        let holes = paired_t(&[1.0, f64::NAN, 3.0, 5.0], &[0.0, 1.0, f64::NAN, 4.0]);
        assert_eq!(holes.n, 2);
    }
}
