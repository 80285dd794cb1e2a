//! Every SageMaker call smguard makes, kind by kind: `Describe*`, `List*`, `Stop*`, `Delete*`. The
//! only place that names them (the kind table in `smguard-policy` names their IAM actions).
//!
//! Containment is one call per action, no Describe first (detection needs no reads; containment
//! one call): the state is read from SageMaker's refusal instead. `ValidationException` "Status
//! (Pending) not in ([InService])" means not yet stoppable, "… is in status Completed." already
//! finished, and a not-found answer means gone. Races and duplicate events therefore end in an
//! outcome, not an error.
//!
//! A `Describe*` answer is read as the API wrote it (its JSON, PascalCase, kept by an
//! interceptor) with the kind table's reader, the one state-change details go through: there is no
//! second, SDK-typed mapping of the same fields to keep in step. Every decision about the fields
//! (defaults, exemptions, findings) stays in `smguard-policy`.

use std::sync::{Arc, Mutex};

use aws_sdk_sagemaker::Client;
use aws_sdk_sagemaker::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::AfterDeserializationInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use serde_json::Value;
use smguard_engine::{DeleteOutcome, Page, PortError, StopOutcome};
use smguard_policy::event::spec::{ReadError, SpecError, described};
use smguard_policy::model::Lifecycle;
use smguard_policy::{Resource, ResourceKind, ResourceRef};

use crate::error::{classify, is_not_found, refused_in_status};

/// Keeps the body of the answer it is attached to.
#[derive(Debug, Clone, Default)]
struct Answer(Arc<Mutex<Option<Vec<u8>>>>);

impl Intercept for Answer {
    fn name(&self) -> &'static str {
        "smguard-describe-answer"
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let (Some(bytes), Ok(mut slot)) = (context.response().body().bytes(), self.0.lock()) {
            *slot = Some(bytes.to_vec());
        }
        Ok(())
    }
}

impl Answer {
    fn json(&self, operation: &str) -> Result<Value, PortError> {
        let body = self.0.lock().ok().and_then(|mut slot| slot.take());
        let incomplete = |message: String| PortError::Rejected {
            operation: operation.to_owned(),
            code: "IncompleteAnswer".to_owned(),
            message,
        };
        let body = body.ok_or_else(|| incomplete("the answer has no body".to_owned()))?;
        match serde_json::from_slice(&body) {
            Ok(value @ Value::Object(_)) => Ok(value),
            Ok(_) => Err(incomplete("the answer is not a JSON object".to_owned())),
            Err(error) => Err(incomplete(format!("the answer is not JSON: {error}"))),
        }
    }
}

/// Runs one Describe call and keeps its answer: `Ok(None)` when SageMaker says the resource does
/// not exist.
macro_rules! answer {
    ($operation:literal, $call:expr) => {{
        let answer = Answer::default();
        match $call.customize().interceptor(answer.clone()).send().await {
            Ok(_) => answer.json($operation).map(Some),
            Err(error) if is_not_found(&error) => Ok(None),
            Err(error) => Err(classify($operation, &error)),
        }
    }};
}

/// The last segment of the reference's ARN, else its ID, else its name: what kinds addressed
/// by ID (`d-…` domains) are described with.
fn id_of(resource: &ResourceRef) -> String {
    resource
        .id
        .clone()
        .or_else(|| {
            resource
                .arn
                .as_deref()
                .and_then(|a| a.rsplit('/').next())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| resource.name.clone())
}

/// The Studio domain a user profile or space belongs to: the reference's ID, else the ARN's
/// `…/<domain>/<name>` segment.
fn domain_of(resource: &ResourceRef) -> String {
    resource
        .id
        .clone()
        .or_else(|| {
            let arn = resource.arn.as_deref()?;
            let mut segments = arn.rsplit('/');
            segments.next()?;
            segments.next().map(str::to_owned)
        })
        .unwrap_or_default()
}

/// The kind's Describe answer (which of the table's describe operations answered, and its JSON).
async fn answer(client: &Client, resource: &ResourceRef) -> Result<Option<(usize, Value)>, PortError> {
    let c = client;
    let name = resource.name.as_str();
    let first = |answer: Option<Value>| answer.map(|value| (0, value));
    Ok(match resource.kind {
        ResourceKind::NotebookInstance => first(answer!(
            "DescribeNotebookInstance",
            c.describe_notebook_instance().notebook_instance_name(name)
        )?),
        ResourceKind::NotebookInstanceLifecycleConfig => first(answer!(
            "DescribeNotebookInstanceLifecycleConfig",
            c.describe_notebook_instance_lifecycle_config()
                .notebook_instance_lifecycle_config_name(name)
        )?),
        ResourceKind::TrainingJob => first(answer!(
            "DescribeTrainingJob",
            c.describe_training_job().training_job_name(name)
        )?),
        ResourceKind::ProcessingJob => first(answer!(
            "DescribeProcessingJob",
            c.describe_processing_job().processing_job_name(name)
        )?),
        ResourceKind::HyperParameterTuningJob => first(answer!(
            "DescribeHyperParameterTuningJob",
            c.describe_hyper_parameter_tuning_job()
                .hyper_parameter_tuning_job_name(name)
        )?),
        ResourceKind::TransformJob => first(answer!(
            "DescribeTransformJob",
            c.describe_transform_job().transform_job_name(name)
        )?),
        ResourceKind::Model => first(answer!("DescribeModel", c.describe_model().model_name(name))?),
        ResourceKind::EndpointConfig => first(answer!(
            "DescribeEndpointConfig",
            c.describe_endpoint_config().endpoint_config_name(name)
        )?),
        ResourceKind::Endpoint => {
            // The endpoint's security is its serving configuration's: read both, the
            // configuration's answer under `EndpointConfig`. A configuration that no longer
            // exists leaves its fields unknown, and the endpoint unevaluable.
            let Some(mut endpoint) = answer!("DescribeEndpoint", c.describe_endpoint().endpoint_name(name))? else {
                return Ok(None);
            };
            if let Some(config) = endpoint.get("EndpointConfigName").and_then(Value::as_str) {
                let config = config.to_owned();
                if let (Some(described), Some(object)) = (
                    answer!(
                        "DescribeEndpointConfig",
                        c.describe_endpoint_config().endpoint_config_name(config)
                    )?,
                    endpoint.as_object_mut(),
                ) {
                    object.insert("EndpointConfig".to_owned(), described);
                }
            }
            Some((0, endpoint))
        }
        ResourceKind::Domain => first(answer!(
            "DescribeDomain",
            c.describe_domain().domain_id(id_of(resource))
        )?),
        ResourceKind::UserProfile => first(answer!(
            "DescribeUserProfile",
            c.describe_user_profile()
                .domain_id(domain_of(resource))
                .user_profile_name(name)
        )?),
        ResourceKind::Space => first(answer!(
            "DescribeSpace",
            c.describe_space().domain_id(domain_of(resource)).space_name(name)
        )?),
        ResourceKind::CompilationJob => first(answer!(
            "DescribeCompilationJob",
            c.describe_compilation_job().compilation_job_name(name)
        )?),
        ResourceKind::AutoMlJob => {
            // V2 answers carry `AutoMLProblemTypeConfig`; a V1 job is read with V1's Describe,
            // whose security settings sit under `AutoMLJobConfig`.
            match answer!(
                "DescribeAutoMLJobV2",
                c.describe_auto_ml_job_v2().auto_ml_job_name(name)
            )? {
                None => None,
                Some(v2) if v2.get("AutoMLProblemTypeConfig").is_some() => Some((0, v2)),
                Some(_) => {
                    answer!("DescribeAutoMLJob", c.describe_auto_ml_job().auto_ml_job_name(name))?.map(|v1| (1, v1))
                }
            }
        }
        ResourceKind::LabelingJob => first(answer!(
            "DescribeLabelingJob",
            c.describe_labeling_job().labeling_job_name(name)
        )?),
        // DescribeCluster takes the name or the ARN; a cluster's ARN ends in its ID, not its name.
        ResourceKind::Cluster => first(answer!(
            "DescribeCluster",
            c.describe_cluster()
                .cluster_name(resource.arn.clone().unwrap_or_else(|| name.to_owned()))
        )?),
        ResourceKind::MonitoringSchedule => first(answer!(
            "DescribeMonitoringSchedule",
            c.describe_monitoring_schedule().monitoring_schedule_name(name)
        )?),
        ResourceKind::DataQualityJobDefinition => first(answer!(
            "DescribeDataQualityJobDefinition",
            c.describe_data_quality_job_definition().job_definition_name(name)
        )?),
        ResourceKind::ModelQualityJobDefinition => first(answer!(
            "DescribeModelQualityJobDefinition",
            c.describe_model_quality_job_definition().job_definition_name(name)
        )?),
        ResourceKind::ModelBiasJobDefinition => first(answer!(
            "DescribeModelBiasJobDefinition",
            c.describe_model_bias_job_definition().job_definition_name(name)
        )?),
        ResourceKind::ModelExplainabilityJobDefinition => first(answer!(
            "DescribeModelExplainabilityJobDefinition",
            c.describe_model_explainability_job_definition()
                .job_definition_name(name)
        )?),
        ResourceKind::OptimizationJob => first(answer!(
            "DescribeOptimizationJob",
            c.describe_optimization_job().optimization_job_name(name)
        )?),
        ResourceKind::FeatureGroup => first(answer!(
            "DescribeFeatureGroup",
            c.describe_feature_group().feature_group_name(name)
        )?),
        ResourceKind::InferenceExperiment => first(answer!(
            "DescribeInferenceExperiment",
            c.describe_inference_experiment().name(name)
        )?),
        ResourceKind::EdgePackagingJob => first(answer!(
            "DescribeEdgePackagingJob",
            c.describe_edge_packaging_job().edge_packaging_job_name(name)
        )?),
    })
}

/// Describes one resource into the policy model: `Ok(None)` when it does not exist.
pub(crate) async fn describe(client: &Client, resource: &ResourceRef) -> Result<Option<Resource>, PortError> {
    let Some((index, answer)) = answer(client, resource).await? else {
        return Ok(None);
    };
    let entry = resource.kind.entry();
    let Some(operation) = entry.describe.get(index) else {
        return Err(PortError::Unsupported {
            operation: "describe".to_owned(),
            kind: entry.name.to_owned(),
        });
    };
    // An answer that lacks what every such answer has (the name) is not something the rules
    // can read: it is reported rather than evaluated as compliant.
    let incomplete = |message: String| PortError::Rejected {
        operation: operation.name.to_owned(),
        code: "IncompleteAnswer".to_owned(),
        message,
    };
    match described(operation.read, operation.name, answer) {
        Ok(mut found) => {
            // User profiles and spaces are addressed with their domain's ID.
            if found.id.is_none() {
                found.id = resource.id.clone();
            }
            Ok(Some(found))
        }
        Err(ReadError::Spec(SpecError::MissingName(field) | SpecError::MissingRequired(field))) => {
            Err(incomplete(format!("the answer has no `{field}`")))
        }
        Err(ReadError::Null) => Err(incomplete("the answer is null".to_owned())),
        Err(ReadError::Invalid(reason)) => Err(incomplete(reason)),
    }
}

/// Collects the names (and ARNs, and IDs where the summary has them) of every page of a List call.
macro_rules! list {
    ($operation:literal, $kind:expr, $token:expr, $call:expr, $items:ident, $name:ident $(, arn: $arn:ident)? $(, id: $id:ident)?) => {{
        // 100 a page, the most every SageMaker `List*` call allows: an audit of 10,000
        // resources makes 100 list calls, not 1,000.
        let page = $call
            .max_results(100)
            .set_next_token($token.map(str::to_owned))
            .send()
            .await
            .map_err(|error| classify($operation, &error))?;
        let mut resources = Vec::new();
        for item in page.$items.unwrap_or_default() {
            let arn: Option<String> = None $(.or(item.$arn.clone()))?;
            let id: Option<String> = None $(.or(item.$id.clone()))?;
            // A summary without a name cannot be described or acted on.
            let Some(name) = item.$name else { continue };
            resources.push(ResourceRef {
                kind: $kind,
                name,
                arn,
                id,
            });
        }
        Ok(Page {
            resources,
            next: page.next_token.filter(|token| !token.is_empty()),
        })
    }};
}

/// One page of the resources of `kind`, from `token`.
pub(crate) async fn list_page(client: &Client, kind: ResourceKind, token: Option<&str>) -> Result<Page, PortError> {
    let c = client;
    let t = token;
    match kind {
        ResourceKind::NotebookInstance => {
            list!("ListNotebookInstances", kind, t, c.list_notebook_instances(), notebook_instances, notebook_instance_name, arn: notebook_instance_arn)
        }
        ResourceKind::NotebookInstanceLifecycleConfig => {
            list!("ListNotebookInstanceLifecycleConfigs", kind, t, c.list_notebook_instance_lifecycle_configs(), notebook_instance_lifecycle_configs, notebook_instance_lifecycle_config_name, arn: notebook_instance_lifecycle_config_arn)
        }
        ResourceKind::TrainingJob => {
            list!("ListTrainingJobs", kind, t, c.list_training_jobs(), training_job_summaries, training_job_name, arn: training_job_arn)
        }
        ResourceKind::ProcessingJob => {
            list!("ListProcessingJobs", kind, t, c.list_processing_jobs(), processing_job_summaries, processing_job_name, arn: processing_job_arn)
        }
        ResourceKind::HyperParameterTuningJob => {
            list!("ListHyperParameterTuningJobs", kind, t, c.list_hyper_parameter_tuning_jobs(), hyper_parameter_tuning_job_summaries, hyper_parameter_tuning_job_name, arn: hyper_parameter_tuning_job_arn)
        }
        ResourceKind::TransformJob => {
            list!("ListTransformJobs", kind, t, c.list_transform_jobs(), transform_job_summaries, transform_job_name, arn: transform_job_arn)
        }
        ResourceKind::Model => list!("ListModels", kind, t, c.list_models(), models, model_name, arn: model_arn),
        ResourceKind::EndpointConfig => {
            list!("ListEndpointConfigs", kind, t, c.list_endpoint_configs(), endpoint_configs, endpoint_config_name, arn: endpoint_config_arn)
        }
        ResourceKind::Endpoint => {
            list!("ListEndpoints", kind, t, c.list_endpoints(), endpoints, endpoint_name, arn: endpoint_arn)
        }
        ResourceKind::Domain => {
            list!("ListDomains", kind, t, c.list_domains(), domains, domain_name, arn: domain_arn, id: domain_id)
        }
        ResourceKind::UserProfile => {
            list!("ListUserProfiles", kind, t, c.list_user_profiles(), user_profiles, user_profile_name, id: domain_id)
        }
        ResourceKind::Space => list!("ListSpaces", kind, t, c.list_spaces(), spaces, space_name, id: domain_id),
        ResourceKind::CompilationJob => {
            list!("ListCompilationJobs", kind, t, c.list_compilation_jobs(), compilation_job_summaries, compilation_job_name, arn: compilation_job_arn)
        }
        ResourceKind::AutoMlJob => {
            list!("ListAutoMLJobs", kind, t, c.list_auto_ml_jobs(), auto_ml_job_summaries, auto_ml_job_name, arn: auto_ml_job_arn)
        }
        ResourceKind::LabelingJob => {
            list!("ListLabelingJobs", kind, t, c.list_labeling_jobs(), labeling_job_summary_list, labeling_job_name, arn: labeling_job_arn)
        }
        ResourceKind::Cluster => {
            list!("ListClusters", kind, t, c.list_clusters(), cluster_summaries, cluster_name, arn: cluster_arn)
        }
        ResourceKind::MonitoringSchedule => {
            list!("ListMonitoringSchedules", kind, t, c.list_monitoring_schedules(), monitoring_schedule_summaries, monitoring_schedule_name, arn: monitoring_schedule_arn)
        }
        ResourceKind::DataQualityJobDefinition => {
            list!("ListDataQualityJobDefinitions", kind, t, c.list_data_quality_job_definitions(), job_definition_summaries, monitoring_job_definition_name, arn: monitoring_job_definition_arn)
        }
        ResourceKind::ModelQualityJobDefinition => {
            list!("ListModelQualityJobDefinitions", kind, t, c.list_model_quality_job_definitions(), job_definition_summaries, monitoring_job_definition_name, arn: monitoring_job_definition_arn)
        }
        ResourceKind::ModelBiasJobDefinition => {
            list!("ListModelBiasJobDefinitions", kind, t, c.list_model_bias_job_definitions(), job_definition_summaries, monitoring_job_definition_name, arn: monitoring_job_definition_arn)
        }
        ResourceKind::ModelExplainabilityJobDefinition => {
            list!("ListModelExplainabilityJobDefinitions", kind, t, c.list_model_explainability_job_definitions(), job_definition_summaries, monitoring_job_definition_name, arn: monitoring_job_definition_arn)
        }
        ResourceKind::OptimizationJob => {
            list!("ListOptimizationJobs", kind, t, c.list_optimization_jobs(), optimization_job_summaries, optimization_job_name, arn: optimization_job_arn)
        }
        ResourceKind::FeatureGroup => {
            list!("ListFeatureGroups", kind, t, c.list_feature_groups(), feature_group_summaries, feature_group_name, arn: feature_group_arn)
        }
        ResourceKind::InferenceExperiment => list!(
            "ListInferenceExperiments",
            kind,
            t,
            c.list_inference_experiments(),
            inference_experiments,
            name
        ),
        ResourceKind::EdgePackagingJob => {
            list!("ListEdgePackagingJobs", kind, t, c.list_edge_packaging_jobs(), edge_packaging_job_summaries, edge_packaging_job_name, arn: edge_packaging_job_arn)
        }
    }
}

fn stop_result<O, E>(
    operation: &str,
    kind: ResourceKind,
    result: Result<O, SdkError<E, HttpResponse>>,
) -> Result<StopOutcome, PortError>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let error = match result {
        Ok(_) => return Ok(StopOutcome::Stopping),
        Err(error) => error,
    };
    if is_not_found(&error) {
        return Ok(StopOutcome::Gone);
    }
    if let Some(status) = refused_in_status(&error) {
        return Ok(match Lifecycle::of(&status) {
            // A notebook that is starting (or being updated) can be stopped once it is InService.
            Lifecycle::Pending | Lifecycle::Updating if kind == ResourceKind::NotebookInstance => {
                StopOutcome::NotYetStoppable { status }
            }
            // Deleting: on its way out.
            Lifecycle::Deleting => StopOutcome::Gone,
            _ => StopOutcome::AlreadyStopped { status },
        });
    }
    Err(classify(operation, &error))
}

fn delete_result<O, E>(
    operation: &str,
    result: Result<O, SdkError<E, HttpResponse>>,
) -> Result<DeleteOutcome, PortError>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let error = match result {
        Ok(_) => return Ok(DeleteOutcome::Deleted),
        Err(error) => error,
    };
    if is_not_found(&error) {
        return Ok(DeleteOutcome::Gone);
    }
    if let Some(status) = refused_in_status(&error) {
        return Ok(DeleteOutcome::NotYetDeletable { status });
    }
    Err(classify(operation, &error))
}

fn unsupported(operation: &str, kind: ResourceKind) -> Result<StopOutcome, PortError> {
    Err(PortError::Unsupported {
        operation: operation.to_owned(),
        kind: kind.as_str().to_owned(),
    })
}

/// Stops one resource with its kind's `Stop*` call.
pub(crate) async fn stop(client: &Client, resource: &ResourceRef) -> Result<StopOutcome, PortError> {
    let c = client;
    let name = resource.name.as_str();
    let kind = resource.kind;
    let outcome = match kind {
        ResourceKind::NotebookInstance => stop_result(
            "StopNotebookInstance",
            kind,
            c.stop_notebook_instance().notebook_instance_name(name).send().await,
        ),
        ResourceKind::TrainingJob => stop_result(
            "StopTrainingJob",
            kind,
            c.stop_training_job().training_job_name(name).send().await,
        ),
        ResourceKind::ProcessingJob => stop_result(
            "StopProcessingJob",
            kind,
            c.stop_processing_job().processing_job_name(name).send().await,
        ),
        ResourceKind::TransformJob => stop_result(
            "StopTransformJob",
            kind,
            c.stop_transform_job().transform_job_name(name).send().await,
        ),
        ResourceKind::HyperParameterTuningJob => stop_result(
            "StopHyperParameterTuningJob",
            kind,
            c.stop_hyper_parameter_tuning_job()
                .hyper_parameter_tuning_job_name(name)
                .send()
                .await,
        ),
        ResourceKind::CompilationJob => stop_result(
            "StopCompilationJob",
            kind,
            c.stop_compilation_job().compilation_job_name(name).send().await,
        ),
        ResourceKind::AutoMlJob => stop_result(
            "StopAutoMLJob",
            kind,
            c.stop_auto_ml_job().auto_ml_job_name(name).send().await,
        ),
        ResourceKind::LabelingJob => stop_result(
            "StopLabelingJob",
            kind,
            c.stop_labeling_job().labeling_job_name(name).send().await,
        ),
        ResourceKind::MonitoringSchedule => stop_result(
            "StopMonitoringSchedule",
            kind,
            c.stop_monitoring_schedule().monitoring_schedule_name(name).send().await,
        ),
        ResourceKind::OptimizationJob => stop_result(
            "StopOptimizationJob",
            kind,
            c.stop_optimization_job().optimization_job_name(name).send().await,
        ),
        ResourceKind::EdgePackagingJob => stop_result(
            "StopEdgePackagingJob",
            kind,
            c.stop_edge_packaging_job().edge_packaging_job_name(name).send().await,
        ),
        ResourceKind::NotebookInstanceLifecycleConfig
        | ResourceKind::Model
        | ResourceKind::EndpointConfig
        | ResourceKind::Endpoint
        | ResourceKind::Domain
        | ResourceKind::UserProfile
        | ResourceKind::Space
        | ResourceKind::Cluster
        | ResourceKind::DataQualityJobDefinition
        | ResourceKind::ModelQualityJobDefinition
        | ResourceKind::ModelBiasJobDefinition
        | ResourceKind::ModelExplainabilityJobDefinition
        | ResourceKind::FeatureGroup
        | ResourceKind::InferenceExperiment => unsupported("stop", kind),
    };
    tracing::info!(resource = %name, kind = %kind, outcome = ?outcome, "stop");
    outcome
}

/// Deletes one resource with its kind's `Delete*` call.
pub(crate) async fn delete(client: &Client, resource: &ResourceRef) -> Result<DeleteOutcome, PortError> {
    let c = client;
    let name = resource.name.as_str();
    let kind = resource.kind;
    let outcome = match kind {
        ResourceKind::NotebookInstance => delete_result(
            "DeleteNotebookInstance",
            c.delete_notebook_instance().notebook_instance_name(name).send().await,
        ),
        ResourceKind::Model => delete_result("DeleteModel", c.delete_model().model_name(name).send().await),
        ResourceKind::EndpointConfig => delete_result(
            "DeleteEndpointConfig",
            c.delete_endpoint_config().endpoint_config_name(name).send().await,
        ),
        ResourceKind::Endpoint => delete_result("DeleteEndpoint", c.delete_endpoint().endpoint_name(name).send().await),
        // DeleteCluster takes the name or the ARN; a cluster's ARN ends in its ID.
        ResourceKind::Cluster => delete_result(
            "DeleteCluster",
            c.delete_cluster()
                .cluster_name(resource.arn.clone().unwrap_or_else(|| name.to_owned()))
                .send()
                .await,
        ),
        ResourceKind::DataQualityJobDefinition => delete_result(
            "DeleteDataQualityJobDefinition",
            c.delete_data_quality_job_definition()
                .job_definition_name(name)
                .send()
                .await,
        ),
        ResourceKind::ModelQualityJobDefinition => delete_result(
            "DeleteModelQualityJobDefinition",
            c.delete_model_quality_job_definition()
                .job_definition_name(name)
                .send()
                .await,
        ),
        ResourceKind::ModelBiasJobDefinition => delete_result(
            "DeleteModelBiasJobDefinition",
            c.delete_model_bias_job_definition()
                .job_definition_name(name)
                .send()
                .await,
        ),
        ResourceKind::ModelExplainabilityJobDefinition => delete_result(
            "DeleteModelExplainabilityJobDefinition",
            c.delete_model_explainability_job_definition()
                .job_definition_name(name)
                .send()
                .await,
        ),
        ResourceKind::FeatureGroup => delete_result(
            "DeleteFeatureGroup",
            c.delete_feature_group().feature_group_name(name).send().await,
        ),
        ResourceKind::NotebookInstanceLifecycleConfig
        | ResourceKind::TrainingJob
        | ResourceKind::ProcessingJob
        | ResourceKind::HyperParameterTuningJob
        | ResourceKind::TransformJob
        | ResourceKind::Domain
        | ResourceKind::UserProfile
        | ResourceKind::Space
        | ResourceKind::CompilationJob
        | ResourceKind::AutoMlJob
        | ResourceKind::LabelingJob
        | ResourceKind::MonitoringSchedule
        | ResourceKind::OptimizationJob
        | ResourceKind::InferenceExperiment
        | ResourceKind::EdgePackagingJob => {
            return Err(PortError::Unsupported {
                operation: "delete".to_owned(),
                kind: kind.as_str().to_owned(),
            });
        }
    };
    tracing::info!(resource = %name, kind = %kind, outcome = ?outcome, "delete");
    outcome
}
