"""A log of the AWS API calls each caller made, so that a benchmark can count what a function
costs per event.

moto keeps no request log. This WSGI middleware records, for every signed request, the access key
(from the SigV4 ``Authorization`` header), the service (its credential scope) and the operation:
``X-Amz-Target`` for JSON protocols (SageMaker), ``Action`` for query protocols (SNS, STS), and
for S3's REST protocol the operation its method, sub-resource and headers make (``PutObject``,
``CopyObject``, ``UploadPart``, ``AbortMultipartUpload``, ``ListMultipartUploads``, ``GetObject``, …,
with the conditional headers it carried). ``GET /_smguard/requests?access_key=AKID`` answers
``{"requests": [{"service", "operation", "conditions"}, …]}`` in arrival order.
"""

import io
import re
import threading
import urllib.parse
from collections import defaultdict
from typing import Any, Optional

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/[^/]+/[^/]+/([^/]+)/aws4_request")
_S3_OBJECT_OPERATIONS = {"GET": "GetObject", "PUT": "PutObject", "HEAD": "HeadObject", "DELETE": "DeleteObject"}
_CONDITIONS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MATCH")

_lock = threading.Lock()
_log: dict[str, list[dict[str, Any]]] = defaultdict(list)


def _operation(environ: dict[str, Any], service: str) -> str:
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return target.rsplit(".", 1)[-1]
    if service == "s3":
        method = environ.get("REQUEST_METHOD", "")
        parts = [part for part in environ.get("PATH_INFO", "").split("/") if part]
        query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        copy = "HTTP_X_AMZ_COPY_SOURCE" in environ
        if len(parts) >= 2:
            if method == "PUT" and "partNumber" in query:
                return "UploadPartCopy" if copy else "UploadPart"
            if method == "PUT" and copy:
                return "CopyObject"
            if method == "POST" and "uploads" in query:
                return "CreateMultipartUpload"
            if method == "POST" and "uploadId" in query:
                return "CompleteMultipartUpload"
            if method == "DELETE" and "uploadId" in query:
                return "AbortMultipartUpload"
            return _S3_OBJECT_OPERATIONS.get(method, f"{method} object")
        if method == "GET" and "uploads" in query:
            return "ListMultipartUploads"
        return f"{method} bucket"
    query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
    if "Action" in query:
        return query["Action"][0]
    if environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        # Put the body back for moto.
        environ["wsgi.input"] = io.BytesIO(body)
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        if "Action" in form:
            return form["Action"][0]
    return f"{environ.get('REQUEST_METHOD', '')} {environ.get('PATH_INFO', '')}"


def record(environ: dict[str, Any]) -> Optional[tuple[str, str, str]]:
    """Records the request ``environ`` describes, if it is signed; returns its access key,
    service and operation."""
    found = _CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION", ""))
    if not found:
        return None
    access_key, service = found.group(1), found.group(2)
    entry = {
        "service": service,
        "operation": _operation(environ, service),
        "conditions": [name[len("HTTP_") :].replace("_", "-").title() for name in _CONDITIONS if name in environ],
    }
    with _lock:
        _log[access_key].append(entry)
    return access_key, service, entry["operation"]


def made_by(access_key: str) -> list[dict[str, Any]]:
    with _lock:
        return list(_log.get(access_key, []))
