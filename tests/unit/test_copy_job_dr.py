"""The disaster recovery side in-process: backup_recovery_point_info and backup_restore_job in the
DR Region find the newest copy of a SOURCE resource in the DR vault (among older copies and copies
of other resources), report its age and, on request, its source recovery point."""

from __future__ import annotations

import pytest
from botocore.exceptions import EndpointConnectionError

from ansible_collections.recovery.aws_backup.plugins.module_utils.recovery_point import copy_sources

from ansible_collections.recovery.aws_backup.plugins.modules import backup_recovery_point_info
from ansible_collections.recovery.aws_backup.plugins.modules import backup_restore_job
from tests.emulator import control, seed
from tests.unit.module_runner import run_module_main

DR_REGION = "us-west-2"
ROLE = "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole"


@pytest.fixture
def copies(aws):
    """Two backups of one file system and one of another, all copied to the DR vault; the newer
    backup is copied first, so copy order and creation order differ."""
    backup, efs = aws.client("backup"), aws.client("efs")
    seed.create_vault(backup, "prod-vault")
    dr_vault = seed.create_vault(aws.client("backup", region_name=DR_REGION), "dr-vault")
    fs, other = seed.create_efs(efs, name="app"), seed.create_efs(efs, name="other")
    older = seed.backup_and_wait(backup, "prod-vault", fs["FileSystemArn"], ROLE).recovery_point_arn
    control.advance_clock(3600)
    newer = seed.backup_and_wait(backup, "prod-vault", fs["FileSystemArn"], ROLE).recovery_point_arn
    other_point = seed.backup_and_wait(backup, "prod-vault", other["FileSystemArn"], ROLE).recovery_point_arn
    copied = {}
    for point in (newer, older, other_point):
        job = backup.start_copy_job(
            RecoveryPointArn=point, SourceBackupVaultName="prod-vault", DestinationBackupVaultArn=dr_vault, IamRoleArn=ROLE
        )
        control.advance_clock(10)
        copied[point] = backup.describe_copy_job(CopyJobId=job["CopyJobId"])["CopyJob"]
    return {"fs": fs, "older": older, "newer": newer, "copied": copied}


def info(capsys, **args):
    return run_module_main(capsys, backup_recovery_point_info.main, {"region": DR_REGION, **args})


def test_newest_copy_of_the_source_resource_with_its_age_and_source(aws, capsys, copies):
    aws.reset_calls()
    result = info(
        capsys, resource_arn=copies["fs"]["FileSystemArn"], backup_vault_name="dr-vault", select="latest", include_copy_source=True
    )
    [point] = result["recovery_points"]
    job = copies["copied"][copies["newer"]]
    assert point["recovery_point_arn"] == job["DestinationRecoveryPointArn"]
    assert point["resource_arn"] == copies["fs"]["FileSystemArn"]
    assert point["source_backup_vault_arn"] == job["SourceBackupVaultArn"]
    assert point["copy_source"]["source_recovery_point_arn"] == copies["newer"]
    assert point["copy_source"]["copy_job_id"] == job["CopyJobId"]
    # the copy keeps the source's creation date: its age is the age of the data, not of the copy
    source = aws.client("backup").describe_recovery_point(BackupVaultName="prod-vault", RecoveryPointArn=copies["newer"])
    assert point["creation_date"] == source["CreationDate"].isoformat()
    assert isinstance(point["age_seconds"], int)
    # one listing of the DR vault, one of the copy jobs in the source Region (and the test's own look)
    assert aws.calls() == {"ListRecoveryPointsByBackupVault": 1, "ListCopyJobs": 1, "DescribeRecoveryPoint": 1}


def test_all_copies_of_the_resource_and_sources_with_one_listing_each(aws, capsys, copies):
    aws.reset_calls()
    result = info(capsys, resource_arn=copies["fs"]["FileSystemArn"], backup_vault_name="dr-vault", include_copy_source=True)
    assert [p["copy_source"]["source_recovery_point_arn"] for p in result["recovery_points"]] == [
        copies["newer"], copies["older"]
    ]
    assert aws.calls() == {"ListRecoveryPointsByBackupVault": 1, "ListCopyJobs": 1}


def test_a_source_region_that_does_not_answer_is_a_warning(aws, copies):
    dr = aws.client("backup", region_name=DR_REGION)
    points = dr.list_recovery_points_by_backup_vault(BackupVaultName="dr-vault")["RecoveryPoints"]

    def unreachable(region):
        assert region == "us-east-1"  # the source vault's Region
        raise EndpointConnectionError(endpoint_url=f"https://backup.{region}.amazonaws.com")

    found, warnings = copy_sources(unreachable, points)
    assert found == {}
    assert len(warnings) == 1 and "could not list the copy jobs" in warnings[0] and "us-east-1" in warnings[0]
    reachable, none = copy_sources(lambda region: aws.client("backup", region_name=region), points)
    assert none == [] and {job["SourceRecoveryPointArn"] for job in reachable.values()} == set(copies["copied"])


def test_restore_job_in_the_dr_region_restores_the_newest_copy_there(aws, capsys, copies):
    result = run_module_main(
        capsys,
        backup_restore_job.main,
        {
            "region": DR_REGION,
            "resource_arn": copies["fs"]["FileSystemArn"],
            "backup_vault_name": "dr-vault",
            "iam_role_arn": ROLE,
            "metadata": {"file-system-id": copies["fs"]["FileSystemId"], "newFileSystem": True},
            "wait_timeout": 60,
        },
    )
    assert result["changed"] is True, result
    assert result["recovery_point"]["recovery_point_arn"] == copies["copied"][copies["newer"]]["DestinationRecoveryPointArn"]
    assert result["restore_job"]["created_resource_arn"].startswith(f"arn:aws:elasticfilesystem:{DR_REGION}:")
