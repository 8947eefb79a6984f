//! `salesim report OUT_DIR`: the HTML report of a finished study.

use super::{CliError, ReportArgs, emit, input};
use crate::report::{ReportError, write_report};

/// Writes `report.html` into a finished study's folder and names it. A folder that is not
/// a salesim study (missing or foreign files) is bad input.
pub fn report(args: &ReportArgs) -> Result<(), CliError> {
    let dir = &args.dir;
    if !dir.join(crate::output::MANIFEST_FILE).exists() {
        let shards = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .any(|e| super::outdir::is_shard_folder(&e.file_name().to_string_lossy()));
        if shards {
            let folder = super::shell_word(&dir.display().to_string());
            return Err(input(format!(
                "{} holds shard folders, not a finished study: combine them first with `salesim merge {folder} --out {folder}` (which writes the report)",
                dir.display()
            )));
        }
    }
    // A run still writing the folder (or rewriting it with --force) holds it.
    let _lock = super::outdir::OutputLock::take(dir)?;
    let path = write_report(dir).map_err(report_error)?;
    emit(&format!("report: {}\n", path.display()));
    Ok(())
}

/// A report failure as a command failure: unreadable or foreign study files are bad input
/// (exit 2), a report that cannot be written is an output failure (exit 1).
pub fn report_error(e: ReportError) -> CliError {
    match e {
        ReportError::Write(e) => CliError::Output(e),
        other => input(other),
    }
}
