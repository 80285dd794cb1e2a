//! ARNs without assuming a partition.
//!
//! smguard runs in `aws-us-gov`; every ARN it reads or builds keeps the partition it was given
//! (or the one implied by the Region), never a hard-coded `aws`.

use crate::model::ResourceKind;

/// A parsed ARN: `arn:<partition>:<service>:<region>:<account>:<resource>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    /// Parses an ARN; `None` when `text` is not one (fewer than six `:`-separated parts, or
    /// an empty partition or service).
    pub fn parse(text: &'a str) -> Option<Self> {
        let mut parts = text.splitn(6, ':');
        if parts.next()? != "arn" {
            return None;
        }
        let arn = Arn {
            partition: parts.next()?,
            service: parts.next()?,
            region: parts.next()?,
            account: parts.next()?,
            resource: parts.next()?,
        };
        (!arn.partition.is_empty() && !arn.service.is_empty()).then_some(arn)
    }
}

/// The partition a Region belongs to, from the Region's prefix (botocore `endpoints.json`).
pub fn partition_for_region(region: &str) -> &'static str {
    if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else if region.starts_with("eu-isoe-") {
        "aws-iso-e"
    } else if region.starts_with("us-isof-") {
        "aws-iso-f"
    } else {
        "aws"
    }
}

/// Builds the ARN SageMaker gives a resource. SageMaker lower-cases the name inside its ARNs
/// (`BasicNotebookInstance-x4CC6ZFJzqJJ` becomes `…/basicnotebookinstance-x4cc6zfjzqjj`).
pub fn sagemaker_arn(partition: &str, region: &str, account: &str, kind: ResourceKind, name: &str) -> String {
    format!(
        "arn:{partition}:sagemaker:{region}:{account}:{}/{}",
        kind.arn_resource_type(),
        name.to_ascii_lowercase()
    )
}

/// Whether the caller of an API (`userIdentity.arn`, `sessionContext.sessionIssuer.arn`) is the
/// principal `configured`.
///
/// `configured` is an IAM role ARN (with or without a path), or any principal ARN compared
/// verbatim. A role matches its session issuer ARN and any of its STS sessions
/// (`arn:<p>:sts::<account>:assumed-role/<role-name>/<session>`), in the same partition and account.
pub fn principal_matches(configured: &str, caller_arn: Option<&str>, session_issuer_arn: Option<&str>) -> bool {
    if caller_arn == Some(configured) || session_issuer_arn == Some(configured) {
        return true;
    }
    let (Some(role), Some(caller)) = (Arn::parse(configured), caller_arn.and_then(Arn::parse)) else {
        return false;
    };
    let Some(role_path) = role.resource.strip_prefix("role/") else {
        return false;
    };
    let role_name = role_path.rsplit('/').next().unwrap_or(role_path);
    let Some(session) = caller.resource.strip_prefix("assumed-role/") else {
        return false;
    };
    let session_role = session.split('/').next().unwrap_or_default();
    role.service == "iam"
        && caller.service == "sts"
        && role.partition == caller.partition
        && role.account == caller.account
        && !role_name.is_empty()
        && role_name == session_role
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_govcloud_arns_and_keeps_slashes_in_the_resource() {
        let arn = Arn::parse("arn:aws-us-gov:sagemaker:us-gov-west-1:111122223333:notebook-instance/nb").unwrap();
        assert_eq!(arn.partition, "aws-us-gov");
        assert_eq!(arn.region, "us-gov-west-1");
        assert_eq!(arn.account, "111122223333");
        assert_eq!(arn.resource, "notebook-instance/nb");
        let role = Arn::parse("arn:aws:iam::111122223333:role/path/with:colon").unwrap();
        assert_eq!(role.resource, "role/path/with:colon");
    }

    #[test]
    fn rejects_non_arns() {
        for text in ["", "arn", "arn:aws", "nope:aws:s3:::b", "arn::s3:::b", "arn:aws::r:a:x"] {
            assert_eq!(Arn::parse(text), None, "{text}");
        }
    }

    #[test]
    fn maps_regions_to_partitions() {
        assert_eq!(partition_for_region("us-gov-west-1"), "aws-us-gov");
        assert_eq!(partition_for_region("us-gov-east-1"), "aws-us-gov");
        assert_eq!(partition_for_region("cn-north-1"), "aws-cn");
        assert_eq!(partition_for_region("us-iso-east-1"), "aws-iso");
        assert_eq!(partition_for_region("us-isob-east-1"), "aws-iso-b");
        assert_eq!(partition_for_region("eu-central-1"), "aws");
    }

    #[test]
    fn builds_lower_case_sagemaker_arns_in_the_given_partition() {
        assert_eq!(
            sagemaker_arn(
                "aws-us-gov",
                "us-gov-west-1",
                "111122223333",
                ResourceKind::TrainingJob,
                "Big-Job"
            ),
            "arn:aws-us-gov:sagemaker:us-gov-west-1:111122223333:training-job/big-job"
        );
    }

    #[test]
    fn matches_a_role_to_its_sessions_and_issuer_only() {
        let role = "arn:aws-us-gov:iam::111122223333:role/service-role/smguard-guard";
        let session = "arn:aws-us-gov:sts::111122223333:assumed-role/smguard-guard/smguard-sagemaker-guard";
        assert!(principal_matches(role, Some(session), None));
        assert!(principal_matches(role, None, Some(role)));
        // Same role name in another account or partition is someone else.
        assert!(!principal_matches(
            role,
            Some("arn:aws-us-gov:sts::999988887777:assumed-role/smguard-guard/x"),
            None
        ));
        assert!(!principal_matches(
            role,
            Some("arn:aws:sts::111122223333:assumed-role/smguard-guard/x"),
            None
        ));
        assert!(!principal_matches(
            role,
            Some("arn:aws-us-gov:sts::111122223333:assumed-role/smguard-guard-2/x"),
            None
        ));
        assert!(!principal_matches(role, None, None));
        let user = "arn:aws:iam::111122223333:user/alice";
        assert!(principal_matches(user, Some(user), None));
    }
}
