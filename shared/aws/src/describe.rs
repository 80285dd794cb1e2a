//! `Describe*` answers into the policy's specs, and so into the same model and rules as events.
//!
//! Only moves fields: every decision about them (defaults, exemptions, findings) stays in
//! `smguard-policy`.

use aws_sdk_sagemaker::operation as op;
use aws_sdk_sagemaker::types as sdk;
use smguard_policy::Resource;
use smguard_policy::event::spec::{self, SpecError, described};

fn text<T: AsRef<str>>(value: Option<T>) -> Option<String> {
    value.map(|v| v.as_ref().to_owned())
}

fn vpc(value: Option<sdk::VpcConfig>) -> Option<spec::VpcConfig> {
    value.map(|v| spec::VpcConfig {
        security_group_ids: v.security_group_ids,
        subnets: v.subnets,
    })
}

fn output_data(value: Option<sdk::OutputDataConfig>) -> Option<spec::OutputDataConfig> {
    value.map(|v| spec::OutputDataConfig {
        kms_key_id: v.kms_key_id,
        s3_output_path: v.s3_output_path,
    })
}

fn resource_config(value: Option<sdk::ResourceConfig>) -> Option<spec::ResourceConfig> {
    value.map(|v| spec::ResourceConfig {
        instance_type: text(v.instance_type),
        volume_kms_key_id: v.volume_kms_key_id,
        instance_groups: v.instance_groups.map(|groups| {
            groups
                .into_iter()
                .map(|g| spec::InstanceTypeOnly {
                    instance_type: text(g.instance_type),
                })
                .collect()
        }),
    })
}

fn checkpoint(value: Option<sdk::CheckpointConfig>) -> Option<spec::S3UriConfig> {
    value.map(|v| spec::S3UriConfig { s3_uri: v.s3_uri })
}

pub(crate) fn notebook_instance(
    o: op::describe_notebook_instance::DescribeNotebookInstanceOutput,
) -> Result<Resource, SpecError> {
    described(
        spec::NotebookInstanceSpec {
            notebook_instance_name: o.notebook_instance_name,
            notebook_instance_arn: o.notebook_instance_arn,
            notebook_instance_status: text(o.notebook_instance_status),
            instance_type: text(o.instance_type),
            role_arn: o.role_arn,
            subnet_id: o.subnet_id,
            security_group_ids: o.security_groups,
            direct_internet_access: text(o.direct_internet_access),
            kms_key_id: o.kms_key_id,
            root_access: text(o.root_access),
            instance_metadata_service_configuration: o.instance_metadata_service_configuration.map(|c| {
                spec::InstanceMetadataServiceConfiguration {
                    minimum_instance_metadata_service_version: c.minimum_instance_metadata_service_version,
                }
            }),
            tags: None,
        },
        "DescribeNotebookInstance",
    )
}

pub(crate) fn training_job(o: op::describe_training_job::DescribeTrainingJobOutput) -> Result<Resource, SpecError> {
    described(
        spec::TrainingJobSpec {
            training_job_name: o.training_job_name,
            training_job_arn: o.training_job_arn,
            training_job_status: text(o.training_job_status),
            vpc_config: vpc(o.vpc_config),
            output_data_config: output_data(o.output_data_config),
            resource_config: resource_config(o.resource_config),
            enable_network_isolation: o.enable_network_isolation,
            enable_inter_container_traffic_encryption: o.enable_inter_container_traffic_encryption,
            checkpoint_config: checkpoint(o.checkpoint_config),
            debug_hook_config: o.debug_hook_config.map(|c| spec::S3OutputPathConfig {
                s3_output_path: c.s3_output_path,
            }),
            tensor_board_output_config: o.tensor_board_output_config.map(|c| spec::S3OutputPathConfig {
                s3_output_path: c.s3_output_path,
            }),
            profiler_config: o.profiler_config.map(|c| spec::S3OutputPathConfig {
                s3_output_path: c.s3_output_path,
            }),
            tags: None,
        },
        "DescribeTrainingJob",
    )
}

pub(crate) fn processing_job(
    o: op::describe_processing_job::DescribeProcessingJobOutput,
) -> Result<Resource, SpecError> {
    described(
        spec::ProcessingJobSpec {
            processing_job_name: o.processing_job_name,
            processing_job_arn: o.processing_job_arn,
            processing_job_status: text(o.processing_job_status),
            network_config: o.network_config.map(|n| spec::NetworkConfig {
                vpc_config: vpc(n.vpc_config),
                enable_network_isolation: n.enable_network_isolation,
                enable_inter_container_traffic_encryption: n.enable_inter_container_traffic_encryption,
            }),
            processing_output_config: o.processing_output_config.map(|c| spec::ProcessingOutputConfig {
                kms_key_id: c.kms_key_id,
                outputs: c.outputs.map(|outputs| {
                    outputs
                        .into_iter()
                        .map(|output| spec::ProcessingOutput {
                            s3_output: output.s3_output.map(|s| spec::S3UriConfig { s3_uri: s.s3_uri }),
                        })
                        .collect()
                }),
            }),
            processing_resources: o.processing_resources.map(|r| spec::ProcessingResources {
                cluster_config: r.cluster_config.map(|c| spec::ResourceConfig {
                    instance_type: text(c.instance_type),
                    volume_kms_key_id: c.volume_kms_key_id,
                    instance_groups: None,
                }),
            }),
            tags: None,
        },
        "DescribeProcessingJob",
    )
}

fn training_definition(d: sdk::HyperParameterTrainingJobDefinition) -> spec::TrainingJobDefinition {
    spec::TrainingJobDefinition {
        vpc_config: vpc(d.vpc_config),
        output_data_config: output_data(d.output_data_config),
        resource_config: resource_config(d.resource_config),
        hyper_parameter_tuning_resource_config: d.hyper_parameter_tuning_resource_config.map(|c| {
            spec::HyperParameterTuningResourceConfig {
                instance_type: text(c.instance_type),
                volume_kms_key_id: c.volume_kms_key_id,
                instance_configs: c.instance_configs.map(|configs| {
                    configs
                        .into_iter()
                        .map(|c| spec::InstanceTypeOnly {
                            instance_type: text(c.instance_type),
                        })
                        .collect()
                }),
            }
        }),
        enable_network_isolation: d.enable_network_isolation,
        enable_inter_container_traffic_encryption: d.enable_inter_container_traffic_encryption,
        checkpoint_config: checkpoint(d.checkpoint_config),
    }
}

pub(crate) fn hyper_parameter_tuning_job(
    o: op::describe_hyper_parameter_tuning_job::DescribeHyperParameterTuningJobOutput,
) -> Result<Resource, SpecError> {
    described(
        spec::HyperParameterTuningJobSpec {
            hyper_parameter_tuning_job_name: o.hyper_parameter_tuning_job_name,
            hyper_parameter_tuning_job_arn: o.hyper_parameter_tuning_job_arn,
            hyper_parameter_tuning_job_status: text(o.hyper_parameter_tuning_job_status),
            training_job_definition: o.training_job_definition.map(training_definition),
            training_job_definitions: o
                .training_job_definitions
                .map(|definitions| definitions.into_iter().map(training_definition).collect()),
            tags: None,
        },
        "DescribeHyperParameterTuningJob",
    )
}

pub(crate) fn transform_job(o: op::describe_transform_job::DescribeTransformJobOutput) -> Result<Resource, SpecError> {
    described(
        spec::TransformJobSpec {
            transform_job_name: o.transform_job_name,
            transform_job_arn: o.transform_job_arn,
            transform_job_status: text(o.transform_job_status),
            model_name: o.model_name,
            transform_output: o.transform_output.map(|t| spec::OutputLocation {
                kms_key_id: t.kms_key_id,
                s3_output_path: t.s3_output_path,
            }),
            transform_resources: o.transform_resources.map(|r| spec::ResourceConfig {
                instance_type: text(r.instance_type),
                volume_kms_key_id: r.volume_kms_key_id,
                instance_groups: None,
            }),
            data_capture_config: o.data_capture_config.map(|c| spec::DataCaptureConfig {
                kms_key_id: c.kms_key_id,
                destination_s3_uri: c.destination_s3_uri,
                // Batch transform capture has no on/off switch.
                enable_capture: None,
            }),
            tags: None,
        },
        "DescribeTransformJob",
    )
}

pub(crate) fn model(o: op::describe_model::DescribeModelOutput) -> Result<Resource, SpecError> {
    described(
        spec::ModelSpec {
            model_name: o.model_name,
            model_arn: o.model_arn,
            vpc_config: vpc(o.vpc_config),
            enable_network_isolation: o.enable_network_isolation,
            tags: None,
        },
        "DescribeModel",
    )
}

fn variant(v: sdk::ProductionVariant) -> spec::ProductionVariant {
    spec::ProductionVariant {
        variant_name: v.variant_name,
        model_name: v.model_name,
        instance_type: text(v.instance_type),
        core_dump_config: v.core_dump_config.map(|c| spec::CoreDumpConfig {
            destination_s3_uri: c.destination_s3_uri,
            kms_key_id: c.kms_key_id,
        }),
    }
}

pub(crate) fn endpoint_config(
    o: op::describe_endpoint_config::DescribeEndpointConfigOutput,
) -> Result<Resource, SpecError> {
    described(
        spec::EndpointConfigSpec {
            endpoint_config_name: o.endpoint_config_name,
            endpoint_config_arn: o.endpoint_config_arn,
            kms_key_id: o.kms_key_id,
            production_variants: o.production_variants.map(|v| v.into_iter().map(variant).collect()),
            shadow_production_variants: o
                .shadow_production_variants
                .map(|v| v.into_iter().map(variant).collect()),
            data_capture_config: o.data_capture_config.map(|c| spec::DataCaptureConfig {
                kms_key_id: c.kms_key_id,
                destination_s3_uri: c.destination_s3_uri,
                enable_capture: c.enable_capture,
            }),
            async_inference_config: o.async_inference_config.map(|c| spec::AsyncInferenceConfig {
                output_config: c.output_config.map(|o| spec::AsyncInferenceOutputConfig {
                    kms_key_id: o.kms_key_id,
                    s3_output_path: o.s3_output_path,
                    s3_failure_path: o.s3_failure_path,
                }),
            }),
            execution_role_arn: o.execution_role_arn,
            vpc_config: vpc(o.vpc_config),
            enable_network_isolation: o.enable_network_isolation,
            tags: None,
        },
        "DescribeEndpointConfig",
    )
}

#[allow(
    deprecated,
    reason = "domains created with the deprecated key field still report it there"
)]
pub(crate) fn domain(o: op::describe_domain::DescribeDomainOutput) -> Result<Resource, SpecError> {
    described(
        spec::DomainSpec {
            domain_name: o.domain_name,
            domain_id: o.domain_id,
            domain_arn: o.domain_arn,
            status: text(o.status),
            app_network_access_type: text(o.app_network_access_type),
            vpc_id: o.vpc_id,
            subnet_ids: o.subnet_ids,
            domain_settings: o.domain_settings.map(|s| spec::DomainSettings {
                security_group_ids: s.security_group_ids,
            }),
            domain_settings_for_update: None,
            default_user_settings: o.default_user_settings.map(|u| spec::UserSettings {
                security_groups: u.security_groups,
                sharing_settings: u.sharing_settings.map(|s| spec::SharingSettings {
                    notebook_output_option: text(s.notebook_output_option),
                    s3_output_path: s.s3_output_path,
                    s3_kms_key_id: s.s3_kms_key_id,
                }),
            }),
            kms_key_id: o.kms_key_id,
            home_efs_file_system_kms_key_id: o.home_efs_file_system_kms_key_id,
            tags: None,
        },
        "DescribeDomain",
    )
}

pub(crate) fn compilation_job(
    o: op::describe_compilation_job::DescribeCompilationJobOutput,
) -> Result<Resource, SpecError> {
    described(
        spec::CompilationJobSpec {
            compilation_job_name: o.compilation_job_name,
            compilation_job_arn: o.compilation_job_arn,
            compilation_job_status: text(o.compilation_job_status),
            vpc_config: o.vpc_config.map(|v| spec::VpcConfig {
                security_group_ids: v.security_group_ids,
                subnets: v.subnets,
            }),
            output_config: o.output_config.map(|c| spec::CompilationOutputConfig {
                s3_output_location: c.s3_output_location,
                kms_key_id: c.kms_key_id,
            }),
            tags: None,
        },
        "DescribeCompilationJob",
    )
}

fn auto_ml_security(c: sdk::AutoMlSecurityConfig) -> spec::AutoMlSecurityConfig {
    spec::AutoMlSecurityConfig {
        volume_kms_key_id: c.volume_kms_key_id,
        enable_inter_container_traffic_encryption: c.enable_inter_container_traffic_encryption,
        vpc_config: vpc(c.vpc_config),
    }
}

fn auto_ml_output(c: Option<sdk::AutoMlOutputDataConfig>) -> Option<spec::OutputDataConfig> {
    c.map(|c| spec::OutputDataConfig {
        kms_key_id: c.kms_key_id,
        s3_output_path: c.s3_output_path,
    })
}

pub(crate) fn auto_ml_job(o: op::describe_auto_ml_job::DescribeAutoMlJobOutput) -> Result<Resource, SpecError> {
    described(
        spec::AutoMlJobSpec {
            auto_ml_job_name: o.auto_ml_job_name,
            auto_ml_job_arn: o.auto_ml_job_arn,
            auto_ml_job_status: text(o.auto_ml_job_status),
            auto_ml_job_config: o.auto_ml_job_config.map(|c| spec::AutoMlJobConfig {
                security_config: c.security_config.map(auto_ml_security),
            }),
            output_data_config: auto_ml_output(o.output_data_config),
            tags: None,
        },
        "DescribeAutoMLJob",
    )
}

pub(crate) fn auto_ml_job_v2(o: op::describe_auto_ml_job_v2::DescribeAutoMlJobV2Output) -> Result<Resource, SpecError> {
    described(
        spec::AutoMlJobV2Spec {
            auto_ml_job_name: o.auto_ml_job_name,
            auto_ml_job_arn: o.auto_ml_job_arn,
            auto_ml_job_status: text(o.auto_ml_job_status),
            security_config: o.security_config.map(auto_ml_security),
            output_data_config: auto_ml_output(o.output_data_config),
            tags: None,
        },
        "DescribeAutoMLJobV2",
    )
}

pub(crate) fn labeling_job(o: op::describe_labeling_job::DescribeLabelingJobOutput) -> Result<Resource, SpecError> {
    described(
        spec::LabelingJobSpec {
            labeling_job_name: o.labeling_job_name,
            labeling_job_arn: o.labeling_job_arn,
            labeling_job_status: text(o.labeling_job_status),
            output_config: o.output_config.map(|c| spec::OutputLocation {
                kms_key_id: c.kms_key_id,
                s3_output_path: c.s3_output_path,
            }),
            labeling_job_algorithms_config: o.labeling_job_algorithms_config.map(|a| {
                spec::LabelingJobAlgorithmsConfig {
                    labeling_job_resource_config: a.labeling_job_resource_config.map(|r| {
                        spec::LabelingJobResourceConfig {
                            volume_kms_key_id: r.volume_kms_key_id,
                            vpc_config: vpc(r.vpc_config),
                        }
                    }),
                }
            }),
            tags: None,
        },
        "DescribeLabelingJob",
    )
}
