//! The state at the start: the reps already employed and the stock of leads.

use super::Sim;
use super::lead::{Holder, LeadId, Origin};
use super::rep::Rep;
use super::stamp::Stamp;
use crate::rng::{Source, Stream, pair, unit};
use crate::time::{DAY, Minute};
use rand_distr::{Distribution, Normal};

/// Average calendar days in a month.
const DAYS_PER_MONTH: f64 = 30.44;

impl Sim<'_> {
    /// Puts the starting reps and the starting stock of leads in place.
    pub(super) fn setup(&mut self, start: Minute) {
        let org = &self.sc.org;
        let total = org.veterans + org.new_hires;
        for id in 0..total {
            let mut rng = self.seeds.stream(Source::Rep, u64::from(id));
            let (low, high, per_day) = if id < org.veterans {
                (
                    org.veteran_tenure_min_months,
                    org.veteran_tenure_max_months,
                    org.experience_per_tenure_day,
                )
            } else {
                (
                    0.0,
                    org.new_hire_tenure_max_months,
                    org.new_hire_experience_per_tenure_day,
                )
            };
            let months = low + unit(&mut rng) * (high - low);
            let tenure_days = months * DAYS_PER_MONTH;
            let working_days =
                tenure_days * f64::from(self.sc.calendar.working_days_per_week) / 7.0;
            let hired_at = start - (tenure_days * DAY as f64).round() as Minute;
            self.add_rep(id % org.teams, hired_at, working_days * per_day, &mut rng);
        }
        self.initial_stock(start);
        self.close_windows(start);
    }

    /// Adds a rep with traits drawn from `rng`.
    pub(super) fn add_rep(
        &mut self,
        team: u32,
        hired_at: Minute,
        experience: f64,
        rng: &mut Stream,
    ) -> u32 {
        let k = &self.sc.skill;
        let start = Normal::new(k.start_mean, k.start_sd)
            .expect("validated")
            .sample(rng)
            .clamp(0.01, 1.0);
        let ceiling = Normal::new(k.ceiling_mean, k.ceiling_sd)
            .expect("validated")
            .sample(rng)
            .clamp(start, 1.0);
        let id = self.reps.len() as u32;
        self.reps
            .push(Rep::new(id, team, hired_at, start, ceiling, experience, k));
        id
    }

    /// A company with no open lead, drawn uniformly by rejection (`None` after many misses).
    pub(super) fn draw_free_company(&self, rng: &mut Stream, now: Minute) -> Option<u32> {
        self.draw_company(rng, |c| self.company_free(c, now))
    }

    /// A company passing `wanted`, drawn uniformly by rejection (`None` after many misses).
    pub(super) fn draw_company(
        &self,
        rng: &mut Stream,
        wanted: impl Fn(u32) -> bool,
    ) -> Option<u32> {
        let n = self.world.city.companies();
        (0..256)
            .map(|_| ((unit(rng) * f64::from(n)) as u32).min(n - 1))
            .find(|&c| wanted(c))
    }

    fn initial_stock(&mut self, start: Minute) {
        // Each lead of the stock has its own stream, so a variant that places fewer leads
        // (a smaller cap) shares every other lead with the rest.
        let span = Minute::from(self.sc.leads.initial_pool_days) * DAY;
        for k in 0..self.sc.leads.initial_pool_days * self.sc.leads.marketing_per_day {
            let mut rng = self
                .seeds
                .stream(Source::InitialStock, pair(0, u64::from(k)));
            let created = start - 1 - (unit(&mut rng) * span as f64) as Minute;
            if let Some(company) = self.draw_free_company(&mut rng, start) {
                let id = self.create_lead(company, created, Origin::Initial);
                self.pool.insert(id, &self.leads[id as usize]);
            }
        }
        // At most half the cap (MODEL.md section 9), the key's number without one.
        let wanted = self.sc.org.veteran_initial_private as usize;
        let per_veteran = self.private_cap().map_or(wanted, |cap| wanted.min(cap / 2));
        for r in 0..self.sc.org.veterans {
            for k in 0..per_veteran {
                let mut rng = self
                    .seeds
                    .stream(Source::InitialStock, pair(u64::from(r) + 1, k as u64));
                let age = DAY + (unit(&mut rng) * 29.0 * DAY as f64) as Minute;
                let created = start - age;
                let Some(company) = self.draw_free_company(&mut rng, start) else {
                    continue;
                };
                let id: LeadId = self.create_lead(company, created, Origin::Initial);
                let first = created + ((unit(&mut rng) * DAY.min(age) as f64) as Minute);
                let last = first + ((unit(&mut rng) * (start - first) as f64) as Minute);
                let judged = self.judge(r, &self.leads[id as usize]);
                let lead = &mut self.leads[id as usize];
                lead.record_contact(&self.sc.funnel, first);
                lead.record_contact(&self.sc.funnel, last);
                lead.last_progress = Stamp::at(last);
                lead.set_judged(&self.sc.funnel, judged);
                lead.holder = Holder::Private(r);
                lead.kept_at = Stamp::at(first);
                let held = self.leads.held(id);
                self.reps[r as usize].private.push(held);
            }
        }
    }
}
