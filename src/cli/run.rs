//! The shared run path of `run` and `sweep`: the scenario with its overrides, the study
//! plan, the runs with a progress bar, the analysis, the tables and the files.

use super::{CliError, MAX_THREADS, RunArgs, emit, input};
use crate::analysis::{BOOTSTRAP_DRAWS, FairnessFloor, PrecisionRule, analyse};
use crate::experiment::{ExperimentResults, Runner, select_variants};
use crate::metrics::{METRICS, metric_index, unknown_metric};
use crate::output::{self, RepsSpool, RunInfo};
use crate::scenario::{MAX_REPLICATIONS, Scenario, Variant};
use crate::stats::Summary;
use indicatif::{ProgressBar, ProgressStyle};
use std::path::PathBuf;
use std::time::SystemTime;

/// The scenario to run: loaded (or embedded), overrides applied and validated again.
/// Returns it with a description of where it came from.
pub fn prepare_scenario(args: &RunArgs) -> Result<(Scenario, String), CliError> {
    let (mut scenario, origin) = match &args.scenario {
        Some(path) => (
            Scenario::load(path).map_err(input)?,
            path.display().to_string(),
        ),
        None => (Scenario::embedded(), "embedded default".to_string()),
    };
    let overridden = args.seed.is_some() || args.days.is_some() || args.replications.is_some();
    if let Some(seed) = args.seed {
        scenario.seed = seed;
    }
    if let Some(days) = args.days {
        scenario.calendar.days = days;
    }
    if let Some(n) = args.replications {
        scenario.replications = n;
    }
    if overridden {
        scenario
            .validate(&format!("{origin} with command-line overrides"))
            .map_err(input)?;
    }
    Ok((scenario, origin))
}

/// How the results are analysed and how many replications run, from the command line.
#[derive(Debug, Clone, PartialEq)]
pub struct StudyPlan {
    /// Metric that ranks the variants (index into `METRICS`).
    pub metric: usize,
    /// Fairness floors for the verdict.
    pub floors: Vec<FairnessFloor>,
    /// The precision rule, when replications are added until intervals are tight enough.
    pub precision: Option<PrecisionRule>,
}

/// The study plan of `args` for `scenario` (whose `[analysis]` gives the defaults), every
/// flag checked.
pub fn study_plan(args: &RunArgs, scenario: &Scenario) -> Result<StudyPlan, CliError> {
    let name = args.metric.as_deref().unwrap_or(&scenario.analysis.metric);
    let metric =
        metric_index(name).ok_or_else(|| input(format!("--metric: {}", unknown_metric(name))))?;
    let floors = if args.fairness_floors.is_empty() {
        scenario
            .analysis
            .fairness_floors
            .iter()
            .map(|(name, value)| FairnessFloor::parse(&format!("{name}={value}")))
            .collect::<Result<Vec<_>, _>>()
    } else {
        args.fairness_floors
            .iter()
            .map(|f| FairnessFloor::parse(f))
            .collect::<Result<Vec<_>, _>>()
    }
    .map_err(input)?;
    let precision = match args.precision {
        None => None,
        Some(p) => {
            if !(p.is_finite() && p > 0.0 && p < 1.0) {
                return Err(input(format!(
                    "--precision must be a share between 0 and 1 (0.02 = within 2% of the mean), not {p}"
                )));
            }
            let (min, max) = (args.min_replications, args.max_replications);
            if min < 2 {
                return Err(input(format!(
                    "--min-replications must be at least 2 (an interval needs two replications), not {min}"
                )));
            }
            if max < min || max > MAX_REPLICATIONS {
                return Err(input(format!(
                    "--max-replications must be between --min-replications ({min}) and {MAX_REPLICATIONS}, not {max}"
                )));
            }
            Some(PrecisionRule {
                metric,
                relative: p,
                min_replications: min,
                max_replications: max,
            })
        }
    };
    Ok(StudyPlan {
        metric,
        floors,
        precision,
    })
}

/// Runs the experiment described by `args`: prints a one-line plan and a progress bar to
/// stderr, the tables and the verdict to stdout, writes the result files and names them.
pub fn run(args: &RunArgs) -> Result<(), CliError> {
    let (scenario, origin) = prepare_scenario(args)?;
    let all = scenario.resolved_variants().map_err(input)?;
    let baseline_name = all[scenario.baseline_index().min(all.len() - 1)]
        .name
        .clone();
    let variants = select_variants(all, &args.variants).map_err(input)?;
    let command = reproduce_command("run", args, &scenario, &[]);
    execute(&scenario, origin, variants, &baseline_name, args, command)
}

/// A shell command that reruns a study: `salesim SUBCOMMAND [SCENARIO]`, then `extra`
/// (a sweep's `--set`s), then the seed, days and replications in force (explicitly, so the
/// command still holds if the file's defaults change), and the variant, metric and
/// fairness-floor flags as given. Threads and the output folder are left out: they do not
/// change results.
pub fn reproduce_command(
    subcommand: &str,
    args: &RunArgs,
    scenario: &Scenario,
    extra: &[String],
) -> String {
    let mut words: Vec<String> = vec!["salesim".into(), subcommand.into()];
    if let Some(path) = &args.scenario {
        words.push(path.display().to_string());
    }
    words.extend(extra.iter().cloned());
    let mut flag = |name: &str, value: String| {
        words.push(name.to_string());
        words.push(value);
    };
    flag("--seed", scenario.seed.to_string());
    flag("--days", scenario.calendar.days.to_string());
    match args.precision {
        Some(p) => {
            flag("--precision", p.to_string());
            flag("--min-replications", args.min_replications.to_string());
            flag("--max-replications", args.max_replications.to_string());
        }
        None => flag("--replications", scenario.replications.to_string()),
    }
    for v in &args.variants {
        flag("--variant", v.clone());
    }
    if let Some(m) = &args.metric {
        flag("--metric", m.clone());
    }
    for f in &args.fairness_floors {
        flag("--fairness-floor", f.clone());
    }
    words
        .iter()
        .map(|w| shell_word(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `word` quoted for a POSIX shell when it holds anything but letters, digits and `_-./=,:+@%`.
pub fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./=,:+@%".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// The worker threads `args` ask for (all cores by default) with a runner on them, after
/// creating the output folder; both problems are bad input.
pub fn workers_and_output(args: &RunArgs) -> Result<(usize, Runner), CliError> {
    let threads = worker_threads(args.threads)?;
    std::fs::create_dir_all(&args.out).map_err(|e| {
        input(format!(
            "cannot create output directory {}: {e}",
            args.out.display()
        ))
    })?;
    Ok((threads, Runner::new(threads).map_err(input)?))
}

/// The worker threads `--threads` asks for, all cores when it is not given; out of range
/// is bad input.
pub fn worker_threads(threads: Option<usize>) -> Result<usize, CliError> {
    let threads =
        threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    if threads == 0 || threads > MAX_THREADS {
        return Err(input(format!(
            "--threads must be between 1 and {MAX_THREADS}, not {threads}"
        )));
    }
    Ok(threads)
}

/// Runs `variants` of `scenario` as `args` says and writes everything: the shared end of
/// `run` and `sweep`. The baseline is the variant named `baseline_name`, or the first
/// variant run when that one is not among them.
pub fn execute(
    scenario: &Scenario,
    origin: String,
    variants: Vec<Variant>,
    baseline_name: &str,
    args: &RunArgs,
    command: String,
) -> Result<(), CliError> {
    let plan = study_plan(args, scenario)?;
    let (threads, runner) = workers_and_output(args)?;
    let baseline = variants
        .iter()
        .position(|v| v.name == baseline_name)
        .unwrap_or(0);

    let first = plan
        .precision
        .as_ref()
        .map_or(scenario.replications, |p| p.min_replications);
    let replications_text = match &plan.precision {
        Some(p) => format!(
            "{}..{} replications (until {} is within {}%)",
            p.min_replications,
            p.max_replications,
            METRICS[p.metric].name,
            p.relative * 100.0
        ),
        None => format!("{first} replications"),
    };
    eprintln!(
        "salesim {}: scenario {} ({origin}), {} variant{} x {replications_text}, {} days, seed {}, {threads} thread{}",
        env!("CARGO_PKG_VERSION"),
        scenario.name,
        variants.len(),
        if variants.len() == 1 { "" } else { "s" },
        scenario.calendar.days,
        scenario.seed,
        if threads == 1 { "" } else { "s" },
    );
    let bar = ProgressBar::new(variants.len() as u64 * u64::from(first)).with_style(
        ProgressStyle::with_template("{elapsed_precise} [{wide_bar}] {pos}/{len} runs, {eta} left")
            .expect("the progress template is valid")
            .progress_chars("=> "),
    );
    let started = SystemTime::now();
    let mut results = ExperimentResults::empty(&variants);
    // Each replication's per-rep rows go to the output folder as it finishes.
    let mut reps = RepsSpool::create(&args.out, &variants)?;
    let mut target = first;
    let mut stopped = None;
    loop {
        bar.set_length(variants.len() as u64 * u64::from(target));
        runner.extend_with(
            scenario,
            &mut results,
            target,
            &|| bar.inc(1),
            &mut |v, r, run| reps.add(v, r, &run.reps),
        )?;
        let Some(rule) = &plan.precision else { break };
        let summaries: Vec<Summary> = results.summaries.iter().map(|s| s[rule.metric]).collect();
        let status = rule.status(results.replications, &summaries);
        match status.next {
            Some(next) => target = next,
            None => {
                stopped = Some((rule.clone(), status));
                break;
            }
        }
    }
    let finished = SystemTime::now();
    bar.finish_and_clear();

    let mut analysis = analyse(
        &results,
        baseline,
        plan.metric,
        &plan.floors,
        BOOTSTRAP_DRAWS,
        scenario.seed,
    );
    analysis.precision = stopped;
    emit(&output::table::render(&results, &analysis));
    let info = RunInfo {
        scenario_source: origin,
        threads,
        started,
        finished,
        command,
    };
    let paths = output::write_all(&args.out, scenario, &results, &analysis, &info, reps, &[])?;
    let report = if args.no_report {
        None
    } else {
        Some(crate::report::write_report(&args.out).map_err(super::report::report_error)?)
    };
    emit(&written_summary(&args.out, &paths, report.as_deref()));
    Ok(())
}

/// The closing lines of a run: the output folder, the files in it by kind (tables,
/// manifest, pictures, each picture named once for its SVG and PNG), and last the report's
/// path when one was written.
pub fn written_summary(
    dir: &std::path::Path,
    paths: &[PathBuf],
    report: Option<&std::path::Path>,
) -> String {
    let name = |p: &PathBuf| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let with = |ext: &str| -> Vec<String> {
        paths
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == ext))
            .map(name)
            .collect()
    };
    let pictures: Vec<String> = with("svg")
        .iter()
        .map(|n| n.trim_end_matches(".svg").to_string())
        .collect();
    let mut text = format!("\nresults in {}/\n", dir.display());
    text.push_str(&format!("  tables:   {}\n", with("csv").join(", ")));
    text.push_str(&format!("  manifest: {}\n", with("json").join(", ")));
    if !pictures.is_empty() {
        text.push_str(&format!(
            "  plots:    {}/{{{}}}.svg (and .png)\n",
            dir.display(),
            pictures.join(",")
        ));
    }
    if let Some(report) = report {
        text.push_str(&format!("report: {}\n", report.display()));
    }
    text
}
