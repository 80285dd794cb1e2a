//! The `trail-guard` Lambda function (see `lib.rs`).

#[tokio::main]
async fn main() -> Result<(), smguard_runtime::Error> {
    smguard_runtime::run::<smguard_trail_guard::TrailGuard>().await
}
