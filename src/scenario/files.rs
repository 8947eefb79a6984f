//! Scenario files on disk: reading one (size and kind checked first), and the customer
//! list it names, which must stay inside the scenario's folder.

use super::{Scenario, ScenarioError, customers};
use std::path::Path;

/// Largest scenario file read, bytes (checked before reading).
pub const MAX_SCENARIO_BYTES: u64 = 4 * 1024 * 1024;

/// Where a file a scenario names may be, in words (for messages and the docs).
pub const PATH_RULE: &str = "expected a path relative to the scenario file's folder and inside it: no absolute path, no `..`, no link leading out";

/// What is wrong with `path` as a file named in a scenario, judged from its text alone:
/// it must be relative, non-empty and stay inside the scenario's folder (no `..`).
pub fn path_problem(path: &str) -> Option<String> {
    use std::path::Component;
    let p = Path::new(path);
    let why = if path.trim().is_empty() {
        "is empty"
    } else if p.is_absolute() || p.has_root() || path.starts_with('/') || path.starts_with('\\') {
        "is an absolute path"
    } else if p.components().any(|c| {
        matches!(
            c,
            Component::ParentDir | Component::Prefix(_) | Component::RootDir
        )
    }) {
        "leads out of the scenario's folder"
    } else {
        return None;
    };
    Some(format!("{path:?} {why}; {PATH_RULE}"))
}

impl Scenario {
    /// Reads, parses and validates a scenario file, and reads the customer list it names
    /// (see [`Scenario::read_customers`] for where that may be). A file larger than
    /// [`MAX_SCENARIO_BYTES`] is refused before it is read.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let shown = path.display().to_string();
        let io = |source| ScenarioError::Io {
            path: shown.clone(),
            source,
        };
        // Checked before opening: opening a named pipe would wait for a writer.
        if !std::fs::metadata(path).map_err(io)?.is_file() {
            return Err(ScenarioError::Parse {
                origin: shown,
                message: "not a regular file; a scenario is a TOML file".into(),
            });
        }
        let file = std::fs::File::open(path).map_err(io)?;
        let size = file.metadata().map_err(io)?.len();
        if size > MAX_SCENARIO_BYTES {
            return Err(ScenarioError::Parse {
                origin: shown,
                message: format!(
                    "{size} bytes is too large for a scenario file; at most {MAX_SCENARIO_BYTES}"
                ),
            });
        }
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(
            &mut std::io::Read::take(file, MAX_SCENARIO_BYTES + 1),
            &mut bytes,
        )
        .map_err(io)?;
        let mut scenario = Scenario::from_bytes(&bytes, &shown)?;
        scenario.read_customers(path.parent().unwrap_or(Path::new(".")), &shown)?;
        Ok(scenario)
    }

    /// Parses and validates a scenario from the bytes of a file, as [`Scenario::load`]
    /// does before it reads the customer list: NUL bytes, invalid UTF-8 and more than
    /// [`MAX_SCENARIO_BYTES`] are refused; `origin` names the file in messages.
    pub fn from_bytes(bytes: &[u8], origin: &str) -> Result<Scenario, ScenarioError> {
        let refuse = |message: String| ScenarioError::Parse {
            origin: origin.to_string(),
            message,
        };
        if bytes.len() as u64 > MAX_SCENARIO_BYTES {
            return Err(refuse(format!(
                "{} bytes is too large for a scenario file; at most {MAX_SCENARIO_BYTES}",
                bytes.len()
            )));
        }
        if bytes.contains(&0) {
            return Err(refuse(
                "not a TOML text file (it contains NUL bytes)".into(),
            ));
        }
        let text = std::str::from_utf8(bytes).map_err(|e| {
            refuse(format!(
                "not UTF-8 text (invalid byte at offset {})",
                e.valid_up_to()
            ))
        })?;
        Scenario::from_toml(text, origin)
    }

    /// Reads the customer list named by `city.companies_csv`, relative to `base` (the
    /// scenario file's folder); every bad row is reported by line and column.
    ///
    /// The list must lie inside `base`: `validate` already refuses an absolute path or one
    /// with `..`, and here the file's real location (symbolic links followed) must still be
    /// under `base`'s, so a scenario cannot make salesim read a file outside the folder
    /// the user chose by naming the scenario.
    pub fn read_customers(&mut self, base: &Path, origin: &str) -> Result<(), ScenarioError> {
        let Some(csv) = &self.city.companies_csv else {
            self.customers = None;
            return Ok(());
        };
        let invalid = |problems: Vec<String>| ScenarioError::Invalid {
            origin: origin.to_string(),
            problems: problems
                .into_iter()
                .map(|p| format!("city.companies_csv: {p}"))
                .collect(),
        };
        if let Some(problem) = path_problem(csv) {
            return Err(invalid(vec![problem]));
        }
        // A scenario named without a folder (`customers.toml`) has the empty parent.
        let base = if base.as_os_str().is_empty() {
            Path::new(".")
        } else {
            base
        };
        let path = base.join(csv);
        let real = |p: &Path| {
            std::fs::canonicalize(p)
                .map_err(|e| invalid(vec![format!("cannot read {}: {e}", p.display())]))
        };
        let (real_base, real_path) = (real(base)?, real(&path)?);
        if !real_path.starts_with(&real_base) {
            return Err(invalid(vec![format!(
                "{} is a link leading outside the scenario's folder; {PATH_RULE}",
                path.display()
            )]));
        }
        let office = match (self.city.office_lat, self.city.office_lon) {
            (Some(lat), Some(lon)) => Some(customers::Origin { lat, lon }),
            _ => None,
        };
        let list =
            customers::read_customers(&path, office, self.city.size_km / 2.0).map_err(invalid)?;
        self.customers = Some(std::sync::Arc::new(list));
        Ok(())
    }
}
