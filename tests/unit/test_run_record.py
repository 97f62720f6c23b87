"""The restore role's record of a run (run_record.py): each step's module result folded in by the
caller's target names, the requests of the next step, progress lines, measures, the report. No
AWS, no Ansible run (tests/unit/test_restore_plan.py runs the filters in a real playbook)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import InputError
from ansible_collections.recovery.aws_backup.plugins.module_utils.run_record import fold
from ansible_collections.recovery.aws_backup.plugins.module_utils.run_record import new_run
from ansible_collections.recovery.aws_backup.plugins.module_utils.run_record import requests

EFS_ARN = "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0123456789abcdef0"
RDS_POINT = "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-1"
CREATED_FS = "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0aaaabbbbccccdddd"
CREATED_DB = "arn:aws:rds:us-east-1:123456789012:db:orders"
T0 = datetime(2026, 11, 25, 10, 0, 0, tzinfo=timezone.utc).timestamp()


@pytest.fixture
def targets():
    return [
        {"name": "files", "resource_type": "EFS", "resource_arn": EFS_ARN, "backup_vault_name": "vault-a", "rto_seconds": 900,
         "subnet_ids": ["subnet-1"], "security_group_ids": ["sg-1"]},
        {"name": "orders", "resource_type": "RDS", "recovery_point_arn": RDS_POINT, "backup_vault_name": "vault-a",
         "metadata": {"MasterUserPassword": "hunter2-secret"}, "secret_metadata": {"Other": "s3cr3t-too"}},
    ]  # fmt: skip


@pytest.fixture
def run(targets):
    return new_run(targets, "drill", "run-1", {"started": T0, "wait_timeout": 600, "journal": "/s/drill-run-1.journal.json"})


def job(job_id, status, minute=0, **fields):
    return {"restore_job_id": job_id, "status": status, "creation_date": f"2026-11-25T10:{minute:02d}:00+00:00", **fields}


START = {"restore_jobs": [
    {"name": "files", "changed": True, "failed": False, "restore_job": job("j-1", "PENDING", recovery_point_arn="rp-1")},
    {"name": "orders", "changed": True, "failed": False, "restore_job": job("j-2", "PENDING")},
]}  # fmt: skip


def test_the_record_holds_no_secret_and_the_start_request_carries_them_only_under_secret_metadata(run, targets):
    assert "hunter2" not in repr(run) and "s3cr3t" not in repr(run)
    start = requests(run, "start", targets)
    assert [r["name"] for r in start] == ["files", "orders"]
    assert start[0]["resource_arn"] == EFS_ARN and start[0]["force"] is True and start[0]["idempotency_token"]
    assert "secret_metadata" not in start[0]
    assert start[1]["secret_metadata"] == {"MasterUserPassword": "hunter2-secret", "Other": "s3cr3t-too"}
    assert "hunter2-secret" not in repr(start[1]["metadata"])


def test_started_and_failed_starts_are_folded_by_name(run):
    record = fold(run, {"start": {"restore_jobs": [
        {"name": "orders", "changed": False, "failed": True, "msg": "Failed starting: AccessDenied"},
        START["restore_jobs"][0],
    ]}, "now": T0 + 5})  # fmt: skip
    assert record["targets"]["files"]["job"]["restore_job_id"] == "j-1"
    assert record["failed"] == {"orders": "restore: Failed starting: AccessDenied"}
    assert record["running"] == ["files"]
    assert record["journal_content"] == {"run_id": "run-1", "restore_job_ids": ["j-1"], "copy_jobs": [],
                                         "path": "/s/drill-run-1.journal.json"}
    assert requests(record, "await") == {"restore_jobs": [{"name": "files", "restore_job_id": "j-1"}], "copy_jobs": []}


def test_a_poll_updates_each_job_by_name_and_progress_lines_show_status_percent_and_rto(run):
    status = {"restore_jobs": [
        {**job("j-1", "RUNNING", percent_done="40.00%"), "name": "files", "ended": False},
        {**job("j-2", "FAILED", status_message="DB identifier exists"), "name": "orders", "ended": True},
    ]}  # fmt: skip
    record = fold(run, {"start": START, "status": status, "now": T0 + 125})
    assert record["progress"] == [
        "EFS files: restore job j-1 RUNNING 40.00% done, 0:02:05 elapsed of RTO 0:15:00",
        "RDS orders: restore job j-2 FAILED, 0:02:05 elapsed - restore: restore job j-2 ended FAILED: DB identifier exists",
    ]
    assert record["running"] == ["files"]
    status["restore_jobs"][0] = {**job("j-1", "COMPLETED", completion_date="2026-11-25T10:01:00Z", created_resource_arn=CREATED_FS),
                                 "name": "files", "ended": True}
    record = fold(run, {"start": START, "status": status, "now": T0 + 125})
    assert record["progress"][0] == f"EFS files: restore job j-1 COMPLETED, 0:01:00 elapsed of RTO 0:15:00 - {CREATED_FS}"
    assert record["running"] == []


def test_a_job_still_running_past_the_deadline_did_not_end_in_time(run):
    status = {"restore_jobs": [{**job("j-1", "RUNNING"), "name": "files"}, {**job("j-2", "COMPLETED"), "name": "orders"}]}
    assert fold(run, {"start": START, "status": status, "now": T0 + 599})["running"] == ["files"]
    record = fold(run, {"start": START, "status": status, "now": T0 + 600})
    assert record["running"] == []
    assert record["failed"]["files"] == "restore: restore job j-1 did not end within restore_wait_timeout=600 seconds"


def test_ready_requests_give_each_driver_its_settings_and_expected_values(run):
    status = {"restore_jobs": [
        {**job("j-1", "COMPLETED", created_resource_arn=CREATED_FS, recovery_point_arn="rp-1"), "name": "files"},
        {**job("j-2", "RUNNING"), "name": "orders"},
    ]}  # fmt: skip
    ready = requests(fold(run, {"start": START, "status": status, "now": T0 + 60}), "ready")
    assert ready == [{
        "name": "files", "restore_job_id": "j-1",
        "settings": {"tags": {"Name": "files", "restored-from": "rp-1"}, "subnet_ids": ["subnet-1"], "security_group_ids": ["sg-1"]},
        "expected": {"creation_token": "files", "encrypted": True, "performance_mode": "generalPurpose"},
    }]  # fmt: skip


def test_usable_time_validation_and_measures_come_from_the_ready_step(run):
    status = {"restore_jobs": [
        {**job("j-1", "COMPLETED", created_resource_arn=CREATED_FS, recovery_point_creation_date="2026-11-25T09:00:00Z"),
         "name": "files"},
        {**job("j-2", "COMPLETED", created_resource_arn=CREATED_DB), "name": "orders"},
    ]}  # fmt: skip
    ready = {"resources": [
        {"name": "files", "status": "marked", "usable_at": T0 + 1000.5, "facts": {"life_cycle_state": "available"},
         "validation": "passed"},
        {"name": "orders", "status": "marked", "usable_at": T0 + 30, "facts": {"db_instance_identifier": "orders-old"},
         "validation": "failed: orders: db_instance_identifier is 'orders-old', expected 'orders'"},
    ]}  # fmt: skip
    record = fold(run, {"start": START, "status": status, "ready": ready, "hook_failures": {}, "now": T0 + 2000})
    files = record["targets"]["files"]
    assert files["usable_at"] == T0 + 1000.5 and files["validation"] == "passed"
    assert files["measures"]["recovery_time_seconds"] == 1001 and files["measures"]["rto_met"] is False
    assert files["measures"]["recovery_point_age_seconds"] == 3600
    assert record["failed"] == {"orders": "validation: orders: db_instance_identifier is 'orders-old', expected 'orders'"}
    hooked = fold(run, {"start": START, "status": status, "ready": ready, "hook_failures": {"files": "no index.html"}})
    assert hooked["targets"]["files"]["validation"] == "failed: no index.html"
    assert hooked["failed"]["files"] == "validation: no index.html"
    assert hooked["report"]["succeeded"] is False


def test_objective_misses_fail_targets_only_when_asked(targets):
    status = {"restore_jobs": [{**job("j-1", "COMPLETED", created_resource_arn=CREATED_FS), "name": "files"}]}
    ready = {"resources": [{"name": "files", "status": "marked", "usable_at": T0 + 1000, "validation": "passed"}]}
    strict = new_run(targets[:1], "drill", "run-1", {"fail_on_objective_miss": True})
    assert fold(strict, {"start": START, "status": status, "ready": ready})["failed"] == {"files": "RTO missed"}
    lenient = new_run(targets[:1], "drill", "run-1")
    assert fold(lenient, {"start": START, "status": status, "ready": ready})["failed"] == {}


def test_a_resource_not_made_usable_fails_its_target(run):
    ready = {"resources": [{"name": "orders", "status": "refused: it is marked as created by restore job 'j-9'"}]}
    record = fold(run, {"start": START, "ready": ready})
    assert record["failed"]["orders"] == "post-restore: refused: it is marked as created by restore job 'j-9'"


def test_teardown_statuses_by_name_and_the_journal_goes_only_when_every_job_ended(run):
    status = {"restore_jobs": [{**job("j-1", "COMPLETED", created_resource_arn=CREATED_FS), "name": "files"},
                               {**job("j-2", "RUNNING"), "name": "orders"}]}
    teardown = {"resources": [{"name": "files", "restore_job_id": "j-1", "status": "deleted"},
                              {"name": "orders", "restore_job_id": "j-2", "status": "nothing created"}]}
    record = fold(run, {"start": START, "status": status, "teardown": teardown, "now": T0 + 10})
    assert record["targets"]["files"]["teardown"] == "deleted"
    assert record["journal_done"] is False
    assert requests(record, "teardown") == {
        "resources": [{"name": "files", "restore_job_id": "j-1"}, {"name": "orders", "restore_job_id": "j-2"}], "copies": []}
    status["restore_jobs"][1] = {**job("j-2", "FAILED"), "name": "orders"}
    assert fold(run, {"start": START, "status": status, "teardown": teardown})["journal_done"] is True
    assert fold(run, {"start": START, "status": status, "teardown": {**teardown, "failed": True}})["journal_done"] is False


def test_leftovers_and_cleanup_requests_come_from_journals_and_marked_resources(run):
    journals = [{"run_id": "old", "restore_job_ids": ["j-7"], "copy_jobs": [{"copy_job_id": "c-1", "region": "us-west-2"}],
                 "path": "/s/drill-old.journal.json"}]
    marked = {"resources": [{"run_id": "older", "restore_job_id": "j-8"}, {"run_id": "run-1", "restore_job_id": "j-1"}]}
    record = fold(run, {"journals": journals, "preflight": marked})
    assert [r["run_id"] for r in record["leftovers"]] == ["old", "older"]
    assert record["report_lines"][-1].startswith("Earlier drill run older may have left resources behind")
    assert requests(record, "cleanup")[0] == {
        "run_id": "old", "journals": ["/s/drill-old.journal.json"],
        "resources": [{"name": "j-7", "restore_job_id": "j-7"}],
        "copies": [{"name": "c-1", "copy_job_id": "c-1", "region": "us-west-2"}],
    }  # fmt: skip


def test_bad_step_names_the_steps():
    with pytest.raises(InputError, match="step must be one of preflight, copies, start"):
        requests({"targets": {}, "order": []}, "launch")
    with pytest.raises(InputError, match="the record must be the one restore_plan returned"):
        fold({"jobs": {}}, {})
