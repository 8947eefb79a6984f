//! The day's route: planning every active rep's day (candidate stops, greedy choice, nearest
//! neighbour + 2-opt, trimming to the return deadline; `plan_day`, reached through
//! `salesim::sim::bench_probe`) on the state the morning leaves, for the default scenario
//! (96 reps, day 10) and the national one (10,000 reps, day 2), reported in plans (rep-days)
//! per second. The national setup simulates two days first (several seconds).
//! Run: `cargo bench --bench route`.

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use salesim::scenario::Scenario;
use salesim::sim::{Sim, SimOptions, replication_world};
use std::hint::black_box;
use std::time::Duration;

fn plans(c: &mut Criterion, label: &str, scenario: &Scenario, day: u32) {
    let variants = scenario.resolved_variants().expect("the scenario resolves");
    let baseline = &variants[scenario.baseline_index()];
    let world = replication_world(scenario, baseline, 0);
    let mut sim = Sim::for_replication(scenario, baseline, &world, 0, SimOptions::default());
    let morning = sim
        .advance_to_morning(day)
        .expect("the horizon covers the day");
    sim.handle_morning(morning);
    let reps = sim.active_reps();
    let mut group = c.benchmark_group("route");
    group
        .throughput(Throughput::Elements(reps as u64))
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    group.bench_function(
        format!("{label}: every rep's plan on day {day} ({reps} reps)"),
        |b| b.iter(|| black_box(sim.plan_every_day())),
    );
    group.finish();
}

fn route(c: &mut Criterion) {
    // criterion's plots need plotters' font, which salesim's `ab_glyph` feature leaves unset.
    salesim::output::plots::register_embedded_font();
    plans(c, "default", &Scenario::embedded(), 10);
    let national = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/national.toml");
    let national = Scenario::load(national.as_ref()).expect("scenarios/national.toml loads");
    plans(c, "national", &national, 2);
}

criterion_group!(benches, route);
criterion_main!(benches);
