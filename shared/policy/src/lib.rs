//! smguard's policy: one normalized model of a SageMaker resource, the normalizers that build it
//! from CloudTrail calls and state-change events, the rule catalogue, and the decision
//! (outcome and response plan).
//!
//! Pure and synchronous by design: no AWS SDK, no async runtime, no clock, no environment. The
//! Lambda functions, the audit sweep and the `smguard` CLI differ only in how they obtain a
//! resource; they all call [`decide`] / [`decide_resource`] here.
//!
//! ```
//! use smguard_policy::{assess, Outcome, PolicyConfig};
//!
//! let event = r#"{"version":"0","id":"1","detail-type":"AWS API Call via CloudTrail",
//!   "source":"aws.sagemaker","account":"111122223333","region":"us-gov-west-1",
//!   "time":"2026-11-02T10:00:00Z","resources":[],"detail":{"eventSource":"sagemaker.amazonaws.com",
//!   "eventName":"CreateModel","awsRegion":"us-gov-west-1","eventType":"AwsApiCall",
//!   "requestParameters":{"modelName":"m","executionRoleArn":"arn:aws-us-gov:iam::111122223333:role/r"},
//!   "responseElements":null}}"#;
//! let decision = assess(event, &PolicyConfig::default());
//! assert_eq!(decision.outcome, Outcome::NonCompliant); // no VpcConfig
//! assert_eq!(
//!     decision.resource.unwrap().arn.as_deref(),
//!     Some("arn:aws-us-gov:sagemaker:us-gov-west-1:111122223333:model/m")
//! );
//! ```

pub mod arn;
pub mod config;
pub mod decision;
pub mod event;
pub mod instance_types;
pub mod integrity;
pub mod kind;
pub mod kms;
pub mod model;
pub mod rules;
pub mod s3;
pub mod selfcheck;

pub use config::{ConfigError, PolicyConfig, Settings};
pub use decision::{
    Action, AlertChannel, Decision, Outcome, Trigger, Verb, assess, decide, decide_resource, plan, plan_part,
    plan_write,
};
pub use event::{EventError, EventInfo, IgnoreReason, NormalizedEvent, Subject, normalize};
pub use integrity::{GuardPart, PartKind, PartState};
pub use kind::{Containment, KindEntry, ResourceKind};
pub use model::{Resource, ResourceRef};
pub use rules::{ControlMode, Evaluation, Finding, RuleId, Severity, evaluate, evaluate_part, evaluate_write};
pub use s3::S3Write;
