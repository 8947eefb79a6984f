//! `salesim validate`, `salesim init` and `salesim schema`: the commands about scenario files.

use super::{CliError, InitArgs, ValidateArgs, emit, input};
use crate::output;
use crate::scenario::{Scenario, settings_in};

/// Checks a scenario file and prints it resolved: every key with its value, then each
/// variant's full policy as comments.
pub fn validate(args: &ValidateArgs) -> Result<(), CliError> {
    let scenario = Scenario::load(&args.scenario).map_err(input)?;
    let variants = scenario.resolved_variants().map_err(input)?;
    let mut text = format!(
        "# {} is valid. The scenario resolved, every default filled in:\n",
        args.scenario.display()
    );
    // The baseline a run would use, also when the file leaves it to the first variant.
    let mut shown = scenario.clone();
    if shown.baseline.is_none() {
        shown.baseline = variants
            .get(scenario.baseline_index())
            .map(|v| v.name.clone());
    }
    text.push_str(&shown.to_toml());
    for (v, spec) in variants.iter().zip(&scenario.variants) {
        let policy = toml::to_string(&v.policy).expect("a policy always serialises");
        let changes = settings_in(&spec.scenario, "");
        if !changes.is_empty() {
            text.push_str(&format!("\n# variant {:?} changes the scenario:\n", v.name));
            for s in changes {
                text.push_str(&format!("#   {} = {}\n", s.key, s.text));
            }
        }
        text.push_str(&format!(
            "\n# variant {:?} runs with this policy:\n",
            v.name
        ));
        for line in policy.lines() {
            text.push_str(&format!("#   {line}\n"));
        }
    }
    emit(&text);
    Ok(())
}

/// Writes the commented embedded default to a file, refusing to overwrite one without `--force`.
pub fn init(args: &InitArgs) -> Result<(), CliError> {
    // `symlink_metadata`: a link is not followed, so it is refused rather than replaced.
    if let Ok(meta) = std::fs::symlink_metadata(&args.file) {
        if !meta.file_type().is_file() {
            return Err(input(format!(
                "{} exists and is not a regular file (a directory, link, device or pipe); give a new file name",
                args.file.display()
            )));
        }
        if !args.force {
            return Err(input(format!(
                "{} exists; pass --force to overwrite it",
                args.file.display()
            )));
        }
    }
    output::write_atomic(&args.file, crate::scenario::BEIJING_TOML.as_bytes())?;
    emit(&format!(
        "wrote {} (the embedded default, with a comment on every key); check it with `salesim validate {}`\n",
        args.file.display(),
        args.file.display()
    ));
    Ok(())
}

/// The JSON Schema of scenario files, pretty-printed, with a final newline.
pub fn schema_text() -> String {
    let mut text =
        serde_json::to_string_pretty(&Scenario::json_schema()).expect("a schema always serialises");
    text.push('\n');
    text
}
