//! The real-time guard: one event in, decided by the policy crate, carried out on the one
//! response path ([`Responder`]).
//!
//! 1. Read and decide the event (no AWS call).
//! 2. A state-change event omits fields, and CloudTrail omits long parameters; when one of them
//!    could change the response, describe the resource and decide on what SageMaker says now.
//! 3. Respond: claim, contain, alert, mark done ([`crate::respond`]). If the alert cannot be
//!    published, the invocation fails so that Lambda's retry and on-failure destination keep the
//!    event.

use serde::Serialize;
use smguard_policy::{Decision, Outcome, PolicyConfig, Resource, ResourceRef, S3Write, decide, normalize};

use crate::alert::ActionTaken;
use crate::ports::{GuardRemediator, Inventory, Ledger, Notifier, ObjectRemediator, Remediator};
pub use crate::respond::{GuardError, LEASE, Mode};
use crate::respond::{Responder, Response};

/// What an invocation did: the Lambda's response, and the log's decision line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub event_id: Option<String>,
    pub outcome: Outcome,
    pub resource: Option<ResourceRef>,
    /// The ARN of the S3 object written, for an object write.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    pub rules: Vec<String>,
    pub actions: Vec<ActionTaken>,
    pub alerted: bool,
    /// An earlier delivery of this event already did everything.
    pub duplicate: bool,
    pub dry_run: bool,
    pub reason: Option<String>,
}

impl Report {
    /// The report of `decision` and what responding to it did.
    pub fn new(decision: &Decision, response: Response, mode: Mode) -> Report {
        Report {
            event_id: decision.trigger.event_id().map(str::to_owned),
            outcome: decision.outcome,
            resource: decision.resource.as_ref().map(Resource::reference),
            object: decision
                .write
                .as_ref()
                .and_then(S3Write::object_arn)
                .or_else(|| decision.part.as_ref().map(|part| part.arn.clone())),
            rules: decision
                .evaluation
                .failed_rules()
                .iter()
                .map(|r| r.to_string())
                .collect(),
            actions: response.actions,
            alerted: response.alerted,
            duplicate: response.duplicate,
            dry_run: mode == Mode::DryRun,
            reason: decision.reason.clone(),
        }
    }

    /// The one log line per event: event ID, resource ARN, outcome, rule ids and actions.
    pub fn log(&self) {
        let actions: Vec<String> = self
            .actions
            .iter()
            .map(|a| format!("{}={}", a.action, a.token()))
            .collect();
        tracing::info!(
            event_id = self.event_id.as_deref().unwrap_or(""),
            resource_arn = self
                .resource
                .as_ref()
                .and_then(|r| r.arn.as_deref())
                .or(self.object.as_deref())
                .unwrap_or(""),
            resource = self.resource.as_ref().map_or("", |r| r.name.as_str()),
            outcome = self.outcome.as_str(),
            rules = self.rules.join(","),
            actions = actions.join(","),
            alerted = self.alerted,
            duplicate = self.duplicate,
            dry_run = self.dry_run,
            reason = self.reason.as_deref().unwrap_or(""),
            "decision"
        );
    }
}

/// The ports the guard works through; a function has those of what it handles (the SageMaker
/// guard SageMaker's, the upload guard S3's).
pub struct Ports<'a> {
    pub inventory: Option<&'a dyn Inventory>,
    pub remediator: Option<&'a dyn Remediator>,
    pub objects: Option<&'a dyn ObjectRemediator>,
    pub guard: Option<&'a dyn GuardRemediator>,
    pub notifier: &'a dyn Notifier,
    /// The second alert channel (the trail guard's), for alerts about the alert topic.
    pub fallback: Option<&'a dyn Notifier>,
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
    pub policy: &'a PolicyConfig,
    pub mode: Mode,
}

impl Guard<'_> {
    /// Handles one event; `now` is the current Unix time in seconds.
    pub async fn handle(&self, raw: &str, now: u64) -> Result<Report, GuardError> {
        let decision = self.decide(raw).await?;
        let response = self.responder().respond(&decision, now).await?;
        Ok(Report::new(&decision, response, self.mode))
    }

    /// The response path over the guard's ports.
    pub fn responder(&self) -> Responder<'_> {
        Responder {
            remediator: self.ports.remediator,
            objects: self.ports.objects,
            guard: self.ports.guard,
            notifier: self.ports.notifier,
            fallback: self.ports.fallback,
            policy: self.policy,
            ledger: self.ports.ledger,
            mode: self.mode,
        }
    }

    /// Reads the event; describes the resource when the event omits what could change the response.
    async fn decide(&self, raw: &str) -> Result<Decision, GuardError> {
        let decision = decide(normalize(raw, self.policy), self.policy);
        let Some(resource) = &decision.resource else {
            return Ok(decision);
        };
        if !decision.needs_describe() {
            return Ok(decision);
        }
        let Some(inventory) = self.ports.inventory else {
            return Ok(Decision {
                reason: Some(format!(
                    "{}; this function cannot describe SageMaker resources",
                    decision.reason.clone().unwrap_or_default()
                )),
                ..decision
            });
        };
        match inventory.describe(&resource.reference()).await {
            Ok(Some(mut current)) => {
                current.origin.event_id = decision.trigger.event_id().map(str::to_owned);
                Ok(Decision::described(
                    decision.trigger,
                    decision.event,
                    current,
                    self.policy,
                ))
            }
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
}

#[cfg(test)]
#[path = "guard_tests.rs"]
mod tests;
