//! salesim: a discrete-event, parallel Monte Carlo simulator of a field-sales organisation
//! whose CRM owns the leads. See the README for the model in a page.

pub mod cli;
pub mod experiment;
pub mod metrics;
pub mod output;
pub mod rng;
pub mod scenario;
pub mod sim;
pub mod stats;
pub mod time;
pub mod world;
