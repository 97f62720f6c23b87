"""The emulator's AWS Backup operations for EFS, in-process against mock_aws."""

from __future__ import annotations

import time

import pytest
from botocore.exceptions import ClientError

from tests.emulator import seed


@pytest.fixture
def efs_point(aws):
    return seed.seed_efs_recovery_point(aws.client("backup"), aws.client("efs"), aws.client("iam"), encrypted=True)


def wait_restore(backup, restore_job_id, timeout=10.0):
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        job = backup.describe_restore_job(RestoreJobId=restore_job_id)
        if not seen or seen[-1] != job["Status"]:
            seen.append(job["Status"])
        if job["Status"] in ("COMPLETED", "FAILED", "ABORTED"):
            return job, seen
        time.sleep(0.1)
    raise AssertionError(f"restore job still {seen[-1]}")


def test_backup_job_produces_completed_efs_recovery_point(aws, efs_point):
    backup = aws.client("backup")
    job = backup.describe_backup_job(BackupJobId=efs_point["backup_job_id"])
    assert job["State"] == "COMPLETED"
    assert job["ResourceType"] == "EFS"
    assert job["RecoveryPointArn"] == efs_point["recovery_point_arn"]
    assert efs_point["recovery_point_arn"].startswith("arn:aws:backup:us-east-1:123456789012:recovery-point:")
    point = backup.describe_recovery_point(
        BackupVaultName=efs_point["backup_vault_name"], RecoveryPointArn=efs_point["recovery_point_arn"]
    )
    assert point["Status"] == "COMPLETED"
    assert point["ResourceArn"] == efs_point["resource_arn"]
    listed = backup.list_recovery_points_by_backup_vault(BackupVaultName=efs_point["backup_vault_name"])
    assert [p["RecoveryPointArn"] for p in listed["RecoveryPoints"]] == [efs_point["recovery_point_arn"]]
    vault = backup.describe_backup_vault(BackupVaultName=efs_point["backup_vault_name"])
    assert vault["NumberOfRecoveryPoints"] == 1


def test_restore_job_lifecycle_creates_new_file_system(aws, efs_point):
    aws.configure(restore_job_seconds=1.0)
    backup, efs = aws.client("backup"), aws.client("efs")
    metadata = {
        "file-system-id": efs_point["file_system_id"], "newFileSystem": "true", "Encrypted": "true",
        "CreationToken": "restore-1",
    }
    job_id = backup.start_restore_job(
        RecoveryPointArn=efs_point["recovery_point_arn"], Metadata=metadata, IamRoleArn=efs_point["iam_role_arn"]
    )["RestoreJobId"]
    first = backup.describe_restore_job(RestoreJobId=job_id)
    assert first["Status"] == "PENDING"
    assert "CreatedResourceArn" not in first
    job, seen = wait_restore(backup, job_id)
    assert seen == ["PENDING", "RUNNING", "COMPLETED"]
    assert job["PercentDone"] == "100.00%"
    assert job["CompletionDate"] >= job["CreationDate"]
    new_fs_id = job["CreatedResourceArn"].rsplit("/", 1)[1]
    assert new_fs_id != efs_point["file_system_id"]
    restored = efs.describe_file_systems(FileSystemId=new_fs_id)["FileSystems"][0]
    assert restored["Encrypted"] is True
    assert backup.get_restore_job_metadata(RestoreJobId=job_id)["Metadata"] == metadata
    listed = backup.list_restore_jobs(ByStatus="COMPLETED")["RestoreJobs"]
    assert [j["RestoreJobId"] for j in listed] == [job_id]
    assert backup.list_restore_jobs(ByStatus="RUNNING")["RestoreJobs"] == []


def test_in_place_restore_names_source_file_system(aws, efs_point):
    aws.configure(restore_job_seconds=0)
    backup = aws.client("backup")
    job_id = backup.start_restore_job(
        RecoveryPointArn=efs_point["recovery_point_arn"],
        Metadata={"file-system-id": efs_point["file_system_id"], "newFileSystem": "false"},
    )["RestoreJobId"]
    job = backup.describe_restore_job(RestoreJobId=job_id)
    assert job["Status"] == "COMPLETED"
    assert job["CreatedResourceArn"] == efs_point["resource_arn"]
    assert len(aws.client("efs").describe_file_systems()["FileSystems"]) == 1


def test_idempotency_token_reuse_returns_same_job(aws, efs_point):
    backup = aws.client("backup")
    kwargs = dict(
        RecoveryPointArn=efs_point["recovery_point_arn"],
        Metadata={"file-system-id": efs_point["file_system_id"], "newFileSystem": "true", "CreationToken": "c-1"},
        IdempotencyToken="token-1",
    )
    first = backup.start_restore_job(**kwargs)["RestoreJobId"]
    assert backup.start_restore_job(**kwargs)["RestoreJobId"] == first
    assert backup.start_restore_job(**{**kwargs, "IdempotencyToken": "token-2"})["RestoreJobId"] != first
    assert len(backup.list_restore_jobs()["RestoreJobs"]) == 2


@pytest.mark.parametrize(
    "arn, code",
    [
        ("arn:aws:backup:us-east-1:123456789012:recovery-point:00000000-0000-0000-0000-000000000000", "ResourceNotFoundException"),
        ("not-an-arn", "InvalidParameterValueException"),
    ],
)
def test_unknown_or_malformed_recovery_point(aws, efs_point, arn, code):
    with pytest.raises(ClientError) as error:
        aws.client("backup").start_restore_job(RecoveryPointArn=arn, Metadata={"newFileSystem": "true"})
    assert error.value.response["Error"]["Code"] == code
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] in (400, 404)


def test_kms_key_without_encrypted_is_rejected(aws, efs_point):
    with pytest.raises(ClientError) as error:
        aws.client("backup").start_restore_job(
            RecoveryPointArn=efs_point["recovery_point_arn"],
            Metadata={"file-system-id": efs_point["file_system_id"], "newFileSystem": "true", "KmsKeyId": "k", "Encrypted": "false"},
        )
    assert error.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert aws.client("backup").list_restore_jobs()["RestoreJobs"] == []


def test_unknown_restore_job_and_backup_job(aws):
    backup = aws.client("backup")
    for call, kwargs in (
        (backup.describe_restore_job, {"RestoreJobId": "NOPE"}),
        (backup.get_restore_job_metadata, {"RestoreJobId": "NOPE"}),
        (backup.describe_backup_job, {"BackupJobId": "NOPE"}),
    ):
        with pytest.raises(ClientError) as error:
            call(**kwargs)
        assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_unknown_vault_is_access_denied_as_in_aws(aws):
    backup = aws.client("backup")
    efs = seed.create_efs(aws.client("efs"))
    calls = (
        (backup.describe_backup_vault, {"BackupVaultName": "missing"}),
        (backup.list_recovery_points_by_backup_vault, {"BackupVaultName": "missing"}),
        (
            backup.start_backup_job,
            {"BackupVaultName": "missing", "ResourceArn": efs["FileSystemArn"], "IamRoleArn": "arn:aws:iam::123456789012:role/r"},
        ),
    )
    for call, kwargs in calls:
        with pytest.raises(ClientError) as error:
            call(**kwargs)
        assert error.value.response["Error"]["Code"] == "AccessDeniedException"
        assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_backup_idempotency_token_reuse_returns_same_job(aws):
    backup = aws.client("backup")
    seed.create_vault(backup, "vault-v")
    fs = seed.create_efs(aws.client("efs"))
    kwargs = dict(
        BackupVaultName="vault-v", ResourceArn=fs["FileSystemArn"], IamRoleArn="arn:aws:iam::123456789012:role/r",
        IdempotencyToken="backup-1",
    )  # fmt: skip
    first = backup.start_backup_job(**kwargs)
    again = backup.start_backup_job(**kwargs)
    assert (again["BackupJobId"], again["RecoveryPointArn"]) == (first["BackupJobId"], first["RecoveryPointArn"])
    assert len(backup.list_recovery_points_by_backup_vault(BackupVaultName="vault-v")["RecoveryPoints"]) == 1


def test_copy_source_tags_to_restored_file_system(aws):
    aws.configure(restore_job_seconds=0)
    backup, efs = aws.client("backup"), aws.client("efs")
    point = seed.seed_efs_recovery_point(backup, efs, aws.client("iam"), name="team-share")
    metadata = {"file-system-id": point["file_system_id"], "newFileSystem": "true"}
    tagged, untagged = (
        backup.describe_restore_job(
            RestoreJobId=backup.start_restore_job(
                RecoveryPointArn=point["recovery_point_arn"],
                Metadata={**metadata, "CreationToken": f"copy-tags-{copy}"},
                CopySourceTagsToRestoredResource=copy,
            )["RestoreJobId"]
        )["CreatedResourceArn"].rsplit("/", 1)[1]
        for copy in (True, False)
    )
    assert efs.list_tags_for_resource(ResourceId=tagged)["Tags"] == [{"Key": "Name", "Value": "team-share"}]
    assert efs.list_tags_for_resource(ResourceId=untagged)["Tags"] == []
