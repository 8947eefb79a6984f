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
//!
//! This file holds the public functions and the writing of files; `style` the sizes,
//! colours and text, `axes` ranges and ticks, `legend` markers and legends, `charts` the
//! four pictures.

use plotters::coord::Shift;
use plotters::coord::ranged1d::Ranged;
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::{Path, PathBuf};

pub use crate::stats::Distribution;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

mod axes;
mod charts;
mod legend;
mod style;
#[cfg(test)]
mod tests;
mod tornado;

use axes::*;
use charts::*;
use legend::*;
use style::*;
use tornado::TornadoChart;

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

/// Lorenz curves: for each variant the distribution of per-rep values (e.g. the wins of
/// every rep, pooled over replications, kept as counts of distinct values); draws each variant's Lorenz curve (cumulative share of
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
    series: &[(String, Distribution)],
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

/// A tornado chart of a one-at-a-time screen: one row per assumption (top to bottom in
/// the order given; sort by swing before), and in each row one bar per series (variant)
/// from its value at the assumption's low end to its value at the high end, with a marker
/// at the high end, a black tick at the series' `base` value, and a dashed line at zero
/// (where a difference changes sign). Non-finite values are skipped. Returns the paths
/// written: the SVG, then the PNG.
pub fn tornado(
    dir: &Path,
    name: &str,
    title: &str,
    x_label: &str,
    series: &[String],
    rows: &[(String, Vec<(f64, f64)>)],
    base: &[f64],
) -> Result<Vec<PathBuf>, PlotError> {
    let chart = TornadoChart {
        title,
        x_label,
        series,
        rows,
        base,
    };
    write_picture(dir, name, &chart)
}

static DEJAVU_SANS: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

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
