use smguard_policy::{PolicyConfig, Settings, assess};

use super::*;
use crate::alert::Alert;
use crate::fakes::{Call, FakeSageMaker, MemoryLedger, RecordingNotifier};
use crate::ports::PortError;
use crate::respond::undetermined_fields;
use smguard_policy::model::SourceKind;

const NOW: u64 = 1_762_092_191;

macro_rules! fixture {
    ($path:literal) => {
        include_str!(concat!("../../../events/", $path))
    };
}

const CREATE_TRAINING: &str = fixture!("cloudtrail/sagemaker/create-training-job.no-vpc-no-keys.json");
const CREATE_TRAINING_COMPLIANT: &str = fixture!("cloudtrail/sagemaker/create-training-job.compliant.json");
const CREATE_NOTEBOOK: &str =
    fixture!("cloudtrail/sagemaker/create-notebook-instance.direct-internet-aws-managed-key.json");
const NOTEBOOK_IN_SERVICE: &str = fixture!("native/notebook-instance.in-service.direct-internet.json");
const NOTEBOOK_PENDING: &str = fixture!("native/notebook-instance.pending.direct-internet.json");
const NOTEBOOK_STOPPED: &str = fixture!("native/notebook-instance.stopped.direct-internet.json");
const NOTEBOOK_MINIMAL: &str = fixture!("native/notebook-instance.in-service.minimal.json");
const TRAINING_IN_PROGRESS: &str = fixture!("native/training-job.in-progress.unapproved-key.json");
const CREATE_NOTEBOOK_NO_VPC: &str = fixture!("cloudtrail/sagemaker/create-notebook-instance.no-vpc.json");
const CREATE_MODEL: &str = fixture!("cloudtrail/sagemaker/create-model.no-vpc.json");
const CREATE_DOMAIN: &str = fixture!("cloudtrail/sagemaker/create-domain.public-internet.json");
const TRUNCATED: &str = fixture!("cloudtrail/sagemaker/create-training-job.truncated-parameters.json");
const MISSING_NAME: &str = fixture!("malformed/create-model.missing-name.json");
const OMITTED_MODEL: &str = fixture!("cloudtrail/sagemaker/create-model.omitted-parameters.json");
const MODEL_STATE_CHANGE: &str = fixture!("native/model.created.describe.json");
const ACCESS_DENIED_CALL: &str = fixture!("cloudtrail/sagemaker/create-notebook-instance.access-denied.json");
const GUARDS_OWN_CALL: &str = fixture!("cloudtrail/sagemaker/stop-training-job.by-guard.json");
const SETTINGS: &str = fixture!("fixtures.env");

struct World {
    sagemaker: FakeSageMaker,
    notifier: RecordingNotifier,
    ledger: MemoryLedger,
    policy: PolicyConfig,
}

impl World {
    fn new(extra: &[(&str, &str)]) -> World {
        let mut settings = Settings::parse_env_file(SETTINGS, "fixtures.env").unwrap();
        settings.extend(extra.iter().copied());
        World {
            sagemaker: FakeSageMaker::new(),
            notifier: RecordingNotifier::new(),
            ledger: MemoryLedger::new(),
            policy: PolicyConfig::from_settings(&settings).unwrap(),
        }
    }

    fn guard(&self, mode: Mode) -> Guard<'_> {
        Guard {
            ports: Ports {
                inventory: Some(&self.sagemaker),
                remediator: Some(&self.sagemaker),
                objects: None,
                guard: None,
                notifier: &self.notifier,
                fallback: None,
                ledger: &self.ledger,
            },
            policy: &self.policy,
            mode,
        }
    }

    /// Puts the resource an event describes into the fake, with `status`, as SageMaker's
    /// `Describe*` would answer for it.
    fn exists(&self, event: &str, status: &str) -> ResourceRef {
        let mut resource = assess(event, &self.policy)
            .resource
            .expect("the event names a resource");
        resource.origin.source = SourceKind::Describe;
        self.sagemaker.put(resource.clone());
        self.sagemaker.set_status(resource.kind, &resource.name, status);
        resource.reference()
    }

    fn stops(&self) -> usize {
        self.sagemaker
            .changes()
            .iter()
            .filter(|c| matches!(c, Call::Stop(_)))
            .count()
    }
}

/// Each action's name and result, as an alert's reader sees them.
fn results(alert: &Alert) -> Vec<(String, String)> {
    alert.actions.iter().map(|a| (a.action.name(), a.describe())).collect()
}

/// `(action, result)` pairs as text, to compare with [`results`].
fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(a, r)| ((*a).to_owned(), (*r).to_owned()))
        .collect()
}

#[tokio::test]
async fn a_job_is_stopped_on_its_create_call_and_one_alert_says_so() {
    let world = World::new(&[]);
    let job = world.exists(CREATE_TRAINING, "InProgress");
    let report = world.guard(Mode::Enforce).handle(CREATE_TRAINING, NOW).await.unwrap();
    assert_eq!(report.outcome, Outcome::NonCompliant);
    assert!(report.alerted && !report.duplicate);
    assert_eq!(world.sagemaker.changes(), vec![Call::Stop(job.clone())]);
    assert_eq!(world.sagemaker.status(job.kind, &job.name).as_deref(), Some("Stopping"));
    let alerts = world.notifier.alerts();
    assert_eq!(alerts.len(), 1);
    assert_eq!(results(&alerts[0]), pairs(&[("stop_training_job", "stopped")]));
    assert_eq!(
        alerts[0].principal.as_deref(),
        Some("arn:aws-us-gov:sts::111122223333:assumed-role/DataScientist/alice@example.com")
    );
    assert_eq!(alerts[0].source_ip.as_deref(), Some("10.20.31.44"));
    assert_eq!(alerts[0].event_time.as_deref(), Some("2026-11-02T14:03:11Z"));
    assert_eq!(alerts[0].account.as_deref(), Some("111122223333"));
    assert_eq!(alerts[0].region.as_deref(), Some("us-gov-west-1"));
    assert_eq!(alerts[0].findings.len(), 5);
    // Claimed, then marked done after the alert: with the stop and the publish, four calls.
    assert_eq!(world.ledger.writes(), 2);
}

#[tokio::test]
async fn a_retry_after_a_crash_between_the_stop_and_the_alert_reports_the_stop_and_alerts_once() {
    let world = World::new(&[]);
    let job = world.exists(CREATE_TRAINING, "InProgress");
    let key = assess(CREATE_TRAINING, &world.policy).ledger_key().unwrap();
    // The first attempt claimed the event, stopped the job and died before publishing: the
    // ledger holds an expired claim with nothing recorded, the job is stopping.
    world.ledger.hold(&key, NOW + 1);
    world.sagemaker.set_status(job.kind, &job.name, "Stopping");
    let report = world
        .guard(Mode::Enforce)
        .handle(CREATE_TRAINING, NOW + LEASE.as_secs())
        .await
        .unwrap();
    assert!(report.alerted);
    let alerts = world.notifier.alerts();
    assert_eq!(alerts.len(), 1);
    assert_eq!(results(&alerts[0]), pairs(&[("stop_training_job", "stopped")]));
    // A first attempt that finds the job already stopping did not stop it, and says so.
    let other = World::new(&[]);
    let job = other.exists(CREATE_TRAINING, "InProgress");
    other.sagemaker.set_status(job.kind, &job.name, "Stopping");
    other.guard(Mode::Enforce).handle(CREATE_TRAINING, NOW).await.unwrap();
    assert_eq!(
        results(&other.notifier.alerts()[0]),
        pairs(&[("stop_training_job", "already stopping (Stopping)")])
    );
}

#[tokio::test]
async fn a_duplicate_delivery_neither_stops_nor_alerts_again() {
    let world = World::new(&[]);
    world.exists(CREATE_TRAINING, "InProgress");
    let guard = world.guard(Mode::Enforce);
    guard.handle(CREATE_TRAINING, NOW).await.unwrap();
    let again = guard.handle(CREATE_TRAINING, NOW + 5).await.unwrap();
    assert!(again.duplicate);
    assert_eq!(again.actions.len(), 1, "the report says what the first delivery did");
    assert_eq!(world.stops(), 1);
    assert_eq!(world.notifier.alerts().len(), 1);
}

#[tokio::test]
async fn a_concurrent_delivery_is_told_to_retry() {
    let world = World::new(&[]);
    world.exists(CREATE_TRAINING, "InProgress");
    let decision = assess(CREATE_TRAINING, &world.policy);
    let id = decision.event.id.clone().unwrap();
    let key = decision.ledger_key().unwrap();
    assert!(key.ends_with(&format!("/{id}/training_job/exfil-train-07")), "{key}");
    world.ledger.hold(&key, NOW + 60);
    let error = world
        .guard(Mode::Enforce)
        .handle(CREATE_TRAINING, NOW)
        .await
        .unwrap_err();
    assert_eq!(error, GuardError::InProgress { event_id: id });
    assert_eq!(error.error_type(), "InProgress");
    assert_eq!(world.stops(), 0);
    assert!(world.notifier.alerts().is_empty());
    // Once the holder's lease has ended, a retry takes over.
    world
        .guard(Mode::Enforce)
        .handle(CREATE_TRAINING, NOW + 61)
        .await
        .unwrap();
    assert_eq!(world.stops(), 1);
}

#[tokio::test]
async fn when_the_alert_fails_the_invocation_fails_and_its_retry_does_not_stop_again() {
    let world = World::new(&[]);
    world.exists(CREATE_TRAINING, "InProgress");
    let denied = PortError::AccessDenied {
        operation: "Publish".into(),
        message: "no".into(),
    };
    world.notifier.fail_next(denied.clone());
    let guard = world.guard(Mode::Enforce);
    let error = guard.handle(CREATE_TRAINING, NOW).await.unwrap_err();
    assert_eq!(error, GuardError::AlertFailed(denied));
    assert_eq!(world.stops(), 1, "remediation comes before the alert");
    // Lambda retries the event: the stop is remembered, the alert now goes out, once.
    let retried = guard.handle(CREATE_TRAINING, NOW + 60).await.unwrap();
    assert!(retried.alerted && !retried.duplicate);
    assert_eq!(world.stops(), 1);
    let alerts = world.notifier.alerts();
    assert_eq!(alerts.len(), 1);
    assert_eq!(results(&alerts[0]), pairs(&[("stop_training_job", "stopped")]));
}

#[tokio::test]
async fn a_throttled_stop_is_alerted_retried_and_alerted_again_when_done() {
    let world = World::new(&[]);
    world.exists(CREATE_TRAINING, "InProgress");
    world.sagemaker.fail_next(
        "stop",
        PortError::Throttled {
            operation: "StopTrainingJob".into(),
            message: "slow".into(),
        },
    );
    let guard = world.guard(Mode::Enforce);
    let error = guard.handle(CREATE_TRAINING, NOW).await.unwrap_err();
    assert_eq!(error.error_type(), "RemediationRetry");
    let first = world.notifier.alerts();
    assert_eq!(
        results(&first[0]),
        pairs(&[(
            "stop_training_job",
            "remediation failed: throttled by AWS; the event will be retried"
        )])
    );
    guard.handle(CREATE_TRAINING, NOW + 60).await.unwrap();
    let alerts = world.notifier.alerts();
    assert_eq!(alerts.len(), 2, "the stop that succeeded is news");
    assert_eq!(results(&alerts[1]), pairs(&[("stop_training_job", "stopped")]));
    assert!(guard.handle(CREATE_TRAINING, NOW + 120).await.unwrap().duplicate);
    assert_eq!(world.notifier.alerts().len(), 2);
}

#[tokio::test]
async fn access_denied_is_alerted_and_not_retried() {
    let world = World::new(&[]);
    world.exists(CREATE_TRAINING, "InProgress");
    world.sagemaker.fail_next(
        "stop",
        PortError::AccessDenied {
            operation: "StopTrainingJob".into(),
            message: "no".into(),
        },
    );
    let report = world.guard(Mode::Enforce).handle(CREATE_TRAINING, NOW).await.unwrap();
    assert!(report.alerted);
    assert_eq!(
        results(&world.notifier.alerts()[0]),
        pairs(&[("stop_training_job", "remediation failed: access denied")])
    );
    assert!(
        world
            .guard(Mode::Enforce)
            .handle(CREATE_TRAINING, NOW + 60)
            .await
            .unwrap()
            .duplicate
    );
    assert_eq!(world.stops(), 1);
}

#[tokio::test]
async fn a_notebook_is_stopped_when_in_service_and_deleted_once_stopped() {
    let world = World::new(&[("SMGUARD_DELETE_NONCOMPLIANT_NOTEBOOKS", "true")]);
    let guard = world.guard(Mode::Enforce);
    let notebook = world.exists(CREATE_NOTEBOOK, "Pending");

    // Created: Pending, so AWS refuses a stop; the alert says it will be stopped when InService.
    guard.handle(CREATE_NOTEBOOK, NOW).await.unwrap();
    assert!(world.sagemaker.changes().is_empty());
    let alerts = world.notifier.alerts();
    assert_eq!(
        results(&alerts[0]),
        pairs(&[(
            "stop_notebook_instance_when_in_service",
            "deferred: will stop when it is InService"
        )])
    );
    assert_eq!(
        alerts[0].subject(),
        "[smguard] non-compliant notebook instance feature-eng-02: deferred: will stop when it is InService"
    );
    // Nothing changed, so nothing to record before the alert: claimed, then done.
    assert_eq!(world.ledger.writes(), 2);

    // Its own Pending state change adds nothing.
    guard.handle(NOTEBOOK_PENDING, NOW + 1).await.unwrap();
    assert_eq!(world.notifier.alerts().len(), 1);

    world.sagemaker.set_status(notebook.kind, &notebook.name, "InService");
    let report = guard.handle(NOTEBOOK_IN_SERVICE, NOW + 120).await.unwrap();
    assert_eq!(world.sagemaker.changes(), vec![Call::Stop(notebook.clone())]);
    assert!(report.alerted);
    assert_eq!(
        results(&world.notifier.alerts()[1]),
        pairs(&[("stop_notebook_instance", "stopped")])
    );
    assert_eq!(
        world.notifier.alerts()[1].undetermined,
        vec![
            "RootAccess",
            "InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion"
        ]
    );

    world.sagemaker.set_status(notebook.kind, &notebook.name, "Stopped");
    guard.handle(NOTEBOOK_STOPPED, NOW + 300).await.unwrap();
    assert!(!world.sagemaker.exists(notebook.kind, &notebook.name));
    assert_eq!(
        results(&world.notifier.alerts()[2]),
        pairs(&[("delete_notebook_instance", "deleted")])
    );
    assert_eq!(world.notifier.alerts().len(), 3);
}

#[tokio::test]
async fn a_state_change_without_the_fields_is_decided_on_what_sagemaker_says() {
    let world = World::new(&[]);
    // The minimal event names the notebook only; SageMaker says it has direct internet access.
    world.exists(CREATE_NOTEBOOK_NO_VPC, "InService");
    let report = world.guard(Mode::Enforce).handle(NOTEBOOK_MINIMAL, NOW).await.unwrap();
    assert_eq!(report.outcome, Outcome::NonCompliant);
    assert!(report.rules.contains(&"network.no-direct-internet".to_owned()));
    let calls = world.sagemaker.calls();
    assert!(matches!(&calls[0], Call::Describe(r) if r.name == "quick-look"));
    assert!(matches!(&calls[1], Call::Stop(r) if r.name == "quick-look"));
    assert_eq!(world.notifier.alerts().len(), 1);
}

#[tokio::test]
async fn a_described_state_change_the_guard_already_handled_adds_no_alert() {
    let world = World::new(&[]);
    // The call's handling already stopped it; the late InService event finds it Stopping.
    world.exists(CREATE_NOTEBOOK_NO_VPC, "Stopping");
    let report = world.guard(Mode::Enforce).handle(NOTEBOOK_MINIMAL, NOW).await.unwrap();
    assert_eq!(report.outcome, Outcome::NonCompliant);
    assert!(!report.alerted, "{report:?}");
    assert!(world.notifier.alerts().is_empty());
    assert!(world.sagemaker.changes().is_empty());
    assert_eq!(world.ledger.writes(), 0, "nothing to do, so the event is not claimed");
}

/// The same job's state change for another secondary status (another event ID).
fn next_secondary_status(event: &str) -> String {
    event
        .replace(
            "276e141a-b3ab-50ec-900c-4be55fb6bcca",
            "8a0c61f2-3d4e-5b6a-9c8d-7e6f5a4b3c2d",
        )
        .replace(
            "\"SecondaryStatus\": \"Training\"",
            "\"SecondaryStatus\": \"Uploading\"",
        )
}

#[tokio::test]
async fn a_jobs_state_changes_for_each_secondary_status_are_handled_once() {
    for mode in [Mode::Enforce, Mode::DryRun] {
        let world = World::new(&[]);
        world.exists(TRAINING_IN_PROGRESS, "InProgress");
        let guard = world.guard(mode);
        let first = guard.handle(TRAINING_IN_PROGRESS, NOW).await.unwrap();
        assert!(first.alerted, "{mode:?}: a missed Create call is caught: {first:?}");
        let next = next_secondary_status(TRAINING_IN_PROGRESS);
        assert_ne!(next, TRAINING_IN_PROGRESS);
        let second = guard.handle(&next, NOW + 30).await.unwrap();
        assert!(second.duplicate, "{mode:?}: {second:?}");
        assert_eq!(world.notifier.alerts().len(), 1, "{mode:?}");
        assert!(world.stops() <= 1, "{mode:?}");
    }
}

#[test]
fn a_field_several_rules_lack_is_named_once() {
    let world = World::new(&[]);
    let decision = smguard_policy::decide(
        smguard_policy::normalize(NOTEBOOK_MINIMAL, &world.policy),
        &world.policy,
    );
    let lacking_key = decision
        .evaluation
        .undetermined
        .iter()
        .filter(|u| u.field == "KmsKeyId")
        .count();
    assert!(
        lacking_key >= 2,
        "the volume-key and approved-key rules both need it: {:?}",
        decision.evaluation.undetermined
    );
    let fields = undetermined_fields(&decision);
    assert_eq!(fields.iter().filter(|f| *f == "KmsKeyId").count(), 1, "{fields:?}");
}

#[tokio::test]
async fn a_state_change_of_a_resource_that_is_gone_needs_nothing() {
    let world = World::new(&[]);
    let report = world.guard(Mode::Enforce).handle(NOTEBOOK_MINIMAL, NOW).await.unwrap();
    assert_eq!(report.outcome, Outcome::Ignored);
    assert_eq!(report.reason.as_deref(), Some("the resource no longer exists"));
    assert!(world.notifier.alerts().is_empty());
}

#[tokio::test]
async fn a_retryable_describe_failure_fails_the_invocation() {
    let world = World::new(&[]);
    world.sagemaker.fail_next(
        "describe",
        PortError::Unavailable {
            operation: "DescribeNotebookInstance".into(),
            message: "503".into(),
        },
    );
    let error = world
        .guard(Mode::Enforce)
        .handle(NOTEBOOK_MINIMAL, NOW)
        .await
        .unwrap_err();
    assert_eq!(error.error_type(), "DescribeFailed");
}

#[tokio::test]
async fn models_and_endpoint_configs_are_deleted_and_domains_only_alerted() {
    let world = World::new(&[]);
    let model = world.exists(CREATE_MODEL, "InService");
    world.guard(Mode::Enforce).handle(CREATE_MODEL, NOW).await.unwrap();
    assert!(!world.sagemaker.exists(model.kind, &model.name));
    world.exists(CREATE_DOMAIN, "Pending");
    world.guard(Mode::Enforce).handle(CREATE_DOMAIN, NOW).await.unwrap();
    assert_eq!(world.sagemaker.changes(), vec![Call::Delete(model)]);
    let alerts = world.notifier.alerts();
    assert_eq!(results(&alerts[0]), pairs(&[("delete_model", "deleted")]));
    assert!(alerts[1].actions.is_empty(), "domains are alert-only");
    assert_eq!(
        alerts[1].subject(),
        "[smguard] non-compliant Studio domain ds-sandbox-studio"
    );
}

#[tokio::test]
async fn dry_run_changes_nothing_and_says_what_it_would_have_done() {
    let world = World::new(&[]);
    let job = world.exists(CREATE_TRAINING, "InProgress");
    world.exists(CREATE_MODEL, "InService");
    let guard = world.guard(Mode::DryRun);
    guard.handle(CREATE_TRAINING, NOW).await.unwrap();
    guard.handle(CREATE_MODEL, NOW).await.unwrap();
    guard.handle(CREATE_NOTEBOOK, NOW).await.unwrap();
    assert!(world.sagemaker.changes().is_empty());
    assert_eq!(
        world.sagemaker.status(job.kind, &job.name).as_deref(),
        Some("InProgress")
    );
    let alerts = world.notifier.alerts();
    assert!(alerts.iter().all(|a| a.dry_run));
    assert_eq!(
        results(&alerts[0]),
        pairs(&[("stop_training_job", "would have stopped (dry run)")])
    );
    assert_eq!(
        results(&alerts[1]),
        pairs(&[("delete_model", "would have deleted (dry run)")])
    );
    assert_eq!(
        results(&alerts[2]),
        pairs(&[(
            "stop_notebook_instance_when_in_service",
            "would stop when InService (dry run)"
        )])
    );
    assert!(alerts[0].subject().starts_with("[smguard dry-run] "));
}

#[tokio::test]
async fn compliant_and_ignored_events_touch_nothing() {
    let world = World::new(&[]);
    world.exists(CREATE_TRAINING_COMPLIANT, "InProgress");
    for event in [CREATE_TRAINING_COMPLIANT, ACCESS_DENIED_CALL, GUARDS_OWN_CALL] {
        let report = world.guard(Mode::Enforce).handle(event, NOW).await.unwrap();
        assert!(
            matches!(report.outcome, Outcome::Compliant | Outcome::Ignored),
            "{report:?}"
        );
        assert!(!report.alerted);
    }
    assert!(world.sagemaker.changes().is_empty());
    assert!(world.notifier.alerts().is_empty());
    assert!(world.ledger.entry("anything").is_none());
}

#[tokio::test]
async fn an_unevaluable_event_is_alerted_once_with_its_event_id() {
    let world = World::new(&[]);
    let guard = world.guard(Mode::Enforce);
    let report = guard.handle(MISSING_NAME, NOW).await.unwrap();
    assert_eq!(report.outcome, Outcome::Unevaluable);
    assert!(guard.handle(MISSING_NAME, NOW + 1).await.unwrap().duplicate);
    let alerts = world.notifier.alerts();
    assert_eq!(alerts.len(), 1);
    let id = assess(MISSING_NAME, &world.policy).event.id.unwrap();
    assert_eq!(alerts[0].event_id.as_deref(), Some(id.as_str()));
    assert!(
        alerts[0]
            .reason
            .as_deref()
            .unwrap()
            .contains("lacks `requestParameters.modelName`"),
        "{:?}",
        alerts[0].reason
    );
    assert!(alerts[0].text().contains(&format!("Event ID:  {id}")));
    assert_eq!(world.sagemaker.calls().len(), 0, "nothing names a resource to describe");
}

/// A described model named like `event`'s resource, outside any VPC.
fn open_model_named_like(world: &World, event: &str) -> ResourceRef {
    let named = assess(event, &world.policy).resource.unwrap();
    let mut model = assess(CREATE_MODEL, &world.policy).resource.unwrap();
    model.name = named.name;
    model.arn = named.arn;
    model.origin.source = SourceKind::Describe;
    world.sagemaker.put(model.clone());
    model.reference()
}

#[tokio::test]
async fn a_create_call_whose_parameters_cloudtrail_omitted_is_described_and_contained() {
    let world = World::new(&[]);
    let model = open_model_named_like(&world, OMITTED_MODEL);
    let report = world.guard(Mode::Enforce).handle(OMITTED_MODEL, NOW).await.unwrap();
    assert_eq!(report.outcome, Outcome::NonCompliant, "{report:?}");
    assert_eq!(world.sagemaker.calls().first(), Some(&Call::Describe(model.clone())));
    assert_eq!(world.sagemaker.changes(), vec![Call::Delete(model.clone())]);
    assert!(!world.sagemaker.exists(model.kind, &model.name));
    let alerts = world.notifier.alerts();
    assert_eq!(alerts.len(), 1, "the call's own alert");
    assert_eq!(results(&alerts[0]), pairs(&[("delete_model", "deleted")]));
    assert!(
        alerts[0]
            .findings
            .iter()
            .any(|f| f.rule == smguard_policy::RuleId::VpcRequired)
    );
}

#[tokio::test]
async fn an_omitted_call_for_a_resource_already_gone_is_ignored() {
    let world = World::new(&[]);
    let report = world.guard(Mode::Enforce).handle(OMITTED_MODEL, NOW).await.unwrap();
    assert_eq!(report.outcome, Outcome::Ignored);
    assert_eq!(report.reason.as_deref(), Some("the resource no longer exists"));
    assert!(world.notifier.alerts().is_empty());
    assert!(world.sagemaker.changes().is_empty());
}

#[tokio::test]
async fn an_omitted_call_that_cannot_be_described_alerts_as_unevaluable_saying_why() {
    let world = World::new(&[]);
    world.sagemaker.fail_next(
        "describe",
        PortError::AccessDenied {
            operation: "DescribeTrainingJob".into(),
            message: "not authorized".into(),
        },
    );
    let report = world.guard(Mode::Enforce).handle(TRUNCATED, NOW).await.unwrap();
    assert_eq!(report.outcome, Outcome::Unevaluable);
    let alerts = world.notifier.alerts();
    assert_eq!(alerts.len(), 1);
    let reason = alerts[0].reason.as_deref().unwrap();
    assert!(
        reason.contains("CloudTrail truncates parameters over 100 KB"),
        "{reason}"
    );
    assert!(reason.contains("describing the resource failed"), "{reason}");
    assert_eq!(
        alerts[0].resource.as_ref().map(|r| r.name.as_str()),
        Some("huge-env-job")
    );
}

#[tokio::test]
async fn a_model_state_change_is_a_backstop_that_describes_and_contains() {
    let world = World::new(&[]);
    let model = open_model_named_like(&world, MODEL_STATE_CHANGE);
    let report = world
        .guard(Mode::Enforce)
        .handle(MODEL_STATE_CHANGE, NOW)
        .await
        .unwrap();
    assert_eq!(report.outcome, Outcome::NonCompliant);
    assert_eq!(world.sagemaker.changes(), vec![Call::Delete(model)]);
    // A state change alerts only when it changed something: it did.
    assert_eq!(world.notifier.alerts().len(), 1);
}

#[tokio::test]
async fn a_ledger_failure_fails_the_invocation_before_anything_is_done() {
    let world = World::new(&[]);
    world.exists(CREATE_TRAINING, "InProgress");
    world.ledger.fail_next(
        "claim",
        PortError::Unavailable {
            operation: "PutObject".into(),
            message: "503".into(),
        },
    );
    let error = world
        .guard(Mode::Enforce)
        .handle(CREATE_TRAINING, NOW)
        .await
        .unwrap_err();
    assert_eq!(error.error_type(), "LedgerFailed");
    assert_eq!(world.stops(), 0);
}
