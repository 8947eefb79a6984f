//! Running a screen: the base scenario, each assumption at its low and high value (one at
//! a time), and the Morris trajectories, every point with the same replications (common
//! random numbers) on the whole engine.

use super::morris::{self, Trajectory};
use crate::analysis::{PairedTest, paired_t};
use crate::experiment::{ExperimentResults, Runner, select_variants};
use crate::metrics::METRICS;
use crate::output::OutputError;
use crate::rng::{Seeds, Source};
use crate::scenario::{Factor, Scenario, Setting};
use crate::sim::ReplicationResult;

/// One point of the screen: the scenario with some settings, run.
#[derive(Debug, Clone)]
pub struct Point {
    /// The settings applied to the base scenario (none for the base itself).
    pub settings: Vec<Setting>,
    /// Per-replication metric values of every variant; at the base also the records
    /// folded over replications (its per-rep records go to its sink as they finish).
    pub results: ExperimentResults,
}

impl Point {
    /// Variant `v` minus the baseline `b` on metric `m`, paired by replication.
    pub fn difference(&self, v: usize, b: usize, m: usize) -> PairedTest {
        paired_t(
            &self.results.metric_values(v, m),
            &self.results.metric_values(b, m),
        )
    }
}

/// A Morris trajectory with its points run.
#[derive(Debug, Clone)]
pub struct MorrisRun {
    /// The design's trajectory (factor positions on the grid).
    pub trajectory: Trajectory,
    /// Where each factor really was at each point (after rounding; yes/no read as 0 or 1).
    pub positions: Vec<Vec<f64>>,
    /// `diffs[j][v][m]`: at point j, the mean paired difference of variant v from the
    /// baseline on metric m (0 for the baseline itself).
    pub diffs: Vec<Vec<Vec<f64>>>,
}

/// Everything a screen ran.
#[derive(Debug, Clone)]
pub struct Screen {
    /// The assumptions screened, in order.
    pub factors: Vec<Factor>,
    /// Index of the baseline among the variants.
    pub baseline: usize,
    /// Replications per variant at every point.
    pub replications: u32,
    /// The base scenario, run (it is also written as a study).
    pub base: Point,
    /// Each assumption at its low value, then at its high value.
    pub tornado: Vec<[Point; 2]>,
    /// The Morris trajectories (empty when none were asked for).
    pub morris: Vec<MorrisRun>,
    /// Morris grid levels.
    pub levels: usize,
}

/// What a screen runs.
#[derive(Debug, Clone)]
pub struct ScreenPlan {
    /// The assumptions.
    pub factors: Vec<Factor>,
    /// Variants to run (names; empty: all).
    pub variants: Vec<String>,
    /// Replications per variant at every point.
    pub replications: u32,
    /// Morris trajectories (0: none).
    pub trajectories: usize,
    /// Morris grid levels (even).
    pub levels: usize,
}

impl ScreenPlan {
    /// Scenario runs the plan costs: the base, two per assumption, and (assumptions + 1)
    /// per trajectory.
    pub fn points(&self) -> usize {
        1 + 2 * self.factors.len() + self.trajectories * (self.factors.len() + 1)
    }
}

/// The Morris design of `plan` for master seed `seed`, from its own named stream.
pub fn design(plan: &ScreenPlan, seed: u64) -> Vec<Trajectory> {
    let mut rng = Seeds::new(seed, u64::MAX).stream(Source::MorrisDesign, 0);
    morris::design(plan.factors.len(), plan.levels, plan.trajectories, &mut rng)
}

/// Where the base point's replications go as they finish (its per-rep rows; the other
/// points keep only metrics).
pub type BaseSink<'a> =
    &'a mut dyn FnMut(usize, u32, &ReplicationResult) -> Result<(), OutputError>;

/// Why a screen stopped.
#[derive(Debug, thiserror::Error)]
pub enum ScreenError {
    /// A point's scenario or variants are not valid.
    #[error("{0}")]
    Scenario(String),
    /// The base point's records could not be written.
    #[error(transparent)]
    Output(#[from] OutputError),
}

fn run_point(
    scenario: &Scenario,
    plan: &ScreenPlan,
    settings: Vec<Setting>,
    runner: &Runner,
    progress: &(dyn Fn() + Sync),
    sink: Option<BaseSink<'_>>,
) -> Result<Point, ScreenError> {
    let invalid = |e: &dyn std::fmt::Display| ScreenError::Scenario(e.to_string());
    let s = scenario.assuming(&settings).map_err(|e| invalid(&e))?;
    let variants = s.resolved_variants().map_err(|e| invalid(&e))?;
    let variants = select_variants(variants, &plan.variants).map_err(|e| invalid(&e))?;
    let mut results = ExperimentResults::empty(&variants);
    match sink {
        Some(sink) => {
            // The screen's runner is not interruptible, so every replication is handed over.
            runner.extend_with(&s, &mut results, plan.replications, progress, sink)?;
        }
        None => {
            runner.extend(&s, &mut results, plan.replications, progress);
            // Only the base is written as a study; the other points need their metrics.
            for records in &mut results.records {
                *records = Default::default();
            }
        }
    }
    Ok(Point { settings, results })
}

/// Runs `plan` on `scenario`: the base, the one-at-a-time ends, then the Morris
/// trajectories, calling `progress` after every replication and handing the base's
/// replications to `base_sink` in (variant, replication) order (to write `reps.csv`).
pub fn run(
    scenario: &Scenario,
    plan: &ScreenPlan,
    runner: &Runner,
    progress: &(dyn Fn() + Sync),
    base_sink: BaseSink<'_>,
) -> Result<Screen, ScreenError> {
    let base = run_point(
        scenario,
        plan,
        Vec::new(),
        runner,
        progress,
        Some(base_sink),
    )?;
    let names: Vec<&str> = base
        .results
        .variants
        .iter()
        .map(|v| v.name.as_str())
        .collect();
    let baseline_name = scenario
        .resolved_variants()
        .map_err(|e| ScreenError::Scenario(e.to_string()))?
        .get(scenario.baseline_index())
        .map(|v| v.name.clone())
        .unwrap_or_default();
    let baseline = names.iter().position(|n| *n == baseline_name).unwrap_or(0);
    let tornado = plan
        .factors
        .iter()
        .map(|f| {
            let low = run_point(scenario, plan, vec![f.low.clone()], runner, progress, None)?;
            let high = run_point(scenario, plan, vec![f.high.clone()], runner, progress, None)?;
            Ok([low, high])
        })
        .collect::<Result<Vec<_>, ScreenError>>()?;
    let mut morris = Vec::new();
    for trajectory in design(plan, scenario.seed) {
        let mut positions = Vec::new();
        let mut diffs = Vec::new();
        for point in &trajectory.points {
            let settings: Vec<Setting> = plan
                .factors
                .iter()
                .zip(point)
                .map(|(f, &x)| f.at(x))
                .collect();
            positions.push(
                plan.factors
                    .iter()
                    .zip(&settings)
                    .map(|(f, s)| f.position(s))
                    .collect(),
            );
            let p = run_point(scenario, plan, settings, runner, progress, None)?;
            diffs.push(
                (0..names.len())
                    .map(|v| {
                        (0..METRICS.len())
                            .map(|m| {
                                if v == baseline {
                                    0.0
                                } else {
                                    p.difference(v, baseline, m).mean_diff
                                }
                            })
                            .collect()
                    })
                    .collect(),
            );
        }
        morris.push(MorrisRun {
            trajectory,
            positions,
            diffs,
        });
    }
    Ok(Screen {
        factors: plan.factors.clone(),
        baseline,
        replications: plan.replications,
        base,
        tornado,
        morris,
        levels: plan.levels,
    })
}

impl Screen {
    /// The Morris statistics of every assumption for variant `v` minus the baseline on
    /// metric `m`, in assumption order.
    pub fn morris_statistics(&self, v: usize, m: usize) -> Vec<morris::Screening> {
        let mut effects = vec![Vec::new(); self.factors.len()];
        for run in &self.morris {
            let outputs: Vec<f64> = run.diffs.iter().map(|d| d[v][m]).collect();
            for (i, e) in morris::effects(&run.trajectory, &outputs, &run.positions)
                .into_iter()
                .enumerate()
            {
                effects[i].push(e);
            }
        }
        effects.iter().map(|e| morris::Screening::of(e)).collect()
    }
}
