"""The restore history's records (plugins/module_utils/history.py): what a record holds, who ran
it, no secrets, written atomically and exclusively, one that cannot be read left as it is."""

from __future__ import annotations

import json
import threading

import pytest

from ansible_collections.recovery.aws_backup.plugins.module_utils.history import SCHEMA
from ansible_collections.recovery.aws_backup.plugins.module_utils.history import HistoryError
from ansible_collections.recovery.aws_backup.plugins.module_utils.history import object_key
from ansible_collections.recovery.aws_backup.plugins.module_utils.history import ran_by
from ansible_collections.recovery.aws_backup.plugins.module_utils.history import read_directory
from ansible_collections.recovery.aws_backup.plugins.module_utils.history import record
from ansible_collections.recovery.aws_backup.plugins.module_utils.history import record_name
from ansible_collections.recovery.aws_backup.plugins.module_utils.history import write_record
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import MASK
from ansible_collections.recovery.aws_backup.plugins.module_utils import validation_record

SOURCE = "arn:aws:rds:us-east-1:123456789012:db:orders"
POINT = "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-1"


def a_run(run_id: str = "20261204T151000Z-1a2b3c4d", error: str = "", db_error: str = "") -> dict:
    """A restore_run as run_record.fold leaves it: a passed target and, with db_error, a failed one."""
    job = {"restore_job_id": "JOB-1", "status": "COMPLETED", "creation_date": "2026-12-04T15:10:05Z",
           "recovery_point_arn": POINT, "recovery_point_creation_date": "2026-12-04T14:10:05Z",
           "source_resource_arn": SOURCE, "created_resource_arn": "arn:aws:rds:us-east-1:123456789012:db:drill-orders"}  # fmt: skip
    failed_job = {"restore_job_id": "JOB-2", "status": "FAILED", "creation_date": "2026-12-04T15:10:05Z", "recovery_point_arn": POINT}
    return {
        "id": run_id, "mode": "drill", "region": "us-east-1", "started": 1796397000.0, "error": error,
        "order": ["drill-orders", "drill-files"],
        "targets": {
            "drill-orders": {
                "plan": {"name": "drill-orders", "resource_type": "RDS", "backup_vault_name": "prod", "rto_seconds": 600, "rpo_seconds": 3000},
                "job": job, "source": {}, "usable_at": 1796397305.0, "created_resource_arn": job["created_resource_arn"],
                "measures": {"recovery_time_seconds": 300, "recovery_point_age_seconds": 3600, "rto_met": True, "rpo_met": False},
                "validation": "passed", "teardown": "deleted", "error": "",
            },
            "drill-files": {
                "plan": {"name": "drill-files", "resource_type": "EFS", "backup_vault_name": "prod",
                         "resource_arn": "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1"},
                "job": failed_job if db_error else None, "source": {}, "usable_at": None, "created_resource_arn": "",
                "measures": {}, "validation": "not run", "teardown": None, "error": db_error,
            },
        },
        "report": {"targets": [
            {"name": "drill-orders", "restore_job_status": "COMPLETED", "regional": False, "source_region": "us-east-1"},
            {"name": "drill-files", "restore_job_status": "FAILED" if db_error else "NOT STARTED"},
        ]},
    }  # fmt: skip


def test_a_record_holds_the_run_who_ran_it_and_each_target_against_its_objectives():
    who = ran_by({"awx_job_id": 4242, "awx_user_name": "auditor", "awx_job_template_name": "DR drill"}, "runner", "ee-node-1")
    entry = record(a_run(), who, "0.4.0", "2026-12-04T15:20:00Z")
    assert entry["schema"] == SCHEMA and entry["run_id"] == "20261204T151000Z-1a2b3c4d" and entry["mode"] == "drill"
    assert entry["started"] == "2026-12-04T15:10:00Z" and entry["recorded"] == "2026-12-04T15:20:00Z"
    assert entry["ran_by"] == {"awx_job_id": 4242, "awx_user_name": "auditor", "awx_job_template_name": "DR drill",
                               "awx_job_template_id": None, "controller_user": "runner", "controller_host": "ee-node-1"}  # fmt: skip
    assert entry["collection"] == {"name": "recovery.aws_backup", "version": "0.4.0"}
    orders, files = entry["targets"]
    assert orders["resource_arn"] == SOURCE and orders["resource_type"] == "RDS" and orders["backup_vault_name"] == "prod"
    assert orders["recovery_point_arn"] == POINT and orders["recovery_point_created"] == "2026-12-04T14:10:05Z"
    assert (orders["recovery_point_age_seconds"], orders["rpo_seconds"], orders["rpo_met"]) == (3600, 3000, False)
    assert (orders["recovery_time_seconds"], orders["rto_seconds"], orders["rto_met"]) == (300, 600, True)
    assert orders["restore_job_id"] == "JOB-1" and orders["created_resource_arn"].endswith(":db:drill-orders")
    assert (orders["validation"], orders["teardown"], orders["outcome"]) == ("passed", "deleted", "passed")
    # A target given by its resource keeps that ARN even when it never started.
    assert files["resource_arn"].endswith("file-system/fs-1") and files["restore_job_status"] == "NOT STARTED"
    assert entry["succeeded"] is True


def test_a_failed_restore_is_recorded_as_a_failed_test_and_a_failed_run():
    entry = record(a_run(db_error="restore: restore job JOB-2 ended FAILED: injected"), ran_by({}), "0.4.0", 0)
    files = entry["targets"][1]
    assert (files["outcome"], files["restore_job_status"], files["restore_job_id"]) == ("failed", "FAILED", "JOB-2")
    assert "injected" in files["error"] and entry["succeeded"] is False


def test_a_validation_message_is_kept_apart_from_its_verdict():
    run = a_run()
    run["targets"]["drill-orders"].update(validation="failed: 3 rows, expected 4", error="validation: 3 rows, expected 4")
    orders = record(run, ran_by({}), "0.4.0", 0)["targets"][0]
    assert (orders["validation"], orders["validation_message"], orders["outcome"]) == ("failed", "3 rows, expected 4", "failed")


def test_older_awx_names_and_the_controller_when_there_is_no_awx():
    assert ran_by({"tower_job_id": 7, "tower_user_name": "ops"})["awx_job_id"] == 7
    assert ran_by({"tower_job_id": 7, "tower_user_name": "ops"})["awx_user_name"] == "ops"
    plain = ran_by({}, "alice", "laptop")
    assert plain["awx_job_id"] is None and (plain["controller_user"], plain["controller_host"]) == ("alice", "laptop")


def test_secrets_never_enter_a_record():
    run = a_run(error="StartRestoreJob refused MasterUserPassword=Sup3r-Secret!")
    run["targets"]["drill-orders"]["validation"] = "failed: login with Sup3r-Secret! refused"
    run["targets"]["drill-orders"]["plan"]["metadata"] = {"MasterUserPassword": "other-secret"}
    text = json.dumps(record(run, ran_by({}), "0.4.0", 0, [{"MasterUserPassword": "Sup3r-Secret!"}]))
    assert "Sup3r-Secret!" not in text and MASK in text


def test_a_record_is_written_once_under_a_unique_name_and_never_rewritten(tmp_path):
    entry = record(a_run(), ran_by({}), "0.4.0", 0)
    path = write_record(str(tmp_path / "history"), entry)
    assert path.endswith("/restore-20261204T151000Z-1a2b3c4d.json")
    assert json.loads(open(path).read()) == entry
    changed = {**entry, "succeeded": False}
    with pytest.raises(HistoryError, match="never rewritten"):
        write_record(str(tmp_path / "history"), changed)
    assert json.loads(open(path).read()) == entry
    # No temporary file is left beside the records.
    assert sorted(p.name for p in (tmp_path / "history").iterdir()) == ["restore-20261204T151000Z-1a2b3c4d.json"]


def test_runs_at_once_all_land(tmp_path):
    entries = [record(a_run(f"20261204T151000Z-{i:08x}"), ran_by({}), "0.4.0", 0) for i in range(8)]
    threads = [threading.Thread(target=write_record, args=(str(tmp_path), e)) for e in entries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    records, unreadable = read_directory(str(tmp_path))
    assert unreadable == [] and sorted(r["run_id"] for r in records) == sorted(e["run_id"] for e in entries)


def test_a_history_file_that_cannot_be_read_is_named_and_left_as_it_is(tmp_path):
    write_record(str(tmp_path), record(a_run(), ran_by({}), "0.4.0", 0))
    (tmp_path / "restore-torn.json").write_bytes(b'{"schema": "recovery.aws_b')
    (tmp_path / "restore-other.json").write_text('{"something": "else"}')
    (tmp_path / "notes.txt").write_text("not a record")
    records, unreadable = read_directory(str(tmp_path))
    assert [r["run_id"] for r in records] == ["20261204T151000Z-1a2b3c4d"]
    assert sorted(u["path"].rsplit("/", 1)[-1] for u in unreadable) == ["restore-other.json", "restore-torn.json"]
    assert (tmp_path / "restore-torn.json").read_bytes() == b'{"schema": "recovery.aws_b'
    assert read_directory(str(tmp_path / "missing")) == ([], [])


def test_names_and_keys():
    with pytest.raises(HistoryError, match="cannot name"):
        record_name({"run_id": "../../etc/passwd"})
    assert object_key("drills/prod/", "restore-x.json") == "drills/prod/restore-x.json"
    assert object_key("", "restore-x.json") == "restore-x.json"
    with pytest.raises(HistoryError, match="restore_run"):
        record({"targets": []}, ran_by({}), "0.4.0", 0)


PLAN_ARN = "arn:aws:backup:us-east-1:123456789012:restore-testing-plan:nightly_tests-1a2b"
VAULT_ARN = "arn:aws:backup:us-east-1:123456789012:backup-vault:prod"


def a_validation_run(put_failed: bool = False, error: str = "") -> dict:
    """A restore_run of validate mode as validation_record.fold_validation leaves it: restore job GOOD
    validated SUCCESSFUL, BAD FAILED by the user's tasks, LATE found awaiting but never checked."""

    def job(job_id: str, source: str) -> dict:
        return {"name": job_id, "restore_job_id": job_id, "resource_type": "RDS", "status": "COMPLETED",
                "created_resource_arn": f"arn:aws:rds:us-east-1:123456789012:db:awsbackup-restore-test-{job_id.lower()}",
                "recovery_point_arn": f"{POINT}-{job_id}", "source_resource_arn": source, "backup_vault_arn": VAULT_ARN,
                "recovery_point_creation_date": "2026-12-04T04:00:00Z", "creation_date": "2026-12-04T05:00:30Z",
                "completion_date": "2026-12-04T05:20:00Z", "validation_window_ends": "2026-12-04T07:20:00Z",
                "awaiting_validation": True, "reason": "", "expected": {}}  # fmt: skip

    run = validation_record.new_validation_run(
        {"id": "20261204T060000Z-0badc0de", "mode": "validate", "region": "us-east-1", "started": 1796364000.0, "wait_timeout": 3600},
        {"restore_testing_plan": "nightly_tests"},
    )
    steps = {
        "found": {"restore_testing_plan_arn": PLAN_ARN, "restore_testing_jobs": [
            job("GOOD", SOURCE), job("BAD", "arn:aws:rds:us-east-1:123456789012:db:billing"),
            job("LATE", "arn:aws:rds:us-east-1:123456789012:db:legacy"),
            {**job("DONE", SOURCE), "awaiting_validation": False, "reason": "validation status already SUCCESSFUL"}]},
        "ready": {"resources": [{"name": n, "status": "usable", "validation": "passed", "usable_at": "2026-12-04T06:01:00Z"} for n in ("GOOD", "BAD")]},
        "hook_failures": {"BAD": "orders table is empty"}, "ran_hook": True,
        "validated": {"results": [
            {"name": "GOOD", "validation_status": "SUCCESSFUL", "changed": not put_failed, "failed": put_failed, "msg": "AccessDenied"},
            {"name": "BAD", "validation_status": "FAILED", "changed": True}]},
        "error": error, "now": 1796364000.0,
    }  # fmt: skip
    return validation_record.fold_validation(run, steps)


def test_a_validation_run_records_each_restore_job_it_validated():
    entry = record(a_validation_run(), ran_by({"awx_job_id": 77}), "0.4.0", "2026-12-04T06:05:00Z")
    assert entry["mode"] == "validate" and entry["restore_testing_plan"] == PLAN_ARN and entry["ran_by"]["awx_job_id"] == 77
    # The job validation skipped (its status was set) is no test of this run.
    good, bad, late = entry["targets"]
    assert [t["restore_job_id"] for t in entry["targets"]] == ["GOOD", "BAD", "LATE"]
    assert (good["resource_arn"], good["resource_type"], good["backup_vault_name"]) == (SOURCE, "RDS", "prod")
    assert good["recovery_point_arn"] == f"{POINT}-GOOD" and good["recovery_point_created"] == "2026-12-04T04:00:00Z"
    # The point's age when the restore test restored it.
    assert good["recovery_point_age_seconds"] == 3630 and good["restore_job_created"] == "2026-12-04T05:00:30Z"
    assert good["created_resource_arn"].endswith(":db:awsbackup-restore-test-good") and good["restore_testing_plan"] == PLAN_ARN
    assert (good["validation"], good["validation_message"], good["validation_result_recorded"]) == (
        "SUCCESSFUL", "built-in checks passed; validation tasks passed", True)
    assert (good["teardown"], good["outcome"], good["error"]) == ("by AWS restore testing", "passed", "")
    # Nothing measured a recovery time, and a restore testing plan has no objectives: left empty.
    for target in entry["targets"]:
        assert [target[k] for k in ("recovery_time_seconds", "rto_seconds", "rto_met", "rpo_seconds", "rpo_met")] == [None] * 5
    assert (bad["validation"], bad["validation_message"], bad["validation_result_recorded"]) == (
        "FAILED", "validation tasks failed: orders table is empty", True)
    assert bad["outcome"] == "failed" and "orders table is empty" in bad["error"]
    # Found but never checked: not a passed test.
    assert (late["validation"], late["validation_result_recorded"], late["outcome"]) == ("not validated", False, "failed")
    assert late["error"] and entry["succeeded"] is False


def test_a_successful_verdict_whose_result_was_not_put_is_no_passed_test():
    good = record(a_validation_run(put_failed=True), ran_by({}), "0.4.0", 0)["targets"][0]
    assert (good["validation"], good["validation_result_recorded"], good["outcome"]) == ("SUCCESSFUL", False, "failed")
    assert "result not recorded: AccessDenied" in good["error"]
