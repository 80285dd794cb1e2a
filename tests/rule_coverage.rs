//! Every rule is shown failing and passing by real-shaped events: for every evaluated API the
//! rule applies to, at least one fixture violates it and one satisfies it.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed assertion"
)]

use std::collections::{BTreeMap, BTreeSet};

use smguard_policy::event::{evaluated_api_calls, evaluated_state_changes};
use smguard_policy::kind::api_call;
use smguard_policy::model::Scope;
use smguard_policy::rules::catalogue;
use smguard_policy::s3::WriteCall;
use smguard_policy::{Decision, RuleId, assess};
use smguard_tests::cases;

/// The rules an API's parameters can satisfy or violate. Create calls carry every field of
/// their kind (the rules whose applies-to, derived from the kind table, names it); Update calls
/// only the fields they may change, listed here.
fn applicable_rules(api: &str) -> Vec<RuleId> {
    use RuleId as R;
    let Some((entry, call)) = api_call(api) else {
        panic!("`{api}` is not an evaluated call");
    };
    match api {
        "UpdateNotebookInstance" => vec![R::RootAccessDisabled, R::Imdsv2Required, R::LifecycleConfigApproved],
        "UpdateDomain" => vec![R::VpcRequired, R::OutputKeyRequired, R::ApprovedKey],
        "UpdateTrainingJob" => vec![R::NoRemoteDebug],
        "UpdateCluster" => vec![R::VolumeKeyRequired, R::ApprovedKey],
        "UpdateUserProfile" => vec![R::OutputKeyRequired],
        "UpdateSpace" => vec![R::NoRemoteDebug],
        // Every change of a lifecycle configuration is a finding (an approved script changed, or
        // an unapproved one): the rule has nothing to satisfy there; `events/cases.toml` shows it fail.
        "UpdateNotebookInstanceLifecycleConfig" => Vec::new(),
        // They carry no security field: the described configuration decides (tests/guard.rs).
        "CreateEndpoint" | "UpdateEndpoint" => Vec::new(),
        _ if call.scope == Scope::Change => panic!("`{api}` changes only some fields: list its rules here"),
        _ => catalogue()
            .filter(|rule| rule.applies_to().contains(&entry.kind))
            .map(|rule| rule.id)
            .collect(),
    }
}

/// Decisions of every row (with its settings), by API or detail-type.
fn decisions_by_event_name() -> BTreeMap<String, Vec<(String, Decision)>> {
    let mut by_name: BTreeMap<String, Vec<(String, Decision)>> = BTreeMap::new();
    for case in cases::load() {
        let decision = assess(&case.event(), &case.config());
        let name = decision
            .event
            .event_name
            .clone()
            .or_else(|| decision.event.detail_type.clone())
            .unwrap_or_default();
        by_name.entry(name).or_default().push((case.label(), decision));
    }
    by_name
}

fn fails(decision: &Decision, rule: RuleId) -> bool {
    decision.evaluation.findings.iter().any(|f| f.rule == rule)
}

fn passes(decision: &Decision, rule: RuleId) -> bool {
    decision.evaluation.passed.contains(&rule)
}

#[test]
fn every_rule_and_applicable_api_has_a_violating_and_a_compliant_fixture() {
    let by_name = decisions_by_event_name();
    let mut gaps = Vec::new();
    for api in evaluated_api_calls() {
        let decisions = by_name.get(api).map(Vec::as_slice).unwrap_or_default();
        for rule in applicable_rules(api) {
            if !decisions.iter().any(|(_, d)| fails(d, rule)) {
                gaps.push(format!("{api}: no fixture violates `{rule}`"));
            }
            if !decisions.iter().any(|(_, d)| passes(d, rule)) {
                gaps.push(format!("{api}: no fixture satisfies `{rule}`"));
            }
        }
    }
    assert!(gaps.is_empty(), "missing fixtures:\n{}", gaps.join("\n"));
}

#[test]
fn every_rule_has_a_violating_and_a_compliant_fixture() {
    let all: Vec<Decision> = decisions_by_event_name()
        .into_values()
        .flatten()
        .map(|(_, d)| d)
        .collect();
    for rule in catalogue() {
        assert!(
            all.iter().any(|d| fails(d, rule.id)),
            "no fixture violates `{}`",
            rule.id
        );
        assert!(
            all.iter().any(|d| passes(d, rule.id)),
            "no fixture satisfies `{}`",
            rule.id
        );
    }
}

#[test]
fn every_evaluated_state_change_has_a_compliant_and_a_non_compliant_fixture() {
    let by_name = decisions_by_event_name();
    for detail_type in evaluated_state_changes() {
        let outcomes: BTreeSet<&str> = by_name
            .get(detail_type)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|(_, d)| d.outcome.as_str())
            .collect();
        assert!(outcomes.contains("compliant"), "{detail_type}: no compliant fixture");
        assert!(
            outcomes.contains("non_compliant"),
            "{detail_type}: no non-compliant fixture"
        );
    }
}

#[test]
fn every_rule_applies_to_some_api() {
    let covered: BTreeSet<RuleId> = evaluated_api_calls().into_iter().flat_map(applicable_rules).collect();
    for rule in catalogue().filter(|rule| !rule.judges_writes() && !rule.judges_parts()) {
        assert!(covered.contains(&rule.id), "`{}` applies to no evaluated API", rule.id);
    }
}

/// The rules over S3 writes judge every write call: each is shown violating and satisfying them.
#[test]
fn every_write_rule_and_write_call_has_a_violating_and_a_compliant_fixture() {
    let by_name = decisions_by_event_name();
    let mut gaps = Vec::new();
    for rule in catalogue().filter(|rule| rule.judges_writes()) {
        for call in WriteCall::ALL {
            let decisions = by_name.get(call.as_str()).map(Vec::as_slice).unwrap_or_default();
            if !decisions.iter().any(|(_, d)| fails(d, rule.id)) {
                gaps.push(format!("{call}: no fixture violates `{}`", rule.id));
            }
            if !decisions.iter().any(|(_, d)| passes(d, rule.id)) {
                gaps.push(format!("{call}: no fixture satisfies `{}`", rule.id));
            }
        }
    }
    assert!(gaps.is_empty(), "missing fixtures:\n{}", gaps.join("\n"));
}

/// The trail guard's calls: every call it judges has a fixture; every call that can break a part
/// has one that does and, for the trail rules, one that does not; and every rule over smguard's
/// parts is shown failing and passing.
#[test]
fn every_guarded_call_and_part_rule_has_fixtures() {
    let by_name = decisions_by_event_name();
    let mut by_call: BTreeMap<String, Vec<&Decision>> = BTreeMap::new();
    for (name, decisions) in &by_name {
        let call = smguard_policy::event::unversioned(name).to_owned();
        by_call
            .entry(call)
            .or_default()
            .extend(decisions.iter().map(|(_, d)| d));
    }
    let mut gaps = Vec::new();
    for (_, calls) in smguard_policy::event::GUARD_CALLS {
        for call in *calls {
            let decisions = by_call.get(*call).map(Vec::as_slice).unwrap_or_default();
            if !decisions.iter().any(|d| d.part.is_some()) {
                gaps.push(format!("`{call}`: no fixture names a protected trail or smguard part"));
            }
        }
    }
    for rule in catalogue().filter(|rule| rule.judges_parts()) {
        let decisions: Vec<&Decision> = by_call.values().flatten().copied().collect();
        if !decisions.iter().any(|d| fails(d, rule.id)) {
            gaps.push(format!("no fixture violates `{}`", rule.id));
        }
        if !decisions.iter().any(|d| passes(d, rule.id)) {
            gaps.push(format!("no fixture satisfies `{}`", rule.id));
        }
    }
    assert!(gaps.is_empty(), "missing fixtures:\n{}", gaps.join("\n"));
}
