//! Any bytes as a gzipped export, read as the CLI reads it (every gzip member, bounded), split and
//! decided: a truncated or corrupt stream is an error, never a panic.
#![no_main]

use std::io::Read as _;

#[path = "common.rs"]
mod common;

/// The CLI's bound on a decompressed file, smaller here so that a run spends its time on shapes.
const MAX_BYTES: u64 = 1 << 20;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut text = Vec::new();
    let read = flate2::read::MultiGzDecoder::new(data)
        .take(MAX_BYTES)
        .read_to_end(&mut text);
    if read.is_ok()
        && let Ok(text) = std::str::from_utf8(&text)
        && let Ok(events) = smguard_policy::event::batch::split(text)
    {
        for event in events {
            common::check(&smguard_policy::assess(event, common::config()));
        }
    }
});
