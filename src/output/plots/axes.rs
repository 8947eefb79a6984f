//! Axes of the pictures: value ranges, ticks, frames and the cartesian chart.

use super::*;

/// The smallest and largest usable values seen.
#[derive(Default, Clone, Copy)]
pub(super) struct Extent(Option<(f64, f64)>);

impl Extent {
    pub(super) fn add(&mut self, v: f64) {
        if usable(v) {
            self.0 = Some(match self.0 {
                None => (v, v),
                Some((lo, hi)) => (lo.min(v), hi.max(v)),
            });
        }
    }

    /// An axis range around the values, with some room; `None` when none was seen.
    pub(super) fn axis(&self) -> Option<(f64, f64)> {
        self.0.map(|(lo, hi)| pad(lo, hi))
    }
}

/// An axis range showing `lo..hi` with a margin; equal (or nearly equal) ends get a range
/// of ±10% around them, or ±1 around zero.
pub(super) fn pad(lo: f64, hi: f64) -> (f64, f64) {
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
pub(super) fn key_points((lo, hi): (f64, f64), n: usize) -> Vec<f64> {
    RangedCoordf64::from(lo..hi).key_points(n)
}

/// The fewest decimals that show every tick value exactly (up to rounding noise).
pub(super) fn decimals(points: &[f64]) -> usize {
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
pub(super) fn fmt_num(v: f64, d: usize) -> String {
    let f = 10f64.powi(d as i32);
    let mut r = (v * f).round() / f;
    if r == 0.0 {
        r = 0.0;
    }
    format!("{r:.d$}")
}

/// How many tick labels (at most) fit along an axis `avail` pixels long without touching,
/// and the decimals they need.
pub(super) fn fit_ticks<DB: Canvas>(
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
pub(super) fn frame<DB: Canvas>(
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
pub(super) fn no_data<DB: Canvas>(area: &DrawingArea<DB, Shift>) -> Drawn {
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

/// What the y axis shows.
pub(super) enum YAxis<'s> {
    /// Numbers, with this description.
    Numeric(&'s str),
    /// Category names drawn by the caller in a label area this wide.
    Names(u32),
}

pub(super) type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// A chart on `area` with its axes, grid, tick labels and axis descriptions drawn; tick
/// counts are chosen so that labels do not touch.
pub(super) fn cartesian<'a, DB: Canvas>(
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
