//! Access rules: no remote shell into SageMaker compute.

use super::{Check, ControlMode, RuleDefinition, RuleId, Severity, Target, stated};
use crate::config::PolicyConfig;
use crate::model::{Observed, Resource};

pub(super) static NO_REMOTE_DEBUG: RuleDefinition = RuleDefinition {
    id: RuleId::NoRemoteDebug,
    severity: Severity::High,
    default_mode: ControlMode::Enforce,
    fails_when: "training `RemoteDebugConfig.EnableRemoteDebug` is true, an endpoint variant's `EnableSSMAccess` \
                 is true, or a Studio space's `SpaceSettings.RemoteAccess` is `ENABLED`",
    remediation: "turn remote debugging / SSM access / remote access off: each opens a Systems Manager shell with \
                  the resource's role, outside the VPC's controls",
    check: Target::Resource(no_remote_debug),
};

fn no_remote_debug(resource: &Resource, _: &PolicyConfig, checks: &mut Vec<Check>) {
    checks.extend(resource.remote_access.iter().map(|setting| match setting.value {
        Observed::Unknown => Check::Undetermined {
            field: setting.field.clone(),
        },
        Observed::Explicit(false) | Observed::Defaulted(false) => Check::Pass,
        Observed::Explicit(true) | Observed::Defaulted(true) => Check::Fail {
            field: setting.field.clone(),
            reason: stated(
                &setting.field,
                &setting.value,
                "a Systems Manager session can open a shell on the compute with its role",
            ),
        },
    }));
}
