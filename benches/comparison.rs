//! The whole default comparison, as `salesim run` does it minus the files: every variant of
//! the embedded default × 4 replications × 120 days through
//! `salesim::experiment::run_experiment` on all cores, reported in rep-days per second.
//! One iteration is 24 replications (about 18 s on 2 idle cores), so this bench takes
//! about four minutes there. Run: `cargo bench --bench comparison`.

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use salesim::experiment::{ExperimentResults, Runner, run_experiment};
use salesim::scenario::Scenario;
use std::hint::black_box;
use std::time::Duration;

/// Replications per variant.
const REPLICATIONS: u32 = 4;

fn comparison(c: &mut Criterion) {
    // criterion's plots need plotters' font, which salesim's `ab_glyph` feature leaves unset.
    salesim::output::plots::register_embedded_font();
    let scenario = Scenario::embedded();
    let variants = scenario.resolved_variants().expect("the default resolves");
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Rep-days of the study, counted on one run of it (which also warms up).
    let runner = Runner::new(threads).expect("the runner starts");
    let mut results = ExperimentResults::empty(&variants);
    let mut rep_days = 0u64;
    let counted: Result<bool, std::convert::Infallible> = runner.extend_with(
        &scenario,
        &mut results,
        REPLICATIONS,
        &|| {},
        &mut |_, _, run| {
            rep_days += run
                .reps
                .iter()
                .map(|rep| u64::from(rep.days_worked))
                .sum::<u64>();
            Ok(())
        },
    );
    counted.expect("infallible");
    let mut group = c.benchmark_group("default comparison");
    group
        .throughput(Throughput::Elements(rep_days))
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(180));
    group.bench_function(
        format!(
            "{} variants x {REPLICATIONS} replications x {} days on {threads} threads ({rep_days} rep-days)",
            variants.len(),
            scenario.calendar.days
        ),
        |b| {
            b.iter(|| {
                black_box(
                    run_experiment(&scenario, &variants, REPLICATIONS, threads, &|| {})
                        .expect("the runner starts"),
                )
            })
        },
    );
    group.finish();
}

criterion_group!(benches, comparison);
criterion_main!(benches);
