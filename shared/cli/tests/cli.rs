//! The `smguard` binary, run as a user runs it.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed assertion"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use smguard_tests::cases::{self, Case, events_dir};

fn smguard(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_smguard"));
    command.args(args).env_clear().current_dir(events_dir().join(".."));
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("run smguard")
}

fn lines(output: &Output) -> Vec<Value> {
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON line: {line}: {e}")))
        .collect()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Compares one printed line with its row.
fn check(case: &Case, line: &Value) -> Result<(), String> {
    let strings = |key: &str, field: Option<&str>| -> Vec<String> {
        let mut items: Vec<String> = line[key]
            .as_array()
            .into_iter()
            .flatten()
            .map(|item| match field {
                Some(field) => item[field].as_str().unwrap_or_default().to_owned(),
                None => item.as_str().unwrap_or_default().to_owned(),
            })
            .collect();
        if field.is_some() {
            items.sort();
            items.dedup();
        }
        items
    };
    let mut rules = case.rules.clone();
    rules.sort();
    let mut undetermined = case.undetermined.clone();
    undetermined.sort();
    let actual = (
        line["outcome"].as_str().unwrap_or_default().to_owned(),
        strings("findings", Some("rule")),
        strings("undetermined", Some("rule")),
        strings("response", None),
    );
    let expected = (case.outcome.clone(), rules, undetermined, case.response.clone());
    if actual == expected {
        Ok(())
    } else {
        Err(format!("{}: printed {actual:?}, expected {expected:?}", case.label()))
    }
}

fn by_file_and_index(lines: &[Value]) -> BTreeMap<(String, usize), Value> {
    lines
        .iter()
        .map(|line| {
            let file = line["file"].as_str().unwrap().trim_start_matches("events/").to_owned();
            ((file, line["index"].as_u64().unwrap() as usize), line.clone())
        })
        .collect()
}

#[test]
fn evaluating_every_fixture_prints_the_expected_outcomes() {
    // What the README shows: the whole directory with the fixtures' settings.
    let output = smguard(&["evaluate", "--env-file", "events/fixtures.env", "events"], &[]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "non-compliant fixtures exist; stderr: {}",
        stderr(&output)
    );
    let printed = by_file_and_index(&lines(&output));
    let rows: Vec<Case> = cases::load().into_iter().filter(|c| c.settings.is_empty()).collect();
    let err = stderr(&output);
    assert!(
        err.starts_with(&format!("smguard: {} events in ", rows.len())) && err.lines().count() == 3,
        "only the summary: {err}"
    );
    assert_eq!(printed.len(), rows.len(), "one line per fixture event");
    let failures: Vec<String> = rows
        .iter()
        .filter_map(|case| match printed.get(&(case.file.clone(), case.index)) {
            Some(line) => check(case, line).err(),
            None => Some(format!("{}: not printed", case.label())),
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn settings_from_the_environment_and_options_are_applied() {
    // Rows with their own settings, run with the row's settings in the environment.
    let rows: Vec<Case> = cases::load().into_iter().filter(|c| !c.settings.is_empty()).collect();
    assert!(!rows.is_empty());
    for case in rows {
        let settings = case.settings();
        let env: Vec<(String, String)> = smguard_policy::config::KNOWN_KEYS
            .iter()
            .filter_map(|key| settings.get(key).map(|v| (key.to_string(), v.to_owned())))
            .collect();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let file = format!("events/{}", case.file);
        let output = smguard(&["evaluate", &file], &env);
        let printed = lines(&output);
        check(&case, &printed[case.index]).unwrap();
    }
}

#[test]
fn options_override_the_environment() {
    let file = "events/cloudtrail/sagemaker/create-model.no-vpc.json";
    let enforced = smguard(&["evaluate", file], &[]);
    assert_eq!(
        lines(&enforced)[0]["response"],
        serde_json::json!(["delete_model", "alert"])
    );
    let reported = smguard(
        &["evaluate", "--control", "network.vpc-required=report", file],
        &[("SMGUARD_CONTROLS", "network.vpc-required=enforce")],
    );
    assert_eq!(lines(&reported)[0]["response"], serde_json::json!(["alert"]));
    let unapproved = "events/cloudtrail/sagemaker/create-training-job.unapproved-key.json";
    assert_eq!(
        smguard(&["evaluate", unapproved], &[]).status.code(),
        Some(0),
        "no approved list: compliant"
    );
    let listed = smguard(
        &[
            "evaluate",
            "--approved-kms-keys",
            "alias/ml-platform-output",
            unapproved,
        ],
        &[],
    );
    assert_eq!(listed.status.code(), Some(1));
    assert_eq!(lines(&listed)[0]["findings"][0]["rule"], "encryption.approved-key");
}

#[test]
fn exit_status_is_zero_when_everything_is_compliant_or_ignored() {
    let output = smguard(
        &[
            "evaluate",
            "--env-file",
            "events/fixtures.env",
            "events/cloudtrail/sagemaker/create-training-job.compliant.json",
            "events/cloudtrail/sagemaker/create-notebook-instance.access-denied.json",
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let printed = lines(&output);
    assert_eq!(printed[0]["outcome"], "compliant");
    assert_eq!(printed[1]["outcome"], "ignored");
    assert_eq!(
        printed[1]["reason"],
        "the call failed with `AccessDenied`, so nothing was created or changed"
    );
    assert_eq!(printed[0]["resource"]["kind"], "training_job");
    assert_eq!(
        printed[0]["resource"]["arn"],
        "arn:aws-us-gov:sagemaker:us-gov-west-1:111122223333:training-job/churn-xgb-2026-11-02-14-03"
    );
}

#[test]
fn unevaluable_events_exit_one() {
    let output = smguard(
        &[
            "evaluate",
            "events/cloudtrail/sagemaker/create-training-job.truncated-parameters.json",
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(lines(&output)[0]["outcome"], "unevaluable");
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("smguard-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn fixture(path: &str) -> String {
    std::fs::read_to_string(events_dir().join(path)).unwrap()
}

fn compact(path: &str) -> String {
    serde_json::to_string(&serde_json::from_str::<Value>(&fixture(path)).unwrap()).unwrap()
}

#[test]
fn reads_json_lines_and_arrays() {
    let dir = temp_dir("formats");
    let lines_file = dir.join("export.jsonl");
    std::fs::write(
        &lines_file,
        format!(
            "{}\n\n{}\n",
            compact("cloudtrail/sagemaker/create-model.compliant.json"),
            compact("cloudtrail/sagemaker/create-model.no-vpc.json")
        ),
    )
    .unwrap();
    let output = smguard(&["evaluate", lines_file.to_str().unwrap()], &[]);
    let printed = lines(&output);
    assert_eq!(printed.len(), 2);
    assert_eq!(
        (printed[0]["index"].as_u64(), printed[0]["outcome"].as_str()),
        (Some(0), Some("compliant"))
    );
    assert_eq!(
        (printed[1]["index"].as_u64(), printed[1]["outcome"].as_str()),
        (Some(1), Some("non_compliant"))
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn unreadable_input_exits_two_naming_the_file_and_the_reason() {
    let dir = temp_dir("unreadable");
    let broken = dir.join("broken.json");
    std::fs::write(&broken, "{\"detail-type\": ").unwrap();
    let broken_line = dir.join("broken.jsonl");
    std::fs::write(
        &broken_line,
        format!(
            "{}\nnot json\n",
            compact("cloudtrail/sagemaker/create-model.compliant.json")
        ),
    )
    .unwrap();
    let missing = dir.join("missing.json");
    let good = "events/cloudtrail/sagemaker/create-model.compliant.json";
    let output = smguard(
        &[
            "evaluate",
            broken.to_str().unwrap(),
            broken_line.to_str().unwrap(),
            missing.to_str().unwrap(),
            good,
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains(&format!(
            "cannot read `{}`: not JSON: EOF while parsing",
            broken.display()
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("cannot read `{}`: line 2: not JSON", broken_line.display())),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "cannot read `{}`: No such file or directory",
            missing.display()
        )),
        "{err}"
    );
    // Readable files are still evaluated and printed.
    let printed = lines(&output);
    assert_eq!(printed.len(), 1);
    assert_eq!(printed[0]["outcome"], "compliant");
}

#[test]
fn usage_errors_exit_two_with_the_usage() {
    for (args, message) in [
        (&["evaluate"][..], "the following required arguments were not provided"),
        (
            &["evaluate", "--control", "nope=on", "x.json"][..],
            "invalid `SMGUARD_CONTROLS`: unknown rule `nope`",
        ),
        (
            &["evaluate", "--env-file", "no/such.env", "x.json"][..],
            "cannot read `no/such.env`",
        ),
    ] {
        let output = smguard(args, &[]);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let err = stderr(&output);
        assert!(
            err.contains(message) && err.contains("Usage: smguard evaluate"),
            "{args:?}: {err}"
        );
        assert!(output.stdout.is_empty());
    }
    let misspelt = smguard(&["evaluate", "x.json"], &[("SMGUARD_APPROVED_KMS_KEY", "alias/x")]);
    assert_eq!(misspelt.status.code(), Some(2));
    assert!(stderr(&misspelt).contains("unknown setting `SMGUARD_APPROVED_KMS_KEY`"));
}

#[test]
fn help_and_rules_exit_zero() {
    let unknown = smguard(&["frobnicate"], &[]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("unrecognized subcommand 'frobnicate'"));
    let help = smguard(&["--help"], &[]);
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).contains("Usage: smguard <COMMAND>"));
    let evaluate_help = smguard(&["evaluate", "--help"], &[]);
    assert_eq!(evaluate_help.status.code(), Some(0));
    let text = String::from_utf8_lossy(&evaluate_help.stdout).into_owned();
    for option in ["--only-findings", "--env-file", "--control", "--jobs", ".json.gz"] {
        assert!(text.contains(option), "`evaluate --help` lacks {option}: {text}");
    }
    let version = smguard(&["--version"], &[]);
    assert_eq!(version.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        format!("smguard {}", env!("CARGO_PKG_VERSION"))
    );
    let rules = smguard(&["rules"], &[]);
    assert_eq!(rules.status.code(), Some(0));
    let table = String::from_utf8(rules.stdout).unwrap();
    for rule in smguard_policy::RuleId::ALL {
        assert!(
            table.contains(&format!("`{rule}`")),
            "{rule} missing from `smguard rules`"
        );
    }
}

#[test]
fn the_readme_rule_table_matches_the_catalogue() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md")).unwrap();
    let table = String::from_utf8(smguard(&["rules"], &[]).stdout).unwrap();
    assert!(
        readme.contains(table.trim()),
        "README.md's rule table differs from `smguard rules`; paste its output into the README:\n{table}"
    );
}

#[test]
fn the_readme_kind_table_matches_the_kind_table() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md")).unwrap();
    let kinds = smguard(&["kinds"], &[]);
    assert_eq!(kinds.status.code(), Some(0));
    let table = String::from_utf8(kinds.stdout).unwrap();
    for kind in smguard_policy::ResourceKind::ALL {
        assert!(
            table.contains(&format!("| `{kind}` |")),
            "{kind} missing from `smguard kinds`"
        );
    }
    assert!(
        readme.contains(table.trim()),
        "README.md's kind table differs from `smguard kinds`; paste its output into the README:\n{table}"
    );
}

fn gzip(text: &str) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(text.as_bytes()).unwrap();
    encoder.finish().unwrap()
}

/// A CloudTrail export as S3 holds it: gzipped log files under `AWSLogs/<account>/CloudTrail/…`.
fn cloudtrail_export(name: &str, files: usize) -> (PathBuf, String) {
    let dir = temp_dir(name);
    let day = dir.join("AWSLogs/111122223333/CloudTrail/us-gov-west-1/2026/11/02");
    std::fs::create_dir_all(&day).unwrap();
    let log = fixture("records/cloudtrail-log-file.json");
    for index in 0..files {
        let file = day.join(format!(
            "111122223333_CloudTrail_us-gov-west-1_20261102T14{index:02}Z_abcdefgh{index:04}.json.gz"
        ));
        std::fs::write(file, gzip(&log)).unwrap();
    }
    // Not an event file: CloudTrail's digest files live elsewhere, but a stray file must be skipped.
    std::fs::write(day.join("README.txt"), "not events").unwrap();
    (dir, log)
}

#[test]
fn reads_gzipped_cloudtrail_log_files_and_directories_of_them() {
    let (dir, log) = cloudtrail_export("gzip", 3);
    let per_file = smguard(&["evaluate", "events/records/cloudtrail-log-file.json"], &[]);
    let expected: Vec<Value> = lines(&per_file);
    let records = serde_json::from_str::<Value>(&log).unwrap()["Records"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(expected.len(), records);

    let output = smguard(&["evaluate", "--jobs", "2", dir.to_str().unwrap()], &[]);
    assert_eq!(output.status.code(), per_file.status.code(), "{}", stderr(&output));
    let printed = lines(&output);
    assert_eq!(printed.len(), 3 * records, "every record of every file");
    // Printed in the files' order, whatever order the workers finished in.
    let files: Vec<&str> = printed.iter().map(|l| l["file"].as_str().unwrap()).collect();
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(files, sorted);
    for (line, want) in printed.iter().zip(expected.iter().cycle()) {
        assert_eq!(line["outcome"], want["outcome"], "{line}");
        assert_eq!(line["event_id"], want["event_id"]);
        assert_eq!(line["index"], want["index"]);
    }
    // A gzipped file named on the command line is read by its content, whatever its name.
    let renamed = dir.join("export.bin");
    std::fs::write(&renamed, gzip(&log)).unwrap();
    assert_eq!(
        lines(&smguard(&["evaluate", renamed.to_str().unwrap()], &[])).len(),
        records
    );
}

#[test]
fn only_findings_prints_non_compliant_and_unevaluable_events_and_the_summary_counts_all() {
    let all = smguard(&["evaluate", "--env-file", "events/fixtures.env", "events/"], &[]);
    let only = smguard(
        &[
            "evaluate",
            "--only-findings",
            "--env-file",
            "events/fixtures.env",
            "events/",
        ],
        &[],
    );
    assert_eq!(only.status.code(), Some(1));
    let every = lines(&all);
    let findings: Vec<Value> = every
        .iter()
        .filter(|l| matches!(l["outcome"].as_str(), Some("non_compliant" | "unevaluable")))
        .cloned()
        .collect();
    assert!(!findings.is_empty() && findings.len() < every.len());
    assert_eq!(lines(&only), findings);
    // The summary counts every event, printed or not.
    let count = |outcome: &str| every.iter().filter(|l| l["outcome"] == outcome).count();
    let summary = stderr(&only);
    let first = summary.lines().next().unwrap();
    assert!(
        first.starts_with(&format!("smguard: {} events in ", every.len())),
        "{summary}"
    );
    for outcome in ["non_compliant", "unevaluable", "compliant", "ignored"] {
        assert!(
            first.contains(&format!("{} {outcome}", count(outcome))),
            "{outcome}: {summary}"
        );
    }
    let vpc = every
        .iter()
        .filter(|l| {
            l["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["rule"] == "network.vpc-required")
        })
        .count();
    assert!(summary.contains(&format!("network.vpc-required {vpc}")), "{summary}");
    assert!(
        summary.contains("smguard: evaluated kinds: notebook_instance "),
        "{summary}"
    );
}

#[test]
fn a_corrupt_gzip_file_exits_two_naming_it() {
    let dir = temp_dir("corrupt-gzip");
    let file = dir.join("broken.json.gz");
    let mut bytes = gzip(&fixture("records/cloudtrail-log-file.json"));
    bytes.truncate(bytes.len() / 2);
    std::fs::write(&file, bytes).unwrap();
    let output = smguard(&["evaluate", file.to_str().unwrap()], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("broken.json.gz"), "{}", stderr(&output));
    assert!(stderr(&output).contains("not valid gzip"), "{}", stderr(&output));
}

#[test]
fn a_directory_loop_is_searched_once_and_exits_two_naming_it() {
    let dir = temp_dir("symlink-loop");
    let events = dir.join("events");
    std::fs::create_dir_all(&events).unwrap();
    std::fs::write(
        events.join("one.json"),
        fixture("cloudtrail/sagemaker/create-model.compliant.json"),
    )
    .unwrap();
    std::os::unix::fs::symlink("..", events.join("parent")).unwrap();
    std::os::unix::fs::symlink("self.json", events.join("self.json")).unwrap();
    let output = smguard(&["evaluate", dir.to_str().unwrap()], &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let err = stderr(&output);
    let looped = events.join("parent");
    assert!(
        err.contains(&format!("cannot read `{}`: a directory loop", looped.display())),
        "{err}"
    );
    assert!(
        err.contains(&format!("cannot read `{}`:", events.join("self.json").display())),
        "{err}"
    );
    // The one event, once.
    assert_eq!(lines(&output).len(), 1, "{}", String::from_utf8_lossy(&output.stdout));
}

#[test]
fn a_file_over_the_size_limit_exits_two_naming_it_without_reading_it() {
    let dir = temp_dir("huge");
    let file = dir.join("export.json");
    // 2 GiB, sparse: nothing is written to disk, and the CLI must not read it to refuse it.
    std::fs::File::create(&file).unwrap().set_len(2 << 30).unwrap();
    let output = smguard(&["evaluate", file.to_str().unwrap()], &[]);
    std::fs::remove_file(&file).unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains(&format!(
            "cannot read `{}`: larger than 268435456 bytes",
            file.display()
        )),
        "{}",
        stderr(&output)
    );
}
