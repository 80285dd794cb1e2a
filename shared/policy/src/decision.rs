//! Decisions: the outcome for one event (or one described resource) and the response it calls
//! for. Pure: executing the response is the edges' job, through ports.

use serde::{Deserialize, Serialize};

use crate::config::PolicyConfig;
use crate::event::{EventInfo, NormalizedEvent, Subject, normalize};
use crate::model::{Lifecycle, Resource, ResourceKind, SourceKind};
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

/// One step of the response to a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    StopNotebookInstance,
    /// The notebook is `Pending`, and AWS refuses to stop it until it is `InService`: alert
    /// now, stop on its `InService` state-change event (or at the next sweep).
    StopNotebookInstanceWhenInService,
    /// Only from `Stopped`/`Failed`, and only when configured.
    DeleteNotebookInstance,
    StopTrainingJob,
    StopProcessingJob,
    StopHyperParameterTuningJob,
    StopTransformJob,
    StopCompilationJob,
    StopAutoMlJob,
    StopLabelingJob,
    DeleteModel,
    DeleteEndpointConfig,
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
    /// The one exhaustive map from actions to verbs: a new action fails to compile here, and
    /// nowhere else needs to list actions to carry them out or describe them.
    pub fn verb(self) -> Verb {
        match self {
            Action::StopNotebookInstance
            | Action::StopTrainingJob
            | Action::StopProcessingJob
            | Action::StopHyperParameterTuningJob
            | Action::StopTransformJob
            | Action::StopCompilationJob
            | Action::StopAutoMlJob
            | Action::StopLabelingJob => Verb::Stop,
            Action::StopNotebookInstanceWhenInService => Verb::StopWhenReady,
            Action::DeleteNotebookInstance | Action::DeleteModel | Action::DeleteEndpointConfig => Verb::Delete,
            Action::Alert => Verb::Alert,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Action::StopNotebookInstance => "stop_notebook_instance",
            Action::StopNotebookInstanceWhenInService => "stop_notebook_instance_when_in_service",
            Action::DeleteNotebookInstance => "delete_notebook_instance",
            Action::StopTrainingJob => "stop_training_job",
            Action::StopProcessingJob => "stop_processing_job",
            Action::StopHyperParameterTuningJob => "stop_hyper_parameter_tuning_job",
            Action::StopTransformJob => "stop_transform_job",
            Action::StopCompilationJob => "stop_compilation_job",
            Action::StopAutoMlJob => "stop_auto_ml_job",
            Action::StopLabelingJob => "stop_labeling_job",
            Action::DeleteModel => "delete_model",
            Action::DeleteEndpointConfig => "delete_endpoint_config",
            Action::Alert => "alert",
        }
    }

    /// The stop action for a job kind.
    pub fn stop_job(kind: ResourceKind) -> Option<Action> {
        Some(match kind {
            ResourceKind::TrainingJob => Action::StopTrainingJob,
            ResourceKind::ProcessingJob => Action::StopProcessingJob,
            ResourceKind::HyperParameterTuningJob => Action::StopHyperParameterTuningJob,
            ResourceKind::TransformJob => Action::StopTransformJob,
            ResourceKind::CompilationJob => Action::StopCompilationJob,
            ResourceKind::AutoMlJob => Action::StopAutoMlJob,
            ResourceKind::LabelingJob => Action::StopLabelingJob,
            ResourceKind::NotebookInstance
            | ResourceKind::Model
            | ResourceKind::EndpointConfig
            | ResourceKind::Domain => {
                return None;
            }
        })
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

fn containment(resource: &Resource, config: &PolicyConfig) -> Option<Action> {
    let lifecycle = resource.status.as_ref().map(|s| s.lifecycle);
    match resource.kind {
        ResourceKind::NotebookInstance => match lifecycle {
            Some(Lifecycle::Pending) => Some(Action::StopNotebookInstanceWhenInService),
            Some(Lifecycle::Stopped | Lifecycle::Failed) => config
                .delete_noncompliant_notebooks
                .then_some(Action::DeleteNotebookInstance),
            // Already on its way to `Stopped` (or leaving): its next state-change event decides.
            Some(Lifecycle::Stopping | Lifecycle::Updating | Lifecycle::Deleting) => None,
            // `InService`, unknown or unfamiliar status: try; the remediator reports the state.
            Some(Lifecycle::Running | Lifecycle::Completed | Lifecycle::Other) | None => {
                Some(Action::StopNotebookInstance)
            }
        },
        ResourceKind::Model => Some(Action::DeleteModel),
        ResourceKind::EndpointConfig => Some(Action::DeleteEndpointConfig),
        // Studio domains cannot be stopped, and deleting one destroys users' home directories.
        ResourceKind::Domain => None,
        kind @ (ResourceKind::TrainingJob
        | ResourceKind::ProcessingJob
        | ResourceKind::HyperParameterTuningJob
        | ResourceKind::TransformJob
        | ResourceKind::CompilationJob
        | ResourceKind::AutoMlJob
        | ResourceKind::LabelingJob) => match lifecycle {
            Some(
                Lifecycle::Stopping
                | Lifecycle::Stopped
                | Lifecycle::Completed
                | Lifecycle::Failed
                | Lifecycle::Deleting,
            ) => None,
            Some(Lifecycle::Pending | Lifecycle::Running | Lifecycle::Updating | Lifecycle::Other) | None => {
                Action::stop_job(kind)
            }
        },
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
