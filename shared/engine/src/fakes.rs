//! In-memory fakes of the ports, for tests of the code above them.
//!
//! [`FakeSageMaker`] keeps resources with a status and applies SageMaker's state rules (a
//! `Pending` notebook cannot be stopped, a second stop finds it stopping, only a stopped notebook
//! can be deleted), so tests see the outcomes the AWS adapter reports. Every fake records its
//! calls and can be told to fail.

#![allow(clippy::expect_used, reason = "a poisoned fake lock means a test already panicked")]

use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;

use async_trait::async_trait;
use smguard_policy::model::{Lifecycle, Status};
use smguard_policy::{Resource, ResourceKind, ResourceRef};

use crate::alert::{Alert, Message};
use crate::ports::{
    Claim, DeleteOutcome, Inventory, Lease, Ledger, LedgerEntry, Notifier, Page, PortError, RecordedEvent, Remediator,
    ReportSink, RestoreOutcome, StopOutcome, TrailReader, TrailStatus,
};

/// Operations [`FakeSageMaker`] records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    Describe(ResourceRef),
    List(ResourceKind),
    Stop(ResourceRef),
    Delete(ResourceRef),
}

/// Failures to return, by operation name (`describe`, `list`, `stop`, `delete`, `notify`), in order.
#[derive(Debug, Default)]
struct Failures(Mutex<BTreeMap<&'static str, VecDeque<PortError>>>);

impl Failures {
    fn push(&self, operation: &'static str, error: PortError) {
        self.0
            .lock()
            .expect("fake lock")
            .entry(operation)
            .or_default()
            .push_back(error);
    }

    fn next(&self, operation: &'static str) -> Result<(), PortError> {
        match self
            .0
            .lock()
            .expect("fake lock")
            .get_mut(operation)
            .and_then(VecDeque::pop_front)
        {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }
}

/// A SageMaker in memory: resources by kind and name, with their status.
#[derive(Debug, Default)]
pub struct FakeSageMaker {
    resources: Mutex<BTreeMap<(ResourceKind, String), Resource>>,
    /// Resources per `List*` page (100 unless set).
    page_size: Mutex<usize>,
    calls: Mutex<Vec<Call>>,
    failures: Failures,
}

impl FakeSageMaker {
    pub fn new() -> Self {
        let fake = Self::default();
        fake.set_page_size(100);
        fake
    }

    /// How many resources a `List*` page holds.
    pub fn set_page_size(&self, size: usize) {
        *self.page_size.lock().expect("fake lock") = size;
    }

    /// Adds or replaces a resource.
    pub fn put(&self, resource: Resource) {
        self.resources
            .lock()
            .expect("fake lock")
            .insert((resource.kind, resource.name.clone()), resource);
    }

    /// Sets a resource's status, as SageMaker moving it along would.
    pub fn set_status(&self, kind: ResourceKind, name: &str, status: &str) {
        if let Some(resource) = self
            .resources
            .lock()
            .expect("fake lock")
            .get_mut(&(kind, name.to_owned()))
        {
            resource.status = Some(status_of(status));
        }
    }

    pub fn status(&self, kind: ResourceKind, name: &str) -> Option<String> {
        self.resources
            .lock()
            .expect("fake lock")
            .get(&(kind, name.to_owned()))
            .and_then(|r| r.status.as_ref().map(|s| s.value.clone()))
    }

    pub fn exists(&self, kind: ResourceKind, name: &str) -> bool {
        self.resources
            .lock()
            .expect("fake lock")
            .contains_key(&(kind, name.to_owned()))
    }

    /// Makes the next call of `operation` fail with `error`.
    pub fn fail_next(&self, operation: &'static str, error: PortError) {
        self.failures.push(operation, error);
    }

    pub fn calls(&self) -> Vec<Call> {
        self.calls.lock().expect("fake lock").clone()
    }

    /// Stop and delete calls only.
    pub fn changes(&self) -> Vec<Call> {
        self.calls()
            .into_iter()
            .filter(|c| matches!(c, Call::Stop(_) | Call::Delete(_)))
            .collect()
    }

    fn record(&self, call: Call) {
        self.calls.lock().expect("fake lock").push(call);
    }
}

fn status_of(value: &str) -> Status {
    Status {
        value: value.to_owned(),
        lifecycle: Lifecycle::of(value),
        inferred: false,
    }
}

#[async_trait]
impl Inventory for FakeSageMaker {
    async fn describe(&self, resource: &ResourceRef) -> Result<Option<Resource>, PortError> {
        self.record(Call::Describe(resource.clone()));
        self.failures.next("describe")?;
        Ok(self
            .resources
            .lock()
            .expect("fake lock")
            .get(&(resource.kind, resource.name.clone()))
            .cloned())
    }

    /// Pages of [`FakeSageMaker::page_size`] resources; the token is the last name handed out.
    async fn list_page(&self, kind: ResourceKind, token: Option<&str>) -> Result<Page, PortError> {
        self.record(Call::List(kind));
        self.failures.next("list")?;
        let size = (*self.page_size.lock().expect("fake lock")).max(1);
        let resources: Vec<ResourceRef> = self
            .resources
            .lock()
            .expect("fake lock")
            .values()
            .filter(|r| r.kind == kind && token.is_none_or(|after| r.name.as_str() > after))
            .take(size + 1)
            .map(Resource::reference)
            .collect();
        let more = resources.len() > size;
        let resources: Vec<ResourceRef> = resources.into_iter().take(size).collect();
        let next = more.then(|| resources.last().map(|r| r.name.clone())).flatten();
        Ok(Page { resources, next })
    }
}

#[async_trait]
impl Remediator for FakeSageMaker {
    async fn stop(&self, target: &ResourceRef) -> Result<StopOutcome, PortError> {
        self.record(Call::Stop(target.clone()));
        self.failures.next("stop")?;
        let mut resources = self.resources.lock().expect("fake lock");
        let Some(resource) = resources.get_mut(&(target.kind, target.name.clone())) else {
            return Ok(StopOutcome::Gone);
        };
        let status = resource
            .status
            .as_ref()
            .map_or_else(|| "InProgress".to_owned(), |s| s.value.clone());
        let outcome = match (target.kind, Lifecycle::of(&status)) {
            (ResourceKind::NotebookInstance, Lifecycle::Pending | Lifecycle::Updating) => {
                StopOutcome::NotYetStoppable { status }
            }
            (_, Lifecycle::Running) => {
                let stopping = if target.kind == ResourceKind::CompilationJob {
                    "STOPPING"
                } else {
                    "Stopping"
                };
                resource.status = Some(status_of(stopping));
                StopOutcome::Stopping
            }
            _ => StopOutcome::AlreadyStopped { status },
        };
        Ok(outcome)
    }

    async fn delete(&self, target: &ResourceRef) -> Result<DeleteOutcome, PortError> {
        self.record(Call::Delete(target.clone()));
        self.failures.next("delete")?;
        let mut resources = self.resources.lock().expect("fake lock");
        let key = (target.kind, target.name.clone());
        let Some(resource) = resources.get(&key) else {
            return Ok(DeleteOutcome::Gone);
        };
        match target.kind {
            ResourceKind::NotebookInstance => {
                let status = resource.status.as_ref().map_or_else(String::new, |s| s.value.clone());
                if matches!(Lifecycle::of(&status), Lifecycle::Stopped | Lifecycle::Failed) {
                    resources.remove(&key);
                    Ok(DeleteOutcome::Deleted)
                } else {
                    Ok(DeleteOutcome::NotYetDeletable { status })
                }
            }
            ResourceKind::Model | ResourceKind::EndpointConfig => {
                resources.remove(&key);
                Ok(DeleteOutcome::Deleted)
            }
            kind => Err(PortError::Unsupported {
                operation: "delete".to_owned(),
                kind: kind.as_str().to_owned(),
            }),
        }
    }
}

/// An object in [`FakeS3`]: its bytes' stand-in and its metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeObject {
    pub body: String,
    pub metadata: Vec<(String, String)>,
}

/// An open multipart upload in [`FakeS3`], by (bucket, key): its ID and its initiator's ARN.
type OpenUpload = (String, String);

/// S3 (and IAM's session revocation) in memory: objects by bucket, key and version (`""` for an
/// unversioned bucket), open multipart uploads, and a quarantine bucket. Applies S3's rules the
/// adapter relies on: a copy of a missing version fails with `NoSuchKey`-like `Gone`, aborting a
/// finished upload finds none.
#[derive(Debug)]
pub struct FakeS3 {
    pub quarantine_bucket: String,
    objects: Mutex<BTreeMap<(String, String, String), FakeObject>>,
    uploads: Mutex<BTreeMap<(String, String), Vec<OpenUpload>>>,
    revoked: Mutex<Vec<(String, u64)>>,
    calls: Mutex<Vec<String>>,
    failures: Failures,
}

impl FakeS3 {
    pub fn new(quarantine_bucket: &str) -> Self {
        FakeS3 {
            quarantine_bucket: quarantine_bucket.to_owned(),
            objects: Mutex::default(),
            uploads: Mutex::default(),
            revoked: Mutex::default(),
            calls: Mutex::default(),
            failures: Failures::default(),
        }
    }

    pub fn put(&self, bucket: &str, key: &str, version: Option<&str>, body: &str) {
        self.objects.lock().expect("fake lock").insert(
            (
                bucket.to_owned(),
                key.to_owned(),
                version.unwrap_or_default().to_owned(),
            ),
            FakeObject {
                body: body.to_owned(),
                metadata: Vec::new(),
            },
        );
    }

    pub fn object(&self, bucket: &str, key: &str, version: Option<&str>) -> Option<FakeObject> {
        self.objects
            .lock()
            .expect("fake lock")
            .get(&(
                bucket.to_owned(),
                key.to_owned(),
                version.unwrap_or_default().to_owned(),
            ))
            .cloned()
    }

    /// The quarantined copy kept under `key`.
    pub fn quarantined(&self, key: &str) -> Option<FakeObject> {
        self.object(&self.quarantine_bucket, key, None)
    }

    pub fn start_upload(&self, bucket: &str, key: &str, upload_id: &str, initiator: &str) {
        self.uploads
            .lock()
            .expect("fake lock")
            .entry((bucket.to_owned(), key.to_owned()))
            .or_default()
            .push((upload_id.to_owned(), initiator.to_owned()));
    }

    pub fn open_uploads(&self, bucket: &str, key: &str) -> Vec<String> {
        self.uploads
            .lock()
            .expect("fake lock")
            .get(&(bucket.to_owned(), key.to_owned()))
            .map(|uploads| uploads.iter().map(|(id, _)| id.clone()).collect())
            .unwrap_or_default()
    }

    pub fn revoked(&self) -> Vec<(String, u64)> {
        self.revoked.lock().expect("fake lock").clone()
    }

    /// The operations called, in order (`copy`, `delete`, `abort`, `list_uploads`, `revoke`).
    pub fn calls(&self) -> Vec<String> {
        self.calls.lock().expect("fake lock").clone()
    }

    /// Makes the next call of `operation` (`copy`, `delete`, `abort`, `revoke`) fail.
    pub fn fail_next(&self, operation: &'static str, error: PortError) {
        self.failures.push(operation, error);
    }

    fn record(&self, operation: &str) {
        self.calls.lock().expect("fake lock").push(operation.to_owned());
    }
}

#[async_trait]
impl crate::ports::ObjectRemediator for FakeS3 {
    async fn quarantine(
        &self,
        write: &smguard_policy::S3Write,
        evidence: &crate::ports::Evidence,
    ) -> Result<crate::ports::QuarantineOutcome, PortError> {
        use crate::ports::QuarantineOutcome;
        let source = (
            write.bucket.clone(),
            write.key.clone(),
            write.version_id.clone().unwrap_or_default(),
        );
        let kept = (self.quarantine_bucket.clone(), evidence.key.clone(), String::new());
        let uri = format!("s3://{}/{}", self.quarantine_bucket, evidence.key);
        let original = self.objects.lock().expect("fake lock").get(&source).cloned();
        let already_kept = self.objects.lock().expect("fake lock").contains_key(&kept);
        let Some(original) = original else {
            return Ok(if already_kept {
                QuarantineOutcome::AlreadyQuarantined { evidence: uri }
            } else {
                QuarantineOutcome::Gone
            });
        };
        // As the adapter does: copy (again, on a retry: the same bytes and metadata), then delete.
        self.record("copy");
        self.failures.next("copy")?;
        self.objects.lock().expect("fake lock").insert(
            kept,
            FakeObject {
                body: original.body,
                metadata: evidence.metadata.clone(),
            },
        );
        self.record("delete");
        self.failures.next("delete")?;
        self.objects.lock().expect("fake lock").remove(&source);
        Ok(QuarantineOutcome::Quarantined { evidence: uri })
    }

    async fn abort_uploads(&self, write: &smguard_policy::S3Write) -> Result<crate::ports::AbortOutcome, PortError> {
        let mut uploads = self.uploads.lock().expect("fake lock");
        let open = uploads.entry((write.bucket.clone(), write.key.clone())).or_default();
        let chosen: Vec<String> = match &write.upload_id {
            Some(id) => open
                .iter()
                .filter(|(open, _)| open == id)
                .map(|(id, _)| id.clone())
                .collect(),
            None => {
                self.record("list_uploads");
                let caller = write.caller.arn.clone().unwrap_or_default();
                open.iter()
                    .filter(|(_, initiator)| *initiator == caller)
                    .map(|(id, _)| id.clone())
                    .collect()
            }
        };
        if chosen.is_empty() {
            return Ok(crate::ports::AbortOutcome::NoneOpen);
        }
        self.record("abort");
        self.failures.next("abort")?;
        open.retain(|(id, _)| !chosen.contains(id));
        Ok(crate::ports::AbortOutcome::Aborted { uploads: chosen })
    }

    async fn revoke_sessions(&self, role_arn: &str, before: u64) -> Result<(), PortError> {
        self.record("revoke");
        self.failures.next("revoke")?;
        self.revoked
            .lock()
            .expect("fake lock")
            .push((role_arn.to_owned(), before));
        Ok(())
    }
}

/// Records alerts instead of sending them.
#[derive(Debug, Default)]
pub struct RecordingNotifier {
    alerts: Mutex<Vec<Alert>>,
    /// Messages published other than alerts (audit summaries).
    messages: Mutex<Vec<Message>>,
    failures: Failures,
}

impl RecordingNotifier {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn alerts(&self) -> Vec<Alert> {
        self.alerts.lock().expect("fake lock").clone()
    }

    pub fn messages(&self) -> Vec<Message> {
        self.messages.lock().expect("fake lock").clone()
    }

    /// Makes the next `notify` fail with `error`.
    pub fn fail_next(&self, error: PortError) {
        self.failures.push("notify", error);
    }
}

#[async_trait]
impl Notifier for RecordingNotifier {
    async fn publish(&self, message: &Message) -> Result<(), PortError> {
        self.failures.next("notify")?;
        self.messages.lock().expect("fake lock").push(message.clone());
        Ok(())
    }

    async fn notify(&self, alert: &Alert) -> Result<(), PortError> {
        self.failures.next("notify")?;
        self.alerts.lock().expect("fake lock").push(alert.clone());
        Ok(())
    }
}

/// Keeps audit reports in memory.
#[derive(Debug, Default)]
pub struct MemoryReports {
    parts: Mutex<BTreeMap<(String, u32), Vec<u8>>>,
    summaries: Mutex<BTreeMap<String, Vec<u8>>>,
    failures: Failures,
}

impl MemoryReports {
    pub fn new() -> Self {
        Self::default()
    }

    /// Every line of run `run_id`'s report, parts in order.
    pub fn lines(&self, run_id: &str) -> Vec<serde_json::Value> {
        self.parts
            .lock()
            .expect("fake lock")
            .iter()
            .filter(|((run, _), _)| run == run_id)
            .flat_map(|(_, body)| {
                String::from_utf8_lossy(body)
                    .lines()
                    .map(|line| serde_json::from_str(line).expect("a JSON line"))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    pub fn parts(&self, run_id: &str) -> usize {
        self.parts
            .lock()
            .expect("fake lock")
            .keys()
            .filter(|(run, _)| run == run_id)
            .count()
    }

    pub fn summary(&self, run_id: &str) -> Option<serde_json::Value> {
        self.summaries
            .lock()
            .expect("fake lock")
            .get(run_id)
            .map(|body| serde_json::from_slice(body).expect("a JSON summary"))
    }

    /// Makes the next `write_part` or `write_summary` fail with `error`.
    pub fn fail_next(&self, operation: &'static str, error: PortError) {
        self.failures.push(operation, error);
    }
}

#[async_trait]
impl ReportSink for MemoryReports {
    async fn write_part(&self, run_id: &str, number: u32, lines: Vec<u8>) -> Result<(), PortError> {
        self.failures.next("write_part")?;
        self.parts
            .lock()
            .expect("fake lock")
            .insert((run_id.to_owned(), number), lines);
        Ok(())
    }

    async fn write_summary(&self, run_id: &str, summary: Vec<u8>) -> Result<(), PortError> {
        self.failures.next("write_summary")?;
        self.summaries
            .lock()
            .expect("fake lock")
            .insert(run_id.to_owned(), summary);
        Ok(())
    }

    fn location(&self, run_id: &str) -> String {
        format!("memory://reports/{run_id}/")
    }
}

/// The idempotency ledger in memory: versioned entries, conditional writes, leases.
#[derive(Debug, Default)]
pub struct MemoryLedger {
    /// key -> (version, lease end, entry)
    entries: Mutex<BTreeMap<String, (u64, u64, LedgerEntry)>>,
    writes: Mutex<usize>,
    failures: Failures,
}

impl MemoryLedger {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn entry(&self, key: &str) -> Option<LedgerEntry> {
        self.entries
            .lock()
            .expect("fake lock")
            .get(key)
            .map(|(_, _, entry)| entry.clone())
    }

    /// How many claims and saves were made (each is one conditional write in S3).
    pub fn writes(&self) -> usize {
        *self.writes.lock().expect("fake lock")
    }

    /// Holds `key` for someone else until `lease_until`, as a concurrent invocation would.
    pub fn hold(&self, key: &str, lease_until: u64) {
        let mut entries = self.entries.lock().expect("fake lock");
        let slot = entries.entry(key.to_owned()).or_insert((0, 0, LedgerEntry::default()));
        slot.0 += 1;
        slot.1 = lease_until;
    }

    /// Makes the next `claim` or `save` fail with `error`.
    pub fn fail_next(&self, operation: &'static str, error: PortError) {
        self.failures.push(operation, error);
    }
}

#[async_trait]
impl Ledger for MemoryLedger {
    async fn claim(&self, key: &str, now: u64, lease_seconds: u64) -> Result<Claim, PortError> {
        self.failures.next("claim")?;
        *self.writes.lock().expect("fake lock") += 1;
        let mut entries = self.entries.lock().expect("fake lock");
        let slot = entries.entry(key.to_owned()).or_insert((0, 0, LedgerEntry::default()));
        if slot.2.done {
            return Ok(Claim::Done(slot.2.clone()));
        }
        if slot.1 > now {
            return Ok(Claim::Busy);
        }
        let resumed = slot.0 > 0;
        slot.0 += 1;
        slot.1 = now + lease_seconds;
        Ok(Claim::Claimed {
            entry: slot.2.clone(),
            lease: Lease(slot.0.to_string()),
            resumed,
        })
    }

    async fn save(&self, key: &str, lease: &Lease, entry: &LedgerEntry, lease_until: u64) -> Result<Lease, PortError> {
        self.failures.next("save")?;
        *self.writes.lock().expect("fake lock") += 1;
        let mut entries = self.entries.lock().expect("fake lock");
        let Some(slot) = entries.get_mut(key).filter(|slot| slot.0.to_string() == lease.0) else {
            return Err(PortError::Conflict {
                operation: "save".to_owned(),
                message: format!("`{key}` changed"),
            });
        };
        slot.0 += 1;
        slot.1 = lease_until;
        slot.2 = entry.clone();
        Ok(Lease(slot.0.to_string()))
    }
}

/// CloudTrail in memory.
#[derive(Debug, Default)]
pub struct FakeTrail {
    trails: Mutex<Vec<TrailStatus>>,
    events: Mutex<Vec<(String, RecordedEvent)>>,
    failures: Failures,
}

impl FakeTrail {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add_trail(&self, trail: TrailStatus) {
        self.trails.lock().expect("fake lock").push(trail);
    }

    /// Records an event naming `resource_name` (newest last).
    pub fn add_event(&self, resource_name: &str, event: RecordedEvent) {
        self.events
            .lock()
            .expect("fake lock")
            .push((resource_name.to_owned(), event));
    }

    pub fn fail_next(&self, operation: &'static str, error: PortError) {
        self.failures.push(operation, error);
    }
}

#[async_trait]
impl TrailReader for FakeTrail {
    async fn trails(&self) -> Result<Vec<TrailStatus>, PortError> {
        self.failures.next("trails")?;
        Ok(self.trails.lock().expect("fake lock").clone())
    }

    async fn events_for(&self, resource_name: &str, limit: usize) -> Result<Vec<RecordedEvent>, PortError> {
        self.failures.next("events_for")?;
        Ok(self
            .events
            .lock()
            .expect("fake lock")
            .iter()
            .rev()
            .filter(|(name, _)| name == resource_name)
            .take(limit)
            .map(|(_, event)| event.clone())
            .collect())
    }
}

/// What smguard depends on, as a test sets it.
#[derive(Debug, Default)]
pub struct FakeGuardInputs {
    inputs: Mutex<crate::ports::GuardInputs>,
    failures: Failures,
}

impl FakeGuardInputs {
    pub fn new(inputs: crate::ports::GuardInputs) -> Self {
        FakeGuardInputs {
            inputs: Mutex::new(inputs),
            failures: Failures::default(),
        }
    }

    pub fn fail_next(&self, error: PortError) {
        self.failures.push("read", error);
    }
}

#[async_trait]
impl crate::ports::GuardInputsReader for FakeGuardInputs {
    async fn read(&self, _config: &crate::ports::SelfCheckConfig) -> Result<crate::ports::GuardInputs, PortError> {
        self.failures.next("read")?;
        Ok(self.inputs.lock().expect("fake lock").clone())
    }
}

#[cfg(test)]
mod tests {
    use smguard_policy::model::{Origin, Scope, SourceKind};

    use super::*;

    fn resource(kind: ResourceKind, name: &str, status: &str) -> Resource {
        let origin = Origin {
            source: SourceKind::Describe,
            name: "test".into(),
            event_id: None,
            time: None,
            modified: None,
        };
        let mut r = Resource::new(kind, name, Scope::Whole, origin);
        r.status = Some(status_of(status));
        r
    }

    #[tokio::test]
    async fn the_fake_follows_sagemakers_state_rules() {
        let sm = FakeSageMaker::new();
        sm.put(resource(ResourceKind::NotebookInstance, "nb", "Pending"));
        let nb = sm.list(ResourceKind::NotebookInstance).await.unwrap().remove(0);
        assert_eq!(
            sm.stop(&nb).await.unwrap(),
            StopOutcome::NotYetStoppable {
                status: "Pending".into()
            }
        );
        sm.set_status(ResourceKind::NotebookInstance, "nb", "InService");
        assert_eq!(sm.stop(&nb).await.unwrap(), StopOutcome::Stopping);
        assert_eq!(
            sm.stop(&nb).await.unwrap(),
            StopOutcome::AlreadyStopped {
                status: "Stopping".into()
            }
        );
        assert_eq!(
            sm.delete(&nb).await.unwrap(),
            DeleteOutcome::NotYetDeletable {
                status: "Stopping".into()
            }
        );
        sm.set_status(ResourceKind::NotebookInstance, "nb", "Stopped");
        assert_eq!(sm.delete(&nb).await.unwrap(), DeleteOutcome::Deleted);
        assert_eq!(sm.delete(&nb).await.unwrap(), DeleteOutcome::Gone);
        assert_eq!(sm.stop(&nb).await.unwrap(), StopOutcome::Gone);
        assert_eq!(sm.describe(&nb).await.unwrap(), None);
        assert_eq!(sm.changes().len(), 7);
    }

    #[tokio::test]
    async fn injected_failures_come_once_in_order() {
        let notifier = RecordingNotifier::new();
        let throttled = PortError::Throttled {
            operation: "Publish".into(),
            message: "slow down".into(),
        };
        notifier.fail_next(throttled.clone());
        let alert = crate::alert::tests_support::alert();
        assert_eq!(notifier.notify(&alert).await, Err(throttled));
        assert_eq!(notifier.notify(&alert).await, Ok(()));
        assert_eq!(notifier.alerts().len(), 1);
    }
}

/// A trail as [`FakeGuard`] keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardedTrail {
    pub logging: bool,
    pub multi_region: bool,
    pub log_file_validation: bool,
    pub selectors: crate::ports::TrailSelectors,
}

/// Trails, rules, functions and keys in memory, for the trail guard's response.
#[derive(Debug, Default)]
pub struct FakeGuard {
    pub trails: Mutex<BTreeMap<String, GuardedTrail>>,
    /// Rule ARN → enabled.
    pub rules: Mutex<BTreeMap<String, bool>>,
    /// Function ARN → (reserved concurrency, configuration).
    pub functions: Mutex<BTreeMap<String, (Option<i64>, crate::ports::FunctionConfiguration)>>,
    /// Key ARN → (enabled, deletion scheduled).
    pub keys: Mutex<BTreeMap<String, (bool, bool)>>,
    calls: Mutex<Vec<String>>,
    failures: Failures,
}

impl FakeGuard {
    pub fn new() -> Self {
        FakeGuard::default()
    }

    pub fn calls(&self) -> Vec<String> {
        self.calls.lock().expect("fake lock").clone()
    }

    pub fn fail_next(&self, operation: &'static str, error: PortError) {
        self.failures.push(operation, error);
    }

    pub fn trail(&self, arn: &str) -> Option<GuardedTrail> {
        self.trails.lock().expect("fake lock").get(arn).cloned()
    }

    fn call(&self, operation: &'static str, arn: &str) -> Result<(), PortError> {
        self.calls.lock().expect("fake lock").push(format!("{operation} {arn}"));
        self.failures.next(operation)
    }

    fn on_trail(
        &self,
        operation: &'static str,
        arn: &str,
        change: impl FnOnce(&mut GuardedTrail) -> bool,
    ) -> Result<RestoreOutcome, PortError> {
        self.call(operation, arn)?;
        Ok(match self.trails.lock().expect("fake lock").get_mut(arn).map(change) {
            None => RestoreOutcome::Gone,
            Some(true) => RestoreOutcome::Restored,
            Some(false) => RestoreOutcome::AlreadyRestored {
                status: "already so".to_owned(),
            },
        })
    }
}

/// Sets `*flag` to `value`; whether that changed it.
fn set(flag: &mut bool, value: bool) -> bool {
    std::mem::replace(flag, value) != value
}

#[async_trait]
impl crate::ports::GuardRemediator for FakeGuard {
    async fn start_logging(&self, trail_arn: &str) -> Result<RestoreOutcome, PortError> {
        self.on_trail("start_logging", trail_arn, |t| set(&mut t.logging, true))
    }

    async fn event_selectors(&self, trail_arn: &str) -> Result<Option<crate::ports::TrailSelectors>, PortError> {
        self.call("event_selectors", trail_arn)?;
        Ok(self.trail(trail_arn).map(|t| t.selectors))
    }

    async fn put_event_selectors(
        &self,
        trail_arn: &str,
        selectors: &crate::ports::TrailSelectors,
    ) -> Result<(), PortError> {
        self.call("put_event_selectors", trail_arn)?;
        if let Some(trail) = self.trails.lock().expect("fake lock").get_mut(trail_arn) {
            trail.selectors = selectors.clone();
        }
        Ok(())
    }

    async fn make_multi_region(&self, trail_arn: &str) -> Result<RestoreOutcome, PortError> {
        self.on_trail("make_multi_region", trail_arn, |t| set(&mut t.multi_region, true))
    }

    async fn enable_log_file_validation(&self, trail_arn: &str) -> Result<RestoreOutcome, PortError> {
        self.on_trail("enable_log_file_validation", trail_arn, |t| {
            set(&mut t.log_file_validation, true)
        })
    }

    async fn enable_rule(&self, rule_arn: &str) -> Result<RestoreOutcome, PortError> {
        self.call("enable_rule", rule_arn)?;
        Ok(
            match self
                .rules
                .lock()
                .expect("fake lock")
                .get_mut(rule_arn)
                .map(|e| set(e, true))
            {
                None => RestoreOutcome::Gone,
                Some(true) => RestoreOutcome::Restored,
                Some(false) => RestoreOutcome::AlreadyRestored {
                    status: "ENABLED".to_owned(),
                },
            },
        )
    }

    async fn remove_concurrency_limit(&self, function_arn: &str) -> Result<RestoreOutcome, PortError> {
        self.call("remove_concurrency_limit", function_arn)?;
        Ok(match self.functions.lock().expect("fake lock").get_mut(function_arn) {
            None => RestoreOutcome::Gone,
            Some((reserved, _)) => match reserved.take() {
                Some(_) => RestoreOutcome::Restored,
                None => RestoreOutcome::AlreadyRestored {
                    status: "no reserved concurrency".to_owned(),
                },
            },
        })
    }

    async fn function_configuration(
        &self,
        function_arn: &str,
    ) -> Result<Option<crate::ports::FunctionConfiguration>, PortError> {
        self.call("function_configuration", function_arn)?;
        Ok(self
            .functions
            .lock()
            .expect("fake lock")
            .get(function_arn)
            .map(|(_, configuration)| configuration.clone()))
    }

    async fn cancel_key_deletion(&self, key_arn: &str) -> Result<RestoreOutcome, PortError> {
        self.call("cancel_key_deletion", key_arn)?;
        Ok(match self.keys.lock().expect("fake lock").get_mut(key_arn) {
            None => RestoreOutcome::Gone,
            Some((enabled, scheduled)) if *scheduled => {
                *scheduled = false;
                *enabled = false;
                RestoreOutcome::Restored
            }
            Some(_) => RestoreOutcome::AlreadyRestored {
                status: "not pending deletion".to_owned(),
            },
        })
    }

    async fn enable_key(&self, key_arn: &str) -> Result<RestoreOutcome, PortError> {
        self.call("enable_key", key_arn)?;
        Ok(
            match self
                .keys
                .lock()
                .expect("fake lock")
                .get_mut(key_arn)
                .map(|(e, _)| set(e, true))
            {
                None => RestoreOutcome::Gone,
                Some(true) => RestoreOutcome::Restored,
                Some(false) => RestoreOutcome::AlreadyRestored {
                    status: "Enabled".to_owned(),
                },
            },
        )
    }
}
