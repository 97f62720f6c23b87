"""Backup jobs, recovery points and restore jobs for moto's backup backend.

Written in moto's model style (plain classes with to_dict(), a backend mixin whose
methods raise moto exceptions) so it could be offered upstream. The backed-up and the
restored resources are real moto resources: EFS file systems from moto's EFS backend,
RDS instances/clusters and their snapshots from moto's RDS backend.

Jobs advance with wall-clock time, moto style: their state is computed from the time
elapsed since they started whenever somebody looks (no background threads). A restore
job creates its resource the first time it is seen past its duration.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from moto.backup.exceptions import (
    InvalidParameterValueException,
    InvalidRequestException,
    ResourceNotFoundException,
)
from moto.backup.models import BackupBackend, Vault
from moto.core.common_models import BaseModel
from moto.utilities.paginator import paginate
from moto.utilities.utils import get_partition

from .exceptions import AccessDeniedException, InvalidResourceStateException, MissingParameterValueException
from .resource_types import RESOURCE_HANDLERS, handler_for_arn, handler_for_type
from .settings import emulator_settings

RESTORE_JOB_STATUSES = ("PENDING", "RUNNING", "COMPLETED", "ABORTED", "FAILED")
BACKUP_JOB_STATES = (
    "CREATED", "PENDING", "RUNNING", "ABORTING", "ABORTED", "COMPLETED", "FAILED", "EXPIRED", "PARTIAL",
)  # fmt: skip
# Share of a restore job's duration spent PENDING before it starts RUNNING.
PENDING_SHARE = 0.25

# The service model allows MaxResults 1..1000 for these operations; AWS pages at most
# 1000 items when MaxResults is not given.
_PAGE = {"limit_key": "max_results", "limit_default": 1000, "fail_on_invalid_token": InvalidParameterValueException}
PAGINATION_MODEL = {
    "list_backup_jobs": {"input_token": "next_token", "unique_attribute": "backup_job_id", **_PAGE},
    "list_recovery_points_by_backup_vault": {
        "input_token": "next_token", "unique_attribute": "recovery_point_arn", **_PAGE,
    },
    "_list_recovery_points_by_resource": {
        "input_token": "next_token", "unique_attribute": "recovery_point_arn", **_PAGE,
    },
    "list_restore_jobs": {"input_token": "next_token", "unique_attribute": "restore_job_id", **_PAGE},
    "list_backup_vaults_page": {"input_token": "next_token", "unique_attribute": "backup_vault_name", **_PAGE},
    "list_backup_plans_page": {"input_token": "next_token", "unique_attribute": "backup_plan_id", **_PAGE},
    "list_restore_jobs_by_protected_resource": {
        "input_token": "next_token", "unique_attribute": "restore_job_id", **_PAGE,
    },
    "list_protected_resources_by_backup_vault": {
        "input_token": "next_token", "unique_attribute": "ResourceArn", **_PAGE,
    },
}  # fmt: skip


# "Idempotency tokens time out after one hour. Therefore, if you call StartRestoreJob multiple
# times with the same idempotency token within one hour, AWS Backup recognizes that you are
# requesting only one restore job and initiates only one." (StartRestoreJob IdempotencyToken,
# the AWS Backup API reference as first published, e.g. as mirrored by Paws::Backup::StartRestoreJob)
IDEMPOTENCY_WINDOW = timedelta(hours=1)
# StartBackupJob StartWindowMinutes (service model): "the default is 8 hours. If this value is
# included, it must be at least 60 minutes to avoid errors."
DEFAULT_START_WINDOW_MINUTES = 8 * 60
MIN_START_WINDOW_MINUTES = 60
# ListRecoveryPointsByResource MaxResults (service model): "Amazon RDS requires a value of at least 20."
RDS_MIN_MAX_RESULTS = 20


def _now() -> datetime:
    # the emulator's clock: the wall clock plus the offset tests may add (control.advance_clock)
    return emulator_settings.now()


def _job_id() -> str:
    # AWS Backup job ids are upper-case UUIDs, e.g. "8CA3A4B1-4B6E-..." in the API reference.
    return str(uuid.uuid4()).upper()


def _percent(fraction: float) -> str:
    # DescribeRestoreJob reports PercentDone as a string such as "45.00%".
    return f"{max(0.0, min(fraction, 1.0)) * 100:.2f}%"


def _backup_percent(fraction: float) -> str:
    # DescribeBackupJob's PercentDone is a bare number: the AWS CLI's describe-backup-job
    # example (awscli/examples/backup/describe-backup-job.rst) shows "PercentDone": "100.0".
    return f"{max(0.0, min(fraction, 1.0)) * 100:.1f}"


def _without_none(dct: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in dct.items() if v is not None}


class BackupJob(BaseModel):
    def __init__(
        self,
        backend: BackupBackend,
        vault: Vault,
        resource_arn: str,
        resource_type: str,
        resource_name: str,
        iam_role_arn: str,
        idempotency_token: str | None,
        lifecycle: dict[str, Any] | None,
        backup_options: dict[str, str] | None,
        duration_seconds: float,
        start_window_minutes: int | None = None,
        complete_window_minutes: int | None = None,
    ):
        self.account_id = backend.account_id
        self.backup_job_id = _job_id()
        self.vault = vault
        self.resource_arn = resource_arn
        self.resource_type = resource_type
        self.resource_name = resource_name
        self.iam_role_arn = iam_role_arn
        self.idempotency_token = idempotency_token
        self.lifecycle = lifecycle
        self.backup_options = backup_options
        self.creation_date = _now()
        self.duration = timedelta(seconds=duration_seconds)
        self.recovery_point: RecoveryPoint | None = None
        # BackupJob StartBy (service model): "calculated by adding the start window to the
        # scheduled time"; an on-demand job is scheduled when it is started.
        self.start_by = self.creation_date + timedelta(minutes=start_window_minutes or DEFAULT_START_WINDOW_MINUTES)
        self.complete_window_minutes = complete_window_minutes
        # no composite (parent) jobs here: nothing has a parent
        self.parent_job_id: str | None = None

    @property
    def state(self) -> str:
        return "COMPLETED" if _now() >= self.creation_date + self.duration else "RUNNING"

    @property
    def completion_date(self) -> datetime | None:
        return self.creation_date + self.duration if self.state == "COMPLETED" else None

    @property
    def percent_done(self) -> str:
        if self.duration.total_seconds() <= 0:
            return _backup_percent(1.0)
        return _backup_percent((_now() - self.creation_date) / self.duration)

    def to_dict(self) -> dict[str, Any]:
        point = self.recovery_point
        return _without_none(
            {
                "AccountId": self.account_id,
                "BackupJobId": self.backup_job_id,
                "BackupVaultName": self.vault.backup_vault_name,
                "BackupVaultArn": self.vault.backup_vault_arn,
                "VaultType": "BACKUP_VAULT",
                "RecoveryPointArn": point.recovery_point_arn if point else None,
                "RecoveryPointLifecycle": self.lifecycle,
                "EncryptionKeyArn": point.encryption_key_arn if point else None,
                "IsEncrypted": point.is_encrypted if point else None,
                "ResourceArn": self.resource_arn,
                "CreationDate": self.creation_date,
                "CompletionDate": self.completion_date,
                "State": self.state,
                "PercentDone": self.percent_done,
                "BackupSizeInBytes": point.backup_size_in_bytes if point else None,
                "IamRoleArn": self.iam_role_arn,
                "ExpectedCompletionDate": self.creation_date + self.duration,
                "ResourceType": self.resource_type,
                "BackupOptions": self.backup_options,
                "BackupType": "",
                "IsParent": False,
                "ResourceName": self.resource_name,
                "InitiationDate": self.creation_date,
                "StartBy": self.start_by,
                "ParentJobId": self.parent_job_id,
            }
        )


class RecoveryPoint(BaseModel):
    def __init__(
        self,
        recovery_point_arn: str,
        backup_job: BackupJob | None,
        restore_metadata: dict[str, str],
        encryption_key_arn: str,
        is_encrypted: bool,
        backup_size_in_bytes: int,
        source_snapshot_id: str | None = None,
    ):
        self.recovery_point_arn = recovery_point_arn
        self.backup_job = backup_job
        self.vault = backup_job.vault
        self.resource_arn = backup_job.resource_arn
        self.resource_type = backup_job.resource_type
        self.resource_name = backup_job.resource_name
        self.iam_role_arn = backup_job.iam_role_arn
        self.creation_date = backup_job.creation_date
        self.lifecycle = backup_job.lifecycle
        self.restore_metadata = restore_metadata
        self.encryption_key_arn = encryption_key_arn
        self.is_encrypted = is_encrypted
        self.backup_size_in_bytes = backup_size_in_bytes
        # the RDS (cluster) snapshot identifier a recovery point of RDS/Aurora *is*
        self.source_snapshot_id = source_snapshot_id
        self.last_restore_time: datetime | None = None
        # the source resource's tags at backup time ([{"Key", "Value"}])
        self.source_tags: list[dict[str, str]] = []
        # set on copies only (see copy_of): the vault the point was copied from, when the copy
        # is in another account or Region, and when the copy was made
        self.source_backup_vault_arn: str | None = None
        self.copied_at: datetime | None = None

    @classmethod
    def copy_of(
        cls,
        source: RecoveryPoint,
        recovery_point_arn: str,
        vault: Vault,
        iam_role_arn: str,
        lifecycle: dict[str, Any] | None,
        encryption_key_arn: str | None,
        completed_at: datetime,
        source_snapshot_id: str | None = None,
    ) -> RecoveryPoint:
        """The recovery point a copy job makes in its destination vault.

        "Copies retain their source configuration, including creation dates and retention
        period. The creation date refers to when the source was created, not when the copy was
        created. You can override the retention period." (AWS Backup developer guide, "Copy a
        backup", recov-point-create-a-copy.html). So CreationDate is the source's, Lifecycle
        the copy job's when it sets one, else the source's. ResourceArn, ResourceType and
        ResourceName stay those of the backed-up resource (the API reference's ResourceArn:
        "uniquely identifies a saved resource"; CopyJob.ResourceArn is "the AWS resource to be
        copied"); SourceBackupVaultArn names the vault it was copied from (RecoveryPointByBackupVault
        and DescribeRecoveryPoint, botocore's backup model)."""
        point = cls.__new__(cls)
        point.recovery_point_arn = recovery_point_arn
        point.backup_job = None
        point.vault = vault
        point.resource_arn = source.resource_arn
        point.resource_type = source.resource_type
        point.resource_name = source.resource_name
        point.iam_role_arn = iam_role_arn
        point.creation_date = source.creation_date
        point.lifecycle = lifecycle if lifecycle else source.lifecycle
        point.restore_metadata = dict(source.restore_metadata)
        point.encryption_key_arn = encryption_key_arn
        point.is_encrypted = bool(encryption_key_arn) or source.is_encrypted
        point.backup_size_in_bytes = source.backup_size_in_bytes
        point.source_snapshot_id = source_snapshot_id
        point.last_restore_time = None
        point.source_tags = list(source.source_tags)
        point.source_backup_vault_arn = source.vault.backup_vault_arn
        point.copied_at = completed_at
        return point

    @property
    def status(self) -> str:
        if self.backup_job is None:  # a copy exists only once its copy job completed
            return "COMPLETED"
        return "COMPLETED" if self.backup_job.state == "COMPLETED" else "CREATING"

    @property
    def completion_date(self) -> datetime | None:
        if self.backup_job is None:
            return self.copied_at
        return self.backup_job.completion_date

    @property
    def calculated_lifecycle(self) -> dict[str, Any] | None:
        lifecycle = self.lifecycle or {}
        calculated = {}
        if lifecycle.get("MoveToColdStorageAfterDays"):
            calculated["MoveToColdStorageAt"] = self.creation_date + timedelta(
                days=lifecycle["MoveToColdStorageAfterDays"]
            )
        if lifecycle.get("DeleteAfterDays"):
            calculated["DeleteAt"] = self.creation_date + timedelta(days=lifecycle["DeleteAfterDays"])
        return calculated or None

    def to_dict(self) -> dict[str, Any]:
        """DescribeRecoveryPoint and ListRecoveryPointsByBackupVault members."""
        return _without_none(
            {
                "RecoveryPointArn": self.recovery_point_arn,
                "BackupVaultName": self.vault.backup_vault_name,
                "BackupVaultArn": self.vault.backup_vault_arn,
                "SourceBackupVaultArn": self.source_backup_vault_arn,
                "ResourceArn": self.resource_arn,
                "ResourceType": self.resource_type,
                "CreatedBy": None,
                "IamRoleArn": self.iam_role_arn,
                "Status": self.status,
                "CreationDate": self.creation_date,
                "InitiationDate": self.creation_date,
                "CompletionDate": self.completion_date,
                "BackupSizeInBytes": self.backup_size_in_bytes,
                "CalculatedLifecycle": self.calculated_lifecycle,
                "Lifecycle": self.lifecycle,
                "EncryptionKeyArn": self.encryption_key_arn,
                "IsEncrypted": self.is_encrypted,
                "StorageClass": "WARM",
                "LastRestoreTime": self.last_restore_time,
                "IsParent": False,
                "ResourceName": self.resource_name,
                "VaultType": "BACKUP_VAULT",
            }
        )

    def to_resource_dict(self) -> dict[str, Any]:
        """A ListRecoveryPointsByResource member (a different, shorter shape)."""
        return _without_none(
            {
                "RecoveryPointArn": self.recovery_point_arn,
                "CreationDate": self.creation_date,
                "Status": self.status,
                "EncryptionKeyArn": self.encryption_key_arn,
                "BackupSizeBytes": self.backup_size_in_bytes,
                "BackupVaultName": self.vault.backup_vault_name,
                "IsParent": False,
                "ResourceName": self.resource_name,
                "VaultType": "BACKUP_VAULT",
            }
        )


class RestoreJob(BaseModel):
    def __init__(
        self,
        backend: BackupBackend,
        recovery_point: RecoveryPoint,
        metadata: dict[str, str],
        resource_type: str,
        iam_role_arn: str | None,
        idempotency_token: str | None,
        copy_source_tags: bool,
        duration_seconds: float,
        failure_message: str | None,
    ):
        self.account_id = backend.account_id
        self.restore_job_id = _job_id()
        self.recovery_point = recovery_point
        self.metadata = metadata
        self.resource_type = resource_type
        self.iam_role_arn = iam_role_arn
        self.idempotency_token = idempotency_token
        self.copy_source_tags = copy_source_tags
        self.creation_date = _now()
        self.duration = timedelta(seconds=duration_seconds)
        # what was asked, to tell a retry from a different request under the same token
        self.request: dict[str, Any] = {}
        self.injected_failure = failure_message
        # set once, when the job is first seen past its duration (see finish_restore_job)
        self.final_status: str | None = None
        self.status_message: str | None = None
        self.created_resource_arn: str | None = None
        # set on the jobs a restore testing plan starts (restore_testing_runs.py)
        self.restore_testing_plan_arn: str | None = None
        self.validation_status: str | None = None
        self.validation_status_message: str | None = None
        self.deletion_status: str | None = None
        self.deletion_status_message: str | None = None

    @property
    def due(self) -> bool:
        return self.final_status is None and _now() >= self.creation_date + self.duration

    @property
    def completion_date(self) -> datetime | None:
        return self.creation_date + self.duration if self.final_status else None

    @property
    def status(self) -> str:
        if self.final_status:
            return self.final_status
        elapsed = _now() - self.creation_date
        return "PENDING" if elapsed < self.duration * PENDING_SHARE else "RUNNING"

    @property
    def percent_done(self) -> str:
        if self.final_status == "COMPLETED" or self.duration.total_seconds() <= 0:
            return _percent(1.0)
        return _percent(min((_now() - self.creation_date) / self.duration, 0.99))

    def to_dict(self) -> dict[str, Any]:
        point = self.recovery_point
        return _without_none(
            {
                "AccountId": self.account_id,
                "RestoreJobId": self.restore_job_id,
                "RecoveryPointArn": point.recovery_point_arn,
                "SourceResourceArn": point.resource_arn,
                "BackupVaultArn": point.vault.backup_vault_arn,
                "CreationDate": self.creation_date,
                "CompletionDate": self.completion_date,
                "Status": self.status,
                "StatusMessage": self.status_message,
                "PercentDone": self.percent_done,
                "BackupSizeInBytes": point.backup_size_in_bytes,
                "IamRoleArn": self.iam_role_arn,
                "ExpectedCompletionTimeMinutes": max(1, round(self.duration.total_seconds() / 60)),
                "CreatedResourceArn": self.created_resource_arn,
                "ResourceType": self.resource_type,
                "RecoveryPointCreationDate": point.creation_date,
                "CreatedBy": {"RestoreTestingPlanArn": self.restore_testing_plan_arn} if self.restore_testing_plan_arn else None,
                "ValidationStatus": self.validation_status,
                "ValidationStatusMessage": self.validation_status_message,
                "DeletionStatus": self.deletion_status,
                "DeletionStatusMessage": self.deletion_status_message,
                "IsParent": False,
            }
        )


def _utc(moment: datetime | None) -> datetime | None:
    # moto's parser gives the querystring timestamps (ISO 8601, UTC) as naive datetimes
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


def _in_window(value: datetime | None, after: datetime | None, before: datetime | None) -> bool:
    if after is None and before is None:
        return True
    if value is None:
        return False
    after, before = _utc(after), _utc(before)
    return (after is None or value >= after) and (before is None or value <= before)


class BackupJobsBackendMixin:
    """Methods added to moto's BackupBackend by tests.emulator.install()."""

    # state attributes, created by init_backup_jobs_state() from BackupBackend.__init__
    backup_jobs: dict[str, BackupJob]
    recovery_points: dict[str, RecoveryPoint]
    restore_jobs: dict[str, RestoreJob]
    backup_idempotency_tokens: dict[str, str]
    restore_idempotency_tokens: dict[str, str]

    def init_backup_jobs_state(self: Any) -> None:
        self.backup_jobs = {}
        self.recovery_points = {}
        self.restore_jobs = {}
        self.backup_idempotency_tokens = {}
        self.restore_idempotency_tokens = {}

    # ---- helpers -------------------------------------------------------------------------

    def default_backup_key_arn(self: Any) -> str:
        """The ARN of the AWS managed key aws/backup that encrypts a vault without its own key."""
        key_id = uuid.uuid5(uuid.NAMESPACE_URL, f"aws/backup/{self.account_id}/{self.region_name}")
        return f"arn:{get_partition(self.region_name)}:kms:{self.region_name}:{self.account_id}:key/{key_id}"

    def _vault_owner(self: Any, backup_vault_account_id: str | None) -> Any:
        """The backend of the account owning the vault (BackupVaultAccountId, for vaults
        shared across accounts); this backend when not given."""
        if not backup_vault_account_id or backup_vault_account_id == self.account_id:
            return self
        if not re.fullmatch(r"\d{12}", backup_vault_account_id):
            raise InvalidParameterValueException(f"Invalid BackupVaultAccountId: {backup_vault_account_id}")
        from moto.backup.models import backup_backends

        return backup_backends[backup_vault_account_id][self.region_name]

    def _vault(self: Any, backup_vault_name: str | None) -> Vault:
        if not backup_vault_name:
            raise MissingParameterValueException("BackupVaultName is required")
        vault = self.vaults.get(backup_vault_name)
        if vault is None:
            # AWS answers a vault name it does not know with AccessDeniedException, "Insufficient
            # privileges to perform this action." (HTTP 403), even with full permissions: see
            # aws/aws-sdk-js#2625, boto/boto3#2269, and ansible-collections/amazon.aws#1436
            # (backup_vault catches AccessDeniedException for a vault that does not exist).
            raise AccessDeniedException()
        return vault

    def describe_backup_vault(self: Any, backup_vault_name: str) -> Vault:
        """Replaces moto's, which answers ResourceNotFoundException where AWS denies access."""
        return self._vault(backup_vault_name)

    def delete_backup_vault(self: Any, backup_vault_name: str) -> None:
        """Replaces moto's, which answers success for a vault that does not exist. AWS denies
        access as for DescribeBackupVault: terraform-provider-aws's aws_backup_vault delete
        (internal/service/backup/vault.go) treats AccessDeniedException from DeleteBackupVault
        as "already gone". A vault still holding recovery points cannot be deleted:
        InvalidRequestException "Backup vault cannot be deleted because it contains recovery
        points." (as AWS answers, quoted in gruntwork-io/cloud-nuke#730)."""
        vault = self._vault(backup_vault_name)
        if any(point.vault is vault for point in self.recovery_points.values()):
            raise InvalidRequestException("Backup vault cannot be deleted because it contains recovery points.")
        self.vaults.pop(backup_vault_name, None)

    # moto lists vaults and plans in one page whatever MaxResults says; AWS pages them
    # (ListBackupVaults/ListBackupPlans MaxResults and NextToken, service model).

    @paginate(pagination_model=PAGINATION_MODEL)
    def list_backup_vaults_page(
        self: Any, by_vault_type: str | None = None, by_shared: bool | None = None
    ) -> list[Vault]:
        # every vault here is a plain backup vault, shared with no one
        if by_shared or (by_vault_type and by_vault_type != "BACKUP_VAULT"):
            return []
        return sorted(self.vaults.values(), key=lambda vault: vault.backup_vault_name)

    @paginate(pagination_model=PAGINATION_MODEL)
    def list_backup_plans_page(self: Any, include_deleted: bool = False) -> list[Any]:
        # in moto's order (creation), as moto's own tests expect: AWS documents no order for
        # ListBackupPlans, and pages only need one that is stable between calls
        return self.list_backup_plans(include_deleted)

    def _recovery_point(self: Any, recovery_point_arn: str | None, vault: Vault | None = None) -> RecoveryPoint:
        if not recovery_point_arn:
            raise MissingParameterValueException("RecoveryPointArn is required")
        if not recovery_point_arn.startswith("arn:"):
            raise InvalidParameterValueException(f"Invalid ARN: {recovery_point_arn}")
        point = self.recovery_points.get(recovery_point_arn)
        if point is None or (vault is not None and point.vault is not vault):
            raise ResourceNotFoundException(f"Recovery point {recovery_point_arn} not found")
        return point

    def advance_restore_jobs(self: Any) -> None:
        """Finish every restore job whose time is up (creates the restored resources)."""
        for job in list(self.restore_jobs.values()):
            if job.due:
                self.finish_restore_job(job)

    def finish_restore_job(self: Any, job: RestoreJob) -> None:
        with emulator_settings.lock:
            if job.final_status is None:
                self._finish_restore_job(job)

    def _finish_restore_job(self: Any, job: RestoreJob) -> None:
        if job.injected_failure is not None:
            job.final_status, job.status_message = "FAILED", job.injected_failure
            return
        handler = handler_for_type(job.resource_type)
        outcome = handler.restore(self, job.recovery_point, job.metadata, job.copy_source_tags)
        if outcome.error:
            job.final_status, job.status_message = "FAILED", outcome.error
            return
        job.final_status = "COMPLETED"
        job.created_resource_arn = outcome.created_resource_arn
        job.recovery_point.last_restore_time = job.creation_date + job.duration

    # ---- backup jobs ---------------------------------------------------------------------

    def start_backup_job(self: Any, *args: Any, **kwargs: Any) -> BackupJob:
        # one at a time: the server is threaded, and an idempotency token must never yield two jobs
        with emulator_settings.lock:
            return self._start_backup_job(*args, **kwargs)

    def _start_backup_job(
        self: Any,
        backup_vault_name: str,
        resource_arn: str,
        iam_role_arn: str,
        idempotency_token: str | None = None,
        lifecycle: dict[str, Any] | None = None,
        recovery_point_tags: dict[str, str] | None = None,
        backup_options: dict[str, str] | None = None,
        start_window_minutes: int | None = None,
        complete_window_minutes: int | None = None,
    ) -> BackupJob:
        if not resource_arn:
            raise MissingParameterValueException("ResourceArn is required")
        if not iam_role_arn:
            raise MissingParameterValueException("IamRoleArn is required")
        if not iam_role_arn.startswith("arn:") or ":role/" not in iam_role_arn:
            raise InvalidParameterValueException(f"Invalid IAM role ARN: {iam_role_arn}")
        if start_window_minutes is not None and start_window_minutes < MIN_START_WINDOW_MINUTES:
            raise InvalidParameterValueException(
                f"StartWindowMinutes must be at least {MIN_START_WINDOW_MINUTES} minutes"
            )
        vault = self._vault(backup_vault_name)
        # "Retrying a successful request with the same idempotency token results in a success
        # message with no action taken." (StartBackupJob IdempotencyToken, service model)
        if idempotency_token and idempotency_token in self.backup_idempotency_tokens:
            return self.backup_jobs[self.backup_idempotency_tokens[idempotency_token]]
        handler = handler_for_arn(resource_arn, self)
        if handler is None:
            raise InvalidParameterValueException(f"Invalid resource ARN or unsupported resource type: {resource_arn}")
        source = handler.describe_source(self, resource_arn)
        job = BackupJob(
            self,
            vault,
            resource_arn=resource_arn,
            resource_type=source.resource_type,
            resource_name=source.resource_name,
            iam_role_arn=iam_role_arn,
            idempotency_token=idempotency_token,
            lifecycle=lifecycle,
            backup_options=backup_options,
            duration_seconds=emulator_settings.backup_job_seconds,
            start_window_minutes=start_window_minutes,
            complete_window_minutes=complete_window_minutes,
        )
        point = handler.create_recovery_point(self, job, source)
        job.recovery_point = point
        self.backup_jobs[job.backup_job_id] = job
        self.recovery_points[point.recovery_point_arn] = point
        vault.num_of_recovery_points += 1
        if recovery_point_tags:
            self.tag_resource(point.recovery_point_arn, recovery_point_tags)
        if idempotency_token:
            self.backup_idempotency_tokens[idempotency_token] = job.backup_job_id
        return job

    def describe_backup_job(self: Any, backup_job_id: str) -> BackupJob:
        if not backup_job_id:
            raise MissingParameterValueException("BackupJobId is required")
        if backup_job_id not in self.backup_jobs:
            raise ResourceNotFoundException(f"Backup job {backup_job_id} not found")
        return self.backup_jobs[backup_job_id]

    @paginate(pagination_model=PAGINATION_MODEL)
    def list_backup_jobs(
        self: Any,
        by_resource_arn: str | None = None,
        by_state: str | None = None,
        by_backup_vault_name: str | None = None,
        by_created_before: datetime | None = None,
        by_created_after: datetime | None = None,
        by_resource_type: str | None = None,
        by_account_id: str | None = None,
        by_complete_after: datetime | None = None,
        by_complete_before: datetime | None = None,
        by_parent_job_id: str | None = None,
    ) -> list[BackupJob]:
        if by_state and by_state not in BACKUP_JOB_STATES:
            raise InvalidParameterValueException(f"Invalid state: {by_state}")
        jobs = [
            job
            for job in self.backup_jobs.values()
            if (not by_resource_arn or job.resource_arn == by_resource_arn)
            and (not by_state or job.state == by_state)
            and (not by_backup_vault_name or job.vault.backup_vault_name == by_backup_vault_name)
            and (not by_resource_type or job.resource_type == by_resource_type)
            and (not by_account_id or by_account_id in ("*", job.account_id))
            and (not by_parent_job_id or job.parent_job_id == by_parent_job_id)
            and _in_window(job.creation_date, by_created_after, by_created_before)
            and _in_window(job.completion_date, by_complete_after, by_complete_before)
        ]
        return sorted(jobs, key=lambda j: (j.creation_date, j.backup_job_id), reverse=True)

    # ---- recovery points -----------------------------------------------------------------

    def describe_recovery_point(
        self: Any, backup_vault_name: str, recovery_point_arn: str, backup_vault_account_id: str | None = None
    ) -> RecoveryPoint:
        owner = self._vault_owner(backup_vault_account_id)
        return owner._recovery_point(recovery_point_arn, owner._vault(backup_vault_name))

    @paginate(pagination_model=PAGINATION_MODEL)
    def list_recovery_points_by_backup_vault(
        self: Any,
        backup_vault_name: str,
        by_resource_arn: str | None = None,
        by_resource_type: str | None = None,
        by_backup_plan_id: str | None = None,
        by_created_before: datetime | None = None,
        by_created_after: datetime | None = None,
        by_parent_recovery_point_arn: str | None = None,
        backup_vault_account_id: str | None = None,
    ) -> list[RecoveryPoint]:
        owner = self._vault_owner(backup_vault_account_id)
        vault = owner._vault(backup_vault_name)
        points = [
            point
            for point in owner.recovery_points.values()
            if point.vault is vault
            and (not by_resource_arn or point.resource_arn == by_resource_arn)
            and (not by_resource_type or point.resource_type == by_resource_type)
            # on-demand backups belong to no plan; nothing here is a composite child
            and not by_backup_plan_id
            and not by_parent_recovery_point_arn
            and _in_window(point.creation_date, by_created_after, by_created_before)
        ]
        return sorted(points, key=lambda p: (p.creation_date, p.recovery_point_arn), reverse=True)

    @paginate(pagination_model=PAGINATION_MODEL)
    def list_protected_resources_by_backup_vault(
        self: Any, backup_vault_name: str, backup_vault_account_id: str | None = None
    ) -> list[dict[str, Any]]:
        """ListProtectedResourcesByBackupVault: "the protected resources corresponding to each backup
        vault" (API reference), each a ProtectedResource built from its newest recovery point in the
        vault (LastBackupTime, LastRecoveryPointArn, LastBackupVaultArn). ListProtectedResources
        counts a resource with recovery points "regardless of the recovery point's status", so a
        point still being created counts too. Which resources AWS keeps listing once their points
        are deleted, the API reference does not say: here a resource is listed while the vault
        holds a point of it (tests/emulator/README.md)."""
        owner = self._vault_owner(backup_vault_account_id)
        vault = owner._vault(backup_vault_name)
        newest: dict[str, RecoveryPoint] = {}
        for point in owner.recovery_points.values():
            if point.vault is not vault:
                continue
            seen = newest.get(point.resource_arn)
            if seen is None or (point.creation_date, point.recovery_point_arn) > (seen.creation_date, seen.recovery_point_arn):
                newest[point.resource_arn] = point
        return [
            _without_none({
                "ResourceArn": point.resource_arn,
                "ResourceType": point.resource_type,
                "LastBackupTime": point.creation_date,
                "ResourceName": point.resource_name,
                "LastBackupVaultArn": vault.backup_vault_arn,
                "LastRecoveryPointArn": point.recovery_point_arn,
            })
            for arn, point in sorted(newest.items())
        ]  # fmt: skip

    def list_recovery_points_by_resource(
        self: Any, resource_arn: str, max_results: int | None = None, **kwargs: Any
    ) -> tuple[list[RecoveryPoint], str | None]:
        if not resource_arn:
            raise MissingParameterValueException("ResourceArn is required")
        # "Amazon RDS requires a value of at least 20." (MaxResults, service model). Aurora
        # clusters are RDS resources too (arn:aws:rds:...:cluster:...); the model does not
        # tell them apart, so the emulator applies the rule to every rds ARN.
        if max_results is not None and max_results < RDS_MIN_MAX_RESULTS and ":rds:" in resource_arn:
            raise InvalidParameterValueException(
                f"MaxResults must be at least {RDS_MIN_MAX_RESULTS} for Amazon RDS resources"
            )
        return self._list_recovery_points_by_resource(resource_arn, max_results=max_results, **kwargs)

    @paginate(pagination_model=PAGINATION_MODEL)
    def _list_recovery_points_by_resource(
        self: Any, resource_arn: str, managed_by_aws_backup_only: bool = False
    ) -> list[RecoveryPoint]:
        points = [p for p in self.recovery_points.values() if p.resource_arn == resource_arn]
        return sorted(points, key=lambda p: (p.creation_date, p.recovery_point_arn), reverse=True)

    def delete_recovery_point(self: Any, backup_vault_name: str, recovery_point_arn: str) -> None:
        """DeleteRecoveryPoint: the point leaves its vault; for RDS and Aurora the snapshot that is
        the recovery point goes with it (the API reference: "Deletes the recovery point specified by
        a recovery point ID"; an RDS recovery point is its snapshot, so nothing of it stays).
        Unknown vault: AccessDeniedException as for the other vault operations; a point not in
        that vault: ResourceNotFoundException. A point a running restore job reads from:
        InvalidResourceStateException ("AWS Backup is already working on deleting or restoring
        the resource", its documented meaning); the emulator deletes at once, never EXPIRED."""
        vault = self._vault(backup_vault_name)
        point = self._recovery_point(recovery_point_arn, vault)
        if any(job.recovery_point is point and job.final_status is None for job in self.restore_jobs.values()):
            raise InvalidResourceStateException(f"Recovery point {recovery_point_arn} is being restored")
        handler_for_type(point.resource_type).delete_recovery_point(self, point)
        del self.recovery_points[recovery_point_arn]
        vault.num_of_recovery_points = max(0, vault.num_of_recovery_points - 1)

    def get_recovery_point_restore_metadata(
        self: Any, backup_vault_name: str, recovery_point_arn: str, backup_vault_account_id: str | None = None
    ) -> RecoveryPoint:
        return self.describe_recovery_point(backup_vault_name, recovery_point_arn, backup_vault_account_id)

    def get_restore_testing_inferred_metadata(
        self: Any, backup_vault_name: str, recovery_point_arn: str, backup_vault_account_id: str | None = None
    ) -> dict[str, str]:
        point = self.describe_recovery_point(backup_vault_name, recovery_point_arn, backup_vault_account_id)
        return handler_for_type(point.resource_type).inferred_metadata(self, point)

    # ---- restore jobs --------------------------------------------------------------------

    def start_restore_job(self: Any, *args: Any, **kwargs: Any) -> RestoreJob:
        with emulator_settings.lock:
            return self._start_restore_job(*args, **kwargs)

    def _start_restore_job(
        self: Any,
        recovery_point_arn: str,
        metadata: dict[str, str] | None,
        iam_role_arn: str | None = None,
        idempotency_token: str | None = None,
        resource_type: str | None = None,
        copy_source_tags_to_restored_resource: bool = False,
    ) -> RestoreJob:
        if metadata is None:
            raise MissingParameterValueException("Metadata is required")
        if iam_role_arn is not None and (not iam_role_arn.startswith("arn:") or ":role/" not in iam_role_arn):
            raise InvalidParameterValueException(f"Invalid IAM role ARN: {iam_role_arn}")
        request = {
            "RecoveryPointArn": recovery_point_arn,
            "Metadata": dict(metadata),
            "IamRoleArn": iam_role_arn,
            "ResourceType": resource_type,
            "CopySourceTagsToRestoredResource": copy_source_tags_to_restored_resource,
        }
        earlier = self._restore_job_for_token(idempotency_token)
        if earlier is not None:
            # "Retrying a successful request with the same idempotency token results in a
            # success message with no action taken." (StartRestoreJob IdempotencyToken, service
            # model). A token reused with other parameters: AWS's documentation is silent; the
            # emulator refuses it (InvalidRequestException, which StartRestoreJob declares)
            # rather than hand back a job that restores something else than was asked.
            if earlier.request != request:
                raise InvalidRequestException(
                    f"IdempotencyToken {idempotency_token} was already used within the last hour "
                    "with different parameters"
                )
            return earlier
        point = self._recovery_point(recovery_point_arn)
        if point.status != "COMPLETED":
            raise InvalidRequestException(f"Recovery point {recovery_point_arn} is not in COMPLETED state")
        if resource_type and resource_type != point.resource_type:
            raise InvalidParameterValueException(
                f"Resource type {resource_type} does not match the recovery point's type {point.resource_type}"
            )
        handler = handler_for_type(point.resource_type)
        handler.validate_restore_metadata(metadata)
        job = RestoreJob(
            self,
            point,
            metadata=dict(metadata),
            resource_type=point.resource_type,
            iam_role_arn=iam_role_arn,
            idempotency_token=idempotency_token,
            copy_source_tags=copy_source_tags_to_restored_resource,
            duration_seconds=emulator_settings.restore_job_seconds,
            failure_message=emulator_settings.take_restore_failure(),
        )
        job.request = request
        self.restore_jobs[job.restore_job_id] = job
        if idempotency_token:
            self.restore_idempotency_tokens[idempotency_token] = job.restore_job_id
        if job.due:
            self.finish_restore_job(job)
        return job

    def _restore_job_for_token(self: Any, idempotency_token: str | None) -> RestoreJob | None:
        """The job started with this token within the idempotency window (one hour), if any."""
        if not idempotency_token or idempotency_token not in self.restore_idempotency_tokens:
            return None
        job = self.restore_jobs[self.restore_idempotency_tokens[idempotency_token]]
        if _now() - job.creation_date >= IDEMPOTENCY_WINDOW:
            return None
        return job

    def describe_restore_job(self: Any, restore_job_id: str) -> RestoreJob:
        if not restore_job_id:
            raise MissingParameterValueException("RestoreJobId is required")
        job = self.restore_jobs.get(restore_job_id)
        if job is None:
            raise ResourceNotFoundException(f"Restore job {restore_job_id} not found")
        if job.due:
            self.finish_restore_job(job)
        return job

    def get_restore_job_metadata(self: Any, restore_job_id: str) -> RestoreJob:
        return self.describe_restore_job(restore_job_id)

    def _filtered_restore_jobs(
        self: Any,
        by_status: str | None,
        by_resource_type: str | None = None,
        by_account_id: str | None = None,
        by_created_before: datetime | None = None,
        by_created_after: datetime | None = None,
        by_complete_before: datetime | None = None,
        by_complete_after: datetime | None = None,
        source_resource_arn: str | None = None,
        by_restore_testing_plan_arn: str | None = None,
        by_recovery_point_creation_date_after: datetime | None = None,
        by_recovery_point_creation_date_before: datetime | None = None,
    ) -> list[RestoreJob]:
        if by_status and by_status not in RESTORE_JOB_STATUSES:
            raise InvalidParameterValueException(f"Invalid status: {by_status}")
        self.advance_restore_jobs()
        jobs = [
            job
            for job in self.restore_jobs.values()
            if (not by_status or job.status == by_status)
            and (not by_resource_type or job.resource_type == by_resource_type)
            and (not by_account_id or by_account_id in ("*", job.account_id))
            and (not source_resource_arn or job.recovery_point.resource_arn == source_resource_arn)
            and (not by_restore_testing_plan_arn or job.restore_testing_plan_arn == by_restore_testing_plan_arn)
            and _in_window(job.creation_date, by_created_after, by_created_before)
            and _in_window(job.completion_date, by_complete_after, by_complete_before)
            and _in_window(
                job.recovery_point.creation_date,
                by_recovery_point_creation_date_after,
                by_recovery_point_creation_date_before,
            )
        ]
        return sorted(jobs, key=lambda j: (j.creation_date, j.restore_job_id), reverse=True)

    @paginate(pagination_model=PAGINATION_MODEL)
    def list_restore_jobs(
        self: Any,
        by_account_id: str | None = None,
        by_resource_type: str | None = None,
        by_created_before: datetime | None = None,
        by_created_after: datetime | None = None,
        by_status: str | None = None,
        by_complete_before: datetime | None = None,
        by_complete_after: datetime | None = None,
        by_restore_testing_plan_arn: str | None = None,
        by_parent_job_id: str | None = None,
    ) -> list[RestoreJob]:
        if by_parent_job_id:
            return []  # no composite jobs here
        return self._filtered_restore_jobs(
            by_status,
            by_restore_testing_plan_arn=by_restore_testing_plan_arn,
            by_resource_type=by_resource_type,
            by_account_id=by_account_id,
            by_created_before=by_created_before,
            by_created_after=by_created_after,
            by_complete_before=by_complete_before,
            by_complete_after=by_complete_after,
        )

    @paginate(pagination_model=PAGINATION_MODEL)
    def list_restore_jobs_by_protected_resource(
        self: Any,
        resource_arn: str,
        by_status: str | None = None,
        by_recovery_point_creation_date_after: datetime | None = None,
        by_recovery_point_creation_date_before: datetime | None = None,
    ) -> list[RestoreJob]:
        if not resource_arn:
            raise MissingParameterValueException("ResourceArn is required")
        return self._filtered_restore_jobs(
            by_status,
            source_resource_arn=resource_arn,
            by_recovery_point_creation_date_after=by_recovery_point_creation_date_after,
            by_recovery_point_creation_date_before=by_recovery_point_creation_date_before,
        )


__all__ = ["BackupJob", "RecoveryPoint", "RestoreJob", "BackupJobsBackendMixin", "RESOURCE_HANDLERS"]
