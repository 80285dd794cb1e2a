//! Command-line arguments, and the configuration they add to the environment's.

use std::path::PathBuf;

use smguard_policy::config::{self, APPROVED_KMS_KEYS, CONTROLS};
use smguard_policy::{PolicyConfig, Settings};

pub const USAGE: &str = "\
usage: smguard evaluate [OPTIONS] FILE|DIR...
       smguard rules

Evaluates EventBridge events or CloudTrail records (one per file, a JSON array, JSON lines,
or a CloudTrail log file with `Records`) and prints one JSON line per event.
Exit status: 0 all compliant or ignored, 1 something non-compliant or unevaluable,
2 usage error or unreadable input.

options (evaluate):
  --approved-kms-keys K1,K2   approved KMS keys (key ID, key ARN, alias name or alias ARN)
  --control RULE=MODE         set a rule to enforce, report or off (repeatable)
  --env-file FILE             read SMGUARD_* settings from FILE (as the Lambda functions do)
  -h, --help                  show this help

Settings are read from SMGUARD_* environment variables, then --env-file, then the options.";

#[derive(Debug)]
pub enum Command {
    Evaluate(EvaluateRequest),
    Rules,
    Help(&'static str),
}

#[derive(Debug)]
pub struct EvaluateRequest {
    pub config: PolicyConfig,
    pub paths: Vec<PathBuf>,
}

pub fn parse(arguments: &[String], environment: impl IntoIterator<Item = (String, String)>) -> Result<Command, String> {
    let Some((command, rest)) = arguments.split_first() else {
        return Err("missing command".to_owned());
    };
    match command.as_str() {
        "evaluate" => parse_evaluate(rest, environment),
        "rules" if rest.is_empty() => Ok(Command::Rules),
        "rules" => Err(format!("`rules` takes no arguments, got `{}`", rest.join(" "))),
        "-h" | "--help" | "help" => Ok(Command::Help(USAGE)),
        other => Err(format!("unknown command `{other}`")),
    }
}

fn parse_evaluate(
    arguments: &[String],
    environment: impl IntoIterator<Item = (String, String)>,
) -> Result<Command, String> {
    let mut settings = Settings::from_pairs(environment);
    let mut approved: Option<String> = None;
    let mut controls: Vec<String> = Vec::new();
    let mut paths = Vec::new();
    let mut iter = arguments.iter();
    while let Some(argument) = iter.next() {
        let (flag, inline) = match argument.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_owned())),
            _ => (argument.as_str(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| iter.next().cloned())
                .ok_or_else(|| format!("`{name}` needs a value"))
        };
        match flag {
            "-h" | "--help" => return Ok(Command::Help(USAGE)),
            "--approved-kms-keys" => approved = Some(value(flag)?),
            "--control" => controls.push(value(flag)?),
            "--env-file" => {
                let file = value(flag)?;
                let text = std::fs::read_to_string(&file).map_err(|e| format!("cannot read `{file}`: {e}"))?;
                let from_file = Settings::parse_env_file(&text, &file).map_err(|e| e.to_string())?;
                from_file
                    .reject_unknown(config::KNOWN_KEYS)
                    .map_err(|e| format!("{e} in `{file}`"))?;
                settings.extend(
                    config::KNOWN_KEYS
                        .iter()
                        .filter_map(|key| from_file.get(key).map(|v| (key.to_string(), v.to_owned()))),
                );
            }
            "--" => {
                paths.extend(iter.by_ref().map(PathBuf::from));
            }
            flag if flag.starts_with('-') && flag.len() > 1 => return Err(format!("unknown option `{flag}`")),
            _ => paths.push(PathBuf::from(argument)),
        }
    }
    if let Some(keys) = approved {
        settings.set(APPROVED_KMS_KEYS, keys);
    }
    if !controls.is_empty() {
        // Options come after the environment's controls, so they win.
        let mut all: Vec<String> = settings.get(CONTROLS).map(str::to_owned).into_iter().collect();
        all.extend(controls);
        settings.set(CONTROLS, all.join(","));
    }
    settings.reject_unknown(config::KNOWN_KEYS).map_err(|e| e.to_string())?;
    let config = PolicyConfig::from_settings(&settings).map_err(|e| e.to_string())?;
    if paths.is_empty() {
        return Err("`evaluate` needs at least one FILE or DIR".to_owned());
    }
    Ok(Command::Evaluate(EvaluateRequest { config, paths }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use smguard_policy::{ControlMode, RuleId};

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn evaluate(list: &[&str], env: &[(&str, &str)]) -> Result<EvaluateRequest, String> {
        let env = env.iter().map(|(k, v)| (k.to_string(), v.to_string()));
        match parse(&args(list), env)? {
            Command::Evaluate(request) => Ok(request),
            other => Err(format!("{other:?}")),
        }
    }

    #[test]
    fn options_override_the_environment() {
        let request = evaluate(
            &[
                "evaluate",
                "--control",
                "network.isolation-required=enforce",
                "--approved-kms-keys=alias/a",
                "x.json",
            ],
            &[
                (
                    CONTROLS,
                    "network.isolation-required=off,notebook.root-access-disabled=off",
                ),
                (APPROVED_KMS_KEYS, "alias/b"),
            ],
        )
        .unwrap();
        assert_eq!(request.config.mode(RuleId::IsolationRequired), ControlMode::Enforce);
        assert_eq!(request.config.mode(RuleId::RootAccessDisabled), ControlMode::Off);
        assert_eq!(request.config.approved_kms_keys.len(), 1);
        assert_eq!(request.config.approved_kms_keys[0].to_string(), "alias/a");
        assert_eq!(request.paths, vec![PathBuf::from("x.json")]);
    }

    #[test]
    fn usage_errors_say_what_is_wrong() {
        for (list, expected) in [
            (&["evaluate"][..], "`evaluate` needs at least one FILE or DIR"),
            (&["evaluate", "--control"][..], "`--control` needs a value"),
            (&["evaluate", "--frobnicate", "x"][..], "unknown option `--frobnicate`"),
            (
                &["evaluate", "--control", "nope=enforce", "x"][..],
                "unknown rule `nope`",
            ),
            (
                &["evaluate", "--approved-kms-keys", "arn:aws:s3:::b", "x"][..],
                "is not a KMS key ID",
            ),
            (&["audit"][..], "unknown command `audit`"),
            (&[][..], "missing command"),
        ] {
            let error = parse(&args(list), Vec::new()).unwrap_err();
            assert!(error.contains(expected), "{error:?} should contain {expected:?}");
        }
    }

    #[test]
    fn rejects_misspelt_settings_in_the_environment() {
        let error = evaluate(&["evaluate", "x"], &[("SMGUARD_APROVED_KMS_KEYS", "alias/a")]).unwrap_err();
        assert!(
            error.starts_with("unknown setting `SMGUARD_APROVED_KMS_KEYS`"),
            "{error}"
        );
    }

    #[test]
    fn a_double_dash_ends_options() {
        let request = evaluate(&["evaluate", "--", "--weird-name.json"], &[]).unwrap();
        assert_eq!(request.paths, vec![PathBuf::from("--weird-name.json")]);
    }
}
