//! `report.html` in a real browser: headless Chromium opens it from disk and must render
//! it without a console message and without a single request beyond the file itself
//! (the page must work when mailed), and the verdict's numbers must be in the rendered
//! page. A screenshot is left in the target folder for a person to look at.
//!
//! Chromium is Debian's `chromium` package (`/usr/bin/chromium`), or the program named by
//! `SALESIM_CHROMIUM`. Without it the test says so and passes, unless
//! `SALESIM_REQUIRE_BROWSER` is set (as `.ci/run` does after installing it).

use salesim::metrics::METRICS;
use salesim::output::table::value_text;
use salesim::report::Study;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("SALESIM_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}

/// Runs Chromium headless on `page` with `extra` arguments; returns (stdout, stderr).
/// The flags keep it from reaching any network service of its own and log every request
/// it makes (`--v=1`) and every console message.
fn headless(browser: &Path, profile: &Path, page: &Path, extra: &[&str]) -> (String, String) {
    let url = format!("file://{}", page.display());
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            // The network is off: every host name fails to resolve.
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--enable-logging=stderr",
            "--v=1",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(&url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut out, &mut s).ok();
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut err, &mut s).ok();
        s
    });
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "chromium failed: {status}");
            break;
        }
        if started.elapsed() > Duration::from_secs(180) {
            let _ = child.kill();
            panic!("chromium did not finish within 180 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    (out_reader.join().unwrap(), err_reader.join().unwrap())
}

#[test]
fn the_report_renders_in_headless_chromium_offline_without_errors() {
    let Some(browser) = chromium() else {
        if std::env::var_os("SALESIM_REQUIRE_BROWSER").is_some() {
            panic!("SALESIM_REQUIRE_BROWSER is set but no chromium was found");
        }
        eprintln!(
            "SKIPPED: no chromium on PATH (install Debian's `chromium` package, or set SALESIM_CHROMIUM)"
        );
        return;
    };
    let work = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let out = work.join("study");
    let ran = Command::new(env!("CARGO_BIN_EXE_salesim"))
        .args([
            "--replications",
            "5",
            "--days",
            "5",
            "--variant",
            "alibaba",
            "--variant",
            "strict",
            "--variant",
            "new-hire-priority",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        ran.status.success(),
        "{}",
        String::from_utf8_lossy(&ran.stderr)
    );
    let page = out.join("report.html").canonicalize().unwrap();

    let (dom, log) = headless(&browser, &work.join("profile"), &page, &["--dump-dom"]);
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:#?}");
    // Requests the page made. Chromium's own calls home (time, accounts, search
    // suggestions, all on Google's hosts) are not the page's and are left out.
    let browser_own = ["google.com/", "googleapis.com/", "gstatic.com/"];
    let network: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("NotifyBeforeURLRequest"))
        .filter(|l| !browser_own.iter().any(|h| l.contains(h)))
        .collect();
    assert!(network.is_empty(), "network requests: {network:#?}");
    let files: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("FileURLLoader::Start"))
        .filter(|l| !l.ends_with(&format!("file://{}", page.display())))
        .collect();
    assert!(files.is_empty(), "other files loaded: {files:#?}");

    // The rendered page holds the verdict and its numbers, every variant and every picture.
    let study = Study::load(&out).unwrap();
    let v = &study.analysis.verdict;
    let best = v.best.unwrap();
    let name = &study.results.variants[best].name;
    let level = value_text(v.metric, study.results.summaries[best][v.metric].mean);
    let headline = format!(
        "<code>{name}</code> has the highest {}: {level}",
        METRICS[v.metric].name
    );
    assert!(
        dom.contains(&headline),
        "{headline} not in the rendered page"
    );
    assert!(dom.contains(&format!(
        "best in {} of {} bootstrap resamples",
        salesim::output::probability_text(v.p_best[best]),
        v.draws
    )));
    for variant in &study.results.variants {
        assert!(dom.contains(&format!("<th scope=\"row\">{}</th>", variant.name)));
    }
    assert_eq!(
        dom.matches("<svg class=\"chart\"").count(),
        study.pictures.len()
    );

    let shot = work.join("report.png");
    let (_, log) = headless(
        &browser,
        &work.join("profile"),
        &page,
        &[
            "--window-size=1280,2400",
            &format!("--screenshot={}", shot.display()),
        ],
    );
    assert!(!log.contains(":CONSOLE"), "console messages while drawing");
    let png = std::fs::read(&shot).expect("the screenshot is written");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 50_000,
        "{} bytes",
        png.len()
    );
    eprintln!("screenshot: {}", shot.display());
}
