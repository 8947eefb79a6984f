//! `salesim trace`: one rep's working day of one replication, as a timeline on stdout and
//! an SVG map in `--out`.
//!
//! Only the days up to the one asked for are simulated (the simulation is causal, so the
//! day is the same as in a full run), and only the rep asked for is traced.

use super::{CliError, RunArgs, emit, input, prepare_scenario};
use crate::experiment::select_variants;
use crate::output;
use crate::scenario::{MAX_REPLICATIONS, Scenario, Variant};
use crate::sim::{Sim, SimOptions, run_with};
use crate::time::{DAY, Minute};
use crate::trace::{DayTrace, map, map_file_name, timeline};
use clap::Args;
use std::path::PathBuf;

/// Options of `salesim trace`.
#[derive(Debug, Clone, Args)]
pub struct TraceArgs {
    /// Scenario file (TOML); default: the embedded `beijing` scenario.
    #[arg(value_name = "SCENARIO.toml")]
    pub scenario: Option<PathBuf>,
    /// Variant to trace [default: the scenario's baseline].
    #[arg(long, value_name = "NAME")]
    pub variant: Option<String>,
    /// Replication, numbered from 0 as in `replications.csv`.
    #[arg(long, value_name = "R", default_value_t = 0)]
    pub replication: u32,
    /// Rep id, numbered from 0 in order of hiring as in `reps.csv`.
    #[arg(long, value_name = "ID")]
    pub rep: u32,
    /// Working day, numbered from 0 as the `day` column of `daily.csv` (weekends are not
    /// working days).
    #[arg(long, value_name = "D")]
    pub day: u32,
    /// Directory for the map (created if missing).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub out: PathBuf,
    /// Format of the timeline on stdout: `text` (an aligned table), `csv` (one row per
    /// stretch) or `json`.
    #[arg(long, value_parser = ["text", "csv", "json"], default_value = "text")]
    pub format: String,
    /// Master seed, 0 to 9223372036854775807 [default: the scenario's `seed`].
    #[arg(long, value_name = "S", value_parser = clap::value_parser!(u64).range(..=crate::scenario::MAX_SEED))]
    pub seed: Option<u64>,
    /// Working days of the horizon [default: the scenario's `calendar.days`]; `--day` must
    /// fall inside it.
    #[arg(long, value_name = "D")]
    pub days: Option<u32>,
}

/// When rep `rep` is hired under the scenario's hiring plan: `None` for a rep employed at
/// the start, `Some(day)` for a rep hired in the morning of that working day (which may be
/// past the horizon).
pub fn hiring_day(sc: &Scenario, rep: u32) -> Option<u64> {
    let start = sc.starting_reps();
    if rep < start {
        return None;
    }
    let o = &sc.org;
    if o.hire_every_days == 0 || o.hires_per_batch == 0 {
        return Some(u64::MAX);
    }
    let batch = u64::from((rep - start) / o.hires_per_batch) + 1;
    Some(batch * u64::from(o.hire_every_days))
}

/// The reps a horizon of `days` employs at some time: ids `0..n`.
fn reps_over(sc: &Scenario, days: u32) -> u32 {
    let o = &sc.org;
    let batches = days
        .saturating_sub(1)
        .checked_div(o.hire_every_days)
        .unwrap_or(0);
    sc.starting_reps() + batches * o.hires_per_batch
}

/// The working day (from 0) that minute `t` falls in (a weekend counts as the next working day).
fn working_day_of(t: Minute, working_days_per_week: u32) -> i64 {
    let w = i64::from(working_days_per_week.clamp(1, 7));
    let day = t.div_euclid(DAY);
    day.div_euclid(7) * w + day.rem_euclid(7).min(w)
}

/// Checks `--rep` against the hiring plan before anything runs.
fn check_rep(sc: &Scenario, rep: u32, day: u32) -> Result<(), CliError> {
    let days = sc.calendar.days;
    match hiring_day(sc, rep) {
        Some(hired) if hired >= u64::from(days) => {
            let n = reps_over(sc, days);
            let start = sc.starting_reps();
            let plan = if n > start {
                format!(
                    "{start} at the start (reps 0 to {}) and {} hired later (reps {start} to {}, {} every {} working days)",
                    start - 1,
                    n - start,
                    n - 1,
                    sc.org.hires_per_batch,
                    sc.org.hire_every_days
                )
            } else {
                format!("{start} (reps 0 to {}), none hired later", start - 1)
            };
            Err(input(format!(
                "--rep {rep}: no such rep in a horizon of {}; it employs {plan}",
                crate::output::plural(days, "working day")
            )))
        }
        Some(hired) if hired > u64::from(day) => Err(input(format!(
            "--rep {rep}: rep {rep} was not yet hired on day {day} (hired on day {hired}); pick a --day from {hired} on"
        ))),
        _ => Ok(()),
    }
}

/// Why rep `rep` has no day `day` in a finished simulation.
fn absent(sim: &Sim, rep: u32, day: u32) -> String {
    let Some(r) = sim.reps.get(rep as usize) else {
        return format!(
            "--rep {rep}: rep {rep} was not employed by day {day} ({} reps, 0 to {}, had been)",
            sim.reps.len(),
            sim.reps.len().saturating_sub(1)
        );
    };
    let week = sim.scenario().calendar.working_days_per_week;
    if !r.active {
        let left = working_day_of(r.left_at, week);
        return format!(
            "--rep {rep}: rep {rep} left on day {left} and did not work on day {day}; pick an earlier --day"
        );
    }
    let hired = working_day_of(r.hired_at, week);
    format!("--rep {rep}: rep {rep} did not work on day {day} (hired on day {hired})")
}

/// The variant asked for (the baseline by default), with an error listing the names.
fn pick_variant(scenario: &Scenario, name: Option<&str>) -> Result<Variant, CliError> {
    let all = scenario.resolved_variants().map_err(input)?;
    let name = match name {
        Some(n) => n.to_string(),
        None => all[scenario.baseline_index().min(all.len() - 1)]
            .name
            .clone(),
    };
    let mut chosen = select_variants(all, std::slice::from_ref(&name))
        .map_err(|e| input(format!("--variant: {e}")))?;
    Ok(chosen.remove(0))
}

/// Simulates the day and returns it.
pub fn trace_day(args: &TraceArgs) -> Result<DayTrace, CliError> {
    let run_args = RunArgs {
        scenario: args.scenario.clone(),
        seed: args.seed,
        days: args.days,
        ..RunArgs::default()
    };
    let (scenario, _) = prepare_scenario(&run_args)?;
    let variant = pick_variant(&scenario, args.variant.as_deref())?;
    // A variant that changes keys outside the policy runs in its own scenario.
    let mut sc = variant.scenario.as_deref().unwrap_or(&scenario).clone();
    let days = sc.calendar.days;
    if args.day >= days {
        let own_days = scenario.variants.iter().any(|spec| {
            spec.name == variant.name
                && crate::scenario::sensitivity::value_in(&spec.scenario, "calendar.days").is_some()
        });
        let hint = if own_days {
            format!(
                "variant {:?} sets its own calendar.days = {days} in its [variant.scenario]; --days does not change it",
                variant.name
            )
        } else if args.days.is_some() {
            format!("--days {days}")
        } else {
            format!("calendar.days = {days}; --days changes it")
        };
        return Err(input(format!(
            "--day {} is beyond the horizon: working days are 0 to {} ({hint})",
            args.day,
            days - 1
        )));
    }
    if args.replication >= MAX_REPLICATIONS {
        return Err(input(format!(
            "--replication must be between 0 and {}, not {}",
            MAX_REPLICATIONS - 1,
            args.replication
        )));
    }
    check_rep(&sc, args.rep, args.day)?;
    // Later days cannot change this one.
    sc.calendar.days = args.day + 1;
    let variant = Variant {
        scenario: None,
        ..variant
    };
    let options = SimOptions::trace_rep(args.rep);
    let (_, day) = run_with(&sc, &variant, args.replication, options, |sim| {
        DayTrace::from_sim(sim, &variant.name, args.replication, args.rep, args.day)
            .ok_or_else(|| absent(sim, args.rep, args.day))
    });
    day.map_err(input)
}

/// `salesim trace`: prints the timeline and writes the map.
pub fn trace(args: &TraceArgs) -> Result<(), CliError> {
    let day = trace_day(args)?;
    std::fs::create_dir_all(&args.out).map_err(|e| {
        input(format!(
            "--out: cannot create output directory {}: {e}",
            args.out.display()
        ))
    })?;
    let _lock = super::outdir::OutputLock::take(&args.out)?;
    let path = args.out.join(map_file_name(
        &day.variant,
        day.replication,
        day.rep.id,
        day.day,
    ));
    output::write_atomic(&path, map::svg(&day).as_bytes())?;
    match args.format.as_str() {
        "csv" => {
            emit(&String::from_utf8_lossy(&timeline::csv(&day)));
            eprintln!("map: {}", path.display());
        }
        "json" => {
            emit(&timeline::json(&day));
            eprintln!("map: {}", path.display());
        }
        _ => emit(&format!(
            "{}\nmap: {}\n",
            timeline::text(&day),
            path.display()
        )),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hiring_plan_gives_each_rep_its_day() {
        let sc = Scenario::embedded();
        let start = sc.starting_reps();
        assert_eq!(hiring_day(&sc, 0), None);
        assert_eq!(hiring_day(&sc, start - 1), None);
        assert_eq!(hiring_day(&sc, start), Some(20));
        assert_eq!(hiring_day(&sc, start + 3), Some(20));
        assert_eq!(hiring_day(&sc, start + 4), Some(40));
        // Hiring days 20, 40, ... 100 fall in 120 days; day 120 does not.
        assert_eq!(reps_over(&sc, 120), start + 5 * 4);
        assert_eq!(reps_over(&sc, 121), start + 6 * 4);
        assert_eq!(reps_over(&sc, 20), start);
    }

    #[test]
    fn working_days_skip_weekends() {
        assert_eq!(working_day_of(0, 5), 0);
        assert_eq!(working_day_of(4 * DAY + 600, 5), 4);
        assert_eq!(working_day_of(5 * DAY, 5), 5);
        assert_eq!(working_day_of(7 * DAY + 500, 5), 5);
        assert_eq!(working_day_of(-DAY, 5), 0);
        assert_eq!(working_day_of(-3 * DAY, 5), -1);
    }

    #[test]
    fn a_rep_who_left_is_named_with_the_day() {
        let mut sc = Scenario::embedded();
        sc.calendar.days = 23;
        sc.attrition.enabled = true;
        sc.attrition.no_win_days = 1;
        sc.attrition.veteran_monthly_prob = 1.0;
        sc.attrition.new_hire_monthly_prob = 1.0;
        let variants = sc.resolved_variants().unwrap();
        let options = SimOptions {
            trace: true,
            ..SimOptions::default()
        };
        let (_, messages) = run_with(&sc, &variants[2], 0, options, |sim| {
            let month = sim.calendar().month_len();
            let left: Vec<u32> = (0..sim.reps.len() as u32)
                .filter(|&r| !sim.reps[r as usize].active)
                .collect();
            assert!(
                !left.is_empty(),
                "someone without a win leaves at the month's end"
            );
            let r = left[0];
            assert!(DayTrace::from_sim(sim, "v", 0, r, month - 1).is_some());
            assert!(DayTrace::from_sim(sim, "v", 0, r, month).is_none());
            (absent(sim, r, month), absent(sim, 10_000, 1), month, r)
        });
        let (left, missing, month, r) = messages;
        assert_eq!(
            left,
            format!(
                "--rep {r}: rep {r} left on day {month} and did not work on day {month}; pick an earlier --day"
            )
        );
        assert!(
            missing.starts_with("--rep 10000: rep 10000 was not employed"),
            "{missing}"
        );
    }

    #[test]
    fn a_rep_hired_later_or_never_is_refused_before_running() {
        let mut sc = Scenario::embedded();
        let start = sc.starting_reps();
        let err = check_rep(&sc, start, 3).unwrap_err().to_string();
        assert!(
            err.contains("not yet hired on day 3 (hired on day 20)"),
            "{err}"
        );
        sc.calendar.days = 10;
        let err = check_rep(&sc, start, 3).unwrap_err().to_string();
        assert!(
            err.contains("--rep") && err.contains("reps 0 to 95"),
            "{err}"
        );
        assert!(check_rep(&sc, start - 1, 0).is_ok());
    }
}
