//! Integer simulation time: minutes since 00:00 of the first working day (a Monday).

use crate::scenario::ClockTime;

/// Simulation time in whole minutes since 00:00 of working day 0; earlier times are negative.
pub type Minute = i64;

/// Minutes in a calendar day.
pub const DAY: Minute = 24 * 60;
/// Minutes in an hour.
pub const HOUR: Minute = 60;

/// Maps working days to calendar time (weekends age leads too).
#[derive(Debug, Clone, Copy)]
pub struct Calendar {
    working_days_per_week: u32,
}

impl Calendar {
    /// A calendar with this many working days a week (1–7), starting on a Monday.
    pub fn new(working_days_per_week: u32) -> Self {
        Calendar {
            working_days_per_week: working_days_per_week.clamp(1, 7),
        }
    }

    /// Calendar day (since day 0) of working day `day`.
    pub fn calendar_day(&self, day: u32) -> i64 {
        let w = self.working_days_per_week;
        i64::from(day / w) * 7 + i64::from(day % w)
    }

    /// The minute of working day `day` at clock time `at`.
    pub fn at(&self, day: u32, at: ClockTime) -> Minute {
        self.calendar_day(day) * DAY + Minute::from(at.minutes())
    }

    /// Working days in a "month" (30 calendar days): 21 for a 5-day week, 26 for a 6-day week.
    pub fn month_len(&self) -> u32 {
        ((f64::from(self.working_days_per_week) * 30.0 / 7.0).round() as u32).max(1)
    }
}

/// Minute of the day (0–1439) of a simulation time.
pub fn minute_of_day(t: Minute) -> u32 {
    t.rem_euclid(DAY) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekends_are_skipped() {
        let c = Calendar::new(5);
        assert_eq!(c.calendar_day(4), 4);
        assert_eq!(c.calendar_day(5), 7);
        assert_eq!(
            c.at(5, ClockTime::hm(8, 0)) - c.at(4, ClockTime::hm(8, 0)),
            3 * DAY
        );
        assert_eq!(Calendar::new(6).calendar_day(6), 7);
        assert_eq!(c.month_len(), 21);
    }
}
