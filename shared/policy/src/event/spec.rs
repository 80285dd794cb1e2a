//! The security-relevant fields of each SageMaker API, in one camelCase shape per kind.
//!
//! CloudTrail renders `requestParameters` by lower-casing the first letter of every API member
//! name (`VolumeKmsKeyId` → `volumeKmsKeyId`); state-change events use the `Describe*` names
//! (PascalCase), which [`camel_case`] lowers the same way, for state changes and for the
//! `Describe*` answers the AWS adapter keeps as JSON ([`described`]). So each kind has one spec and
//! one mapping into the model, whatever the source; the kind table names it as the kind's reader.
//! Only what a rule, an alert or a response needs is modelled; unknown keys are ignored (SageMaker
//! adds service-side keys to `requestParameters`).
//!
//! How an absent field is read depends on the source ([`Absent`]): the AWS default for a
//! Create call or a `Describe*` response, unknown for a state-change event, unchanged for an
//! `Update*` call.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::lenient::{opt_bool, opt_object};
use crate::model::{
    FieldName, KeyPurpose, KeySetting, Lifecycle, Location, NetworkAttachment, Observed, Origin, Resource,
    ResourceKind, ResourceRef, S3Output, Scope, Setting, SourceKind, Status,
};

/// What an absent field means for a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Absent {
    /// The AWS default (Create calls, `Describe*` responses).
    Default,
    /// Not carried by the source (state-change events).
    Unknown,
    /// Left as it was (`Update*` calls): the field is not part of the change.
    Unchanged,
}

impl Absent {
    fn observe<T>(self, value: Option<T>, default: T) -> Option<Observed<T>> {
        match (value, self) {
            (Some(value), _) => Some(Observed::Explicit(value)),
            (None, Absent::Default) => Some(Observed::Defaulted(default)),
            (None, Absent::Unknown) => Some(Observed::Unknown),
            (None, Absent::Unchanged) => None,
        }
    }
}

/// A spec lacks a field the resource cannot do without.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpecError {
    /// The name (or, for domains, the ID) is missing or empty.
    MissingName(&'static str),
    /// A field the API always has is missing: the record is truncated or not what it claims.
    MissingRequired(&'static str),
}

/// The fields of one kind's API that smguard reads.
pub trait ResourceSpec: for<'de> Deserialize<'de> + Default {
    const KIND: ResourceKind;
    /// The camelCase name of the field that names the resource.
    const NAME_FIELD: &'static str;
    fn name(&self) -> Option<&str>;
    /// The ARN, when the source carries one (every kind's API does).
    fn arn(&self) -> Option<&str>;
    fn id(&self) -> Option<&str> {
        None
    }
    /// The status word, when the source carries one.
    fn status(&self) -> Option<&str> {
        None
    }
    /// The first field a Create call always has that this spec lacks.
    fn missing_required(&self) -> Option<&'static str>;
    /// Moves this spec's facts into the resource.
    fn collect(self, facts: &mut Facts<'_>);
    /// The spec's fullest shape with every field unset: read with absent fields unknown, it
    /// yields every field the kind can have (what a rule's applies-to is derived from).
    fn probe() -> Self {
        Self::default()
    }
}

/// What a reader reads: a call's `requestParameters` text, or a (camel-cased) `Describe*`-shaped
/// detail.
#[derive(Debug)]
pub enum Input<'a> {
    Text(&'a str),
    Value(serde_json::Value),
    /// No input: [`ResourceSpec::probe`], named `probe`.
    Probe,
}

/// Why a reader built no resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// The input is JSON `null`.
    Null,
    /// The input does not have the kind's shape.
    Invalid(String),
    Spec(SpecError),
}

/// A kind's field reader, as the kind table names it: input, how to read absent fields, scope
/// and origin in; the resource, its status read from the input where it has one, out.
pub type Reader = fn(Input<'_>, Absent, Scope, Origin) -> Result<Resource, ReadError>;

/// The [`Reader`] of spec `S`.
pub fn read<S: ResourceSpec>(
    input: Input<'_>,
    absent: Absent,
    scope: Scope,
    origin: Origin,
) -> Result<Resource, ReadError> {
    let spec: Option<S> = match input {
        Input::Text(text) => serde_json::from_str(text),
        Input::Value(value) => serde_json::from_value(value),
        Input::Probe => {
            let mut resource = Resource::new(S::KIND, "probe", scope, origin);
            S::probe().collect(&mut Facts {
                absent,
                resource: &mut resource,
            });
            return Ok(resource);
        }
    }
    .map_err(|error| ReadError::Invalid(super::brief(error)))?;
    let spec = spec.ok_or(ReadError::Null)?;
    let status = spec.status().map(|value| Status {
        value: value.to_owned(),
        lifecycle: Lifecycle::of(value),
        inferred: false,
    });
    let mut resource = build(spec, absent, scope, origin).map_err(ReadError::Spec)?;
    if status.is_some() {
        resource.status = status;
    }
    Ok(resource)
}

/// Builds the resource a spec describes; `absent` says how to read missing fields.
pub fn build<S: ResourceSpec>(spec: S, absent: Absent, scope: Scope, origin: Origin) -> Result<Resource, SpecError> {
    let name = spec
        .name()
        .filter(|name| !name.trim().is_empty())
        .ok_or(SpecError::MissingName(S::NAME_FIELD))?;
    if absent == Absent::Default
        && let Some(field) = spec.missing_required()
    {
        return Err(SpecError::MissingRequired(field));
    }
    let mut resource = Resource::new(S::KIND, name, scope, origin);
    resource.arn = spec.arn().map(str::to_owned);
    resource.id = spec.id().map(str::to_owned);
    spec.collect(&mut Facts {
        absent,
        resource: &mut resource,
    });
    Ok(resource)
}

/// `prefix` + `name`, allocating only for prefixed fields (inside lists).
fn field(prefix: &str, name: &'static str) -> FieldName {
    if prefix.is_empty() {
        FieldName::Borrowed(name)
    } else {
        FieldName::Owned(format!("{prefix}{name}"))
    }
}

/// Collects a spec's fields into a resource under one reading of absent fields.
#[derive(Debug)]
pub struct Facts<'r> {
    absent: Absent,
    resource: &'r mut Resource,
}

impl Facts<'_> {
    fn network(&mut self, field: impl Into<FieldName>, vpc: Option<VpcConfig>) {
        let attachment = vpc.map(|vpc| NetworkAttachment::CustomerVpc {
            // `Subnets` is required inside `VpcConfig`: missing means none.
            subnets: Some(non_blank_list(vpc.subnets)),
            security_groups: vpc.security_group_ids.unwrap_or_default(),
        });
        self.attachment(field, attachment, NetworkAttachment::NoVpc);
    }

    fn attachment(
        &mut self,
        field: impl Into<FieldName>,
        value: Option<NetworkAttachment>,
        default: NetworkAttachment,
    ) {
        if let Some(observed) = self.absent.observe(value, default) {
            self.resource.networks.push(Setting::new(field, observed));
        }
    }

    fn network_isolation(&mut self, field: impl Into<FieldName>, value: Option<bool>) {
        if let Some(observed) = self.absent.observe(value, false) {
            self.resource.network_isolation.push(Setting::new(field, observed));
        }
    }

    fn inter_container_encryption(&mut self, field: impl Into<FieldName>, value: Option<bool>) {
        if let Some(observed) = self.absent.observe(value, false) {
            self.resource
                .inter_container_encryption
                .push(Setting::new(field, observed));
        }
    }

    /// A remote shell switch (`EnableRemoteDebug`, `EnableSSMAccess`): off unless set.
    fn remote_access(&mut self, field: impl Into<FieldName>, value: Option<bool>) {
        if let Some(observed) = self.absent.observe(value, false) {
            self.resource.remote_access.push(Setting::new(field, observed));
        }
    }

    fn text(&self, field: &'static str, value: Option<String>, default: &str) -> Option<Setting<String>> {
        self.absent
            .observe(non_blank(value), default.to_owned())
            .map(|observed| Setting::new(field, observed))
    }

    fn key(
        &mut self,
        field: impl Into<FieldName>,
        purpose: KeyPurpose,
        value: Option<String>,
        instance_types: Vec<String>,
    ) {
        self.key_as(self.absent, field, purpose, value, instance_types);
    }

    /// A key inside an optional structure (`DataCaptureConfig.KmsKeyId`): without the structure
    /// there is nothing to encrypt, unless the source may simply not carry it. An `Update*` call
    /// that restates the structure replaces it whole, so inside it an absent key is unset.
    fn key_within(
        &mut self,
        parent_present: bool,
        field: impl Into<FieldName>,
        purpose: KeyPurpose,
        value: Option<String>,
        instance_types: Vec<String>,
    ) {
        let absent = match (parent_present, self.absent) {
            (true, Absent::Unchanged) => Absent::Default,
            (true, absent) | (false, absent @ Absent::Unknown) => absent,
            (false, Absent::Default | Absent::Unchanged) => return,
        };
        self.key_as(absent, field, purpose, value, instance_types);
    }

    fn key_as(
        &mut self,
        absent: Absent,
        field: impl Into<FieldName>,
        purpose: KeyPurpose,
        value: Option<String>,
        instance_types: Vec<String>,
    ) {
        if let Some(key) = absent.observe(non_blank(value).map(Some), None) {
            self.resource.keys.push(KeySetting {
                field: field.into(),
                purpose,
                key,
                instance_types,
            });
        }
    }

    /// An S3 location the resource writes to. Absent, it writes nothing there (a Create call, a
    /// `Describe*` answer), is unchanged (an `Update*` call), or is unknown (a state-change event,
    /// which may not carry it).
    fn s3(&mut self, field: impl Into<FieldName>, uri: Option<String>) {
        let observed = match (non_blank(uri), self.absent) {
            (Some(uri), _) => Observed::Explicit(uri),
            (None, Absent::Unknown) => Observed::Unknown,
            (None, Absent::Default | Absent::Unchanged) => return,
        };
        self.resource.s3_outputs.push(S3Output {
            field: field.into(),
            uri: observed,
        });
    }

    /// An S3 location the API requires whenever its structure is present (`CheckpointConfig.S3Uri`,
    /// `DataCaptureConfig.DestinationS3Uri`, a training job's `OutputDataConfig.S3OutputPath`):
    /// inside a present structure, absent means the record is incomplete, so unknown, never "writes
    /// nothing". Without the structure, as [`Facts::s3`].
    fn s3_in(&mut self, structure_present: bool, field: impl Into<FieldName>, uri: Option<String>) {
        let observed = match (non_blank(uri), structure_present, self.absent) {
            (Some(uri), _, _) => Observed::Explicit(uri),
            (None, _, Absent::Unknown) | (None, true, Absent::Default) => Observed::Unknown,
            (None, true, Absent::Unchanged) | (None, false, Absent::Default | Absent::Unchanged) => return,
        };
        self.resource.s3_outputs.push(S3Output {
            field: field.into(),
            uri: observed,
        });
    }

    fn instance_types(&mut self, types: &[String]) {
        for instance_type in types {
            if !self.resource.instance_types.contains(instance_type) {
                self.resource.instance_types.push(instance_type.clone());
            }
        }
    }

    fn tags(&mut self, tags: Option<Tags>) {
        match tags {
            Some(Tags::List(list)) => {
                self.resource
                    .tags
                    .extend(list.into_iter().map(|tag| (tag.key, tag.value.unwrap_or_default())));
            }
            Some(Tags::Map(map)) => self.resource.tags.extend(map),
            None => {}
        }
    }
}

/// A blank string is no value: AWS rejects it, and it must never read as a key or a subnet.
fn non_blank(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

fn non_blank_list(values: Option<Vec<String>>) -> Vec<String> {
    values.into_iter().flatten().filter(|v| !v.trim().is_empty()).collect()
}

// ---------------------------------------------------------------------------------------------
// Shared shapes

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VpcConfig {
    pub security_group_ids: Option<Vec<String>>,
    pub subnets: Option<Vec<String>>,
}

/// CloudTrail writes tags as `[{"key","value"}]`; state-change events as a map.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Tags {
    List(Vec<Tag>),
    Map(BTreeMap<String, String>),
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tag {
    pub key: String,
    #[serde(default)]
    pub value: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutputDataConfig {
    pub kms_key_id: Option<String>,
    pub s3_output_path: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceConfig {
    pub instance_type: Option<String>,
    pub volume_kms_key_id: Option<String>,
    pub instance_groups: Option<Vec<InstanceTypeOnly>>,
}

impl ResourceConfig {
    fn instance_types(&self) -> Vec<String> {
        self.instance_type
            .iter()
            .cloned()
            .chain(
                self.instance_groups
                    .iter()
                    .flatten()
                    .filter_map(|g| g.instance_type.clone()),
            )
            .collect()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceTypeOnly {
    pub instance_type: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct S3UriConfig {
    pub s3_uri: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct S3OutputPathConfig {
    pub s3_output_path: Option<String>,
}

fn missing<T>(value: &Option<T>, field: &'static str) -> Option<&'static str> {
    value.is_none().then_some(field)
}

// ---------------------------------------------------------------------------------------------
// Notebook instance

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NotebookInstanceSpec {
    pub notebook_instance_name: Option<String>,
    pub notebook_instance_arn: Option<String>,
    pub notebook_instance_status: Option<String>,
    pub instance_type: Option<String>,
    pub role_arn: Option<String>,
    pub subnet_id: Option<String>,
    pub security_group_ids: Option<Vec<String>>,
    /// `SecurityGroupIds` is `SecurityGroups` in state-change events and `DescribeNotebookInstance`.
    pub security_groups: Option<Vec<String>>,
    pub direct_internet_access: Option<String>,
    pub kms_key_id: Option<String>,
    pub root_access: Option<String>,
    pub instance_metadata_service_configuration: Option<InstanceMetadataServiceConfiguration>,
    pub lifecycle_config_name: Option<String>,
    /// `UpdateNotebookInstance` only: detach the lifecycle configuration.
    #[serde(default, deserialize_with = "opt_bool")]
    pub disassociate_lifecycle_config: Option<bool>,
    pub tags: Option<Tags>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceMetadataServiceConfiguration {
    pub minimum_instance_metadata_service_version: Option<String>,
}

impl ResourceSpec for NotebookInstanceSpec {
    const KIND: ResourceKind = ResourceKind::NotebookInstance;
    const NAME_FIELD: &'static str = "notebookInstanceName";
    fn name(&self) -> Option<&str> {
        self.notebook_instance_name.as_deref()
    }
    fn arn(&self) -> Option<&str> {
        self.notebook_instance_arn.as_deref()
    }
    fn status(&self) -> Option<&str> {
        self.notebook_instance_status.as_deref()
    }
    fn missing_required(&self) -> Option<&'static str> {
        missing(&self.instance_type, "instanceType").or(missing(&self.role_arn, "roleArn"))
    }
    fn collect(self, facts: &mut Facts<'_>) {
        facts.instance_types(self.instance_type.as_slice());
        let attachment = non_blank(self.subnet_id).map(|subnet| NetworkAttachment::CustomerVpc {
            subnets: Some(vec![subnet]),
            security_groups: self.security_group_ids.or(self.security_groups).unwrap_or_default(),
        });
        facts.attachment("SubnetId", attachment, NetworkAttachment::NoVpc);
        facts.resource.direct_internet_access =
            facts.text("DirectInternetAccess", self.direct_internet_access, "Enabled");
        // No local-storage exception here: the notebook's ML storage volume is always attached
        // (5 GB by default) and `KmsKeyId` encrypts it, whatever the instance type.
        facts.key("KmsKeyId", KeyPurpose::Volume, self.kms_key_id, Vec::new());
        facts.resource.root_access = facts.text("RootAccess", self.root_access, "Enabled");
        facts.resource.minimum_imds_version = facts.text(
            "InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion",
            self.instance_metadata_service_configuration
                .and_then(|c| c.minimum_instance_metadata_service_version),
            "1",
        );
        let lifecycle_config = match self.disassociate_lifecycle_config {
            Some(true) => Some(Observed::Explicit(None)),
            _ => facts
                .absent
                .observe(non_blank(self.lifecycle_config_name).map(Some), None),
        };
        facts.resource.lifecycle_config = lifecycle_config.map(|value| Setting::new("LifecycleConfigName", value));
        facts.tags(self.tags);
    }
}

// ---------------------------------------------------------------------------------------------
// Training job, and the training definitions of tuning jobs

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrainingJobSpec {
    pub training_job_name: Option<String>,
    pub training_job_arn: Option<String>,
    pub training_job_status: Option<String>,
    pub vpc_config: Option<VpcConfig>,
    pub output_data_config: Option<OutputDataConfig>,
    pub resource_config: Option<ResourceConfig>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub enable_network_isolation: Option<bool>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub enable_inter_container_traffic_encryption: Option<bool>,
    pub checkpoint_config: Option<S3UriConfig>,
    pub debug_hook_config: Option<S3OutputPathConfig>,
    pub tensor_board_output_config: Option<S3OutputPathConfig>,
    pub profiler_config: Option<S3OutputPathConfig>,
    /// Debugger and profiler rules: each runs a container that may write its report to S3.
    pub debug_rule_configurations: Option<Vec<S3OutputPathConfig>>,
    pub profiler_rule_configurations: Option<Vec<S3OutputPathConfig>>,
    #[serde(default, deserialize_with = "opt_object")]
    pub remote_debug_config: Option<RemoteDebugConfig>,
    pub tags: Option<Tags>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteDebugConfig {
    #[serde(default, deserialize_with = "opt_bool")]
    pub enable_remote_debug: Option<bool>,
}

impl ResourceSpec for TrainingJobSpec {
    const KIND: ResourceKind = ResourceKind::TrainingJob;
    const NAME_FIELD: &'static str = "trainingJobName";
    fn name(&self) -> Option<&str> {
        self.training_job_name.as_deref()
    }
    fn arn(&self) -> Option<&str> {
        self.training_job_arn.as_deref()
    }
    fn status(&self) -> Option<&str> {
        self.training_job_status.as_deref()
    }
    fn missing_required(&self) -> Option<&'static str> {
        missing(&self.resource_config, "resourceConfig").or(missing(&self.output_data_config, "outputDataConfig"))
    }
    fn collect(self, facts: &mut Facts<'_>) {
        TrainingFields {
            prefix: String::new(),
            vpc_config: self.vpc_config,
            output_data_config: self.output_data_config,
            volume: self.resource_config.map(|c| {
                let types = c.instance_types();
                (c.volume_kms_key_id, types)
            }),
            enable_network_isolation: self.enable_network_isolation,
            enable_inter_container_traffic_encryption: self.enable_inter_container_traffic_encryption,
            checkpoint_config: self.checkpoint_config,
        }
        .collect(facts);
        facts.s3_in(
            self.debug_hook_config.is_some(),
            "DebugHookConfig.S3OutputPath",
            self.debug_hook_config.and_then(|c| c.s3_output_path),
        );
        facts.s3_in(
            self.tensor_board_output_config.is_some(),
            "TensorBoardOutputConfig.S3OutputPath",
            self.tensor_board_output_config.and_then(|c| c.s3_output_path),
        );
        facts.s3(
            "ProfilerConfig.S3OutputPath",
            self.profiler_config.and_then(|c| c.s3_output_path),
        );
        for (list, rules) in [
            ("DebugRuleConfigurations", self.debug_rule_configurations),
            ("ProfilerRuleConfigurations", self.profiler_rule_configurations),
        ] {
            match rules {
                Some(rules) => {
                    for (index, rule) in rules.into_iter().enumerate() {
                        if let Some(path) = rule.s3_output_path {
                            facts.s3(format!("{list}[{index}].S3OutputPath"), Some(path));
                        }
                    }
                }
                None => facts.s3(format!("{list}[*].S3OutputPath"), None),
            }
        }
        // "By default, remote debugging is disabled" (RemoteDebugConfig); an update that does not
        // restate it leaves it as it was.
        facts.remote_access(
            "RemoteDebugConfig.EnableRemoteDebug",
            self.remote_debug_config.and_then(|c| c.enable_remote_debug),
        );
        facts.tags(self.tags);
    }
}

/// The fields a training job and a tuning job's training definition share.
struct TrainingFields {
    /// `""` for a training job; `TrainingJobDefinitions[1].` for a tuning job definition.
    prefix: String,
    vpc_config: Option<VpcConfig>,
    output_data_config: Option<OutputDataConfig>,
    /// The volume key and the instance types it serves, from whichever resource configuration
    /// the definition has.
    volume: Option<(Option<String>, Vec<String>)>,
    enable_network_isolation: Option<bool>,
    enable_inter_container_traffic_encryption: Option<bool>,
    checkpoint_config: Option<S3UriConfig>,
}

impl TrainingFields {
    fn collect(self, facts: &mut Facts<'_>) {
        let p = self.prefix.as_str();
        facts.network(field(p, "VpcConfig"), self.vpc_config);
        facts.network_isolation(field(p, "EnableNetworkIsolation"), self.enable_network_isolation);
        facts.inter_container_encryption(
            field(p, "EnableInterContainerTrafficEncryption"),
            self.enable_inter_container_traffic_encryption,
        );
        let (volume_key, instance_types) = self.volume.unwrap_or_default();
        facts.instance_types(&instance_types);
        facts.key(
            field(p, "ResourceConfig.VolumeKmsKeyId"),
            KeyPurpose::Volume,
            volume_key,
            instance_types,
        );
        let output_present = self.output_data_config.is_some();
        let (output_key, output_path) = self
            .output_data_config
            .map(|c| (c.kms_key_id, c.s3_output_path))
            .unwrap_or_default();
        facts.key(
            field(p, "OutputDataConfig.KmsKeyId"),
            KeyPurpose::Output,
            output_key,
            Vec::new(),
        );
        facts.s3_in(output_present, field(p, "OutputDataConfig.S3OutputPath"), output_path);
        facts.s3_in(
            self.checkpoint_config.is_some(),
            field(p, "CheckpointConfig.S3Uri"),
            self.checkpoint_config.and_then(|c| c.s3_uri),
        );
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HyperParameterTuningJobSpec {
    pub hyper_parameter_tuning_job_name: Option<String>,
    pub hyper_parameter_tuning_job_arn: Option<String>,
    pub hyper_parameter_tuning_job_status: Option<String>,
    pub training_job_definition: Option<TrainingJobDefinition>,
    pub training_job_definitions: Option<Vec<TrainingJobDefinition>>,
    pub tags: Option<Tags>,
}

/// `HyperParameterTrainingJobDefinition`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrainingJobDefinition {
    pub vpc_config: Option<VpcConfig>,
    pub output_data_config: Option<OutputDataConfig>,
    pub resource_config: Option<ResourceConfig>,
    pub hyper_parameter_tuning_resource_config: Option<HyperParameterTuningResourceConfig>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub enable_network_isolation: Option<bool>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub enable_inter_container_traffic_encryption: Option<bool>,
    pub checkpoint_config: Option<S3UriConfig>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HyperParameterTuningResourceConfig {
    pub instance_type: Option<String>,
    pub volume_kms_key_id: Option<String>,
    pub instance_configs: Option<Vec<InstanceTypeOnly>>,
}

impl TrainingJobDefinition {
    fn fields(self, prefix: String) -> TrainingFields {
        // A definition has `ResourceConfig` or `HyperParameterTuningResourceConfig`.
        let volume = match (self.resource_config, self.hyper_parameter_tuning_resource_config) {
            (Some(config), _) => {
                let types = config.instance_types();
                Some((config.volume_kms_key_id, types))
            }
            (None, Some(config)) => {
                let types = config
                    .instance_type
                    .into_iter()
                    .chain(
                        config
                            .instance_configs
                            .into_iter()
                            .flatten()
                            .filter_map(|c| c.instance_type),
                    )
                    .collect();
                Some((config.volume_kms_key_id, types))
            }
            (None, None) => None,
        };
        TrainingFields {
            prefix,
            vpc_config: self.vpc_config,
            output_data_config: self.output_data_config,
            volume,
            enable_network_isolation: self.enable_network_isolation,
            enable_inter_container_traffic_encryption: self.enable_inter_container_traffic_encryption,
            checkpoint_config: self.checkpoint_config,
        }
    }
}

impl ResourceSpec for HyperParameterTuningJobSpec {
    const KIND: ResourceKind = ResourceKind::HyperParameterTuningJob;
    const NAME_FIELD: &'static str = "hyperParameterTuningJobName";
    fn name(&self) -> Option<&str> {
        self.hyper_parameter_tuning_job_name.as_deref()
    }
    fn arn(&self) -> Option<&str> {
        self.hyper_parameter_tuning_job_arn.as_deref()
    }
    fn status(&self) -> Option<&str> {
        self.hyper_parameter_tuning_job_status.as_deref()
    }
    fn missing_required(&self) -> Option<&'static str> {
        let none =
            self.training_job_definition.is_none() && self.training_job_definitions.as_ref().is_none_or(Vec::is_empty);
        none.then_some("trainingJobDefinition")
    }
    fn collect(self, facts: &mut Facts<'_>) {
        let mut definitions: Vec<(String, TrainingJobDefinition)> = Vec::new();
        if let Some(definition) = self.training_job_definition {
            definitions.push(("TrainingJobDefinition.".to_owned(), definition));
        }
        for (index, definition) in self.training_job_definitions.into_iter().flatten().enumerate() {
            definitions.push((format!("TrainingJobDefinitions[{index}]."), definition));
        }
        if definitions.is_empty() {
            // Only reachable when absent fields are unknown or unchanged: say so per field.
            definitions.push(("TrainingJobDefinition.".to_owned(), TrainingJobDefinition::default()));
        }
        for (prefix, definition) in definitions {
            definition.fields(prefix).collect(facts);
        }
        facts.tags(self.tags);
    }
}

// ---------------------------------------------------------------------------------------------
// Processing job

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProcessingJobSpec {
    pub processing_job_name: Option<String>,
    pub processing_job_arn: Option<String>,
    pub processing_job_status: Option<String>,
    pub network_config: Option<NetworkConfig>,
    pub processing_output_config: Option<ProcessingOutputConfig>,
    pub processing_resources: Option<ProcessingResources>,
    pub tags: Option<Tags>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkConfig {
    pub vpc_config: Option<VpcConfig>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub enable_network_isolation: Option<bool>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub enable_inter_container_traffic_encryption: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProcessingOutputConfig {
    pub kms_key_id: Option<String>,
    pub outputs: Option<Vec<ProcessingOutput>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProcessingOutput {
    pub s3_output: Option<S3UriConfig>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProcessingResources {
    pub cluster_config: Option<ResourceConfig>,
}

/// A processing job's `NetworkConfig` (also a monitoring job's) under `prefix`. Without it each
/// member reads as absent: the AWS default for a call (no VPC, no isolation, no inter-container
/// encryption), unknown for a state change.
fn collect_network_config(facts: &mut Facts<'_>, prefix: &str, network: Option<NetworkConfig>) {
    let network = network.unwrap_or_default();
    facts.network(field(prefix, "NetworkConfig.VpcConfig"), network.vpc_config);
    facts.network_isolation(
        field(prefix, "NetworkConfig.EnableNetworkIsolation"),
        network.enable_network_isolation,
    );
    facts.inter_container_encryption(
        field(prefix, "NetworkConfig.EnableInterContainerTrafficEncryption"),
        network.enable_inter_container_traffic_encryption,
    );
}

impl ResourceSpec for ProcessingJobSpec {
    const KIND: ResourceKind = ResourceKind::ProcessingJob;
    const NAME_FIELD: &'static str = "processingJobName";
    fn name(&self) -> Option<&str> {
        self.processing_job_name.as_deref()
    }
    fn arn(&self) -> Option<&str> {
        self.processing_job_arn.as_deref()
    }
    fn status(&self) -> Option<&str> {
        self.processing_job_status.as_deref()
    }
    fn missing_required(&self) -> Option<&'static str> {
        missing(&self.processing_resources, "processingResources")
    }
    fn collect(self, facts: &mut Facts<'_>) {
        collect_network_config(facts, "", self.network_config);
        let cluster = self.processing_resources.and_then(|r| r.cluster_config);
        let instance_types = cluster.as_ref().map(ResourceConfig::instance_types).unwrap_or_default();
        facts.instance_types(&instance_types);
        facts.key(
            "ProcessingResources.ClusterConfig.VolumeKmsKeyId",
            KeyPurpose::Volume,
            cluster.and_then(|c| c.volume_kms_key_id),
            instance_types,
        );
        let output_present = self.processing_output_config.is_some();
        let output = self.processing_output_config.unwrap_or_default();
        facts.key_within(
            output_present,
            "ProcessingOutputConfig.KmsKeyId",
            KeyPurpose::Output,
            output.kms_key_id,
            Vec::new(),
        );
        for (index, item) in output.outputs.into_iter().flatten().enumerate() {
            facts.s3_in(
                item.s3_output.is_some(),
                format!("ProcessingOutputConfig.Outputs[{index}].S3Output.S3Uri"),
                item.s3_output.and_then(|s| s.s3_uri),
            );
        }
        facts.tags(self.tags);
    }
}

// ---------------------------------------------------------------------------------------------
// Transform job (its network is its model's)

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransformJobSpec {
    pub transform_job_name: Option<String>,
    pub transform_job_arn: Option<String>,
    pub transform_job_status: Option<String>,
    pub model_name: Option<String>,
    pub transform_output: Option<OutputLocation>,
    pub transform_resources: Option<ResourceConfig>,
    pub data_capture_config: Option<DataCaptureConfig>,
    pub tags: Option<Tags>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutputLocation {
    pub kms_key_id: Option<String>,
    pub s3_output_path: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataCaptureConfig {
    pub kms_key_id: Option<String>,
    pub destination_s3_uri: Option<String>,
    /// Endpoint configurations only ("defaults to enabled"); batch transform capture has none.
    #[serde(default, deserialize_with = "opt_bool")]
    pub enable_capture: Option<bool>,
}

/// The capture destination and its key. With `EnableCapture=false` nothing is written, so no
/// key is needed; absent `EnableCapture` means enabled.
fn collect_data_capture(facts: &mut Facts<'_>, config: Option<DataCaptureConfig>) {
    if config.as_ref().is_some_and(|c| c.enable_capture == Some(false)) {
        return;
    }
    let present = config.is_some();
    let capture = config.unwrap_or_default();
    facts.key_within(
        present,
        "DataCaptureConfig.KmsKeyId",
        KeyPurpose::Output,
        capture.kms_key_id,
        Vec::new(),
    );
    facts.s3_in(
        present,
        "DataCaptureConfig.DestinationS3Uri",
        capture.destination_s3_uri,
    );
}

impl ResourceSpec for TransformJobSpec {
    const KIND: ResourceKind = ResourceKind::TransformJob;
    const NAME_FIELD: &'static str = "transformJobName";
    fn name(&self) -> Option<&str> {
        self.transform_job_name.as_deref()
    }
    fn arn(&self) -> Option<&str> {
        self.transform_job_arn.as_deref()
    }
    fn status(&self) -> Option<&str> {
        self.transform_job_status.as_deref()
    }
    fn missing_required(&self) -> Option<&'static str> {
        missing(&self.model_name, "modelName")
            .or(missing(&self.transform_output, "transformOutput"))
            .or(missing(&self.transform_resources, "transformResources"))
    }
    fn collect(self, facts: &mut Facts<'_>) {
        let resources = self.transform_resources;
        let instance_types = resources
            .as_ref()
            .map(ResourceConfig::instance_types)
            .unwrap_or_default();
        facts.instance_types(&instance_types);
        facts.key(
            "TransformResources.VolumeKmsKeyId",
            KeyPurpose::Volume,
            resources.and_then(|r| r.volume_kms_key_id),
            instance_types,
        );
        let output_present = self.transform_output.is_some();
        let output = self.transform_output.unwrap_or_default();
        facts.key(
            "TransformOutput.KmsKeyId",
            KeyPurpose::Output,
            output.kms_key_id,
            Vec::new(),
        );
        facts.s3_in(output_present, "TransformOutput.S3OutputPath", output.s3_output_path);
        collect_data_capture(facts, self.data_capture_config);
        if let Some(model) = non_blank(self.model_name) {
            facts.resource.depends_on.push(ResourceRef {
                kind: ResourceKind::Model,
                name: model,
                arn: None,
                id: None,
            });
        }
        facts.tags(self.tags);
    }
}

// ---------------------------------------------------------------------------------------------
// Model

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelSpec {
    pub model_name: Option<String>,
    pub model_arn: Option<String>,
    pub vpc_config: Option<VpcConfig>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub enable_network_isolation: Option<bool>,
    pub tags: Option<Tags>,
}

impl ResourceSpec for ModelSpec {
    const KIND: ResourceKind = ResourceKind::Model;
    const NAME_FIELD: &'static str = "modelName";
    fn name(&self) -> Option<&str> {
        self.model_name.as_deref()
    }
    fn arn(&self) -> Option<&str> {
        self.model_arn.as_deref()
    }
    fn missing_required(&self) -> Option<&'static str> {
        None
    }
    fn collect(self, facts: &mut Facts<'_>) {
        facts.network("VpcConfig", self.vpc_config);
        facts.network_isolation("EnableNetworkIsolation", self.enable_network_isolation);
        facts.tags(self.tags);
    }
}

// ---------------------------------------------------------------------------------------------
// Endpoint configuration

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EndpointConfigSpec {
    pub endpoint_config_name: Option<String>,
    pub endpoint_config_arn: Option<String>,
    pub kms_key_id: Option<String>,
    pub production_variants: Option<Vec<ProductionVariant>>,
    pub shadow_production_variants: Option<Vec<ProductionVariant>>,
    pub data_capture_config: Option<DataCaptureConfig>,
    pub async_inference_config: Option<AsyncInferenceConfig>,
    /// Set for inference-component endpoint configurations, whose containers run with the
    /// configuration's own `VpcConfig` and `EnableNetworkIsolation`.
    pub execution_role_arn: Option<String>,
    pub vpc_config: Option<VpcConfig>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub enable_network_isolation: Option<bool>,
    pub tags: Option<Tags>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductionVariant {
    pub variant_name: Option<String>,
    pub model_name: Option<String>,
    /// Absent for serverless variants.
    pub instance_type: Option<String>,
    pub core_dump_config: Option<CoreDumpConfig>,
    /// "By default, SSM access is disabled for all production variants behind an endpoint."
    #[serde(default, rename = "enableSSMAccess", deserialize_with = "opt_bool")]
    pub enable_ssm_access: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CoreDumpConfig {
    pub destination_s3_uri: Option<String>,
    pub kms_key_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AsyncInferenceConfig {
    pub output_config: Option<AsyncInferenceOutputConfig>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AsyncInferenceOutputConfig {
    pub kms_key_id: Option<String>,
    pub s3_output_path: Option<String>,
    pub s3_failure_path: Option<String>,
}

impl ResourceSpec for EndpointConfigSpec {
    const KIND: ResourceKind = ResourceKind::EndpointConfig;
    const NAME_FIELD: &'static str = "endpointConfigName";
    /// An inference-component configuration (it has an execution role): the shape with a network.
    fn probe() -> Self {
        EndpointConfigSpec {
            execution_role_arn: Some("probe".to_owned()),
            ..EndpointConfigSpec::default()
        }
    }
    fn name(&self) -> Option<&str> {
        self.endpoint_config_name.as_deref()
    }
    fn arn(&self) -> Option<&str> {
        self.endpoint_config_arn.as_deref()
    }
    fn missing_required(&self) -> Option<&'static str> {
        missing(&self.production_variants, "productionVariants")
    }
    fn collect(self, facts: &mut Facts<'_>) {
        // Classic configurations take their network from each variant's model (evaluated on
        // CreateModel); inference-component configurations carry their own.
        let components = self.execution_role_arn.is_some();
        if components || self.vpc_config.is_some() {
            facts.network("VpcConfig", self.vpc_config);
        }
        if components || self.enable_network_isolation.is_some() {
            facts.network_isolation("EnableNetworkIsolation", self.enable_network_isolation);
        }
        let variants: Vec<(&'static str, usize, ProductionVariant)> = self
            .production_variants
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, v)| ("ProductionVariants", i, v))
            .chain(
                self.shadow_production_variants
                    .into_iter()
                    .flatten()
                    .enumerate()
                    .map(|(i, v)| ("ShadowProductionVariants", i, v)),
            )
            .collect();
        let instance_types: Vec<String> = variants
            .iter()
            .filter_map(|(_, _, v)| v.instance_type.clone())
            .collect();
        facts.instance_types(&instance_types);
        // Serverless variants have no ML storage volume and take no volume key.
        let has_volume = !instance_types.is_empty() || self.kms_key_id.is_some();
        facts.key_within(
            has_volume,
            "KmsKeyId",
            KeyPurpose::Volume,
            self.kms_key_id,
            instance_types,
        );
        collect_data_capture(facts, self.data_capture_config);
        let async_output = self.async_inference_config.and_then(|c| c.output_config);
        let async_present = async_output.is_some();
        let async_output = async_output.unwrap_or_default();
        facts.key_within(
            async_present,
            "AsyncInferenceConfig.OutputConfig.KmsKeyId",
            KeyPurpose::Output,
            async_output.kms_key_id,
            Vec::new(),
        );
        facts.s3(
            "AsyncInferenceConfig.OutputConfig.S3OutputPath",
            async_output.s3_output_path,
        );
        facts.s3(
            "AsyncInferenceConfig.OutputConfig.S3FailurePath",
            async_output.s3_failure_path,
        );
        if facts.absent == Absent::Unknown && variants.is_empty() {
            facts.remote_access("ProductionVariants[*].EnableSSMAccess", None);
        }
        for (list, index, variant) in variants {
            facts.remote_access(format!("{list}[{index}].EnableSSMAccess"), variant.enable_ssm_access);
            if let Some(core_dump) = variant.core_dump_config {
                facts.key(
                    format!("{list}[{index}].CoreDumpConfig.KmsKeyId"),
                    KeyPurpose::Output,
                    core_dump.kms_key_id,
                    Vec::new(),
                );
                facts.s3_in(
                    true,
                    format!("{list}[{index}].CoreDumpConfig.DestinationS3Uri"),
                    core_dump.destination_s3_uri,
                );
            }
            if let Some(model) = non_blank(variant.model_name) {
                let model = ResourceRef {
                    kind: ResourceKind::Model,
                    name: model,
                    arn: None,
                    id: None,
                };
                if !facts.resource.depends_on.contains(&model) {
                    facts.resource.depends_on.push(model);
                }
            }
        }
        facts.tags(self.tags);
    }
}

// ---------------------------------------------------------------------------------------------
// Studio domain

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DomainSpec {
    pub domain_name: Option<String>,
    /// The only name an `UpdateDomain` call has.
    pub domain_id: Option<String>,
    pub domain_arn: Option<String>,
    pub status: Option<String>,
    pub app_network_access_type: Option<String>,
    pub vpc_id: Option<String>,
    pub subnet_ids: Option<Vec<String>>,
    pub domain_settings: Option<DomainSettings>,
    /// `UpdateDomain`'s name for `domainSettings`.
    pub domain_settings_for_update: Option<DomainSettings>,
    pub default_user_settings: Option<UserSettings>,
    pub kms_key_id: Option<String>,
    /// Deprecated name of `kmsKeyId`, still accepted by the API.
    pub home_efs_file_system_kms_key_id: Option<String>,
    pub tags: Option<Tags>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DomainSettings {
    pub security_group_ids: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserSettings {
    pub security_groups: Option<Vec<String>>,
    pub sharing_settings: Option<SharingSettings>,
    pub canvas_app_settings: Option<CanvasAppSettings>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CanvasAppSettings {
    pub workspace_settings: Option<WorkspaceSettings>,
}

/// Where Canvas stores the artifacts it generates, and the key that encrypts them there.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceSettings {
    pub s3_artifact_path: Option<String>,
    pub s3_kms_key_id: Option<String>,
}

/// The user settings a domain's defaults and a user profile share: notebook sharing and the
/// Canvas workspace.
fn collect_user_settings(facts: &mut Facts<'_>, prefix: &'static str, settings: Option<UserSettings>) {
    let settings = settings.unwrap_or_default();
    let sharing = settings.sharing_settings;
    // "The default is Disabled"; `S3KmsKeyId` and `S3OutputPath` apply only when it is
    // `Allowed` (SharingSettings API text).
    let sharing_on = sharing
        .as_ref()
        .is_some_and(|s| s.notebook_output_option.as_deref() == Some("Allowed"));
    let sharing = sharing.unwrap_or_default();
    facts.key_within(
        sharing_on,
        field(prefix, "SharingSettings.S3KmsKeyId"),
        KeyPurpose::Output,
        sharing.s3_kms_key_id,
        Vec::new(),
    );
    if sharing_on {
        // Sharing is on: where the snapshots go must be known (absent, SageMaker would choose).
        facts.s3_in(
            true,
            field(prefix, "SharingSettings.S3OutputPath"),
            sharing.s3_output_path,
        );
    }
    // Canvas writes its artifacts where `WorkspaceSettings` says, encrypted with its key.
    let workspace = settings.canvas_app_settings.and_then(|c| c.workspace_settings);
    let workspace_present = workspace.is_some();
    let workspace = workspace.unwrap_or_default();
    facts.key_within(
        workspace_present,
        field(prefix, "CanvasAppSettings.WorkspaceSettings.S3KmsKeyId"),
        KeyPurpose::Output,
        workspace.s3_kms_key_id,
        Vec::new(),
    );
    facts.s3(
        field(prefix, "CanvasAppSettings.WorkspaceSettings.S3ArtifactPath"),
        workspace.s3_artifact_path,
    );
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SharingSettings {
    pub notebook_output_option: Option<String>,
    pub s3_output_path: Option<String>,
    pub s3_kms_key_id: Option<String>,
}

impl ResourceSpec for DomainSpec {
    const KIND: ResourceKind = ResourceKind::Domain;
    const NAME_FIELD: &'static str = "domainName";
    fn name(&self) -> Option<&str> {
        self.domain_name.as_deref().or(self.domain_id.as_deref())
    }
    fn arn(&self) -> Option<&str> {
        self.domain_arn.as_deref()
    }
    fn id(&self) -> Option<&str> {
        self.domain_id.as_deref()
    }
    fn status(&self) -> Option<&str> {
        self.status.as_deref()
    }
    fn missing_required(&self) -> Option<&'static str> {
        missing(&self.default_user_settings, "defaultUserSettings")
    }
    fn collect(self, facts: &mut Facts<'_>) {
        // Every domain has subnets; only `VpcOnly` sends its traffic through them.
        let absent = facts.absent;
        let (subnet_ids, settings) = (
            self.subnet_ids,
            self.domain_settings.or(self.domain_settings_for_update),
        );
        let attachment = self.app_network_access_type.map(|access| {
            if access == "VpcOnly" {
                let subnets = match (absent, subnet_ids) {
                    (Absent::Unchanged, None) => None,
                    (_, subnets) => Some(non_blank_list(subnets)),
                };
                let security_groups = settings.and_then(|s| s.security_group_ids).unwrap_or_default();
                NetworkAttachment::CustomerVpc {
                    subnets,
                    security_groups,
                }
            } else {
                NetworkAttachment::PublicInternetOnly
            }
        });
        facts.attachment(
            "AppNetworkAccessType",
            attachment,
            NetworkAttachment::PublicInternetOnly,
        );
        let (field, key) = match (
            non_blank(self.kms_key_id),
            non_blank(self.home_efs_file_system_kms_key_id),
        ) {
            (None, Some(legacy)) => ("HomeEfsFileSystemKmsKeyId", Some(legacy)),
            (key, _) => ("KmsKeyId", key),
        };
        facts.key(field, KeyPurpose::Volume, key, Vec::new());
        if self.default_user_settings.is_some() || facts.absent != Absent::Unchanged {
            collect_user_settings(facts, "DefaultUserSettings.", self.default_user_settings);
        }
        facts.tags(self.tags);
    }
}

// ---------------------------------------------------------------------------------------------
// Compilation job

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompilationJobSpec {
    pub compilation_job_name: Option<String>,
    pub compilation_job_arn: Option<String>,
    pub compilation_job_status: Option<String>,
    pub vpc_config: Option<VpcConfig>,
    pub output_config: Option<CompilationOutputConfig>,
    pub tags: Option<Tags>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompilationOutputConfig {
    pub s3_output_location: Option<String>,
    pub kms_key_id: Option<String>,
}

impl ResourceSpec for CompilationJobSpec {
    const KIND: ResourceKind = ResourceKind::CompilationJob;
    const NAME_FIELD: &'static str = "compilationJobName";
    fn name(&self) -> Option<&str> {
        self.compilation_job_name.as_deref()
    }
    fn arn(&self) -> Option<&str> {
        self.compilation_job_arn.as_deref()
    }
    fn status(&self) -> Option<&str> {
        self.compilation_job_status.as_deref()
    }
    fn missing_required(&self) -> Option<&'static str> {
        missing(&self.output_config, "outputConfig")
    }
    fn collect(self, facts: &mut Facts<'_>) {
        facts.network("VpcConfig", self.vpc_config);
        let output_present = self.output_config.is_some();
        let output = self.output_config.unwrap_or_default();
        facts.key(
            "OutputConfig.KmsKeyId",
            KeyPurpose::Output,
            output.kms_key_id,
            Vec::new(),
        );
        facts.s3_in(
            output_present,
            "OutputConfig.S3OutputLocation",
            output.s3_output_location,
        );
        facts.tags(self.tags);
    }
}

// ---------------------------------------------------------------------------------------------
// AutoML jobs (V1 keeps its security settings under `AutoMLJobConfig`, V2 at the top)

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AutoMlSecurityConfig {
    pub volume_kms_key_id: Option<String>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub enable_inter_container_traffic_encryption: Option<bool>,
    pub vpc_config: Option<VpcConfig>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AutoMlJobConfig {
    pub security_config: Option<AutoMlSecurityConfig>,
}

/// `CreateAutoMLJob` (V1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct AutoMlJobSpec {
    #[serde(rename = "autoMLJobName")]
    pub auto_ml_job_name: Option<String>,
    #[serde(rename = "autoMLJobArn")]
    pub auto_ml_job_arn: Option<String>,
    #[serde(rename = "autoMLJobStatus")]
    pub auto_ml_job_status: Option<String>,
    #[serde(rename = "autoMLJobConfig")]
    pub auto_ml_job_config: Option<AutoMlJobConfig>,
    #[serde(rename = "outputDataConfig")]
    pub output_data_config: Option<OutputDataConfig>,
    pub tags: Option<Tags>,
}

/// `CreateAutoMLJobV2`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct AutoMlJobV2Spec {
    #[serde(rename = "autoMLJobName")]
    pub auto_ml_job_name: Option<String>,
    #[serde(rename = "autoMLJobArn")]
    pub auto_ml_job_arn: Option<String>,
    #[serde(rename = "autoMLJobStatus")]
    pub auto_ml_job_status: Option<String>,
    #[serde(rename = "securityConfig")]
    pub security_config: Option<AutoMlSecurityConfig>,
    #[serde(rename = "outputDataConfig")]
    pub output_data_config: Option<OutputDataConfig>,
    pub tags: Option<Tags>,
}

fn collect_auto_ml(
    facts: &mut Facts<'_>,
    prefix: &'static str,
    security: Option<AutoMlSecurityConfig>,
    output: Option<OutputDataConfig>,
    tags: Option<Tags>,
) {
    let security = security.unwrap_or_default();
    facts.network(field(prefix, "VpcConfig"), security.vpc_config);
    facts.inter_container_encryption(
        field(prefix, "EnableInterContainerTrafficEncryption"),
        security.enable_inter_container_traffic_encryption,
    );
    facts.key(
        field(prefix, "VolumeKmsKeyId"),
        KeyPurpose::Volume,
        security.volume_kms_key_id,
        Vec::new(),
    );
    let output_present = output.is_some();
    let output = output.unwrap_or_default();
    facts.key(
        "OutputDataConfig.KmsKeyId",
        KeyPurpose::Output,
        output.kms_key_id,
        Vec::new(),
    );
    facts.s3_in(output_present, "OutputDataConfig.S3OutputPath", output.s3_output_path);
    facts.tags(tags);
}

impl ResourceSpec for AutoMlJobSpec {
    const KIND: ResourceKind = ResourceKind::AutoMlJob;
    const NAME_FIELD: &'static str = "autoMLJobName";
    fn name(&self) -> Option<&str> {
        self.auto_ml_job_name.as_deref()
    }
    fn arn(&self) -> Option<&str> {
        self.auto_ml_job_arn.as_deref()
    }
    fn status(&self) -> Option<&str> {
        self.auto_ml_job_status.as_deref()
    }
    fn missing_required(&self) -> Option<&'static str> {
        missing(&self.output_data_config, "outputDataConfig")
    }
    fn collect(self, facts: &mut Facts<'_>) {
        let security = self.auto_ml_job_config.and_then(|c| c.security_config);
        collect_auto_ml(
            facts,
            "AutoMLJobConfig.SecurityConfig.",
            security,
            self.output_data_config,
            self.tags,
        );
    }
}

impl ResourceSpec for AutoMlJobV2Spec {
    const KIND: ResourceKind = ResourceKind::AutoMlJob;
    const NAME_FIELD: &'static str = "autoMLJobName";
    fn name(&self) -> Option<&str> {
        self.auto_ml_job_name.as_deref()
    }
    fn arn(&self) -> Option<&str> {
        self.auto_ml_job_arn.as_deref()
    }
    fn status(&self) -> Option<&str> {
        self.auto_ml_job_status.as_deref()
    }
    fn missing_required(&self) -> Option<&'static str> {
        missing(&self.output_data_config, "outputDataConfig")
    }
    fn collect(self, facts: &mut Facts<'_>) {
        collect_auto_ml(
            facts,
            "SecurityConfig.",
            self.security_config,
            self.output_data_config,
            self.tags,
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Labeling job (compute, and so a VPC and a volume, only with automated labeling)

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelingJobSpec {
    pub labeling_job_name: Option<String>,
    pub labeling_job_arn: Option<String>,
    pub labeling_job_status: Option<String>,
    pub output_config: Option<OutputLocation>,
    pub labeling_job_algorithms_config: Option<LabelingJobAlgorithmsConfig>,
    pub tags: Option<Tags>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelingJobAlgorithmsConfig {
    pub labeling_job_resource_config: Option<LabelingJobResourceConfig>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelingJobResourceConfig {
    pub volume_kms_key_id: Option<String>,
    pub vpc_config: Option<VpcConfig>,
}

impl ResourceSpec for LabelingJobSpec {
    const KIND: ResourceKind = ResourceKind::LabelingJob;
    const NAME_FIELD: &'static str = "labelingJobName";
    fn name(&self) -> Option<&str> {
        self.labeling_job_name.as_deref()
    }
    fn arn(&self) -> Option<&str> {
        self.labeling_job_arn.as_deref()
    }
    fn status(&self) -> Option<&str> {
        self.labeling_job_status.as_deref()
    }
    fn missing_required(&self) -> Option<&'static str> {
        missing(&self.output_config, "outputConfig")
    }
    fn collect(self, facts: &mut Facts<'_>) {
        if self.labeling_job_algorithms_config.is_some() || facts.absent == Absent::Unknown {
            let resources = self
                .labeling_job_algorithms_config
                .and_then(|a| a.labeling_job_resource_config)
                .unwrap_or_default();
            facts.network(
                "LabelingJobAlgorithmsConfig.LabelingJobResourceConfig.VpcConfig",
                resources.vpc_config,
            );
            facts.key(
                "LabelingJobAlgorithmsConfig.LabelingJobResourceConfig.VolumeKmsKeyId",
                KeyPurpose::Volume,
                resources.volume_kms_key_id,
                Vec::new(),
            );
        }
        let output_present = self.output_config.is_some();
        let output = self.output_config.unwrap_or_default();
        facts.key(
            "OutputConfig.KmsKeyId",
            KeyPurpose::Output,
            output.kms_key_id,
            Vec::new(),
        );
        facts.s3_in(output_present, "OutputConfig.S3OutputPath", output.s3_output_path);
        facts.tags(self.tags);
    }
}

// ---------------------------------------------------------------------------------------------
// Notebook lifecycle configuration (its name is what the lifecycle rule checks)

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NotebookLifecycleConfigSpec {
    pub notebook_instance_lifecycle_config_name: Option<String>,
    pub notebook_instance_lifecycle_config_arn: Option<String>,
    pub tags: Option<Tags>,
}

impl ResourceSpec for NotebookLifecycleConfigSpec {
    const KIND: ResourceKind = ResourceKind::NotebookInstanceLifecycleConfig;
    const NAME_FIELD: &'static str = "notebookInstanceLifecycleConfigName";
    fn name(&self) -> Option<&str> {
        self.notebook_instance_lifecycle_config_name.as_deref()
    }
    fn arn(&self) -> Option<&str> {
        self.notebook_instance_lifecycle_config_arn.as_deref()
    }
    fn missing_required(&self) -> Option<&'static str> {
        None
    }
    fn collect(self, facts: &mut Facts<'_>) {
        facts.tags(self.tags);
    }
}

// ---------------------------------------------------------------------------------------------
// Endpoint: its security is its endpoint configuration's

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EndpointSpec {
    pub endpoint_name: Option<String>,
    pub endpoint_arn: Option<String>,
    pub endpoint_status: Option<String>,
    pub endpoint_config_name: Option<String>,
    /// Not an API member: the serving configuration's `DescribeEndpointConfig` answer, which the
    /// adapter adds to the endpoint's. Calls never carry it.
    pub endpoint_config: Option<EndpointConfigSpec>,
    pub tags: Option<Tags>,
}

impl ResourceSpec for EndpointSpec {
    const KIND: ResourceKind = ResourceKind::Endpoint;
    const NAME_FIELD: &'static str = "endpointName";
    fn probe() -> Self {
        EndpointSpec {
            endpoint_config: Some(EndpointConfigSpec::probe()),
            ..EndpointSpec::default()
        }
    }
    fn name(&self) -> Option<&str> {
        self.endpoint_name.as_deref()
    }
    fn arn(&self) -> Option<&str> {
        self.endpoint_arn.as_deref()
    }
    fn status(&self) -> Option<&str> {
        self.endpoint_status.as_deref()
    }
    fn missing_required(&self) -> Option<&'static str> {
        missing(&self.endpoint_config_name, "endpointConfigName")
    }
    fn collect(self, facts: &mut Facts<'_>) {
        if let Some(config) = non_blank(self.endpoint_config_name) {
            facts.resource.depends_on.push(ResourceRef {
                kind: ResourceKind::EndpointConfig,
                name: config,
                arn: None,
                id: None,
            });
        }
        // The calls name a configuration and carry none of its fields: every one is unknown
        // until the configuration is described (a configuration created before smguard, or
        // while it ran in dry-run, must not reach service unnoticed).
        let (config, absent) = match self.endpoint_config {
            Some(config) => (config, facts.absent),
            None => (EndpointConfigSpec::default(), Absent::Unknown),
        };
        let outer = std::mem::replace(&mut facts.absent, absent);
        ResourceSpec::collect(config, facts);
        facts.absent = outer;
        facts.tags(self.tags);
    }
}

// ---------------------------------------------------------------------------------------------
// User profile and space (Studio)

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserProfileSpec {
    pub domain_id: Option<String>,
    pub user_profile_name: Option<String>,
    pub user_profile_arn: Option<String>,
    pub status: Option<String>,
    pub user_settings: Option<UserSettings>,
    pub tags: Option<Tags>,
}

impl ResourceSpec for UserProfileSpec {
    const KIND: ResourceKind = ResourceKind::UserProfile;
    const NAME_FIELD: &'static str = "userProfileName";
    fn name(&self) -> Option<&str> {
        self.user_profile_name.as_deref()
    }
    fn arn(&self) -> Option<&str> {
        self.user_profile_arn.as_deref()
    }
    fn id(&self) -> Option<&str> {
        self.domain_id.as_deref()
    }
    fn status(&self) -> Option<&str> {
        self.status.as_deref()
    }
    fn missing_required(&self) -> Option<&'static str> {
        missing(&self.domain_id, "domainId")
    }
    fn collect(self, facts: &mut Facts<'_>) {
        // Without `UserSettings` the profile takes the domain's defaults, evaluated on the domain.
        if self.user_settings.is_some() || facts.absent == Absent::Unknown {
            collect_user_settings(facts, "UserSettings.", self.user_settings);
        }
        facts.tags(self.tags);
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpaceSpec {
    pub domain_id: Option<String>,
    pub space_name: Option<String>,
    pub space_arn: Option<String>,
    pub status: Option<String>,
    #[serde(default, deserialize_with = "opt_object")]
    pub space_settings: Option<SpaceSettings>,
    pub tags: Option<Tags>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpaceSettings {
    /// `ENABLED` lets a local IDE connect into the space (a remote shell with the space's role).
    pub remote_access: Option<String>,
}

impl ResourceSpec for SpaceSpec {
    const KIND: ResourceKind = ResourceKind::Space;
    const NAME_FIELD: &'static str = "spaceName";
    fn name(&self) -> Option<&str> {
        self.space_name.as_deref()
    }
    fn arn(&self) -> Option<&str> {
        self.space_arn.as_deref()
    }
    fn id(&self) -> Option<&str> {
        self.domain_id.as_deref()
    }
    fn status(&self) -> Option<&str> {
        self.status.as_deref()
    }
    fn missing_required(&self) -> Option<&'static str> {
        missing(&self.domain_id, "domainId")
    }
    fn collect(self, facts: &mut Facts<'_>) {
        // A space carries no network or key field of its own (the domain's apply) and no
        // `SharingSettings`; its remote access is read. `DISABLED` unless set.
        let remote = self.space_settings.and_then(|s| s.remote_access);
        facts.remote_access(
            "SpaceSettings.RemoteAccess",
            remote.map(|value| value.eq_ignore_ascii_case("ENABLED")),
        );
        facts.tags(self.tags);
    }
}

// ---------------------------------------------------------------------------------------------
// HyperPod cluster

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterSpec {
    pub cluster_name: Option<String>,
    pub cluster_arn: Option<String>,
    pub cluster_status: Option<String>,
    pub vpc_config: Option<VpcConfig>,
    pub instance_groups: Option<Vec<ClusterInstanceGroup>>,
    pub restricted_instance_groups: Option<Vec<ClusterInstanceGroup>>,
    pub tags: Option<Tags>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterInstanceGroup {
    pub instance_group_name: Option<String>,
    pub instance_type: Option<String>,
    pub instance_storage_configs: Option<Vec<ClusterInstanceStorageConfig>>,
    pub override_vpc_config: Option<VpcConfig>,
}

/// A union: one member set. Only the EBS volume takes a key here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterInstanceStorageConfig {
    pub ebs_volume_config: Option<ClusterEbsVolumeConfig>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterEbsVolumeConfig {
    pub volume_kms_key_id: Option<String>,
}

impl ResourceSpec for ClusterSpec {
    const KIND: ResourceKind = ResourceKind::Cluster;
    const NAME_FIELD: &'static str = "clusterName";
    fn name(&self) -> Option<&str> {
        self.cluster_name.as_deref()
    }
    fn arn(&self) -> Option<&str> {
        self.cluster_arn.as_deref()
    }
    fn status(&self) -> Option<&str> {
        self.cluster_status.as_deref()
    }
    fn missing_required(&self) -> Option<&'static str> {
        missing(&self.instance_groups, "instanceGroups")
    }
    fn collect(self, facts: &mut Facts<'_>) {
        // `UpdateCluster` cannot change the cluster's VPC: it is left as it was.
        facts.network("VpcConfig", self.vpc_config);
        let groups = self
            .instance_groups
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, g)| ("InstanceGroups", i, g))
            .chain(
                self.restricted_instance_groups
                    .into_iter()
                    .flatten()
                    .enumerate()
                    .map(|(i, g)| ("RestrictedInstanceGroups", i, g)),
            );
        let mut any = false;
        for (list, index, group) in groups {
            any = true;
            facts.instance_types(group.instance_type.as_slice());
            if let Some(vpc) = group.override_vpc_config {
                facts.network(format!("{list}[{index}].OverrideVpcConfig"), Some(vpc));
            }
            for (storage, config) in group.instance_storage_configs.into_iter().flatten().enumerate() {
                if let Some(ebs) = config.ebs_volume_config {
                    // "Optionally specify VolumeKmsKeyId to encrypt the volume with your own KMS
                    // key instead of an AWS owned KMS key" (ClusterEbsVolumeConfig): no
                    // instance-type exception in the API text.
                    facts.key_as(
                        Absent::Default,
                        format!("{list}[{index}].InstanceStorageConfigs[{storage}].EbsVolumeConfig.VolumeKmsKeyId"),
                        KeyPurpose::Volume,
                        ebs.volume_kms_key_id,
                        Vec::new(),
                    );
                }
            }
        }
        if !any && facts.absent == Absent::Unknown {
            facts.key(
                "InstanceGroups[*].InstanceStorageConfigs[*].EbsVolumeConfig.VolumeKmsKeyId",
                KeyPurpose::Volume,
                None,
                Vec::new(),
            );
        }
        facts.tags(self.tags);
    }
}

// ---------------------------------------------------------------------------------------------
// Model monitoring: schedules (with an inline job definition, or naming one) and the four job
// definitions

// Monitoring jobs are processing jobs: `NetworkConfig` and the cluster resources (`MonitoringResources`,
// `JobResources`) have the processing job's shapes.

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MonitoringOutputConfig {
    pub kms_key_id: Option<String>,
    pub monitoring_outputs: Option<Vec<ProcessingOutput>>,
}

/// The fields every monitoring job has, wherever they sit.
struct MonitoringFields {
    prefix: &'static str,
    /// `MonitoringResources` inside a schedule's job definition, `JobResources` in a job definition.
    resources_field: &'static str,
    output_field: &'static str,
    network: Option<NetworkConfig>,
    resources: Option<ProcessingResources>,
    output: Option<MonitoringOutputConfig>,
}

impl MonitoringFields {
    fn collect(self, facts: &mut Facts<'_>) {
        let p = self.prefix;
        collect_network_config(facts, p, self.network);
        let cluster = self.resources.and_then(|r| r.cluster_config);
        let instance_types = cluster.as_ref().map(ResourceConfig::instance_types).unwrap_or_default();
        facts.instance_types(&instance_types);
        // Monitoring jobs run as processing jobs: the same local-storage exception applies.
        facts.key(
            FieldName::Owned(format!("{p}{}.ClusterConfig.VolumeKmsKeyId", self.resources_field)),
            KeyPurpose::Volume,
            cluster.and_then(|c| c.volume_kms_key_id),
            instance_types,
        );
        let output = self.output.unwrap_or_default();
        facts.key(
            FieldName::Owned(format!("{p}{}.KmsKeyId", self.output_field)),
            KeyPurpose::Output,
            output.kms_key_id,
            Vec::new(),
        );
        for (index, item) in output.monitoring_outputs.into_iter().flatten().enumerate() {
            facts.s3_in(
                item.s3_output.is_some(),
                format!("{p}{}.MonitoringOutputs[{index}].S3Output.S3Uri", self.output_field),
                item.s3_output.and_then(|s| s.s3_uri),
            );
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MonitoringScheduleSpec {
    pub monitoring_schedule_name: Option<String>,
    pub monitoring_schedule_arn: Option<String>,
    pub monitoring_schedule_status: Option<String>,
    pub monitoring_schedule_config: Option<MonitoringScheduleConfig>,
    pub tags: Option<Tags>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MonitoringScheduleConfig {
    pub monitoring_job_definition: Option<MonitoringJobDefinition>,
    pub monitoring_job_definition_name: Option<String>,
    pub monitoring_type: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MonitoringJobDefinition {
    pub network_config: Option<NetworkConfig>,
    pub monitoring_resources: Option<ProcessingResources>,
    pub monitoring_output_config: Option<MonitoringOutputConfig>,
}

impl ResourceSpec for MonitoringScheduleSpec {
    const KIND: ResourceKind = ResourceKind::MonitoringSchedule;
    const NAME_FIELD: &'static str = "monitoringScheduleName";
    fn name(&self) -> Option<&str> {
        self.monitoring_schedule_name.as_deref()
    }
    fn arn(&self) -> Option<&str> {
        self.monitoring_schedule_arn.as_deref()
    }
    fn status(&self) -> Option<&str> {
        self.monitoring_schedule_status.as_deref()
    }
    fn missing_required(&self) -> Option<&'static str> {
        missing(&self.monitoring_schedule_config, "monitoringScheduleConfig")
    }
    fn collect(self, facts: &mut Facts<'_>) {
        let config = self.monitoring_schedule_config.unwrap_or_default();
        // A schedule that names a job definition runs that definition, evaluated on its own
        // Create call; an inline definition is read here.
        if let Some(name) = non_blank(config.monitoring_job_definition_name) {
            let kind = match config.monitoring_type.as_deref() {
                Some("ModelQuality") => ResourceKind::ModelQualityJobDefinition,
                Some("ModelBias") => ResourceKind::ModelBiasJobDefinition,
                Some("ModelExplainability") => ResourceKind::ModelExplainabilityJobDefinition,
                // "DataQuality", the default type.
                Some(_) | None => ResourceKind::DataQualityJobDefinition,
            };
            facts.resource.depends_on.push(ResourceRef {
                kind,
                name,
                arn: None,
                id: None,
            });
        }
        let inline = config.monitoring_job_definition;
        if inline.is_none() && facts.absent != Absent::Unknown {
            facts.tags(self.tags);
            return;
        }
        let definition = inline.unwrap_or_default();
        MonitoringFields {
            prefix: "MonitoringScheduleConfig.MonitoringJobDefinition.",
            resources_field: "MonitoringResources",
            output_field: "MonitoringOutputConfig",
            network: definition.network_config,
            resources: definition.monitoring_resources,
            output: definition.monitoring_output_config,
        }
        .collect(facts);
        facts.tags(self.tags);
    }
}

/// The four monitoring job definitions share one shape but for their output member's name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobDefinitionFields {
    pub job_definition_name: Option<String>,
    pub job_definition_arn: Option<String>,
    pub job_resources: Option<ProcessingResources>,
    pub network_config: Option<NetworkConfig>,
    pub tags: Option<Tags>,
}

macro_rules! job_definition_spec {
    ($spec:ident, $kind:ident, $output:ident, $output_name:literal) => {
        #[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $spec {
            #[serde(flatten)]
            pub fields: JobDefinitionFields,
            pub $output: Option<MonitoringOutputConfig>,
        }

        impl ResourceSpec for $spec {
            const KIND: ResourceKind = ResourceKind::$kind;
            const NAME_FIELD: &'static str = "jobDefinitionName";
            fn name(&self) -> Option<&str> {
                self.fields.job_definition_name.as_deref()
            }
            fn arn(&self) -> Option<&str> {
                self.fields.job_definition_arn.as_deref()
            }
            fn missing_required(&self) -> Option<&'static str> {
                missing(&self.fields.job_resources, "jobResources")
            }
            fn collect(self, facts: &mut Facts<'_>) {
                MonitoringFields {
                    prefix: "",
                    resources_field: "JobResources",
                    output_field: $output_name,
                    network: self.fields.network_config,
                    resources: self.fields.job_resources,
                    output: self.$output,
                }
                .collect(facts);
                facts.tags(self.fields.tags);
            }
        }
    };
}

job_definition_spec!(
    DataQualityJobDefinitionSpec,
    DataQualityJobDefinition,
    data_quality_job_output_config,
    "DataQualityJobOutputConfig"
);
job_definition_spec!(
    ModelQualityJobDefinitionSpec,
    ModelQualityJobDefinition,
    model_quality_job_output_config,
    "ModelQualityJobOutputConfig"
);
job_definition_spec!(
    ModelBiasJobDefinitionSpec,
    ModelBiasJobDefinition,
    model_bias_job_output_config,
    "ModelBiasJobOutputConfig"
);
job_definition_spec!(
    ModelExplainabilityJobDefinitionSpec,
    ModelExplainabilityJobDefinition,
    model_explainability_job_output_config,
    "ModelExplainabilityJobOutputConfig"
);

// ---------------------------------------------------------------------------------------------
// Inference optimization job

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OptimizationJobSpec {
    pub optimization_job_name: Option<String>,
    pub optimization_job_arn: Option<String>,
    pub optimization_job_status: Option<String>,
    pub vpc_config: Option<VpcConfig>,
    pub output_config: Option<CompilationOutputConfig>,
    pub tags: Option<Tags>,
}

impl ResourceSpec for OptimizationJobSpec {
    const KIND: ResourceKind = ResourceKind::OptimizationJob;
    const NAME_FIELD: &'static str = "optimizationJobName";
    fn name(&self) -> Option<&str> {
        self.optimization_job_name.as_deref()
    }
    fn arn(&self) -> Option<&str> {
        self.optimization_job_arn.as_deref()
    }
    fn status(&self) -> Option<&str> {
        self.optimization_job_status.as_deref()
    }
    fn missing_required(&self) -> Option<&'static str> {
        missing(&self.output_config, "outputConfig")
    }
    fn collect(self, facts: &mut Facts<'_>) {
        facts.network("VpcConfig", self.vpc_config);
        let output_present = self.output_config.is_some();
        let output = self.output_config.unwrap_or_default();
        facts.key(
            "OutputConfig.KmsKeyId",
            KeyPurpose::Output,
            output.kms_key_id,
            Vec::new(),
        );
        facts.s3_in(
            output_present,
            "OutputConfig.S3OutputLocation",
            output.s3_output_location,
        );
        facts.tags(self.tags);
    }
}

// ---------------------------------------------------------------------------------------------
// Feature group (Feature Store)

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeatureGroupSpec {
    pub feature_group_name: Option<String>,
    pub feature_group_arn: Option<String>,
    pub feature_group_status: Option<String>,
    pub online_store_config: Option<OnlineStoreConfig>,
    pub offline_store_config: Option<OfflineStoreConfig>,
    pub tags: Option<Tags>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OnlineStoreConfig {
    #[serde(default, deserialize_with = "opt_bool")]
    pub enable_online_store: Option<bool>,
    pub security_config: Option<OnlineStoreSecurityConfig>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OnlineStoreSecurityConfig {
    pub kms_key_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OfflineStoreConfig {
    pub s3_storage_config: Option<S3StorageConfig>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct S3StorageConfig {
    pub s3_uri: Option<String>,
    pub kms_key_id: Option<String>,
}

impl ResourceSpec for FeatureGroupSpec {
    const KIND: ResourceKind = ResourceKind::FeatureGroup;
    const NAME_FIELD: &'static str = "featureGroupName";
    fn name(&self) -> Option<&str> {
        self.feature_group_name.as_deref()
    }
    fn arn(&self) -> Option<&str> {
        self.feature_group_arn.as_deref()
    }
    fn status(&self) -> Option<&str> {
        self.feature_group_status.as_deref()
    }
    fn missing_required(&self) -> Option<&'static str> {
        None
    }
    fn collect(self, facts: &mut Facts<'_>) {
        // The online store exists only with `EnableOnlineStore=true` (default false); its key
        // encrypts the store at rest.
        let online = self.online_store_config;
        let online_on = online.as_ref().is_some_and(|o| o.enable_online_store == Some(true));
        facts.key_within(
            online_on,
            "OnlineStoreConfig.SecurityConfig.KmsKeyId",
            KeyPurpose::Volume,
            online.and_then(|o| o.security_config).and_then(|c| c.kms_key_id),
            Vec::new(),
        );
        // The offline store writes Parquet to S3 with this key.
        let offline = self
            .offline_store_config
            .map(|o| o.s3_storage_config.unwrap_or_default());
        let offline_present = offline.is_some();
        let offline = offline.unwrap_or_default();
        facts.key_within(
            offline_present,
            "OfflineStoreConfig.S3StorageConfig.KmsKeyId",
            KeyPurpose::Output,
            offline.kms_key_id,
            Vec::new(),
        );
        facts.s3_in(
            offline_present,
            "OfflineStoreConfig.S3StorageConfig.S3Uri",
            offline.s3_uri,
        );
        facts.tags(self.tags);
    }
}

// ---------------------------------------------------------------------------------------------
// Inference experiment (shadow variants on an endpoint)

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InferenceExperimentSpec {
    pub name: Option<String>,
    pub arn: Option<String>,
    pub status: Option<String>,
    pub endpoint_name: Option<String>,
    pub kms_key: Option<String>,
    pub data_storage_config: Option<InferenceExperimentDataStorageConfig>,
    pub tags: Option<Tags>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InferenceExperimentDataStorageConfig {
    pub destination: Option<String>,
    pub kms_key: Option<String>,
}

impl ResourceSpec for InferenceExperimentSpec {
    const KIND: ResourceKind = ResourceKind::InferenceExperiment;
    const NAME_FIELD: &'static str = "name";
    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    fn arn(&self) -> Option<&str> {
        self.arn.as_deref()
    }
    fn status(&self) -> Option<&str> {
        self.status.as_deref()
    }
    fn missing_required(&self) -> Option<&'static str> {
        missing(&self.endpoint_name, "endpointName")
    }
    fn collect(self, facts: &mut Facts<'_>) {
        // "The KMS key that SageMaker uses to encrypt data on the storage volume attached to the
        // ML compute instance that hosts the endpoint" of the shadow variants.
        facts.key("KmsKey", KeyPurpose::Volume, self.kms_key, Vec::new());
        let storage_present = self.data_storage_config.is_some();
        let storage = self.data_storage_config.unwrap_or_default();
        facts.key_within(
            storage_present,
            "DataStorageConfig.KmsKey",
            KeyPurpose::Output,
            storage.kms_key,
            Vec::new(),
        );
        facts.s3_in(storage_present, "DataStorageConfig.Destination", storage.destination);
        facts.tags(self.tags);
    }
}

// ---------------------------------------------------------------------------------------------
// Edge packaging job

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EdgePackagingJobSpec {
    pub edge_packaging_job_name: Option<String>,
    pub edge_packaging_job_arn: Option<String>,
    pub edge_packaging_job_status: Option<String>,
    pub output_config: Option<CompilationOutputConfig>,
    pub tags: Option<Tags>,
}

impl ResourceSpec for EdgePackagingJobSpec {
    const KIND: ResourceKind = ResourceKind::EdgePackagingJob;
    const NAME_FIELD: &'static str = "edgePackagingJobName";
    fn name(&self) -> Option<&str> {
        self.edge_packaging_job_name.as_deref()
    }
    fn arn(&self) -> Option<&str> {
        self.edge_packaging_job_arn.as_deref()
    }
    fn status(&self) -> Option<&str> {
        self.edge_packaging_job_status.as_deref()
    }
    fn missing_required(&self) -> Option<&'static str> {
        missing(&self.output_config, "outputConfig")
    }
    fn collect(self, facts: &mut Facts<'_>) {
        // "If you don't provide a KMS key ID, SageMaker uses the default KMS key for Amazon S3
        // for your role's account" (EdgeOutputConfig.KmsKeyId).
        let output_present = self.output_config.is_some();
        let output = self.output_config.unwrap_or_default();
        facts.key(
            "OutputConfig.KmsKeyId",
            KeyPurpose::Output,
            output.kms_key_id,
            Vec::new(),
        );
        facts.s3_in(
            output_present,
            "OutputConfig.S3OutputLocation",
            output.s3_output_location,
        );
        facts.tags(self.tags);
    }
}

/// PascalCase `Describe*` / state-change keys → the camelCase CloudTrail uses
/// (`NotebookInstanceName` → `notebookInstanceName`), recursively, except inside `Tags` maps, whose
/// keys are the customer's.
pub fn camel_case(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, value)| {
                    let value = match value {
                        Value::Object(inner) if key == "Tags" => Value::Object(inner),
                        other => camel_case(other),
                    };
                    (lower_first(&key), value)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(camel_case).collect()),
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

/// The resource a `Describe*` answer (PascalCase JSON, as the API returns it) describes: absent
/// members are AWS defaults (the answer omits unset members), and the status and location are
/// read from the answer.
pub fn described(read: Reader, operation: &str, answer: serde_json::Value) -> Result<Resource, ReadError> {
    let time = |member: &str| {
        answer.get(member).map(|time| match time {
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        })
    };
    let origin = Origin {
        source: SourceKind::Describe,
        name: operation.to_owned(),
        event_id: None,
        time: time("CreationTime"),
        modified: time("LastModifiedTime"),
    };
    let mut resource = read(Input::Value(camel_case(answer)), Absent::Default, Scope::Whole, origin)?;
    if let Some(arn) = &resource.arn {
        resource.location = Location::from_arn(arn);
    }
    Ok(resource)
}
