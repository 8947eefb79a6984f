//! Scenario keys for people: the organisation, the day's rhythm, skill and attrition.

use super::values::ClockTime;
use serde::{Deserialize, Serialize};

/// The calendar of the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Calendar {
    /// Horizon in working days.
    pub days: u32,
    /// Working days a week (5: Monday–Friday; 6 adds Saturday).
    pub working_days_per_week: u32,
}

impl Default for Calendar {
    fn default() -> Self {
        Calendar {
            days: 120,
            working_days_per_week: 5,
        }
    }
}

/// The rep's daily rhythm (MODEL.md section 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Day {
    /// Arrival at the branch office; the CRM pushes the day's leads then.
    pub office_open: ClockTime,
    /// Departure for the field.
    pub depart: ClockTime,
    /// Hard deadline to be back at the office.
    pub return_deadline: ClockTime,
    /// End of the team's evening meeting; CRM entry and calls start then.
    pub meeting_end: ClockTime,
    /// End of the desk evening (calls and research stop).
    pub desk_end: ClockTime,
    /// Lead visits a rep must make a day (cold visits do not count).
    pub visit_quota: u32,
    /// Effective visits (decision-maker met) the day should include.
    pub effective_quota: u32,
}

impl Default for Day {
    fn default() -> Self {
        Day {
            office_open: ClockTime::hm(8, 0),
            depart: ClockTime::hm(8, 30),
            return_deadline: ClockTime::hm(18, 0),
            meeting_end: ClockTime::hm(19, 0),
            desk_end: ClockTime::hm(22, 0),
            visit_quota: 8,
            effective_quota: 2,
        }
    }
}

/// Teams, cohorts at the start, the hiring plan and coaching (MODEL.md section 5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Org {
    /// Number of teams, each led by one manager.
    pub teams: u32,
    /// Veterans at the start.
    pub veterans: u32,
    /// New hires at the start.
    pub new_hires: u32,
    /// Shortest veteran tenure at the start, months.
    pub veteran_tenure_min_months: f64,
    /// Longest veteran tenure at the start, months.
    pub veteran_tenure_max_months: f64,
    /// Longest tenure of a starting new hire, months (uniform from 0).
    pub new_hire_tenure_max_months: f64,
    /// Working days between hiring batches (first batch on this day); 0 = no hiring.
    pub hire_every_days: u32,
    /// Reps hired per batch.
    pub hires_per_batch: u32,
    /// A rep is a new hire while tenure is under this many calendar days.
    pub new_hire_days: u32,
    /// Experience (effective visits) credited to a starting veteran per working day of its
    /// tenure (MODEL.md section 9).
    pub experience_per_tenure_day: f64,
    /// Experience (effective visits) credited to a starting new hire per working day of its
    /// tenure; MODEL.md gives the veterans' rate only, so by default new hires get the same
    /// (0 starts them as on their first day).
    pub new_hire_experience_per_tenure_day: f64,
    /// Private leads (contacted) each starting veteran holds; at most half the variant's private cap.
    pub veteran_initial_private: u32,
    /// Ride-along days each manager makes a month (new hires first); a day holds the
    /// quota's visits, so 1 is MODEL.md's "at least 8 ride-along visits a month".
    pub ride_alongs_per_month: u32,
    /// Skill a manager brings to a ride-along visit (0–1): the visit uses the higher of it and the rep's.
    pub manager_skill: f64,
}

impl Default for Org {
    fn default() -> Self {
        Org {
            teams: 12,
            veterans: 64,
            new_hires: 32,
            veteran_tenure_min_months: 6.0,
            veteran_tenure_max_months: 48.0,
            new_hire_tenure_max_months: 3.0,
            hire_every_days: 20,
            hires_per_batch: 4,
            new_hire_days: 90,
            experience_per_tenure_day: 2.5,
            new_hire_experience_per_tenure_day: 2.5,
            veteran_initial_private: 15,
            ride_alongs_per_month: 1,
            manager_skill: 0.9,
        }
    }
}

/// Skill, learning curve and judgment of leads (MODEL.md sections 5 and 8).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Skill {
    /// Mean starting skill of a rep with no experience.
    pub start_mean: f64,
    /// Standard deviation of starting skill.
    pub start_sd: f64,
    /// Mean of each rep's skill ceiling.
    pub ceiling_mean: f64,
    /// Standard deviation of the ceiling.
    pub ceiling_sd: f64,
    /// Learning scale of s = ceiling − (ceiling − start)·exp(−experience/scale), effective visits [sales ramp surveys: median ramp about 5 months].
    pub learning_scale: f64,
    /// Experience a ride-along effective visit counts for.
    pub ride_along_weight: f64,
    /// Experience each evening meeting counts for.
    pub meeting_weight: f64,
    /// Judgment noise: lognormal sigma = base − per_skill·skill.
    pub judge_sigma_base: f64,
    /// Judgment noise reduction per unit of skill.
    pub judge_sigma_per_skill: f64,
}

impl Default for Skill {
    fn default() -> Self {
        Skill {
            start_mean: 0.35,
            start_sd: 0.1,
            ceiling_mean: 0.85,
            ceiling_sd: 0.1,
            learning_scale: 150.0,
            ride_along_weight: 3.0,
            meeting_weight: 0.2,
            judge_sigma_base: 1.0,
            judge_sigma_per_skill: 0.8,
        }
    }
}

/// Optional attrition: reps who win nothing for a long time may leave (MODEL.md section 5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Attrition {
    /// Whether anyone ever leaves.
    pub enabled: bool,
    /// Working days without a win after which a rep may leave, counted from its last win, its
    /// hiring or the start of the run, whichever is latest (wins before the run are not simulated).
    pub no_win_days: u32,
    /// Monthly chance that such a veteran leaves.
    pub veteran_monthly_prob: f64,
    /// Monthly chance that such a new hire leaves (starved new hires leave first).
    pub new_hire_monthly_prob: f64,
}

impl Default for Attrition {
    fn default() -> Self {
        Attrition {
            enabled: false,
            no_win_days: 60,
            veteran_monthly_prob: 0.15,
            new_hire_monthly_prob: 0.35,
        }
    }
}
