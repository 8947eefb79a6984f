//! Scenario keys for leads: inflow, visits, the funnel and desk work.

use serde::{Deserialize, Serialize};

/// Lead inflow (MODEL.md sections 3 and 8).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Leads {
    /// Marketing leads a working day into the public pool (created over the preceding day).
    pub marketing_per_day: u32,
    /// Newly registered companies a working day that the CRM imports as pool leads (companies
    /// that never had a lead; MODEL.md gives no figure, so the default has none).
    pub registrations_per_day: u32,
    /// Desk-research leads each rep finds an evening.
    pub desk_per_rep: u32,
    /// Days of marketing inflow already in the pool at the start.
    pub initial_pool_days: u32,
    /// Lognormal sigma of the CRM's own score of a lead's propensity.
    pub crm_score_sigma: f64,
}

impl Default for Leads {
    fn default() -> Self {
        Leads {
            marketing_per_day: 800,
            registrations_per_day: 0,
            desk_per_rep: 2,
            initial_pool_days: 2,
            crm_score_sigma: 0.8,
        }
    }
}

/// Visit durations and cold visits (MODEL.md section 8).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Visits {
    /// Mean length of an effective visit, minutes (lognormal).
    pub effective_mean_min: f64,
    /// Coefficient of variation of an effective visit's length.
    pub effective_cv: f64,
    /// Length of a visit that meets only the gatekeeper, minutes.
    pub gatekeeper_min: u32,
    /// Length of a cold visit, minutes.
    pub cold_min: u32,
    /// Chance a cold visit yields a contact (a new lead).
    pub cold_contact_prob: f64,
    /// Cold visits after each effective visit in the same building (0 switches sweeping off).
    pub cold_per_effective: u32,
}

impl Default for Visits {
    fn default() -> Self {
        Visits {
            effective_mean_min: 45.0,
            effective_cv: 0.4,
            gatekeeper_min: 15,
            cold_min: 10,
            cold_contact_prob: 0.3,
            cold_per_effective: 2,
        }
    }
}

/// How deals move, stall, cool and close (MODEL.md sections 3 and 8).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Funnel {
    /// Offset in progress = propensity × (offset + skill) × freshness × interest.
    pub skill_offset: f64,
    /// Chance an effective visit that does not move the deal loses it outright.
    pub lost_prob: f64,
    /// Freshness = (1 + hours to first contact / scale)^−exponent [lead-response studies: steep decay within hours and days].
    pub freshness_exponent: f64,
    /// Freshness time scale, hours.
    pub freshness_scale_hours: f64,
    /// Interest halves every this many days without contact.
    pub cooling_half_life_days: f64,
    /// Mean of the exponential buying window from lead creation, days.
    pub window_mean_days: f64,
    /// Chance a won deal's cash is collected.
    pub payment_prob: f64,
    /// Earliest payment after the win, days.
    pub payment_min_days: u32,
    /// Latest payment after the win, days.
    pub payment_max_days: u32,
}

impl Default for Funnel {
    fn default() -> Self {
        Funnel {
            skill_offset: 0.5,
            lost_prob: 0.15,
            freshness_exponent: 0.7,
            freshness_scale_hours: 24.0,
            cooling_half_life_days: 30.0,
            window_mean_days: 60.0,
            payment_prob: 0.9,
            payment_min_days: 10,
            payment_max_days: 30,
        }
    }
}

/// Evening desk work (MODEL.md sections 1 and 8).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Desk {
    /// CRM entry per visit (lead and cold visits), minutes.
    pub crm_entry_min: u32,
    /// One screening call, minutes.
    pub call_min: u32,
    /// Chance a call reaches the decision-maker (a call to a lead whose buying window has
    /// closed finds it lost instead: a call, not reached).
    pub call_reach_prob: f64,
    /// Minutes kept for prospect research before the desk evening ends.
    pub research_min: u32,
}

impl Default for Desk {
    fn default() -> Self {
        Desk {
            crm_entry_min: 5,
            call_min: 4,
            call_reach_prob: 0.5,
            research_min: 30,
        }
    }
}
