//! [`Remediator`] over SageMaker's `Stop*` and `Delete*` calls (made in [`crate::sagemaker`]).

use async_trait::async_trait;
use aws_sdk_sagemaker::Client;
use smguard_engine::{DeleteOutcome, PortError, Remediator, StopOutcome};
use smguard_policy::ResourceRef;

use crate::sagemaker;

/// Stops and deletes SageMaker resources.
#[derive(Debug, Clone)]
pub struct SageMakerRemediator {
    client: Client,
}

impl SageMakerRemediator {
    pub fn new(client: Client) -> Self {
        SageMakerRemediator { client }
    }

    /// The IAM actions this adapter needs: the kind table's `Stop*` and `Delete*` operations
    /// (the deployment template grants exactly these).
    pub fn permissions() -> Vec<String> {
        smguard_policy::kind::contain_permissions()
    }
}

#[async_trait]
impl Remediator for SageMakerRemediator {
    async fn stop(&self, resource: &ResourceRef) -> Result<StopOutcome, PortError> {
        sagemaker::stop(&self.client, resource).await
    }

    async fn delete(&self, resource: &ResourceRef) -> Result<DeleteOutcome, PortError> {
        sagemaker::delete(&self.client, resource).await
    }
}
