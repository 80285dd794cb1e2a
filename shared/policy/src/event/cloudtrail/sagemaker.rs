//! SageMaker `Create*`/`Update*` calls: the kind table's readers over `requestParameters`.

use serde_json::value::RawValue;

use super::super::spec::{Absent, Input, ReadError, SpecError};
use super::super::{EventError, EventInfo, IgnoreReason, Subject, json_type, locate};
use super::{Parameters, Record, owned};
use crate::kind::{ApiCall, KindEntry, ResourceKind};
use crate::model::{Lifecycle, Origin, Principal, Resource, Scope, SourceKind, Status};

/// `eventSource` of SageMaker API calls.
pub const EVENT_SOURCE: &str = "sagemaker.amazonaws.com";

/// A successful SageMaker call by someone other than smguard.
pub(super) fn normalize(record: Record<'_>, principal: Principal, info: &mut EventInfo) -> Subject {
    let event_name = record.event_name.as_deref().unwrap_or_default().to_owned();
    let Some((entry, call)) = crate::kind::api_call(&event_name) else {
        return Subject::Ignored(IgnoreReason::Unrelated {
            description: format!("`{event_name}` from `{EVENT_SOURCE}`"),
        });
    };
    // Training jobs a tuning job launches are logged as service events; the tuning job's
    // definitions are what the rules evaluate.
    if record.event_type.as_deref() == Some("AwsServiceEvent") {
        return Subject::Ignored(IgnoreReason::ServiceEvent { event_name });
    }
    // Built where it is consumed: the resource the parameters describe, or the one the response
    // names when they cannot be read.
    let origin = || Origin {
        source: SourceKind::CloudTrail,
        name: event_name.clone(),
        event_id: info.id.clone(),
        time: owned(&record.event_time),
        modified: None,
    };
    // The response is not security-relevant: a malformed one only costs the ARN, which is
    // rebuilt from the name.
    // Members kept as text: only the ARN (and a domain's ID) is read.
    let response: std::collections::BTreeMap<String, &RawValue> = record
        .response_elements
        .and_then(|r| serde_json::from_str(r.get()).ok())
        .unwrap_or_default();
    let member = |name: &str| -> Option<String> {
        response
            .get(name)
            .and_then(|value| serde_json::from_str::<String>(value.get()).ok())
    };
    let response_arn = member(entry.response_arn);
    let response_arn = response_arn.as_deref();
    let (absent, scope) = match call.scope {
        Scope::Whole => (Absent::Default, Scope::Whole),
        Scope::Change => (Absent::Unchanged, Scope::Change),
    };
    let built = match record.request_parameters {
        Parameters::Text(text) => read_parameters(call, text.get(), &event_name, absent, scope, origin()),
        Parameters::Absent => Err(EventError::MissingField {
            event: event_name.clone(),
            field: "requestParameters".to_owned(),
        }),
    };
    let mut resource = match built {
        Ok(resource) => resource,
        // The parameters cannot be read (CloudTrail omits them over 100 KB, or the record is
        // incomplete), but the call succeeded and its response names what it created: name the
        // resource from that ARN, every field unknown, so that the guard describes it and decides
        // on what SageMaker says.
        Err(error) => match response_arn.and_then(|arn| unread(entry, call, arn, origin())) {
            Some(mut resource) => {
                resource.created_by = Some(principal);
                locate(&mut resource, info);
                return Subject::Unread {
                    resource: Box::new(resource),
                    error,
                };
            }
            None => return Subject::Unevaluable(error),
        },
    };
    if resource.arn.is_none() {
        resource.arn = response_arn.map(str::to_owned);
    }
    // Studio domains are addressed by the ID their Create call returns.
    if resource.id.is_none()
        && entry.arn_names.first() == Some(&"domainId")
        && let Some(id) = member("domainId")
    {
        resource.id = Some(id);
    }
    if resource.status.is_none() {
        resource.status = call.status_after.map(|value| Status {
            value: value.to_owned(),
            lifecycle: Lifecycle::of(value),
            inferred: true,
        });
    }
    resource.created_by = Some(principal);
    locate(&mut resource, info);
    // A call that only names what decides its security (an endpoint names its configuration):
    // nothing to conclude until that is described.
    if entry.kind == ResourceKind::Endpoint {
        let config = resource
            .depends_on
            .first()
            .map_or_else(String::new, |config| config.name.clone());
        return Subject::Unread {
            resource: Box::new(resource),
            error: EventError::DependsOn {
                event: event_name,
                what: format!("endpoint configuration `{config}`"),
            },
        };
    }
    Subject::Resource(Box::new(resource))
}

/// Reads a call's parameters; says what is wrong when they do not fit.
fn read_parameters(
    call: &ApiCall,
    text: &str,
    event: &str,
    absent: Absent,
    scope: Scope,
    origin: Origin,
) -> Result<Resource, EventError> {
    if json_type(text) != "an object" && json_type(text) != "null" {
        return Err(EventError::TruncatedParameters {
            event: event.to_owned(),
        });
    }
    match (call.read)(Input::Text(text), absent, scope, origin) {
        Ok(resource) => Ok(resource),
        Err(ReadError::Null) => Err(EventError::MissingField {
            event: event.to_owned(),
            field: "requestParameters".to_owned(),
        }),
        Err(ReadError::Invalid(reason)) => Err(EventError::InvalidField {
            event: event.to_owned(),
            reason,
        }),
        Err(ReadError::Spec(SpecError::MissingName(field) | SpecError::MissingRequired(field))) => {
            Err(EventError::MissingRequired {
                event: event.to_owned(),
                field: format!("requestParameters.{field}"),
            })
        }
    }
}

/// The resource a successful call's response names, with every field unknown: what is left of a
/// call whose parameters cannot be read. `None` when the ARN is not the kind's.
fn unread(entry: &KindEntry, call: &ApiCall, arn: &str, origin: Origin) -> Option<Resource> {
    let parsed = crate::arn::Arn::parse(arn)?;
    let mut segments = parsed.resource.split('/');
    if segments.next()? != entry.arn_type {
        return None;
    }
    let mut named = serde_json::Map::new();
    for field in entry.arn_names {
        let value = segments.next().filter(|value| !value.is_empty())?;
        named.insert((*field).to_owned(), serde_json::Value::String(value.to_owned()));
    }
    if segments.next().is_some() {
        return None;
    }
    let mut resource = (call.read)(
        Input::Value(serde_json::Value::Object(named)),
        Absent::Unknown,
        Scope::Whole,
        origin,
    )
    .ok()?;
    resource.arn = Some(arn.to_owned());
    Some(resource)
}
