//! Reading the settings the functions and the CLI share, each problem naming its setting.

use smguard_policy::PolicyConfig;
use smguard_policy::arn::Arn;
use smguard_policy::config::{self, ConfigError, KNOWN_KEYS, Settings};

use crate::respond::Mode;

/// The settings every function that responds needs.
#[derive(Debug, Clone)]
pub struct ResponseConfig {
    pub policy: PolicyConfig,
    pub mode: Mode,
    pub alert_topic_arn: String,
    pub ledger_bucket: String,
}

impl ResponseConfig {
    /// Every `SMGUARD_*` setting must be known; `SMGUARD_MODE`, `SMGUARD_ALERT_TOPIC_ARN` and
    /// `SMGUARD_LEDGER_BUCKET` are required.
    pub fn from_settings(settings: &Settings) -> Result<Self, ConfigError> {
        settings.reject_unknown(KNOWN_KEYS)?;
        let mode = required(settings, config::MODE)?;
        let mode = Mode::parse(mode)
            .ok_or_else(|| invalid(config::MODE, format!("`{mode}` is not `enforce` or `dry-run`")))?;
        let topic = required(settings, config::ALERT_TOPIC_ARN)?;
        if !Arn::parse(topic).is_some_and(|arn| arn.service == "sns" && !arn.resource.is_empty()) {
            return Err(invalid(
                config::ALERT_TOPIC_ARN,
                format!("`{topic}` is not an SNS topic ARN"),
            ));
        }
        Ok(ResponseConfig {
            policy: PolicyConfig::from_settings(settings)?,
            mode,
            alert_topic_arn: topic.to_owned(),
            ledger_bucket: bucket(settings, config::LEDGER_BUCKET)?,
        })
    }
}

/// A required setting.
pub fn required<'a>(settings: &'a Settings, key: &str) -> Result<&'a str, ConfigError> {
    settings
        .get(key)
        .ok_or_else(|| ConfigError::Missing { key: key.to_owned() })
}

fn invalid(key: &str, reason: String) -> ConfigError {
    ConfigError::Invalid {
        key: key.to_owned(),
        reason,
    }
}

/// A required setting naming an S3 bucket.
pub fn bucket(settings: &Settings, key: &str) -> Result<String, ConfigError> {
    let bucket = required(settings, key)?;
    if smguard_policy::s3::bucket_name(bucket).is_err() {
        return Err(invalid(key, format!("`{bucket}` is not an S3 bucket name")));
    }
    Ok(bucket.to_owned())
}

/// An optional setting naming a KMS key or alias by ARN.
pub fn kms_key_arn(settings: &Settings, key: &str) -> Result<Option<String>, ConfigError> {
    match settings.get(key) {
        None => Ok(None),
        Some(text) => match Arn::parse(text) {
            Some(arn)
                if arn.service == "kms" && (arn.resource.starts_with("key/") || arn.resource.starts_with("alias/")) =>
            {
                Ok(Some(text.to_owned()))
            }
            _ => Err(invalid(key, format!("`{text}` is not a KMS key or alias ARN"))),
        },
    }
}

/// An optional positive whole-number setting, `default` when unset.
pub fn count(settings: &Settings, key: &str, default: usize, max: usize) -> Result<usize, ConfigError> {
    match settings.get(key) {
        None => Ok(default),
        Some(text) => match text.trim().parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(invalid(key, format!("`{text}` is not a whole number from 1 to {max}"))),
        },
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
        let config = ResponseConfig::from_settings(&settings(VALID)).unwrap();
        assert_eq!(config.mode, Mode::Enforce);
        assert_eq!(config.ledger_bucket, "smguard-ledger-111122223333");
        let mut dry = settings(VALID);
        dry.set("SMGUARD_MODE", "dry-run");
        assert_eq!(ResponseConfig::from_settings(&dry).unwrap().mode, Mode::DryRun);
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
            let error = ResponseConfig::from_settings(&s).unwrap_err().to_string();
            assert!(error.starts_with(expected), "{error:?} should start with {expected:?}");
        }
    }

    #[test]
    fn counts_are_whole_numbers_in_range() {
        let key = "SMGUARD_AUDIT_CONCURRENCY";
        assert_eq!(count(&settings(&[]), key, 8, 64), Ok(8));
        assert_eq!(count(&settings(&[(key, "16")]), key, 8, 64), Ok(16));
        for bad in ["0", "65", "eight", "-1"] {
            let error = count(&settings(&[(key, bad)]), key, 8, 64).unwrap_err().to_string();
            assert_eq!(
                error,
                format!("invalid `{key}`: `{bad}` is not a whole number from 1 to 64")
            );
        }
    }
}
