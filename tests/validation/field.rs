//! The field day on the default scenario: can 8 visits a day be done in Beijing traffic?
//! The share of rep-days that reach the quota under the default and with building sweeps
//! off, without rail, without taxis, and in list order instead of the route heuristic;
//! checked against a count of the traced visits. On the same traces: visit lengths, the
//! cold-visit contact rate and the faking and audit rates against their configured laws.

use super::common::{
    ASSERT_LEVEL, check_binomial, check_mean, mean_var, report, scenario, variance_interval,
};
use rayon::prelude::*;
use salesim::metrics::metric_index;
use salesim::scenario::{Scenario, Variant};
use salesim::sim::trace::{Activity, Detail};
use salesim::sim::{SimOptions, run_replication, run_with};
use salesim::stats::Summary;
use std::collections::BTreeMap;

/// The default scenario with the variants managers asked about, each changing one key.
fn eight_visit_variants(days: u32) -> (Scenario, Vec<Variant>) {
    let (mut sc, variants) = scenario(
        r#"
[[variant]]
name = "default"
description = "the default: route heuristic, sweeps, every mode"

[[variant]]
name = "no-sweeps"
description = "no building sweeps (cold visits)"
scenario.visits.cold_per_effective = 0

[[variant]]
name = "no-rail"
description = "taxi, bike and walking, no rail"
scenario.travel.modes = ["walk", "bike", "taxi"]

[[variant]]
name = "no-taxi"
description = "rail, bike and walking, no taxi"
scenario.travel.modes = ["walk", "bike", "rail"]

[[variant]]
name = "list-order"
description = "visits in list order instead of the route heuristic"
scenario.behaviour.route = "list_order"
"#,
    );
    sc.calendar.days = days;
    (sc, variants)
}

/// What the traces of one replication say.
#[derive(Default)]
struct Traced {
    rep_days: u64,
    quota_days: u64,
    effective_minutes: Vec<f64>,
    gatekeeper_minutes: Vec<f64>,
    cold: u64,
    cold_contacts: u64,
    missing: u64,
    fakes: u64,
    caught: u64,
}

fn traced(sc: &Scenario, v: &Variant, r: u32) -> (f64, Traced) {
    let options = SimOptions {
        trace: true,
        ..SimOptions::default()
    };
    let (result, t) = run_with(sc, v, r, options, |sim| {
        let mut visits: BTreeMap<(u32, u32), u32> =
            sim.trace.days.iter().map(|d| ((d.rep, d.day), 0)).collect();
        let mut t = Traced::default();
        let mut fakes_by_day = Vec::new();
        for rec in &sim.trace.records {
            match (rec.activity, rec.detail) {
                (Activity::Visit(effective), _) => {
                    *visits.get_mut(&(rec.rep, rec.day)).unwrap() += 1;
                    let minutes = (rec.end - rec.start) as f64;
                    if effective {
                        t.effective_minutes.push(minutes);
                    } else {
                        t.gatekeeper_minutes.push(minutes);
                    }
                }
                (Activity::Cold(_), Detail::Cold { contact }) => {
                    t.cold += 1;
                    t.cold_contacts += u64::from(contact);
                }
                (Activity::CrmEntry, Detail::Crm { fakes, caught, .. }) => {
                    fakes_by_day.push(((rec.rep, rec.day), fakes, caught));
                }
                _ => {}
            }
        }
        let quota = sc.day.visit_quota;
        t.rep_days = visits.len() as u64;
        t.quota_days = visits.values().filter(|&&n| n >= quota).count() as u64;
        for (key, fakes, caught) in fakes_by_day {
            t.missing += u64::from(quota.saturating_sub(visits[&key]));
            t.fakes += u64::from(fakes);
            t.caught += u64::from(caught);
        }
        t
    });
    (result.metrics[metric_index("quota_days_share").unwrap()], t)
}

#[test]
fn eight_visits_a_day_share_matches_the_traced_visits() {
    // One replication of 6 days per setting, and a second of the default for the laws below.
    let (sc, variants) = eight_visit_variants(6);
    let pairs: Vec<(usize, u32)> = (0..variants.len())
        .map(|v| (v, 0))
        .chain([(0, 1)])
        .collect();
    let runs: Vec<(usize, f64, Traced)> = pairs
        .into_par_iter()
        .map(|(v, r)| {
            let (share, t) = traced(&sc, &variants[v], r);
            (v, share, t)
        })
        .collect();
    for (v, share, t) in &runs {
        assert!(t.rep_days > 400);
        // The metric counts each rep-day's visits at its desk; the trace counts them in the field.
        let counted = t.quota_days as f64 / t.rep_days as f64;
        assert!(
            (share - counted).abs() < 1e-12,
            "{}: quota_days_share {share} against {counted} traced",
            variants[*v].name
        );
        println!(
            "validation: 8 visits a day, {}: {:.1}% of rep-days (traced count agrees)",
            variants[*v].name,
            100.0 * share
        );
    }
    // The default's traces against the configured laws.
    let default: Vec<&Traced> = runs
        .iter()
        .filter(|(v, _, _)| *v == 0)
        .map(|x| &x.2)
        .collect();
    let eff: Vec<f64> = default
        .iter()
        .flat_map(|t| t.effective_minutes.clone())
        .collect();
    let vcfg = &sc.visits;
    // Effective visits: lognormal, mean 45, CV 0.4, rounded to the minute. The mean on the
    // natural scale; the spread as the variance of ln(minutes), ln(1 + CV²) for a lognormal,
    // whose chi-square interval is exact for the normal logs. Rounding adds about
    // E[1/(12·X²)] = e^(3σ²)/(12·45²) ≈ 6.5e-5 to that variance; the interval is widened by it.
    check_mean(
        "effective visit minutes, mean 45",
        &eff,
        vcfg.effective_mean_min,
    );
    let logs: Vec<f64> = eff.iter().map(|m| m.ln()).collect();
    let (_, var) = mean_var(&logs);
    let sigma2 = (1.0 + vcfg.effective_cv * vcfg.effective_cv).ln();
    let rounding = (3.0 * sigma2).exp() / (12.0 * vcfg.effective_mean_min.powi(2));
    let widen = |(lo, hi): (f64, f64)| (lo - rounding, hi + rounding);
    assert!(
        report(
            "effective visit ln(minutes) variance = ln(1 + 0.4²)",
            sigma2,
            var,
            widen(variance_interval(var, logs.len(), 0.95)),
            widen(variance_interval(var, logs.len(), ASSERT_LEVEL)),
        ),
        "effective visit ln-variance {var}, expected {sigma2}"
    );
    assert!(
        default
            .iter()
            .flat_map(|t| &t.gatekeeper_minutes)
            .all(|&m| m == f64::from(vcfg.gatekeeper_min))
    );
    let sum = |f: fn(&Traced) -> u64| default.iter().map(|t| f(t)).sum::<u64>();
    check_binomial(
        "cold visits that yield a contact (0.3)",
        sum(|t| t.cold_contacts),
        sum(|t| t.cold),
        vcfg.cold_contact_prob,
    );
    let b = &sc.behaviour;
    let p_fake = b.fake_temptation * (-b.fake_deterrence * variants[0].policy.audit_rate).exp();
    check_binomial(
        "missing visits faked, 0.3 × exp(-20 × 0.05)",
        sum(|t| t.fakes),
        sum(|t| t.missing),
        p_fake,
    );
    println!(
        "validation: fakes caught: {} of {} (audit rate {})",
        sum(|t| t.caught),
        sum(|t| t.fakes),
        variants[0].policy.audit_rate
    );
}

/// The README's table: the share of rep-days reaching 8 visits, 10 replications of 60
/// days per setting (`cargo test --release --test validation -- --ignored --nocapture`).
#[test]
#[ignore = "heavy: 50 replications of 60 days (about a minute on 2 cores)"]
fn eight_visits_a_day_table() {
    let (sc, variants) = eight_visit_variants(60);
    let index = |name: &str| metric_index(name).unwrap();
    let rows: Vec<Vec<Vec<f64>>> = variants
        .par_iter()
        .map(|v| {
            (0..10)
                .map(|r| run_replication(&sc, v, r).metrics)
                .collect()
        })
        .collect();
    println!(
        "| setting | rep-days with 8 visits | visits per rep-day | travel share of field time | late back |"
    );
    println!("|---|---:|---:|---:|---:|");
    for (v, rows) in variants.iter().zip(&rows) {
        let cell = |name: &str, scale: f64| {
            let s = Summary::of(
                &rows
                    .iter()
                    .map(|m| m[index(name)] * scale)
                    .collect::<Vec<_>>(),
            );
            format!("{:.1} [{:.1}, {:.1}]", s.mean, s.ci95_low, s.ci95_high)
        };
        println!(
            "| {} | {}% | {} | {}% | {}% |",
            v.description,
            cell("quota_days_share", 100.0),
            cell("visits_per_rep_day", 1.0),
            cell("travel_share", 100.0),
            cell("late_return_share", 100.0)
        );
    }
}
