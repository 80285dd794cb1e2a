//! "AWS API Call via CloudTrail" records of SageMaker Create*/Update* calls.

use std::borrow::Cow;

use serde::de::{DeserializeSeed, Error as _, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use super::lenient::Text;
use super::spec::{Absent, Input, ReadError, SpecError};
use super::{EventError, EventInfo, IgnoreReason, Subject, brief, json_type, locate};
use crate::config::PolicyConfig;
use crate::kind::{ApiCall, KindEntry, ResourceKind};
use crate::model::{Lifecycle, Origin, Principal, Resource, Scope, SourceKind, Status};

/// `eventSource` of SageMaker API calls.
pub const SAGEMAKER_EVENT_SOURCE: &str = "sagemaker.amazonaws.com";

/// A CloudTrail record; strings are borrowed from the event where JSON escapes allow.
pub(super) struct Record<'a> {
    event_time: Option<Cow<'a, str>>,
    event_source: Option<Cow<'a, str>>,
    event_name: Option<Cow<'a, str>>,
    aws_region: Option<Cow<'a, str>>,
    source_ip_address: Option<Cow<'a, str>>,
    user_agent: Option<Cow<'a, str>>,
    error_code: Option<Cow<'a, str>>,
    request_parameters: Parameters<'a>,
    response_elements: Option<&'a RawValue>,
    event_id: Option<Cow<'a, str>>,
    event_type: Option<Cow<'a, str>>,
    recipient_account_id: Option<Cow<'a, str>>,
    user_identity: Option<UserIdentity<'a>>,
}

/// `requestParameters`, kept as text until the call is known to be evaluated.
enum Parameters<'a> {
    /// Missing or `null`.
    Absent,
    Text(&'a RawValue),
}

/// Reads a record in one pass, borrowing its strings.
struct RecordSeed;

impl<'de> Deserialize<'de> for Record<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        RecordSeed.deserialize(d)
    }
}

impl<'de> DeserializeSeed<'de> for RecordSeed {
    type Value = Record<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RecordSeed {
    type Value = Record<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a CloudTrail record")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut record = Record {
            event_time: None,
            event_source: None,
            event_name: None,
            aws_region: None,
            source_ip_address: None,
            user_agent: None,
            error_code: None,
            request_parameters: Parameters::Absent,
            response_elements: None,
            event_id: None,
            event_type: None,
            recipient_account_id: None,
            user_identity: None,
        };
        let mut seen_parameters = false;
        while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
            let (slot, name) = match key.as_ref() {
                "eventTime" => (&mut record.event_time, "eventTime"),
                "eventSource" => (&mut record.event_source, "eventSource"),
                "eventName" => (&mut record.event_name, "eventName"),
                "awsRegion" => (&mut record.aws_region, "awsRegion"),
                "sourceIPAddress" => (&mut record.source_ip_address, "sourceIPAddress"),
                "userAgent" => (&mut record.user_agent, "userAgent"),
                "errorCode" => (&mut record.error_code, "errorCode"),
                "eventID" => (&mut record.event_id, "eventID"),
                "eventType" => (&mut record.event_type, "eventType"),
                "recipientAccountId" => (&mut record.recipient_account_id, "recipientAccountId"),
                "requestParameters" => {
                    if std::mem::replace(&mut seen_parameters, true) {
                        return Err(A::Error::duplicate_field("requestParameters"));
                    }
                    record.request_parameters = map
                        .next_value::<Option<&RawValue>>()?
                        .map_or(Parameters::Absent, Parameters::Text);
                    continue;
                }
                "responseElements" => {
                    set_once(&mut record.response_elements, map.next_value()?, "responseElements")?;
                    continue;
                }
                "userIdentity" => {
                    set_once(&mut record.user_identity, map.next_value()?, "userIdentity")?;
                    continue;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            set_once(slot, map.next_value::<Option<Text<'de>>>()?.map(|text| text.0), name)?;
        }
        Ok(record)
    }
}

fn set_once<T, E: serde::de::Error>(slot: &mut Option<T>, value: Option<T>, name: &'static str) -> Result<(), E> {
    match (value, slot.is_some()) {
        (None, _) => Ok(()),
        (Some(_), true) => Err(E::duplicate_field(name)),
        (Some(value), false) => {
            *slot = Some(value);
            Ok(())
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UserIdentity<'a> {
    #[serde(rename = "type", borrow)]
    identity_type: Option<Cow<'a, str>>,
    #[serde(borrow)]
    arn: Option<Cow<'a, str>>,
    #[serde(borrow)]
    account_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    invoked_by: Option<Cow<'a, str>>,
    #[serde(borrow)]
    session_context: Option<SessionContext<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SessionContext<'a> {
    #[serde(borrow)]
    session_issuer: Option<SessionIssuer<'a>>,
}

#[derive(Deserialize)]
struct SessionIssuer<'a> {
    #[serde(borrow)]
    arn: Option<Cow<'a, str>>,
}

fn owned(value: &Option<Cow<'_, str>>) -> Option<String> {
    value.as_deref().map(str::to_owned)
}

impl Record<'_> {
    /// Whether the record names the service it calls: what makes it a CloudTrail record.
    pub(super) fn has_event_source(&self) -> bool {
        self.event_source.is_some()
    }
}

/// Reads a CloudTrail record from its JSON text.
pub(super) fn parse(record_json: &str) -> Result<Record<'_>, EventError> {
    if json_type(record_json) != "an object" {
        return Err(EventError::NotAnEvent {
            reason: format!("the CloudTrail record is {}, not an object", json_type(record_json)),
        });
    }
    serde_json::from_str(record_json).map_err(|error| EventError::NotAnEvent {
        reason: format!("CloudTrail record: {}", brief(error)),
    })
}

/// Reads a CloudTrail record from its JSON text and normalizes it.
pub(super) fn normalize(record_json: &str, info: &mut EventInfo, config: &PolicyConfig) -> Subject {
    match parse(record_json) {
        Ok(record) => normalize_record(record, info, config),
        Err(error) => Subject::Unevaluable(error),
    }
}

pub(super) fn normalize_record(record: Record<'_>, info: &mut EventInfo, config: &PolicyConfig) -> Subject {
    info.event_name = owned(&record.event_name);
    info.event_source = owned(&record.event_source);
    info.cloudtrail_event_id = owned(&record.event_id);
    if info.id.is_none() {
        info.id = owned(&record.event_id);
    }
    if info.time.is_none() {
        info.time = owned(&record.event_time);
    }
    if record.aws_region.is_some() {
        info.region = owned(&record.aws_region);
    }
    if record.recipient_account_id.is_some() {
        info.account = owned(&record.recipient_account_id);
    }
    if info.source.is_none() {
        info.source = record
            .event_source
            .as_deref()
            .and_then(|s| s.strip_suffix(".amazonaws.com"))
            .map(|service| format!("aws.{service}"));
    }
    let identity = record.user_identity.as_ref();
    let principal = Principal {
        arn: identity.and_then(|u| owned(&u.arn)),
        identity_type: identity.and_then(|u| owned(&u.identity_type)),
        account_id: identity.and_then(|u| owned(&u.account_id)),
        session_issuer_arn: identity
            .and_then(|u| u.session_context.as_ref())
            .and_then(|c| c.session_issuer.as_ref())
            .and_then(|i| owned(&i.arn)),
        invoked_by: identity.and_then(|u| owned(&u.invoked_by)),
        source_ip: owned(&record.source_ip_address),
        user_agent: owned(&record.user_agent),
    };
    info.principal = Some(principal.clone());

    let event_name = record.event_name.as_deref().unwrap_or_default().to_owned();
    if record.event_source.as_deref() != Some(SAGEMAKER_EVENT_SOURCE) {
        return Subject::Ignored(IgnoreReason::Unrelated {
            description: format!(
                "`{event_name}` from `{}`",
                record.event_source.as_deref().unwrap_or("an unknown event source")
            ),
        });
    }
    if let Some(error_code) = record.error_code.as_deref().filter(|c| !c.is_empty()) {
        return Subject::Ignored(IgnoreReason::FailedCall {
            error_code: error_code.to_owned(),
        });
    }
    if let Some(own) = config.guard_principal_arns.iter().find(|configured| {
        crate::arn::principal_matches(
            configured,
            principal.arn.as_deref(),
            principal.session_issuer_arn.as_deref(),
        )
    }) {
        return Subject::Ignored(IgnoreReason::OwnAction { principal: own.clone() });
    }
    let Some((entry, call)) = crate::kind::api_call(&event_name) else {
        return Subject::Ignored(IgnoreReason::Unrelated {
            description: format!("`{event_name}` from `{SAGEMAKER_EVENT_SOURCE}`"),
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
