//! `events/cases.toml`: the expected result of every fixture event.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use smguard_policy::event::batch;
use smguard_policy::{Decision, PolicyConfig, Settings};

/// `events/` in this checkout.
pub fn events_dir() -> PathBuf {
    // The crate including this file is `tests/` or (for the policy crate's own fixture test)
    // `shared/policy/`: `events/` is beside the nearest ancestor that holds it.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| dir.join("events"))
        .find(|events| events.join("cases.toml").is_file())
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("events"))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CasesFile {
    case: Vec<Case>,
}

/// One row: an event and what evaluating it must give.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// Path under `events/`.
    pub file: String,
    /// Position of the event in its file.
    #[serde(default)]
    pub index: usize,
    pub outcome: String,
    #[serde(default)]
    pub rules: Vec<String>,
    #[serde(default)]
    pub undetermined: Vec<String>,
    #[serde(default)]
    pub response: Vec<String>,
    /// Replaces settings of `fixtures.env` for this row.
    #[serde(default)]
    pub settings: BTreeMap<String, String>,
}

impl Case {
    /// `file[index]` plus the settings, for messages.
    pub fn label(&self) -> String {
        if self.settings.is_empty() {
            format!("{}[{}]", self.file, self.index)
        } else {
            format!("{}[{}] with {:?}", self.file, self.index, self.settings)
        }
    }

    /// The row's settings: `fixtures.env`, replaced by the row's own.
    pub fn settings(&self) -> Settings {
        let mut settings = base_settings();
        settings.extend(self.settings.clone());
        settings
    }

    pub fn config(&self) -> PolicyConfig {
        PolicyConfig::from_settings(&self.settings())
            .unwrap_or_else(|e| panic!("{}: invalid settings: {e}", self.label()))
    }

    /// The raw text of the row's event.
    pub fn event(&self) -> String {
        let events = events_in(&events_dir().join(&self.file));
        events
            .get(self.index)
            .cloned()
            .unwrap_or_else(|| panic!("{}: the file has {} events", self.label(), events.len()))
    }

    /// Compares a decision with the row; the error lists every difference.
    pub fn check(&self, decision: &Decision) -> Result<(), String> {
        let actual = Observed::of(decision);
        let mut differences = Vec::new();
        if actual.outcome != self.outcome {
            differences.push(format!("outcome {} (expected {})", actual.outcome, self.outcome));
        }
        if actual.rules != sorted(&self.rules) {
            differences.push(format!("rules {:?} (expected {:?})", actual.rules, sorted(&self.rules)));
        }
        if actual.undetermined != sorted(&self.undetermined) {
            differences.push(format!(
                "undetermined {:?} (expected {:?})",
                actual.undetermined,
                sorted(&self.undetermined)
            ));
        }
        if actual.response != self.response {
            differences.push(format!("response {:?} (expected {:?})", actual.response, self.response));
        }
        if differences.is_empty() {
            Ok(())
        } else {
            Err(format!("{}: {}", self.label(), differences.join("; ")))
        }
    }
}

/// What a decision says, in the table's terms.
#[derive(Debug, PartialEq, Eq)]
pub struct Observed {
    pub outcome: String,
    pub rules: Vec<String>,
    pub undetermined: Vec<String>,
    pub response: Vec<String>,
}

impl Observed {
    pub fn of(decision: &Decision) -> Observed {
        let rules: Vec<String> = decision
            .evaluation
            .findings
            .iter()
            .map(|f| f.rule.to_string())
            .collect();
        let undetermined: Vec<String> = decision
            .evaluation
            .undetermined
            .iter()
            .map(|u| u.rule.to_string())
            .collect();
        Observed {
            outcome: decision.outcome.as_str().to_owned(),
            rules: sorted(&rules),
            undetermined: sorted(&undetermined),
            response: decision.response.iter().map(|a| a.name()).collect(),
        }
    }
}

fn sorted(items: &[String]) -> Vec<String> {
    let mut items = items.to_vec();
    items.sort();
    items.dedup();
    items
}

/// Every row of `events/cases.toml`.
pub fn load() -> Vec<Case> {
    let path = events_dir().join("cases.toml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    toml::from_str::<CasesFile>(&text)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .case
}

/// `events/fixtures.env`.
pub fn base_settings() -> Settings {
    let path = events_dir().join("fixtures.env");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Settings::parse_env_file(&text, "fixtures.env").unwrap_or_else(|e| panic!("{e}"))
}

/// Every `.json` file under `events/`, relative to it, sorted.
pub fn fixture_files() -> Vec<String> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
        let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                walk(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "json") {
                let relative = path.strip_prefix(root).expect("under events/");
                out.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let root = events_dir();
    let mut files = Vec::new();
    walk(&root, &root, &mut files);
    files.sort();
    files
}

/// The events in one fixture file.
pub fn events_in(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    batch::split(&text)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .into_iter()
        .map(str::to_owned)
        .collect()
}
