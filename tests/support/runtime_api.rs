//! A local AWS Lambda Runtime API (`/2018-06-01/runtime/...`) for running a function binary as
//! Lambda runs it, without cargo-lambda in between: the benchmarks time its start and its
//! invocations from outside the process.
//!
//! Events queued with [`RuntimeApi::queue`] are handed out on `GET .../invocation/next`; each
//! `POST .../invocation/{id}/response` or `.../error` comes back from [`RuntimeApi::answer`] with
//! the instants it was handed out and answered.

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// One answer of the function.
#[derive(Debug, Clone)]
pub struct Answer {
    pub request_id: String,
    /// `false` for `.../error` (the handler returned an error) and `/init/error`.
    pub ok: bool,
    pub body: String,
    pub handed_out: Option<Instant>,
    pub answered: Instant,
}

impl Answer {
    /// Handler time as Lambda bills it: from handing the event out to the answer.
    pub fn latency(&self) -> Option<Duration> {
        self.handed_out.map(|start| self.answered.duration_since(start))
    }
}

#[derive(Debug, Default)]
struct Shared {
    queue: Mutex<VecDeque<(String, String)>>,
    ready: Condvar,
    handed_out: Mutex<HashMap<String, Instant>>,
    first_poll: Mutex<Option<Instant>>,
    closed: AtomicBool,
}

/// The Runtime API on 127.0.0.1.
#[derive(Debug)]
pub struct RuntimeApi {
    pub address: String,
    shared: Arc<Shared>,
    answers: Receiver<Answer>,
    next_id: AtomicU64,
}

impl RuntimeApi {
    pub fn start() -> RuntimeApi {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the runtime API");
        let address = listener.local_addr().expect("address").to_string();
        let shared = Arc::new(Shared::default());
        let (sender, answers) = channel();
        let serving = Arc::clone(&shared);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if serving.closed.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(stream) = stream else { continue };
                let shared = Arc::clone(&serving);
                let sender = sender.clone();
                std::thread::spawn(move || serve(stream, &shared, &sender));
            }
        });
        RuntimeApi {
            address,
            shared,
            answers,
            next_id: AtomicU64::new(0),
        }
    }

    /// Queues an event; returns its request ID.
    pub fn queue(&self, payload: &str) -> String {
        let id = format!("bench-{:08}", self.next_id.fetch_add(1, Ordering::SeqCst));
        self.shared
            .queue
            .lock()
            .expect("queue")
            .push_back((id.clone(), payload.to_owned()));
        self.shared.ready.notify_all();
        id
    }

    /// The next answer, waiting at most `wait`.
    pub fn answer(&self, wait: Duration) -> Option<Answer> {
        self.answers.recv_timeout(wait).ok()
    }

    /// When the function first asked for an event: the end of its initialization.
    pub fn first_poll(&self) -> Option<Instant> {
        *self.shared.first_poll.lock().expect("first poll")
    }
}

impl Drop for RuntimeApi {
    fn drop(&mut self) {
        self.shared.closed.store(true, Ordering::SeqCst);
        self.shared.ready.notify_all();
        // Wake the accept loop so that it sees `closed`.
        let _ = TcpStream::connect(&self.address);
    }
}

struct Request {
    method: String,
    path: String,
    body: String,
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Request> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let path = parts.next()?.to_owned();
    let mut length = 0usize;
    let mut chunked = false;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().ok()?,
            "transfer-encoding" => chunked = value.trim().eq_ignore_ascii_case("chunked"),
            _ => {}
        }
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).ok()?;
            let size = usize::from_str_radix(size.trim().split(';').next()?, 16).ok()?;
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).ok()?;
            if size == 0 {
                break;
            }
            chunk.truncate(size);
            body.extend(chunk);
        }
    } else {
        body.resize(length, 0);
        reader.read_exact(&mut body).ok()?;
    }
    Some(Request {
        method,
        path,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn respond(stream: &mut TcpStream, status: &str, headers: &[(&str, String)], body: &str) -> bool {
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(body.as_bytes()))
        .is_ok()
}

fn serve(stream: TcpStream, shared: &Shared, answers: &Sender<Answer>) {
    let Ok(mut writer) = stream.try_clone() else { return };
    let mut reader = BufReader::new(stream);
    while let Some(request) = read_request(&mut reader) {
        let path = request.path.trim_start_matches("/2018-06-01/runtime");
        if request.method == "GET" && path == "/invocation/next" {
            shared
                .first_poll
                .lock()
                .expect("first poll")
                .get_or_insert_with(Instant::now);
            let Some((id, payload)) = next_event(shared) else {
                return;
            };
            let deadline = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|now| now.as_millis() + 900_000)
                .unwrap_or_default();
            let headers = [
                ("Lambda-Runtime-Aws-Request-Id", id.clone()),
                ("Lambda-Runtime-Deadline-Ms", deadline.to_string()),
                (
                    "Lambda-Runtime-Invoked-Function-Arn",
                    "arn:aws-us-gov:lambda:us-gov-west-1:111122223333:function:sagemaker-guard".to_owned(),
                ),
                ("Lambda-Runtime-Trace-Id", format!("Root=1-00000000-{id}")),
            ];
            shared.handed_out.lock().expect("handed out").insert(id, Instant::now());
            if !respond(&mut writer, "200 OK", &headers, &payload) {
                return;
            }
            continue;
        }
        let answered = Instant::now();
        let (request_id, ok) = if path == "/init/error" {
            ("init".to_owned(), false)
        } else if let Some(rest) = path.strip_prefix("/invocation/") {
            match rest.rsplit_once('/') {
                Some((id, "response")) => (id.to_owned(), true),
                Some((id, "error")) => (id.to_owned(), false),
                _ => {
                    respond(&mut writer, "404 Not Found", &[], "{}");
                    continue;
                }
            }
        } else {
            respond(&mut writer, "404 Not Found", &[], "{}");
            continue;
        };
        let handed_out = shared.handed_out.lock().expect("handed out").remove(&request_id);
        let _ = answers.send(Answer {
            request_id,
            ok,
            body: request.body,
            handed_out,
            answered,
        });
        if !respond(&mut writer, "202 Accepted", &[], "{\"status\":\"OK\"}") {
            return;
        }
    }
}

fn next_event(shared: &Shared) -> Option<(String, String)> {
    let mut queue = shared.queue.lock().expect("queue");
    loop {
        if shared.closed.load(Ordering::SeqCst) {
            return None;
        }
        if let Some(event) = queue.pop_front() {
            return Some(event);
        }
        queue = shared
            .ready
            .wait_timeout(queue, Duration::from_millis(200))
            .expect("queue")
            .0;
    }
}

/// A function binary started as Lambda starts it, against a [`RuntimeApi`].
#[derive(Debug)]
pub struct FunctionProcess {
    child: std::process::Child,
    /// When the process was started (cold start is measured from here).
    pub started: Instant,
}

impl FunctionProcess {
    /// Starts `binary` as function `name` with exactly `env` (and Lambda's own variables),
    /// its output to `log`.
    pub fn start(
        binary: &std::path::Path,
        name: &str,
        env: &[(&str, String)],
        api: &RuntimeApi,
        log: &std::path::Path,
    ) -> FunctionProcess {
        let log = std::fs::File::create(log).expect("function log");
        let mut command = std::process::Command::new(binary);
        command
            .env_clear()
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .env("RUST_LOG", "info")
            .env("AWS_LAMBDA_RUNTIME_API", &api.address)
            .env("AWS_LAMBDA_FUNCTION_NAME", name)
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
            .env("AWS_LAMBDA_LOG_GROUP_NAME", format!("/aws/lambda/{name}"))
            .env("AWS_LAMBDA_LOG_STREAM_NAME", "bench")
            .stdout(log.try_clone().expect("log"))
            .stderr(log);
        let started = Instant::now();
        let child = command.spawn().expect("start the function");
        FunctionProcess { child, started }
    }

    /// Peak resident set size so far (`VmHWM`), in MiB.
    pub fn peak_rss_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).expect("/proc status");
        let kib: f64 = status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM");
        kib / 1024.0
    }
}

impl Drop for FunctionProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
