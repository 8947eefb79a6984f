//! `report.html`: one self-contained page for leadership, written from a finished study's
//! output folder (so `salesim report DIR` and `salesim run` write the same bytes).
//!
//! The page holds the question and the scenario in plain words, the verdict and what the
//! fair choice costs, every variant against the baseline, the tables with intervals, the
//! run's pictures inline as SVG, the variants' policies, what each metric means, method
//! notes, and how to reproduce the run. It loads nothing: no scripts, fonts, images or
//! style sheets from elsewhere. Every claim is a sentence generated from the numbers
//! ([`sentences`]).

pub mod html;
pub mod load;
pub mod sections;
pub mod sensitivity_section;
pub mod sentences;
pub mod variants_table;

pub use load::{RunFacts, Study};

use std::path::{Path, PathBuf};

/// File name of the report in an output folder.
pub const REPORT_FILE: &str = "report.html";

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A file of the study could not be read.
    #[error("cannot read {}: {source}", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// A file of the study is not what salesim writes.
    #[error("{}: {reason}", .path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The report could not be written.
    #[error(transparent)]
    Write(#[from] crate::output::OutputError),
}

/// The whole page for `study`.
pub fn render(study: &Study) -> String {
    let title = format!("salesim report: {}", study.scenario.name);
    let mut body = String::new();
    for section in [
        sections::heading(study),
        sections::question(study),
        sections::answer(study),
        sections::against_baseline(study),
        sections::numbers(study),
        sections::pictures(study),
        sensitivity_section::section(study),
        variants_table::variants(study),
        sections::metric_meanings(study),
        sections::method(study),
        sections::reproduce(study),
    ] {
        body.push_str(&section);
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        html::escape(&title),
        html::STYLE
    )
}

/// Reads the study in `dir` and writes `dir/report.html` (atomically); returns its path.
pub fn write_report(dir: &Path) -> Result<PathBuf, ReportError> {
    let study = Study::load(dir)?;
    let path = dir.join(REPORT_FILE);
    crate::output::write_atomic(&path, render(&study).as_bytes())?;
    Ok(path)
}
