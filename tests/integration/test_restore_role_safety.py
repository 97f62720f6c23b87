"""The restore role as a careful user would try it: names that collide with production, a
recover and a drill in one play, the same drill twice, bad targets, secrets at every verbosity
and in AWX's job events, and a drill stopped by SIGTERM then cleaned up. Real ansible-playbook
(and ansible-runner) runs against the emulator server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.emulator.seed import seed_demo
from tests.integration.test_restore_role import inventory
from tests.integration.interrupted import stop_drill_while_it_waits, wait_until_restore_jobs_completed

PLAYBOOKS = Path(__file__).parent / "playbooks" / "restore_role"
ROLE = PLAYBOOKS / "role.yml"
RECOVER_THEN_DRILL = PLAYBOOKS / "recover_then_drill.yml"
RUN_TAG = "recovery.aws_backup:run-id"


def reports(result: Any) -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted(result.output_dir.glob("drill-*[0-9a-f].json"))]


def efs_target(seeded: dict[str, Any], name: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "resource_type": "EFS", "backup_vault_name": seeded["backup_vault_name"],
            "recovery_point_arn": seeded["efs"]["recovery_point_arn"], **extra}  # fmt: skip


def role_vars(seeded: dict[str, Any], mode: str, targets: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"mode": mode, "iam_role_arn": seeded["iam_role_arn"], "targets": targets, **extra}


def test_a_drill_never_deletes_a_production_file_system_named_like_its_target(emulator_server, run_playbook):
    seeded = seed_demo(emulator_server.endpoint_url)
    efs = emulator_server.client("efs")
    # Production: one file system whose CreationToken is the drill target's name, one whose Name
    # tag is (the restored copy gets that Name tag too).
    by_token = efs.create_file_system(CreationToken="prod-share", Tags=[{"Key": "Name", "Value": "prod-share"}])["FileSystemId"]
    by_tag = efs.create_file_system(CreationToken="prod-tagged", Tags=[{"Key": "Name", "Value": "app-drill"}])["FileSystemId"]
    before = inventory(emulator_server)

    result = run_playbook(ROLE, role_vars(seeded, "drill", [efs_target(seeded, "prod-share")]))
    after = inventory(emulator_server)
    assert by_token in after["efs"] and by_tag in after["efs"]
    assert after == before, "the drill left something behind or deleted production"
    (summary,) = reports(result)
    # EFS refuses a second file system with the same CreationToken: the restore fails, and the
    # report says so instead of claiming a deletion.
    assert result.rc != 0 and summary["targets"][0]["teardown"] != "deleted"

    result = run_playbook(ROLE, role_vars(seeded, "drill", [efs_target(seeded, "app-drill")]))
    assert result.rc == 0, result.stdout[-3000:]
    (summary,) = [r for r in reports(result) if r["targets"][0]["name"] == "app-drill"]
    assert summary["targets"][0]["teardown"] == "deleted"
    assert inventory(emulator_server) == before  # the copy went, both production file systems stayed


def test_a_drill_after_a_recover_in_the_same_play_keeps_the_recovered_resource(emulator_server, run_playbook):
    seeded = seed_demo(emulator_server.endpoint_url)
    before = inventory(emulator_server)
    result = run_playbook(RECOVER_THEN_DRILL, {
        "iam_role_arn": seeded["iam_role_arn"],
        "recover_targets": [efs_target(seeded, "keep-fs")],
        "drill_targets": [efs_target(seeded, "drill-fs")],
    })  # fmt: skip
    assert result.rc == 0, result.stdout[-3000:]
    after = inventory(emulator_server)
    kept = after["efs"] - before["efs"]
    assert len(kept) == 1, "the recovered file system is kept, the drill's copy is gone"
    (fs,) = emulator_server.client("efs").describe_file_systems(FileSystemId=kept.pop())["FileSystems"]
    assert fs["CreationToken"] == "keep-fs"
    assert RUN_TAG not in {t["Key"] for t in fs.get("Tags", [])}, "a kept restore is never marked for deletion"
    (summary,) = reports(result)
    assert [t["name"] for t in summary["targets"]] == ["drill-fs"]


def test_the_same_drill_twice_restores_twice(emulator_server, run_playbook):
    seeded = seed_demo(emulator_server.endpoint_url)
    before = inventory(emulator_server)
    drill = role_vars(seeded, "drill", [efs_target(seeded, "twice-fs"),
                                        {"name": "twice-db", "resource_type": "RDS", "backup_vault_name": seeded["backup_vault_name"],
                                         "recovery_point_arn": seeded["rds"]["recovery_point_arn"]}])  # fmt: skip
    first = run_playbook(ROLE, drill)
    assert first.rc == 0, first.stdout[-3000:]
    emulator_server.reset_calls()
    second = run_playbook(ROLE, drill)
    assert second.rc == 0, second.stdout[-3000:]
    assert emulator_server.calls().get("StartRestoreJob", 0) >= 2
    first_jobs = {t["restore_job_id"] for t in reports(first)[0]["targets"]}
    later = [r for r in reports(second) if {t["restore_job_id"] for t in r["targets"]} != first_jobs]
    assert len(later) == 1, "the second drill ran its own restore jobs"
    assert all(t["teardown"] == "deleted" and t["validation"] == "passed" for t in later[0]["targets"])
    assert inventory(emulator_server) == before


BAD_TARGETS = [
    ("duplicate names", lambda s: [efs_target(s, "dup"), efs_target(s, "DUP")], "restore_targets[1]"),
    ("an empty name", lambda s: [efs_target(s, "")], "name"),
    ("in_place on RDS", lambda s: [{"name": "db-x", "resource_type": "RDS", "recovery_point_arn": s["rds"]["recovery_point_arn"],
                                    "in_place": True}], "in_place"),  # fmt: skip
    ("no Aurora instance", lambda s: [{"name": "cl-x", "resource_type": "Aurora", "recovery_point_arn": s["aurora"]["recovery_point_arn"],
                                       "instance_count": 0}], "instance_count"),  # fmt: skip
    ("a negative RTO", lambda s: [efs_target(s, "fs-x", rto_seconds=-5)], "rto_seconds"),
    ("no recovery point", lambda s: [{"name": "fs-y", "resource_type": "EFS"}], "recovery_point_arn"),
    ("an RDS name RDS refuses", lambda s: [{"name": "1-bad--name", "resource_type": "RDS",
                                            "recovery_point_arn": s["rds"]["recovery_point_arn"]}], "name"),  # fmt: skip
    ("a good target beside a bad one", lambda s: [efs_target(s, "good-fs"), efs_target(s, "bad-fs", rpo_seconds=0)], "rpo_seconds"),
]


def test_bad_targets_start_nothing_and_name_the_target_and_field(emulator_server, run_playbook):
    seeded = seed_demo(emulator_server.endpoint_url)
    before = inventory(emulator_server)
    emulator_server.reset_calls()
    for what, targets, field in BAD_TARGETS:
        result = run_playbook(ROLE, role_vars(seeded, "drill", targets(seeded)))
        assert result.rc != 0, what
        assert "restore_targets[" in result.stdout and field in result.stdout, f"{what}: {result.stdout[-2000:]}"
        assert "Traceback" not in result.stdout + result.stderr, what
    assert emulator_server.calls().get("StartRestoreJob", 0) == 0
    assert inventory(emulator_server) == before


SECRET_VALUES = ("pw-Drill-Secret-1", "pw-Drill-Secret-2", "pw-Drill-Secret-3", "pw-Drill-Secret-4")


def secret_targets(seeded: dict[str, Any]) -> list[dict[str, Any]]:
    return [{
        "name": "secret-db", "resource_type": "RDS", "backup_vault_name": seeded["backup_vault_name"],
        "recovery_point_arn": seeded["rds"]["recovery_point_arn"],
        "metadata": {"MasterUserPassword": SECRET_VALUES[0], "MasterUserPwd": SECRET_VALUES[1],
                     "ExtraSecrets": [{"ApiToken": SECRET_VALUES[2]}]},
        # A secret under a key no pattern recognises (and that AWS does not echo back).
        "secret_metadata": {"LoginCode": SECRET_VALUES[3]},
    }]  # fmt: skip


def assert_no_secret(text: str, where: str) -> None:
    leaked = [value for value in SECRET_VALUES if value in text]
    assert not leaked, f"{where} shows {leaked}"


@pytest.mark.parametrize("verbosity", [0, 1, 3, 4])
def test_secret_metadata_is_never_shown_at_any_verbosity(emulator_server, run_playbook, verbosity):
    seeded = seed_demo(emulator_server.endpoint_url)
    result = run_playbook(ROLE, role_vars(seeded, "drill", secret_targets(seeded)), verbosity=verbosity)
    assert result.rc == 0, result.stdout[-3000:]
    assert_no_secret(result.stdout + result.stderr, f"-{'v' * verbosity} output")
    # The reports, the journal and the restore history's record alike.
    for path in (p for p in result.output_dir.rglob("*") if p.is_file()):
        assert_no_secret(path.read_text(), path.name)
    assert list(result.output_dir.glob("history/restore-*.json"))
    # The secrets reached AWS: only what is shown is masked.
    backup = emulator_server.client("backup")
    (job,) = backup.list_restore_jobs()["RestoreJobs"]
    sent = backup.get_restore_job_metadata(RestoreJobId=job["RestoreJobId"])["Metadata"]
    assert sent["MasterUserPassword"] == SECRET_VALUES[0] and sent["LoginCode"] == SECRET_VALUES[3]


def test_secret_metadata_never_reaches_awx_job_events_even_when_the_drill_fails(emulator_server, playbook_invocation, tmp_path):
    seeded = seed_demo(emulator_server.endpoint_url)
    for failing in (False, True):
        if failing:
            emulator_server.fail_restore_jobs(1, status_message="injected failure")
        invocation = playbook_invocation(ROLE, role_vars(seeded, "drill", secret_targets(seeded)), verbosity=3)
        runner, events = invocation.run_through_ansible_runner(ROLE, tmp_path / f"runner-{failing}", verbosity=3)
        assert (runner.rc != 0) is failing, runner.stdout.read()[-3000:]
        assert events, "ansible-runner emitted job events"
        assert_no_secret(json.dumps(events), f"job events ({'failed' if failing else 'succeeded'} drill)")
        assert_no_secret(runner.stdout.read(), "ansible-runner stdout")
        stats = [e for e in events if e.get("event") == "playbook_on_stats"]
        assert stats and "restore_report" in json.dumps(stats[-1].get("event_data", {}).get("artifact_data", {}))


def test_a_drill_stopped_by_sigterm_is_cleaned_up_later_by_ownership(emulator_server, run_playbook, playbook_invocation, tmp_path):
    seeded = seed_demo(emulator_server.endpoint_url)
    before = inventory(emulator_server)
    emulator_server.configure(restore_job_seconds=12)
    targets = [efs_target(seeded, "stopped-fs"),
               {"name": "stopped-db", "resource_type": "RDS", "backup_vault_name": seeded["backup_vault_name"],
                "recovery_point_arn": seeded["rds"]["recovery_point_arn"]},
               {"name": "stopped-aurora", "resource_type": "Aurora", "backup_vault_name": seeded["backup_vault_name"],
                "recovery_point_arn": seeded["aurora"]["recovery_point_arn"]}]  # fmt: skip
    invocation = playbook_invocation(ROLE, role_vars(seeded, "drill", targets))
    stop_drill_while_it_waits(invocation, tmp_path, seconds_into_the_wait=2)
    assert not list(invocation.output_dir.glob("drill-*[0-9a-f].json")), "a stopped drill writes no report"

    # The restore jobs carry on in AWS and create their resources, unmarked.
    wait_until_restore_jobs_completed(emulator_server)
    assert inventory(emulator_server) != before

    # The next drill reports them, and a cleanup deletes them, by ownership.
    emulator_server.configure(restore_job_seconds=1)
    later = run_playbook(ROLE, role_vars(seeded, "drill", [efs_target(seeded, "later-fs")]))
    assert later.rc == 0, later.stdout[-3000:]
    (summary,) = [r for r in reports(later) if r["targets"][0]["name"] == "later-fs"]
    assert summary["leftovers"] and "restore_mode=cleanup" in later.stdout
    cleanup = run_playbook(ROLE, role_vars(seeded, "cleanup", []))
    assert cleanup.rc == 0, cleanup.stdout[-3000:]
    assert inventory(emulator_server) == before
    assert not list(invocation.output_dir.glob("drill-*.journal.json")), "the cleaned run's journal is removed"
    again = run_playbook(ROLE, role_vars(seeded, "cleanup", []))
    assert again.rc == 0 and inventory(emulator_server) == before
