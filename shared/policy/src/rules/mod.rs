//! The rule catalogue and its evaluation.
//!
//! A rule is a pure function from a [`Resource`] and the [`PolicyConfig`] to [`Check`]s, one per
//! field it looked at. [`evaluate`] runs every rule that is not `off` and sorts the checks into
//! findings, undetermined fields and passed rules. Nothing here performs I/O, reads the clock or
//! the environment: real-time handlers and the audit sweep feed it the same way.

mod access;
mod data;
mod encryption;
mod network;
mod notebook;
mod trail;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::config::PolicyConfig;
use crate::integrity::GuardPart;
use crate::model::{FieldName, Observed, Resource, ResourceKind, Setting};
use crate::s3::S3Write;

/// Stable identifiers of the rules; they appear in alerts, SNS attributes and configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RuleId {
    VpcRequired,
    NoDirectInternet,
    IsolationRequired,
    InterContainerEncryption,
    VolumeKeyRequired,
    OutputKeyRequired,
    ApprovedKey,
    RootAccessDisabled,
    Imdsv2Required,
    LifecycleConfigApproved,
    NoRemoteDebug,
    UploadLocationApproved,
    OutputLocationApproved,
    TrailLoggingRequired,
    TrailRecordingRequired,
    TrailDestinationUnchanged,
    GuardIntegrity,
}

impl RuleId {
    pub const ALL: [RuleId; 17] = [
        RuleId::VpcRequired,
        RuleId::NoDirectInternet,
        RuleId::IsolationRequired,
        RuleId::InterContainerEncryption,
        RuleId::VolumeKeyRequired,
        RuleId::OutputKeyRequired,
        RuleId::ApprovedKey,
        RuleId::RootAccessDisabled,
        RuleId::Imdsv2Required,
        RuleId::LifecycleConfigApproved,
        RuleId::NoRemoteDebug,
        RuleId::UploadLocationApproved,
        RuleId::OutputLocationApproved,
        RuleId::TrailLoggingRequired,
        RuleId::TrailRecordingRequired,
        RuleId::TrailDestinationUnchanged,
        RuleId::GuardIntegrity,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RuleId::VpcRequired => "network.vpc-required",
            RuleId::NoDirectInternet => "network.no-direct-internet",
            RuleId::IsolationRequired => "network.isolation-required",
            RuleId::InterContainerEncryption => "network.inter-container-encryption",
            RuleId::VolumeKeyRequired => "encryption.volume-key-required",
            RuleId::OutputKeyRequired => "encryption.output-key-required",
            RuleId::ApprovedKey => "encryption.approved-key",
            RuleId::RootAccessDisabled => "notebook.root-access-disabled",
            RuleId::Imdsv2Required => "notebook.imdsv2-required",
            RuleId::LifecycleConfigApproved => "notebook.lifecycle-config-approved",
            RuleId::NoRemoteDebug => "access.no-remote-debug",
            RuleId::UploadLocationApproved => "data.upload-location-approved",
            RuleId::OutputLocationApproved => "data.output-location-approved",
            RuleId::TrailLoggingRequired => "trail.logging-required",
            RuleId::TrailRecordingRequired => "trail.recording-required",
            RuleId::TrailDestinationUnchanged => "trail.destination-unchanged",
            RuleId::GuardIntegrity => "guard.integrity",
        }
    }

    /// The rule's entry in the catalogue.
    pub fn definition(self) -> &'static RuleDefinition {
        match self {
            RuleId::VpcRequired => &network::VPC_REQUIRED,
            RuleId::NoDirectInternet => &network::NO_DIRECT_INTERNET,
            RuleId::IsolationRequired => &network::ISOLATION_REQUIRED,
            RuleId::InterContainerEncryption => &network::INTER_CONTAINER_ENCRYPTION,
            RuleId::VolumeKeyRequired => &encryption::VOLUME_KEY_REQUIRED,
            RuleId::OutputKeyRequired => &encryption::OUTPUT_KEY_REQUIRED,
            RuleId::ApprovedKey => &encryption::APPROVED_KEY,
            RuleId::RootAccessDisabled => &notebook::ROOT_ACCESS_DISABLED,
            RuleId::Imdsv2Required => &notebook::IMDSV2_REQUIRED,
            RuleId::LifecycleConfigApproved => &notebook::LIFECYCLE_CONFIG_APPROVED,
            RuleId::NoRemoteDebug => &access::NO_REMOTE_DEBUG,
            RuleId::UploadLocationApproved => &data::UPLOAD_LOCATION_APPROVED,
            RuleId::OutputLocationApproved => &data::OUTPUT_LOCATION_APPROVED,
            RuleId::TrailLoggingRequired => &trail::LOGGING_REQUIRED,
            RuleId::TrailRecordingRequired => &trail::RECORDING_REQUIRED,
            RuleId::TrailDestinationUnchanged => &trail::DESTINATION_UNCHANGED,
            RuleId::GuardIntegrity => &trail::GUARD_INTEGRITY,
        }
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown rule identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown rule `{0}`")]
pub struct UnknownRuleError(pub String);

impl FromStr for RuleId {
    type Err = UnknownRuleError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        RuleId::ALL
            .into_iter()
            .find(|rule| rule.as_str() == text)
            .ok_or_else(|| UnknownRuleError(text.to_owned()))
    }
}

impl Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for RuleId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Medium,
    High,
    /// Evidence smguard cannot contain or keep (data in another account's bucket).
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// How a rule is applied: `enforce` (findings call for containment), `report` (alert only)
/// or `off` (not evaluated).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlMode {
    Enforce,
    Report,
    Off,
}

impl ControlMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ControlMode::Enforce => "enforce",
            ControlMode::Report => "report",
            ControlMode::Off => "off",
        }
    }
}

impl FromStr for ControlMode {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "enforce" => Ok(ControlMode::Enforce),
            "report" => Ok(ControlMode::Report),
            "off" => Ok(ControlMode::Off),
            other => Err(format!(
                "unknown mode `{other}` (expected `enforce`, `report` or `off`)"
            )),
        }
    }
}

/// The outcome of a rule for one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    Pass,
    Fail {
        field: FieldName,
        reason: String,
    },
    /// The source does not carry the field: no conclusion without describing the resource.
    Undetermined {
        field: FieldName,
    },
}

/// A rule of the catalogue.
pub struct RuleDefinition {
    pub id: RuleId,
    pub severity: Severity,
    pub default_mode: ControlMode,
    /// When the rule fails, in a line.
    pub fails_when: &'static str,
    /// What the owner of the resource must change.
    pub remediation: &'static str,
    /// Pushes one check per field it looks at.
    check: Target,
}

/// What a rule judges, and its check: pushes one check per field it looks at.
#[derive(Clone, Copy)]
pub(crate) enum Target {
    /// A SageMaker resource, from a call, a state change or a `Describe*` answer.
    Resource(fn(&Resource, &PolicyConfig, &mut Vec<Check>)),
    /// An S3 object write, from a data event.
    ObjectWrite(fn(&S3Write, &PolicyConfig, &mut Vec<Check>)),
    /// A protected trail or one of smguard's parts, from a call or a description.
    GuardChange(fn(&GuardPart, &PolicyConfig, &mut Vec<Check>)),
}

/// What the rules are evaluated on.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Subject<'a> {
    Resource(&'a Resource),
    ObjectWrite(&'a S3Write),
    Part(&'a GuardPart),
}

impl Target {
    fn run(self, subject: Subject<'_>, config: &PolicyConfig, checks: &mut Vec<Check>) {
        match (self, subject) {
            (Target::Resource(check), Subject::Resource(resource)) => check(resource, config, checks),
            (Target::ObjectWrite(check), Subject::ObjectWrite(write)) => check(write, config, checks),
            (Target::GuardChange(check), Subject::Part(part)) => check(part, config, checks),
            // A rule over another target has nothing to look at.
            (Target::Resource(_), Subject::ObjectWrite(_) | Subject::Part(_))
            | (Target::ObjectWrite(_), Subject::Resource(_) | Subject::Part(_))
            | (Target::GuardChange(_), Subject::Resource(_) | Subject::ObjectWrite(_)) => {}
        }
    }
}

impl fmt::Debug for RuleDefinition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RuleDefinition")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl RuleDefinition {
    /// The kinds whose API has a field the rule checks, derived from the kind table: the kinds
    /// one of whose readers, reading nothing with every field unknown, yields a field the rule
    /// looks at (under a configuration that makes every rule active).
    pub fn applies_to(&self) -> Vec<ResourceKind> {
        if !matches!(self.check, Target::Resource(_)) {
            return Vec::new();
        }
        let config = PolicyConfig::every_rule_active();
        crate::kind::entries()
            .filter(|entry| {
                let readers = entry
                    .calls
                    .iter()
                    .map(|c| c.read)
                    .chain(entry.describe.iter().map(|d| d.read));
                readers.into_iter().any(|read| {
                    let origin = crate::model::Origin {
                        source: crate::model::SourceKind::Describe,
                        name: "probe".to_owned(),
                        event_id: None,
                        time: None,
                        modified: None,
                    };
                    read(
                        crate::event::spec::Input::Probe,
                        crate::event::spec::Absent::Unknown,
                        crate::model::Scope::Whole,
                        origin,
                    )
                    .is_ok_and(|resource| !self.check(&resource, &config).is_empty())
                })
            })
            .map(|entry| entry.kind)
            .collect()
    }

    /// Whether the rule judges S3 object writes.
    pub fn judges_writes(&self) -> bool {
        matches!(self.check, Target::ObjectWrite(_))
    }

    /// Whether the rule judges protected trails and smguard's own parts.
    pub fn judges_parts(&self) -> bool {
        matches!(self.check, Target::GuardChange(_))
    }

    /// Runs the rule on one resource.
    pub fn check(&self, resource: &Resource, config: &PolicyConfig) -> Vec<Check> {
        let mut checks = Vec::new();
        self.check.run(Subject::Resource(resource), config, &mut checks);
        checks
    }
}

/// A failed rule on one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: RuleId,
    pub severity: Severity,
    /// `enforce` or `report` (rules that are `off` produce no findings).
    pub mode: ControlMode,
    /// The API field at fault (`ResourceConfig.VolumeKmsKeyId`).
    pub field: FieldName,
    /// One line naming the field and what is wrong with it.
    pub reason: String,
    pub remediation: &'static str,
}

/// A rule that could not be decided on one field because the source does not carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Undetermined {
    pub rule: RuleId,
    pub field: FieldName,
}

/// The result of every active rule on one resource.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    pub findings: Vec<Finding>,
    pub undetermined: Vec<Undetermined>,
    /// Rules that checked at least one field and found every one compliant.
    pub passed: Vec<RuleId>,
}

impl Evaluation {
    /// Whether any finding calls for containment.
    pub fn has_enforced_findings(&self) -> bool {
        self.findings.iter().any(|f| f.mode == ControlMode::Enforce)
    }

    /// The distinct rules that failed, in catalogue order.
    pub fn failed_rules(&self) -> Vec<RuleId> {
        let mut rules: Vec<RuleId> = self.findings.iter().map(|f| f.rule).collect();
        rules.sort();
        rules.dedup();
        rules
    }
}

/// The catalogue, in a stable order.
pub fn catalogue() -> impl Iterator<Item = &'static RuleDefinition> {
    RuleId::ALL.into_iter().map(RuleId::definition)
}

/// Runs every rule that is not `off` on `resource`.
pub fn evaluate(resource: &Resource, config: &PolicyConfig) -> Evaluation {
    evaluate_subject(Subject::Resource(resource), config)
}

/// Runs every rule that is not `off` on an S3 object write. A write outside the approved
/// locations into another account's bucket (or one whose owner is unknown) is critical: there is
/// nothing smguard may quarantine, so the data has left.
pub fn evaluate_write(write: &S3Write, config: &PolicyConfig) -> Evaluation {
    let mut evaluation = evaluate_subject(Subject::ObjectWrite(write), config);
    if !write.bucket_is_own() {
        for finding in &mut evaluation.findings {
            finding.severity = Severity::Critical;
        }
    }
    evaluation
}

/// Runs every rule that is not `off` on a protected trail or one of smguard's parts.
pub fn evaluate_part(part: &GuardPart, config: &PolicyConfig) -> Evaluation {
    evaluate_subject(Subject::Part(part), config)
}

fn evaluate_subject(subject: Subject<'_>, config: &PolicyConfig) -> Evaluation {
    let mut evaluation = Evaluation::default();
    let mut checks = Vec::new();
    for rule in catalogue() {
        let mode = config.mode(rule.id);
        if mode == ControlMode::Off {
            continue;
        }
        rule.check.run(subject, config, &mut checks);
        let mut decided = false;
        let mut all_passed = true;
        for check in checks.drain(..) {
            match check {
                Check::Pass => decided = true,
                Check::Fail { field, reason } => {
                    decided = true;
                    all_passed = false;
                    evaluation.findings.push(Finding {
                        rule: rule.id,
                        severity: rule.severity,
                        mode,
                        field,
                        reason,
                        remediation: rule.remediation,
                    });
                }
                Check::Undetermined { field } => {
                    all_passed = false;
                    evaluation.undetermined.push(Undetermined { rule: rule.id, field });
                }
            }
        }
        if decided && all_passed {
            evaluation.passed.push(rule.id);
        }
    }
    evaluation
}

/// "`Field` is `value`" or "`Field` is absent, so AWS defaults to `value`", then `: consequence`:
/// most reasons name the field and say where the value came from.
fn stated<T: fmt::Display>(field: &str, value: &Observed<T>, consequence: &str) -> String {
    match value {
        Observed::Explicit(value) => format!("`{field}` is `{value}`: {consequence}"),
        Observed::Defaulted(value) => format!("`{field}` is absent, so AWS defaults to `{value}`: {consequence}"),
        Observed::Unknown => format!("`{field}` is unknown: {consequence}"),
    }
}

/// The shared shape of rules over a boolean that must be `true`.
fn require_true(settings: &[Setting<bool>], consequence: &str, checks: &mut Vec<Check>) {
    checks.extend(settings.iter().map(|setting| match setting.value {
        Observed::Unknown => Check::Undetermined {
            field: setting.field.clone(),
        },
        Observed::Explicit(true) | Observed::Defaulted(true) => Check::Pass,
        Observed::Explicit(false) | Observed::Defaulted(false) => Check::Fail {
            field: setting.field.clone(),
            reason: stated(&setting.field, &setting.value, consequence),
        },
    }));
}

/// The shared shape of rules over an enumerated string that must equal `required`.
fn require_value(setting: Option<&Setting<String>>, required: &str, consequence: &str, checks: &mut Vec<Check>) {
    let Some(setting) = setting else {
        return;
    };
    checks.push(match setting.value.value() {
        None => Check::Undetermined {
            field: setting.field.clone(),
        },
        Some(value) if value == required => Check::Pass,
        Some(_) => Check::Fail {
            field: setting.field.clone(),
            reason: stated(&setting.field, &setting.value, consequence),
        },
    });
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
