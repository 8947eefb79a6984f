//! Travel: a rep driving a fixed distance at each hour reproduces the speed profile, FIFO
//! across hour boundaries, the noise's mean and spread as configured, and the Beijing
//! figures the default was calibrated to.

use super::common::{ASSERT_LEVEL, check_mean, mean_var, report, variance_interval};
use salesim::rng::{Seeds, Source};
use salesim::scenario::{Mode, Travel};
use salesim::world::{Place, TravelModel};

fn at(x: f64, building: u32) -> Place {
    Place {
        x,
        y: 0.0,
        building: Some(building),
    }
}

/// Taxi only, no wait and no fare penalty: a trip is pure driving.
fn taxi_only() -> Travel {
    Travel {
        modes: vec![Mode::Taxi],
        taxi_wait_min: 0.0,
        taxi_wait_peak_min: 0.0,
        taxi_choice_penalty_min: 0.0,
        ..Travel::default()
    }
}

/// Minutes to drive `road_km` leaving at minute `t`, by stepping the clock in steps of
/// 1/1000 minute through the configured hourly speeds (an independent, numerical
/// integration of distance = ∫ speed dt).
fn stepped_minutes(speeds: &[f64], road_km: f64, t: f64) -> f64 {
    let dt = 0.001;
    let (mut now, mut left) = (t, road_km);
    loop {
        let hour = ((now / 60.0).floor() as usize) % 24;
        let step = speeds[hour] / 60.0 * dt;
        if step >= left {
            return now + left / step * dt - t;
        }
        left -= step;
        now += dt;
    }
}

#[test]
fn driving_a_fixed_distance_at_each_hour_gives_distance_times_circuity_over_speed() {
    let cfg = taxi_only();
    let m = TravelModel::new(&cfg);
    let straight = 10.0;
    for hour in 0..24 {
        let t = f64::from(hour) * 60.0;
        let trip = m.plan(&at(0.0, 1), &at(straight, 2), t);
        // 13.5 road km takes at most 38.6 min at the slowest speed: within the hour.
        let formula = straight * cfg.road_factor / cfg.road_speed_kmh[hour as usize] * 60.0;
        assert!(
            (trip.minutes - formula).abs() < 1e-9,
            "{hour}:00: {} min, formula {formula}",
            trip.minutes
        );
        assert!((trip.road_km - straight * cfg.road_factor).abs() < 1e-12);
    }
}

#[test]
fn driving_is_fifo_and_integrates_speed_across_hour_boundaries() {
    let cfg = Travel::default();
    let m = TravelModel::new(&cfg);
    for road_km in [2.0, 13.5, 40.0] {
        let mut last_arrival = f64::NEG_INFINITY;
        // Every quarter minute of the day, and the minutes around each hour boundary.
        for q in 0..24 * 60 * 4 {
            let t = f64::from(q) / 4.0;
            let minutes = m.drive_minutes(road_km, t);
            assert!(
                t + minutes >= last_arrival - 1e-9,
                "{road_km} km leaving at {t} arrives before leaving earlier"
            );
            last_arrival = t + minutes;
            if q % 40 == 0 || (q % 240) >= 236 {
                let stepped = stepped_minutes(&cfg.road_speed_kmh, road_km, t);
                assert!(
                    (minutes - stepped).abs() < 0.01,
                    "{road_km} km at {t}: {minutes} min, stepped {stepped}"
                );
            }
        }
    }
}

#[test]
fn travel_noise_has_the_configured_mean_and_cv() {
    // Realised trip minutes are the expectation times a mean-one lognormal, rounded to the
    // minute: the mean of realised/expected is 1 and ln(realised/expected) has variance
    // ln(1 + CV²) (CV 0.25 off-peak, 0.4 at peak on roads, 0.1 by rail, walk and bike).
    // Rounding adds at most 1/(12·m²) to that variance for an expectation of m minutes;
    // the check widens the variance interval by that much.
    let cfg = Travel::default();
    let seeds = Seeds::new(8003, 0);
    let n = 4000;
    let cases = [
        (
            "taxi at 08:00 (peak)",
            Mode::Taxi,
            8.0 * 60.0,
            cfg.noise_cv_road_peak,
        ),
        ("taxi at 11:00", Mode::Taxi, 11.0 * 60.0, cfg.noise_cv_road),
        (
            "taxi at 17:30 (peak)",
            Mode::Taxi,
            17.5 * 60.0,
            cfg.noise_cv_road_peak,
        ),
        ("taxi at 21:00", Mode::Taxi, 21.0 * 60.0, cfg.noise_cv_road),
        ("rail at 08:00", Mode::Rail, 8.0 * 60.0, cfg.noise_cv_rail),
    ];
    for (k, (name, mode, t, cv)) in cases.into_iter().enumerate() {
        let only = TravelModel::new(&Travel {
            modes: vec![mode],
            ..cfg.clone()
        });
        let trip = only.plan(&at(0.0, 1), &at(12.0, 2), t);
        assert_eq!(trip.mode, Some(mode));
        let mut rng = seeds.stream(Source::RepDay, k as u64);
        let ratios: Vec<f64> = (0..n)
            .map(|_| f64::from(only.sample_minutes(&trip, &mut rng)) / trip.minutes)
            .collect();
        check_mean(&format!("travel noise mean, {name}"), &ratios, 1.0);
        let logs: Vec<f64> = ratios.iter().map(|r| r.ln()).collect();
        let (_, var) = mean_var(&logs);
        let rounding = 1.0 / (12.0 * trip.minutes * trip.minutes);
        let widen = |(lo, hi): (f64, f64)| (lo - rounding, hi + rounding);
        let ci95 = widen(variance_interval(var, n, 0.95));
        let ci = widen(variance_interval(var, n, ASSERT_LEVEL));
        let expected = (1.0 + cv * cv).ln();
        assert!(
            report(
                &format!("travel noise ln-variance = ln(1+CV²), CV {cv}, {name}"),
                expected,
                var,
                ci95,
                ci
            ),
            "{name}"
        );
    }
}

#[test]
fn default_travel_reproduces_the_beijing_figures() {
    // Beijing Transport Institute annual reports: peak-hour road speed about 23–24 km/h;
    // congestion (delay) index about 2: peak travel time twice the free-flow time.
    let cfg = Travel::default();
    let m = TravelModel::new(&cfg);
    let road_km = 10.0;
    let speed_at = |hour: f64| road_km / m.drive_minutes(road_km, hour * 60.0) * 60.0;
    let free_flow = speed_at(3.0);
    let peaks: Vec<(u32, f64)> = cfg
        .peak_hours
        .iter()
        .map(|&h| (h, speed_at(f64::from(h))))
        .collect();
    for &(h, v) in &peaks {
        println!(
            "validation: Beijing peak speed: {h:02}:00 road speed {v:.1} km/h, delay index {:.2}",
            free_flow / v
        );
    }
    let morning = peaks.iter().find(|(h, _)| *h == 8).unwrap().1;
    assert!(
        (23.0..=24.0).contains(&morning),
        "morning peak {morning} km/h outside 23–24"
    );
    // The delay index over the peak hours: mean peak travel time over free-flow time.
    let index = peaks.iter().map(|(_, v)| free_flow / v).sum::<f64>() / peaks.len() as f64;
    println!("validation: Beijing delay index over the peak hours {index:.2} (published about 2)");
    assert!((index - 2.0).abs() <= 0.2, "delay index {index}");
}
