//! Writing an experiment's results: `replications.csv`, `summary.csv`, `comparison.csv`,
//! `ranking.csv`, `reps.csv`, `daily.csv`, `ramp.csv`, `manifest.json` (written last),
//! and the terminal table.
//!
//! Every file is first written in full to a temporary name in the output directory and
//! then renamed into place, so a reader never sees a half-written file.

pub mod csv_out;
pub mod manifest;
pub mod pictures;
pub mod plots;
pub mod records_csv;
pub mod table;

use crate::analysis::Analysis;
use crate::experiment::ExperimentResults;
use crate::scenario::Scenario;
use std::io::Write;
use std::path::{Path, PathBuf};

pub use manifest::RunInfo;
pub use records_csv::RepsSpool;

/// `n` and `word`, with an "s" unless `n` is 1: "1 replication", "2 replications".
pub fn plural(n: impl Into<u64>, word: &str) -> String {
    plural_of(n, word, &format!("{word}s"))
}

/// `n` with `one` or `many`: "1 trajectory", "4 trajectories".
pub fn plural_of(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A probability (0 to 1) as a whole percentage that never rounds to a certainty it is
/// not: `100%` and `0%` only when exact, `>99%` and `<1%` next to them, else the nearest
/// percent ("best in 98% of resamples").
pub fn probability_text(p: f64) -> String {
    match p {
        p if p.is_nan() => "undefined".into(),
        p if p >= 1.0 => "100%".into(),
        p if p <= 0.0 => "0%".into(),
        p if p > 0.99 => ">99%".into(),
        p if p < 0.01 => "<1%".into(),
        p => format!("{:.0}%", p * 100.0),
    }
}

/// Least probability of being best for which a variant other than the best is named as a
/// rival (terminal and report alike).
pub const RIVAL_MIN_P_BEST: f64 = 0.005;

/// A rival group in words: `a 20%` for one variant, `a and b 20% each (tied in every
/// replication: together 40%)` for variants tied with each other; `names` already quoted
/// as the caller wants, `joiner` between a name and its share (`" "`, `" in "`).
pub fn rival_text(names: &[String], p_each: f64, p_together: f64, joiner: &str) -> String {
    match names {
        [one] => format!("{one}{joiner}{}", probability_text(p_each)),
        [first @ .., last] => format!(
            "{} and {last}{joiner}{} each (tied in every replication: together {})",
            first.join(", "),
            probability_text(p_each),
            probability_text(p_together)
        ),
        [] => String::new(),
    }
}

/// File name of the per-replication results.
pub const REPLICATIONS_FILE: &str = "replications.csv";
/// File name of the per-variant, per-metric summaries.
pub const SUMMARY_FILE: &str = "summary.csv";
/// File name of the paired comparisons against the baseline.
pub const COMPARISON_FILE: &str = "comparison.csv";
/// File name of the ranking on the verdict's metric.
pub const RANKING_FILE: &str = "ranking.csv";
/// File name of the per-rep results.
pub const REPS_FILE: &str = "reps.csv";
/// File name of the day-by-day totals.
pub const DAILY_FILE: &str = "daily.csv";
/// File name of the new-hire ramp.
pub const RAMP_FILE: &str = "ramp.csv";
/// File name of the run's manifest.
pub const MANIFEST_FILE: &str = "manifest.json";

/// An output file that could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {}: {source}", .path.display())]
pub struct OutputError {
    /// The file or directory concerned.
    pub path: PathBuf,
    /// What the system said.
    pub source: std::io::Error,
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, flushed
/// to disk, then renamed over `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let err = |source| OutputError {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let written = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written.map_err(err)
}

/// Writes the result files into `dir` (created if needed): the CSVs (`reps.csv` by
/// finishing `reps`, the spool its rows were written to while the replications ran), the
/// pictures (SVG and PNG) and the manifest last; returns their paths in the order
/// written. `extra` names files already written into `dir` that belong to the study (a
/// sensitivity screen's), so the manifest lists them too.
pub fn write_all(
    dir: &Path,
    scenario: &Scenario,
    results: &ExperimentResults,
    analysis: &Analysis,
    info: &RunInfo,
    reps: RepsSpool,
    extra: &[PathBuf],
) -> Result<Vec<PathBuf>, OutputError> {
    std::fs::create_dir_all(dir).map_err(|source| OutputError {
        path: dir.to_path_buf(),
        source,
    })?;
    let tables = [
        (
            REPLICATIONS_FILE,
            csv_out::replications_csv(scenario.seed, results),
        ),
        (SUMMARY_FILE, csv_out::summary_csv(results)),
        (COMPARISON_FILE, csv_out::comparison_csv(results, analysis)),
        (RANKING_FILE, csv_out::ranking_csv(results, analysis)),
    ];
    let records = [
        (DAILY_FILE, records_csv::daily_csv(results, scenario)),
        (RAMP_FILE, records_csv::ramp_csv(results)),
    ];
    let mut paths = Vec::with_capacity(tables.len() + records.len() + 32);
    for (name, bytes) in tables {
        let path = dir.join(name);
        write_atomic(&path, &bytes)?;
        paths.push(path);
    }
    let path = dir.join(REPS_FILE);
    reps.finish(&path)?;
    paths.push(path);
    for (name, bytes) in records {
        let path = dir.join(name);
        write_atomic(&path, &bytes)?;
        paths.push(path);
    }
    paths.extend(
        pictures::draw_all(dir, results, analysis).map_err(|e| OutputError {
            source: std::io::Error::other(e.reason.to_string()),
            path: e.path,
        })?,
    );
    let names: Vec<String> = paths
        .iter()
        .chain(extra)
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    let manifest = dir.join(MANIFEST_FILE);
    write_atomic(
        &manifest,
        &manifest::manifest_json(scenario, results, analysis, info, &names),
    )?;
    paths.push(manifest);
    Ok(paths)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rival_ties_list_their_members_and_combined_share() {
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(rival_text(&names(&["a"]), 0.2, 0.2, " "), "a 20%");
        assert_eq!(
            rival_text(&names(&["`a`", "`b`", "`c`"]), 0.1, 0.3, " in "),
            "`a`, `b` and `c` in 10% each (tied in every replication: together 30%)"
        );
    }

    #[test]
    fn probabilities_never_round_to_a_certainty() {
        let texts: Vec<String> = [1.0, 0.9996, 0.995, 0.99, 0.5, 0.014, 0.006, 0.0001, 0.0]
            .iter()
            .map(|&p| probability_text(p))
            .collect();
        assert_eq!(
            texts,
            [
                "100%", ">99%", ">99%", "99%", "50%", "1%", "<1%", "<1%", "0%"
            ]
        );
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temporary() {
        let dir = std::env::temp_dir().join(format!("salesim-atomic-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("x.txt");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["x.txt"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn atomic_write_into_missing_directory_names_the_file() {
        let path = std::env::temp_dir()
            .join(format!("salesim-missing-{}", std::process::id()))
            .join("a.csv");
        let err = write_atomic(&path, b"x").unwrap_err().to_string();
        assert!(err.contains("a.csv"), "{err}");
    }
}
