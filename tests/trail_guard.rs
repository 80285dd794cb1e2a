//! `trail-guard` end to end: the real binary under `cargo lambda watch`, its SDK pointed at the
//! emulator, running as the `smguard-trail-guard` role of the test's account.
//!
//! Someone in the account tampers with the trail and with smguard's parts through the real SDK;
//! the emulator records each call as CloudTrail would and puts it on the account's bus; an
//! EventBridge rule with the template's trail-guard pattern routes it to a queue; each test
//! delivers what the queue holds to the function and checks the trail, the rule, the function and
//! what security operations read on both alert channels.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed assertion"
)]

use serde_json::Value;
use smguard_tests::emulator::Emulator;
use smguard_tests::lambda::{Invocation, LocalLambda};
use smguard_tests::stage::alert_actions;
use smguard_tests::trails::{FUNCTION, TRAIL, TrailEstate, platform_selectors};

/// Delivers what the rule routed since the last call; returns the events and the answers.
async fn deliver(estate: &TrailEstate<'_>, lambda: &LocalLambda) -> Vec<(Value, Invocation)> {
    estate.deployment.deliver_to(lambda, FUNCTION).await
}

/// The answers to the events named `call` among those delivered.
fn answers_to<'a>(delivered: &'a [(Value, Invocation)], call: &str) -> Vec<&'a Value> {
    delivered
        .iter()
        .filter(|(event, _)| {
            event["detail"]["eventName"]
                .as_str()
                .is_some_and(|n| n.starts_with(call))
        })
        .map(|(_, answer)| &answer.body)
        .collect()
}

fn start(estate: &TrailEstate<'_>) -> LocalLambda {
    LocalLambda::start(
        &format!("trail-{}", estate.deployment.account.id),
        &estate.deployment.env,
    )
}

#[tokio::test]
async fn tampering_is_restored_and_alerted_once_and_the_pipelines_changes_are_left_alone() {
    let emulator = Emulator::shared();
    let estate = TrailEstate::deploy(emulator, "enforce").await;
    let lambda = start(&estate);
    let account = &estate.deployment.account;
    let cloudtrail = account.cloudtrail().await;

    // Someone stops the trail: it logs again, and security operations hear of it once.
    estate.stop_logging(account).await;
    assert!(!estate.is_logging().await);
    let delivered = deliver(&estate, &lambda).await;
    let stop = answers_to(&delivered, "StopLogging");
    assert_eq!(stop.len(), 1, "{delivered:?}");
    assert_eq!(stop[0]["outcome"], "non_compliant");
    assert_eq!(stop[0]["rules"], serde_json::json!(["trail.logging-required"]));
    assert!(estate.is_logging().await, "logging again");
    let own = answers_to(&delivered, "StartLogging");
    assert!(
        own.iter().all(|a| a["outcome"] == "ignored"),
        "the guard's own StartLogging is its own call: {own:?}"
    );
    let alerts = estate.deployment.alerts().await;
    assert_eq!(alerts.len(), 1, "{alerts:#?}");
    assert_eq!(alerts[0]["severity"], "critical");
    assert_eq!(alerts[0]["part"]["arn"], estate.trail_arn.as_str());
    assert_eq!(alert_actions(&alerts[0]), [("start_logging".into(), "done".into())]);

    // A redelivery of the same event acts and alerts no more.
    let (event, _) = delivered
        .iter()
        .find(|(e, _)| e["detail"]["eventName"] == "StopLogging")
        .unwrap();
    let again = lambda.invoke(FUNCTION, &event.to_string());
    assert_eq!(again.body["duplicate"], true, "{}", again.body);
    let calls: Vec<String> = emulator
        .requests_by(&estate.function_access_key())
        .iter()
        .map(|r| r["operation"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(calls.iter().filter(|c| *c == "StartLogging").count(), 1, "{calls:?}");
    assert_eq!(
        calls[..5],
        ["PutObject", "GetTrailStatus", "StartLogging", "Publish", "PutObject"],
        "a restore: the ledger's claim, the read, the restore, the alert, the ledger's done"
    );
    assert!(estate.deployment.alerts().await.is_empty());

    // The S3 data events are dropped: the required selector is back, the Lambda one kept.
    let narrowed: Vec<_> = platform_selectors()
        .into_iter()
        .filter(|s| s.name() != Some("S3 object writes"))
        .collect();
    cloudtrail
        .put_event_selectors()
        .trail_name(TRAIL)
        .set_advanced_event_selectors(Some(narrowed))
        .send()
        .await
        .unwrap();
    let delivered = deliver(&estate, &lambda).await;
    assert_eq!(
        answers_to(&delivered, "PutEventSelectors")[0]["outcome"],
        "non_compliant"
    );
    assert_eq!(
        estate.selector_names().await,
        [
            "Management events",
            "Lambda invocations",
            "smguard: S3 object write data events"
        ]
    );
    let alerts = estate.deployment.alerts().await;
    assert_eq!(alerts.len(), 1);
    assert_eq!(
        alert_actions(&alerts[0])[0],
        ("restore_recording".into(), "done".into())
    );

    // smguard's rule is disabled: enabled again.
    estate.disable_rule().await;
    let delivered = deliver(&estate, &lambda).await;
    assert_eq!(answers_to(&delivered, "DisableRule")[0]["outcome"], "non_compliant");
    assert_eq!(estate.rule_state().await, "ENABLED");

    // smguard's function is throttled to zero: the limit is removed. A non-zero limit is fine.
    estate.put_concurrency(0).await;
    let delivered = deliver(&estate, &lambda).await;
    assert_eq!(
        answers_to(&delivered, "PutFunctionConcurrency")[0]["outcome"],
        "non_compliant"
    );
    assert_eq!(estate.reserved_concurrency().await, None, "limit removed");
    estate.put_concurrency(5).await;
    let delivered = deliver(&estate, &lambda).await;
    assert_eq!(
        answers_to(&delivered, "PutFunctionConcurrency")[0]["outcome"],
        "compliant"
    );
    assert_eq!(estate.reserved_concurrency().await, Some(5));
    let alerts = estate.deployment.alerts().await;
    assert_eq!(alerts.len(), 2, "the rule and the zero limit: {alerts:#?}");

    // smguard's key is scheduled for deletion: the deletion is cancelled and the key enabled.
    let kms = aws_sdk_kms::Client::new(&account.config().await);
    kms.schedule_key_deletion()
        .key_id(&estate.key_arn)
        .pending_window_in_days(7)
        .send()
        .await
        .unwrap();
    deliver(&estate, &lambda).await;
    let key = kms.describe_key().key_id(&estate.key_arn).send().await.unwrap();
    assert_eq!(
        key.key_metadata.unwrap().key_state.unwrap().as_str(),
        "Enabled",
        "deletion cancelled, then enabled"
    );
    assert_eq!(estate.deployment.alerts().await.len(), 1);

    // The deployment pipeline stops the trail: logged, not reverted.
    estate.stop_logging(&estate.admin).await;
    let delivered = deliver(&estate, &lambda).await;
    let admin = answers_to(&delivered, "StopLogging");
    assert_eq!(admin[0]["outcome"], "ignored");
    assert!(
        admin[0]["reason"].as_str().unwrap().contains("admin principal"),
        "{}",
        admin[0]
    );
    assert!(!estate.is_logging().await, "an expected change is left as it is");
    assert!(estate.deployment.alerts().await.is_empty());

    // The alert topic is deleted: the alert goes through the second channel.
    account
        .sns()
        .await
        .delete_topic()
        .topic_arn(account.arn("sns", "smguard-alerts"))
        .send()
        .await
        .unwrap();
    let delivered = deliver(&estate, &lambda).await;
    assert_eq!(answers_to(&delivered, "DeleteTopic")[0]["alerted"], true);
    let second = estate.second_channel_alerts().await;
    assert_eq!(second.len(), 1, "{second:#?}");
    assert_eq!(second[0]["channel"], "fallback");
    assert_eq!(second[0]["part"]["kind"], "sns_topic");
    lambda.stop_and_clean();
}

#[tokio::test]
async fn a_dry_run_changes_nothing_and_says_what_it_would_have_done() {
    let emulator = Emulator::shared();
    let estate = TrailEstate::deploy(emulator, "dry-run").await;
    let lambda = start(&estate);
    let account = &estate.deployment.account;
    estate.stop_logging(account).await;
    estate.disable_rule().await;
    let delivered = deliver(&estate, &lambda).await;
    assert_eq!(delivered.len(), 2, "{delivered:?}");
    assert!(!estate.is_logging().await, "still stopped");
    assert_eq!(estate.rule_state().await, "DISABLED");
    let alerts = estate.deployment.alerts().await;
    assert_eq!(alerts.len(), 2);
    for alert in &alerts {
        assert_eq!(alert["dry_run"], true);
        assert_eq!(alert_actions(alert)[0].1, "would_have_done", "{alert:#}");
    }
    let requests = emulator.requests_by(&estate.function_access_key());
    for write in ["StartLogging", "EnableRule"] {
        assert!(
            !requests.iter().any(|r| r["operation"] == write),
            "{write} in a dry run: {requests:?}"
        );
    }
    lambda.stop_and_clean();
}

/// The trail guard's own rule is watched by the other guard: the template's watch rule routes a
/// `DisableRule` on it to the real `sagemaker-guard` binary, which enables it again.
#[tokio::test]
async fn the_sagemaker_guard_restores_the_trail_guards_own_rule() {
    use smguard_tests::stage::{Deployment, patterns_to, template};
    let emulator = Emulator::shared();
    let account = emulator.account().await;
    let events = account.events().await;
    let rule = "smguard-trail-guard-calls";
    let rule_arn = events
        .put_rule()
        .name(rule)
        .event_pattern(r#"{"source":["aws.cloudtrail"]}"#)
        .send()
        .await
        .unwrap()
        .rule_arn
        .unwrap();
    let watch: Vec<Value> = patterns_to(&template(), "GuardFunction")
        .into_iter()
        .filter(|p| p["source"] == serde_json::json!(["aws.events", "aws.lambda"]))
        .collect();
    assert_eq!(watch.len(), 1);
    let trail_guard_function = account.arn("lambda", "function:smguard-trail-guard");
    let deployment = Deployment::routing(
        emulator,
        account,
        "enforce",
        &[
            ("SMGUARD_GUARD_RULE_ARNS", &rule_arn),
            ("SMGUARD_GUARD_FUNCTION_ARNS", &trail_guard_function),
        ],
        "smguard-alerts",
        &watch,
        "smguard-guard",
        "sagemaker-guard",
    )
    .await;
    let lambda = LocalLambda::start(&format!("watch-{}", deployment.account.id), &deployment.env);
    deployment
        .account
        .events()
        .await
        .disable_rule()
        .name(rule)
        .send()
        .await
        .unwrap();
    let delivered = deployment.deliver_to(&lambda, "sagemaker-guard").await;
    assert_eq!(answers_to(&delivered, "DisableRule")[0]["outcome"], "non_compliant");
    let state = deployment
        .account
        .events()
        .await
        .describe_rule()
        .name(rule)
        .send()
        .await
        .unwrap()
        .state
        .unwrap();
    assert_eq!(state.as_str(), "ENABLED");
    let alerts = deployment.alerts().await;
    assert_eq!(alerts.len(), 1);
    assert_eq!(
        alert_actions(&alerts[0]),
        [("enable_rule".to_owned(), "done".to_owned())]
    );
    lambda.stop_and_clean();
}
