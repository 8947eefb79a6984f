//! The result pictures, drawn with `plotters`.
//!
//! Every picture is written twice, as `NAME.svg` and `NAME.png`, beside each other in a
//! given directory (created if needed). Each file is first drawn in full under a
//! temporary name in that directory and then renamed into place, so a reader never sees
//! a half-written picture. The functions take plain data (names, numbers, [`Interval`]s),
//! so they do not depend on the simulator's internals.
//!
//! Values that are NaN or infinite (or beyond ±1e300) are skipped. A series left with
//! nothing to draw is listed under "not shown" in the legend; a picture with nothing
//! finite at all is still written, with a "no data" note.
//!
//! Text is drawn with DejaVu Sans, embedded in the binary from `assets/fonts/` (its
//! licence is beside it), so drawing needs no system font library. The SVG files name the
//! generic `sans-serif` family and leave the choice of face to the viewer.
//!
//! Colours follow the order of the series given, so the same variant order gives the same
//! colour (and marker) to a variant in every picture.

use plotters::coord::Shift;
use plotters::coord::ranged1d::Ranged;
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// One value with its 95% interval.
///
/// `low` and `high` are NaN when there is no interval (see [`Interval::point`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// The estimate.
    pub mean: f64,
    /// Lower end of the 95% interval.
    pub low: f64,
    /// Upper end of the 95% interval.
    pub high: f64,
}

impl Interval {
    /// A value with its 95% interval.
    pub fn new(mean: f64, low: f64, high: f64) -> Self {
        Self { mean, low, high }
    }

    /// A value without an interval (both ends NaN).
    pub fn point(mean: f64) -> Self {
        Self::new(mean, f64::NAN, f64::NAN)
    }

    /// Both ends, in increasing order, when both are usable.
    fn ends(&self) -> Option<(f64, f64)> {
        (usable(self.low) && usable(self.high))
            .then(|| (self.low.min(self.high), self.low.max(self.high)))
    }
}

/// A picture that could not be drawn or written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {}: {reason}", .path.display())]
pub struct PlotError {
    /// The file (or, when it could not be created, the directory) concerned.
    pub path: PathBuf,
    /// What went wrong.
    pub reason: PlotFailure,
}

/// What went wrong with a picture.
#[derive(Debug, thiserror::Error)]
pub enum PlotFailure {
    /// The file system refused.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// Plotters could not draw or encode the picture.
    #[error("drawing failed: {0}")]
    Draw(String),
}

/// Each variant's mean of one metric with its 95% interval as a horizontal interval chart
/// (dot and error bar), variants on the y axis top to bottom in the given order, with a
/// dashed vertical reference line at the mean of the row `baseline` when given.
///
/// `x_label` names the metric with its unit, e.g. "conversion rate (%)"; the values are
/// drawn as given (scale them before). A row without a finite mean keeps its place and
/// says "no data". Returns the paths written: the SVG, then the PNG.
pub fn metric_by_variant(
    dir: &Path,
    name: &str,
    title: &str,
    x_label: &str,
    rows: &[(String, Interval)],
    baseline: Option<usize>,
) -> Result<Vec<PathBuf>, PlotError> {
    let chart = MetricChart {
        title,
        x_label,
        rows,
        baseline,
    };
    write_picture(dir, name, &chart)
}

/// Lorenz curves: for each variant a list of per-rep values (e.g. the wins of every rep,
/// pooled over replications); draws each variant's Lorenz curve (cumulative share of
/// reps, sorted ascending, against cumulative share of the total, both in percent) and
/// the equality diagonal. The legend gives each variant's name and Gini coefficient,
/// computed from the same values.
///
/// Non-finite values are skipped. A variant is left out (and listed as not shown) when
/// nothing is left, when a value is negative, or when the total is zero, since its curve
/// and Gini are then undefined. Returns the paths written: the SVG, then the PNG.
pub fn lorenz(
    dir: &Path,
    name: &str,
    title: &str,
    series: &[(String, Vec<f64>)],
) -> Result<Vec<PathBuf>, PlotError> {
    write_picture(dir, name, &LorenzChart { title, series })
}

/// Lines: one series per variant (or per value of a second swept parameter) through the
/// points' means, x values numeric and in the order given (sort them before).
///
/// Where a point's `low` and `high` are finite the interval is drawn too: error bars when
/// the series has at most 10 points, a shaded band otherwise. A point with a non-finite
/// mean breaks the line. `x_label` and `y_label` should carry their units. Returns the
/// paths written: the SVG, then the PNG.
pub fn lines(
    dir: &Path,
    name: &str,
    title: &str,
    x_label: &str,
    y_label: &str,
    series: &[(String, Vec<(f64, Interval)>)],
) -> Result<Vec<PathBuf>, PlotError> {
    let chart = LinesChart {
        title,
        x_label,
        y_label,
        series,
    };
    write_picture(dir, name, &chart)
}

/// Trade-off scatter: one point per variant at (x mean, y mean) with its intervals drawn
/// as a cross (horizontal bar from x low to x high, vertical from y low to y high). Each
/// variant has its own colour and marker, named in a legend beside the plot (so labels
/// never cover points), with an optional dashed horizontal reference line, e.g.
/// `Some((1.0, "parity"))`.
///
/// A variant without finite means is left out and listed as not shown. Returns the paths
/// written: the SVG, then the PNG.
pub fn tradeoff(
    dir: &Path,
    name: &str,
    title: &str,
    x_label: &str,
    y_label: &str,
    points: &[(String, Interval, Interval)],
    y_reference: Option<(f64, &str)>,
) -> Result<Vec<PathBuf>, PlotError> {
    let chart = TradeoffChart {
        title,
        x_label,
        y_label,
        points,
        y_reference,
    };
    write_picture(dir, name, &chart)
}

/// The Gini coefficient of the finite values, `sum_i (2i - n - 1) x_(i) / (n sum x)` with
/// 1-based `i` on the values sorted ascending; `None` when no finite value is left, one
/// is negative, or they sum to zero.
pub(crate) fn gini(values: &[f64]) -> Option<f64> {
    let (sorted, total) = sorted_shares(values)?;
    let n = sorted.len() as f64;
    let weighted: f64 = sorted
        .iter()
        .enumerate()
        .map(|(i, x)| (2.0 * (i as f64 + 1.0) - n - 1.0) * x)
        .sum();
    Some(weighted / (n * total))
}

/// The finite values sorted ascending with their total, when a Lorenz curve is defined.
fn sorted_shares(values: &[f64]) -> Option<(Vec<f64>, f64)> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| usable(*v)).collect();
    if sorted.is_empty() || sorted.iter().any(|v| *v < 0.0) {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let total: f64 = sorted.iter().sum();
    (total > 0.0 && total.is_finite()).then_some((sorted, total))
}

/// The Lorenz curve in percent, one point at the end of each run of equal values (the
/// curve is straight within a run).
fn lorenz_curve(sorted: &[f64], total: f64) -> Vec<(f64, f64)> {
    let n = sorted.len();
    let mut points = vec![(0.0, 0.0)];
    let mut cumulative = 0.0;
    for (i, x) in sorted.iter().enumerate() {
        cumulative += x;
        if i + 1 == n || sorted[i + 1] != *x {
            points.push((
                100.0 * (i + 1) as f64 / n as f64,
                100.0 * cumulative / total,
            ));
        }
    }
    points
}

// ---------------------------------------------------------------------------------------
// Look and layout.

/// Canvas width in pixels.
const WIDTH: u32 = 1000;
/// Least canvas height in pixels (more when many rows or legend entries need it).
const HEIGHT: u32 = 620;
// Font sizes in plotters' units: SVG text gets `size / 1.24` px, PNG glyphs an em of about
// `size / 1.16` px with DejaVu Sans; so labels are at least 16 px in both.
const TITLE_SIZE: f64 = 28.0;
const LABEL_SIZE: f64 = 20.0;
const DESC_SIZE: f64 = 22.0;
/// Height of the title strip.
const TITLE_H: u32 = 52;
/// Height of the strip for the tick labels and the description below the x axis.
const X_AREA: u32 = 66;
/// Height of one legend entry.
const LEGEND_LINE: i32 = 32;
/// Width of a legend entry's sample.
const SWATCH_W: i32 = 40;
const LEGEND_PAD: i32 = 14;
const MARGIN: u32 = 12;
/// Room right of the plot, so the last x tick label is not cut.
const MARGIN_RIGHT: u32 = 28;
/// Most tick labels on an axis.
const MAX_TICKS: usize = 8;
/// Largest magnitude drawn: beyond it, ranges could overflow.
const LIMIT: f64 = 1e300;

const FAMILY: FontFamily<'static> = FontFamily::SansSerif;
/// Colours for the series (category10, with two darker extras); cycled beyond twelve.
const PALETTE: [RGBColor; 12] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(23, 190, 207),
    RGBColor(188, 189, 34),
    RGBColor(57, 59, 121),
    RGBColor(127, 127, 127),
    RGBColor(20, 20, 20),
];
/// Reference lines (equality, baseline, parity).
const REFERENCE: RGBColor = RGBColor(90, 90, 90);
/// Notes and "no data" text.
const NOTE: RGBColor = RGBColor(105, 105, 105);

fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

fn usable(v: f64) -> bool {
    v.is_finite() && v.abs() <= LIMIT
}

static DEJAVU_SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Registers the embedded DejaVu Sans as plotters' `sans-serif` font, once per process;
/// false when plotters refused it.
///
/// Every drawing function here calls it. Other users of plotters in the same process
/// need it too (plotters, built with its `ab_glyph` feature, draws no text without a
/// registered font): criterion's HTML reports, for one, so the benchmarks call it.
pub fn register_embedded_font() -> bool {
    static READY: OnceLock<bool> = OnceLock::new();
    *READY.get_or_init(|| {
        plotters::style::register_font("sans-serif", FontStyle::Normal, DEJAVU_SANS).is_ok()
    })
}

/// The two backends the pictures are drawn on.
trait Canvas: DrawingBackend {
    /// How far down, as a share of the font size, text anchored at its vertical centre
    /// must move to look centred: plotters' glyph placement puts it a little high, while
    /// SVG viewers centre it themselves.
    const CENTRE_DY: f64;
}

impl Canvas for SVGBackend<'_> {
    const CENTRE_DY: f64 = 0.0;
}

impl Canvas for BitMapBackend<'_> {
    const CENTRE_DY: f64 = 0.15;
}

/// The downward shift that centres text of `size` vertically on `DB`.
fn centre_dy<DB: Canvas>(size: f64) -> i32 {
    (DB::CENTRE_DY * size).round() as i32
}

fn style(size: f64) -> TextStyle<'static> {
    TextStyle::from((FAMILY, size))
}

fn anchored(size: f64, h: HPos, v: VPos) -> TextStyle<'static> {
    style(size).pos(Pos::new(h, v))
}

type Drawn = Result<(), String>;

/// Draws `text` of `size` in `color`, anchored horizontally by `h` at `x` and centred
/// vertically on `y`.
fn centred_text<DB: Canvas>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    (x, y): (i32, i32),
    size: f64,
    h: HPos,
    color: RGBColor,
) -> Drawn {
    let style = anchored(size, h, VPos::Center).color(&color);
    area.draw(&Text::new(text, (x, y + centre_dy::<DB>(size)), style))
        .map_err(de)
}

fn de<E: std::error::Error + Send + Sync>(e: DrawingAreaErrorKind<E>) -> String {
    e.to_string()
}

/// Width and height of `text` in pixels.
fn text_size<DB: Canvas>(area: &DrawingArea<DB, Shift>, text: &str, size: f64) -> (u32, u32) {
    area.estimate_text_size(text, &style(size)).unwrap_or((
        (text.chars().count() as f64 * size * 0.6) as u32,
        size as u32,
    ))
}

/// `text`, shortened with an ellipsis to at most `max_w` pixels.
fn fit_text<DB: Canvas>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    size: f64,
    max_w: u32,
) -> String {
    if text_size(area, text, size).0 <= max_w {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    (0..chars.len())
        .rev()
        .map(|keep| format!("{}…", chars[..keep].iter().collect::<String>()))
        .find(|t| text_size(area, t, size).0 <= max_w)
        .unwrap_or_else(|| "…".to_string())
}

/// The smallest and largest usable values seen.
#[derive(Default, Clone, Copy)]
struct Extent(Option<(f64, f64)>);

impl Extent {
    fn add(&mut self, v: f64) {
        if usable(v) {
            self.0 = Some(match self.0 {
                None => (v, v),
                Some((lo, hi)) => (lo.min(v), hi.max(v)),
            });
        }
    }

    /// An axis range around the values, with some room; `None` when none was seen.
    fn axis(&self) -> Option<(f64, f64)> {
        self.0.map(|(lo, hi)| pad(lo, hi))
    }
}

/// An axis range showing `lo..hi` with a margin; equal (or nearly equal) ends get a range
/// of ±10% around them, or ±1 around zero.
fn pad(lo: f64, hi: f64) -> (f64, f64) {
    let span = hi - lo;
    let magnitude = lo.abs().max(hi.abs());
    if span <= (magnitude * 1e-9).max(1e-12) {
        let mid = lo / 2.0 + hi / 2.0;
        let half = if mid.abs() < 1e-12 {
            1.0
        } else {
            mid.abs() * 0.1
        };
        (mid - half, mid + half)
    } else {
        (lo - span * 0.06, hi + span * 0.06)
    }
}

/// The tick values plotters puts on an axis asked for at most `n` labels.
fn key_points((lo, hi): (f64, f64), n: usize) -> Vec<f64> {
    RangedCoordf64::from(lo..hi).key_points(n)
}

/// The fewest decimals that show every tick value exactly (up to rounding noise).
fn decimals(points: &[f64]) -> usize {
    let step = points
        .windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .fold(f64::INFINITY, f64::min);
    let tolerance = if step.is_finite() && step > 0.0 {
        step * 1e-3
    } else {
        points.first().map_or(0.0, |p| p.abs() * 1e-9).max(1e-12)
    };
    (0..=12)
        .find(|&d| {
            let f = 10f64.powi(d as i32);
            points
                .iter()
                .all(|p| ((p * f).round() / f - p).abs() <= tolerance)
        })
        .unwrap_or(12)
}

/// `v` with `d` decimals, never as "-0".
fn fmt_num(v: f64, d: usize) -> String {
    let f = 10f64.powi(d as i32);
    let mut r = (v * f).round() / f;
    if r == 0.0 {
        r = 0.0;
    }
    format!("{r:.d$}")
}

/// How many tick labels (at most) fit along an axis `avail` pixels long without touching,
/// and the decimals they need.
fn fit_ticks<DB: Canvas>(
    area: &DrawingArea<DB, Shift>,
    range: (f64, f64),
    avail: u32,
    horizontal: bool,
) -> (usize, usize) {
    let span = range.1 - range.0;
    for n in (3..=MAX_TICKS).rev() {
        let points = key_points(range, n);
        let d = decimals(&points);
        let step = points
            .windows(2)
            .map(|w| w[1] - w[0])
            .fold(f64::INFINITY, f64::min);
        let step_px = if step.is_finite() {
            step / span * f64::from(avail)
        } else {
            f64::from(avail)
        };
        let need = points
            .iter()
            .map(|p| {
                let (w, h) = text_size(area, &fmt_num(*p, d), LABEL_SIZE);
                if horizontal {
                    f64::from(w) + 18.0
                } else {
                    f64::from(h) * 2.0
                }
            })
            .fold(0.0, f64::max);
        if step_px >= need {
            return (n, d);
        }
    }
    (2, decimals(&key_points(range, 2)))
}

/// Fills the canvas white, draws the title and returns the area below it.
fn frame<DB: Canvas>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
) -> Result<DrawingArea<DB, Shift>, String> {
    root.fill(&WHITE).map_err(de)?;
    let (w, _) = root.dim_in_pixel();
    let (top, body) = root.split_vertically(TITLE_H);
    let text = fit_text(root, title, TITLE_SIZE, w - 40);
    let at = (w as i32 / 2, TITLE_H as i32 / 2 + 2);
    centred_text(&top, &text, at, TITLE_SIZE, HPos::Center, BLACK)?;
    Ok(body)
}

/// The picture for data with nothing finite in it: an empty frame saying so.
fn no_data<DB: Canvas>(area: &DrawingArea<DB, Shift>) -> Drawn {
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    area.draw(&Rectangle::new(
        [(40, 20), (w - 40, h - 40)],
        NOTE.mix(0.6).stroke_width(1),
    ))
    .map_err(de)?;
    let text = "no data: no finite values to plot";
    centred_text(
        area,
        text,
        (w / 2, h / 2 - 10),
        DESC_SIZE,
        HPos::Center,
        NOTE,
    )
}

/// A filled marker of one of five shapes (by `shape`), `r` pixels in radius, centred on
/// `at`, with a thin white rim so it stands out on lines of its own colour.
fn marker<DB: Canvas>(
    area: &DrawingArea<DB, Shift>,
    at: (i32, i32),
    shape: usize,
    r: i32,
    color: RGBColor,
) -> Drawn {
    let (x, y) = at;
    let kind = shape % 5;
    let outline = |r: i32| -> Vec<(i32, i32)> {
        match kind {
            1 => vec![
                (x - r, y - r),
                (x + r, y - r),
                (x + r, y + r),
                (x - r, y + r),
            ],
            2 => vec![
                (x, y - r - 2),
                (x + r + 1, y + r - 1),
                (x - r - 1, y + r - 1),
            ],
            3 => vec![
                (x, y - r - 2),
                (x + r + 2, y),
                (x, y + r + 2),
                (x - r - 2, y),
            ],
            _ => vec![
                (x - r - 1, y - r + 1),
                (x + r + 1, y - r + 1),
                (x, y + r + 2),
            ],
        }
    };
    if kind == 0 {
        area.draw(&Circle::new(at, r + 1, WHITE.filled()))
            .map_err(de)?;
        area.draw(&Circle::new(at, r, color.filled())).map_err(de)
    } else {
        area.draw(&Polygon::new(outline(r + 1), WHITE.filled()))
            .map_err(de)?;
        area.draw(&Polygon::new(outline(r), color.filled()))
            .map_err(de)
    }
}

/// An interval bar from `a` to `b` (pixels, horizontal or vertical) with end caps.
fn interval_bar<DB: Canvas>(
    area: &DrawingArea<DB, Shift>,
    a: (i32, i32),
    b: (i32, i32),
    color: RGBColor,
    cap: i32,
) -> Drawn {
    let line = color.stroke_width(2);
    area.draw(&PathElement::new(vec![a, b], line)).map_err(de)?;
    let horizontal = (b.0 - a.0).abs() >= (b.1 - a.1).abs();
    for (x, y) in [a, b] {
        let ends = if horizontal {
            vec![(x, y - cap), (x, y + cap)]
        } else {
            vec![(x - cap, y), (x + cap, y)]
        };
        area.draw(&PathElement::new(ends, line)).map_err(de)?;
    }
    Ok(())
}

/// The sample drawn before a legend entry's text.
enum Swatch {
    /// A line of the series' colour.
    Line(RGBColor),
    /// A dashed reference line.
    Dashed(RGBColor),
    /// A line with the series' marker on it.
    LineMarker(RGBColor, usize),
    /// A marker alone.
    Marker(RGBColor, usize),
    /// A marker on an interval cross.
    Cross(RGBColor, usize),
    /// An interval bar.
    Bar(RGBColor),
    /// A shaded band.
    Band(RGBColor),
}

/// One line of a legend.
struct Entry {
    swatch: Swatch,
    text: String,
}

impl Entry {
    fn new(swatch: Swatch, text: impl Into<String>) -> Self {
        Self {
            swatch,
            text: text.into(),
        }
    }
}

/// Draws `swatch` in the `SWATCH_W` pixels right of `(x, y)`, centred on `y`.
fn draw_swatch<DB: Canvas>(
    area: &DrawingArea<DB, Shift>,
    swatch: &Swatch,
    (x, y): (i32, i32),
) -> Drawn {
    let (x1, mid) = (x + SWATCH_W, x + SWATCH_W / 2);
    match *swatch {
        Swatch::Line(c) => area
            .draw(&PathElement::new(vec![(x, y), (x1, y)], c.stroke_width(3)))
            .map_err(de),
        Swatch::Dashed(c) => area
            .draw(&DashedPathElement::new(
                vec![(x, y), (x1, y)],
                7,
                5,
                c.stroke_width(2),
            ))
            .map_err(de),
        Swatch::LineMarker(c, shape) => {
            area.draw(&PathElement::new(vec![(x, y), (x1, y)], c.stroke_width(3)))
                .map_err(de)?;
            marker(area, (mid, y), shape, 5, c)
        }
        Swatch::Marker(c, shape) => marker(area, (mid, y), shape, 7, c),
        Swatch::Cross(c, shape) => {
            interval_bar(area, (x + 4, y), (x1 - 4, y), c, 4)?;
            interval_bar(area, (mid, y - 12), (mid, y + 12), c, 4)?;
            marker(area, (mid, y), shape, 6, c)
        }
        Swatch::Bar(c) => interval_bar(area, (x + 4, y), (x1 - 4, y), c, 7),
        Swatch::Band(c) => area
            .draw(&Rectangle::new(
                [(x, y - 9), (x1, y + 9)],
                c.mix(0.2).filled(),
            ))
            .map_err(de),
    }
}

/// Canvas height for a picture whose legend column has `entries` entries and lists
/// `omitted` series as not shown (under a header line).
fn height_for_legend(entries: usize, omitted: usize) -> u32 {
    let lines = entries + if omitted == 0 { 0 } else { omitted + 1 };
    HEIGHT.max(TITLE_H + 60 + LEGEND_LINE as u32 * lines as u32)
}

/// Width of the legend column beside the plot.
fn legend_width<DB: Canvas>(
    area: &DrawingArea<DB, Shift>,
    entries: &[Entry],
    omitted: &[&str],
) -> u32 {
    let swatch = (SWATCH_W + 12) as u32;
    let widest = entries
        .iter()
        .map(|e| text_size(area, &e.text, LABEL_SIZE).0 + swatch)
        .chain(
            omitted
                .iter()
                .map(|n| text_size(area, n, LABEL_SIZE).0 + 16),
        )
        .chain((!omitted.is_empty()).then(|| text_size(area, NOT_SHOWN, LABEL_SIZE).0))
        .max()
        .unwrap_or(0);
    (widest + 2 * LEGEND_PAD as u32).clamp(170, 380)
}

const NOT_SHOWN: &str = "not shown (no data):";

/// Draws a legend as a column at the top of `area`, followed by the names of the series
/// left out.
fn draw_legend_column<DB: Canvas>(
    area: &DrawingArea<DB, Shift>,
    entries: &[Entry],
    omitted: &[&str],
) -> Drawn {
    let (w, _) = area.dim_in_pixel();
    let text_x = LEGEND_PAD + SWATCH_W + 12;
    let max_w = (w as i32 - text_x - 6).max(20) as u32;
    let mut y = 26;
    for entry in entries {
        draw_swatch(area, &entry.swatch, (LEGEND_PAD, y))?;
        let text = fit_text(area, &entry.text, LABEL_SIZE, max_w);
        centred_text(area, &text, (text_x, y), LABEL_SIZE, HPos::Left, BLACK)?;
        y += LEGEND_LINE;
    }
    if !omitted.is_empty() {
        centred_text(
            area,
            NOT_SHOWN,
            (LEGEND_PAD, y),
            LABEL_SIZE,
            HPos::Left,
            NOTE,
        )?;
        let max_w = (w as i32 - 2 * LEGEND_PAD - 16).max(20) as u32;
        for name in omitted {
            y += LEGEND_LINE;
            let text = fit_text(area, name, LABEL_SIZE, max_w);
            let at = (LEGEND_PAD + 16, y);
            centred_text(area, &text, at, LABEL_SIZE, HPos::Left, NOTE)?;
        }
    }
    Ok(())
}

/// Draws a legend as one centred row across `area`.
fn draw_legend_row<DB: Canvas>(area: &DrawingArea<DB, Shift>, entries: &[Entry]) -> Drawn {
    let (w, h) = area.dim_in_pixel();
    const GAP: i32 = 36;
    let room = w as i32 - 2 * LEGEND_PAD - entries.len() as i32 * (SWATCH_W + 10 + GAP);
    let share = (room.max(60) as usize / entries.len().max(1)) as u32;
    let texts: Vec<String> = entries
        .iter()
        .map(|e| fit_text(area, &e.text, LABEL_SIZE, share.max(60)))
        .collect();
    let total: i32 = texts
        .iter()
        .map(|t| text_size(area, t, LABEL_SIZE).0 as i32 + SWATCH_W + 10)
        .sum::<i32>()
        + GAP * (entries.len() as i32 - 1).max(0);
    let mut x = ((w as i32 - total) / 2).max(LEGEND_PAD);
    let y = h as i32 / 2;
    for (entry, text) in entries.iter().zip(&texts) {
        draw_swatch(area, &entry.swatch, (x, y))?;
        x += SWATCH_W + 10;
        centred_text(area, text, (x, y), LABEL_SIZE, HPos::Left, BLACK)?;
        x += text_size(area, text, LABEL_SIZE).0 as i32 + GAP;
    }
    Ok(())
}

/// What the y axis shows.
enum YAxis<'s> {
    /// Numbers, with this description.
    Numeric(&'s str),
    /// Category names drawn by the caller in a label area this wide.
    Names(u32),
}

type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// A chart on `area` with its axes, grid, tick labels and axis descriptions drawn; tick
/// counts are chosen so that labels do not touch.
fn cartesian<'a, DB: Canvas>(
    area: &'a DrawingArea<DB, Shift>,
    x: (f64, f64),
    y: (f64, f64),
    x_label: &str,
    y_axis: YAxis,
) -> Result<Chart<'a, DB>, String> {
    let (w, h) = area.dim_in_pixel();
    let plot_h = h.saturating_sub(X_AREA + 2 * MARGIN);
    let (ny, dy) = fit_ticks(area, y, plot_h, false);
    let y_area = match y_axis {
        YAxis::Numeric(_) => {
            let widest = key_points(y, ny)
                .iter()
                .map(|v| text_size(area, &fmt_num(*v, dy), LABEL_SIZE).0)
                .max()
                .unwrap_or(0);
            widest + 20 + text_size(area, "Ag", DESC_SIZE).1 + 18
        }
        YAxis::Names(width) => width,
    };
    let plot_w = w.saturating_sub(y_area + MARGIN + MARGIN_RIGHT);
    let (nx, dx) = fit_ticks(area, x, plot_w, true);
    let mut chart = ChartBuilder::on(area)
        .margin_top(MARGIN)
        .margin_bottom(MARGIN)
        .margin_left(MARGIN)
        .margin_right(MARGIN_RIGHT)
        .x_label_area_size(X_AREA)
        .y_label_area_size(y_area)
        .build_cartesian_2d(x.0..x.1, y.0..y.1)
        .map_err(de)?;
    let x_fmt = move |v: &f64| fmt_num(*v, dx);
    let y_fmt = move |v: &f64| fmt_num(*v, dy);
    let mut mesh = chart.configure_mesh();
    mesh.x_desc(x_label)
        .x_labels(nx)
        .x_label_formatter(&x_fmt)
        .label_style(style(LABEL_SIZE))
        .axis_desc_style(style(DESC_SIZE))
        .bold_line_style(BLACK.mix(0.12))
        .light_line_style(TRANSPARENT)
        .axis_style(BLACK.mix(0.75));
    match y_axis {
        YAxis::Numeric(desc) => {
            mesh.y_desc(desc)
                .y_labels(ny)
                .y_label_formatter(&y_fmt)
                .y_label_offset(centre_dy::<DB>(LABEL_SIZE));
        }
        YAxis::Names(_) => {
            mesh.y_labels(0).disable_y_mesh();
        }
    }
    mesh.draw().map_err(de)?;
    Ok(chart)
}

// ---------------------------------------------------------------------------------------
// Writing.

/// A picture that can be drawn on any plotters backend.
trait Picture {
    /// Canvas height in pixels (the width is always `WIDTH`).
    fn height(&self) -> u32 {
        HEIGHT
    }

    /// Draws the whole picture on `root`.
    fn draw<DB: Canvas>(&self, root: &DrawingArea<DB, Shift>) -> Drawn;
}

/// Draws `picture` as `dir/NAME.svg` and `dir/NAME.png`, each atomically; returns both
/// paths, SVG first. Both are drawn in full (the SVG in memory, the PNG into a temporary
/// file) before either is put in place, so a failure to draw changes neither file.
fn write_picture(
    dir: &Path,
    name: &str,
    picture: &impl Picture,
) -> Result<Vec<PathBuf>, PlotError> {
    let svg_path = dir.join(format!("{name}.svg"));
    let png_path = dir.join(format!("{name}.png"));
    let failed = |path: &Path, reason: PlotFailure| PlotError {
        path: path.to_path_buf(),
        reason,
    };
    if !register_embedded_font() {
        let reason = PlotFailure::Draw("the embedded font could not be loaded".into());
        return Err(failed(&svg_path, reason));
    }
    std::fs::create_dir_all(dir).map_err(|e| failed(dir, e.into()))?;
    let size = (WIDTH, picture.height());

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        picture
            .draw(&root)
            .and_then(|()| root.present().map_err(de))
            .map_err(|m| failed(&svg_path, PlotFailure::Draw(m)))?;
    }

    static SEQUENCE: AtomicU64 = AtomicU64::new(0);
    let tmp = dir.join(format!(
        ".{name}.png.tmp-{}-{}.png",
        std::process::id(),
        SEQUENCE.fetch_add(1, Ordering::Relaxed)
    ));
    let written = draw_png(&tmp, size, picture)
        .map_err(|m| failed(&png_path, PlotFailure::Draw(m)))
        .and_then(|()| {
            std::fs::File::open(&tmp)
                .and_then(|f| f.sync_all())
                .map_err(|e| failed(&png_path, e.into()))
        })
        .and_then(|()| {
            super::write_atomic(&svg_path, svg.as_bytes())
                .map_err(|e| failed(&e.path, e.source.into()))
        })
        .and_then(|()| std::fs::rename(&tmp, &png_path).map_err(|e| failed(&png_path, e.into())));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written.map(|()| vec![svg_path, png_path])
}

/// Draws `picture` into the PNG file `path`. The backend is dropped before returning (it
/// may still write the file when dropped after a failure), so the caller can remove it.
fn draw_png(path: &Path, size: (u32, u32), picture: &impl Picture) -> Drawn {
    let root = BitMapBackend::new(path, size).into_drawing_area();
    picture.draw(&root)?;
    root.present().map_err(de)
}

// ---------------------------------------------------------------------------------------
// The pictures.

struct MetricChart<'a> {
    title: &'a str,
    x_label: &'a str,
    rows: &'a [(String, Interval)],
    baseline: Option<usize>,
}

impl Picture for MetricChart<'_> {
    fn height(&self) -> u32 {
        HEIGHT.max(TITLE_H + 44 + X_AREA + 40 + 36 * self.rows.len() as u32)
    }

    fn draw<DB: Canvas>(&self, root: &DrawingArea<DB, Shift>) -> Drawn {
        let body = frame(root, self.title)?;
        let mut xs = Extent::default();
        for (_, iv) in self.rows.iter().filter(|(_, iv)| usable(iv.mean)) {
            xs.add(iv.mean);
            if let Some((lo, hi)) = iv.ends() {
                xs.add(lo);
                xs.add(hi);
            }
        }
        let Some(x) = xs.axis() else {
            return no_data(&body);
        };
        let dot = color(0);
        let baseline = self
            .baseline
            .and_then(|b| self.rows.get(b))
            .filter(|(_, iv)| usable(iv.mean));
        let mut entries = vec![
            Entry::new(Swatch::Marker(dot, 0), "mean"),
            Entry::new(Swatch::Bar(dot), "95% interval"),
        ];
        if let Some((name, _)) = baseline {
            entries.push(Entry::new(
                Swatch::Dashed(REFERENCE),
                format!("baseline: {name}"),
            ));
        }
        let (legend, plot) = body.split_vertically(44);
        draw_legend_row(&legend, &entries)?;

        let n = self.rows.len();
        let name_max = WIDTH * 36 / 100;
        let names: Vec<String> = self
            .rows
            .iter()
            .map(|(name, _)| fit_text(root, name, LABEL_SIZE, name_max))
            .collect();
        let names_w = names
            .iter()
            .map(|t| text_size(root, t, LABEL_SIZE).0)
            .max()
            .unwrap_or(0);
        let y = (-0.5, n as f64 - 0.5);
        let chart = cartesian(&plot, x, y, self.x_label, YAxis::Names(names_w + 24))?;
        let area = chart.plotting_area();
        let row_y = |i: usize| (n - 1 - i) as f64;
        for i in (1..n).step_by(2) {
            let yv = row_y(i);
            area.draw(&Rectangle::new(
                [(x.0, yv - 0.5), (x.1, yv + 0.5)],
                BLACK.mix(0.035).filled(),
            ))
            .map_err(de)?;
        }
        if let Some((_, iv)) = baseline {
            area.draw(&DashedPathElement::new(
                vec![(iv.mean, y.0), (iv.mean, y.1)],
                8,
                6,
                REFERENCE.stroke_width(2),
            ))
            .map_err(de)?;
        }
        for (i, ((_, iv), name)) in self.rows.iter().zip(&names).enumerate() {
            let yv = row_y(i);
            let (left, py) = chart.backend_coord(&(x.0, yv));
            centred_text(root, name, (left - 12, py), LABEL_SIZE, HPos::Right, BLACK)?;
            if !usable(iv.mean) {
                centred_text(
                    root,
                    "no data",
                    (left + 10, py),
                    LABEL_SIZE,
                    HPos::Left,
                    NOTE,
                )?;
                continue;
            }
            if let Some((lo, hi)) = iv.ends() {
                let a = chart.backend_coord(&(lo, yv));
                let b = chart.backend_coord(&(hi, yv));
                interval_bar(root, a, b, dot, 8)?;
            }
            marker(root, chart.backend_coord(&(iv.mean, yv)), 0, 7, dot)?;
        }
        Ok(())
    }
}

struct LorenzChart<'a> {
    title: &'a str,
    series: &'a [(String, Vec<f64>)],
}

/// A series of a Lorenz chart: index, name, Gini, curve.
type Curve<'a> = (usize, &'a str, f64, Vec<(f64, f64)>);

impl LorenzChart<'_> {
    /// The series that can be drawn and the names of those that cannot.
    fn curves(&self) -> (Vec<Curve<'_>>, Vec<&str>) {
        let mut drawn = Vec::new();
        let mut omitted = Vec::new();
        for (i, (name, values)) in self.series.iter().enumerate() {
            match (sorted_shares(values), gini(values)) {
                (Some((sorted, total)), Some(g)) => {
                    drawn.push((i, name.as_str(), g, lorenz_curve(&sorted, total)));
                }
                _ => omitted.push(name.as_str()),
            }
        }
        (drawn, omitted)
    }
}

impl Picture for LorenzChart<'_> {
    fn height(&self) -> u32 {
        let (drawn, omitted) = self.curves();
        height_for_legend(drawn.len() + 1, omitted.len())
    }

    fn draw<DB: Canvas>(&self, root: &DrawingArea<DB, Shift>) -> Drawn {
        let body = frame(root, self.title)?;
        let (drawn, omitted) = self.curves();
        if drawn.is_empty() {
            return no_data(&body);
        }
        let mut entries = vec![Entry::new(Swatch::Dashed(REFERENCE), "equality (Gini 0)")];
        entries.extend(drawn.iter().map(|(i, name, g, _)| {
            Entry::new(Swatch::Line(color(*i)), format!("{name} (Gini {g:.3})"))
        }));
        let (w, _) = body.dim_in_pixel();
        let legend_w = legend_width(&body, &entries, &omitted);
        let (plot, legend) = body.split_horizontally(w - legend_w);
        draw_legend_column(&legend, &entries, &omitted)?;
        let range = (-2.0, 102.0);
        let chart = cartesian(
            &plot,
            range,
            range,
            "reps, lowest values first (cumulative %)",
            YAxis::Numeric("share of the total (cumulative %)"),
        )?;
        let area = chart.plotting_area();
        area.draw(&DashedPathElement::new(
            vec![(0.0, 0.0), (100.0, 100.0)],
            8,
            6,
            REFERENCE.stroke_width(2),
        ))
        .map_err(de)?;
        for (i, _, _, curve) in &drawn {
            area.draw(&PathElement::new(curve.clone(), color(*i).stroke_width(3)))
                .map_err(de)?;
        }
        Ok(())
    }
}

struct LinesChart<'a> {
    title: &'a str,
    x_label: &'a str,
    y_label: &'a str,
    series: &'a [(String, Vec<(f64, Interval)>)],
}

/// Most points a series may have and still get error bars (rather than a band).
const BARS_UP_TO: usize = 10;
/// Most markers on one line.
const MARKERS_AT_MOST: usize = 12;

/// A series of a lines chart: index, name, the points to draw.
type Line<'a> = (usize, &'a String, Vec<(f64, Interval)>);

impl LinesChart<'_> {
    /// Points with a usable x and something usable to draw.
    fn points(points: &[(f64, Interval)]) -> impl Iterator<Item = &(f64, Interval)> {
        points
            .iter()
            .filter(|(x, iv)| usable(*x) && (usable(iv.mean) || iv.ends().is_some()))
    }

    fn omitted(&self) -> Vec<&str> {
        self.series
            .iter()
            .filter(|(_, points)| Self::points(points).next().is_none())
            .map(|(name, _)| name.as_str())
            .collect()
    }
}

impl Picture for LinesChart<'_> {
    fn height(&self) -> u32 {
        let omitted = self.omitted().len();
        // The series, and up to two notes on intervals.
        height_for_legend(self.series.len() - omitted + 2, omitted)
    }

    fn draw<DB: Canvas>(&self, root: &DrawingArea<DB, Shift>) -> Drawn {
        let body = frame(root, self.title)?;
        let (mut xs, mut ys) = (Extent::default(), Extent::default());
        for (_, points) in self.series {
            for (x, iv) in Self::points(points) {
                xs.add(*x);
                ys.add(iv.mean);
                if let Some((lo, hi)) = iv.ends() {
                    ys.add(lo);
                    ys.add(hi);
                }
            }
        }
        let (Some(x), Some(y)) = (xs.axis(), ys.axis()) else {
            return no_data(&body);
        };
        let omitted = self.omitted();
        let drawn: Vec<Line<'_>> = self
            .series
            .iter()
            .enumerate()
            .map(|(i, (name, points))| (i, name, Self::points(points).copied().collect::<Vec<_>>()))
            .filter(|(_, _, points)| !points.is_empty())
            .collect();
        let mut entries: Vec<Entry> = drawn
            .iter()
            .map(|(i, name, _)| Entry::new(Swatch::LineMarker(color(*i), *i), name.as_str()))
            .collect();
        let with_interval = |bars: bool| {
            drawn.iter().any(|(_, _, points)| {
                (points.len() <= BARS_UP_TO) == bars
                    && points.iter().any(|(_, iv)| iv.ends().is_some())
            })
        };
        if with_interval(false) {
            entries.push(Entry::new(Swatch::Band(NOTE), "shaded: 95% interval"));
        }
        if with_interval(true) {
            entries.push(Entry::new(Swatch::Bar(NOTE), "bars: 95% interval"));
        }
        let (w, _) = body.dim_in_pixel();
        let legend_w = legend_width(&body, &entries, &omitted);
        let (plot, legend) = body.split_horizontally(w - legend_w);
        draw_legend_column(&legend, &entries, &omitted)?;
        let chart = cartesian(&plot, x, y, self.x_label, YAxis::Numeric(self.y_label))?;
        let area = chart.plotting_area();

        // Series with error bars are spread sideways by a few pixels, so that bars at the
        // same x do not hide each other.
        let barred: Vec<usize> = drawn
            .iter()
            .filter(|(_, _, points)| points.len() <= BARS_UP_TO)
            .map(|(i, _, _)| *i)
            .collect();
        let spread = if barred.len() > 1 {
            (8.0f64).min(40.0 / (barred.len() - 1) as f64)
        } else {
            0.0
        };
        let offset = |i: usize| {
            barred.iter().position(|b| *b == i).map_or(0, |k| {
                ((k as f64 - (barred.len() - 1) as f64 / 2.0) * spread).round() as i32
            })
        };
        let at = |i: usize, x: f64, y: f64| {
            let (px, py) = chart.backend_coord(&(x, y));
            (px + offset(i), py)
        };

        // Bands first, under everything; then bars, lines and markers.
        for (i, _, points) in &drawn {
            if points.len() <= BARS_UP_TO {
                continue;
            }
            for run in runs(points, |(_, iv)| iv.ends().is_some()).filter(|r| r.len() > 1) {
                let mut outline: Vec<(f64, f64)> = run
                    .iter()
                    .filter_map(|(x, iv)| iv.ends().map(|(_, hi)| (*x, hi)))
                    .collect();
                outline.extend(
                    run.iter()
                        .rev()
                        .filter_map(|(x, iv)| iv.ends().map(|(lo, _)| (*x, lo))),
                );
                area.draw(&Polygon::new(outline, color(*i).mix(0.16).filled()))
                    .map_err(de)?;
            }
        }
        for (i, _, points) in &drawn {
            for run in runs(points, |(_, iv)| iv.ends().is_some()) {
                if points.len() > BARS_UP_TO && run.len() > 1 {
                    continue;
                }
                for (x, iv) in run {
                    if let Some((lo, hi)) = iv.ends() {
                        interval_bar(root, at(*i, *x, lo), at(*i, *x, hi), color(*i), 6)?;
                    }
                }
            }
        }
        for (i, _, points) in &drawn {
            for run in runs(points, |(_, iv)| usable(iv.mean)) {
                let line: Vec<(i32, i32)> = run.iter().map(|(x, iv)| at(*i, *x, iv.mean)).collect();
                root.draw(&PathElement::new(line, color(*i).stroke_width(3)))
                    .map_err(de)?;
            }
        }
        for (i, _, points) in &drawn {
            // Markers on at most about a dozen points, evenly spread.
            let stride = points.len().div_ceil(MARKERS_AT_MOST).max(1);
            for (x, iv) in points
                .iter()
                .step_by(stride)
                .filter(|(_, iv)| usable(iv.mean))
            {
                marker(root, at(*i, *x, iv.mean), *i, 5, color(*i))?;
            }
        }
        Ok(())
    }
}

/// The maximal runs of consecutive items that satisfy `keep`.
fn runs<'a, T>(
    items: &'a [T],
    keep: impl Fn(&T) -> bool + 'a,
) -> impl Iterator<Item = &'a [T]> + 'a {
    items
        .split(move |item| !keep(item))
        .filter(|run| !run.is_empty())
}

struct TradeoffChart<'a> {
    title: &'a str,
    x_label: &'a str,
    y_label: &'a str,
    points: &'a [(String, Interval, Interval)],
    y_reference: Option<(f64, &'a str)>,
}

impl TradeoffChart<'_> {
    fn reference(&self) -> Option<(f64, &str)> {
        self.y_reference.filter(|(v, _)| usable(*v))
    }

    fn omitted(&self) -> Vec<&str> {
        self.points
            .iter()
            .filter(|(_, x, y)| !(usable(x.mean) && usable(y.mean)))
            .map(|(name, _, _)| name.as_str())
            .collect()
    }
}

impl Picture for TradeoffChart<'_> {
    fn height(&self) -> u32 {
        let omitted = self.omitted().len();
        // The points, the note on intervals and the reference line.
        let entries = self.points.len() - omitted + 1 + usize::from(self.reference().is_some());
        height_for_legend(entries, omitted)
    }

    fn draw<DB: Canvas>(&self, root: &DrawingArea<DB, Shift>) -> Drawn {
        let body = frame(root, self.title)?;
        let drawn: Vec<(usize, &(String, Interval, Interval))> = self
            .points
            .iter()
            .enumerate()
            .filter(|(_, (_, x, y))| usable(x.mean) && usable(y.mean))
            .collect();
        let (mut xs, mut ys) = (Extent::default(), Extent::default());
        for (_, (_, x, y)) in &drawn {
            for (extent, iv) in [(&mut xs, x), (&mut ys, y)] {
                extent.add(iv.mean);
                if let Some((lo, hi)) = iv.ends() {
                    extent.add(lo);
                    extent.add(hi);
                }
            }
        }
        let (Some(x_range), Some(_)) = (xs.axis(), ys.axis()) else {
            return no_data(&body);
        };
        if let Some((v, _)) = self.reference() {
            ys.add(v);
        }
        let y_range = ys.axis().unwrap_or((0.0, 1.0));
        let omitted = self.omitted();
        let mut entries: Vec<Entry> = drawn
            .iter()
            .map(|(i, (name, _, _))| Entry::new(Swatch::Cross(color(*i), *i), name.as_str()))
            .collect();
        if let Some((v, label)) = self.reference() {
            entries.push(Entry::new(
                Swatch::Dashed(REFERENCE),
                format!("{label} (y = {v})"),
            ));
        }
        entries.push(Entry::new(Swatch::Bar(NOTE), "bars: 95% intervals"));
        let (w, _) = body.dim_in_pixel();
        let legend_w = legend_width(&body, &entries, &omitted);
        let (plot, legend) = body.split_horizontally(w - legend_w);
        draw_legend_column(&legend, &entries, &omitted)?;
        let chart = cartesian(
            &plot,
            x_range,
            y_range,
            self.x_label,
            YAxis::Numeric(self.y_label),
        )?;
        if let Some((v, _)) = self.reference() {
            chart
                .plotting_area()
                .draw(&DashedPathElement::new(
                    vec![(x_range.0, v), (x_range.1, v)],
                    8,
                    6,
                    REFERENCE.stroke_width(2),
                ))
                .map_err(de)?;
        }
        for (i, (_, x, y)) in &drawn {
            if let Some((lo, hi)) = x.ends() {
                let a = chart.backend_coord(&(lo, y.mean));
                let b = chart.backend_coord(&(hi, y.mean));
                interval_bar(root, a, b, color(*i), 6)?;
            }
            if let Some((lo, hi)) = y.ends() {
                let a = chart.backend_coord(&(x.mean, lo));
                let b = chart.backend_coord(&(x.mean, hi));
                interval_bar(root, a, b, color(*i), 6)?;
            }
        }
        for (i, (_, x, y)) in &drawn {
            marker(
                root,
                chart.backend_coord(&(x.mean, y.mean)),
                *i,
                7,
                color(*i),
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn gini_matches_hand_computed_values() {
        let close = |a: Option<f64>, b: f64| (a.unwrap() - b).abs() < 1e-12;
        assert!(close(gini(&[1.0, 2.0, 3.0]), 2.0 / 9.0));
        assert!(close(gini(&[3.0, 1.0, 2.0]), 2.0 / 9.0));
        assert!(close(gini(&[0.0, 0.0, 0.0, 4.0]), 0.75));
        assert!(close(gini(&[5.0, 5.0, 5.0]), 0.0));
        assert!(close(
            gini(&[1.0, f64::NAN, 2.0, f64::INFINITY, 3.0]),
            2.0 / 9.0
        ));
        assert_eq!(gini(&[]), None);
        assert_eq!(gini(&[0.0, 0.0]), None);
        assert_eq!(gini(&[f64::NAN]), None);
        assert_eq!(gini(&[1.0, -1.0, 2.0]), None);
    }

    #[test]
    fn lorenz_curve_keeps_run_ends() {
        let (sorted, total) = sorted_shares(&[0.0, 4.0, 0.0, 0.0]).unwrap();
        assert_eq!(
            lorenz_curve(&sorted, total),
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
            ("even".to_string(), vec![1.0, 2.0, 3.0]),
            ("skewed".to_string(), vec![0.0, 0.0, 0.0, 4.0]),
            ("nothing".to_string(), vec![f64::NAN, 0.0]),
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
        let paths = lorenz(&dir, "b", "B", &[("v".to_string(), vec![f64::NAN])]).unwrap();
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
        let err = lorenz(&dir, "missing/w", "W", &[("a".to_string(), vec![1.0])]).unwrap_err();
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

        let wins: Vec<(String, Vec<f64>)> = names
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
}
