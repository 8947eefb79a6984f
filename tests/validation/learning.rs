//! Learning: skill after k experience units follows the configured curve in the engine,
//! and the default's new hires ramp in about the months the sales-ramp surveys report.

use super::common::scenario;
use rayon::prelude::*;
use salesim::sim::{SimOptions, run_with};
use salesim::stats::median;
use salesim::time::DAY;

/// The configured curve, written out here: s = ceiling − (ceiling − start)·e^(−k/scale).
fn curve(start: f64, ceiling: f64, k: f64, scale: f64) -> f64 {
    ceiling - (ceiling - start) * (-k / scale).exp()
}

#[test]
fn skill_follows_the_learning_curve_in_the_engine() {
    // Without ride-alongs, experience = effective visits + 0.2 per evening meeting (+ the
    // credit of 2.5 per working day of tenure for reps there at the start), and skill is
    // the curve at that experience.
    let (mut sc, variants) = scenario(
        r#"
org = { ride_alongs_per_month = 0, hire_every_days = 5, hires_per_batch = 2 }
[[variant]]
name = "base"
"#,
    );
    sc.calendar.days = 30;
    let (_, checked) = run_with(&sc, &variants[0], 0, SimOptions::default(), |sim| {
        let k = &sc.skill;
        let start = sim.calendar().at(0, sc.day.office_open);
        let mut checked = 0;
        for rep in &sim.reps {
            let tenure_days = (start - rep.hired_at).max(0) as f64 / DAY as f64;
            let credit = tenure_days * f64::from(sc.calendar.working_days_per_week) / 7.0
                * sc.org.experience_per_tenure_day;
            let earned =
                f64::from(rep.stats.effective) + k.meeting_weight * f64::from(rep.stats.days);
            // The credit comes from a tenure rounded to the minute.
            assert!(
                (rep.experience - credit - earned).abs() < 0.01,
                "rep {}: experience {} against {credit} + {earned}",
                rep.id,
                rep.experience
            );
            let expected = curve(
                rep.start_skill,
                rep.ceiling,
                rep.experience,
                k.learning_scale,
            );
            assert!((rep.skill - expected).abs() < 1e-12, "rep {}", rep.id);
            checked += 1;
        }
        checked
    });
    assert!(checked > 96, "{checked}");
    // The curve's closed form at k = 0, one and three scales.
    for (k, gap) in [(0.0, 1.0), (150.0, (-1f64).exp()), (450.0, (-3f64).exp())] {
        let s = curve(0.35, 0.85, k, 150.0);
        assert!((s - (0.85 - 0.5 * gap)).abs() < 1e-12);
    }
    println!("validation: learning curve: experience and skill of every rep match the closed form");
}

/// The median, over reps hired during a run of the default, of the months a new hire
/// takes to close `share` of the gap between starting skill and ceiling, at the rate of
/// experience (effective visits, ride-alongs, meetings) it gained in the simulation.
fn ramp_months(days: u32, replications: u32, share: f64) -> (f64, usize) {
    let (mut sc, variants) = scenario("[[variant]]\nname = \"alibaba\"\n");
    sc.calendar.days = days;
    let rates: Vec<f64> = (0..replications)
        .into_par_iter()
        .flat_map(|r| {
            run_with(&sc, &variants[0], r, SimOptions::default(), |sim| {
                let start = sim.calendar().at(0, sc.day.office_open);
                sim.reps
                    .iter()
                    .filter(|rep| rep.hired_at >= start && rep.stats.days >= 10)
                    .map(|rep| rep.experience / f64::from(rep.stats.days))
                    .collect::<Vec<f64>>()
            })
            .1
        })
        .collect();
    let needed = -sc.skill.learning_scale * (1.0 - share).ln();
    let months: Vec<f64> = rates
        .iter()
        .map(|rate| needed / rate * 7.0 / f64::from(sc.calendar.working_days_per_week) / 30.44)
        .collect();
    (median(&months), months.len())
}

/// The default's new hires close 90% of the skill gap in about 5 months (4.4 measured);
/// it was 2.9 while managers rode along 8 days a month instead of MODEL.md's one.
#[test]
fn default_new_hires_ramp_in_about_five_months() {
    // Sales-ramp surveys (MODEL.md section 8): median ramp about 5 months. Ramped here:
    // 90% of the way from starting skill to the ceiling.
    let (months, n) = ramp_months(60, 3, 0.9);
    let (e_fold, _) = ramp_months(60, 3, 1.0 - (-1f64).exp());
    println!(
        "validation: new-hire ramp: median {months:.1} months to 90% of the skill gap ({e_fold:.1} to 63%), {n} hires"
    );
    assert!(n >= 12);
    assert!((4.0..=6.0).contains(&months), "median ramp {months} months");
}

#[test]
fn attrition_follows_the_monthly_leaving_chance() {
    // Nobody can win (a deal needs 100 steps and a visit that does not move it loses it),
    // so every veteran is past the 20-working-day dry spell at each month end and leaves
    // with probability 0.15 there: leavers over veterans at risk, pooled over the month
    // ends, is a binomial share with p = 0.15 (MODEL.md §5; README, People).
    let (mut sc, variants) = scenario(
        r#"
city.buildings = 1000
org = { teams = 6, veterans = 48, new_hires = 0, hire_every_days = 0 }
attrition = { enabled = true, no_win_days = 20, veteran_monthly_prob = 0.15 }
companies.steps_base = 100
funnel.lost_prob = 1.0
leads.marketing_per_day = 300
[[variant]]
name = "dry"
"#,
    );
    sc.calendar.days = 106;
    let counts: Vec<(u64, u64)> = (0..6u32)
        .into_par_iter()
        .map(|r| {
            run_with(&sc, &variants[0], r, SimOptions::default(), |sim| {
                assert_eq!(sim.tally.won, 0);
                let cal = sim.calendar();
                let (mut left, mut at_risk) = (0, 0);
                let month = cal.month_len();
                for day in (month..sc.calendar.days).step_by(month as usize) {
                    let t = cal.at(day, sc.day.office_open);
                    for rep in &sim.reps {
                        let gone_before =
                            rep.left_at != salesim::sim::lead::NEVER && rep.left_at < t;
                        if !gone_before {
                            at_risk += 1;
                            left += u64::from(rep.left_at == t);
                        }
                    }
                }
                (left, at_risk)
            })
            .1
        })
        .collect();
    let left: u64 = counts.iter().map(|c| c.0).sum();
    let at_risk: u64 = counts.iter().map(|c| c.1).sum();
    super::common::check_binomial(
        "dry veterans leaving at a month end (0.15)",
        left,
        at_risk,
        sc.attrition.veteran_monthly_prob,
    );
}
