//! [`ObjectRemediator`] over S3 and IAM: the upload guard's quarantine, abort and revoke.
//!
//! - **Quarantine**: `CopyObject` of the exact version written to the quarantine bucket (SSE-KMS
//!   with smguard's key, the metadata replaced by the evidence's), then `DeleteObject` of that
//!   version. Objects over 5 GiB, which `CopyObject` refuses, are copied with a multipart copy
//!   (`CreateMultipartUpload`, `UploadPartCopy` in 1 GiB parts, `CompleteMultipartUpload`). Nothing
//!   is deleted unless the copy succeeded. A version already gone is looked for in quarantine
//!   (`HeadObject`): kept there by an earlier attempt, or gone without a copy.
//! - **Abort**: `AbortMultipartUpload` by the record's upload ID; without one (a
//!   `CreateMultipartUpload` record), `ListMultipartUploads` with the key as prefix finds the caller's
//!   open uploads of exactly that key.
//! - **Revoke**: IAM's "revoke active sessions": the inline policy `AWSRevokeOlderSessions` on the
//!   role denies every action to tokens issued before now.
//!
//! Two calls (copy, delete) for a quarantine on the usual path: no `HeadObject` before acting.

use async_trait::async_trait;
use aws_sdk_s3::Client as S3Client;
use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart, MetadataDirective, ServerSideEncryption};
use aws_smithy_types::date_time::{DateTime, Format};
use smguard_engine::PortError;
use smguard_engine::ports::{AbortOutcome, Evidence, ObjectRemediator, QuarantineOutcome};
use smguard_policy::S3Write;

use crate::error::classify;

/// The largest object `CopyObject` copies in one request (5 GiB).
const MAX_SINGLE_COPY: i64 = 5 * 1024 * 1024 * 1024;
/// Part size of a multipart copy (S3 allows 5 MiB to 5 GiB, and at most 10,000 parts).
const COPY_PART: i64 = 1024 * 1024 * 1024;
/// The inline policy IAM's console writes to revoke a role's sessions.
pub const REVOKE_POLICY_NAME: &str = "AWSRevokeOlderSessions";

/// Quarantine, abort and revoke, for the upload guard.
#[derive(Debug, Clone)]
pub struct S3ObjectRemediator {
    s3: S3Client,
    iam: Option<aws_sdk_iam::Client>,
    quarantine_bucket: String,
    /// smguard's KMS key for the evidence (`None`: the bucket's default encryption).
    quarantine_key: Option<String>,
}

impl S3ObjectRemediator {
    /// `iam` only when sessions may be revoked (`SMGUARD_REVOKE_SESSIONS_ON_EXTERNAL_WRITE`).
    pub fn new(
        s3: S3Client,
        iam: Option<aws_sdk_iam::Client>,
        quarantine_bucket: impl Into<String>,
        quarantine_key: Option<String>,
    ) -> Self {
        S3ObjectRemediator {
            s3,
            iam,
            quarantine_bucket: quarantine_bucket.into(),
            quarantine_key,
        }
    }

    /// The permissions the adapter's calls need (the template grants exactly these; revoke only
    /// when enabled).
    pub const PERMISSIONS: &'static [&'static str] = &[
        "s3:GetObject",
        "s3:GetObjectVersion",
        "s3:PutObject",
        "s3:DeleteObject",
        "s3:DeleteObjectVersion",
        "s3:AbortMultipartUpload",
        "s3:ListBucketMultipartUploads",
    ];
    pub const REVOKE_PERMISSIONS: &'static [&'static str] = &["iam:PutRolePolicy"];

    fn evidence_uri(&self, evidence: &Evidence) -> String {
        format!("s3://{}/{}", self.quarantine_bucket, evidence.key)
    }

    /// Copies the written version to quarantine; `Ok(false)` when the version no longer exists.
    async fn copy(&self, write: &S3Write, evidence: &Evidence) -> Result<bool, PortError> {
        let source = copy_source(write);
        // The record says how much was written: skip the single copy S3 would refuse.
        if write
            .bytes
            .and_then(|b| i64::try_from(b).ok())
            .is_some_and(|b| b > MAX_SINGLE_COPY)
        {
            return self.copy_in_parts(write, evidence, &source).await;
        }
        let mut request = self
            .s3
            .copy_object()
            .bucket(&self.quarantine_bucket)
            .key(&evidence.key)
            .copy_source(&source)
            .metadata_directive(MetadataDirective::Replace);
        for (name, value) in &evidence.metadata {
            request = request.metadata(name, header_safe(value));
        }
        request = match &self.quarantine_key {
            Some(key) => request
                .server_side_encryption(ServerSideEncryption::AwsKms)
                .ssekms_key_id(key),
            None => request,
        };
        match request.send().await {
            Ok(_) => Ok(true),
            Err(error) if is_missing(error.code()) => Ok(false),
            // "The specified copy source is larger than the maximum allowable size for a copy
            // source: 5368709120".
            Err(error)
                if error.code() == Some("InvalidRequest") && error.message().is_some_and(|m| m.contains("larger")) =>
            {
                self.copy_in_parts(write, evidence, &source).await
            }
            Err(error) => Err(classify("CopyObject", &error)),
        }
    }

    async fn copy_in_parts(&self, write: &S3Write, evidence: &Evidence, source: &str) -> Result<bool, PortError> {
        let mut head = self.s3.head_object().bucket(&write.bucket).key(&write.key);
        if let Some(version) = &write.version_id {
            head = head.version_id(version);
        }
        let size = match head.send().await {
            Ok(answer) => answer.content_length().unwrap_or(0),
            Err(error) if error.raw_response().is_some_and(|r| r.status().as_u16() == 404) => return Ok(false),
            Err(error) => return Err(classify("HeadObject", &error)),
        };
        let mut create = self
            .s3
            .create_multipart_upload()
            .bucket(&self.quarantine_bucket)
            .key(&evidence.key);
        for (name, value) in &evidence.metadata {
            create = create.metadata(name, header_safe(value));
        }
        if let Some(key) = &self.quarantine_key {
            create = create
                .server_side_encryption(ServerSideEncryption::AwsKms)
                .ssekms_key_id(key);
        }
        let upload = create
            .send()
            .await
            .map_err(|error| classify("CreateMultipartUpload", &error))?;
        let upload_id = upload.upload_id().unwrap_or_default().to_owned();
        let mut parts = Vec::new();
        let mut start = 0_i64;
        let mut number = 1_i32;
        while start < size.max(1) {
            let end = (start + COPY_PART).min(size) - 1;
            let part = self
                .s3
                .upload_part_copy()
                .bucket(&self.quarantine_bucket)
                .key(&evidence.key)
                .upload_id(&upload_id)
                .part_number(number)
                .copy_source(source)
                .copy_source_range(format!("bytes={start}-{}", end.max(start)))
                .send()
                .await;
            let part = match part {
                Ok(part) => part,
                Err(error) => {
                    // Leave no half-made evidence behind.
                    let _ = self
                        .s3
                        .abort_multipart_upload()
                        .bucket(&self.quarantine_bucket)
                        .key(&evidence.key)
                        .upload_id(&upload_id)
                        .send()
                        .await;
                    return Err(classify("UploadPartCopy", &error));
                }
            };
            let etag = part.copy_part_result().and_then(|r| r.e_tag()).map(str::to_owned);
            parts.push(CompletedPart::builder().part_number(number).set_e_tag(etag).build());
            start += COPY_PART;
            number += 1;
        }
        self.s3
            .complete_multipart_upload()
            .bucket(&self.quarantine_bucket)
            .key(&evidence.key)
            .upload_id(&upload_id)
            .multipart_upload(CompletedMultipartUpload::builder().set_parts(Some(parts)).build())
            .send()
            .await
            .map_err(|error| classify("CompleteMultipartUpload", &error))?;
        Ok(true)
    }

    async fn kept(&self, evidence: &Evidence) -> Result<bool, PortError> {
        match self
            .s3
            .head_object()
            .bucket(&self.quarantine_bucket)
            .key(&evidence.key)
            .send()
            .await
        {
            Ok(_) => Ok(true),
            Err(error) if error.raw_response().is_some_and(|r| r.status().as_u16() == 404) => Ok(false),
            Err(error) => Err(classify("HeadObject", &error)),
        }
    }
}

#[async_trait]
impl ObjectRemediator for S3ObjectRemediator {
    async fn quarantine(&self, write: &S3Write, evidence: &Evidence) -> Result<QuarantineOutcome, PortError> {
        // The evidence key is the event's: it is there when an earlier delivery of this event
        // copied and then failed to delete (throttled, say). Copying again would keep a second
        // version of the same evidence; the retry only has the delete left to do.
        if !self.kept(evidence).await? && !self.copy(write, evidence).await? {
            // Gone from where it was written: quarantined by a delivery racing this one, or
            // deleted by someone else.
            return Ok(if self.kept(evidence).await? {
                QuarantineOutcome::AlreadyQuarantined {
                    evidence: self.evidence_uri(evidence),
                }
            } else {
                QuarantineOutcome::Gone
            });
        }
        let mut delete = self.s3.delete_object().bucket(&write.bucket).key(&write.key);
        if let Some(version) = &write.version_id {
            delete = delete.version_id(version);
        }
        delete.send().await.map_err(|error| classify("DeleteObject", &error))?;
        Ok(QuarantineOutcome::Quarantined {
            evidence: self.evidence_uri(evidence),
        })
    }

    async fn abort_uploads(&self, write: &S3Write) -> Result<AbortOutcome, PortError> {
        let uploads = match &write.upload_id {
            Some(id) => vec![id.clone()],
            None => self.open_uploads_of_the_caller(write).await?,
        };
        let mut aborted = Vec::new();
        for upload in uploads {
            match self
                .s3
                .abort_multipart_upload()
                .bucket(&write.bucket)
                .key(&write.key)
                .upload_id(&upload)
                .send()
                .await
            {
                Ok(_) => aborted.push(upload),
                // Completed (its `CompleteMultipartUpload` record is judged) or aborted already.
                Err(error) if error.code() == Some("NoSuchUpload") => {}
                Err(error) => return Err(classify("AbortMultipartUpload", &error)),
            }
        }
        Ok(if aborted.is_empty() {
            AbortOutcome::NoneOpen
        } else {
            AbortOutcome::Aborted { uploads: aborted }
        })
    }

    async fn revoke_sessions(&self, role_arn: &str, before: u64) -> Result<(), PortError> {
        let Some(iam) = &self.iam else {
            return Err(PortError::Unsupported {
                operation: "PutRolePolicy".to_owned(),
                kind: "function without session revocation enabled".to_owned(),
            });
        };
        let role_name = role_arn.rsplit('/').next().unwrap_or(role_arn);
        let issued_before = DateTime::from_secs(i64::try_from(before).unwrap_or(i64::MAX))
            .fmt(Format::DateTime)
            .map_err(|error| PortError::Rejected {
                operation: "PutRolePolicy".to_owned(),
                code: "InvalidTime".to_owned(),
                message: error.to_string(),
            })?;
        let policy = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Deny",
                "Action": ["*"],
                "Resource": ["*"],
                "Condition": {"DateLessThan": {"aws:TokenIssueTime": issued_before}}
            }]
        });
        iam.put_role_policy()
            .role_name(role_name)
            .policy_name(REVOKE_POLICY_NAME)
            .policy_document(policy.to_string())
            .send()
            .await
            .map_err(|error| classify("PutRolePolicy", &error))?;
        Ok(())
    }
}

impl S3ObjectRemediator {
    /// The caller's open uploads of exactly the written key (the prefix also finds longer keys).
    async fn open_uploads_of_the_caller(&self, write: &S3Write) -> Result<Vec<String>, PortError> {
        let caller = write.caller.arn.as_deref();
        let mut found = Vec::new();
        let (mut key_marker, mut upload_marker): (Option<String>, Option<String>) = (None, None);
        loop {
            let page = self
                .s3
                .list_multipart_uploads()
                .bucket(&write.bucket)
                .prefix(&write.key)
                .set_key_marker(key_marker.take())
                .set_upload_id_marker(upload_marker.take())
                .send()
                .await
                .map_err(|error| classify("ListMultipartUploads", &error))?;
            for upload in page.uploads() {
                let initiator = upload.initiator().and_then(|i| i.id());
                // An upload whose initiator S3 does not name is taken as the caller's: its key is
                // outside every approved location either way.
                let callers = initiator.is_none_or(|id| Some(id) == caller);
                if upload.key() == Some(write.key.as_str()) && callers {
                    found.extend(upload.upload_id().map(str::to_owned));
                }
            }
            if page.is_truncated() != Some(true) {
                return Ok(found);
            }
            key_marker = page.next_key_marker().map(str::to_owned);
            upload_marker = page.next_upload_id_marker().map(str::to_owned);
            if key_marker.is_none() && upload_marker.is_none() {
                return Ok(found);
            }
        }
    }
}

fn is_missing(code: Option<&str>) -> bool {
    matches!(code, Some("NoSuchKey" | "NoSuchVersion" | "NotFound"))
}

/// `bucket/key?versionId=…`, the key percent-encoded as `x-amz-copy-source` requires (`/` kept).
fn copy_source(write: &S3Write) -> String {
    let mut source = format!("{}/{}", write.bucket, percent_encode(&write.key));
    if let Some(version) = &write.version_id {
        source.push_str("?versionId=");
        source.push_str(&percent_encode(version));
    }
    source
}

fn percent_encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                encoded.push(char::from(byte))
            }
            other => encoded.push_str(&format!("%{other:02X}")),
        }
    }
    encoded
}

/// S3 user metadata travels in HTTP headers: printable ASCII only; anything else is
/// percent-encoded so that the evidence keeps it.
fn header_safe(value: &str) -> String {
    if value.bytes().all(|b| (0x20..0x7f).contains(&b) && b != b'%') {
        value.to_owned()
    } else {
        value
            .bytes()
            .map(|b| {
                if (0x20..0x7f).contains(&b) && b != b'%' {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_sources_encode_the_key_but_keep_its_slashes() {
        assert_eq!(
            percent_encode("exports/a b+c%2F.parquet"),
            "exports/a%20b%2Bc%252F.parquet"
        );
        assert_eq!(header_safe("plain"), "plain");
        assert_eq!(header_safe("données"), "donn%C3%A9es");
    }
}
