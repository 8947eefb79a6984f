//! Customer lists from untrusted bytes: the CSV reader `Scenario::load` uses, then the
//! city built from a list it accepts. Any panic is a bug: a bad row must be reported.
#![no_main]

use libfuzzer_sys::fuzz_target;
use salesim::scenario::customers::{Origin, read_customers_from};
use salesim::world::City;

fuzz_target!(|data: &[u8]| {
    // The first byte picks whether the office position centres the projection.
    let (origin, csv) = match data.split_first() {
        Some((b, rest)) if b % 2 == 1 => (
            Some(Origin {
                lat: 39.915,
                lon: 116.404,
            }),
            rest,
        ),
        Some((_, rest)) => (None, rest),
        None => (None, data),
    };
    if let Ok(list) = read_customers_from(csv, "fuzz.csv", origin) {
        assert!(!list.rows.is_empty());
        let (city, rows) = City::from_customers(&list);
        assert_eq!(rows.len(), list.rows.len());
        assert!(city.companies() as usize >= list.rows.len().min(1));
    }
});
