//! SageMaker's own state-change events (`detail` in `Describe*` PascalCase).
//!
//! Their schemas omit fields a `Describe*` call returns (the training-job schema has no
//! `VpcConfig`, the notebook schema no `SubnetId`), so a missing field is *unknown*, never the
//! AWS default: "no VPC" is never concluded from a state-change event. Which `detail-type`s are
//! read, and with which reader, is the kind table's (`state_change`).

use super::spec::{Absent, Input, ReadError, SpecError, camel_case};
use super::{EventError, EventInfo, Subject, brief, locate};
use crate::kind::KindEntry;
use crate::model::{Origin, Scope, SourceKind};

pub(super) fn normalize(entry: &KindEntry, detail: &str, resources: &[String], info: &EventInfo) -> Subject {
    let event = info.detail_type.clone().unwrap_or_default();
    let detail: serde_json::Value = match serde_json::from_str(detail) {
        Ok(value @ serde_json::Value::Object(_)) => camel_case(value),
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
        modified: None,
    };
    let Some(reader) = entry.describe.first() else {
        return Subject::Unevaluable(EventError::InvalidField {
            event,
            reason: format!("no reader for `{}`", entry.name),
        });
    };
    let mut resource = match (reader.read)(Input::Value(detail), Absent::Unknown, Scope::Whole, origin) {
        Ok(resource) => resource,
        Err(ReadError::Invalid(reason)) => return Subject::Unevaluable(EventError::InvalidField { event, reason }),
        Err(ReadError::Null) => {
            return Subject::Unevaluable(EventError::MissingField {
                event,
                field: "detail".to_owned(),
            });
        }
        Err(ReadError::Spec(SpecError::MissingName(field) | SpecError::MissingRequired(field))) => {
            return Subject::Unevaluable(EventError::MissingField {
                event,
                field: format!("detail.{}", pascal_case(field)),
            });
        }
    };
    if resource.arn.is_none() {
        resource.arn = resources.first().cloned();
    }
    locate(&mut resource, info);
    Subject::Resource(Box::new(resource))
}

fn pascal_case(key: &str) -> String {
    let mut chars = key.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
