//! The public pool and reclaims: Little's law when only buying windows drain the pool
//! (an M/G/∞ queue), the exponential buying windows, and the reclaim timeout against the
//! geometric tail of follow-up by phone.

use super::common::{check_ks, check_mean, scenario};
use rayon::prelude::*;
use salesim::scenario::{Scenario, Variant};
use salesim::sim::{SimOptions, run_replication, run_with};
use salesim::time::DAY;

/// Hours from the morning push (08:00) to the night check (`day.desk_end`, 22:00 by default).
const PUSH_TO_NIGHT_HOURS: f64 = 14.0;

/// A pool nobody draws from: no pushes, no desk research, no starting stock; leads leave
/// the pool only when their exponential buying window (mean `window_days`) closes.
/// `marketing` leads a day arrive, each created uniformly over the day before its push;
/// a seven-day week makes calendar and working days the same.
pub fn undrawn_pool(days: u32, marketing: u32, window_days: f64) -> (Scenario, Vec<Variant>) {
    scenario(&format!(
        r#"
name = "undrawn-pool"
seed = 8001
calendar = {{ days = {days}, working_days_per_week = 7 }}
city.buildings = 1000
org = {{ teams = 1, veterans = 4, new_hires = 0, hire_every_days = 0, veteran_initial_private = 0 }}
leads = {{ marketing_per_day = {marketing}, desk_per_rep = 0, initial_pool_days = 0 }}
funnel.window_mean_days = {window_days:?}
companies.relead_after_days = 0
policy = {{ push_min = 0, push_max = 0 }}

[[variant]]
name = "undrawn"
"#
    ))
}

/// Expected pool size at the night check of working day `n` (from 0) of an undrawn pool:
/// λ·W·e^(−δ/W)·(1 − e^(−(n+1)/W)), λ leads a day, W the mean window in days, δ the time
/// from the push to the night check. Derivation: the leads of push j (day j) were created
/// at j − U (U uniform on a day) and are in the pool at night n if their window exceeds
/// n − j + δ + U; summing λ·E[e^(−(n−j+δ+U)/W)] over j = 0..n gives the formula (the
/// uniform creation time cancels the discreteness of the pushes exactly). In steady state
/// it is Little's law L = λ·W (a lead's mean life) seen δ after the push.
pub fn undrawn_pool_expected(lambda: f64, window_days: f64, night: u32) -> f64 {
    let delta = PUSH_TO_NIGHT_HOURS / 24.0;
    lambda
        * window_days
        * (-delta / window_days).exp()
        * (1.0 - (-(f64::from(night) + 1.0) / window_days).exp())
}

#[test]
fn pool_size_follows_littles_law_when_only_windows_drain_it() {
    let (lambda, w, days) = (300.0, 4.0, 60);
    let (sc, variants) = undrawn_pool(days, lambda as u32, w);
    // Each replication: the mean over nights 20..60 (steady state) of pool size / expected.
    let ratios: Vec<f64> = (0..8u32)
        .into_par_iter()
        .map(|r| {
            let (result, unplaced) = run_with(&sc, &variants[0], r, SimOptions::default(), |sim| {
                sim.tally.inflow_unplaced
            });
            assert_eq!(unplaced, 0, "every marketing lead found a company");
            let nights: Vec<f64> = (20..days)
                .map(|n| {
                    result.daily[n as usize].pool_size as f64 / undrawn_pool_expected(lambda, w, n)
                })
                .collect();
            nights.iter().sum::<f64>() / nights.len() as f64
        })
        .collect();
    println!(
        "validation: Little's law: steady-state pool {:.1} leads at the night check (λW = {:.0})",
        undrawn_pool_expected(lambda, w, days),
        lambda * w
    );
    check_mean("pool size / Little's law", &ratios, 1.0);
}

#[test]
fn buying_windows_are_exponential() {
    let (w, days) = (4.0, 20);
    let (sc, variants) = undrawn_pool(days, 300, w);
    let keep = SimOptions {
        keep_ended_leads: true,
        ..SimOptions::default()
    };
    let (_, windows) = run_with(&sc, &variants[0], 0, keep, |sim| {
        sim.leads
            .stored()
            .map(|(_, l)| (l.window_end.get() - l.created.get()) as f64 / DAY as f64)
            .collect::<Vec<f64>>()
    });
    assert!(windows.len() > 5000);
    check_ks("buying window ~ Exp(mean 4 days)", windows, |x| {
        1.0 - (-x / w).exp()
    });
}

/// A world where the evening phone call is the only follow-up: no visit fits before the
/// return deadline, every rep calls every assigned lead every evening (1-minute calls
/// until 23:00), a call reaches the decision-maker with probability `reach`, windows
/// never close, and a seven-day week (timeouts count calendar hours).
fn phone_only(reach: f64, timeouts: &[u32]) -> (Scenario, Vec<Variant>) {
    let variants: String = timeouts
        .iter()
        .map(|t| format!("[[variant]]\nname = \"t{t}\"\npolicy.reclaim_timeout_hours = {t}\n\n"))
        .collect();
    scenario(&format!(
        r#"
name = "phone-only"
seed = 8002
calendar = {{ days = 40, working_days_per_week = 7 }}
city.buildings = 1000
day = {{ return_deadline = "08:31", desk_end = "23:00" }}
org = {{ teams = 2, veterans = 16, new_hires = 0, hire_every_days = 0, veteran_initial_private = 0, ride_alongs_per_month = 0 }}
leads = {{ marketing_per_day = 400, desk_per_rep = 0 }}
funnel.window_mean_days = 100000.0
desk = {{ call_min = 1, research_min = 0, crm_entry_min = 0, call_reach_prob = {reach:?} }}
behaviour = {{ call_private_leads = false, fake_temptation = 0.0 }}
policy = {{ stale_private_days = "none" }}

{variants}"#
    ))
}

#[test]
fn reclaimed_share_is_the_geometric_tail_at_the_timeout() {
    // Follow-up happens at the k-th evening's call with k ~ Geometric(reach). A lead pushed
    // at 08:00 is checked at the nights 15 + 24m hours later (m = 0, 1, ...) and reclaimed
    // at the first with 15 + 24m > T, after m + 1 evenings of calls: share = P(K > m + 1)
    // = (1 − reach)^(m+1).
    let reach = 0.3;
    let timeouts = [12, 24, 48, 72];
    let (sc, variants) = phone_only(reach, &timeouts);
    let geometric = statrs::distribution::Geometric::new(reach).unwrap();
    for (v, &t) in variants.iter().zip(&timeouts) {
        let evenings = (0..).find(|m| 15 + 24 * m > t).unwrap() + 1;
        use statrs::distribution::DiscreteCDF;
        let expected = 1.0 - geometric.cdf(u64::from(evenings));
        // Pushes on day d are reclaimed on night d + evenings − 1: the share pairs them,
        // leaving out the last pushes, whose outcome the horizon cuts off.
        let shares: Vec<f64> = (0..6u32)
            .into_par_iter()
            .map(|r| {
                let daily = run_replication(&sc, v, r).daily;
                let lag = evenings as usize - 1;
                let reclaimed: u64 = daily[lag..].iter().map(|d| d.reclaimed).sum();
                let pushed: u64 = daily[..daily.len() - lag].iter().map(|d| d.assigned).sum();
                reclaimed as f64 / pushed as f64
            })
            .collect();
        check_mean(
            &format!("reclaimed share, timeout {t} h = P(K > {evenings}), K ~ Geometric({reach})"),
            &shares,
            expected,
        );
    }
}
