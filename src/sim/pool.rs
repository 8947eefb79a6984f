//! The public pool: every unowned lead, indexed in the orders the policy needs.
//! Insert and remove cost O(log n) per index; reading the front is O(1) per lead read.

use super::lead::{Lead, LeadId};
use crate::scenario::PushOrder;
use std::collections::BTreeSet;

/// The sort key of a lead in an order: smaller comes first.
fn key(order: PushOrder, lead: &Lead) -> i64 {
    match order {
        PushOrder::Newest => -lead.created.get(),
        PushOrder::Oldest => lead.created.get(),
        // Non-negative floats order like their bit patterns.
        PushOrder::BestScored => -(lead.crm_score.max(0.0).to_bits() as i64),
    }
}

/// The public pool.
#[derive(Debug, Clone)]
pub struct PublicPool {
    indexes: Vec<(PushOrder, BTreeSet<(i64, LeadId)>)>,
}

impl PublicPool {
    /// A pool indexed in each of `orders` (duplicates are ignored).
    pub fn new(orders: &[PushOrder]) -> Self {
        let mut indexes: Vec<(PushOrder, BTreeSet<(i64, LeadId)>)> = Vec::new();
        for &o in orders {
            if !indexes.iter().any(|(p, _)| *p == o) {
                indexes.push((o, BTreeSet::new()));
            }
        }
        PublicPool { indexes }
    }

    /// Adds a lead.
    pub fn insert(&mut self, id: LeadId, lead: &Lead) {
        for (order, set) in &mut self.indexes {
            set.insert((key(*order, lead), id));
        }
    }

    /// Removes a lead; returns whether it was there.
    pub fn remove(&mut self, id: LeadId, lead: &Lead) -> bool {
        let mut found = false;
        for (order, set) in &mut self.indexes {
            found |= set.remove(&(key(*order, lead), id));
        }
        found
    }

    /// Leads in the pool.
    pub fn len(&self) -> usize {
        self.indexes.first().map_or(0, |(_, s)| s.len())
    }

    /// Whether every index holds the same leads (a consistency check for tests).
    pub fn indexes_agree(&self) -> bool {
        let mut sets = self.indexes.iter().map(|(_, s)| {
            let mut ids: Vec<LeadId> = s.iter().map(|&(_, id)| id).collect();
            ids.sort_unstable();
            ids
        });
        let first = sets.next().unwrap_or_default();
        sets.all(|s| s == first)
    }

    /// Whether the pool is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The pool's leads in `order`, best first. Panics if the pool was not built with that order.
    pub fn iter(&self, order: PushOrder) -> impl Iterator<Item = LeadId> + '_ {
        let (_, set) = self
            .indexes
            .iter()
            .find(|(o, _)| *o == order)
            .expect("pool indexed in this order");
        set.iter().map(|&(_, id)| id)
    }
}
