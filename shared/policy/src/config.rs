//! Configuration, parsed once from environment-style `KEY=value` settings into typed values.
//!
//! The policy crate never reads the environment: callers collect the settings (Lambda: the
//! process environment at init; CLI: environment, `--env-file` and flags) into [`Settings`] and
//! parse them here. Every `SMGUARD_*` key must be known, so that a misspelt setting fails at
//! start-up instead of silently leaving a control at its default.

use std::collections::BTreeMap;

use crate::kms::KmsKeyRef;
use crate::rules::{ControlMode, RuleId};
use crate::s3::{RolePattern, S3Location};

/// Prefix of every smguard setting.
pub const PREFIX: &str = "SMGUARD_";

/// Per-rule modes: `rule=mode` pairs separated by commas.
pub const CONTROLS: &str = "SMGUARD_CONTROLS";
/// Approved KMS keys: key IDs, key ARNs, alias names or alias ARNs, comma-separated.
pub const APPROVED_KMS_KEYS: &str = "SMGUARD_APPROVED_KMS_KEYS";
/// Instance types (or `family.*` patterns) with local NVMe storage, exempt from volume keys.
pub const LOCAL_STORAGE_INSTANCE_TYPES: &str = "SMGUARD_LOCAL_STORAGE_INSTANCE_TYPES";
/// smguard's own principals (role ARNs); their calls are ignored.
pub const GUARD_PRINCIPAL_ARNS: &str = "SMGUARD_GUARD_PRINCIPAL_ARNS";
/// Whether a non-compliant notebook is deleted once it is stopped.
pub const DELETE_NONCOMPLIANT_NOTEBOOKS: &str = "SMGUARD_DELETE_NONCOMPLIANT_NOTEBOOKS";
/// Approved notebook lifecycle configurations (names), comma-separated; unset: not evaluated.
pub const APPROVED_LIFECYCLE_CONFIGS: &str = "SMGUARD_APPROVED_LIFECYCLE_CONFIGS";

/// The SageMaker execution roles (role ARNs, `*` allowed in the role part), comma-separated:
/// their sessions are SageMaker workloads, whose S3 writes the upload rule judges.
pub const SAGEMAKER_ROLE_ARNS: &str = "SMGUARD_SAGEMAKER_ROLE_ARNS";
/// Where SageMaker may write: `s3://bucket` or `s3://bucket/prefix/` locations, comma-separated;
/// unset: the data rules are not evaluated.
pub const APPROVED_OUTPUT_LOCATIONS: &str = "SMGUARD_APPROVED_OUTPUT_LOCATIONS";
/// Whether a SageMaker role's write to a bucket of another account also revokes the role's
/// active sessions (default `false`).
pub const REVOKE_SESSIONS_ON_EXTERNAL_WRITE: &str = "SMGUARD_REVOKE_SESSIONS_ON_EXTERNAL_WRITE";

/// Trail guard: the CloudTrail trails smguard depends on (ARNs), comma-separated. A call that
/// names a trail by bare name names the trail of the call's account and Region.
pub const PROTECTED_TRAILS: &str = "SMGUARD_PROTECTED_TRAILS";
/// Trail guard: the CloudFormation stack that owns the protected trails (named in the alert
/// when one is deleted, since it cannot be recreated faithfully from the event).
pub const PROTECTED_TRAILS_STACK: &str = "SMGUARD_PROTECTED_TRAILS_STACK";
/// Trail guard: the bucket the protected trails deliver log files to; unset: not judged.
pub const TRAIL_LOG_BUCKET: &str = "SMGUARD_TRAIL_LOG_BUCKET";
/// Trail guard: the KMS key (ARN) the protected trails encrypt log files with; unset: not judged.
pub const TRAIL_KMS_KEY: &str = "SMGUARD_TRAIL_KMS_KEY";
/// Trail guard: what each protected trail must record: `management-writes`,
/// `s3-object-writes` (default both).
pub const TRAIL_REQUIRED_RECORDING: &str = "SMGUARD_TRAIL_REQUIRED_RECORDING";
/// smguard's alert topics (ARNs), comma-separated: the trail guard watches them.
pub const GUARD_TOPIC_ARNS: &str = "SMGUARD_GUARD_TOPIC_ARNS";
/// smguard's KMS keys (ARNs), comma-separated: the trail guard watches them.
pub const GUARD_KEY_ARNS: &str = "SMGUARD_GUARD_KEY_ARNS";
/// The deployment pipeline's principals (IAM/STS ARNs), comma-separated: their changes to
/// smguard's parts and trails are expected, ignored and logged.
pub const ADMIN_PRINCIPAL_ARNS: &str = "SMGUARD_ADMIN_PRINCIPAL_ARNS";

/// The keys [`PolicyConfig::from_settings`] reads.
pub const POLICY_KEYS: &[&str] = &[
    CONTROLS,
    APPROVED_KMS_KEYS,
    LOCAL_STORAGE_INSTANCE_TYPES,
    GUARD_PRINCIPAL_ARNS,
    DELETE_NONCOMPLIANT_NOTEBOOKS,
    APPROVED_LIFECYCLE_CONFIGS,
    SAGEMAKER_ROLE_ARNS,
    APPROVED_OUTPUT_LOCATIONS,
    REVOKE_SESSIONS_ON_EXTERNAL_WRITE,
    PROTECTED_TRAILS,
    PROTECTED_TRAILS_STACK,
    TRAIL_LOG_BUCKET,
    TRAIL_KMS_KEY,
    TRAIL_REQUIRED_RECORDING,
    GUARD_RULE_ARNS,
    GUARD_FUNCTION_ARNS,
    GUARD_TOPIC_ARNS,
    GUARD_KEY_ARNS,
    ADMIN_PRINCIPAL_ARNS,
];

/// Global remediation mode of the Lambda functions: `enforce` or `dry-run`.
pub const MODE: &str = "SMGUARD_MODE";
/// SNS topic that receives alerts.
pub const ALERT_TOPIC_ARN: &str = "SMGUARD_ALERT_TOPIC_ARN";
/// S3 bucket of the idempotency ledger (one small object per event and resource).
pub const LEDGER_BUCKET: &str = "SMGUARD_LEDGER_BUCKET";
/// S3 bucket the audit writes its reports to.
pub const REPORT_BUCKET: &str = "SMGUARD_REPORT_BUCKET";
/// Whether the audit may contain (`true`) or only report (`false`, the default): a request
/// with `"respond": true` is refused unless this is `true` (the template grants the audit's role
/// the containment actions only then).
pub const AUDIT_MAY_RESPOND: &str = "SMGUARD_AUDIT_MAY_RESPOND";
/// smguard's own EventBridge rules (ARNs), comma-separated: the trail guard watches them and the
/// audit's self-check checks them.
pub const GUARD_RULE_ARNS: &str = "SMGUARD_GUARD_RULE_ARNS";
/// smguard's own Lambda functions (ARNs), comma-separated: the trail guard watches them and the
/// audit's self-check checks them.
pub const GUARD_FUNCTION_ARNS: &str = "SMGUARD_GUARD_FUNCTION_ARNS";
/// How many resources the audit describes at once (default 8).
pub const AUDIT_CONCURRENCY: &str = "SMGUARD_AUDIT_CONCURRENCY";
/// Upload guard: the bucket quarantined objects are copied to.
pub const QUARANTINE_BUCKET: &str = "SMGUARD_QUARANTINE_BUCKET";
/// Upload guard: the KMS key (ARN) the quarantine copies are encrypted with; unset: the bucket's
/// default encryption.
pub const QUARANTINE_KMS_KEY: &str = "SMGUARD_QUARANTINE_KMS_KEY";
/// Trail guard: the second alert topic, used when the alert topic itself is attacked.
pub const FALLBACK_TOPIC_ARN: &str = "SMGUARD_FALLBACK_TOPIC_ARN";

/// Every setting any smguard program reads. Programs reject other `SMGUARD_*` keys, so that a
/// misspelt setting fails at start-up; the CLI accepts a Lambda function's env file as is.
pub const KNOWN_KEYS: &[&str] = &[
    CONTROLS,
    APPROVED_KMS_KEYS,
    LOCAL_STORAGE_INSTANCE_TYPES,
    GUARD_PRINCIPAL_ARNS,
    DELETE_NONCOMPLIANT_NOTEBOOKS,
    APPROVED_LIFECYCLE_CONFIGS,
    SAGEMAKER_ROLE_ARNS,
    APPROVED_OUTPUT_LOCATIONS,
    REVOKE_SESSIONS_ON_EXTERNAL_WRITE,
    MODE,
    ALERT_TOPIC_ARN,
    LEDGER_BUCKET,
    REPORT_BUCKET,
    AUDIT_MAY_RESPOND,
    AUDIT_CONCURRENCY,
    GUARD_RULE_ARNS,
    GUARD_FUNCTION_ARNS,
    QUARANTINE_BUCKET,
    QUARANTINE_KMS_KEY,
    FALLBACK_TOPIC_ARN,
    PROTECTED_TRAILS,
    PROTECTED_TRAILS_STACK,
    TRAIL_LOG_BUCKET,
    TRAIL_KMS_KEY,
    TRAIL_REQUIRED_RECORDING,
    GUARD_TOPIC_ARNS,
    GUARD_KEY_ARNS,
    ADMIN_PRINCIPAL_ARNS,
];

/// A configuration problem, naming the setting.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("missing required setting `{key}`")]
    Missing { key: String },
    #[error("invalid `{key}`: {reason}")]
    Invalid { key: String, reason: String },
    #[error("unknown setting `{key}` (known: {known})")]
    Unknown { key: String, known: String },
    #[error("line {line} of `{file}` is not `KEY=value`")]
    EnvFileSyntax { file: String, line: usize },
    #[error("`{key}` is set twice in `{file}` (lines {first} and {second}): which one applies would be a guess")]
    EnvFileDuplicate {
        file: String,
        key: String,
        first: usize,
        second: usize,
    },
}

/// Raw `SMGUARD_*` settings. Blank values count as unset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    values: BTreeMap<String, String>,
}

impl Settings {
    /// Keeps the `SMGUARD_*` pairs, e.g. of `std::env::vars()`.
    pub fn from_pairs<K: Into<String>, V: Into<String>>(pairs: impl IntoIterator<Item = (K, V)>) -> Self {
        let mut settings = Settings::default();
        settings.extend(pairs);
        settings
    }

    /// Adds or replaces settings; later pairs win.
    pub fn extend<K: Into<String>, V: Into<String>>(&mut self, pairs: impl IntoIterator<Item = (K, V)>) {
        for (key, value) in pairs {
            let key = key.into();
            if key.starts_with(PREFIX) {
                self.values.insert(key, value.into());
            }
        }
    }

    /// Parses an env file: `KEY=value` lines, `#` comments, blank lines, optional `export `
    /// and optional matching quotes around the value. `file` names it in errors.
    pub fn parse_env_file(text: &str, file: &str) -> Result<Self, ConfigError> {
        let mut pairs = Vec::new();
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        // An editor's byte-order mark would otherwise become part of the first key, and the
        // setting would be dropped as not `SMGUARD_*`. (`lines` also takes `\r\n` endings.)
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let line = line.strip_prefix("export ").unwrap_or(line);
            let Some((key, value)) = line.split_once('=') else {
                return Err(ConfigError::EnvFileSyntax {
                    file: file.to_owned(),
                    line: index + 1,
                });
            };
            let key = key.trim();
            if key.is_empty() || key.contains(char::is_whitespace) {
                return Err(ConfigError::EnvFileSyntax {
                    file: file.to_owned(),
                    line: index + 1,
                });
            }
            let value = value.trim();
            let value = ['"', '\'']
                .iter()
                .find_map(|q| value.strip_prefix(*q).and_then(|v| v.strip_suffix(*q)))
                .unwrap_or(value);
            if let Some(first) = seen.insert(key.to_owned(), index + 1) {
                return Err(ConfigError::EnvFileDuplicate {
                    file: file.to_owned(),
                    key: key.to_owned(),
                    first,
                    second: index + 1,
                });
            }
            pairs.push((key.to_owned(), value.to_owned()));
        }
        Ok(Settings::from_pairs(pairs))
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(|v| v.trim()).filter(|v| !v.is_empty())
    }

    pub fn set(&mut self, key: &str, value: impl Into<String>) {
        self.values.insert(key.to_owned(), value.into());
    }

    /// Fails on the first `SMGUARD_*` key that is not in `known`.
    pub fn reject_unknown(&self, known: &[&str]) -> Result<(), ConfigError> {
        match self.values.keys().find(|key| !known.contains(&key.as_str())) {
            Some(key) => Err(ConfigError::Unknown {
                key: key.clone(),
                known: known.join(", "),
            }),
            None => Ok(()),
        }
    }

    /// A comma-separated list; empty items are skipped.
    pub fn list(&self, key: &str) -> Vec<&str> {
        self.get(key)
            .map(|v| v.split(',').map(str::trim).filter(|item| !item.is_empty()).collect())
            .unwrap_or_default()
    }

    /// `true`/`false` (also `1`/`0`, `yes`/`no`); `default` when unset.
    pub fn flag(&self, key: &str, default: bool) -> Result<bool, ConfigError> {
        match self.get(key).map(str::to_ascii_lowercase).as_deref() {
            None => Ok(default),
            Some("true" | "1" | "yes") => Ok(true),
            Some("false" | "0" | "no") => Ok(false),
            Some(other) => Err(ConfigError::Invalid {
                key: key.to_owned(),
                reason: format!("`{other}` is not `true` or `false`"),
            }),
        }
    }
}

/// An instance type, or a family pattern ending in `.*` (`ml.g5.*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceTypePattern(String);

impl InstanceTypePattern {
    pub fn parse(text: &str) -> Result<Self, String> {
        let valid = !text.is_empty()
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '*'))
            && (!text.contains('*') || (text.ends_with(".*") && text.matches('*').count() == 1));
        if valid {
            Ok(InstanceTypePattern(text.to_owned()))
        } else {
            Err(format!("`{text}` is not an instance type or a `family.*` pattern"))
        }
    }

    pub fn matches(&self, instance_type: &str) -> bool {
        match self.0.strip_suffix('*') {
            Some(prefix) => instance_type.starts_with(prefix),
            None => self.0 == instance_type,
        }
    }
}

/// What the rules and the response plan are configured with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyConfig {
    controls: BTreeMap<RuleId, ControlMode>,
    /// Empty: `encryption.approved-key` is not evaluated.
    pub approved_kms_keys: Vec<KmsKeyRef>,
    pub local_storage_instance_types: Vec<InstanceTypePattern>,
    /// Calls by these principals are smguard's own and are ignored.
    pub guard_principal_arns: Vec<String>,
    pub delete_noncompliant_notebooks: bool,
    /// Empty: `notebook.lifecycle-config-approved` is not evaluated.
    pub approved_lifecycle_configs: Vec<String>,
    /// Whose S3 writes `data.upload-location-approved` judges.
    pub sagemaker_roles: Vec<RolePattern>,
    /// Empty: the `data.*` rules are not evaluated.
    pub approved_output_locations: Vec<S3Location>,
    pub revoke_sessions_on_external_write: bool,
    /// The trails smguard depends on and its own parts (the trail guard's rules).
    pub integrity: crate::integrity::IntegrityConfig,
}

impl Default for PolicyConfig {
    fn default() -> Self {
        PolicyConfig {
            controls: RuleId::ALL
                .into_iter()
                .map(|r| (r, r.definition().default_mode))
                .collect(),
            approved_kms_keys: Vec::new(),
            // Every local-NVMe family of the instance-type table (`instance_types.rs`).
            local_storage_instance_types: crate::instance_types::local_nvme_patterns()
                .map(InstanceTypePattern)
                .collect(),
            guard_principal_arns: Vec::new(),
            delete_noncompliant_notebooks: false,
            approved_lifecycle_configs: Vec::new(),
            sagemaker_roles: Vec::new(),
            approved_output_locations: Vec::new(),
            revoke_sessions_on_external_write: false,
            integrity: crate::integrity::IntegrityConfig::default(),
        }
    }
}

impl PolicyConfig {
    /// Parses the policy's settings ([`POLICY_KEYS`]); other keys are left to the caller, which
    /// should reject unknown ones with [`Settings::reject_unknown`].
    pub fn from_settings(settings: &Settings) -> Result<Self, ConfigError> {
        let mut config = PolicyConfig::default();
        for pair in settings.list(CONTROLS) {
            let (rule, mode) = parse_control(pair).map_err(|reason| ConfigError::Invalid {
                key: CONTROLS.to_owned(),
                reason,
            })?;
            config.set_mode(rule, mode);
        }
        config.approved_kms_keys = settings
            .list(APPROVED_KMS_KEYS)
            .into_iter()
            .map(KmsKeyRef::parse)
            .collect::<Result<_, _>>()
            .map_err(|error| ConfigError::Invalid {
                key: APPROVED_KMS_KEYS.to_owned(),
                reason: error.to_string(),
            })?;
        if settings.get(LOCAL_STORAGE_INSTANCE_TYPES).is_some() {
            config.local_storage_instance_types = settings
                .list(LOCAL_STORAGE_INSTANCE_TYPES)
                .into_iter()
                .map(InstanceTypePattern::parse)
                .collect::<Result<_, _>>()
                .map_err(|reason| ConfigError::Invalid {
                    key: LOCAL_STORAGE_INSTANCE_TYPES.to_owned(),
                    reason,
                })?;
        }
        config.guard_principal_arns = settings
            .list(GUARD_PRINCIPAL_ARNS)
            .into_iter()
            .map(|arn| match crate::arn::Arn::parse(arn) {
                Some(parsed) if matches!(parsed.service, "iam" | "sts") => Ok(arn.to_owned()),
                _ => Err(ConfigError::Invalid {
                    key: GUARD_PRINCIPAL_ARNS.to_owned(),
                    reason: format!("`{arn}` is not an IAM or STS principal ARN"),
                }),
            })
            .collect::<Result<_, _>>()?;
        config.delete_noncompliant_notebooks = settings.flag(DELETE_NONCOMPLIANT_NOTEBOOKS, false)?;
        config.approved_lifecycle_configs = settings
            .list(APPROVED_LIFECYCLE_CONFIGS)
            .into_iter()
            .map(|name| {
                lifecycle_config_name(name).map_err(|reason| ConfigError::Invalid {
                    key: APPROVED_LIFECYCLE_CONFIGS.to_owned(),
                    reason,
                })
            })
            .collect::<Result<_, _>>()?;
        config.sagemaker_roles = sagemaker_roles(settings)?;
        config.approved_output_locations = settings
            .list(APPROVED_OUTPUT_LOCATIONS)
            .into_iter()
            .map(S3Location::parse)
            .collect::<Result<_, _>>()
            .map_err(|reason| ConfigError::Invalid {
                key: APPROVED_OUTPUT_LOCATIONS.to_owned(),
                reason,
            })?;
        config.revoke_sessions_on_external_write = settings.flag(REVOKE_SESSIONS_ON_EXTERNAL_WRITE, false)?;
        config.integrity = crate::integrity::read(settings)?;
        Ok(config)
    }

    /// Whether `role_arn` (a session's issuer) is a SageMaker execution role.
    pub fn is_sagemaker_role(&self, role_arn: &str) -> bool {
        self.sagemaker_roles.iter().any(|pattern| pattern.matches(role_arn))
    }

    /// The mode of `rule`.
    pub fn mode(&self, rule: RuleId) -> ControlMode {
        self.controls
            .get(&rule)
            .copied()
            .unwrap_or(rule.definition().default_mode)
    }

    pub fn set_mode(&mut self, rule: RuleId, mode: ControlMode) {
        self.controls.insert(rule, mode);
    }

    /// A configuration under which every rule is evaluated (an approved-key list and an
    /// approved-lifecycle-configuration list set): what a rule's applies-to is derived with.
    pub fn every_rule_active() -> PolicyConfig {
        PolicyConfig {
            approved_kms_keys: KmsKeyRef::parse("alias/probe").into_iter().collect(),
            approved_lifecycle_configs: vec!["probe".to_owned()],
            approved_output_locations: S3Location::parse("s3://probe-bucket/probe/").into_iter().collect(),
            ..PolicyConfig::default()
        }
    }

    pub fn has_local_storage(&self, instance_type: &str) -> bool {
        self.local_storage_instance_types
            .iter()
            .any(|p| p.matches(instance_type))
    }
}

/// [`SAGEMAKER_ROLE_ARNS`]: IAM role ARNs, `*` allowed in the role part.
pub(crate) fn sagemaker_roles(settings: &Settings) -> Result<Vec<RolePattern>, ConfigError> {
    settings
        .list(SAGEMAKER_ROLE_ARNS)
        .into_iter()
        .map(RolePattern::parse)
        .collect::<Result<_, _>>()
        .map_err(|reason| ConfigError::Invalid {
            key: SAGEMAKER_ROLE_ARNS.to_owned(),
            reason,
        })
}

/// A comma-separated list of ARNs of `service` whose resource starts with `prefix` (and has
/// something after it), with a Region and an account: `what` names the kind in the error.
pub(crate) fn arn_list(
    settings: &Settings,
    key: &str,
    service: &str,
    prefix: &str,
    what: &str,
) -> Result<Vec<String>, ConfigError> {
    settings
        .list(key)
        .into_iter()
        .map(|item| match crate::arn::Arn::parse(item) {
            Some(arn)
                if arn.service == service
                    && !arn.region.is_empty()
                    && !arn.account.is_empty()
                    && arn.resource.len() > prefix.len()
                    && arn.resource.starts_with(prefix) =>
            {
                Ok(item.to_owned())
            }
            _ => Err(ConfigError::Invalid {
                key: key.to_owned(),
                reason: format!("`{item}` is not the ARN of {what}"),
            }),
        })
        .collect()
}

/// A notebook lifecycle configuration name as the API accepts it: up to 63 letters, digits and
/// inner hyphens (`^[a-zA-Z0-9](-*[a-zA-Z0-9])*$`). An ARN is refused: the notebook calls name
/// the configuration, never its ARN.
fn lifecycle_config_name(name: &str) -> Result<String, String> {
    let valid = name.len() <= 63
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && name.chars().last().is_some_and(|c| c.is_ascii_alphanumeric());
    if valid {
        Ok(name.to_owned())
    } else {
        Err(format!(
            "`{name}` is not a lifecycle configuration name (up to 63 letters, digits and inner hyphens)"
        ))
    }
}

/// Parses `rule=mode`.
pub fn parse_control(pair: &str) -> Result<(RuleId, ControlMode), String> {
    let (rule, mode) = pair
        .split_once('=')
        .ok_or_else(|| format!("`{pair}` is not `rule=mode`"))?;
    let rule = rule.trim().parse::<RuleId>().map_err(|error| {
        let known: Vec<&str> = RuleId::ALL.iter().map(|r| r.as_str()).collect();
        format!("{error} (known: {})", known.join(", "))
    })?;
    Ok((rule, mode.trim().parse()?))
}

/// The settings the fixtures in `events/` are evaluated with (`events/fixtures.env`), for the
/// crate's unit tests.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::{PolicyConfig, Settings};

    pub(crate) fn config() -> PolicyConfig {
        let settings = Settings::parse_env_file(include_str!("../../../events/fixtures.env"), "fixtures.env").unwrap();
        PolicyConfig::from_settings(&settings).unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> Settings {
        Settings::from_pairs(pairs.iter().copied())
    }

    #[test]
    fn defaults_follow_the_catalogue() {
        let config = PolicyConfig::from_settings(&Settings::default()).unwrap();
        assert_eq!(config.mode(RuleId::VpcRequired), ControlMode::Enforce);
        assert_eq!(config.mode(RuleId::IsolationRequired), ControlMode::Report);
        assert!(config.approved_kms_keys.is_empty());
        assert!(config.has_local_storage("ml.g5.xlarge"));
        assert!(!config.has_local_storage("ml.m5.xlarge"));
        assert!(
            config.has_local_storage("ml.c6gd.xlarge"),
            "Graviton local-NVMe families are built in"
        );
        assert!(!config.has_local_storage("ml.c6g.xlarge"));
        assert!(!config.delete_noncompliant_notebooks);
    }

    #[test]
    fn parses_every_policy_setting() {
        let config = PolicyConfig::from_settings(&settings(&[
            (
                CONTROLS,
                "network.isolation-required=enforce, notebook.root-access-disabled=off",
            ),
            (
                APPROVED_KMS_KEYS,
                "alias/ml, arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/abc",
            ),
            (LOCAL_STORAGE_INSTANCE_TYPES, "ml.p4d.24xlarge,ml.g5.*"),
            (GUARD_PRINCIPAL_ARNS, "arn:aws-us-gov:iam::111122223333:role/smguard"),
            (DELETE_NONCOMPLIANT_NOTEBOOKS, "TRUE"),
        ]))
        .unwrap();
        assert_eq!(config.mode(RuleId::IsolationRequired), ControlMode::Enforce);
        assert_eq!(config.mode(RuleId::RootAccessDisabled), ControlMode::Off);
        assert_eq!(config.mode(RuleId::VpcRequired), ControlMode::Enforce);
        assert_eq!(config.approved_kms_keys.len(), 2);
        assert!(config.has_local_storage("ml.p4d.24xlarge"));
        assert!(config.has_local_storage("ml.g5.2xlarge"));
        assert!(
            !config.has_local_storage("ml.g4dn.xlarge"),
            "the setting replaces the default list"
        );
        assert_eq!(config.guard_principal_arns.len(), 1);
        assert!(config.delete_noncompliant_notebooks);
    }

    #[test]
    fn parses_the_data_settings() {
        let config = PolicyConfig::from_settings(&settings(&[
            (
                SAGEMAKER_ROLE_ARNS,
                "arn:aws-us-gov:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-*, arn:aws-us-gov:iam::111122223333:role/ml-training",
            ),
            (APPROVED_OUTPUT_LOCATIONS, "s3://model-out/approved/, s3://model-registry"),
            (REVOKE_SESSIONS_ON_EXTERNAL_WRITE, "true"),
        ]))
        .unwrap();
        assert!(config.is_sagemaker_role(
            "arn:aws-us-gov:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-20261101T090000"
        ));
        assert!(config.is_sagemaker_role("arn:aws-us-gov:iam::111122223333:role/ml-training"));
        assert!(!config.is_sagemaker_role("arn:aws-us-gov:iam::111122223333:role/ml-training-2"));
        assert_eq!(config.approved_output_locations.len(), 2);
        assert!(config.revoke_sessions_on_external_write);
    }

    #[test]
    fn errors_name_the_setting_and_the_bad_value() {
        let cases = [
            (
                CONTROLS,
                "network.vpc=enforce",
                "invalid `SMGUARD_CONTROLS`: unknown rule `network.vpc`",
            ),
            (
                CONTROLS,
                "network.vpc-required",
                "`network.vpc-required` is not `rule=mode`",
            ),
            (CONTROLS, "network.vpc-required=block", "unknown mode `block`"),
            (
                APPROVED_KMS_KEYS,
                "alias/",
                "invalid `SMGUARD_APPROVED_KMS_KEYS`: `alias/` is not a KMS key",
            ),
            (
                LOCAL_STORAGE_INSTANCE_TYPES,
                "ml.*.xlarge",
                "`ml.*.xlarge` is not an instance type",
            ),
            (
                GUARD_PRINCIPAL_ARNS,
                "smguard-role",
                "`smguard-role` is not an IAM or STS principal ARN",
            ),
            (
                DELETE_NONCOMPLIANT_NOTEBOOKS,
                "maybe",
                "`maybe` is not `true` or `false`",
            ),
            (
                SAGEMAKER_ROLE_ARNS,
                "arn:aws-us-gov:iam::*:role/ml",
                "invalid `SMGUARD_SAGEMAKER_ROLE_ARNS`: `arn:aws-us-gov:iam::*:role/ml`: `*` is allowed only in the role part",
            ),
            (
                APPROVED_OUTPUT_LOCATIONS,
                "s3://model-out/prefix",
                "invalid `SMGUARD_APPROVED_OUTPUT_LOCATIONS`: `s3://model-out/prefix`: a prefix must end with `/`",
            ),
            (
                REVOKE_SESSIONS_ON_EXTERNAL_WRITE,
                "sometimes",
                "`sometimes` is not `true` or `false`",
            ),
        ];
        for (key, value, expected) in cases {
            let error = PolicyConfig::from_settings(&settings(&[(key, value)])).unwrap_err();
            assert!(
                error.to_string().contains(expected),
                "{error} does not contain {expected}"
            );
        }
    }

    #[test]
    fn rejects_misspelt_keys_but_ignores_other_programs_variables() {
        let s = settings(&[("SMGUARD_APPROVED_KMS_KEY", "alias/x"), ("PATH", "/bin")]);
        let error = s.reject_unknown(POLICY_KEYS).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("unknown setting `SMGUARD_APPROVED_KMS_KEY`")
        );
        assert!(settings(&[("HOME", "/root")]).reject_unknown(POLICY_KEYS).is_ok());
    }

    #[test]
    fn reads_env_files() {
        let s = Settings::parse_env_file(
            "# comment\n\nexport SMGUARD_APPROVED_KMS_KEYS=\"alias/a,alias/b\"\nSMGUARD_CONTROLS='network.isolation-required=off'\n",
            "x.env",
        )
        .unwrap();
        assert_eq!(s.list(APPROVED_KMS_KEYS), vec!["alias/a", "alias/b"]);
        assert_eq!(s.get(CONTROLS), Some("network.isolation-required=off"));
        let error = Settings::parse_env_file("SMGUARD_CONTROLS\n", "x.env").unwrap_err();
        assert_eq!(error.to_string(), "line 1 of `x.env` is not `KEY=value`");
    }

    #[test]
    fn an_env_file_saved_with_a_bom_and_crlf_reads_the_same_and_a_key_set_twice_is_refused() {
        // Saved by a Windows editor: a byte-order mark and CRLF line ends.
        let s = Settings::parse_env_file(
            "\u{feff}SMGUARD_APPROVED_KMS_KEYS=alias/a\r\nSMGUARD_MODE=enforce\r\n",
            "w.env",
        )
        .unwrap();
        assert_eq!(
            s.list(APPROVED_KMS_KEYS),
            vec!["alias/a"],
            "the first setting is not lost"
        );
        assert_eq!(s.get(MODE), Some("enforce"), "no carriage return in the value");
        let error = Settings::parse_env_file(
            "SMGUARD_CONTROLS=network.vpc-required=off\n# later\nSMGUARD_CONTROLS=network.vpc-required=enforce\n",
            "d.env",
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "`SMGUARD_CONTROLS` is set twice in `d.env` (lines 1 and 3): which one applies would be a guess"
        );
    }

    #[test]
    fn blank_values_are_unset() {
        let s = settings(&[(APPROVED_KMS_KEYS, "  "), (DELETE_NONCOMPLIANT_NOTEBOOKS, "")]);
        let config = PolicyConfig::from_settings(&s).unwrap();
        assert!(config.approved_kms_keys.is_empty());
        assert!(!config.delete_noncompliant_notebooks);
    }
}
