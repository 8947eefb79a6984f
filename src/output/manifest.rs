//! `manifest.json`: what was run, with which program, scenario, seed and threads, and when.

use crate::analysis::{Analysis, PrecisionStatus};
use crate::experiment::ExperimentResults;
use crate::metrics::METRICS;
use crate::scenario::{Scenario, Variant};
use serde::Serialize;
use std::time::{SystemTime, UNIX_EPOCH};

/// Facts about a run that are not in the scenario or the results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunInfo {
    /// Where the scenario came from: a file path or "embedded default".
    pub scenario_source: String,
    /// Worker threads used.
    pub threads: usize,
    /// When the runs started.
    pub started: SystemTime,
    /// When the runs finished.
    pub finished: SystemTime,
    /// A command that reruns this study (same scenario, seed, replications and days).
    pub command: String,
    /// The study's identity (`checkpoint::Study::hash`).
    pub study_hash: String,
}

#[derive(Serialize)]
struct MetricEntry {
    name: &'static str,
    unit: &'static str,
    meaning: &'static str,
}

#[derive(Serialize)]
struct VerdictEntry<'a> {
    metric: &'static str,
    better: &'static str,
    method: String,
    draws: usize,
    fairness_floors: Vec<String>,
    best: Option<&'a str>,
    best_meeting_floors: Option<&'a str>,
    p_best: Vec<(&'a str, f64)>,
}

/// What pairing saved on the verdict's metric for one variant against the baseline.
#[derive(Serialize)]
struct PairingEntry<'a> {
    variant: &'a str,
    paired_half_width: Option<f64>,
    unpaired_half_width: Option<f64>,
    ratio: Option<f64>,
}

#[derive(Serialize)]
struct PrecisionEntry<'a> {
    metric: &'static str,
    relative_half_width_target: f64,
    min_replications: u32,
    max_replications: u32,
    stopped_at: u32,
    reason: &'a str,
    relative_half_widths: Vec<(&'a str, Option<f64>)>,
}

#[derive(Serialize)]
struct Manifest<'a> {
    salesim_version: &'static str,
    status: &'static str,
    study_hash: &'a str,
    scenario_name: &'a str,
    scenario_source: &'a str,
    command: &'a str,
    seed: u64,
    replications: u32,
    threads: usize,
    days: u32,
    started: String,
    finished: String,
    elapsed_seconds: f64,
    variants: &'a [Variant],
    baseline: &'a str,
    comparison_method: &'static str,
    verdict: VerdictEntry<'a>,
    pairing: Vec<PairingEntry<'a>>,
    precision: Option<PrecisionEntry<'a>>,
    metrics: Vec<MetricEntry>,
    files: &'a [String],
    scenario: &'a Scenario,
}

/// The manifest as pretty-printed JSON (with a final newline): version, seed,
/// replications, threads, days, start and finish times (RFC 3339, UTC), the variants run
/// with their resolved policies, the baseline, the verdict (probability best, fairness
/// floors), where a precision rule stopped and why, the metric definitions, and the whole
/// scenario as run (overrides applied). `files` names the other files the run wrote.
pub fn manifest_json(
    scenario: &Scenario,
    results: &ExperimentResults,
    analysis: &Analysis,
    info: &RunInfo,
    files: &[String],
) -> Vec<u8> {
    let names: Vec<&str> = results.variants.iter().map(|v| v.name.as_str()).collect();
    let name = |i: Option<usize>| i.map(|i| names[i]);
    let v = &analysis.verdict;
    let verdict = VerdictEntry {
        metric: METRICS[v.metric].name,
        better: METRICS[v.metric].better.as_str(),
        method: format!(
            "paired bootstrap over replications ({} resamples): the share of resamples in which each variant has the best mean",
            v.draws
        ),
        draws: v.draws,
        fairness_floors: v.floors.iter().map(|f| f.describe()).collect(),
        best: name(v.best),
        // Without floors there is no "best meeting them" (ranking.csv tags none either).
        best_meeting_floors: name(v.best_meeting_floors.filter(|_| !v.floors.is_empty())),
        p_best: names
            .iter()
            .copied()
            .zip(v.p_best.iter().copied())
            .collect(),
    };
    let finite = |x: f64| x.is_finite().then_some(x);
    let pairing = crate::analysis::pairing(results, analysis)
        .into_iter()
        .map(|(variant, paired, unpaired)| PairingEntry {
            variant: names[variant],
            paired_half_width: finite(paired),
            unpaired_half_width: finite(unpaired),
            ratio: finite(paired / unpaired),
        })
        .collect();
    let precision = analysis
        .precision
        .as_ref()
        .map(|(rule, status): &(_, PrecisionStatus)| PrecisionEntry {
            metric: METRICS[rule.metric].name,
            relative_half_width_target: rule.relative,
            min_replications: rule.min_replications,
            max_replications: rule.max_replications,
            stopped_at: status.replications,
            reason: &status.reason,
            relative_half_widths: names
                .iter()
                .copied()
                .zip(
                    status
                        .relative_half_widths
                        .iter()
                        .map(|w| w.is_finite().then_some(*w)),
                )
                .collect(),
        });
    let elapsed = info
        .finished
        .duration_since(info.started)
        .map_or(0.0, |d| d.as_secs_f64());
    let manifest = Manifest {
        salesim_version: env!("CARGO_PKG_VERSION"),
        status: "complete",
        study_hash: &info.study_hash,
        scenario_name: &scenario.name,
        scenario_source: &info.scenario_source,
        command: &info.command,
        seed: scenario.seed,
        replications: results.replications,
        threads: info.threads,
        days: scenario.calendar.days,
        started: rfc3339(info.started),
        finished: rfc3339(info.finished),
        elapsed_seconds: elapsed,
        variants: &results.variants,
        baseline: names.get(analysis.baseline).copied().unwrap_or(""),
        comparison_method: "paired t-test over replications sharing common random numbers (variant minus baseline, replication by replication)",
        verdict,
        pairing,
        precision,
        metrics: METRICS
            .iter()
            .map(|m| MetricEntry {
                name: m.name,
                unit: m.unit,
                meaning: m.meaning,
            })
            .collect(),
        files,
        scenario,
    };
    let mut bytes =
        serde_json::to_vec_pretty(&manifest).expect("a manifest always serialises to JSON");
    bytes.push(b'\n');
    bytes
}

/// `time` as an RFC 3339 UTC timestamp to the second, e.g. `2023-11-14T22:13:20Z`.
pub fn rfc3339(time: SystemTime) -> String {
    let secs: i64 = match time.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs_f64().ceil() as i64),
    };
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// The proleptic Gregorian (year, month, day) of `days` since 1970-01-01
/// (Howard Hinnant's `civil_from_days`).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March first
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(47_541), (2100, 3, 1));
    }

    #[test]
    fn timestamps() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        let t = UNIX_EPOCH + Duration::from_millis(1_700_000_000_900);
        assert_eq!(rfc3339(t), "2023-11-14T22:13:20Z");
        assert_eq!(
            rfc3339(UNIX_EPOCH - Duration::from_secs(1)),
            "1969-12-31T23:59:59Z"
        );
    }

    #[test]
    fn manifest_names_the_run() {
        let mut scenario = Scenario::embedded();
        scenario.calendar.days = 7;
        let variants = scenario.resolved_variants().unwrap()[2..3].to_vec();
        let run = |x: f64| crate::experiment::RunMetrics {
            metrics: vec![x; METRICS.len()],
        };
        let results =
            ExperimentResults::from_runs(&variants, vec![vec![run(1.0), run(2.0), run(3.0)]]);
        let mut analysis = crate::analysis::analyse(&results, 0, 0, &[], 100, 1);
        let rule = crate::analysis::PrecisionRule {
            metric: 0,
            relative: 0.5,
            min_replications: 3,
            max_replications: 9,
        };
        let status = rule.status(3, &[results.summaries[0][0]], &["alibaba"]);
        analysis.precision = Some((rule, status));
        let info = RunInfo {
            scenario_source: "embedded default".into(),
            threads: 2,
            started: UNIX_EPOCH,
            finished: UNIX_EPOCH + Duration::from_secs(90),
            command: "salesim run --seed 1".into(),
            study_hash: "0123456789abcdef".into(),
        };
        let files = ["summary.csv".to_string()];
        let json: serde_json::Value = serde_json::from_slice(&manifest_json(
            &scenario, &results, &analysis, &info, &files,
        ))
        .unwrap();
        assert_eq!(json["salesim_version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(json["seed"], scenario.seed);
        assert_eq!(json["replications"], 3);
        assert_eq!(json["threads"], 2);
        assert_eq!(json["command"], "salesim run --seed 1");
        assert_eq!(json["files"][0], "summary.csv");
        assert_eq!(json["verdict"]["draws"], 100);
        assert_eq!(json["days"], 7);
        assert_eq!(json["started"], "1970-01-01T00:00:00Z");
        assert_eq!(json["finished"], "1970-01-01T00:01:30Z");
        assert_eq!(json["variants"][0]["name"], "alibaba");
        assert_eq!(json["scenario"]["calendar"]["days"], 7);
        assert_eq!(json["metrics"].as_array().unwrap().len(), METRICS.len());
        assert_eq!(json["baseline"], "alibaba");
        assert_eq!(json["verdict"]["best"], "alibaba");
        // No floors were given, so no variant is "best meeting the floors".
        assert!(json["verdict"]["best_meeting_floors"].is_null());
        assert_eq!(json["verdict"]["p_best"][0][1], 1.0);
        assert_eq!(json["precision"]["stopped_at"], 3);
        assert_eq!(json["precision"]["max_replications"], 9);
        let reason = json["precision"]["reason"].as_str().unwrap();
        assert!(
            reason.starts_with("continue") || reason.starts_with("precision"),
            "{reason}"
        );
    }
}
