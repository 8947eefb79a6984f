//! One replication of the default scenario's baseline variant, reported in rep-days per second.
//! Run: `cargo bench --bench replication`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use salesim::scenario::Scenario;
use salesim::sim::run_replication;
use std::hint::black_box;
use std::time::Duration;

fn one_replication(c: &mut Criterion) {
    // The plots module enables plotters' `ab_glyph` font feature, which leaves plotters
    // without any font until one is registered: criterion's HTML reports need it.
    salesim::output::plots::register_embedded_font();
    let scenario = Scenario::embedded();
    let variants = scenario.resolved_variants().expect("the default resolves");
    let baseline = &variants[scenario.baseline_index()];
    // The rep-days one replication simulates (starting reps and hires, over the horizon).
    let reps_days = salesim::sim::run_with(&scenario, baseline, 0, Default::default(), |sim| {
        sim.reps
            .iter()
            .map(|r| u64::from(r.stats.days))
            .sum::<u64>()
    })
    .1;
    let mut group = c.benchmark_group("default scenario");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20))
        .throughput(Throughput::Elements(reps_days));
    group.bench_function(
        format!(
            "one replication of {} ({} rep-days)",
            baseline.name, reps_days
        ),
        |b| b.iter(|| black_box(run_replication(&scenario, baseline, black_box(0)))),
    );
    group.finish();
}

criterion_group!(benches, one_replication);
criterion_main!(benches);
