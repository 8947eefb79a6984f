//! Scenarios the validator accepts must run: a small valid scenario from untrusted bytes
//! is simulated for at most three days under every variant, with the engine's invariants
//! checked each night. A panic, or an invariant broken, is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;
use salesim::scenario::Scenario;
use salesim::sim::{SimOptions, run_with};

/// Whether `s` is small enough to simulate quickly.
fn small(s: &Scenario) -> bool {
    let companies = f64::from(s.city.buildings) * (1.0 + s.city.companies_per_building_extra_mean);
    let leads = f64::from(s.leads.marketing_per_day) * f64::from(s.leads.initial_pool_days + 3)
        + f64::from(s.org.veterans) * f64::from(s.org.veteran_initial_private)
        + f64::from(s.leads.registrations_per_day) * 3.0;
    s.calendar.days <= 3
        && s.starting_reps() <= 40
        && s.org.hires_per_batch <= 10
        && companies <= 20_000.0
        && leads <= 20_000.0
}

fuzz_target!(|data: &[u8]| {
    let Ok(mut scenario) = Scenario::from_bytes(data, "fuzz.toml") else {
        return;
    };
    // Only small worlds: the fuzzer is after wrong behaviour, not long runs.
    scenario.calendar.days = scenario.calendar.days.min(3);
    if scenario.validate("fuzz.toml").is_err() || !small(&scenario) || scenario.variants.len() > 4 {
        return;
    }
    let Ok(variants) = scenario.resolved_variants() else {
        return;
    };
    if variants
        .iter()
        .any(|v| v.scenario.as_deref().is_some_and(|s| !small(s)))
    {
        return;
    }
    let options = SimOptions {
        check_invariants: true,
        ..SimOptions::default()
    };
    for v in &variants {
        let (_, violations) = run_with(&scenario, v, 0, options, |sim| sim.violations.clone());
        assert!(violations.is_empty(), "{}: {violations:?}", v.name);
    }
});
