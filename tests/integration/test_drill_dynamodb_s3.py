"""Drills of DynamoDB tables through real ansible-playbook runs of the restore role on the
emulator server: a drill restores, validates (the built-in check reads the table's status and
item count), measures and tears down by ownership, and the safety cases: a table named like the
target is never touched, the same drill twice restores twice, and a drill stopped by SIGTERM is
cleaned up later by ownership."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

from tests.conftest import REPO_ROOT
from tests.emulator import seed

ROLE = Path(__file__).parent / "playbooks" / "restore_role" / "role.yml"


def seeded_points(server: Any) -> dict[str, Any]:
    backup, iam = server.client("backup"), server.client("iam")
    table = seed.seed_dynamodb_recovery_point(backup, server.client("dynamodb"), iam, "drill-vault", "prod-orders", items=7)
    return {"backup_vault_name": "drill-vault", "iam_role_arn": table["iam_role_arn"], "dynamodb": table}


def inventory(server: Any) -> dict[str, Any]:
    dynamodb = server.client("dynamodb")
    tables = dynamodb.list_tables()["TableNames"]
    return {"tables": {name: dynamodb.describe_table(TableName=name)["Table"]["ItemCount"] for name in tables}}


def table_target(seeded: dict[str, Any], name: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "resource_type": "DynamoDB", "backup_vault_name": seeded["backup_vault_name"],
            "recovery_point_arn": seeded["dynamodb"]["recovery_point_arn"], **extra}  # fmt: skip


def role_vars(seeded: dict[str, Any], mode: str, targets: list[dict[str, Any]]) -> dict[str, Any]:
    return {"mode": mode, "iam_role_arn": seeded["iam_role_arn"], "targets": targets}


def reports(result: Any) -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted(result.output_dir.glob("drill-*[0-9a-f].json"))]


def test_a_drill_restores_validates_measures_and_tears_down(emulator_server, run_playbook):
    seeded = seeded_points(emulator_server)
    emulator_server.configure(restore_job_seconds=1)
    before = inventory(emulator_server)
    result = run_playbook(ROLE, role_vars(seeded, "drill", [table_target(seeded, "orders-drill", rto_seconds=3600, rpo_seconds=86400)]))
    assert result.rc == 0, result.stdout[-3000:]
    (summary,) = reports(result)
    (target,) = summary["targets"]
    assert target["restore_job_status"] == "COMPLETED" and target["validation"] == "passed", target
    assert target["teardown"] == "deleted"
    assert isinstance(target["rto_seconds"], (int, float)) and isinstance(target["rpo_seconds"], (int, float))
    # The restored table was read and torn down; the source keeps its items.
    assert inventory(emulator_server) == before == {"tables": {"prod-orders": 7}}
    calls = emulator_server.calls("dynamodb")
    assert calls.get("DescribeBackup", 0) >= 1 and calls.get("DeleteTable") == 1


def test_a_table_named_like_the_target_is_never_touched(emulator_server, run_playbook):
    seeded = seeded_points(emulator_server)
    seed.create_dynamodb_table(emulator_server.client("dynamodb"), "orders-live", items=2)
    before = inventory(emulator_server)
    emulator_server.reset_calls()
    result = run_playbook(ROLE, role_vars(seeded, "drill", [table_target(seeded, "orders-live")]))
    assert result.rc != 0
    assert "orders-live" in result.stdout and "exists" in result.stdout, result.stdout[-3000:]
    assert emulator_server.calls().get("StartRestoreJob", 0) == 0, "refused before anything started"
    assert not {"DeleteTable", "TagResource", "UpdateTable"} & set(emulator_server.calls("dynamodb"))
    assert inventory(emulator_server) == before


def test_the_same_drill_twice_restores_twice(emulator_server, run_playbook):
    seeded = seeded_points(emulator_server)
    emulator_server.configure(restore_job_seconds=0)
    before = inventory(emulator_server)
    drill = role_vars(seeded, "drill", [table_target(seeded, "orders-twice")])
    first = run_playbook(ROLE, drill)
    assert first.rc == 0, first.stdout[-3000:]
    emulator_server.reset_calls()
    second = run_playbook(ROLE, drill)
    assert second.rc == 0, second.stdout[-3000:]
    assert emulator_server.calls().get("StartRestoreJob", 0) == 1
    jobs = [{t["restore_job_id"] for t in r["targets"]} for r in reports(second)]
    assert len(jobs) == 2 and jobs[0] != jobs[1], "the second drill ran its own restore job"
    assert all(t["teardown"] == "deleted" and t["validation"] == "passed" for r in reports(second) for t in r["targets"])
    assert inventory(emulator_server) == before


def _processes_under(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if marker in (entry / "cmdline").read_bytes().decode(errors="replace"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def test_a_drill_stopped_by_sigterm_is_cleaned_up_later_by_ownership(emulator_server, run_playbook, playbook_invocation, tmp_path):
    seeded = seeded_points(emulator_server)
    before = inventory(emulator_server)
    emulator_server.configure(restore_job_seconds=6)
    invocation = playbook_invocation(ROLE, role_vars(seeded, "drill", [table_target(seeded, "orders-stopped")]))
    process = subprocess.Popen(invocation.command, cwd=REPO_ROOT, env=invocation.env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not list(invocation.output_dir.glob("drill-*.journal.json")):
            assert process.poll() is None and time.monotonic() < deadline, "the drill wrote no journal"
            time.sleep(0.2)
        time.sleep(1)  # inside the wait for the restore job
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
    assert "orders-stopped" in inventory(emulator_server)["tables"], "the restore job carried on"

    cleanup = run_playbook(ROLE, role_vars(seeded, "cleanup", []))
    assert cleanup.rc == 0, cleanup.stdout[-3000:]
    assert inventory(emulator_server) == before
