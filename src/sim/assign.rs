//! The morning hand-out: the CRM's push under each assignment rule, or reps' self-claiming.

use super::Sim;
use super::lead::{LeadId, RepId, judged_clears, log_timing};
use crate::rng::{Source, pair, unit};
use crate::scenario::{Assignment, PushMode, PushOrder, Territory, TieBreak};
use crate::time::{DAY, Minute};
use rand::seq::SliceRandom;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

impl Sim<'_> {
    pub(super) fn assign(&mut self, now: Minute) {
        let active: Vec<RepId> = self
            .reps
            .iter()
            .filter(|r| r.active)
            .map(|r| r.id)
            .collect();
        if active.is_empty() {
            return;
        }
        let overflow = self.policy.territory == Territory::Overflow
            && self.world.territories.offices.len() > 1;
        if self.policy.assignment == Assignment::SelfClaim {
            // Claimers see their own territory and the one that overflows to them at once.
            self.overflow_pass = overflow;
            self.self_claim(&active, now);
            self.overflow_pass = false;
            return;
        }
        // Performance and capacity weighting scale each rep's daily target by its weight over
        // the mean weight of active reps, so better performers (or fuller capacities) get
        // more of the day's push.
        let weights: Vec<f64> = match self.policy.assignment {
            Assignment::PerformanceWeighted => {
                let since = now - Minute::from(self.policy.performance_window_days) * DAY;
                self.reps
                    .iter()
                    .map(|r| 1.0 + r.wins_since(since) as f64)
                    .collect()
            }
            Assignment::CapacityWeighted => {
                let ramp = Minute::from(self.sc.org.new_hire_days.max(1)) * DAY;
                let start = self.policy.new_hire_capacity;
                self.reps
                    .iter()
                    .map(|r| {
                        let tenure = (now - r.hired_at).clamp(0, ramp) as f64 / ramp as f64;
                        start + (1.0 - start) * tenure
                    })
                    .collect()
            }
            _ => vec![1.0; self.reps.len()],
        };
        let mean_weight =
            active.iter().map(|&r| weights[r as usize]).sum::<f64>() / active.len() as f64;
        let needs = self.push_needs(|r| weights[r as usize] / mean_weight);
        let rotated = self.serving_order(&active);
        if !overflow {
            self.deal(&rotated, &needs, &weights, now);
            return;
        }
        // Territory overflow: each rep's own territory first, then what is short from the
        // territory that overflows to its office.
        let before: Vec<usize> = self.reps.iter().map(|r| r.assigned.len()).collect();
        self.deal(&rotated, &needs, &weights, now);
        let short: Vec<usize> = needs
            .iter()
            .zip(&self.reps)
            .zip(&before)
            .map(|((&need, rep), &b)| need.saturating_sub(rep.assigned.len() - b))
            .collect();
        self.overflow_pass = true;
        self.deal(&rotated, &short, &weights, now);
        self.overflow_pass = false;
    }

    /// Deals the pool under the push rule: `needs` leads wanted per rep id, `weights` per
    /// rep id for the weighted rules, reps in `rotated` serving order.
    fn deal(&mut self, rotated: &[RepId], needs: &[usize], weights: &[f64], now: Minute) {
        let order = self.policy.push_order;
        match self.policy.assignment {
            Assignment::RoundRobin => {
                self.deal_weighted(rotated, needs, |_| 1.0, |_| 0.0, order, now)
            }
            Assignment::PerformanceWeighted | Assignment::CapacityWeighted => {
                self.deal_weighted(rotated, needs, |r| weights[r as usize], |_| 0.0, order, now)
            }
            Assignment::NewHirePriority => {
                let new_hire =
                    |r: &RepId| self.reps[*r as usize].is_new_hire(now, self.sc.org.new_hire_days);
                let (first, rest): (Vec<RepId>, Vec<RepId>) =
                    rotated.iter().copied().partition(new_hire);
                self.deal_weighted(&first, needs, |_| 1.0, |_| 0.0, PushOrder::BestScored, now);
                self.deal_weighted(&rest, needs, |_| 1.0, |_| 0.0, order, now);
            }
            Assignment::EqualQualityMix => self.deal_snake(rotated, needs, now),
            Assignment::Random => self.deal_random(rotated, needs, order, now),
            Assignment::LeastLoaded => {
                let held: Vec<f64> = self.reps.iter().map(|r| r.held() as f64).collect();
                self.deal_weighted(rotated, needs, |_| 1.0, |r| held[r as usize], order, now)
            }
            Assignment::SelfClaim => unreachable!("handled above"),
        }
    }

    /// The order reps are served in among equals (`policy.tie_break`).
    pub(super) fn serving_order(&self, active: &[RepId]) -> Vec<RepId> {
        let mut order = active.to_vec();
        match self.policy.tie_break {
            TieBreak::Rotate => order.rotate_left(self.day as usize % active.len()),
            TieBreak::Seniority => order.sort_by_key(|&r| (self.reps[r as usize].hired_at, r)),
            TieBreak::Random => {
                let mut rng = self
                    .seeds
                    .stream(Source::Assignment, pair(u64::from(self.day), 2));
                order.shuffle(&mut rng);
            }
        }
        order
    }

    /// Each rep's number of leads wanted today, indexed by rep id: a target uniform in
    /// push_min..=push_max (drawn for every rep id, so variants share it) times the rep's
    /// `scale`, topped up or added.
    fn push_needs(&self, scale: impl Fn(RepId) -> f64) -> Vec<usize> {
        let p = self.policy;
        let mut rng = self
            .seeds
            .stream(Source::Assignment, pair(u64::from(self.day), 0));
        self.reps
            .iter()
            .map(|rep| {
                let target = p.push_min as usize
                    + (unit(&mut rng) * f64::from(p.push_max - p.push_min + 1)) as usize;
                let target = target.min(p.push_max as usize);
                let target = (target as f64 * scale(rep.id)).round() as usize;
                match (rep.active, p.push_mode) {
                    (false, _) => 0,
                    (true, PushMode::TopUp) => target.saturating_sub(rep.assigned.len()),
                    (true, PushMode::Add) => target,
                }
            })
            .collect()
    }

    /// The first pool lead in `order` that rep `r` may receive (the cooldown may block some).
    fn first_eligible(&self, order: PushOrder, r: RepId, now: Minute) -> Option<LeadId> {
        self.pool
            .iter(order)
            .find(|&id| !self.held_back(&self.leads[id as usize], r, now))
    }

    /// Deals one lead at a time to the rep with the least (load + leads received) per unit of
    /// weight (stride scheduling): equal weights and no load make this round robin in `reps`
    /// order; a load of leads held makes it least-loaded.
    fn deal_weighted(
        &mut self,
        reps: &[RepId],
        needs: &[usize],
        weight: impl Fn(RepId) -> f64,
        load: impl Fn(RepId) -> f64,
        order: PushOrder,
        now: Minute,
    ) {
        let mut heap: BinaryHeap<Reverse<(u64, usize, RepId, usize)>> = BinaryHeap::new();
        let stride = |r: RepId, given: usize| {
            ((load(r) + given as f64 + 1.0) / weight(r).max(1e-9) * 1e6) as u64
        };
        for (pos, &r) in reps.iter().enumerate() {
            if needs[r as usize] > 0 {
                heap.push(Reverse((stride(r, 0), pos, r, 0)));
            }
        }
        while let Some(Reverse((_, pos, r, given))) = heap.pop() {
            let Some(id) = self.first_eligible(order, r, now) else {
                continue;
            };
            self.give(r, id, now);
            if given + 1 < needs[r as usize] {
                heap.push(Reverse((stride(r, given + 1), pos, r, given + 1)));
            }
        }
    }

    /// Deals best-scored leads in snake order (forward, then backward) so that every rep
    /// gets a similar mix of quality.
    fn deal_snake(&mut self, reps: &[RepId], needs: &[usize], now: Minute) {
        let mut given = vec![0usize; self.reps.len()];
        let mut round = 0usize;
        loop {
            let mut dealt = false;
            let forward = round.is_multiple_of(2);
            for k in 0..reps.len() {
                let r = if forward {
                    reps[k]
                } else {
                    reps[reps.len() - 1 - k]
                };
                if given[r as usize] >= needs[r as usize] {
                    continue;
                }
                if let Some(id) = self.first_eligible(PushOrder::BestScored, r, now) {
                    self.give(r, id, now);
                    given[r as usize] += 1;
                    dealt = true;
                }
            }
            if !dealt {
                return;
            }
            round += 1;
        }
    }

    /// Each lead, in pool order, goes to a rep drawn at random among those still short.
    fn deal_random(&mut self, reps: &[RepId], needs: &[usize], order: PushOrder, now: Minute) {
        let mut rng = self
            .seeds
            .stream(Source::Assignment, pair(u64::from(self.day), 1));
        let mut open: Vec<(RepId, usize)> = reps
            .iter()
            .map(|&r| (r, needs[r as usize]))
            .filter(|&(_, n)| n > 0)
            .collect();
        let candidates: Vec<LeadId> = self
            .pool
            .iter(order)
            .take(open.iter().map(|&(_, n)| n).sum::<usize>() * 2 + 64)
            .collect();
        for id in candidates {
            if open.is_empty() {
                return;
            }
            let k = ((unit(&mut rng) * open.len() as f64) as usize).min(open.len() - 1);
            let r = open[k].0;
            if self.held_back(&self.leads[id as usize], r, now) {
                continue;
            }
            self.give(r, id, now);
            open[k].1 -= 1;
            if open[k].1 == 0 {
                open.swap_remove(k);
            }
        }
    }

    /// Reps claim from the pool themselves, quicker and better-judging first: each looks at
    /// the newest `claim_browse` leads it may take and claims those it judges worth having,
    /// up to its appetite and the claim limit.
    fn self_claim(&mut self, active: &[RepId], now: Minute) {
        let mut order = active.to_vec();
        order.sort_by(|&a, &b| {
            self.reps[b as usize]
                .skill
                .total_cmp(&self.reps[a as usize].skill)
                .then(a.cmp(&b))
        });
        let b = &self.sc.behaviour;
        let limit = self
            .policy
            .claim_limit
            .value()
            .map_or(usize::MAX, |l| l as usize)
            .min(self.policy.claim_appetite as usize);
        let threshold = b.claim_min_chance.ln();
        // By lead slot: (ln propensity, ln timing) of a lead some rep looked at this
        // morning (NaN: not yet). Every rep browses the same newest leads at the same
        // minute, so each is worked out once; slots stay put while leads are only claimed.
        let mut seen = std::mem::take(&mut self.claim_scratch);
        seen.clear();
        seen.resize(self.leads.slots(), (f64::NAN, f64::NAN));
        for r in order {
            if limit == 0 {
                break;
            }
            let sigma = self.reps[r as usize].judge_sigma(&self.sc.skill);
            let mut wanted = Vec::new();
            for id in self
                .pool
                .iter(PushOrder::Newest)
                .filter(|&id| !self.held_back(&self.leads[id as usize], r, now))
                .take(b.claim_browse as usize)
            {
                let lead = &self.leads[id as usize];
                let memo = &mut seen[self.leads.slot_index(id)];
                if memo.0.is_nan() {
                    *memo = (lead.propensity.ln(), log_timing(&self.sc.funnel, lead, now));
                }
                let (ln_propensity, timing) = *memo;
                let sigma_z = sigma * self.judgment_noise(r, lead);
                if judged_clears(lead.propensity, ln_propensity, sigma_z, timing, threshold) {
                    wanted.push(id);
                    if wanted.len() >= limit {
                        break;
                    }
                }
            }
            for id in wanted {
                self.give(r, id, now);
            }
        }
        self.claim_scratch = seen;
    }
}
