//! Whether a run may write into its output folder: a folder holding another study is not
//! overwritten without `--force`, an interrupted one is continued only with `--resume`,
//! and temporary files left by a killed run are cleared.

use super::{CliError, input};
use crate::checkpoint::{CHECKPOINT_FILE, Shard, Study, read_header};
use crate::output::MANIFEST_FILE;
use std::path::Path;

/// How a run uses its output folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// Start from nothing (a new checkpoint).
    Fresh,
    /// Go on with the checkpoint already there.
    Resume,
}

/// Whether `name` is a temporary file of salesim's own (a spool or an unfinished atomic
/// write), which a killed run may leave behind.
fn leftover(name: &str) -> bool {
    name.starts_with('.') && (name.contains(".spool-") || name.contains(".tmp-"))
}

/// Whether `name` is a shard folder's name, `shard-I-of-N`.
pub fn is_shard_folder(name: &str) -> bool {
    name.strip_prefix("shard-")
        .and_then(|rest| rest.split_once("-of-"))
        .is_some_and(|(i, n)| i.parse::<u32>().is_ok() && n.parse::<u32>().is_ok())
}

/// The manifest's status and study identity, when `dir` has a readable manifest.
fn manifest_facts(dir: &Path) -> Option<(String, Option<String>, Vec<String>)> {
    let text = std::fs::read_to_string(dir.join(MANIFEST_FILE)).ok()?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    let status = value
        .get("status")
        .and_then(|s| s.as_str())
        .unwrap_or("complete")
        .to_string();
    let hash = value
        .get("study_hash")
        .and_then(|s| s.as_str())
        .map(str::to_string);
    let files = value
        .get("files")
        .and_then(|f| f.as_array())
        .map(|f| {
            f.iter()
                .filter_map(|n| n.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    Some((status, hash, files))
}

/// Decides how a run of `study` (shard `shard`) may use `dir`, creating it when missing
/// and clearing salesim's own leftovers. `force` replaces another study (its listed files
/// are removed first); `resume` goes on with an interrupted run of the same study.
pub fn claim_output(
    dir: &Path,
    study: &Study,
    shard: Option<Shard>,
    force: bool,
    resume: bool,
) -> Result<Claim, CliError> {
    std::fs::create_dir_all(dir).map_err(|e| {
        input(format!(
            "cannot create output directory {}: {e}",
            dir.display()
        ))
    })?;
    let entries = std::fs::read_dir(dir).map_err(|e| {
        input(format!(
            "cannot read output directory {}: {e}",
            dir.display()
        ))
    })?;
    let mut names = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if leftover(&name) {
            let _ = std::fs::remove_file(entry.path());
        } else {
            names.push(name);
        }
    }
    names.sort();
    let shown = dir.display();
    let nothing_to_resume = || {
        if resume {
            eprintln!("note: nothing saved in {shown} to resume; starting from the beginning");
        }
        Ok(Claim::Fresh)
    };
    if names.is_empty() {
        return nothing_to_resume();
    }
    let replace = |what: &str| -> Result<Claim, CliError> {
        if force {
            remove_study_files(dir);
            return Ok(Claim::Fresh);
        }
        Err(input(format!(
            "{shown} {what}; choose another --out, or add --force to replace it"
        )))
    };
    let checkpoint = dir.join(CHECKPOINT_FILE);
    if checkpoint.exists() {
        let header = match read_header(&checkpoint) {
            Ok(header) => header,
            Err(e) if force => {
                eprintln!("note: replacing an unreadable checkpoint: {e}");
                remove_study_files(dir);
                return Ok(Claim::Fresh);
            }
            Err(e) => return Err(input(format!("{e}; add --force to replace it"))),
        };
        let differences = header.study.differences(study);
        let same_shard = header.shard == shard;
        if differences.is_empty() && same_shard {
            let complete = manifest_facts(dir).is_some_and(|(status, _, _)| status == "complete");
            return match (resume, complete, force) {
                (true, _, _) => Ok(Claim::Resume),
                (false, true, _) | (false, _, true) => Ok(Claim::Fresh),
                (false, false, false) => Err(input(format!(
                    "{shown} holds an interrupted run of this study: add --resume to finish it, or --force to start it again"
                ))),
            };
        }
        let mut why = differences;
        if !same_shard {
            let name = |s: Option<Shard>| {
                s.map_or("the whole study".to_string(), |s| format!("shard {s}"))
            };
            why.push(format!(
                "it holds {}, this run is {}",
                name(header.shard),
                name(shard)
            ));
        }
        if resume && !force {
            return Err(input(format!(
                "cannot resume in {shown}: it holds {}, and {}",
                header.study.describe(),
                why.join("; ")
            )));
        }
        return replace(&format!(
            "holds another study ({}): {}",
            header.study.describe(),
            why.join("; ")
        ));
    }
    if let Some((_, hash, _)) = manifest_facts(dir) {
        if hash.as_deref() == Some(study.hash.as_str()) {
            return nothing_to_resume();
        }
        return replace("holds the results of another salesim study");
    }
    // Shard folders of this very study (a merge writes beside them) are welcome.
    let ours = |name: &String| {
        is_shard_folder(name)
            && read_header(&dir.join(name).join(CHECKPOINT_FILE))
                .is_ok_and(|h| h.study.hash == study.hash)
    };
    if names.iter().all(ours) {
        return nothing_to_resume();
    }
    if force {
        return Ok(Claim::Fresh);
    }
    let listed: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
    Err(input(format!(
        "{shown} is not empty and holds no salesim study (it has {}{}); choose a new or empty --out, or add --force to write into it anyway",
        listed.join(", "),
        if names.len() > 5 { ", ..." } else { "" }
    )))
}

/// Removes the files of the salesim study in `dir`: those its manifest lists (plain names
/// only, never a path), the manifest, the checkpoint and the report.
fn remove_study_files(dir: &Path) {
    let listed = manifest_facts(dir)
        .map(|(_, _, files)| files)
        .unwrap_or_default();
    let own = [MANIFEST_FILE, CHECKPOINT_FILE, crate::report::REPORT_FILE];
    for name in listed.iter().map(String::as_str).chain(own) {
        let plain = !name.is_empty()
            && !name.starts_with('.')
            && !name.contains(['/', '\\'])
            && Path::new(name).file_name().is_some_and(|n| n == name);
        if plain {
            let _ = std::fs::remove_file(dir.join(name));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_folder_names() {
        assert!(is_shard_folder("shard-0-of-4"));
        assert!(is_shard_folder("shard-12-of-100"));
        assert!(!is_shard_folder("shard-a-of-4"));
        assert!(!is_shard_folder("shards"));
    }

    #[test]
    fn leftovers_are_ours_only() {
        assert!(leftover(".reps.csv.spool-123"));
        assert!(leftover(".summary.csv.tmp-9"));
        assert!(!leftover("notes.tmp-1"));
        assert!(!leftover("summary.csv"));
    }
}
