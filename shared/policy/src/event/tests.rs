use serde_json::{Value, json};

use super::*;
use crate::config::{Settings, fixtures};
use crate::model::{KeyPurpose, Lifecycle, NetworkAttachment, Observed, ResourceKind, Scope};

const GUARD_ROLE: &str = "arn:aws-us-gov:iam::111122223333:role/smguard-guard";

fn config() -> PolicyConfig {
    PolicyConfig::from_settings(&Settings::from_pairs([("SMGUARD_GUARD_PRINCIPAL_ARNS", GUARD_ROLE)])).unwrap()
}

/// A CloudTrail call in its EventBridge envelope, GovCloud unless the detail says otherwise.
fn call(event_name: &str, parameters: Value, extra: Value) -> String {
    let mut detail = json!({
        "eventVersion": "1.11",
        "userIdentity": {
            "type": "AssumedRole",
            "arn": "arn:aws-us-gov:sts::111122223333:assumed-role/DataScientist/alice",
            "accountId": "111122223333",
            "sessionContext": {"sessionIssuer": {"arn": "arn:aws-us-gov:iam::111122223333:role/DataScientist"}}
        },
        "eventTime": "2026-11-02T14:03:11Z",
        "eventSource": "sagemaker.amazonaws.com",
        "eventName": event_name,
        "awsRegion": "us-gov-west-1",
        "sourceIPAddress": "10.0.0.1",
        "requestParameters": parameters,
        "responseElements": null,
        "eventID": "ct-1",
        "eventType": "AwsApiCall",
        "recipientAccountId": "111122223333"
    });
    if let (Some(detail), Some(extra)) = (detail.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            detail.insert(k.clone(), v.clone());
        }
    }
    json!({
        "version": "0", "id": "eb-1", "detail-type": "AWS API Call via CloudTrail", "source": "aws.sagemaker",
        "account": "111122223333", "time": "2026-11-02T14:03:11Z", "region": "us-gov-west-1", "resources": [],
        "detail": detail
    })
    .to_string()
}

fn state_change(detail_type: &str, detail: Value) -> String {
    json!({
        "version": "0", "id": "eb-2", "detail-type": detail_type, "source": "aws.sagemaker",
        "account": "111122223333", "time": 1762092592000_u64, "region": "us-gov-west-1",
        "resources": ["arn:aws-us-gov:sagemaker:us-gov-west-1:111122223333:notebook-instance/nb"],
        "detail": detail
    })
    .to_string()
}

/// The least a notebook's state change carries: its name and status.
fn notebook_in_service() -> String {
    state_change(
        "SageMaker Notebook Instance State Change",
        json!({"NotebookInstanceName": "nb", "NotebookInstanceStatus": "InService"}),
    )
}

fn resource(raw: &str) -> Resource {
    match normalize(raw, &config()).subject {
        Subject::Resource(resource) => *resource,
        other => panic!("expected a resource, got {other:?}"),
    }
}

fn ignored(raw: &str) -> IgnoreReason {
    match normalize(raw, &config()).subject {
        Subject::Ignored(reason) => reason,
        other => panic!("expected ignored, got {other:?}"),
    }
}

fn unevaluable(raw: &str) -> String {
    match normalize(raw, &config()).subject {
        Subject::Unevaluable(error) => error.to_string(),
        other => panic!("expected unevaluable, got {other:?}"),
    }
}

#[test]
fn absent_create_parameters_mean_the_aws_defaults() {
    let r = resource(&call(
        "CreateNotebookInstance",
        json!({"notebookInstanceName": "Quick-Look", "instanceType": "ml.t3.medium", "roleArn": "arn:aws-us-gov:iam::111122223333:role/r"}),
        json!({}),
    ));
    assert_eq!(r.kind, ResourceKind::NotebookInstance);
    assert_eq!(r.name, "Quick-Look");
    assert_eq!(r.networks[0].value, Observed::Defaulted(NetworkAttachment::NoVpc));
    assert_eq!(
        r.direct_internet_access.unwrap().value,
        Observed::Defaulted("Enabled".to_owned())
    );
    assert_eq!(r.root_access.unwrap().value, Observed::Defaulted("Enabled".to_owned()));
    assert_eq!(
        r.minimum_imds_version.unwrap().value,
        Observed::Defaulted("1".to_owned())
    );
    assert_eq!(r.keys[0].key, Observed::Defaulted(None));
    // The notebook's volume key has no local-storage exception: no instance type exempts it.
    assert!(r.keys[0].instance_types.is_empty());
    assert_eq!(r.instance_types, vec!["ml.t3.medium"]);
    // A Create call leaves a notebook `Pending`.
    let status = r.status.unwrap();
    assert_eq!(
        (status.value.as_str(), status.lifecycle, status.inferred),
        ("Pending", Lifecycle::Pending, true)
    );
}

#[test]
fn arns_and_locations_keep_the_partition_of_the_event() {
    let r = resource(&call("CreateModel", json!({"modelName": "Churn-Model"}), json!({})));
    // No response ARN: built from the Region's partition, with the name lower-cased as AWS does.
    assert_eq!(
        r.arn.as_deref(),
        Some("arn:aws-us-gov:sagemaker:us-gov-west-1:111122223333:model/churn-model")
    );
    assert_eq!(r.location.partition.as_deref(), Some("aws-us-gov"));
    assert_eq!(r.location.account.as_deref(), Some("111122223333"));
    let creator = r.created_by.unwrap();
    assert_eq!(
        creator.session_issuer_arn.as_deref(),
        Some("arn:aws-us-gov:iam::111122223333:role/DataScientist")
    );
    assert_eq!(creator.source_ip.as_deref(), Some("10.0.0.1"));
    assert_eq!(r.origin.event_id.as_deref(), Some("eb-1"));
}

#[test]
fn domains_take_their_id_and_arn_from_the_response() {
    let r = resource(&call(
        "CreateDomain",
        json!({"domainName": "studio", "authMode": "IAM", "defaultUserSettings": {}}),
        json!({"responseElements": {"domainArn": "arn:aws-us-gov:sagemaker:us-gov-west-1:111122223333:domain/d-abc", "domainId": "d-abc"}}),
    ));
    assert_eq!((r.name.as_str(), r.id.as_deref()), ("studio", Some("d-abc")));
    assert_eq!(
        r.arn.as_deref(),
        Some("arn:aws-us-gov:sagemaker:us-gov-west-1:111122223333:domain/d-abc")
    );
    assert_eq!(
        r.networks[0].value,
        Observed::Defaulted(NetworkAttachment::PublicInternetOnly)
    );
    // UpdateDomain names the domain by ID only.
    let u = resource(&call("UpdateDomain", json!({"domainId": "d-abc"}), json!({})));
    assert_eq!(
        (u.name.as_str(), u.id.as_deref(), u.scope),
        ("d-abc", Some("d-abc"), Scope::Change)
    );
    assert_eq!(
        u.arn.as_deref(),
        Some("arn:aws-us-gov:sagemaker:us-gov-west-1:111122223333:domain/d-abc")
    );
    assert!(u.networks.is_empty(), "absent from an update means unchanged");
}

#[test]
fn update_calls_carry_only_what_they_change() {
    let r = resource(&call(
        "UpdateNotebookInstance",
        json!({"notebookInstanceName": "nb", "rootAccess": "Enabled"}),
        json!({}),
    ));
    assert_eq!(r.scope, Scope::Change);
    assert!(r.networks.is_empty() && r.keys.is_empty() && r.direct_internet_access.is_none());
    assert!(r.minimum_imds_version.is_none());
    assert_eq!(r.root_access.unwrap().value, Observed::Explicit("Enabled".to_owned()));
    assert_eq!(r.status.unwrap().lifecycle, Lifecycle::Updating);
}

#[test]
fn state_change_events_are_camel_cased_and_absent_fields_are_unknown() {
    let r = resource(&state_change(
        "SageMaker Notebook Instance State Change",
        json!({
            "NotebookInstanceName": "NB", "NotebookInstanceStatus": "InService", "InstanceType": "ml.t3.medium",
            "SecurityGroups": ["sg-1"], "DirectInternetAccess": "Disabled",
            "CreationTime": 1653592049755_u64,
            "Tags": {"Owner": "alice", "CamelKey": "V"}
        }),
    ));
    assert_eq!(
        r.arn.as_deref(),
        Some("arn:aws-us-gov:sagemaker:us-gov-west-1:111122223333:notebook-instance/nb")
    );
    assert_eq!(r.status.as_ref().map(|s| s.lifecycle), Some(Lifecycle::Running));
    assert_eq!(
        r.direct_internet_access.unwrap().value,
        Observed::Explicit("Disabled".to_owned())
    );
    // No `SubnetId` in a state change proves nothing.
    assert_eq!(r.networks[0].value, Observed::Unknown);
    assert_eq!(r.keys[0].key, Observed::Unknown);
    assert_eq!(r.root_access.unwrap().value, Observed::Unknown);
    // Tag keys are the customer's: not camel-cased.
    assert_eq!(r.tags.get("Owner").map(String::as_str), Some("alice"));
    assert_eq!(r.tags.get("CamelKey").map(String::as_str), Some("V"));
}

#[test]
fn tuning_jobs_are_read_per_training_definition() {
    let open = json!({"resourceConfig": {"instanceType": "ml.m5.xlarge"}, "outputDataConfig": {}});
    let secure = json!({
        "vpcConfig": {"subnets": ["s"], "securityGroupIds": ["g"]},
        "hyperParameterTuningResourceConfig": {"volumeKmsKeyId": "k", "instanceConfigs": [{"instanceType": "ml.c5.xlarge"}]},
        "outputDataConfig": {"kmsKeyId": "alias/o"}, "enableNetworkIsolation": "true"
    });
    let r = resource(&call(
        "CreateHyperParameterTuningJob",
        json!({"hyperParameterTuningJobName": "h", "trainingJobDefinitions": [secure, open]}),
        json!({}),
    ));
    let fields: Vec<&str> = r.networks.iter().map(|n| n.field.as_ref()).collect();
    assert_eq!(
        fields,
        vec![
            "TrainingJobDefinitions[0].VpcConfig",
            "TrainingJobDefinitions[1].VpcConfig"
        ]
    );
    assert_eq!(
        r.network_isolation[0].value,
        Observed::Explicit(true),
        "a string boolean is accepted"
    );
    assert_eq!(r.network_isolation[1].value, Observed::Defaulted(false));
    let volume: Vec<(&str, &Observed<Option<String>>)> = r
        .keys
        .iter()
        .filter(|k| k.purpose == KeyPurpose::Volume)
        .map(|k| (k.field.as_ref(), &k.key))
        .collect();
    assert_eq!(
        volume,
        vec![
            (
                "TrainingJobDefinitions[0].ResourceConfig.VolumeKmsKeyId",
                &Observed::Explicit(Some("k".to_owned()))
            ),
            (
                "TrainingJobDefinitions[1].ResourceConfig.VolumeKmsKeyId",
                &Observed::Defaulted(None)
            ),
        ]
    );
    assert_eq!(r.instance_types, vec!["ml.c5.xlarge", "ml.m5.xlarge"]);
}

#[test]
fn calls_that_change_nothing_are_ignored_with_a_reason() {
    let failed = call(
        "CreateModel",
        json!({"modelName": "m"}),
        json!({"errorCode": "ValidationException", "errorMessage": "x"}),
    );
    assert_eq!(
        ignored(&failed),
        IgnoreReason::FailedCall {
            error_code: "ValidationException".into()
        }
    );
    let own = call(
        "CreateModel",
        json!({"modelName": "m"}),
        json!({"userIdentity": {"type": "AssumedRole", "arn": "arn:aws-us-gov:sts::111122223333:assumed-role/smguard-guard/fn"}}),
    );
    assert_eq!(
        ignored(&own),
        IgnoreReason::OwnAction {
            principal: GUARD_ROLE.into()
        }
    );
    let by_tuning_job = call("CreateTrainingJob", json!({}), json!({"eventType": "AwsServiceEvent"}));
    assert!(matches!(ignored(&by_tuning_job), IgnoreReason::ServiceEvent { .. }));
    let describe = call("DescribeModel", json!({"modelName": "m"}), json!({}));
    assert_eq!(
        ignored(&describe).to_string(),
        "`DescribeModel` from `sagemaker.amazonaws.com` is not evaluated by smguard's rules"
    );
    let ec2 = call("RunInstances", json!({}), json!({"eventSource": "ec2.amazonaws.com"}));
    assert!(matches!(ignored(&ec2), IgnoreReason::Unrelated { .. }));
}

#[test]
fn a_failed_call_is_ignored_even_when_its_parameters_are_unusable() {
    let failed = call("CreateTrainingJob", Value::Null, json!({"errorCode": "AccessDenied"}));
    assert!(matches!(ignored(&failed), IgnoreReason::FailedCall { .. }));
}

#[test]
fn unusable_create_calls_are_unevaluable_never_compliant() {
    assert_eq!(
        unevaluable(&call("CreateModel", Value::Null, json!({}))),
        "`CreateModel` has no `requestParameters`"
    );
    assert_eq!(
        unevaluable(&call(
            "CreateModel",
            json!("{\"modelName\": \"m\", \"vpcCon"),
            json!({})
        )),
        "`requestParameters` of `CreateModel` is not an object: CloudTrail truncates parameters over 100 KB"
    );
    assert_eq!(
        unevaluable(&call("CreateModel", json!({"executionRoleArn": "r"}), json!({}))),
        "`CreateModel` lacks `requestParameters.modelName`, which the API always has: the record is truncated or incomplete"
    );
    assert_eq!(
        unevaluable(&call("CreateModel", json!({"modelName": "  "}), json!({}))),
        "`CreateModel` lacks `requestParameters.modelName`, which the API always has: the record is truncated or incomplete"
    );
    assert!(
        unevaluable(&call(
            "CreateModel",
            json!({"modelName": "m", "enableNetworkIsolation": "maybe"}),
            json!({})
        ))
        .starts_with("`CreateModel` has an invalid value: expected a boolean")
    );
    assert!(unevaluable("{not json").starts_with("event is not valid JSON"));
    assert!(unevaluable("[1, 2]").starts_with("neither an EventBridge event nor a CloudTrail record"));
    assert!(unevaluable("42").starts_with("neither an EventBridge event nor a CloudTrail record"));
}

#[test]
fn reasons_quoting_input_are_kept_short() {
    let huge = "x".repeat(10_000);
    let reason = unevaluable(&call(
        "CreateModel",
        json!({"modelName": "m", "vpcConfig": {"subnets": huge}}),
        json!({}),
    ));
    assert!(reason.chars().count() < 300, "{} characters", reason.chars().count());
    assert!(reason.ends_with('…'));
}

#[test]
fn bare_cloudtrail_records_are_read_like_delivered_events() {
    let raw = call("CreateModel", json!({"modelName": "m"}), json!({}));
    let detail = serde_json::from_str::<Value>(&raw).unwrap()["detail"].to_string();
    let event = normalize(&detail, &config());
    assert_eq!(
        event.info.id.as_deref(),
        Some("ct-1"),
        "the eventID stands in for the EventBridge id"
    );
    assert_eq!(event.info.source.as_deref(), Some("aws.sagemaker"));
    assert_eq!(event.info.detail_type.as_deref(), Some(API_CALL_DETAIL_TYPE));
    assert!(matches!(event.subject, Subject::Resource(_)));
}

#[test]
fn event_info_is_kept_even_when_the_event_is_unusable() {
    let event = normalize(&call("CreateModel", Value::Null, json!({})), &config());
    assert_eq!(event.info.id.as_deref(), Some("eb-1"));
    assert_eq!(event.info.event_name.as_deref(), Some("CreateModel"));
    assert_eq!(event.info.cloudtrail_event_id.as_deref(), Some("ct-1"));
}

#[test]
fn unknown_state_changes_are_ignored() {
    let raw = state_change("SageMaker Model Card State Change", json!({"ModelCardName": "x"}));
    assert!(matches!(ignored(&raw), IgnoreReason::Unrelated { .. }));
}

#[test]
fn blank_strings_are_no_values() {
    let r = resource(&call(
        "CreateNotebookInstance",
        json!({"notebookInstanceName": "nb", "instanceType": "ml.t3.medium", "roleArn": "r", "subnetId": " ",
               "kmsKeyId": "", "directInternetAccess": ""}),
        json!({}),
    ));
    assert_eq!(r.networks[0].value, Observed::Defaulted(NetworkAttachment::NoVpc));
    assert_eq!(r.keys[0].key, Observed::Defaulted(None));
    assert_eq!(
        r.direct_internet_access.unwrap().value,
        Observed::Defaulted("Enabled".to_owned())
    );
    let t = resource(&call(
        "CreateModel",
        json!({"modelName": "m", "vpcConfig": {"subnets": ["", "  "], "securityGroupIds": ["sg-1"]}}),
        json!({}),
    ));
    assert_eq!(
        t.networks[0].value,
        Observed::Explicit(NetworkAttachment::CustomerVpc {
            subnets: Some(vec![]),
            security_groups: vec!["sg-1".into()]
        })
    );
}

fn write_of(event: &str) -> crate::s3::S3Write {
    match normalize(event, &fixtures::config()).subject {
        Subject::ObjectWrite(write) => *write,
        other => panic!("not an object write: {other:?}"),
    }
}

#[test]
fn an_s3_data_event_reads_into_the_write_its_record_states() {
    let write = write_of(include_str!(
        "../../../../events/cloudtrail/s3/put-object.own-other-bucket.json"
    ));
    assert_eq!(write.call, crate::s3::WriteCall::PutObject);
    assert_eq!(write.bucket, "ml-platform-scratch-111122223333");
    assert_eq!(write.key, "exports/churn-features.parquet");
    assert_eq!(write.version_id.as_deref(), Some("3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY"));
    assert_eq!(write.bytes, Some(48211));
    assert_eq!(write.bucket_owner.as_deref(), Some("111122223333"));
    assert!(write.bucket_is_own());
    assert_eq!(write.session_name.as_deref(), Some("SageMaker"));
    assert_eq!(write.vpc_endpoint_id.as_deref(), Some("vpce-0a1b2c3d4e5f60718"));
    assert_eq!(write.location.partition.as_deref(), Some("aws-us-gov"));
    assert_eq!(
        write.object_arn().as_deref(),
        Some("arn:aws-us-gov:s3:::ml-platform-scratch-111122223333/exports/churn-features.parquet")
    );
    assert_eq!(write.upload_id, None);
}

#[test]
fn a_copy_is_judged_by_its_destination_and_its_owner_by_the_destination_bucket() {
    let write = write_of(include_str!(
        "../../../../events/cloudtrail/s3/copy-object.to-foreign-bucket.json"
    ));
    assert_eq!(write.bucket, "personal-scratch-999988887777");
    assert_eq!(
        write.bucket_owner.as_deref(),
        Some("999988887777"),
        "the destination bucket's entry, not the source's"
    );
    assert!(!write.bucket_is_own());
    assert!(
        write
            .copy_source
            .as_deref()
            .unwrap()
            .starts_with("ml-platform-model-output-111122223333/")
    );
}

#[test]
fn parts_carry_their_upload_id_and_a_withheld_owner_is_unknown() {
    let part = write_of(include_str!(
        "../../../../events/cloudtrail/s3/upload-part.own-other-bucket.json"
    ));
    assert!(part.upload_id.as_deref().is_some_and(|id| id.starts_with("VXBsb2Fk")));
    assert!(!part.call.stores_object());
    let withheld = write_of(include_str!(
        "../../../../events/cloudtrail/s3/put-object.foreign-bucket-owner-withheld.json"
    ));
    assert_eq!(withheld.bucket_owner, None);
    assert!(!withheld.bucket_is_own(), "an unknown owner is not this account");
}

#[test]
fn s3_events_are_ignored_unless_a_sagemaker_role_wrote_under_a_configured_policy() {
    let by_other = include_str!("../../../../events/cloudtrail/s3/put-object.by-data-scientist.json");
    assert!(matches!(
        normalize(by_other, &fixtures::config()).subject,
        Subject::Ignored(IgnoreReason::NotSageMakerRole { .. })
    ));
    let own_bucket = include_str!("../../../../events/cloudtrail/s3/put-object.own-other-bucket.json");
    match normalize(own_bucket, &config()).subject {
        Subject::Ignored(IgnoreReason::Unrelated { description }) => {
            assert!(
                description.contains("no approved output locations are configured"),
                "{description}"
            )
        }
        other => panic!("{other:?}"),
    }
    let read = include_str!("../../../../events/cloudtrail/s3/get-object.model-bucket.json");
    assert!(matches!(
        normalize(read, &fixtures::config()).subject,
        Subject::Ignored(IgnoreReason::Unrelated { .. })
    ));
    let missing_key = include_str!("../../../../events/cloudtrail/s3/put-object.missing-key.json");
    assert_eq!(
        normalize(missing_key, &fixtures::config()).subject,
        Subject::Unevaluable(EventError::MissingRequired {
            event: "PutObject".into(),
            field: "requestParameters.key".into()
        })
    );
}

#[test]
fn the_envelope_gives_the_events_id_time_and_place_and_its_resources_the_arn() {
    let raw = notebook_in_service();
    let event = normalize(&raw, &config());
    assert_eq!(event.info.id.as_deref(), Some("eb-2"));
    assert_eq!(
        event.info.detail_type.as_deref(),
        Some("SageMaker Notebook Instance State Change")
    );
    assert_eq!(event.info.source.as_deref(), Some("aws.sagemaker"));
    assert_eq!(event.info.account.as_deref(), Some("111122223333"));
    assert_eq!(event.info.region.as_deref(), Some("us-gov-west-1"));
    assert_eq!(
        event.info.time.as_deref(),
        Some("1762092592000"),
        "a number kept as its text"
    );
    let Subject::Resource(notebook) = event.subject else {
        panic!("expected a resource, got {:?}", event.subject);
    };
    assert_eq!(
        notebook.arn.as_deref(),
        Some("arn:aws-us-gov:sagemaker:us-gov-west-1:111122223333:notebook-instance/nb"),
        "the detail names no ARN: the envelope's resources do"
    );
}

#[test]
fn a_resource_is_located_by_its_arn_and_by_the_envelope_where_the_arn_is_blank() {
    let located = |arn: &str| {
        let raw = notebook_in_service().replace(
            "arn:aws-us-gov:sagemaker:us-gov-west-1:111122223333:notebook-instance/nb",
            arn,
        );
        let location = resource(&raw).location;
        (location.region.unwrap(), location.account.unwrap())
    };
    assert_eq!(
        located("arn:aws-us-gov:sagemaker:us-gov-east-1:444455556666:notebook-instance/nb"),
        ("us-gov-east-1".to_owned(), "444455556666".to_owned())
    );
    assert_eq!(
        located("arn:aws-us-gov:sagemaker:::notebook-instance/nb"),
        ("us-gov-west-1".to_owned(), "111122223333".to_owned())
    );
}

#[test]
fn a_domain_without_an_arn_is_addressed_by_its_id() {
    let created = |response: Value| {
        resource(&call(
            "CreateDomain",
            json!({"domainName": "studio", "authMode": "IAM", "defaultUserSettings": {}}),
            json!({ "responseElements": response }),
        ))
    };
    assert_eq!(
        created(json!({"domainId": "d-abc"})).arn.as_deref(),
        Some("arn:aws-us-gov:sagemaker:us-gov-west-1:111122223333:domain/d-abc")
    );
    assert_eq!(created(Value::Null).arn, None, "a domain's name is not in its ARN");
}

#[test]
fn an_envelope_is_read_as_one_even_with_a_top_level_event_source() {
    let mut raw: Value = serde_json::from_str(&notebook_in_service()).unwrap();
    raw["eventSource"] = json!("sagemaker.amazonaws.com");
    let r = resource(&raw.to_string());
    assert_eq!((r.kind, r.name.as_str()), (ResourceKind::NotebookInstance, "nb"));
}

#[test]
fn a_bare_record_that_mentions_detail_type_is_still_read_as_a_record() {
    let raw = call(
        "CreateModel",
        json!({"modelName": "m", "tags": [{"key": "detail-type", "value": "x"}]}),
        json!({}),
    );
    let detail = serde_json::from_str::<Value>(&raw).unwrap()["detail"].to_string();
    assert!(detail.contains("\"detail-type\""));
    let event = normalize(&detail, &config());
    assert_eq!(event.info.detail_type.as_deref(), Some(API_CALL_DETAIL_TYPE));
    assert_eq!(
        event.info.time.as_deref(),
        Some("2026-11-02T14:03:11Z"),
        "the record's eventTime"
    );
    assert!(matches!(event.subject, Subject::Resource(_)), "{:?}", event.subject);
    let fast = normalize(&detail.replace("detail-type", "kind"), &config());
    assert_eq!(fast.info.time.as_deref(), Some("2026-11-02T14:03:11Z"));
}

#[test]
fn a_malformed_record_keeps_the_envelope_and_says_what_is_wrong() {
    // As EventBridge writes it: `detail-type` before `detail`, so that the envelope's own pass
    // reads the record, fails on it, and the loose envelope keeps the envelope's fields.
    let detail =
        serde_json::from_str::<Value>(&call("CreateModel", json!({"modelName": "m"}), json!({"eventName": 5})))
            .unwrap()["detail"]
            .to_string();
    let raw = format!(
        r#"{{"version":"0","id":"eb-1","detail-type":"AWS API Call via CloudTrail","source":"aws.sagemaker","account":"111122223333","time":"2026-11-02T14:03:11Z","region":"us-gov-west-1","resources":[],"detail":{detail}}}"#
    );
    let event = normalize(&raw, &config());
    assert_eq!(event.info.region.as_deref(), Some("us-gov-west-1"));
    assert_eq!(event.info.time.as_deref(), Some("2026-11-02T14:03:11Z"));
    assert_eq!(event.info.id.as_deref(), Some("eb-1"));
    assert_eq!(event.info.account.as_deref(), Some("111122223333"));
    assert_eq!(event.info.detail_type.as_deref(), Some(API_CALL_DETAIL_TYPE));
    let Subject::Unevaluable(error) = event.subject else {
        panic!("expected unevaluable, got {:?}", event.subject);
    };
    assert!(
        error
            .to_string()
            .contains("CloudTrail record: invalid type: integer `5`, expected a string"),
        "{error}"
    );
}

#[test]
fn a_record_of_another_json_type_is_named_by_its_type() {
    for (detail, named) in [
        (json!([1]), "an array"),
        (json!("text"), "a string"),
        (json!(true), "a boolean"),
        (json!(5), "a number"),
    ] {
        let mut raw: Value = serde_json::from_str(&call("CreateModel", json!({}), json!({}))).unwrap();
        raw["detail"] = detail;
        let reason = unevaluable(&raw.to_string());
        assert!(
            reason.contains(&format!("the CloudTrail record is {named}, not an object")),
            "{reason}"
        );
    }
    // `null` parameters are absent (CloudTrail logs calls without any so), not truncated ones.
    let reason = unevaluable(&call("CreateModel", Value::Null, json!({})));
    assert!(reason.contains("requestParameters"), "{reason}");
    assert!(!reason.contains("not an object"), "{reason}");
}

#[test]
fn the_record_names_the_account_it_was_delivered_to_and_the_callers_agent() {
    let raw = call(
        "CreateModel",
        json!({"modelName": "m"}),
        json!({"recipientAccountId": "444455556666", "userAgent": "aws-cli/2.15"}),
    );
    let event = normalize(&raw, &config());
    assert_eq!(event.info.account.as_deref(), Some("444455556666"));
    let principal = event.info.principal.clone().unwrap();
    assert_eq!(principal.user_agent.as_deref(), Some("aws-cli/2.15"));
    let Subject::Resource(model) = event.subject else {
        panic!("expected a resource, got {:?}", event.subject);
    };
    assert_eq!(model.created_by.unwrap().user_agent.as_deref(), Some("aws-cli/2.15"));
    assert_eq!(model.location.account.as_deref(), Some("444455556666"));
}

#[test]
fn booleans_logged_as_strings_are_read_in_any_case_and_anything_else_is_an_error() {
    let isolation = |value: Value| {
        let raw = call(
            "CreateTrainingJob",
            json!({"trainingJobName": "t", "resourceConfig": {"instanceType": "ml.m5.xlarge"},
                   "outputDataConfig": {}, "enableNetworkIsolation": value}),
            json!({}),
        );
        match normalize(&raw, &config()).subject {
            Subject::Resource(r) => Ok(r.network_isolation.first().map(|s| s.value.clone())),
            Subject::Unevaluable(error) => Err(error.to_string()),
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(isolation(json!("FALSE")), Ok(Some(Observed::Explicit(false))));
    assert_eq!(isolation(json!("false")), Ok(Some(Observed::Explicit(false))));
    assert_eq!(isolation(json!("True")), Ok(Some(Observed::Explicit(true))));
    assert_eq!(isolation(json!(false)), Ok(Some(Observed::Explicit(false))));
    let error = isolation(json!("no")).unwrap_err();
    assert!(error.contains("expected a boolean, found `no`"), "{error}");
}

#[test]
fn a_call_to_a_service_smguard_does_not_read_is_ignored_as_unrelated() {
    let raw = call(
        "CreateRole",
        json!({"roleName": "r"}),
        json!({"eventSource": "iam.amazonaws.com"}),
    );
    assert_eq!(
        ignored(&raw),
        IgnoreReason::Unrelated {
            description: "`CreateRole` from `iam.amazonaws.com`".to_owned()
        }
    );
}

#[test]
fn a_text_that_only_mentions_event_source_is_not_taken_for_a_record() {
    let reason = unevaluable(r#"{"note": {"eventSource": "sagemaker.amazonaws.com"}}"#);
    assert!(reason.contains("neither `detail-type` nor `eventSource`"), "{reason}");
}

#[test]
fn a_state_change_without_its_name_names_the_member_as_the_event_spells_it() {
    let raw = state_change(
        "SageMaker Notebook Instance State Change",
        json!({"NotebookInstanceStatus": "InService"}),
    );
    let reason = unevaluable(&raw);
    assert!(reason.contains("`detail.NotebookInstanceName`"), "{reason}");
}

/// A `Describe*` answer (PascalCase, as the SDK's JSON gives it) read by `operation`'s reader as
/// the audit reads it, or with `absent` as another source would.
fn read_described(
    operation: &crate::kind::Operation,
    described: Value,
    absent: spec::Absent,
) -> Result<Resource, spec::ReadError> {
    let origin = crate::model::Origin {
        source: crate::model::SourceKind::Describe,
        name: operation.name.to_owned(),
        event_id: None,
        time: None,
        modified: None,
    };
    (operation.read)(
        spec::Input::Value(spec::camel_case(described)),
        absent,
        Scope::Whole,
        origin,
    )
}

/// Each kind's `Describe*` members that name it and carry its status word, from the SageMaker API
/// reference (`None`: the kind has no status). Read as the audit and state changes read them.
fn describe_members(kind: ResourceKind) -> (&'static str, Option<&'static str>) {
    match kind {
        ResourceKind::NotebookInstance => ("NotebookInstanceName", Some("NotebookInstanceStatus")),
        ResourceKind::NotebookInstanceLifecycleConfig => ("NotebookInstanceLifecycleConfigName", None),
        ResourceKind::TrainingJob => ("TrainingJobName", Some("TrainingJobStatus")),
        ResourceKind::ProcessingJob => ("ProcessingJobName", Some("ProcessingJobStatus")),
        ResourceKind::HyperParameterTuningJob => ("HyperParameterTuningJobName", Some("HyperParameterTuningJobStatus")),
        ResourceKind::TransformJob => ("TransformJobName", Some("TransformJobStatus")),
        ResourceKind::Model => ("ModelName", None),
        ResourceKind::EndpointConfig => ("EndpointConfigName", None),
        ResourceKind::Endpoint => ("EndpointName", Some("EndpointStatus")),
        ResourceKind::Domain => ("DomainName", Some("Status")),
        ResourceKind::UserProfile => ("UserProfileName", Some("Status")),
        ResourceKind::Space => ("SpaceName", Some("Status")),
        ResourceKind::CompilationJob => ("CompilationJobName", Some("CompilationJobStatus")),
        ResourceKind::AutoMlJob => ("AutoMLJobName", Some("AutoMLJobStatus")),
        ResourceKind::LabelingJob => ("LabelingJobName", Some("LabelingJobStatus")),
        ResourceKind::Cluster => ("ClusterName", Some("ClusterStatus")),
        ResourceKind::MonitoringSchedule => ("MonitoringScheduleName", Some("MonitoringScheduleStatus")),
        ResourceKind::DataQualityJobDefinition
        | ResourceKind::ModelQualityJobDefinition
        | ResourceKind::ModelBiasJobDefinition
        | ResourceKind::ModelExplainabilityJobDefinition => ("JobDefinitionName", None),
        ResourceKind::OptimizationJob => ("OptimizationJobName", Some("OptimizationJobStatus")),
        ResourceKind::FeatureGroup => ("FeatureGroupName", Some("FeatureGroupStatus")),
        ResourceKind::InferenceExperiment => ("Name", Some("Status")),
        ResourceKind::EdgePackagingJob => ("EdgePackagingJobName", Some("EdgePackagingJobStatus")),
    }
}

#[test]
fn every_kinds_description_gives_its_name_arn_id_and_status_word() {
    for kind in ResourceKind::ALL {
        let (name_member, status_member) = describe_members(kind);
        // Every description's ARN member is its name member's with `Arn` for `Name`.
        let arn_member = format!("{}Arn", name_member.strip_suffix("Name").unwrap());
        let arn = format!(
            "arn:aws-us-gov:sagemaker:us-gov-east-1:444455556666:{}/described-one",
            kind.arn_resource_type()
        );
        let mut described = serde_json::Map::new();
        described.insert(name_member.to_owned(), json!("described-one"));
        described.insert(arn_member, json!(arn));
        described.insert("DomainId".to_owned(), json!("d-abc"));
        if let Some(status) = status_member {
            described.insert(status.to_owned(), json!("InService"));
        }
        for operation in kind.entry().describe {
            let read = read_described(operation, Value::Object(described.clone()), spec::Absent::Unknown)
                .unwrap_or_else(|error| panic!("{}: {error:?}", operation.name));
            assert_eq!(
                (read.kind, read.name.as_str()),
                (kind, "described-one"),
                "{}",
                operation.name
            );
            assert_eq!(
                read.arn.as_deref(),
                Some(arn.as_str()),
                "{}: the description's ARN",
                operation.name
            );
            // Only the kinds addressed through their domain keep its ID.
            let by_domain = matches!(
                kind,
                ResourceKind::Domain | ResourceKind::UserProfile | ResourceKind::Space
            );
            assert_eq!(read.id.as_deref(), by_domain.then_some("d-abc"), "{}", operation.name);
            let status = read.status.map(|s| (s.value, s.inferred));
            assert_eq!(
                status,
                status_member.map(|_| ("InService".to_owned(), false)),
                "{}",
                operation.name
            );
        }
    }
}

#[test]
fn an_endpoint_configuration_depends_on_each_of_its_models_once() {
    let r = resource(&call(
        "CreateEndpointConfig",
        json!({"endpointConfigName": "ec", "productionVariants": [
            {"variantName": "a", "modelName": "m1", "instanceType": "ml.m5.large"},
            {"variantName": "b", "modelName": "m1", "instanceType": "ml.m5.large"},
            {"variantName": "c", "modelName": "m2", "instanceType": "ml.m5.large"}
        ]}),
        json!({}),
    ));
    let models: Vec<(ResourceKind, &str)> = r.depends_on.iter().map(|d| (d.kind, d.name.as_str())).collect();
    assert_eq!(models, vec![(ResourceKind::Model, "m1"), (ResourceKind::Model, "m2")]);
}

#[test]
fn a_described_domain_without_default_user_settings_leaves_them_unknown() {
    let described = json!({"DomainName": "studio", "DomainId": "d-abc", "AppNetworkAccessType": "VpcOnly"});
    let domain = read_described(
        &ResourceKind::Domain.entry().describe[0],
        described,
        spec::Absent::Unknown,
    )
    .unwrap();
    let fields: Vec<String> = domain
        .keys
        .iter()
        .map(|k| k.field.to_string())
        .chain(domain.s3_outputs.iter().map(|o| o.field.to_string()))
        .filter(|f| f.starts_with("DefaultUserSettings."))
        .collect();
    assert_eq!(
        fields,
        vec![
            "DefaultUserSettings.SharingSettings.S3KmsKeyId",
            "DefaultUserSettings.CanvasAppSettings.WorkspaceSettings.S3KmsKeyId",
            "DefaultUserSettings.CanvasAppSettings.WorkspaceSettings.S3ArtifactPath",
        ]
    );
    for key in domain
        .keys
        .iter()
        .filter(|k| k.field.starts_with("DefaultUserSettings."))
    {
        assert_eq!(key.key, Observed::Unknown, "{}", key.field);
    }
}

#[test]
fn user_profiles_and_spaces_carry_their_domains_id_and_arn_path() {
    for (call_name, name_member, arn_type) in [
        ("CreateUserProfile", "userProfileName", "user-profile"),
        ("CreateSpace", "spaceName", "space"),
    ] {
        let r = resource(&call(
            call_name,
            json!({"domainId": "d-abc", name_member: "Alice"}),
            json!({}),
        ));
        assert_eq!(
            (r.name.as_str(), r.id.as_deref()),
            ("Alice", Some("d-abc")),
            "{call_name}"
        );
        assert_eq!(
            r.arn.unwrap(),
            format!("arn:aws-us-gov:sagemaker:us-gov-west-1:111122223333:{arn_type}/d-abc/alice"),
            "{call_name}: without a response ARN, built as SageMaker builds it"
        );
    }
}

#[test]
fn a_cluster_read_without_its_groups_has_an_unknown_volume_key_only_when_described() {
    use crate::event::spec::Absent;
    let volume_keys = |cluster: Value, absent: Absent| {
        let r = read_described(&ResourceKind::Cluster.entry().describe[0], cluster, absent).unwrap();
        r.keys
            .into_iter()
            .map(|k| (k.field.to_string(), k.key))
            .collect::<Vec<_>>()
    };
    let wildcard = "InstanceGroups[*].InstanceStorageConfigs[*].EbsVolumeConfig.VolumeKmsKeyId".to_owned();
    assert_eq!(
        volume_keys(json!({"ClusterName": "c"}), Absent::Unknown),
        vec![(wildcard.clone(), Observed::Unknown)],
        "no groups in what was read: whether a volume is encrypted is not known"
    );
    assert!(
        volume_keys(json!({"ClusterName": "c"}), Absent::Unchanged).is_empty(),
        "an update that names no groups changes no volume"
    );
    let stored = json!({"ClusterName": "c", "InstanceGroups": [{"InstanceGroupName": "g", "InstanceType": "ml.c5.xlarge",
        "InstanceStorageConfigs": [{"EbsVolumeConfig": {"VolumeSizeInGB": 100, "VolumeKmsKeyId": "k"}}]}]});
    assert_eq!(
        volume_keys(stored, Absent::Unknown),
        vec![(
            "InstanceGroups[0].InstanceStorageConfigs[0].EbsVolumeConfig.VolumeKmsKeyId".to_owned(),
            Observed::Explicit(Some("k".to_owned()))
        )]
    );
    let bare =
        json!({"ClusterName": "c", "InstanceGroups": [{"InstanceGroupName": "g", "InstanceType": "ml.c5.xlarge"}]});
    assert!(
        volume_keys(bare, Absent::Unknown).is_empty(),
        "groups without instance storage have no volume to encrypt"
    );
}

#[test]
fn a_copys_owner_is_the_destination_buckets_whatever_the_order_of_the_records_resources() {
    let mut event: Value = serde_json::from_str(include_str!(
        "../../../../events/cloudtrail/s3/copy-object.to-foreign-bucket.json"
    ))
    .unwrap();
    event["detail"]["resources"].as_array_mut().unwrap().reverse();
    let write = write_of(&event.to_string());
    assert_eq!(write.bucket, "personal-scratch-999988887777");
    assert_eq!(write.bucket_owner.as_deref(), Some("999988887777"));
}

#[test]
fn an_unversioned_write_has_no_version() {
    for logged in ["null", ""] {
        let mut event: Value = serde_json::from_str(include_str!(
            "../../../../events/cloudtrail/s3/put-object.own-other-bucket.json"
        ))
        .unwrap();
        event["detail"]["responseElements"]["x-amz-version-id"] = json!(logged);
        assert_eq!(write_of(&event.to_string()).version_id, None, "`{logged}`");
    }
}
