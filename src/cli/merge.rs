//! `salesim merge`: combines the shard folders of one study (written by `salesim run
//! --shard I/N`, `sweep` or `sensitivity`, on a cluster, say) into the result files a
//! single run of the study writes, byte for byte (but the manifest's timing).

use super::outdir::is_shard_folder;
use super::{CliError, MergeArgs, RunArgs, Setup, execute, input};
use crate::checkpoint::{CHECKPOINT_FILE, Header, SavedRuns, Shard, StudyKind, read_header};
use crate::scenario::Scenario;
use std::path::{Path, PathBuf};

/// The shard folders `dirs` name: each one that holds a checkpoint, and the
/// `shard-I-of-N` folders inside the others (in name order).
fn shard_folders(dirs: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    let mut folders = Vec::new();
    for dir in dirs {
        if dir.join(CHECKPOINT_FILE).is_file()
            && read_header(&dir.join(CHECKPOINT_FILE)).is_ok_and(|h| h.shard.is_some())
        {
            folders.push(dir.clone());
            continue;
        }
        let entries = std::fs::read_dir(dir)
            .map_err(|e| input(format!("cannot read {}: {e}", dir.display())))?;
        let mut inside: Vec<PathBuf> = entries
            .flatten()
            .filter(|e| is_shard_folder(&e.file_name().to_string_lossy()))
            .map(|e| e.path())
            .filter(|p| p.join(CHECKPOINT_FILE).is_file())
            .collect();
        if inside.is_empty() {
            return Err(input(format!(
                "{} holds no shard: no {CHECKPOINT_FILE} of a shard and no shard-I-of-N folders (write shards with `salesim run --shard I/N`)",
                dir.display()
            )));
        }
        inside.sort();
        folders.extend(inside);
    }
    Ok(folders)
}

/// Whether `a` and `b` name the same folder (compared once resolved, when both exist).
fn same_folder(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Checks that `shards` (folder, header) are every shard of one study exactly once.
fn check_together(shards: &[(PathBuf, Header)]) -> Result<(), CliError> {
    let (first_dir, first) = &shards[0];
    let first_shard = first.shard.expect("shard folders hold shards");
    for (dir, header) in &shards[1..] {
        let why = first.study.differences(&header.study);
        if !why.is_empty() {
            return Err(input(format!(
                "the shards do not belong together: {} holds {}, {} holds {} (comparing the first with the second: {})",
                first_dir.display(),
                first.study.describe(),
                dir.display(),
                header.study.describe(),
                why.join("; ")
            )));
        }
        let shard = header.shard.expect("shard folders hold shards");
        if shard.count != first_shard.count {
            return Err(input(format!(
                "the shards do not belong together: {} is shard {first_shard}, {} is shard {shard} (split {} ways, not {})",
                first_dir.display(),
                dir.display(),
                shard.count,
                first_shard.count
            )));
        }
    }
    let count = first_shard.count;
    let mut seen: Vec<Option<&Path>> = vec![None; count as usize];
    for (dir, header) in shards {
        let shard = header.shard.expect("shard folders hold shards");
        if let Some(other) = seen[shard.index as usize] {
            return Err(input(format!(
                "shard {shard} appears twice: in {} and in {}",
                other.display(),
                dir.display()
            )));
        }
        seen[shard.index as usize] = Some(dir);
    }
    let missing: Vec<String> = (0..count)
        .filter(|&i| seen[i as usize].is_none())
        .map(|index| Shard { index, count }.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(input(format!(
            "missing shard{} {} of the study (found {} of {count})",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", "),
            shards.len()
        )));
    }
    Ok(())
}

/// Merges the shards `args` names into `args.out`.
pub fn merge(args: &MergeArgs) -> Result<(), CliError> {
    let folders = shard_folders(&args.dirs)?;
    let mut shards = Vec::new();
    let mut saved = SavedRuns::none();
    for folder in &folders {
        let mut own = SavedRuns::none();
        let header = own.add_file(&folder.join(CHECKPOINT_FILE))?;
        if header.shard.is_none() {
            return Err(input(format!(
                "{} holds a whole study, not a shard (its checkpoint has no shard); merge combines the folders `--shard I/N` wrote",
                folder.display()
            )));
        }
        if same_folder(&args.out, folder) {
            return Err(input(format!(
                "--out {}: that is one of the shards being merged; give another folder",
                args.out.display()
            )));
        }
        shards.push((folder.clone(), header, own));
    }
    let headers: Vec<(PathBuf, Header)> = shards
        .iter()
        .map(|(d, h, _)| (d.clone(), h.clone()))
        .collect();
    check_together(&headers)?;
    let study = headers[0].1.study.clone();
    let scenario = Scenario::from_toml(
        &study.scenario,
        &format!("the scenario saved in {}", folders[0].display()),
    )
    .map_err(input)?;
    // Every shard must hold all of its replications of every variant (at every point of a
    // screen: frame variant field point x variants + variant).
    let points = headers[0].1.points.map_or(1, |p| p as usize);
    for (dir, header, own) in &shards {
        let shard = header.shard.expect("shard folders hold shards");
        let expected = (0..scenario.replications)
            .filter(|&r| shard.owns(r))
            .count();
        for slot in 0..points * study.variants.len() {
            let name = &study.variants[slot % study.variants.len()];
            let have = own
                .replications_of(slot)
                .filter(|&r| shard.owns(r) && r < scenario.replications)
                .count();
            if have < expected {
                let at = if points > 1 {
                    format!(" at point {}", slot / study.variants.len())
                } else {
                    String::new()
                };
                return Err(input(format!(
                    "shard {shard} in {} is incomplete: {have} of {expected} replications of variant {name}{at} are saved; finish it with:\n  {} --out {} --resume --shard {shard}",
                    dir.display(),
                    study.command,
                    super::shell_word(&dir.parent().unwrap_or(dir).display().to_string())
                )));
            }
        }
    }
    for (_, _, own) in shards {
        saved.absorb(own);
    }
    // The shards hold every replication: a merge of this study into `--out` that did not
    // finish (interrupted, or failed while writing) is simply made again.
    let again = MergeArgs {
        force: args.force || super::outdir::holds_unfinished(&args.out, &study.hash),
        ..args.clone()
    };
    let args = &again;
    if study.kind == StudyKind::Sensitivity {
        return super::sensitivity::merge_screen(&study, scenario, saved, args);
    }
    let mut run_args = Setup::args_of(&study);
    let mut setup = Setup::new(
        study.kind,
        scenario,
        &study.scenario_source,
        &run_args,
        &study.args.sets,
        study.customers.clone(),
    )?;
    if setup.study.hash != study.hash {
        return Err(input(format!(
            "cannot rebuild the study saved in {} (its identity {} is not this build's {}): merge with the salesim that wrote it ({})",
            folders[0].display(),
            study.hash,
            setup.study.hash,
            study.salesim_version
        )));
    }
    setup.study.command = study.command.clone();
    run_args = RunArgs {
        out: args.out.clone(),
        threads: args.threads,
        no_report: args.no_report,
        force: args.force,
        shard: Some("none".into()),
        ..run_args
    };
    execute(&setup, &run_args, saved)
}
