//! Showing one rep's day (`salesim trace`): [`day`] takes the day from a traced simulation
//! as plain data; [`timeline`] writes it as a text table, CSV or JSON; [`map`] draws it as
//! an SVG map ([`side`] its legend and list of stops) with the help of [`svg`] and
//! [`labels`].

pub mod day;
pub mod labels;
pub mod map;
pub mod side;
pub mod svg;
pub mod timeline;

pub use day::DayTrace;

/// The map's file name: `trace-<variant>-r<replication>-rep<rep>-day<day>.svg`, with any
/// character of the variant name other than a letter, digit, `-` or `_` replaced by `_`.
pub fn map_file_name(variant: &str, replication: u32, rep: u32, day: u32) -> String {
    let safe: String = variant
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("trace-{safe}-r{replication}-rep{rep}-day{day}.svg")
}

#[cfg(test)]
mod tests;
