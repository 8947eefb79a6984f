//! Turning the TOML parser's errors into messages that name the key path, the line and
//! column, and, for a misspelt key, the key that was probably meant.

use crate::spelling::closest;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;

/// Deserialises `T` from a TOML document, or says what is wrong: `key.path (line L, column C): message`.
pub fn from_document<T: DeserializeOwned + JsonSchema>(text: &str) -> Result<T, String> {
    // The shapes are checked first (a document with a whole number beyond 64 bits is no
    // table of values: serde then reads it, and names that number's key).
    if let Ok(table) = text.parse::<toml::Table>() {
        shape::<T>(&toml::Value::Table(table), "")?;
    }
    let de = toml::Deserializer::parse(text).map_err(|e| located(text, &e, ""))?;
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        located(text, e.inner(), &path)
    })
}

/// Deserialises `T` from a TOML value that sits at `prefix` in the document.
pub fn from_value<T: DeserializeOwned + JsonSchema>(
    value: toml::Value,
    prefix: &str,
) -> Result<T, String> {
    shape::<T>(&value, prefix)?;
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = join(prefix, &e.path().to_string());
        format!("{path}: {}", explain(e.inner().message(), &path))
    })
}

/// Refuses a value whose tables and arrays are not where `T`'s schema has them.
fn shape<T: JsonSchema>(value: &toml::Value, prefix: &str) -> Result<(), String> {
    let schema = serde_json::to_value(schemars::schema_for!(T)).expect("a schema serialises");
    match super::shape::shape_problem(&schema, value, prefix) {
        Some(problem) => Err(problem),
        None => Ok(()),
    }
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
    let key = path.as_deref().unwrap_or("");
    let mut message = explain(e.message(), key);
    // A whole number beyond 64 bits: quote it as written, with the key's range.
    let overflow = ["u64 value was too large", "integer number overflowed"];
    if overflow.iter().any(|o| e.message().contains(o))
        && let Some(written) = e.span().and_then(|span| text.get(span))
    {
        message = with_rule(
            &format!("{} is out of range: expected {TOML_WHOLE}", written.trim()),
            key,
        );
    }
    // The parser's "duplicate key" points at the second one: name it.
    if message == "duplicate key"
        && let Some(key) = e.span().and_then(|span| text.get(span))
    {
        message = format!("duplicate key `{}`", key.trim());
    }
    let place = match (path, at) {
        (Some(p), Some(a)) => format!("{p} ({a})"),
        (Some(p), None) => p,
        (None, Some(a)) => a,
        (None, None) => "scenario".to_string(),
    };
    format!("{place}: {message}")
}

/// 1-based line and column (in characters) of byte `offset`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The whole numbers a TOML file can hold.
const TOML_WHOLE: &str = "a whole number from -9223372036854775808 to 9223372036854775807";

/// serde's `message` about the value at `path`, in words: a misspelt key with the key
/// probably meant, a wrong type with the key's own rule where it has one.
fn explain(message: &str, path: &str) -> String {
    let message = message.trim_end();
    // "invalid type: integer `N` as i128, expected ...": a number out of range, not of
    // the wrong type.
    if let Some((number, expected)) = message
        .strip_prefix("invalid type: integer `")
        .and_then(|rest| rest.split_once("` as "))
        .and_then(|(number, tail)| Some((number, tail.split_once(", expected ")?.1)))
    {
        let expected = if expected == "any valid TOML value" {
            TOML_WHOLE
        } else {
            expected
        };
        return with_rule(
            &plain_types(&format!("{number} is out of range: expected {expected}")),
            path,
        );
    }
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return with_rule(&plain_types(message), path);
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

/// `message` with a whole number's type range (`from 0 to 4294967295`) replaced by the
/// rule of the key at `path` (`travel.peak_hours[5]`: "from 0 to 23"), when it has one.
fn with_rule(message: &str, path: &str) -> String {
    static RULES: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    let type_ranges = [
        "a whole number from 0 to 4294967295",
        "a whole number from 0 to 18446744073709551615",
        TOML_WHOLE,
    ];
    let Some(range) = type_ranges.iter().find(|r| message.contains(*r)) else {
        return message.to_string();
    };
    let without_index = super::shape::header;
    let key = without_index(path);
    // A variant's own keys follow the scenario's rules.
    let key = key
        .strip_prefix("variant.scenario.")
        .or_else(|| key.strip_prefix("variant."))
        .unwrap_or(&key);
    let rules = RULES.get_or_init(super::Scenario::key_rules);
    match rules.iter().find(|(k, _)| without_index(k) == key) {
        Some((_, rule)) => message.replace(range, rule),
        None => message.to_string(),
    }
}

/// Rust type names in serde's messages, in words.
fn plain_types(message: &str) -> String {
    let message = match message.split_once("expected struct ") {
        // A nested table's type name (`LevelTimeouts`) means nothing in a scenario file.
        Some((before, after)) => {
            let rest = after.trim_start_matches(|c: char| c.is_alphanumeric() || c == '_');
            format!("{before}expected a table{rest}")
        }
        None => message.to_string(),
    };
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
        .replace("invalid type: map,", "invalid type: a table,")
        .replace("invalid type: sequence,", "invalid type: an array,")
        .replace("unknown variant `", "unknown value `")
        .replace("missing field `", "missing key `")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        assert_eq!(line_column("a\nbc\nd", 4), (2, 3));
    }
}
