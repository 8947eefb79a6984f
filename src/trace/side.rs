//! The side panel of the map: the legend and the list of stops with their outcomes.

use super::day::{DayTrace, Kind, Stretch};
use super::map::{BUILDING, COLD, DISTRICT, EFFECTIVE, HEIGHT, LOST, WON, mode_style, office};
use super::svg::Svg;
use super::timeline::clock;
use crate::scenario::Mode;
use crate::sim::trace::{Detail, VisitOutcome};

/// Short words for a stop's outcome, for the list of stops.
fn outcome_words(s: &Stretch) -> String {
    match s.detail {
        Detail::Visit(v) => match v.outcome {
            VisitOutcome::Won => format!("met, WON {:.0} CNY", v.deal_value),
            VisitOutcome::Progressed => {
                format!("met, moved on ({}/{})", v.steps_done, v.steps_needed)
            }
            VisitOutcome::NoProgress => {
                format!("met, no step ({}/{})", v.steps_done, v.steps_needed)
            }
            VisitOutcome::Lost => "met, said no: lost".into(),
            VisitOutcome::NotMet => "not met (gatekeeper)".into(),
            VisitOutcome::WindowClosed => "window closed: lost".into(),
        },
        _ => String::new(),
    }
}

/// The legend: markers, modes, the city.
pub fn legend(svg: &mut Svg, (x, y): (f64, f64)) {
    svg.text((x, y), 14.0, r#"font-weight="bold""#, "legend");
    let mut row = y + 22.0;
    let label = |svg: &mut Svg, row: f64, text: &str| {
        svg.text((x + 28.0, row + 4.0), 12.0, "", text);
    };
    office(svg, (x + 10.0, row), 12.0, None, true);
    label(svg, row, "the rep's office (start and end of the day)");
    row += 22.0;
    for (fill, stroke, text) in [
        (EFFECTIVE, "#0d3d1c", "effective visit (decision-maker met)"),
        (WON, "#6b5000", "effective visit: deal won"),
        (LOST, "#5c1a12", "effective visit: lead said no (lost)"),
        ("#ffffff", "#555555", "not effective (gatekeeper only)"),
    ] {
        svg.circle(
            (x + 10.0, row),
            8.0,
            &format!(r#"fill="{fill}" stroke="{stroke}" stroke-width="2""#),
        );
        label(svg, row, text);
        row += 20.0;
    }
    svg.diamond(
        (x + 10.0, row),
        6.0,
        &format!(r#"fill="{COLD}" stroke="{COLD}" stroke-width="2""#),
    );
    svg.diamond(
        (x + 10.0, row + 20.0),
        6.0,
        &format!(r##"fill="#ffffff" stroke="{COLD}" stroke-width="2""##),
    );
    label(svg, row, "cold visits in the building, a lead found");
    label(svg, row + 20.0, "cold visits in the building, no lead");
    row += 40.0;
    for mode in [Mode::Taxi, Mode::Rail, Mode::Walk, Mode::Bike] {
        let (colour, dash) = mode_style(mode);
        svg.line(
            (x, row),
            (x + 20.0, row),
            &format!(r#"stroke="{colour}" stroke-width="3" stroke-dasharray="{dash}""#),
        );
        label(svg, row, mode.name());
        row += 18.0;
    }
    svg.circle(
        (x + 10.0, row + 2.0),
        8.0,
        &format!(r##"fill="{DISTRICT}" stroke="#b7c6d9""##),
    );
    label(svg, row + 2.0, "business district");
    svg.dots(&[(x + 130.0, row + 2.0)], 3.0, BUILDING);
    svg.text((x + 140.0, row + 6.0), 12.0, "", "office building");
}

/// The stops in visiting order: number, arrival, place, outcome.
pub fn stop_list(svg: &mut Svg, t: &DayTrace, (x, y): (f64, f64)) {
    svg.text(
        (x, y),
        14.0,
        r#"font-weight="bold""#,
        "stops (arrival, place, outcome)",
    );
    let visits: Vec<&Stretch> = t
        .stretches
        .iter()
        .filter(|s| s.kind == Kind::Visit)
        .collect();
    let room = ((f64::from(HEIGHT) - 30.0 - y) / 17.0).floor().max(1.0) as usize;
    let mut row = y + 20.0;
    for (k, s) in visits.iter().enumerate() {
        if k + 1 == room && visits.len() > room {
            svg.text(
                (x, row),
                12.0,
                "",
                &format!("... and {} more", visits.len() - k),
            );
            break;
        }
        let place = match (s.to.building, s.to.district) {
            (Some(b), Some(d)) => format!("b{b} (district {d})"),
            (Some(b), None) => format!("b{b}"),
            (None, _) => "office".into(),
        };
        svg.text(
            (x, row),
            12.0,
            r#"font-weight="bold""#,
            &s.stop.unwrap_or(0).to_string(),
        );
        svg.text((x + 22.0, row), 12.0, "", &clock(s.start_min));
        svg.text((x + 64.0, row), 12.0, "", &place);
        svg.text((x + 198.0, row), 12.0, "", &outcome_words(s));
        row += 17.0;
    }
    if visits.is_empty() {
        svg.text((x, row), 12.0, "", "no lead visits");
    }
}
