//! The pictures of an experiment, drawn from its results with `plots`: each main metric
//! by variant with its interval, Lorenz curves of wins across reps, the new-hire ramp,
//! the conversion–fairness trade-off and, for a sweep, the ranking metric against the
//! swept parameter. Each is written as SVG and PNG beside the CSVs.

use super::plots::{self, Interval, PlotError};
use super::table::TABLE_METRICS;
use crate::analysis::Analysis;
use crate::experiment::ExperimentResults;
use crate::metrics::{METRICS, metric_index};
use crate::stats::Summary;
use std::path::{Path, PathBuf};

/// A summary as an interval, scaled.
fn interval(s: &Summary, scale: f64) -> Interval {
    Interval::new(s.mean * scale, s.ci95_low * scale, s.ci95_high * scale)
}

/// A metric's scale and axis label with its unit: shares in percent.
fn axis(metric: usize) -> (f64, String) {
    let m = &METRICS[metric];
    let label = m.name.replace('_', " ");
    match m.unit {
        "share" => (100.0, format!("{label} (%)")),
        unit => (1.0, format!("{label} ({unit})")),
    }
}

/// The trade-off picture's axes: the ranking metric across and the first fairness metric
/// up (a floor's metric, else `nh_win_ratio`; see [`crate::analysis::fairness_metrics`]);
/// conversion_rate across when the ranking metric is itself the only fairness metric.
pub fn tradeoff_axes(analysis: &Analysis) -> Option<(usize, usize)> {
    let ranked = analysis.verdict.metric;
    match crate::analysis::fairness_metrics(ranked, &analysis.verdict.floors).first() {
        Some(&fair) => Some((ranked, fair)),
        None => metric_index("conversion_rate")
            .filter(|&conversion| conversion != ranked)
            .map(|conversion| (conversion, ranked)),
    }
}

/// The trade-off picture's dashed line: parity for the new-hire / veteran ratios, else the
/// floor on the metric up, if any (value in the metric's own unit, and its label).
pub fn tradeoff_reference(analysis: &Analysis, y: usize) -> Option<(f64, String)> {
    if METRICS[y].name.starts_with("nh_") {
        return Some((1.0, "parity".into()));
    }
    analysis
        .verdict
        .floors
        .iter()
        .find(|f| f.metric == y)
        .map(|f| (f.threshold, format!("floor {}", f.describe())))
}

/// Draws every picture of `results` into `dir`; returns the files written (SVG, PNG pairs).
pub fn draw_all(
    dir: &Path,
    results: &ExperimentResults,
    analysis: &Analysis,
) -> Result<Vec<PathBuf>, PlotError> {
    let mut paths = Vec::new();
    let names: Vec<String> = results.variants.iter().map(|v| v.name.clone()).collect();
    let replications = format!(
        "{} per variant",
        super::plural(results.replications, "replication")
    );

    for &(name, label) in TABLE_METRICS {
        let Some(m) = metric_index(name) else {
            continue;
        };
        let (scale, x_label) = axis(m);
        let rows: Vec<(String, Interval)> = names
            .iter()
            .zip(&results.summaries)
            .map(|(n, s)| (n.clone(), interval(&s[m], scale)))
            .collect();
        paths.extend(plots::metric_by_variant(
            dir,
            &format!("metric_{name}"),
            &format!("{label}: mean and 95% interval, {replications}"),
            &x_label,
            &rows,
            Some(analysis.baseline),
        )?);
    }

    let lorenz: Vec<(String, plots::Distribution)> = names
        .iter()
        .zip(&results.records)
        .map(|(n, records)| (n.clone(), records.wins_per_day().clone()))
        .collect();
    paths.extend(plots::lorenz(
        dir,
        "lorenz_wins",
        "Lorenz curves of wins per working day across reps (all replications)",
        &lorenz,
    )?);

    let ramp: Vec<(String, Vec<(f64, Interval)>)> = (0..names.len())
        .map(|v| {
            let curve = results.pooled_ramp(v).cumulative();
            let points = curve
                .iter()
                .enumerate()
                .map(|(week, &wins)| ((week + 1) as f64, Interval::point(wins)))
                .collect();
            (names[v].clone(), points)
        })
        .collect();
    paths.extend(plots::lines(
        dir,
        "new_hire_ramp",
        "New-hire ramp: expected cumulative wins by weeks since hire",
        "weeks since hire",
        "cumulative wins per new hire (wins)",
        &ramp,
    )?);

    if let Some((x, y)) = tradeoff_axes(analysis) {
        let ((x_scale, x_label), (y_scale, y_label)) = (axis(x), axis(y));
        let points: Vec<(String, Interval, Interval)> = names
            .iter()
            .zip(&results.summaries)
            .map(|(n, s)| {
                let (across, up) = (interval(&s[x], x_scale), interval(&s[y], y_scale));
                (n.clone(), across, up)
            })
            .collect();
        let (title, x_label, y_label) = match (METRICS[x].name, METRICS[y].name) {
            ("conversion_rate", "nh_win_ratio") => (
                "Conversion against fairness to new hires (95% intervals)".to_string(),
                "conversion rate (%)".to_string(),
                "new-hire / veteran wins per rep-day (ratio)".to_string(),
            ),
            (across, up) => (
                format!("{across} against {up} (95% intervals)"),
                x_label,
                y_label,
            ),
        };
        let reference = tradeoff_reference(analysis, y).map(|(at, label)| (at * y_scale, label));
        paths.extend(plots::tradeoff(
            dir,
            "tradeoff",
            &title,
            &x_label,
            &y_label,
            &points,
            reference.as_ref().map(|(at, label)| (*at, label.as_str())),
        )?);
    }

    if let Some(series) = sweep_series(results, analysis.verdict.metric) {
        let (scale, y_label) = axis(analysis.verdict.metric);
        let scaled: Vec<(String, Vec<(f64, Interval)>)> = series
            .series
            .into_iter()
            .map(|(n, points)| {
                let points = points
                    .into_iter()
                    .map(|(x, s)| (x, interval(&s, scale)))
                    .collect();
                (n, points)
            })
            .collect();
        paths.extend(plots::lines(
            dir,
            &format!("sweep_{}", METRICS[analysis.verdict.metric].name),
            &format!(
                "{} against {} (95% intervals)",
                METRICS[analysis.verdict.metric].name, series.x_key
            ),
            &series.x_key,
            &y_label,
            &scaled,
        )?);
    }
    Ok(paths)
}

/// A sweep's metric against its first numeric parameter, one series per combination of
/// the other parameters.
struct SweepSeries {
    /// The swept key on the x axis.
    x_key: String,
    /// (label of the other parameters' values, points sorted by x).
    series: Vec<(String, Vec<(f64, Summary)>)>,
}

/// The series of a sweep for `metric`: `None` unless every variant has parameters and one
/// of them is numeric in every variant.
fn sweep_series(results: &ExperimentResults, metric: usize) -> Option<SweepSeries> {
    let first = results.variants.first()?;
    let x = (0..first.parameters.len()).find(|&p| {
        results.variants.iter().all(|v| {
            v.parameters
                .get(p)
                .is_some_and(|(_, t)| t.parse::<f64>().is_ok())
        })
    })?;
    let mut series: Vec<(String, Vec<(f64, Summary)>)> = Vec::new();
    for (v, variant) in results.variants.iter().enumerate() {
        let label = variant
            .parameters
            .iter()
            .enumerate()
            .filter(|&(p, _)| p != x)
            .map(|(_, (k, t))| format!("{}={t}", k.rsplit('.').next().unwrap_or(k)))
            .collect::<Vec<_>>()
            .join(" ");
        let label = if label.is_empty() {
            "all".to_string()
        } else {
            label
        };
        let value: f64 = variant.parameters[x].1.parse().ok()?;
        let point = (value, results.summaries[v][metric]);
        match series.iter_mut().find(|(l, _)| *l == label) {
            Some((_, points)) => points.push(point),
            None => series.push((label, vec![point])),
        }
    }
    for (_, points) in &mut series {
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    Some(SweepSeries {
        x_key: first.parameters[x].0.clone(),
        series,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::RunMetrics;
    use crate::scenario::{Scenario, Setting};

    #[test]
    fn the_trade_off_plots_the_ranking_metric_against_the_first_fairness_metric() {
        use crate::analysis::{FairnessFloor, analyse};
        let results = crate::analysis::best::tied_rivals();
        let m = |name: &str| metric_index(name).unwrap();
        let axes_and_line = |metric: &str, floors: &[&str]| {
            let floors: Vec<_> = floors
                .iter()
                .map(|f| FairnessFloor::parse(f).unwrap())
                .collect();
            let analysis = analyse(&results, 0, m(metric), &floors, 10, 1);
            let axes = tradeoff_axes(&analysis).unwrap();
            (axes, tradeoff_reference(&analysis, axes.1))
        };
        let parity = Some((1.0, "parity".to_string()));
        assert_eq!(
            axes_and_line("conversion_rate", &["nh_win_ratio=0.8"]),
            ((m("conversion_rate"), m("nh_win_ratio")), parity.clone())
        );
        assert_eq!(
            axes_and_line("conversion_rate", &[]),
            ((m("conversion_rate"), m("nh_win_ratio")), parity.clone())
        );
        assert_eq!(
            axes_and_line("leads_won", &["gini_wins=0.5", "nh_win_ratio=0.8"]),
            (
                (m("leads_won"), m("gini_wins")),
                Some((0.5, "floor gini_wins<=0.5".to_string()))
            )
        );
        // Ranking by the fairness metric itself: conversion across, the ratio up.
        assert_eq!(
            axes_and_line("nh_win_ratio", &[]),
            ((m("conversion_rate"), m("nh_win_ratio")), parity)
        );
        assert_eq!(
            axes_and_line("hours_to_first_contact", &["reclaimed_share=0.3"]),
            (
                (m("hours_to_first_contact"), m("reclaimed_share")),
                Some((0.3, "floor reclaimed_share<=0.3".to_string()))
            )
        );
    }

    #[test]
    fn a_sweep_gives_one_series_per_value_of_the_other_parameters() {
        let scenario = Scenario::embedded();
        let base = scenario.resolved_variants().unwrap()[2].clone();
        let grid = [("24", "15"), ("12", "15"), ("24", "30"), ("12", "30")];
        let variants: Vec<_> = grid
            .iter()
            .map(|(h, c)| {
                let settings = [
                    Setting::new("policy.reclaim_timeout_hours", h),
                    Setting::new("policy.private_cap", c),
                ];
                scenario.vary(&base, &settings, format!("{h}/{c}")).unwrap()
            })
            .collect();
        let run = |x: f64| RunMetrics {
            metrics: vec![x; METRICS.len()],
        };
        let runs = (0..4)
            .map(|v| vec![run(v as f64), run(v as f64 + 1.0)])
            .collect();
        let results = ExperimentResults::from_runs(&variants, runs);
        let sweep = sweep_series(&results, 0).unwrap();
        assert_eq!(sweep.x_key, "policy.reclaim_timeout_hours");
        let labels: Vec<&str> = sweep.series.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(labels, ["private_cap=15", "private_cap=30"]);
        // Sorted by x: 12 (variant 1, mean 1.5) before 24 (variant 0, mean 0.5).
        let first: Vec<(f64, f64)> = sweep.series[0]
            .1
            .iter()
            .map(|(x, s)| (*x, s.mean))
            .collect();
        assert_eq!(first, [(12.0, 1.5), (24.0, 0.5)]);
        // A run that is not a sweep has no sweep picture.
        let plain = ExperimentResults::from_runs(&variants[..0], Vec::new());
        assert!(sweep_series(&plain, 0).is_none());
    }
}
