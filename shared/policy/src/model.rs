//! The normalized model of a SageMaker resource.
//!
//! CloudTrail calls, SageMaker state-change events and `Describe*` responses all become a
//! [`Resource`]; the rules only ever see this type. Each security-relevant field is a
//! [`Setting`] that names the API field it came from and says whether the value was written
//! explicitly, is the AWS default for an absent field, or is unknown because the source does
//! not carry it. A field that does not exist for a kind is simply absent from the model.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use crate::kind::ResourceKind;

/// Enough to find a resource again: what the remediator and the inventory take.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ResourceRef {
    pub kind: ResourceKind,
    /// The name as the API takes it (case preserved; ARNs lower-case it).
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// Studio domains are addressed by ID (`d-…`), not by name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// Partition, Region and account a resource lives in, when known.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub partition: Option<String>,
    pub region: Option<String>,
    pub account: Option<String>,
}

/// The API name of a field (`ResourceConfig.VolumeKmsKeyId`): static for most, built for
/// fields inside lists (`TrainingJobDefinitions[1].VpcConfig`).
pub type FieldName = Cow<'static, str>;

impl Location {
    /// Partition, Region and account of an ARN; empty parts are unknown.
    pub fn from_arn(arn: &str) -> Location {
        let Some(arn) = crate::arn::Arn::parse(arn) else {
            return Location::default();
        };
        let known = |part: &str| (!part.is_empty()).then(|| part.to_owned());
        Location {
            partition: known(arn.partition),
            region: known(arn.region),
            account: known(arn.account),
        }
    }
}

/// How much is known about one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "source", content = "value", rename_all = "snake_case")]
pub enum Observed<T> {
    /// The source wrote this value.
    Explicit(T),
    /// The source omitted the field, and AWS documents this as the value it then uses.
    Defaulted(T),
    /// The source omits fields it does not carry (state-change events): no conclusion is
    /// possible without describing the resource.
    Unknown,
}

impl<T> Observed<T> {
    /// The value, whether explicit or defaulted.
    pub fn value(&self) -> Option<&T> {
        match self {
            Observed::Explicit(value) | Observed::Defaulted(value) => Some(value),
            Observed::Unknown => None,
        }
    }
}

/// A security-relevant field of a resource, named as in the SageMaker API
/// (`ResourceConfig.VolumeKmsKeyId`, `TrainingJobDefinitions[1].VpcConfig`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Setting<T> {
    pub field: FieldName,
    pub value: Observed<T>,
}

impl<T> Setting<T> {
    pub fn new(field: impl Into<FieldName>, value: Observed<T>) -> Self {
        Setting {
            field: field.into(),
            value,
        }
    }
}

/// Where a resource's network traffic goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum NetworkAttachment {
    /// Elastic network interfaces in the customer's VPC. `subnets` is `None` only where a
    /// change keeps the resource's existing subnets (a domain update that does not restate
    /// them); an empty list attaches nothing and is a finding.
    CustomerVpc {
        subnets: Option<Vec<String>>,
        security_groups: Vec<String>,
    },
    /// No VPC configuration: SageMaker's own network, with internet egress.
    NoVpc,
    /// A Studio domain whose non-EFS traffic goes through a SageMaker-managed VPC with
    /// internet access, whatever subnets it lists.
    PublicInternetOnly,
}

/// What a KMS key field protects; decides which rule requires it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyPurpose {
    /// ML storage volumes, EFS home directories.
    Volume,
    /// Output artifacts, data capture, async results, core dumps, notebook sharing.
    Output,
}

/// One KMS key field of a resource. `None` inside the observation means the field is not set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeySetting {
    pub field: FieldName,
    pub purpose: KeyPurpose,
    pub key: Observed<Option<String>>,
    /// For volume keys: the instance types whose volumes this key would encrypt. Instance
    /// types with local NVMe storage cannot take a volume key.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instance_types: Vec<String>,
}

/// An S3 location a resource writes to: the URI as written (`s3://…` or `https://…`), or
/// unknown where the source does not carry the field (a state-change event).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct S3Output {
    pub field: FieldName,
    pub uri: Observed<String>,
}

/// Where a resource is in its life, whatever the kind's own status words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lifecycle {
    /// Being created; a notebook cannot be stopped yet.
    Pending,
    /// Notebook `InService`, job in progress: can be stopped.
    Running,
    Stopping,
    Stopped,
    Completed,
    Failed,
    Updating,
    Deleting,
    /// A status word smguard does not know.
    Other,
}

impl Lifecycle {
    /// The meaning of a status word of any kind (`InService`, `InProgress`, `INPROGRESS`,
    /// `IN_SERVICE`, `Initializing`, …).
    pub fn of(status: &str) -> Lifecycle {
        let word: String = status
            .chars()
            .filter(|c| *c != '_')
            .collect::<String>()
            .to_ascii_lowercase();
        match word.as_str() {
            "pending" | "creating" => Lifecycle::Pending,
            "inservice" | "inprogress" | "initializing" | "starting" => Lifecycle::Running,
            "stopping" => Lifecycle::Stopping,
            "stopped" => Lifecycle::Stopped,
            "completed" => Lifecycle::Completed,
            "failed" | "deletefailed" => Lifecycle::Failed,
            "updating" => Lifecycle::Updating,
            "deleting" => Lifecycle::Deleting,
            _ => Lifecycle::Other,
        }
    }
}

/// Status of a resource: the API's word and its meaning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    pub value: String,
    pub lifecycle: Lifecycle,
    /// `true` when inferred from the kind of event (a Create call means `Pending`/`InProgress`)
    /// rather than read from the resource.
    pub inferred: bool,
}

/// Whether a resource describes the whole resource or only a change to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Every field the kind has is present (explicit, defaulted or unknown).
    Whole,
    /// An `Update*` call: only the fields the call sets are present; the rest is unchanged and
    /// was evaluated when it was set.
    Change,
}

/// Who made the call that created or changed the resource.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principal {
    /// `userIdentity.arn` (an STS session ARN for roles).
    pub arn: Option<String>,
    /// `userIdentity.type`: `AssumedRole`, `IAMUser`, `AWSService`, …
    pub identity_type: Option<String>,
    pub account_id: Option<String>,
    /// `userIdentity.sessionContext.sessionIssuer.arn`: the role behind a session.
    pub session_issuer_arn: Option<String>,
    /// `userIdentity.invokedBy`: the AWS service acting on the caller's behalf.
    pub invoked_by: Option<String>,
    pub source_ip: Option<String>,
    pub user_agent: Option<String>,
}

/// Which kind of source a resource was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// An "AWS API Call via CloudTrail" event (camelCase `requestParameters`).
    CloudTrail,
    /// A SageMaker state-change event (PascalCase `detail`).
    StateChange,
    /// A `Describe*` response (audit sweep, or re-reading after an incomplete event).
    Describe,
}

/// The event (or read) a resource came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    pub source: SourceKind,
    /// `eventName` for CloudTrail, `detail-type` for state changes, the operation for reads.
    pub name: String,
    pub event_id: Option<String>,
    /// When the event happened; for a `Describe*` answer, when the resource was created
    /// (`CreationTime`): with its name, what tells one incarnation from the next.
    pub time: Option<String>,
    /// A `Describe*` answer's `LastModifiedTime`: changes when a notebook is started or stopped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
}

/// A SageMaker resource as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    pub kind: ResourceKind,
    pub name: String,
    pub arn: Option<String>,
    /// Domain ID for Studio domains.
    pub id: Option<String>,
    pub location: Location,
    pub status: Option<Status>,
    pub scope: Scope,
    /// Network attachments: one per network configuration the resource has (one per training
    /// job definition for tuning jobs). Empty where the kind has no network of its own.
    pub networks: Vec<Setting<NetworkAttachment>>,
    /// Notebook `DirectInternetAccess` (`Enabled`/`Disabled`).
    pub direct_internet_access: Option<Setting<String>>,
    pub network_isolation: Vec<Setting<bool>>,
    pub inter_container_encryption: Vec<Setting<bool>>,
    pub keys: Vec<KeySetting>,
    /// Notebook `RootAccess` (`Enabled`/`Disabled`).
    pub root_access: Option<Setting<String>>,
    /// Notebook minimum IMDS version (`1`/`2`).
    pub minimum_imds_version: Option<Setting<String>>,
    pub s3_outputs: Vec<S3Output>,
    /// Notebook `LifecycleConfigName`: the script the notebook runs as root (`None` inside: none).
    pub lifecycle_config: Option<Setting<Option<String>>>,
    /// Remote shells into the compute: training `RemoteDebugConfig.EnableRemoteDebug`, endpoint
    /// variants' `EnableSSMAccess`, a space's `RemoteAccess`.
    pub remote_access: Vec<Setting<bool>>,
    pub instance_types: Vec<String>,
    pub tags: BTreeMap<String, String>,
    /// Resources this one depends on for its security (a transform job runs a model).
    pub depends_on: Vec<ResourceRef>,
    pub created_by: Option<Principal>,
    pub origin: Origin,
}

impl Resource {
    /// An empty resource of `kind` named `name`: every list empty, every optional field unset.
    /// Normalizers fill in what their source carries.
    pub fn new(kind: ResourceKind, name: impl Into<String>, scope: Scope, origin: Origin) -> Self {
        Resource {
            kind,
            name: name.into(),
            arn: None,
            id: None,
            location: Location::default(),
            status: None,
            scope,
            networks: Vec::new(),
            direct_internet_access: None,
            network_isolation: Vec::new(),
            inter_container_encryption: Vec::new(),
            keys: Vec::new(),
            root_access: None,
            minimum_imds_version: None,
            s3_outputs: Vec::new(),
            lifecycle_config: None,
            remote_access: Vec::new(),
            instance_types: Vec::new(),
            tags: BTreeMap::new(),
            depends_on: Vec::new(),
            created_by: None,
            origin,
        }
    }

    /// The reference used to act on this resource.
    pub fn reference(&self) -> ResourceRef {
        ResourceRef {
            kind: self.kind,
            name: self.name.clone(),
            arn: self.arn.clone(),
            id: self.id.clone(),
        }
    }
}
