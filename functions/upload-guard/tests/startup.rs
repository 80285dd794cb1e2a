//! The function refuses to start, naming the setting, without what it judges by (roles,
//! locations, the quarantine bucket) or with a wrong value (Lambda reports the init failure with
//! this message).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed assertion"
)]

use std::process::Command;

const BASE: &[(&str, &str)] = &[
    ("SMGUARD_MODE", "enforce"),
    (
        "SMGUARD_ALERT_TOPIC_ARN",
        "arn:aws-us-gov:sns:us-gov-west-1:111122223333:alerts",
    ),
    ("SMGUARD_LEDGER_BUCKET", "ledger"),
    (
        "SMGUARD_SAGEMAKER_ROLE_ARNS",
        "arn:aws-us-gov:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-*",
    ),
    ("SMGUARD_APPROVED_OUTPUT_LOCATIONS", "s3://model-out"),
    ("SMGUARD_QUARANTINE_BUCKET", "smguard-quarantine"),
];

/// Starts the binary with `BASE` less `without`, plus `extra`.
fn start(without: &str, extra: &[(&str, &str)]) -> (Option<i32>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_upload-guard"))
        .env_clear()
        .env("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9")
        .envs(BASE.iter().copied().filter(|(k, _)| *k != without))
        .envs(extra.iter().copied())
        .output()
        .expect("run the function");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr),
    )
}

#[test]
fn without_roles_locations_or_a_quarantine_bucket_the_function_does_not_start() {
    for key in [
        "SMGUARD_SAGEMAKER_ROLE_ARNS",
        "SMGUARD_APPROVED_OUTPUT_LOCATIONS",
        "SMGUARD_QUARANTINE_BUCKET",
    ] {
        let (code, output) = start(key, &[]);
        assert_ne!(code, Some(0), "{key}");
        assert!(
            output.contains(&format!("missing required setting `{key}`")),
            "{output}"
        );
    }
}

#[test]
fn an_invalid_setting_stops_the_function_at_init_naming_it() {
    for (key, value, expected) in [
        (
            "SMGUARD_APPROVED_OUTPUT_LOCATIONS",
            "s3://model-out/prefix",
            "invalid `SMGUARD_APPROVED_OUTPUT_LOCATIONS`: `s3://model-out/prefix`: a prefix must end with `/`",
        ),
        (
            "SMGUARD_QUARANTINE_KMS_KEY",
            "alias/smguard",
            "invalid `SMGUARD_QUARANTINE_KMS_KEY`: `alias/smguard` is not a KMS key or alias ARN",
        ),
        (
            "SMGUARD_QUARANTINE_BUCKET",
            "Quarantine",
            "invalid `SMGUARD_QUARANTINE_BUCKET`: `Quarantine` is not an S3 bucket name",
        ),
    ] {
        let (code, output) = start(key, &[(key, value)]);
        assert_ne!(code, Some(0), "{key}");
        assert!(output.contains(expected), "{output}");
    }
}
