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

/// Minute of the day (0 to under 1440) of a fractional simulation minute `t`: the same
/// number as `t.rem_euclid(1440.0)`, bit for bit, without the software `fmod` that
/// `rem_euclid` calls on baseline x86-64. For `0 <= t < 2^52` the whole days `k` are found
/// by truncation (one too many when `t / 1440` rounds up to a whole number, which is
/// corrected), and `t - 1440k` is exact (Sterbenz's lemma: `1440k <= t <= 2 * 1440k` when
/// `k >= 1`), as `fmod` is; other times take `rem_euclid` itself.
pub fn time_of_day(t: f64) -> f64 {
    const DAY_F: f64 = DAY as f64;
    if !(0.0..4.5e15).contains(&t) {
        return t.rem_euclid(DAY_F);
    }
    let mut days = (t / DAY_F) as u64 as f64;
    let mut rest = t - days * DAY_F;
    if rest < 0.0 {
        days -= 1.0;
        rest = t - days * DAY_F;
    }
    rest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_of_day_is_rem_euclid_bit_for_bit() {
        let mut checked = 0;
        let mut check = |t: f64| {
            assert_eq!(
                time_of_day(t).to_bits(),
                t.rem_euclid(DAY as f64).to_bits(),
                "{t:?}"
            );
            checked += 1;
        };
        for k in 0..2000i64 {
            let edge = (k * DAY) as f64;
            for t in [edge, edge + 0.5, edge + 1439.75] {
                check(t);
                // The neighbours of each edge, where truncation can be one day off.
                let mut up = t;
                let mut down = t;
                for _ in 0..4 {
                    up = f64::from_bits(up.to_bits() + 1);
                    check(up);
                    if down > 0.0 {
                        down = f64::from_bits(down.to_bits() - 1);
                        check(down);
                    }
                }
            }
        }
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            check((x >> 11) as f64 / (1u64 << 53) as f64 * 1e7);
        }
        for t in [-0.0, -1.0, -1e-300, 1e300, f64::NAN, f64::INFINITY, 5e15] {
            let (a, b) = (time_of_day(t), t.rem_euclid(DAY as f64));
            assert!(
                a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
                "{t}"
            );
        }
        assert!(checked > 200_000);
    }

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
