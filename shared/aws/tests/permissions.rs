//! Each adapter's `PERMISSIONS` names exactly the AWS operations its source calls, so that the
//! deployment's IAM policy (`infra/template.yaml`, checked against these lists by
//! `tests/deployment.rs`) neither misses one (an AccessDenied in production) nor grants more.

#![allow(
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a panic is a failed assertion"
)]

use std::collections::BTreeSet;

use smguard_aws::{
    AwsGuardInputs, AwsGuardRemediator, CloudTrailReader, S3Ledger, S3Reports, SageMakerInventory, SageMakerRemediator,
    SnsNotifier,
};

/// The SDK operations a source file calls: `.describe_training_job()`, `.put_object()`, …
fn operations_called(source: &str) -> BTreeSet<String> {
    const VERBS: &[&str] = &[
        "describe_",
        "list_",
        "stop_",
        "delete_",
        "put_",
        "get_",
        "lookup_",
        "publish",
        "start_",
        "enable_",
        "update_",
        "cancel_",
    ];
    let mut found = BTreeSet::new();
    for (at, _) in source.match_indices("()") {
        let before = &source[..at];
        let start = before
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(0, |i| i + 1);
        let name = &before[start..];
        let called_on_client = before[..start].ends_with('.');
        if called_on_client
            && VERBS
                .iter()
                .any(|verb| name.starts_with(verb) || name == verb.trim_end_matches('_'))
        {
            found.insert(name.replace('_', ""));
        }
    }
    found
}

/// `sagemaker:DescribeAutoMLJobV2` -> `describeautomljobv2`, comparable with a snake-case call.
fn operations_granted(service: &str, permissions: &[&str]) -> BTreeSet<String> {
    permissions
        .iter()
        .map(|permission| {
            let (granted_service, action) = permission.split_once(':').expect("service:Action");
            assert_eq!(granted_service, service, "{permission}");
            action.to_ascii_lowercase()
        })
        .collect()
}

fn source(file: &str) -> String {
    let path = format!("{}/src/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn every_adapter_is_granted_what_it_calls_and_no_more() {
    // Every SageMaker call is made in sagemaker.rs, for the inventory and the remediator alike.
    let mut sagemaker = SageMakerInventory::describe_permissions();
    sagemaker.extend(SageMakerInventory::list_permissions());
    sagemaker.extend(SageMakerRemediator::permissions());
    let adapters: [(&str, &str, Vec<&str>); 5] = [
        (
            "sagemaker.rs",
            "sagemaker",
            sagemaker.iter().map(String::as_str).collect(),
        ),
        ("notifier.rs", "sns", SnsNotifier::PERMISSIONS.to_vec()),
        ("ledger.rs", "s3", S3Ledger::PERMISSIONS.to_vec()),
        ("trail.rs", "cloudtrail", CloudTrailReader::PERMISSIONS.to_vec()),
        ("reports.rs", "s3", S3Reports::PERMISSIONS.to_vec()),
    ];
    for (file, service, permissions) in adapters {
        let called = operations_called(&source(file));
        assert!(
            !called.is_empty(),
            "{file}: no calls found; has the call style changed?"
        );
        assert_eq!(
            called,
            operations_granted(service, &permissions),
            "{file}: calls (left) vs. PERMISSIONS (right)"
        );
    }
}

#[test]
fn the_self_check_is_granted_what_it_calls_and_the_trail_reads_it_makes() {
    // Its EventBridge, Lambda and SNS calls are in selfcheck.rs; its CloudTrail calls are the
    // trail reader's (trail.rs), less `LookupEvents`.
    let granted: BTreeSet<String> = AwsGuardInputs::PERMISSIONS
        .iter()
        .map(|p| p.split_once(':').expect("service:Action").1.to_ascii_lowercase())
        .collect();
    let mut called = operations_called(&source("selfcheck.rs"));
    // A function's concurrency is read by guard.rs's `reserved_concurrency`, which both use.
    called.insert("getfunctionconcurrency".to_owned());
    called.extend(
        operations_granted("cloudtrail", CloudTrailReader::PERMISSIONS)
            .into_iter()
            .filter(|op| op != "lookupevents"),
    );
    assert_eq!(called, granted, "calls (left) vs. PERMISSIONS (right)");
}

#[test]
fn the_guard_remediator_is_granted_what_it_calls() {
    // Four services' calls in one file: compare the actions, and check each service is one of them.
    let granted: BTreeSet<String> = AwsGuardRemediator::PERMISSIONS
        .iter()
        .map(|p| {
            let (service, action) = p.split_once(':').expect("service:Action");
            assert!(matches!(service, "cloudtrail" | "events" | "lambda" | "kms"), "{p}");
            action.to_ascii_lowercase()
        })
        .collect();
    assert_eq!(
        operations_called(&source("guard.rs")),
        granted,
        "calls (left) vs. PERMISSIONS (right)"
    );
}

#[test]
fn describe_permissions_are_the_inventory_calls_a_describe_makes() {
    let describe = SageMakerInventory::describe_permissions();
    let describe: Vec<&str> = describe.iter().map(String::as_str).collect();
    let granted = operations_granted("sagemaker", &describe);
    assert!(
        granted.iter().all(|operation| operation.starts_with("describe")),
        "{granted:?}"
    );
    let list = SageMakerInventory::list_permissions();
    let list: Vec<&str> = list.iter().map(String::as_str).collect();
    let listed = operations_granted("sagemaker", &list);
    assert!(
        listed.iter().all(|operation| operation.starts_with("list")),
        "{listed:?}"
    );
}

/// S3 authorizes some calls under other actions (the S3 guide's "Actions, resources, and condition
/// keys" table): the upload guard's calls, and the actions each needs.
const OBJECT_CALL_ACTIONS: &[(&str, &[&str])] = &[
    // Reads the source version, writes the evidence.
    ("copyobject", &["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"]),
    ("headobject", &["s3:GetObject", "s3:GetObjectVersion"]),
    ("deleteobject", &["s3:DeleteObject", "s3:DeleteObjectVersion"]),
    ("createmultipartupload", &["s3:PutObject"]),
    (
        "uploadpartcopy",
        &["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"],
    ),
    ("completemultipartupload", &["s3:PutObject"]),
    ("abortmultipartupload", &["s3:AbortMultipartUpload"]),
    ("listmultipartuploads", &["s3:ListBucketMultipartUploads"]),
    ("putrolepolicy", &["iam:PutRolePolicy"]),
];

#[test]
fn the_object_remediator_is_granted_what_its_calls_need_and_no_more() {
    const VERBS: &[&str] = &[
        "copy_",
        "head_",
        "delete_",
        "create_",
        "upload_",
        "complete_",
        "abort_",
        "list_",
        "put_",
    ];
    let text = source("objects.rs");
    let mut called = BTreeSet::new();
    for (at, _) in text.match_indices("()") {
        let before = &text[..at];
        let start = before
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(0, |i| i + 1);
        let name = &before[start..];
        // Answer accessors, not calls.
        let accessor = matches!(name, "copy_part_result" | "upload_id");
        if before[..start].ends_with('.') && !accessor && VERBS.iter().any(|verb| name.starts_with(verb)) {
            called.insert(name.replace('_', ""));
        }
    }
    let known: BTreeSet<String> = OBJECT_CALL_ACTIONS.iter().map(|(op, _)| (*op).to_owned()).collect();
    assert_eq!(called, known, "objects.rs calls (left) vs. the table (right)");
    let needed: BTreeSet<&str> = OBJECT_CALL_ACTIONS
        .iter()
        .flat_map(|(_, actions)| actions.iter().copied())
        .collect();
    let granted: BTreeSet<&str> = smguard_aws::S3ObjectRemediator::PERMISSIONS
        .iter()
        .chain(smguard_aws::S3ObjectRemediator::REVOKE_PERMISSIONS)
        .copied()
        .collect();
    assert_eq!(
        needed, granted,
        "needed (left) vs. PERMISSIONS and REVOKE_PERMISSIONS (right)"
    );
}
