//! Moving leads between the pool, reps' lists and their ends (won, lost, closed).

use super::lead::{
    ChanceAt, Draw, Holder, Lead, LeadId, Origin, RepId, draw_entity, lead_key, total_order_key,
};
use super::lead_table::HeldLead;
use super::stamp::Stamp;
use super::{CompanyGate, Sim};
use crate::rng::{Source, mix64};
use crate::scenario::Territory;
use crate::time::{DAY, HOUR, Minute};
use std::cmp::Reverse;

impl Sim<'_> {
    /// Whether a company may produce a new lead at `now`.
    pub(super) fn company_free(&self, company: u32, now: Minute) -> bool {
        self.company_gates[company as usize].open_at(now)
    }

    /// Creates a lead for `company` at `created` (not yet placed anywhere).
    pub(super) fn create_lead(&mut self, company: u32, created: Minute, origin: Origin) -> LeadId {
        self.company_gates[company as usize] = CompanyGate::SHUT;
        self.company_leads[company as usize] += 1;
        let traits = self.world.companies.draw(&self.seeds, company);
        let key = lead_key(company, created);
        // Exponential by inversion of the lead's own hashed uniform.
        let u = self
            .seeds
            .unit(Source::Lead, draw_entity(key, Draw::Window, 0));
        let window_days = -self.sc.funnel.window_mean_days * (1.0 - u).ln();
        let window_end = created + ((window_days * DAY as f64).round() as Minute).max(1);
        let score_noise = self.seeds.normal(Source::CrmScore, key);
        let place = self.world.city.company_place(company);
        let mut lead = Lead::new(company, place, origin, created, &traits);
        lead.window_end = Stamp::at(window_end);
        lead.crm_score = traits.propensity * (self.sc.leads.crm_score_sigma * score_noise).exp();
        debug_assert_eq!(lead.key, key);
        let id = self.leads.push(lead);
        self.windows.push(window_end, id);
        self.tally.leads_created += 1;
        id
    }

    /// Rep `r`'s judged propensity of a lead: true propensity × exp(σ·z), σ = base − per_skill·skill,
    /// with z fixed for the (rep, lead) pair.
    pub(super) fn judge(&self, r: RepId, lead: &Lead) -> f64 {
        let rep = &self.reps[r as usize];
        lead.propensity * (rep.judge_sigma(&self.sc.skill) * self.judgment_noise(r, lead)).exp()
    }

    /// The standard normal z of rep `r`'s judgment of `lead`, fixed for the pair.
    pub(super) fn judgment_noise(&self, r: RepId, lead: &Lead) -> f64 {
        self.seeds
            .normal(Source::Judgment, mix64(lead.key ^ u64::from(r)))
    }

    /// Whether lead `lead` is held back from rep `r` at `now`: the cooldown keeps it from the
    /// rep who returned it, the embargo from everyone, for a while after its return.
    pub(super) fn held_back(&self, lead: &Lead, r: RepId, now: Minute) -> bool {
        // A lead never returned (`NEVER`) has no return to be held back by.
        if !lead.returned_at.is_never() {
            let since_return = now - lead.returned_at.get();
            let p = self.policy;
            let cooldown = lead.returned_by == r
                && p.cooldown_days
                    .value()
                    .is_some_and(|d| since_return < Minute::from(d) * DAY);
            let embargo = p
                .embargo_hours
                .value()
                .is_some_and(|h| since_return < Minute::from(h) * HOUR);
            if cooldown || embargo {
                return true;
            }
        }
        self.outside_territory(lead, r)
    }

    /// Whether the territory rule keeps `lead` from rep `r`: under `strict`, a lead of
    /// another office's territory; under `overflow`, the same, except during the overflow
    /// pass for a lead whose territory overflows to `r`'s office.
    pub(super) fn outside_territory(&self, lead: &Lead, r: RepId) -> bool {
        let t = &self.world.territories;
        if self.policy.territory == Territory::None || t.offices.len() < 2 {
            return false;
        }
        let own = self.office_of(r);
        let of_lead = self.territory_of(lead);
        if of_lead == own {
            return false;
        }
        !(self.policy.territory == Territory::Overflow
            && self.overflow_pass
            && t.overflow_to[of_lead as usize] == own)
    }

    /// The private cap, if any.
    pub(super) fn private_cap(&self) -> Option<usize> {
        self.policy.private_cap.value().map(|c| c as usize)
    }

    /// Takes a lead out of wherever it sits (pool or a rep's list); its holder is left for the caller.
    fn detach(&mut self, id: LeadId) {
        let lead = &self.leads[id as usize];
        match lead.holder {
            Holder::Pool => {
                self.pool.remove(id, lead);
            }
            Holder::Assigned(r) => remove_held(&mut self.reps[r as usize].assigned, id),
            Holder::Private(r) => remove_held(&mut self.reps[r as usize].private, id),
            Holder::Won | Holder::Lost | Holder::Closed => {}
        }
    }

    /// Hands a pool lead to rep `r`'s assigned list (a push or a claim).
    pub(super) fn give(&mut self, r: RepId, id: LeadId, now: Minute) {
        self.detach(id);
        let judged = self.judge(r, &self.leads[id as usize]);
        let new_hire = self.reps[r as usize].is_new_hire(now, self.sc.org.new_hire_days);
        let lead = &mut self.leads[id as usize];
        lead.holder = Holder::Assigned(r);
        lead.assigned_at = Stamp::at(now);
        lead.pushed = true;
        lead.appointment_day = u32::MAX;
        lead.set_judged(&self.sc.funnel, judged);
        let quality = lead.propensity;
        let held = self.leads.held(id);
        let rep = &mut self.reps[r as usize];
        rep.assigned.push(held);
        rep.stats.leads_received += 1;
        rep.stats.quality_received += quality;
        self.tally.handed_out += 1;
        if self.territory_of(&self.leads[id as usize]) != self.office_of(r) {
            self.tally.handed_out_outside += 1;
        }
        self.tally.received[usize::from(new_hire)] += 1;
        self.tally.quality_received[usize::from(new_hire)] += quality;
        if quality >= self.good_threshold {
            self.tally.good_received[usize::from(new_hire)] += 1;
        }
    }

    /// Returns a held lead to the public pool; the cooldown starts for its last holder.
    pub(super) fn return_to_pool(&mut self, id: LeadId, now: Minute) {
        let holder = self.leads[id as usize].holder.rep();
        self.detach(id);
        let lead = &mut self.leads[id as usize];
        lead.holder = Holder::Pool;
        lead.appointment_day = u32::MAX;
        if let Some(r) = holder {
            lead.returned_by = r;
            lead.returned_at = Stamp::at(now);
        }
        self.pool.insert(id, &self.leads[id as usize]);
    }

    /// Rep `r` keeps a lead privately; with a full private pool the swap rule returns the
    /// worst-judged of the pool and the new lead (which may be the new lead itself).
    pub(super) fn keep_private(&mut self, r: RepId, id: LeadId, now: Minute) {
        if self.leads[id as usize].holder == Holder::Private(r) {
            return;
        }
        let full = self
            .private_cap()
            .is_some_and(|cap| self.reps[r as usize].private.len() >= cap);
        if full {
            let worst = if self.policy.swap_rule {
                // The lowest judged chance goes back, the lower id on a tie.
                let clock = ChanceAt::new(&self.sc.funnel, now);
                let rank = |held: HeldLead| {
                    (
                        total_order_key(clock.log_chance(&self.leads[held])),
                        held.id,
                    )
                };
                let private = &self.reps[r as usize].private;
                private
                    .iter()
                    .fold(rank(self.leads.held(id)), |worst, &l| worst.min(rank(l)))
                    .1
            } else {
                id
            };
            self.tally.swap_returns += 1;
            self.return_to_pool(worst, now);
            if worst == id {
                return;
            }
        }
        self.detach(id);
        let lead = &mut self.leads[id as usize];
        lead.holder = Holder::Private(r);
        lead.last_progress = Stamp::at(lead.last_progress.get().max(now));
        lead.kept_at = Stamp::at(now);
        let held = self.leads.held(id);
        self.reps[r as usize].private.push(held);
    }

    /// A lead the rep found itself goes private when there is room, else on its assigned list.
    pub(super) fn file_found_lead(&mut self, r: RepId, id: LeadId, now: Minute) {
        let judged = self.judge(r, &self.leads[id as usize]);
        let room = self
            .private_cap()
            .is_none_or(|cap| self.reps[r as usize].private.len() < cap);
        let held = self.leads.held(id);
        let lead = &mut self.leads[id as usize];
        lead.set_judged(&self.sc.funnel, judged);
        if room {
            lead.holder = Holder::Private(r);
            lead.last_progress = Stamp::at(now);
            lead.kept_at = Stamp::at(now);
            self.reps[r as usize].private.push(held);
        } else {
            lead.holder = Holder::Assigned(r);
            lead.assigned_at = Stamp::at(now);
            lead.pushed = false;
            self.reps[r as usize].assigned.push(held);
        }
    }

    fn end(&mut self, id: LeadId, holder: Holder, now: Minute) {
        self.detach(id);
        // A trace reads the leads of its days after the run, so tracing keeps them all.
        if !(self.options.trace || self.options.keep_ended_leads) {
            self.leads.mark_ended(id);
        }
        let lead = &mut self.leads[id as usize];
        lead.holder = holder;
        lead.appointment_day = u32::MAX;
        self.company_gates[lead.company as usize] = match holder {
            Holder::Won => CompanyGate::SHUT,
            _ => CompanyGate(Stamp::at(
                now + Minute::from(self.sc.companies.relead_after_days) * DAY,
            )),
        };
    }

    /// The rep closes a dead lead.
    pub(super) fn close(&mut self, id: LeadId, now: Minute) {
        self.tally.closed += 1;
        self.end(id, Holder::Closed, now);
    }

    /// The lead is lost: outright at a visit, or because its buying window closed.
    pub(super) fn lose(&mut self, id: LeadId, now: Minute, window_closed: bool) {
        let lead = &self.leads[id as usize];
        if window_closed {
            self.tally.lost_window += 1;
            if !lead.contacted() {
                self.tally.expired_uncontacted += 1;
            }
        } else {
            self.tally.lost_outright += 1;
        }
        self.end(id, Holder::Lost, now);
    }

    /// Rep `r` wins the lead at `now`; its cash may follow.
    pub(super) fn win(&mut self, r: RepId, id: LeadId, now: Minute) {
        let new_hire = self.reps[r as usize].is_new_hire(now, self.sc.org.new_hire_days);
        self.end(id, Holder::Won, now);
        let f = &self.sc.funnel;
        let lead = &mut self.leads[id as usize];
        lead.won_at = Stamp::at(now);
        let value = lead.deal_value;
        self.tally.won += 1;
        self.tally.revenue += value;
        self.tally.wins_by_status[usize::from(new_hire)] += 1;
        self.tally.lead_to_win_minutes += (now - lead.created.get()) as f64;
        let key = lead.key;
        if self
            .seeds
            .unit(Source::Lead, draw_entity(key, Draw::Payment, 0))
            < f.payment_prob
        {
            let span = f.payment_max_days - f.payment_min_days;
            let u = self
                .seeds
                .unit(Source::Lead, draw_entity(key, Draw::PaymentDay, 0));
            let days = f.payment_min_days + (u * f64::from(span + 1)).floor() as u32;
            self.payments.push(Reverse((
                now + Minute::from(days.min(f.payment_max_days)) * DAY,
                id,
                value.to_bits(),
            )));
        }
        let rep = &mut self.reps[r as usize];
        rep.win_times.push(now);
        rep.stats.wins += 1;
        rep.stats.revenue += value;
    }
}

impl Sim<'_> {
    /// Rep `r` leaves the company; its leads go back to the pool.
    pub(super) fn leave(&mut self, r: RepId, now: Minute) {
        let rep = &self.reps[r as usize];
        let held: Vec<LeadId> = rep
            .assigned
            .iter()
            .chain(&rep.private)
            .map(|h| h.id)
            .collect();
        for id in held {
            self.return_to_pool(id, now);
        }
        let rep = &mut self.reps[r as usize];
        rep.active = false;
        rep.left_at = now;
    }
}

/// Removes lead `id` from a rep's list, keeping the order of the rest.
fn remove_held(list: &mut Vec<HeldLead>, id: LeadId) {
    if let Some(pos) = list.iter().position(|held| held.id == id) {
        list.remove(pos);
    }
}
