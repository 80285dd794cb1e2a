//! "AWS API Call via CloudTrail" records: one reader of the record (envelope fields, caller,
//! failed calls, smguard's own calls), then one reader per `eventSource`: SageMaker's
//! `Create*`/`Update*` calls ([`sagemaker`]) and S3's object writes ([`s3`]).

mod guarded;
mod s3;
mod sagemaker;

use std::borrow::Cow;

use serde::de::{DeserializeSeed, Error as _, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use super::lenient::Text;
use super::{EventError, EventInfo, IgnoreReason, Subject, brief, json_type};
use crate::config::PolicyConfig;
use crate::model::Principal;

pub use guarded::{CALLS as GUARD_CALLS, SOURCES as GUARD_EVENT_SOURCES, unversioned};
pub use s3::EVENT_SOURCE as S3_EVENT_SOURCE;
pub use sagemaker::EVENT_SOURCE as SAGEMAKER_EVENT_SOURCE;

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
    vpc_endpoint_id: Option<Cow<'a, str>>,
    user_identity: Option<UserIdentity<'a>>,
    /// Kept as text: only S3 data events read them.
    additional_event_data: Option<&'a RawValue>,
    /// The record's own `resources` objects (not EventBridge's ARN list).
    resources: Option<&'a RawValue>,
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
            vpc_endpoint_id: None,
            user_identity: None,
            additional_event_data: None,
            resources: None,
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
                "vpcEndpointId" => (&mut record.vpc_endpoint_id, "vpcEndpointId"),
                "additionalEventData" => {
                    set_once(
                        &mut record.additional_event_data,
                        map.next_value()?,
                        "additionalEventData",
                    )?;
                    continue;
                }
                "resources" => {
                    set_once(&mut record.resources, map.next_value()?, "resources")?;
                    continue;
                }
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
    match record.event_source.as_deref() {
        Some(sagemaker::EVENT_SOURCE) => sagemaker::normalize(record, principal, info),
        Some(s3::EVENT_SOURCE) => s3::normalize(record, principal, info, config),
        Some(source) if guarded::SOURCES.contains(&source) => guarded::normalize(record, principal, info, config),
        other => Subject::Ignored(IgnoreReason::Unrelated {
            description: format!(
                "`{}` from `{}`",
                record.event_name.as_deref().unwrap_or_default(),
                other.unwrap_or("an unknown event source")
            ),
        }),
    }
}

/// The call's `requestParameters` read as `T`: absent, not an object (CloudTrail truncated them)
/// or of the wrong shape is an error naming the event.
fn read_parameters<T: serde::de::DeserializeOwned>(record: &Record<'_>, event: &str) -> Result<T, EventError> {
    let text: &RawValue = match record.request_parameters {
        Parameters::Text(text) => text,
        Parameters::Absent => {
            return Err(EventError::MissingField {
                event: event.to_owned(),
                field: "requestParameters".to_owned(),
            });
        }
    };
    if json_type(text.get()) != "an object" {
        return Err(EventError::TruncatedParameters {
            event: event.to_owned(),
        });
    }
    serde_json::from_str(text.get()).map_err(|error| EventError::InvalidField {
        event: event.to_owned(),
        reason: brief(error),
    })
}
