//! The options of each subcommand, as clap parses them.

use super::Cli;
use clap::{Args, Parser};
use std::path::PathBuf;

/// Most worker threads accepted by `--threads`.
pub const MAX_THREADS: usize = 1024;

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
    /// Master seed, 0 to 9223372036854775807 [default: the scenario's `seed`].
    #[arg(long, value_name = "S", value_parser = clap::value_parser!(u64).range(..=crate::scenario::MAX_SEED))]
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
    /// Write `report.html` into the output directory (the default; see `--no-report`).
    #[arg(long, overrides_with = "no_report")]
    pub report: bool,
    /// Do not write `report.html` (it can be written later with `salesim report DIR`).
    #[arg(long, overrides_with = "report")]
    pub no_report: bool,
    /// Write into an output folder that holds another study (its files are replaced), or
    /// start an interrupted one again from the beginning.
    #[arg(long)]
    pub force: bool,
    /// Go on with an interrupted run in `--out`: the saved replications are read back, only
    /// the missing ones run, and the results are those of an uninterrupted run. Refused
    /// when the folder holds a different scenario, seed or salesim version.
    #[arg(long)]
    pub resume: bool,
    /// Run only the replications r with r mod N = I, into `OUT/shard-I-of-N/` (combine the
    /// shards with `salesim merge`); `none` ignores a cluster's array index [default: from
    /// SLURM_ARRAY_TASK_ID (less SLURM_ARRAY_TASK_MIN) of SLURM_ARRAY_TASK_COUNT, or
    /// JOB_COMPLETION_INDEX of SALESIM_SHARD_COUNT, when set; else the whole study].
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
}

/// Options of `salesim merge`.
#[derive(Debug, Clone, Args)]
pub struct MergeArgs {
    /// Shard folders (`shard-I-of-N`, written by `salesim run --shard`), or folders holding
    /// them; together they must hold every shard of one study exactly once.
    #[arg(value_name = "DIR", required = true)]
    pub dirs: Vec<PathBuf>,
    /// Directory for the combined result files (the same files a single `salesim run`
    /// writes).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Worker threads for reading the shards back [default: all cores].
    #[arg(long, short = 'j', value_name = "T")]
    pub threads: Option<usize>,
    /// Do not write `report.html`.
    #[arg(long)]
    pub no_report: bool,
    /// Write into an output folder that holds another study.
    #[arg(long)]
    pub force: bool,
}

impl Default for RunArgs {
    /// The options of a bare `salesim`: every default as on the command line.
    fn default() -> Self {
        Cli::parse_from(["salesim"]).run
    }
}

/// Options of `salesim bench`.
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Runs replications as `run` does, on the same worker pool, writes no files and \
    prints the speed: rep-days (one rep working one day) and events per second, per thread, \
    peak memory, and how long the scenario's whole study (every variant x its `replications` x \
    its `calendar.days`) would take at that speed. --json prints the same as one JSON object."
)]
pub struct BenchArgs {
    /// Scenario file (TOML); default: the embedded `beijing` scenario.
    #[arg(value_name = "SCENARIO.toml")]
    pub scenario: Option<PathBuf>,
    /// Replications per variant [default: one per thread, at least 2].
    #[arg(long, short = 'n', value_name = "N")]
    pub replications: Option<u32>,
    /// Working days to simulate [default: the scenario's `calendar.days`].
    #[arg(long, value_name = "D")]
    pub days: Option<u32>,
    /// Run this variant (repeatable) [default: the baseline only].
    #[arg(long = "variant", value_name = "NAME")]
    pub variants: Vec<String>,
    /// Worker threads [default: all available cores].
    #[arg(long, short = 'j', value_name = "T")]
    pub threads: Option<usize>,
    /// Print the measurements as one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Options of `salesim report`.
#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// Output folder of a finished `salesim run` or `salesim sweep`.
    #[arg(value_name = "OUT_DIR")]
    pub dir: PathBuf,
}

/// Options of `salesim sensitivity`.
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "In a screen, -n/--replications is per variant at every point, and defaults to the \
    scenario's `sensitivity.replications` (5), not `replications`. --precision does not apply. A \
    screen saves every replication to OUT/runs.checkpoint as it finishes: one stopped by Ctrl-C \
    or killed goes on with --resume. With --shard I/N (or a Slurm or Kubernetes array index) it \
    runs replications r with r mod N = I of every point into OUT/shard-I-of-N/; `salesim merge` \
    then writes what one whole screen writes."
)]
pub struct SensitivityArgs {
    /// An assumption to screen and its low and high values, `KEY=LOW,HIGH` (repeatable;
    /// replaces the scenario's `[sensitivity] vary` list and the default list).
    #[arg(long = "vary", value_name = "KEY=LOW,HIGH")]
    pub vary: Vec<String>,
    /// Morris trajectories (0: the one-at-a-time screen only) [default: the scenario's
    /// `sensitivity.trajectories`].
    #[arg(long, value_name = "R")]
    pub trajectories: Option<u32>,
    /// Morris grid levels, even [default: the scenario's `sensitivity.levels`].
    #[arg(long, value_name = "P")]
    pub levels: Option<u32>,
    /// Options as for `run`; `--replications` is per variant at every point of the screen
    /// [default: the scenario's `sensitivity.replications`].
    #[command(flatten)]
    pub run: RunArgs,
}
