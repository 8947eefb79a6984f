//! Scenario files from untrusted bytes: the parser and validator the CLI uses
//! (`Scenario::load` without the file system), then everything `salesim validate` does
//! with a valid one (resolve the variants, write it back as TOML), which must read back
//! to the same scenario. Any panic is a bug: bad input must give an error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use salesim::scenario::Scenario;

fuzz_target!(|data: &[u8]| {
    let Ok(scenario) = Scenario::from_bytes(data, "fuzz.toml") else {
        return;
    };
    scenario
        .resolved_variants()
        .expect("a valid scenario's variants resolve");
    let text = scenario.to_toml();
    let again = Scenario::from_toml(&text, "round trip")
        .unwrap_or_else(|e| panic!("a valid scenario written back does not read: {e}\n{text}"));
    assert_eq!(again, scenario, "round trip changed the scenario:\n{text}");
});
