//! Long runs that lose nothing: a run killed at any moment and resumed, a run interrupted
//! with Ctrl-C, and a study split into shards and merged all end with the bytes of one
//! uninterrupted run; output folders of other studies are not overwritten.

mod common;

use common::{
    TempDir, assert_same_files, interrupt_after_first_replication, kill_and_resume_match_whole,
    salesim, visible_names,
};
use std::path::Path;
use std::process::Command;

/// A small two-variant study.
const STUDY: [&str; 9] = [
    "-n",
    "8",
    "--days",
    "6",
    "--variant",
    "alibaba",
    "--variant",
    "strict",
    "--no-report",
];

fn args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    STUDY.iter().copied().chain(extra.iter().copied()).collect()
}

/// Every result file of `a` is in `b` with the same bytes (the manifest but its timing).
fn assert_same_study(a: &Path, b: &Path) {
    let names = visible_names(a);
    assert!(names.len() > 10, "{names:?}");
    assert_same_files(a, b, &names);
}

#[test]
fn a_run_killed_at_random_moments_and_resumed_ends_with_the_bytes_of_an_uninterrupted_run() {
    let tmp = TempDir::new("kill9");
    // Killed up to three times in a row before the resume that is let finish.
    kill_and_resume_match_whole(tmp.path(), args, (&[], &[]), 3, assert_same_study);
}

#[test]
fn ctrl_c_saves_the_runs_in_flight_and_says_how_to_resume() {
    let tmp = TempDir::new("ctrlc");
    // Long enough that the interrupt lands mid-run.
    let study = [
        "-n",
        "24",
        "--days",
        "10",
        "--variant",
        "alibaba",
        "--variant",
        "strict",
        "--no-report",
    ];
    let with = |extra: &[&'static str]| -> Vec<&str> {
        study.iter().copied().chain(extra.iter().copied()).collect()
    };
    let manifest =
        interrupt_after_first_replication(tmp.path(), &with(&["--out", "run", "-j", "1"]), "run");
    // The resume command keeps --no-report: resumed, the run writes what it would have.
    let resume = manifest["resume_command"].as_str().unwrap();
    assert!(
        resume.ends_with("--out run --resume --no-report"),
        "{resume}"
    );
    assert!(!tmp.path().join("run/summary.csv").exists());
    // A plain rerun is refused; the resume command finishes it with the bytes of a whole run.
    let again = salesim(tmp.path(), &with(&["--out", "run"]));
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--resume"));
    let mut words: Vec<&str> = resume.split_whitespace().skip(1).collect();
    words.extend(["-j", "2"]);
    let resumed = salesim(tmp.path(), &words);
    assert!(
        resumed.status.success(),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
    let whole = salesim(tmp.path(), &with(&["--out", "whole"]));
    assert!(whole.status.success());
    assert_same_study(&tmp.path().join("whole"), &tmp.path().join("run"));
}

#[test]
fn shards_run_anywhere_merge_to_the_bytes_of_one_run() {
    let tmp = TempDir::new("shards");
    let whole = salesim(tmp.path(), &args(&["--out", "whole", "-j", "2"]));
    assert!(whole.status.success());
    // Shard 0 by flag on one thread, shard 1 from a Slurm array's variables, shard 2 from a
    // Kubernetes Indexed Job's.
    let zero = salesim(
        tmp.path(),
        &args(&["--out", "study", "--shard", "0/3", "-j", "1"]),
    );
    assert!(
        zero.status.success(),
        "{}",
        String::from_utf8_lossy(&zero.stderr)
    );
    let env_run = |vars: &[(&str, &str)]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_salesim"));
        command
            .args(args(&["--out", "study"]))
            .current_dir(tmp.path());
        for (k, v) in vars {
            command.env(k, v);
        }
        let output = command.output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    env_run(&[
        ("SLURM_ARRAY_TASK_ID", "8"),
        ("SLURM_ARRAY_TASK_MIN", "7"),
        ("SLURM_ARRAY_TASK_COUNT", "3"),
    ]);
    env_run(&[("JOB_COMPLETION_INDEX", "2"), ("SALESIM_SHARD_COUNT", "3")]);
    for i in 0..3 {
        assert!(
            tmp.path()
                .join(format!("study/shard-{i}-of-3/runs.checkpoint"))
                .exists()
        );
    }
    // A report of the shards alone points to merge.
    let early = salesim(tmp.path(), &["report", "study"]);
    assert_eq!(early.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&early.stderr).contains("salesim merge study --out study"));
    let merged = salesim(
        tmp.path(),
        &["merge", "study", "--out", "study", "--no-report"],
    );
    assert!(
        merged.status.success(),
        "{}",
        String::from_utf8_lossy(&merged.stderr)
    );
    assert_same_study(&tmp.path().join("whole"), &tmp.path().join("study"));
    // Shard folders named one by one, into another folder, give the same.
    let named = salesim(
        tmp.path(),
        &[
            "merge",
            "study/shard-2-of-3",
            "study/shard-0-of-3",
            "study/shard-1-of-3",
            "--out",
            "elsewhere",
            "--no-report",
        ],
    );
    assert!(
        named.status.success(),
        "{}",
        String::from_utf8_lossy(&named.stderr)
    );
    assert_same_study(&tmp.path().join("whole"), &tmp.path().join("elsewhere"));
}

#[test]
fn merge_refuses_shards_that_do_not_belong_together_and_says_which() {
    let tmp = TempDir::new("badshards");
    for (out, shard, seed) in [
        ("a", "0/2", "1"),
        ("a", "1/2", "1"),
        ("b", "1/2", "2"),
        ("c", "0/3", "1"),
    ] {
        let run = salesim(
            tmp.path(),
            &args(&["--out", out, "--shard", shard, "--seed", seed]),
        );
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
    }
    let merge = |dirs: &[&str]| {
        let mut a = vec!["merge"];
        a.extend(dirs);
        a.extend(["--out", "m", "--no-report"]);
        let out = salesim(tmp.path(), &a);
        assert_eq!(out.status.code(), Some(2), "{dirs:?}");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let missing = merge(&["a/shard-0-of-2"]);
    assert!(missing.contains("missing shard 1/2"), "{missing}");
    let twice = merge(&["a", "a/shard-1-of-2"]);
    assert!(twice.contains("shard 1/2 appears twice"), "{twice}");
    let other_seed = merge(&["a/shard-0-of-2", "b/shard-1-of-2"]);
    assert!(other_seed.contains("seed"), "{other_seed}");
    let other_count = merge(&["a/shard-0-of-2", "c"]);
    assert!(other_count.contains("0/3"), "{other_count}");
    let nothing = merge(&["m-none"]);
    assert!(nothing.contains("m-none"), "{nothing}");
    // A whole study in a folder named like a shard is not a shard.
    let whole = salesim(tmp.path(), &args(&["--out", "w/shard-0-of-1"]));
    assert!(whole.status.success());
    let not_shard = merge(&["w"]);
    assert!(
        not_shard.contains("holds a whole study, not a shard"),
        "{not_shard}"
    );
    // A shard is an input: the merge may not write over it, even with --force.
    let onto = salesim(
        tmp.path(),
        &[
            "merge",
            "a",
            "--out",
            "a/shard-0-of-2",
            "--force",
            "--no-report",
        ],
    );
    assert_eq!(onto.status.code(), Some(2));
    let said = String::from_utf8_lossy(&onto.stderr);
    assert!(said.contains("one of the shards being merged"), "{said}");
    // An unfinished shard (its last replication cut off) is named, with how to finish it.
    let checkpoint = tmp.path().join("a/shard-1-of-2/runs.checkpoint");
    let bytes = std::fs::read(&checkpoint).unwrap();
    std::fs::write(&checkpoint, &bytes[..bytes.len() - 10]).unwrap();
    let incomplete = merge(&["a"]);
    assert!(
        incomplete.contains("shard 1/2")
            && incomplete.contains("incomplete")
            && incomplete.contains("--resume --shard 1/2"),
        "{incomplete}"
    );
    assert!(!tmp.path().join("m/summary.csv").exists());
}

#[test]
fn an_output_folder_holding_another_study_is_not_overwritten_without_force() {
    let tmp = TempDir::new("force");
    let first = salesim(tmp.path(), &args(&["--out", "out"]));
    assert!(first.status.success());
    // The same study again is fine.
    assert!(
        salesim(tmp.path(), &args(&["--out", "out"]))
            .status
            .success()
    );
    let other = salesim(
        tmp.path(),
        &[
            "-n",
            "8",
            "--days",
            "4",
            "--variant",
            "alibaba",
            "--variant",
            "strict",
            "--no-report",
            "--out",
            "out",
            "--seed",
            "5",
        ],
    );
    assert_eq!(other.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&other.stderr);
    assert!(
        stderr.contains("another study")
            && stderr.contains("seed")
            && stderr.contains("calendar.days")
            && stderr.contains("--force"),
        "{stderr}"
    );
    let resume = salesim(
        tmp.path(),
        &args(&["--out", "out", "--seed", "5", "--resume"]),
    );
    assert_eq!(resume.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&resume.stderr).contains("cannot resume"));
    // A checkpoint from another salesim version is refused with the versions named.
    let checkpoint = tmp.path().join("out/runs.checkpoint");
    let text = std::fs::read(&checkpoint).unwrap();
    let header_end = text
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(1)
        .unwrap()
        .0;
    let mut header: serde_json::Value = serde_json::from_slice(&text[21..header_end]).unwrap();
    header["study"]["salesim_version"] = "0.0.1".into();
    header["study"]["hash"] = "0000000000000000".into();
    let mut tampered = text[..21].to_vec();
    tampered.extend(serde_json::to_vec(&header).unwrap());
    tampered.extend(&text[header_end..]);
    std::fs::write(&checkpoint, tampered).unwrap();
    let old = salesim(tmp.path(), &args(&["--out", "out", "--resume"]));
    assert_eq!(old.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&old.stderr).contains("written by salesim 0.0.1"));
    // --force replaces it, and removes the old study's files first.
    let forced = salesim(
        tmp.path(),
        &args(&[
            "--out",
            "out",
            "--seed",
            "5",
            "--force",
            "--variant",
            "hoarding",
        ]),
    );
    assert!(
        forced.status.success(),
        "{}",
        String::from_utf8_lossy(&forced.stderr)
    );
    let summary = std::fs::read_to_string(tmp.path().join("out/summary.csv")).unwrap();
    assert!(summary.contains("hoarding") && summary.contains("alibaba"));
    // A folder of someone else's files is refused.
    std::fs::create_dir_all(tmp.path().join("mine")).unwrap();
    std::fs::write(tmp.path().join("mine/notes.txt"), "keep me").unwrap();
    let mine = salesim(tmp.path(), &args(&["--out", "mine"]));
    assert_eq!(mine.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&mine.stderr).contains("notes.txt"));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("mine/notes.txt")).unwrap(),
        "keep me"
    );
}

#[test]
fn a_refused_or_foreign_folder_keeps_every_file_and_a_busy_one_is_refused() {
    let tmp = TempDir::new("foreign");
    let write = |path: &str, text: &str| {
        let path = tmp.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    let exists = |path: &str| tmp.path().join(path).exists();
    // Someone's folder with dotfiles that look like salesim's temporary files: refused,
    // and nothing in it is deleted.
    for name in [
        "home/.config.tmp-backup",
        "home/.hist.spool-1",
        "home/thesis.docx",
    ] {
        write(name, "mine");
    }
    let home = salesim(tmp.path(), &args(&["--out", "home"]));
    assert_eq!(home.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&home.stderr).contains("holds no salesim study"));
    for name in [
        "home/.config.tmp-backup",
        "home/.hist.spool-1",
        "home/thesis.docx",
    ] {
        assert!(exists(name), "{name} was deleted");
    }
    // A manifest.json salesim did not write is the owner's file: the folder is not taken
    // for a study, and --force writes beside the files it lists instead of deleting them.
    write(
        "web/manifest.json",
        r#"{"files": ["index.html", "thesis.docx"]}"#,
    );
    write("web/index.html", "mine");
    write("web/thesis.docx", "mine");
    let web = salesim(tmp.path(), &args(&["--out", "web"]));
    assert_eq!(web.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&web.stderr).contains("holds no salesim study"));
    assert!(
        salesim(tmp.path(), &args(&["--out", "web", "--force"]))
            .status
            .success()
    );
    assert!(exists("web/index.html") && exists("web/thesis.docx"));
    // A folder holding only a version-control marker is empty enough.
    write("kept/.gitkeep", "");
    assert!(
        salesim(tmp.path(), &args(&["--out", "kept"]))
            .status
            .success()
    );
    // A file as --out is named for what it is.
    write("a-file", "mine");
    let file = salesim(tmp.path(), &args(&["--out", "a-file"]));
    assert_eq!(file.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&file.stderr).contains("is a file, not a folder"));

    // While a run writes into a folder, a second salesim there is refused (also with
    // --resume) and takes nothing from it; once the first is gone, the folder can be claimed again.
    let long = [
        "-n",
        "200",
        "--days",
        "40",
        "--variant",
        "alibaba",
        "-j",
        "1",
        "--no-report",
        "--out",
        "busy",
    ];
    let mut first = common::start(tmp.path(), &long);
    let spool = || {
        std::fs::read_dir(tmp.path().join("busy"))
            .into_iter()
            .flatten()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().contains(".spool-"))
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !spool() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(spool(), "the first run spools its per-rep rows");
    for extra in [&[][..], &["--resume"][..], &["--force"][..]] {
        let second: Vec<&str> = long.iter().copied().chain(extra.iter().copied()).collect();
        let refused = salesim(tmp.path(), &second);
        assert_eq!(refused.status.code(), Some(2), "{extra:?}");
        assert!(
            String::from_utf8_lossy(&refused.stderr).contains("in use by another salesim"),
            "{}",
            String::from_utf8_lossy(&refused.stderr)
        );
    }
    assert!(spool(), "the refused runs left the first run's spool alone");
    first.kill().unwrap();
    first.wait().unwrap();
    let resumed: Vec<&str> = [
        "-n",
        "2",
        "--days",
        "40",
        "--variant",
        "alibaba",
        "--no-report",
    ]
    .iter()
    .copied()
    .chain(["--out", "busy", "--force"])
    .collect();
    assert!(salesim(tmp.path(), &resumed).status.success());
    assert!(
        !spool(),
        "the killed run's spool is cleared once the folder is claimed"
    );
}

#[test]
fn a_run_that_fails_while_writing_says_so_in_its_manifest_and_resumes() {
    let tmp = TempDir::new("failed");
    // A folder where summary.csv cannot be written (a folder has its name).
    std::fs::create_dir_all(tmp.path().join("out/summary.csv")).unwrap();
    let failed = salesim(tmp.path(), &args(&["--out", "out", "--force"]));
    assert_eq!(failed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&failed.stderr).contains("summary.csv"));
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(tmp.path().join("out/manifest.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(manifest["status"], "failed");
    assert_eq!(
        manifest["replications_saved"], 16,
        "8 replications of 2 variants"
    );
    std::fs::remove_dir(tmp.path().join("out/summary.csv")).unwrap();
    let again = salesim(tmp.path(), &args(&["--out", "out"]));
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("it failed"));
    assert!(
        salesim(tmp.path(), &args(&["--out", "out", "--resume"]))
            .status
            .success()
    );
    assert!(
        salesim(tmp.path(), &args(&["--out", "whole"]))
            .status
            .success()
    );
    assert_same_study(&tmp.path().join("whole"), &tmp.path().join("out"));
}

#[test]
fn a_merge_that_failed_is_made_again_and_shards_need_a_folder() {
    let tmp = TempDir::new("merge-again");
    for shard in ["0/2", "1/2"] {
        let out = salesim(tmp.path(), &args(&["--out", "st", "--shard", shard]));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    std::fs::create_dir_all(tmp.path().join("st/summary.csv")).unwrap();
    let failed = salesim(
        tmp.path(),
        &["merge", "st", "--out", "st", "--no-report", "--force"],
    );
    assert_eq!(failed.status.code(), Some(1));
    std::fs::remove_dir(tmp.path().join("st/summary.csv")).unwrap();
    // No flag needed: the shards hold every replication.
    let again = salesim(tmp.path(), &["merge", "st", "--out", "st", "--no-report"]);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert!(
        salesim(tmp.path(), &args(&["--out", "whole"]))
            .status
            .success()
    );
    assert_same_study(&tmp.path().join("whole"), &tmp.path().join("st"));
    // A shard's folder lies inside --out: a file there is named as such.
    std::fs::write(tmp.path().join("a-file"), "mine").unwrap();
    let file = salesim(tmp.path(), &args(&["--out", "a-file", "--shard", "0/2"]));
    assert_eq!(file.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&file.stderr).contains("a-file is a file, not a folder"));
}
