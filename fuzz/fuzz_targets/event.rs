//! Any text as one event (EventBridge envelope, CloudTrail record, state change, S3 data event,
//! a trail-guard call): read, evaluated and planned without panicking, decided consistently.
#![no_main]

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        common::check(&smguard_policy::assess(text, common::config()));
    }
});
