//! Every fixture event has a row in `events/cases.toml` and every row an event. That each row holds is
//! the policy crate's own test (`shared/policy/tests/fixture_table.rs`), on the same table.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed assertion"
)]

use std::collections::BTreeSet;

use smguard_tests::cases::{self, events_dir, events_in, fixture_files};

#[test]
fn every_fixture_event_has_a_row_and_every_row_an_event() {
    let rows = cases::load();
    let covered: BTreeSet<(String, usize)> = rows.iter().map(|c| (c.file.clone(), c.index)).collect();
    let mut events = BTreeSet::new();
    for file in fixture_files() {
        let count = events_in(&events_dir().join(&file)).len();
        assert!(count > 0, "{file} holds no event");
        for index in 0..count {
            events.insert((file.clone(), index));
        }
    }
    let missing: Vec<_> = events.difference(&covered).collect();
    let stray: Vec<_> = covered.difference(&events).collect();
    assert!(missing.is_empty(), "events without a row in cases.toml: {missing:?}");
    assert!(stray.is_empty(), "rows naming no event: {stray:?}");
}

#[test]
fn the_same_event_with_the_same_settings_has_one_row() {
    let mut seen = BTreeSet::new();
    for case in cases::load() {
        assert!(seen.insert(case.label()), "duplicate row {}", case.label());
    }
}
