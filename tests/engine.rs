//! Behaviour of the engine on the default scenario: invariants, the rep's timeline, the
//! deadline rule, common random numbers and the sanity of the default's numbers.

use rayon::prelude::*;
use salesim::metrics::metric_index;
use salesim::scenario::{Scenario, Variant};
use salesim::sim::lead::Origin;
use salesim::sim::trace::{Activity, TraceRecord};
use salesim::sim::{SimOptions, run_replication, run_with};
use salesim::time::DAY;
use salesim::world::Place;

fn scenario(days: u32) -> (Scenario, Vec<Variant>) {
    let mut sc = Scenario::embedded();
    sc.calendar.days = days;
    let variants = sc.resolved_variants().unwrap();
    (sc, variants)
}

fn metric(values: &[f64], name: &str) -> f64 {
    values[metric_index(name).unwrap()]
}

#[test]
fn invariants_hold_every_day_under_every_variant() {
    // Conservation (each open lead in exactly one place), the private cap, the reclaim
    // timeout (no lead untouched past it is still assigned), pool index consistency.
    let (sc, variants) = scenario(25);
    variants.par_iter().for_each(|v| {
        let options = SimOptions {
            check_invariants: true,
            trace: false,
            trace_rep: None,
            keep_ended_leads: false,
        };
        let (_, violations) = run_with(&sc, v, 1, options, |sim| sim.violations.clone());
        assert!(
            violations.is_empty(),
            "{}: {:?}",
            v.name,
            &violations[..violations.len().min(5)]
        );
    });
}

fn by_rep(records: &[TraceRecord]) -> std::collections::BTreeMap<(u32, u32), Vec<TraceRecord>> {
    let mut map: std::collections::BTreeMap<(u32, u32), Vec<TraceRecord>> = Default::default();
    for r in records {
        map.entry((r.rep, r.day)).or_default().push(*r);
    }
    map
}

#[test]
fn a_rep_is_never_in_two_places_and_time_never_goes_backwards() {
    let (sc, variants) = scenario(6);
    for v in [&variants[0], &variants[2]] {
        let options = SimOptions {
            check_invariants: false,
            trace: true,
            trace_rep: None,
            keep_ended_leads: false,
        };
        let (_, trace) = run_with(&sc, v, 0, options, |sim| sim.trace.records.clone());
        assert!(trace.len() > 1000);
        for ((rep, day), records) in by_rep(&trace) {
            let mut sorted = records.clone();
            sorted.sort_by_key(|r| (r.start, r.end));
            for pair in sorted.windows(2) {
                assert!(
                    pair[0].start <= pair[0].end,
                    "rep {rep} day {day}: {:?} ends before it starts",
                    pair[0]
                );
                assert!(
                    pair[0].end <= pair[1].start,
                    "rep {rep} day {day}: {:?} overlaps {:?}",
                    pair[0],
                    pair[1]
                );
            }
        }
    }
}

#[test]
fn no_visit_starts_that_is_expected_to_miss_the_deadline() {
    let (sc, variants) = scenario(8);
    let options = SimOptions {
        check_invariants: false,
        trace: true,
        trace_rep: None,
        keep_ended_leads: false,
    };
    let (result, (checked, late_days, rep_days)) = run_with(&sc, &variants[2], 0, options, |sim| {
        let travel = &sim.world().travel;
        let cal = sim.calendar();
        let mut checked = 0;
        let mut late_days = 0;
        let mut rep_days = 0;
        for ((_, day), mut records) in by_rep(&sim.trace.records) {
            records.sort_by_key(|r| (r.start, r.end));
            let deadline = cal.at(day, sc.day.return_deadline) as f64;
            let mut at = Place::OFFICE;
            let mut leg_start = None;
            let mut last_field_end = None;
            for r in &records {
                match r.activity {
                    Activity::Travel(_) => {
                        leg_start.get_or_insert(r.start);
                        last_field_end = Some(r.end);
                    }
                    Activity::Visit(_) => {
                        let place = sim.leads[r.lead.unwrap() as usize].place;
                        let t0 = leg_start.take().unwrap() as f64;
                        let mut end = t0
                            + travel.expected_minutes(&at, &place, t0.rem_euclid(DAY as f64))
                            + sc.visits.effective_mean_min;
                        if place.building != at.building {
                            end += f64::from(sc.travel.lobby_min);
                        }
                        let back = travel.expected_minutes(
                            &place,
                            &Place::OFFICE,
                            end.rem_euclid(DAY as f64),
                        );
                        assert!(
                            end + back <= deadline + 1e-6,
                            "day {day}: visit {r:?} expected back at {} after {deadline}",
                            end + back
                        );
                        at = place;
                        checked += 1;
                        last_field_end = Some(r.end);
                    }
                    Activity::Cold(_) => {
                        leg_start = None;
                        let back = travel.expected_minutes(
                            &at,
                            &Place::OFFICE,
                            (r.end as f64).rem_euclid(DAY as f64),
                        );
                        assert!(
                            r.end as f64 + back <= deadline + 1e-6,
                            "cold visit {r:?} expected back after the deadline"
                        );
                        last_field_end = Some(r.end);
                    }
                    Activity::Lobby => {}
                    Activity::CrmEntry | Activity::Calls | Activity::Research => {}
                }
            }
            rep_days += 1;
            if last_field_end.is_some_and(|end| end as f64 > deadline) {
                late_days += 1;
            }
        }
        (checked, late_days, rep_days)
    });
    assert!(checked > 2000, "{checked}");
    // Lateness comes only from travel noise, and is counted.
    let late_share = metric(&result.metrics, "late_return_share");
    assert!(
        (late_share - f64::from(late_days) / f64::from(rep_days)).abs() < 1e-9,
        "{late_share} vs {late_days}/{rep_days}"
    );
    assert!(late_share < 0.2);
}

#[test]
fn variants_share_the_city_and_the_marketing_arrivals() {
    let (sc, variants) = scenario(1);
    let arrivals: Vec<Vec<(u32, i64)>> = variants
        .iter()
        .map(|v| {
            let keep = SimOptions {
                keep_ended_leads: true,
                ..SimOptions::default()
            };
            run_with(&sc, v, 3, keep, |sim| {
                sim.leads
                    .stored()
                    .filter(|(_, l)| l.origin == Origin::Marketing)
                    .map(|(_, l)| (l.company, l.created.get()))
                    .collect()
            })
            .1
        })
        .collect();
    assert_eq!(arrivals[0].len(), 800);
    for (v, a) in variants.iter().zip(&arrivals) {
        // Creation times come first from each arrival's own stream: always shared.
        assert!(
            a.iter().zip(&arrivals[0]).all(|(x, y)| x.1 == y.1),
            "{}",
            v.name
        );
        // Companies are shared unless a company is taken in one variant and free in another
        // (`strict` starts veterans with fewer private leads: half its smaller cap).
        let same = a.iter().zip(&arrivals[0]).filter(|(x, y)| x == y).count();
        assert!(same >= 790, "{}: {same} of 800 arrivals shared", v.name);
        if v.name != "strict" {
            assert_eq!(a, &arrivals[0], "{}", v.name);
        }
    }
}

#[test]
fn a_replication_is_reproducible() {
    let (sc, variants) = scenario(5);
    // Compared as text: a rep who received no lead has a NaN mean lead quality.
    let run = |r: u32| format!("{:?}", run_replication(&sc, &variants[1], r));
    assert_eq!(run(4), run(4));
    assert_ne!(run(4), run(5));
}

#[test]
fn the_default_scenario_is_sane_and_its_variants_differ() {
    let (sc, variants) = scenario(sc_days());
    let results: Vec<Vec<f64>> = variants
        .par_iter()
        .map(|v| run_replication(&sc, v, 0).metrics)
        .collect();
    for (v, m) in variants.iter().zip(&results) {
        let visits = metric(m, "visits_per_rep_day");
        let effective = metric(m, "effective_visits_per_rep_day");
        let conversion = metric(m, "conversion_rate");
        assert!(
            (5.0..=9.0).contains(&visits),
            "{}: visits per rep-day {visits}",
            v.name
        );
        assert!(
            (1.5..=3.5).contains(&effective),
            "{}: effective visits per rep-day {effective}",
            v.name
        );
        assert!(
            (0.01..=0.20).contains(&conversion),
            "{}: conversion {conversion}",
            v.name
        );
    }
    let column = |name: &str| results.iter().map(|m| metric(m, name)).collect::<Vec<_>>();
    let reclaimed = column("reclaimed_share");
    let index = |name: &str| variants.iter().position(|v| v.name == name).unwrap();
    assert_eq!(reclaimed[index("hoarding")], 0.0, "no timeout, no reclaims");
    assert!(
        reclaimed[index("strict")] > reclaimed[index("alibaba")],
        "{reclaimed:?}"
    );
    let quality = column("nh_lead_quality_ratio");
    assert!(
        quality[index("new-hire-priority")] > 1.0,
        "new hires are served first from the best-scored leads: {quality:?}"
    );
    let distinct = |v: &[f64]| {
        v.iter()
            .map(|x| x.to_bits())
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    };
    assert_eq!(distinct(&reclaimed), 6, "{reclaimed:?}");
    assert_eq!(distinct(&column("nh_win_ratio")), 6);
}

/// The full default horizon.
fn sc_days() -> u32 {
    Scenario::embedded().calendar.days
}

#[test]
fn newly_registered_companies_arrive_as_first_leads() {
    let (mut sc, _) = scenario(4);
    sc.leads.registrations_per_day = 50;
    let variants = sc.resolved_variants().unwrap();
    let keep = SimOptions {
        keep_ended_leads: true,
        ..SimOptions::default()
    };
    let (_, (registrations, repeats)) = run_with(&sc, &variants[2], 0, keep, |sim| {
        let mut first_lead_of = std::collections::BTreeMap::new();
        for (id, lead) in sim.leads.stored() {
            first_lead_of.entry(lead.company).or_insert(id as usize);
        }
        let registrations: Vec<usize> = (0..sim.leads.len())
            .filter(|&id| sim.leads[id].origin == Origin::Registration)
            .collect();
        let repeats = registrations
            .iter()
            .filter(|&&id| first_lead_of[&sim.leads[id].company] != id)
            .count();
        (registrations.len(), repeats)
    });
    assert_eq!(registrations, 4 * 50);
    assert_eq!(
        repeats, 0,
        "a registration is always the company's first lead"
    );
}

#[test]
fn a_customer_list_replaces_the_generated_city() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/customers.toml");
    let mut sc = Scenario::load(&path).unwrap();
    sc.calendar.days = 10;
    let list = sc
        .customers
        .clone()
        .expect("the sample scenario names a customer list");
    assert_eq!(list.rows.len(), 320);
    // Latitude and longitude are projected to km around the office, not left in degrees.
    assert!(
        list.rows
            .iter()
            .all(|r| r.x_km.abs() < 30.0 && r.y_km.abs() < 30.0)
    );
    let variants = sc.resolved_variants().unwrap();
    let options = SimOptions {
        check_invariants: true,
        trace: false,
        trace_rep: None,
        keep_ended_leads: true,
    };
    let (result, (buildings, districts, violations, overridden)) =
        run_with(&sc, &variants[2], 0, options, |sim| {
            let city = &sim.world().city;
            // Leads of the list's key accounts carry the list's propensity and deal value.
            let (_, rows) = salesim::world::City::from_customers(&list);
            let overridden: Vec<(f64, f64, f64, f64)> = sim
                .leads
                .stored()
                .filter_map(|(_, l)| {
                    let row = &list.rows[rows[l.company as usize]];
                    Some((
                        l.propensity,
                        row.propensity?,
                        l.deal_value,
                        row.deal_value_cny?,
                    ))
                })
                .collect();
            (
                city.buildings.len(),
                city.districts.len(),
                sim.violations.clone(),
                overridden,
            )
        });
    assert_eq!(
        (buildings, districts),
        (40, 4),
        "40 named buildings in 4 districts"
    );
    assert!(violations.is_empty(), "{violations:?}");
    assert!(!overridden.is_empty(), "some leads are for key accounts");
    assert!(
        overridden
            .iter()
            .all(|&(p, want_p, v, want_v)| p == want_p && v == want_v),
        "{overridden:?}"
    );
    assert!(metric(&result.metrics, "visits_per_rep_day") > 1.0);
}

#[test]
fn every_scenario_in_the_library_validates_and_runs() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 2);
    for file in files {
        let mut sc = Scenario::load(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        sc.calendar.days = 3;
        for v in sc.resolved_variants().unwrap() {
            let options = SimOptions {
                check_invariants: true,
                trace: false,
                trace_rep: None,
                keep_ended_leads: false,
            };
            let (_, violations) = run_with(&sc, &v, 0, options, |sim| sim.violations.clone());
            assert!(
                violations.is_empty(),
                "{} {}: {violations:?}",
                file.display(),
                v.name
            );
        }
    }
}

#[test]
fn hiring_coaching_learning_and_attrition_work_as_configured() {
    // Default people rules over 42 working days (two 21-day months).
    let (sc, variants) = scenario(42);
    let (result, (reps, rides, learned)) =
        run_with(&sc, &variants[2], 0, SimOptions::default(), |sim| {
            // Effective visits and evening meetings add experience; skill follows the curve.
            let learned = sim
                .reps
                .iter()
                .all(|r| r.experience > 0.0 && r.skill >= r.start_skill && r.skill <= r.ceiling);
            (sim.reps.len(), sim.tally.ride_along_days, learned)
        });
    // 96 at the start plus 4 hires on days 20 and 40.
    assert_eq!(reps, 96 + 8);
    assert_eq!(metric(&result.metrics, "reps_end"), 104.0);
    // Twelve managers, 1 ride-along day a month each (MODEL.md's 8 visits), two months.
    assert_eq!(rides, 12 * 2);
    assert!(learned);

    // Attrition on, certain to strike: reps without a win for 5 working days leave at the
    // month end, their leads go back to the pool, and every invariant still holds.
    let mut sc = sc;
    sc.attrition.enabled = true;
    sc.attrition.no_win_days = 5;
    sc.attrition.veteran_monthly_prob = 1.0;
    sc.attrition.new_hire_monthly_prob = 1.0;
    let options = SimOptions {
        check_invariants: true,
        trace: false,
        trace_rep: None,
        keep_ended_leads: false,
    };
    let (result, (violations, left, holding)) = run_with(&sc, &variants[2], 0, options, |sim| {
        let left: Vec<_> = sim.reps.iter().filter(|r| !r.active).collect();
        (
            sim.violations.clone(),
            left.len(),
            left.iter().map(|r| r.held()).sum::<usize>(),
        )
    });
    assert!(violations.is_empty(), "{violations:?}");
    assert!(left > 0, "somebody went 5 working days without a win");
    assert_eq!(holding, 0, "leavers hold no leads");
    assert_eq!(metric(&result.metrics, "reps_end"), (104 - left) as f64);
}

#[test]
fn a_dry_spell_counts_from_the_start_of_the_run_not_from_hiring() {
    // 21-day months, leaving certain after a dry spell. At the first month end (the
    // morning of day 21) every rep has been observed for 21 working days, whatever its
    // tenure: wins before the run are not simulated, so a 22-day dry spell cannot have
    // happened yet and nobody leaves; a 20-day one can, and reps without a win since the
    // start leave.
    let (sc, variants) = scenario(22);
    let leavers = |no_win_days: u32| {
        let mut sc = sc.clone();
        sc.attrition.enabled = true;
        sc.attrition.no_win_days = no_win_days;
        sc.attrition.veteran_monthly_prob = 1.0;
        sc.attrition.new_hire_monthly_prob = 1.0;
        let (_, left) = run_with(&sc, &variants[2], 0, SimOptions::default(), |sim| {
            sim.reps.iter().filter(|r| !r.active).count()
        });
        left
    };
    assert_eq!(
        leavers(22),
        0,
        "nobody has been observed for 22 working days"
    );
    assert!(
        leavers(20) > 0,
        "some rep went the first 21 working days without a win"
    );
}

#[test]
fn capacity_weighting_gives_fresh_new_hires_a_smaller_share_of_the_push() {
    let (sc, variants) = scenario(3);
    let baseline = variants[2].clone();
    assert_eq!(baseline.name, "alibaba");
    let mut weighted = baseline.clone();
    weighted.policy.assignment = salesim::scenario::Assignment::CapacityWeighted;
    weighted.policy.new_hire_capacity = 0.2;
    // Leads received per rep, new hires over veterans, on the first three days.
    let share = |v: &Variant| {
        let reps = run_replication(&sc, v, 0).reps;
        let mean = |new: bool| {
            let (n, total) = reps
                .iter()
                .filter(|r| r.cohort.is_new() == new)
                .fold((0.0, 0.0), |(n, t), r| {
                    (n + 1.0, t + f64::from(r.leads_received))
                });
            total / n
        };
        mean(true) / mean(false)
    };
    let (even, capacity) = (share(&baseline), share(&weighted));
    assert!(even > 0.85, "round robin serves everyone alike: {even}");
    // New hires have 0-3 months of a 3-month ramp: capacity 0.2 to 1, about 0.6 on average.
    assert!(capacity < 0.8 * even, "{capacity} vs {even}");
}

#[test]
fn territories_keep_leads_home_and_reps_end_the_day_at_their_own_branch() {
    let mut sc = Scenario::load(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/territories.toml"
    )))
    .unwrap();
    sc.calendar.days = 4;
    let variants = sc.resolved_variants().unwrap();
    let names: Vec<&str> = variants.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["citywide", "strict", "overflow"]);
    let options = SimOptions {
        check_invariants: true,
        trace: false,
        trace_rep: None,
        keep_ended_leads: false,
    };
    let mut outside = Vec::new();
    for v in &variants {
        let (result, (violations, homes)) = run_with(&sc, v, 0, options, |sim| {
            let homes: Vec<(u32, f64, f64, bool)> = (0..sim.reps.len() as u32)
                .map(|r| {
                    let home = sim.home(r);
                    let at_home = sim.reps[r as usize].today.at == Some(home);
                    (sim.reps[r as usize].team, home.x, home.y, at_home)
                })
                .collect();
            (sim.violations.clone(), homes)
        });
        assert!(violations.is_empty(), "{}: {violations:?}", v.name);
        // Teams 0-3 work from chaoyang (6, 3), 4-7 from haidian, 8-11 from fengtai, and
        // every rep is back at its own branch after the last day.
        for &(team, x, y, at_home) in &homes {
            let expected = [(6.0, 3.0), (-7.0, 5.0), (-3.0, -7.0)][team as usize / 4];
            assert_eq!((x, y), expected, "team {team}");
            assert!(
                at_home,
                "a rep of team {team} ended the day away from its branch"
            );
        }
        outside.push(metric(&result.metrics, "out_of_territory_share"));
    }
    // About two thirds of a citywide hand-out crosses territories; none under strict;
    // under overflow only what a territory's own reps leave.
    assert!(outside[0] > 0.4, "{outside:?}");
    assert_eq!(outside[1], 0.0);
    assert!(outside[2] < outside[0] / 4.0, "{outside:?}");
}

#[test]
fn a_variant_with_its_own_scenario_runs_in_it() {
    let mut sc = Scenario::load(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/coaching.toml"
    )))
    .unwrap();
    sc.calendar.days = 21;
    let rides: Vec<(String, u64)> = sc
        .resolved_variants()
        .unwrap()
        .iter()
        .map(|v| {
            let (_, days) = run_with(&sc, v, 0, SimOptions::default(), |sim| {
                sim.tally.ride_along_days
            });
            (v.name.clone(), days)
        })
        .collect();
    // 12 managers over one 21-day month: none, 1, 4, 8 and 21 ride-along days each.
    let days: Vec<u64> = rides.iter().map(|(_, d)| *d).collect();
    assert_eq!(days, [0, 12, 12 * 4, 12 * 8, 12 * 21], "{rides:?}");
}
