//! The generated city: districts, buildings and the companies inside them.

use crate::rng::{Seeds, Source, unit};
use crate::scenario;
use crate::scenario::customers::CustomerList;
use rand_distr::{Distribution, Normal, Poisson};
use std::collections::BTreeMap;

/// A point in the city, km from the office (the office is at (0, 0)), with its building.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Place {
    /// East of the office, km.
    pub x: f64,
    /// North of the office, km.
    pub y: f64,
    /// Building index, or `None` for the office.
    pub building: Option<u32>,
}

impl Place {
    /// The branch office.
    pub const OFFICE: Place = Place {
        x: 0.0,
        y: 0.0,
        building: None,
    };

    /// Straight-line distance, km.
    pub fn km_to(&self, other: &Place) -> f64 {
        let (dx, dy) = (self.x - other.x, self.y - other.y);
        (dx * dx + dy * dy).sqrt()
    }
}

/// The generated city.
#[derive(Debug, Clone)]
pub struct City {
    /// Building positions, km from the office.
    pub buildings: Vec<(f64, f64)>,
    /// District of each building (`u32::MAX` for scattered buildings).
    pub building_district: Vec<u32>,
    /// District centres, km from the office.
    pub districts: Vec<(f64, f64)>,
    /// First company id of each building; companies of building b are `first[b]..first[b + 1]`.
    pub first_company: Vec<u32>,
    /// Building of each company.
    pub company_building: Vec<u32>,
    /// Half the side of the city, km.
    pub half_size_km: f64,
}

impl City {
    /// Generates districts, buildings and company counts from the city keys.
    pub fn generate(cfg: &scenario::City, seeds: &Seeds) -> City {
        let mut rng = seeds.stream(Source::World, 0);
        let half = cfg.size_km / 2.0;
        let clamp = |v: f64| v.clamp(-half, half);
        let districts: Vec<(f64, f64, f64)> = (0..cfg.districts)
            .map(|_| {
                let r = cfg.district_min_km
                    + unit(&mut rng) * (cfg.district_max_km - cfg.district_min_km);
                let a = unit(&mut rng) * std::f64::consts::TAU;
                let spread = cfg.district_spread_min_km
                    + unit(&mut rng) * (cfg.district_spread_max_km - cfg.district_spread_min_km);
                (clamp(r * a.cos()), clamp(r * a.sin()), spread)
            })
            .collect();
        let n = cfg.buildings as usize;
        let mut buildings = Vec::with_capacity(n);
        let mut building_district = Vec::with_capacity(n);
        for _ in 0..n {
            if !districts.is_empty() && unit(&mut rng) < cfg.district_share {
                let d =
                    ((unit(&mut rng) * districts.len() as f64) as usize).min(districts.len() - 1);
                let (cx, cy, sd) = districts[d];
                let normal = Normal::new(0.0, sd.max(1e-9)).expect("spread is validated");
                buildings.push((
                    clamp(cx + normal.sample(&mut rng)),
                    clamp(cy + normal.sample(&mut rng)),
                ));
                building_district.push(d as u32);
            } else {
                buildings.push((
                    (unit(&mut rng) * 2.0 - 1.0) * half,
                    (unit(&mut rng) * 2.0 - 1.0) * half,
                ));
                building_district.push(u32::MAX);
            }
        }
        let mut first_company = Vec::with_capacity(n + 1);
        let mut company_building = Vec::new();
        let extra = (cfg.companies_per_building_extra_mean > 0.0).then(|| {
            Poisson::new(cfg.companies_per_building_extra_mean).expect("mean is validated")
        });
        for b in 0..n {
            first_company.push(company_building.len() as u32);
            let count = 1 + extra.as_ref().map_or(0, |p| p.sample(&mut rng) as u32);
            company_building.extend(std::iter::repeat_n(b as u32, count as usize));
        }
        first_company.push(company_building.len() as u32);
        City {
            buildings,
            building_district,
            districts: districts.iter().map(|&(x, y, _)| (x, y)).collect(),
            first_company,
            company_building,
            half_size_km: half,
        }
    }

    /// A city from a customer list: companies sharing a `building` name (or, without one,
    /// the same coordinates) share a building; districts come from the `district` column.
    /// Returns the city and, for each company id, its row in the list.
    pub fn from_customers(list: &CustomerList) -> (City, Vec<usize>) {
        let mut building_of_key: BTreeMap<String, u32> = BTreeMap::new();
        let mut district_of_name: BTreeMap<String, u32> = BTreeMap::new();
        let mut buildings: Vec<(f64, f64)> = Vec::new();
        let mut building_district = Vec::new();
        let mut members: Vec<Vec<usize>> = Vec::new();
        for (row_index, row) in list.rows.iter().enumerate() {
            let key = match &row.building {
                Some(name) => format!("name:{name}"),
                None => format!("at:{:?},{:?}", row.x_km, row.y_km),
            };
            let next = buildings.len() as u32;
            let b = *building_of_key.entry(key).or_insert(next);
            if b == next {
                buildings.push((row.x_km, row.y_km));
                let next_district = district_of_name.len() as u32;
                building_district.push(row.district.as_ref().map_or(u32::MAX, |d| {
                    *district_of_name.entry(d.clone()).or_insert(next_district)
                }));
                members.push(Vec::new());
            }
            members[b as usize].push(row_index);
        }
        let mut districts = vec![(0.0, 0.0, 0usize); district_of_name.len()];
        for (b, &d) in building_district.iter().enumerate() {
            if d != u32::MAX {
                let entry = &mut districts[d as usize];
                entry.0 += buildings[b].0;
                entry.1 += buildings[b].1;
                entry.2 += 1;
            }
        }
        let mut first_company = Vec::with_capacity(buildings.len() + 1);
        let mut company_building = Vec::with_capacity(list.rows.len());
        let mut rows = Vec::with_capacity(list.rows.len());
        for (b, companies) in members.iter().enumerate() {
            first_company.push(company_building.len() as u32);
            company_building.extend(std::iter::repeat_n(b as u32, companies.len()));
            rows.extend(companies);
        }
        first_company.push(company_building.len() as u32);
        let half = buildings
            .iter()
            .map(|&(x, y)| x.abs().max(y.abs()))
            .fold(0.0, f64::max);
        let city = City {
            buildings,
            building_district,
            districts: districts
                .iter()
                .map(|&(x, y, n)| (x / n as f64, y / n as f64))
                .collect(),
            first_company,
            company_building,
            half_size_km: half,
        };
        (city, rows)
    }

    /// Number of companies.
    pub fn companies(&self) -> u32 {
        self.company_building.len() as u32
    }

    /// Where a company is.
    pub fn company_place(&self, company: u32) -> Place {
        let b = self.company_building[company as usize];
        let (x, y) = self.buildings[b as usize];
        Place {
            x,
            y,
            building: Some(b),
        }
    }

    /// The companies of a building, as an id range.
    pub fn companies_in(&self, building: u32) -> std::ops::Range<u32> {
        self.first_company[building as usize]..self.first_company[building as usize + 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_city_has_about_200k_companies_inside_bounds() {
        let city = City::generate(&scenario::City::default(), &Seeds::new(1, 0));
        assert_eq!(city.buildings.len(), 5000);
        let n = city.companies();
        assert!((190_000..210_000).contains(&n), "{n}");
        assert!(
            city.buildings
                .iter()
                .all(|&(x, y)| x.abs() <= 20.0 && y.abs() <= 20.0)
        );
        let in_districts = city
            .building_district
            .iter()
            .filter(|&&d| d != u32::MAX)
            .count();
        assert!((4300..4700).contains(&in_districts), "{in_districts}");
        for (i, &(x, y)) in city.districts.iter().enumerate() {
            let r = x.hypot(y);
            assert!((3.0..=14.0).contains(&r), "district {i} at {r} km");
        }
        let c = city.companies() - 1;
        assert!(
            city.companies_in(city.company_building[c as usize])
                .contains(&c)
        );
    }
}
