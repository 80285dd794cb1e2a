"""Management calls on CloudTrail, EventBridge, Lambda, SNS and KMS as CloudTrail records on
EventBridge, as a logging trail makes them: what the trail guard reads.

moto records none of these calls. This WSGI middleware turns each signed write call of the five
services into the record CloudTrail writes: ``eventSource`` ``<service>.amazonaws.com``, the
API's member names in camelCase in ``requestParameters`` (JSON protocols: the body; SNS's query
protocol: the form; Lambda's REST protocol: the path's function name and the body, the
``Environment`` left out as CloudTrail leaves it out), Lambda's calls under CloudTrail's versioned
names (``PutFunctionConcurrency20171031``, ``UpdateFunctionConfiguration20150331v2``), the
caller's ``userIdentity``, and ``errorCode``/``errorMessage`` on failure. Each record goes to the
caller's default bus in the call's Region. Read-only calls (``Describe*``, ``Get*``, ``List*``)
are not delivered, as with an EventBridge rule in the ``ENABLED`` state.

Unlike AWS, no trail has to be logging: a stopped trail still lets these events through (so the
trail guard's own ``StartLogging`` is seen, as smguard's own call).
"""

import io
import json
import re
import urllib.parse
import uuid
from typing import Any, Callable, Iterable

from . import events

_SERVICES = {"cloudtrail", "events", "lambda", "sns", "kms"}
_READ_ONLY = re.compile(r"^(Describe|List|Get|Lookup|Test|Search)")
# (method, path pattern, CloudTrail's name for the Lambda call)
_LAMBDA = [
    ("PUT", re.compile(r"^/2017-10-31/functions/([^/]+)/concurrency$"), "PutFunctionConcurrency20171031"),
    ("DELETE", re.compile(r"^/2017-10-31/functions/([^/]+)/concurrency$"), "DeleteFunctionConcurrency20171031"),
    ("PUT", re.compile(r"^/2015-03-31/functions/([^/]+)/configuration$"), "UpdateFunctionConfiguration20150331v2"),
    ("PUT", re.compile(r"^/2015-03-31/functions/([^/]+)/code$"), "UpdateFunctionCode20150331v2"),
    ("DELETE", re.compile(r"^/2015-03-31/functions/([^/]+)$"), "DeleteFunction20150331"),
    ("POST", re.compile(r"^/2015-03-31/functions/?$"), "CreateFunction20150331"),
]


def _camel(value: Any) -> Any:
    if isinstance(value, dict):
        return {(k[:1].lower() + k[1:]): _camel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_camel(v) for v in value]
    return value


def _json(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body or b"{}")
    except ValueError:
        return {}
    return _camel(value) if isinstance(value, dict) else {}


def _call(service: str, environ: dict[str, Any], body: bytes) -> tuple[str, dict[str, Any]] | None:
    """The call's CloudTrail name and ``requestParameters``; ``None`` when not recorded."""
    if service in ("cloudtrail", "events", "kms"):
        return environ.get("HTTP_X_AMZ_TARGET", "").rsplit(".", 1)[-1], _json(body)
    if service == "sns":
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        form.update(urllib.parse.parse_qs(environ.get("QUERY_STRING", "")))
        name = form.pop("Action", [""])[0]
        form.pop("Version", None)
        return name, {(k[:1].lower() + k[1:]): v[0] for k, v in form.items()}
    method = environ.get("REQUEST_METHOD", "")
    path = urllib.parse.unquote(environ.get("PATH_INFO", ""))
    for wanted, pattern, name in _LAMBDA:
        found = pattern.match(path)
        if method == wanted and found:
            parameters = _json(body)
            parameters.pop("environment", None)  # CloudTrail omits it
            parameters.pop("zipFile", None)
            if found.groups():
                parameters["functionName"] = found.group(1)
            return name, parameters
    return None


def middleware(environ: dict[str, Any], caller: tuple[str, str, str] | None, app: Callable[..., Iterable[bytes]], start_response: Callable[..., Any]) -> Iterable[bytes] | None:
    """Answers a call of the five services with ``app`` and emits its record; ``None`` for other
    requests (the caller passes them on)."""
    if not caller or caller[1] not in _SERVICES:
        return None
    access_key, service, _ = caller
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    call = _call(service, environ, body)
    if call is None or not call[0] or _READ_ONLY.match(call[0]):
        return app(environ, start_response)
    captured: dict[str, Any] = {}

    def capture(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        captured["status"] = int(status.split()[0])
        return start_response(status, response_headers, exc_info) if exc_info else start_response(status, response_headers)

    answer = list(app(environ, capture))
    try:
        _emit(access_key, environ, service, call, captured.get("status", 500), b"".join(answer))
    except Exception:  # an event that cannot be recorded must not fail the call
        events.log.exception("could not record the %s call %s", service, call[0])
    return answer


def _emit(access_key: str, environ: dict[str, Any], service: str, call: tuple[str, dict[str, Any]], status: int, body: bytes) -> None:
    from moto.iam.models import get_account_id_from

    from .trail import _user_identity

    found = re.search(r"Credential=[^/]+/[^/]+/([^/]+)/", environ.get("HTTP_AUTHORIZATION", ""))
    region = found.group(1) if found else "us-east-1"
    account = environ.get("HTTP_X_MOTO_ACCOUNT_ID") or get_account_id_from(access_key)
    name, parameters = call
    entry: dict[str, Any] = {
        "eventVersion": "1.11",
        "userIdentity": _user_identity(account, region, access_key),
        "eventTime": events.iso_now(),
        "eventSource": f"{service}.amazonaws.com",
        "eventName": name,
        "awsRegion": region,
        "sourceIPAddress": environ.get("REMOTE_ADDR", "127.0.0.1"),
        "userAgent": environ.get("HTTP_USER_AGENT", ""),
        "requestParameters": parameters or None,
        "responseElements": None,
        "requestID": str(uuid.uuid4()),
        "eventID": str(uuid.uuid4()),
        "readOnly": False,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": account,
        "eventCategory": "Management",
    }
    if status >= 400:
        text = body.decode("utf-8", "replace")
        code = re.search(r"<Code>([^<]+)</Code>", text)
        try:
            error = json.loads(text) if text.startswith("{") else {}
        except ValueError:
            error = {}
        entry["errorCode"] = code.group(1) if code else str(error.get("__type") or error.get("Type") or "InternalFailure").split("#")[-1]
        entry["errorMessage"] = str(error.get("message") or error.get("Message") or entry["errorCode"])[:1024]
    events.put(account, region, f"aws.{service}", "AWS API Call via CloudTrail", entry, [])


def install() -> None:
    """KMS's state calls take a key ID or a key ARN (moto's accept only the ID, and answer an
    unknown key with a server error instead of ``NotFoundException``)."""
    from moto.kms.exceptions import NotFoundException
    from moto.kms.models import KmsBackend

    def by_id_or_arn(original: Callable[..., Any]) -> Callable[..., Any]:
        def call(self: Any, key_id: str, *args: Any, **kwargs: Any) -> Any:
            raw = self.get_key_id(key_id)
            if raw not in self.keys:
                raise NotFoundException(f"Key '{key_id}' does not exist")
            return original(self, raw, *args, **kwargs)

        return call

    for name in ("disable_key", "enable_key", "cancel_key_deletion", "schedule_key_deletion"):
        setattr(KmsBackend, name, by_id_or_arn(getattr(KmsBackend, name)))
