//! End-to-end tests of the `salesim` command: outputs, determinism across thread counts,
//! and exit code 2 with a clear message for bad input.

use std::path::Path;
use std::process::Output;

mod common;
use common::{TempDir, salesim};

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn run_tiny(dir: &TempDir, threads: &str) -> Output {
    let out = dir.path().join("out");
    salesim(
        dir.path(),
        &[
            "run",
            "--replications",
            "2",
            "--days",
            "3",
            "--variant",
            "alibaba",
            "--threads",
            threads,
            "--out",
            out.to_str().unwrap(),
        ],
    )
}

#[test]
fn results_are_byte_identical_for_one_and_two_threads() {
    let (a, b) = (TempDir::new("t1"), TempDir::new("t2"));
    let (out_a, out_b) = (run_tiny(&a, "1"), run_tiny(&b, "2"));
    assert!(out_a.status.success(), "{}", stderr(&out_a));
    assert!(out_b.status.success(), "{}", stderr(&out_b));
    assert!(a.path().join("out/manifest.json").is_file());
    let listing = |dir: &TempDir| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir.path().join("out"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let names = listing(&a);
    assert_eq!(names, listing(&b));
    // Every file but the manifest (which records threads and times) is byte-identical.
    for name in names.iter().filter(|n| *n != "manifest.json") {
        let x = std::fs::read(a.path().join("out").join(name)).unwrap();
        let y = std::fs::read(b.path().join("out").join(name)).unwrap();
        assert!(x == y, "{name} differs between 1 and 2 threads");
    }
    let text = std::fs::read_to_string(a.path().join("out/replications.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("variant,replication,seed,conversion_rate,"),
        "{header}"
    );
    assert_eq!(lines.count(), 2);
    let stdout = String::from_utf8_lossy(&out_a.stdout);
    assert!(
        stdout.lines().next().unwrap().starts_with("variant"),
        "{stdout}"
    );
    assert!(stdout.contains("alibaba"), "{stdout}");
    assert!(stdout.contains("results in "), "{stdout}");
    // The directory holds the tables, the pictures and the manifest, and no temporaries.
    for name in CSV_FILES.iter().chain(&["manifest.json"]) {
        assert!(names.iter().any(|n| n == name), "{name} missing: {names:?}");
    }
    for picture in [
        "metric_conversion_rate",
        "lorenz_wins",
        "new_hire_ramp",
        "tradeoff",
    ] {
        for ext in ["svg", "png"] {
            let file = format!("{picture}.{ext}");
            assert!(names.contains(&file), "{file} missing: {names:?}");
        }
    }
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
    assert!(stdout.contains("plots: "), "{stdout}");
    // The report is written by default and named last.
    assert!(names.contains(&"report.html".to_string()), "{names:?}");
    let last = stdout.lines().last().unwrap();
    assert!(
        last.starts_with("report: ") && last.ends_with("report.html"),
        "{stdout}"
    );
}

/// Every CSV file a run writes.
const CSV_FILES: [&str; 7] = [
    "replications.csv",
    "summary.csv",
    "comparison.csv",
    "ranking.csv",
    "reps.csv",
    "daily.csv",
    "ramp.csv",
];

/// The rows of a CSV file as maps from column name to value.
fn csv_rows(path: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    lines
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(String::from))
                .collect()
        })
        .collect()
}

#[test]
fn a_sweep_runs_every_combination_with_parameter_columns() {
    let dir = TempDir::new("sweep");
    let out = dir.path().join("out");
    let run = salesim(
        dir.path(),
        &[
            "sweep",
            "--set",
            "policy.reclaim_timeout_hours=24,48",
            "--set",
            "leads.marketing_per_day=300,600",
            "-n",
            "2",
            "--days",
            "3",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    let summary = csv_rows(&out.join("summary.csv"));
    let created: Vec<(String, String, f64)> = summary
        .iter()
        .filter(|r| r["metric"] == "leads_created")
        .map(|r| {
            (
                r["policy.reclaim_timeout_hours"].clone(),
                r["leads.marketing_per_day"].clone(),
                r["mean"].parse().unwrap(),
            )
        })
        .collect();
    let keys: Vec<(&str, &str)> = created
        .iter()
        .map(|(a, b, _)| (a.as_str(), b.as_str()))
        .collect();
    assert_eq!(
        keys,
        [("24", "300"), ("24", "600"), ("48", "300"), ("48", "600")]
    );
    // The inflow setting reaches the engine: twice the marketing leads, more leads created.
    assert!(created[1].2 > created[0].2 + 300.0, "{created:?}");
    let comparison = csv_rows(&out.join("comparison.csv"));
    assert!(
        comparison
            .iter()
            .all(|r| r["baseline"] == "reclaim_timeout_hours=24 marketing_per_day=300")
    );
    assert_eq!(comparison.len(), 3 * summary.len() / 4);
    // The sweep's report names each combination and what it changes, and how to rerun it.
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        report.contains("<th scope=\"row\">reclaim_timeout_hours=48 marketing_per_day=600</th>")
    );
    assert!(report.contains("leads.marketing_per_day = 600"));
    // Each combination is described as the base variant with its settings, not by the
    // base's own description; the baseline row names its settings too, and the TOML shown
    // is called the sweep's base (its own variants were not run).
    assert!(report.contains(
        "<td>alibaba with policy.reclaim_timeout_hours = 48, leads.marketing_per_day = 600</td>"
    ));
    assert!(!report.contains("<td>The baseline: the CRM pushes"));
    assert!(report.contains(
        "<td>the baseline; policy.reclaim_timeout_hours = 24; leads.marketing_per_day = 300</td>"
    ));
    assert!(report.contains("The base scenario of the sweep"));
    assert!(report.contains(
        "salesim sweep --set policy.reclaim_timeout_hours=24,48 --set leads.marketing_per_day=300,600"
    ));
    let bad = salesim(
        dir.path(),
        &[
            "sweep",
            "--set",
            "policy.private_cap=10,oops",
            "--days",
            "1",
        ],
    );
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
    assert!(
        stderr(&bad).contains("policy.private_cap"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn precision_adds_replications_until_the_target_and_says_why_it_stopped() {
    let run = |threads: &str, dir: &TempDir| {
        let out = dir.path().join("out");
        let result = salesim(
            dir.path(),
            &[
                "--variant",
                "alibaba",
                "--variant",
                "strict",
                "--days",
                "3",
                "--precision",
                "0.05",
                "--metric",
                "visits_per_rep_day",
                "--min-replications",
                "2",
                "--max-replications",
                "40",
                "-j",
                threads,
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert!(result.status.success(), "{}", stderr(&result));
        let manifest: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
        (
            manifest,
            std::fs::read(out.join("replications.csv")).unwrap(),
        )
    };
    let (a, b) = (TempDir::new("prec1"), TempDir::new("prec2"));
    let (manifest, rows) = run("1", &a);
    let (manifest2, rows2) = run("2", &b);
    assert!(
        rows == rows2,
        "the stopping point depends on the thread count"
    );
    let p = &manifest["precision"];
    assert_eq!(p["metric"], "visits_per_rep_day");
    assert_eq!(manifest2["precision"]["stopped_at"], p["stopped_at"]);
    let stopped = p["stopped_at"].as_u64().unwrap();
    assert!((2..=40).contains(&stopped), "{p}");
    assert_eq!(manifest["replications"].as_u64().unwrap(), stopped);
    let reason = p["reason"].as_str().unwrap();
    if reason.starts_with("precision reached") {
        for w in p["relative_half_widths"].as_array().unwrap() {
            assert!(w[1].as_f64().unwrap() <= 0.05 * (1.0 + 1e-9), "{p}");
        }
    } else {
        assert!(reason.starts_with("maximum replications reached"), "{p}");
        assert_eq!(stopped, 40);
    }
}

/// `reps.csv` is written while replications run, in batches under `--precision`; the
/// file is the same as a fixed run with as many replications writes (one row per rep of
/// every replication, variant by variant, replication by replication), whatever the
/// thread count, and no temporary is left.
#[test]
fn streamed_records_match_a_single_batch_run_and_any_thread_count() {
    let run = |dir: &TempDir, threads: &str, how: &[&str]| -> std::path::PathBuf {
        let out = dir.path().join("out");
        let mut args = vec![
            "--variant",
            "alibaba",
            "--variant",
            "strict",
            "--days",
            "3",
            "--no-report",
            "-j",
            threads,
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(how);
        let result = salesim(dir.path(), &args);
        assert!(result.status.success(), "{}", stderr(&result));
        out
    };
    let precision = [
        "--precision",
        "0.0001",
        "--min-replications",
        "2",
        "--max-replications",
        "5",
    ];
    let (a, b, c) = (
        TempDir::new("batch1"),
        TempDir::new("batch2"),
        TempDir::new("fixed"),
    );
    let (one, two) = (run(&a, "1", &precision), run(&b, "2", &precision));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(one.join("manifest.json")).unwrap()).unwrap();
    let n = manifest["replications"].as_u64().unwrap();
    // Stopped at the maximum: a first batch of 2, then more (at least two batches).
    assert_eq!(n, 5, "{manifest}");
    let fixed = run(&c, "2", &["--replications", "5"]);
    let read = |dir: &Path, name: &str| std::fs::read(dir.join(name)).unwrap();
    for name in CSV_FILES {
        assert!(
            read(&one, name) == read(&two, name),
            "{name}: 1 and 2 threads differ"
        );
        assert!(
            read(&one, name) == read(&fixed, name),
            "{name}: batched and single run differ"
        );
    }
    for dir in [&one, &two, &fixed] {
        let names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
    }
    // Rows: variant by variant, replication by replication, reps numbered from 0 in each.
    let rows = csv_rows(&one.join("reps.csv"));
    let mut expected = Vec::new();
    let mut count = 0;
    for variant in ["alibaba", "strict"] {
        for r in 0..n {
            let reps = rows
                .iter()
                .filter(|row| row["variant"] == variant && row["replication"] == r.to_string())
                .count();
            assert!(reps > 0, "{variant} {r}");
            count += reps;
            expected.extend((0..reps).map(|k| (variant.to_string(), r.to_string(), k.to_string())));
        }
    }
    assert_eq!(count, rows.len());
    let got: Vec<_> = rows
        .iter()
        .map(|row| {
            (
                row["variant"].clone(),
                row["replication"].clone(),
                row["rep"].clone(),
            )
        })
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn bad_analysis_flags_exit_2_naming_the_flag() {
    let dir = TempDir::new("analysis-flags");
    for (args, expected) in [
        (&["--metric", "conversion"][..], "--metric"),
        (&["--metric", "pool_size_end"], "no better direction"),
        (
            &["--metric", "reclaimed_share"],
            "hoarding has no reclaim timeout, so its share is zero by construction",
        ),
        (
            &["--fairness-floor", "reclaimed_share=0.3"],
            "fairness floor: reclaimed_share",
        ),
        (&["--fairness-floor", "nh_win_ratio"], "--fairness-floor"),
        (&["--fairness-floor", "nh_wins=0.8"], "--fairness-floor"),
        (
            &[
                "--fairness-floor",
                "nh_win_ratio=0.5",
                "--fairness-floor",
                "nh_win_ratio=0.9",
            ],
            "given twice",
        ),
        (&["--precision", "2"], "--precision"),
        (
            &["--precision", "0.02", "--min-replications", "1"],
            "--min-replications",
        ),
        (
            &[
                "--precision",
                "0.02",
                "--max-replications",
                "5",
                "--min-replications",
                "6",
            ],
            "--max-replications",
        ),
        (&["sweep", "--set", "policy.private_cap"], "--set"),
        (
            &[
                "sweep",
                "--set",
                "policy.private_cap=1",
                "--set",
                "policy.private_cap=2",
            ],
            "twice",
        ),
        (&["sweep", "--set", "nosuch.key=1"], "nosuch"),
        (
            &[
                "sensitivity",
                "--metric",
                "reclaimed_share",
                "--variant",
                "alibaba",
                "--vary",
                "policy.reclaim_timeout_hours=none,72",
            ],
            "at policy.reclaim_timeout_hours = none: reclaimed_share counts timeout reclaims",
        ),
    ] {
        let out = salesim(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(expected),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    assert!(!dir.path().join("salesim-out").exists());
}

#[test]
fn scenario_file_and_bare_options_work_without_subcommand() {
    let dir = TempDir::new("bare");
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/beijing.toml");
    let out = salesim(
        dir.path(),
        &[
            scenario.to_str().unwrap(),
            "-n",
            "1",
            "--days",
            "2",
            "--variant",
            "strict",
            "--seed",
            "7",
            "-j",
            "1",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let summary = std::fs::read_to_string(dir.path().join("salesim-out/summary.csv")).unwrap();
    assert!(summary.starts_with("variant,metric,n,mean,sd,ci95_low,ci95_high\nstrict,"));
    let manifest = std::fs::read_to_string(dir.path().join("salesim-out/manifest.json")).unwrap();
    assert!(manifest.contains("\"seed\": 7,"), "{manifest}");
}

#[test]
fn unknown_variant_exits_2_listing_the_valid_ones() {
    let dir = TempDir::new("variant");
    let out = salesim(dir.path(), &["--days", "2", "--variant", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains("nope"), "{err}");
    for valid in [
        "hoarding",
        "free-claim",
        "alibaba",
        "strict",
        "new-hire-priority",
        "performance-weighted",
    ] {
        assert!(err.contains(valid), "{err}");
    }
    assert!(!dir.path().join("salesim-out").exists());
}

#[test]
fn missing_scenario_file_exits_2() {
    let dir = TempDir::new("missing");
    let out = salesim(dir.path(), &["run", "no-such-scenario.toml"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains("no-such-scenario.toml"), "{err}");
}

#[test]
fn invalid_scenario_file_exits_2_naming_the_key() {
    let dir = TempDir::new("invalid");
    std::fs::write(dir.path().join("bad.toml"), "seed = 1\nreplicashuns = 3\n").unwrap();
    let out = salesim(dir.path(), &["bad.toml"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("bad.toml") && err.contains("replicashuns"),
        "{err}"
    );
}

#[test]
fn zero_days_exits_2_naming_the_key() {
    let dir = TempDir::new("days");
    let out = salesim(dir.path(), &["--days", "0"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("calendar.days"), "{err}");
}

#[test]
fn bad_flag_values_exit_2() {
    let dir = TempDir::new("flags");
    for args in [
        &["--threads", "0"][..],
        &["--replications", "0"],
        &["--seed", "minus-one"],
        &["--days", "-3"],
        &["--bogus"],
    ] {
        let out = salesim(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("error"), "{args:?}: {}", stderr(&out));
    }
    assert!(!dir.path().join("salesim-out").exists());
}

#[test]
fn bad_sweep_grids_exit_2_before_writing_anything() {
    let dir = TempDir::new("sweep-bad");
    for (set, says) in [
        // Out of the policy's own range: this one once panicked mid-run.
        ("policy.push_min=30,60", "policy.push_max (50)"),
        (
            "policy.audit_rate=0.5,2",
            "policy.audit_rate: 2 is not allowed",
        ),
        // A repeated value would be one variant run twice.
        ("policy.private_cap=15,15", "the value 15 is given twice"),
        ("policy.private_cap=none,\"none\"", "is given twice"),
        // Two spellings of one clock time, told apart only once read.
        (
            "day.depart=08:30,8:30",
            "depart=08:30 and depart=8:30 hold the same values once read",
        ),
    ] {
        let out = salesim(
            dir.path(),
            &[
                "sweep", "-n", "2", "--days", "2", "--set", set, "--out", "o",
            ],
        );
        assert_eq!(out.status.code(), Some(2), "{set}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{set}: {}", stderr(&out));
        assert!(!dir.path().join("o").exists(), "{set}: nothing is written");
    }
}

#[test]
fn precision_on_a_metric_no_replication_defines_stops_after_the_first_batch() {
    // Without new hires the new-hire win ratio is never defined: more replications cannot
    // tighten it, so the run stops at once and says why (it once ran to 1000).
    let dir = TempDir::new("precision-undefined");
    std::fs::write(
        dir.path().join("no-hires.toml"),
        "[org]\nnew_hires = 0\nhire_every_days = 0\n",
    )
    .unwrap();
    let out = salesim(
        dir.path(),
        &[
            "no-hires.toml",
            "--days",
            "2",
            "--variant",
            "alibaba",
            "--metric",
            "nh_win_ratio",
            "--precision",
            "0.05",
            "--min-replications",
            "3",
            "--no-report",
            "--out",
            "o",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(
            "replications: 3 per variant (the metric is not defined in any of the 3 replications of `alibaba`"
        ),
        "{stdout}"
    );
}

#[cfg(unix)]
#[test]
fn a_named_pipe_is_refused_not_waited_on() {
    // Opening a FIFO for reading waits for a writer: salesim once hung here.
    let dir = TempDir::new("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(dir.path().join("pipe.toml"))
        .arg(dir.path().join("pipe.csv"))
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    std::fs::write(
        dir.path().join("list.toml"),
        "[city]\ncompanies_csv = \"pipe.csv\"\n",
    )
    .unwrap();
    for (file, says) in [
        ("pipe.toml", "not a regular file; a scenario is a TOML file"),
        (
            "list.toml",
            "not a regular file; a customer list is a CSV file",
        ),
    ] {
        let out = salesim(dir.path(), &["run", file, "-n", "2", "--days", "1"]);
        assert_eq!(out.status.code(), Some(2), "{file}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{file}: {}", stderr(&out));
    }
}

#[test]
fn one_replication_shows_no_interval_and_no_probability_of_being_best() {
    let dir = TempDir::new("one-replication");
    let out = salesim(
        dir.path(),
        &[
            "-n",
            "1",
            "--days",
            "2",
            "--variant",
            "alibaba",
            "--variant",
            "strict",
            "--no-report",
            "--out",
            "o",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("NaN"), "{text}");
    assert!(
        text.contains("but 1 replication is too few to resample"),
        "{text}"
    );
    assert!(!text.contains("bootstrap resamples"), "{text}");
}

#[test]
fn daily_rows_carry_working_and_calendar_days() {
    let dir = TempDir::new("daily-days");
    let out = dir.path().join("out");
    let run = salesim(
        dir.path(),
        &[
            "-n",
            "1",
            "--days",
            "7",
            "--variant",
            "alibaba",
            "--no-report",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    let days: Vec<(String, String)> = csv_rows(&out.join("daily.csv"))
        .into_iter()
        .map(|r| (r["day"].clone(), r["calendar_day"].clone()))
        .collect();
    // A 5-day week: working days 5 and 6 are the next Monday and Tuesday.
    let expected: Vec<(String, String)> = [(0, 0), (1, 1), (2, 2), (3, 3), (4, 4), (5, 7), (6, 8)]
        .iter()
        .map(|(d, c)| (d.to_string(), c.to_string()))
        .collect();
    assert_eq!(days, expected);
}
