//! Small HTML building blocks for the report: escaping, inline code, tables, the style
//! sheet, and SVG pictures made to fit the page.

/// `text` with `&`, `<`, `>`, `"` and `'` escaped for HTML text and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A sentence as HTML: escaped, with each `` `name` `` span shown as code.
pub fn sentence(text: &str) -> String {
    escape(text)
        .split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{part}</code>")
            } else {
                part.to_string()
            }
        })
        .collect()
}

/// One table cell with an optional class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// The cell's HTML (already escaped).
    pub html: String,
    /// A CSS class (`better`, `worse`, `num`...), or empty.
    pub class: &'static str,
}

impl Cell {
    /// A text cell, escaped.
    pub fn text(text: &str) -> Cell {
        Cell {
            html: escape(text),
            class: "",
        }
    }

    /// A number cell (right-aligned), escaped, with an extra class.
    pub fn number(text: &str, class: &'static str) -> Cell {
        Cell {
            html: escape(text),
            class,
        }
    }
}

/// A table: a header row (escaped) and body rows; the first cell of each row is its header.
pub fn table(header: &[String], rows: &[Vec<Cell>]) -> String {
    let mut out = String::from("<div class=\"scroll\"><table>\n<thead><tr>");
    for h in header {
        out.push_str(&format!("<th scope=\"col\">{}</th>", escape(h)));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let tag = if i == 0 { "th scope=\"row\"" } else { "td" };
            let close = if i == 0 { "th" } else { "td" };
            if cell.class.is_empty() {
                out.push_str(&format!("<{tag}>{}</{close}>", cell.html));
            } else {
                out.push_str(&format!(
                    "<{tag} class=\"{}\">{}</{close}>",
                    cell.class, cell.html
                ));
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
    out
}

/// An SVG picture for inline use: any XML declaration dropped, the root element given the
/// `chart` class (the style sheet scales it to the page width; its `viewBox` keeps the
/// proportions) and a `role="img"` with `label` as its accessible name.
pub fn inline_svg(svg: &str, label: &str) -> String {
    let body = match svg.find("<svg") {
        Some(start) => &svg[start..],
        None => return String::new(),
    };
    format!(
        "<svg class=\"chart\" role=\"img\" aria-label=\"{}\"{}",
        escape(label),
        &body["<svg".len()..]
    )
}

/// The report's style sheet: readable type, tables that scroll on narrow screens, colours
/// for better and worse differences, print-friendly.
pub const STYLE: &str = r#"
:root { --ink: #1d2330; --muted: #5b6474; --line: #d8dde6; --accent: #1f5fa8;
        --better: #1b7a3a; --worse: #b3261e; --panel: #f4f6fa; }
* { box-sizing: border-box; }
body { font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: var(--ink); margin: 0; line-height: 1.5; background: #fff; }
main { max-width: 1060px; margin: 0 auto; padding: 24px 28px 64px; }
h1 { font-size: 1.9rem; margin: 0.2em 0 0.1em; }
h2 { font-size: 1.35rem; margin-top: 2.2em; border-bottom: 2px solid var(--line); padding-bottom: 0.2em; }
h3 { font-size: 1.1rem; margin-top: 1.6em; }
p.lede { color: var(--muted); margin-top: 0; }
.verdict { background: var(--panel); border-left: 6px solid var(--accent); padding: 14px 20px;
           margin: 18px 0; font-size: 1.06rem; }
.verdict p { margin: 0.45em 0; }
.verdict p:first-child { font-weight: 600; }
code { font-family: "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.92em;
       background: #e9edf4; padding: 0 4px; border-radius: 3px; }
.scroll { overflow-x: auto; margin: 12px 0; }
table { border-collapse: collapse; font-size: 0.88rem; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 10px; text-align: left; vertical-align: top; }
thead th { background: var(--panel); }
tbody th { white-space: nowrap; }
td.num, td.better, td.worse, td.same { text-align: right; white-space: nowrap;
       font-variant-numeric: tabular-nums; }
td.better { color: var(--better); font-weight: 600; }
td.worse { color: var(--worse); font-weight: 600; }
td.same { color: var(--muted); }
.note { color: var(--muted); font-size: 0.88rem; }
figure { margin: 22px 0; }
figcaption { color: var(--muted); font-size: 0.9rem; margin-top: 4px; }
svg.chart { width: 100%; height: auto; display: block; border: 1px solid var(--line); }
details { margin: 10px 0; }
summary { cursor: pointer; color: var(--accent); }
pre { background: var(--panel); padding: 12px; overflow-x: auto; font-size: 0.82rem; }
ul.sentences li { margin: 0.5em 0; }
@media print { main { max-width: none; } details { display: block; } }
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_code_spans() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(
            sentence("`strict` beats `a<b`"),
            "<code>strict</code> beats <code>a&lt;b</code>"
        );
    }

    #[test]
    fn svg_is_classed_and_labelled() {
        let svg = "<?xml version=\"1.0\"?>\n<svg width=\"10\" viewBox=\"0 0 10 10\"><rect/></svg>";
        let inline = inline_svg(svg, "A \"title\"");
        assert!(inline.starts_with(
            "<svg class=\"chart\" role=\"img\" aria-label=\"A &quot;title&quot;\" width=\"10\""
        ));
        assert!(inline.ends_with("<rect/></svg>"));
        assert_eq!(inline_svg("not svg", "x"), "");
    }

    #[test]
    fn table_marks_row_headers_and_classes() {
        let html = table(
            &["variant".into(), "x".into()],
            &[vec![Cell::text("a"), Cell::number("+1", "better")]],
        );
        assert!(html.contains("<th scope=\"row\">a</th><td class=\"better\">+1</td>"));
    }
}
