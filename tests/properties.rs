//! Properties over random valid scenarios (proptest): small worlds, a few days, every
//! policy key varied. Each case runs one short replication event by event and checks
//!
//! - lead conservation: every lead ever created is in exactly one place (the public pool,
//!   one rep's assigned list, one rep's private pool) or has ended (won, lost, closed),
//!   and the counters agree with the lead table;
//! - the private cap: no rep holds more private leads than the cap, after any event;
//! - deadlines: after each night's reclaim no assigned lead is still untouched past its
//!   reclaim timeout, no private lead is held past `stale_private_days` without progress
//!   or past `private_max_days` without a deal (unless exempt as an open deal);
//! - determinism: the same scenario and seed give the same results, run twice, and run
//!   through the experiment runner on 1 and on 2 threads.
//!
//! Cases are few (each is a whole simulation) so the file runs in seconds in release.

use proptest::prelude::*;
use salesim::experiment::run_experiment;
use salesim::scenario::{
    Assignment, LevelTimeouts, Limit, Office, Policy, PushMode, PushOrder, Scenario, Territory,
    TieBreak, VariantSpec,
};
use salesim::sim::lead::Holder;
use salesim::sim::lead_table::HeldLead;
use salesim::sim::{Sim, SimOptions, replication_world, run_with};
use salesim::time::{DAY, HOUR, Minute};

fn limit(low: u32, high: u32) -> impl Strategy<Value = Limit> {
    prop_oneof![Just(Limit::None), (low..=high).prop_map(Limit::At)]
}

fn assignment() -> impl Strategy<Value = Assignment> {
    prop_oneof![
        Just(Assignment::RoundRobin),
        Just(Assignment::EqualQualityMix),
        Just(Assignment::PerformanceWeighted),
        Just(Assignment::NewHirePriority),
        Just(Assignment::Random),
        Just(Assignment::SelfClaim),
        Just(Assignment::LeastLoaded),
        Just(Assignment::CapacityWeighted),
    ]
}

prop_compose! {
    fn policy()(
        (assignment, push_order, push_min, push_extra, push_mode) in (
            assignment(),
            prop_oneof![Just(PushOrder::Newest), Just(PushOrder::Oldest), Just(PushOrder::BestScored)],
            0u32..8,
            0u32..8,
            prop_oneof![Just(PushMode::TopUp), Just(PushMode::Add)],
        ),
        (reclaim_timeout_hours, by_level, private_cap, swap_rule, stale_private_days) in (
            limit(1, 72),
            proptest::option::of((limit(1, 96), limit(1, 96), limit(1, 96))),
            limit(0, 12),
            any::<bool>(),
            limit(1, 4),
        ),
        (cooldown_days, tie_break, exempt_open_deals, embargo_hours, private_max_days) in (
            limit(1, 3),
            prop_oneof![Just(TieBreak::Rotate), Just(TieBreak::Seniority), Just(TieBreak::Random)],
            any::<bool>(),
            limit(1, 30),
            limit(1, 4),
        ),
        (claim_limit, claim_appetite, reminder_hours, audit_rate, dismiss, window, capacity) in (
            limit(0, 20),
            0u32..30,
            limit(1, 24),
            0.0f64..=1.0,
            any::<bool>(),
            1u32..10,
            0.0f64..=1.0,
        ),
    ) -> Policy {
        Policy {
            assignment,
            push_order,
            push_min,
            push_max: push_min + push_extra,
            push_mode,
            reclaim_timeout_hours,
            timeout_by_level: by_level.map(|(a, b, c)| LevelTimeouts { a, b, c }),
            private_cap,
            swap_rule,
            stale_private_days,
            cooldown_days,
            tie_break,
            territory: Territory::None,
            exempt_open_deals,
            embargo_hours,
            private_max_days,
            claim_limit,
            claim_appetite,
            reminder_hours,
            audit_rate,
            dismiss_caught_fakers: dismiss,
            performance_window_days: window,
            new_hire_capacity: capacity,
        }
    }
}

prop_compose! {
    /// A small valid scenario: the embedded default shrunk to a few days, a dozen reps and
    /// a small city, with one variant running a random policy.
    fn scenario()(
        policy in policy(),
        (days, teams, veterans, new_hires, hire_every_days, hires_per_batch, initial_private) in (
            1u32..=5, 1u32..=3, 1u32..=8, 0u32..=4, 0u32..=3, 0u32..=2, 0u32..=10,
        ),
        (buildings, extra, districts, marketing, registrations, pool_days, desk) in (
            50u32..=400, 0.0f64..8.0, 0u32..=3, 0u32..=60, 0u32..=5, 0u32..=3, 0u32..=3,
        ),
        (attrition, offices, territory, seed, lost_prob, window_days) in (
            any::<bool>(),
            any::<bool>(),
            prop_oneof![Just(Territory::None), Just(Territory::Strict), Just(Territory::Overflow)],
            0..=salesim::scenario::MAX_SEED,
            0.0f64..0.5,
            0.5f64..20.0,
        ),
    ) -> Scenario {
        let mut sc = Scenario::embedded();
        sc.seed = seed;
        sc.replications = 2;
        sc.calendar.days = days;
        sc.org.teams = teams;
        sc.org.veterans = veterans;
        sc.org.new_hires = new_hires;
        sc.org.hire_every_days = hire_every_days;
        sc.org.hires_per_batch = hires_per_batch;
        sc.org.veteran_initial_private = initial_private;
        sc.attrition.enabled = attrition;
        sc.attrition.no_win_days = 1;
        sc.attrition.veteran_monthly_prob = 0.5;
        sc.attrition.new_hire_monthly_prob = 0.5;
        sc.city.buildings = buildings;
        sc.city.companies_per_building_extra_mean = extra;
        sc.city.districts = districts;
        if districts == 0 {
            sc.city.district_share = 0.0;
        }
        sc.leads.marketing_per_day = marketing;
        sc.leads.registrations_per_day = registrations;
        sc.leads.initial_pool_days = pool_days;
        sc.leads.desk_per_rep = desk;
        sc.funnel.lost_prob = lost_prob;
        sc.funnel.window_mean_days = window_days;
        sc.policy = policy;
        if offices && teams >= 2 {
            sc.offices = vec![
                Office { name: "east".into(), x_km: 8.0, y_km: 0.0, teams: 1 },
                Office { name: "west".into(), x_km: -8.0, y_km: 0.0, teams: teams - 1 },
            ];
            sc.policy.territory = territory;
        }
        sc.baseline = Some("random".into());
        sc.variants = vec![VariantSpec { name: "random".into(), ..VariantSpec::default() }];
        sc
    }
}

/// Lead conservation: each lead in exactly one place or ended, the counters agreeing.
fn conservation(sim: &Sim) -> Result<(), String> {
    let (mut pool, mut assigned, mut private) = (0usize, 0usize, 0usize);
    let (mut won, mut lost, mut closed) = (0u64, 0u64, 0u64);
    for (id, lead) in sim.leads.stored() {
        let listed = |list: &[HeldLead]| list.iter().filter(|h| h.id == id).count();
        match lead.holder {
            Holder::Pool => pool += 1,
            Holder::Assigned(r) => {
                assigned += 1;
                if listed(&sim.reps[r as usize].assigned) != 1 {
                    return Err(format!("lead {id} says assigned to {r}, not listed once"));
                }
            }
            Holder::Private(r) => {
                private += 1;
                if listed(&sim.reps[r as usize].private) != 1 {
                    return Err(format!("lead {id} says private to {r}, not listed once"));
                }
            }
            Holder::Won => won += 1,
            Holder::Lost => lost += 1,
            Holder::Closed => closed += 1,
        }
    }
    let stored = sim.leads.stored_count();
    let t = &sim.tally;
    let checks = [
        (
            "leads stored = leads created",
            stored as u64,
            sim.leads.len() as u64,
        ),
        (
            "leads created = tally",
            sim.leads.len() as u64,
            t.leads_created,
        ),
        (
            "pool holders = pool size",
            pool as u64,
            sim.pool.len() as u64,
        ),
        (
            "assigned holders = assigned lists",
            assigned as u64,
            sim.reps.iter().map(|r| r.assigned.len() as u64).sum(),
        ),
        (
            "private holders = private pools",
            private as u64,
            sim.reps.iter().map(|r| r.private.len() as u64).sum(),
        ),
        ("won = tally", won, t.won),
        ("lost = tally", lost, t.lost_outright + t.lost_window),
        ("closed = tally", closed, t.closed),
        (
            "every lead in one place",
            (pool + assigned + private) as u64 + won + lost + closed,
            sim.leads.len() as u64,
        ),
    ];
    for (what, a, b) in checks {
        if a != b {
            return Err(format!("{what}: {a} != {b}"));
        }
    }
    Ok(())
}

/// The private cap, at any moment.
fn cap(sim: &Sim) -> Result<(), String> {
    if let Limit::At(cap) = sim.policy().private_cap {
        for rep in &sim.reps {
            if rep.private.len() > cap as usize {
                return Err(format!(
                    "rep {} holds {} private leads over the cap of {cap}",
                    rep.id,
                    rep.private.len()
                ));
            }
        }
    }
    Ok(())
}

/// Deadlines, right after a night's reclaim at `now`.
fn deadlines(sim: &Sim, now: Minute) -> Result<(), String> {
    let policy = sim.policy();
    let stale = policy
        .stale_private_days
        .value()
        .map(|d| Minute::from(d) * DAY);
    let deal = policy
        .private_max_days
        .value()
        .map(|d| Minute::from(d) * DAY);
    for rep in &sim.reps {
        for &HeldLead { id, .. } in &rep.assigned {
            let lead = &sim.leads[id as usize];
            if let Some(limit) = sim.timeout_of(lead)
                && !lead.followed_up()
                && now - lead.assigned_at.get() > limit
            {
                return Err(format!(
                    "lead {id} untouched for {} h is still assigned to rep {} (timeout {} h)",
                    (now - lead.assigned_at.get()) / HOUR,
                    rep.id,
                    limit / HOUR
                ));
            }
        }
        for &HeldLead { id, .. } in &rep.private {
            let lead = &sim.leads[id as usize];
            if policy.exempt_open_deals && lead.steps_done > 0 {
                continue;
            }
            if let Some(limit) = stale
                && now - lead.last_progress.get() > limit
            {
                return Err(format!(
                    "private lead {id} of rep {} without progress for {} h (stale after {} h)",
                    rep.id,
                    (now - lead.last_progress.get()) / HOUR,
                    limit / HOUR
                ));
            }
            if let Some(limit) = deal
                && now - lead.kept_at.get() > limit
            {
                return Err(format!(
                    "private lead {id} of rep {} kept {} h without a deal (at most {} h)",
                    rep.id,
                    (now - lead.kept_at.get()) / HOUR,
                    limit / HOUR
                ));
            }
        }
    }
    Ok(())
}

/// Runs replication 0 of the scenario's variant event by event, checking the cap after
/// every event and conservation, deadlines and the engine's own invariants every night.
fn run_checked(sc: &Scenario) -> Result<String, String> {
    let variants = sc.resolved_variants().map_err(|e| e.to_string())?;
    let variant = &variants[0];
    let world = replication_world(sc, variant, 0);
    let options = SimOptions {
        check_invariants: true,
        keep_ended_leads: true,
        ..SimOptions::default()
    };
    let mut sim = Sim::for_replication(sc, variant, &world, 0, options);
    conservation(&sim).map_err(|e| format!("at the start: {e}"))?;
    cap(&sim).map_err(|e| format!("at the start: {e}"))?;
    let mut nights = 0;
    while sim.step() {
        cap(&sim).map_err(|e| format!("day {} at minute {}: {e}", sim.day(), sim.now()))?;
        if sim.day() != nights {
            // The night just ran.
            nights = sim.day();
            let at = |e| format!("night of day {}: {e}", nights - 1);
            conservation(&sim).map_err(at)?;
            deadlines(&sim, sim.now()).map_err(at)?;
        }
    }
    if nights != sc.calendar.days {
        return Err(format!("{nights} nights in {} days", sc.calendar.days));
    }
    if !sim.violations.is_empty() {
        return Err(format!("invariants: {:?}", sim.violations));
    }
    Ok(format!("{:?}", sim.result()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn leads_are_conserved_caps_and_deadlines_hold(sc in scenario()) {
        prop_assert!(sc.validate("generated").is_ok(), "{:?}", sc.validate("generated"));
        if let Err(e) = run_checked(&sc) {
            prop_assert!(false, "{e}\nscenario:\n{}", sc.to_toml());
        }
    }

    #[test]
    fn same_scenario_and_seed_give_the_same_results(sc in scenario()) {
        prop_assert!(sc.validate("generated").is_ok());
        let variants = sc.resolved_variants().unwrap();
        let once = |options| format!("{:?}", run_with(&sc, &variants[0], 1, options, |_| ()).0);
        let plain = once(SimOptions::default());
        prop_assert_eq!(&plain, &once(SimOptions::default()));
        // Checking, tracing and keeping ended leads never change results.
        let watched = SimOptions { check_invariants: true, trace: true, keep_ended_leads: true, ..SimOptions::default() };
        prop_assert_eq!(&plain, &once(watched));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn one_and_two_threads_give_the_same_results(sc in scenario()) {
        let variants = sc.resolved_variants().unwrap();
        let one = run_experiment(&sc, &variants, 3, 1, &|| ()).unwrap();
        let two = run_experiment(&sc, &variants, 3, 2, &|| ()).unwrap();
        prop_assert_eq!(format!("{one:?}"), format!("{two:?}"));
    }
}
