//! The JSON Schema of scenario files: shipped up to date, every shipped scenario passes it
//! while a broken one does not, and `salesim schema` fails when stdout cannot take it.

use salesim::cli::schema_text;

fn compiled() -> (boon::Schemas, boon::SchemaIndex) {
    let schema: serde_json::Value = serde_json::from_str(&schema_text()).unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler
        .add_resource("salesim.schema.json", schema)
        .unwrap();
    let index = compiler
        .compile("salesim.schema.json", &mut schemas)
        .unwrap();
    (schemas, index)
}

fn as_json(toml_text: &str) -> serde_json::Value {
    let value: toml::Value = toml::from_str(toml_text).unwrap();
    serde_json::to_value(value).unwrap()
}

#[test]
fn shipped_schema_is_up_to_date() {
    let shipped = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/salesim.schema.json"
    ))
    .unwrap();
    assert!(
        shipped == schema_text(),
        "docs/salesim.schema.json is stale: run `salesim schema > docs/salesim.schema.json`"
    );
}

#[test]
fn shipped_reference_is_up_to_date_and_lists_every_key() {
    let shipped =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/scenario.md")).unwrap();
    let generated = salesim::scenario::reference_markdown();
    assert!(
        shipped == generated,
        "docs/scenario.md is stale: run `salesim schema --format markdown > docs/scenario.md`"
    );
    let table = toml::Table::try_from(salesim::scenario::Scenario::default()).unwrap();
    for (section, value) in &table {
        if let Some(keys) = value.as_table() {
            assert!(shipped.contains(&format!("## [{section}]")), "[{section}]");
            for key in keys.keys() {
                assert!(
                    shipped.contains(&format!("| `{key}` |")),
                    "{section}.{key} is not in docs/scenario.md"
                );
            }
        }
    }
    for (key, rule) in salesim::scenario::Scenario::key_rules() {
        if !key.contains('[') && !key.contains(' ') {
            assert!(
                shipped.contains(&rule),
                "the rule of {key} ({rule}) is not in docs/scenario.md"
            );
        }
    }
}

#[test]
fn every_shipped_scenario_passes_the_schema() {
    let (schemas, index) = compiled();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let text = std::fs::read_to_string(&path).unwrap();
            if let Err(e) = schemas.validate(&as_json(&text), index) {
                panic!("{} fails the schema: {e}", path.display());
            }
            checked += 1;
        }
    }
    assert!(checked >= 1);
}

#[test]
fn the_schema_refuses_what_the_parser_refuses() {
    let (schemas, index) = compiled();
    for bad in [
        "[policy]\nprivat_cap = 3",
        "[policy]\nassignment = \"lottery\"",
        "[day]\ndepart = \"8h30\"",
        "[policy]\nprivate_cap = \"lots\"",
        "[[variant]]\nname = \"a\"\npolicy.private_capp = 3",
        "[city]\nbuildings = \"many\"",
    ] {
        assert!(
            schemas.validate(&as_json(bad), index).is_err(),
            "the schema accepts {bad:?}"
        );
    }
    let good = "[policy]\nprivate_cap = \"none\"\n[day]\ndepart = \"09:15\"\n[[variant]]\nname = \"a\"\npolicy.reclaim_timeout_hours = 12";
    assert!(schemas.validate(&as_json(good), index).is_ok());
}

#[test]
fn output_that_cannot_be_written_to_stdout_exits_1() {
    // /dev/full takes no bytes: the schema would be cut short, so the command fails.
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return;
    };
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_salesim"))
        .arg("schema")
        .stdout(full)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot write to standard output"));
}
