"""The restore role: real ansible-playbook runs against the emulator server."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from tests.emulator.seed import seed_demo

PLAYBOOK = Path(__file__).parent / "playbooks" / "restore_role" / "role.yml"
HOOK = Path(__file__).parent / "playbooks" / "restore_role" / "validation_hook.yml"


def inventory(server: Any) -> dict[str, set[str]]:
    efs, rds = server.client("efs"), server.client("rds")
    return {
        "efs": {fs["FileSystemId"] for fs in efs.describe_file_systems()["FileSystems"]},
        "rds": {db["DBInstanceIdentifier"] for db in rds.describe_db_instances()["DBInstances"]},
        "aurora": {c["DBClusterIdentifier"] for c in rds.describe_db_clusters()["DBClusters"]},
    }


def report(result: Any) -> dict[str, Any]:
    (path,) = result.output_dir.glob("drill-*.json")
    assert path.with_suffix(".md").exists()
    return json.loads(path.read_text())


def targets(seeded: dict[str, Any], **overrides: dict[str, Any]) -> list[dict[str, Any]]:
    vault = seeded["backup_vault_name"]
    items = [
        {"name": "r-efs", "resource_type": "EFS", "backup_vault_name": vault,
         "recovery_point_arn": seeded["efs"]["recovery_point_arn"]},
        {"name": "r-db", "resource_type": "RDS", "backup_vault_name": vault,
         "recovery_point_arn": seeded["rds"]["recovery_point_arn"], "db_instance_class": "db.t3.micro"},
        {"name": "r-aurora", "resource_type": "Aurora", "backup_vault_name": vault,
         "recovery_point_arn": seeded["aurora"]["recovery_point_arn"], "instance_count": 2},
    ]  # fmt: skip
    return [{**item, **overrides.get(item["name"], {})} for item in items]


def test_drill_validates_measures_tears_down_and_reports(emulator_server, run_playbook):
    seeded = seed_demo(emulator_server.endpoint_url)
    before = inventory(emulator_server)
    result = run_playbook(PLAYBOOK, {
        "mode": "drill", "iam_role_arn": seeded["iam_role_arn"], "validation_tasks": str(HOOK),
        "targets": targets(seeded, **{"r-db": {"rto_seconds": 3600, "rpo_seconds": 3600},
                                      "r-efs": {"rto_seconds": 1}}),  # an RTO of 1 s cannot be met
    })  # fmt: skip
    assert result.rc == 0, result.stdout[-3000:]  # a miss is reported, not failed, by default
    assert inventory(emulator_server) == before
    summary = report(result)
    assert summary["succeeded"] is True
    by_name = {t["name"]: t for t in summary["targets"]}
    for name in ("r-efs", "r-db", "r-aurora"):
        assert by_name[name]["restore_job_status"] == "COMPLETED"
        assert by_name[name]["validation"] == "passed"
        assert by_name[name]["teardown"] == "deleted"
        assert by_name[name]["measures"]["recovery_time_seconds"] >= 0
        assert by_name[name]["measures"]["recovery_point_age_seconds"] >= 0
        assert json.loads((result.output_dir / f"hook-{name}.json").read_text())["arn"] == by_name[name]["created_resource_arn"]
    assert by_name["r-efs"]["measures"]["rto_met"] is False
    assert by_name["r-db"]["measures"]["rto_met"] is True and by_name["r-db"]["measures"]["rpo_met"] is True
    assert "MISSED" in next(result.output_dir.glob("drill-*.md")).read_text()


def test_first_drill_into_a_new_report_directory_creates_it_without_warnings(emulator_server, run_playbook, tmp_path):
    seeded = seed_demo(emulator_server.endpoint_url)
    report_dir = tmp_path / "new-reports" / "drills"
    result = run_playbook(PLAYBOOK, {"mode": "drill", "iam_role_arn": seeded["iam_role_arn"], "report_dir": str(report_dir),
                                     "targets": [targets(seeded)[0]]})  # fmt: skip
    assert result.rc == 0, result.stdout[-3000:]
    # No journal directory yet: nothing to look for, and nothing to warn about.
    assert "[WARNING]" not in result.stdout + result.stderr, result.stdout + result.stderr
    [summary] = [json.loads(p.read_text()) for p in report_dir.glob("drill-*[0-9a-f].json")]
    assert summary["succeeded"] is True and len(list(report_dir.glob("drill-*.md"))) == 1
    # The journal was written there and removed once every job had ended.
    assert not list(report_dir.glob("*.journal.json"))


def test_drill_with_a_failed_restore_and_objective_miss_tears_everything_down(emulator_server, run_playbook):
    seeded = seed_demo(emulator_server.endpoint_url)
    before = inventory(emulator_server)
    emulator_server.fail_restore_jobs(1, status_message="injected failure")
    result = run_playbook(PLAYBOOK, {
        "mode": "drill", "iam_role_arn": seeded["iam_role_arn"], "fail_on_objective_miss": True,
        "targets": targets(seeded, **{"r-db": {"rto_seconds": 1}}),
    })  # fmt: skip
    assert result.rc != 0
    assert inventory(emulator_server) == before
    summary = report(result)
    assert summary["succeeded"] is False
    by_name = {t["name"]: t for t in summary["targets"]}
    failed = [t for t in summary["targets"] if t["restore_job_status"] == "FAILED"]
    assert len(failed) == 1 and "injected failure" in failed[0]["error"]
    for target in summary["targets"]:
        if target is not failed[0]:
            assert target["validation"] == "passed"
            assert target["teardown"] == "deleted"
    if by_name["r-db"] is not failed[0]:
        assert "RTO missed" in by_name["r-db"]["error"]


def test_recover_mode_keeps_what_it_restored(emulator_server, run_playbook):
    seeded = seed_demo(emulator_server.endpoint_url)
    before = inventory(emulator_server)
    result = run_playbook(PLAYBOOK, {"mode": "recover", "iam_role_arn": seeded["iam_role_arn"], "targets": targets(seeded)})
    assert result.rc == 0, result.stdout[-3000:]
    after = inventory(emulator_server)
    assert after["rds"] - before["rds"] == {"r-db", "r-aurora-1", "r-aurora-2"}
    assert after["aurora"] - before["aurora"] == {"r-aurora"}
    assert len(after["efs"] - before["efs"]) == 1
    assert not list(result.output_dir.glob("drill-*.json"))


def test_bad_input_fails_before_any_restore(emulator_server, run_playbook):
    seeded = seed_demo(emulator_server.endpoint_url)
    emulator_server.reset_calls()
    bad_type = run_playbook(PLAYBOOK, {"mode": "drill", "iam_role_arn": seeded["iam_role_arn"],
                                       "targets": [{"name": "x", "resource_type": "Timestream"}]})  # fmt: skip
    assert bad_type.rc != 0 and "resource_type" in bad_type.stdout
    bad_mode = run_playbook(PLAYBOOK, {"mode": "practice", "iam_role_arn": seeded["iam_role_arn"], "targets": []})
    assert bad_mode.rc != 0 and "restore_mode" in bad_mode.stdout
    taken = run_playbook(PLAYBOOK, {"mode": "drill", "iam_role_arn": seeded["iam_role_arn"],
                                    "targets": targets(seeded, **{"r-db": {"name": "demo-db"}})})  # fmt: skip
    assert taken.rc != 0 and "demo-db already exists" in taken.stdout
    # Identifiers are case-insensitive: a cluster named like an existing one in other case is taken too,
    # and every taken identifier is named at once.
    both = run_playbook(PLAYBOOK, {"mode": "drill", "iam_role_arn": seeded["iam_role_arn"],
                                   "targets": targets(seeded, **{"r-db": {"name": "demo-db"}, "r-aurora": {"name": "Demo-Aurora"}})})  # fmt: skip
    assert both.rc != 0 and "demo-db, demo-aurora already exist;" in both.stdout, both.stdout[-3000:]
    assert emulator_server.calls().get("StartRestoreJob", 0) == 0


def test_parallel_drill_takes_about_the_slowest_restore(emulator_server, run_playbook):
    seeded = seed_demo(emulator_server.endpoint_url)
    efs_point = seeded["efs"]["recovery_point_arn"]

    def drill(restore_seconds: float) -> float:
        emulator_server.configure(restore_job_seconds=restore_seconds)
        items = [{"name": f"p-efs-{restore_seconds:g}-{n}", "resource_type": "EFS", "recovery_point_arn": efs_point,
                  "backup_vault_name": seeded["backup_vault_name"]}
                 for n in range(4)]  # fmt: skip
        started = time.monotonic()
        result = run_playbook(PLAYBOOK, {"mode": "drill", "iam_role_arn": seeded["iam_role_arn"], "targets": items})
        assert result.rc == 0, result.stdout[-3000:]
        return time.monotonic() - started

    quick, slow = drill(0.5), drill(8.0)
    # 4 restores in sequence would add 4 * 7.5 s; awaited together they add about 7.5 s.
    assert slow - quick < 2 * 7.5, (quick, slow)
