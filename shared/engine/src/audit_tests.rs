use std::sync::atomic::{AtomicU64, Ordering};

use smguard_policy::model::SourceKind;
use smguard_policy::{PolicyConfig, Settings, assess};

use super::*;
use crate::fakes::{Call, FakeSageMaker, MemoryLedger, MemoryReports, RecordingNotifier};

macro_rules! fixture {
    ($path:literal) => {
        include_str!(concat!("../../../events/", $path))
    };
}

const SETTINGS: &str = fixture!("fixtures.env");
/// (fixture, status, non-compliant)
const ESTATE: &[(&str, &str, bool)] = &[
    (
        fixture!("cloudtrail/sagemaker/create-training-job.no-vpc-no-keys.json"),
        "InProgress",
        true,
    ),
    (
        fixture!("cloudtrail/sagemaker/create-training-job.compliant.json"),
        "InProgress",
        false,
    ),
    (
        fixture!("cloudtrail/sagemaker/create-notebook-instance.no-vpc.json"),
        "InService",
        true,
    ),
    (
        fixture!("cloudtrail/sagemaker/create-notebook-instance.compliant.json"),
        "InService",
        false,
    ),
    (fixture!("cloudtrail/sagemaker/create-model.no-vpc.json"), "", true),
    (fixture!("cloudtrail/sagemaker/create-model.compliant.json"), "", false),
    (
        fixture!("cloudtrail/sagemaker/create-domain.public-internet.json"),
        "InService",
        true,
    ),
];

/// A clock that moves 1 ms each time it is read, with an optional deadline.
struct TestClock {
    now: AtomicU64,
    deadline: Option<u64>,
}

impl TestClock {
    fn unlimited() -> TestClock {
        TestClock {
            now: AtomicU64::new(1_762_092_191_000),
            deadline: None,
        }
    }

    /// A deadline already too close for a second page.
    fn tight() -> TestClock {
        TestClock {
            deadline: Some(1_762_092_191_000),
            ..TestClock::unlimited()
        }
    }
}

impl Clock for TestClock {
    fn now_ms(&self) -> u64 {
        self.now.fetch_add(1, Ordering::Relaxed)
    }

    fn deadline_ms(&self) -> Option<u64> {
        self.deadline
    }
}

struct World {
    sagemaker: FakeSageMaker,
    notifier: RecordingNotifier,
    ledger: MemoryLedger,
    reports: MemoryReports,
    policy: PolicyConfig,
}

impl World {
    fn new() -> World {
        let settings = Settings::parse_env_file(SETTINGS, "fixtures.env").unwrap();
        let world = World {
            sagemaker: FakeSageMaker::new(),
            notifier: RecordingNotifier::new(),
            ledger: MemoryLedger::new(),
            reports: MemoryReports::new(),
            policy: PolicyConfig::from_settings(&settings).unwrap(),
        };
        for (event, status, _) in ESTATE {
            let mut resource = assess(event, &world.policy).resource.unwrap();
            resource.origin.source = SourceKind::Describe;
            resource.origin.time = Some("1762092191.5".to_owned());
            world.sagemaker.put(resource.clone());
            if !status.is_empty() {
                world.sagemaker.set_status(resource.kind, &resource.name, status);
            }
        }
        world
    }

    fn audit(&self, mode: Option<Mode>) -> Audit<'_> {
        Audit {
            self_check: None,
            inventory: &self.sagemaker,
            reports: &self.reports,
            notifier: Some(&self.notifier),
            responder: mode.map(|mode| Responder {
                remediator: Some(&self.sagemaker),
                objects: None,
                guard: None,
                notifier: &self.notifier,
                fallback: None,
                policy: &self.policy,
                ledger: &self.ledger,
                mode,
            }),
            policy: &self.policy,
            concurrency: DEFAULT_CONCURRENCY,
            reserve_ms: 0,
            part_bytes: PART_BYTES,
        }
    }

    /// A complete `respond: true` run in enforce mode, with all the time it needs.
    async fn responding_run(&self, run_id: &str) -> Summary {
        complete(
            self.audit(Some(Mode::Enforce))
                .start(request(run_id, true), &TestClock::unlimited(), &Unobserved)
                .await
                .unwrap(),
        )
    }
}

fn request(run_id: &str, respond: bool) -> AuditRequest {
    AuditRequest {
        run_id: run_id.to_owned(),
        kinds: ResourceKind::ALL.to_vec(),
        respond,
    }
}

fn complete(result: AuditResult) -> Summary {
    match result {
        AuditResult::Complete { summary } => summary,
        AuditResult::Continue { continuation } => panic!("expected a complete run, got {continuation:?}"),
    }
}

/// `(kind, name)` of every report line, sorted.
fn listed(lines: &[serde_json::Value]) -> Vec<(String, String)> {
    let mut names: Vec<(String, String)> = lines
        .iter()
        .map(|l| {
            (
                l["kind"].as_str().unwrap().to_owned(),
                l["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn a_report_only_audit_lists_every_resource_once_and_changes_nothing() {
    let world = World::new();
    let summary = complete(
        world
            .audit(None)
            .start(request("run-1", false), &TestClock::unlimited(), &Unobserved)
            .await
            .unwrap(),
    );
    let lines = world.reports.lines("run-1");
    assert_eq!(lines.len(), ESTATE.len());
    let mut unique = listed(&lines);
    unique.dedup();
    assert_eq!(unique.len(), ESTATE.len());
    let non_compliant = ESTATE.iter().filter(|(_, _, bad)| *bad).count() as u64;
    assert_eq!(summary.by_outcome.get("non_compliant"), Some(&non_compliant));
    assert_eq!(
        summary.by_outcome.get("compliant"),
        Some(&(ESTATE.len() as u64 - non_compliant))
    );
    assert_eq!(summary.resources, ESTATE.len() as u64);
    assert!(summary.complete && !summary.clean());
    assert!(
        summary.by_rule.contains_key("network.vpc-required"),
        "{:?}",
        summary.by_rule
    );
    let model = lines
        .iter()
        .find(|l| l["kind"] == "model" && l["outcome"] == "non_compliant")
        .unwrap();
    assert_eq!(model["planned"], serde_json::json!(["delete_model"]));
    assert_eq!(model["actions"], serde_json::json!([]));
    // Report only: nothing stopped or deleted, no alert but the summary.
    assert!(world.sagemaker.changes().is_empty());
    assert!(world.notifier.alerts().is_empty());
    let messages = world.notifier.messages();
    assert_eq!(messages.len(), 1);
    assert!(
        messages[0].subject.contains(&format!("{non_compliant} non-compliant")),
        "{}",
        messages[0].subject
    );
    assert!(messages[0].text.contains("memory://reports/run-1/"));
    assert!(
        messages[0]
            .attributes
            .contains(&MessageAttribute::string("alert_type", "audit_summary"))
    );
    // The summary went to the report too.
    assert_eq!(world.reports.summary("run-1").unwrap()["resources"], ESTATE.len());
}

#[tokio::test]
async fn a_responding_audit_contains_what_the_guard_would_and_a_second_run_changes_nothing() {
    let world = World::new();
    let summary = world.responding_run("run-1").await;
    let changes = world.sagemaker.changes();
    // The open training job and notebook are stopped, the open model deleted; the domain is
    // only alerted (in the summary), compliant resources are left alone.
    assert_eq!(changes.len(), 3, "{changes:?}");
    assert!(
        changes
            .iter()
            .any(|c| matches!(c, Call::Delete(r) if r.kind == ResourceKind::Model))
    );
    assert_eq!(world.notifier.alerts().len(), 3, "one alert per resource acted on");
    assert_eq!(summary.actions.values().sum::<u64>(), 3, "{:?}", summary.actions);

    let again = world.responding_run("run-2").await;
    assert_eq!(world.sagemaker.changes().len(), 3, "nothing acted on twice");
    assert_eq!(world.notifier.alerts().len(), 3, "no new alert");
    assert!(
        again.actions.keys().all(|a| !a.ends_with("=stopped")),
        "{:?}",
        again.actions
    );
    assert_eq!(world.notifier.messages().len(), 2, "one summary per run");
}

#[tokio::test]
async fn a_dry_run_audit_alerts_once_per_finding_across_runs() {
    let world = World::new();
    for run in ["run-1", "run-2"] {
        world
            .audit(Some(Mode::DryRun))
            .start(request(run, true), &TestClock::unlimited(), &Unobserved)
            .await
            .unwrap();
    }
    assert!(world.sagemaker.changes().is_empty());
    assert_eq!(
        world.notifier.alerts().len(),
        3,
        "each would-be containment alerted once"
    );
}

#[tokio::test]
async fn time_running_low_returns_a_continuation_and_the_resumed_run_has_no_duplicates() {
    let world = World::new();
    world.sagemaker.set_page_size(1);
    let audit = world.audit(None);
    let mut result = audit
        .start(request("run-1", false), &TestClock::tight(), &Unobserved)
        .await
        .unwrap();
    let mut invocations = 1;
    let summary = loop {
        match result {
            AuditResult::Complete { summary } => break summary,
            AuditResult::Continue { continuation } => {
                // What the function returns is what it is invoked with next.
                let wire = serde_json::to_string(&continuation).unwrap();
                let continuation: Continuation = serde_json::from_str(&wire).unwrap();
                result = audit
                    .resume(continuation, &TestClock::tight(), &Unobserved)
                    .await
                    .unwrap();
                invocations += 1;
            }
        }
    };
    assert!(invocations > ESTATE.len(), "one page per invocation: {invocations}");
    assert_eq!(summary.invocations as usize, invocations);
    let lines = world.reports.lines("run-1");
    let mut names = listed(&lines);
    assert_eq!(names.len(), ESTATE.len());
    names.dedup();
    assert_eq!(names.len(), ESTATE.len(), "no resource twice");
    assert_eq!(summary.resources, ESTATE.len() as u64);
    assert!(world.reports.parts("run-1") > 1);
}

#[tokio::test]
async fn a_large_report_is_written_in_parts() {
    let world = World::new();
    world.sagemaker.set_page_size(1);
    let mut audit = world.audit(None);
    audit.part_bytes = 1;
    complete(
        audit
            .start(request("run-1", false), &TestClock::unlimited(), &Unobserved)
            .await
            .unwrap(),
    );
    assert_eq!(world.reports.parts("run-1"), ESTATE.len());
    assert_eq!(world.reports.lines("run-1").len(), ESTATE.len());
}

#[tokio::test]
async fn what_cannot_be_listed_or_described_is_reported_never_compliant() {
    let world = World::new();
    let denied = PortError::AccessDenied {
        operation: "ListNotebookInstances".into(),
        message: "no".into(),
    };
    let throttled = PortError::Throttled {
        operation: "DescribeTrainingJob".into(),
        message: "slow".into(),
    };
    world.sagemaker.fail_next("list", denied);
    world.sagemaker.fail_next("describe", throttled);
    let kinds = vec![ResourceKind::NotebookInstance, ResourceKind::TrainingJob];
    let summary = complete(
        world
            .audit(None)
            .start(
                AuditRequest {
                    run_id: "run-1".into(),
                    kinds,
                    respond: false,
                },
                &TestClock::unlimited(),
                &Unobserved,
            )
            .await
            .unwrap(),
    );
    assert_eq!(summary.problems_total, 2, "{:?}", summary.problems);
    assert!(summary.access_denied());
    assert_eq!(summary.by_outcome.get("unevaluable"), Some(&1));
    let lines = world.reports.lines("run-1");
    assert_eq!(lines.len(), 2, "the two training jobs; notebooks could not be listed");
    assert!(
        lines
            .iter()
            .any(|l| l["outcome"] == "unevaluable" && l["error"].as_str().unwrap().contains("throttled"))
    );
}

#[tokio::test]
async fn responding_without_a_response_path_is_refused() {
    let world = World::new();
    let error = world
        .audit(None)
        .start(request("run-1", true), &TestClock::unlimited(), &Unobserved)
        .await
        .unwrap_err();
    assert_eq!(error, AuditError::CannotRespond);
}

#[test]
fn the_worst_findings_keep_the_most_severe_first() {
    let mut summary = Summary::default();
    let line = |severity: Severity, name: &str| ReportLine {
        kind: ResourceKind::Model,
        name: name.to_owned(),
        arn: None,
        outcome: Outcome::NonCompliant,
        findings: vec![LineFinding {
            rule: "network.vpc-required".into(),
            severity,
            mode: smguard_policy::ControlMode::Enforce,
            field: "VpcConfig".into(),
            reason: "no VPC".into(),
        }],
        undetermined: Vec::new(),
        planned: Vec::new(),
        actions: Vec::new(),
        alerted: false,
        duplicate: false,
        reason: None,
        error: None,
    };
    for i in 0..12 {
        summary.count(&line(Severity::Medium, &format!("m{i}")));
    }
    summary.count(&line(Severity::High, "h"));
    assert_eq!(summary.worst.len(), WORST_FINDINGS);
    assert_eq!(summary.worst[0].name, "h");
    assert_eq!(summary.worst[1].name, "m0");
    assert_eq!(summary.by_severity.get("medium"), Some(&12));
}

#[test]
fn payloads_and_kinds_are_read_with_clear_errors() {
    let payload: AuditPayload =
        serde_json::from_str(r#"{"kinds": ["notebook_instance", "training_job"], "respond": false}"#).unwrap();
    assert_eq!(
        parse_kinds(payload.kinds.as_deref()),
        Ok(vec![ResourceKind::NotebookInstance, ResourceKind::TrainingJob])
    );
    assert_eq!(parse_kinds(None).unwrap().len(), ResourceKind::ALL.len());
    let error = parse_kinds(Some(&["notebook".to_owned()])).unwrap_err();
    assert!(
        error.starts_with("unknown kind `notebook`; the kinds are notebook_instance, "),
        "{error}"
    );
    assert!(parse_kinds(Some(&[])).is_err());
    let typo = serde_json::from_str::<AuditPayload>(r#"{"respnd": true}"#)
        .unwrap_err()
        .to_string();
    assert!(typo.contains("unknown field `respnd`"), "{typo}");
}

#[test]
fn run_ids_sort_by_utc_start_time() {
    assert_eq!(run_id(1_764_596_700, "8f3a1c2e-77aa"), "20251201T134500Z-8f3a1c2e");
    assert_eq!(run_id(0, "x"), "19700101T000000Z-x");
    assert_eq!(run_id(951_782_400, "leap"), "20000229T000000Z-leap");
}

#[tokio::test]
async fn the_self_check_reports_smguards_own_inputs_in_the_summary() {
    use crate::fakes::FakeGuardInputs;
    use crate::ports::{GuardInputs, SelfCheckConfig, TrailSelectors, TrailStatus};
    let world = World::new();
    let inputs = FakeGuardInputs::new(GuardInputs {
        region: "us-gov-west-1".into(),
        trails: vec![TrailStatus {
            name: "org".into(),
            arn: None,
            home_region: None,
            is_logging: false,
            is_multi_region: true,
            selectors: TrailSelectors::Basic(Vec::new()),
        }],
        ..GuardInputs::default()
    });
    let config = SelfCheckConfig::default();
    let mut audit = world.audit(None);
    audit.self_check = Some(SelfCheck {
        reader: &inputs,
        config: &config,
    });
    let summary = complete(
        audit
            .start(request("run-1", false), &TestClock::unlimited(), &Unobserved)
            .await
            .unwrap(),
    );
    assert_eq!(summary.guard_findings.len(), 2);
    assert!(summary.guard_findings.iter().all(|f| f.check == "guard.trail-logging"));
    let message = &world.notifier.messages()[0];
    assert!(
        message.subject.ends_with(", 2 self-check findings"),
        "{}",
        message.subject
    );
    assert!(
        message
            .text
            .contains("[guard.trail-logging] trail `org` is not logging"),
        "{}",
        message.text
    );
    // A self-check that cannot be made says so; the audit goes on.
    inputs.fail_next(PortError::AccessDenied {
        operation: "DescribeTrails".into(),
        message: "no".into(),
    });
    let summary = complete(
        audit
            .start(request("run-2", false), &TestClock::unlimited(), &Unobserved)
            .await
            .unwrap(),
    );
    assert!(
        summary
            .self_check_error
            .unwrap()
            .contains("access denied to `DescribeTrails`")
    );
    assert_eq!(summary.resources, ESTATE.len() as u64);
}

#[tokio::test]
async fn an_alert_an_audit_could_not_publish_is_published_by_the_next_run() {
    let world = World::new();
    // The first run stops, deletes and then cannot publish its first alert.
    world.notifier.fail_next(PortError::Unavailable {
        operation: "Publish".into(),
        message: "Service is unavailable".into(),
    });
    let first = world.responding_run("run-1").await;
    assert_eq!(world.sagemaker.changes().len(), 3);
    assert_eq!(world.notifier.alerts().len(), 2, "one of three alerts failed");
    assert_eq!(first.problems_total, 1, "{:?}", first.problems);
    // The next run finds that resource contained (nothing left to do) and owes its alert.
    world.responding_run("run-2").await;
    assert_eq!(world.sagemaker.changes().len(), 3, "nothing acted on twice");
    let alerts = world.notifier.alerts();
    assert_eq!(alerts.len(), 3, "the owed alert, once: {alerts:#?}");
    let owed = alerts.last().unwrap();
    assert!(
        owed.actions
            .iter()
            .any(|a| a.result == crate::alert::ActionResult::Done && a.action != Action::Alert),
        "it says what the first run did: {owed:#?}"
    );
    // And a third run owes nothing.
    world.responding_run("run-3").await;
    assert_eq!(world.notifier.alerts().len(), 3);
}
