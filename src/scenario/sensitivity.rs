//! The `[sensitivity]` section: which assumptions `salesim sensitivity` screens, each
//! between a low and a high value, and how hard it looks (replications, Morris
//! trajectories and levels). It changes no simulated number of a plain run.

use super::{FIXED_KEYS, Scenario, ScenarioError, Setting};
use serde::{Deserialize, Serialize};

/// How `salesim sensitivity` screens the scenario's assumptions (`[sensitivity]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Sensitivity {
    /// Assumptions to screen, each `KEY=LOW,HIGH` (`"leads.marketing_per_day=400,1200"`,
    /// `"behaviour.call_private_leads=false,true"`); any key a sweep may set, `policy.*`
    /// keys changing the base policy (a variant that sets the key itself keeps its value).
    /// Empty: the default list (behaviour, supply and the calibrated numbers most open to
    /// doubt, each around this scenario's own value; see the README).
    pub vary: Vec<String>,
    /// Replications per variant at every point of the screen (common random numbers:
    /// replication r is the same world at every point).
    pub replications: u32,
    /// Morris trajectories (each costs one run per assumption, plus one); 0 runs the
    /// one-at-a-time (tornado) screen only.
    pub trajectories: u32,
    /// Morris grid levels (even, 2 to 20): each assumption takes values at
    /// 0, 1/(levels-1), ..., 1 of the way from its low to its high value.
    pub levels: u32,
}

impl Default for Sensitivity {
    fn default() -> Self {
        Sensitivity {
            vary: Vec::new(),
            replications: 5,
            trajectories: 4,
            levels: 4,
        }
    }
}

/// One assumption screened: a key and its low and high values.
#[derive(Debug, Clone, PartialEq)]
pub struct Factor {
    /// Dotted key path.
    pub key: String,
    /// The low value.
    pub low: Setting,
    /// The high value.
    pub high: Setting,
}

impl Factor {
    /// Parses `KEY=LOW,HIGH` (exactly two values). Messages quote the entry and say what
    /// is expected; the caller names where it came from.
    pub fn parse(spec: &str) -> Result<Factor, String> {
        let values = Setting::parse_list(spec).map_err(|e| {
            e.trim_start_matches("--set ")
                .replace("V1,V2,...", "LOW,HIGH")
                .replace("=24,48", "=24,96")
        })?;
        let factor = match <[Setting; 2]>::try_from(values) {
            Ok([low, high]) => Factor {
                key: low.key.clone(),
                low,
                high,
            },
            Err(values) => {
                return Err(format!(
                    "{spec:?}: give exactly two values, LOW,HIGH (got {})",
                    values.len()
                ));
            }
        };
        let same_number = factor.numbers().is_some_and(|(low, high, _)| low == high);
        if factor.low.value == factor.high.value || same_number {
            return Err(format!(
                "{spec:?}: LOW and HIGH are the same value; an assumption is screened between two different values"
            ));
        }
        if let Some((low, high, _)) = factor.numbers()
            && low > high
        {
            return Err(format!(
                "{spec:?}: LOW ({}) is above HIGH ({}); give the lower value first",
                factor.low.text, factor.high.text
            ));
        }
        Ok(factor)
    }

    /// The two values as numbers, when both are (and whether both are integers).
    fn numbers(&self) -> Option<(f64, f64, bool)> {
        let num = |v: &toml::Value| match v {
            toml::Value::Integer(i) => Some((*i as f64, true)),
            toml::Value::Float(f) => Some((*f, false)),
            _ => None,
        };
        let ((lo, li), (hi, hi_int)) = (num(&self.low.value)?, num(&self.high.value)?);
        Some((lo, hi, li && hi_int))
    }

    /// The setting a fraction `x` (0 = low, 1 = high) of the way along: numbers are
    /// interpolated (and rounded when both ends are integers); other values are the low one
    /// below one half and the high one from one half up.
    pub fn at(&self, x: f64) -> Setting {
        match self.numbers() {
            Some((lo, hi, integer)) => {
                let v = lo + x * (hi - lo);
                if integer {
                    Setting::new(&self.key, &format!("{}", v.round() as i64))
                } else {
                    Setting::new(&self.key, &format!("{}", (v * 1e9).round() / 1e9))
                }
            }
            None if x < 0.5 => self.low.clone(),
            None => self.high.clone(),
        }
    }

    /// Where `setting` (one of this factor's values) lies between low (0) and high (1).
    pub fn position(&self, setting: &Setting) -> f64 {
        match (self.numbers(), &setting.value) {
            (Some((lo, hi, _)), toml::Value::Integer(i)) if hi != lo => {
                (*i as f64 - lo) / (hi - lo)
            }
            (Some((lo, hi, _)), toml::Value::Float(f)) if hi != lo => (f - lo) / (hi - lo),
            (Some(_), _) => 0.0,
            (None, v) => f64::from(u8::from(*v == self.high.value)),
        }
    }

    /// The factor with whole-number ends written as decimals when `scenario`'s value of the
    /// key is a decimal (`travel.road_factor=1,2` means 1.0 to 2.0): whether the Morris
    /// grid rounds its levels follows the key's type, not how its ends were written.
    pub fn typed_for(self, scenario: &Scenario) -> Factor {
        if !matches!(value_at(scenario, &self.key), Some(toml::Value::Float(_))) {
            return self;
        }
        let decimal = |end: Setting| match end.value {
            toml::Value::Integer(i) => Setting::new(&end.key, &format!("{i}.0")),
            _ => end,
        };
        Factor {
            low: decimal(self.low),
            high: decimal(self.high),
            key: self.key,
        }
    }

    /// Whether both ends are numbers (so a flip point can be interpolated).
    pub fn is_numeric(&self) -> bool {
        self.numbers().is_some()
    }

    /// `KEY=LOW,HIGH`, as on the command line.
    pub fn spec(&self) -> String {
        format!("{}={},{}", self.key, self.low.text, self.high.text)
    }
}

/// How a default assumption's range is set from the scenario's own value.
enum Range {
    /// Both values given.
    Both(&'static str, &'static str),
    /// The base value times these factors (integers rounded; kept inside the key's
    /// allowed range, so probabilities stop at 1).
    Scale(f64, f64),
}

/// The default screen: the behavioural and supply assumptions of MODEL.md section 9 and
/// the calibrated numbers most open to doubt.
const DEFAULTS: &[(&str, Range)] = &[
    ("behaviour.call_private_leads", Range::Both("false", "true")),
    (
        "behaviour.call_order",
        Range::Both("assigned_first", "by_chance"),
    ),
    ("policy.push_order", Range::Both("newest", "best_scored")),
    // How many leads the push hands out: MODEL.md's 30–50 a day, or a top-up of the list.
    ("policy.push_mode", Range::Both("top_up", "add")),
    ("behaviour.claim_browse", Range::Scale(0.5, 2.0)),
    // The least judged chance an evening call books a visit at: booked visits go first on
    // the next day's route, so a lax threshold costs the day its quota (see the README).
    ("behaviour.book_min_chance", Range::Scale(0.5, 10.0)),
    ("leads.marketing_per_day", Range::Scale(0.5, 1.5)),
    ("leads.desk_per_rep", Range::Scale(0.0, 2.0)),
    ("funnel.window_mean_days", Range::Scale(0.5, 2.0)),
    ("funnel.cooling_half_life_days", Range::Scale(0.5, 2.0)),
    ("funnel.freshness_exponent", Range::Scale(0.5, 2.0)),
    ("companies.dm_in_alpha", Range::Scale(0.6, 1.6)),
    ("travel.road_factor", Range::Scale(0.85, 1.2)),
    ("desk.call_reach_prob", Range::Scale(0.6, 1.4)),
];

/// The value at dotted `path` of `scenario`, if there is one.
pub fn value_at(scenario: &Scenario, path: &str) -> Option<toml::Value> {
    value_in(&toml::Table::try_from(scenario).ok()?, path).cloned()
}

/// The value at dotted `path` of a TOML `table` (a scenario or a policy written as TOML).
pub fn value_in<'t>(table: &'t toml::Table, path: &str) -> Option<&'t toml::Value> {
    let mut parts = path.split('.');
    let mut here = table.get(parts.next()?)?;
    for part in parts {
        here = here.as_table()?.get(part)?;
    }
    Some(here)
}

/// The default assumptions for `scenario`, each around the scenario's own value and
/// inside the key's allowed range; an assumption whose range is empty there (a base value
/// of 0 scaled, or a value at the edge of what is allowed) is left out.
pub fn default_factors(scenario: &Scenario) -> Vec<Factor> {
    DEFAULTS
        .iter()
        .filter_map(|(key, range)| {
            let (low, high) = match range {
                Range::Both(l, h) => (l.to_string(), h.to_string()),
                Range::Scale(a, b) => match value_at(scenario, key)? {
                    toml::Value::Integer(i) => {
                        let end = |factor: f64| {
                            let wanted = (i as f64 * factor).round() as i64;
                            allowed_integer(scenario, key, i, wanted).to_string()
                        };
                        (end(*a), end(*b))
                    }
                    toml::Value::Float(f) => {
                        let end = |factor: f64| {
                            format!("{:?}", allowed_float(scenario, key, f, f * factor))
                        };
                        (end(*a), end(*b))
                    }
                    _ => return None,
                },
            };
            // A negative base value scales to ends in the other order.
            let spec = |a: &str, b: &str| Factor::parse(&format!("{key}={a},{b}"));
            (low != high).then(|| spec(&low, &high).or_else(|_| spec(&high, &low)).ok())?
        })
        .collect()
}

/// Whether `scenario` with `key` set to `text` is valid.
fn accepts(scenario: &Scenario, key: &str, text: &str) -> bool {
    scenario.assuming(&[Setting::new(key, text)]).is_ok()
}

/// `wanted`, or the integer nearest to it between the scenario's own value `base` and
/// `wanted` that the scenario accepts (by bisection; the ranges are intervals).
fn allowed_integer(scenario: &Scenario, key: &str, base: i64, wanted: i64) -> i64 {
    if accepts(scenario, key, &wanted.to_string()) {
        return wanted;
    }
    let (mut good, mut bad) = (base, wanted);
    while (bad - good).abs() > 1 {
        let mid = good + (bad - good) / 2;
        if accepts(scenario, key, &mid.to_string()) {
            good = mid;
        } else {
            bad = mid;
        }
    }
    good
}

/// `wanted` rounded to 6 decimals, or the number nearest to it between the scenario's own
/// value `base` and `wanted` that the scenario accepts (by bisection; the ranges are
/// intervals), so that `road_factor = 1` (its least allowed value) is screened from 1 up
/// and a probability stops at 1.
fn allowed_float(scenario: &Scenario, key: &str, base: f64, wanted: f64) -> f64 {
    let round = |x: f64| (x * 1e6).round() / 1e6;
    let ok = |x: f64| accepts(scenario, key, &format!("{x:?}"));
    if ok(round(wanted)) {
        return round(wanted);
    }
    let (mut good, mut bad) = (base, wanted);
    for _ in 0..64 {
        let mid = good + (bad - good) / 2.0;
        if mid == good || mid == bad {
            break;
        }
        if ok(mid) {
            good = mid;
        } else {
            bad = mid;
        }
    }
    if ok(round(good)) { round(good) } else { good }
}

impl Scenario {
    /// The assumptions `salesim sensitivity` screens: `[sensitivity] vary`, or the default
    /// list when it is empty. Errors name the entry.
    pub fn sensitivity_factors(&self) -> Result<Vec<Factor>, String> {
        if self.sensitivity.vary.is_empty() {
            return Ok(default_factors(self));
        }
        self.sensitivity
            .vary
            .iter()
            .enumerate()
            .map(|(i, spec)| {
                Factor::parse(spec)
                    .map(|f| f.typed_for(self))
                    .map_err(|e| format!("sensitivity.vary[{i}]: {e}"))
            })
            .collect()
    }

    /// A copy of the whole scenario (its variants and baseline kept) with `settings`
    /// applied: `policy.*` keys change the base policy, other keys their section; checked
    /// as a file would be. Keys that define the study (seed, replications, variants,
    /// analysis, sensitivity) are refused.
    pub fn assuming(&self, settings: &[Setting]) -> Result<Scenario, ScenarioError> {
        let origin = format!("{} with --vary", self.name);
        let invalid = |problem: String| ScenarioError::Invalid {
            origin: origin.clone(),
            problems: vec![problem],
        };
        let mut table = toml::Table::try_from(self).expect("a scenario always serialises");
        for s in settings {
            let top = s.key.split('.').next().unwrap_or_default();
            if FIXED_KEYS.contains(&top) {
                return Err(invalid(format!(
                    "{}: {top:?} defines the study and cannot be screened; allowed are the world, people, funnel, behaviour and policy sections",
                    s.key
                )));
            }
            super::settings::set_path(&mut table, &s.key, s.value.clone()).map_err(invalid)?;
        }
        let mut changed: Scenario =
            super::diagnose::from_value(toml::Value::Table(table), "").map_err(invalid)?;
        self.same_customers(&changed, "").map_err(invalid)?;
        changed.customers = self.customers.clone();
        // The screen's own settings are not needed (and not re-checked) in a screened copy.
        changed.sensitivity = Sensitivity::default();
        changed.validate(&origin)?;
        Ok(changed)
    }
}

/// The rules of `[sensitivity]`, for the key reference.
pub const RULES: &[(&str, &str)] = &[
    (
        "sensitivity.vary",
        "entries KEY=LOW,HIGH naming keys a sweep may set",
    ),
    ("sensitivity.replications", "2 to 1000000"),
    ("sensitivity.trajectories", "0 to 1000"),
    ("sensitivity.levels", "an even number from 2 to 20"),
];

/// What is wrong with `scenario`'s `[sensitivity]` section, each problem naming its key.
pub fn problems(scenario: &Scenario) -> Vec<String> {
    let s = &scenario.sensitivity;
    let mut out = Vec::new();
    if !(2..=super::MAX_REPLICATIONS).contains(&s.replications) {
        out.push(format!(
            "sensitivity.replications: {} is not allowed; expected 2 to {} (an interval needs two)",
            s.replications,
            super::MAX_REPLICATIONS
        ));
    }
    if s.trajectories > 1000 {
        out.push(format!(
            "sensitivity.trajectories: {} is not allowed; expected 0 to 1000",
            s.trajectories
        ));
    }
    if !(2..=20).contains(&s.levels) || !s.levels.is_multiple_of(2) {
        out.push(format!(
            "sensitivity.levels: {} is not allowed; expected an even number from 2 to 20",
            s.levels
        ));
    }
    for (i, spec) in s.vary.iter().enumerate() {
        let at = format!("sensitivity.vary[{i}]");
        match Factor::parse(spec) {
            Err(e) => out.push(format!("{at}: {e}")),
            Ok(f) => {
                if s.vary[..i]
                    .iter()
                    .any(|o| Factor::parse(o).is_ok_and(|o| o.key == f.key))
                {
                    out.push(format!("{at}: {} is screened twice", f.key));
                }
                for end in [&f.low, &f.high] {
                    if let Err(e) = scenario.assuming(std::slice::from_ref(end)) {
                        let why = match e {
                            ScenarioError::Invalid { problems, .. } => problems.join("; "),
                            other => other.to_string(),
                        };
                        out.push(format!("{at}: {why}"));
                        break;
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factors_interpolate_numbers_and_switch_choices_at_one_half() {
        // A decimal key written with whole numbers keeps its grid's middle levels.
        let base = Scenario::embedded();
        let road = Factor::parse("travel.road_factor=1,2")
            .unwrap()
            .typed_for(&base);
        assert_eq!(road.at(1.0 / 3.0).text, "1.333333333");
        assert_eq!(road.spec(), "travel.road_factor=1.0,2.0");
        let desk = Factor::parse("leads.desk_per_rep=1,4")
            .unwrap()
            .typed_for(&base);
        assert_eq!(desk.at(1.0 / 3.0).text, "2");
        for (bad, why) in [
            ("leads.marketing_per_day=400,400", "the same value"),
            ("leads.marketing_per_day=1200,400", "is above HIGH"),
            ("funnel.freshness_exponent=0.7,0.70", "the same value"),
            ("travel.road_factor=1,1.0", "the same value"),
            ("behaviour.call_private_leads=true,true", "the same value"),
            ("policy.private_cap=none,\"none\"", "the same value"),
        ] {
            let e = Factor::parse(bad).unwrap_err();
            assert!(e.contains(why), "{bad}: {e}");
        }
        // Choices have no order.
        assert!(Factor::parse("behaviour.call_private_leads=true,false").is_ok());
        let f = Factor::parse("leads.marketing_per_day=400,1200").unwrap();
        assert_eq!(f.at(0.0).text, "400");
        assert_eq!(f.at(1.0 / 3.0).text, "667");
        assert_eq!(f.at(1.0).text, "1200");
        assert!((f.position(&f.at(1.0 / 3.0)) - 267.0 / 800.0).abs() < 1e-12);
        let g = Factor::parse("funnel.freshness_exponent=0.35,1.4").unwrap();
        assert_eq!(g.at(2.0 / 3.0).text, "1.05");
        let b = Factor::parse("behaviour.call_private_leads=false,true").unwrap();
        assert_eq!(b.at(1.0 / 3.0).value, toml::Value::Boolean(false));
        assert_eq!(b.at(2.0 / 3.0).value, toml::Value::Boolean(true));
        assert_eq!(b.position(&b.at(2.0 / 3.0)), 1.0);
        assert!(!b.is_numeric() && f.is_numeric());
        assert!(Factor::parse("leads.marketing_per_day=1,2,3").is_err());
    }

    #[test]
    fn the_default_screen_sits_around_the_scenarios_own_values() {
        let s = Scenario::embedded();
        let factors = default_factors(&s);
        assert_eq!(factors.len(), DEFAULTS.len());
        let spec = |key: &str| factors.iter().find(|f| f.key == key).unwrap().spec();
        assert_eq!(
            spec("leads.marketing_per_day"),
            "leads.marketing_per_day=400,1200"
        );
        assert_eq!(spec("desk.call_reach_prob"), "desk.call_reach_prob=0.3,0.7");
        for f in &factors {
            for end in [&f.low, &f.high] {
                s.assuming(std::slice::from_ref(end))
                    .unwrap_or_else(|e| panic!("{}: {e}", f.spec()));
            }
        }
    }

    #[test]
    fn default_ranges_stay_inside_what_each_key_allows() {
        // Valid scenarios whose values sit at the edge of a key's range: the scaled ends
        // would step outside it, so they stop at the edge (once refused as a bad --vary).
        let text = "[travel]\nroad_factor = 1.0\n[funnel]\nfreshness_exponent = 10.0\n\
                    [behaviour]\nclaim_browse = 1000000\n[desk]\ncall_reach_prob = 0.9\n";
        let s = Scenario::from_toml(text, "edge").unwrap();
        let factors = default_factors(&s);
        let spec = |key: &str| factors.iter().find(|f| f.key == key).map(|f| f.spec());
        assert_eq!(
            spec("travel.road_factor").unwrap(),
            "travel.road_factor=1.0,1.2"
        );
        assert_eq!(
            spec("desk.call_reach_prob").unwrap(),
            "desk.call_reach_prob=0.54,1.0"
        );
        let claim = spec("behaviour.claim_browse").unwrap();
        assert!(
            claim.starts_with("behaviour.claim_browse=500000,"),
            "{claim}"
        );
        let fresh = spec("funnel.freshness_exponent").unwrap();
        assert!(
            fresh.starts_with("funnel.freshness_exponent=5.0,"),
            "{fresh}"
        );
        for f in &factors {
            for end in [&f.low, &f.high] {
                s.assuming(std::slice::from_ref(end))
                    .unwrap_or_else(|e| panic!("{}: {e}", f.spec()));
            }
            assert_ne!(f.low.value, f.high.value, "{}", f.spec());
        }
    }

    #[test]
    fn assuming_changes_the_base_policy_and_keeps_the_variants() {
        let s = Scenario::embedded();
        let changed = s
            .assuming(&[Setting::new("policy.push_order", "best_scored")])
            .unwrap();
        assert_eq!(changed.variants.len(), s.variants.len());
        let v = changed.resolved_variants().unwrap();
        assert!(
            v.iter()
                .all(|v| format!("{:?}", v.policy.push_order) == "BestScored")
        );
        let err = s
            .assuming(&[Setting::new("seed", "3")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("defines the study"), "{err}");
        let err = s
            .assuming(&[Setting::new("leads.marketing_per_dya", "3")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("marketing_per_dya"), "{err}");
    }
}
