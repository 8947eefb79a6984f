//! Turning the TOML parser's errors into messages that name the key path, the line and
//! column, and, for a misspelt key, the key that was probably meant.

use crate::spelling::closest;
use serde::de::DeserializeOwned;

/// Deserialises `T` from a TOML document, or says what is wrong: `key.path (line L, column C): message`.
pub fn from_document<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    let de = toml::Deserializer::parse(text).map_err(|e| located(text, &e, ""))?;
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        located(text, e.inner(), &path)
    })
}

/// Deserialises `T` from a TOML value that sits at `prefix` in the document.
pub fn from_value<T: DeserializeOwned>(value: toml::Value, prefix: &str) -> Result<T, String> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = join(prefix, &e.path().to_string());
        format!("{path}: {}", explain(e.inner().message()))
    })
}

fn join(prefix: &str, path: &str) -> String {
    match (prefix.is_empty(), path.is_empty() || path == ".") {
        (_, true) => prefix.to_string(),
        (true, false) => path.to_string(),
        (false, false) => format!("{prefix}.{path}"),
    }
}

fn located(text: &str, e: &toml::de::Error, path: &str) -> String {
    let at = e.span().map(|span| {
        let (line, column) = line_column(text, span.start);
        format!("line {line}, column {column}")
    });
    let path = if path.is_empty() || path == "." {
        None
    } else {
        Some(path.to_string())
    };
    let place = match (path, at) {
        (Some(p), Some(a)) => format!("{p} ({a})"),
        (Some(p), None) => p,
        (None, Some(a)) => a,
        (None, None) => "scenario".to_string(),
    };
    format!("{place}: {}", explain(e.message()))
}

/// 1-based line and column (in characters) of byte `offset`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The parser's message, with "did you mean" for an unknown key.
fn explain(message: &str) -> String {
    let message = message.trim_end();
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return plain_types(message);
    };
    let names: Vec<&str> = rest.split('`').step_by(2).collect();
    let (unknown, allowed) = (names[0], &names[1..]);
    let allowed_list = allowed
        .iter()
        .map(|a| format!("`{a}`"))
        .collect::<Vec<_>>()
        .join(", ");
    match closest(unknown, allowed) {
        Some(best) => {
            format!("unknown key `{unknown}`; did you mean `{best}`? (allowed: {allowed_list})")
        }
        None => format!("unknown key `{unknown}` (allowed: {allowed_list})"),
    }
}

/// Rust type names in serde's messages, in words.
fn plain_types(message: &str) -> String {
    message
        .replace(
            "expected u32",
            "expected a whole number from 0 to 4294967295",
        )
        .replace(
            "expected u64",
            "expected a whole number from 0 to 18446744073709551615",
        )
        .replace("expected f64", "expected a number")
        .replace("expected a boolean", "expected true or false")
        .replace("expected a sequence", "expected an array")
        .replace("expected a map", "expected a table")
        .replace("unknown variant `", "unknown value `")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        assert_eq!(line_column("a\nbc\nd", 4), (2, 3));
    }
}
