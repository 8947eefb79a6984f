//! The manifest of a study that is not finished: written when a run starts (`running`),
//! rewritten when it is interrupted (`interrupted`, with the command that resumes it), when
//! it fails (`failed`, e.g. a full disk; it resumes the same way) and when a shard
//! completes (`complete`, for `salesim merge`). A finished study's full
//! manifest replaces it.

use super::{CliError, shell_word};
use crate::checkpoint::{Checkpoint, Shard, Study};
use crate::output::{MANIFEST_FILE, manifest::rfc3339, write_atomic};
use serde::Serialize;
use std::path::Path;
use std::time::SystemTime;

/// A run in progress: what its manifest says until the results are written.
pub struct StudyStatus<'a> {
    /// The study.
    pub study: &'a Study,
    /// The shard, when the run covers only a share.
    pub shard: Option<Shard>,
    /// The folder written to (the shard's own folder for a shard).
    pub out: &'a Path,
    /// When the run started.
    pub started: SystemTime,
    /// Worker threads.
    pub threads: usize,
    /// Whether the run was asked not to write `report.html` (its resume must not either).
    pub no_report: bool,
}

#[derive(Serialize)]
struct Partial<'a> {
    salesim_version: &'a str,
    status: &'a str,
    study_hash: &'a str,
    scenario_name: String,
    scenario_source: &'a str,
    command: &'a str,
    resume_command: String,
    seed: u64,
    shard: Option<String>,
    variants: &'a [String],
    replications_saved: usize,
    threads: usize,
    started: String,
    updated: String,
    files: [&'a str; 1],
}

impl StudyStatus<'_> {
    /// The command that goes on with this run: the study's command with `--out` and
    /// `--resume` (and the shard, and `--no-report` when the run had it).
    pub fn resume_command(&self) -> String {
        let out = match self.shard {
            Some(_) => self.out.parent().unwrap_or(self.out),
            None => self.out,
        };
        let mut command = format!(
            "{} --out {} --resume",
            self.study.command,
            shell_word(&out.display().to_string())
        );
        if let Some(shard) = self.shard {
            command.push_str(&format!(" --shard {shard}"));
        }
        if self.no_report {
            command.push_str(" --no-report");
        }
        command
    }

    /// Writes the run's manifest with `status` and the count of saved replications.
    pub fn write(&self, status: &str, saved: usize) -> Result<(), CliError> {
        let manifest = Partial {
            salesim_version: &self.study.salesim_version,
            status,
            study_hash: &self.study.hash,
            scenario_name: self.study.scenario_name(),
            scenario_source: &self.study.scenario_source,
            command: &self.study.command,
            resume_command: self.resume_command(),
            seed: self.study.seed(),
            shard: self.shard.map(|s| s.to_string()),
            variants: &self.study.variants,
            replications_saved: saved,
            threads: self.threads,
            started: rfc3339(self.started),
            updated: rfc3339(SystemTime::now()),
            files: [crate::checkpoint::CHECKPOINT_FILE],
        };
        let mut bytes = serde_json::to_vec_pretty(&manifest).expect("a manifest serialises");
        bytes.push(b'\n');
        write_atomic(&self.out.join(MANIFEST_FILE), &bytes)?;
        Ok(())
    }

    /// After a run that ended in an error other than an interrupt while its manifest still
    /// says `running` (nothing final was written): the manifest says `failed`, with the
    /// replications saved, which `--resume` goes on from. Best effort: the error may be a
    /// full disk, and the run's own error is what the user sees.
    pub fn settle<T>(&self, outcome: &Result<T, CliError>, saved: usize) {
        if let Err(e) = outcome
            && !matches!(e, CliError::Interrupted(_))
            && super::outdir::manifest_says_running(self.out)
        {
            let _ = self.write("failed", saved);
        }
    }

    /// After an interrupt: the checkpoint forced to disk, the manifest marked
    /// `interrupted`, and the error that tells the user how to resume.
    pub fn interrupted(&self, checkpoint: &Checkpoint) -> CliError {
        if let Err(e) = checkpoint.sync() {
            return e.into();
        }
        if let Err(e) = self.write("interrupted", checkpoint.len()) {
            return e;
        }
        CliError::Interrupted(format!(
            "interrupted: {} saved in {}; nothing else was written. Resume with:\n  {}",
            crate::output::plural(checkpoint.len() as u64, "replication"),
            self.out.display(),
            self.resume_command()
        ))
    }
}
