# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AWS Backup restore jobs: the AWS calls, finding an equal job, the idempotency token and
waiting. Plain functions over a boto3 `backup` client (made by
`module.client("backup", retry_decorator=backup_retry)`: AWSRetry.jittered_backoff, also on AWS
Backup's ThrottlingException; so every call passes aws_retry=True). Each AWS call is made in exactly one function; AWS errors come out as
RestoreJobAWSError naming what was being done, for `module.fail_json_aws`.
"""

from __future__ import annotations

import hashlib
import json
import time
import traceback
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:  # handled by AnsibleAWSModule, which reports missing botocore itself
    BotoCoreError = ClientError = Exception  # type: ignore[misc,assignment]

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.arn import parse_aws_arn
from ansible_collections.amazon.aws.plugins.module_utils.arn import validate_aws_arn

from ansible_collections.recovery.aws_backup.plugins.module_utils.backup_retry import backup_retry
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import MetadataError
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import find_key
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import mask_metadata
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import resource_type_warning
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import sensitive_values
from ansible_collections.recovery.aws_backup.plugins.module_utils.recovery_point import RecoveryPointNotFoundError
from ansible_collections.recovery.aws_backup.plugins.module_utils.recovery_point import RecoveryPointOptionError
from ansible_collections.recovery.aws_backup.plugins.module_utils.recovery_point import drop_unsupported_metadata_keys
from ansible_collections.recovery.aws_backup.plugins.module_utils.recovery_point import fetch_base_metadata
from ansible_collections.recovery.aws_backup.plugins.module_utils.recovery_point import json_safe
from ansible_collections.recovery.aws_backup.plugins.module_utils.recovery_point import parse_time
from ansible_collections.recovery.aws_backup.plugins.module_utils.recovery_point import recovery_point_result
from ansible_collections.recovery.aws_backup.plugins.module_utils.recovery_point import resolve_restore_source
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import to_aws_metadata
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import validate_metadata

# A job equal to the request in one of these is reused, not restarted.
REUSABLE_STATUSES = ("PENDING", "RUNNING", "COMPLETED")
# After an equal job ended like this, a re-run starts a new one.
RETRY_STATUSES = ("FAILED", "ABORTED")
FINAL_STATUSES = ("COMPLETED", "FAILED", "ABORTED")

# Waiting: first poll after a few seconds, growing to about a minute, so an hours-long restore
# costs about one DescribeRestoreJob a minute.
WAIT_FIRST_DELAY = 3.0
WAIT_BACKOFF_FACTOR = 1.5
WAIT_MAX_DELAY = 60.0

TOKEN_PREFIX = "ansible-recovery-"


class RestoreJobAWSError(Exception):
    """An AWS error, with what was being done ("starting the restore job")."""

    def __init__(self, action: str, error: Exception):
        super().__init__(f"Failed {action}: {error}")
        self.action = action
        self.error = error


class RestoreJobEndedError(Exception):
    """A waited-for job ended FAILED or ABORTED."""

    def __init__(self, restore_job: dict[str, Any]):
        self.restore_job = restore_job
        super().__init__(
            f"Restore job {restore_job.get('RestoreJobId')} ended {restore_job.get('Status')}: "
            f"{restore_job.get('StatusMessage') or 'AWS gave no status message'}"
        )


class RestoreJobTimeoutError(Exception):
    """wait_timeout ran out; the job keeps running."""

    def __init__(self, restore_job: dict[str, Any], timeout: float):
        self.restore_job = restore_job
        super().__init__(
            f"Restore job {restore_job.get('RestoreJobId')} is still {restore_job.get('Status')} "
            f"({restore_job.get('PercentDone', 'unknown')} done) after wait_timeout={timeout:g} seconds. "
            "The job keeps running: re-run the task to resume waiting for it."
        )


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
    which changes after an equal job FAILED or was ABORTED (so a re-run starts a new one)."""
    material = {
        "recovery_point_arn": request["RecoveryPointArn"],
        "resource_type": request.get("ResourceType"),
        "metadata": sorted(request["Metadata"].items()),
        "iam_role_arn": request.get("IamRoleArn"),
        "copy_source_tags_to_restored_resource": request.get("CopySourceTagsToRestoredResource"),
        "earlier_failed_job_ids": sorted(earlier_failed_job_ids),
    }
    digest = hashlib.sha256(json.dumps(material, sort_keys=True).encode("utf-8")).hexdigest()
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
    return sorted(jobs, key=_creation_timestamp, reverse=True)


def _creation_timestamp(job: dict[str, Any]) -> float:
    created = job.get("CreationDate")
    return created.timestamp() if isinstance(created, datetime) else 0.0


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
    """Jobs equal to a request: the newest reusable one, and the ids of failed/aborted ones."""

    reusable: dict[str, Any] | None = None
    failed_job_ids: list[str] = field(default_factory=list)


def find_equal_jobs(client: Any, request: dict[str, Any]) -> EqualJobs:
    found = EqualJobs()
    for listed in list_restore_jobs(client, request.get("ResourceType")):
        if not is_candidate(request, listed):
            continue
        status = listed.get("Status")
        if not same_metadata(request["Metadata"], get_restore_job_metadata(client, listed["RestoreJobId"])):
            continue
        if status in REUSABLE_STATUSES:
            found.reusable = listed
            break  # the newest equal job to reuse; no token is needed, so older ones don't matter
        if status in RETRY_STATUSES:
            found.failed_job_ids.append(listed["RestoreJobId"])
    return found


@dataclass
class Outcome:
    restore_job: dict[str, Any] | None  # DescribeRestoreJob of the job started or reused
    changed: bool
    request: dict[str, Any]  # what was (or, in check mode, would be) sent
    existing: dict[str, Any] | None  # the equal job reused, as ListRestoreJobs gave it


def ensure_restore_job(
    client: Any, request: dict[str, Any], force: bool = False, check_mode: bool = False
) -> Outcome:
    """Start the restore job unless an equal one is PENDING, RUNNING or COMPLETED (or force)."""
    request = dict(request)
    if force:
        request.setdefault("IdempotencyToken", random_idempotency_token())
        existing = None
    else:
        equal = find_equal_jobs(client, request)
        existing = equal.reusable
        if existing is not None:
            return Outcome(describe_restore_job(client, existing["RestoreJobId"]), False, request, existing)
        request.setdefault("IdempotencyToken", derive_idempotency_token(request, equal.failed_job_ids))
    if check_mode:
        return Outcome(None, True, request, None)
    restore_job_id = start_restore_job(client, request)
    if not force and restore_job_id in equal.failed_job_ids:
        # AWS answered a repeated token with the job it names, which ended: nothing started.
        raise InputError(
            f"idempotency_token {request['IdempotencyToken']!r} already started restore job {restore_job_id}, "
            "which ended FAILED or ABORTED; give a new idempotency_token (or leave it out) to retry"
        )
    return Outcome(describe_restore_job(client, restore_job_id), True, request, existing)


# ---- waiting ----------------------------------------------------------------------------


def wait_delays(first: float = WAIT_FIRST_DELAY, factor: float = WAIT_BACKOFF_FACTOR, cap: float = WAIT_MAX_DELAY):
    """Delays between polls: first, first*factor, ... up to cap, then cap forever."""
    delay = first
    while True:
        yield delay
        delay = min(delay * factor, cap)


def wait_for_restore_job(
    client: Any,
    restore_job: dict[str, Any],
    timeout: float,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, Any]:
    """Poll DescribeRestoreJob until the job ends; returns it when COMPLETED. Raises
    RestoreJobEndedError (FAILED/ABORTED) or RestoreJobTimeoutError; never sleeps past the
    deadline."""
    deadline = clock() + timeout
    job = restore_job
    delays = wait_delays(WAIT_FIRST_DELAY, WAIT_BACKOFF_FACTOR, WAIT_MAX_DELAY)
    while True:
        if job.get("Status") == "COMPLETED":
            return job
        if job.get("Status") in RETRY_STATUSES:
            raise RestoreJobEndedError(job)
        remaining = deadline - clock()
        if remaining <= 0:
            raise RestoreJobTimeoutError(job, timeout)
        sleep(min(next(delays), remaining))
        job = describe_restore_job(client, job["RestoreJobId"])


# ---- results ----------------------------------------------------------------------------


# ---- the module's flow ------------------------------------------------------------------
# Kept here rather than in the module file so the module stays documentation and a short
# main, and later modules and the role can share it. The steps:
#   1. check_input: everything that can be checked without AWS (fails before any call);
#   2. resolve_source: the recovery point (given, or the newest of resource_arn) and the
#      base metadata of metadata_source;
#   3. final_metadata: base metadata with the user's metadata on top, converted and checked;
#   4. ensure_restore_job, then wait.


@dataclass
class CheckedInput:
    recovery_point_arn: str | None
    user_metadata: dict[str, str]
    resource_type: str | None
    warnings: list[str]


@dataclass
class Source:
    recovery_point_arn: str
    base_metadata: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # The recovery point found for resource_arn (raw API dict), to say which one was restored.
    recovery_point: dict[str, Any] | None = None
    resource_type: str | None = None


def is_well_formed_arn(value: str) -> bool:
    details = parse_aws_arn(value) if isinstance(value, str) else None
    # parse_aws_arn searches (not matches): insist the whole value is the ARN.
    return bool(
        details
        and value.startswith("arn:")
        and not any(c.isspace() for c in value)
        and details.get("service")
        and details.get("resource")
    )


def is_iam_role_arn(value: str) -> bool:
    return is_well_formed_arn(value) and validate_aws_arn(value, service="iam", resource_type="role")


def check_input(params: dict[str, Any]) -> CheckedInput:
    """Raises InputError naming the option; no AWS call."""
    recovery_point_arn = params.get("recovery_point_arn")
    if recovery_point_arn is not None and not is_well_formed_arn(recovery_point_arn):
        raise InputError(
            f"recovery_point_arn must be a recovery point ARN (arn:aws:backup:REGION:ACCOUNT:recovery-point:ID, "
            f"arn:aws:rds:REGION:ACCOUNT:snapshot:NAME, arn:aws:ec2:REGION::snapshot/snap-ID, ...), "
            f"got {recovery_point_arn!r}"
        )
    iam_role_arn = params.get("iam_role_arn")
    if iam_role_arn is not None and not is_iam_role_arn(iam_role_arn):
        raise InputError(
            f"iam_role_arn must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME), got {iam_role_arn!r}"
        )
    wait_timeout = params.get("wait_timeout")
    if wait_timeout is not None and wait_timeout <= 0:
        raise InputError(f"wait_timeout must be a positive number of seconds, got {wait_timeout}")
    token = params.get("idempotency_token")
    if token is not None and not token.strip():
        raise InputError("idempotency_token must not be empty; leave it out to get a token derived from the request")
    resource_type = params.get("resource_type")
    if resource_type is not None and not resource_type.strip():
        raise InputError("resource_type must not be empty; leave it out or give a type such as EFS")
    if params.get("latest_before") is not None:
        try:
            parse_time(params["latest_before"], "latest_before")
        except RecoveryPointOptionError as e:
            raise InputError(str(e)) from None
    warnings = [w for w in [resource_type_warning(resource_type)] if w]
    try:
        user_metadata = to_aws_metadata(params.get("metadata"))
    except MetadataError as e:
        raise InputError(str(e)) from None
    return CheckedInput(recovery_point_arn, user_metadata, resource_type, warnings)


def resolve_source(params: dict[str, Any], checked: CheckedInput, client: Any) -> Source:
    """The recovery point to restore and the metadata to start from.

    The point is ``recovery_point_arn`` as given, or the newest COMPLETED one of
    ``resource_arn`` (in ``backup_vault_name``, created before ``latest_before``). The base
    metadata comes from ``metadata_source``; keys of it that StartRestoreJob does not take for
    the resource type are dropped with a note. The user's own keys are never dropped.
    """
    try:
        point = resolve_restore_source(
            client,
            recovery_point_arn=checked.recovery_point_arn,
            resource_arn=params.get("resource_arn"),
            backup_vault_name=params.get("backup_vault_name"),
            latest_before=params.get("latest_before"),
            backup_vault_account_id=params.get("backup_vault_account_id"),
        )
        base = fetch_base_metadata(
            client,
            params.get("metadata_source") or "none",
            point["RecoveryPointArn"],
            point.get("BackupVaultName"),
            params.get("backup_vault_account_id"),
        )
    except (RecoveryPointOptionError, RecoveryPointNotFoundError) as e:
        raise InputError(str(e)) from None
    except (BotoCoreError, ClientError) as e:
        raise RestoreJobAWSError("finding the recovery point and its restore metadata", e) from e
    resource_type = checked.resource_type or point.get("ResourceType")
    kept, notes = drop_unsupported_metadata_keys(resource_type, base)
    found = point if params.get("resource_arn") else None
    return Source(point["RecoveryPointArn"], kept, notes, found, resource_type)


def final_metadata(source: Source, checked: CheckedInput) -> dict[str, str]:
    """Base metadata with the user's on top (keys matched case-insensitively), checked."""
    merged = dict(source.base_metadata)
    for key, value in checked.user_metadata.items():
        existing = find_key(merged, key)
        if existing is not None:
            del merged[existing]
        merged[key] = value
    if not merged:
        raise InputError(
            "metadata is required: StartRestoreJob needs the restore metadata (e.g. file-system-id for EFS); "
            "give metadata, or metadata_source to start from the recovery point's"
        )
    try:
        return validate_metadata(merged, source.resource_type or checked.resource_type)
    except MetadataError as e:
        raise InputError(str(e)) from None


class InputError(ValueError):
    """Bad input; the message names the option."""


def masked_request(request: dict[str, Any]) -> dict[str, Any]:
    shown = {
        "recovery_point_arn": request["RecoveryPointArn"],
        "metadata": mask_metadata(request["Metadata"]),
    }
    for aws_name, name in (
        ("ResourceType", "resource_type"),
        ("IamRoleArn", "iam_role_arn"),
        ("CopySourceTagsToRestoredResource", "copy_source_tags_to_restored_resource"),
        ("IdempotencyToken", "idempotency_token"),
    ):
        if aws_name in request:
            shown[name] = request[aws_name]
    return shown


def snake_job(job: dict[str, Any] | None) -> dict[str, Any]:
    return json_safe(camel_dict_to_snake_dict(job)) if job else {}


def run_module(module: Any, make_client: Callable[[], Any]) -> None:
    """The module's main: fail_json/exit_json, never a traceback."""
    params = module.params
    # Registered first, so nothing below (warnings, errors, invocation) can show them.
    try:
        module.no_log_values.update(sensitive_values(params.get("metadata")))
    except MetadataError as e:
        module.fail_json(msg=str(e))
    try:
        checked = check_input(params)
        for warning in checked.warnings:
            module.warn(warning)
        client = make_client()
        source = resolve_source(params, checked, client)
        metadata = final_metadata(source, checked)
        module.no_log_values.update(sensitive_values(metadata))
        request = build_request(
            source.recovery_point_arn,
            metadata,
            resource_type=source.resource_type,
            iam_role_arn=params.get("iam_role_arn"),
            copy_source_tags_to_restored_resource=params.get("copy_source_tags_to_restored_resource"),
            idempotency_token=params.get("idempotency_token"),
        )
        outcome = ensure_restore_job(client, request, force=params["force"], check_mode=module.check_mode)
        result: dict[str, Any] = {
            "changed": outcome.changed,
            "restore_metadata": mask_metadata(metadata),
            "restore_request": masked_request(outcome.request),
            "restore_job": snake_job(outcome.restore_job),
        }
        if source.notes:
            result["notes"] = source.notes
        if source.recovery_point is not None:
            result["recovery_point"] = recovery_point_result(source.recovery_point)
        if module._diff:
            before = {}
            if outcome.existing is not None:
                before = {"restore_job": snake_job(outcome.existing), "restore_metadata": mask_metadata(metadata)}
            after = {"restore_request": result["restore_request"]} if outcome.changed else before
            result["diff"] = {"before": before, "after": after}
        # Check mode reports the equal job as it is now, without waiting for it.
        if params["wait"] and not module.check_mode and outcome.restore_job is not None:
            try:
                result["restore_job"] = snake_job(wait_for_restore_job(client, outcome.restore_job, params["wait_timeout"]))
            except (RestoreJobEndedError, RestoreJobTimeoutError) as e:
                result["restore_job"] = snake_job(e.restore_job)
                module.fail_json(msg=str(e), **result)
        module.exit_json(**result)
    except InputError as e:
        module.fail_json(msg=str(e))
    except RestoreJobAWSError as e:
        module.fail_json_aws(e.error, msg=f"Failed {e.action}")
    except Exception as e:  # noqa: BLE001 - a message, never a traceback, reaches the user
        module.fail_json(msg=f"Unexpected error ({type(e).__name__}): {e}", exception=traceback.format_exc())
