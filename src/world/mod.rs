//! What stays fixed within a replication: the city, its companies and the travel model.
//! Every variant of a replication sees the same world (common random numbers).

mod city;
mod companies;
mod territories;
mod travel;

pub use city::{City, Place};
pub use companies::{CompanySampler, CompanyTraits, Overrides};
pub use territories::Territories;
pub use travel::{TravelModel, Trip};

use crate::rng::Seeds;
use crate::scenario::Scenario;

/// The world of one replication.
#[derive(Debug, Clone)]
pub struct World {
    /// Buildings, districts and companies.
    pub city: City,
    /// Expected and sampled travel times.
    pub travel: TravelModel,
    /// Draws companies' hidden attributes.
    pub companies: CompanySampler,
    /// Branch offices, their teams and territories.
    pub territories: Territories,
}

impl World {
    /// Generates the world of a replication from its seeds.
    pub fn generate(scenario: &Scenario, seeds: &Seeds) -> World {
        let sampler = CompanySampler::new(&scenario.companies);
        let (city, companies) = match &scenario.customers {
            Some(list) => {
                let (city, rows) = City::from_customers(list);
                let overrides = rows
                    .iter()
                    .map(|&row| {
                        let r = &list.rows[row];
                        Overrides {
                            propensity: r.propensity,
                            deal_value: r.deal_value_cny,
                            dm_in: r.dm_in,
                            steps: r.steps,
                        }
                    })
                    .collect();
                (city, sampler.with_overrides(overrides))
            }
            None => (City::generate(&scenario.city, seeds), sampler),
        };
        World {
            territories: Territories::new(scenario, &city),
            city,
            travel: TravelModel::new(&scenario.travel),
            companies,
        }
    }
}
