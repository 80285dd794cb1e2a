//! Files holding several events: JSON arrays, JSON lines, CloudTrail log files.

use serde::Deserialize;
use serde_json::value::RawValue;

/// The raw text of each event in `text`: a single event, a JSON array of events, a CloudTrail
/// log file (`{"Records": [...]}`), or JSON lines. Errors name the line that is not JSON.
pub fn split(text: &str) -> Result<Vec<&str>, String> {
    match split_document(text) {
        Ok(events) => Ok(events),
        Err(whole) => {
            let mut found = Vec::new();
            for (index, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                match split_document(line) {
                    Ok(events) => found.extend(events),
                    // Not JSON lines either: report the whole-document error.
                    Err(_) if found.is_empty() => return Err(format!("not JSON: {whole}")),
                    Err(error) => return Err(format!("line {}: not JSON: {error}", index + 1)),
                }
            }
            if found.is_empty() {
                return Err(format!("not JSON: {whole}"));
            }
            Ok(found)
        }
    }
}

#[derive(Deserialize)]
struct MaybeLogFile<'a> {
    #[serde(rename = "Records", borrow)]
    records: Option<Vec<&'a RawValue>>,
    #[serde(rename = "detail-type")]
    detail_type: Option<serde::de::IgnoredAny>,
}

/// One JSON document: its events, read in one pass (a CloudTrail log file of 200,000 records is
/// scanned once, not once to find its end and again to split it).
fn split_document(text: &str) -> Result<Vec<&str>, serde_json::Error> {
    if text.trim_start().starts_with('[') {
        return serde_json::from_str::<Vec<&RawValue>>(text)
            .map(|items| items.into_iter().map(RawValue::get).collect());
    }
    match serde_json::from_str::<MaybeLogFile<'_>>(text) {
        Ok(MaybeLogFile {
            records: Some(records),
            detail_type: None,
        }) => Ok(records.into_iter().map(RawValue::get).collect()),
        // One event (an EventBridge event may have a `Records` key of its own); or not an object
        // with a `Records` list at all, which the event reader judges.
        Ok(_) | Err(_) => serde_json::from_str::<&RawValue>(text).map(|value| vec![value.get()]),
    }
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn reads_every_container_format() {
        assert_eq!(split(r#"{"a":1}"#).unwrap(), vec![r#"{"a":1}"#]);
        assert_eq!(
            split(r#"[{"a":1}, {"b":2}]"#).unwrap(),
            vec![r#"{"a":1}"#, r#"{"b":2}"#]
        );
        assert_eq!(
            split("{\"a\":1}\n\n{\"b\":2}\n").unwrap(),
            vec![r#"{"a":1}"#, r#"{"b":2}"#]
        );
        assert_eq!(
            split(r#"{"Records":[{"eventName":"X"},{"eventName":"Y"}]}"#)
                .unwrap()
                .len(),
            2
        );
        // An EventBridge event that happens to have a `Records` key stays one event.
        assert_eq!(split(r#"{"detail-type":"x","Records":[1,2]}"#).unwrap().len(), 1);
        assert_eq!(split("[]").unwrap().len(), 0);
    }

    #[test]
    fn names_the_line_of_a_broken_json_lines_file() {
        assert_eq!(
            split("{\"a\":1}\n{oops\n").unwrap_err(),
            "line 2: not JSON: key must be a string at line 1 column 2"
        );
        assert!(split("not json at all").unwrap_err().starts_with("not JSON: expected"));
        assert!(split("").unwrap_err().starts_with("not JSON: EOF"));
        assert!(split("\n\n").unwrap_err().starts_with("not JSON: EOF"));
    }
}
