"""restore_run: the role's bookkeeping of a run's restore jobs (start requests, what each job is,
progress lines, post-step settings, usable resources, built-in validation), through the filters
the role calls. No AWS, no Ansible run."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.recovery.aws_backup.plugins.filter.restore_plan import FilterModule

FILTERS = FilterModule().filters()
EFS_ARN = "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0123456789abcdef0"
RDS_POINT = "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-1"
CREATED_FS = "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0aaaabbbbccccdddd"
CREATED_DB = "arn:aws:rds:us-east-1:123456789012:db:orders"


@pytest.fixture
def targets():
    return [
        {"name": "files", "resource_type": "EFS", "resource_arn": EFS_ARN, "backup_vault_name": "v", "rto_seconds": 900,
         "subnet_ids": ["subnet-1"], "security_group_ids": ["sg-1"]},
        {"name": "orders", "resource_type": "RDS", "recovery_point_arn": RDS_POINT, "backup_vault_name": "v",
         "metadata": {"MasterUserPassword": "hunter2-secret"}, "secret_metadata": {"Other": "s3cr3t-too"}},
    ]  # fmt: skip


@pytest.fixture
def plan(targets):
    return FILTERS["restore_plan"](targets, "drill", "run-1")


def test_start_requests_carry_each_target_and_its_secrets_only_under_secret_metadata(plan, targets):
    requests = FILTERS["restore_start_requests"](plan, targets)
    assert [r["name"] for r in requests] == ["files", "orders"]
    assert requests[0]["resource_arn"] == EFS_ARN and requests[0]["force"] is True and requests[0]["idempotency_token"]
    assert "secret_metadata" not in requests[0] and "recovery_point_arn" not in requests[0]
    assert requests[1]["secret_metadata"] == {"MasterUserPassword": "hunter2-secret", "Other": "s3cr3t-too"}
    assert "hunter2-secret" not in repr(requests[1]["metadata"])


def test_started_jobs_split_started_from_failed():
    noted = FILTERS["restore_started"]([
        {"name": "files", "changed": True, "failed": False, "restore_job": {"restore_job_id": "j-1", "status": "PENDING"}},
        {"name": "orders", "changed": False, "failed": True, "msg": "Failed starting: AccessDenied"},
    ])  # fmt: skip
    assert noted["started"] == {"files": "j-1"}
    assert noted["jobs"]["files"] == {"restore_job": {"restore_job_id": "j-1", "status": "PENDING"}, "created_resource_arn": "", "error": ""}
    assert noted["failed"] == {"orders": "restore: Failed starting: AccessDenied"}


def test_jobs_seen_takes_the_polled_state_keeps_the_rest_and_marks_what_outlived_the_timeout():
    started = {"files": "j-1", "orders": "j-2", "logs": "j-3"}
    previous = {"logs": {"restore_job": {"restore_job_id": "j-3", "status": "COMPLETED", "created_resource_arn": CREATED_FS},
                         "created_resource_arn": CREATED_FS, "error": ""}}  # fmt: skip
    polled = [
        {"restore_job_id": "j-1", "status": "COMPLETED", "created_resource_arn": CREATED_FS},
        {"restore_job_id": "j-2", "status": "FAILED", "status_message": "DB identifier exists"},
    ]
    jobs = FILTERS["restore_jobs_seen"](started, polled, previous)
    assert jobs["files"]["created_resource_arn"] == CREATED_FS and jobs["files"]["error"] == ""
    assert jobs["orders"]["error"] == "restore job j-2 ended FAILED: DB identifier exists" and jobs["orders"]["created_resource_arn"] == ""
    assert jobs["logs"] == previous["logs"]
    running = FILTERS["restore_jobs_seen"]({"files": "j-1"}, [{"restore_job_id": "j-1", "status": "RUNNING"}], {}, 3600)
    assert running["files"]["error"] == "restore job j-1 did not end within restore_wait_timeout=3600 seconds"


def test_progress_lines_show_job_status_percent_and_time_against_rto(plan):
    jobs = {
        "files": {"restore_job": {"restore_job_id": "j-1", "status": "RUNNING", "percent_done": "40.00%",
                                  "creation_date": "2026-11-25T10:00:00+00:00"}, "created_resource_arn": "", "error": ""},
    }  # fmt: skip
    now = datetime(2026, 11, 25, 10, 2, 5, tzinfo=timezone.utc).timestamp()
    lines = FILTERS["restore_progress"](plan, jobs, {"orders": "restore: AccessDenied"}, now)
    assert lines == [
        "EFS files: restore job j-1 RUNNING 40.00% done, 0:02:05 elapsed of RTO 0:15:00",
        "RDS orders: not started (restore: AccessDenied)",
    ]
    jobs["files"]["restore_job"].update(status="COMPLETED", completion_date="2026-11-25T10:01:00Z")
    jobs["files"]["created_resource_arn"] = CREATED_FS
    lines = FILTERS["restore_progress"](plan, jobs, {}, now)
    assert lines[0] == f"EFS files: restore job j-1 COMPLETED, 0:01:00 elapsed of RTO 0:15:00 - {CREATED_FS}"
    with pytest.raises(AnsibleFilterError, match="restore_progress: now must be"):
        FILTERS["restore_progress"](plan, jobs, {}, "soon")


def test_post_step_settings_are_keyed_by_restore_job_for_completed_efs_only(plan):
    jobs = {
        "files": {"restore_job": {"restore_job_id": "j-1", "recovery_point_arn": "rp-1"}, "created_resource_arn": CREATED_FS, "error": ""},
        "orders": {"restore_job": {"restore_job_id": "j-2"}, "created_resource_arn": CREATED_DB, "error": ""},
    }
    assert FILTERS["restore_post_step_settings"](plan, jobs) == {
        "j-1": {"tags": {"Name": "files", "restored-from": "rp-1"}, "subnet_ids": ["subnet-1"], "security_group_ids": ["sg-1"]},
    }


def test_usable_maps_resources_back_to_targets_and_notes_what_is_not_usable():
    noted = FILTERS["restore_usable"]({"files": "j-1", "orders": "j-2"}, [
        {"restore_job_id": "j-1", "status": "marked", "usable_at": 1795600000.5, "facts": {"life_cycle_state": "available"}},
        {"restore_job_id": "j-2", "status": "refused: it is marked as created by restore job 'j-9'"},
        {"restore_job_id": "j-other", "status": "marked", "usable_at": 1.0},
    ])  # fmt: skip
    assert noted["usable_at"] == {"files": 1795600000.5}
    assert noted["facts"] == {"files": {"life_cycle_state": "available"}}
    assert noted["failed"] == {"orders": "post-restore: refused: it is marked as created by restore job 'j-9'"}


def test_validation_passes_what_is_as_asked_and_names_what_is_not(plan):
    jobs = {"files": {"created_resource_arn": CREATED_FS}, "orders": {"created_resource_arn": CREATED_DB}}
    facts = {
        "files": {"life_cycle_state": "available", "encrypted": True, "creation_token": "files", "performance_mode": "generalPurpose"},
        "orders": {"db_instance_status": "available", "db_instance_identifier": "orders-old"},
    }
    checked = FILTERS["restore_validation"](plan, jobs, facts)
    assert checked["validation"]["files"] == "passed"
    assert checked["validation"]["orders"] == "failed: orders: db_instance_identifier is 'orders-old', expected 'orders'"
    assert checked["failed"] == {"orders": "validation: orders: db_instance_identifier is 'orders-old', expected 'orders'"}
    facts["files"]["encrypted"] = False
    assert "encrypted is False, expected True" in FILTERS["restore_validation"](plan, jobs, facts)["validation"]["files"]
    assert FILTERS["restore_validation"](plan, jobs, {})["failed"]["files"] == "validation: files: the restored resource was not found"


def test_new_identifiers_are_every_db_instance_and_cluster_a_run_creates_lowercase():
    plan = FILTERS["restore_plan"](
        [{"name": "Orders", "resource_type": "RDS", "resource_arn": "arn:aws:rds:us-east-1:123456789012:db:orders"},
         {"name": "ledger", "resource_type": "Aurora", "resource_arn": "arn:aws:rds:us-east-1:123456789012:cluster:ledger",
          "instance_count": 2},
         {"name": "files", "resource_type": "EFS", "resource_arn": EFS_ARN, "backup_vault_name": "v"}],
        "drill", "run-1",
    )  # fmt: skip
    assert FILTERS["restore_new_identifiers"](plan) == {
        "db_instances": ["orders", "ledger-1", "ledger-2"],
        "db_clusters": ["ledger"],
    }


def test_taken_identifiers_compare_without_case_and_keep_instances_apart_from_clusters():
    identifiers = {"db_instances": ["orders", "ledger-1"], "db_clusters": ["ledger"]}
    instances = [{"db_instance_identifier": "Orders"}, {"db_instance_identifier": "ledger"}]
    clusters = [{"db_cluster_identifier": "LEDGER"}]
    assert FILTERS["restore_taken_identifiers"](identifiers, instances, clusters) == ["orders", "ledger"]
    assert FILTERS["restore_taken_identifiers"](identifiers, [], []) == []
