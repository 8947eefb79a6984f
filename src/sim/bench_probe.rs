//! Thin handles on the engine's internal steps for the criterion benches in `benches/`:
//! step a replication event by event to a given morning or night, run that handler alone,
//! copy the state to run it again, and plan every rep's day without changing anything.
//!
//! Not part of the API (hidden from the docs). Nothing here changes what the engine does:
//! stepping processes the same events, in the same order, as [`Sim::run`].

#![doc(hidden)]

use super::{Event, Sim};
use crate::time::Minute;

impl<'a> Sim<'a> {
    /// Processes events up to the morning of working day `day`, which it takes off the
    /// queue without running and returns the time of (`None` if the run ends first).
    #[doc(hidden)]
    pub fn advance_to_morning(&mut self, day: u32) -> Option<Minute> {
        self.advance_to(|sim, event| event == Event::Morning && sim.day == day)
    }

    /// Processes events up to the next night, which it takes off the queue without running
    /// and returns the time of (`None` if the run ends first).
    #[doc(hidden)]
    pub fn advance_to_night(&mut self) -> Option<Minute> {
        self.advance_to(|_, event| event == Event::Night)
    }

    /// Runs the morning handler at `now` (from [`Sim::advance_to_morning`]).
    #[doc(hidden)]
    pub fn handle_morning(&mut self, now: Minute) {
        self.morning(now);
    }

    /// Runs the night handler at `now` (from [`Sim::advance_to_night`]).
    #[doc(hidden)]
    pub fn handle_night(&mut self, now: Minute) {
        self.night(now);
    }

    /// Plans the day of every active rep as the morning does, changing nothing; returns the
    /// stops planned. Run it after the morning so reps hold the day's leads.
    #[doc(hidden)]
    pub fn plan_every_day(&self) -> usize {
        let depart = self.cal.at(self.day, self.sc.day.depart);
        (0..self.reps.len() as u32)
            .filter(|&r| self.reps[r as usize].active)
            .map(|r| self.plan_day(r, depart).len())
            .sum()
    }

    /// Reps currently employed.
    #[doc(hidden)]
    pub fn active_reps(&self) -> usize {
        self.reps.iter().filter(|r| r.active).count()
    }

    /// A copy of the whole state, to run a handler on again and again.
    #[doc(hidden)]
    pub fn snapshot(&self) -> Sim<'a> {
        self.clone()
    }

    /// Processes events until `stop` holds for the next one, which is popped and not run.
    fn advance_to(&mut self, stop: impl Fn(&Self, Event) -> bool) -> Option<Minute> {
        while let Some((now, event)) = self.queue.pop() {
            if stop(self, event) {
                return Some(now);
            }
            self.dispatch(now, event);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    #[test]
    fn stepping_and_copies_give_the_results_of_a_plain_run() {
        let mut scenario = Scenario::embedded();
        scenario.calendar.days = 3;
        let variants = scenario.resolved_variants().unwrap();
        let variant = &variants[scenario.baseline_index()];
        let plain = super::super::run_replication(&scenario, variant, 1);

        let world = crate::sim::replication_world(&scenario, variant, 1);
        let mut sim = Sim::for_replication(&scenario, variant, &world, 1, Default::default());
        let morning = sim.advance_to_morning(1).unwrap();
        let mut copy = sim.snapshot();
        sim.handle_morning(morning);
        assert!(sim.plan_every_day() > 0);
        assert_eq!(sim.active_reps(), 96);
        let night = sim.advance_to_night().unwrap();
        sim.handle_night(night);
        sim.run();
        // Debug text, so NaN metrics compare equal too.
        let text = |r: &super::super::ReplicationResult| format!("{r:?}");
        assert_eq!(text(&sim.result()), text(&plain));

        copy.handle_morning(morning);
        copy.run();
        assert_eq!(text(&copy.result()), text(&plain));
        assert_eq!(copy.events(), sim.events());
        assert!(sim.advance_to_morning(5).is_none());
    }
}
