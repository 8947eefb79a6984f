//! Which assumptions decide the answer: `salesim sensitivity` screens uncertain scenario
//! keys, each between a low and a high value, on the whole engine with common random
//! numbers at every point, so that the screen sees the assumption, not noise.
//!
//! Two methods: one at a time around the base (each assumption at its low and its high
//! value, the others at the base: a tornado), and Morris elementary effects
//! ([`morris`]; trajectories over the same ranges, for interactions). [`stability`] says
//! whether each variant's difference from the baseline keeps its sign and significance
//! and where it flips; [`output`] writes `sensitivity.csv`, `morris.csv`,
//! `sensitivity.json` and the tornado pictures.

pub mod morris;
pub mod output;
pub mod screen;
pub mod stability;

pub use screen::{
    Saved, Screen, ScreenError, ScreenPlan, Sink, check_points, point_settings, run, run_share,
};
