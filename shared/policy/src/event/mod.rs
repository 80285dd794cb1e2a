//! From raw event JSON to a [`Subject`]: a resource to evaluate, an event to ignore, or an
//! event that cannot be evaluated.
//!
//! Accepted inputs: an EventBridge event (`detail-type`, `source`, `detail`), or a bare
//! CloudTrail record (what CloudTrail log files, `LookupEvents` and most exports hold), which is
//! read as if EventBridge had delivered it. smguard's own serde types are used throughout:
//! `aws_lambda_events`' `AWSAPICall` requires fields real records may lack (`userAgent`,
//! `requestID`, `sessionContext.attributes.creationDate` as a timestamp, …) and drops
//! `errorCode`, `recipientAccountId` and `readOnly`, which smguard needs; its `CloudWatchEvent`
//! requires an RFC 3339 `time` and a `resources` list that not every event has.

pub mod batch;
mod cloudtrail;
mod lenient;
mod native;
pub mod spec;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::arn::{Arn, partition_for_region};
use crate::config::PolicyConfig;
use crate::integrity::GuardPart;
use crate::model::{Location, Principal, Resource};
use crate::s3::S3Write;

pub use crate::kind::{evaluated_api_calls, evaluated_state_changes};
pub use cloudtrail::{GUARD_CALLS, GUARD_EVENT_SOURCES, S3_EVENT_SOURCE, SAGEMAKER_EVENT_SOURCE, unversioned};

/// `detail-type` of CloudTrail API calls delivered by EventBridge.
pub const API_CALL_DETAIL_TYPE: &str = "AWS API Call via CloudTrail";

/// What an event says about itself, as far as it could be read. Alerts quote it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EventInfo {
    /// The EventBridge `id` (for a bare CloudTrail record, its `eventID`): the idempotency key.
    pub id: Option<String>,
    pub detail_type: Option<String>,
    pub source: Option<String>,
    pub account: Option<String>,
    pub region: Option<String>,
    pub time: Option<String>,
    /// CloudTrail `eventName`.
    pub event_name: Option<String>,
    /// CloudTrail `eventSource`.
    pub event_source: Option<String>,
    /// CloudTrail `eventID` (each account's copy has its own).
    pub cloudtrail_event_id: Option<String>,
    pub principal: Option<Principal>,
}

/// Why an event needs no evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum IgnoreReason {
    #[error("the call failed with `{error_code}`, so nothing was created or changed")]
    FailedCall { error_code: String },
    #[error("the call was made by smguard's own principal `{principal}`")]
    OwnAction { principal: String },
    #[error("`{event_name}` was made by SageMaker itself on behalf of another resource, which is evaluated instead")]
    ServiceEvent { event_name: String },
    #[error("{description} is not evaluated by smguard's rules")]
    Unrelated { description: String },
    #[error(
        "`{event_name}` by `{principal}`, which is not a SageMaker execution role: the upload rule judges SageMaker workloads' writes"
    )]
    NotSageMakerRole { event_name: String, principal: String },
    #[error("`{event_name}` on `{part}` was made by the admin principal `{principal}`: an expected change")]
    AdminChange {
        event_name: String,
        principal: String,
        part: String,
    },
}

/// Why an event that should be evaluated cannot be: never read as compliant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventError {
    #[error("event is not valid JSON: {reason}")]
    InvalidJson { reason: String },
    #[error("neither an EventBridge event nor a CloudTrail record: {reason}")]
    NotAnEvent { reason: String },
    #[error("`{event}` has no `{field}`")]
    MissingField { event: String, field: String },
    #[error("`requestParameters` of `{event}` is not an object: CloudTrail truncates parameters over 100 KB")]
    TruncatedParameters { event: String },
    #[error("`{event}` lacks `{field}`, which the API always has: the record is truncated or incomplete")]
    MissingRequired { event: String, field: String },
    #[error("`{event}` has an invalid value: {reason}")]
    InvalidField { event: String, reason: String },
    #[error("`{event}` carries no security fields of its own: {what} decides")]
    DependsOn { event: String, what: String },
}

/// The result of reading one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Resource(Box<Resource>),
    /// An S3 object write by a SageMaker execution role.
    ObjectWrite(Box<S3Write>),
    /// A change to a protected trail or one of smguard's own parts.
    GuardChange(Box<GuardPart>),
    /// A call that succeeded but whose parameters cannot be read (CloudTrail omitted them over
    /// 100 KB, or the record is incomplete): the resource its response names, every field
    /// unknown. Unevaluable from the event; the guard describes the resource.
    Unread {
        resource: Box<Resource>,
        error: EventError,
    },
    Ignored(IgnoreReason),
    Unevaluable(EventError),
}

/// An event read into what smguard needs to decide on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormalizedEvent {
    pub info: EventInfo,
    pub subject: Subject,
}

/// The envelope fields smguard reads.
#[derive(Default)]
struct Envelope<'a> {
    id: Option<String>,
    detail_type: Option<String>,
    source: Option<String>,
    account: Option<String>,
    time: Option<String>,
    region: Option<String>,
    /// EventBridge: ARNs. A bare CloudTrail record has its own `resources` objects: read lazily.
    resources: Option<&'a RawValue>,
    detail: Option<Detail<'a>>,
    /// Present when the input is a bare CloudTrail record rather than an envelope.
    has_event_source: bool,
}

enum Detail<'a> {
    /// A CloudTrail record read in the envelope's own pass (`detail-type` came first).
    CloudTrail(Box<cloudtrail::Record<'a>>),
    Raw(&'a RawValue),
}

/// Reads one event. Never panics; every input yields a [`NormalizedEvent`].
pub fn normalize(raw: &str, config: &PolicyConfig) -> NormalizedEvent {
    let mut info = EventInfo::default();
    // A bare CloudTrail record (a log file's, `LookupEvents`'): read it once, as a record, rather
    // than once as an envelope to find that it is none. A text that mentions `detail-type`
    // anywhere, or whose record has no `eventSource` of its own, takes the general path.
    if !raw.contains("\"detail-type\"")
        && raw.contains("\"eventSource\"")
        && let Ok(record) = cloudtrail::parse(raw)
        && record.has_event_source()
    {
        info.detail_type = Some(API_CALL_DETAIL_TYPE.to_owned());
        let subject = cloudtrail::normalize_record(record, &mut info, config);
        return NormalizedEvent { info, subject };
    }
    let subject = match serde_json::from_str::<Envelope<'_>>(raw) {
        Ok(envelope) => normalize_envelope(envelope, raw, &mut info, config),
        // Something in the event is malformed: read the envelope alone to keep its fields (the
        // event ID above all) and to say precisely what is wrong.
        Err(error) => match serde_json::from_str::<LooseEnvelope<'_>>(raw) {
            Ok(loose) => normalize_envelope(loose.into(), raw, &mut info, config),
            Err(_) if error.is_syntax() || error.is_eof() => {
                Subject::Unevaluable(EventError::InvalidJson { reason: brief(error) })
            }
            Err(loose_error) => Subject::Unevaluable(EventError::NotAnEvent {
                reason: brief(loose_error),
            }),
        },
    };
    NormalizedEvent { info, subject }
}

fn normalize_envelope(envelope: Envelope<'_>, raw: &str, info: &mut EventInfo, config: &PolicyConfig) -> Subject {
    info.id = envelope.id;
    info.detail_type = envelope.detail_type.clone();
    info.source = envelope.source;
    info.account = envelope.account;
    info.region = envelope.region;
    info.time = envelope.time;
    let Some(detail_type) = envelope.detail_type else {
        if envelope.has_event_source {
            // A bare CloudTrail record: read it as EventBridge would have delivered it.
            info.detail_type = Some(API_CALL_DETAIL_TYPE.to_owned());
            return cloudtrail::normalize(raw, info, config);
        }
        return Subject::Unevaluable(EventError::NotAnEvent {
            reason: "it has neither `detail-type` nor `eventSource`".to_owned(),
        });
    };
    let detail = match envelope.detail {
        None => {
            return Subject::Unevaluable(EventError::MissingField {
                event: detail_type,
                field: "detail".to_owned(),
            });
        }
        Some(Detail::CloudTrail(record)) => return cloudtrail::normalize_record(*record, info, config),
        Some(Detail::Raw(detail)) => detail,
    };
    if detail_type == API_CALL_DETAIL_TYPE {
        return cloudtrail::normalize(detail.get(), info, config);
    }
    match crate::kind::state_change(&detail_type) {
        Some(kind) => {
            // Only the first ARN matters, and only as a fallback: tolerate odd shapes.
            let resources: Vec<String> = envelope
                .resources
                .and_then(|r| serde_json::from_str(r.get()).ok())
                .unwrap_or_default();
            native::normalize(kind, detail.get(), &resources, info)
        }
        None => Subject::Ignored(IgnoreReason::Unrelated {
            description: format!(
                "`{detail_type}` from `{}`",
                info.source.as_deref().unwrap_or("unknown source")
            ),
        }),
    }
}

/// Reads the envelope and, when `detail-type` precedes it (as EventBridge writes it), a
/// CloudTrail `detail` in the same pass: the event is scanned once.
impl<'de> Deserialize<'de> for Envelope<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(EnvelopeVisitor)
    }
}

struct EnvelopeVisitor;

impl<'de> serde::de::Visitor<'de> for EnvelopeVisitor {
    type Value = Envelope<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an EventBridge event or a CloudTrail record")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        use serde::de::IgnoredAny;
        let mut envelope = Envelope::default();
        while let Some(lenient::Text(key)) = map.next_key::<lenient::Text<'de>>()? {
            match key.as_ref() {
                "id" => once(&mut envelope.id, map.next_value()?, "id")?,
                "detail-type" => once(&mut envelope.detail_type, map.next_value()?, "detail-type")?,
                "source" => once(&mut envelope.source, map.next_value()?, "source")?,
                "account" => once(&mut envelope.account, map.next_value()?, "account")?,
                "region" => once(&mut envelope.region, map.next_value()?, "region")?,
                "time" => once(&mut envelope.time, map.next_value::<LenientText>()?.0, "time")?,
                "resources" => once(&mut envelope.resources, map.next_value()?, "resources")?,
                "detail" => {
                    let detail = if envelope.detail_type.as_deref() == Some(API_CALL_DETAIL_TYPE) {
                        map.next_value().map(|record| Detail::CloudTrail(Box::new(record)))?
                    } else {
                        map.next_value().map(Detail::Raw)?
                    };
                    once(&mut envelope.detail, Some(detail), "detail")?;
                }
                "eventSource" => {
                    map.next_value::<IgnoredAny>()?;
                    envelope.has_event_source = true;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(envelope)
    }
}

/// Sets an envelope field once; JSON null leaves it unset, a second value is an error.
fn once<T, E: serde::de::Error>(slot: &mut Option<T>, value: Option<T>, name: &'static str) -> Result<(), E> {
    match (value, slot.is_some()) {
        (None, _) => Ok(()),
        (Some(_), true) => Err(E::duplicate_field(name)),
        (Some(value), false) => {
            *slot = Some(value);
            Ok(())
        }
    }
}

/// A string, or a number kept as its text (envelope `time`).
struct LenientText(Option<String>);

impl<'de> Deserialize<'de> for LenientText {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        lenient::opt_string_or_number(deserializer).map(LenientText)
    }
}

/// The envelope with `detail` unread: used when something in the event is malformed, to keep the
/// envelope's fields and let the detail's reader say what is wrong.
#[derive(Deserialize)]
struct LooseEnvelope<'a> {
    id: Option<String>,
    #[serde(rename = "detail-type")]
    detail_type: Option<String>,
    source: Option<String>,
    account: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string_or_number")]
    time: Option<String>,
    region: Option<String>,
    #[serde(borrow)]
    resources: Option<&'a RawValue>,
    #[serde(borrow)]
    detail: Option<&'a RawValue>,
    #[serde(rename = "eventSource")]
    event_source: Option<serde::de::IgnoredAny>,
}

impl<'a> From<LooseEnvelope<'a>> for Envelope<'a> {
    fn from(loose: LooseEnvelope<'a>) -> Self {
        Envelope {
            id: loose.id,
            detail_type: loose.detail_type,
            source: loose.source,
            account: loose.account,
            time: loose.time,
            region: loose.region,
            resources: loose.resources,
            detail: loose.detail.map(Detail::Raw),
            has_event_source: loose.event_source.is_some(),
        }
    }
}

/// At most this many characters of a parser's message go into a reason: reasons reach alerts,
/// and serde quotes the offending value, which may be long or sensitive.
const MAX_REASON_CHARS: usize = 200;

/// A parser's message, shortened for a reason.
pub(crate) fn brief(message: impl std::fmt::Display) -> String {
    let message = message.to_string();
    match message.char_indices().nth(MAX_REASON_CHARS) {
        Some((cut, _)) => format!("{}…", message.get(..cut).unwrap_or_default()),
        None => message,
    }
}

/// The JSON type of a value's text, for messages about the wrong one.
fn json_type(text: &str) -> &'static str {
    match text.trim_start().chars().next() {
        Some('{') => "an object",
        Some('[') => "an array",
        Some('"') => "a string",
        Some('t' | 'f') => "a boolean",
        Some('n') => "null",
        _ => "a number",
    }
}

/// Where the resource lives: from its ARN when it has one, else from the event.
fn locate(resource: &mut Resource, info: &EventInfo) {
    let from_arn = resource.arn.as_deref().and_then(Arn::parse);
    let region = from_arn
        .map(|a| a.region.to_owned())
        .filter(|r| !r.is_empty())
        .or_else(|| info.region.clone());
    let account = from_arn
        .map(|a| a.account.to_owned())
        .filter(|a| !a.is_empty())
        .or_else(|| info.account.clone());
    let partition = from_arn
        .map(|a| a.partition.to_owned())
        .or_else(|| {
            // The caller's ARN is in the same partition as the call.
            info.principal
                .as_ref()
                .and_then(|p| p.arn.as_deref())
                .and_then(Arn::parse)
                .map(|a| a.partition.to_owned())
        })
        .or_else(|| region.as_deref().map(|r| partition_for_region(r).to_owned()));
    resource.location = Location {
        partition,
        region,
        account,
    };
    if resource.arn.is_none()
        && let (Some(partition), Some(region), Some(account)) = (
            &resource.location.partition,
            &resource.location.region,
            &resource.location.account,
        )
    {
        // The ARN's path holds the domain's ID where the kind has one (`domain/<id>`,
        // `user-profile/<id>/<name>`); without the ID, leave the ARN unknown.
        let path: Option<Vec<String>> = resource
            .kind
            .entry()
            .arn_names
            .iter()
            .map(|member| match *member {
                "domainId" => resource.id.clone(),
                _ => Some(resource.name.clone()),
            })
            .collect();
        resource.arn =
            path.map(|path| crate::arn::sagemaker_arn(partition, region, account, resource.kind, &path.join("/")));
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
