//! salesim: a discrete-event, parallel Monte Carlo simulator of a field-sales organisation
//! whose CRM owns the leads. See the README for the model in a page.
//!
//! The flow: a [`scenario::Scenario`] (TOML, validated) → for each (variant, replication),
//! in parallel ([`experiment`]): a [`world::World`] (city, companies, travel) and a
//! [`sim::Sim`] (the discrete-event engine) → a [`sim::ReplicationResult`] of
//! [`metrics::METRICS`] → summaries ([`stats`]) → files and the terminal table ([`output`]).
//!
//! Modules: [`scenario`] the input; [`world`] what stays fixed in a replication; [`sim`] the
//! engine (queue, morning, assignment, route, field, evening, night); [`rng`] named streams;
//! [`time`] integer minutes and the working calendar; [`metrics`] definitions and fairness
//! indices; [`stats`], [`experiment`], [`analysis`] (paired comparisons, the verdict),
//! [`output`], [`cli`]; [`report`] the HTML page for leadership; [`sensitivity`] which
//! assumptions decide the verdict; [`trace`] shows one rep's day.

#![warn(missing_docs)]

pub mod analysis;
pub mod checkpoint;
pub mod cli;
pub mod experiment;
pub mod metrics;
pub mod output;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod sensitivity;
pub mod sim;
pub mod spelling;
pub mod stats;
pub mod time;
pub mod trace;
pub mod world;
