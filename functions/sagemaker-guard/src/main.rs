//! The `sagemaker-guard` Lambda function: wiring only (see `lib.rs`).

use lambda_runtime::{Error, LambdaEvent, service_fn};
use smguard_sagemaker_guard::{Adapters, GuardConfig, handle};

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    // Read once, at init: a missing or invalid setting stops the function here, naming it.
    let config = GuardConfig::from_env().inspect_err(|error| tracing::error!(%error, "invalid configuration"))?;
    let sdk_config = smguard_aws::load_sdk_config().await;
    let adapters = Adapters::new(&sdk_config, &config);
    let guard = adapters.guard(&config);
    let guard = &guard;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<_>| async move {
        handle(guard, event).await
    }))
    .await
}
