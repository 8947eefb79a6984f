//! The checks of a policy alone (the base policy or a variant's): ranges and its own
//! cross-field rules.

use super::Policy;
use super::checks::Checks;

/// The problems of policy `p` alone (its ranges and its own cross-field rules), each
/// named under `at` (e.g. `policy`): what a `[[variant]]` policy is checked against.
pub(super) fn policy_problems(at: &str, p: &Policy) -> Vec<String> {
    let mut c = Checks::default();
    check_policy(&mut c, at, p);
    c.problems
}

pub(super) fn check_policy(c: &mut Checks, at: &str, p: &Policy) {
    c.count(&format!("{at}.push_max"), p.push_max.into(), 0, 100_000);
    c.order(
        &format!("{at}.push_min"),
        p.push_min.into(),
        &format!("{at}.push_max"),
        p.push_max.into(),
    );
    c.count(
        &format!("{at}.claim_appetite"),
        p.claim_appetite.into(),
        0,
        100_000,
    );
    c.range(&format!("{at}.audit_rate"), p.audit_rate, 0.0, 1.0);
    c.range(
        &format!("{at}.new_hire_capacity"),
        p.new_hire_capacity,
        0.0,
        1.0,
    );
    c.count(
        &format!("{at}.performance_window_days"),
        p.performance_window_days.into(),
        1,
        100_000,
    );
    c.rules.push((
        format!("{at}.timeout_by_level"),
        "a table with a, b and c (the CRM levels), each a whole number of hours from 1 to 1000000 or \"none\"".into(),
    ));
    let mut timeouts = vec![("reclaim_timeout_hours".to_string(), p.reclaim_timeout_hours)];
    if let Some(levels) = &p.timeout_by_level {
        for (level, limit) in [("a", levels.a), ("b", levels.b), ("c", levels.c)] {
            timeouts.push((format!("timeout_by_level.{level}"), limit));
        }
    }
    for (key, limit) in timeouts {
        if let Some(h) = limit.value() {
            c.count(&format!("{at}.{key}"), h.into(), 1, 1_000_000);
        }
    }
}
