//! `report.html`: read back from an output folder it gives the run's own analysis; the
//! page is self-contained and its sentences carry the numbers; `salesim report` rewrites
//! the same bytes; folders that are not studies are refused with exit code 2.

use salesim::analysis::{BOOTSTRAP_DRAWS, FairnessFloor, analyse};
use salesim::experiment::{ExperimentResults, Runner};
use salesim::metrics::metric_index;
use salesim::output::table::value_text;
use salesim::output::{RepsSpool, RunInfo, write_all};
use salesim::report::{Study, render};
use salesim::scenario::Scenario;
use std::path::Path;
use std::process::Output;
use std::time::SystemTime;

mod common;
use common::TempDir;

fn salesim(args: &[&str]) -> Output {
    common::salesim(Path::new("."), args)
}

/// A small three-variant study written to `dir` in-process; returns what the run computed.
fn small_study(
    dir: &Path,
) -> (
    Scenario,
    salesim::experiment::ExperimentResults,
    salesim::analysis::Analysis,
) {
    let mut scenario = Scenario::embedded();
    scenario.calendar.days = 5;
    let all = scenario.resolved_variants().unwrap();
    let variants: Vec<_> = all
        .into_iter()
        .filter(|v| ["alibaba", "strict", "new-hire-priority"].contains(&v.name.as_str()))
        .collect();
    let mut results = ExperimentResults::empty(&variants);
    let mut reps = RepsSpool::create(dir, &variants).unwrap();
    Runner::new(2)
        .unwrap()
        .extend_with(&scenario, &mut results, 5, &|| (), &mut |v, r, run| {
            reps.add(v, r, &run.reps)
        })
        .unwrap();
    let floors = [FairnessFloor::parse("nh_win_ratio=0.8").unwrap()];
    let analysis = analyse(
        &results,
        0,
        metric_index("conversion_rate").unwrap(),
        &floors,
        BOOTSTRAP_DRAWS,
        scenario.seed,
    );
    let info = RunInfo {
        scenario_source: "embedded default".into(),
        threads: 2,
        started: SystemTime::now(),
        finished: SystemTime::now(),
        command: "salesim run --seed 20261127 --days 5 --replications 5".into(),
        study_hash: "0123456789abcdef".into(),
    };
    write_all(dir, &scenario, &results, &analysis, &info, reps, &[]).unwrap();
    (scenario, results, analysis)
}

#[test]
fn a_study_read_back_gives_the_runs_own_analysis_and_a_self_contained_page() {
    let dir = TempDir::new("roundtrip");
    let (scenario, results, analysis) = small_study(&dir.0);
    let study = Study::load(&dir.0).unwrap();
    // Compared as text: NaN (an undefined ratio) is not equal to itself.
    assert_eq!(format!("{:?}", study.analysis), format!("{analysis:?}"));
    assert_eq!(
        format!("{:?}", study.results.summaries),
        format!("{:?}", results.summaries)
    );
    assert_eq!(study.scenario, scenario);
    assert_eq!(
        study.pictures.len(),
        13,
        "{:?}",
        study.pictures.iter().map(|p| &p.0).collect::<Vec<_>>()
    );

    let page = render(&study);
    // Self-contained: nothing is loaded from anywhere (the only URL is SVG's namespace).
    for forbidden in ["<script", "<link", "<img", "<iframe", "url(", "@import"] {
        assert!(!page.contains(forbidden), "the page has {forbidden}");
    }
    let without_namespace = page.replace("http://www.w3.org/2000/svg", "");
    assert!(!without_namespace.contains("http://") && !without_namespace.contains("https://"));
    assert_eq!(page.matches("<svg class=\"chart\"").count(), 13);

    // The verdict and the key numbers appear, as computed from the results.
    let conv = metric_index("conversion_rate").unwrap();
    let best = analysis.verdict.best.unwrap();
    let best_name = &results.variants[best].name;
    let best_level = value_text(conv, results.summaries[best][conv].mean);
    assert!(
        page.contains(&format!(
            "<code>{best_name}</code> has the highest conversion_rate: {best_level}"
        )),
        "verdict sentence missing"
    );
    assert!(page.contains(&format!(
        "best in {} of {BOOTSTRAP_DRAWS} bootstrap resamples",
        salesim::output::probability_text(analysis.verdict.p_best[best])
    )));
    for v in &results.variants {
        assert!(page.contains(&format!("<th scope=\"row\">{}</th>", v.name)));
    }
    assert!(page.contains("salesim run --seed 20261127 --days 5 --replications 5"));
    assert!(page.contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn run_and_report_write_the_same_page_and_no_report_writes_none() {
    let (a, b) = (TempDir::new("run"), TempDir::new("later"));
    let common = [
        "--replications",
        "2",
        "--days",
        "3",
        "--variant",
        "alibaba",
        "--variant",
        "strict",
        "--out",
    ];
    let out_a = a.0.join("out");
    let out_b = b.0.join("out");
    let mut args: Vec<&str> = common.to_vec();
    args.push(out_a.to_str().unwrap());
    let ran = salesim(&args);
    assert!(
        ran.status.success(),
        "{}",
        String::from_utf8_lossy(&ran.stderr)
    );
    let mut args: Vec<&str> = common.to_vec();
    args.extend([out_b.to_str().unwrap(), "--no-report"]);
    let ran = salesim(&args);
    assert!(ran.status.success());
    assert!(!out_b.join("report.html").exists());
    let stdout = String::from_utf8_lossy(&ran.stdout).into_owned();
    assert!(!stdout.contains("report: "), "{stdout}");

    let later = salesim(&["report", out_b.to_str().unwrap()]);
    assert!(
        later.status.success(),
        "{}",
        String::from_utf8_lossy(&later.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&later.stdout).trim(),
        format!("report: {}", out_b.join("report.html").display())
    );
    let x = std::fs::read(out_a.join("report.html")).unwrap();
    let y = std::fs::read(out_b.join("report.html")).unwrap();
    assert!(
        x == y,
        "salesim report and salesim run wrote different pages"
    );
}

#[test]
fn folders_that_are_not_studies_are_refused_with_exit_2() {
    let dir = TempDir::new("bad");
    let check = |what: &str, wanted: &[&str]| {
        let out = salesim(&["report", dir.0.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{what}: {err}");
        for w in wanted {
            assert!(err.contains(w), "{what}: {err} lacks {w}");
        }
        assert!(!dir.0.join("report.html").exists(), "{what}");
    };
    check("empty folder", &["manifest.json"]);

    std::fs::write(dir.0.join("manifest.json"), "{\"not\": \"ours\"}").unwrap();
    check(
        "foreign manifest",
        &["manifest.json", "not a salesim manifest"],
    );

    small_study(&dir.0);
    let csv = dir.0.join("replications.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    let cut: Vec<&str> = text.lines().collect();
    std::fs::write(&csv, cut[..cut.len() - 1].join("\n")).unwrap();
    check("missing replication", &["replications.csv", "missing"]);

    std::fs::write(&csv, text.replacen(",0,", ",zero,", 1)).unwrap();
    check("bad replication index", &["replications.csv", "row 2"]);

    // Edited values: the first metric cell of the first row (conversion_rate).
    let header = text.lines().next().unwrap();
    let row: Vec<&str> = text.lines().nth(1).unwrap().split(',').collect();
    let seed = header.split(',').position(|h| h == "seed").unwrap();
    let conversion = header
        .split(',')
        .position(|h| h == "conversion_rate")
        .unwrap();
    for (value, wanted) in [
        ("NaN", "conversion_rate: \"NaN\" is not allowed"),
        ("inf", "conversion_rate: \"inf\" is not allowed"),
        ("-0.5", "conversion_rate: \"-0.5\" is not allowed"),
    ] {
        let mut edited = row.clone();
        edited[conversion] = value;
        std::fs::write(&csv, text.replacen(&row.join(","), &edited.join(","), 1)).unwrap();
        check(value, &["replications.csv", "row 2", wanted]);
    }
    let mut edited = row.clone();
    edited[seed] = "7";
    std::fs::write(&csv, text.replacen(&row.join(","), &edited.join(","), 1)).unwrap();
    check("another seed", &["row 2: seed \"7\" is not the manifest's"]);

    std::fs::write(&csv, &text).unwrap();
    std::fs::remove_file(dir.0.join("tradeoff.svg")).unwrap();
    check("missing picture", &["tradeoff.svg"]);
}

/// Runs salesim with `args` and `--out` a fresh folder named `name`; returns the report
/// page and the terminal output. Fails the test if the run fails.
fn page_of(name: &str, args: &[&str]) -> (String, String) {
    let dir = TempDir::new(name);
    let out = dir.0.join("out");
    let mut all = args.to_vec();
    all.extend(["--out", out.to_str().unwrap()]);
    let ran = salesim(&all);
    assert!(
        ran.status.success(),
        "{}",
        String::from_utf8_lossy(&ran.stderr)
    );
    let page = std::fs::read_to_string(out.join("report.html")).unwrap();
    (page, String::from_utf8_lossy(&ran.stdout).into_owned())
}

#[test]
fn the_page_asks_the_question_of_its_metric_and_does_not_rank_a_lone_variant() {
    let (page, stdout) = page_of(
        "metric",
        &[
            "--replications",
            "2",
            "--days",
            "2",
            "--variant",
            "alibaba",
            "--metric",
            "hours_to_first_contact",
        ],
    );
    assert!(
        page.contains("Which lead-pool policy gives the lowest hours_to_first_contact, how fair"),
        "the question is not about the ranking metric"
    );
    assert!(!page.contains("converts the most leads"));
    assert!(page.contains("it is the only variant in the study"));
    assert!(page.contains("<li>Ranking: none: the study has one variant."));
    assert!(!page.contains("bootstrap resamples of the replications."));
    assert!(!page.contains("P(best on"));
    assert!(
        stdout.contains("the only variant, nothing to rank it against"),
        "{stdout}"
    );
}

#[test]
fn no_reclaims_for_want_of_a_timeout_are_not_coloured_an_improvement() {
    let (page, _) = page_of(
        "hoard",
        &[
            "--replications",
            "2",
            "--days",
            "3",
            "--variant",
            "alibaba",
            "--variant",
            "hoarding",
        ],
    );
    let note =
        "The reclaimed share is left grey where one of the two policies has no reclaim timeout";
    assert!(
        page.contains(note),
        "no note on the uncoloured reclaimed share"
    );
    // hoarding's row of differences: the reclaimed column is grey, not green.
    let row = page
        .split("<h3>Differences from the baseline</h3>")
        .nth(1)
        .and_then(|t| t.split("<th scope=\"row\">hoarding</th>").nth(1))
        .and_then(|t| t.split("</tr>").next())
        .unwrap();
    let reclaimed = row.split("<td").nth(6).unwrap();
    assert!(reclaimed.contains("class=\"same\""), "{reclaimed}");
}

#[test]
fn variants_beyond_the_policy_are_called_variants_with_their_settings_against_the_baseline() {
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/coaching.toml");
    let (page, _) = page_of(
        "coaching",
        &[
            scenario.to_str().unwrap(),
            "--replications",
            "1",
            "--days",
            "2",
        ],
    );
    assert!(page.contains("Which variant converts the most leads"));
    assert!(page.contains("This study compares 5 variants"));
    assert!(page.contains("<td>org.ride_alongs_per_month = 0 (baseline: 1)</td>"));
    assert!(page.contains("the variants differ only by what the variants table lists"));
}

/// A scenario whose second variant runs a six-day week on a shorter horizon.
const SIX_DAY_VARIANT: &str = r#"
name = "six"
description = "A variant with its own calendar."
baseline = "five"
[calendar]
days = 3
[[variant]]
name = "five"
description = "The file's calendar."
[[variant]]
name = "six"
description = "Six days a week, two of them."
[variant.scenario]
calendar.working_days_per_week = 6
calendar.days = 2
"#;

#[test]
fn a_report_read_back_describes_each_variants_own_scenario() {
    let dir = TempDir::new("own-scenario");
    let file = dir.0.join("six.toml");
    std::fs::write(&file, SIX_DAY_VARIANT).unwrap();
    let file = file.to_str().unwrap();
    // A sweep of the six-day variant runs six days a week for two days: the page says so.
    let (page, _) = page_of(
        "own-scenario-sweep",
        &[
            "sweep",
            file,
            "--variant",
            "six",
            "--set",
            "policy.private_cap=15,30",
            "--replications",
            "1",
        ],
    );
    assert!(
        page.contains("Each variant runs 1 replication of 2 working days (6 days a week)."),
        "the sweep is not described from its base variant"
    );
    assert!(page.contains("This study compares 2 policies"));
    // A run of both variants: each its own horizon, and the file's week with a caution.
    let (page, _) = page_of("own-scenario-run", &[file, "--replications", "1"]);
    assert!(
        page.contains(
            "Each variant runs 1 replication of 2 to 3 working days, each variant its own (5 days a week). Some variants change settings beyond the pool policy"
        ),
        "the run's horizon is not each variant's own"
    );
}

#[test]
fn the_trade_off_follows_the_ranking_metric_and_the_floor() {
    let (page, _) = page_of(
        "tradeoff-axes",
        &[
            "--replications",
            "1",
            "--days",
            "2",
            "--variant",
            "alibaba",
            "--variant",
            "strict",
            "--metric",
            "leads_won",
            "--fairness-floor",
            "gini_wins=0.5",
        ],
    );
    assert!(
        page.contains(
            "leads_won against gini_wins: each variant&#39;s mean leads_won (across) and gini_wins (up), with 95% intervals. Down and to the right is better on both. The dashed line is the floor gini_wins&lt;=0.5."
        ),
        "the trade-off caption does not follow the study's metrics"
    );
    assert!(page.contains("leads_won against gini_wins (95% intervals)"));
}

#[test]
fn identical_variants_give_no_infinite_saving_from_pairing() {
    let dir = TempDir::new("twins");
    let file = dir.0.join("twins.toml");
    std::fs::write(
        &file,
        "[[variant]]\nname = \"a\"\n\n[[variant]]\nname = \"b\"\n",
    )
    .unwrap();
    let (page, _) = page_of(
        "twins-page",
        &[file.to_str().unwrap(), "--replications", "2", "--days", "2"],
    );
    assert!(!page.contains("inf times"), "an infinite saving is printed");
    assert!(page.contains("every paired difference was the same in all replications"));
}
