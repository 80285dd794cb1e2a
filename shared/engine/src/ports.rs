//! The ports: what smguard needs from AWS, in smguard's own terms.
//!
//! Each port has one AWS adapter (`smguard-aws`) and one in-memory fake ([`crate::fakes`]). They
//! speak the policy crate's types and never an SDK's, so the decision code above them is tested
//! with fakes and the adapters below them against the emulator.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use smguard_policy::{Resource, ResourceKind, ResourceRef, S3Write};

use crate::alert::{ActionTaken, Alert, Message};

/// A call to AWS that did not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PortError {
    /// Never retried: the caller's policy does not allow the call.
    #[error("access denied to `{operation}`: {message}")]
    AccessDenied { operation: String, message: String },
    /// Retried by the SDK with backoff, and still throttled.
    #[error("`{operation}` was throttled: {message}")]
    Throttled { operation: String, message: String },
    /// A 5xx answer, a timeout or a broken connection, retried by the SDK and still failing.
    #[error("`{operation}` failed on the service side or in transit: {message}")]
    Unavailable { operation: String, message: String },
    /// The service refused the request for a reason retrying will not change.
    #[error("`{operation}` was rejected with `{code}`: {message}")]
    Rejected {
        operation: String,
        code: String,
        message: String,
    },
    /// The operation does not exist for this kind of resource.
    #[error("`{operation}` is not possible for a {kind}")]
    Unsupported { operation: String, kind: String },
    /// Someone else changed the record first (the idempotency ledger's lease was taken over).
    #[error("`{operation}` lost a race: {message}")]
    Conflict { operation: String, message: String },
}

impl PortError {
    /// Whether trying again later may succeed (throttling, 5xx, network).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            PortError::Throttled { .. } | PortError::Unavailable { .. } | PortError::Conflict { .. }
        )
    }

    pub fn is_access_denied(&self) -> bool {
        matches!(self, PortError::AccessDenied { .. })
    }
}

/// What asking a resource to stop achieved. Every state is an outcome, not an error: duplicate
/// events, already stopped resources and races are normal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StopOutcome {
    /// The stop was accepted; the resource is stopping.
    Stopping,
    /// Nothing to stop: it is already stopping, stopped or finished (`status` says which).
    AlreadyStopped { status: String },
    /// AWS refuses to stop it in this state yet (a `Pending` notebook); try again later.
    NotYetStoppable { status: String },
    /// It no longer exists.
    Gone,
}

/// What asking a resource to be deleted achieved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DeleteOutcome {
    Deleted,
    /// AWS refuses to delete it in this state (a notebook that is not stopped).
    NotYetDeletable {
        status: String,
    },
    /// It no longer exists (deleted already, perhaps by a duplicate event).
    Gone,
}

/// What quarantining an object achieved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum QuarantineOutcome {
    /// Copied to quarantine (`evidence`, an `s3://` URI) and deleted from where it was written.
    Quarantined { evidence: String },
    /// An earlier attempt copied it: the copy is in quarantine and the written version is gone.
    AlreadyQuarantined { evidence: String },
    /// The written version no longer exists and no copy was kept (deleted or overwritten by
    /// someone else before smguard could copy it).
    Gone,
}

/// What aborting a multipart upload achieved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AbortOutcome {
    /// These uploads (IDs) were aborted.
    Aborted { uploads: Vec<String> },
    /// No open upload was found: completed (then its `CompleteMultipartUpload` record is
    /// judged), aborted already, or never started.
    NoneOpen,
}

/// Where a quarantined object goes and what it is labelled with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// The key in the quarantine bucket: `<event-id>/<bucket>/<key>`.
    pub key: String,
    /// Object metadata naming the original bucket, key, version, caller and event.
    pub metadata: Vec<(String, String)>,
}

impl Evidence {
    /// The evidence of `write`, recorded by event `event_id`.
    pub fn of(write: &S3Write, event_id: &str) -> Evidence {
        let mut metadata = vec![
            ("smguard-source-bucket".to_owned(), write.bucket.clone()),
            ("smguard-source-key".to_owned(), write.key.clone()),
            ("smguard-event-id".to_owned(), event_id.to_owned()),
            ("smguard-event-name".to_owned(), write.call.as_str().to_owned()),
        ];
        if let Some(version) = &write.version_id {
            metadata.push(("smguard-source-version-id".to_owned(), version.clone()));
        }
        if let Some(caller) = write.caller.arn.as_ref().or(write.caller.session_issuer_arn.as_ref()) {
            metadata.push(("smguard-caller".to_owned(), caller.clone()));
        }
        Evidence {
            key: format!("{event_id}/{}/{}", write.bucket, write.key),
            metadata,
        }
    }
}

/// Contains S3 object writes: the upload guard's actions.
#[async_trait]
pub trait ObjectRemediator: Send + Sync {
    /// Copies the version `write` wrote to the quarantine bucket as `evidence`, then deletes that
    /// version from the bucket written to. Deletes nothing unless the copy is in quarantine.
    async fn quarantine(&self, write: &S3Write, evidence: &Evidence) -> Result<QuarantineOutcome, PortError>;
    /// Aborts the upload `write` belongs to; without an upload ID, the caller's open uploads
    /// of that key.
    async fn abort_uploads(&self, write: &S3Write) -> Result<AbortOutcome, PortError>;
    /// Denies every session of `role_arn` issued before `before` (Unix seconds), as IAM's
    /// "revoke active sessions" does.
    async fn revoke_sessions(&self, role_arn: &str, before: u64) -> Result<(), PortError>;
}

/// What putting a protected trail or one of smguard's parts back achieved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RestoreOutcome {
    Restored,
    /// It already was as it must be (`status` says how).
    AlreadyRestored {
        status: String,
    },
    /// It no longer exists.
    Gone,
}

/// One of smguard's functions as it is now: what the alert about a change to it names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FunctionConfiguration {
    /// `SMGUARD_MODE` (`enforce`, `dry-run`); `None` when unset.
    pub mode: Option<String>,
    /// `SMGUARD_CONTROLS`; `None` when unset (every rule in its default mode).
    pub controls: Option<String>,
    pub last_modified: Option<String>,
}

impl FunctionConfiguration {
    /// `mode dry-run; controls network.vpc-required=off; last modified …`.
    pub fn describe(&self) -> String {
        let mut parts = vec![format!(
            "mode {}",
            self.mode.as_deref().unwrap_or("unset (the function refuses to start)")
        )];
        parts.push(format!(
            "controls {}",
            self.controls
                .as_deref()
                .unwrap_or("unset (every rule in its default mode)")
        ));
        if let Some(modified) = &self.last_modified {
            parts.push(format!("last modified {modified}"));
        }
        parts.join("; ")
    }
}

/// Puts protected trails and smguard's own parts back: the trail guard's actions. Each call
/// is idempotent: a second one finds the part already restored.
#[async_trait]
pub trait GuardRemediator: Send + Sync {
    async fn start_logging(&self, trail_arn: &str) -> Result<RestoreOutcome, PortError>;
    /// The trail's selectors as they are now.
    async fn event_selectors(&self, trail_arn: &str) -> Result<Option<TrailSelectors>, PortError>;
    async fn put_event_selectors(&self, trail_arn: &str, selectors: &TrailSelectors) -> Result<(), PortError>;
    async fn make_multi_region(&self, trail_arn: &str) -> Result<RestoreOutcome, PortError>;
    async fn enable_log_file_validation(&self, trail_arn: &str) -> Result<RestoreOutcome, PortError>;
    async fn enable_rule(&self, rule_arn: &str) -> Result<RestoreOutcome, PortError>;
    /// `DeleteFunctionConcurrency`: the function runs on the account's unreserved pool again.
    async fn remove_concurrency_limit(&self, function_arn: &str) -> Result<RestoreOutcome, PortError>;
    async fn function_configuration(&self, function_arn: &str) -> Result<Option<FunctionConfiguration>, PortError>;
    async fn cancel_key_deletion(&self, key_arn: &str) -> Result<RestoreOutcome, PortError>;
    async fn enable_key(&self, key_arn: &str) -> Result<RestoreOutcome, PortError>;
}

/// One page of a `List*` call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    pub resources: Vec<ResourceRef>,
    /// The token of the next page; `None` on the last.
    pub next: Option<String>,
}

/// Reads resources as they are now, into the same model the events are read into.
#[async_trait]
pub trait Inventory: Send + Sync {
    /// The resource, or `None` when it does not exist.
    async fn describe(&self, resource: &ResourceRef) -> Result<Option<Resource>, PortError>;
    /// One page of the resources of a kind, from `token` (`None`: the first page).
    async fn list_page(&self, kind: ResourceKind, token: Option<&str>) -> Result<Page, PortError>;
    /// Every resource of a kind (all pages).
    async fn list(&self, kind: ResourceKind) -> Result<Vec<ResourceRef>, PortError> {
        let mut found = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self.list_page(kind, token.as_deref()).await?;
            found.extend(page.resources);
            match page.next {
                Some(next) => token = Some(next),
                None => return Ok(found),
            }
        }
    }
}

/// Where an audit's report goes: JSON-lines parts, then a summary.
#[async_trait]
pub trait ReportSink: Send + Sync {
    /// Writes part `number` (1, 2, …) of run `run_id`'s report: JSON lines, one per resource.
    async fn write_part(&self, run_id: &str, number: u32, lines: Vec<u8>) -> Result<(), PortError>;
    /// Writes the run's summary (JSON), once the run is complete.
    async fn write_summary(&self, run_id: &str, summary: Vec<u8>) -> Result<(), PortError>;
    /// Where run `run_id`'s report is (`s3://bucket/prefix/run/`, a file path).
    fn location(&self, run_id: &str) -> String;
}

/// Contains resources.
#[async_trait]
pub trait Remediator: Send + Sync {
    /// Stops a notebook instance or a job.
    async fn stop(&self, resource: &ResourceRef) -> Result<StopOutcome, PortError>;
    /// Deletes a model, an endpoint configuration or a stopped notebook instance.
    async fn delete(&self, resource: &ResourceRef) -> Result<DeleteOutcome, PortError>;
}

/// Tells security operations.
#[async_trait]
pub trait Notifier: Send + Sync {
    /// Publishes one message (an alert's, an audit summary's).
    async fn publish(&self, message: &Message) -> Result<(), PortError>;
    /// Publishes one alert.
    async fn notify(&self, alert: &Alert) -> Result<(), PortError> {
        self.publish(&alert.message()).await
    }
}

pub use smguard_policy::selfcheck::{
    AdvancedSelector, BasicSelector, FieldSelector, GuardInputs, SelfCheckConfig, TrailSelectors, TrailStatus,
};

/// Reads what smguard depends on (trails, its EventBridge rules, functions and alert topic), for
/// the audit's self-check.
#[async_trait]
pub trait GuardInputsReader: Send + Sync {
    async fn read(&self, config: &SelfCheckConfig) -> Result<GuardInputs, PortError>;
}

/// A CloudTrail record found by `LookupEvents`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordedEvent {
    pub event_id: String,
    pub event_name: Option<String>,
    /// The record itself (`CloudTrailEvent`): what `smguard_policy::normalize` reads.
    pub cloudtrail_event: String,
}

/// Reads CloudTrail: the trails that feed smguard, and recent calls on a resource.
#[async_trait]
pub trait TrailReader: Send + Sync {
    async fn trails(&self) -> Result<Vec<TrailStatus>, PortError>;
    /// The newest management events naming `resource_name`, at most `limit` of them.
    async fn events_for(&self, resource_name: &str, limit: usize) -> Result<Vec<RecordedEvent>, PortError>;
}

/// What has been done for one event and resource: the memory that makes a retried or duplicated
/// event neither act twice nor alert twice.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    /// Actions carried out, with their final results (a retryable failure is not final).
    pub actions: Vec<ActionTaken>,
    /// Signatures of the alerts published (one per distinct set of results).
    pub alerted: Vec<String>,
    /// Everything for this event is done; a later delivery is a duplicate.
    pub done: bool,
}

/// Proof of holding an entry: the version it was read or written at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease(pub String);

/// The answer to a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// This invocation holds the entry until its lease ends; it starts from what earlier,
    /// interrupted attempts recorded.
    ///
    /// `resumed`: an earlier attempt claimed it and ended without finishing (its lease expired, or
    /// it released the entry to be retried), so what that attempt did may be unrecorded: a stop it
    /// made now answers "already stopping".
    Claimed {
        entry: LedgerEntry,
        lease: Lease,
        resumed: bool,
    },
    /// Everything was done by an earlier delivery.
    Done(LedgerEntry),
    /// Another invocation holds it now.
    Busy,
}

/// Remembers, per event and resource, what was done. Writes are conditional, so that two
/// concurrent deliveries of one event cannot both act.
#[async_trait]
pub trait Ledger: Send + Sync {
    /// Claims `key` until `now + lease_seconds` (Unix seconds). An expired lease can be taken over.
    async fn claim(&self, key: &str, now: u64, lease_seconds: u64) -> Result<Claim, PortError>;
    /// Writes the entry if `lease` is still current; the lease now ends at `lease_until` (0 to
    /// release it). Fails with [`PortError::Conflict`] when the lease was taken over.
    async fn save(&self, key: &str, lease: &Lease, entry: &LedgerEntry, lease_until: u64) -> Result<Lease, PortError>;
}
