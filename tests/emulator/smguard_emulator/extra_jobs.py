"""Job kinds moto 5.2.5 does not implement: labeling jobs and AutoML (V1) jobs.

Each keeps its Create request and answers Describe with it, plus the fields SageMaker adds
(ARN, status, times), as the real service does.
"""

import json
from typing import Any

from moto.sagemaker import models as sm
from moto.sagemaker.exceptions import ResourceInUseException, ResourceNotFound, ValidationError
from moto.sagemaker.responses import SageMakerResponse
from moto.sagemaker.utils import arn_formatter


class LabelingJob:
    def __init__(self, request: dict[str, Any], account_id: str, region_name: str):
        self.request = request
        self.labeling_job_name = request["LabelingJobName"]
        self.arn = arn_formatter("labeling-job", self.labeling_job_name, account_id, region_name)
        self.labeling_job_status = "Initializing"
        self.tags = request.get("Tags") or []
        self.creation_time = self.last_modified_time = sm.utcnow()

    def describe(self) -> dict[str, Any]:
        described = {k: v for k, v in self.request.items() if k not in ("Tags",)}
        described.update(
            {
                "LabelingJobArn": self.arn,
                "LabelingJobStatus": self.labeling_job_status,
                "LabelCounters": {"TotalLabeled": 0, "HumanLabeled": 0, "MachineLabeled": 0,
                                  "FailedNonRetryableError": 0, "Unlabeled": 0},
                "JobReferenceCode": self.labeling_job_name,
                "CreationTime": self.creation_time,
                "LastModifiedTime": self.last_modified_time,
            }
        )
        return described

    def summary(self) -> dict[str, Any]:
        return {
            "LabelingJobName": self.labeling_job_name,
            "LabelingJobArn": self.arn,
            "CreationTime": self.creation_time,
            "LastModifiedTime": self.last_modified_time,
            "LabelingJobStatus": self.labeling_job_status,
            "LabelCounters": {"TotalLabeled": 0, "HumanLabeled": 0, "MachineLabeled": 0,
                              "FailedNonRetryableError": 0, "Unlabeled": 0},
            "WorkteamArn": self.request.get("HumanTaskConfig", {}).get("WorkteamArn", ""),
        }


class AutoMLJobV1:
    """A CreateAutoMLJob job; kept with moto's V2 jobs so that ListAutoMLJobs lists both."""

    def __init__(self, request: dict[str, Any], account_id: str, region_name: str):
        self.request = request
        self.auto_ml_job_name = request["AutoMLJobName"]
        self.arn = arn_formatter("automl-job", self.auto_ml_job_name, account_id, region_name)
        self.auto_ml_job_status = "InProgress"
        self.auto_ml_job_secondary_status = "Starting"
        self.tags = request.get("Tags") or []
        self.creation_time = self.last_modified_time = sm.utcnow()
        self.end_time = None

    def describe(self) -> dict[str, Any]:
        described = {k: v for k, v in self.request.items() if k not in ("Tags",)}
        described.update(
            {
                "AutoMLJobArn": self.arn,
                "AutoMLJobStatus": self.auto_ml_job_status,
                "AutoMLJobSecondaryStatus": self.auto_ml_job_secondary_status,
                "CreationTime": self.creation_time,
                "LastModifiedTime": self.last_modified_time,
            }
        )
        return described

    def summary(self) -> dict[str, Any]:
        return {
            "AutoMLJobName": self.auto_ml_job_name,
            "AutoMLJobArn": self.arn,
            "AutoMLJobStatus": self.auto_ml_job_status,
            "AutoMLJobSecondaryStatus": self.auto_ml_job_secondary_status,
            "CreationTime": self.creation_time,
            "LastModifiedTime": self.last_modified_time,
        }


def _labeling_jobs(backend: Any) -> dict[str, LabelingJob]:
    if not hasattr(backend, "labeling_jobs"):
        backend.labeling_jobs = {}
    return backend.labeling_jobs


def _request(response: Any) -> dict[str, Any]:
    return json.loads(response.body) if response.body else {}


def _json(value: Any) -> str:
    from .events import to_json

    return to_json(value, milliseconds=False)


def create_labeling_job(self: Any) -> str:
    request = _request(self)
    for member in ("LabelingJobName", "LabelAttributeName", "InputConfig", "OutputConfig", "RoleArn", "HumanTaskConfig"):
        if member not in request:
            raise ValidationError(message=f"1 validation error detected: Value null at '{member[0].lower() + member[1:]}' failed to satisfy constraint: Member must not be null")
    backend = self.sagemaker_backend
    jobs = _labeling_jobs(backend)
    name = request["LabelingJobName"]
    if name in jobs:
        raise ResourceInUseException(message=f"Labeling job {name} already exists")
    jobs[name] = LabelingJob(request, backend.account_id, backend.region_name)
    return _json({"LabelingJobArn": jobs[name].arn})


def describe_labeling_job(self: Any) -> str:
    name = self._get_param("LabelingJobName")
    job = _labeling_jobs(self.sagemaker_backend).get(name)
    if job is None:
        arn = arn_formatter("labeling-job", name, self.sagemaker_backend.account_id, self.sagemaker_backend.region_name)
        raise ResourceNotFound(f"Could not find labeling job '{arn}'.")
    return _json(job.describe())


def list_labeling_jobs(self: Any) -> str:
    jobs = sorted(_labeling_jobs(self.sagemaker_backend).values(), key=lambda j: j.creation_time, reverse=True)
    return _json(_paginate([j.summary() for j in jobs], self, "LabelingJobSummaryList"))


def create_auto_ml_job(self: Any) -> str:
    request = _request(self)
    for member in ("AutoMLJobName", "InputDataConfig", "OutputDataConfig", "RoleArn"):
        if member not in request:
            raise ValidationError(message=f"1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null")
    backend = self.sagemaker_backend
    name = request["AutoMLJobName"]
    if name in backend.auto_ml_jobs:
        raise ResourceInUseException(message=f"AutoML job {name} already exists")
    backend.auto_ml_jobs[name] = AutoMLJobV1(request, backend.account_id, backend.region_name)
    return _json({"AutoMLJobArn": backend.auto_ml_jobs[name].arn})


def describe_auto_ml_job(self: Any) -> str:
    name = self._get_param("AutoMLJobName")
    job = self.sagemaker_backend.auto_ml_jobs.get(name)
    if job is None:
        raise ResourceNotFound(f"Could not find AutoML job with name {name}.")
    return _json(job.describe())


def _paginate(items: list[dict[str, Any]], response: Any, key: str) -> dict[str, Any]:
    start = int(response._get_param("NextToken") or 0)
    size = int(response._get_param("MaxResults") or 10)
    page = {key: items[start : start + size]}
    if start + size < len(items):
        page["NextToken"] = str(start + size)
    return page


def install() -> None:
    for method in (create_labeling_job, describe_labeling_job, list_labeling_jobs, create_auto_ml_job, describe_auto_ml_job):
        setattr(SageMakerResponse, method.__name__, method)
