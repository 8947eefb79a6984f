//! Small value types used by scenario keys: clock times and optional limits.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A time of day written `"HH:MM"` in scenario files; stored as minutes after midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ClockTime(pub u32);

impl ClockTime {
    /// Builds a clock time from hours and minutes (24-hour clock).
    pub const fn hm(hours: u32, minutes: u32) -> Self {
        ClockTime(hours * 60 + minutes)
    }

    /// Minutes after midnight.
    pub const fn minutes(self) -> u32 {
        self.0
    }

    /// Parses `"HH:MM"` (00:00 to 24:00).
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad =
            || format!("expected a time of day as \"HH:MM\" (00:00 to 24:00), found {text:?}");
        let (h, m) = text.split_once(':').ok_or_else(bad)?;
        if h.is_empty() || h.len() > 2 || m.len() != 2 {
            return Err(bad());
        }
        let h: u32 = h.parse().map_err(|_| bad())?;
        let m: u32 = m.parse().map_err(|_| bad())?;
        if m >= 60 || h > 24 || (h == 24 && m > 0) {
            return Err(bad());
        }
        Ok(ClockTime::hm(h, m))
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl schemars::JsonSchema for ClockTime {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ClockTime".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^([01]?[0-9]|2[0-3]):[0-5][0-9]$|^24:00$",
            "description": "A time of day, \"HH:MM\" on a 24-hour clock."
        })
    }
}

impl Serialize for ClockTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for ClockTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        ClockTime::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A limit an admin may switch off: a number, or the word `"none"` in scenario files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Limit {
    /// No limit: the rule is switched off.
    #[default]
    None,
    /// The rule applies with this value (its unit is the key's).
    At(u32),
}

impl Limit {
    /// The value, if the rule is on.
    pub fn value(self) -> Option<u32> {
        match self {
            Limit::None => None,
            Limit::At(v) => Some(v),
        }
    }
}

impl schemars::JsonSchema for Limit {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Limit".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A whole number, or \"none\" to switch the rule off.",
            "oneOf": [
                { "type": "integer", "minimum": 0, "maximum": 4294967295u64 },
                { "const": "none" }
            ]
        })
    }
}

impl Serialize for Limit {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Limit::None => s.serialize_str("none"),
            Limit::At(v) => s.serialize_u32(*v),
        }
    }
}

/// A whole number as a limit, or an error quoting the number as written.
fn whole<T, E>(v: T) -> Result<Limit, E>
where
    T: Copy + fmt::Display + TryInto<u32>,
    E: serde::de::Error,
{
    v.try_into().map(Limit::At).map_err(|_| {
        E::custom(format!(
            "{v} is out of range: expected a whole number from 0 to 4294967295, or \"none\""
        ))
    })
}

impl<'de> Deserialize<'de> for Limit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Limit;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a whole number from 0 to 4294967295, or \"none\"")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Limit, E> {
                whole(v)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Limit, E> {
                whole(v)
            }
            fn visit_i128<E: serde::de::Error>(self, v: i128) -> Result<Limit, E> {
                whole(v)
            }
            fn visit_u128<E: serde::de::Error>(self, v: u128) -> Result<Limit, E> {
                whole(v)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Limit, E> {
                if v == "none" {
                    Ok(Limit::None)
                } else {
                    Err(E::custom(format!(
                        "expected a whole number or \"none\", found {v:?}"
                    )))
                }
            }
        }
        d.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_parses_and_prints() {
        assert_eq!(ClockTime::parse("08:30").unwrap().minutes(), 510);
        assert_eq!(ClockTime::parse("8:05").unwrap().to_string(), "08:05");
        assert!(ClockTime::parse("24:01").is_err());
        assert!(ClockTime::parse("12:60").is_err());
        assert!(ClockTime::parse("noon").is_err());
    }
}
