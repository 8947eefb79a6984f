//! An optional record of what every rep did, for tests and for showing one rep's day.

use super::lead::{LeadId, RepId};
use crate::scenario::Mode;
use crate::time::Minute;

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
    /// The lead concerned, if any.
    pub lead: Option<LeadId>,
}

/// The records, in the order they were made.
#[derive(Debug, Clone, Default)]
pub struct Trace {
    /// Every record.
    pub records: Vec<TraceRecord>,
}
