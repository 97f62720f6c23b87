"""Deleting the copies a run made (copy_job.delete_copy, restored_resource's copy_job_ids) and the
emulator's DeleteRecoveryPoint under them: only a copy job's own destination recovery point, in
the Region the task deletes in, and only a job created after the run started."""

from __future__ import annotations

import time

import pytest

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.recovery.aws_backup.plugins.module_utils.backup_retry import backup_retry
from ansible_collections.recovery.aws_backup.plugins.module_utils.copy_job import delete_copy
from ansible_collections.recovery.aws_backup.plugins.modules import restored_resource
from tests.emulator import control, seed
from tests.unit.module_runner import run_module_main

DR_REGION = "us-west-2"
ROLE = "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole"


@pytest.fixture
def copied(aws):
    """An EFS and an RDS backup in us-east-1, each copied into dr-vault in us-west-2, plus an older
    copy of the EFS backup made before the "run" started."""
    backup = RetryingBotoClientWrapper(aws.client("backup"), backup_retry)
    dr = RetryingBotoClientWrapper(aws.client("backup", region_name=DR_REGION), backup_retry)
    seed.create_vault(backup, "prod-vault")
    dr_vault = seed.create_vault(dr, "dr-vault")
    fs = seed.create_efs(aws.client("efs"), name="app")
    db = seed.create_rds_instance(aws.client("rds"), identifier="orders")
    efs_point = seed.backup_and_wait(backup, "prod-vault", fs["FileSystemArn"], ROLE).recovery_point_arn
    rds_point = seed.backup_and_wait(backup, "prod-vault", db["DBInstanceArn"], ROLE).recovery_point_arn

    def copy(point):
        job_id = backup.start_copy_job(
            RecoveryPointArn=point, SourceBackupVaultName="prod-vault", DestinationBackupVaultArn=dr_vault, IamRoleArn=ROLE
        )["CopyJobId"]
        control.advance_clock(10)
        return backup.describe_copy_job(CopyJobId=job_id)["CopyJob"]

    older = copy(efs_point)
    control.advance_clock(60)
    run_started = time.time() + control.advance_clock(0)
    return {"backup": backup, "dr": dr, "older": older, "efs": copy(efs_point), "rds": copy(rds_point), "run_started": run_started}


def dr_points(dr):
    return {p["RecoveryPointArn"] for p in dr.list_recovery_points_by_backup_vault(BackupVaultName="dr-vault")["RecoveryPoints"]}


def test_deletes_exactly_the_copy_each_job_made(aws, copied):
    backup, dr = copied["backup"], copied["dr"]
    for kind in ("efs", "rds"):
        result = delete_copy(backup, dr, copied[kind]["CopyJobId"], DR_REGION, copied["run_started"])
        assert result == {
            "copy_job_id": copied[kind]["CopyJobId"], "status": "deleted",
            "recovery_point_arn": copied[kind]["DestinationRecoveryPointArn"], "backup_vault_name": "dr-vault",
        }  # fmt: skip
    assert dr_points(dr) == {copied["older"]["DestinationRecoveryPointArn"]}
    # the RDS copy is a snapshot in the DR Region: it went with the recovery point
    snapshots = aws.client("rds", region_name=DR_REGION).describe_db_snapshots()["DBSnapshots"]
    assert copied["rds"]["DestinationRecoveryPointArn"] not in {s["DBSnapshotArn"] for s in snapshots}
    # a second teardown finds it gone, which is not a failure
    assert delete_copy(backup, dr, copied["efs"]["CopyJobId"], DR_REGION)["status"] == "not found"


def test_refuses_a_copy_job_older_than_the_run_and_another_regions_copy(copied):
    backup, dr = copied["backup"], copied["dr"]
    older = delete_copy(backup, dr, copied["older"]["CopyJobId"], DR_REGION, copied["run_started"])
    assert older["status"].startswith("refused: the copy job was created at"), older
    elsewhere = delete_copy(backup, dr, copied["efs"]["CopyJobId"], "eu-west-1", copied["run_started"])
    assert elsewhere["status"] == f"refused: it copied into Region {DR_REGION}, not eu-west-1 where this task deletes"
    assert delete_copy(backup, dr, copied["efs"]["CopyJobId"], DR_REGION, check_mode=True)["status"] == "would be deleted"
    assert len(dr_points(dr)) == 3  # nothing deleted


def test_a_failed_copy_made_nothing_and_an_unknown_job_is_not_found(aws, copied):
    backup = copied["backup"]
    control.fail_copy_jobs(1, "injected copy failure")
    point = copied["efs"]["SourceRecoveryPointArn"]
    failed_id = backup.start_copy_job(
        RecoveryPointArn=point, SourceBackupVaultName="prod-vault", IamRoleArn=ROLE,
        DestinationBackupVaultArn=copied["efs"]["DestinationBackupVaultArn"], IdempotencyToken="another",
    )["CopyJobId"]  # fmt: skip
    control.advance_clock(10)
    assert delete_copy(backup, copied["dr"], failed_id, DR_REGION)["status"] == "nothing to delete (copy job FAILED)"
    assert delete_copy(backup, copied["dr"], "8CA3A4B1-4B6E-4F79-9D1C-2E0A1B2C3D4E", DR_REGION)["status"] == "not found"


def test_restored_resource_deletes_the_runs_copies_and_fails_on_a_refusal(aws, capsys, copied):
    args = {"region": DR_REGION, "run_id": "run-1", "restore_job_ids": [], "state": "absent", "copy_job_region": "us-east-1",
            "copy_jobs_created_after": copied["run_started"]}  # fmt: skip
    result = run_module_main(capsys, restored_resource.main, {**args, "copy_job_ids": [copied["efs"]["CopyJobId"]]})
    assert result["changed"] is True and [c["status"] for c in result["copies"]] == ["deleted"], result
    result = run_module_main(capsys, restored_resource.main, {**args, "copy_job_ids": [copied["older"]["CopyJobId"]]})
    assert result["failed"] is True and "refused" in result["msg"] and copied["older"]["CopyJobId"] in result["msg"]
    assert copied["older"]["DestinationRecoveryPointArn"] in dr_points(copied["dr"])


def test_copy_job_ids_only_with_state_absent(aws, capsys):
    result = run_module_main(
        capsys, restored_resource.main, {"run_id": "run-1", "restore_job_ids": [], "state": "present", "copy_job_ids": ["x"]}
    )
    assert result["failed"] is True and "copy_job_ids applies to state=absent only" in result["msg"]
    assert aws.calls() == {}


def test_emulator_delete_recovery_point_errors(aws, copied):
    from botocore.exceptions import ClientError

    dr = copied["dr"]
    with pytest.raises(ClientError) as missing:
        dr.delete_recovery_point(BackupVaultName="dr-vault", RecoveryPointArn=copied["efs"]["SourceRecoveryPointArn"])
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as no_vault:
        dr.delete_recovery_point(BackupVaultName="no-such-vault", RecoveryPointArn=copied["efs"]["DestinationRecoveryPointArn"])
    assert no_vault.value.response["Error"]["Code"] == "AccessDeniedException"
