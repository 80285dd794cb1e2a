//! [`Ledger`] over S3 conditional writes.
//!
//! One JSON object per key under a prefix: `{"lease_until": <Unix seconds>, "entry": {...}}`.
//! A claim creates it with `If-None-Match: *`; every later write, and the take-over of an expired
//! lease, sends `If-Match: <ETag>` of the version read. S3 refuses a conditional write that lost a
//! race with `412 PreconditionFailed` (or `409 ConditionalRequestConflict` while another is in
//! flight), so two deliveries of one event can never both hold it. A lifecycle rule on the bucket
//! expires old entries (`infra/template.yaml`).

use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::primitives::ByteStream;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use serde::{Deserialize, Serialize};
use smguard_engine::{Claim, Lease, Ledger, LedgerEntry, PortError};

use crate::error::classify;

#[derive(Serialize, Deserialize)]
struct Stored {
    lease_until: u64,
    entry: LedgerEntry,
}

/// The idempotency ledger in an S3 bucket.
#[derive(Debug, Clone)]
pub struct S3Ledger {
    client: Client,
    bucket: String,
    prefix: String,
}

impl S3Ledger {
    pub fn new(client: Client, bucket: impl Into<String>, prefix: impl Into<String>) -> Self {
        S3Ledger {
            client,
            bucket: bucket.into(),
            prefix: prefix.into(),
        }
    }

    pub const PERMISSIONS: &'static [&'static str] = &["s3:GetObject", "s3:PutObject"];

    fn object(&self, key: &str) -> String {
        format!("{}{key}.json", self.prefix)
    }

    async fn put(&self, key: &str, stored: &Stored, condition: Condition<'_>) -> Result<Put, PortError> {
        let body = serde_json::to_vec(stored).map_err(|e| PortError::Rejected {
            operation: "PutObject".to_owned(),
            code: "Serialization".to_owned(),
            message: e.to_string(),
        })?;
        let request = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(self.object(key))
            .content_type("application/json")
            .body(ByteStream::from(body));
        let request = match condition {
            Condition::Absent => request.if_none_match("*"),
            Condition::Version(etag) => request.if_match(etag),
        };
        match request.send().await {
            Ok(output) => output
                .e_tag
                .map(|etag| Put::Written(Lease(etag)))
                .ok_or_else(|| PortError::Rejected {
                    operation: "PutObject".to_owned(),
                    code: "NoETag".to_owned(),
                    message: "S3 answered without an ETag".to_owned(),
                }),
            Err(error) if lost_race(&error) => Ok(Put::LostRace),
            Err(error) => Err(classify("PutObject", &error)),
        }
    }

    async fn get(&self, key: &str) -> Result<Option<(Stored, String)>, PortError> {
        let output = match self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(self.object(key))
            .send()
            .await
        {
            Ok(output) => output,
            Err(error) if error.as_service_error().is_some_and(|e| e.is_no_such_key()) => return Ok(None),
            Err(error) => return Err(classify("GetObject", &error)),
        };
        let etag = output.e_tag.clone().unwrap_or_default();
        let bytes = output.body.collect().await.map_err(|e| PortError::Unavailable {
            operation: "GetObject".to_owned(),
            message: e.to_string(),
        })?;
        let stored: Stored = serde_json::from_slice(&bytes.into_bytes()).map_err(|e| PortError::Rejected {
            operation: "GetObject".to_owned(),
            code: "CorruptEntry".to_owned(),
            message: format!("`{}` is not a ledger entry: {e}", self.object(key)),
        })?;
        Ok(Some((stored, etag)))
    }
}

enum Condition<'a> {
    Absent,
    Version(&'a str),
}

enum Put {
    Written(Lease),
    LostRace,
}

fn lost_race<E: ProvideErrorMetadata>(error: &SdkError<E, HttpResponse>) -> bool {
    let status = error.raw_response().map(|r| r.status().as_u16());
    matches!(error.code(), Some("PreconditionFailed" | "ConditionalRequestConflict"))
        || matches!(status, Some(409 | 412))
}

#[async_trait]
impl Ledger for S3Ledger {
    async fn claim(&self, key: &str, now: u64, lease_seconds: u64) -> Result<Claim, PortError> {
        let fresh = Stored {
            lease_until: now + lease_seconds,
            entry: LedgerEntry::default(),
        };
        if let Put::Written(lease) = self.put(key, &fresh, Condition::Absent).await? {
            return Ok(Claim::Claimed {
                entry: LedgerEntry::default(),
                lease,
                resumed: false,
            });
        }
        let Some((stored, etag)) = self.get(key).await? else {
            // Created and removed between the two calls: someone else is at it.
            return Ok(Claim::Busy);
        };
        if stored.entry.done {
            return Ok(Claim::Done(stored.entry));
        }
        if stored.lease_until > now {
            return Ok(Claim::Busy);
        }
        // An earlier attempt ended without finishing: take over from what it recorded.
        let taken = Stored {
            lease_until: now + lease_seconds,
            entry: stored.entry,
        };
        match self.put(key, &taken, Condition::Version(&etag)).await? {
            Put::Written(lease) => Ok(Claim::Claimed {
                entry: taken.entry,
                lease,
                resumed: true,
            }),
            Put::LostRace => Ok(Claim::Busy),
        }
    }

    async fn save(&self, key: &str, lease: &Lease, entry: &LedgerEntry, lease_until: u64) -> Result<Lease, PortError> {
        let stored = Stored {
            lease_until,
            entry: entry.clone(),
        };
        match self.put(key, &stored, Condition::Version(&lease.0)).await? {
            Put::Written(lease) => Ok(lease),
            Put::LostRace => Err(PortError::Conflict {
                operation: "PutObject".to_owned(),
                message: format!("`{}` was changed by another invocation", self.object(key)),
            }),
        }
    }
}
