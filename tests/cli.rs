//! End-to-end tests of the `salesim` command: outputs, determinism across thread counts,
//! and exit code 2 with a clear message for bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fresh, empty directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("salesim-cli-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn salesim(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_salesim"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("salesim runs")
}

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
    for name in ["replications.csv", "summary.csv", "manifest.json"] {
        assert!(a.path().join("out").join(name).is_file(), "{name} missing");
    }
    for name in ["replications.csv", "summary.csv"] {
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
    assert!(stdout.contains("wrote "), "{stdout}");
    // The directory holds the three files and nothing else (no temporaries left behind).
    assert_eq!(std::fs::read_dir(a.path().join("out")).unwrap().count(), 3);
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
