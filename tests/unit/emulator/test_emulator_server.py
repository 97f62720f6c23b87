"""The emulator server: AWS Backup operations over HTTP, the /_emulator controls, run_playbook."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.emulator import seed

PLAYBOOKS = Path(__file__).parent / "playbooks"


def test_efs_backup_and_restore_over_http(emulator_server):
    emulator_server.configure(restore_job_seconds=0.5)
    backup, efs = emulator_server.client("backup"), emulator_server.client("efs")
    point = seed.seed_efs_recovery_point(backup, efs, emulator_server.client("iam"))
    job_id = backup.start_restore_job(
        RecoveryPointArn=point["recovery_point_arn"],
        Metadata={"file-system-id": point["file_system_id"], "newFileSystem": "true", "CreationToken": "restore-1"},
    )["RestoreJobId"]
    time.sleep(0.6)
    job = backup.describe_restore_job(RestoreJobId=job_id)
    assert job["Status"] == "COMPLETED"
    restored_id = job["CreatedResourceArn"].rsplit("/", 1)[1]
    assert efs.describe_file_systems(FileSystemId=restored_id)["FileSystems"]
    by_resource = backup.list_recovery_points_by_resource(ResourceArn=point["resource_arn"])
    assert [p["RecoveryPointArn"] for p in by_resource["RecoveryPoints"]] == [point["recovery_point_arn"]]
    by_protected = backup.list_restore_jobs_by_protected_resource(ResourceArn=point["resource_arn"])
    assert [j["RestoreJobId"] for j in by_protected["RestoreJobs"]] == [job_id]


def test_reset_clears_state_and_counts(emulator_server):
    backup = emulator_server.client("backup")
    seed.create_vault(backup, "before-reset")
    assert emulator_server.calls()["CreateBackupVault"] == 1
    emulator_server.reset()
    assert emulator_server.calls() == {}
    assert backup.list_backup_vaults()["BackupVaultList"] == []


def test_throttling_burst_over_http(emulator_server):
    backup = emulator_server.client("backup", config=Config(retries={"mode": "standard", "total_max_attempts": 1}))
    emulator_server.throttle("ListBackupVaults", count=2)
    for _attempt in range(2):
        with pytest.raises(ClientError) as error:
            backup.list_backup_vaults()
        assert error.value.response["Error"]["Code"] == "ThrottlingException"
        assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert backup.list_backup_vaults()["BackupVaultList"] == []
    assert emulator_server.calls()["ListBackupVaults"] == 3


def test_run_playbook_against_the_server(emulator_server, run_playbook):
    result = run_playbook(PLAYBOOKS / "vault_info.yml")
    assert result.rc == 0, result.stdout + result.stderr
    info = result.load_json("vault_info.json")
    assert [v["backup_vault_name"] for v in info["backup_vaults"]] == ["playbook-vault"]
    # the playbook really talked to this server
    vaults = emulator_server.client("backup").list_backup_vaults()["BackupVaultList"]
    assert [v["BackupVaultName"] for v in vaults] == ["playbook-vault"]


def test_failing_restore_job_over_http(emulator_server):
    emulator_server.configure(restore_job_seconds=0)
    backup = emulator_server.client("backup")
    point = seed.seed_efs_recovery_point(backup, emulator_server.client("efs"), emulator_server.client("iam"))
    emulator_server.fail_restore_jobs(1, "Insufficient capacity")
    job_id = backup.start_restore_job(
        RecoveryPointArn=point["recovery_point_arn"],
        Metadata={"file-system-id": point["file_system_id"], "newFileSystem": "true", "CreationToken": "restore-1"},
    )["RestoreJobId"]
    job = backup.describe_restore_job(RestoreJobId=job_id)
    assert (job["Status"], job["StatusMessage"]) == ("FAILED", "Insufficient capacity")
    assert emulator_server.calls()["StartRestoreJob"] == 1


def test_unknown_control_is_an_error(emulator_server):
    import urllib.error

    with pytest.raises(urllib.error.HTTPError) as error:
        emulator_server._control("POST", "nonsense", {})
    assert error.value.code == 404


def test_concurrent_starts_with_one_idempotency_token_make_one_job(emulator_server):
    from concurrent.futures import ThreadPoolExecutor

    backup = emulator_server.client("backup")
    point = seed.seed_efs_recovery_point(backup, emulator_server.client("efs"), emulator_server.client("iam"))

    def start(_thread_number):
        client = emulator_server.client("backup")
        return client.start_restore_job(
            RecoveryPointArn=point["recovery_point_arn"],
            Metadata={"file-system-id": point["file_system_id"], "newFileSystem": "true", "CreationToken": "same"},
            IdempotencyToken="same-request",
        )["RestoreJobId"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        job_ids = set(pool.map(start, range(16)))
    assert len(job_ids) == 1
    assert [j["RestoreJobId"] for j in backup.list_restore_jobs()["RestoreJobs"]] == list(job_ids)


def test_seed_demo_fills_a_vault_with_one_point_per_type(emulator_server):
    seeded = seed.seed_demo(emulator_server.endpoint_url)
    points = emulator_server.client("backup").list_recovery_points_by_backup_vault(BackupVaultName="demo-vault")
    by_type = {p["ResourceType"]: p["RecoveryPointArn"] for p in points["RecoveryPoints"]}
    assert by_type == {
        "EFS": seeded["efs"]["recovery_point_arn"],
        "RDS": seeded["rds"]["recovery_point_arn"],
        "Aurora": seeded["aurora"]["recovery_point_arn"],
    }


def test_community_aws_efs_info_reads_tags_with_describe_tags(emulator_server, run_playbook):
    efs = emulator_server.client("efs")
    fs = seed.create_efs(efs, name="team-share")
    efs.tag_resource(ResourceId=fs["FileSystemId"], Tags=[{"Key": "env", "Value": "prod"}])
    result = run_playbook(
        PLAYBOOKS / "efs_info.yml", extra_vars={"file_system_id": fs["FileSystemId"], "file_system_name": "team-share"}
    )
    assert result.rc == 0, result.stdout + result.stderr
    info = result.load_json("efs_info.json")
    for found in (info["by_id"], info["by_tag"]):
        assert [f["file_system_id"] for f in found["efs"]] == [fs["FileSystemId"]]
        assert found["efs"][0]["tags"] == {"Name": "team-share", "env": "prod"}
    assert emulator_server.calls("efs")["DescribeTags"] >= 2
