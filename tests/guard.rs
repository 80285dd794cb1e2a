//! `sagemaker-guard` end to end: the real binary under `cargo lambda watch`, its SDK pointed at the
//! emulator through `AWS_ENDPOINT_URL`, running as the `smguard-guard` role of the test's account.
//!
//! Resources are created as a data scientist would; the emulator records the calls and puts
//! "AWS API Call via CloudTrail" and state-change events on the account's bus; EventBridge rules
//! with the deployment's patterns (`infra/template.yaml`) route them to a queue;
//! each test delivers what the queue holds to the function and checks what became of the
//! resources and what security operations read on their SQS subscription.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed assertion"
)]

use std::time::Duration;

use serde_json::Value;
use smguard_aws::SageMakerInventory;
use smguard_engine::Inventory;
use smguard_policy::{ResourceKind, ResourceRef};
use smguard_tests::cases::events_dir;
use smguard_tests::emulator::Emulator;
use smguard_tests::estate::{
    create_compliant_training_job, create_jobs, create_notebook, create_open_model, create_public_domain,
    create_unencrypted_endpoint_config,
};
use smguard_tests::lambda::{Invocation, LocalLambda};
use smguard_tests::stage::Stage;

fn results(alert: &Value) -> Vec<(String, String)> {
    alert["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["action"].as_str().unwrap().to_owned(),
                a["result"]["type"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn about<'a>(alerts: &'a [Value], name: &str) -> Vec<&'a Value> {
    alerts.iter().filter(|a| a["resource"]["name"] == name).collect()
}

fn answered_ok(delivered: &[(Value, Invocation)], lambda: &LocalLambda) {
    for (event, answer) in delivered {
        assert!(
            !answer.failed(),
            "{} failed: {}\n{}",
            event["detail-type"],
            answer.body,
            lambda.logs()
        );
    }
}

#[tokio::test]
async fn a_notebook_is_deferred_while_pending_stopped_when_in_service_and_deleted_once_stopped() {
    let stage = Stage::new("notebook", "enforce", &[]).await;
    create_notebook(&stage.account, "quick-look").await;

    let delivered = stage.deliver().await;
    answered_ok(&delivered, &stage.lambda);
    assert_eq!(
        delivered.len(),
        1,
        "the Create call (the Pending state change is not routed)"
    );
    assert_eq!(delivered[0].1.body["outcome"], "non_compliant");
    let alerts = stage.alerts().await;
    assert_eq!(alerts.len(), 1);
    assert_eq!(
        results(&alerts[0]),
        vec![("stop_notebook_instance_when_in_service".into(), "deferred".into())]
    );
    assert!(
        alerts[0]["subject"]
            .as_str()
            .unwrap()
            .ends_with("deferred: will stop when it is InService")
    );
    assert_eq!(
        alerts[0]["principal"],
        format!(
            "arn:aws-us-gov:sts::{}:assumed-role/smguard-test/tester",
            stage.account.id
        )
    );
    assert_eq!(
        stage
            .status(ResourceKind::NotebookInstance, "quick-look")
            .await
            .as_deref(),
        Some("Pending")
    );

    assert_eq!(stage.advance(ResourceKind::NotebookInstance, "quick-look"), "InService");
    let delivered = stage.deliver().await;
    answered_ok(&delivered, &stage.lambda);
    assert_eq!(delivered.len(), 1, "the InService state change");
    assert_eq!(
        stage
            .status(ResourceKind::NotebookInstance, "quick-look")
            .await
            .as_deref(),
        Some("Stopping")
    );
    let alerts = stage.alerts().await;
    assert_eq!(alerts.len(), 1);
    assert_eq!(
        results(&alerts[0]),
        vec![("stop_notebook_instance".into(), "done".into())]
    );

    assert_eq!(stage.advance(ResourceKind::NotebookInstance, "quick-look"), "Stopped");
    let delivered = stage.deliver().await;
    answered_ok(&delivered, &stage.lambda);
    assert_eq!(
        stage.status(ResourceKind::NotebookInstance, "quick-look").await,
        None,
        "deleted"
    );
    let alerts = stage.alerts().await;
    assert_eq!(alerts.len(), 1);
    assert_eq!(
        results(&alerts[0]),
        vec![("delete_notebook_instance".into(), "done".into())]
    );
    assert_eq!(stage.calls("StopNotebookInstance").await, 1);
}

#[tokio::test]
async fn every_job_kind_is_stopped_on_its_create_call() {
    let stage = Stage::new("jobs", "enforce", &[]).await;
    let jobs = create_jobs(&stage.account).await;
    let delivered = stage.deliver().await;
    answered_ok(&delivered, &stage.lambda);
    let alerts = stage.alerts().await;
    for (kind, name) in jobs {
        let status = stage.status(kind, name).await.unwrap();
        let stopping = if kind == ResourceKind::CompilationJob {
            "STOPPING"
        } else {
            "Stopping"
        };
        assert_eq!(status, stopping, "{kind} {name}");
        let mine = about(&alerts, name);
        // The Create call's alert; a running job's state change finds it stopping and adds none.
        assert_eq!(mine.len(), 1, "{kind} {name}: {mine:?}");
        let action = smguard_policy::Action::Stop(kind).name();
        assert_eq!(results(mine[0]), vec![(action, "done".into())], "{kind} {name}");
        assert_eq!(
            mine[0]["event_name"],
            format!(
                "Create{}",
                match kind {
                    ResourceKind::AutoMlJob if name == "automl-v2" => "AutoMLJobV2".to_owned(),
                    ResourceKind::AutoMlJob => "AutoMLJob".to_owned(),
                    _ => mine[0]["event_name"]
                        .as_str()
                        .unwrap()
                        .trim_start_matches("Create")
                        .to_owned(),
                }
            )
        );
    }
    // The transform job's model, outside any VPC, is deleted.
    assert_eq!(stage.status(ResourceKind::Model, "model-for-transform").await, None);
}

#[tokio::test]
async fn models_and_endpoint_configs_are_deleted_and_domains_only_alerted() {
    let stage = Stage::new("hosting", "enforce", &[]).await;
    create_open_model(&stage.account, "open-model").await;
    create_unencrypted_endpoint_config(&stage.account, "open-endpoint-config", "open-model").await;
    let domain = create_public_domain(&stage.account, "open-studio").await;
    let delivered = stage.deliver().await;
    answered_ok(&delivered, &stage.lambda);
    assert_eq!(stage.status(ResourceKind::Model, "open-model").await, None);
    assert_eq!(
        stage.status(ResourceKind::EndpointConfig, "open-endpoint-config").await,
        None
    );
    let inventory = SageMakerInventory::new(stage.account.sagemaker().await);
    let studio = ResourceRef {
        kind: ResourceKind::Domain,
        name: "open-studio".into(),
        arn: None,
        id: Some(domain),
    };
    assert!(
        inventory.describe(&studio).await.unwrap().is_some(),
        "domains are never deleted"
    );
    let alerts = stage.alerts().await;
    assert_eq!(
        results(about(&alerts, "open-model")[0]),
        vec![("delete_model".into(), "done".into())]
    );
    assert_eq!(
        results(about(&alerts, "open-endpoint-config")[0]),
        vec![("delete_endpoint_config".into(), "done".into())]
    );
    let studio_alert = about(&alerts, "open-studio")[0];
    assert!(results(studio_alert).is_empty());
    assert_eq!(studio_alert["findings"][0]["rule"], "network.vpc-required");
}

#[tokio::test]
async fn a_compliant_job_is_left_alone() {
    let volume = "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/4f2b8c1e-7a3d-4e5f-9b6c-2d1e0f3a4b5c";
    let stage = Stage::new(
        "compliant",
        "enforce",
        &[(
            "SMGUARD_APPROVED_KMS_KEYS",
            &format!("{volume},alias/ml-platform-output"),
        )],
    )
    .await;
    create_compliant_training_job(&stage.account, "churn-xgb", volume, "alias/ml-platform-output").await;
    let delivered = stage.deliver().await;
    answered_ok(&delivered, &stage.lambda);
    assert!(
        delivered
            .iter()
            .all(|(_, answer)| answer.body["outcome"] == "compliant"),
        "{delivered:?}"
    );
    assert!(stage.alerts().await.is_empty());
    assert_eq!(
        stage.status(ResourceKind::TrainingJob, "churn-xgb").await.as_deref(),
        Some("InProgress")
    );
}

#[tokio::test]
async fn dry_run_changes_nothing_and_says_what_it_would_have_done() {
    let stage = Stage::new("dry-run", "dry-run", &[]).await;
    create_jobs(&stage.account).await;
    create_notebook(&stage.account, "quick-look").await;
    let delivered = stage.deliver().await;
    answered_ok(&delivered, &stage.lambda);
    assert_eq!(
        stage.status(ResourceKind::TrainingJob, "training").await.as_deref(),
        Some("InProgress")
    );
    assert_eq!(
        stage
            .status(ResourceKind::Model, "model-for-transform")
            .await
            .as_deref(),
        Some("exists")
    );
    assert_eq!(stage.calls("StopTrainingJob").await, 0);
    assert_eq!(stage.calls("DeleteModel").await, 0);
    let alerts = stage.alerts().await;
    assert!(!alerts.is_empty());
    assert!(alerts.iter().all(|a| a["dry_run"] == true));
    assert_eq!(
        results(about(&alerts, "training")[0]),
        vec![("stop_training_job".into(), "would_have_done".into())]
    );
    assert_eq!(
        results(about(&alerts, "model-for-transform")[0]),
        vec![("delete_model".into(), "would_have_done".into())]
    );
    assert!(
        about(&alerts, "training")[0]["subject"]
            .as_str()
            .unwrap()
            .starts_with("[smguard dry-run] ")
    );
}

#[tokio::test]
async fn a_duplicate_delivery_gives_one_stop_and_one_alert() {
    let stage = Stage::new("duplicate", "enforce", &[]).await;
    create_jobs(&stage.account).await;
    let created = stage
        .deliver()
        .await
        .into_iter()
        .find(|(event, _)| event["detail"]["eventName"] == "CreateTrainingJob")
        .unwrap()
        .0
        .to_string();
    stage.alerts().await;
    for _ in 0..2 {
        let again = stage.invoke(&created);
        assert!(!again.failed(), "{}", again.body);
        assert_eq!(again.body["duplicate"], true);
    }
    assert_eq!(stage.calls("StopTrainingJob").await, 1);
    assert!(stage.alerts().await.is_empty(), "no second alert");
}

#[tokio::test]
async fn an_unpublished_alert_fails_the_invocation_and_its_retry_does_not_stop_again() {
    // The function publishes to a topic that does not exist yet.
    let stage = Stage::with_topic(
        Emulator::shared(),
        "alert-failure",
        "enforce",
        &[],
        "smguard-late-topic",
    )
    .await;
    create_jobs(&stage.account).await;
    let created = stage
        .account
        .drain(&stage.events, Duration::from_secs(3))
        .await
        .into_iter()
        .find(|body| body.contains("\"CreateTrainingJob\""))
        .unwrap();
    let first = stage.invoke(&created);
    assert!(first.failed());
    assert_eq!(first.body["errorType"], "AlertFailed");
    assert_eq!(
        stage.status(ResourceKind::TrainingJob, "training").await.as_deref(),
        Some("Stopping"),
        "contained first"
    );
    // Lambda's retry: the stop is remembered, the alert still cannot go out.
    let retry = stage.invoke(&created);
    assert_eq!(retry.body["errorType"], "AlertFailed");
    assert_eq!(stage.calls("StopTrainingJob").await, 1);
    // The topic appears; the next retry publishes what was done.
    let topic = stage.account.create_topic("smguard-late-topic").await;
    let late = stage.account.subscribe_queue(&topic, "late-subscriber").await;
    let last = stage.invoke(&created);
    assert!(!last.failed(), "{}", last.body);
    assert_eq!(stage.calls("StopTrainingJob").await, 1);
    let bodies = stage.account.drain(&late, Duration::from_secs(3)).await;
    assert_eq!(bodies.len(), 1);
    let envelope: Value = serde_json::from_str(&bodies[0]).unwrap();
    let alert: Value = serde_json::from_str(envelope["Message"].as_str().unwrap()).unwrap();
    assert_eq!(results(&alert), vec![("stop_training_job".into(), "done".into())]);
}

#[tokio::test]
async fn an_event_that_cannot_be_evaluated_is_alerted_with_its_event_id() {
    let stage = Stage::new("unevaluable", "enforce", &[]).await;
    // The call names no resource (no name, no ARN in its response): nothing to describe.
    let unreadable = std::fs::read_to_string(events_dir().join("malformed/create-model.missing-name.json")).unwrap();
    let answer = stage.invoke(&unreadable);
    assert!(!answer.failed(), "{}", answer.body);
    assert_eq!(answer.body["outcome"], "unevaluable");
    let alerts = stage.alerts().await;
    assert_eq!(alerts.len(), 1);
    let id = serde_json::from_str::<Value>(&unreadable).unwrap()["id"].clone();
    assert_eq!(alerts[0]["event_id"], id);
    assert!(alerts[0]["reason"].as_str().unwrap().contains("modelName"));
}

#[tokio::test]
async fn a_create_call_whose_parameters_cloudtrail_omitted_is_described_and_contained() {
    let stage = Stage::new("omitted", "enforce", &[]).await;
    create_open_model(&stage.account, "large-env-model").await;
    let routed = stage.routed().await;
    assert_eq!(routed.len(), 1, "the CreateModel call: {routed:?}");
    let mut event: Value = serde_json::from_str(&routed[0]).unwrap();
    assert_eq!(event["detail"]["eventName"], "CreateModel");
    assert!(event["detail"]["responseElements"]["modelArn"].is_string());
    // What CloudTrail writes when the parameters exceed 100 KB.
    event["detail"]["requestParameters"] = serde_json::json!({"omitted": true});
    let answer = stage.invoke(&event.to_string());
    assert!(!answer.failed(), "{}\n{}", answer.body, stage.lambda.logs());
    assert_eq!(answer.body["outcome"], "non_compliant", "{}", answer.body);
    assert_eq!(stage.calls("DescribeModel").await, 1);
    assert_eq!(stage.status(ResourceKind::Model, "large-env-model").await, None);
    let alerts = stage.alerts().await;
    assert_eq!(alerts.len(), 1);
    assert_eq!(results(&alerts[0]), vec![("delete_model".into(), "done".into())]);
    assert_eq!(alerts[0]["event_name"], "CreateModel");
}

/// A SageMaker call as a data scientist's SDK sends it, for the kinds the tests create raw.
fn sagemaker(stage: &Stage<'_>, operation: &str, body: Value) -> Value {
    let target = format!("SageMaker.{operation}");
    let (status, answer) = Emulator::shared()
        .signed(
            "POST",
            "/",
            "sagemaker",
            &stage.account.id,
            "application/x-amz-json-1.1",
            &[("X-Amz-Target", &target)],
            &body.to_string(),
        )
        .expect("SageMaker call");
    assert_eq!(status, 200, "{operation}: {answer}");
    serde_json::from_str(&answer).unwrap_or(Value::Null)
}

const ROLE: &str = "arn:aws:iam::123456789012:role/service-role/AmazonSageMaker-ExecutionRole";

#[tokio::test]
async fn a_hyperpod_cluster_outside_a_vpc_is_deleted_and_a_monitoring_schedule_stopped() {
    let stage = Stage::new("hyperpod", "enforce", &[]).await;
    let cluster = sagemaker(
        &stage,
        "CreateCluster",
        serde_json::json!({
            "ClusterName": "open-hyperpod",
            "InstanceGroups": [{
                "InstanceGroupName": "workers", "InstanceType": "ml.p5.48xlarge", "InstanceCount": 2,
                "LifeCycleConfig": {"SourceS3Uri": "s3://artifacts/hyperpod/", "OnCreate": "on_create.sh"},
                "ExecutionRole": ROLE,
                "InstanceStorageConfigs": [{"EbsVolumeConfig": {"VolumeSizeInGB": 500}}]
            }]
        }),
    );
    let cluster_arn = cluster["ClusterArn"].as_str().unwrap().to_owned();
    sagemaker(
        &stage,
        "CreateMonitoringSchedule",
        serde_json::json!({
            "MonitoringScheduleName": "open-drift-monitor",
            "MonitoringScheduleConfig": {
                "ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"},
                "MonitoringJobDefinition": {
                    "MonitoringInputs": [{"EndpointInput": {"EndpointName": "churn", "LocalPath": "/opt/ml/processing/input"}}],
                    "MonitoringOutputConfig": {"MonitoringOutputs": [{"S3Output": {"S3Uri": "s3://out/monitor/", "LocalPath": "/opt/ml/processing/output"}}]},
                    "MonitoringResources": {"ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 20}},
                    "MonitoringAppSpecification": {"ImageUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/monitor"},
                    "RoleArn": ROLE
                }
            }
        }),
    );
    let delivered = stage.deliver().await;
    answered_ok(&delivered, &stage.lambda);
    let inventory = SageMakerInventory::new(stage.account.sagemaker().await);
    let by_arn = ResourceRef {
        kind: ResourceKind::Cluster,
        name: "open-hyperpod".into(),
        arn: Some(cluster_arn),
        id: None,
    };
    assert!(
        inventory.describe(&by_arn).await.unwrap().is_none(),
        "the cluster is deleted"
    );
    assert_eq!(
        stage
            .status(ResourceKind::MonitoringSchedule, "open-drift-monitor")
            .await
            .as_deref(),
        Some("Stopped")
    );
    let alerts = stage.alerts().await;
    let cluster_alert = about(&alerts, "open-hyperpod");
    assert_eq!(cluster_alert.len(), 1, "{alerts:?}");
    assert_eq!(
        results(cluster_alert[0]),
        vec![("delete_cluster".into(), "done".into())]
    );
    let rules: Vec<&str> = cluster_alert[0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"network.vpc-required") && rules.contains(&"encryption.volume-key-required"));
    let schedule_alert = about(&alerts, "open-drift-monitor");
    assert_eq!(
        results(schedule_alert[0]),
        vec![("stop_monitoring_schedule".into(), "done".into())]
    );
    assert_eq!(stage.calls("DeleteCluster").await, 1);
}

#[tokio::test]
async fn an_endpoint_put_on_a_configuration_smguard_never_saw_is_described_and_deleted() {
    let stage = Stage::new("endpoint", "enforce", &[]).await;
    // Created while smguard was not watching (before it was deployed, or while in dry-run): its
    // events are gone.
    create_open_model(&stage.account, "serving-model").await;
    create_unencrypted_endpoint_config(&stage.account, "unencrypted-serving-config", "serving-model").await;
    let missed = stage.routed().await;
    assert!(!missed.is_empty());
    sagemaker(
        &stage,
        "CreateEndpoint",
        serde_json::json!({"EndpointName": "churn-serving", "EndpointConfigName": "unencrypted-serving-config"}),
    );
    let delivered = stage.deliver().await;
    answered_ok(&delivered, &stage.lambda);
    assert_eq!(delivered.len(), 1, "the CreateEndpoint call");
    assert_eq!(
        delivered[0].1.body["outcome"], "non_compliant",
        "{}",
        delivered[0].1.body
    );
    assert_eq!(stage.calls("DescribeEndpoint").await, 1);
    assert_eq!(stage.calls("DescribeEndpointConfig").await, 1);
    assert_eq!(stage.status(ResourceKind::Endpoint, "churn-serving").await, None);
    let alerts = stage.alerts().await;
    let mine = about(&alerts, "churn-serving");
    assert_eq!(mine.len(), 1, "{alerts:?}");
    assert_eq!(results(mine[0]), vec![("delete_endpoint".into(), "done".into())]);
    assert_eq!(mine[0]["findings"][0]["field"], "KmsKeyId");

    // An endpoint on a compliant configuration is described, found compliant and left alone.
    sagemaker(
        &stage,
        "CreateEndpointConfig",
        serde_json::json!({
            "EndpointConfigName": "encrypted-serving-config",
            "KmsKeyId": "arn:aws:kms:us-gov-west-1:123456789012:key/4f2b8c1e-7a3d-4e5f-9b6c-2d1e0f3a4b5c",
            "ProductionVariants": [{"VariantName": "AllTraffic", "ModelName": "serving-model",
                                    "InstanceType": "ml.m5.large", "InitialInstanceCount": 1}]
        }),
    );
    stage.routed().await;
    sagemaker(
        &stage,
        "CreateEndpoint",
        serde_json::json!({"EndpointName": "churn-serving-encrypted", "EndpointConfigName": "encrypted-serving-config"}),
    );
    let delivered = stage.deliver().await;
    answered_ok(&delivered, &stage.lambda);
    assert_eq!(delivered[0].1.body["outcome"], "compliant", "{}", delivered[0].1.body);
    assert_eq!(
        stage
            .status(ResourceKind::Endpoint, "churn-serving-encrypted")
            .await
            .as_deref(),
        Some("Creating")
    );
    assert!(about(&stage.alerts().await, "churn-serving-encrypted").is_empty());
}

#[tokio::test]
async fn a_notebook_attaching_an_unapproved_lifecycle_configuration_is_contained() {
    let stage = Stage::new(
        "lifecycle",
        "enforce",
        &[("SMGUARD_APPROVED_LIFECYCLE_CONFIGS", "platform-hardened-image")],
    )
    .await;
    sagemaker(
        &stage,
        "CreateNotebookInstanceLifecycleConfig",
        serde_json::json!({
            "NotebookInstanceLifecycleConfigName": "my-startup-tweaks",
            "OnStart": [{"Content": "IyEvYmluL2Jhc2gK"}]
        }),
    );
    sagemaker(
        &stage,
        "CreateNotebookInstance",
        serde_json::json!({
            "NotebookInstanceName": "tweaked-notebook", "InstanceType": "ml.t3.medium", "RoleArn": ROLE,
            "LifecycleConfigName": "my-startup-tweaks"
        }),
    );
    let delivered = stage.deliver().await;
    answered_ok(&delivered, &stage.lambda);
    let alerts = stage.alerts().await;
    let config = about(&alerts, "my-startup-tweaks");
    assert_eq!(config.len(), 1, "{alerts:?}");
    assert!(results(config[0]).is_empty(), "a script is alerted, not deleted");
    assert_eq!(config[0]["findings"][0]["rule"], "notebook.lifecycle-config-approved");
    let notebook = about(&alerts, "tweaked-notebook");
    let create = notebook
        .iter()
        .find(|a| a["event_name"] == "CreateNotebookInstance")
        .unwrap();
    assert!(
        create["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "notebook.lifecycle-config-approved" && f["field"] == "LifecycleConfigName")
    );
    assert_eq!(
        results(create),
        vec![("stop_notebook_instance_when_in_service".into(), "deferred".into())]
    );
    // In service, it is stopped.
    stage.account.advance(
        Emulator::shared(),
        "notebook-instance",
        "tweaked-notebook",
        Some("InService"),
    );
    let delivered = stage.deliver().await;
    answered_ok(&delivered, &stage.lambda);
    assert_eq!(stage.calls("StopNotebookInstance").await, 1);
}
