//! Finding the events in the files and directories named on the command line.

use std::path::{Path, PathBuf};

/// Larger inputs are refused rather than read into memory.
const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// A file that could not be read as events; reported with exit status 2.
#[derive(Debug)]
pub struct UnreadableError {
    pub path: PathBuf,
    pub reason: String,
}

impl std::fmt::Display for UnreadableError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot read `{}`: {}", self.path.display(), self.reason)
    }
}

/// The `.json`/`.jsonl` files named, directories searched recursively, in a stable order.
pub fn files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<UnreadableError>) {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut found, &mut errors);
        } else {
            found.push(path.clone());
        }
    }
    (found, errors)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>, errors: &mut Vec<UnreadableError>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => {
            errors.push(UnreadableError {
                path: dir.to_owned(),
                reason: error.to_string(),
            });
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            walk(&path, found, errors);
        } else if matches!(path.extension().and_then(|e| e.to_str()), Some("json" | "jsonl")) {
            found.push(path);
        }
    }
}

/// The raw text of each event in a file (see [`smguard_policy::event::batch::split`]).
pub fn events(text: &str) -> Result<Vec<&str>, String> {
    smguard_policy::event::batch::split(text)
}

pub fn read(path: &Path) -> Result<String, UnreadableError> {
    let unreadable = |reason: String| UnreadableError {
        path: path.to_owned(),
        reason,
    };
    let metadata = std::fs::metadata(path).map_err(|e| unreadable(e.to_string()))?;
    if metadata.len() > MAX_FILE_BYTES {
        return Err(unreadable(format!("larger than {MAX_FILE_BYTES} bytes")));
    }
    let bytes = std::fs::read(path).map_err(|e| unreadable(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| unreadable(format!("not UTF-8: {e}")))
}
