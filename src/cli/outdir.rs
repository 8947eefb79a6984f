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
/// write, `.<file>.spool-<pid>`, `.<file>.tmp-<pid>` or a picture's
/// `.<file>.tmp-<pid>-<n>.png`, `<file>` one of the kinds salesim writes), which a killed
/// run may leave behind.
fn leftover(name: &str) -> bool {
    let Some(rest) = name.strip_prefix('.') else {
        return false;
    };
    // The files salesim writes end so; a user's `.notes.tmp-2024` does not.
    let ours = |file: &str| {
        [".csv", ".json", ".svg", ".png", ".html", ".checkpoint"]
            .iter()
            .any(|ext| file.len() > ext.len() && file.ends_with(ext))
    };
    let tail = |marker: &str| {
        rest.rsplit_once(marker).is_some_and(|(file, tail)| {
            let tail = tail.strip_suffix(".png").unwrap_or(tail);
            ours(file)
                && !tail.is_empty()
                && tail
                    .split('-')
                    .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        })
    };
    tail(".spool-") || tail(".tmp-")
}

/// Whether `name` is a file that does not make a folder someone's: version-control and
/// file-manager markers.
fn ignorable(name: &str) -> bool {
    matches!(name, ".gitkeep" | ".gitignore" | ".keep" | ".DS_Store")
}

/// An exclusive hold on an output folder for as long as it lives, so that two salesim
/// processes never write into one folder at once: an advisory lock (`flock`) on the folder
/// itself, released when the process ends, however it ends.
#[derive(Debug)]
pub struct OutputLock {
    _folder: Option<std::fs::File>,
}

impl OutputLock {
    /// Locks `dir`, or says which folder another salesim is using. Where the file system
    /// cannot lock (or on a platform that cannot open a folder), the run goes on unlocked.
    pub fn take(dir: &Path) -> Result<OutputLock, CliError> {
        #[cfg(unix)]
        {
            let Ok(folder) = std::fs::File::open(dir) else {
                return Ok(OutputLock { _folder: None });
            };
            match folder.try_lock() {
                Ok(()) => Ok(OutputLock {
                    _folder: Some(folder),
                }),
                Err(std::fs::TryLockError::WouldBlock) => Err(input(format!(
                    "{} is in use by another salesim process still writing there; wait for it to finish, or choose another --out",
                    dir.display()
                ))),
                Err(std::fs::TryLockError::Error(_)) => Ok(OutputLock { _folder: None }),
            }
        }
        #[cfg(not(unix))]
        {
            let _ = dir;
            Ok(OutputLock { _folder: None })
        }
    }
}

/// Whether `name` is a shard folder's name, `shard-I-of-N`.
pub fn is_shard_folder(name: &str) -> bool {
    name.strip_prefix("shard-")
        .and_then(|rest| rest.split_once("-of-"))
        .is_some_and(|(i, n)| i.parse::<u32>().is_ok() && n.parse::<u32>().is_ok())
}

/// The manifest's status, study identity and listed files, when `dir` has a manifest
/// salesim wrote (one naming a salesim version and a study; any other `manifest.json` is
/// the folder owner's own file).
fn manifest_facts(dir: &Path) -> Option<(String, String, Vec<String>)> {
    let text = std::fs::read_to_string(dir.join(MANIFEST_FILE)).ok()?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    value.get("salesim_version")?.as_str()?;
    let hash = value.get("study_hash")?.as_str()?.to_string();
    let status = value
        .get("status")
        .and_then(|s| s.as_str())
        .unwrap_or("complete")
        .to_string();
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

/// Whether `dir` holds an unfinished run (its manifest not `complete`) of the study with
/// identity `hash`.
pub fn holds_unfinished(dir: &Path, hash: &str) -> bool {
    manifest_facts(dir).is_some_and(|(status, h, _)| h == hash && status != "complete")
}

/// Whether `dir`'s manifest says a run is still going (`running`): one that stopped
/// without rewriting it. A run's failure rewrites it to `failed`.
pub fn manifest_says_running(dir: &Path) -> bool {
    manifest_facts(dir).is_some_and(|(status, _, _)| status == "running")
}

/// Decides how a run of `study` (shard `shard`) may use `dir`, creating it when missing.
/// `force` replaces another study (its listed files are removed first); `resume` goes on
/// with an interrupted run of the same study. The folder stays locked against other
/// salesim processes while the returned lock lives; salesim's own leftovers (temporary
/// files of a killed run) are cleared once the folder is claimed, never in a folder that
/// is refused.
pub fn claim_output(
    dir: &Path,
    study: &Study,
    shard: Option<Shard>,
    force: bool,
    resume: bool,
) -> Result<(Claim, OutputLock), CliError> {
    let shown = dir.display();
    // The folder, or the first of its parents that exists (a shard's folder lies inside
    // `--out`), must be a folder.
    for path in dir.ancestors().filter(|p| !p.as_os_str().is_empty()) {
        let Ok(meta) = std::fs::symlink_metadata(path) else {
            continue;
        };
        let at = path.display();
        match std::fs::metadata(path) {
            Err(e) if meta.file_type().is_symlink() => {
                return Err(input(format!(
                    "{at} is a symbolic link whose target cannot be reached ({e}); create its folder or choose another --out"
                )));
            }
            Ok(target) if !target.is_dir() => {
                return Err(input(format!(
                    "{at} is a file, not a folder; choose a folder's name for --out"
                )));
            }
            _ => break,
        }
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| input(format!("cannot create output directory {shown}: {e}")))?;
    let lock = OutputLock::take(dir)?;
    let entries = std::fs::read_dir(dir)
        .map_err(|e| input(format!("cannot read output directory {shown}: {e}")))?;
    let mut names = Vec::new();
    let mut leftovers = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if leftover(&name) {
            leftovers.push(entry.path());
        } else if !ignorable(&name) {
            names.push(name);
        }
    }
    names.sort();
    let claim = decide(dir, &names, study, shard, force, resume)?;
    // The lock is held: no other salesim is writing these.
    for path in leftovers {
        let _ = std::fs::remove_file(path);
    }
    Ok((claim, lock))
}

/// [`claim_output`]'s decision for a folder holding `names` (leftovers and markers left out).
fn decide(
    dir: &Path,
    names: &[String],
    study: &Study,
    shard: Option<Shard>,
    force: bool,
    resume: bool,
) -> Result<Claim, CliError> {
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
            let status = manifest_facts(dir).map(|(status, _, _)| status);
            let complete = status.as_deref() == Some("complete");
            return match (resume, complete, force) {
                (true, _, _) => Ok(Claim::Resume),
                (false, true, _) | (false, _, true) => Ok(Claim::Fresh),
                (false, false, false) => Err(input(format!(
                    "{shown} holds an unfinished run of this study ({}): add --resume to finish it, or --force to start it again",
                    match status.as_deref() {
                        Some("failed") => "it failed",
                        Some("interrupted") => "it was interrupted",
                        _ => "it was stopped",
                    }
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
        if hash == study.hash {
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
        assert!(leftover(".tornado_conversion_rate.png.tmp-77-3.png"));
        assert!(!leftover("notes.tmp-1"));
        assert!(!leftover("summary.csv"));
        // A user's own dotfiles that merely look similar stay.
        assert!(!leftover(".config.tmp-backup"));
        assert!(!leftover(".tmp-12"));
        assert!(!leftover(".hist.spool-"));
        assert!(!leftover(".hist.spool-1"));
        assert!(!leftover(".notes.tmp-2024-05"));
        assert!(leftover(".runs.checkpoint.tmp-4"));
    }
}
