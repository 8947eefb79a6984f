//! A study's identity: what was asked for (scenario, variants, analysis flags, salesim
//! version), with a hash that says whether two output folders hold the same study and
//! plain words for how two studies differ.

use crate::scenario::{Scenario, Variant};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Which command a study came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StudyKind {
    /// `salesim run`: the scenario's variants.
    Run,
    /// `salesim sweep`: a grid of settings as variants of one base variant.
    Sweep,
    /// `salesim sensitivity`: an assumption screen (resumable, not sharded).
    Sensitivity,
}

impl StudyKind {
    /// The subcommand's name.
    pub fn command(self) -> &'static str {
        match self {
            StudyKind::Run => "run",
            StudyKind::Sweep => "sweep",
            StudyKind::Sensitivity => "sensitivity",
        }
    }
}

/// The command-line choices that shape a study's results (not threads, output folder or
/// report): what `salesim merge` needs to rebuild the study from a shard.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StudyArgs {
    /// A sweep's `--set KEY=V1,V2` values, as given.
    pub sets: Vec<String>,
    /// `--variant` names, as given.
    pub variants: Vec<String>,
    /// `--metric`, when given.
    pub metric: Option<String>,
    /// `--fairness-floor` values, as given.
    pub fairness_floors: Vec<String>,
    /// `--precision`, when given, with `--min-replications` and `--max-replications`.
    pub precision: Option<(f64, u32, u32)>,
    /// Further flags of the command that change results (a screen's `--vary`, ...), as given.
    pub other: Vec<String>,
}

impl StudyArgs {
    /// The choices as the flags that make them (`--variant alibaba --metric leads_won`), or
    /// "no such flags".
    pub fn as_flags(&self) -> String {
        let mut flags: Vec<String> = Vec::new();
        let mut add = |flag: &str, value: &str| flags.push(format!("{flag} {value}"));
        for s in &self.sets {
            add("--set", s);
        }
        for v in &self.variants {
            add("--variant", v);
        }
        if let Some(m) = &self.metric {
            add("--metric", m);
        }
        for f in &self.fairness_floors {
            add("--fairness-floor", f);
        }
        if let Some((share, min, max)) = self.precision {
            add("--precision", &share.to_string());
            add("--min-replications", &min.to_string());
            add("--max-replications", &max.to_string());
        }
        flags.extend(self.other.iter().cloned());
        if flags.is_empty() {
            "no such flags".into()
        } else {
            flags.join(" ")
        }
    }
}

/// What a study is: enough to recognise it again, to say how another differs, and to
/// rebuild it (with [`Study::scenario`]) for `salesim merge`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Study {
    /// The salesim version that ran it.
    pub salesim_version: String,
    /// The command.
    pub kind: StudyKind,
    /// Where the scenario came from: a file path or "embedded default".
    pub scenario_source: String,
    /// A shell command that reruns the study.
    pub command: String,
    /// The scenario as run (command-line overrides applied), as TOML with every key.
    pub scenario: String,
    /// A digest of the customer list read from `city.companies_csv`, when there is one.
    pub customers: Option<String>,
    /// The command-line choices.
    pub args: StudyArgs,
    /// The names of the variants run, in output order.
    pub variants: Vec<String>,
    /// The identity: a hash of the version, the command, the scenario, the customers, the
    /// choices and the resolved variants (16 hexadecimal digits, FNV-1a 64).
    pub hash: String,
}

impl Study {
    /// The study of `kind` that runs `variants` of `scenario` with the choices `args`;
    /// `customers` is the digest of the scenario's customer list ([`customers_digest`]).
    pub fn new(
        kind: StudyKind,
        scenario: &Scenario,
        scenario_source: &str,
        command: &str,
        args: StudyArgs,
        variants: &[Variant],
        customers: Option<String>,
    ) -> Study {
        let toml = scenario.to_toml();
        let mut hasher = Fnv64::new();
        let identity = serde_json::json!({
            "salesim_version": env!("CARGO_PKG_VERSION"),
            "kind": kind,
            "scenario": toml,
            "customers": customers,
            "args": args,
            "variants": variants,
        });
        hasher.write(identity.to_string().as_bytes());
        Study {
            salesim_version: env!("CARGO_PKG_VERSION").to_string(),
            kind,
            scenario_source: scenario_source.to_string(),
            command: command.to_string(),
            scenario: toml,
            customers,
            args,
            variants: variants.iter().map(|v| v.name.clone()).collect(),
            hash: hasher.hex(),
        }
    }

    /// The scenario's seed, read back from its TOML (0 when it cannot be read).
    pub fn seed(&self) -> u64 {
        self.scenario_table()
            .get("seed")
            .and_then(toml::Value::as_integer)
            .map_or(0, |s| s as u64)
    }

    /// The scenario's name, read back from its TOML.
    pub fn scenario_name(&self) -> String {
        self.scenario_table()
            .get("name")
            .and_then(toml::Value::as_str)
            .unwrap_or("")
            .to_string()
    }

    fn scenario_table(&self) -> toml::Table {
        self.scenario.parse::<toml::Table>().unwrap_or_default()
    }

    /// A one-line description: command, scenario, seed, variants and version.
    pub fn describe(&self) -> String {
        format!(
            "a `salesim {}` of scenario {} (seed {}, variants {}) by salesim {}",
            self.kind.command(),
            self.scenario_name(),
            self.seed(),
            self.variants.join(", "),
            self.salesim_version
        )
    }

    /// How `self` (a saved study) differs from `now`, in plain words, most telling first:
    /// the version, the command, the seed, the scenario keys (at most a few named), the
    /// customer list, the choices, the variants. Empty when they are the same study.
    pub fn differences(&self, now: &Study) -> Vec<String> {
        if self.hash == now.hash {
            return Vec::new();
        }
        let mut why = Vec::new();
        if self.salesim_version != now.salesim_version {
            why.push(format!(
                "it was written by salesim {}, this is salesim {}",
                self.salesim_version, now.salesim_version
            ));
        }
        if self.kind != now.kind {
            why.push(format!(
                "it is a `salesim {}`, this is a `salesim {}`",
                self.kind.command(),
                now.kind.command()
            ));
        }
        if self.seed() != now.seed() {
            why.push(format!(
                "its seed is {}, this run's is {}",
                self.seed(),
                now.seed()
            ));
        }
        let (old, new) = (
            flatten(&self.scenario_table()),
            flatten(&now.scenario_table()),
        );
        let keys: Vec<String> = old
            .keys()
            .chain(new.keys())
            .filter(|k| k.as_str() != "seed" && old.get(*k) != new.get(*k))
            .cloned()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        if !keys.is_empty() {
            let shown = |v: Option<&String>| v.cloned().unwrap_or_else(|| "(absent)".into());
            let listed: Vec<String> = keys
                .iter()
                .take(5)
                .map(|k| format!("{k} {} -> {}", shown(old.get(k)), shown(new.get(k))))
                .collect();
            let more = keys.len().saturating_sub(5);
            why.push(format!(
                "its scenario differs: {}{}",
                listed.join(", "),
                if more > 0 {
                    format!(" and {more} more key(s)")
                } else {
                    String::new()
                }
            ));
        }
        if self.customers != now.customers {
            why.push("its customer list (city.companies_csv) differs".into());
        }
        if self.args != now.args {
            why.push(format!(
                "its command-line choices differ: {}, this run's {}",
                self.args.as_flags(),
                now.args.as_flags()
            ));
        }
        if self.variants != now.variants {
            why.push(format!(
                "its variants are {}, this run's are {}",
                self.variants.join(", "),
                now.variants.join(", ")
            ));
        }
        if why.is_empty() {
            why.push(format!(
                "its study differs (identity {}, this run's {})",
                self.hash, now.hash
            ));
        }
        why
    }
}

/// The digest of the customer list `scenario` read from `city.companies_csv`, if any.
pub fn customers_digest(scenario: &Scenario) -> Option<String> {
    scenario.customers.as_ref().map(|list| {
        let mut hasher = Fnv64::new();
        hasher.write_debug(&list.rows);
        hasher.hex()
    })
}

/// Every leaf of `table` by dotted key, as TOML text.
fn flatten(table: &toml::Table) -> BTreeMap<String, String> {
    fn walk(prefix: &str, value: &toml::Value, out: &mut BTreeMap<String, String>) {
        match value {
            toml::Value::Table(t) => {
                for (k, v) in t {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&key, v, out);
                }
            }
            other => {
                out.insert(prefix.to_string(), other.to_string());
            }
        }
    }
    let mut out = BTreeMap::new();
    for (k, v) in table {
        walk(k, v, &mut out);
    }
    out
}

/// The 64-bit FNV-1a hash (Fowler, Noll and Vo; IETF draft-eastlake-fnv): stable across
/// platforms and Rust versions, unlike the standard library's hasher. Not for security.
pub struct Fnv64(u64);

impl Fnv64 {
    /// A hasher in its initial state (the FNV offset basis).
    pub fn new() -> Fnv64 {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }

    /// Hashes `bytes` in.
    pub fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    /// Hashes in the `Debug` text of `value`, without building it in memory.
    pub fn write_debug(&mut self, value: &impl std::fmt::Debug) {
        use std::fmt::Write;
        let _ = write!(self, "{value:?}");
    }

    /// The hash as 16 lowercase hexadecimal digits.
    pub fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

impl Default for Fnv64 {
    fn default() -> Self {
        Fnv64::new()
    }
}

impl std::fmt::Write for Fnv64 {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.write(s.as_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn study(scenario: &Scenario, args: StudyArgs) -> Study {
        let variants = scenario.resolved_variants().unwrap();
        Study::new(
            StudyKind::Run,
            scenario,
            "embedded default",
            "salesim run",
            args,
            &variants,
            None,
        )
    }

    #[test]
    fn fnv_matches_published_test_vectors() {
        // From the FNV reference test suite (draft-eastlake-fnv, FNV-1a 64).
        let hash = |s: &str| {
            let mut h = Fnv64::new();
            h.write(s.as_bytes());
            h.hex()
        };
        assert_eq!(hash(""), "cbf29ce484222325");
        assert_eq!(hash("a"), "af63dc4c8601ec8c");
        assert_eq!(hash("foobar"), "85944171f73967e8");
    }

    #[test]
    fn same_study_same_hash_and_no_differences() {
        let a = study(&Scenario::embedded(), StudyArgs::default());
        let b = study(&Scenario::embedded(), StudyArgs::default());
        assert_eq!(a.hash, b.hash);
        assert!(a.differences(&b).is_empty());
        assert_eq!(a.seed(), Scenario::embedded().seed);
    }

    #[test]
    fn differences_name_the_seed_and_the_keys() {
        let base = Scenario::embedded();
        let mut other = base.clone();
        other.seed += 1;
        other.calendar.days = 7;
        let a = study(&base, StudyArgs::default());
        let b = study(&other, StudyArgs::default());
        assert_ne!(a.hash, b.hash);
        let why = a.differences(&b).join("; ");
        assert!(why.contains("seed is"), "{why}");
        assert!(why.contains("calendar.days"), "{why}");
        assert!(why.contains("-> 7"), "{why}");
        let c = study(
            &base,
            StudyArgs {
                metric: Some("wins".into()),
                ..StudyArgs::default()
            },
        );
        let why = a.differences(&c).join(" ");
        assert!(
            why.contains("choices differ: no such flags, this run's --metric wins"),
            "{why}"
        );
        let d = study(
            &base,
            StudyArgs {
                variants: vec!["alibaba".into(), "strict".into()],
                precision: Some((0.02, 10, 1000)),
                other: vec!["--vary".into(), "a=1,2".into()],
                ..StudyArgs::default()
            },
        );
        assert_eq!(
            d.args.as_flags(),
            "--variant alibaba --variant strict --precision 0.02 --min-replications 10 \
             --max-replications 1000 --vary a=1,2"
        );
    }
}
