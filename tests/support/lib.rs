//! Test support shared by smguard's test suites: the fixture table (`events/cases.toml`) and the
//! AWS API emulator harness, the estate it creates and the deployed function.
//!
//! A broken fixture or table must fail the test that uses it, loudly.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test support: a broken fixture or emulator fails the test"
)]

pub mod cases;
pub mod emulator;
pub mod estate;
pub mod lambda;
pub mod load;
pub mod runtime_api;
pub mod stage;
pub mod trails;
pub mod uploads;
