//! An optional record of what reps did, for tests and for showing one rep's day
//! (`salesim trace`). Recording only reads the simulation's state: it draws no random
//! number and changes no order, so a traced run gives the same results as an untraced one.

use super::SimOptions;
use super::lead::{LeadId, RepId};
use crate::scenario::Mode;
use crate::time::Minute;
use crate::world::Place;
use serde::Serialize;

/// What a rep was doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    /// Moving between places (mode `None`: inside a building).
    Travel(Option<Mode>),
    /// Registering in a building's lobby.
    Lobby,
    /// A lead visit; `true` if it met the decision-maker.
    Visit(bool),
    /// A cold visit; `true` if it found a new lead.
    Cold(bool),
    /// Entering the day into the CRM (real and faked entries).
    CrmEntry,
    /// Phone screening.
    Calls,
    /// Researching prospects at the desk.
    Research,
}

/// Where a lead visit left the lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitOutcome {
    /// The lead's buying window had closed before the visit: lost.
    WindowClosed,
    /// Only the gatekeeper was met; the lead stays open.
    NotMet,
    /// The decision-maker was met but the deal did not move; still open.
    NoProgress,
    /// The deal moved on a step; still open.
    Progressed,
    /// The deal's last step: a contract.
    Won,
    /// The decision-maker said no: lost.
    Lost,
}

impl VisitOutcome {
    /// The outcome's name in the timeline's CSV and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            VisitOutcome::WindowClosed => "window_closed",
            VisitOutcome::NotMet => "not_met",
            VisitOutcome::NoProgress => "no_progress",
            VisitOutcome::Progressed => "progressed",
            VisitOutcome::Won => "won",
            VisitOutcome::Lost => "lost",
        }
    }

    /// Whether the visit met the decision-maker (an effective visit).
    pub fn effective(self) -> bool {
        !matches!(self, VisitOutcome::NotMet | VisitOutcome::WindowClosed)
    }
}

/// What a lead visit did.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct VisitDetail {
    /// The lead's first contact ever.
    pub first_contact: bool,
    /// A visit booked by phone the evening before.
    pub booked: bool,
    /// The team's manager rode along.
    pub ride_along: bool,
    /// Where it left the lead.
    pub outcome: VisitOutcome,
    /// Deal steps done after the visit.
    pub steps_done: u32,
    /// Deal steps the lead needs to be won.
    pub steps_needed: u32,
    /// The deal's value, CNY.
    #[serde(rename = "deal_value_cny")]
    pub deal_value: f64,
}

/// What came of a stretch, beyond its activity.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Detail {
    /// Nothing more to say (travel, lobby).
    None,
    /// A lead visit.
    Visit(VisitDetail),
    /// A cold visit: whether someone gave a contact (the new lead, if any, is the record's `lead`).
    Cold {
        /// A contact was made (a lead needs also a company in the building without an open lead).
        contact: bool,
    },
    /// CRM entry.
    Crm {
        /// Entries typed: visits, cold visits and fakes.
        entries: u32,
        /// Faked visit entries among them.
        fakes: u32,
        /// Fakes the audit caught.
        caught: u32,
    },
    /// Phone screening.
    Calls {
        /// Calls made.
        made: u32,
        /// Calls that reached the decision-maker.
        reached: u32,
        /// Visits booked for the next working day.
        booked: u32,
        /// Leads closed as dead after a call.
        closed: u32,
    },
    /// Desk research.
    Research {
        /// New leads found.
        found: u32,
    },
}

/// One stretch of a rep's time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TraceRecord {
    /// The rep.
    pub rep: RepId,
    /// Working day.
    pub day: u32,
    /// Start, minutes.
    pub start: Minute,
    /// End, minutes.
    pub end: Minute,
    /// What it was.
    pub activity: Activity,
    /// The lead concerned, if any (for a cold visit: the lead it found).
    pub lead: Option<LeadId>,
    /// Where the stretch starts.
    pub from: Place,
    /// Where it ends (the same place unless the rep travelled).
    pub to: Place,
    /// Road km travelled (0 unless travelling between buildings).
    pub km: f64,
    /// What came of it.
    pub detail: Detail,
}

impl TraceRecord {
    /// A stretch spent at one place, with nothing more to say yet.
    pub fn at(
        rep: RepId,
        day: u32,
        (start, end): (Minute, Minute),
        activity: Activity,
        place: Place,
    ) -> TraceRecord {
        TraceRecord {
            rep,
            day,
            start,
            end,
            activity,
            lead: None,
            from: place,
            to: place,
            km: 0.0,
            detail: Detail::None,
        }
    }

    /// The same record about `lead`.
    pub fn with_lead(self, lead: Option<LeadId>) -> TraceRecord {
        TraceRecord { lead, ..self }
    }

    /// The same record with `detail`.
    pub fn with_detail(self, detail: Detail) -> TraceRecord {
        TraceRecord { detail, ..self }
    }
}

/// A traced rep's morning: what the day started with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TraceDay {
    /// The rep.
    pub rep: RepId,
    /// Working day.
    pub day: u32,
    /// Leads held (assigned and private) when the day was planned.
    pub held: u32,
    /// Stops planned for the day.
    pub planned: u32,
    /// Planned stops that are visits booked the evening before.
    pub booked: u32,
    /// The team's manager rides along today.
    pub ride_along: bool,
    /// A new hire today.
    pub new_hire: bool,
    /// Skill in the morning (0–1].
    pub skill: f64,
}

/// The records, in the order they were made.
#[derive(Debug, Clone, Default)]
pub struct Trace {
    /// Every record.
    pub records: Vec<TraceRecord>,
    /// One entry per traced rep and working day, made in the morning.
    pub days: Vec<TraceDay>,
}

impl SimOptions {
    /// Options that trace rep `rep` only (and check nothing).
    pub fn trace_rep(rep: RepId) -> SimOptions {
        SimOptions {
            trace: true,
            trace_rep: Some(rep),
            ..SimOptions::default()
        }
    }

    /// Whether rep `r`'s actions are recorded.
    pub fn traces(&self, r: RepId) -> bool {
        self.trace && self.trace_rep.is_none_or(|only| only == r)
    }
}
