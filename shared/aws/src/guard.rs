//! [`GuardRemediator`] over CloudTrail, EventBridge, Lambda and KMS: the trail guard's restoring
//! calls. Each reads the part first, so that a redelivered event (or a part someone else already
//! restored) finds it restored rather than calling again.

use async_trait::async_trait;
use aws_sdk_cloudtrail::types::{
    AdvancedEventSelector, AdvancedFieldSelector, DataResource, EventSelector, ReadWriteType,
};
use aws_sdk_eventbridge::error::ProvideErrorMetadata;
use smguard_engine::PortError;
use smguard_engine::ports::{FunctionConfiguration, GuardRemediator, RestoreOutcome, TrailSelectors};
use smguard_policy::arn::Arn;
use smguard_policy::config::{CONTROLS, MODE};

use crate::error::classify;

/// Restores protected trails and smguard's rules, functions and key.
#[derive(Debug, Clone)]
pub struct AwsGuardRemediator {
    cloudtrail: aws_sdk_cloudtrail::Client,
    events: aws_sdk_eventbridge::Client,
    lambda: aws_sdk_lambda::Client,
    kms: aws_sdk_kms::Client,
}

/// `rule/<name>` on the default bus, `rule/<bus>/<name>` on another: (bus, name).
pub(crate) fn rule_path(arn: &str) -> (Option<String>, String) {
    let path = Arn::parse(arn).map_or("", |a| a.resource).trim_start_matches("rule/");
    match path.rsplit_once('/') {
        Some((bus, name)) => (Some(bus.to_owned()), name.to_owned()),
        None => (None, path.to_owned()),
    }
}

/// A function's reserved concurrency: `None` when the function does not exist, `Some(None)` when
/// it has no reserved concurrency.
pub(crate) async fn reserved_concurrency(
    lambda: &aws_sdk_lambda::Client,
    function_arn: &str,
) -> Result<Option<Option<i32>>, PortError> {
    match lambda
        .get_function_concurrency()
        .function_name(function_arn)
        .send()
        .await
    {
        Ok(answer) => Ok(Some(answer.reserved_concurrent_executions)),
        Err(error) if error.code() == Some(NOT_FOUND) => Ok(None),
        Err(error) => Err(classify("GetFunctionConcurrency", &error)),
    }
}

fn already(status: &str) -> RestoreOutcome {
    RestoreOutcome::AlreadyRestored {
        status: status.to_owned(),
    }
}

fn rejected(operation: &str, error: impl std::fmt::Display) -> PortError {
    PortError::Rejected {
        operation: operation.to_owned(),
        code: "InvalidRequest".to_owned(),
        message: error.to_string(),
    }
}

const TRAIL_GONE: &str = "TrailNotFoundException";
const NOT_FOUND: &str = "ResourceNotFoundException";

impl AwsGuardRemediator {
    pub fn new(sdk: &aws_config::SdkConfig) -> Self {
        AwsGuardRemediator {
            cloudtrail: crate::clients::cloudtrail(sdk),
            events: crate::clients::eventbridge(sdk),
            lambda: crate::clients::lambda(sdk),
            kms: crate::clients::kms(sdk),
        }
    }

    /// What the template grants the trail guard (on the protected trails, smguard's rules,
    /// functions and key only).
    pub const PERMISSIONS: &'static [&'static str] = &[
        "cloudtrail:GetTrail",
        "cloudtrail:GetTrailStatus",
        "cloudtrail:GetEventSelectors",
        "cloudtrail:StartLogging",
        "cloudtrail:PutEventSelectors",
        "cloudtrail:UpdateTrail",
        "events:DescribeRule",
        "events:EnableRule",
        "lambda:GetFunctionConcurrency",
        "lambda:GetFunctionConfiguration",
        "lambda:DeleteFunctionConcurrency",
        "kms:DescribeKey",
        "kms:EnableKey",
        "kms:CancelKeyDeletion",
    ];

    /// The trail, or `None` when it does not exist.
    async fn trail(&self, arn: &str) -> Result<Option<aws_sdk_cloudtrail::types::Trail>, PortError> {
        match self.cloudtrail.get_trail().name(arn).send().await {
            Ok(answer) => Ok(answer.trail),
            Err(error) if error.code() == Some(TRAIL_GONE) => Ok(None),
            Err(error) => Err(classify("GetTrail", &error)),
        }
    }

    async fn update_trail(&self, arn: &str, multi_region: bool, validation: bool) -> Result<(), PortError> {
        let mut request = self.cloudtrail.update_trail().name(arn);
        if multi_region {
            request = request.is_multi_region_trail(true);
        }
        if validation {
            request = request.enable_log_file_validation(true);
        }
        request.send().await.map_err(|error| classify("UpdateTrail", &error))?;
        Ok(())
    }

    async fn key_state(&self, arn: &str) -> Result<Option<aws_sdk_kms::types::KeyState>, PortError> {
        match self.kms.describe_key().key_id(arn).send().await {
            Ok(answer) => Ok(answer.key_metadata.and_then(|m| m.key_state)),
            Err(error) if error.code() == Some("NotFoundException") => Ok(None),
            Err(error) => Err(classify("DescribeKey", &error)),
        }
    }
}

#[async_trait]
impl GuardRemediator for AwsGuardRemediator {
    async fn start_logging(&self, trail_arn: &str) -> Result<RestoreOutcome, PortError> {
        match self.cloudtrail.get_trail_status().name(trail_arn).send().await {
            Ok(status) if status.is_logging == Some(true) => return Ok(already("logging")),
            Ok(_) => {}
            Err(error) if error.code() == Some(TRAIL_GONE) => return Ok(RestoreOutcome::Gone),
            Err(error) => return Err(classify("GetTrailStatus", &error)),
        }
        match self.cloudtrail.start_logging().name(trail_arn).send().await {
            Ok(_) => Ok(RestoreOutcome::Restored),
            Err(error) if error.code() == Some(TRAIL_GONE) => Ok(RestoreOutcome::Gone),
            Err(error) => Err(classify("StartLogging", &error)),
        }
    }

    async fn event_selectors(&self, trail_arn: &str) -> Result<Option<TrailSelectors>, PortError> {
        match self.cloudtrail.get_event_selectors().trail_name(trail_arn).send().await {
            Ok(answer) => Ok(Some(crate::trail::selectors_of(answer))),
            Err(error) if error.code() == Some(TRAIL_GONE) => Ok(None),
            Err(error) => Err(classify("GetEventSelectors", &error)),
        }
    }

    async fn put_event_selectors(&self, trail_arn: &str, selectors: &TrailSelectors) -> Result<(), PortError> {
        const OPERATION: &str = "PutEventSelectors";
        let request = self.cloudtrail.put_event_selectors().trail_name(trail_arn);
        let request = match selectors {
            TrailSelectors::Basic(basic) => request.set_event_selectors(Some(
                basic
                    .iter()
                    .map(|s| {
                        EventSelector::builder()
                            .set_read_write_type(s.read_write_type.as_deref().map(ReadWriteType::from))
                            .set_include_management_events(s.include_management_events)
                            .set_data_resources(Some(
                                s.data_resources
                                    .iter()
                                    .map(|(kind, values)| {
                                        DataResource::builder()
                                            .r#type(kind)
                                            .set_values(Some(values.clone()))
                                            .build()
                                    })
                                    .collect(),
                            ))
                            .set_exclude_management_event_sources(
                                (!s.exclude_management_event_sources.is_empty())
                                    .then(|| s.exclude_management_event_sources.clone()),
                            )
                            .build()
                    })
                    .collect(),
            )),
            TrailSelectors::Advanced(advanced) => {
                let mut built = Vec::new();
                for selector in advanced {
                    let mut fields = Vec::new();
                    for f in &selector.field_selectors {
                        let list = |values: &Vec<String>| (!values.is_empty()).then(|| values.clone());
                        fields.push(
                            AdvancedFieldSelector::builder()
                                .field(&f.field)
                                .set_equals(list(&f.equals))
                                .set_not_equals(list(&f.not_equals))
                                .set_starts_with(list(&f.starts_with))
                                .set_not_starts_with(list(&f.not_starts_with))
                                .set_ends_with(list(&f.ends_with))
                                .set_not_ends_with(list(&f.not_ends_with))
                                .build()
                                .map_err(|e| rejected(OPERATION, e))?,
                        );
                    }
                    built.push(
                        AdvancedEventSelector::builder()
                            .set_name(selector.name.clone())
                            .set_field_selectors(Some(fields))
                            .build()
                            .map_err(|e| rejected(OPERATION, e))?,
                    );
                }
                request.set_advanced_event_selectors(Some(built))
            }
        };
        request.send().await.map_err(|error| classify(OPERATION, &error))?;
        Ok(())
    }

    async fn make_multi_region(&self, trail_arn: &str) -> Result<RestoreOutcome, PortError> {
        match self.trail(trail_arn).await? {
            None => Ok(RestoreOutcome::Gone),
            Some(trail) if trail.is_multi_region_trail == Some(true) => Ok(already("multi-Region")),
            Some(_) => {
                self.update_trail(trail_arn, true, false).await?;
                Ok(RestoreOutcome::Restored)
            }
        }
    }

    async fn enable_log_file_validation(&self, trail_arn: &str) -> Result<RestoreOutcome, PortError> {
        match self.trail(trail_arn).await? {
            None => Ok(RestoreOutcome::Gone),
            Some(trail) if trail.log_file_validation_enabled == Some(true) => Ok(already("validating")),
            Some(_) => {
                self.update_trail(trail_arn, false, true).await?;
                Ok(RestoreOutcome::Restored)
            }
        }
    }

    async fn enable_rule(&self, rule_arn: &str) -> Result<RestoreOutcome, PortError> {
        let (bus, name) = rule_path(rule_arn);
        let described = self
            .events
            .describe_rule()
            .name(&name)
            .set_event_bus_name(bus.clone())
            .send()
            .await;
        match described {
            Ok(rule) if rule.state.as_ref().is_some_and(|s| s.as_str() != "DISABLED") => {
                return Ok(already("ENABLED"));
            }
            Ok(_) => {}
            Err(error) if error.code() == Some(NOT_FOUND) => return Ok(RestoreOutcome::Gone),
            Err(error) => return Err(classify("DescribeRule", &error)),
        }
        match self
            .events
            .enable_rule()
            .name(&name)
            .set_event_bus_name(bus)
            .send()
            .await
        {
            Ok(_) => Ok(RestoreOutcome::Restored),
            Err(error) if error.code() == Some(NOT_FOUND) => Ok(RestoreOutcome::Gone),
            Err(error) => Err(classify("EnableRule", &error)),
        }
    }

    async fn remove_concurrency_limit(&self, function_arn: &str) -> Result<RestoreOutcome, PortError> {
        match reserved_concurrency(&self.lambda, function_arn).await? {
            None => return Ok(RestoreOutcome::Gone),
            Some(None) => return Ok(already("no reserved concurrency")),
            Some(Some(_)) => {}
        }
        match self
            .lambda
            .delete_function_concurrency()
            .function_name(function_arn)
            .send()
            .await
        {
            Ok(_) => Ok(RestoreOutcome::Restored),
            Err(error) if error.code() == Some(NOT_FOUND) => Ok(RestoreOutcome::Gone),
            Err(error) => Err(classify("DeleteFunctionConcurrency", &error)),
        }
    }

    async fn function_configuration(&self, function_arn: &str) -> Result<Option<FunctionConfiguration>, PortError> {
        match self
            .lambda
            .get_function_configuration()
            .function_name(function_arn)
            .send()
            .await
        {
            Ok(answer) => {
                let variables = answer.environment.and_then(|e| e.variables).unwrap_or_default();
                Ok(Some(FunctionConfiguration {
                    mode: variables.get(MODE).cloned(),
                    controls: variables.get(CONTROLS).cloned(),
                    last_modified: answer.last_modified,
                }))
            }
            Err(error) if error.code() == Some(NOT_FOUND) => Ok(None),
            Err(error) => Err(classify("GetFunctionConfiguration", &error)),
        }
    }

    async fn cancel_key_deletion(&self, key_arn: &str) -> Result<RestoreOutcome, PortError> {
        use aws_sdk_kms::types::KeyState;
        match self.key_state(key_arn).await? {
            None => Ok(RestoreOutcome::Gone),
            Some(KeyState::PendingDeletion | KeyState::PendingReplicaDeletion) => {
                self.kms
                    .cancel_key_deletion()
                    .key_id(key_arn)
                    .send()
                    .await
                    .map_err(|error| classify("CancelKeyDeletion", &error))?;
                Ok(RestoreOutcome::Restored)
            }
            Some(state) => Ok(already(state.as_str())),
        }
    }

    async fn enable_key(&self, key_arn: &str) -> Result<RestoreOutcome, PortError> {
        use aws_sdk_kms::types::KeyState;
        match self.key_state(key_arn).await? {
            None => Ok(RestoreOutcome::Gone),
            Some(KeyState::Enabled) => Ok(already("Enabled")),
            Some(_) => {
                self.kms
                    .enable_key()
                    .key_id(key_arn)
                    .send()
                    .await
                    .map_err(|error| classify("EnableKey", &error))?;
                Ok(RestoreOutcome::Restored)
            }
        }
    }
}
