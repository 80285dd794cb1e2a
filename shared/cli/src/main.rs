//! `smguard`: run smguard's rules over saved events, or audit what exists now.
//!
//! ```text
//! smguard evaluate [--approved-kms-keys K1,K2] [--control RULE=MODE]... [--env-file FILE]
//!                  [--only-findings] [--jobs N] FILE|DIR...
//! smguard audit [--region R]... [--kinds K,..] [--respond] [--output FILE] [--concurrency N]
//! smguard rules
//! smguard kinds [--json]
//! ```

mod args;
mod audit;
mod input;
mod report;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // Usage errors exit 2, `--help` and `--version` 0 (clap's codes).
            let _ = error.print();
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2));
        }
    };
    let code = match cli.command {
        args::Command::Evaluate(arguments) => {
            let mut stderr = io::stderr().lock();
            match arguments.request(std::env::vars()) {
                Ok(request) => report::evaluate(&request, &mut io::stdout().lock(), &mut stderr),
                Err(error) => usage_error(&mut stderr, "evaluate", &error),
            }
        }
        // Not locked: the audit's progress bar draws on stderr from another thread.
        args::Command::Audit(arguments) => match arguments.request(std::env::vars()) {
            Ok(invocation) => audit::audit(invocation, &mut io::stdout(), &mut io::stderr()),
            Err(error) => usage_error(&mut io::stderr(), "audit", &error),
        },
        args::Command::Rules => report::rules(&mut io::stdout().lock()),
        args::Command::Kinds { json } => report::kinds(&mut io::stdout().lock(), json),
    };
    ExitCode::from(code)
}

/// A usage error found after parsing: exit status 2.
fn usage_error(stderr: &mut impl Write, subcommand: &str, error: &str) -> u8 {
    let _ = writeln!(
        stderr,
        "smguard: {error}\n\n{}\n\nFor more information, try 'smguard {subcommand} --help'.",
        args::usage(subcommand)
    );
    2
}
