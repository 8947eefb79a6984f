//! The two CSV files.
//!
//! Numbers are written with Rust's `{}` formatting of `f64` (the shortest text that reads
//! back to the same value), so output is deterministic. A non-finite value (NaN, for a
//! ratio with a zero denominator, or a confidence bound with fewer than two finite
//! values) is written as an empty field.

use crate::experiment::ExperimentResults;
use crate::metrics::METRICS;

/// A number as written in CSV: `{}` Display for finite values, an empty field otherwise.
pub fn number(v: f64) -> String {
    if v.is_finite() {
        format!("{v}")
    } else {
        String::new()
    }
}

fn to_bytes(rows: impl IntoIterator<Item = Vec<String>>) -> Vec<u8> {
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
    let header = ["variant", "replication", "seed"]
        .into_iter()
        .chain(METRICS.iter().map(|m| m.name))
        .map(String::from)
        .collect();
    let rows = results
        .variants
        .iter()
        .zip(&results.runs)
        .flat_map(|(variant, runs)| {
            runs.iter().enumerate().map(move |(r, run)| {
                let mut row = vec![variant.name.clone(), r.to_string(), seed.to_string()];
                row.extend(
                    (0..METRICS.len())
                        .map(|m| number(run.metrics.get(m).copied().unwrap_or(f64::NAN))),
                );
                row
            })
        });
    to_bytes(std::iter::once(header).chain(rows))
}

/// `summary.csv`, long format: `variant,metric,n,mean,sd,ci95_low,ci95_high`, one row per
/// (variant, metric), metrics in `METRICS` order. `n` counts the finite values.
pub fn summary_csv(results: &ExperimentResults) -> Vec<u8> {
    let header = [
        "variant",
        "metric",
        "n",
        "mean",
        "sd",
        "ci95_low",
        "ci95_high",
    ]
    .map(String::from)
    .to_vec();
    let rows = results
        .variants
        .iter()
        .zip(&results.summaries)
        .flat_map(|(variant, summaries)| {
            METRICS.iter().zip(summaries).map(move |(metric, s)| {
                vec![
                    variant.name.clone(),
                    metric.name.to_string(),
                    s.n.to_string(),
                    number(s.mean),
                    number(s.sd),
                    number(s.ci95_low),
                    number(s.ci95_high),
                ]
            })
        });
    to_bytes(std::iter::once(header).chain(rows))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;
    use crate::sim::ReplicationResult;
    use crate::stats::Summary;

    fn results() -> ExperimentResults {
        let variants = Scenario::embedded().resolved_variants().unwrap()[..2].to_vec();
        let run = |x: f64| ReplicationResult {
            metrics: (0..METRICS.len())
                .map(|m| if m == 1 { f64::NAN } else { x + m as f64 })
                .collect(),
        };
        let runs = vec![vec![run(0.5), run(1.5)], vec![run(0.25), run(0.75)]];
        let summaries = runs
            .iter()
            .map(|rs: &Vec<ReplicationResult>| {
                (0..METRICS.len())
                    .map(|m| Summary::of(&rs.iter().map(|r| r.metrics[m]).collect::<Vec<_>>()))
                    .collect()
            })
            .collect();
        ExperimentResults {
            variants,
            replications: 2,
            runs,
            summaries,
        }
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
