//! One replication of every variant of the embedded default, with its run time and every
//! metric: a quick look, and a convenient target for a profiler.
//! `cargo run --release --example variants_once -- [DAYS] [check]` (`check`: verify the
//! engine's invariants every day and print any violation).

use salesim::metrics::METRICS;
use salesim::scenario::Scenario;
use salesim::sim::{SimOptions, run_with};
fn main() {
    let mut sc = Scenario::embedded();
    let args: Vec<String> = std::env::args().collect();
    if let Some(d) = args.get(1) {
        sc.calendar.days = d.parse().unwrap();
    }
    let check = args.get(2).is_some();
    for v in sc.resolved_variants().unwrap() {
        let t = std::time::Instant::now();
        let (res, viol) = run_with(
            &sc,
            &v,
            0,
            SimOptions {
                check_invariants: check,
                ..SimOptions::default()
            },
            |s| s.violations.clone(),
        );
        let el = t.elapsed();
        println!(
            "== {} ({:.3}s) violations {}",
            v.name,
            el.as_secs_f64(),
            viol.len()
        );
        for v in viol.iter().take(5) {
            println!("   {v}");
        }
        for (m, x) in METRICS.iter().zip(&res.metrics) {
            print!("{}={:.4} ", m.name, x);
        }
        println!();
    }
}
