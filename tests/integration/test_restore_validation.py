"""The validate playbook (playbooks/restore_validation.yml) in real ansible-playbook runs against the
emulator server: a restore testing plan declared through the API and run by the emulator, its
awaiting restores validated (SUCCESSFUL recorded; FAILED with the failing check's message), jobs
whose status is set left alone, nothing deleted or tagged by the playbook, the run's record in the
restore history, and a second run (from an EventBridge "Restore Job State Change" event) changing
nothing and recording nothing."""

from __future__ import annotations

import json
from pathlib import Path

from tests.emulator import seed
from tests.emulator.control import post

REPO = Path(__file__).resolve().parents[2]
PLAYBOOK = REPO / "playbooks" / "restore_validation.yml"
CHECKS = Path(__file__).parent / "playbooks" / "restore_validation" / "checks.yml"
# Modules mask the values of no_log options in their results: the fixtures' credentials ("testing")
# would be masked in every restore testing plan's ARN.
ENV = {"AWS_ACCESS_KEY_ID": "AKIAVALIDATIONTEST01", "AWS_SECRET_ACCESS_KEY": "validation-secret", "AWS_SESSION_TOKEN": "validation-token"}
# What the playbook must never call: AWS Backup restore testing deletes what its tests restored.
DELETING_OR_TAGGING = {"DeleteDBInstance", "DeleteDBCluster", "AddTagsToResource", "RemoveTagsFromResource", "CreateDBInstance"}


def test_the_playbook_validates_the_awaiting_restores_and_never_deletes(emulator_server, run_playbook, tmp_path):
    server = emulator_server
    server.configure(restore_job_seconds=0)
    backup, rds = server.client("backup"), server.client("rds")
    seed.create_vault(backup, "db-vault")
    role = seed.ensure_backup_role(server.client("iam"))
    sources = {name: seed.create_rds_instance(rds, name)["DBInstanceArn"] for name in ("good-db", "bad-db")}
    for arn in sources.values():
        seed.backup_and_wait(backup, "db-vault", arn, role)
    plan_arn = backup.create_restore_testing_plan(RestoreTestingPlan={
        "RestoreTestingPlanName": "nightly_tests", "ScheduleExpression": "cron(0 5 ? * * *)",
        "RecoveryPointSelection": {"Algorithm": "LATEST_WITHIN_WINDOW", "IncludeVaults": ["*"], "RecoveryPointTypes": ["SNAPSHOT"]},
    })["RestoreTestingPlanArn"]  # fmt: skip
    backup.create_restore_testing_selection(RestoreTestingPlanName="nightly_tests", RestoreTestingSelection={
        "RestoreTestingSelectionName": "databases", "ProtectedResourceType": "RDS", "IamRoleArn": role,
        "ProtectedResourceArns": list(sources.values()), "ValidationWindowHours": 2,
    })  # fmt: skip

    def run_plan() -> dict[str, str]:
        job_ids = post(server.endpoint_url, "restore-testing-runs", {"restore_testing_plan_name": "nightly_tests"})["restore_job_ids"]
        return {backup.describe_restore_job(RestoreJobId=j)["SourceResourceArn"].split(":")[-1]: j for j in job_ids}

    # An earlier run whose jobs another validator has validated already.
    earlier = run_plan()
    backup.put_restore_validation_result(RestoreJobId=earlier["good-db"], ValidationStatus="FAILED", ValidationStatusMessage="by hand")
    backup.put_restore_validation_result(RestoreJobId=earlier["bad-db"], ValidationStatus="SUCCESSFUL")
    jobs = run_plan()
    server.reset_calls()

    report_dir = tmp_path / "reports"
    variables = {"rt_plan": plan_arn, "rt_validation_tasks": str(CHECKS), "rt_report_dir": str(report_dir),
                 "rt_aws_endpoint_url": server.endpoint_url, "rt_region": "us-east-1"}  # fmt: skip
    # Check mode puts nothing.
    checked = run_playbook(PLAYBOOK, variables, check=True, env=ENV)
    assert checked.rc == 0, checked.stdout + checked.stderr
    assert "2 restore job(s) awaited validation (0 SUCCESSFUL, 0 FAILED)" in checked.stdout
    history = report_dir / "history"  # the default: a history folder among the reports
    assert not history.exists()
    assert "PutRestoreValidationResult" not in server.calls()
    assert "ValidationStatus" not in backup.describe_restore_job(RestoreJobId=jobs["good-db"])

    result = run_playbook(PLAYBOOK, variables, env=ENV)
    output = result.stdout + result.stderr
    # A FAILED validation fails the play, as a failed drill does; its result is recorded all the same.
    assert result.rc == 2, output
    assert "Traceback" not in output
    good = backup.describe_restore_job(RestoreJobId=jobs["good-db"])
    bad = backup.describe_restore_job(RestoreJobId=jobs["bad-db"])
    assert (good["ValidationStatus"], good["ValidationStatusMessage"]) == ("SUCCESSFUL", "built-in checks passed; validation tasks passed")
    assert (bad["ValidationStatus"], bad["ValidationStatusMessage"]) == ("FAILED", "validation tasks failed: orders table is empty")
    assert (good["CreatedBy"], bad["CreatedBy"]) == ({"RestoreTestingPlanArn": plan_arn},) * 2
    # Jobs whose status is set are left alone.
    untouched = backup.describe_restore_job(RestoreJobId=earlier["good-db"])
    assert (untouched["ValidationStatus"], untouched["ValidationStatusMessage"]) == ("FAILED", "by hand")
    assert backup.describe_restore_job(RestoreJobId=earlier["bad-db"])["ValidationStatus"] == "SUCCESSFUL"
    assert server.calls()["PutRestoreValidationResult"] == 2  # the two awaiting jobs, none other
    assert not DELETING_OR_TAGGING & set(server.calls("rds")), server.calls("rds")
    assert "DeleteRecoveryPoint" not in server.calls()
    # AWS Backup, not the playbook, deletes what its tests restored once the result is in.
    assert (good["DeletionStatus"], bad["DeletionStatus"]) == ("SUCCESSFUL", "SUCCESSFUL")
    assert "Validation" in output and "(1 SUCCESSFUL, 1 FAILED)" in output
    assert f"restore job {jobs['bad-db']}" in output and "FAILED recorded - validation tasks failed: orders table is empty" in output
    [report_file] = report_dir.glob("validation-*.json")
    report = json.loads(report_file.read_text())
    assert report["restore_testing_plan_arn"] == plan_arn and not report["succeeded"]
    assert {t["restore_job_id"]: (t["validation_status"], t["recorded"]) for t in report["targets"]} == {
        jobs["good-db"]: ("SUCCESSFUL", True), jobs["bad-db"]: ("FAILED", True)}
    assert {s["restore_job_id"] for s in report["skipped"]} == set(earlier.values())
    assert report_file.with_suffix(".md").exists()
    # The run appended one record to the restore history: one test per restore job it validated.
    [record_file] = history.glob("restore-*.json")
    record = json.loads(record_file.read_text())
    assert (record["mode"], record["run_id"], record["succeeded"]) == ("validate", report["run_id"], False)
    assert record["restore_testing_plan"] == plan_arn and record["ran_by"]["controller_user"]
    tests = {t["restore_job_id"]: t for t in record["targets"]}
    assert set(tests) == {jobs["good-db"], jobs["bad-db"]}
    for name, outcome, message in (("good-db", "passed", "built-in checks passed; validation tasks passed"),
                                   ("bad-db", "failed", "validation tasks failed: orders table is empty")):  # fmt: skip
        test, job = tests[jobs[name]], backup.describe_restore_job(RestoreJobId=jobs[name])
        assert (test["resource_arn"], test["resource_type"], test["backup_vault_name"]) == (sources[name], "RDS", "db-vault")
        assert (test["recovery_point_arn"], test["created_resource_arn"]) == (job["RecoveryPointArn"], job["CreatedResourceArn"])
        assert test["recovery_point_created"] and test["recovery_point_age_seconds"] >= 0
        assert (test["validation"], test["validation_message"]) == (job["ValidationStatus"], message)
        assert (test["validation_result_recorded"], test["teardown"], test["outcome"]) == (True, "by AWS restore testing", outcome)
        assert (test["recovery_time_seconds"], test["rto_seconds"], test["rto_met"]) == (None, None, None)

    # Launched again from the EventBridge event of a completed job: nothing awaits, nothing changes.
    server.reset_calls()
    event = {"version": "0", "source": "aws.backup", "detail-type": "Restore Job State Change",
             "detail": {"restoreJobId": jobs["good-db"], "status": "COMPLETED", "resourceType": "RDS", "restoreTestingPlanArn": plan_arn}}  # fmt: skip
    variables.pop("rt_plan")
    again = run_playbook(PLAYBOOK, {**variables, "rt_event": json.dumps(event)}, env=ENV)
    assert again.rc == 0, again.stdout + again.stderr
    assert "0 restore job(s) awaited validation" in again.stdout
    assert "PutRestoreValidationResult" not in server.calls()
    assert backup.describe_restore_job(RestoreJobId=jobs["good-db"])["ValidationStatus"] == "SUCCESSFUL"
    # A run that found nothing to validate tested nothing: no record.
    assert list(history.glob("restore-*.json")) == [record_file]
