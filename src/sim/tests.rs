//! Unit tests of the pool rules on a hand-built state.

use super::lead::{Holder, LeadId, Origin, RepId};
use super::stamp::Stamp;
use super::{Sim, SimOptions};
use crate::rng::Seeds;
use crate::scenario::{Limit, Policy, PushOrder, Scenario};
use crate::time::{DAY, HOUR, Minute};
use crate::world::World;

fn small_scenario() -> Scenario {
    let mut sc = Scenario::default();
    sc.calendar.days = 1;
    sc.city.buildings = 200;
    sc.org.veterans = 2;
    sc.org.new_hires = 2;
    sc.org.teams = 1;
    sc.leads.initial_pool_days = 0;
    sc
}

/// A contacted lead held by nobody yet, whose judged chance is exactly `judged`.
fn contacted_lead(sim: &mut Sim, company: u32, now: Minute, judged: f64) -> LeadId {
    let id = sim.create_lead(company, now, Origin::Desk);
    let lead = &mut sim.leads[id as usize];
    lead.record_contact(&sim.sc.funnel, now);
    lead.freshness = 1.0;
    lead.set_judged(&sim.sc.funnel, judged);
    lead.window_end = Stamp::at(now + 100 * DAY);
    sim.pool.insert(id, &sim.leads[id as usize]);
    id
}

fn with_sim(policy: Policy, test: impl FnOnce(&mut Sim, Minute)) {
    let sc = small_scenario();
    let seeds = Seeds::new(sc.seed, 0);
    let world = World::generate(&sc, &seeds);
    let mut sim = Sim::new(&sc, &policy, &world, seeds, SimOptions::default());
    let now = sim.now();
    test(&mut sim, now);
}

const NEW_HIRE: RepId = 3;

#[test]
fn swap_rule_returns_the_worst_judged_lead_even_the_new_one() {
    let policy = Policy {
        private_cap: Limit::At(3),
        ..Policy::default()
    };
    with_sim(policy, |sim, now| {
        let held: Vec<LeadId> = [0.3, 0.1, 0.2]
            .iter()
            .enumerate()
            .map(|(k, &j)| contacted_lead(sim, k as u32, now, j))
            .collect();
        for &id in &held {
            sim.give(NEW_HIRE, id, now);
            sim.leads[id as usize].judged =
                [0.3, 0.1, 0.2][held.iter().position(|&h| h == id).unwrap()];
            sim.keep_private(NEW_HIRE, id, now);
        }
        let private: Vec<LeadId> = sim.reps[NEW_HIRE as usize]
            .private
            .iter()
            .map(|h| h.id)
            .collect();
        assert_eq!(private, held);
        // A better lead comes in: the worst (0.1) goes back to the pool.
        let better = contacted_lead(sim, 10, now, 0.5);
        sim.give(NEW_HIRE, better, now);
        sim.leads[better as usize].set_judged(&sim.sc.funnel, 0.5);
        sim.keep_private(NEW_HIRE, better, now);
        assert_eq!(sim.leads[held[1] as usize].holder, Holder::Pool);
        assert_eq!(sim.leads[better as usize].holder, Holder::Private(NEW_HIRE));
        assert_eq!(sim.reps[NEW_HIRE as usize].private.len(), 3);
        // A worse lead comes in: it is the one returned.
        let worse = contacted_lead(sim, 11, now, 0.01);
        sim.give(NEW_HIRE, worse, now);
        sim.leads[worse as usize].set_judged(&sim.sc.funnel, 0.01);
        sim.keep_private(NEW_HIRE, worse, now);
        assert_eq!(sim.leads[worse as usize].holder, Holder::Pool);
        assert_eq!(sim.reps[NEW_HIRE as usize].private.len(), 3);
        assert_eq!(sim.check_invariants(now), Vec::<String>::new());
    });
}

#[test]
fn without_a_cap_every_kept_lead_stays() {
    let policy = Policy {
        private_cap: Limit::None,
        ..Policy::default()
    };
    with_sim(policy, |sim, now| {
        for k in 0..50 {
            let id = contacted_lead(sim, k, now, 0.1);
            sim.give(NEW_HIRE, id, now);
            sim.keep_private(NEW_HIRE, id, now);
        }
        assert_eq!(sim.reps[NEW_HIRE as usize].private.len(), 50);
    });
}

#[test]
fn cooldown_keeps_a_returned_lead_from_its_last_rep_for_its_days() {
    let policy = Policy {
        cooldown_days: Limit::At(7),
        push_order: PushOrder::Newest,
        ..Policy::default()
    };
    with_sim(policy, |sim, now| {
        let id = contacted_lead(sim, 5, now + 60, 0.2);
        sim.give(NEW_HIRE, id, now);
        sim.return_to_pool(id, now);
        let first = |sim: &Sim, r: RepId, t: Minute| {
            sim.pool
                .iter(PushOrder::Newest)
                .find(|&l| !sim.held_back(&sim.leads[l as usize], r, t))
        };
        assert_ne!(
            first(sim, NEW_HIRE, now),
            Some(id),
            "the newest lead is blocked for its last rep"
        );
        assert_eq!(
            first(sim, NEW_HIRE - 1, now),
            Some(id),
            "other reps may take it"
        );
        assert_ne!(first(sim, NEW_HIRE, now + 7 * DAY - 1), Some(id));
        assert_eq!(
            first(sim, NEW_HIRE, now + 7 * DAY),
            Some(id),
            "after 7 days it may go back"
        );
    });
}

#[test]
fn reclaim_timeout_takes_back_untouched_leads_only() {
    let policy = Policy {
        reclaim_timeout_hours: Limit::At(48),
        ..Policy::default()
    };
    with_sim(policy, |sim, now| {
        let untouched = contacted_lead(sim, 7, now, 0.2);
        let touched = contacted_lead(sim, 8, now, 0.2);
        sim.give(NEW_HIRE, untouched, now);
        sim.give(NEW_HIRE, touched, now);
        // The holder reached the touched lead an hour later; the untouched one was contacted
        // by someone else before, which does not count as this rep's follow-up.
        sim.leads[touched as usize].followed_up_at = Stamp::at(now + 60);
        sim.leads[untouched as usize].followed_up_at = Stamp::at(now - 60);
        sim.reclaim(now + 48 * HOUR);
        assert_eq!(
            sim.leads[untouched as usize].holder,
            Holder::Assigned(NEW_HIRE),
            "not over the timeout yet"
        );
        sim.reclaim(now + 48 * HOUR + 1);
        assert_eq!(sim.leads[untouched as usize].holder, Holder::Pool);
        assert_eq!(
            sim.leads[touched as usize].holder,
            Holder::Assigned(NEW_HIRE)
        );
        assert_eq!(sim.tally.timeout_reclaims, 1);
        assert_eq!(sim.leads[untouched as usize].returned_by, NEW_HIRE);
    });
}

#[test]
fn reclaimed_share_counts_only_leads_handed_out_from_the_pool() {
    // A private cap of 0 files every lead a rep finds on its assigned list.
    let policy = Policy {
        reclaim_timeout_hours: Limit::At(48),
        private_cap: Limit::At(0),
        ..Policy::default()
    };
    with_sim(policy, |sim, now| {
        let pushed = contacted_lead(sim, 7, now, 0.2);
        sim.give(NEW_HIRE, pushed, now);
        let found = sim.create_lead(9, now, Origin::Desk);
        sim.leads[found as usize].window_end = Stamp::at(now + 100 * DAY);
        sim.file_found_lead(NEW_HIRE, found, now);
        assert_eq!(sim.leads[found as usize].holder, Holder::Assigned(NEW_HIRE));
        let handed_out = sim.tally.handed_out;
        sim.reclaim(now + 48 * HOUR + 1);
        assert_eq!(sim.leads[pushed as usize].holder, Holder::Pool);
        assert_eq!(sim.leads[found as usize].holder, Holder::Pool);
        assert_eq!(sim.tally.timeout_reclaims, 2, "both go back to the pool");
        assert_eq!(sim.tally.pushed_timeout_reclaims, 1, "only one was pushed");
        assert_eq!(sim.tally.handed_out, handed_out, "filing is not a hand-out");
        // Pushed later, the found lead counts like any other.
        sim.give(2, found, now + 3 * DAY);
        sim.reclaim(now + 5 * DAY + 1);
        assert_eq!(sim.tally.pushed_timeout_reclaims, 2);
    });
}

#[test]
fn timeouts_by_level_follow_the_crm_score() {
    let policy = Policy {
        reclaim_timeout_hours: Limit::At(48),
        timeout_by_level: Some(crate::scenario::LevelTimeouts {
            a: Limit::None,
            b: Limit::At(48),
            c: Limit::At(24),
        }),
        ..Policy::default()
    };
    with_sim(policy, |sim, now| {
        let [low, high] = sim.level_cutoffs;
        assert!(0.0 < low && low < high && high < 1.0);
        let leads: Vec<LeadId> = (20..23).map(|c| contacted_lead(sim, c, now, 0.2)).collect();
        for (&id, score) in leads
            .iter()
            .zip([high + 0.01, (low + high) / 2.0, low - 0.01])
        {
            sim.leads[id as usize].crm_score = score;
            sim.leads[id as usize].followed_up_at = Stamp::at(now - 60);
            sim.give(NEW_HIRE, id, now);
        }
        let level = |sim: &Sim, i: usize| sim.timeout_of(&sim.leads[leads[i] as usize]);
        assert_eq!(level(sim, 0), None, "level A is never reclaimed");
        assert_eq!(level(sim, 1), Some(48 * HOUR));
        assert_eq!(level(sim, 2), Some(24 * HOUR));
        sim.reclaim(now + 24 * HOUR + 1);
        let holders: Vec<Holder> = leads
            .iter()
            .map(|&id| sim.leads[id as usize].holder)
            .collect();
        assert_eq!(
            holders,
            [
                Holder::Assigned(NEW_HIRE),
                Holder::Assigned(NEW_HIRE),
                Holder::Pool
            ]
        );
        sim.reclaim(now + 1000 * HOUR);
        assert_eq!(
            sim.leads[leads[0] as usize].holder,
            Holder::Assigned(NEW_HIRE)
        );
        assert_eq!(sim.leads[leads[1] as usize].holder, Holder::Pool);
    });
}

#[test]
fn stale_private_leads_are_reclaimed() {
    let policy = Policy {
        stale_private_days: Limit::At(30),
        ..Policy::default()
    };
    with_sim(policy, |sim, now| {
        let id = contacted_lead(sim, 9, now, 0.2);
        sim.give(NEW_HIRE, id, now);
        sim.keep_private(NEW_HIRE, id, now);
        sim.reclaim(now + 30 * DAY);
        assert_eq!(sim.leads[id as usize].holder, Holder::Private(NEW_HIRE));
        sim.reclaim(now + 30 * DAY + 1);
        assert_eq!(sim.leads[id as usize].holder, Holder::Pool);
        assert!(sim.tally.stale_reclaims >= 1);
    });
}

#[test]
fn embargo_keeps_a_returned_lead_from_everyone_for_its_hours() {
    let policy = Policy {
        embargo_hours: Limit::At(24),
        cooldown_days: Limit::None,
        ..Policy::default()
    };
    with_sim(policy, |sim, now| {
        let id = contacted_lead(sim, 5, now + 60, 0.2);
        sim.give(NEW_HIRE, id, now);
        sim.return_to_pool(id, now);
        for r in 0..4 {
            assert!(
                sim.held_back(&sim.leads[id as usize], r, now + 24 * HOUR - 1),
                "rep {r}"
            );
            assert!(
                !sim.held_back(&sim.leads[id as usize], r, now + 24 * HOUR),
                "rep {r}"
            );
        }
        let fresh = contacted_lead(sim, 6, now, 0.2);
        assert!(
            !sim.held_back(&sim.leads[fresh as usize], 0, now),
            "a lead never returned is not embargoed"
        );
    });
}

#[test]
fn private_leads_without_a_deal_in_time_are_reclaimed() {
    let policy = Policy {
        private_max_days: Limit::At(20),
        stale_private_days: Limit::None,
        ..Policy::default()
    };
    with_sim(policy, |sim, now| {
        let id = contacted_lead(sim, 9, now, 0.2);
        sim.give(NEW_HIRE, id, now);
        sim.keep_private(NEW_HIRE, id, now);
        // Progress does not stop this clock: only a deal does.
        sim.leads[id as usize].last_progress = Stamp::at(now + 19 * DAY);
        sim.reclaim(now + 20 * DAY);
        assert_eq!(sim.leads[id as usize].holder, Holder::Private(NEW_HIRE));
        sim.reclaim(now + 20 * DAY + 1);
        assert_eq!(sim.leads[id as usize].holder, Holder::Pool);
    });
}

#[test]
fn least_loaded_serves_the_emptiest_hands_first() {
    let policy = Policy {
        assignment: crate::scenario::Assignment::LeastLoaded,
        ..Policy::default()
    };
    with_sim(policy, |sim, now| {
        // Veterans 0 and 1 start with private leads; new hires 2 and 3 with none.
        let loads: Vec<usize> = sim.reps.iter().map(|r| r.held()).collect();
        assert!(loads[0] > 0 && loads[2] == 0, "{loads:?}");
        // A small pool of 6: all of it goes to the two empty-handed new hires.
        for k in 0..6 {
            let id = sim.create_lead(100 + k, now - 60, Origin::Marketing);
            sim.pool.insert(id, &sim.leads[id as usize]);
        }
        sim.assign(now);
        let received: Vec<u32> = sim.reps.iter().map(|r| r.stats.leads_received).collect();
        assert_eq!(received, [0, 0, 3, 3], "{received:?}");
    });
}

#[test]
fn tie_breaks_order_who_is_served_first() {
    use crate::scenario::TieBreak;
    let policy = Policy {
        tie_break: TieBreak::Seniority,
        ..Policy::default()
    };
    with_sim(policy, |sim, _| {
        let order = sim.serving_order(&[0, 1, 2, 3]);
        let hired: Vec<Minute> = order
            .iter()
            .map(|&r| sim.reps[r as usize].hired_at)
            .collect();
        assert!(
            hired.windows(2).all(|w| w[0] <= w[1]),
            "longest-serving first: {hired:?}"
        );
    });
    let policy = Policy {
        tie_break: TieBreak::Random,
        ..Policy::default()
    };
    with_sim(policy, |sim, _| {
        let mut order = sim.serving_order(&[0, 1, 2, 3]);
        assert_eq!(
            order,
            sim.serving_order(&[0, 1, 2, 3]),
            "the same every time for a day"
        );
        order.sort_unstable();
        assert_eq!(order, [0, 1, 2, 3]);
    });
}

#[test]
fn open_deals_can_be_exempt_from_stale_reclaim() {
    for exempt in [false, true] {
        let policy = Policy {
            stale_private_days: Limit::At(30),
            exempt_open_deals: exempt,
            ..Policy::default()
        };
        with_sim(policy, |sim, now| {
            let id = contacted_lead(sim, 9, now, 0.2);
            sim.give(NEW_HIRE, id, now);
            sim.keep_private(NEW_HIRE, id, now);
            sim.leads[id as usize].steps_done = 1;
            sim.reclaim(now + 31 * DAY);
            let kept = sim.leads[id as usize].holder == Holder::Private(NEW_HIRE);
            assert_eq!(kept, exempt, "exempt_open_deals = {exempt}");
        });
    }
}

#[test]
fn a_company_gate_stays_small() {
    // Lead generation reads the gates of random companies: 4 bytes keep sixteen to a
    // cache line and the default city's in the cache.
    assert_eq!(std::mem::size_of::<super::CompanyGate>(), 4);
}

#[test]
fn starting_experience_follows_each_groups_rate_per_tenure_day() {
    let starting_experience = |veteran_rate: f64, new_hire_rate: f64| {
        let mut sc = small_scenario();
        sc.org.experience_per_tenure_day = veteran_rate;
        sc.org.new_hire_experience_per_tenure_day = new_hire_rate;
        let seeds = Seeds::new(sc.seed, 0);
        let world = World::generate(&sc, &seeds);
        let policy = Policy::default();
        let sim = Sim::new(&sc, &policy, &world, seeds, SimOptions::default());
        let now = sim.now();
        sim.reps
            .iter()
            .map(|r| {
                let working_days = (now - r.hired_at) as f64 / DAY as f64 * 5.0 / 7.0;
                (r.experience, working_days)
            })
            .collect::<Vec<_>>()
    };
    let base = starting_experience(2.5, 2.5);
    let fresh = starting_experience(2.5, 0.0);
    for (id, (&(with, days), &(without, _))) in base.iter().zip(&fresh).enumerate() {
        // Tenure is drawn before experience, so both runs hire each rep on the same day.
        assert!(
            (with - 2.5 * days).abs() < 0.05,
            "rep {id}: {with} for {days} days"
        );
        if id < 2 {
            assert_eq!(with, without, "veteran {id} keeps its credit");
        } else {
            assert_eq!(without, 0.0, "new hire {id} starts fresh");
        }
    }
}
