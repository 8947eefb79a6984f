//! Scenario keys for how results are judged: the metric that ranks the variants and the
//! fairness floors a recommended variant must meet. They change no simulated number.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How the variants are ranked (`[analysis]`); `--metric` and `--fairness-floor` override.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Analysis {
    /// Metric that ranks the variants (a name from the README's metric table).
    pub metric: String,
    /// Fairness floors: metric name = least acceptable mean (at most, for a metric where
    /// lower is better). The verdict names the best variant meeting them all; `{}` for none.
    /// The default asks that new hires win at least 0.8 times as much per day as veterans.
    pub fairness_floors: BTreeMap<String, f64>,
}

impl Default for Analysis {
    fn default() -> Self {
        Analysis {
            metric: "conversion_rate".into(),
            fairness_floors: [("nh_win_ratio".to_string(), 0.8)].into(),
        }
    }
}
