//! Checks the shape of a TOML document against the scenario's JSON Schema before serde
//! reads it: a table written as an array (`calendar = [7]`, `[[policy]]`) would otherwise
//! be read by position or get a message about its first key, an array of tables written
//! as one table (`[office]`) a message about "a map", a word written as a table
//! (`assignment = { random = {} }`) would be taken as the word, and a TOML date or time
//! (`desk_end = 22:00:00`) a message about "a map" too.

use serde_json::Value as Schema;

/// The first shape problem of `value` (at dotted `path`) against `schema`, a JSON Schema
/// whose `$ref`s point into its own `$defs`: `path: what was expected, what was found`.
pub fn shape_problem(schema: &Schema, value: &toml::Value, path: &str) -> Option<String> {
    walk(schema, schema, value, path)
}

/// What a schema node asks for, as far as shapes go.
enum Expected<'s> {
    /// A table with known keys (a struct).
    Table(&'s serde_json::Map<String, Schema>),
    /// An array of `items`.
    Array(&'s Schema),
    /// One of these words (serde would also take `{ word = {} }` for one).
    Word(Vec<&'s str>),
    /// Anything else: left to serde.
    Other,
}

fn walk(root: &Schema, node: &Schema, value: &toml::Value, path: &str) -> Option<String> {
    if let toml::Value::Datetime(d) = value {
        return Some(format!(
            "{path}: {d} is a TOML date or time, which no key takes (a time of day is written in quotes, like \"22:00\")"
        ));
    }
    match (expected(root, node), value) {
        (Expected::Table(keys), toml::Value::Table(table)) => table.iter().find_map(|(k, v)| {
            keys.get(k)
                .and_then(|inner| walk(root, inner, v, &join(path, k)))
        }),
        (Expected::Table(_), toml::Value::Array(items)) => {
            let header = header(path);
            let written = if !items.is_empty() && items.iter().all(toml::Value::is_table) {
                format!("an array of tables ([[{header}]])")
            } else {
                "an array".to_string()
            };
            Some(if path.ends_with(']') {
                // An entry of an array of tables written as an array itself.
                format!("{path}: expected a table (one entry of the array), found an array")
            } else {
                format!(
                    "{path}: expected a table ([{header}] or {} = {{ ... }}), found {written}",
                    last(path)
                )
            })
        }
        (Expected::Array(items), toml::Value::Array(values)) => values
            .iter()
            .enumerate()
            .find_map(|(i, v)| walk(root, items, v, &format!("{path}[{i}]"))),
        (Expected::Word(words), toml::Value::Table(_) | toml::Value::Array(_)) => Some(format!(
            "{path}: expected one of {}, found {}",
            words
                .iter()
                .map(|w| format!("\"{w}\""))
                .collect::<Vec<_>>()
                .join(", "),
            if value.is_table() {
                "a table"
            } else {
                "an array"
            }
        )),
        (Expected::Array(items), toml::Value::Table(_)) => {
            let tables = matches!(expected(root, items), Expected::Table(_));
            let header = header(path);
            Some(if tables {
                format!(
                    "{path}: expected an array of tables ([[{header}]], one per entry), found one table ([{header}])"
                )
            } else {
                format!("{path}: expected an array, found a table")
            })
        }
        _ => None,
    }
}

/// The node behind `$ref`s and optional (`anyOf` with null) wrappers.
fn expected<'s>(root: &'s Schema, node: &'s Schema) -> Expected<'s> {
    let mut node = node;
    for _ in 0..32 {
        if let Some(target) = node.get("$ref").and_then(Schema::as_str) {
            match target
                .strip_prefix("#/$defs/")
                .and_then(|name| root.get("$defs")?.get(name))
            {
                Some(found) => node = found,
                None => return Expected::Other,
            }
            continue;
        }
        if let Some(alternatives) = node.get("anyOf").and_then(Schema::as_array) {
            let mut not_null = alternatives
                .iter()
                .filter(|a| a.get("type").and_then(Schema::as_str) != Some("null"));
            match (not_null.next(), not_null.next()) {
                (Some(only), None) => {
                    node = only;
                    continue;
                }
                _ => return Expected::Other,
            }
        }
        let words: Option<Vec<&str>> = node.get("oneOf").and_then(Schema::as_array).map(|all| {
            all.iter()
                .filter_map(|a| a.get("const").and_then(Schema::as_str))
                .collect()
        });
        if let Some(words) = words.filter(|w| {
            !w.is_empty()
                && node["oneOf"]
                    .as_array()
                    .is_some_and(|all| all.len() == w.len())
        }) {
            return Expected::Word(words);
        }
        return match node.get("type").and_then(Schema::as_str) {
            Some("object") => match node.get("properties").and_then(Schema::as_object) {
                Some(keys) => Expected::Table(keys),
                None => Expected::Other,
            },
            Some("array") => node.get("items").map_or(Expected::Other, Expected::Array),
            _ => Expected::Other,
        };
    }
    Expected::Other
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// `path` as a TOML table header: without array indexes (`variant[1].policy` is written
/// `[variant.policy]` under its `[[variant]]`).
pub(super) fn header(path: &str) -> String {
    path.split('[')
        .map(|part| part.split_once(']').map_or(part, |(_, rest)| rest))
        .collect()
}

fn last(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    fn problem(text: &str) -> Option<String> {
        let value = toml::Value::Table(text.parse::<toml::Table>().unwrap());
        shape_problem(&Scenario::json_schema(), &value, "")
    }

    #[test]
    fn a_table_written_as_an_array_is_named() {
        assert_eq!(
            problem("calendar = [7]").unwrap(),
            "calendar: expected a table ([calendar] or calendar = { ... }), found an array"
        );
        assert!(problem("[[policy]]\nassignment = \"random\"").unwrap().starts_with(
            "policy: expected a table ([policy] or policy = { ... }), found an array of tables ([[policy]])"
        ));
        assert!(
            problem("[[variant]]\nname = \"a\"\n[[variant.policy]]\nprivate_cap = 3")
                .unwrap()
                .starts_with("variant[0].policy: expected a table")
        );
        assert_eq!(
            problem("variant = [[{ name = \"a\" }]]").unwrap(),
            "variant[0]: expected a table (one entry of the array), found an array"
        );
        assert!(
            problem("[policy]\ntimeout_by_level = [1, 2, 3]")
                .unwrap()
                .starts_with("policy.timeout_by_level: expected a table")
        );
    }

    #[test]
    fn an_array_of_tables_written_as_a_table_is_named() {
        assert_eq!(
            problem("[office]\nx_km = 1.0").unwrap(),
            "office: expected an array of tables ([[office]], one per entry), found one table ([office])"
        );
        assert_eq!(
            problem("[travel.road_speed_kmh]\na = 1").unwrap(),
            "travel.road_speed_kmh: expected an array, found a table"
        );
    }

    #[test]
    fn a_word_written_as_a_table_is_named() {
        assert!(
            problem("[policy]\nassignment = { random = {} }")
                .unwrap()
                .starts_with("policy.assignment: expected one of \"round_robin\", ")
        );
        assert!(
            problem("[travel]\nmodes = [{ walk = {} }, \"bike\"]")
                .unwrap()
                .ends_with(", found a table")
        );
        assert!(
            problem("[policy]\nterritory = [\"strict\"]")
                .unwrap()
                .ends_with(", found an array")
        );
        // "none" is one choice of a number-or-word key, not a word list.
        assert_eq!(problem("[policy]\nprivate_cap = { none = {} }"), None);
    }

    #[test]
    fn toml_dates_and_times_are_named() {
        assert!(
            problem("[day]\ndesk_end = 22:00:00")
                .unwrap()
                .starts_with("day.desk_end: 22:00:00 is a TOML date or time")
        );
    }

    #[test]
    fn right_shapes_and_other_types_pass() {
        assert_eq!(problem(crate::scenario::BEIJING_TOML), None);
        assert_eq!(problem("[calendar]\ndays = \"seven\""), None);
        assert_eq!(problem("[policy]\nprivate_cap = \"none\""), None);
        assert_eq!(problem("unknown = [1]"), None);
    }
}
