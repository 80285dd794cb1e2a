//! What smguard depends on and is made of, as the trail guard and the self-check judge it: the
//! CloudTrail trails that feed it, its EventBridge rules, Lambda functions, alert topic and key.
//!
//! A [`GuardPart`] is one of them in the state a call left it in (`StopLogging`: not logging;
//! `PutEventSelectors`: these selectors), or as described now. Each field is `None` where the
//! source does not say: a call says only what it changed (`UpdateTrail` sends only the fields it
//! sets, `DisableRule` only the rule's name). The rules (`rules/trail.rs`) judge what is said;
//! the plan restores what can be restored. Pure, like the rest of the crate.

use std::fmt;

use serde::Serialize;

use crate::arn::Arn;
use crate::config::{ConfigError, Settings};
use crate::model::{Location, Principal};
use crate::s3::RolePattern;
use crate::selfcheck::{AdvancedSelector, BasicSelector, FieldSelector, TrailSelectors};

/// The kinds of smguard's parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PartKind {
    Trail,
    Rule,
    Function,
    Topic,
    Key,
}

impl PartKind {
    /// As alerts and SNS attributes (`resource_kind`) name it.
    pub fn as_str(self) -> &'static str {
        match self {
            PartKind::Trail => "cloudtrail_trail",
            PartKind::Rule => "eventbridge_rule",
            PartKind::Function => "lambda_function",
            PartKind::Topic => "sns_topic",
            PartKind::Key => "kms_key",
        }
    }

    pub fn display_name(self) -> &'static str {
        match self {
            PartKind::Trail => "CloudTrail trail",
            PartKind::Rule => "EventBridge rule",
            PartKind::Function => "Lambda function",
            PartKind::Topic => "SNS topic",
            PartKind::Key => "KMS key",
        }
    }
}

impl Serialize for PartKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl fmt::Display for PartKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One of smguard's parts (or a trail it depends on), in the state a call left it in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GuardPart {
    /// The full ARN (a trail's, a rule's on its bus, a function's without qualifier, a key's).
    pub arn: String,
    /// The call as CloudTrail recorded it (`PutFunctionConcurrency20171031`); `None` when
    /// described.
    pub call: Option<String>,
    pub state: PartState,
    pub location: Location,
    /// Who made the call.
    pub caller: Option<Principal>,
}

impl GuardPart {
    /// What kind of part it is (its state says).
    pub fn kind(&self) -> PartKind {
        self.state.kind()
    }

    /// The name in the ARN (a trail's, a rule's, a function's, a topic's; a key's ID).
    pub fn name(&self) -> &str {
        let resource = Arn::parse(&self.arn).map_or(self.arn.as_str(), |arn| arn.resource);
        match self.kind() {
            PartKind::Trail => resource.strip_prefix("trail/").unwrap_or(resource),
            PartKind::Rule => resource.rsplit('/').next().unwrap_or(resource),
            PartKind::Function => resource.strip_prefix("function:").unwrap_or(resource),
            PartKind::Topic => resource,
            PartKind::Key => resource.strip_prefix("key/").unwrap_or(resource),
        }
    }
}

/// What the call (or the description) says about the part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PartState {
    Trail(TrailState),
    Rule(RuleState),
    Function(FunctionState),
    Topic(TopicState),
    Key(KeyState),
}

impl PartState {
    pub fn kind(&self) -> PartKind {
        match self {
            PartState::Trail(_) => PartKind::Trail,
            PartState::Rule(_) => PartKind::Rule,
            PartState::Function(_) => PartKind::Function,
            PartState::Topic(_) => PartKind::Topic,
            PartState::Key(_) => PartKind::Key,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TrailState {
    /// `Some(false)`: deleted.
    pub exists: Option<bool>,
    pub logging: Option<bool>,
    pub multi_region: Option<bool>,
    pub selectors: Option<TrailSelectors>,
    pub bucket: Option<String>,
    pub kms_key: Option<TrailKey>,
    pub log_file_validation: Option<bool>,
}

/// A trail's `KmsKeyId`, as set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "key", rename_all = "snake_case")]
pub enum TrailKey {
    /// Set to the empty string: log files are no longer encrypted with a customer key.
    Removed,
    /// A key ID, key ARN, alias name or alias ARN.
    Key(String),
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RuleState {
    /// `Some(false)`: deleted.
    pub exists: Option<bool>,
    pub enabled: Option<bool>,
    /// `RemoveTargets`: the IDs of the targets removed.
    pub targets_removed: Vec<String>,
    /// `PutRule` on an existing rule: its pattern and description were replaced.
    pub replaced: bool,
    /// Described: whether one of smguard's functions is among its targets.
    pub targets_guard: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FunctionState {
    /// `Some(false)`: deleted.
    pub exists: Option<bool>,
    /// `PutFunctionConcurrency`: the reserved concurrency set (0 throttles every invocation).
    pub reserved_concurrency: Option<i64>,
    /// `UpdateFunctionConfiguration` / `UpdateFunctionCode`: what was replaced (`configuration`,
    /// `code`). CloudTrail leaves the environment out of the record, so the new mode and
    /// controls are unknown from the event.
    pub replaced: Option<&'static str>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TopicState {
    /// `Some(false)`: deleted.
    pub exists: Option<bool>,
    /// `Unsubscribe`: the subscription removed.
    pub unsubscribed: Option<String>,
    /// `SetTopicAttributes`: the attribute set (`Policy`, `KmsMasterKeyId`, …).
    pub attribute_set: Option<String>,
    /// Described: confirmed subscriptions.
    pub confirmed_subscriptions: Option<usize>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct KeyState {
    pub enabled: Option<bool>,
    pub deletion_scheduled: Option<bool>,
}

/// What a protected trail must record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequiredRecording {
    /// Management write events of every service (what the SageMaker guard and the trail guard
    /// read).
    pub management_writes: bool,
    /// S3 object write data events on every bucket (what the upload guard reads), optionally
    /// scoped to the SageMaker execution roles' sessions.
    pub s3_object_writes: bool,
}

impl Default for RequiredRecording {
    fn default() -> Self {
        RequiredRecording {
            management_writes: true,
            s3_object_writes: true,
        }
    }
}

impl RequiredRecording {
    /// `management-writes`, `s3-object-writes`, comma-separated.
    fn parse(items: &[&str]) -> Result<RequiredRecording, String> {
        let mut required = RequiredRecording {
            management_writes: false,
            s3_object_writes: false,
        };
        for item in items {
            match *item {
                "management-writes" => required.management_writes = true,
                "s3-object-writes" => required.s3_object_writes = true,
                other => {
                    return Err(format!("`{other}` is not `management-writes` or `s3-object-writes`"));
                }
            }
        }
        Ok(required)
    }
}

/// smguard's parts and the trails it depends on, as configured.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IntegrityConfig {
    /// Trail ARNs smguard depends on.
    pub protected_trails: Vec<String>,
    /// The stack that owns the protected trails (named when one is deleted).
    pub trails_stack: Option<String>,
    /// The bucket the protected trails deliver to; `None`: not judged.
    pub log_bucket: Option<String>,
    /// The key (ARN) the protected trails encrypt with; `None`: not judged.
    pub kms_key: Option<String>,
    pub required: RequiredRecording,
    pub rule_arns: Vec<String>,
    pub function_arns: Vec<String>,
    pub topic_arns: Vec<String>,
    pub key_arns: Vec<String>,
    /// The deployment pipeline's principals: their changes to smguard are expected.
    pub admin_principal_arns: Vec<String>,
}

/// Trail guard settings (see `config.rs` for the keys' documentation).
pub(crate) fn read(settings: &Settings) -> Result<IntegrityConfig, ConfigError> {
    use crate::config::{
        ADMIN_PRINCIPAL_ARNS, GUARD_FUNCTION_ARNS, GUARD_KEY_ARNS, GUARD_RULE_ARNS, GUARD_TOPIC_ARNS, PROTECTED_TRAILS,
        PROTECTED_TRAILS_STACK, TRAIL_KMS_KEY, TRAIL_LOG_BUCKET, TRAIL_REQUIRED_RECORDING,
    };
    let invalid = |key: &str, reason: String| ConfigError::Invalid {
        key: key.to_owned(),
        reason,
    };
    let arns = |key: &str, service: &str, prefix: &str, what: &str| {
        crate::config::arn_list(settings, key, service, prefix, what)
    };
    let principals = settings
        .list(ADMIN_PRINCIPAL_ARNS)
        .into_iter()
        .map(|item| match Arn::parse(item) {
            Some(arn) if matches!(arn.service, "iam" | "sts") => Ok(item.to_owned()),
            _ => Err(invalid(
                ADMIN_PRINCIPAL_ARNS,
                format!("`{item}` is not an IAM or STS principal ARN"),
            )),
        })
        .collect::<Result<_, _>>()?;
    let log_bucket = match settings.get(TRAIL_LOG_BUCKET) {
        None => None,
        Some(bucket) => {
            crate::s3::bucket_name(bucket)
                .map_err(|_| invalid(TRAIL_LOG_BUCKET, format!("`{bucket}` is not an S3 bucket name")))?;
            Some(bucket.to_owned())
        }
    };
    let kms_key = match settings.get(TRAIL_KMS_KEY) {
        None => None,
        Some(key) => match Arn::parse(key) {
            Some(arn) if arn.service == "kms" && arn.resource.starts_with("key/") => Some(key.to_owned()),
            _ => return Err(invalid(TRAIL_KMS_KEY, format!("`{key}` is not a KMS key ARN"))),
        },
    };
    let required = if settings.get(TRAIL_REQUIRED_RECORDING).is_some() {
        RequiredRecording::parse(&settings.list(TRAIL_REQUIRED_RECORDING))
            .map_err(|reason| invalid(TRAIL_REQUIRED_RECORDING, reason))?
    } else {
        RequiredRecording::default()
    };
    Ok(IntegrityConfig {
        protected_trails: arns(PROTECTED_TRAILS, "cloudtrail", "trail/", "a CloudTrail trail")?,
        trails_stack: settings.get(PROTECTED_TRAILS_STACK).map(str::to_owned),
        log_bucket,
        kms_key,
        required,
        rule_arns: arns(GUARD_RULE_ARNS, "events", "rule/", "an EventBridge rule")?,
        function_arns: arns(GUARD_FUNCTION_ARNS, "lambda", "function:", "a Lambda function")?,
        topic_arns: arns(GUARD_TOPIC_ARNS, "sns", "", "an SNS topic")?,
        key_arns: arns(GUARD_KEY_ARNS, "kms", "key/", "a KMS key")?,
        admin_principal_arns: principals,
    })
}

impl IntegrityConfig {
    /// Whether anything is watched: the trail rules and `guard.integrity` judge nothing else.
    pub fn watches_anything(&self) -> bool {
        !(self.protected_trails.is_empty()
            && self.rule_arns.is_empty()
            && self.function_arns.is_empty()
            && self.topic_arns.is_empty()
            && self.key_arns.is_empty())
    }

    /// Whether `arn` is one of the watched parts of `kind`.
    pub fn watches(&self, kind: PartKind, arn: &str) -> bool {
        let list = match kind {
            PartKind::Trail => &self.protected_trails,
            PartKind::Rule => &self.rule_arns,
            PartKind::Function => &self.function_arns,
            PartKind::Topic => &self.topic_arns,
            PartKind::Key => &self.key_arns,
        };
        list.iter().any(|watched| watched == arn)
    }
}

/// What `selectors` fail to record of `required`: one line per gap.
pub fn recording_gaps(selectors: &TrailSelectors, required: RequiredRecording, roles: &[RolePattern]) -> Vec<String> {
    let mut gaps = Vec::new();
    if required.management_writes && !crate::selfcheck::records_management_writes(selectors) {
        gaps.push("no selector records management write events of every service".to_owned());
    }
    if required.s3_object_writes && !crate::selfcheck::records_s3_object_writes_of(selectors, roles) {
        gaps.push(
            "no selector records S3 object write data events on every bucket (unrestricted by bucket, at most scoped \
             to the SageMaker roles' sessions)"
                .to_owned(),
        );
    }
    gaps
}

/// The selectors that restore `required` to a trail that now has `current`: every selector it
/// has is kept, and what is missing is added in the same style (CloudTrail refuses a mix of basic
/// and advanced selectors). `None` when nothing is missing.
pub fn restored_selectors(
    current: &TrailSelectors,
    required: RequiredRecording,
    roles: &[RolePattern],
    partition: &str,
) -> Option<TrailSelectors> {
    let management = required.management_writes && !crate::selfcheck::records_management_writes(current);
    let objects = required.s3_object_writes && !crate::selfcheck::records_s3_object_writes_of(current, roles);
    if !management && !objects {
        return None;
    }
    let mut restored = current.clone();
    match &mut restored {
        TrailSelectors::Basic(basic) => {
            // An empty list is CloudTrail's default (every management event); once a selector is
            // written, management events must be asked for.
            let mut selector = BasicSelector {
                read_write_type: Some("WriteOnly".to_owned()),
                include_management_events: Some(management),
                data_resources: Vec::new(),
                exclude_management_event_sources: Vec::new(),
            };
            if objects {
                selector
                    .data_resources
                    .push(("AWS::S3::Object".to_owned(), vec![format!("arn:{partition}:s3")]));
            }
            basic.push(selector);
        }
        TrailSelectors::Advanced(advanced) => {
            let field = |name: &str, value: &str| FieldSelector {
                field: name.to_owned(),
                equals: vec![value.to_owned()],
                ..FieldSelector::default()
            };
            if management {
                advanced.push(AdvancedSelector {
                    name: Some("smguard: management write events".to_owned()),
                    field_selectors: vec![field("eventCategory", "Management"), field("readOnly", "false")],
                });
            }
            if objects {
                advanced.push(AdvancedSelector {
                    name: Some("smguard: S3 object write data events".to_owned()),
                    field_selectors: vec![
                        field("eventCategory", "Data"),
                        field("resources.type", "AWS::S3::Object"),
                        field("readOnly", "false"),
                    ],
                });
            }
        }
    }
    Some(restored)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn advanced(pairs: &[(&str, &str)]) -> AdvancedSelector {
        AdvancedSelector {
            name: Some("kept".to_owned()),
            field_selectors: pairs
                .iter()
                .map(|(f, v)| FieldSelector {
                    field: (*f).to_owned(),
                    equals: vec![(*v).to_owned()],
                    ..FieldSelector::default()
                })
                .collect(),
        }
    }

    #[test]
    fn restoring_keeps_every_selector_and_adds_only_what_is_missing() {
        let lambda = advanced(&[("eventCategory", "Data"), ("resources.type", "AWS::Lambda::Function")]);
        let management = advanced(&[("eventCategory", "Management")]);
        let current = TrailSelectors::Advanced(vec![lambda.clone(), management.clone()]);
        let restored = restored_selectors(&current, RequiredRecording::default(), &[], "aws-us-gov").unwrap();
        let TrailSelectors::Advanced(selectors) = &restored else {
            panic!("advanced stays advanced: {restored:?}");
        };
        assert_eq!(selectors.len(), 3);
        assert_eq!(selectors[0], lambda);
        assert_eq!(selectors[1], management);
        assert_eq!(
            selectors[2].name.as_deref(),
            Some("smguard: S3 object write data events")
        );
        assert!(recording_gaps(&restored, RequiredRecording::default(), &[]).is_empty());
        assert_eq!(
            restored_selectors(&restored, RequiredRecording::default(), &[], "aws-us-gov"),
            None,
            "nothing missing: nothing to write"
        );
    }

    #[test]
    fn basic_selectors_get_a_basic_selector_in_the_trails_partition() {
        let reads = TrailSelectors::Basic(vec![BasicSelector {
            read_write_type: Some("ReadOnly".to_owned()),
            include_management_events: Some(true),
            data_resources: Vec::new(),
            exclude_management_event_sources: Vec::new(),
        }]);
        assert_eq!(recording_gaps(&reads, RequiredRecording::default(), &[]).len(), 2);
        let restored = restored_selectors(&reads, RequiredRecording::default(), &[], "aws-us-gov").unwrap();
        let TrailSelectors::Basic(selectors) = &restored else {
            panic!("basic stays basic");
        };
        assert_eq!(selectors.len(), 2);
        assert_eq!(selectors[1].read_write_type.as_deref(), Some("WriteOnly"));
        assert_eq!(selectors[1].include_management_events, Some(true));
        assert_eq!(
            selectors[1].data_resources,
            [("AWS::S3::Object".to_owned(), vec!["arn:aws-us-gov:s3".to_owned()])]
        );
        assert!(recording_gaps(&restored, RequiredRecording::default(), &[]).is_empty());
    }

    #[test]
    fn the_required_recording_is_configurable() {
        assert_eq!(
            RequiredRecording::parse(&["management-writes"]),
            Ok(RequiredRecording {
                management_writes: true,
                s3_object_writes: false
            })
        );
        assert_eq!(
            RequiredRecording::parse(&["everything"]).unwrap_err(),
            "`everything` is not `management-writes` or `s3-object-writes`"
        );
        let only_management = TrailSelectors::Basic(Vec::new());
        let required = RequiredRecording {
            management_writes: true,
            s3_object_writes: false,
        };
        assert!(recording_gaps(&only_management, required, &[]).is_empty());
    }
}
