"""Drills of DynamoDB tables and S3 buckets through real ansible-playbook runs of the restore role
on the emulator server: a drill restores, validates (the built-in checks read the table's status
and item count, the bucket's versioning and object count), measures and tears down by ownership,
and the safety cases: a table or bucket named like the target is never touched (nor is an
existing bucket restored into by a drill), the same drill twice restores twice, and a drill
stopped by SIGTERM is cleaned up later by ownership. Both types go in one drill each time."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.emulator import seed
from tests.integration.interrupted import stop_drill_while_it_waits, wait_until_restore_jobs_completed

ROLE = Path(__file__).parent / "playbooks" / "restore_role" / "role.yml"


def seeded_points(server: Any) -> dict[str, Any]:
    backup, iam = server.client("backup"), server.client("iam")
    table = seed.seed_dynamodb_recovery_point(backup, server.client("dynamodb"), iam, "drill-vault", "prod-orders", items=7)
    bucket = seed.seed_s3_recovery_point(backup, server.client("s3"), iam, "drill-vault", "prod-reports", objects=4)
    return {"backup_vault_name": "drill-vault", "iam_role_arn": table["iam_role_arn"], "dynamodb": table, "s3": bucket}


def inventory(server: Any) -> dict[str, Any]:
    dynamodb = server.client("dynamodb")
    tables = dynamodb.list_tables()["TableNames"]
    s3 = server.client("s3")
    buckets = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    return {"tables": {name: dynamodb.describe_table(TableName=name)["Table"]["ItemCount"] for name in tables},
            "buckets": {name: s3.list_objects_v2(Bucket=name).get("KeyCount", 0) for name in buckets}}  # fmt: skip


def table_target(seeded: dict[str, Any], name: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "resource_type": "DynamoDB", "backup_vault_name": seeded["backup_vault_name"],
            "recovery_point_arn": seeded["dynamodb"]["recovery_point_arn"], **extra}  # fmt: skip


def bucket_target(seeded: dict[str, Any], name: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "resource_type": "S3", "backup_vault_name": seeded["backup_vault_name"],
            "recovery_point_arn": seeded["s3"]["recovery_point_arn"], **extra}  # fmt: skip


def both(seeded: dict[str, Any], suffix: str, **extra: Any) -> list[dict[str, Any]]:
    return [table_target(seeded, f"orders-{suffix}", **extra), bucket_target(seeded, f"reports-{suffix}", **extra)]


def role_vars(seeded: dict[str, Any], mode: str, targets: list[dict[str, Any]]) -> dict[str, Any]:
    return {"mode": mode, "iam_role_arn": seeded["iam_role_arn"], "targets": targets}


def reports(result: Any) -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted(result.output_dir.glob("drill-*[0-9a-f].json"))]


def test_a_drill_restores_validates_measures_and_tears_down(emulator_server, run_playbook):
    seeded = seeded_points(emulator_server)
    emulator_server.configure(restore_job_seconds=1)
    before = inventory(emulator_server)
    result = run_playbook(ROLE, role_vars(seeded, "drill", both(seeded, "drill", rto_seconds=3600, rpo_seconds=86400)))
    assert result.rc == 0, result.stdout[-3000:]
    (summary,) = reports(result)
    assert [t["resource_type"] for t in summary["targets"]] == ["DynamoDB", "S3"]
    for target in summary["targets"]:
        assert target["restore_job_status"] == "COMPLETED" and target["validation"] == "passed", target
        assert target["teardown"] == "deleted"
        assert isinstance(target["rto_seconds"], (int, float)) and isinstance(target["rpo_seconds"], (int, float))
    # The restored table and bucket were read and torn down; the sources keep their data.
    assert inventory(emulator_server) == before == {"tables": {"prod-orders": 7}, "buckets": {"prod-reports": 4}}
    calls = emulator_server.calls("dynamodb")
    assert calls.get("DescribeBackup", 0) >= 1 and calls.get("DeleteTable") == 1


def test_a_table_or_bucket_named_like_the_target_is_never_touched(emulator_server, run_playbook):
    seeded = seeded_points(emulator_server)
    seed.create_dynamodb_table(emulator_server.client("dynamodb"), "orders-live", items=2)
    seed.create_s3_bucket(emulator_server.client("s3"), "reports-live", objects=2)
    before = inventory(emulator_server)
    emulator_server.reset_calls()
    result = run_playbook(ROLE, role_vars(seeded, "drill", both(seeded, "live")))
    assert result.rc != 0
    assert "orders-live" in result.stdout and "reports-live" in result.stdout, result.stdout[-3000:]
    # A drill never restores into an existing bucket, even when asked to.
    refused = run_playbook(ROLE, role_vars(seeded, "drill", [bucket_target(seeded, "reports-live", existing_bucket=True)]))
    assert refused.rc != 0 and "existing_bucket is not supported in a drill" in refused.stdout, refused.stdout[-3000:]
    assert emulator_server.calls().get("StartRestoreJob", 0) == 0, "refused before anything started"
    assert not {"DeleteTable", "TagResource", "UpdateTable"} & set(emulator_server.calls("dynamodb"))
    # (the emulator counts no S3 calls: the bucket's objects and tags are compared instead)
    with pytest.raises(ClientError, match="NoSuchTagSet"):
        emulator_server.client("s3").get_bucket_tagging(Bucket="reports-live")
    assert inventory(emulator_server) == before


def test_the_same_drill_twice_restores_twice(emulator_server, run_playbook):
    seeded = seeded_points(emulator_server)
    emulator_server.configure(restore_job_seconds=0)
    before = inventory(emulator_server)
    drill = role_vars(seeded, "drill", both(seeded, "twice"))
    first = run_playbook(ROLE, drill)
    assert first.rc == 0, first.stdout[-3000:]
    emulator_server.reset_calls()
    second = run_playbook(ROLE, drill)
    assert second.rc == 0, second.stdout[-3000:]
    assert emulator_server.calls().get("StartRestoreJob", 0) == 2
    jobs = [{t["restore_job_id"] for t in r["targets"]} for r in reports(second)]
    assert len(jobs) == 2 and not jobs[0] & jobs[1], "the second drill ran its own restore jobs"
    assert all(t["teardown"] == "deleted" and t["validation"] == "passed" for r in reports(second) for t in r["targets"])
    assert inventory(emulator_server) == before


def test_a_drill_stopped_by_sigterm_is_cleaned_up_later_by_ownership(emulator_server, run_playbook, playbook_invocation, tmp_path):
    seeded = seeded_points(emulator_server)
    before = inventory(emulator_server)
    emulator_server.configure(restore_job_seconds=6)
    invocation = playbook_invocation(ROLE, role_vars(seeded, "drill", both(seeded, "stopped")))
    stop_drill_while_it_waits(invocation, tmp_path, seconds_into_the_wait=1)
    wait_until_restore_jobs_completed(emulator_server)
    left = inventory(emulator_server)
    assert "orders-stopped" in left["tables"] and "reports-stopped" in left["buckets"], "the restore jobs carried on"

    cleanup = run_playbook(ROLE, role_vars(seeded, "cleanup", []))
    assert cleanup.rc == 0, cleanup.stdout[-3000:]
    assert inventory(emulator_server) == before
