//! Encryption rules: customer managed KMS keys on every storage and output path.

use super::{Check, ControlMode, RuleDefinition, RuleId, Severity, Target};
use crate::config::PolicyConfig;
use crate::kms::KmsKeyRef;
use crate::model::{KeyPurpose, KeySetting, Observed, Resource};

pub(super) static VOLUME_KEY_REQUIRED: RuleDefinition = RuleDefinition {
    id: RuleId::VolumeKeyRequired,
    severity: Severity::High,
    default_mode: ControlMode::Enforce,
    fails_when: "a storage/volume KMS key field is absent or names an AWS managed key (where the API refuses a \
                 key on local NVMe instance storage, such instance types are exempt; a notebook never is)",
    remediation: "set the volume KMS key field to an approved customer managed key",
    check: Target::Resource(volume_key_required),
};

fn volume_key_required(resource: &Resource, config: &PolicyConfig, checks: &mut Vec<Check>) {
    checks.extend(keys_of(resource, KeyPurpose::Volume).map(|key| {
        let unset = matches!(key.key, Observed::Defaulted(None) | Observed::Explicit(None));
        // AWS rejects a volume key when any instance has local NVMe storage: the instance
        // store is encrypted by the instance's hardware module instead.
        if unset && key.instance_types.iter().any(|t| config.has_local_storage(t)) {
            return Check::Pass;
        }
        require_customer_key(
            key,
            "SageMaker encrypts the volume with an AWS managed or transient key",
        )
    }));
}

pub(super) static OUTPUT_KEY_REQUIRED: RuleDefinition = RuleDefinition {
    id: RuleId::OutputKeyRequired,
    severity: Severity::High,
    default_mode: ControlMode::Enforce,
    fails_when: "an output, data-capture or sharing KMS key field is absent or names an AWS managed key",
    remediation: "set the output KMS key field to an approved customer managed key",
    check: Target::Resource(output_key_required),
};

fn output_key_required(resource: &Resource, _: &PolicyConfig, checks: &mut Vec<Check>) {
    checks.extend(
        keys_of(resource, KeyPurpose::Output)
            .map(|key| require_customer_key(key, "S3 encrypts what it writes with an AWS managed key")),
    );
}

fn keys_of(resource: &Resource, purpose: KeyPurpose) -> impl Iterator<Item = &KeySetting> {
    resource.keys.iter().filter(move |key| key.purpose == purpose)
}

fn require_customer_key(key: &KeySetting, when_absent: &str) -> Check {
    let field = key.field.clone();
    match &key.key {
        Observed::Unknown => Check::Undetermined { field },
        Observed::Defaulted(None) | Observed::Explicit(None) => Check::Fail {
            reason: format!("`{field}` is absent, so {when_absent}, not a customer managed key"),
            field,
        },
        Observed::Defaulted(Some(text)) | Observed::Explicit(Some(text)) if KmsKeyRef::names_aws_managed_key(text) => {
            Check::Fail {
                reason: format!("`{field}` names the AWS managed key `{text}`, not a customer managed key"),
                field,
            }
        }
        Observed::Defaulted(Some(_)) | Observed::Explicit(Some(_)) => Check::Pass,
    }
}

pub(super) static APPROVED_KEY: RuleDefinition = RuleDefinition {
    id: RuleId::ApprovedKey,
    severity: Severity::High,
    default_mode: ControlMode::Enforce,
    fails_when: "a KMS key is present but not on the approved list (only when a list is configured; \
                 key ID, key ARN, alias name and alias ARN forms are matched)",
    remediation: "use a key from the approved list, or have security add this key (in the form used) to \
                  `SMGUARD_APPROVED_KMS_KEYS`",
    check: Target::Resource(approved_key),
};

fn approved_key(resource: &Resource, config: &PolicyConfig, checks: &mut Vec<Check>) {
    if config.approved_kms_keys.is_empty() {
        return;
    }
    checks.extend(resource.keys.iter().filter_map(|key| {
        let field = key.field.clone();
        let text = match &key.key {
            Observed::Unknown => return Some(Check::Undetermined { field }),
            Observed::Defaulted(None) | Observed::Explicit(None) => return None,
            Observed::Defaulted(Some(text)) | Observed::Explicit(Some(text)) => text,
        };
        let approved = config
            .approved_kms_keys
            .iter()
            .any(|entry| entry.approves(text, &resource.location));
        Some(if approved {
            Check::Pass
        } else {
            Check::Fail {
                reason: format!("`{field}` uses `{text}`, which is not on the approved key list"),
                field,
            }
        })
    }));
}
