//! [`GuardInputsReader`] over CloudTrail, EventBridge, Lambda and SNS: what the audit's self-check
//! judges (`smguard_policy::selfcheck`).

use async_trait::async_trait;
use aws_sdk_eventbridge::error::ProvideErrorMetadata;
use smguard_engine::PortError;
use smguard_engine::ports::{GuardInputs, GuardInputsReader, SelfCheckConfig, TrailReader};
use smguard_policy::selfcheck::{FunctionStatus, RuleStatus, TopicStatus};

use crate::CloudTrailReader;
use crate::error::classify;

/// Reads smguard's inputs in the clients' Region.
#[derive(Debug, Clone)]
pub struct AwsGuardInputs {
    region: String,
    trails: CloudTrailReader,
    events: aws_sdk_eventbridge::Client,
    lambda: aws_sdk_lambda::Client,
    sns: aws_sdk_sns::Client,
    /// The alert topic (`None`: not checked).
    topic_arn: Option<String>,
}

impl AwsGuardInputs {
    pub fn new(sdk: &aws_config::SdkConfig, topic_arn: Option<String>) -> Self {
        AwsGuardInputs {
            region: sdk.region().map(ToString::to_string).unwrap_or_default(),
            trails: CloudTrailReader::new(crate::clients::cloudtrail(sdk)),
            events: crate::clients::eventbridge(sdk),
            lambda: crate::clients::lambda(sdk),
            sns: crate::clients::sns(sdk),
            topic_arn,
        }
    }

    pub const PERMISSIONS: &'static [&'static str] = &[
        "cloudtrail:DescribeTrails",
        "cloudtrail:GetTrailStatus",
        "cloudtrail:GetEventSelectors",
        "events:DescribeRule",
        "events:ListTargetsByRule",
        "lambda:GetFunctionConcurrency",
        "sns:ListSubscriptionsByTopic",
    ];

    async fn rule(&self, arn: &str) -> Result<RuleStatus, PortError> {
        let (bus, name) = crate::guard::rule_path(arn);
        let described = self
            .events
            .describe_rule()
            .name(&name)
            .set_event_bus_name(bus.clone())
            .send()
            .await;
        let described = match described {
            Ok(described) => described,
            Err(error) if error.code() == Some("ResourceNotFoundException") => {
                return Ok(RuleStatus {
                    arn: arn.to_owned(),
                    enabled: None,
                    targets: Vec::new(),
                });
            }
            Err(error) => return Err(classify("DescribeRule", &error)),
        };
        let targets = self
            .events
            .list_targets_by_rule()
            .rule(name)
            .set_event_bus_name(bus)
            .send()
            .await
            .map_err(|error| classify("ListTargetsByRule", &error))?;
        Ok(RuleStatus {
            arn: arn.to_owned(),
            enabled: Some(described.state.as_ref().is_some_and(|s| s.as_str() == "ENABLED")),
            targets: targets.targets().iter().map(|t| t.arn.clone()).collect(),
        })
    }

    async fn function(&self, arn: &str) -> Result<FunctionStatus, PortError> {
        let reserved = crate::guard::reserved_concurrency(&self.lambda, arn).await?;
        Ok(FunctionStatus {
            arn: arn.to_owned(),
            exists: reserved.is_some(),
            reserved_concurrency: reserved.flatten(),
        })
    }

    async fn topic(&self, arn: &str) -> Result<TopicStatus, PortError> {
        let mut status = TopicStatus {
            arn: arn.to_owned(),
            exists: true,
            confirmed_subscriptions: 0,
            pending_subscriptions: 0,
        };
        let mut token: Option<String> = None;
        loop {
            let page = match self
                .sns
                .list_subscriptions_by_topic()
                .topic_arn(arn)
                .set_next_token(token.take())
                .send()
                .await
            {
                Ok(page) => page,
                Err(error) if error.code() == Some("NotFound") => {
                    status.exists = false;
                    return Ok(status);
                }
                Err(error) => return Err(classify("ListSubscriptionsByTopic", &error)),
            };
            for subscription in page.subscriptions() {
                // A pending one's ARN is `PendingConfirmation` (or `Deleted` once removed).
                match subscription.subscription_arn.as_deref() {
                    Some(arn) if arn.starts_with("arn:") => status.confirmed_subscriptions += 1,
                    Some("PendingConfirmation") => status.pending_subscriptions += 1,
                    Some(_) | None => {}
                }
            }
            match page.next_token {
                Some(next) if !next.is_empty() => token = Some(next),
                _ => return Ok(status),
            }
        }
    }
}

#[async_trait]
impl GuardInputsReader for AwsGuardInputs {
    async fn read(&self, config: &SelfCheckConfig) -> Result<GuardInputs, PortError> {
        let mut inputs = GuardInputs {
            region: self.region.clone(),
            trails: self.trails.trails().await?,
            ..GuardInputs::default()
        };
        for arn in &config.rule_arns {
            inputs.rules.push(self.rule(arn).await?);
        }
        for arn in &config.function_arns {
            inputs.functions.push(self.function(arn).await?);
        }
        if let Some(topic) = &self.topic_arn {
            inputs.topic = Some(self.topic(topic).await?);
        }
        Ok(inputs)
    }
}
