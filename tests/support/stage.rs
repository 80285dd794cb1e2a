//! One `sagemaker-guard` deployment in the emulator: an account with the alert topic (and a
//! security-operations queue subscribed to it), the idempotency ledger bucket, EventBridge rules
//! with the deployment's patterns (`infra/template.yaml`) routing to a queue, and
//! the real function under `cargo lambda watch`, running as the `smguard-guard` role. Used by the
//! end-to-end tests, the demo and the benchmarks.

use std::time::Duration;

use serde_json::Value;
use smguard_aws::SageMakerInventory;
use smguard_engine::Inventory;
use smguard_policy::{ResourceKind, ResourceRef};

use crate::emulator::{Emulator, REGION, TestAccount, workspace};
use crate::estate::emulator_kind;
use crate::lambda::{Invocation, LocalLambda};

pub const FUNCTION: &str = "sagemaker-guard";

/// The function's deployment in one account, without the function: its alert topic with a
/// security-operations queue subscribed, its ledger bucket, the EventBridge rules routing to a
/// queue, and the environment the function runs with.
#[derive(Debug)]
pub struct Deployment<'e> {
    pub emulator: &'e Emulator,
    pub account: TestAccount,
    /// The security-operations queue subscribed to the alert topic.
    pub alerts: String,
    /// The queue the EventBridge rules deliver to.
    pub events: String,
    /// The function's environment.
    pub env: Vec<(&'static str, String)>,
}

/// A deployment with its function running under `cargo lambda watch`.
#[derive(Debug)]
pub struct Stage<'e> {
    pub deployment: Deployment<'e>,
    pub lambda: LocalLambda,
}

impl<'e> std::ops::Deref for Stage<'e> {
    type Target = Deployment<'e>;

    fn deref(&self) -> &Deployment<'e> {
        &self.deployment
    }
}

/// What an alert (the JSON form) says was done: (action, result type), in order.
pub fn alert_actions(alert: &Value) -> Vec<(String, String)> {
    alert["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["action"].as_str().unwrap().to_owned(),
                a["result"]["type"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The deployment template, `infra/template.yaml` (AWS SAM), as data.
pub fn template() -> Value {
    let path = workspace().join("infra/template.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The EventBridge patterns the deployment routes to the guard: its event rules in
/// `infra/template.yaml`, in order (the audit's schedule rule has none).
pub fn patterns() -> Vec<Value> {
    patterns_to(&template(), "GuardFunction")
}

/// The patterns of the event rules whose target is the template's `function`.
pub fn patterns_to(template: &Value, function: &str) -> Vec<Value> {
    let resources = template["Resources"].as_object().unwrap();
    resources
        .values()
        .filter(|resource| resource["Type"] == "AWS::Events::Rule")
        .filter(|rule| rule["Properties"]["Targets"][0]["Arn"]["Fn::GetAtt"][0] == function)
        .filter_map(|rule| rule["Properties"].get("EventPattern").cloned())
        .collect()
}

/// The upload guard's rule pattern as CloudFormation resolves it for these parameters: its
/// `Fn::Sub` over `Fn::Join`s of `SageMakerRoleArns` and `ApprovedOutputBuckets` (and the
/// `UnroutedBuckets` condition).
pub fn upload_pattern(roles: &[&str], whole_buckets: &[&str]) -> Value {
    let template = template();
    let sub = &template["Resources"]["UploadsRule"]["Properties"]["EventPattern"]["Fn::Sub"];
    let text = sub[0].as_str().unwrap();
    let variables = &sub[1];
    let join = |value: &Value, list: &[&str]| -> String {
        assert!(value["Fn::Join"][1]["Ref"].is_string(), "{value}");
        list.join(value["Fn::Join"][0].as_str().unwrap())
    };
    let roles = join(&variables["Roles"], roles);
    let buckets = {
        let branches = &variables["Buckets"]["Fn::If"];
        assert_eq!(branches[0], "UnroutedBuckets");
        if whole_buckets.is_empty() {
            branches[2].as_str().unwrap().to_owned()
        } else {
            let parts = branches[1]["Fn::Join"][1].as_array().unwrap();
            parts
                .iter()
                .map(|part| match part.as_str() {
                    Some(text) => text.to_owned(),
                    None => join(part, whole_buckets),
                })
                .collect::<String>()
        }
    };
    let resolved = text.replace("${Roles}", &roles).replace("${Buckets}", &buckets);
    serde_json::from_str(&resolved).unwrap_or_else(|e| panic!("the resolved pattern is not JSON ({e}): {resolved}"))
}

impl<'e> Stage<'e> {
    /// A deployment in a fresh account of the test binary's shared emulator.
    pub async fn new(name: &str, mode: &str, settings: &[(&'static str, &str)]) -> Stage<'static> {
        Stage::with_topic(Emulator::shared(), name, mode, settings, "smguard-alerts").await
    }

    /// `topic` is the topic the function publishes to; it exists only if named `smguard-alerts`.
    pub async fn with_topic(
        emulator: &'e Emulator,
        name: &str,
        mode: &str,
        settings: &[(&'static str, &str)],
        topic: &str,
    ) -> Stage<'e> {
        let deployment = Deployment::new(emulator, mode, settings, topic).await;
        let lambda = LocalLambda::start(&format!("{name}-{}", deployment.account.id), &deployment.env);
        Stage { deployment, lambda }
    }

    /// Delivers every event the rules routed, in order; returns the events and the answers.
    pub async fn deliver(&self) -> Vec<(Value, Invocation)> {
        let mut delivered = Vec::new();
        for body in self.routed().await {
            let answer = self.lambda.invoke(FUNCTION, &body);
            delivered.push((serde_json::from_str(&body).unwrap(), answer));
        }
        delivered
    }

    pub fn invoke(&self, event: &str) -> Invocation {
        self.lambda.invoke(FUNCTION, event)
    }
}

impl<'e> Deployment<'e> {
    /// Deploys into a fresh account of `emulator`. `topic` is the topic the function publishes
    /// to; it exists only if named `smguard-alerts`.
    pub async fn new(
        emulator: &'e Emulator,
        mode: &str,
        settings: &[(&'static str, &str)],
        topic: &str,
    ) -> Deployment<'e> {
        Deployment::in_account(emulator, emulator.account().await, mode, settings, topic).await
    }

    /// Deploys into `account`.
    pub async fn in_account(
        emulator: &'e Emulator,
        account: TestAccount,
        mode: &str,
        settings: &[(&'static str, &str)],
        topic: &str,
    ) -> Deployment<'e> {
        Deployment::routing(
            emulator,
            account,
            mode,
            settings,
            topic,
            &patterns(),
            "smguard-guard",
            FUNCTION,
        )
        .await
    }

    /// Deploys a function into `account`: its topic, queue, ledger, rules with `patterns`, and its
    /// environment, with credentials of `role` in a session named `session`.
    #[allow(clippy::too_many_arguments, reason = "a deployment's parts, each named at the call")]
    pub async fn routing(
        emulator: &'e Emulator,
        account: TestAccount,
        mode: &str,
        settings: &[(&'static str, &str)],
        topic: &str,
        patterns: &[Value],
        role: &str,
        session: &str,
    ) -> Deployment<'e> {
        // Bucket names are global: one ledger bucket per account.
        let ledger = format!("smguard-ledger-{}", account.id);
        account.create_bucket(emulator, &ledger);
        let alerts_topic = account.create_topic("smguard-alerts").await;
        let alerts = account.subscribe_queue(&alerts_topic, "security-operations").await;
        let events = account.create_queue("guard-events").await;
        let bus = account.events().await;
        for (index, pattern) in patterns.iter().enumerate() {
            let rule = format!("{session}-{index}");
            bus.put_rule()
                .name(&rule)
                .event_pattern(pattern.to_string())
                .send()
                .await
                .unwrap();
            bus.put_targets()
                .rule(&rule)
                .targets(
                    aws_sdk_eventbridge::types::Target::builder()
                        .id("queue")
                        .arn(account.arn("sqs", "guard-events"))
                        .build()
                        .unwrap(),
                )
                .send()
                .await
                .unwrap();
        }
        let credentials = emulator.assume_role(&account.id, role, session).await;
        let mut env = vec![
            ("AWS_ENDPOINT_URL", emulator.endpoint().to_owned()),
            ("AWS_REGION", REGION.to_owned()),
            ("AWS_ACCESS_KEY_ID", credentials.access_key_id().to_owned()),
            ("AWS_SECRET_ACCESS_KEY", credentials.secret_access_key().to_owned()),
            (
                "AWS_SESSION_TOKEN",
                credentials.session_token().unwrap_or_default().to_owned(),
            ),
            ("RUST_LOG", "info".to_owned()),
            ("SMGUARD_MODE", mode.to_owned()),
            ("SMGUARD_ALERT_TOPIC_ARN", account.arn("sns", topic)),
            ("SMGUARD_LEDGER_BUCKET", ledger),
            (
                "SMGUARD_GUARD_PRINCIPAL_ARNS",
                account.arn("iam", &format!("role/{role}")),
            ),
            ("SMGUARD_DELETE_NONCOMPLIANT_NOTEBOOKS", "true".to_owned()),
        ];
        env.extend(settings.iter().map(|(k, v)| (*k, (*v).to_owned())));
        Deployment {
            emulator,
            account,
            alerts,
            events,
            env,
        }
    }

    /// The events the rules routed since the last call, in order (EventBridge JSON).
    pub async fn routed(&self) -> Vec<String> {
        self.account.drain(&self.events, Duration::from_secs(3)).await
    }

    /// The alerts security operations received (the JSON form), in order.
    pub async fn alerts(&self) -> Vec<Value> {
        self.alerts_on(&self.alerts).await
    }

    /// The alerts (the JSON form) that reached `queue`, a queue subscribed to an alert topic.
    pub async fn alerts_on(&self, queue: &str) -> Vec<Value> {
        self.account
            .drain(queue, Duration::from_secs(2))
            .await
            .iter()
            .map(|body| {
                let envelope: Value = serde_json::from_str(body).unwrap();
                serde_json::from_str(envelope["Message"].as_str().unwrap()).unwrap()
            })
            .collect()
    }

    /// Delivers what the rules routed since the last call to `function` under `lambda`; every
    /// invocation must succeed. Returns the events and the answers.
    pub async fn deliver_to(&self, lambda: &LocalLambda, function: &str) -> Vec<(Value, Invocation)> {
        let mut delivered = Vec::new();
        for body in self.routed().await {
            let answer = lambda.invoke(function, &body);
            assert!(!answer.failed(), "{body}: {}\n{}", answer.body, lambda.logs());
            delivered.push((serde_json::from_str(&body).unwrap(), answer));
        }
        delivered
    }

    /// The function's access key (the emulator's request log and faults are keyed by it).
    pub fn access_key(&self) -> String {
        self.env
            .iter()
            .find(|(k, _)| *k == "AWS_ACCESS_KEY_ID")
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// A resource's status now, `None` when it is gone.
    pub async fn status(&self, kind: ResourceKind, name: &str) -> Option<String> {
        let inventory = SageMakerInventory::new(self.account.sagemaker().await);
        let target = ResourceRef {
            kind,
            name: name.to_owned(),
            arn: None,
            id: None,
        };
        inventory
            .describe(&target)
            .await
            .unwrap()
            .map(|r| r.status.map(|s| s.value).unwrap_or_else(|| "exists".to_owned()))
    }

    pub fn advance(&self, kind: ResourceKind, name: &str) -> String {
        self.account.advance(self.emulator, emulator_kind(kind), name, None)
    }

    /// How many calls of `operation` the emulator recorded (CloudTrail `LookupEvents`).
    pub async fn calls(&self, operation: &str) -> usize {
        use aws_sdk_cloudtrail::types::{LookupAttribute, LookupAttributeKey};
        let attribute = LookupAttribute::builder()
            .attribute_key(LookupAttributeKey::EventName)
            .attribute_value(operation)
            .build()
            .unwrap();
        let found = self
            .account
            .cloudtrail()
            .await
            .lookup_events()
            .lookup_attributes(attribute)
            .send()
            .await
            .unwrap();
        found.events.unwrap_or_default().len()
    }
}
