//! The load run (`make bench-load`, and `tests/load.rs` in CI): a burst of SageMaker events
//! delivered to several processes of the real `sagemaker-guard` binary at once, as Lambda
//! delivers asynchronous invocations, while the emulator fails a share of the function's own AWS
//! calls. It then checks, from the emulator's state and CloudTrail, what a security team asks of
//! the burst: every insecure resource contained exactly once, every alert published exactly once,
//! no event lost.
//!
//! The stream, for `n` events: 60 % compliant (compliant training jobs: their
//! `CreateTrainingJob` and `InProgress` state change), 30 % violating across three kinds (open
//! training jobs and processing jobs: their create call and state change; open notebooks: their
//! `CreateNotebookInstance` and `InService` state change) and 10 % duplicates of any of them
//! (EventBridge delivers at least once), shuffled, so that many state changes arrive before
//! their create call.
//!
//! Delivery follows Lambda's asynchronous invocation: an invocation that returns an error is
//! retried twice with back-off (Lambda waits about 1 and 2 minutes; here 1 and 2 seconds), then
//! its event is parked with the last error, as the on-failure destination keeps it. A parked
//! event is replayed at the end with the faults gone, as an operator replays the destination.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::{Value, json};
use smguard_policy::ResourceKind;

use crate::emulator::{Emulator, workspace};
use crate::estate::{
    compliant_training_job_request, notebook_request, open_processing_job_request, open_training_job_request,
};
use crate::runtime_api::{FunctionProcess, RuntimeApi};
use crate::stage::Deployment;

const VOLUME_KEY: &str = "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/4f2b8c1e-7a3d-4e5f-9b6c-2d1e0f3a4b5c";
const OUTPUT_KEY: &str = "alias/ml-platform-output";
/// Lambda's asynchronous invocation: the first attempt and two retries.
const DELIVERIES: u32 = 3;

/// What to run.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// The function binary (`target/debug/sagemaker-guard` unless told).
    pub binary: PathBuf,
    /// Events delivered, duplicates included (rounded down to a multiple of 20).
    pub events: usize,
    /// Function processes taking events at once (Lambda's concurrent instances).
    pub processes: usize,
    /// The share of the function's AWS calls that fail (throttling, 503, dropped connection).
    pub fault_rate: f64,
    /// Seeds the shuffle and the faults.
    pub seed: u64,
}

impl Default for LoadOptions {
    fn default() -> LoadOptions {
        LoadOptions {
            binary: workspace().join("target/debug/sagemaker-guard"),
            events: 2000,
            processes: 8,
            fault_rate: 0.02,
            seed: 20261201,
        }
    }
}

/// What the run found.
#[derive(Debug, Clone, Default)]
pub struct LoadReport {
    pub events: usize,
    pub duplicates: usize,
    /// The function's AWS calls a fault answered.
    pub faults: u64,
    /// State changes delivered before their resource's create call.
    pub out_of_order: usize,
    /// Invocations that returned an error and were delivered again.
    pub redeliveries: usize,
    /// Events parked after every delivery failed, with the last error (then replayed).
    pub parked: Vec<String>,
    /// Events neither handled nor parked.
    pub lost: usize,
    /// Violating resources, and those stopped exactly once (and now stopping).
    pub violating_resources: usize,
    pub contained_once: usize,
    /// The alerts due, and those received exactly once (not counting one that says a failed stop
    /// will be retried): one per violating create call, and one per state change that was what
    /// stopped its resource (`alert_due`); `problems` lists any event with other counts.
    pub violating_events: usize,
    pub alerted_once: usize,
    /// Stops of compliant resources, alerts about compliant events and alerts for no event.
    pub stray_stops: usize,
    pub stray_alerts: usize,
    /// What went wrong, resource by resource.
    pub problems: Vec<String>,
    pub seconds: f64,
    pub latency_p50_ms: f64,
    pub latency_p99_ms: f64,
    /// The baseline, measured in the same run: the emulator's median round trip for one
    /// DescribeTrainingJob from the harness.
    pub round_trip_ms: f64,
    pub processes: usize,
    /// The run's phases (set-up, delivery, checks), each with the seconds since the start.
    pub phases: Vec<(String, f64)>,
}

impl LoadReport {
    /// The benchmark's last line.
    pub fn line(&self) -> String {
        format!(
            "load: {} events, {} duplicates, {} faults: contained {}/{}, alerted {}/{}, lost {}, {:.1} events/s",
            self.events,
            self.duplicates,
            self.faults,
            self.contained_once,
            self.violating_resources,
            self.alerted_once,
            self.violating_events,
            self.lost,
            self.events as f64 / self.seconds.max(f64::EPSILON)
        )
    }

    /// The lines before it.
    pub fn details(&self) -> String {
        let phases: Vec<String> = self
            .phases
            .iter()
            .map(|(what, at)| format!("{what} at {at:.1} s"))
            .collect();
        format!("phases: {}\n{}", phases.join(", "), self.delivery())
    }

    fn delivery(&self) -> String {
        format!(
            "{} function processes; {} state changes before their create call; {} redeliveries; {} parked (replayed){}\n\
             handling latency p50 {:.1} ms, p99 {:.1} ms ({:.1} and {:.1} emulator round trips of {:.1} ms); {:.1} s in all",
            self.processes,
            self.out_of_order,
            self.redeliveries,
            self.parked.len(),
            if self.parked.is_empty() {
                String::new()
            } else {
                format!(": {}", self.parked.join("; "))
            },
            self.latency_p50_ms,
            self.latency_p99_ms,
            self.latency_p50_ms / self.round_trip_ms.max(f64::EPSILON),
            self.latency_p99_ms / self.round_trip_ms.max(f64::EPSILON),
            self.round_trip_ms,
            self.seconds
        )
    }

    /// Whether the burst ended as it must.
    pub fn sound(&self) -> bool {
        self.problems.is_empty()
            && self.lost == 0
            && self.contained_once == self.violating_resources
            && self.alerted_once == self.violating_events
            && self.stray_stops == 0
            && self.stray_alerts == 0
    }
}

/// splitmix64: a repeatable shuffle without a dependency.
struct Draw(u64);

impl Draw {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// One routed event: its ID, its resource and whether it is the resource's create call.
#[derive(Debug, Clone)]
struct Routed {
    id: String,
    body: String,
    resource: String,
    create: bool,
}

/// `None` for an event about something else (the deployment's own calls, which the rules for
/// smguard's parts route).
fn read_routed(body: String) -> Option<Routed> {
    let event: Value = serde_json::from_str(&body).expect("event JSON");
    if event["source"] != "aws.sagemaker" {
        return None;
    }
    let detail = &event["detail"];
    let parameters = &detail["requestParameters"];
    let resource = [
        parameters["trainingJobName"].as_str(),
        parameters["processingJobName"].as_str(),
        parameters["notebookInstanceName"].as_str(),
        detail["TrainingJobName"].as_str(),
        detail["ProcessingJobName"].as_str(),
        detail["NotebookInstanceName"].as_str(),
    ]
    .into_iter()
    .flatten()
    .next()
    .unwrap_or_else(|| panic!("no resource name in {body}"))
    .to_owned();
    Some(Routed {
        id: event["id"].as_str().expect("event id").to_owned(),
        create: detail["eventName"].is_string(),
        resource,
        body,
    })
}

/// The resources, by name: their kind and whether they are compliant.
fn estate(scale: usize) -> Vec<(String, ResourceKind, bool)> {
    let mut resources = Vec::new();
    for i in 0..6 * scale {
        resources.push((format!("compliant-{i}"), ResourceKind::TrainingJob, true));
    }
    for i in 0..scale {
        resources.push((format!("open-{i}"), ResourceKind::TrainingJob, false));
        resources.push((format!("processing-{i}"), ResourceKind::ProcessingJob, false));
        resources.push((format!("notebook-{i}"), ResourceKind::NotebookInstance, false));
    }
    resources
}

fn stop_call(kind: ResourceKind) -> (&'static str, &'static str) {
    match kind {
        ResourceKind::TrainingJob => ("StopTrainingJob", "trainingJobName"),
        ResourceKind::ProcessingJob => ("StopProcessingJob", "processingJobName"),
        ResourceKind::NotebookInstance => ("StopNotebookInstance", "notebookInstanceName"),
        other => panic!("the load run creates no {other:?}"),
    }
}

/// Successful calls of `operation` by `access_key`, counted by the value of `parameter`.
async fn successful_calls(
    deployment: &Deployment<'_>,
    access_key: &str,
    operation: &str,
    parameter: &str,
) -> BTreeMap<String, usize> {
    use aws_sdk_cloudtrail::types::{LookupAttribute, LookupAttributeKey};
    let cloudtrail = deployment.account.cloudtrail().await;
    let attribute = LookupAttribute::builder()
        .attribute_key(LookupAttributeKey::EventName)
        .attribute_value(operation)
        .build()
        .expect("attribute");
    let mut counts = BTreeMap::new();
    let mut token = None;
    loop {
        let page = cloudtrail
            .lookup_events()
            .lookup_attributes(attribute.clone())
            .set_next_token(token)
            .send()
            .await
            .expect("LookupEvents");
        for event in page.events.unwrap_or_default() {
            let record: Value =
                serde_json::from_str(event.cloud_trail_event.as_deref().unwrap_or("{}")).expect("record");
            if record["userIdentity"]["accessKeyId"] != access_key || record.get("errorCode").is_some() {
                continue;
            }
            if let Some(name) = record["requestParameters"][parameter].as_str() {
                *counts.entry(name.to_owned()).or_default() += 1;
            }
        }
        token = page.next_token;
        if token.is_none() {
            return counts;
        }
    }
}

/// A create call's answer: the resource exists, or the run ends naming it.
fn created<T, E: std::fmt::Debug>(name: &str, answer: Result<T, E>) {
    if let Err(error) = answer {
        panic!("create {name}: {error:?}");
    }
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let at = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[at.min(sorted.len() - 1)]
}

/// Runs the burst against `emulator` and reports what it found.
pub async fn run(emulator: &Emulator, options: &LoadOptions) -> LoadReport {
    assert!(
        options.binary.exists(),
        "{} does not exist: `cargo build -p smguard-sagemaker-guard` builds it",
        options.binary.display()
    );
    let scale = (options.events / 20).max(1);
    let phase = Instant::now();
    let mut phases = Vec::new();
    let approved = format!("{VOLUME_KEY},{OUTPUT_KEY}");
    let deployment = Deployment::new(
        emulator,
        "enforce",
        &[("SMGUARD_APPROVED_KMS_KEYS", &approved)],
        "smguard-alerts",
    )
    .await;
    let access_key = deployment.access_key();

    // The estate, created as data scientists would, 16 requests at a time.
    let resources = estate(scale);
    let sm = deployment.account.sagemaker().await;
    futures_util::stream::iter(resources.iter().map(|(name, kind, compliant)| {
        let sm = sm.clone();
        async move {
            match (kind, compliant) {
                (ResourceKind::TrainingJob, true) => created(
                    name,
                    compliant_training_job_request(&sm, name, VOLUME_KEY, OUTPUT_KEY)
                        .send()
                        .await,
                ),
                (ResourceKind::TrainingJob, false) => created(name, open_training_job_request(&sm, name).send().await),
                (ResourceKind::ProcessingJob, _) => created(name, open_processing_job_request(&sm, name).send().await),
                (ResourceKind::NotebookInstance, _) => created(name, notebook_request(&sm, name).send().await),
                (other, _) => panic!("the load run creates no {other:?}"),
            }
        }
    }))
    .buffer_unordered(16)
    .collect::<Vec<()>>()
    .await;
    phases.push((
        format!("created {} resources", resources.len()),
        phase.elapsed().as_secs_f64(),
    ));
    for (name, kind, _) in &resources {
        if *kind == ResourceKind::NotebookInstance {
            deployment.advance(*kind, name);
        }
    }
    let expected = 2 * resources.len();
    let mut routed = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    while routed.len() < expected && Instant::now() < deadline {
        routed.extend(deployment.routed().await.into_iter().filter_map(read_routed));
    }
    assert_eq!(routed.len(), expected, "routed events");
    phases.push((format!("routed {} events", routed.len()), phase.elapsed().as_secs_f64()));
    let kinds: HashMap<&str, (ResourceKind, bool)> = resources
        .iter()
        .map(|(name, kind, compliant)| (name.as_str(), (*kind, *compliant)))
        .collect();

    // The stream: every event once, shuffled, and duplicates of some at random places.
    let mut draw = Draw(options.seed);
    let mut deliveries: Vec<usize> = (0..routed.len()).collect();
    let duplicates = options.events.saturating_sub(routed.len()).min(routed.len());
    let mut twice: Vec<usize> = (0..routed.len()).collect();
    draw.shuffle(&mut twice);
    deliveries.extend(twice.into_iter().take(duplicates));
    draw.shuffle(&mut deliveries);
    let mut seen_create: HashMap<&str, bool> = HashMap::new();
    let mut out_of_order = 0;
    for &index in &deliveries {
        let event = &routed[index];
        let created = seen_create.entry(event.resource.as_str()).or_insert(false);
        if event.create {
            *created = true;
        } else if !*created {
            out_of_order += 1;
            *created = true;
        }
    }

    // Faults: the share asked for, split over three kinds, on every call the function makes.
    for (offset, error) in ["ThrottlingException", "ServiceUnavailable", "DroppedConnection"]
        .iter()
        .enumerate()
    {
        let fault = json!({"access_key": access_key, "service": "*", "operation": "*", "error": error,
                           "probability": options.fault_rate / 3.0, "seed": options.seed + offset as u64});
        if options.fault_rate > 0.0 {
            let (status, body) = emulator
                .http("POST", "/_smguard/faults", Some(&fault.to_string()))
                .expect("faults");
            assert_eq!(status, 200, "{body}");
        }
    }

    let scratch = workspace().join("target/smguard-load");
    std::fs::create_dir_all(&scratch).expect("target/smguard-load");
    let api = RuntimeApi::start();
    let processes: Vec<FunctionProcess> = (0..options.processes)
        .map(|i| {
            FunctionProcess::start(
                &options.binary,
                "sagemaker-guard",
                &deployment.env,
                &api,
                &scratch.join(format!("process-{i}.log")),
            )
        })
        .collect();

    // Lambda's asynchronous delivery.
    let started = Instant::now();
    let mut in_flight: HashMap<String, (usize, u32)> = HashMap::new();
    let mut waiting: Vec<(Instant, usize, u32)> = Vec::new();
    for (position, &index) in deliveries.iter().enumerate() {
        in_flight.insert(api.queue(&routed[index].body), (position, 1));
    }
    let mut handled = vec![false; deliveries.len()];
    let mut parked = Vec::new();
    let mut latencies = Vec::new();
    let mut redeliveries = 0;
    // By event ID: the answers saying they alerted (not as a duplicate).
    let mut alert_claims: HashMap<String, usize> = HashMap::new();
    let mut last_answer = Instant::now();
    while !in_flight.is_empty() || !waiting.is_empty() {
        let now = Instant::now();
        let (due, later): (Vec<_>, Vec<_>) = waiting.into_iter().partition(|(at, _, _)| *at <= now);
        waiting = later;
        for (_, position, attempt) in due {
            in_flight.insert(api.queue(&routed[deliveries[position]].body), (position, attempt));
        }
        let Some(answer) = api.answer(Duration::from_millis(100)) else {
            if last_answer.elapsed() > Duration::from_secs(120) {
                break;
            }
            continue;
        };
        last_answer = Instant::now();
        let Some((position, attempt)) = in_flight.remove(&answer.request_id) else {
            continue;
        };
        latencies.extend(answer.latency().map(|d| d.as_secs_f64() * 1000.0));
        if answer.ok {
            handled[position] = true;
            let report: Value = serde_json::from_str(&answer.body).unwrap_or(Value::Null);
            if report["alerted"] == true && report["duplicate"] != true {
                *alert_claims.entry(routed[deliveries[position]].id.clone()).or_default() += 1;
            }
        } else if attempt < DELIVERIES {
            redeliveries += 1;
            waiting.push((
                Instant::now() + Duration::from_secs(u64::from(attempt)),
                position,
                attempt + 1,
            ));
        } else {
            parked.push((position, answer.body));
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    // Neither answered nor parked: still queued, in a process or waiting for a retry.
    let lost = handled.iter().filter(|h| !**h).count() - parked.len();

    let faults = emulator.faults_fired(&access_key);
    emulator
        .http("DELETE", &format!("/_smguard/faults?access_key={access_key}"), None)
        .expect("clear faults");
    // The on-failure destination, replayed.
    let mut problems = Vec::new();
    let mut parked_reasons = Vec::new();
    for (position, reason) in &parked {
        let event = &routed[deliveries[*position]];
        parked_reasons.push(format!("{} ({}): {reason}", event.id, event.resource));
        api.queue(&event.body);
        match api.answer(Duration::from_secs(60)) {
            Some(answer) if answer.ok => {
                let report: Value = serde_json::from_str(&answer.body).unwrap_or(Value::Null);
                if report["alerted"] == true && report["duplicate"] != true {
                    *alert_claims.entry(event.id.clone()).or_default() += 1;
                }
            }
            other => problems.push(format!("{}: the replay failed: {other:?}", event.id)),
        }
    }
    drop(processes);
    phases.push(("delivered".to_owned(), phase.elapsed().as_secs_f64()));

    // Containment: one successful stop per violating resource, none of a compliant one.
    let mut stops: HashMap<String, usize> = HashMap::new();
    for kind in [
        ResourceKind::TrainingJob,
        ResourceKind::ProcessingJob,
        ResourceKind::NotebookInstance,
    ] {
        let (operation, parameter) = stop_call(kind);
        stops.extend(successful_calls(&deployment, &access_key, operation, parameter).await);
    }
    phases.push(("looked up the stops".to_owned(), phase.elapsed().as_secs_f64()));
    let (mut violating_resources, mut contained_once, mut stray_stops) = (0, 0, 0);
    for (name, kind, compliant) in &resources {
        let count = stops.get(name).copied().unwrap_or(0);
        if *compliant {
            stray_stops += count;
            continue;
        }
        violating_resources += 1;
        let status = deployment.status(*kind, name).await;
        if count == 1 && status.as_deref() == Some("Stopping") {
            contained_once += 1;
        } else {
            problems.push(format!("{name}: stopped {count} times, now {status:?}"));
        }
    }

    // Alerts. A create call that violates alerts once; a state change alerts only when it was
    // the event that stopped the resource (the call's alert told the rest: `alert_due`); the
    // stop of each resource is announced once. Alerts that say a failed stop "will be retried"
    // are followed by the retry's and are not counted.
    let mut alerts = Vec::new();
    loop {
        let batch = deployment.alerts().await;
        if batch.is_empty() {
            break;
        }
        alerts.extend(batch);
    }
    phases.push((
        format!("drained {} alerts", alerts.len()),
        phase.elapsed().as_secs_f64(),
    ));
    let mut received: HashMap<String, usize> = HashMap::new();
    let mut stops_announced: HashMap<String, usize> = HashMap::new();
    let mut stray_alerts = 0;
    for alert in &alerts {
        let results: Vec<&Value> = alert["actions"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|action| &action["result"])
            .collect();
        if results.iter().any(|r| r["type"] == "failed" && r["retryable"] == true) {
            continue;
        }
        if results.iter().any(|r| r["type"] == "done") {
            let name = alert["resource"]["name"].as_str().unwrap_or_default().to_owned();
            *stops_announced.entry(name).or_default() += 1;
        }
        match alert["event_id"].as_str() {
            Some(id) => *received.entry(id.to_owned()).or_default() += 1,
            None => stray_alerts += 1,
        }
    }
    let (mut violating_events, mut alerted_once) = (0, 0);
    for event in &routed {
        let compliant = kinds.get(event.resource.as_str()).map(|(_, c)| *c).unwrap_or(false);
        let count = received.get(&event.id).copied().unwrap_or(0);
        if compliant {
            stray_alerts += count;
            continue;
        }
        let claims = alert_claims.get(&event.id).copied().unwrap_or(0);
        let expected = usize::from(event.create || claims > 0);
        violating_events += expected;
        if count == expected && claims == expected {
            alerted_once += expected;
        } else {
            problems.push(format!(
                "event {} ({}, {}): {count} alerts received, {claims} answers say alerted, {expected} expected",
                event.id,
                event.resource,
                if event.create { "create call" } else { "state change" }
            ));
        }
    }
    for (name, _, compliant) in &resources {
        let announced = stops_announced.get(name).copied().unwrap_or(0);
        if !*compliant && announced != 1 {
            problems.push(format!("{name}: its stop announced by {announced} alerts"));
        }
    }

    latencies.sort_by(f64::total_cmp);
    let mut round_trips = Vec::new();
    for (name, _, _) in resources.iter().take(20) {
        let start = Instant::now();
        sm.describe_training_job()
            .training_job_name(name)
            .send()
            .await
            .expect("DescribeTrainingJob");
        round_trips.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    round_trips.sort_by(f64::total_cmp);
    LoadReport {
        events: deliveries.len(),
        duplicates,
        faults,
        out_of_order,
        redeliveries,
        parked: parked_reasons,
        lost,
        violating_resources,
        contained_once,
        violating_events,
        alerted_once,
        stray_stops,
        stray_alerts,
        problems,
        seconds,
        latency_p50_ms: percentile(&latencies, 0.5),
        latency_p99_ms: percentile(&latencies, 0.99),
        round_trip_ms: percentile(&round_trips, 0.5),
        processes: options.processes,
        phases,
    }
}
