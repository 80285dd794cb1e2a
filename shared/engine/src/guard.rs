//! The guard: from one event to containment and one alert, exactly once.
//!
//! 1. Read and decide the event with the policy crate (no AWS call).
//! 2. A state-change event omits fields; when one of them could change the response, describe
//!    the resource and decide on what SageMaker says now.
//! 3. Claim the event in the [`Ledger`]: a duplicate delivery finds it done, a concurrent one
//!    busy, a retry what the interrupted attempt already did.
//! 4. Carry out each containment action once (or, in dry-run mode, none), recording what changed
//!    the resource before alerting.
//! 5. Publish the alert (remediation first, alert second), once per distinct set of results; if it
//!    cannot be published, fail the invocation so that Lambda's retry and on-failure destination
//!    keep the event.

use std::time::Duration;

use serde::Serialize;
use smguard_policy::{
    Action, Decision, EventInfo, Outcome, PolicyConfig, Resource, ResourceRef, Verb, decide, decide_resource, normalize,
};

use crate::alert::{ActionResult, ActionTaken, Alert, AlertFinding, AlertResource};
use crate::ports::{
    Claim, DeleteOutcome, Inventory, Lease, Ledger, LedgerEntry, Notifier, PortError, Remediator, StopOutcome,
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

/// What an invocation did: the Lambda's response, and the log's summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub event_id: Option<String>,
    pub outcome: Outcome,
    pub resource: Option<ResourceRef>,
    pub rules: Vec<String>,
    pub actions: Vec<ActionTaken>,
    pub alerted: bool,
    /// An earlier delivery of this event already did everything.
    pub duplicate: bool,
    pub dry_run: bool,
    pub reason: Option<String>,
}

/// The ports the guard works through.
pub struct Ports<'a> {
    pub inventory: &'a dyn Inventory,
    pub remediator: &'a dyn Remediator,
    pub notifier: &'a dyn Notifier,
    pub ledger: &'a dyn Ledger,
}

impl std::fmt::Debug for Ports<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Ports")
    }
}

/// The guard's configuration and ports.
#[derive(Debug)]
pub struct Guard<'a> {
    pub ports: Ports<'a>,
    pub policy: PolicyConfig,
    pub mode: Mode,
}

impl Guard<'_> {
    /// Handles one event; `now` is the current Unix time in seconds.
    pub async fn handle(&self, raw: &str, now: u64) -> Result<Report, GuardError> {
        let decision = self.decide(raw).await?;
        if matches!(decision.outcome, Outcome::Compliant | Outcome::Ignored) {
            return Ok(self.report(&decision, Vec::new(), false, false));
        }
        // Nothing to carry out and nothing to say (a state change of a resource already being
        // contained): no need to claim the event.
        let containment = decision.response.iter().any(|action| *action != Action::Alert);
        if !containment && !alert_due(&decision, &[]) {
            return Ok(self.report(&decision, Vec::new(), false, false));
        }
        let key = decision.ledger_key();
        let (mut entry, mut lease) = match &key {
            None => (LedgerEntry::default(), None),
            Some(key) => match self
                .ports
                .ledger
                .claim(key, now, LEASE.as_secs())
                .await
                .map_err(GuardError::Ledger)?
            {
                Claim::Done(entry) => {
                    let alerted = !entry.alerted.is_empty();
                    return Ok(self.report(&decision, entry.actions, alerted, true));
                }
                Claim::Busy => {
                    return Err(GuardError::InProgress {
                        event_id: decision.event.id.clone().unwrap_or_default(),
                    });
                }
                Claim::Claimed { entry, lease } => (entry, Some(lease)),
            },
        };

        let results = self.contain(&decision, &mut entry).await;
        if results.iter().any(|taken| taken.result == ActionResult::Done) {
            // What changed the resource is recorded before the alert: a retry after a crash
            // between the two must not act again (a failed publish also records it, below).
            lease = self.save(key.as_deref(), lease, &entry, now + LEASE.as_secs()).await?;
        }

        let signature = signature(&results);
        let mut alerted = entry.alerted.contains(&signature);
        if alert_due(&decision, &results) && !alerted {
            if let Err(error) = self.ports.notifier.notify(&self.alert(&decision, &results)).await {
                // Let Lambda's retry take over at once rather than after the lease.
                if let Err(release) = self.save(key.as_deref(), lease, &entry, 0).await {
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
        self.save(key.as_deref(), lease, &entry, 0).await?;
        if let Some(reason) = retry {
            return Err(GuardError::RemediationRetry(reason));
        }
        Ok(self.report(&decision, results, alerted, false))
    }

    async fn save(
        &self,
        key: Option<&str>,
        lease: Option<Lease>,
        entry: &LedgerEntry,
        lease_until: u64,
    ) -> Result<Option<Lease>, GuardError> {
        match (key, lease) {
            (Some(key), Some(lease)) => {
                let saved = self.ports.ledger.save(key, &lease, entry, lease_until).await;
                saved.map(Some).map_err(GuardError::Ledger)
            }
            _ => Ok(None),
        }
    }

    /// Reads the event; describes the resource when the event omits what could change the response.
    async fn decide(&self, raw: &str) -> Result<Decision, GuardError> {
        let decision = decide(normalize(raw, &self.policy), &self.policy);
        let Some(resource) = &decision.resource else {
            return Ok(decision);
        };
        if !decision.needs_describe() {
            return Ok(decision);
        }
        match self.ports.inventory.describe(&resource.reference()).await {
            Ok(Some(current)) => Ok(self.redecide(decision.event, current)),
            Ok(None) => Ok(Decision {
                outcome: Outcome::Ignored,
                reason: Some("the resource no longer exists".to_owned()),
                ..decision
            }),
            Err(error) if error.is_retryable() => Err(GuardError::DescribeFailed(error)),
            // Cannot read it: alert as unevaluable, saying why.
            Err(error) => Ok(Decision {
                reason: Some(format!(
                    "{}; describing the resource failed: {error}",
                    decision.reason.clone().unwrap_or_default()
                )),
                ..decision
            }),
        }
    }

    fn redecide(&self, event: EventInfo, mut current: Resource) -> Decision {
        current.origin.event_id = event.id.clone();
        let (outcome, evaluation, response) = decide_resource(&current, &self.policy);
        let reason =
            (outcome == Outcome::Unevaluable).then(|| "the resource's answer lacks fields a rule needs".to_owned());
        Decision {
            outcome,
            event,
            resource: Some(current),
            evaluation,
            response,
            reason,
        }
    }

    /// Carries out the containment actions not already recorded in `entry`.
    async fn contain(&self, decision: &Decision, entry: &mut LedgerEntry) -> Vec<ActionTaken> {
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
            let result = self.carry_out(action, &target).await;
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
        let remediator = self.ports.remediator;
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

    fn alert(&self, decision: &Decision, results: &[ActionTaken]) -> Alert {
        let principal = decision
            .resource
            .as_ref()
            .and_then(|r| r.created_by.as_ref())
            .or(decision.event.principal.as_ref());
        let location = decision.resource.as_ref().map(|r| &r.location);
        Alert {
            event_id: decision.event.id.clone(),
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
            event_name: decision
                .event
                .event_name
                .clone()
                .or_else(|| decision.event.detail_type.clone()),
            event_time: decision.event.time.clone(),
            principal: principal.and_then(|p| p.arn.clone()),
            source_ip: principal.and_then(|p| p.source_ip.clone()),
            actions: results.to_vec(),
        }
    }

    fn report(&self, decision: &Decision, actions: Vec<ActionTaken>, alerted: bool, duplicate: bool) -> Report {
        Report {
            event_id: decision.event.id.clone(),
            outcome: decision.outcome,
            resource: decision.resource.as_ref().map(Resource::reference),
            rules: decision
                .evaluation
                .failed_rules()
                .iter()
                .map(|r| r.to_string())
                .collect(),
            actions,
            alerted,
            duplicate,
            dry_run: self.mode == Mode::DryRun,
            reason: decision.reason.clone(),
        }
    }
}

/// The fields the event lacked, each once (several rules may need the same field).
fn undetermined_fields(decision: &Decision) -> Vec<String> {
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

/// CloudTrail calls (who, from where) and unevaluable events always alert. A state-change event is
/// a backstop for a missed call: it alerts only when the guard changed something, would have in
/// dry-run mode, or failed to; the call's own alert already told the rest.
fn alert_due(decision: &Decision, results: &[ActionTaken]) -> bool {
    if decision.outcome == Outcome::Unevaluable {
        return true;
    }
    decision.from_api_call()
        || results.iter().any(|taken| {
            matches!(
                taken.result,
                ActionResult::Done | ActionResult::WouldHaveDone | ActionResult::Failed { .. }
            )
        })
}

#[cfg(test)]
#[path = "guard_tests.rs"]
mod tests;
