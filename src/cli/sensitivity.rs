//! `salesim sensitivity`: which assumptions decide the verdict.

use super::outdir::claim_output;
use super::run::{open_checkpoint, progress_bar};
use super::status::StudyStatus;
use super::{
    CliError, SensitivityArgs, emit, input, interrupt, prepare_scenario, reproduce_command,
    study_plan, worker_threads, written_summary,
};
use crate::analysis::{BOOTSTRAP_DRAWS, analyse};
use crate::checkpoint::{Header, Study, StudyArgs, StudyKind, customers_digest};
use crate::experiment::Runner;
use crate::output::{self, RepsSpool, RunInfo};
use crate::scenario::{Factor, Scenario, sensitivity::value_at};
use crate::sensitivity::{ScreenError, ScreenPlan, output as screen_output, run};
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
            .map(|v| Factor::parse(v).map_err(|e| input(format!("--vary {e}"))))
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

/// Runs the screen, prints the base tables, the stability tables, the sentences and the
/// Morris rankings, and writes the base study (with its report) and the screen's files.
/// Like `run`, it claims its output folder first (see `--force`, `--resume`), saves every
/// replication of every point to `runs.checkpoint` as it is handed over, reads saved ones
/// back on `--resume`, and on a first interrupt saves the runs in flight and says in the
/// manifest how to resume. A screen is not sharded.
pub fn sensitivity(args: &SensitivityArgs) -> Result<(), CliError> {
    if args.run.precision.is_some() {
        return Err(input(
            "--precision does not apply to sensitivity: every point runs the same --replications",
        ));
    }
    if args.run.shard.as_deref().is_some_and(|s| s != "none") {
        return Err(input(
            "--shard does not apply to sensitivity: a screen runs whole in one folder (there is no merge of screen shards); it resumes with --resume, or use fewer --replications or --trajectories",
        ));
    }
    let (scenario, origin) = prepare_scenario(&args.run)?;
    let factors = factors(args, &scenario)?;
    let study = study_plan(&args.run, &scenario)?;
    let metrics = main_metrics(study.metric, &study.floors);
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
    let threads = worker_threads(args.run.threads)?;
    let out = &args.run.out;
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
    let claim = claim_output(out, &identity, None, args.run.force, args.run.resume)?;
    let header = Header {
        study: identity.clone(),
        shard: None,
        points: Some(points as u32),
    };
    let (saved, mut checkpoint) = open_checkpoint(out, claim, &header)?;
    let runner = Runner::new(threads)
        .map_err(input)?
        .interruptible(interrupt::install());
    eprintln!(
        "salesim {}: sensitivity of scenario {} ({origin}): {} assumptions, {} points (base, low and high, {} Morris trajectories) x {} variants x {} replications, {} days, seed {}, {threads} threads",
        env!("CARGO_PKG_VERSION"),
        scenario.name,
        plan.factors.len(),
        points,
        plan.trajectories,
        variants.len(),
        replications,
        scenario.calendar.days,
        scenario.seed,
    );
    let status = StudyStatus {
        study: &identity,
        shard: None,
        out,
        started: SystemTime::now(),
        threads,
    };
    status.write("running", checkpoint.len())?;
    let bar = progress_bar((points * variants.len()) as u64 * u64::from(replications));
    let started = status.started;
    // Every replication of every point is saved to the checkpoint as it is handed over, in
    // the order the screen runs them (frame variant field: point x variants + variant);
    // the base point's whole, the others' metrics alone. The base's per-rep rows go to
    // the output folder as its replications finish.
    let nv = variants.len();
    let mut reps = RepsSpool::create(out, &variants)?;
    let screen = run(
        &scenario,
        &plan,
        &runner,
        &|| bar.inc(1),
        &|p, v, r| saved.load(p * nv + v, r).map(|x| x.map_err(CliError::from)),
        &mut |p, v, r, result| {
            if p == 0 {
                checkpoint.append(v, r, result)?;
                reps.add(v, r, &result.reps)?;
            } else {
                checkpoint.append(p * nv + v, r, &metrics_only(result))?;
            }
            Ok(())
        },
    );
    bar.finish_and_clear();
    let screen = match screen {
        Ok(screen) => screen,
        Err(ScreenError::Interrupted) => return Err(status.interrupted(&checkpoint)),
        Err(ScreenError::Scenario(message)) => return Err(input(message)),
        Err(ScreenError::Sink(e)) => return Err(e),
    };
    let finished = SystemTime::now();
    checkpoint.sync()?;

    let base_values: Vec<Option<f64>> = plan
        .factors
        .iter()
        .map(|f| {
            value_at(&scenario, &f.key)
                .and_then(|v| v.as_float().or(v.as_integer().map(|i| i as f64)))
        })
        .collect();
    let summary = screen_output::summary(&screen, &metrics, &base_values);
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
        scenario_source: origin,
        threads,
        started,
        finished,
        command,
        study_hash: identity.hash.clone(),
    };
    let mut paths = output::write_all(out, &scenario, results, &analysis, &info, reps, &extra)?;
    paths.extend(extra);
    let report = if args.run.no_report {
        None
    } else {
        Some(crate::report::write_report(out).map_err(super::report::report_error)?)
    };
    emit(&written_summary(out, &paths, report.as_deref()));
    Ok(())
}

/// What a screen saves of a replication at any point but the base: its metrics alone
/// (the records of those points are not used).
fn metrics_only(result: &ReplicationResult) -> ReplicationResult {
    ReplicationResult {
        metrics: result.metrics.clone(),
        ..ReplicationResult::default()
    }
}
