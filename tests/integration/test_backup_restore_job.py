"""backup_restore_job in real ansible-playbook runs against the emulator server: the playbook
a new user writes, check mode and diff, re-run, concurrent runs, waiting, a FAILED job, timeout
and resumed wait, throttling, and every bad input."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.emulator import seed

PLAYBOOKS = Path(__file__).parent / "playbooks" / "backup_restore_job"
USER_PLAYBOOK = PLAYBOOKS / "restore_efs.yml"
CASES_PLAYBOOK = PLAYBOOKS / "run_cases.yml"
ONE_CASE_PLAYBOOK = PLAYBOOKS / "one_case.yml"
SECRET = "hunter2-never-printed"


@pytest.fixture
def efs_point(emulator_server) -> dict:
    server = emulator_server
    return seed.seed_efs_recovery_point(server.client("backup"), server.client("efs"), server.client("iam"))


def efs_case(point: dict, **overrides) -> dict:
    case = {
        "recovery_point_arn": point["recovery_point_arn"],
        "backup_vault_name": point["backup_vault_name"],
        "resource_type": "EFS",
        "iam_role_arn": point["iam_role_arn"],
        "metadata": {"file-system-id": point["file_system_id"], "newFileSystem": True, "Encrypted": True},
        "wait": False,
    }
    case.update(overrides)
    return case


def recap_changed(stdout: str) -> int:
    match = re.search(r"localhost\s*:.*changed=(\d+)", stdout)
    assert match, stdout
    return int(match.group(1))


def run_cases(run_playbook, cases: list[dict], result_file: str = "results", **kwargs) -> list[dict]:
    result = run_playbook(CASES_PLAYBOOK, {"cases": cases, "result_file": result_file}, **kwargs)
    assert result.rc == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return result.load_json(f"{result_file}.json")


def restore_jobs(server) -> list[dict]:
    return server.client("backup").list_restore_jobs()["RestoreJobs"]


def test_new_user_playbook_restores_is_idempotent_and_fails_clearly(run_playbook, emulator_server, efs_point):
    emulator_server.configure(restore_job_seconds=1)
    user_vars = {k: efs_point[k] for k in ("recovery_point_arn", "backup_vault_name", "file_system_id", "iam_role_arn")}

    checked = run_playbook(USER_PLAYBOOK, user_vars, check=True, diff=True)
    assert checked.rc == 0, checked.stdout + checked.stderr
    assert recap_changed(checked.stdout) == 1
    assert efs_point["recovery_point_arn"] in checked.stdout  # the diff shows the request
    assert restore_jobs(emulator_server) == []

    first = run_playbook(USER_PLAYBOOK, user_vars)
    assert first.rc == 0, first.stdout + first.stderr
    assert recap_changed(first.stdout) == 1
    (job,) = restore_jobs(emulator_server)
    assert job["Status"] == "COMPLETED"
    restored_id = job["CreatedResourceArn"].rsplit("/", 1)[1]
    assert restored_id in first.stdout
    restored = emulator_server.client("efs").describe_file_systems(FileSystemId=restored_id)["FileSystems"][0]
    assert restored["Encrypted"] is True

    again = run_playbook(USER_PLAYBOOK, user_vars)
    assert again.rc == 0, again.stdout + again.stderr
    assert recap_changed(again.stdout) == 0
    assert len(restore_jobs(emulator_server)) == 1

    emulator_server.reset_calls()
    bad = run_playbook(USER_PLAYBOOK, {**user_vars, "recovery_point_arn": efs_point["file_system_id"]})
    assert bad.rc != 0
    assert "recovery_point_arn must be a recovery point ARN" in bad.stdout
    assert "Traceback" not in bad.stdout + bad.stderr
    assert emulator_server.calls() == {}


def test_check_mode_and_diff_then_run_then_rerun(run_playbook, emulator_server, efs_point):
    case = efs_case(efs_point)
    case["metadata"]["DbPassword"] = SECRET  # not an EFS key: shows masking in a real run's output
    result = run_playbook(ONE_CASE_PLAYBOOK, {"case": case}, check=True, diff=True, verbosity=1)
    assert result.rc == 0, result.stdout + result.stderr
    checked = result.load_json("result.json")
    assert "DbPassword" in result.stdout  # the diff and the verbose result are printed...
    assert checked["changed"] is True and checked["restore_job"] == {}
    assert checked["restore_request"]["metadata"]["DbPassword"] != SECRET
    assert restore_jobs(emulator_server) == []
    assert "StartRestoreJob" not in emulator_server.calls()
    assert SECRET not in result.stdout + result.stderr + json.dumps(checked)  # ...masked
    case["metadata"].pop("DbPassword")

    (started, rerun_checked) = run_cases(run_playbook, [case, case], check=False)
    assert started["changed"] is True
    assert rerun_checked["changed"] is False
    assert rerun_checked["restore_job"]["restore_job_id"] == started["restore_job"]["restore_job_id"]
    (in_check,) = run_cases(run_playbook, [case], check=True)
    assert in_check["changed"] is False
    assert len(restore_jobs(emulator_server)) == 1


def test_concurrent_runs_start_exactly_one_job(run_playbook, emulator_server, efs_point):
    case = efs_case(efs_point)
    # Hold the first StartRestoreJob back (throttled, retried with backoff) so that the other
    # run usually lists the jobs before any exists: both then call StartRestoreJob.
    emulator_server.throttle("StartRestoreJob", 2)
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(run_cases, run_playbook, [case], f"run{i}") for i in range(2)]
        results = [f.result()[0] for f in futures]
    jobs = restore_jobs(emulator_server)
    assert len(jobs) == 1, jobs
    assert {r["restore_job"]["restore_job_id"] for r in results} == {jobs[0]["RestoreJobId"]}
    assert not any(r.get("failed") for r in results)


def test_failed_job_fails_the_task_and_a_rerun_starts_a_new_job(run_playbook, emulator_server, efs_point):
    emulator_server.configure(restore_job_seconds=0.5)
    emulator_server.fail_restore_jobs(1, "Insufficient permissions to restore into the VPC")
    case = efs_case(efs_point, wait=True, wait_timeout=60)
    failed, retried = run_cases(run_playbook, [case, case])
    failed_id = failed["restore_job"]["restore_job_id"]
    assert failed["failed"] is True
    assert failed_id in failed["msg"] and "FAILED" in failed["msg"]
    assert "Insufficient permissions to restore into the VPC" in failed["msg"]
    assert retried["changed"] is True and retried["restore_job"]["status"] == "COMPLETED"
    assert retried["restore_job"]["restore_job_id"] != failed_id
    assert sorted(j["Status"] for j in restore_jobs(emulator_server)) == ["COMPLETED", "FAILED"]


def test_timeout_then_rerun_resumes_waiting_on_the_same_job(run_playbook, emulator_server, efs_point):
    emulator_server.configure(restore_job_seconds=6)
    timed_out, resumed = run_cases(
        run_playbook, [efs_case(efs_point, wait=True, wait_timeout=2), efs_case(efs_point, wait=True, wait_timeout=60)]
    )
    job_id = timed_out["restore_job"]["restore_job_id"]
    assert timed_out["failed"] is True
    assert job_id in timed_out["msg"] and timed_out["restore_job"]["status"] in timed_out["msg"]
    assert timed_out["restore_job"]["percent_done"] in timed_out["msg"]
    assert resumed["changed"] is False
    assert resumed["restore_job"]["restore_job_id"] == job_id
    assert resumed["restore_job"]["status"] == "COMPLETED"
    assert len(restore_jobs(emulator_server)) == 1


def test_throttling_is_retried(run_playbook, emulator_server, efs_point):
    # Longer than botocore's own attempts (5): the module's AWSRetry must retry it.
    emulator_server.throttle("StartRestoreJob", 6)
    emulator_server.throttle("ListRestoreJobsByProtectedResource", 1)
    (result,) = run_cases(run_playbook, [efs_case(efs_point)])
    assert result["changed"] is True and not result.get("failed")
    calls = emulator_server.calls()
    assert calls["StartRestoreJob"] == 7
    assert calls["ListRestoreJobsByProtectedResource"] == 2
    assert len(restore_jobs(emulator_server)) == 1


def test_every_bad_input_fails_naming_the_option_without_aws_calls(run_playbook, emulator_server, efs_point):
    fs = efs_point["file_system_id"]
    bad_cases = [
        (efs_case(efs_point, recovery_point_arn="fs-0123"), "recovery_point_arn"),
        (efs_case(efs_point, recovery_point_arn="arn:aws:backup"), "recovery_point_arn"),
        ({k: v for k, v in efs_case(efs_point).items() if k != "recovery_point_arn"}, "recovery_point_arn"),
        (efs_case(efs_point, iam_role_arn="AWSBackupDefaultServiceRole"), "iam_role_arn"),
        (efs_case(efs_point, metadata={"newFileSystem": True}), "metadata.file-system-id"),
        (efs_case(efs_point, metadata={"file-system-id": fs, "KmsKeyId": "alias/x"}), "metadata.KmsKeyId"),
        (efs_case(efs_point, metadata={"file-system-id": fs, "kmsKeyId": "k", "encrypted": False}), "metadata.kmsKeyId"),
        (efs_case(efs_point, metadata={"file-system-id": fs, "Encrypted": "yes please"}), "metadata.Encrypted"),
        (efs_case(efs_point, metadata={"file-system-id": fs, "itemsToRestore": []}), "metadata.itemsToRestore"),
        (efs_case(efs_point, metadata={"file-system-id": fs, "ItemsToRestore": ["/a", "relative/b"]}),
         "metadata.ItemsToRestore"),  # fmt: skip
        (efs_case(efs_point, metadata={}), "metadata"),
        (efs_case(efs_point, wait=True, wait_timeout=0), "wait_timeout"),
        (efs_case(efs_point, copy_source_tags_to_restored_resource="perhaps"), "copy_source_tags_to_restored_resource"),
        (efs_case(efs_point, resource_type="Elastic"), "resource_type 'Elastic' is not a resource type"),
        (efs_case(efs_point, region="eu-west-1"), "recovery_point_arn is a recovery point of Region us-east-1"),
    ]
    emulator_server.reset_calls()
    results = run_cases(run_playbook, [case for case, _option in bad_cases])
    for (case, option), result in zip(bad_cases, results):
        assert result.get("failed") is True, (case, result)
        assert option in result["msg"], (option, result["msg"])
    assert emulator_server.calls() == {}
    assert restore_jobs(emulator_server) == []
