//! The one response path: from a decision to containment and one alert, exactly once. Every
//! function (the real-time guards, the audit) and the CLI's `--respond` carry decisions out here.
//!
//! At most four AWS calls for a containment and its alert:
//! 1. **claim** the decision's ledger key: a duplicate finds it done, a concurrent delivery busy,
//!    a retry what the interrupted attempt recorded;
//! 2. **act**: each containment action once (in dry-run mode, none);
//! 3. **publish** the alert, once per distinct set of results;
//! 4. **mark done** (or release the entry for a retry of what failed).
//!
//! No write records the action between 2 and 3: a retry after a crash there learns what the
//! earlier attempt did from the action's own idempotent answer ("already stopping", "gone"),
//! which [`Claim::Claimed`]'s `resumed` lets it read as done. A failed publish still records
//! the actions when it releases the entry, so its retry does not act again.

use std::time::Duration;

use serde::Serialize;
use smguard_policy::integrity::{GuardPart, PartState, restored_selectors};
use smguard_policy::model::Lifecycle;
use smguard_policy::{Action, AlertChannel, Decision, Outcome, PolicyConfig, ResourceRef, S3Write, Trigger, Verb};

use crate::alert::{ActionResult, ActionTaken, Alert, AlertFinding, AlertObject, AlertPart, AlertResource};
use crate::ports::{
    AbortOutcome, Claim, DeleteOutcome, Evidence, GuardRemediator, Lease, Ledger, LedgerEntry, Notifier,
    ObjectRemediator, PortError, QuarantineOutcome, Remediator, RestoreOutcome, StopOutcome,
};

/// Whether containment changes anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    Enforce,
    /// Alerts say what would have been done; nothing is changed.
    DryRun,
}

impl Mode {
    pub fn parse(text: &str) -> Option<Mode> {
        match text {
            "enforce" => Some(Mode::Enforce),
            "dry-run" => Some(Mode::DryRun),
            _ => None,
        }
    }
}

/// How long an invocation holds an event before another may take it over: longer than any
/// invocation lasts (the function's timeout is well below).
pub const LEASE: Duration = Duration::from_secs(300);

/// Why an invocation must fail (Lambda then retries it, and finally sends it to the on-failure
/// destination).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuardError {
    #[error("another invocation is handling event `{event_id}`; retry later")]
    InProgress { event_id: String },
    #[error("the alert could not be published: {0}")]
    AlertFailed(PortError),
    #[error("remediation must be retried: {0}")]
    RemediationRetry(String),
    #[error("the resource could not be read: {0}")]
    DescribeFailed(PortError),
    #[error("the idempotency ledger failed: {0}")]
    Ledger(PortError),
}

impl GuardError {
    /// A stable name for the error, as Lambda reports it (`errorType`).
    pub fn error_type(&self) -> &'static str {
        match self {
            GuardError::InProgress { .. } => "InProgress",
            GuardError::AlertFailed(_) => "AlertFailed",
            GuardError::RemediationRetry(_) => "RemediationRetry",
            GuardError::DescribeFailed(_) => "DescribeFailed",
            GuardError::Ledger(_) => "LedgerFailed",
        }
    }
}

/// What responding to one decision did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Response {
    pub actions: Vec<ActionTaken>,
    pub alerted: bool,
    /// An earlier delivery (or audit) already did everything for this decision.
    pub duplicate: bool,
}

/// Carries decisions out through the remediators, the notifier and the ledger. A function has
/// the remediators of what it handles: the SageMaker guard and the audit SageMaker's, the upload
/// guard S3's. An action for a remediator the function lacks fails, saying so, and alerts.
pub struct Responder<'a> {
    pub remediator: Option<&'a dyn Remediator>,
    pub objects: Option<&'a dyn ObjectRemediator>,
    /// The trail guard's: puts protected trails and smguard's parts back.
    pub guard: Option<&'a dyn GuardRemediator>,
    pub notifier: &'a dyn Notifier,
    /// The second alert channel, for alerts about the alert topic itself; `None`: the notifier.
    pub fallback: Option<&'a dyn Notifier>,
    /// What restoring a trail's recording restores.
    pub policy: &'a PolicyConfig,
    pub ledger: &'a dyn Ledger,
    pub mode: Mode,
}

impl std::fmt::Debug for Responder<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Responder")
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

impl Responder<'_> {
    /// Responds to `decision`; `now` is the current Unix time in seconds.
    pub async fn respond(&self, decision: &Decision, now: u64) -> Result<Response, GuardError> {
        // Nothing to carry out and nothing to say (compliant, ignored, or a state change of a
        // resource already being contained): no need to claim anything. Except in an audit: an
        // earlier run may have contained this resource and failed to alert, and this run, seeing
        // it already stopping, plans nothing; only the ledger remembers the alert owed.
        let may_owe_an_alert =
            matches!(decision.trigger, Trigger::Audit { .. }) && decision.outcome == Outcome::NonCompliant;
        if !decision.contains() && !decision.alert_due(false) && !may_owe_an_alert {
            return Ok(Response::default());
        }
        let key = decision.ledger_key();
        let (mut entry, lease, resumed) = match &key {
            None => (LedgerEntry::default(), None, false),
            Some(key) => match self
                .ledger
                .claim(key, now, LEASE.as_secs())
                .await
                .map_err(GuardError::Ledger)?
            {
                Claim::Done(entry) => {
                    return Ok(Response {
                        alerted: !entry.alerted.is_empty(),
                        actions: entry.actions,
                        duplicate: true,
                    });
                }
                Claim::Busy => {
                    return Err(GuardError::InProgress {
                        event_id: decision
                            .trigger
                            .event_id()
                            .map(str::to_owned)
                            .unwrap_or_else(|| key.clone()),
                    });
                }
                Claim::Claimed { entry, lease, resumed } => (entry, Some(lease), resumed),
            },
        };

        let earlier = if resumed { entry.actions.clone() } else { Vec::new() };
        let mut results = self.contain(decision, &mut entry, resumed, now).await;
        // What an earlier attempt did that this plan no longer asks for (the resource is
        // stopping now because of it) is still this alert's news.
        for (index, taken) in earlier.into_iter().enumerate() {
            if !results.iter().any(|r| r.action == taken.action) {
                results.insert(index.min(results.len()), taken);
            }
        }
        let acted = results.iter().any(|taken| taken.result.acted());
        let signature = signature(&results);
        let mut alerted = entry.alerted.contains(&signature);
        if decision.alert_due(acted) && !alerted {
            let notifier = match decision.alert_channel() {
                AlertChannel::Primary => self.notifier,
                AlertChannel::Fallback => self.fallback.unwrap_or(self.notifier),
            };
            if let Err(error) = notifier.notify(&self.alert(decision, &results)).await {
                // Record what was done and let Lambda's retry take over at once rather than
                // after the lease.
                if let Err(release) = self.save(key.as_deref(), lease, &entry).await {
                    tracing::warn!(error = %release, "could not release the ledger entry");
                }
                return Err(GuardError::AlertFailed(error));
            }
            entry.alerted.push(signature);
            alerted = true;
        }

        let retry = results.iter().find_map(|taken| match &taken.result {
            ActionResult::Failed {
                retryable: true,
                reason,
            } => Some(format!("{}: {reason}", taken.action)),
            _ => None,
        });
        entry.done = retry.is_none();
        // Done, or released for the retry of what failed.
        self.save(key.as_deref(), lease, &entry).await?;
        if let Some(reason) = retry {
            return Err(GuardError::RemediationRetry(reason));
        }
        Ok(Response {
            actions: results,
            alerted,
            duplicate: false,
        })
    }

    /// Writes the entry and releases the lease.
    async fn save(&self, key: Option<&str>, lease: Option<Lease>, entry: &LedgerEntry) -> Result<(), GuardError> {
        match (key, lease) {
            (Some(key), Some(lease)) => {
                self.ledger
                    .save(key, &lease, entry, 0)
                    .await
                    .map_err(GuardError::Ledger)?;
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Carries out the containment actions not already recorded in `entry`.
    async fn contain(&self, decision: &Decision, entry: &mut LedgerEntry, resumed: bool, now: u64) -> Vec<ActionTaken> {
        let mut results = Vec::new();
        let target = match (&decision.resource, &decision.write, &decision.part) {
            (Some(resource), _, _) => Target::Resource(resource.reference()),
            (None, Some(write), _) => Target::Write {
                write,
                evidence: Evidence::of(write, decision.trigger.event_id().unwrap_or("no-event-id")),
            },
            (None, None, Some(part)) => Target::Part(part),
            (None, None, None) => return results,
        };
        for &action in decision.response.iter().filter(|a| **a != Action::Alert) {
            if let Some(done) = entry.actions.iter().find(|taken| taken.action == action) {
                results.push(done.clone());
                continue;
            }
            let mut taken = self.carry_out(action, &target, now).await;
            if resumed && done_by_an_earlier_attempt(action, &taken.result) {
                taken.result = ActionResult::Done;
            }
            if !matches!(taken.result, ActionResult::Failed { retryable: true, .. }) {
                entry.actions.push(taken.clone());
            }
            results.push(taken);
        }
        results
    }

    async fn carry_out(&self, action: Action, target: &Target<'_>, now: u64) -> ActionTaken {
        // Reading a part changes nothing: done in dry-run mode too.
        if self.mode == Mode::DryRun && action.verb() != Verb::Inspect {
            // Where the evidence would go is worth saying; the other verbs' results say it all.
            let detail = match (action.verb(), target) {
                (Verb::Quarantine, Target::Write { evidence, .. }) => {
                    Some(format!("to quarantine as `{}`", evidence.key))
                }
                (
                    Verb::Stop
                    | Verb::StopWhenReady
                    | Verb::Delete
                    | Verb::Abort
                    | Verb::Revoke
                    | Verb::Restore
                    | Verb::Inspect
                    | Verb::Alert,
                    Target::Resource(_) | Target::Write { .. } | Target::Part(_),
                )
                | (Verb::Quarantine, Target::Resource(_) | Target::Part(_)) => None,
            };
            return ActionTaken {
                action,
                result: ActionResult::WouldHaveDone,
                detail,
            };
        }
        let (result, detail) = match (action.verb(), target) {
            (Verb::Alert, _) => (ActionResult::Done, None),
            (Verb::StopWhenReady, Target::Resource(_)) => (
                ActionResult::Deferred {
                    until: "it is InService".to_owned(),
                },
                None,
            ),
            (Verb::Stop, Target::Resource(resource)) => match self.remediator {
                None => (missing("SageMaker"), None),
                Some(remediator) => (
                    match remediator.stop(resource).await {
                        Ok(StopOutcome::Stopping) => ActionResult::Done,
                        Ok(StopOutcome::AlreadyStopped { status }) => ActionResult::AlreadyDone { status },
                        Ok(StopOutcome::NotYetStoppable { status }) => ActionResult::NotYetPossible { status },
                        Ok(StopOutcome::Gone) => ActionResult::AlreadyGone,
                        Err(error) => ActionResult::failed(&error),
                    },
                    None,
                ),
            },
            (Verb::Delete, Target::Resource(resource)) => match self.remediator {
                None => (missing("SageMaker"), None),
                Some(remediator) => (
                    match remediator.delete(resource).await {
                        Ok(DeleteOutcome::Deleted) => ActionResult::Done,
                        Ok(DeleteOutcome::NotYetDeletable { status }) => ActionResult::NotYetPossible { status },
                        Ok(DeleteOutcome::Gone) => ActionResult::AlreadyGone,
                        Err(error) => ActionResult::failed(&error),
                    },
                    None,
                ),
            },
            (Verb::Quarantine, Target::Write { write, evidence }) => match self.objects {
                None => (missing("S3 object"), None),
                Some(objects) => match objects.quarantine(write, evidence).await {
                    Ok(QuarantineOutcome::Quarantined { evidence }) => {
                        (ActionResult::Done, Some(format!("evidence kept at {evidence}")))
                    }
                    Ok(QuarantineOutcome::AlreadyQuarantined { evidence }) => (
                        ActionResult::AlreadyDone {
                            status: "quarantined".to_owned(),
                        },
                        Some(format!("evidence kept at {evidence}")),
                    ),
                    Ok(QuarantineOutcome::Gone) => (
                        ActionResult::AlreadyGone,
                        Some("the version written no longer exists; no copy was kept".to_owned()),
                    ),
                    // Nothing was deleted: the copy comes first.
                    Err(error) => (
                        ActionResult::failed(&error),
                        Some("the object was left where it was written".to_owned()),
                    ),
                },
            },
            (Verb::Abort, Target::Write { write, .. }) => match self.objects {
                None => (missing("S3 object"), None),
                Some(objects) => match objects.abort_uploads(write).await {
                    Ok(AbortOutcome::Aborted { uploads }) => {
                        (ActionResult::Done, Some(format!("upload {}", uploads.join(", "))))
                    }
                    Ok(AbortOutcome::NoneOpen) => (
                        ActionResult::AlreadyDone {
                            status: "no open upload".to_owned(),
                        },
                        None,
                    ),
                    Err(error) => (ActionResult::failed(&error), None),
                },
            },
            (Verb::Revoke, Target::Write { write, .. }) => {
                match (self.objects, write.caller.session_issuer_arn.as_deref()) {
                    (None, _) => (missing("IAM"), None),
                    (Some(_), None) => (
                        ActionResult::Failed {
                            reason: "the record names no role behind the session".to_owned(),
                            retryable: false,
                        },
                        None,
                    ),
                    (Some(objects), Some(role)) => match objects.revoke_sessions(role, now).await {
                        Ok(()) => (
                            ActionResult::Done,
                            Some(format!("sessions of `{role}` issued before now are denied")),
                        ),
                        Err(error) => (ActionResult::failed(&error), None),
                    },
                }
            }
            (Verb::Restore, Target::Part(part)) => match self.guard {
                None => (missing("trail and guard"), None),
                Some(guard) => self.restore(guard, action, part).await,
            },
            (Verb::Inspect, Target::Part(part)) => match self.guard {
                None => (missing("trail and guard"), None),
                Some(guard) => match guard.function_configuration(&part.arn).await {
                    Ok(Some(configuration)) => (ActionResult::Done, Some(format!("now: {}", configuration.describe()))),
                    Ok(None) => (ActionResult::AlreadyGone, None),
                    Err(error) => (ActionResult::failed(&error), None),
                },
            },
            // An action on the wrong kind of subject: a plan the policy never makes.
            (Verb::Stop | Verb::StopWhenReady | Verb::Delete, Target::Write { .. } | Target::Part(_))
            | (Verb::Quarantine | Verb::Abort | Verb::Revoke, Target::Resource(_) | Target::Part(_))
            | (Verb::Restore | Verb::Inspect, Target::Resource(_) | Target::Write { .. }) => (
                ActionResult::Failed {
                    reason: format!("`{action}` does not apply to this subject"),
                    retryable: false,
                },
                None,
            ),
        };
        ActionTaken { action, result, detail }
    }

    /// Puts a protected trail or one of smguard's parts back.
    async fn restore(
        &self,
        guard: &dyn GuardRemediator,
        action: Action,
        part: &GuardPart,
    ) -> (ActionResult, Option<String>) {
        let arn = part.arn.as_str();
        let outcome = match action {
            Action::StartLogging => guard.start_logging(arn).await,
            Action::RestoreRecording => return self.restore_recording(guard, part).await,
            Action::EnableLogFileValidation => guard.enable_log_file_validation(arn).await,
            Action::EnableRule => guard.enable_rule(arn).await,
            Action::RemoveConcurrencyLimit => guard.remove_concurrency_limit(arn).await,
            Action::CancelKeyDeletion => guard.cancel_key_deletion(arn).await,
            Action::EnableKey => guard.enable_key(arn).await,
            Action::Stop(_)
            | Action::StopWhenReady(_)
            | Action::Delete(_)
            | Action::QuarantineObject
            | Action::AbortMultipartUpload
            | Action::RevokeRoleSessions
            | Action::InspectFunction
            | Action::Alert => {
                return (
                    ActionResult::Failed {
                        reason: format!("`{action}` does not restore anything"),
                        retryable: false,
                    },
                    None,
                );
            }
        };
        (restored(outcome), None)
    }

    /// Reads the trail's selectors, writes them back with what is required added (every other
    /// selector kept), and makes the trail multi-Region when the call made it single-Region.
    async fn restore_recording(&self, guard: &dyn GuardRemediator, part: &GuardPart) -> (ActionResult, Option<String>) {
        let arn = part.arn.as_str();
        let current = match guard.event_selectors(arn).await {
            Ok(Some(current)) => current,
            Ok(None) => return (ActionResult::AlreadyGone, None),
            Err(error) => return (ActionResult::failed(&error), None),
        };
        let partition = part.location.partition.as_deref().unwrap_or("aws");
        let integrity = &self.policy.integrity;
        let mut done = Vec::new();
        if let Some(selectors) =
            restored_selectors(&current, integrity.required, &self.policy.sagemaker_roles, partition)
        {
            if let Err(error) = guard.put_event_selectors(arn, &selectors).await {
                return (ActionResult::failed(&error), None);
            }
            done.push("added the required selectors, keeping the trail's others".to_owned());
        }
        if matches!(&part.state, PartState::Trail(trail) if trail.multi_region == Some(false)) {
            match guard.make_multi_region(arn).await {
                Ok(RestoreOutcome::Restored) => done.push("made the trail multi-Region again".to_owned()),
                Ok(RestoreOutcome::AlreadyRestored { .. }) => {}
                Ok(RestoreOutcome::Gone) => return (ActionResult::AlreadyGone, None),
                Err(error) => {
                    return (
                        ActionResult::failed(&error),
                        Some(done.join("; ")).filter(|d| !d.is_empty()),
                    );
                }
            }
        }
        if done.is_empty() {
            (
                ActionResult::AlreadyDone {
                    status: "records what is required".to_owned(),
                },
                None,
            )
        } else {
            (ActionResult::Done, Some(done.join("; ")))
        }
    }

    /// The alert for a decision and what was done about it.
    pub fn alert(&self, decision: &Decision, results: &[ActionTaken]) -> Alert {
        let principal = decision
            .resource
            .as_ref()
            .and_then(|r| r.created_by.as_ref())
            .or(decision.event.principal.as_ref());
        let location = decision
            .resource
            .as_ref()
            .map(|r| &r.location)
            .or(decision.write.as_ref().map(|w| &w.location))
            .or(decision.part.as_ref().map(|p| &p.location));
        let event_name = match &decision.trigger {
            Trigger::Audit { run_id } => Some(format!("smguard audit {run_id}")),
            Trigger::ApiCall { .. } | Trigger::StateChange { .. } | Trigger::Event { .. } => decision
                .event
                .event_name
                .clone()
                .or_else(|| decision.event.detail_type.clone()),
        };
        Alert {
            event_id: decision.trigger.event_id().map(str::to_owned),
            outcome: decision.outcome,
            dry_run: self.mode == Mode::DryRun,
            account: location
                .and_then(|l| l.account.clone())
                .or_else(|| decision.event.account.clone()),
            region: location
                .and_then(|l| l.region.clone())
                .or_else(|| decision.event.region.clone()),
            resource: decision.resource.as_ref().map(|r| AlertResource {
                kind: r.kind,
                name: r.name.clone(),
                arn: r.arn.clone(),
            }),
            object: decision.write.as_ref().map(alert_object),
            part: decision.part.as_ref().map(|part| AlertPart {
                kind: part.kind(),
                name: part.name().to_owned(),
                arn: part.arn.clone(),
            }),
            channel: decision.alert_channel(),
            findings: decision
                .evaluation
                .findings
                .iter()
                .map(|f| AlertFinding {
                    rule: f.rule,
                    severity: f.severity,
                    mode: f.mode,
                    field: f.field.to_string(),
                    reason: f.reason.clone(),
                    remediation: f.remediation.to_owned(),
                })
                .collect(),
            undetermined: undetermined_fields(decision),
            reason: decision.reason.clone(),
            event_name,
            event_time: decision.event.time.clone(),
            principal: principal.and_then(|p| p.arn.clone()),
            source_ip: principal.and_then(|p| p.source_ip.clone()),
            actions: results.to_vec(),
        }
    }
}

/// What an action is carried out on.
enum Target<'d> {
    Resource(ResourceRef),
    Write { write: &'d S3Write, evidence: Evidence },
    Part(&'d GuardPart),
}

/// The result of a restoring call.
fn restored(outcome: Result<RestoreOutcome, PortError>) -> ActionResult {
    match outcome {
        Ok(RestoreOutcome::Restored) => ActionResult::Done,
        Ok(RestoreOutcome::AlreadyRestored { status }) => ActionResult::AlreadyDone { status },
        Ok(RestoreOutcome::Gone) => ActionResult::AlreadyGone,
        Err(error) => ActionResult::failed(&error),
    }
}

/// The failure of an action this function has no remediator for.
fn missing(what: &str) -> ActionResult {
    ActionResult::Failed {
        reason: format!("this function has no {what} remediator: route the event to the function that handles it"),
        retryable: false,
    }
}

fn alert_object(write: &S3Write) -> AlertObject {
    AlertObject {
        uri: write.uri(),
        bucket: write.bucket.clone(),
        key: write.key.clone(),
        bucket_owner: write.bucket_owner.clone(),
        own_bucket: write.bucket_is_own(),
        version_id: write.version_id.clone(),
        upload_id: write.upload_id.clone(),
        bytes: write.bytes,
        role: write.caller.session_issuer_arn.clone(),
        session_name: write.session_name.clone(),
        vpc_endpoint_id: write.vpc_endpoint_id.clone(),
        copy_source: write.copy_source.clone(),
    }
}

/// On a resumed claim, the answer an earlier attempt's own action leaves: a stop it made finds
/// the resource stopping (or stopped), a delete finds it gone, a quarantine finds its copy kept,
/// an abort finds no open upload.
fn done_by_an_earlier_attempt(action: Action, result: &ActionResult) -> bool {
    match (action.verb(), result) {
        (Verb::Stop, ActionResult::AlreadyDone { status }) => {
            matches!(Lifecycle::of(status), Lifecycle::Stopping | Lifecycle::Stopped)
        }
        (Verb::Delete, ActionResult::AlreadyGone) => true,
        (Verb::Quarantine | Verb::Abort | Verb::Restore, ActionResult::AlreadyDone { .. }) => true,
        (
            Verb::Stop
            | Verb::Delete
            | Verb::StopWhenReady
            | Verb::Quarantine
            | Verb::Abort
            | Verb::Revoke
            | Verb::Restore
            | Verb::Inspect
            | Verb::Alert,
            _,
        ) => false,
    }
}

/// The fields the decision lacked, each once (several rules may need the same field).
pub(crate) fn undetermined_fields(decision: &Decision) -> Vec<String> {
    let mut fields: Vec<String> = Vec::new();
    for undetermined in &decision.evaluation.undetermined {
        let field = undetermined.field.to_string();
        if !fields.contains(&field) {
            fields.push(field);
        }
    }
    fields
}

/// Identifies an alert by the results it reports: a retry that changes nothing does not alert
/// again, one whose remediation now succeeded does.
fn signature(results: &[ActionTaken]) -> String {
    let parts: Vec<String> = results
        .iter()
        .map(|taken| format!("{}={}", taken.action, taken.token()))
        .collect();
    if parts.is_empty() {
        "alert".to_owned()
    } else {
        parts.join(",")
    }
}
