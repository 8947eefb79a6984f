//! Reading a finished study back from its output folder: the manifest, the
//! per-replication metrics and the pictures, with the analysis recomputed exactly as the
//! run computed it (the bootstrap is seeded by the scenario's seed).

use super::ReportError;
use crate::analysis::{Analysis, FairnessFloor, PrecisionRule, PrecisionStatus, analyse};
use crate::experiment::{ExperimentResults, RunMetrics};
use crate::metrics::{METRICS, metric_index};
use crate::output::{MANIFEST_FILE, REPLICATIONS_FILE};
use crate::scenario::{Policy, Scenario, Setting, Variant};
use serde::Deserialize;
use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A finished study as the report needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Study {
    /// The scenario as run (overrides applied).
    pub scenario: Scenario,
    /// Per-replication metric values and their summaries (records such as reps and days
    /// are not read back: the pictures already show them).
    pub results: ExperimentResults,
    /// Comparisons against the baseline, the verdict, and the precision rule's stop.
    pub analysis: Analysis,
    /// Facts about the run from the manifest.
    pub run: RunFacts,
    /// The run's SVG pictures, by file stem (`tradeoff`, `metric_conversion_rate`, ...), in
    /// the order the run wrote them.
    pub pictures: Vec<(String, String)>,
    /// The sensitivity screen's summary, when the study was run by `salesim sensitivity`.
    pub sensitivity: Option<crate::sensitivity::output::Summary>,
}

/// What the manifest says about the run beyond the scenario and the numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunFacts {
    /// The salesim version that ran the study.
    pub version: String,
    /// Where the scenario came from (a path, or `embedded default`).
    pub scenario_source: String,
    /// A command that reruns the study (empty for manifests that have none).
    pub command: String,
    /// The comparison method, in words.
    pub comparison_method: String,
}

#[derive(Deserialize)]
struct ManifestVariant {
    name: String,
    #[serde(default)]
    description: String,
    policy: Policy,
    #[serde(default)]
    parameters: Vec<(String, String)>,
    #[serde(default)]
    base: Option<String>,
}

#[derive(Deserialize)]
struct ManifestVerdict {
    metric: String,
    draws: usize,
    fairness_floors: Vec<String>,
}

#[derive(Deserialize)]
struct ManifestPrecision {
    metric: String,
    relative_half_width_target: f64,
    min_replications: u32,
    max_replications: u32,
    stopped_at: u32,
    reason: String,
    relative_half_widths: Vec<(String, Option<f64>)>,
}

#[derive(Deserialize)]
struct Manifest {
    salesim_version: String,
    scenario_source: String,
    #[serde(default)]
    command: String,
    replications: u32,
    variants: Vec<ManifestVariant>,
    baseline: String,
    comparison_method: String,
    verdict: ManifestVerdict,
    precision: Option<ManifestPrecision>,
    files: Vec<String>,
    scenario: Scenario,
}

impl Study {
    /// Reads the study in `dir`: `manifest.json`, `replications.csv` and the SVG pictures
    /// the manifest lists. Every failure names the file and what is wrong with it.
    pub fn load(dir: &Path) -> Result<Study, ReportError> {
        let manifest_path = dir.join(MANIFEST_FILE);
        let text = read(&manifest_path)?;
        let bad = |path: &Path, reason: String| ReportError::Invalid {
            path: path.to_path_buf(),
            reason,
        };
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(&text)
            && let Some(status) = value.get("status").and_then(|s| s.as_str())
            && status != "complete"
        {
            let resume = value
                .get("resume_command")
                .and_then(|c| c.as_str())
                .unwrap_or("the run's command with --resume");
            return Err(bad(
                &manifest_path,
                format!("the study is not finished (status {status:?}); finish it with: {resume}"),
            ));
        }
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(&text)
            && let Some(shard) = value.get("shard").and_then(|s| s.as_str())
        {
            return Err(bad(
                &manifest_path,
                format!(
                    "this folder holds shard {shard} of a study, not its results; combine the shards with `salesim merge`"
                ),
            ));
        }
        let manifest: Manifest = serde_json::from_str(&text).map_err(|e| {
            bad(
                &manifest_path,
                format!("not a salesim manifest ({e}); was the folder written by `salesim run`?"),
            )
        })?;
        let mut variants: Vec<Variant> = manifest
            .variants
            .into_iter()
            .map(|v| Variant {
                name: v.name,
                description: v.description,
                policy: v.policy,
                parameters: v.parameters,
                base: v.base,
                scenario: None,
            })
            .collect();
        restore_scenarios(&manifest.scenario, &mut variants)
            .map_err(|reason| bad(&manifest_path, reason))?;
        let baseline = variants
            .iter()
            .position(|v| v.name == manifest.baseline)
            .ok_or_else(|| {
                bad(
                    &manifest_path,
                    format!("baseline {:?} is not among its variants", manifest.baseline),
                )
            })?;
        let metric = |name: &str| {
            metric_index(name).ok_or_else(|| {
                bad(
                    &manifest_path,
                    format!(
                        "metric {name:?} is unknown to salesim {}",
                        env!("CARGO_PKG_VERSION")
                    ),
                )
            })
        };
        let verdict_metric = metric(&manifest.verdict.metric)?;
        let floors = manifest
            .verdict
            .fairness_floors
            .iter()
            .map(|f| FairnessFloor::parse(&f.replacen(">=", "=", 1).replacen("<=", "=", 1)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| bad(&manifest_path, e))?;
        let csv_path = dir.join(REPLICATIONS_FILE);
        let runs = read_replications(
            &csv_path,
            &variants,
            manifest.replications,
            manifest.scenario.seed,
        )?;
        let results = ExperimentResults::from_runs(&variants, runs);
        let mut analysis = analyse(
            &results,
            baseline,
            verdict_metric,
            &floors,
            manifest.verdict.draws,
            manifest.scenario.seed,
        );
        if let Some(p) = manifest.precision {
            let rule = PrecisionRule {
                metric: metric(&p.metric)?,
                relative: p.relative_half_width_target,
                min_replications: p.min_replications,
                max_replications: p.max_replications,
            };
            let widths: Vec<f64> = p
                .relative_half_widths
                .iter()
                .map(|(_, w)| w.unwrap_or(f64::INFINITY))
                .collect();
            let status = PrecisionStatus {
                replications: p.stopped_at,
                met: widths.iter().all(|&w| w <= rule.relative),
                relative_half_widths: widths,
                next: None,
                reason: p.reason,
            };
            analysis.precision = Some((rule, status));
        }
        let pictures = manifest
            .files
            .iter()
            .filter_map(|f| f.strip_suffix(".svg").map(|stem| (stem, f)))
            .map(|(stem, file)| Ok((stem.to_string(), read(&dir.join(file))?)))
            .collect::<Result<Vec<_>, ReportError>>()?;
        let sensitivity = match manifest
            .files
            .iter()
            .find(|f| *f == crate::sensitivity::output::SENSITIVITY_JSON)
        {
            None => None,
            Some(file) => {
                let path = dir.join(file);
                Some(
                    serde_json::from_str(&read(&path)?)
                        .map_err(|e| bad(&path, format!("not a salesim screen summary ({e})")))?,
                )
            }
        };
        Ok(Study {
            sensitivity,
            scenario: manifest.scenario,
            results,
            analysis,
            run: RunFacts {
                version: manifest.salesim_version,
                scenario_source: manifest.scenario_source,
                command: manifest.command,
                comparison_method: manifest.comparison_method,
            },
            pictures,
        })
    }
}

impl Study {
    /// The scenario the report describes: when every variant was built by a sweep from one
    /// variant with its own `[variant.scenario]` keys, that variant's scenario (a sweep of
    /// `--variant six`, a six-day week, runs six days a week); else the scenario as run.
    pub fn described_scenario(&self) -> Cow<'_, Scenario> {
        let mut bases = self.results.variants.iter().map(|v| v.base.as_deref());
        let Some(Some(base)) = bases.next() else {
            return Cow::Borrowed(&self.scenario);
        };
        if bases.any(|b| b != Some(base)) {
            return Cow::Borrowed(&self.scenario);
        }
        self.scenario
            .resolved_variants()
            .ok()
            .and_then(|all| all.into_iter().find(|v| v.name == base))
            .and_then(|v| v.scenario)
            .map_or(Cow::Borrowed(&self.scenario), |own| {
                Cow::Owned(Arc::unwrap_or_clone(own))
            })
    }
}

/// Gives each variant read back from a manifest the scenario it ran in (the manifest keeps
/// only the scenario file): a variant of the file gets its own `[variant.scenario]` keys
/// applied, a sweep's variant its base variant's with the swept keys, as the run built them.
fn restore_scenarios(scenario: &Scenario, variants: &mut [Variant]) -> Result<(), String> {
    let specs = scenario.resolved_variants().map_err(|e| e.to_string())?;
    let spec = |name: &str| specs.iter().find(|s| s.name == name);
    for v in variants.iter_mut() {
        v.scenario = match &v.base {
            Some(base) => {
                let from = spec(base).ok_or_else(|| {
                    format!(
                        "variant {:?} was swept from {base:?}, which the scenario does not have",
                        v.name
                    )
                })?;
                let settings: Vec<Setting> = v
                    .parameters
                    .iter()
                    .map(|(key, text)| Setting::new(key, text))
                    .collect();
                scenario
                    .vary(from, &settings, v.name.clone())
                    .map_err(|e| e.to_string())?
                    .scenario
            }
            None => spec(&v.name).and_then(|s| s.scenario.clone()),
        };
    }
    Ok(())
}

fn read(path: &Path) -> Result<String, ReportError> {
    std::fs::read_to_string(path).map_err(|source| ReportError::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// The metric values of `replications.csv`: `runs[v][r]` for the manifest's variants, each
/// with replications `0..replications`; every metric of `METRICS` must have its column.
fn read_replications(
    path: &Path,
    variants: &[Variant],
    replications: u32,
    seed: u64,
) -> Result<Vec<Vec<RunMetrics>>, ReportError> {
    let bad = |reason: String| ReportError::Invalid {
        path: PathBuf::from(path),
        reason,
    };
    let text = read(path)?;
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| bad(format!("unreadable header: {e}")))?
        .clone();
    let column = |name: &str| {
        header.iter().position(|h| h == name).ok_or_else(|| {
            bad(format!(
                "no column {name:?}; was it written by another salesim version?"
            ))
        })
    };
    let variant_col = column("variant")?;
    let replication_col = column("replication")?;
    let seed_col = header.iter().position(|h| h == "seed");
    let metric_cols = METRICS
        .iter()
        .map(|m| column(m.name))
        .collect::<Result<Vec<_>, _>>()?;
    let mut runs: Vec<Vec<Option<RunMetrics>>> =
        vec![vec![None; replications as usize]; variants.len()];
    for (i, row) in reader.records().enumerate() {
        let line = i + 2;
        let row = row.map_err(|e| bad(format!("row {line}: {e}")))?;
        let field = |c: usize| row.get(c).unwrap_or("");
        let name = field(variant_col);
        let v = variants
            .iter()
            .position(|v| v.name == name)
            .ok_or_else(|| {
                bad(format!(
                    "row {line}: variant {name:?} is not in the manifest"
                ))
            })?;
        let r: usize = field(replication_col)
            .parse()
            .ok()
            .filter(|&r| r < replications as usize)
            .ok_or_else(|| {
                bad(format!(
                    "row {line}: replication {:?} is not between 0 and {}",
                    field(replication_col),
                    replications.saturating_sub(1)
                ))
            })?;
        if let Some(c) = seed_col
            && field(c) != seed.to_string()
        {
            return Err(bad(format!(
                "row {line}: seed {:?} is not the manifest's {seed}",
                field(c)
            )));
        }
        let metrics = metric_cols
            .iter()
            .zip(METRICS)
            .map(|(&c, m)| match field(c) {
                "" => Ok(f64::NAN),
                text => text
                    .parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite() && *x >= 0.0)
                    .ok_or_else(|| {
                        bad(format!(
                            "row {line}, column {}: {text:?} is not allowed; every metric is a finite number from 0, or an empty cell where it is undefined",
                            m.name
                        ))
                    }),
            })
            .collect::<Result<Vec<f64>, _>>()?;
        if runs[v][r].is_some() {
            return Err(bad(format!(
                "row {line}: replication {r} of {name} appears twice"
            )));
        }
        runs[v][r] = Some(RunMetrics { metrics });
    }
    runs.into_iter()
        .zip(variants)
        .map(|(rows, variant)| {
            rows.into_iter()
                .enumerate()
                .map(|(r, run)| {
                    run.ok_or_else(|| {
                        bad(format!(
                            "replication {r} of {} is missing (the manifest says {replications} per variant)",
                            variant.name
                        ))
                    })
                })
                .collect()
        })
        .collect()
}
