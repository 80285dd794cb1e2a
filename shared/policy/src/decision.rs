//! Decisions: the outcome for one event (or one described resource) and the response it calls
//! for. Pure: executing the response is the edges' job, through ports.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::config::PolicyConfig;
use crate::event::{EventInfo, NormalizedEvent, Subject, normalize};
use crate::integrity::{GuardPart, PartKind, PartState};
use crate::kind::{Containment, ResourceKind};
use crate::model::{Lifecycle, Location, Resource, SourceKind};
use crate::rules::{ControlMode, Evaluation, RuleId, evaluate, evaluate_part, evaluate_write};
use crate::s3::S3Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Compliant,
    NonCompliant,
    /// A failed call, smguard's own action, or an event the rules do not cover.
    Ignored,
    /// The event should be evaluated but cannot be: malformed, truncated, or missing fields
    /// a rule needs. Never read as compliant; the resource must be described.
    Unevaluable,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Compliant => "compliant",
            Outcome::NonCompliant => "non_compliant",
            Outcome::Ignored => "ignored",
            Outcome::Unevaluable => "unevaluable",
        }
    }
}

/// One step of the response to a decision: a verb on the decision's resource, of a kind.
///
/// Written as `stop_training_job`, `stop_notebook_instance_when_in_service`,
/// `delete_endpoint_config`, `alert` (alerts, ledger entries, `events/cases.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// The kind's `Stop*` call.
    Stop(ResourceKind),
    /// The resource is not stoppable yet (a `Pending` notebook, which AWS refuses to stop until
    /// it is `InService`): alert now, stop on its `InService` state-change event (or at the next
    /// sweep).
    StopWhenReady(ResourceKind),
    /// The kind's `Delete*` call (a notebook only from `Stopped`/`Failed`, and only when
    /// configured).
    Delete(ResourceKind),
    /// Keep the written object as evidence and take it out of reach: copy the exact version to
    /// the quarantine bucket, then delete that version from the bucket written to.
    QuarantineObject,
    /// A multipart upload not yet completed: abort it, so that it never becomes an object.
    AbortMultipartUpload,
    /// The bucket is another account's: nothing smguard may delete; revoke the writing role's
    /// active sessions (only when configured).
    RevokeRoleSessions,
    /// A protected trail stopped logging: `StartLogging`.
    StartLogging,
    /// A protected trail lost required selectors or became single-Region: read its selectors,
    /// add back what is missing keeping every other selector, and make it multi-Region.
    RestoreRecording,
    /// A protected trail's log-file validation was turned off: turn it back on.
    EnableLogFileValidation,
    /// One of smguard's EventBridge rules was disabled: `EnableRule`.
    EnableRule,
    /// One of smguard's functions was throttled to zero: `DeleteFunctionConcurrency`.
    RemoveConcurrencyLimit,
    /// One of smguard's functions was changed: read its configuration as it is now, so that the
    /// alert names its mode and controls (CloudTrail leaves the environment out of the record).
    InspectFunction,
    /// smguard's key was scheduled for deletion: `CancelKeyDeletion` (which leaves it disabled).
    CancelKeyDeletion,
    /// smguard's key is disabled: `EnableKey`.
    EnableKey,
    /// Tell security operations (always the last step).
    Alert,
}

/// What an action does to its subject, whatever the kind: what the edges dispatch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Stop,
    /// Stop once the resource can be stopped (a `Pending` notebook): nothing to call now.
    StopWhenReady,
    Delete,
    Quarantine,
    Abort,
    Revoke,
    /// Put a protected trail or one of smguard's parts back as it must be.
    Restore,
    /// Read one of smguard's parts as it is now (changes nothing).
    Inspect,
    Alert,
}

impl Action {
    /// The actions on protected trails and smguard's parts.
    pub const RESTORING: [Action; 8] = [
        Action::StartLogging,
        Action::RestoreRecording,
        Action::EnableLogFileValidation,
        Action::EnableRule,
        Action::RemoveConcurrencyLimit,
        Action::InspectFunction,
        Action::CancelKeyDeletion,
        Action::EnableKey,
    ];

    pub fn verb(self) -> Verb {
        match self {
            Action::Stop(_) => Verb::Stop,
            Action::StopWhenReady(_) => Verb::StopWhenReady,
            Action::Delete(_) => Verb::Delete,
            Action::QuarantineObject => Verb::Quarantine,
            Action::AbortMultipartUpload => Verb::Abort,
            Action::RevokeRoleSessions => Verb::Revoke,
            Action::StartLogging
            | Action::RestoreRecording
            | Action::EnableLogFileValidation
            | Action::EnableRule
            | Action::RemoveConcurrencyLimit
            | Action::CancelKeyDeletion
            | Action::EnableKey => Verb::Restore,
            Action::InspectFunction => Verb::Inspect,
            Action::Alert => Verb::Alert,
        }
    }

    /// The SageMaker kind acted on; `None` for the alert and the S3 and IAM actions.
    pub fn kind(self) -> Option<ResourceKind> {
        match self {
            Action::Stop(kind) | Action::StopWhenReady(kind) | Action::Delete(kind) => Some(kind),
            Action::QuarantineObject
            | Action::AbortMultipartUpload
            | Action::RevokeRoleSessions
            | Action::StartLogging
            | Action::RestoreRecording
            | Action::EnableLogFileValidation
            | Action::EnableRule
            | Action::RemoveConcurrencyLimit
            | Action::InspectFunction
            | Action::CancelKeyDeletion
            | Action::EnableKey
            | Action::Alert => None,
        }
    }

    /// The action's name (`stop_training_job`).
    pub fn name(self) -> String {
        match self {
            Action::Stop(kind) => format!("stop_{kind}"),
            Action::StopWhenReady(kind) => format!("stop_{kind}_when_in_service"),
            Action::Delete(kind) => format!("delete_{kind}"),
            Action::QuarantineObject => "quarantine_object".to_owned(),
            Action::AbortMultipartUpload => "abort_multipart_upload".to_owned(),
            Action::RevokeRoleSessions => "revoke_role_sessions".to_owned(),
            Action::StartLogging => "start_logging".to_owned(),
            Action::RestoreRecording => "restore_recording".to_owned(),
            Action::EnableLogFileValidation => "enable_log_file_validation".to_owned(),
            Action::EnableRule => "enable_rule".to_owned(),
            Action::RemoveConcurrencyLimit => "remove_concurrency_limit".to_owned(),
            Action::InspectFunction => "inspect_function".to_owned(),
            Action::CancelKeyDeletion => "cancel_key_deletion".to_owned(),
            Action::EnableKey => "enable_key".to_owned(),
            Action::Alert => "alert".to_owned(),
        }
    }

    /// The action named `name`, as [`Action::name`] writes it.
    pub fn named(name: &str) -> Option<Action> {
        for action in [
            Action::Alert,
            Action::QuarantineObject,
            Action::AbortMultipartUpload,
            Action::RevokeRoleSessions,
        ]
        .into_iter()
        .chain(Action::RESTORING)
        {
            if name == action.name() {
                return Some(action);
            }
        }
        if let Some(kind) = name.strip_prefix("delete_") {
            return ResourceKind::named(kind).map(Action::Delete);
        }
        let kind = name.strip_prefix("stop_")?;
        match kind.strip_suffix("_when_in_service") {
            Some(kind) => ResourceKind::named(kind).map(Action::StopWhenReady),
            None => ResourceKind::named(kind).map(Action::Stop),
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

impl Serialize for Action {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.name())
    }
}

impl<'de> Deserialize<'de> for Action {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Action::named(&name).ok_or_else(|| serde::de::Error::custom(format!("unknown action `{name}`")))
    }
}

/// What brought a resource before the rules: typed by where it was read, never guessed later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Trigger {
    /// A CloudTrail record of an API call (through EventBridge, or a bare record).
    ApiCall { event_id: Option<String> },
    /// A SageMaker state-change event: a backstop for a missed or incomplete call.
    StateChange { event_id: Option<String> },
    /// An event smguard could not read or does not evaluate: treated as a call (it alerts when
    /// unevaluable, and is otherwise ignored).
    Event { event_id: Option<String> },
    /// A resource an audit run listed and described.
    Audit { run_id: String },
}

impl Trigger {
    /// The trigger of an event, from the reader that read it.
    fn of(info: &EventInfo) -> Trigger {
        let event_id = info.id.clone();
        match info.detail_type.as_deref() {
            Some(crate::event::API_CALL_DETAIL_TYPE) => Trigger::ApiCall { event_id },
            Some(detail_type) if crate::kind::state_change(detail_type).is_some() => Trigger::StateChange { event_id },
            Some(_) | None => Trigger::Event { event_id },
        }
    }

    /// The event's ID; `None` for an audit (or an event without one).
    pub fn event_id(&self) -> Option<&str> {
        match self {
            Trigger::ApiCall { event_id } | Trigger::StateChange { event_id } | Trigger::Event { event_id } => {
                event_id.as_deref().filter(|id| !id.is_empty())
            }
            Trigger::Audit { .. } => None,
        }
    }
}

/// Everything decided about one event or described resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub outcome: Outcome,
    pub trigger: Trigger,
    pub event: EventInfo,
    pub resource: Option<Resource>,
    /// The S3 object write decided on (upload guard); `None` for SageMaker resources.
    pub write: Option<S3Write>,
    /// The protected trail or smguard part decided on (trail guard).
    pub part: Option<GuardPart>,
    pub evaluation: Evaluation,
    pub response: Vec<Action>,
    /// Why the event was ignored or could not be evaluated.
    pub reason: Option<String>,
}

impl Decision {
    /// The decision on a resource as SageMaker describes it now, for `trigger`: an audit run, or
    /// an event whose own fields did not suffice (`event` is then that event's).
    pub fn described(trigger: Trigger, event: EventInfo, resource: Resource, config: &PolicyConfig) -> Decision {
        let (outcome, evaluation, response) = decide_resource(&resource, config);
        let reason =
            (outcome == Outcome::Unevaluable).then(|| "the resource's answer lacks fields a rule needs".to_owned());
        Decision {
            outcome,
            trigger,
            event,
            resource: Some(resource),
            write: None,
            part: None,
            evaluation,
            response,
            reason,
        }
    }

    /// Whether the resource must be described before responding: the event left fields a rule
    /// needs unknown (a state-change event's schema omits them; CloudTrail omitted a call's
    /// parameters) and no `enforce` finding already decides the containment. A `Describe*`
    /// answer is what SageMaker says now: never described again.
    pub fn needs_describe(&self) -> bool {
        self.resource.as_ref().is_some_and(|resource| {
            resource.origin.source != SourceKind::Describe
                && !self.evaluation.undetermined.is_empty()
                && !self.evaluation.has_enforced_findings()
        })
    }

    /// Which topic the alert goes to: when smguard's alert topic is itself what was changed,
    /// the second channel, so that the alert is not lost with the topic.
    pub fn alert_channel(&self) -> AlertChannel {
        match &self.part {
            Some(part) if part.kind() == PartKind::Topic => AlertChannel::Fallback,
            Some(_) | None => AlertChannel::Primary,
        }
    }

    /// Whether the decision calls for containment (an action other than the alert).
    pub fn contains(&self) -> bool {
        self.response.iter().any(|action| *action != Action::Alert)
    }

    /// Whether to alert, given whether smguard `acted`: changed the resource, would have in
    /// dry-run mode, or failed to.
    ///
    /// A CloudTrail call (who, from where) alerts on every finding, and an unevaluable event
    /// always. A state change is a backstop for a missed call, and an audit a backstop for
    /// missed events: they alert only when smguard acted; the call's alert, or the audit's
    /// summary, tells the rest.
    pub fn alert_due(&self, acted: bool) -> bool {
        match self.outcome {
            Outcome::Compliant | Outcome::Ignored => return false,
            Outcome::Unevaluable => return true,
            Outcome::NonCompliant => {}
        }
        match self.trigger {
            Trigger::ApiCall { .. } | Trigger::Event { .. } => true,
            Trigger::StateChange { .. } | Trigger::Audit { .. } => acted,
        }
    }

    /// The idempotency ledger's key for this decision: what makes a redelivered event, or a
    /// second audit, neither act nor alert twice. `None` when there is nothing to key by (an
    /// event without an ID).
    ///
    /// - A call or an event: one entry per account, Region, event and resource.
    /// - A job's state changes: SageMaker sends one per secondary status (starting, downloading,
    ///   training, …) with the same primary status, and a job runs once, so its account, Region,
    ///   name and status are the fact to handle once. (A notebook can reach `InService` again
    ///   after a restart, and must then be stopped again: its state changes stay keyed by event.)
    /// - An audit: the resource's incarnation (creation time; for a notebook, which can be
    ///   restarted, its last modification) and the rules it fails, not the run: a second run
    ///   finds the same facts done; a recreated resource, a restarted notebook or a new finding
    ///   is a new fact.
    ///
    /// Account and Region are in every key: same-named resources of two accounts (or Regions)
    /// sharing a ledger are two facts.
    pub fn ledger_key(&self) -> Option<String> {
        // Where the subject is, the event's account and Region where the subject does not say.
        let located = |location: Option<&Location>| {
            let account = location
                .and_then(|l| l.account.as_deref())
                .or(self.event.account.as_deref())
                .unwrap_or("unknown-account");
            let region = location
                .and_then(|l| l.region.as_deref())
                .or(self.event.region.as_deref())
                .unwrap_or("unknown-region");
            format!("{account}/{region}")
        };
        if let Some(write) = &self.write {
            // One multipart upload is one fact, however many `UploadPart` records it makes; a
            // record without an upload ID (a single write, or `CreateMultipartUpload`) is its own.
            let instance = match &write.upload_id {
                Some(upload) => format!("upload/{upload}"),
                None => format!("event/{}", self.trigger.event_id()?),
            };
            return Some(format!(
                "{}/s3-write/{}/{}/{instance}",
                located(Some(&write.location)),
                write.bucket,
                write.key
            ));
        }
        if let Some(part) = &self.part {
            let what = format!(
                "{}/guard/{}/{}",
                located(Some(&part.location)),
                part.kind(),
                part.name()
            );
            return Some(match &self.trigger {
                Trigger::Audit { .. } => {
                    let rules: Vec<String> = self.evaluation.failed_rules().iter().map(ToString::to_string).collect();
                    format!("audit/{what}/{}", rules.join("+"))
                }
                Trigger::ApiCall { .. } | Trigger::StateChange { .. } | Trigger::Event { .. } => {
                    format!("{what}/event/{}", self.trigger.event_id()?)
                }
            });
        }
        let Some(resource) = &self.resource else {
            return Some(format!("{}/{}/event", located(None), self.trigger.event_id()?));
        };
        let containment = resource.kind.entry().containment;
        match &self.trigger {
            // Kinds contained by stopping are jobs (and schedules), which run once.
            Trigger::StateChange { .. } if containment == Containment::Stop => {
                let status = resource
                    .status
                    .as_ref()
                    .map_or("unknown", |status| status.value.as_str());
                Some(format!(
                    "state-change/{}/{}/{}/{status}",
                    located(Some(&resource.location)),
                    resource.kind,
                    resource.name
                ))
            }
            Trigger::ApiCall { .. } | Trigger::StateChange { .. } | Trigger::Event { .. } => Some(format!(
                "{}/{}/{}/{}",
                located(Some(&resource.location)),
                self.trigger.event_id()?,
                resource.kind,
                resource.name
            )),
            Trigger::Audit { .. } => {
                let incarnation = match containment {
                    Containment::Notebook => resource.origin.modified.as_ref().or(resource.origin.time.as_ref()),
                    Containment::Stop
                    | Containment::Delete
                    | Containment::DeleteWhileCreating
                    | Containment::AlertOnly(_) => resource.origin.time.as_ref(),
                };
                let mut rules: Vec<String> = self.evaluation.failed_rules().iter().map(ToString::to_string).collect();
                rules.sort();
                Some(format!(
                    "audit/{}/{}/{}/{}/{}",
                    located(Some(&resource.location)),
                    resource.kind,
                    resource.name,
                    incarnation.map_or("unknown", String::as_str),
                    if rules.is_empty() {
                        "undetermined".to_owned()
                    } else {
                        rules.join("+")
                    }
                ))
            }
        }
    }
}

/// Where an alert is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertChannel {
    /// The alert topic.
    Primary,
    /// The second topic the template provides, for when the alert topic is attacked.
    Fallback,
}

impl Decision {
    /// The decision on a protected trail or one of smguard's parts, from a call or (for the
    /// audit's self-check) as described now.
    pub fn of_part(trigger: Trigger, event: EventInfo, part: GuardPart, config: &PolicyConfig) -> Decision {
        let evaluation = evaluate_part(&part, config);
        let outcome = outcome_of(&evaluation);
        let response = plan_part(&part, &evaluation);
        // The only field a call leaves undecided is a key named by alias.
        let reason = (outcome == Outcome::Unevaluable).then(|| {
            "the call names the KMS key by alias, which only the account's alias table resolves: check which key              the trail now uses"
                .to_owned()
        });
        Decision {
            outcome,
            trigger,
            event,
            resource: None,
            write: None,
            part: Some(part),
            evaluation,
            response,
            reason,
        }
    }
}

/// The response to a change to a protected trail or one of smguard's parts: for `enforce`
/// findings, put back what can be put back (logging, the required selectors and multi-Region,
/// log-file validation, a rule's state, a function's concurrency, the key), read a changed
/// function as it is now; then the alert. A deleted trail, rule or function, removed targets or
/// subscriptions, another destination: only the alert (redeploying restores them).
pub fn plan_part(part: &GuardPart, evaluation: &Evaluation) -> Vec<Action> {
    if evaluation.findings.is_empty() && evaluation.undetermined.is_empty() {
        return Vec::new();
    }
    let enforced = |rule: RuleId| {
        evaluation
            .findings
            .iter()
            .any(|f| f.rule == rule && f.mode == ControlMode::Enforce)
    };
    let mut actions = Vec::new();
    match &part.state {
        PartState::Trail(trail) => {
            if enforced(RuleId::TrailLoggingRequired) {
                actions.push(Action::StartLogging);
            }
            let restorable = trail.selectors.is_some() || trail.multi_region == Some(false);
            if enforced(RuleId::TrailRecordingRequired) && trail.exists != Some(false) && restorable {
                actions.push(Action::RestoreRecording);
            }
            if enforced(RuleId::TrailDestinationUnchanged) && trail.log_file_validation == Some(false) {
                actions.push(Action::EnableLogFileValidation);
            }
        }
        PartState::Rule(rule) => {
            if enforced(RuleId::GuardIntegrity) && rule.enabled == Some(false) && rule.exists != Some(false) {
                actions.push(Action::EnableRule);
            }
        }
        PartState::Function(function) => {
            if enforced(RuleId::GuardIntegrity) && function.reserved_concurrency == Some(0) {
                actions.push(Action::RemoveConcurrencyLimit);
            }
            // Reading changes nothing: done in report mode too.
            if function.replaced.is_some() {
                actions.push(Action::InspectFunction);
            }
        }
        PartState::Topic(_) => {}
        PartState::Key(key) => {
            if enforced(RuleId::GuardIntegrity) {
                // A cancelled deletion leaves the key disabled (KMS `CancelKeyDeletion`).
                if key.deletion_scheduled == Some(true) {
                    actions.push(Action::CancelKeyDeletion);
                    actions.push(Action::EnableKey);
                } else if key.enabled == Some(false) {
                    actions.push(Action::EnableKey);
                }
            }
        }
    }
    actions.push(Action::Alert);
    actions
}

/// Reads, evaluates and plans one raw event.
pub fn assess(raw: &str, config: &PolicyConfig) -> Decision {
    decide(normalize(raw, config), config)
}

/// Evaluates and plans a normalized event.
pub fn decide(event: NormalizedEvent, config: &PolicyConfig) -> Decision {
    let NormalizedEvent { info, subject } = event;
    let trigger = Trigger::of(&info);
    match subject {
        Subject::Resource(resource) => resource_decision(trigger, info, *resource, None, config),
        Subject::ObjectWrite(write) => {
            let evaluation = evaluate_write(&write, config);
            let outcome = if evaluation.findings.is_empty() {
                Outcome::Compliant
            } else {
                Outcome::NonCompliant
            };
            let response = plan_write(&write, &evaluation, config);
            Decision {
                outcome,
                trigger,
                event: info,
                resource: None,
                write: Some(*write),
                part: None,
                evaluation,
                response,
                reason: None,
            }
        }
        Subject::GuardChange(part) => Decision::of_part(trigger, info, *part, config),
        Subject::Unread { resource, error } => {
            let reason = format!(
                "{error}; describe `{}` to decide",
                resource.arn.as_deref().unwrap_or(&resource.name)
            );
            resource_decision(trigger, info, *resource, Some(reason), config)
        }
        Subject::Ignored(reason) => Decision {
            outcome: Outcome::Ignored,
            trigger,
            event: info,
            resource: None,
            write: None,
            part: None,
            evaluation: Evaluation::default(),
            response: Vec::new(),
            reason: Some(reason.to_string()),
        },
        Subject::Unevaluable(error) => Decision {
            outcome: Outcome::Unevaluable,
            trigger,
            event: info,
            resource: None,
            write: None,
            part: None,
            evaluation: Evaluation::default(),
            response: vec![Action::Alert],
            reason: Some(error.to_string()),
        },
    }
}

/// The decision on an event's resource; `reason` says why the event could not be read, else an
/// unevaluable outcome names the fields the event lacks.
fn resource_decision(
    trigger: Trigger,
    info: EventInfo,
    resource: Resource,
    reason: Option<String>,
    config: &PolicyConfig,
) -> Decision {
    let (outcome, evaluation, response) = decide_resource(&resource, config);
    let reason = reason.or_else(|| (outcome == Outcome::Unevaluable).then(|| undetermined_reason(&evaluation)));
    Decision {
        outcome,
        trigger,
        event: info,
        resource: Some(resource),
        write: None,
        part: None,
        evaluation,
        response,
        reason,
    }
}

/// Findings make it non-compliant; else fields a rule needs and the source lacks, unevaluable.
fn outcome_of(evaluation: &Evaluation) -> Outcome {
    if !evaluation.findings.is_empty() {
        Outcome::NonCompliant
    } else if !evaluation.undetermined.is_empty() {
        Outcome::Unevaluable
    } else {
        Outcome::Compliant
    }
}

/// Evaluates and plans one resource, however it was obtained (event, `Describe*`, sweep).
pub fn decide_resource(resource: &Resource, config: &PolicyConfig) -> (Outcome, Evaluation, Vec<Action>) {
    let evaluation = evaluate(resource, config);
    let outcome = outcome_of(&evaluation);
    let response = plan(resource, &evaluation, config);
    (outcome, evaluation, response)
}

/// The response to an evaluation: containment for `enforce` findings, chosen by kind and
/// current status, then an alert. Report-only findings and undetermined fields only alert.
pub fn plan(resource: &Resource, evaluation: &Evaluation, config: &PolicyConfig) -> Vec<Action> {
    if evaluation.findings.is_empty() && evaluation.undetermined.is_empty() {
        return Vec::new();
    }
    let mut actions = Vec::new();
    if evaluation.has_enforced_findings() {
        actions.extend(containment(resource, config));
    }
    actions.push(Action::Alert);
    actions
}

/// The response to an S3 write: for `enforce` findings, a write into a bucket of this account is
/// contained (a stored object quarantined, an upload in progress aborted); into another
/// account's bucket there is nothing smguard may touch, so it alerts (and revokes the role's
/// sessions when configured). Then the alert.
pub fn plan_write(write: &S3Write, evaluation: &Evaluation, config: &PolicyConfig) -> Vec<Action> {
    if evaluation.findings.is_empty() {
        return Vec::new();
    }
    let mut actions = Vec::new();
    if evaluation.has_enforced_findings() {
        if write.bucket_is_own() {
            actions.push(if write.call.stores_object() {
                Action::QuarantineObject
            } else {
                Action::AbortMultipartUpload
            });
        } else if config.revoke_sessions_on_external_write {
            actions.push(Action::RevokeRoleSessions);
        }
    }
    actions.push(Action::Alert);
    actions
}

/// The containment of one resource: the kind table says how its kind is contained, its status
/// whether that can be done now.
fn containment(resource: &Resource, config: &PolicyConfig) -> Option<Action> {
    let kind = resource.kind;
    let lifecycle = resource.status.as_ref().map(|s| s.lifecycle);
    match kind.entry().containment {
        Containment::Notebook => match lifecycle {
            Some(Lifecycle::Pending) => Some(Action::StopWhenReady(kind)),
            Some(Lifecycle::Stopped | Lifecycle::Failed) => {
                config.delete_noncompliant_notebooks.then_some(Action::Delete(kind))
            }
            // Already on its way to `Stopped` (or leaving): its next state-change event decides.
            Some(Lifecycle::Stopping | Lifecycle::Updating | Lifecycle::Deleting) => None,
            // `InService`, unknown or unfamiliar status: try; the remediator reports the state.
            Some(Lifecycle::Running | Lifecycle::Completed | Lifecycle::Other) | None => Some(Action::Stop(kind)),
        },
        Containment::Stop => match lifecycle {
            Some(
                Lifecycle::Stopping
                | Lifecycle::Stopped
                | Lifecycle::Completed
                | Lifecycle::Failed
                | Lifecycle::Deleting,
            ) => None,
            Some(Lifecycle::Pending | Lifecycle::Running | Lifecycle::Updating | Lifecycle::Other) | None => {
                Some(Action::Stop(kind))
            }
        },
        Containment::Delete => Some(Action::Delete(kind)),
        Containment::DeleteWhileCreating => match lifecycle {
            Some(Lifecycle::Pending) => Some(Action::Delete(kind)),
            // In service (or being updated, or status unknown): what depends on it would be cut
            // off; the alert says what to fix.
            Some(
                Lifecycle::Running
                | Lifecycle::Stopping
                | Lifecycle::Stopped
                | Lifecycle::Completed
                | Lifecycle::Failed
                | Lifecycle::Updating
                | Lifecycle::Deleting
                | Lifecycle::Other,
            )
            | None => None,
        },
        Containment::AlertOnly(_) => None,
    }
}

fn undetermined_reason(evaluation: &Evaluation) -> String {
    let mut fields: Vec<&str> = Vec::new();
    for undetermined in &evaluation.undetermined {
        if !fields.contains(&undetermined.field.as_ref()) {
            fields.push(&undetermined.field);
        }
    }
    format!(
        "the event does not carry {}: describe the resource to decide",
        fields.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ")
    )
}

#[cfg(test)]
#[path = "decision_tests.rs"]
mod tests;
