//! The self-check: what smguard depends on, judged as the rules judge SageMaker resources. Pure:
//! the audit reads the inputs (trails, smguard's EventBridge rules, functions and alert topic)
//! through a port and these functions say what is wrong.
//!
//! - `guard.trail-logging`: a trail in the Region is logging (EventBridge receives "AWS API Call
//!   via CloudTrail" events only while one does).
//! - `guard.trail-multi-region`: a logging trail is multi-Region.
//! - `guard.trail-management-events`: a logging trail records management write events.
//! - `guard.trail-s3-data-events`: a logging trail records S3 object write data events on every
//!   bucket (a selector narrowed to some buckets misses uploads elsewhere).
//! - `guard.rule-enabled`: each of smguard's EventBridge rules exists, is enabled, and targets one
//!   of smguard's functions.
//! - `guard.function-concurrency`: no smguard function is missing or throttled to zero
//!   (reserved concurrency 0).
//! - `guard.alert-subscription`: the alert topic exists and has a confirmed subscription.

use serde::{Deserialize, Serialize};

use crate::config::PolicyConfig;
use crate::config::{ConfigError, GUARD_FUNCTION_ARNS, GUARD_RULE_ARNS, Settings};
use crate::integrity::{FunctionState, GuardPart, PartState, RuleState, TopicState, TrailState};
use crate::s3::RolePattern;

/// Every check, with what it asks.
pub const CHECKS: &[(&str, &str)] = &[
    ("guard.trail-logging", "a trail in the Region is logging"),
    ("guard.trail-multi-region", "a logging trail is multi-Region"),
    (
        "guard.trail-management-events",
        "a logging trail records management write events",
    ),
    (
        "guard.trail-s3-data-events",
        "a logging trail records S3 object write data events on every bucket",
    ),
    (
        "guard.rule-enabled",
        "smguard's EventBridge rules exist, are enabled and target its functions",
    ),
    (
        "guard.function-concurrency",
        "no smguard function is missing or has reserved concurrency 0",
    ),
    (
        "guard.alert-subscription",
        "the alert topic has a confirmed subscription",
    ),
];

/// One CloudTrail trail as it is now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrailStatus {
    pub name: String,
    pub arn: Option<String>,
    pub home_region: Option<String>,
    pub is_logging: bool,
    pub is_multi_region: bool,
    pub selectors: TrailSelectors,
}

/// What a trail records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "selectors", rename_all = "snake_case")]
pub enum TrailSelectors {
    Basic(Vec<BasicSelector>),
    Advanced(Vec<AdvancedSelector>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BasicSelector {
    /// `All`, `ReadOnly` or `WriteOnly` (absent: `All`).
    pub read_write_type: Option<String>,
    /// Absent: `true`.
    pub include_management_events: Option<bool>,
    /// (`AWS::S3::Object`, values).
    pub data_resources: Vec<(String, Vec<String>)>,
    /// Event sources whose management events are not recorded (`kms.amazonaws.com`).
    #[serde(default)]
    pub exclude_management_event_sources: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdvancedSelector {
    pub name: Option<String>,
    pub field_selectors: Vec<FieldSelector>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FieldSelector {
    pub field: String,
    pub equals: Vec<String>,
    pub not_equals: Vec<String>,
    pub starts_with: Vec<String>,
    pub not_starts_with: Vec<String>,
    pub ends_with: Vec<String>,
    pub not_ends_with: Vec<String>,
}

/// One of smguard's EventBridge rules as it is now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleStatus {
    pub arn: String,
    /// `None` when the rule does not exist.
    pub enabled: Option<bool>,
    /// The ARNs of its targets.
    pub targets: Vec<String>,
}

/// One of smguard's functions as it is now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionStatus {
    pub arn: String,
    pub exists: bool,
    /// `None`: no reserved concurrency (the account's unreserved pool).
    pub reserved_concurrency: Option<i32>,
}

/// The alert topic as it is now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicStatus {
    pub arn: String,
    pub exists: bool,
    pub confirmed_subscriptions: usize,
    pub pending_subscriptions: usize,
}

/// Everything the self-check judges.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuardInputs {
    pub region: String,
    pub trails: Vec<TrailStatus>,
    pub rules: Vec<RuleStatus>,
    pub functions: Vec<FunctionStatus>,
    pub topic: Option<TopicStatus>,
}

/// What the self-check is told to look at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SelfCheckConfig {
    pub rule_arns: Vec<String>,
    pub function_arns: Vec<String>,
    /// The SageMaker execution roles: an S3 data-event selector may be scoped to their sessions.
    pub sagemaker_roles: Vec<RolePattern>,
}

impl SelfCheckConfig {
    /// Reads [`GUARD_RULE_ARNS`] and [`GUARD_FUNCTION_ARNS`]: EventBridge rule and Lambda
    /// function ARNs (unset: those checks are not made).
    pub fn from_settings(settings: &Settings) -> Result<SelfCheckConfig, ConfigError> {
        let arns = |key: &str, service: &str, prefix: &str, what: &str| {
            crate::config::arn_list(settings, key, service, prefix, what)
        };
        Ok(SelfCheckConfig {
            rule_arns: arns(GUARD_RULE_ARNS, "events", "rule/", "an EventBridge rule")?,
            function_arns: arns(GUARD_FUNCTION_ARNS, "lambda", "function:", "a Lambda function")?,
            sagemaker_roles: crate::config::sagemaker_roles(settings)?,
        })
    }
}

/// A problem with one of smguard's inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuardFinding {
    pub check: String,
    /// What it is about (a trail, a rule, a function, the topic, or the Region).
    pub subject: String,
    pub reason: String,
}

fn finding(check: &str, subject: &str, reason: String) -> GuardFinding {
    GuardFinding {
        check: check.to_owned(),
        subject: subject.to_owned(),
        reason,
    }
}

/// Every problem with `inputs`, check by check.
pub fn check(inputs: &GuardInputs, config: &SelfCheckConfig) -> Vec<GuardFinding> {
    let mut findings = Vec::new();
    // Each of smguard's parts, as described, is judged by the trail guard's rules: one
    // evaluation path for a call that changed a part and for the part as it is now.
    let mut policy = PolicyConfig::default();
    policy.sagemaker_roles.clone_from(&config.sagemaker_roles);
    check_trails(inputs, config, &policy, &mut findings);
    // `detail`: what the description adds to the reason of a finding on that field.
    let mut judge = |check: &str, arn: &str, state: PartState, detail: Option<(&str, String)>| {
        let part = described(arn, state);
        for found in crate::rules::evaluate_part(&part, &policy).findings {
            let reason = match &detail {
                Some((field, detail)) if found.field == *field => format!("{} ({detail})", found.reason),
                _ => found.reason,
            };
            findings.push(finding(check, arn, reason));
        }
    };
    for arn in &config.rule_arns {
        let rule = inputs.rules.iter().find(|r| &r.arn == arn);
        let state = match rule {
            None | Some(RuleStatus { enabled: None, .. }) => RuleState {
                exists: Some(false),
                ..RuleState::default()
            },
            Some(rule) => RuleState {
                exists: Some(true),
                enabled: rule.enabled,
                targets_guard: Some(
                    rule.targets
                        .iter()
                        .any(|t| config.function_arns.iter().any(|f| same_function(t, f))),
                ),
                ..RuleState::default()
            },
        };
        let detail = rule.map(|r| ("Targets", format!("targets: {}", list(&r.targets))));
        judge("guard.rule-enabled", arn, PartState::Rule(state), detail);
    }
    for arn in &config.function_arns {
        let function = inputs.functions.iter().find(|f| &f.arn == arn);
        let state = match function {
            None | Some(FunctionStatus { exists: false, .. }) => FunctionState {
                exists: Some(false),
                ..FunctionState::default()
            },
            Some(function) => FunctionState {
                exists: Some(true),
                reserved_concurrency: function.reserved_concurrency.map(i64::from),
                replaced: None,
            },
        };
        judge("guard.function-concurrency", arn, PartState::Function(state), None);
    }
    if let Some(topic) = &inputs.topic {
        let state = TopicState {
            exists: Some(topic.exists),
            confirmed_subscriptions: topic.exists.then_some(topic.confirmed_subscriptions),
            ..TopicState::default()
        };
        let pending = ("Subscriptions", format!("{} pending", topic.pending_subscriptions));
        judge(
            "guard.alert-subscription",
            &topic.arn,
            PartState::Topic(state),
            Some(pending),
        );
    }
    findings
}

/// One of smguard's parts as the self-check described it.
fn described(arn: &str, state: PartState) -> GuardPart {
    GuardPart {
        arn: arn.to_owned(),
        call: None,
        state,
        location: crate::model::Location::from_arn(arn),
        caller: None,
    }
}

/// A rule's target is the function's ARN, or a version or alias of it.
fn same_function(target: &str, function: &str) -> bool {
    target == function || target.strip_prefix(function).is_some_and(|rest| rest.starts_with(':'))
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}

fn check_trails(
    inputs: &GuardInputs,
    config: &SelfCheckConfig,
    policy: &PolicyConfig,
    findings: &mut Vec<GuardFinding>,
) {
    let region = inputs.region.as_str();
    // A stopped trail is someone's decision to stop recording: always worth a look. Judged by
    // the trail guard's `trail.logging-required`, as a `StopLogging` call is.
    for stopped in inputs.trails.iter().filter(|t| !t.is_logging) {
        let arn = stopped.arn.clone().unwrap_or_else(|| stopped.name.clone());
        let part = described(
            &arn,
            PartState::Trail(TrailState {
                logging: Some(false),
                ..TrailState::default()
            }),
        );
        for found in crate::rules::evaluate_part(&part, policy).findings {
            findings.push(finding("guard.trail-logging", &arn, found.reason));
        }
    }
    let logging: Vec<&TrailStatus> = inputs.trails.iter().filter(|t| t.is_logging).collect();
    if logging.is_empty() {
        findings.push(finding(
            "guard.trail-logging",
            region,
            format!("no trail logs in {region}: EventBridge receives no API call and smguard sees nothing"),
        ));
        return;
    }
    let names = |trails: &[&TrailStatus]| {
        trails
            .iter()
            .map(|t| format!("`{}`", t.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !logging.iter().any(|t| t.is_multi_region) {
        findings.push(finding(
            "guard.trail-multi-region",
            region,
            format!(
                "no logging trail is multi-Region ({}): calls in other Regions go unseen",
                names(&logging)
            ),
        ));
    }
    if !logging.iter().any(|t| records_management_writes(&t.selectors)) {
        findings.push(finding(
            "guard.trail-management-events",
            region,
            format!("no logging trail records management write events ({})", names(&logging)),
        ));
    }
    if !logging
        .iter()
        .any(|t| records_s3_object_writes_of(&t.selectors, &config.sagemaker_roles))
    {
        findings.push(finding(
            "guard.trail-s3-data-events",
            region,
            format!(
                "no logging trail records S3 object write data events on every bucket ({}): uploads go unseen",
                names(&logging)
            ),
        ));
    }
}

fn writes(read_write_type: Option<&str>) -> bool {
    matches!(read_write_type, None | Some("All" | "WriteOnly"))
}

/// Whether the selectors record management write events.
pub fn records_management_writes(selectors: &TrailSelectors) -> bool {
    match selectors {
        // No selector at all is CloudTrail's default: every management event.
        TrailSelectors::Basic(basic) if basic.is_empty() => true,
        TrailSelectors::Basic(basic) => basic.iter().any(|s| {
            s.include_management_events != Some(false)
                && writes(s.read_write_type.as_deref())
                && s.exclude_management_event_sources.is_empty()
        }),
        TrailSelectors::Advanced(advanced) => advanced.iter().any(|selector| {
            let category = field(selector, "eventCategory");
            category.is_some_and(|c| c.equals.iter().any(|v| v == "Management") && c.not_equals.is_empty())
                && !reads_only(selector)
                && selector
                    .field_selectors
                    .iter()
                    .all(|f| matches!(f.field.as_str(), "eventCategory" | "readOnly"))
        }),
    }
}

/// Whether the selectors record S3 object write data events on every bucket: a basic selector
/// with `AWS::S3::Object` values naming every bucket (`arn:<partition>:s3`, or the legacy
/// `arn:<partition>:s3:::`), or an advanced selector on `Data` events of `AWS::S3::Object`, not
/// read-only, narrowed by nothing but the caller (`userIdentity.arn`), and by the caller only to
/// prefixes that keep every session of the SageMaker execution roles `roles`.
pub fn records_s3_object_writes_of(selectors: &TrailSelectors, roles: &[RolePattern]) -> bool {
    match selectors {
        TrailSelectors::Basic(basic) => basic.iter().any(|s| {
            writes(s.read_write_type.as_deref())
                && s.data_resources
                    .iter()
                    .any(|(kind, values)| kind == "AWS::S3::Object" && values.iter().any(|v| every_bucket(v)))
        }),
        TrailSelectors::Advanced(advanced) => advanced.iter().any(|selector| {
            let category = field(selector, "eventCategory").is_some_and(|c| c.equals.iter().any(|v| v == "Data"));
            let objects =
                field(selector, "resources.type").is_some_and(|t| t.equals.iter().any(|v| v == "AWS::S3::Object"));
            category
                && objects
                && !reads_only(selector)
                && selector.field_selectors.iter().all(|f| match f.field.as_str() {
                    "eventCategory" | "resources.type" | "readOnly" => true,
                    "userIdentity.arn" => keeps_role_sessions(f, roles),
                    _ => false,
                })
        }),
    }
}

/// Whether a `userIdentity.arn` field selector still records every session of `roles`: it only
/// narrows with `StartsWith`, and each role's sessions start with one of its prefixes.
fn keeps_role_sessions(selector: &FieldSelector, roles: &[RolePattern]) -> bool {
    let only_prefixes = selector.equals.is_empty()
        && selector.not_equals.is_empty()
        && selector.not_starts_with.is_empty()
        && selector.ends_with.is_empty()
        && selector.not_ends_with.is_empty();
    only_prefixes
        && !roles.is_empty()
        && roles.iter().all(|role| {
            let sessions = role.session_prefix();
            selector
                .starts_with
                .iter()
                .any(|prefix| sessions.starts_with(prefix.as_str()))
        })
}

fn every_bucket(value: &str) -> bool {
    let Some(rest) = value.strip_prefix("arn:") else {
        return false;
    };
    let Some((partition, rest)) = rest.split_once(':') else {
        return false;
    };
    !partition.is_empty() && matches!(rest, "s3" | "s3:::")
}

fn field<'a>(selector: &'a AdvancedSelector, name: &str) -> Option<&'a FieldSelector> {
    selector.field_selectors.iter().find(|f| f.field == name)
}

/// `readOnly` equals `true`: reads only.
fn reads_only(selector: &AdvancedSelector) -> bool {
    field(selector, "readOnly").is_some_and(|r| r.equals.iter().any(|v| v == "true"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trail(name: &str, logging: bool, multi: bool, selectors: TrailSelectors) -> TrailStatus {
        TrailStatus {
            name: name.to_owned(),
            arn: None,
            home_region: Some("us-gov-west-1".to_owned()),
            is_logging: logging,
            is_multi_region: multi,
            selectors,
        }
    }

    fn basic(rw: &str, management: bool, s3: &[&str]) -> TrailSelectors {
        TrailSelectors::Basic(vec![BasicSelector {
            read_write_type: Some(rw.to_owned()),
            include_management_events: Some(management),
            data_resources: if s3.is_empty() {
                Vec::new()
            } else {
                vec![(
                    "AWS::S3::Object".to_owned(),
                    s3.iter().map(|v| (*v).to_owned()).collect(),
                )]
            },
            exclude_management_event_sources: Vec::new(),
        }])
    }

    fn fields(pairs: &[(&str, &[&str])]) -> AdvancedSelector {
        AdvancedSelector {
            name: None,
            field_selectors: pairs
                .iter()
                .map(|(field, equals)| FieldSelector {
                    field: (*field).to_owned(),
                    equals: equals.iter().map(|v| (*v).to_owned()).collect(),
                    ..FieldSelector::default()
                })
                .collect(),
        }
    }

    fn checks(inputs: &GuardInputs, config: &SelfCheckConfig) -> Vec<String> {
        check(inputs, config).into_iter().map(|f| f.check).collect()
    }

    fn region(trails: Vec<TrailStatus>) -> GuardInputs {
        GuardInputs {
            region: "us-gov-west-1".to_owned(),
            trails,
            ..GuardInputs::default()
        }
    }

    #[test]
    fn a_logging_multi_region_trail_with_management_and_s3_writes_passes() {
        let good = trail("org", true, true, basic("All", true, &["arn:aws-us-gov:s3"]));
        assert!(check(&region(vec![good]), &SelfCheckConfig::default()).is_empty());
        let advanced = TrailSelectors::Advanced(vec![
            fields(&[("eventCategory", &["Management"])]),
            fields(&[("eventCategory", &["Data"]), ("resources.type", &["AWS::S3::Object"])]),
        ]);
        assert!(
            check(
                &region(vec![trail("org", true, true, advanced)]),
                &SelfCheckConfig::default()
            )
            .is_empty()
        );
    }

    #[test]
    fn a_stopped_trail_a_single_region_trail_and_missing_selectors_are_found() {
        let stopped = trail("org", false, true, basic("All", true, &["arn:aws-us-gov:s3"]));
        let found = check(&region(vec![stopped.clone()]), &SelfCheckConfig::default());
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(
            found[0].reason.starts_with("trail `org` is not logging"),
            "{}",
            found[0].reason
        );
        assert!(
            found[1].reason.starts_with("no trail logs in us-gov-west-1"),
            "{}",
            found[1].reason
        );
        let logging = trail("local", true, true, basic("All", true, &["arn:aws-us-gov:s3"]));
        assert_eq!(
            checks(&region(vec![stopped, logging]), &SelfCheckConfig::default()),
            ["guard.trail-logging"],
            "another trail logging does not excuse a stopped one"
        );
        assert_eq!(
            checks(&region(Vec::new()), &SelfCheckConfig::default()),
            ["guard.trail-logging"]
        );
        let local = trail("local", true, false, basic("ReadOnly", true, &[]));
        assert_eq!(
            checks(&region(vec![local]), &SelfCheckConfig::default()),
            [
                "guard.trail-multi-region",
                "guard.trail-management-events",
                "guard.trail-s3-data-events"
            ]
        );
    }

    #[test]
    fn s3_selectors_narrowed_to_some_buckets_or_reads_do_not_count() {
        let one_bucket = basic("All", true, &["arn:aws-us-gov:s3:::model-output/"]);
        assert!(!records_s3_object_writes_of(&one_bucket, &[]));
        assert!(records_s3_object_writes_of(
            &basic("WriteOnly", true, &["arn:aws-us-gov:s3:::"]),
            &[]
        ));
        assert!(!records_s3_object_writes_of(
            &basic("ReadOnly", true, &["arn:aws-us-gov:s3"]),
            &[]
        ));
        let narrowed = TrailSelectors::Advanced(vec![fields(&[
            ("eventCategory", &["Data"]),
            ("resources.type", &["AWS::S3::Object"]),
            ("resources.ARN", &["arn:aws-us-gov:s3:::model-output/"]),
        ])]);
        assert!(!records_s3_object_writes_of(&narrowed, &[]));
        let reads = TrailSelectors::Advanced(vec![fields(&[
            ("eventCategory", &["Data"]),
            ("resources.type", &["AWS::S3::Object"]),
            ("readOnly", &["true"]),
        ])]);
        assert!(!records_s3_object_writes_of(&reads, &[]));
        let ml = [RolePattern::parse("arn:aws-us-gov:iam::111122223333:role/service-role/ml-*").unwrap()];
        let scoped = |prefix: &str| {
            TrailSelectors::Advanced(vec![AdvancedSelector {
                name: None,
                field_selectors: vec![
                    FieldSelector {
                        field: "eventCategory".to_owned(),
                        equals: vec!["Data".to_owned()],
                        ..FieldSelector::default()
                    },
                    FieldSelector {
                        field: "resources.type".to_owned(),
                        equals: vec!["AWS::S3::Object".to_owned()],
                        ..FieldSelector::default()
                    },
                    FieldSelector {
                        field: "userIdentity.arn".to_owned(),
                        starts_with: vec![prefix.to_owned()],
                        ..FieldSelector::default()
                    },
                ],
            }])
        };
        assert!(
            records_s3_object_writes_of(&scoped("arn:aws-us-gov:sts::111122223333:assumed-role/ml-"), &ml),
            "scoped to the SageMaker roles' sessions"
        );
        assert!(
            !records_s3_object_writes_of(&scoped("arn:aws-us-gov:sts::111122223333:assumed-role/ml-a/"), &ml),
            "scoped to one of them only"
        );
        assert!(
            !records_s3_object_writes_of(&scoped("arn:aws-us-gov:sts::111122223333:assumed-role/"), &[]),
            "no SageMaker roles configured: any scoping narrows"
        );
        assert!(
            records_management_writes(&TrailSelectors::Basic(Vec::new())),
            "CloudTrail's default"
        );
    }

    #[test]
    fn rules_functions_and_the_topic_are_checked_against_what_smguard_deploys() {
        let function = "arn:aws-us-gov:lambda:us-gov-west-1:111122223333:function:smguard-sagemaker-guard";
        let config = SelfCheckConfig {
            rule_arns: vec![
                "arn:aws-us-gov:events:us-gov-west-1:111122223333:rule/calls".to_owned(),
                "arn:aws-us-gov:events:us-gov-west-1:111122223333:rule/states".to_owned(),
                "arn:aws-us-gov:events:us-gov-west-1:111122223333:rule/gone".to_owned(),
                "arn:aws-us-gov:events:us-gov-west-1:111122223333:rule/elsewhere".to_owned(),
            ],
            function_arns: vec![function.to_owned()],
            sagemaker_roles: Vec::new(),
        };
        let rule = |name: &str, enabled: Option<bool>, target: &str| RuleStatus {
            arn: format!("arn:aws-us-gov:events:us-gov-west-1:111122223333:rule/{name}"),
            enabled,
            targets: vec![target.to_owned()],
        };
        let mut inputs = region(vec![trail(
            "org",
            true,
            true,
            basic("All", true, &["arn:aws-us-gov:s3"]),
        )]);
        inputs.rules = vec![
            rule("calls", Some(true), &format!("{function}:live")),
            rule("states", Some(false), function),
            rule("gone", None, function),
            rule(
                "elsewhere",
                Some(true),
                "arn:aws-us-gov:sqs:us-gov-west-1:111122223333:q",
            ),
        ];
        inputs.functions = vec![FunctionStatus {
            arn: function.to_owned(),
            exists: true,
            reserved_concurrency: Some(0),
        }];
        inputs.topic = Some(TopicStatus {
            arn: "arn:aws-us-gov:sns:us-gov-west-1:111122223333:smguard-alerts".to_owned(),
            exists: true,
            confirmed_subscriptions: 0,
            pending_subscriptions: 1,
        });
        let found = check(&inputs, &config);
        let reasons: Vec<&str> = found.iter().map(|f| f.reason.as_str()).collect();
        assert_eq!(found.len(), 5, "{reasons:#?}");
        assert_eq!(
            reasons,
            [
                "smguard's rule `states` is disabled: no event reaches its function",
                "smguard's rule `gone` does not exist (deleted): no event reaches its function",
                "smguard's rule `elsewhere` targets none of smguard's functions (targets: \
                 arn:aws-us-gov:sqs:us-gov-west-1:111122223333:q)",
                "smguard's function `smguard-sagemaker-guard` has reserved concurrency 0: every invocation is throttled",
                "smguard's alert topic `smguard-alerts` has no confirmed subscription: alerts reach no one (1 pending)",
            ],
            "the trail guard's rules, on the parts as described"
        );
        inputs.functions[0].reserved_concurrency = Some(5);
        assert_eq!(check(&inputs, &config).len(), 4, "a non-zero limit is fine");
    }

    #[test]
    fn the_settings_name_arns_of_the_right_service() {
        let settings = Settings::from_pairs([
            (
                GUARD_RULE_ARNS,
                "arn:aws-us-gov:events:us-gov-west-1:1:rule/a, arn:aws-us-gov:events:us-gov-west-1:1:rule/b",
            ),
            (GUARD_FUNCTION_ARNS, "arn:aws-us-gov:lambda:us-gov-west-1:1:function:f"),
        ]);
        let config = SelfCheckConfig::from_settings(&settings).unwrap();
        assert_eq!(config.rule_arns.len(), 2);
        let bad = Settings::from_pairs([(GUARD_FUNCTION_ARNS, "arn:aws-us-gov:sns:us-gov-west-1:1:topic")]);
        assert_eq!(
            SelfCheckConfig::from_settings(&bad).unwrap_err().to_string(),
            "invalid `SMGUARD_GUARD_FUNCTION_ARNS`: `arn:aws-us-gov:sns:us-gov-west-1:1:topic` is not the ARN of a Lambda function"
        );
    }
}
