//! The AWS API emulator for integration tests: moto 5.2.5 with smguard's extension
//! (`tests/emulator/smguard_emulator`), started on 127.0.0.1 on a free port.
//!
//! One emulator serves a test binary ([`Emulator::shared`]); every test works in an account of its
//! own ([`Emulator::account`]), selected by credentials moto's STS issued for a role in that
//! account, exactly as a Lambda's environment credentials would. Tests that change global
//! emulator state (IAM enforcement) start a dedicated one ([`Emulator::start`]). The emulator
//! exits with the test process that started it.
//!
//! `make test` installs moto into the project's `.venv`; `SMGUARD_EMULATOR_PYTHON` overrides the
//! interpreter.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sts::config::Credentials;

/// The Region every test works in: GovCloud, the platform's home.
pub const REGION: &str = "us-gov-west-1";
pub const PARTITION: &str = "aws-us-gov";

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A running emulator.
#[derive(Debug)]
pub struct Emulator {
    endpoint: String,
    process: Mutex<Option<Child>>,
    log: PathBuf,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Ok(mut process) = self.process.lock()
            && let Some(mut child) = process.take()
        {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

static SHARED: OnceLock<Emulator> = OnceLock::new();
static NEXT_ACCOUNT: AtomicU64 = AtomicU64::new(0);

/// A tool `make test` installs into `.venv/bin` (`tests/bin/setup`), or the one `override_var` names.
pub fn venv_tool(name: &str, override_var: &str, what: &str) -> PathBuf {
    if let Some(path) = std::env::var_os(override_var) {
        return PathBuf::from(path);
    }
    let path = workspace().join(".venv/bin").join(name);
    assert!(
        path.exists(),
        "{what} is not installed: run `make test` (it installs it into .venv), or set {override_var}"
    );
    path
}

impl Emulator {
    /// The emulator of this test binary, started on first use.
    pub fn shared() -> &'static Emulator {
        SHARED.get_or_init(Emulator::start)
    }

    /// A new emulator of its own (for tests that change global emulator state).
    pub fn start() -> Emulator {
        let scratch = workspace().join("target").join("smguard-emulator");
        std::fs::create_dir_all(&scratch).expect("create target/smguard-emulator");
        let id = format!("{}-{}", std::process::id(), NEXT_ACCOUNT.fetch_add(1, Ordering::SeqCst));
        let port_file = scratch.join(format!("{id}.port"));
        let log = scratch.join(format!("{id}.log"));
        let _ = std::fs::remove_file(&port_file);
        let child = Command::new(venv_tool(
            "python",
            "SMGUARD_EMULATOR_PYTHON",
            "the AWS emulator (moto)",
        ))
        .args([
            "-m",
            "smguard_emulator",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--port-file",
        ])
        .arg(&port_file)
        .arg("--parent-pid")
        .arg(std::process::id().to_string())
        .current_dir(workspace().join("tests/emulator"))
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).expect("emulator log"))
        .spawn()
        .expect("start the emulator");
        let mut emulator = Emulator {
            endpoint: String::new(),
            process: Mutex::new(Some(child)),
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        let port = loop {
            if let Ok(port) = std::fs::read_to_string(&port_file) {
                break port;
            }
            assert!(
                Instant::now() < deadline,
                "the emulator did not start; see {}",
                emulator.log.display()
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        emulator.endpoint = format!("http://127.0.0.1:{}", port.trim());
        loop {
            if matches!(emulator.http("GET", "/moto-api/", None), Ok((200, _))) {
                return emulator;
            }
            assert!(
                Instant::now() < deadline,
                "the emulator does not answer; see {}",
                emulator.log.display()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops an emulator of its own ([`Emulator::start`]) and removes its files.
    pub fn stop_and_clean(self) {
        let log = self.log.clone();
        drop(self);
        let _ = std::fs::remove_file(log.with_extension("port"));
        let _ = std::fs::remove_file(log);
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// A fresh account (unique in this process) with credentials for a role in it.
    pub async fn account(&self) -> TestAccount {
        let n = NEXT_ACCOUNT.fetch_add(1, Ordering::SeqCst);
        let id = format!(
            "{:012}",
            100_000_000_000 + u64::from(std::process::id() % 100_000) * 10_000 + n
        );
        self.account_with_id(&id).await
    }

    /// An account with a given ID (the fixtures' `111122223333`, to compare with them).
    pub async fn account_with_id(&self, id: &str) -> TestAccount {
        let credentials = self.assume_role(id, "smguard-test", "tester").await;
        TestAccount {
            id: id.to_owned(),
            endpoint: self.endpoint.clone(),
            credentials,
        }
    }

    /// Credentials for `role` in `account`, issued by the emulator's STS: calls made with them
    /// land in that account and are recorded as that role's session.
    pub async fn assume_role(&self, account: &str, role: &str, session: &str) -> Credentials {
        let config = sdk_config(
            &self.endpoint,
            Credentials::new("bootstrap", "bootstrap", None, None, "smguard-tests"),
        )
        .await;
        let assumed = aws_sdk_sts::Client::new(&config)
            .assume_role()
            .role_arn(format!("arn:{PARTITION}:iam::{account}:role/{role}"))
            .role_session_name(session)
            .send()
            .await
            .expect("AssumeRole in the emulator");
        let c = assumed.credentials.expect("credentials");
        Credentials::new(
            c.access_key_id,
            c.secret_access_key,
            Some(c.session_token),
            None,
            "emulator-sts",
        )
    }

    /// A request to the emulator's own endpoints (`/moto-api/…`, `/_smguard/…`).
    pub fn http(&self, method: &str, path: &str, body: Option<&str>) -> Result<(u16, String), String> {
        self.request(method, path, "Content-Type: application/json\r\n", body.unwrap_or(""))
    }

    fn request(&self, method: &str, path: &str, headers: &str, body: &str) -> Result<(u16, String), String> {
        let address = self.endpoint.trim_start_matches("http://");
        http_request(address, method, path, headers, body, Duration::from_secs(30))
    }

    /// A request in an AWS service's own protocol, for the few calls the tests make without an
    /// SDK client. The emulator reads the service and Region from the credential scope and the
    /// account from `x-moto-account-id`; it checks no signature unless IAM enforcement is on.
    #[allow(clippy::too_many_arguments, reason = "a raw request has this many parts")]
    pub fn signed(
        &self,
        method: &str,
        path: &str,
        service: &str,
        account: &str,
        content_type: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Result<(u16, String), String> {
        let region = if service == "iam" { "us-east-1" } else { REGION };
        let mut extra = format!(
            "Content-Type: {content_type}\r\nx-moto-account-id: {account}\r\n\
             Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261102/{region}/{service}/aws4_request, SignedHeaders=host, Signature=0\r\n"
        );
        for (name, value) in headers {
            extra.push_str(&format!("{name}: {value}\r\n"));
        }
        self.request(method, path, &extra, body)
    }

    /// The AWS API calls made with `access_key`, in arrival order (`GET /_smguard/requests`):
    /// `{"service", "operation", "conditions"}` each.
    pub fn requests_by(&self, access_key: &str) -> Vec<serde_json::Value> {
        let (status, body) = self
            .http("GET", &format!("/_smguard/requests?access_key={access_key}"), None)
            .expect("the request log");
        assert_eq!(status, 200, "{body}");
        let log: serde_json::Value = serde_json::from_str(&body).expect("JSON");
        log["requests"].as_array().cloned().unwrap_or_default()
    }

    /// How many of `access_key`'s calls an injected fault answered (`GET /_smguard/faults`).
    pub fn faults_fired(&self, access_key: &str) -> u64 {
        let (status, body) = self
            .http("GET", &format!("/_smguard/faults?access_key={access_key}"), None)
            .expect("the fault count");
        assert_eq!(status, 200, "{body}");
        serde_json::from_str::<serde_json::Value>(&body).expect("JSON")["fired"]
            .as_u64()
            .unwrap_or(0)
    }

    /// Everything moto holds (`GET /moto-api/data.json`).
    pub fn data(&self) -> serde_json::Value {
        let (_, body) = self.http("GET", "/moto-api/data.json", None).expect("data.json");
        serde_json::from_str(&body).expect("data.json is JSON")
    }
}

/// One HTTP/1.1 request on a connection of its own to a local server (the emulator, the Lambda
/// Invoke API of `cargo lambda watch`): its status and body. `headers` are whole header lines.
pub fn http_request(
    address: &str,
    method: &str,
    path: &str,
    headers: &str,
    body: &str,
    timeout: Duration,
) -> Result<(u16, String), String> {
    let mut stream = TcpStream::connect(address).map_err(|e| format!("connect to {address}: {e}"))?;
    stream.set_read_timeout(Some(timeout)).map_err(|e| e.to_string())?;
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\n{headers}\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).map_err(|e| e.to_string())?;
    let mut response = String::new();
    stream.read_to_string(&mut response).map_err(|e| e.to_string())?;
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("not HTTP: {response:.80}"))?;
    let (head, content) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    // werkzeug answers chunked when it does not know the length in advance.
    let content = if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        dechunk(content)
    } else {
        content.to_owned()
    };
    Ok((status, content))
}

fn dechunk(mut content: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = content.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if size == 0 || rest.len() < size {
            break;
        }
        out.push_str(rest.get(..size).unwrap_or_default());
        content = rest.get(size + 2..).unwrap_or_default();
    }
    out
}

/// An SDK configuration for the emulator: the adapters' HTTP client and retry policy, GovCloud.
pub async fn sdk_config(endpoint: &str, credentials: Credentials) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .http_client(smguard_aws::http_client())
        .retry_config(smguard_aws::retry_config())
        .endpoint_url(endpoint)
        .region(Region::new(REGION))
        .credentials_provider(credentials)
        .load()
        .await
}

/// One test's account in the emulator.
#[derive(Debug, Clone)]
pub struct TestAccount {
    pub id: String,
    endpoint: String,
    credentials: Credentials,
}

impl TestAccount {
    pub async fn config(&self) -> SdkConfig {
        sdk_config(&self.endpoint, self.credentials.clone()).await
    }

    pub async fn sagemaker(&self) -> aws_sdk_sagemaker::Client {
        aws_sdk_sagemaker::Client::new(&self.config().await)
    }

    pub async fn sns(&self) -> aws_sdk_sns::Client {
        aws_sdk_sns::Client::new(&self.config().await)
    }

    pub async fn sqs(&self) -> aws_sdk_sqs::Client {
        aws_sdk_sqs::Client::new(&self.config().await)
    }

    pub async fn events(&self) -> aws_sdk_eventbridge::Client {
        aws_sdk_eventbridge::Client::new(&self.config().await)
    }

    pub async fn s3(&self) -> aws_sdk_s3::Client {
        aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&self.config().await)
                .force_path_style(true)
                .build(),
        )
    }

    /// The same account, acting as `role` (a path and a name: `service-role/ml`) in a session
    /// named `session`.
    pub async fn as_role(&self, emulator: &Emulator, role: &str, session: &str) -> TestAccount {
        TestAccount {
            id: self.id.clone(),
            endpoint: self.endpoint.clone(),
            credentials: emulator.assume_role(&self.id, role, session).await,
        }
    }

    /// The access key these credentials sign with (what the emulator's request log and faults
    /// are keyed by).
    pub fn access_key(&self) -> String {
        self.credentials.access_key_id().to_owned()
    }

    pub async fn cloudtrail(&self) -> aws_sdk_cloudtrail::Client {
        aws_sdk_cloudtrail::Client::new(&self.config().await)
    }

    /// An ARN in this account.
    pub fn arn(&self, service: &str, resource: &str) -> String {
        let region = if service == "iam" { "" } else { REGION };
        format!("arn:{PARTITION}:{service}:{region}:{}:{resource}", self.id)
    }

    /// Moves a resource to its next status (or to `status`) in the emulator.
    pub fn advance(&self, emulator: &Emulator, kind: &str, name: &str, status: Option<&str>) -> String {
        let mut body = serde_json::json!({"account": self.id, "region": REGION, "kind": kind, "name": name});
        if let Some(status) = status {
            body["status"] = serde_json::Value::String(status.to_owned());
        }
        let (code, answer) = emulator
            .http("POST", "/_smguard/lifecycle", Some(&body.to_string()))
            .expect("lifecycle");
        assert_eq!(code, 200, "advancing {kind} {name}: {answer}");
        let answer: serde_json::Value = serde_json::from_str(&answer).expect("JSON");
        answer["status"].as_str().unwrap_or_default().to_owned()
    }

    /// Creates an S3 bucket (path-style, in the test Region).
    pub fn create_bucket(&self, emulator: &Emulator, bucket: &str) {
        let body = format!(
            "<CreateBucketConfiguration><LocationConstraint>{REGION}</LocationConstraint></CreateBucketConfiguration>"
        );
        let (status, answer) = emulator
            .signed(
                "PUT",
                &format!("/{bucket}"),
                "s3",
                &self.id,
                "application/xml",
                &[],
                &body,
            )
            .expect("CreateBucket");
        assert_eq!(status, 200, "CreateBucket {bucket}: {answer}");
    }

    /// Creates an SNS topic; returns its ARN.
    pub async fn create_topic(&self, name: &str) -> String {
        self.sns()
            .await
            .create_topic()
            .name(name)
            .send()
            .await
            .expect("CreateTopic")
            .topic_arn
            .expect("topic ARN")
    }

    /// Creates an SQS queue; returns its URL.
    pub async fn create_queue(&self, name: &str) -> String {
        self.sqs()
            .await
            .create_queue()
            .queue_name(name)
            .send()
            .await
            .expect("CreateQueue")
            .queue_url
            .expect("queue URL")
    }

    /// An SQS queue subscribed to `topic_arn`; returns its URL.
    pub async fn subscribe_queue(&self, topic_arn: &str, queue_name: &str) -> String {
        let url = self.create_queue(queue_name).await;
        let queue_arn = self.arn("sqs", queue_name);
        self.sns()
            .await
            .subscribe()
            .topic_arn(topic_arn)
            .protocol("sqs")
            .endpoint(queue_arn)
            .send()
            .await
            .expect("Subscribe");
        url
    }

    /// Every message waiting on a queue (SQS bodies), after at most `wait` for the first.
    pub async fn drain(&self, queue_url: &str, wait: Duration) -> Vec<String> {
        let sqs = self.sqs().await;
        let deadline = Instant::now() + wait;
        let mut bodies = Vec::new();
        loop {
            let received = sqs
                .receive_message()
                .queue_url(queue_url)
                .max_number_of_messages(10)
                .message_attribute_names("All")
                .send()
                .await
                .expect("ReceiveMessage");
            let messages = received.messages.unwrap_or_default();
            if messages.is_empty() && (!bodies.is_empty() || Instant::now() > deadline) {
                return bodies;
            }
            // One DeleteMessageBatch per receive: a benchmark drains thousands.
            let mut deletions = Vec::new();
            for (index, message) in messages.into_iter().enumerate() {
                bodies.extend(message.body);
                if let Some(receipt) = message.receipt_handle {
                    deletions.push(
                        aws_sdk_sqs::types::DeleteMessageBatchRequestEntry::builder()
                            .id(index.to_string())
                            .receipt_handle(receipt)
                            .build()
                            .expect("entry"),
                    );
                }
            }
            if !deletions.is_empty() {
                sqs.delete_message_batch()
                    .queue_url(queue_url)
                    .set_entries(Some(deletions))
                    .send()
                    .await
                    .expect("DeleteMessageBatch");
            }
            if bodies.is_empty() {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}
