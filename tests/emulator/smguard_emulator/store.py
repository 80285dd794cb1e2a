"""SageMaker kinds moto 5.2.5 lacks, or implements too loosely for smguard, kept by one table.

moto has no monitoring schedules, optimization jobs, user profiles, spaces, inference experiments
or edge packaging jobs, and no Stop call for any of them; its HyperPod clusters, monitoring job
definitions, feature groups and lifecycle configurations drop request members from their Describe
answers (instance storage configurations, network configurations, security configurations). For
each kind in ``KINDS`` this module keeps the Create request and answers the kind's Describe, List,
Update, Stop and Delete calls as SageMaker does: the request's members, plus the ARN, status and
times SageMaker adds; ``ResourceNotFound`` for what does not exist; ``ResourceInUse`` for a second
Create of the same name.
"""

import json
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from moto.sagemaker.exceptions import ResourceInUseException, ResourceNotFound, ValidationError
from moto.sagemaker.responses import SageMakerResponse


@dataclass(frozen=True)
class Kind:
    """One kind: its operations and the members that name it."""

    noun: str  # `Cluster`: CreateCluster, DescribeCluster, …
    arn_type: str
    names: tuple[str, ...]  # request members that name it, in ARN order
    arn_member: str  # the Create answer's and Describe answer's ARN member
    list_op: str
    list_key: str
    summary: tuple[str, ...]  # Describe members copied into a List summary
    status_member: str | None = None
    initial_status: str | None = None
    stop_op: str | None = None
    stopped_status: str | None = None
    updates: bool = False
    deletes: bool = True
    # The ARN ends in a generated ID rather than the name (HyperPod clusters).
    arn_by_id: bool = False
    extra: dict[str, str] = field(default_factory=dict)


KINDS = [
    Kind("Cluster", "cluster", ("ClusterName",), "ClusterArn", "ListClusters", "ClusterSummaries",
         ("ClusterName", "ClusterArn", "ClusterStatus", "CreationTime"), "ClusterStatus", "Creating",
         updates=True, arn_by_id=True),
    Kind("MonitoringSchedule", "monitoring-schedule", ("MonitoringScheduleName",), "MonitoringScheduleArn",
         "ListMonitoringSchedules", "MonitoringScheduleSummaries",
         ("MonitoringScheduleName", "MonitoringScheduleArn", "MonitoringScheduleStatus", "CreationTime"),
         "MonitoringScheduleStatus", "Scheduled", stop_op="StopMonitoringSchedule", stopped_status="Stopped"),
    *[
        Kind(f"{prefix}JobDefinition", f"{arn}-job-definition", ("JobDefinitionName",), "JobDefinitionArn",
             f"List{prefix}JobDefinitions", "JobDefinitionSummaries", ("JobDefinitionName", "JobDefinitionArn", "CreationTime"),
             extra={"JobDefinitionName": "MonitoringJobDefinitionName", "JobDefinitionArn": "MonitoringJobDefinitionArn"})
        for prefix, arn in (("DataQuality", "data-quality"), ("ModelQuality", "model-quality"),
                            ("ModelBias", "model-bias"), ("ModelExplainability", "model-explainability"))
    ],
    Kind("OptimizationJob", "optimization-job", ("OptimizationJobName",), "OptimizationJobArn", "ListOptimizationJobs",
         "OptimizationJobSummaries", ("OptimizationJobName", "OptimizationJobArn", "OptimizationJobStatus", "CreationTime"),
         "OptimizationJobStatus", "INPROGRESS", stop_op="StopOptimizationJob", stopped_status="STOPPING", deletes=False),
    Kind("FeatureGroup", "feature-group", ("FeatureGroupName",), "FeatureGroupArn", "ListFeatureGroups",
         "FeatureGroupSummaries", ("FeatureGroupName", "FeatureGroupArn", "FeatureGroupStatus", "CreationTime"),
         "FeatureGroupStatus", "Creating"),
    Kind("UserProfile", "user-profile", ("DomainId", "UserProfileName"), "UserProfileArn", "ListUserProfiles",
         "UserProfiles", ("DomainId", "UserProfileName", "Status", "CreationTime"), "Status", "InService",
         updates=True, deletes=False),
    Kind("Space", "space", ("DomainId", "SpaceName"), "SpaceArn", "ListSpaces", "Spaces",
         ("DomainId", "SpaceName", "Status", "CreationTime"), "Status", "InService", updates=True, deletes=False),
    Kind("InferenceExperiment", "inference-experiment", ("Name",), "InferenceExperimentArn", "ListInferenceExperiments",
         "InferenceExperiments", ("Name", "Status", "CreationTime"), "Status", "Creating", deletes=False),
    Kind("EdgePackagingJob", "edge-packaging-job", ("EdgePackagingJobName",), "EdgePackagingJobArn",
         "ListEdgePackagingJobs", "EdgePackagingJobSummaries",
         ("EdgePackagingJobName", "EdgePackagingJobArn", "EdgePackagingJobStatus", "CreationTime"),
         "EdgePackagingJobStatus", "STARTING", stop_op="StopEdgePackagingJob", stopped_status="STOPPING", deletes=False),
    Kind("NotebookInstanceLifecycleConfig", "notebook-instance-lifecycle-config", ("NotebookInstanceLifecycleConfigName",),
         "NotebookInstanceLifecycleConfigArn", "ListNotebookInstanceLifecycleConfigs", "NotebookInstanceLifecycleConfigs",
         ("NotebookInstanceLifecycleConfigName", "NotebookInstanceLifecycleConfigArn", "CreationTime"), updates=True),
]

_lock = threading.Lock()
# (account, region, noun, names) -> the Describe answer
_resources: dict[tuple[str, str, str, tuple[str, ...]], dict[str, Any]] = {}
_NOT_DESCRIBED = {"Tags", "ClientToken"}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


def _request(response: Any) -> dict[str, Any]:
    body = json.loads(response.body) if response.body else {}
    return body if isinstance(body, dict) else {}


def _json(value: Any) -> str:
    return json.dumps(value, default=str)


def _partition(region: str) -> str:
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("cn-"):
        return "aws-cn"
    return "aws"


def _names(kind: Kind, request: dict[str, Any]) -> tuple[str, ...]:
    names = tuple(str(request.get(member) or "") for member in kind.names)
    if not all(names):
        missing = next(member for member, name in zip(kind.names, names) if not name)
        raise ValidationError(message=f"1 validation error detected: Value null at '{missing}' failed to satisfy constraint: Member must not be null")
    return names


def _not_found(kind: Kind, names: tuple[str, ...]) -> ResourceNotFound:
    return ResourceNotFound(f"{kind.noun} {'/'.join(names)} does not exist.")


def _key(response: Any, kind: Kind, names: tuple[str, ...]) -> tuple[str, str, str, tuple[str, ...]]:
    return (response.current_account, response.region, kind.noun, names)


def _lookup(response: Any, kind: Kind, request: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
    names = _names(kind, request)
    # Clusters are addressed by name or by ARN.
    if kind.arn_by_id and names[0].startswith("arn:"):
        with _lock:
            for key, stored in _resources.items():
                if key[:3] == (response.current_account, response.region, kind.noun) and stored[kind.arn_member] == names[0]:
                    return key, stored
        raise _not_found(kind, names)
    key = _key(response, kind, names)
    with _lock:
        stored = _resources.get(key)
    if stored is None:
        raise _not_found(kind, names)
    return key, stored


def _create(kind: Kind):
    def create(self: Any) -> str:
        request = _request(self)
        names = _names(kind, request)
        key = _key(self, kind, names)
        path = uuid.uuid4().hex[:12] if kind.arn_by_id else "/".join(names)
        arn = f"arn:{_partition(self.region)}:sagemaker:{self.region}:{self.current_account}:{kind.arn_type}/{path}"
        answer = {k: v for k, v in request.items() if k not in _NOT_DESCRIBED}
        answer[kind.arn_member] = arn
        answer["CreationTime"] = answer["LastModifiedTime"] = _now()
        if kind.status_member:
            answer[kind.status_member] = kind.initial_status
        with _lock:
            if key in _resources:
                raise ResourceInUseException(message=f"{kind.noun} {'/'.join(names)} already exists")
            _resources[key] = answer
        return _json({kind.arn_member: arn})

    return create


def _describe(kind: Kind):
    def describe(self: Any) -> str:
        _, stored = _lookup(self, kind, _request(self))
        return _json(stored)

    return describe


def _update(kind: Kind):
    def update(self: Any) -> str:
        request = _request(self)
        _, stored = _lookup(self, kind, request)
        with _lock:
            stored.update({k: v for k, v in request.items() if k not in _NOT_DESCRIBED and k not in kind.names})
            stored["LastModifiedTime"] = _now()
        return _json({kind.arn_member: stored[kind.arn_member]})

    return update


def _stop(kind: Kind):
    def stop(self: Any) -> str:
        _, stored = _lookup(self, kind, _request(self))
        status = stored.get(kind.status_member or "", "")
        if status in {kind.stopped_status, "Stopped", "STOPPED", "COMPLETED", "FAILED", "Failed"}:
            raise ValidationError(message=f"{kind.noun} is in status {status}.")
        with _lock:
            stored[kind.status_member or "Status"] = kind.stopped_status
        return "{}"

    return stop


def _delete(kind: Kind):
    def delete(self: Any) -> str:
        key, _ = _lookup(self, kind, _request(self))
        with _lock:
            _resources.pop(key, None)
        return "{}"

    return delete


def _list(kind: Kind):
    def list_(self: Any) -> str:
        request = _request(self)
        with _lock:
            items = [
                dict(stored)
                for key, stored in _resources.items()
                if key[:3] == (self.current_account, self.region, kind.noun)
            ]
        items.sort(key=lambda item: item.get("CreationTime", ""), reverse=True)
        summaries = []
        for item in items:
            summary = {member: item[member] for member in kind.summary if member in item}
            for member, renamed in kind.extra.items():
                if member in summary:
                    summary[renamed] = summary.pop(member)
            summaries.append(summary)
        start = int(request.get("NextToken") or 0)
        size = int(request.get("MaxResults") or 10)
        page: dict[str, Any] = {kind.list_key: summaries[start : start + size]}
        if start + size < len(summaries):
            page["NextToken"] = str(start + size)
        return _json(page)

    return list_


def _snake(operation: str) -> str:
    out = []
    for i, c in enumerate(operation):
        if c.isupper() and i and not operation[i - 1].isupper():
            out.append("_")
        out.append(c.lower())
    return "".join(out)


def operations() -> dict[str, Any]:
    """Operation name -> the response method that answers it."""
    answered: dict[str, Any] = {}
    for kind in KINDS:
        answered[f"Create{kind.noun}"] = _create(kind)
        answered[f"Describe{kind.noun}"] = _describe(kind)
        answered[kind.list_op] = _list(kind)
        if kind.updates:
            answered[f"Update{kind.noun}"] = _update(kind)
        if kind.deletes:
            answered[f"Delete{kind.noun}"] = _delete(kind)
        if kind.stop_op:
            answered[kind.stop_op] = _stop(kind)
    return answered


def install() -> None:
    for operation, method in operations().items():
        setattr(SageMakerResponse, _snake(operation), method)
