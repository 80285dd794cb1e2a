//! The `trail-guard` Lambda function: calls on the trails smguard depends on and on smguard's own
//! rules, functions, alert topic and key in; the part restored (logging, required selectors,
//! multi-Region, log-file validation, a rule's state, a function's concurrency, the key) and one
//! alert out, through the second alert topic when the alert topic itself was attacked. The
//! decisions are `smguard-policy`'s, the response `smguard-engine`'s, the Lambda plumbing
//! `smguard-runtime`'s.

use serde_json::value::RawValue;
use smguard_aws::{AwsGuardRemediator, S3Ledger, SnsNotifier, clients};
use smguard_engine::{Ports, Report};
use smguard_policy::arn::Arn;
use smguard_policy::config::{self, ConfigError, Settings};
use smguard_runtime::{Context, Failure, Function, ResponseConfig, required};

/// Where the idempotency ledger keeps this function's entries in the ledger bucket.
pub const LEDGER_PREFIX: &str = "idempotency/trail-guard/";

/// The function: its configuration and adapters, built once per container.
#[derive(Debug)]
pub struct TrailGuard {
    config: ResponseConfig,
    guard: AwsGuardRemediator,
    notifier: SnsNotifier,
    second_channel: SnsNotifier,
    ledger: S3Ledger,
}

impl Function for TrailGuard {
    /// Raw, as EventBridge delivered it: the policy crate reads it.
    type Event = Box<RawValue>;
    type Output = Report;

    fn new(settings: &Settings, sdk: &aws_config::SdkConfig) -> Result<Self, ConfigError> {
        let config = ResponseConfig::from_settings(settings)?;
        // Watching nothing would judge nothing: refuse to start.
        if !config.policy.integrity.watches_anything() {
            return Err(ConfigError::Missing {
                key: config::PROTECTED_TRAILS.to_owned(),
            });
        }
        let fallback = required(settings, config::FALLBACK_TOPIC_ARN)?;
        if !Arn::parse(fallback).is_some_and(|arn| arn.service == "sns" && !arn.resource.is_empty()) {
            return Err(ConfigError::Invalid {
                key: config::FALLBACK_TOPIC_ARN.to_owned(),
                reason: format!("`{fallback}` is not an SNS topic ARN"),
            });
        }
        if fallback == config.alert_topic_arn {
            return Err(ConfigError::Invalid {
                key: config::FALLBACK_TOPIC_ARN.to_owned(),
                reason: "the second channel must be another topic than the alert topic".to_owned(),
            });
        }
        let sns = clients::sns(sdk);
        Ok(TrailGuard {
            guard: AwsGuardRemediator::new(sdk),
            notifier: SnsNotifier::new(sns.clone(), &config.alert_topic_arn),
            second_channel: SnsNotifier::new(sns, fallback),
            ledger: S3Ledger::new(clients::s3(sdk), &config.ledger_bucket, LEDGER_PREFIX),
            config,
        })
    }

    async fn handle(&'static self, event: Box<RawValue>, _context: Context) -> Result<Report, Failure> {
        let ports = Ports {
            inventory: None,
            remediator: None,
            objects: None,
            guard: Some(&self.guard),
            notifier: &self.notifier,
            fallback: Some(&self.second_channel),
            ledger: &self.ledger,
        };
        smguard_runtime::guard_event(ports, &self.config, event.get()).await
    }
}
