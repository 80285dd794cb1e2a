//! The fault matrix: the real event-driven functions under `cargo lambda watch`, with faults
//! injected into their own AWS calls by the emulator (`POST /_smguard/faults`), and events
//! delivered as Lambda delivers an asynchronous invocation: a failed invocation is retried up to
//! twice, then its event goes to the on-failure destination with the last error. For every
//! operation a guard calls on a violating event and every fault kind, the end state is checked:
//! the resource contained once (never twice), the alerts published once, or the event parked with
//! a reason naming the operation, which a later redelivery completes.
//!
//! - `sagemaker-guard` on an open `CreateTrainingJob`: the ledger's claim and save, the stop, the
//!   alert;
//! - `upload-guard` on a `PutObject` into another bucket of the account: the quarantine's copy and
//!   delete, the ledger, the alert;
//! - `trail-guard` on a `StopLogging` of the protected trail: the status read, the restore, the
//!   alert.
//!
//! A containment counts once when the emulator answered its call once: the request log's calls
//! of that operation by the function, less those a fault answered.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed assertion"
)]

use serde_json::{Value, json};
use smguard_policy::ResourceKind;
use smguard_tests::emulator::Emulator;
use smguard_tests::estate::create_open_training_job;
use smguard_tests::lambda::{Invocation, LocalLambda};
use smguard_tests::stage::{Deployment, FUNCTION, Stage};
use smguard_tests::trails::TrailEstate;
use smguard_tests::uploads::UploadEstate;

/// Lambda's asynchronous invocation: the first attempt and up to two retries (their back-off
/// elided); `Err` with the last error when all three failed (the on-failure destination's record).
fn deliver_async(lambda: &LocalLambda, function: &str, event: &str) -> Result<Invocation, String> {
    let mut last = String::new();
    for _ in 0..3 {
        let answer = lambda.invoke(function, event);
        if !answer.failed() {
            return Ok(answer);
        }
        last = answer.body.to_string();
    }
    Err(last)
}

fn inject(emulator: &Emulator, access_key: &str, service: &str, operation: &str, error: &str, times: u32) {
    let fault = json!({"access_key": access_key, "service": service, "operation": operation,
                       "error": error, "times": times});
    let (status, body) = emulator
        .http("POST", "/_smguard/faults", Some(&fault.to_string()))
        .unwrap();
    assert_eq!(status, 200, "{body}");
}

/// Clears the function's faults only: the tests of this binary share the emulator.
fn clear_faults(emulator: &Emulator, access_key: &str) {
    emulator
        .http("DELETE", &format!("/_smguard/faults?access_key={access_key}"), None)
        .unwrap();
}

/// The calls of `operation` by `access_key` the emulator answered: those it received, less those
/// a fault answered when `operation` is the faulted one.
fn answered_calls(emulator: &Emulator, access_key: &str, operation: &str, faulted: &str) -> usize {
    let received = emulator
        .requests_by(access_key)
        .iter()
        .filter(|r| r["operation"] == operation)
        .count();
    if operation == faulted {
        received - emulator.faults_fired(access_key) as usize
    } else {
        received
    }
}

/// One attempt's worth of SDK retries: the fault outlasts them, so the invocation sees it.
const ONE_INVOCATION: u32 = smguard_aws::MAX_ATTEMPTS;

/// What a case must end in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    /// Contained once, the last alert saying so (perhaps after a retried invocation).
    Contained,
    /// Not contained (the containment was refused for good); the last alert says why.
    AlertedNotContained,
    /// Every delivery failed: parked with a reason naming what failed; a later redelivery
    /// (faults gone) contains once, the last alert saying so.
    Parked,
}

/// The function under test in a row.
#[derive(Debug, Clone, Copy)]
enum Guard {
    SageMaker,
    Upload,
    Trail,
}

/// A deployed function, its violating event delivered to nobody yet.
enum Bed<'e> {
    SageMaker(Stage<'e>),
    Upload(UploadEstate<'e>, LocalLambda),
    Trail(TrailEstate<'e>, LocalLambda),
}

impl<'e> Bed<'e> {
    /// Deploys `guard` into a fresh account and makes its violating event; returns the event.
    async fn set_up(guard: Guard, emulator: &'e Emulator, name: &str) -> (Bed<'e>, String) {
        let bed = match guard {
            Guard::SageMaker => {
                let stage = Stage::with_topic(emulator, name, "enforce", &[], "smguard-alerts").await;
                create_open_training_job(&stage.account, "faulty").await;
                Bed::SageMaker(stage)
            }
            Guard::Upload => {
                let estate = UploadEstate::deploy(emulator, "enforce").await;
                let lambda = LocalLambda::start(
                    &format!("{name}-{}", estate.deployment.account.id),
                    &estate.deployment.env,
                );
                estate.put(&estate.scratch_bucket, "exports/leak.parquet", "rows").await;
                Bed::Upload(estate, lambda)
            }
            Guard::Trail => {
                let estate = TrailEstate::deploy(emulator, "enforce").await;
                let lambda = LocalLambda::start(
                    &format!("{name}-{}", estate.deployment.account.id),
                    &estate.deployment.env,
                );
                estate.stop_logging(&estate.deployment.account).await;
                Bed::Trail(estate, lambda)
            }
        };
        let call = bed.violating_call();
        let event = bed
            .deployment()
            .routed()
            .await
            .into_iter()
            .find(|body| {
                body.contains(&format!("\"eventName\": \"{call}\""))
                    || body.contains(&format!("\"eventName\":\"{call}\""))
            })
            .unwrap_or_else(|| panic!("no {call} routed"));
        (bed, event)
    }

    fn deployment(&self) -> &Deployment<'e> {
        match self {
            Bed::SageMaker(stage) => stage,
            Bed::Upload(estate, _) => &estate.deployment,
            Bed::Trail(estate, _) => &estate.deployment,
        }
    }

    fn lambda(&self) -> (&LocalLambda, &'static str) {
        match self {
            Bed::SageMaker(stage) => (&stage.lambda, FUNCTION),
            Bed::Upload(_, lambda) => (lambda, smguard_tests::uploads::FUNCTION),
            Bed::Trail(_, lambda) => (lambda, smguard_tests::trails::FUNCTION),
        }
    }

    fn violating_call(&self) -> &'static str {
        match self {
            Bed::SageMaker(_) => "CreateTrainingJob",
            Bed::Upload(..) => "PutObject",
            Bed::Trail(..) => "StopLogging",
        }
    }

    /// The call that contains: counted, it must be answered once or never.
    fn containing_operation(&self) -> &'static str {
        match self {
            Bed::SageMaker(_) => "StopTrainingJob",
            Bed::Upload(..) => "CopyObject",
            Bed::Trail(..) => "StartLogging",
        }
    }

    /// Whether the resource is contained now: the job stopping, the object quarantined and gone
    /// from where it was written, the trail logging.
    async fn contained(&self) -> bool {
        match self {
            Bed::SageMaker(stage) => {
                stage.status(ResourceKind::TrainingJob, "faulty").await.as_deref() == Some("Stopping")
            }
            Bed::Upload(estate, _) => {
                let account = &estate.deployment.account;
                let left = estate
                    .read(account, &estate.scratch_bucket, "exports/leak.parquet")
                    .await;
                left.is_none() && estate.quarantined().await.len() == 1
            }
            Bed::Trail(estate, _) => estate.is_logging().await,
        }
    }

    fn stop(self) {
        match self {
            Bed::SageMaker(Stage { lambda, .. }) | Bed::Upload(_, lambda) | Bed::Trail(_, lambda) => {
                lambda.stop_and_clean()
            }
        }
    }
}

/// One row of the matrix.
#[derive(Debug, Clone, Copy)]
struct Row {
    guard: Guard,
    service: &'static str,
    operation: &'static str,
    error: &'static str,
    times: u32,
    end: End,
    /// What a parked event's reason names.
    named: &'static str,
    /// How many alerts security operations receive. A containment that failed for now is
    /// alerted at once ("will be retried"), and again when a retry contains: two.
    alerts: usize,
}

const fn row(
    guard: Guard,
    service: &'static str,
    operation: &'static str,
    error: &'static str,
    times: u32,
    end: End,
    alerts: usize,
) -> Row {
    Row {
        guard,
        service,
        operation,
        error,
        times,
        end,
        named: "",
        alerts,
    }
}

async fn case(emulator: &Emulator, index: usize, row: Row) -> String {
    let (bed, event) = Bed::set_up(row.guard, emulator, &format!("fault-{index}")).await;
    let deployment = bed.deployment();
    let access_key = deployment.access_key();
    let (lambda, function) = bed.lambda();
    let containing = bed.containing_operation();
    let label = format!(
        "{:?} {}:{} × {} ({})",
        row.guard, row.service, row.operation, row.error, row.times
    );
    inject(emulator, &access_key, row.service, row.operation, row.error, row.times);
    let delivered = deliver_async(lambda, function, &event);
    match row.end {
        End::Contained | End::AlertedNotContained => {
            let answer = delivered.unwrap_or_else(|e| panic!("{label}: parked: {e}"));
            assert_eq!(answer.body["outcome"], "non_compliant", "{label}");
        }
        End::Parked => {
            let reason = delivered.expect_err(&label);
            assert!(
                reason.contains(row.named),
                "{label}: the reason names `{}`: {reason}",
                row.named
            );
        }
    }
    if row.error == SLOW {
        // Without an attempt timeout the SDK would wait for the slow answer and send nothing
        // more: the request after it is the retry of the attempt it gave up on.
        let sent = answered_calls(emulator, &access_key, row.operation, "");
        assert!(
            sent >= 2,
            "{label}: the slow attempt was given up on and retried ({sent} sent)"
        );
    }
    // Counted before the faults (and their counts) are cleared.
    let answered = answered_calls(emulator, &access_key, containing, row.operation);
    clear_faults(emulator, &access_key);
    let answered = if row.end == End::Parked {
        // The event is replayed from the destination, the faults gone.
        let before = answered_calls(emulator, &access_key, containing, "");
        let replayed = lambda.invoke(function, &event);
        assert!(!replayed.failed(), "{label}: {}", replayed.body);
        answered + answered_calls(emulator, &access_key, containing, "") - before
    } else {
        answered
    };
    let contained = bed.contained().await;
    let alerts = deployment.alerts().await;
    assert_eq!(alerts.len(), row.alerts, "{label}: {alerts:#?}");
    let last = alerts.last().unwrap();
    let result = last["actions"][0]["result"]["type"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    match row.end {
        End::Contained | End::Parked => {
            assert_eq!(answered, 1, "{label}: `{containing}` answered once");
            assert!(contained, "{label}: contained");
            assert_eq!(result, "done", "{label}: the last alert says it is contained");
        }
        End::AlertedNotContained => {
            assert_eq!(answered, 0, "{label}: the refused `{containing}` never took effect");
            assert!(!contained, "{label}: left as it was");
            assert_eq!(result, "failed", "{label}");
        }
    }
    // A later redelivery finds the ledger entry done: nothing more.
    let before = answered_calls(emulator, &access_key, containing, "");
    let again = lambda.invoke(function, &event);
    assert_eq!(again.body["duplicate"], true, "{label}: {}", again.body);
    assert_eq!(answered_calls(emulator, &access_key, containing, ""), before, "{label}");
    assert!(deployment.alerts().await.is_empty(), "{label}");
    bed.stop();
    format!(
        "| {} | `{}:{}` | {} ×{} | {:?}, {} alert(s) |",
        match row.guard {
            Guard::SageMaker => "sagemaker-guard",
            Guard::Upload => "upload-guard",
            Guard::Trail => "trail-guard",
        },
        row.service,
        row.operation,
        row.error,
        row.times,
        row.end,
        row.alerts
    )
}

async fn matrix(rows: &[Row]) {
    let emulator = Emulator::shared();
    let mut table = vec![
        "| function | operation | fault | end |".to_owned(),
        "|---|---|---|---|".to_owned(),
    ];
    for (index, row) in rows.iter().enumerate() {
        table.push(case(emulator, index, *row).await);
    }
    println!("{}", table.join("\n"));
}

const THROTTLING: &str = "ThrottlingException";
const UNAVAILABLE: &str = "ServiceUnavailable";
const DROPPED: &str = "DroppedConnection";
const DENIED: &str = "AccessDenied";
const SLOW: &str = "Slow";

#[tokio::test]
async fn every_operation_of_the_sagemaker_guard_survives_every_fault_kind() {
    use End::{AlertedNotContained, Contained, Parked};
    use Guard::SageMaker;
    matrix(&[
        // The ledger's claim and save (conditional PutObject).
        row(SageMaker, "s3", "PutObject", THROTTLING, ONE_INVOCATION, Contained, 1),
        row(SageMaker, "s3", "PutObject", UNAVAILABLE, ONE_INVOCATION, Contained, 1),
        row(SageMaker, "s3", "PutObject", DROPPED, ONE_INVOCATION, Contained, 1),
        row(SageMaker, "s3", "PutObject", DENIED, 1, Contained, 1),
        // The stop.
        row(
            SageMaker,
            "sagemaker",
            "StopTrainingJob",
            THROTTLING,
            ONE_INVOCATION,
            Contained,
            2,
        ),
        row(
            SageMaker,
            "sagemaker",
            "StopTrainingJob",
            UNAVAILABLE,
            ONE_INVOCATION,
            Contained,
            2,
        ),
        row(
            SageMaker,
            "sagemaker",
            "StopTrainingJob",
            DROPPED,
            ONE_INVOCATION,
            Contained,
            2,
        ),
        row(
            SageMaker,
            "sagemaker",
            "StopTrainingJob",
            DENIED,
            1,
            AlertedNotContained,
            1,
        ),
        // The alert.
        row(SageMaker, "sns", "Publish", THROTTLING, ONE_INVOCATION, Contained, 1),
        row(SageMaker, "sns", "Publish", UNAVAILABLE, ONE_INVOCATION, Contained, 1),
        row(SageMaker, "sns", "Publish", DROPPED, ONE_INVOCATION, Contained, 1),
        row(SageMaker, "sns", "Publish", DENIED, 1, Contained, 1),
        // Faults that outlast every delivery.
        Row {
            named: "`Publish`",
            ..row(SageMaker, "sns", "Publish", UNAVAILABLE, 100, Parked, 1)
        },
        Row {
            named: "stop_training_job",
            ..row(SageMaker, "sagemaker", "StopTrainingJob", THROTTLING, 100, Parked, 2)
        },
    ])
    .await;
}

#[tokio::test]
async fn every_operation_of_the_upload_guard_survives_every_fault_kind() {
    use End::{AlertedNotContained, Contained, Parked};
    use Guard::Upload;
    matrix(&[
        // The quarantine's copy.
        row(Upload, "s3", "CopyObject", THROTTLING, ONE_INVOCATION, Contained, 2),
        row(Upload, "s3", "CopyObject", UNAVAILABLE, ONE_INVOCATION, Contained, 2),
        row(Upload, "s3", "CopyObject", DROPPED, ONE_INVOCATION, Contained, 2),
        row(Upload, "s3", "CopyObject", DENIED, 1, AlertedNotContained, 1),
        // The delete of the original, after the copy.
        row(Upload, "s3", "DeleteObject", THROTTLING, ONE_INVOCATION, Contained, 2),
        row(Upload, "s3", "DeleteObject", DROPPED, ONE_INVOCATION, Contained, 2),
        // The ledger and the alert.
        row(Upload, "s3", "PutObject", UNAVAILABLE, ONE_INVOCATION, Contained, 1),
        row(Upload, "sns", "Publish", THROTTLING, ONE_INVOCATION, Contained, 1),
        row(Upload, "sns", "Publish", DENIED, 1, Contained, 1),
        Row {
            named: "`Publish`",
            ..row(Upload, "sns", "Publish", UNAVAILABLE, 100, Parked, 1)
        },
    ])
    .await;
}

#[tokio::test]
async fn every_operation_of_the_trail_guard_survives_every_fault_kind() {
    use End::{AlertedNotContained, Contained, Parked};
    use Guard::Trail;
    matrix(&[
        // The status read before the restore; an answer slower than the SDK's attempt timeout
        // (`smguard_aws::ATTEMPT_TIMEOUT`, 20 s; the emulator answers after 30 s) is given up on
        // and retried within the invocation.
        row(
            Trail,
            "cloudtrail",
            "GetTrailStatus",
            THROTTLING,
            ONE_INVOCATION,
            Contained,
            2,
        ),
        row(Trail, "cloudtrail", "GetTrailStatus", SLOW, 1, Contained, 1),
        // The restore.
        row(
            Trail,
            "cloudtrail",
            "StartLogging",
            THROTTLING,
            ONE_INVOCATION,
            Contained,
            2,
        ),
        row(
            Trail,
            "cloudtrail",
            "StartLogging",
            UNAVAILABLE,
            ONE_INVOCATION,
            Contained,
            2,
        ),
        row(
            Trail,
            "cloudtrail",
            "StartLogging",
            DROPPED,
            ONE_INVOCATION,
            Contained,
            2,
        ),
        row(Trail, "cloudtrail", "StartLogging", DENIED, 1, AlertedNotContained, 1),
        // The ledger and the alert.
        row(Trail, "s3", "PutObject", UNAVAILABLE, ONE_INVOCATION, Contained, 1),
        row(Trail, "sns", "Publish", THROTTLING, ONE_INVOCATION, Contained, 1),
        Row {
            named: "`Publish`",
            ..row(Trail, "sns", "Publish", UNAVAILABLE, 100, Parked, 1)
        },
    ])
    .await;
}

/// The audit (`respond: true`, as its schedule may ask) over one open training job, with a fault
/// in one of its calls. The audit does not fail its invocation for one resource: a call that
/// failed is a problem the run's summary names, and the next scheduled run completes what this
/// one could not. Ends, over two runs: the run complete, a problem naming the operation when the
/// fault outlasted the SDK's attempts, the job stopped once (never twice), the resource's alert
/// published once, and one summary alert per run.
async fn audit_case(emulator: &Emulator, row: Row) -> String {
    let mut deployment = Deployment::new(emulator, "enforce", &[], "smguard-alerts").await;
    let reports = format!("smguard-reports-{}", deployment.account.id);
    deployment.account.create_bucket(emulator, &reports);
    deployment.env.push(("SMGUARD_REPORT_BUCKET", reports));
    deployment.env.push(("SMGUARD_AUDIT_MAY_RESPOND", "true".to_owned()));
    create_open_training_job(&deployment.account, "faulty").await;
    let lambda = LocalLambda::start(&format!("audit-fault-{}", deployment.account.id), &deployment.env);
    let access_key = deployment.access_key();
    let label = format!(
        "audit {}:{} × {} ({})",
        row.service, row.operation, row.error, row.times
    );
    let request = json!({"kinds": ["training_job"], "respond": true}).to_string();
    inject(emulator, &access_key, row.service, row.operation, row.error, row.times);
    let first = deliver_async(&lambda, "audit", &request).unwrap_or_else(|e| panic!("{label}: parked: {e}"));
    let stopped = answered_calls(emulator, &access_key, "StopTrainingJob", row.operation);
    clear_faults(emulator, &access_key);
    assert_eq!(first.body["status"], "complete", "{label}: {}", first.body);
    let problems = first.body["summary"]["problems"].to_string();
    let problem = first.body["summary"]["problems_total"] != 0;
    if problem {
        assert!(
            problems.contains(&format!("`{}`", row.operation)),
            "{label}: the problem names the call: {problems}"
        );
    }
    // The next scheduled run, the faults gone.
    let before = answered_calls(emulator, &access_key, "StopTrainingJob", "");
    let second = lambda.invoke("audit", &request);
    assert_eq!(second.body["status"], "complete", "{label}: {}", second.body);
    let stopped = stopped + answered_calls(emulator, &access_key, "StopTrainingJob", "") - before;
    let status = deployment.status(ResourceKind::TrainingJob, "faulty").await;
    let alerts = deployment.alerts().await;
    lambda.stop_and_clean();
    let (about_the_job, summaries): (Vec<&Value>, Vec<&Value>) =
        alerts.iter().partition(|a| a["resource"]["name"] == "faulty");
    assert_eq!(summaries.len(), 2, "{label}: one summary per run: {alerts:#?}");
    assert_eq!(about_the_job.len(), row.alerts, "{label}: {about_the_job:#?}");
    match row.end {
        End::Contained | End::Parked => {
            assert_eq!(stopped, 1, "{label}: stopped once over both runs");
            assert_eq!(status.as_deref(), Some("Stopping"), "{label}");
        }
        End::AlertedNotContained => {
            assert_eq!(stopped, 0, "{label}");
            assert_eq!(status.as_deref(), Some("InProgress"), "{label}");
        }
    }
    format!(
        "| audit | `{}:{}` | {} ×{} | {}{:?}, {} alert(s) about the job |",
        row.service,
        row.operation,
        row.error,
        row.times,
        if problem {
            "a problem in the first run's summary; "
        } else {
            ""
        },
        row.end,
        row.alerts
    )
}

#[tokio::test]
async fn every_operation_of_the_audit_survives_every_fault_kind() {
    use End::{AlertedNotContained, Contained};
    use Guard::SageMaker;
    let sweep = smguard_aws::SWEEP_MAX_ATTEMPTS;
    let emulator = Emulator::shared();
    let mut table = Vec::new();
    for row in [
        row(
            SageMaker,
            "sagemaker",
            "ListTrainingJobs",
            THROTTLING,
            sweep,
            Contained,
            1,
        ),
        row(
            SageMaker,
            "sagemaker",
            "DescribeTrainingJob",
            THROTTLING,
            sweep,
            Contained,
            1,
        ),
        row(
            SageMaker,
            "sagemaker",
            "StopTrainingJob",
            THROTTLING,
            ONE_INVOCATION,
            Contained,
            1,
        ),
        row(
            SageMaker,
            "sagemaker",
            "StopTrainingJob",
            DENIED,
            1,
            AlertedNotContained,
            1,
        ),
        row(SageMaker, "s3", "PutObject", UNAVAILABLE, ONE_INVOCATION, Contained, 1),
        row(SageMaker, "sns", "Publish", UNAVAILABLE, ONE_INVOCATION, Contained, 1),
    ] {
        table.push(audit_case(emulator, row).await);
    }
    println!("{}", table.join("\n"));
}
