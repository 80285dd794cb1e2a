//! The fault matrix: the real `sagemaker-guard` binary under `cargo lambda watch`, with faults
//! injected into its own AWS calls by the emulator (`POST /_smguard/faults`), and events delivered
//! as Lambda delivers an asynchronous invocation: a failed invocation is retried up to twice, then
//! its event goes to the on-failure destination with the last error. For every operation the
//! guard calls on a violating `CreateTrainingJob` (the ledger's claim and save, the stop, the
//! alert) and every fault kind, the end state is checked: the job stopped once (never twice), the
//! alert published once, or the event parked with a reason naming the operation, which a later
//! redelivery completes.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed assertion"
)]

use serde_json::json;
use smguard_policy::ResourceKind;
use smguard_tests::estate::create_open_training_job;
use smguard_tests::lambda::Invocation;
use smguard_tests::stage::{FUNCTION, Stage};

/// Lambda's asynchronous invocation: the first attempt and up to two retries (their back-off
/// elided); `Err` with the last error when all three failed (the on-failure destination's record).
fn deliver_async(stage: &Stage<'_>, event: &str) -> Result<Invocation, String> {
    let mut last = String::new();
    for _ in 0..3 {
        let answer = stage.lambda.invoke(FUNCTION, event);
        if !answer.failed() {
            return Ok(answer);
        }
        last = answer.body.to_string();
    }
    Err(last)
}

fn inject(stage: &Stage<'_>, service: &str, operation: &str, error: &str, times: u32) {
    let fault = json!({"access_key": stage.access_key(), "service": service, "operation": operation,
                       "error": error, "times": times});
    let (status, body) = stage
        .emulator
        .http("POST", "/_smguard/faults", Some(&fault.to_string()))
        .unwrap();
    assert_eq!(status, 200, "{body}");
}

/// One attempt's worth of SDK retries: the fault outlasts them, so the invocation sees it.
const ONE_INVOCATION: u32 = smguard_aws::MAX_ATTEMPTS;

/// What a case must end in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    /// Stopped once, the last alert saying so (perhaps after a retried invocation).
    Contained,
    /// Not stopped (the stop was refused for good); one alert saying why.
    AlertedNotContained,
    /// Every delivery failed: parked with a reason naming what failed; a later redelivery
    /// (faults gone) contains once, the last alert saying so.
    Parked,
}

/// `alerts`: how many alerts security operations receive. A stop that failed for now is alerted
/// at once ("will be retried"), and again when a retry contains: two.
#[allow(clippy::too_many_arguments, reason = "a row of the matrix")]
async fn case(
    name: &str,
    service: &str,
    operation: &str,
    error: &str,
    times: u32,
    end: End,
    named: &str,
    alerts_expected: usize,
) -> String {
    let stage = Stage::new(name, "enforce", &[]).await;
    create_open_training_job(&stage.account, "faulty").await;
    let event = stage
        .routed()
        .await
        .into_iter()
        .find(|body| body.contains("\"CreateTrainingJob\""))
        .unwrap();
    inject(&stage, service, operation, error, times);
    let delivered = deliver_async(&stage, &event);
    let label = format!("{service}:{operation} × {error} ({times})");
    match end {
        End::Contained | End::AlertedNotContained => {
            let answer = delivered.unwrap_or_else(|e| panic!("{label}: parked: {e}"));
            assert_eq!(answer.body["outcome"], "non_compliant", "{label}");
        }
        End::Parked => {
            let reason = delivered.expect_err(&label);
            assert!(reason.contains(named), "{label}: the reason names `{named}`: {reason}");
            // The faults end; the event is replayed from the destination.
            stage.emulator.http("DELETE", "/_smguard/faults", None).unwrap();
            let replayed = stage.invoke(&event);
            assert!(!replayed.failed(), "{label}: {}", replayed.body);
        }
    }
    let stopped = stage.calls("StopTrainingJob").await;
    let status = stage.status(ResourceKind::TrainingJob, "faulty").await;
    let alerts = stage.alerts().await;
    assert_eq!(alerts.len(), alerts_expected, "{label}: {alerts:#?}");
    let last = alerts.last().unwrap();
    let result = last["actions"][0]["result"]["type"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    match end {
        End::Contained | End::Parked => {
            assert_eq!(stopped, 1, "{label}: stopped once");
            assert_eq!(status.as_deref(), Some("Stopping"), "{label}");
            assert_eq!(result, "done", "{label}: the last alert says it is stopped");
        }
        End::AlertedNotContained => {
            assert_eq!(stopped, 0, "{label}: the refused stop never reached SageMaker");
            assert_eq!(status.as_deref(), Some("InProgress"), "{label}");
            assert_eq!(result, "failed", "{label}");
        }
    }
    // A later redelivery finds the ledger entry done: nothing more.
    let again = stage.invoke(&event);
    assert_eq!(again.body["duplicate"], true, "{label}: {}", again.body);
    assert_eq!(stage.calls("StopTrainingJob").await, stopped, "{label}");
    assert!(stage.alerts().await.is_empty(), "{label}");
    stage.emulator.http("DELETE", "/_smguard/faults", None).unwrap();
    let Stage { lambda, .. } = stage;
    lambda.stop_and_clean();
    format!("| `{service}:{operation}` | {error} ×{times} | {end:?}, {alerts_expected} alert(s) |")
}

#[tokio::test]
async fn every_operation_of_the_guard_survives_every_fault_kind() {
    use End::{AlertedNotContained, Contained, Parked};
    let cases: &[(&str, &str, &str, u32, End, &str, usize)] = &[
        // The ledger's claim and save (conditional PutObject).
        (
            "s3",
            "PutObject",
            "ThrottlingException",
            ONE_INVOCATION,
            Contained,
            "",
            1,
        ),
        (
            "s3",
            "PutObject",
            "ServiceUnavailable",
            ONE_INVOCATION,
            Contained,
            "",
            1,
        ),
        ("s3", "PutObject", "DroppedConnection", ONE_INVOCATION, Contained, "", 1),
        ("s3", "PutObject", "AccessDenied", 1, Contained, "", 1),
        // The stop.
        (
            "sagemaker",
            "StopTrainingJob",
            "ThrottlingException",
            ONE_INVOCATION,
            Contained,
            "",
            2,
        ),
        (
            "sagemaker",
            "StopTrainingJob",
            "ServiceUnavailable",
            ONE_INVOCATION,
            Contained,
            "",
            2,
        ),
        (
            "sagemaker",
            "StopTrainingJob",
            "DroppedConnection",
            ONE_INVOCATION,
            Contained,
            "",
            2,
        ),
        (
            "sagemaker",
            "StopTrainingJob",
            "AccessDenied",
            1,
            AlertedNotContained,
            "",
            1,
        ),
        // The alert.
        (
            "sns",
            "Publish",
            "ThrottlingException",
            ONE_INVOCATION,
            Contained,
            "",
            1,
        ),
        ("sns", "Publish", "ServiceUnavailable", ONE_INVOCATION, Contained, "", 1),
        ("sns", "Publish", "DroppedConnection", ONE_INVOCATION, Contained, "", 1),
        ("sns", "Publish", "AccessDenied", 1, Contained, "", 1),
        // Faults that outlast every delivery.
        ("sns", "Publish", "ServiceUnavailable", 100, Parked, "`Publish`", 1),
        (
            "sagemaker",
            "StopTrainingJob",
            "ThrottlingException",
            100,
            Parked,
            "stop_training_job",
            2,
        ),
    ];
    let mut table = vec!["| operation | fault | end |".to_owned(), "|---|---|---|".to_owned()];
    for (index, (service, operation, error, times, end, named, alerts)) in cases.iter().enumerate() {
        table.push(
            case(
                &format!("fault-{index}"),
                service,
                operation,
                error,
                *times,
                *end,
                named,
                *alerts,
            )
            .await,
        );
    }
    println!("{}", table.join("\n"));
}
