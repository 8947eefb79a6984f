//! Tests of the day, the timeline formats and the map, on a real day of the default scenario.

use super::day::{DayTrace, Kind};
use super::{map, map_file_name, timeline};
use crate::scenario::Scenario;
use crate::sim::{SimOptions, run_with};

/// Rep 3's working day 2 in replication 0 of the baseline, and the scenario.
fn day() -> DayTrace {
    let mut sc = Scenario::embedded();
    sc.calendar.days = 3;
    let variants = sc.resolved_variants().unwrap();
    let v = &variants[sc.baseline_index()];
    run_with(&sc, v, 0, SimOptions::trace_rep(3), |sim| {
        DayTrace::from_sim(sim, &v.name, 0, 3, 2)
    })
    .1
    .expect("rep 3 works on day 2")
}

#[test]
fn tracing_never_changes_results() {
    let mut sc = Scenario::embedded();
    sc.calendar.days = 6;
    let variants = sc.resolved_variants().unwrap();
    for v in [&variants[0], &variants[2]] {
        // Compared as text: a rep who received no lead has a NaN mean lead quality.
        let run = |options| format!("{:?}", run_with(&sc, v, 1, options, |_| ()).0);
        let plain = run(SimOptions::default());
        let all = SimOptions {
            trace: true,
            ..SimOptions::default()
        };
        assert_eq!(plain, run(all), "{}: tracing every rep", v.name);
        assert_eq!(plain, run(SimOptions::trace_rep(5)), "{}: one rep", v.name);
    }
}

#[test]
fn one_rep_is_traced_when_asked() {
    let mut sc = Scenario::embedded();
    sc.calendar.days = 2;
    let variants = sc.resolved_variants().unwrap();
    let (_, (reps, days)) = run_with(&sc, &variants[2], 0, SimOptions::trace_rep(7), |sim| {
        let mut reps: Vec<u32> = sim.trace.records.iter().map(|r| r.rep).collect();
        reps.dedup();
        (reps, sim.trace.days.len())
    });
    assert_eq!(reps, [7]);
    assert_eq!(days, 2);
}

#[test]
fn the_day_is_a_working_day_in_order() {
    let t = day();
    let s = &t.stretches;
    assert!(
        s.windows(2).all(|w| w[0].end_min <= w[1].start_min),
        "{s:?}"
    );
    assert!(s.iter().all(|x| x.start_min <= x.end_min));
    let first = &s[0];
    assert_eq!(first.kind, Kind::Travel);
    assert_eq!(first.start_min, t.clock.depart_min);
    assert!(first.from.building.is_none() && first.km > 0.0);
    let stops: Vec<u32> = s.iter().filter_map(|x| x.stop).collect();
    assert!(!stops.is_empty());
    assert_eq!(stops, (1..=stops.len() as u32).collect::<Vec<_>>());
    assert_eq!(t.totals.visits as usize, stops.len());
    assert!(t.totals.back_min.is_some() && t.totals.depart_min == Some(t.clock.depart_min));
    for kind in [Kind::Meeting, Kind::CrmEntry, Kind::Calls, Kind::Research] {
        assert!(s.iter().any(|x| x.kind == kind), "{kind:?} missing");
    }
    // Every visit is at its lead's building, reached by travel or an inside move.
    for (k, x) in s.iter().enumerate().filter(|(_, x)| x.kind == Kind::Visit) {
        assert!(x.lead.is_some() && x.to.building.is_some());
        assert!(k > 0 && s[k - 1].to == x.to);
    }
}

#[test]
fn text_timeline_is_aligned_and_complete() {
    let t = day();
    let text = timeline::text(&t);
    for words in [
        "depart",
        "visit 1",
        "back",
        "meeting",
        "CRM entry",
        "calls",
        "research",
        "visits:",
    ] {
        assert!(text.contains(words), "{words} missing:\n{text}");
    }
    // Rows of the table start their activity at the same column.
    let table: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("time"))
        .take_while(|l| !l.is_empty())
        .collect();
    let column = table[0].find("activity").unwrap();
    assert!(table.len() > 10);
    for line in &table[1..] {
        assert_ne!(&line[column..column + 1], " ", "{line}");
        assert_eq!(&line[column - 2..column], "  ", "{line}");
    }
}

#[test]
fn csv_has_one_row_per_stretch_with_every_column() {
    let t = day();
    let bytes = timeline::csv(&t);
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, timeline::CSV_HEADER);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), t.stretches.len());
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let visits = rows.iter().filter(|r| &r[col("activity")] == "visit");
    for r in visits {
        assert!(["true", "false"].contains(&&r[col("effective")]));
        assert!(!r[col("outcome")].is_empty() && !r[col("lead")].is_empty());
    }
    let first = &rows[0];
    assert_eq!(&first[col("start")], "08:30");
    assert_eq!(&first[col("start_min")], "510");
    assert!(first[col("km")].parse::<f64>().unwrap() > 0.0);
}

#[test]
fn json_parses_and_carries_the_stretches() {
    let t = day();
    let value: serde_json::Value = serde_json::from_str(&timeline::json(&t)).unwrap();
    let stretches = value["stretches"].as_array().unwrap();
    assert_eq!(stretches.len(), t.stretches.len());
    assert_eq!(value["rep"]["id"], 3);
    assert_eq!(value["day"], 2);
    let visit = stretches.iter().find(|s| s["kind"] == "visit").unwrap();
    assert_eq!(visit["detail"]["kind"], "visit");
    assert!(visit["detail"]["outcome"].is_string());
    assert!(value.get("city").is_none());
}

/// Checks that every tag is closed in order; returns the count of each element.
fn balanced(svg: &str) -> std::collections::BTreeMap<String, usize> {
    let mut stack: Vec<String> = Vec::new();
    let mut counts = std::collections::BTreeMap::new();
    let mut rest = svg;
    while let Some(open) = rest.find('<') {
        let close = rest[open..].find('>').expect("every tag ends") + open;
        let tag = &rest[open + 1..close];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name), "unbalanced </{name}>");
        } else {
            let name = tag.split_whitespace().next().unwrap().trim_end_matches('/');
            *counts.entry(name.to_string()).or_insert(0) += 1;
            if !tag.ends_with('/') {
                stack.push(name.to_string());
            }
        }
        rest = &rest[close + 1..];
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
    counts
}

#[test]
fn map_is_well_formed_and_shows_the_day() {
    let t = day();
    let svg = map::svg(&t);
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    let counts = balanced(&svg);
    assert_eq!(counts["svg"], 1);
    assert!(counts["circle"] >= t.totals.visits as usize);
    assert!(counts["line"] >= 4 && counts["polyline"] == 1 && counts["clipPath"] == 2);
    assert!(
        !svg.contains("href") && !svg.contains("@import"),
        "self-contained"
    );
    for words in ["Rep 3", "variant alibaba", "legend", "district", "08:30"] {
        assert!(svg.contains(words), "{words} missing");
    }
    if t.totals.cold_visits > 0 {
        assert!(counts.contains_key("polygon"));
    }
    assert_eq!(svg, map::svg(&day()), "the same day draws the same bytes");
}

#[test]
fn map_file_names_are_safe() {
    assert_eq!(
        map_file_name("alibaba", 0, 3, 2),
        "trace-alibaba-r0-rep3-day2.svg"
    );
    let changed = map_file_name("a b/c", 1, 2, 3);
    assert!(changed.starts_with("trace-a_b_c-") && changed.ends_with("-r1-rep2-day3.svg"));
    // Names that map to the same characters, or differ only after the cut, keep apart.
    assert_ne!(
        map_file_name("sub/dir", 0, 0, 0),
        map_file_name("sub_dir", 0, 0, 0)
    );
    assert_eq!(
        map_file_name("sub_dir", 0, 0, 0),
        "trace-sub_dir-r0-rep0-day0.svg"
    );
    assert_ne!(
        map_file_name("北京", 0, 0, 0),
        map_file_name("上海", 0, 0, 0)
    );
    assert_eq!(
        map_file_name("北京", 0, 0, 0),
        "trace-北京-r0-rep0-day0.svg"
    );
    let long = |tail: &str| map_file_name(&format!("{}{tail}", "V".repeat(300)), 0, 0, 0);
    assert_ne!(long("a"), long("b"));
    assert!(long("a").len() < 120, "{}", long("a"));
}

#[test]
fn the_readme_map_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/trace-example.svg");
    let shipped = std::fs::read_to_string(path).unwrap();
    assert!(
        shipped == map::svg(&day()),
        "docs/trace-example.svg is stale: run `salesim trace --rep 3 --day 2 --out /tmp` and copy \
         /tmp/trace-alibaba-r0-rep3-day2.svg over it"
    );
}
