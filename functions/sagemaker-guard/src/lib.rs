//! The `sagemaker-guard` Lambda function: SageMaker CloudTrail calls and state changes in,
//! containment and one alert out.
//!
//! The decisions are `smguard-policy`'s and the exactly-once response `smguard-engine`'s
//! [`Guard`]; this crate reads the configuration, builds the adapters and maps errors for Lambda.

use std::time::{SystemTime, UNIX_EPOCH};

use lambda_runtime::{Diagnostic, LambdaEvent};
use serde_json::value::RawValue;
use smguard_aws::{S3Ledger, SageMakerInventory, SageMakerRemediator, SnsNotifier};
use smguard_engine::{Guard, GuardError, Mode, Ports, Report};
use smguard_policy::PolicyConfig;
use smguard_policy::arn::Arn;
use smguard_policy::config::{self, ConfigError, KNOWN_KEYS, Settings};

/// Where the idempotency ledger keeps this function's entries in the ledger bucket.
pub const LEDGER_PREFIX: &str = "idempotency/sagemaker-guard/";

/// The function's configuration, from its environment.
#[derive(Debug, Clone)]
pub struct GuardConfig {
    pub policy: PolicyConfig,
    pub mode: Mode,
    pub alert_topic_arn: String,
    pub ledger_bucket: String,
}

impl GuardConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_settings(&Settings::from_pairs(std::env::vars()))
    }

    /// Every `SMGUARD_*` setting must be known; `SMGUARD_MODE`, `SMGUARD_ALERT_TOPIC_ARN` and
    /// `SMGUARD_LEDGER_BUCKET` are required.
    pub fn from_settings(settings: &Settings) -> Result<Self, ConfigError> {
        settings.reject_unknown(KNOWN_KEYS)?;
        let required = |key: &str| {
            settings
                .get(key)
                .ok_or_else(|| ConfigError::Missing { key: key.to_owned() })
        };
        let invalid = |key: &str, reason: String| ConfigError::Invalid {
            key: key.to_owned(),
            reason,
        };
        let mode = required(config::MODE)?;
        let mode = Mode::parse(mode)
            .ok_or_else(|| invalid(config::MODE, format!("`{mode}` is not `enforce` or `dry-run`")))?;
        let topic = required(config::ALERT_TOPIC_ARN)?;
        if !Arn::parse(topic).is_some_and(|arn| arn.service == "sns" && !arn.resource.is_empty()) {
            return Err(invalid(
                config::ALERT_TOPIC_ARN,
                format!("`{topic}` is not an SNS topic ARN"),
            ));
        }
        let bucket = required(config::LEDGER_BUCKET)?;
        let valid_bucket = (3..=63).contains(&bucket.len())
            && bucket
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
            && bucket.starts_with(|c: char| c.is_ascii_alphanumeric())
            && bucket.ends_with(|c: char| c.is_ascii_alphanumeric());
        if !valid_bucket {
            return Err(invalid(
                config::LEDGER_BUCKET,
                format!("`{bucket}` is not an S3 bucket name"),
            ));
        }
        Ok(GuardConfig {
            policy: PolicyConfig::from_settings(settings)?,
            mode,
            alert_topic_arn: topic.to_owned(),
            ledger_bucket: bucket.to_owned(),
        })
    }
}

/// The AWS adapters, built once per container.
#[derive(Debug)]
pub struct Adapters {
    pub inventory: SageMakerInventory,
    pub remediator: SageMakerRemediator,
    pub notifier: SnsNotifier,
    pub ledger: S3Ledger,
}

impl Adapters {
    pub fn new(sdk_config: &aws_config::SdkConfig, config: &GuardConfig) -> Self {
        // Only the clients the guard's adapters use: no CloudTrail client.
        use smguard_aws::clients;
        let sagemaker = clients::sagemaker(sdk_config);
        Adapters {
            inventory: SageMakerInventory::new(sagemaker.clone()),
            remediator: SageMakerRemediator::new(sagemaker),
            notifier: SnsNotifier::new(clients::sns(sdk_config), &config.alert_topic_arn),
            ledger: S3Ledger::new(clients::s3(sdk_config), &config.ledger_bucket, LEDGER_PREFIX),
        }
    }

    pub fn guard(&self, config: &GuardConfig) -> Guard<'_> {
        Guard {
            ports: Ports {
                inventory: &self.inventory,
                remediator: &self.remediator,
                notifier: &self.notifier,
                ledger: &self.ledger,
            },
            policy: config.policy.clone(),
            mode: config.mode,
        }
    }
}

/// An invocation that must fail, so that Lambda retries the event and finally hands it to the
/// on-failure destination.
#[derive(Debug)]
pub struct HandlerError(pub GuardError);

impl From<HandlerError> for Diagnostic {
    fn from(error: HandlerError) -> Diagnostic {
        Diagnostic {
            error_type: error.0.error_type().to_owned(),
            error_message: error.0.to_string(),
        }
    }
}

/// Handles one event, raw as EventBridge delivered it (the policy crate reads it).
pub async fn handle(guard: &Guard<'_>, event: LambdaEvent<Box<RawValue>>) -> Result<Report, HandlerError> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    match guard.handle(event.payload.get(), now).await {
        Ok(report) => {
            tracing::info!(
                event_id = ?report.event_id,
                outcome = report.outcome.as_str(),
                resource = ?report.resource.as_ref().map(|r| &r.name),
                rules = ?report.rules,
                actions = ?report.actions.iter().map(|a| (a.action.name(), a.token())).collect::<Vec<_>>(),
                alerted = report.alerted,
                duplicate = report.duplicate,
                "handled"
            );
            Ok(report)
        }
        Err(error) => {
            tracing::error!(error_type = error.error_type(), %error, "failed: Lambda will retry the event");
            Err(HandlerError(error))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> Settings {
        Settings::from_pairs(pairs.iter().copied())
    }

    const VALID: &[(&str, &str)] = &[
        ("SMGUARD_MODE", "enforce"),
        (
            "SMGUARD_ALERT_TOPIC_ARN",
            "arn:aws-us-gov:sns:us-gov-west-1:111122223333:smguard-alerts",
        ),
        ("SMGUARD_LEDGER_BUCKET", "smguard-ledger-111122223333"),
    ];

    #[test]
    fn a_complete_configuration_is_read() {
        let config = GuardConfig::from_settings(&settings(VALID)).unwrap();
        assert_eq!(config.mode, Mode::Enforce);
        assert_eq!(config.ledger_bucket, "smguard-ledger-111122223333");
        let mut dry = settings(VALID);
        dry.set("SMGUARD_MODE", "dry-run");
        assert_eq!(GuardConfig::from_settings(&dry).unwrap().mode, Mode::DryRun);
    }

    #[test]
    fn every_problem_names_its_setting() {
        let cases: &[(&str, Option<&str>, &str)] = &[
            ("SMGUARD_MODE", None, "missing required setting `SMGUARD_MODE`"),
            (
                "SMGUARD_MODE",
                Some("block"),
                "invalid `SMGUARD_MODE`: `block` is not `enforce` or `dry-run`",
            ),
            (
                "SMGUARD_ALERT_TOPIC_ARN",
                None,
                "missing required setting `SMGUARD_ALERT_TOPIC_ARN`",
            ),
            (
                "SMGUARD_ALERT_TOPIC_ARN",
                Some("arn:aws-us-gov:sqs:us-gov-west-1:1:q"),
                "invalid `SMGUARD_ALERT_TOPIC_ARN`: `arn:aws-us-gov:sqs:us-gov-west-1:1:q` is not an SNS topic ARN",
            ),
            (
                "SMGUARD_LEDGER_BUCKET",
                None,
                "missing required setting `SMGUARD_LEDGER_BUCKET`",
            ),
            (
                "SMGUARD_LEDGER_BUCKET",
                Some("Ledger_Bucket"),
                "invalid `SMGUARD_LEDGER_BUCKET`: `Ledger_Bucket` is not an S3 bucket name",
            ),
            (
                "SMGUARD_CONTROLS",
                Some("network.vpc-required=maybe"),
                "invalid `SMGUARD_CONTROLS`: unknown mode `maybe`",
            ),
            ("SMGUARD_DRY_RUN", Some("true"), "unknown setting `SMGUARD_DRY_RUN`"),
        ];
        for (key, value, expected) in cases {
            let mut s = Settings::from_pairs(VALID.iter().copied().filter(|(k, _)| k != key));
            if let Some(value) = value {
                s.set(key, *value);
            }
            let error = GuardConfig::from_settings(&s).unwrap_err().to_string();
            assert!(error.starts_with(expected), "{error:?} should start with {expected:?}");
        }
    }
}
