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

/// Longest variant part of a map's file name, in characters (a CJK character is 3 bytes:
/// the name stays well under the 255 bytes file systems allow).
const NAME_PART_CHARS: usize = 48;

/// The map's file name: `trace-<variant>-r<replication>-rep<rep>-day<day>.svg`. The variant
/// part keeps letters and digits of any script, `-` and `_`, and turns anything else into
/// `_`; when that changed the name or it was longer than 48 characters (cut to 48), a
/// short hash of the whole name follows, so two variants never share a file
/// (`a/b` and `a_b`, or two names that differ only after the cut).
pub fn map_file_name(variant: &str, replication: u32, rep: u32, day: u32) -> String {
    let safe: String = variant
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(NAME_PART_CHARS)
        .collect();
    let part = if safe == variant {
        safe
    } else {
        format!("{safe}-{:08x}", crc32fast::hash(variant.as_bytes()))
    };
    format!("trace-{part}-r{replication}-rep{rep}-day{day}.svg")
}

#[cfg(test)]
mod tests;
