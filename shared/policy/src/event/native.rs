//! SageMaker's own state-change events (`detail` in `Describe*` PascalCase).
//!
//! Their schemas omit fields a `Describe*` call returns (the training-job schema has no
//! `VpcConfig`, the notebook schema no `SubnetId`), so a missing field is *unknown*, never the
//! AWS default: "no VPC" is never concluded from a state-change event.

use serde_json::{Map, Value};

use super::spec::{self, Absent, ResourceSpec, SpecError};
use super::{EventError, EventInfo, Subject, brief, locate};
use crate::model::{Lifecycle, Origin, ResourceKind, Scope, SourceKind, Status};

/// The state-change `detail-type`s the rules evaluate.
pub const EVALUATED_STATE_CHANGES: &[&str] = &[
    "SageMaker Notebook Instance State Change",
    "SageMaker Training Job State Change",
    "SageMaker Processing Job State Change",
    "SageMaker Transform Job State Change",
    "SageMaker HyperParameter Tuning Job State Change",
    // Backstops for a missed or unreadable Create call: their details carry few of the fields the
    // rules need, so the guard describes the resource and decides on what SageMaker says.
    "SageMaker Model State Change",
    "SageMaker Endpoint Config State Change",
];

pub(super) fn kind_of(detail_type: &str) -> Option<ResourceKind> {
    Some(match detail_type {
        "SageMaker Notebook Instance State Change" => ResourceKind::NotebookInstance,
        "SageMaker Training Job State Change" => ResourceKind::TrainingJob,
        "SageMaker Processing Job State Change" => ResourceKind::ProcessingJob,
        "SageMaker Transform Job State Change" => ResourceKind::TransformJob,
        "SageMaker HyperParameter Tuning Job State Change" => ResourceKind::HyperParameterTuningJob,
        "SageMaker Model State Change" => ResourceKind::Model,
        "SageMaker Endpoint Config State Change" => ResourceKind::EndpointConfig,
        _ => return None,
    })
}

pub(super) fn normalize(kind: ResourceKind, detail: &str, resources: &[String], info: &EventInfo) -> Subject {
    let event = info.detail_type.clone().unwrap_or_default();
    let detail: Value = match serde_json::from_str(detail) {
        Ok(Value::Object(map)) => Value::Object(camel_case_keys(map)),
        Ok(_) => {
            return Subject::Unevaluable(EventError::InvalidField {
                event,
                reason: "`detail` is not an object".to_owned(),
            });
        }
        Err(error) => {
            return Subject::Unevaluable(EventError::InvalidField {
                event,
                reason: brief(error),
            });
        }
    };
    let origin = Origin {
        source: SourceKind::StateChange,
        name: event.clone(),
        event_id: info.id.clone(),
        time: info.time.clone(),
    };
    let built = match kind {
        ResourceKind::NotebookInstance => build::<spec::NotebookInstanceSpec>(detail, origin),
        ResourceKind::TrainingJob => build::<spec::TrainingJobSpec>(detail, origin),
        ResourceKind::ProcessingJob => build::<spec::ProcessingJobSpec>(detail, origin),
        ResourceKind::TransformJob => build::<spec::TransformJobSpec>(detail, origin),
        ResourceKind::HyperParameterTuningJob => build::<spec::HyperParameterTuningJobSpec>(detail, origin),
        ResourceKind::Model => build::<spec::ModelSpec>(detail, origin),
        ResourceKind::EndpointConfig => build::<spec::EndpointConfigSpec>(detail, origin),
        other => {
            return Subject::Unevaluable(EventError::InvalidField {
                event,
                reason: format!("no state-change reader for `{other}`"),
            });
        }
    };
    let mut resource = match built {
        Ok(resource) => resource,
        Err(Built::Invalid(reason)) => return Subject::Unevaluable(EventError::InvalidField { event, reason }),
        Err(Built::Missing(field)) => {
            return Subject::Unevaluable(EventError::MissingField {
                event,
                field: format!("detail.{field}"),
            });
        }
    };
    if resource.arn.is_none() {
        resource.arn = resources.first().cloned();
    }
    locate(&mut resource, info);
    Subject::Resource(Box::new(resource))
}

enum Built {
    Invalid(String),
    Missing(String),
}

fn build<S: ResourceSpec>(detail: Value, origin: Origin) -> Result<crate::model::Resource, Built> {
    let spec: S = serde_json::from_value(detail).map_err(|e| Built::Invalid(brief(e)))?;
    let status = spec.status().map(|value| Status {
        value: value.to_owned(),
        lifecycle: Lifecycle::of(value),
        inferred: false,
    });
    let mut resource = spec::build(spec, Absent::Unknown, Scope::Whole, origin).map_err(|error| match error {
        SpecError::MissingName(field) | SpecError::MissingRequired(field) => Built::Missing(pascal_case(field)),
    })?;
    resource.status = status;
    Ok(resource)
}

/// `NotebookInstanceName` → `notebookInstanceName`, recursively, except inside `Tags` maps,
/// whose keys are the customer's.
fn camel_case_keys(map: Map<String, Value>) -> Map<String, Value> {
    map.into_iter()
        .map(|(key, value)| {
            let value = match value {
                Value::Object(inner) if key == "Tags" => Value::Object(inner),
                other => camel_case_value(other),
            };
            (lower_first(&key), value)
        })
        .collect()
}

fn camel_case_value(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(camel_case_keys(map)),
        Value::Array(items) => Value::Array(items.into_iter().map(camel_case_value).collect()),
        other => other,
    }
}

fn lower_first(key: &str) -> String {
    let mut chars = key.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn pascal_case(key: &str) -> String {
    let mut chars = key.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
