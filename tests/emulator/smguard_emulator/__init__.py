"""smguard's extension of moto: SageMaker that behaves like SageMaker where smguard depends on it.

Stock moto 5.2.5 completes every job at creation, lets a notebook be stopped in any state, lacks
``Stop{Training,Transform,HyperParameterTuning,Compilation}Job``, ``UpdateNotebookInstance``,
labeling jobs and ``CreateAutoMLJob`` (V1), records no API activity for CloudTrail
``LookupEvents`` and emits no "AWS API Call via CloudTrail" events; it also accepts only 38 old
notebook instance types (ml.t2/t3/m4/m5/c4/c5/c5d/p2/p3) and validates no subnet, security group,
key or role. Loaded into moto's server by ``python -m smguard_emulator``,
this package closes those gaps:

- ``lifecycle``: notebooks are ``Pending`` after create/start and ``Stopping`` after stop; jobs
  are ``InProgress``. Transitions happen only when a test asks (``POST /_smguard/lifecycle``).
  Stop, start, update and delete enforce AWS's preconditions with AWS's messages.
- ``extra_jobs``: labeling jobs and AutoML V1 jobs.
- ``store``: HyperPod clusters, monitoring schedules and job definitions, optimization jobs,
  feature groups, Studio user profiles and spaces, inference experiments, edge packaging jobs and
  notebook lifecycle configurations, from one table (moto lacks them or drops their members).
- ``trail``: every SageMaker call is recorded as a CloudTrail record (camelCase, as CloudTrail
  renders it). ``LookupEvents`` answers from the records; each write call, and each status
  change, is put on the account's default EventBridge bus, so that rules with SQS targets
  receive "AWS API Call via CloudTrail" and "SageMaker … State Change" events.
- ``management_trail``: write calls on CloudTrail, EventBridge, Lambda, SNS and KMS reach the
  caller's bus as CloudTrail records (what the trail guard reads); KMS's state calls take key ARNs.
- ``fidelity``: ``Describe*`` answers with what the ``Create*`` call set (moto drops some fields
  and hard-codes model network isolation to false) and omits unset structures.

Everything is keyed by account and Region, so tests isolated by ``x-moto-account-id`` do not see
each other.
"""

from . import events, extra_jobs, fidelity, lifecycle, management_trail, store, trail


def install() -> None:
    """Patches moto in this process. Call before the server handles a request."""
    events.install()
    lifecycle.install()
    extra_jobs.install()
    store.install()
    fidelity.install()
    trail.install()
    management_trail.install()
