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

use smguard_policy::{Outcome, assess};

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

/// What every fixture's resource must look like whatever the rules say: the name, status word and
/// tags the event carries (a state change always carries its status); an ARN of its kind in the
/// event's partition, Region and account that ends in its name (or, for a kind addressed by ID,
/// its ID; a HyperPod cluster's, in the ID SageMaker gave it); an ID only on the kinds that are
/// addressed by one; a status word only on the kinds that have one (or inferred from the call);
/// no reason once decided.
#[test]
fn every_resource_read_has_the_arn_id_and_status_its_kind_has() {
    use smguard_policy::ResourceKind;
    use smguard_policy::arn::Arn;
    let (mut resources, mut tagged) = (0, 0);
    for case in cases::load() {
        let text = case.event();
        let decision = assess(&text, &case.config());
        let Some(resource) = &decision.resource else { continue };
        resources += 1;
        let label = case.label();
        // A reason says why a resource cannot be decided: a decided one has none.
        let decided = matches!(decision.outcome, Outcome::Compliant | Outcome::NonCompliant);
        if decided {
            assert_eq!(decision.reason, None, "{label}");
        }
        // The tags a call sets are the resource's (when its parameters are read at all).
        let tags = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .filter(|_| decided)
            .and_then(|event| event["detail"]["requestParameters"]["tags"].as_array().cloned())
            .unwrap_or_default();
        for tag in &tags {
            let (Some(key), Some(value)) = (tag["key"].as_str(), tag["value"].as_str()) else {
                continue;
            };
            assert_eq!(
                resource.tags.get(key).map(String::as_str),
                Some(value),
                "{label}: tag `{key}`"
            );
            tagged += 1;
        }
        let arn = resource.arn.as_deref().unwrap_or_else(|| panic!("{label}: no ARN"));
        let parsed = Arn::parse(arn).unwrap_or_else(|| panic!("{label}: `{arn}` is no ARN"));
        assert_eq!(
            Some(parsed.partition),
            resource.location.partition.as_deref(),
            "{label}: {arn}"
        );
        assert_eq!(
            Some(parsed.region),
            resource.location.region.as_deref(),
            "{label}: {arn}"
        );
        assert_eq!(
            Some(parsed.account),
            resource.location.account.as_deref(),
            "{label}: {arn}"
        );
        assert_eq!(parsed.service, "sagemaker", "{label}: {arn}");
        let (arn_type, last) = parsed
            .resource
            .split_once('/')
            .unwrap_or_else(|| panic!("{label}: {arn}"));
        assert_eq!(arn_type, resource.kind.arn_resource_type(), "{label}: {arn}");
        let addressed_by_id = matches!(resource.kind, ResourceKind::Domain);
        let expected = if addressed_by_id {
            resource.id.clone().unwrap_or_default()
        } else {
            resource.name.to_ascii_lowercase()
        };
        // A HyperPod cluster's ARN ends in an ID SageMaker generates, which no call names.
        let generated = resource.kind == ResourceKind::Cluster && !last.is_empty();
        assert!(
            generated || last == expected || last.ends_with(&format!("/{expected}")),
            "{label}: `{arn}` does not end in `{expected}`"
        );
        let has_id = matches!(
            resource.kind,
            ResourceKind::Domain | ResourceKind::UserProfile | ResourceKind::Space
        );
        assert!(
            resource.id.is_none() || has_id,
            "{label}: {:?} has ID {:?}",
            resource.kind,
            resource.id
        );
        let has_status = !matches!(
            resource.kind,
            ResourceKind::Model | ResourceKind::EndpointConfig | ResourceKind::NotebookInstanceLifecycleConfig
        );
        if let Some(status) = &resource.status {
            assert!(
                has_status || status.inferred,
                "{label}: {:?} has status {status:?}",
                resource.kind
            );
            assert!(
                status.inferred || text.contains(&format!("\"{}\"", status.value)),
                "{label}: status {status:?} is not the event's"
            );
        }
        if case.file.starts_with("native/") && has_status {
            assert!(
                resource.status.as_ref().is_some_and(|status| !status.inferred),
                "{label}: a state change without the status it carries"
            );
        }
        assert!(
            !resource.name.is_empty() && text.contains(&resource.name),
            "{label}: the name `{}` is not the event's",
            resource.name
        );
    }
    assert!(resources > 50, "suspiciously few resources: {resources}");
    assert!(tagged > 5, "suspiciously few tags: {tagged}");
}

/// The members each Create call always has that smguard reads (the API reference's "Required:
/// Yes"): a record without one is truncated or not the call it claims, so it is read into no
/// resource with AWS defaults but is unevaluable (or, with an ARN in the response, described).
/// Each requirement is one member or, where the API takes either of two, both: all are removed
/// and the first is the one named.
const REQUIRED: &[(&str, &[&[&str]])] = &[
    ("CreateNotebookInstance", &[&["instanceType"], &["roleArn"]]),
    ("CreateTrainingJob", &[&["resourceConfig"], &["outputDataConfig"]]),
    ("CreateProcessingJob", &[&["processingResources"]]),
    (
        "CreateTransformJob",
        &[&["modelName"], &["transformOutput"], &["transformResources"]],
    ),
    ("CreateEndpointConfig", &[&["productionVariants"]]),
    ("CreateEndpoint", &[&["endpointConfigName"]]),
    ("CreateDomain", &[&["defaultUserSettings"]]),
    ("CreateUserProfile", &[&["domainId"]]),
    ("CreateSpace", &[&["domainId"]]),
    ("CreateCompilationJob", &[&["outputConfig"]]),
    ("CreateAutoMLJob", &[&["outputDataConfig"]]),
    ("CreateAutoMLJobV2", &[&["outputDataConfig"]]),
    ("CreateLabelingJob", &[&["outputConfig"]]),
    ("CreateCluster", &[&["instanceGroups"]]),
    ("CreateMonitoringSchedule", &[&["monitoringScheduleConfig"]]),
    ("CreateOptimizationJob", &[&["outputConfig"]]),
    ("CreateInferenceExperiment", &[&["endpointName"]]),
    ("CreateEdgePackagingJob", &[&["outputConfig"]]),
    ("CreateDataQualityJobDefinition", &[&["jobResources"]]),
    ("CreateModelQualityJobDefinition", &[&["jobResources"]]),
    ("CreateModelBiasJobDefinition", &[&["jobResources"]]),
    ("CreateModelExplainabilityJobDefinition", &[&["jobResources"]]),
    (
        "CreateHyperParameterTuningJob",
        &[&["trainingJobDefinition", "trainingJobDefinitions"]],
    ),
];

#[test]
fn a_create_call_without_a_member_the_api_requires_is_never_read_with_defaults() {
    use serde_json::Value;
    use smguard_policy::{EventError, Subject, normalize};
    let mut checked = std::collections::BTreeSet::new();
    for case in cases::load() {
        let text = case.event();
        // Only fixtures read into a resource as they are (an endpoint waits for its
        // configuration); not an ignored call, a duplicate key or a member already missing.
        if !matches!(
            normalize(&text, &case.config()).subject,
            Subject::Resource(_)
                | Subject::Unread {
                    error: EventError::DependsOn { .. },
                    ..
                }
        ) {
            continue;
        }
        let Ok(event) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        let detail = &event["detail"];
        let name = detail["eventName"].as_str().unwrap_or_default();
        let Some((_, required)) = REQUIRED.iter().find(|(call, _)| *call == name) else {
            continue;
        };
        let Some(parameters) = detail["requestParameters"].as_object() else {
            continue;
        };
        if detail.get("errorCode").is_some() {
            continue;
        }
        for members in *required {
            let mut without = parameters.clone();
            // Every member removed (`count`, not `any`, which would stop at the first).
            if members
                .iter()
                .filter(|member| without.remove(**member).is_some())
                .count()
                == 0
            {
                continue;
            }
            let Some(named) = members.first() else { continue };
            let mut event = event.clone();
            event["detail"]["requestParameters"] = Value::Object(without);
            let label = format!("{} without `{named}`", case.label());
            let error = match normalize(&event.to_string(), &case.config()).subject {
                Subject::Unevaluable(error) | Subject::Unread { error, .. } => error.to_string(),
                other => panic!("{label}: read as {other:?}"),
            };
            assert!(error.contains(&format!("{named}`")), "{label}: {error}");
            checked.insert((name.to_owned(), *named));
        }
    }
    let expected: usize = REQUIRED.iter().map(|(_, required)| required.len()).sum();
    assert_eq!(
        checked.len(),
        expected,
        "every required member is checked on a fixture: {checked:?}"
    );
}
