"""backup_copy_job in-process (module main and copy_job/job_wait functions) against the emulator.

The source is us-east-1 (the `aws` fixture's Region), the disaster recovery side us-west-2 and,
for a recovery account, 210987654321 through an STS AssumeRole (moto maps the assumed role's
keys to its account)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from ansible_collections.recovery.aws_backup.plugins.module_utils import copy_job as cj
from ansible_collections.recovery.aws_backup.plugins.module_utils import job_wait
from ansible_collections.recovery.aws_backup.plugins.modules import backup_copy_job
from tests.emulator import control, seed
from tests.unit.module_runner import run_module_main

DR_REGION = "us-west-2"
RECOVERY_ACCOUNT = "210987654321"
ROLE = "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole"


def run_module(capsys, args: dict, check_mode: bool = False, diff: bool = False) -> dict:
    return run_module_main(capsys, backup_copy_job.main, args, check_mode, diff)


@pytest.fixture
def efs_point(aws):
    return seed.seed_efs_recovery_point(aws.client("backup"), aws.client("efs"), aws.client("iam"))


@pytest.fixture
def dr_vault(aws):
    return seed.create_vault(aws.client("backup", region_name=DR_REGION), "dr-vault")


def copy_args(point: dict, destination: str, **overrides) -> dict:
    return {
        "recovery_point_arn": point["recovery_point_arn"],
        "source_backup_vault_name": point["backup_vault_name"],
        "destination_backup_vault_arn": destination,
        "iam_role_arn": ROLE,
        "wait_timeout": 60,
        **overrides,
    }


# ---- bad input fails before any AWS call ----------------------------------------------------

GOOD_VAULT = "arn:aws:backup:us-west-2:123456789012:backup-vault:dr-vault"
EXAMPLE_POINT = "arn:aws:backup:us-east-1:123456789012:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45"


@pytest.mark.parametrize(
    "overrides, option",
    [
        ({"recovery_point_arn": "fs-1234"}, "recovery_point_arn"),
        ({"recovery_point_arn": "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1"}, "recovery_point_arn"),
        ({"source_backup_vault_name": "x"}, "source_backup_vault_name"),
        ({"source_backup_vault_name": "my vault"}, "source_backup_vault_name"),
        ({"destination_backup_vault_arn": "dr-vault"}, "destination_backup_vault_arn"),
        ({"destination_backup_vault_arn": "arn:aws:backup:us-west-2:123456789012:recovery-point:X"}, "destination_backup_vault_arn"),
        ({"destination_backup_vault_arn": "arn:aws:backup:us-west-2:1234:backup-vault:dr-vault"}, "destination_backup_vault_arn"),
        ({"destination_backup_vault_arn": "arn:aws:backup::123456789012:backup-vault:dr-vault"}, "destination_backup_vault_arn"),
        ({"destination_backup_vault_arn": GOOD_VAULT + " "}, "destination_backup_vault_arn"),
        ({"destination_backup_vault_arn": "arn:aws-cn:backup:cn-north-1:123456789012:backup-vault:dr"}, "destination_backup_vault_arn"),
        ({"iam_role_arn": "AWSBackupDefaultServiceRole"}, "iam_role_arn"),
        ({"iam_role_arn": "arn:aws:iam::123456789012:user/bob"}, "iam_role_arn"),
        ({"lifecycle": {"delete_after_days": 0}}, "lifecycle.delete_after_days"),
        ({"lifecycle": {"move_to_cold_storage_after_days": 30, "delete_after_days": 60}}, "lifecycle.delete_after_days"),
        ({"wait_timeout": 0}, "wait_timeout"),
    ],
)
def test_bad_input_fails_naming_the_option_before_any_aws_call(aws, capsys, overrides, option):
    aws.reset_calls()
    point = {"recovery_point_arn": EXAMPLE_POINT, "backup_vault_name": "prod-vault"}
    args = copy_args(point, GOOD_VAULT, **overrides)
    result = run_module(capsys, args)
    assert result["failed"] is True
    assert option in result["msg"]
    assert "Traceback" not in result["msg"]
    assert aws.calls() == {}


def test_a_missing_required_option_fails_before_any_call(aws, capsys):
    aws.reset_calls()
    result = run_module(capsys, {"recovery_point_arn": GOOD_VAULT})
    assert result["failed"] is True and "missing required arguments" in result["msg"]
    assert aws.calls() == {}


# ---- first run, re-run, check mode --------------------------------------------------------


def test_first_run_copies_into_the_dr_region_and_rerun_reuses_it(aws, capsys, efs_point, dr_vault):
    first = run_module(capsys, copy_args(efs_point, dr_vault))
    assert first["changed"] is True, first
    job = first["copy_job"]
    assert job["state"] == "COMPLETED"
    assert job["source_recovery_point_arn"] == efs_point["recovery_point_arn"]
    assert job["destination_backup_vault_arn"] == dr_vault
    copied = job["destination_recovery_point_arn"]
    assert copied.startswith("arn:aws:backup:us-west-2:123456789012:recovery-point:")
    assert first["copy_request"]["idempotency_token"].startswith("ansible-recovery-")
    assert first["copy_duration_seconds"] >= 0

    aws.reset_calls()
    second = run_module(capsys, copy_args(efs_point, dr_vault))
    assert second["changed"] is False
    assert second["copy_job"]["copy_job_id"] == job["copy_job_id"]
    # one listing narrowed to the recovery point, one look that the copy is still there
    assert aws.calls() == {"ListCopyJobs": 1, "DescribeRecoveryPoint": 1}

    dr = aws.client("backup", region_name=DR_REGION)
    listed = dr.list_recovery_points_by_backup_vault(BackupVaultName="dr-vault")["RecoveryPoints"]
    assert [p["RecoveryPointArn"] for p in listed] == [copied]
    assert listed[0]["ResourceArn"] == efs_point["resource_arn"]
    assert listed[0]["SourceBackupVaultArn"].endswith(":backup-vault:" + efs_point["backup_vault_name"])


def test_check_mode_starts_nothing_and_diff_shows_the_request(aws, capsys, efs_point, dr_vault):
    aws.reset_calls()
    result = run_module(capsys, copy_args(efs_point, dr_vault), check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["copy_job"] == {}
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["copy_request"]["destination_backup_vault_arn"] == dr_vault
    assert "StartCopyJob" not in aws.calls()
    assert aws.client("backup").list_copy_jobs()["CopyJobs"] == []


def test_check_mode_after_the_copy_exists_is_unchanged(aws, capsys, efs_point, dr_vault):
    started = run_module(capsys, copy_args(efs_point, dr_vault))
    result = run_module(capsys, copy_args(efs_point, dr_vault), check_mode=True, diff=True)
    assert result["changed"] is False
    assert result["diff"]["before"]["copy_job"]["copy_job_id"] == started["copy_job"]["copy_job_id"]
    assert result["diff"]["before"] == result["diff"]["after"]


def test_another_lifecycle_is_another_copy(aws, capsys, efs_point, dr_vault):
    run_module(capsys, copy_args(efs_point, dr_vault))
    other = run_module(capsys, copy_args(efs_point, dr_vault, lifecycle={"delete_after_days": 35}))
    assert other["changed"] is True
    assert other["copy_job"]["destination_recovery_point_lifecycle"] == {"delete_after_days": 35}
    again = run_module(capsys, copy_args(efs_point, dr_vault, lifecycle={"delete_after_days": 35}))
    assert again["changed"] is False


def test_a_running_copy_is_reused_and_wait_false_returns_at_once(aws, capsys, efs_point, dr_vault):
    control.configure(copy_job_seconds=600)
    first = run_module(capsys, copy_args(efs_point, dr_vault, wait=False))
    assert first["changed"] is True and first["copy_job"]["state"] in ("CREATED", "RUNNING")
    second = run_module(capsys, copy_args(efs_point, dr_vault, wait=False))
    assert second["changed"] is False
    assert second["copy_job"]["copy_job_id"] == first["copy_job"]["copy_job_id"]
    assert "copy_duration_seconds" not in second


# ---- failures, timeouts ---------------------------------------------------------------------


def test_failed_copy_fails_with_aws_message_and_rerun_starts_a_new_one(aws, capsys, efs_point, dr_vault):
    control.fail_copy_jobs(1, "Access denied exception while trying to list tags")
    failed = run_module(capsys, copy_args(efs_point, dr_vault))
    assert failed["failed"] is True
    assert "ended FAILED: Access denied exception while trying to list tags" in failed["msg"]
    assert failed["copy_job"]["state"] == "FAILED"
    retried = run_module(capsys, copy_args(efs_point, dr_vault))
    assert retried["changed"] is True and retried["copy_job"]["state"] == "COMPLETED"
    assert retried["copy_job"]["copy_job_id"] != failed["copy_job"]["copy_job_id"]
    assert retried["copy_request"]["idempotency_token"] != failed["copy_request"]["idempotency_token"]


def test_a_destination_vault_that_does_not_exist_fails_the_job(aws, capsys, efs_point):
    missing = "arn:aws:backup:us-west-2:123456789012:backup-vault:no-such-vault"
    result = run_module(capsys, copy_args(efs_point, missing))
    assert result["failed"] is True
    assert "ended FAILED" in result["msg"] and "no-such-vault" in result["msg"]


def test_unknown_source_vault_fails_with_aws_error(aws, capsys, efs_point, dr_vault):
    result = run_module(capsys, copy_args(efs_point, dr_vault, source_backup_vault_name="no-such-vault"))
    assert result["failed"] is True
    assert result["msg"].startswith("Failed to start the copy job: ")
    assert "Traceback" not in result["msg"]


def test_timeout_leaves_the_job_running_and_a_rerun_resumes_it(aws, capsys, efs_point, dr_vault):
    control.configure(copy_job_seconds=3)
    timed_out = run_module(capsys, copy_args(efs_point, dr_vault, wait_timeout=1))
    assert timed_out["failed"] is True
    assert "wait_timeout=1" in timed_out["msg"] and "re-run the task" in timed_out["msg"]
    resumed = run_module(capsys, copy_args(efs_point, dr_vault, wait_timeout=60))
    assert resumed["changed"] is False
    assert resumed["copy_job"]["copy_job_id"] == timed_out["copy_job"]["copy_job_id"]
    assert resumed["copy_job"]["state"] == "COMPLETED"
    assert len(aws.client("backup").list_copy_jobs()["CopyJobs"]) == 1


# ---- the token, the wait loop ---------------------------------------------------------------


def test_token_is_stable_changes_after_failures_and_differs_from_restore_tokens():
    request = cj.build_request("arn:aws:backup:us-east-1:123456789012:recovery-point:A", "v1", GOOD_VAULT, ROLE)
    assert cj.derive_idempotency_token(request, []) == cj.derive_idempotency_token(dict(request), [])
    assert cj.derive_idempotency_token(request, ["JOB"]) != cj.derive_idempotency_token(request, [])
    other = cj.build_request(request["RecoveryPointArn"], "v1", GOOD_VAULT, ROLE, {"DeleteAfterDays": 35})
    assert cj.derive_idempotency_token(other, []) != cj.derive_idempotency_token(request, [])


def test_same_token_twice_starts_one_job(aws, efs_point, dr_vault):
    # what two concurrent runs do: both derive the token, both call StartCopyJob
    backup = aws.client("backup")
    request = cj.build_request(efs_point["recovery_point_arn"], efs_point["backup_vault_name"], dr_vault, ROLE)
    request["IdempotencyToken"] = cj.derive_idempotency_token(request, [])
    assert backup.start_copy_job(**request)["CopyJobId"] == backup.start_copy_job(**request)["CopyJobId"]
    assert len(backup.list_copy_jobs()["CopyJobs"]) == 1


def throttled(code: str = "ThrottlingException") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "Rate exceeded"}, "ResponseMetadata": {"HTTPStatusCode": 400}}, "DescribeCopyJob")


def test_wait_rides_out_throttling_until_the_job_completes():
    answers = [throttled(), throttled(), {"CopyJobId": "J", "State": "RUNNING"}, {"CopyJobId": "J", "State": "COMPLETED"}]
    now = [0.0]

    def describe(job_id):
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def sleep(seconds):
        now[0] += seconds

    job = job_wait.wait_for_job(describe, {"CopyJobId": "J", "State": "CREATED"}, job_wait.COPY_JOB, 600, sleep, lambda: now[0])
    assert job["State"] == "COMPLETED"
    assert answers == []


def test_wait_timeout_bounds_throttling_too():
    now = [0.0]

    def describe(job_id):
        raise throttled()

    def sleep(seconds):
        now[0] += seconds

    with pytest.raises(job_wait.JobTimeoutError) as error:
        job_wait.wait_for_job(describe, {"CopyJobId": "J", "State": "RUNNING"}, job_wait.COPY_JOB, 100, sleep, lambda: now[0])
    assert now[0] <= 100
    assert "ThrottlingException" in str(error.value)


def test_wait_stops_on_an_error_that_is_not_transient():
    now = [0.0]
    asked = []

    def describe(job_id):
        asked.append(now[0])
        raise throttled("AccessDeniedException")

    def sleep(seconds):  # a clock that moves only when the wait sleeps: no spinning until the first poll is due
        now[0] += seconds

    with pytest.raises(job_wait.JobAWSError):
        job_wait.wait_for_job(describe, {"CopyJobId": "J", "State": "RUNNING"}, job_wait.COPY_JOB, 100, sleep, lambda: now[0])
    assert len(asked) == 1 and now[0] < 100  # the first refusal ended the wait, long before its timeout


def test_partial_fails_the_wait():
    with pytest.raises(job_wait.JobEndedError) as error:
        job_wait.wait_for_job(lambda j: {}, {"CopyJobId": "J", "State": "PARTIAL"}, job_wait.COPY_JOB, 10)
    assert "Copy job J ended PARTIAL" in str(error.value)


# ---- across accounts ------------------------------------------------------------------------


def test_copy_into_a_recovery_account_through_an_assumed_role(aws, capsys, efs_point):
    credentials = aws.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{RECOVERY_ACCOUNT}:role/recovery", RoleSessionName="drill"
    )["Credentials"]
    recovery = aws.client(
        "backup",
        region_name=DR_REGION,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )
    vault = seed.create_vault(recovery, "recovery-vault")
    assert f":{RECOVERY_ACCOUNT}:" in vault
    result = run_module(capsys, copy_args(efs_point, vault))
    assert result["changed"] is True and result["copy_job"]["state"] == "COMPLETED"
    copied = result["copy_job"]["destination_recovery_point_arn"]
    assert copied.startswith(f"arn:aws:backup:{DR_REGION}:{RECOVERY_ACCOUNT}:recovery-point:")
    listed = recovery.list_recovery_points_by_backup_vault(
        BackupVaultName="recovery-vault", ByResourceArn=efs_point["resource_arn"]
    )["RecoveryPoints"]
    assert [p["RecoveryPointArn"] for p in listed] == [copied]
