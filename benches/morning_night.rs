//! The morning and the night alone, on a copy of a replication's state each time: the
//! morning (attrition, hiring, marketing arrivals, coaching plan, the push under the
//! baseline policy, every rep's plan and departure) and the night (timeout and stale
//! reclaims, closed windows, payments, the day's record), for the default scenario (96
//! reps, day 10) and the national one (10,000 reps, day 2), reached through
//! `salesim::sim::bench_probe`; reported in reps served per second. Copying the state is
//! not timed. The national setup simulates two days first (several seconds).
//! Run: `cargo bench --bench morning_night`.

use criterion::{BatchSize, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use salesim::scenario::Scenario;
use salesim::sim::{Sim, SimOptions, replication_world};
use std::time::Duration;

fn handlers(c: &mut Criterion, label: &str, scenario: &Scenario, day: u32, seconds: u64) {
    let variants = scenario.resolved_variants().expect("the scenario resolves");
    let baseline = &variants[scenario.baseline_index()];
    let world = replication_world(scenario, baseline, 0);
    let mut sim = Sim::for_replication(scenario, baseline, &world, 0, SimOptions::default());
    let morning = sim
        .advance_to_morning(day)
        .expect("the horizon covers the day");
    let before_morning = sim.snapshot();
    sim.handle_morning(morning);
    let night = sim.advance_to_night().expect("the day has a night");
    let before_night = sim.snapshot();
    drop(sim);
    let reps = before_morning.active_reps();

    let mut group = c.benchmark_group("handlers");
    group
        .throughput(Throughput::Elements(reps as u64))
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(seconds));
    group.bench_function(
        format!("{label}: morning of day {day} ({reps} reps)"),
        |b| {
            b.iter_batched(
                || before_morning.snapshot(),
                |mut sim| {
                    sim.handle_morning(morning);
                    sim
                },
                BatchSize::PerIteration,
            )
        },
    );
    group.bench_function(format!("{label}: night of day {day} ({reps} reps)"), |b| {
        b.iter_batched(
            || before_night.snapshot(),
            |mut sim| {
                sim.handle_night(night);
                sim
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn morning_night(c: &mut Criterion) {
    // criterion's plots need plotters' font, which salesim's `ab_glyph` feature leaves unset.
    salesim::output::plots::register_embedded_font();
    handlers(c, "default", &Scenario::embedded(), 10, 4);
    let national = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/national.toml");
    let national = Scenario::load(national.as_ref()).expect("scenarios/national.toml loads");
    handlers(c, "national", &national, 2, 12);
}

criterion_group!(benches, morning_night);
criterion_main!(benches);
