//! Decisions: the outcome for one event (or one described resource) and the response it calls
//! for. Pure: executing the response is the edges' job, through ports.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::config::PolicyConfig;
use crate::event::{EventInfo, NormalizedEvent, Subject, normalize};
use crate::kind::{Containment, ResourceKind};
use crate::model::{Lifecycle, Resource, SourceKind};
use crate::rules::{Evaluation, evaluate};

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
    /// Tell security operations (always the last step).
    Alert,
}

/// What an action does to its resource, whatever the kind: what the edges dispatch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Stop,
    /// Stop once the resource can be stopped (a `Pending` notebook): nothing to call now.
    StopWhenReady,
    Delete,
    Alert,
}

impl Action {
    pub fn verb(self) -> Verb {
        match self {
            Action::Stop(_) => Verb::Stop,
            Action::StopWhenReady(_) => Verb::StopWhenReady,
            Action::Delete(_) => Verb::Delete,
            Action::Alert => Verb::Alert,
        }
    }

    /// The kind acted on; `None` for the alert.
    pub fn kind(self) -> Option<ResourceKind> {
        match self {
            Action::Stop(kind) | Action::StopWhenReady(kind) | Action::Delete(kind) => Some(kind),
            Action::Alert => None,
        }
    }

    /// The action's name (`stop_training_job`).
    pub fn name(self) -> String {
        match self {
            Action::Stop(kind) => format!("stop_{kind}"),
            Action::StopWhenReady(kind) => format!("stop_{kind}_when_in_service"),
            Action::Delete(kind) => format!("delete_{kind}"),
            Action::Alert => "alert".to_owned(),
        }
    }

    /// The action named `name`, as [`Action::name`] writes it.
    pub fn named(name: &str) -> Option<Action> {
        if name == "alert" {
            return Some(Action::Alert);
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

/// Everything decided about one event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub outcome: Outcome,
    pub event: EventInfo,
    pub resource: Option<Resource>,
    pub evaluation: Evaluation,
    pub response: Vec<Action>,
    /// Why the event was ignored or could not be evaluated.
    pub reason: Option<String>,
}

impl Decision {
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
}

impl Decision {
    /// Whether the event is a CloudTrail API call (or a bare record), from the event rather than
    /// the resource: a described resource no longer says where it came from.
    pub fn from_api_call(&self) -> bool {
        self.event
            .detail_type
            .as_deref()
            .is_none_or(|detail_type| detail_type == crate::event::API_CALL_DETAIL_TYPE)
    }

    /// The idempotency ledger's key for this decision: one entry per account, Region, event and
    /// resource; `None` for an event without an ID, which cannot be deduplicated.
    ///
    /// Except a job's state changes: SageMaker sends one per secondary status (starting,
    /// downloading, training, …) with the same primary status, and a job runs once, so its
    /// account, Region, name and status are the fact to handle once. (A notebook can reach
    /// `InService` again after a restart, and must then be stopped again: its state changes stay
    /// keyed by event.) Account and Region are in every key: same-named jobs of two accounts (or
    /// Regions) sharing a ledger are two facts.
    pub fn ledger_key(&self) -> Option<String> {
        let event_id = self.event.id.as_deref().filter(|id| !id.is_empty());
        let located = |resource: &Resource| {
            let account = resource
                .location
                .account
                .as_deref()
                .or(self.event.account.as_deref())
                .unwrap_or("unknown-account");
            let region = resource
                .location
                .region
                .as_deref()
                .or(self.event.region.as_deref())
                .unwrap_or("unknown-region");
            format!("{account}/{region}")
        };
        match &self.resource {
            // Kinds contained by stopping are jobs (and schedules), which run once.
            Some(resource) if !self.from_api_call() && resource.kind.entry().containment == Containment::Stop => {
                let status = resource
                    .status
                    .as_ref()
                    .map_or("unknown", |status| status.value.as_str());
                Some(format!(
                    "state-change/{}/{}/{}/{status}",
                    located(resource),
                    resource.kind,
                    resource.name
                ))
            }
            Some(resource) => Some(format!(
                "{}/{}/{}/{}",
                located(resource),
                event_id?,
                resource.kind,
                resource.name
            )),
            None => {
                let account = self.event.account.as_deref().unwrap_or("unknown-account");
                let region = self.event.region.as_deref().unwrap_or("unknown-region");
                Some(format!("{account}/{region}/{}/event", event_id?))
            }
        }
    }
}

/// Reads, evaluates and plans one raw event.
pub fn assess(raw: &str, config: &PolicyConfig) -> Decision {
    decide(normalize(raw, config), config)
}

/// Evaluates and plans a normalized event.
pub fn decide(event: NormalizedEvent, config: &PolicyConfig) -> Decision {
    let NormalizedEvent { info, subject } = event;
    match subject {
        Subject::Resource(resource) => resource_decision(info, *resource, None, config),
        Subject::Unread { resource, error } => {
            let reason = format!(
                "{error}; describe `{}` to decide",
                resource.arn.as_deref().unwrap_or(&resource.name)
            );
            resource_decision(info, *resource, Some(reason), config)
        }
        Subject::Ignored(reason) => Decision {
            outcome: Outcome::Ignored,
            event: info,
            resource: None,
            evaluation: Evaluation::default(),
            response: Vec::new(),
            reason: Some(reason.to_string()),
        },
        Subject::Unevaluable(error) => Decision {
            outcome: Outcome::Unevaluable,
            event: info,
            resource: None,
            evaluation: Evaluation::default(),
            response: vec![Action::Alert],
            reason: Some(error.to_string()),
        },
    }
}

/// The decision on an event's resource; `reason` says why the event could not be read, else an
/// unevaluable outcome names the fields the event lacks.
fn resource_decision(info: EventInfo, resource: Resource, reason: Option<String>, config: &PolicyConfig) -> Decision {
    let (outcome, evaluation, response) = decide_resource(&resource, config);
    let reason = reason.or_else(|| (outcome == Outcome::Unevaluable).then(|| undetermined_reason(&evaluation)));
    Decision {
        outcome,
        event: info,
        resource: Some(resource),
        evaluation,
        response,
        reason,
    }
}

/// Evaluates and plans one resource, however it was obtained (event, `Describe*`, sweep).
pub fn decide_resource(resource: &Resource, config: &PolicyConfig) -> (Outcome, Evaluation, Vec<Action>) {
    let evaluation = evaluate(resource, config);
    let outcome = if !evaluation.findings.is_empty() {
        Outcome::NonCompliant
    } else if !evaluation.undetermined.is_empty() {
        Outcome::Unevaluable
    } else {
        Outcome::Compliant
    };
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
