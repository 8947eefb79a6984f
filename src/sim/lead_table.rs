//! The replication's leads, by id, with the storage of ended leads reused.
//!
//! Every lead ever created keeps its id (ids number leads in creation order and break
//! ties, so they must never change), but only open leads and leads that ended since the
//! last [`LeadTable::release_ended`] occupy a full [`Lead`]. An ended lead's slot goes
//! back to a free list at night, so memory follows the leads alive at once (the pool and
//! what reps hold) rather than every lead of the horizon: 4 bytes per lead ever created
//! plus one `Lead` per live lead. A national scenario creates tens of millions of leads
//! over a year; without this the table alone would need several GB.

use super::lead::{Lead, LeadId};
use std::ops::{Index, IndexMut};

/// `slot_of` entry of a lead whose storage was released.
const RELEASED: u32 = u32::MAX;

/// A lead as a rep's lists hold it: its id and the slot storing it. Reading a held lead
/// through this skips the `slot_of` lookup, a cache miss of its own once a run has created
/// millions of leads (rep scans read every held lead several times a day). A lead is held
/// only while it is open, so its slot cannot be released or reused meanwhile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeldLead {
    /// The lead's id.
    pub id: LeadId,
    slot: u32,
}

/// Leads by id; see the module documentation.
#[derive(Debug, Clone, Default)]
pub struct LeadTable {
    /// By lead id: its slot in `live`, or `RELEASED`.
    slot_of: Vec<u32>,
    /// The stored leads, in slot order.
    live: Vec<Lead>,
    /// By slot: the id of the lead stored there (meaningless for a free slot).
    id_of: Vec<LeadId>,
    /// Slots free for reuse, last freed first.
    free: Vec<u32>,
    /// Leads that ended and await release.
    ended: Vec<LeadId>,
}

impl LeadTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Stores a new lead; its id is the number of leads created before it.
    pub fn push(&mut self, lead: Lead) -> LeadId {
        let id = self.slot_of.len() as LeadId;
        let slot = match self.free.pop() {
            Some(slot) => {
                self.live[slot as usize] = lead;
                self.id_of[slot as usize] = id;
                slot
            }
            None => {
                self.live.push(lead);
                self.id_of.push(id);
                (self.live.len() - 1) as u32
            }
        };
        self.slot_of.push(slot);
        id
    }

    /// Leads ever created (the next lead's id).
    pub fn len(&self) -> usize {
        self.slot_of.len()
    }

    /// Whether no lead was ever created.
    pub fn is_empty(&self) -> bool {
        self.slot_of.is_empty()
    }

    /// Lead `id`, or `None` once its storage was released (it ended before the last
    /// release).
    pub fn get(&self, id: LeadId) -> Option<&Lead> {
        match self.slot_of.get(id as usize) {
            Some(&slot) if slot != RELEASED => Some(&self.live[slot as usize]),
            _ => None,
        }
    }

    /// Marks lead `id` as ended: its storage is released at the next `release_ended`.
    pub fn mark_ended(&mut self, id: LeadId) {
        self.ended.push(id);
    }

    /// Releases the storage of every lead marked ended since the last call.
    pub fn release_ended(&mut self) {
        for id in self.ended.drain(..) {
            let slot = std::mem::replace(&mut self.slot_of[id as usize], RELEASED);
            if slot != RELEASED {
                self.free.push(slot);
            }
        }
    }

    /// Every stored lead with its id, in id order.
    pub fn stored(&self) -> impl Iterator<Item = (LeadId, &Lead)> + '_ {
        self.slot_of
            .iter()
            .enumerate()
            .filter(|&(_, &slot)| slot != RELEASED)
            .map(|(id, &slot)| (id as LeadId, &self.live[slot as usize]))
    }

    /// Leads stored now (open, or ended and not yet released).
    pub fn stored_count(&self) -> usize {
        self.live.len() - self.free.len()
    }

    /// Where lead `id` is stored now, in `0..slots()`: an index for per-lead scratch data
    /// that lives no longer than the lead's storage. Panics once the storage was released.
    pub fn slot_index(&self, id: LeadId) -> usize {
        self.slot(id as usize)
    }

    /// Lead `id` as a rep's list holds it. Panics once the storage was released.
    pub fn held(&self, id: LeadId) -> HeldLead {
        HeldLead {
            id,
            slot: self.slot(id as usize) as u32,
        }
    }

    /// Whether `held` still names the slot storing its lead (a consistency check for tests).
    pub fn holds(&self, held: HeldLead) -> bool {
        self.slot_of.get(held.id as usize) == Some(&held.slot)
    }

    /// Slots in use or free: every `slot_index` is below this.
    pub fn slots(&self) -> usize {
        self.live.len()
    }

    fn slot(&self, id: usize) -> usize {
        let slot = self.slot_of[id];
        assert!(
            slot != RELEASED,
            "lead {id} ended and its storage was released; read it with `get`"
        );
        debug_assert_eq!(self.id_of[slot as usize] as usize, id);
        slot as usize
    }
}

impl Index<usize> for LeadTable {
    type Output = Lead;

    fn index(&self, id: usize) -> &Lead {
        &self.live[self.slot(id)]
    }
}

impl Index<HeldLead> for LeadTable {
    type Output = Lead;

    fn index(&self, held: HeldLead) -> &Lead {
        debug_assert!(self.holds(held), "{held:?} is stale");
        &self.live[held.slot as usize]
    }
}

impl IndexMut<usize> for LeadTable {
    fn index_mut(&mut self, id: usize) -> &mut Lead {
        let slot = self.slot(id);
        &mut self.live[slot]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::lead::Origin;
    use crate::world::{CompanyTraits, Place};

    fn lead(company: u32) -> Lead {
        let traits = CompanyTraits {
            propensity: 0.5,
            deal_value: 1.0,
            dm_in: 0.5,
            steps: 1,
        };
        Lead::new(company, Place::OFFICE, Origin::Marketing, 0, &traits)
    }

    #[test]
    fn ids_count_every_lead_and_released_slots_are_reused() {
        let mut t = LeadTable::new();
        let a = t.push(lead(10));
        let b = t.push(lead(11));
        assert_eq!((a, b), (0, 1));
        t.mark_ended(a);
        // Marked leads stay readable until the release.
        assert_eq!(t[a as usize].company, 10);
        t.release_ended();
        assert!(t.get(a).is_none());
        assert_eq!(t.get(b).map(|l| l.company), Some(11));
        let c = t.push(lead(12));
        assert_eq!(c, 2, "ids keep counting");
        assert_eq!(t.len(), 3);
        assert_eq!(t.stored_count(), 2, "the released slot was reused");
        assert_eq!(t[c as usize].company, 12);
        let stored: Vec<(LeadId, u32)> = t.stored().map(|(id, l)| (id, l.company)).collect();
        assert_eq!(stored, [(1, 11), (2, 12)]);
    }

    #[test]
    fn a_held_lead_reads_its_lead_until_its_slot_is_reused() {
        let mut t = LeadTable::new();
        let a = t.push(lead(10));
        let b = t.push(lead(11));
        let (held_a, held_b) = (t.held(a), t.held(b));
        assert_eq!(held_b.id, b);
        assert_eq!(t[held_a].company, 10);
        assert_eq!(t[held_b].company, 11);
        assert!(t.holds(held_a) && t.holds(held_b));
        t.mark_ended(a);
        t.release_ended();
        let c = t.push(lead(12));
        // The new lead took a's slot: a's old reference is stale and the check says so.
        assert_eq!(t.slot_index(c), held_a.slot as usize);
        assert!(!t.holds(held_a));
        assert!(t.holds(t.held(c)) && t.holds(held_b));
    }

    #[test]
    #[should_panic(expected = "lead 0 ended")]
    fn reading_a_released_lead_by_index_is_a_bug() {
        let mut t = LeadTable::new();
        let a = t.push(lead(1));
        t.mark_ended(a);
        t.release_ended();
        let _ = &t[a as usize];
    }
}
