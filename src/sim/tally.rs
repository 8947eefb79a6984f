//! Running counters of a replication and the metrics computed from them.

use super::Sim;
use super::records::{DayRecord, RepRecord};
use crate::metrics::fairness::{gini, jain};
use crate::stats::kaplan_meier_median;
use crate::time::{HOUR, Minute};

/// Counters kept while a replication runs. Pairs indexed `[veteran, new hire]`.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// Leads created.
    pub leads_created: u64,
    /// Marketing leads that found no company without an open lead.
    pub inflow_unplaced: u64,
    /// Leads won.
    pub won: u64,
    /// Revenue won, CNY.
    pub revenue: f64,
    /// Cash collected, CNY.
    pub cash: f64,
    /// Sum of minutes from creation to win.
    pub lead_to_win_minutes: f64,
    /// Wins by status of the winner.
    pub wins_by_status: [u64; 2],
    /// Rep-days by status.
    pub rep_days: [u64; 2],
    /// Leads received from the pool by status.
    pub received: [u64; 2],
    /// Summed true propensity of leads received, by status.
    pub quality_received: [f64; 2],
    /// Leaves, by status.
    pub leavers: [u64; 2],
    /// Leads handed out from the pool (pushes and claims).
    pub handed_out: u64,
    /// Of those, leads of a territory other than the receiving rep's office's.
    pub handed_out_outside: u64,
    /// Timeout reclaims (of every lead on an assigned list).
    pub timeout_reclaims: u64,
    /// Timeout reclaims of leads handed out from the pool (not of leads a rep filed there
    /// itself): the numerator of `reclaimed_share`, whose denominator is `handed_out`.
    pub pushed_timeout_reclaims: u64,
    /// Stale-private reclaims.
    pub stale_reclaims: u64,
    /// Leads returned by the swap rule (or refused by a full private pool).
    pub swap_returns: u64,
    /// Lead visits.
    pub visits: u64,
    /// Effective visits.
    pub effective_visits: u64,
    /// Planned stops skipped for the deadline.
    pub stops_skipped: u64,
    /// Stops added during the day when the plan ran out short of the quota.
    pub extra_stops: u64,
    /// Rep-days reaching the visit quota.
    pub quota_days: u64,
    /// Rep-days reaching the effective quota.
    pub effective_quota_days: u64,
    /// Cold visits.
    pub cold_visits: u64,
    /// Leads found cold.
    pub cold_leads: u64,
    /// Leads found by desk research.
    pub desk_leads: u64,
    /// Minutes in the field.
    pub field_minutes: f64,
    /// Minutes travelling.
    pub travel_minutes: f64,
    /// Rep-days back after the deadline.
    pub late_returns: u64,
    /// Calls made.
    pub calls: u64,
    /// Calls that reached the decision-maker.
    pub calls_reached: u64,
    /// Visits booked.
    pub appointments: u64,
    /// Leads closed by reps.
    pub closed: u64,
    /// Leads lost outright at a visit.
    pub lost_outright: u64,
    /// Leads lost to a closed window.
    pub lost_window: u64,
    /// Of those, never contacted.
    pub expired_uncontacted: u64,
    /// Faked entries.
    pub fake_entries: u64,
    /// Faked entries caught.
    pub fake_caught: u64,
    /// Reps dismissed for faking.
    pub dismissals: u64,
    /// Good leads (top quartile of propensity) received from the pool, by status.
    pub good_received: [u64; 2],
    /// Ride-along days.
    pub ride_along_days: u64,
    /// Minutes from creation to first contact of marketing leads.
    pub first_contact_minutes: Vec<Minute>,
    /// Each finished day's totals, in day order.
    pub daily: Vec<DayRecord>,
    /// The running totals when the last day was recorded (to take differences).
    pub daily_totals: DayRecord,
}

fn ratio(a: f64, b: f64) -> f64 {
    if b == 0.0 { f64::NAN } else { a / b }
}

/// Median of whole minutes, in hours (NaN when empty).
fn median_hours(values: &[Minute]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut v = values.to_vec();
    v.sort_unstable();
    let n = v.len();
    let mid = if n % 2 == 1 {
        v[n / 2] as f64
    } else {
        (v[n / 2 - 1] + v[n / 2]) as f64 / 2.0
    };
    mid / HOUR as f64
}

impl Tally {
    /// The metric values, in `metrics::METRICS` order; `records` are the replication's
    /// per-rep records (`Sim::rep_records`).
    pub fn metrics(&self, sim: &Sim, records: &[RepRecord]) -> Vec<f64> {
        let rep_days = (self.rep_days[0] + self.rep_days[1]) as f64;
        let month = f64::from(sim.cal.month_len());
        let per_rep_day = |x: u64| ratio(x as f64, rep_days);
        let wins_rate: Vec<f64> = sim
            .reps
            .iter()
            .filter(|r| r.stats.days > 0)
            .map(|r| f64::from(r.stats.wins) / f64::from(r.stats.days))
            .collect();
        let quality: Vec<f64> = sim
            .reps
            .iter()
            .filter(|r| r.stats.days > 0)
            .map(|r| r.stats.quality_received / f64::from(r.stats.days))
            .collect();
        let status_rate = |x: [u64; 2]| {
            [
                ratio(x[0] as f64, self.rep_days[0] as f64),
                ratio(x[1] as f64, self.rep_days[1] as f64),
            ]
        };
        let wins = status_rate(self.wins_by_status);
        let mean_quality = [
            ratio(self.quality_received[0], self.received[0] as f64),
            ratio(self.quality_received[1], self.received[1] as f64),
        ];
        let leads_rate: Vec<f64> = sim
            .reps
            .iter()
            .filter(|r| r.stats.days > 0)
            .map(|r| f64::from(r.stats.leads_received) / f64::from(r.stats.days))
            .collect();
        let new_hires = records.iter().filter(|r| r.cohort.is_new());
        let first_wins: Vec<(f64, bool)> = new_hires
            .clone()
            .map(|r| match r.days_to_first_win {
                Some(d) => (d as f64, true),
                None => (r.days_observed as f64, false),
            })
            .collect();
        let new_hire_count = new_hires.count();
        let private_held: usize = sim.reps.iter().map(|r| r.private.len()).sum();
        vec![
            ratio(self.won as f64, self.leads_created as f64),
            self.leads_created as f64,
            self.won as f64,
            self.revenue,
            self.cash,
            ratio(self.won as f64 * month, rep_days),
            per_rep_day(self.visits),
            per_rep_day(self.effective_visits),
            per_rep_day(self.quota_days),
            per_rep_day(self.effective_quota_days),
            per_rep_day(self.cold_visits),
            self.cold_leads as f64,
            ratio(self.travel_minutes, self.field_minutes),
            per_rep_day(self.late_returns),
            ratio(self.pushed_timeout_reclaims as f64, self.handed_out as f64),
            ratio(self.handed_out_outside as f64, self.handed_out as f64),
            self.stale_reclaims as f64,
            median_hours(&self.first_contact_minutes),
            ratio(self.lead_to_win_minutes / (24.0 * 60.0), self.won as f64),
            self.expired_uncontacted as f64,
            gini(&wins_rate),
            gini(&quality),
            if leads_rate.is_empty() {
                f64::NAN
            } else {
                jain(&leads_rate)
            },
            ratio(wins[1], wins[0]),
            wins[1] * month,
            wins[0] * month,
            kaplan_meier_median(&first_wins),
            ratio(self.leavers[1] as f64, new_hire_count as f64),
            ratio(mean_quality[1], mean_quality[0]),
            ratio(
                ratio(
                    self.good_received[1] as f64,
                    (self.good_received[0] + self.good_received[1]) as f64,
                ),
                ratio(self.rep_days[1] as f64, rep_days),
            ),
            self.fake_entries as f64,
            self.fake_caught as f64,
            sim.pool.len() as f64,
            private_held as f64,
            sim.reps.iter().filter(|r| r.active).count() as f64,
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_in_hours() {
        assert_eq!(median_hours(&[60, 180, 120]), 2.0);
        assert_eq!(median_hours(&[60, 120]), 1.5);
        assert!(median_hours(&[]).is_nan());
    }
}
