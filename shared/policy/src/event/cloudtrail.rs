//! "AWS API Call via CloudTrail" records of SageMaker Create*/Update* calls.

use std::borrow::Cow;

use serde::de::{DeserializeSeed, Error as _, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use super::lenient::Text;
use super::spec::{self, Absent, SpecError};
use super::{EventError, EventInfo, IgnoreReason, Subject, brief, json_type, locate};
use crate::config::PolicyConfig;
use crate::model::{Lifecycle, Origin, Principal, Resource, ResourceKind, Scope, SourceKind, Status};

/// `eventSource` of SageMaker API calls.
pub const SAGEMAKER_EVENT_SOURCE: &str = "sagemaker.amazonaws.com";

/// The SageMaker calls the rules evaluate (the EventBridge rule's `eventName` list).
pub const EVALUATED_API_CALLS: &[&str] = &[
    "CreateNotebookInstance",
    "UpdateNotebookInstance",
    "CreateTrainingJob",
    "CreateProcessingJob",
    "CreateHyperParameterTuningJob",
    "CreateTransformJob",
    "CreateModel",
    "CreateEndpointConfig",
    "CreateDomain",
    "UpdateDomain",
    "CreateCompilationJob",
    "CreateAutoMLJob",
    "CreateAutoMLJobV2",
    "CreateLabelingJob",
];

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

/// `requestParameters`, read in the record's own pass when `eventName` came first (CloudTrail
/// writes it first; so does any key-sorting export), otherwise kept as text.
enum Parameters<'a> {
    /// Missing or `null`.
    Absent,
    Text(&'a RawValue),
    Read(Box<Spec>),
}

/// The parameters of an evaluated call.
enum Spec {
    NotebookInstance(spec::NotebookInstanceSpec),
    TrainingJob(spec::TrainingJobSpec),
    ProcessingJob(spec::ProcessingJobSpec),
    HyperParameterTuningJob(spec::HyperParameterTuningJobSpec),
    TransformJob(spec::TransformJobSpec),
    Model(spec::ModelSpec),
    EndpointConfig(spec::EndpointConfigSpec),
    Domain(spec::DomainSpec),
    CompilationJob(spec::CompilationJobSpec),
    AutoMlJob(spec::AutoMlJobSpec),
    AutoMlJobV2(spec::AutoMlJobV2Spec),
    LabelingJob(spec::LabelingJobSpec),
}

/// Reads the parameters of `call`; `None` for JSON `null`.
struct SpecSeed(Call);

impl<'de> DeserializeSeed<'de> for SpecSeed {
    type Value = Option<Spec>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        fn read<'de, S: Deserialize<'de>, D: Deserializer<'de>>(
            d: D,
            wrap: fn(S) -> Spec,
        ) -> Result<Option<Spec>, D::Error> {
            Ok(Option::<S>::deserialize(d)?.map(wrap))
        }
        match self.0 {
            Call::Create(ResourceKind::NotebookInstance) | Call::UpdateNotebookInstance => {
                read(d, Spec::NotebookInstance)
            }
            Call::Create(ResourceKind::TrainingJob) => read(d, Spec::TrainingJob),
            Call::Create(ResourceKind::ProcessingJob) => read(d, Spec::ProcessingJob),
            Call::Create(ResourceKind::HyperParameterTuningJob) => read(d, Spec::HyperParameterTuningJob),
            Call::Create(ResourceKind::TransformJob) => read(d, Spec::TransformJob),
            Call::Create(ResourceKind::Model) => read(d, Spec::Model),
            Call::Create(ResourceKind::EndpointConfig) => read(d, Spec::EndpointConfig),
            Call::Create(ResourceKind::Domain) | Call::UpdateDomain => read(d, Spec::Domain),
            Call::Create(ResourceKind::CompilationJob) => read(d, Spec::CompilationJob),
            Call::CreateAutoMlV1 => read(d, Spec::AutoMlJob),
            Call::Create(ResourceKind::AutoMlJob) => read(d, Spec::AutoMlJobV2),
            Call::Create(ResourceKind::LabelingJob) => read(d, Spec::LabelingJob),
        }
    }
}

/// Reads a record; with `read_parameters`, the parameters of an evaluated call in place.
struct RecordSeed {
    read_parameters: bool,
}

impl<'de> Deserialize<'de> for Record<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        RecordSeed { read_parameters: true }.deserialize(d)
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
                    let call = record
                        .event_name
                        .as_deref()
                        .and_then(Call::of)
                        .filter(|_| self.read_parameters);
                    record.request_parameters = match call {
                        Some(call) => map
                            .next_value_seed(SpecSeed(call))?
                            .map_or(Parameters::Absent, |spec| Parameters::Read(Box::new(spec))),
                        None => map
                            .next_value::<Option<&RawValue>>()?
                            .map_or(Parameters::Absent, Parameters::Text),
                    };
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

/// The ARNs and IDs Create calls return.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ResponseElements {
    notebook_instance_arn: Option<String>,
    training_job_arn: Option<String>,
    processing_job_arn: Option<String>,
    hyper_parameter_tuning_job_arn: Option<String>,
    transform_job_arn: Option<String>,
    model_arn: Option<String>,
    endpoint_config_arn: Option<String>,
    domain_arn: Option<String>,
    domain_id: Option<String>,
    compilation_job_arn: Option<String>,
    #[serde(rename = "autoMLJobArn")]
    auto_ml_job_arn: Option<String>,
    labeling_job_arn: Option<String>,
}

impl ResponseElements {
    fn arn(&self, kind: ResourceKind) -> Option<&String> {
        match kind {
            ResourceKind::NotebookInstance => self.notebook_instance_arn.as_ref(),
            ResourceKind::TrainingJob => self.training_job_arn.as_ref(),
            ResourceKind::ProcessingJob => self.processing_job_arn.as_ref(),
            ResourceKind::HyperParameterTuningJob => self.hyper_parameter_tuning_job_arn.as_ref(),
            ResourceKind::TransformJob => self.transform_job_arn.as_ref(),
            ResourceKind::Model => self.model_arn.as_ref(),
            ResourceKind::EndpointConfig => self.endpoint_config_arn.as_ref(),
            ResourceKind::Domain => self.domain_arn.as_ref(),
            ResourceKind::CompilationJob => self.compilation_job_arn.as_ref(),
            ResourceKind::AutoMlJob => self.auto_ml_job_arn.as_ref(),
            ResourceKind::LabelingJob => self.labeling_job_arn.as_ref(),
        }
    }
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
    serde_json::from_str(record_json).or_else(|_| {
        // The parameters did not read as their call's shape: keep them as text, so that the
        // record is still read and the parameters' reader says what is wrong.
        let mut deserializer = serde_json::Deserializer::from_str(record_json);
        RecordSeed { read_parameters: false }
            .deserialize(&mut deserializer)
            .and_then(|record| deserializer.end().map(|()| record))
            .map_err(|error| EventError::NotAnEvent {
                reason: format!("CloudTrail record: {}", brief(error)),
            })
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
    let Some(call) = Call::of(&event_name) else {
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
    };
    // The response is not security-relevant: a malformed one only costs the ARN, which is
    // rebuilt from the name.
    let response: ResponseElements = record
        .response_elements
        .and_then(|r| serde_json::from_str(r.get()).ok())
        .unwrap_or_default();
    let parameters = match record.request_parameters {
        Parameters::Read(spec) => Ok(*spec),
        Parameters::Text(text) => read_spec(call, text.get(), &event_name),
        Parameters::Absent => Err(EventError::MissingField {
            event: event_name.clone(),
            field: "requestParameters".to_owned(),
        }),
    };
    let built = parameters.and_then(|parameters| {
        build(call, parameters, origin()).map_err(|error| match error {
            SpecError::MissingName(field) | SpecError::MissingRequired(field) => EventError::MissingRequired {
                event: event_name.clone(),
                field: format!("requestParameters.{field}"),
            },
        })
    });
    let mut resource = match built {
        Ok(resource) => resource,
        // The parameters cannot be read (CloudTrail omits them over 100 KB, or the record is
        // incomplete), but the call succeeded and its response names what it created: name the
        // resource from that ARN, every field unknown, so that the guard describes it and decides
        // on what SageMaker says.
        Err(error) => match unread(call, &response, origin()) {
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
        resource.arn = response.arn(resource.kind).cloned();
    }
    if resource.id.is_none() && resource.kind == ResourceKind::Domain {
        resource.id = response.domain_id.clone();
    }
    if resource.status.is_none() {
        resource.status = status_after(call, resource.kind);
    }
    resource.created_by = Some(principal);
    locate(&mut resource, info);
    Subject::Resource(Box::new(resource))
}

/// The calls evaluated, by how their parameters are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Call {
    /// A Create call whose spec is the kind's.
    Create(ResourceKind),
    /// `CreateAutoMLJob` (V1) shares the kind with V2 but not the shape.
    CreateAutoMlV1,
    UpdateNotebookInstance,
    UpdateDomain,
}

impl Call {
    /// The kind the call creates or changes.
    fn kind(self) -> ResourceKind {
        match self {
            Call::Create(kind) => kind,
            Call::CreateAutoMlV1 => ResourceKind::AutoMlJob,
            Call::UpdateNotebookInstance => ResourceKind::NotebookInstance,
            Call::UpdateDomain => ResourceKind::Domain,
        }
    }

    /// The camelCase parameter that holds what the kind's ARN names: the name, or for Studio
    /// domains the domain ID (which is also what `DescribeDomain` takes).
    fn arn_name_field(self) -> &'static str {
        use spec::ResourceSpec as _;
        match self.kind() {
            ResourceKind::NotebookInstance => spec::NotebookInstanceSpec::NAME_FIELD,
            ResourceKind::TrainingJob => spec::TrainingJobSpec::NAME_FIELD,
            ResourceKind::ProcessingJob => spec::ProcessingJobSpec::NAME_FIELD,
            ResourceKind::HyperParameterTuningJob => spec::HyperParameterTuningJobSpec::NAME_FIELD,
            ResourceKind::TransformJob => spec::TransformJobSpec::NAME_FIELD,
            ResourceKind::Model => spec::ModelSpec::NAME_FIELD,
            ResourceKind::EndpointConfig => spec::EndpointConfigSpec::NAME_FIELD,
            ResourceKind::Domain => "domainId",
            ResourceKind::CompilationJob => spec::CompilationJobSpec::NAME_FIELD,
            ResourceKind::AutoMlJob => spec::AutoMlJobV2Spec::NAME_FIELD,
            ResourceKind::LabelingJob => spec::LabelingJobSpec::NAME_FIELD,
        }
    }

    fn of(event_name: &str) -> Option<Call> {
        Some(match event_name {
            "CreateNotebookInstance" => Call::Create(ResourceKind::NotebookInstance),
            "UpdateNotebookInstance" => Call::UpdateNotebookInstance,
            "CreateTrainingJob" => Call::Create(ResourceKind::TrainingJob),
            "CreateProcessingJob" => Call::Create(ResourceKind::ProcessingJob),
            "CreateHyperParameterTuningJob" => Call::Create(ResourceKind::HyperParameterTuningJob),
            "CreateTransformJob" => Call::Create(ResourceKind::TransformJob),
            "CreateModel" => Call::Create(ResourceKind::Model),
            "CreateEndpointConfig" => Call::Create(ResourceKind::EndpointConfig),
            "CreateDomain" => Call::Create(ResourceKind::Domain),
            "UpdateDomain" => Call::UpdateDomain,
            "CreateCompilationJob" => Call::Create(ResourceKind::CompilationJob),
            "CreateAutoMLJob" => Call::CreateAutoMlV1,
            "CreateAutoMLJobV2" => Call::Create(ResourceKind::AutoMlJob),
            "CreateLabelingJob" => Call::Create(ResourceKind::LabelingJob),
            _ => return None,
        })
    }
}

/// Reads parameters kept as text (the slow path): says what is wrong when they do not fit.
fn read_spec(call: Call, text: &str, event: &str) -> Result<Spec, EventError> {
    if json_type(text) != "an object" {
        return Err(EventError::TruncatedParameters {
            event: event.to_owned(),
        });
    }
    let mut deserializer = serde_json::Deserializer::from_str(text);
    match SpecSeed(call)
        .deserialize(&mut deserializer)
        .and_then(|spec| deserializer.end().map(|()| spec))
    {
        Ok(Some(spec)) => Ok(spec),
        Ok(None) => Err(EventError::MissingField {
            event: event.to_owned(),
            field: "requestParameters".to_owned(),
        }),
        Err(error) => Err(EventError::InvalidField {
            event: event.to_owned(),
            reason: brief(error),
        }),
    }
}

/// Builds the resource a call's parameters describe. Create calls carry the whole resource
/// (absent fields are AWS defaults); Update calls only the fields they change.
fn build(call: Call, parameters: Spec, origin: Origin) -> Result<Resource, SpecError> {
    let (absent, scope) = match call {
        Call::UpdateNotebookInstance | Call::UpdateDomain => (Absent::Unchanged, Scope::Change),
        Call::Create(_) | Call::CreateAutoMlV1 => (Absent::Default, Scope::Whole),
    };
    build_as(parameters, absent, scope, origin)
}

fn build_as(parameters: Spec, absent: Absent, scope: Scope, origin: Origin) -> Result<Resource, SpecError> {
    match parameters {
        Spec::NotebookInstance(s) => spec::build(s, absent, scope, origin),
        Spec::TrainingJob(s) => spec::build(s, absent, scope, origin),
        Spec::ProcessingJob(s) => spec::build(s, absent, scope, origin),
        Spec::HyperParameterTuningJob(s) => spec::build(s, absent, scope, origin),
        Spec::TransformJob(s) => spec::build(s, absent, scope, origin),
        Spec::Model(s) => spec::build(s, absent, scope, origin),
        Spec::EndpointConfig(s) => spec::build(s, absent, scope, origin),
        Spec::Domain(s) => spec::build(s, absent, scope, origin),
        Spec::CompilationJob(s) => spec::build(s, absent, scope, origin),
        Spec::AutoMlJob(s) => spec::build(s, absent, scope, origin),
        Spec::AutoMlJobV2(s) => spec::build(s, absent, scope, origin),
        Spec::LabelingJob(s) => spec::build(s, absent, scope, origin),
    }
}

/// The resource a successful call's response names, with every field unknown: what is left of a
/// call whose parameters cannot be read. `None` when the response names nothing (an `Update*`
/// call without an ARN in its answer, a malformed response).
fn unread(call: Call, response: &ResponseElements, origin: Origin) -> Option<Resource> {
    let kind = call.kind();
    let arn = response.arn(kind)?;
    let parsed = crate::arn::Arn::parse(arn)?;
    let (arn_type, name) = parsed.resource.split_once('/')?;
    if arn_type != kind.arn_resource_type() || name.is_empty() {
        return None;
    }
    let mut named = serde_json::Map::new();
    named.insert(
        call.arn_name_field().to_owned(),
        serde_json::Value::String(name.to_owned()),
    );
    let text = serde_json::Value::Object(named).to_string();
    let parameters = read_spec(call, &text, &origin.name).ok()?;
    let mut resource = build_as(parameters, Absent::Unknown, Scope::Whole, origin).ok()?;
    resource.arn = Some(arn.clone());
    Some(resource)
}

/// The status a call leaves the resource in, where the call implies one.
fn status_after(call: Call, kind: ResourceKind) -> Option<Status> {
    let value = match (call, kind) {
        (Call::UpdateNotebookInstance, _) => "Updating",
        (Call::Create(ResourceKind::NotebookInstance | ResourceKind::Domain), _) => "Pending",
        (Call::Create(ResourceKind::CompilationJob), _) => "INPROGRESS",
        (Call::Create(ResourceKind::LabelingJob), _) => "Initializing",
        (Call::Create(kind), _) if kind.is_job() => "InProgress",
        (Call::CreateAutoMlV1, _) => "InProgress",
        _ => return None,
    };
    Some(Status {
        value: value.to_owned(),
        lifecycle: Lifecycle::of(value),
        inferred: true,
    })
}
