//! [`Inventory`] over SageMaker's `Describe*` and `List*` calls (made in [`crate::sagemaker`]).

use async_trait::async_trait;
use aws_sdk_sagemaker::Client;
use smguard_engine::{Inventory, Page, PortError};
use smguard_policy::kind;
use smguard_policy::{Resource, ResourceKind, ResourceRef};

use crate::sagemaker;

/// Reads SageMaker resources into the policy model.
#[derive(Debug, Clone)]
pub struct SageMakerInventory {
    client: Client,
}

impl SageMakerInventory {
    pub fn new(client: Client) -> Self {
        SageMakerInventory { client }
    }

    /// What [`Inventory::describe`] needs, for every kind: the kind table's `describe`
    /// operations (the deployment grants these).
    pub fn describe_permissions() -> Vec<String> {
        kind::describe_permissions()
    }

    /// What [`Inventory::list`] needs besides [`Self::describe_permissions`].
    pub fn list_permissions() -> Vec<String> {
        kind::list_permissions()
    }
}

#[async_trait]
impl Inventory for SageMakerInventory {
    async fn describe(&self, resource: &ResourceRef) -> Result<Option<Resource>, PortError> {
        sagemaker::describe(&self.client, resource).await
    }

    async fn list_page(&self, kind: ResourceKind, token: Option<&str>) -> Result<Page, PortError> {
        sagemaker::list_page(&self.client, kind, token).await
    }
}
