//! Checks of what must always hold at the end of a day; used by tests.

use super::Sim;
use super::lead::{Holder, LeadId};
use super::lead_table::HeldLead;
use crate::time::{HOUR, Minute};

impl Sim<'_> {
    /// Every broken invariant at `now` (the end of a working day), in words.
    pub fn check_invariants(&self, now: Minute) -> Vec<String> {
        let mut problems = Vec::new();
        let mut seen = vec![0u8; self.leads.len()];
        let mut place = |id: LeadId, expect: Holder, problems: &mut Vec<String>| {
            seen[id as usize] += 1;
            let actual = self.leads[id as usize].holder;
            if actual != expect {
                problems.push(format!(
                    "lead {id} is listed as {expect:?} but says {actual:?}"
                ));
            }
        };
        if !self.pool.indexes_agree() {
            problems.push("the pool's indexes disagree".into());
        }
        let pooled: Vec<LeadId> = self.pool_ids();
        for id in pooled {
            place(id, Holder::Pool, &mut problems);
        }
        let cap = self.private_cap();
        for rep in &self.reps {
            if !rep.active && rep.held() > 0 {
                problems.push(format!(
                    "rep {} left but holds {} leads",
                    rep.id,
                    rep.held()
                ));
            }
            for &held in rep.assigned.iter().chain(&rep.private) {
                if !self.leads.holds(held) {
                    problems.push(format!("rep {} lists {held:?} at a stale slot", rep.id));
                }
            }
            for &HeldLead { id, .. } in &rep.assigned {
                place(id, Holder::Assigned(rep.id), &mut problems);
                let lead = &self.leads[id as usize];
                if let Some(limit) = self.timeout_of(lead)
                    && !lead.followed_up()
                    && now - lead.assigned_at.get() > limit
                {
                    problems.push(format!(
                        "lead {id} untouched for {} h is still assigned to rep {}",
                        (now - lead.assigned_at.get()) / HOUR,
                        rep.id
                    ));
                }
            }
            for &HeldLead { id, .. } in &rep.private {
                place(id, Holder::Private(rep.id), &mut problems);
            }
            if let Some(cap) = cap
                && rep.private.len() > cap
            {
                problems.push(format!(
                    "rep {} holds {} private leads over the cap of {cap}",
                    rep.id,
                    rep.private.len()
                ));
            }
        }
        for (id, lead) in self.leads.stored() {
            let listed = seen[id as usize];
            let open = lead.holder.is_open();
            if open && listed != 1 {
                problems.push(format!(
                    "open lead {id} ({:?}) is listed {listed} times",
                    lead.holder
                ));
            }
            if !open && listed != 0 {
                problems.push(format!(
                    "ended lead {id} ({:?}) is still listed",
                    lead.holder
                ));
            }
            if open && lead.window_end.get() <= now - crate::time::DAY {
                problems.push(format!("lead {id} is open a day after its window closed"));
            }
        }
        problems
    }

    fn pool_ids(&self) -> Vec<LeadId> {
        let order = if self.policy.assignment == crate::scenario::Assignment::SelfClaim {
            crate::scenario::PushOrder::Newest
        } else {
            self.policy.push_order
        };
        self.pool.iter(order).collect()
    }
}
