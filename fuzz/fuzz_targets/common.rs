//! What every target checks: the decision on any input is one of the four outcomes and agrees
//! with itself (the invariants `shared/policy/tests/robustness.rs` states for proptest).

use smguard_policy::{Action, Decision, Outcome, PolicyConfig, Settings};

/// `events/fixtures.env`, as the fixtures are judged with.
pub fn config() -> &'static PolicyConfig {
    static CONFIG: std::sync::OnceLock<PolicyConfig> = std::sync::OnceLock::new();
    CONFIG.get_or_init(|| {
        let text = include_str!("../../events/fixtures.env");
        match Settings::parse_env_file(text, "fixtures.env").and_then(|s| PolicyConfig::from_settings(&s)) {
            Ok(config) => config,
            Err(error) => panic!("events/fixtures.env: {error}"),
        }
    })
}

pub fn check(decision: &Decision) {
    match decision.outcome {
        Outcome::Compliant => {
            let subjects = [
                decision.resource.is_some(),
                decision.write.is_some(),
                decision.part.is_some(),
            ];
            assert_eq!(subjects.iter().filter(|s| **s).count(), 1, "one subject");
            assert!(decision.evaluation.findings.is_empty() && decision.evaluation.undetermined.is_empty());
            assert!(decision.response.is_empty());
        }
        Outcome::NonCompliant => {
            assert!(!decision.evaluation.findings.is_empty());
            assert_eq!(decision.response.last(), Some(&Action::Alert));
        }
        Outcome::Unevaluable => {
            assert_eq!(decision.response.last(), Some(&Action::Alert));
            assert!(decision.reason.is_some());
        }
        Outcome::Ignored => {
            assert!(decision.response.is_empty());
            assert!(decision.reason.is_some());
        }
    }
    // The decision's key and plan are total too.
    let _ = decision.ledger_key();
    let _ = decision.alert_due(true);
}
