//! [`ReportSink`] over S3: `<prefix><run>/part-00001.jsonl`, … and `<prefix><run>/summary.json`.

use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::primitives::ByteStream;
use smguard_engine::{PortError, ReportSink};

use crate::error::classify;

/// The audit's reports in an S3 bucket.
#[derive(Debug, Clone)]
pub struct S3Reports {
    client: Client,
    bucket: String,
    prefix: String,
}

impl S3Reports {
    pub fn new(client: Client, bucket: impl Into<String>, prefix: impl Into<String>) -> Self {
        S3Reports {
            client,
            bucket: bucket.into(),
            prefix: prefix.into(),
        }
    }

    pub const PERMISSIONS: &'static [&'static str] = &["s3:PutObject"];

    async fn put(&self, key: String, content_type: &str, body: Vec<u8>) -> Result<(), PortError> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .body(ByteStream::from(body))
            .send()
            .await
            .map_err(|error| classify("PutObject", &error))?;
        Ok(())
    }
}

#[async_trait]
impl ReportSink for S3Reports {
    async fn write_part(&self, run_id: &str, number: u32, lines: Vec<u8>) -> Result<(), PortError> {
        let key = format!("{}{run_id}/part-{number:05}.jsonl", self.prefix);
        self.put(key, "application/x-ndjson", lines).await
    }

    async fn write_summary(&self, run_id: &str, summary: Vec<u8>) -> Result<(), PortError> {
        let key = format!("{}{run_id}/summary.json", self.prefix);
        self.put(key, "application/json", summary).await
    }

    fn location(&self, run_id: &str) -> String {
        format!("s3://{}/{}{run_id}/", self.bucket, self.prefix)
    }
}
