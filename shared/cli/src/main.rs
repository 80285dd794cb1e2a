//! `smguard`: run smguard's rules over saved events.
//!
//! ```text
//! smguard evaluate [--approved-kms-keys K1,K2] [--control RULE=MODE]... [--env-file FILE] FILE|DIR...
//! smguard rules
//! ```

mod args;
mod input;
mod report;

use std::io::{self, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let environment = std::env::vars();
    let mut stdout = io::stdout().lock();
    let mut stderr = io::stderr().lock();
    let code = match args::parse(&arguments, environment) {
        Ok(args::Command::Evaluate(request)) => report::evaluate(&request, &mut stdout, &mut stderr),
        Ok(args::Command::Rules) => report::rules(&mut stdout),
        Ok(args::Command::Help(text)) => {
            let _ = writeln!(stdout, "{text}");
            0
        }
        Err(error) => {
            let _ = writeln!(stderr, "smguard: {error}\n\n{}", args::USAGE);
            2
        }
    };
    ExitCode::from(code)
}
