//! The scenario: every number of the model as a TOML key with its MODEL.md default,
//! plus the policy variants to compare. `Scenario::default()` is the embedded
//! `beijing` scenario; `scenarios/beijing.toml` writes it out.

mod analysis;
mod behaviour;
mod checks;
pub mod customers;
mod diagnose;
mod files;
mod funnel;
mod names;
mod org;
mod policy;
mod policy_checks;
mod reference;
pub mod sensitivity;
mod settings;
mod shape;
mod validate;
mod values;
mod world;

pub use analysis::Analysis;
pub use behaviour::{Behaviour, CallOrder, RouteHeuristic};
pub use checks::number;
pub use files::{MAX_SCENARIO_BYTES, PATH_RULE, path_problem};
pub use funnel::{Desk, Funnel, Leads, Visits};
pub use org::{Attrition, Calendar, Day, Org, Skill};
pub use policy::{Assignment, LevelTimeouts, Policy, PushMode, PushOrder, Territory, TieBreak};
pub use reference::reference_markdown;
pub use sensitivity::{Factor, Sensitivity};
pub use settings::{FIXED_KEYS, Setting, settings_in};
pub use validate::{MAX_DAYS, MAX_REPLICATIONS, MAX_REPS, MAX_SEED};
pub use values::{ClockTime, Limit};
pub use world::{City, Companies, Mode, Office, Travel};

use serde::{Deserialize, Serialize};

/// The embedded default scenario, as shipped in `scenarios/beijing.toml`.
pub const BEIJING_TOML: &str = include_str!("../../scenarios/beijing.toml");

/// A whole scenario: the world, the people, the funnel, behaviour, a base policy and its variants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Scenario {
    /// Short name, used in outputs.
    pub name: String,
    /// What the scenario is for, in plain words (shown atop the report); a file that does
    /// not set it has none (the embedded default's is not inherited).
    pub description: String,
    /// Master seed: every random stream derives from (seed, replication, source, entity).
    pub seed: u64,
    /// Replications per variant.
    pub replications: u32,
    /// Variant every other is compared with. A file that leaves it out gets the first of
    /// its own `[[variant]]`s, or, when it lists none (keeping the embedded six), the
    /// embedded default's baseline (`alibaba`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<String>,
    /// Horizon and working week.
    pub calendar: Calendar,
    /// The rep's daily rhythm.
    pub day: Day,
    /// Teams, cohorts, hiring, coaching.
    pub org: Org,
    /// Skill and learning.
    pub skill: Skill,
    /// Optional attrition.
    pub attrition: Attrition,
    /// The generated city.
    pub city: City,
    /// Travel modes, speeds and noise.
    pub travel: Travel,
    /// Hidden company attributes.
    pub companies: Companies,
    /// Lead inflow.
    pub leads: Leads,
    /// Visit lengths and cold visits.
    pub visits: Visits,
    /// The funnel.
    pub funnel: Funnel,
    /// Evening desk work.
    pub desk: Desk,
    /// Rep behaviour (assumptions).
    pub behaviour: Behaviour,
    /// The base pool policy.
    pub policy: Policy,
    /// Branch offices and their teams (`[[office]]` tables); none means one office at the
    /// city centre with every team, and one territory.
    #[serde(rename = "office", skip_serializing_if = "Vec::is_empty")]
    pub offices: Vec<Office>,
    /// How the variants are ranked: the metric and the fairness floors.
    pub analysis: Analysis,
    /// What `salesim sensitivity` screens (`[sensitivity]`).
    pub sensitivity: Sensitivity,
    /// Policy variants to compare (`[[variant]]` tables).
    #[serde(rename = "variant")]
    pub variants: Vec<VariantSpec>,
    /// The customer list named by `city.companies_csv`, once read.
    #[serde(skip)]
    #[schemars(skip)]
    pub customers: Option<std::sync::Arc<customers::CustomerList>>,
}

/// A `[[variant]]` table: a name and the base-policy keys it overrides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct VariantSpec {
    /// Name used in outputs and on the command line.
    pub name: String,
    /// What the variant stands for.
    pub description: String,
    /// Keys of `[policy]` this variant sets differently.
    #[schemars(with = "Policy")]
    pub policy: toml::Table,
    /// Keys outside `[policy]` this variant sets differently, as nested tables or dotted
    /// keys (`org.ride_alongs_per_month = 2`); not `seed`, `replications`, `baseline`,
    /// `variant`, `analysis`, `name` or `description`.
    #[serde(skip_serializing_if = "toml::Table::is_empty")]
    #[schemars(with = "std::collections::BTreeMap<String, serde_json::Value>")]
    pub scenario: toml::Table,
}

impl Default for VariantSpec {
    fn default() -> Self {
        VariantSpec {
            name: String::new(),
            description: String::new(),
            policy: toml::Table::new(),
            scenario: toml::Table::new(),
        }
    }
}

/// A variant with its full policy (base policy plus the variant's overrides).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Variant {
    /// Variant name.
    pub name: String,
    /// What the variant stands for.
    pub description: String,
    /// The resolved policy.
    pub policy: Policy,
    /// Swept parameters and their values in this variant (`key path`, value as written);
    /// empty outside sweeps.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<(String, String)>,
    /// The scenario's variant a sweep built this one from (its `--variant`, else the
    /// baseline); `None` outside sweeps. With `parameters` it lets a reader of the
    /// manifest rebuild the variant's scenario.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    /// The scenario this variant runs in, when it changes keys outside `[policy]` (a
    /// sweep over, say, `leads.inflow_per_day`); `None` runs the experiment's scenario.
    #[serde(skip)]
    pub scenario: Option<std::sync::Arc<Scenario>>,
}

/// Why a scenario cannot be used. Every message names the file and key or line.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("cannot read scenario {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// The file is not valid TOML for the format (syntax, type, unknown key).
    #[error("{origin}: {message}")]
    Parse {
        /// The file, or "embedded default".
        origin: String,
        /// The parser's message, with line and column.
        message: String,
    },
    /// Keys hold values outside what is allowed.
    #[error("{origin}: invalid scenario:\n{}", .problems.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid {
        /// The file, or "embedded default".
        origin: String,
        /// One line per problem: `key.path: what is wrong; what is allowed`.
        problems: Vec<String>,
    },
}

fn variant(name: &str, description: &str, overrides: &[(&str, toml::Value)]) -> VariantSpec {
    VariantSpec {
        name: name.into(),
        description: description.into(),
        policy: overrides
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
        scenario: toml::Table::new(),
    }
}

fn text(v: &str) -> toml::Value {
    toml::Value::String(v.into())
}

fn int(v: i64) -> toml::Value {
    toml::Value::Integer(v)
}

impl Default for Scenario {
    fn default() -> Self {
        let variants = vec![
            variant(
                "hoarding",
                "The world before the rules: reps claim from the pool themselves, quicker and better-judging veterans first; no timeout, no private cap, no stale reclaim.",
                &[
                    ("assignment", text("self_claim")),
                    ("reclaim_timeout_hours", text("none")),
                    ("private_cap", text("none")),
                    ("stale_private_days", text("none")),
                    ("cooldown_days", text("none")),
                    ("claim_appetite", int(150)),
                ],
            ),
            variant(
                "free-claim",
                "Self-claiming with the baseline's timeout, cap, swap, stale reclaim and cooldown, and a daily claim limit of 50.",
                &[("assignment", text("self_claim")), ("claim_limit", int(50))],
            ),
            variant(
                "alibaba",
                "The baseline: the CRM pushes leads round robin; 48 h timeout; private cap 30 with the swap rule.",
                &[],
            ),
            variant(
                "strict",
                "The baseline with a 24 h timeout and a private cap of 15.",
                &[("reclaim_timeout_hours", int(24)), ("private_cap", int(15))],
            ),
            variant(
                "new-hire-priority",
                "Push; new hires are served first from the best-scored leads.",
                &[("assignment", text("new_hire_priority"))],
            ),
            variant(
                "performance-weighted",
                "Push; each rep's share is weighted by 1 + its wins in the last 30 days.",
                &[("assignment", text("performance_weighted"))],
            ),
        ];
        Scenario {
            name: "beijing".into(),
            description: "A Beijing-like field sales force of 96 reps in 12 teams over 120 working days, comparing six lead-pool policies from no rules to strict rules.".into(),
            seed: 20_261_127,
            replications: 100,
            baseline: Some("alibaba".into()),
            calendar: Calendar::default(),
            day: Day::default(),
            org: Org::default(),
            skill: Skill::default(),
            attrition: Attrition::default(),
            city: City::default(),
            travel: Travel::default(),
            companies: Companies::default(),
            leads: Leads::default(),
            visits: Visits::default(),
            funnel: Funnel::default(),
            desk: Desk::default(),
            behaviour: Behaviour::default(),
            policy: Policy::default(),
            offices: Vec::new(),
            analysis: Analysis::default(),
            sensitivity: Sensitivity::default(),
            variants,
            customers: None,
        }
    }
}

impl Scenario {
    /// Parses and validates scenario TOML; `origin` names the file in messages.
    pub fn from_toml(text: &str, origin: &str) -> Result<Scenario, ScenarioError> {
        let mut scenario: Scenario =
            diagnose::from_document(text).map_err(|message| ScenarioError::Parse {
                origin: origin.to_string(),
                message,
            })?;
        // The embedded default's description tells of its own 96 reps and six policies: a
        // file that does not describe itself has no description.
        let describes_itself = toml::from_str::<toml::Table>(text)
            .is_ok_and(|table| table.contains_key("description"));
        if !describes_itself {
            scenario.description = String::new();
        }
        // A file that keeps the embedded variants keeps their baseline too.
        let embedded = Scenario::default();
        if scenario.baseline.is_none() && scenario.variants == embedded.variants {
            scenario.baseline = embedded.baseline;
        }
        scenario.validate(origin)?;
        Ok(scenario)
    }

    /// The embedded default (`beijing`), parsed from the shipped TOML.
    pub fn embedded() -> Scenario {
        Scenario::from_toml(BEIJING_TOML, "embedded default")
            .expect("the embedded default scenario is valid")
    }

    /// The JSON Schema of scenario files (draft 2020-12), for editors that check TOML
    /// against a schema. Types, allowed words, defaults and descriptions come from the same
    /// definitions the parser uses; ranges and cross-field rules are checked by `validate`.
    pub fn json_schema() -> serde_json::Value {
        serde_json::to_value(schemars::schema_for!(Scenario)).expect("a schema always serialises")
    }

    /// Writes the scenario as TOML (every key, defaults filled in).
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("a scenario always serialises")
    }

    /// The variants with their full policies, in file order.
    pub fn resolved_variants(&self) -> Result<Vec<Variant>, ScenarioError> {
        self.variants
            .iter()
            .enumerate()
            .map(|(i, v)| self.resolve_variant(i, v))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|problem| ScenarioError::Invalid {
                origin: self.name.clone(),
                problems: vec![problem],
            })
    }

    fn resolve_variant(&self, index: usize, spec: &VariantSpec) -> Result<Variant, String> {
        let mut table = toml::Table::try_from(&self.policy).expect("a policy always serialises");
        for (key, value) in &spec.policy {
            table.insert(key.clone(), value.clone());
        }
        let policy: Policy = diagnose::from_value(
            toml::Value::Table(table),
            &format!("variant[{index}].policy"),
        )
        .map_err(|message| format!("{message} (variant {:?})", spec.name))?;
        let scenario = self
            .variant_scenario(index, &spec.name, &spec.scenario)
            .map_err(|message| format!("{message} (variant {:?})", spec.name))?;
        Ok(Variant {
            name: spec.name.clone(),
            description: spec.description.clone(),
            policy,
            parameters: Vec::new(),
            base: None,
            scenario,
        })
    }

    /// Index of the baseline variant: the named one, or the first.
    pub fn baseline_index(&self) -> usize {
        self.baseline
            .as_ref()
            .and_then(|b| self.variants.iter().position(|v| &v.name == b))
            .unwrap_or(0)
    }

    /// Working days variant `v` simulates: its own scenario's horizon, or a swept
    /// `calendar.days` recorded in its parameters, else this scenario's.
    pub fn variant_days(&self, v: &Variant) -> u32 {
        if let Some(own) = &v.scenario {
            return own.calendar.days;
        }
        v.parameters
            .iter()
            .find(|(key, _)| key == "calendar.days")
            .and_then(|(_, text)| text.parse().ok())
            .unwrap_or(self.calendar.days)
    }

    /// The horizon of `variants` in words: "120 working days", or "2 to 3 working days,
    /// each variant its own" when a variant (a sweep over `calendar.days`, say) changes it.
    pub fn horizon_text(&self, variants: &[Variant]) -> String {
        let days: Vec<u32> = variants.iter().map(|v| self.variant_days(v)).collect();
        let (low, high) = (
            days.iter().copied().min().unwrap_or(self.calendar.days),
            days.iter().copied().max().unwrap_or(self.calendar.days),
        );
        if low == high {
            format!("{low} working day{}", if low == 1 { "" } else { "s" })
        } else {
            format!("{low} to {high} working days, each variant its own")
        }
    }

    /// Total reps at the start.
    pub fn starting_reps(&self) -> u32 {
        self.org.veterans + self.org.new_hires
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_file_equals_embedded_default() {
        let from_file = Scenario::from_toml(BEIJING_TOML, "scenarios/beijing.toml").unwrap();
        assert_eq!(from_file, Scenario::default());
    }

    #[test]
    fn a_file_without_a_baseline_gets_the_embedded_one_or_its_own_first_variant() {
        let name = |s: &Scenario| s.variants[s.baseline_index()].name.clone();
        // Keeping the embedded six variants keeps their baseline (this file once compared
        // everything with `hoarding`, the first of them).
        let only_city = Scenario::from_toml("[city]\nsize_km = 40.0\n", "t").unwrap();
        assert_eq!(name(&only_city), "alibaba");
        let own = "[[variant]]\nname = \"a\"\n[[variant]]\nname = \"b\"\n";
        assert_eq!(name(&Scenario::from_toml(own, "t").unwrap()), "a");
        let named = format!("baseline = \"b\"\n{own}");
        assert_eq!(name(&Scenario::from_toml(&named, "t").unwrap()), "b");
    }

    #[test]
    fn the_horizon_in_words_follows_variants_that_change_it() {
        let s = Scenario::embedded();
        let variants = s.resolved_variants().unwrap();
        assert_eq!(s.horizon_text(&variants), "120 working days");
        let base = variants[2].clone();
        let swept: Vec<Variant> = ["2", "3"]
            .iter()
            .map(|d| {
                s.vary(
                    &base,
                    &[Setting::new("calendar.days", d)],
                    format!("days={d}"),
                )
                .unwrap()
            })
            .collect();
        assert_eq!(
            s.horizon_text(&swept),
            "2 to 3 working days, each variant its own"
        );
        // As a report reads it back: the variant's scenario is not saved, its parameters are.
        let mut read_back = swept[1].clone();
        read_back.scenario = None;
        assert_eq!(s.variant_days(&read_back), 3);
    }

    #[test]
    fn default_round_trips_through_toml() {
        let text = Scenario::default().to_toml();
        assert_eq!(
            Scenario::from_toml(&text, "round trip").unwrap(),
            Scenario::default()
        );
    }

    #[test]
    fn six_variants_resolve_with_their_overrides() {
        let variants = Scenario::default().resolved_variants().unwrap();
        let names: Vec<_> = variants.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "hoarding",
                "free-claim",
                "alibaba",
                "strict",
                "new-hire-priority",
                "performance-weighted"
            ]
        );
        assert_eq!(variants[0].policy.private_cap, Limit::None);
        assert_eq!(variants[0].policy.claim_appetite, 150);
        assert_eq!(variants[1].policy.claim_limit, Limit::At(50));
        assert_eq!(variants[3].policy.reclaim_timeout_hours, Limit::At(24));
        assert_eq!(variants[3].policy.private_cap, Limit::At(15));
        assert_eq!(variants[2].policy, Policy::default());
    }

    #[test]
    fn scenario_paths_must_stay_in_the_scenario_folder() {
        assert_eq!(path_problem("list.csv"), None);
        assert_eq!(path_problem("data/list.csv"), None);
        assert_eq!(path_problem("./data/list.csv"), None);
        for bad in [
            "/etc/passwd",
            "../list.csv",
            "data/../../list.csv",
            "",
            "  ",
        ] {
            let problem = path_problem(bad).unwrap_or_else(|| panic!("{bad:?} accepted"));
            assert!(problem.contains(PATH_RULE), "{problem}");
        }
        let mut s = Scenario::default();
        s.city.companies_csv = Some("/etc/passwd".into());
        let err = s.validate("test").unwrap_err().to_string();
        assert!(
            err.contains("city.companies_csv: \"/etc/passwd\" is an absolute path"),
            "{err}"
        );
    }

    #[test]
    fn a_link_leading_out_of_the_scenario_folder_is_refused() {
        let root = std::env::temp_dir().join(format!("salesim-links-{}", std::process::id()));
        let inner = root.join("study");
        std::fs::create_dir_all(&inner).unwrap();
        std::fs::write(root.join("outside.csv"), "id,x_km,y_km\nA,0,0\n").unwrap();
        std::fs::write(inner.join("inside.csv"), "id,x_km,y_km\nA,0,0\n").unwrap();
        let _ = std::fs::remove_file(inner.join("link.csv"));
        std::os::unix::fs::symlink(root.join("outside.csv"), inner.join("link.csv")).unwrap();
        let mut s = Scenario::default();
        s.city.companies_csv = Some("inside.csv".into());
        s.read_customers(&inner, "test").unwrap();
        assert_eq!(s.customers.as_ref().unwrap().rows.len(), 1);
        s.city.companies_csv = Some("link.csv".into());
        let err = s.read_customers(&inner, "test").unwrap_err().to_string();
        assert!(
            err.contains("city.companies_csv:") && err.contains("is a link leading outside"),
            "{err}"
        );
        // Checked again at read time, whatever validation said.
        s.city.companies_csv = Some("../outside.csv".into());
        let err = s.read_customers(&inner, "test").unwrap_err().to_string();
        assert!(err.contains("leads out of the scenario's folder"), "{err}");
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn oversized_or_binary_scenario_bytes_are_refused_before_parsing() {
        let big = vec![b'#'; MAX_SCENARIO_BYTES as usize + 1];
        let err = Scenario::from_bytes(&big, "big.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("too large for a scenario file"), "{err}");
        let err = Scenario::from_bytes(b"name = \"a\0\"", "nul.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("NUL"), "{err}");
        let err = Scenario::from_bytes(b"name = \"\xff\"", "bad.toml")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("not UTF-8 text (invalid byte at offset 8)"),
            "{err}"
        );
        assert_eq!(
            Scenario::from_bytes(BEIJING_TOML.as_bytes(), "b").unwrap(),
            Scenario::default()
        );
    }

    #[test]
    fn the_starting_stock_counts_towards_the_lead_bound() {
        let mut s = Scenario::default();
        s.calendar.days = 1;
        s.leads.marketing_per_day = 10_000_000;
        s.leads.initial_pool_days = 365;
        let err = s.validate("test").unwrap_err().to_string();
        assert!(err.contains("leads: a run could create about"), "{err}");
    }

    #[test]
    fn unknown_variant_key_is_named() {
        let mut s = Scenario::default();
        s.variants[1].policy.insert("privat_cap".into(), int(3));
        let err = s.resolved_variants().unwrap_err().to_string();
        assert!(err.contains("variant[1].policy.privat_cap: unknown key `privat_cap`; did you mean `private_cap`?"), "{err}");
        assert!(err.contains("(variant \"free-claim\")"), "{err}");
    }
}
