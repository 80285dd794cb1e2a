//! Network rules: where traffic from SageMaker compute can go.

use super::{Check, ControlMode, RuleDefinition, RuleId, Severity, Target, require_true, require_value};
use crate::config::PolicyConfig;
use crate::model::{NetworkAttachment, Observed, Resource};

pub(super) static VPC_REQUIRED: RuleDefinition = RuleDefinition {
    id: RuleId::VpcRequired,
    severity: Severity::High,
    default_mode: ControlMode::Enforce,
    fails_when: "not attached to a customer VPC: notebook without `SubnetId`; job or model `VpcConfig` absent or \
                 without subnets (endpoint configurations: inference-component ones, which carry their own network); \
                 any tuning job definition without one; domain not `VpcOnly`",
    remediation: "recreate it inside the platform VPC: set `SubnetId`/`VpcConfig.Subnets` (or \
                  `AppNetworkAccessType=VpcOnly` for domains) with the approved subnets and security groups",
    check: Target::Resource(vpc_required),
};

fn vpc_required(resource: &Resource, _: &PolicyConfig, checks: &mut Vec<Check>) {
    checks.extend(resource.networks.iter().map(|network| {
        let field = network.field.clone();
        let absent = matches!(network.value, Observed::Defaulted(_));
        match network.value.value() {
            None => Check::Undetermined { field },
            Some(NetworkAttachment::CustomerVpc {
                subnets: Some(subnets), ..
            }) if subnets.is_empty() => Check::Fail {
                reason: format!("`{field}` lists no subnets, so nothing attaches it to a customer VPC"),
                field,
            },
            Some(NetworkAttachment::CustomerVpc { .. }) => Check::Pass,
            Some(NetworkAttachment::NoVpc) => Check::Fail {
                reason: format!(
                    "`{field}` is {}, so it runs outside any customer VPC with internet egress",
                    if absent { "absent" } else { "empty" }
                ),
                field,
            },
            Some(NetworkAttachment::PublicInternetOnly) => Check::Fail {
                reason: if absent {
                    format!(
                        "`{field}` is absent, so AWS defaults to `PublicInternetOnly`: traffic leaves \
                             through a SageMaker-managed VPC with internet access"
                    )
                } else {
                    format!(
                        "`{field}` is `PublicInternetOnly`: traffic leaves through a SageMaker-managed \
                             VPC with internet access"
                    )
                },
                field,
            },
        }
    }));
}

pub(super) static NO_DIRECT_INTERNET: RuleDefinition = RuleDefinition {
    id: RuleId::NoDirectInternet,
    severity: Severity::High,
    default_mode: ControlMode::Enforce,
    fails_when: "notebook `DirectInternetAccess` is not `Disabled`",
    remediation: "recreate the notebook with `DirectInternetAccess=Disabled` (it requires `SubnetId`); \
                  reach the internet, if at all, through the VPC's egress controls",
    check: Target::Resource(no_direct_internet),
};

fn no_direct_internet(resource: &Resource, _: &PolicyConfig, checks: &mut Vec<Check>) {
    require_value(
        resource.direct_internet_access.as_ref(),
        "Disabled",
        "the notebook has a SageMaker-provided route to the internet",
        checks,
    );
}

pub(super) static ISOLATION_REQUIRED: RuleDefinition = RuleDefinition {
    id: RuleId::IsolationRequired,
    severity: Severity::Medium,
    default_mode: ControlMode::Report,
    fails_when: "`EnableNetworkIsolation` is false where the API supports it",
    remediation: "set `EnableNetworkIsolation=true` so that containers can make no outbound calls",
    check: Target::Resource(isolation_required),
};

fn isolation_required(resource: &Resource, _: &PolicyConfig, checks: &mut Vec<Check>) {
    require_true(
        &resource.network_isolation,
        "containers may make outbound network calls",
        checks,
    );
}

pub(super) static INTER_CONTAINER_ENCRYPTION: RuleDefinition = RuleDefinition {
    id: RuleId::InterContainerEncryption,
    severity: Severity::Low,
    default_mode: ControlMode::Report,
    fails_when: "`EnableInterContainerTrafficEncryption` is false where the API supports it",
    remediation: "set `EnableInterContainerTrafficEncryption=true` for distributed jobs",
    check: Target::Resource(inter_container_encryption),
};

fn inter_container_encryption(resource: &Resource, _: &PolicyConfig, checks: &mut Vec<Check>) {
    require_true(
        &resource.inter_container_encryption,
        "traffic between instances of a distributed job is not encrypted",
        checks,
    );
}
