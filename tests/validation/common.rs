//! Helpers shared by the validation checks: scenarios from TOML, intervals and the
//! printed result lines.

use salesim::scenario::{Scenario, Variant};
use statrs::distribution::{ChiSquared, ContinuousCDF, Normal, StudentsT};

/// Two-sided confidence a check asserts at (see the suite's doc comment).
pub const ASSERT_LEVEL: f64 = 0.999;

/// A scenario written as TOML (every key not set takes the embedded default) and its
/// variants, validated as `salesim validate` would.
pub fn scenario(toml: &str) -> (Scenario, Vec<Variant>) {
    let sc = Scenario::from_toml(toml, "validation scenario").unwrap_or_else(|e| panic!("{e}"));
    sc.validate("validation scenario")
        .unwrap_or_else(|e| panic!("{e}"));
    let variants = sc.resolved_variants().unwrap_or_else(|e| panic!("{e}"));
    (sc, variants)
}

/// The standard normal quantile at `p`.
pub fn z(p: f64) -> f64 {
    Normal::new(0.0, 1.0).unwrap().inverse_cdf(p)
}

/// Mean and two-sided Student-t interval (confidence `level`) of the mean of `values`.
pub fn t_interval(values: &[f64], level: f64) -> (f64, f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let t = StudentsT::new(0.0, 1.0, n - 1.0)
        .unwrap()
        .inverse_cdf(0.5 + level / 2.0);
    let half = t * (var / n).sqrt();
    (mean, mean - half, mean + half)
}

/// Sample mean and variance (divisor n − 1).
pub fn mean_var(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var)
}

/// Two-sided chi-square interval (confidence `level`) for a normal population's variance
/// from a sample variance `var` of `n` values.
pub fn variance_interval(var: f64, n: usize, level: f64) -> (f64, f64) {
    let df = n as f64 - 1.0;
    let chi = ChiSquared::new(df).unwrap();
    let a = (1.0 - level) / 2.0;
    (
        df * var / chi.inverse_cdf(1.0 - a),
        df * var / chi.inverse_cdf(a),
    )
}

/// Prints a check's result line and says whether `expected` lies in `[low, high]`.
pub fn report(check: &str, expected: f64, estimate: f64, ci95: (f64, f64), ci: (f64, f64)) -> bool {
    let inside = (ci.0..=ci.1).contains(&expected);
    let inside95 = (ci95.0..=ci95.1).contains(&expected);
    println!(
        "validation: {check}: expected {expected:.5}, simulated {estimate:.5}, 95% [{:.5}, {:.5}]{}, 99.9% [{:.5}, {:.5}] {}",
        ci95.0,
        ci95.1,
        if inside95 { "" } else { " (misses)" },
        ci.0,
        ci.1,
        if inside { "ok" } else { "FAIL" }
    );
    inside
}

/// Checks that `expected` is the mean of the i.i.d. `values` (t intervals): prints the
/// result and asserts at [`ASSERT_LEVEL`].
pub fn check_mean(check: &str, values: &[f64], expected: f64) {
    let (mean, lo95, hi95) = t_interval(values, 0.95);
    let (_, lo, hi) = t_interval(values, ASSERT_LEVEL);
    assert!(
        report(check, expected, mean, (lo95, hi95), (lo, hi)),
        "{check}: {expected} outside the simulated 99.9% interval [{lo}, {hi}] (mean {mean})"
    );
}

/// Checks that `successes` of `trials` independent Bernoulli trials fit probability `p`
/// (normal approximation of the binomial, with `trials · p · (1 − p)` large).
pub fn check_binomial(check: &str, successes: u64, trials: u64, p: f64) {
    let n = trials as f64;
    let share = successes as f64 / n;
    let se = (p * (1.0 - p) / n).sqrt();
    // An interval for the share around the estimate, with the formula's standard error.
    let half = |level: f64| z(0.5 + level / 2.0) * se;
    let ci95 = (share - half(0.95), share + half(0.95));
    let ci = (share - half(ASSERT_LEVEL), share + half(ASSERT_LEVEL));
    assert!(
        report(check, p, share, ci95, ci),
        "{check}: {successes} of {trials} = {share}, expected {p}"
    );
}

/// Kolmogorov–Smirnov distance between the sample and a CDF, and its 99.9% critical value
/// (asymptotic: 1.949/√n; 95%: 1.358/√n).
pub fn ks(mut sample: Vec<f64>, cdf: impl Fn(f64) -> f64) -> (f64, f64, f64) {
    sample.sort_by(f64::total_cmp);
    let n = sample.len() as f64;
    let d = sample
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let f = cdf(x);
            (f - i as f64 / n).abs().max((f - (i + 1) as f64 / n).abs())
        })
        .fold(0.0, f64::max);
    (d, 1.358 / n.sqrt(), 1.949 / n.sqrt())
}

/// Checks a sample against a continuous distribution by Kolmogorov–Smirnov at 99.9%.
pub fn check_ks(check: &str, sample: Vec<f64>, cdf: impl Fn(f64) -> f64) {
    let n = sample.len();
    let (d, crit95, crit) = ks(sample, cdf);
    println!(
        "validation: {check}: KS distance {d:.5} over {n} values; critical 95% {crit95:.5}{}, 99.9% {crit:.5} {}",
        if d <= crit95 { "" } else { " (exceeds)" },
        if d <= crit { "ok" } else { "FAIL" }
    );
    assert!(d <= crit, "{check}: KS distance {d} above {crit}");
}
