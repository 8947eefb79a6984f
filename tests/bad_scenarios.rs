//! Every file in `tests/bad_scenarios/` must be refused by `salesim validate` with exit
//! code 2 and exactly the message in the `.expected` file beside it (no panic, ever).

use std::path::Path;
use std::process::Command;

#[test]
fn every_bad_scenario_gets_its_exact_message() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cases: Vec<_> = std::fs::read_dir(root.join("tests/bad_scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 25, "{} cases", cases.len());
    for case in cases {
        let relative = case.strip_prefix(root).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_salesim"))
            .current_dir(root)
            .arg("validate")
            .arg(relative)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{}: {stderr}",
            relative.display()
        );
        assert!(
            !stderr.contains("panicked"),
            "{}: {stderr}",
            relative.display()
        );
        let expected = std::fs::read_to_string(case.with_extension("expected")).unwrap();
        assert_eq!(stderr, expected, "{}", relative.display());
        assert!(
            out.stdout.is_empty(),
            "{}: nothing is printed for a bad file",
            relative.display()
        );
    }
}

#[test]
fn init_writes_a_starter_that_validates_and_refuses_to_overwrite() {
    let dir = std::env::temp_dir().join(format!("salesim-init-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("starter.toml");
    let _ = std::fs::remove_file(&file);
    let salesim = || Command::new(env!("CARGO_BIN_EXE_salesim"));
    let out = salesim().arg("init").arg(&file).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.lines().filter(|l| l.contains('#')).count() > 100,
        "the starter is commented"
    );
    let out = salesim().arg("validate").arg(&file).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let resolved = String::from_utf8_lossy(&out.stdout);
    assert!(
        resolved.contains("[policy]")
            && resolved.contains("# variant \"strict\" runs with this policy:")
    );
    let again = salesim().arg("init").arg(&file).output().unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    assert!(
        salesim()
            .arg("init")
            .arg(&file)
            .arg("--force")
            .output()
            .unwrap()
            .status
            .success()
    );
    // Not a regular file: refused even with --force, and left as it was.
    let folder = dir.join("a-folder");
    std::fs::create_dir_all(&folder).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&file, dir.join("a-link")).unwrap();
    for target in [folder.clone(), dir.join("a-link")] {
        if !target.exists() {
            continue;
        }
        let out = salesim()
            .arg("init")
            .arg(&target)
            .arg("--force")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", target.display());
        assert!(String::from_utf8_lossy(&out.stderr).contains("not a regular file"));
    }
    assert!(folder.is_dir());
    #[cfg(unix)]
    assert!(
        std::fs::symlink_metadata(dir.join("a-link"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn empty_and_huge_files_are_handled() {
    let dir = std::env::temp_dir().join(format!("salesim-sizes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let validate = |name: &str, bytes: &[u8]| {
        let file = dir.join(name);
        std::fs::write(&file, bytes).unwrap();
        Command::new(env!("CARGO_BIN_EXE_salesim"))
            .arg("validate")
            .arg(&file)
            .output()
            .unwrap()
    };
    // An empty file is the embedded default: every key is optional.
    let empty = validate("empty.toml", b"");
    assert!(
        empty.status.success(),
        "{}",
        String::from_utf8_lossy(&empty.stderr)
    );
    // Three megabytes of one unterminated string: refused with a message, no panic.
    let mut long = b"name = \"".to_vec();
    long.extend(std::iter::repeat_n(b'x', 3 << 20));
    let out = validate("long.toml", &long);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("line 1") && !stderr.contains("panicked"),
        "{}",
        &stderr[..stderr.len().min(300)]
    );
    // Eight megabytes: refused by its size before it is read.
    let mut huge = long;
    huge.extend(std::iter::repeat_n(b'x', 5 << 20));
    let out = validate("huge.toml", &huge);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("is too large for a scenario file; at most 4194304"),
        "{}",
        &stderr[..stderr.len().min(300)]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_scenario_named_without_a_folder_reads_its_list_from_the_current_one() {
    // `customers.toml` names `sample_companies.csv`; run from `scenarios/` the scenario's
    // folder is the empty path, which must mean the current folder.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(env!("CARGO_BIN_EXE_salesim"))
        .current_dir(root.join("scenarios"))
        .args(["validate", "customers.toml"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
