"""Copy jobs across Regions and accounts: what the copy makes in the destination, per type, and
that it restores there; ListCopyJobs' filters; failures and idempotency tokens."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.emulator import control, seed

ROLE = "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole"
DR = "us-west-2"
RECOVERY_ACCOUNT = "210987654321"


@pytest.fixture
def source(aws):
    backup = aws.client("backup")
    seed.create_vault(backup, "prod-vault")
    return backup


@pytest.fixture
def dr(aws):
    backup = aws.client("backup", region_name=DR)
    return backup, seed.create_vault(backup, "dr-vault")


def backup_of(aws, backup, resource_arn):
    return seed.backup_and_wait(backup, "prod-vault", resource_arn, ROLE).recovery_point_arn


def copy(backup, point, destination, **extra):
    return backup.start_copy_job(
        RecoveryPointArn=point, SourceBackupVaultName="prod-vault", DestinationBackupVaultArn=destination, IamRoleArn=ROLE, **extra
    )["CopyJobId"]


def finished(backup, job_id):
    control.advance_clock(10)
    return backup.describe_copy_job(CopyJobId=job_id)["CopyJob"]


def test_efs_copy_lands_in_the_dr_region_with_the_source_resource_and_restores_there(aws, source, dr):
    dr_backup, dr_vault = dr
    fs = seed.create_efs(aws.client("efs"), name="app")
    point = backup_of(aws, source, fs["FileSystemArn"])
    original = source.describe_recovery_point(BackupVaultName="prod-vault", RecoveryPointArn=point)
    job_id = copy(source, point, dr_vault, Lifecycle={"DeleteAfterDays": 35})
    assert source.describe_copy_job(CopyJobId=job_id)["CopyJob"]["State"] == "CREATED"
    assert "DestinationRecoveryPointArn" not in source.describe_copy_job(CopyJobId=job_id)["CopyJob"]
    job = finished(source, job_id)
    assert job["State"] == "COMPLETED"
    assert job["SourceRecoveryPointArn"] == point and job["ResourceArn"] == fs["FileSystemArn"]
    copied = job["DestinationRecoveryPointArn"]
    assert copied.startswith(f"arn:aws:backup:{DR}:123456789012:recovery-point:")
    described = dr_backup.describe_recovery_point(BackupVaultName="dr-vault", RecoveryPointArn=copied)
    assert described["ResourceArn"] == fs["FileSystemArn"]
    assert described["SourceBackupVaultArn"] == original["BackupVaultArn"]
    assert described["CreationDate"] == original["CreationDate"]  # copies keep the source's creation date
    assert described["Lifecycle"] == {"DeleteAfterDays": 35}
    assert f":kms:{DR}:" in described["EncryptionKeyArn"]
    by_resource = dr_backup.list_recovery_points_by_backup_vault(BackupVaultName="dr-vault", ByResourceArn=fs["FileSystemArn"])
    assert [p["RecoveryPointArn"] for p in by_resource["RecoveryPoints"]] == [copied]

    restore = dr_backup.start_restore_job(
        RecoveryPointArn=copied, Metadata={"file-system-id": fs["FileSystemId"], "newFileSystem": "true", "CreationToken": "dr"}
    )["RestoreJobId"]
    control.advance_clock(10)
    created = dr_backup.describe_restore_job(RestoreJobId=restore)["CreatedResourceArn"]
    assert created.startswith(f"arn:aws:elasticfilesystem:{DR}:123456789012:file-system/")
    assert aws.client("efs", region_name=DR).describe_file_systems()["FileSystems"][0]["CreationToken"] == "dr"


@pytest.mark.parametrize("kind", ["RDS", "Aurora"])
def test_rds_and_aurora_copies_are_snapshots_of_the_dr_region_and_restore_there(aws, source, dr, kind):
    dr_backup, dr_vault = dr
    rds = aws.client("rds")
    if kind == "RDS":
        arn = seed.create_rds_instance(rds, "prod-db")["DBInstanceArn"]
        form, metadata = "snapshot", {"DBInstanceIdentifier": "dr-db"}
    else:
        arn = seed.create_aurora_cluster(rds, "prod-aurora")["DBClusterArn"]
        form, metadata = "cluster-snapshot", {"DBClusterIdentifier": "dr-aurora"}
    job = finished(source, copy(source, backup_of(aws, source, arn), dr_vault))
    copied = job["DestinationRecoveryPointArn"]
    assert copied == f"arn:aws:rds:{DR}:123456789012:{form}:awsbackup:copyjob-{job['CopyJobId'].lower()}"
    restore = dr_backup.start_restore_job(RecoveryPointArn=copied, Metadata=metadata)["RestoreJobId"]
    control.advance_clock(10)
    restored = dr_backup.describe_restore_job(RestoreJobId=restore)
    assert restored["Status"] == "COMPLETED", restored.get("StatusMessage")
    assert restored["CreatedResourceArn"].startswith(f"arn:aws:rds:{DR}:123456789012:")


def test_copy_into_another_account_through_an_assumed_role(aws, source):
    credentials = aws.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{RECOVERY_ACCOUNT}:role/recovery", RoleSessionName="drill"
    )["Credentials"]
    keys = {
        "aws_access_key_id": credentials["AccessKeyId"],
        "aws_secret_access_key": credentials["SecretAccessKey"],
        "aws_session_token": credentials["SessionToken"],
    }
    recovery = aws.client("backup", region_name=DR, **keys)
    vault = seed.create_vault(recovery, "recovery-vault")
    fs = seed.create_efs(aws.client("efs"), name="app")
    job = finished(source, copy(source, backup_of(aws, source, fs["FileSystemArn"]), vault))
    assert job["AccountId"] == "123456789012"  # the job is the source account's
    copied = job["DestinationRecoveryPointArn"]
    assert f":{RECOVERY_ACCOUNT}:recovery-point:" in copied
    restore = recovery.start_restore_job(
        RecoveryPointArn=copied, Metadata={"file-system-id": fs["FileSystemId"], "newFileSystem": "true", "CreationToken": "x"}
    )["RestoreJobId"]
    control.advance_clock(10)
    assert f":{RECOVERY_ACCOUNT}:file-system/" in recovery.describe_restore_job(RestoreJobId=restore)["CreatedResourceArn"]
    # the recovery account sees no copy job: it ran in the source account
    assert recovery.list_copy_jobs()["CopyJobs"] == []


def test_list_copy_jobs_filters(aws, source, dr):
    _dr_backup, dr_vault = dr
    efs = aws.client("efs")
    a, b = seed.create_efs(efs, name="a"), seed.create_efs(efs, name="b")
    point_a, point_b = backup_of(aws, source, a["FileSystemArn"]), backup_of(aws, source, b["FileSystemArn"])
    other_vault = seed.create_vault(source, "local-copies")
    control.fail_copy_jobs(1, "Access denied")
    failed = copy(source, point_a, dr_vault)
    done = copy(source, point_a, other_vault)
    job_b = copy(source, point_b, dr_vault)
    control.advance_clock(10)

    def ids(**filters):
        return {j["CopyJobId"] for j in source.list_copy_jobs(**filters)["CopyJobs"]}

    assert ids() == {failed, done, job_b}
    assert ids(ByResourceArn=a["FileSystemArn"]) == {failed, done}
    assert ids(BySourceRecoveryPointArn=point_b) == {job_b}
    assert ids(ByDestinationVaultArn=dr_vault) == {failed, job_b}
    assert ids(ByState="FAILED") == {failed}
    assert ids(ByResourceType="EFS") == {failed, done, job_b}
    assert ids(ByResourceType="RDS") == set()
    assert ids(ByAccountId="123456789012") == {failed, done, job_b}
    assert ids(ByAccountId=RECOVERY_ACCOUNT) == set()
    assert ids(ByMessageCategory="SUCCESS") == {done, job_b}
    assert ids(ByMessageCategory="ANY") == {failed, done, job_b}
    assert ids(ByParentJobId="NOPE") == set()
    page = source.list_copy_jobs(MaxResults=2)
    assert len(page["CopyJobs"]) == 2 and page["NextToken"]
    assert source.describe_copy_job(CopyJobId=failed)["CopyJob"]["StatusMessage"] == "Access denied"


def test_start_copy_job_errors(aws, source, dr):
    _dr_backup, dr_vault = dr
    fs = seed.create_efs(aws.client("efs"), name="app")
    point = backup_of(aws, source, fs["FileSystemArn"])

    def code(**overrides):
        params = dict(RecoveryPointArn=point, SourceBackupVaultName="prod-vault", DestinationBackupVaultArn=dr_vault, IamRoleArn=ROLE)
        params.update(overrides)
        with pytest.raises(ClientError) as error:
            source.start_copy_job(**params)
        return error.value.response["Error"]["Code"]

    assert code(SourceBackupVaultName="no-such-vault") == "AccessDeniedException"
    assert code(RecoveryPointArn=point[:-4] + "0000") == "ResourceNotFoundException"
    assert code(DestinationBackupVaultArn="arn:aws:backup:us-west-2:123456789012:vault:x") == "InvalidParameterValueException"
    assert code(IamRoleArn="arn:aws:iam::123456789012:user/bob") == "InvalidParameterValueException"
    with pytest.raises(ClientError) as error:
        source.describe_copy_job(CopyJobId="NOPE")
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"
    # a vault that does not exist fails the job, not the call
    job = finished(source, copy(source, point, "arn:aws:backup:us-west-2:123456789012:backup-vault:gone"))
    assert job["State"] == "FAILED" and "gone does not exist" in job["StatusMessage"]


def test_idempotency_token(aws, source, dr):
    _dr_backup, dr_vault = dr
    fs = seed.create_efs(aws.client("efs"), name="app")
    point = backup_of(aws, source, fs["FileSystemArn"])
    first = copy(source, point, dr_vault, IdempotencyToken="t-1")
    assert copy(source, point, dr_vault, IdempotencyToken="t-1") == first
    with pytest.raises(ClientError) as error:
        copy(source, point, dr_vault, IdempotencyToken="t-1", Lifecycle={"DeleteAfterDays": 7})
    assert error.value.response["Error"]["Code"] == "InvalidRequestException"
    assert len(source.list_copy_jobs()["CopyJobs"]) == 1


def test_the_server_answers_a_second_region_and_an_assumed_role(emulator_server):
    sts = emulator_server.client("sts")
    credentials = sts.assume_role(RoleArn=f"arn:aws:iam::{RECOVERY_ACCOUNT}:role/recovery", RoleSessionName="drill")["Credentials"]
    recovery = emulator_server.client(
        "backup",
        region_name=DR,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )
    arn = seed.create_vault(recovery, "recovery-vault")
    assert arn == f"arn:aws:backup:{DR}:{RECOVERY_ACCOUNT}:backup-vault:recovery-vault"
    assert emulator_server.client("backup", region_name=DR).list_backup_vaults()["BackupVaultList"] == []
