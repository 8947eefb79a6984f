//! The README is where users look: it must start with the two commands and define every
//! metric and every scenario table.

use salesim::metrics::METRICS;
use salesim::scenario::Scenario;

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md")
}

#[test]
fn readme_starts_with_the_two_commands() {
    let text = readme();
    let head: Vec<&str> = text.lines().take(8).collect();
    assert!(
        head.iter().any(|l| l.starts_with("cargo run --release")),
        "{head:?}"
    );
    assert!(
        head.iter().any(|l| l.starts_with("cargo test --release")),
        "{head:?}"
    );
}

#[test]
fn readme_defines_every_metric_with_its_meaning() {
    let text = readme();
    for m in METRICS {
        let row = text
            .lines()
            .find(|l| l.starts_with(&format!("| `{}` |", m.name)));
        let row = row.unwrap_or_else(|| panic!("README has no metric row for {}", m.name));
        assert!(
            row.contains(m.meaning),
            "README's row for {} differs from its definition: {row}",
            m.name
        );
    }
}

#[test]
fn readme_names_every_scenario_table() {
    let text = readme();
    let table = toml::Table::try_from(Scenario::default()).unwrap();
    for (key, value) in &table {
        if value.is_table() {
            assert!(
                text.contains(&format!("`[{key}]`")),
                "README does not describe [{key}]"
            );
        }
    }
    assert!(text.contains("`[[variant]]`"));
}
