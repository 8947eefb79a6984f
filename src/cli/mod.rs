//! The command line: `salesim [run] [SCENARIO.toml] [options]`.
//!
//! Exit codes: 0 on success; 2 for bad input (command-line usage, an unreadable or
//! invalid scenario, a bad override, an unknown variant, an output directory that cannot
//! be created or holds another study, a checkpoint that cannot be resumed); 1 when results
//! cannot be written after the runs; 130 when a run was interrupted (what finished is saved).
//!
//! Modules: [`args`] the options of each subcommand; [`run`](mod@run) the shared run path;
//! [`sweep`](mod@sweep) grids of settings; [`files`] validate, init and schema;
//! [`report`](mod@report) the HTML report; [`sensitivity`](mod@sensitivity) the
//! assumption screen; [`trace`](mod@trace) one rep's day; [`bench`](mod@bench) the speed.

pub mod args;
pub mod bench;
pub mod files;
pub mod interrupt;
pub mod merge;
pub mod outdir;
pub mod report;
pub mod run;
pub mod sensitivity;
pub mod shard;
pub mod status;
pub mod sweep;
pub mod trace;

pub use args::{
    BenchArgs, InitArgs, MAX_THREADS, MergeArgs, ReportArgs, RunArgs, SchemaArgs, SensitivityArgs,
    SweepArgs, ValidateArgs,
};
pub use bench::bench;
pub use files::{init, schema_text, validate};
pub use merge::merge;
pub use report::report;
pub use run::{
    Setup, StudyPlan, execute, prepare_scenario, reproduce_command, run, shell_word, study_plan,
    worker_threads, written_summary,
};
pub use sensitivity::sensitivity;
pub use sweep::{MAX_SWEEP_VARIANTS, sweep, sweep_grid};
pub use trace::{TraceArgs, trace, trace_day};

use crate::output;
use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Monte Carlo simulator of a field-sales organisation under CRM lead-pool rules.
#[derive(Debug, Parser)]
#[command(name = "salesim", version, args_conflicts_with_subcommands = true)]
#[command(
    after_help = "Without a subcommand, salesim does what `salesim run` does.\n\
    Exit codes: 0 success, 2 bad input, 1 results could not be written, 130 interrupted \
    (what finished is saved; rerun with --resume)."
)]
pub struct Cli {
    /// What to do (default: run).
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Options of `run`, accepted without the subcommand too.
    #[command(flatten)]
    pub run: RunArgs,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run every variant of a scenario, compare them with the baseline and write the CSVs,
    /// plots and manifest.
    Run(RunArgs),
    /// Run a grid of settings as variants: `--set policy.reclaim_timeout_hours=12,24,48 --set
    /// policy.private_cap=15,30` runs every combination, compared with the first.
    #[command(mut_arg("variants", |a| a.help(
        "The one base variant whose policy the grid changes [default: the baseline]"
    )))]
    Sweep(SweepArgs),
    /// Show one rep's working day: a timeline (departure, travel, visits and their
    /// outcomes, cold visits, return, evening work) on stdout and an SVG map of the route.
    Trace(TraceArgs),
    /// Check a scenario file without running it and print it resolved (every default filled in).
    Validate(ValidateArgs),
    /// Screen uncertain assumptions (each at a low and a high value, and Morris
    /// trajectories): does the verdict hold, and where does it flip?
    #[command(
        mut_arg("replications", |a| a.help(
            "Replications per variant at every point [default: the scenario's `sensitivity.replications`]"
        )),
        mut_arg("precision", |a| a.hide(true)),
        mut_arg("min_replications", |a| a.hide(true)),
        mut_arg("max_replications", |a| a.hide(true))
    )]
    Sensitivity(SensitivityArgs),
    /// Combine the shard folders of a study run with `--shard` (on a cluster, say) into the
    /// result files one `salesim run` would have written.
    Merge(MergeArgs),
    /// Write `report.html` (one self-contained page: verdict, tables, pictures, method) for
    /// the finished study in OUT_DIR; `run` and `sweep` write it too.
    Report(ReportArgs),
    /// Write a commented starter scenario (the embedded default) to a file.
    Init(InitArgs),
    /// Measure the speed: run replications without writing files and print rep-days and
    /// events per second, peak memory and how long the scenario's whole study would take.
    Bench(BenchArgs),
    /// Print the JSON Schema of scenario files (for editors that check TOML against a schema),
    /// or the reference of every key as Markdown.
    Schema(SchemaArgs),
}

/// Why a command failed, and with which exit code.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad input: exit code 2.
    #[error("{0}")]
    Input(String),
    /// Results could not be written: exit code 1.
    #[error("{0}")]
    Output(#[from] output::OutputError),
    /// The run was interrupted (Ctrl-C, SIGTERM) after saving what it had: exit code 130.
    #[error("{0}")]
    Interrupted(String),
}

impl From<crate::checkpoint::CheckpointError> for CliError {
    fn from(e: crate::checkpoint::CheckpointError) -> CliError {
        match e {
            crate::checkpoint::CheckpointError::Io { path, source } => {
                CliError::Output(output::OutputError { path, source })
            }
            invalid => CliError::Input(invalid.to_string()),
        }
    }
}

impl CliError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Input(_) => 2,
            CliError::Output(_) => 1,
            CliError::Interrupted(_) => interrupt::INTERRUPTED_EXIT,
        }
    }
}

pub(crate) fn input(e: impl std::fmt::Display) -> CliError {
    CliError::Input(e.to_string())
}

/// Writes to stdout; a reader that went away (a closed pipe, as with `| head`) is not an error.
pub(crate) fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("error: cannot write to standard output: {e}");
        STDOUT_FAILED.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Set when writing to standard output failed (a full disk, say): the command's output is
/// incomplete, so it exits 1 even if everything else went well.
static STDOUT_FAILED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Parses the process arguments and runs; the whole program.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let outcome = match cli.command {
        Some(Command::Run(args)) => run(&args),
        Some(Command::Sweep(args)) => sweep(&args),
        Some(Command::Trace(args)) => trace(&args),
        Some(Command::Validate(args)) => validate(&args),
        Some(Command::Init(args)) => init(&args),
        Some(Command::Report(args)) => report(&args),
        Some(Command::Merge(args)) => merge(&args),
        Some(Command::Sensitivity(args)) => sensitivity(&args),
        Some(Command::Bench(args)) => bench(&args),
        Some(Command::Schema(args)) => {
            emit(&if args.format == "markdown" {
                crate::scenario::reference_markdown()
            } else {
                schema_text()
            });
            Ok(())
        }
        None => run(&cli.run),
    };
    match outcome {
        Ok(()) if STDOUT_FAILED.load(std::sync::atomic::Ordering::Relaxed) => ExitCode::FAILURE,
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use std::path::PathBuf;

    #[test]
    fn command_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn bare_options_and_run_subcommand_parse_alike() {
        let bare = Cli::try_parse_from(["salesim", "--days", "3", "--variant", "alibaba"]).unwrap();
        assert!(bare.command.is_none());
        assert_eq!(bare.run.days, Some(3));
        let sub = Cli::try_parse_from([
            "salesim",
            "run",
            "x.toml",
            "--variant",
            "a",
            "--variant",
            "b",
        ])
        .unwrap();
        let Some(Command::Run(args)) = sub.command else {
            panic!("expected run")
        };
        assert_eq!(args.scenario, Some(PathBuf::from("x.toml")));
        assert_eq!(args.variants, ["a", "b"]);
        assert_eq!(args.out, PathBuf::from("salesim-out"));
    }

    #[test]
    fn overrides_are_validated_with_the_key_named() {
        let args = RunArgs {
            days: Some(0),
            ..RunArgs::default()
        };
        let err = prepare_scenario(&args).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("calendar.days"), "{err}");
    }

    #[test]
    fn overrides_are_applied() {
        let args = RunArgs {
            days: Some(4),
            seed: Some(7),
            replications: Some(3),
            ..RunArgs::default()
        };
        let (s, origin) = prepare_scenario(&args).unwrap();
        assert_eq!((s.calendar.days, s.seed, s.replications), (4, 7, 3));
        assert_eq!(origin, "embedded default");
    }
}
