//! The tornado chart of a one-at-a-time sensitivity screen.

use super::*;

pub(super) struct TornadoChart<'a> {
    pub(super) title: &'a str,
    pub(super) x_label: &'a str,
    pub(super) series: &'a [String],
    pub(super) rows: &'a [(String, Vec<(f64, f64)>)],
    pub(super) base: &'a [f64],
}

impl Picture for TornadoChart<'_> {
    fn height(&self) -> u32 {
        let per_row = 14 * self.series.len().max(1) as u32 + 16;
        HEIGHT.max(TITLE_H + 60 + X_AREA + 40 + per_row * self.rows.len() as u32)
    }

    fn draw<DB: Canvas>(&self, root: &DrawingArea<DB, Shift>) -> Drawn {
        let body = frame(root, self.title)?;
        let mut xs = Extent::default();
        for (_, bars) in self.rows {
            for &(lo, hi) in bars {
                for v in [lo, hi] {
                    if usable(v) {
                        xs.add(v);
                    }
                }
            }
        }
        for &b in self.base.iter().filter(|b| usable(**b)) {
            xs.add(b);
        }
        xs.add(0.0);
        let Some(x) = xs.axis() else {
            return no_data(&body);
        };
        let mut entries: Vec<Entry> = self
            .series
            .iter()
            .enumerate()
            .map(|(i, s)| Entry::new(Swatch::Marker(color(i), i), s.clone()))
            .collect();
        entries.push(Entry::new(Swatch::Bar(NOTE), "low to high"));
        entries.push(Entry::new(Swatch::Dashed(REFERENCE), "no difference"));
        let (legend, plot) = body.split_vertically(60);
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
        area.draw(&DashedPathElement::new(
            vec![(0.0, y.0), (0.0, y.1)],
            8,
            6,
            REFERENCE.stroke_width(2),
        ))
        .map_err(de)?;
        let k = self.series.len().max(1) as f64;
        for (i, ((_, bars), name)) in self.rows.iter().zip(&names).enumerate() {
            let yv = row_y(i);
            let (left, py) = chart.backend_coord(&(x.0, yv));
            centred_text(root, name, (left - 12, py), LABEL_SIZE, HPos::Right, BLACK)?;
            for (s, &(lo, hi)) in bars.iter().enumerate() {
                // Series spread over the row, first at the top.
                let ys = yv + 0.35 - 0.7 * (s as f64 + 0.5) / k;
                let c = color(s);
                if usable(lo) && usable(hi) {
                    let a = chart.backend_coord(&(lo, ys));
                    let b = chart.backend_coord(&(hi, ys));
                    interval_bar(root, a, b, c, 5)?;
                }
                if let Some(&base) = self.base.get(s).filter(|b| usable(**b)) {
                    let (bx, by) = chart.backend_coord(&(base, ys));
                    root.draw(&PathElement::new(
                        vec![(bx, by - 6), (bx, by + 6)],
                        BLACK.stroke_width(2),
                    ))
                    .map_err(de)?;
                }
                if usable(hi) {
                    marker(root, chart.backend_coord(&(hi, ys)), s, 5, c)?;
                }
            }
        }
        Ok(())
    }
}
