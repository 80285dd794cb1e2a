//! Parse + normalize + evaluate + plan of one event, as a Lambda does on every invocation.
//!
//! `cargo bench -p smguard-policy --bench evaluate`. criterion reports the time per event and,
//! through `Throughput::Elements`, events per second on one core. Each event is measured as stored
//! in `events/` (pretty-printed) and compact, as EventBridge delivers it. The README records the
//! figures.

#![allow(
    clippy::expect_used,
    reason = "benchmark setup: a broken fixture stops the benchmark"
)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use smguard_policy::{Outcome, PolicyConfig, Settings, assess};

const EVENTS: [(&str, &str); 3] = [
    (
        "CreateTrainingJob non-compliant",
        include_str!("../../../events/cloudtrail/sagemaker/create-training-job.no-vpc-no-keys.json"),
    ),
    (
        "CreateTrainingJob compliant",
        include_str!("../../../events/cloudtrail/sagemaker/create-training-job.compliant.json"),
    ),
    (
        "Notebook Instance State Change",
        include_str!("../../../events/native/notebook-instance.in-service.direct-internet.json"),
    ),
];
const FIXTURE_SETTINGS: &str = include_str!("../../../events/fixtures.env");

/// Removes the whitespace between tokens, keeping key order (EventBridge writes `detail-type`
/// before `detail`, which the one-pass reader relies on).
fn compact(text: &str) -> String {
    let (mut out, mut in_string, mut escaped) = (String::with_capacity(text.len()), false, false);
    for c in text.chars() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let settings = Settings::parse_env_file(FIXTURE_SETTINGS, "fixtures.env").expect("fixture settings");
    let config = PolicyConfig::from_settings(&settings).expect("fixture config");
    let mut group = c.benchmark_group("assess");
    group.throughput(Throughput::Elements(1));
    for (name, event) in EVENTS {
        let delivered = compact(event);
        // What is measured must be what the fixture table expects, in both forms.
        let expected = assess(event, &config).outcome;
        assert_eq!(assess(&delivered, &config).outcome, expected);
        assert_ne!(expected, Outcome::Unevaluable, "{name}");
        group.bench_function(format!("{name} (as stored)"), |b| {
            b.iter(|| assess(black_box(event), &config))
        });
        group.bench_function(format!("{name} (compact)"), |b| {
            b.iter(|| assess(black_box(&delivered), &config))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
