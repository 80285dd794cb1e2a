//! `smguard audit`: the audit function's sweep with the caller's credentials, a progress bar on
//! a terminal, a summary table at the end, and JSON lines to `--output`.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::sync::Mutex;

use async_trait::async_trait;
use indicatif::{ProgressBar, ProgressStyle};
use smguard_aws::{AwsGuardInputs, S3Ledger, SageMakerInventory, SageMakerRemediator, SnsNotifier, clients};
use smguard_engine::audit::{Clock, Observer, SelfCheck, WallClock};
use smguard_engine::{Audit, AuditRequest, AuditResult, PortError, ReportLine, ReportSink, Responder, Summary, run_id};
use smguard_policy::ResourceKind;

use crate::args::AuditInvocation;

/// The ledger prefix the audit function uses: a CLI run with `--respond` and the function share
/// what was done.
const LEDGER_PREFIX: &str = "idempotency/audit/";

/// Exit status: 0 all compliant, 1 findings, 2 usage or access errors.
pub fn audit(invocation: AuditInvocation, stdout: &mut impl Write, stderr: &mut impl Write) -> u8 {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            let _ = writeln!(stderr, "smguard: cannot start the async runtime: {error}");
            return 2;
        }
    };
    let sink = match FileSink::create(invocation.output.clone()) {
        Ok(sink) => sink,
        Err(error) => {
            let _ = writeln!(stderr, "smguard: {error}");
            return 2;
        }
    };
    runtime.block_on(async {
        let base = smguard_aws::load_sdk_config().await;
        let regions: Vec<Option<String>> = if invocation.regions.is_empty() {
            vec![None]
        } else {
            invocation.regions.iter().cloned().map(Some).collect()
        };
        let mut status = 0;
        for region in regions {
            let sdk = match &region {
                Some(region) => base
                    .to_builder()
                    .region(aws_config::Region::new(region.clone()))
                    .build(),
                None => base.clone(),
            };
            let Some(region_name) = sdk.region().map(ToString::to_string) else {
                let _ = writeln!(
                    stderr,
                    "smguard: no Region: pass --region or set AWS_REGION (or a profile's region)"
                );
                return 2;
            };
            match audit_region(&invocation, &sdk, &sink).await {
                Ok(summary) => {
                    let _ = write!(stdout, "{}", table(&summary, &region_name));
                    status = status.max(exit_status(&summary));
                }
                Err(error) => {
                    let _ = writeln!(stderr, "smguard: the audit of {region_name} failed: {error}");
                    status = 2;
                }
            }
        }
        if let Err(error) = sink.finish() {
            let _ = writeln!(stderr, "smguard: {error}");
            status = 2;
        }
        status
    })
}

async fn audit_region(
    invocation: &AuditInvocation,
    sdk: &aws_config::SdkConfig,
    sink: &FileSink,
) -> Result<Summary, smguard_engine::AuditError> {
    let sagemaker = clients::sagemaker_adaptive(sdk);
    let inventory = SageMakerInventory::new(sagemaker.clone());
    let remediator = SageMakerRemediator::new(sagemaker);
    let responding = invocation.response.as_ref().map(|response| {
        (
            SnsNotifier::new(clients::sns(sdk), &response.alert_topic_arn),
            S3Ledger::new(clients::s3(sdk), &response.ledger_bucket, LEDGER_PREFIX),
            response.mode,
        )
    });
    let guard_inputs = AwsGuardInputs::new(sdk, invocation.alert_topic.clone());
    let progress = Progress::new();
    let audit = Audit {
        self_check: Some(SelfCheck {
            reader: &guard_inputs,
            config: &invocation.self_check,
        }),
        inventory: &inventory,
        reports: sink,
        notifier: responding.as_ref().map(|(notifier, _, _)| notifier as _),
        responder: responding.as_ref().map(|(notifier, ledger, mode)| Responder {
            remediator: Some(&remediator),
            objects: None,
            guard: None,
            notifier,
            fallback: None,
            policy: invocation.response.as_ref().map_or(&invocation.policy, |r| &r.policy),
            ledger,
            mode: *mode,
        }),
        policy: invocation.response.as_ref().map_or(&invocation.policy, |r| &r.policy),
        concurrency: invocation.concurrency,
        reserve_ms: 0,
        part_bytes: smguard_engine::audit::PART_BYTES,
    };
    let now = WallClock::default().now_ms() / 1000;
    let request = AuditRequest {
        run_id: run_id(now, &format!("{:08x}", std::process::id())),
        kinds: invocation.kinds.clone(),
        respond: invocation.response.is_some(),
    };
    let result = audit.start(request, &WallClock::default(), &progress).await;
    progress.bar.finish_and_clear();
    match result? {
        AuditResult::Complete { summary } => Ok(summary),
        // No deadline: the run always completes.
        AuditResult::Continue { continuation } => Ok(continuation.summary),
    }
}

/// 0 all compliant, 1 non-compliant or unevaluable resources, 2 a kind that could not be listed
/// or access denied.
fn exit_status(summary: &Summary) -> u8 {
    if summary.access_denied() || summary.problems.iter().any(|p| p.name.is_none()) {
        2
    } else if summary.clean() {
        0
    } else {
        1
    }
}

/// The summary as a table.
fn table(summary: &Summary, region: &str) -> String {
    let mut out = String::new();
    let mode = match (summary.respond, summary.dry_run) {
        (false, _) => "report only",
        (true, true) => "respond, dry run",
        (true, false) => "respond, enforce",
    };
    let _ = writeln!(out, "smguard audit {} in {region} ({mode})", summary.run_id);
    let _ = writeln!(
        out,
        "{:<38} {:>9} {:>9} {:>13} {:>11}",
        "kind", "resources", "compliant", "non_compliant", "unevaluable"
    );
    let cell =
        |counts: &std::collections::BTreeMap<String, u64>, outcome: &str| counts.get(outcome).copied().unwrap_or(0);
    for (kind, counts) in &summary.by_kind {
        let _ = writeln!(
            out,
            "{kind:<38} {:>9} {:>9} {:>13} {:>11}",
            counts.values().sum::<u64>(),
            cell(counts, "compliant"),
            cell(counts, "non_compliant"),
            cell(counts, "unevaluable")
        );
    }
    let _ = writeln!(
        out,
        "{:<38} {:>9} {:>9} {:>13} {:>11}",
        "total",
        summary.resources,
        cell(&summary.by_outcome, "compliant"),
        cell(&summary.by_outcome, "non_compliant"),
        cell(&summary.by_outcome, "unevaluable")
    );
    for (rule, count) in &summary.by_rule {
        let _ = writeln!(out, "  {rule}: {count} failing");
    }
    for worst in summary.worst.iter().take(5) {
        let _ = writeln!(
            out,
            "  [{}] {} {}: {}",
            worst.severity.as_str(),
            worst.kind.as_str(),
            worst.name,
            worst.reason
        );
    }
    for (action, count) in &summary.actions {
        let _ = writeln!(out, "  {action}: {count}");
    }
    for finding in &summary.guard_findings {
        let _ = writeln!(out, "  self-check [{}]: {}", finding.check, finding.reason);
    }
    if let Some(error) = &summary.self_check_error {
        let _ = writeln!(out, "  self-check not made: {error}");
    }
    for problem in &summary.problems {
        let _ = writeln!(
            out,
            "  problem: {} {}: {}",
            problem.kind.as_str(),
            problem.name.as_deref().unwrap_or("(listing)"),
            problem.error
        );
    }
    let _ = writeln!(
        out,
        "{} API calls in {:.1} s; report: {}",
        summary.api_calls,
        summary.duration_ms as f64 / 1000.0,
        summary.report
    );
    out
}

/// A spinner on a terminal (indicatif draws nothing when stderr is not one).
struct Progress {
    bar: ProgressBar,
}

impl Progress {
    fn new() -> Progress {
        let bar = ProgressBar::new_spinner();
        if let Ok(style) = ProgressStyle::with_template("{spinner} {pos} resources examined, {msg} [{elapsed}]") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Progress { bar }
    }
}

impl Observer for Progress {
    fn listed(&self, kind: ResourceKind, resources: usize) {
        self.bar.set_message(format!("{}: {resources} listed", kind.as_str()));
    }

    fn examined(&self, _line: &ReportLine) {
        self.bar.inc(1);
    }
}

/// The report as JSON lines in `--output` (or nowhere).
struct FileSink {
    path: Option<PathBuf>,
    file: Mutex<Option<BufWriter<File>>>,
}

impl FileSink {
    fn create(path: Option<PathBuf>) -> Result<FileSink, String> {
        let file = match &path {
            Some(path) => Some(BufWriter::new(
                File::create(path).map_err(|e| format!("cannot create `{}`: {e}", path.display()))?,
            )),
            None => None,
        };
        Ok(FileSink {
            path,
            file: Mutex::new(file),
        })
    }

    fn finish(&self) -> Result<(), String> {
        let mut file = self
            .file
            .lock()
            .map_err(|_| "the report file's lock is poisoned".to_owned())?;
        if let (Some(file), Some(path)) = (file.as_mut(), &self.path) {
            file.flush()
                .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
        }
        Ok(())
    }

    fn write_error(&self, error: impl std::fmt::Display) -> PortError {
        PortError::Rejected {
            operation: "write".to_owned(),
            code: "Io".to_owned(),
            message: format!("{}: {error}", self.location("")),
        }
    }
}

#[async_trait]
impl ReportSink for FileSink {
    async fn write_part(&self, _run_id: &str, _number: u32, lines: Vec<u8>) -> Result<(), PortError> {
        let mut file = self.file.lock().map_err(|_| self.write_error("lock poisoned"))?;
        match file.as_mut() {
            Some(file) => file.write_all(&lines).map_err(|e| self.write_error(e)),
            None => Ok(()),
        }
    }

    async fn write_summary(&self, _run_id: &str, _summary: Vec<u8>) -> Result<(), PortError> {
        // The summary is the table on stdout.
        Ok(())
    }

    fn location(&self, _run_id: &str) -> String {
        self.path.as_ref().map_or_else(
            || "(not written: pass --output FILE)".to_owned(),
            |p| p.display().to_string(),
        )
    }
}
