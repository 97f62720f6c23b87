"""Drills of EBS volumes and EC2 instances through real ansible-playbook runs on the emulator
server: restored, validated (the volume's size against the backed-up snapshot's; the instance
running with its volumes attached), measured and torn down by ownership (the instance with its
volumes, the AMI and snapshots its restore made); a production resource named like a target stops
the drill before anything starts; the same drill twice restores twice; a drill stopped by SIGTERM
is cleaned up later by ownership."""

from __future__ import annotations

from typing import Any

import pytest

from tests.emulator import seed
from tests.integration.test_restore_role_safety import ROLE, reports, role_vars
from tests.integration.interrupted import stop_drill_while_it_waits, wait_until_restore_jobs_completed


def volumes(server: Any) -> set[str]:
    return {v["VolumeId"] for v in server.client("ec2").describe_volumes()["Volumes"]}


def inventory(server: Any) -> dict[str, set[str]]:
    ec2 = server.client("ec2")
    return {
        "volumes": volumes(server),
        "instances": {i["InstanceId"] for r in ec2.describe_instances()["Reservations"] for i in r["Instances"] if i["State"]["Name"] != "terminated"},
        "images": {i["ImageId"] for i in ec2.describe_images(Owners=["self"])["Images"]},
        "snapshots": {s["SnapshotId"] for s in ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]},
    }


@pytest.fixture
def seeded(emulator_server) -> dict[str, Any]:
    emulator_server.configure(restore_job_seconds=1)
    backup = emulator_server.client("backup")
    role = seed.ensure_backup_role(emulator_server.client("iam"))
    point = seed.seed_ebs_recovery_point(backup, emulator_server.client("ec2"), "ebs-drill-vault", role, name="prod-data")
    instance = seed.seed_ec2_recovery_point(backup, emulator_server.client("ec2"), "ebs-drill-vault", role, name="prod-app")
    return {"iam_role_arn": role, "backup_vault_name": "ebs-drill-vault", "ebs": point, "ec2": instance}


def ebs_target(seeded: dict[str, Any], name: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "resource_type": "EBS", "backup_vault_name": seeded["backup_vault_name"],
            "recovery_point_arn": seeded["ebs"]["recovery_point_arn"], "rto_seconds": 600, **extra}  # fmt: skip


def ec2_target(seeded: dict[str, Any], name: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "resource_type": "EC2", "backup_vault_name": seeded["backup_vault_name"],
            "recovery_point_arn": seeded["ec2"]["recovery_point_arn"], "rto_seconds": 600, **extra}  # fmt: skip


def test_an_ebs_and_ec2_drill_restores_validates_and_deletes_only_what_it_restored_each_time(emulator_server, run_playbook, seeded):
    before = inventory(emulator_server)
    # The instance's newest recovery point is found by its resource ARN (which holds a slash).
    by_resource = {**ec2_target(seeded, "app-drill", instance_type="t3.small"), "recovery_point_arn": None,
                   "resource_arn": seeded["ec2"]["InstanceArn"]}  # fmt: skip
    drill = role_vars(seeded, "drill", [ebs_target(seeded, "data-drill", volume_type="gp2"), by_resource])
    first = run_playbook(ROLE, drill)
    assert first.rc == 0, first.stdout[-3000:]
    (summary,) = reports(first)
    assert [t["name"] for t in summary["targets"]] == ["data-drill", "app-drill"]
    assert summary["targets"][1]["recovery_point_arn"] == seeded["ec2"]["recovery_point_arn"]
    for target in summary["targets"]:
        assert target["validation"] == "passed" and target["teardown"] == "deleted", target
        assert target["rto_seconds"] is not None
    assert inventory(emulator_server) == before, "what the drill restored is gone (instance, volumes, AMI, snapshots); the sources stay"

    emulator_server.reset_calls()
    second = run_playbook(ROLE, drill)
    assert second.rc == 0, second.stdout[-3000:]
    assert emulator_server.calls().get("StartRestoreJob", 0) == 2
    first_jobs = {t["restore_job_id"] for t in summary["targets"]}
    later = [r for r in reports(second) if not {t["restore_job_id"] for t in r["targets"]} & first_jobs]
    assert len(later) == 1 and all(t["teardown"] == "deleted" for t in later[0]["targets"])
    assert inventory(emulator_server) == before


def test_a_volume_or_instance_named_like_the_target_stops_the_drill_before_anything_starts(emulator_server, run_playbook, seeded):
    production = seed.create_ebs_volume(emulator_server.client("ec2"), "orders-data")["VolumeId"]
    before = inventory(emulator_server)
    emulator_server.reset_calls()
    result = run_playbook(ROLE, role_vars(seeded, "drill", [ebs_target(seeded, "orders-data"), ec2_target(seeded, "prod-app")]))
    assert result.rc != 0 and "orders-data" in result.stdout and "prod-app" in result.stdout
    assert emulator_server.calls().get("StartRestoreJob", 0) == 0
    assert production in volumes(emulator_server) and inventory(emulator_server) == before

    # A file-level restore writes into existing resources: a drill refuses it before starting.
    files = ebs_target(seeded, "files-drill", metadata={"restoreType": "FILE"})
    result = run_playbook(ROLE, role_vars(seeded, "drill", [files]))
    assert result.rc != 0 and "restoreType" in result.stdout and "file-level" in result.stdout
    assert emulator_server.calls().get("StartRestoreJob", 0) == 0


def test_an_ebs_and_ec2_drill_stopped_by_sigterm_is_cleaned_up_by_ownership(emulator_server, run_playbook, playbook_invocation, tmp_path, seeded):
    before = inventory(emulator_server)
    emulator_server.configure(restore_job_seconds=8)
    invocation = playbook_invocation(ROLE, role_vars(seeded, "drill", [ebs_target(seeded, "stopped-data"), ec2_target(seeded, "stopped-app")]))
    stop_drill_while_it_waits(invocation, tmp_path, seconds_into_the_wait=1)
    wait_until_restore_jobs_completed(emulator_server)
    assert inventory(emulator_server) != before, "the restore jobs carried on and made a volume and an instance"

    emulator_server.configure(restore_job_seconds=1)
    cleanup = run_playbook(ROLE, role_vars(seeded, "cleanup", []))
    assert cleanup.rc == 0, cleanup.stdout[-3000:]
    assert inventory(emulator_server) == before
    assert seeded["ebs"]["VolumeId"] in volumes(emulator_server) and seeded["ec2"]["InstanceId"] in inventory(emulator_server)["instances"]
