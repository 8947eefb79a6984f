//! Time-dependent, FIFO, noisy travel with mode choice.
//!
//! Road driving uses the Ichoua–Gendreau–Potvin model (Ichoua, Gendreau and Potvin 2003,
//! "Vehicle dispatching with time-dependent travel times", EJOR 144): the road speed is
//! piecewise constant by hour and a trip's distance is integrated through the speed
//! changes, which guarantees FIFO (leaving later never arrives sooner). A taxi's wait
//! drops when a peak ends; the expected arrival is the earliest arrival over leaving now
//! or at a later wait drop, which keeps the combined function FIFO. Realised times are
//! the expectation times a lognormal factor with mean 1 (lognormal fits Beijing link
//! times best), heavier at peak.

use super::Place;
use crate::rng::Stream;
use crate::scenario::{self, Mode};
use rand_distr::{Distribution, LogNormal};

/// A planned move between two places at a departure time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trip {
    /// The chosen mode; `None` when the move stays inside one building (or one place).
    pub mode: Option<Mode>,
    /// Expected door-to-door minutes (waits and access included, lobby excluded).
    pub minutes: f64,
    /// Road distance, km (straight line × road factor).
    pub road_km: f64,
    /// Whether the departure falls in a peak hour.
    pub peak: bool,
}

/// The travel model of a scenario.
#[derive(Debug, Clone)]
pub struct TravelModel {
    cfg: scenario::Travel,
    km_per_min: [f64; 24],
    peak: [bool; 24],
    noise_road: LogNormal<f64>,
    noise_road_peak: LogNormal<f64>,
    noise_rail: LogNormal<f64>,
    noise_active: LogNormal<f64>,
}

fn mean_one_lognormal(cv: f64) -> LogNormal<f64> {
    let sigma2 = (1.0 + cv * cv).ln();
    LogNormal::new(-sigma2 / 2.0, sigma2.sqrt()).expect("cv is validated")
}

impl TravelModel {
    /// Builds the model from the travel keys.
    pub fn new(cfg: &scenario::Travel) -> TravelModel {
        let mut km_per_min = [0.0; 24];
        let mut peak = [false; 24];
        for h in 0..24 {
            km_per_min[h] = cfg.road_speed_kmh.get(h).copied().unwrap_or(30.0) / 60.0;
            peak[h] = cfg.peak_hours.contains(&(h as u32));
        }
        TravelModel {
            km_per_min,
            peak,
            noise_road: mean_one_lognormal(cfg.noise_cv_road),
            noise_road_peak: mean_one_lognormal(cfg.noise_cv_road_peak),
            noise_rail: mean_one_lognormal(cfg.noise_cv_rail),
            noise_active: mean_one_lognormal(cfg.noise_cv_active),
            cfg: cfg.clone(),
        }
    }

    /// The scenario's travel keys.
    pub fn config(&self) -> &scenario::Travel {
        &self.cfg
    }

    /// The hour count of minute `t`: ⌊t / 60⌋ (by truncation and a correction, which is
    /// the same number as `floor` without the software `floor` of baseline x86-64).
    fn hours_floor(t: f64) -> f64 {
        let q = t / 60.0;
        let whole = q as i64 as f64;
        if whole > q { whole - 1.0 } else { whole }
    }

    fn hour(t: f64) -> usize {
        let hours = Self::hours_floor(t) as i64;
        // Minutes of the day come first; the remainder only for times past midnight.
        if (0..24).contains(&hours) {
            hours as usize
        } else {
            hours.rem_euclid(24) as usize
        }
    }

    /// Whether minute-of-day `t` is in a peak hour.
    pub fn is_peak(&self, t: f64) -> bool {
        self.peak[Self::hour(t)]
    }

    /// Minutes to drive `road_km` leaving at minute-of-day `t` (IGP integration; FIFO).
    pub fn drive_minutes(&self, road_km: f64, t: f64) -> f64 {
        let mut left = road_km;
        let mut now = t;
        loop {
            let v = self.km_per_min[Self::hour(now)];
            let hour_end = (Self::hours_floor(now) + 1.0) * 60.0;
            let reach = v * (hour_end - now);
            if reach >= left {
                return now + left / v - t;
            }
            left -= reach;
            now = hour_end;
        }
    }

    fn taxi_wait(&self, t: f64) -> f64 {
        if self.is_peak(t) {
            self.cfg.taxi_wait_peak_min
        } else {
            self.cfg.taxi_wait_min
        }
    }

    /// Expected taxi minutes leaving at `t`: the earliest arrival over leaving at `t` or
    /// at a later hour boundary within the longest wait (where a wait may drop).
    pub fn taxi_minutes(&self, road_km: f64, t: f64) -> f64 {
        let arrive = |s: f64| {
            let w = self.taxi_wait(s);
            s + w + self.drive_minutes(road_km, s + w)
        };
        let mut best = arrive(t);
        let longest = self.cfg.taxi_wait_min.max(self.cfg.taxi_wait_peak_min);
        let mut boundary = (Self::hours_floor(t) + 1.0) * 60.0;
        while boundary <= t + longest {
            best = best.min(arrive(boundary));
            boundary += 60.0;
        }
        best - t
    }

    /// Expected minutes by `mode` for a straight-line distance, or `None` if the mode cannot do it.
    pub fn mode_minutes(&self, mode: Mode, straight_km: f64, t: f64) -> Option<f64> {
        let c = &self.cfg;
        let road_km = straight_km * c.road_factor;
        match mode {
            Mode::Walk => (road_km <= c.walk_max_km).then(|| road_km / c.walk_speed_kmh * 60.0),
            Mode::Bike => (road_km <= c.bike_max_km)
                .then(|| c.bike_overhead_min + road_km / c.bike_speed_kmh * 60.0),
            Mode::Taxi => Some(self.taxi_minutes(road_km, t)),
            Mode::Rail => Some(
                c.rail_access_min
                    + c.rail_wait_min
                    + straight_km * c.rail_factor / c.rail_speed_kmh * 60.0,
            ),
        }
    }

    /// The trip a rep chooses between two places leaving at minute-of-day `t`: the mode
    /// with the least expected minutes, a taxi counting `taxi_choice_penalty_min` more
    /// (its fare). A move inside one building costs `inside_move_min`; staying put nothing.
    pub fn plan(&self, from: &Place, to: &Place, t: f64) -> Trip {
        let straight = from.km_to(to);
        let peak = self.is_peak(t);
        let road_km = straight * self.cfg.road_factor;
        if from.building == to.building {
            let minutes = if from.building.is_some() {
                f64::from(self.cfg.inside_move_min)
            } else {
                0.0
            };
            return Trip {
                mode: None,
                minutes,
                road_km: 0.0,
                peak,
            };
        }
        let mut best = Trip {
            mode: None,
            minutes: f64::INFINITY,
            road_km,
            peak,
        };
        let mut best_cost = f64::INFINITY;
        for &mode in &self.cfg.modes {
            if let Some(m) = self.mode_minutes(mode, straight, t) {
                let cost = if mode == Mode::Taxi {
                    m + self.cfg.taxi_choice_penalty_min
                } else {
                    m
                };
                if cost < best_cost {
                    best_cost = cost;
                    best.mode = Some(mode);
                    best.minutes = m;
                }
            }
        }
        best
    }

    /// Expected minutes of the fastest trip (lobby excluded).
    pub fn expected_minutes(&self, from: &Place, to: &Place, t: f64) -> f64 {
        self.plan(from, to, t).minutes
    }

    /// A realised trip length in whole minutes (at least 1 for a real move): the
    /// expectation times a mean-one lognormal factor whose spread depends on mode and peak.
    pub fn sample_minutes(&self, trip: &Trip, rng: &mut Stream) -> u32 {
        let noise = match trip.mode {
            None => return trip.minutes.round() as u32,
            Some(Mode::Taxi) if trip.peak => &self.noise_road_peak,
            Some(Mode::Taxi) => &self.noise_road,
            Some(Mode::Rail) => &self.noise_rail,
            Some(Mode::Walk | Mode::Bike) => &self.noise_active,
        };
        ((trip.minutes * noise.sample(rng)).round() as u32).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Seeds, Source};

    #[test]
    fn hours_floor_is_floor() {
        let mut t = -3000.0;
        while t < 3000.0 {
            for x in [t, t + 1e-9, t - 1e-9, t + 0.5] {
                assert_eq!(
                    TravelModel::hours_floor(x).to_bits(),
                    (x / 60.0).floor().to_bits(),
                    "{x}"
                );
            }
            t += 7.5;
        }
    }

    fn model() -> TravelModel {
        TravelModel::new(&scenario::Travel::default())
    }

    fn at(x: f64, b: u32) -> Place {
        Place {
            x,
            y: 0.0,
            building: Some(b),
        }
    }

    #[test]
    fn driving_integrates_through_speed_changes() {
        let m = model();
        // 10 km at 32 km/h from 10:00: 18.75 min.
        assert!((m.drive_minutes(10.0, 600.0) - 18.75).abs() < 1e-9);
        // From 08:50 at 23 km/h for 10 min (3.833 km), then 32 km/h for the rest.
        let expect = 10.0 + (10.0 - 23.0 / 6.0) / 32.0 * 60.0;
        assert!((m.drive_minutes(10.0, 530.0) - expect).abs() < 1e-9);
    }

    #[test]
    fn every_mode_is_fifo_over_the_whole_day() {
        let m = model();
        for km in [0.3, 1.0, 2.5, 8.0, 25.0] {
            for mode in [Mode::Walk, Mode::Bike, Mode::Taxi, Mode::Rail] {
                let mut last_arrival = f64::NEG_INFINITY;
                for t in (0..24 * 60 * 4).map(|q| f64::from(q) / 4.0) {
                    if let Some(min) = m.mode_minutes(mode, km, t) {
                        assert!(t + min >= last_arrival - 1e-9, "{mode:?} {km} km at {t}");
                        last_arrival = t + min;
                    }
                }
            }
            // With no fare penalty the rep takes the fastest mode, and the minimum of FIFO functions is FIFO.
            let fastest = TravelModel::new(&scenario::Travel {
                taxi_choice_penalty_min: 0.0,
                ..scenario::Travel::default()
            });
            let mut last = f64::NEG_INFINITY;
            for t in 0..24 * 60 {
                let t = f64::from(t);
                let trip = fastest.plan(&at(0.0, 1), &at(km, 2), t);
                assert!(t + trip.minutes >= last - 1e-9);
                last = t + trip.minutes;
            }
        }
    }

    #[test]
    fn mode_choice_follows_distance() {
        let m = model();
        assert_eq!(
            m.plan(&at(0.0, 1), &at(0.2, 2), 600.0).mode,
            Some(Mode::Walk)
        );
        assert_eq!(
            m.plan(&at(0.0, 1), &at(1.8, 2), 600.0).mode,
            Some(Mode::Bike)
        );
        assert_eq!(
            m.plan(&at(0.0, 1), &at(5.0, 2), 600.0).mode,
            Some(Mode::Taxi)
        );
        assert_eq!(m.plan(&at(0.0, 1), &at(0.0, 1), 600.0).minutes, 3.0);
        let long_peak = m.plan(&at(0.0, 1), &at(15.0, 2), 8.0 * 60.0);
        assert_eq!(long_peak.mode, Some(Mode::Rail));
    }

    #[test]
    fn noise_has_mean_one() {
        let m = model();
        let trip = Trip {
            mode: Some(Mode::Taxi),
            minutes: 100.0,
            road_km: 10.0,
            peak: true,
        };
        let mut rng = Seeds::new(1, 1).stream(Source::RepDay, 0);
        let n = 20_000;
        let mean = (0..n)
            .map(|_| f64::from(m.sample_minutes(&trip, &mut rng)))
            .sum::<f64>()
            / f64::from(n);
        assert!((mean - 100.0).abs() < 1.0, "{mean}");
    }
}
