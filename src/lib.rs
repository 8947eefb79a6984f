//! salesim: a discrete-event, parallel Monte Carlo simulator of a field-sales organisation
//! whose CRM owns the leads. See the README for the model in a page.

pub mod metrics;
pub mod rng;
pub mod scenario;
pub mod sim;
pub mod time;
pub mod world;
