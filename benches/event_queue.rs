//! The event core: `salesim::sim::queue::EventQueue` in the hold model (a queue of N pending
//! events; pop the next one and schedule it again 0–599 minutes later at one of the four
//! priorities), reported in events (pop + schedule pairs) per second for N = 100 (the
//! default's 96 reps), 10,000 (the national scenario) and 1,000,000.
//! Run: `cargo bench --bench event_queue`.

use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use salesim::sim::queue::EventQueue;
use std::hint::black_box;
use std::time::Duration;

/// Pop + schedule pairs per iteration.
const HOLDS: usize = 10_000;

fn hold(c: &mut Criterion) {
    // criterion's plots need plotters' font, which salesim's `ab_glyph` feature leaves unset.
    salesim::output::plots::register_embedded_font();
    // Delays and priorities drawn once, so the loop times the queue only.
    let mut rng = Pcg64Mcg::seed_from_u64(20261127);
    let draws: Vec<(i64, u8)> = (0..4096)
        .map(|_| (rng.random_range(0..600), rng.random_range(0..4)))
        .collect();
    let mut group = c.benchmark_group("event queue hold");
    group
        .throughput(Throughput::Elements(HOLDS as u64))
        .sampling_mode(SamplingMode::Flat)
        .sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for pending in [100usize, 10_000, 1_000_000] {
        let mut queue = EventQueue::new(0);
        for i in 0..pending {
            let (at, priority) = draws[i % draws.len()];
            queue
                .schedule(at, priority, i as u32)
                .expect("not in the past");
        }
        let mut k = 0;
        group.bench_function(BenchmarkId::new("pending events", pending), |b| {
            b.iter(|| {
                for _ in 0..HOLDS {
                    let (now, event) = queue.pop().expect("the queue never empties");
                    let (delay, priority) = draws[k % draws.len()];
                    k += 1;
                    queue
                        .schedule(now + delay, priority, black_box(event))
                        .expect("not in the past");
                }
            })
        });
        assert_eq!(queue.len(), pending);
    }
    group.finish();
}

criterion_group!(benches, hold);
criterion_main!(benches);
