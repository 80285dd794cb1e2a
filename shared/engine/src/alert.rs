//! The alert security operations receive: one per decision on a resource (or per event that could
//! not be evaluated), readable by a person and filterable by a machine.
//!
//! Three renderings of one [`Alert`]: [`Alert::subject`] (SNS subjects: ASCII, one line, under
//! 100 characters), [`Alert::text`] for e-mail readers, [`Alert::json`] for machines, and
//! [`Alert::attributes`] for SNS subscription filter policies.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use smguard_policy::{Action, AlertChannel, ControlMode, Outcome, PartKind, ResourceKind, RuleId, Severity, Verb};

/// Longest subject SNS accepts is 99 characters ("less than 100").
pub const MAX_SUBJECT_CHARS: usize = 99;

/// What a subject keeps of the resource when the action is long: enough for a kind and a name of
/// usual length.
const MIN_SUBJECT_RESOURCE_CHARS: usize = 50;

/// `text` cut to `room` characters, ending in "..." when cut.
fn shorten(text: &str, room: usize) -> String {
    if text.chars().count() <= room {
        return text.to_owned();
    }
    let keep: String = text.chars().take(room.saturating_sub(3)).collect();
    format!("{keep}...")
}

/// What an alert is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlertResource {
    pub kind: ResourceKind,
    pub name: String,
    pub arn: Option<String>,
}

/// The S3 object write an alert is about (upload guard).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlertObject {
    /// `s3://bucket/key`.
    pub uri: String,
    pub bucket: String,
    pub key: String,
    /// The bucket owner's account; `None` when the record does not say.
    pub bucket_owner: Option<String>,
    /// Whether the bucket belongs to the account the write was made from.
    pub own_bucket: bool,
    pub version_id: Option<String>,
    pub upload_id: Option<String>,
    pub bytes: Option<u64>,
    /// The role behind the session (`sessionIssuer.arn`) and the session's name.
    pub role: Option<String>,
    pub session_name: Option<String>,
    pub vpc_endpoint_id: Option<String>,
    /// `x-amz-copy-source` of a copy.
    pub copy_source: Option<String>,
}

/// The protected trail or smguard part an alert is about (trail guard).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlertPart {
    pub kind: PartKind,
    pub name: String,
    pub arn: String,
}

/// A failed rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlertFinding {
    pub rule: RuleId,
    pub severity: Severity,
    pub mode: ControlMode,
    pub field: String,
    pub reason: String,
    pub remediation: String,
}

/// What carrying out one action gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ActionResult {
    /// Stopped (the stop was accepted) or deleted.
    Done,
    /// Dry run: nothing was changed.
    WouldHaveDone,
    /// Postponed until the resource reaches a state that allows it.
    Deferred {
        until: String,
    },
    /// Nothing to do: already stopping, stopped or finished.
    AlreadyDone {
        status: String,
    },
    /// AWS refuses it in the resource's current state; retried later.
    NotYetPossible {
        status: String,
    },
    /// The resource no longer exists.
    AlreadyGone,
    Failed {
        reason: String,
        retryable: bool,
    },
}

impl ActionResult {
    /// Whether smguard acted on the resource: changed it, would have in dry-run mode, or tried
    /// and failed. (Already done, deferred, not yet possible and gone are not acts.)
    pub fn acted(&self) -> bool {
        match self {
            ActionResult::Done | ActionResult::WouldHaveDone | ActionResult::Failed { .. } => true,
            ActionResult::Deferred { .. }
            | ActionResult::AlreadyDone { .. }
            | ActionResult::NotYetPossible { .. }
            | ActionResult::AlreadyGone => false,
        }
    }

    /// What a failed call means for the alert: "access denied" (never retried), "throttled" or
    /// "AWS unavailable" (retried), or the service's refusal.
    pub fn failed(error: &crate::ports::PortError) -> ActionResult {
        use crate::ports::PortError;
        let reason = match error {
            PortError::AccessDenied { .. } => "access denied".to_owned(),
            PortError::Throttled { .. } => "throttled by AWS; the event will be retried".to_owned(),
            PortError::Unavailable { message, .. } => format!("AWS unavailable ({message}); the event will be retried"),
            PortError::Rejected { code, message, .. } => format!("rejected: {code}: {message}"),
            PortError::Unsupported { operation, kind } => format!("`{operation}` is not possible for a {kind}"),
            PortError::Conflict { .. } => "another invocation took over; the event will be retried".to_owned(),
        };
        ActionResult::Failed {
            reason,
            retryable: error.is_retryable(),
        }
    }
}

/// One action and its result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionTaken {
    pub action: Action,
    pub result: ActionResult,
    /// What the action left where (`evidence at s3://…`, `aborted upload …`), when it says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl ActionTaken {
    pub fn new(action: Action, result: ActionResult) -> ActionTaken {
        ActionTaken {
            action,
            result,
            detail: None,
        }
    }

    /// "stopped", "deferred until InService", "already stopped (Stopped)", "failed: access denied".
    pub fn describe(&self) -> String {
        let result = self.result_text();
        let result = match &self.detail {
            Some(detail) => format!("{result}: {detail}"),
            None => result,
        };
        if self.result == ActionResult::WouldHaveDone {
            format!("{result} (dry run)")
        } else {
            result
        }
    }

    /// The result without the dry-run mark (a subject says "dry-run" in its prefix).
    fn result_text(&self) -> String {
        let (verb, done, _) = verbs(self.action);
        match &self.result {
            ActionResult::Done => done.to_owned(),
            ActionResult::WouldHaveDone if self.action.verb() == Verb::StopWhenReady => {
                "would stop when InService".to_owned()
            }
            ActionResult::WouldHaveDone => format!("would have {done}"),
            ActionResult::Deferred { until } => format!("deferred: will {verb} when {until}"),
            ActionResult::AlreadyDone { status } => match self.action.verb() {
                Verb::Stop | Verb::StopWhenReady => format!("already {} ({status})", already(status)),
                Verb::Quarantine
                | Verb::Abort
                | Verb::Revoke
                | Verb::Delete
                | Verb::Restore
                | Verb::Inspect
                | Verb::Alert => {
                    format!("already done ({status})")
                }
            },
            ActionResult::NotYetPossible { status } => format!("not yet possible while {status}: will retry"),
            ActionResult::AlreadyGone => "already gone".to_owned(),
            ActionResult::Failed { reason, .. } => format!("remediation failed: {reason}"),
        }
    }

    /// A token for filter policies: `stopped`, `deleted`, `quarantined`, `aborted`,
    /// `sessions_revoked`, `deferred`, `already_stopped`, `already_done`, `already_gone`,
    /// `not_yet_possible`, `dry_run`, `failed`.
    pub fn token(&self) -> &'static str {
        match &self.result {
            ActionResult::Done => verbs(self.action).2,
            ActionResult::WouldHaveDone => "dry_run",
            ActionResult::Deferred { .. } => "deferred",
            ActionResult::AlreadyDone { .. } => match self.action.verb() {
                Verb::Stop | Verb::StopWhenReady => "already_stopped",
                Verb::Quarantine
                | Verb::Abort
                | Verb::Revoke
                | Verb::Delete
                | Verb::Restore
                | Verb::Inspect
                | Verb::Alert => "already_done",
            },
            ActionResult::NotYetPossible { .. } => "not_yet_possible",
            ActionResult::AlreadyGone => "already_gone",
            ActionResult::Failed { .. } => "failed",
        }
    }
}

/// The action's verb, its past participle, and its token.
fn verbs(action: Action) -> (&'static str, &'static str, &'static str) {
    match action.verb() {
        Verb::Delete => ("delete", "deleted", "deleted"),
        Verb::Alert => ("alert", "alerted", "alerted"),
        Verb::Stop | Verb::StopWhenReady => ("stop", "stopped", "stopped"),
        Verb::Quarantine => ("quarantine", "quarantined", "quarantined"),
        Verb::Abort => ("abort", "aborted", "aborted"),
        Verb::Revoke => (
            "revoke the role's sessions",
            "revoked the role's sessions",
            "sessions_revoked",
        ),
        Verb::Restore => ("restore", "restored", "restored"),
        Verb::Inspect => ("read", "read", "read"),
    }
}

fn already(status: &str) -> &'static str {
    match smguard_policy::model::Lifecycle::of(status) {
        smguard_policy::model::Lifecycle::Stopping => "stopping",
        smguard_policy::model::Lifecycle::Completed | smguard_policy::model::Lifecycle::Failed => "finished",
        _ => "stopped",
    }
}

/// An alert: what was found, who did it, what was done about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alert {
    /// The EventBridge event ID (or the resource ARN for a sweep): one alert per key and action.
    pub event_id: Option<String>,
    pub outcome: Outcome,
    pub dry_run: bool,
    pub account: Option<String>,
    pub region: Option<String>,
    pub resource: Option<AlertResource>,
    /// The S3 write, for the upload guard's alerts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<AlertObject>,
    /// The protected trail or smguard part, for the trail guard's alerts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<AlertPart>,
    /// The topic it went to: `fallback` when the alert topic itself was changed.
    pub channel: AlertChannel,
    pub findings: Vec<AlertFinding>,
    /// Fields the event did not carry (for `unevaluable`).
    pub undetermined: Vec<String>,
    /// Why the event could not be evaluated.
    pub reason: Option<String>,
    pub event_name: Option<String>,
    pub event_time: Option<String>,
    pub principal: Option<String>,
    pub source_ip: Option<String>,
    pub actions: Vec<ActionTaken>,
}

impl Alert {
    /// The highest severity found; an event that could not be evaluated counts as high.
    pub fn severity(&self) -> Severity {
        self.findings.iter().map(|f| f.severity).max().unwrap_or(Severity::High)
    }

    fn headline_action(&self) -> Option<&ActionTaken> {
        self.actions.iter().find(|a| a.action != Action::Alert)
    }

    fn what(&self) -> String {
        if let Some(object) = &self.object {
            return format!("S3 write {}", object.uri);
        }
        if let Some(part) = &self.part {
            return format!("{} {}", part.kind.display_name(), part.name);
        }
        match &self.resource {
            Some(resource) => format!("{} {}", resource.kind.display_name(), resource.name),
            None => format!(
                "{} event {}",
                self.event_name.as_deref().unwrap_or("unknown"),
                self.event_id.as_deref().unwrap_or("without ID")
            ),
        }
    }

    /// One line, ASCII, at most [`MAX_SUBJECT_CHARS`]: SNS rejects anything else.
    pub fn subject(&self) -> String {
        let prefix = if self.dry_run {
            "[smguard dry-run] "
        } else {
            "[smguard] "
        };
        let outcome = match self.outcome {
            Outcome::NonCompliant => "non-compliant",
            Outcome::Unevaluable => "unevaluable",
            Outcome::Compliant => "compliant",
            Outcome::Ignored => "ignored",
        };
        // The prefix already says "dry-run".
        let action = self
            .headline_action()
            .map(|a| format!(": {}", a.result_text()))
            .unwrap_or_default();
        let what = self.what();
        // When both do not fit, a failure's reason is kept whole; otherwise the resource keeps
        // at least `MIN_SUBJECT_RESOURCE_CHARS` and the action what is left.
        let budget = MAX_SUBJECT_CHARS.saturating_sub(prefix.len() + outcome.len() + 1);
        let (what_chars, action_chars) = (what.chars().count(), action.chars().count());
        let failed = self
            .headline_action()
            .is_some_and(|a| matches!(a.result, ActionResult::Failed { .. }));
        let what_room = if what_chars + action_chars <= budget {
            what_chars
        } else if failed {
            budget.saturating_sub(action_chars)
        } else {
            what_chars.min(budget.saturating_sub(action_chars).max(MIN_SUBJECT_RESOURCE_CHARS))
        };
        let what = shorten(&what, what_room);
        let action = shorten(&action, budget.saturating_sub(what.chars().count()));
        let subject = format!("{prefix}{outcome} {what}{action}");
        let ascii: String = subject
            .chars()
            .map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '?' })
            .take(MAX_SUBJECT_CHARS)
            .collect();
        ascii
    }

    /// The message for people (e-mail, SMS).
    pub fn text(&self) -> String {
        let mut text = String::new();
        let _ = writeln!(text, "{}", self.subject());
        if self.dry_run {
            let _ = writeln!(
                text,
                "\nDRY RUN: nothing was changed; the actions say what would have been done."
            );
        }
        let _ = writeln!(text);
        let field = |text: &mut String, label: &str, value: Option<&str>| {
            if let Some(value) = value {
                let _ = writeln!(text, "{label:<10} {value}");
            }
        };
        if let Some(resource) = &self.resource {
            field(
                &mut text,
                "Resource:",
                Some(&format!("{} {}", resource.kind.display_name(), resource.name)),
            );
            field(&mut text, "ARN:", resource.arn.as_deref());
        }
        if let Some(part) = &self.part {
            field(
                &mut text,
                "Part:",
                Some(&format!("{} {}", part.kind.display_name(), part.name)),
            );
            field(&mut text, "ARN:", Some(&part.arn));
        }
        if self.channel == AlertChannel::Fallback {
            let _ = writeln!(
                text,
                "Channel:   second alert topic: smguard's alert topic itself was changed"
            );
        }
        if let Some(object) = &self.object {
            field(&mut text, "Object:", Some(&object.uri));
            let owner = match (&object.bucket_owner, object.own_bucket) {
                (Some(owner), true) => format!("{owner} (this account)"),
                (Some(owner), false) => format!("{owner} (ANOTHER ACCOUNT)"),
                (None, _) => "unknown (the record does not say)".to_owned(),
            };
            field(&mut text, "Owner:", Some(&owner));
            field(
                &mut text,
                "Size:",
                object.bytes.map(|b| format!("{b} bytes")).as_deref(),
            );
            field(&mut text, "Version:", object.version_id.as_deref());
            field(&mut text, "Upload:", object.upload_id.as_deref());
            field(&mut text, "Copy of:", object.copy_source.as_deref());
            field(&mut text, "Role:", object.role.as_deref());
            field(&mut text, "Session:", object.session_name.as_deref());
            field(&mut text, "Endpoint:", object.vpc_endpoint_id.as_deref());
        }
        field(&mut text, "Account:", self.account.as_deref());
        field(&mut text, "Region:", self.region.as_deref());
        field(&mut text, "Call:", self.event_name.as_deref());
        field(&mut text, "Time:", self.event_time.as_deref());
        field(&mut text, "By:", self.principal.as_deref());
        field(&mut text, "From:", self.source_ip.as_deref());
        field(&mut text, "Event ID:", self.event_id.as_deref());
        if let Some(reason) = &self.reason {
            let _ = writeln!(text, "\nCould not evaluate: {reason}");
        }
        if !self.findings.is_empty() {
            let _ = writeln!(text, "\nFailed rules:");
            for finding in &self.findings {
                let _ = writeln!(
                    text,
                    "- {} ({}, {}): {}\n  fix: {}",
                    finding.rule,
                    finding.severity.as_str(),
                    finding.mode.as_str(),
                    finding.reason,
                    finding.remediation
                );
            }
        }
        if !self.actions.is_empty() {
            let _ = writeln!(text, "\nActions:");
            for action in &self.actions {
                let _ = writeln!(text, "- {}: {}", action.action, action.describe());
            }
        }
        text
    }

    /// The message for machines.
    pub fn json(&self) -> String {
        #[derive(Serialize)]
        struct Document<'a> {
            schema: &'static str,
            severity: Severity,
            subject: String,
            #[serde(flatten)]
            alert: &'a Alert,
        }
        serde_json::to_string(&Document {
            schema: "smguard.alert/1",
            severity: self.severity(),
            subject: self.subject(),
            alert: self,
        })
        .unwrap_or_else(|error| format!("{{\"schema\":\"smguard.alert/1\",\"error\":\"{error}\"}}"))
    }

    /// SNS message attributes for subscription filter policies: `severity`, `outcome`,
    /// `rule_ids` (String.Array), `resource_kind`, `account`, `action`, `dry_run`.
    pub fn attributes(&self) -> Vec<MessageAttribute> {
        let mut attributes = vec![
            MessageAttribute::string("severity", self.severity().as_str()),
            MessageAttribute::string("outcome", self.outcome.as_str()),
            MessageAttribute::string("dry_run", if self.dry_run { "true" } else { "false" }),
            MessageAttribute::string(
                "action",
                self.headline_action().map_or("alert_only", ActionTaken::token),
            ),
        ];
        let mut rules: Vec<&str> = self.findings.iter().map(|f| f.rule.as_str()).collect();
        rules.dedup();
        if !rules.is_empty() {
            let value = serde_json::to_string(&rules).unwrap_or_else(|_| "[]".to_owned());
            attributes.push(MessageAttribute {
                name: "rule_ids",
                data_type: "String.Array",
                value,
            });
        }
        if let Some(resource) = &self.resource {
            attributes.push(MessageAttribute::string("resource_kind", resource.kind.as_str()));
        }
        if let Some(part) = &self.part {
            attributes.push(MessageAttribute::string("resource_kind", part.kind.as_str()));
        }
        if let Some(object) = &self.object {
            attributes.push(MessageAttribute::string("resource_kind", "s3_object"));
            attributes.push(MessageAttribute::string(
                "bucket_owner",
                if object.own_bucket {
                    "this_account"
                } else {
                    "other_account"
                },
            ));
        }
        if let Some(account) = self.account.as_deref().filter(|a| !a.is_empty()) {
            attributes.push(MessageAttribute::string("account", account));
        }
        attributes
    }
}

/// A message as the notifier publishes it: a subject, text for people, JSON for machines, and
/// attributes for subscription filter policies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub subject: String,
    pub text: String,
    pub json: String,
    pub attributes: Vec<MessageAttribute>,
    /// What the message is about, for the log (an event ID, an audit run ID).
    pub about: Option<String>,
}

impl Alert {
    /// The alert as one message.
    pub fn message(&self) -> Message {
        Message {
            subject: self.subject(),
            text: self.text(),
            json: self.json(),
            attributes: self.attributes(),
            about: self.event_id.clone(),
        }
    }
}

/// One SNS message attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageAttribute {
    pub name: &'static str,
    /// `String` or `String.Array`.
    pub data_type: &'static str,
    pub value: String,
}

impl MessageAttribute {
    pub fn string(name: &'static str, value: &str) -> Self {
        MessageAttribute {
            name,
            data_type: "String",
            value: value.to_owned(),
        }
    }
}

/// A complete alert for tests of this crate.
#[cfg(test)]
pub(crate) mod tests_support {
    use super::*;

    pub fn alert() -> Alert {
        Alert {
            event_id: Some("7c173199-39a0-5b0a-ac5e-82fd7c91054d".into()),
            outcome: Outcome::NonCompliant,
            dry_run: false,
            account: Some("111122223333".into()),
            region: Some("us-gov-west-1".into()),
            resource: Some(AlertResource {
                kind: ResourceKind::TrainingJob,
                name: "exfil-train-07".into(),
                arn: Some("arn:aws-us-gov:sagemaker:us-gov-west-1:111122223333:training-job/exfil-train-07".into()),
            }),
            object: None,
            part: None,
            channel: AlertChannel::Primary,
            findings: vec![
                AlertFinding {
                    rule: RuleId::VpcRequired,
                    severity: Severity::High,
                    mode: ControlMode::Enforce,
                    field: "VpcConfig".into(),
                    reason: "`VpcConfig` is absent, so it runs outside any customer VPC with internet egress".into(),
                    remediation: "recreate it inside the platform VPC".into(),
                },
                AlertFinding {
                    rule: RuleId::IsolationRequired,
                    severity: Severity::Medium,
                    mode: ControlMode::Report,
                    field: "EnableNetworkIsolation".into(),
                    reason: "`EnableNetworkIsolation` is `false`: containers may make outbound network calls".into(),
                    remediation: "set `EnableNetworkIsolation=true`".into(),
                },
            ],
            undetermined: Vec::new(),
            reason: None,
            event_name: Some("CreateTrainingJob".into()),
            event_time: Some("2026-11-02T14:03:11Z".into()),
            principal: Some("arn:aws-us-gov:sts::111122223333:assumed-role/DataScientist/alice@example.com".into()),
            source_ip: Some("10.20.31.44".into()),
            actions: vec![
                ActionTaken {
                    action: Action::Stop(ResourceKind::TrainingJob),
                    result: ActionResult::Done,
                    detail: None,
                },
                ActionTaken {
                    action: Action::Alert,
                    result: ActionResult::Done,
                    detail: None,
                },
            ],
        }
    }
}

#[cfg(test)]
#[path = "alert_tests.rs"]
mod tests;
