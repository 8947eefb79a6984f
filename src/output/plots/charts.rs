//! The four pictures: metric by variant, Lorenz curves, lines and the trade-off.

use super::*;

/// The Gini coefficient of the finite values, `sum_i (2i - n - 1) x_(i) / (n sum x)` with
/// 1-based `i` on the values sorted ascending; `None` when no finite value is left, one
/// is negative, or they sum to zero.
pub(super) fn gini(values: &Distribution) -> Option<f64> {
    let (n, total) = shares(values)?;
    let n = n as f64;
    let weighted: f64 = usable_sorted(values)
        .enumerate()
        .map(|(i, x)| (2.0 * (i as f64 + 1.0) - n - 1.0) * x)
        .sum();
    Some(weighted / (n * total))
}

/// The finite values of `values`, ascending.
pub(super) fn usable_sorted(values: &Distribution) -> impl Iterator<Item = f64> + Clone + '_ {
    values.iter().filter(|v| usable(*v))
}

/// How many finite values there are and their total (summed ascending), when a Lorenz
/// curve is defined.
pub(super) fn shares(values: &Distribution) -> Option<(usize, f64)> {
    let n = usable_sorted(values).count();
    if n == 0 || usable_sorted(values).any(|v| v < 0.0) {
        return None;
    }
    let total: f64 = usable_sorted(values).sum();
    (total > 0.0 && total.is_finite()).then_some((n, total))
}

/// The Lorenz curve in percent of the finite values of `values` (`n` of them, summing to
/// `total`), one point at the end of each run of equal values (the curve is straight
/// within a run).
pub(super) fn lorenz_curve(values: &Distribution, n: usize, total: f64) -> Vec<(f64, f64)> {
    let mut points = vec![(0.0, 0.0)];
    let mut cumulative = 0.0;
    let mut sorted = usable_sorted(values).enumerate().peekable();
    while let Some((i, x)) = sorted.next() {
        cumulative += x;
        if sorted.peek().is_none_or(|&(_, next)| next != x) {
            points.push((
                100.0 * (i + 1) as f64 / n as f64,
                100.0 * cumulative / total,
            ));
        }
    }
    points
}

// ---------------------------------------------------------------------------------------
// The pictures.

/// A chart with one named row per entry of `names` (top to bottom) on the y axis and `x`
/// across, every other row shaded; returns it with the row labels fitted to the label
/// column (at most 36% of the width). Row i sits at y = n-1-i.
pub(super) fn row_chart<'a, 'n, DB: Canvas>(
    root: &DrawingArea<DB, Shift>,
    plot: &'a DrawingArea<DB, Shift>,
    x: (f64, f64),
    names: impl Iterator<Item = &'n str>,
    x_label: &str,
) -> Result<(Chart<'a, DB>, Vec<String>), String> {
    let name_max = WIDTH * 36 / 100;
    let names: Vec<String> = names
        .map(|name| fit_text(root, name, LABEL_SIZE, name_max))
        .collect();
    let width = names
        .iter()
        .map(|t| text_size(root, t, LABEL_SIZE).0)
        .max()
        .unwrap_or(0);
    let n = names.len();
    let chart = cartesian(
        plot,
        x,
        (-0.5, n as f64 - 0.5),
        x_label,
        YAxis::Names(width + 24),
    )?;
    for i in (1..n).step_by(2) {
        let yv = (n - 1 - i) as f64;
        chart
            .plotting_area()
            .draw(&Rectangle::new(
                [(x.0, yv - 0.5), (x.1, yv + 0.5)],
                BLACK.mix(0.035).filled(),
            ))
            .map_err(de)?;
    }
    Ok((chart, names))
}

pub(super) struct MetricChart<'a> {
    pub(super) title: &'a str,
    pub(super) x_label: &'a str,
    pub(super) rows: &'a [(String, Interval)],
    pub(super) baseline: Option<usize>,
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
        let y = (-0.5, n as f64 - 0.5);
        let (chart, names) = row_chart(
            root,
            &plot,
            x,
            self.rows.iter().map(|(name, _)| name.as_str()),
            self.x_label,
        )?;
        let area = chart.plotting_area();
        let row_y = |i: usize| (n - 1 - i) as f64;
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

pub(super) struct LorenzChart<'a> {
    pub(super) title: &'a str,
    pub(super) series: &'a [(String, Distribution)],
}

/// A series of a Lorenz chart: index, name, Gini, curve.
pub(super) type Curve<'a> = (usize, &'a str, f64, Vec<(f64, f64)>);

impl LorenzChart<'_> {
    /// The series that can be drawn and the names of those that cannot.
    pub(super) fn curves(&self) -> (Vec<Curve<'_>>, Vec<&str>) {
        let mut drawn = Vec::new();
        let mut omitted = Vec::new();
        for (i, (name, values)) in self.series.iter().enumerate() {
            match (shares(values), gini(values)) {
                (Some((n, total)), Some(g)) => {
                    drawn.push((i, name.as_str(), g, lorenz_curve(values, n, total)));
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

pub(super) struct LinesChart<'a> {
    pub(super) title: &'a str,
    pub(super) x_label: &'a str,
    pub(super) y_label: &'a str,
    pub(super) series: &'a [(String, Vec<(f64, Interval)>)],
}

/// Most points a series may have and still get error bars (rather than a band).
pub(super) const BARS_UP_TO: usize = 10;
/// Most markers on one line.
pub(super) const MARKERS_AT_MOST: usize = 12;

/// A series of a lines chart: index, name, the points to draw.
pub(super) type Line<'a> = (usize, &'a String, Vec<(f64, Interval)>);

impl LinesChart<'_> {
    /// Points with a usable x and something usable to draw.
    pub(super) fn points(points: &[(f64, Interval)]) -> impl Iterator<Item = &(f64, Interval)> {
        points
            .iter()
            .filter(|(x, iv)| usable(*x) && (usable(iv.mean) || iv.ends().is_some()))
    }

    pub(super) fn omitted(&self) -> Vec<&str> {
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
pub(super) fn runs<'a, T>(
    items: &'a [T],
    keep: impl Fn(&T) -> bool + 'a,
) -> impl Iterator<Item = &'a [T]> + 'a {
    items
        .split(move |item| !keep(item))
        .filter(|run| !run.is_empty())
}

pub(super) struct TradeoffChart<'a> {
    pub(super) title: &'a str,
    pub(super) x_label: &'a str,
    pub(super) y_label: &'a str,
    pub(super) points: &'a [(String, Interval, Interval)],
    pub(super) y_reference: Option<(f64, &'a str)>,
}

impl TradeoffChart<'_> {
    pub(super) fn reference(&self) -> Option<(f64, &str)> {
        self.y_reference.filter(|(v, _)| usable(*v))
    }

    pub(super) fn omitted(&self) -> Vec<&str> {
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
