//! Data rules: SageMaker writes only to the approved output locations, whether a workload's role
//! writes an object or a resource is configured to write.
//!
//! Both are active only when `SMGUARD_APPROVED_OUTPUT_LOCATIONS` is set. A location matches by
//! bucket (exact) and key prefix (exact, case-sensitive); an output path is the prefix a resource
//! writes under (`s3://b/outputs` writes `s3://b/outputs/<job>/…`), see [`crate::s3`].

use super::{Check, ControlMode, RuleDefinition, RuleId, Severity, Target};
use crate::config::PolicyConfig;
use crate::model::{FieldName, Observed, Resource};
use crate::s3::{S3Path, S3Write};

pub(super) static UPLOAD_LOCATION_APPROVED: RuleDefinition = RuleDefinition {
    id: RuleId::UploadLocationApproved,
    severity: Severity::High,
    default_mode: ControlMode::Enforce,
    fails_when: "a SageMaker execution role's session writes an object (`PutObject`, `CopyObject`, `PostObject`, a \
                 multipart upload) to a bucket or key outside every approved output location; critical when the \
                 bucket is another account's",
    remediation: "find out why the workload wrote there and tighten the role's and the VPC endpoint's policies; the \
                  object is quarantined (own bucket) or must be recovered from the bucket's owner",
    check: Target::ObjectWrite(upload_location_approved),
};

pub(super) static OUTPUT_LOCATION_APPROVED: RuleDefinition = RuleDefinition {
    id: RuleId::OutputLocationApproved,
    severity: Severity::High,
    default_mode: ControlMode::Enforce,
    fails_when: "an S3 location the resource will write to (output, checkpoints, debugger and profiler output, \
                 data capture, async results, sharing, offline store, …) lies outside every approved output location",
    remediation: "write outputs under an approved output location (`SMGUARD_APPROVED_OUTPUT_LOCATIONS`)",
    check: Target::Resource(output_location_approved),
};

fn approved_list(config: &PolicyConfig) -> String {
    config
        .approved_output_locations
        .iter()
        .map(|location| format!("`{location}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn upload_location_approved(write: &S3Write, config: &PolicyConfig, checks: &mut Vec<Check>) {
    if config.approved_output_locations.is_empty() {
        return;
    }
    let approved = config
        .approved_output_locations
        .iter()
        .any(|location| location.contains(&write.bucket, &write.key));
    checks.push(if approved {
        Check::Pass
    } else {
        let owner = match (&write.bucket_owner, write.bucket_is_own()) {
            (_, true) => String::new(),
            (Some(owner), false) => format!(" (a bucket of account {owner})"),
            (None, false) => " (a bucket whose owner the record does not say)".to_owned(),
        };
        Check::Fail {
            field: FieldName::Borrowed("requestParameters.bucketName"),
            reason: format!(
                "`{}` wrote `{}`{owner}, outside every approved output location ({})",
                write.call,
                write.uri(),
                approved_list(config)
            ),
        }
    });
}

fn output_location_approved(resource: &Resource, config: &PolicyConfig, checks: &mut Vec<Check>) {
    if config.approved_output_locations.is_empty() {
        return;
    }
    checks.extend(resource.s3_outputs.iter().map(|output| {
        let uri = match &output.uri {
            Observed::Unknown => {
                return Check::Undetermined {
                    field: output.field.clone(),
                };
            }
            Observed::Explicit(uri) | Observed::Defaulted(uri) => uri,
        };
        let Some(path) = S3Path::parse(uri) else {
            return Check::Fail {
                field: output.field.clone(),
                reason: format!("`{}` is `{uri}`, which is not an S3 location", output.field),
            };
        };
        if config
            .approved_output_locations
            .iter()
            .any(|location| location.contains_output(&path))
        {
            Check::Pass
        } else {
            Check::Fail {
                field: output.field.clone(),
                reason: format!(
                    "`{}` is `{uri}`: the resource would write outside every approved output location ({})",
                    output.field,
                    approved_list(config)
                ),
            }
        }
    }));
}
