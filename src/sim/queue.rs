//! The event queue: events ordered by (integer minute, priority, insertion sequence).
//!
//! Equal times are broken by priority and then by insertion order (FIFO ties, as in SimPy
//! and nexosim), so the order of events never depends on anything but the model.
//! Push and pop cost O(log n).

use crate::time::Minute;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// An event waiting in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Entry<E> {
    time: Minute,
    priority: u8,
    sequence: u64,
    event: E,
}

/// Why an event could not be scheduled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cannot schedule an event at minute {at}: the clock is already at minute {now}")]
pub struct PastEvent {
    /// The requested time.
    pub at: Minute,
    /// The current time.
    pub now: Minute,
}

/// A priority queue of events with a clock that never goes backwards.
#[derive(Debug, Clone)]
pub struct EventQueue<E: Ord> {
    heap: BinaryHeap<Reverse<Entry<E>>>,
    sequence: u64,
    now: Minute,
    popped: u64,
}

impl<E: Ord + Copy> EventQueue<E> {
    /// An empty queue whose clock starts at `start`.
    pub fn new(start: Minute) -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            sequence: 0,
            now: start,
            popped: 0,
        }
    }

    /// The current time: the time of the last event popped.
    pub fn now(&self) -> Minute {
        self.now
    }

    /// Schedules `event` at `time` with `priority` (lower runs first at equal times).
    /// Scheduling into the past is an error.
    pub fn schedule(&mut self, time: Minute, priority: u8, event: E) -> Result<(), PastEvent> {
        if time < self.now {
            return Err(PastEvent {
                at: time,
                now: self.now,
            });
        }
        self.heap.push(Reverse(Entry {
            time,
            priority,
            sequence: self.sequence,
            event,
        }));
        self.sequence += 1;
        Ok(())
    }

    /// Removes the next event and advances the clock to its time.
    pub fn pop(&mut self) -> Option<(Minute, E)> {
        let Reverse(entry) = self.heap.pop()?;
        self.now = entry.time;
        self.popped += 1;
        Some((entry.time, entry.event))
    }

    /// Events popped so far: the events processed.
    pub fn popped(&self) -> u64 {
        self.popped
    }

    /// Events waiting.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether no event waits.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_by_time_then_priority_then_insertion() {
        let mut q = EventQueue::new(0);
        q.schedule(10, 1, 'c').unwrap();
        q.schedule(10, 0, 'b').unwrap();
        q.schedule(5, 9, 'a').unwrap();
        q.schedule(10, 1, 'd').unwrap();
        let order: Vec<char> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, ['a', 'b', 'c', 'd']);
        assert_eq!(q.now(), 10);
    }

    #[test]
    fn refuses_the_past() {
        let mut q = EventQueue::new(0);
        q.schedule(10, 0, 1).unwrap();
        q.pop();
        assert_eq!(q.schedule(9, 0, 2), Err(PastEvent { at: 9, now: 10 }));
        assert!(q.schedule(10, 0, 3).is_ok());
    }

    #[test]
    fn counts_pops() {
        let mut q = EventQueue::new(0);
        assert_eq!(q.popped(), 0);
        for t in 0..5 {
            q.schedule(t, 0, t).unwrap();
        }
        q.pop();
        q.pop();
        assert_eq!(q.popped(), 2);
        q.schedule(7, 0, 9).unwrap();
        while q.pop().is_some() {}
        assert_eq!(q.popped(), 6);
        // Popping an empty queue processes nothing.
        assert!(q.pop().is_none());
        assert_eq!(q.popped(), 6);
    }
}
