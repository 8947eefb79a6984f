//! `salesim sensitivity`: which assumptions decide the verdict.

use super::outdir::claim_output;
use super::run::{StudyPlan, open_checkpoint, progress_bar, shard_complete};
use super::shard::resolve_shard;
use super::status::StudyStatus;
use super::{
    CliError, MergeArgs, RunArgs, SensitivityArgs, emit, input, interrupt, prepare_scenario,
    reproduce_command, study_plan, worker_threads, written_summary,
};
use crate::analysis::{BOOTSTRAP_DRAWS, analyse};
use crate::checkpoint::{
    Checkpoint, Header, SavedRuns, Shard, Study, StudyArgs, StudyKind, customers_digest,
};
use crate::experiment::Runner;
use crate::output::{self, RepsSpool, RunInfo};
use crate::scenario::{Factor, Scenario, Variant, sensitivity::value_at};
use crate::sensitivity::{
    ScreenError, ScreenPlan, check_points, output as screen_output, run, run_share,
};
use crate::sim::ReplicationResult;
use std::time::SystemTime;

/// The assumptions to screen: `--vary` flags, else the scenario's `[sensitivity]` list or
/// the default one. Each must apply to the scenario at both ends.
fn factors(args: &SensitivityArgs, scenario: &Scenario) -> Result<Vec<Factor>, CliError> {
    let factors = if args.vary.is_empty() {
        scenario.sensitivity_factors().map_err(input)?
    } else {
        args.vary
            .iter()
            .map(|v| {
                Factor::parse(v)
                    .map(|f| f.typed_for(scenario))
                    .map_err(|e| input(format!("--vary {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?
    };
    // The scenario's own `[sensitivity] vary` list was checked when the file was loaded.
    let checked = args.vary.is_empty() && !scenario.sensitivity.vary.is_empty();
    for (i, f) in factors.iter().enumerate().filter(|_| !checked) {
        if factors[..i].iter().any(|o| o.key == f.key) {
            return Err(input(format!(
                "--vary {}: the key is screened twice",
                f.key
            )));
        }
        for end in [&f.low, &f.high] {
            scenario
                .assuming(std::slice::from_ref(end))
                .map_err(|e| input(format!("--vary {}: {e}", f.spec())))?;
        }
    }
    if factors.is_empty() {
        return Err(input("nothing to screen: give --vary KEY=LOW,HIGH"));
    }
    Ok(factors)
}

/// The main metrics of a screen: the ranking metric, then the fairness metrics.
fn main_metrics(verdict: usize, floors: &[crate::analysis::FairnessFloor]) -> Vec<usize> {
    std::iter::once(verdict)
        .chain(crate::analysis::fairness_metrics(verdict, floors))
        .collect()
}

/// A screen ready to run: the scenario, the plan, the variants, how it is analysed, and
/// its identity.
struct ScreenSetup {
    scenario: Scenario,
    origin: String,
    plan: ScreenPlan,
    variants: Vec<Variant>,
    study: StudyPlan,
    identity: Study,
}

/// The screen `args` asks for on `scenario` (from `origin`), every flag checked.
fn screen_setup(
    args: &SensitivityArgs,
    scenario: Scenario,
    origin: String,
) -> Result<ScreenSetup, CliError> {
    let factors = factors(args, &scenario)?;
    let study = study_plan(&args.run, &scenario)?;
    let trajectories = args
        .trajectories
        .unwrap_or(scenario.sensitivity.trajectories);
    let levels = args.levels.unwrap_or(scenario.sensitivity.levels);
    if trajectories > 1000 {
        return Err(input(format!(
            "--trajectories must be 0 to 1000, not {trajectories}"
        )));
    }
    if !(2..=20).contains(&levels) || !levels.is_multiple_of(2) {
        return Err(input(format!(
            "--levels must be an even number from 2 to 20, not {levels}"
        )));
    }
    let replications = args
        .run
        .replications
        .unwrap_or(scenario.sensitivity.replications);
    if replications < 2 {
        return Err(input(format!(
            "--replications must be at least 2 for a screen (an interval needs two), not {replications}"
        )));
    }
    let plan = ScreenPlan {
        factors,
        variants: args.run.variants.clone(),
        replications,
        trajectories: trajectories as usize,
        levels: levels as usize,
    };
    let variants = crate::experiment::select_variants(
        scenario.resolved_variants().map_err(input)?,
        &plan.variants,
    )
    .map_err(input)?;
    super::run::check_metrics_apply(&study, &variants)?;
    let metrics: Vec<usize> = std::iter::once(study.metric)
        .chain(study.floors.iter().map(|f| f.metric))
        .collect();
    check_points(&scenario, &plan, &metrics).map_err(input)?;
    let points = plan.points();
    // Every (point, variant) must fit a checkpoint frame's variant field.
    if points
        .checked_mul(variants.len())
        .is_none_or(|f| u32::try_from(f).is_err())
    {
        return Err(input(format!(
            "a screen of {points} points x {} variants is too large to save; give fewer --vary or --trajectories",
            variants.len()
        )));
    }
    let mut extra: Vec<String> = args
        .vary
        .iter()
        .flat_map(|v| ["--vary".to_string(), v.clone()])
        .collect();
    if let Some(t) = args.trajectories {
        extra.extend(["--trajectories".into(), t.to_string()]);
    }
    if let Some(l) = args.levels {
        extra.extend(["--levels".into(), l.to_string()]);
    }
    let mut command_scenario = scenario.clone();
    command_scenario.replications = replications;
    let command = reproduce_command("sensitivity", &args.run, &command_scenario, &extra);
    let identity = Study::new(
        StudyKind::Sensitivity,
        &command_scenario,
        &origin,
        &command,
        StudyArgs {
            variants: args.run.variants.clone(),
            metric: args.run.metric.clone(),
            fairness_floors: args.run.fairness_floors.clone(),
            other: extra,
            ..StudyArgs::default()
        },
        &variants,
        customers_digest(&scenario),
    );
    Ok(ScreenSetup {
        scenario,
        origin,
        plan,
        variants,
        study,
        identity,
    })
}

/// Runs the screen, prints the base tables, the stability tables, the sentences and the
/// Morris rankings, and writes the base study (with its report) and the screen's files.
/// Like `run`, it claims its output folder first (see `--force`, `--resume`), saves every
/// replication of every point to `runs.checkpoint` as it is handed over, reads saved ones
/// back on `--resume`, and on a first interrupt saves the runs in flight and says in the
/// manifest how to resume. With a shard (`--shard I/N`, or a Slurm or Kubernetes array
/// index) it runs only the shard's replications of every point into `OUT/shard-I-of-N/`,
/// for `salesim merge`.
pub fn sensitivity(args: &SensitivityArgs) -> Result<(), CliError> {
    if args.run.precision.is_some() {
        return Err(input(
            "--precision does not apply to sensitivity: every point runs the same --replications",
        ));
    }
    let (scenario, origin) = prepare_scenario(&args.run)?;
    let setup = screen_setup(args, scenario, origin)?;
    let shard = resolve_shard(args.run.shard.as_deref(), &|name| std::env::var(name).ok())?;
    execute_screen(&setup, &args.run, shard, SavedRuns::none())
}

/// Merges the shards of the screen `study` (whose saved scenario is `scenario`) into
/// `args.out`: the screen is rebuilt from what the study saved, every replication is read
/// from `saved`, and what one unsharded screen writes is written.
pub fn merge_screen(
    study: &Study,
    scenario: Scenario,
    saved: SavedRuns,
    args: &MergeArgs,
) -> Result<(), CliError> {
    let mut screen_args = SensitivityArgs {
        run: RunArgs {
            replications: Some(scenario.replications),
            variants: study.args.variants.clone(),
            metric: study.args.metric.clone(),
            fairness_floors: study.args.fairness_floors.clone(),
            ..RunArgs::default()
        },
        vary: Vec::new(),
        trajectories: None,
        levels: None,
    };
    let mut words = study.args.other.iter();
    while let Some(flag) = words.next() {
        let value = words.next().cloned().unwrap_or_default();
        let number = |v: &str| {
            v.parse::<u32>()
                .map_err(|_| input(format!("the saved study's {flag} is not a number: {v}")))
        };
        match flag.as_str() {
            "--vary" => screen_args.vary.push(value),
            "--trajectories" => screen_args.trajectories = Some(number(&value)?),
            "--levels" => screen_args.levels = Some(number(&value)?),
            _ => {
                return Err(input(format!(
                    "the saved screen has an unknown choice {flag}: merge with the salesim that wrote it ({})",
                    study.salesim_version
                )));
            }
        }
    }
    let mut setup = screen_setup(&screen_args, scenario, study.scenario_source.clone())?;
    if setup.identity.hash != study.hash {
        return Err(input(format!(
            "cannot rebuild the screen saved in the shards (its identity {} is not this build's {}): merge with the salesim that wrote it ({})",
            study.hash, setup.identity.hash, study.salesim_version
        )));
    }
    setup.identity.command = study.command.clone();
    let run_args = RunArgs {
        out: args.out.clone(),
        threads: args.threads,
        no_report: args.no_report,
        force: args.force,
        ..screen_args.run
    };
    execute_screen(&setup, &run_args, None, saved)
}

/// Runs the screen `setup` as `run` (the output options) says, whole or the share of
/// `shard`, taking replications found in `saved` (a merge's shards) instead of simulating
/// them.
fn execute_screen(
    setup: &ScreenSetup,
    run_args: &RunArgs,
    shard: Option<Shard>,
    mut saved: SavedRuns,
) -> Result<(), CliError> {
    let (scenario, plan, variants) = (&setup.scenario, &setup.plan, &setup.variants);
    let identity = &setup.identity;
    let threads = worker_threads(run_args.threads)?;
    let out = match shard {
        Some(s) => run_args.out.join(s.folder()),
        None => run_args.out.clone(),
    };
    let out = &out;
    let points = plan.points();
    let (claim, _lock) = claim_output(out, identity, shard, run_args.force, run_args.resume)?;
    let header = Header {
        study: identity.clone(),
        shard,
        points: Some(points as u32),
    };
    let (own, mut checkpoint) = open_checkpoint(out, claim, &header)?;
    saved.absorb(own);
    let runner = Runner::new(threads)
        .map_err(input)?
        .interruptible(interrupt::install());
    let replications = plan.replications;
    let owned: Vec<u32> = (0..replications)
        .filter(|&r| shard.is_none_or(|s| s.owns(r)))
        .collect();
    let share = match shard {
        Some(s) => format!(" (shard {s}: those with r mod {} = {})", s.count, s.index),
        None => String::new(),
    };
    // The horizon is the base's: a screened `calendar.days` changes it at other points.
    eprintln!(
        "salesim {}: sensitivity of scenario {} ({}): {}, {} points (base, low and high, {}) x {} x {}{share}, {} at the base, seed {}, {}",
        env!("CARGO_PKG_VERSION"),
        scenario.name,
        setup.origin,
        crate::output::plural(plan.factors.len() as u64, "assumption"),
        points,
        crate::output::plural_of(
            plan.trajectories as u64,
            "Morris trajectory",
            "Morris trajectories"
        ),
        crate::output::plural(variants.len() as u64, "variant"),
        crate::output::plural(replications, "replication"),
        crate::output::plural(scenario.calendar.days, "working day"),
        scenario.seed,
        crate::output::plural(threads as u64, "thread"),
    );
    let status = StudyStatus {
        study: identity,
        shard,
        out,
        started: SystemTime::now(),
        threads,
        no_report: run_args.no_report,
    };
    status.write("running", checkpoint.len())?;
    let outcome = (|| -> Result<(), CliError> {
        let bar = progress_bar((points * variants.len() * owned.len()) as u64);
        let started = status.started;
        // Every replication of every point is saved to the checkpoint as it is handed over, in
        // the order the screen runs them (frame variant field: point x variants + variant);
        // the base point's whole, the others' metrics alone.
        let nv = variants.len();
        let load = |p: usize, v: usize, r: u32| {
            saved.load(p * nv + v, r).map(|x| x.map_err(CliError::from))
        };
        let mut save = |p: usize, v: usize, r: u32, result: &ReplicationResult| {
            if p == 0 {
                checkpoint.append(v, r, result)
            } else {
                checkpoint.append(p * nv + v, r, &metrics_only(result))
            }
        };
        if let Some(shard) = shard {
            let done = run_share(
                scenario,
                plan,
                &runner,
                &owned,
                &|| bar.inc(1),
                &load,
                &mut |p, v, r, result| Ok(save(p, v, r, result)?),
            );
            bar.finish_and_clear();
            return match done {
                Ok(()) => shard_complete(shard, &status, &checkpoint),
                Err(e) => Err(screen_error(e, &status, &checkpoint)),
            };
        }
        // The base point's per-rep rows go to the output folder as its replications finish.
        let mut reps = RepsSpool::create(out, variants)?;
        let screen = run(
            scenario,
            plan,
            &runner,
            &|| bar.inc(1),
            &load,
            &mut |p, v, r, result| {
                save(p, v, r, result)?;
                if p == 0 {
                    reps.add(v, r, &result.reps)?;
                }
                Ok(())
            },
        );
        bar.finish_and_clear();
        let screen = screen.map_err(|e| screen_error(e, &status, &checkpoint))?;
        let finished = SystemTime::now();
        checkpoint.sync()?;
        interrupt::writing_results();

        let base_values: Vec<Option<f64>> = plan
            .factors
            .iter()
            .map(|f| {
                value_at(scenario, &f.key)
                    .and_then(|v| v.as_float().or(v.as_integer().map(|i| i as f64)))
            })
            .collect();
        let study = &setup.study;
        let metrics = main_metrics(study.metric, &study.floors);
        let summary = screen_output::summary(&screen, &metrics, &base_values, &study.floors);
        let results = &screen.base.results;
        let analysis = analyse(
            results,
            screen.baseline,
            study.metric,
            &study.floors,
            BOOTSTRAP_DRAWS,
            scenario.seed,
        );
        emit(&output::table::render(results, &analysis));
        emit("\n");
        emit(&screen_output::render(&summary));
        let mut extra = screen_output::write(out, &screen, &summary, &metrics)?;
        extra.push(checkpoint.path().to_path_buf());
        let info = RunInfo {
            scenario_source: setup.origin.clone(),
            threads,
            started,
            finished,
            command: identity.command.clone(),
            study_hash: identity.hash.clone(),
        };
        let mut paths = output::write_all(out, scenario, results, &analysis, &info, reps, &extra)?;
        paths.extend(extra);
        let report = if run_args.no_report {
            None
        } else {
            Some(crate::report::write_report(out).map_err(super::report::report_error)?)
        };
        emit(&written_summary(out, &paths, report.as_deref()));
        Ok(())
    })();
    status.settle(&outcome, checkpoint.len());
    outcome
}

/// The error a screen that stopped early ends with; after an interrupt the checkpoint is
/// synced and the manifest says how to resume.
fn screen_error(
    e: ScreenError<CliError>,
    status: &StudyStatus,
    checkpoint: &Checkpoint,
) -> CliError {
    match e {
        ScreenError::Interrupted => status.interrupted(checkpoint),
        ScreenError::Scenario(message) => input(message),
        ScreenError::Sink(e) => e,
    }
}

/// What a screen saves of a replication at any point but the base: its metrics alone
/// (the records of those points are not used).
fn metrics_only(result: &ReplicationResult) -> ReplicationResult {
    ReplicationResult {
        metrics: result.metrics.clone(),
        ..ReplicationResult::default()
    }
}
