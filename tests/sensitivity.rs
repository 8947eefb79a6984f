//! `salesim sensitivity`: a small screen runs end to end, writes the same bytes at any
//! thread count, puts a section in the report, and refuses bad assumptions with exit 2;
//! an assumption that cannot matter leaves every difference exactly as at the base.

use salesim::experiment::Runner;
use salesim::scenario::{Factor, Scenario};
use salesim::sensitivity::stability::{Holding, cells};
use salesim::sensitivity::{ScreenPlan, run};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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
    let screen = run(&scenario, &plan, &runner, &|| (), &mut |_, _, _| Ok(())).unwrap();
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
    );
    assert!(
        said[0].starts_with("No assumption screened moves the verdict"),
        "{said:?}"
    );
    let stats = screen.morris_statistics(1, conversion);
    assert_eq!(stats[0].mu_star, 0.0);
    assert_eq!(stats[0].n, 2);
}
