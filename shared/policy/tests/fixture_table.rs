//! Every row of `events/cases.toml` through the policy crate alone: the outcome, failed and
//! undetermined rules and response of every fixture event. Here, in the policy crate's own tests,
//! so that they notice a wrong decision, a wrong trail-guard plan or a wrong reader without the
//! rest of the workspace (what `make mutants` runs against each mutant). `tests/fixtures.rs`
//! checks that every fixture has a row and every row a fixture.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    dead_code,
    reason = "test code: a panic is a failed assertion; the shared table module serves other tests too"
)]

#[path = "../../../tests/support/cases.rs"]
mod cases;

use smguard_policy::assess;

#[test]
fn every_case_gives_its_expected_result() {
    let rows = cases::load();
    assert!(rows.len() > 50, "suspiciously few rows: {}", rows.len());
    let failures: Vec<String> = rows
        .iter()
        .filter_map(|case| case.check(&assess(&case.event(), &case.config())).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} rows differ:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}
