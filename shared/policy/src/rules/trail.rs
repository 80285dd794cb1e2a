//! The trail guard's rules: the trails smguard depends on keep logging, keep recording what
//! smguard reads and keep their destination; smguard's own rules, functions, topic and key stay
//! as deployed. Each judges what the call (or the description) says, never that a field was
//! present: the console re-sends every field of a trail on each edit.

use super::{Check, ControlMode, RuleDefinition, RuleId, Severity, Target};
use crate::config::PolicyConfig;
use crate::integrity::{GuardPart, PartState, TrailKey, recording_gaps};
use crate::selfcheck::TrailSelectors;

pub(crate) static LOGGING_REQUIRED: RuleDefinition = RuleDefinition {
    id: RuleId::TrailLoggingRequired,
    severity: Severity::Critical,
    default_mode: ControlMode::Enforce,
    fails_when: "a protected trail stops logging",
    remediation: "start logging on the trail (`StartLogging`); find out who stopped it and why",
    check: Target::GuardChange(logging_required),
};

pub(crate) static RECORDING_REQUIRED: RuleDefinition = RuleDefinition {
    id: RuleId::TrailRecordingRequired,
    severity: Severity::Critical,
    default_mode: ControlMode::Enforce,
    fails_when: "a protected trail is deleted, becomes single-Region, or no longer records management write events \
                 or S3 object write data events on every bucket",
    remediation: "restore the trail's required event selectors and multi-Region setting; a deleted trail must be \
                  recreated from the stack that owns it",
    check: Target::GuardChange(recording_required),
};

pub(crate) static DESTINATION_UNCHANGED: RuleDefinition = RuleDefinition {
    id: RuleId::TrailDestinationUnchanged,
    severity: Severity::High,
    default_mode: ControlMode::Enforce,
    fails_when: "a protected trail delivers to another bucket, encrypts with another key or none, or stops \
                 validating its log files",
    remediation: "set the trail's bucket and KMS key back to the expected ones and turn log-file validation on",
    check: Target::GuardChange(destination_unchanged),
};

pub(crate) static GUARD_INTEGRITY: RuleDefinition = RuleDefinition {
    id: RuleId::GuardIntegrity,
    severity: Severity::Critical,
    default_mode: ControlMode::Enforce,
    fails_when: "one of smguard's rules, functions, alert topics or keys is disabled, deleted, throttled to zero \
                 or changed by anyone but the deployment pipeline",
    remediation: "redeploy smguard's stack to restore the part, and find out who changed it",
    check: Target::GuardChange(guard_integrity),
};

fn fail(field: &'static str, reason: String) -> Check {
    Check::Fail {
        field: field.into(),
        reason,
    }
}

fn logging_required(part: &GuardPart, _config: &PolicyConfig, checks: &mut Vec<Check>) {
    let PartState::Trail(trail) = &part.state else {
        return;
    };
    match trail.logging {
        None => {}
        Some(true) => checks.push(Check::Pass),
        Some(false) => checks.push(fail(
            "IsLogging",
            format!(
                "trail `{}` is not logging: EventBridge receives no API call, and every smguard guard is blind",
                part.name()
            ),
        )),
    }
}

fn recording_required(part: &GuardPart, config: &PolicyConfig, checks: &mut Vec<Check>) {
    let PartState::Trail(trail) = &part.state else {
        return;
    };
    if trail.exists == Some(false) {
        let stack = match &config.integrity.trails_stack {
            Some(stack) => format!("recreate it from stack `{stack}`"),
            None => "recreate it from whatever created it (`SMGUARD_PROTECTED_TRAILS_STACK` is not set)".to_owned(),
        };
        checks.push(fail(
            "Trail",
            format!(
                "trail `{}` was deleted: it cannot be recreated faithfully from the event; {stack}",
                part.name()
            ),
        ));
    }
    match trail.multi_region {
        None => {}
        Some(true) => checks.push(Check::Pass),
        Some(false) => checks.push(fail(
            "IsMultiRegionTrail",
            format!(
                "`IsMultiRegionTrail` is `false`: trail `{}` no longer records calls in other Regions",
                part.name()
            ),
        )),
    }
    if let Some(selectors) = &trail.selectors {
        let field = match selectors {
            TrailSelectors::Basic(_) => "EventSelectors",
            TrailSelectors::Advanced(_) => "AdvancedEventSelectors",
        };
        let gaps = recording_gaps(selectors, config.integrity.required, &config.sagemaker_roles);
        if gaps.is_empty() {
            checks.push(Check::Pass);
        } else {
            checks.push(fail(
                field,
                format!("the new `{field}` of trail `{}`: {}", part.name(), gaps.join("; ")),
            ));
        }
    }
}

fn destination_unchanged(part: &GuardPart, config: &PolicyConfig, checks: &mut Vec<Check>) {
    let PartState::Trail(trail) = &part.state else {
        return;
    };
    if let (Some(bucket), Some(expected)) = (&trail.bucket, &config.integrity.log_bucket) {
        checks.push(if bucket == expected {
            Check::Pass
        } else {
            fail(
                "S3BucketName",
                format!(
                    "`S3BucketName` is `{bucket}`, not `{expected}`: log files go where smguard's owners do not look"
                ),
            )
        });
    }
    if let (Some(key), Some(expected)) = (&trail.kms_key, &config.integrity.kms_key) {
        checks.push(match key {
            TrailKey::Removed => fail(
                "KmsKeyId",
                format!("`KmsKeyId` was removed: log files are no longer encrypted with `{expected}`"),
            ),
            TrailKey::Key(key) => {
                let expected_id = expected.rsplit_once(":key/").map(|(_, id)| id);
                if key == expected || Some(key.as_str()) == expected_id {
                    Check::Pass
                } else if key.starts_with("alias/") || key.contains(":alias/") {
                    // An alias names a key only through the account's alias table.
                    Check::Undetermined {
                        field: "KmsKeyId".into(),
                    }
                } else {
                    fail("KmsKeyId", format!("`KmsKeyId` is `{key}`, not `{expected}`"))
                }
            }
        });
    }
    match trail.log_file_validation {
        None => {}
        Some(true) => checks.push(Check::Pass),
        Some(false) => checks.push(fail(
            "LogFileValidationEnabled",
            format!(
                "log-file validation of trail `{}` was turned off: tampering with delivered log files goes unproven",
                part.name()
            ),
        )),
    }
}

fn guard_integrity(part: &GuardPart, _config: &PolicyConfig, checks: &mut Vec<Check>) {
    let name = part.name();
    match &part.state {
        PartState::Trail(_) => {}
        PartState::Rule(rule) => {
            if rule.exists == Some(false) {
                checks.push(fail(
                    "Rule",
                    format!("smguard's rule `{name}` does not exist (deleted): no event reaches its function"),
                ));
            }
            match rule.enabled {
                None => {}
                Some(true) => checks.push(Check::Pass),
                Some(false) => checks.push(fail(
                    "State",
                    format!("smguard's rule `{name}` is disabled: no event reaches its function"),
                )),
            }
            if !rule.targets_removed.is_empty() {
                checks.push(fail(
                    "Targets",
                    format!(
                        "targets {} were removed from smguard's rule `{name}`",
                        rule.targets_removed.join(", ")
                    ),
                ));
            }
            if rule.replaced {
                checks.push(fail(
                    "EventPattern",
                    format!("smguard's rule `{name}` was replaced (`PutRule`): its pattern may no longer match"),
                ));
            }
            if rule.targets_guard == Some(false) {
                checks.push(fail(
                    "Targets",
                    format!("smguard's rule `{name}` targets none of smguard's functions"),
                ));
            }
        }
        PartState::Function(function) => {
            if function.exists == Some(false) {
                checks.push(fail(
                    "Function",
                    format!("smguard's function `{name}` does not exist (deleted): its events go unjudged"),
                ));
            }
            match function.reserved_concurrency {
                None => {}
                Some(0) => checks.push(fail(
                    "ReservedConcurrentExecutions",
                    format!("smguard's function `{name}` has reserved concurrency 0: every invocation is throttled"),
                )),
                Some(_) => checks.push(Check::Pass),
            }
            if let Some(what) = function.replaced {
                checks.push(fail(
                    "Function",
                    format!(
                        "the {what} of smguard's function `{name}` was changed outside the deployment pipeline (its \
                         mode and controls may be off)"
                    ),
                ));
            }
            if function.exists == Some(true) && function.reserved_concurrency.is_none() && function.replaced.is_none() {
                checks.push(Check::Pass);
            }
        }
        PartState::Topic(topic) => {
            if topic.exists == Some(false) {
                checks.push(fail(
                    "Topic",
                    format!("smguard's alert topic `{name}` does not exist (deleted): alerts reach no one"),
                ));
            }
            if let Some(subscription) = &topic.unsubscribed {
                checks.push(fail(
                    "Subscriptions",
                    format!("subscription `{subscription}` was removed from smguard's alert topic"),
                ));
            }
            if let Some(attribute) = &topic.attribute_set {
                checks.push(fail(
                    "Attributes",
                    format!("attribute `{attribute}` of smguard's alert topic `{name}` was changed"),
                ));
            }
            match topic.confirmed_subscriptions {
                None => {}
                Some(0) => checks.push(fail(
                    "Subscriptions",
                    format!("smguard's alert topic `{name}` has no confirmed subscription: alerts reach no one"),
                )),
                Some(_) => checks.push(Check::Pass),
            }
        }
        PartState::Key(key) => {
            match key.enabled {
                None => {}
                Some(true) => checks.push(Check::Pass),
                Some(false) => checks.push(fail(
                    "KeyState",
                    format!("smguard's key `{name}` is disabled: what it encrypts cannot be read or written"),
                )),
            }
            match key.deletion_scheduled {
                None => {}
                Some(false) => checks.push(Check::Pass),
                Some(true) => checks.push(fail(
                    "KeyState",
                    format!("smguard's key `{name}` is scheduled for deletion"),
                )),
            }
        }
    }
}
