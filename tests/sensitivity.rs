//! `salesim sensitivity`: a small screen runs end to end, writes the same bytes at any
//! thread count, puts a section in the report, and refuses bad assumptions with exit 2;
//! an assumption that cannot matter leaves every difference exactly as at the base. A
//! screen killed at any moment or interrupted with Ctrl-C and resumed ends with the bytes
//! of an uninterrupted one; shards run anywhere (flag, Slurm, Kubernetes) merge to the
//! bytes of one whole screen.

mod common;

use common::{
    TempDir, assert_same_files, interrupt_after_first_replication, kill_and_resume_match_whole,
    visible_names,
};
use salesim::experiment::Runner;
use salesim::scenario::{Factor, Scenario};
use salesim::sensitivity::stability::{Holding, cells};
use salesim::sensitivity::{ScreenError, ScreenPlan, run};
use salesim::sim::ReplicationResult;
use std::collections::BTreeMap;
use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

fn salesim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_salesim"))
        .args(args)
        .output()
        .expect("salesim runs")
}

fn fresh(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("salesim-sens-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn screen(out: &Path, threads: &str) -> Output {
    salesim(&[
        "sensitivity",
        "--days",
        "4",
        "--replications",
        "2",
        "--variant",
        "alibaba",
        "--variant",
        "hoarding",
        "--vary",
        "behaviour.call_private_leads=false,true",
        "--vary",
        "leads.marketing_per_day=400,1200",
        "--trajectories",
        "2",
        "--threads",
        threads,
        "--out",
        out.to_str().unwrap(),
    ])
}

#[test]
fn a_small_screen_is_deterministic_and_reported() {
    let (a, b) = (fresh("t1"), fresh("t2"));
    let (x, y) = (screen(&a, "1"), screen(&b, "2"));
    assert!(x.status.success(), "{}", String::from_utf8_lossy(&x.stderr));
    assert!(y.status.success(), "{}", String::from_utf8_lossy(&y.stderr));
    for file in [
        "sensitivity.csv",
        "morris.csv",
        "sensitivity.json",
        "tornado_conversion_rate.svg",
        "tornado_nh_win_ratio.png",
        "report.html",
        "replications.csv",
        "runs.checkpoint",
    ] {
        let p = std::fs::read(a.join(file)).unwrap_or_else(|_| panic!("{file} missing"));
        let q = std::fs::read(b.join(file)).unwrap();
        assert!(p == q, "{file} differs between 1 and 2 threads");
    }
    let csv = std::fs::read_to_string(a.join("sensitivity.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "assumption,setting,value,variant,metric,n,mean,ci95_low,ci95_high,diff,diff_ci95_low,diff_ci95_high,holding"
    );
    // (base + 2 assumptions x 2 ends) x 2 variants x every metric.
    assert_eq!(lines.count(), 5 * 2 * salesim::metrics::METRICS.len());
    let morris = std::fs::read_to_string(a.join("morris.csv")).unwrap();
    assert!(morris.lines().skip(1).all(|l| l.contains(",hoarding,")));
    let stdout = String::from_utf8_lossy(&x.stdout);
    assert!(
        stdout.contains("conversion_rate: minus alibaba"),
        "{stdout}"
    );
    assert!(
        stdout.contains("behaviour.call_private_leads = false"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Morris, conversion_rate: mu* (sigma)"),
        "{stdout}"
    );
    let report = std::fs::read_to_string(a.join("report.html")).unwrap();
    assert!(report.contains("Which assumptions decide the answer"));
    assert!(report.contains("Morris screening on conversion_rate"));
    let manifest = std::fs::read_to_string(a.join("manifest.json")).unwrap();
    assert!(
        manifest.contains("salesim sensitivity --vary"),
        "{manifest}"
    );
    // A later plain run into the same folder is another study: refused without --force;
    // with it, the screen's files go and the report drops the section.
    let plain = [
        "--days",
        "4",
        "-n",
        "2",
        "--variant",
        "alibaba",
        "--out",
        a.to_str().unwrap(),
    ];
    let refused = salesim(&plain);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--force"));
    let rerun = salesim(&[&plain[..], &["--force"]].concat());
    assert!(rerun.status.success());
    assert!(!a.join("sensitivity.csv").exists());
    let report = std::fs::read_to_string(a.join("report.html")).unwrap();
    assert!(!report.contains("Which assumptions decide the answer"));
    let _ = (std::fs::remove_dir_all(&a), std::fs::remove_dir_all(&b));
}

#[test]
fn bad_assumptions_exit_2_naming_the_flag() {
    let out = fresh("bad");
    for (vary, wanted) in [
        ("leads.marketing_per_dya=1,2", "marketing_per_dya"),
        ("leads.marketing_per_day=1,2,3", "exactly two values"),
        ("seed=1,2", "defines the study"),
        ("funnel.freshness_exponent=-1,1", "freshness_exponent"),
        ("leads.marketing_per_day=400,400", "the same value"),
        (
            "leads.marketing_per_day=1200,400",
            "give the lower value first",
        ),
    ] {
        let o = salesim(&[
            "sensitivity",
            "--vary",
            vary,
            "--out",
            out.to_str().unwrap(),
        ]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{vary}: {err}");
        assert!(
            err.contains("--vary") && err.contains(wanted),
            "{vary}: {err}"
        );
    }
    let o = salesim(&["sensitivity", "--levels", "3"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--levels"));
    // Valid one at a time, not together: the Morris point with push_min 30 and push_max
    // 25 is found before anything runs or is written (this once failed mid-screen).
    let file = fresh("push.toml");
    std::fs::write(&file, "[policy]\npush_min = 20\npush_max = 40\n").unwrap();
    let o = salesim(&[
        "sensitivity",
        file.to_str().unwrap(),
        "--vary",
        "policy.push_min=10,30",
        "--vary",
        "policy.push_max=25,50",
        "--levels",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("policy.push_min = 30, policy.push_max = 25")
            && err.contains("above policy.push_max (25)"),
        "{err}"
    );
    assert!(!out.exists(), "nothing is written for a screen refused");
    let _ = std::fs::remove_file(&file);
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn an_assumption_that_cannot_matter_changes_nothing() {
    // Attrition is off in the default, so its probabilities cannot change a thing: every
    // difference at both ends equals the base's, and every Morris effect is zero.
    let mut scenario = Scenario::embedded();
    scenario.calendar.days = 4;
    let plan = ScreenPlan {
        factors: vec![Factor::parse("attrition.veteran_monthly_prob=0.05,0.5").unwrap()],
        variants: vec!["alibaba".into(), "strict".into()],
        replications: 2,
        trajectories: 2,
        levels: 4,
    };
    let runner = Runner::new(2).unwrap();
    let screen = run(
        &scenario,
        &plan,
        &runner,
        &|| (),
        &|_, _, _| None,
        &mut |_, _, _, _| Ok::<(), Infallible>(()),
    )
    .unwrap();
    let conversion = salesim::metrics::metric_index("conversion_rate").unwrap();
    for c in cells(&screen, &[conversion]) {
        assert_eq!(c.holding, Holding::Holds);
        let base = screen
            .base
            .difference(c.variant, screen.baseline, conversion);
        assert_eq!(format!("{:?}", c.test), format!("{base:?}"));
    }
    let said = salesim::sensitivity::stability::sentences(
        &screen,
        &cells(&screen, &[conversion]),
        conversion,
        &[Some(0.15)],
        &[],
    );
    assert!(
        said[0].starts_with("No assumption screened moves the verdict"),
        "{said:?}"
    );
    let stats = screen.morris_statistics(1, conversion);
    assert_eq!(stats[0].mu_star, 0.0);
    assert_eq!(stats[0].n, 2);
}

/// Set by the sink of the next test to interrupt its runner (a Ctrl-C, in-process).
static STOP: AtomicBool = AtomicBool::new(false);

#[test]
fn a_screen_interrupted_and_resumed_from_what_it_saved_is_the_same_screen() {
    let mut scenario = Scenario::embedded();
    scenario.calendar.days = 4;
    let plan = ScreenPlan {
        factors: vec![
            Factor::parse("behaviour.call_private_leads=false,true").unwrap(),
            Factor::parse("leads.marketing_per_day=400,1200").unwrap(),
        ],
        variants: vec!["alibaba".into(), "hoarding".into()],
        replications: 2,
        trajectories: 1,
        levels: 4,
    };
    let whole_order = Mutex::new(Vec::new());
    let whole = run(
        &scenario,
        &plan,
        &Runner::new(2).unwrap(),
        &|| (),
        &|_, _, _| None,
        &mut |p, v, r, _| {
            whole_order.lock().unwrap().push((p, v, r));
            Ok::<(), Infallible>(())
        },
    )
    .unwrap();
    let order = whole_order.into_inner().unwrap();
    // Points in run order, each point's replications in (variant, replication) order.
    assert_eq!(order.len(), plan.points() * 2 * 2);
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    assert_eq!(order.last().unwrap().0, plan.points() - 1);
    // Interrupted after a few replications of the third point, saving what was handed over
    // (the other points' metrics alone, as the command line does).
    let saved = Mutex::new(BTreeMap::new());
    let runner = Runner::new(2).unwrap().interruptible(&STOP);
    let stopped = run(
        &scenario,
        &plan,
        &runner,
        &|| (),
        &|_, _, _| None,
        &mut |p, v, r, result: &ReplicationResult| {
            let kept = if p == 0 {
                result.clone()
            } else {
                ReplicationResult {
                    metrics: result.metrics.clone(),
                    ..ReplicationResult::default()
                }
            };
            saved.lock().unwrap().insert((p, v, r), kept);
            if p == 2 && v == 0 {
                STOP.store(true, Ordering::SeqCst);
            }
            Ok::<(), Infallible>(())
        },
    );
    assert!(matches!(stopped, Err(ScreenError::Interrupted)));
    STOP.store(false, Ordering::SeqCst);
    let saved = saved.into_inner().unwrap();
    assert!(
        saved.len() > 2 * 2 * 2 && saved.len() < order.len(),
        "{}",
        saved.len()
    );
    // Resumed: the saved replications are read back, not run, and the screen is the same.
    let resumed = run(
        &scenario,
        &plan,
        &Runner::new(1).unwrap(),
        &|| (),
        &|p, v, r| saved.get(&(p, v, r)).cloned().map(Ok),
        &mut |_, _, _, _| Ok::<(), Infallible>(()),
    )
    .unwrap();
    assert_eq!(format!("{resumed:?}"), format!("{whole:?}"));
}

/// The small screen of the end-to-end tests below: 11 points x 2 variants x 2 replications
/// of 8 days.
const SMALL: [&str; 15] = [
    "sensitivity",
    "--days",
    "8",
    "-n",
    "2",
    "--trajectories",
    "2",
    "--variant",
    "alibaba",
    "--variant",
    "hoarding",
    "--vary",
    "behaviour.call_private_leads=false,true",
    "--vary",
    "leads.marketing_per_day=400,1200",
];

fn small<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    SMALL.iter().copied().chain(extra.iter().copied()).collect()
}

/// Every file of the screen in `a` is in `b` with the same bytes (the manifest but its
/// timing), the checkpoint and the screen's own files among them; nothing temporary is left.
fn assert_same_screen(a: &Path, b: &Path) {
    let names = visible_names(a);
    for wanted in [
        "runs.checkpoint",
        "sensitivity.csv",
        "morris.csv",
        "reps.csv",
        "report.html",
    ] {
        assert!(names.iter().any(|n| n == wanted), "{wanted}: {names:?}");
    }
    assert_same_files(a, b, &names);
}

#[test]
fn a_screen_killed_at_random_moments_and_resumed_ends_with_the_bytes_of_an_uninterrupted_one() {
    let tmp = TempDir::new("kill9");
    // Killed once, then twice in a row, before the resume that is let finish.
    kill_and_resume_match_whole(
        tmp.path(),
        small,
        (&["-j", "1"], &["-j", "2"]),
        2,
        assert_same_screen,
    );
}

#[test]
fn ctrl_c_stops_a_screen_cleanly_and_its_resume_command_finishes_it() {
    let tmp = TempDir::new("ctrlc");
    let manifest = interrupt_after_first_replication(
        tmp.path(),
        &small(&["--out", "screen", "-j", "1"]),
        "screen",
    );
    assert!(!tmp.path().join("screen/sensitivity.csv").exists());
    assert!(!tmp.path().join("screen/summary.csv").exists());
    // The resume command reruns this very screen: its assumptions and trajectories too.
    let resume = manifest["resume_command"].as_str().unwrap();
    for part in [
        "salesim sensitivity ",
        "--vary behaviour.call_private_leads=false,true",
        "--vary leads.marketing_per_day=400,1200",
        "--trajectories 2",
        "--days 8",
        "--replications 2",
        "--variant hoarding",
    ] {
        assert!(resume.contains(part), "{part}: {resume}");
    }
    assert!(resume.ends_with("--out screen --resume"), "{resume}");
    let words: Vec<&str> = resume.split_whitespace().skip(1).collect();
    // A plain rerun is refused; the resume command finishes it.
    let again = common::salesim(tmp.path(), &small(&["--out", "screen"]));
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--resume"));
    let resumed = common::salesim(tmp.path(), &words);
    let stderr = String::from_utf8_lossy(&resumed.stderr);
    assert!(resumed.status.success(), "{stderr}");
    assert!(stderr.contains("not run again"), "{stderr}");
    // The study's own command, uninterrupted, writes the same bytes.
    let command = manifest["command"].as_str().unwrap();
    let mut words: Vec<&str> = command.split_whitespace().skip(1).collect();
    words.extend(["--out", "whole"]);
    let whole = common::salesim(tmp.path(), &words);
    assert!(whole.status.success());
    assert_same_screen(&tmp.path().join("whole"), &tmp.path().join("screen"));
}

#[test]
fn a_screen_is_not_run_to_a_precision() {
    let tmp = TempDir::new("shard");
    {
        let (flag, value, why) = ("--precision", "0.05", "--replications");
        let o = common::salesim(tmp.path(), &small(&[flag, value, "--out", "s"]));
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{flag}: {err}");
        assert!(err.contains(flag) && err.contains(why), "{flag}: {err}");
        assert!(!tmp.path().join("s").exists(), "{flag}");
    }
    // `--shard none` (ignore a cluster's array index) is the whole screen: accepted, so the
    // next problem is the one named.
    let o = common::salesim(
        tmp.path(),
        &small(&["--shard", "none", "--levels", "3", "--out", "s"]),
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--levels") && !err.contains("--shard"),
        "{err}"
    );
}

/// A screen of the inflow alone (400 to 1200 leads a day) with `alibaba` and `second`,
/// 2 replications of 3 days, `trajectories` Morris trajectories and `extra` flags, into
/// `out`; asserts it succeeds.
fn inflow_screen(out: &Path, second: &str, trajectories: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "sensitivity",
        "--days",
        "3",
        "--replications",
        "2",
        "--variant",
        "alibaba",
        "--variant",
        second,
        "--vary",
        "leads.marketing_per_day=400,1200",
        "--trajectories",
        trajectories,
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let run = salesim(&args);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    run
}

#[test]
fn one_morris_trajectory_reports_its_undefined_spread_as_not_defined() {
    // One trajectory gives one elementary effect per assumption: mu* is defined, sigma is
    // not. The screen still writes every file and its report.
    let out = fresh("one-trajectory");
    let run = inflow_screen(&out, "hoarding", "1", &["--threads", "1"]);
    let json = std::fs::read_to_string(out.join("sensitivity.json")).unwrap();
    assert!(
        json.contains("null"),
        "sigma of one trajectory is undefined"
    );
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(report.contains("Morris screening"));
    let terminal = String::from_utf8_lossy(&run.stdout);
    assert!(
        terminal.contains("(n/a)") && !terminal.contains("NaN"),
        "the terminal says n/a for sigma: {terminal}"
    );
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn a_tornado_only_screen_writes_morris_csv_with_its_header_alone() {
    let out = fresh("tornado-only");
    inflow_screen(&out, "strict", "0", &["--no-report"]);
    let morris = std::fs::read_to_string(out.join("morris.csv")).unwrap();
    assert_eq!(
        morris,
        "assumption,low,high,variant,metric,trajectories,mu,mu_star,sigma\n"
    );
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn screen_shards_run_anywhere_merge_to_the_bytes_of_one_whole_screen() {
    let tmp = TempDir::new("shards");
    let whole = common::salesim(tmp.path(), &small(&["--out", "whole", "-j", "1"]));
    assert!(
        whole.status.success(),
        "{}",
        String::from_utf8_lossy(&whole.stderr)
    );
    // Three shards: by flag, as a Slurm array task, as a Kubernetes indexed job.
    let shard = |env: &[(&str, &str)], extra: &[&str]| {
        let mut args = small(&["--out", "split", "-j", "2"]);
        args.extend(extra);
        let o = Command::new(env!("CARGO_BIN_EXE_salesim"))
            .args(&args)
            .envs(env.iter().copied())
            .current_dir(tmp.path())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let said = shard(&[], &["--shard", "0/3"]);
    assert!(said.contains("salesim merge"), "{said}");
    shard(
        &[
            ("SLURM_ARRAY_TASK_ID", "6"),
            ("SLURM_ARRAY_TASK_MIN", "5"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
        ],
        &[],
    );
    // Before the last shard exists, a merge names what is missing.
    let early = common::salesim(tmp.path(), &["merge", "split", "--out", "early"]);
    let err = String::from_utf8_lossy(&early.stderr);
    assert_eq!(early.status.code(), Some(2), "{err}");
    assert!(err.contains("missing shard 2/3"), "{err}");
    shard(
        &[("JOB_COMPLETION_INDEX", "2"), ("SALESIM_SHARD_COUNT", "3")],
        &[],
    );
    let merged = common::salesim(tmp.path(), &["merge", "split", "--out", "merged"]);
    assert!(
        merged.status.success(),
        "{}",
        String::from_utf8_lossy(&merged.stderr)
    );
    assert_same_screen(&tmp.path().join("whole"), &tmp.path().join("merged"));
    let tables = |o: &Output| {
        let text = String::from_utf8_lossy(&o.stdout).into_owned();
        text[..text.find("results in").expect("the files are named")].to_string()
    };
    assert!(
        tables(&merged) == tables(&whole),
        "the tables printed differ"
    );

    // A shard cut short (its last frames lost) is named with the point it lacks.
    let cut = tmp.path().join("split/shard-1-of-3/runs.checkpoint");
    let len = std::fs::metadata(&cut).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&cut)
        .unwrap()
        .set_len(len - 100)
        .unwrap();
    let o = common::salesim(tmp.path(), &["merge", "split", "--out", "again"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("shard 1/3") && err.contains("incomplete") && err.contains("at point 10"),
        "{err}"
    );
    assert!(err.contains("--resume --shard 1/3"), "{err}");
}

/// Each (point, variant, replication)'s metric values, as bits.
type Runs = Mutex<BTreeMap<(usize, usize, u32), Vec<u64>>>;

#[test]
fn a_screen_run_in_shares_numbers_and_simulates_its_points_as_the_whole_screen() {
    let mut scenario = Scenario::embedded();
    scenario.calendar.days = 3;
    let plan = ScreenPlan {
        factors: vec![
            Factor::parse("behaviour.call_private_leads=false,true").unwrap(),
            Factor::parse("leads.marketing_per_day=400,1200").unwrap(),
        ],
        variants: vec!["alibaba".into(), "hoarding".into()],
        replications: 3,
        trajectories: 1,
        levels: 4,
    };
    let runner = Runner::new(2).unwrap();
    let record = |into: &Runs, p: usize, v: usize, r: u32, run: &ReplicationResult| {
        into.lock()
            .unwrap()
            .insert((p, v, r), run.metrics.iter().map(|m| m.to_bits()).collect());
        Ok::<(), Infallible>(())
    };
    let whole = Mutex::new(BTreeMap::new());
    run(
        &scenario,
        &plan,
        &runner,
        &|| (),
        &|_, _, _| None,
        &mut |p, v, r, run| record(&whole, p, v, r, run),
    )
    .unwrap();
    let shares = Mutex::new(BTreeMap::new());
    for part in [[1u32].as_slice(), &[0, 2]] {
        salesim::sensitivity::run_share(
            &scenario,
            &plan,
            &runner,
            part,
            &|| (),
            &|_, _, _| None,
            &mut |p, v, r, run| record(&shares, p, v, r, run),
        )
        .unwrap();
    }
    let whole = whole.into_inner().unwrap();
    assert_eq!(whole.len(), plan.points() * 2 * 3);
    assert_eq!(whole, shares.into_inner().unwrap());
}
