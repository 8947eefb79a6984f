//! Changing keys by path: `policy.reclaim_hours = 24` on a variant, `leads.inflow_per_day
//! = 800` on the scenario. Used by sweeps (and anything else that varies assumptions):
//! the changed scenario is parsed and validated exactly like a file, so a bad value gets
//! the same message naming the key.

use super::{Scenario, ScenarioError, Variant, diagnose};
use std::sync::Arc;

/// One `KEY=VALUE` setting: a dotted key path and a TOML value.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    /// Dotted key path, e.g. `policy.reclaim_hours`.
    pub key: String,
    /// The value.
    pub value: toml::Value,
    /// The value as written (for column values and names).
    pub text: String,
}

impl Setting {
    /// A setting of `key` to `text`, read as a TOML value (`24`, `0.5`, `true`,
    /// `"newest"`), or as a string when it is not one (so `newest` works unquoted).
    pub fn new(key: &str, text: &str) -> Setting {
        let text = text.trim();
        let value = format!("v = {text}")
            .parse::<toml::Table>()
            .ok()
            .and_then(|mut t| t.remove("v"))
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
            format!("--set {spec:?}: expected KEY=V1,V2,..., e.g. policy.reclaim_hours=24,48")
        })?;
        let key = key.trim();
        if key.is_empty() || key.split('.').any(str::is_empty) {
            return Err(format!("--set {spec:?}: {key:?} is not a dotted key path"));
        }
        let values: Vec<&str> = values.split(',').map(str::trim).collect();
        if values.iter().any(|v| v.is_empty()) {
            return Err(format!("--set {key}: empty value in {spec:?}"));
        }
        Ok(values.into_iter().map(|v| Setting::new(key, v)).collect())
    }

    /// Whether the setting changes the variant's policy rather than the scenario.
    pub fn is_policy(&self) -> bool {
        self.key.starts_with("policy.")
    }
}

/// Puts `value` at dotted `path` in `table`, creating no new tables: every part but the
/// last must name an existing table, or the error says which part does not.
fn set_path(table: &mut toml::Table, path: &str, value: toml::Value) -> Result<(), String> {
    let parts: Vec<&str> = path.split('.').collect();
    let (last, parents) = parts.split_last().expect("split gives at least one part");
    let mut here = table;
    for (i, part) in parents.iter().enumerate() {
        here = match here.get_mut(*part) {
            Some(toml::Value::Table(t)) => t,
            _ => {
                return Err(format!(
                    "{}: no such section in a scenario",
                    parts[..=i].join(".")
                ));
            }
        };
    }
    here.insert((*last).to_string(), value);
    Ok(())
}

impl Scenario {
    /// `base` with `settings` applied, named `name`: `policy.*` keys change its policy,
    /// other keys a copy of this scenario (kept in the variant). The result is checked as
    /// a file would be; errors name the key and say what is allowed.
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
        let mut policy = toml::Table::try_from(&base.policy).expect("a policy always serialises");
        let mut scenario = None;
        for s in settings {
            if let Some(key) = s.key.strip_prefix("policy.") {
                set_path(&mut policy, key, s.value.clone())
                    .map_err(|p| invalid(format!("policy.{p}")))?;
            } else {
                let table = scenario.get_or_insert_with(|| {
                    toml::Table::try_from(self).expect("a scenario always serialises")
                });
                set_path(table, &s.key, s.value.clone()).map_err(invalid)?;
            }
        }
        let policy = diagnose::from_value(toml::Value::Table(policy), "policy").map_err(invalid)?;
        let scenario = match scenario {
            None => None,
            Some(table) => {
                let mut changed: Scenario =
                    diagnose::from_value(toml::Value::Table(table), "").map_err(invalid)?;
                if changed.city.companies_csv != self.city.companies_csv {
                    return Err(invalid(
                        "city.companies_csv: a sweep cannot change the customer list".into(),
                    ));
                }
                changed.customers = self.customers.clone();
                changed.validate(&format!("{} with --set", self.name))?;
                Some(Arc::new(changed))
            }
        };
        let mut variant = Variant {
            name,
            description: base.description.clone(),
            policy,
            parameters: base.parameters.clone(),
            scenario: scenario.or_else(|| base.scenario.clone()),
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
        assert_eq!(
            Setting::new("a", "\"12:30\"").value,
            toml::Value::String("12:30".into())
        );
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
        let e = err("policy.assignment=lottery");
        assert!(e.contains("policy.assignment"), "{e}");
    }
}
