"""``Describe*`` answers that say what the ``Create*`` call set, as SageMaker's do.

moto drops some request members from its Describe answers (processing jobs lose
``ProcessingResources``, notebooks ``InstanceMetadataServiceConfiguration``), hard-codes a model's
``EnableNetworkIsolation`` to false, and answers unset structures (``VpcConfig``,
``DataCaptureConfig``) with ``{}`` where AWS omits them. smguard's inventory reads Describe
answers, so the emulator keeps each Create request and lays it over the answer.
"""

import threading
from typing import Any

_lock = threading.Lock()
# (account, region, kind, name) -> the Create request as sent (PascalCase), updated by Update calls.
_requests: dict[tuple[str, str, str, str], dict[str, Any]] = {}

# Create call -> (kind, name member)
CREATES = {
    "CreateNotebookInstance": ("notebook-instance", "NotebookInstanceName"),
    "CreateTrainingJob": ("training-job", "TrainingJobName"),
    "CreateProcessingJob": ("processing-job", "ProcessingJobName"),
    "CreateTransformJob": ("transform-job", "TransformJobName"),
    "CreateHyperParameterTuningJob": ("hyper-parameter-tuning-job", "HyperParameterTuningJobName"),
    "CreateModel": ("model", "ModelName"),
    "CreateEndpointConfig": ("endpoint-config", "EndpointConfigName"),
    "CreateCompilationJob": ("compilation-job", "CompilationJobName"),
    "CreateAutoMLJobV2": ("automl-job", "AutoMLJobName"),
    "CreateDomain": ("domain", "DomainId"),  # keyed by the ID the response gives
}
DESCRIBES = {
    "DescribeNotebookInstance": ("notebook-instance", "NotebookInstanceName"),
    "DescribeTrainingJob": ("training-job", "TrainingJobName"),
    "DescribeProcessingJob": ("processing-job", "ProcessingJobName"),
    "DescribeTransformJob": ("transform-job", "TransformJobName"),
    "DescribeHyperParameterTuningJob": ("hyper-parameter-tuning-job", "HyperParameterTuningJobName"),
    "DescribeModel": ("model", "ModelName"),
    "DescribeEndpointConfig": ("endpoint-config", "EndpointConfigName"),
    "DescribeCompilationJob": ("compilation-job", "CompilationJobName"),
    "DescribeAutoMLJobV2": ("automl-job", "AutoMLJobName"),
    "DescribeDomain": ("domain", "DomainId"),
}
UPDATES = {
    "UpdateNotebookInstance": ("notebook-instance", "NotebookInstanceName"),
    "UpdateDomain": ("domain", "DomainId"),
}
DELETES = {
    "DeleteNotebookInstance": ("notebook-instance", "NotebookInstanceName"),
    "DeleteModel": ("model", "ModelName"),
    "DeleteEndpointConfig": ("endpoint-config", "EndpointConfigName"),
    "DeleteDomain": ("domain", "DomainId"),
}
# Request members a Describe answer does not carry.
_NOT_DESCRIBED = {"Tags", "ClientToken", "DisassociateLifecycleConfig"}


def remember(account: str, region: str, action: str, request: dict[str, Any], response: dict[str, Any]) -> None:
    """Keeps what a successful Create/Update/Delete call says about its resource."""
    with _lock:
        if action in CREATES:
            kind, member = CREATES[action]
            name = response.get(member) or request.get(member)
            if name:
                _requests[(account, region, kind, name)] = dict(request)
        elif action in UPDATES:
            kind, member = UPDATES[action]
            stored = _requests.setdefault((account, region, kind, request.get(member, "")), {})
            stored.update({k: v for k, v in request.items() if k != member})
        elif action in DELETES:
            kind, member = DELETES[action]
            _requests.pop((account, region, kind, request.get(member, "")), None)


def complete(action: str, response: dict[str, Any]) -> bool:
    """Adds what SageMaker's answer has and moto's lacks; whether anything was added.

    CreateDomain answers with the new domain's ID as well as its ARN (``DomainId``; CloudTrail
    records it as ``responseElements.domainId``).
    """
    if action == "CreateDomain" and "DomainArn" in response and "DomainId" not in response:
        response["DomainId"] = str(response["DomainArn"]).rsplit("/", 1)[-1]
        return True
    return False


def faithful(account: str, region: str, kind: str, name: str, described: dict[str, Any]) -> dict[str, Any]:
    """A Describe answer as SageMaker gives it: what the Create call set, no empty structures."""
    with _lock:
        request = _requests.get((account, region, kind, name), {})
    answer = {k: v for k, v in described.items() if not (v == {} and k not in request) and v is not None}
    for member, value in request.items():
        if member not in _NOT_DESCRIBED:
            answer[member] = value
    return answer


def describe_key(action: str, request: dict[str, Any]) -> tuple[str, str] | None:
    """The (kind, name) a Describe call asks about."""
    if action not in DESCRIBES:
        return None
    kind, member = DESCRIBES[action]
    name = request.get(member)
    return (kind, name) if name else None


def install() -> None:
    """`trail` calls `remember` and `faithful` around every SageMaker call. Besides, moto refuses
    inference-component endpoint configurations, whose variants name no model; AWS accepts them.
    """
    from moto.sagemaker.models import SageMakerModelBackend

    original = SageMakerModelBackend.validate_production_variants

    def validate_production_variants(self: Any, production_variants: list[dict[str, Any]]) -> None:
        original(self, [v for v in production_variants if "ModelName" in v])

    SageMakerModelBackend.validate_production_variants = validate_production_variants

    # moto validates instance types against lists years old (no ml.g5, ml.p4d, ml.m6i); AWS takes
    # any current ML instance type. Accept the `ml.<family>.<size>` shape instead.
    import re

    from moto.sagemaker import models
    from moto.sagemaker.exceptions import ValidationError

    def validate_instance_type(self: Any, instance_type: str) -> None:
        if not re.fullmatch(r"ml\.[a-z0-9-]+\.[a-z0-9-]+", instance_type or ""):
            raise ValidationError(message=f"Value '{instance_type}' at 'instanceType' failed to satisfy constraint")

    for cls in (models.FakeEndpointConfig, models.FakeSagemakerNotebookInstance):
        cls.validate_instance_type = validate_instance_type
