//! Bad input at the functions' edge: a Lambda payload that is not JSON, is empty, is 6 MB (the
//! largest an asynchronous invocation may carry), or is an event of another type. Each real binary
//! (debug build, as `make test` builds them) runs against a local Runtime API; each bad payload is
//! answered with an error naming the problem or a decision that it is ignored, and the process
//! lives on to answer the next event: nothing panics, nothing is read as compliant.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed assertion"
)]

use std::time::Duration;

use serde_json::{Value, json};
use smguard_tests::emulator::workspace;
use smguard_tests::runtime_api::{FunctionProcess, RuntimeApi};

/// Settings each function starts with (they never reach AWS: no payload here calls it).
fn env(function: &str) -> Vec<(&'static str, String)> {
    let mut env = vec![
        ("AWS_REGION", "us-gov-west-1".to_owned()),
        ("AWS_ACCESS_KEY_ID", "AKIDEDGES".to_owned()),
        ("AWS_SECRET_ACCESS_KEY", "edges".to_owned()),
        // Nothing listens here: a call to AWS would fail the invocation, which the test would see.
        ("AWS_ENDPOINT_URL", "http://127.0.0.1:9".to_owned()),
        ("SMGUARD_MODE", "enforce".to_owned()),
        (
            "SMGUARD_ALERT_TOPIC_ARN",
            "arn:aws-us-gov:sns:us-gov-west-1:111122223333:smguard-alerts".to_owned(),
        ),
        ("SMGUARD_LEDGER_BUCKET", "smguard-ledger-111122223333".to_owned()),
    ];
    match function {
        "upload-guard" => env.extend([
            (
                "SMGUARD_SAGEMAKER_ROLE_ARNS",
                "arn:aws-us-gov:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-*".to_owned(),
            ),
            ("SMGUARD_APPROVED_OUTPUT_LOCATIONS", "s3://model-out".to_owned()),
            ("SMGUARD_QUARANTINE_BUCKET", "smguard-quarantine".to_owned()),
        ]),
        "trail-guard" => env.extend([
            (
                "SMGUARD_PROTECTED_TRAILS",
                "arn:aws-us-gov:cloudtrail:us-gov-west-1:111122223333:trail/ml-platform-trail".to_owned(),
            ),
            (
                "SMGUARD_FALLBACK_TOPIC_ARN",
                "arn:aws-us-gov:sns:us-gov-west-1:111122223333:smguard-second-channel".to_owned(),
            ),
        ]),
        _ => {}
    }
    env
}

/// An event none of the functions judges: an S3 "Object Created" notification, 6 MB when padded.
fn other_event(padding: usize) -> String {
    json!({
        "version": "0", "id": "7bf73129-1428-4cd3-a780-95db273d1602", "detail-type": "Object Created",
        "source": "aws.s3", "account": "111122223333", "time": "2026-12-01T10:00:00Z",
        "region": "us-gov-west-1", "resources": ["arn:aws-us-gov:s3:::model-out"],
        "detail": {"bucket": {"name": "model-out"}, "object": {"key": "x".repeat(padding)}, "reason": "PutObject"}
    })
    .to_string()
}

/// What a payload must give.
#[derive(Clone, Copy)]
enum Expected {
    /// Lambda's runtime refuses it before the handler (not JSON).
    Rejected,
    /// Read and judged: nothing smguard evaluates.
    Ignored,
    /// Unevaluable: alerted.
    Alerted,
}

#[test]
fn every_function_answers_bad_payloads_without_dying() {
    let scratch = workspace().join("target").join("smguard-edges");
    std::fs::create_dir_all(&scratch).unwrap();
    for function in ["sagemaker-guard", "upload-guard", "trail-guard"] {
        let binary = workspace().join("target/debug").join(function);
        assert!(
            binary.exists(),
            "{}: build the functions first (`make test` does)",
            binary.display()
        );
        let api = RuntimeApi::start();
        let _process = FunctionProcess::start(
            &binary,
            function,
            &env(function),
            &api,
            &scratch.join(format!("{function}.log")),
        );
        let six_mb = other_event(6 * 1024 * 1024 - 400);
        assert!(six_mb.len() <= 6 * 1024 * 1024 && six_mb.len() > 6_000_000);
        for (what, payload, expected) in [
            (
                "not JSON",
                "{\"detail-type\": \"AWS API Call via".to_owned(),
                Expected::Rejected,
            ),
            ("empty", String::new(), Expected::Rejected),
            ("another event type", other_event(10), Expected::Ignored),
            ("6 MB", six_mb, Expected::Ignored),
            ("a JSON string", "\"hello\"".to_owned(), Expected::Alerted),
            ("an array of nothing", "[]".to_owned(), Expected::Alerted),
        ] {
            api.queue(&payload);
            let answer = api
                .answer(Duration::from_secs(60))
                .unwrap_or_else(|| panic!("{function}, {what}: no answer (did it die?)"));
            let body: Value = serde_json::from_str(&answer.body).unwrap_or(Value::Null);
            match expected {
                Expected::Rejected => {
                    assert!(!answer.ok, "{function}, {what}: {}", answer.body);
                    assert!(
                        body["errorMessage"].as_str().is_some_and(|m| !m.is_empty()),
                        "{function}, {what}: the error says what is wrong: {}",
                        answer.body
                    );
                }
                Expected::Ignored => {
                    assert!(answer.ok, "{function}, {what}: {}", answer.body);
                    assert_eq!(body["outcome"], "ignored", "{function}, {what}: {}", answer.body);
                }
                // Unevaluable is never compliant: it alerts, and with no AWS to publish to the
                // invocation fails so that Lambda retries it and keeps it.
                Expected::Alerted => {
                    assert!(!answer.ok, "{function}, {what}: {}", answer.body);
                    assert_eq!(body["errorType"], "AlertFailed", "{function}, {what}: {}", answer.body);
                }
            }
        }
    }
}
