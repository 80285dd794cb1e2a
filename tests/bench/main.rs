//! `make bench-guard`: what the release functions cost, measured from outside: `sagemaker-guard`
//! and `upload-guard` in full, and the `audit` binary beside them (size, cold start, peak RSS over
//! an audit of the estate); and the share of a mixed stream of S3 writes (95 % compliant) that the
//! upload rule's pattern keeps from the function, by EventBridge's `TestEventPattern` in the
//! emulator.
//!
//! The binary runs as Lambda runs it, against a local Lambda Runtime API (`runtime_api.rs`), with
//! its SDK pointed at the emulator and a deployment (topic, ledger bucket) in an account of it.
//! Prints:
//! - cold start: process start to its first poll for an event (Lambda's "Init Duration") and to
//!   its first answer, over several starts;
//! - peak RSS (`VmHWM`) after every event below;
//! - per-event handler latency (event handed out to answer) for each kind of event, with the
//!   emulator's own round trip for scale;
//! - AWS API calls per event, by operation, read from the emulator's request log for the
//!   function's credentials.
//!
//!     smguard-bench-guard [--binary target/release/sagemaker-guard] [--events N] [--starts N]
//!
//! Figures, not assertions: the README records them with the machine they were measured on.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stderr,
    reason = "a benchmark over a local test bed: a broken test bed ends it with its message"
)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::Value;
use smguard_policy::ResourceKind;
use smguard_tests::emulator::{Emulator, REGION, workspace};
use smguard_tests::estate::{create_compliant_training_job, create_notebook, create_open_training_job};
use smguard_tests::runtime_api::{Answer, FunctionProcess, RuntimeApi};
use smguard_tests::stage::{Deployment, upload_pattern};
use smguard_tests::uploads::UploadEstate;

const VOLUME_KEY: &str = "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/4f2b8c1e-7a3d-4e5f-9b6c-2d1e0f3a4b5c";
const OUTPUT_KEY: &str = "alias/ml-platform-output";

struct Options {
    binary: PathBuf,
    events: usize,
    starts: usize,
}

fn options() -> Options {
    let mut options = Options {
        binary: workspace().join("target/release/sagemaker-guard"),
        events: 20,
        starts: 10,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage(&format!("{arg} needs a value")));
        match arg.as_str() {
            "--binary" => options.binary = PathBuf::from(value()),
            "--events" => options.events = value().parse().unwrap_or_else(|_| usage("--events takes a number")),
            "--starts" => options.starts = value().parse().unwrap_or_else(|_| usage("--starts takes a number")),
            other => usage(&format!("unknown argument `{other}`")),
        }
    }
    if !options.binary.exists() {
        usage(&format!(
            "{} does not exist: build it with `cargo build --release -p smguard-sagemaker-guard` (`make bench-guard` does)",
            options.binary.display()
        ));
    }
    options
}

fn usage(problem: &str) -> ! {
    eprintln!("smguard-bench-guard: {problem}\nusage: smguard-bench-guard [--binary PATH] [--events N] [--starts N]");
    std::process::exit(2);
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// `(median, p95, max)` in milliseconds.
fn spread(mut samples: Vec<f64>) -> (f64, f64, f64) {
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.95), at(1.0))
}

/// The calls the function made so far, by `service:operation`.
fn calls_so_far(emulator: &Emulator, access_key: &str) -> BTreeMap<String, usize> {
    let mut calls = BTreeMap::new();
    for request in &emulator.requests_by(access_key) {
        let conditions = request["conditions"].as_array().map(Vec::len).unwrap_or(0);
        let operation = format!(
            "{}:{}{}",
            request["service"].as_str().unwrap_or("?"),
            request["operation"].as_str().unwrap_or("?"),
            if conditions > 0 { " (conditional)" } else { "" }
        );
        *calls.entry(operation).or_default() += 1;
    }
    calls
}

fn per_event(before: &BTreeMap<String, usize>, after: &BTreeMap<String, usize>, events: usize) -> String {
    let mut parts = Vec::new();
    let mut total = 0;
    for (operation, count) in after {
        let delta = count - before.get(operation).copied().unwrap_or(0);
        if delta > 0 {
            total += delta;
            parts.push(format!("{operation} {:.2}", delta as f64 / events as f64));
        }
    }
    if parts.is_empty() {
        "0".to_owned()
    } else {
        format!("{:.2} = {}", total as f64 / events as f64, parts.join(" + "))
    }
}

/// The events the deployment's rules routed, split by what they are.
async fn routed(deployment: &Deployment<'_>, expected: usize) -> BTreeMap<String, Vec<String>> {
    let mut events: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut count = 0;
    let deadline = Instant::now() + Duration::from_secs(30);
    while count < expected && Instant::now() < deadline {
        for body in deployment.routed().await {
            let event: Value = serde_json::from_str(&body).expect("event JSON");
            let detail = &event["detail"];
            let key = match detail["eventName"].as_str() {
                Some(call) => call.to_owned(),
                None => {
                    let status = ["NotebookInstanceStatus", "TrainingJobStatus"]
                        .iter()
                        .find_map(|k| detail[*k].as_str());
                    format!(
                        "{} {}",
                        event["detail-type"].as_str().unwrap_or("?"),
                        status.unwrap_or("?")
                    )
                }
            };
            events.entry(key).or_default().push(body);
            count += 1;
        }
    }
    assert!(count >= expected, "only {count} of {expected} events were routed");
    events
}

/// Moves notebooks `notebook-0..n` to their next status; the `status` state-change events that
/// routes to the function.
async fn advance_notebooks(deployment: &Deployment<'_>, n: usize, status: &str) -> Vec<String> {
    for i in 0..n {
        deployment.advance(ResourceKind::NotebookInstance, &format!("notebook-{i}"));
    }
    routed(deployment, n)
        .await
        .remove(&format!("SageMaker Notebook Instance State Change {status}"))
        .unwrap_or_else(|| panic!("{status} events"))
}

struct Bench<'a> {
    emulator: &'a Emulator,
    api: RuntimeApi,
    access_key: String,
    rows: Vec<(String, String, String)>,
}

impl Bench<'_> {
    /// The rows: latency and calls per event, `n` events each.
    fn print(&self, n: usize) {
        let width = self.rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
        println!(
            "{:<width$}  {:>22}  AWS API calls per event",
            format!("{n} events each"),
            "ms median / p95 / max"
        );
        for (label, latency, calls) in &self.rows {
            println!("{label:<width$}  {latency:>22}  {calls}");
        }
    }

    /// Feeds `events` one at a time (as one Lambda instance takes them) and records a row.
    fn measure(&mut self, label: &str, events: &[String]) -> Vec<Answer> {
        let before = calls_so_far(self.emulator, &self.access_key);
        let mut answers = Vec::new();
        for event in events {
            self.api.queue(event);
            let answer = self.api.answer(Duration::from_secs(60)).expect("the function answers");
            assert!(answer.ok, "{label}: the function failed: {}", answer.body);
            answers.push(answer);
        }
        let after = calls_so_far(self.emulator, &self.access_key);
        let latencies: Vec<f64> = answers.iter().filter_map(Answer::latency).map(millis).collect();
        let (median, p95, max) = spread(latencies);
        let outcome: Value = serde_json::from_str(&answers[0].body).expect("report");
        let label = format!(
            "{label} [{}{}]",
            outcome["outcome"].as_str().unwrap_or("?"),
            if outcome["duplicate"] == true {
                ", duplicate"
            } else {
                ""
            }
        );
        self.rows.push((
            label,
            format!("{median:.1} / {p95:.1} / {max:.1}"),
            per_event(&before, &after, events.len()),
        ));
        answers
    }
}

#[tokio::main]
async fn main() {
    let options = options();
    let n = options.events;
    let emulator = Emulator::start();
    let approved = format!("{VOLUME_KEY},{OUTPUT_KEY}");
    let mut deployment = Deployment::new(
        &emulator,
        "enforce",
        &[("SMGUARD_APPROVED_KMS_KEYS", &approved)],
        "smguard-alerts",
    )
    .await;
    // The audit's report bucket (the guard ignores the setting).
    let reports = format!("smguard-reports-{}", deployment.account.id);
    deployment.account.create_bucket(&emulator, &reports);
    deployment.env.push(("SMGUARD_REPORT_BUCKET", reports));
    let access_key = deployment
        .env
        .iter()
        .find(|(k, _)| *k == "AWS_ACCESS_KEY_ID")
        .expect("credentials")
        .1
        .clone();
    let scratch = workspace().join("target/smguard-bench");
    std::fs::create_dir_all(&scratch).expect("target/smguard-bench");

    // The estate: compliant and open training jobs, open notebooks.
    for i in 0..n {
        create_compliant_training_job(&deployment.account, &format!("compliant-{i}"), VOLUME_KEY, OUTPUT_KEY).await;
        create_open_training_job(&deployment.account, &format!("open-{i}")).await;
        create_notebook(&deployment.account, &format!("notebook-{i}")).await;
    }
    // Per job: its Create call and its InProgress state change; per notebook: its Create call.
    let mut events = routed(&deployment, 5 * n).await;
    let mut take = |key: &str| {
        events
            .remove(key)
            .unwrap_or_else(|| panic!("no `{key}` events were routed"))
    };
    let creates = take("CreateTrainingJob");
    let (compliant, open): (Vec<String>, Vec<String>) = creates.into_iter().partition(|e| e.contains("compliant-"));
    let job_changes = take("SageMaker Training Job State Change InProgress");
    let (compliant_changes, open_changes): (Vec<String>, Vec<String>) =
        job_changes.into_iter().partition(|e| e.contains("compliant-"));
    let notebook_creates = take("CreateNotebookInstance");

    // The emulator's own round trip, for scale: one DescribeTrainingJob from this process.
    let sagemaker = deployment.account.sagemaker().await;
    let mut round_trips = Vec::new();
    for i in 0..n {
        let start = Instant::now();
        sagemaker
            .describe_training_job()
            .training_job_name(format!("compliant-{i}"))
            .send()
            .await
            .expect("describe");
        round_trips.push(millis(start.elapsed()));
    }
    let (round_trip, _, _) = spread(round_trips);

    // Cold starts: a new process per start, its first event a compliant Create call.
    let mut inits = Vec::new();
    let mut firsts = Vec::new();
    for start in 0..options.starts {
        let api = RuntimeApi::start();
        api.queue(&compliant[start % compliant.len()]);
        let function = FunctionProcess::start(
            &options.binary,
            "sagemaker-guard",
            &deployment.env,
            &api,
            &scratch.join(format!("cold-{start}.log")),
        );
        let answer = api.answer(Duration::from_secs(60)).expect("the function answers");
        assert!(answer.ok, "cold start {start}: {}", answer.body);
        inits.push(millis(
            api.first_poll().expect("polled").duration_since(function.started),
        ));
        firsts.push(millis(answer.answered.duration_since(function.started)));
    }

    // Warm: one process takes every kind of event in turn.
    let api = RuntimeApi::start();
    let function = FunctionProcess::start(
        &options.binary,
        "sagemaker-guard",
        &deployment.env,
        &api,
        &scratch.join("warm.log"),
    );
    let mut bench = Bench {
        emulator: &emulator,
        api,
        access_key,
        rows: Vec::new(),
    };
    bench.measure("compliant CreateTrainingJob", &compliant);
    bench.measure("compliant training job InProgress state change", &compliant_changes);
    bench.measure("open CreateTrainingJob: stop + alert", &open);
    bench.measure("the same CreateTrainingJob delivered again", &open);
    bench.measure(
        "open training job InProgress state change, already stopping",
        &open_changes,
    );
    bench.measure(
        "open CreateNotebookInstance (Pending): deferred + alert",
        &notebook_creates,
    );
    let in_service = advance_notebooks(&deployment, n, "InService").await;
    bench.measure("notebook InService state change: stop + alert", &in_service);
    let stopped = advance_notebooks(&deployment, n, "Stopped").await;
    bench.measure("notebook Stopped state change: delete + alert", &stopped);
    let peak_rss = function.peak_rss_mib();
    drop(function);

    // The audit binary: cold starts, each answering an audit of the estate's training jobs.
    let audit_binary = options.binary.with_file_name("audit");
    let mut audit_inits = Vec::new();
    let mut audit_answers = Vec::new();
    let mut audit_rss: f64 = 0.0;
    let mut audited = 0;
    for start in 0..options.starts {
        let api = RuntimeApi::start();
        api.queue(r#"{"kinds": ["training_job", "notebook_instance"]}"#);
        let audit = FunctionProcess::start(
            &audit_binary,
            "audit",
            &deployment.env,
            &api,
            &scratch.join(format!("audit-{start}.log")),
        );
        let answer = api.answer(Duration::from_secs(300)).expect("the audit answers");
        assert!(answer.ok, "audit start {start}: {}", answer.body);
        audit_inits.push(millis(api.first_poll().expect("polled").duration_since(audit.started)));
        audit_answers.push(millis(answer.answered.duration_since(audit.started)));
        audit_rss = audit_rss.max(audit.peak_rss_mib());
        let answer: Value = serde_json::from_str(&answer.body).expect("JSON");
        audited = answer["summary"]["resources"].as_u64().unwrap_or(0);
    }

    let (init, _, init_max) = spread(inits);
    let (first, _, first_max) = spread(firsts);
    let size = std::fs::metadata(&options.binary)
        .map(|m| m.len() as f64 / 1_048_576.0)
        .unwrap_or(0.0);
    println!(
        "sagemaker-guard: {} ({size:.1} MiB), emulator in {REGION}",
        options.binary.display()
    );
    println!(
        "cold start ({} starts, median / max): init {init:.1} / {init_max:.1} ms; first answer {first:.1} / {first_max:.1} ms",
        options.starts
    );
    println!("peak RSS after {} events: {peak_rss:.1} MiB", 8 * n);
    println!("emulator round trip (DescribeTrainingJob from the harness, median): {round_trip:.1} ms");
    let (audit_init, _, audit_init_max) = spread(audit_inits);
    let (audit_answer, _, audit_answer_max) = spread(audit_answers);
    let audit_size = std::fs::metadata(&audit_binary)
        .map(|m| m.len() as f64 / 1_048_576.0)
        .unwrap_or(0.0);
    println!("audit: {} ({audit_size:.1} MiB)", audit_binary.display());
    println!(
        "audit cold start ({} starts, median / max): init {audit_init:.1} / {audit_init_max:.1} ms; answer (an audit of {} resources) {audit_answer:.1} / {audit_answer_max:.1} ms; peak RSS {audit_rss:.1} MiB\n",
        options.starts, audited
    );
    bench.print(n);
    drop(bench);
    drop(deployment);

    uploads(&emulator, &options, &scratch).await;
    let _ = std::fs::remove_dir_all(&scratch);
    emulator.stop_and_clean();
}

/// The upload guard: cold start, latency and calls per event by case, and what its rule keeps
/// from it.
async fn uploads(emulator: &Emulator, options: &Options, scratch: &std::path::Path) {
    let n = options.events;
    let binary = options.binary.with_file_name("upload-guard");
    let estate = UploadEstate::deploy(emulator, "enforce").await;
    let access_key = estate.function_access_key();
    let s3 = estate.workload.s3().await;
    for i in 0..n {
        estate
            .put(&estate.scratch_bucket, &format!("exports/own-{i}.parquet"), "rows")
            .await;
    }
    let own = routed_bodies(&estate, n).await;
    for i in 0..n {
        estate
            .put(&estate.foreign_bucket, &format!("incoming/foreign-{i}.parquet"), "rows")
            .await;
    }
    let foreign = routed_bodies(&estate, n).await;
    for i in 0..n {
        s3.create_multipart_upload()
            .bucket(&estate.scratch_bucket)
            .key(format!("exports/big-{i}.parquet"))
            .send()
            .await
            .expect("CreateMultipartUpload");
    }
    let multipart = routed_bodies(&estate, n).await;
    for i in 0..n {
        estate
            .put(&estate.shared_bucket, &format!("output/report-{i}.html"), "report")
            .await;
    }
    let compliant = routed_bodies(&estate, n).await;

    let mut inits = Vec::new();
    for start in 0..options.starts {
        let api = RuntimeApi::start();
        api.queue(&compliant[start % compliant.len()]);
        let function = FunctionProcess::start(
            &binary,
            "upload-guard",
            &estate.deployment.env,
            &api,
            &scratch.join(format!("upload-cold-{start}.log")),
        );
        let answer = api.answer(Duration::from_secs(60)).expect("the function answers");
        assert!(answer.ok, "upload cold start {start}: {}", answer.body);
        inits.push(millis(
            api.first_poll().expect("polled").duration_since(function.started),
        ));
    }
    let api = RuntimeApi::start();
    let function = FunctionProcess::start(
        &binary,
        "upload-guard",
        &estate.deployment.env,
        &api,
        &scratch.join("upload-warm.log"),
    );
    let mut bench = Bench {
        emulator,
        api,
        access_key,
        rows: Vec::new(),
    };
    bench.measure("PutObject under an approved prefix", &compliant);
    bench.measure("PutObject into another bucket of the account: quarantine + alert", &own);
    bench.measure("the same PutObject delivered again", &own);
    bench.measure("CreateMultipartUpload outside: find + abort + alert", &multipart);
    bench.measure("PutObject into another account's bucket: critical alert", &foreign);
    let peak_rss = function.peak_rss_mib();
    drop(function);

    let (init, _, init_max) = spread(inits);
    let size = std::fs::metadata(&binary)
        .map(|m| m.len() as f64 / 1_048_576.0)
        .unwrap_or(0.0);
    println!("\nupload-guard: {} ({size:.1} MiB)", binary.display());
    println!(
        "cold start ({} starts, median / max): init {init:.1} / {init_max:.1} ms; peak RSS after {} events {peak_rss:.1} MiB\n",
        options.starts,
        5 * n
    );
    bench.print(n);
    drop(bench);
    pattern_share(&estate).await;
}

/// What the rule delivered since the last call: `expected` events.
async fn routed_bodies(estate: &UploadEstate<'_>, expected: usize) -> Vec<String> {
    let mut bodies = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while bodies.len() < expected && Instant::now() < deadline {
        bodies.extend(estate.deployment.routed().await);
    }
    assert_eq!(bodies.len(), expected, "routed writes");
    bodies
}

/// A stream of 2,000 S3 data events as a busy platform makes them (95 % compliant: checkpoints
/// and model artifacts into the model bucket, approved whole; 5 % outside it, into another bucket
/// of the account), tested against the upload rule's pattern with `TestEventPattern`.
async fn pattern_share(estate: &UploadEstate<'_>) {
    let account = &estate.deployment.account;
    let roles = account.arn("iam", "role/service-role/AmazonSageMaker-ExecutionRole-*");
    let pattern = upload_pattern(&[roles.as_str()], &[estate.model_bucket.as_str()]).to_string();
    let template: Value = serde_json::from_str(include_str!(
        "../../events/cloudtrail/s3/put-object.own-other-bucket.json"
    ))
    .expect("fixture");
    let events = account.events().await;
    let (mut compliant, mut kept, mut outside, mut routed) = (0, 0, 0, 0);
    for i in 0..2000 {
        let mut event = template.clone();
        let into_model = i % 20 != 0;
        let bucket = if into_model {
            &estate.model_bucket
        } else {
            &estate.scratch_bucket
        };
        let key = if i % 3 == 0 {
            format!("churn/checkpoints/checkpoint-{i}.pt")
        } else {
            format!("churn/output/model-{i}.tar.gz")
        };
        event["account"] = Value::String(account.id.clone());
        event["detail"]["eventName"] =
            Value::String(["PutObject", "UploadPart", "CompleteMultipartUpload"][i % 3].to_owned());
        event["detail"]["requestParameters"]["bucketName"] = Value::String(bucket.clone());
        event["detail"]["requestParameters"]["key"] = Value::String(key);
        event["detail"]["userIdentity"]["sessionContext"]["sessionIssuer"]["arn"] =
            Value::String(account.arn("iam", "role/service-role/AmazonSageMaker-ExecutionRole-e2e"));
        let matched = events
            .test_event_pattern()
            .event_pattern(&pattern)
            .event(event.to_string())
            .send()
            .await
            .expect("TestEventPattern")
            .result;
        if into_model {
            compliant += 1;
            kept += usize::from(!matched);
        } else {
            outside += 1;
            routed += usize::from(matched);
        }
    }
    println!(
        "\nupload rule pattern over 2,000 S3 data events (TestEventPattern): {kept}/{compliant} compliant writes kept from the function ({:.1} %), {routed}/{outside} writes outside the approved locations routed",
        100.0 * kept as f64 / compliant as f64
    );
}
