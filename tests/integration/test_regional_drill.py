"""playbooks/regional_dr_drill.yml: real ansible-playbook runs against the emulator server, the
primary Region us-east-1, the DR Region us-west-2."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from tests.emulator import seed

PLAYBOOK = Path(__file__).resolve().parents[2] / "playbooks" / "regional_dr_drill.yml"
SOURCE, DR = "us-east-1", "us-west-2"
ROLE = "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole"


def clients(server: Any, region: str) -> dict[str, Any]:
    return {name: server.client(name, region_name=region) for name in ("backup", "efs", "rds")}


def inventory(server: Any) -> dict[str, Any]:
    """Everything in both Regions that a drill could leave: file systems, DB instances, clusters,
    and the DR vault's recovery points."""
    found = {}
    for region in (SOURCE, DR):
        c = clients(server, region)
        found[region] = {
            "efs": {fs["FileSystemId"] for fs in c["efs"].describe_file_systems()["FileSystems"]},
            "rds": {db["DBInstanceIdentifier"] for db in c["rds"].describe_db_instances()["DBInstances"]},
            "aurora": {cl["DBClusterIdentifier"] for cl in c["rds"].describe_db_clusters()["DBClusters"]},
            "snapshots": {s["DBSnapshotIdentifier"] for s in c["rds"].describe_db_snapshots()["DBSnapshots"]},
        }
    dr = server.client("backup", region_name=DR)
    found["dr-vault"] = {p["RecoveryPointArn"] for p in dr.list_recovery_points_by_backup_vault(BackupVaultName="dr-vault")["RecoveryPoints"]}
    return found


@pytest.fixture
def primary(emulator_server: Any) -> dict[str, Any]:
    """An EFS file system and an RDS instance in us-east-1 backed up into prod-vault; dr-vault in us-west-2."""
    src = clients(emulator_server, SOURCE)
    seed.create_vault(src["backup"], "prod-vault")
    dr_vault = seed.create_vault(emulator_server.client("backup", region_name=DR), "dr-vault")
    fs = seed.create_efs(src["efs"], name="app-data")
    db = seed.create_rds_instance(src["rds"], identifier="orders")
    efs_point = seed.backup_and_wait(src["backup"], "prod-vault", fs["FileSystemArn"], ROLE).recovery_point_arn
    rds_point = seed.backup_and_wait(src["backup"], "prod-vault", db["DBInstanceArn"], ROLE).recovery_point_arn
    return {"fs": fs, "db": db, "efs_point": efs_point, "rds_point": rds_point, "dr_vault_arn": dr_vault}


def copy_to_dr(server: Any, primary: dict[str, Any], point: str) -> dict[str, Any]:
    """A copy made beforehand (as a backup plan's copy rule would), awaited."""
    backup = server.client("backup", region_name=SOURCE)
    job_id = backup.start_copy_job(RecoveryPointArn=point, SourceBackupVaultName="prod-vault",
                                   DestinationBackupVaultArn=primary["dr_vault_arn"], IamRoleArn=ROLE)["CopyJobId"]  # fmt: skip
    # waited for in real time: the emulator's clock control would also age the restore jobs against
    # the resources they create, which carry wall-clock creation times
    deadline = time.monotonic() + 60
    while (job := backup.describe_copy_job(CopyJobId=job_id)["CopyJob"])["State"] not in ("COMPLETED", "FAILED"):
        assert time.monotonic() < deadline
        time.sleep(0.3)
    return job


def drill(run_playbook: Any, targets: list[dict[str, Any]], **extra: Any) -> Any:
    return run_playbook(PLAYBOOK, {
        "dr_region": DR, "dr_source_region": SOURCE, "dr_targets": targets, "dr_iam_role_arn": ROLE,
        "dr_aws_endpoint_url": "{{ aws_endpoint_url }}", "dr_report_dir": "{{ output_dir }}", "dr_poll_interval": 1,
        "dr_progress_interval": 5, **extra,
    })  # fmt: skip


def report(result: Any) -> dict[str, Any]:
    (path,) = result.output_dir.glob("drill-*.json")
    return json.loads(path.read_text())


def efs_copy_target(primary: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"name": "dr-app-data", "resource_type": "EFS", "resource_arn": primary["fs"]["FileSystemArn"],
            "backup_vault_name": "dr-vault", "copy_from": {"backup_vault_name": "prod-vault"},
            "rto_seconds": 600, "rpo_seconds": 86400, **extra}  # fmt: skip


def rds_outage_target(primary: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"name": "dr-orders", "resource_type": "RDS", "resource_arn": primary["db"]["DBInstanceArn"],
            "backup_vault_name": "dr-vault", "availability_zone": f"{DR}a", "rto_seconds": 600, "rpo_seconds": 86400, **extra}  # fmt: skip


def test_copy_then_restore_and_outage_path_drill_leaves_nothing_in_either_region(emulator_server, run_playbook, primary):
    seeded_copy = copy_to_dr(emulator_server, primary, primary["rds_point"])
    before = inventory(emulator_server)
    result = drill(run_playbook, [efs_copy_target(primary), rds_outage_target(primary)])
    assert result.rc == 0, result.stdout[-4000:]
    summary = report(result)
    assert summary["succeeded"] is True
    efs, rds = summary["targets"]
    # copy-then-restore: the drill's copy, restored in the DR Region, then deleted
    assert efs["source_region"] == SOURCE and efs["dr_region"] == DR
    assert efs["source_recovery_point_arn"] == primary["efs_point"]
    assert efs["recovery_point_arn"].startswith(f"arn:aws:backup:{DR}:") and efs["recovery_point_arn"] not in before["dr-vault"]
    assert efs["created_resource_arn"].startswith(f"arn:aws:elasticfilesystem:{DR}:")
    assert efs["copy_job_id"] and efs["copy_duration_seconds"] is not None and efs["copy_teardown"] == "deleted"
    assert efs["copy_age_seconds"] >= 0 and efs["rpo_met"] is True and efs["rto_met"] is True
    assert efs["teardown"] == "deleted" and efs["validation"] == "passed"
    # outage path: the copy already in the DR vault, found by the source resource's ARN
    assert rds["recovery_point_arn"] == seeded_copy["DestinationRecoveryPointArn"]
    assert rds["source_region"] == SOURCE and rds["source_backup_vault_arn"] == seeded_copy["SourceBackupVaultArn"]
    assert rds["created_resource_arn"].startswith(f"arn:aws:rds:{DR}:")
    assert rds["teardown"] == "deleted" and "copy_job_id" not in rds
    # nothing left in either Region; the seeded copy kept, the drill's own copy gone
    assert inventory(emulator_server) == before
    markdown = next(result.output_dir.glob("drill-*.md")).read_text()
    assert SOURCE in markdown and DR in markdown


def test_outage_path_restores_the_newest_copy_among_older_copies_and_other_resources(emulator_server, run_playbook, primary):
    src = clients(emulator_server, SOURCE)
    copy_to_dr(emulator_server, primary, primary["rds_point"])  # older
    newer_point = seed.backup_and_wait(src["backup"], "prod-vault", primary["db"]["DBInstanceArn"], ROLE).recovery_point_arn
    newest = copy_to_dr(emulator_server, primary, newer_point)
    copy_to_dr(emulator_server, primary, primary["efs_point"])  # another resource's copy, made last
    before = inventory(emulator_server)
    result = drill(run_playbook, [rds_outage_target(primary)])
    assert result.rc == 0, result.stdout[-4000:]
    (target,) = report(result)["targets"]
    assert target["recovery_point_arn"] == newest["DestinationRecoveryPointArn"]
    assert target["source_region"] == SOURCE and target["dr_region"] == DR
    assert inventory(emulator_server) == before


def test_a_copy_older_than_the_rpo_is_reported_as_a_miss(emulator_server, run_playbook, primary):
    copy_to_dr(emulator_server, primary, primary["rds_point"])
    time.sleep(2)  # the backup is at least 2 s old when the restore starts: older than rpo_seconds=1
    result = drill(run_playbook, [rds_outage_target(primary, rpo_seconds=1)])
    assert result.rc == 0, result.stdout[-4000:]  # a miss is reported, not failed, by default
    (target,) = report(result)["targets"]
    assert target["copy_age_seconds"] >= 2 and target["rpo_met"] is False
    assert "MISSED" in next(result.output_dir.glob("drill-*.md")).read_text()


def test_a_failing_restore_leaves_nothing_in_either_region(emulator_server, run_playbook, primary):
    copy_to_dr(emulator_server, primary, primary["rds_point"])
    before = inventory(emulator_server)
    emulator_server.fail_restore_jobs(1, status_message="injected failure")
    result = drill(run_playbook, [efs_copy_target(primary)])
    assert result.rc != 0
    (target,) = report(result)["targets"]
    assert target["restore_job_status"] == "FAILED" and "injected failure" in target["error"]
    assert target["copy_teardown"] == "deleted"
    assert inventory(emulator_server) == before


def test_bad_regional_fields_fail_before_any_aws_call_naming_the_field(emulator_server, run_playbook, primary):
    emulator_server.reset_calls()
    result = drill(run_playbook, [
        efs_copy_target(primary, copy_from={"backup_vault_name": "prod-vault", "region": "useast1"}),
        rds_outage_target(primary, multi_az=True),
        rds_outage_target(primary, name="dr-orders-2", kms_key_id="alias/dr"),
    ])  # fmt: skip
    assert result.rc != 0
    # The playbook checks dr_targets before the role: each problem names the item as the variable does.
    assert "dr_targets[0] (name 'dr-app-data'): copy_from.region must be an AWS Region" in result.stdout
    assert "dr_targets[1] (name 'dr-orders'): availability_zone cannot be given with multi_az true" in result.stdout
    assert "dr_targets[2] (name 'dr-orders-2'): kms_key_id is only supported for EFS, Aurora, DocumentDB, Neptune and FSx" in result.stdout
    assert emulator_server.calls() == {}


def test_a_failing_copy_fails_its_target_only_and_restores_nothing_for_it(emulator_server, run_playbook, primary):
    copy_to_dr(emulator_server, primary, primary["rds_point"])
    before = inventory(emulator_server)
    emulator_server.fail_copy_jobs(1, status_message="Access denied: kms")
    result = drill(run_playbook, [efs_copy_target(primary), rds_outage_target(primary)])
    assert result.rc != 0
    efs, rds = report(result)["targets"]
    assert "Access denied: kms" in efs["error"] and efs["restore_job_id"] == ""
    assert rds["restore_job_status"] == "COMPLETED" and rds["teardown"] == "deleted"
    assert inventory(emulator_server) == before
