"""Test controls: throttling bursts, failing restore jobs, durations, call counts, reset."""

from __future__ import annotations

import time
import uuid

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.emulator import seed

NO_RETRY = Config(retries={"mode": "standard", "total_max_attempts": 1})


@pytest.fixture
def efs_point(aws):
    return seed.seed_efs_recovery_point(aws.client("backup"), aws.client("efs"), aws.client("iam"))


def start_efs_restore(backup, point):
    return backup.start_restore_job(
        RecoveryPointArn=point["recovery_point_arn"],
        Metadata={"file-system-id": point["file_system_id"], "newFileSystem": "true", "CreationToken": str(uuid.uuid4())},
    )["RestoreJobId"]


def test_throttling_burst_answers_throttling_exception_then_recovers(aws, efs_point):
    backup = aws.client("backup", config=NO_RETRY)
    aws.reset_calls()
    aws.throttle("StartRestoreJob", count=2)
    for _attempt in range(2):
        with pytest.raises(ClientError) as error:
            start_efs_restore(backup, efs_point)
        assert error.value.response["Error"]["Code"] == "ThrottlingException"
        assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert backup.list_restore_jobs()["RestoreJobs"] == []  # throttled calls started nothing
    start_efs_restore(backup, efs_point)
    assert aws.calls()["StartRestoreJob"] == 3
    assert len(backup.list_restore_jobs()["RestoreJobs"]) == 1


def test_botocore_retries_through_a_short_burst(aws, efs_point):
    # botocore treats ThrottlingException as retryable, as for AWS's own throttling
    backup = aws.client("backup", config=Config(retries={"mode": "standard", "max_attempts": 5}))
    aws.reset_calls()
    aws.throttle("DescribeRecoveryPoint", count=2)
    point = backup.describe_recovery_point(
        BackupVaultName=efs_point["backup_vault_name"], RecoveryPointArn=efs_point["recovery_point_arn"]
    )
    assert point["Status"] == "COMPLETED"
    assert aws.calls()["DescribeRecoveryPoint"] == 3


def test_throttling_other_services_uses_their_protocol(aws):
    rds = aws.client("rds", config=NO_RETRY)
    aws.throttle("DescribeDBInstances", count=1, service="rds")
    with pytest.raises(ClientError) as error:
        rds.describe_db_instances()
    assert error.value.response["Error"]["Code"] == "Throttling"
    assert rds.describe_db_instances()["DBInstances"] == []
    assert aws.calls("rds")["DescribeDBInstances"] == 2


def test_failing_restore_jobs(aws, efs_point):
    aws.configure(restore_job_seconds=0.3)
    backup = aws.client("backup")
    aws.fail_restore_jobs(count=1, status_message="Access denied to KMS key")
    failing = start_efs_restore(backup, efs_point)
    assert backup.describe_restore_job(RestoreJobId=failing)["Status"] == "PENDING"
    healthy = start_efs_restore(backup, efs_point)
    time.sleep(0.35)
    failed = backup.describe_restore_job(RestoreJobId=failing)
    assert failed["Status"] == "FAILED"
    assert failed["StatusMessage"] == "Access denied to KMS key"
    assert "CreatedResourceArn" not in failed
    assert backup.describe_restore_job(RestoreJobId=healthy)["Status"] == "COMPLETED"
    # the failed job created nothing: source + one restored file system
    assert len(aws.client("efs").describe_file_systems()["FileSystems"]) == 2


def test_restore_duration_is_configurable(aws, efs_point):
    aws.configure(restore_job_seconds=60)
    backup = aws.client("backup")
    job_id = start_efs_restore(backup, efs_point)
    time.sleep(0.2)
    job = backup.describe_restore_job(RestoreJobId=job_id)
    assert job["Status"] == "PENDING"
    assert job["ExpectedCompletionTimeMinutes"] == 1
    aws.configure(restore_job_seconds=0)
    # a running job keeps the duration it started with
    assert backup.describe_restore_job(RestoreJobId=job_id)["Status"] == "PENDING"
    assert backup.describe_restore_job(RestoreJobId=start_efs_restore(backup, efs_point))["Status"] == "COMPLETED"


def test_backup_duration_is_configurable(aws):
    aws.configure(backup_job_seconds=0.4)
    backup = aws.client("backup")
    seed.create_vault(backup, "vault-v")
    fs = seed.create_efs(aws.client("efs"))
    result = seed.start_backup(backup, "vault-v", fs["FileSystemArn"], "arn:aws:iam::123456789012:role/r")
    assert backup.describe_backup_job(BackupJobId=result.backup_job_id)["State"] == "RUNNING"
    point = backup.describe_recovery_point(BackupVaultName="vault-v", RecoveryPointArn=result.recovery_point_arn)
    assert point["Status"] == "CREATING"
    with pytest.raises(ClientError) as error:
        backup.start_restore_job(RecoveryPointArn=result.recovery_point_arn, Metadata={"file-system-id": "x"})
    assert error.value.response["Error"]["Code"] == "InvalidRequestException"
    seed.wait_for_backup(backup, result.backup_job_id, timeout=5)
    point = backup.describe_recovery_point(BackupVaultName="vault-v", RecoveryPointArn=result.recovery_point_arn)
    assert point["Status"] == "COMPLETED"
    assert point["CompletionDate"] > point["CreationDate"]


def test_reset_clears_moto_state_and_settings(aws, efs_point):
    aws.configure(restore_job_seconds=99)
    aws.throttle("ListBackupVaults", 5)
    aws.reset()
    backup = aws.client("backup", config=NO_RETRY)
    assert backup.list_backup_vaults()["BackupVaultList"] == []
    assert aws.calls() == {"ListBackupVaults": 1}
    assert aws.client("efs").describe_file_systems()["FileSystems"] == []
