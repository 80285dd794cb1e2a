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
use smguard_aws::{
    AwsGuardInputs, AwsGuardRemediator, S3Ledger, S3ObjectRemediator, S3Reports, SageMakerInventory,
    SageMakerRemediator, SnsNotifier,
};
use smguard_engine::Mode;
use smguard_engine::guard::LEASE;
use smguard_policy::config::{
    ALERT_TOPIC_ARN, APPROVED_OUTPUT_LOCATIONS, AUDIT_MAY_RESPOND, KNOWN_KEYS, LEDGER_BUCKET, MODE, QUARANTINE_BUCKET,
    QUARANTINE_KMS_KEY, REPORT_BUCKET, SAGEMAKER_ROLE_ARNS,
};
use smguard_policy::event::{API_CALL_DETAIL_TYPE, evaluated_api_calls, evaluated_state_changes};
use smguard_policy::s3::WriteCall;
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
    // The guard's rules; the upload guard's is resolved and checked below.
    let guard_patterns = smguard_tests::stage::patterns_to(&template, "GuardFunction");
    // The guard also watches the trail guard's rule and function (checked below).
    let patterns: Vec<&Value> = guard_patterns
        .iter()
        .filter(|p| p["source"] == serde_json::json!(["aws.sagemaker"]))
        .collect();
    assert_eq!(patterns.len() + 1, guard_patterns.len());
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

/// The trail guard's rule routes every call that can be a finding on the five services (and the
/// function judges whose part it names); the guard's watch rule routes the EventBridge and Lambda
/// ones, so that the trail guard's own rule and function are watched by the other guard.
#[test]
fn the_trail_guard_rules_route_every_call_that_can_break_a_protected_part() {
    use smguard_policy::event::{GUARD_CALLS, GUARD_EVENT_SOURCES};
    let template = template();
    let trail = smguard_tests::stage::patterns_to(&template, "TrailGuardFunction");
    assert_eq!(trail.len(), 1);
    let detail = &trail[0]["detail"];
    assert_eq!(
        strings(&detail["eventSource"]),
        GUARD_EVENT_SOURCES.iter().map(|s| s.to_string()).collect()
    );
    assert_eq!(
        detail["errorCode"],
        serde_json::json!([{"exists": false}]),
        "failed calls are not routed"
    );
    let routes = |pattern: &Value, call: &str| {
        pattern["detail"]["eventName"]
            .as_array()
            .unwrap()
            .iter()
            .any(|name| match name {
                Value::String(name) => name == call,
                other => other["prefix"].as_str().is_some_and(|prefix| call.starts_with(prefix)),
            })
    };
    // Calls that only ever restore or enable are compliant: routing them would cost invocations.
    let compliant_only = [
        "StartLogging",
        "EnableRule",
        "DeleteFunctionConcurrency",
        "EnableKey",
        "CancelKeyDeletion",
    ];
    for (source, calls) in GUARD_CALLS {
        for call in *calls {
            // CloudTrail records Lambda calls with a version suffix.
            let recorded = if *source == "lambda.amazonaws.com" {
                format!("{call}20150331v2")
            } else {
                (*call).to_owned()
            };
            if compliant_only.contains(call) {
                continue;
            }
            assert!(
                routes(&trail[0], &recorded),
                "`{recorded}` is not routed to the trail guard"
            );
        }
    }
    let watch = smguard_tests::stage::patterns_to(&template, "GuardFunction")
        .into_iter()
        .find(|p| p["source"] == serde_json::json!(["aws.events", "aws.lambda"]))
        .expect("the guard's watch rule");
    for call in [
        "DisableRule",
        "DeleteRule",
        "RemoveTargets",
        "PutRule",
        "PutFunctionConcurrency20171031",
        "UpdateFunctionConfiguration20150331v2",
        "UpdateFunctionCode20150331v2",
        "DeleteFunction20150331",
    ] {
        assert!(routes(&watch, call), "`{call}` on the trail guard is not watched");
        assert!(routes(&trail[0], call));
    }
    let guard = &template["Resources"]["GuardFunction"]["Properties"]["Environment"]["Variables"];
    assert!(
        guard["SMGUARD_GUARD_RULE_ARNS"]["Fn::Sub"]
            .as_str()
            .unwrap()
            .ends_with("rule/${AWS::StackName}-trail-guard-calls")
    );
    assert!(
        guard["SMGUARD_GUARD_FUNCTION_ARNS"]["Fn::Sub"]
            .as_str()
            .unwrap()
            .ends_with("function:${AWS::StackName}-trail-guard")
    );
}

/// The trail guard's role: what its adapters call, each on smguard's own parts or the protected
/// trails only; its second alert channel does not depend on smguard's key.
#[test]
fn the_trail_guard_role_restores_only_smguards_parts_and_the_protected_trails() {
    let template = template();
    let statements = statements(&template, "TrailGuardRole");
    let granted: BTreeSet<String> = statements
        .iter()
        .flat_map(|(_, s)| strings(&s["Action"]))
        .filter(|a| {
            !a.starts_with("sqs:")
                && !a.starts_with("logs:")
                && !matches!(a.as_str(), "kms:GenerateDataKey" | "kms:Decrypt")
        })
        .collect();
    let needed: BTreeSet<String> = [
        AwsGuardRemediator::PERMISSIONS,
        SnsNotifier::PERMISSIONS,
        S3Ledger::PERMISSIONS,
    ]
    .concat()
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(granted, needed, "granted (left) vs. the adapters' PERMISSIONS (right)");
    for (condition, statement) in &statements {
        let actions = strings(&statement["Action"]);
        let resource = statement["Resource"].to_string();
        assert_ne!(statement["Resource"], "*", "{statement}");
        if actions.iter().any(|a| a.starts_with("cloudtrail:")) {
            assert_eq!(condition.as_deref(), Some("HasProtectedTrails"));
            assert_eq!(statement["Resource"]["Ref"], "ProtectedTrailArns");
        }
        if actions.iter().any(|a| a.starts_with("events:")) {
            assert!(resource.contains(":rule/${AWS::StackName}-*"), "{resource}");
        }
        if actions.iter().any(|a| a.starts_with("lambda:")) {
            assert!(resource.contains(":function:${AWS::StackName}-*"), "{resource}");
        }
        if actions.contains("kms:EnableKey") {
            assert_eq!(statement["Resource"]["Fn::GetAtt"][0], "GuardKey");
        }
    }
    let ledger = statements
        .iter()
        .find(|(_, s)| s["Sid"] == "IdempotencyLedger")
        .unwrap();
    assert_eq!(
        ledger.1["Resource"]["Fn::Sub"],
        format!("${{LedgerBucket.Arn}}/{}*", smguard_trail_guard::LEDGER_PREFIX)
    );
    let second = &template["Resources"]["SecondAlertTopic"]["Properties"];
    assert_eq!(
        second["KmsMasterKeyId"], "alias/aws/sns",
        "not smguard's key, which an attacker may disable"
    );
    let env = &template["Resources"]["TrailGuardFunction"]["Properties"]["Environment"]["Variables"];
    assert_eq!(env["SMGUARD_FALLBACK_TOPIC_ARN"]["Ref"], "SecondAlertTopic");
    for key in env.as_object().unwrap().keys() {
        assert!(
            KNOWN_KEYS.contains(&key.as_str()),
            "{key} is not a setting the trail guard reads"
        );
    }
}

#[test]
fn the_upload_rule_routes_the_sagemaker_roles_writes_except_into_buckets_approved_whole() {
    let roles = [
        "arn:${AWS::Partition}:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-*",
        "arn:${AWS::Partition}:iam::111122223333:role/ml-training",
    ];
    let pattern = smguard_tests::stage::upload_pattern(&roles, &["model-out", "model-registry"]);
    assert_eq!(pattern["source"], serde_json::json!(["aws.s3"]));
    assert_eq!(pattern["detail-type"], serde_json::json!([API_CALL_DETAIL_TYPE]));
    let detail = &pattern["detail"];
    assert_eq!(detail["eventSource"], serde_json::json!(["s3.amazonaws.com"]));
    assert_eq!(
        strings(&detail["eventName"]),
        WriteCall::ALL.iter().map(|c| c.as_str().to_owned()).collect(),
        "every write call the upload rule judges"
    );
    assert_eq!(detail["errorCode"], serde_json::json!([{"exists": false}]));
    assert_eq!(
        detail["userIdentity"]["sessionContext"]["sessionIssuer"]["arn"],
        serde_json::json!([{"wildcard": roles[0]}, {"wildcard": roles[1]}]),
        "the roles behind the sessions, whatever the session name"
    );
    assert_eq!(
        detail["requestParameters"]["bucketName"],
        serde_json::json!([{"anything-but": ["model-out", "model-registry"]}])
    );
    // With no bucket approved whole, every write of the roles is routed.
    let all = smguard_tests::stage::upload_pattern(&roles[..1], &[]);
    assert!(all["detail"].get("requestParameters").is_none(), "{all}");
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
            Some(_) if name == "UploadsRule" => {
                assert_eq!(rule["Condition"], "UploadGuardEnabled", "{name}");
                "UploadGuardFunction"
            }
            Some(_) if name == "TrailGuardRule" => "TrailGuardFunction",
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
    // The trail guard's rule and function: watched and restored by this guard too.
    let watching = AwsGuardRemediator::PERMISSIONS
        .iter()
        .filter(|a| a.starts_with("events:") || a.starts_with("lambda:"))
        .map(|a| a.to_string());
    let needed: BTreeSet<String> = SageMakerInventory::describe_permissions()
        .into_iter()
        .chain(SageMakerRemediator::permissions())
        .chain(watching)
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

/// The actions of the unconditional (or the conditional) statements, less the plumbing every
/// function has (its key, its on-failure queue, its logs).
fn service_actions(statements: &[(Option<String>, Value)], conditional: bool) -> BTreeSet<String> {
    statements
        .iter()
        .filter(|(condition, _)| condition.is_some() == conditional)
        .flat_map(|(_, s)| strings(&s["Action"]))
        .filter(|action| !action.starts_with("kms:") && !action.starts_with("sqs:") && !action.starts_with("logs:"))
        .collect()
}

#[test]
fn the_audit_role_reads_everything_and_contains_only_when_allowed() {
    let template = template();
    let statements = statements(&template, "AuditRole");
    let granted = |conditional: bool| service_actions(&statements, conditional);
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
fn the_upload_guard_role_grants_what_its_adapters_call_in_this_account_and_revokes_only_when_enabled() {
    let template = template();
    let statements = statements(&template, "UploadGuardRole");
    let granted = |conditional: bool| service_actions(&statements, conditional);
    let needed: BTreeSet<String> = [
        S3ObjectRemediator::PERMISSIONS,
        SnsNotifier::PERMISSIONS,
        S3Ledger::PERMISSIONS,
    ]
    .concat()
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(
        granted(false),
        needed,
        "granted (left) vs. the adapters' PERMISSIONS (right)"
    );
    let revoke: BTreeSet<String> = S3ObjectRemediator::REVOKE_PERMISSIONS
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(granted(true), revoke);
    for (condition, statement) in &statements {
        assert_eq!(statement["Effect"], "Allow");
        assert_ne!(statement["Resource"], "*", "{statement}");
        let actions = strings(&statement["Action"]);
        // Objects of any bucket, but only this account's: another account's bucket is never touched.
        if actions.contains("s3:DeleteObject") || actions.contains("s3:ListBucketMultipartUploads") {
            assert_eq!(
                statement["Condition"]["StringEquals"]["s3:ResourceAccount"]["Ref"], "AWS::AccountId",
                "{statement}"
            );
        }
        if let Some(condition) = condition {
            assert_eq!(condition, "RevokeSessions");
            assert_eq!(
                statement["Resource"]["Ref"], "SageMakerRoleArns",
                "only the SageMaker roles"
            );
            assert_eq!(
                statement["Condition"]["StringEquals"]["iam:PolicyName"],
                smguard_aws::REVOKE_POLICY_NAME
            );
        }
    }
    let evidence = statements.iter().find(|(_, s)| s["Sid"] == "WriteEvidence").unwrap();
    assert_eq!(evidence.1["Resource"]["Fn::Sub"], "${QuarantineBucket.Arn}/*");
    let ledger = statements
        .iter()
        .find(|(_, s)| s["Sid"] == "IdempotencyLedger")
        .unwrap();
    assert_eq!(
        ledger.1["Resource"]["Fn::Sub"],
        format!("${{LedgerBucket.Arn}}/{}*", smguard_upload_guard::LEDGER_PREFIX)
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
    assert_eq!(
        binaries,
        BTreeSet::from(["sagemaker-guard", "audit", "upload-guard", "trail-guard"])
    );
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
    // An optional part is watched when it exists (`Fn::If [UploadGuardEnabled, …]`); the trail
    // guard's parts are named by ARN (`Fn::Sub`), which a `Fn::GetAtt` would make circular.
    let by_name = |suffix: &str| -> String {
        let resources = template["Resources"].as_object().unwrap();
        let found = resources.iter().find(|(_, r)| {
            r["Properties"]["Name"]["Fn::Sub"]
                .as_str()
                .is_some_and(|n| suffix.ends_with(&format!("rule/{n}")))
                || r["Properties"]["FunctionName"]["Fn::Sub"]
                    .as_str()
                    .is_some_and(|n| suffix.ends_with(&format!("function:{n}")))
        });
        found.map_or_else(|| suffix.to_owned(), |(name, _)| name.clone())
    };
    let named = |r: &Value| -> String {
        let r = r.get("Fn::If").map_or(r, |branches| &branches[1]);
        match r["Fn::Sub"].as_str() {
            Some(arn) => by_name(arn),
            None => r["Fn::GetAtt"][0].as_str().unwrap().to_owned(),
        }
    };
    let watched: BTreeSet<String> = audit["SMGUARD_GUARD_RULE_ARNS"]["Fn::Join"][1]
        .as_array()
        .unwrap()
        .iter()
        .map(named)
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
    assert_eq!(named(&functions[2]), "UploadGuardFunction");
    assert_eq!(named(&functions[3]), "TrailGuardFunction");
    // Each function ignores every smguard role's calls: the guard must not re-judge what the
    // audit stopped, nor the upload guard its own quarantine copies.
    for function in [
        "GuardFunction",
        "AuditFunction",
        "UploadGuardFunction",
        "TrailGuardFunction",
    ] {
        let own =
            &template["Resources"][function]["Properties"]["Environment"]["Variables"]["SMGUARD_GUARD_PRINCIPAL_ARNS"];
        let roles: Vec<String> = own["Fn::Join"][1].as_array().unwrap().iter().map(named).collect();
        assert_eq!(
            roles,
            ["GuardRole", "AuditRole", "UploadGuardRole", "TrailGuardRole"],
            "{function}"
        );
    }
    let upload = template["Resources"]["UploadGuardFunction"]["Properties"]["Environment"]["Variables"]
        .as_object()
        .unwrap();
    for key in upload.keys() {
        assert!(
            KNOWN_KEYS.contains(&key.as_str()),
            "{key} is not a setting the upload guard reads"
        );
    }
    for key in [
        MODE,
        ALERT_TOPIC_ARN,
        LEDGER_BUCKET,
        SAGEMAKER_ROLE_ARNS,
        APPROVED_OUTPUT_LOCATIONS,
        QUARANTINE_BUCKET,
        QUARANTINE_KMS_KEY,
    ] {
        assert!(upload.contains_key(key), "the upload guard's required {key} is not set");
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
    // Evidence: versioned, locked for its retention, encrypted with smguard's key, never public.
    let quarantine = &resources["QuarantineBucket"]["Properties"];
    assert_eq!(quarantine["VersioningConfiguration"]["Status"], "Enabled");
    assert_eq!(quarantine["ObjectLockEnabled"], true);
    assert_eq!(
        quarantine["ObjectLockConfiguration"]["Rule"]["DefaultRetention"]["Days"]["Ref"],
        "QuarantineRetentionDays"
    );
    assert_eq!(
        quarantine["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]["KMSMasterKeyID"]
            ["Fn::GetAtt"][0],
        "GuardKey"
    );
    assert!(
        quarantine["PublicAccessBlockConfiguration"]
            .as_object()
            .unwrap()
            .values()
            .all(|v| v == true)
    );
    // The data-events trail logs S3 writes on every bucket (a selector narrowed by bucket ARN
    // would miss writes into other accounts' buckets).
    let selectors = &resources["DataEventsTrail"]["Properties"]["AdvancedEventSelectors"][0]["FieldSelectors"];
    let fields: BTreeSet<String> = selectors
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["Field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        fields,
        BTreeSet::from([
            "eventCategory".to_owned(),
            "resources.type".to_owned(),
            "readOnly".to_owned()
        ])
    );
}
