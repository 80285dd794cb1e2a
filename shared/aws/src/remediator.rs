//! [`Remediator`] over SageMaker's `Stop*` and `Delete*` calls.
//!
//! One call per action, no Describe first (detection needs no reads; containment one call): the
//! state is read from SageMaker's refusal instead. `ValidationException` "Status (Pending) not in
//! ([InService])" means not yet stoppable, "… is in status Completed." already finished, and a
//! not-found answer means gone. Races and duplicate events therefore end in an outcome, not an
//! error.

use async_trait::async_trait;
use aws_sdk_sagemaker::Client;
use aws_sdk_sagemaker::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use smguard_engine::{DeleteOutcome, PortError, Remediator, StopOutcome};
use smguard_policy::model::Lifecycle;
use smguard_policy::{ResourceKind, ResourceRef};

use crate::error::{classify, is_not_found, refused_in_status};

/// Stops and deletes SageMaker resources.
#[derive(Debug, Clone)]
pub struct SageMakerRemediator {
    client: Client,
}

impl SageMakerRemediator {
    pub fn new(client: Client) -> Self {
        SageMakerRemediator { client }
    }

    /// The IAM actions this adapter needs (the deployment template grants exactly these).
    pub const PERMISSIONS: &'static [&'static str] = &[
        "sagemaker:StopNotebookInstance",
        "sagemaker:DeleteNotebookInstance",
        "sagemaker:StopTrainingJob",
        "sagemaker:StopProcessingJob",
        "sagemaker:StopTransformJob",
        "sagemaker:StopHyperParameterTuningJob",
        "sagemaker:StopCompilationJob",
        "sagemaker:StopAutoMLJob",
        "sagemaker:StopLabelingJob",
        "sagemaker:DeleteModel",
        "sagemaker:DeleteEndpointConfig",
    ];
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

#[async_trait]
impl Remediator for SageMakerRemediator {
    async fn stop(&self, resource: &ResourceRef) -> Result<StopOutcome, PortError> {
        let c = &self.client;
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
            ResourceKind::Model | ResourceKind::EndpointConfig | ResourceKind::Domain => {
                return Err(PortError::Unsupported {
                    operation: "stop".to_owned(),
                    kind: kind.as_str().to_owned(),
                });
            }
        };
        tracing::info!(resource = %name, kind = %kind, outcome = ?outcome, "stop");
        outcome
    }

    async fn delete(&self, resource: &ResourceRef) -> Result<DeleteOutcome, PortError> {
        let c = &self.client;
        let name = resource.name.as_str();
        let outcome = match resource.kind {
            ResourceKind::NotebookInstance => delete_result(
                "DeleteNotebookInstance",
                c.delete_notebook_instance().notebook_instance_name(name).send().await,
            ),
            ResourceKind::Model => delete_result("DeleteModel", c.delete_model().model_name(name).send().await),
            ResourceKind::EndpointConfig => delete_result(
                "DeleteEndpointConfig",
                c.delete_endpoint_config().endpoint_config_name(name).send().await,
            ),
            kind => {
                return Err(PortError::Unsupported {
                    operation: "delete".to_owned(),
                    kind: kind.as_str().to_owned(),
                });
            }
        };
        tracing::info!(resource = %name, kind = %resource.kind, outcome = ?outcome, "delete");
        outcome
    }
}
