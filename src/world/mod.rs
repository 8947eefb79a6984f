//! What stays fixed within a replication: the city, its companies and the travel model.
//! Every variant of a replication sees the same world (common random numbers).

mod city;
mod companies;
mod travel;

pub use city::{City, Place};
pub use companies::{CompanySampler, CompanyTraits};
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
}

impl World {
    /// Generates the world of a replication from its seeds.
    pub fn generate(scenario: &Scenario, seeds: &Seeds) -> World {
        World {
            city: City::generate(&scenario.city, seeds),
            travel: TravelModel::new(&scenario.travel),
            companies: CompanySampler::new(&scenario.companies),
        }
    }
}
