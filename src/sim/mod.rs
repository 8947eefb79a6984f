//! The engine: one replication of one policy variant.

pub mod lead;
pub mod pool;
pub mod queue;
pub mod rep;

use crate::scenario::{Scenario, Variant};

/// What one replication of one variant produced.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicationResult {
    /// One value per entry of `metrics::METRICS`, in that order.
    pub metrics: Vec<f64>,
}

/// Runs replication `replication` of `variant`.
pub fn run_replication(scenario: &Scenario, variant: &Variant, replication: u32) -> ReplicationResult {
    let _ = (scenario, variant, replication);
    ReplicationResult { metrics: vec![0.0; crate::metrics::METRICS.len()] }
}
