//! Summary statistics over replications: mean, sample standard deviation, a Student-t
//! 95% confidence interval for the mean, and the median.
//!
//! Every function ignores non-finite values (NaN, ±infinity): a replication whose metric
//! is undefined (a ratio with a zero denominator, say) simply does not count, and `n`
//! is the number of finite values. Sums run in slice order, so results are
//! reproducible bit for bit.

use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

/// The finite values of `values`, in order.
fn finite(values: &[f64]) -> impl Iterator<Item = f64> + '_ {
    values.iter().copied().filter(|v| v.is_finite())
}

/// Mean of the finite values; NaN when there are none.
pub fn mean(values: &[f64]) -> f64 {
    let (n, sum) = finite(values).fold((0usize, 0.0), |(n, s), v| (n + 1, s + v));
    if n == 0 { f64::NAN } else { sum / n as f64 }
}

/// Sample standard deviation (divisor n − 1) of the finite values; NaN when fewer than two.
pub fn sample_sd(values: &[f64]) -> f64 {
    let n = finite(values).count();
    if n < 2 {
        return f64::NAN;
    }
    let m = mean(values);
    let ss: f64 = finite(values).map(|v| (v - m) * (v - m)).sum();
    (ss / (n - 1) as f64).sqrt()
}

/// Median of the finite values (mean of the two middle ones for an even count); NaN when none.
pub fn median(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = finite(values).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    }
}

/// Degrees of freedom above which `t_975` uses the Cornish-Fisher expansion instead of
/// statrs' inverse CDF (which loses accuracy, about 1e-4 at a million degrees of freedom).
const T_EXPANSION_DF: usize = 5_000;

/// The 0.975 quantile of Student's t with `df` degrees of freedom (the 95% two-sided
/// critical value); NaN when `df` is zero. Uses statrs' `StudentsT::inverse_cdf` up to
/// 5,000 degrees of freedom and the Cornish-Fisher expansion around the normal quantile
/// beyond (error below 1e-12 there).
pub fn t_975(df: usize) -> f64 {
    if df == 0 {
        return f64::NAN;
    }
    if df > T_EXPANSION_DF {
        let z = match Normal::new(0.0, 1.0) {
            Ok(n) => n.inverse_cdf(0.975),
            Err(_) => return f64::NAN,
        };
        let nu = df as f64;
        let (z3, z5) = (z.powi(3), z.powi(5));
        return z + (z3 + z) / (4.0 * nu) + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * nu * nu);
    }
    match StudentsT::new(0.0, 1.0, df as f64) {
        Ok(t) => t.inverse_cdf(0.975),
        Err(_) => f64::NAN,
    }
}

/// Element-wise differences `a[i] − b[i]` for paired (common random numbers) comparisons;
/// a pair with a non-finite side gives NaN, so `Summary::of` skips it. Stops at the
/// shorter slice.
pub fn paired_differences(a: &[f64], b: &[f64]) -> Vec<f64> {
    a.iter()
        .zip(b)
        .map(|(x, y)| {
            if x.is_finite() && y.is_finite() {
                x - y
            } else {
                f64::NAN
            }
        })
        .collect()
}

/// Kaplan–Meier median (Kaplan and Meier 1958) of right-censored durations: each item is
/// (duration, whether the event happened; `false` = censored at that duration). The
/// survival curve S(t) = Π over event times tᵢ ≤ t of (1 − dᵢ/nᵢ) (dᵢ events among the nᵢ
/// still at risk; at equal durations events come before censorings); the median is the
/// smallest event time where S falls to 0.5 or below, NaN when it never does (fewer
/// than half the items are seen to have the event) or there are no items.
pub fn kaplan_meier_median(items: &[(f64, bool)]) -> f64 {
    let mut sorted: Vec<(f64, bool)> = items
        .iter()
        .copied()
        .filter(|(t, _)| t.is_finite())
        .collect();
    // Events (true) before censorings (false) at the same duration.
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut at_risk = sorted.len() as f64;
    let mut survival = 1.0;
    let mut i = 0;
    while i < sorted.len() {
        let t = sorted[i].0;
        let (mut events, mut leaving) = (0.0, 0.0);
        while i < sorted.len() && sorted[i].0 == t {
            events += f64::from(u8::from(sorted[i].1));
            leaving += 1.0;
            i += 1;
        }
        if events > 0.0 {
            survival *= 1.0 - events / at_risk;
            if survival <= 0.5 {
                return t;
            }
        }
        at_risk -= leaving;
    }
    f64::NAN
}

/// Mean, spread and 95% confidence interval of one metric over replications.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Number of finite values used.
    pub n: usize,
    /// Mean (NaN when `n` is 0).
    pub mean: f64,
    /// Sample standard deviation (NaN when `n` < 2).
    pub sd: f64,
    /// Lower end of the Student-t 95% interval for the mean (NaN when `n` < 2).
    pub ci95_low: f64,
    /// Upper end of the Student-t 95% interval for the mean (NaN when `n` < 2).
    pub ci95_high: f64,
}

impl Summary {
    /// Summarises the finite values of `values`: mean ± t(0.975, n−1)·sd/√n.
    pub fn of(values: &[f64]) -> Summary {
        let n = finite(values).count();
        let mean = mean(values);
        let sd = sample_sd(values);
        let (ci95_low, ci95_high) = if n < 2 {
            (f64::NAN, f64::NAN)
        } else {
            let half = t_975(n - 1) * sd / (n as f64).sqrt();
            (mean - half, mean + half)
        };
        Summary {
            n,
            mean,
            sd,
            ci95_low,
            ci95_high,
        }
    }
}

/// A multiset of values kept as the count of each distinct value: the memory it takes
/// grows with the number of distinct values, not with how many were added. Iteration
/// gives every value as often as it was added, ascending in `f64::total_cmp` order, so a
/// sum over it equals the sum over the sorted values bit for bit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Distribution {
    /// Count of each value, keyed by its bits mapped to an integer that orders like
    /// `f64::total_cmp` (see [`total_key`]; the mapping is its own inverse).
    counts: std::collections::BTreeMap<i64, u64>,
    /// Values added.
    len: u64,
}

/// `x`'s bits as an integer ordered like `f64::total_cmp` (the mapping `total_cmp`
/// uses); applied to its own result it gives the bits back.
fn total_key(bits: i64) -> i64 {
    bits ^ ((((bits >> 63) as u64) >> 1) as i64)
}

impl Distribution {
    /// Adds one value.
    pub fn add(&mut self, x: f64) {
        *self
            .counts
            .entry(total_key(x.to_bits() as i64))
            .or_insert(0) += 1;
        self.len += 1;
    }

    /// Values added (with repeats).
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether no value was added.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Distinct values held (what the memory grows with).
    pub fn distinct(&self) -> usize {
        self.counts.len()
    }

    /// Every value added, repeats included, ascending in `f64::total_cmp` order.
    pub fn iter(&self) -> impl Iterator<Item = f64> + Clone + '_ {
        self.counts.iter().flat_map(|(&key, &count)| {
            std::iter::repeat_n(f64::from_bits(total_key(key) as u64), count as usize)
        })
    }
}

impl FromIterator<f64> for Distribution {
    fn from_iter<I: IntoIterator<Item = f64>>(values: I) -> Distribution {
        let mut d = Distribution::default();
        for x in values {
            d.add(x);
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn t_quantiles_match_tables() {
        assert!(close(t_975(1), 12.706_204_7, 1e-5), "{}", t_975(1));
        assert!(close(t_975(9), 2.262_157_2, 1e-6), "{}", t_975(9));
        assert!(close(t_975(29), 2.045_229_6, 1e-6), "{}", t_975(29));
        assert!(
            close(t_975(1_000_000), 1.959_966, 1e-5),
            "{}",
            t_975(1_000_000)
        );
        assert!(t_975(0).is_nan());
    }

    #[test]
    fn distribution_iterates_values_sorted_with_repeats() {
        let values = [
            3.0,
            -0.0,
            0.5,
            3.0,
            f64::NAN,
            -2.0,
            0.0,
            0.5,
            0.5,
            f64::INFINITY,
        ];
        let d: Distribution = values.iter().copied().collect();
        assert_eq!(d.len(), 10);
        assert_eq!(d.distinct(), 7);
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let bits = |v: &mut dyn Iterator<Item = f64>| v.map(f64::to_bits).collect::<Vec<_>>();
        assert_eq!(bits(&mut d.iter()), bits(&mut sorted.into_iter()));
        // A million equal values take one entry.
        let mut big = Distribution::default();
        (0..1_000_000).for_each(|i| big.add(f64::from(i % 3)));
        assert_eq!((big.len(), big.distinct()), (1_000_000, 3));
        assert!(Distribution::default().is_empty());
    }

    #[test]
    fn mean_sd_median_by_hand() {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, squared deviations sum 32, sd = sqrt(32/7).
        let v = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        assert_eq!(mean(&v), 5.0);
        assert!(close(sample_sd(&v), (32.0f64 / 7.0).sqrt(), 1e-12));
        assert_eq!(median(&v), 4.5);
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
    }

    #[test]
    fn summary_of_one_to_ten() {
        // 1..=10: mean 5.5, sd = sqrt(82.5/9) = 3.0276504, half-width = 2.2621572 * sd / sqrt(10).
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        let s = Summary::of(&v);
        assert_eq!(s.n, 10);
        assert_eq!(s.mean, 5.5);
        assert!(close(s.sd, 3.027_650_4, 1e-7));
        let half = 2.262_157_2 * 3.027_650_4 / 10f64.sqrt();
        assert!(close(s.ci95_low, 5.5 - half, 1e-6), "{}", s.ci95_low);
        assert!(close(s.ci95_high, 5.5 + half, 1e-6), "{}", s.ci95_high);
        assert!(close(s.ci95_low, 3.334_149, 1e-5));
    }

    #[test]
    fn two_values_use_one_degree_of_freedom() {
        // 1, 3: mean 2, sd sqrt(2), half-width 12.7062 * sqrt(2) / sqrt(2) = 12.7062.
        let s = Summary::of(&[1.0, 3.0]);
        assert!(close(s.ci95_low, 2.0 - 12.706_204_7, 1e-5));
        assert!(close(s.ci95_high, 2.0 + 12.706_204_7, 1e-5));
    }

    #[test]
    fn non_finite_values_are_ignored() {
        let s = Summary::of(&[f64::NAN, 1.0, f64::INFINITY, 3.0, f64::NEG_INFINITY]);
        assert_eq!(s, Summary::of(&[1.0, 3.0]));
        assert_eq!(median(&[f64::NAN, 7.0]), 7.0);
    }

    #[test]
    fn degenerate_samples() {
        let empty = Summary::of(&[]);
        assert_eq!(empty.n, 0);
        assert!(empty.mean.is_nan() && empty.sd.is_nan() && empty.ci95_low.is_nan());
        let one = Summary::of(&[4.0]);
        assert_eq!((one.n, one.mean), (1, 4.0));
        assert!(one.sd.is_nan() && one.ci95_high.is_nan());
        let flat = Summary::of(&[2.0, 2.0, 2.0]);
        assert_eq!((flat.sd, flat.ci95_low, flat.ci95_high), (0.0, 2.0, 2.0));
        assert!(median(&[f64::NAN]).is_nan());
    }

    #[test]
    fn kaplan_meier_median_by_hand() {
        // No censoring: the median of 1..=5 (S drops to 0.4 at 3).
        let plain: Vec<(f64, bool)> = (1..=5).map(|t| (f64::from(t), true)).collect();
        assert_eq!(kaplan_meier_median(&plain), 3.0);
        // Events at 2, 5, 8; censored at 3 and 9; 5 at risk. S(2) = 4/5; censored at 3
        // leaves 3 at risk; S(5) = 4/5 * 2/3 = 8/15 > 0.5; S(8) = 8/15 * 1/2 = 4/15: median 8.
        let censored = [
            (2.0, true),
            (3.0, false),
            (5.0, true),
            (8.0, true),
            (9.0, false),
        ];
        assert_eq!(kaplan_meier_median(&censored), 8.0);
        // An event and a censoring tied at 4: the event counts with both at risk.
        // S(4) = 1 − 1/2 = 0.5: median 4.
        assert_eq!(kaplan_meier_median(&[(4.0, false), (4.0, true)]), 4.0);
        // Too few events to reach one half.
        assert!(kaplan_meier_median(&[(1.0, true), (2.0, false), (3.0, false)]).is_nan());
        assert!(kaplan_meier_median(&[]).is_nan());
    }

    #[test]
    fn paired_differences_skip_undefined_pairs() {
        let d = paired_differences(&[3.0, f64::NAN, 5.0], &[1.0, 2.0, 5.5]);
        assert_eq!(d[0], 2.0);
        assert!(d[1].is_nan());
        assert_eq!(d[2], -0.5);
    }
}
