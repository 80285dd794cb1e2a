//! What `smguard` prints: one JSON line per event, and the rule catalogue.

use std::io::Write;
use std::path::Path;

use serde::Serialize;
use smguard_policy::rules::{Finding, Undetermined, catalogue};
use smguard_policy::{Action, Decision, Outcome, ResourceKind, assess};

use crate::args::EvaluateRequest;
use crate::input;

#[derive(Serialize)]
struct Line<'a> {
    file: String,
    /// Position of the event in its file (arrays, JSON lines, CloudTrail log files).
    index: usize,
    event_id: Option<&'a str>,
    event_name: Option<&'a str>,
    outcome: Outcome,
    resource: Option<ResourceSummary<'a>>,
    findings: Vec<FindingLine<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    undetermined: Vec<&'a Undetermined>,
    response: &'a [Action],
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
}

#[derive(Serialize)]
struct ResourceSummary<'a> {
    kind: ResourceKind,
    name: &'a str,
    arn: Option<&'a str>,
}

#[derive(Serialize)]
struct FindingLine<'a> {
    rule: &'a str,
    severity: &'a str,
    mode: &'a str,
    field: &'a str,
    reason: &'a str,
}

impl<'a> From<&'a Finding> for FindingLine<'a> {
    fn from(finding: &'a Finding) -> Self {
        FindingLine {
            rule: finding.rule.as_str(),
            severity: finding.severity.as_str(),
            mode: finding.mode.as_str(),
            field: &finding.field,
            reason: &finding.reason,
        }
    }
}

fn line<'a>(file: &Path, index: usize, decision: &'a Decision) -> Line<'a> {
    Line {
        file: file.display().to_string(),
        index,
        event_id: decision.event.id.as_deref(),
        event_name: decision
            .event
            .event_name
            .as_deref()
            .or(decision.event.detail_type.as_deref()),
        outcome: decision.outcome,
        resource: decision.resource.as_ref().map(|r| ResourceSummary {
            kind: r.kind,
            name: &r.name,
            arn: r.arn.as_deref(),
        }),
        findings: decision.evaluation.findings.iter().map(FindingLine::from).collect(),
        undetermined: decision.evaluation.undetermined.iter().collect(),
        response: &decision.response,
        reason: decision.reason.as_deref(),
    }
}

/// Evaluates every event; returns the exit status.
pub fn evaluate(request: &EvaluateRequest, out: &mut impl Write, err: &mut impl Write) -> u8 {
    let (files, mut unreadable) = input::files(&request.paths);
    let mut failed = false;
    for path in files {
        let text = match input::read(&path) {
            Ok(text) => text,
            Err(error) => {
                unreadable.push(error);
                continue;
            }
        };
        let events = match input::events(&text) {
            Ok(events) => events,
            Err(reason) => {
                unreadable.push(input::UnreadableError {
                    path: path.clone(),
                    reason,
                });
                continue;
            }
        };
        for (index, raw) in events.into_iter().enumerate() {
            let decision = assess(raw, &request.config);
            failed |= matches!(decision.outcome, Outcome::NonCompliant | Outcome::Unevaluable);
            let written = serde_json::to_writer(&mut *out, &line(&path, index, &decision))
                .map_err(std::io::Error::from)
                .and_then(|()| writeln!(out));
            if let Err(error) = written {
                // The reader went away (`| head`): nothing more to say to it.
                if error.kind() != std::io::ErrorKind::BrokenPipe {
                    let _ = writeln!(err, "smguard: cannot write output: {error}");
                    return 2;
                }
                return u8::from(failed);
            }
        }
    }
    for error in &unreadable {
        let _ = writeln!(err, "smguard: {error}");
    }
    if !unreadable.is_empty() { 2 } else { u8::from(failed) }
}

/// Prints the catalogue as a Markdown table.
pub fn rules(out: &mut impl Write) -> u8 {
    let mut text = String::from("| rule | severity | default | fails when | applies to |\n|---|---|---|---|---|\n");
    for rule in catalogue() {
        let kinds: Vec<&str> = rule.applies_to.iter().map(|k| k.as_str()).collect();
        text.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            rule.id,
            rule.severity.as_str(),
            rule.default_mode.as_str(),
            rule.fails_when,
            kinds.join(", ")
        ));
    }
    match out.write_all(text.as_bytes()) {
        Ok(()) => 0,
        Err(_) => 2,
    }
}
