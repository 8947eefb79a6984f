//! Changing keys by path: `policy.reclaim_timeout_hours = 24` on a variant, `leads.marketing_per_day
//! = 800` on the scenario. Used by sweeps (and anything else that varies assumptions):
//! the changed scenario is parsed and validated exactly like a file, so a bad value gets
//! the same message naming the key.

use super::{Scenario, ScenarioError, Variant, diagnose};
use std::sync::Arc;

/// One `KEY=VALUE` setting: a dotted key path and a TOML value.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    /// Dotted key path, e.g. `policy.reclaim_timeout_hours`.
    pub key: String,
    /// The value.
    pub value: toml::Value,
    /// The value as written (for column values and names).
    pub text: String,
}

impl Setting {
    /// A setting of `key` to `text`, read as a TOML value (`24`, `0.5`, `true`,
    /// `"newest"`), or as a string when it is not one or is a TOML date or time (so
    /// `newest` and `21:30` work unquoted).
    pub fn new(key: &str, text: &str) -> Setting {
        let text = text.trim();
        let value = format!("v = {text}")
            .parse::<toml::Table>()
            .ok()
            .and_then(|mut t| t.remove("v"))
            .filter(|v| !v.is_datetime())
            .unwrap_or_else(|| toml::Value::String(text.to_string()));
        Setting {
            key: key.trim().to_string(),
            value,
            text: text.to_string(),
        }
    }

    /// Parses `KEY=V1,V2,...` into the key and one setting per value.
    pub fn parse_list(spec: &str) -> Result<Vec<Setting>, String> {
        let (key, values) = spec.split_once('=').ok_or_else(|| {
            format!(
                "--set {spec:?}: expected KEY=V1,V2,..., e.g. policy.reclaim_timeout_hours=24,48"
            )
        })?;
        let key = key.trim();
        if key.is_empty() || key.split('.').any(str::is_empty) {
            return Err(format!("--set {spec:?}: {key:?} is not a dotted key path"));
        }
        if let Some(problem) = too_deep(key) {
            return Err(format!("--set {problem}"));
        }
        let values: Vec<&str> = split_values(values).into_iter().map(str::trim).collect();
        if values.iter().any(|v| v.is_empty()) {
            return Err(format!("--set {key}: empty value in {spec:?}"));
        }
        for v in &values {
            if let Some(problem) = value_problem(v) {
                return Err(format!("--set {key}: {v:?} {problem}"));
            }
        }
        // A whole number TOML cannot hold would otherwise be read as a word.
        if let Some(v) = values
            .iter()
            .find(|v| is_whole_number(v) && v.replace('_', "").parse::<i64>().is_err())
        {
            return Err(format!(
                "--set {key}: {v} is out of range: whole numbers go from -9223372036854775808 to 9223372036854775807 (and each key has its own range)"
            ));
        }
        Ok(values.into_iter().map(|v| Setting::new(key, v)).collect())
    }

    /// Whether the setting changes the variant's policy rather than the scenario.
    pub fn is_policy(&self) -> bool {
        self.key.starts_with("policy.")
    }
}

/// Most parts a key path may have (the deepest scenario key has 3: `policy.timeout_by_level.a`).
pub const MAX_KEY_PARTS: usize = 8;

/// Says so when dotted `path` has more than [`MAX_KEY_PARTS`] parts (its first parts shown).
fn too_deep(path: &str) -> Option<String> {
    let parts = path.split('.').count();
    (parts > MAX_KEY_PARTS).then(|| {
        let shown: Vec<&str> = path.split('.').take(MAX_KEY_PARTS).collect();
        format!(
            "{}...: a key path of {parts} parts; scenario keys have at most {MAX_KEY_PARTS}",
            shown.join(".")
        )
    })
}

/// What is wrong with `text` as one value, if anything: a line break or a comment (`#`
/// outside quotes) would smuggle in more than a value, and a value that opens an array,
/// table or string must be whole TOML (else it would be taken as a word).
fn value_problem(text: &str) -> Option<String> {
    if text.contains(['\n', '\r']) {
        return Some("holds a line break; a value is one line".into());
    }
    let mut quote = None;
    for c in text.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            (None, '#') => return Some("holds a comment (#); give the value alone".into()),
            _ => {}
        }
    }
    if text.starts_with(['[', '{', '"', '\''])
        && let Err(e) = format!("v = {text}").parse::<toml::Table>()
    {
        let why = e.message().lines().next().unwrap_or("").trim().to_string();
        return Some(format!(
            "is not a whole TOML value ({why}); arrays, tables and quoted strings must be closed, words inside them quoted"
        ));
    }
    None
}

/// `values` split at the commas outside quotes, brackets and braces, so a value may be
/// an array or an inline table: `{ a = 96, b = 48, c = 24 },none`.
fn split_values(values: &str) -> Vec<&str> {
    let (mut parts, mut start, mut depth, mut quote) = (Vec::new(), 0, 0usize, None);
    for (i, c) in values.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            (None, ',') if depth == 0 => {
                parts.push(&values[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&values[start..]);
    parts
}

/// Whether `text` is written as a decimal whole number (sign, digits, underscores).
fn is_whole_number(text: &str) -> bool {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    !digits.is_empty()
        && digits.starts_with(|c: char| c.is_ascii_digit())
        && digits.chars().all(|c| c.is_ascii_digit() || c == '_')
}

/// Puts `value` at dotted `path` in `table`, creating the tables on the way that are not
/// there yet (an optional section such as `policy.timeout_by_level`; a section the
/// scenario does not have is then refused by the typed parse, naming the key). A part
/// that holds a value or an array cannot take keys: the error says which.
pub(super) fn set_path(
    table: &mut toml::Table,
    path: &str,
    value: toml::Value,
) -> Result<(), String> {
    if let Some(problem) = too_deep(path) {
        return Err(problem);
    }
    let parts: Vec<&str> = path.split('.').collect();
    let (last, parents) = parts.split_last().expect("split gives at least one part");
    let mut here = table;
    for (i, part) in parents.iter().enumerate() {
        let entry = here
            .entry((*part).to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        here = match entry {
            toml::Value::Table(t) => t,
            toml::Value::Array(_) => {
                return Err(format!(
                    "{}: holds an array, so {path} cannot set a key inside it",
                    parts[..=i].join(".")
                ));
            }
            _ => {
                return Err(format!(
                    "{}: holds a value, not a section with keys, so {path} cannot be set",
                    parts[..=i].join(".")
                ));
            }
        };
    }
    merge(here, last, value);
    Ok(())
}

/// Puts `value` at `key` in `table`; a table where a table is merges into it key by key,
/// as a file's `[section]` does (`calendar = { days = 2 }` keeps the week's other keys).
fn merge(table: &mut toml::Table, key: &str, value: toml::Value) {
    match (table.get_mut(key), value) {
        (Some(toml::Value::Table(here)), toml::Value::Table(inner)) => {
            for (k, v) in inner {
                merge(here, &k, v);
            }
        }
        (_, value) => {
            table.insert(key.to_string(), value);
        }
    }
}

/// The paths of `table`'s empty tables (into `empty`), which [`settings_in`] carries no
/// setting for; `Err` with the path of a key that holds a dot, which a dotted path
/// cannot tell from two keys.
fn unflattened(table: &toml::Table, prefix: &str, empty: &mut Vec<String>) -> Result<(), String> {
    for (key, value) in table {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        if key.contains('.') {
            return Err(format!(
                "{prefix}{}\"{key}\"",
                if prefix.is_empty() { "" } else { "." }
            ));
        }
        if let toml::Value::Table(inner) = value {
            if inner.is_empty() {
                empty.push(path);
            } else {
                unflattened(inner, &path, empty)?;
            }
        }
    }
    Ok(())
}

/// Top-level keys a variant or a sweep may not change: they define the study itself (its
/// random numbers, its size, its variants and how they are judged).
pub const FIXED_KEYS: &[&str] = &[
    "name",
    "description",
    "seed",
    "replications",
    "baseline",
    "variant",
    "analysis",
    "sensitivity",
];

/// The settings in a nested table, as dotted key paths in the table's order.
pub fn settings_in(table: &toml::Table, prefix: &str) -> Vec<Setting> {
    let mut out = Vec::new();
    for (key, value) in table {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::Table(inner) => out.extend(settings_in(inner, &path)),
            other => out.push(Setting {
                key: path,
                text: other.to_string(),
                value: other.clone(),
            }),
        }
    }
    out
}

impl Scenario {
    /// A copy of this scenario with non-policy `settings` applied, checked as a file would
    /// be, for the variant `name` (its only variant). `at` prefixes key paths in messages.
    fn changed(&self, settings: &[&Setting], name: &str, at: &str) -> Result<Scenario, String> {
        let mut table = toml::Table::try_from(self).expect("a scenario always serialises");
        for s in settings {
            let top = s.key.split('.').next().unwrap_or_default();
            if top == "policy" {
                // In a file, the variant's own table; on the command line, one key at a time.
                let advice = if at.is_empty() {
                    "policy keys are set one at a time, e.g. policy.private_cap=15,30"
                } else {
                    "policy keys go in the variant's [variant.policy] table"
                };
                return Err(format!("{at}{}: {advice}", s.key));
            }
            if FIXED_KEYS.contains(&top) {
                return Err(format!(
                    "{at}{}: a variant cannot change {top:?} (it defines the study); allowed are the world, people, funnel and behaviour sections",
                    s.key
                ));
            }
            set_path(&mut table, &s.key, s.value.clone()).map_err(|p| format!("{at}{p}"))?;
        }
        table.remove("variant");
        table.remove("baseline");
        let mut changed: Scenario =
            diagnose::from_value(toml::Value::Table(table), at.trim_end_matches('.'))?;
        self.same_customers(&changed, at)?;
        changed.customers = self.customers.clone();
        changed.variants = vec![super::VariantSpec {
            name: name.to_string(),
            ..Default::default()
        }];
        if let Err(ScenarioError::Invalid { problems, .. }) = changed.validate(name) {
            return Err(problems
                .iter()
                .map(|p| format!("{at}{p}"))
                .collect::<Vec<_>>()
                .join("; "));
        }
        Ok(changed)
    }

    /// Refuses a changed copy (a variant's, a sweep's, a screen point's) whose customer
    /// list differs: the list is read, and its lat/lon projected around
    /// `city.office_lat`/`office_lon`, once when the scenario file is loaded, so a copy
    /// that changed them would silently run the file's list. `at` prefixes the key.
    pub(super) fn same_customers(&self, changed: &Scenario, at: &str) -> Result<(), String> {
        if changed.city.companies_csv != self.city.companies_csv {
            return Err(format!(
                "{at}city.companies_csv: a variant cannot change the customer list"
            ));
        }
        for (key, was, now) in [
            ("office_lat", self.city.office_lat, changed.city.office_lat),
            ("office_lon", self.city.office_lon, changed.city.office_lon),
        ] {
            if was != now {
                return Err(format!(
                    "{at}city.{key}: a variant cannot move the point the customer list is projected around (it is read once, with the scenario file)"
                ));
            }
        }
        // With a customer list the city is the list's: its other keys (size, buildings,
        // districts) would change nothing, so a copy that changes one compares equals.
        if self.city.companies_csv.is_some() {
            let keys = |city: &super::world::City| {
                toml::Table::try_from(city).expect("a city always serialises")
            };
            let (was, now) = (keys(&self.city), keys(&changed.city));
            if let Some(key) = now.keys().find(|k| now.get(*k) != was.get(*k)) {
                return Err(format!(
                    "{at}city.{key}: with a customer list (city.companies_csv) the city is the list's, so a variant's city.{key} would change nothing"
                ));
            }
        }
        Ok(())
    }

    /// The policy table of `policy` with `settings` (paths inside `[policy]`) applied.
    fn policy_with(
        policy: &super::Policy,
        settings: &[&Setting],
        at: &str,
    ) -> Result<super::Policy, String> {
        let mut table = toml::Table::try_from(policy).expect("a policy always serialises");
        for s in settings {
            let key = s.key.strip_prefix("policy.").unwrap_or(&s.key);
            set_path(&mut table, key, s.value.clone()).map_err(|p| format!("{at}{p}"))?;
        }
        diagnose::from_value(toml::Value::Table(table), at.trim_end_matches('.'))
    }

    /// The scenario a file variant runs in when its `[variant.scenario]` table changes keys
    /// outside `[policy]`: `None` when the table is empty.
    pub(super) fn variant_scenario(
        &self,
        index: usize,
        name: &str,
        table: &toml::Table,
    ) -> Result<Option<Arc<Scenario>>, String> {
        if table.is_empty() {
            return Ok(None);
        }
        let at = format!("variant[{index}].scenario.");
        let mut settings = settings_in(table, "");
        let mut empty = Vec::new();
        unflattened(table, "", &mut empty).map_err(|key| {
            format!(
                "{at}{key}: a quoted key with a dot in it; a key path is written unquoted (calendar.days = 5) or as a table ([variant.scenario.calendar])"
            )
        })?;
        // An empty table names a section all the same: it is checked like one.
        settings.extend(empty.into_iter().map(|key| Setting {
            key,
            value: toml::Value::Table(toml::Table::new()),
            text: "{}".to_string(),
        }));
        let refs: Vec<&Setting> = settings.iter().collect();
        self.changed(&refs, name, &at).map(|s| Some(Arc::new(s)))
    }

    /// `base` with `settings` applied, named `name`: `policy.*` keys change its policy,
    /// other keys a copy of its scenario (kept in the variant). The result is checked as
    /// a file would be; errors name the key and say what is allowed. The settings are
    /// recorded in the variant's `parameters`.
    pub fn vary(
        &self,
        base: &Variant,
        settings: &[Setting],
        name: String,
    ) -> Result<Variant, ScenarioError> {
        let invalid = |problem: String| ScenarioError::Invalid {
            origin: format!("{} with --set", self.name),
            problems: vec![problem],
        };
        let (policy_settings, other): (Vec<&Setting>, Vec<&Setting>) =
            settings.iter().partition(|s| s.is_policy());
        let policy =
            Self::policy_with(&base.policy, &policy_settings, "policy.").map_err(invalid)?;
        if !policy_settings.is_empty() {
            let problems = super::policy_checks::policy_problems("policy", &policy);
            if !problems.is_empty() {
                return Err(ScenarioError::Invalid {
                    origin: format!("{} with --set", self.name),
                    problems,
                });
            }
        }
        let scenario = if other.is_empty() {
            base.scenario.clone()
        } else {
            let from = base.scenario.as_deref().unwrap_or(self);
            Some(Arc::new(from.changed(&other, &name, "").map_err(invalid)?))
        };
        let mut variant = Variant {
            name,
            description: format!(
                "{} with {}",
                base.name,
                settings
                    .iter()
                    .map(|s| format!("{} = {}", s.key, s.text))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            policy,
            parameters: base.parameters.clone(),
            base: Some(base.base.clone().unwrap_or_else(|| base.name.clone())),
            scenario,
        };
        variant
            .parameters
            .extend(settings.iter().map(|s| (s.key.clone(), s.text.clone())));
        Ok(variant)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alibaba() -> (Scenario, Variant) {
        let s = Scenario::embedded();
        let v = s.resolved_variants().unwrap()[2].clone();
        (s, v)
    }

    #[test]
    fn values_are_read_as_toml_or_as_words() {
        assert_eq!(Setting::new("a", "24").value, toml::Value::Integer(24));
        assert_eq!(Setting::new("a", "0.5").value, toml::Value::Float(0.5));
        assert_eq!(Setting::new("a", "true").value, toml::Value::Boolean(true));
        assert_eq!(
            Setting::new("a", "newest").value,
            toml::Value::String("newest".into())
        );
        // Quoted or not, a time of day is a string (TOML would read `12:30` as a time).
        for text in ["\"12:30\"", "12:30", "12:30:00"] {
            assert_eq!(
                Setting::new("a", text).value,
                toml::Value::String(text.trim_matches('"').into()),
                "{text}"
            );
        }
        let list = Setting::parse_list("policy.private_cap = 15, 30").unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(
            (list[1].key.as_str(), list[1].text.as_str()),
            ("policy.private_cap", "30")
        );
        for bad in [
            "policy.private_cap",
            "=1",
            "policy..x=1",
            "policy.private_cap=1,,2",
        ] {
            assert!(Setting::parse_list(bad).is_err(), "{bad}");
        }
        // A path deeper than any key is refused before tables are built for it (40,000
        // levels once overflowed the stack).
        let deep = format!("city.{}=1,2", vec!["a"; 40_000].join("."));
        let e = Setting::parse_list(&deep).unwrap_err();
        assert!(
            e.contains("a key path of 40001 parts; scenario keys have at most 8"),
            "{e}"
        );
        // A whole number TOML cannot hold is out of range, not a word.
        let e = Setting::parse_list("policy.private_cap=5,9223372036854775808").unwrap_err();
        assert!(e.contains("9223372036854775808 is out of range"), "{e}");
        assert!(Setting::parse_list("leads.marketing_per_day=1_000,-2").is_ok());
        // Commas inside an inline table, an array or quotes do not split values.
        let list =
            Setting::parse_list("policy.timeout_by_level={ a = 96, b = 48, c = 24 },none").unwrap();
        assert_eq!(list.len(), 2);
        assert!(list[0].value.is_table(), "{:?}", list[0].value);
        let list = Setting::parse_list("travel.modes=[\"walk\", \"taxi\"],[\"rail\"]").unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(split_values("\"a,b\",c"), ["\"a,b\"", "c"]);
        // Broken arrays and tables, comments and line breaks are not words.
        for bad in [
            "travel.peak_hours=[7,8",
            "travel.peak_hours=[7,,8],[9]",
            "policy.timeout_by_level={ a = none, b = 48, c = 1 }",
            "policy.private_cap=5 # five,10",
            "policy.private_cap=5\nbogus = 1,10",
        ] {
            assert!(Setting::parse_list(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_optional_section_is_set_key_by_key() {
        let (s, base) = alibaba();
        let v = s
            .vary(
                &base,
                &[
                    Setting::new("policy.timeout_by_level.a", "96"),
                    Setting::new("policy.timeout_by_level.b", "48"),
                    Setting::new("policy.timeout_by_level.c", "none"),
                ],
                "x".into(),
            )
            .unwrap();
        let levels = v.policy.timeout_by_level.unwrap();
        assert_eq!((levels.a.value(), levels.c.value()), (Some(96), None));
        let v = s
            .vary(&base, &[Setting::new("day.desk_end", "21:30")], "y".into())
            .unwrap();
        assert_eq!(v.scenario.unwrap().day.desk_end.minutes(), 21 * 60 + 30);
        // A section given as an inline table merges into the section, as in a file.
        let mut six = s.clone();
        six.calendar.working_days_per_week = 6;
        let v = six
            .vary(
                &base,
                &[Setting::new("calendar", "{ days = 2 }")],
                "z".into(),
            )
            .unwrap();
        let calendar = &v.scenario.unwrap().calendar;
        assert_eq!((calendar.days, calendar.working_days_per_week), (2, 6));
    }

    #[test]
    fn policy_settings_change_the_policy_only() {
        let (s, base) = alibaba();
        let v = s
            .vary(
                &base,
                &Setting::parse_list("policy.private_cap=15").unwrap(),
                "x".into(),
            )
            .unwrap();
        assert_eq!(v.policy.private_cap.value(), Some(15));
        assert!(v.scenario.is_none());
        assert_eq!(
            v.parameters,
            [("policy.private_cap".to_string(), "15".to_string())]
        );
        assert_eq!(v.policy.assignment, base.policy.assignment);
    }

    #[test]
    fn other_settings_change_a_copy_of_the_scenario() {
        let (s, base) = alibaba();
        let v = s
            .vary(
                &base,
                &Setting::parse_list("leads.marketing_per_day=321").unwrap(),
                "x".into(),
            )
            .unwrap();
        let changed = v.scenario.as_deref().unwrap();
        assert_eq!(changed.leads.marketing_per_day, 321);
        assert_eq!(changed.seed, s.seed);
        assert_eq!(v.policy, base.policy);
    }

    #[test]
    fn bad_settings_name_the_key() {
        let (s, base) = alibaba();
        let err = |spec: &str| {
            s.vary(&base, &Setting::parse_list(spec).unwrap(), "x".into())
                .unwrap_err()
                .to_string()
        };
        let e = err("policy.private_cpa=3");
        assert!(
            e.contains("private_cpa") && e.contains("private_cap"),
            "{e}"
        );
        let e = err("leads.marketing_per_day=-5");
        assert!(e.contains("leads.marketing_per_day"), "{e}");
        let e = err("nosuch.key=1");
        assert!(e.contains("nosuch"), "{e}");
        let e = err("seed=5");
        assert!(e.contains("seed") && e.contains("defines the study"), "{e}");
        let e = err("policy.assignment=lottery");
        assert!(e.contains("policy.assignment"), "{e}");
        let e = err("policy={ private_cap = 3 }");
        assert!(e.contains("policy keys are set one at a time"), "{e}");
        // An optional section not in the base policy can be set key by key; a part that
        // holds a value cannot take keys.
        let e = err("policy.timeout_by_level.a=24");
        assert!(
            e.contains("policy.timeout_by_level: missing key `b`"),
            "{e}"
        );
        let e = err("calendar.days.x=1");
        assert!(
            e.contains("calendar.days: holds a value, not a section"),
            "{e}"
        );
        let e = err("travel.modes.x=1");
        assert!(e.contains("travel.modes: holds an array"), "{e}");
        // The customer list and its projection are read once, with the file: a variant
        // that changed them ran the file's list regardless.
        let e = err("city.office_lat=39.95");
        assert!(e.contains("city.office_lat: a variant cannot move"), "{e}");
        let e = s
            .assuming(&[Setting::new("city.companies_csv", "other.csv")])
            .unwrap_err()
            .to_string();
        assert!(e.contains("cannot change the customer list"), "{e}");
        // Policy values are range-checked as in a file: these once ran (or panicked).
        for (spec, key) in [
            ("policy.push_min=60", "policy.push_max (50)"),
            ("policy.audit_rate=2", "policy.audit_rate"),
            ("policy.new_hire_capacity=2", "policy.new_hire_capacity"),
            (
                "policy.performance_window_days=0",
                "policy.performance_window_days",
            ),
            (
                "policy.reclaim_timeout_hours=0",
                "policy.reclaim_timeout_hours",
            ),
            ("policy.push_max=100001", "policy.push_max"),
            ("policy.claim_appetite=100001", "policy.claim_appetite"),
        ] {
            let e = err(spec);
            assert!(e.contains(key), "{spec}: {e}");
        }
    }

    #[test]
    fn a_file_variant_may_change_keys_outside_the_policy() {
        let text = "[[variant]]\nname = \"base\"\n\n[[variant]]\nname = \"coached\"\n[variant.scenario]\norg.ride_alongs_per_month = 2\nleads = { marketing_per_day = 100 }\n";
        let s = Scenario::from_toml(text, "test").unwrap();
        let v = s.resolved_variants().unwrap();
        assert!(v[0].scenario.is_none());
        let changed = v[1].scenario.as_deref().unwrap();
        assert_eq!(changed.org.ride_alongs_per_month, 2);
        assert_eq!(changed.leads.marketing_per_day, 100);
        assert_eq!(changed.seed, s.seed);
        assert!(v[1].parameters.is_empty());
        let keys: Vec<String> = settings_in(&s.variants[1].scenario, "")
            .into_iter()
            .map(|s| format!("{}={}", s.key, s.text))
            .collect();
        assert_eq!(
            keys,
            ["leads.marketing_per_day=100", "org.ride_alongs_per_month=2"]
        );
    }
}
