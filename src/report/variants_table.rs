//! The report's table of variants: what each stands for and what it changes against the
//! baseline (swept parameters, policy keys, and keys outside the policy).

use super::Study;
use super::html::{Cell, table};

/// Whether some variant of the study changes keys outside `[policy]` (a sweep over
/// `leads.marketing_per_day`, or coaching's ride-alongs): then the variants are not just
/// policies, and the scenario's numbers are not every variant's.
pub(super) fn changes_outside_policy(study: &Study) -> bool {
    study.results.variants.iter().any(|v| {
        v.parameters.iter().any(|(k, _)| !k.starts_with("policy."))
            || study
                .scenario
                .variants
                .iter()
                .any(|spec| spec.name == v.name && !spec.scenario.is_empty())
    })
}

/// Every key of `value` as `path = value` leaves, in key order.
fn leaves(prefix: &str, value: &serde_json::Value, out: &mut Vec<(String, String)>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                leaves(&path, v, out);
            }
        }
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

/// What variant `v` sets differently from the baseline: swept parameters, policy keys and
/// scenario keys, as `key = value (baseline: value)`.
fn changes(study: &Study, v: usize) -> Vec<String> {
    let variant = &study.results.variants[v];
    let base = &study.results.variants[study.analysis.baseline];
    let mut out: Vec<String> = variant
        .parameters
        .iter()
        .filter_map(|(k, value)| {
            let old = base.parameters.iter().find(|(b, _)| b == k).map(|(_, o)| o);
            match old {
                Some(o) if o == value => None,
                Some(o) => Some(format!("{k} = {value} (baseline: {o})")),
                None => Some(format!("{k} = {value}")),
            }
        })
        .collect();
    // Keys the sweep set alike in both are not changes, nor are policy keys they imply.
    let swept: Vec<&str> = variant.parameters.iter().map(|(k, _)| k.as_str()).collect();
    let flat = |p: &crate::scenario::Policy| {
        let mut l = Vec::new();
        leaves(
            "policy",
            &serde_json::to_value(p).unwrap_or_default(),
            &mut l,
        );
        l
    };
    let (mine, theirs) = (flat(&variant.policy), flat(&base.policy));
    for (key, value) in &mine {
        let old = theirs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str());
        if old != Some(value.as_str()) && !swept.contains(&key.as_str()) {
            out.push(format!(
                "{key} = {value} (baseline: {})",
                old.unwrap_or("unset")
            ));
        }
    }
    // Keys outside the policy that either variant sets in its own `[variant.scenario]`.
    let (mine, theirs) = (
        own_settings(study, &variant.name),
        own_settings(study, &base.name),
    );
    let setting = |list: &[(String, String)], key: &str| {
        list.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
    };
    for (key, value) in &mine {
        let old = setting(&theirs, key).or_else(|| scenario_value(study, key));
        if old.as_ref() != Some(value) {
            out.push(format!(
                "{key} = {value} (baseline: {})",
                old.unwrap_or_else(|| "unset".into())
            ));
        }
    }
    for (key, old) in &theirs {
        if setting(&mine, key).is_none() {
            let value = scenario_value(study, key).unwrap_or_else(|| "unset".into());
            if &value != old {
                out.push(format!("{key} = {value} (baseline: {old})"));
            }
        }
    }
    out
}

/// The keys outside `[policy]` the scenario's variant `name` sets itself, as (key, value
/// as written); none for a variant the file does not declare (a sweep's).
fn own_settings(study: &Study, name: &str) -> Vec<(String, String)> {
    study
        .scenario
        .variants
        .iter()
        .find(|s| s.name == name)
        .map(|spec| {
            crate::scenario::settings_in(&spec.scenario, "")
                .into_iter()
                .map(|s| (s.key, s.text))
                .collect()
        })
        .unwrap_or_default()
}

/// The scenario's own value of `key` (a dotted path such as `org.ride_alongs_per_month`),
/// as text.
fn scenario_value(study: &Study, key: &str) -> Option<String> {
    crate::scenario::sensitivity::value_at(&study.scenario, key).map(|v| match v {
        toml::Value::String(text) => text,
        other => other.to_string(),
    })
}

/// The variants: name, description, and what each changes against the baseline.
pub fn variants(study: &Study) -> String {
    let rows: Vec<Vec<Cell>> = (0..study.results.variants.len())
        .map(|v| {
            let variant = &study.results.variants[v];
            let changed = if v == study.analysis.baseline {
                let mut text = "the baseline".to_string();
                for (key, value) in variant
                    .parameters
                    .iter()
                    .cloned()
                    .chain(own_settings(study, &variant.name))
                {
                    text.push_str(&format!("; {key} = {value}"));
                }
                text
            } else {
                let c = changes(study, v);
                if c.is_empty() {
                    "nothing (the same settings as the baseline)".into()
                } else {
                    c.join("; ")
                }
            };
            vec![
                Cell::text(&variant.name),
                Cell::text(&variant.description),
                Cell::text(&changed),
            ]
        })
        .collect();
    format!(
        "<h2>The variants</h2>\n{}",
        table(
            &[
                "variant".into(),
                "what it stands for".into(),
                "what it changes".into()
            ],
            &rows
        )
    )
}
