"""Copy jobs (StartCopyJob, DescribeCopyJob, ListCopyJobs) for moto's backup backend, in
the style of models.py: a model class with to_dict() and a backend mixin whose methods raise
moto exceptions, installed by tests.emulator.install().

Across Regions and accounts: moto keeps one backup backend per account and Region, and picks
the account of a request from its access key (STS AssumeRole keys map to the role's account).
A copy job belongs to the backend whose StartCopyJob made it (the source account and Region);
the recovery point it makes lands in the backend the destination vault ARN names. Sources are
cited where each behaviour is implemented; README.md lists them with the emulator's choices.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from typing import Any

from moto.backup.exceptions import InvalidParameterValueException, InvalidRequestException
from moto.core.common_models import BaseModel
from moto.utilities.paginator import paginate
from moto.utilities.utils import get_partition

from .exceptions import MissingParameterValueException
from .models import PENDING_SHARE, RecoveryPoint, _in_window, _job_id, _now, _without_none
from .settings import emulator_settings

# CopyJobState in botocore's backup model. PARTIAL is for composite jobs, which the emulator has
# none of.
COPY_JOB_STATES = ("CREATED", "RUNNING", "COMPLETED", "FAILED", "PARTIAL")
# What ByMessageCategory matches whatever a job's category ("The value ANY returns count of all
# message categories. AGGREGATE_ALL aggregates job counts for all message categories",
# ListCopyJobs ByMessageCategory, botocore's backup model).
ALL_MESSAGE_CATEGORIES = ("ANY", "AGGREGATE_ALL")

# arn:PARTITION:backup:REGION:ACCOUNT:backup-vault:NAME (the form the API reference's
# DestinationBackupVaultArn example shows: arn:aws:backup:us-east-1:123456789012:backup-vault:aBackupVault)
VAULT_ARN = re.compile(r"^arn:(aws[a-z-]*):backup:([a-z0-9-]+):(\d{12}):backup-vault:([A-Za-z0-9_/\-]{2,50})$")

_PAGE = {"limit_key": "max_results", "limit_default": 1000, "fail_on_invalid_token": InvalidParameterValueException}
PAGINATION_MODEL = {
    "list_copy_jobs": {"input_token": "next_token", "unique_attribute": "copy_job_id", **_PAGE},
}


def _backup_backend(account_id: str, region_name: str) -> Any:
    from moto.backup.models import backup_backends

    return backup_backends[account_id][region_name]


class CopyJob(BaseModel):
    """One StartCopyJob. State CREATED (the first quarter of its duration), RUNNING, then
    COMPLETED or FAILED, computed from the time elapsed as for restore jobs. The destination
    recovery point is made the first time the job is seen past its duration, so it exists
    whoever looks first (see install()'s call hook)."""

    def __init__(
        self,
        backend: Any,
        source_point: RecoveryPoint,
        destination_backup_vault_arn: str,
        iam_role_arn: str,
        idempotency_token: str | None,
        lifecycle: dict[str, Any] | None,
        duration_seconds: float,
        failure_message: str | None,
    ):
        self.account_id = backend.account_id
        self.region_name = backend.region_name
        # AWS's copy job ids are upper-case UUIDs (CopyJobId "47C8EF56-74D8-059D-1301-C5BE1D5C926E"
        # in the developer guide's EventBridge "Copy Job State Change" examples)
        self.copy_job_id = _job_id()
        self.source_point = source_point
        self.destination_backup_vault_arn = destination_backup_vault_arn
        self.iam_role_arn = iam_role_arn
        self.idempotency_token = idempotency_token
        self.lifecycle = lifecycle
        self.creation_date = _now()
        self.duration = timedelta(seconds=duration_seconds)
        self.injected_failure = failure_message
        self.request: dict[str, Any] = {}
        self.final_state: str | None = None
        self.status_message: str | None = None
        self.destination_recovery_point_arn: str | None = None
        self.destination_encryption_key_arn: str | None = None
        # no composite (parent) jobs here
        self.parent_job_id: str | None = None

    @property
    def due(self) -> bool:
        return self.final_state is None and _now() >= self.creation_date + self.duration

    @property
    def state(self) -> str:
        if self.final_state:
            return self.final_state
        elapsed = _now() - self.creation_date
        return "CREATED" if elapsed < self.duration * PENDING_SHARE else "RUNNING"

    @property
    def completion_date(self) -> datetime | None:
        return self.creation_date + self.duration if self.final_state else None

    @property
    def message_category(self) -> str | None:
        # The Monitoring page lists the categories (SUCCESS, ACCESS_DENIED, ...) without saying
        # which failure gets which: only a completed job gets one here.
        return "SUCCESS" if self.final_state == "COMPLETED" else None

    def to_dict(self) -> dict[str, Any]:
        point = self.source_point
        return _without_none(
            {
                "AccountId": self.account_id,
                "CopyJobId": self.copy_job_id,
                "SourceBackupVaultArn": point.vault.backup_vault_arn,
                "SourceRecoveryPointArn": point.recovery_point_arn,
                "DestinationBackupVaultArn": self.destination_backup_vault_arn,
                "DestinationVaultType": "BACKUP_VAULT",
                # Named once the copy COMPLETED: the developer guide's EventBridge "Copy Job State
                # Change" examples carry an empty destinationRecoveryPointArn while CREATED,
                # RUNNING and FAILED, the ARN when COMPLETED.
                "DestinationRecoveryPointArn": self.destination_recovery_point_arn,
                "DestinationEncryptionKeyArn": self.destination_encryption_key_arn,
                "DestinationRecoveryPointLifecycle": self.lifecycle,
                "ResourceArn": point.resource_arn,
                "CreationDate": self.creation_date,
                "CompletionDate": self.completion_date,
                "State": self.state,
                "StatusMessage": self.status_message,
                "BackupSizeInBytes": point.backup_size_in_bytes,
                "IamRoleArn": self.iam_role_arn,
                "ResourceType": point.resource_type,
                "ParentJobId": self.parent_job_id,
                "IsParent": False,
                "ResourceName": point.resource_name,
                "MessageCategory": self.message_category,
            }
        )


class CopyJobsBackendMixin:
    """Methods added to moto's BackupBackend by tests.emulator.install()."""

    copy_jobs: dict[str, CopyJob]
    copy_idempotency_tokens: dict[str, str]

    def init_copy_jobs_state(self: Any) -> None:
        self.copy_jobs = {}
        self.copy_idempotency_tokens = {}

    def start_copy_job(self: Any, *args: Any, **kwargs: Any) -> CopyJob:
        # one at a time: the server is threaded, and an idempotency token must never yield two jobs
        with emulator_settings.lock:
            return self._start_copy_job(*args, **kwargs)

    def _start_copy_job(
        self: Any,
        recovery_point_arn: str,
        source_backup_vault_name: str,
        destination_backup_vault_arn: str,
        iam_role_arn: str,
        idempotency_token: str | None = None,
        lifecycle: dict[str, Any] | None = None,
    ) -> CopyJob:
        for name, value in (
            ("RecoveryPointArn", recovery_point_arn),
            ("SourceBackupVaultName", source_backup_vault_name),
            ("DestinationBackupVaultArn", destination_backup_vault_arn),
            ("IamRoleArn", iam_role_arn),
        ):
            if not value:
                raise MissingParameterValueException(f"{name} is required")
        if not iam_role_arn.startswith("arn:") or ":role/" not in iam_role_arn:
            raise InvalidParameterValueException(f"Invalid IAM role ARN: {iam_role_arn}")
        if not VAULT_ARN.match(destination_backup_vault_arn):
            raise InvalidParameterValueException(f"Invalid backup vault ARN: {destination_backup_vault_arn}")
        request = {
            "RecoveryPointArn": recovery_point_arn,
            "SourceBackupVaultName": source_backup_vault_name,
            "DestinationBackupVaultArn": destination_backup_vault_arn,
            "IamRoleArn": iam_role_arn,
            "Lifecycle": lifecycle,
        }
        if idempotency_token and idempotency_token in self.copy_idempotency_tokens:
            # "Retrying a successful request with the same idempotency token results in a success
            # message with no action taken." (StartCopyJob IdempotencyToken, botocore's backup
            # model). AWS documents no expiry for these tokens, nor what a reuse with other
            # parameters does: the emulator refuses that, as for StartRestoreJob.
            earlier = self.copy_jobs[self.copy_idempotency_tokens[idempotency_token]]
            if earlier.request != request:
                raise InvalidRequestException(
                    f"IdempotencyToken {idempotency_token} was already used with different parameters"
                )
            return earlier
        vault = self._vault(source_backup_vault_name)
        point = self._recovery_point(recovery_point_arn, vault)
        if point.status != "COMPLETED":
            raise InvalidRequestException(f"Recovery point {recovery_point_arn} is not in COMPLETED state")
        job = CopyJob(
            self,
            point,
            destination_backup_vault_arn,
            iam_role_arn,
            idempotency_token,
            lifecycle,
            duration_seconds=emulator_settings.copy_job_seconds,
            failure_message=emulator_settings.take_copy_failure(),
        )
        job.request = request
        self.copy_jobs[job.copy_job_id] = job
        if idempotency_token:
            self.copy_idempotency_tokens[idempotency_token] = job.copy_job_id
        if job.due:
            self.finish_copy_job(job)
        return job

    def describe_copy_job(self: Any, copy_job_id: str) -> CopyJob:
        from moto.backup.exceptions import ResourceNotFoundException

        if not copy_job_id:
            raise MissingParameterValueException("CopyJobId is required")
        job = self.copy_jobs.get(copy_job_id)
        if job is None:
            raise ResourceNotFoundException(f"Copy job {copy_job_id} not found")
        if job.due:
            self.finish_copy_job(job)
        return job

    @paginate(pagination_model=PAGINATION_MODEL)
    def list_copy_jobs(
        self: Any,
        by_resource_arn: str | None = None,
        by_state: str | None = None,
        by_created_before: datetime | None = None,
        by_created_after: datetime | None = None,
        by_resource_type: str | None = None,
        by_destination_vault_arn: str | None = None,
        by_account_id: str | None = None,
        by_complete_before: datetime | None = None,
        by_complete_after: datetime | None = None,
        by_parent_job_id: str | None = None,
        by_message_category: str | None = None,
        by_source_recovery_point_arn: str | None = None,
    ) -> list[CopyJob]:
        if by_state and by_state not in COPY_JOB_STATES:
            raise InvalidParameterValueException(f"Invalid state: {by_state}")
        self.advance_copy_jobs()
        category = (by_message_category or "").upper()
        jobs = [
            job
            for job in self.copy_jobs.values()
            if (not by_resource_arn or job.source_point.resource_arn == by_resource_arn)
            and (not by_state or job.state == by_state)
            and (not by_resource_type or job.source_point.resource_type == by_resource_type)
            and (not by_destination_vault_arn or job.destination_backup_vault_arn == by_destination_vault_arn)
            and (not by_account_id or by_account_id == job.account_id)
            and (not by_parent_job_id or job.parent_job_id == by_parent_job_id)
            and (
                not category
                or category in ALL_MESSAGE_CATEGORIES
                or (job.message_category or "").upper() == category
            )
            and (not by_source_recovery_point_arn or job.source_point.recovery_point_arn == by_source_recovery_point_arn)
            and _in_window(job.creation_date, by_created_after, by_created_before)
            and _in_window(job.completion_date, by_complete_after, by_complete_before)
        ]
        return sorted(jobs, key=lambda j: (j.creation_date, j.copy_job_id), reverse=True)

    def advance_copy_jobs(self: Any) -> None:
        for job in list(self.copy_jobs.values()):
            if job.due:
                self.finish_copy_job(job)

    def finish_copy_job(self: Any, job: CopyJob) -> None:
        with emulator_settings.lock:
            if job.final_state is None:
                self._finish_copy_job(job)

    def _finish_copy_job(self: Any, job: CopyJob) -> None:
        if job.injected_failure is not None:
            job.final_state, job.status_message = "FAILED", job.injected_failure
            return
        partition, region, account, vault_name = VAULT_ARN.match(job.destination_backup_vault_arn).groups()  # type: ignore[union-attr]
        destination = _backup_backend(account, region)
        vault = destination.vaults.get(vault_name)
        if vault is None or vault.backup_vault_arn != job.destination_backup_vault_arn:
            # AWS checks the destination when it copies, not when StartCopyJob is called (a
            # cross-account destination is not the caller's to look at). The wording is the
            # emulator's; AWS's failures name the vault that does not exist.
            job.final_state = "FAILED"
            job.status_message = f"Backup vault {job.destination_backup_vault_arn} does not exist."
            return
        from .resource_types import handler_for_type

        completed_at = job.creation_date + job.duration
        point = handler_for_type(job.source_point.resource_type).copy_recovery_point(
            self, job.source_point, destination, vault, job, completed_at
        )
        destination.recovery_points[point.recovery_point_arn] = point
        vault.num_of_recovery_points += 1
        job.destination_recovery_point_arn = point.recovery_point_arn
        job.destination_encryption_key_arn = point.encryption_key_arn
        job.final_state = "COMPLETED"


def copy_recovery_point_arn(destination: Any) -> str:
    """arn:aws:backup:REGION:ACCOUNT:recovery-point:UUID in the destination's account and
    Region (the types AWS Backup stores itself, EFS among them: "Access control", resource ARNs)."""
    return (
        f"arn:{get_partition(destination.region_name)}:backup:{destination.region_name}:{destination.account_id}"
        f":recovery-point:{str(uuid.uuid4()).upper()}"
    )


__all__ = ["CopyJob", "CopyJobsBackendMixin", "COPY_JOB_STATES"]
