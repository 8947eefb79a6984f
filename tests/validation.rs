//! The validation suite (issue 8): each part of the model checked against an answer
//! salesim did not produce itself: closed forms in degenerate scenarios, published
//! figures, and the coverage of the reported intervals. `docs/validation.md` lists every
//! check, its independent answer and source, and its current result.
//!
//! Every interval check prints a `validation:` line (run with `--nocapture` to see them).
//! A check passes when the formula lies in the simulated 99.9% interval; the 95% interval
//! is printed too. The suite makes about 30 interval comparisons: at 95% each, a correct
//! model would fail one of them by chance about four times in five, at 99.9% about once
//! in thirty (Bonferroni).

#[path = "validation/common.rs"]
mod common;
#[path = "validation/coverage.rs"]
mod coverage;
#[path = "validation/field.rs"]
mod field;
#[path = "validation/funnel.rs"]
mod funnel;
#[path = "validation/learning.rs"]
mod learning;
#[path = "validation/pool.rs"]
mod pool;
#[path = "validation/travel.rs"]
mod travel;
