//! The audit: every resource that exists now, judged by the same rules as the events and, when
//! asked, contained on the same response path ([`Responder`]).
//!
//! For each kind, page by page: list one page, describe its resources with bounded concurrency,
//! decide each with [`Decision::described`] (trigger: the audit run), respond when asked, and
//! append one JSON line per resource to the report, which goes to the [`ReportSink`] in parts of
//! bounded size. Memory holds one page and one part, whatever the estate.
//!
//! Before each page the audit checks the time it has left; when that runs low it writes what it
//! has and returns a [`Continuation`] (run, kind, page token, counts so far) from which a new
//! invocation resumes: a page is either in the report or still to come, so no resource is
//! counted twice. When every kind is done it writes the [`Summary`] and publishes one summary
//! message.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use futures_util::StreamExt;
use futures_util::stream;
use serde::{Deserialize, Serialize};
use smguard_policy::{
    Action, Decision, EventInfo, Outcome, PolicyConfig, ResourceKind, ResourceRef, Severity, Trigger,
};

use crate::alert::{ActionTaken, Message, MessageAttribute};
use crate::ports::{GuardInputsReader, Inventory, Notifier, PortError, ReportSink, SelfCheckConfig};
use crate::respond::{Mode, Responder};

/// Resources described at once unless configured.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// A report part is written once it holds this much (S3 objects of a few MiB; the audit's memory
/// stays bounded by one part and one page).
pub const PART_BYTES: usize = 4 * 1024 * 1024;

/// The worst findings a summary names.
const WORST_FINDINGS: usize = 10;

/// The problems a summary lists (all are counted).
const MAX_PROBLEMS: usize = 100;

/// The time and deadline an audit runs against (the Lambda invocation's, or none for the CLI).
pub trait Clock: Send + Sync {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> u64;
    /// When the audit must have returned (milliseconds since the Unix epoch); `None`: no limit.
    fn deadline_ms(&self) -> Option<u64>;
}

/// Told of the audit's progress (the CLI's progress bar).
pub trait Observer: Send + Sync {
    fn listed(&self, _kind: ResourceKind, _resources: usize) {}
    fn examined(&self, _line: &ReportLine) {}
}

/// The system clock, with the deadline of the invocation (or none).
#[derive(Debug, Clone, Copy, Default)]
pub struct WallClock {
    pub deadline_ms: Option<u64>,
}

impl Clock for WallClock {
    fn now_ms(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }

    fn deadline_ms(&self) -> Option<u64> {
        self.deadline_ms
    }
}

/// Observes nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Unobserved;

impl Observer for Unobserved {}

/// A new run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRequest {
    pub run_id: String,
    /// The kinds to audit, in order (every kind by default).
    pub kinds: Vec<ResourceKind>,
    /// Contain and alert what the real-time guard would; otherwise report only.
    pub respond: bool,
}

/// Where an interrupted run resumes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Continuation {
    pub run_id: String,
    /// The kinds still to audit; the first is the one being listed.
    pub kinds: Vec<ResourceKind>,
    /// The first kind's next page (`None`: its first page).
    pub page_token: Option<String>,
    pub respond: bool,
    /// The number of the next report part.
    pub next_part: u32,
    pub summary: Summary,
}

/// What one invocation of the audit returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum AuditResult {
    Complete {
        summary: Summary,
    },
    /// Time ran low: invoke again with `{"continuation": …}`.
    Continue {
        continuation: Continuation,
    },
}

/// A failed rule on a report line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineFinding {
    pub rule: String,
    pub severity: Severity,
    pub mode: smguard_policy::ControlMode,
    pub field: String,
    pub reason: String,
}

/// One resource in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportLine {
    pub kind: ResourceKind,
    pub name: String,
    pub arn: Option<String>,
    pub outcome: Outcome,
    pub findings: Vec<LineFinding>,
    /// Fields a rule needs that the answer lacks.
    pub undetermined: Vec<String>,
    /// The containment the decision calls for (what `respond` would do).
    pub planned: Vec<Action>,
    /// What responding did (empty when reporting only).
    pub actions: Vec<ActionTaken>,
    pub alerted: bool,
    /// An earlier run already responded to this finding.
    pub duplicate: bool,
    pub reason: Option<String>,
    /// Why the resource could not be read or responded to.
    pub error: Option<String>,
}

/// A finding among the worst of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorstFinding {
    pub severity: Severity,
    pub rule: String,
    pub kind: ResourceKind,
    pub name: String,
    pub reason: String,
}

/// Something the audit could not do (list a kind, describe or contain a resource).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub kind: ResourceKind,
    /// The resource, or `None` when the kind could not be listed.
    pub name: Option<String>,
    pub error: String,
    /// Access denied (the caller's policy lacks an action), rather than a transient failure.
    pub access_denied: bool,
}

/// Counts over a run (kept across its invocations).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub run_id: String,
    pub respond: bool,
    pub dry_run: bool,
    pub kinds: Vec<ResourceKind>,
    pub resources: u64,
    pub by_outcome: BTreeMap<String, u64>,
    /// Resources failing each rule.
    pub by_rule: BTreeMap<String, u64>,
    /// Findings per severity.
    pub by_severity: BTreeMap<String, u64>,
    /// Per kind, resources per outcome.
    pub by_kind: BTreeMap<String, BTreeMap<String, u64>>,
    /// Actions carried out, per `action=result`.
    pub actions: BTreeMap<String, u64>,
    pub worst: Vec<WorstFinding>,
    /// The self-check's findings about smguard's own inputs (`guard.*`).
    pub guard_findings: Vec<smguard_policy::selfcheck::GuardFinding>,
    /// Why the self-check could not be made (`None`: made, or not asked for).
    pub self_check_error: Option<String>,
    pub problems: Vec<Problem>,
    pub problems_total: u64,
    /// List, describe and report requests (the SDK's retries not counted).
    pub api_calls: u64,
    pub invocations: u32,
    pub started_ms: u64,
    pub duration_ms: u64,
    /// Where the report is.
    pub report: String,
    pub complete: bool,
}

impl Summary {
    fn count(&mut self, line: &ReportLine) {
        self.resources += 1;
        *self.by_outcome.entry(line.outcome.as_str().to_owned()).or_default() += 1;
        *self
            .by_kind
            .entry(line.kind.as_str().to_owned())
            .or_default()
            .entry(line.outcome.as_str().to_owned())
            .or_default() += 1;
        let mut rules: Vec<&str> = line.findings.iter().map(|f| f.rule.as_str()).collect();
        rules.sort_unstable();
        rules.dedup();
        for rule in rules {
            *self.by_rule.entry(rule.to_owned()).or_default() += 1;
        }
        for finding in &line.findings {
            *self
                .by_severity
                .entry(finding.severity.as_str().to_owned())
                .or_default() += 1;
            self.consider_worst(finding, line);
        }
        for taken in &line.actions {
            *self
                .actions
                .entry(format!("{}={}", taken.action, taken.token()))
                .or_default() += 1;
        }
    }

    /// Keeps the [`WORST_FINDINGS`] most severe findings, the first found first among equals.
    fn consider_worst(&mut self, finding: &LineFinding, line: &ReportLine) {
        let full = self.worst.len() >= WORST_FINDINGS;
        if full && self.worst.last().is_some_and(|last| last.severity >= finding.severity) {
            return;
        }
        let at = self
            .worst
            .iter()
            .position(|w| w.severity < finding.severity)
            .unwrap_or(self.worst.len());
        self.worst.insert(
            at,
            WorstFinding {
                severity: finding.severity,
                rule: finding.rule.clone(),
                kind: line.kind,
                name: line.name.clone(),
                reason: finding.reason.clone(),
            },
        );
        self.worst.truncate(WORST_FINDINGS);
    }

    fn problem(&mut self, problem: Problem) {
        self.problems_total += 1;
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(problem);
        }
    }

    fn count_of(&self, outcome: Outcome) -> u64 {
        self.by_outcome.get(outcome.as_str()).copied().unwrap_or(0)
    }

    /// Whether everything audited is compliant (or ignored) and nothing failed.
    pub fn clean(&self) -> bool {
        self.count_of(Outcome::NonCompliant) == 0
            && self.count_of(Outcome::Unevaluable) == 0
            && self.problems_total == 0
            && self.guard_findings.is_empty()
            && self.self_check_error.is_none()
    }

    /// Whether the caller lacks access to something the audit needs.
    pub fn access_denied(&self) -> bool {
        self.problems.iter().any(|p| p.access_denied)
    }

    /// The summary as one message for security operations.
    pub fn message(&self) -> Message {
        let non_compliant = self.count_of(Outcome::NonCompliant);
        let unevaluable = self.count_of(Outcome::Unevaluable);
        let prefix = if self.dry_run && self.respond {
            "[smguard dry-run]"
        } else {
            "[smguard]"
        };
        let guard = match self.guard_findings.len() {
            0 => String::new(),
            n => format!(", {n} self-check findings"),
        };
        let subject = format!(
            "{prefix} audit: {non_compliant} non-compliant, {unevaluable} unevaluable of {} resources{guard}",
            self.resources
        );
        let mut text = String::new();
        let _ = writeln!(text, "{subject}\n");
        let _ = writeln!(text, "Run: {}", self.run_id);
        let _ = writeln!(
            text,
            "Mode: {}",
            match (self.respond, self.dry_run) {
                (false, _) => "report only",
                (true, true) => "respond (dry run: nothing changed)",
                (true, false) => "respond (enforce)",
            }
        );
        let _ = writeln!(text, "Report: {}", self.report);
        let _ = writeln!(
            text,
            "Duration: {:.1} s, {} API calls",
            self.duration_ms as f64 / 1000.0,
            self.api_calls
        );
        let _ = writeln!(text, "\nResources per outcome:");
        for (outcome, count) in &self.by_outcome {
            let _ = writeln!(text, "  {outcome}: {count}");
        }
        if !self.by_rule.is_empty() {
            let _ = writeln!(text, "\nResources per failed rule:");
            for (rule, count) in &self.by_rule {
                let _ = writeln!(text, "  {rule}: {count}");
            }
        }
        if !self.worst.is_empty() {
            let _ = writeln!(text, "\nWorst findings:");
            for worst in &self.worst {
                let _ = writeln!(
                    text,
                    "  [{}] {} {}: {} ({})",
                    worst.severity.as_str(),
                    worst.kind.as_str(),
                    worst.name,
                    worst.reason,
                    worst.rule
                );
            }
        }
        if !self.guard_findings.is_empty() || self.self_check_error.is_some() {
            let _ = writeln!(text, "\nsmguard's own inputs:");
            for finding in &self.guard_findings {
                let _ = writeln!(text, "  [{}] {}", finding.check, finding.reason);
            }
            if let Some(error) = &self.self_check_error {
                let _ = writeln!(text, "  the self-check could not be made: {error}");
            }
        }
        if !self.actions.is_empty() {
            let _ = writeln!(text, "\nActions:");
            for (action, count) in &self.actions {
                let _ = writeln!(text, "  {action}: {count}");
            }
        }
        if self.problems_total > 0 {
            let _ = writeln!(text, "\nProblems ({}):", self.problems_total);
            for problem in &self.problems {
                let _ = writeln!(
                    text,
                    "  {} {}: {}",
                    problem.kind.as_str(),
                    problem.name.as_deref().unwrap_or("(listing)"),
                    problem.error
                );
            }
        }
        // smguard blinded outranks any one resource.
        let severity = if self.guard_findings.is_empty() {
            self.worst.first().map_or("none", |w| w.severity.as_str())
        } else {
            Severity::High.as_str()
        };
        let outcome = if non_compliant > 0 {
            Outcome::NonCompliant
        } else if unevaluable > 0 {
            Outcome::Unevaluable
        } else {
            Outcome::Compliant
        };
        let json = serde_json::json!({"schema": "smguard.audit-summary/1", "summary": self}).to_string();
        Message {
            subject,
            text,
            json,
            attributes: vec![
                MessageAttribute::string("alert_type", "audit_summary"),
                MessageAttribute::string("severity", severity),
                MessageAttribute::string("outcome", outcome.as_str()),
                MessageAttribute::string("dry_run", if self.dry_run { "true" } else { "false" }),
            ],
            about: Some(self.run_id.clone()),
        }
    }
}

/// What an invocation of the audit is asked, as the audit function's payload (and a schedule's
/// constant input) writes it: `{"kinds": ["notebook_instance"], "respond": false}` starts a run
/// (every kind by default), `{"continuation": {…}}` resumes one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditPayload {
    #[serde(default)]
    pub kinds: Option<Vec<String>>,
    #[serde(default)]
    pub respond: bool,
    /// Return a continuation after this long, even if the invocation has more time.
    #[serde(default)]
    pub time_budget_seconds: Option<u64>,
    #[serde(default)]
    pub continuation: Option<Continuation>,
}

/// The kinds named (snake-case names, as `smguard kinds` lists them); every kind when `None`.
pub fn parse_kinds(names: Option<&[String]>) -> Result<Vec<ResourceKind>, String> {
    let Some(names) = names else {
        return Ok(ResourceKind::ALL.to_vec());
    };
    let mut kinds = Vec::new();
    for name in names {
        let kind = ResourceKind::named(name.trim()).ok_or_else(|| {
            let known: Vec<&str> = ResourceKind::ALL.iter().map(|k| k.as_str()).collect();
            format!("unknown kind `{name}`; the kinds are {}", known.join(", "))
        })?;
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    if kinds.is_empty() {
        return Err("no kind to audit: name at least one, or leave `kinds` out for all".to_owned());
    }
    Ok(kinds)
}

/// A run ID: the UTC start time and a suffix unique to the invocation
/// (`20261201T134500Z-8f3a1c2e`), so that reports sort by time.
pub fn run_id(unix_seconds: u64, suffix: &str) -> String {
    let days = unix_seconds / 86_400;
    let seconds = unix_seconds % 86_400;
    // Days to a civil date (Howard Hinnant's algorithm), for dates after 1970.
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    let suffix: String = suffix.chars().filter(char::is_ascii_alphanumeric).take(8).collect();
    format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z-{suffix}",
        seconds / 3600,
        seconds % 3600 / 60,
        seconds % 60
    )
}

/// Why an invocation of the audit failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditError {
    #[error("the report could not be written: {0}")]
    Report(PortError),
    #[error("the summary alert could not be published (the report is at {report}): {error}")]
    AlertFailed { report: String, error: PortError },
    #[error("`respond` was asked for, but this audit has no response path (ledger and alert topic)")]
    CannotRespond,
}

impl AuditError {
    /// A stable name for the error, as Lambda reports it (`errorType`).
    pub fn error_type(&self) -> &'static str {
        match self {
            AuditError::Report(_) => "ReportFailed",
            AuditError::AlertFailed { .. } => "AlertFailed",
            AuditError::CannotRespond => "CannotRespond",
        }
    }
}

/// The self-check's reader and what it is told to check.
#[derive(Clone, Copy)]
pub struct SelfCheck<'a> {
    pub reader: &'a dyn GuardInputsReader,
    pub config: &'a SelfCheckConfig,
}

impl std::fmt::Debug for SelfCheck<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SelfCheck")
            .field("config", self.config)
            .finish_non_exhaustive()
    }
}

/// The audit's configuration and ports.
pub struct Audit<'a> {
    /// Checks smguard's own inputs once per run (`None`: not checked).
    pub self_check: Option<SelfCheck<'a>>,
    pub inventory: &'a dyn Inventory,
    pub reports: &'a dyn ReportSink,
    /// Where the summary goes (`None`: nowhere but the report and the answer).
    pub notifier: Option<&'a dyn Notifier>,
    /// The response path, for `respond` runs.
    pub responder: Option<Responder<'a>>,
    pub policy: &'a PolicyConfig,
    pub concurrency: usize,
    /// Time kept in hand before the deadline, besides twice the slowest page so far.
    pub reserve_ms: u64,
    pub part_bytes: usize,
}

impl std::fmt::Debug for Audit<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Audit")
            .field("concurrency", &self.concurrency)
            .field("responder", &self.responder)
            .finish_non_exhaustive()
    }
}

impl Audit<'_> {
    /// Starts a run.
    pub async fn start(
        &self,
        request: AuditRequest,
        clock: &dyn Clock,
        observer: &dyn Observer,
    ) -> Result<AuditResult, AuditError> {
        let mut summary = Summary {
            run_id: request.run_id.clone(),
            respond: request.respond,
            dry_run: self.responder.as_ref().is_none_or(|r| r.mode == Mode::DryRun),
            kinds: request.kinds.clone(),
            started_ms: clock.now_ms(),
            report: self.reports.location(&request.run_id),
            ..Summary::default()
        };
        if let Some(check) = self.self_check {
            match check.reader.read(check.config).await {
                Ok(inputs) => summary.guard_findings = smguard_policy::selfcheck::check(&inputs, check.config),
                Err(error) => summary.self_check_error = Some(error.to_string()),
            }
        }
        let continuation = Continuation {
            run_id: request.run_id,
            kinds: request.kinds,
            page_token: None,
            respond: request.respond,
            next_part: 1,
            summary,
        };
        self.resume(continuation, clock, observer).await
    }

    /// Resumes a run where `continuation` left it.
    pub async fn resume(
        &self,
        mut at: Continuation,
        clock: &dyn Clock,
        observer: &dyn Observer,
    ) -> Result<AuditResult, AuditError> {
        if at.respond && self.responder.is_none() {
            return Err(AuditError::CannotRespond);
        }
        at.summary.invocations += 1;
        let mut part: Vec<u8> = Vec::new();
        let mut pages = 0_u32;
        let mut slowest_page_ms = 0_u64;
        while let Some(&kind) = at.kinds.first() {
            let low_on_time = clock.deadline_ms().is_some_and(|deadline| {
                deadline.saturating_sub(clock.now_ms()) < self.reserve_ms + 2 * slowest_page_ms
            });
            // At least one page per invocation, so that every invocation makes progress.
            if pages > 0 && low_on_time {
                self.flush(&mut at, &mut part).await?;
                at.summary.duration_ms = clock.now_ms().saturating_sub(at.summary.started_ms);
                return Ok(AuditResult::Continue { continuation: at });
            }
            let page_started = clock.now_ms();
            at.summary.api_calls += 1;
            let page = match self.inventory.list_page(kind, at.page_token.as_deref()).await {
                Ok(page) => page,
                Err(error) => {
                    at.summary.problem(Problem {
                        kind,
                        name: None,
                        error: error.to_string(),
                        access_denied: error.is_access_denied(),
                    });
                    at.kinds.remove(0);
                    at.page_token = None;
                    continue;
                }
            };
            observer.listed(kind, page.resources.len());
            let now = clock.now_ms() / 1000;
            let run_id = at.run_id.clone();
            let respond = at.respond;
            at.summary.api_calls += page.resources.len() as u64;
            let mut lines = stream::iter(page.resources)
                .map(|reference| self.examine(reference, &run_id, respond, now))
                .buffer_unordered(self.concurrency.max(1));
            while let Some(examined) = lines.next().await {
                let Some((line, problem)) = examined else { continue };
                at.summary.count(&line);
                if let Some(problem) = problem {
                    at.summary.problem(problem);
                }
                observer.examined(&line);
                if let Ok(json) = serde_json::to_vec(&line) {
                    part.extend_from_slice(&json);
                    part.push(b'\n');
                }
            }
            drop(lines);
            if part.len() >= self.part_bytes {
                self.flush(&mut at, &mut part).await?;
            }
            pages += 1;
            slowest_page_ms = slowest_page_ms.max(clock.now_ms().saturating_sub(page_started));
            match page.next {
                Some(next) => at.page_token = Some(next),
                None => {
                    at.kinds.remove(0);
                    at.page_token = None;
                }
            }
        }
        self.flush(&mut at, &mut part).await?;
        let mut summary = at.summary;
        summary.complete = true;
        summary.duration_ms = clock.now_ms().saturating_sub(summary.started_ms);
        summary.api_calls += 1;
        let body = serde_json::to_vec_pretty(&summary).unwrap_or_default();
        self.reports
            .write_summary(&summary.run_id, body)
            .await
            .map_err(AuditError::Report)?;
        if let Some(notifier) = self.notifier {
            notifier
                .publish(&summary.message())
                .await
                .map_err(|error| AuditError::AlertFailed {
                    report: summary.report.clone(),
                    error,
                })?;
        }
        Ok(AuditResult::Complete { summary })
    }

    /// Writes the report lines gathered so far as the next part.
    async fn flush(&self, at: &mut Continuation, part: &mut Vec<u8>) -> Result<(), AuditError> {
        if part.is_empty() {
            return Ok(());
        }
        at.summary.api_calls += 1;
        self.reports
            .write_part(&at.run_id, at.next_part, std::mem::take(part))
            .await
            .map_err(AuditError::Report)?;
        at.next_part += 1;
        Ok(())
    }

    /// Describes, decides and (when asked) responds to one resource, with what went wrong;
    /// `None` when it no longer exists.
    async fn examine(
        &self,
        reference: ResourceRef,
        run_id: &str,
        respond: bool,
        now: u64,
    ) -> Option<(ReportLine, Option<Problem>)> {
        let resource = match self.inventory.describe(&reference).await {
            Ok(Some(resource)) => resource,
            Ok(None) => return None,
            Err(error) => {
                let problem = Problem {
                    kind: reference.kind,
                    name: Some(reference.name.clone()),
                    error: format!("describing failed: {error}"),
                    access_denied: error.is_access_denied(),
                };
                // Never compliant for want of an answer.
                let line = ReportLine {
                    kind: reference.kind,
                    name: reference.name,
                    arn: reference.arn,
                    outcome: Outcome::Unevaluable,
                    findings: Vec::new(),
                    undetermined: Vec::new(),
                    planned: Vec::new(),
                    actions: Vec::new(),
                    alerted: false,
                    duplicate: false,
                    reason: Some("the resource could not be described".to_owned()),
                    error: Some(problem.error.clone()),
                };
                return Some((line, Some(problem)));
            }
        };
        let (kind, name, arn) = (resource.kind, resource.name.clone(), resource.arn.clone());
        let event = EventInfo {
            account: resource.location.account.clone(),
            region: resource.location.region.clone(),
            ..EventInfo::default()
        };
        let trigger = Trigger::Audit {
            run_id: run_id.to_owned(),
        };
        let decision = Decision::described(trigger, event, resource, self.policy);
        let mut line = report_line(kind, name, arn, &decision);
        let mut problem = None;
        if let (true, Some(responder)) = (respond, &self.responder) {
            match responder.respond(&decision, now).await {
                Ok(response) => {
                    // A duplicate's actions are an earlier run's (its ledger entry), not this
                    // run's doing: the line says `duplicate` and lists none.
                    line.actions = if response.duplicate {
                        Vec::new()
                    } else {
                        response.actions
                    };
                    line.alerted = response.alerted;
                    line.duplicate = response.duplicate;
                }
                Err(error) => {
                    let error = format!("responding failed: {error}");
                    line.error = Some(error.clone());
                    problem = Some(Problem {
                        kind,
                        name: Some(line.name.clone()),
                        error,
                        access_denied: false,
                    });
                }
            }
        }
        Some((line, problem))
    }
}

fn report_line(kind: ResourceKind, name: String, arn: Option<String>, decision: &Decision) -> ReportLine {
    ReportLine {
        kind,
        name,
        arn,
        outcome: decision.outcome,
        findings: decision
            .evaluation
            .findings
            .iter()
            .map(|f| LineFinding {
                rule: f.rule.to_string(),
                severity: f.severity,
                mode: f.mode,
                field: f.field.to_string(),
                reason: f.reason.clone(),
            })
            .collect(),
        undetermined: crate::respond::undetermined_fields(decision),
        planned: decision
            .response
            .iter()
            .copied()
            .filter(|action| *action != Action::Alert)
            .collect(),
        actions: Vec::new(),
        alerted: false,
        duplicate: false,
        reason: decision.reason.clone(),
        error: None,
    }
}

#[cfg(test)]
#[path = "audit_tests.rs"]
mod tests;
