//! One `upload-guard` deployment in the emulator: the guard's deployment parts (topic with a
//! security-operations queue, ledger, a queue the rule routes to) with the upload rule's pattern
//! as `infra/template.yaml` resolves it, a versioned quarantine bucket, and the buckets SageMaker
//! writes to: the model bucket (approved whole, never routed), a shared bucket approved only under
//! `output/`, another bucket of the account, and a bucket of another account. The workload is a
//! session of a SageMaker execution role (`service-role/AmazonSageMaker-ExecutionRole-e2e`) whose
//! S3 requests come through a VPC endpoint.

use serde_json::Value;

use crate::emulator::{Emulator, TestAccount};
use crate::stage::{Deployment, upload_pattern};

pub const FUNCTION: &str = "upload-guard";
/// The workload's role: a path and a name, as SageMaker's console creates them.
pub const SAGEMAKER_ROLE: &str = "service-role/AmazonSageMaker-ExecutionRole-e2e";
pub const VPC_ENDPOINT: &str = "vpce-0a1b2c3d4e5f60718";

#[derive(Debug)]
pub struct UploadEstate<'e> {
    pub deployment: Deployment<'e>,
    /// Approved whole: its writes are never routed.
    pub model_bucket: String,
    /// Approved only under `output/`: its writes are routed and judged by the function.
    pub shared_bucket: String,
    /// Another bucket of the account (versioned).
    pub scratch_bucket: String,
    pub quarantine_bucket: String,
    /// A bucket of `foreign`.
    pub foreign_bucket: String,
    pub foreign: TestAccount,
    /// A session of the SageMaker execution role.
    pub workload: TestAccount,
}

impl<'e> UploadEstate<'e> {
    pub async fn deploy(emulator: &'e Emulator, mode: &str) -> UploadEstate<'e> {
        let account = emulator.account().await;
        let foreign = emulator.account().await;
        let id = account.id.clone();
        let model_bucket = format!("ml-model-{id}");
        let shared_bucket = format!("ml-shared-{id}");
        let scratch_bucket = format!("ml-scratch-{id}");
        let quarantine_bucket = format!("smguard-quarantine-{id}");
        let foreign_bucket = format!("partner-dropbox-{}", foreign.id);
        for bucket in [&model_bucket, &shared_bucket, &scratch_bucket, &quarantine_bucket] {
            account.create_bucket(emulator, bucket);
        }
        foreign.create_bucket(emulator, &foreign_bucket);
        let s3 = account.s3().await;
        for bucket in [&scratch_bucket, &quarantine_bucket] {
            s3.put_bucket_versioning()
                .bucket(bucket)
                .versioning_configuration(
                    aws_sdk_s3::types::VersioningConfiguration::builder()
                        .status(aws_sdk_s3::types::BucketVersioningStatus::Enabled)
                        .build(),
                )
                .send()
                .await
                .expect("PutBucketVersioning");
        }
        let roles = account.arn("iam", "role/service-role/AmazonSageMaker-ExecutionRole-*");
        let locations = format!("s3://{model_bucket},s3://{shared_bucket}/output/");
        let pattern = upload_pattern(&[roles.as_str()], &[model_bucket.as_str()]);
        let settings: [(&'static str, &str); 3] = [
            ("SMGUARD_SAGEMAKER_ROLE_ARNS", &roles),
            ("SMGUARD_APPROVED_OUTPUT_LOCATIONS", &locations),
            ("SMGUARD_QUARANTINE_BUCKET", &quarantine_bucket),
        ];
        let deployment = Deployment::routing(
            emulator,
            account,
            mode,
            &settings,
            "smguard-alerts",
            &[pattern],
            "smguard-upload-guard",
            FUNCTION,
        )
        .await;
        let workload = deployment.account.as_role(emulator, SAGEMAKER_ROLE, "SageMaker").await;
        let body = serde_json::json!({"access_key": workload.access_key(), "vpc_endpoint_id": VPC_ENDPOINT});
        let (status, answer) = emulator
            .http("POST", "/_smguard/endpoints", Some(&body.to_string()))
            .expect("the emulator's endpoint registry");
        assert_eq!(status, 200, "{answer}");
        UploadEstate {
            deployment,
            model_bucket,
            shared_bucket,
            scratch_bucket,
            quarantine_bucket,
            foreign_bucket,
            foreign,
            workload,
        }
    }

    /// The function's access key (faults are injected into its requests only).
    pub fn function_access_key(&self) -> String {
        self.deployment.access_key()
    }

    /// Writes `body` to `bucket`/`key` as the workload; returns the version ID S3 gave it.
    pub async fn put(&self, bucket: &str, key: &str, body: &str) -> Option<String> {
        self.workload
            .s3()
            .await
            .put_object()
            .bucket(bucket)
            .key(key)
            .body(body.as_bytes().to_vec().into())
            .send()
            .await
            .expect("PutObject by the workload")
            .version_id
    }

    /// The object's body, when it exists (read with the deployment's own credentials).
    pub async fn read(&self, account: &TestAccount, bucket: &str, key: &str) -> Option<(String, Value)> {
        let answer = account
            .s3()
            .await
            .get_object()
            .bucket(bucket)
            .key(key)
            .send()
            .await
            .ok()?;
        let metadata = serde_json::to_value(answer.metadata().cloned().unwrap_or_default()).unwrap();
        let body = answer.body.collect().await.ok()?.into_bytes();
        Some((String::from_utf8_lossy(&body).into_owned(), metadata))
    }

    /// The quarantine bucket's keys.
    pub async fn quarantined(&self) -> Vec<String> {
        let page = self
            .deployment
            .account
            .s3()
            .await
            .list_objects_v2()
            .bucket(&self.quarantine_bucket)
            .send()
            .await
            .expect("ListObjectsV2");
        page.contents()
            .iter()
            .filter_map(|o| o.key().map(str::to_owned))
            .collect()
    }
}
