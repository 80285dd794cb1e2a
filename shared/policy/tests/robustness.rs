//! Bad input never panics and never reads as compliant.
//!
//! Arbitrary JSON, arbitrary text and mutated fixtures go through the normalizers and the
//! evaluation; the properties hold for every input proptest generates (256 cases each, more with
//! `PROPTEST_CASES`).

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed assertion"
)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proptest::prelude::*;
use serde_json::{Map, Value, json};
use smguard_policy::event::batch;
use smguard_policy::model::Scope;
use smguard_policy::{Action, Decision, Outcome, PolicyConfig, Settings, assess};

fn events_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../events")
}

fn fixture_config() -> &'static PolicyConfig {
    static CONFIG: OnceLock<PolicyConfig> = OnceLock::new();
    CONFIG.get_or_init(|| {
        let text = std::fs::read_to_string(events_dir().join("fixtures.env")).unwrap();
        PolicyConfig::from_settings(&Settings::parse_env_file(&text, "fixtures.env").unwrap()).unwrap()
    })
}

fn all_fixture_events() -> Vec<(String, Value)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&events_dir(), &mut files);
    files.sort();
    let mut events = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (index, raw) in batch::split(&text).unwrap().into_iter().enumerate() {
            // A fixture with a duplicate key is not representable as a `Value`; it has its row.
            if let Ok(value) = serde_json::from_str::<Value>(raw) {
                events.push((format!("{}[{index}]", file.display()), value));
            }
        }
    }
    events
}

/// Non-compliant fixtures that describe a whole resource (Create calls and state changes).
/// `Update*` calls are left out on purpose: deleting the only field a change sets leaves a
/// change that sets nothing, which is rightly compliant. So are the trail guard's calls, which
/// are changes too (`UpdateTrail` without `isMultiRegionTrail` leaves it as it was).
fn non_compliant_whole_resources() -> &'static [(String, Value)] {
    static EVENTS: OnceLock<Vec<(String, Value)>> = OnceLock::new();
    EVENTS.get_or_init(|| {
        all_fixture_events()
            .into_iter()
            .filter(|(_, event)| {
                let decision = assess(&event.to_string(), fixture_config());
                decision.outcome == Outcome::NonCompliant
                    && (decision.resource.as_ref().is_some_and(|r| r.scope == Scope::Whole) || decision.write.is_some())
            })
            .collect()
    })
}

/// Mutations that remove the offending part of a resource rather than corrupt the event: the
/// result is a different, compliant resource. Keyed by fixture file and JSON path; null counts as
/// removal. Any other mutation that turns a violation compliant fails the tests below.
const REMOVALS_OF_THE_OFFENCE: &[(&str, &str, &str)] = &[
    (
        "create-user-profile.output-outside-approved.json",
        "detail/requestParameters/userSettings",
        "without settings of its own the profile takes the domain's, judged on the domain's call",
    ),
    (
        "create-hyper-parameter-tuning-job.output-outside-approved.json",
        "detail/requestParameters/trainingJobDefinitions/1",
        "the definition writing outside is the one removed; the other is compliant",
    ),
    (
        "create-endpoint-config.output-outside-approved.json",
        "detail/requestParameters/dataCaptureConfig",
        "the capture writing outside removed: nothing is captured",
    ),
    (
        "create-transform-job.output-outside-approved.json",
        "detail/requestParameters/dataCaptureConfig",
        "the capture writing outside removed: nothing is captured",
    ),
    (
        "create-feature-group.output-outside-approved.json",
        "detail/requestParameters/offlineStoreConfig",
        "without an offline store nothing is written to S3",
    ),
    (
        "create-inference-experiment.output-outside-approved.json",
        "detail/requestParameters/dataStorageConfig",
        "without data storage the experiment captures nothing to S3",
    ),
    (
        "create-domain.output-outside-approved.json",
        "detail/requestParameters/defaultUserSettings/sharingSettings",
        "without sharing settings no notebook snapshot is shared to S3: no output location to check",
    ),
    (
        "create-domain.output-outside-approved.json",
        "detail/requestParameters/defaultUserSettings/sharingSettings/notebookOutputOption",
        "`NotebookOutputOption` defaults to `Disabled`, and `S3OutputPath` applies only when it is `Allowed`",
    ),
    (
        "create-user-profile.output-outside-approved.json",
        "detail/requestParameters/userSettings/sharingSettings",
        "without sharing settings no notebook snapshot is shared to S3: no output location to check",
    ),
    (
        "create-user-profile.output-outside-approved.json",
        "detail/requestParameters/userSettings/sharingSettings/notebookOutputOption",
        "`NotebookOutputOption` defaults to `Disabled`, and `S3OutputPath` applies only when it is `Allowed`",
    ),
    (
        "create-endpoint-config.inference-components-no-vpc.json",
        "detail/requestParameters/executionRoleArn",
        "without an execution role it is a classic configuration, whose network is its models'",
    ),
    (
        "create-hyper-parameter-tuning-job.second-definition-open.json",
        "detail/requestParameters/trainingJobDefinitions/1",
        "the open definition is the one removed; the other is compliant",
    ),
    (
        "create-processing-job.unapproved-key.json",
        "detail/requestParameters/processingOutputConfig",
        "the unapproved key is in the output configuration removed: no outputs, nothing to encrypt",
    ),
    (
        "create-endpoint-config.capture-default-on-no-key.json",
        "detail/requestParameters/dataCaptureConfig",
        "the capture without a key removed: nothing is captured, nothing to encrypt",
    ),
    (
        "create-domain.canvas-without-key.json",
        "detail/requestParameters/defaultUserSettings/canvasAppSettings",
        "without Canvas workspace settings there is no Canvas artifact location whose key to check",
    ),
    (
        "create-domain.canvas-without-key.json",
        "detail/requestParameters/defaultUserSettings/canvasAppSettings/workspaceSettings",
        "without Canvas workspace settings there is no Canvas artifact location whose key to check",
    ),
    (
        "create-endpoint-config.ssm-access.json",
        "detail/requestParameters/productionVariants/0/enableSSMAccess",
        "SSM access is off unless set (ProductionVariant API text)",
    ),
    (
        "create-endpoint-config.ssm-access.json",
        "detail/requestParameters/productionVariants/0",
        "the variant with SSM access removed: no variant opens a shell",
    ),
    (
        "create-monitoring-schedule.no-network-no-keys.json",
        "detail/requestParameters/monitoringScheduleConfig/monitoringJobDefinition",
        "without an inline job definition the schedule runs a named one, evaluated on its own Create call",
    ),
    (
        "create-space.remote-access.json",
        "detail/requestParameters/spaceSettings/remoteAccess",
        "remote access is off unless set",
    ),
    (
        "create-space.remote-access.json",
        "detail/requestParameters/spaceSettings",
        "remote access is off unless set",
    ),
    (
        "create-training-job.remote-debug.json",
        "detail/requestParameters/remoteDebugConfig/enableRemoteDebug",
        "remote debugging is off unless set (RemoteDebugConfig API text)",
    ),
    (
        "create-training-job.remote-debug.json",
        "detail/requestParameters/remoteDebugConfig",
        "remote debugging is off unless set (RemoteDebugConfig API text)",
    ),
    (
        "create-user-profile.sharing-without-key.json",
        "detail/requestParameters/userSettings",
        "without user settings the profile takes the domain's, evaluated on the domain",
    ),
];

/// The entry of [`REMOVALS_OF_THE_OFFENCE`] a mutation matches, if any.
fn removal_of_the_offence(label: &str, path: &[Step], replacement: Option<&Value>) -> Option<usize> {
    let path: Vec<String> = path
        .iter()
        .map(|step| match step {
            Step::Key(k) => k.clone(),
            Step::Index(i) => i.to_string(),
        })
        .collect();
    let path = path.join("/");
    if !replacement.is_none_or(Value::is_null) {
        return None;
    }
    REMOVALS_OF_THE_OFFENCE
        .iter()
        .position(|(file, removed, _why)| label.contains(file) && path == *removed)
}

fn removes_the_offence(label: &str, path: &[Step], replacement: Option<&Value>) -> bool {
    removal_of_the_offence(label, path, replacement).is_some()
}

/// The decision agrees with itself, whatever the input.
fn assert_consistent(decision: &Decision) {
    match decision.outcome {
        Outcome::Compliant => {
            // Exactly one subject: a resource, an S3 write, or one of smguard's parts.
            let subjects = [
                decision.resource.is_some(),
                decision.write.is_some(),
                decision.part.is_some(),
            ];
            assert_eq!(subjects.iter().filter(|s| **s).count(), 1);
            assert!(decision.evaluation.findings.is_empty() && decision.evaluation.undetermined.is_empty());
            assert!(decision.response.is_empty());
        }
        Outcome::NonCompliant => {
            assert!(!decision.evaluation.findings.is_empty());
            assert_eq!(decision.response.last(), Some(&Action::Alert));
        }
        Outcome::Unevaluable => {
            assert_eq!(decision.response, vec![Action::Alert]);
            assert!(decision.reason.is_some());
        }
        Outcome::Ignored => {
            assert!(decision.response.is_empty());
            assert!(decision.reason.is_some());
        }
    }
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        ".{0,12}".prop_map(Value::String),
        // Words that steer the parsers into their interesting paths.
        prop::sample::select(vec![
            "AWS API Call via CloudTrail",
            "aws.sagemaker",
            "sagemaker.amazonaws.com",
            "CreateTrainingJob",
            "CreateNotebookInstance",
            "UpdateDomain",
            "SageMaker Notebook Instance State Change",
            "InService",
            "Enabled",
            "Disabled",
            "VpcOnly",
            "alias/aws/s3",
            "ml.g5.xlarge",
        ])
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(5, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "detail-type",
                    "source",
                    "detail",
                    "id",
                    "eventName",
                    "eventSource",
                    "requestParameters",
                    "responseElements",
                    "errorCode",
                    "userIdentity",
                    "eventType",
                    "vpcConfig",
                    "subnets",
                    "kmsKeyId",
                    "notebookInstanceName",
                    "trainingJobName",
                    "resourceConfig",
                    "outputDataConfig",
                    "NotebookInstanceName",
                    "NotebookInstanceStatus",
                    "Tags",
                    "tags",
                    "Records",
                    "x",
                ])
                .prop_map(str::to_owned),
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect::<Map<String, Value>>())),
        ]
    })
}

/// A SageMaker CloudTrail envelope around arbitrary parameters and caller.
fn arbitrary_sagemaker_call() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(smguard_policy::event::evaluated_api_calls()),
        arbitrary_json(),
        arbitrary_json(),
    )
        .prop_map(|(name, parameters, identity)| {
            json!({"version": "0", "id": "x", "detail-type": "AWS API Call via CloudTrail", "source": "aws.sagemaker",
                   "account": "111122223333", "region": "us-gov-west-1", "resources": [],
                   "detail": {"eventSource": "sagemaker.amazonaws.com", "eventName": name, "awsRegion": "us-gov-west-1",
                              "userIdentity": identity, "requestParameters": parameters}})
        })
}

#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// The path to every value inside a JSON document.
fn paths(value: &Value, prefix: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                prefix.push(Step::Key(key.clone()));
                out.push(prefix.clone());
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                prefix.push(Step::Index(index));
                out.push(prefix.clone());
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

fn at_mut<'a>(value: &'a mut Value, path: &[Step]) -> &'a mut Value {
    path.iter().fold(value, |current, step| match step {
        Step::Key(k) => current.get_mut(k.as_str()).unwrap(),
        Step::Index(i) => current.get_mut(*i).unwrap(),
    })
}

/// Removes the value at `path`: a key from its object, an element from its array.
fn remove(value: &mut Value, path: &[Step]) {
    let (last, parents) = path.split_last().unwrap();
    match (last, at_mut(value, parents)) {
        (Step::Key(k), Value::Object(m)) => {
            m.remove(k);
        }
        (Step::Index(i), Value::Array(a)) => {
            a.remove(*i);
        }
        (step, parent) => panic!("{step:?} does not fit {parent}"),
    }
}

/// A value of another JSON type than `original`.
fn other_type(original: &Value, choice: usize) -> Value {
    let candidates = [json!(null), json!(true), json!(0), json!(""), json!([]), json!({})];
    let same = |v: &Value| std::mem::discriminant(v) == std::mem::discriminant(original);
    let others: Vec<&Value> = candidates.iter().filter(|v| !same(v)).collect();
    others[choice % others.len()].clone()
}

proptest! {
    #[test]
    fn arbitrary_json_never_panics_and_decides_consistently(value in arbitrary_json()) {
        assert_consistent(&assess(&value.to_string(), fixture_config()));
    }

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,256}") {
        assert_consistent(&assess(&text, &PolicyConfig::default()));
    }

    #[test]
    fn arbitrary_sagemaker_calls_decide_consistently(event in arbitrary_sagemaker_call()) {
        assert_consistent(&assess(&event.to_string(), fixture_config()));
    }

    #[test]
    fn deleting_any_field_of_a_violation_never_makes_it_compliant(
        pick in any::<prop::sample::Index>(),
        path_pick in any::<prop::sample::Index>(),
    ) {
        let events = non_compliant_whole_resources();
        let (label, event) = &events[pick.index(events.len())];
        let mut all = Vec::new();
        paths(event, &mut Vec::new(), &mut all);
        let path = &all[path_pick.index(all.len())];
        let mut mutated = event.clone();
        remove(&mut mutated, path);
        let decision = assess(&mutated.to_string(), fixture_config());
        assert_consistent(&decision);
        if !removes_the_offence(label, path, None) {
            prop_assert_ne!(decision.outcome, Outcome::Compliant, "{} without {:?}", label, path);
        }
    }

    #[test]
    fn a_value_of_the_wrong_type_never_makes_a_violation_compliant(
        pick in any::<prop::sample::Index>(),
        path_pick in any::<prop::sample::Index>(),
        choice in 0usize..6,
    ) {
        let events = non_compliant_whole_resources();
        let (label, event) = &events[pick.index(events.len())];
        let mut all = Vec::new();
        paths(event, &mut Vec::new(), &mut all);
        let path = &all[path_pick.index(all.len())];
        let mut mutated = event.clone();
        let target = at_mut(&mut mutated, path);
        let replacement = other_type(target, choice);
        *target = replacement.clone();
        let decision = assess(&mutated.to_string(), fixture_config());
        assert_consistent(&decision);
        if !removes_the_offence(label, path, Some(&replacement)) {
            prop_assert_ne!(decision.outcome, Outcome::Compliant, "{} with {:?} = {}", label, path, replacement);
        }
    }
}

#[test]
fn there_are_violations_to_mutate() {
    assert!(
        non_compliant_whole_resources().len() > 30,
        "{}",
        non_compliant_whole_resources().len()
    );
}

/// Every single deletion and wrong-type replacement of every violation, not just a sample.
#[test]
fn exhaustively_no_single_mutation_of_a_violation_is_compliant() {
    let mut tried = 0;
    let mut used = [false; REMOVALS_OF_THE_OFFENCE.len()];
    for (label, event) in non_compliant_whole_resources() {
        let mut all = Vec::new();
        paths(event, &mut Vec::new(), &mut all);
        for path in &all {
            let mut without = event.clone();
            remove(&mut without, path);
            let mut variants = vec![(None, without)];
            for choice in 0..5 {
                let mut replaced = event.clone();
                let target = at_mut(&mut replaced, path);
                *target = other_type(target, choice);
                variants.push((Some(value_of(&replaced, path)), replaced));
            }
            for (replacement, mutated) in variants {
                let decision = assess(&mutated.to_string(), fixture_config());
                assert_consistent(&decision);
                if decision.outcome == Outcome::Compliant {
                    if let Some(entry) = removal_of_the_offence(label, path, replacement.as_ref()) {
                        used[entry] = true;
                    } else {
                        panic!(
                            "{label}: {path:?} {} made it compliant",
                            match &replacement {
                                None => "removed".to_owned(),
                                Some(value) => format!("= {value}"),
                            }
                        );
                    }
                }
                tried += 1;
            }
        }
    }
    assert!(tried > 10_000, "{tried}");
    // Each listed removal must still be needed: drop entries that no longer flip.
    for (entry, (file, path, _)) in REMOVALS_OF_THE_OFFENCE.iter().enumerate() {
        assert!(
            used[entry],
            "{file} {path} no longer turns compliant: remove it from the list"
        );
    }
}

fn value_of(value: &Value, path: &[Step]) -> Value {
    let mut copy = value.clone();
    at_mut(&mut copy, path).clone()
}

#[test]
fn deeply_nested_input_is_refused_without_overflowing_the_stack() {
    let depth = 100_000;
    let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let call = format!(
        r#"{{"detail-type":"AWS API Call via CloudTrail","source":"aws.sagemaker","detail":{{"eventSource":"sagemaker.amazonaws.com","eventName":"CreateModel","requestParameters":{{"modelName":"m","vpcConfig":{nested}}}}}}}"#
    );
    assert_eq!(assess(&call, &PolicyConfig::default()).outcome, Outcome::Unevaluable);
    let state_change = format!(
        r#"{{"detail-type":"SageMaker Training Job State Change","source":"aws.sagemaker","detail":{{"TrainingJobName":"t","X":{nested}}}}}"#
    );
    assert_eq!(
        assess(&state_change, &PolicyConfig::default()).outcome,
        Outcome::Unevaluable
    );
}

#[test]
fn a_payload_of_many_megabytes_is_read() {
    let tags: Vec<Value> = (0..50_000)
        .map(|i| json!({"key": format!("k{i}"), "value": "v".repeat(40)}))
        .collect();
    let event = json!({"detail-type": "AWS API Call via CloudTrail", "source": "aws.sagemaker",
        "detail": {"eventSource": "sagemaker.amazonaws.com", "eventName": "CreateModel", "awsRegion": "us-gov-west-1",
                   "requestParameters": {"modelName": "m", "tags": tags}}})
    .to_string();
    assert!(event.len() > 3_000_000);
    let decision = assess(&event, &PolicyConfig::default());
    assert_eq!(decision.outcome, Outcome::NonCompliant);
    assert_eq!(decision.resource.unwrap().tags.len(), 50_000);
}
