//! The metrics every replication reports, in output order, with their meaning and unit.

/// A metric's name, unit and definition (the README's metric table is generated from the same words).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricDef {
    /// Column name in `replications.csv` and `summary.csv`.
    pub name: &'static str,
    /// Unit of the value.
    pub unit: &'static str,
    /// What it measures.
    pub meaning: &'static str,
}

const fn m(name: &'static str, unit: &'static str, meaning: &'static str) -> MetricDef {
    MetricDef {
        name,
        unit,
        meaning,
    }
}

/// Every metric, in output order.
pub const METRICS: &[MetricDef] = &[
    m(
        "conversion_rate",
        "share",
        "Leads won over leads created (initial stock included).",
    ),
    m(
        "leads_created",
        "leads",
        "Leads created over the horizon, initial stock included.",
    ),
    m("leads_won", "leads", "Leads won (contracts signed)."),
    m("revenue", "CNY", "Deal value of the leads won."),
    m(
        "cash_collected",
        "CNY",
        "Cash collected within the horizon (paid 10–30 days after a win, 90% of wins).",
    ),
    m(
        "wins_per_rep_month",
        "wins",
        "Wins per rep-month (a month is 21 working days for a 5-day week).",
    ),
    m(
        "visits_per_rep_day",
        "visits",
        "Lead visits per rep-day in the field (cold visits excluded).",
    ),
    m(
        "effective_visits_per_rep_day",
        "visits",
        "Visits that met the decision-maker, per rep-day.",
    ),
    m(
        "quota_days_share",
        "share",
        "Rep-days with at least the visit quota (8) of lead visits.",
    ),
    m(
        "effective_quota_days_share",
        "share",
        "Rep-days with at least the effective quota (2) of effective visits.",
    ),
    m(
        "cold_visits_per_rep_day",
        "visits",
        "Cold visits (sweeping buildings) per rep-day.",
    ),
    m("cold_leads", "leads", "Leads found on cold visits."),
    m(
        "travel_share",
        "share",
        "Minutes travelling over minutes in the field (departure to return).",
    ),
    m(
        "late_return_share",
        "share",
        "Rep-days back at the office after the deadline (travel noise).",
    ),
    m(
        "reclaimed_share",
        "share",
        "Timeout reclaims over leads handed to reps from the pool (pushed or claimed).",
    ),
    m(
        "stale_reclaims",
        "leads",
        "Private leads reclaimed for lack of progress (or of a deal within `private_max_days`).",
    ),
    m(
        "hours_to_first_contact",
        "hours",
        "Median calendar hours from creation to first contact, marketing leads contacted.",
    ),
    m(
        "days_lead_to_win",
        "days",
        "Mean calendar days from lead creation to win.",
    ),
    m(
        "expired_uncontacted",
        "leads",
        "Leads whose buying window closed before anyone contacted them.",
    ),
    m(
        "gini_wins",
        "index",
        "Gini coefficient of wins per working day across reps (0 equal, 1 one rep wins all).",
    ),
    m(
        "gini_lead_quality",
        "index",
        "Gini coefficient of the summed true propensity of leads received per working day, across reps.",
    ),
    m(
        "nh_win_ratio",
        "ratio",
        "New-hire wins per rep-day over veterans' (each win and day classed by status then).",
    ),
    m(
        "nh_lead_quality_ratio",
        "ratio",
        "Mean true propensity of leads received by new hires over veterans'.",
    ),
    m(
        "nh_good_lead_share_ratio",
        "ratio",
        "New hires' share of the good leads received (top quartile of company propensity) over their share of rep-days.",
    ),
    m(
        "fake_entries",
        "entries",
        "CRM entries faked by reps short of quota.",
    ),
    m(
        "fake_entries_caught",
        "entries",
        "Faked entries found by the audit.",
    ),
    m(
        "pool_size_end",
        "leads",
        "Leads in the public pool at the end.",
    ),
    m(
        "private_held_end",
        "leads",
        "Leads held privately at the end, all reps.",
    ),
    m("reps_end", "reps", "Reps at the end."),
];

/// The position of a metric in `METRICS`.
pub fn metric_index(name: &str) -> Option<usize> {
    METRICS.iter().position(|m| m.name == name)
}
