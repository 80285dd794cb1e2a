"""CloudTrail for the emulated SageMaker: records, ``LookupEvents`` and EventBridge delivery.

Every SageMaker call through the server becomes a CloudTrail record in the shape CloudTrail gives
it (the rendering ``events/README.md`` describes): camelCase ``requestParameters`` and
``responseElements`` (first letter lower-cased, tag maps untouched), ``errorCode`` and
``errorMessage`` on failure, the caller's ``userIdentity`` (an STS session for keys moto's
AssumeRole issued, an IAM user for moto IAM keys). ``LookupEvents`` answers from these records;
each write call is put on the caller's default EventBridge bus as "AWS API Call via CloudTrail".

Unlike AWS, no trail has to be logging for events to be recorded or delivered.
"""

import collections
import json
import re
import threading
import uuid
from typing import Any

from moto.cloudtrail.responses import CloudTrailResponse
from moto.core.utils import camelcase_to_underscores
from moto.sagemaker.models import sagemaker_backends
from moto.sagemaker.responses import SageMakerResponse
from moto.utilities.utils import get_partition

from . import events, fidelity, lifecycle

_lock = threading.Lock()
_MAX_RECORDS = 10_000
# (account, region) -> records, oldest first
_records: dict[tuple[str, str], collections.deque] = collections.defaultdict(lambda: collections.deque(maxlen=_MAX_RECORDS))
_READ_ONLY = re.compile(r"^(Describe|List|Get|Search|Query|BatchDescribe|BatchGet)")


def camel(value: Any, key: str = "") -> Any:
    """CloudTrail's rendering of a request: each member name with its first letter lower-cased."""
    if isinstance(value, dict):
        if key in ("Tags", "Environment", "HyperParameters", "StaticHyperParameters") and all(
            not isinstance(v, (dict, list)) for v in value.values()
        ):
            return value  # maps with the customer's keys
        return {(k[:1].lower() + k[1:]): camel(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [camel(item) for item in value]
    return value


def _access_key(headers: Any) -> str | None:
    match = re.search(r"Credential=([^/,\s]+)/", headers.get("Authorization", "") or "")
    return match.group(1) if match else None


def _user_identity(account: str, region: str, access_key: str | None) -> dict[str, Any]:
    partition = get_partition(region)
    if access_key:
        from moto.sts.models import sts_backends

        for sts_account, by_partition in list(sts_backends.items()):
            backend = by_partition.get(partition) if hasattr(by_partition, "get") else None
            role = backend.get_assumed_role_from_access_key(access_key) if backend else None
            if role is not None:
                role_name = role.role_arn.split("/")[-1]
                return {
                    "type": "AssumedRole",
                    "principalId": f"AROAEMULATOR:{role.session_name}",
                    "arn": role.arn,
                    "accountId": sts_account,
                    "accessKeyId": access_key,
                    "sessionContext": {
                        "sessionIssuer": {
                            "type": "Role",
                            "principalId": "AROAEMULATOR",
                            "arn": role.role_arn,
                            "accountId": role.role_arn.split(":")[4],
                            "userName": role_name,
                        },
                        "attributes": {"creationDate": events.iso_now(), "mfaAuthenticated": "false"},
                    },
                }
        from moto.iam.models import iam_backends

        for iam_account, by_partition in list(iam_backends.items()):
            iam = by_partition[partition]
            key = iam.access_keys.get(access_key)
            if key is not None and getattr(key, "role_arn", None) is None:
                user = getattr(key, "user_name", None) or "unknown"
                return {
                    "type": "IAMUser",
                    "principalId": "AIDAEMULATOR",
                    "arn": f"arn:{partition}:iam::{iam_account}:user/{user}",
                    "accountId": iam_account,
                    "accessKeyId": access_key,
                    "userName": user,
                }
    return {
        "type": "IAMUser",
        "principalId": "AIDAEMULATOR",
        "arn": f"arn:{partition}:iam::{account}:user/emulator-caller",
        "accountId": account,
        "accessKeyId": access_key or "",
        "userName": "emulator-caller",
    }


def _resources(action: str, request: dict[str, Any], response: dict[str, Any] | None) -> list[dict[str, str]]:
    """The names and ARNs a call concerns, for LookupEvents' ResourceName attribute."""
    found = []
    for source in (request, response or {}):
        for member, value in source.items():
            if isinstance(value, str) and (member.endswith("Name") or member.endswith("Arn") or member == "DomainId"):
                if member in ("RoleArn", "ExecutionRoleArn", "LabelAttributeName", "LifecycleConfigName"):
                    continue
                found.append({"ResourceType": "AWS::SageMaker::" + re.sub(r"(Name|Arn|Id)$", "", member), "ResourceName": value})
    return found


def record(response: Any, action: str, request: dict[str, Any] | None, status: int, body: Any) -> dict[str, Any]:
    account, region = response.current_account, response.region
    parsed: Any = None
    try:
        parsed = json.loads(body) if body else {}
    except (TypeError, ValueError):
        parsed = None
    failed = status >= 400
    entry: dict[str, Any] = {
        "eventVersion": "1.11",
        "userIdentity": _user_identity(account, region, _access_key(response.headers)),
        "eventTime": events.iso_now(),
        "eventSource": "sagemaker.amazonaws.com",
        "eventName": action,
        "awsRegion": region,
        "sourceIPAddress": "127.0.0.1",
        "userAgent": response.headers.get("User-Agent", ""),
    }
    if failed:
        error = parsed if isinstance(parsed, dict) else {}
        entry["errorCode"] = str(error.get("__type", "InternalFailure")).split("#")[-1]
        entry["errorMessage"] = str(error.get("message") or error.get("Message") or "")[:1024]
    entry["requestParameters"] = camel(request) if request is not None else None
    entry["responseElements"] = camel(parsed) if (not failed and isinstance(parsed, dict) and parsed) else None
    entry.update(
        {
            "requestID": str(uuid.uuid4()),
            "eventID": str(uuid.uuid4()),
            "readOnly": bool(_READ_ONLY.match(action)),
            "eventType": "AwsApiCall",
            "managementEvent": True,
            "recipientAccountId": account,
            "eventCategory": "Management",
        }
    )
    with _lock:
        _records[(account, region)].append((entry, _resources(action, request or {}, parsed if not failed else None)))
    return entry


def _recording_call_action(original: Any) -> Any:
    def call_action(self: Any) -> Any:
        action = self._get_action()
        try:
            request = json.loads(self.body) if self.body else {}
        except (TypeError, ValueError):
            request = None
        status, headers, body = original(self)
        account, region = self.current_account, self.region
        succeeded = int(status) < 400
        parsed = None
        if succeeded and isinstance(request, dict):
            try:
                parsed = json.loads(body) if body else {}
            except (TypeError, ValueError):
                parsed = None
            if isinstance(parsed, dict):
                if fidelity.complete(action, parsed):
                    body = events.to_json(parsed, milliseconds=False)
                fidelity.remember(account, region, action, request, parsed)
                key = fidelity.describe_key(action, request)
                if key is not None:
                    body = events.to_json(fidelity.faithful(account, region, key[0], key[1], parsed), milliseconds=False)
        entry = record(self, action, request if isinstance(request, dict) else None, int(status), body)
        if not entry["readOnly"]:
            events.put(account, region, "aws.sagemaker", "AWS API Call via CloudTrail", entry, [])
            if succeeded and action.startswith("Create"):
                _announce_creation(account, region, action, request or {})
        return status, headers, body

    return call_action


def _announce_creation(account: str, region: str, action: str, request: dict[str, Any]) -> None:
    """SageMaker emits a state-change event when a notebook or job starts its life."""
    created = {
        "CreateNotebookInstance": ("notebook-instance", "NotebookInstanceName"),
        "CreateTrainingJob": ("training-job", "TrainingJobName"),
        "CreateProcessingJob": ("processing-job", "ProcessingJobName"),
        "CreateTransformJob": ("transform-job", "TransformJobName"),
        "CreateHyperParameterTuningJob": ("hyper-parameter-tuning-job", "HyperParameterTuningJobName"),
    }.get(action)
    if created and request.get(created[1]):
        backend = sagemaker_backends[account][region]
        lifecycle.emit_state_change(backend, lifecycle.KINDS[created[0]], request[created[1]])


def lookup_events(self: Any) -> str:
    """CloudTrail LookupEvents over the recorded SageMaker calls, newest first."""
    attributes = self._get_param("LookupAttributes") or []
    max_results = min(int(self._get_param("MaxResults") or 50), 50)
    start = int(self._get_param("NextToken") or 0)
    start_time = self._get_param("StartTime")
    end_time = self._get_param("EndTime")
    with _lock:
        records = list(_records[(self.current_account, self.region)])
    matches = []
    for entry, resources in reversed(records):
        if not all(_matches(entry, resources, a.get("AttributeKey"), a.get("AttributeValue")) for a in attributes):
            continue
        epoch = _epoch(entry["eventTime"])
        if start_time is not None and epoch < float(start_time):
            continue
        if end_time is not None and epoch > float(end_time):
            continue
        matches.append(
            {
                "EventId": entry["eventID"],
                "EventName": entry["eventName"],
                "ReadOnly": str(entry["readOnly"]).lower(),
                "AccessKeyId": entry["userIdentity"].get("accessKeyId", ""),
                "EventTime": epoch,
                "EventSource": entry["eventSource"],
                "Username": entry["userIdentity"].get("userName") or entry["userIdentity"].get("arn", "").split("/")[-1],
                "Resources": resources,
                "CloudTrailEvent": json.dumps(entry),
            }
        )
    page = {"Events": matches[start : start + max_results]}
    if start + max_results < len(matches):
        page["NextToken"] = str(start + max_results)
    return json.dumps(page)


def _matches(entry: dict[str, Any], resources: list[dict[str, str]], key: str | None, value: str | None) -> bool:
    if key == "EventName":
        return entry["eventName"] == value
    if key == "EventSource":
        return entry["eventSource"] == value
    if key == "EventId":
        return entry["eventID"] == value
    if key == "ReadOnly":
        return str(entry["readOnly"]).lower() == str(value).lower()
    if key == "AccessKeyId":
        return entry["userIdentity"].get("accessKeyId") == value
    if key == "Username":
        identity = entry["userIdentity"]
        return value in (identity.get("userName"), identity.get("arn", "").split("/")[-1])
    if key == "ResourceName":
        return any(r["ResourceName"] == value for r in resources)
    if key == "ResourceType":
        return any(r["ResourceType"] == value for r in resources)
    return False


def _epoch(iso: str) -> float:
    import datetime

    return datetime.datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc).timestamp()


def install() -> None:
    SageMakerResponse.call_action = _recording_call_action(SageMakerResponse.call_action)
    CloudTrailResponse.lookup_events = lookup_events
    assert camelcase_to_underscores("LookupEvents") == "lookup_events"
