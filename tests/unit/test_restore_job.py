"""restore_job.py's pure parts: the request, the idempotency token, candidates, input
checks, waiting with backoff (fake clock, fake client). No AWS."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from ansible_collections.recovery.aws_backup.plugins.module_utils import restore_job as rj
from ansible_collections.recovery.aws_backup.plugins.module_utils import restore_module as rm

POINT = "arn:aws:backup:us-east-1:123456789012:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45"
ROLE = "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole"


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
    assert rm.check_input({"recovery_point_arn": arn}).recovery_point_arn == arn


@pytest.mark.parametrize(
    "params, option",
    [
        ({"recovery_point_arn": "fs-0123"}, "recovery_point_arn"),
        ({"recovery_point_arn": "see " + POINT}, "recovery_point_arn"),
        ({"recovery_point_arn": POINT + " "}, "recovery_point_arn"),
        ({"recovery_point_arn": "arn:aws:backup:us-east-1:123456789012:"}, "recovery_point_arn"),
        ({"recovery_point_arn": POINT, "iam_role_arn": "AWSBackupDefaultServiceRole"}, "iam_role_arn"),
        ({"recovery_point_arn": POINT, "iam_role_arn": "arn:aws:iam::123456789012:user/alice"}, "iam_role_arn"),
        ({"recovery_point_arn": POINT, "wait_timeout": 0}, "wait_timeout"),
        ({"recovery_point_arn": POINT, "idempotency_token": " "}, "idempotency_token"),
        ({"recovery_point_arn": POINT, "resource_type": ""}, "resource_type"),
        ({"recovery_point_arn": POINT, "metadata": {"Encrypted": None}}, "metadata.Encrypted"),
    ],
)
def test_bad_input_names_the_option(params, option):
    with pytest.raises(rj.InputError, match=option.replace(".", r"\.")):
        rm.check_input(params)


def test_final_metadata_requires_metadata_and_applies_type_rules():
    checked = rm.check_input({"recovery_point_arn": POINT, "resource_type": "EFS", "metadata": {}})
    with pytest.raises(rj.InputError, match="metadata is required"):
        rm.final_metadata(rm.Source(POINT), checked)
    checked = rm.check_input({"recovery_point_arn": POINT, "resource_type": "EFS", "metadata": {"KmsKeyId": "k", "file-system-id": "fs"}})
    with pytest.raises(rj.InputError, match=r"metadata\.KmsKeyId requires"):
        rm.final_metadata(rm.Source(POINT), checked)


def test_user_metadata_overrides_base_metadata_case_insensitively():
    # The seam issue 3 fills: base metadata from the recovery point, the user's on top.
    source = rm.Source(POINT, base_metadata={"file-system-id": "fs-1", "Encrypted": "false", "newFileSystem": "false"})
    checked = rm.check_input({"recovery_point_arn": POINT, "resource_type": "EFS", "metadata": {"encrypted": True, "newFileSystem": True}})
    assert rm.final_metadata(source, checked) == {"file-system-id": "fs-1", "encrypted": "true", "newFileSystem": "true"}


def test_wait_delays_grow_to_a_cap():
    delays = rj.wait_delays()
    seen = [next(delays) for _attempt in range(15)]
    assert seen[0] <= 5
    assert seen == sorted(seen)
    assert seen[-1] == rj.WAIT_MAX_DELAY
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
    # ten minutes of restore in far fewer than one poll every few seconds
    assert backup.calls < 20
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

    value = rm.json_safe({"a": [datetime(2024, 1, 2, tzinfo=timezone.utc)], "b": 1})
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
