//! The `audit` Lambda function: every SageMaker resource that exists now, judged by the same
//! rules as the real-time guard and (with `"respond": true`, where allowed) contained on the
//! same response path. Invoked with `{"kinds": [...], "respond": false}`, on a schedule with a
//! constant input, or with `{"continuation": {...}}` to resume a run that ran out of time. The
//! sweep is `smguard-engine`'s [`Audit`]; this crate builds its adapters and reads the payload.

use serde_json::Value;
use smguard_aws::{AwsGuardInputs, S3Ledger, S3Reports, SageMakerInventory, SageMakerRemediator, SnsNotifier, clients};
use smguard_engine::audit::{Clock, DEFAULT_CONCURRENCY, PART_BYTES, SelfCheck, Unobserved, WallClock};
use smguard_engine::{Audit, AuditPayload, AuditRequest, AuditResult, Responder, parse_kinds, run_id};
use smguard_policy::config::{self, ConfigError, Settings};
use smguard_policy::selfcheck::SelfCheckConfig;
use smguard_runtime::{Context, Failure, Function, ResponseConfig, bucket, count, unix_now};

/// Where the audit keeps its ledger entries in the ledger bucket.
pub const LEDGER_PREFIX: &str = "idempotency/audit/";
/// Where the reports go in the report bucket.
pub const REPORT_PREFIX: &str = "audit/";
/// Time kept in hand before the invocation's deadline (besides twice the slowest page).
const RESERVE_MS: u64 = 10_000;

/// The function: its configuration and adapters, built once per container.
#[derive(Debug)]
pub struct AuditFunction {
    config: ResponseConfig,
    may_respond: bool,
    concurrency: usize,
    inventory: SageMakerInventory,
    remediator: SageMakerRemediator,
    notifier: SnsNotifier,
    ledger: S3Ledger,
    reports: S3Reports,
    self_check: SelfCheckConfig,
    guard_inputs: AwsGuardInputs,
}

impl Function for AuditFunction {
    type Event = Value;
    type Output = AuditResult;

    fn new(settings: &Settings, sdk: &aws_config::SdkConfig) -> Result<Self, ConfigError> {
        let config = ResponseConfig::from_settings(settings)?;
        let may_respond = match settings.get(config::AUDIT_MAY_RESPOND) {
            None | Some("false") => false,
            Some("true") => true,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    key: config::AUDIT_MAY_RESPOND.to_owned(),
                    reason: format!("`{other}` is not `true` or `false`"),
                });
            }
        };
        let sagemaker = clients::sagemaker_adaptive(sdk);
        let s3 = clients::s3(sdk);
        Ok(AuditFunction {
            may_respond,
            concurrency: count(settings, config::AUDIT_CONCURRENCY, DEFAULT_CONCURRENCY, 64)?,
            inventory: SageMakerInventory::new(sagemaker.clone()),
            remediator: SageMakerRemediator::new(sagemaker),
            notifier: SnsNotifier::new(clients::sns(sdk), &config.alert_topic_arn),
            ledger: S3Ledger::new(s3.clone(), &config.ledger_bucket, LEDGER_PREFIX),
            reports: S3Reports::new(s3, bucket(settings, config::REPORT_BUCKET)?, REPORT_PREFIX),
            self_check: SelfCheckConfig::from_settings(settings)?,
            guard_inputs: AwsGuardInputs::new(sdk, Some(config.alert_topic_arn.clone())),
            config,
        })
    }

    async fn handle(&'static self, event: Value, context: Context) -> Result<AuditResult, Failure> {
        let invalid = |reason: String| Failure::new("InvalidRequest", reason);
        let payload: AuditPayload =
            serde_json::from_value(event).map_err(|e| invalid(format!("the audit request is not valid: {e}")))?;
        let respond = payload.continuation.as_ref().map_or(payload.respond, |c| c.respond);
        if respond && !self.may_respond {
            return Err(invalid(format!(
                "`respond` is not allowed: this audit only reports (`{}` is not `true`)",
                config::AUDIT_MAY_RESPOND
            )));
        }
        let started = unix_now();
        let budget = payload.time_budget_seconds.map(|s| started * 1000 + s * 1000);
        // The request's budget, when sooner than Lambda's deadline, is kept to the letter.
        let (deadline_ms, reserve_ms) = match budget {
            Some(budget) if budget < context.deadline => (budget, 0),
            Some(_) | None => (context.deadline, RESERVE_MS),
        };
        let clock = WallClock {
            deadline_ms: Some(deadline_ms),
        };
        tracing::info!(
            request_id = context.request_id,
            time_left_ms = deadline_ms.saturating_sub(clock.now_ms()),
            "audit invocation"
        );
        let audit = Audit {
            self_check: Some(SelfCheck {
                reader: &self.guard_inputs,
                config: &self.self_check,
            }),
            inventory: &self.inventory,
            reports: &self.reports,
            notifier: Some(&self.notifier),
            responder: Some(Responder {
                remediator: Some(&self.remediator),
                objects: None,
                guard: None,
                notifier: &self.notifier,
                fallback: None,
                policy: &self.config.policy,
                ledger: &self.ledger,
                mode: self.config.mode,
            }),
            policy: &self.config.policy,
            concurrency: self.concurrency,
            reserve_ms,
            part_bytes: PART_BYTES,
        };
        let result = match payload.continuation {
            Some(continuation) => audit.resume(continuation, &clock, &Unobserved).await,
            None => {
                let request = AuditRequest {
                    run_id: run_id(started, &context.request_id),
                    kinds: parse_kinds(payload.kinds.as_deref()).map_err(invalid)?,
                    respond,
                };
                audit.start(request, &clock, &Unobserved).await
            }
        }
        .map_err(|error| Failure::new(error.error_type(), error))?;
        log(&result);
        Ok(result)
    }
}

/// The one log line per invocation.
fn log(result: &AuditResult) {
    let (status, summary) = match result {
        AuditResult::Complete { summary } => ("complete", summary),
        AuditResult::Continue { continuation } => ("continue", &continuation.summary),
    };
    tracing::info!(
        run_id = summary.run_id,
        status,
        resources = summary.resources,
        non_compliant = summary.by_outcome.get("non_compliant").copied().unwrap_or(0),
        unevaluable = summary.by_outcome.get("unevaluable").copied().unwrap_or(0),
        problems = summary.problems_total,
        report = summary.report,
        "audit"
    );
}
