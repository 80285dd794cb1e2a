//! Calls on what smguard depends on and is made of: CloudTrail's trails, EventBridge rules,
//! Lambda functions, SNS topics and KMS keys, read into a [`GuardPart`] when they name a
//! protected trail or one of smguard's parts (anything else is ignored).
//!
//! CloudTrail keeps the API's member names in camelCase (`trailName`, `advancedEventSelectors`,
//! `fieldSelectors`, `reservedConcurrentExecutions`), and records Lambda calls under versioned
//! names (`PutFunctionConcurrency20171031`, `UpdateFunctionConfiguration20150331v2`). It omits a
//! function's `Environment` from `UpdateFunctionConfiguration` records: the new mode and controls
//! are never in the event.

use serde::Deserialize;

use super::super::{EventError, EventInfo, IgnoreReason, Subject};
use super::{Record, read_parameters};
use crate::arn::{Arn, partition_for_region, principal_matches};
use crate::config::PolicyConfig;
use crate::integrity::{FunctionState, GuardPart, KeyState, PartState, RuleState, TopicState, TrailKey, TrailState};
use crate::model::{Location, Principal};
use crate::selfcheck::{AdvancedSelector, BasicSelector, FieldSelector, TrailSelectors};

pub const CLOUDTRAIL_SOURCE: &str = "cloudtrail.amazonaws.com";
pub const EVENTS_SOURCE: &str = "events.amazonaws.com";
pub const LAMBDA_SOURCE: &str = "lambda.amazonaws.com";
pub const SNS_SOURCE: &str = "sns.amazonaws.com";
pub const KMS_SOURCE: &str = "kms.amazonaws.com";

/// The event sources read here.
pub const SOURCES: [&str; 5] = [CLOUDTRAIL_SOURCE, EVENTS_SOURCE, LAMBDA_SOURCE, SNS_SOURCE, KMS_SOURCE];

/// The calls judged, by event source, as CloudTrail names them (Lambda's without the version
/// suffix): what the trail guard's EventBridge rule matches.
pub const CALLS: &[(&str, &[&str])] = &[
    (
        CLOUDTRAIL_SOURCE,
        &[
            "StopLogging",
            "StartLogging",
            "DeleteTrail",
            "PutEventSelectors",
            "UpdateTrail",
        ],
    ),
    (
        EVENTS_SOURCE,
        &["DisableRule", "EnableRule", "DeleteRule", "RemoveTargets", "PutRule"],
    ),
    (
        LAMBDA_SOURCE,
        &[
            "PutFunctionConcurrency",
            "DeleteFunctionConcurrency",
            "UpdateFunctionConfiguration",
            "UpdateFunctionCode",
            "DeleteFunction",
        ],
    ),
    (SNS_SOURCE, &["Unsubscribe", "DeleteTopic", "SetTopicAttributes"]),
    (
        KMS_SOURCE,
        &["DisableKey", "EnableKey", "ScheduleKeyDeletion", "CancelKeyDeletion"],
    ),
];

/// Every member of the calls' `requestParameters` read here; the others are ignored.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct CallParameters {
    /// `true` when CloudTrail left the parameters out (over 100 KB).
    omitted: Option<bool>,
    name: Option<String>,
    trail_name: Option<String>,
    event_selectors: Option<Vec<WireBasicSelector>>,
    advanced_event_selectors: Option<Vec<WireAdvancedSelector>>,
    s3_bucket_name: Option<String>,
    kms_key_id: Option<String>,
    is_multi_region_trail: Option<bool>,
    enable_log_file_validation: Option<bool>,
    event_bus_name: Option<String>,
    rule: Option<String>,
    ids: Option<Vec<String>>,
    state: Option<String>,
    function_name: Option<String>,
    reserved_concurrent_executions: Option<i64>,
    subscription_arn: Option<String>,
    topic_arn: Option<String>,
    attribute_name: Option<String>,
    key_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireBasicSelector {
    read_write_type: Option<String>,
    include_management_events: Option<bool>,
    #[serde(default)]
    data_resources: Vec<WireDataResource>,
    #[serde(default)]
    exclude_management_event_sources: Vec<String>,
}

#[derive(Deserialize)]
struct WireDataResource {
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    values: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireAdvancedSelector {
    name: Option<String>,
    #[serde(default)]
    field_selectors: Vec<WireFieldSelector>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireFieldSelector {
    field: Option<String>,
    #[serde(default)]
    equals: Vec<String>,
    #[serde(default)]
    not_equals: Vec<String>,
    #[serde(default)]
    starts_with: Vec<String>,
    #[serde(default)]
    not_starts_with: Vec<String>,
    #[serde(default)]
    ends_with: Vec<String>,
    #[serde(default)]
    not_ends_with: Vec<String>,
}

/// A Lambda call's name without CloudTrail's API-version suffix: `UpdateFunctionConfiguration`
/// for `UpdateFunctionConfiguration20150331v2`.
pub fn unversioned(event_name: &str) -> &str {
    let Some(start) = event_name.find(|c: char| c.is_ascii_digit()) else {
        return event_name;
    };
    let (base, suffix) = event_name.split_at(start);
    let (date, rest) = suffix.split_at(suffix.len().min(8));
    let versioned = date.len() == 8
        && date.chars().all(|c| c.is_ascii_digit())
        && (rest.is_empty()
            || rest
                .strip_prefix('v')
                .is_some_and(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit())));
    if versioned { base } else { event_name }
}

/// Where the call was made: partition, Region and account, for ARNs built from bare names.
struct CallSite {
    partition: String,
    region: String,
    account: String,
}

impl CallSite {
    fn of(info: &EventInfo, principal: &Principal) -> Option<CallSite> {
        let region = info.region.clone().filter(|r| !r.is_empty())?;
        let account = info
            .account
            .clone()
            .or_else(|| principal.account_id.clone())
            .filter(|a| !a.is_empty())?;
        // The caller's ARN is in the call's partition; else the Region's.
        let partition = principal
            .arn
            .as_deref()
            .and_then(Arn::parse)
            .map(|arn| arn.partition.to_owned())
            .unwrap_or_else(|| partition_for_region(&region).to_owned());
        Some(CallSite {
            partition,
            region,
            account,
        })
    }

    fn arn(&self, service: &str, resource: &str) -> String {
        format!(
            "arn:{}:{service}:{}:{}:{resource}",
            self.partition, self.region, self.account
        )
    }
}

/// A successful call on one of the five services by someone other than smguard.
pub(super) fn normalize(
    record: Record<'_>,
    principal: Principal,
    info: &mut EventInfo,
    config: &PolicyConfig,
) -> Subject {
    let event_name = record.event_name.as_deref().unwrap_or_default().to_owned();
    let source = record.event_source.as_deref().unwrap_or_default();
    let call = match source {
        LAMBDA_SOURCE => unversioned(&event_name),
        _ => event_name.as_str(),
    };
    let judged = CALLS
        .iter()
        .any(|(service, calls)| *service == source && calls.contains(&call));
    if !judged {
        return Subject::Ignored(IgnoreReason::Unrelated {
            description: format!("`{event_name}` from `{source}`"),
        });
    }
    let integrity = &config.integrity;
    if !integrity.watches_anything() {
        return Subject::Ignored(IgnoreReason::Unrelated {
            description: format!("`{event_name}` (no protected trails or smguard parts are configured)"),
        });
    }
    let parameters: CallParameters = match read_parameters(&record, &event_name) {
        Ok(CallParameters {
            omitted: Some(true), ..
        }) => {
            // `{"omitted": true}`: which part the call named is unknown.
            return Subject::Unevaluable(EventError::MissingRequired {
                event: event_name,
                field: "requestParameters".to_owned(),
            });
        }
        Ok(parameters) => parameters,
        Err(error) => return Subject::Unevaluable(error),
    };
    let Some(site) = CallSite::of(info, &principal) else {
        return Subject::Unevaluable(EventError::MissingRequired {
            event: event_name,
            field: "awsRegion` or `recipientAccountId".to_owned(),
        });
    };
    let read = match source {
        CLOUDTRAIL_SOURCE => trail(call, &parameters, &site, &event_name),
        EVENTS_SOURCE => rule(call, &parameters, &site, &event_name),
        LAMBDA_SOURCE => function(call, &parameters, &site, &event_name),
        SNS_SOURCE => topic(call, &parameters, &event_name),
        _ => key(call, &parameters, &site, &event_name),
    };
    let (arn, state) = match read {
        Ok(read) => read,
        Err(error) => return Subject::Unevaluable(error),
    };
    let kind = state.kind();
    if !integrity.watches(kind, &arn) {
        return Subject::Ignored(IgnoreReason::Unrelated {
            description: format!("`{event_name}` on `{arn}` (not a protected trail or one of smguard's parts)"),
        });
    }
    if let Some(admin) = integrity
        .admin_principal_arns
        .iter()
        .find(|admin| principal_matches(admin, principal.arn.as_deref(), principal.session_issuer_arn.as_deref()))
    {
        return Subject::Ignored(IgnoreReason::AdminChange {
            event_name,
            principal: admin.clone(),
            part: arn,
        });
    }
    let location = Location::from_arn(&arn);
    Subject::GuardChange(Box::new(GuardPart {
        arn,
        call: Some(event_name),
        state,
        location,
        caller: Some(principal),
    }))
}

fn missing(event: &str, field: &str) -> EventError {
    EventError::MissingRequired {
        event: event.to_owned(),
        field: format!("requestParameters.{field}"),
    }
}

fn present(value: Option<&String>) -> Option<&str> {
    value.map(String::as_str).filter(|v| !v.is_empty())
}

/// A name or an ARN of `service` with `prefix` (`trail/`): the full ARN.
fn named_arn(text: &str, service: &str, prefix: &str, site: &CallSite, event: &str) -> Result<String, EventError> {
    if text.starts_with("arn:") {
        return match Arn::parse(text) {
            Some(arn) if arn.service == service && arn.resource.starts_with(prefix) => Ok(text.to_owned()),
            _ => Err(EventError::InvalidField {
                event: event.to_owned(),
                reason: format!("`{text}` is not the ARN of a {service} `{prefix}` resource"),
            }),
        };
    }
    Ok(site.arn(service, &format!("{prefix}{text}")))
}

fn trail(call: &str, p: &CallParameters, site: &CallSite, event: &str) -> Result<(String, PartState), EventError> {
    let (field, name) = match call {
        "PutEventSelectors" => ("trailName", present(p.trail_name.as_ref())),
        _ => ("name", present(p.name.as_ref())),
    };
    let name = name.ok_or_else(|| missing(event, field))?;
    let arn = named_arn(name, "cloudtrail", "trail/", site, event)?;
    let mut state = TrailState::default();
    match call {
        "StopLogging" => state.logging = Some(false),
        "StartLogging" => state.logging = Some(true),
        "DeleteTrail" => state.exists = Some(false),
        "PutEventSelectors" => {
            state.selectors = Some(match (&p.event_selectors, &p.advanced_event_selectors) {
                (_, Some(advanced)) => TrailSelectors::Advanced(
                    advanced
                        .iter()
                        .map(|s| advanced_selector(s, event))
                        .collect::<Result<_, _>>()?,
                ),
                (Some(basic), None) => TrailSelectors::Basic(basic.iter().map(basic_selector).collect()),
                (None, None) => return Err(missing(event, "eventSelectors` or `advancedEventSelectors")),
            });
        }
        // UpdateTrail: a member sent is the new value; a member left out is unchanged.
        _ => {
            state.multi_region = p.is_multi_region_trail;
            state.log_file_validation = p.enable_log_file_validation;
            state.bucket = p.s3_bucket_name.clone();
            state.kms_key = p.kms_key_id.as_ref().map(|key| {
                if key.trim().is_empty() {
                    TrailKey::Removed
                } else {
                    TrailKey::Key(key.clone())
                }
            });
        }
    }
    Ok((arn, PartState::Trail(state)))
}

fn basic_selector(wire: &WireBasicSelector) -> BasicSelector {
    BasicSelector {
        read_write_type: wire.read_write_type.clone(),
        include_management_events: wire.include_management_events,
        data_resources: wire
            .data_resources
            .iter()
            .map(|d| (d.kind.clone().unwrap_or_default(), d.values.clone()))
            .collect(),
        exclude_management_event_sources: wire.exclude_management_event_sources.clone(),
    }
}

fn advanced_selector(wire: &WireAdvancedSelector, event: &str) -> Result<AdvancedSelector, EventError> {
    let field_selectors = wire
        .field_selectors
        .iter()
        .map(|f| {
            Ok(FieldSelector {
                field: f
                    .field
                    .clone()
                    .filter(|f| !f.is_empty())
                    .ok_or_else(|| missing(event, "advancedEventSelectors[].fieldSelectors[].field"))?,
                equals: f.equals.clone(),
                not_equals: f.not_equals.clone(),
                starts_with: f.starts_with.clone(),
                not_starts_with: f.not_starts_with.clone(),
                ends_with: f.ends_with.clone(),
                not_ends_with: f.not_ends_with.clone(),
            })
        })
        .collect::<Result<_, EventError>>()?;
    Ok(AdvancedSelector {
        name: wire.name.clone(),
        field_selectors,
    })
}

fn rule(call: &str, p: &CallParameters, site: &CallSite, event: &str) -> Result<(String, PartState), EventError> {
    let (field, name) = match call {
        "RemoveTargets" => ("rule", present(p.rule.as_ref())),
        _ => ("name", present(p.name.as_ref())),
    };
    let name = name.ok_or_else(|| missing(event, field))?;
    // `EventBusName` is a name or an ARN; rules on the default bus have no bus in their ARN.
    let bus = present(p.event_bus_name.as_ref())
        .map(|bus| match Arn::parse(bus) {
            Some(arn) => arn.resource.strip_prefix("event-bus/").unwrap_or(arn.resource),
            None => bus,
        })
        .filter(|bus| *bus != "default");
    let resource = match bus {
        Some(bus) => format!("rule/{bus}/{name}"),
        None => format!("rule/{name}"),
    };
    let arn = site.arn("events", &resource);
    let mut state = RuleState::default();
    match call {
        "DisableRule" => state.enabled = Some(false),
        "EnableRule" => state.enabled = Some(true),
        "DeleteRule" => state.exists = Some(false),
        "RemoveTargets" => state.targets_removed = p.ids.clone().unwrap_or_default(),
        // PutRule replaces the pattern; its `State` is the new state when sent.
        _ => {
            state.replaced = true;
            state.enabled = p.state.as_deref().map(|s| s != "DISABLED");
        }
    }
    Ok((arn, PartState::Rule(state)))
}

fn function(call: &str, p: &CallParameters, site: &CallSite, event: &str) -> Result<(String, PartState), EventError> {
    let text = present(p.function_name.as_ref()).ok_or_else(|| missing(event, "functionName"))?;
    let not_a_function = || EventError::InvalidField {
        event: event.to_owned(),
        reason: format!("`{text}` is not a Lambda function ARN"),
    };
    // A name, an ARN or a partial ARN (`123456789012:function:name`), perhaps with a qualifier;
    // a full ARN keeps its own partition and Region.
    let (partition, region, account, name) = match Arn::parse(text) {
        Some(arn) if arn.service == "lambda" => {
            let name = arn.resource.strip_prefix("function:").ok_or_else(not_a_function)?;
            (arn.partition, arn.region, arn.account, name)
        }
        Some(_) => return Err(not_a_function()),
        None => match text.split_once(":function:") {
            Some((account, name)) => (site.partition.as_str(), site.region.as_str(), account, name),
            None => (
                site.partition.as_str(),
                site.region.as_str(),
                site.account.as_str(),
                text,
            ),
        },
    };
    let name = name.split(':').next().unwrap_or(name);
    let arn = format!("arn:{partition}:lambda:{region}:{account}:function:{name}");
    let mut state = FunctionState::default();
    match call {
        "PutFunctionConcurrency" => {
            state.reserved_concurrency = Some(
                p.reserved_concurrent_executions
                    .ok_or_else(|| missing(event, "reservedConcurrentExecutions"))?,
            );
        }
        "DeleteFunctionConcurrency" => state.exists = Some(true),
        "DeleteFunction" => state.exists = Some(false),
        "UpdateFunctionCode" => state.replaced = Some("code"),
        _ => state.replaced = Some("configuration"),
    }
    Ok((arn, PartState::Function(state)))
}

fn topic(call: &str, p: &CallParameters, event: &str) -> Result<(String, PartState), EventError> {
    let mut state = TopicState::default();
    let arn = match call {
        "Unsubscribe" => {
            let subscription = present(p.subscription_arn.as_ref()).ok_or_else(|| missing(event, "subscriptionArn"))?;
            state.unsubscribed = Some(subscription.to_owned());
            // `arn:<p>:sns:<region>:<account>:<topic>:<subscription-id>`.
            match subscription.rsplit_once(':') {
                Some((topic, _)) if Arn::parse(topic).is_some_and(|a| a.service == "sns") => topic.to_owned(),
                _ => {
                    return Err(EventError::InvalidField {
                        event: event.to_owned(),
                        reason: format!("`{subscription}` is not an SNS subscription ARN"),
                    });
                }
            }
        }
        _ => {
            let topic = present(p.topic_arn.as_ref()).ok_or_else(|| missing(event, "topicArn"))?;
            if Arn::parse(topic).is_none_or(|a| a.service != "sns") {
                return Err(EventError::InvalidField {
                    event: event.to_owned(),
                    reason: format!("`{topic}` is not an SNS topic ARN"),
                });
            }
            if call == "DeleteTopic" {
                state.exists = Some(false);
            } else {
                state.attribute_set = Some(
                    present(p.attribute_name.as_ref())
                        .ok_or_else(|| missing(event, "attributeName"))?
                        .to_owned(),
                );
            }
            topic.to_owned()
        }
    };
    Ok((arn, PartState::Topic(state)))
}

fn key(call: &str, p: &CallParameters, site: &CallSite, event: &str) -> Result<(String, PartState), EventError> {
    let id = present(p.key_id.as_ref()).ok_or_else(|| missing(event, "keyId"))?;
    // These calls take a key ID or a key ARN, never an alias.
    let arn = named_arn(id, "kms", "key/", site, event)?;
    let mut state = KeyState::default();
    match call {
        "DisableKey" => state.enabled = Some(false),
        "EnableKey" => state.enabled = Some(true),
        "ScheduleKeyDeletion" => state.deletion_scheduled = Some(true),
        _ => state.deletion_scheduled = Some(false),
    }
    Ok((arn, PartState::Key(state)))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::unversioned;
    use crate::config::{GUARD_FUNCTION_ARNS, GUARD_RULE_ARNS, PROTECTED_TRAILS, PolicyConfig, Settings};
    use crate::event::{IgnoreReason, Subject};
    use crate::integrity::{FunctionState, KeyState, PartState, RuleState, TrailState};

    /// A bare CloudTrail record of `name` from `source` by someone other than smguard.
    fn record(source: &str, name: &str, parameters: &str) -> String {
        format!(
            r#"{{"eventSource":"{source}","eventName":"{name}","awsRegion":"us-gov-west-1","recipientAccountId":"111122223333",
               "userIdentity":{{"type":"IAMUser","arn":"arn:aws-us-gov:iam::111122223333:user/someone","accountId":"111122223333"}},
               "requestParameters":{parameters},"responseElements":null,"eventID":"e"}}"#
        )
    }

    /// A call read with the fixtures' settings, which name every kind of part.
    fn read(source: &str, name: &str, parameters: serde_json::Value) -> Subject {
        let config = crate::config::fixtures::config();
        crate::normalize(&record(source, name, &parameters.to_string()), &config).subject
    }

    fn part_state(source: &str, name: &str, parameters: serde_json::Value) -> PartState {
        match read(source, name, parameters) {
            Subject::GuardChange(part) => part.state,
            other => panic!("{name}: not a guard change: {other:?}"),
        }
    }

    fn part_named(source: &str, name: &str, parameters: &str) -> Option<String> {
        let event = record(source, name, parameters);
        let watched = [
            (
                PROTECTED_TRAILS,
                "arn:aws-us-gov:cloudtrail:us-gov-west-1:111122223333:trail/org,arn:aws-us-gov:cloudtrail:us-gov-east-1:111122223333:trail/east",
            ),
            (
                GUARD_FUNCTION_ARNS,
                "arn:aws-us-gov:lambda:us-gov-west-1:111122223333:function:guard,arn:aws-us-gov:lambda:us-gov-east-1:111122223333:function:guard",
            ),
            (
                GUARD_RULE_ARNS,
                "arn:aws-us-gov:events:us-gov-west-1:111122223333:rule/guard,arn:aws-us-gov:events:us-gov-west-1:111122223333:rule/smguard-bus/guard",
            ),
        ];
        let config = PolicyConfig::from_settings(&Settings::from_pairs(watched)).unwrap();
        crate::assess(&event, &config).part.map(|part| part.arn)
    }

    #[test]
    fn a_call_names_a_part_by_name_arn_or_partial_arn_in_its_own_partition_and_region() {
        let west = "arn:aws-us-gov:lambda:us-gov-west-1:111122223333:function:guard";
        let east = "arn:aws-us-gov:lambda:us-gov-east-1:111122223333:function:guard";
        let lambda = "lambda.amazonaws.com";
        let call = "PutFunctionConcurrency20171031";
        for (parameters, arn) in [
            (r#"{"functionName":"guard","reservedConcurrentExecutions":0}"#, west),
            (
                r#"{"functionName":"111122223333:function:guard","reservedConcurrentExecutions":0}"#,
                west,
            ),
            (
                r#"{"functionName":"guard:live","reservedConcurrentExecutions":0}"#,
                west,
            ),
            (
                &format!(r#"{{"functionName":"{east}","reservedConcurrentExecutions":0}}"#),
                east,
            ),
        ] {
            assert_eq!(
                part_named(lambda, call, parameters).as_deref(),
                Some(arn),
                "{parameters}"
            );
        }
        let trail = "arn:aws-us-gov:cloudtrail:us-gov-east-1:111122223333:trail/east";
        assert_eq!(
            part_named(
                "cloudtrail.amazonaws.com",
                "StopLogging",
                &format!(r#"{{"name":"{trail}"}}"#)
            )
            .as_deref(),
            Some(trail),
            "an ARN is not rebuilt in the call's Region"
        );
        assert_eq!(
            part_named("cloudtrail.amazonaws.com", "StopLogging", r#"{"name":"org"}"#).as_deref(),
            Some("arn:aws-us-gov:cloudtrail:us-gov-west-1:111122223333:trail/org"),
            "a bare name: the call's account and Region"
        );
        assert_eq!(
            part_named(
                "events.amazonaws.com",
                "DisableRule",
                r#"{"name":"guard","eventBusName":"arn:aws-us-gov:events:us-gov-west-1:111122223333:event-bus/smguard-bus"}"#
            )
            .as_deref(),
            Some("arn:aws-us-gov:events:us-gov-west-1:111122223333:rule/smguard-bus/guard"),
            "a rule on another bus has the bus in its ARN"
        );
        assert_eq!(
            part_named(
                "events.amazonaws.com",
                "DisableRule",
                r#"{"name":"guard","eventBusName":"default"}"#
            )
            .as_deref(),
            Some("arn:aws-us-gov:events:us-gov-west-1:111122223333:rule/guard")
        );
    }

    #[test]
    fn lambda_calls_are_matched_without_their_version_suffix() {
        assert_eq!(unversioned("PutFunctionConcurrency20171031"), "PutFunctionConcurrency");
        assert_eq!(
            unversioned("UpdateFunctionConfiguration20150331v2"),
            "UpdateFunctionConfiguration"
        );
        assert_eq!(unversioned("DeleteFunction20150331"), "DeleteFunction");
        assert_eq!(unversioned("DeleteFunction"), "DeleteFunction");
        assert_eq!(unversioned("Call2015"), "Call2015", "not a version");
        assert_eq!(unversioned("Call20150331x"), "Call20150331x");
        assert_eq!(unversioned("Call20150331v"), "Call20150331v");
    }

    #[test]
    fn each_guarded_call_says_what_it_changed() {
        let trail = "ml-platform-trail";
        let key = "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/6a1e2d3c-4b5a-4f6e-8d7c-1b2a3c4d5e6f";
        let function = "smguard-sagemaker-guard";
        let rule = "smguard-sagemaker-calls";
        for (source, name, parameters, state) in [
            (
                "cloudtrail.amazonaws.com",
                "StartLogging",
                json!({"name": trail}),
                PartState::Trail(TrailState {
                    logging: Some(true),
                    ..TrailState::default()
                }),
            ),
            (
                "events.amazonaws.com",
                "DeleteRule",
                json!({"name": rule}),
                PartState::Rule(RuleState {
                    exists: Some(false),
                    ..RuleState::default()
                }),
            ),
            (
                "events.amazonaws.com",
                "RemoveTargets",
                json!({"rule": rule, "ids": ["guard"]}),
                PartState::Rule(RuleState {
                    targets_removed: vec!["guard".to_owned()],
                    ..RuleState::default()
                }),
            ),
            (
                "lambda.amazonaws.com",
                "UpdateFunctionCode20150331v2",
                json!({"functionName": function}),
                PartState::Function(FunctionState {
                    replaced: Some("code"),
                    ..FunctionState::default()
                }),
            ),
            (
                "kms.amazonaws.com",
                "EnableKey",
                json!({"keyId": key}),
                PartState::Key(KeyState {
                    enabled: Some(true),
                    ..KeyState::default()
                }),
            ),
        ] {
            assert_eq!(part_state(source, name, parameters), state, "{name}");
        }
    }

    #[test]
    fn a_guarded_call_naming_another_services_arn_is_unevaluable() {
        for (source, name, parameters, reason) in [
            (
                "kms.amazonaws.com",
                "DisableKey",
                json!({"keyId": "arn:aws-us-gov:kms:us-gov-west-1:111122223333:alias/smguard"}),
                "is not the ARN of a kms `key/` resource",
            ),
            (
                "cloudtrail.amazonaws.com",
                "StopLogging",
                json!({"name": "arn:aws-us-gov:s3:::trail/ml-platform-trail"}),
                "is not the ARN of a cloudtrail `trail/` resource",
            ),
            (
                "lambda.amazonaws.com",
                "DeleteFunction20150331",
                json!({"functionName": "arn:aws-us-gov:sqs:us-gov-west-1:111122223333:function:smguard-sagemaker-guard"}),
                "is not a Lambda function ARN",
            ),
            (
                "sns.amazonaws.com",
                "Unsubscribe",
                json!({"subscriptionArn": "arn:aws-us-gov:sqs:us-gov-west-1:111122223333:smguard-alerts:7f1e"}),
                "is not an SNS subscription ARN",
            ),
        ] {
            match read(source, name, parameters) {
                Subject::Unevaluable(error) => assert!(error.to_string().contains(reason), "{name}: {error}"),
                other => panic!("{name}: not unevaluable: {other:?}"),
            }
        }
    }

    #[test]
    fn a_call_on_a_guarded_service_that_smguard_does_not_judge_is_unrelated() {
        for (source, name) in [
            ("sns.amazonaws.com", "CreateTopic"),
            ("cloudtrail.amazonaws.com", "CreateTrail"),
            ("kms.amazonaws.com", "Decrypt"),
        ] {
            assert_eq!(
                read(source, name, json!({"name": "x"})),
                Subject::Ignored(IgnoreReason::Unrelated {
                    description: format!("`{name}` from `{source}`")
                })
            );
        }
    }
}
