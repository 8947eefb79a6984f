//! A few helpers to write SVG by hand: escaped text, compact numbers, common elements.

use std::fmt::Write;

/// Text escaped for SVG content and attribute values (the report's HTML escaping).
pub use crate::report::html::escape;

/// A coordinate with one decimal, without a trailing `.0` or a negative zero.
pub fn num(v: f64) -> String {
    let text = format!("{:.1}", v);
    let text = text.strip_suffix(".0").unwrap_or(&text).to_string();
    if text == "-0" { "0".to_string() } else { text }
}

/// An SVG document being written.
#[derive(Debug, Default)]
pub struct Svg {
    out: String,
}

impl Svg {
    /// A document `width` × `height` pixels, white background, sans-serif text.
    pub fn new(width: u32, height: u32) -> Svg {
        let mut out = String::new();
        let _ = writeln!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif">"#
        );
        let _ = writeln!(
            out,
            r##"<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>"##
        );
        Svg { out }
    }

    /// Appends raw markup (one element or more) and a newline.
    pub fn raw(&mut self, markup: &str) {
        self.out.push_str(markup);
        self.out.push('\n');
    }

    /// A text at (x, y) in `size` px, with extra attributes (e.g. `font-weight="bold"`).
    pub fn text(&mut self, (x, y): (f64, f64), size: f64, attrs: &str, content: &str) {
        let _ = writeln!(
            self.out,
            r#"<text x="{}" y="{}" font-size="{}"{}{attrs}>{}</text>"#,
            num(x),
            num(y),
            num(size),
            if attrs.is_empty() { "" } else { " " },
            escape(content)
        );
    }

    /// A circle.
    pub fn circle(&mut self, (x, y): (f64, f64), r: f64, attrs: &str) {
        let _ = writeln!(
            self.out,
            r#"<circle cx="{}" cy="{}" r="{}" {attrs}/>"#,
            num(x),
            num(y),
            num(r)
        );
    }

    /// A rectangle.
    pub fn rect(&mut self, (x, y): (f64, f64), (w, h): (f64, f64), attrs: &str) {
        let _ = writeln!(
            self.out,
            r#"<rect x="{}" y="{}" width="{}" height="{}" {attrs}/>"#,
            num(x),
            num(y),
            num(w),
            num(h)
        );
    }

    /// A line.
    pub fn line(&mut self, a: (f64, f64), b: (f64, f64), attrs: &str) {
        let _ = writeln!(
            self.out,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" {attrs}/>"#,
            num(a.0),
            num(a.1),
            num(b.0),
            num(b.1)
        );
    }

    /// A diamond (a square on its corner) of half-diagonal `r`.
    pub fn diamond(&mut self, (x, y): (f64, f64), r: f64, attrs: &str) {
        let _ = writeln!(
            self.out,
            r#"<polygon points="{},{} {},{} {},{} {},{}" {attrs}/>"#,
            num(x),
            num(y - r),
            num(x + r),
            num(y),
            num(x),
            num(y + r),
            num(x - r),
            num(y)
        );
    }

    /// Many small dots as one path (round caps on zero-length strokes).
    pub fn dots(&mut self, points: &[(f64, f64)], size: f64, colour: &str) {
        if points.is_empty() {
            return;
        }
        let mut d = String::with_capacity(points.len() * 14);
        for &(x, y) in points {
            let _ = write!(d, "M{} {}h0", num(x), num(y));
        }
        let _ = writeln!(
            self.out,
            r#"<path d="{d}" stroke="{colour}" stroke-width="{}" stroke-linecap="round" fill="none"/>"#,
            num(size)
        );
    }

    /// The finished document.
    pub fn finish(mut self) -> String {
        self.out.push_str("</svg>\n");
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_compact_and_never_negative_zero() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(-0.04), "0");
        assert_eq!(num(12.345), "12.3");
        assert_eq!(num(-3.26), "-3.3");
    }

    #[test]
    fn text_is_escaped() {
        let mut svg = Svg::new(10, 10);
        svg.text((1.0, 2.0), 12.0, "", "a<b & \"c\"");
        let out = svg.finish();
        assert!(out.contains("a&lt;b &amp; &quot;c&quot;"), "{out}");
        assert!(out.starts_with("<svg") && out.ends_with("</svg>\n"));
    }
}
