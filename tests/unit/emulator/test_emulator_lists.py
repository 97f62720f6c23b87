"""Listing, filters and pagination; restore and inferred metadata of every resource type."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest
from botocore.exceptions import ClientError

from tests.emulator import seed

ROLE = "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole"


def all_pages(client, operation, key, **kwargs):
    pages = list(client.get_paginator(operation).paginate(**kwargs))
    return pages, [item for page in pages for item in page[key]]


def test_a_vault_of_1200_points_seeds_quickly_and_pages_completely(aws):
    backup, efs = aws.client("backup"), aws.client("efs")
    seed.create_vault(backup, "big")
    fs = seed.create_efs(efs)
    other = seed.create_efs(efs)
    started = time.monotonic()
    arns = seed.many_backups(backup, "big", fs["FileSystemArn"], ROLE, 1200)
    other_arn = seed.backup_and_wait(backup, "big", other["FileSystemArn"], ROLE).recovery_point_arn
    assert time.monotonic() - started < 30
    aws.reset_calls()
    pages, points = all_pages(
        backup, "list_recovery_points_by_backup_vault", "RecoveryPoints",
        BackupVaultName="big", PaginationConfig={"PageSize": 500},
    )  # fmt: skip
    assert [len(p["RecoveryPoints"]) for p in pages] == [500, 500, 201]
    assert "NextToken" not in pages[-1]
    assert aws.calls()["ListRecoveryPointsByBackupVault"] == 3
    listed = [p["RecoveryPointArn"] for p in points]
    assert len(set(listed)) == 1201
    assert listed[0] == other_arn  # newest first
    assert listed[1:] == list(reversed(arns))
    dates = [p["CreationDate"] for p in points]
    assert dates == sorted(dates, reverse=True)
    # without MaxResults AWS returns at most 1000 per page
    first = backup.list_recovery_points_by_backup_vault(BackupVaultName="big")
    assert len(first["RecoveryPoints"]) == 1000 and first["NextToken"]
    # filtered by resource, by resource type
    by_resource = all_pages(
        backup, "list_recovery_points_by_backup_vault", "RecoveryPoints",
        BackupVaultName="big", ByResourceArn=other["FileSystemArn"],
    )[1]  # fmt: skip
    assert [p["RecoveryPointArn"] for p in by_resource] == [other_arn]
    assert backup.list_recovery_points_by_backup_vault(BackupVaultName="big", ByResourceType="RDS")["RecoveryPoints"] == []
    # ListRecoveryPointsByResource pages the same way
    pages, by_resource = all_pages(
        backup, "list_recovery_points_by_resource", "RecoveryPoints",
        ResourceArn=fs["FileSystemArn"], PaginationConfig={"PageSize": 1000},
    )  # fmt: skip
    assert [len(p["RecoveryPoints"]) for p in pages] == [1000, 200]
    assert [p["RecoveryPointArn"] for p in by_resource] == list(reversed(arns))
    assert set(by_resource[0]) >= {"RecoveryPointArn", "CreationDate", "Status", "BackupVaultName", "BackupSizeBytes"}


def test_created_before_and_after_filters(aws):
    backup = aws.client("backup")
    seed.create_vault(backup, "vault-v")
    fs = seed.create_efs(aws.client("efs"))
    early = seed.backup_and_wait(backup, "vault-v", fs["FileSystemArn"], ROLE).recovery_point_arn
    time.sleep(0.05)
    middle = datetime.now(timezone.utc)
    time.sleep(0.05)
    late = seed.backup_and_wait(backup, "vault-v", fs["FileSystemArn"], ROLE).recovery_point_arn

    def listed(**filters):
        points = backup.list_recovery_points_by_backup_vault(BackupVaultName="vault-v", **filters)["RecoveryPoints"]
        return [p["RecoveryPointArn"] for p in points]

    assert listed(ByCreatedBefore=middle) == [early]
    assert listed(ByCreatedAfter=middle) == [late]
    assert listed(ByCreatedAfter=middle - timedelta(hours=1), ByCreatedBefore=middle + timedelta(hours=1)) == [late, early]
    assert listed(ByCreatedAfter=middle + timedelta(hours=1)) == []


def test_invalid_next_token(aws):
    backup = aws.client("backup")
    seed.create_vault(backup, "vault-v")
    with pytest.raises(ClientError) as error:
        backup.list_recovery_points_by_backup_vault(BackupVaultName="vault-v", NextToken="garbage")
    assert error.value.response["Error"]["Code"] == "InvalidParameterValueException"


@pytest.fixture
def restore_jobs(aws):
    """Three finished restore jobs (EFS completed, EFS failed, RDS completed) and one running."""
    aws.configure(restore_job_seconds=0)
    backup, efs, rds = aws.client("backup"), aws.client("efs"), aws.client("rds")
    seed.create_vault(backup, "vault-v")
    fs = seed.create_efs(efs)
    efs_point = seed.backup_and_wait(backup, "vault-v", fs["FileSystemArn"], ROLE).recovery_point_arn
    db = seed.create_rds_instance(rds, "prod-db")
    db_point = seed.backup_and_wait(backup, "vault-v", db["DBInstanceArn"], ROLE).recovery_point_arn

    def efs_metadata(token):
        return {"file-system-id": fs["FileSystemId"], "newFileSystem": "true", "CreationToken": token}

    jobs = {"efs_ok": backup.start_restore_job(RecoveryPointArn=efs_point, Metadata=efs_metadata("ok"))["RestoreJobId"]}
    aws.fail_restore_jobs(1, "boom")
    jobs["efs_failed"] = backup.start_restore_job(
        RecoveryPointArn=efs_point, Metadata=efs_metadata("failed")
    )["RestoreJobId"]
    time.sleep(0.05)
    jobs["between"] = datetime.now(timezone.utc)
    time.sleep(0.05)
    jobs["rds_ok"] = backup.start_restore_job(
        RecoveryPointArn=db_point, Metadata={"DBInstanceIdentifier": "restored"}
    )["RestoreJobId"]
    aws.configure(restore_job_seconds=60)
    jobs["efs_running"] = backup.start_restore_job(
        RecoveryPointArn=efs_point, Metadata=efs_metadata("running")
    )["RestoreJobId"]
    jobs["efs_resource"], jobs["db_resource"] = fs["FileSystemArn"], db["DBInstanceArn"]
    return backup, jobs


def ids(response):
    return sorted(j["RestoreJobId"] for j in response["RestoreJobs"])


def test_list_restore_jobs_filters(restore_jobs):
    backup, jobs = restore_jobs
    assert ids(backup.list_restore_jobs(ByStatus="COMPLETED")) == sorted([jobs["efs_ok"], jobs["rds_ok"]])
    assert ids(backup.list_restore_jobs(ByStatus="FAILED")) == [jobs["efs_failed"]]
    assert ids(backup.list_restore_jobs(ByStatus="PENDING")) == [jobs["efs_running"]]
    assert ids(backup.list_restore_jobs(ByResourceType="RDS")) == [jobs["rds_ok"]]
    assert ids(backup.list_restore_jobs(ByCreatedBefore=jobs["between"])) == sorted([jobs["efs_ok"], jobs["efs_failed"]])
    assert ids(backup.list_restore_jobs(ByCreatedAfter=jobs["between"])) == sorted([jobs["rds_ok"], jobs["efs_running"]])
    # jobs still running have no completion date, so completion filters leave them out
    assert ids(backup.list_restore_jobs(ByCompleteAfter=jobs["between"])) == [jobs["rds_ok"]]
    assert ids(backup.list_restore_jobs(ByCompleteBefore=jobs["between"])) == sorted([jobs["efs_ok"], jobs["efs_failed"]])
    assert len(backup.list_restore_jobs(ByAccountId="123456789012")["RestoreJobs"]) == 4
    assert backup.list_restore_jobs(ByAccountId="210987654321")["RestoreJobs"] == []
    pages, listed = all_pages(backup, "list_restore_jobs", "RestoreJobs", PaginationConfig={"PageSize": 3})
    assert [len(p["RestoreJobs"]) for p in pages] == [3, 1]
    assert [j["RestoreJobId"] for j in listed][0] == jobs["efs_running"]  # newest first
    with pytest.raises(ClientError) as error:
        backup.list_restore_jobs(ByStatus="DONE")
    assert error.value.response["Error"]["Code"] in ("InvalidParameterValueException", "ValidationException")


def test_list_restore_jobs_by_protected_resource(restore_jobs):
    backup, jobs = restore_jobs
    by_efs = backup.list_restore_jobs_by_protected_resource(ResourceArn=jobs["efs_resource"])
    assert ids(by_efs) == sorted([jobs["efs_ok"], jobs["efs_failed"], jobs["efs_running"]])
    by_efs_done = backup.list_restore_jobs_by_protected_resource(ResourceArn=jobs["efs_resource"], ByStatus="COMPLETED")
    assert ids(by_efs_done) == [jobs["efs_ok"]]
    assert ids(backup.list_restore_jobs_by_protected_resource(ResourceArn=jobs["db_resource"])) == [jobs["rds_ok"]]
    future = datetime.now(timezone.utc) + timedelta(hours=1)
    assert backup.list_restore_jobs_by_protected_resource(
        ResourceArn=jobs["db_resource"], ByRecoveryPointCreationDateAfter=future
    )["RestoreJobs"] == []
    pages, _calls = all_pages(
        backup, "list_restore_jobs_by_protected_resource", "RestoreJobs",
        ResourceArn=jobs["efs_resource"], PaginationConfig={"PageSize": 2},
    )  # fmt: skip
    assert [len(p["RestoreJobs"]) for p in pages] == [2, 1]


def test_list_backup_jobs_filters(aws):
    backup = aws.client("backup")
    seed.create_vault(backup, "vault-a")
    seed.create_vault(backup, "vault-b")
    fs = seed.create_efs(aws.client("efs"))
    in_a = seed.backup_and_wait(backup, "vault-a", fs["FileSystemArn"], ROLE).backup_job_id
    in_b = seed.backup_and_wait(backup, "vault-b", fs["FileSystemArn"], ROLE).backup_job_id

    def job_ids(**filters):
        return sorted(j["BackupJobId"] for j in backup.list_backup_jobs(**filters)["BackupJobs"])

    assert job_ids() == sorted([in_a, in_b])
    assert job_ids(ByBackupVaultName="vault-a") == [in_a]
    assert job_ids(ByResourceArn=fs["FileSystemArn"], ByState="COMPLETED") == sorted([in_a, in_b])
    assert job_ids(ByResourceType="RDS") == []
    assert job_ids(ByState="RUNNING") == []


def test_efs_restore_metadata_reflects_the_file_system(aws):
    backup, efs, kms = aws.client("backup"), aws.client("efs"), aws.client("kms")
    key_arn = kms.create_key()["KeyMetadata"]["Arn"]
    seed.create_vault(backup, "vault-v")
    fs = seed.create_efs(efs, encrypted=True, kms_key_id=key_arn, performance_mode="maxIO", creation_token="tok-1")
    point = seed.backup_and_wait(backup, "vault-v", fs["FileSystemArn"], ROLE).recovery_point_arn
    response = backup.get_recovery_point_restore_metadata(BackupVaultName="vault-v", RecoveryPointArn=point)
    assert response["ResourceType"] == "EFS"
    assert response["BackupVaultArn"].endswith(":backup-vault:vault-v")
    assert response["RestoreMetadata"] == {
        "file-system-id": fs["FileSystemId"],
        "Encrypted": "true",
        "KmsKeyId": key_arn,
        "PerformanceMode": "maxIO",
        "newFileSystem": "true",
    }


def test_inferred_metadata_follows_restore_testing_defaults(aws):
    aws.configure(restore_job_seconds=0)
    backup, efs, rds = aws.client("backup"), aws.client("efs"), aws.client("rds")
    seed.create_vault(backup, "vault-v")
    fs = seed.create_efs(efs, performance_mode="maxIO")
    efs_point = seed.backup_and_wait(backup, "vault-v", fs["FileSystemArn"], ROLE).recovery_point_arn
    inferred = backup.get_restore_testing_inferred_metadata(BackupVaultName="vault-v", RecoveryPointArn=efs_point)
    assert inferred["InferredMetadata"] == {
        "encrypted": "true",
        "file-system-id": fs["FileSystemId"],
        "kmsKeyId": "alias/aws/elasticfilesystem",
        "newFileSystem": "true",
        "performanceMode": "generalPurpose",
    }
    # the inferred metadata plus the CreationToken a new file system needs: a new, encrypted file system
    job_id = backup.start_restore_job(
        RecoveryPointArn=efs_point, Metadata={**inferred["InferredMetadata"], "CreationToken": "restore-test"}
    )["RestoreJobId"]
    job = backup.describe_restore_job(RestoreJobId=job_id)
    restored = efs.describe_file_systems(FileSystemId=job["CreatedResourceArn"].rsplit("/", 1)[1])["FileSystems"][0]
    assert restored["Encrypted"] is True

    db = seed.create_rds_instance(rds, "prod-db")
    db_point = seed.backup_and_wait(backup, "vault-v", db["DBInstanceArn"], ROLE).recovery_point_arn
    rds_inferred = backup.get_restore_testing_inferred_metadata(BackupVaultName="vault-v", RecoveryPointArn=db_point)[
        "InferredMetadata"
    ]
    assert rds_inferred["dbInstanceIdentifier"].startswith("awsbackup-restore-test-")
    assert (rds_inferred["deletionProtection"], rds_inferred["multiAZ"], rds_inferred["publiclyAccessible"]) == (
        "false", "false", "false",
    )  # fmt: skip
    assert rds_inferred["availabilityZone"].startswith("us-east-1")
    job_id = backup.start_restore_job(RecoveryPointArn=db_point, Metadata=rds_inferred)["RestoreJobId"]
    assert backup.describe_restore_job(RestoreJobId=job_id)["Status"] == "COMPLETED"
    assert rds.describe_db_instances(DBInstanceIdentifier=rds_inferred["dbInstanceIdentifier"])["DBInstances"]

    cluster = seed.create_aurora_cluster(rds, "prod-aurora")
    cluster_point = seed.backup_and_wait(backup, "vault-v", cluster["DBClusterArn"], ROLE).recovery_point_arn
    aurora_inferred = backup.get_restore_testing_inferred_metadata(BackupVaultName="vault-v", RecoveryPointArn=cluster_point)[
        "InferredMetadata"
    ]
    assert aurora_inferred["dbClusterIdentifier"].startswith("awsbackup-restore-test-")
    assert aurora_inferred["engine"] == "aurora-postgresql"


def test_describe_recovery_point_fields(aws):
    backup = aws.client("backup")
    seed.create_vault(backup, "vault-v")
    fs = seed.create_efs(aws.client("efs"), name="shared-data")
    result = seed.backup_and_wait(backup, "vault-v", fs["FileSystemArn"], ROLE, Lifecycle={"DeleteAfterDays": 35})
    point = backup.describe_recovery_point(BackupVaultName="vault-v", RecoveryPointArn=result.recovery_point_arn)
    assert point["ResourceType"] == "EFS"
    assert point["ResourceName"] == "shared-data"
    assert point["IamRoleArn"] == ROLE
    assert point["IsEncrypted"] is True
    assert point["EncryptionKeyArn"].startswith("arn:aws:kms:us-east-1:123456789012:key/")
    assert point["Lifecycle"] == {"DeleteAfterDays": 35}
    assert point["CalculatedLifecycle"]["DeleteAt"] - point["CreationDate"] == timedelta(days=35)
    with pytest.raises(ClientError) as error:
        backup.describe_recovery_point(BackupVaultName="vault-v", RecoveryPointArn=result.recovery_point_arn + "0")
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"
    # the right point in the wrong vault is not found either
    seed.create_vault(backup, "other")
    with pytest.raises(ClientError) as error:
        backup.describe_recovery_point(BackupVaultName="other", RecoveryPointArn=result.recovery_point_arn)
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"
