//! The engine: one replication of one policy variant, as a discrete-event simulation.
//!
//! Events sit in one queue ordered by (integer minute, priority, sequence): the morning
//! (hiring, coaching plan, marketing arrivals, the push or the claiming), each rep's
//! field actions (leave for a stop, end a visit, end a cold visit, get back), the
//! evening (meeting, CRM entry, audit, calls, desk research) and the night (reclaims,
//! expiries, payments). Reps act only on their own leads; the one thing they share in
//! the field, companies without an open lead, is taken in event order, so the
//! outcome is the same as a fully interleaved simulation of every rep.

mod assign;
pub mod bench_probe;
mod evening;
mod field;
pub mod invariants;
pub mod lead;
pub mod lead_table;
mod morning;
mod night;
mod ops;
pub mod pool;
pub mod queue;
pub mod records;
pub mod rep;
mod route;
mod setup;
pub mod stamp;
mod tally;
#[cfg(test)]
mod tests;
pub mod trace;
pub mod window_ends;

use crate::metrics::METRICS;
use crate::rng::Seeds;
use crate::scenario::{Assignment, Policy, PushOrder, Scenario, Variant};
use crate::time::{Calendar, Minute};
use crate::world::World;
use lead::{Lead, LeadId, RepId};
use lead_table::LeadTable;
use pool::PublicPool;
use queue::EventQueue;
use records::{DayRecord, Ramp, RepRecord};
use rep::Rep;
use stamp::Stamp;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
pub use tally::Tally;
use trace::Trace;

/// What one replication of one variant produced.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ReplicationResult {
    /// One value per entry of `metrics::METRICS`, in that order.
    pub metrics: Vec<f64>,
    /// One record per rep ever employed, in id order.
    pub reps: Vec<RepRecord>,
    /// One record per working day, in day order.
    pub daily: Vec<DayRecord>,
    /// The new hires' wins by week of tenure.
    pub ramp: Ramp,
}

/// Switches for tests and tracing; they never change results.
#[derive(Debug, Clone, Copy, Default)]
pub struct SimOptions {
    /// Check the invariants (conservation, caps, timeouts) at the end of every day.
    pub check_invariants: bool,
    /// Record rep actions in [`Sim::trace`] (every rep, unless `trace_rep` names one).
    pub trace: bool,
    /// With `trace`, record only this rep's actions (keeps the trace small on big
    /// scenarios); `None` records every rep. See [`SimOptions::trace_rep`].
    pub trace_rep: Option<RepId>,
    /// Keep every ended lead readable in [`Sim::leads`] after the run, for inspection
    /// (tests, traces). Without it an ended lead's storage is reused after its night,
    /// which keeps memory proportional to the leads alive at once.
    pub keep_ended_leads: bool,
}

/// Event kinds. Priorities order events at equal times: morning, field, evening, night.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    Morning,
    /// The rep decides and starts its next field action.
    RepNext(RepId),
    /// The rep's current visit ends.
    VisitEnd(RepId),
    /// The rep's current cold visit ends.
    ColdEnd(RepId),
    /// The rep is back at the office.
    Back(RepId),
    Evening,
    /// The rep's desk evening: CRM entry, audit, calls, research.
    RepDesk(RepId),
    Night,
}

impl Event {
    fn priority(self) -> u8 {
        match self {
            Event::Morning => 0,
            Event::RepNext(_) | Event::VisitEnd(_) | Event::ColdEnd(_) | Event::Back(_) => 1,
            Event::Evening | Event::RepDesk(_) => 2,
            Event::Night => 3,
        }
    }
}

/// The moment a company may next produce a lead, in 4 bytes: lead generation draws random
/// companies until one is free, so this array (a city's companies times 4 bytes, 800 KB for
/// the default's 200,000) is read at random many times a day and should stay in the cache.
/// `Stamp::NEVER`: free at once; a relead moment after a lost or closed lead;
/// [`CompanyGate::SHUT`] while it has an open lead or once it became a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct CompanyGate(Stamp);

impl CompanyGate {
    /// Not free at any moment of a run: an open lead, or a customer.
    const SHUT: CompanyGate = CompanyGate(Stamp::END);

    /// Whether the company may produce a lead at `now`.
    fn open_at(self, now: Minute) -> bool {
        self.0.get() <= now
    }
}

/// One replication of one variant in progress.
#[derive(Clone)]
pub struct Sim<'a> {
    sc: &'a Scenario,
    policy: &'a Policy,
    world: &'a World,
    seeds: Seeds,
    cal: Calendar,
    options: SimOptions,
    /// Every lead ever created, by id (ended leads' storage is released at night).
    pub leads: LeadTable,
    /// By company: when it may next produce a lead.
    company_gates: Vec<CompanyGate>,
    /// By company: leads it has produced (registrations go to companies with none).
    company_leads: Vec<u32>,
    /// The public pool.
    pub pool: PublicPool,
    /// Every rep ever employed.
    pub reps: Vec<Rep>,
    /// When buying windows close, by day.
    windows: window_ends::WindowEnds,
    /// Scratch of `close_windows`, kept to reuse its allocation.
    windows_due: Vec<(Minute, LeadId)>,
    /// Cash to collect: (when, lead, deal value in CNY as `f64` bits), soonest first.
    payments: BinaryHeap<Reverse<(Minute, LeadId, u64)>>,
    queue: EventQueue<Event>,
    day: u32,
    /// Propensity above which a lead counts as good: the top quartile of companies.
    good_threshold: f64,
    /// CRM scores at the thirds of the propensity distribution: below the first a lead is
    /// level C, from the second up level A, between them B.
    level_cutoffs: [f64; 2],
    /// Whether the overflow pass of the territory rule is dealing (leads may go to the
    /// office their territory overflows to).
    overflow_pass: bool,
    /// Scratch of the self-claim pass, kept to reuse its allocation (see `self_claim`).
    claim_scratch: Vec<(f64, f64)>,
    /// Running counters.
    pub tally: Tally,
    /// Rep actions, when tracing.
    pub trace: Trace,
    /// Invariant violations found, when checking.
    pub violations: Vec<String>,
}

impl<'a> Sim<'a> {
    /// A replication ready to run: reps, initial stock and the first morning in place.
    pub fn new(
        sc: &'a Scenario,
        policy: &'a Policy,
        world: &'a World,
        seeds: Seeds,
        options: SimOptions,
    ) -> Sim<'a> {
        let mut orders = vec![if policy.assignment == Assignment::SelfClaim {
            PushOrder::Newest
        } else {
            policy.push_order
        }];
        if matches!(
            policy.assignment,
            Assignment::NewHirePriority | Assignment::EqualQualityMix
        ) {
            orders.push(PushOrder::BestScored);
        }
        let cal = Calendar::new(sc.calendar.working_days_per_week);
        let start = cal.at(0, sc.day.office_open);
        let mut sim = Sim {
            sc,
            policy,
            world,
            seeds,
            cal,
            options,
            leads: LeadTable::new(),
            company_gates: vec![CompanyGate(Stamp::NEVER); world.city.companies() as usize],
            company_leads: vec![0; world.city.companies() as usize],
            pool: PublicPool::new(&orders),
            reps: Vec::new(),
            // Nights fall before the calendar day after the last working day begins.
            windows: window_ends::WindowEnds::new(
                cal.calendar_day(sc.calendar.days) * crate::time::DAY,
            ),
            windows_due: Vec::new(),
            payments: BinaryHeap::new(),
            queue: EventQueue::new(start),
            day: 0,
            good_threshold: propensity_quantile(&sc.companies, 0.75),
            overflow_pass: false,
            claim_scratch: Vec::new(),
            level_cutoffs: [
                propensity_quantile(&sc.companies, 1.0 / 3.0),
                propensity_quantile(&sc.companies, 2.0 / 3.0),
            ],
            tally: Tally::default(),
            trace: Trace::default(),
            violations: Vec::new(),
        };
        sim.setup(start);
        sim.schedule(start, Event::Morning);
        sim
    }

    fn schedule(&mut self, at: Minute, event: Event) {
        self.queue
            .schedule(at, event.priority(), event)
            .expect("the engine never schedules into the past");
    }

    /// The reclaim timeout of `lead` in minutes: its customer level's when the policy sets
    /// timeouts by level, else `reclaim_timeout_hours`; `None` when it is never reclaimed.
    pub fn timeout_of(&self, lead: &Lead) -> Option<Minute> {
        let hours = match &self.policy.timeout_by_level {
            None => self.policy.reclaim_timeout_hours,
            Some(levels) if lead.crm_score >= self.level_cutoffs[1] => levels.a,
            Some(levels) if lead.crm_score >= self.level_cutoffs[0] => levels.b,
            Some(levels) => levels.c,
        };
        hours.value().map(|h| Minute::from(h) * crate::time::HOUR)
    }

    /// The office (index) rep `r` works from, which is also its territory.
    pub fn office_of(&self, r: RepId) -> u32 {
        self.world
            .territories
            .office_of_team(self.reps[r as usize].team)
    }

    /// The place of the office rep `r` works from: where its days start and end.
    pub fn home(&self, r: RepId) -> crate::world::Place {
        self.world.territories.offices[self.office_of(r) as usize]
    }

    /// The territory (office index) of `lead`'s company.
    pub fn territory_of(&self, lead: &Lead) -> u32 {
        self.world.territories.company_territory[lead.company as usize]
    }

    /// The current simulation time.
    pub fn now(&self) -> Minute {
        self.queue.now()
    }

    /// Events processed so far.
    pub fn events(&self) -> u64 {
        self.queue.popped()
    }

    /// The current working day.
    pub fn day(&self) -> u32 {
        self.day
    }

    /// The replication's world.
    pub fn world(&self) -> &World {
        self.world
    }

    /// The scenario being run.
    pub fn scenario(&self) -> &Scenario {
        self.sc
    }

    /// The policy being run.
    pub fn policy(&self) -> &Policy {
        self.policy
    }

    /// The calendar of working days.
    pub fn calendar(&self) -> Calendar {
        self.cal
    }

    /// Runs every event to the end of the horizon.
    pub fn run(&mut self) {
        while let Some((now, event)) = self.queue.pop() {
            self.dispatch(now, event);
        }
    }

    /// Runs the next event only; `false` once the horizon is over. An observation hook for
    /// tests that check the state between events (the private cap holds at every moment,
    /// not just at night); running `step` until it returns `false` is exactly [`Sim::run`].
    pub fn step(&mut self) -> bool {
        match self.queue.pop() {
            Some((now, event)) => {
                self.dispatch(now, event);
                true
            }
            None => false,
        }
    }

    /// Runs one event's handler.
    fn dispatch(&mut self, now: Minute, event: Event) {
        match event {
            Event::Morning => self.morning(now),
            Event::RepNext(r) => self.rep_next(r, now),
            Event::VisitEnd(r) => self.visit_end(r, now),
            Event::ColdEnd(r) => self.cold_end(r, now),
            Event::Back(r) => self.back(r, now),
            Event::Evening => self.evening(now),
            Event::RepDesk(r) => self.desk(r, now),
            Event::Night => self.night(now),
        }
    }

    /// The replication's results: metric values in `METRICS` order, per-rep and per-day
    /// records, and the new-hire ramp.
    pub fn result(&self) -> ReplicationResult {
        let reps = self.rep_records();
        let metrics = self.tally.metrics(self, &reps);
        debug_assert_eq!(metrics.len(), METRICS.len());
        ReplicationResult {
            metrics,
            reps,
            daily: self.tally.daily.clone(),
            ramp: self.ramp(),
        }
    }
}

/// The `q` quantile of the company propensity distribution (the 75th percentile marks good
/// leads; the thirds mark customer levels).
fn propensity_quantile(c: &crate::scenario::Companies, q: f64) -> f64 {
    use statrs::distribution::{Beta, ContinuousCDF};
    Beta::new(c.propensity_alpha, c.propensity_beta).map_or(f64::INFINITY, |b| b.inverse_cdf(q))
}

/// Runs replication `replication` of `variant`.
pub fn run_replication(
    scenario: &Scenario,
    variant: &Variant,
    replication: u32,
) -> ReplicationResult {
    run_with(
        scenario,
        variant,
        replication,
        SimOptions::default(),
        |_| (),
    )
    .0
}

/// Runs a replication with options and lets `inspect` look at the finished simulation. The
/// variant's own scenario is used when it has one, else `scenario`.
pub fn run_with<T>(
    scenario: &Scenario,
    variant: &Variant,
    replication: u32,
    options: SimOptions,
    inspect: impl FnOnce(&Sim) -> T,
) -> (ReplicationResult, T) {
    let world = replication_world(scenario, variant, replication);
    let mut sim = Sim::for_replication(scenario, variant, &world, replication, options);
    sim.run();
    (sim.result(), inspect(&sim))
}

/// The scenario replications of `variant` run in: its own when it changes keys outside
/// the policy (same seed), else `scenario`.
fn scenario_of<'a>(scenario: &'a Scenario, variant: &'a Variant) -> &'a Scenario {
    variant.scenario.as_deref().unwrap_or(scenario)
}

/// The world (city, companies, travel) of replication `replication` of `variant`.
pub fn replication_world(scenario: &Scenario, variant: &Variant, replication: u32) -> World {
    let scenario = scenario_of(scenario, variant);
    World::generate(scenario, &Seeds::new(scenario.seed, u64::from(replication)))
}

impl<'a> Sim<'a> {
    /// Replication `replication` of `variant`, ready to run in `world` (from
    /// [`replication_world`] for the same replication).
    pub fn for_replication(
        scenario: &'a Scenario,
        variant: &'a Variant,
        world: &'a World,
        replication: u32,
        options: SimOptions,
    ) -> Sim<'a> {
        let scenario = scenario_of(scenario, variant);
        let seeds = Seeds::new(scenario.seed, u64::from(replication));
        Sim::new(scenario, &variant.policy, world, seeds, options)
    }
}
