# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AWS Backup copy jobs: checking the request, the AWS calls (StartCopyJob, DescribeCopyJob,
ListCopyJobs, and for backup_copy_jobs DescribeBackupVault and ListRecoveryPointsByBackupVault),
finding an equal job, the idempotency token, and the flows of backup_copy_job (one copy, waited
for) and backup_copy_jobs (several, started in one call, awaited by backup_job_status).

Plain functions over a boto3 ``backup`` client made with the collection's retry policy (so
calls pass aws_retry=True); each AWS call is made in exactly one function, its errors raised as
BackupAWSError by BackupErrorHandler (amazon.aws's AWSErrorHandler). Built on the restore job's
token prefix and the wait loop of job_wait.py.

A copy job lives in the account and Region whose StartCopyJob made it (the source); its
DestinationBackupVaultArn may name a vault in any Region or account. An equal copy is one of the
same source recovery point into the same destination vault (and, when a lifecycle is asked for,
with that lifecycle): ListCopyJobs filters by both server side (BySourceRecoveryPointArn,
ByDestinationVaultArn, botocore's backup model), so the search reads the jobs of that one
recovery point, whatever else the account copies.
"""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable

try:
    from botocore.config import Config
except ImportError:
    pass  # handled by AnsibleAWSModule, which reports missing botocore itself

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.arn import parse_aws_arn

from ansible_collections.recovery.aws_backup.plugins.module_utils.arns import recovery_point_arn_error
from ansible_collections.recovery.aws_backup.plugins.module_utils.arns import resource_arn_error
from ansible_collections.recovery.aws_backup.plugins.module_utils.backup_retry import backup_retry
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import BackupAWSError
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import BackupErrorHandler
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import InputError
from ansible_collections.recovery.aws_backup.plugins.module_utils.job_wait import COPY_JOB
from ansible_collections.recovery.aws_backup.plugins.module_utils.job_wait import JobAWSError
from ansible_collections.recovery.aws_backup.plugins.module_utils.job_wait import JobEndedError
from ansible_collections.recovery.aws_backup.plugins.module_utils.job_wait import JobTimeoutError
from ansible_collections.recovery.aws_backup.plugins.module_utils.job_wait import wait_for_job
from ansible_collections.recovery.aws_backup.plugins.module_utils.recovery_point import RecoveryPointOptionError
from ansible_collections.recovery.aws_backup.plugins.module_utils.recovery_point import check_backup_vault_name
from ansible_collections.recovery.aws_backup.plugins.module_utils.results import json_safe
from ansible_collections.recovery.aws_backup.plugins.module_utils.results import snake_job
from ansible_collections.recovery.aws_backup.plugins.module_utils.recovery_point import list_recovery_points_by_backup_vault
from ansible_collections.recovery.aws_backup.plugins.module_utils.recovery_point import newest_first
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_job import seeded_idempotency_token
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_job import jobs_newest_first
from ansible_collections.recovery.aws_backup.plugins.module_utils.job_wait import WAIT_CLIENT_CONFIG
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_module import is_iam_role_arn

# An equal job in one of these is reused, not restarted (CopyJobState, botocore's backup model).
REUSABLE_STATES = ("CREATED", "RUNNING", "COMPLETED")
# After an equal job ended like this, a re-run starts a new one (PARTIAL: a composite job some of
# whose children did not complete).
RETRY_STATES = COPY_JOB.failed

# Lifecycle, as the module takes it and as StartCopyJob names it (botocore's backup model, Lifecycle).
LIFECYCLE_KEYS = {
    "move_to_cold_storage_after_days": "MoveToColdStorageAfterDays",
    "delete_after_days": "DeleteAfterDays",
    "opt_in_to_archive_for_supported_resources": "OptInToArchiveForSupportedResources",
}
# "Backups transitioned to cold storage must be stored in cold storage for a minimum of 90 days.
# Therefore ... the retention setting must be 90 days greater than the transition to cold after
# days setting." (Lifecycle, botocore's backup model / API reference)
COLD_STORAGE_MINIMUM_DAYS = 90
# The modules' lifecycle suboptions (their argument spec), one per LIFECYCLE_KEYS entry.
LIFECYCLE_OPTIONS = dict(
    move_to_cold_storage_after_days=dict(type="int"),
    delete_after_days=dict(type="int"),
    opt_in_to_archive_for_supported_resources=dict(type="bool"),
)


# ---- checking the request ---------------------------------------------------------------


def backup_vault_arn_error(value: Any, option: str) -> str | None:
    """None when `value` is a backup vault ARN, arn:PARTITION:backup:REGION:ACCOUNT:backup-vault:NAME
    (the API reference's DestinationBackupVaultArn example:
    arn:aws:backup:us-east-1:123456789012:backup-vault:aBackupVault), else why not."""
    form = "arn:aws:backup:REGION:ACCOUNT:backup-vault:NAME"
    details = parse_aws_arn(value) if isinstance(value, str) else None
    good = (
        details is not None
        and value.startswith("arn:")
        and not any(c.isspace() for c in value)
        and details.get("service") == "backup"
        and bool(details.get("region"))
        and str(details.get("account_id") or "").isdigit()
        and len(str(details.get("account_id"))) == 12
        and str(details.get("resource") or "").startswith("backup-vault:")
    )
    if good:
        try:
            check_backup_vault_name(details["resource"][len("backup-vault:"):], option)
        except RecoveryPointOptionError:
            good = False
    if good and "arn:{partition}:{service}:{region}:{account_id}:{resource}".format(**details) == value:
        return None
    return f"{option} must be a backup vault ARN ({form}), got {value!r}"


def lifecycle_request(lifecycle: dict[str, Any] | None) -> dict[str, Any] | None:
    """The module's lifecycle as StartCopyJob's Lifecycle; InputError on bad values."""
    if not lifecycle:
        return None
    request: dict[str, Any] = {}
    for name, aws_name in LIFECYCLE_KEYS.items():
        value = lifecycle.get(name)
        if value is None:
            continue
        if name.endswith("_days") and value < 1:
            raise InputError(f"lifecycle.{name} must be a positive number of days, got {value}")
        request[aws_name] = value
    cold, delete = request.get("MoveToColdStorageAfterDays"), request.get("DeleteAfterDays")
    if cold is not None and delete is not None and delete < cold + COLD_STORAGE_MINIMUM_DAYS:
        raise InputError(
            f"lifecycle.delete_after_days ({delete}) must be at least {COLD_STORAGE_MINIMUM_DAYS} days more than "
            f"lifecycle.move_to_cold_storage_after_days ({cold}): AWS keeps a backup in cold storage for 90 days at least"
        )
    return request or None


def check_input(params: dict[str, Any]) -> dict[str, Any]:
    """The StartCopyJob request (without IdempotencyToken), or InputError naming the option.
    No AWS call."""
    problem = recovery_point_arn_error(params.get("recovery_point_arn"))
    if problem:
        raise InputError(problem)
    try:
        check_backup_vault_name(params.get("source_backup_vault_name"), "source_backup_vault_name")
    except RecoveryPointOptionError as e:
        raise InputError(str(e)) from None
    problem = backup_vault_arn_error(params.get("destination_backup_vault_arn"), "destination_backup_vault_arn")
    if problem:
        raise InputError(problem)
    role = params.get("iam_role_arn")
    if not is_iam_role_arn(role):
        raise InputError(f"iam_role_arn must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME), got {role!r}")
    source_partition = params["recovery_point_arn"].split(":")[1]
    destination_partition = params["destination_backup_vault_arn"].split(":")[1]
    if source_partition != destination_partition:
        raise InputError(
            f"destination_backup_vault_arn is in partition {destination_partition} and recovery_point_arn in "
            f"{source_partition}: AWS Backup copies within one partition"
        )
    wait_timeout = params.get("wait_timeout")
    if wait_timeout is not None and wait_timeout <= 0:
        raise InputError(f"wait_timeout must be a positive number of seconds, got {wait_timeout}")
    return build_request(
        params["recovery_point_arn"],
        params["source_backup_vault_name"],
        params["destination_backup_vault_arn"],
        role,
        lifecycle_request(params.get("lifecycle")),
    )


def build_request(
    recovery_point_arn: str,
    source_backup_vault_name: str,
    destination_backup_vault_arn: str,
    iam_role_arn: str,
    lifecycle: dict[str, Any] | None = None,
    idempotency_token: str | None = None,
) -> dict[str, Any]:
    request: dict[str, Any] = {
        "RecoveryPointArn": recovery_point_arn,
        "SourceBackupVaultName": source_backup_vault_name,
        "DestinationBackupVaultArn": destination_backup_vault_arn,
        "IamRoleArn": iam_role_arn,
    }
    if lifecycle:
        request["Lifecycle"] = dict(lifecycle)
    if idempotency_token is not None:
        request["IdempotencyToken"] = idempotency_token
    return request


def derive_idempotency_token(request: dict[str, Any], earlier_failed_job_ids: list[str]) -> str:
    """A token two runs of the same task agree on (so concurrent runs start one copy), which
    changes once an equal copy FAILED (its id is part of it), so a re-run starts a new one.
    "copy" is part of the material: a copy and a restore never share a token."""
    material = {
        "kind": "copy",
        "recovery_point_arn": request["RecoveryPointArn"],
        "source_backup_vault_name": request["SourceBackupVaultName"],
        "destination_backup_vault_arn": request["DestinationBackupVaultArn"],
        "iam_role_arn": request["IamRoleArn"],
        "lifecycle": sorted((request.get("Lifecycle") or {}).items()),
        "earlier_failed_job_ids": sorted(earlier_failed_job_ids),
    }
    return seeded_idempotency_token(material)


def is_equal(request: dict[str, Any], listed: dict[str, Any]) -> bool:
    """Does this ListCopyJobs entry copy what the request asks? The same source recovery point
    into the same vault; with a requested lifecycle, the same lifecycle (a copy kept for another
    time is another copy). Without one, AWS keeps the source's, so any earlier copy will do."""
    if listed.get("SourceRecoveryPointArn") != request["RecoveryPointArn"]:
        return False
    if listed.get("DestinationBackupVaultArn") != request["DestinationBackupVaultArn"]:
        return False
    wanted = request.get("Lifecycle")
    if wanted:
        have = listed.get("DestinationRecoveryPointLifecycle") or {}
        return all(have.get(key) == value for key, value in wanted.items())
    return True


# ---- AWS calls --------------------------------------------------------------------------


@backup_retry
def _paginate_copy_jobs(client: Any, **params: Any) -> list[dict[str, Any]]:
    # Paginators cannot take aws_retry; the decorator retries the whole listing instead.
    return client.get_paginator("list_copy_jobs").paginate(**params).build_full_result()["CopyJobs"]


@BackupErrorHandler.common_error_handler("list the copy jobs of the recovery point")
def list_copy_jobs(client: Any, recovery_point_arn: str, destination_backup_vault_arn: str) -> list[dict[str, Any]]:
    """The copy jobs of one recovery point into one vault, newest first."""
    jobs = _paginate_copy_jobs(
        client, BySourceRecoveryPointArn=recovery_point_arn, ByDestinationVaultArn=destination_backup_vault_arn
    )
    return jobs_newest_first(jobs)


@BackupErrorHandler.common_error_handler("describe the copy job")
def describe_copy_job(client: Any, copy_job_id: str) -> dict[str, Any]:
    return client.describe_copy_job(CopyJobId=copy_job_id, aws_retry=True)["CopyJob"]


def poll_copy_job(client: Any, copy_job_id: str) -> dict[str, Any]:
    """One DescribeCopyJob without the retry policy, for the wait loop (job_wait.wait_for_job)."""
    return client.describe_copy_job(CopyJobId=copy_job_id)["CopyJob"]


@BackupErrorHandler.common_error_handler("start the copy job")
def start_copy_job(client: Any, request: dict[str, Any]) -> str:
    return client.start_copy_job(aws_retry=True, **request)["CopyJobId"]


@BackupErrorHandler.common_error_handler("delete the copied recovery point")
def delete_recovery_point(client: Any, backup_vault_name: str, recovery_point_arn: str) -> None:
    client.delete_recovery_point(BackupVaultName=backup_vault_name, RecoveryPointArn=recovery_point_arn, aws_retry=True)


@BackupErrorHandler.list_error_handler("look at the copied recovery point", default_value=False)
def copied_point_exists(client: Any, backup_vault_name: str, recovery_point_arn: str, account_id: str) -> bool:
    """Whether the point is in the vault (DescribeRecoveryPoint; ResourceNotFoundException: it is not)."""
    client.describe_recovery_point(
        BackupVaultName=backup_vault_name, RecoveryPointArn=recovery_point_arn, BackupVaultAccountId=account_id, aws_retry=True
    )
    return True


@BackupErrorHandler.common_error_handler("look up the backup vault to copy into")
def backup_vault_arn(client: Any, backup_vault_name: str) -> str:
    """DescribeBackupVault's BackupVaultArn (API reference: "An Amazon Resource Name (ARN) that
    uniquely identifies a backup vault")."""
    return client.describe_backup_vault(BackupVaultName=backup_vault_name, aws_retry=True)["BackupVaultArn"]


@BackupErrorHandler.common_error_handler("list the recovery points of the resource in the source vault")
def newest_completed_point(client: Any, backup_vault_name: str, resource_arn: str) -> dict[str, Any] | None:
    """The newest COMPLETED recovery point of `resource_arn` in the vault (one listing, narrowed
    server side by ByResourceArn; ListRecoveryPointsByBackupVault, botocore's backup model), or
    None. A point still CREATING, or PARTIAL, EXPIRED..., cannot be copied whole."""
    points = list_recovery_points_by_backup_vault(client, backup_vault_name, ByResourceArn=resource_arn)
    completed = [point for point in newest_first(points) if point.get("Status") == "COMPLETED"]
    return completed[0] if completed else None


# ---- finding an equal job and starting one ----------------------------------------------

# Whether a COMPLETED copy's recovery point is still in the destination vault: True, False, or
# None when that cannot be told (another account's vault, no permission).
CopyCheck = Callable[[dict[str, Any]], "bool | None"]


@dataclass
class Outcome:
    copy_job: dict[str, Any] | None  # the job started (DescribeCopyJob) or reused (its list entry)
    changed: bool
    request: dict[str, Any]  # what was (or, in check mode, would be) sent
    existing: dict[str, Any] | None
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def ensure_copy_job(
    client: Any, request: dict[str, Any], check_mode: bool = False, copy_exists: CopyCheck | None = None
) -> Outcome:
    """Start the copy unless an equal one is CREATED, RUNNING or COMPLETED (its copied recovery
    point still there). AWS calls: ListCopyJobs (narrowed to the recovery point and vault), at
    most one look at a COMPLETED copy's recovery point, then StartCopyJob and DescribeCopyJob."""
    request = dict(request)
    failed: list[str] = []
    notes: list[str] = []
    warnings: list[str] = []
    for listed in list_copy_jobs(client, request["RecoveryPointArn"], request["DestinationBackupVaultArn"]):
        if not is_equal(request, listed):
            continue
        state = listed.get("State")
        if state in RETRY_STATES:
            failed.append(listed["CopyJobId"])
            continue
        if state not in REUSABLE_STATES:
            continue
        exists = copy_exists(listed) if copy_exists is not None and state == "COMPLETED" else True
        if exists is None:
            warnings.append(
                f"copy job {listed['CopyJobId']} is COMPLETED and equal to this request; it is reused without checking "
                f"that its recovery point {listed.get('DestinationRecoveryPointArn')} is still in the destination vault, "
                "because the collection cannot look there (another account, or no permission)"
            )
        elif not exists:
            # spent: counts like a failed one (its id goes into the token) and the search ends
            failed.append(listed["CopyJobId"])
            notes.append(
                f"copy job {listed['CopyJobId']} is COMPLETED and equal to this request, but its recovery point "
                f"{listed.get('DestinationRecoveryPointArn')} is no longer in the destination vault: a new copy job was started"
            )
            break
        return Outcome(listed, False, request, listed, notes, warnings)
    request.setdefault("IdempotencyToken", derive_idempotency_token(request, failed))
    if check_mode:
        return Outcome(None, True, request, None, notes, warnings)
    copy_job_id = start_copy_job(client, request)
    return Outcome(describe_copy_job(client, copy_job_id), True, request, None, notes, warnings)


# ---- deleting the copies a run made ---------------------------------------------------------


def _aws_code(error: BackupAWSError) -> str:
    response = getattr(error.exception, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def _epoch(value: Any) -> float | None:
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return None
    return None


def delete_copy(
    source_client: Any,
    destination_client: Any,
    copy_job_id: str,
    destination_region: str,
    created_after: float | None = None,
    check_mode: bool = False,
) -> dict[str, Any]:
    """Delete the recovery point one copy job made, by ownership: the caller names a copy job it
    started (its id kept by the run), and only that job's DestinationRecoveryPointArn is deleted,
    from the vault its DestinationBackupVaultArn names. Nothing is looked up by name or tag.

    Refused (nothing deleted) when the job's destination vault is not in `destination_region`
    (the Region `destination_client` deletes in: the ARN would name another Region's point) or
    when the job was created before `created_after` (epoch seconds; a job older than the run
    cannot be the run's, whatever id was passed). The copy job is described with
    `source_client`, in the Region whose StartCopyJob made it: copy jobs live there.

    Returns {copy_job_id, status, recovery_point_arn?, backup_vault_name?}; status is `deleted`
    (`would be deleted` in check mode), `not found` (the point, or the job, is gone),
    `refused: ...` or `failed: ...` (also a job that has not completed: its copy may appear later).
    """
    result: dict[str, Any] = {"copy_job_id": copy_job_id}
    try:
        job = describe_copy_job(source_client, copy_job_id)
    except BackupAWSError as e:
        if _aws_code(e) == "ResourceNotFoundException":
            return {**result, "status": "not found"}
        return {**result, "status": f"failed: {e}"}
    state = job.get("State")
    if state in RETRY_STATES:
        return {**result, "status": f"nothing to delete (copy job {state})"}
    point = job.get("DestinationRecoveryPointArn")
    if state != "COMPLETED" or not point:
        return {**result, "status": f"failed: copy job is {state}; its copy may still appear, delete it when the job has ended"}
    vault_arn = str(job.get("DestinationBackupVaultArn") or "")
    if backup_vault_arn_error(vault_arn, "DestinationBackupVaultArn"):
        return {**result, "status": f"refused: its destination vault {vault_arn!r} is not a backup vault ARN"}
    vault_region = vault_arn.split(":")[3]
    vault_name = vault_arn.split(":", 6)[6]
    result.update({"recovery_point_arn": point, "backup_vault_name": vault_name})
    if vault_region != destination_region:
        return {**result, "status": f"refused: it copied into Region {vault_region}, not {destination_region} where this task deletes"}
    created = _epoch(job.get("CreationDate"))
    if created_after is not None and (created is None or created < created_after):
        return {**result, "status": f"refused: the copy job was created at {job.get('CreationDate')}, before this run started"}
    if check_mode:
        return {**result, "status": "would be deleted"}
    try:
        delete_recovery_point(destination_client, vault_name, point)
    except BackupAWSError as e:
        if _aws_code(e) == "ResourceNotFoundException":
            return {**result, "status": "not found"}
        return {**result, "status": f"failed: {e}"}
    return {**result, "status": "deleted"}


# ---- the module ---------------------------------------------------------------------------


def snake_request(request: dict[str, Any]) -> dict[str, Any]:
    return json_safe(camel_dict_to_snake_dict(request))


def duration_seconds(job: dict[str, Any]) -> float | None:
    """How long a COMPLETED copy took (CompletionDate - CreationDate), for a drill's report."""
    created, completed = job.get("CreationDate"), job.get("CompletionDate")
    if isinstance(created, datetime) and isinstance(completed, datetime):
        return round((completed - created).total_seconds(), 3)
    return None


def destination_check(module: Any, request: dict[str, Any]) -> CopyCheck:
    """Whether a COMPLETED equal copy's recovery point is still in the destination vault: one
    DescribeRecoveryPoint in the destination's Region (BackupVaultAccountId for another account's
    vault). ResourceNotFoundException says it is gone; anything else (AWS denies cross-account
    access other than CopyIntoBackupVault: developer guide, "Vault access policies") means the
    collection cannot tell."""
    arn = request["DestinationBackupVaultArn"]
    _arn, _partition, _service, region, account, resource = arn.split(":", 5)
    vault = resource[len("backup-vault:"):]

    def check(listed: dict[str, Any]) -> bool | None:
        point = listed.get("DestinationRecoveryPointArn")
        if not point:
            return None
        client = module.client("backup", retry_decorator=backup_retry, region=region)
        try:
            return copied_point_exists(client, vault, point, account)
        except BackupAWSError:
            return None

    return check


def run_module(module: Any) -> None:
    """backup_copy_job's main: fail_json/exit_json, never a traceback."""
    params = module.params
    try:
        request = check_input(params)
        client = module.client("backup", retry_decorator=backup_retry)
        outcome = ensure_copy_job(client, request, module.check_mode, destination_check(module, request))
        for warning in outcome.warnings:
            module.warn(warning)
        result: dict[str, Any] = {
            "changed": outcome.changed,
            "copy_request": snake_request(outcome.request),
            "copy_job": snake_job(outcome.copy_job),
        }
        if outcome.notes:
            result["notes"] = outcome.notes
        if module._diff:
            before = {"copy_job": snake_job(outcome.existing)} if outcome.existing is not None else {}
            after = {"copy_request": result["copy_request"]} if outcome.changed else before
            result["diff"] = {"before": before, "after": after}
        job = outcome.copy_job
        if params["wait"] and not module.check_mode and job is not None:
            wait_client = module.client("backup", config=Config(**WAIT_CLIENT_CONFIG))
            try:
                job = wait_for_job(lambda job_id: poll_copy_job(wait_client, job_id), job, COPY_JOB, params["wait_timeout"])
            except (JobEndedError, JobTimeoutError) as e:
                result["copy_job"] = snake_job(e.job)
                module.fail_json(msg=str(e), **result)
            result["copy_job"] = snake_job(job)
        if job is not None and duration_seconds(job) is not None:
            result["copy_duration_seconds"] = duration_seconds(job)
        module.exit_json(**result)
    except InputError as e:
        module.fail_json(msg=str(e))
    except BackupAWSError as e:
        module.fail_json_aws_error(e)
    except JobAWSError as e:  # the wait's polls
        module.fail_json_aws(e.error, msg=f"Failed {e.action}")
    except Exception as e:  # noqa: BLE001 - a message, never a traceback, reaches the user
        module.fail_json(msg=f"Unexpected error ({type(e).__name__}): {e}", exception=traceback.format_exc())


# ---- backup_copy_jobs: several copies started in one call ---------------------------------

# Region names as AWS spells them (us-east-1, us-gov-west-1, ap-southeast-5, ...).
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")


@dataclass
class PlannedCopy:
    """One element of `copies`, checked: where it is started, and what is still to be found."""

    label: str  # "copies[i] (name)"
    name: str
    region: str | None  # the source Region (None: the module's)
    source_backup_vault_name: str
    recovery_point_arn: str | None
    resource_arn: str | None
    destination_backup_vault_name: str | None
    destination_backup_vault_arn: str | None
    lifecycle: dict[str, Any] | None


def _given(element: dict[str, Any], option: str) -> Any:
    """An option given as null or "" is not given (a list of dicts cannot `omit` an option)."""
    value = element.get(option)
    return None if value in (None, "") else value


def check_copy(index: int, element: dict[str, Any]) -> tuple[PlannedCopy | None, list[str]]:
    """One element checked: (the plan, []) or (None, the problems, each naming the option)."""
    name = element.get("name") or ""
    label = f"copies[{index}] ({name})"
    problems: list[str] = []
    if not name.strip():
        problems.append(f"{label}: name must not be empty")
    region = _given(element, "region")
    if region is not None and not _REGION.match(str(region)):
        problems.append(f"{label}: region must be an AWS Region name such as us-east-1, got {region!r}")
    try:
        check_backup_vault_name(element.get("source_backup_vault_name"), "source_backup_vault_name")
    except RecoveryPointOptionError as e:
        problems.append(f"{label}: {e}")
    point, resource = _given(element, "recovery_point_arn"), _given(element, "resource_arn")
    if (point is None) == (resource is None):
        problems.append(f"{label}: give one of recovery_point_arn and resource_arn (the newest COMPLETED point of the resource)")
    elif point is not None:
        problem = recovery_point_arn_error(point)
        if problem:
            problems.append(f"{label}: {problem}")
    else:
        problem = resource_arn_error(resource, "resource_arn")
        if problem:
            problems.append(f"{label}: {problem}")
    vault_name, vault_arn = _given(element, "destination_backup_vault_name"), _given(element, "destination_backup_vault_arn")
    if (vault_name is None) == (vault_arn is None):
        problems.append(f"{label}: give one of destination_backup_vault_name (in the task's Region) and destination_backup_vault_arn")
    elif vault_arn is not None:
        problem = backup_vault_arn_error(vault_arn, "destination_backup_vault_arn")
        if problem:
            problems.append(f"{label}: {problem}")
        elif point is not None and not recovery_point_arn_error(point) and point.split(":")[1] != vault_arn.split(":")[1]:
            problems.append(f"{label}: destination_backup_vault_arn is in partition {vault_arn.split(':')[1]} and recovery_point_arn in "
                            f"{point.split(':')[1]}: AWS Backup copies within one partition")  # fmt: skip
    else:
        try:
            check_backup_vault_name(vault_name, "destination_backup_vault_name")
        except RecoveryPointOptionError as e:
            problems.append(f"{label}: {e}")
    lifecycle = None
    try:
        lifecycle = lifecycle_request(element.get("lifecycle"))
    except InputError as e:
        problems.append(f"{label}: {e}")
    if problems:
        return None, problems
    planned = PlannedCopy(label, name, region, element["source_backup_vault_name"], point, resource, vault_name, vault_arn, lifecycle)
    return planned, []


def check_copies(params: dict[str, Any]) -> list[PlannedCopy]:
    """Every element of `copies` checked, and names unique. No AWS call. Raises InputError
    listing every problem, each naming the element and option, so that nothing starts while any
    element is wrong."""
    problems: list[str] = []
    role = params.get("iam_role_arn")
    if not is_iam_role_arn(role):
        problems.append(f"iam_role_arn must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME), got {role!r}")
    if not params.get("copies"):
        problems.append("copies must list at least one copy")
    planned: list[PlannedCopy] = []
    index_of: dict[str, int] = {}
    for index, element in enumerate(params.get("copies") or []):
        name = element.get("name") or ""
        if name in index_of:
            problems.append(f"copies[{index}] ({name}): name {name!r} is also the name of copies[{index_of[name]}]; give each copy its own")
        elif name:
            index_of[name] = index
        copy, found = check_copy(index, element)
        problems += found
        if copy is not None:
            planned.append(copy)
    if problems:
        raise InputError(f"nothing was started, because of {len(problems)} problem(s): " + "; ".join(problems))
    return planned


def start_copies(
    planned: list[PlannedCopy],
    iam_role_arn: str,
    client_for: Callable[[str | None], Any],
    check_for: Callable[[dict[str, Any]], CopyCheck],
    check_mode: bool,
) -> list[dict[str, Any]]:
    """Each copy started unless an equal one is reused (ensure_copy_job), never waited for. The
    destination vaults named by name are looked up once each (in the module's Region, None); the
    newest COMPLETED point of a resource once per (Region, vault, resource). A copy that fails
    does not stop the others: its entry says why."""
    vault_arns: dict[str, str] = {}
    points: dict[tuple[str | None, str, str], dict[str, Any] | None] = {}
    entries: list[dict[str, Any]] = []
    for copy in planned:
        entry: dict[str, Any] = {"name": copy.name, "region": copy.region, "changed": False, "failed": False, "owned": False}
        try:
            destination = copy.destination_backup_vault_arn
            if destination is None:
                if copy.destination_backup_vault_name not in vault_arns:
                    vault_arns[copy.destination_backup_vault_name] = backup_vault_arn(client_for(None), copy.destination_backup_vault_name)
                destination = vault_arns[copy.destination_backup_vault_name]
            point_arn = copy.recovery_point_arn
            if point_arn is None:
                key = (copy.region, copy.source_backup_vault_name, copy.resource_arn)
                if key not in points:
                    points[key] = newest_completed_point(client_for(copy.region), copy.source_backup_vault_name, copy.resource_arn)
                if points[key] is None:
                    raise InputError(f"no COMPLETED recovery point of {copy.resource_arn} in vault {copy.source_backup_vault_name}")
                point_arn = points[key]["RecoveryPointArn"]
                entry["recovery_point"] = json_safe(camel_dict_to_snake_dict(points[key]))
            request = build_request(point_arn, copy.source_backup_vault_name, destination, iam_role_arn, copy.lifecycle)
            outcome = ensure_copy_job(client_for(copy.region), request, check_mode, check_for(request))
        except (InputError, BackupAWSError) as e:
            entries.append({**entry, "failed": True, "msg": str(e), "copy_job": {}})
            continue
        entries.append({
            **entry, "changed": outcome.changed, "owned": outcome.changed and not check_mode, "copy_job": snake_job(outcome.copy_job),
            "copy_request": snake_request(outcome.request), **({"notes": outcome.notes} if outcome.notes else {}),
            **({"warnings": outcome.warnings} if outcome.warnings else {}),
        })  # fmt: skip
    return entries


def run_copies_module(module: Any) -> None:
    """backup_copy_jobs' main: every element checked before any AWS call, then each copy started
    (or its equal job reused) as backup_copy_job with wait=false does; fail_json naming each
    copy that failed, with every entry; never a traceback."""
    params = module.params
    try:
        planned = check_copies(params)
    except InputError as e:
        module.fail_json(msg=str(e))
    clients: dict[str | None, Any] = {}

    def client_for(region: str | None) -> Any:
        region = region or None
        if region not in clients:
            extra = {"region": region} if region else {}
            clients[region] = module.client("backup", retry_decorator=backup_retry, **extra)
        return clients[region]

    try:
        entries = start_copies(planned, params["iam_role_arn"], client_for, lambda request: destination_check(module, request), module.check_mode)
    except Exception as e:  # noqa: BLE001 - a message, never a traceback, reaches the user
        module.fail_json(msg=f"Unexpected error ({type(e).__name__}): {e}", exception=traceback.format_exc())
    for entry in entries:
        entry["region"] = entry["region"] or module.region
        for warning in entry.pop("warnings", []):
            module.warn(f"copies ({entry['name']}): {warning}")
    result: dict[str, Any] = {"changed": any(entry["changed"] for entry in entries), "copy_jobs": entries}
    failures = [f"{copy.label}: {entry['msg']}" for copy, entry in zip(planned, entries) if entry["failed"]]
    if failures:
        module.fail_json(msg=f"{len(failures)} of {len(entries)} copies failed: " + "; ".join(failures), **result)
    module.exit_json(**result)
