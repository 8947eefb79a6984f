//! Look and layout of the pictures: sizes, colours, fonts and text on either backend.

use super::*;

/// Canvas width in pixels.
pub(super) const WIDTH: u32 = 1000;
/// Least canvas height in pixels (more when many rows or legend entries need it).
pub(super) const HEIGHT: u32 = 620;
// Font sizes in plotters' units: SVG text gets `size / 1.24` px, PNG glyphs an em of about
// `size / 1.16` px with DejaVu Sans; so labels are at least 16 px in both.
pub(super) const TITLE_SIZE: f64 = 28.0;
pub(super) const LABEL_SIZE: f64 = 20.0;
pub(super) const DESC_SIZE: f64 = 22.0;
/// Height of the title strip.
pub(super) const TITLE_H: u32 = 52;
/// Height of the strip for the tick labels and the description below the x axis.
pub(super) const X_AREA: u32 = 66;
/// Height of one legend entry.
pub(super) const LEGEND_LINE: i32 = 32;
/// Width of a legend entry's sample.
pub(super) const SWATCH_W: i32 = 40;
pub(super) const LEGEND_PAD: i32 = 14;
pub(super) const MARGIN: u32 = 12;
/// Room right of the plot, so the last x tick label is not cut.
pub(super) const MARGIN_RIGHT: u32 = 28;
/// Most tick labels on an axis.
pub(super) const MAX_TICKS: usize = 8;
/// Largest magnitude drawn: beyond it, ranges could overflow.
pub(super) const LIMIT: f64 = 1e300;

pub(super) const FAMILY: FontFamily<'static> = FontFamily::SansSerif;
/// Colours for the series (category10, with two darker extras); cycled beyond twelve.
pub(super) const PALETTE: [RGBColor; 12] = [
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
pub(super) const REFERENCE: RGBColor = RGBColor(90, 90, 90);
/// Notes and "no data" text.
pub(super) const NOTE: RGBColor = RGBColor(105, 105, 105);

pub(super) fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

pub(super) fn usable(v: f64) -> bool {
    v.is_finite() && v.abs() <= LIMIT
}

/// The two backends the pictures are drawn on.
pub(super) trait Canvas: DrawingBackend {
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
pub(super) fn centre_dy<DB: Canvas>(size: f64) -> i32 {
    (DB::CENTRE_DY * size).round() as i32
}

pub(super) fn style(size: f64) -> TextStyle<'static> {
    TextStyle::from((FAMILY, size))
}

pub(super) fn anchored(size: f64, h: HPos, v: VPos) -> TextStyle<'static> {
    style(size).pos(Pos::new(h, v))
}

pub(super) type Drawn = Result<(), String>;

/// Draws `text` of `size` in `color`, anchored horizontally by `h` at `x` and centred
/// vertically on `y`.
pub(super) fn centred_text<DB: Canvas>(
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

pub(super) fn de<E: std::error::Error + Send + Sync>(e: DrawingAreaErrorKind<E>) -> String {
    e.to_string()
}

/// Width and height of `text` in pixels.
pub(super) fn text_size<DB: Canvas>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    size: f64,
) -> (u32, u32) {
    area.estimate_text_size(text, &style(size)).unwrap_or((
        (text.chars().count() as f64 * size * 0.6) as u32,
        size as u32,
    ))
}

/// `text`, shortened with an ellipsis in the middle to at most `max_w` pixels: the start
/// and the end stay, so long names that differ only at the end (a sweep's settings) keep
/// apart.
pub(super) fn fit_text<DB: Canvas>(
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
        .map(|keep| middle_cut(&chars, keep))
        .find(|t| text_size(area, t, size).0 <= max_w)
        .unwrap_or_else(|| "…".to_string())
}

/// `chars` cut to `keep` of them around an ellipsis: the first half (rounded up) and the
/// last half.
fn middle_cut(chars: &[char], keep: usize) -> String {
    let tail = keep / 2;
    let head = keep - tail;
    let mut out: String = chars[..head].iter().collect();
    out.push('…');
    out.extend(&chars[chars.len() - tail..]);
    out
}

#[cfg(test)]
mod tests {
    use super::middle_cut;

    #[test]
    fn a_middle_cut_keeps_both_ends() {
        let chars: Vec<char> = "alibaba private_cap=15".chars().collect();
        assert_eq!(middle_cut(&chars, 7), "alib…=15");
        let other: Vec<char> = "alibaba private_cap=30".chars().collect();
        assert_ne!(middle_cut(&chars, 7), middle_cut(&other, 7));
        assert_eq!(middle_cut(&chars, 0), "…");
        assert_eq!(middle_cut(&chars, 1), "a…");
    }
}
