//! `infra/template.yaml` (AWS SAM) agrees with the code it deploys: the events its rules route are the
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
use smguard_aws::{AwsGuardInputs, S3Ledger, S3Reports, SageMakerInventory, SageMakerRemediator, SnsNotifier};
use smguard_engine::Mode;
use smguard_engine::guard::LEASE;
use smguard_policy::config::{ALERT_TOPIC_ARN, AUDIT_MAY_RESPOND, KNOWN_KEYS, LEDGER_BUCKET, MODE, REPORT_BUCKET};
use smguard_policy::event::{API_CALL_DETAIL_TYPE, evaluated_api_calls, evaluated_state_changes};
use smguard_sagemaker_guard::LEDGER_PREFIX;
use smguard_tests::emulator::workspace;
use smguard_tests::stage::template;

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
    // The audit's schedule rule routes no event.
    let patterns: Vec<&Value> = of_type(&template, "AWS::Events::Rule")
        .iter()
        .filter_map(|(_, r)| r["Properties"].get("EventPattern"))
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
        let function = match rule["Properties"].get("EventPattern") {
            Some(_) => "GuardFunction",
            None => {
                assert_eq!(rule["Condition"], "AuditOnSchedule", "{name}: only on AuditSchedule");
                assert_eq!(
                    target["Input"], r#"{"respond": false}"#,
                    "{name}: a scheduled audit only reports"
                );
                "AuditFunction"
            }
        };
        assert_eq!(target["Arn"]["Fn::GetAtt"][0], function, "{name}");
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

/// A role's statements, the conditional ones (`Fn::If [condition, statement, AWS::NoValue]`)
/// with their condition.
fn statements(template: &Value, role: &str) -> Vec<(Option<String>, Value)> {
    template["Resources"][role]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|statement| match statement.get("Fn::If") {
            Some(branches) => (Some(branches[0].as_str().unwrap().to_owned()), branches[1].clone()),
            None => (None, statement.clone()),
        })
        .collect()
}

#[test]
fn the_audit_role_reads_everything_and_contains_only_when_allowed() {
    let template = template();
    let statements = statements(&template, "AuditRole");
    let granted = |conditional: bool| -> BTreeSet<String> {
        statements
            .iter()
            .filter(|(condition, _)| condition.is_some() == conditional)
            .flat_map(|(_, s)| strings(&s["Action"]))
            .filter(|action| !action.starts_with("kms:") && !action.starts_with("logs:"))
            .collect()
    };
    let reads: BTreeSet<String> = SageMakerInventory::describe_permissions()
        .into_iter()
        .chain(SageMakerInventory::list_permissions())
        .chain(
            [
                SnsNotifier::PERMISSIONS,
                S3Ledger::PERMISSIONS,
                S3Reports::PERMISSIONS,
                AwsGuardInputs::PERMISSIONS,
            ]
            .concat()
            .iter()
            .map(|s| s.to_string()),
        )
        .collect();
    assert_eq!(granted(false), reads, "granted (left) vs. what the audit calls (right)");
    let contains: BTreeSet<String> = SageMakerRemediator::permissions().into_iter().collect();
    assert_eq!(granted(true), contains);
    for (condition, statement) in &statements {
        assert_eq!(statement["Effect"], "Allow");
        if statement["Sid"] == "ListSageMakerResources" {
            // List calls name no resource: IAM grants them on `*` only; the Region is pinned.
            assert_eq!(statement["Resource"], "*");
            assert!(
                strings(&statement["Action"])
                    .iter()
                    .all(|a| a.starts_with("sagemaker:List"))
            );
        } else if statement["Sid"] == "SelfCheckListTrails" {
            // DescribeTrails names no trail either.
            assert_eq!(
                strings(&statement["Action"]),
                BTreeSet::from(["cloudtrail:DescribeTrails".to_owned()])
            );
        } else {
            assert_ne!(statement["Resource"], "*", "{statement}");
        }
        if let Some(condition) = condition {
            assert_eq!(condition, "AuditMayRespond");
            assert_eq!(statement["Sid"], "ContainSageMakerResources");
        }
    }
    let reports = statements.iter().find(|(_, s)| s["Sid"] == "WriteReports").unwrap();
    assert_eq!(
        reports.1["Resource"]["Fn::Sub"],
        format!("${{ReportBucket.Arn}}/{}*", smguard_audit::REPORT_PREFIX)
    );
    let ledger = statements
        .iter()
        .find(|(_, s)| s["Sid"] == "IdempotencyLedger")
        .unwrap();
    assert_eq!(
        ledger.1["Resource"]["Fn::Sub"],
        format!("${{LedgerBucket.Arn}}/{}*", smguard_audit::LEDGER_PREFIX)
    );
}

#[test]
fn every_function_is_built_by_sam_with_cargo_lambda_and_logs_json() {
    let template = template();
    assert_eq!(template["Transform"], "AWS::Serverless-2016-10-31");
    let functions = of_type(&template, "AWS::Serverless::Function");
    let binaries: BTreeSet<&str> = functions
        .iter()
        .map(|(_, f)| f["Metadata"]["BuildProperties"]["Binary"].as_str().unwrap())
        .collect();
    assert_eq!(binaries, BTreeSet::from(["sagemaker-guard", "audit"]));
    for (name, function) in functions {
        assert_eq!(function["Metadata"]["BuildMethod"], "rust-cargolambda", "{name}");
        assert_eq!(function["Properties"]["CodeUri"], "..", "{name}: the workspace root");
        assert_eq!(function["Properties"]["LoggingConfig"]["LogFormat"], "JSON", "{name}");
    }
    assert!(of_type(&template, "AWS::Lambda::Function").is_empty());
}

#[test]
fn the_environment_is_the_configuration_the_function_reads() {
    let template = template();
    let audit = &template["Resources"]["AuditFunction"]["Properties"]["Environment"]["Variables"];
    for key in [REPORT_BUCKET, AUDIT_MAY_RESPOND, MODE, ALERT_TOPIC_ARN, LEDGER_BUCKET] {
        assert!(audit.get(key).is_some(), "the audit's {key} is not set");
    }
    for key in audit.as_object().unwrap().keys() {
        assert!(
            KNOWN_KEYS.contains(&key.as_str()),
            "{key} is not a setting the audit reads"
        );
    }
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
    // The self-check watches every event rule and both functions.
    let rules: BTreeSet<String> = of_type(&template, "AWS::Events::Rule")
        .into_iter()
        .filter(|(_, rule)| rule["Properties"].get("EventPattern").is_some())
        .map(|(name, _)| name.clone())
        .collect();
    let watched: BTreeSet<String> = audit["SMGUARD_GUARD_RULE_ARNS"]["Fn::Join"][1]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["Fn::GetAtt"][0].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(watched, rules);
    let functions = &audit["SMGUARD_GUARD_FUNCTION_ARNS"]["Fn::Join"][1];
    assert_eq!(functions[0]["Fn::GetAtt"][0], "GuardFunction");
    assert!(
        functions[1]["Fn::Sub"]
            .as_str()
            .unwrap()
            .ends_with(":function:${AWS::StackName}-audit")
    );
    // Each function ignores both roles' calls: the guard must not re-judge what the audit stopped.
    for function in ["GuardFunction", "AuditFunction"] {
        let own =
            &template["Resources"][function]["Properties"]["Environment"]["Variables"]["SMGUARD_GUARD_PRINCIPAL_ARNS"];
        let roles: Vec<&Value> = own["Fn::Join"][1]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| &r["Fn::GetAtt"][0])
            .collect();
        assert_eq!(roles, ["GuardRole", "AuditRole"], "{function}");
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
    let text = std::fs::read_to_string(workspace().join("infra/template.yaml")).unwrap();
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
