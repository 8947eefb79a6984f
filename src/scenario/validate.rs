//! Range and cross-field checks; every problem names its key path and what is allowed.

use super::checks::Checks;
use super::names::{MISSING_SPELLINGS, name_problem};
use super::policy_checks::check_policy;
use super::{Scenario, ScenarioError};

/// Largest organisation a scenario may ask for (reps at the start plus hires).
pub const MAX_REPS: u64 = 200_000;
/// Least Beta shape parameter (`companies.*_alpha`, `*_beta`): smaller ones put the
/// quantile function out of floating-point reach (denormal shapes failed or hung).
pub const MIN_BETA_SHAPE: f64 = 0.01;
/// Largest master seed: the largest integer a TOML file can hold (2^63 − 1).
pub const MAX_SEED: u64 = i64::MAX as u64;

/// Longest horizon, working days.
pub const MAX_DAYS: u32 = 5_000;
/// Most buildings in a generated city.
pub const MAX_BUILDINGS: u32 = 1_000_000;
/// Most leads one replication may create (about 200 bytes each in memory).
pub const MAX_LEADS: u64 = 100_000_000;
/// Most replications per variant.
pub const MAX_REPLICATIONS: u32 = 1_000_000;

impl Scenario {
    /// Checks every key's range and the cross-field rules; lists every problem found.
    pub fn validate(&self, origin: &str) -> Result<(), ScenarioError> {
        let mut c = self.checks();
        if c.problems.is_empty() {
            Ok(())
        } else {
            c.problems.dedup();
            Err(ScenarioError::Invalid {
                origin: origin.to_string(),
                problems: c.problems,
            })
        }
    }

    /// The rules `validate` applies, key by key, as words (e.g. `policy.audit_rate`: "a number
    /// from 0 to 1"); bounds that depend on other keys are given at the default's values.
    pub fn key_rules() -> Vec<(String, String)> {
        Scenario::default().checks().rules
    }

    fn checks(&self) -> Checks {
        let mut c = Checks::default();
        let s = self;
        c.count(
            "replications",
            s.replications.into(),
            1,
            MAX_REPLICATIONS.into(),
        );
        c.count("seed", s.seed, 0, MAX_SEED);
        c.count("calendar.days", s.calendar.days.into(), 1, MAX_DAYS.into());
        c.count(
            "calendar.working_days_per_week",
            s.calendar.working_days_per_week.into(),
            1,
            7,
        );

        let d = &s.day;
        let times = [
            ("day.office_open", d.office_open),
            ("day.depart", d.depart),
            ("day.return_deadline", d.return_deadline),
            ("day.meeting_end", d.meeting_end),
            ("day.desk_end", d.desk_end),
        ];
        for pair in times.windows(2) {
            if pair[0].1 >= pair[1].1 {
                c.problems.push(format!(
                    "{}: {} is not after {} ({}); the day runs office_open < depart < return_deadline < meeting_end < desk_end",
                    pair[1].0, pair[1].1, pair[0].0, pair[0].1
                ));
            }
        }
        c.count("day.visit_quota", d.visit_quota.into(), 1, 40);
        c.count(
            "day.effective_quota",
            d.effective_quota.into(),
            0,
            d.visit_quota.into(),
        );
        c.describe(
            "day.effective_quota",
            "a whole number from 0 to day.visit_quota",
        );

        let o = &s.org;
        c.count("org.teams", o.teams.into(), 1, MAX_REPS);
        let hires = s
            .calendar
            .days
            .checked_div(o.hire_every_days)
            .map_or(0, |batches| {
                u64::from(batches) * u64::from(o.hires_per_batch)
            });
        let reps = u64::from(o.veterans) + u64::from(o.new_hires);
        c.count("org.veterans + org.new_hires", reps, 1, MAX_REPS);
        c.count("org.hires_per_batch × hiring batches", hires, 0, MAX_REPS);
        let starting = format!("a whole number; org.veterans + org.new_hires from 1 to {MAX_REPS}");
        c.describe("org.veterans", &starting);
        c.describe("org.new_hires", &starting);
        c.describe(
            "org.hires_per_batch",
            &format!("a whole number; at most {MAX_REPS} hires over calendar.days"),
        );
        c.describe(
            "org.hire_every_days",
            &format!("a whole number (0: no hiring); at most {MAX_REPS} hires over calendar.days"),
        );
        c.range(
            "org.veteran_tenure_min_months",
            o.veteran_tenure_min_months,
            0.0,
            600.0,
        );
        c.range(
            "org.veteran_tenure_max_months",
            o.veteran_tenure_max_months,
            0.0,
            600.0,
        );
        c.order(
            "org.veteran_tenure_min_months",
            o.veteran_tenure_min_months,
            "org.veteran_tenure_max_months",
            o.veteran_tenure_max_months,
        );
        c.range(
            "org.new_hire_tenure_max_months",
            o.new_hire_tenure_max_months,
            0.0,
            600.0,
        );
        c.count("org.new_hire_days", o.new_hire_days.into(), 0, 100_000);
        c.range(
            "org.experience_per_tenure_day",
            o.experience_per_tenure_day,
            0.0,
            100.0,
        );
        c.range(
            "org.new_hire_experience_per_tenure_day",
            o.new_hire_experience_per_tenure_day,
            0.0,
            100.0,
        );
        c.count(
            "org.veteran_initial_private",
            o.veteran_initial_private.into(),
            0,
            10_000,
        );
        c.count(
            "org.ride_alongs_per_month",
            o.ride_alongs_per_month.into(),
            0,
            31,
        );
        c.range("org.manager_skill", o.manager_skill, 0.0, 1.0);

        let k = &s.skill;
        c.range("skill.start_mean", k.start_mean, 0.0, 1.0);
        c.range("skill.start_sd", k.start_sd, 0.0, 1.0);
        c.range("skill.ceiling_mean", k.ceiling_mean, 0.0, 1.0);
        c.range("skill.ceiling_sd", k.ceiling_sd, 0.0, 1.0);
        c.positive("skill.learning_scale", k.learning_scale, 1e9);
        c.range("skill.ride_along_weight", k.ride_along_weight, 0.0, 100.0);
        c.range("skill.meeting_weight", k.meeting_weight, 0.0, 100.0);
        c.range("skill.judge_sigma_base", k.judge_sigma_base, 0.0, 5.0);
        c.range(
            "skill.judge_sigma_per_skill",
            k.judge_sigma_per_skill,
            0.0,
            k.judge_sigma_base.max(0.0),
        );

        let a = &s.attrition;
        c.count(
            "attrition.no_win_days",
            a.no_win_days.into(),
            1,
            MAX_DAYS.into(),
        );
        c.range(
            "attrition.veteran_monthly_prob",
            a.veteran_monthly_prob,
            0.0,
            1.0,
        );
        c.range(
            "attrition.new_hire_monthly_prob",
            a.new_hire_monthly_prob,
            0.0,
            1.0,
        );

        let y = &s.city;
        c.positive("city.size_km", y.size_km, 1000.0);
        c.count(
            "city.buildings",
            y.buildings.into(),
            1,
            MAX_BUILDINGS.into(),
        );
        c.count("city.districts", y.districts.into(), 0, 1000);
        c.range("city.district_share", y.district_share, 0.0, 1.0);
        if y.districts == 0 && y.district_share > 0.0 {
            c.problems
                .push("city.district_share: must be 0 when city.districts is 0".into());
        }
        c.range("city.district_min_km", y.district_min_km, 0.0, y.size_km);
        c.range("city.district_max_km", y.district_max_km, 0.0, y.size_km);
        c.order(
            "city.district_min_km",
            y.district_min_km,
            "city.district_max_km",
            y.district_max_km,
        );
        c.range(
            "city.district_spread_min_km",
            y.district_spread_min_km,
            0.0,
            y.size_km,
        );
        c.range(
            "city.district_spread_max_km",
            y.district_spread_max_km,
            0.0,
            y.size_km,
        );
        c.order(
            "city.district_spread_min_km",
            y.district_spread_min_km,
            "city.district_spread_max_km",
            y.district_spread_max_km,
        );
        for key in [
            "city.district_min_km",
            "city.district_max_km",
            "city.district_spread_min_km",
            "city.district_spread_max_km",
        ] {
            let pair = if key.contains("spread") {
                "city.district_spread_min_km ≤ city.district_spread_max_km"
            } else {
                "city.district_min_km ≤ city.district_max_km"
            };
            c.describe(key, &format!("a number from 0 to city.size_km; {pair}"));
        }
        c.range(
            "city.companies_per_building_extra_mean",
            y.companies_per_building_extra_mean,
            0.0,
            10_000.0,
        );
        let companies = f64::from(y.buildings) * (1.0 + y.companies_per_building_extra_mean);
        if companies > 50_000_000.0 {
            c.problems.push(format!("city: about {companies:.0} companies is too many; at most 50,000,000 (buildings × (1 + companies_per_building_extra_mean))"));
        }

        c.rules.push((
            "city.companies_csv".into(),
            super::PATH_RULE.replacen("expected ", "", 1),
        ));
        if let Some(problem) = s
            .city
            .companies_csv
            .as_deref()
            .and_then(super::path_problem)
        {
            c.problems.push(format!("city.companies_csv: {problem}"));
        }

        if s.city.office_lat.is_some() != s.city.office_lon.is_some() {
            c.problems.push(
                "city.office_lat: give both city.office_lat and city.office_lon, or neither".into(),
            );
        }
        if let Some(lat) = s.city.office_lat {
            c.range("city.office_lat", lat, -90.0, 90.0);
        }
        if let Some(lon) = s.city.office_lon {
            c.range("city.office_lon", lon, -180.0, 180.0);
        }

        let t = &s.travel;
        if t.modes.is_empty() {
            c.problems.push(
                "travel.modes: empty; name at least one of \"walk\", \"bike\", \"taxi\", \"rail\""
                    .into(),
            );
        }
        if t.modes
            .iter()
            .all(|m| matches!(m, super::Mode::Walk | super::Mode::Bike))
            && !t.modes.is_empty()
        {
            c.problems.push(
                "travel.modes: walk and bike only reach short hops; add \"taxi\" or \"rail\""
                    .into(),
            );
        }
        if t.road_speed_kmh.len() != 24 {
            c.problems.push(format!(
                "travel.road_speed_kmh: {} values; expected 24, one per hour 00–23",
                t.road_speed_kmh.len()
            ));
        }
        for (h, v) in t.road_speed_kmh.iter().enumerate() {
            // At least walking pace: the drive is integrated hour by hour, and a road that
            // crawls turns each trip into days of hours to step through.
            c.range(&format!("travel.road_speed_kmh[{h}]"), *v, 1.0, 300.0);
        }
        for (i, h) in t.peak_hours.iter().enumerate() {
            c.count(&format!("travel.peak_hours[{i}]"), (*h).into(), 0, 23);
        }
        c.range("travel.road_factor", t.road_factor, 1.0, 5.0);
        c.range("travel.rail_factor", t.rail_factor, 1.0, 5.0);
        c.range("travel.taxi_wait_min", t.taxi_wait_min, 0.0, 240.0);
        c.range(
            "travel.taxi_choice_penalty_min",
            t.taxi_choice_penalty_min,
            0.0,
            600.0,
        );
        c.range(
            "travel.taxi_wait_peak_min",
            t.taxi_wait_peak_min,
            0.0,
            240.0,
        );
        c.positive("travel.rail_speed_kmh", t.rail_speed_kmh, 300.0);
        c.range("travel.rail_access_min", t.rail_access_min, 0.0, 240.0);
        c.range("travel.rail_wait_min", t.rail_wait_min, 0.0, 240.0);
        c.positive("travel.walk_speed_kmh", t.walk_speed_kmh, 30.0);
        c.range("travel.walk_max_km", t.walk_max_km, 0.0, 100.0);
        c.positive("travel.bike_speed_kmh", t.bike_speed_kmh, 60.0);
        c.range("travel.bike_max_km", t.bike_max_km, 0.0, 100.0);
        c.range("travel.bike_overhead_min", t.bike_overhead_min, 0.0, 240.0);
        for (key, v) in [
            ("travel.noise_cv_road", t.noise_cv_road),
            ("travel.noise_cv_road_peak", t.noise_cv_road_peak),
            ("travel.noise_cv_rail", t.noise_cv_rail),
            ("travel.noise_cv_active", t.noise_cv_active),
        ] {
            c.range(key, v, 0.0, 3.0);
        }
        c.count("travel.lobby_min", t.lobby_min.into(), 0, 240);
        c.count("travel.inside_move_min", t.inside_move_min.into(), 0, 240);

        let m = &s.companies;
        c.range(
            "companies.propensity_alpha",
            m.propensity_alpha,
            MIN_BETA_SHAPE,
            1e4,
        );
        c.range(
            "companies.propensity_beta",
            m.propensity_beta,
            MIN_BETA_SHAPE,
            1e4,
        );
        c.positive(
            "companies.deal_value_median_cny",
            m.deal_value_median_cny,
            1e12,
        );
        c.range("companies.deal_value_sigma", m.deal_value_sigma, 0.0, 5.0);
        c.range("companies.dm_in_alpha", m.dm_in_alpha, MIN_BETA_SHAPE, 1e4);
        c.range("companies.dm_in_beta", m.dm_in_beta, MIN_BETA_SHAPE, 1e4);
        c.range(
            "companies.appointment_factor",
            m.appointment_factor,
            0.0,
            100.0,
        );
        c.range("companies.dm_in_max", m.dm_in_max, 0.0, 1.0);
        c.count("companies.steps_base", m.steps_base.into(), 1, 100);
        c.count(
            "companies.steps_extra_trials",
            m.steps_extra_trials.into(),
            0,
            100,
        );
        c.range("companies.steps_extra_p", m.steps_extra_p, 0.0, 1.0);
        c.count(
            "companies.relead_after_days",
            m.relead_after_days.into(),
            0,
            100_000,
        );

        let l = &s.leads;
        c.count(
            "leads.marketing_per_day",
            l.marketing_per_day.into(),
            0,
            10_000_000,
        );
        c.count(
            "leads.registrations_per_day",
            l.registrations_per_day.into(),
            0,
            10_000_000,
        );
        c.count("leads.desk_per_rep", l.desk_per_rep.into(), 0, 1000);
        c.count(
            "leads.initial_pool_days",
            l.initial_pool_days.into(),
            0,
            365,
        );
        c.range("leads.crm_score_sigma", l.crm_score_sigma, 0.0, 5.0);

        // Leads a run may create: marketing, plus every rep's desk research and cold-visit contacts.
        let all_reps = reps + hires;
        let per_rep_day = f64::from(l.desk_per_rep)
            + f64::from(s.visits.cold_per_effective)
                * f64::from(d.visit_quota)
                * s.visits.cold_contact_prob.clamp(0.0, 1.0);
        let expected = (f64::from(l.marketing_per_day)
            + f64::from(l.registrations_per_day)
            + all_reps as f64 * per_rep_day)
            * f64::from(s.calendar.days)
            // The stock at the start: the pool's days of marketing and the veterans' leads.
            + f64::from(l.initial_pool_days) * f64::from(l.marketing_per_day)
            + f64::from(o.veterans) * f64::from(o.veteran_initial_private);
        if expected > MAX_LEADS as f64 {
            c.problems.push(format!(
                "leads: a run could create about {expected:.0} leads (the starting stock, then marketing, registrations, desk research and cold visits over calendar.days); at most {MAX_LEADS}"
            ));
        }

        let v = &s.visits;
        c.positive("visits.effective_mean_min", v.effective_mean_min, 600.0);
        c.range("visits.effective_cv", v.effective_cv, 0.0, 3.0);
        c.count("visits.gatekeeper_min", v.gatekeeper_min.into(), 1, 600);
        c.count("visits.cold_min", v.cold_min.into(), 1, 600);
        c.range("visits.cold_contact_prob", v.cold_contact_prob, 0.0, 1.0);
        c.count(
            "visits.cold_per_effective",
            v.cold_per_effective.into(),
            0,
            50,
        );

        let f = &s.funnel;
        c.range("funnel.skill_offset", f.skill_offset, 0.0, 10.0);
        c.range("funnel.lost_prob", f.lost_prob, 0.0, 1.0);
        c.range("funnel.freshness_exponent", f.freshness_exponent, 0.0, 10.0);
        c.positive("funnel.freshness_scale_hours", f.freshness_scale_hours, 1e6);
        c.positive(
            "funnel.cooling_half_life_days",
            f.cooling_half_life_days,
            1e6,
        );
        c.positive("funnel.window_mean_days", f.window_mean_days, 1e5);
        c.range("funnel.payment_prob", f.payment_prob, 0.0, 1.0);
        c.order(
            "funnel.payment_min_days",
            f.payment_min_days.into(),
            "funnel.payment_max_days",
            f.payment_max_days.into(),
        );
        c.count(
            "funnel.payment_max_days",
            f.payment_max_days.into(),
            0,
            10_000,
        );

        let k = &s.desk;
        c.count("desk.crm_entry_min", k.crm_entry_min.into(), 0, 600);
        c.count("desk.call_min", k.call_min.into(), 1, 600);
        c.range("desk.call_reach_prob", k.call_reach_prob, 0.0, 1.0);
        c.count("desk.research_min", k.research_min.into(), 0, 24 * 60);

        let b = &s.behaviour;
        c.count(
            "behaviour.plan_candidates",
            b.plan_candidates.into(),
            1,
            1000,
        );
        c.positive(
            "behaviour.plan_distance_scale_km",
            b.plan_distance_scale_km,
            1e4,
        );
        c.range(
            "behaviour.close_below_chance",
            b.close_below_chance,
            0.0,
            1.0,
        );
        c.range("behaviour.book_min_chance", b.book_min_chance, 0.0, 10.0);
        c.count(
            "behaviour.book_max_per_evening",
            b.book_max_per_evening.into(),
            0,
            d.visit_quota.into(),
        );
        c.describe(
            "behaviour.book_max_per_evening",
            "a whole number from 0 to day.visit_quota",
        );
        c.count(
            "behaviour.claim_browse",
            b.claim_browse.into(),
            0,
            1_000_000,
        );
        c.range("behaviour.claim_min_chance", b.claim_min_chance, 0.0, 10.0);
        c.range("behaviour.fake_temptation", b.fake_temptation, 0.0, 1.0);
        c.range("behaviour.fake_deterrence", b.fake_deterrence, 0.0, 1000.0);

        if s.variants.is_empty() {
            c.problems
                .push("variant: no [[variant]] tables; declare at least one policy variant".into());
        }
        c.problems.extend(name_problem("name", &s.name));
        for (i, v) in s.variants.iter().enumerate() {
            c.problems
                .extend(name_problem(&format!("variant[{i}].name"), &v.name));
            if v.name.trim().is_empty() {
                c.problems.push(format!(
                    "variant[{i}].name: missing or empty; every variant needs a name"
                ));
            } else if MISSING_SPELLINGS.contains(&v.name.trim()) {
                c.problems.push(format!(
                    "variant[{i}].name: {:?} reads as a missing value in pandas and R (the CSVs key every row by variant); choose another name, e.g. {:?}",
                    v.name,
                    format!("{}-policy", v.name.trim())
                ));
            }
            if let Some(j) = s.variants[..i].iter().position(|w| w.name == v.name) {
                c.problems.push(format!(
                    "variant[{i}].name: {:?} repeats variant[{j}]; names must be unique",
                    v.name
                ));
            }
        }
        if let Some(b) = &s.baseline
            && !s.variants.iter().any(|v| &v.name == b)
        {
            let names: Vec<_> = s.variants.iter().map(|v| v.name.as_str()).collect();
            c.problems.push(format!(
                "baseline: {b:?} names no variant; expected one of {names:?}"
            ));
        }
        check_analysis(&mut c, &s.analysis);
        check_offices(&mut c, s);
        c.rules.extend(
            super::sensitivity::RULES
                .iter()
                .map(|(k, r)| (k.to_string(), r.to_string())),
        );
        if s.seed > MAX_SEED {
            // Such a scenario cannot be written back as TOML, which the checks below need.
            return c;
        }
        c.problems.extend(super::sensitivity::problems(s));
        // The base policy's problems once; a variant's only where they are its own.
        let mut base = Checks::default();
        check_policy(&mut base, "policy", &s.policy);
        match s.resolved_variants() {
            Ok(variants) => {
                for (i, v) in variants.iter().enumerate() {
                    let at = format!("variant[{i}].policy");
                    let mut own = Checks::default();
                    check_policy(&mut own, &at, &v.policy);
                    let inherited = |p: &String| base.problems.contains(&p.replace(&at, "policy"));
                    c.problems
                        .extend(own.problems.into_iter().filter(|p| !inherited(p)));
                }
            }
            Err(ScenarioError::Invalid { problems, .. }) => c.problems.extend(problems),
            Err(other) => c.problems.push(other.to_string()),
        }
        c.problems.extend(base.problems);
        c.rules.extend(base.rules);
        c
    }
}

fn check_offices(c: &mut Checks, s: &Scenario) {
    c.rules.push((
        "office".into(),
        "optional [[office]] tables: a unique non-empty name, x_km and y_km inside the city (no two at one point), teams from 1; their teams add up to org.teams".into(),
    ));
    if s.offices.is_empty() {
        return;
    }
    let half = s.city.size_km / 2.0;
    for (i, o) in s.offices.iter().enumerate() {
        c.problems
            .extend(name_problem(&format!("office[{i}].name"), &o.name));
        if o.name.trim().is_empty() {
            c.problems.push(format!(
                "office[{i}].name: missing or empty; every office needs a name"
            ));
        }
        if let Some(j) = s.offices[..i].iter().position(|p| p.name == o.name) {
            c.problems.push(format!(
                "office[{i}].name: {:?} repeats office[{j}]; names must be unique",
                o.name
            ));
        }
        // Territories go to the nearest office: a second office at the same point would
        // never be nearest, and its reps would get no leads.
        if let Some(j) = s.offices[..i]
            .iter()
            .position(|p| p.x_km == o.x_km && p.y_km == o.y_km)
        {
            c.problems.push(format!(
                "office[{i}]: at the same point as office[{j}] ({}, {}); offices need their own places (territories go to the nearest)",
                o.x_km, o.y_km
            ));
        }
        for (key, v) in [("x_km", o.x_km), ("y_km", o.y_km)] {
            c.range(&format!("office[{i}].{key}"), v, -half, half);
        }
        c.count(&format!("office[{i}].teams"), o.teams.into(), 1, MAX_REPS);
    }
    let total: u64 = s.offices.iter().map(|o| u64::from(o.teams)).sum();
    if total != u64::from(s.org.teams) {
        c.problems.push(format!(
            "office: the offices' teams add up to {total}, but org.teams is {}; give every team one office",
            s.org.teams
        ));
    }
}

fn check_analysis(c: &mut Checks, a: &super::Analysis) {
    use crate::metrics::{Better, METRICS, metric_index, unknown_metric};
    c.rules.push((
        "analysis.metric".into(),
        "a metric name from the README's metric table where higher or lower is better".into(),
    ));
    match metric_index(&a.metric) {
        None => c
            .problems
            .push(format!("analysis.metric: {}", unknown_metric(&a.metric))),
        Some(m) => c
            .problems
            .extend(crate::metrics::unrankable(m).map(|why| format!("analysis.metric: {why}"))),
    }
    c.rules.push((
        "analysis.fairness_floors".into(),
        "metric name = finite number, for metrics where higher or lower is better".into(),
    ));
    for (name, &value) in &a.fairness_floors {
        let at = format!("analysis.fairness_floors.{name}");
        match metric_index(name) {
            None => c.problems.push(format!("{at}: {}", unknown_metric(name))),
            Some(m) if METRICS[m].better == Better::Neither => c.problems.push(format!(
                "{at}: {name} has no better direction, so it cannot be a floor"
            )),
            Some(_) if !value.is_finite() => c
                .problems
                .push(format!("{at}: {value} is not a finite number")),
            Some(_) => {}
        }
    }
}
