//! The night: timeout and stale reclaims, closed buying windows, payments, and the next morning.

use super::lead::{Lead, LeadId};
use super::lead_table::HeldLead;
use super::{Event, Sim};
use crate::time::{DAY, Minute};
use std::cmp::Reverse;

impl Sim<'_> {
    pub(super) fn night(&mut self, now: Minute) {
        self.reclaim(now);
        self.close_windows(now);
        while let Some(&Reverse((at, _, value))) = self.payments.peek() {
            if at > now {
                break;
            }
            self.payments.pop();
            self.tally.cash += f64::from_bits(value);
        }
        self.record_day();
        if self.options.check_invariants {
            let problems = self.check_invariants(now);
            self.violations.extend(
                problems
                    .into_iter()
                    .map(|p| format!("day {}: {p}", self.day)),
            );
        }
        self.leads.release_ended();
        self.day += 1;
        if self.day < self.sc.calendar.days {
            self.schedule(
                self.cal.at(self.day, self.sc.day.office_open),
                Event::Morning,
            );
        }
    }

    /// Leads whose buying window has closed by `now` are lost, wherever they are.
    pub(super) fn close_windows(&mut self, now: Minute) {
        let mut due = std::mem::take(&mut self.windows_due);
        self.windows.take_due(now, &mut due);
        for &(end, id) in &due {
            if self.leads.get(id).is_some_and(|l| l.holder.is_open()) {
                self.lose(id, end.max(now - DAY), true);
            }
        }
        self.windows_due = due;
    }

    /// Assigned leads not contacted within the timeout, and private leads without progress
    /// for the stale period, go back to the pool (checked at the end of each working day).
    pub(super) fn reclaim(&mut self, now: Minute) {
        let stale = self
            .policy
            .stale_private_days
            .value()
            .map(|d| Minute::from(d) * DAY);
        let deal_deadline = self
            .policy
            .private_max_days
            .value()
            .map(|d| Minute::from(d) * DAY);
        for r in 0..self.reps.len() {
            let due = self.leads_where(&self.reps[r].assigned, |lead| {
                !lead.followed_up()
                    && self
                        .timeout_of(lead)
                        .is_some_and(|limit| now - lead.assigned_at.get() > limit)
            });
            self.tally.timeout_reclaims += due.len() as u64;
            self.tally.pushed_timeout_reclaims += due
                .iter()
                .filter(|&&id| self.leads[id as usize].pushed)
                .count() as u64;
            due.into_iter().for_each(|id| self.return_to_pool(id, now));
            if stale.is_some() || deal_deadline.is_some() {
                let exempt = self.policy.exempt_open_deals;
                let due = self.leads_where(&self.reps[r].private, |lead| {
                    let overdue = stale.is_some_and(|limit| now - lead.last_progress.get() > limit)
                        || deal_deadline.is_some_and(|limit| now - lead.kept_at.get() > limit);
                    overdue && !(exempt && lead.steps_done > 0)
                });
                self.tally.stale_reclaims += due.len() as u64;
                due.into_iter().for_each(|id| self.return_to_pool(id, now));
            }
        }
    }

    /// The leads of `list` that satisfy `test`, in list order.
    fn leads_where(&self, list: &[HeldLead], test: impl Fn(&Lead) -> bool) -> Vec<LeadId> {
        list.iter()
            .filter(|&&held| test(&self.leads[held]))
            .map(|held| held.id)
            .collect()
    }
}
