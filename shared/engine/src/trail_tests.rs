//! The response path for changes to protected trails and smguard's own parts, over fakes:
//! restore, keep what the trail had, second channel, admin changes, dry run, duplicates.

use smguard_policy::selfcheck::{AdvancedSelector, FieldSelector, TrailSelectors};
use smguard_policy::{AlertChannel, Outcome, PolicyConfig, Settings};

use crate::fakes::{FakeGuard, GuardedTrail, MemoryLedger, RecordingNotifier};
use crate::guard::{Guard, Mode, Ports};
use crate::ports::{FunctionConfiguration, PortError};

const NOW: u64 = 1_764_497_700;
const TRAIL: &str = "arn:aws-us-gov:cloudtrail:us-gov-west-1:111122223333:trail/ml-platform-trail";
const RULE: &str = "arn:aws-us-gov:events:us-gov-west-1:111122223333:rule/smguard-sagemaker-calls";
const FUNCTION: &str = "arn:aws-us-gov:lambda:us-gov-west-1:111122223333:function:smguard-sagemaker-guard";
const KEY: &str = "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/6a1e2d3c-4b5a-4f6e-8d7c-1b2a3c4d5e6f";

macro_rules! fixture {
    ($path:literal) => {
        include_str!(concat!("../../../events/", $path))
    };
}

const STOP_LOGGING: &str = fixture!("cloudtrail/cloudtrail/stop-logging.json");
const STOP_LOGGING_BY_ADMIN: &str = fixture!("cloudtrail/cloudtrail/stop-logging.by-admin.json");
const DROPS_S3: &str = fixture!("cloudtrail/cloudtrail/put-event-selectors.advanced-drops-s3.json");
const SINGLE_REGION: &str = fixture!("cloudtrail/cloudtrail/update-trail.single-region.json");
const DISABLE_RULE: &str = fixture!("cloudtrail/events/disable-rule.json");
const ZERO_CONCURRENCY: &str = fixture!("cloudtrail/lambda/put-function-concurrency.zero.json");
const UPDATE_CONFIGURATION: &str = fixture!("cloudtrail/lambda/update-function-configuration.json");
const DELETE_TOPIC: &str = fixture!("cloudtrail/sns/delete-topic.json");
const SCHEDULE_KEY_DELETION: &str = fixture!("cloudtrail/kms/schedule-key-deletion.json");
const SETTINGS: &str = fixture!("fixtures.env");

struct World {
    guard: FakeGuard,
    notifier: RecordingNotifier,
    second_channel: RecordingNotifier,
    ledger: MemoryLedger,
    policy: PolicyConfig,
}

fn advanced(name: &str, pairs: &[(&str, &str)]) -> AdvancedSelector {
    AdvancedSelector {
        name: Some(name.to_owned()),
        field_selectors: pairs
            .iter()
            .map(|(field, value)| FieldSelector {
                field: (*field).to_owned(),
                equals: vec![(*value).to_owned()],
                ..FieldSelector::default()
            })
            .collect(),
    }
}

impl World {
    fn new() -> World {
        let settings = Settings::parse_env_file(SETTINGS, "fixtures.env").unwrap();
        let guard = FakeGuard::new();
        // As the attacker left it: logging stopped, S3 data events dropped, a Lambda selector kept.
        guard.trails.lock().unwrap().insert(
            TRAIL.to_owned(),
            GuardedTrail {
                logging: false,
                multi_region: false,
                log_file_validation: true,
                selectors: TrailSelectors::Advanced(vec![
                    advanced("Management events", &[("eventCategory", "Management")]),
                    advanced(
                        "Lambda invokes",
                        &[("eventCategory", "Data"), ("resources.type", "AWS::Lambda::Function")],
                    ),
                ]),
            },
        );
        guard.rules.lock().unwrap().insert(RULE.to_owned(), false);
        guard.functions.lock().unwrap().insert(
            FUNCTION.to_owned(),
            (
                Some(0),
                FunctionConfiguration {
                    mode: Some("dry-run".to_owned()),
                    controls: Some("network.vpc-required=off".to_owned()),
                    last_modified: Some("2026-11-30T10:15:00.000+0000".to_owned()),
                },
            ),
        );
        guard.keys.lock().unwrap().insert(KEY.to_owned(), (false, true));
        World {
            guard,
            notifier: RecordingNotifier::new(),
            second_channel: RecordingNotifier::new(),
            ledger: MemoryLedger::new(),
            policy: PolicyConfig::from_settings(&settings).unwrap(),
        }
    }

    fn handler(&self, mode: Mode) -> Guard<'_> {
        Guard {
            ports: Ports {
                inventory: None,
                remediator: None,
                objects: None,
                guard: Some(&self.guard),
                notifier: &self.notifier,
                fallback: Some(&self.second_channel),
                ledger: &self.ledger,
            },
            policy: &self.policy,
            mode,
        }
    }
}

#[tokio::test]
async fn a_stopped_trail_logs_again_and_is_alerted_once_however_often_the_event_comes() {
    let world = World::new();
    let report = world.handler(Mode::Enforce).handle(STOP_LOGGING, NOW).await.unwrap();
    assert_eq!(report.outcome, Outcome::NonCompliant);
    assert_eq!(report.rules, ["trail.logging-required"]);
    assert_eq!(report.object.as_deref(), Some(TRAIL));
    assert!(world.guard.trail(TRAIL).unwrap().logging);
    let again = world
        .handler(Mode::Enforce)
        .handle(STOP_LOGGING, NOW + 5)
        .await
        .unwrap();
    assert!(again.duplicate, "a redelivery finds it done");
    assert_eq!(world.guard.calls(), [format!("start_logging {TRAIL}")], "acted once");
    let alerts = world.notifier.alerts();
    assert_eq!(alerts.len(), 1);
    let text = alerts[0].text();
    assert!(text.contains("Part:      CloudTrail trail ml-platform-trail"), "{text}");
    assert!(text.contains("- start_logging: restored"), "{text}");
    assert_eq!(alerts[0].severity(), smguard_policy::Severity::Critical);
    let kind = alerts[0]
        .attributes()
        .into_iter()
        .find(|a| a.name == "resource_kind")
        .unwrap();
    assert_eq!(kind.value, "cloudtrail_trail");
}

#[tokio::test]
async fn narrowed_selectors_get_the_required_ones_back_and_keep_the_others() {
    let world = World::new();
    world.handler(Mode::Enforce).handle(DROPS_S3, NOW).await.unwrap();
    let TrailSelectors::Advanced(selectors) = world.guard.trail(TRAIL).unwrap().selectors else {
        panic!("advanced selectors stay advanced");
    };
    let names: Vec<&str> = selectors.iter().filter_map(|s| s.name.as_deref()).collect();
    assert_eq!(
        names,
        [
            "Management events",
            "Lambda invokes",
            "smguard: S3 object write data events"
        ]
    );
    assert_eq!(
        world.guard.calls(),
        [
            format!("event_selectors {TRAIL}"),
            format!("put_event_selectors {TRAIL}")
        ],
        "read first, then written"
    );
    // A single-Region change: the selectors now suffice, the trail is made multi-Region.
    world.handler(Mode::Enforce).handle(SINGLE_REGION, NOW).await.unwrap();
    assert!(world.guard.trail(TRAIL).unwrap().multi_region);
    let alert = world.notifier.alerts().pop().unwrap();
    assert!(
        alert.text().contains("made the trail multi-Region again"),
        "{}",
        alert.text()
    );
}

#[tokio::test]
async fn a_disabled_rule_a_zero_limit_and_a_key_pending_deletion_are_put_back() {
    let world = World::new();
    world.handler(Mode::Enforce).handle(DISABLE_RULE, NOW).await.unwrap();
    assert!(world.guard.rules.lock().unwrap()[RULE]);
    world
        .handler(Mode::Enforce)
        .handle(ZERO_CONCURRENCY, NOW)
        .await
        .unwrap();
    assert_eq!(world.guard.functions.lock().unwrap()[FUNCTION].0, None, "limit removed");
    world
        .handler(Mode::Enforce)
        .handle(SCHEDULE_KEY_DELETION, NOW)
        .await
        .unwrap();
    assert_eq!(
        world.guard.keys.lock().unwrap()[KEY],
        (true, false),
        "deletion cancelled, then enabled (a cancelled key is left disabled)"
    );
    assert_eq!(world.notifier.alerts().len(), 3);
}

#[tokio::test]
async fn a_changed_function_is_read_as_it_is_now_and_the_alert_names_its_mode_even_in_dry_run() {
    let world = World::new();
    world
        .handler(Mode::DryRun)
        .handle(UPDATE_CONFIGURATION, NOW)
        .await
        .unwrap();
    let text = world.notifier.alerts()[0].text();
    assert!(
        text.contains("inspect_function: read: now: mode dry-run; controls network.vpc-required=off"),
        "{text}"
    );
}

#[tokio::test]
async fn an_attack_on_the_alert_topic_is_alerted_through_the_second_channel() {
    let world = World::new();
    let report = world.handler(Mode::Enforce).handle(DELETE_TOPIC, NOW).await.unwrap();
    assert!(report.alerted);
    assert!(world.notifier.alerts().is_empty(), "not through the topic attacked");
    let alerts = world.second_channel.alerts();
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].channel, AlertChannel::Fallback);
    assert!(alerts[0].text().contains("second alert topic"), "{}", alerts[0].text());
}

#[tokio::test]
async fn an_admin_change_is_ignored_and_a_dry_run_changes_nothing() {
    let world = World::new();
    let report = world
        .handler(Mode::Enforce)
        .handle(STOP_LOGGING_BY_ADMIN, NOW)
        .await
        .unwrap();
    assert_eq!(report.outcome, Outcome::Ignored);
    assert!(report.reason.unwrap().contains("admin principal"));
    let report = world.handler(Mode::DryRun).handle(STOP_LOGGING, NOW).await.unwrap();
    assert!(report.dry_run && report.alerted);
    assert!(world.guard.calls().is_empty(), "{:?}", world.guard.calls());
    assert!(!world.guard.trail(TRAIL).unwrap().logging);
}

#[tokio::test]
async fn a_throttled_restore_fails_the_invocation_and_its_retry_restores() {
    let world = World::new();
    world.guard.fail_next(
        "start_logging",
        PortError::Throttled {
            operation: "StartLogging".to_owned(),
            message: "Rate exceeded".to_owned(),
        },
    );
    let error = world
        .handler(Mode::Enforce)
        .handle(STOP_LOGGING, NOW)
        .await
        .unwrap_err();
    assert_eq!(error.error_type(), "RemediationRetry");
    let report = world
        .handler(Mode::Enforce)
        .handle(STOP_LOGGING, NOW + 60)
        .await
        .unwrap();
    assert!(!report.duplicate);
    assert!(world.guard.trail(TRAIL).unwrap().logging);
}
