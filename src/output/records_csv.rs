//! The per-rep, per-day and ramp CSV files: `reps.csv` (every rep of every replication),
//! `daily.csv` (each working day's totals averaged over replications) and `ramp.csv` (new
//! hires' wins by week of tenure, pooled over replications).

use super::csv_out::{header_with, number, to_bytes, variant_cells};
use crate::experiment::ExperimentResults;

/// `reps.csv`: `variant,replication,rep,team,hired_day,cohort,days_worked,leads_received,
/// mean_lead_quality,visits,effective_visits,wins,revenue,left_day,days_to_first_win`; one
/// row per rep ever employed in each replication. Days are calendar days from day 0 of
/// the horizon (`hired_day` negative for reps hired before it); `left_day` and
/// `days_to_first_win` are empty for reps who stayed or never won; `cohort` is `veteran`,
/// `new_hire` (a new hire at the start) or `hired` (joined during the horizon).
pub fn reps_csv(results: &ExperimentResults) -> Vec<u8> {
    let header = header_with(
        results,
        &[
            "replication",
            "rep",
            "team",
            "hired_day",
            "cohort",
            "days_worked",
            "leads_received",
            "mean_lead_quality",
            "visits",
            "effective_visits",
            "wins",
            "revenue",
            "left_day",
            "days_to_first_win",
        ],
    );
    let optional = |x: Option<i64>| x.map(|d| d.to_string()).unwrap_or_default();
    let rows = results.runs.iter().enumerate().flat_map(|(v, runs)| {
        runs.iter().enumerate().flat_map(move |(r, run)| {
            run.reps.iter().map(move |rep| {
                let mut row = variant_cells(results, v);
                row.extend([
                    r.to_string(),
                    rep.rep.to_string(),
                    rep.team.to_string(),
                    rep.hired_day.to_string(),
                    rep.cohort.as_str().to_string(),
                    rep.days_worked.to_string(),
                    rep.leads_received.to_string(),
                    number(rep.mean_lead_quality),
                    rep.visits.to_string(),
                    rep.effective_visits.to_string(),
                    rep.wins.to_string(),
                    number(rep.revenue),
                    optional(rep.left_day),
                    optional(rep.days_to_first_win),
                ]);
                row
            })
        })
    });
    to_bytes(std::iter::once(header).chain(rows))
}

/// `daily.csv`: `variant,day,pool_size,assigned,reclaimed,private_held,visits,wins`; one
/// row per (variant, working day), each value the mean over replications. Pool size and
/// private held are at the end of the day; the others are that day's counts.
pub fn daily_csv(results: &ExperimentResults) -> Vec<u8> {
    let header = header_with(
        results,
        &[
            "day",
            "pool_size",
            "assigned",
            "reclaimed",
            "private_held",
            "visits",
            "wins",
        ],
    );
    let rows = (0..results.variants.len()).flat_map(|v| {
        results
            .mean_daily(v)
            .into_iter()
            .enumerate()
            .map(move |(day, fields)| {
                let mut row = variant_cells(results, v);
                row.push(day.to_string());
                row.extend(fields.iter().map(|&x| number(x)));
                row
            })
    });
    to_bytes(std::iter::once(header).chain(rows))
}

/// `ramp.csv`: `variant,week,new_hire_weeks,wins,wins_per_new_hire_week,cumulative_wins_per_new_hire`;
/// one row per (variant, week of tenure) observed, pooled over replications: rep-weeks of
/// new hires observed in that week of their tenure, their wins, the weekly rate, and its
/// running sum (the expected wins of a new hire by the end of that week).
pub fn ramp_csv(results: &ExperimentResults) -> Vec<u8> {
    let header = header_with(
        results,
        &[
            "week",
            "new_hire_weeks",
            "wins",
            "wins_per_new_hire_week",
            "cumulative_wins_per_new_hire",
        ],
    );
    let rows = (0..results.variants.len()).flat_map(|v| {
        let ramp = results.pooled_ramp(v);
        let cumulative = ramp.cumulative();
        (0..cumulative.len())
            .map(|k| {
                let mut row = variant_cells(results, v);
                row.extend([
                    k.to_string(),
                    number(ramp.exposure[k]),
                    number(ramp.wins[k]),
                    number(ramp.wins[k] / ramp.exposure[k]),
                    number(cumulative[k]),
                ]);
                row
            })
            .collect::<Vec<_>>()
    });
    to_bytes(std::iter::once(header).chain(rows))
}
