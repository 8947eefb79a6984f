//! End-to-end tests of `salesim bench`: the measurements as JSON, no files written, and
//! exit code 2 with a clear message for bad input.

mod common;
use common::{TempDir, salesim};

#[test]
fn bench_prints_json_measurements_and_writes_nothing() {
    let dir = TempDir::new("bench-json");
    let out = salesim(dir.path(), &["bench", "--days", "3", "-n", "1", "--json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    for key in ["rep_days", "events", "rep_days_per_s"] {
        let value = report[key].as_f64().unwrap_or(0.0);
        assert!(value > 0.0, "{key} = {value}: {report}");
    }
    // The default: the baseline only, three days, one replication of 96 reps.
    assert_eq!(report["variants"], serde_json::json!(["alibaba"]));
    assert_eq!(report["runs"], 1);
    assert_eq!(report["rep_days"], 3 * 96);
    assert_eq!(report["study"]["variants"], 6);
    assert!(report["study"]["seconds"].as_f64().unwrap() > 0.0);
    let written: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(written.is_empty(), "bench wrote {written:?}");
}

#[test]
fn bench_text_names_every_measurement() {
    let dir = TempDir::new("bench-text");
    let out = salesim(
        dir.path(),
        &[
            "bench",
            "--days",
            "2",
            "-n",
            "2",
            "-j",
            "2",
            "--variant",
            "strict",
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for label in [
        "scenario:",
        "variants:              strict",
        "threads:               2",
        "rep-days simulated:",
        "events processed:",
        "rep-days/s:",
        "rep-days/s per thread:",
        "events/s:",
        "a study of 6 variants × 100 replications × 120 days would take about",
    ] {
        assert!(stdout.contains(label), "{label} missing:\n{stdout}");
    }
}

#[test]
fn bench_refuses_bad_input_with_exit_code_2() {
    let dir = TempDir::new("bench-bad");
    for (args, expected) in [
        (
            &["bench", "--variant", "nope"][..],
            "unknown variant \"nope\"",
        ),
        (&["bench", "-n", "0"][..], "replications"),
        (&["bench", "-j", "0"][..], "--threads"),
        (&["bench", "missing.toml"][..], "missing.toml"),
    ] {
        let out = salesim(dir.path(), args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}
