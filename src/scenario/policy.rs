//! The pool policy: every rule an admin of a real CRM can set (MODEL.md section 4).

use super::values::Limit;
use serde::{Deserialize, Serialize};

/// How leads leave the public pool for reps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Assignment {
    /// The CRM deals leads one at a time to reps in rotating order.
    RoundRobin,
    /// The CRM deals best-scored leads in snake order so every rep gets a similar mix.
    EqualQualityMix,
    /// Each rep's daily target is scaled by 1 + its wins in the performance window, over the mean weight.
    PerformanceWeighted,
    /// New hires are served first from the best-scored leads, then everyone else.
    NewHirePriority,
    /// Each lead goes to a rep drawn at random among those still short of their target.
    Random,
    /// Reps claim from the pool themselves, quicker and better-judging first.
    SelfClaim,
    /// Each lead goes to the rep holding the fewest leads (assigned and private) at that moment.
    LeastLoaded,
    /// Each rep's daily target is scaled by its capacity figure over the mean: a new hire
    /// starts at `new_hire_capacity` and rises linearly to 1 at `org.new_hire_days` of tenure.
    CapacityWeighted,
}

/// The order in which the CRM hands out pool leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PushOrder {
    /// Newest leads first.
    Newest,
    /// Oldest leads first.
    Oldest,
    /// Highest CRM score first (the CRM's own noisy judgment).
    BestScored,
}

/// The order in which reps are served when the rule itself does not decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TieBreak {
    /// Who goes first rotates from day to day.
    Rotate,
    /// Longest-serving reps first.
    Seniority,
    /// A fresh random order every day.
    Random,
}

/// Whether the daily push tops the assigned list up to the day's target or adds that many.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PushMode {
    /// The assigned list is filled up to the rep's target for the day.
    TopUp,
    /// The target number of new leads is added whatever the list holds.
    Add,
}

/// Whether pool leads stay in the territory of the office nearest their company.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Territory {
    /// Any rep may receive any pool lead.
    None,
    /// A pool lead goes only to reps of its territory's office.
    Strict,
    /// A pool lead goes to reps of its territory first; what they leave after their own
    /// hand-out overflows to the reps of the nearest other office.
    Overflow,
}

/// Reclaim timeouts by customer level, calendar hours (or "none": that level is never reclaimed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LevelTimeouts {
    /// Level A: the top third by CRM score.
    pub a: Limit,
    /// Level B: the middle third.
    pub b: Limit,
    /// Level C: the bottom third.
    pub c: Limit,
}

/// A pool policy; variants override parts of the base policy by key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// The assignment rule.
    pub assignment: Assignment,
    /// Order of the pool for pushing.
    pub push_order: PushOrder,
    /// Fewest leads a rep is pushed a day (each rep-day's target is uniform in min..=max).
    pub push_min: u32,
    /// Most leads a rep is pushed a day.
    pub push_max: u32,
    /// Add (each rep-day is pushed its target of new leads: MODEL.md's "30–50 leads per
    /// rep per day") or top-up (the assigned list is filled up to the target).
    pub push_mode: PushMode,
    /// Calendar hours an assigned lead may wait for first contact before it is reclaimed, or "none".
    pub reclaim_timeout_hours: Limit,
    /// Timeouts by customer level, replacing `reclaim_timeout_hours` when set: level A is the
    /// top third of leads by the CRM's score, B the middle, C the bottom third (thirds of
    /// the company propensity distribution), e.g. `{ a = 96, b = 48, c = 24 }`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_by_level: Option<LevelTimeouts>,
    /// Private leads a rep may keep, or "none".
    pub private_cap: Limit,
    /// With a full private pool, keeping a lead returns the worst-judged one (else the new lead is returned).
    pub swap_rule: bool,
    /// Calendar days without progress after which a private lead is reclaimed, or "none".
    pub stale_private_days: Limit,
    /// Calendar days before a returned lead can go back to the same rep, or "none".
    pub cooldown_days: Limit,
    /// Who is served first among equals when leads are dealt.
    pub tie_break: TieBreak,
    /// Whether pool leads stay in their territory (with several `[[office]]` tables).
    pub territory: Territory,
    /// Whether leads with an open deal (the deal has moved at least once) are exempt from the
    /// stale and deal-deadline reclaims.
    pub exempt_open_deals: bool,
    /// Calendar hours after its return during which a lead goes to no one (embargo), or "none".
    pub embargo_hours: Limit,
    /// Calendar days a rep may keep a lead privately without winning it before it is
    /// reclaimed ("reclaim after N days without a deal"), or "none".
    pub private_max_days: Limit,
    /// Self-claiming: most leads a rep may claim a day, or "none".
    pub claim_limit: Limit,
    /// Self-claiming: most leads a rep wants to claim a day.
    pub claim_appetite: u32,
    /// Hours before a reclaim in which the CRM reminds the rep (reminded leads are called first), or "none".
    pub reminder_hours: Limit,
    /// Share of the day's CRM entries the quality team audits.
    pub audit_rate: f64,
    /// Whether a rep caught faking an entry is dismissed (its leads return to the pool).
    pub dismiss_caught_fakers: bool,
    /// Calendar days of wins that weigh a rep under performance weighting.
    pub performance_window_days: u32,
    /// Capacity-weighted assignment: a new hire's capacity on its first day, as a share of
    /// a veteran's (0–1); it rises linearly to 1 at `org.new_hire_days` of tenure.
    pub new_hire_capacity: f64,
}

impl Policy {
    /// Whether no pushed or claimed lead is ever reclaimed for want of a first contact:
    /// no `reclaim_timeout_hours` and no `timeout_by_level` level with a timeout (its
    /// `reclaimed_share` is zero by construction).
    pub fn never_times_out(&self) -> bool {
        match &self.timeout_by_level {
            Some(l) => [l.a, l.b, l.c].iter().all(|t| t.value().is_none()),
            None => self.reclaim_timeout_hours.value().is_none(),
        }
    }
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            assignment: Assignment::RoundRobin,
            push_order: PushOrder::Newest,
            push_min: 30,
            push_max: 50,
            push_mode: PushMode::Add,
            reclaim_timeout_hours: Limit::At(48),
            timeout_by_level: None,
            private_cap: Limit::At(30),
            swap_rule: true,
            stale_private_days: Limit::At(30),
            cooldown_days: Limit::At(7),
            tie_break: TieBreak::Rotate,
            territory: Territory::None,
            exempt_open_deals: false,
            embargo_hours: Limit::None,
            private_max_days: Limit::None,
            claim_limit: Limit::None,
            claim_appetite: 50,
            reminder_hours: Limit::None,
            audit_rate: 0.05,
            dismiss_caught_fakers: false,
            performance_window_days: 30,
            new_hire_capacity: 0.5,
        }
    }
}
