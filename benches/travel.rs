//! Travel times: `salesim::world::travel::TravelModel` queries between random company places
//! of the default world (replication 0) at departure times spread over 07:00–22:00: the
//! mode choice the routes and the field use (`plan`), taxi (the time-dependent road model)
//! and rail minutes (`mode_minutes`), and a plan with its realised noisy minutes
//! (`sample_minutes`), reported in queries per second.
//! Run: `cargo bench --bench travel`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use salesim::rng::{Seeds, Source};
use salesim::scenario::{Mode, Scenario};
use salesim::world::{Place, World};
use std::hint::black_box;
use std::time::Duration;

/// Queries per iteration.
const QUERIES: usize = 1024;

fn travel(c: &mut Criterion) {
    // criterion's plots need plotters' font, which salesim's `ab_glyph` feature leaves unset.
    salesim::output::plots::register_embedded_font();
    let scenario = Scenario::embedded();
    let world = World::generate(&scenario, &Seeds::new(scenario.seed, 0));
    let travel = &world.travel;
    let companies = world.city.companies();
    let mut rng = Pcg64Mcg::seed_from_u64(20261127);
    let queries: Vec<(Place, Place, f64)> = (0..QUERIES)
        .map(|_| {
            let from = world.city.company_place(rng.random_range(0..companies));
            let to = world.city.company_place(rng.random_range(0..companies));
            (from, to, rng.random_range(7.0 * 60.0..22.0 * 60.0))
        })
        .collect();

    let mut group = c.benchmark_group("travel");
    group
        .throughput(Throughput::Elements(QUERIES as u64))
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    group.bench_function("plan (mode choice)", |b| {
        b.iter(|| {
            queries
                .iter()
                .map(|(from, to, t)| travel.plan(from, to, *t).minutes)
                .sum::<f64>()
        })
    });
    for mode in [Mode::Taxi, Mode::Rail] {
        group.bench_function(format!("{mode:?} minutes").to_lowercase(), |b| {
            b.iter(|| {
                queries
                    .iter()
                    .filter_map(|(from, to, t)| travel.mode_minutes(mode, from.km_to(to), *t))
                    .sum::<f64>()
            })
        });
    }
    let mut noise = Seeds::new(scenario.seed, 0).stream(Source::RepDay, 0);
    group.bench_function("plan and sample", |b| {
        b.iter(|| {
            queries
                .iter()
                .map(|(from, to, t)| {
                    let trip = travel.plan(from, to, *t);
                    travel.sample_minutes(black_box(&trip), &mut noise)
                })
                .sum::<u32>()
        })
    });
    group.finish();
}

criterion_group!(benches, travel);
criterion_main!(benches);
