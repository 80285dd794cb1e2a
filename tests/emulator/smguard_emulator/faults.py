"""Faults injected into the callers' own requests, so that tests see what throttling and outages
do to the real functions.

``POST /_smguard/faults`` ``{"access_key", "service", "operation", "error", "times"}`` makes the
next ``times`` requests signed with ``access_key`` (the function's credentials, never the test's
set-up calls) to ``service``/``operation`` fail with ``error``:

- ``ThrottlingException`` (400, as AWS's JSON protocols answer it), ``ServiceUnavailable`` (503) or
  ``AccessDenied`` (403): S3's requests are answered in S3's XML error shape, the query protocol's
  (SNS, STS, IAM) in its ``ErrorResponse``, the others in the JSON protocols';
- ``DroppedConnection``: the connection is closed without an answer (the SDK sees a dispatch
  failure);
- ``Slow``: the answer comes after ``seconds`` (default 30), past a client's timeout.

With ``"probability": p`` (0 < p ≤ 1) each matching request fails with that probability instead of
the next ``times`` failing (``seed`` makes the draw repeatable); ``times`` then bounds how many may
fail (default: no bound). ``"service": "*"`` or ``"operation": "*"`` matches every service or
operation. ``GET /_smguard/faults?access_key=AKID`` answers ``{"fired": n}``, how many of that
caller's requests a fault answered. ``DELETE /_smguard/faults`` clears them all (and the counts), ``DELETE
/_smguard/faults?access_key=AKID`` only that caller's, so that tests sharing an emulator do not
clear each other's.
"""

import json
import random
import threading
from typing import Any, Optional

_ERRORS = {
    "ThrottlingException": ("400 Bad Request", "Rate exceeded"),
    "ServiceUnavailable": ("503 Service Unavailable", "Service is unavailable"),
    "AccessDenied": ("403 Forbidden", "Access Denied"),
}

# Services whose errors come in the query protocol's XML (`ErrorResponse`).
_QUERY_SERVICES = {"sns", "sts", "iam"}
# Faults that are not an error answer.
_DROPPED = "DroppedConnection"
_SLOW = "Slow"

_lock = threading.Lock()
_faults: list[dict[str, Any]] = []
_fired: dict[str, int] = {}


def add(spec: dict[str, Any]) -> None:
    """Adds a fault; raises ``ValueError`` naming what is wrong with ``spec``."""
    missing = [key for key in ("access_key", "service", "operation", "error") if key not in spec]
    if missing:
        raise ValueError(f"a fault needs {', '.join(missing)}")
    if spec["error"] not in _ERRORS and spec["error"] not in (_DROPPED, _SLOW):
        raise ValueError(f"unknown error {spec['error']!r}: one of {', '.join([*_ERRORS, _DROPPED, _SLOW])}")
    probability = spec.get("probability")
    if probability is not None and not (isinstance(probability, (int, float)) and 0 < probability <= 1):
        raise ValueError("probability must be a number in (0, 1]")
    times = int(spec.get("times", 1 if probability is None else 1 << 62))
    if times < 1:
        raise ValueError("times must be at least 1")
    seconds = float(spec.get("seconds", 30))
    if seconds <= 0:
        raise ValueError("seconds must be positive")
    draw = random.Random(spec.get("seed"))
    with _lock:
        _faults.append({**spec, "times": times, "seconds": seconds, "draw": draw})


def clear(access_key: Optional[str] = None) -> None:
    """Clears every fault and count, or only ``access_key``'s."""
    with _lock:
        if access_key is None:
            _faults.clear()
            _fired.clear()
        else:
            _faults[:] = [fault for fault in _faults if fault["access_key"] != access_key]
            _fired.pop(access_key, None)


def fired(access_key: str) -> int:
    """How many of ``access_key``'s requests a fault answered."""
    with _lock:
        return _fired.get(access_key, 0)


def _matches(fault: dict[str, Any], access_key: str, service: str, operation: str) -> bool:
    return (
        fault["access_key"] == access_key
        and fault["service"] in ("*", service)
        and fault["operation"] in ("*", operation)
    )


def take(access_key: str, service: str, operation: str) -> Optional[tuple[str, list[tuple[str, str]], bytes]]:
    """The fault answer for this request, if one applies (and counts it down)."""
    with _lock:
        for fault in _faults:
            if _matches(fault, access_key, service, operation):
                probability = fault.get("probability")
                if probability is not None and fault["draw"].random() >= probability:
                    continue
                fault["times"] -= 1
                _fired[access_key] = _fired.get(access_key, 0) + 1
                if fault["times"] == 0:
                    _faults.remove(fault)
                if fault["error"] in (_DROPPED, _SLOW):
                    return fault["error"], [("seconds", str(fault["seconds"]))], b""
                status, message = _ERRORS[fault["error"]]
                if service in _QUERY_SERVICES:
                    # The query protocol's error document (SNS names throttling `Throttling`).
                    code = "Throttling" if fault["error"] == "ThrottlingException" else fault["error"]
                    body = (
                        f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
                        "<RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>"
                    ).encode()
                    return status, [("Content-Type", "text/xml")], body
                if service == "s3":
                    code = "SlowDown" if fault["error"] == "ThrottlingException" else fault["error"]
                    body = f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{message}</Message></Error>".encode()
                    return status, [("Content-Type", "application/xml")], body
                body = json.dumps({"__type": fault["error"], "message": message}).encode()
                headers = [
                    ("Content-Type", "application/x-amz-json-1.1"),
                    ("x-amzn-ErrorType", fault["error"]),
                ]
                return status, headers, body
    return None
