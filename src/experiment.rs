//! An experiment: every selected variant times every replication, run in parallel on a
//! local thread pool, then summarised.
//!
//! The runs form one flat index `i = variant * replications + replication`. Results are
//! collected in index order and summarised in that order, so the outcome is identical
//! bit for bit whatever the number of threads.

use crate::metrics::METRICS;
use crate::scenario::{Scenario, Variant};
use crate::sim::records::Ramp;
use crate::sim::{ReplicationResult, run_replication};
use crate::stats::Summary;
use rayon::prelude::*;

/// Why an experiment cannot run.
#[derive(Debug, thiserror::Error)]
pub enum ExperimentError {
    /// A requested variant is not in the scenario.
    #[error("unknown variant {name:?}; the scenario's variants are: {}", .valid.join(", "))]
    UnknownVariant {
        /// The name asked for.
        name: String,
        /// Every variant name the scenario defines, in file order.
        valid: Vec<String>,
    },
    /// A thread count of zero.
    #[error("--threads must be at least 1")]
    ZeroThreads,
    /// The thread pool could not be built.
    #[error("cannot start {threads} worker threads: {message}")]
    ThreadPool {
        /// Threads requested.
        threads: usize,
        /// What rayon said.
        message: String,
    },
}

/// Picks the variants named in `names` (all of them when `names` is empty), keeping the
/// scenario's order and dropping repeats. An unknown name is an error listing the valid ones.
pub fn select_variants(
    all: Vec<Variant>,
    names: &[String],
) -> Result<Vec<Variant>, ExperimentError> {
    if names.is_empty() {
        return Ok(all);
    }
    if let Some(missing) = names.iter().find(|n| !all.iter().any(|v| &v.name == *n)) {
        return Err(ExperimentError::UnknownVariant {
            name: missing.clone(),
            valid: all.iter().map(|v| v.name.clone()).collect(),
        });
    }
    Ok(all
        .into_iter()
        .filter(|v| names.contains(&v.name))
        .collect())
}

/// Everything an experiment produced.
#[derive(Debug, Clone, PartialEq)]
pub struct ExperimentResults {
    /// The variants run, in output order.
    pub variants: Vec<Variant>,
    /// Replications per variant.
    pub replications: u32,
    /// `runs[v][r]`: replication `r` of variant `v`, metric values in `METRICS` order.
    pub runs: Vec<Vec<ReplicationResult>>,
    /// `summaries[v][m]`: metric `m` of variant `v` over its replications.
    pub summaries: Vec<Vec<Summary>>,
}

impl ExperimentResults {
    /// Results with no replication yet.
    pub fn empty(variants: &[Variant]) -> ExperimentResults {
        ExperimentResults {
            variants: variants.to_vec(),
            replications: 0,
            runs: vec![Vec::new(); variants.len()],
            summaries: vec![vec![Summary::of(&[]); METRICS.len()]; variants.len()],
        }
    }

    /// Results made of finished runs (`runs[v][r]` for variant `v`, replication `r`; every
    /// variant with the same number of runs), summarised.
    pub fn from_runs(variants: &[Variant], runs: Vec<Vec<ReplicationResult>>) -> ExperimentResults {
        let mut results = ExperimentResults {
            variants: variants.to_vec(),
            replications: runs.first().map_or(0, |r| r.len() as u32),
            runs,
            summaries: Vec::new(),
        };
        results.summarise();
        results
    }

    /// Values of metric `metric` (index into `METRICS`) for variant `variant`, by replication.
    /// A run that reported too few metrics gives NaN.
    pub fn metric_values(&self, variant: usize, metric: usize) -> Vec<f64> {
        self.runs[variant]
            .iter()
            .map(|r| r.metrics.get(metric).copied().unwrap_or(f64::NAN))
            .collect()
    }

    /// The new hires' wins by week of tenure of variant `variant`, pooled over its replications.
    pub fn pooled_ramp(&self, variant: usize) -> Ramp {
        let mut ramp = Ramp::default();
        for run in &self.runs[variant] {
            ramp.merge(&run.ramp);
        }
        ramp
    }

    /// Day-by-day totals of variant `variant`, averaged over its replications: one entry
    /// per working day, fields in `DayRecord` order (pool size, assigned, reclaimed,
    /// private held, visits, wins).
    pub fn mean_daily(&self, variant: usize) -> Vec<[f64; 6]> {
        let runs = &self.runs[variant];
        let days = runs.iter().map(|r| r.daily.len()).max().unwrap_or(0);
        (0..days)
            .map(|d| {
                let mut sum = [0.0; 6];
                let mut count = 0.0;
                for day in runs.iter().filter_map(|r| r.daily.get(d)) {
                    let fields = [
                        day.pool_size,
                        day.assigned,
                        day.reclaimed,
                        day.private_held,
                        day.visits,
                        day.wins,
                    ];
                    for (s, f) in sum.iter_mut().zip(fields) {
                        *s += f as f64;
                    }
                    count += 1.0;
                }
                sum.map(|s| s / count)
            })
            .collect()
    }

    /// Recomputes every summary from the runs.
    fn summarise(&mut self) {
        self.summaries = (0..self.variants.len())
            .map(|v| {
                (0..METRICS.len())
                    .map(|m| Summary::of(&self.metric_values(v, m)))
                    .collect()
            })
            .collect();
    }
}

/// A pool of worker threads that runs replications.
pub struct Runner {
    pool: rayon::ThreadPool,
}

impl Runner {
    /// A runner with `threads` worker threads.
    pub fn new(threads: usize) -> Result<Runner, ExperimentError> {
        if threads == 0 {
            return Err(ExperimentError::ZeroThreads);
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("salesim-worker-{i}"))
            .build()
            .map_err(|e| ExperimentError::ThreadPool {
                threads,
                message: e.to_string(),
            })?;
        Ok(Runner { pool })
    }

    /// Runs replications `results.replications..upto` of every variant of `results` (each
    /// in its own scenario when it has one, else in `scenario`; see `run_with`), appends them and updates
    /// the summaries. `progress` is called once after each finished run (from worker
    /// threads; it must not influence results).
    pub fn extend(
        &self,
        scenario: &Scenario,
        results: &mut ExperimentResults,
        upto: u32,
        progress: &(dyn Fn() + Sync),
    ) {
        let from = results.replications;
        if upto <= from {
            return;
        }
        let per_variant = (upto - from) as usize;
        let flat = self.map(
            &results.variants,
            from..upto,
            progress,
            |variant, replication| run_replication(scenario, variant, replication),
        );
        let mut rest = flat.into_iter();
        for runs in &mut results.runs {
            runs.extend(rest.by_ref().take(per_variant));
        }
        results.replications = upto;
        results.summarise();
    }

    /// Runs `run(variant, replication)` for each of `replications` of every one of `variants`
    /// on the pool (how [`Runner::extend`] runs replications), calling `progress` after each;
    /// returns the outputs in (variant, replication) order.
    pub fn map<T: Send>(
        &self,
        variants: &[Variant],
        replications: std::ops::Range<u32>,
        progress: &(dyn Fn() + Sync),
        run: impl Fn(&Variant, u32) -> T + Sync,
    ) -> Vec<T> {
        let per_variant = replications.len();
        let total = variants.len() * per_variant;
        self.pool.install(|| {
            (0..total)
                .into_par_iter()
                .map(|i| {
                    let variant = &variants[i / per_variant];
                    let replication = replications.start + (i % per_variant) as u32;
                    let output = run(variant, replication);
                    progress();
                    output
                })
                .collect()
        })
    }
}

/// Runs `replications` replications of each of `variants` on a local pool of `threads`
/// threads, calling `progress` once after each finished run (from worker threads; it must
/// not influence results). Returns results in (variant, replication) order with summaries.
pub fn run_experiment(
    scenario: &Scenario,
    variants: &[Variant],
    replications: u32,
    threads: usize,
    progress: &(dyn Fn() + Sync),
) -> Result<ExperimentResults, ExperimentError> {
    let runner = Runner::new(threads)?;
    let mut results = ExperimentResults::empty(variants);
    runner.extend(scenario, &mut results, replications, progress);
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all() -> Vec<Variant> {
        Scenario::embedded().resolved_variants().unwrap()
    }

    #[test]
    fn empty_filter_keeps_every_variant() {
        assert_eq!(select_variants(all(), &[]).unwrap(), all());
    }

    #[test]
    fn filter_keeps_scenario_order_and_drops_repeats() {
        let names = ["strict", "hoarding", "strict"].map(String::from);
        let picked = select_variants(all(), &names).unwrap();
        let picked: Vec<_> = picked.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(picked, ["hoarding", "strict"]);
    }

    #[test]
    fn unknown_variant_lists_the_valid_names() {
        let err = select_variants(all(), &["alibab".to_string()])
            .unwrap_err()
            .to_string();
        assert!(err.contains("\"alibab\""), "{err}");
        assert!(
            err.contains("hoarding, free-claim, alibaba, strict"),
            "{err}"
        );
    }

    #[test]
    fn results_do_not_depend_on_thread_count() {
        let mut scenario = Scenario::embedded();
        scenario.calendar.days = 2;
        let variants = select_variants(
            scenario.resolved_variants().unwrap(),
            &["alibaba".into(), "strict".into()],
        )
        .unwrap();
        let count = std::sync::atomic::AtomicUsize::new(0);
        let tick = || {
            count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        };
        let one = run_experiment(&scenario, &variants, 2, 1, &tick).unwrap();
        let two = run_experiment(&scenario, &variants, 2, 2, &tick).unwrap();
        assert_eq!(count.into_inner(), 8);
        assert_eq!(one.runs.len(), 2);
        assert_eq!(one.runs[1].len(), 2);
        assert_eq!(one.summaries[0].len(), METRICS.len());
        // Compare bit patterns so NaN metrics compare equal too.
        let bits = |r: &ExperimentResults| -> Vec<u64> {
            r.runs
                .iter()
                .flatten()
                .flat_map(|x| x.metrics.iter().map(|v| v.to_bits()))
                .collect()
        };
        assert_eq!(bits(&one), bits(&two));
        // Adding replications in batches gives the same results as one run.
        let runner = Runner::new(2).unwrap();
        let mut batched = ExperimentResults::empty(&variants);
        runner.extend(&scenario, &mut batched, 1, &|| {});
        runner.extend(&scenario, &mut batched, 2, &|| {});
        assert_eq!(batched.replications, 2);
        assert_eq!(bits(&batched), bits(&one));
        let debug = |r: &ExperimentResults| format!("{:?}", r.runs[1][1].reps);
        assert_eq!(debug(&batched), debug(&one));
    }

    #[test]
    fn zero_threads_is_refused() {
        let scenario = Scenario::embedded();
        let err = run_experiment(&scenario, &[], 1, 0, &|| {}).unwrap_err();
        assert!(matches!(err, ExperimentError::ZeroThreads));
    }
}
