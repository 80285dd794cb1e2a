//! What `smguard` prints: one JSON line per event, and the rule catalogue.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

use serde::Serialize;
use smguard_policy::rules::{Finding, Undetermined, catalogue};
use smguard_policy::{Action, Decision, Outcome, PartKind, ResourceKind, RuleId, assess};

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
    #[serde(skip_serializing_if = "Option::is_none")]
    object: Option<ObjectSummary<'a>>,
    /// The protected trail or smguard part a trail-guard event names.
    #[serde(skip_serializing_if = "Option::is_none")]
    part: Option<PartSummary<'a>>,
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

/// The S3 write an event records.
#[derive(Serialize)]
struct ObjectSummary<'a> {
    call: &'a str,
    uri: String,
    /// The bucket owner's account, when the record says it.
    bucket_owner: Option<&'a str>,
    own_bucket: bool,
    /// The role behind the writing session.
    role: Option<&'a str>,
}

/// The protected trail or smguard part a call changed.
#[derive(Serialize)]
struct PartSummary<'a> {
    kind: PartKind,
    arn: &'a str,
    call: Option<&'a str>,
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
        object: decision.write.as_ref().map(|w| ObjectSummary {
            call: w.call.as_str(),
            uri: w.uri(),
            bucket_owner: w.bucket_owner.as_deref(),
            own_bucket: w.bucket_is_own(),
            role: w.caller.session_issuer_arn.as_deref(),
        }),
        part: decision.part.as_ref().map(|p| PartSummary {
            kind: p.kind(),
            arn: &p.arn,
            call: p.call.as_deref(),
        }),
        findings: decision.evaluation.findings.iter().map(FindingLine::from).collect(),
        undetermined: decision.evaluation.undetermined.iter().collect(),
        response: &decision.response,
        reason: decision.reason.as_deref(),
    }
}

/// Counts for the summary on stderr.
#[derive(Debug, Default)]
struct Summary {
    files: usize,
    events: usize,
    outcomes: BTreeMap<&'static str, usize>,
    /// Events that failed each rule.
    rules: BTreeMap<RuleId, usize>,
    /// Evaluated events of each kind, by outcome.
    kinds: BTreeMap<ResourceKind, BTreeMap<&'static str, usize>>,
    /// Evaluated S3 writes, by outcome.
    writes: BTreeMap<&'static str, usize>,
    /// Evaluated changes to protected trails and smguard's parts, by kind and outcome.
    parts: BTreeMap<PartKind, BTreeMap<&'static str, usize>>,
}

impl Summary {
    fn count(&mut self, decision: &Decision) {
        self.events += 1;
        let outcome = decision.outcome.as_str();
        *self.outcomes.entry(outcome).or_default() += 1;
        for rule in decision.evaluation.failed_rules() {
            *self.rules.entry(rule).or_default() += 1;
        }
        if let Some(resource) = &decision.resource {
            *self.kinds.entry(resource.kind).or_default().entry(outcome).or_default() += 1;
        }
        if decision.write.is_some() {
            *self.writes.entry(outcome).or_default() += 1;
        }
        if let Some(part) = &decision.part {
            *self.parts.entry(part.kind()).or_default().entry(outcome).or_default() += 1;
        }
    }

    fn merge(&mut self, other: Summary) {
        self.files += other.files;
        self.events += other.events;
        for (outcome, n) in other.outcomes {
            *self.outcomes.entry(outcome).or_default() += n;
        }
        for (rule, n) in other.rules {
            *self.rules.entry(rule).or_default() += n;
        }
        for (kind, outcomes) in other.kinds {
            let mine = self.kinds.entry(kind).or_default();
            for (outcome, n) in outcomes {
                *mine.entry(outcome).or_default() += n;
            }
        }
        for (outcome, n) in other.writes {
            *self.writes.entry(outcome).or_default() += n;
        }
        for (kind, outcomes) in other.parts {
            let mine = self.parts.entry(kind).or_default();
            for (outcome, n) in outcomes {
                *mine.entry(outcome).or_default() += n;
            }
        }
    }

    fn write(&self, err: &mut impl Write) {
        let join = |items: Vec<String>| {
            if items.is_empty() {
                "none".to_owned()
            } else {
                items.join(", ")
            }
        };
        let outcomes = [
            Outcome::NonCompliant,
            Outcome::Unevaluable,
            Outcome::Compliant,
            Outcome::Ignored,
        ]
        .iter()
        .map(|o| format!("{} {}", self.outcomes.get(o.as_str()).copied().unwrap_or(0), o.as_str()))
        .collect::<Vec<_>>();
        let rules = self.rules.iter().map(|(rule, n)| format!("{rule} {n}")).collect();
        let counted = |name: &str, outcomes: &BTreeMap<&'static str, usize>| {
            let by: Vec<String> = outcomes.iter().map(|(o, n)| format!("{o} {n}")).collect();
            format!("{name} {} ({})", outcomes.values().sum::<usize>(), by.join(", "))
        };
        let mut kinds: Vec<String> = self
            .kinds
            .iter()
            .map(|(kind, outcomes)| counted(kind.as_str(), outcomes))
            .collect();
        if !self.writes.is_empty() {
            kinds.push(counted("s3_write", &self.writes));
        }
        kinds.extend(
            self.parts
                .iter()
                .map(|(kind, outcomes)| counted(kind.as_str(), outcomes)),
        );
        let _ = writeln!(
            err,
            "smguard: {} events in {} files: {}\nsmguard: failed rules: {}\nsmguard: evaluated kinds: {}",
            self.events,
            self.files,
            outcomes.join(", "),
            join(rules),
            join(kinds)
        );
    }
}

/// What one file gave: its output lines, its counts, or why it could not be read.
struct FileResult {
    output: Vec<u8>,
    summary: Summary,
    failed: bool,
    unreadable: Option<input::UnreadableError>,
}

fn evaluate_file(path: &Path, request: &EvaluateRequest) -> FileResult {
    let mut result = FileResult {
        output: Vec::new(),
        summary: Summary::default(),
        failed: false,
        unreadable: None,
    };
    let text = match input::read(path) {
        Ok(text) => text,
        Err(error) => {
            result.unreadable = Some(error);
            return result;
        }
    };
    let events = match input::events(&text) {
        Ok(events) => events,
        Err(reason) => {
            result.unreadable = Some(input::UnreadableError {
                path: path.to_owned(),
                reason,
            });
            return result;
        }
    };
    result.summary.files = 1;
    for (index, raw) in events.into_iter().enumerate() {
        let decision = assess(raw, &request.config);
        let finding = matches!(decision.outcome, Outcome::NonCompliant | Outcome::Unevaluable);
        result.failed |= finding;
        result.summary.count(&decision);
        if request.only_findings && !finding {
            continue;
        }
        // Writing to a Vec cannot fail; serializing these types cannot either.
        if serde_json::to_writer(&mut result.output, &line(path, index, &decision)).is_ok() {
            result.output.push(b'\n');
        }
    }
    result
}

/// Evaluates every event, files in parallel (`--jobs`), printing in the order the files were
/// named; returns the exit status.
pub fn evaluate(request: &EvaluateRequest, out: &mut impl Write, err: &mut impl Write) -> u8 {
    let (files, mut unreadable) = input::files(&request.paths);
    let jobs = request.jobs.get().min(files.len()).max(1);
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let mut summary = Summary::default();
    let mut failed = false;
    let mut write_error = None;
    std::thread::scope(|scope| {
        let (results, received) = mpsc::channel::<(usize, FileResult)>();
        for _ in 0..jobs {
            let results = results.clone();
            let (files, next, stop) = (&files, &next, &stop);
            scope.spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = files.get(index) else { break };
                    if results.send((index, evaluate_file(path, request))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(results);
        // Results arrive in any order; print them in the files' order.
        let mut waiting: BTreeMap<usize, FileResult> = BTreeMap::new();
        let mut printed = 0;
        for (index, result) in received {
            waiting.insert(index, result);
            while let Some(result) = waiting.remove(&printed) {
                printed += 1;
                failed |= result.failed;
                summary.merge(result.summary);
                unreadable.extend(result.unreadable);
                if write_error.is_none()
                    && let Err(error) = out.write_all(&result.output)
                {
                    stop.store(true, Ordering::Relaxed);
                    write_error = Some(error);
                }
            }
        }
    });
    if let Some(error) = write_error {
        // The reader went away (`| head`): nothing more to say to it.
        if error.kind() != std::io::ErrorKind::BrokenPipe {
            let _ = writeln!(err, "smguard: cannot write output: {error}");
            return 2;
        }
        return u8::from(failed);
    }
    let _ = out.flush();
    for error in &unreadable {
        let _ = writeln!(err, "smguard: {error}");
    }
    summary.write(err);
    if !unreadable.is_empty() { 2 } else { u8::from(failed) }
}

/// Prints the catalogue as a Markdown table.
pub fn rules(out: &mut impl Write) -> u8 {
    let mut text = String::from("| rule | severity | default | fails when | applies to |\n|---|---|---|---|---|\n");
    for rule in catalogue() {
        let kinds: Vec<&str> = rule.applies_to().iter().map(|k| k.as_str()).collect();
        let applies_to = if rule.judges_writes() {
            "S3 object writes (`PutObject`, `CopyObject`, `PostObject`, multipart uploads)".to_owned()
        } else if rule.judges_parts() {
            "protected CloudTrail trails; smguard's EventBridge rules, Lambda functions, SNS topics and KMS keys"
                .to_owned()
        } else {
            kinds.join(", ")
        };
        text.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            rule.id,
            rule.severity.as_str(),
            rule.default_mode.as_str(),
            rule.fails_when,
            applies_to
        ));
    }
    match out.write_all(text.as_bytes()) {
        Ok(()) => 0,
        Err(_) => 2,
    }
}

/// Prints the kind table: as Markdown (the README's "Evaluated calls"), or as JSON with the
/// IAM actions and routed names the deployment template must carry.
pub fn kinds(out: &mut impl Write, json: bool) -> u8 {
    use smguard_policy::kind::{
        Containment, contain_permissions, describe_permissions, entries, evaluated_api_calls, evaluated_state_changes,
        list_permissions,
    };
    let text = if json {
        let value = serde_json::json!({
            "api_calls": evaluated_api_calls(),
            "state_changes": evaluated_state_changes(),
            "describe_permissions": describe_permissions(),
            "list_permissions": list_permissions(),
            "contain_permissions": contain_permissions(),
        });
        format!("{value:#}\n")
    } else {
        let mut text = String::from(
            "| kind | calls read | state change | described with | containment |\n|---|---|---|---|---|\n",
        );
        for entry in entries() {
            let calls: Vec<String> = entry.calls.iter().map(|c| format!("`{}`", c.name)).collect();
            let describe: Vec<String> = entry.describe.iter().map(|d| format!("`{}`", d.name)).collect();
            let containment = match entry.containment {
                Containment::Notebook => {
                    "stop when `InService` (deferred while pending; delete when stopped, if configured)".to_owned()
                }
                Containment::Stop => format!("`{}` unless finished", entry.stop.unwrap_or("-")),
                Containment::Delete => format!("`{}`", entry.delete.unwrap_or("-")),
                Containment::DeleteWhileCreating => {
                    format!(
                        "`{}` while being created; alert once in service",
                        entry.delete.unwrap_or("-")
                    )
                }
                Containment::AlertOnly(why) => format!("alert only: {why}"),
            };
            text.push_str(&format!(
                "| `{}` | {} | {} | {} | {} |\n",
                entry.name,
                calls.join(", "),
                entry.state_change.map_or_else(|| "-".to_owned(), |d| format!("`{d}`")),
                describe.join(", "),
                containment
            ));
        }
        text
    };
    match out.write_all(text.as_bytes()) {
        Ok(()) => 0,
        Err(_) => 2,
    }
}
