//! Small SageMaker estates for tests and the demo: resources created through the SDK as a data
//! scientist would, non-compliant unless said otherwise (no VPC, no customer keys).

use aws_sdk_sagemaker::operation::create_notebook_instance::builders::CreateNotebookInstanceFluentBuilder;
use aws_sdk_sagemaker::operation::create_processing_job::builders::CreateProcessingJobFluentBuilder;
use aws_sdk_sagemaker::operation::create_training_job::builders::CreateTrainingJobFluentBuilder;
use aws_sdk_sagemaker::types::*;
use smguard_policy::ResourceKind;

use serde_json::Value;

use crate::emulator::{Emulator, TestAccount};

pub const ROLE: &str = "arn:aws-us-gov:iam::111122223333:role/service-role/ml";

pub async fn create_notebook(account: &TestAccount, name: &str) {
    notebook_request(&account.sagemaker().await, name)
        .send()
        .await
        .expect("CreateNotebookInstance");
}

/// The CreateNotebookInstance request `create_notebook` sends, on a given client (a benchmark
/// seeding thousands reuses one client and its connections).
pub fn notebook_request(sm: &aws_sdk_sagemaker::Client, name: &str) -> CreateNotebookInstanceFluentBuilder {
    sm.create_notebook_instance()
        .notebook_instance_name(name)
        .instance_type(aws_sdk_sagemaker::types::InstanceType::MlT3Medium)
        .role_arn(ROLE)
}

/// One running job of every kind; names equal kind names.
pub async fn create_jobs(account: &TestAccount) -> Vec<(ResourceKind, &'static str)> {
    let sm = account.sagemaker().await;
    let output = || {
        OutputDataConfig::builder()
            .s3_output_path("s3://ml-platform-model-output-111122223333/out")
            .build()
    };
    let resources = || {
        ResourceConfig::builder()
            .instance_type(TrainingInstanceType::MlM5Large)
            .instance_count(1)
            .volume_size_in_gb(10)
            .build()
    };
    let stopping = || StoppingCondition::builder().max_runtime_in_seconds(60).build();
    create_open_training_job(account, "training").await;
    open_processing_job_request(&sm, "processing")
        .send()
        .await
        .expect("CreateProcessingJob");
    sm.create_model()
        .model_name("model-for-transform")
        .execution_role_arn(ROLE)
        .primary_container(ContainerDefinition::builder().image("img").build())
        .send()
        .await
        .expect("CreateModel");
    sm.create_transform_job()
        .transform_job_name("transform")
        .model_name("model-for-transform")
        .transform_input(
            TransformInput::builder()
                .data_source(
                    TransformDataSource::builder()
                        .s3_data_source(
                            TransformS3DataSource::builder()
                                .s3_data_type(S3DataType::S3Prefix)
                                .s3_uri("s3://ml-platform-model-output-111122223333/in")
                                .build(),
                        )
                        .build(),
                )
                .build(),
        )
        .transform_output(
            TransformOutput::builder()
                .s3_output_path("s3://ml-platform-model-output-111122223333/out")
                .build(),
        )
        .transform_resources(
            TransformResources::builder()
                .instance_type(TransformInstanceType::MlM5Large)
                .instance_count(1)
                .build(),
        )
        .send()
        .await
        .expect("CreateTransformJob");
    sm.create_hyper_parameter_tuning_job()
        .hyper_parameter_tuning_job_name("tuning")
        .hyper_parameter_tuning_job_config(
            HyperParameterTuningJobConfig::builder()
                .strategy(HyperParameterTuningJobStrategyType::Bayesian)
                .resource_limits(
                    ResourceLimits::builder()
                        .max_number_of_training_jobs(2)
                        .max_parallel_training_jobs(1)
                        .build(),
                )
                .build(),
        )
        .training_job_definition(
            HyperParameterTrainingJobDefinition::builder()
                .algorithm_specification(
                    HyperParameterAlgorithmSpecification::builder()
                        .training_image("img")
                        .training_input_mode(TrainingInputMode::File)
                        .build(),
                )
                .role_arn(ROLE)
                .output_data_config(output())
                .resource_config(resources())
                .stopping_condition(stopping())
                .build(),
        )
        .send()
        .await
        .expect("CreateHyperParameterTuningJob");
    sm.create_compilation_job()
        .compilation_job_name("compilation")
        .role_arn(ROLE)
        .input_config(
            InputConfig::builder()
                .s3_uri("s3://ml-platform-model-output-111122223333/m.tar.gz")
                .framework(Framework::Xgboost)
                .build(),
        )
        .output_config(
            OutputConfig::builder()
                .s3_output_location("s3://ml-platform-model-output-111122223333/c")
                .target_device(TargetDevice::MlC5)
                .build(),
        )
        .stopping_condition(stopping())
        .send()
        .await
        .expect("CreateCompilationJob");
    let automl_output = || {
        AutoMlOutputDataConfig::builder()
            .s3_output_path("s3://ml-platform-model-output-111122223333/out")
            .build()
    };
    let s3_source = || {
        AutoMlDataSource::builder()
            .s3_data_source(
                AutoMls3DataSource::builder()
                    .s3_data_type(AutoMls3DataType::S3Prefix)
                    .s3_uri("s3://ml-platform-model-output-111122223333/in")
                    .build(),
            )
            .build()
    };
    sm.create_auto_ml_job_v2()
        .auto_ml_job_name("automl-v2")
        .role_arn(ROLE)
        .output_data_config(automl_output())
        .auto_ml_job_input_data_config(
            AutoMlJobChannel::builder()
                .channel_type(AutoMlChannelType::Training)
                .data_source(s3_source())
                .build(),
        )
        .auto_ml_problem_type_config(AutoMlProblemTypeConfig::TabularJobConfig(
            TabularJobConfig::builder()
                .target_attribute_name("y")
                // moto 5.2.5 refuses the job without ProblemType and CompletionCriteria (optional in AWS).
                .problem_type(ProblemType::BinaryClassification)
                .completion_criteria(AutoMlJobCompletionCriteria::builder().max_candidates(1).build())
                .build(),
        ))
        .send()
        .await
        .expect("CreateAutoMLJobV2");
    sm.create_auto_ml_job()
        .auto_ml_job_name("automl-v1")
        .role_arn(ROLE)
        .output_data_config(automl_output())
        .input_data_config(
            AutoMlChannel::builder()
                .data_source(s3_source())
                .target_attribute_name("y")
                .build(),
        )
        .send()
        .await
        .expect("CreateAutoMLJob");
    sm.create_labeling_job()
        .labeling_job_name("labeling")
        .label_attribute_name("l")
        .role_arn(ROLE)
        .input_config(
            LabelingJobInputConfig::builder()
                .data_source(
                    LabelingJobDataSource::builder()
                        .s3_data_source(
                            LabelingJobS3DataSource::builder()
                                .manifest_s3_uri("s3://ml-platform-model-output-111122223333/m")
                                .build(),
                        )
                        .build(),
                )
                .build(),
        )
        .output_config(
            LabelingJobOutputConfig::builder()
                .s3_output_path("s3://ml-platform-model-output-111122223333/out")
                .build(),
        )
        .human_task_config(
            HumanTaskConfig::builder()
                .workteam_arn("arn:aws-us-gov:sagemaker:us-gov-west-1:111122223333:workteam/private-crowd/t")
                .ui_config(
                    UiConfig::builder()
                        .ui_template_s3_uri("s3://ml-platform-model-output-111122223333/t")
                        .build(),
                )
                .pre_human_task_lambda_arn("arn:aws-us-gov:lambda:us-gov-west-1:111122223333:function:pre")
                .task_title("t")
                .task_description("d")
                .number_of_human_workers_per_data_object(1)
                .task_time_limit_in_seconds(60)
                .annotation_consolidation_config(
                    AnnotationConsolidationConfig::builder()
                        .annotation_consolidation_lambda_arn(
                            "arn:aws-us-gov:lambda:us-gov-west-1:111122223333:function:acs",
                        )
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .expect("CreateLabelingJob");
    vec![
        (ResourceKind::TrainingJob, "training"),
        (ResourceKind::ProcessingJob, "processing"),
        (ResourceKind::TransformJob, "transform"),
        (ResourceKind::HyperParameterTuningJob, "tuning"),
        (ResourceKind::CompilationJob, "compilation"),
        (ResourceKind::AutoMlJob, "automl-v2"),
        (ResourceKind::AutoMlJob, "automl-v1"),
        (ResourceKind::LabelingJob, "labeling"),
    ]
}

/// A training job outside any VPC, with no customer keys.
pub async fn create_open_training_job(account: &TestAccount, name: &str) {
    training_job(&account.sagemaker().await, name, None, None)
        .send()
        .await
        .expect("CreateTrainingJob");
}

/// The CreateTrainingJob request `create_open_training_job` sends, on a given client.
pub fn open_training_job_request(sm: &aws_sdk_sagemaker::Client, name: &str) -> CreateTrainingJobFluentBuilder {
    training_job(sm, name, None, None)
}

/// A CreateTrainingJob request with only what SageMaker requires, plus the given keys.
fn training_job(
    sm: &aws_sdk_sagemaker::Client,
    name: &str,
    volume_key: Option<&str>,
    output_key: Option<&str>,
) -> CreateTrainingJobFluentBuilder {
    sm.create_training_job()
        .training_job_name(name)
        .role_arn(ROLE)
        .algorithm_specification(
            AlgorithmSpecification::builder()
                .training_image("img")
                .training_input_mode(TrainingInputMode::File)
                .build(),
        )
        .output_data_config(
            OutputDataConfig::builder()
                .s3_output_path("s3://ml-platform-model-output-111122223333/out")
                .set_kms_key_id(output_key.map(str::to_owned))
                .build(),
        )
        .resource_config(
            ResourceConfig::builder()
                .instance_type(TrainingInstanceType::MlM5Large)
                .instance_count(1)
                .volume_size_in_gb(10)
                .set_volume_kms_key_id(volume_key.map(str::to_owned))
                .build(),
        )
        .stopping_condition(StoppingCondition::builder().max_runtime_in_seconds(60).build())
}

/// A CreateProcessingJob request outside any VPC, with no customer keys.
pub fn open_processing_job_request(sm: &aws_sdk_sagemaker::Client, name: &str) -> CreateProcessingJobFluentBuilder {
    sm.create_processing_job()
        .processing_job_name(name)
        .role_arn(ROLE)
        .app_specification(AppSpecification::builder().image_uri("img").build())
        .processing_resources(
            ProcessingResources::builder()
                .cluster_config(
                    ProcessingClusterConfig::builder()
                        .instance_count(1)
                        .instance_type(ProcessingInstanceType::MlM5Large)
                        .volume_size_in_gb(10)
                        .build(),
                )
                .build(),
        )
}

/// A model outside any VPC (and its isolation off).
pub async fn create_open_model(account: &TestAccount, name: &str) {
    account
        .sagemaker()
        .await
        .create_model()
        .model_name(name)
        .execution_role_arn(ROLE)
        .primary_container(
            ContainerDefinition::builder()
                .image("img")
                .model_data_url("s3://ml-platform-model-output-111122223333/m.tar.gz")
                .build(),
        )
        .send()
        .await
        .expect("CreateModel");
}

/// An endpoint configuration without a volume key, serving `model`.
pub async fn create_unencrypted_endpoint_config(account: &TestAccount, name: &str, model: &str) {
    account
        .sagemaker()
        .await
        .create_endpoint_config()
        .endpoint_config_name(name)
        .production_variants(
            ProductionVariant::builder()
                .variant_name("AllTraffic")
                .model_name(model)
                .instance_type(ProductionVariantInstanceType::MlM5Large)
                .initial_instance_count(1)
                .build(),
        )
        .send()
        .await
        .expect("CreateEndpointConfig");
}

/// A Studio domain open to the internet (`AppNetworkAccessType` left to its default); its ID.
pub async fn create_public_domain(account: &TestAccount, name: &str) -> String {
    account
        .sagemaker()
        .await
        .create_domain()
        .domain_name(name)
        .auth_mode(AuthMode::Iam)
        .default_user_settings(UserSettings::builder().execution_role(ROLE).build())
        .vpc_id("vpc-0a1b2c3d4e5f60718")
        .subnet_ids("subnet-0a1b2c3d4e5f60718")
        .send()
        .await
        .expect("CreateDomain")
        .domain_id
        .expect("DomainId")
}

/// A training job that meets every rule with `keys` approved (VPC, customer keys, isolation).
pub async fn create_compliant_training_job(account: &TestAccount, name: &str, volume_key: &str, output_key: &str) {
    compliant_training_job_request(&account.sagemaker().await, name, volume_key, output_key)
        .send()
        .await
        .expect("CreateTrainingJob");
}

/// The CreateTrainingJob request `create_compliant_training_job` sends, on a given client.
pub fn compliant_training_job_request(
    sm: &aws_sdk_sagemaker::Client,
    name: &str,
    volume_key: &str,
    output_key: &str,
) -> CreateTrainingJobFluentBuilder {
    training_job(sm, name, Some(volume_key), Some(output_key))
        .vpc_config(
            VpcConfig::builder()
                .subnets("subnet-0a1b2c3d4e5f60718")
                .security_group_ids("sg-0123456789abcdef0")
                .build(),
        )
        .enable_network_isolation(true)
        .enable_inter_container_traffic_encryption(true)
}

/// The emulator's name for a kind (its ARN resource type).
pub fn emulator_kind(kind: ResourceKind) -> &'static str {
    kind.arn_resource_type()
}

// ---------------------------------------------------------------------------------------------
// Replaying the fixtures' Create calls.

/// A CloudTrail `requestParameters` back into the API's own member names (the camelCase rule in
/// reverse), leaving maps of customer keys alone.
pub fn pascal(value: &Value, key: &str) -> Value {
    match value {
        Value::Object(map) if !matches!(key, "hyperParameters" | "staticHyperParameters" | "environment") => {
            Value::Object(
                map.iter()
                    .map(|(k, v)| {
                        let mut chars = k.chars();
                        let upper: String = chars
                            .next()
                            .map(|c| c.to_uppercase().chain(chars).collect())
                            .unwrap_or_default();
                        (upper, pascal(v, k))
                    })
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(|item| pascal(item, "")).collect()),
        other => other.clone(),
    }
}

/// Sends a SageMaker call as raw JSON, as any SDK would serialize it.
pub fn sagemaker_call(emulator: &Emulator, account: &str, operation: &str, body: &Value) -> (u16, Value) {
    let target = format!("SageMaker.{operation}");
    let (status, answer) = emulator
        .signed(
            "POST",
            "/",
            "sagemaker",
            account,
            "application/x-amz-json-1.1",
            &[("X-Amz-Target", &target)],
            &body.to_string(),
        )
        .expect("SageMaker call");
    (status, serde_json::from_str(&answer).unwrap_or(Value::Null))
}

/// One resource created by replaying a fixture's Create call.
#[derive(Debug, Clone)]
pub struct Replayed {
    pub file: String,
    /// What the fixture's event decided (the fixture table checks it).
    pub decision: smguard_policy::Decision,
    /// How to describe it (a domain by the ID the Create call answered).
    pub target: smguard_policy::ResourceRef,
}

/// Replays into `account` every fixture's Create call that is decided on its own (no extra
/// settings, compliant or not, in the emulator's Region): an estate with compliant and
/// non-compliant resources of every kind but endpoints (whose calls carry no security field).
pub fn replay_create_fixtures(emulator: &Emulator, account: &TestAccount) -> Vec<Replayed> {
    let mut rows = crate::cases::load();
    // SageMaker refuses an endpoint configuration or transform job whose model does not exist.
    rows.sort_by_key(|case| !case.file.contains("/create-model."));
    let mut replayed = Vec::new();
    for case in rows {
        if !case.settings.is_empty() || !case.file.starts_with("cloudtrail/sagemaker/create-") {
            continue;
        }
        let raw = case.event();
        let decision = smguard_policy::assess(&raw, &case.config());
        let Some(resource) = &decision.resource else { continue };
        if !matches!(
            decision.outcome,
            smguard_policy::Outcome::Compliant | smguard_policy::Outcome::NonCompliant
        ) || resource.location.region.as_deref() != Some(crate::emulator::REGION)
        {
            continue;
        }
        let event: Value = serde_json::from_str(&raw).unwrap();
        let operation = event["detail"]["eventName"].as_str().unwrap();
        let request = pascal(&event["detail"]["requestParameters"], "");
        let (status, answer) = sagemaker_call(emulator, &account.id, operation, &request);
        assert_eq!(status, 200, "{}: {operation} answered {answer}", case.file);
        let mut target = resource.reference();
        target.arn = None;
        if resource.kind == ResourceKind::Domain {
            target.id = answer["DomainId"].as_str().map(str::to_owned);
        }
        replayed.push(Replayed {
            file: case.file.clone(),
            decision,
            target,
        });
    }
    replayed
}
