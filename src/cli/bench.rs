//! `salesim bench`: how fast the engine runs a scenario on this machine, to size studies.
//!
//! Replications run as in `run`, on the same worker pool ([`Runner::map`], which
//! [`Runner::extend`](crate::experiment::Runner::extend) runs them with), each built,
//! run and summarised into its result as `run` does; the results are dropped and no file
//! is written. What is counted: rep-days (each rep's working days, summed over reps and
//! runs) and events processed (queue pops).

use super::{BenchArgs, CliError, RunArgs, emit, input, prepare_scenario, worker_threads};
use crate::experiment::{Runner, select_variants};
use crate::sim::{SimOptions, run_with};
use serde::Serialize;
use std::time::Instant;

/// What `salesim bench` measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchReport {
    /// The salesim version.
    pub version: String,
    /// The scenario's name.
    pub scenario: String,
    /// Where the scenario came from (a path, or the embedded default).
    pub origin: String,
    /// The variants run.
    pub variants: Vec<String>,
    /// Replications per variant.
    pub replications: u32,
    /// Runs: variants × replications.
    pub runs: u64,
    /// Worker threads.
    pub threads: usize,
    /// Working days simulated per run.
    pub days: u32,
    /// Rep-days simulated: each rep's working days, summed over reps and runs.
    pub rep_days: u64,
    /// Events processed, summed over runs.
    pub events: u64,
    /// Wall-clock seconds of the runs.
    pub wall_s: f64,
    /// Rep-days simulated per wall-clock second.
    pub rep_days_per_s: f64,
    /// `rep_days_per_s` over the worker threads.
    pub rep_days_per_s_per_thread: f64,
    /// Events processed per wall-clock second.
    pub events_per_s: f64,
    /// Peak resident memory of the process, bytes (VmHWM; Linux only, else left out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peak_rss_bytes: Option<u64>,
    /// The scenario's whole study at this speed.
    pub study: StudyEstimate,
}

/// How long the scenario's whole study would take at the measured speed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StudyEstimate {
    /// Every variant of the scenario.
    pub variants: usize,
    /// The scenario's `replications`.
    pub replications: u32,
    /// The scenario's `calendar.days`.
    pub days: u32,
    /// Rep-days it would simulate, scaled from the rep-days per run-day measured.
    pub rep_days: f64,
    /// Wall-clock seconds it would take at `rep_days_per_s`.
    pub seconds: f64,
}

/// Runs `salesim bench`: replications without output files, then the speed on stdout.
pub fn bench(args: &BenchArgs) -> Result<(), CliError> {
    let threads = worker_threads(args.threads)?;
    let (study, origin) = prepare_scenario(&RunArgs {
        scenario: args.scenario.clone(),
        ..RunArgs::default()
    })?;
    let replications = args.replications.unwrap_or(threads.max(2) as u32);
    let mut scenario = study.clone();
    scenario.replications = replications;
    if let Some(days) = args.days {
        scenario.calendar.days = days;
    }
    scenario
        .validate(&format!("{origin} with command-line overrides"))
        .map_err(input)?;
    let all = scenario.resolved_variants().map_err(input)?;
    let study_variants = all.len();
    let names = if args.variants.is_empty() {
        vec![
            all[scenario.baseline_index().min(all.len() - 1)]
                .name
                .clone(),
        ]
    } else {
        args.variants.clone()
    };
    let variants = select_variants(all, &names).map_err(input)?;
    let runner = Runner::new(threads).map_err(input)?;
    let runs = variants.len() as u64 * u64::from(replications);
    eprintln!(
        "salesim bench: scenario {} ({origin}), {} variant{} × {replications} replications, {} days, {threads} thread{}",
        scenario.name,
        variants.len(),
        if variants.len() == 1 { "" } else { "s" },
        scenario.calendar.days,
        if threads == 1 { "" } else { "s" },
    );
    if runs < threads as u64 {
        eprintln!(
            "note: {runs} runs for {threads} threads leave threads idle; per-thread speed is understated"
        );
    }

    let started = Instant::now();
    let counts = runner.map(&variants, 0..replications, &|| {}, &|variant, r| {
        run_with(&scenario, variant, r, SimOptions::default(), |sim| {
            let rep_days: u64 = sim.reps.iter().map(|rep| u64::from(rep.stats.days)).sum();
            (rep_days, sim.events())
        })
        .1
    });
    let wall_s = started.elapsed().as_secs_f64().max(1e-9);

    let rep_days: u64 = counts.iter().map(|c| c.0).sum();
    let events: u64 = counts.iter().map(|c| c.1).sum();
    let rep_days_per_s = rep_days as f64 / wall_s;
    let per_run_day = rep_days as f64 / (runs as f64 * f64::from(scenario.calendar.days));
    let study_rep_days = per_run_day
        * study_variants as f64
        * f64::from(study.replications)
        * f64::from(study.calendar.days);
    let report = BenchReport {
        version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: scenario.name.clone(),
        origin,
        variants: variants.iter().map(|v| v.name.clone()).collect(),
        replications,
        runs,
        threads,
        days: scenario.calendar.days,
        rep_days,
        events,
        wall_s,
        rep_days_per_s,
        rep_days_per_s_per_thread: rep_days_per_s / threads as f64,
        events_per_s: events as f64 / wall_s,
        peak_rss_bytes: std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| peak_rss(&s)),
        study: StudyEstimate {
            variants: study_variants,
            replications: study.replications,
            days: study.calendar.days,
            rep_days: study_rep_days,
            seconds: study_rep_days / rep_days_per_s,
        },
    };
    if args.json {
        let text = serde_json::to_string_pretty(&report).expect("the report serialises");
        emit(&format!("{text}\n"));
    } else {
        emit(&render(&report));
    }
    Ok(())
}

/// VmHWM (peak resident memory) in bytes from the text of `/proc/self/status`.
fn peak_rss(status: &str) -> Option<u64> {
    let line = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?;
    let kb: u64 = line.trim().strip_suffix("kB")?.trim().parse().ok()?;
    Some(kb * 1024)
}

/// Seconds in words: "42.0 s", "440 s (7.3 min)", "9000 s (2.5 h)".
fn duration(seconds: f64) -> String {
    if seconds < 100.0 {
        format!("{seconds:.1} s")
    } else if seconds < 2.0 * 3600.0 {
        format!("{seconds:.0} s ({:.1} min)", seconds / 60.0)
    } else {
        format!("{seconds:.0} s ({:.1} h)", seconds / 3600.0)
    }
}

/// The report as the terminal shows it.
fn render(r: &BenchReport) -> String {
    let rows = [
        ("scenario", format!("{} ({})", r.scenario, r.origin)),
        ("variants", r.variants.join(", ")),
        (
            "replications",
            format!(
                "{} per variant: {} runs of {} days",
                r.replications, r.runs, r.days
            ),
        ),
        ("threads", r.threads.to_string()),
        ("rep-days simulated", r.rep_days.to_string()),
        ("events processed", r.events.to_string()),
        ("wall time", format!("{:.2} s", r.wall_s)),
        ("rep-days/s", format!("{:.0}", r.rep_days_per_s)),
        (
            "rep-days/s per thread",
            format!("{:.0}", r.rep_days_per_s_per_thread),
        ),
        ("events/s", format!("{:.0}", r.events_per_s)),
    ];
    let mut text = String::new();
    for (label, value) in rows {
        text.push_str(&format!("{:<22} {value}\n", format!("{label}:")));
    }
    if let Some(bytes) = r.peak_rss_bytes {
        text.push_str(&format!(
            "{:<22} {:.1} MiB\n",
            "peak memory:",
            bytes as f64 / (1024.0 * 1024.0)
        ));
    }
    let s = &r.study;
    text.push_str(&format!(
        "a study of {} variants × {} replications × {} days would take about {} at this speed ({} thread{})\n",
        s.variants,
        s.replications,
        s.days,
        duration(s.seconds),
        r.threads,
        if r.threads == 1 { "" } else { "s" },
    ));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peak_memory_is_read_from_vmhwm() {
        let status = "Name:\tsalesim\nVmPeak:\t  900 kB\nVmHWM:\t   12345 kB\nVmRSS:\t 100 kB\n";
        assert_eq!(peak_rss(status), Some(12345 * 1024));
        assert_eq!(peak_rss("Name:\tsalesim\n"), None);
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(42.04), "42.0 s");
        assert_eq!(duration(440.0), "440 s (7.3 min)");
        assert_eq!(duration(9000.0), "9000 s (2.5 h)");
    }
}
