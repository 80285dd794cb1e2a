//! What every smguard Lambda function shares, written once: reading and validating the
//! configuration at init (a bad setting stops the function there, naming it), the SDK
//! configuration, Lambda's JSON logs (`LogFormat: JSON` sets `AWS_LAMBDA_LOG_FORMAT`), mapping
//! failures to Lambda diagnostics, and the invocation loop.
//!
//! A function is a [`Function`]: how it builds its adapters from the settings (only the SDK
//! clients it uses), and how it handles one event. Its `main` is `smguard_runtime::run::<F>()`.

use std::future::Future;
use std::time::{SystemTime, UNIX_EPOCH};

use aws_config::SdkConfig;
pub use lambda_runtime::{Context, Diagnostic, Error};
use lambda_runtime::{LambdaEvent, service_fn};
use serde::Serialize;
use serde::de::DeserializeOwned;
pub use smguard_engine::settings::{ResponseConfig, bucket, count, required};
use smguard_policy::config::{ConfigError, Settings};

/// One smguard Lambda function.
pub trait Function: Sized + Send + Sync + 'static {
    /// The payload, as Lambda delivers it.
    type Event: DeserializeOwned + Send + 'static;
    /// The answer.
    type Output: Serialize + Send + 'static;

    /// Builds the function from its settings, with only the SDK clients it uses.
    fn new(settings: &Settings, sdk: &SdkConfig) -> Result<Self, ConfigError>;

    /// Handles one invocation.
    fn handle(
        &'static self,
        event: Self::Event,
        context: Context,
    ) -> impl Future<Output = Result<Self::Output, Failure>> + Send;
}

/// An invocation that must fail, so that Lambda retries it and finally hands it to the
/// on-failure destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// A stable name (`errorType`).
    pub error_type: &'static str,
    pub message: String,
}

impl Failure {
    pub fn new(error_type: &'static str, error: impl std::fmt::Display) -> Failure {
        Failure {
            error_type,
            message: error.to_string(),
        }
    }
}

impl From<Failure> for Diagnostic {
    fn from(failure: Failure) -> Diagnostic {
        Diagnostic {
            error_type: failure.error_type.to_owned(),
            error_message: failure.message,
        }
    }
}

/// Runs function `F` until Lambda stops the container.
pub async fn run<F: Function>() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let settings = Settings::from_pairs(std::env::vars());
    let sdk = smguard_aws::load_sdk_config().await;
    let function = F::new(&settings, &sdk).inspect_err(|error| tracing::error!(%error, "invalid configuration"))?;
    // Built once per container and kept for its life.
    let function: &'static F = Box::leak(Box::new(function));
    lambda_runtime::run(service_fn(move |event: LambdaEvent<F::Event>| async move {
        function
            .handle(event.payload, event.context)
            .await
            .inspect_err(|failure| {
                tracing::error!(
                    error_type = failure.error_type,
                    error = failure.message,
                    "failed: Lambda will retry the invocation"
                );
            })
    }))
    .await
}

/// The current Unix time in seconds.
pub fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Handles one event on the guard's path with `ports`, as the event-driven functions do: decide,
/// respond, log the decision line. A failure is the invocation's (Lambda retries it).
pub async fn guard_event(
    ports: smguard_engine::Ports<'_>,
    config: &ResponseConfig,
    event: &str,
) -> Result<smguard_engine::Report, Failure> {
    let guard = smguard_engine::Guard {
        ports,
        policy: &config.policy,
        mode: config.mode,
    };
    let report = guard
        .handle(event, unix_now())
        .await
        .map_err(|error| Failure::new(error.error_type(), error))?;
    report.log();
    Ok(report)
}
