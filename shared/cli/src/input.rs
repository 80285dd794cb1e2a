//! Finding the events in the files and directories named on the command line.

use std::io::Read;
use std::path::{Path, PathBuf};

/// Larger inputs (after decompression) are refused rather than read into memory.
const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// The first two bytes of every gzip member (RFC 1952).
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

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

/// The files named, and the event files of directories searched recursively, in a stable order.
/// A directory reached a second time (a symlink back to an ancestor, or to a directory already
/// searched) is an error naming it, not searched again: a loop would otherwise be followed until
/// the system refuses (40 levels deep), counting every event in it 40 times.
pub fn files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<UnreadableError>) {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    let mut searched = std::collections::HashSet::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut searched, &mut found, &mut errors);
        } else {
            found.push(path.clone());
        }
    }
    (found, errors)
}

/// `.json`, `.jsonl` and their gzipped forms (CloudTrail writes `….json.gz` under
/// `AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/`).
fn is_event_file(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let name = name.strip_suffix(".gz").unwrap_or(name);
    name.ends_with(".json") || name.ends_with(".jsonl")
}

fn walk(
    dir: &Path,
    searched: &mut std::collections::HashSet<PathBuf>,
    found: &mut Vec<PathBuf>,
    errors: &mut Vec<UnreadableError>,
) {
    let unreadable = |reason: String| UnreadableError {
        path: dir.to_owned(),
        reason,
    };
    match std::fs::canonicalize(dir) {
        Ok(real) if searched.contains(&real) => {
            errors.push(unreadable(format!(
                "a directory loop: it is `{}`, already searched",
                real.display()
            )));
            return;
        }
        Ok(real) => {
            searched.insert(real);
        }
        Err(error) => {
            errors.push(unreadable(error.to_string()));
            return;
        }
    }
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
            walk(&path, searched, found, errors);
        } else if is_event_file(&path) {
            found.push(path);
        }
    }
}

/// The raw text of each event in a file (see [`smguard_policy::event::batch::split`]).
pub fn events(text: &str) -> Result<Vec<&str>, String> {
    smguard_policy::event::batch::split(text)
}

/// The file's text, gunzipped when it is gzip (by its first bytes, whatever its name).
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
    let bytes = if bytes.starts_with(&GZIP_MAGIC) {
        gunzip(&bytes).map_err(unreadable)?
    } else {
        bytes
    };
    String::from_utf8(bytes).map_err(|e| unreadable(format!("not UTF-8: {e}")))
}

/// Every member of a gzip file, at most [`MAX_FILE_BYTES`] of it: a small file that inflates
/// past the limit is refused, not read into memory.
fn gunzip(compressed: &[u8]) -> Result<Vec<u8>, String> {
    let mut text = Vec::new();
    flate2::read::MultiGzDecoder::new(compressed)
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut text)
        .map_err(|e| format!("not valid gzip: {e}"))?;
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(format!("larger than {MAX_FILE_BYTES} bytes once decompressed"));
    }
    Ok(text)
}
