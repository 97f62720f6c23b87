"""job_wait.wait_for_jobs: many jobs in one loop, each on its own schedule; returning early for
progress; the deadline; errors of one job not stopping the others. Fake clock, fake AWS."""

from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

from ansible_collections.recovery.aws_backup.plugins.module_utils import job_wait as jw
from ansible_collections.recovery.aws_backup.plugins.module_utils import job_status as info


class FakeClock:
    def __init__(self):
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds

    def __call__(self) -> float:
        return self.now


class FakeBackup:
    """describe_restore_job per job from a status timeline over the fake clock; calls counted per job."""

    def __init__(self, clock: FakeClock, timelines: dict[str, list[tuple[float, str]]], errors: dict[str, Exception] | None = None):
        self.clock, self.timelines, self.errors = clock, timelines, errors or {}
        self.calls: dict[str, list[float]] = {job_id: [] for job_id in timelines}

    def describe_restore_job(self, RestoreJobId: str) -> dict:
        if RestoreJobId in self.errors:
            raise self.errors[RestoreJobId]
        self.calls[RestoreJobId].append(self.clock.now)
        status = [s for t, s in self.timelines[RestoreJobId] if t <= self.clock.now][-1]
        return {"RestoreJobId": RestoreJobId, "Status": status, "StatusMessage": "boom" if status == "FAILED" else ""}


def not_found(job_id: str) -> ClientError:
    return ClientError({"Error": {"Code": "ResourceNotFoundException", "Message": f"{job_id} not found"}}, "DescribeRestoreJob")


def throttled() -> ClientError:
    return ClientError({"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, "DescribeRestoreJob")


def wait(backup, clock, ids, timeout, progress=None, wait=True):
    """The schedule with one DescribeRestoreJob per due job (no listing: see test_job_status.py)."""
    return jw.wait_for_jobs(
        lambda job_id: backup.describe_restore_job(RestoreJobId=job_id), [{"RestoreJobId": i} for i in ids], jw.RESTORE_JOB,
        timeout if wait else 0.0, progress if wait else None, clock.sleep, clock, lambda: 1.8e9 + clock.now,
    )  # fmt: skip


def test_every_job_is_awaited_in_one_loop_and_each_completion_is_noticed_in_time():
    clock = FakeClock()
    ends = {"a": 20.0, "b": 120.0, "c": 300.0}
    backup = FakeBackup(clock, {j: [(0, "RUNNING"), (t, "COMPLETED")] for j, t in ends.items()})
    waited = wait(backup, clock, list(ends), 3600)
    assert [j["Status"] for j in waited.jobs] == ["COMPLETED"] * 3 and all(waited.ended) and not waited.timed_out
    for job_id, end in ends.items():
        # Noticed within max(5 s, 5 % of the time waited), as for a single job.
        noticed = backup.calls[job_id][-1]
        assert end <= noticed <= end + max(5.0, 0.05 * end) + 1e-9
        # Polled on its own schedule: a job is no longer asked once it has ended.
        assert backup.calls[job_id] == sorted(backup.calls[job_id])
    assert clock.now == pytest.approx(backup.calls["c"][-1])
    # The short job's polls stop when it ends; the long one is not polled at the short one's pace.
    assert len(backup.calls["a"]) <= 6
    assert len(backup.calls["c"]) < len(range(0, 300, 5))


def test_a_failed_job_ends_its_polls_and_the_others_go_on():
    clock = FakeClock()
    backup = FakeBackup(clock, {"a": [(0, "RUNNING"), (10, "FAILED")], "b": [(0, "RUNNING"), (60, "COMPLETED")]})
    waited = wait(backup, clock, ["a", "b"], 3600)
    assert [j["Status"] for j in waited.jobs] == ["FAILED", "COMPLETED"]
    assert max(backup.calls["a"]) < 20


def test_progress_interval_returns_the_jobs_as_last_seen_without_extra_calls():
    clock = FakeClock()
    backup = FakeBackup(clock, {"a": [(0, "RUNNING"), (500, "COMPLETED")], "b": [(0, "RUNNING"), (30, "COMPLETED")]})
    waited = wait(backup, clock, ["a", "b"], 3600, progress=50)
    assert clock.now == pytest.approx(50)
    assert [j["Status"] for j in waited.jobs] == ["RUNNING", "COMPLETED"]
    assert waited.ended == [False, True] and not waited.timed_out
    # Every job is asked at once (known by id only), then on its schedule: nothing extra at the return.
    polls = backup.calls["a"]
    assert polls[0] == 0 and min(b - a for a, b in zip(polls, polls[1:])) >= jw.WAIT_REGULAR_GAP - 1e-9


def test_the_deadline_bounds_the_wait_and_every_running_job_is_asked_once_more_at_it():
    clock = FakeClock()
    backup = FakeBackup(clock, {"a": [(0, "RUNNING")], "b": [(0, "RUNNING"), (100, "COMPLETED")]})
    waited = wait(backup, clock, ["a", "b"], 100)
    assert clock.now == pytest.approx(100)
    assert waited.timed_out and waited.ended == [False, True]
    assert backup.calls["a"][-1] == pytest.approx(100) and backup.calls["b"][-1] == pytest.approx(100)


def test_an_unknown_job_is_reported_and_not_asked_again_while_the_others_are_awaited():
    clock = FakeClock()
    backup = FakeBackup(clock, {"a": [(0, "RUNNING"), (40, "COMPLETED")], "gone": [(0, "RUNNING")]}, {"gone": not_found("gone")})
    waited = wait(backup, clock, ["gone", "a"], 3600)
    assert isinstance(waited.errors[0], jw.JobAWSError) and "ResourceNotFoundException" in str(waited.errors[0].error)
    assert waited.ended == [True, True] and waited.jobs[1]["Status"] == "COMPLETED"


def test_endless_throttling_backs_off_until_the_deadline():
    clock = FakeClock()
    polls: list[float] = []

    class Throttled:
        def describe_restore_job(self, RestoreJobId: str) -> dict:
            polls.append(clock.now)
            raise throttled()

    backup = Throttled()
    waited = wait(backup, clock, ["a"], 300)
    assert waited.timed_out and waited.last_errors[0].startswith("ThrottlingException")
    gaps = [b - a for a, b in zip(polls, polls[1:])]
    assert gaps[:-1] == sorted(gaps[:-1]) and max(gaps) <= jw.WAIT_MAX_DELAY
    assert clock.now == pytest.approx(300) and len(polls) < 20


def test_without_wait_each_job_is_described_once():
    clock = FakeClock()
    backup = FakeBackup(clock, {"a": [(0, "RUNNING")], "b": [(0, "COMPLETED")]})
    waited = wait(backup, clock, ["a", "b"], 3600, wait=False)
    assert [j["Status"] for j in waited.jobs] == ["RUNNING", "COMPLETED"]
    assert backup.calls == {"a": [0.0], "b": [0.0]} and clock.now == 0


@pytest.mark.parametrize(
    "params, message",
    [
        ({"restore_job_ids": []}, "must list at least one job"),
        ({}, "must list at least one job"),
        ({"restore_job_ids": ["a"], "restore_jobs": [{"name": "a", "restore_job_id": "a"}]}, "mutually exclusive"),
        ({"restore_jobs": [{"name": "web", "restore_job_id": "a"}, {"name": "web", "restore_job_id": "b"}]}, "restore_jobs[1] (web).name must be unique"),
        ({"restore_jobs": [{"name": "web", "restore_job_id": "a b"}]}, "restore_jobs[0] (web).restore_job_id"),
        ({"restore_jobs": [{"name": "", "restore_job_id": "a"}]}, "restore_jobs[0].name"),
        ({"copy_jobs": [{"name": "web", "copy_job_id": "c", "region": "mars"}]}, "copy_jobs[0] (web).region"),
        ({"copy_jobs": [{"name": "a", "copy_job_id": "c"}, {"name": "b", "copy_job_id": "c"}]}, "copy_jobs must not list a job twice"),
        ({"restore_job_ids": ["a", "a"]}, "twice"),
        ({"restore_job_ids": ["a b"]}, "restore_job_ids[0]"),
        ({"restore_job_ids": ["a"], "wait": True, "wait_timeout": 0}, "wait_timeout"),
        ({"restore_job_ids": ["a"], "wait": False, "progress_interval": 10}, "progress_interval applies"),
        ({"restore_job_ids": ["a"], "wait": True, "progress_interval": -1}, "progress_interval must be"),
    ],
)
def test_bad_input_names_the_option(params, message):
    with pytest.raises(info.InputError, match=re.escape(message)):
        info.check_input(params)


class ProgressingBackup:
    """Restore jobs of `duration` seconds created `spacing` apart, with PercentDone and
    CreationDate as DescribeRestoreJob gives them; each call takes `latency` seconds."""

    def __init__(self, clock: FakeClock, count: int, duration: float, spacing: float, latency: float):
        from datetime import datetime, timezone

        self.clock, self.duration, self.latency = clock, duration, latency
        self.created = {f"job-{k}": spacing * k for k in range(count)}
        self.dates = {j: datetime.fromtimestamp(1.8e9 + c, tz=timezone.utc) for j, c in self.created.items()}
        self.calls: dict[str, list[float]] = {j: [] for j in self.created}

    def describe_restore_job(self, RestoreJobId: str) -> dict:
        self.clock.now += self.latency
        self.calls[RestoreJobId].append(self.clock.now)
        age = self.clock.now - self.created[RestoreJobId]
        done = min(100.0, 100.0 * age / self.duration)
        return {"RestoreJobId": RestoreJobId, "Status": "COMPLETED" if done >= 100.0 else "RUNNING",
                "PercentDone": f"{done:.2f}%", "CreationDate": self.dates[RestoreJobId], "ExpectedCompletionTimeMinutes": 1}  # fmt: skip


def test_a_job_due_while_others_are_polled_is_polled_not_rescheduled():
    # 50 jobs of 20 s created over 1.5 s, awaited from t=2; each DescribeRestoreJob takes 50 ms, so
    # a pass over all of them outlasts the gaps between their planned polls. Each job must still be
    # asked at the time its estimate planned (about a second after its completion), not planned
    # again a regular gap later because its time passed while others were asked.
    clock = FakeClock()
    clock.now = 2.0
    backup = ProgressingBackup(clock, count=50, duration=20.0, spacing=0.03, latency=0.05)
    waited = wait(backup, clock, list(backup.created), 3600)
    assert all(waited.ended) and not waited.timed_out
    pass_seconds = 50 * backup.latency
    for job_id, created in backup.created.items():
        end = created + backup.duration
        noticed = backup.calls[job_id][-1]
        assert end <= noticed <= end + jw.WAIT_ESTIMATE_SLACK + pass_seconds, (job_id, end, backup.calls[job_id])
