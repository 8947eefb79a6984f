//! Interval coverage: over many independent studies, the reported 95% interval
//! (`stats::Summary`, what summary.csv writes) covers a quantity with a known answer about
//! 95% of the time.

use super::pool::{undrawn_pool, undrawn_pool_expected};
use rayon::prelude::*;
use salesim::metrics::metric_index;
use salesim::sim::run_replication;
use salesim::stats::Summary;
use statrs::distribution::{Binomial, DiscreteCDF};

/// The range of covering intervals a binomial(studies, 0.95) count falls in with
/// probability at least 99.9% (0.05% in each tail).
fn band(studies: u64) -> (u64, u64) {
    let b = Binomial::new(0.95, studies).unwrap();
    let low = (0..=studies).find(|&k| b.cdf(k) > 0.0005).unwrap();
    let high = (0..=studies).find(|&k| b.cdf(k) >= 0.9995).unwrap();
    (low, high)
}

/// Runs `studies` studies of `per_study` replications of the undrawn pool (30 days, 100
/// leads a day, 2-day windows) and counts the studies whose 95% interval for the mean
/// pool size at the end covers its exact expectation.
fn coverage(studies: u32, per_study: u32) {
    let (days, lambda, w) = (30, 100.0, 2.0);
    let (sc, variants) = undrawn_pool(days, lambda as u32, w);
    let expected = undrawn_pool_expected(lambda, w, days - 1);
    let index = metric_index("pool_size_end").unwrap();
    let values: Vec<f64> = (0..studies * per_study)
        .into_par_iter()
        .map(|r| run_replication(&sc, &variants[0], r).metrics[index])
        .collect();
    let covered = values
        .chunks(per_study as usize)
        .filter(|study| {
            let s = Summary::of(study);
            (s.ci95_low..=s.ci95_high).contains(&expected)
        })
        .count() as u64;
    let (low, high) = band(u64::from(studies));
    println!(
        "validation: interval coverage: {covered} of {studies} studies ({:.1}%) of {per_study} replications cover {expected:.2}; 99.9% band {low}..={high} {}",
        100.0 * covered as f64 / f64::from(studies),
        if (low..=high).contains(&covered) {
            "ok"
        } else {
            "FAIL"
        }
    );
    assert!(
        (low..=high).contains(&covered),
        "coverage {covered}/{studies}"
    );
}

#[test]
fn reported_intervals_cover_the_true_value_about_95_percent_of_the_time() {
    coverage(200, 5);
}

/// The same with 1,000 studies (`cargo test --release --test validation -- --ignored`).
#[test]
#[ignore = "heavy: 5,000 replications"]
fn reported_intervals_cover_the_true_value_over_1000_studies() {
    coverage(1000, 5);
}
