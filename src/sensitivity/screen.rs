//! Running a screen: the base scenario, each assumption at its low and high value (one at
//! a time), and the Morris trajectories, every point with the same replications (common
//! random numbers) on the whole engine.

use super::morris::{self, Trajectory};
use crate::analysis::{PairedTest, paired_t};
use crate::experiment::{ExperimentResults, Runner, select_variants};
use crate::metrics::METRICS;
use crate::rng::{Seeds, Source};
use crate::scenario::{Factor, Scenario, Setting, Variant};
use crate::sim::{ReplicationResult, run_replication};

/// One point of the screen: the scenario with some settings, run.
#[derive(Debug, Clone)]
pub struct Point {
    /// The settings applied to the base scenario (none for the base itself).
    pub settings: Vec<Setting>,
    /// Per-replication metric values of every variant; at the base also the records
    /// folded over replications (its per-rep records go to the sink as they finish).
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

/// The Morris design of `plan` for master seed `seed` (spread-out trajectories, see
/// [`morris::spread_design`]), from its own named stream.
pub fn design(plan: &ScreenPlan, seed: u64) -> Vec<Trajectory> {
    let mut rng = Seeds::new(seed, u64::MAX).stream(Source::MorrisDesign, 0);
    morris::spread_design(plan.factors.len(), plan.levels, plan.trajectories, &mut rng)
}

/// The settings of the Morris point `position` (each factor's place in [0, 1]).
fn settings_at(plan: &ScreenPlan, position: &[f64]) -> Vec<Setting> {
    plan.factors
        .iter()
        .zip(position)
        .map(|(f, &x)| f.at(x))
        .collect()
}

/// The settings of every point of `plan` with master seed `seed`, in the order [`run`]
/// numbers them: the base (none), each assumption's low then high end, then each Morris
/// trajectory's points.
pub fn point_settings(plan: &ScreenPlan, seed: u64) -> Vec<Vec<Setting>> {
    let mut points = vec![Vec::new()];
    for f in &plan.factors {
        points.push(vec![f.low.clone()]);
        points.push(vec![f.high.clone()]);
    }
    for trajectory in design(plan, seed) {
        points.extend(trajectory.points.iter().map(|p| settings_at(plan, p)));
    }
    points
}

/// Where a screen finds replications saved earlier (a checkpoint's):
/// `saved(point, variant, replication)` gives the replication read back, to be used
/// instead of simulating it, or `None` when it has not got it. Points are numbered as
/// [`run`] runs them; a replication of any point but the base may come back with only its
/// metrics (its records are not used).
pub type Saved<'a, E> =
    &'a (dyn Fn(usize, usize, u32) -> Option<Result<ReplicationResult, E>> + Sync);

/// Where every replication of every point goes as it is handed over:
/// `sink(point, variant, replication, result)`, on the calling thread, in the order the
/// screen runs them (point by point, then variant by variant, then replication by
/// replication), whatever the number of threads.
pub type Sink<'a, E> = &'a mut dyn FnMut(usize, usize, u32, &ReplicationResult) -> Result<(), E>;

/// Why a screen stopped before the end.
#[derive(Debug, thiserror::Error)]
pub enum ScreenError<E> {
    /// A point's scenario or variants are not valid.
    #[error("{0}")]
    Scenario(String),
    /// The runner was interrupted: the replications handed over so far went to the sink,
    /// the rest did not run.
    #[error("the screen was interrupted before its last point finished")]
    Interrupted,
    /// The sink, or reading a saved replication, failed.
    #[error(transparent)]
    Sink(E),
}

/// The engine of one screen: the runner, where replications come from and go, and the
/// number of the next point to run.
struct Engine<'a, E> {
    runner: &'a Runner,
    progress: &'a (dyn Fn() + Sync),
    saved: Saved<'a, E>,
    sink: Sink<'a, E>,
    /// The next point's number.
    next: usize,
    /// The base's variant names (the same variants run at every point).
    names: Option<Vec<String>>,
}

impl<E: Send> Engine<'_, E> {
    /// Runs the next point: `scenario` with `settings`, every replication of every variant
    /// read back from `saved` or simulated, and handed to the sink. Only the base (the
    /// first point) keeps its records: the others need their metrics alone.
    fn point(
        &mut self,
        scenario: &Scenario,
        plan: &ScreenPlan,
        settings: Vec<Setting>,
    ) -> Result<Point, ScreenError<E>> {
        let (s, variants) = point_variants(scenario, plan, &settings, &mut self.names)?;
        let point = self.next;
        self.next += 1;
        let mut results = ExperimentResults::empty(&variants);
        let saved = self.saved;
        let sink = &mut *self.sink;
        let finished = self
            .runner
            .extend_from(
                &s,
                &mut results,
                plan.replications,
                self.progress,
                &|v, r| saved(point, v, r),
                &mut |v, r, run| sink(point, v, r, run),
            )
            .map_err(ScreenError::Sink)?;
        if !finished {
            return Err(ScreenError::Interrupted);
        }
        if point > 0 {
            // Only the base is written as a study; the other points need their metrics.
            for records in &mut results.records {
                *records = Default::default();
            }
        }
        Ok(Point { settings, results })
    }
}

/// The scenario and the variants of the point with `settings`; the variants must be
/// those of the base (`names`, set at the first point).
fn point_variants<E>(
    scenario: &Scenario,
    plan: &ScreenPlan,
    settings: &[Setting],
    names: &mut Option<Vec<String>>,
) -> Result<(Scenario, Vec<Variant>), ScreenError<E>> {
    let invalid = |e: &dyn std::fmt::Display| {
        ScreenError::Scenario(format!("at {}: {e}", describe(settings)))
    };
    let s = scenario.assuming(settings).map_err(|e| invalid(&e))?;
    let variants = s.resolved_variants().map_err(|e| invalid(&e))?;
    let variants = select_variants(variants, &plan.variants).map_err(|e| invalid(&e))?;
    let these: Vec<String> = variants.iter().map(|v| v.name.clone()).collect();
    match names {
        None => *names = Some(these),
        Some(base) if *base != these => {
            return Err(ScreenError::Scenario(format!(
                "the variants at {} are {}, not the base's {}",
                describe(settings),
                these.join(", "),
                base.join(", ")
            )));
        }
        Some(_) => {}
    }
    Ok((s, variants))
}

/// Checks, before anything runs, that every point of `plan` (on `scenario`, with its
/// seed's Morris design) is a valid scenario with the base's variants: assumptions that
/// are valid one at a time may not be together (`push_min` above `push_max`, say). The
/// error names the first bad point's settings and the problem. `metrics` (the ranking
/// metric and the floors') must also mean something at every point: a point that takes a
/// variant's reclaim timeout away makes `reclaimed_share` zero by construction
/// ([`crate::analysis::zero_by_construction`]).
pub fn check_points(
    scenario: &Scenario,
    plan: &ScreenPlan,
    metrics: &[usize],
) -> Result<(), String> {
    let mut names = None;
    for settings in point_settings(plan, scenario.seed) {
        let (_, variants) =
            point_variants::<std::convert::Infallible>(scenario, plan, &settings, &mut names)
                .map_err(|e| e.to_string())?;
        for &m in metrics {
            if let Some(why) = crate::analysis::zero_by_construction(m, &variants) {
                return Err(format!("at {}: {why}", describe(&settings)));
            }
        }
    }
    Ok(())
}

/// Runs one share of `plan` on `scenario` (a shard's): `replications` (in increasing
/// order) of every variant at every point, numbered as [`run`] numbers them, each taken
/// from `saved` when it has it and handed to `sink` in run order, without the analysis
/// (the merge of every share does that). Stops as [`run`] does.
pub fn run_share<E: Send>(
    scenario: &Scenario,
    plan: &ScreenPlan,
    runner: &Runner,
    replications: &[u32],
    progress: &(dyn Fn() + Sync),
    saved: Saved<'_, E>,
    sink: Sink<'_, E>,
) -> Result<(), ScreenError<E>> {
    let mut names = None;
    for (point, settings) in point_settings(plan, scenario.seed).iter().enumerate() {
        let (s, variants) = point_variants(scenario, plan, settings, &mut names)?;
        let finished = runner
            .each(
                &variants,
                replications,
                progress,
                &|v, variant, r| {
                    saved(point, v, r).unwrap_or_else(|| Ok(run_replication(&s, variant, r)))
                },
                &mut |v, r, run| sink(point, v, r, &run?),
            )
            .map_err(ScreenError::Sink)?;
        if !finished {
            return Err(ScreenError::Interrupted);
        }
    }
    Ok(())
}

/// `settings` in words: "the base", or `key = value, ...`.
fn describe(settings: &[Setting]) -> String {
    if settings.is_empty() {
        return "the base".into();
    }
    settings
        .iter()
        .map(|s| format!("{} = {}", s.key, s.text))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Runs `plan` on `scenario` on `runner`: the base, the one-at-a-time ends, then the
/// Morris trajectories, calling `progress` after every replication.
///
/// The points are numbered in that order: 0 the base, `1 + 2i` and `2 + 2i` assumption
/// i's low and high ends, then each trajectory's points in the design's order (see
/// [`design`]; it depends only on the plan and the seed), [`ScreenPlan::points`] in all.
/// Every replication of every point is taken from `saved` when it has it (a checkpoint's;
/// the outcome is the same as long as it gives what the simulation gave) and handed to
/// `sink` in that order, so a caller can save them and write the base's per-rep rows.
///
/// A runner interrupted mid-screen (see [`Runner::interruptible`]) ends it with
/// [`ScreenError::Interrupted`] after the replications in flight are handed over; a
/// failure of `sink` or of `saved` ends it with [`ScreenError::Sink`].
pub fn run<E: Send>(
    scenario: &Scenario,
    plan: &ScreenPlan,
    runner: &Runner,
    progress: &(dyn Fn() + Sync),
    saved: Saved<'_, E>,
    sink: Sink<'_, E>,
) -> Result<Screen, ScreenError<E>> {
    let mut engine = Engine {
        runner,
        progress,
        saved,
        sink,
        next: 0,
        names: None,
    };
    let base = engine.point(scenario, plan, Vec::new())?;
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
            let low = engine.point(scenario, plan, vec![f.low.clone()])?;
            let high = engine.point(scenario, plan, vec![f.high.clone()])?;
            Ok([low, high])
        })
        .collect::<Result<Vec<_>, ScreenError<E>>>()?;
    let mut morris = Vec::new();
    for trajectory in design(plan, scenario.seed) {
        let mut positions = Vec::new();
        let mut diffs = Vec::new();
        for point in &trajectory.points {
            let settings = settings_at(plan, point);
            positions.push(
                plan.factors
                    .iter()
                    .zip(&settings)
                    .map(|(f, s)| f.position(s))
                    .collect(),
            );
            let p = engine.point(scenario, plan, settings)?;
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
    debug_assert_eq!(engine.next, plan.points());
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
