//! `make bench-cli`: how fast the `smguard` release binary reads real-shaped CloudTrail exports.
//!
//! Generates a CloudTrail log of 200,000 records (95 % calls of other services, as real logs
//! are; 5 % the SageMaker Create calls of `events/`, each with its own event ID), written as one
//! plain `{"Records": […]}` file and as 8 gzipped log files under `AWSLogs/…`, then times
//! `smguard evaluate --only-findings` (best of 3) on: the plain file, the 8 gzipped files with
//! one worker, and with one worker per core. The baseline, measured in the same run on the same
//! bytes, is `gzip -dc` of the 8 files: the machine's floor for merely reading them.
//!
//!     smguard-bench-cli [--binary target/release/smguard] [--records N]
//!
//! Figures, not assertions: the README records them with the machine they were measured on.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stderr,
    reason = "a benchmark over generated files: a broken set-up ends it with its message"
)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use smguard_tests::cases::events_dir;
use smguard_tests::emulator::workspace;

const FILES: usize = 8;
const RUNS: usize = 3;

/// Calls of other services, in the shapes CloudTrail writes them (management and data events).
fn other_service_record(index: usize) -> Value {
    let (source, name, parameters) = match index % 6 {
        0 => (
            "s3.amazonaws.com",
            "GetObject",
            json!({"bucketName": "datalake-curated-444455556666", "key": format!("churn/parquet/part-{index:05}.parquet"), "Host": "datalake-curated-444455556666.s3.us-gov-west-1.amazonaws.com"}),
        ),
        1 => (
            "sts.amazonaws.com",
            "AssumeRole",
            json!({"roleArn": "arn:aws-us-gov:iam::111122223333:role/DataScientist", "roleSessionName": format!("alice-{index}"), "durationSeconds": 3600}),
        ),
        2 => (
            "kms.amazonaws.com",
            "Decrypt",
            json!({"encryptionAlgorithm": "SYMMETRIC_DEFAULT", "encryptionContext": {"aws:s3:arn": "arn:aws-us-gov:s3:::datalake-curated-444455556666"}}),
        ),
        3 => (
            "ec2.amazonaws.com",
            "DescribeInstances",
            json!({"instancesSet": {}, "filterSet": {"items": [{"name": "tag:project", "valueSet": {"items": [{"value": "churn-model"}]}}]}}),
        ),
        4 => (
            "logs.amazonaws.com",
            "CreateLogStream",
            json!({"logGroupName": "/aws/sagemaker/TrainingJobs", "logStreamName": format!("churn-xgb/algo-1-{index}")}),
        ),
        _ => (
            "sagemaker.amazonaws.com",
            "DescribeTrainingJob",
            json!({"trainingJobName": format!("churn-xgb-{index}")}),
        ),
    };
    json!({
        "eventVersion": "1.11",
        "userIdentity": {
            "type": "AssumedRole",
            "principalId": "AROAEXAMPLEROLEID01:alice@example.com",
            "arn": "arn:aws-us-gov:sts::111122223333:assumed-role/DataScientist/alice@example.com",
            "accountId": "111122223333",
            "accessKeyId": "ASIAEXAMPLEACCESS01",
            "sessionContext": {
                "sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLEROLEID01", "arn": "arn:aws-us-gov:iam::111122223333:role/DataScientist", "accountId": "111122223333", "userName": "DataScientist"},
                "attributes": {"creationDate": "2026-11-02T13:58:40Z", "mfaAuthenticated": "true"}
            }
        },
        "eventTime": "2026-11-02T14:03:11Z",
        "eventSource": source,
        "eventName": name,
        "awsRegion": "us-gov-west-1",
        "sourceIPAddress": "10.20.31.44",
        "userAgent": "Boto3/1.35.49 md/Botocore#1.35.49 ua/2.0 os/linux#5.10.227 lang/python#3.11.10",
        "requestParameters": parameters,
        "responseElements": null,
        "requestID": format!("0000aaaa-0000-4000-8000-{index:012}"),
        "eventID": format!("1111bbbb-0000-4000-8000-{index:012}"),
        "readOnly": true,
        "eventType": "AwsApiCall",
        "managementEvent": source != "s3.amazonaws.com",
        "recipientAccountId": "111122223333",
        "eventCategory": if source == "s3.amazonaws.com" { "Data" } else { "Management" }
    })
}

/// The CloudTrail records (`detail`) of every SageMaker Create fixture.
fn sagemaker_records() -> Vec<Value> {
    let dir = events_dir().join("cloudtrail/sagemaker");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_str().unwrap().starts_with("create-"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| serde_json::from_str::<Value>(&std::fs::read_to_string(p).unwrap()).unwrap()["detail"].clone())
        .filter(Value::is_object)
        .collect()
}

fn records(n: usize) -> Vec<Value> {
    let sagemaker = sagemaker_records();
    (0..n)
        .map(|index| {
            if index % 20 == 7 {
                let mut record = sagemaker[(index / 20) % sagemaker.len()].clone();
                record["eventID"] = json!(format!("2222cccc-0000-4000-8000-{index:012}"));
                record
            } else {
                other_service_record(index)
            }
        })
        .collect()
}

fn log_file(records: &[Value]) -> String {
    serde_json::to_string(&json!({ "Records": records })).unwrap()
}

fn gzip(text: &str) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(text.as_bytes()).unwrap();
    encoder.finish().unwrap()
}

/// The best wall time of [`RUNS`] runs of `command`; the last run's stderr.
fn best_of(mut command: impl FnMut() -> Command) -> (Duration, String) {
    let mut best = Duration::MAX;
    let mut stderr = String::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        let output = command().stdout(Stdio::null()).output().expect("run");
        best = best.min(start.elapsed());
        assert!(
            output.status.code().is_some_and(|c| c <= 1),
            "failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    }
    (best, stderr)
}

fn rate(records: usize, time: Duration) -> f64 {
    records as f64 / time.as_secs_f64()
}

fn main() {
    let mut binary = workspace().join("target/release/smguard");
    let mut n = 200_000;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--binary" => binary = PathBuf::from(args.next().expect("--binary PATH")),
            "--records" => n = args.next().and_then(|v| v.parse().ok()).expect("--records N"),
            other => panic!("unknown argument `{other}`"),
        }
    }
    assert!(binary.exists(), "build it first: cargo build --release -p smguard-cli");
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    let scratch = workspace().join("target/smguard-bench-cli");
    let _ = std::fs::remove_dir_all(&scratch);
    let day = scratch.join("AWSLogs/111122223333/CloudTrail/us-gov-west-1/2026/11/02");
    std::fs::create_dir_all(&day).unwrap();

    let all = records(n);
    let plain = scratch.join("cloudtrail-200k.json");
    let text = log_file(&all);
    std::fs::write(&plain, &text).unwrap();
    let mut gz_files = Vec::new();
    let mut gz_bytes = 0;
    for (index, chunk) in all.chunks(n.div_ceil(FILES)).enumerate() {
        let path = day.join(format!(
            "111122223333_CloudTrail_us-gov-west-1_20261102T14{index:02}Z_bench{index:04}.json.gz"
        ));
        let bytes = gzip(&log_file(chunk));
        gz_bytes += bytes.len();
        std::fs::write(&path, bytes).unwrap();
        gz_files.push(path);
    }
    let sagemaker = all
        .iter()
        .filter(|r| {
            r["eventSource"] == "sagemaker.amazonaws.com" && r["eventName"].as_str().unwrap().starts_with("Create")
        })
        .count();
    eprintln!(
        "input: {n} records ({sagemaker} SageMaker Create calls, {:.1} %), one plain file of {:.0} MiB, {FILES} gzipped files of {:.1} MiB in all; {cores} cores; binary {}",
        100.0 * sagemaker as f64 / n as f64,
        text.len() as f64 / 1048576.0,
        gz_bytes as f64 / 1048576.0,
        binary.display()
    );

    let evaluate = |jobs: usize, paths: &[&Path]| {
        let binary = binary.clone();
        let paths: Vec<PathBuf> = paths.iter().map(|p| p.to_path_buf()).collect();
        move || {
            let mut command = Command::new(&binary);
            command
                .args(["evaluate", "--only-findings", "--jobs", &jobs.to_string()])
                .args(&paths)
                .env_clear();
            command
        }
    };
    let (baseline, _) = best_of(|| {
        let mut command = Command::new("gzip");
        command.arg("-dc").args(&gz_files);
        command
    });
    let (one_file, summary) = best_of(evaluate(1, &[plain.as_path()]));
    let gz: Vec<&Path> = gz_files.iter().map(PathBuf::as_path).collect();
    let (gz_one_worker, _) = best_of(evaluate(1, &gz));
    let (gz_all_cores, _) = best_of(evaluate(cores, &gz));
    eprintln!("summary of one run: {}", summary.lines().next().unwrap_or_default());
    let line = |what: &str, time: Duration, workers: usize| {
        eprintln!(
            "{what:<38} {:>8.0} ms  {:>9.0} records/s  {:>9.0} records/s per core  {:>5.2}x gzip -dc",
            time.as_secs_f64() * 1000.0,
            rate(n, time),
            rate(n, time) / workers as f64,
            time.as_secs_f64() / baseline.as_secs_f64()
        );
    };
    line("baseline: gzip -dc of the 8 files", baseline, 1);
    line("one plain file, 1 worker", one_file, 1);
    line("8 gzipped files, 1 worker", gz_one_worker, 1);
    line(&format!("8 gzipped files, {cores} workers"), gz_all_cores, cores);
    println!(
        "bench-cli: {n} records: one file {:.0} records/s, 8 gzipped files {:.0} records/s on 1 core and {:.0} on {cores} ({:.0} per core); target 150000 per core",
        rate(n, one_file),
        rate(n, gz_one_worker),
        rate(n, gz_all_cores),
        rate(n, gz_all_cores) / cores as f64
    );
}
