//! The `sagemaker-guard` Lambda function: SageMaker CloudTrail calls and state changes in,
//! containment and one alert out. It also watches the trail guard's own rule and function (the
//! template routes their EventBridge and Lambda calls here), so that no single `DisableRule` or
//! zero-concurrency call silences both guards. The decisions are `smguard-policy`'s, the response
//! `smguard-engine`'s, the Lambda plumbing `smguard-runtime`'s.

use serde_json::value::RawValue;
use smguard_aws::{AwsGuardRemediator, S3Ledger, SageMakerInventory, SageMakerRemediator, SnsNotifier, clients};
use smguard_engine::{Ports, Report};
use smguard_policy::config::{ConfigError, Settings};
use smguard_runtime::{Context, Failure, Function, ResponseConfig};

/// Where the idempotency ledger keeps this function's entries in the ledger bucket.
pub const LEDGER_PREFIX: &str = "idempotency/sagemaker-guard/";

/// The function: its configuration and adapters, built once per container.
#[derive(Debug)]
pub struct SageMakerGuard {
    config: ResponseConfig,
    inventory: SageMakerInventory,
    remediator: SageMakerRemediator,
    /// Restores the trail guard's rule and function.
    guard: AwsGuardRemediator,
    notifier: SnsNotifier,
    ledger: S3Ledger,
}

impl Function for SageMakerGuard {
    /// Raw, as EventBridge delivered it: the policy crate reads it.
    type Event = Box<RawValue>;
    type Output = Report;

    fn new(settings: &Settings, sdk: &aws_config::SdkConfig) -> Result<Self, ConfigError> {
        let config = ResponseConfig::from_settings(settings)?;
        // Only the clients the guard's adapters use.
        let sagemaker = clients::sagemaker(sdk);
        Ok(SageMakerGuard {
            inventory: SageMakerInventory::new(sagemaker.clone()),
            remediator: SageMakerRemediator::new(sagemaker),
            guard: AwsGuardRemediator::new(sdk),
            notifier: SnsNotifier::new(clients::sns(sdk), &config.alert_topic_arn),
            ledger: S3Ledger::new(clients::s3(sdk), &config.ledger_bucket, LEDGER_PREFIX),
            config,
        })
    }

    async fn handle(&'static self, event: Box<RawValue>, _context: Context) -> Result<Report, Failure> {
        let ports = Ports {
            inventory: Some(&self.inventory),
            remediator: Some(&self.remediator),
            objects: None,
            guard: Some(&self.guard),
            notifier: &self.notifier,
            fallback: None,
            ledger: &self.ledger,
        };
        smguard_runtime::guard_event(ports, &self.config, event.get()).await
    }
}
