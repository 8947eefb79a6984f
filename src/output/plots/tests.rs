//! Tests of the pictures: files written, their formats and sizes, and a look at them.

use super::*;

/// A fresh, empty directory for one test.
fn test_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("salesim-plots-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Checks the two files written for `name`: paths, SVG text, PNG signature and size,
/// and that nothing else (no temporary file) is in `dir`. Returns the SVG text.
fn check_pair(
    dir: &Path,
    name: &str,
    paths: &[PathBuf],
    size: (u32, u32),
    texts: &[&str],
) -> String {
    assert_eq!(
        paths,
        [
            dir.join(format!("{name}.svg")),
            dir.join(format!("{name}.png"))
        ]
    );
    let svg = std::fs::read_to_string(&paths[0]).unwrap();
    assert!(svg.contains("<svg"), "{svg}");
    for text in texts {
        assert!(svg.contains(text), "{text:?} missing from the SVG");
    }
    let png = std::fs::read(&paths[1]).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(&png[12..16], b"IHDR");
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!((width, height), size);
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [format!("{name}.png"), format!("{name}.svg")]);
    svg
}

fn iv(mean: f64, half: f64) -> Interval {
    Interval::new(mean, mean - half, mean + half)
}

/// The distribution of `values`.
fn d(values: &[f64]) -> Distribution {
    values.iter().copied().collect()
}

#[test]
fn gini_matches_hand_computed_values() {
    let close = |a: Option<f64>, b: f64| (a.unwrap() - b).abs() < 1e-12;
    assert!(close(gini(&d(&[1.0, 2.0, 3.0])), 2.0 / 9.0));
    assert!(close(gini(&d(&[3.0, 1.0, 2.0])), 2.0 / 9.0));
    assert!(close(gini(&d(&[0.0, 0.0, 0.0, 4.0])), 0.75));
    assert!(close(gini(&d(&[5.0, 5.0, 5.0])), 0.0));
    assert!(close(
        gini(&d(&[1.0, f64::NAN, 2.0, f64::INFINITY, 3.0])),
        2.0 / 9.0
    ));
    assert_eq!(gini(&d(&[])), None);
    assert_eq!(gini(&d(&[0.0, 0.0])), None);
    assert_eq!(gini(&d(&[f64::NAN])), None);
    assert_eq!(gini(&d(&[1.0, -1.0, 2.0])), None);
}

#[test]
fn lorenz_curve_keeps_run_ends() {
    let values = d(&[0.0, 4.0, 0.0, 0.0]);
    let (n, total) = shares(&values).unwrap();
    assert_eq!(
        lorenz_curve(&values, n, total),
        [(0.0, 0.0), (75.0, 0.0), (100.0, 100.0)]
    );
}

#[test]
fn ranges_and_tick_labels() {
    assert_eq!(pad(5.0, 5.0), (4.5, 5.5));
    assert_eq!(pad(0.0, 0.0), (-1.0, 1.0));
    assert_eq!(pad(-2.0, -2.0), (-2.2, -1.8));
    let (lo, hi) = pad(0.0, 100.0);
    assert!(lo < 0.0 && hi > 100.0);
    assert_eq!(decimals(&[1.7, 1.75, 1.8]), 2);
    assert_eq!(decimals(&[0.0, 0.2, 0.4000000000000001]), 1);
    assert_eq!(decimals(&[0.0, 50.0, 100.0]), 0);
    assert_eq!(fmt_num(-0.0001, 2), "0.00");
    assert_eq!(fmt_num(1.75, 2), "1.75");
}

#[test]
fn metric_by_variant_writes_svg_and_png() {
    let dir = test_dir("metric");
    let rows = vec![
        ("hoarding".to_string(), iv(1.8, 0.05)),
        ("free-claim".to_string(), iv(1.85, 0.04)),
        (
            "performance-weighted".to_string(),
            Interval::point(f64::NAN),
        ),
    ];
    let paths = metric_by_variant(
        &dir,
        "conversion",
        "Conversion",
        "conversion rate (%)",
        &rows,
        Some(0),
    )
    .unwrap();
    check_pair(
        &dir,
        "conversion",
        &paths,
        (WIDTH, HEIGHT),
        &[
            "hoarding",
            "free-claim",
            "performance-weighted",
            "conversion rate (%)",
            "baseline: hoarding",
            "no data",
        ],
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn lorenz_legend_shows_the_gini() {
    let dir = test_dir("lorenz");
    let series = vec![
        ("even".to_string(), d(&[1.0, 2.0, 3.0])),
        ("skewed".to_string(), d(&[0.0, 0.0, 0.0, 4.0])),
        ("nothing".to_string(), d(&[f64::NAN, 0.0])),
    ];
    let paths = lorenz(&dir, "wins-lorenz", "Wins", &series).unwrap();
    check_pair(
        &dir,
        "wins-lorenz",
        &paths,
        (WIDTH, HEIGHT),
        &[
            "even (Gini 0.222)",
            "skewed (Gini 0.750)",
            "not shown",
            "nothing",
        ],
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn lines_with_bars_and_bands() {
    let dir = test_dir("lines");
    let ramp: Vec<(f64, Interval)> = (0..27)
        .map(|w| (f64::from(w), iv(f64::from(w) * 0.4, 0.5)))
        .collect();
    let sweep = vec![
        (0.1, iv(3.0, 0.2)),
        (0.2, Interval::point(3.5)),
        (0.3, iv(f64::NAN, 1.0)),
        (0.4, iv(4.0, 0.3)),
    ];
    let series = vec![("ramp".to_string(), ramp), ("sweep".to_string(), sweep)];
    let paths = lines(
        &dir,
        "ramp",
        "Ramp",
        "weeks since hire (weeks)",
        "wins per new hire (count)",
        &series,
    )
    .unwrap();
    check_pair(
        &dir,
        "ramp",
        &paths,
        (WIDTH, HEIGHT),
        &[
            "ramp",
            "sweep",
            "weeks since hire (weeks)",
            "wins per new hire (count)",
            "shaded: 95% interval",
            "bars: 95% interval",
        ],
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn tradeoff_with_reference_line() {
    let dir = test_dir("tradeoff");
    let points = vec![
        ("hoarding".to_string(), iv(1.8, 0.05), iv(0.5, 0.1)),
        ("strict".to_string(), iv(1.75, 0.05), iv(1.1, 0.1)),
    ];
    let paths = tradeoff(
        &dir,
        "tradeoff",
        "Trade-off",
        "conversion rate (%)",
        "new-hire win ratio (ratio)",
        &points,
        Some((1.0, "parity")),
    )
    .unwrap();
    check_pair(
        &dir,
        "tradeoff",
        &paths,
        (WIDTH, HEIGHT),
        &["hoarding", "strict", "parity (y = 1)"],
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn nan_only_input_still_writes_files() {
    let dir = test_dir("nan");
    let nan = Interval::new(f64::NAN, f64::NAN, f64::INFINITY);
    let size = (WIDTH, HEIGHT);
    let paths =
        metric_by_variant(&dir, "a", "A", "x (%)", &[("v".to_string(), nan)], Some(0)).unwrap();
    check_pair(&dir, "a", &paths, size, &["no data"]);
    std::fs::remove_dir_all(&dir).unwrap();

    let dir = test_dir("nan");
    let paths = metric_by_variant(&dir, "a", "A", "x (%)", &[], None).unwrap();
    check_pair(&dir, "a", &paths, size, &["no data"]);
    std::fs::remove_dir_all(&dir).unwrap();

    let dir = test_dir("nan");
    let paths = lorenz(&dir, "b", "B", &[("v".to_string(), d(&[f64::NAN]))]).unwrap();
    check_pair(&dir, "b", &paths, size, &["no data"]);
    std::fs::remove_dir_all(&dir).unwrap();

    let dir = test_dir("nan");
    let paths = lines(
        &dir,
        "c",
        "C",
        "x (s)",
        "y (m)",
        &[("v".to_string(), vec![(f64::NAN, nan), (1.0, nan)])],
    )
    .unwrap();
    check_pair(&dir, "c", &paths, size, &["no data"]);
    std::fs::remove_dir_all(&dir).unwrap();

    let dir = test_dir("nan");
    let paths = tradeoff(
        &dir,
        "d",
        "D",
        "x (s)",
        "y (m)",
        &[("v".to_string(), nan, nan)],
        Some((f64::NAN, "parity")),
    )
    .unwrap();
    check_pair(&dir, "d", &paths, size, &["no data"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn equal_values_still_get_an_axis() {
    let dir = test_dir("flat");
    let flat = vec![(0.0, iv(2.0, 0.0)), (1.0, iv(2.0, 0.0))];
    let paths = lines(
        &dir,
        "flat",
        "Flat",
        "x (s)",
        "y (m)",
        &[("flat".to_string(), flat)],
    )
    .unwrap();
    let svg = check_pair(&dir, "flat", &paths, (WIDTH, HEIGHT), &["flat"]);
    // Tick labels around 2: the range is 1.8..2.2.
    assert!(svg.contains("\n2.0") && svg.contains("\n1.8"), "{svg}");
    let paths = tradeoff(
        &dir,
        "flat",
        "Flat",
        "x (s)",
        "y (m)",
        &[("zero".to_string(), iv(0.0, 0.0), iv(0.0, 0.0))],
        None,
    )
    .unwrap();
    check_pair(&dir, "flat", &paths, (WIDTH, HEIGHT), &["zero"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn many_rows_make_a_taller_picture() {
    let dir = test_dir("tall");
    let rows: Vec<(String, Interval)> = (0..30)
        .map(|i| (format!("variant {i}"), iv(f64::from(i), 1.0)))
        .collect();
    let paths = metric_by_variant(&dir, "tall", "Tall", "x (%)", &rows, None).unwrap();
    let height = HEIGHT.max(TITLE_H + 44 + X_AREA + 40 + 36 * 30);
    check_pair(
        &dir,
        "tall",
        &paths,
        (WIDTH, height),
        &["variant 0", "variant 29"],
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn errors_name_the_file_and_leave_no_temporary() {
    let dir = test_dir("errors");
    // A directory that cannot be created because a file is in the way.
    let blocked = dir.join("blocked");
    std::fs::write(&blocked, b"x").unwrap();
    let err = lorenz(&blocked, "w", "W", &[]).unwrap_err().to_string();
    assert!(err.contains("blocked"), "{err}");
    // A name in a subdirectory that does not exist: the PNG cannot be written.
    let err = lorenz(&dir, "missing/w", "W", &[("a".to_string(), d(&[1.0]))]).unwrap_err();
    assert!(err.to_string().contains("w.png"), "{err}");
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["blocked"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Renders every picture with realistic made-up data into /tmp/plots-look, to be
/// looked at: `cargo test --release plots::tests::look -- --ignored`.
#[test]
#[ignore]
fn look() {
    use rand::{Rng, SeedableRng};
    let dir = Path::new("/tmp/plots-look");
    let names = [
        "hoarding",
        "free-claim",
        "alibaba",
        "strict",
        "new-hire-priority",
        "performance-weighted",
    ];
    let mut rng = rand_pcg::Pcg64::seed_from_u64(7);
    let conversion: Vec<(String, Interval)> = names
        .iter()
        .map(|n| {
            let mean = rng.random_range(0.017..0.019) * 100.0;
            (
                n.to_string(),
                iv(mean, rng.random_range(0.0002..0.0005) * 100.0),
            )
        })
        .collect();
    metric_by_variant(
        dir,
        "conversion",
        "Conversion rate by CRM rule",
        "conversion rate (%)",
        &conversion,
        Some(0),
    )
    .unwrap();

    let wins: Vec<(String, Distribution)> = names
        .iter()
        .enumerate()
        .map(|(k, n)| {
            let skew = 0.5 + k as f64 * 0.4;
            let values = (0..120 * 20)
                .map(|_| (15.0 * rng.random::<f64>().powf(skew)).floor())
                .collect();
            (n.to_string(), values)
        })
        .collect();
    lorenz(
        dir,
        "wins-lorenz",
        "Concentration of wins among reps",
        &wins,
    )
    .unwrap();

    let ramp: Vec<(String, Vec<(f64, Interval)>)> = names
        .iter()
        .enumerate()
        .map(|(k, n)| {
            let rate = 0.25 + 0.05 * k as f64;
            let points = (0..=26)
                .map(|w| {
                    let w = f64::from(w);
                    let mean = rate * w * w / (w + 6.0);
                    (w, iv(mean, 0.15 + 0.04 * w))
                })
                .collect();
            (n.to_string(), points)
        })
        .collect();
    lines(
        dir,
        "ramp",
        "New hires' ramp-up",
        "weeks since hire (weeks)",
        "cumulative wins per new hire (wins)",
        &ramp,
    )
    .unwrap();

    let sweep: Vec<(String, Vec<(f64, Interval)>)> = [5.0, 10.0, 20.0]
        .iter()
        .map(|cap| {
            let points = [2.0, 4.0, 7.0, 14.0]
                .iter()
                .map(|embargo| (*embargo, iv(1.7 + 0.01 * cap + 0.005 * embargo, 0.04)))
                .collect();
            (format!("claim cap {cap}"), points)
        })
        .collect();
    lines(
        dir,
        "sweep",
        "Conversion against the embargo",
        "embargo on returned leads (days)",
        "conversion rate (%)",
        &sweep,
    )
    .unwrap();

    let trade: Vec<(String, Interval, Interval)> = conversion
        .iter()
        .map(|(n, c)| {
            let ratio = rng.random_range(0.4..1.2);
            (n.clone(), *c, iv(ratio, rng.random_range(0.05..0.15)))
        })
        .collect();
    tradeoff(
        dir,
        "tradeoff",
        "Conversion against new hires' share",
        "conversion rate (%)",
        "new-hire win ratio (new hire / veteran)",
        &trade,
        Some((1.0, "parity")),
    )
    .unwrap();

    // Stress: many series (colours cycle), one without data, long names, many rows.
    let many: Vec<(String, Vec<(f64, Interval)>)> = (0..14)
        .map(|k| {
            let points = (0..=26)
                .map(|w| {
                    (
                        f64::from(w),
                        Interval::point(f64::from(w) * (0.2 + 0.03 * f64::from(k))),
                    )
                })
                .collect();
            (format!("series {k}"), points)
        })
        .chain(std::iter::once((
            "a variant whose name is far too long to fit anywhere sensible".to_string(),
            vec![(1.0, Interval::point(f64::NAN))],
        )))
        .collect();
    lines(
        dir,
        "many",
        "Fourteen series and one without data, with a title that goes on and on and on and on",
        "weeks since hire (weeks)",
        "wins (count)",
        &many,
    )
    .unwrap();
    let tall: Vec<(String, Interval)> = (0..20)
        .map(|k| {
            let name = if k == 3 {
                "a variant whose name is far too long to fit anywhere sensible".to_string()
            } else {
                format!("variant {k}")
            };
            (
                name,
                if k == 5 {
                    Interval::point(f64::NAN)
                } else {
                    iv(0.4 + 0.04 * f64::from(k), 0.05)
                },
            )
        })
        .collect();
    metric_by_variant(
        dir,
        "tall",
        "Twenty variants",
        "new-hire win ratio (ratio)",
        &tall,
        Some(2),
    )
    .unwrap();

    metric_by_variant(
        dir,
        "empty",
        "Nothing to show",
        "conversion rate (%)",
        &[("x".to_string(), Interval::point(f64::NAN))],
        None,
    )
    .unwrap();
}
