//! An experiment: every selected variant times every replication, run in parallel on a
//! local thread pool, then summarised.
//!
//! The runs form one flat index `i = variant * replications + replication`. Results are
//! taken in index order as they finish (a finished run waits only for earlier ones) and
//! summarised in that order, so the outcome is identical bit for bit whatever the number
//! of threads. Of each replication only its metric values are kept; its per-rep and
//! per-day records are folded into per-variant sums and handed to a sink (which writes
//! `reps.csv`), so memory does not grow with the number of replications.

use crate::metrics::METRICS;
use crate::scenario::{Scenario, Variant};
use crate::sim::ReplicationResult;
use crate::sim::records::Ramp;
use crate::stats::{Distribution, Summary};
mod runner;

pub use runner::Runner;

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

/// What the analysis keeps of one replication: its metric values. (The per-rep and
/// per-day records of a replication go to [`VariantRecords`] and to the run's sink as it
/// finishes, so memory does not grow with replications.)
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunMetrics {
    /// One value per entry of `metrics::METRICS`, in that order.
    pub metrics: Vec<f64>,
}

/// A variant's per-rep and per-day records, folded over its replications in replication
/// order as they finish: what `daily.csv`, `ramp.csv` and the Lorenz picture need, in a
/// size that does not depend on the number of replications.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VariantRecords {
    /// `daily[d]`: the sums over replications of day `d`'s fields in `DayRecord` order
    /// (pool size, assigned, reclaimed, private held, visits, wins), and how many
    /// replications had that day.
    daily: Vec<([f64; 6], f64)>,
    /// The new hires' ramp, pooled.
    ramp: Ramp,
    /// Wins per working day of every rep who worked at least one day, pooled.
    wins_per_day: Distribution,
}

impl VariantRecords {
    /// Folds in the next replication's records. Each running sum receives the same
    /// additions in the same order as a sum over the replications afterwards would.
    pub fn add(&mut self, run: &ReplicationResult) {
        if self.daily.len() < run.daily.len() {
            self.daily.resize(run.daily.len(), ([0.0; 6], 0.0));
        }
        for ((sum, count), day) in self.daily.iter_mut().zip(&run.daily) {
            for (s, f) in sum.iter_mut().zip(day.columns()) {
                *s += f;
            }
            *count += 1.0;
        }
        self.ramp.merge(&run.ramp);
        for rep in run.reps.iter().filter(|r| r.days_worked > 0) {
            self.wins_per_day
                .add(f64::from(rep.wins) / f64::from(rep.days_worked));
        }
    }

    /// Day-by-day totals averaged over the replications: one entry per working day,
    /// fields in `DayRecord` order.
    pub fn mean_daily(&self) -> Vec<[f64; 6]> {
        self.daily
            .iter()
            .map(|(sum, count)| sum.map(|s| s / count))
            .collect()
    }

    /// The new hires' wins by week of tenure, pooled over the replications.
    pub fn ramp(&self) -> &Ramp {
        &self.ramp
    }

    /// Wins per working day of every rep (who worked) of every replication.
    pub fn wins_per_day(&self) -> &Distribution {
        &self.wins_per_day
    }
}

/// Everything an experiment keeps: per replication only the metric values, and per
/// variant its records folded over replications.
#[derive(Debug, Clone, PartialEq)]
pub struct ExperimentResults {
    /// The variants run, in output order.
    pub variants: Vec<Variant>,
    /// Replications per variant.
    pub replications: u32,
    /// `runs[v][r]`: replication `r` of variant `v`, metric values in `METRICS` order.
    pub runs: Vec<Vec<RunMetrics>>,
    /// `summaries[v][m]`: metric `m` of variant `v` over its replications.
    pub summaries: Vec<Vec<Summary>>,
    /// `records[v]`: variant `v`'s per-rep and per-day records, folded over its
    /// replications (empty for results read back from a finished run's files).
    pub records: Vec<VariantRecords>,
}

impl ExperimentResults {
    /// Results with no replication yet.
    pub fn empty(variants: &[Variant]) -> ExperimentResults {
        ExperimentResults {
            variants: variants.to_vec(),
            replications: 0,
            runs: vec![Vec::new(); variants.len()],
            summaries: vec![vec![Summary::of(&[]); METRICS.len()]; variants.len()],
            records: vec![VariantRecords::default(); variants.len()],
        }
    }

    /// Results made of finished runs' metrics (`runs[v][r]` for variant `v`, replication
    /// `r`; every variant with the same number of runs), summarised, without records.
    pub fn from_runs(variants: &[Variant], runs: Vec<Vec<RunMetrics>>) -> ExperimentResults {
        let mut results = ExperimentResults {
            variants: variants.to_vec(),
            replications: runs.first().map_or(0, |r| r.len() as u32),
            runs,
            summaries: Vec::new(),
            records: vec![VariantRecords::default(); variants.len()],
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
        self.records[variant].ramp().clone()
    }

    /// Day-by-day totals of variant `variant`, averaged over its replications: one entry
    /// per working day, fields in `DayRecord` order (pool size, assigned, reclaimed,
    /// private held, visits, wins).
    pub fn mean_daily(&self, variant: usize) -> Vec<[f64; 6]> {
        self.records[variant].mean_daily()
    }

    /// Takes in the next replication of variant `variant`: its metrics are kept, its
    /// records folded in, the rest dropped. Replications must come in order.
    fn absorb(&mut self, variant: usize, run: ReplicationResult) {
        self.records[variant].add(&run);
        self.runs[variant].push(RunMetrics {
            metrics: run.metrics,
        });
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
        let debug = |r: &ExperimentResults| format!("{:?}", r.records);
        assert_eq!(debug(&batched), debug(&one));
        assert_eq!(debug(&two), debug(&one));
    }

    #[test]
    fn records_are_folded_in_replication_order_and_the_sink_sees_every_run_in_index_order() {
        let mut scenario = Scenario::embedded();
        scenario.calendar.days = 3;
        let variants = select_variants(
            scenario.resolved_variants().unwrap(),
            &["alibaba".into(), "strict".into()],
        )
        .unwrap();
        // In batches of 2 then 3 replications, on 2 threads.
        let runner = Runner::new(2).unwrap();
        let mut results = ExperimentResults::empty(&variants);
        let mut seen = Vec::new();
        let mut runs = vec![Vec::new(); variants.len()];
        for upto in [2, 5] {
            runner
                .extend_with(&scenario, &mut results, upto, &|| {}, &mut |v, r, run| {
                    seen.push((v, r));
                    runs[v].push(run.clone());
                    Ok::<(), ()>(())
                })
                .unwrap();
        }
        let order = |batch: std::ops::Range<u32>| {
            (0..2).flat_map(move |v| batch.clone().map(move |r| (v, r)))
        };
        assert_eq!(seen, order(0..2).chain(order(2..5)).collect::<Vec<_>>());
        // The folded records are what summing the kept results afterwards gives, bit for bit.
        for (v, runs) in runs.iter().enumerate() {
            let days = runs[0].daily.len();
            for d in 0..days {
                let mut sum = [0.0; 6];
                for day in runs.iter().map(|r| r.daily[d]) {
                    for (s, f) in sum.iter_mut().zip(day.columns()) {
                        *s += f;
                    }
                }
                let mean = sum.map(|s| (s / runs.len() as f64).to_bits());
                assert_eq!(results.mean_daily(v)[d].map(f64::to_bits), mean);
            }
            let mut ramp = Ramp::default();
            runs.iter().for_each(|r| ramp.merge(&r.ramp));
            assert_eq!(results.pooled_ramp(v), ramp);
            let mut wins: Vec<f64> = runs
                .iter()
                .flat_map(|r| &r.reps)
                .filter(|r| r.days_worked > 0)
                .map(|r| f64::from(r.wins) / f64::from(r.days_worked))
                .collect();
            wins.sort_by(f64::total_cmp);
            let pooled: Vec<f64> = results.records[v].wins_per_day().iter().collect();
            assert_eq!(pooled, wins);
        }
    }

    #[test]
    fn results_hold_no_per_rep_records_and_do_not_grow_with_replications() {
        let mut scenario = Scenario::embedded();
        scenario.calendar.days = 2;
        let variants =
            select_variants(scenario.resolved_variants().unwrap(), &["alibaba".into()]).unwrap();
        let runner = Runner::new(2).unwrap();
        // What the results hold beyond one metric vector per replication: the folded
        // records, whose size is set by the days, the tenure weeks and the distinct
        // wins-per-day values, not by the replications.
        let footprint = |r: &ExperimentResults| {
            let rec = &r.records[0];
            (
                rec.mean_daily().len(),
                rec.ramp().wins.len(),
                rec.wins_per_day().distinct(),
            )
        };
        let mut results = ExperimentResults::empty(&variants);
        runner.extend(&scenario, &mut results, 2, &|| {});
        let small = footprint(&results);
        let reps_seen = results.records[0].wins_per_day().len();
        runner.extend(&scenario, &mut results, 12, &|| {});
        let large = footprint(&results);
        assert_eq!(results.runs[0].len(), 12);
        assert!(results.records[0].wins_per_day().len() >= 5 * reps_seen);
        assert_eq!(small.0, large.0);
        // Tenure weeks of new hires: bounded by how long a rep stays a new hire (a run
        // may see an older new hire than the first two did).
        let weeks = scenario.org.new_hire_days as usize / 7 + 3;
        assert!(
            small.1 <= large.1 && large.1 <= weeks,
            "{small:?} {large:?}"
        );
        // Distinct values of wins / days worked with 2 days: 0, 1/2, 1, 3/2, 2, ...
        assert!(large.2 <= 20, "{large:?}");
        // Structurally: a replication keeps its metrics and nothing else.
        let RunMetrics { metrics } = &results.runs[0][11];
        assert_eq!(metrics.len(), METRICS.len());
    }

    #[test]
    fn zero_threads_is_refused() {
        let scenario = Scenario::embedded();
        let err = run_experiment(&scenario, &[], 1, 0, &|| {}).unwrap_err();
        assert!(matches!(err, ExperimentError::ZeroThreads));
    }
}
