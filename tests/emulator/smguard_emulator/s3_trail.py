"""S3 object writes as CloudTrail data events on EventBridge, as a trail logging S3 write data
events makes them.

moto records nothing of S3's object calls. This WSGI middleware turns each successful signed
object write (``PutObject``, ``CopyObject``, ``PostObject``, ``CreateMultipartUpload``,
``UploadPart``, ``UploadPartCopy``, ``CompleteMultipartUpload``) into the record CloudTrail writes:
``eventCategory: Data``, S3's HTTP casing in ``requestParameters`` (``bucketName``, ``key``,
``uploadId``, ``partNumber``, ``x-amz-copy-source``), response *headers* in ``responseElements``
(``x-amz-version-id``; never the body, so ``CreateMultipartUpload``'s upload ID is absent, as in
AWS), ``additionalEventData.bytesTransferredIn``, the caller's ``userIdentity``, ``vpcEndpointId``
when the caller's requests come through a VPC endpoint (``POST /_smguard/endpoints``), and
``resources`` with the bucket owner's ``accountId``. Failed calls carry ``errorCode``.
``ListMultipartUploads`` names each upload's initiator by the ARN of the session that created it
(moto names a made-up IAM user).

CloudTrail delivers a data event to the requester's account and to the bucket owner's: each copy
goes to that account's default bus in the call's Region, with its own ``eventID`` and a shared
``sharedEventID``. Unlike AWS, no trail has to be logging.
"""

import threading
import urllib.parse
import uuid
from typing import Any, Callable, Iterable

from . import events

_lock = threading.Lock()
# access key -> VPC endpoint ID its requests come through
_endpoints: dict[str, str] = {}
# upload ID -> the ARN of the session that created it (moto names a made-up IAM user instead)
_initiators: dict[str, str] = {}


def set_endpoint(access_key: str, vpc_endpoint_id: str | None) -> None:
    with _lock:
        if vpc_endpoint_id:
            _endpoints[access_key] = vpc_endpoint_id
        else:
            _endpoints.pop(access_key, None)


def _call(method: str, query: dict[str, list[str]], headers: dict[str, str], has_key: bool) -> str | None:
    """The S3 write operation of a request, or ``None`` when it is not one."""
    copy = "x-amz-copy-source" in headers
    if method == "PUT" and has_key:
        if "partNumber" in query and "uploadId" in query:
            return "UploadPartCopy" if copy else "UploadPart"
        if any(q in query for q in ("tagging", "acl", "retention", "legal-hold")):
            return None
        return "CopyObject" if copy else "PutObject"
    if method == "POST" and has_key:
        if "uploads" in query:
            return "CreateMultipartUpload"
        if "uploadId" in query:
            return "CompleteMultipartUpload"
        return None
    if method == "POST" and not has_key and headers.get("content-type", "").startswith("multipart/form-data"):
        return "PostObject"
    return None


def _bucket_and_key(environ: dict[str, Any]) -> tuple[str, str]:
    host = environ.get("HTTP_HOST", "").split(":")[0]
    path = urllib.parse.unquote(environ.get("PATH_INFO", ""))
    if ".s3" in host and not host.startswith("s3"):
        return host.split(".s3", 1)[0], path.lstrip("/")
    parts = path.lstrip("/").split("/", 1)
    return parts[0], parts[1] if len(parts) > 1 else ""


def middleware(environ: dict[str, Any], caller: tuple[str, str, str] | None, app: Callable[..., Iterable[bytes]], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Answers the request with ``app`` and, for an S3 object write, emits its data event."""
    if not caller or caller[1] != "s3":
        return app(environ, start_response)
    access_key = caller[0]
    method = environ.get("REQUEST_METHOD", "")
    query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
    if "CONTENT_TYPE" in environ:
        headers["content-type"] = environ["CONTENT_TYPE"]
    bucket, key = _bucket_and_key(environ)
    if method == "GET" and not key and "uploads" in query:
        return _with_initiators(app, environ, start_response)
    call = _call(method, query, headers, bool(key))
    if call is None:
        return app(environ, start_response)
    if call == "PostObject":
        # The form (and its `key` field) is read by moto: keep a copy for the record.
        import io

        length = int(environ.get("CONTENT_LENGTH") or 0)
        request_body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(request_body)
        environ["smguard.request_body"] = request_body
    captured: dict[str, Any] = {}

    def capture(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        captured["status"] = int(status.split()[0])
        captured["headers"] = {k.lower(): v for k, v in response_headers}
        return start_response(status, response_headers, exc_info) if exc_info else start_response(status, response_headers)

    body = list(app(environ, capture))
    try:
        _emit(access_key, environ, call, bucket, key, query, headers, captured, b"".join(body))
    except Exception:  # an event that cannot be recorded must not fail the call
        events.log.exception("could not record the S3 data event of %s", call)
    return body


def _with_initiators(app: Callable[..., Iterable[bytes]], environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """ListMultipartUploads naming each upload's initiator as the session that created it."""
    import re

    captured: dict[str, Any] = {}

    def capture(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        captured["status"], captured["headers"] = status, response_headers
        return lambda data: None

    body = b"".join(app(environ, capture)).decode("utf-8", "replace")

    def initiator(upload: "re.Match[str]") -> str:
        text = upload.group(0)
        found = re.search(r"<UploadId>([^<]+)</UploadId>", text)
        with _lock:
            arn = _initiators.get(found.group(1)) if found else None
        if arn is None:
            return text
        return re.sub(r"<Initiator>.*?</Initiator>", f"<Initiator><ID>{arn}</ID><DisplayName>{arn.rsplit('/', 1)[-1]}</DisplayName></Initiator>", text, flags=re.S)

    rewritten = re.sub(r"<Upload>.*?</Upload>", initiator, body, flags=re.S).encode()
    headers = [(k, str(len(rewritten)) if k.lower() == "content-length" else v) for k, v in captured.get("headers", [])]
    start_response(captured.get("status", "500 Internal Server Error"), headers)
    return [rewritten]


def _emit(access_key: str, environ: dict[str, Any], call: str, bucket: str, key: str, query: dict[str, list[str]], headers: dict[str, str], captured: dict[str, Any], body: bytes) -> None:
    from moto.iam.models import get_account_id_from
    from moto.s3.models import s3_backends
    from moto.utilities.utils import get_partition

    from .trail import _user_identity

    status = captured.get("status", 500)
    region = _region(environ)
    partition = get_partition(region)
    account = get_account_id_from(access_key)
    owner = s3_backends.bucket_accounts.get(bucket, (partition, ""))[1] if hasattr(s3_backends, "bucket_accounts") else ""
    if call == "PostObject":
        key = _form_key(body_of_request(environ)) or key
    parameters: dict[str, Any] = {"bucketName": bucket, "Host": environ.get("HTTP_HOST", "")}
    if key:
        parameters["key"] = key
    for name in ("uploadId", "partNumber"):
        if name in query:
            parameters[name] = query[name][0]
    if call == "CreateMultipartUpload":
        parameters["uploads"] = ""
    if "x-amz-copy-source" in headers:
        parameters["x-amz-copy-source"] = urllib.parse.unquote(headers["x-amz-copy-source"]).lstrip("/")
    response_headers = captured.get("headers", {})
    response: dict[str, Any] | None = {
        name: response_headers[name]
        for name in ("x-amz-version-id", "x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id")
        if name in response_headers
    } or None
    length = headers.get("x-amz-decoded-content-length") or environ.get("CONTENT_LENGTH") or "0"
    shared = str(uuid.uuid4())
    identity = _user_identity(account, region, access_key)
    if call == "CreateMultipartUpload" and status < 400:
        import re

        found = re.search(rb"<UploadId>([^<]+)</UploadId>", body)
        if found:
            with _lock:
                _initiators[found.group(1).decode()] = identity.get("arn", "")
    with _lock:
        endpoint = _endpoints.get(access_key)
    for recipient in dict.fromkeys([account, owner or account]):
        entry: dict[str, Any] = {
            "eventVersion": "1.11",
            "userIdentity": identity,
            "eventTime": events.iso_now(),
            "eventSource": "s3.amazonaws.com",
            "eventName": call,
            "awsRegion": region,
            "sourceIPAddress": "10.20.31.44" if endpoint else environ.get("REMOTE_ADDR", "127.0.0.1"),
            "userAgent": environ.get("HTTP_USER_AGENT", ""),
            "requestParameters": parameters,
            "responseElements": response if status < 400 else None,
            "additionalEventData": {
                "SignatureVersion": "SigV4",
                "bytesTransferredIn": int(length) if str(length).isdigit() else 0,
                "AuthenticationMethod": "AuthHeader",
                "bytesTransferredOut": 0,
            },
            "requestID": str(uuid.uuid4()).replace("-", "")[:16].upper(),
            "eventID": str(uuid.uuid4()),
            "readOnly": False,
            "resources": [
                {"type": "AWS::S3::Object", "ARN": f"arn:{partition}:s3:::{bucket}/{key}"},
                # CloudTrail withholds the owner from a caller denied in another account.
                {"accountId": owner if (status < 400 or owner == account) else "", "type": "AWS::S3::Bucket", "ARN": f"arn:{partition}:s3:::{bucket}"},
            ],
            "eventType": "AwsApiCall",
            "managementEvent": False,
            "recipientAccountId": recipient,
            "sharedEventID": shared,
            "eventCategory": "Data",
        }
        if endpoint:
            entry["vpcEndpointId"] = endpoint
        if status >= 400:
            entry["errorCode"] = _error_code(body)
            entry["errorMessage"] = "Access Denied" if entry["errorCode"] == "AccessDenied" else entry["errorCode"]
        events.put(recipient, region, "aws.s3", "AWS API Call via CloudTrail", entry, [])


def _region(environ: dict[str, Any]) -> str:
    import re

    found = re.search(r"Credential=[^/]+/[^/]+/([^/]+)/s3/aws4_request", environ.get("HTTP_AUTHORIZATION", ""))
    return found.group(1) if found else "us-east-1"


def _error_code(body: bytes) -> str:
    import re

    found = re.search(rb"<Code>([^<]+)</Code>", body)
    return found.group(1).decode() if found else "InternalError"


def body_of_request(environ: dict[str, Any]) -> bytes:
    return environ.get("smguard.request_body", b"")


def _form_key(body: bytes) -> str | None:
    import re

    found = re.search(rb'name="key"\r\n\r\n([^\r]*)\r\n', body)
    return found.group(1).decode("utf-8", "replace") if found else None
