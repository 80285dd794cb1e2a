//! SDK configuration and clients.

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::http::SharedHttpClient;

/// Attempts per call, including the first: throttling and 5xx answers are retried with the SDK's
/// exponential backoff and jitter before they surface as a retryable [`crate::PortError`].
pub const MAX_ATTEMPTS: u32 = 3;

/// Attempts per call of a sweep (adaptive retry): a throttled describe among thousands waits
/// and tries again rather than leaving its resource unevaluable.
pub const SWEEP_MAX_ATTEMPTS: u32 = 6;

/// How long one attempt of a call may take before the SDK gives up on it and retries (a
/// timed-out attempt is retried as a transient failure): without it, an answer that never comes
/// holds the invocation until Lambda's own timeout, with nothing retried or said. Generous for
/// every call smguard makes (the largest is an audit report's `PutObject`).
pub const ATTEMPT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

/// How long a connection may take to open.
pub const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// The adapters' timeouts: [`CONNECT_TIMEOUT`] and [`ATTEMPT_TIMEOUT`].
pub fn timeout_config() -> aws_config::timeout::TimeoutConfig {
    aws_config::timeout::TimeoutConfig::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .operation_attempt_timeout(ATTEMPT_TIMEOUT)
        .build()
}

/// The one HTTP client: rustls with the ring provider (no aws-lc C build, no second TLS stack).
/// It also speaks plain `http://`, which the test emulator uses.
pub fn http_client() -> SharedHttpClient {
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
        .build_https()
}

/// The adapters' retry policy: standard mode (exponential backoff with jitter), [`MAX_ATTEMPTS`].
pub fn retry_config() -> RetryConfig {
    RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS)
}

/// The environment's configuration (credential chain, Region, `AWS_ENDPOINT_URL`), with the one
/// HTTP client, the adapters' retry policy and their timeouts.
pub async fn load_sdk_config() -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .http_client(http_client())
        .retry_config(retry_config())
        .timeout_config(timeout_config())
        .load()
        .await
}

/// The SDK clients the adapters take, one constructor per service: a function builds only the
/// clients its adapters use (each costs start-up time and memory in every Lambda container).
pub mod clients {
    use aws_config::SdkConfig;

    pub fn sagemaker(config: &SdkConfig) -> aws_sdk_sagemaker::Client {
        aws_sdk_sagemaker::Client::new(config)
    }

    /// For sweeps (the audit): the SDK's adaptive retry, which also slows the client's own
    /// request rate when SageMaker throttles, with more attempts than a single event's calls.
    pub fn sagemaker_adaptive(config: &SdkConfig) -> aws_sdk_sagemaker::Client {
        let retry = aws_config::retry::RetryConfig::adaptive().with_max_attempts(super::SWEEP_MAX_ATTEMPTS);
        aws_sdk_sagemaker::Client::from_conf(
            aws_sdk_sagemaker::config::Builder::from(config)
                .retry_config(retry)
                .build(),
        )
    }

    pub fn sns(config: &SdkConfig) -> aws_sdk_sns::Client {
        aws_sdk_sns::Client::new(config)
    }

    pub fn s3(config: &SdkConfig) -> aws_sdk_s3::Client {
        aws_sdk_s3::Client::new(config)
    }

    pub fn cloudtrail(config: &SdkConfig) -> aws_sdk_cloudtrail::Client {
        aws_sdk_cloudtrail::Client::new(config)
    }

    pub fn eventbridge(config: &SdkConfig) -> aws_sdk_eventbridge::Client {
        aws_sdk_eventbridge::Client::new(config)
    }

    pub fn lambda(config: &SdkConfig) -> aws_sdk_lambda::Client {
        aws_sdk_lambda::Client::new(config)
    }

    pub fn iam(config: &SdkConfig) -> aws_sdk_iam::Client {
        aws_sdk_iam::Client::new(config)
    }

    pub fn kms(config: &SdkConfig) -> aws_sdk_kms::Client {
        aws_sdk_kms::Client::new(config)
    }
}
