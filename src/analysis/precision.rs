//! Running until the intervals are tight enough: a relative-precision stopping rule
//! (Law 2015, "Simulation Modeling and Analysis", section 9.4.1, the sequential procedure
//! for a relative error) applied to every variant at once.
//!
//! After each batch, every variant's 95% half-width of the chosen metric is compared with
//! `relative · |mean|`. If any is wider, the next batch is sized from the widest one: the
//! half-width shrinks like 1/√n, so n·(half-width / target)² replications should do,
//! with at least a tenth more than already run. Every variant runs the same replications
//! (indices 0..n), so the pairing with the baseline is kept, and the decisions depend
//! only on results, so the stopping point is the same at any thread count.

use crate::stats::Summary;
use serde::Serialize;

/// When to stop adding replications.
#[derive(Debug, Clone, PartialEq)]
pub struct PrecisionRule {
    /// Index of the metric in `METRICS`.
    pub metric: usize,
    /// Target half-width as a share of the mean's magnitude (0.02 = within 2%).
    pub relative: f64,
    /// Replications per variant to run first.
    pub min_replications: u32,
    /// Never more replications per variant than this.
    pub max_replications: u32,
}

/// Where the rule stands after a batch, for each variant and overall.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PrecisionStatus {
    /// Replications per variant run so far.
    pub replications: u32,
    /// Each variant's half-width over its mean's magnitude (NaN when undefined).
    pub relative_half_widths: Vec<f64>,
    /// Whether every variant met the target.
    pub met: bool,
    /// Replications per variant to run in total next; `None` when the run should stop.
    pub next: Option<u32>,
    /// Why the run stops (or `continue`).
    pub reason: String,
}

impl PrecisionRule {
    /// The relative half-width of one summary: half the interval over |mean|; infinite
    /// when the mean is zero or the interval undefined (so the target is never met by
    /// a metric that cannot be estimated relative to its size).
    pub fn relative_half_width(summary: &Summary) -> f64 {
        let half = (summary.ci95_high - summary.ci95_low) / 2.0;
        if !half.is_finite() {
            return f64::INFINITY;
        }
        if half == 0.0 {
            return 0.0;
        }
        if summary.mean == 0.0 || !summary.mean.is_finite() {
            return f64::INFINITY;
        }
        half / summary.mean.abs()
    }

    /// Decides after a batch: `summaries` holds each variant's summary of the metric over
    /// the `replications` run so far, in the order of `names`.
    pub fn status(
        &self,
        replications: u32,
        summaries: &[Summary],
        names: &[&str],
    ) -> PrecisionStatus {
        let widths: Vec<f64> = summaries.iter().map(Self::relative_half_width).collect();
        let worst = widths.iter().copied().fold(0.0, f64::max);
        // A relative tolerance keeps rounding in the interval from deciding the stop.
        let met = widths.iter().all(|&w| w <= self.relative * (1.0 + 1e-9));
        let undefined = summaries.iter().position(|s| s.n == 0);
        let (next, reason) = if let (false, Some(v)) = (met, undefined) {
            // More replications cannot help a metric no replication defines (a new-hire
            // metric in a world without new hires, say).
            (
                None,
                format!(
                    "the metric is not defined in any of the {replications} replications of `{}`, so its precision cannot be reached; choose another --metric",
                    names.get(v).copied().unwrap_or("a variant")
                ),
            )
        } else if met {
            (
                None,
                format!(
                    "precision reached: every variant's 95% half-width is within {}% of its mean",
                    self.relative * 100.0
                ),
            )
        } else if replications >= self.max_replications {
            (
                None,
                format!(
                    "maximum replications reached ({}) before the precision target; widest relative half-width {:.4}",
                    self.max_replications, worst
                ),
            )
        } else {
            let n = f64::from(replications);
            let needed = if worst.is_finite() {
                (n * (worst / self.relative).powi(2) * (1.0 - 1e-9)).ceil()
            } else {
                2.0 * n
            };
            let at_least = n + (n / 10.0).ceil().max(1.0);
            let next = needed.max(at_least).min(f64::from(self.max_replications)) as u32;
            (Some(next), "continue".to_string())
        };
        PrecisionStatus {
            replications,
            relative_half_widths: widths,
            met,
            next,
            reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(mean: f64, half: f64) -> Summary {
        Summary {
            n: 10,
            mean,
            sd: 1.0,
            ci95_low: mean - half,
            ci95_high: mean + half,
        }
    }

    fn rule() -> PrecisionRule {
        PrecisionRule {
            metric: 0,
            relative: 0.02,
            min_replications: 10,
            max_replications: 1000,
        }
    }

    #[test]
    fn stops_at_once_when_a_variant_never_defines_the_metric() {
        let undefined = Summary {
            n: 0,
            mean: f64::NAN,
            sd: f64::NAN,
            ci95_low: f64::NAN,
            ci95_high: f64::NAN,
        };
        let s = rule().status(10, &[summary(1.0, 0.5), undefined], &["a", "b"]);
        assert!(!s.met);
        assert_eq!(s.next, None);
        assert!(
            s.reason
                .contains("not defined in any of the 10 replications of `b`"),
            "{}",
            s.reason
        );
    }

    #[test]
    fn stops_when_every_variant_is_precise() {
        let s = rule().status(10, &[summary(1.0, 0.01), summary(-2.0, 0.04)], &[]);
        assert!(s.met);
        assert_eq!(s.next, None);
        assert!(s.reason.starts_with("precision reached"), "{}", s.reason);
        let w = &s.relative_half_widths;
        assert!(
            (w[0] - 0.01).abs() < 1e-12 && (w[1] - 0.02).abs() < 1e-12,
            "{w:?}"
        );
    }

    #[test]
    fn sizes_the_next_batch_from_the_widest_variant() {
        // Widest: 0.04 relative, twice the target: four times the replications.
        let s = rule().status(10, &[summary(1.0, 0.01), summary(1.0, 0.04)], &[]);
        assert!(!s.met);
        assert_eq!(s.next, Some(40));
        // Nearly there: at least a tenth more.
        let s = rule().status(100, &[summary(1.0, 0.0201)], &[]);
        assert_eq!(s.next, Some(110));
        // Undefined interval or zero mean: double.
        let s = rule().status(10, &[summary(0.0, 0.1)], &[]);
        assert_eq!(s.next, Some(20));
        // Never beyond the maximum.
        let s = rule().status(900, &[summary(1.0, 1.0)], &[]);
        assert_eq!(s.next, Some(1000));
    }

    #[test]
    fn stops_at_the_maximum() {
        let s = rule().status(1000, &[summary(1.0, 0.5)], &[]);
        assert_eq!(s.next, None);
        assert!(
            s.reason.starts_with("maximum replications reached (1000)"),
            "{}",
            s.reason
        );
    }

    #[test]
    fn zero_spread_is_precise() {
        assert_eq!(PrecisionRule::relative_half_width(&summary(0.0, 0.0)), 0.0);
    }
}
