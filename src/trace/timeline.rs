//! A rep's day as a timeline: a text table for people, tidy CSV (one row per stretch) and
//! JSON for programs.

use super::day::{DayTrace, Kind, Spot, Stretch};
use crate::output::csv_out::to_bytes;
use crate::sim::trace::{Detail, VisitDetail, VisitOutcome};

/// `HH:MM` of minutes after 00:00 (hours past 24 for work after midnight).
pub fn clock(min: i64) -> String {
    format!("{:02}:{:02}", min.div_euclid(60), min.rem_euclid(60))
}

/// `n` and the noun, plural unless `n` is 1.
pub fn count(n: impl Into<u64>, noun: &str) -> String {
    let n = n.into();
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// The rep's office in words: `the office` in a city with one, else `the <name> office`.
pub fn office_words(t: &DayTrace) -> String {
    if t.city.offices.len() > 1 {
        format!("the {} office", t.rep.office)
    } else {
        "the office".to_string()
    }
}

/// A place in words: the office, or a building with its district.
pub fn place(spot: &Spot, office: &str) -> String {
    match (spot.building, spot.district) {
        (None, _) => office.to_string(),
        (Some(b), Some(d)) => format!("building {b}, district {d}"),
        (Some(b), None) => format!("building {b} (outside the districts)"),
    }
}

fn coords(spot: &Spot) -> String {
    format!("({:.1}, {:.1})", spot.x_km, spot.y_km)
}

/// What came of a lead visit, in words.
pub fn visit_words(v: &VisitDetail) -> String {
    let step = format!("step {} of {}", v.steps_done, v.steps_needed);
    let mut text = match v.outcome {
        VisitOutcome::WindowClosed => "the buying window had closed: lead lost".to_string(),
        VisitOutcome::NotMet => "gatekeeper only, not effective; lead stays open".to_string(),
        VisitOutcome::NoProgress => format!("met the decision-maker; no step forward ({step})"),
        VisitOutcome::Progressed => format!("met the decision-maker; deal moved on ({step})"),
        VisitOutcome::Won => format!(
            "met the decision-maker; WON ({step}), {:.0} CNY",
            v.deal_value
        ),
        VisitOutcome::Lost => "met the decision-maker; said no: lead lost".to_string(),
    };
    for (flag, words) in [
        (v.first_contact, "first contact"),
        (v.booked, "booked by phone"),
        (v.ride_along, "manager along"),
    ] {
        if flag {
            text.push_str("; ");
            text.push_str(words);
        }
    }
    text
}

/// The activity column of a stretch.
fn activity(s: &Stretch) -> String {
    match s.kind {
        Kind::Travel => s.mode.map_or("travel", |m| m.name()).to_string(),
        Kind::InsideMove => "inside move".into(),
        Kind::Lobby => "lobby".into(),
        Kind::Visit => format!("visit {}", s.stop.unwrap_or(0)),
        Kind::ColdVisit => "cold visit".into(),
        Kind::Meeting => "meeting".into(),
        Kind::CrmEntry => "CRM entry".into(),
        Kind::Calls => "calls".into(),
        Kind::Research => "research".into(),
    }
}

/// The details column of a stretch.
fn details(s: &Stretch, t: &DayTrace) -> String {
    let office = &office_words(t);
    match (s.kind, &s.detail) {
        (Kind::Travel, _) => format!(
            "{} {} -> {} {}; {:.1} km road",
            place(&s.from, office),
            coords(&s.from),
            place(&s.to, office),
            coords(&s.to),
            s.km
        ),
        (Kind::InsideMove, _) => "to another company in the building".into(),
        (Kind::Lobby, _) => format!("registration at {}", place(&s.to, office)),
        (Kind::Visit, Detail::Visit(v)) => {
            let lead = s.lead.map_or(String::new(), |l| {
                format!("lead {} (company {}, {}): ", l.id, l.company, l.origin)
            });
            format!("{lead}{}", visit_words(v))
        }
        (Kind::ColdVisit, Detail::Cold { contact }) => match (contact, s.lead) {
            (_, Some(l)) => format!("contact made: new lead {} (company {})", l.id, l.company),
            (true, None) => "contact made, but every company here already has a lead".into(),
            (false, None) => "no contact".into(),
        },
        (Kind::Meeting, _) => "team meeting: results, hard cases".into(),
        (
            Kind::CrmEntry,
            Detail::Crm {
                entries,
                fakes,
                caught,
            },
        ) => {
            let mut text = format!(
                "{}: {}, {}",
                if *entries == 1 {
                    "1 entry".to_string()
                } else {
                    format!("{entries} entries")
                },
                count(t.totals.visits, "visit"),
                count(t.totals.cold_visits, "cold visit")
            );
            if *fakes > 0 {
                text.push_str(&format!(", {fakes} faked ({caught} caught by the audit)"));
            }
            text
        }
        (
            Kind::Calls,
            Detail::Calls {
                made,
                reached,
                booked,
                closed,
            },
        ) => format!(
            "{}: {reached} reached the decision-maker, {} booked for the next day, {} closed",
            count(*made, "call"),
            count(*booked, "visit"),
            count(*closed, "lead")
        ),
        (Kind::Research, Detail::Research { found }) => {
            format!("{} found", count(*found, "new lead"))
        }
        _ => String::new(),
    }
}

/// The human-readable timeline: a heading, one aligned row per stretch (plus the morning,
/// the departure and the return), and the day in numbers.
pub fn text(t: &DayTrace) -> String {
    let r = &t.rep;
    let office = office_words(t);
    let mut out = format!(
        "rep {} ({}, team {}{}, {} days' tenure, skill {:.2}) on working day {} ({}, calendar day {})\n",
        r.id,
        if r.new_hire { "new hire" } else { "veteran" },
        r.team,
        if t.city.offices.len() > 1 {
            format!(" of {office}")
        } else {
            String::new()
        },
        r.tenure_days,
        r.skill,
        t.day,
        t.weekday,
        t.calendar_day
    );
    out.push_str(&format!(
        "scenario {}, variant {}, replication {}, seed {}; places are (x, y) km from the city centre\n\n",
        t.scenario, t.variant, t.replication, t.seed
    ));
    let mut rows: Vec<[String; 4]> = vec![[
        "time".into(),
        "min".into(),
        "activity".into(),
        "details".into(),
    ]];
    let m = &t.morning;
    rows.push([
        clock(t.clock.office_open_min),
        String::new(),
        "office".into(),
        format!(
            "{} held; {} planned ({} booked by phone){}",
            count(m.held, "lead"),
            count(m.planned, "stop"),
            m.booked,
            if m.ride_along {
                "; the manager rides along today"
            } else {
                ""
            }
        ),
    ]);
    for s in &t.stretches {
        if s.kind == Kind::Travel && s.from.building.is_none() {
            rows.push([
                clock(s.start_min),
                String::new(),
                "depart".into(),
                format!("leave {office} for the field"),
            ]);
        }
        rows.push([
            format!("{}-{}", clock(s.start_min), clock(s.end_min)),
            s.minutes().to_string(),
            activity(s),
            details(s, t),
        ]);
        if s.is_return() {
            let spare = t.clock.deadline_min - s.end_min;
            let deadline = clock(t.clock.deadline_min);
            rows.push([
                clock(s.end_min),
                String::new(),
                "back".into(),
                if spare >= 0 {
                    format!("at {office}, {spare} min before the {deadline} deadline")
                } else {
                    format!(
                        "at {office}, {} min LATE for the {deadline} deadline",
                        -spare
                    )
                },
            ]);
        }
    }
    let width = |k: usize| {
        rows.iter()
            .map(|row| row[k].chars().count())
            .max()
            .unwrap_or(0)
    };
    let (w0, w1, w2) = (width(0), width(1), width(2));
    for row in &rows {
        let line = format!(
            "{:<w0$}  {:>w1$}  {:<w2$}  {}",
            row[0], row[1], row[2], row[3]
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&summary(t));
    out
}

/// The day in numbers, a few lines.
pub fn summary(t: &DayTrace) -> String {
    let s = &t.totals;
    let c = &t.clock;
    let trips: Vec<String> = s
        .trips
        .iter()
        .map(|(mode, n)| format!("{} {n}", mode.name()))
        .collect();
    let back = match (s.back_min, s.spare_min) {
        (Some(b), Some(spare)) if spare >= 0 => format!("back {} ({spare} min to spare)", clock(b)),
        (Some(b), Some(spare)) => format!("back {} ({} min late)", clock(b), -spare),
        _ => "not back".to_string(),
    };
    format!(
        "visits:  {} of a quota of {}, {} effective (quota {}); {} won, {} moved on, {} lost; {}, {}\n\
         travel:  {} min over {:.1} km road ({}); left {}, {back}\n\
         evening: {}, {} booked for the next day, {} from research; desk work until {}\n",
        s.visits,
        c.visit_quota,
        s.effective,
        c.effective_quota,
        s.won,
        s.progressed,
        s.lost,
        count(s.cold_visits, "cold visit"),
        count(s.cold_leads, "new lead"),
        s.travel_min,
        s.km,
        if trips.is_empty() {
            "no trips".to_string()
        } else {
            trips.join(", ")
        },
        s.depart_min.map_or("-".to_string(), clock),
        count(s.calls, "call"),
        count(s.booked, "visit"),
        count(s.desk_leads, "lead"),
        s.desk_end_min.map_or("-".to_string(), clock),
    )
}

/// Header of the timeline CSV.
pub const CSV_HEADER: [&str; 37] = [
    "variant",
    "replication",
    "rep",
    "day",
    "stretch",
    "start_min",
    "end_min",
    "start",
    "end",
    "minutes",
    "activity",
    "mode",
    "km",
    "from_x_km",
    "from_y_km",
    "from_building",
    "to_x_km",
    "to_y_km",
    "to_building",
    "to_district",
    "stop",
    "lead",
    "company",
    "lead_origin",
    "effective",
    "outcome",
    "first_contact",
    "steps_done",
    "steps_needed",
    "deal_value_cny",
    "cold_contact",
    "entries",
    "fakes",
    "calls",
    "calls_reached",
    "visits_booked",
    "leads_found",
];

/// The timeline as CSV: one row per stretch, times in minutes after 00:00 of the day
/// (`start_min`, `end_min`, also as `HH:MM`), distances and coordinates in km; columns
/// that do not apply to a stretch are empty.
pub fn csv(t: &DayTrace) -> Vec<u8> {
    let opt = |x: Option<u32>| x.map(|v| v.to_string()).unwrap_or_default();
    let km = |x: f64| format!("{x:.3}");
    let rows = t.stretches.iter().enumerate().map(|(k, s)| {
        let mut row = vec![
            t.variant.clone(),
            t.replication.to_string(),
            t.rep.id.to_string(),
            t.day.to_string(),
            (k + 1).to_string(),
            s.start_min.to_string(),
            s.end_min.to_string(),
            clock(s.start_min),
            clock(s.end_min),
            s.minutes().to_string(),
            s.kind.as_str().to_string(),
            s.mode.map(|m| m.name().to_string()).unwrap_or_default(),
            km(s.km),
            km(s.from.x_km),
            km(s.from.y_km),
            opt(s.from.building),
            km(s.to.x_km),
            km(s.to.y_km),
            opt(s.to.building),
            opt(s.to.district),
            opt(s.stop),
            opt(s.lead.map(|l| l.id)),
            opt(s.lead.map(|l| l.company)),
            s.lead.map(|l| l.origin.to_string()).unwrap_or_default(),
        ];
        let mut rest = vec![String::new(); CSV_HEADER.len() - row.len()];
        // Indices into `rest`, in header order from `effective`.
        match s.detail {
            Detail::Visit(v) => {
                rest[0] = v.outcome.effective().to_string();
                rest[1] = v.outcome.as_str().to_string();
                rest[2] = v.first_contact.to_string();
                rest[3] = v.steps_done.to_string();
                rest[4] = v.steps_needed.to_string();
                rest[5] = format!("{:.0}", v.deal_value);
            }
            Detail::Cold { contact } => rest[6] = contact.to_string(),
            Detail::Crm { entries, fakes, .. } => {
                rest[7] = entries.to_string();
                rest[8] = fakes.to_string();
            }
            Detail::Calls {
                made,
                reached,
                booked,
                ..
            } => {
                rest[9] = made.to_string();
                rest[10] = reached.to_string();
                rest[11] = booked.to_string();
            }
            Detail::Research { found } => rest[12] = found.to_string(),
            Detail::None => {}
        }
        if s.kind == Kind::ColdVisit {
            rest[12] = u32::from(s.lead.is_some()).to_string();
        }
        row.extend(rest);
        row
    });
    let header = CSV_HEADER.iter().map(|c| c.to_string()).collect();
    to_bytes(std::iter::once(header).chain(rows))
}

/// The day as pretty-printed JSON (the city itself left out), ending in a newline.
pub fn json(t: &DayTrace) -> String {
    let mut text = serde_json::to_string_pretty(t).expect("a day trace always serialises");
    text.push('\n');
    text
}
