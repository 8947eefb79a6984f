//! A lead's moments in 32 bits, so that a lead takes fewer bytes and more of a rep's held
//! leads share the cache.

use super::lead::NEVER;
use crate::time::Minute;

/// A moment in a lead's history (minutes since the start of the run) stored in 32 bits.
///
/// Every moment a run can reach reads back exactly: validation caps a run at
/// [`MAX_DAYS`](crate::scenario::MAX_DAYS) working days (at most 35,000 calendar days with a
/// one-day week: about 50 million minutes) and the starting stock at 365 days before the
/// start, both far inside ±2^31 minutes (about 2.1 billion). `NEVER` reads back as `NEVER`; a moment at or past
/// `i32::MAX` minutes (a buying window that outlasts any horizon, say) reads back as
/// `Minute::MAX`, which compares the same way with every moment of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp(i32);

impl Stamp {
    /// "Never" (the stored form of `NEVER`).
    pub const NEVER: Stamp = Stamp(i32::MIN);

    /// A moment after every moment of any run (reads back as `Minute::MAX`).
    pub const END: Stamp = Stamp(i32::MAX);

    /// The stamp of minute `m`.
    pub fn at(m: Minute) -> Stamp {
        Stamp(m.clamp(Minute::from(i32::MIN), Minute::from(i32::MAX)) as i32)
    }

    /// The minute, `NEVER` for "never" and `Minute::MAX` for a moment beyond any run.
    pub fn get(self) -> Minute {
        match self.0 {
            i32::MIN => NEVER,
            i32::MAX => Minute::MAX,
            m => Minute::from(m),
        }
    }

    /// Whether this is "never".
    pub fn is_never(self) -> bool {
        self == Stamp::NEVER
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::MAX_DAYS;
    use crate::time::DAY;

    /// The last minute of the longest run validation allows: every working day a week apart.
    const LONGEST: Minute = MAX_DAYS as Minute * 7 * DAY;

    #[test]
    fn every_moment_of_a_run_reads_back_exactly() {
        for m in [-365 * DAY, -1, 0, 1, 59, DAY, LONGEST, LONGEST + 1] {
            assert_eq!(Stamp::at(m).get(), m);
        }
        for m in (-400 * DAY..LONGEST).step_by(99_991) {
            assert_eq!(Stamp::at(m).get(), m);
        }
        assert_eq!(Stamp::at(NEVER).get(), NEVER);
        assert!(Stamp::at(NEVER).is_never());
        assert!(!Stamp::at(0).is_never());
    }

    #[test]
    fn moments_beyond_any_run_read_back_as_the_end_of_time() {
        for m in [
            Minute::from(i32::MAX),
            Minute::from(i32::MAX) + 1,
            1 << 40,
            Minute::MAX,
        ] {
            assert_eq!(Stamp::at(m).get(), Minute::MAX);
        }
        // The end of time still compares after every moment of a run.
        assert!(Stamp::at(1 << 40).get() > LONGEST);
    }
}
