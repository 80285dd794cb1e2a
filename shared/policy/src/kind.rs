//! The kind table: everything smguard knows about each SageMaker resource kind, in one entry.
//!
//! An entry names the kind's API (the CloudTrail calls read and how, the `Describe*`, `List*`,
//! `Stop*` and `Delete*` operations), its ARN, its native state-change event, its containment
//! and its field reader. Every other list is derived from this table: the CloudTrail names the
//! EventBridge rule routes ([`evaluated_api_calls`]), the state changes ([`evaluated_state_changes`]),
//! the response plan, the adapters' dispatch and IAM permissions, and each rule's applies-to
//! (the kinds whose reader yields a field the rule checks). Adding a kind is a variant here, an
//! entry, and a reader in [`crate::event::spec`]; the README's "Adding a kind" lists the rest.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::event::spec::{self, Reader, read};
use crate::model::Scope;

/// The SageMaker resource kinds smguard evaluates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    NotebookInstance,
    NotebookInstanceLifecycleConfig,
    TrainingJob,
    ProcessingJob,
    HyperParameterTuningJob,
    TransformJob,
    Model,
    EndpointConfig,
    Endpoint,
    Domain,
    UserProfile,
    Space,
    CompilationJob,
    AutoMlJob,
    LabelingJob,
    Cluster,
    MonitoringSchedule,
    DataQualityJobDefinition,
    ModelQualityJobDefinition,
    ModelBiasJobDefinition,
    ModelExplainabilityJobDefinition,
    OptimizationJob,
    FeatureGroup,
    InferenceExperiment,
    EdgePackagingJob,
}

impl ResourceKind {
    pub const ALL: [ResourceKind; 25] = [
        ResourceKind::NotebookInstance,
        ResourceKind::NotebookInstanceLifecycleConfig,
        ResourceKind::TrainingJob,
        ResourceKind::ProcessingJob,
        ResourceKind::HyperParameterTuningJob,
        ResourceKind::TransformJob,
        ResourceKind::Model,
        ResourceKind::EndpointConfig,
        ResourceKind::Endpoint,
        ResourceKind::Domain,
        ResourceKind::UserProfile,
        ResourceKind::Space,
        ResourceKind::CompilationJob,
        ResourceKind::AutoMlJob,
        ResourceKind::LabelingJob,
        ResourceKind::Cluster,
        ResourceKind::MonitoringSchedule,
        ResourceKind::DataQualityJobDefinition,
        ResourceKind::ModelQualityJobDefinition,
        ResourceKind::ModelBiasJobDefinition,
        ResourceKind::ModelExplainabilityJobDefinition,
        ResourceKind::OptimizationJob,
        ResourceKind::FeatureGroup,
        ResourceKind::InferenceExperiment,
        ResourceKind::EdgePackagingJob,
    ];

    /// The kind's entry in the table: the one match over kinds that knows them all.
    pub fn entry(self) -> &'static KindEntry {
        use ResourceKind as K;
        match self {
            K::NotebookInstance => &NOTEBOOK_INSTANCE,
            K::NotebookInstanceLifecycleConfig => &NOTEBOOK_INSTANCE_LIFECYCLE_CONFIG,
            K::TrainingJob => &TRAINING_JOB,
            K::ProcessingJob => &PROCESSING_JOB,
            K::HyperParameterTuningJob => &HYPER_PARAMETER_TUNING_JOB,
            K::TransformJob => &TRANSFORM_JOB,
            K::Model => &MODEL,
            K::EndpointConfig => &ENDPOINT_CONFIG,
            K::Endpoint => &ENDPOINT,
            K::Domain => &DOMAIN,
            K::UserProfile => &USER_PROFILE,
            K::Space => &SPACE,
            K::CompilationJob => &COMPILATION_JOB,
            K::AutoMlJob => &AUTO_ML_JOB,
            K::LabelingJob => &LABELING_JOB,
            K::Cluster => &CLUSTER,
            K::MonitoringSchedule => &MONITORING_SCHEDULE,
            K::DataQualityJobDefinition => &DATA_QUALITY_JOB_DEFINITION,
            K::ModelQualityJobDefinition => &MODEL_QUALITY_JOB_DEFINITION,
            K::ModelBiasJobDefinition => &MODEL_BIAS_JOB_DEFINITION,
            K::ModelExplainabilityJobDefinition => &MODEL_EXPLAINABILITY_JOB_DEFINITION,
            K::OptimizationJob => &OPTIMIZATION_JOB,
            K::FeatureGroup => &FEATURE_GROUP,
            K::InferenceExperiment => &INFERENCE_EXPERIMENT,
            K::EdgePackagingJob => &EDGE_PACKAGING_JOB,
        }
    }

    /// The snake_case name used in JSON output, configuration and action names.
    pub fn as_str(self) -> &'static str {
        self.entry().name
    }

    /// The resource-type segment of the kind's ARN (`…:training-job/<name>`).
    pub fn arn_resource_type(self) -> &'static str {
        self.entry().arn_type
    }

    /// Words for alerts ("training job").
    pub fn display_name(self) -> &'static str {
        self.entry().display
    }

    /// The kind named `name` (`training_job`).
    pub fn named(name: &str) -> Option<ResourceKind> {
        ResourceKind::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}

impl fmt::Display for ResourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One kind's entry in the table.
#[derive(Debug)]
pub struct KindEntry {
    pub kind: ResourceKind,
    /// snake_case, as serde writes the kind.
    pub name: &'static str,
    pub display: &'static str,
    /// The ARN's resource type (`training-job`).
    pub arn_type: &'static str,
    /// The camelCase fields the ARN's path segments after the type hold, in order
    /// (`user-profile/<domainId>/<userProfileName>`): how a resource is named from an ARN alone.
    pub arn_names: &'static [&'static str],
    /// The camelCase `responseElements` member of the Create calls that holds the new ARN.
    pub response_arn: &'static str,
    /// The CloudTrail calls (`eventName`s from `sagemaker.amazonaws.com`) that create or change
    /// the kind, each with its reader.
    pub calls: &'static [ApiCall],
    /// SageMaker's native state-change `detail-type`, where EventBridge carries one.
    pub state_change: Option<&'static str>,
    /// The `Describe*` operations an inventory read makes, the first one's reader also reading
    /// state-change details (they are `Describe*` shapes).
    pub describe: &'static [Operation],
    pub list: &'static str,
    pub stop: Option<&'static str>,
    pub delete: Option<&'static str>,
    pub containment: Containment,
}

/// A CloudTrail call of a kind.
#[derive(Debug)]
pub struct ApiCall {
    pub name: &'static str,
    /// `Whole` for Create calls (absent fields are AWS defaults); `Change` for Update calls.
    pub scope: Scope,
    /// The status the call leaves the resource in, where it implies one.
    pub status_after: Option<&'static str>,
    pub read: Reader,
}

/// An API operation and the reader of its answer.
#[derive(Debug)]
pub struct Operation {
    pub name: &'static str,
    pub read: Reader,
}

/// How an `enforce` finding on the kind is contained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Containment {
    /// Notebook instances: stop when `InService`, wait while pending, delete when stopped if
    /// configured.
    Notebook,
    /// Jobs and schedules: stop unless already finished.
    Stop,
    /// Configurations and definitions nothing runs from yet: delete.
    Delete,
    /// Serving resources: delete while being created (nothing depends on them yet); once in
    /// service, alert only (deleting would cut off what depends on them).
    DeleteWhileCreating,
    /// Nothing safe to do: alert only, for the reason given.
    AlertOnly(&'static str),
}

const fn create(name: &'static str, status_after: Option<&'static str>, read: Reader) -> ApiCall {
    ApiCall {
        name,
        scope: Scope::Whole,
        status_after,
        read,
    }
}

const fn update(name: &'static str, status_after: Option<&'static str>, read: Reader) -> ApiCall {
    ApiCall {
        name,
        scope: Scope::Change,
        status_after,
        read,
    }
}

const fn op(name: &'static str, read: Reader) -> Operation {
    Operation { name, read }
}

static NOTEBOOK_INSTANCE: KindEntry = KindEntry {
    kind: ResourceKind::NotebookInstance,
    name: "notebook_instance",
    display: "notebook instance",
    arn_type: "notebook-instance",
    arn_names: &["notebookInstanceName"],
    response_arn: "notebookInstanceArn",
    calls: &[
        create(
            "CreateNotebookInstance",
            Some("Pending"),
            read::<spec::NotebookInstanceSpec>,
        ),
        update(
            "UpdateNotebookInstance",
            Some("Updating"),
            read::<spec::NotebookInstanceSpec>,
        ),
    ],
    state_change: Some("SageMaker Notebook Instance State Change"),
    describe: &[op("DescribeNotebookInstance", read::<spec::NotebookInstanceSpec>)],
    list: "ListNotebookInstances",
    stop: Some("StopNotebookInstance"),
    delete: Some("DeleteNotebookInstance"),
    containment: Containment::Notebook,
};

static NOTEBOOK_INSTANCE_LIFECYCLE_CONFIG: KindEntry = KindEntry {
    kind: ResourceKind::NotebookInstanceLifecycleConfig,
    name: "notebook_instance_lifecycle_config",
    display: "notebook lifecycle configuration",
    arn_type: "notebook-instance-lifecycle-config",
    arn_names: &["notebookInstanceLifecycleConfigName"],
    response_arn: "notebookInstanceLifecycleConfigArn",
    calls: &[
        create(
            "CreateNotebookInstanceLifecycleConfig",
            None,
            read::<spec::NotebookLifecycleConfigSpec>,
        ),
        update(
            "UpdateNotebookInstanceLifecycleConfig",
            None,
            read::<spec::NotebookLifecycleConfigSpec>,
        ),
    ],
    state_change: None,
    describe: &[op(
        "DescribeNotebookInstanceLifecycleConfig",
        read::<spec::NotebookLifecycleConfigSpec>,
    )],
    list: "ListNotebookInstanceLifecycleConfigs",
    stop: None,
    delete: None,
    containment: Containment::AlertOnly(
        "a lifecycle configuration is a script, not compute: the notebooks that attach it are contained",
    ),
};

static TRAINING_JOB: KindEntry = KindEntry {
    kind: ResourceKind::TrainingJob,
    name: "training_job",
    display: "training job",
    arn_type: "training-job",
    arn_names: &["trainingJobName"],
    response_arn: "trainingJobArn",
    calls: &[
        create("CreateTrainingJob", Some("InProgress"), read::<spec::TrainingJobSpec>),
        update("UpdateTrainingJob", None, read::<spec::TrainingJobSpec>),
    ],
    state_change: Some("SageMaker Training Job State Change"),
    describe: &[op("DescribeTrainingJob", read::<spec::TrainingJobSpec>)],
    list: "ListTrainingJobs",
    stop: Some("StopTrainingJob"),
    delete: None,
    containment: Containment::Stop,
};

static PROCESSING_JOB: KindEntry = KindEntry {
    kind: ResourceKind::ProcessingJob,
    name: "processing_job",
    display: "processing job",
    arn_type: "processing-job",
    arn_names: &["processingJobName"],
    response_arn: "processingJobArn",
    calls: &[create(
        "CreateProcessingJob",
        Some("InProgress"),
        read::<spec::ProcessingJobSpec>,
    )],
    state_change: Some("SageMaker Processing Job State Change"),
    describe: &[op("DescribeProcessingJob", read::<spec::ProcessingJobSpec>)],
    list: "ListProcessingJobs",
    stop: Some("StopProcessingJob"),
    delete: None,
    containment: Containment::Stop,
};

static HYPER_PARAMETER_TUNING_JOB: KindEntry = KindEntry {
    kind: ResourceKind::HyperParameterTuningJob,
    name: "hyper_parameter_tuning_job",
    display: "hyper-parameter tuning job",
    arn_type: "hyper-parameter-tuning-job",
    arn_names: &["hyperParameterTuningJobName"],
    response_arn: "hyperParameterTuningJobArn",
    calls: &[create(
        "CreateHyperParameterTuningJob",
        Some("InProgress"),
        read::<spec::HyperParameterTuningJobSpec>,
    )],
    state_change: Some("SageMaker HyperParameter Tuning Job State Change"),
    describe: &[op(
        "DescribeHyperParameterTuningJob",
        read::<spec::HyperParameterTuningJobSpec>,
    )],
    list: "ListHyperParameterTuningJobs",
    stop: Some("StopHyperParameterTuningJob"),
    delete: None,
    containment: Containment::Stop,
};

static TRANSFORM_JOB: KindEntry = KindEntry {
    kind: ResourceKind::TransformJob,
    name: "transform_job",
    display: "transform job",
    arn_type: "transform-job",
    arn_names: &["transformJobName"],
    response_arn: "transformJobArn",
    calls: &[create(
        "CreateTransformJob",
        Some("InProgress"),
        read::<spec::TransformJobSpec>,
    )],
    state_change: Some("SageMaker Transform Job State Change"),
    describe: &[op("DescribeTransformJob", read::<spec::TransformJobSpec>)],
    list: "ListTransformJobs",
    stop: Some("StopTransformJob"),
    delete: None,
    containment: Containment::Stop,
};

static MODEL: KindEntry = KindEntry {
    kind: ResourceKind::Model,
    name: "model",
    display: "model",
    arn_type: "model",
    arn_names: &["modelName"],
    response_arn: "modelArn",
    calls: &[create("CreateModel", None, read::<spec::ModelSpec>)],
    // A backstop for a missed or unreadable Create call: its detail carries few of the fields
    // the rules need, so the guard describes the model.
    state_change: Some("SageMaker Model State Change"),
    describe: &[op("DescribeModel", read::<spec::ModelSpec>)],
    list: "ListModels",
    stop: None,
    delete: Some("DeleteModel"),
    containment: Containment::Delete,
};

static ENDPOINT_CONFIG: KindEntry = KindEntry {
    kind: ResourceKind::EndpointConfig,
    name: "endpoint_config",
    display: "endpoint configuration",
    arn_type: "endpoint-config",
    arn_names: &["endpointConfigName"],
    response_arn: "endpointConfigArn",
    calls: &[create("CreateEndpointConfig", None, read::<spec::EndpointConfigSpec>)],
    state_change: Some("SageMaker Endpoint Config State Change"),
    describe: &[op("DescribeEndpointConfig", read::<spec::EndpointConfigSpec>)],
    list: "ListEndpointConfigs",
    stop: None,
    delete: Some("DeleteEndpointConfig"),
    containment: Containment::Delete,
};

static ENDPOINT: KindEntry = KindEntry {
    kind: ResourceKind::Endpoint,
    name: "endpoint",
    display: "endpoint",
    arn_type: "endpoint",
    arn_names: &["endpointName"],
    response_arn: "endpointArn",
    // The calls carry no security fields: they put an endpoint configuration into service, and
    // the reader leaves every configuration field unknown until the configuration is described.
    calls: &[
        create("CreateEndpoint", Some("Creating"), read::<spec::EndpointSpec>),
        update("UpdateEndpoint", Some("Updating"), read::<spec::EndpointSpec>),
    ],
    state_change: None,
    // The adapter adds the serving configuration's answer under `EndpointConfig`.
    describe: &[
        op("DescribeEndpoint", read::<spec::EndpointSpec>),
        op("DescribeEndpointConfig", read::<spec::EndpointSpec>),
    ],
    list: "ListEndpoints",
    stop: None,
    delete: Some("DeleteEndpoint"),
    containment: Containment::DeleteWhileCreating,
};

static DOMAIN: KindEntry = KindEntry {
    kind: ResourceKind::Domain,
    name: "domain",
    display: "Studio domain",
    arn_type: "domain",
    arn_names: &["domainId"],
    response_arn: "domainArn",
    calls: &[
        create("CreateDomain", Some("Pending"), read::<spec::DomainSpec>),
        update("UpdateDomain", None, read::<spec::DomainSpec>),
    ],
    state_change: None,
    describe: &[op("DescribeDomain", read::<spec::DomainSpec>)],
    list: "ListDomains",
    stop: None,
    delete: None,
    containment: Containment::AlertOnly(
        "a Studio domain cannot be stopped, and deleting one destroys its users' home directories",
    ),
};

static USER_PROFILE: KindEntry = KindEntry {
    kind: ResourceKind::UserProfile,
    name: "user_profile",
    display: "Studio user profile",
    arn_type: "user-profile",
    arn_names: &["domainId", "userProfileName"],
    response_arn: "userProfileArn",
    calls: &[
        create("CreateUserProfile", Some("Pending"), read::<spec::UserProfileSpec>),
        update("UpdateUserProfile", None, read::<spec::UserProfileSpec>),
    ],
    state_change: None,
    describe: &[op("DescribeUserProfile", read::<spec::UserProfileSpec>)],
    list: "ListUserProfiles",
    stop: None,
    delete: None,
    containment: Containment::AlertOnly(
        "deleting a user profile requires deleting its apps and spaces first, and loses the user's work",
    ),
};

static SPACE: KindEntry = KindEntry {
    kind: ResourceKind::Space,
    name: "space",
    display: "Studio space",
    arn_type: "space",
    arn_names: &["domainId", "spaceName"],
    response_arn: "spaceArn",
    calls: &[
        create("CreateSpace", Some("Pending"), read::<spec::SpaceSpec>),
        update("UpdateSpace", None, read::<spec::SpaceSpec>),
    ],
    state_change: None,
    describe: &[op("DescribeSpace", read::<spec::SpaceSpec>)],
    list: "ListSpaces",
    stop: None,
    delete: None,
    containment: Containment::AlertOnly("deleting a space deletes its storage volume and the work on it"),
};

static COMPILATION_JOB: KindEntry = KindEntry {
    kind: ResourceKind::CompilationJob,
    name: "compilation_job",
    display: "compilation job",
    arn_type: "compilation-job",
    arn_names: &["compilationJobName"],
    response_arn: "compilationJobArn",
    calls: &[create(
        "CreateCompilationJob",
        Some("INPROGRESS"),
        read::<spec::CompilationJobSpec>,
    )],
    state_change: None,
    describe: &[op("DescribeCompilationJob", read::<spec::CompilationJobSpec>)],
    list: "ListCompilationJobs",
    stop: Some("StopCompilationJob"),
    delete: None,
    containment: Containment::Stop,
};

static AUTO_ML_JOB: KindEntry = KindEntry {
    kind: ResourceKind::AutoMlJob,
    name: "auto_ml_job",
    display: "AutoML job",
    arn_type: "automl-job",
    arn_names: &["autoMLJobName"],
    response_arn: "autoMLJobArn",
    // V1 keeps its security settings under `AutoMLJobConfig`, V2 at the top: one kind, two shapes.
    calls: &[
        create("CreateAutoMLJob", Some("InProgress"), read::<spec::AutoMlJobSpec>),
        create("CreateAutoMLJobV2", Some("InProgress"), read::<spec::AutoMlJobV2Spec>),
    ],
    state_change: None,
    // The adapter asks V2 first and reads a V1 job (no `AutoMLProblemTypeConfig`) with V1's answer.
    describe: &[
        op("DescribeAutoMLJobV2", read::<spec::AutoMlJobV2Spec>),
        op("DescribeAutoMLJob", read::<spec::AutoMlJobSpec>),
    ],
    list: "ListAutoMLJobs",
    stop: Some("StopAutoMLJob"),
    delete: None,
    containment: Containment::Stop,
};

static LABELING_JOB: KindEntry = KindEntry {
    kind: ResourceKind::LabelingJob,
    name: "labeling_job",
    display: "labeling job",
    arn_type: "labeling-job",
    arn_names: &["labelingJobName"],
    response_arn: "labelingJobArn",
    calls: &[create(
        "CreateLabelingJob",
        Some("Initializing"),
        read::<spec::LabelingJobSpec>,
    )],
    state_change: None,
    describe: &[op("DescribeLabelingJob", read::<spec::LabelingJobSpec>)],
    list: "ListLabelingJobs",
    stop: Some("StopLabelingJob"),
    delete: None,
    containment: Containment::Stop,
};

static CLUSTER: KindEntry = KindEntry {
    kind: ResourceKind::Cluster,
    name: "cluster",
    display: "HyperPod cluster",
    arn_type: "cluster",
    // A cluster's ARN ends in its generated ID, not its name: DescribeCluster takes either.
    arn_names: &["clusterName"],
    response_arn: "clusterArn",
    calls: &[
        create("CreateCluster", Some("Creating"), read::<spec::ClusterSpec>),
        update("UpdateCluster", Some("Updating"), read::<spec::ClusterSpec>),
    ],
    state_change: None,
    describe: &[op("DescribeCluster", read::<spec::ClusterSpec>)],
    list: "ListClusters",
    stop: None,
    delete: Some("DeleteCluster"),
    containment: Containment::DeleteWhileCreating,
};

static MONITORING_SCHEDULE: KindEntry = KindEntry {
    kind: ResourceKind::MonitoringSchedule,
    name: "monitoring_schedule",
    display: "model monitoring schedule",
    arn_type: "monitoring-schedule",
    arn_names: &["monitoringScheduleName"],
    response_arn: "monitoringScheduleArn",
    calls: &[create(
        "CreateMonitoringSchedule",
        Some("Pending"),
        read::<spec::MonitoringScheduleSpec>,
    )],
    state_change: None,
    describe: &[op("DescribeMonitoringSchedule", read::<spec::MonitoringScheduleSpec>)],
    list: "ListMonitoringSchedules",
    // Stopping a schedule is reversible (StartMonitoringSchedule); no job runs from it meanwhile.
    stop: Some("StopMonitoringSchedule"),
    delete: None,
    containment: Containment::Stop,
};

static DATA_QUALITY_JOB_DEFINITION: KindEntry = KindEntry {
    kind: ResourceKind::DataQualityJobDefinition,
    name: "data_quality_job_definition",
    display: "data-quality job definition",
    arn_type: "data-quality-job-definition",
    arn_names: &["jobDefinitionName"],
    response_arn: "jobDefinitionArn",
    calls: &[create(
        "CreateDataQualityJobDefinition",
        None,
        read::<spec::DataQualityJobDefinitionSpec>,
    )],
    state_change: None,
    describe: &[op(
        "DescribeDataQualityJobDefinition",
        read::<spec::DataQualityJobDefinitionSpec>,
    )],
    list: "ListDataQualityJobDefinitions",
    stop: None,
    delete: Some("DeleteDataQualityJobDefinition"),
    containment: Containment::Delete,
};

static MODEL_QUALITY_JOB_DEFINITION: KindEntry = KindEntry {
    kind: ResourceKind::ModelQualityJobDefinition,
    name: "model_quality_job_definition",
    display: "model-quality job definition",
    arn_type: "model-quality-job-definition",
    arn_names: &["jobDefinitionName"],
    response_arn: "jobDefinitionArn",
    calls: &[create(
        "CreateModelQualityJobDefinition",
        None,
        read::<spec::ModelQualityJobDefinitionSpec>,
    )],
    state_change: None,
    describe: &[op(
        "DescribeModelQualityJobDefinition",
        read::<spec::ModelQualityJobDefinitionSpec>,
    )],
    list: "ListModelQualityJobDefinitions",
    stop: None,
    delete: Some("DeleteModelQualityJobDefinition"),
    containment: Containment::Delete,
};

static MODEL_BIAS_JOB_DEFINITION: KindEntry = KindEntry {
    kind: ResourceKind::ModelBiasJobDefinition,
    name: "model_bias_job_definition",
    display: "model-bias job definition",
    arn_type: "model-bias-job-definition",
    arn_names: &["jobDefinitionName"],
    response_arn: "jobDefinitionArn",
    calls: &[create(
        "CreateModelBiasJobDefinition",
        None,
        read::<spec::ModelBiasJobDefinitionSpec>,
    )],
    state_change: None,
    describe: &[op(
        "DescribeModelBiasJobDefinition",
        read::<spec::ModelBiasJobDefinitionSpec>,
    )],
    list: "ListModelBiasJobDefinitions",
    stop: None,
    delete: Some("DeleteModelBiasJobDefinition"),
    containment: Containment::Delete,
};

static MODEL_EXPLAINABILITY_JOB_DEFINITION: KindEntry = KindEntry {
    kind: ResourceKind::ModelExplainabilityJobDefinition,
    name: "model_explainability_job_definition",
    display: "model-explainability job definition",
    arn_type: "model-explainability-job-definition",
    arn_names: &["jobDefinitionName"],
    response_arn: "jobDefinitionArn",
    calls: &[create(
        "CreateModelExplainabilityJobDefinition",
        None,
        read::<spec::ModelExplainabilityJobDefinitionSpec>,
    )],
    state_change: None,
    describe: &[op(
        "DescribeModelExplainabilityJobDefinition",
        read::<spec::ModelExplainabilityJobDefinitionSpec>,
    )],
    list: "ListModelExplainabilityJobDefinitions",
    stop: None,
    delete: Some("DeleteModelExplainabilityJobDefinition"),
    containment: Containment::Delete,
};

static OPTIMIZATION_JOB: KindEntry = KindEntry {
    kind: ResourceKind::OptimizationJob,
    name: "optimization_job",
    display: "inference optimization job",
    arn_type: "optimization-job",
    arn_names: &["optimizationJobName"],
    response_arn: "optimizationJobArn",
    calls: &[create(
        "CreateOptimizationJob",
        Some("INPROGRESS"),
        read::<spec::OptimizationJobSpec>,
    )],
    state_change: None,
    describe: &[op("DescribeOptimizationJob", read::<spec::OptimizationJobSpec>)],
    list: "ListOptimizationJobs",
    stop: Some("StopOptimizationJob"),
    delete: None,
    containment: Containment::Stop,
};

static FEATURE_GROUP: KindEntry = KindEntry {
    kind: ResourceKind::FeatureGroup,
    name: "feature_group",
    display: "feature group",
    arn_type: "feature-group",
    arn_names: &["featureGroupName"],
    response_arn: "featureGroupArn",
    calls: &[create(
        "CreateFeatureGroup",
        Some("Creating"),
        read::<spec::FeatureGroupSpec>,
    )],
    state_change: None,
    describe: &[op("DescribeFeatureGroup", read::<spec::FeatureGroupSpec>)],
    list: "ListFeatureGroups",
    stop: None,
    delete: Some("DeleteFeatureGroup"),
    containment: Containment::DeleteWhileCreating,
};

static INFERENCE_EXPERIMENT: KindEntry = KindEntry {
    kind: ResourceKind::InferenceExperiment,
    name: "inference_experiment",
    display: "inference experiment",
    arn_type: "inference-experiment",
    arn_names: &["name"],
    response_arn: "inferenceExperimentArn",
    calls: &[create(
        "CreateInferenceExperiment",
        Some("Creating"),
        read::<spec::InferenceExperimentSpec>,
    )],
    state_change: None,
    describe: &[op("DescribeInferenceExperiment", read::<spec::InferenceExperimentSpec>)],
    list: "ListInferenceExperiments",
    stop: None,
    delete: None,
    containment: Containment::AlertOnly(
        "stopping an experiment means choosing which variant keeps serving the endpoint, and deleting one \
         deletes only its record",
    ),
};

static EDGE_PACKAGING_JOB: KindEntry = KindEntry {
    kind: ResourceKind::EdgePackagingJob,
    name: "edge_packaging_job",
    display: "edge packaging job",
    arn_type: "edge-packaging-job",
    arn_names: &["edgePackagingJobName"],
    response_arn: "edgePackagingJobArn",
    calls: &[create(
        "CreateEdgePackagingJob",
        Some("STARTING"),
        read::<spec::EdgePackagingJobSpec>,
    )],
    state_change: None,
    describe: &[op("DescribeEdgePackagingJob", read::<spec::EdgePackagingJobSpec>)],
    list: "ListEdgePackagingJobs",
    stop: Some("StopEdgePackagingJob"),
    delete: None,
    containment: Containment::Stop,
};

/// The table, in [`ResourceKind::ALL`] order.
pub fn entries() -> impl Iterator<Item = &'static KindEntry> {
    ResourceKind::ALL.into_iter().map(ResourceKind::entry)
}

/// The SageMaker calls the rules evaluate (the EventBridge rule's `eventName` list).
pub fn evaluated_api_calls() -> Vec<&'static str> {
    entries()
        .flat_map(|entry| entry.calls.iter().map(|call| call.name))
        .collect()
}

/// The state-change `detail-type`s the rules evaluate.
pub fn evaluated_state_changes() -> Vec<&'static str> {
    entries().filter_map(|entry| entry.state_change).collect()
}

/// The kind and call a CloudTrail `eventName` is.
pub fn api_call(event_name: &str) -> Option<(&'static KindEntry, &'static ApiCall)> {
    entries().find_map(|entry| {
        entry
            .calls
            .iter()
            .find(|call| call.name == event_name)
            .map(|call| (entry, call))
    })
}

/// The kind a state-change `detail-type` is about.
pub fn state_change(detail_type: &str) -> Option<&'static KindEntry> {
    entries().find(|entry| entry.state_change == Some(detail_type))
}

/// The IAM actions (`sagemaker:DescribeTrainingJob`) of one operation list, without repeats.
fn permissions<'a>(operations: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut granted: Vec<String> = Vec::new();
    for operation in operations {
        let action = format!("sagemaker:{operation}");
        if !granted.contains(&action) {
            granted.push(action);
        }
    }
    granted
}

/// What describing every kind takes: the table's `describe` operations.
pub fn describe_permissions() -> Vec<String> {
    permissions(entries().flat_map(|entry| entry.describe.iter().map(|operation| operation.name)))
}

/// What listing every kind takes.
pub fn list_permissions() -> Vec<String> {
    permissions(entries().map(|entry| entry.list))
}

/// What containing every kind takes: the table's `Stop*` and `Delete*` operations.
pub fn contain_permissions() -> Vec<String> {
    permissions(entries().flat_map(|entry| entry.stop.into_iter().chain(entry.delete)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_own_entry_and_serde_name() {
        for kind in ResourceKind::ALL {
            let entry = kind.entry();
            assert_eq!(entry.kind, kind);
            assert_eq!(
                serde_json::to_value(kind).unwrap(),
                serde_json::Value::String(entry.name.to_owned())
            );
            assert!(!entry.calls.is_empty(), "{kind} has no call to read");
            assert!(!entry.describe.is_empty(), "{kind} cannot be described");
            assert!(!entry.arn_names.is_empty(), "{kind}");
        }
    }

    #[test]
    fn containment_names_the_operations_it_needs() {
        for entry in entries() {
            match entry.containment {
                Containment::Notebook => assert!(entry.stop.is_some() && entry.delete.is_some(), "{}", entry.name),
                Containment::Stop => assert!(entry.stop.is_some(), "{}", entry.name),
                Containment::Delete | Containment::DeleteWhileCreating => {
                    assert!(entry.delete.is_some(), "{}", entry.name)
                }
                Containment::AlertOnly(why) => assert!(!why.is_empty()),
            }
        }
    }

    #[test]
    fn call_names_are_unique() {
        let mut names = evaluated_api_calls();
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count);
    }
}
