"""The backup_restore_job module's `main`, in process against the emulator (`aws`): bad input
before any AWS call, first run / re-run, check mode and diff, failed jobs, force, waiting,
timeout and resumed wait, throttling, masking, AWS errors. Then backup_restore_jobs, several
restores in one call from the same code: every element checked before any AWS call, one restore
failing on AWS while the others start, secrets, and what N restores cost against one."""

from __future__ import annotations

import json
import time

import pytest

from ansible_collections.recovery.aws_backup.plugins.module_utils import job_wait as jw
from ansible_collections.recovery.aws_backup.plugins.module_utils import restore_job as rj
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import MASK
from ansible_collections.recovery.aws_backup.plugins.modules import backup_restore_job
from ansible_collections.recovery.aws_backup.plugins.modules import backup_restore_jobs
from tests.emulator import seed
from tests.unit.module_runner import run_module_main

SECRET = "hunter2-do-not-show"


def run_module(capsys, args: dict, check_mode: bool = False, diff: bool = False) -> dict:
    return run_module_main(capsys, backup_restore_job.main, args, check_mode, diff)


@pytest.fixture(autouse=True)
def quick_polls(monkeypatch):
    # The emulator's jobs take seconds, not hours: poll often so the tests stay fast. The return
    # allowance shrinks with the gap it comes off: left at 0.5 s, a 0.2 s gap is negative and the
    # wait polls without pause, burning the CPU the other tests share.
    monkeypatch.setattr(jw, "WAIT_MIN_DELAY", 0.2)
    monkeypatch.setattr(jw, "WAIT_RETURN_ALLOWANCE", 0.05)
    monkeypatch.setattr(jw, "WAIT_SPARSE_DELAY", 0.5)
    monkeypatch.setattr(jw, "WAIT_ESTIMATE_SLACK", 0.1)
    monkeypatch.setattr(jw, "WAIT_FIRST_DELAY", 0.2)
    monkeypatch.setattr(jw, "WAIT_MAX_DELAY", 0.5)


@pytest.fixture
def efs_point(aws):
    return seed.seed_efs_recovery_point(aws.client("backup"), aws.client("efs"), aws.client("iam"))


def efs_args(point: dict, **overrides) -> dict:
    args = {
        "recovery_point_arn": point["recovery_point_arn"],
        "backup_vault_name": point["backup_vault_name"],
        "resource_type": "EFS",
        "iam_role_arn": point["iam_role_arn"],
        "metadata": {"file-system-id": point["file_system_id"], "newFileSystem": True, "Encrypted": True},
        "wait": False,
    }
    args.update(overrides)
    return args


def restore_jobs(aws) -> list[dict]:
    return aws.client("backup").list_restore_jobs()["RestoreJobs"]


BAD_INPUTS = [
    ({"recovery_point_arn": "fs-0123"}, "recovery_point_arn"),
    ({"recovery_point_arn": None}, "recovery_point_arn"),
    ({"iam_role_arn": "arn:aws:iam::123456789012:user/alice"}, "iam_role_arn"),
    ({"metadata": {"newFileSystem": True}}, "metadata.file-system-id"),
    ({"metadata": {"file-system-id": "fs-1", "KmsKeyId": "k"}}, "metadata.KmsKeyId"),
    ({"metadata": {"file-system-id": "fs-1", "Encrypted": "maybe"}}, "metadata.Encrypted"),
    ({"metadata": {"file-system-id": "fs-1", "itemsToRestore": []}}, "metadata.itemsToRestore"),
    ({"metadata": {"file-system-id": "fs-1", "ItemsToRestore": ["relative/path"]}}, "metadata.ItemsToRestore"),
    ({"metadata": {"file-system-id": {"id": "fs-1"}, "newFileSystem": True}}, "metadata.file-system-id"),
    ({"metadata": {"file-system-id": "fs-1", "CreationToken": "x" * 210_000}}, "metadata is"),
    ({"resource_type": ["EFS"]}, "resource_type"),
    ({"resource_type": ""}, "resource_type"),
    ({"run_id": "drill-1"}, "run_id"),
    ({"recovery_point_arn": "arn:aws:s3:::my-bucket"}, "recovery_point_arn"),
    ({"recovery_point_arn": "arn:aws:iam::123456789012:role/x"}, "recovery_point_arn"),
    ({"recovery_point_arn": "arn:aws:sns:us-east-1:123456789012:topic"}, "recovery_point_arn"),
    ({"recovery_point_arn": "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1"}, "recovery_point_arn"),
    ({"recovery_point_arn": "arn:aws:backup:us-east-1:123456789012:recovery-point:"}, "recovery_point_arn"),
    ({"recovery_point_arn": None, "resource_arn": "fs-0abc1234"}, "resource_arn"),
    ({"recovery_point_arn": None, "resource_arn": ""}, "resource_arn"),
    ({"recovery_point_arn": None, "resource_arn": "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1",
      "latest_before": "-9999999d"}, "latest_before"),
    ({"run_id": " ", "wait": True}, "run_id"),
    ({"secret_metadata": {"File-System-Id": "fs-2"}}, "secret_metadata.File-System-Id"),
    ({"metadata": {}}, "metadata"),
    ({"metadata": "file-system-id=fs-1 newFileSystem"}, "metadata"),
    ({"wait_timeout": 0}, "wait_timeout"),
    ({"wait_timeout": "soon"}, "wait_timeout"),
    ({"copy_source_tags_to_restored_resource": "perhaps"}, "copy_source_tags_to_restored_resource"),
    ({"backup_vault_name": ""}, "backup_vault_name"),
    ({"backup_vault_name": None, "backup_vault_account_id": "123456789012"}, "backup_vault_account_id requires backup_vault_name"),
    ({"resource_type": "efs-ish"}, "resource_type 'efs-ish' is not a resource type AWS Backup restores"),
    ({"recovery_point_arn": "arn:aws:backup:us-west-2:123456789012:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45"},
     "recovery_point_arn is a recovery point of Region us-west-2, but this task runs in Region us-east-1"),
]


@pytest.mark.parametrize("overrides, option", BAD_INPUTS)
def test_bad_input_fails_naming_the_option_before_any_aws_call(aws, capsys, overrides, option):
    point = {"recovery_point_arn": "arn:aws:backup:us-east-1:123456789012:recovery-point:X", "iam_role_arn": None,
             "file_system_id": "fs-1", "backup_vault_name": "test-vault"}  # fmt: skip
    args = {k: v for k, v in efs_args(point, **overrides).items() if v is not None}
    result = run_module(capsys, args)
    assert result["failed"] is True
    assert option in result["msg"]
    assert "Traceback" not in json.dumps(result)
    assert aws.calls() == {}


def test_first_run_starts_one_job_and_rerun_returns_it(aws, capsys, efs_point):
    first = run_module(capsys, efs_args(efs_point))
    assert first["changed"] is True
    job = first["restore_job"]
    assert job["status"] in ("PENDING", "RUNNING", "COMPLETED")
    assert job["recovery_point_arn"] == efs_point["recovery_point_arn"]
    assert isinstance(job["creation_date"], str)
    token = first["restore_metadata"]["CreationToken"]  # derived: a new file system needs one
    assert first["restore_metadata"] == {"file-system-id": efs_point["file_system_id"], "newFileSystem": "true",
                                         "Encrypted": "true", "CreationToken": token}  # fmt: skip
    assert token.startswith("ansible-recovery-") and len(token) <= 64
    aws.reset_calls()
    second = run_module(capsys, efs_args(efs_point))
    assert second["changed"] is False
    assert second["restore_metadata"]["CreationToken"] == token
    assert second["restore_job"]["restore_job_id"] == job["restore_job_id"]
    assert len(restore_jobs(aws)) == 1
    assert "StartRestoreJob" not in aws.calls()
    assert aws.calls()["GetRestoreJobMetadata"] == 1


def test_only_same_point_candidates_cost_a_metadata_call(aws, capsys, efs_point):
    other = seed.seed_efs_recovery_point(aws.client("backup"), aws.client("efs"), aws.client("iam"))
    for _run in range(3):
        run_module(capsys, efs_args(other, force=True))
    aws.reset_calls()
    result = run_module(capsys, efs_args(efs_point))
    assert result["changed"] is True
    assert "GetRestoreJobMetadata" not in aws.calls()
    assert aws.calls()["StartRestoreJob"] == 1


def test_different_metadata_is_a_different_job(aws, capsys, efs_point):
    run_module(capsys, efs_args(efs_point))
    other = efs_args(efs_point)
    other["metadata"] = {**other["metadata"], "PerformanceMode": "maxIO"}
    assert run_module(capsys, other)["changed"] is True
    assert len(restore_jobs(aws)) == 2


def test_keys_are_matched_case_insensitively_on_rerun(aws, capsys, efs_point):
    run_module(capsys, efs_args(efs_point))
    args = efs_args(efs_point)
    args["metadata"] = {"File-System-Id": efs_point["file_system_id"], "newfilesystem": "TRUE", "encrypted": True}
    assert run_module(capsys, args)["changed"] is False


def test_check_mode_starts_nothing_and_shows_the_request(aws, capsys, efs_point):
    args = efs_args(efs_point)
    args["metadata"]["MasterPassword"] = SECRET  # not an EFS key; shows masking in the request
    result = run_module(capsys, args, check_mode=True, diff=True)
    text = json.dumps(result)
    assert result["changed"] is True
    assert result["restore_job"] == {}
    assert "StartRestoreJob" not in aws.calls()
    request = result["restore_request"]
    assert request["recovery_point_arn"] == efs_point["recovery_point_arn"]
    assert request["idempotency_token"].startswith(rj.TOKEN_PREFIX)
    assert request["metadata"]["MasterPassword"] == MASK
    assert result["diff"]["before"] == {} and result["diff"]["after"]["restore_request"] == request
    assert SECRET not in text


def test_check_mode_after_the_job_exists_is_unchanged(aws, capsys, efs_point):
    aws.configure(restore_job_seconds=600)
    started = run_module(capsys, efs_args(efs_point))
    result = run_module(capsys, efs_args(efs_point, wait=True, wait_timeout=1), check_mode=True, diff=True)
    assert "failed" not in result  # not waited for, so no timeout
    assert result["restore_job"]["status"] in ("PENDING", "RUNNING")
    assert result["changed"] is False
    assert result["restore_job"]["restore_job_id"] == started["restore_job"]["restore_job_id"]
    assert result["diff"]["before"]["restore_job"]["restore_job_id"] == started["restore_job"]["restore_job_id"]


def test_wait_until_completed_creates_the_file_system(aws, capsys, efs_point):
    aws.configure(restore_job_seconds=0.5)
    result = run_module(capsys, efs_args(efs_point, wait=True, wait_timeout=30))
    job = result["restore_job"]
    assert result["changed"] is True and job["status"] == "COMPLETED"
    assert job["percent_done"] == "100.00%"
    fs_id = job["created_resource_arn"].rsplit("/", 1)[1]
    assert aws.client("efs").describe_file_systems(FileSystemId=fs_id)["FileSystems"][0]["Encrypted"] is True
    assert isinstance(job["completion_date"], str)


def test_failed_job_fails_the_task_and_a_rerun_starts_a_new_one(aws, capsys, efs_point):
    aws.configure(restore_job_seconds=0.2)
    aws.fail_restore_jobs(1, "Access denied to KMS key")
    failed = run_module(capsys, efs_args(efs_point, wait=True, wait_timeout=30))
    failed_id = failed["restore_job"]["restore_job_id"]
    assert failed["failed"] is True
    assert failed_id in failed["msg"] and "FAILED" in failed["msg"] and "Access denied to KMS key" in failed["msg"]
    retried = run_module(capsys, efs_args(efs_point, wait=True, wait_timeout=30))
    assert retried["changed"] is True
    assert retried["restore_job"]["restore_job_id"] != failed_id
    assert retried["restore_job"]["status"] == "COMPLETED"
    assert retried["restore_request"]["idempotency_token"] != failed["restore_request"]["idempotency_token"]
    assert run_module(capsys, efs_args(efs_point))["changed"] is False


def test_force_starts_a_new_job(aws, capsys, efs_point):
    first = run_module(capsys, efs_args(efs_point))
    forced = run_module(capsys, efs_args(efs_point, force=True))
    assert forced["changed"] is True
    assert forced["restore_job"]["restore_job_id"] != first["restore_job"]["restore_job_id"]
    assert len(restore_jobs(aws)) == 2


def test_user_token_is_sent(aws, capsys, efs_point):
    first = run_module(capsys, efs_args(efs_point, idempotency_token="change-4711"))
    assert first["restore_request"]["idempotency_token"] == "change-4711"


def test_timeout_fails_with_progress_and_rerun_resumes_the_same_job(aws, capsys, efs_point):
    aws.configure(restore_job_seconds=6)
    timed_out = run_module(capsys, efs_args(efs_point, wait=True, wait_timeout=1))
    job_id = timed_out["restore_job"]["restore_job_id"]
    assert timed_out["failed"] is True
    assert job_id in timed_out["msg"] and "done" in timed_out["msg"] and "wait_timeout" in timed_out["msg"]
    assert timed_out["restore_job"]["status"] in ("PENDING", "RUNNING")
    resumed = run_module(capsys, efs_args(efs_point, wait=True, wait_timeout=30))
    assert resumed["changed"] is False
    assert resumed["restore_job"]["restore_job_id"] == job_id
    assert resumed["restore_job"]["status"] == "COMPLETED"
    assert len(restore_jobs(aws)) == 1


def test_endless_throttling_of_describe_ends_the_wait_by_wait_timeout(aws, capsys, efs_point):
    # Every DescribeRestoreJob throttled, the one right after StartRestoreJob included: that one
    # must not back off on its own schedule (minutes) outside wait_timeout.
    aws.configure(restore_job_seconds=600)
    aws.throttle("DescribeRestoreJob", 10**6)
    started = time.monotonic()
    result = run_module(capsys, efs_args(efs_point, wait=True, wait_timeout=2))
    assert time.monotonic() - started < 2 + 8
    (job,) = restore_jobs(aws)
    assert result["failed"] is True and result["restore_job"] == {"restore_job_id": job["RestoreJobId"]}
    assert job["RestoreJobId"] in result["msg"] and "no known status" in result["msg"], result["msg"]
    assert "ThrottlingException" in result["msg"] and "wait_timeout=2" in result["msg"]


def test_throttling_is_retried(aws, capsys, efs_point):
    # Longer bursts than botocore's own attempts (5 in its legacy mode): AWSRetry must retry
    # AWS Backup's ThrottlingException itself.
    aws.throttle("StartRestoreJob", 6)
    aws.throttle("ListRestoreJobsByProtectedResource", 2)
    result = run_module(capsys, efs_args(efs_point))
    assert result["changed"] is True
    assert aws.calls()["StartRestoreJob"] == 7
    assert aws.calls()["ListRestoreJobsByProtectedResource"] == 3
    assert len(restore_jobs(aws)) == 1
    assert len(restore_jobs(aws)) == 1


def test_aws_error_says_what_was_being_done_and_which_permission_was_missing(aws, capsys, efs_point, monkeypatch):
    from botocore.exceptions import ClientError

    def denied(*_args, **_kwargs):
        error = ClientError({"Error": {"Code": "AccessDeniedException", "Message": "not allowed"}}, "StartRestoreJob")
        raise rj.RestoreJobAWSError("starting the restore job", error)

    monkeypatch.setattr(rj, "start_restore_job", denied)
    result = run_module(capsys, efs_args(efs_point))
    assert result["failed"] is True
    assert result["msg"].startswith(
        "Failed starting the restore job (AWS refused it: the task's credentials lack the IAM permission backup:StartRestoreJob)"
    )
    assert "AccessDeniedException" in json.dumps(result)


def test_credentials_never_appear_in_results_or_warnings(aws, capsys, efs_point):
    args = efs_args(efs_point)
    args["metadata"]["DbPassword"] = SECRET
    args["metadata"]["CreationToken"] = "drill-42"
    result = run_module(capsys, args, diff=True)
    text = json.dumps(result)
    assert SECRET not in text
    assert result["restore_metadata"]["DbPassword"] == MASK
    assert result["restore_metadata"]["CreationToken"] == "drill-42"
    assert result["diff"]["after"]["restore_request"]["metadata"]["DbPassword"] == MASK


def test_a_resource_type_in_another_case_is_sent_in_aws_spelling_with_a_note(aws, capsys, efs_point):
    args = efs_args(efs_point, resource_type="efs")
    args["metadata"]["DbPassword"] = SECRET
    result = run_module(capsys, args)
    assert result.get("failed") is not True, result["msg"]
    assert "resource_type 'efs' was sent as 'EFS', AWS's spelling" in result["notes"]
    assert result["restore_request"]["resource_type"] == "EFS"
    assert "warnings" not in result
    assert SECRET not in json.dumps(result)


def test_an_unknown_resource_type_is_refused_naming_the_known_ones_before_any_aws_call(aws, capsys, efs_point):
    aws.reset_calls()
    result = run_module(capsys, efs_args(efs_point, resource_type="QuantumDB"))
    assert result["failed"] is True
    assert result["msg"].startswith("resource_type 'QuantumDB' is not a resource type AWS Backup restores; the types are Aurora,")
    assert aws.calls() == {}


def test_own_token_of_a_failed_job_fails_clearly_instead_of_claiming_a_new_job(aws, capsys, efs_point):
    aws.configure(restore_job_seconds=0.2)
    aws.fail_restore_jobs(1)
    failed = run_module(capsys, efs_args(efs_point, idempotency_token="change-1", wait=True))
    assert failed["failed"] is True
    again = run_module(capsys, efs_args(efs_point, idempotency_token="change-1"))
    assert again["failed"] is True
    assert "idempotency_token 'change-1'" in again["msg"] and failed["restore_job"]["restore_job_id"] in again["msg"]
    retried = run_module(capsys, efs_args(efs_point, idempotency_token="change-2", wait=True))
    assert retried["changed"] is True and retried["restore_job"]["status"] == "COMPLETED"
    assert len(restore_jobs(aws)) == 2


def test_runs_that_both_saw_no_job_start_one(aws, capsys, efs_point, monkeypatch):
    # Two AWX jobs at the same moment: both list before either starts. Simulate that listing.
    monkeypatch.setattr(rj, "find_equal_jobs", lambda client, request, resource_exists=None, scope=None: rj.EqualJobs())
    first = run_module(capsys, efs_args(efs_point))
    second = run_module(capsys, efs_args(efs_point))
    assert first["restore_job"]["restore_job_id"] == second["restore_job"]["restore_job_id"]
    assert len(restore_jobs(aws)) == 1
    assert aws.calls()["StartRestoreJob"] == 2


def test_numeric_and_nested_credentials_are_masked_in_the_whole_result(aws, capsys, efs_point):
    args = efs_args(efs_point)
    args["metadata"]["DbPassword"] = 987654321
    args["metadata"]["Options"] = {"AuthToken": "tok-nested-secret", "Port": 5432}
    result = run_module(capsys, args, check_mode=True, diff=True)
    text = json.dumps(result)
    assert "987654321" not in text and "tok-nested-secret" not in text
    assert "5432" in text  # what is not a credential stays visible


SECRETS = {"MasterUserPassword": "pw-Hunter2-a", "MasterUserPwd": "pw-Hunter2-b", "AdminPasswd": "pw-Hunter2-c",
           "Config": {"nested": {"ClientSecret": "pw-Hunter2-d"}}, "ApiToken": "pw-Hunter2-e", "SshKey": "pw-Hunter2-f"}  # fmt: skip


def assert_no_secret(text: str) -> None:
    leaked = [v for v in ("pw-Hunter2-a", "pw-Hunter2-b", "pw-Hunter2-c", "pw-Hunter2-d", "pw-Hunter2-e", "pw-Hunter2-f",
                          "pw-Hunter2-g") if v in text]  # fmt: skip
    assert not leaked, f"secrets shown: {leaked}"


@pytest.mark.parametrize(
    "overrides",
    [
        {"wait": "maybe"},
        {"not_an_option": 1},
        {"wait_timeout": "soon"},
        {"recovery_point_arn": None, "resource_arn": None},
        {"latest_before": "-1d"},  # mutually exclusive with recovery_point_arn
    ],
)
def test_argument_validation_failures_never_show_secret_metadata(aws, capsys, efs_point, overrides):
    args = efs_args(efs_point, **overrides)
    args = {k: v for k, v in args.items() if v is not None}
    args["metadata"] = {**args["metadata"], **SECRETS}
    args["secret_metadata"] = {"AdminLogin": "pw-Hunter2-g"}
    aws.reset_calls()
    result = run_module(capsys, args)
    assert result["failed"] is True
    assert "module_args" in result["invocation"]
    assert_no_secret(json.dumps(result))
    assert aws.calls() == {}


def test_metadata_given_as_json_text_hides_its_secrets_too(aws, capsys, efs_point):
    args = efs_args(efs_point, wait="maybe")
    args["metadata"] = json.dumps({**args["metadata"], "MasterUserPassword": "pw-Hunter2-a"})
    assert_no_secret(json.dumps(run_module(capsys, args)))


def test_the_invocation_log_line_hides_secrets(aws, capsys, efs_point, monkeypatch):
    from ansible.module_utils.basic import AnsibleModule

    logged = []
    monkeypatch.setattr(AnsibleModule, "log", lambda self, msg, log_args=None: logged.append((msg, log_args)))
    args = efs_args(efs_point)
    secrets = {k: v for k, v in SECRETS.items() if k != "Config"}
    args["metadata"] = {**args["metadata"], **secrets, "Items": [{"nested": {"ClientSecret": "pw-Hunter2-d"}}]}
    args["secret_metadata"] = {"AdminLogin": "pw-Hunter2-g"}
    result = run_module(capsys, args, diff=True)
    assert result.get("changed") is True, result
    assert logged, "the module logs its invocation"
    assert_no_secret(repr(logged))
    assert_no_secret(json.dumps(result))
    # Secrets are still sent to AWS: only what is shown is masked.
    sent = aws.client("backup").get_restore_job_metadata(RestoreJobId=result["restore_job"]["restore_job_id"])["Metadata"]
    assert sent["MasterUserPwd"] == "pw-Hunter2-b" and sent["AdminLogin"] == "pw-Hunter2-g"


def test_a_completed_job_whose_file_system_is_gone_is_not_reused(aws, capsys, efs_point):
    first = run_module(capsys, efs_args(efs_point, wait=True, wait_timeout=30))
    created = first["restore_job"]["created_resource_arn"]
    efs = aws.client("efs")
    efs.delete_file_system(FileSystemId=created.split("/")[-1])
    again = run_module(capsys, efs_args(efs_point, wait=True, wait_timeout=30))
    assert again["changed"] is True
    assert again["restore_job"]["restore_job_id"] != first["restore_job"]["restore_job_id"]
    assert again["restore_job"]["created_resource_arn"] != created
    assert any(first["restore_job"]["restore_job_id"] in note and "no longer exists" in note for note in again["notes"])
    # The new file system exists, so the next run reuses the new job.
    third = run_module(capsys, efs_args(efs_point))
    assert third["changed"] is False
    assert third["restore_job"]["restore_job_id"] == again["restore_job"]["restore_job_id"]
    assert len(restore_jobs(aws)) == 2


def test_a_completed_job_whose_resource_cannot_be_looked_up_is_reused_with_a_warning(aws, capsys, efs_point, monkeypatch):
    from ansible_collections.recovery.aws_backup.plugins.module_utils import restore_module

    first = run_module(capsys, efs_args(efs_point, wait=True, wait_timeout=30))
    monkeypatch.setattr(restore_module, "resource_exists", lambda client_for, arn: None)
    again = run_module(capsys, efs_args(efs_point))
    assert again["changed"] is False
    assert again["restore_job"]["restore_job_id"] == first["restore_job"]["restore_job_id"]
    assert "without checking" in json.dumps(again.get("warnings"))


def test_force_with_a_token_restores_afresh_once_per_token(aws, capsys, efs_point):
    earlier = run_module(capsys, efs_args(efs_point))
    run_a = run_module(capsys, efs_args(efs_point, force=True, idempotency_token="drill-run-1"))
    run_a_again = run_module(capsys, efs_args(efs_point, force=True, idempotency_token="drill-run-1"))
    run_b = run_module(capsys, efs_args(efs_point, force=True, idempotency_token="drill-run-2"))
    ids = {r["restore_job"]["restore_job_id"] for r in (earlier, run_a, run_b)}
    assert len(ids) == 3
    assert run_a_again["restore_job"]["restore_job_id"] == run_a["restore_job"]["restore_job_id"]
    # each forced restore gets its own derived CreationToken, so their file systems do not collide
    assert run_a["restore_metadata"]["CreationToken"] != run_b["restore_metadata"]["CreationToken"]


def test_run_id_marks_the_restored_file_system(aws, capsys, efs_point):
    result = run_module(capsys, efs_args(efs_point, wait=True, wait_timeout=30, run_id="drill-77"))
    fs_id = result["restore_job"]["created_resource_arn"].split("/")[-1]
    (fs,) = aws.client("efs").describe_file_systems(FileSystemId=fs_id)["FileSystems"]
    tags = {t["Key"]: t["Value"] for t in fs["Tags"]}
    assert tags["recovery.aws_backup:run-id"] == "drill-77"
    assert tags["recovery.aws_backup:restore-job-id"] == result["restore_job"]["restore_job_id"]
    assert result["marked_resource"]["arn"] == result["restore_job"]["created_resource_arn"]


def test_run_id_never_marks_the_source_of_an_in_place_restore(aws, capsys, efs_point):
    args = efs_args(efs_point, wait=True, wait_timeout=30, run_id="drill-78")
    args["metadata"] = {"file-system-id": efs_point["file_system_id"], "newFileSystem": False}
    result = run_module(capsys, args)
    assert "marked_resource" not in result
    (fs,) = aws.client("efs").describe_file_systems(FileSystemId=efs_point["file_system_id"])["FileSystems"]
    assert "recovery.aws_backup:run-id" not in {t["Key"] for t in fs.get("Tags", [])}


# ---- AWS calls: exact counts (the emulator counts every call per operation) ----------------


def seed_unrelated_restore_jobs(aws, count: int) -> None:
    """`count` COMPLETED restore jobs of another EFS file system (in place: no new file system
    each), as an account with restore testing or nightly drills holds them."""
    other = seed.seed_efs_recovery_point(aws.client("backup"), aws.client("efs"), aws.client("iam"))
    aws.configure(restore_job_seconds=0)
    backup = aws.client("backup")
    for _job in range(count):
        backup.start_restore_job(RecoveryPointArn=other["recovery_point_arn"],
                                 Metadata={"file-system-id": other["file_system_id"], "newFileSystem": "false"})  # fmt: skip


def by_vault(point: dict, **overrides) -> dict:
    return efs_args(point, backup_vault_name=point["backup_vault_name"], **overrides)


def by_resource(point: dict, vault: bool, **overrides) -> dict:
    args = efs_args(point, recovery_point_arn=None, resource_arn=point["resource_arn"], **overrides)
    if not vault:
        args["backup_vault_name"] = None
    return {k: v for k, v in args.items() if v is not None}


def test_first_run_calls(aws, capsys, efs_point):
    aws.reset_calls()
    result = run_module(capsys, by_vault(efs_point))
    assert result["changed"] is True
    assert aws.calls() == {"DescribeRecoveryPoint": 1, "ListRestoreJobsByProtectedResource": 1,
                           "StartRestoreJob": 1, "DescribeRestoreJob": 1}  # fmt: skip


@pytest.mark.parametrize("unrelated", [0, 1000])
def test_rerun_reads_three_times_whatever_the_account_holds(aws, capsys, efs_point, unrelated):
    aws.configure(restore_job_seconds=600)  # the job is still RUNNING: reused without looking at a resource
    first = run_module(capsys, by_vault(efs_point))
    seed_unrelated_restore_jobs(aws, unrelated)
    aws.reset_calls()
    again = run_module(capsys, by_vault(efs_point))
    assert again["changed"] is False
    assert again["restore_job"]["restore_job_id"] == first["restore_job"]["restore_job_id"]
    assert again["restore_job"]["status"] in ("PENDING", "RUNNING")
    # the list entry is the job as DescribeRestoreJob would give it: no DescribeRestoreJob
    assert aws.calls() == {"DescribeRecoveryPoint": 1, "ListRestoreJobsByProtectedResource": 1, "GetRestoreJobMetadata": 1}


def test_rerun_of_a_completed_job_also_looks_at_its_resource_once(aws, capsys, efs_point):
    first = run_module(capsys, by_vault(efs_point, wait=True, wait_timeout=30))
    aws.reset_calls()
    again = run_module(capsys, by_vault(efs_point))
    assert again["changed"] is False and again["restore_job"]["status"] == "COMPLETED"
    assert again["restore_job"]["created_resource_arn"] == first["restore_job"]["created_resource_arn"]
    assert aws.calls() == {"DescribeRecoveryPoint": 1, "ListRestoreJobsByProtectedResource": 1, "GetRestoreJobMetadata": 1}
    assert aws.calls("efs") == {"DescribeFileSystems": 1}


def test_jobs_of_other_points_of_the_same_resource_cost_no_metadata_call(aws, capsys, efs_point):
    backup = aws.client("backup")
    for other_point in seed.many_backups(backup, efs_point["backup_vault_name"], efs_point["resource_arn"], efs_point["iam_role_arn"], 3):
        run_module(capsys, by_vault({**efs_point, "recovery_point_arn": other_point}))
    aws.reset_calls()
    result = run_module(capsys, by_vault(efs_point))
    assert result["changed"] is True
    assert aws.calls() == {"DescribeRecoveryPoint": 1, "ListRestoreJobsByProtectedResource": 1,
                           "StartRestoreJob": 1, "DescribeRestoreJob": 1}  # fmt: skip
    assert len(restore_jobs(aws)) == 4


@pytest.mark.parametrize(
    "vault, first_calls, rerun_calls",
    [
        (True,
         {"ListRecoveryPointsByBackupVault": 1, "ListRestoreJobsByProtectedResource": 1, "StartRestoreJob": 1, "DescribeRestoreJob": 1},
         {"ListRecoveryPointsByBackupVault": 1, "ListRestoreJobsByProtectedResource": 1, "GetRestoreJobMetadata": 1}),
        # without the vault, the newest point is found by ListRecoveryPointsByResource; its type is
        # the one the file system's ARN names, so its vault is not listed (recovery_point.py)
        (False,
         {"ListRecoveryPointsByResource": 1, "ListRestoreJobsByProtectedResource": 1, "StartRestoreJob": 1,
          "DescribeRestoreJob": 1},
         {"ListRecoveryPointsByResource": 1, "ListRestoreJobsByProtectedResource": 1, "GetRestoreJobMetadata": 1}),
    ],
)  # fmt: skip
def test_selection_by_resource_calls(aws, capsys, efs_point, vault, first_calls, rerun_calls):
    aws.configure(restore_job_seconds=600)
    seed_unrelated_restore_jobs(aws, 30)
    aws.configure(restore_job_seconds=600)
    aws.reset_calls()
    first = run_module(capsys, by_resource(efs_point, vault))
    assert first["changed"] is True
    assert first["recovery_point"]["recovery_point_arn"] == efs_point["recovery_point_arn"]
    assert aws.calls() == first_calls
    aws.reset_calls()
    again = run_module(capsys, by_resource(efs_point, vault))
    assert again["changed"] is False
    assert again["restore_job"]["restore_job_id"] == first["restore_job"]["restore_job_id"]
    assert aws.calls() == rerun_calls


@pytest.mark.parametrize("unrelated", [0, 1000])
def test_rerun_by_resource_alone_reads_three_times_whatever_the_account_holds(aws, capsys, efs_point, unrelated):
    # No resource_type either: the file system's ARN says EFS, so the point's vault is not listed.
    args = by_resource(efs_point, vault=False, resource_type=None)
    aws.configure(restore_job_seconds=600)  # the job is still RUNNING: reused without looking at a resource
    first = run_module(capsys, args)
    assert first["changed"] is True
    seed_unrelated_restore_jobs(aws, unrelated)
    aws.reset_calls()
    again = run_module(capsys, args)
    assert again["changed"] is False
    assert again["restore_job"]["restore_job_id"] == first["restore_job"]["restore_job_id"]
    assert again["restore_job"]["status"] in ("PENDING", "RUNNING")
    assert again["restore_request"]["resource_type"] == "EFS"
    assert aws.calls() == {"ListRecoveryPointsByResource": 1, "ListRestoreJobsByProtectedResource": 1, "GetRestoreJobMetadata": 1}
    point = again["recovery_point"]
    assert point["recovery_point_arn"] == efs_point["recovery_point_arn"]
    assert point["backup_vault_name"] == efs_point["backup_vault_name"]
    assert point["resource_type"] == "EFS" and point["resource_arn"] == efs_point["resource_arn"]
    assert point["status"] == "COMPLETED" and isinstance(point["creation_date"], str)
    assert isinstance(point["age_seconds"], int)


@pytest.mark.parametrize("resource_type, enriched", [(None, True), ("Aurora", False)])
def test_an_rds_cluster_alone_is_listed_in_its_vault_unless_resource_type_is_given(aws, capsys, resource_type, enriched):
    # Aurora, DocumentDB and Neptune clusters share the rds cluster ARN: only the point's vault
    # listing, or the user, says which it is.
    backup, rds, iam = aws.client("backup"), aws.client("rds"), aws.client("iam")
    seed.create_vault(backup, "db-vault")
    cluster = seed.create_aurora_cluster(rds, "orders-aurora")
    role_arn = seed.ensure_backup_role(iam)
    point = seed.backup_and_wait(backup, "db-vault", cluster["DBClusterArn"], role_arn).recovery_point_arn
    args = {"resource_arn": cluster["DBClusterArn"], "resource_type": resource_type, "iam_role_arn": role_arn,
            "metadata": {"DBClusterIdentifier": "orders-aurora-copy"}, "wait": False}  # fmt: skip
    aws.configure(restore_job_seconds=600)
    aws.reset_calls()
    first = run_module(capsys, {k: v for k, v in args.items() if v is not None})
    assert first["changed"] is True, first
    assert first["recovery_point"]["recovery_point_arn"] == point
    assert first["recovery_point"]["resource_type"] == "Aurora"
    assert first["restore_request"]["resource_type"] == "Aurora"
    listed = {"ListRecoveryPointsByBackupVault": 1} if enriched else {}
    assert aws.calls() == {"ListRecoveryPointsByResource": 1, **listed, "ListRestoreJobsByProtectedResource": 1,
                           "StartRestoreJob": 1, "DescribeRestoreJob": 1}  # fmt: skip
    # the full fields come only with the vault's listing
    assert ("backup_vault_arn" in first["recovery_point"]) is enriched
    aws.reset_calls()
    again = run_module(capsys, {k: v for k, v in args.items() if v is not None})
    assert again["changed"] is False
    assert again["restore_job"]["restore_job_id"] == first["restore_job"]["restore_job_id"]
    assert aws.calls() == {"ListRecoveryPointsByResource": 1, **listed, "ListRestoreJobsByProtectedResource": 1,
                           "GetRestoreJobMetadata": 1}  # fmt: skip


def test_a_recovery_point_arn_without_its_vault_is_found_in_its_vault_with_a_note(aws, capsys, efs_point):
    aws.configure(restore_job_seconds=600)
    aws.reset_calls()
    result = run_module(capsys, efs_args(efs_point, backup_vault_name=None))
    assert result["changed"] is True, result.get("msg")
    vault = efs_point["backup_vault_name"]
    (note,) = [n for n in result["notes"] if "found by reading" in n]
    assert f"is in backup vault {vault}" in note and f"give backup_vault_name: {vault} to save these reads" in note
    assert aws.calls()["ListBackupVaults"] == 1
    # The point read, its resource's restore jobs searched (not the account's), then started.
    assert "ListRestoreJobs" not in aws.calls() and aws.calls()["ListRestoreJobsByProtectedResource"] == 1
    aws.reset_calls()
    again = run_module(capsys, efs_args(efs_point))
    assert again["changed"] is False
    assert sum(aws.calls().values()) <= 3, aws.calls()


def test_a_vault_that_does_not_hold_the_point_fails_saying_so_before_starting(aws, capsys, efs_point):
    seed.create_vault(aws.client("backup"), "another-vault")
    aws.reset_calls()
    result = run_module(capsys, efs_args(efs_point, backup_vault_name="another-vault"))
    assert result["failed"] is True
    assert result["msg"] == (
        f"recovery_point_arn: recovery point {efs_point['recovery_point_arn']} is not in backup vault another-vault "
        "(Region us-east-1); name the vault that holds it, or leave backup_vault_name out to have it found"
    )
    assert "StartRestoreJob" not in aws.calls()


def test_a_vault_that_does_not_exist_is_named_before_starting(aws, capsys, efs_point):
    aws.reset_calls()
    result = run_module(capsys, efs_args(efs_point, backup_vault_name="prod-vault"))
    assert result["failed"] is True
    assert result["msg"].startswith("backup_vault_name: there is no backup vault named 'prod-vault' in Region us-east-1 (the vaults there: ")
    assert efs_point["backup_vault_name"] in result["msg"]
    assert "StartRestoreJob" not in aws.calls()


def test_a_point_that_may_not_be_described_falls_back_to_every_restore_job(aws, capsys, efs_point, monkeypatch):
    # A role without backup:DescribeRecoveryPoint can still restore: the search is wider, not refused.
    from botocore.exceptions import ClientError

    from ansible_collections.recovery.aws_backup.plugins.module_utils import recovery_point

    def denied(*_args, **_kwargs):
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "not allowed"}}, "DescribeRecoveryPoint")

    monkeypatch.setattr(recovery_point, "describe_recovery_point", denied)
    aws.configure(restore_job_seconds=600)
    aws.reset_calls()
    first = run_module(capsys, efs_args(efs_point))
    assert first["changed"] is True
    warnings = json.dumps(first["warnings"])
    assert "AWS refused backup:DescribeRecoveryPoint (AccessDeniedException)" in warnings
    assert "the task's credentials lack that permission" in warnings and "every restore job of the account" in warnings
    # ListBackupVaults tells the vault exists (AWS denies a vault it does not know as well).
    assert aws.calls() == {"ListBackupVaults": 1, "ListRestoreJobs": 1, "StartRestoreJob": 1, "DescribeRestoreJob": 1}
    aws.reset_calls()
    again = run_module(capsys, efs_args(efs_point))
    assert again["changed"] is False
    assert again["restore_job"]["restore_job_id"] == first["restore_job"]["restore_job_id"]
    assert aws.calls() == {"ListBackupVaults": 1, "ListRestoreJobs": 1, "GetRestoreJobMetadata": 1}


def test_wait_false_makes_only_the_calls_the_request_needs(aws, capsys, efs_point):
    aws.reset_calls()
    started = run_module(capsys, by_vault(efs_point, wait=False))
    assert started["restore_job"]["status"] in ("PENDING", "RUNNING")
    assert aws.calls() == {"DescribeRecoveryPoint": 1, "ListRestoreJobsByProtectedResource": 1,
                           "StartRestoreJob": 1, "DescribeRestoreJob": 1}  # fmt: skip
    aws.reset_calls()
    run_module(capsys, by_vault(efs_point, wait=False), check_mode=True)
    assert aws.calls() == {"DescribeRecoveryPoint": 1, "ListRestoreJobsByProtectedResource": 1, "GetRestoreJobMetadata": 1}
    aws.reset_calls()
    run_module(capsys, by_vault(efs_point, wait=False, force=True, idempotency_token="drill-9"))
    # force looks for no equal job: the point read (is it in that vault?), the start, and the job's status
    assert aws.calls() == {"DescribeRecoveryPoint": 1, "StartRestoreJob": 1, "DescribeRestoreJob": 1}


# ---- backup_restore_jobs: several restores in one call -------------------------------------

JOBS_PASSWORD = "pw-Hunter2-in-metadata"
JOBS_SECRET = "pw-Hunter2-in-secret-metadata"


def run_jobs_module(capsys, args: dict, check_mode: bool = False, diff: bool = False) -> dict:
    return run_module_main(capsys, backup_restore_jobs.main, args, check_mode, diff)


@pytest.fixture
def jobs_points(aws) -> list[dict]:
    """Three EFS file systems, each with one recovery point, in one vault."""
    return [seed.seed_efs_recovery_point(aws.client("backup"), aws.client("efs"), aws.client("iam")) for _point in range(3)]


def jobs_element(name: str, point: dict, **overrides) -> dict:
    restore = {
        "name": name,
        "recovery_point_arn": point["recovery_point_arn"],
        "backup_vault_name": point["backup_vault_name"],
        "resource_type": "EFS",
        "metadata": {"file-system-id": point["file_system_id"], "newFileSystem": True, "Encrypted": True},
    }
    restore.update(overrides)
    return {k: v for k, v in restore.items() if v is not None}


def jobs_args(points: list[dict], **top) -> dict:
    return {
        "iam_role_arn": points[0]["iam_role_arn"],
        "restores": [jobs_element(name, point) for name, point in zip(("app", "home", "logs"), points)],
        **top,
    }


def jobs_ids(result: dict) -> list[str]:
    return [entry["restore_job"]["restore_job_id"] for entry in result["restore_jobs"]]


# ---- backup_restore_jobs: every element checked before any AWS call -------------------------

JOBS_FAKE_POINT = {"recovery_point_arn": "arn:aws:backup:us-east-1:123456789012:recovery-point:X",
                   "backup_vault_name": "test-vault", "file_system_id": "fs-1"}  # fmt: skip
FS_ARN = "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1"

JOBS_BAD_ELEMENTS = [
    ({"recovery_point_arn": "fs-0123"}, "recovery_point_arn must be"),
    ({"recovery_point_arn": None}, "one of the following is required: recovery_point_arn, resource_arn"),
    ({"resource_arn": FS_ARN}, "parameters are mutually exclusive: recovery_point_arn|resource_arn"),
    ({"latest_before": "-1d"}, "parameters are mutually exclusive: recovery_point_arn|latest_before"),
    ({"recovery_point_arn": None, "resource_arn": "fs-0abc1234"}, "resource_arn"),
    ({"recovery_point_arn": None, "resource_arn": FS_ARN, "latest_before": "yesterday-ish"}, "latest_before"),
    ({"metadata": {"newFileSystem": True}}, "metadata.file-system-id"),
    ({"metadata": {"file-system-id": "fs-1", "KmsKeyId": "k"}}, "metadata.KmsKeyId"),
    ({"metadata": {"file-system-id": "fs-1", "ItemsToRestore": ["relative/path"]}}, "metadata.ItemsToRestore"),
    ({"metadata": {}}, "metadata is required"),
    ({"secret_metadata": {"File-System-Id": "fs-2"}}, "secret_metadata.File-System-Id"),
    ({"resource_type": ""}, "resource_type"),
    ({"idempotency_token": " "}, "idempotency_token"),
    ({"backup_vault_name": "no spaces allowed"}, "backup_vault_name"),
    ({"resource_type": "efs-ish"}, "resource_type 'efs-ish' is not a resource type AWS Backup restores"),
    ({"name": "a"}, "name 'a' is also the name of restores[0]"),
    ({"name": " "}, "name must not be empty"),
]


@pytest.mark.parametrize("overrides, problem", JOBS_BAD_ELEMENTS)
def test_jobs_a_bad_element_fails_naming_it_and_the_option_before_any_aws_call(aws, capsys, overrides, problem):
    good = jobs_element("a", JOBS_FAKE_POINT)
    bad = {k: v for k, v in {**jobs_element("b", JOBS_FAKE_POINT), **overrides}.items() if v is not None}
    result = run_jobs_module(capsys, {"restores": [good, bad]})
    label = f"restores[1] ({bad['name']})"
    assert result["failed"] is True
    assert f"{label}: " in result["msg"] and problem in result["msg"], result["msg"]
    assert "restores[0] (a):" not in result["msg"]
    assert "restore_jobs" not in result  # none started: a play tells this failure by its absence
    assert "Traceback" not in json.dumps(result)
    assert aws.calls() == {}


def test_jobs_every_bad_element_is_reported_at_once_and_nothing_starts(aws, capsys, jobs_points):
    args = jobs_args(jobs_points, iam_role_arn="arn:aws:iam::123456789012:user/alice")
    args["restores"][0]["metadata"] = {"newFileSystem": True}
    args["restores"][2]["recovery_point_arn"] = "fs-0123"
    aws.reset_calls()
    result = run_jobs_module(capsys, args)
    assert result["failed"] is True
    assert "iam_role_arn must be an IAM role ARN" in result["msg"]
    assert "restores[0] (app): metadata.file-system-id" in result["msg"]
    assert "restores[2] (logs): recovery_point_arn" in result["msg"]
    assert "restores[1]" not in result["msg"]
    assert aws.calls() == {}
    assert restore_jobs(aws) == []


def test_jobs_an_element_option_given_as_null_is_not_given(aws, capsys, jobs_points):
    args = jobs_args(jobs_points)
    args["restores"] = [{**args["restores"][0], "resource_arn": None, "latest_before": None}]
    result = run_jobs_module(capsys, args)
    assert result["changed"] is True and not result.get("failed"), result


def test_jobs_what_needs_aws_to_be_checked_is_checked_when_the_restore_runs(aws, capsys, jobs_points):
    # Whether resource_arn has a recovery point before latest_before takes AWS to tell: that
    # restore fails on its own (as backup_restore_job does), the others start.
    args = jobs_args(jobs_points)
    home = jobs_points[1]
    args["restores"][1] = jobs_element("home", home, recovery_point_arn=None, resource_arn=home["resource_arn"],
                                       latest_before="2001-01-01T00:00:00Z")  # fmt: skip
    result = run_jobs_module(capsys, args)
    assert result["failed"] is True
    assert [entry["failed"] for entry in result["restore_jobs"]] == [False, True, False]
    assert "2001-01-01" in result["restore_jobs"][1]["msg"]
    assert len(restore_jobs(aws)) == 2


# ---- backup_restore_jobs: starting, re-running, check mode ----------------------------------


def test_jobs_first_run_starts_every_job_and_a_rerun_returns_them(aws, capsys, jobs_points):
    aws.configure(restore_job_seconds=600)
    first = run_jobs_module(capsys, jobs_args(jobs_points))
    assert first["changed"] is True and "failed" not in first, first
    assert [entry["name"] for entry in first["restore_jobs"]] == ["app", "home", "logs"]
    for entry, point in zip(first["restore_jobs"], jobs_points):
        assert entry["changed"] is True and entry["failed"] is False and "msg" not in entry
        assert entry["restore_job"]["recovery_point_arn"] == point["recovery_point_arn"]
        assert entry["restore_job"]["status"] in ("PENDING", "RUNNING")
        assert entry["restore_metadata"]["file-system-id"] == point["file_system_id"]
        assert entry["restore_metadata"]["CreationToken"].startswith("ansible-recovery-")
    assert len(set(jobs_ids(first))) == 3 and len(restore_jobs(aws)) == 3
    aws.reset_calls()
    again = run_jobs_module(capsys, jobs_args(jobs_points))
    assert again["changed"] is False
    assert [entry["changed"] for entry in again["restore_jobs"]] == [False, False, False]
    assert jobs_ids(again) == jobs_ids(first)
    assert "StartRestoreJob" not in aws.calls()
    assert len(restore_jobs(aws)) == 3


def test_jobs_only_the_new_restore_is_changed(aws, capsys, jobs_points):
    args = jobs_args(jobs_points)
    run_jobs_module(capsys, {**args, "restores": args["restores"][:2]})
    result = run_jobs_module(capsys, args)
    assert result["changed"] is True
    assert [entry["changed"] for entry in result["restore_jobs"]] == [False, False, True]
    assert len(restore_jobs(aws)) == 3


def test_jobs_check_mode_starts_nothing_and_diffs_each_restore(aws, capsys, jobs_points):
    aws.configure(restore_job_seconds=600)
    args = jobs_args(jobs_points)
    started = run_jobs_module(capsys, {**args, "restores": args["restores"][:1]})
    aws.reset_calls()
    result = run_jobs_module(capsys, args, check_mode=True, diff=True)
    assert "StartRestoreJob" not in aws.calls()
    assert len(restore_jobs(aws)) == 1
    assert result["changed"] is True
    reused, *would_start = result["restore_jobs"]
    assert reused["changed"] is False and reused["restore_job"]["restore_job_id"] == jobs_ids(started)[0]
    for entry in would_start:
        assert entry["changed"] is True and entry["restore_job"] == {}
        assert entry["restore_request"]["idempotency_token"].startswith("ansible-recovery-")
    diffs = result["diff"]
    assert [d["before_header"] for d in diffs] == ["restores[0] (app)", "restores[1] (home)", "restores[2] (logs)"]
    assert diffs[0]["before"] == diffs[0]["after"] and diffs[0]["before"]["restore_job"]["restore_job_id"] == jobs_ids(started)[0]
    assert diffs[1]["before"] == {} and diffs[1]["after"]["restore_request"] == would_start[0]["restore_request"]


def test_jobs_force_with_a_token_starts_once_per_token(aws, capsys, jobs_points):
    args = jobs_args(jobs_points)
    run_jobs_module(capsys, args)
    for restore in args["restores"]:
        restore.update(force=True, idempotency_token=f"drill-7-{restore['name']}")
    forced = run_jobs_module(capsys, args)
    assert [entry["changed"] for entry in forced["restore_jobs"]] == [True, True, True]
    assert len(restore_jobs(aws)) == 6
    again = run_jobs_module(capsys, args)
    assert jobs_ids(again) == jobs_ids(forced)
    assert len(restore_jobs(aws)) == 6


def test_jobs_by_resource_returns_the_point_chosen(aws, capsys, jobs_points):
    args = jobs_args(jobs_points)
    args["restores"][0] = jobs_element("app", jobs_points[0], recovery_point_arn=None, resource_arn=jobs_points[0]["resource_arn"])
    result = run_jobs_module(capsys, args)
    assert result["restore_jobs"][0]["recovery_point"]["recovery_point_arn"] == jobs_points[0]["recovery_point_arn"]
    assert "recovery_point" not in result["restore_jobs"][1]


def test_jobs_warnings_and_notes_name_their_restore(aws, capsys, jobs_points, monkeypatch):
    from botocore.exceptions import ClientError

    from ansible_collections.recovery.aws_backup.plugins.module_utils import recovery_point

    def denied(*_args, **_kwargs):
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "not allowed"}}, "DescribeRecoveryPoint")

    monkeypatch.setattr(recovery_point, "describe_recovery_point", denied)
    args = jobs_args(jobs_points)
    args["restores"][1]["resource_type"] = "efs"
    result = run_jobs_module(capsys, args)
    warnings = json.dumps(result["warnings"])
    for label in ("restores[0] (app)", "restores[1] (home)"):
        assert f"{label}: AWS refused backup:DescribeRecoveryPoint (AccessDeniedException)" in warnings
    assert "resource_type 'efs' was sent as 'EFS', AWS's spelling" in result["restore_jobs"][1]["notes"]


# ---- backup_restore_jobs: one restore failing on AWS ----------------------------------------


def test_jobs_an_aws_failure_of_one_restore_does_not_stop_the_others(aws, capsys, jobs_points):
    args = jobs_args(jobs_points)
    missing = jobs_points[1]["recovery_point_arn"][:-4] + "0000"
    args["restores"][1] = jobs_element("home", jobs_points[1], recovery_point_arn=missing)
    result = run_jobs_module(capsys, args)
    assert result["failed"] is True
    assert result["changed"] is True
    assert [entry["failed"] for entry in result["restore_jobs"]] == [False, True, False]
    failed = result["restore_jobs"][1]
    assert failed["name"] == "home" and failed["changed"] is False and failed["restore_job"] == {}
    assert failed["msg"].startswith(f"recovery_point_arn: recovery point {missing} is not in backup vault test-vault")
    assert result["msg"].startswith(f"1 of 3 restores failed: restores[1] (home): recovery_point_arn: recovery point {missing}")
    started = {job["RestoreJobId"] for job in restore_jobs(aws)}
    entries = result["restore_jobs"]
    assert started == {entries[0]["restore_job"]["restore_job_id"], entries[2]["restore_job"]["restore_job_id"]}
    assert "Traceback" not in json.dumps(result)


def test_jobs_an_unexpected_error_of_one_restore_does_not_stop_the_others(aws, capsys, jobs_points, monkeypatch):
    from ansible_collections.recovery.aws_backup.plugins.module_utils import restore_module

    real = restore_module.ensure_restore_job

    def broken_for_home(client, request, **kwargs):
        if request["RecoveryPointArn"] == jobs_points[1]["recovery_point_arn"]:
            raise KeyError("RestoreJobId")
        return real(client, request, **kwargs)

    monkeypatch.setattr(restore_module, "ensure_restore_job", broken_for_home)
    result = run_jobs_module(capsys, jobs_args(jobs_points))
    assert result["failed"] is True
    assert [entry["failed"] for entry in result["restore_jobs"]] == [False, True, False]
    assert result["restore_jobs"][1]["msg"] == "Unexpected error (KeyError): 'RestoreJobId'"
    assert "restores[1] (home): Unexpected error" in result["msg"]
    assert len(restore_jobs(aws)) == 2


# ---- backup_restore_jobs: secrets -----------------------------------------------------------


def jobs_secret_args(points: list[dict]) -> dict:
    args = jobs_args(points)
    args["restores"][0]["metadata"]["MasterUserPassword"] = JOBS_PASSWORD
    args["restores"][1]["secret_metadata"] = {"AdminLogin": JOBS_SECRET}
    return args


def assert_jobs_secrets_hidden(text: str) -> None:
    assert JOBS_PASSWORD not in text and JOBS_SECRET not in text, "a secret is shown"


def test_jobs_secrets_of_any_restore_are_never_shown(aws, capsys, jobs_points):
    result = run_jobs_module(capsys, jobs_secret_args(jobs_points), diff=True)
    assert result["changed"] is True and "failed" not in result, result
    assert_jobs_secrets_hidden(json.dumps(result))
    assert result["restore_jobs"][0]["restore_metadata"]["MasterUserPassword"] == MASK
    assert result["restore_jobs"][1]["restore_metadata"]["AdminLogin"] == MASK
    # ...while AWS gets them
    sent = aws.client("backup").get_restore_job_metadata(RestoreJobId=jobs_ids(result)[1])["Metadata"]
    assert sent["AdminLogin"] == JOBS_SECRET


@pytest.mark.parametrize(
    "breakage",
    [
        lambda args: args["restores"][2].update(force="maybe"),  # a bad type in another element
        lambda args: args["restores"][2].update(metadata="not a dict"),
        lambda args: args["restores"][2].update(not_an_option=1),
        lambda args: args["restores"][2].pop("name"),
        lambda args: args.update(unknown_top_level=True),
    ],
)
def test_jobs_argument_validation_failures_never_show_secrets(aws, capsys, jobs_points, breakage):
    args = jobs_secret_args(jobs_points)
    breakage(args)
    aws.reset_calls()
    result = run_jobs_module(capsys, args)
    assert result["failed"] is True
    assert "module_args" in result["invocation"]
    assert_jobs_secrets_hidden(json.dumps(result))
    assert aws.calls() == {}


def test_jobs_restores_given_as_json_text_hide_their_secrets_too(aws, capsys, jobs_points):
    args = jobs_secret_args(jobs_points)
    args["restores"][2]["force"] = "maybe"
    args["restores"] = json.dumps(args["restores"])
    result = run_jobs_module(capsys, args)
    assert result["failed"] is True
    assert_jobs_secrets_hidden(json.dumps(result))


def test_jobs_secrets_are_found_in_restores_of_any_shape_before_validation():
    from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_module import restores_secrets

    elements = [{"name": "a", "metadata": {"MasterUserPassword": JOBS_PASSWORD}}, {"name": "b", "secret_metadata": {"Login": JOBS_SECRET}}]
    for given in (elements, json.dumps(elements), [json.dumps(e) for e in elements]):
        assert {JOBS_PASSWORD, JOBS_SECRET} <= restores_secrets({"restores": given}), given
    assert restores_secrets({"restores": [f"name=a secret_metadata={JOBS_SECRET}"]}) == set()  # not a dict: nothing to hide
    assert restores_secrets({"restores": "not json"}) == set()
    assert restores_secrets({"restores": 7}) == set() and restores_secrets({}) == set()


def test_jobs_secrets_are_hidden_in_failures_and_check_errors(aws, capsys, jobs_points):
    args = jobs_secret_args(jobs_points)
    args["restores"][2]["metadata"] = {"newFileSystem": True}  # a check error: nothing starts
    result = run_jobs_module(capsys, args)
    assert result["failed"] is True and "restores[2] (logs)" in result["msg"]
    assert_jobs_secrets_hidden(json.dumps(result))
    args = jobs_secret_args(jobs_points)
    args["restores"][0]["recovery_point_arn"] = jobs_points[0]["recovery_point_arn"][:-4] + "0000"  # fails on AWS
    result = run_jobs_module(capsys, args, diff=True)
    assert result["failed"] is True and result["restore_jobs"][0]["failed"] is True
    assert_jobs_secrets_hidden(json.dumps(result))


def test_jobs_the_invocation_log_line_hides_secrets(aws, capsys, jobs_points, monkeypatch):
    from ansible.module_utils.basic import AnsibleModule

    logged = []
    monkeypatch.setattr(AnsibleModule, "log", lambda self, msg, log_args=None: logged.append((msg, log_args)))
    result = run_jobs_module(capsys, jobs_secret_args(jobs_points))
    assert result["changed"] is True, result
    assert logged, "the module logs its invocation"
    assert_jobs_secrets_hidden(repr(logged))


# ---- backup_restore_jobs: N restores cost N times one restore, over one client per service --


def count_clients(monkeypatch) -> dict[str, int]:
    """How many clients the module makes, per service (counted from here on)."""
    from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

    made: dict[str, int] = {}
    real = AnsibleAWSModule.client

    def client(self, service, *args, **kwargs):
        made[service] = made.get(service, 0) + 1
        return real(self, service, *args, **kwargs)

    monkeypatch.setattr(AnsibleAWSModule, "client", client)
    return made


def run_restores(capsys, points: list[dict], check_mode: bool = False, **element_overrides) -> dict:
    restores = []
    for index, point in enumerate(points):
        args = by_vault(point, **element_overrides)
        if "idempotency_token" in args:  # AWS refuses one token for different requests
            args["idempotency_token"] += f"-{index}"
        restores.append({"name": f"target-{index}", **{k: v for k, v in args.items() if k not in ("iam_role_arn", "wait")}})
    args = {"iam_role_arn": points[0]["iam_role_arn"], "restores": restores}
    return run_module_main(capsys, backup_restore_jobs.main, args, check_mode)


@pytest.mark.parametrize(
    "scenario, job_seconds, overrides",
    [
        ("first run", 600, {}),
        ("re-run, jobs RUNNING", 600, {}),
        ("re-run, jobs COMPLETED: their file systems are looked at", 0, {}),
        ("check mode", 600, {}),
        ("force with a token", 600, {"force": True, "idempotency_token": "drill-3"}),
    ],
)
def test_n_restores_in_one_call_cost_n_times_one_restore(aws, capsys, monkeypatch, scenario, job_seconds, overrides):
    aws.configure(restore_job_seconds=job_seconds)
    seeded = [seed.seed_efs_recovery_point(aws.client("backup"), aws.client("efs"), aws.client("iam")) for _point in range(4)]
    single, many = seeded[0], seeded[1:]
    check_mode = scenario == "check mode"
    if scenario.startswith("re-run"):
        run_module(capsys, by_vault(single, **overrides))
        run_restores(capsys, many, **overrides)
    aws.reset_calls()
    one = run_module(capsys, by_vault(single, **overrides), check_mode=check_mode)
    one_calls = {"backup": aws.calls(), "efs": aws.calls("efs")}
    aws.reset_calls()
    clients = count_clients(monkeypatch)
    result = run_restores(capsys, many, check_mode=check_mode, **overrides)
    assert "failed" not in result, result
    assert len(result["restore_jobs"]) == 3
    assert [entry["changed"] for entry in result["restore_jobs"]] == [one["changed"]] * 3
    for service, calls in one_calls.items():
        assert aws.calls(service) == {operation: 3 * count for operation, count in calls.items()}, service
    if "COMPLETED" in scenario:
        assert one_calls["efs"] == {"DescribeFileSystems": 1}
        assert [entry["restore_job"]["status"] for entry in result["restore_jobs"]] == ["COMPLETED"] * 3
    # one client per service for the whole call, not one per restore
    assert clients == ({"backup": 1, "efs": 1} if "COMPLETED" in scenario else {"backup": 1})


def test_resource_arn_in_a_vault_that_does_not_exist_names_the_vault(aws, capsys, efs_point):
    args = efs_args(efs_point, recovery_point_arn=None, resource_arn=efs_point["resource_arn"], backup_vault_name="prod-vault")
    result = run_module(capsys, {k: v for k, v in args.items() if v is not None})
    assert result["failed"] is True
    assert result["msg"].startswith("backup_vault_name: there is no backup vault named 'prod-vault' in Region us-east-1")
    assert "StartRestoreJob" not in aws.calls()
