//! The evening: the team meeting, CRM entry and the audit, phone screening, the
//! disposition of contacted leads (keep privately or close), and desk research.

use super::lead::{
    ChanceAt, Draw, Holder, Lead, LeadId, Origin, RepId, draw_entity, judged_chance,
};
use super::stamp::Stamp;
use super::trace::{Activity, Detail, TraceRecord};
use super::{Event, Sim};
use crate::rng::{Source, pair, unit};
use crate::scenario::CallOrder;
use crate::time::{HOUR, Minute};

impl Sim<'_> {
    /// 19:00: the meeting has taught everyone a little; reps back at the office start their desk work.
    pub(super) fn evening(&mut self, now: Minute) {
        let weight = self.sc.skill.meeting_weight;
        for r in 0..self.reps.len() as RepId {
            let rep = &mut self.reps[r as usize];
            if !rep.active {
                continue;
            }
            rep.learn(weight, &self.sc.skill);
            if rep.today.returned {
                self.schedule(now, Event::RepDesk(r));
            }
        }
        self.schedule(self.cal.at(self.day, self.sc.day.desk_end), Event::Night);
    }

    /// Traces a stretch of desk work at the rep's office.
    fn note(
        &mut self,
        r: RepId,
        (start, end): (Minute, Minute),
        activity: Activity,
        detail: Detail,
    ) {
        if self.options.traces(r) && end > start {
            let day = self.reps[r as usize].today.day;
            let record = TraceRecord::at(r, day, (start, end), activity, self.home(r));
            self.trace.records.push(record.with_detail(detail));
        }
    }

    /// One rep's desk evening, from `now` (19:00, or later if the rep came back late).
    pub(super) fn desk(&mut self, r: RepId, now: Minute) {
        // The rep's own day: a rep back after the night event still does that day's desk work.
        let day = self.reps[r as usize].today.day;
        let quota = self.sc.day.visit_quota;
        let today = &self.reps[r as usize].today;
        let (visits, effective, cold) = (today.visits, today.effective, today.cold);
        self.tally.quota_days += u64::from(visits >= quota);
        self.tally.effective_quota_days += u64::from(effective >= self.sc.day.effective_quota);

        // CRM entry, the temptation to fake missing visits, and the audit.
        let mut rng = self
            .seeds
            .stream(Source::Integrity, pair(u64::from(r), u64::from(day)));
        let b = &self.sc.behaviour;
        let p_fake = b.fake_temptation * (-b.fake_deterrence * self.policy.audit_rate).exp();
        let fakes = (visits..quota).filter(|_| unit(&mut rng) < p_fake).count() as u64;
        let caught = (0..fakes)
            .filter(|_| unit(&mut rng) < self.policy.audit_rate)
            .count() as u64;
        self.tally.fake_entries += fakes;
        self.tally.fake_caught += caught;
        let dismissed = caught > 0 && self.policy.dismiss_caught_fakers;
        let entries = u64::from(visits + cold) + fakes;
        let mut t = now + entries as Minute * Minute::from(self.sc.desk.crm_entry_min);
        let crm = Detail::Crm {
            entries: entries as u32,
            fakes: fakes as u32,
            caught: caught as u32,
        };
        self.note(r, (now, t), Activity::CrmEntry, crm);

        // Phone screening until research time.
        let research_start =
            self.cal.at(day, self.sc.day.desk_end) - Minute::from(self.sc.desk.research_min);
        let calls_start = t;
        let call_min = Minute::from(self.sc.desk.call_min);
        let max_calls = ((research_start - t).max(0) / call_min) as usize;
        let tally = |s: &Self| {
            let t = &s.tally;
            [t.calls, t.calls_reached, t.appointments, t.closed]
        };
        let before = tally(self);
        for id in self.call_list(r, research_start, max_calls) {
            if t + call_min > research_start {
                break;
            }
            // An earlier call's swap may have returned this lead to the pool.
            if self.leads[id as usize].holder.rep() != Some(r) {
                continue;
            }
            t += call_min;
            self.call(r, id, t);
        }
        let after = tally(self);
        let delta = |k: usize| (after[k] - before[k]) as u32;
        let calls = Detail::Calls {
            made: delta(0),
            reached: delta(1),
            booked: delta(2),
            closed: delta(3),
        };
        self.note(r, (calls_start, t), Activity::Calls, calls);

        // Assigned leads the rep has followed up, without a booked visit: keep privately or close.
        let contacted: Vec<LeadId> = self.reps[r as usize]
            .assigned
            .iter()
            .filter(|&&held| {
                let lead = &self.leads[held];
                lead.followed_up() && lead.appointment_day != day + 1
            })
            .map(|held| held.id)
            .collect();
        for id in contacted {
            self.keep_or_close(r, id, t);
        }

        // Desk research: new leads for companies with no open lead.
        // A long CRM entry can push research later (the rep then works late).
        let research_at = research_start.max(t);
        let mut found = 0;
        for k in 0..self.sc.leads.desk_per_rep {
            let entity = crate::rng::mix64(pair(u64::from(r), u64::from(day))) ^ u64::from(k);
            let mut rng = self.seeds.stream(Source::Desk, entity);
            if let Some(company) = self.draw_free_company(&mut rng, research_at) {
                let id = self.create_lead(company, research_at, Origin::Desk);
                self.file_found_lead(r, id, research_at);
                found += 1;
            }
        }
        self.tally.desk_leads += found;
        let research_end = research_at + Minute::from(self.sc.desk.research_min);
        let research = Detail::Research {
            found: found as u32,
        };
        self.note(r, (research_at, research_end), Activity::Research, research);
        if dismissed {
            self.leave(r, research_end);
            self.tally.dismissals += 1;
        }
    }

    /// The evening's call list, best first.
    fn call_list(&self, r: RepId, at: Minute, max_calls: usize) -> Vec<LeadId> {
        let rep = &self.reps[r as usize];
        let day = rep.today.day;
        let f = &self.sc.funnel;
        let b = &self.sc.behaviour;
        let callable = |lead: &Lead| lead.last_visit_day != day && lead.appointment_day != day + 1;
        let clock = ChanceAt::new(f, at);
        let reclaim_at = |lead: &Lead| -> Option<Minute> {
            Some(lead.assigned_at.get() + self.timeout_of(lead)?)
        };
        let night = self.cal.at(day, self.sc.day.desk_end);
        let reminded = |lead: &Lead| match (self.policy.reminder_hours.value(), reclaim_at(lead)) {
            (Some(h), Some(due)) => due - Minute::from(h) * HOUR <= night,
            _ => false,
        };
        let mut scored: Vec<(bool, bool, f64, LeadId)> =
            Vec::with_capacity(rep.assigned.len() + rep.private.len());
        for &held in &rep.assigned {
            let lead = &self.leads[held];
            if !callable(lead) {
                continue;
            }
            let fresh = !lead.followed_up();
            let first = match b.call_order {
                CallOrder::AssignedFirst => fresh,
                CallOrder::ByChance => true,
            };
            let log_chance = clock.log_chance(lead);
            scored.push((first, fresh && reminded(lead), log_chance, held.id));
        }
        if b.call_private_leads {
            let first = b.call_order == CallOrder::ByChance;
            for &held in &rep.private {
                let lead = &self.leads[held];
                if callable(lead) {
                    scored.push((first, false, clock.log_chance(lead), held.id));
                }
            }
        }
        let best_first = |a: &(bool, bool, f64, LeadId), b: &(bool, bool, f64, LeadId)| {
            b.0.cmp(&a.0)
                .then(b.1.cmp(&a.1))
                .then(b.2.total_cmp(&a.2))
                .then(a.3.cmp(&b.3))
        };
        // Only as many as the evening has time to call need an order.
        if scored.len() > max_calls && max_calls > 0 {
            scored.select_nth_unstable_by(max_calls - 1, best_first);
            scored.truncate(max_calls);
        }
        scored.sort_by(best_first);
        scored.into_iter().map(|(_, _, _, id)| id).collect()
    }

    /// One screening call at `t`: may reach the decision-maker, then book, keep or close.
    fn call(&mut self, r: RepId, id: LeadId, t: Minute) {
        self.tally.calls += 1;
        let f = &self.sc.funnel;
        let lead = &mut self.leads[id as usize];
        if lead.window_end.get() <= t {
            self.lose(id, t, true);
            return;
        }
        let draw = draw_entity(lead.key, Draw::CallReach, lead.calls);
        lead.calls += 1;
        if self.seeds.unit(Source::Lead, draw) >= self.sc.desk.call_reach_prob {
            return;
        }
        self.tally.calls_reached += 1;
        lead.followed_up_at = Stamp::at(t);
        if lead.record_contact(f, t) && matches!(lead.origin, Origin::Marketing) {
            self.tally
                .first_contact_minutes
                .push(t - lead.created.get());
        }
        let chance = judged_chance(f, lead, t);
        let b = &self.sc.behaviour;
        let today = &mut self.reps[r as usize].today;
        if chance < b.close_below_chance {
            self.close(id, t);
        } else if chance >= b.book_min_chance && today.booked < b.book_max_per_evening {
            today.booked += 1;
            self.leads[id as usize].appointment_day = self.reps[r as usize].today.day + 1;
            self.tally.appointments += 1;
        } else if matches!(self.leads[id as usize].holder, Holder::Assigned(_)) {
            self.keep_private(r, id, t);
        }
    }

    /// A contacted lead the rep must decide on: close it if judged dead, else keep it privately.
    pub(super) fn keep_or_close(&mut self, r: RepId, id: LeadId, t: Minute) {
        if judged_chance(&self.sc.funnel, &self.leads[id as usize], t)
            < self.sc.behaviour.close_below_chance
        {
            self.close(id, t);
        } else {
            self.keep_private(r, id, t);
        }
    }
}
