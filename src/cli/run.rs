//! The shared run path of `run` and `sweep`: the scenario with its overrides, the study
//! plan, the runs with a progress bar, the analysis, the tables and the files.

use super::outdir::{Claim, claim_output};
use super::shard::resolve_shard;
use super::status::StudyStatus;
use super::{CliError, MAX_THREADS, RunArgs, emit, input, interrupt};
use crate::analysis::{BOOTSTRAP_DRAWS, FairnessFloor, PrecisionRule, analyse};
use crate::checkpoint::{
    Checkpoint, Header, SavedRuns, Shard, Study, StudyArgs, StudyKind, customers_digest,
};
use crate::experiment::{ExperimentResults, Runner, select_variants};
use crate::metrics::{METRICS, metric_index, unknown_metric};
use crate::output::{self, RepsSpool, RunInfo};
use crate::scenario::{MAX_REPLICATIONS, Scenario, Variant};
use crate::sim::{ReplicationResult, run_replication};
use crate::stats::Summary;
use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};
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

/// Refuses a ranking metric or fairness floor that some of `variants` meet by construction
/// (see [`crate::analysis::zero_by_construction`]).
pub fn check_metrics_apply(plan: &StudyPlan, variants: &[Variant]) -> Result<(), CliError> {
    let metrics = std::iter::once(("ranking metric", plan.metric))
        .chain(plan.floors.iter().map(|f| ("fairness floor", f.metric)));
    for (flag, m) in metrics {
        if let Some(why) = crate::analysis::zero_by_construction(m, variants) {
            return Err(input(format!("{flag}: {why}")));
        }
    }
    Ok(())
}

/// The study plan of `args` for `scenario` (whose `[analysis]` gives the defaults), every
/// flag checked.
pub fn study_plan(args: &RunArgs, scenario: &Scenario) -> Result<StudyPlan, CliError> {
    let name = args.metric.as_deref().unwrap_or(&scenario.analysis.metric);
    let metric =
        metric_index(name).ok_or_else(|| input(format!("--metric: {}", unknown_metric(name))))?;
    if let Some(why) = crate::metrics::unrankable(metric) {
        let flag = if args.metric.is_some() {
            "--metric"
        } else {
            "analysis.metric"
        };
        return Err(input(format!("{flag}: {why}")));
    }
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
    for (i, floor) in floors.iter().enumerate() {
        if let Some(earlier) = floors[..i].iter().find(|f| f.metric == floor.metric) {
            return Err(input(format!(
                "--fairness-floor: {} is given twice ({} and {}); give each metric one floor",
                METRICS[floor.metric].name,
                crate::scenario::number(earlier.threshold),
                crate::scenario::number(floor.threshold)
            )));
        }
    }
    let precision = match args.precision {
        None => None,
        Some(p) => {
            if !(p.is_finite() && p > 0.0 && p < 1.0) {
                return Err(input(format!(
                    "--precision must be a share between 0 and 1 (0.02 = within 2% of the mean), not {}",
                    crate::scenario::number(p)
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
    let customers = customers_digest(&scenario);
    let setup = Setup::new(StudyKind::Run, scenario, &origin, args, &[], customers)?;
    execute(&setup, args, SavedRuns::none())
}

/// A study ready to run: the scenario, the variants, the baseline, how it is described,
/// and its identity.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The scenario, overrides applied.
    pub scenario: Scenario,
    /// Where it came from, as the manifest says.
    pub origin: String,
    /// The variants to run, in output order.
    pub variants: Vec<Variant>,
    /// The baseline's name.
    pub baseline_name: String,
    /// The study's identity (and the command that reruns it).
    pub study: Study,
}

impl Setup {
    /// The study `kind` makes of `scenario` (from `origin`) with `args` (and a sweep's
    /// `--set` values `sets`); `customers` is the customer list's digest.
    pub fn new(
        kind: StudyKind,
        scenario: Scenario,
        origin: &str,
        args: &RunArgs,
        sets: &[String],
        customers: Option<String>,
    ) -> Result<Setup, CliError> {
        let (variants, baseline_name, shown_origin, extra) = match kind {
            StudyKind::Sweep => {
                let (variants, base) = super::sweep::sweep_variants(&scenario, args, sets)?;
                let baseline = variants[0].name.clone();
                let extra: Vec<String> = sets
                    .iter()
                    .flat_map(|s| ["--set".to_string(), s.clone()])
                    .collect();
                (
                    variants,
                    baseline,
                    format!("{origin}, sweep of variant {base}"),
                    extra,
                )
            }
            _ => {
                let all = scenario.resolved_variants().map_err(input)?;
                let baseline = all[scenario.baseline_index().min(all.len() - 1)]
                    .name
                    .clone();
                let variants = select_variants(all, &args.variants).map_err(input)?;
                (variants, baseline, origin.to_string(), Vec::new())
            }
        };
        let command = reproduce_command(kind.command(), args, &scenario, &extra);
        let choices = StudyArgs {
            sets: sets.to_vec(),
            variants: args.variants.clone(),
            metric: args.metric.clone(),
            fairness_floors: args.fairness_floors.clone(),
            precision: args
                .precision
                .map(|p| (p, args.min_replications, args.max_replications)),
            other: Vec::new(),
        };
        let study = Study::new(
            kind, &scenario, origin, &command, choices, &variants, customers,
        );
        Ok(Setup {
            scenario,
            origin: shown_origin,
            variants,
            baseline_name,
            study,
        })
    }

    /// The `RunArgs` that make this study again (for `salesim merge`): the choices saved in
    /// `study`, with everything else at its default.
    pub fn args_of(study: &Study) -> RunArgs {
        let a = &study.args;
        let mut args = RunArgs {
            variants: a.variants.clone(),
            metric: a.metric.clone(),
            fairness_floors: a.fairness_floors.clone(),
            ..RunArgs::default()
        };
        if let Some((p, min, max)) = a.precision {
            args.precision = Some(p);
            args.min_replications = min;
            args.max_replications = max;
        }
        args
    }
}

/// The checkpoint of a run in `out`, as `claim` says: a new one with `header` (nothing
/// saved), or the one already there, open to go on, with the replications it holds (named
/// on stderr). A saved header that counts other points than `header` is refused.
pub(crate) fn open_checkpoint(
    out: &Path,
    claim: Claim,
    header: &Header,
) -> Result<(SavedRuns, Checkpoint), CliError> {
    match claim {
        Claim::Fresh => Ok((SavedRuns::none(), Checkpoint::create(out, header)?)),
        Claim::Resume => {
            let (saved_header, own, checkpoint) = Checkpoint::resume(out)?;
            if saved_header.points != header.points {
                let count = |p: Option<u32>| p.map_or(1, |p| p);
                return Err(input(format!(
                    "cannot resume in {}: its checkpoint holds {} point(s), this study has {}; add --force to start again",
                    out.display(),
                    count(saved_header.points),
                    count(header.points)
                )));
            }
            if !own.is_empty() {
                eprintln!(
                    "resuming: {} read back from {}, not run again",
                    crate::output::plural(own.len() as u64, "replication"),
                    out.display()
                );
            }
            Ok((own, checkpoint))
        }
    }
}

/// The progress bar of a run of `len` replications.
pub(crate) fn progress_bar(len: u64) -> ProgressBar {
    ProgressBar::new(len).with_style(
        ProgressStyle::with_template("{elapsed_precise} [{wide_bar}] {pos}/{len} runs, {eta} left")
            .expect("the progress template is valid")
            .progress_chars("=> "),
    )
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

/// Runs the study `setup` as `args` says and writes everything: the shared end of `run`,
/// `sweep` and `merge`. Replications found in `saved` (a merge's shards) are read back
/// instead of simulated. The output folder is claimed first (see `--force`, `--resume`);
/// every replication is saved to its checkpoint as it is handed over; with a shard (see
/// `--shard`) only the shard's replications run and only the checkpoint and manifest are
/// written. On a first interrupt the runs in flight finish, are saved, and the manifest
/// says how to resume.
pub fn execute(setup: &Setup, args: &RunArgs, mut saved: SavedRuns) -> Result<(), CliError> {
    let scenario = &setup.scenario;
    let variants = &setup.variants;
    let plan = study_plan(args, scenario)?;
    check_metrics_apply(&plan, variants)?;
    let shard = resolve_shard(args.shard.as_deref(), &|name| std::env::var(name).ok())?;
    if shard.is_some() && plan.precision.is_some() {
        return Err(input(
            "--precision cannot be sharded: its stopping rule needs every replication; give --replications instead",
        ));
    }
    let threads = worker_threads(args.threads)?;
    let out = match shard {
        Some(s) => args.out.join(s.folder()),
        None => args.out.clone(),
    };
    let (claim, _lock) = claim_output(&out, &setup.study, shard, args.force, args.resume)?;
    let header = Header {
        study: setup.study.clone(),
        shard,
        points: None,
    };
    let (own, mut checkpoint) = open_checkpoint(&out, claim, &header)?;
    saved.absorb(own);
    let runner = Runner::new(threads)
        .map_err(input)?
        .interruptible(interrupt::install());
    let baseline = variants
        .iter()
        .position(|v| v.name == setup.baseline_name)
        .unwrap_or(0);
    let first = plan
        .precision
        .as_ref()
        .map_or(scenario.replications, |p| p.min_replications);
    let replications_text = match (&plan.precision, shard) {
        (Some(p), _) => format!(
            "{}..{} replications (until {} is within {}%)",
            p.min_replications,
            p.max_replications,
            METRICS[p.metric].name,
            p.relative * 100.0
        ),
        (None, Some(s)) => format!(
            "{} (shard {s}: those with r mod {} = {})",
            crate::output::plural(first, "replication"),
            s.count,
            s.index
        ),
        (None, None) => crate::output::plural(first, "replication"),
    };
    eprintln!(
        "salesim {}: scenario {} ({}), {} variant{} x {replications_text}, {}, seed {}, {threads} thread{}",
        env!("CARGO_PKG_VERSION"),
        scenario.name,
        setup.origin,
        variants.len(),
        if variants.len() == 1 { "" } else { "s" },
        scenario.horizon_text(variants),
        scenario.seed,
        if threads == 1 { "" } else { "s" },
    );
    let status = StudyStatus {
        study: &setup.study,
        shard,
        out: &out,
        started: SystemTime::now(),
        threads,
        no_report: args.no_report,
    };
    status.write("running", checkpoint.len())?;
    let outcome = (|| -> Result<(), CliError> {
        let load = |v: usize, r: u32| saved.load(v, r).map(|x| x.map_err(CliError::from));
        if let Some(shard) = shard {
            return run_shard(setup, &runner, shard, &status, &mut checkpoint, &load);
        }

        let bar = progress_bar(variants.len() as u64 * u64::from(first));
        let started = status.started;
        let mut results = ExperimentResults::empty(variants);
        // Each replication's per-rep rows go to the output folder as it finishes.
        let mut reps = RepsSpool::create(&out, variants)?;
        let mut target = first;
        let mut stopped = None;
        loop {
            bar.set_length(variants.len() as u64 * u64::from(target));
            let finished = runner.extend_from(
                scenario,
                &mut results,
                target,
                &|| bar.inc(1),
                &load,
                &mut |v, r, run| {
                    checkpoint.append(v, r, run)?;
                    reps.add(v, r, &run.reps)?;
                    Ok(())
                },
            )?;
            if !finished {
                bar.finish_and_clear();
                return Err(status.interrupted(&checkpoint));
            }
            let Some(rule) = &plan.precision else { break };
            let summaries: Vec<Summary> =
                results.summaries.iter().map(|s| s[rule.metric]).collect();
            let names: Vec<&str> = results.variants.iter().map(|v| v.name.as_str()).collect();
            let status = rule.status(results.replications, &summaries, &names);
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
        checkpoint.sync()?;
        interrupt::writing_results();

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
            scenario_source: setup.origin.clone(),
            threads,
            started,
            finished,
            command: setup.study.command.clone(),
            study_hash: setup.study.hash.clone(),
        };
        let extra = [checkpoint.path().to_path_buf()];
        let mut paths =
            output::write_all(&out, scenario, &results, &analysis, &info, reps, &extra)?;
        paths.extend(extra);
        let report = if args.no_report {
            None
        } else {
            Some(crate::report::write_report(&out).map_err(super::report::report_error)?)
        };
        emit(&written_summary(&out, &paths, report.as_deref()));
        Ok(())
    })();
    status.settle(&outcome, checkpoint.len());
    outcome
}

/// Runs shard `shard` of `setup`: its replications of every variant, each saved to
/// `checkpoint` as it is handed over; then marks the shard complete in its manifest.
fn run_shard(
    setup: &Setup,
    runner: &Runner,
    shard: Shard,
    status: &StudyStatus,
    checkpoint: &mut Checkpoint,
    load: &(dyn Fn(usize, u32) -> Option<Result<ReplicationResult, CliError>> + Sync),
) -> Result<(), CliError> {
    let owned: Vec<u32> = (0..setup.scenario.replications)
        .filter(|&r| shard.owns(r))
        .collect();
    let bar = progress_bar((setup.variants.len() * owned.len()) as u64);
    let finished = runner.each(
        &setup.variants,
        &owned,
        &|| bar.inc(1),
        &|v, variant, r| {
            load(v, r).unwrap_or_else(|| Ok(run_replication(&setup.scenario, variant, r)))
        },
        &mut |v, r, run: Result<ReplicationResult, CliError>| -> Result<(), CliError> {
            checkpoint.append(v, r, &run?)?;
            Ok(())
        },
    )?;
    bar.finish_and_clear();
    if !finished {
        return Err(status.interrupted(checkpoint));
    }
    shard_complete(shard, status, checkpoint)
}

/// The end of a shard: its checkpoint synced, its manifest marked complete, and the
/// command that merges the shards printed.
pub(crate) fn shard_complete(
    shard: Shard,
    status: &StudyStatus,
    checkpoint: &Checkpoint,
) -> Result<(), CliError> {
    checkpoint.sync()?;
    status.write("complete", checkpoint.len())?;
    let parent = status.out.parent().unwrap_or(status.out);
    emit(&format!(
        "shard {shard}: {} saved in {}
combine the shards with: salesim merge {} --out {}
",
        crate::output::plural(checkpoint.len() as u64, "replication"),
        status.out.display(),
        shell_word(&parent.display().to_string()),
        shell_word(&parent.display().to_string()),
    ));
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
    // `--out results/` is shown as `results/`, not `results//`.
    let shown = dir.display().to_string();
    let shown = shown.trim_end_matches('/');
    let mut text = format!("\nresults in {shown}/\n");
    text.push_str(&format!("  tables:   {}\n", with("csv").join(", ")));
    text.push_str(&format!("  manifest: {}\n", with("json").join(", ")));
    if !pictures.is_empty() {
        text.push_str(&format!(
            "  plots:    {}/{{{}}}.svg (and .png)\n",
            shown,
            pictures.join(",")
        ));
    }
    if let Some(report) = report {
        text.push_str(&format!("report: {}\n", report.display()));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_shows_an_out_folder_with_a_trailing_slash_once() {
        let paths = [
            PathBuf::from("results/summary.csv"),
            PathBuf::from("results/a.svg"),
        ];
        let text = written_summary(std::path::Path::new("results/"), &paths, None);
        assert!(text.contains("results in results/\n"), "{text}");
        assert!(text.contains("plots:    results/{a}.svg"), "{text}");
        assert!(!text.contains("//"), "{text}");
    }
}
