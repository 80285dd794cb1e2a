//! Notebook-instance hardening rules.

use super::{Check, ControlMode, RuleDefinition, RuleId, Severity, require_value};
use crate::config::PolicyConfig;
use crate::model::{Resource, ResourceKind as K};

pub(super) static ROOT_ACCESS_DISABLED: RuleDefinition = RuleDefinition {
    id: RuleId::RootAccessDisabled,
    severity: Severity::Medium,
    default_mode: ControlMode::Report,
    fails_when: "notebook `RootAccess` is not `Disabled`",
    remediation: "set `RootAccess=Disabled` (UpdateNotebookInstance on the stopped notebook)",
    applies_to: &[K::NotebookInstance],
    check: root_access_disabled,
};

fn root_access_disabled(resource: &Resource, _: &PolicyConfig, checks: &mut Vec<Check>) {
    require_value(
        resource.root_access.as_ref(),
        "Disabled",
        "notebook users can become root and change the instance",
        checks,
    );
}

pub(super) static IMDSV2_REQUIRED: RuleDefinition = RuleDefinition {
    id: RuleId::Imdsv2Required,
    severity: Severity::Medium,
    default_mode: ControlMode::Report,
    fails_when: "notebook minimum IMDS version is not `2`",
    remediation: "set `InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion=2`",
    applies_to: &[K::NotebookInstance],
    check: imdsv2_required,
};

fn imdsv2_required(resource: &Resource, _: &PolicyConfig, checks: &mut Vec<Check>) {
    require_value(
        resource.minimum_imds_version.as_ref(),
        "2",
        "IMDSv1 lets a request forgery read the notebook role's credentials",
        checks,
    );
}
