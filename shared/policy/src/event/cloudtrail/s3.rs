//! S3 object-level data events: the calls that write an object, read into an [`S3Write`].
//!
//! CloudTrail keeps S3's HTTP casing in `requestParameters` (`bucketName`, `key`, `uploadId`,
//! `x-amz-copy-source`), logs response *headers* in `responseElements` (`x-amz-version-id`, never
//! a response body, so `CreateMultipartUpload`'s upload ID is usually absent), the payload size
//! in `additionalEventData.bytesTransferredIn`, and the bucket owner as the `accountId` of the
//! record's `AWS::S3::Bucket` resource (blank when CloudTrail withholds it).

use serde::Deserialize;

use super::super::{EventError, EventInfo, IgnoreReason, Subject};
use super::{Record, owned, read_parameters};
use crate::arn::{Arn, partition_for_region};
use crate::config::PolicyConfig;
use crate::model::{Location, Origin, Principal, SourceKind};
use crate::s3::{S3Write, WriteCall};

/// `eventSource` of S3 calls.
pub const EVENT_SOURCE: &str = "s3.amazonaws.com";

/// The members of an object call's `requestParameters` that name what is written.
#[derive(Deserialize)]
struct ObjectParameters {
    #[serde(rename = "bucketName")]
    bucket_name: Option<String>,
    key: Option<String>,
    #[serde(rename = "uploadId")]
    upload_id: Option<String>,
    #[serde(rename = "x-amz-copy-source")]
    copy_source: Option<String>,
}

/// The response headers and extra data read: the version written and its size.
#[derive(Deserialize, Default)]
struct Written {
    #[serde(rename = "x-amz-version-id")]
    version_id: Option<String>,
    #[serde(rename = "bytesTransferredIn")]
    bytes_in: Option<serde_json::Number>,
}

/// One of the record's own `resources`.
#[derive(Deserialize)]
struct RecordResource {
    #[serde(rename = "type")]
    resource_type: Option<String>,
    #[serde(rename = "ARN")]
    arn: Option<String>,
    #[serde(rename = "accountId")]
    account_id: Option<String>,
}

/// A successful S3 call by someone other than smguard.
pub(super) fn normalize(
    record: Record<'_>,
    principal: Principal,
    info: &mut EventInfo,
    config: &PolicyConfig,
) -> Subject {
    let event_name = record.event_name.as_deref().unwrap_or_default().to_owned();
    let Some(call) = WriteCall::named(&event_name) else {
        return Subject::Ignored(IgnoreReason::Unrelated {
            description: format!("`{event_name}` from `{EVENT_SOURCE}` (not an object write)"),
        });
    };
    if config.approved_output_locations.is_empty() {
        return Subject::Ignored(IgnoreReason::Unrelated {
            description: format!(
                "`{event_name}` (no approved output locations are configured, so S3 writes are not judged)"
            ),
        });
    }
    // Whose sessions are SageMaker workloads is said by the role behind the session, whatever
    // the session's name.
    let role = principal.session_issuer_arn.as_deref();
    if !role.is_some_and(|role| config.is_sagemaker_role(role)) {
        return Subject::Ignored(IgnoreReason::NotSageMakerRole {
            event_name,
            principal: principal
                .session_issuer_arn
                .clone()
                .or_else(|| principal.arn.clone())
                .unwrap_or_else(|| "an unknown principal".to_owned()),
        });
    }
    let parameters: ObjectParameters = match read_parameters(&record, &event_name) {
        Ok(parameters) => parameters,
        Err(error) => return Subject::Unevaluable(error),
    };
    let missing = |field: &str| {
        Subject::Unevaluable(EventError::MissingRequired {
            event: event_name.clone(),
            field: format!("requestParameters.{field}"),
        })
    };
    let Some(bucket) = parameters.bucket_name.filter(|b| !b.is_empty()) else {
        return missing("bucketName");
    };
    let Some(key) = parameters.key.filter(|k| !k.is_empty()) else {
        return missing("key");
    };
    let response: Written = record
        .response_elements
        .and_then(|r| serde_json::from_str(r.get()).ok())
        .unwrap_or_default();
    let extra: Written = record
        .additional_event_data
        .and_then(|r| serde_json::from_str(r.get()).ok())
        .unwrap_or_default();
    let resources: Vec<RecordResource> = record
        .resources
        .and_then(|r| serde_json::from_str(r.get()).ok())
        .unwrap_or_default();
    let bucket_owner = resources
        .iter()
        .filter(|r| r.resource_type.as_deref() == Some("AWS::S3::Bucket"))
        .find(|r| {
            r.arn
                .as_deref()
                .and_then(Arn::parse)
                .is_some_and(|arn| arn.service == "s3" && arn.resource == bucket)
        })
        .and_then(|r| r.account_id.clone())
        .filter(|owner| !owner.is_empty());
    let region = info.region.clone();
    let partition = principal
        .arn
        .as_deref()
        .and_then(Arn::parse)
        .map(|arn| arn.partition.to_owned())
        .or_else(|| region.as_deref().map(|r| partition_for_region(r).to_owned()));
    let session_name = principal
        .arn
        .as_deref()
        .and_then(Arn::parse)
        .and_then(|arn| arn.resource.strip_prefix("assumed-role/").map(str::to_owned))
        .and_then(|session| session.split_once('/').map(|(_, name)| name.to_owned()));
    let write = S3Write {
        call,
        bucket,
        key,
        upload_id: parameters.upload_id.filter(|id| !id.is_empty()),
        version_id: response
            .version_id
            .or(extra.version_id)
            .filter(|v| !v.is_empty() && v != "null"),
        bytes: extra.bytes_in.and_then(|n| n.as_u64()),
        bucket_owner,
        copy_source: parameters.copy_source,
        caller: principal,
        session_name,
        vpc_endpoint_id: owned(&record.vpc_endpoint_id),
        location: Location {
            partition,
            region,
            account: info.account.clone(),
        },
        origin: Origin {
            source: SourceKind::CloudTrail,
            name: event_name,
            event_id: info.id.clone(),
            time: owned(&record.event_time),
            modified: None,
        },
    };
    Subject::ObjectWrite(Box::new(write))
}
