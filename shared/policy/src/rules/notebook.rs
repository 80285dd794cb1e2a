//! Notebook-instance hardening rules.

use super::{Check, ControlMode, RuleDefinition, RuleId, Severity, Target, require_value};
use crate::config::PolicyConfig;
use crate::model::{Observed, Resource, ResourceKind, Scope};

pub(super) static ROOT_ACCESS_DISABLED: RuleDefinition = RuleDefinition {
    id: RuleId::RootAccessDisabled,
    severity: Severity::Medium,
    default_mode: ControlMode::Report,
    fails_when: "notebook `RootAccess` is not `Disabled`",
    remediation: "set `RootAccess=Disabled` (UpdateNotebookInstance on the stopped notebook)",
    check: Target::Resource(root_access_disabled),
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
    check: Target::Resource(imdsv2_required),
};

fn imdsv2_required(resource: &Resource, _: &PolicyConfig, checks: &mut Vec<Check>) {
    require_value(
        resource.minimum_imds_version.as_ref(),
        "2",
        "IMDSv1 lets a request forgery read the notebook role's credentials",
        checks,
    );
}

pub(super) static LIFECYCLE_CONFIG_APPROVED: RuleDefinition = RuleDefinition {
    id: RuleId::LifecycleConfigApproved,
    severity: Severity::High,
    default_mode: ControlMode::Enforce,
    fails_when: "a notebook's `LifecycleConfigName` is absent or not on the approved list; a lifecycle \
                 configuration not on the list is created or changed; an approved one is changed (only when \
                 `SMGUARD_APPROVED_LIFECYCLE_CONFIGS` is set)",
    remediation: "attach an approved lifecycle configuration (the platform's hardened image depends on it); \
                  changes to an approved configuration go through the platform team, which re-approves them",
    check: Target::Resource(lifecycle_config_approved),
};

fn lifecycle_config_approved(resource: &Resource, config: &PolicyConfig, checks: &mut Vec<Check>) {
    let approved = &config.approved_lifecycle_configs;
    if approved.is_empty() {
        return;
    }
    let listed = |name: &str| approved.iter().any(|entry| entry == name);
    if resource.kind == ResourceKind::NotebookInstanceLifecycleConfig {
        // The script every notebook that attaches the configuration runs as root at start.
        let field = "NotebookInstanceLifecycleConfigName";
        let name = resource.name.as_str();
        checks.push(match (listed(name), resource.scope) {
            (false, _) => Check::Fail {
                field: field.into(),
                reason: format!(
                    "lifecycle configuration `{name}` is not on the approved list: an unapproved script that \
                     notebooks would run as root now exists"
                ),
            },
            (true, Scope::Change) => Check::Fail {
                field: field.into(),
                reason: format!(
                    "the approved lifecycle configuration `{name}` was changed: every notebook that attaches it \
                     runs the new script as root"
                ),
            },
            (true, Scope::Whole) => Check::Pass,
        });
        return;
    }
    let Some(setting) = &resource.lifecycle_config else {
        return;
    };
    let field = setting.field.clone();
    checks.push(match &setting.value {
        Observed::Unknown => Check::Undetermined { field },
        Observed::Explicit(Some(name)) | Observed::Defaulted(Some(name)) if listed(name) => Check::Pass,
        Observed::Explicit(Some(name)) | Observed::Defaulted(Some(name)) => Check::Fail {
            reason: format!("`{field}` is `{name}`, which is not an approved lifecycle configuration"),
            field,
        },
        Observed::Explicit(None) | Observed::Defaulted(None) => Check::Fail {
            reason: format!(
                "`{field}` is absent (or detached), so the notebook starts without the platform's approved \
                 lifecycle configuration"
            ),
            field,
        },
    });
}
