//! Reps: skill and its learning curve, held leads, the day's state and running totals.

use super::lead::{LeadId, NEVER};
use super::lead_table::HeldLead;
use crate::scenario::Skill;
use crate::time::Minute;
use crate::world::Place;

/// The learning curve s = ceiling − (ceiling − start)·exp(−experience/scale).
pub fn skill_at(start: f64, ceiling: f64, experience: f64, scale: f64) -> f64 {
    ceiling - (ceiling - start) * (-experience / scale).exp()
}

/// What a rep did on the current day.
#[derive(Debug, Clone, Default)]
pub struct RepDay {
    /// The planned stops in visiting order.
    pub plan: Vec<LeadId>,
    /// Index of the next stop to consider.
    pub next: usize,
    /// Where the rep is.
    pub at: Option<Place>,
    /// Whether the team's manager rides along today.
    pub ride_along: bool,
    /// Lead visits made.
    pub visits: u32,
    /// Effective visits made.
    pub effective: u32,
    /// Cold visits made.
    pub cold: u32,
    /// Cold visits still allowed after the current effective visit.
    pub cold_left: u32,
    /// Minutes travelled.
    pub travel_min: u32,
    /// The visit in progress: lead, start minute, effective.
    pub current: Option<(LeadId, Minute, bool)>,
    /// When the rep got back to the office.
    pub back_at: Minute,
    /// Visits booked for the next working day.
    pub booked: u32,
    /// Whether the rep is back at the office.
    pub returned: bool,
    /// The working day this state belongs to.
    pub day: u32,
    /// Minutes of slack left for cold visits after the current effective visit.
    pub cold_slack: f64,
    /// The rep-day's stream: travel noise, visit lengths, cold visits, research.
    pub rng: Option<crate::rng::Stream>,
}

/// Running totals of a rep over the replication.
#[derive(Debug, Clone, Default)]
pub struct RepStats {
    /// Working days present.
    pub days: u32,
    /// Leads received from the pool (pushed or claimed).
    pub leads_received: u32,
    /// Sum of the true propensity of leads received.
    pub quality_received: f64,
    /// Lead visits.
    pub visits: u32,
    /// Effective visits.
    pub effective: u32,
    /// Wins.
    pub wins: u32,
    /// Revenue won, CNY.
    pub revenue: f64,
}

/// A sales rep.
#[derive(Debug, Clone)]
pub struct Rep {
    /// Rep id (index).
    pub id: u32,
    /// Team index.
    pub team: u32,
    /// Hiring time (negative for reps already there at the start).
    pub hired_at: Minute,
    /// Skill with no experience.
    pub start_skill: f64,
    /// The rep's ceiling.
    pub ceiling: f64,
    /// Experience, in effective visits.
    pub experience: f64,
    /// Current skill (0–1].
    pub skill: f64,
    /// Whether the rep still works here.
    pub active: bool,
    /// When the rep left, or `NEVER`.
    pub left_at: Minute,
    /// Assigned list.
    pub assigned: Vec<HeldLead>,
    /// Private pool.
    pub private: Vec<HeldLead>,
    /// Ride-along days received.
    pub ride_alongs: u32,
    /// Times of every win (ascending).
    pub win_times: Vec<Minute>,
    /// Today's state.
    pub today: RepDay,
    /// Running totals.
    pub stats: RepStats,
}

impl Rep {
    /// A rep with this id, team, hiring time, traits and experience.
    pub fn new(
        id: u32,
        team: u32,
        hired_at: Minute,
        start_skill: f64,
        ceiling: f64,
        experience: f64,
        cfg: &Skill,
    ) -> Rep {
        Rep {
            id,
            team,
            hired_at,
            start_skill,
            ceiling,
            experience,
            skill: skill_at(start_skill, ceiling, experience, cfg.learning_scale),
            active: true,
            left_at: NEVER,
            assigned: Vec::new(),
            private: Vec::new(),
            ride_alongs: 0,
            win_times: Vec::new(),
            today: RepDay::default(),
            stats: RepStats::default(),
        }
    }

    /// Adds experience and updates skill.
    pub fn learn(&mut self, amount: f64, cfg: &Skill) {
        self.experience += amount;
        self.skill = skill_at(
            self.start_skill,
            self.ceiling,
            self.experience,
            cfg.learning_scale,
        );
    }

    /// Whether the rep is a new hire at `now` (tenure under `new_hire_days` calendar days).
    pub fn is_new_hire(&self, now: Minute, new_hire_days: u32) -> bool {
        now - self.hired_at < Minute::from(new_hire_days) * crate::time::DAY
    }

    /// Wins since `since`.
    pub fn wins_since(&self, since: Minute) -> usize {
        self.win_times.len() - self.win_times.partition_point(|&t| t < since)
    }

    /// Leads held (assigned and private).
    pub fn held(&self) -> usize {
        self.assigned.len() + self.private.len()
    }

    /// Judgment noise sigma: base − per_skill·skill, at least 0.
    pub fn judge_sigma(&self, cfg: &Skill) -> f64 {
        (cfg.judge_sigma_base - cfg.judge_sigma_per_skill * self.skill).max(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learning_curve_ramps_to_ceiling() {
        assert_eq!(skill_at(0.35, 0.85, 0.0, 150.0), 0.35);
        assert!((skill_at(0.35, 0.85, 150.0, 150.0) - (0.85 - 0.5 * (-1f64).exp())).abs() < 1e-12);
        assert!(skill_at(0.35, 0.85, 1e6, 150.0) > 0.8499);
    }
}
