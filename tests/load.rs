//! The load run through the real `sagemaker-guard` binary (debug build, as `make test` builds
//! it), at CI's size: 600 events, 10 % of them duplicates, shuffled, to 8 processes at once, with
//! 2 % of the function's AWS calls failing. Every insecure resource must be contained exactly
//! once, every alert published exactly once and no event lost (`support/load.rs` says how each is
//! checked). `make bench-load` runs the same at 2,000 events (about 6 minutes here) with its
//! figures.

#![allow(clippy::print_stdout, reason = "the run's figures go to the test log")]

use smguard_tests::emulator::Emulator;
use smguard_tests::load::{LoadOptions, run};

#[tokio::test]
async fn a_burst_with_faults_contains_and_alerts_each_violation_once_and_loses_nothing() {
    let emulator = Emulator::shared();
    let options = LoadOptions {
        events: 600,
        ..LoadOptions::default()
    };
    let report = run(emulator, &options).await;
    println!("{}\n{}", report.details(), report.line());
    assert!(report.sound(), "{report:#?}");
}
