//! The `upload-guard` Lambda function: S3 data events of SageMaker execution roles in, the write
//! quarantined (a bucket of this account), its upload aborted (in progress) or a critical alert
//! (another account's bucket) out. The decisions are `smguard-policy`'s, the response
//! `smguard-engine`'s, the Lambda plumbing `smguard-runtime`'s.

use serde_json::value::RawValue;
use smguard_aws::{S3Ledger, S3ObjectRemediator, SnsNotifier, clients};
use smguard_engine::settings::{bucket, kms_key_arn, required};
use smguard_engine::{Ports, Report};
use smguard_policy::config::{self, ConfigError, Settings};
use smguard_runtime::{Context, Failure, Function, ResponseConfig};

/// Where the idempotency ledger keeps this function's entries in the ledger bucket.
pub const LEDGER_PREFIX: &str = "idempotency/upload-guard/";

/// The function: its configuration and adapters, built once per container.
#[derive(Debug)]
pub struct UploadGuard {
    config: ResponseConfig,
    objects: S3ObjectRemediator,
    notifier: SnsNotifier,
    ledger: S3Ledger,
}

impl Function for UploadGuard {
    /// Raw, as EventBridge delivered it: the policy crate reads it.
    type Event = Box<RawValue>;
    type Output = Report;

    fn new(settings: &Settings, sdk: &aws_config::SdkConfig) -> Result<Self, ConfigError> {
        let config = ResponseConfig::from_settings(settings)?;
        // Without roles or locations the function would judge nothing: refuse to start.
        required(settings, config::SAGEMAKER_ROLE_ARNS)?;
        required(settings, config::APPROVED_OUTPUT_LOCATIONS)?;
        let quarantine = bucket(settings, config::QUARANTINE_BUCKET)?;
        let key = kms_key_arn(settings, config::QUARANTINE_KMS_KEY)?;
        // IAM only when sessions may be revoked.
        let iam = config
            .policy
            .revoke_sessions_on_external_write
            .then(|| clients::iam(sdk));
        let s3 = clients::s3(sdk);
        Ok(UploadGuard {
            objects: S3ObjectRemediator::new(s3.clone(), iam, quarantine, key),
            notifier: SnsNotifier::new(clients::sns(sdk), &config.alert_topic_arn),
            ledger: S3Ledger::new(s3, &config.ledger_bucket, LEDGER_PREFIX),
            config,
        })
    }

    async fn handle(&'static self, event: Box<RawValue>, _context: Context) -> Result<Report, Failure> {
        let ports = Ports {
            inventory: None,
            remediator: None,
            objects: Some(&self.objects),
            guard: None,
            notifier: &self.notifier,
            fallback: None,
            ledger: &self.ledger,
        };
        smguard_runtime::guard_event(ports, &self.config, event.get()).await
    }
}
