//! The function refuses to start, naming the setting, when it would watch nothing, has no second
//! alert channel, or has one that is the alert topic itself.

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
    (
        "SMGUARD_FALLBACK_TOPIC_ARN",
        "arn:aws-us-gov:sns:us-gov-west-1:111122223333:alerts-second-channel",
    ),
    ("SMGUARD_LEDGER_BUCKET", "ledger"),
    (
        "SMGUARD_PROTECTED_TRAILS",
        "arn:aws-us-gov:cloudtrail:us-gov-west-1:111122223333:trail/ml-platform-trail",
    ),
];

fn start(without: &str, extra: &[(&str, &str)]) -> (Option<i32>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_trail-guard"))
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
fn without_anything_to_watch_or_a_second_channel_the_function_does_not_start() {
    for key in ["SMGUARD_PROTECTED_TRAILS", "SMGUARD_FALLBACK_TOPIC_ARN"] {
        let (code, output) = start(key, &[]);
        assert_ne!(code, Some(0), "{key}");
        assert!(
            output.contains(&format!("missing required setting `{key}`")),
            "{output}"
        );
    }
}

#[test]
fn a_bad_value_stops_the_function_at_init_naming_it() {
    let cases = [
        (
            (
                "SMGUARD_FALLBACK_TOPIC_ARN",
                "arn:aws-us-gov:sns:us-gov-west-1:111122223333:alerts",
            ),
            "invalid `SMGUARD_FALLBACK_TOPIC_ARN`: the second channel must be another topic than the alert topic",
        ),
        (
            ("SMGUARD_PROTECTED_TRAILS", "ml-platform-trail"),
            "invalid `SMGUARD_PROTECTED_TRAILS`: `ml-platform-trail` is not the ARN of a CloudTrail trail",
        ),
        (
            ("SMGUARD_TRAIL_REQUIRED_RECORDING", "everything"),
            "invalid `SMGUARD_TRAIL_REQUIRED_RECORDING`: `everything` is not `management-writes` or `s3-object-writes`",
        ),
    ];
    for ((key, value), expected) in cases {
        let (code, output) = start("", &[(key, value)]);
        assert_ne!(code, Some(0), "{key}");
        assert!(output.contains(expected), "{output}");
    }
}
