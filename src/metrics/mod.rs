//! What a replication measures: metric definitions, running counters and fairness indices.

mod defs;
pub mod fairness;

pub use defs::{Better, METRICS, MetricDef, metric_index, unknown_metric, unrankable};
