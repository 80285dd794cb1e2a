//! The Lambda functions as Lambda runs them: the real binaries under `cargo lambda watch`
//! (cargo-lambda from PyPI, installed into `.venv` by `make test`), invoked through its Lambda
//! Invoke API on 127.0.0.1.

use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::emulator::{http_request, venv_tool, workspace};

/// A `cargo lambda watch` serving the workspace's functions.
#[derive(Debug)]
pub struct LocalLambda {
    child: Child,
    port: u16,
    pub log: PathBuf,
}

/// One invocation's answer.
#[derive(Debug, Clone)]
pub struct Invocation {
    /// 200, or 500 when the function returned an error.
    pub status: u16,
    pub body: Value,
}

impl Invocation {
    pub fn failed(&self) -> bool {
        self.status != 200
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl LocalLambda {
    /// Starts `cargo lambda watch` with the functions' environment `env`; `name` names its files.
    pub fn start(name: &str, env: &[(&str, String)]) -> LocalLambda {
        let scratch = workspace().join("target").join("smguard-lambda");
        std::fs::create_dir_all(&scratch).expect("create target/smguard-lambda");
        let env_file = scratch.join(format!("{name}.env"));
        // Quoted, so that commas, colons and slashes in values (key lists, ARNs) read as written.
        let lines: String = env
            .iter()
            .map(|(k, v)| format!("{k}=\"{}\"\n", v.replace('\\', "\\\\").replace('"', "\\\"")))
            .collect();
        std::fs::write(&env_file, lines).expect("write the env file");
        let log = scratch.join(format!("{name}.log"));
        let port = free_port();
        let child = Command::new(venv_tool("cargo-lambda", "SMGUARD_CARGO_LAMBDA", "cargo-lambda"))
            .args(["lambda", "watch", "--ignore-changes", "-A", "127.0.0.1", "-P"])
            .arg(port.to_string())
            .arg("--env-file")
            .arg(&env_file)
            .current_dir(workspace())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("lambda log"))
            // Its own process group: dropping it stops the function it started too.
            .process_group(0)
            .spawn()
            .expect("start cargo lambda watch");
        let mut lambda = LocalLambda { child, port, log };
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            let exited = lambda.child.try_wait().ok().flatten();
            assert!(
                exited.is_none(),
                "cargo lambda watch exited ({exited:?}):\n{}",
                lambda.logs()
            );
            assert!(
                Instant::now() < deadline,
                "cargo lambda watch did not start; see {}",
                lambda.log.display()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        lambda
    }

    /// Invokes `function` with `payload`. The first invocation builds the function if needed.
    pub fn invoke(&self, function: &str, payload: &str) -> Invocation {
        let (status, body) = http_request(
            &format!("127.0.0.1:{}", self.port),
            "POST",
            &format!("/2015-03-31/functions/{function}/invocations"),
            "Content-Type: application/json\r\n",
            payload,
            // A cold build of the function can take minutes on a fresh machine.
            Duration::from_secs(1800),
        )
        .unwrap_or_else(|error| panic!("invoking {function}: {error}"));
        let body = serde_json::from_str(&body).unwrap_or(Value::String(body));
        Invocation { status, body }
    }

    /// Stops the function and removes its environment file (credentials) and log.
    pub fn stop_and_clean(self) {
        let log = self.log.clone();
        drop(self);
        let _ = std::fs::remove_file(log.with_extension("env"));
        let _ = std::fs::remove_file(log);
    }

    /// The log so far (the function's own logs included).
    pub fn logs(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for LocalLambda {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let _ = self.child.wait();
    }
}
