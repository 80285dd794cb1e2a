//! The AWS adapters against the emulator, through the real SDK clients.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed assertion"
)]

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::Value;
use smguard_aws::{CloudTrailReader, SageMakerInventory, SageMakerRemediator, SnsNotifier};
use smguard_engine::ports::{TrailReader, TrailSelectors};
use smguard_engine::{
    ActionResult, ActionTaken, Alert, AlertFinding, AlertResource, DeleteOutcome, Inventory, Notifier, PortError,
    Remediator, StopOutcome,
};
use smguard_policy::{
    Action, ControlMode, Outcome, ResourceKind, ResourceRef, RuleId, Severity, assess, decide_resource,
};
use smguard_tests::cases::{self, events_dir};
use smguard_tests::emulator::{Emulator, REGION};
use smguard_tests::estate::{ROLE, Replayed, create_jobs, create_notebook, emulator_kind, replay_create_fixtures};

fn reference(kind: ResourceKind, name: &str) -> ResourceRef {
    ResourceRef {
        kind,
        name: name.to_owned(),
        arn: None,
        id: None,
    }
}

#[tokio::test]
async fn a_notebook_is_stopped_only_in_service_and_deleted_only_stopped() {
    let emulator = Emulator::shared();
    let account = emulator.account().await;
    create_notebook(&account, "nb").await;
    let sagemaker = account.sagemaker().await;
    let remediator = SageMakerRemediator::new(sagemaker.clone());
    let inventory = SageMakerInventory::new(sagemaker);
    let nb = reference(ResourceKind::NotebookInstance, "nb");

    assert_eq!(
        remediator.stop(&nb).await,
        Ok(StopOutcome::NotYetStoppable {
            status: "Pending".into()
        })
    );
    assert_eq!(account.advance(emulator, "notebook-instance", "nb", None), "InService");
    assert_eq!(remediator.stop(&nb).await, Ok(StopOutcome::Stopping));
    assert_eq!(
        remediator.stop(&nb).await,
        Ok(StopOutcome::AlreadyStopped {
            status: "Stopping".into()
        })
    );
    assert_eq!(
        remediator.delete(&nb).await,
        Ok(DeleteOutcome::NotYetDeletable {
            status: "Stopping".into()
        })
    );
    assert_eq!(account.advance(emulator, "notebook-instance", "nb", None), "Stopped");
    assert_eq!(
        remediator.stop(&nb).await,
        Ok(StopOutcome::AlreadyStopped {
            status: "Stopped".into()
        })
    );
    let described = inventory.describe(&nb).await.unwrap().unwrap();
    assert_eq!(described.status.unwrap().value, "Stopped");
    assert_eq!(remediator.delete(&nb).await, Ok(DeleteOutcome::Deleted));
    assert_eq!(remediator.delete(&nb).await, Ok(DeleteOutcome::Gone));
    assert_eq!(remediator.stop(&nb).await, Ok(StopOutcome::Gone));
    assert_eq!(inventory.describe(&nb).await, Ok(None));
}

#[tokio::test]
async fn every_job_kind_is_stopped_once_then_reports_its_state() {
    let emulator = Emulator::shared();
    let account = emulator.account().await;
    let jobs = create_jobs(&account).await;
    let sagemaker = account.sagemaker().await;
    let remediator = SageMakerRemediator::new(sagemaker.clone());
    let inventory = SageMakerInventory::new(sagemaker);
    for (kind, name) in jobs {
        let job = reference(kind, name);
        let upper = kind == ResourceKind::CompilationJob;
        let (stopping, stopped) = if upper {
            ("STOPPING", "STOPPED")
        } else {
            ("Stopping", "Stopped")
        };
        assert_eq!(remediator.stop(&job).await, Ok(StopOutcome::Stopping), "{kind} {name}");
        let described = inventory
            .describe(&job)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{kind} {name} described"));
        assert_eq!(described.status.unwrap().value, stopping, "{kind} {name}");
        assert_eq!(
            remediator.stop(&job).await,
            Ok(StopOutcome::AlreadyStopped {
                status: stopping.into()
            }),
            "{kind}"
        );
        assert_eq!(account.advance(emulator, emulator_kind(kind), name, None), stopped);
        assert_eq!(
            remediator.stop(&job).await,
            Ok(StopOutcome::AlreadyStopped { status: stopped.into() }),
            "{kind}"
        );
        let missing = reference(kind, &format!("{name}-that-never-was"));
        assert_eq!(remediator.stop(&missing).await, Ok(StopOutcome::Gone), "{kind}");
        assert_eq!(inventory.describe(&missing).await, Ok(None), "{kind}");
    }
}

#[tokio::test]
async fn a_finished_job_is_already_stopped() {
    let emulator = Emulator::shared();
    let account = emulator.account().await;
    create_jobs(&account).await;
    assert_eq!(account.advance(emulator, "training-job", "training", None), "Completed");
    let remediator = SageMakerRemediator::new(account.sagemaker().await);
    assert_eq!(
        remediator.stop(&reference(ResourceKind::TrainingJob, "training")).await,
        Ok(StopOutcome::AlreadyStopped {
            status: "Completed".into()
        })
    );
}

#[tokio::test]
async fn models_and_endpoint_configs_are_deleted_once() {
    let account = Emulator::shared().account().await;
    let sm = account.sagemaker().await;
    sm.create_model()
        .model_name("m")
        .execution_role_arn(ROLE)
        .primary_container(
            aws_sdk_sagemaker::types::ContainerDefinition::builder()
                .image("img")
                .build(),
        )
        .send()
        .await
        .unwrap();
    sm.create_endpoint_config()
        .endpoint_config_name("ec")
        .production_variants(
            aws_sdk_sagemaker::types::ProductionVariant::builder()
                .variant_name("AllTraffic")
                .model_name("m")
                .instance_type(aws_sdk_sagemaker::types::ProductionVariantInstanceType::MlM5Large)
                .initial_instance_count(1)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let remediator = SageMakerRemediator::new(sm.clone());
    let inventory = SageMakerInventory::new(sm);
    for target in [
        reference(ResourceKind::Model, "m"),
        reference(ResourceKind::EndpointConfig, "ec"),
    ] {
        assert!(inventory.describe(&target).await.unwrap().is_some());
        assert_eq!(
            remediator.delete(&target).await,
            Ok(DeleteOutcome::Deleted),
            "{target:?}"
        );
        assert_eq!(remediator.delete(&target).await, Ok(DeleteOutcome::Gone), "{target:?}");
        assert_eq!(inventory.describe(&target).await, Ok(None), "{target:?}");
    }
    let job = reference(ResourceKind::TrainingJob, "t");
    assert!(matches!(
        remediator.delete(&job).await,
        Err(PortError::Unsupported { .. })
    ));
    assert!(matches!(
        remediator.stop(&reference(ResourceKind::Model, "m")).await,
        Err(PortError::Unsupported { .. })
    ));
}

#[tokio::test]
async fn the_inventory_lists_every_kind_across_pages() {
    let account = Emulator::shared().account().await;
    let jobs = create_jobs(&account).await;
    let names: Vec<String> = (0..23).map(|i| format!("nb-{i:02}")).collect();
    for name in &names {
        create_notebook(&account, name).await;
    }
    let inventory = SageMakerInventory::new(account.sagemaker().await);
    let listed: BTreeSet<String> = inventory
        .list(ResourceKind::NotebookInstance)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(
        listed,
        names.iter().cloned().collect(),
        "23 notebooks over several pages"
    );
    for (kind, name) in jobs {
        let listed = inventory.list(kind).await.unwrap();
        let found = listed
            .iter()
            .find(|r| r.name == name)
            .unwrap_or_else(|| panic!("{kind} {name} not listed"));
        assert_eq!(
            found.arn.as_deref(),
            Some(
                account
                    .arn("sagemaker", &format!("{}/{name}", kind.arn_resource_type()))
                    .as_str()
            )
        );
    }
    assert_eq!(inventory.list(ResourceKind::Model).await.unwrap().len(), 1);
    assert!(inventory.list(ResourceKind::Domain).await.unwrap().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Describe → normalize → evaluate gives what the CloudTrail event gave.

#[tokio::test]
async fn describing_a_created_resource_finds_what_its_cloudtrail_event_found() {
    let emulator = Emulator::shared();
    // The fixtures' account: approved keys and bare key IDs resolve against it.
    let account = emulator.account_with_id("111122223333").await;
    let inventory = SageMakerInventory::new(account.sagemaker().await);
    let mut compared = Vec::new();
    for replayed in replay_create_fixtures(emulator, &account) {
        let Replayed {
            file,
            decision: from_event,
            target,
        } = replayed;
        let config = smguard_policy::PolicyConfig::from_settings(&cases::base_settings()).unwrap();
        let described = inventory
            .describe(&target)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{file} not described"));
        let (outcome, evaluation, response) = decide_resource(&described, &config);
        let findings = |e: &smguard_policy::Evaluation| -> BTreeSet<(RuleId, String)> {
            e.findings.iter().map(|f| (f.rule, f.field.to_string())).collect()
        };
        assert_eq!(outcome, from_event.outcome, "{file}");
        assert_eq!(findings(&evaluation), findings(&from_event.evaluation), "{file}");
        assert_eq!(evaluation.passed, from_event.evaluation.passed, "{file}");
        assert!(
            evaluation.undetermined.is_empty(),
            "{file}: {:?}",
            evaluation.undetermined
        );
        assert_eq!(response, from_event.response, "{file}");
        compared.push(target.kind);
    }
    let kinds: BTreeSet<ResourceKind> = compared.iter().copied().collect();
    // An endpoint's calls carry no security field (offline it is unevaluable): its describe
    // path, the endpoint and its configuration, is compared in tests/guard.rs.
    let expected: BTreeSet<ResourceKind> = ResourceKind::ALL
        .into_iter()
        .filter(|kind| *kind != ResourceKind::Endpoint)
        .collect();
    assert_eq!(kinds, expected, "every kind compared");
    assert!(compared.len() >= 40, "{} fixtures compared", compared.len());
}

// ---------------------------------------------------------------------------------------------
// Alerts

fn alert(account: &str) -> Alert {
    Alert {
        event_id: Some("c52a2573-8588-a7f6-1bfb-42542a01fcb2".into()),
        outcome: Outcome::NonCompliant,
        dry_run: false,
        account: Some(account.into()),
        region: Some(REGION.into()),
        resource: Some(AlertResource {
            kind: ResourceKind::NotebookInstance,
            name: "quick-look".into(),
            arn: Some(format!(
                "arn:aws-us-gov:sagemaker:{REGION}:{account}:notebook-instance/quick-look"
            )),
        }),
        object: None,
        part: None,
        channel: smguard_policy::AlertChannel::Primary,
        findings: vec![AlertFinding {
            rule: RuleId::NoDirectInternet,
            severity: Severity::High,
            mode: ControlMode::Enforce,
            field: "DirectInternetAccess".into(),
            reason: "`DirectInternetAccess` is absent, so AWS defaults to `Enabled`".into(),
            remediation: "recreate the notebook with `DirectInternetAccess=Disabled`".into(),
        }],
        undetermined: Vec::new(),
        reason: None,
        event_name: Some("CreateNotebookInstance".into()),
        event_time: Some("2026-11-02T14:03:11Z".into()),
        principal: Some(format!(
            "arn:aws-us-gov:sts::{account}:assumed-role/DataScientist/alice"
        )),
        source_ip: Some("10.20.31.44".into()),
        actions: vec![
            ActionTaken {
                action: Action::StopWhenReady(ResourceKind::NotebookInstance),
                result: ActionResult::Deferred {
                    until: "it is InService".into(),
                },
                detail: None,
            },
            ActionTaken {
                action: Action::Alert,
                result: ActionResult::Done,
                detail: None,
            },
        ],
    }
}

#[tokio::test]
async fn an_alert_reaches_machines_as_json_and_people_as_text() {
    let emulator = Emulator::shared();
    let account = emulator.account().await;
    let topic = account.create_topic("smguard-alerts").await;
    let queue = account.subscribe_queue(&topic, "soc-pipeline").await;
    let alert = alert(&account.id);
    SnsNotifier::new(account.sns().await, &topic)
        .notify(&alert)
        .await
        .unwrap();

    let bodies = account.drain(&queue, Duration::from_secs(5)).await;
    assert_eq!(bodies.len(), 1, "one message per alert");
    let envelope: Value = serde_json::from_str(&bodies[0]).unwrap();
    assert_eq!(
        envelope["Subject"],
        "[smguard] non-compliant notebook instance quick-look: deferred: will stop when it is InService"
    );
    let json: Value = serde_json::from_str(envelope["Message"].as_str().unwrap()).expect("machines get JSON");
    assert_eq!(json["schema"], "smguard.alert/1");
    assert_eq!(json["resource"]["name"], "quick-look");
    assert_eq!(json["actions"][0]["result"]["type"], "deferred");
    let attributes = &envelope["MessageAttributes"];
    assert_eq!(attributes["severity"]["Value"], "high");
    assert_eq!(attributes["rule_ids"]["Type"], "String.Array");
    assert_eq!(attributes["rule_ids"]["Value"], r#"["network.no-direct-internet"]"#);
    assert_eq!(attributes["resource_kind"]["Value"], "notebook_instance");
    assert_eq!(attributes["account"]["Value"], account.id.as_str());
    assert_eq!(attributes["action"]["Value"], "deferred");

    // What people get: the e-mail form of the published message (SNS hands e-mail subscribers
    // the `email` member; moto records what was published).
    let data = emulator.data();
    let topics = data["sns"]["Topic"].as_array().expect("sns topics in data.json");
    let published = topics
        .iter()
        .find(|t| t["arn"] == topic.as_str())
        .and_then(|t| t["sent_notifications"].as_array())
        .and_then(|sent| sent.first())
        .expect("the published message");
    let structure: Value = serde_json::from_str(published[1].as_str().unwrap()).unwrap();
    let text = structure["email"].as_str().unwrap();
    assert!(text.contains("Resource:  notebook instance quick-look"), "{text}");
    assert!(
        text.contains("- stop_notebook_instance_when_in_service: deferred: will stop when it is InService"),
        "{text}"
    );
    assert!(
        serde_json::from_str::<Value>(text).is_err(),
        "people get text, not JSON"
    );
    assert_eq!(structure["default"], structure["email"]);
    assert_eq!(structure["email-json"].as_str(), envelope["Message"].as_str());
}

#[tokio::test]
async fn a_subscription_filter_on_severity_and_rule_selects_alerts() {
    let account = Emulator::shared().account().await;
    let sns = account.sns().await;
    let topic = account.create_topic("smguard-alerts").await;
    let queue = account.create_queue("network-team").await;
    sns.subscribe()
        .topic_arn(&topic)
        .protocol("sqs")
        .endpoint(account.arn("sqs", "network-team"))
        .attributes(
            "FilterPolicy",
            r#"{"rule_ids": ["network.vpc-required"], "severity": ["high"]}"#,
        )
        .send()
        .await
        .unwrap();
    let notifier = SnsNotifier::new(sns, &topic);
    let mut other = alert(&account.id);
    notifier.notify(&other).await.unwrap();
    other.findings[0].rule = RuleId::VpcRequired;
    other.event_id = Some("second".into());
    notifier.notify(&other).await.unwrap();
    let bodies = account.drain(&queue, Duration::from_secs(5)).await;
    assert_eq!(bodies.len(), 1, "only the VPC alert matches");
    let envelope: Value = serde_json::from_str(&bodies[0]).unwrap();
    let json: Value = serde_json::from_str(envelope["Message"].as_str().unwrap()).unwrap();
    assert_eq!(json["event_id"], "second");
}

// ---------------------------------------------------------------------------------------------
// CloudTrail

#[tokio::test]
async fn the_trail_reader_reports_logging_and_selectors() {
    let emulator = Emulator::shared();
    let account = emulator.account().await;
    account.create_bucket(emulator, "trail-bucket");
    let ct = account.cloudtrail().await;
    ct.create_trail()
        .name("ml-platform-trail")
        .s3_bucket_name("trail-bucket")
        .is_multi_region_trail(true)
        .send()
        .await
        .unwrap();
    ct.start_logging().name("ml-platform-trail").send().await.unwrap();
    use aws_sdk_cloudtrail::types::{AdvancedEventSelector, AdvancedFieldSelector};
    ct.put_event_selectors()
        .trail_name("ml-platform-trail")
        .advanced_event_selectors(
            AdvancedEventSelector::builder()
                .name("S3 writes by ML roles")
                .field_selectors(
                    AdvancedFieldSelector::builder()
                        .field("eventCategory")
                        .equals("Data")
                        .build()
                        .unwrap(),
                )
                .field_selectors(
                    AdvancedFieldSelector::builder()
                        .field("resources.type")
                        .equals("AWS::S3::Object")
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let reader = CloudTrailReader::new(ct.clone());
    let trails = reader.trails().await.unwrap();
    assert_eq!(trails.len(), 1);
    let trail = &trails[0];
    assert_eq!(trail.name, "ml-platform-trail");
    assert_eq!(
        trail.arn.as_deref(),
        Some(account.arn("cloudtrail", "trail/ml-platform-trail").as_str())
    );
    assert!(trail.is_logging && trail.is_multi_region);
    let TrailSelectors::Advanced(selectors) = &trail.selectors else {
        panic!("{:?}", trail.selectors)
    };
    assert_eq!(selectors[0].name.as_deref(), Some("S3 writes by ML roles"));
    assert_eq!(
        selectors[0].field_selectors[1].equals,
        vec!["AWS::S3::Object".to_owned()]
    );
    ct.stop_logging().name("ml-platform-trail").send().await.unwrap();
    assert!(!reader.trails().await.unwrap()[0].is_logging, "StopLogging is seen");
}

#[tokio::test]
async fn recorded_calls_are_looked_up_by_resource_and_read_like_delivered_events() {
    let account = Emulator::shared().account().await;
    create_notebook(&account, "quick-look").await;
    let sm = account.sagemaker().await;
    let _ = sm
        .stop_notebook_instance()
        .notebook_instance_name("quick-look")
        .send()
        .await;
    for _ in 0..3 {
        let _ = sm
            .describe_notebook_instance()
            .notebook_instance_name("quick-look")
            .send()
            .await;
    }
    let reader = CloudTrailReader::new(account.cloudtrail().await);
    let events = reader.events_for("quick-look", 2).await.unwrap();
    assert_eq!(events.len(), 2, "bounded");
    let all = reader.events_for("quick-look", 100).await.unwrap();
    let names: Vec<_> = all
        .iter()
        .map(|e| e.event_name.as_deref().unwrap_or_default())
        .collect();
    assert_eq!(names.last(), Some(&"CreateNotebookInstance"), "newest first: {names:?}");
    assert_eq!(names.len(), 5);
    let created = assess(
        &all.last().unwrap().cloudtrail_event,
        &smguard_policy::PolicyConfig::default(),
    );
    assert_eq!(
        created.outcome,
        Outcome::NonCompliant,
        "the recorded create reads like a delivered event"
    );
    assert_eq!(
        created.resource.unwrap().arn.as_deref(),
        Some(account.arn("sagemaker", "notebook-instance/quick-look").as_str())
    );
    let refused = assess(
        &all[all.len() - 2].cloudtrail_event,
        &smguard_policy::PolicyConfig::default(),
    );
    assert_eq!(refused.outcome, Outcome::Ignored, "the failed stop has an errorCode");
}

// ---------------------------------------------------------------------------------------------
// Access denied: IAM enforcement is global to an emulator, so this test has one of its own.

fn iam_query(emulator: &Emulator, account: &str, body: &str) -> String {
    let (_, answer) = emulator
        .signed(
            "POST",
            "/",
            "iam",
            account,
            "application/x-www-form-urlencoded",
            &[],
            body,
        )
        .expect("IAM call");
    answer
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(start)
        .map(|i| i + start.len())
        .unwrap_or_else(|| panic!("no {start} in {text}"));
    let rest = &text[from..];
    &rest[..rest.find(end).unwrap()]
}

#[tokio::test]
async fn access_denied_is_reported_not_retried() {
    let emulator = Emulator::start();
    let account = "222233334444";
    let policy =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sagemaker:Describe*"],"Resource":"*"}]}"#;
    iam_query(
        &emulator,
        account,
        "Action=CreateUser&UserName=detector&Version=2010-05-08",
    );
    iam_query(
        &emulator,
        account,
        &format!(
            "Action=PutUserPolicy&UserName=detector&PolicyName=describe-only&PolicyDocument={}&Version=2010-05-08",
            policy
                .replace('"', "%22")
                .replace('{', "%7B")
                .replace('}', "%7D")
                .replace('[', "%5B")
                .replace(']', "%5D")
                .replace(':', "%3A")
                .replace(',', "%2C")
                .replace('*', "%2A")
        ),
    );
    let created = iam_query(
        &emulator,
        account,
        "Action=CreateAccessKey&UserName=detector&Version=2010-05-08",
    );
    let key = aws_sdk_sts::config::Credentials::new(
        between(&created, "<AccessKeyId>", "</AccessKeyId>"),
        between(&created, "<SecretAccessKey>", "</SecretAccessKey>"),
        None,
        None,
        "moto-iam-user",
    );
    let (status, answer) = emulator.http("POST", "/moto-api/reset-auth", Some("0")).unwrap();
    assert_eq!(status, 200, "{answer}");
    let config = smguard_tests::emulator::sdk_config(emulator.endpoint(), key).await;
    let remediator = SageMakerRemediator::new(aws_sdk_sagemaker::Client::new(&config));
    let started = std::time::Instant::now();
    let error = remediator
        .stop(&reference(ResourceKind::TrainingJob, "exfil-train-07"))
        .await
        .unwrap_err();
    assert!(error.is_access_denied(), "{error:?}");
    assert!(!error.is_retryable());
    assert!(
        error.to_string().starts_with("access denied to `StopTrainingJob`"),
        "{error}"
    );
    assert!(started.elapsed() < Duration::from_secs(2), "not retried with backoff");
    let publish = SnsNotifier::new(
        aws_sdk_sns::Client::new(&config),
        "arn:aws-us-gov:sns:us-gov-west-1:222233334444:t",
    );
    let error = publish.notify(&alert(account)).await.unwrap_err();
    assert!(error.is_access_denied(), "{error:?}");
    emulator.http("POST", "/moto-api/reset-auth", Some("inf")).unwrap();
}

#[test]
fn every_fixture_of_a_create_call_is_under_events() {
    // The round trip above reads the fixtures through the table; keep them where it looks.
    assert!(events_dir().join("cloudtrail/sagemaker").is_dir());
}

/// The object remediator's calls the end-to-end test does not reach: an abort by upload ID of an
/// upload already gone, and session revocation (IAM's inline deny on older tokens).
#[tokio::test]
async fn the_object_remediator_aborts_once_and_revokes_sessions_with_an_inline_deny() {
    use smguard_engine::ports::{AbortOutcome, ObjectRemediator};

    let emulator = Emulator::shared();
    let account = emulator.account().await;
    let bucket = format!("scratch-{}", account.id);
    account.create_bucket(emulator, &bucket);
    let s3 = account.s3().await;
    let upload = s3
        .create_multipart_upload()
        .bucket(&bucket)
        .key("exports/x")
        .send()
        .await
        .unwrap()
        .upload_id
        .unwrap();
    let config = account.config().await;
    let iam = aws_sdk_iam::Client::new(&config);
    let role = "AmazonSageMaker-ExecutionRole-adapters";
    iam.create_role()
        .role_name(role)
        .path("/service-role/")
        .assume_role_policy_document(r#"{"Version":"2012-10-17","Statement":[]}"#)
        .send()
        .await
        .unwrap();
    let objects = smguard_aws::S3ObjectRemediator::new(s3, Some(iam.clone()), "quarantine", None);
    let event = std::fs::read_to_string(events_dir().join("cloudtrail/s3/upload-part.own-other-bucket.json")).unwrap();
    let config = smguard_policy::PolicyConfig::from_settings(&cases::base_settings()).unwrap();
    let mut write = assess(&event, &config).write.unwrap();
    write.bucket = bucket.clone();
    write.key = "exports/x".to_owned();
    write.upload_id = Some(upload.clone());
    assert_eq!(
        objects.abort_uploads(&write).await.unwrap(),
        AbortOutcome::Aborted { uploads: vec![upload] }
    );
    assert_eq!(
        objects.abort_uploads(&write).await.unwrap(),
        AbortOutcome::NoneOpen,
        "already aborted"
    );

    let role_arn = account.arn("iam", &format!("role/service-role/{role}"));
    objects.revoke_sessions(&role_arn, 1_764_600_000).await.unwrap();
    let policy = iam
        .get_role_policy()
        .role_name(role)
        .policy_name(smguard_aws::REVOKE_POLICY_NAME)
        .send()
        .await
        .unwrap();
    let document = policy.policy_document();
    let document = urlencoding_decode(document);
    let document: Value = serde_json::from_str(&document).unwrap();
    assert_eq!(document["Statement"][0]["Effect"], "Deny");
    assert_eq!(
        document["Statement"][0]["Condition"]["DateLessThan"]["aws:TokenIssueTime"],
        "2025-12-01T14:40:00Z"
    );
}

/// IAM answers policy documents URL-encoded (RFC 3986).
fn urlencoding_decode(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        let decoded = (byte == b'%')
            .then(|| tail.get(..2))
            .flatten()
            .and_then(|hex| u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok());
        match decoded {
            Some(decoded) => {
                out.push(decoded);
                rest = &tail[2..];
            }
            None => {
                out.push(byte);
                rest = tail;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
