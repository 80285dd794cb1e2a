//! Command-line arguments (clap), and the configuration they add to the environment's.

use std::num::NonZeroUsize;
use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand};
use smguard_policy::config::{self, APPROVED_KMS_KEYS, APPROVED_LIFECYCLE_CONFIGS, CONTROLS};
use smguard_policy::{PolicyConfig, Settings};

/// Run smguard's rules over saved events, as security engineers do before deploying a change.
#[derive(Debug, Parser)]
#[command(
    name = "smguard",
    version,
    about,
    after_help = "Exit status: 0 all compliant or ignored, 1 something non-compliant or unevaluable, \
                  2 usage error or unreadable input."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Evaluate EventBridge events or CloudTrail records and print one JSON line per event.
    ///
    /// A file holds one event, a JSON array, JSON lines, or a CloudTrail log file (`Records`),
    /// plain or gzipped (as CloudTrail writes them under `AWSLogs/<account>/CloudTrail/`); a
    /// directory is searched for `.json`, `.jsonl`, `.json.gz` and `.jsonl.gz` files. A summary
    /// (counts per outcome, rule and kind) goes to stderr at the end. Settings are read from
    /// SMGUARD_* environment variables, then --env-file, then the options.
    Evaluate(EvaluateArgs),
    /// Audit what exists now: list and describe every resource of the kinds asked (all by
    /// default) in each Region, judge it by the same rules, and print a summary table.
    ///
    /// Uses the caller's credentials (the standard chain, AWS_PROFILE). Report only unless
    /// --respond, which contains what the real-time guard would, in SMGUARD_MODE, and needs
    /// SMGUARD_MODE, SMGUARD_ALERT_TOPIC_ARN and SMGUARD_LEDGER_BUCKET (the deployment's, so that
    /// the guard's ledger keeps a second run from acting or alerting again).
    Audit(AuditArgs),
    /// Print the rule catalogue as a Markdown table.
    Rules,
    /// Print the kind table (calls read, operations, containment) as a Markdown table, or with
    /// --json as JSON (what `make template` writes into the deployment template).
    Kinds {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// Approved KMS keys (key ID, key ARN, alias name or alias ARN), comma-separated.
    #[arg(long, value_name = "K1,K2")]
    pub approved_kms_keys: Option<String>,
    /// Approved notebook lifecycle configurations (names), comma-separated: turns on
    /// `notebook.lifecycle-config-approved`.
    #[arg(long, value_name = "A,B")]
    pub approved_lifecycle_configs: Option<String>,
    /// SageMaker execution roles (role ARNs, `*` allowed in the role part), comma-separated: whose
    /// S3 writes `data.upload-location-approved` judges.
    #[arg(long, value_name = "ARN1,ARN2")]
    pub sagemaker_roles: Option<String>,
    /// Where SageMaker may write (`s3://bucket` or `s3://bucket/prefix/`), comma-separated: turns
    /// on the `data.*` rules.
    #[arg(long, value_name = "S3URI1,S3URI2")]
    pub approved_output_locations: Option<String>,
    /// Set a rule to enforce, report or off (repeatable).
    #[arg(long = "control", value_name = "RULE=MODE")]
    pub controls: Vec<String>,
    /// Read SMGUARD_* settings from FILE (as the Lambda functions do).
    #[arg(long, value_name = "FILE")]
    pub env_file: Option<PathBuf>,
    /// Print only non-compliant and unevaluable events.
    #[arg(long)]
    pub only_findings: bool,
    /// Files evaluated at once (default: one per core).
    #[arg(long, value_name = "N")]
    pub jobs: Option<NonZeroUsize>,
    /// Files and directories to evaluate.
    #[arg(required = true, value_name = "FILE|DIR")]
    pub paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// A Region to audit (repeatable; default: the profile's or AWS_REGION).
    #[arg(long = "region", value_name = "REGION")]
    pub regions: Vec<String>,
    /// The kinds to audit, comma-separated (`smguard kinds` lists them; default: all).
    #[arg(long, value_name = "K1,K2", value_delimiter = ',')]
    pub kinds: Option<Vec<String>>,
    /// Contain and alert what the real-time guard would (default: report only).
    #[arg(long)]
    pub respond: bool,
    /// Write one JSON line per resource to FILE.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Resources described at once.
    #[arg(long, value_name = "N", default_value_t = smguard_engine::audit::DEFAULT_CONCURRENCY)]
    pub concurrency: usize,
    /// Read SMGUARD_* settings from FILE (as the Lambda functions do).
    #[arg(long, value_name = "FILE")]
    pub env_file: Option<PathBuf>,
    /// Set a rule to enforce, report or off (repeatable).
    #[arg(long = "control", value_name = "RULE=MODE")]
    pub controls: Vec<String>,
}

/// Reads `--env-file` into `settings` (its keys win over the environment's), rejecting unknown keys.
fn merge_env_file(settings: &mut Settings, file: Option<&PathBuf>) -> Result<(), String> {
    let Some(file) = file else { return Ok(()) };
    let name = file.display().to_string();
    let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read `{name}`: {e}"))?;
    let from_file = Settings::parse_env_file(&text, &name).map_err(|e| e.to_string())?;
    from_file
        .reject_unknown(config::KNOWN_KEYS)
        .map_err(|e| format!("{e} in `{name}`"))?;
    settings.extend(
        config::KNOWN_KEYS
            .iter()
            .filter_map(|key| from_file.get(key).map(|v| (key.to_string(), v.to_owned()))),
    );
    Ok(())
}

/// Adds `--control` options after the settings' own controls, so that they win.
fn merge_controls(settings: &mut Settings, controls: Vec<String>) {
    if !controls.is_empty() {
        let mut all: Vec<String> = settings.get(CONTROLS).map(str::to_owned).into_iter().collect();
        all.extend(controls);
        settings.set(CONTROLS, all.join(","));
    }
}

/// What `smguard audit` was asked to do, with its configuration parsed.
#[derive(Debug)]
pub struct AuditInvocation {
    pub policy: PolicyConfig,
    /// Mode, topic and ledger, for `--respond`.
    pub response: Option<smguard_engine::settings::ResponseConfig>,
    pub regions: Vec<String>,
    pub kinds: Vec<smguard_policy::ResourceKind>,
    pub output: Option<PathBuf>,
    pub concurrency: usize,
    /// smguard's rules and functions to check (`SMGUARD_GUARD_RULE_ARNS`, `…_FUNCTION_ARNS`).
    pub self_check: smguard_policy::selfcheck::SelfCheckConfig,
    /// The alert topic to check (`SMGUARD_ALERT_TOPIC_ARN`, when set).
    pub alert_topic: Option<String>,
}

impl AuditArgs {
    pub fn request(self, environment: impl IntoIterator<Item = (String, String)>) -> Result<AuditInvocation, String> {
        let mut settings = Settings::from_pairs(environment);
        merge_env_file(&mut settings, self.env_file.as_ref())?;
        merge_controls(&mut settings, self.controls);
        settings.reject_unknown(config::KNOWN_KEYS).map_err(|e| e.to_string())?;
        let policy = PolicyConfig::from_settings(&settings).map_err(|e| e.to_string())?;
        let response = if self.respond {
            let response = smguard_engine::settings::ResponseConfig::from_settings(&settings)
                .map_err(|e| format!("--respond needs the deployment's settings: {e}"))?;
            Some(response)
        } else {
            None
        };
        let kinds = smguard_engine::parse_kinds(self.kinds.as_deref())?;
        if !(1..=64).contains(&self.concurrency) {
            return Err(format!("--concurrency {} is not from 1 to 64", self.concurrency));
        }
        let self_check =
            smguard_policy::selfcheck::SelfCheckConfig::from_settings(&settings).map_err(|e| e.to_string())?;
        let alert_topic = settings.get(config::ALERT_TOPIC_ARN).map(str::to_owned);
        Ok(AuditInvocation {
            self_check,
            alert_topic,
            policy,
            response,
            regions: self.regions,
            kinds,
            output: self.output,
            concurrency: self.concurrency,
        })
    }
}

/// The usage line of a subcommand, for errors found after parsing.
pub fn usage(subcommand: &str) -> String {
    let mut command = Cli::command();
    // Building gives the subcommand its full name (`smguard evaluate`).
    command.build();
    command
        .find_subcommand_mut(subcommand)
        .map(|found| found.render_usage().to_string())
        .unwrap_or_default()
}

/// What `smguard evaluate` was asked to do, with its configuration parsed.
#[derive(Debug)]
pub struct EvaluateRequest {
    pub config: PolicyConfig,
    pub paths: Vec<PathBuf>,
    pub only_findings: bool,
    pub jobs: NonZeroUsize,
}

impl EvaluateArgs {
    /// Merges the environment, the env file and the options into the policy's configuration.
    pub fn request(self, environment: impl IntoIterator<Item = (String, String)>) -> Result<EvaluateRequest, String> {
        let mut settings = Settings::from_pairs(environment);
        merge_env_file(&mut settings, self.env_file.as_ref())?;
        if let Some(keys) = self.approved_kms_keys {
            settings.set(APPROVED_KMS_KEYS, keys);
        }
        if let Some(names) = self.approved_lifecycle_configs {
            settings.set(APPROVED_LIFECYCLE_CONFIGS, names);
        }
        if let Some(roles) = self.sagemaker_roles {
            settings.set(config::SAGEMAKER_ROLE_ARNS, roles);
        }
        if let Some(locations) = self.approved_output_locations {
            settings.set(config::APPROVED_OUTPUT_LOCATIONS, locations);
        }
        merge_controls(&mut settings, self.controls);
        settings.reject_unknown(config::KNOWN_KEYS).map_err(|e| e.to_string())?;
        let config = PolicyConfig::from_settings(&settings).map_err(|e| e.to_string())?;
        let jobs = self
            .jobs
            .or_else(|| std::thread::available_parallelism().ok())
            .unwrap_or(NonZeroUsize::MIN);
        Ok(EvaluateRequest {
            config,
            paths: self.paths,
            only_findings: self.only_findings,
            jobs,
        })
    }
}

#[cfg(test)]
#[path = "args_tests.rs"]
mod tests;
