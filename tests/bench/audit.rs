//! `make bench-audit`: the release `audit` function over an estate of N notebooks and N training
//! jobs in the emulator, against the describe floor measured in the same run.
//!
//! For each size: seeds the estate, runs the audit binary once as Lambda runs it (the local
//! Runtime API, a 900-second deadline), and measures
//! - its wall time, from handing the invocation out to the answer;
//! - its AWS requests (the emulator's request log for its credentials) per resource;
//! - its peak RSS (`VmHWM`);
//! - the describe floor: this process, with the same SDK and release build, listing both kinds and
//!   describing every resource at the same concurrency, without reading or evaluating anything.
//!
//! N is the number of notebooks and of training jobs: 2N resources. Last line per size:
//! `audit N=<n>: <wall> s, <r> requests per resource, <x>x the describe floor, peak RSS <m> MiB`.
//!
//!     smguard-bench-audit [--sizes 1000,10000] [--concurrency 8]

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stderr,
    reason = "a benchmark over a local test bed: a broken test bed ends it with its message"
)]

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use futures_util::stream;
use smguard_tests::emulator::{Emulator, TestAccount, workspace};
use smguard_tests::estate::{notebook_request, open_training_job_request};
use smguard_tests::runtime_api::{FunctionProcess, RuntimeApi};
use smguard_tests::stage::Deployment;

struct Options {
    sizes: Vec<usize>,
    concurrency: usize,
}

fn options() -> Options {
    let mut options = Options {
        sizes: vec![1000, 10_000],
        concurrency: 8,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().unwrap_or_else(|| usage(&format!("{arg} needs a value")));
        match arg.as_str() {
            "--sizes" => {
                options.sizes = value
                    .split(',')
                    .map(|n| n.trim().parse().unwrap_or_else(|_| usage(&format!("bad size `{n}`"))))
                    .collect();
            }
            "--concurrency" => {
                options.concurrency = value
                    .parse()
                    .unwrap_or_else(|_| usage(&format!("bad concurrency `{value}`")));
            }
            other => usage(&format!("unknown argument `{other}`")),
        }
    }
    options
}

fn usage(problem: &str) -> ! {
    eprintln!("smguard-bench-audit: {problem}\nusage: smguard-bench-audit [--sizes 1000,10000] [--concurrency 8]");
    std::process::exit(2);
}

/// Creates `n` notebooks and `n` training jobs, 16 at a time, through one client (a client per
/// call costs a configuration load and new connections each time).
async fn seed(account: &TestAccount, n: usize) {
    let sm = &account.sagemaker().await;
    stream::iter(0..n)
        .map(|i| async move {
            notebook_request(sm, &format!("notebook-{i:05}"))
                .send()
                .await
                .expect("CreateNotebookInstance");
            open_training_job_request(sm, &format!("job-{i:05}"))
                .send()
                .await
                .expect("CreateTrainingJob");
        })
        .buffer_unordered(16)
        .collect::<Vec<()>>()
        .await;
}

/// The floor: list both kinds (100 a page) and describe everything at `concurrency`, reading
/// nothing; returns the wall time.
async fn describe_floor(account: &TestAccount, concurrency: usize) -> (Duration, usize) {
    let sm = account.sagemaker().await;
    let started = Instant::now();
    let mut notebooks = Vec::new();
    let mut token = None;
    loop {
        let page = sm
            .list_notebook_instances()
            .max_results(100)
            .set_next_token(token)
            .send()
            .await
            .expect("ListNotebookInstances");
        notebooks.extend(
            page.notebook_instances()
                .iter()
                .filter_map(|n| n.notebook_instance_name.clone()),
        );
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    let mut jobs = Vec::new();
    let mut token = None;
    loop {
        let page = sm
            .list_training_jobs()
            .max_results(100)
            .set_next_token(token)
            .send()
            .await
            .expect("ListTrainingJobs");
        jobs.extend(
            page.training_job_summaries()
                .iter()
                .filter_map(|j| j.training_job_name.clone()),
        );
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    let described = notebooks.len() + jobs.len();
    let sm = &sm;
    stream::iter(notebooks.into_iter().map(Ok).chain(jobs.into_iter().map(Err)))
        .map(|name: Result<String, String>| async move {
            match name {
                Ok(notebook) => {
                    sm.describe_notebook_instance()
                        .notebook_instance_name(notebook)
                        .send()
                        .await
                        .expect("DescribeNotebookInstance");
                }
                Err(job) => {
                    sm.describe_training_job()
                        .training_job_name(job)
                        .send()
                        .await
                        .expect("DescribeTrainingJob");
                }
            }
        })
        .buffer_unordered(concurrency)
        .collect::<Vec<()>>()
        .await;
    (started.elapsed(), described)
}

fn requests_made(emulator: &Emulator, access_key: &str) -> usize {
    emulator.requests_by(access_key).len()
}

#[tokio::main]
async fn main() {
    let options = options();
    let binary = workspace().join("target/release/audit");
    assert!(
        binary.exists(),
        "build it first: cargo build --release -p smguard-audit"
    );
    let scratch = workspace().join("target/smguard-bench");
    std::fs::create_dir_all(&scratch).expect("target/smguard-bench");
    let emulator = Emulator::start();
    let mut lines = Vec::new();
    for &n in &options.sizes {
        let mut deployment = Deployment::new(&emulator, "dry-run", &[], "smguard-alerts").await;
        let reports = format!("smguard-reports-{}", deployment.account.id);
        deployment.account.create_bucket(&emulator, &reports);
        deployment.env.push(("SMGUARD_REPORT_BUCKET", reports));
        deployment
            .env
            .push(("SMGUARD_AUDIT_CONCURRENCY", options.concurrency.to_string()));
        // Seeding routes nothing: the guard's rules would queue an event per call for no one.
        let bus = deployment.account.events().await;
        for index in 0..smguard_tests::stage::patterns().len() {
            bus.disable_rule()
                .name(format!("sagemaker-guard-{index}"))
                .send()
                .await
                .expect("DisableRule");
        }
        let seeding = Instant::now();
        seed(&deployment.account, n).await;
        eprintln!(
            "N={n}: seeded {} resources in {:.0} s",
            2 * n,
            seeding.elapsed().as_secs_f64()
        );

        let access_key = deployment
            .env
            .iter()
            .find(|(k, _)| *k == "AWS_ACCESS_KEY_ID")
            .expect("credentials")
            .1
            .clone();
        let api = RuntimeApi::start();
        let function = FunctionProcess::start(
            &binary,
            "audit",
            &deployment.env,
            &api,
            &scratch.join(format!("audit-{n}.log")),
        );
        api.queue("{}");
        let answer = api.answer(Duration::from_secs(1800)).expect("the audit answered");
        assert!(answer.ok, "the audit failed: {}", answer.body);
        let wall = answer.latency().expect("handed out").as_secs_f64();
        let peak_rss = function.peak_rss_mib();
        drop(function);
        let summary: serde_json::Value = serde_json::from_str(&answer.body).expect("JSON");
        assert_eq!(summary["status"], "complete", "{}", answer.body);
        let resources = summary["summary"]["resources"].as_u64().expect("resources") as usize;
        assert_eq!(resources, 2 * n, "every resource audited once");
        let requests = requests_made(&emulator, &access_key);

        let (floor, described) = describe_floor(&deployment.account, options.concurrency).await;
        assert_eq!(described, 2 * n);
        let floor = floor.as_secs_f64();
        eprintln!(
            "N={n}: audit {wall:.1} s ({requests} requests, {} by its own count), floor {floor:.1} s",
            summary["summary"]["api_calls"]
        );
        let line = format!(
            "audit N={n}: {wall:.1} s, {:.3} requests per resource, {:.2}x the describe floor, peak RSS {peak_rss:.1} MiB",
            requests as f64 / resources as f64,
            wall / floor
        );
        eprintln!("{line}");
        lines.push(line);
    }
    emulator.stop_and_clean();
    for line in lines {
        println!("{line}");
    }
}
