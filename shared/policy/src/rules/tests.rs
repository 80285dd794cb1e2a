use super::*;
use crate::config::Settings;
use crate::model::{
    KeyPurpose, KeySetting, NetworkAttachment, Observed, Origin, Resource, ResourceKind, Scope, Setting, SourceKind,
};

fn resource(kind: ResourceKind) -> Resource {
    let origin = Origin {
        source: SourceKind::Describe,
        name: "test".into(),
        event_id: None,
        time: None,
        modified: None,
    };
    Resource::new(kind, "r", Scope::Whole, origin)
}

fn config(pairs: &[(&str, &str)]) -> PolicyConfig {
    PolicyConfig::from_settings(&Settings::from_pairs(pairs.iter().copied())).unwrap()
}

fn key(field: &'static str, purpose: KeyPurpose, key: Observed<Option<String>>, instance_types: &[&str]) -> KeySetting {
    KeySetting {
        field: field.into(),
        purpose,
        key,
        instance_types: instance_types.iter().map(|t| t.to_string()).collect(),
    }
}

fn reasons(evaluation: &Evaluation, rule: RuleId) -> Vec<String> {
    evaluation
        .findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| f.reason.clone())
        .collect()
}

#[test]
fn the_catalogue_is_complete_and_consistent() {
    let ids: Vec<RuleId> = catalogue().map(|r| r.id).collect();
    assert_eq!(ids, RuleId::ALL.to_vec());
    for rule in catalogue() {
        assert_eq!(rule.id.as_str().parse::<RuleId>().unwrap(), rule.id);
        // A rule judges SageMaker resources of some kinds, S3 writes, or smguard's parts.
        assert!(
            (rule.judges_writes() || rule.judges_parts()) == rule.applies_to().is_empty(),
            "{}",
            rule.id
        );
        assert!(
            !rule.remediation.is_empty() && !rule.fails_when.is_empty(),
            "{}",
            rule.id
        );
    }
    assert_eq!(
        "network.nope".parse::<RuleId>().unwrap_err().to_string(),
        "unknown rule `network.nope`"
    );
}

#[test]
fn vpc_reasons_name_the_field_and_where_the_value_came_from() {
    let mut r = resource(ResourceKind::TrainingJob);
    r.networks = vec![
        Setting::new("VpcConfig", Observed::Defaulted(NetworkAttachment::NoVpc)),
        Setting::new(
            "TrainingJobDefinitions[1].VpcConfig",
            Observed::Explicit(NetworkAttachment::CustomerVpc {
                subnets: Some(vec![]),
                security_groups: vec![],
            }),
        ),
        Setting::new(
            "AppNetworkAccessType",
            Observed::Explicit(NetworkAttachment::PublicInternetOnly),
        ),
        Setting::new("X", Observed::Defaulted(NetworkAttachment::PublicInternetOnly)),
        Setting::new(
            "Ok",
            Observed::Explicit(NetworkAttachment::CustomerVpc {
                subnets: Some(vec!["subnet-1".into()]),
                security_groups: vec![],
            }),
        ),
        Setting::new(
            "Unchanged",
            Observed::Explicit(NetworkAttachment::CustomerVpc {
                subnets: None,
                security_groups: vec![],
            }),
        ),
        Setting::new("Unknown", Observed::Unknown),
    ];
    let evaluation = evaluate(&r, &PolicyConfig::default());
    assert_eq!(
        reasons(&evaluation, RuleId::VpcRequired),
        vec![
            "`VpcConfig` is absent, so it runs outside any customer VPC with internet egress",
            "`TrainingJobDefinitions[1].VpcConfig` lists no subnets, so nothing attaches it to a customer VPC",
            "`AppNetworkAccessType` is `PublicInternetOnly`: traffic leaves through a SageMaker-managed VPC with internet access",
            "`X` is absent, so AWS defaults to `PublicInternetOnly`: traffic leaves through a SageMaker-managed VPC with internet access",
        ]
    );
    assert_eq!(
        evaluation.undetermined,
        vec![Undetermined {
            rule: RuleId::VpcRequired,
            field: "Unknown".into()
        }]
    );
    assert!(!evaluation.passed.contains(&RuleId::VpcRequired));
}

#[test]
fn enumerated_settings_fail_on_anything_but_the_safe_value() {
    let mut r = resource(ResourceKind::NotebookInstance);
    r.direct_internet_access = Some(Setting::new(
        "DirectInternetAccess",
        Observed::Defaulted("Enabled".into()),
    ));
    r.root_access = Some(Setting::new("RootAccess", Observed::Explicit("enabled-ish".into())));
    r.minimum_imds_version = Some(Setting::new("Imds", Observed::Explicit("2".into())));
    let evaluation = evaluate(&r, &PolicyConfig::default());
    assert_eq!(
        reasons(&evaluation, RuleId::NoDirectInternet),
        vec![
            "`DirectInternetAccess` is absent, so AWS defaults to `Enabled`: the notebook has a SageMaker-provided route to the internet"
        ]
    );
    assert_eq!(
        reasons(&evaluation, RuleId::RootAccessDisabled),
        vec!["`RootAccess` is `enabled-ish`: notebook users can become root and change the instance"]
    );
    assert!(evaluation.passed.contains(&RuleId::Imdsv2Required));
}

#[test]
fn booleans_must_be_true() {
    let mut r = resource(ResourceKind::ProcessingJob);
    r.network_isolation = vec![
        Setting::new("NetworkConfig.EnableNetworkIsolation", Observed::Defaulted(false)),
        Setting::new("Other", Observed::Explicit(true)),
    ];
    r.inter_container_encryption = vec![Setting::new("Ice", Observed::Explicit(false))];
    let evaluation = evaluate(&r, &PolicyConfig::default());
    assert_eq!(
        reasons(&evaluation, RuleId::IsolationRequired),
        vec![
            "`NetworkConfig.EnableNetworkIsolation` is absent, so AWS defaults to `false`: containers may make outbound network calls"
        ]
    );
    assert_eq!(reasons(&evaluation, RuleId::InterContainerEncryption).len(), 1);
    assert!(evaluation.findings.iter().all(|f| f.mode == ControlMode::Report));
}

#[test]
fn volume_keys_are_required_unless_an_instance_has_local_storage() {
    let mut r = resource(ResourceKind::EndpointConfig);
    r.keys = vec![
        key("A", KeyPurpose::Volume, Observed::Defaulted(None), &["ml.m5.large"]),
        // AWS rejects a volume key when any variant has local NVMe storage.
        key(
            "B",
            KeyPurpose::Volume,
            Observed::Defaulted(None),
            &["ml.m5.large", "ml.g5.xlarge"],
        ),
        key(
            "C",
            KeyPurpose::Volume,
            Observed::Explicit(Some("alias/aws/sagemaker".into())),
            &["ml.g5.xlarge"],
        ),
        key(
            "D",
            KeyPurpose::Volume,
            Observed::Explicit(Some("alias/team".into())),
            &[],
        ),
        key("E", KeyPurpose::Output, Observed::Defaulted(None), &["ml.g5.xlarge"]),
        key("F", KeyPurpose::Volume, Observed::Unknown, &[]),
    ];
    let evaluation = evaluate(&r, &PolicyConfig::default());
    let fields = |rule| -> Vec<String> {
        evaluation
            .findings
            .iter()
            .filter(|f| f.rule == rule)
            .map(|f| f.field.to_string())
            .collect()
    };
    assert_eq!(fields(RuleId::VolumeKeyRequired), vec!["A", "C"]);
    assert_eq!(
        fields(RuleId::OutputKeyRequired),
        vec!["E"],
        "the exemption is for volumes only"
    );
    assert_eq!(
        reasons(&evaluation, RuleId::VolumeKeyRequired)[1],
        "`C` names the AWS managed key `alias/aws/sagemaker`, not a customer managed key"
    );
    assert_eq!(
        evaluation.undetermined,
        vec![Undetermined {
            rule: RuleId::VolumeKeyRequired,
            field: "F".into()
        }]
    );
    // No approved list: the approved-key rule checks nothing, so it neither passes nor fails.
    assert!(!evaluation.passed.contains(&RuleId::ApprovedKey));
}

#[test]
fn approved_keys_are_checked_only_against_a_configured_list() {
    let mut r = resource(ResourceKind::TrainingJob);
    r.location.partition = Some("aws-us-gov".into());
    r.location.region = Some("us-gov-west-1".into());
    r.location.account = Some("111122223333".into());
    r.keys = vec![
        key(
            "Bare",
            KeyPurpose::Volume,
            Observed::Explicit(Some("4f2b8c1e".into())),
            &[],
        ),
        key(
            "Alias",
            KeyPurpose::Output,
            Observed::Explicit(Some("alias/other".into())),
            &[],
        ),
        key(
            "Garbage",
            KeyPurpose::Output,
            Observed::Explicit(Some("not a key".into())),
            &[],
        ),
        key("Absent", KeyPurpose::Output, Observed::Defaulted(None), &[]),
        key("Unknown", KeyPurpose::Output, Observed::Unknown, &[]),
    ];
    let with_list = config(&[(
        "SMGUARD_APPROVED_KMS_KEYS",
        "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/4f2b8c1e",
    )]);
    let evaluation = evaluate(&r, &with_list);
    assert_eq!(
        reasons(&evaluation, RuleId::ApprovedKey),
        vec![
            "`Alias` uses `alias/other`, which is not on the approved key list",
            "`Garbage` uses `not a key`, which is not on the approved key list",
        ]
    );
    assert!(
        evaluation
            .undetermined
            .iter()
            .any(|u| u.rule == RuleId::ApprovedKey && u.field == "Unknown")
    );
}

#[test]
fn rules_that_are_off_are_not_run_and_modes_reach_findings() {
    let mut r = resource(ResourceKind::Model);
    r.networks = vec![Setting::new("VpcConfig", Observed::Defaulted(NetworkAttachment::NoVpc))];
    r.network_isolation = vec![Setting::new("EnableNetworkIsolation", Observed::Defaulted(false))];
    let evaluation = evaluate(
        &r,
        &config(&[(
            "SMGUARD_CONTROLS",
            "network.vpc-required=off,network.isolation-required=enforce",
        )]),
    );
    assert_eq!(evaluation.failed_rules(), vec![RuleId::IsolationRequired]);
    assert!(evaluation.has_enforced_findings());
    assert_eq!(evaluation.findings[0].severity, Severity::Medium);
}

#[test]
fn a_resource_without_fields_passes_nothing_and_fails_nothing() {
    let evaluation = evaluate(&resource(ResourceKind::Domain), &PolicyConfig::default());
    assert_eq!(evaluation, Evaluation::default());
}

#[test]
fn what_a_rule_applies_to_is_what_it_checks() {
    // Derived from `check` over each kind's readers: a rule that checked nothing would apply to
    // nothing, and one that checked everything would apply to every kind.
    assert_eq!(
        RuleId::NoDirectInternet.definition().applies_to(),
        vec![ResourceKind::NotebookInstance]
    );
    let vpc = RuleId::VpcRequired.definition().applies_to();
    assert!(vpc.contains(&ResourceKind::TrainingJob) && vpc.contains(&ResourceKind::NotebookInstance));
    assert!(
        vpc.contains(&ResourceKind::EndpointConfig),
        "an inference-component configuration has a VPC setting"
    );
    assert!(
        !vpc.contains(&ResourceKind::TransformJob),
        "a transform job has no VPC setting of its own"
    );
    assert!(RuleId::UploadLocationApproved.definition().applies_to().is_empty());
}

#[test]
fn rules_severities_and_modes_print_as_their_wire_names() {
    assert_eq!(RuleId::VpcRequired.to_string(), "network.vpc-required");
    assert_eq!(RuleId::GuardIntegrity.to_string(), "guard.integrity");
    let severities: Vec<&str> = [Severity::Low, Severity::Medium, Severity::High, Severity::Critical]
        .into_iter()
        .map(Severity::as_str)
        .collect();
    assert_eq!(severities, ["low", "medium", "high", "critical"]);
    let modes: Vec<&str> = [ControlMode::Enforce, ControlMode::Report, ControlMode::Off]
        .into_iter()
        .map(ControlMode::as_str)
        .collect();
    assert_eq!(modes, ["enforce", "report", "off"]);
}

#[test]
fn a_write_outside_is_high_in_an_own_bucket_and_critical_in_anothers() {
    let config = crate::config::fixtures::config();
    let severity = |event: &str| {
        let decision = crate::assess(event, &config);
        let write = decision.write.expect("an S3 write");
        let evaluation = evaluate_write(&write, &config);
        assert_eq!(
            evaluation.failed_rules(),
            vec![RuleId::UploadLocationApproved],
            "{event}"
        );
        evaluation.findings.iter().map(|f| f.severity).max().unwrap()
    };
    assert_eq!(
        severity(include_str!(
            "../../../../events/cloudtrail/s3/put-object.own-other-bucket.json"
        )),
        Severity::High
    );
    assert_eq!(
        severity(include_str!(
            "../../../../events/cloudtrail/s3/put-object.foreign-bucket.json"
        )),
        Severity::Critical
    );
}

#[test]
fn a_rule_definition_debugs_as_its_id() {
    let debugged = format!("{:?}", RuleId::VpcRequired.definition());
    assert!(
        debugged.starts_with("RuleDefinition") && debugged.contains("VpcRequired"),
        "{debugged}"
    );
}

#[test]
fn smguards_function_passes_integrity_only_when_it_exists_unthrottled_and_unchanged() {
    use crate::integrity::{FunctionState, GuardPart, PartState};
    let config = PolicyConfig::default();
    let passes = |state: FunctionState| {
        let part = GuardPart {
            arn: "arn:aws-us-gov:lambda:us-gov-west-1:111122223333:function:smguard-sagemaker-guard".into(),
            call: None,
            state: PartState::Function(state),
            location: crate::model::Location::default(),
            caller: None,
        };
        evaluate_part(&part, &config).passed.contains(&RuleId::GuardIntegrity)
    };
    assert!(passes(FunctionState {
        exists: Some(true),
        ..FunctionState::default()
    }));
    assert!(!passes(FunctionState::default()), "existence unknown");
    assert!(!passes(FunctionState {
        exists: Some(true),
        replaced: Some("code"),
        ..FunctionState::default()
    }));
}

#[test]
fn a_write_outside_names_every_approved_location() {
    let config = crate::config::fixtures::config();
    let approved = [
        "`s3://ml-platform-model-output-111122223333/`",
        "`s3://ml-platform-shared-111122223333/output/`",
    ];
    let upload = crate::assess(
        include_str!("../../../../events/cloudtrail/s3/put-object.own-other-bucket.json"),
        &config,
    );
    let upload = evaluate_write(&upload.write.expect("an S3 write"), &config);
    let mut job = resource(ResourceKind::TrainingJob);
    job.s3_outputs.push(crate::model::S3Output {
        field: "OutputDataConfig.S3OutputPath".into(),
        uri: Observed::Explicit("s3://elsewhere-444455556666/out".into()),
    });
    let output = evaluate(&job, &config);
    for reason in reasons(&upload, RuleId::UploadLocationApproved)
        .into_iter()
        .chain(reasons(&output, RuleId::OutputLocationApproved))
    {
        let listed = approved.join(", ");
        assert!(reason.contains(&format!("({listed})")), "{reason}");
    }
    assert_eq!(reasons(&output, RuleId::OutputLocationApproved).len(), 1);
    assert_eq!(reasons(&upload, RuleId::UploadLocationApproved).len(), 1);
}

#[test]
fn what_each_rule_applies_to_is_what_the_readme_says() {
    // The README's rule table is reviewed text (the CLI's tests keep it equal to `smguard rules`);
    // here it is the expectation for what each kind's readers yield, probes included.
    let readme = include_str!("../../../../README.md");
    let rows: std::collections::BTreeMap<&str, &str> = readme
        .lines()
        .skip_while(|line| !line.starts_with("| rule | severity | default | fails when | applies to |"))
        .skip(2)
        .take_while(|line| line.starts_with("| `"))
        .filter_map(|line| {
            let rule = line.strip_prefix("| `")?.split('`').next()?;
            let applies = line.trim_end_matches('|').trim_end().rsplit(" | ").next()?;
            Some((rule, applies))
        })
        .collect();
    assert_eq!(rows.len(), RuleId::ALL.len(), "{rows:?}");
    let mut compared = 0;
    for definition in catalogue() {
        let derived: Vec<&str> = definition.applies_to().iter().map(|kind| kind.entry().name).collect();
        let written = rows
            .get(definition.id.to_string().as_str())
            .copied()
            .unwrap_or("(no row)");
        // Rules over writes and smguard's parts say what they judge in words.
        if !derived.is_empty() {
            assert_eq!(derived.join(", "), written, "{}", definition.id);
            compared += 1;
        }
    }
    assert!(compared >= 10, "only {compared} rules compared");
}
