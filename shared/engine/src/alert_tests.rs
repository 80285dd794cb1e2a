use super::tests_support::alert;
use super::*;

#[test]
fn the_subject_says_what_happened_to_what() {
    assert_eq!(
        alert().subject(),
        "[smguard] non-compliant training job exfil-train-07: stopped"
    );
    let mut dry = alert();
    dry.dry_run = true;
    dry.actions[0].result = ActionResult::WouldHaveDone;
    assert_eq!(
        dry.subject(),
        "[smguard dry-run] non-compliant training job exfil-train-07: would have stopped"
    );
}

#[test]
fn a_long_action_is_shortened_before_the_resource_name() {
    let mut deferred = alert();
    deferred.dry_run = true;
    deferred.resource.as_mut().unwrap().kind = ResourceKind::NotebookInstance;
    deferred.resource.as_mut().unwrap().name = "feature-engineering-shared-02".into();
    deferred.actions[0] = ActionTaken {
        action: Action::StopWhenReady(ResourceKind::NotebookInstance),
        result: ActionResult::WouldHaveDone,
        detail: None,
    };
    let subject = deferred.subject();
    assert!(subject.chars().count() <= MAX_SUBJECT_CHARS, "{subject}");
    assert_eq!(
        subject,
        "[smguard dry-run] non-compliant notebook instance feature-engineering-shared-02: would stop when..."
    );
    deferred.resource.as_mut().unwrap().name = "feature-eng-02".into();
    assert_eq!(
        deferred.subject(),
        "[smguard dry-run] non-compliant notebook instance feature-eng-02: would stop when InService"
    );
}

#[test]
fn the_subject_always_fits_sns() {
    let mut long = alert();
    long.resource.as_mut().unwrap().name = "x".repeat(63) + "é\nnext";
    long.actions[0].result = ActionResult::Failed {
        reason: "access denied".into(),
        retryable: false,
    };
    let subject = long.subject();
    assert!(
        subject.chars().count() <= MAX_SUBJECT_CHARS,
        "{} characters",
        subject.chars().count()
    );
    assert!(subject.is_ascii() && !subject.contains('\n'), "{subject:?}");
    assert!(subject.ends_with("...: remediation failed: access denied"), "{subject}");
    let mut unevaluable = alert();
    unevaluable.outcome = Outcome::Unevaluable;
    unevaluable.resource = None;
    unevaluable.actions.retain(|a| a.action == Action::Alert);
    assert_eq!(
        unevaluable.subject(),
        "[smguard] unevaluable CreateTrainingJob event 7c173199-39a0-5b0a-ac5e-82fd7c91054d"
    );
}

#[test]
fn the_text_names_account_region_resource_rules_caller_and_actions() {
    let text = alert().text();
    for expected in [
        "Resource:  training job exfil-train-07",
        "ARN:       arn:aws-us-gov:sagemaker:us-gov-west-1:111122223333:training-job/exfil-train-07",
        "Account:   111122223333",
        "Region:    us-gov-west-1",
        "Call:      CreateTrainingJob",
        "Time:      2026-11-02T14:03:11Z",
        "By:        arn:aws-us-gov:sts::111122223333:assumed-role/DataScientist/alice@example.com",
        "From:      10.20.31.44",
        "- network.vpc-required (high, enforce): `VpcConfig` is absent",
        "- network.isolation-required (medium, report):",
        "- stop_training_job: stopped",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    assert!(!text.contains("DRY RUN"));
}

#[test]
fn results_read_as_what_happened() {
    let taken = |action, result| ActionTaken::new(action, result).describe();
    assert_eq!(
        taken(Action::Delete(ResourceKind::Model), ActionResult::Done),
        "deleted"
    );
    assert_eq!(
        taken(
            Action::StopWhenReady(ResourceKind::NotebookInstance),
            ActionResult::Deferred {
                until: "it is InService".into()
            }
        ),
        "deferred: will stop when it is InService"
    );
    assert_eq!(
        taken(
            Action::Stop(ResourceKind::TrainingJob),
            ActionResult::AlreadyDone {
                status: "Stopped".into()
            }
        ),
        "already stopped (Stopped)"
    );
    assert_eq!(
        taken(
            Action::Stop(ResourceKind::TrainingJob),
            ActionResult::AlreadyDone {
                status: "Completed".into()
            }
        ),
        "already finished (Completed)"
    );
    assert_eq!(
        taken(
            Action::Stop(ResourceKind::NotebookInstance),
            ActionResult::AlreadyDone {
                status: "Stopping".into()
            }
        ),
        "already stopping (Stopping)"
    );
    assert_eq!(
        taken(Action::Delete(ResourceKind::EndpointConfig), ActionResult::AlreadyGone),
        "already gone"
    );
    let denied = crate::ports::PortError::AccessDenied {
        operation: "StopProcessingJob".into(),
        message: "no".into(),
    };
    assert_eq!(
        taken(Action::Stop(ResourceKind::ProcessingJob), ActionResult::failed(&denied)),
        "remediation failed: access denied"
    );
    assert_eq!(
        ActionResult::failed(&denied),
        ActionResult::Failed {
            reason: "access denied".into(),
            retryable: false
        }
    );
    let throttled = crate::ports::PortError::Throttled {
        operation: "StopTrainingJob".into(),
        message: "slow".into(),
    };
    assert!(matches!(
        ActionResult::failed(&throttled),
        ActionResult::Failed { retryable: true, .. }
    ));
}

#[test]
fn the_json_carries_everything_for_machines() {
    let json: serde_json::Value = serde_json::from_str(&alert().json()).unwrap();
    assert_eq!(json["schema"], "smguard.alert/1");
    assert_eq!(json["severity"], "high");
    assert_eq!(json["outcome"], "non_compliant");
    assert_eq!(json["resource"]["kind"], "training_job");
    assert_eq!(json["findings"][0]["rule"], "network.vpc-required");
    assert_eq!(json["actions"][0]["action"], "stop_training_job");
    assert_eq!(json["actions"][0]["result"]["type"], "done");
    assert_eq!(
        json["principal"],
        "arn:aws-us-gov:sts::111122223333:assumed-role/DataScientist/alice@example.com"
    );
}

#[test]
fn attributes_serve_filter_policies() {
    let attributes: Vec<(&str, &str, String)> = alert()
        .attributes()
        .into_iter()
        .map(|a| (a.name, a.data_type, a.value))
        .collect();
    assert_eq!(
        attributes,
        vec![
            ("severity", "String", "high".into()),
            ("outcome", "String", "non_compliant".into()),
            ("dry_run", "String", "false".into()),
            ("action", "String", "stopped".into()),
            (
                "rule_ids",
                "String.Array",
                r#"["network.vpc-required","network.isolation-required"]"#.into()
            ),
            ("resource_kind", "String", "training_job".into()),
            ("account", "String", "111122223333".into()),
        ]
    );
    let mut unevaluable = alert();
    unevaluable.findings.clear();
    unevaluable.resource = None;
    unevaluable.account = None;
    unevaluable.actions.clear();
    let names: Vec<&str> = unevaluable.attributes().iter().map(|a| a.name).collect();
    assert_eq!(
        names,
        vec!["severity", "outcome", "dry_run", "action"],
        "no empty attribute values"
    );
    assert!(unevaluable.attributes().iter().all(|a| !a.value.is_empty()));
}
