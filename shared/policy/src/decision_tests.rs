use super::*;
use crate::config::Settings;
use crate::model::{NetworkAttachment, Observed, Origin, Resource, Scope, Setting, SourceKind, Status};
use crate::rules::{Finding, Severity};

fn resource(kind: ResourceKind, status: Option<&str>) -> Resource {
    let origin = Origin {
        source: SourceKind::Describe,
        name: "test".into(),
        event_id: None,
        time: None,
        modified: None,
    };
    let mut r = Resource::new(kind, "r", Scope::Whole, origin);
    r.status = status.map(|s| Status {
        value: s.into(),
        lifecycle: Lifecycle::of(s),
        inferred: false,
    });
    r
}

fn non_vpc(mut r: Resource) -> Resource {
    r.networks = vec![Setting::new("VpcConfig", Observed::Defaulted(NetworkAttachment::NoVpc))];
    r
}

fn actions(r: &Resource, config: &PolicyConfig) -> Vec<String> {
    decide_resource(r, config).2.into_iter().map(Action::name).collect()
}

#[test]
fn notebooks_are_contained_according_to_their_status() {
    let config = PolicyConfig::default();
    let deleting = PolicyConfig::from_settings(&Settings::from_pairs([(
        "SMGUARD_DELETE_NONCOMPLIANT_NOTEBOOKS",
        "true",
    )]))
    .unwrap();
    let cases = [
        (
            Some("Pending"),
            vec!["stop_notebook_instance_when_in_service", "alert"],
            None,
        ),
        (Some("InService"), vec!["stop_notebook_instance", "alert"], None),
        (None, vec!["stop_notebook_instance", "alert"], None),
        (Some("Stopping"), vec!["alert"], None),
        (Some("Updating"), vec!["alert"], None),
        (
            Some("Stopped"),
            vec!["alert"],
            Some(vec!["delete_notebook_instance", "alert"]),
        ),
        (
            Some("Failed"),
            vec!["alert"],
            Some(vec!["delete_notebook_instance", "alert"]),
        ),
        (Some("Deleting"), vec!["alert"], Some(vec!["alert"])),
    ];
    for (status, expected, expected_when_deleting) in cases {
        let r = non_vpc(resource(ResourceKind::NotebookInstance, status));
        assert_eq!(actions(&r, &config), expected, "{status:?}");
        assert_eq!(
            actions(&r, &deleting),
            expected_when_deleting.unwrap_or(expected.clone()),
            "{status:?}"
        );
    }
}

#[test]
fn jobs_are_stopped_only_while_they_run() {
    let config = PolicyConfig::default();
    for (kind, action) in [
        (ResourceKind::TrainingJob, "stop_training_job"),
        (ResourceKind::ProcessingJob, "stop_processing_job"),
        (ResourceKind::HyperParameterTuningJob, "stop_hyper_parameter_tuning_job"),
        (ResourceKind::TransformJob, "stop_transform_job"),
        (ResourceKind::CompilationJob, "stop_compilation_job"),
        (ResourceKind::AutoMlJob, "stop_auto_ml_job"),
        (ResourceKind::LabelingJob, "stop_labeling_job"),
    ] {
        for status in [
            None,
            Some("InProgress"),
            Some("INPROGRESS"),
            Some("STARTING"),
            Some("Initializing"),
        ] {
            assert_eq!(
                actions(&non_vpc(resource(kind, status)), &config),
                vec![action, "alert"],
                "{kind} {status:?}"
            );
        }
        for status in [
            "Completed",
            "COMPLETED",
            "Failed",
            "Stopped",
            "STOPPING",
            "Stopping",
            "Deleting",
        ] {
            assert_eq!(
                actions(&non_vpc(resource(kind, Some(status))), &config),
                vec!["alert"],
                "{kind} {status}"
            );
        }
    }
}

#[test]
fn models_and_endpoint_configs_are_deleted_and_domains_only_alerted() {
    let config = PolicyConfig::default();
    assert_eq!(
        actions(&non_vpc(resource(ResourceKind::Model, None)), &config),
        vec!["delete_model", "alert"]
    );
    assert_eq!(
        actions(&non_vpc(resource(ResourceKind::EndpointConfig, None)), &config),
        vec!["delete_endpoint_config", "alert"]
    );
    assert_eq!(
        actions(&non_vpc(resource(ResourceKind::Domain, Some("InService"))), &config),
        vec!["alert"]
    );
}

#[test]
fn outcomes_follow_findings_then_undetermined_fields() {
    let config = PolicyConfig::default();
    let compliant = resource(ResourceKind::Model, None);
    assert_eq!(decide_resource(&compliant, &config).0, Outcome::Compliant);
    assert!(actions(&compliant, &config).is_empty());
    let mut unknown = resource(ResourceKind::Model, None);
    unknown.networks = vec![Setting::new("VpcConfig", Observed::Unknown)];
    assert_eq!(decide_resource(&unknown, &config).0, Outcome::Unevaluable);
    assert_eq!(
        actions(&unknown, &config),
        vec!["alert"],
        "an unknown is alerted, never contained"
    );
    let mut both = non_vpc(resource(ResourceKind::Model, None));
    both.network_isolation = vec![Setting::new("EnableNetworkIsolation", Observed::Unknown)];
    assert_eq!(decide_resource(&both, &config).0, Outcome::NonCompliant);
}

#[test]
fn report_only_findings_alert_without_containment() {
    let mut r = resource(ResourceKind::TrainingJob, Some("InProgress"));
    r.network_isolation = vec![Setting::new("EnableNetworkIsolation", Observed::Explicit(false))];
    assert_eq!(actions(&r, &PolicyConfig::default()), vec!["alert"]);
}

#[test]
fn unevaluable_events_explain_what_is_missing() {
    let event = r#"{"version":"0","id":"e","detail-type":"SageMaker Training Job State Change","source":"aws.sagemaker",
        "account":"1","region":"us-gov-west-1","resources":[],
        "detail":{"TrainingJobName":"t","TrainingJobStatus":"Completed"}}"#;
    let decision = assess(event, &PolicyConfig::default());
    assert_eq!(decision.outcome, Outcome::Unevaluable);
    assert_eq!(decision.response, vec![Action::Alert]);
    assert_eq!(
        decision.reason.as_deref(),
        Some(
            "the event does not carry `VpcConfig`, `EnableNetworkIsolation`, `EnableInterContainerTrafficEncryption`, \
             `ResourceConfig.VolumeKmsKeyId`, `OutputDataConfig.KmsKeyId`, `RemoteDebugConfig.EnableRemoteDebug`: \
             describe the resource to decide"
        )
    );
}

#[test]
fn every_action_has_the_verb_its_name_says_and_reads_back() {
    let actions = ResourceKind::ALL
        .into_iter()
        .flat_map(|kind| [Action::Stop(kind), Action::StopWhenReady(kind), Action::Delete(kind)])
        .chain([Action::Alert]);
    for action in actions {
        let name = action.name();
        let expected = if name.ends_with("_when_in_service") {
            Verb::StopWhenReady
        } else if name.starts_with("stop_") {
            Verb::Stop
        } else if name.starts_with("delete_") {
            Verb::Delete
        } else {
            Verb::Alert
        };
        assert_eq!(action.verb(), expected, "{name}");
        assert_eq!(Action::named(&name), Some(action), "{name}");
        let json = serde_json::to_string(&action).unwrap();
        assert_eq!(serde_json::from_str::<Action>(&json).unwrap(), action);
    }
    assert_eq!(Action::Stop(ResourceKind::TrainingJob).name(), "stop_training_job");
    assert_eq!(
        Action::StopWhenReady(ResourceKind::NotebookInstance).name(),
        "stop_notebook_instance_when_in_service"
    );
    assert_eq!(Action::named("stop_nothing"), None);
}

#[test]
fn ledger_keys_separate_accounts_and_regions_and_key_job_state_changes_by_status() {
    let state_change = |account: &str, region: &str, status: &str| {
        format!(
            r#"{{"version":"0","id":"{account}{region}{status}","detail-type":"SageMaker Training Job State Change",
            "source":"aws.sagemaker","account":"{account}","region":"{region}","time":"2026-11-02T10:00:00Z",
            "resources":["arn:aws-us-gov:sagemaker:{region}:{account}:training-job/churn"],
            "detail":{{"TrainingJobName":"churn","TrainingJobStatus":"{status}","SecondaryStatus":"Training"}}}}"#
        )
    };
    let key = |raw: &str| assess(raw, &PolicyConfig::default()).ledger_key().unwrap();
    let a = key(&state_change("111122223333", "us-gov-west-1", "InProgress"));
    assert_eq!(
        a,
        "state-change/111122223333/us-gov-west-1/training_job/churn/InProgress"
    );
    assert_ne!(a, key(&state_change("999988887777", "us-gov-west-1", "InProgress")));
    assert_ne!(a, key(&state_change("111122223333", "us-gov-east-1", "InProgress")));
    assert_ne!(a, key(&state_change("111122223333", "us-gov-west-1", "Stopping")));
    // A notebook runs again after it is stopped: its state changes are keyed by event, not status.
    let notebook = include_str!("../../../events/native/notebook-instance.in-service.direct-internet.json");
    let id = serde_json::from_str::<serde_json::Value>(notebook).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let notebook_key = key(notebook);
    assert!(notebook_key.contains(&id), "{notebook_key}");
    assert!(!notebook_key.starts_with("state-change/"), "{notebook_key}");
    let no_id = state_change("111122223333", "us-gov-west-1", "x").replace(r#""id":"111122223333us-gov-west-1x","#, "");
    let call = assess(
        &no_id.replace("SageMaker Training Job State Change", "AWS API Call via CloudTrail"),
        &PolicyConfig::default(),
    );
    assert_eq!(call.ledger_key(), None, "an event without an ID cannot be deduplicated");
}

#[test]
fn outcomes_and_actions_print_as_their_wire_names() {
    let names: Vec<&str> = [
        Outcome::Compliant,
        Outcome::NonCompliant,
        Outcome::Ignored,
        Outcome::Unevaluable,
    ]
    .into_iter()
    .map(Outcome::as_str)
    .collect();
    assert_eq!(names, ["compliant", "non_compliant", "ignored", "unevaluable"]);
    assert_eq!(Action::Alert.to_string(), "alert");
    assert_eq!(Action::Stop(ResourceKind::TrainingJob).to_string(), "stop_training_job");
}

const STATE_CHANGE: &str = r#"{"version":"0","id":"e-1","detail-type":"SageMaker Training Job State Change","source":"aws.sagemaker",
    "account":"111122223333","region":"us-gov-west-1","resources":[],
    "detail":{"TrainingJobName":"t","TrainingJobStatus":"InProgress"}}"#;

#[test]
fn the_trigger_is_typed_by_the_events_detail_type() {
    let config = PolicyConfig::default();
    let change = assess(STATE_CHANGE, &config);
    assert_eq!(
        change.trigger,
        Trigger::StateChange {
            event_id: Some("e-1".into())
        }
    );
    let other = STATE_CHANGE.replace("SageMaker Training Job State Change", "Object Created");
    assert!(matches!(assess(&other, &config).trigger, Trigger::Event { .. }));
    let call = include_str!("../../../events/cloudtrail/sagemaker/create-model.compliant.json");
    assert!(matches!(assess(call, &config).trigger, Trigger::ApiCall { .. }));
}

#[test]
fn an_event_id_is_the_events_unless_empty_and_an_audit_has_none() {
    let id = |event_id: Option<&str>| Trigger::ApiCall {
        event_id: event_id.map(str::to_owned),
    };
    assert_eq!(id(Some("e-1")).event_id(), Some("e-1"));
    assert_eq!(id(Some("")).event_id(), None);
    assert_eq!(id(None).event_id(), None);
    assert_eq!(
        Trigger::StateChange {
            event_id: Some("e-2".into())
        }
        .event_id(),
        Some("e-2")
    );
    assert_eq!(Trigger::Audit { run_id: "r".into() }.event_id(), None);
}

#[test]
fn only_an_event_that_leaves_a_needed_field_unknown_and_decides_nothing_is_described() {
    let config = PolicyConfig::default();
    // A state change carries none of a job's settings: described.
    let change = assess(STATE_CHANGE, &config);
    assert!(!change.evaluation.undetermined.is_empty());
    assert!(change.needs_describe());
    // The same fields unknown in a `Describe*` answer: never described again.
    let mut described = change.clone();
    if let Some(resource) = described.resource.as_mut() {
        resource.origin.source = SourceKind::Describe;
    }
    assert!(!described.needs_describe());
    // A compliant call leaves nothing unknown: nothing to describe.
    let call = assess(
        include_str!("../../../events/cloudtrail/sagemaker/create-model.compliant.json"),
        &config,
    );
    assert!(call.evaluation.undetermined.is_empty() && !call.needs_describe());
    // An enforced finding already decides the containment, whatever else is unknown.
    let mut decided = change.clone();
    decided.evaluation.findings.push(Finding {
        rule: RuleId::VpcRequired,
        severity: Severity::High,
        mode: ControlMode::Enforce,
        field: "VpcConfig".into(),
        reason: "absent".into(),
        remediation: "",
    });
    assert!(!decided.needs_describe());
    // Nothing at all (an event about no resource).
    let mut none = change;
    none.resource = None;
    assert!(!none.needs_describe());
}

#[test]
fn an_alert_about_the_alert_topic_goes_to_the_second_channel() {
    use crate::integrity::{GuardPart, PartState, RuleState, TopicState};
    let mut decision = assess(STATE_CHANGE, &PolicyConfig::default());
    assert_eq!(decision.alert_channel(), AlertChannel::Primary, "no part");
    let part = |state| GuardPart {
        arn: "arn:aws-us-gov:sns:us-gov-west-1:111122223333:smguard-alerts".into(),
        call: None,
        state,
        location: crate::model::Location::default(),
        caller: None,
    };
    decision.part = Some(part(PartState::Topic(TopicState::default())));
    assert_eq!(decision.alert_channel(), AlertChannel::Fallback);
    decision.part = Some(part(PartState::Rule(RuleState::default())));
    assert_eq!(decision.alert_channel(), AlertChannel::Primary);
}

#[test]
fn an_action_names_the_kind_it_acts_on() {
    assert_eq!(
        Action::Stop(ResourceKind::TrainingJob).kind(),
        Some(ResourceKind::TrainingJob)
    );
    assert_eq!(
        Action::StopWhenReady(ResourceKind::NotebookInstance).kind(),
        Some(ResourceKind::NotebookInstance)
    );
    assert_eq!(Action::Delete(ResourceKind::Model).kind(), Some(ResourceKind::Model));
    assert_eq!(Action::Alert.kind(), None);
    assert_eq!(Action::QuarantineObject.kind(), None);
}

#[test]
fn a_described_resource_says_why_only_when_it_cannot_be_decided() {
    let config = PolicyConfig::default();
    let event = assess(STATE_CHANGE, &config).event;
    let trigger = Trigger::Audit { run_id: "r".into() };
    let decided = Decision::described(
        trigger.clone(),
        event.clone(),
        resource(ResourceKind::Model, None),
        &config,
    );
    assert_eq!((decided.outcome, decided.reason), (Outcome::Compliant, None));
    let mut unknown = resource(ResourceKind::Model, None);
    unknown.networks = vec![Setting::new("VpcConfig", Observed::Unknown)];
    let undecided = Decision::described(trigger, event, unknown, &config);
    assert_eq!(undecided.outcome, Outcome::Unevaluable);
    assert_eq!(
        undecided.reason.as_deref(),
        Some("the resource's answer lacks fields a rule needs")
    );
}

#[test]
fn a_call_alerts_on_every_finding_a_backstop_only_when_smguard_acted() {
    let config = PolicyConfig::default();
    let call = assess(
        include_str!("../../../events/cloudtrail/sagemaker/create-training-job.no-vpc-no-keys.json"),
        &config,
    );
    assert_eq!(call.outcome, Outcome::NonCompliant);
    assert!(call.contains(), "{:?}", call.response);
    assert!(call.alert_due(false) && call.alert_due(true));
    let mut change = assess(STATE_CHANGE, &config);
    change.outcome = Outcome::NonCompliant;
    assert!(!change.alert_due(false) && change.alert_due(true));
    change.outcome = Outcome::Unevaluable;
    assert!(change.alert_due(false), "unevaluable always alerts");
    change.outcome = Outcome::Compliant;
    assert!(!change.alert_due(true));
    change.response = vec![Action::Alert];
    assert!(!change.contains(), "an alert alone contains nothing");
    change.response = vec![];
    assert!(!change.contains());
}

#[test]
fn a_trail_call_says_why_only_when_it_names_the_key_by_alias() {
    let config = crate::config::fixtures::config();
    let alias = assess(
        include_str!("../../../events/cloudtrail/cloudtrail/update-trail.kms-alias.json"),
        &config,
    );
    assert_eq!(alias.outcome, Outcome::Unevaluable);
    assert!(
        alias.reason.as_deref().is_some_and(|r| r.contains("alias")),
        "{:?}",
        alias.reason
    );
    for (raw, outcome) in [
        (
            include_str!("../../../events/cloudtrail/cloudtrail/update-trail.other-bucket-key-removed.json"),
            Outcome::NonCompliant,
        ),
        (
            include_str!("../../../events/cloudtrail/cloudtrail/start-logging.json"),
            Outcome::Compliant,
        ),
    ] {
        let decision = assess(raw, &config);
        assert!(decision.part.is_some(), "{raw}");
        assert_eq!(decision.outcome, outcome, "{raw}");
        assert_eq!(decision.reason, None, "{raw}");
    }
}
