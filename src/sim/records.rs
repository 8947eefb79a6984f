//! Per-rep and per-day records of a replication: the rows of `reps.csv` and `daily.csv`,
//! and each new hire's wins by week of tenure (the new-hire ramp).

use super::Sim;
use super::rep::Rep;
use crate::time::{DAY, Minute};
use serde::{Deserialize, Serialize};

/// Calendar days in a week of tenure.
const WEEK_DAYS: i64 = 7;

/// Where a rep stood when the replication began.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cohort {
    /// Employed at the start with tenure of at least `org.new_hire_days`.
    Veteran,
    /// Employed at the start, still a new hire.
    NewHire,
    /// Hired during the horizon.
    Hired,
}

impl Cohort {
    /// The cohort's name in CSV files.
    pub fn as_str(self) -> &'static str {
        match self {
            Cohort::Veteran => "veteran",
            Cohort::NewHire => "new_hire",
            Cohort::Hired => "hired",
        }
    }

    /// Whether the rep was a new hire at some time during the horizon.
    pub fn is_new(self) -> bool {
        self != Cohort::Veteran
    }
}

/// One rep's results over a replication (a row of `reps.csv`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepRecord {
    /// Rep id (index, in order of hiring).
    pub rep: u32,
    /// Team index.
    pub team: u32,
    /// Calendar day of hiring, counted from day 0 of the horizon (negative: before it).
    pub hired_day: i64,
    /// Where the rep stood at the start.
    pub cohort: Cohort,
    /// Working days present.
    pub days_worked: u32,
    /// Leads received from the pool (pushed or claimed).
    pub leads_received: u32,
    /// Mean true propensity of the leads received (NaN when none).
    pub mean_lead_quality: f64,
    /// Lead visits.
    pub visits: u32,
    /// Visits that met the decision-maker.
    pub effective_visits: u32,
    /// Wins.
    pub wins: u32,
    /// Revenue won, CNY.
    pub revenue: f64,
    /// Calendar day the rep left (attrition or dismissal), counted from day 0; `None` if still there.
    pub left_day: Option<i64>,
    /// Calendar days from the start of observation (hiring, or day 0 for reps hired
    /// before it) to the first win; `None` when the rep never won in the horizon.
    pub days_to_first_win: Option<i64>,
    /// Calendar days the rep was observed: from the start of observation to leaving or
    /// the end of the horizon.
    pub days_observed: i64,
}

/// One working day's totals (a row of `daily.csv` before averaging over replications).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct DayRecord {
    /// Leads in the public pool at the end of the day.
    pub pool_size: u64,
    /// Leads handed from the pool to reps (pushed or claimed) that day.
    pub assigned: u64,
    /// Leads taken back (timeout and stale reclaims) that night.
    pub reclaimed: u64,
    /// Leads held privately at the end of the day, all reps.
    pub private_held: u64,
    /// Lead visits that day.
    pub visits: u64,
    /// Wins that day (field and evening).
    pub wins: u64,
}

impl DayRecord {
    /// The day's totals in `daily.csv`'s column order, as the numbers its means sum.
    pub fn columns(&self) -> [f64; 6] {
        [
            self.pool_size,
            self.assigned,
            self.reclaimed,
            self.private_held,
            self.visits,
            self.wins,
        ]
        .map(|n| n as f64)
    }
}

/// The new hires' wins by week of tenure: `wins[k]` won in tenure week `k` (days `7k` to
/// `7k + 6` after hiring) and `exposure[k]` rep-weeks observed in that week (a rep
/// present for 3 of its 7 days adds 3/7). Their ratio is the weekly win rate of a new
/// hire at that tenure, free of left truncation (reps hired before the start) and right
/// censoring (the end, leaving).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Ramp {
    /// Wins in each tenure week.
    pub wins: Vec<f64>,
    /// Rep-weeks observed in each tenure week.
    pub exposure: Vec<f64>,
}

impl Ramp {
    /// Adds one rep observed from calendar day `from` (inclusive) to `to` (exclusive),
    /// hired on `hired`, with wins on the calendar days `win_days`.
    pub fn add(&mut self, hired: i64, from: i64, to: i64, win_days: &[i64]) {
        let week = |day: i64| ((day - hired).max(0) / WEEK_DAYS) as usize;
        if to > from {
            let last = week(to - 1);
            self.grow(last + 1);
            for day in from..to {
                self.exposure[week(day)] += 1.0 / WEEK_DAYS as f64;
            }
        }
        for &d in win_days {
            let k = week(d);
            self.grow(k + 1);
            self.wins[k] += 1.0;
        }
    }

    fn grow(&mut self, len: usize) {
        if self.wins.len() < len {
            self.wins.resize(len, 0.0);
            self.exposure.resize(len, 0.0);
        }
    }

    /// Adds another ramp week by week.
    pub fn merge(&mut self, other: &Ramp) {
        self.grow(other.wins.len());
        for (k, (w, e)) in other.wins.iter().zip(&other.exposure).enumerate() {
            self.wins[k] += w;
            self.exposure[k] += e;
        }
    }

    /// Cumulative wins per new hire by the end of each tenure week: the running sum of the
    /// weekly rates `wins[k] / exposure[k]`; a week with no exposure ends the curve.
    pub fn cumulative(&self) -> Vec<f64> {
        let mut total = 0.0;
        self.wins
            .iter()
            .zip(&self.exposure)
            .map_while(|(&w, &e)| {
                (e > 0.0).then(|| {
                    total += w / e;
                    total
                })
            })
            .collect()
    }
}

/// Calendar day (from day 0) of a simulation minute.
fn calendar_day(t: Minute) -> i64 {
    t.div_euclid(DAY)
}

impl Sim<'_> {
    /// The cohort of `rep`, judged at the start of the horizon.
    fn cohort(&self, rep: &Rep) -> Cohort {
        let start = self.cal.at(0, self.sc.day.office_open);
        if rep.hired_at >= start {
            Cohort::Hired
        } else if rep.is_new_hire(start, self.sc.org.new_hire_days) {
            Cohort::NewHire
        } else {
            Cohort::Veteran
        }
    }

    /// The first calendar day after the horizon.
    fn end_day(&self) -> i64 {
        let days = self.sc.calendar.days;
        self.cal.calendar_day(days.saturating_sub(1)) + 1
    }

    /// One record per rep ever employed, in id order.
    pub fn rep_records(&self) -> Vec<RepRecord> {
        let end = self.end_day();
        self.reps
            .iter()
            .map(|rep| {
                let hired_day = calendar_day(rep.hired_at);
                let from = hired_day.max(0);
                let left_day = (!rep.active).then(|| calendar_day(rep.left_at));
                let to = left_day.unwrap_or(end).min(end);
                let s = &rep.stats;
                RepRecord {
                    rep: rep.id,
                    team: rep.team,
                    hired_day,
                    cohort: self.cohort(rep),
                    days_worked: s.days,
                    leads_received: s.leads_received,
                    mean_lead_quality: if s.leads_received == 0 {
                        f64::NAN
                    } else {
                        s.quality_received / f64::from(s.leads_received)
                    },
                    visits: s.visits,
                    effective_visits: s.effective,
                    wins: s.wins,
                    revenue: s.revenue,
                    left_day,
                    days_to_first_win: rep.win_times.first().map(|&t| calendar_day(t) - from),
                    days_observed: (to - from).max(0),
                }
            })
            .collect()
    }

    /// The new hires' (cohorts `new_hire` and `hired`) wins by week of tenure.
    pub fn ramp(&self) -> Ramp {
        let end = self.end_day();
        let mut ramp = Ramp::default();
        for rep in self.reps.iter().filter(|r| self.cohort(r).is_new()) {
            let hired = calendar_day(rep.hired_at);
            let to = if rep.active {
                end
            } else {
                calendar_day(rep.left_at).min(end)
            };
            let wins: Vec<i64> = rep.win_times.iter().map(|&t| calendar_day(t)).collect();
            ramp.add(hired, hired.max(0), to, &wins);
        }
        ramp
    }

    /// Appends today's totals to the daily records (called at the end of each night).
    pub(super) fn record_day(&mut self) {
        let t = &self.tally;
        let totals = DayRecord {
            pool_size: self.pool.len() as u64,
            assigned: t.handed_out,
            reclaimed: t.timeout_reclaims + t.stale_reclaims,
            private_held: self.reps.iter().map(|r| r.private.len() as u64).sum(),
            visits: t.visits,
            wins: t.won,
        };
        let before = self.tally.daily_totals;
        self.tally.daily.push(DayRecord {
            assigned: totals.assigned - before.assigned,
            reclaimed: totals.reclaimed - before.reclaimed,
            visits: totals.visits - before.visits,
            wins: totals.wins - before.wins,
            ..totals
        });
        self.tally.daily_totals = totals;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ramp_counts_exposure_and_wins_by_tenure_week() {
        let mut ramp = Ramp::default();
        // Hired on day -3, observed from day 0 to day 11 (exclusive): tenure days 3..14,
        // so 4 days of week 0 and 7 days of week 1. Wins on days 2 (week 0) and 10 (week 1).
        ramp.add(-3, 0, 11, &[2, 10]);
        assert_eq!(ramp.wins, [1.0, 1.0]);
        assert!((ramp.exposure[0] - 4.0 / 7.0).abs() < 1e-12);
        assert!((ramp.exposure[1] - 1.0).abs() < 1e-12);
        // Weekly rates 1 / (4/7) = 1.75 and 1, cumulated.
        let cum = ramp.cumulative();
        assert!((cum[0] - 1.75).abs() < 1e-12 && (cum[1] - 2.75).abs() < 1e-12);
    }

    #[test]
    fn ramp_merge_adds_week_by_week_and_stops_at_unobserved_weeks() {
        let mut a = Ramp::default();
        a.add(0, 0, 7, &[]);
        let mut b = Ramp::default();
        b.add(0, 0, 14, &[3, 8, 9]);
        a.merge(&b);
        assert_eq!(a.wins, [1.0, 2.0]);
        assert!((a.exposure[0] - 2.0).abs() < 1e-12 && (a.exposure[1] - 1.0).abs() < 1e-12);
        let cum = a.cumulative();
        assert!(
            (cum[0] - 0.5).abs() < 1e-12 && (cum[1] - 2.5).abs() < 1e-12,
            "{cum:?}"
        );
        let gap = Ramp {
            wins: vec![1.0, 0.0, 1.0],
            exposure: vec![1.0, 0.0, 1.0],
        };
        assert_eq!(gap.cumulative(), [1.0]);
    }

    #[test]
    fn cohorts_have_csv_names() {
        assert_eq!(Cohort::Veteran.as_str(), "veteran");
        assert!(!Cohort::Veteran.is_new());
        assert!(Cohort::NewHire.is_new() && Cohort::Hired.is_new());
    }
}
