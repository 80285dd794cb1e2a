//! Test support shared by smguard's test suites: the fixture table (`events/cases.toml`).
//!
//! A broken fixture or table must fail the test that uses it, loudly.
#![allow(
    clippy::expect_used,
    clippy::panic,
    reason = "test support: a broken fixture fails the test"
)]

pub mod cases;
