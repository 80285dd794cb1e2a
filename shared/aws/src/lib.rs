//! The AWS adapters behind smguard's ports ([`smguard_engine::ports`]).
//!
//! - [`SageMakerInventory`]: describes any kind by name and normalizes the answer into the policy
//!   model with the same reader the events use; lists every kind, all pages.
//! - [`SageMakerRemediator`]: the kind table's `Stop*` / `Delete*` call for each kind. Idempotent and
//!   state-aware: already stopped, not yet stoppable and gone are outcomes, not errors.
//!
//! Every SageMaker call is made in `sagemaker.rs`, kind by kind.
//! - [`S3ObjectRemediator`]: the upload guard's quarantine (copy the exact version, then delete it),
//!   multipart abort and session revocation.
//! - [`AwsGuardRemediator`]: the trail guard's restoring calls (`StartLogging`, `PutEventSelectors`,
//!   `UpdateTrail`, `EnableRule`, `DeleteFunctionConcurrency`, `CancelKeyDeletion`, `EnableKey`),
//!   each after reading the part, and `GetFunctionConfiguration` for the alert.
//! - [`SnsNotifier`]: one SNS message per alert, `MessageStructure=json` (text for people, JSON for
//!   machines), with filterable message attributes.
//! - [`S3Reports`]: the audit's report, JSON-lines parts and a summary under one prefix per run.
//! - [`AwsGuardInputs`]: trails, smguard's EventBridge rules, functions and alert topic, for the
//!   audit's self-check.
//! - [`CloudTrailReader`]: trail status and event selectors; `LookupEvents` by resource name.
//! - [`S3Ledger`]: the idempotency ledger, one small object per event and resource, written with
//!   S3 conditional writes (`If-None-Match`, `If-Match`).
//!
//! Clients come from one [`aws_config::SdkConfig`] ([`load_sdk_config`]), so the standard
//! credential chain and `AWS_ENDPOINT_URL` apply. SDK errors become [`PortError`]s: throttling
//! and 5xx answers are retried by the SDK with backoff and then surface as retryable;
//! access denied is never retried.

mod config;
mod error;
mod guard;
mod inventory;
mod ledger;
mod notifier;
mod objects;
mod remediator;
mod reports;
mod sagemaker;
mod selfcheck;
mod trail;

pub use config::{MAX_ATTEMPTS, SWEEP_MAX_ATTEMPTS, clients, http_client, load_sdk_config, retry_config};
pub use error::classify;
pub use guard::AwsGuardRemediator;
pub use inventory::SageMakerInventory;
pub use ledger::S3Ledger;
pub use notifier::SnsNotifier;
pub use objects::{REVOKE_POLICY_NAME, S3ObjectRemediator};
pub use remediator::SageMakerRemediator;
pub use reports::S3Reports;
pub use selfcheck::AwsGuardInputs;
pub use smguard_engine::PortError;
pub use trail::CloudTrailReader;
