"""Drills of EBS volumes through real ansible-playbook runs on the emulator server: restored,
validated (the volume's size against the backed-up snapshot's), measured and torn down by
ownership; a production volume named like a target stops the drill before anything starts; the
same drill twice restores twice; a drill stopped by SIGTERM is cleaned up later by ownership."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from typing import Any

import pytest

from tests.conftest import REPO_ROOT
from tests.emulator import seed
from tests.integration.test_restore_role_safety import ROLE, _processes_under, reports, role_vars



def volumes(server: Any) -> set[str]:
    return {v["VolumeId"] for v in server.client("ec2").describe_volumes()["Volumes"]}


@pytest.fixture
def seeded(emulator_server) -> dict[str, Any]:
    emulator_server.configure(restore_job_seconds=1)
    backup = emulator_server.client("backup")
    role = seed.ensure_backup_role(emulator_server.client("iam"))
    point = seed.seed_ebs_recovery_point(backup, emulator_server.client("ec2"), "ebs-drill-vault", role, name="prod-data")
    return {"iam_role_arn": role, "backup_vault_name": "ebs-drill-vault", "ebs": point}


def ebs_target(seeded: dict[str, Any], name: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "resource_type": "EBS", "backup_vault_name": seeded["backup_vault_name"],
            "recovery_point_arn": seeded["ebs"]["recovery_point_arn"], "rto_seconds": 600, **extra}  # fmt: skip


def test_an_ebs_drill_restores_validates_and_deletes_only_its_volume_each_time(emulator_server, run_playbook, seeded):
    before = volumes(emulator_server)
    drill = role_vars(seeded, "drill", [ebs_target(seeded, "data-drill", volume_type="gp2")])
    first = run_playbook(ROLE, drill)
    assert first.rc == 0, first.stdout[-3000:]
    (summary,) = reports(first)
    (target,) = summary["targets"]
    assert target["validation"] == "passed" and target["teardown"] == "deleted", target
    assert target["rto_seconds"] is not None
    assert volumes(emulator_server) == before, "the restored volume is gone, the source stays"

    emulator_server.reset_calls()
    second = run_playbook(ROLE, drill)
    assert second.rc == 0, second.stdout[-3000:]
    assert emulator_server.calls().get("StartRestoreJob", 0) == 1
    later = [r for r in reports(second) if r["targets"][0]["restore_job_id"] != target["restore_job_id"]]
    assert len(later) == 1 and later[0]["targets"][0]["teardown"] == "deleted"
    assert volumes(emulator_server) == before


def test_a_volume_named_like_the_target_stops_the_drill_before_anything_starts(emulator_server, run_playbook, seeded):
    production = seed.create_ebs_volume(emulator_server.client("ec2"), "orders-data")["VolumeId"]
    before = volumes(emulator_server)
    emulator_server.reset_calls()
    result = run_playbook(ROLE, role_vars(seeded, "drill", [ebs_target(seeded, "orders-data")]))
    assert result.rc != 0 and "orders-data" in result.stdout
    assert emulator_server.calls().get("StartRestoreJob", 0) == 0
    assert production in volumes(emulator_server) and volumes(emulator_server) == before

    # A file-level restore writes into existing resources: a drill refuses it before starting.
    files = ebs_target(seeded, "files-drill", metadata={"restoreType": "FILE"})
    result = run_playbook(ROLE, role_vars(seeded, "drill", [files]))
    assert result.rc != 0 and "restoreType" in result.stdout and "file-level" in result.stdout
    assert emulator_server.calls().get("StartRestoreJob", 0) == 0


def test_an_ebs_drill_stopped_by_sigterm_is_cleaned_up_by_ownership(emulator_server, run_playbook, playbook_invocation, tmp_path, seeded):
    before = volumes(emulator_server)
    emulator_server.configure(restore_job_seconds=8)
    invocation = playbook_invocation(ROLE, role_vars(seeded, "drill", [ebs_target(seeded, "stopped-data")]))
    process = subprocess.Popen(invocation.command, cwd=REPO_ROOT, env=invocation.env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not list(invocation.output_dir.glob("drill-*.journal.json")):
            assert process.poll() is None and time.monotonic() < deadline, "the drill wrote no journal"
            time.sleep(0.2)
        time.sleep(1)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    for pid in _processes_under(str(tmp_path)):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    backup = emulator_server.client("backup")
    deadline = time.monotonic() + 60
    while {j["Status"] for j in backup.list_restore_jobs()["RestoreJobs"]} != {"COMPLETED"}:
        assert time.monotonic() < deadline
        time.sleep(0.5)
    assert volumes(emulator_server) != before, "the restore job carried on and made a volume"

    emulator_server.configure(restore_job_seconds=1)
    cleanup = run_playbook(ROLE, role_vars(seeded, "cleanup", []))
    assert cleanup.rc == 0, cleanup.stdout[-3000:]
    assert volumes(emulator_server) == before
    assert seeded["ebs"]["VolumeId"] in volumes(emulator_server)
