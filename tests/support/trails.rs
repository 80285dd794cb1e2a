//! One `trail-guard` deployment in the emulator: the guard's deployment parts (alert topic with a
//! security-operations queue, ledger, a queue the rule routes to) with the trail guard's rule
//! pattern from `infra/template.yaml`, a second alert topic with its own security-operations
//! queue, and what it watches: a logging multi-Region trail recording management events, S3 object
//! writes and Lambda invocations; smguard's EventBridge rule; a smguard function; the alert topic;
//! smguard's key. The attacker is the account's ordinary test session; the deployment pipeline
//! is a session of `ml-platform-deployer`.

use aws_sdk_cloudtrail::types::{AdvancedEventSelector, AdvancedFieldSelector};
use serde_json::Value;

use crate::emulator::{Emulator, TestAccount};
use crate::stage::{Deployment, patterns_to, template};

pub const FUNCTION: &str = "trail-guard";
pub const TRAIL: &str = "ml-platform-trail";
pub const RULE: &str = "smguard-sagemaker-calls";
pub const GUARDED_FUNCTION: &str = "smguard-sagemaker-guard";
pub const ADMIN_ROLE: &str = "ml-platform-deployer";

#[derive(Debug)]
pub struct TrailEstate<'e> {
    pub deployment: Deployment<'e>,
    pub trail_arn: String,
    pub rule_arn: String,
    pub function_arn: String,
    pub key_arn: String,
    /// The security-operations queue subscribed to the second alert topic.
    pub second_channel: String,
    /// The deployment pipeline's session.
    pub admin: TestAccount,
}

fn field(name: &str, value: &str) -> AdvancedFieldSelector {
    AdvancedFieldSelector::builder()
        .field(name)
        .equals(value)
        .build()
        .unwrap()
}

fn selector(name: &str, fields: Vec<AdvancedFieldSelector>) -> AdvancedEventSelector {
    AdvancedEventSelector::builder()
        .name(name)
        .set_field_selectors(Some(fields))
        .build()
        .unwrap()
}

/// The trail's selectors as the platform sets them: management events, S3 object writes on every
/// bucket, and Lambda invocations (which the trail guard must keep when it restores).
pub fn platform_selectors() -> Vec<AdvancedEventSelector> {
    vec![
        selector("Management events", vec![field("eventCategory", "Management")]),
        selector(
            "S3 object writes",
            vec![
                field("eventCategory", "Data"),
                field("resources.type", "AWS::S3::Object"),
                field("readOnly", "false"),
            ],
        ),
        selector(
            "Lambda invocations",
            vec![
                field("eventCategory", "Data"),
                field("resources.type", "AWS::Lambda::Function"),
            ],
        ),
    ]
}

impl<'e> TrailEstate<'e> {
    pub async fn deploy(emulator: &'e Emulator, mode: &str) -> TrailEstate<'e> {
        let account = emulator.account().await;
        let config = account.config().await;
        // The trail smguard depends on.
        let logs = format!("ml-platform-cloudtrail-{}", account.id);
        account.create_bucket(emulator, &logs);
        let cloudtrail = account.cloudtrail().await;
        let trail_arn = cloudtrail
            .create_trail()
            .name(TRAIL)
            .s3_bucket_name(&logs)
            .is_multi_region_trail(true)
            .enable_log_file_validation(true)
            .send()
            .await
            .expect("CreateTrail")
            .trail_arn
            .expect("trail ARN");
        cloudtrail
            .start_logging()
            .name(TRAIL)
            .send()
            .await
            .expect("StartLogging");
        cloudtrail
            .put_event_selectors()
            .trail_name(TRAIL)
            .set_advanced_event_selectors(Some(platform_selectors()))
            .send()
            .await
            .expect("PutEventSelectors");
        // smguard's parts: one rule, one function, the key (the alert topic comes with the deployment).
        let events = account.events().await;
        let rule_arn = events
            .put_rule()
            .name(RULE)
            .event_pattern(r#"{"source":["aws.sagemaker"]}"#)
            .send()
            .await
            .expect("PutRule")
            .rule_arn
            .expect("rule ARN");
        let iam = aws_sdk_iam::Client::new(&config);
        let role = iam
            .create_role()
            .role_name("smguard-guard")
            .assume_role_policy_document("{}")
            .send()
            .await
            .expect("CreateRole")
            .role
            .expect("role")
            .arn;
        // An empty zip: the emulator never runs it.
        let mut zip = b"PK\x05\x06".to_vec();
        zip.extend([0u8; 18]);
        let function_arn = aws_sdk_lambda::Client::new(&config)
            .create_function()
            .function_name(GUARDED_FUNCTION)
            .runtime(aws_sdk_lambda::types::Runtime::Providedal2023)
            .role(role)
            .handler("bootstrap")
            .code(
                aws_sdk_lambda::types::FunctionCode::builder()
                    .zip_file(zip.into())
                    .build(),
            )
            .environment(
                aws_sdk_lambda::types::Environment::builder()
                    .variables("SMGUARD_MODE", "enforce")
                    .build(),
            )
            .send()
            .await
            .expect("CreateFunction")
            .function_arn
            .expect("function ARN");
        let key_arn = aws_sdk_kms::Client::new(&config)
            .create_key()
            .description("smguard")
            .send()
            .await
            .expect("CreateKey")
            .key_metadata
            .expect("key")
            .arn
            .expect("key ARN");
        let second_topic = account.create_topic("smguard-second-channel").await;
        let second_channel = account
            .subscribe_queue(&second_topic, "security-operations-second-channel")
            .await;
        let alert_topic = account.arn("sns", "smguard-alerts");
        let admin_role = account.arn("iam", &format!("role/{ADMIN_ROLE}"));
        let settings: [(&'static str, &str); 7] = [
            ("SMGUARD_FALLBACK_TOPIC_ARN", &second_topic),
            ("SMGUARD_PROTECTED_TRAILS", &trail_arn),
            ("SMGUARD_GUARD_RULE_ARNS", &rule_arn),
            ("SMGUARD_GUARD_FUNCTION_ARNS", &function_arn),
            ("SMGUARD_GUARD_TOPIC_ARNS", &alert_topic),
            ("SMGUARD_GUARD_KEY_ARNS", &key_arn),
            ("SMGUARD_ADMIN_PRINCIPAL_ARNS", &admin_role),
        ];
        let patterns = patterns_to(&template(), "TrailGuardFunction");
        assert_eq!(
            patterns.len(),
            1,
            "the template routes to the trail guard with one rule"
        );
        let deployment = Deployment::routing(
            emulator,
            account,
            mode,
            &settings,
            "smguard-alerts",
            &patterns,
            "smguard-trail-guard",
            FUNCTION,
        )
        .await;
        let admin = deployment.account.as_role(emulator, ADMIN_ROLE, "pipeline").await;
        TrailEstate {
            deployment,
            trail_arn,
            rule_arn,
            function_arn,
            key_arn,
            second_channel,
            admin,
        }
    }

    /// The function's access key (faults are injected into its requests only).
    pub fn function_access_key(&self) -> String {
        self.deployment.access_key()
    }

    /// The alerts that reached the second channel (JSON), in order.
    pub async fn second_channel_alerts(&self) -> Vec<Value> {
        self.deployment.alerts_on(&self.second_channel).await
    }

    /// `StopLogging` on the protected trail, as `who` (the attacker: the deployment's account;
    /// the pipeline: [`TrailEstate::admin`]).
    pub async fn stop_logging(&self, who: &TestAccount) {
        who.cloudtrail()
            .await
            .stop_logging()
            .name(TRAIL)
            .send()
            .await
            .expect("StopLogging");
    }

    /// `DisableRule` on smguard's rule, by the deployment's account.
    pub async fn disable_rule(&self) {
        self.deployment
            .account
            .events()
            .await
            .disable_rule()
            .name(RULE)
            .send()
            .await
            .expect("DisableRule");
    }

    /// `PutFunctionConcurrency` on smguard's function, by the deployment's account.
    pub async fn put_concurrency(&self, reserved: i32) {
        aws_sdk_lambda::Client::new(&self.deployment.account.config().await)
            .put_function_concurrency()
            .function_name(GUARDED_FUNCTION)
            .reserved_concurrent_executions(reserved)
            .send()
            .await
            .expect("PutFunctionConcurrency");
    }

    pub async fn is_logging(&self) -> bool {
        self.deployment
            .account
            .cloudtrail()
            .await
            .get_trail_status()
            .name(&self.trail_arn)
            .send()
            .await
            .expect("GetTrailStatus")
            .is_logging
            .unwrap_or(false)
    }

    /// The names of the trail's advanced selectors now.
    pub async fn selector_names(&self) -> Vec<String> {
        self.deployment
            .account
            .cloudtrail()
            .await
            .get_event_selectors()
            .trail_name(&self.trail_arn)
            .send()
            .await
            .expect("GetEventSelectors")
            .advanced_event_selectors
            .unwrap_or_default()
            .into_iter()
            .filter_map(|s| s.name)
            .collect()
    }

    pub async fn rule_state(&self) -> String {
        self.deployment
            .account
            .events()
            .await
            .describe_rule()
            .name(RULE)
            .send()
            .await
            .expect("DescribeRule")
            .state
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default()
    }

    pub async fn reserved_concurrency(&self) -> Option<i32> {
        aws_sdk_lambda::Client::new(&self.deployment.account.config().await)
            .get_function_concurrency()
            .function_name(GUARDED_FUNCTION)
            .send()
            .await
            .expect("GetFunctionConcurrency")
            .reserved_concurrent_executions
    }
}
