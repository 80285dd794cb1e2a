//! [`Inventory`] over SageMaker's `Describe*` and `List*` calls.

use async_trait::async_trait;
use aws_sdk_sagemaker::Client;
use smguard_engine::{Inventory, PortError};
use smguard_policy::event::spec::SpecError;
use smguard_policy::{Resource, ResourceKind, ResourceRef};

use crate::describe;
use crate::error::{classify, is_not_found};

/// Reads SageMaker resources into the policy model.
#[derive(Debug, Clone)]
pub struct SageMakerInventory {
    client: Client,
}

impl SageMakerInventory {
    pub fn new(client: Client) -> Self {
        SageMakerInventory { client }
    }

    /// What [`Inventory::describe`] needs, for every kind (the deployment grants these).
    pub const DESCRIBE_PERMISSIONS: &'static [&'static str] = &[
        "sagemaker:DescribeNotebookInstance",
        "sagemaker:DescribeTrainingJob",
        "sagemaker:DescribeProcessingJob",
        "sagemaker:DescribeTransformJob",
        "sagemaker:DescribeHyperParameterTuningJob",
        "sagemaker:DescribeModel",
        "sagemaker:DescribeEndpointConfig",
        "sagemaker:DescribeDomain",
        "sagemaker:DescribeCompilationJob",
        "sagemaker:DescribeAutoMLJob",
        "sagemaker:DescribeAutoMLJobV2",
        "sagemaker:DescribeLabelingJob",
    ];

    /// What [`Inventory::list`] needs besides [`Self::DESCRIBE_PERMISSIONS`].
    pub const LIST_PERMISSIONS: &'static [&'static str] = &[
        "sagemaker:ListNotebookInstances",
        "sagemaker:ListTrainingJobs",
        "sagemaker:ListProcessingJobs",
        "sagemaker:ListTransformJobs",
        "sagemaker:ListHyperParameterTuningJobs",
        "sagemaker:ListModels",
        "sagemaker:ListEndpointConfigs",
        "sagemaker:ListDomains",
        "sagemaker:ListCompilationJobs",
        "sagemaker:ListAutoMLJobs",
        "sagemaker:ListLabelingJobs",
    ];
}

/// A Describe answer that lacks what every such answer has (the name): not something the rules
/// can read, so it is reported rather than evaluated as compliant.
fn unreadable(operation: &str, error: SpecError) -> PortError {
    let field = match error {
        SpecError::MissingName(field) | SpecError::MissingRequired(field) => field,
    };
    PortError::Rejected {
        operation: operation.to_owned(),
        code: "IncompleteAnswer".to_owned(),
        message: format!("the answer has no `{field}`"),
    }
}

/// Runs one Describe call: `Ok(None)` when SageMaker says the resource does not exist.
macro_rules! describe {
    ($operation:literal, $call:expr, $read:path) => {
        match $call.send().await {
            Ok(output) => $read(output).map(Some).map_err(|e| unreadable($operation, e)),
            Err(error) if is_not_found(&error) => Ok(None),
            Err(error) => Err(classify($operation, &error)),
        }
    };
}

/// Collects the names and ARNs of every page of a List call.
macro_rules! list {
    ($operation:literal, $kind:expr, $call:expr, $items:ident, $name:ident, $arn:ident) => {{
        let mut pages = $call.into_paginator().send();
        let mut found = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|error| classify($operation, &error))?;
            for item in page.$items.unwrap_or_default() {
                // A summary without a name cannot be described or acted on.
                let Some(name) = item.$name else { continue };
                found.push(ResourceRef {
                    kind: $kind,
                    name,
                    arn: item.$arn,
                    id: None,
                });
            }
        }
        Ok(found)
    }};
}

#[async_trait]
impl Inventory for SageMakerInventory {
    async fn describe(&self, resource: &ResourceRef) -> Result<Option<Resource>, PortError> {
        let c = &self.client;
        let name = resource.name.as_str();
        match resource.kind {
            ResourceKind::NotebookInstance => describe!(
                "DescribeNotebookInstance",
                c.describe_notebook_instance().notebook_instance_name(name),
                describe::notebook_instance
            ),
            ResourceKind::TrainingJob => {
                describe!(
                    "DescribeTrainingJob",
                    c.describe_training_job().training_job_name(name),
                    describe::training_job
                )
            }
            ResourceKind::ProcessingJob => describe!(
                "DescribeProcessingJob",
                c.describe_processing_job().processing_job_name(name),
                describe::processing_job
            ),
            ResourceKind::HyperParameterTuningJob => describe!(
                "DescribeHyperParameterTuningJob",
                c.describe_hyper_parameter_tuning_job()
                    .hyper_parameter_tuning_job_name(name),
                describe::hyper_parameter_tuning_job
            ),
            ResourceKind::TransformJob => describe!(
                "DescribeTransformJob",
                c.describe_transform_job().transform_job_name(name),
                describe::transform_job
            ),
            ResourceKind::Model => describe!("DescribeModel", c.describe_model().model_name(name), describe::model),
            ResourceKind::EndpointConfig => describe!(
                "DescribeEndpointConfig",
                c.describe_endpoint_config().endpoint_config_name(name),
                describe::endpoint_config
            ),
            ResourceKind::Domain => {
                // Domains are described by ID (`d-…`): from the reference, or the ARN's last part.
                let id = resource
                    .id
                    .clone()
                    .or_else(|| {
                        resource
                            .arn
                            .as_deref()
                            .and_then(|a| a.rsplit('/').next())
                            .map(str::to_owned)
                    })
                    .unwrap_or_else(|| resource.name.clone());
                describe!("DescribeDomain", c.describe_domain().domain_id(id), describe::domain)
            }
            ResourceKind::CompilationJob => describe!(
                "DescribeCompilationJob",
                c.describe_compilation_job().compilation_job_name(name),
                describe::compilation_job
            ),
            ResourceKind::AutoMlJob => {
                // V2 answers carry `AutoMLProblemTypeConfig`; a V1 job is read with V1's Describe,
                // whose security settings sit under `AutoMLJobConfig`.
                match c.describe_auto_ml_job_v2().auto_ml_job_name(name).send().await {
                    Ok(output) if output.auto_ml_problem_type_config.is_some() => describe::auto_ml_job_v2(output)
                        .map(Some)
                        .map_err(|e| unreadable("DescribeAutoMLJobV2", e)),
                    Ok(_) => describe!(
                        "DescribeAutoMLJob",
                        c.describe_auto_ml_job().auto_ml_job_name(name),
                        describe::auto_ml_job
                    ),
                    Err(error) if is_not_found(&error) => Ok(None),
                    Err(error) => Err(classify("DescribeAutoMLJobV2", &error)),
                }
            }
            ResourceKind::LabelingJob => describe!(
                "DescribeLabelingJob",
                c.describe_labeling_job().labeling_job_name(name),
                describe::labeling_job
            ),
        }
    }

    async fn list(&self, kind: ResourceKind) -> Result<Vec<ResourceRef>, PortError> {
        let c = &self.client;
        match kind {
            ResourceKind::NotebookInstance => list!(
                "ListNotebookInstances",
                kind,
                c.list_notebook_instances(),
                notebook_instances,
                notebook_instance_name,
                notebook_instance_arn
            ),
            ResourceKind::TrainingJob => list!(
                "ListTrainingJobs",
                kind,
                c.list_training_jobs(),
                training_job_summaries,
                training_job_name,
                training_job_arn
            ),
            ResourceKind::ProcessingJob => list!(
                "ListProcessingJobs",
                kind,
                c.list_processing_jobs(),
                processing_job_summaries,
                processing_job_name,
                processing_job_arn
            ),
            ResourceKind::HyperParameterTuningJob => list!(
                "ListHyperParameterTuningJobs",
                kind,
                c.list_hyper_parameter_tuning_jobs(),
                hyper_parameter_tuning_job_summaries,
                hyper_parameter_tuning_job_name,
                hyper_parameter_tuning_job_arn
            ),
            ResourceKind::TransformJob => list!(
                "ListTransformJobs",
                kind,
                c.list_transform_jobs(),
                transform_job_summaries,
                transform_job_name,
                transform_job_arn
            ),
            ResourceKind::Model => list!("ListModels", kind, c.list_models(), models, model_name, model_arn),
            ResourceKind::EndpointConfig => list!(
                "ListEndpointConfigs",
                kind,
                c.list_endpoint_configs(),
                endpoint_configs,
                endpoint_config_name,
                endpoint_config_arn
            ),
            ResourceKind::Domain => {
                let mut pages = c.list_domains().into_paginator().send();
                let mut found = Vec::new();
                while let Some(page) = pages.next().await {
                    let page = page.map_err(|error| classify("ListDomains", &error))?;
                    for domain in page.domains.unwrap_or_default() {
                        let Some(name) = domain.domain_name.or_else(|| domain.domain_id.clone()) else {
                            continue;
                        };
                        found.push(ResourceRef {
                            kind,
                            name,
                            arn: domain.domain_arn,
                            id: domain.domain_id,
                        });
                    }
                }
                Ok(found)
            }
            ResourceKind::CompilationJob => list!(
                "ListCompilationJobs",
                kind,
                c.list_compilation_jobs(),
                compilation_job_summaries,
                compilation_job_name,
                compilation_job_arn
            ),
            ResourceKind::AutoMlJob => list!(
                "ListAutoMLJobs",
                kind,
                c.list_auto_ml_jobs(),
                auto_ml_job_summaries,
                auto_ml_job_name,
                auto_ml_job_arn
            ),
            ResourceKind::LabelingJob => list!(
                "ListLabelingJobs",
                kind,
                c.list_labeling_jobs(),
                labeling_job_summary_list,
                labeling_job_name,
                labeling_job_arn
            ),
        }
    }
}
