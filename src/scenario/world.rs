//! Scenario keys for the territory: the generated city, travel and companies.

use serde::{Deserialize, Serialize};

/// The generated Beijing-like city (MODEL.md sections 2 and 8).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct City {
    /// Side of the square city, km; the office is at the centre. A customer list's
    /// companies must lie inside it.
    pub size_km: f64,
    /// Office buildings.
    pub buildings: u32,
    /// Business districts (clusters).
    pub districts: u32,
    /// Share of buildings inside districts; the rest are scattered uniformly.
    pub district_share: f64,
    /// Nearest district centre distance from the office, km.
    pub district_min_km: f64,
    /// Farthest district centre distance from the office, km.
    pub district_max_km: f64,
    /// Smallest district spread (normal sd), km.
    pub district_spread_min_km: f64,
    /// Largest district spread (normal sd), km.
    pub district_spread_max_km: f64,
    /// Companies a building: 1 + Poisson(this mean).
    pub companies_per_building_extra_mean: f64,
    /// A CSV of real companies to use instead of the generated ones (path relative to the
    /// scenario file, inside its folder; at most 256 MiB and 2,000,000 companies): `id`, and
    /// `x_km,y_km` (km from the office) or `lat,lon`; optional `building`, `district`,
    /// `propensity`, `deal_value_cny`, `dm_in`, `steps`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub companies_csv: Option<String>,
    /// Latitude of the office, degrees (centres the projection of `lat,lon`; default: the mean).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub office_lat: Option<f64>,
    /// Longitude of the office, degrees.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub office_lon: Option<f64>,
}

impl Default for City {
    fn default() -> Self {
        City {
            size_km: 40.0,
            buildings: 5000,
            districts: 6,
            district_share: 0.9,
            district_min_km: 3.0,
            district_max_km: 14.0,
            district_spread_min_km: 1.0,
            district_spread_max_km: 2.5,
            companies_per_building_extra_mean: 39.0,
            companies_csv: None,
            office_lat: None,
            office_lon: None,
        }
    }
}

/// A travel mode a rep may choose.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// On foot, for short hops.
    Walk,
    /// Shared bike, for short hops.
    Bike,
    /// Taxi on the road network, slowed by traffic.
    Taxi,
    /// Subway: fixed in-vehicle speed plus access and wait.
    Rail,
}

impl Mode {
    /// The mode's name as written in scenario files and outputs.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Walk => "walk",
            Mode::Bike => "bike",
            Mode::Taxi => "taxi",
            Mode::Rail => "rail",
        }
    }
}

/// Traffic-limited travel (MODEL.md sections 2 and 8).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Travel {
    /// Modes reps may use.
    pub modes: Vec<Mode>,
    /// Road speed for each hour 00–23, km/h, 1 to 300 [Beijing peak ~23–24 km/h, delay index ~2].
    pub road_speed_kmh: Vec<f64>,
    /// Hours (0–23) that count as peak: slower taxis and noisier roads.
    pub peak_hours: Vec<u32>,
    /// Road distance over straight-line distance.
    pub road_factor: f64,
    /// Minutes a rep adds to a taxi's time when choosing a mode (the fare); 0 = fastest mode wins.
    pub taxi_choice_penalty_min: f64,
    /// Minutes to get a taxi off-peak.
    pub taxi_wait_min: f64,
    /// Minutes to get a taxi at peak.
    pub taxi_wait_peak_min: f64,
    /// Rail in-vehicle speed, km/h.
    pub rail_speed_kmh: f64,
    /// Rail distance over straight-line distance.
    pub rail_factor: f64,
    /// Minutes walking to and from stations, in all.
    pub rail_access_min: f64,
    /// Minutes waiting on the platform.
    pub rail_wait_min: f64,
    /// Walking speed, km/h.
    pub walk_speed_kmh: f64,
    /// Longest walk, road km.
    pub walk_max_km: f64,
    /// Shared-bike speed, km/h.
    pub bike_speed_kmh: f64,
    /// Longest bike ride, road km.
    pub bike_max_km: f64,
    /// Minutes to pick up and park a shared bike.
    pub bike_overhead_min: f64,
    /// Coefficient of variation of road trip times off-peak (lognormal, mean 1) [lognormal fits Beijing link times best].
    pub noise_cv_road: f64,
    /// Coefficient of variation of road trip times at peak [lognormal fits Beijing link times best].
    pub noise_cv_road_peak: f64,
    /// Coefficient of variation of rail trip times.
    pub noise_cv_rail: f64,
    /// Coefficient of variation of walking and cycling times.
    pub noise_cv_active: f64,
    /// Minutes of lobby registration on entering a building.
    pub lobby_min: u32,
    /// Minutes to move between companies inside one building.
    pub inside_move_min: u32,
}

impl Default for Travel {
    fn default() -> Self {
        let mut speed = vec![45.0; 7];
        speed.extend([23.0, 23.0]);
        speed.extend([32.0; 8]);
        speed.extend([21.0, 21.0]);
        speed.extend([38.0; 5]);
        Travel {
            modes: vec![Mode::Walk, Mode::Bike, Mode::Taxi, Mode::Rail],
            road_speed_kmh: speed,
            peak_hours: vec![7, 8, 17, 18],
            road_factor: 1.35,
            taxi_choice_penalty_min: 8.0,
            taxi_wait_min: 4.0,
            taxi_wait_peak_min: 10.0,
            rail_speed_kmh: 35.0,
            rail_factor: 1.25,
            rail_access_min: 12.0,
            rail_wait_min: 3.0,
            walk_speed_kmh: 4.5,
            walk_max_km: 1.0,
            bike_speed_kmh: 12.0,
            bike_max_km: 3.0,
            bike_overhead_min: 3.0,
            noise_cv_road: 0.25,
            noise_cv_road_peak: 0.4,
            noise_cv_rail: 0.1,
            noise_cv_active: 0.1,
            lobby_min: 4,
            inside_move_min: 3,
        }
    }
}

/// Hidden attributes of companies (MODEL.md section 8).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Companies {
    /// Propensity to buy ~ Beta(alpha, beta): alpha.
    pub propensity_alpha: f64,
    /// Propensity to buy ~ Beta(alpha, beta): beta.
    pub propensity_beta: f64,
    /// Median deal value, CNY (lognormal).
    pub deal_value_median_cny: f64,
    /// Lognormal sigma of deal value.
    pub deal_value_sigma: f64,
    /// Chance the decision-maker is in ~ Beta(alpha, beta): alpha.
    pub dm_in_alpha: f64,
    /// Chance the decision-maker is in ~ Beta(alpha, beta): beta.
    pub dm_in_beta: f64,
    /// Factor on that chance with an appointment.
    pub appointment_factor: f64,
    /// Highest chance the decision-maker is in.
    pub dm_in_max: f64,
    /// Effective-visit steps a deal needs: base + Binomial(trials, p).
    pub steps_base: u32,
    /// Binomial trials of the extra steps.
    pub steps_extra_trials: u32,
    /// Binomial probability of the extra steps.
    pub steps_extra_p: f64,
    /// Calendar days after a lead is closed or lost before its company may produce a new one.
    pub relead_after_days: u32,
}

impl Default for Companies {
    fn default() -> Self {
        Companies {
            propensity_alpha: 1.2,
            propensity_beta: 8.0,
            deal_value_median_cny: 30_000.0,
            deal_value_sigma: 0.8,
            dm_in_alpha: 3.0,
            dm_in_beta: 5.0,
            appointment_factor: 1.5,
            dm_in_max: 0.95,
            steps_base: 1,
            steps_extra_trials: 3,
            steps_extra_p: 0.4,
            relead_after_days: 60,
        }
    }
}

/// A branch office (`[[office]]`): where its reps start and end their days, and the centre
/// of the territory of companies nearer to it than to any other office.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Office {
    /// Name used in outputs.
    pub name: String,
    /// East of the city centre, km.
    pub x_km: f64,
    /// North of the city centre, km.
    pub y_km: f64,
    /// Teams working from this office: the offices take `org.teams` teams in file order
    /// (the first office teams 0..n₀, the next the following n₁, ...).
    pub teams: u32,
}
