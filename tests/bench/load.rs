//! `make bench-load`: the load run (`smguard_tests::load`) with its figures: a burst of SageMaker
//! events, duplicates and out-of-order state changes among them, delivered to concurrent
//! processes of the real `sagemaker-guard` binary while the emulator fails a share of its AWS
//! calls. Prints what it found and ends with the `load:` line; exits 1 when a violating resource
//! was not contained exactly once, an alert was missing or repeated, or an event was lost.
//!
//!     smguard-bench-load [--binary target/debug/sagemaker-guard] [--events 2000] [--processes 8]
//!                        [--fault-rate 0.02] [--seed N]

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a benchmark: its figures are its output"
)]

use std::path::PathBuf;

use smguard_tests::emulator::Emulator;
use smguard_tests::load::{LoadOptions, run};

fn usage(problem: &str) -> ! {
    eprintln!(
        "smguard-bench-load: {problem}\nusage: smguard-bench-load [--binary PATH] [--events N] [--processes N] [--fault-rate F] [--seed N]"
    );
    std::process::exit(2);
}

fn options() -> LoadOptions {
    let mut options = LoadOptions::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().unwrap_or_else(|| usage(&format!("{arg} needs a value")));
        let number = |what: &str| -> u64 { value.parse().unwrap_or_else(|_| usage(&format!("{arg} takes {what}"))) };
        match arg.as_str() {
            "--binary" => options.binary = PathBuf::from(&value),
            "--events" => options.events = number("a number") as usize,
            "--processes" => options.processes = number("a number").max(1) as usize,
            "--seed" => options.seed = number("a number"),
            "--fault-rate" => {
                options.fault_rate = value
                    .parse()
                    .ok()
                    .filter(|rate: &f64| (0.0..1.0).contains(rate))
                    .unwrap_or_else(|| usage("--fault-rate takes a share in [0, 1)"))
            }
            other => usage(&format!("unknown argument `{other}`")),
        }
    }
    if options.events < 20 {
        usage("--events must be at least 20");
    }
    if !options.binary.exists() {
        usage(&format!(
            "{} does not exist: `cargo build -p smguard-sagemaker-guard` builds it (`make bench-load` does)",
            options.binary.display()
        ));
    }
    options
}

#[tokio::main]
async fn main() {
    let options = options();
    let emulator = Emulator::start();
    let report = run(&emulator, &options).await;
    emulator.stop_and_clean();
    println!("sagemaker-guard: {}", options.binary.display());
    for problem in &report.problems {
        println!("problem: {problem}");
    }
    println!("{}", report.details());
    println!("{}", report.line());
    if !report.sound() {
        std::process::exit(1);
    }
}
