//! `make demo`: a data scientist's insecure SageMaker estate, contained by the real
//! `sagemaker-guard` function.
//!
//! Starts the AWS API emulator, deploys the function into an account of it (the deployment's
//! EventBridge patterns, alert topic, ledger bucket; the binary under `cargo lambda watch`), creates
//! a notebook, a training job and a model outside the VPC without customer keys, plus one compliant
//! training job, then delivers the events SageMaker and CloudTrail emit, step by step, and prints
//! what the function answered, the alerts security operations received and the before/after state
//! of each resource. Then it audits the estate with the `audit` function, and deploys the
//! `upload-guard` function into a second account, where a notebook's role exports data: into a
//! bucket of the account (quarantined) and into a partner's bucket (a critical alert). Last, it
//! deploys the `trail-guard` function into a third account, where someone stops the trail that
//! feeds smguard and disables smguard's EventBridge rule: both are restored and alerted. Stops
//! everything and removes its files at the end.
//!
//!     smguard-demo [--dry-run]

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stderr,
    reason = "a demo over a local test bed: a broken test bed ends it with its message"
)]

use std::collections::BTreeMap;

use serde_json::Value;
use smguard_engine::ActionTaken;
use smguard_policy::ResourceKind;
use smguard_tests::emulator::{Emulator, REGION};
use smguard_tests::estate::{
    create_compliant_training_job, create_notebook, create_open_model, create_open_training_job,
};
use smguard_tests::lambda::LocalLambda;
use smguard_tests::stage::Stage;
use smguard_tests::trails::{FUNCTION as TRAIL_GUARD, RULE, TRAIL, TrailEstate};
use smguard_tests::uploads::{FUNCTION as UPLOAD_GUARD, UploadEstate};

const VOLUME_KEY: &str = "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/4f2b8c1e-7a3d-4e5f-9b6c-2d1e0f3a4b5c";
const OUTPUT_KEY: &str = "alias/ml-platform-output";

/// The estate: what each resource is, and what is wrong with it.
const ESTATE: &[(ResourceKind, &str, &str)] = &[
    (
        ResourceKind::NotebookInstance,
        "quick-look",
        "no VPC, direct internet access, no customer key",
    ),
    (ResourceKind::TrainingJob, "churn-open", "no VPC, no customer keys"),
    (ResourceKind::Model, "churn-model", "no VPC"),
    (
        ResourceKind::TrainingJob,
        "churn-xgb",
        "in the VPC, approved customer keys (compliant)",
    ),
];

#[tokio::main]
async fn main() {
    let mode = match std::env::args().nth(1).as_deref() {
        None => "enforce",
        Some("--dry-run") => "dry-run",
        Some(other) => {
            eprintln!("usage: smguard-demo [--dry-run] (unknown argument `{other}`)");
            std::process::exit(2);
        }
    };
    println!("smguard demo: the sagemaker-guard function against an insecure SageMaker estate ({mode} mode)\n");
    let emulator = Emulator::start();
    let approved = format!("{VOLUME_KEY},{OUTPUT_KEY}");
    // `cargo lambda watch` serves both functions with one environment; the audit's settings are
    // known to the guard, which ignores them.
    let reports = format!("smguard-reports-demo-{}", std::process::id());
    let stage = Stage::with_topic(
        &emulator,
        "demo",
        mode,
        &[
            ("SMGUARD_APPROVED_KMS_KEYS", &approved),
            ("SMGUARD_REPORT_BUCKET", &reports),
            ("SMGUARD_AUDIT_MAY_RESPOND", "true"),
        ],
        "smguard-alerts",
    )
    .await;
    stage.account.create_bucket(&emulator, &reports);
    println!(
        "test bed   moto 5.2.5 + smguard's SageMaker extension at {}",
        emulator.endpoint()
    );
    println!("account    {} in {REGION}", stage.account.id);
    println!("function   sagemaker-guard (cargo lambda watch), role smguard-guard, SMGUARD_MODE={mode}");

    step(1, "a data scientist creates four resources");
    create_notebook(&stage.account, "quick-look").await;
    create_open_training_job(&stage.account, "churn-open").await;
    create_open_model(&stage.account, "churn-model").await;
    create_compliant_training_job(&stage.account, "churn-xgb", VOLUME_KEY, OUTPUT_KEY).await;
    for (kind, name, what) in ESTATE {
        println!("  {:<18} {name:<12} {what}", kind.display_name());
    }
    let before = snapshot(&stage).await;

    step(2, "their Create calls and state changes reach the function");
    deliver(&stage).await;

    step(3, "SageMaker finishes starting the notebook (InService)");
    stage.advance(ResourceKind::NotebookInstance, "quick-look");
    deliver(&stage).await;

    if stage
        .status(ResourceKind::NotebookInstance, "quick-look")
        .await
        .as_deref()
        == Some("Stopping")
    {
        step(4, "the notebook finishes stopping (Stopped)");
        stage.advance(ResourceKind::NotebookInstance, "quick-look");
        deliver(&stage).await;
    }

    step(5, "before and after");
    let after = snapshot(&stage).await;
    println!("  {:<18} {:<12} {:<12} after", "resource", "name", "before");
    for (kind, name, _) in ESTATE {
        let key = (kind.display_name(), *name);
        println!("  {:<18} {name:<12} {:<12} {}", key.0, before[&key], after[&key]);
    }

    step(
        6,
        "a training job from before smguard was deployed: its events never reached the function",
    );
    create_open_training_job(&stage.account, "legacy-train").await;
    let missed = stage.routed().await.len();
    println!("  training job       legacy-train no VPC, no customer keys ({missed} events dropped)");

    step(7, "an on-demand audit of the whole estate (aws lambda invoke audit)");
    audit(&stage, r#"{"respond": false}"#).await;
    println!("\n  the same audit asked to respond: {{\"respond\": true}}");
    audit(&stage, r#"{"respond": true}"#).await;
    println!(
        "  legacy-train is now {}",
        stage
            .status(ResourceKind::TrainingJob, "legacy-train")
            .await
            .unwrap_or_else(|| "(deleted)".to_owned())
    );

    let Stage { lambda, .. } = stage;
    lambda.stop_and_clean();

    uploads(&emulator, mode).await;
    tampering(&emulator, mode).await;
    emulator.stop_and_clean();
    println!("\ncleaned up: the function and the test bed are stopped, their files removed.");
}

/// Invokes the audit function and prints its summary and what each resource came to.
async fn audit(stage: &Stage<'_>, payload: &str) {
    let mut answer = stage.lambda.invoke("audit", payload);
    let mut invocations = 1;
    // Under `cargo lambda watch` an invocation's deadline is near: the audit returns a
    // continuation, and is invoked again with it, until its run is complete.
    while answer.body["status"] == "continue" {
        let resume = serde_json::json!({"continuation": answer.body["continuation"]});
        answer = stage.lambda.invoke("audit", &resume.to_string());
        invocations += 1;
    }
    assert!(!answer.failed(), "the audit failed: {}", answer.body);
    let summary = &answer.body["summary"];
    println!(
        "  run {} ({invocations} invocations): {} resources, {} non-compliant, {} compliant; report {}",
        summary["run_id"].as_str().unwrap_or_default(),
        summary["resources"],
        summary["by_outcome"]["non_compliant"].as_u64().unwrap_or(0),
        summary["by_outcome"]["compliant"].as_u64().unwrap_or(0),
        summary["report"].as_str().unwrap_or_default()
    );
    for (action, count) in summary["actions"].as_object().into_iter().flatten() {
        println!("    {action}: {count}");
    }
    for alert in stage.alerts().await {
        match alert.get("summary") {
            Some(_) => println!("  ALERT  audit summary published (schema {})", alert["schema"]),
            None => print_alert(&alert),
        }
    }
}

/// The upload guard in a second account: a notebook's role writes a model artifact where it
/// should, then exports data to another bucket of the account and to a partner's bucket.
async fn uploads(emulator: &Emulator, mode: &str) {
    let estate = UploadEstate::deploy(emulator, mode).await;
    let lambda = LocalLambda::start(
        &format!("demo-upload-{}", estate.deployment.account.id),
        &estate.deployment.env,
    );
    step(
        8,
        "the upload guard: a notebook's role writes to S3 (a trail logs S3 write data events)",
    );
    println!(
        "  account {}, role service-role/AmazonSageMaker-ExecutionRole-e2e; approved: s3://{}/ (whole), s3://{}/output/",
        estate.deployment.account.id, estate.model_bucket, estate.shared_bucket
    );
    estate.put(&estate.model_bucket, "churn/model.tar.gz", "weights").await;
    estate
        .put(&estate.scratch_bucket, "exports/customers.parquet", "customer rows")
        .await;
    estate
        .put(&estate.foreign_bucket, "incoming/customers.parquet", "customer rows")
        .await;
    println!(
        "  PutObject s3://{}/churn/model.tar.gz -> not routed (approved whole)",
        estate.model_bucket
    );
    for body in estate.deployment.routed().await {
        let event: Value = serde_json::from_str(&body).unwrap();
        let parameters = &event["detail"]["requestParameters"];
        let what = format!(
            "{} s3://{}/{}",
            event["detail"]["eventName"].as_str().unwrap_or("?"),
            parameters["bucketName"].as_str().unwrap_or("?"),
            parameters["key"].as_str().unwrap_or("?")
        );
        let answer = lambda.invoke(UPLOAD_GUARD, &body);
        if answer.failed() {
            println!("  {what} -> FAILED: {}\n{}", answer.body, lambda.logs());
            continue;
        }
        let actions: Vec<String> = described_actions(&answer.body["actions"]);
        let outcome = answer.body["outcome"].as_str().unwrap_or("?");
        let done = match (actions.is_empty(), outcome) {
            (false, _) => format!(": {}", actions.join("; ")),
            (true, "non_compliant") => ": another account's bucket, nothing smguard may touch".to_owned(),
            (true, _) => String::new(),
        };
        let alerted = if answer.body["alerted"] == true {
            ", alerted"
        } else {
            ""
        };
        println!("  {what} -> {outcome}{done}{alerted}");
    }
    for alert in estate.deployment.alerts().await {
        println!(
            "  ALERT  [{}] {}",
            alert["severity"].as_str().unwrap_or("?"),
            alert["subject"].as_str().unwrap_or_default()
        );
        let object = &alert["object"];
        println!(
            "         owner {} ({}), {} bytes, by {} from {} via {}",
            object["bucket_owner"].as_str().unwrap_or("unknown"),
            if object["own_bucket"] == true {
                "this account"
            } else {
                "ANOTHER ACCOUNT"
            },
            object["bytes"],
            alert["principal"].as_str().unwrap_or("?"),
            alert["source_ip"].as_str().unwrap_or("?"),
            object["vpc_endpoint_id"].as_str().unwrap_or("no VPC endpoint")
        );
    }
    let kept = estate.quarantined().await;
    println!(
        "  quarantine s3://{}/: {}",
        estate.quarantine_bucket,
        if kept.is_empty() {
            "empty".to_owned()
        } else {
            kept.join(", ")
        }
    );
    let left = estate
        .read(
            &estate.deployment.account,
            &estate.scratch_bucket,
            "exports/customers.parquet",
        )
        .await
        .is_some();
    println!(
        "  s3://{}/exports/customers.parquet {}",
        estate.scratch_bucket,
        if left {
            "is still there"
        } else {
            "is gone (kept in quarantine)"
        }
    );
    lambda.stop_and_clean();
}

/// The trail guard in a third account: someone stops the trail that feeds smguard and disables
/// smguard's EventBridge rule.
async fn tampering(emulator: &Emulator, mode: &str) {
    let estate = TrailEstate::deploy(emulator, mode).await;
    let lambda = LocalLambda::start(
        &format!("demo-trail-{}", estate.deployment.account.id),
        &estate.deployment.env,
    );
    step(9, "the trail guard: someone stops the trail and disables a rule");
    let account = &estate.deployment.account;
    println!(
        "  account {}, protected trail {TRAIL} (logging: {}), smguard rule {RULE} ({})",
        account.id,
        estate.is_logging().await,
        estate.rule_state().await
    );
    estate.stop_logging(account).await;
    estate.disable_rule().await;
    println!(
        "  StopLogging {TRAIL}, DisableRule {RULE} -> logging: {}, rule {}",
        estate.is_logging().await,
        estate.rule_state().await
    );
    for body in estate.deployment.routed().await {
        let event: Value = serde_json::from_str(&body).unwrap();
        let call = event["detail"]["eventName"].as_str().unwrap_or("?").to_owned();
        let answer = lambda.invoke(TRAIL_GUARD, &body);
        if answer.failed() {
            println!("  {call} -> FAILED: {}\n{}", answer.body, lambda.logs());
            continue;
        }
        let actions: Vec<String> = described_actions(&answer.body["actions"]);
        let outcome = answer.body["outcome"].as_str().unwrap_or("?");
        let done = if actions.is_empty() {
            match answer.body["reason"].as_str() {
                Some(reason) => format!(" ({reason})"),
                None => String::new(),
            }
        } else {
            format!(": {}", actions.join("; "))
        };
        let alerted = if answer.body["alerted"] == true {
            ", alerted"
        } else {
            ""
        };
        println!("  {call:<12} -> {outcome}{done}{alerted}");
    }
    for alert in estate.deployment.alerts().await {
        print_alert(&alert);
    }
    println!(
        "  after: trail {TRAIL} logging: {}, rule {RULE} {}",
        estate.is_logging().await,
        estate.rule_state().await
    );
    lambda.stop_and_clean();
}

/// What a function's answer says it did, one "action result" per action.
fn described_actions(actions: &Value) -> Vec<String> {
    serde_json::from_value::<Vec<ActionTaken>>(actions.clone())
        .unwrap_or_default()
        .iter()
        .map(|taken| format!("{} {}", taken.action, taken.describe()))
        .collect()
}

fn step(number: u32, title: &str) {
    println!("\n{number}. {title}");
}

async fn snapshot(stage: &Stage<'_>) -> BTreeMap<(&'static str, &'static str), String> {
    let mut states = BTreeMap::new();
    for (kind, name, _) in ESTATE {
        let status = stage
            .status(*kind, name)
            .await
            .unwrap_or_else(|| "(deleted)".to_owned());
        states.insert((kind.display_name(), *name), status);
    }
    states
}

/// Delivers what the EventBridge rules routed, then prints the answers and the alerts.
async fn deliver(stage: &Stage<'_>) {
    for (event, answer) in stage.deliver().await {
        let detail = &event["detail"];
        let what = detail["eventName"]
            .as_str()
            .map(|call| format!("CloudTrail {call}"))
            .unwrap_or_else(|| {
                format!(
                    "{} {}",
                    event["detail-type"].as_str().unwrap_or("event"),
                    status_of(detail)
                )
            });
        let body = &answer.body;
        if answer.failed() {
            println!("  {what:<50} -> FAILED: {body}\n{}", stage.lambda.logs());
            continue;
        }
        let name = body["resource"]["name"].as_str().unwrap_or("-");
        let actions: Vec<String> = described_actions(&body["actions"]);
        let outcome = body["outcome"].as_str().unwrap_or("?");
        let alerted = if body["alerted"] == true { ", alerted" } else { "" };
        let done = if actions.is_empty() {
            if outcome == "non_compliant" {
                ": already contained, nothing to do".to_owned()
            } else {
                String::new()
            }
        } else {
            format!(": {}", actions.join("; "))
        };
        println!("  {what:<50} {name:<12} -> {outcome}{done}{alerted}");
    }
    for alert in stage.alerts().await {
        print_alert(&alert);
    }
}

fn status_of(detail: &Value) -> &str {
    [
        "NotebookInstanceStatus",
        "TrainingJobStatus",
        "ProcessingJobStatus",
        "TransformJobStatus",
        "HyperParameterTuningJobStatus",
    ]
    .iter()
    .find_map(|key| detail[*key].as_str())
    .unwrap_or("")
}

/// An alert as security operations' queue received it (the JSON form; e-mail gets the text form).
fn print_alert(alert: &Value) {
    println!("  ALERT  {}", alert["subject"].as_str().unwrap_or_default());
    let time = alert["event_time"].as_str().unwrap_or("?");
    match (alert["principal"].as_str(), alert["source_ip"].as_str()) {
        (Some(by), from) => println!(
            "         {} by {by} from {} at {time}",
            alert["event_name"].as_str().unwrap_or("call"),
            from.unwrap_or("?")
        ),
        (None, _) => println!(
            "         {} at {time}",
            alert["event_name"].as_str().unwrap_or("state change")
        ),
    }
    for finding in alert["findings"].as_array().into_iter().flatten() {
        println!(
            "         - {} ({}, {}): {}",
            finding["rule"].as_str().unwrap_or_default(),
            finding["severity"].as_str().unwrap_or_default(),
            finding["mode"].as_str().unwrap_or_default(),
            finding["reason"].as_str().unwrap_or_default()
        );
    }
    let unknown: Vec<&str> = alert["undetermined"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if !unknown.is_empty() {
        println!(
            "         (not in this event, so not judged here: {})",
            unknown.join(", ")
        );
    }
}
