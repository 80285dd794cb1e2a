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
use smguard_policy::model::Lifecycle;
use smguard_policy::{Action, Decision, ResourceRef, Trigger, Verb};

use crate::alert::{ActionResult, ActionTaken, Alert, AlertFinding, AlertResource};
use crate::ports::{Claim, DeleteOutcome, Lease, Ledger, LedgerEntry, Notifier, PortError, Remediator, StopOutcome};

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

/// Carries decisions out through the remediator, the notifier and the ledger.
pub struct Responder<'a> {
    pub remediator: &'a dyn Remediator,
    pub notifier: &'a dyn Notifier,
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
        // resource already being contained): no need to claim anything.
        if !decision.contains() && !decision.alert_due(false) {
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

        let results = self.contain(decision, &mut entry, resumed).await;
        let acted = results.iter().any(|taken| taken.result.acted());
        let signature = signature(&results);
        let mut alerted = entry.alerted.contains(&signature);
        if decision.alert_due(acted) && !alerted {
            if let Err(error) = self.notifier.notify(&self.alert(decision, &results)).await {
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
    async fn contain(&self, decision: &Decision, entry: &mut LedgerEntry, resumed: bool) -> Vec<ActionTaken> {
        let mut results = Vec::new();
        let Some(resource) = &decision.resource else {
            return results;
        };
        let target = resource.reference();
        for &action in decision.response.iter().filter(|a| **a != Action::Alert) {
            if let Some(done) = entry.actions.iter().find(|taken| taken.action == action) {
                results.push(done.clone());
                continue;
            }
            let mut result = self.carry_out(action, &target).await;
            if resumed && done_by_an_earlier_attempt(action, &result) {
                result = ActionResult::Done;
            }
            let taken = ActionTaken { action, result };
            if !matches!(taken.result, ActionResult::Failed { retryable: true, .. }) {
                entry.actions.push(taken.clone());
            }
            results.push(taken);
        }
        results
    }

    async fn carry_out(&self, action: Action, target: &ResourceRef) -> ActionResult {
        if self.mode == Mode::DryRun {
            return ActionResult::WouldHaveDone;
        }
        let remediator = self.remediator;
        match action.verb() {
            Verb::StopWhenReady => ActionResult::Deferred {
                until: "it is InService".to_owned(),
            },
            Verb::Delete => match remediator.delete(target).await {
                Ok(DeleteOutcome::Deleted) => ActionResult::Done,
                Ok(DeleteOutcome::NotYetDeletable { status }) => ActionResult::NotYetPossible { status },
                Ok(DeleteOutcome::Gone) => ActionResult::AlreadyGone,
                Err(error) => ActionResult::failed(&error),
            },
            Verb::Alert => ActionResult::Done,
            Verb::Stop => match remediator.stop(target).await {
                Ok(StopOutcome::Stopping) => ActionResult::Done,
                Ok(StopOutcome::AlreadyStopped { status }) => ActionResult::AlreadyDone { status },
                Ok(StopOutcome::NotYetStoppable { status }) => ActionResult::NotYetPossible { status },
                Ok(StopOutcome::Gone) => ActionResult::AlreadyGone,
                Err(error) => ActionResult::failed(&error),
            },
        }
    }

    /// The alert for a decision and what was done about it.
    pub fn alert(&self, decision: &Decision, results: &[ActionTaken]) -> Alert {
        let principal = decision
            .resource
            .as_ref()
            .and_then(|r| r.created_by.as_ref())
            .or(decision.event.principal.as_ref());
        let location = decision.resource.as_ref().map(|r| &r.location);
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

/// On a resumed claim, the answer an earlier attempt's own action leaves: a stop it made finds
/// the resource stopping (or stopped), a delete finds it gone.
fn done_by_an_earlier_attempt(action: Action, result: &ActionResult) -> bool {
    match (action.verb(), result) {
        (Verb::Stop, ActionResult::AlreadyDone { status }) => {
            matches!(Lifecycle::of(status), Lifecycle::Stopping | Lifecycle::Stopped)
        }
        (Verb::Delete, ActionResult::AlreadyGone) => true,
        (Verb::Stop | Verb::Delete | Verb::StopWhenReady | Verb::Alert, _) => false,
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
