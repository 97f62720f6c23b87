# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Waiting for AWS Backup jobs of any kind (restore, copy, ...) until they end.

The poll schedule (next_poll_delay, Progress), the backoff while AWS does not answer
(wait_delays), what counts as worth riding out (transient_wait_error) and the loop itself: it
takes, per group of jobs read in one place (a JobSource: one kind, one Region), a function that
describes one job and optionally one that lists the group's recent jobs, and a JobKind saying how
a job names its id and status and which statuses end it. So every kind of job (restore_job.py,
copy_job.py, job_status.py) is awaited the same way, bounded by one deadline.

A poll round falls due when any job's schedule says so; with a listing, that round's one listing
(all its pages) refreshes every job of the group, so N jobs cost O(1) calls per round, and only a
job the listing did not answer is described on its own.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:  # handled by AnsibleAWSModule, which reports missing botocore itself
    BotoCoreError = ClientError = Exception  # type: ignore[misc,assignment]

# Waiting. Completion is noticed within max(WAIT_MIN_DELAY, WAIT_LATENESS_SHARE x the time
# waited): that is the longest gap between polls. While AWS's own estimates
# (ExpectedCompletionTimeMinutes, PercentDone) put the completion further away, polls are
# WAIT_SPARSE_DELAY apart, and one poll is placed WAIT_ESTIMATE_SLACK after the estimated
# completion. See next_poll_delay.
# The client a wait polls with: the wait's own schedule and deadline retry, not botocore's.
WAIT_CLIENT_CONFIG = {"retries": {"mode": "standard", "total_max_attempts": 2}, "connect_timeout": 5, "read_timeout": 30}
WAIT_MIN_DELAY = 5.0
WAIT_LATENESS_SHARE = 0.05
# The promise is about when the caller learns of a completion, not when AWS was last asked: the
# regular gap leaves this much for the poll itself and for the answer to reach the caller.
WAIT_RETURN_ALLOWANCE = 0.5
WAIT_REGULAR_GAP = WAIT_MIN_DELAY - WAIT_RETURN_ALLOWANCE  # the gap while 5 % of the time waited is less
WAIT_SPARSE_DELAY = 15.0
WAIT_ESTIMATE_SLACK = 1.0
# Throttling, outages and lost connections while waiting: the delays of wait_delays (3 s, x1.5,
# up to a minute), never shorter than the regular schedule.
WAIT_FIRST_DELAY = 3.0
WAIT_BACKOFF_FACTOR = 1.5
WAIT_MAX_DELAY = 60.0

# A group's listing asks for the jobs created after the earliest CreationDate known among the
# jobs still waited for, less LIST_MARGIN (CreationDate comes from AWS's clock, so only the
# filter's rounding needs room). Before any CreationDate is known (the first round of a wait for
# jobs known by id), after the wait's start by this host's clock less FIRST_LIST_WINDOW: a job
# started earlier than that is not in the listing and is described on its own, once; its
# CreationDate then sets the next rounds' window.
LIST_MARGIN = 60.0
FIRST_LIST_WINDOW = 3600.0

# While waiting, these answers mean "no news this time", not "the job failed": the poll is tried
# again until wait_timeout runs out. AWS Backup's throttling and outage codes (its API model), the
# generic ones botocore knows, and any HTTP 5xx.
WAIT_TRANSIENT_ERROR_CODES = frozenset({
    "ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded",
    "ServiceUnavailableException", "ServiceUnavailable", "InternalFailure", "InternalServerError", "RequestTimeout",
})


def wait_delays(first: float = WAIT_FIRST_DELAY, factor: float = WAIT_BACKOFF_FACTOR, cap: float = WAIT_MAX_DELAY):
    """Delays between polls: first, first*factor, ... up to cap, then cap forever."""
    delay = first
    while True:
        yield delay
        delay = min(delay * factor, cap)


def transient_wait_error(error: Exception) -> str | None:
    """A short description when `error` is worth riding out while waiting, else None."""
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        if code in WAIT_TRANSIENT_ERROR_CODES or status >= 500:
            return f"{code or 'HTTP ' + str(status)}: {error.response.get('Error', {}).get('Message', '')}".rstrip(": ")
        return None
    if isinstance(error, BotoCoreError):  # no connection, connection closed, read timeout, ...
        return f"{type(error).__name__}: {error}"
    return None


def percent_done(job: dict[str, Any]) -> float | None:
    """PercentDone as a number ("NN.NN%" in DescribeRestoreJob; the API reference calls it "an
    estimated percentage that is complete of a job at the time the job status was queried")."""
    text = str(job.get("PercentDone") or "").strip().rstrip("%")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if 0.0 <= value <= 100.0 else None


def _job_age(job: dict[str, Any], wall_now: float) -> float | None:
    """Seconds since the job's CreationDate by this host's clock (never negative: a clock behind
    AWS's must not make the job look younger than new)."""
    created = job.get("CreationDate")
    if not isinstance(created, datetime) or created.tzinfo is None:
        return None
    return max(0.0, wall_now - created.timestamp())


class Progress:
    """What a wait has seen of a job, to estimate when it completes. Two sources, both from
    DescribeRestoreJob (API reference): ExpectedCompletionTimeMinutes, "the amount of time in
    minutes that a job restoring a recovery point is expected to take", counted from the job's
    CreationDate; and the rate at which PercentDone grew since the wait began."""

    def __init__(self, job: dict[str, Any], now: float, wall_now: float):
        self.start = now
        self.age_at_start = _job_age(job, wall_now)
        self.first: tuple[float, float] | None = None  # (clock, PercentDone) first seen
        self.last: tuple[float, float] | None = None
        self.expected_minutes: float | None = None
        self.observe(job, now)

    def observe(self, job: dict[str, Any], now: float) -> None:
        percent = percent_done(job)
        # The last time the percentage moved: while it stands still, the rate's estimate runs
        # out and is not used (a job stuck at 99 % is polled on the regular gap).
        if percent is not None and (self.last is None or percent != self.last[1]):
            self.last = (now, percent)
            if self.first is None:
                self.first = self.last
        minutes = job.get("ExpectedCompletionTimeMinutes")
        if isinstance(minutes, (int, float)) and not isinstance(minutes, bool) and minutes > 0:
            self.expected_minutes = float(minutes)

    def waited(self, now: float) -> float:
        """How long the job has been waited for: its age when known (a resumed wait of an old
        job has waited since the job began), else the time this wait has taken."""
        return (now - self.start) + (self.age_at_start or 0.0)

    def estimates(self, now: float) -> tuple[float | None, float | None]:
        """(earliest, expected): seconds from now until the job may complete at the earliest and
        is expected to complete, by the estimates there are (None: no estimate)."""
        earliest: list[float] = []
        expected: list[float] = []
        if self.expected_minutes is not None and self.age_at_start is not None:
            age = self.age_at_start + (now - self.start)
            # Whole minutes: the job may end up to a minute before the time they give.
            earliest.append((self.expected_minutes - 1) * 60 - age)
            expected.append(self.expected_minutes * 60 - age)
        if self.first is not None and self.last is not None:
            (t1, p1), (t2, p2) = self.first, self.last
            if t2 > t1 and p2 > p1 and p2 < 100.0:
                left = (100.0 - p2) * (t2 - t1) / (p2 - p1) - (now - t2)
                earliest.append(left)
                expected.append(left)
        ahead = [e for e in expected if e > 0]
        return (min(earliest) if earliest else None, min(ahead) if ahead else None)


def next_poll_delay(
    waited: float, earliest: float | None = None, expected: float | None = None, after_aligned: bool = False
) -> tuple[float, bool]:
    """Seconds until the next poll, and whether that poll is placed on the expected completion.

    - The regular gap is max(WAIT_MIN_DELAY, WAIT_LATENESS_SHARE x waited) less
      WAIT_RETURN_ALLOWANCE: completion is known to the caller at most max(...) late, whatever
      the estimates say.
    - While the estimates put the earliest completion further away than that, the gap widens up
      to WAIT_SPARSE_DELAY (about four polls a minute, rather than twelve). If an estimate is
      wrong and the job ends early, it is noticed at most WAIT_SPARSE_DELAY late.
    - When the expected completion falls within the gap, the poll is placed
      WAIT_ESTIMATE_SLACK after it instead, but not twice in a row: an estimate that keeps
      slipping (PercentDone stuck at 99 %) falls back to the regular gap."""
    gap = max(WAIT_MIN_DELAY, WAIT_LATENESS_SHARE * waited) - WAIT_RETURN_ALLOWANCE
    delay = gap
    if earliest is not None and earliest > gap:
        delay = max(gap, min(WAIT_SPARSE_DELAY, earliest))
    if expected is not None and 0 < expected <= delay and not after_aligned:
        return expected + WAIT_ESTIMATE_SLACK, True
    return delay, False


@dataclass(frozen=True)
class JobKind:
    """How one kind of job reads: its name in messages, its id and status members, and which
    statuses end it (COMPLETED and the others, which fail the wait)."""

    noun: str  # "restore job", "copy job"
    id_key: str  # "RestoreJobId", "CopyJobId"
    status_key: str  # "Status" (restore jobs), "State" (backup and copy jobs)
    completed: tuple[str, ...]
    failed: tuple[str, ...]


# DescribeRestoreJob Status: PENDING, RUNNING, COMPLETED, ABORTED, FAILED (botocore's backup model).
RESTORE_JOB = JobKind("restore job", "RestoreJobId", "Status", ("COMPLETED",), ("FAILED", "ABORTED"))
# DescribeCopyJob CopyJob.State (CopyJobState): CREATED, RUNNING, COMPLETED, FAILED, PARTIAL. PARTIAL
# is a composite job some of whose child jobs did not complete: not a whole copy.
COPY_JOB = JobKind("copy job", "CopyJobId", "State", ("COMPLETED",), ("FAILED", "PARTIAL"))


class JobAWSError(Exception):
    """An AWS error, with what was being done ("describing copy job X")."""

    def __init__(self, action: str, error: Exception):
        super().__init__(f"Failed {action}: {error}")
        self.action = action
        self.error = error


class JobEndedError(Exception):
    """A waited-for job ended in one of its kind's failed statuses; AWS's message is in it."""

    def __init__(self, job: dict[str, Any], kind: JobKind):
        self.job = job
        self.kind = kind
        super().__init__(
            f"{kind.noun.capitalize()} {job.get(kind.id_key)} ended {job.get(kind.status_key)}: "
            f"{job.get('StatusMessage') or 'AWS gave no status message'}"
        )


class JobTimeoutError(Exception):
    """wait_timeout ran out; the job keeps running."""

    def __init__(self, job: dict[str, Any], kind: JobKind, timeout: float, last_error: str | None = None):
        self.job = job
        self.kind = kind
        self.last_error = last_error
        status = job.get(kind.status_key)
        if status:
            done = f" ({job['PercentDone']} done)" if job.get("PercentDone") else (" (unknown done)" if kind is RESTORE_JOB else "")
            state = f"is still {status}{done}"
            unreachable = f" The last polls failed ({last_error}); the status is the last one AWS gave." if last_error else ""
        else:  # started, but no poll has answered yet
            state = "has no known status yet"
            unreachable = f" Every poll failed ({last_error})." if last_error else ""
        super().__init__(
            f"{kind.noun.capitalize()} {job.get(kind.id_key)} {state} after wait_timeout={timeout:g} seconds.{unreachable} "
            "The job keeps running: re-run the task to resume waiting for it."
        )


class _Watch:
    """One job being waited for: the job as last seen, what its polls have shown (Progress),
    the backoff while AWS does not answer, and when it is due to be seen next."""

    def __init__(self, job: dict[str, Any], kind: JobKind, now: float, wall_now: float):
        self.job = job
        self.kind = kind
        self.progress = Progress(job, now, wall_now)
        # A job known by its id alone (just started) is polled at once; its first answer starts
        # the estimates, which need its CreationDate.
        self.described = kind.status_key in job
        self.last_error: str | None = None
        self.error: JobAWSError | None = None
        self.backoff = None
        self.aligned = False
        self.next_at = now
        # Planned from its last answer. A poll clears it; a poll that falls due while other jobs
        # are being asked is still made (not planned again, which would push it a gap later).
        self.planned = False

    @property
    def job_id(self) -> str:
        return self.job[self.kind.id_key]

    @property
    def ended(self) -> bool:
        return self.error is not None or self.job.get(self.kind.status_key) in self.kind.completed + self.kind.failed

    def created(self) -> datetime | None:
        created = self.job.get("CreationDate")
        return created if isinstance(created, datetime) and created.tzinfo is not None else None

    def plan(self, now: float) -> None:
        """When to poll next, by next_poll_delay (and wait_delays while polls fail)."""
        delay, self.aligned = next_poll_delay(self.progress.waited(now), *self.progress.estimates(now), after_aligned=self.aligned)
        if not self.described and self.last_error is None:
            delay = 0.0
        if self.last_error is not None:
            if self.backoff is None:
                self.backoff = wait_delays(WAIT_FIRST_DELAY, WAIT_BACKOFF_FACTOR, WAIT_MAX_DELAY)
            delay, self.aligned = max(delay, next(self.backoff)), False
        self.next_at = now + delay
        self.planned = True

    def seen(self, job: dict[str, Any], clock: Callable[[], float], wall: Callable[[], float]) -> None:
        """An answer for this job (a description or a listing's entry): planned again from it."""
        self.job, self.last_error, self.backoff = job, None, None
        if self.described:
            self.progress.observe(job, clock())
        else:
            self.progress, self.described = Progress(job, clock(), wall()), True
        self.planned = False

    def failed(self, error: Exception, action: str) -> None:
        """A poll that raised: transient (ridden out with backoff) or the end of this job's polls."""
        self.last_error = transient_wait_error(error)
        if self.last_error is None:
            self.error = JobAWSError(f"{action} {self.kind.noun} {self.job_id}", error)
        self.planned = False

    def poll(self, describe: Callable[[str], dict[str, Any]], clock: Callable[[], float], wall: Callable[[], float]) -> None:
        try:
            job = describe(self.job_id)
        except (BotoCoreError, ClientError) as e:
            self.failed(e, "describing")
            return
        self.seen(job, clock, wall)


# A group's listing: (created_after, the ids wanted) -> the wanted jobs it found, by id. One
# listing, all its pages (it may stop once every wanted id is found); raises botocore's errors.
ListJobs = Callable[[datetime, "set[str]"], "dict[str, dict[str, Any]]"]


@dataclass
class JobSource:
    """Where one group of jobs is read (one kind, one account and Region): `describe(job_id)`
    one job in one call, and `list_since`, when given, every job of the group in one listing."""

    kind: JobKind
    describe: Callable[[str], dict[str, Any]]
    list_since: ListJobs | None = None


@dataclass
class JobsWaited:
    """What a wait for several jobs saw: each job as last described (in the order given), the
    ones that ended, the AWS error that stopped a job's polls (non-transient), the transient
    error of its last poll, whether the deadline passed with jobs still running, and notes (a
    listing AWS refused, so that the jobs were described one by one)."""

    jobs: list[dict[str, Any]]
    ended: list[bool]
    errors: list[JobAWSError | None]
    last_errors: list[str | None]
    timed_out: bool
    notes: list[str] = field(default_factory=list)
    observed_at: float | None = None  # this host's epoch seconds when the last round was read


class _Group:
    """The jobs of one JobSource being waited for, and its listing's state."""

    def __init__(self, source: JobSource, jobs: list[dict[str, Any]], now: float, wall_now: float):
        self.source = source
        self.watches = [_Watch(job, source.kind, now, wall_now) for job in jobs]
        self.start_wall = wall_now
        self.list_refused: str | None = None
        self.observed_at: float | None = None

    def pending(self) -> list[_Watch]:
        return [w for w in self.watches if not w.ended]

    def created_after(self, pending: list[_Watch]) -> datetime:
        """ByCreatedAfter for this round: the earliest CreationDate known among the jobs still
        waited for less LIST_MARGIN; with none known, the wait's start less FIRST_LIST_WINDOW."""
        known = [w.created() for w in pending if w.created() is not None]
        if known:
            return min(known) - timedelta(seconds=LIST_MARGIN)
        return datetime.fromtimestamp(self.start_wall - FIRST_LIST_WINDOW, tz=timezone.utc)

    def poll_round(self, due: list[_Watch], clock: Callable[[], float], wall: Callable[[], float]) -> None:
        """One round: the listing (one call per page) refreshes every job it answers; a due job it
        did not answer, or whose entry lacks the status or CreationDate, is described. A
        transient error of the listing is a failed poll of each due job (backoff); a refusal
        (AccessDenied, ...) is noted and the group's jobs are described from then on."""
        kind, source = self.source.kind, self.source
        remaining = due
        if source.list_since is not None and self.list_refused is None:
            pending = self.pending()
            try:
                found = source.list_since(self.created_after(pending), {w.job_id for w in pending})
            except (BotoCoreError, ClientError) as e:
                transient = transient_wait_error(e)
                if transient is not None:
                    for watch in due:
                        watch.failed(e, "listing")
                    return
                self.list_refused = f"Listing the {kind.noun}s failed ({e}); each was described on its own instead"
                found = {}
            for watch in pending:
                job = found.get(watch.job_id)
                if job is not None and kind.status_key in job and isinstance(job.get("CreationDate"), datetime):
                    watch.seen(job, clock, wall)
            remaining = [w for w in due if w.planned]
        for watch in remaining:
            watch.poll(source.describe, clock, wall)
        self.observed_at = wall()

    def waited(self, timed_out: bool) -> JobsWaited:
        return JobsWaited(
            [w.job for w in self.watches], [w.ended for w in self.watches], [w.error for w in self.watches],
            [w.last_error for w in self.watches], timed_out, [self.list_refused] if self.list_refused else [], self.observed_at,
        )  # fmt: skip


def wait_for_job_groups(
    groups: list[tuple[JobSource, list[dict[str, Any]]]],
    timeout: float,
    return_after: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    wall: Callable[[], float] = time.time,
) -> list[JobsWaited]:
    """Wait for every job of every group in one loop, each job on its own schedule
    (next_poll_delay from its estimates; wait_delays while its polls fail transiently), until
    every job has ended (COMPLETED or failed) or `timeout` has passed (timed_out), never sleeping
    past it. A round is due when any job is; each group with a due job is read once that round
    (JobSource.list_since when given, else one describe per due job). With `return_after`, it
    also returns after that many seconds with the jobs as last seen, so a caller can show
    progress and wait again. A non-transient AWS error ends that job's polls (errors); the others
    go on. Returns one JobsWaited per group, in order."""
    now = clock()
    deadline = now + timeout
    stop = min(deadline, now + return_after) if return_after is not None else deadline
    wall_now = wall()
    state = [_Group(source, jobs, now, wall_now) for source, jobs in groups]
    while True:
        pending = [w for group in state for w in group.pending()]
        now = clock()
        # A job known by its id alone is asked once even when no time is left: its status is the
        # least a caller gets back.
        unasked = [w for w in pending if not w.described and w.last_error is None]
        if not pending or (now >= stop and not unasked):
            timed_out = bool(pending) and now >= deadline
            return [group.waited(timed_out) for group in state]
        for watch in pending:
            if not watch.planned:
                watch.plan(now)
        wake = min(min(w.next_at for w in pending), deadline)
        if wake > stop:  # nothing is due before the caller wants the jobs back
            sleep(stop - now)
            continue
        sleep(max(0.0, wake - now))
        now = clock()
        for group in state:
            # At the deadline every job is asked once more: what ended just then is not a timeout.
            due = [w for w in group.pending() if w.next_at <= now or now >= deadline]
            if due:
                group.poll_round(due, clock, wall)


def wait_for_jobs(
    describe: Callable[[str], dict[str, Any]],
    jobs: list[dict[str, Any]],
    kind: JobKind,
    timeout: float,
    return_after: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    wall: Callable[[], float] = time.time,
    list_since: ListJobs | None = None,
) -> JobsWaited:
    """wait_for_job_groups for one group: `describe(job_id)` is one AWS call without the
    collection's retry policy; `list_since`, when given, reads all the jobs in one listing."""
    return wait_for_job_groups([(JobSource(kind, describe, list_since), jobs)], timeout, return_after, sleep, clock, wall)[0]


def wait_for_job(
    describe: Callable[[str], dict[str, Any]],
    job: dict[str, Any],
    kind: JobKind,
    timeout: float,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    wall: Callable[[], float] = time.time,
) -> dict[str, Any]:
    """wait_for_jobs for one job; returns it when COMPLETED. Raises JobEndedError,
    JobTimeoutError, or JobAWSError for an error that is not transient."""
    waited = wait_for_jobs(describe, [job], kind, timeout, None, sleep, clock, wall)
    job = waited.jobs[0]
    if waited.errors[0] is not None:
        raise waited.errors[0]
    if job.get(kind.status_key) in kind.failed:
        raise JobEndedError(job, kind)
    if not waited.ended[0]:
        raise JobTimeoutError(job, kind, timeout, waited.last_errors[0])
    return job


# ---- resources


@dataclass
class ItemWaited:
    """What a wait saw of one item: state "done", "pending" (the deadline came first), "stuck"
    (the step said it will not get there by itself) or "error" (an AWS error not worth riding
    out, in `error`); detail is the step's last word (what it waited for, or why it is stuck)."""

    state: str
    detail: str = ""
    error: Exception | None = None


def _aws_cause(error: Exception) -> Exception:
    # amazon.aws's AWSErrorHandler wraps botocore's errors; the schedule looks at what AWS said.
    return getattr(error, "exception", None) or error


@dataclass(frozen=True)
class Clock:
    """How a wait passes time: sleep, a monotonic clock for its deadline, and the wall clock
    (epoch seconds) for what results report. Tests pass a fake one, so waits take no real time."""

    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic
    wall: Callable[[], float] = time.time


SYSTEM_CLOCK = Clock()


def wait_until_all(
    items: list[Any],
    step: Callable[[Any], tuple[str, str]],
    timeout: float,
    before_round: Callable[[list[Any]], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> list[ItemWaited]:
    """Call `step(item)` for every item not done yet, in rounds on the jobs' schedule (a round at
    once, then rounds next_poll_delay apart: max(WAIT_MIN_DELAY, WAIT_LATENESS_SHARE x the time
    waited); while AWS answers a step with a transient error, wait_delays' backoff, never
    shorter), until each is done or stuck, or `timeout` has passed (one deadline for all; the
    last round is made at the deadline, never after it). `step` returns (state, detail) with state
    "done", "pending" or "stuck". `before_round(pending)` may read what every step of the round
    needs in one call; its errors are left to the steps. Returns one ItemWaited per item, in order."""
    start = clock()
    deadline = start + timeout
    outcomes = [ItemWaited("pending") for _item in items]
    pending = list(range(len(items)))
    backoff = None
    while pending:
        if before_round is not None:
            try:
                before_round([items[i] for i in pending])
            except Exception:  # noqa: BLE001 - each step then asks AWS itself, and reports what it gets
                pass
        transient = None
        still = []
        for index in pending:
            try:
                state, detail = step(items[index])
            except Exception as e:  # noqa: BLE001 - sorted below: transient AWS errors are ridden out
                why = transient_wait_error(_aws_cause(e)) if isinstance(_aws_cause(e), (BotoCoreError, ClientError)) else None
                if why is None:
                    outcomes[index] = ItemWaited("error", str(e), e)
                    continue
                transient = why
                state, detail = "pending", f"{outcomes[index].detail or 'a first answer'} (last poll: {why})"
            outcomes[index] = ItemWaited(state, detail)
            if state == "pending":
                still.append(index)
        pending = still
        now = clock()
        if not pending or now >= deadline:
            break
        delay, _aligned = next_poll_delay(now - start)
        if transient is not None:
            backoff = backoff or wait_delays()
            delay = max(delay, next(backoff))
        else:
            backoff = None
        sleep(min(delay, deadline - now))
    return outcomes
