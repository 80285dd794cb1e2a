//! The audit end to end: the real `audit` function under `cargo lambda watch` and the real
//! `smguard audit`, against the emulator, through the real SDK clients.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed assertion"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use serde_json::{Value, json};
use smguard_policy::{Action, ResourceKind};
use smguard_tests::cases;
use smguard_tests::emulator::{Emulator, REGION, TestAccount, workspace};
use smguard_tests::estate::{Replayed, create_notebook, create_open_training_job, replay_create_fixtures};
use smguard_tests::lambda::{Invocation, LocalLambda};
use smguard_tests::stage::Deployment;

const FUNCTION: &str = "audit";

/// The audit's deployment: the guard's (topic, queue, ledger) with a report bucket, the
/// fixtures' settings, and responding allowed.
async fn deploy(emulator: &'static Emulator, account: TestAccount, mode: &str) -> (Deployment<'static>, String) {
    let mut deployment = Deployment::in_account(emulator, account, mode, &[], "smguard-alerts").await;
    let reports = format!("smguard-reports-{}", deployment.account.id);
    deployment.account.create_bucket(emulator, &reports);
    let settings = cases::base_settings();
    for key in smguard_policy::config::KNOWN_KEYS {
        if let Some(value) = settings.get(key)
            && !deployment.env.iter().any(|(k, _)| k == key)
        {
            deployment.env.push((key, value.to_owned()));
        }
    }
    deployment.env.push(("SMGUARD_REPORT_BUCKET", reports.clone()));
    deployment.env.push(("SMGUARD_AUDIT_MAY_RESPOND", "true".to_owned()));
    (deployment, reports)
}

fn env<'a>(deployment: &'a Deployment<'_>, key: &str) -> &'a str {
    deployment
        .env
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or_default()
}

/// Invokes the audit until its run is complete; returns the summary and the invocations made.
fn run(lambda: &LocalLambda, payload: Value) -> (Value, usize) {
    let mut answer = lambda.invoke(FUNCTION, &payload.to_string());
    let mut invocations = 1;
    loop {
        assert!(!answer.failed(), "the audit failed: {}\n{}", answer.body, lambda.logs());
        match answer.body["status"].as_str() {
            Some("complete") => return (answer.body["summary"].clone(), invocations),
            Some("continue") => {
                let resume = json!({"continuation": answer.body["continuation"]});
                answer = lambda.invoke(FUNCTION, &resume.to_string());
                invocations += 1;
            }
            other => panic!("unexpected answer {other:?}: {}", answer.body),
        }
    }
}

/// Every line of a run's report, parts in order.
async fn report(account: &TestAccount, bucket: &str, run_id: &str) -> Vec<Value> {
    let s3 = aws_sdk_s3::Client::new(&account.config().await);
    let listed = s3
        .list_objects_v2()
        .bucket(bucket)
        .prefix(format!("audit/{run_id}/"))
        .send()
        .await
        .expect("ListObjectsV2");
    let mut keys: Vec<String> = listed.contents().iter().filter_map(|o| o.key.clone()).collect();
    keys.sort();
    assert!(
        keys.iter().any(|k| k.ends_with("/summary.json")),
        "no summary in {keys:?}"
    );
    let mut lines = Vec::new();
    for key in keys.iter().filter(|k| k.ends_with(".jsonl")) {
        let object = s3.get_object().bucket(bucket).key(key).send().await.expect("GetObject");
        let body = object.body.collect().await.expect("body").into_bytes();
        for line in String::from_utf8_lossy(&body).lines() {
            lines.push(serde_json::from_str(line).expect("a JSON line"));
        }
    }
    lines
}

/// The report's lines by (kind, name), each exactly once.
fn by_resource(lines: &[Value]) -> BTreeMap<(String, String), Value> {
    let mut found = BTreeMap::new();
    for line in lines {
        let key = (
            line["kind"].as_str().unwrap().to_owned(),
            line["name"].as_str().unwrap().to_owned(),
        );
        assert!(
            found.insert(key.clone(), line.clone()).is_none(),
            "{key:?} reported twice"
        );
    }
    found
}

fn acted(line: &Value) -> bool {
    line["actions"].as_array().unwrap().iter().any(|a| {
        matches!(
            a["result"]["type"].as_str(),
            Some("done" | "would_have_done" | "failed")
        )
    })
}

#[tokio::test]
async fn the_audit_reports_every_resource_once_and_responds_once() {
    let emulator = Emulator::shared();
    // The fixtures' account: approved keys and bare key IDs resolve against it.
    let account = emulator.account_with_id("111122223333").await;
    let replayed = replay_create_fixtures(emulator, &account);
    let (deployment, bucket) = deploy(emulator, account, "enforce").await;
    let lambda = LocalLambda::start(&format!("audit-{}", deployment.account.id), &deployment.env);

    // Report only: every resource once, with the findings its Create call had; nothing changed.
    let (summary, _) = run(&lambda, json!({}));
    let run_id = summary["run_id"].as_str().unwrap();
    let lines = report(&deployment.account, &bucket, run_id).await;
    let found = by_resource(&lines);
    for Replayed { file, decision, target } in &replayed {
        let line = found
            .get(&(target.kind.as_str().to_owned(), target.name.clone()))
            .unwrap_or_else(|| panic!("{file}: {} {} not in the report", target.kind, target.name));
        assert_eq!(line["outcome"], decision.outcome.as_str(), "{file}");
        let rules: BTreeSet<String> = line["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_owned())
            .collect();
        let expected: BTreeSet<String> = decision
            .evaluation
            .failed_rules()
            .iter()
            .map(|r| r.to_string())
            .collect();
        assert_eq!(rules, expected, "{file}");
        let planned: Vec<String> = decision
            .response
            .iter()
            .filter(|a| **a != Action::Alert)
            .map(|a| a.name())
            .collect();
        assert_eq!(line["planned"], json!(planned), "{file}");
        assert_eq!(line["actions"], json!([]), "{file}: report only");
    }
    assert_eq!(lines.len(), replayed.len(), "nothing but the replayed resources");
    let kinds: BTreeSet<&str> = lines.iter().map(|l| l["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds.len(),
        ResourceKind::ALL.len() - 1,
        "every kind but endpoints: {kinds:?}"
    );
    assert_eq!(summary["resources"], replayed.len());
    let alerts = deployment.alerts().await;
    assert_eq!(alerts.len(), 1, "one summary alert: {alerts:?}");
    assert_eq!(alerts[0]["schema"], "smguard.audit-summary/1");
    assert_eq!(alerts[0]["summary"]["run_id"], run_id);

    // Respond: what the guard would contain is contained, each once, and alerted.
    let (summary, _) = run(&lambda, json!({"respond": true}));
    let lines = report(&deployment.account, &bucket, summary["run_id"].as_str().unwrap()).await;
    let contained: Vec<&Value> = lines.iter().filter(|l| acted(l)).collect();
    assert!(contained.len() >= 10, "{} resources contained", contained.len());
    for line in &lines {
        let planned = line["planned"].as_array().unwrap();
        let taken: Vec<&Value> = line["actions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| &a["action"])
            .collect();
        assert_eq!(planned.iter().collect::<Vec<_>>(), taken, "{line}");
    }
    let alerts = deployment.alerts().await;
    assert_eq!(
        alerts.len(),
        contained.len() + 1,
        "one alert per containment and the summary"
    );
    let stopped_job = lines
        .iter()
        .find(|l| l["kind"] == "training_job" && acted(l))
        .expect("a training job stopped");
    assert_eq!(
        deployment
            .status(ResourceKind::TrainingJob, stopped_job["name"].as_str().unwrap())
            .await
            .as_deref(),
        Some("Stopping")
    );

    // A second run acts on nothing and alerts nothing but its summary.
    let (summary, _) = run(&lambda, json!({"respond": true}));
    let lines = report(&deployment.account, &bucket, summary["run_id"].as_str().unwrap()).await;
    assert!(
        lines.iter().all(|l| !acted(l)),
        "{:?}",
        lines.iter().filter(|l| acted(l)).collect::<Vec<_>>()
    );
    assert_eq!(deployment.alerts().await.len(), 1, "the summary only");

    // `smguard audit` runs the same code with the caller's credentials.
    let output = workspace().join("target").join("smguard-audit-cli.jsonl");
    let cli = Command::new(workspace().join("target/debug/smguard"))
        .args(["audit", "--region", REGION, "--output"])
        .arg(&output)
        .arg("--env-file")
        .arg(cases::events_dir().join("fixtures.env"))
        .env("AWS_ENDPOINT_URL", env(&deployment, "AWS_ENDPOINT_URL"))
        .env("AWS_ACCESS_KEY_ID", env(&deployment, "AWS_ACCESS_KEY_ID"))
        .env("AWS_SECRET_ACCESS_KEY", env(&deployment, "AWS_SECRET_ACCESS_KEY"))
        .env("AWS_SESSION_TOKEN", env(&deployment, "AWS_SESSION_TOKEN"))
        .env_remove("AWS_PROFILE")
        .output()
        .expect("run smguard audit");
    let stdout = String::from_utf8_lossy(&cli.stdout);
    // The README's sample (`cargo test --test audit -- --nocapture`).
    println!("{stdout}");
    assert_eq!(
        cli.status.code(),
        Some(1),
        "findings: {stdout}\n{}",
        String::from_utf8_lossy(&cli.stderr)
    );
    assert!(stdout.contains(&format!("in {REGION} (report only)")), "{stdout}");
    assert!(stdout.lines().any(|l| l.starts_with("total")), "{stdout}");
    let written = std::fs::read_to_string(&output).unwrap();
    let from_cli: Vec<Value> = written.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let outcomes = |lines: &[Value]| -> BTreeMap<(String, String), String> {
        by_resource(lines)
            .into_iter()
            .map(|(key, line)| (key, line["outcome"].as_str().unwrap().to_owned()))
            .collect()
    };
    assert_eq!(outcomes(&from_cli), outcomes(&lines), "the CLI and the function agree");
    let _ = std::fs::remove_file(output);
    lambda.stop_and_clean();
}

fn fault(emulator: &Emulator, access_key: &str, operation: &str, times: u32) {
    let body = json!({"access_key": access_key, "service": "sagemaker", "operation": operation,
        "error": "ThrottlingException", "times": times});
    let (status, answer) = emulator
        .http("POST", "/_smguard/faults", Some(&body.to_string()))
        .expect("faults");
    assert_eq!(status, 200, "{answer}");
}

#[tokio::test]
async fn a_tiny_time_budget_continues_and_throttling_still_completes() {
    let emulator = Emulator::shared();
    let (deployment, bucket) = deploy(emulator, emulator.account().await, "enforce").await;
    for name in ["nb-a", "nb-b", "nb-c"] {
        create_notebook(&deployment.account, name).await;
    }
    for name in ["job-a", "job-b"] {
        create_open_training_job(&deployment.account, name).await;
    }
    let lambda = LocalLambda::start(&format!("audit-{}", deployment.account.id), &deployment.env);
    // Few faults: after a throttle the adaptive retry's client-side rate limiter starts slow (its
    // measured send rate is low in a test), so each one costs seconds here.
    let access_key = env(&deployment, "AWS_ACCESS_KEY_ID");
    fault(emulator, access_key, "DescribeNotebookInstance", 1);
    fault(emulator, access_key, "ListTrainingJobs", 1);

    let (summary, invocations) = run(
        &lambda,
        json!({"kinds": ["notebook_instance", "training_job"], "time_budget_seconds": 0}),
    );
    assert_eq!(invocations, 2, "one page per invocation: notebooks, then training jobs");
    assert_eq!(summary["invocations"], 2);
    assert_eq!(summary["complete"], true);
    let lines = report(&deployment.account, &bucket, summary["run_id"].as_str().unwrap()).await;
    let found = by_resource(&lines);
    assert_eq!(found.len(), 5, "{:?}", found.keys());
    assert_eq!(summary["resources"], 5);
    assert!(
        lines.iter().all(|l| l["outcome"] == "non_compliant"),
        "throttled calls were retried, not left unevaluable: {lines:?}"
    );
    assert_eq!(summary["problems_total"], 0);
    // A request the function refuses names what is wrong.
    let refused: Invocation = lambda.invoke(FUNCTION, r#"{"kinds": ["notebook"]}"#);
    assert!(refused.failed());
    assert!(
        refused.body.to_string().contains("unknown kind `notebook`"),
        "{}",
        refused.body
    );
    lambda.stop_and_clean();
}

#[tokio::test]
async fn the_self_check_reports_a_stopped_trail_a_disabled_rule_and_a_missing_s3_data_event_selector() {
    let emulator = Emulator::shared();
    let (mut deployment, _) = deploy(emulator, emulator.account().await, "dry-run").await;
    let account = deployment.account.clone();
    let trail_bucket = format!("trail-{}", account.id);
    account.create_bucket(emulator, &trail_bucket);
    let ct = account.cloudtrail().await;
    ct.create_trail()
        .name("org-trail")
        .s3_bucket_name(&trail_bucket)
        .is_multi_region_trail(true)
        .send()
        .await
        .unwrap();
    // Created, never started: not logging.
    let function = account.arn("lambda", "function:smguard-sagemaker-guard");
    let bus = account.events().await;
    bus.put_rule()
        .name("smguard-sagemaker-calls")
        .event_pattern(r#"{"source": ["aws.sagemaker"]}"#)
        .send()
        .await
        .unwrap();
    bus.put_targets()
        .rule("smguard-sagemaker-calls")
        .targets(
            aws_sdk_eventbridge::types::Target::builder()
                .id("guard")
                .arn(&function)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    bus.disable_rule().name("smguard-sagemaker-calls").send().await.unwrap();
    deployment.env.push((
        "SMGUARD_GUARD_RULE_ARNS",
        account.arn("events", "rule/smguard-sagemaker-calls"),
    ));
    deployment.env.push(("SMGUARD_GUARD_FUNCTION_ARNS", function.clone()));
    let lambda = LocalLambda::start(&format!("audit-self-{}", account.id), &deployment.env);
    let checks = |summary: &Value| -> Vec<(String, String)> {
        summary["guard_findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["check"].as_str().unwrap().to_owned(),
                    f["reason"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };

    let (summary, _) = run(&lambda, json!({"kinds": ["notebook_instance"]}));
    let found = checks(&summary);
    let reasons: Vec<&str> = found.iter().map(|(_, r)| r.as_str()).collect();
    // The trail guard's rules judge the parts as described: their reasons.
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("trail `org-trail` is not logging")),
        "{reasons:#?}"
    );
    assert!(
        reasons.contains(&"smguard's rule `smguard-sagemaker-calls` is disabled: no event reaches its function"),
        "{reasons:#?}"
    );
    // The emulator has no such function: the check says so rather than passing it.
    assert!(
        reasons
            .contains(&"smguard's function `smguard-sagemaker-guard` does not exist (deleted): its events go unjudged"),
        "{reasons:#?}"
    );
    let alerts = deployment.alerts().await;
    assert!(alerts[0]["summary"]["guard_findings"].as_array().unwrap().len() >= 3);

    // Logging again, but recording no S3 data events: the upload guard would be blind.
    ct.start_logging().name("org-trail").send().await.unwrap();
    bus.enable_rule().name("smguard-sagemaker-calls").send().await.unwrap();
    let (summary, _) = run(&lambda, json!({"kinds": ["notebook_instance"]}));
    let found: Vec<String> = checks(&summary).into_iter().map(|(check, _)| check).collect();
    assert!(found.contains(&"guard.trail-s3-data-events".to_owned()), "{found:?}");
    assert!(!found.contains(&"guard.trail-logging".to_owned()), "{found:?}");
    assert!(!found.contains(&"guard.rule-enabled".to_owned()), "{found:?}");
    assert!(
        !found.contains(&"guard.alert-subscription".to_owned()),
        "the queue's subscription is confirmed: {found:?}"
    );
    lambda.stop_and_clean();
}
