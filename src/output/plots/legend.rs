//! Markers, interval bars and legends of the pictures.

use super::*;

/// A filled marker of one of five shapes (by `shape`), `r` pixels in radius, centred on
/// `at`, with a thin white rim so it stands out on lines of its own colour.
pub(super) fn marker<DB: Canvas>(
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
pub(super) fn interval_bar<DB: Canvas>(
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
pub(super) enum Swatch {
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
pub(super) struct Entry {
    pub(super) swatch: Swatch,
    pub(super) text: String,
}

impl Entry {
    pub(super) fn new(swatch: Swatch, text: impl Into<String>) -> Self {
        Self {
            swatch,
            text: text.into(),
        }
    }
}

/// Draws `swatch` in the `SWATCH_W` pixels right of `(x, y)`, centred on `y`.
pub(super) fn draw_swatch<DB: Canvas>(
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
pub(super) fn height_for_legend(entries: usize, omitted: usize) -> u32 {
    let lines = entries + if omitted == 0 { 0 } else { omitted + 1 };
    HEIGHT.max(TITLE_H + 60 + LEGEND_LINE as u32 * lines as u32)
}

/// Width of the legend column beside the plot.
pub(super) fn legend_width<DB: Canvas>(
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

pub(super) const NOT_SHOWN: &str = "not shown (no data):";

/// Draws a legend as a column at the top of `area`, followed by the names of the series
/// left out.
pub(super) fn draw_legend_column<DB: Canvas>(
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
pub(super) fn draw_legend_row<DB: Canvas>(
    area: &DrawingArea<DB, Shift>,
    entries: &[Entry],
) -> Drawn {
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
