//! The policy's instance-family table classifies every instance type the SageMaker SDK knows.
//!
//! The volume-key rules exempt local-NVMe instances (AWS rejects a key on them); an instance
//! type the table does not know would be treated as EBS-only, so a new local-NVMe family would
//! make compliance impossible. This test fails the build as soon as an SDK update adds one.

#![allow(clippy::panic, reason = "test code: a panic is a failed assertion")]

use std::collections::BTreeSet;

use aws_sdk_sagemaker::types as sdk;
use smguard_policy::instance_types::{family, storage};

/// Every instance-type enum of the SageMaker API model, by the shape that uses it.
fn sdk_instance_types() -> Vec<(&'static str, &'static [&'static str])> {
    vec![
        ("InstanceType (notebooks)", sdk::InstanceType::values()),
        ("TrainingInstanceType", sdk::TrainingInstanceType::values()),
        ("ProcessingInstanceType", sdk::ProcessingInstanceType::values()),
        ("TransformInstanceType", sdk::TransformInstanceType::values()),
        (
            "ProductionVariantInstanceType",
            sdk::ProductionVariantInstanceType::values(),
        ),
        ("ClusterInstanceType (HyperPod)", sdk::ClusterInstanceType::values()),
        ("AppInstanceType (Studio)", sdk::AppInstanceType::values()),
        (
            "OptimizationJobDeploymentInstanceType",
            sdk::OptimizationJobDeploymentInstanceType::values(),
        ),
        (
            "ReservedCapacityInstanceType",
            sdk::ReservedCapacityInstanceType::values(),
        ),
        (
            "AiRecommendationInstanceType",
            sdk::AiRecommendationInstanceType::values(),
        ),
    ]
}

#[test]
fn every_sdk_instance_type_is_classified_local_nvme_or_not() {
    let mut unclassified = BTreeSet::new();
    let mut checked = 0;
    for (shape, values) in sdk_instance_types() {
        for value in values {
            // Studio's `system` is not an instance type.
            if !value.starts_with("ml.") {
                continue;
            }
            checked += 1;
            if storage(value).is_none() {
                unclassified.insert(format!("{} ({value}, from {shape})", family(value).unwrap_or(value)));
            }
        }
    }
    assert!(
        checked > 300,
        "only {checked} SDK instance types found: did the enums move?"
    );
    assert!(
        unclassified.is_empty(),
        "add these families to INSTANCE_FAMILIES in shared/policy/src/instance_types.rs, \
         classified from the EC2 instance-store documentation:\n{}",
        unclassified.into_iter().collect::<Vec<_>>().join("\n")
    );
}
