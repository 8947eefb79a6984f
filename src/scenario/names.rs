//! The rules for names (of a scenario, a variant, an office): they label table rows,
//! pictures, file names and CSV keys, so they must be printable, short and unambiguous.

/// Longest name of a scenario, variant or office, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// Cell texts that pandas' `read_csv` (its default `na_values`) or R's `read.csv` read as a
/// missing value: a variant named so would lose its rows' key.
pub(super) const MISSING_SPELLINGS: &[&str] = &[
    "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>",
    "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
];

/// A name shown in tables, reports, pictures and file names (`key`) must be printable: a
/// control character (a newline, a tab, an escape sequence) would break the terminal's
/// tables and make the SVG pictures invalid XML.
pub(super) fn name_problem(key: &str, name: &str) -> Option<String> {
    let length = name.chars().count();
    if length > MAX_NAME_CHARS {
        return Some(format!(
            "{key}: {length} characters long; a name may have at most {MAX_NAME_CHARS} (it labels table rows, plots and file names)"
        ));
    }
    if !name.trim().is_empty() && name.trim() != name {
        return Some(format!(
            "{key}: {name:?} starts or ends with white space, which makes names that look alike; write {:?}",
            name.trim()
        ));
    }
    // Control characters, and the invisible format characters that reorder or split text
    // (bidirectional overrides, zero-width and line separators, the byte-order mark).
    let invisible = |c: char| matches!(c, '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}');
    let bad = name.chars().find(|&c| c.is_control() || invisible(c))?;
    Some(format!(
        "{key}: {name:?} contains {:?}, a control or invisible formatting character; names may hold letters, digits, spaces and punctuation",
        bad
    ))
}
