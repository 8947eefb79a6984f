//! The toolkit of scenario checks: each records a problem naming its key and what is
//! allowed, and the rule it applied (the key reference lists the rules).

/// The problems found, and the rule applied to each key (the reference docs list these).
#[derive(Default)]
pub(super) struct Checks {
    /// Problems found, each naming its key.
    pub(super) problems: Vec<String>,
    /// The rule applied to each key, for the key reference.
    pub(super) rules: Vec<(String, String)>,
}

impl Checks {
    pub(super) fn check(
        &mut self,
        key: &str,
        ok: bool,
        value: impl std::fmt::Display,
        rule: String,
    ) {
        if !ok {
            self.problems
                .push(format!("{key}: {value} is not allowed; expected {rule}"));
        }
        self.rules.push((key.to_string(), rule));
    }
    pub(super) fn range(&mut self, key: &str, value: f64, low: f64, high: f64) {
        let ok = value.is_finite() && value >= low && value <= high;
        self.check(
            key,
            ok,
            number(value),
            format!("a number from {low} to {high}"),
        );
    }
    pub(super) fn positive(&mut self, key: &str, value: f64, high: f64) {
        let ok = value.is_finite() && value > 0.0 && value <= high;
        self.check(
            key,
            ok,
            number(value),
            format!("a number above 0 and at most {high}"),
        );
    }
    /// Says in words what `key` allows where its limit is another key's value (the
    /// numbers of one scenario would mislead in the key reference).
    pub(super) fn describe(&mut self, key: &str, rule: &str) {
        self.rules.retain(|(k, _)| k != key);
        self.rules.push((key.to_string(), rule.to_string()));
    }
    pub(super) fn count(&mut self, key: &str, value: u64, low: u64, high: u64) {
        self.check(
            key,
            value >= low && value <= high,
            value,
            format!("a whole number from {low} to {high}"),
        );
    }
    pub(super) fn order(&mut self, low_key: &str, low: f64, high_key: &str, high: f64) {
        if low > high {
            self.problems.push(format!("{low_key}: {low} is above {high_key} ({high}); the minimum must not exceed the maximum"));
        }
        self.rules
            .push((low_key.to_string(), format!("at most `{high_key}`")));
    }
}

/// `x` as a message shows it: plainly, or in scientific notation when it is very large or
/// very small (`1e300`, not three hundred digits).
pub fn number(x: f64) -> String {
    if x.is_finite() && x != 0.0 && !(1e-6..1e15).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}
