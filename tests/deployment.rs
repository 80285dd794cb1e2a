//! `infra/template.json` agrees with the code it deploys: the events its rules route are the
//! events the policy evaluates, its IAM policy grants what the adapters call and no more, its
//! environment is the configuration the function reads, and its ARNs are partition-neutral.
//! (`make lint` also runs cfn-lint over it.)

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed assertion"
)]

use std::collections::BTreeSet;

use serde_json::Value;
use smguard_aws::{S3Ledger, SageMakerInventory, SageMakerRemediator, SnsNotifier};
use smguard_engine::Mode;
use smguard_engine::guard::LEASE;
use smguard_policy::config::{ALERT_TOPIC_ARN, KNOWN_KEYS, LEDGER_BUCKET, MODE};
use smguard_policy::event::{API_CALL_DETAIL_TYPE, evaluated_api_calls, evaluated_state_changes};
use smguard_sagemaker_guard::LEDGER_PREFIX;
use smguard_tests::emulator::workspace;

fn template() -> Value {
    serde_json::from_str(&std::fs::read_to_string(workspace().join("infra/template.json")).unwrap()).unwrap()
}

fn of_type<'a>(template: &'a Value, kind: &str) -> Vec<(&'a String, &'a Value)> {
    template["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, r)| r["Type"] == kind)
        .collect()
}

fn strings(value: &Value) -> BTreeSet<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_rules_route_exactly_the_events_the_policy_evaluates() {
    let template = template();
    let patterns: Vec<&Value> = of_type(&template, "AWS::Events::Rule")
        .iter()
        .map(|(_, r)| &r["Properties"]["EventPattern"])
        .collect();
    let calls: Vec<&&Value> = patterns
        .iter()
        .filter(|p| p["detail-type"][0] == API_CALL_DETAIL_TYPE)
        .collect();
    assert_eq!(calls.len(), 1);
    let call = calls[0];
    assert_eq!(
        strings(&call["detail"]["eventName"]),
        evaluated_api_calls().iter().map(|s| s.to_string()).collect()
    );
    assert_eq!(
        call["detail"]["errorCode"],
        serde_json::json!([{"exists": false}]),
        "failed calls are not routed"
    );
    assert_eq!(
        call["detail"]["eventSource"],
        serde_json::json!(["sagemaker.amazonaws.com"])
    );

    let changes: BTreeSet<String> = patterns
        .iter()
        .filter(|p| p["detail-type"][0] != API_CALL_DETAIL_TYPE)
        .flat_map(|p| strings(&p["detail-type"]))
        .collect();
    assert_eq!(
        changes,
        evaluated_state_changes().iter().map(|s| s.to_string()).collect()
    );
    for pattern in &patterns {
        assert_eq!(pattern["source"], serde_json::json!(["aws.sagemaker"]));
    }
}

#[test]
fn every_rule_may_invoke_the_function_and_keeps_what_it_cannot_deliver() {
    let template = template();
    let rules = of_type(&template, "AWS::Events::Rule");
    let permissions = of_type(&template, "AWS::Lambda::Permission");
    assert_eq!(rules.len(), permissions.len());
    for (name, rule) in rules {
        let target = &rule["Properties"]["Targets"][0];
        assert_eq!(target["Arn"]["Fn::GetAtt"][0], "GuardFunction", "{name}");
        assert_eq!(
            target["DeadLetterConfig"]["Arn"]["Fn::GetAtt"][0], "FailedEvents",
            "{name}"
        );
        assert!(
            permissions
                .iter()
                .any(|(_, p)| p["Properties"]["SourceArn"]["Fn::GetAtt"][0] == name.as_str()),
            "{name} has no lambda:InvokeFunction permission"
        );
    }
}

#[test]
fn the_role_grants_what_the_adapters_call_and_no_more() {
    let template = template();
    let statements = template["Resources"]["GuardRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
        .as_array()
        .unwrap()
        .clone();
    let granted: BTreeSet<String> = statements
        .iter()
        .flat_map(|s| strings(&s["Action"]))
        .filter(|action| !action.starts_with("kms:") && !action.starts_with("sqs:") && !action.starts_with("logs:"))
        .collect();
    let needed: BTreeSet<String> = SageMakerInventory::describe_permissions()
        .into_iter()
        .chain(SageMakerRemediator::permissions())
        .chain(
            [SnsNotifier::PERMISSIONS, S3Ledger::PERMISSIONS]
                .concat()
                .iter()
                .map(|s| s.to_string()),
        )
        .collect();
    assert_eq!(granted, needed, "granted (left) vs. the adapters' PERMISSIONS (right)");
    for statement in &statements {
        assert_eq!(statement["Effect"], "Allow");
        assert_ne!(statement["Resource"], "*", "{statement}");
    }
    let ledger = statements
        .iter()
        .find(|s| strings(&s["Action"]).contains("s3:PutObject"))
        .unwrap();
    assert_eq!(
        ledger["Resource"]["Fn::Sub"],
        format!("${{LedgerBucket.Arn}}/{LEDGER_PREFIX}*")
    );
}

#[test]
fn the_environment_is_the_configuration_the_function_reads() {
    let template = template();
    let function = &template["Resources"]["GuardFunction"]["Properties"];
    let variables = function["Environment"]["Variables"].as_object().unwrap();
    for key in variables.keys() {
        assert!(
            KNOWN_KEYS.contains(&key.as_str()),
            "{key} is not a setting the function reads"
        );
    }
    for key in [MODE, ALERT_TOPIC_ARN, LEDGER_BUCKET] {
        assert!(variables.contains_key(key), "the required {key} is not set");
    }
    for mode in strings(&template["Parameters"]["Mode"]["AllowedValues"]) {
        assert!(Mode::parse(&mode).is_some(), "{mode}");
    }
    assert_eq!(
        template["Parameters"]["Mode"]["Default"], "dry-run",
        "a first deployment changes nothing"
    );
    assert_eq!(
        (function["Runtime"].as_str(), function["Handler"].as_str()),
        (Some("provided.al2023"), Some("bootstrap"))
    );
}

#[test]
fn ledger_entries_outlive_every_redelivery_and_leases_outlive_invocations() {
    let template = template();
    let resources = &template["Resources"];
    let timeout = resources["GuardFunction"]["Properties"]["Timeout"].as_u64().unwrap();
    assert!(
        timeout < LEASE.as_secs(),
        "an invocation ({timeout} s) must end before its lease ({} s)",
        LEASE.as_secs()
    );
    let lifecycle = &resources["LedgerBucket"]["Properties"]["LifecycleConfiguration"]["Rules"][0];
    assert!(LEDGER_PREFIX.starts_with(lifecycle["Prefix"].as_str().unwrap()));
    let kept = lifecycle["ExpirationInDays"].as_u64().unwrap() * 86_400;
    let lambda_retries = resources["GuardInvokeConfig"]["Properties"]["MaximumEventAgeInSeconds"]
        .as_u64()
        .unwrap();
    for (name, rule) in of_type(&template, "AWS::Events::Rule") {
        let eventbridge_retries = rule["Properties"]["Targets"][0]["RetryPolicy"]["MaximumEventAgeInSeconds"]
            .as_u64()
            .unwrap();
        assert!(
            kept > eventbridge_retries + lambda_retries,
            "{name}: a redelivery could outlive its ledger entry"
        );
    }
}

#[test]
fn every_arn_is_partition_neutral_and_everything_at_rest_is_encrypted_with_the_customer_key() {
    let text = std::fs::read_to_string(workspace().join("infra/template.json")).unwrap();
    assert!(
        !text.contains("arn:aws:") && !text.contains("arn:aws-us-gov:"),
        "ARNs must use ${{AWS::Partition}}"
    );
    let template = template();
    let resources = &template["Resources"];
    assert_eq!(
        resources["AlertTopic"]["Properties"]["KmsMasterKeyId"]["Ref"],
        "GuardKey"
    );
    assert_eq!(
        resources["FailedEvents"]["Properties"]["KmsMasterKeyId"]["Ref"],
        "GuardKey"
    );
    let bucket = &resources["LedgerBucket"]["Properties"];
    let encryption =
        &bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"];
    assert_eq!(encryption["SSEAlgorithm"], "aws:kms");
    assert_eq!(encryption["KMSMasterKeyID"]["Fn::GetAtt"][0], "GuardKey");
    assert!(
        bucket["PublicAccessBlockConfiguration"]
            .as_object()
            .unwrap()
            .values()
            .all(|v| v == true)
    );
    assert_eq!(
        resources["GuardLogGroup"]["Properties"]["KmsKeyId"]["Fn::GetAtt"][0],
        "GuardKey"
    );
}
