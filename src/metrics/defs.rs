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
    /// Which direction is an improvement, for ranking variants and marking differences.
    pub better: Better,
}

impl MetricDef {
    /// The factor that turns a value into the unit it is shown in: 100 for a share (shown
    /// in percent, differences in percentage points), 1 otherwise.
    pub fn display_scale(&self) -> f64 {
        if self.unit == "share" { 100.0 } else { 1.0 }
    }
}

/// Which direction of a metric is an improvement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    /// Larger values are better (conversion, wins, fairness ratios).
    Higher,
    /// Smaller values are better (reclaims, delays, inequality).
    Lower,
    /// Neither: a size or a state (leads created, pool size).
    Neither,
}

impl Better {
    /// `x` signed so that larger is better: `x` for `Higher`, `−x` for `Lower` and `Neither`
    /// (where the sign is arbitrary but fixed).
    pub fn oriented(self, x: f64) -> f64 {
        match self {
            Better::Higher => x,
            Better::Lower | Better::Neither => -x,
        }
    }

    /// The word used in outputs: `higher`, `lower` or `neither`.
    pub fn as_str(self) -> &'static str {
        match self {
            Better::Higher => "higher",
            Better::Lower => "lower",
            Better::Neither => "neither",
        }
    }
}

const fn m(
    name: &'static str,
    unit: &'static str,
    meaning: &'static str,
    better: Better,
) -> MetricDef {
    MetricDef {
        name,
        unit,
        meaning,
        better,
    }
}

/// Every metric, in output order.
pub const METRICS: &[MetricDef] = &[
    m(
        "conversion_rate",
        "share",
        "Leads won over leads created (initial stock included).",
        Better::Higher,
    ),
    m(
        "leads_created",
        "leads",
        "Leads created over the horizon, initial stock included.",
        Better::Neither,
    ),
    m(
        "leads_won",
        "leads",
        "Leads won (contracts signed).",
        Better::Higher,
    ),
    m(
        "revenue",
        "CNY",
        "Deal value of the leads won.",
        Better::Higher,
    ),
    m(
        "cash_collected",
        "CNY",
        "Cash collected within the horizon (paid 10–30 days after a win, 90% of wins).",
        Better::Higher,
    ),
    m(
        "wins_per_rep_month",
        "wins",
        "Wins per rep-month (a month is 21 working days for a 5-day week).",
        Better::Higher,
    ),
    m(
        "visits_per_rep_day",
        "visits",
        "Lead visits per rep-day in the field (cold visits excluded).",
        Better::Higher,
    ),
    m(
        "effective_visits_per_rep_day",
        "visits",
        "Visits that met the decision-maker, per rep-day.",
        Better::Higher,
    ),
    m(
        "quota_days_share",
        "share",
        "Rep-days with at least the visit quota (8) of lead visits.",
        Better::Higher,
    ),
    m(
        "effective_quota_days_share",
        "share",
        "Rep-days with at least the effective quota (2) of effective visits.",
        Better::Higher,
    ),
    m(
        "cold_visits_per_rep_day",
        "visits",
        "Cold visits (sweeping buildings) per rep-day.",
        Better::Neither,
    ),
    m(
        "cold_leads",
        "leads",
        "Leads found on cold visits.",
        Better::Higher,
    ),
    m(
        "travel_share",
        "share",
        "Minutes travelling over minutes in the field (departure to return).",
        Better::Lower,
    ),
    m(
        "late_return_share",
        "share",
        "Rep-days back at the office after the deadline (travel noise, or a visit longer than the planned mean).",
        Better::Lower,
    ),
    m(
        "reclaimed_share",
        "share",
        "Timeout reclaims of leads handed to reps from the pool (pushed or claimed) over those leads; leads a rep found and filed on its assigned list (a full private pool) count in neither.",
        Better::Lower,
    ),
    m(
        "out_of_territory_share",
        "share",
        "Leads handed to reps from the pool whose company lies in another office's territory, over all handed out.",
        Better::Neither,
    ),
    m(
        "stale_reclaims",
        "leads",
        "Private leads reclaimed for lack of progress (or of a deal within `private_max_days`).",
        Better::Neither,
    ),
    m(
        "hours_to_first_contact",
        "hours",
        "Median calendar hours from creation to first contact, marketing leads contacted.",
        Better::Lower,
    ),
    m(
        "days_lead_to_win",
        "days",
        "Mean calendar days from lead creation to win.",
        Better::Lower,
    ),
    m(
        "expired_uncontacted",
        "leads",
        "Leads whose buying window closed before anyone contacted them.",
        Better::Lower,
    ),
    m(
        "gini_wins",
        "index",
        "Gini coefficient of wins per working day across reps (0 equal, 1 one rep wins all).",
        Better::Lower,
    ),
    m(
        "gini_lead_quality",
        "index",
        "Gini coefficient of the summed true propensity of leads received per working day, across reps.",
        Better::Lower,
    ),
    m(
        "jain_leads_received",
        "index",
        "Jain's fairness index of leads received per working day across reps (1 all equal, 1/n one rep gets all).",
        Better::Higher,
    ),
    m(
        "nh_win_ratio",
        "ratio",
        "New-hire wins per rep-day over veterans' (each win and day classed by status then).",
        Better::Higher,
    ),
    m(
        "nh_wins_per_rep_month",
        "wins",
        "New hires' wins per rep-month while new hires.",
        Better::Higher,
    ),
    m(
        "vet_wins_per_rep_month",
        "wins",
        "Veterans' wins per rep-month.",
        Better::Higher,
    ),
    m(
        "nh_median_days_to_first_win",
        "days",
        "Kaplan-Meier median of calendar days from a new hire's start (hiring, or day 0) to the first win, censored at leaving or the end.",
        Better::Lower,
    ),
    m(
        "nh_attrition_share",
        "share",
        "Reps who left while new hires through attrition (when on; dismissals for caught fake entries are not counted) over reps who were new hires during the horizon.",
        Better::Lower,
    ),
    m(
        "nh_lead_quality_ratio",
        "ratio",
        "Mean true propensity of leads received by new hires over veterans'.",
        Better::Higher,
    ),
    m(
        "nh_good_lead_share_ratio",
        "ratio",
        "New hires' share of the good leads received (top quartile of company propensity) over their share of rep-days.",
        Better::Higher,
    ),
    m(
        "fake_entries",
        "entries",
        "CRM entries faked by reps short of quota.",
        Better::Lower,
    ),
    m(
        "fake_entries_caught",
        "entries",
        "Faked entries found by the audit.",
        Better::Neither,
    ),
    m(
        "pool_size_end",
        "leads",
        "Leads in the public pool at the end.",
        Better::Neither,
    ),
    m(
        "private_held_end",
        "leads",
        "Leads held privately at the end, all reps.",
        Better::Neither,
    ),
    m("reps_end", "reps", "Reps at the end.", Better::Neither),
];

/// Why `name` is not a metric: a "did you mean" when it is near one, and the list of metrics.
pub fn unknown_metric(name: &str) -> String {
    let names: Vec<&str> = METRICS.iter().map(|m| m.name).collect();
    let hint = crate::spelling::closest(name, &names)
        .map(|n| format!("did you mean {n:?}? "))
        .unwrap_or_default();
    format!(
        "{name:?} is not a metric; {hint}metrics are: {}",
        names.join(", ")
    )
}

/// Why metric `m` cannot rank variants, if it cannot: a metric with no better direction
/// (it describes the run, like `pool_size_end`) has no "best".
pub fn unrankable(m: usize) -> Option<String> {
    (METRICS[m].better == Better::Neither).then(|| {
        let rankable: Vec<&str> = METRICS
            .iter()
            .filter(|x| x.better != Better::Neither)
            .map(|x| x.name)
            .collect();
        format!(
            "{} has no better direction (neither higher nor lower is better), so it cannot rank variants; metrics that can: {}",
            METRICS[m].name,
            rankable.join(", ")
        )
    })
}

/// The position of a metric in `METRICS`.
pub fn metric_index(name: &str) -> Option<usize> {
    METRICS.iter().position(|m| m.name == name)
}
