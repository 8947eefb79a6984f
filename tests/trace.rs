//! End-to-end tests of `salesim trace`: the timeline in each format, the map, determinism,
//! and exit code 2 naming the flag for bad input.

mod common;
use common::{TempDir, salesim};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const DAY: [&str; 7] = ["trace", "--rep", "3", "--day", "2", "--days", "3"];
const MAP: &str = "trace-alibaba-r0-rep3-day2.svg";

fn args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    DAY.iter().copied().chain(extra.iter().copied()).collect()
}

#[test]
fn text_timeline_shows_the_day_and_writes_the_map_here() {
    let dir = TempDir::new("text");
    let out = salesim(dir.path(), &DAY);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for words in [
        "rep 3",
        "working day 2",
        "depart",
        "visit 1",
        "lobby",
        "back",
        "CRM entry",
        "calls",
        "research",
    ] {
        assert!(stdout.contains(words), "{words} missing:\n{stdout}");
    }
    assert!(
        stdout.trim_end().ends_with(&format!("map: ./{MAP}")),
        "{stdout}"
    );
    let svg = std::fs::read_to_string(dir.path().join(MAP)).unwrap();
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
}

#[test]
fn csv_and_json_keep_stdout_machine_readable() {
    let dir = TempDir::new("formats");
    let out_dir = dir.path().join("maps");
    let out_str = out_dir.to_str().unwrap();
    let csv = salesim(dir.path(), &args(&["--format", "csv", "--out", out_str]));
    assert!(csv.status.success(), "{}", text(&csv.stderr));
    let stdout = text(&csv.stdout);
    let mut lines = stdout.lines();
    let header = lines.next().unwrap();
    assert!(header.starts_with("variant,replication,rep,day,stretch,start_min,end_min"));
    assert!(header.contains(",km,"));
    let columns = header.split(',').count();
    let rows: Vec<&str> = lines.collect();
    assert!(rows.len() > 10);
    assert!(rows.iter().any(|r| r.contains(",visit,")));
    let mut reader = csv::Reader::from_reader(stdout.as_bytes());
    assert!(reader.records().all(|r| r.unwrap().len() == columns));
    assert!(text(&csv.stderr).contains(&format!("map: {}", out_dir.join(MAP).display())));
    assert!(out_dir.join(MAP).is_file());

    let json = salesim(dir.path(), &args(&["--format", "json", "--out", out_str]));
    assert!(json.status.success(), "{}", text(&json.stderr));
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["rep"]["id"], 3);
    assert_eq!(value["variant"], "alibaba");
    assert_eq!(value["stretches"].as_array().unwrap().len(), rows.len());
}

#[test]
fn the_same_arguments_give_the_same_bytes_and_later_days_do_not_matter() {
    let (a, b) = (TempDir::new("det-a"), TempDir::new("det-b"));
    let first = salesim(a.path(), &DAY);
    let second = salesim(b.path(), &DAY);
    assert!(first.status.success() && second.status.success());
    assert_eq!(first.stdout, second.stdout);
    let map = |d: &TempDir| std::fs::read(d.path().join(MAP)).unwrap();
    assert_eq!(map(&a), map(&b));
    // A longer horizon simulates the same day 2.
    let longer = salesim(
        b.path(),
        &["trace", "--rep", "3", "--day", "2", "--days", "8"],
    );
    assert!(longer.status.success());
    assert_eq!(first.stdout, longer.stdout);
    assert_eq!(map(&a), map(&b));
}

#[test]
fn bad_input_exits_2_naming_the_flag() {
    let dir = TempDir::new("bad");
    let cases: [(&[&str], &[&str]); 6] = [
        (
            &["trace", "--rep", "3", "--day", "5", "--days", "3"],
            &["--day 5", "0 to 2"],
        ),
        (
            &[
                "trace",
                "--rep",
                "3",
                "--day",
                "1",
                "--days",
                "3",
                "--variant",
                "nope",
            ],
            &["--variant", "alibaba", "hoarding"],
        ),
        (
            &["trace", "--rep", "5000", "--day", "1", "--days", "3"],
            &["--rep 5000", "reps 0 to 95"],
        ),
        (
            &["trace", "--rep", "96", "--day", "2", "--days", "30"],
            &["--rep 96", "not yet hired on day 2 (hired on day 20)"],
        ),
        (
            &["trace", "--rep", "3", "--day", "1", "--format", "xml"],
            &["--format"],
        ),
        (&["trace", "--day", "1"], &["--rep"]),
    ];
    for (args, words) in cases {
        let out = salesim(dir.path(), args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        for w in words {
            assert!(stderr.contains(w), "{args:?}: {w:?} missing from {stderr}");
        }
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    // Nothing was written for bad input.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn a_day_beyond_a_variants_own_horizon_says_whose_horizon_it_is() {
    let dir = TempDir::new("own-days");
    let file = dir.path().join("own.toml");
    std::fs::write(
        &file,
        "[calendar]\ndays = 5\n[[variant]]\nname = \"short\"\n[variant.scenario]\ncalendar.days = 2\n[[variant]]\nname = \"long\"\n",
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let out = salesim(
        dir.path(),
        &[
            "trace",
            file,
            "--variant",
            "short",
            "--rep",
            "1",
            "--day",
            "3",
            "--days",
            "9",
        ],
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("working days are 0 to 1 (variant \"short\" sets its own calendar.days = 2 in its [variant.scenario]; --days does not change it)"),
        "{stderr}"
    );
    let out = salesim(
        dir.path(),
        &[
            "trace",
            file,
            "--variant",
            "long",
            "--rep",
            "1",
            "--day",
            "6",
        ],
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("(calendar.days = 5; --days changes it)"),
        "{stderr}"
    );
    let long = [
        "trace",
        file,
        "--variant",
        "long",
        "--rep",
        "1",
        "--day",
        "6",
        "--days",
        "4",
    ];
    let stderr = text(&salesim(dir.path(), &long).stderr);
    assert!(
        stderr.contains("working days are 0 to 3 (--days 4)"),
        "{stderr}"
    );
}

#[test]
fn a_city_smaller_than_the_maps_least_frame_is_drawn() {
    // A city 3.5 km across: the map's frame of at least 2 km each way does not fit in it
    // (this once panicked in the frame's clamp).
    let dir = TempDir::new("small-city");
    std::fs::write(
        dir.path().join("small.toml"),
        "[city]\nsize_km = 3.5\ndistrict_min_km = 1\ndistrict_max_km = 1\n",
    )
    .unwrap();
    let out = salesim(
        dir.path(),
        &[
            "trace",
            "small.toml",
            "--variant",
            "alibaba",
            "--rep",
            "0",
            "--day",
            "0",
            "--days",
            "1",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let map = std::fs::read_to_string(dir.path().join("trace-alibaba-r0-rep0-day0.svg")).unwrap();
    assert!(map.contains("<svg"), "{map}");
}
