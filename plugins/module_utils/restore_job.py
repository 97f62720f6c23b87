# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AWS Backup restore jobs: the AWS calls, finding an equal job, the idempotency token and
waiting. The equal-job search lists only the restore jobs of the recovery point's own resource
when that is known (ListRestoreJobsByProtectedResource), so its cost does not grow with the
account's other restore jobs. Plain functions over a boto3 `backup` client (made by
`module.client("backup", retry_decorator=backup_retry)`: AWSRetry.jittered_backoff, also on AWS
Backup's ThrottlingException; so every call passes aws_retry=True). Each AWS call is made in exactly one function; AWS errors come out as
RestoreJobAWSError naming what was being done, for `module.fail_json_aws`.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:  # handled by AnsibleAWSModule, which reports missing botocore itself
    BotoCoreError = ClientError = Exception  # type: ignore[misc,assignment]

from ansible_collections.recovery.aws_backup.plugins.module_utils.backup_retry import backup_retry
from ansible_collections.recovery.aws_backup.plugins.module_utils.job_wait import RESTORE_JOB
from ansible_collections.recovery.aws_backup.plugins.module_utils.job_wait import JobAWSError
from ansible_collections.recovery.aws_backup.plugins.module_utils.job_wait import JobEndedError
from ansible_collections.recovery.aws_backup.plugins.module_utils.job_wait import JobTimeoutError
from ansible_collections.recovery.aws_backup.plugins.module_utils.job_wait import wait_for_job
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import InputError  # noqa: F401 - re-exported for callers

# A job equal to the request in one of these is reused, not restarted.
REUSABLE_STATUSES = ("PENDING", "RUNNING", "COMPLETED")
# After an equal job ended like this, a re-run starts a new one.
RETRY_STATUSES = ("FAILED", "ABORTED")
FINAL_STATUSES = ("COMPLETED", "FAILED", "ABORTED")

TOKEN_PREFIX = "ansible-recovery-"


# The errors of waiting are job_wait's, for every kind of job; these name a restore job's.
RestoreJobAWSError = JobAWSError


class RestoreJobEndedError(JobEndedError):
    """A waited-for restore job ended FAILED or ABORTED."""

    def __init__(self, restore_job: dict[str, Any]):
        super().__init__(restore_job, RESTORE_JOB)

    @property
    def restore_job(self) -> dict[str, Any]:
        return self.job


class RestoreJobTimeoutError(JobTimeoutError):
    """wait_timeout ran out; the restore job keeps running."""

    def __init__(self, restore_job: dict[str, Any], timeout: float, last_error: str | None = None):
        super().__init__(restore_job, RESTORE_JOB, timeout, last_error)

    @property
    def restore_job(self) -> dict[str, Any]:
        return self.job


# ---- the request ------------------------------------------------------------------------


def build_request(
    recovery_point_arn: str,
    metadata: dict[str, str],
    resource_type: str | None = None,
    iam_role_arn: str | None = None,
    copy_source_tags_to_restored_resource: bool | None = None,
    idempotency_token: str | None = None,
) -> dict[str, Any]:
    """StartRestoreJob parameters; optional ones only when given."""
    request: dict[str, Any] = {"RecoveryPointArn": recovery_point_arn, "Metadata": dict(metadata)}
    if resource_type is not None:
        request["ResourceType"] = resource_type
    if iam_role_arn is not None:
        request["IamRoleArn"] = iam_role_arn
    if copy_source_tags_to_restored_resource is not None:
        request["CopySourceTagsToRestoredResource"] = copy_source_tags_to_restored_resource
    if idempotency_token is not None:
        request["IdempotencyToken"] = idempotency_token
    return request


def derive_idempotency_token(request: dict[str, Any], earlier_failed_job_ids: list[str]) -> str:
    """A token that two runs of the same task agree on (so concurrent runs start one job),
    which changes after an equal job FAILED or was ABORTED, or COMPLETED but its restored resource
    is gone (so a re-run starts a new one): those jobs' ids are part of it."""
    material = {
        "recovery_point_arn": request["RecoveryPointArn"],
        "resource_type": request.get("ResourceType"),
        "metadata": sorted(request["Metadata"].items()),
        "iam_role_arn": request.get("IamRoleArn"),
        "copy_source_tags_to_restored_resource": request.get("CopySourceTagsToRestoredResource"),
        "earlier_failed_job_ids": sorted(earlier_failed_job_ids),
    }
    return seeded_idempotency_token(material)


def seeded_idempotency_token(seed: Any) -> str:
    """The collection's one form of idempotency token: its prefix and a digest of `seed` (JSON data),
    so that whoever derives a token from the same seed gets the same one."""
    digest = hashlib.sha256(json.dumps(seed, sort_keys=True).encode("utf-8")).hexdigest()
    return TOKEN_PREFIX + digest[:40]


def random_idempotency_token() -> str:
    return TOKEN_PREFIX + uuid.uuid4().hex


def is_candidate(request: dict[str, Any], listed_job: dict[str, Any]) -> bool:
    """Could this ListRestoreJobs entry be equal to the request? Decided from the list entry
    alone, so only these cost a GetRestoreJobMetadata call."""
    if listed_job.get("RecoveryPointArn") != request["RecoveryPointArn"]:
        return False
    resource_type = request.get("ResourceType")
    return resource_type is None or listed_job.get("ResourceType") == resource_type


def same_metadata(requested: dict[str, str], existing: dict[str, str]) -> bool:
    """AWS reads metadata keys case-insensitively; values are compared as sent."""
    return {k.lower(): v for k, v in requested.items()} == {k.lower(): v for k, v in existing.items()}


# ---- AWS calls --------------------------------------------------------------------------


@backup_retry
def _paginate_restore_jobs(client: Any, **params: Any) -> list[dict[str, Any]]:
    # Paginators cannot take aws_retry; the decorator retries the whole listing instead.
    return client.get_paginator("list_restore_jobs").paginate(**params).build_full_result()["RestoreJobs"]


def list_restore_jobs(client: Any, resource_type: str | None = None) -> list[dict[str, Any]]:
    """Every restore job (of `resource_type` when given), newest first. No ByStatus: the five
    statuses are all wanted, and one listing pages fewer times than five filtered ones."""
    params: dict[str, Any] = {}
    if resource_type is not None:
        params["ByResourceType"] = resource_type
    try:
        jobs = _paginate_restore_jobs(client, **params)
    except (BotoCoreError, ClientError) as e:
        raise RestoreJobAWSError("listing restore jobs", e) from e
    return jobs_newest_first(jobs)


@backup_retry
def _paginate_restore_jobs_by_protected_resource(client: Any, **params: Any) -> list[dict[str, Any]]:
    # Paginators cannot take aws_retry; the decorator retries the whole listing instead.
    paginator = client.get_paginator("list_restore_jobs_by_protected_resource")
    return paginator.paginate(**params).build_full_result()["RestoreJobs"]


# ByRecoveryPointCreationDateAfter/Before: the API reference says "created after/before the
# specified date" without saying whether the bounds are inclusive, so the window reaches a second
# past the recovery point's CreationDate on either side (as recovery_point.py does for its
# ByCreatedAfter/Before); is_candidate still compares the recovery point ARN itself.
CREATION_DATE_MARGIN = timedelta(seconds=1)


def list_restore_jobs_by_protected_resource(
    client: Any, resource_arn: str, recovery_point_created: datetime | None = None
) -> list[dict[str, Any]]:
    """The restore jobs of one protected resource (ListRestoreJobsByProtectedResource), of
    recovery points created around `recovery_point_created` when given, newest first.

    The API reference: "This returns restore jobs that contain the specified protected
    resource", with optional ByRecoveryPointCreationDateAfter/Before (botocore's backup model,
    ListRestoreJobsByProtectedResourceInput). Its entries are RestoreJobsListMember, which has
    the same members as DescribeRestoreJob's output."""
    params: dict[str, Any] = {"ResourceArn": resource_arn}
    if recovery_point_created is not None:
        params["ByRecoveryPointCreationDateAfter"] = recovery_point_created - CREATION_DATE_MARGIN
        params["ByRecoveryPointCreationDateBefore"] = recovery_point_created + CREATION_DATE_MARGIN
    try:
        jobs = _paginate_restore_jobs_by_protected_resource(client, **params)
    except (BotoCoreError, ClientError) as e:
        raise RestoreJobAWSError(f"listing the restore jobs of {resource_arn}", e) from e
    return jobs_newest_first(jobs)


def _creation_timestamp(job: dict[str, Any]) -> float:
    created = job.get("CreationDate")
    return created.timestamp() if isinstance(created, datetime) else 0.0


def jobs_newest_first(jobs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """AWS Backup jobs (restore, copy, ...) newest first by CreationDate; undated ones last."""
    return sorted(jobs, key=_creation_timestamp, reverse=True)


def get_restore_job_metadata(client: Any, restore_job_id: str) -> dict[str, str]:
    try:
        return client.get_restore_job_metadata(RestoreJobId=restore_job_id, aws_retry=True).get("Metadata") or {}
    except (BotoCoreError, ClientError) as e:
        raise RestoreJobAWSError(f"getting the metadata of restore job {restore_job_id}", e) from e


def describe_restore_job(client: Any, restore_job_id: str) -> dict[str, Any]:
    try:
        job = client.describe_restore_job(RestoreJobId=restore_job_id, aws_retry=True)
    except (BotoCoreError, ClientError) as e:
        raise RestoreJobAWSError(f"describing restore job {restore_job_id}", e) from e
    job.pop("ResponseMetadata", None)
    return job


def start_restore_job(client: Any, request: dict[str, Any]) -> str:
    try:
        return client.start_restore_job(aws_retry=True, **request)["RestoreJobId"]
    except (BotoCoreError, ClientError) as e:
        raise RestoreJobAWSError("starting the restore job", e) from e


# ---- finding an equal job ---------------------------------------------------------------


@dataclass
class EqualJobs:
    """Jobs equal to a request: the newest reusable one, the ids of failed/aborted ones, and
    notes on why a newer equal job was not reused."""

    reusable: dict[str, Any] | None = None
    failed_job_ids: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# Whether the resource a COMPLETED job created still exists: True, False, or None when it cannot
# be told (a type the collection cannot look up, no permission).
ResourceCheck = Callable[[str], "bool | None"]


@dataclass
class SearchScope:
    """Where equal jobs can be: the restore jobs of the recovery point's protected resource
    (its ResourceArn) and, when known, of recovery points created at its CreationDate. Every
    restore job of the recovery point is among them, so the search is narrowed without missing
    one; without a scope every restore job of the account is listed."""

    resource_arn: str
    recovery_point_created: datetime | None = None


def candidate_jobs(client: Any, request: dict[str, Any], scope: SearchScope | None = None) -> list[dict[str, Any]]:
    """The listed restore jobs that could be equal to the request, newest first."""
    if scope is not None:
        listed = list_restore_jobs_by_protected_resource(client, scope.resource_arn, scope.recovery_point_created)
    else:
        listed = list_restore_jobs(client, request.get("ResourceType"))
    return [job for job in listed if is_candidate(request, job)]


def find_equal_jobs(
    client: Any,
    request: dict[str, Any],
    resource_exists: ResourceCheck | None = None,
    scope: SearchScope | None = None,
) -> EqualJobs:
    """The newest equal job decides. A COMPLETED one whose created resource no longer exists is
    spent: it counts like a failed one (its id goes into the token) and the search ends."""
    found = EqualJobs()
    for listed in candidate_jobs(client, request, scope):
        status = listed.get("Status")
        if not same_metadata(request["Metadata"], get_restore_job_metadata(client, listed["RestoreJobId"])):
            continue
        if status in REUSABLE_STATUSES:
            spent = _spent_reason(client, listed, resource_exists, found)
            if spent:
                found.failed_job_ids.append(listed["RestoreJobId"])
                found.notes.append(spent)
            else:
                found.reusable = listed
            break  # the newest equal job to reuse; no token is needed, so older ones don't matter
        if status in RETRY_STATUSES:
            found.failed_job_ids.append(listed["RestoreJobId"])
    return found


def _spent_reason(client: Any, listed: dict[str, Any], resource_exists: ResourceCheck | None, found: EqualJobs) -> str:
    """Why a COMPLETED equal job cannot be reused ("" when it can)."""
    if listed.get("Status") != "COMPLETED" or resource_exists is None:
        return ""
    job_id = listed["RestoreJobId"]
    arn = listed.get("CreatedResourceArn") or describe_restore_job(client, job_id).get("CreatedResourceArn")
    exists = resource_exists(arn) if arn else None
    if exists is None:
        found.warnings.append(
            f"restore job {job_id} is COMPLETED and equal to this request; it is reused without checking that its "
            f"restored resource {arn or '(not named by AWS)'} still exists, because the collection cannot look that up "
            "(resource type or permissions)"
        )
        return ""
    if exists:
        return ""
    return (
        f"restore job {job_id} is COMPLETED and equal to this request, but the resource it created ({arn}) no longer "
        "exists: a new restore job was started"
    )


@dataclass
class Outcome:
    # The job started (DescribeRestoreJob) or reused (its list entry, which has the same members)
    restore_job: dict[str, Any] | None
    changed: bool
    request: dict[str, Any]  # what was (or, in check mode, would be) sent
    existing: dict[str, Any] | None  # the equal job reused, as the listing gave it
    notes: list[str] = field(default_factory=list)  # why an equal job was not reused
    warnings: list[str] = field(default_factory=list)


def ensure_restore_job(
    client: Any,
    request: dict[str, Any],
    force: bool = False,
    check_mode: bool = False,
    resource_exists: ResourceCheck | None = None,
    scope: SearchScope | None = None,
    describe_started: bool = True,
) -> Outcome:
    """Start the restore job unless an equal one is PENDING, RUNNING or COMPLETED (or force).
    With force, the request's own IdempotencyToken (or a random one) decides: AWS answers a
    repeated token with the job it first started. `scope` narrows the search (SearchScope).

    AWS calls: the listing, GetRestoreJobMetadata per candidate (same recovery point and type)
    until the newest equal one; then StartRestoreJob and one DescribeRestoreJob (StartRestoreJob
    answers only the job id), or nothing more when an equal job is reused: its list entry is
    returned as it is. With describe_started=False a started job is returned as its id alone,
    for a caller that waits: its wait describes the job within wait_timeout, where this call's
    retries (throttling backs off for minutes) would not be bounded by it."""
    request = dict(request)
    equal = EqualJobs()
    if force:
        request.setdefault("IdempotencyToken", random_idempotency_token())
        existing = None
    else:
        equal = find_equal_jobs(client, request, resource_exists, scope=scope)
        existing = equal.reusable
        if existing is not None:
            return Outcome(existing, False, request, existing, equal.notes, equal.warnings)
        request.setdefault("IdempotencyToken", derive_idempotency_token(request, equal.failed_job_ids))
    if check_mode:
        return Outcome(None, True, request, None, equal.notes, equal.warnings)
    restore_job_id = start_restore_job(client, request)
    if not force and restore_job_id in equal.failed_job_ids:
        # AWS answered a repeated token with the job it names, which ended: nothing started.
        raise InputError(
            f"idempotency_token {request['IdempotencyToken']!r} already started restore job {restore_job_id}, "
            "which ended FAILED or ABORTED, or whose restored resource no longer exists; give a new idempotency_token "
            "(or leave it out) to restore again"
        )
    job = describe_restore_job(client, restore_job_id) if describe_started else {"RestoreJobId": restore_job_id}
    return Outcome(job, True, request, existing, equal.notes, equal.warnings)


# ---- waiting ----------------------------------------------------------------------------


def poll_restore_job(client: Any, restore_job_id: str) -> dict[str, Any]:
    """One DescribeRestoreJob without the collection's retry policy: the wait loop retries on
    its own schedule, bounded by its deadline (the policy's backoff is not)."""
    job = client.describe_restore_job(RestoreJobId=restore_job_id)
    job.pop("ResponseMetadata", None)
    return job


def wait_for_restore_job(
    client: Any,
    restore_job: dict[str, Any],
    timeout: float,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    wall: Callable[[], float] = time.time,
) -> dict[str, Any]:
    """job_wait.wait_for_job for a restore job: poll DescribeRestoreJob until the job ends;
    returns it when COMPLETED. Raises RestoreJobEndedError (FAILED/ABORTED),
    RestoreJobTimeoutError, or RestoreJobAWSError for an error that is not transient. `client`
    should make few attempts of its own per call (see job_wait.WAIT_CLIENT_CONFIG)."""
    try:
        return wait_for_job(lambda job_id: poll_restore_job(client, job_id), restore_job, RESTORE_JOB, timeout, sleep, clock, wall)
    except JobEndedError as e:
        raise RestoreJobEndedError(e.job) from None
    except JobTimeoutError as e:
        raise RestoreJobTimeoutError(e.job, timeout, e.last_error) from None
