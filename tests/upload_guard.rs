//! `upload-guard` end to end: the real binary under `cargo lambda watch`, its SDK pointed at the
//! emulator, running as the `smguard-upload-guard` role of the test's account.
//!
//! A SageMaker execution role's session writes objects as a notebook would; the emulator records
//! each S3 write as a CloudTrail data event on the account's bus; an EventBridge rule with the
//! template's upload pattern (resolved for the test's roles and the model bucket, approved whole)
//! routes them to a queue; each test delivers what the queue holds to the function and checks the
//! buckets, the quarantine and what security operations read.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed assertion"
)]

use serde_json::Value;
use smguard_tests::emulator::Emulator;
use smguard_tests::lambda::{Invocation, LocalLambda};
use smguard_tests::stage::alert_actions;
use smguard_tests::uploads::{FUNCTION, UploadEstate, VPC_ENDPOINT};

/// Delivers what the rule routed since the last call; returns the events and the answers.
async fn deliver(estate: &UploadEstate<'_>, lambda: &LocalLambda) -> Vec<(Value, Invocation)> {
    estate.deployment.deliver_to(lambda, FUNCTION).await
}

fn start(estate: &UploadEstate<'_>) -> LocalLambda {
    LocalLambda::start(
        &format!("upload-{}", estate.deployment.account.id),
        &estate.deployment.env,
    )
}

#[tokio::test]
async fn writes_outside_the_approved_locations_are_quarantined_aborted_or_alerted_and_nothing_else_is() {
    let emulator = Emulator::shared();
    let estate = UploadEstate::deploy(emulator, "enforce").await;
    let lambda = start(&estate);
    let account = &estate.deployment.account;

    // A model artifact in the model bucket (approved whole) is never routed.
    estate.put(&estate.model_bucket, "churn/model.tar.gz", "weights").await;
    // Under the shared bucket's approved prefix: routed (the bucket is not approved whole) and
    // judged compliant.
    estate.put(&estate.shared_bucket, "output/report.html", "report").await;
    let delivered = deliver(&estate, &lambda).await;
    assert_eq!(delivered.len(), 1, "only the shared bucket's write is routed");
    let answer = &delivered[0].1.body;
    assert_eq!(answer["outcome"], "compliant");
    assert!(estate.deployment.alerts().await.is_empty());

    // Another bucket of the account: the exact version is quarantined with its metadata.
    let version = estate
        .put(
            &estate.scratch_bucket,
            "exports/churn-features.parquet",
            "exported rows",
        )
        .await
        .expect("a versioned bucket");
    let delivered = deliver(&estate, &lambda).await;
    assert_eq!(delivered.len(), 1);
    let event = &delivered[0].0;
    assert_eq!(event["detail"]["vpcEndpointId"], VPC_ENDPOINT);
    assert!(
        estate
            .read(account, &estate.scratch_bucket, "exports/churn-features.parquet")
            .await
            .is_none(),
        "gone from where it was written"
    );
    let evidence = format!(
        "{}/{}/exports/churn-features.parquet",
        event["id"].as_str().unwrap(),
        estate.scratch_bucket
    );
    assert_eq!(estate.quarantined().await, vec![evidence.clone()]);
    let (body, metadata) = estate
        .read(account, &estate.quarantine_bucket, &evidence)
        .await
        .unwrap();
    assert_eq!(body, "exported rows");
    assert_eq!(metadata["smguard-source-bucket"], estate.scratch_bucket.as_str());
    assert_eq!(metadata["smguard-source-key"], "exports/churn-features.parquet");
    assert_eq!(metadata["smguard-source-version-id"], version.as_str());
    assert_eq!(metadata["smguard-event-id"], event["id"]);
    assert!(
        metadata["smguard-caller"]
            .as_str()
            .unwrap()
            .contains("assumed-role/AmazonSageMaker-ExecutionRole-e2e/SageMaker")
    );
    let alerts = estate.deployment.alerts().await;
    assert_eq!(alerts.len(), 1);
    assert_eq!(
        alert_actions(&alerts[0]),
        [("quarantine_object".to_owned(), "done".to_owned())]
    );
    assert_eq!(alerts[0]["severity"], "high");
    assert_eq!(alerts[0]["object"]["vpc_endpoint_id"], VPC_ENDPOINT);

    // A duplicate delivery of the same event acts and alerts once.
    let again = lambda.invoke(FUNCTION, &event.to_string()).body;
    assert_eq!(again["duplicate"], true);
    assert!(estate.deployment.alerts().await.is_empty());
    assert_eq!(estate.quarantined().await.len(), 1);

    // A copy of a model artifact out of the approved locations is quarantined too.
    let s3 = estate.workload.s3().await;
    s3.copy_object()
        .bucket(&estate.scratch_bucket)
        .key("exports/model.tar.gz")
        .copy_source(format!("{}/churn/model.tar.gz", estate.model_bucket))
        .send()
        .await
        .unwrap();
    // Under the shared bucket, outside its approved prefix.
    estate
        .put(&estate.shared_bucket, "output-old/features.parquet", "rows")
        .await;
    let delivered = deliver(&estate, &lambda).await;
    assert_eq!(delivered.len(), 2);
    for key in ["exports/model.tar.gz"] {
        assert!(
            estate.read(account, &estate.scratch_bucket, key).await.is_none(),
            "{key}"
        );
    }
    assert!(
        estate
            .read(account, &estate.shared_bucket, "output-old/features.parquet")
            .await
            .is_none()
    );
    assert_eq!(estate.quarantined().await.len(), 3);
    let alerts = estate.deployment.alerts().await;
    assert_eq!(alerts.len(), 2);
    assert!(
        alerts
            .iter()
            .all(|a| alert_actions(a) == [("quarantine_object".to_owned(), "done".to_owned())])
    );

    // A multipart upload outside is aborted so that it never completes.
    let upload = s3
        .create_multipart_upload()
        .bucket(&estate.scratch_bucket)
        .key("exports/full.parquet")
        .send()
        .await
        .unwrap()
        .upload_id
        .unwrap();
    s3.upload_part()
        .bucket(&estate.scratch_bucket)
        .key("exports/full.parquet")
        .upload_id(&upload)
        .part_number(1)
        .body(b"part".to_vec().into())
        .send()
        .await
        .unwrap();
    let delivered = deliver(&estate, &lambda).await;
    let names: Vec<&str> = delivered
        .iter()
        .map(|(e, _)| e["detail"]["eventName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["CreateMultipartUpload", "UploadPart"]);
    let open = account
        .s3()
        .await
        .list_multipart_uploads()
        .bucket(&estate.scratch_bucket)
        .send()
        .await
        .unwrap();
    assert!(open.uploads().is_empty(), "{:?}", open.uploads());
    let completed = s3
        .complete_multipart_upload()
        .bucket(&estate.scratch_bucket)
        .key("exports/full.parquet")
        .upload_id(&upload)
        .send()
        .await;
    assert!(completed.is_err(), "an aborted upload cannot complete");
    let alerts = estate.deployment.alerts().await;
    assert_eq!(
        alert_actions(&alerts[0]),
        [("abort_multipart_upload".to_owned(), "done".to_owned())],
        "the first record aborts the upload: {alerts:?}"
    );

    // Another account's bucket: nothing smguard may delete; a critical alert names it all.
    estate
        .put(&estate.foreign_bucket, "incoming/churn.parquet", "exported rows")
        .await;
    let delivered = deliver(&estate, &lambda).await;
    assert_eq!(delivered.len(), 1);
    assert!(
        estate
            .read(&estate.foreign, &estate.foreign_bucket, "incoming/churn.parquet")
            .await
            .is_some(),
        "nothing is deleted from a bucket of another account"
    );
    let alerts = estate.deployment.alerts().await;
    assert_eq!(alerts.len(), 1);
    let alert = &alerts[0];
    assert_eq!(alert["severity"], "critical");
    assert!(alert_actions(alert).is_empty(), "{alert}");
    assert_eq!(alert["object"]["bucket_owner"], estate.foreign.id.as_str());
    assert_eq!(alert["object"]["own_bucket"], false);
    assert_eq!(alert["object"]["bytes"], 13);
    assert_eq!(alert["object"]["vpc_endpoint_id"], VPC_ENDPOINT);
    assert!(alert["source_ip"].is_string());

    // Someone else's write (the test's own role) is not routed at all.
    account
        .s3()
        .await
        .put_object()
        .bucket(&estate.scratch_bucket)
        .key("admin/notes.txt")
        .body(b"notes".to_vec().into())
        .send()
        .await
        .unwrap();
    assert!(estate.deployment.routed().await.is_empty());
    lambda.stop_and_clean();
}

#[tokio::test]
async fn access_denied_on_the_copy_leaves_the_object_and_says_so_and_dry_run_changes_nothing() {
    let emulator = Emulator::shared();
    let estate = UploadEstate::deploy(emulator, "enforce").await;
    let lambda = start(&estate);
    let account = &estate.deployment.account;
    let fault = serde_json::json!({"access_key": estate.function_access_key(), "service": "s3",
        "operation": "CopyObject", "error": "AccessDenied", "times": 1});
    let (status, answer) = emulator
        .http("POST", "/_smguard/faults", Some(&fault.to_string()))
        .unwrap();
    assert_eq!(status, 200, "{answer}");
    estate.put(&estate.scratch_bucket, "exports/a.parquet", "rows").await;
    deliver(&estate, &lambda).await;
    assert!(
        estate
            .read(account, &estate.scratch_bucket, "exports/a.parquet")
            .await
            .is_some(),
        "nothing is deleted unless the copy is kept"
    );
    assert!(estate.quarantined().await.is_empty());
    let alerts = estate.deployment.alerts().await;
    assert_eq!(alerts.len(), 1);
    let action = &alerts[0]["actions"][0];
    assert_eq!(action["result"]["type"], "failed");
    assert_eq!(action["result"]["reason"], "access denied");
    assert_eq!(action["detail"], "the object was left where it was written");
    lambda.stop_and_clean();

    let dry = UploadEstate::deploy(emulator, "dry-run").await;
    let lambda = start(&dry);
    dry.put(&dry.scratch_bucket, "exports/b.parquet", "rows").await;
    deliver(&dry, &lambda).await;
    assert!(
        dry.read(&dry.deployment.account, &dry.scratch_bucket, "exports/b.parquet")
            .await
            .is_some()
    );
    assert!(dry.quarantined().await.is_empty());
    let alerts = dry.deployment.alerts().await;
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0]["dry_run"], true);
    assert_eq!(
        alert_actions(&alerts[0]),
        [("quarantine_object".to_owned(), "would_have_done".to_owned())]
    );
    lambda.stop_and_clean();
}
