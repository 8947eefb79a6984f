//! When buying windows close: each lead's window end, filed by calendar day.
//!
//! Every lead created files its window end here, and each morning and night the engine
//! takes out the ends that have passed, in (end, lead id) order, and loses the leads still
//! open. A binary heap did the same at O(log n) per lead with a cache miss per level once
//! the horizon held a hundred thousand windows; filing by day costs O(1) per lead and one
//! sort of a day's few thousand ends, in the same order. Ends after the last moment the run
//! will ask about are not filed at all: they never come due, and a scenario with
//! year-long windows would otherwise keep a list for every day up to the latest end.

use super::lead::LeadId;
use crate::time::{DAY, Minute};
use std::collections::VecDeque;

/// Window ends by calendar day; see the module documentation.
#[derive(Debug, Clone)]
pub struct WindowEnds {
    /// Calendar day (minute / `DAY`, rounded down) of `days[0]`.
    first_day: i64,
    /// By calendar day from `first_day`: (end minute, lead) of the windows ending that day
    /// and not yet taken out, in filing order.
    days: VecDeque<Vec<(Minute, LeadId)>>,
    /// Emptied day lists kept for reuse, so filing does not allocate in a steady state.
    spare: Vec<Vec<(Minute, LeadId)>>,
    /// Ends filed and not yet taken out.
    len: usize,
    /// The latest `now` the run will take ends at; later ends are not filed.
    last_take: Minute,
}

impl WindowEnds {
    /// No window filed, for a run that takes ends at no moment after `last_take`.
    pub fn new(last_take: Minute) -> Self {
        WindowEnds {
            first_day: 0,
            days: VecDeque::new(),
            spare: Vec::new(),
            len: 0,
            last_take,
        }
    }

    /// Files the window of lead `id`, ending at minute `end` (unless that is after the
    /// run's last take: such a window never closes within it).
    pub fn push(&mut self, end: Minute, id: LeadId) {
        if end > self.last_take {
            return;
        }
        let day = end.div_euclid(DAY);
        if self.days.is_empty() {
            self.first_day = day;
        }
        while day < self.first_day {
            let list = self.spare.pop().unwrap_or_default();
            self.days.push_front(list);
            self.first_day -= 1;
        }
        let index = (day - self.first_day) as usize;
        while self.days.len() <= index {
            let list = self.spare.pop().unwrap_or_default();
            self.days.push_back(list);
        }
        self.days[index].push((end, id));
        self.len += 1;
    }

    /// Ends filed and not yet taken out.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no end is filed.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Moves every end at or before `now` into `due` (cleared first), sorted by (end, lead),
    /// the order a priority queue would give them. `now` must not be after `last_take`.
    pub fn take_due(&mut self, now: Minute, due: &mut Vec<(Minute, LeadId)>) {
        debug_assert!(now <= self.last_take, "{now} is after the last take");
        due.clear();
        let today = now.div_euclid(DAY);
        while self.first_day < today {
            let Some(mut list) = self.days.pop_front() else {
                break;
            };
            due.append(&mut list);
            self.spare.push(list);
            self.first_day += 1;
        }
        if self.days.is_empty() {
            self.first_day = today;
        } else if self.first_day == today {
            let list = &mut self.days[0];
            let before = due.len();
            due.extend(list.iter().filter(|&&(end, _)| end <= now));
            if due.len() > before {
                list.retain(|&(end, _)| end > now);
            }
        }
        self.len -= due.len();
        due.sort_unstable();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    #[test]
    fn ends_come_out_in_order_once_due() {
        let mut w = WindowEnds::new(10 * DAY);
        w.push(3 * DAY + 10, 7);
        w.push(10 * DAY + 1, 8); // never due in this run: not filed
        w.push(DAY + 5, 9);
        w.push(DAY + 5, 2);
        w.push(-DAY, 4);
        let mut due = Vec::new();
        w.take_due(DAY + 5, &mut due);
        assert_eq!(due, [(-DAY, 4), (DAY + 5, 2), (DAY + 5, 9)]);
        assert_eq!(w.len(), 1);
        w.take_due(3 * DAY + 9, &mut due);
        assert!(due.is_empty());
        w.take_due(10 * DAY, &mut due);
        assert_eq!(due, [(3 * DAY + 10, 7)]);
        assert!(w.is_empty());
    }

    #[test]
    fn ends_past_the_last_take_take_no_room() {
        let mut w = WindowEnds::new(DAY);
        for id in 0..1000 {
            w.push(100_000 * DAY + i64::from(id), id);
        }
        assert!(w.is_empty());
        assert!(
            w.days.is_empty(),
            "no day list for windows that never close"
        );
    }

    proptest! {
        /// Interleaved filing and taking out gives exactly what a min-heap gives.
        #[test]
        fn matches_a_priority_queue(
            steps in prop::collection::vec((any::<bool>(), -3 * DAY..40 * DAY), 1..300)
        ) {
            let mut w = WindowEnds::new(40 * DAY);
            let mut heap = BinaryHeap::new();
            let mut due = Vec::new();
            for (i, &(take, t)) in steps.iter().enumerate() {
                if take {
                    w.take_due(t, &mut due);
                    let mut expected = Vec::new();
                    while let Some(&Reverse((end, id))) = heap.peek() {
                        if end > t {
                            break;
                        }
                        heap.pop();
                        expected.push((end, id));
                    }
                    prop_assert_eq!(&due, &expected);
                } else {
                    w.push(t, i as LeadId);
                    heap.push(Reverse((t, i as LeadId)));
                }
                prop_assert_eq!(w.len(), heap.len());
            }
        }
    }
}
