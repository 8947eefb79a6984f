//! The command line: `salesim [run] [SCENARIO.toml] [options]`.
//!
//! Exit codes: 0 on success; 2 for bad input (command-line usage, an unreadable or
//! invalid scenario, a bad override, an unknown variant, an output directory that cannot
//! be created); 1 when results cannot be written after the runs.

use crate::analysis::{BOOTSTRAP_DRAWS, FairnessFloor, PrecisionRule, analyse};
use crate::experiment::{ExperimentResults, Runner, select_variants};
use crate::metrics::{METRICS, metric_index, unknown_metric};
use crate::output::{self, RunInfo};
use crate::scenario::{MAX_REPLICATIONS, Scenario, Setting, Variant, settings_in};
use crate::stats::Summary;
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::SystemTime;

/// Most worker threads accepted by `--threads`.
pub const MAX_THREADS: usize = 1024;

/// Monte Carlo simulator of a field-sales organisation under CRM lead-pool rules.
#[derive(Debug, Parser)]
#[command(name = "salesim", version, args_conflicts_with_subcommands = true)]
#[command(
    after_help = "Without a subcommand, salesim does what `salesim run` does.\n\
    Exit codes: 0 success, 2 bad input, 1 results could not be written."
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
    /// Run a grid of settings as variants: `--set policy.reclaim_hours=12,24,48 --set
    /// policy.private_cap=15,30` runs every combination, compared with the first.
    Sweep(SweepArgs),
    /// Check a scenario file without running it and print it resolved (every default filled in).
    Validate(ValidateArgs),
    /// Write a commented starter scenario (the embedded default) to a file.
    Init(InitArgs),
    /// Print the JSON Schema of scenario files (for editors that check TOML against a schema),
    /// or the reference of every key as Markdown.
    Schema(SchemaArgs),
}

/// Options of `salesim sweep`.
#[derive(Debug, Clone, Args)]
pub struct SweepArgs {
    /// A key and the values it takes, `KEY=V1,V2,...` (repeatable; every combination runs).
    /// `policy.*` keys change the base variant's policy, other keys the scenario.
    #[arg(long = "set", value_name = "KEY=V1,V2,...", required = true)]
    pub sets: Vec<String>,
    /// Options as for `run`; `--variant` names the one base variant whose policy the grid
    /// changes [default: the baseline].
    #[command(flatten)]
    pub run: RunArgs,
}

/// Most variants a sweep may have.
pub const MAX_SWEEP_VARIANTS: usize = 10_000;

/// The grid of a sweep: one list of settings per combination, the first `--set` varying
/// slowest; refuses repeated keys and grids over `MAX_SWEEP_VARIANTS`.
pub fn sweep_grid(sets: &[String]) -> Result<Vec<Vec<Setting>>, CliError> {
    let axes = sets
        .iter()
        .map(|s| Setting::parse_list(s))
        .collect::<Result<Vec<_>, _>>()
        .map_err(input)?;
    for (i, axis) in axes.iter().enumerate() {
        if axes[..i].iter().any(|a| a[0].key == axis[0].key) {
            return Err(input(format!(
                "--set {}: the key is set twice",
                axis[0].key
            )));
        }
    }
    let size = axes
        .iter()
        .try_fold(1usize, |n, a| n.checked_mul(a.len()))
        .filter(|&n| n <= MAX_SWEEP_VARIANTS)
        .ok_or_else(|| {
            input(format!(
                "the sweep has more than {MAX_SWEEP_VARIANTS} combinations; split it"
            ))
        })?;
    let mut grid: Vec<Vec<Setting>> = vec![Vec::new()];
    for axis in &axes {
        grid = grid
            .into_iter()
            .flat_map(|point| {
                axis.iter().map(move |value| {
                    let mut next = point.clone();
                    next.push(value.clone());
                    next
                })
            })
            .collect();
    }
    debug_assert_eq!(grid.len(), size);
    Ok(grid)
}

/// Runs a sweep: the grid's combinations as variants of the base variant, compared with
/// the first combination.
pub fn sweep(args: &SweepArgs) -> Result<(), CliError> {
    let (scenario, origin) = prepare_scenario(&args.run)?;
    let all = scenario.resolved_variants().map_err(input)?;
    let base = match args.run.variants.as_slice() {
        [] => all[scenario.baseline_index().min(all.len() - 1)].clone(),
        [one] => select_variants(all, std::slice::from_ref(one))
            .map_err(input)?
            .remove(0),
        _ => {
            return Err(input(
                "sweep: give at most one --variant (the base whose policy the grid changes)",
            ));
        }
    };
    let grid = sweep_grid(&args.sets)?;
    let variants = grid
        .iter()
        .map(|point| {
            let name = point
                .iter()
                .map(|s| format!("{}={}", s.key.rsplit('.').next().unwrap_or(&s.key), s.text))
                .collect::<Vec<_>>()
                .join(" ");
            scenario.vary(&base, point, name)
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(input)?;
    let baseline = variants[0].name.clone();
    let origin = format!("{origin}, sweep of variant {}", base.name);
    execute(&scenario, origin, variants, &baseline, &args.run)
}

/// Options of `salesim validate`.
#[derive(Debug, Clone, Args)]
pub struct ValidateArgs {
    /// Scenario file (TOML) to check.
    #[arg(value_name = "SCENARIO.toml")]
    pub scenario: PathBuf,
}

/// Options of `salesim schema`.
#[derive(Debug, Clone, Args)]
pub struct SchemaArgs {
    /// `json` (the JSON Schema) or `markdown` (the key reference, as in docs/scenario.md).
    #[arg(long, value_parser = ["json", "markdown"], default_value = "json")]
    pub format: String,
}

/// Options of `salesim init`.
#[derive(Debug, Clone, Args)]
pub struct InitArgs {
    /// Where to write the starter scenario.
    #[arg(value_name = "FILE", default_value = "scenario.toml")]
    pub file: PathBuf,
    /// Overwrite the file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Options of `salesim run`.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// Scenario file (TOML); default: the embedded `beijing` scenario.
    #[arg(value_name = "SCENARIO.toml")]
    pub scenario: Option<PathBuf>,
    /// Replications per variant [default: the scenario's `replications`].
    #[arg(long, short = 'n', value_name = "N")]
    pub replications: Option<u32>,
    /// Master seed [default: the scenario's `seed`].
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Worker threads [default: all available cores]; results do not depend on it.
    #[arg(long, short = 'j', value_name = "T")]
    pub threads: Option<usize>,
    /// Working days to simulate [default: the scenario's `calendar.days`].
    #[arg(long, value_name = "D")]
    pub days: Option<u32>,
    /// Run only this variant (repeatable) [default: every variant].
    #[arg(long = "variant", value_name = "NAME")]
    pub variants: Vec<String>,
    /// Directory for the result files (created if missing).
    #[arg(long, value_name = "DIR", default_value = "salesim-out")]
    pub out: PathBuf,
    /// Metric that ranks the variants (and that `--precision` targets) [default: the
    /// scenario's `analysis.metric`].
    #[arg(long, value_name = "NAME")]
    pub metric: Option<String>,
    /// Only variants meeting this floor can be "best meeting the floors", e.g.
    /// `nh_win_ratio=0.8` (at least 0.8; for a lower-is-better metric, at most). Repeatable;
    /// replaces the scenario's `analysis.fairness_floors`.
    #[arg(long = "fairness-floor", value_name = "METRIC=VALUE")]
    pub fairness_floors: Vec<String>,
    /// Keep adding replications until every variant's 95% half-width of `--metric` is within
    /// this share of its mean (0.02 = 2%), between the minimum and maximum replications.
    #[arg(long, value_name = "SHARE")]
    pub precision: Option<f64>,
    /// With `--precision`: replications per variant in the first batch.
    #[arg(long, value_name = "N", default_value_t = 10, requires = "precision")]
    pub min_replications: u32,
    /// With `--precision`: most replications per variant.
    #[arg(long, value_name = "N", default_value_t = 1000, requires = "precision")]
    pub max_replications: u32,
}

impl Default for RunArgs {
    /// The options of a bare `salesim`: every default as on the command line.
    fn default() -> Self {
        Cli::parse_from(["salesim"]).run
    }
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
}

impl CliError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Input(_) => 2,
            CliError::Output(_) => 1,
        }
    }
}

fn input(e: impl std::fmt::Display) -> CliError {
    CliError::Input(e.to_string())
}

/// The scenario to run: loaded (or embedded), overrides applied and validated again.
/// Returns it with a description of where it came from.
pub fn prepare_scenario(args: &RunArgs) -> Result<(Scenario, String), CliError> {
    let (mut scenario, origin) = match &args.scenario {
        Some(path) => (
            Scenario::load(path).map_err(input)?,
            path.display().to_string(),
        ),
        None => (Scenario::embedded(), "embedded default".to_string()),
    };
    let overridden = args.seed.is_some() || args.days.is_some() || args.replications.is_some();
    if let Some(seed) = args.seed {
        scenario.seed = seed;
    }
    if let Some(days) = args.days {
        scenario.calendar.days = days;
    }
    if let Some(n) = args.replications {
        scenario.replications = n;
    }
    if overridden {
        scenario
            .validate(&format!("{origin} with command-line overrides"))
            .map_err(input)?;
    }
    Ok((scenario, origin))
}

/// How the results are analysed and how many replications run, from the command line.
#[derive(Debug, Clone, PartialEq)]
pub struct StudyPlan {
    /// Metric that ranks the variants (index into `METRICS`).
    pub metric: usize,
    /// Fairness floors for the verdict.
    pub floors: Vec<FairnessFloor>,
    /// The precision rule, when replications are added until intervals are tight enough.
    pub precision: Option<PrecisionRule>,
}

/// The study plan of `args` for `scenario` (whose `[analysis]` gives the defaults), every
/// flag checked.
pub fn study_plan(args: &RunArgs, scenario: &Scenario) -> Result<StudyPlan, CliError> {
    let name = args.metric.as_deref().unwrap_or(&scenario.analysis.metric);
    let metric =
        metric_index(name).ok_or_else(|| input(format!("--metric: {}", unknown_metric(name))))?;
    let floors = if args.fairness_floors.is_empty() {
        scenario
            .analysis
            .fairness_floors
            .iter()
            .map(|(name, value)| FairnessFloor::parse(&format!("{name}={value}")))
            .collect::<Result<Vec<_>, _>>()
    } else {
        args.fairness_floors
            .iter()
            .map(|f| FairnessFloor::parse(f))
            .collect::<Result<Vec<_>, _>>()
    }
    .map_err(input)?;
    let precision = match args.precision {
        None => None,
        Some(p) => {
            if !(p.is_finite() && p > 0.0 && p < 1.0) {
                return Err(input(format!(
                    "--precision must be a share between 0 and 1 (0.02 = within 2% of the mean), not {p}"
                )));
            }
            let (min, max) = (args.min_replications, args.max_replications);
            if min < 2 {
                return Err(input(format!(
                    "--min-replications must be at least 2 (an interval needs two replications), not {min}"
                )));
            }
            if max < min || max > MAX_REPLICATIONS {
                return Err(input(format!(
                    "--max-replications must be between --min-replications ({min}) and {MAX_REPLICATIONS}, not {max}"
                )));
            }
            Some(PrecisionRule {
                metric,
                relative: p,
                min_replications: min,
                max_replications: max,
            })
        }
    };
    Ok(StudyPlan {
        metric,
        floors,
        precision,
    })
}

/// Runs the experiment described by `args`: prints a one-line plan and a progress bar to
/// stderr, the tables and the verdict to stdout, writes the result files and names them.
pub fn run(args: &RunArgs) -> Result<(), CliError> {
    let (scenario, origin) = prepare_scenario(args)?;
    let all = scenario.resolved_variants().map_err(input)?;
    let baseline_name = all[scenario.baseline_index().min(all.len() - 1)]
        .name
        .clone();
    let variants = select_variants(all, &args.variants).map_err(input)?;
    execute(&scenario, origin, variants, &baseline_name, args)
}

/// Runs `variants` of `scenario` as `args` says and writes everything: the shared end of
/// `run` and `sweep`. The baseline is the variant named `baseline_name`, or the first
/// variant run when that one is not among them.
pub fn execute(
    scenario: &Scenario,
    origin: String,
    variants: Vec<Variant>,
    baseline_name: &str,
    args: &RunArgs,
) -> Result<(), CliError> {
    let plan = study_plan(args, scenario)?;
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    if threads == 0 || threads > MAX_THREADS {
        return Err(input(format!(
            "--threads must be between 1 and {MAX_THREADS}, not {threads}"
        )));
    }
    std::fs::create_dir_all(&args.out).map_err(|e| {
        input(format!(
            "cannot create output directory {}: {e}",
            args.out.display()
        ))
    })?;
    let runner = Runner::new(threads).map_err(input)?;
    let baseline = variants
        .iter()
        .position(|v| v.name == baseline_name)
        .unwrap_or(0);

    let first = plan
        .precision
        .as_ref()
        .map_or(scenario.replications, |p| p.min_replications);
    let replications_text = match &plan.precision {
        Some(p) => format!(
            "{}..{} replications (until {} is within {}%)",
            p.min_replications,
            p.max_replications,
            METRICS[p.metric].name,
            p.relative * 100.0
        ),
        None => format!("{first} replications"),
    };
    eprintln!(
        "salesim {}: scenario {} ({origin}), {} variant{} x {replications_text}, {} days, seed {}, {threads} thread{}",
        env!("CARGO_PKG_VERSION"),
        scenario.name,
        variants.len(),
        if variants.len() == 1 { "" } else { "s" },
        scenario.calendar.days,
        scenario.seed,
        if threads == 1 { "" } else { "s" },
    );
    let bar = ProgressBar::new(variants.len() as u64 * u64::from(first)).with_style(
        ProgressStyle::with_template("{elapsed_precise} [{wide_bar}] {pos}/{len} runs, {eta} left")
            .expect("the progress template is valid")
            .progress_chars("=> "),
    );
    let started = SystemTime::now();
    let mut results = ExperimentResults::empty(&variants);
    let mut target = first;
    let mut stopped = None;
    loop {
        bar.set_length(variants.len() as u64 * u64::from(target));
        runner.extend(scenario, &mut results, target, &|| bar.inc(1));
        let Some(rule) = &plan.precision else { break };
        let summaries: Vec<Summary> = results.summaries.iter().map(|s| s[rule.metric]).collect();
        let status = rule.status(results.replications, &summaries);
        match status.next {
            Some(next) => target = next,
            None => {
                stopped = Some((rule.clone(), status));
                break;
            }
        }
    }
    let finished = SystemTime::now();
    bar.finish_and_clear();

    let mut analysis = analyse(
        &results,
        baseline,
        plan.metric,
        &plan.floors,
        BOOTSTRAP_DRAWS,
        scenario.seed,
    );
    analysis.precision = stopped;
    emit(&output::table::render(&results, &analysis));
    let info = RunInfo {
        scenario_source: origin,
        threads,
        started,
        finished,
    };
    let paths = output::write_all(&args.out, scenario, &results, &analysis, &info)?;
    emit(&written_summary(&args.out, &paths));
    Ok(())
}

/// The closing lines of a run: the output folder, then the files in it by kind (tables,
/// pictures, manifest), each picture named once for its SVG and PNG.
pub fn written_summary(dir: &std::path::Path, paths: &[PathBuf]) -> String {
    let name = |p: &PathBuf| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let with = |ext: &str| -> Vec<String> {
        paths
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == ext))
            .map(name)
            .collect()
    };
    let pictures: Vec<String> = with("svg")
        .iter()
        .map(|n| n.trim_end_matches(".svg").to_string())
        .collect();
    let mut text = format!("\nresults in {}/\n", dir.display());
    text.push_str(&format!("  tables:   {}\n", with("csv").join(", ")));
    if !pictures.is_empty() {
        text.push_str(&format!(
            "  pictures: {} (.svg and .png)\n",
            pictures.join(", ")
        ));
    }
    text.push_str(&format!("  manifest: {}\n", with("json").join(", ")));
    text
}

/// Checks a scenario file and prints it resolved: every key with its value, then each
/// variant's full policy as comments.
pub fn validate(args: &ValidateArgs) -> Result<(), CliError> {
    let scenario = Scenario::load(&args.scenario).map_err(input)?;
    let variants = scenario.resolved_variants().map_err(input)?;
    let mut text = format!(
        "# {} is valid. The scenario resolved, every default filled in:\n",
        args.scenario.display()
    );
    text.push_str(&scenario.to_toml());
    for (v, spec) in variants.iter().zip(&scenario.variants) {
        let policy = toml::to_string(&v.policy).expect("a policy always serialises");
        let changes = settings_in(&spec.scenario, "");
        if !changes.is_empty() {
            text.push_str(&format!("\n# variant {:?} changes the scenario:\n", v.name));
            for s in changes {
                text.push_str(&format!("#   {} = {}\n", s.key, s.text));
            }
        }
        text.push_str(&format!(
            "\n# variant {:?} runs with this policy:\n",
            v.name
        ));
        for line in policy.lines() {
            text.push_str(&format!("#   {line}\n"));
        }
    }
    emit(&text);
    Ok(())
}

/// Writes the commented embedded default to a file, refusing to overwrite one without `--force`.
pub fn init(args: &InitArgs) -> Result<(), CliError> {
    if args.file.exists() && !args.force {
        return Err(input(format!(
            "{} exists; pass --force to overwrite it",
            args.file.display()
        )));
    }
    output::write_atomic(&args.file, crate::scenario::BEIJING_TOML.as_bytes())?;
    emit(&format!(
        "wrote {} (the embedded default, with a comment on every key); check it with `salesim validate {}`\n",
        args.file.display(),
        args.file.display()
    ));
    Ok(())
}

/// The JSON Schema of scenario files, pretty-printed, with a final newline.
pub fn schema_text() -> String {
    let mut text =
        serde_json::to_string_pretty(&Scenario::json_schema()).expect("a schema always serialises");
    text.push('\n');
    text
}

/// Writes to stdout; a reader that went away (a closed pipe, as with `| head`) is not an error.
fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("warning: cannot write to standard output: {e}");
    }
}

/// Parses the process arguments and runs; the whole program.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let outcome = match cli.command {
        Some(Command::Run(args)) => run(&args),
        Some(Command::Sweep(args)) => sweep(&args),
        Some(Command::Validate(args)) => validate(&args),
        Some(Command::Init(args)) => init(&args),
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
