//! Any text as a file of events (one event, a JSON array, JSON lines, a CloudTrail log file):
//! split, then each event decided.
#![no_main]

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(events) = smguard_policy::event::batch::split(text)
    {
        for event in events {
            common::check(&smguard_policy::assess(event, common::config()));
        }
    }
});
