"""backup_copy_jobs and backup_job_status in-process against the emulator: several copies from
us-east-1 started in one call into a vault of the task's Region (us-west-2), named by vault name
and by resource; calls counted; re-run reuses; bad input refused before any call; the copies
then read by backup_job_status in their source Region with one ListCopyJobs."""

from __future__ import annotations

import pytest

from ansible_collections.recovery.aws_backup.plugins.modules import backup_copy_jobs
from ansible_collections.recovery.aws_backup.plugins.modules import backup_job_status
from tests.emulator import control, seed
from tests.unit.module_runner import run_module_main

SOURCE_REGION = "us-east-1"
DR_REGION = "us-west-2"
ROLE = "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole"


@pytest.fixture
def points(aws):
    backup, efs, iam = aws.client("backup"), aws.client("efs"), aws.client("iam")
    first = seed.seed_efs_recovery_point(backup, efs, iam, name="web")
    second = seed.seed_efs_recovery_point(backup, efs, iam, name="shared")
    seed.create_vault(aws.client("backup", region_name=DR_REGION), "dr-vault")
    return first, second


def copies(first: dict, second: dict) -> list[dict]:
    return [
        {"name": "web", "region": SOURCE_REGION, "source_backup_vault_name": first["backup_vault_name"],
         "recovery_point_arn": first["recovery_point_arn"], "destination_backup_vault_name": "dr-vault"},
        {"name": "shared", "region": SOURCE_REGION, "source_backup_vault_name": second["backup_vault_name"],
         "resource_arn": second["resource_arn"], "destination_backup_vault_name": "dr-vault"},
    ]  # fmt: skip


def run_copies(capsys, copies_: list[dict], check_mode: bool = False) -> dict:
    return run_module_main(capsys, backup_copy_jobs.main, {"region": DR_REGION, "iam_role_arn": ROLE, "copies": copies_}, check_mode)


def test_several_copies_start_in_one_call_and_a_rerun_reuses_them(aws, capsys, points):
    aws.reset_calls()
    started = run_copies(capsys, copies(*points))
    assert started["changed"] is True and not started.get("failed"), started
    assert [c["name"] for c in started["copy_jobs"]] == ["web", "shared"]
    assert all(c["owned"] and c["region"] == SOURCE_REGION for c in started["copy_jobs"])
    dr_arn = f"arn:aws:backup:{DR_REGION}:123456789012:backup-vault:dr-vault"
    assert {c["copy_job"]["destination_backup_vault_arn"] for c in started["copy_jobs"]} == {dr_arn}
    # the resource's newest completed point was found
    assert started["copy_jobs"][1]["copy_job"]["source_recovery_point_arn"] == points[1]["recovery_point_arn"]
    calls = aws.calls()
    assert calls["StartCopyJob"] == 2
    assert calls["DescribeBackupVault"] == 1  # one lookup for the vault both copies go into
    assert calls["ListRecoveryPointsByBackupVault"] == 1

    aws.reset_calls()
    again = run_copies(capsys, copies(*points))
    assert again["changed"] is False
    assert [c["copy_job"]["copy_job_id"] for c in again["copy_jobs"]] == [c["copy_job"]["copy_job_id"] for c in started["copy_jobs"]]
    assert not any(c["owned"] for c in again["copy_jobs"])
    assert "StartCopyJob" not in aws.calls()


def test_check_mode_starts_nothing(aws, capsys, points):
    checked = run_copies(capsys, copies(*points), check_mode=True)
    assert checked["changed"] is True and all(c["copy_job"] == {} for c in checked["copy_jobs"])
    assert all(c["copy_request"]["idempotency_token"] for c in checked["copy_jobs"])
    assert "StartCopyJob" not in aws.calls()


@pytest.mark.parametrize(
    "index, change, message",
    [
        (0, {"recovery_point_arn": "not-an-arn"}, "copies[0] (web): recovery_point_arn must be"),
        (1, {"resource_arn": "fs-1"}, "copies[1] (shared): resource_arn must be"),
        (0, {"resource_arn": "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1"},
         "copies[0] (web): give one of recovery_point_arn and resource_arn"),
        (1, {"destination_backup_vault_arn": "dr-vault"}, "copies[1] (shared): give one of destination_backup_vault_name"),
        (0, {"destination_backup_vault_name": None, "destination_backup_vault_arn": "dr"}, "copies[0] (web): destination_backup_vault_arn must be"),
        (1, {"destination_backup_vault_name": "a vault"}, "copies[1] (shared): destination_backup_vault_name"),
        (0, {"source_backup_vault_name": "x"}, "copies[0] (web): source_backup_vault_name"),
        (1, {"region": "west"}, "copies[1] (shared): region must be"),
        (0, {"lifecycle": {"delete_after_days": -1}}, "copies[0] (web): lifecycle.delete_after_days"),
        (1, {"name": "web"}, "copies[1] (web): name 'web' is also the name of copies[0]"),
    ],
)
def test_one_bad_element_fails_before_any_call_naming_it_and_the_option(aws, capsys, points, index, change, message):
    given = copies(*points)
    given[index].update(change)
    aws.reset_calls()
    result = run_copies(capsys, given)
    assert result["failed"] is True and message in result["msg"] and "nothing was started" in result["msg"], result
    assert "copy_jobs" not in result
    assert aws.calls() == {}


def test_a_resource_without_a_completed_point_fails_that_copy_only(aws, capsys, points):
    given = copies(*points)
    given[1]["resource_arn"] = "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-00000000"
    result = run_copies(capsys, given)
    assert result["failed"] is True and result["msg"].startswith("1 of 2 copies failed: copies[1] (shared): no COMPLETED recovery point")
    assert result["copy_jobs"][0]["changed"] is True and result["copy_jobs"][0]["copy_job"]["copy_job_id"]
    assert result["copy_jobs"][1]["failed"] is True and result["copy_jobs"][1]["copy_job"] == {}


def test_an_unknown_destination_vault_fails_those_copies_with_aws_message(aws, capsys, points):
    given = copies(*points)
    for copy in given:
        copy["destination_backup_vault_name"] = "no-such-vault"
    aws.reset_calls()
    result = run_copies(capsys, given)
    assert result["failed"] is True and "Failed to look up the backup vault to copy into" in result["msg"]
    assert "StartCopyJob" not in aws.calls()


def test_the_copies_are_read_in_their_source_region_with_one_listing(aws, capsys, points):
    control.configure(copy_job_seconds=0)
    started = run_copies(capsys, copies(*points))
    aws.reset_calls()
    status = run_module_main(capsys, backup_job_status.main, {
        "region": DR_REGION, "wait": True, "wait_timeout": 60,
        "copy_jobs": [{"name": c["name"], "copy_job_id": c["copy_job"]["copy_job_id"], "region": c["region"]} for c in started["copy_jobs"]],
    })  # fmt: skip
    assert status["all_ended"] is True and status["running"] == [] and status["restore_jobs"] == []
    assert [(c["name"], c["region"], c["state"]) for c in status["copy_jobs"]] == [("web", SOURCE_REGION, "COMPLETED"), ("shared", SOURCE_REGION, "COMPLETED")]
    assert isinstance(status["observed_at"], float)
    assert aws.calls() == {"ListCopyJobs": 1}


def test_copy_jobs_without_a_region_are_read_with_those_of_the_modules_region(aws, capsys, points):
    control.configure(copy_job_seconds=0)
    started = run_copies(capsys, copies(*points))
    aws.reset_calls()
    jobs = [{"name": c["name"], "copy_job_id": c["copy_job"]["copy_job_id"]} for c in started["copy_jobs"]]
    jobs[1]["region"] = SOURCE_REGION
    status = run_module_main(capsys, backup_job_status.main, {"region": SOURCE_REGION, "copy_jobs": jobs})
    assert [c["region"] for c in status["copy_jobs"]] == [SOURCE_REGION, SOURCE_REGION]
    assert aws.calls() == {"ListCopyJobs": 1}
