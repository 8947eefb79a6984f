//! The map of a rep's day as a self-contained SVG: the route's part of the city (districts
//! shaded, buildings as dots, the office), the route in visiting order coloured by mode,
//! each stop numbered with its arrival time and marked by what the visit achieved, cold
//! visits beside their building; an inset of the whole city, a legend and the list of stops.

use super::day::{DayTrace, Kind, Spot, Stretch};
use super::labels::{Boxes, nearest_point, text_width};
use super::side::{legend, stop_list};
use super::svg::{Svg, num};
use super::timeline::clock;
use crate::scenario::Mode;
use crate::sim::trace::{Detail, VisitOutcome};

const WIDTH: u32 = 1240;
pub(super) const HEIGHT: u32 = 900;
/// The main map: left, top, side (px).
const MAIN: (f64, f64, f64) = (20.0, 84.0, 796.0);
/// The inset of the whole city.
const INSET: (f64, f64, f64) = (840.0, 84.0, 280.0);
pub(super) const PAPER: &str = "#f6f5f0";
pub(super) const DISTRICT: &str = "#d9e3ef";
pub(super) const BUILDING: &str = "#9aa1a9";
pub(super) const EFFECTIVE: &str = "#1b7f3b";
pub(super) const WON: &str = "#f2b600";
pub(super) const LOST: &str = "#c0392b";
pub(super) const COLD: &str = "#e67e22";

/// Colour and dash pattern of a travel mode's line.
pub(super) fn mode_style(mode: Mode) -> (&'static str, &'static str) {
    match mode {
        Mode::Taxi => ("#d98c00", ""),
        Mode::Rail => ("#7a3db8", "7 4"),
        Mode::Walk => ("#2e8b57", "2 3"),
        Mode::Bike => ("#1f77b4", "9 3 2 3"),
    }
}

/// A square window on the city mapped onto a square of pixels (north up).
#[derive(Debug, Clone, Copy)]
struct Frame {
    left: f64,
    top: f64,
    side: f64,
    centre: (f64, f64),
    half_km: f64,
}

impl Frame {
    fn px(&self, x: f64, y: f64) -> (f64, f64) {
        let scale = self.side / (2.0 * self.half_km);
        (
            self.left + self.side / 2.0 + (x - self.centre.0) * scale,
            self.top + self.side / 2.0 - (y - self.centre.1) * scale,
        )
    }

    fn spot(&self, s: &Spot) -> (f64, f64) {
        self.px(s.x_km, s.y_km)
    }

    fn contains(&self, x: f64, y: f64, margin_km: f64) -> bool {
        let h = self.half_km + margin_km;
        (x - self.centre.0).abs() <= h && (y - self.centre.1).abs() <= h
    }

    fn km_per_px(&self) -> f64 {
        2.0 * self.half_km / self.side
    }
}

/// The window of the main map: every place of the day with a margin, at least 4 km
/// across, at most the whole city.
fn route_frame(t: &DayTrace) -> Frame {
    let (_, ox, oy) = t
        .city
        .offices
        .get(t.city.office)
        .cloned()
        .unwrap_or_default();
    let (mut x0, mut x1, mut y0, mut y1) = (ox, ox, oy, oy);
    for s in &t.stretches {
        for p in [&s.from, &s.to] {
            x0 = x0.min(p.x_km);
            x1 = x1.max(p.x_km);
            y0 = y0.min(p.y_km);
            y1 = y1.max(p.y_km);
        }
    }
    // Room around the outermost places for the markers and their labels (about 100 px
    // of the side on each side).
    let city_half = t.city.half_km.max(1.0) * 1.05;
    // At least 2 km each way, unless the city is smaller than that.
    let half = ((x1 - x0).max(y1 - y0) / 2.0 * 1.3 + 0.5).clamp(2.0_f64.min(city_half), city_half);
    Frame {
        left: MAIN.0,
        top: MAIN.1,
        side: MAIN.2,
        centre: ((x0 + x1) / 2.0, (y0 + y1) / 2.0),
        half_km: half,
    }
}

/// Lead visits grouped by building, in order of the first visit: the place and its visits.
fn stops_by_place(t: &DayTrace) -> Vec<(Spot, Vec<&Stretch>)> {
    let mut groups: Vec<(Spot, Vec<&Stretch>)> = Vec::new();
    for s in t.stretches.iter().filter(|s| s.kind == Kind::Visit) {
        match groups.iter_mut().find(|(p, _)| *p == s.to) {
            Some((_, visits)) => visits.push(s),
            None => groups.push((s.to, vec![s])),
        }
    }
    groups
}

/// Fill, outline and number colour of a stop's marker.
fn stop_style(s: &Stretch) -> (&'static str, &'static str, &'static str) {
    match s.detail {
        Detail::Visit(v) => match v.outcome {
            VisitOutcome::Won => (WON, "#6b5000", "#000000"),
            VisitOutcome::Lost => (LOST, "#5c1a12", "#ffffff"),
            VisitOutcome::NoProgress | VisitOutcome::Progressed => {
                (EFFECTIVE, "#0d3d1c", "#ffffff")
            }
            VisitOutcome::NotMet | VisitOutcome::WindowClosed => ("#ffffff", "#555555", "#222222"),
        },
        _ => ("#ffffff", "#555555", "#222222"),
    }
}

/// The office marker: a dark square with its name.
pub(super) fn office(svg: &mut Svg, at: (f64, f64), size: f64, name: Option<&str>, own: bool) {
    let fill = if own { "#222222" } else { "#888888" };
    svg.rect(
        (at.0 - size / 2.0, at.1 - size / 2.0),
        (size, size),
        &format!(r##"fill="{fill}" stroke="#ffffff" stroke-width="1.5""##),
    );
    if let Some(name) = name {
        svg.text(
            (at.0 + size / 2.0 + 4.0, at.1 - size / 2.0 - 2.0),
            13.0,
            r##"font-weight="bold" fill="#222222" stroke="#ffffff" stroke-width="3" paint-order="stroke""##,
            name,
        );
    }
}

/// Districts and buildings of `frame`, clipped to it.
fn city_layer(svg: &mut Svg, t: &DayTrace, frame: &Frame, id: &str, dot: f64, labels: bool) {
    svg.raw(&format!(
        r#"<clipPath id="{id}"><rect x="{}" y="{}" width="{}" height="{}"/></clipPath>"#,
        num(frame.left),
        num(frame.top),
        num(frame.side),
        num(frame.side)
    ));
    svg.rect(
        (frame.left, frame.top),
        (frame.side, frame.side),
        &format!(r#"fill="{PAPER}""#),
    );
    svg.raw(&format!(r#"<g clip-path="url(#{id})">"#));
    let scale = 1.0 / frame.km_per_px();
    for (d, &(x, y, r)) in t.city.districts.iter().enumerate() {
        if !frame.contains(x, y, r) {
            continue;
        }
        svg.circle(
            frame.px(x, y),
            r * scale,
            &format!(r##"fill="{DISTRICT}" fill-opacity="0.75" stroke="#b7c6d9""##),
        );
        if labels {
            let (px, py) = frame.px(x, y + r * 0.8);
            svg.text(
                (px, py),
                13.0,
                r##"text-anchor="middle" fill="#5b7190" font-style="italic""##,
                &format!("district {d}"),
            );
        }
    }
    let margin = frame.km_per_px() * 4.0;
    let points: Vec<(f64, f64)> = t
        .city
        .buildings
        .iter()
        .filter(|&&(x, y, _)| frame.contains(x, y, margin))
        .map(|&(x, y, _)| frame.px(x, y))
        .collect();
    svg.dots(&points, dot, BUILDING);
    svg.raw("</g>");
    svg.rect(
        (frame.left, frame.top),
        (frame.side, frame.side),
        r##"fill="none" stroke="#444444""##,
    );
}

/// A travel leg: its mode's line and an arrow at the middle. Returns the middle and the
/// leg's minutes, to be written beside it when the leg is long enough to carry a label.
fn leg(svg: &mut Svg, frame: &Frame, s: &Stretch) -> Option<((f64, f64), String)> {
    let (a, b) = (frame.spot(&s.from), frame.spot(&s.to));
    let (colour, dash) = s.mode.map_or(("#444444", ""), mode_style);
    let dash = if dash.is_empty() {
        String::new()
    } else {
        format!(r#" stroke-dasharray="{dash}""#)
    };
    svg.line(
        a,
        b,
        &format!(r#"stroke="{colour}" stroke-width="3" stroke-linecap="round"{dash}"#),
    );
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = dx.hypot(dy);
    if len < 30.0 {
        return None;
    }
    let (ux, uy) = (dx / len, dy / len);
    let (mx, my) = (a.0 + dx * 0.5, a.1 + dy * 0.5);
    svg.raw(&format!(
        r#"<polygon points="{},{} {},{} {},{}" fill="{colour}"/>"#,
        num(mx + ux * 7.0),
        num(my + uy * 7.0),
        num(mx - ux * 5.0 - uy * 5.0),
        num(my - uy * 5.0 + ux * 5.0),
        num(mx - ux * 5.0 + uy * 5.0),
        num(my - uy * 5.0 - ux * 5.0)
    ));
    (len > 90.0).then(|| ((mx, my), format!("{} min", s.minutes())))
}

/// The main map: the city around the route, the route, the stops and the cold visits.
fn main_map(svg: &mut Svg, t: &DayTrace, frame: &Frame) {
    city_layer(svg, t, frame, "main", 3.0, true);
    svg.raw(r#"<g clip-path="url(#main)">"#);
    let leg_labels: Vec<((f64, f64), String)> = t
        .stretches
        .iter()
        .filter(|s| s.kind == Kind::Travel)
        .filter_map(|s| leg(svg, frame, s))
        .collect();
    for (k, (name, x, y)) in t.city.offices.iter().enumerate() {
        let own = k == t.city.office;
        if frame.contains(*x, *y, 0.0) {
            office(svg, frame.px(*x, *y), 14.0, Some(name), own);
        }
    }
    let groups = stops_by_place(t);
    let mut boxes = Boxes::new([
        frame.left + 4.0,
        frame.top + 4.0,
        frame.left + frame.side - 4.0,
        frame.top + frame.side - 4.0,
    ]);
    // Markers first, so that no label covers one.
    for (place, visits) in &groups {
        let (px, py) = frame.spot(place);
        let n = visits.len() as f64;
        boxes.take([px - n * 12.0, py - 12.0, px + n * 12.0, py + 12.0]);
    }
    for (_, x, y) in &t.city.offices {
        boxes.take_around(frame.px(*x, *y), 8.0);
    }
    // And no label on a leg: small boxes every 8 px along each.
    for s in t.stretches.iter().filter(|s| s.kind == Kind::Travel) {
        let (a, b) = (frame.spot(&s.from), frame.spot(&s.to));
        let steps = ((b.0 - a.0).hypot(b.1 - a.1) / 8.0).ceil().max(1.0) as usize;
        for k in 0..=steps {
            let f = k as f64 / steps as f64;
            boxes.take_around((a.0 + (b.0 - a.0) * f, a.1 + (b.1 - a.1) * f), 3.0);
        }
    }
    for (place, visits) in &groups {
        let (px, py) = frame.spot(place);
        let n = visits.len() as f64;
        for (k, s) in visits.iter().enumerate() {
            let cx = px + k as f64 * 24.0 - (n - 1.0) * 12.0;
            let (fill, stroke, ink) = stop_style(s);
            svg.circle(
                (cx, py),
                11.0,
                &format!(r#"fill="{fill}" stroke="{stroke}" stroke-width="2""#),
            );
            svg.text(
                (cx, py + 4.5),
                12.0,
                &format!(r#"text-anchor="middle" font-weight="bold" fill="{ink}""#),
                &s.stop.unwrap_or(0).to_string(),
            );
        }
    }
    for (place, visits) in &groups {
        let anchor = frame.spot(place);
        let times: Vec<String> = visits.iter().map(|s| clock(s.start_min)).collect();
        let words = times.join(", ");
        let clear = visits.len() as f64 * 12.0 + 3.0;
        let b = boxes.place(anchor, clear, (text_width(&words, 12.0), 15.0));
        leader(svg, &b, anchor, clear + 13.0);
        svg.text(
            (b[0], b[3] - 3.5),
            12.0,
            r##"fill="#111111" stroke="#ffffff" stroke-width="3" paint-order="stroke""##,
            &words,
        );
        cold_marker(svg, t, place, anchor, &mut boxes);
    }
    // Legs' minutes last: they give way to the stops' labels.
    for (middle, words) in leg_labels {
        let b = boxes.place(middle, 5.0, (text_width(&words, 11.0), 14.0));
        svg.text(
            (b[0], b[3] - 3.5),
            11.0,
            r##"fill="#333333" stroke="#ffffff" stroke-width="3" paint-order="stroke""##,
            &words,
        );
    }
    svg.raw("</g>");
    scale_bar(svg, frame);
    svg.text(
        (frame.left + frame.side - 14.0, frame.top + 22.0),
        14.0,
        r##"text-anchor="middle" font-weight="bold" fill="#444444""##,
        "N",
    );
    svg.raw(&format!(
        r##"<polygon points="{},{} {},{} {},{}" fill="#444444"/>"##,
        num(frame.left + frame.side - 14.0),
        num(frame.top + 26.0),
        num(frame.left + frame.side - 19.0),
        num(frame.top + 38.0),
        num(frame.left + frame.side - 9.0),
        num(frame.top + 38.0)
    ));
}

/// A thin line from `anchor` to a label placed further than `near` px from it.
fn leader(svg: &mut Svg, label: &[f64; 4], anchor: (f64, f64), near: f64) {
    let end = nearest_point(label, anchor);
    let (dx, dy) = (end.0 - anchor.0, end.1 - anchor.1);
    let len = dx.hypot(dy);
    if len > near {
        // From the edge of the marker (radius 12) to the label.
        let start = (anchor.0 + dx / len * 12.0, anchor.1 + dy / len * 12.0);
        svg.line(start, end, r##"stroke="#555555" stroke-width="1.2""##);
    }
}

/// The cold visits made in the building at `place`, as a diamond with their count, put
/// near the building's marker at `anchor`.
fn cold_marker(svg: &mut Svg, t: &DayTrace, place: &Spot, anchor: (f64, f64), boxes: &mut Boxes) {
    let cold: Vec<&Stretch> = t
        .stretches
        .iter()
        .filter(|s| s.kind == Kind::ColdVisit && s.to == *place)
        .collect();
    if cold.is_empty() {
        return;
    }
    let found = cold.iter().filter(|s| s.lead.is_some()).count();
    let fill = if found > 0 { COLD } else { "#ffffff" };
    let words = match found {
        0 => format!("{} cold", cold.len()),
        1 => format!("{} cold, 1 lead", cold.len()),
        f => format!("{} cold, {f} leads", cold.len()),
    };
    let b = boxes.place(anchor, 14.0, (18.0 + text_width(&words, 11.0), 16.0));
    leader(svg, &b, anchor, 16.0);
    let at = (b[0] + 7.0, b[1] + 8.0);
    svg.diamond(
        at,
        7.0,
        &format!(r#"fill="{fill}" stroke="{COLD}" stroke-width="2""#),
    );
    svg.text(
        (at.0 + 11.0, at.1 + 4.0),
        11.0,
        r##"fill="#8a4a0f" stroke="#ffffff" stroke-width="3" paint-order="stroke""##,
        &words,
    );
}

/// A scale bar of a round length at the bottom left of `frame`.
fn scale_bar(svg: &mut Svg, frame: &Frame) {
    let per_px = frame.km_per_px();
    let km = [0.5, 1.0, 2.0, 5.0, 10.0, 20.0]
        .into_iter()
        .find(|&km| km / per_px >= 90.0)
        .unwrap_or(20.0);
    let len = km / per_px;
    let (x, y) = (frame.left + 16.0, frame.top + frame.side - 18.0);
    svg.rect(
        (x - 6.0, y - 22.0),
        (len + 12.0, 30.0),
        r##"fill="#ffffff" fill-opacity="0.8""##,
    );
    svg.line(
        (x, y),
        (x + len, y),
        r##"stroke="#222222" stroke-width="3""##,
    );
    for end in [x, x + len] {
        svg.line(
            (end, y - 6.0),
            (end, y),
            r##"stroke="#222222" stroke-width="2""##,
        );
    }
    svg.text(
        (x + len / 2.0, y - 7.0),
        12.0,
        r##"text-anchor="middle" fill="#222222""##,
        &format!("{} km", num(km)),
    );
}

/// The whole city, the route and the main map's window.
fn inset(svg: &mut Svg, t: &DayTrace, window: &Frame) {
    let half = t.city.half_km.max(1.0) * 1.02;
    let frame = Frame {
        left: INSET.0,
        top: INSET.1,
        side: INSET.2,
        centre: (0.0, 0.0),
        half_km: half,
    };
    city_layer(svg, t, &frame, "inset", 1.2, false);
    let mut points = Vec::new();
    for s in t.stretches.iter().filter(|s| s.kind == Kind::Travel) {
        if points.is_empty() {
            points.push(frame.spot(&s.from));
        }
        points.push(frame.spot(&s.to));
    }
    if !points.is_empty() {
        let text: Vec<String> = points
            .iter()
            .map(|&(x, y)| format!("{},{}", num(x), num(y)))
            .collect();
        svg.raw(&format!(
            r#"<polyline points="{}" fill="none" stroke="{LOST}" stroke-width="1.5"/>"#,
            text.join(" ")
        ));
    }
    for (k, (_, x, y)) in t.city.offices.iter().enumerate() {
        office(svg, frame.px(*x, *y), 7.0, None, k == t.city.office);
    }
    let (a, b) = (
        frame.px(
            window.centre.0 - window.half_km,
            window.centre.1 + window.half_km,
        ),
        frame.px(
            window.centre.0 + window.half_km,
            window.centre.1 - window.half_km,
        ),
    );
    // The window, kept inside the inset.
    let inside = |(x, y): (f64, f64)| {
        (
            x.clamp(frame.left, frame.left + frame.side),
            y.clamp(frame.top, frame.top + frame.side),
        )
    };
    let (a, b) = (inside(a), inside(b));
    svg.rect(
        a,
        (b.0 - a.0, b.1 - a.1),
        r##"fill="none" stroke="#222222" stroke-dasharray="4 3""##,
    );
    svg.text(
        (frame.left, frame.top + frame.side + 16.0),
        12.0,
        r##"fill="#444444""##,
        &format!(
            "the whole city, {} km across; dashed: the main map",
            num(2.0 * t.city.half_km)
        ),
    );
}

/// The map of the day as an SVG document.
pub fn svg(t: &DayTrace) -> String {
    let mut svg = Svg::new(WIDTH, HEIGHT);
    let r = &t.rep;
    svg.text(
        (20.0, 30.0),
        20.0,
        r#"font-weight="bold""#,
        &format!(
            "Rep {} on working day {} ({}, calendar day {}): variant {}, replication {}",
            r.id, t.day, t.weekday, t.calendar_day, t.variant, t.replication
        ),
    );
    let s = &t.totals;
    let back = match (s.back_min, s.spare_min) {
        (Some(b), Some(spare)) if spare >= 0 => format!("back {} ({spare} min early)", clock(b)),
        (Some(b), Some(spare)) => format!("back {} ({} min LATE)", clock(b), -spare),
        _ => "not back".into(),
    };
    svg.text(
        (20.0, 54.0),
        13.0,
        r##"fill="#333333""##,
        &format!(
            "team {}, {}, {} days' tenure, skill {:.2}  |  {} visits ({} effective, {} won), {} cold  |  left {}, {back}, deadline {}  |  {:.1} km road, {} min travelling",
            r.team,
            if r.new_hire { "new hire" } else { "veteran" },
            r.tenure_days,
            r.skill,
            s.visits,
            s.effective,
            s.won,
            s.cold_visits,
            s.depart_min.map_or("-".to_string(), clock),
            clock(t.clock.deadline_min),
            s.km,
            s.travel_min
        ),
    );
    svg.text(
        (20.0, 74.0),
        12.0,
        r##"fill="#666666""##,
        &format!(
            "scenario {}, seed {}; numbers: visiting order; times: arrival at each stop; north up",
            t.scenario, t.seed
        ),
    );
    let frame = route_frame(t);
    main_map(&mut svg, t, &frame);
    inset(&mut svg, t, &frame);
    legend(&mut svg, (INSET.0, INSET.1 + INSET.2 + 44.0));
    stop_list(&mut svg, t, (INSET.0, 690.0));
    svg.finish()
}
