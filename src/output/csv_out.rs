//! The CSV files of an experiment: per replication, per variant, and the comparisons.
//!
//! In a sweep, every file that has a `variant` column also has one column per swept
//! parameter right after it (named by the key path, e.g. `policy.reclaim_timeout_hours`).
//!
//! Numbers are written with Rust's `{}` formatting of `f64` (the shortest text that reads
//! back to the same value), so output is deterministic. A non-finite value (NaN, for a
//! ratio with a zero denominator, or a confidence bound with fewer than two finite
//! values) is written as an empty field.

use crate::analysis::Analysis;
use crate::experiment::ExperimentResults;
use crate::metrics::METRICS;
use crate::scenario::Variant;

/// A number as written in CSV: `{}` Display for finite values, an empty field otherwise.
pub fn number(v: f64) -> String {
    if v.is_finite() {
        format!("{v}")
    } else {
        String::new()
    }
}

/// The leading header cells of every per-variant file: `variant`, then each swept
/// parameter's key path (those of the first variant; every variant of a sweep has the same).
pub fn variant_header(results: &ExperimentResults) -> Vec<String> {
    variants_header(&results.variants)
}

/// [`variant_header`] of a list of variants.
pub fn variants_header(variants: &[Variant]) -> Vec<String> {
    let mut header = vec!["variant".to_string()];
    if let Some(first) = variants.first() {
        header.extend(first.parameters.iter().map(|(key, _)| key.clone()));
    }
    header
}

/// The leading cells of variant `v`'s rows: its name, then its swept parameters' values.
pub fn variant_cells(results: &ExperimentResults, v: usize) -> Vec<String> {
    cells_of(&results.variants[v])
}

/// The leading cells of `variant`'s rows: its name, then its swept parameters' values.
pub fn cells_of(variant: &Variant) -> Vec<String> {
    let mut cells = vec![variant.name.clone()];
    cells.extend(variant.parameters.iter().map(|(_, value)| value.clone()));
    cells
}

/// A header: the variant cells, then `rest`.
pub fn header_with(results: &ExperimentResults, rest: &[&str]) -> Vec<String> {
    let mut header = variants_header(&results.variants);
    header.extend(rest.iter().map(|c| c.to_string()));
    header
}

/// CSV text of `rows` (the first being the header).
pub fn to_bytes(rows: impl IntoIterator<Item = Vec<String>>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in rows {
        w.write_record(&row)
            .expect("writing CSV to memory cannot fail");
    }
    w.into_inner().expect("flushing CSV to memory cannot fail")
}

/// `replications.csv`: header `variant,replication,seed`, then one column per metric in
/// `METRICS` order; one row per (variant, replication), variants in run order and
/// replications numbered from 0. `seed` is the scenario's master seed (with the
/// replication index it determines the run).
pub fn replications_csv(seed: u64, results: &ExperimentResults) -> Vec<u8> {
    let mut header = header_with(results, &["replication", "seed"]);
    header.extend(METRICS.iter().map(|m| m.name.to_string()));
    let rows = results.runs.iter().enumerate().flat_map(|(v, runs)| {
        runs.iter().enumerate().map(move |(r, run)| {
            let mut row = variant_cells(results, v);
            row.extend([r.to_string(), seed.to_string()]);
            row.extend(
                (0..METRICS.len()).map(|m| number(run.metrics.get(m).copied().unwrap_or(f64::NAN))),
            );
            row
        })
    });
    to_bytes(std::iter::once(header).chain(rows))
}

/// `summary.csv`, long format: `variant,metric,n,mean,sd,ci95_low,ci95_high`, one row per
/// (variant, metric), metrics in `METRICS` order. `n` counts the finite values.
pub fn summary_csv(results: &ExperimentResults) -> Vec<u8> {
    let header = header_with(
        results,
        &["metric", "n", "mean", "sd", "ci95_low", "ci95_high"],
    );
    let rows = results
        .summaries
        .iter()
        .enumerate()
        .flat_map(|(v, summaries)| {
            METRICS.iter().zip(summaries).map(move |(metric, s)| {
                let mut row = variant_cells(results, v);
                row.extend([
                    metric.name.to_string(),
                    s.n.to_string(),
                    number(s.mean),
                    number(s.sd),
                    number(s.ci95_low),
                    number(s.ci95_high),
                ]);
                row
            })
        });
    to_bytes(std::iter::once(header).chain(rows))
}

/// `comparison.csv`: `variant,baseline,metric,n,mean_diff,ci95_low,ci95_high,rel_diff,p_value`,
/// one row per (variant other than the baseline, metric): the paired t-test of
/// `variant − baseline` over replications sharing their random numbers. `rel_diff` is the
/// mean difference over the baseline's mean.
pub fn comparison_csv(results: &ExperimentResults, analysis: &Analysis) -> Vec<u8> {
    let header = header_with(
        results,
        &[
            "baseline",
            "metric",
            "n",
            "mean_diff",
            "ci95_low",
            "ci95_high",
            "rel_diff",
            "p_value",
        ],
    );
    let rows = analysis.comparisons.iter().map(|c| {
        let mut row = variant_cells(results, c.variant);
        let t = &c.test;
        row.extend([
            results.variants[c.baseline].name.clone(),
            METRICS[c.metric].name.to_string(),
            t.n.to_string(),
            number(t.mean_diff),
            number(t.ci95_low),
            number(t.ci95_high),
            number(c.rel_diff),
            number(t.p_value),
        ]);
        row
    });
    to_bytes(std::iter::once(header).chain(rows))
}

/// `ranking.csv`: `variant,metric,better,mean,ci95_low,ci95_high,p_best,meets_floors,verdict`,
/// one row per variant for the verdict's metric: the probability that it is best (paired
/// bootstrap; empty where the variant's metric is undefined), whether it meets every
/// fairness floor (`false` if a floor it defines fails, empty if it leaves one undefined so
/// that it cannot be judged), and `best`, `best_meeting_floors`, `best;best_meeting_floors`
/// or empty.
pub fn ranking_csv(results: &ExperimentResults, analysis: &Analysis) -> Vec<u8> {
    let v = &analysis.verdict;
    let header = header_with(
        results,
        &[
            "metric",
            "better",
            "mean",
            "ci95_low",
            "ci95_high",
            "p_best",
            "meets_floors",
            "verdict",
        ],
    );
    let rows = (0..results.variants.len()).map(|i| {
        let s = &results.summaries[i][v.metric];
        let mut tags = Vec::new();
        if v.best == Some(i) {
            tags.push("best");
        }
        if v.best_meeting_floors == Some(i) && !v.floors.is_empty() {
            tags.push("best_meeting_floors");
        }
        let mut row = variant_cells(results, i);
        row.extend([
            METRICS[v.metric].name.to_string(),
            METRICS[v.metric].better.as_str().to_string(),
            number(s.mean),
            number(s.ci95_low),
            number(s.ci95_high),
            if s.mean.is_finite() {
                number(v.p_best[i])
            } else {
                String::new()
            },
            floors_cell(results, analysis, i),
            tags.join(";"),
        ]);
        row
    });
    to_bytes(std::iter::once(header).chain(rows))
}

/// Whether variant `i` meets the floors, for `ranking.csv`: `false` when a floor whose
/// metric it defines fails, empty when it leaves a floor's metric undefined (no judging),
/// else `true`.
fn floors_cell(results: &ExperimentResults, analysis: &Analysis, i: usize) -> String {
    crate::analysis::meets_floors(results, &analysis.verdict.floors, i)
        .map_or(String::new(), |met| met.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::RunMetrics;
    use crate::scenario::Scenario;
    use crate::stats::Summary;

    fn results() -> ExperimentResults {
        let variants = Scenario::embedded().resolved_variants().unwrap()[..2].to_vec();
        let run = |x: f64| RunMetrics {
            metrics: (0..METRICS.len())
                .map(|m| if m == 1 { f64::NAN } else { x + m as f64 })
                .collect(),
        };
        let runs = vec![vec![run(0.5), run(1.5)], vec![run(0.25), run(0.75)]];
        let summaries = runs
            .iter()
            .map(|rs: &Vec<RunMetrics>| {
                (0..METRICS.len())
                    .map(|m| Summary::of(&rs.iter().map(|r| r.metrics[m]).collect::<Vec<_>>()))
                    .collect()
            })
            .collect();
        ExperimentResults {
            records: vec![Default::default(); variants.len()],
            variants,
            replications: 2,
            runs,
            summaries,
        }
    }

    #[test]
    fn ranking_leaves_what_cannot_be_judged_empty() {
        use crate::analysis::{FairnessFloor, analyse};
        let variants = Scenario::embedded().resolved_variants().unwrap()[..2].to_vec();
        let conv = crate::metrics::metric_index("conversion_rate").unwrap();
        let nh = crate::metrics::metric_index("nh_win_ratio").unwrap();
        // No new hires: nh_win_ratio undefined everywhere.
        let run = |c: f64| RunMetrics {
            metrics: (0..METRICS.len())
                .map(|m| if m == conv { c } else { f64::NAN })
                .collect(),
        };
        let runs = vec![vec![run(0.01), run(0.02)], vec![run(0.015), run(0.025)]];
        let r = ExperimentResults::from_runs(&variants, runs);
        let cells = |a: &Analysis, column: usize| -> Vec<String> {
            String::from_utf8(ranking_csv(&r, a))
                .unwrap()
                .lines()
                .skip(1)
                .map(|l| l.split(',').nth(column).unwrap().to_string())
                .collect()
        };
        let floors = [FairnessFloor::parse("nh_win_ratio=0.8").unwrap()];
        let a = analyse(&r, 0, conv, &floors, 100, 1);
        assert_eq!(cells(&a, 7), ["", ""], "meets_floors cannot be judged");
        assert_ne!(
            cells(&a, 6),
            ["", ""],
            "p_best of a defined metric is given"
        );
        let floors = [FairnessFloor::parse("conversion_rate=0.02").unwrap()];
        let a = analyse(&r, 0, conv, &floors, 100, 1);
        assert_eq!(cells(&a, 7), ["false", "true"]);
        let a = analyse(&r, 0, nh, &[], 100, 1);
        assert_eq!(cells(&a, 6), ["", ""], "no p_best on an undefined metric");
    }

    #[test]
    fn numbers_are_shortest_round_trip_and_blank_when_undefined() {
        assert_eq!(number(0.1), "0.1");
        assert_eq!(number(3.0), "3");
        assert_eq!(number(1.0 / 3.0), "0.3333333333333333");
        assert_eq!(number(f64::NAN), "");
        assert_eq!(number(f64::INFINITY), "");
    }

    #[test]
    fn replications_file_layout() {
        let text = String::from_utf8(replications_csv(42, &results())).unwrap();
        let lines: Vec<_> = text.lines().collect();
        assert_eq!(lines.len(), 5);
        let header = format!(
            "variant,replication,seed,{}",
            METRICS.iter().map(|m| m.name).collect::<Vec<_>>().join(",")
        );
        assert_eq!(lines[0], header);
        assert!(
            lines[1].starts_with("hoarding,0,42,0.5,,2.5,"),
            "{}",
            lines[1]
        );
        assert!(
            lines[4].starts_with("free-claim,1,42,0.75,,2.75,"),
            "{}",
            lines[4]
        );
    }

    #[test]
    fn summary_file_layout() {
        let text = String::from_utf8(summary_csv(&results())).unwrap();
        let lines: Vec<_> = text.lines().collect();
        assert_eq!(lines.len(), 1 + 2 * METRICS.len());
        assert_eq!(lines[0], "variant,metric,n,mean,sd,ci95_low,ci95_high");
        let first = format!("hoarding,{},2,1,", METRICS[0].name);
        assert!(lines[1].starts_with(&first), "{}", lines[1]);
        assert_eq!(lines[2], format!("hoarding,{},0,,,,", METRICS[1].name));
    }
}
