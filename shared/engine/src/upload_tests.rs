//! The response path for S3 object writes, over fakes: quarantine, abort, external writes,
//! duplicates, failures and dry run.

use smguard_policy::{PolicyConfig, S3Write, Settings, assess};

use crate::alert::Alert;
use crate::fakes::{FakeS3, MemoryLedger, RecordingNotifier};
use crate::guard::{Guard, Mode, Ports};
use crate::ports::PortError;
use smguard_policy::{Outcome, Severity};

const NOW: u64 = 1_762_092_191;
const QUARANTINE: &str = "smguard-quarantine-111122223333";

macro_rules! fixture {
    ($path:literal) => {
        include_str!(concat!("../../../events/", $path))
    };
}

const PUT_OWN: &str = fixture!("cloudtrail/s3/put-object.own-other-bucket.json");
const PUT_FOREIGN: &str = fixture!("cloudtrail/s3/put-object.foreign-bucket.json");
const PUT_MODEL_BUCKET: &str = fixture!("cloudtrail/s3/put-object.model-bucket.json");
const CREATE_UPLOAD: &str = fixture!("cloudtrail/s3/create-multipart-upload.own-other-bucket.json");
const UPLOAD_PART: &str = fixture!("cloudtrail/s3/upload-part.own-other-bucket.json");
const COPY_OWN: &str = fixture!("cloudtrail/s3/copy-object.to-own-other-bucket.json");
const SETTINGS: &str = fixture!("fixtures.env");

struct World {
    s3: FakeS3,
    notifier: RecordingNotifier,
    ledger: MemoryLedger,
    policy: PolicyConfig,
}

impl World {
    fn new(extra: &[(&str, &str)]) -> World {
        let mut settings = Settings::parse_env_file(SETTINGS, "fixtures.env").unwrap();
        settings.extend(extra.iter().copied());
        World {
            s3: FakeS3::new(QUARANTINE),
            notifier: RecordingNotifier::new(),
            ledger: MemoryLedger::new(),
            policy: PolicyConfig::from_settings(&settings).unwrap(),
        }
    }

    /// The upload guard's ports: S3 only.
    fn guard(&self, mode: Mode) -> Guard<'_> {
        Guard {
            ports: Ports {
                inventory: None,
                remediator: None,
                objects: Some(&self.s3),
                guard: None,
                notifier: &self.notifier,
                fallback: None,
                ledger: &self.ledger,
            },
            policy: &self.policy,
            mode,
        }
    }

    /// Puts the object `event` wrote into the fake, as S3 holds it after the call.
    fn written(&self, event: &str) -> S3Write {
        let write = assess(event, &self.policy).write.expect("an S3 write");
        self.s3
            .put(&write.bucket, &write.key, write.version_id.as_deref(), "exported rows");
        write
    }
}

fn actions(alert: &Alert) -> Vec<(String, String)> {
    alert.actions.iter().map(|a| (a.action.name(), a.describe())).collect()
}

#[tokio::test]
async fn a_write_to_another_bucket_of_the_account_is_quarantined_with_its_metadata_and_alerted_once() {
    let world = World::new(&[]);
    let write = world.written(PUT_OWN);
    let report = world.guard(Mode::Enforce).handle(PUT_OWN, NOW).await.unwrap();
    assert_eq!(report.outcome, Outcome::NonCompliant);
    assert_eq!(
        report.object.as_deref(),
        Some("arn:aws-us-gov:s3:::ml-platform-scratch-111122223333/exports/churn-features.parquet")
    );
    assert!(
        world
            .s3
            .object(&write.bucket, &write.key, write.version_id.as_deref())
            .is_none(),
        "gone from where it was written"
    );
    let event_id = assess(PUT_OWN, &world.policy).trigger.event_id().unwrap().to_owned();
    let evidence_key = format!("{event_id}/{}/{}", write.bucket, write.key);
    let kept = world.s3.quarantined(&evidence_key).expect("kept in quarantine");
    assert_eq!(kept.body, "exported rows");
    let metadata: std::collections::BTreeMap<_, _> = kept.metadata.into_iter().collect();
    assert_eq!(metadata["smguard-source-bucket"], write.bucket);
    assert_eq!(metadata["smguard-source-key"], write.key);
    assert_eq!(
        metadata["smguard-source-version-id"],
        "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY"
    );
    assert_eq!(metadata["smguard-event-id"], event_id);
    assert!(metadata["smguard-caller"].contains("assumed-role/AmazonSageMaker-ExecutionRole"));
    assert_eq!(world.s3.calls(), vec!["copy", "delete"], "copy first, then delete");
    let alerts = world.notifier.alerts();
    assert_eq!(alerts.len(), 1);
    assert_eq!(
        actions(&alerts[0]),
        vec![(
            "quarantine_object".to_owned(),
            format!("quarantined: evidence kept at s3://{QUARANTINE}/{evidence_key}")
        )]
    );
    assert_eq!(alerts[0].severity(), Severity::High);
    let object = alerts[0].object.as_ref().unwrap();
    assert!(object.own_bucket);
    assert_eq!(object.vpc_endpoint_id.as_deref(), Some("vpce-0a1b2c3d4e5f60718"));
    assert!(alerts[0].text().contains("Endpoint:  vpce-0a1b2c3d4e5f60718"));

    // The same event again: nothing more is copied, deleted or said.
    let again = world.guard(Mode::Enforce).handle(PUT_OWN, NOW + 5).await.unwrap();
    assert!(again.duplicate);
    assert_eq!(world.s3.calls().len(), 2);
    assert_eq!(world.notifier.alerts().len(), 1);
}

#[tokio::test]
async fn a_failed_copy_deletes_nothing_and_the_alert_says_why() {
    let world = World::new(&[]);
    let write = world.written(PUT_OWN);
    world.s3.fail_next(
        "copy",
        PortError::AccessDenied {
            operation: "CopyObject".into(),
            message: "no s3:PutObject on the quarantine bucket".into(),
        },
    );
    let report = world.guard(Mode::Enforce).handle(PUT_OWN, NOW).await.unwrap();
    assert!(report.alerted);
    assert!(
        world
            .s3
            .object(&write.bucket, &write.key, write.version_id.as_deref())
            .is_some(),
        "the object stays where it was written"
    );
    assert_eq!(world.s3.calls(), vec!["copy"]);
    let alert = &world.notifier.alerts()[0];
    assert_eq!(
        actions(alert),
        vec![(
            "quarantine_object".to_owned(),
            "remediation failed: access denied: the object was left where it was written".to_owned()
        )]
    );
}

#[tokio::test]
async fn a_throttled_delete_after_the_copy_is_retried_and_the_evidence_kept() {
    let world = World::new(&[]);
    let write = world.written(PUT_OWN);
    world.s3.fail_next(
        "delete",
        PortError::Throttled {
            operation: "DeleteObject".into(),
            message: "SlowDown".into(),
        },
    );
    let error = world.guard(Mode::Enforce).handle(PUT_OWN, NOW).await.unwrap_err();
    assert_eq!(error.error_type(), "RemediationRetry");
    assert!(
        world
            .s3
            .object(&write.bucket, &write.key, write.version_id.as_deref())
            .is_some()
    );
    // Lambda's retry copies the same version again (no extra read on the usual path) and deletes it.
    let report = world.guard(Mode::Enforce).handle(PUT_OWN, NOW + 60).await.unwrap();
    assert!(report.alerted);
    assert_eq!(world.s3.calls(), vec!["copy", "delete", "copy", "delete"]);
    let event_id = assess(PUT_OWN, &world.policy).trigger.event_id().unwrap().to_owned();
    let kept = world
        .s3
        .quarantined(&format!("{event_id}/{}/{}", write.bucket, write.key));
    assert_eq!(kept.map(|o| o.body).as_deref(), Some("exported rows"));
    assert!(
        world
            .s3
            .object(&write.bucket, &write.key, write.version_id.as_deref())
            .is_none()
    );
}

#[tokio::test]
async fn a_write_to_another_accounts_bucket_deletes_nothing_and_alerts_critical() {
    let world = World::new(&[]);
    world.written(PUT_FOREIGN);
    let report = world.guard(Mode::Enforce).handle(PUT_FOREIGN, NOW).await.unwrap();
    assert_eq!(report.outcome, Outcome::NonCompliant);
    assert!(world.s3.calls().is_empty(), "nothing smguard may touch");
    let alert = &world.notifier.alerts()[0];
    assert_eq!(alert.severity(), Severity::Critical);
    let text = alert.text();
    for expected in [
        "Object:    s3://personal-scratch-999988887777/exports/churn-features.parquet",
        "Owner:     999988887777 (ANOTHER ACCOUNT)",
        "Size:      48211 bytes",
        "From:      10.20.31.44",
    ] {
        assert!(text.contains(expected), "{expected} not in\n{text}");
    }
    let attributes: Vec<(&str, String)> = alert.attributes().into_iter().map(|a| (a.name, a.value)).collect();
    assert!(attributes.contains(&("severity", "critical".to_owned())));
    assert!(attributes.contains(&("bucket_owner", "other_account".to_owned())));
    assert!(attributes.contains(&("resource_kind", "s3_object".to_owned())));
}

#[tokio::test]
async fn revoking_the_roles_sessions_on_an_external_write_is_opt_in_and_said_in_the_alert() {
    let world = World::new(&[("SMGUARD_REVOKE_SESSIONS_ON_EXTERNAL_WRITE", "true")]);
    world.guard(Mode::Enforce).handle(PUT_FOREIGN, NOW).await.unwrap();
    let role = "arn:aws-us-gov:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-20261101T090000";
    assert_eq!(world.s3.revoked(), vec![(role.to_owned(), NOW)]);
    let alert = &world.notifier.alerts()[0];
    assert_eq!(
        actions(alert),
        vec![(
            "revoke_role_sessions".to_owned(),
            format!("revoked the role's sessions: sessions of `{role}` issued before now are denied")
        )]
    );
}

#[tokio::test]
async fn an_upload_in_progress_is_aborted_once_for_all_its_parts() {
    let world = World::new(&[]);
    let part = assess(UPLOAD_PART, &world.policy).write.unwrap();
    let caller = part.caller.arn.clone().unwrap();
    let upload = part.upload_id.clone().unwrap();
    world.s3.start_upload(&part.bucket, &part.key, &upload, &caller);
    let report = world.guard(Mode::Enforce).handle(UPLOAD_PART, NOW).await.unwrap();
    assert!(report.alerted);
    assert!(world.s3.open_uploads(&part.bucket, &part.key).is_empty());
    assert_eq!(
        actions(&world.notifier.alerts()[0]),
        vec![("abort_multipart_upload".to_owned(), format!("aborted: upload {upload}"))]
    );
    // Another part of the same upload (its own event ID) is the same fact.
    let next_part = UPLOAD_PART
        .replace("\"partNumber\": \"3\"", "\"partNumber\": \"4\"")
        .replacen(
            &assess(UPLOAD_PART, &world.policy)
                .trigger
                .event_id()
                .unwrap()
                .to_owned(),
            "4f2b8c1e-0000-4e5f-9b6c-2d1e0f3a4b5c",
            2,
        );
    let again = world.guard(Mode::Enforce).handle(&next_part, NOW + 1).await.unwrap();
    assert!(again.duplicate);
    assert_eq!(world.notifier.alerts().len(), 1);
}

#[tokio::test]
async fn a_create_multipart_upload_without_its_id_aborts_the_callers_open_uploads_of_the_key() {
    let world = World::new(&[]);
    let create = assess(CREATE_UPLOAD, &world.policy).write.unwrap();
    assert_eq!(
        create.upload_id, None,
        "the record logs headers, not the body with the ID"
    );
    let caller = create.caller.arn.clone().unwrap();
    world.s3.start_upload(&create.bucket, &create.key, "mine", &caller);
    world.s3.start_upload(
        &create.bucket,
        &create.key,
        "someone-elses",
        "arn:aws-us-gov:sts::111122223333:assumed-role/Other/x",
    );
    world.guard(Mode::Enforce).handle(CREATE_UPLOAD, NOW).await.unwrap();
    assert_eq!(
        world.s3.open_uploads(&create.bucket, &create.key),
        vec!["someone-elses"]
    );
    assert_eq!(world.s3.calls(), vec!["list_uploads", "abort"]);
}

#[tokio::test]
async fn dry_run_changes_nothing_and_says_what_it_would_have_done() {
    let world = World::new(&[]);
    let write = world.written(COPY_OWN);
    let report = world.guard(Mode::DryRun).handle(COPY_OWN, NOW).await.unwrap();
    assert!(report.dry_run && report.alerted);
    assert!(world.s3.calls().is_empty());
    assert!(
        world
            .s3
            .object(&write.bucket, &write.key, write.version_id.as_deref())
            .is_some()
    );
    let alert = &world.notifier.alerts()[0];
    let (action, said) = &actions(alert)[0];
    assert_eq!(action, "quarantine_object");
    assert!(said.starts_with("would have quarantined: to quarantine as `"), "{said}");
    assert!(said.ends_with("(dry run)"), "{said}");
    assert!(
        alert
            .subject()
            .starts_with("[smguard dry-run] non-compliant S3 write s3://")
    );
}

#[tokio::test]
async fn a_compliant_write_touches_nothing() {
    let world = World::new(&[]);
    let report = world.guard(Mode::Enforce).handle(PUT_MODEL_BUCKET, NOW).await.unwrap();
    assert_eq!(report.outcome, Outcome::Compliant);
    assert!(world.s3.calls().is_empty() && world.notifier.alerts().is_empty());
    assert_eq!(world.ledger.writes(), 0);
}

#[tokio::test]
async fn a_function_without_an_s3_remediator_says_so_instead_of_acting() {
    let world = World::new(&[]);
    let guard = Guard {
        ports: Ports {
            inventory: None,
            remediator: None,
            objects: None,
            guard: None,
            notifier: &world.notifier,
            fallback: None,
            ledger: &world.ledger,
        },
        policy: &world.policy,
        mode: Mode::Enforce,
    };
    guard.handle(PUT_OWN, NOW).await.unwrap();
    let (_, said) = &actions(&world.notifier.alerts()[0])[0];
    assert!(said.contains("this function has no S3 object remediator"), "{said}");
}
