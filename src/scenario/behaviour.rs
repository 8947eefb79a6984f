//! Scenario keys for rep behaviour: the assumptions that can decide a verdict (MODEL.md section 9).

use serde::{Deserialize, Serialize};

/// Which held leads get the evening calls first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CallOrder {
    /// Assigned leads not yet contacted first (their timeout looms), then private leads.
    AssignedFirst,
    /// All held leads by judged chance.
    ByChance,
}

/// How a rep orders the day's visits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RouteHeuristic {
    /// Pick stops by judged chance and proximity, order by nearest neighbour, improve by 2-opt, trim to the deadline.
    #[serde(rename = "nearest_neighbour_2opt")]
    NearestNeighbour2opt,
    /// Visit the best-judged leads in list order, wherever they are (a baseline for comparison).
    ListOrder,
}

/// Rep behaviour (MODEL.md section 9): every rule is an assumption, so every rule is a key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Behaviour {
    /// Evening call order.
    pub call_order: CallOrder,
    /// Whether reps phone their private leads in the evening.
    pub call_private_leads: bool,
    /// How reps order the day's visits.
    pub route: RouteHeuristic,
    /// Best-judged held leads considered when planning a day (appointments come on top).
    pub plan_candidates: u32,
    /// Distance scale of the planner's proximity weight exp(−km/scale), km.
    pub plan_distance_scale_km: f64,
    /// Cold visits are made only if the rest of the day's plan still fits before the deadline.
    pub cold_visits_need_slack: bool,
    /// A rep closes a held lead whose judged chance falls below this.
    pub close_below_chance: f64,
    /// A call that reaches the decision-maker books a visit if the judged chance is at least this.
    pub book_min_chance: f64,
    /// Most visits a rep books in one evening (the source's "2–3 of 8 visits with a decision-maker").
    pub book_max_per_evening: u32,
    /// Self-claiming: pool leads a rep looks at (newest first).
    pub claim_browse: u32,
    /// Self-claiming: a rep claims a lead it judges at least this chance.
    pub claim_min_chance: f64,
    /// Chance a rep short of quota fakes each missing visit, before deterrence.
    pub fake_temptation: f64,
    /// Deterrence: the temptation is multiplied by exp(−deterrence × audit rate).
    pub fake_deterrence: f64,
}

impl Default for Behaviour {
    fn default() -> Self {
        Behaviour {
            call_order: CallOrder::AssignedFirst,
            call_private_leads: true,
            route: RouteHeuristic::NearestNeighbour2opt,
            plan_candidates: 16,
            plan_distance_scale_km: 3.0,
            cold_visits_need_slack: true,
            close_below_chance: 0.01,
            book_min_chance: 0.03,
            book_max_per_evening: 3,
            claim_browse: 300,
            claim_min_chance: 0.08,
            fake_temptation: 0.3,
            fake_deterrence: 20.0,
        }
    }
}
