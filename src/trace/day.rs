//! One rep's working day as plain data, taken from a finished (traced) simulation: who the
//! rep is, how the day started, every stretch in time order with its places and results,
//! the day's totals, and the bits of the city a map needs.

use crate::scenario::Mode;
use crate::sim::Sim;
use crate::sim::lead::{LeadId, Origin, RepId};
use crate::sim::records::Cohort;
use crate::sim::trace::{Activity, Detail, TraceRecord, VisitOutcome};
use crate::time::DAY;
use crate::world::Place;
use serde::Serialize;

/// Names of the days of the week; working day 0 is a Monday.
pub const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// One rep's day.
#[derive(Debug, Clone, Serialize)]
pub struct DayTrace {
    /// Scenario name.
    pub scenario: String,
    /// Variant name.
    pub variant: String,
    /// Replication (0-based).
    pub replication: u32,
    /// Master seed.
    pub seed: u64,
    /// The rep.
    pub rep: RepInfo,
    /// Working day (0-based, as the `day` column of `daily.csv`).
    pub day: u32,
    /// Calendar day since day 0 (weekends count).
    pub calendar_day: i64,
    /// Day of the week (`Mon` ... `Sun`).
    pub weekday: &'static str,
    /// The scenario's clock for the day.
    pub clock: DayClock,
    /// How the day started.
    pub morning: Morning,
    /// Every stretch, in time order; times are minutes after 00:00 of the day.
    pub stretches: Vec<Stretch>,
    /// The day's totals.
    pub totals: Totals,
    /// The city, for the map (not part of the JSON timeline).
    #[serde(skip)]
    pub city: CityView,
}

/// Who the rep is on the day.
#[derive(Debug, Clone, Serialize)]
pub struct RepInfo {
    /// Rep id.
    pub id: RepId,
    /// Team index.
    pub team: u32,
    /// The office the rep works from.
    pub office: String,
    /// Where the rep's cohort stood at the start of the horizon.
    pub cohort: Cohort,
    /// Whether the rep is a new hire on the day.
    pub new_hire: bool,
    /// Calendar days since hiring, on the day.
    pub tenure_days: i64,
    /// Skill in the morning (0–1].
    pub skill: f64,
}

/// The scenario's clock, in minutes after 00:00.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct DayClock {
    /// Arrival at the office: the day's targets and leads.
    pub office_open_min: i64,
    /// Departure for the field.
    pub depart_min: i64,
    /// Hard deadline to be back at the office.
    pub deadline_min: i64,
    /// End of the evening meeting (desk work starts).
    pub meeting_end_min: i64,
    /// End of the desk evening.
    pub desk_end_min: i64,
    /// Visits a day.
    pub visit_quota: u32,
    /// Effective visits a day.
    pub effective_quota: u32,
}

/// How the day started.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Morning {
    /// Leads held (assigned and private) when the day was planned.
    pub held: u32,
    /// Stops planned.
    pub planned: u32,
    /// Planned stops booked by phone the evening before.
    pub booked: u32,
    /// The manager rides along.
    pub ride_along: bool,
}

/// What a stretch was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Travel between buildings (or to and from the office).
    Travel,
    /// A move between companies inside one building.
    InsideMove,
    /// Lobby registration.
    Lobby,
    /// A lead visit.
    Visit,
    /// A cold visit.
    ColdVisit,
    /// The team's evening meeting (from the scenario's clock: the deadline, or the rep's
    /// return if later, to the meeting's end).
    Meeting,
    /// CRM entry.
    CrmEntry,
    /// Phone screening.
    Calls,
    /// Desk research.
    Research,
}

impl Kind {
    /// The name used in the CSV and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Travel => "travel",
            Kind::InsideMove => "inside_move",
            Kind::Lobby => "lobby",
            Kind::Visit => "visit",
            Kind::ColdVisit => "cold_visit",
            Kind::Meeting => "meeting",
            Kind::CrmEntry => "crm_entry",
            Kind::Calls => "calls",
            Kind::Research => "research",
        }
    }
}

/// A place on the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spot {
    /// East of the city centre, km.
    pub x_km: f64,
    /// North of the city centre, km.
    pub y_km: f64,
    /// Building index; `None` at an office.
    pub building: Option<u32>,
    /// District of the building; `None` at an office or for a scattered building.
    pub district: Option<u32>,
}

/// The lead a stretch concerns.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LeadInfo {
    /// Lead id.
    pub id: LeadId,
    /// Company id.
    pub company: u32,
    /// Where the lead came from (`initial`, `marketing`, `registration`, `cold`, `desk`).
    pub origin: &'static str,
}

/// One stretch of the day.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Stretch {
    /// Start, minutes after 00:00 of the day.
    pub start_min: i64,
    /// End, minutes after 00:00 of the day.
    pub end_min: i64,
    /// What it was.
    pub kind: Kind,
    /// Travel mode.
    pub mode: Option<Mode>,
    /// Road km travelled.
    pub km: f64,
    /// Where it starts.
    pub from: Spot,
    /// Where it ends.
    pub to: Spot,
    /// The lead concerned (for a cold visit, the lead it found).
    pub lead: Option<LeadInfo>,
    /// For a lead visit, its number in visiting order (from 1).
    pub stop: Option<u32>,
    /// What came of it.
    pub detail: Detail,
}

impl Stretch {
    /// Minutes it lasted.
    pub fn minutes(&self) -> i64 {
        self.end_min - self.start_min
    }

    /// Whether it is the trip back to the office.
    pub fn is_return(&self) -> bool {
        self.kind == Kind::Travel && self.to.building.is_none() && self.from.building.is_some()
    }
}

/// The day in numbers.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Totals {
    /// Lead visits.
    pub visits: u32,
    /// Visits that met the decision-maker.
    pub effective: u32,
    /// Deals won.
    pub won: u32,
    /// Deals moved on a step (not yet won).
    pub progressed: u32,
    /// Leads lost at a visit (a no, or a closed window).
    pub lost: u32,
    /// Cold visits.
    pub cold_visits: u32,
    /// Leads found on cold visits.
    pub cold_leads: u32,
    /// Minutes travelled (inside moves included).
    pub travel_min: i64,
    /// Road km travelled.
    pub km: f64,
    /// Trips by mode, in mode order (inside moves not counted).
    pub trips: Vec<(Mode, u32)>,
    /// Departure, minutes after 00:00.
    pub depart_min: Option<i64>,
    /// Return to the office, minutes after 00:00.
    pub back_min: Option<i64>,
    /// Minutes to spare before the deadline (negative: late).
    pub spare_min: Option<i64>,
    /// Calls made in the evening.
    pub calls: u32,
    /// Visits booked for the next working day.
    pub booked: u32,
    /// Leads found by desk research.
    pub desk_leads: u32,
    /// End of the desk evening, minutes after 00:00.
    pub desk_end_min: Option<i64>,
}

/// The city as a map shows it.
#[derive(Debug, Clone, Default)]
pub struct CityView {
    /// Half the side of the city, km.
    pub half_km: f64,
    /// Buildings: x, y km and district (`None` if scattered).
    pub buildings: Vec<(f64, f64, Option<u32>)>,
    /// Districts: centre x, y and a radius holding most of their buildings, km.
    pub districts: Vec<(f64, f64, f64)>,
    /// Offices: name, x, y km.
    pub offices: Vec<(String, f64, f64)>,
    /// Index of the rep's office in `offices`.
    pub office: usize,
}

impl CityView {
    /// The city of `sim` and the rep's office.
    fn of(sim: &Sim, r: RepId) -> CityView {
        let world = sim.world();
        let city = &world.city;
        let district = |d: u32| (d != u32::MAX).then_some(d);
        let buildings: Vec<(f64, f64, Option<u32>)> = city
            .buildings
            .iter()
            .zip(&city.building_district)
            .map(|(&(x, y), &d)| (x, y, district(d)))
            .collect();
        // Each district's radius: twice the root-mean-square distance of its buildings from
        // its centre (about 86% of a round normal cluster).
        let mut sums = vec![(0.0, 0usize); city.districts.len()];
        for &(x, y, d) in &buildings {
            if let Some(d) = d.filter(|&d| (d as usize) < sums.len()) {
                let (cx, cy) = city.districts[d as usize];
                sums[d as usize].0 += (x - cx).powi(2) + (y - cy).powi(2);
                sums[d as usize].1 += 1;
            }
        }
        let districts = city
            .districts
            .iter()
            .zip(&sums)
            .map(|(&(x, y), &(ss, n))| (x, y, 2.0 * (ss / n.max(1) as f64).sqrt()))
            .collect();
        let t = &world.territories;
        let offices = t
            .offices
            .iter()
            .zip(&t.names)
            .map(|(p, name)| (name.clone(), p.x, p.y))
            .collect();
        CityView {
            half_km: city.half_size_km,
            buildings,
            districts,
            offices,
            office: sim.office_of(r) as usize,
        }
    }
}

/// The name of a lead's origin.
fn origin_name(origin: Origin) -> &'static str {
    match origin {
        Origin::Initial => "initial",
        Origin::Marketing => "marketing",
        Origin::Registration => "registration",
        Origin::Cold => "cold",
        Origin::Desk => "desk",
    }
}

impl DayTrace {
    /// Rep `r`'s working day `day` from a finished simulation that traced the rep
    /// ([`crate::sim::SimOptions::trace_rep`]); `None` when the rep did not work that day.
    pub fn from_sim(
        sim: &Sim,
        variant: &str,
        replication: u32,
        r: RepId,
        day: u32,
    ) -> Option<DayTrace> {
        let start = *sim.trace.days.iter().find(|d| d.rep == r && d.day == day)?;
        let sc = sim.scenario();
        let cal = sim.calendar();
        let midnight = cal.at(day, crate::scenario::ClockTime(0));
        let rep = &sim.reps[r as usize];
        let records = rep_records(&sim.trace.records, r, day);
        let city = &sim.world().city;
        let spot = |p: &Place| Spot {
            x_km: p.x,
            y_km: p.y,
            building: p.building,
            district: p
                .building
                .map(|b| city.building_district[b as usize])
                .filter(|&d| d != u32::MAX),
        };
        let mut stretches = Vec::with_capacity(records.len() + 1);
        let mut stop = 0;
        for rec in &records {
            let kind = match rec.activity {
                Activity::Travel(None) => Kind::InsideMove,
                Activity::Travel(Some(_)) => Kind::Travel,
                Activity::Lobby => Kind::Lobby,
                Activity::Visit(_) => Kind::Visit,
                Activity::Cold(_) => Kind::ColdVisit,
                Activity::CrmEntry => Kind::CrmEntry,
                Activity::Calls => Kind::Calls,
                Activity::Research => Kind::Research,
            };
            if kind == Kind::Visit {
                stop += 1;
            }
            let lead = rec.lead.map(|id| {
                let l = &sim.leads[id as usize];
                LeadInfo {
                    id,
                    company: l.company,
                    origin: origin_name(l.origin),
                }
            });
            stretches.push(Stretch {
                start_min: rec.start - midnight,
                end_min: rec.end - midnight,
                kind,
                mode: match rec.activity {
                    Activity::Travel(mode) => mode,
                    _ => None,
                },
                km: rec.km,
                from: spot(&rec.from),
                to: spot(&rec.to),
                lead,
                stop: (kind == Kind::Visit).then_some(stop),
                detail: rec.detail,
            });
        }
        let clock = DayClock {
            office_open_min: i64::from(sc.day.office_open.minutes()),
            depart_min: i64::from(sc.day.depart.minutes()),
            deadline_min: i64::from(sc.day.return_deadline.minutes()),
            meeting_end_min: i64::from(sc.day.meeting_end.minutes()),
            desk_end_min: i64::from(sc.day.desk_end.minutes()),
            visit_quota: sc.day.visit_quota,
            effective_quota: sc.day.effective_quota,
        };
        add_meeting(&mut stretches, &clock);
        let office_name = sim.world().territories.names[sim.office_of(r) as usize].clone();
        let cohort = sim.rep_records()[r as usize].cohort;
        let calendar_day = cal.calendar_day(day);
        Some(DayTrace {
            scenario: sc.name.clone(),
            variant: variant.to_string(),
            replication,
            seed: sc.seed,
            rep: RepInfo {
                id: r,
                team: rep.team,
                office: office_name,
                cohort,
                new_hire: start.new_hire,
                tenure_days: (midnight - rep.hired_at).div_euclid(DAY),
                skill: start.skill,
            },
            day,
            calendar_day,
            weekday: WEEKDAYS[calendar_day.rem_euclid(7) as usize],
            clock,
            morning: Morning {
                held: start.held,
                planned: start.planned,
                booked: start.booked,
                ride_along: start.ride_along,
            },
            totals: totals(&stretches, &clock),
            stretches,
            city: CityView::of(sim, r),
        })
    }
}

/// Rep `r`'s records of working day `day`, in time order (a stable sort keeps the order
/// of records made at the same minute).
fn rep_records(records: &[TraceRecord], r: RepId, day: u32) -> Vec<TraceRecord> {
    let mut mine: Vec<TraceRecord> = records
        .iter()
        .filter(|rec| rec.rep == r && rec.day == day)
        .copied()
        .collect();
    mine.sort_by_key(|rec| (rec.start, rec.end));
    mine
}

/// Adds the evening meeting: from the deadline (or the return, if later) to the meeting's
/// end, when the rep is back by then; placed before the desk work.
fn add_meeting(stretches: &mut Vec<Stretch>, clock: &DayClock) {
    let Some(back) = stretches.iter().rfind(|s| s.is_return()) else {
        return;
    };
    let start = back.end_min.max(clock.deadline_min);
    if start >= clock.meeting_end_min {
        return;
    }
    let meeting = Stretch {
        start_min: start,
        end_min: clock.meeting_end_min,
        kind: Kind::Meeting,
        mode: None,
        km: 0.0,
        from: back.to,
        to: back.to,
        lead: None,
        stop: None,
        detail: Detail::None,
    };
    let at = stretches
        .iter()
        .position(|s| matches!(s.kind, Kind::CrmEntry | Kind::Calls | Kind::Research))
        .unwrap_or(stretches.len());
    stretches.insert(at, meeting);
}

/// The day's totals.
pub fn totals(stretches: &[Stretch], clock: &DayClock) -> Totals {
    let mut t = Totals::default();
    let mut trips: Vec<(Mode, u32)> = Vec::new();
    for s in stretches {
        match s.kind {
            Kind::Travel | Kind::InsideMove => {
                t.travel_min += s.minutes();
                t.km += s.km;
                if let Some(mode) = s.mode {
                    match trips.iter_mut().find(|(m, _)| *m == mode) {
                        Some((_, n)) => *n += 1,
                        None => trips.push((mode, 1)),
                    }
                }
                if s.kind == Kind::Travel && s.from.building.is_none() {
                    t.depart_min.get_or_insert(s.start_min);
                }
                if s.is_return() {
                    t.back_min = Some(s.end_min);
                    t.spare_min = Some(clock.deadline_min - s.end_min);
                }
            }
            Kind::Visit => {
                t.visits += 1;
                if let Detail::Visit(v) = s.detail {
                    t.effective += u32::from(v.outcome.effective());
                    match v.outcome {
                        VisitOutcome::Won => t.won += 1,
                        VisitOutcome::Progressed => t.progressed += 1,
                        VisitOutcome::Lost | VisitOutcome::WindowClosed => t.lost += 1,
                        VisitOutcome::NotMet | VisitOutcome::NoProgress => {}
                    }
                }
            }
            Kind::ColdVisit => {
                t.cold_visits += 1;
                t.cold_leads += u32::from(s.lead.is_some());
            }
            Kind::Calls => {
                if let Detail::Calls { made, booked, .. } = s.detail {
                    t.calls += made;
                    t.booked += booked;
                }
            }
            Kind::Research => {
                if let Detail::Research { found } = s.detail {
                    t.desk_leads += found;
                }
                t.desk_end_min = Some(s.end_min);
            }
            Kind::Lobby | Kind::Meeting | Kind::CrmEntry => {}
        }
    }
    trips.sort();
    t.trips = trips;
    t
}
