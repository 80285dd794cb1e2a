use super::*;
use smguard_policy::{ControlMode, RuleId};

fn evaluate(list: &[&str], env: &[(&str, &str)]) -> Result<EvaluateRequest, String> {
    let cli = Cli::try_parse_from(std::iter::once("smguard").chain(list.iter().copied())).map_err(|e| e.to_string())?;
    let env = env.iter().map(|(k, v)| (k.to_string(), v.to_string()));
    match cli.command {
        Command::Evaluate(arguments) => arguments.request(env),
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
            "--approved-lifecycle-configs",
            "hardened-image,gpu-image",
            "--only-findings",
            "--jobs",
            "3",
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
    assert_eq!(
        request.config.approved_lifecycle_configs,
        vec!["hardened-image", "gpu-image"]
    );
    assert_eq!(request.paths, vec![PathBuf::from("x.json")]);
    assert!(request.only_findings);
    assert_eq!(request.jobs.get(), 3);
}

#[test]
fn the_data_options_set_roles_and_locations() {
    let request = evaluate(
        &[
            "evaluate",
            "--sagemaker-roles",
            "arn:aws-us-gov:iam::111122223333:role/service-role/AmazonSageMaker-*",
            "--approved-output-locations=s3://model-out/approved/",
            "x.json",
        ],
        &[(config::APPROVED_OUTPUT_LOCATIONS, "s3://other-bucket")],
    )
    .unwrap();
    assert!(
        request
            .config
            .is_sagemaker_role("arn:aws-us-gov:iam::111122223333:role/service-role/AmazonSageMaker-Exec")
    );
    let locations: Vec<String> = request
        .config
        .approved_output_locations
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        locations,
        vec!["s3://model-out/approved/"],
        "the option replaces the environment's"
    );
}

#[test]
fn usage_errors_say_what_is_wrong() {
    for (list, expected) in [
        (&["evaluate"][..], "required arguments were not provided"),
        (&["evaluate", "--control"][..], "a value is required for '--control"),
        (
            &["evaluate", "--frobnicate", "x"][..],
            "unexpected argument '--frobnicate'",
        ),
        (&["evaluate", "--jobs", "0", "x"][..], "invalid value '0' for '--jobs"),
        (
            &["evaluate", "--control", "nope=enforce", "x"][..],
            "unknown rule `nope`",
        ),
        (
            &["evaluate", "--approved-kms-keys", "arn:aws:s3:::b", "x"][..],
            "is not a KMS key ID",
        ),
        (
            &["evaluate", "--approved-output-locations", "model-out/approved", "x"][..],
            "invalid `SMGUARD_APPROVED_OUTPUT_LOCATIONS`: `model-out/approved` is not an `s3://bucket`",
        ),
        (
            &[
                "evaluate",
                "--sagemaker-roles",
                "arn:aws-us-gov:iam::111122223333:user/x",
                "x",
            ][..],
            "invalid `SMGUARD_SAGEMAKER_ROLE_ARNS`: `arn:aws-us-gov:iam::111122223333:user/x` is not an IAM role ARN",
        ),
        (&["audit"][..], "Audit(AuditArgs"),
        (&["frobnicate"][..], "unrecognized subcommand 'frobnicate'"),
        (&[][..], "Usage: smguard <COMMAND>"),
    ] {
        let error = evaluate(list, &[]).unwrap_err();
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

#[test]
fn the_usage_of_evaluate_names_its_arguments() {
    assert!(
        usage("evaluate").contains("smguard evaluate [OPTIONS] <FILE|DIR>..."),
        "{}",
        usage("evaluate")
    );
}

#[test]
fn the_definition_is_consistent() {
    Cli::command().debug_assert();
}

fn audit(list: &[&str], env: &[(&str, &str)]) -> Result<AuditInvocation, String> {
    let cli =
        Cli::try_parse_from(["smguard", "audit"].into_iter().chain(list.iter().copied())).map_err(|e| e.to_string())?;
    let env = env.iter().map(|(k, v)| (k.to_string(), v.to_string()));
    match cli.command {
        Command::Audit(arguments) => arguments.request(env),
        other => Err(format!("{other:?}")),
    }
}

#[test]
fn audit_options_are_read_and_checked() {
    let invocation = audit(
        &[
            "--region",
            "us-gov-west-1",
            "--region",
            "us-gov-east-1",
            "--kinds",
            "training_job,notebook_instance",
        ],
        &[],
    )
    .unwrap();
    assert_eq!(invocation.regions, ["us-gov-west-1", "us-gov-east-1"]);
    assert_eq!(
        invocation.kinds,
        [
            smguard_policy::ResourceKind::TrainingJob,
            smguard_policy::ResourceKind::NotebookInstance
        ]
    );
    assert!(invocation.response.is_none(), "report only by default");
    assert_eq!(invocation.concurrency, 8);
    for (list, expected) in [
        (
            &["--kinds", "notebook"][..],
            "unknown kind `notebook`; the kinds are notebook_instance",
        ),
        (&["--concurrency", "0"][..], "--concurrency 0 is not from 1 to 64"),
        (
            &["--respond"][..],
            "--respond needs the deployment's settings: missing required setting `SMGUARD_MODE`",
        ),
    ] {
        let error = audit(list, &[]).unwrap_err();
        assert!(error.starts_with(expected), "{error:?} should start with {expected:?}");
    }
    let responding = audit(
        &["--respond"],
        &[
            ("SMGUARD_MODE", "dry-run"),
            (
                "SMGUARD_ALERT_TOPIC_ARN",
                "arn:aws-us-gov:sns:us-gov-west-1:111122223333:smguard-alerts",
            ),
            ("SMGUARD_LEDGER_BUCKET", "smguard-ledger-111122223333"),
        ],
    )
    .unwrap();
    assert_eq!(responding.response.unwrap().mode, smguard_engine::Mode::DryRun);
}
