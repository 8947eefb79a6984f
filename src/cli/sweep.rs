//! `salesim sweep`: a grid of settings run as variants of one base variant.

use super::{CliError, RunArgs, Setup, SweepArgs, execute, input, prepare_scenario};
use crate::checkpoint::{SavedRuns, StudyKind, customers_digest};
use crate::experiment::select_variants;
use crate::scenario::sensitivity::value_in;
use crate::scenario::{Scenario, Setting, Variant};
use std::collections::BTreeMap;

/// Most variants a sweep may have.
pub const MAX_SWEEP_VARIANTS: usize = 10_000;

/// The grid of a sweep: one list of settings per combination, the first `--set` varying
/// slowest; refuses repeated keys, repeated values of a key and grids over
/// `MAX_SWEEP_VARIANTS`.
pub fn sweep_grid(sets: &[String]) -> Result<Vec<Vec<Setting>>, CliError> {
    let axes = sets
        .iter()
        .map(|s| Setting::parse_list(s))
        .collect::<Result<Vec<_>, _>>()
        .map_err(input)?;
    for (i, axis) in axes.iter().enumerate() {
        if axes[..i].iter().any(|a| a[0].key == axis[0].key) {
            return Err(input(format!(
                "--set {}: the key is set twice",
                axis[0].key
            )));
        }
        // Two equal values (`15,15`, or `none,"none"`) would be one variant run twice.
        for (j, setting) in axis.iter().enumerate() {
            if axis[..j].iter().any(|o| o.value == setting.value) {
                return Err(input(format!(
                    "--set {}: the value {} is given twice; each value of a --set is one variant",
                    setting.key, setting.text
                )));
            }
        }
    }
    let size = axes
        .iter()
        .try_fold(1usize, |n, a| n.checked_mul(a.len()))
        .filter(|&n| n <= MAX_SWEEP_VARIANTS)
        .ok_or_else(|| {
            input(format!(
                "the sweep has more than {MAX_SWEEP_VARIANTS} combinations; split it"
            ))
        })?;
    let mut grid: Vec<Vec<Setting>> = vec![Vec::new()];
    for axis in &axes {
        grid = grid
            .into_iter()
            .flat_map(|point| {
                axis.iter().map(move |value| {
                    let mut next = point.clone();
                    next.push(value.clone());
                    next
                })
            })
            .collect();
    }
    debug_assert_eq!(grid.len(), size);
    Ok(grid)
}

/// The variants of a sweep of `scenario`: the combinations of `sets` (`KEY=V1,V2,...`)
/// applied to the base variant (`args`' one `--variant`, else the baseline), with the base
/// variant's name.
pub fn sweep_variants(
    scenario: &Scenario,
    args: &RunArgs,
    sets: &[String],
) -> Result<(Vec<Variant>, String), CliError> {
    let all = scenario.resolved_variants().map_err(input)?;
    let base = match args.variants.as_slice() {
        [] => all[scenario.baseline_index().min(all.len() - 1)].clone(),
        [one] => select_variants(all, std::slice::from_ref(one))
            .map_err(input)?
            .remove(0),
        _ => {
            return Err(input(
                "sweep: give at most one --variant (the base whose policy the grid changes)",
            ));
        }
    };
    let grid = sweep_grid(sets)?;
    let variants = grid
        .iter()
        .map(|point| {
            let name = point
                .iter()
                .map(|s| format!("{}={}", s.key.rsplit('.').next().unwrap_or(&s.key), s.text))
                .collect::<Vec<_>>()
                .join(" ");
            scenario.vary(&base, point, name)
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(input)?;
    refuse_equal_variants(scenario, &variants)?;
    Ok((variants, base.name))
}

/// Refuses a grid in which two combinations give the same values once read (`--set
/// day.depart=08:30,8:30`: two spellings of one clock time), which would run one variant
/// twice under two names. Compares each swept key's value as the variant holds it.
fn refuse_equal_variants(scenario: &Scenario, variants: &[Variant]) -> Result<(), CliError> {
    let held = |v: &Variant| -> String {
        // Each table written once per variant (the scenario only when a key is outside
        // the policy), then read at every swept key.
        let policy = toml::Table::try_from(&v.policy).ok();
        let own = v
            .parameters
            .iter()
            .any(|(key, _)| !key.starts_with("policy."))
            .then(|| toml::Table::try_from(v.scenario.as_deref().unwrap_or(scenario)).ok())
            .flatten();
        v.parameters
            .iter()
            .map(|(key, _)| {
                let value = match key.strip_prefix("policy.") {
                    Some(path) => policy.as_ref().and_then(|t| value_in(t, path)),
                    None => own.as_ref().and_then(|t| value_in(t, key)),
                };
                format!("{key}={value:?}")
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for v in variants {
        if let Some(other) = seen.insert(held(v), &v.name) {
            return Err(input(format!(
                "--set: {other} and {} hold the same values once read (two spellings of one value, such as 08:30 and 8:30); each value of a --set must differ",
                v.name
            )));
        }
    }
    Ok(())
}

/// Runs a sweep: the grid's combinations as variants of the base variant, compared with
/// the first combination.
pub fn sweep(args: &SweepArgs) -> Result<(), CliError> {
    let (scenario, origin) = prepare_scenario(&args.run)?;
    let customers = customers_digest(&scenario);
    let setup = Setup::new(
        StudyKind::Sweep,
        scenario,
        &origin,
        &args.run,
        &args.sets,
        customers,
    )?;
    execute(&setup, &args.run, SavedRuns::none())
}
