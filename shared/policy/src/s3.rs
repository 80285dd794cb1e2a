//! S3 in the policy model: object writes read from CloudTrail data events, the approved output
//! locations they (and SageMaker resources' output paths) are judged against, and the
//! SageMaker execution-role patterns that say whose writes are judged at all.
//!
//! Matching is exact and literal. A bucket matches by name; a key matches a location's prefix
//! when it starts with it, case-sensitively. Keys are never URL-decoded: CloudTrail logs the key
//! S3 stored, and a key that only *decodes* into an approved prefix (`models%2Fx`) was not written
//! under it.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::arn::Arn;
use crate::model::{Location, Origin, Principal};

/// The S3 object-level calls that write (or start writing) an object, as CloudTrail names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum WriteCall {
    PutObject,
    /// The destination (`bucketName`, `key`) is what is written; `x-amz-copy-source` is read.
    CopyObject,
    /// Browser form upload (`POST` on the bucket).
    PostObject,
    CreateMultipartUpload,
    UploadPart,
    UploadPartCopy,
    CompleteMultipartUpload,
}

impl WriteCall {
    pub const ALL: [WriteCall; 7] = [
        WriteCall::PutObject,
        WriteCall::CopyObject,
        WriteCall::PostObject,
        WriteCall::CreateMultipartUpload,
        WriteCall::UploadPart,
        WriteCall::UploadPartCopy,
        WriteCall::CompleteMultipartUpload,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WriteCall::PutObject => "PutObject",
            WriteCall::CopyObject => "CopyObject",
            WriteCall::PostObject => "PostObject",
            WriteCall::CreateMultipartUpload => "CreateMultipartUpload",
            WriteCall::UploadPart => "UploadPart",
            WriteCall::UploadPartCopy => "UploadPartCopy",
            WriteCall::CompleteMultipartUpload => "CompleteMultipartUpload",
        }
    }

    /// The call named `event_name` in a CloudTrail record.
    pub fn named(event_name: &str) -> Option<WriteCall> {
        WriteCall::ALL.into_iter().find(|call| call.as_str() == event_name)
    }

    /// Whether the call leaves a complete object behind (else it is part of a multipart upload
    /// that has not completed, which can still be aborted).
    pub fn stores_object(self) -> bool {
        match self {
            WriteCall::PutObject
            | WriteCall::CopyObject
            | WriteCall::PostObject
            | WriteCall::CompleteMultipartUpload => true,
            WriteCall::CreateMultipartUpload | WriteCall::UploadPart | WriteCall::UploadPartCopy => false,
        }
    }
}

impl fmt::Display for WriteCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One S3 object write as a CloudTrail data event records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct S3Write {
    pub call: WriteCall,
    /// `requestParameters.bucketName`: the destination.
    pub bucket: String,
    /// `requestParameters.key`, as logged (never decoded).
    pub key: String,
    /// The multipart upload's ID: `requestParameters.uploadId` on `UploadPart`,
    /// `UploadPartCopy` and `CompleteMultipartUpload`. `CreateMultipartUpload`'s record logs
    /// response headers, not the body that carries the new ID, so it usually has none.
    pub upload_id: Option<String>,
    /// `responseElements.x-amz-version-id` (or `additionalEventData`): the version written,
    /// when the bucket is versioned.
    pub version_id: Option<String>,
    /// `additionalEventData.bytesTransferredIn`.
    pub bytes: Option<u64>,
    /// The bucket owner's account, from the record's `AWS::S3::Bucket` resource. CloudTrail
    /// blanks it when the owner is not to be told (a cross-account call denied to the caller):
    /// then `None`, meaning unknown.
    pub bucket_owner: Option<String>,
    /// `x-amz-copy-source` of a copy (`bucket/key`, maybe `?versionId=`).
    pub copy_source: Option<String>,
    pub caller: Principal,
    /// The session name of an assumed role (`SageMaker` for SageMaker's own sessions).
    pub session_name: Option<String>,
    /// `vpcEndpointId`: the VPC endpoint the request went through.
    pub vpc_endpoint_id: Option<String>,
    /// Partition, Region and account the call was made in (the account whose trail logged it).
    pub location: Location,
    pub origin: Origin,
}

impl S3Write {
    /// Whether the bucket is known to belong to the account the call was logged in.
    pub fn bucket_is_own(&self) -> bool {
        matches!((&self.bucket_owner, &self.location.account), (Some(owner), Some(account)) if owner == account)
    }

    /// `s3://bucket/key`.
    pub fn uri(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.key)
    }

    /// The object's ARN in the call's partition; `None` when the record says neither the caller's
    /// partition nor the Region (never guessed).
    pub fn object_arn(&self) -> Option<String> {
        let partition = self.location.partition.as_deref()?;
        Some(format!("arn:{partition}:s3:::{}/{}", self.bucket, self.key))
    }
}

/// An approved output location: a whole bucket (`s3://bucket`) or a key prefix that ends at a
/// `/` (`s3://bucket/prefix/`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct S3Location {
    pub bucket: String,
    /// Empty for the whole bucket; otherwise ends with `/`.
    pub prefix: String,
}

impl S3Location {
    /// Parses `s3://bucket` or `s3://bucket/prefix/`.
    pub fn parse(text: &str) -> Result<S3Location, String> {
        let rest = text
            .strip_prefix("s3://")
            .ok_or_else(|| format!("`{text}` is not an `s3://bucket` or `s3://bucket/prefix/` location"))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        bucket_name(bucket).map_err(|reason| format!("`{text}`: {reason}"))?;
        if !prefix.is_empty() && !prefix.ends_with('/') {
            return Err(format!(
                "`{text}`: a prefix must end with `/` (`s3://{bucket}/{prefix}/`), or `{prefix}` would also approve `{prefix}-old/`"
            ));
        }
        if prefix.starts_with('/') || prefix.contains("//") {
            return Err(format!("`{text}`: the prefix has an empty path segment"));
        }
        Ok(S3Location {
            bucket: bucket.to_owned(),
            prefix: prefix.to_owned(),
        })
    }

    /// Whether the object `bucket`/`key` lies in this location.
    pub fn contains(&self, bucket: &str, key: &str) -> bool {
        self.bucket == bucket && key.starts_with(&self.prefix)
    }

    /// Whether everything a resource writes under `path` (a key prefix: SageMaker writes
    /// `path/<job>/…`) lies in this location: `outputs` is read as `outputs/`.
    pub fn contains_output(&self, path: &S3Path) -> bool {
        if self.bucket != path.bucket {
            return false;
        }
        if path.key.is_empty() || path.key.ends_with('/') {
            path.key.starts_with(&self.prefix)
        } else {
            format!("{}/", path.key).starts_with(&self.prefix)
        }
    }
}

impl fmt::Display for S3Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s3://{}/{}", self.bucket, self.prefix)
    }
}

/// A bucket and key read from an S3 URI a resource writes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Path {
    pub bucket: String,
    pub key: String,
}

impl S3Path {
    /// Reads `s3://bucket/key` or `https://bucket.s3…/key` / `https://s3…/bucket/key`, as
    /// SageMaker accepts them; `None` for anything else.
    pub fn parse(uri: &str) -> Option<S3Path> {
        if let Some(rest) = uri.strip_prefix("s3://") {
            let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
            return (!bucket.is_empty()).then(|| S3Path {
                bucket: bucket.to_owned(),
                key: key.to_owned(),
            });
        }
        let rest = uri.strip_prefix("https://")?;
        let (host, key) = rest.split_once('/').unwrap_or((rest, ""));
        // Virtual-hosted style: `bucket.s3.<region>.amazonaws.com`, `bucket.s3.amazonaws.com`.
        if let Some((bucket, service)) = host.split_once(".s3")
            && (service.starts_with('.') || service.starts_with('-'))
            && !bucket.is_empty()
        {
            return Some(S3Path {
                bucket: bucket.to_owned(),
                key: key.to_owned(),
            });
        }
        // Path style: `s3.<region>.amazonaws.com/bucket/key`.
        if host.starts_with("s3.") || host.starts_with("s3-") {
            let (bucket, key) = key.split_once('/').unwrap_or((key, ""));
            return (!bucket.is_empty()).then(|| S3Path {
                bucket: bucket.to_owned(),
                key: key.to_owned(),
            });
        }
        None
    }
}

/// A bucket name as S3 allows it: 3–63 lower-case letters, digits, `.` and `-`, starting and
/// ending with a letter or digit.
pub fn bucket_name(name: &str) -> Result<(), String> {
    let valid = (3..=63).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
        && name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && name.chars().last().is_some_and(|c| c.is_ascii_alphanumeric());
    if valid {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is not a bucket name (3 to 63 lower-case letters, digits, `.` and `-`)"
        ))
    }
}

/// A SageMaker execution role, or a family of them: an IAM role ARN whose role part (path and
/// name) may hold `*`, which matches any run of characters, `/` and the empty run included.
/// Partition and account are always exact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolePattern {
    pub partition: String,
    pub account: String,
    /// What follows `role/`: `service-role/AmazonSageMaker-ExecutionRole-*`.
    pub role: String,
}

impl RolePattern {
    pub fn parse(text: &str) -> Result<RolePattern, String> {
        let not_a_role =
            || format!("`{text}` is not an IAM role ARN (`arn:<partition>:iam::<account>:role/<path/name>`)");
        let arn = Arn::parse(text).ok_or_else(not_a_role)?;
        let role = arn.resource.strip_prefix("role/").ok_or_else(not_a_role)?;
        if arn.service != "iam" || !arn.region.is_empty() || role.is_empty() {
            return Err(not_a_role());
        }
        if arn.partition.contains('*') || arn.account.contains('*') {
            return Err(format!(
                "`{text}`: `*` is allowed only in the role part; partition and account are exact"
            ));
        }
        if arn.account.len() != 12 || !arn.account.chars().all(|c| c.is_ascii_digit()) {
            return Err(format!("`{text}`: `{}` is not a 12-digit account ID", arn.account));
        }
        Ok(RolePattern {
            partition: arn.partition.to_owned(),
            account: arn.account.to_owned(),
            role: role.to_owned(),
        })
    }

    /// Whether the role ARN `role_arn` (a session's issuer) is one of these roles.
    pub fn matches(&self, role_arn: &str) -> bool {
        let Some(arn) = Arn::parse(role_arn) else {
            return false;
        };
        let Some(role) = arn.resource.strip_prefix("role/") else {
            return false;
        };
        arn.service == "iam" && arn.partition == self.partition && arn.account == self.account && glob(&self.role, role)
    }

    /// What every STS session ARN of these roles starts with
    /// (`arn:<p>:sts::<account>:assumed-role/<name up to its first *>`): a session ARN names the
    /// role without its path.
    pub fn session_prefix(&self) -> String {
        let name = self.role.rsplit('/').next().unwrap_or(&self.role);
        let fixed = match name.split_once('*') {
            Some((fixed, _)) => fixed.to_owned(),
            None => format!("{name}/"),
        };
        format!("arn:{}:sts::{}:assumed-role/{fixed}", self.partition, self.account)
    }
}

impl fmt::Display for RolePattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "arn:{}:iam::{}:role/{}", self.partition, self.account, self.role)
    }
}

/// `*` matches any run of characters (also `/`, also none); everything else is literal.
fn glob(pattern: &str, text: &str) -> bool {
    let mut pieces = pattern.split('*');
    let Some(first) = pieces.next() else {
        return text.is_empty();
    };
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let pieces: Vec<&str> = pieces.collect();
    let Some((last, middle)) = pieces.split_last() else {
        // No `*`: the whole text must be the pattern.
        return rest.is_empty();
    };
    for piece in middle {
        match rest.find(piece) {
            Some(at) => rest = rest.get(at + piece.len()..).unwrap_or_default(),
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_location_is_a_bucket_or_a_prefix_ending_in_a_slash() {
        let whole = S3Location::parse("s3://model-out").unwrap();
        assert!(whole.contains("model-out", "anything/at/all"));
        assert!(!whole.contains("model-out-2", "x"));
        let prefix = S3Location::parse("s3://b-1/outputs/").unwrap();
        assert!(prefix.contains("b-1", "outputs/job/model.tar.gz"));
        assert!(
            !prefix.contains("b-1", "outputs"),
            "the key `outputs` is not under `outputs/`"
        );
        assert!(!prefix.contains("b-1", "outputs-old/x"));
        assert!(!prefix.contains("b-1", "Outputs/x"), "case-sensitive");
        assert!(!prefix.contains("b-1", "outputs%2Fx"), "never decoded");
        assert_eq!(prefix.to_string(), "s3://b-1/outputs/");
    }

    #[test]
    fn bad_locations_say_what_is_wrong() {
        for (text, expected) in [
            ("b-1/outputs/", "is not an `s3://bucket`"),
            ("s3://b-1/outputs", "a prefix must end with `/`"),
            ("s3://B-1/", "is not a bucket name"),
            ("s3://ab/", "is not a bucket name"),
            ("s3:///x/", "is not a bucket name"),
            ("s3://b-1//x/", "empty path segment"),
        ] {
            let error = S3Location::parse(text).unwrap_err();
            assert!(error.contains(expected), "{text}: {error}");
        }
    }

    #[test]
    fn an_output_path_is_the_prefix_a_resource_writes_under() {
        let approved = S3Location::parse("s3://b-1/outputs/").unwrap();
        let within = |uri: &str| approved.contains_output(&S3Path::parse(uri).unwrap());
        assert!(within("s3://b-1/outputs"), "writes `outputs/<job>/…`");
        assert!(within("s3://b-1/outputs/"));
        assert!(within("s3://b-1/outputs/churn"));
        assert!(!within("s3://b-1/outputs-old"));
        assert!(!within("s3://b-1/out"));
        assert!(!within("s3://b-1"));
        assert!(!within("s3://b-2/outputs/"));
        assert!(within("https://b-1.s3.us-gov-west-1.amazonaws.com/outputs/x"));
        assert!(within("https://s3.us-gov-west-1.amazonaws.com/b-1/outputs/x"));
        assert!(
            S3Location::parse("s3://b-1")
                .unwrap()
                .contains_output(&S3Path::parse("s3://b-1").unwrap())
        );
        assert_eq!(S3Path::parse("file:///tmp/x"), None);
        assert_eq!(S3Path::parse("s3://"), None);
    }

    #[test]
    fn role_patterns_match_partition_and_account_exactly_and_glob_the_role() {
        let pattern =
            RolePattern::parse("arn:aws-us-gov:iam::111122223333:role/service-role/AmazonSageMaker-*").unwrap();
        assert!(pattern.matches("arn:aws-us-gov:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-1"));
        assert!(pattern.matches("arn:aws-us-gov:iam::111122223333:role/service-role/AmazonSageMaker-"));
        assert!(!pattern.matches("arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-x"));
        assert!(!pattern.matches("arn:aws-us-gov:iam::999988887777:role/service-role/AmazonSageMaker-x"));
        assert!(
            !pattern.matches("arn:aws-us-gov:iam::111122223333:role/AmazonSageMaker-x"),
            "the path is part of the ARN"
        );
        let any_path = RolePattern::parse("arn:aws-us-gov:iam::111122223333:role/*SageMaker*").unwrap();
        assert!(any_path.matches("arn:aws-us-gov:iam::111122223333:role/team/a/SageMakerRole"));
        assert!(!any_path.matches("arn:aws-us-gov:iam::111122223333:user/SageMaker"));
        let exact = RolePattern::parse("arn:aws-us-gov:iam::111122223333:role/ml").unwrap();
        assert!(exact.matches("arn:aws-us-gov:iam::111122223333:role/ml"));
        assert!(!exact.matches("arn:aws-us-gov:iam::111122223333:role/ml2"));
    }

    #[test]
    fn bad_role_patterns_say_what_is_wrong() {
        for (text, expected) in [
            ("SageMakerRole", "is not an IAM role ARN"),
            ("arn:aws-us-gov:iam::111122223333:user/x", "is not an IAM role ARN"),
            ("arn:aws-us-gov:sts::111122223333:role/x", "is not an IAM role ARN"),
            ("arn:aws-us-gov:iam::*:role/x", "only in the role part"),
            ("arn:*:iam::111122223333:role/x", "only in the role part"),
            ("arn:aws-us-gov:iam::1111:role/x", "12-digit account"),
        ] {
            let error = RolePattern::parse(text).unwrap_err();
            assert!(error.contains(expected), "{text}: {error}");
        }
    }

    #[test]
    fn glob_matches_any_run() {
        assert!(glob("a*b*c", "abc"));
        assert!(glob("a*b*c", "a/x/b/y/c"));
        assert!(!glob("a*b*c", "a/x/c"));
        assert!(glob("*", ""));
        assert!(glob("a*a", "aa"));
        assert!(!glob("a*a", "a"));
        assert!(glob("**x", "x"));
    }
}
