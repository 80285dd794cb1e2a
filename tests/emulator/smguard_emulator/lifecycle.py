"""Notebook and job lifecycles with SageMaker's preconditions and messages.

AWS texts (SageMaker's ValidationException messages as quoted in aws/amazon-sagemaker-examples#1094 and #1798,
hashicorp/terraform-provider-aws#16767, awslabs/benchmark-ai#928):

- StopNotebookInstance unless ``InService``:
  ``Status (Pending) not in ([InService]). Unable to transition to (Stopping) for Notebook Instance (<arn>).``
- StartNotebookInstance unless ``Stopped``/``Failed``:
  ``Status (Stopping) not in ([Stopped, Failed]). Unable to transition to (Pending) for Notebook Instance (<arn>).``
- DeleteNotebookInstance unless ``Stopped``/``Failed``: the same shape, ``(Deleting)``.
- StopTrainingJob on a finished job:
  ``The request was rejected because the training job is in status Stopped.``

The UpdateNotebookInstance text and the other job kinds' stop texts are not documented; they
follow the same shapes (inferred).

Statuses change only when a test asks (``advance``), so a test sees exactly the state it set up.
"""

import threading
from dataclasses import dataclass
from typing import Any, Callable

from moto.sagemaker import models as sm
from moto.sagemaker.exceptions import ResourceNotFound, ValidationError
from moto.sagemaker.responses import SageMakerResponse
from moto.sagemaker.utils import arn_formatter

from . import events

_lock = threading.RLock()


@dataclass(frozen=True)
class Kind:
    """How the emulator finds, reads and moves one resource kind."""

    arn_type: str  # the ARN resource type, also the control endpoint's `kind`
    store: str  # the backend's dict of resources, by name
    status_attr: str
    next_status: dict[str, str]  # what `advance` moves each status to
    noun: str  # as AWS's messages name the kind
    detail_type: str | None  # the state-change event SageMaker emits, if any
    describe: Callable[[Any, str], dict[str, Any]]


def _describe_notebook(backend: Any, name: str) -> dict[str, Any]:
    return backend.get_notebook_instance(name).to_dict()


KINDS: dict[str, Kind] = {
    kind.arn_type: kind
    for kind in [
        Kind(
            "notebook-instance",
            "notebook_instances",
            "status",
            {"Pending": "InService", "Stopping": "Stopped", "Updating": "Stopped"},
            "notebook instance",
            "SageMaker Notebook Instance State Change",
            _describe_notebook,
        ),
        Kind(
            "training-job",
            "training_jobs",
            "training_job_status",
            {"InProgress": "Completed", "Stopping": "Stopped"},
            "training job",
            "SageMaker Training Job State Change",
            lambda b, n: b.describe_training_job(n),
        ),
        Kind(
            "processing-job",
            "processing_jobs",
            "processing_job_status",
            {"InProgress": "Completed", "Stopping": "Stopped"},
            "processing job",
            "SageMaker Processing Job State Change",
            lambda b, n: b.describe_processing_job(n),
        ),
        Kind(
            "transform-job",
            "transform_jobs",
            "transform_job_status",
            {"InProgress": "Completed", "Stopping": "Stopped"},
            "transform job",
            "SageMaker Transform Job State Change",
            lambda b, n: b.describe_transform_job(n),
        ),
        Kind(
            "hyper-parameter-tuning-job",
            "hyper_parameter_tuning_jobs",
            "hyper_parameter_tuning_job_status",
            {"InProgress": "Completed", "Stopping": "Stopped"},
            "hyperparameter tuning job",
            "SageMaker HyperParameter Tuning Job State Change",
            lambda b, n: b.describe_hyper_parameter_tuning_job(n),
        ),
        Kind(
            "compilation-job",
            "compilation_jobs",
            "compilation_job_status",
            {"STARTING": "INPROGRESS", "INPROGRESS": "COMPLETED", "STOPPING": "STOPPED"},
            "compilation job",
            None,
            lambda b, n: b.describe_compilation_job(n),
        ),
        Kind(
            "automl-job",
            "auto_ml_jobs",
            "auto_ml_job_status",
            {"InProgress": "Completed", "Stopping": "Stopped"},
            "AutoML job",
            None,
            lambda b, n: b.auto_ml_jobs[n].describe(),
        ),
        Kind(
            "labeling-job",
            "labeling_jobs",
            "labeling_job_status",
            {"Initializing": "InProgress", "InProgress": "Completed", "Stopping": "Stopped"},
            "labeling job",
            None,
            lambda b, n: b.labeling_jobs[n].describe(),
        ),
    ]
}

# Statuses from which a stop is accepted.
_STOPPABLE = {"InProgress", "Initializing", "INPROGRESS", "STARTING"}
_STOPPING = {"compilation-job": "STOPPING"}


def _resources(backend: Any, kind: Kind) -> dict[str, Any]:
    if not hasattr(backend, kind.store):
        setattr(backend, kind.store, {})
    return getattr(backend, kind.store)


def set_status(backend: Any, kind: Kind, name: str, status: str) -> None:
    """Sets a resource's status and emits its state-change event, as SageMaker does."""
    resource = _resources(backend, kind)[name]
    setattr(resource, kind.status_attr, status)
    if kind.arn_type == "training-job":
        resource.secondary_status = {"InProgress": "Training"}.get(status, status)
    if kind.arn_type == "automl-job":
        resource.auto_ml_job_secondary_status = {"InProgress": "Starting"}.get(status, status)
    resource.last_modified_time = sm.utcnow()
    emit_state_change(backend, kind, name)


def emit_state_change(backend: Any, kind: Kind, name: str) -> None:
    if kind.detail_type is None:
        return
    from . import fidelity  # the describe output events carry is the faithful one

    detail = fidelity.faithful(
        backend.account_id, backend.region_name, kind.arn_type, name, kind.describe(backend, name)
    )
    resource = _resources(backend, kind)[name]
    tags = getattr(resource, "tags", None) or []
    detail["Tags"] = {t["Key"]: t.get("Value", "") for t in tags if isinstance(t, dict) and "Key" in t}
    events.put(backend.account_id, backend.region_name, "aws.sagemaker", kind.detail_type, detail, [resource.arn])


def advance(backend: Any, kind_name: str, name: str, to: str | None = None) -> str:
    """Moves a resource to its next status (or to `to`); returns the new status."""
    kind = KINDS[kind_name]
    with _lock:
        resources = _resources(backend, kind)
        if name not in resources:
            raise KeyError(f"no {kind.noun} named {name}")
        current = getattr(resources[name], kind.status_attr)
        target = to or kind.next_status.get(current)
        if target is None:
            raise ValueError(f"{kind.noun} {name} is {current}: nothing follows")
        set_status(backend, kind, name, target)
        return target


# ---------------------------------------------------------------------------------------------
# Notebook instances


def _notebook_transition_error(status: str, allowed: str, target: str, arn: str) -> ValidationError:
    return ValidationError(
        message=f"Status ({status}) not in ([{allowed}]). Unable to transition to ({target}) for Notebook Instance ({arn})."
    )


def _stop_notebook_instance(self: Any, notebook_instance_name: str) -> None:
    with _lock:
        notebook = self.get_notebook_instance(notebook_instance_name)
        if notebook.status != "InService":
            raise _notebook_transition_error(notebook.status, "InService", "Stopping", notebook.arn)
        set_status(self, KINDS["notebook-instance"], notebook_instance_name, "Stopping")


def _start_notebook_instance(self: Any, notebook_instance_name: str) -> None:
    with _lock:
        notebook = self.get_notebook_instance(notebook_instance_name)
        if notebook.status not in ("Stopped", "Failed"):
            raise _notebook_transition_error(notebook.status, "Stopped, Failed", "Pending", notebook.arn)
        set_status(self, KINDS["notebook-instance"], notebook_instance_name, "Pending")


def _delete_notebook_instance(self: Any, notebook_instance_name: str) -> None:
    with _lock:
        notebook = self.get_notebook_instance(notebook_instance_name)
        if notebook.status not in ("Stopped", "Failed"):
            raise _notebook_transition_error(notebook.status, "Stopped, Failed", "Deleting", notebook.arn)
        set_status(self, KINDS["notebook-instance"], notebook_instance_name, "Deleting")
        del self.notebook_instances[notebook_instance_name]


# The members UpdateNotebookInstance may change, with the attribute moto keeps them in.
_UPDATABLE = {
    "InstanceType": "instance_type",
    "RoleArn": "role_arn",
    "LifecycleConfigName": "lifecycle_config_name",
    "VolumeSizeInGB": "volume_size_in_gb",
    "DefaultCodeRepository": "default_code_repository",
    "AdditionalCodeRepositories": "additional_code_repositories",
    "AcceleratorTypes": "accelerator_types",
    "RootAccess": "root_access",
}


def _update_notebook_instance(self: Any, notebook_instance_name: str, changes: dict[str, Any]) -> None:
    with _lock:
        notebook = self.get_notebook_instance(notebook_instance_name)
        if notebook.status not in ("Stopped", "Failed"):
            raise _notebook_transition_error(notebook.status, "Stopped, Failed", "Updating", notebook.arn)
        for member, attribute in _UPDATABLE.items():
            if member in changes:
                setattr(notebook, attribute, changes[member])
        if changes.get("DisassociateLifecycleConfig"):
            notebook.lifecycle_config_name = None
        set_status(self, KINDS["notebook-instance"], notebook_instance_name, "Updating")


def _response_update_notebook_instance(self: Any) -> str:
    name = self._get_param("NotebookInstanceName")
    changes = {member: self._get_param(member) for member in (*_UPDATABLE, "DisassociateLifecycleConfig")}
    changes = {member: value for member, value in changes.items() if value is not None}
    self.sagemaker_backend.update_notebook_instance(name, changes)
    return "{}"


# ---------------------------------------------------------------------------------------------
# Jobs


def _stop_job(kind_name: str) -> Callable[[Any, str], None]:
    kind = KINDS[kind_name]

    def stop(self: Any, name: str) -> None:
        with _lock:
            resources = _resources(self, kind)
            if name not in resources:
                arn = arn_formatter(kind.arn_type, name, self.account_id, self.region_name)
                raise ResourceNotFound(f"Could not find {kind.noun} '{arn}'.")
            status = getattr(resources[name], kind.status_attr)
            if status not in _STOPPABLE:
                raise ValidationError(
                    message=f"The request was rejected because the {kind.noun} is in status {status}."
                )
            set_status(self, kind, name, _STOPPING.get(kind_name, "Stopping"))

    return stop


def _stop_response(method: str, parameter: str) -> Callable[[Any], str]:
    def respond(self: Any) -> str:
        getattr(self.sagemaker_backend, method)(self._get_param(parameter))
        return "{}"

    return respond


_JOB_STOPS = {
    # response/backend method: (kind, name parameter)
    "stop_training_job": ("training-job", "TrainingJobName"),
    "stop_processing_job": ("processing-job", "ProcessingJobName"),
    "stop_transform_job": ("transform-job", "TransformJobName"),
    "stop_hyper_parameter_tuning_job": ("hyper-parameter-tuning-job", "HyperParameterTuningJobName"),
    "stop_compilation_job": ("compilation-job", "CompilationJobName"),
    "stop_auto_ml_job": ("automl-job", "AutoMLJobName"),
    "stop_labeling_job": ("labeling-job", "LabelingJobName"),
}

# What a job's status is right after its Create call.
_INITIAL = {
    sm.FakeTrainingJob: ("training_job_status", "InProgress"),
    sm.FakeProcessingJob: ("processing_job_status", "InProgress"),
    sm.FakeTransformJob: ("transform_job_status", "InProgress"),
    sm.HyperParameterTuningJob: ("hyper_parameter_tuning_job_status", "InProgress"),
    sm.CompilationJob: ("compilation_job_status", "INPROGRESS"),
    sm.AutoMLJob: ("auto_ml_job_status", "InProgress"),
    # A new endpoint is `Creating` for minutes on SageMaker; moto makes it `InService` at once.
    sm.FakeEndpoint: ("endpoint_status", "Creating"),
}


def _started(cls: type, attribute: str, status: str) -> None:
    original = cls.__init__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        setattr(self, attribute, status)
        if cls is sm.FakeTrainingJob:
            self.secondary_status = "Starting"
        if cls is sm.AutoMLJob:
            self.auto_ml_job_secondary_status = "Starting"

    cls.__init__ = __init__


def install() -> None:
    # A new or started notebook is Pending until a test advances it.
    sm.FakeSagemakerNotebookInstance.start = lambda self: setattr(self, "status", "Pending")
    backend = sm.SageMakerModelBackend
    backend.stop_notebook_instance = _stop_notebook_instance
    backend.start_notebook_instance = _start_notebook_instance
    backend.delete_notebook_instance = _delete_notebook_instance
    backend.update_notebook_instance = _update_notebook_instance
    SageMakerResponse.update_notebook_instance = _response_update_notebook_instance
    for cls, (attribute, status) in _INITIAL.items():
        _started(cls, attribute, status)
    for method, (kind, parameter) in _JOB_STOPS.items():
        setattr(backend, method, _stop_job(kind))
        setattr(SageMakerResponse, method, _stop_response(method, parameter))
