//! Throttling, 5xx answers and access denied, through the real SDK retry stack with
//! `aws-smithy-mocks` answering (moto has no error or throttling hook, so these paths cannot be
//! provoked through the emulator).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a panic is a failed assertion"
)]

use std::time::Duration;

use aws_sdk_sagemaker::config::retry::RetryConfig;
use aws_sdk_sagemaker::operation::stop_training_job::StopTrainingJobOutput;
use aws_smithy_mocks::{RuleMode, mock, mock_client};
use smguard_aws::{SageMakerRemediator, SnsNotifier};
use smguard_engine::{Notifier, PortError, Remediator, StopOutcome};
use smguard_policy::{ResourceKind, ResourceRef};

/// The adapters' retry policy (3 attempts), with backoff shortened for the test.
fn retries() -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(smguard_aws::MAX_ATTEMPTS)
        .with_initial_backoff(Duration::from_millis(1))
}

fn job() -> ResourceRef {
    ResourceRef {
        kind: ResourceKind::TrainingJob,
        name: "exfil-train-07".into(),
        arn: None,
        id: None,
    }
}

fn sagemaker_error(code: &str, message: &str) -> Option<String> {
    Some(format!(r#"{{"__type":"{code}","message":"{message}"}}"#))
}

#[tokio::test]
async fn a_5xx_answer_is_retried_until_the_call_succeeds() {
    let rule = mock!(aws_sdk_sagemaker::Client::stop_training_job)
        .sequence()
        .http_status(503, None)
        .times(2)
        .output(|| StopTrainingJobOutput::builder().build())
        .build();
    let client = mock_client!(aws_sdk_sagemaker, RuleMode::Sequential, [&rule], |c| c
        .retry_config(retries()));
    let outcome = SageMakerRemediator::new(client).stop(&job()).await;
    assert_eq!(outcome, Ok(StopOutcome::Stopping));
    assert_eq!(rule.num_calls(), 3);
}

#[tokio::test]
async fn a_persistent_5xx_surfaces_as_retryable_after_three_attempts() {
    let rule = mock!(aws_sdk_sagemaker::Client::stop_training_job)
        .sequence()
        .http_status(500, sagemaker_error("InternalFailure", "try again"))
        .times(5)
        .build();
    let client = mock_client!(aws_sdk_sagemaker, RuleMode::Sequential, [&rule], |c| c
        .retry_config(retries()));
    let error = SageMakerRemediator::new(client).stop(&job()).await.unwrap_err();
    assert!(matches!(error, PortError::Unavailable { .. }), "{error:?}");
    assert!(error.is_retryable());
    assert_eq!(rule.num_calls(), 3);
}

#[tokio::test]
async fn throttling_is_retried_and_then_surfaces_as_retryable() {
    let recovers = mock!(aws_sdk_sagemaker::Client::stop_training_job)
        .sequence()
        .http_status(400, sagemaker_error("ThrottlingException", "Rate exceeded"))
        .times(2)
        .output(|| StopTrainingJobOutput::builder().build())
        .build();
    let client = mock_client!(aws_sdk_sagemaker, RuleMode::Sequential, [&recovers], |c| c
        .retry_config(retries()));
    assert_eq!(
        SageMakerRemediator::new(client).stop(&job()).await,
        Ok(StopOutcome::Stopping)
    );
    assert_eq!(recovers.num_calls(), 3);

    let persists = mock!(aws_sdk_sagemaker::Client::stop_training_job)
        .sequence()
        .http_status(400, sagemaker_error("ThrottlingException", "Rate exceeded"))
        .times(5)
        .build();
    let client = mock_client!(aws_sdk_sagemaker, RuleMode::Sequential, [&persists], |c| c
        .retry_config(retries()));
    let error = SageMakerRemediator::new(client).stop(&job()).await.unwrap_err();
    assert_eq!(
        error,
        PortError::Throttled {
            operation: "StopTrainingJob".into(),
            message: "Rate exceeded".into()
        }
    );
    assert!(error.is_retryable());
    assert_eq!(persists.num_calls(), 3);
}

#[tokio::test]
async fn access_denied_is_never_retried() {
    let rule = mock!(aws_sdk_sagemaker::Client::stop_training_job)
        .sequence()
        .http_status(
            400,
            sagemaker_error(
                "AccessDeniedException",
                "User: arn:aws-us-gov:sts::111122223333:assumed-role/smguard-guard/fn is not authorized to perform: sagemaker:StopTrainingJob",
            ),
        )
        .times(5)
        .build();
    let client = mock_client!(aws_sdk_sagemaker, RuleMode::Sequential, [&rule], |c| c
        .retry_config(retries()));
    let error = SageMakerRemediator::new(client).stop(&job()).await.unwrap_err();
    assert!(error.is_access_denied(), "{error:?}");
    assert!(!error.is_retryable());
    assert_eq!(rule.num_calls(), 1);
}

#[tokio::test]
async fn state_refusals_are_outcomes_not_errors() {
    let cases = [
        (
            "The request was rejected because the training job is in status Completed.",
            StopOutcome::AlreadyStopped {
                status: "Completed".into(),
            },
        ),
        (
            "Could not find training job 'arn:aws-us-gov:sagemaker:us-gov-west-1:1:training-job/x'.",
            StopOutcome::Gone,
        ),
    ];
    for (message, expected) in cases {
        let rule = mock!(aws_sdk_sagemaker::Client::stop_training_job)
            .sequence()
            .http_status(400, sagemaker_error("ValidationException", message))
            .build();
        let client = mock_client!(aws_sdk_sagemaker, RuleMode::Sequential, [&rule], |c| c
            .retry_config(retries()));
        assert_eq!(
            SageMakerRemediator::new(client).stop(&job()).await,
            Ok(expected),
            "{message}"
        );
        assert_eq!(rule.num_calls(), 1);
    }
    let rule = mock!(aws_sdk_sagemaker::Client::stop_training_job)
        .sequence()
        .http_status(
            400,
            sagemaker_error("ValidationException", "1 validation error detected: trainingJobName"),
        )
        .build();
    let client = mock_client!(aws_sdk_sagemaker, RuleMode::Sequential, [&rule], |c| c
        .retry_config(retries()));
    let error = SageMakerRemediator::new(client).stop(&job()).await.unwrap_err();
    assert!(
        matches!(&error, PortError::Rejected { code, .. } if code == "ValidationException"),
        "{error:?}"
    );
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn a_throttled_publish_is_retried() {
    let throttled = "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>";
    let published = "<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>";
    let rule = mock!(aws_sdk_sns::Client::publish)
        .sequence()
        .http_status(400, Some(throttled.to_owned()))
        .http_status(200, Some(published.to_owned()))
        .build();
    let client = mock_client!(aws_sdk_sns, RuleMode::Sequential, [&rule], |c| c.retry_config(
        aws_sdk_sns::config::retry::RetryConfig::standard()
            .with_max_attempts(smguard_aws::MAX_ATTEMPTS)
            .with_initial_backoff(Duration::from_millis(1))
    ));
    let notifier = SnsNotifier::new(client, "arn:aws-us-gov:sns:us-gov-west-1:111122223333:smguard-alerts");
    let alert = smguard_engine::Alert {
        event_id: Some("e".into()),
        outcome: smguard_policy::Outcome::Unevaluable,
        dry_run: false,
        account: None,
        region: None,
        resource: None,
        object: None,
        part: None,
        channel: smguard_policy::AlertChannel::Primary,
        findings: Vec::new(),
        undetermined: Vec::new(),
        reason: Some("`CreateModel` has no `requestParameters`".into()),
        event_name: Some("CreateModel".into()),
        event_time: None,
        principal: None,
        source_ip: None,
        actions: Vec::new(),
    };
    assert_eq!(notifier.notify(&alert).await, Ok(()));
    assert_eq!(rule.num_calls(), 2);
}
