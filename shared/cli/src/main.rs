//! `smguard`: run smguard's rules over saved events.
//!
//! ```text
//! smguard evaluate [--approved-kms-keys K1,K2] [--control RULE=MODE]... [--env-file FILE]
//!                  [--only-findings] [--jobs N] FILE|DIR...
//! smguard rules
//! ```

mod args;
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
    let mut stdout = io::stdout().lock();
    let mut stderr = io::stderr().lock();
    let code = match cli.command {
        args::Command::Evaluate(arguments) => match arguments.request(std::env::vars()) {
            Ok(request) => report::evaluate(&request, &mut stdout, &mut stderr),
            Err(error) => {
                let _ = writeln!(
                    stderr,
                    "smguard: {error}\n\n{}\n\nFor more information, try 'smguard evaluate --help'.",
                    args::evaluate_usage()
                );
                2
            }
        },
        args::Command::Rules => report::rules(&mut stdout),
        args::Command::Kinds { json } => report::kinds(&mut stdout, json),
    };
    ExitCode::from(code)
}
