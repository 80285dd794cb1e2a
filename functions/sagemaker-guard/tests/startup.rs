//! The function refuses to start, naming the setting, when its configuration is missing or wrong
//! (Lambda reports the init failure with this message).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed assertion"
)]

use std::process::Command;

fn start(env: &[(&str, &str)]) -> (Option<i32>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_sagemaker-guard"))
        .env_clear()
        .env("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9")
        .envs(env.iter().copied())
        .output()
        .expect("run the function");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr),
    )
}

#[test]
fn a_missing_setting_stops_the_function_at_init_naming_it() {
    let (code, output) = start(&[("SMGUARD_MODE", "enforce"), ("SMGUARD_LEDGER_BUCKET", "ledger")]);
    assert_ne!(code, Some(0));
    assert!(
        output.contains("missing required setting `SMGUARD_ALERT_TOPIC_ARN`"),
        "{output}"
    );
}

#[test]
fn an_invalid_setting_stops_the_function_at_init_naming_it() {
    let (code, output) = start(&[
        ("SMGUARD_MODE", "enforce"),
        (
            "SMGUARD_ALERT_TOPIC_ARN",
            "arn:aws-us-gov:sns:us-gov-west-1:111122223333:alerts",
        ),
        ("SMGUARD_LEDGER_BUCKET", "ledger"),
        ("SMGUARD_APPROVED_KMS_KEYS", "alias/"),
    ]);
    assert_ne!(code, Some(0));
    assert!(
        output.contains("invalid `SMGUARD_APPROVED_KMS_KEYS`: `alias/` is not a KMS key"),
        "{output}"
    );
}
