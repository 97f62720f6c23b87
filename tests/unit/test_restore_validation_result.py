"""restore_validation_result (a validation status once set is kept), the jobs of a restore testing plan
that await validation, and the role's record of a validation run."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from botocore.exceptions import ClientError

from ansible_collections.recovery.aws_backup.plugins.module_utils import restore_validation
from ansible_collections.recovery.aws_backup.plugins.module_utils import run_record
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import InputError
from ansible_collections.recovery.aws_backup.plugins.modules import restore_validation_result
from ansible_collections.recovery.aws_backup.plugins.modules import restored_resource_info
from tests.emulator import control, seed
from tests.unit.module_runner import run_module_main

PLAN_ARN = "arn:aws:backup:us-east-1:123456789012:restore-testing-plan:nightly"


@pytest.fixture(autouse=True)
def credentials(aws, monkeypatch):
    """Modules mask the values of no_log options in their results: the fixtures' credentials
    ("testing") would be masked in every restore testing plan's ARN and in messages naming it."""
    values = {"AWS_ACCESS_KEY_ID": "AKIAVALIDATIONTEST01", "AWS_SECRET_ACCESS_KEY": "validation-secret", "AWS_SESSION_TOKEN": "validation-token"}
    for name, value in values.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def test_job(aws):
    """A restore job a restore testing plan ran (COMPLETED), awaiting validation."""
    aws.configure(restore_job_seconds=0)
    backup, rds = aws.client("backup"), aws.client("rds")
    seed.create_vault(backup, "db-vault")
    role = seed.ensure_backup_role(aws.client("iam"))
    db = seed.create_rds_instance(rds, "prod-db")
    seed.backup_and_wait(backup, "db-vault", db["DBInstanceArn"], role)
    plan = backup.create_restore_testing_plan(RestoreTestingPlan={
        "RestoreTestingPlanName": "nightly", "ScheduleExpression": "cron(0 5 ? * * *)",
        "RecoveryPointSelection": {"Algorithm": "LATEST_WITHIN_WINDOW", "IncludeVaults": ["*"], "RecoveryPointTypes": ["SNAPSHOT"]}})
    backup.create_restore_testing_selection(RestoreTestingPlanName="nightly", RestoreTestingSelection={
        "RestoreTestingSelectionName": "dbs", "ProtectedResourceType": "RDS", "IamRoleArn": role, "ProtectedResourceArns": ["*"],
        "ValidationWindowHours": 4})  # fmt: skip
    [job_id] = control.run_restore_testing_plan("nightly")
    aws.reset_calls()
    return job_id, plan["RestoreTestingPlanArn"]


def _put(capsys: Any, check_mode: bool = False, **args: Any) -> dict[str, Any]:
    return run_module_main(capsys, restore_validation_result.main, args, check_mode=check_mode)


@pytest.mark.parametrize(
    "args, wanted",
    [
        ({"restore_job_id": "J1", "validation_status": "PASSED"}, "validation_status"),
        ({"restore_job_id": "J1"}, "validation_status"),
        ({"results": [{"restore_job_id": "J1", "validation_status": "SUCCESSFUL"}], "restore_job_id": "J1"}, "mutually exclusive"),
        ({"results": [{"restore_job_id": "J1", "validation_status": "SUCCESSFUL"}, {"restore_job_id": "J1", "validation_status": "FAILED"}]},
         "results[1] ('J1').restore_job_id"),
        ({"results": [{"restore_job_id": " ", "validation_status": "SUCCESSFUL"}]}, "results[0].restore_job_id"),
    ],
)  # fmt: skip
def test_bad_input_fails_naming_the_option_before_any_aws_call(aws, capsys, args, wanted):
    result = _put(capsys, **args)
    assert result["failed"] and wanted in result["msg"]
    assert aws.calls() == {}


def test_a_result_is_put_once_the_same_again_is_no_change_and_another_is_refused_plainly(aws, capsys, test_job):
    test_job, plan_arn = test_job
    checked = _put(capsys, check_mode=True, restore_job_id=test_job, validation_status="SUCCESSFUL")
    assert checked["changed"] and checked["validation_status"] == "SUCCESSFUL"
    backup = aws.client("backup")
    assert "ValidationStatus" not in backup.describe_restore_job(RestoreJobId=test_job)
    assert "PutRestoreValidationResult" not in aws.calls()

    first = _put(capsys, restore_job_id=test_job, validation_status="SUCCESSFUL", validation_status_message="checks passed")
    assert first["changed"] and first["results"][0]["restore_testing_plan_arn"] == plan_arn
    job = backup.describe_restore_job(RestoreJobId=test_job)
    assert (job["ValidationStatus"], job["ValidationStatusMessage"]) == ("SUCCESSFUL", "checks passed")

    again = _put(capsys, restore_job_id=test_job, validation_status="SUCCESSFUL")
    assert not again["changed"] and not again.get("failed")
    other = _put(capsys, restore_job_id=test_job, validation_status="FAILED", validation_status_message="too late")
    assert other["failed"] and not other["changed"]
    assert "already has the validation status SUCCESSFUL" in other["msg"] and "AWS does not allow changing" in other["msg"]
    assert aws.calls()["PutRestoreValidationResult"] == 1
    assert backup.describe_restore_job(RestoreJobId=test_job)["ValidationStatus"] == "SUCCESSFUL"


def test_several_results_in_one_call_each_on_its_own(aws, capsys, test_job):
    test_job, _plan_arn = test_job
    result = _put(capsys, results=[
        {"name": "db", "restore_job_id": test_job, "validation_status": "FAILED", "validation_status_message": "orders table is empty"},
        {"restore_job_id": "NO-SUCH-JOB", "validation_status": "SUCCESSFUL"},
    ])  # fmt: skip
    assert result["failed"] and "NO-SUCH-JOB" in result["msg"]
    assert aws.client("backup").describe_restore_job(RestoreJobId=test_job)["ValidationStatus"] == "FAILED"


@pytest.mark.parametrize("plan", ["nightly-tests", "arn:aws:backup:us-east-1:123456789012:backup-plan:x"])
def test_a_bad_restore_testing_plan_fails_naming_the_option_before_any_call(aws, capsys, plan):
    result = run_module_main(capsys, restored_resource_info.main, {"restore_testing_plan": plan})
    assert result["failed"] and result["msg"].startswith("restore_testing_plan")
    assert aws.calls() == {}


def test_the_plans_jobs_are_found_by_its_arn_with_what_their_checks_expect(aws, capsys, test_job):
    test_job, plan_arn = test_job
    result = run_module_main(capsys, restored_resource_info.main, {"restore_testing_plan": plan_arn})
    assert not result["changed"] and result["restore_testing_plan_arn"] == plan_arn
    [job] = result["restore_testing_jobs"]
    assert job["restore_job_id"] == test_job and job["awaiting_validation"] and job["validation_window_ends"]
    assert job["expected"]["db_instance_identifier"] == job["created_resource_arn"].split(":")[-1]
    assert aws.calls()["ListRestoreJobs"] == 1


class _Racing:
    """A client whose job gets another validation status between the describe and the put."""

    def __init__(self) -> None:
        self.status: str | None = None

    def describe_restore_job(self, **_: Any) -> dict[str, Any]:
        return {"RestoreJobId": "J1", **({"ValidationStatus": self.status} if self.status else {})}

    def put_restore_validation_result(self, **_: Any) -> None:
        self.status = "FAILED"
        raise ClientError({"Error": {"Code": "InvalidRequestException", "Message": "x"}}, "PutRestoreValidationResult")


def test_a_status_set_meanwhile_is_reported_as_such():
    [answer] = restore_validation.put_results(_Racing(), [{"name": "J1", "restore_job_id": "J1", "validation_status": "SUCCESSFUL"}])
    assert answer["failed"] and "already has the validation status FAILED" in answer["msg"]


class _Plan:
    """ListRestoreJobs of a plan and its selections, as AWS answers them."""

    def __init__(self, jobs: list[dict[str, Any]]) -> None:
        self.jobs = jobs
        self.asked: dict[str, Any] = {}

    def get_restore_testing_plan(self, **_: Any) -> dict[str, Any]:
        return {"RestoreTestingPlan": {"RestoreTestingPlanArn": PLAN_ARN}}

    def get_paginator(self, operation: str) -> Any:
        plan = self

        class Pages:
            def paginate(self, **params: Any) -> Any:
                plan.asked[operation] = params
                key, items = {
                    "list_restore_testing_selections": ("RestoreTestingSelections", [
                        {"ProtectedResourceType": "RDS", "ValidationWindowHours": 6},
                        {"ProtectedResourceType": "RDS", "ValidationWindowHours": 4},
                        {"ProtectedResourceType": "EFS", "ValidationWindowHours": 2}]),
                    "list_restore_jobs": ("RestoreJobs", plan.jobs),
                }[operation]  # fmt: skip

                class Result:
                    def build_full_result(self) -> dict[str, Any]:
                        return {key: items}

                return Result()

        return Pages()

    def get_restore_job_metadata(self, **_: Any) -> dict[str, Any]:
        return {"Metadata": {"DBInstanceClass": "db.t3.small"}}


def test_the_jobs_awaiting_validation_are_those_completed_unvalidated_undeleted_within_their_window():
    now = datetime(2026, 12, 4, 12, tzinfo=timezone.utc)
    arn = "arn:aws:rds:us-east-1:123456789012:db:awsbackup-restore-test-{}"

    def job(n: int, hours_ago: float, **extra: Any) -> dict[str, Any]:
        return {"RestoreJobId": f"J{n}", "ResourceType": "RDS", "Status": "COMPLETED", "CreatedResourceArn": arn.format(n),
                "CompletionDate": now - timedelta(hours=hours_ago), **extra}  # fmt: skip

    client = _Plan([job(1, 1), job(2, 5), job(3, 1, ValidationStatus="SUCCESSFUL"), job(4, 1, DeletionStatus="DELETING")])
    found = restore_validation.testing_jobs(client, "nightly", now, expected_of=lambda j, m: {"db_instance_class": m["DBInstanceClass"]})
    by_id = {j["restore_job_id"]: j for j in found["jobs"]}
    assert found["restore_testing_plan_arn"] == PLAN_ARN
    assert [j for j, e in by_id.items() if e["awaiting_validation"]] == ["J1"]
    # the shortest window of the plan's selections of the type: 4 hours
    assert by_id["J1"]["validation_window_ends"] == (now + timedelta(hours=3)).isoformat()
    assert by_id["J1"]["expected"] == {"db_instance_class": "db.t3.small"}
    assert "window closed" in by_id["J2"]["reason"] and "SUCCESSFUL" in by_id["J3"]["reason"] and "DELETING" in by_id["J4"]["reason"]
    asked = client.asked["list_restore_jobs"]
    assert asked["ByRestoreTestingPlanArn"] == PLAN_ARN and asked["ByStatus"] == "COMPLETED"
    # back as far as the longest window of a type (each type's shortest): 4 hours
    assert asked["ByCompleteAfter"] == now - timedelta(hours=4)


@pytest.mark.parametrize("plan, wanted", [("", "restore_testing_plan must be"), ("nightly-tests", "letters, digits and underscores"),
                                          ("arn:aws:backup:us-east-1:1:backup-plan:x", "not a restore testing plan's ARN")])  # fmt: skip
def test_a_bad_plan_is_refused_naming_the_option(plan, wanted):
    with pytest.raises(InputError, match=wanted):
        restore_validation.check_plan(plan)


# ---- the role's record ----------------------------------------------------------------------


def _found(*jobs: dict[str, Any]) -> dict[str, Any]:
    return {"restore_testing_plan_arn": PLAN_ARN, "restore_testing_jobs": list(jobs)}


def _awaiting(job_id: str, **extra: Any) -> dict[str, Any]:
    return {"name": job_id, "restore_job_id": job_id, "resource_type": "RDS", "awaiting_validation": True, "reason": "",
            "created_resource_arn": f"arn:aws:rds:us-east-1:123456789012:db:{job_id.lower()}", "expected": {"db_instance_class": "db.t3.small"},
            "validation_window_ends": "2026-12-04T15:00:00+00:00", "completion_date": "2026-12-04T11:00:00+00:00", **extra}  # fmt: skip


def test_the_record_of_a_validation_run_puts_successful_for_passed_checks_and_failed_with_the_reason():
    run = run_record.new_run([], "validate", "run-1", {"restore_testing_plan": "nightly", "wait_timeout": 3600})
    with pytest.raises(InputError, match="restore_testing_plan"):
        run_record.new_run([], "validate", "run-1", {})
    with pytest.raises(InputError, match="must be empty in validate mode"):
        run_record.new_run([{"name": "x", "resource_type": "RDS"}], "validate", "run-1", {"restore_testing_plan": "nightly"})
    found = _found(_awaiting("J1"), _awaiting("J2"), _awaiting("J3"),
                   {"name": "J0", "restore_job_id": "J0", "resource_type": "RDS", "awaiting_validation": False,
                    "reason": "validation status already SUCCESSFUL"})  # fmt: skip
    now = datetime(2026, 12, 4, 14, 30, tzinfo=timezone.utc).timestamp()
    record = run_record.fold(run, {"found": found, "now": now})
    assert record["order"] == ["J1", "J2", "J3"]
    # never past the earliest window's close less the margin kept for the results
    assert record["ready_wait_timeout"] == 30 * 60 - 120
    ready = run_record.requests(record, "validate_ready")
    assert ready[0] == {"name": "J1", "restore_job_id": "J1", "settings": {}, "expected": {"db_instance_class": "db.t3.small"}}
    assert run_record.requests(record, "validation_results") == []

    steps = {"found": found, "now": now, "ran_hook": True, "hook_failures": {"J3": "orders table is empty"}, "ready": {"resources": [
        {"name": "J1", "status": "checked", "validation": "passed", "facts": {"db_instance_status": "available"}},
        {"name": "J2", "status": "checked", "validation": "failed: db_instance_class is 'db.t3.micro', expected 'db.t3.small'"},
        {"name": "J3", "status": "checked", "validation": "passed"}]}}  # fmt: skip
    record = run_record.fold(run, steps)
    results = {r["name"]: (r["validation_status"], r["validation_status_message"]) for r in run_record.requests(record, "validation_results")}
    assert results == {
        "J1": ("SUCCESSFUL", "built-in checks passed; validation tasks passed"),
        "J2": ("FAILED", "built-in checks failed: db_instance_class is 'db.t3.micro', expected 'db.t3.small'"),
        "J3": ("FAILED", "validation tasks failed: orders table is empty"),
    }
    steps["validated"] = {"results": [{"name": n, "restore_job_id": n, "validation_status": s, "changed": True, "failed": False}
                                      for n, (s, _m) in results.items()]}  # fmt: skip
    record = run_record.fold(run, steps)
    assert set(record["failed"]) == {"J2", "J3"}
    assert [t["recorded"] for t in record["report"]["targets"]] == [True, True, True]
    assert record["report"]["skipped"] == [{"restore_job_id": "J0", "resource_type": "RDS", "reason": "validation status already SUCCESSFUL"}]
    assert record["report_lines"][0].startswith("Validation run-1 of restore testing plan nightly: FAILED")
    assert "(1 SUCCESSFUL, 2 FAILED)" in record["report_lines"][0]
    with pytest.raises(InputError, match="validate mode"):
        run_record.requests(run_record.new_run([], "cleanup", "run-2", {}), "validation_results")
