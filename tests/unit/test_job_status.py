"""job_status: a poll round for N jobs costs one listing (per Region for copy jobs), not N
descriptions; a job the listing does not answer is described; throttling of the listing is ridden
out until the deadline; a refused listing falls back to describing. Fake clock, fake AWS with
the listing's pagination and ByCreatedAfter as botocore's backup model has them."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from botocore.exceptions import ClientError

from ansible_collections.recovery.aws_backup.plugins.module_utils import job_status
from ansible_collections.recovery.aws_backup.plugins.module_utils import job_wait as jw

EPOCH = 1.8e9  # the fake wall clock: EPOCH + the fake monotonic clock


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.now += seconds

    def __call__(self) -> float:
        return self.now


def error(code: str, operation: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code}}, operation)


class FakeBackup:
    """Restore or copy jobs of one Region: {id: (created, duration)} on the fake clock. Listings
    give pages of `page_size`, newest first, filtered by ByCreatedAfter; every call is counted
    (one per page for a listing) with the time it was made."""

    def __init__(self, clock: FakeClock, jobs: dict[str, tuple[float, float]], kind: str = "restore", page_size: int = 1000):
        self.clock, self.jobs, self.kind, self.page_size = clock, jobs, kind, page_size
        self.calls: dict[str, list[float]] = {}
        self.list_errors: list[ClientError] = []  # raised by the next listing calls, one each
        self.unlisted: set[str] = set()  # jobs a listing leaves out (a list entry AWS lacks)
        self.created_after: list[datetime] = []
        self.other_jobs = 0  # unrelated jobs created at time 0, listed too

    def _count(self, operation: str) -> None:
        self.calls.setdefault(operation, []).append(self.clock.now)

    def _job(self, job_id: str) -> dict:
        created, duration = self.jobs[job_id]
        age = self.clock.now - created
        done = age >= duration
        job = {"CreationDate": datetime.fromtimestamp(EPOCH + created, tz=timezone.utc)}
        if self.kind == "restore":
            job.update(RestoreJobId=job_id, Status="COMPLETED" if done else "RUNNING",
                       PercentDone=f"{min(100.0, 100.0 * age / duration):.2f}%")  # fmt: skip
        else:
            job.update(CopyJobId=job_id, State="COMPLETED" if done else "RUNNING")
        return job

    def describe_restore_job(self, RestoreJobId: str) -> dict:
        self._count("DescribeRestoreJob")
        if RestoreJobId not in self.jobs:
            raise error("ResourceNotFoundException", "DescribeRestoreJob")
        return self._job(RestoreJobId)

    def describe_copy_job(self, CopyJobId: str) -> dict:
        self._count("DescribeCopyJob")
        return {"CopyJob": self._job(CopyJobId)}

    def get_paginator(self, operation: str):
        fake = self
        assert operation == f"list_{self.kind}_jobs"

        class Paginator:
            def paginate(self, ByCreatedAfter: datetime, PaginationConfig: dict):
                assert PaginationConfig["PageSize"] <= 1000  # MaxResults: 1 to 1000
                fake.created_after.append(ByCreatedAfter)
                listed = [j for j in fake.jobs if j not in fake.unlisted
                          and EPOCH + fake.jobs[j][0] > ByCreatedAfter.timestamp()]  # fmt: skip
                listed = [fake._job(j) for j in sorted(listed, key=lambda j: -fake.jobs[j][0])]
                listed += [{"RestoreJobId" if fake.kind == "restore" else "CopyJobId": f"other-{n}", "Status": "COMPLETED",
                            "State": "COMPLETED", "CreationDate": datetime.fromtimestamp(EPOCH, tz=timezone.utc)}
                           for n in range(fake.other_jobs)]  # fmt: skip
                for start in range(0, max(1, len(listed)), fake.page_size):
                    fake._count(f"List{fake.kind.capitalize()}Jobs")
                    if fake.list_errors:
                        raise fake.list_errors.pop(0)
                    yield {f"{fake.kind.capitalize()}Jobs": listed[start:start + fake.page_size]}

        return Paginator()


def status(clock, restores_api=None, copies_api=None, restores=(), copies=(), timeout=3600.0, progress=None, wait=True):
    return job_status.jobs_status(
        restores_api, lambda region: copies_api[region], [{"name": f"t-{i}", "restore_job_id": i} for i in restores],
        [{"name": f"c-{i}", "copy_job_id": i, "region": region} for i, region in copies], wait, timeout, progress,
        clock.sleep, clock, lambda: EPOCH + clock.now,
    )  # fmt: skip


def test_ten_jobs_over_many_rounds_cost_one_listing_a_round_and_no_description():
    clock = FakeClock()
    # ten 60 s restores started one second apart, awaited from t=10, beside 3,000 older jobs
    api = FakeBackup(clock, {f"job-{k}": (float(k), 60.0) for k in range(10)})
    api.other_jobs = 3000
    clock.now = 10.0
    waited, _copies = status(clock, api, restores=list(api.jobs))
    assert all(waited.ended) and not waited.timed_out
    lists = api.calls["ListRestoreJobs"]
    assert "DescribeRestoreJob" not in api.calls
    # one page a round: the wanted jobs are the newest, so the listing stops after its first page
    rounds = len(set(lists))
    assert len(lists) == rounds
    # every completion noticed within max(5 s, 5 %) though the jobs are read together
    for job_id, (created, duration) in api.jobs.items():
        end = created + duration
        noticed = min(t for t in lists if t >= end)
        assert noticed - end <= max(5.0, 0.05 * (end - 10.0)) + jw.WAIT_ESTIMATE_SLACK
    # O(1) per round: ten jobs of 60 s cost about what one does, within 3 * D / 5 + 10
    assert rounds <= 3 * 60 / 5 + 10
    # the window starts at the earliest creation known, less the margin
    assert api.created_after[-1].timestamp() == pytest.approx(EPOCH + min(c for c, _d in api.jobs.values() if c + 60 > clock.now - 10) - jw.LIST_MARGIN, abs=10)


def test_the_first_window_is_the_start_less_an_hour_then_the_earliest_creation_known():
    clock = FakeClock()
    clock.now = 100.0
    api = FakeBackup(clock, {"a": (40.0, 30.0), "b": (90.0, 60.0)})
    waited, _copies = status(clock, api, restores=["a", "b"])
    assert all(waited.ended)
    assert api.created_after[0].timestamp() == pytest.approx(EPOCH + 100.0 - jw.FIRST_LIST_WINDOW)
    # a ended in the first round; then b alone sets the window
    assert api.created_after[1].timestamp() == pytest.approx(EPOCH + 90.0 - jw.LIST_MARGIN)


def test_a_job_older_than_the_first_window_is_described_once_then_listed():
    clock = FakeClock()
    clock.now = 7200.0
    # "old" began two hours before the wait: not in the first listing
    api = FakeBackup(clock, {"old": (0.0, 7300.0), "new": (7190.0, 60.0)})
    waited, _copies = status(clock, api, restores=["old", "new"])
    assert all(waited.ended)
    assert api.calls["DescribeRestoreJob"] == [7200.0]
    assert len(api.calls["ListRestoreJobs"]) >= 3


def test_a_job_the_listing_leaves_out_is_described_each_round_it_is_due():
    clock = FakeClock()
    api = FakeBackup(clock, {"a": (0.0, 30.0), "b": (0.0, 30.0)})
    api.unlisted = {"b"}
    waited, _copies = status(clock, api, restores=["a", "b"])
    assert all(waited.ended)
    assert len(api.calls["DescribeRestoreJob"]) == len(api.calls["ListRestoreJobs"])


def test_a_job_aws_does_not_know_is_an_error_and_the_others_are_awaited():
    clock = FakeClock()
    api = FakeBackup(clock, {"a": (0.0, 20.0)})
    waited, _copies = status(clock, api, restores=["a", "gone"])
    assert waited.ended == [True, True] and waited.jobs[0]["Status"] == "COMPLETED"
    assert "ResourceNotFoundException" in str(waited.errors[1].error)
    assert api.calls["DescribeRestoreJob"] == [0.0]  # asked once, then not again


def test_throttling_of_the_listing_is_ridden_out_with_backoff():
    clock = FakeClock()
    api = FakeBackup(clock, {"a": (0.0, 30.0)})
    api.list_errors = [error("ThrottlingException", "ListRestoreJobs") for _attempt in range(4)]
    waited, _copies = status(clock, api, restores=["a"])
    assert all(waited.ended) and waited.jobs[0]["Status"] == "COMPLETED"
    first = api.calls["ListRestoreJobs"][:5]
    gaps = [b - a for a, b in zip(first, first[1:])]
    assert gaps == sorted(gaps) and gaps[0] >= jw.WAIT_FIRST_DELAY
    assert "DescribeRestoreJob" not in api.calls


def test_endless_throttling_of_the_listing_ends_at_the_deadline():
    clock = FakeClock()
    api = FakeBackup(clock, {"a": (0.0, 30.0), "b": (0.0, 30.0)})
    api.list_errors = [error("ThrottlingException", "ListRestoreJobs") for _attempt in range(1000)]
    waited, _copies = status(clock, api, restores=["a", "b"], timeout=300)
    assert waited.timed_out and clock.now == pytest.approx(300)
    assert all(e.startswith("ThrottlingException") for e in waited.last_errors)
    lists = api.calls["ListRestoreJobs"]
    assert len(lists) < 20 and max(b - a for a, b in zip(lists, lists[1:])) <= jw.WAIT_MAX_DELAY


def test_a_refused_listing_falls_back_to_describing_and_says_so():
    clock = FakeClock()
    api = FakeBackup(clock, {"a": (0.0, 20.0), "b": (0.0, 40.0)})
    api.list_errors = [error("AccessDeniedException", "ListRestoreJobs")]
    waited, _copies = status(clock, api, restores=["a", "b"])
    assert all(waited.ended) and len(api.calls["ListRestoreJobs"]) == 1
    assert "each was described on its own" in waited.notes[0]
    assert len(api.calls["DescribeRestoreJob"]) >= 4


def test_copy_jobs_are_read_with_one_listing_per_region_a_round():
    clock = FakeClock()
    east = FakeBackup(clock, {f"e{k}": (0.0, 40.0) for k in range(5)}, kind="copy")
    west = FakeBackup(clock, {f"w{k}": (0.0, 20.0) for k in range(5)}, kind="copy")
    restores = FakeBackup(clock, {"r": (0.0, 30.0)})
    copies = [(j, "us-east-1") for j in east.jobs] + [(j, "us-west-2") for j in west.jobs]
    waited, by_region = status(clock, restores, {"us-east-1": east, "us-west-2": west}, restores=["r"], copies=copies)
    assert all(waited.ended) and all(all(w.ended) for w in by_region.values())
    assert [j["State"] for j in by_region["us-west-2"].jobs] == ["COMPLETED"] * 5
    for api in (east, west):
        assert "DescribeCopyJob" not in api.calls
        assert len(api.calls["ListCopyJobs"]) == len(set(api.calls["ListCopyJobs"]))
    # west's jobs ended at 20 s: no listing there after they did
    assert max(west.calls["ListCopyJobs"]) < 20 + 5 + jw.WAIT_ESTIMATE_SLACK + 1e-9
    assert by_region["us-east-1"].observed_at == pytest.approx(EPOCH + max(east.calls["ListCopyJobs"]))


def test_without_wait_one_listing_answers_every_job():
    clock = FakeClock()
    api = FakeBackup(clock, {f"j{k}": (0.0, 100.0) for k in range(10)})
    waited, _copies = status(clock, api, restores=list(api.jobs), wait=False)
    assert api.calls == {"ListRestoreJobs": [0.0]} and clock.now == 0
    assert [j["Status"] for j in waited.jobs] == ["RUNNING"] * 10 and not any(waited.ended)


def test_progress_interval_returns_the_jobs_as_last_seen():
    clock = FakeClock()
    api = FakeBackup(clock, {"a": (0.0, 500.0), "b": (0.0, 30.0)})
    waited, _copies = status(clock, api, restores=["a", "b"], progress=50)
    assert clock.now == pytest.approx(50) and waited.ended == [False, True] and not waited.timed_out
    assert waited.observed_at == pytest.approx(EPOCH + max(api.calls["ListRestoreJobs"]))
