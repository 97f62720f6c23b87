"""restore_job.py's pure parts: the request, the idempotency token, candidates, input
checks, waiting with backoff (fake clock, fake client). No AWS."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from ansible_collections.recovery.aws_backup.plugins.module_utils import job_wait as jw
from ansible_collections.recovery.aws_backup.plugins.module_utils import restore_job as rj
from ansible_collections.recovery.aws_backup.plugins.module_utils import restore_module as rm

POINT = "arn:aws:backup:us-east-1:123456789012:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45"
ROLE = "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole"
VAULT = "prod-vault"
IN_VAULT = {"recovery_point_arn": POINT, "backup_vault_name": VAULT}


def request(**overrides):
    params = {"recovery_point_arn": POINT, "metadata": {"file-system-id": "fs-1", "newFileSystem": "true"},
              "resource_type": "EFS", "iam_role_arn": ROLE}  # fmt: skip
    params.update(overrides)
    return rj.build_request(**params)


def test_build_request_sends_optional_parameters_only_when_given():
    assert rj.build_request(POINT, {"a": "b"}) == {"RecoveryPointArn": POINT, "Metadata": {"a": "b"}}
    full = rj.build_request(POINT, {"a": "b"}, "EFS", ROLE, False, "tok")
    assert full["CopySourceTagsToRestoredResource"] is False
    assert full["IdempotencyToken"] == "tok" and full["ResourceType"] == "EFS" and full["IamRoleArn"] == ROLE


def test_token_is_deterministic_and_independent_of_metadata_order():
    first = rj.derive_idempotency_token(request(), [])
    reordered = request(metadata={"newFileSystem": "true", "file-system-id": "fs-1"})
    assert rj.derive_idempotency_token(reordered, []) == first
    assert rj.derive_idempotency_token(request(), []) == first
    assert first.startswith(rj.TOKEN_PREFIX)


@pytest.mark.parametrize(
    "changed",
    [
        {"metadata": {"file-system-id": "fs-2", "newFileSystem": "true"}},
        {"resource_type": None},
        {"iam_role_arn": None},
        {"copy_source_tags_to_restored_resource": True},
        {"recovery_point_arn": POINT.replace("1EB3", "2EB3")},
    ],
)
def test_token_changes_with_the_request(changed):
    assert rj.derive_idempotency_token(request(**changed), []) != rj.derive_idempotency_token(request(), [])


def test_token_changes_after_a_failed_equal_job_and_is_order_independent():
    base = rj.derive_idempotency_token(request(), [])
    after_one = rj.derive_idempotency_token(request(), ["job-1"])
    assert after_one != base
    assert rj.derive_idempotency_token(request(), ["job-2", "job-1"]) == rj.derive_idempotency_token(
        request(), ["job-1", "job-2"]
    )


def test_random_tokens_differ():
    assert rj.random_idempotency_token() != rj.random_idempotency_token()


def test_candidates_are_decided_from_the_list_entry():
    req = request()
    assert rj.is_candidate(req, {"RecoveryPointArn": POINT, "ResourceType": "EFS"})
    assert not rj.is_candidate(req, {"RecoveryPointArn": POINT, "ResourceType": "RDS"})
    assert not rj.is_candidate(req, {"RecoveryPointArn": POINT + "0", "ResourceType": "EFS"})
    assert rj.is_candidate(request(resource_type=None), {"RecoveryPointArn": POINT, "ResourceType": "RDS"})


def test_metadata_equality_reads_keys_case_insensitively():
    assert rj.same_metadata({"ItemsToRestore": '["/a"]'}, {"itemsToRestore": '["/a"]'})
    assert not rj.same_metadata({"Encrypted": "true"}, {"Encrypted": "false"})
    assert not rj.same_metadata({"Encrypted": "true"}, {"Encrypted": "true", "KmsKeyId": "k"})


@pytest.mark.parametrize(
    "arn",
    [
        POINT,
        "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-1234abcd",
        "arn:aws:rds:us-east-1:123456789012:cluster-snapshot:awsbackup:job-1234abcd",
        "arn:aws:ec2:us-east-1::snapshot/snap-0123456789abcdef0",
        "arn:aws-us-gov:backup:us-gov-west-1:123456789012:recovery-point:abc",
    ],
)
def test_well_formed_arns_are_accepted(arn):
    assert rm.check_input({"recovery_point_arn": arn, "backup_vault_name": VAULT}).recovery_point_arn == arn


@pytest.mark.parametrize(
    "params, option",
    [
        ({"recovery_point_arn": "fs-0123"}, "recovery_point_arn"),
        ({"recovery_point_arn": "see " + POINT}, "recovery_point_arn"),
        ({"recovery_point_arn": POINT + " "}, "recovery_point_arn"),
        ({"recovery_point_arn": "arn:aws:backup:us-east-1:123456789012:"}, "recovery_point_arn"),
        ({**IN_VAULT, "iam_role_arn": "AWSBackupDefaultServiceRole"}, "iam_role_arn"),
        ({**IN_VAULT, "iam_role_arn": "arn:aws:iam::123456789012:user/alice"}, "iam_role_arn"),
        ({**IN_VAULT, "wait_timeout": 0}, "wait_timeout"),
        ({**IN_VAULT, "idempotency_token": " "}, "idempotency_token"),
        ({**IN_VAULT, "resource_type": ""}, "resource_type"),
        ({**IN_VAULT, "metadata": {"Encrypted": None}}, "metadata.Encrypted"),
        ({"recovery_point_arn": POINT, "backup_vault_name": ""}, "backup_vault_name"),
        ({"recovery_point_arn": POINT, "backup_vault_account_id": "123456789012"}, "backup_vault_account_id requires"),
        ({**IN_VAULT, "resource_type": "QuantumDB"}, "resource_type 'QuantumDB' is not a resource type"),
    ],
)
def test_bad_input_names_the_option(params, option):
    with pytest.raises(rj.InputError, match=option.replace(".", r"\.")):
        rm.check_input(params)


def test_final_metadata_requires_metadata_and_applies_type_rules():
    checked = rm.check_input({**IN_VAULT, "resource_type": "EFS", "metadata": {}})
    with pytest.raises(rj.InputError, match="metadata is required"):
        rm.final_metadata(rm.Source(POINT), checked)
    checked = rm.check_input({**IN_VAULT, "resource_type": "EFS", "metadata": {"KmsKeyId": "k", "file-system-id": "fs"}})
    with pytest.raises(rj.InputError, match=r"metadata\.KmsKeyId requires"):
        rm.final_metadata(rm.Source(POINT), checked)


def test_user_metadata_overrides_base_metadata_case_insensitively():
    # Base metadata from the recovery point, the user's on top.
    source = rm.Source(POINT, base_metadata={"file-system-id": "fs-1", "Encrypted": "false", "newFileSystem": "false"})
    checked = rm.check_input({**IN_VAULT, "resource_type": "EFS", "metadata": {"encrypted": True, "newFileSystem": True}})
    assert rm.final_metadata(source, checked) == {"file-system-id": "fs-1", "encrypted": "true", "newFileSystem": "true"}


def test_recovery_point_metadata_never_makes_an_efs_restore_in_place_unless_the_user_asks():
    source = rm.Source(POINT, base_metadata={"file-system-id": "fs-1", "newFileSystem": "false"}, resource_type="EFS")
    plain = rm.check_input({**IN_VAULT, "resource_type": "EFS", "metadata": {"CreationToken": "t"}})
    assert rm.final_metadata(source, plain)["newFileSystem"] == "true"
    asked = rm.check_input({**IN_VAULT, "resource_type": "EFS", "metadata": {"NewFileSystem": False}})
    assert rm.final_metadata(source, asked)["NewFileSystem"] == "false"


def test_wait_delays_grow_to_a_cap():
    delays = jw.wait_delays()
    seen = [next(delays) for _attempt in range(15)]
    assert seen[0] <= 5
    assert seen == sorted(seen)
    assert seen[-1] == jw.WAIT_MAX_DELAY
    assert max(seen) <= 60


class FakeClock:
    def __init__(self):
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def __call__(self) -> float:
        return self.now


class FakeBackup:
    """describe_restore_job answers from a status timeline over the fake clock."""

    def __init__(self, clock: FakeClock, timeline: list[tuple[float, str]], message: str = ""):
        self.clock, self.timeline, self.message, self.calls = clock, timeline, message, 0

    def describe_restore_job(self, RestoreJobId: str) -> dict:
        # No aws_retry: the wait loop retries on its own schedule, bounded by its deadline.
        self.calls += 1
        status = [s for t, s in self.timeline if t <= self.clock.now][-1]
        return {"RestoreJobId": RestoreJobId, "Status": status, "PercentDone": "50.00%", "StatusMessage": self.message}


def test_wait_returns_the_completed_job_polling_with_backoff():
    clock = FakeClock()
    backup = FakeBackup(clock, [(0, "PENDING"), (10, "RUNNING"), (600, "COMPLETED")])
    job = rj.wait_for_restore_job(backup, {"RestoreJobId": "j", "Status": "PENDING"}, 3600, clock.sleep, clock)
    assert job["Status"] == "COMPLETED"
    # Without estimates from AWS (no ExpectedCompletionTimeMinutes, PercentDone not moving) the
    # gaps grow with the time waited (5 % of it, at least 5 s) so completion is noticed at most
    # 30 s late: fewer than half the polls of a fixed 5 s interval.
    # 600 s on the regular gap (4.5 s, later 5 % of the time waited less 0.5 s): about 61 polls, no tight loop
    assert backup.calls < 65
    assert clock.now - 600 <= 30
    assert clock.sleeps[0] <= 5 and max(clock.sleeps) <= 60


def test_wait_never_sleeps_past_the_deadline_and_reports_progress():
    clock = FakeClock()
    backup = FakeBackup(clock, [(0, "RUNNING")])
    with pytest.raises(rj.RestoreJobTimeoutError) as raised:
        rj.wait_for_restore_job(backup, {"RestoreJobId": "j-1", "Status": "RUNNING"}, 100, clock.sleep, clock)
    assert clock.now == pytest.approx(100)
    message = str(raised.value)
    assert "j-1" in message and "RUNNING" in message and "50.00%" in message and "re-run" in message


@pytest.mark.parametrize("status", ["FAILED", "ABORTED"])
def test_wait_fails_with_aws_status_message(status):
    clock = FakeClock()
    backup = FakeBackup(clock, [(0, "RUNNING"), (5, status)], message="DB identifier exists")
    with pytest.raises(rj.RestoreJobEndedError) as raised:
        rj.wait_for_restore_job(backup, {"RestoreJobId": "j-2", "Status": "PENDING"}, 100, clock.sleep, clock)
    assert f"j-2 ended {status}: DB identifier exists" in str(raised.value)


def test_json_safe_turns_dates_into_text():
    from datetime import datetime, timezone

    from ansible_collections.recovery.aws_backup.plugins.module_utils.results import json_safe

    value = json_safe({"a": [datetime(2024, 1, 2, tzinfo=timezone.utc)], "b": 1})
    assert value == {"a": ["2024-01-02T00:00:00+00:00"], "b": 1}


def test_masked_request_hides_credentials():
    shown = rm.masked_request(request(metadata={"DBInstanceIdentifier": "db", "MasterUserPassword": "pw-1"}))
    assert shown["metadata"]["MasterUserPassword"] == rm.mask_metadata({"p": "x", "password": "y"})["password"]
    assert "pw-1" not in str(shown)
    assert shown["recovery_point_arn"] == POINT and shown["iam_role_arn"] == ROLE


class Unreliable(FakeBackup):
    """Answers with `error()` while the fake clock is inside one of `outages`."""

    def __init__(self, clock, timeline, outages, error):
        super().__init__(clock, timeline)
        self.outages, self.error = outages, error

    def describe_restore_job(self, RestoreJobId: str) -> dict:
        if any(start <= self.clock.now < end for start, end in self.outages):
            self.calls += 1
            raise self.error()
        return super().describe_restore_job(RestoreJobId)


def throttled():
    return ClientError({"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"},
                        "ResponseMetadata": {"HTTPStatusCode": 400}}, "DescribeRestoreJob")  # fmt: skip


def unreachable():
    return EndpointConnectionError(endpoint_url="http://127.0.0.1:1")


@pytest.mark.parametrize("error", [throttled, unreachable])
def test_endless_transient_errors_end_the_wait_at_its_deadline_naming_the_last_status(error):
    clock = FakeClock()
    backup = Unreliable(clock, [(0, "RUNNING")], [(0, 10**9)], error)
    with pytest.raises(rj.RestoreJobTimeoutError) as raised:
        rj.wait_for_restore_job(backup, {"RestoreJobId": "j-3", "Status": "RUNNING", "PercentDone": "20.00%"}, 20, clock.sleep, clock)
    assert clock.now == pytest.approx(20)
    message = str(raised.value)
    assert "j-3" in message and "still RUNNING" in message and "last polls failed" in message
    assert backup.calls >= 3  # it kept trying, within the deadline


@pytest.mark.parametrize("error", [throttled, unreachable])
def test_a_short_outage_while_waiting_is_ridden_out(error):
    clock = FakeClock()
    backup = Unreliable(clock, [(0, "RUNNING"), (60, "COMPLETED")], [(5, 40)], error)
    job = rj.wait_for_restore_job(backup, {"RestoreJobId": "j-4", "Status": "RUNNING"}, 300, clock.sleep, clock)
    assert job["Status"] == "COMPLETED"


def test_a_real_error_while_waiting_is_not_retried():
    clock = FakeClock()

    def denied():
        return ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"},
                            "ResponseMetadata": {"HTTPStatusCode": 403}}, "DescribeRestoreJob")  # fmt: skip

    backup = Unreliable(clock, [(0, "RUNNING")], [(0, 10**9)], denied)
    with pytest.raises(rj.RestoreJobAWSError):
        rj.wait_for_restore_job(backup, {"RestoreJobId": "j-5", "Status": "RUNNING"}, 300, clock.sleep, clock)
    assert backup.calls == 1


# ---- the poll schedule: completion noticed within max(5 s, 5 % of the time waited) ----------

EPOCH = 1_700_000_000.0  # the fake wall clock: CreationDate is compared with it


class EstimatingBackup:
    """One job of `duration` seconds created at fake time `created`, described as AWS does: a
    CreationDate, PercentDone growing linearly (up to `stuck_at`, when given) and
    ExpectedCompletionTimeMinutes in whole minutes (`expected_minutes`, None for none).
    `completes_at` makes the job end at another time than its estimates say."""

    def __init__(self, clock, duration, expected_minutes="rounded", created=0.0, completes_at=None, stuck_at=None,
                 percent=True):  # fmt: skip
        self.clock, self.duration, self.created, self.calls = clock, duration, created, 0
        self.expected_minutes = max(1, round(duration / 60)) if expected_minutes == "rounded" else expected_minutes
        self.completes_at = created + duration if completes_at is None else completes_at
        self.stuck_at, self.percent = stuck_at, percent

    def job(self) -> dict:
        from datetime import datetime, timezone

        now = self.clock.now
        done = now >= self.completes_at
        share = min((now - self.created) / self.duration, 0.99)
        if self.stuck_at is not None:
            share = min(share, self.stuck_at / 100)
        job = {"RestoreJobId": "j-est", "Status": "COMPLETED" if done else "RUNNING",
               "CreationDate": datetime.fromtimestamp(EPOCH + self.created, timezone.utc)}  # fmt: skip
        if self.percent:
            job["PercentDone"] = f"{100.0 if done else share * 100:.2f}%"
        if self.expected_minutes is not None:
            job["ExpectedCompletionTimeMinutes"] = self.expected_minutes
        return job

    def describe_restore_job(self, RestoreJobId: str) -> dict:
        self.calls += 1
        return self.job()


def wait(backup: EstimatingBackup, clock: FakeClock, timeout: float = 7200) -> dict:
    return rj.wait_for_restore_job(backup, backup.job(), timeout, clock.sleep, clock, wall=lambda: EPOCH + clock.now)


@pytest.mark.parametrize("completes_at", [3, 20, 61, 120, 333, 1000, 3000])
def test_without_estimates_completion_is_noticed_within_5_percent_of_the_wait(completes_at):
    clock = FakeClock()
    backup = FakeBackup(clock, [(0, "RUNNING"), (completes_at, "COMPLETED")])
    rj.wait_for_restore_job(backup, {"RestoreJobId": "j", "Status": "RUNNING"}, 7200, clock.sleep, clock)
    assert clock.now - completes_at <= max(5.0, 0.05 * completes_at)


@pytest.mark.parametrize("duration", [20, 120, 600, 3600, 4 * 3600])
def test_with_aws_estimates_completion_is_noticed_at_once_and_long_restores_poll_sparsely(duration):
    clock = FakeClock()
    backup = EstimatingBackup(clock, duration)
    job = wait(backup, clock, timeout=8 * 3600)
    assert job["Status"] == "COMPLETED"
    assert clock.now - duration <= jw.WAIT_ESTIMATE_SLACK + 1e-6
    if duration >= 600:
        assert backup.calls <= duration / 15  # at most one DescribeRestoreJob per 15 s
    assert backup.calls <= 20 or duration >= 600


@pytest.mark.parametrize("duration", [20, 120, 600])
def test_with_only_one_estimate_completion_is_still_noticed_at_once(duration):
    for backup_args in ({"expected_minutes": None}, {"percent": False}):
        clock = FakeClock()
        backup = EstimatingBackup(clock, duration, **backup_args)
        wait(backup, clock)
        lateness = clock.now - duration
        # PercentDone alone is exact here; whole minutes alone leave the regular gap
        assert lateness <= max(jw.WAIT_MIN_DELAY, 0.05 * duration), backup_args


def test_a_job_ending_long_before_its_estimates_is_noticed_within_the_sparse_gap():
    clock = FakeClock()
    backup = EstimatingBackup(clock, 3600, completes_at=100)
    wait(backup, clock)
    assert clock.now - 100 <= jw.WAIT_SPARSE_DELAY


def test_an_estimate_that_keeps_slipping_does_not_make_polls_dense():
    # PercentDone stops at 99 % after about a minute and the job completes ten minutes later.
    clock = FakeClock()
    backup = EstimatingBackup(clock, 60, expected_minutes=None, completes_at=660)
    wait(backup, clock)
    assert clock.now - 660 <= 0.05 * 660
    # no more polls than the regular gap alone makes over 660 s (5 s for 100 s, then 5 % of the wait)
    assert backup.calls <= 60
    assert min(clock.sleeps) >= jw.WAIT_ESTIMATE_SLACK


def test_a_resumed_wait_counts_the_job_age_as_time_waited():
    clock = FakeClock()
    clock.now = 3000.0
    backup = EstimatingBackup(clock, 3600, expected_minutes=None, percent=False)
    wait(backup, clock)
    assert clock.now - 3600 <= 0.05 * 3600
    assert backup.calls <= 5  # gaps of 5 % of the job's age (150 s and more), not 5 s


def test_throttling_backs_off_and_the_schedule_resumes_after_it():
    clock = FakeClock()
    backup = Unreliable(clock, [(0, "RUNNING"), (400, "COMPLETED")], [(10, 300)], throttled)
    rj.wait_for_restore_job(backup, {"RestoreJobId": "j-6", "Status": "RUNNING"}, 3600, clock.sleep, clock)
    during = list(clock.sleeps[2:12])
    assert during == sorted(during) and max(clock.sleeps) == jw.WAIT_MAX_DELAY
    assert backup.calls < 30  # 290 s of throttling: about a dozen polls, not one every 5 s
    assert clock.now - 400 <= max(jw.WAIT_MIN_DELAY, 0.05 * 400)


def test_next_poll_delay():
    # the regular gap leaves WAIT_RETURN_ALLOWANCE for the poll and the answer's way back
    assert jw.next_poll_delay(0) == (jw.WAIT_MIN_DELAY - jw.WAIT_RETURN_ALLOWANCE, False)
    assert jw.next_poll_delay(1000) == (50.0 - jw.WAIT_RETURN_ALLOWANCE, False)
    # far from the earliest estimated completion: sparse, but never sparser than the regular gap
    assert jw.next_poll_delay(10, earliest=300, expected=400) == (jw.WAIT_SPARSE_DELAY, False)
    assert jw.next_poll_delay(1000, earliest=3000, expected=3100) == (50.0 - jw.WAIT_RETURN_ALLOWANCE, False)
    assert jw.next_poll_delay(10, earliest=8, expected=400) == (8, False)
    # the expected completion within the gap: a poll just after it, once
    assert jw.next_poll_delay(10, earliest=2, expected=2) == (2 + jw.WAIT_ESTIMATE_SLACK, True)
    assert jw.next_poll_delay(10, earliest=2, expected=2, after_aligned=True) == (jw.WAIT_MIN_DELAY - jw.WAIT_RETURN_ALLOWANCE, False)


def test_percent_done_is_read_as_aws_writes_it():
    assert jw.percent_done({"PercentDone": "42.50%"}) == 42.5
    assert jw.percent_done({"PercentDone": "100.0"}) == 100.0
    assert jw.percent_done({}) is None and jw.percent_done({"PercentDone": "n/a"}) is None


# ---- the equal-job search, narrowed to the recovery point's resource -----------------------


class ListingBackup:
    """Records the listing parameters; answers with `jobs`."""

    def __init__(self, jobs):
        self.jobs, self.params, self.metadata_calls = jobs, [], 0

    def get_paginator(self, operation):
        outer = self

        class Paginator:
            def paginate(self, **params):
                outer.params.append((operation, params))

                class Result:
                    def build_full_result(self):
                        return {"RestoreJobs": list(outer.jobs)}

                return Result()

        return Paginator()

    def get_restore_job_metadata(self, RestoreJobId, aws_retry=False):
        self.metadata_calls += 1
        return {"Metadata": {"file-system-id": "fs-1", "newFileSystem": "true"}}


def test_the_search_lists_the_resource_around_the_points_creation_date():
    from datetime import datetime, timedelta, timezone

    created = datetime(2026, 11, 25, 2, 0, 12, tzinfo=timezone.utc)
    jobs = [{"RestoreJobId": "other", "RecoveryPointArn": POINT.replace("1EB3", "2EB3"), "Status": "RUNNING",
             "ResourceType": "EFS", "CreationDate": created + timedelta(hours=2)},
            {"RestoreJobId": "mine", "RecoveryPointArn": POINT, "Status": "RUNNING", "ResourceType": "EFS",
             "CreationDate": created + timedelta(hours=1)}]  # fmt: skip
    backup = ListingBackup(jobs)
    scope = rj.SearchScope("arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1", created)
    found = rj.find_equal_jobs(backup, request(), scope=scope)
    assert found.reusable["RestoreJobId"] == "mine"
    assert backup.metadata_calls == 1  # the other point's job is no candidate
    ((operation, params),) = backup.params
    assert operation == "list_restore_jobs_by_protected_resource"
    assert params == {"ResourceArn": scope.resource_arn,
                      "ByRecoveryPointCreationDateAfter": created - timedelta(seconds=1),
                      "ByRecoveryPointCreationDateBefore": created + timedelta(seconds=1)}  # fmt: skip


def test_without_a_scope_the_search_lists_every_restore_job():
    backup = ListingBackup([])
    rj.find_equal_jobs(backup, request())
    assert backup.params == [("list_restore_jobs", {"ByResourceType": "EFS"})]


# ---- check_restore_options: one restore's problems, no AWS call --------------------------

EFS_OPTIONS = {**IN_VAULT, "resource_type": "EFS", "metadata": {"file-system-id": "fs-1", "newFileSystem": True}}


def test_check_restore_options_is_empty_for_good_options_and_normalises_nothing_away():
    assert rm.check_restore_options(EFS_OPTIONS) == []
    assert rm.check_restore_options({**EFS_OPTIONS, "resource_type": "efs", "region": "us-east-1"}) == []
    # recovery_point_arn alone is enough: the module finds the vault
    assert rm.check_restore_options({k: v for k, v in EFS_OPTIONS.items() if k != "backup_vault_name"}) == []


@pytest.mark.parametrize(
    "changes, problem",
    [
        ({"region": "us-west-2"}, "recovery_point_arn is a recovery point of Region us-east-1, but this task runs in Region us-west-2: "
                                  "AWS Backup restores a recovery point in its own Region only. Set region: us-east-1, or copy the "
                                  "point into us-west-2 first (recovery.aws_backup.backup_copy_job) and restore the copy"),
        ({"resource_type": "Elastic"}, "resource_type 'Elastic' is not a resource type AWS Backup restores; the types are Aurora, "
                                       "DocumentDB, CloudFormation, DynamoDB, EBS, EC2, EFS, FSx, Neptune, RDS, Redshift, Storage "
                                       "Gateway, S3, Timestream, VirtualMachine (StartRestoreJob, ResourceType, in the AWS Backup "
                                       "API reference)"),
        ({"metadata": {"newFileSystem": True}}, "metadata.file-system-id is required to restore an EFS recovery point"),
        ({"recovery_point_arn": None}, "one of the following is required: recovery_point_arn, resource_arn"),
        ({"latest_before": "-1d"}, "parameters are mutually exclusive: recovery_point_arn|latest_before"),
        ({"backup_vault_name": None, "backup_vault_account_id": "123456789012"},
         "backup_vault_account_id requires backup_vault_name: only the task's own account's vaults can be searched"),
        ({"wait": True}, "unsupported option(s) wait; the options of a restore are "),
    ],
)  # fmt: skip
def test_check_restore_options_names_each_problem_as_the_module_does(changes, problem):
    problems = rm.check_restore_options({**EFS_OPTIONS, **changes})
    assert len(problems) == 1 and problems[0].startswith(problem), problems


def test_check_restore_options_says_what_backup_restore_jobs_says_of_an_element():
    element = {**EFS_OPTIONS, "region": None, "resource_type": "Elastic", "name": "home"}
    with pytest.raises(rj.InputError) as failed:
        rm.check_restores({"restores": [element], "iam_role_arn": None}, "us-east-1")
    (problem,) = rm.check_restore_options({k: v for k, v in element.items() if k != "name"})
    assert str(failed.value).endswith(f"restores[0] (home): {problem}")


# ---- the shared documentation -------------------------------------------------------------


def _doc(module: str) -> dict:
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    env = {**os.environ, "ANSIBLE_COLLECTIONS_PATH": str(repo / ".collections"), "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false"}
    out = subprocess.run([str(Path(sys.executable).parent / "ansible-doc"), "--json", f"recovery.aws_backup.{module}"],
                         env=env, check=True, capture_output=True, text=True).stdout  # fmt: skip
    return json.loads(out)[f"recovery.aws_backup.{module}"]["doc"]


def test_one_restore_is_documented_once_for_both_modules_with_the_collections_python():
    one, many = _doc("backup_restore_job"), _doc("backup_restore_jobs")
    suboptions = many["options"]["restores"]["suboptions"]
    assert set(suboptions) - {"name"} == set(rm.RESTORE_OPTIONS)
    for option in rm.RESTORE_OPTIONS:
        # Its text is backup_restore_job's, which each element's option points to.
        assert suboptions[option]["description"][-1] == f"See O(recovery.aws_backup.backup_restore_job#module:{option}).", option
        assert one["options"][option]["description"], option
        assert suboptions[option].get("default") == one["options"][option].get("default") == rm.RESTORE_OPTIONS[option].get("default")
        assert suboptions[option].get("type") == one["options"][option].get("type")
    for doc in (one, many, _doc("backup_recovery_point_info")):
        assert "python >= 3.10" in doc["requirements"] and "python >= 3.6" not in doc["requirements"]
