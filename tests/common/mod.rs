//! Helpers shared by the end-to-end tests: a scratch folder and running the binary.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime};

/// A fresh, empty directory under the system temp dir, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// A new empty folder named after the test crate, the process and `name`.
    pub fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "salesim-{}-{}-{name}",
            env!("CARGO_CRATE_NAME"),
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the `salesim` binary in `cwd` with `args`.
pub fn salesim(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_salesim"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("salesim runs")
}

/// Starts the `salesim` binary in `cwd` with `args`, its output discarded.
pub fn start(cwd: &Path, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_salesim"))
        .args(args)
        .current_dir(cwd)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("salesim starts")
}

/// The manifest without the fields that describe this particular execution.
pub fn manifest_without_timing(dir: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join("manifest.json")).unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    for key in ["started", "finished", "elapsed_seconds", "threads"] {
        value.as_object_mut().unwrap().remove(key);
    }
    value
}

/// A small generator for kill moments (SplitMix64), seeded from the clock and printed, so
/// every run of the test tries new moments and a failure can be replayed.
pub struct Moments(pub u64);

impl Moments {
    /// Seeded from `SALESIM_KILL_SEED` when set (to replay a failure), else from the clock;
    /// the seed is printed.
    pub fn from_env_or_clock() -> Moments {
        let seed = std::env::var("SALESIM_KILL_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                SystemTime::now()
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
            });
        println!("kill moments from SALESIM_KILL_SEED={seed}");
        Moments(seed)
    }

    /// The next fraction in [0, 1).
    pub fn next_fraction(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Starts `salesim` in `cwd` with `args` (which write to `cwd/out`), presses Ctrl-C once
/// its checkpoint holds a replication, and checks the interrupted study: exit code 130, a
/// "Resume with:" message, a manifest marked interrupted with at least one replication
/// saved. Returns the manifest.
pub fn interrupt_after_first_replication(
    cwd: &Path,
    args: &[&str],
    out: &str,
) -> serde_json::Value {
    let child = Command::new(env!("CARGO_BIN_EXE_salesim"))
        .args(args)
        .current_dir(cwd)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("salesim starts");
    // The checkpoint first holds its header; it grows when a replication is saved.
    let checkpoint = cwd.join(out).join("runs.checkpoint");
    let len = || std::fs::metadata(&checkpoint).map_or(0, |m| m.len());
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut header = 0;
    while Instant::now() < deadline {
        let now = len();
        if header == 0 && now > 0 {
            header = now;
        } else if header > 0 && now > header {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("Resume with:") && stderr.contains("--resume"),
        "{stderr}"
    );
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(cwd.join(out).join("manifest.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(manifest["status"], "interrupted");
    assert!(manifest["replications_saved"].as_u64().unwrap() >= 1);
    manifest
}

/// Starts `salesim` in `cwd` `times` times in a row and kills each (SIGKILL, as `kill -9`)
/// at a random moment within `longest` seconds: with `fresh` arguments while `cwd/out`
/// does not exist yet, then with `resume` ones.
pub fn kill_at_random_moments(
    cwd: &Path,
    (fresh, resume): (&[&str], &[&str]),
    out: &str,
    times: usize,
    longest: f64,
    moments: &mut Moments,
) {
    for _ in 0..times {
        let args = if cwd.join(out).exists() {
            resume
        } else {
            fresh
        };
        let mut child = start(cwd, args);
        let delay = moments.next_fraction() * longest;
        std::thread::sleep(Duration::from_secs_f64(delay));
        child.kill().expect("SIGKILL");
        child.wait().unwrap();
    }
}

/// Every file `names` of folder `a` (sub-folders skipped) is in `b` with the same bytes,
/// the manifest but its timing; `b` holds no other files and no temporary (dot) files.
pub fn assert_same_files(a: &Path, b: &Path, names: &[String]) {
    let files = |dir: &Path, names: &[String]| -> Vec<String> {
        let mut files: Vec<String> = names
            .iter()
            .filter(|n| !dir.join(n).is_dir())
            .cloned()
            .collect();
        files.sort();
        files
    };
    let expected = files(a, names);
    assert_eq!(
        files(b, &visible_names(b)),
        expected,
        "the files of {} and {}",
        b.display(),
        a.display()
    );
    for name in &expected {
        if name == "manifest.json" {
            assert_eq!(manifest_without_timing(a), manifest_without_timing(b));
        } else {
            let left = std::fs::read(a.join(name)).unwrap();
            let right = std::fs::read(b.join(name))
                .unwrap_or_else(|e| panic!("{name} missing in {}: {e}", b.display()));
            assert!(
                left == right,
                "{name} differs between {} and {}",
                a.display(),
                b.display()
            );
        }
    }
    let leftovers: Vec<_> = std::fs::read_dir(b)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

/// The names of the files and folders in `dir`, but hidden ones, sorted.
pub fn visible_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    names
}

/// The kill-and-resume check of a study made by `study(extra arguments)`: runs it whole into
/// `cwd/whole` (with `whole_flags`), then for each of `attempts` into `cwd/killed-A` (with
/// `killed_flags`), killed A + 1 times in a row at random moments within the whole run's
/// duration and then resumed to the end, and checks each with `same(whole, killed)`.
pub fn kill_and_resume_match_whole(
    cwd: &Path,
    study: for<'a> fn(&[&'a str]) -> Vec<&'a str>,
    (whole_flags, killed_flags): (&[&str], &[&str]),
    attempts: usize,
    same: fn(&Path, &Path),
) {
    let began = Instant::now();
    let whole_args: Vec<&str> = ["--out", "whole"]
        .iter()
        .chain(whole_flags)
        .copied()
        .collect();
    let whole = salesim(cwd, &study(&whole_args));
    assert!(
        whole.status.success(),
        "{}",
        String::from_utf8_lossy(&whole.stderr)
    );
    let duration = began.elapsed().as_secs_f64();
    let mut moments = Moments::from_env_or_clock();
    let seed = moments.0;
    for attempt in 0..attempts {
        let out = format!("killed-{attempt}");
        let fresh: Vec<&str> = ["--out", out.as_str()]
            .iter()
            .chain(killed_flags)
            .copied()
            .collect();
        let resume: Vec<&str> = fresh.iter().copied().chain(["--resume"]).collect();
        let (fresh, resume) = (study(&fresh), study(&resume));
        kill_at_random_moments(
            cwd,
            (&fresh, &resume),
            &out,
            attempt + 1,
            duration,
            &mut moments,
        );
        let resumed = salesim(cwd, &resume);
        assert!(
            resumed.status.success(),
            "seed {seed}: {}",
            String::from_utf8_lossy(&resumed.stderr)
        );
        same(&cwd.join("whole"), &cwd.join(&out));
    }
}
