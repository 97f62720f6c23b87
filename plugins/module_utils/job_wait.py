# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Waiting for an AWS Backup job of any kind (restore, copy, ...) until it ends.

The poll schedule (next_poll_delay, Progress), the backoff while AWS does not answer
(wait_delays) and what counts as worth riding out (transient_wait_error) are restore_job.py's;
this module makes the loop itself generic: it takes a function that describes the job once, and
a JobKind saying how that job names its id and status and which statuses end it. So every kind
of job is awaited the same way, bounded by one deadline.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:  # handled by AnsibleAWSModule, which reports missing botocore itself
    BotoCoreError = ClientError = Exception  # type: ignore[misc,assignment]

from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_job import WAIT_BACKOFF_FACTOR
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_job import WAIT_FIRST_DELAY
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_job import WAIT_MAX_DELAY
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_job import Progress
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_job import next_poll_delay
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_job import transient_wait_error
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_job import wait_delays


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
        unreachable = f" The last polls failed ({last_error}); the status is the last one AWS gave." if last_error else ""
        done = f" ({job['PercentDone']} done)" if job.get("PercentDone") else ""
        super().__init__(
            f"{kind.noun.capitalize()} {job.get(kind.id_key)} is still {job.get(kind.status_key)}{done} after "
            f"wait_timeout={timeout:g} seconds.{unreachable} The job keeps running: re-run the task to resume waiting for it."
        )


def wait_for_job(
    describe: Callable[[str], dict[str, Any]],
    job: dict[str, Any],
    kind: JobKind,
    timeout: float,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    wall: Callable[[], float] = time.time,
) -> dict[str, Any]:
    """Poll `describe(job_id)` (one AWS call, without the collection's retry policy: this loop
    retries on its own schedule, bounded by its deadline) until the job ends; returns it when
    COMPLETED. Raises JobEndedError, JobTimeoutError, or JobAWSError for an error that is not
    transient. `timeout` bounds the whole wait: throttling and connection errors are retried until
    the deadline, backing off (wait_delays) while they last, never sleeping past it. Polls follow
    restore_job.next_poll_delay, from the estimates the job gives (Progress: PercentDone,
    ExpectedCompletionTimeMinutes; a kind of job without them is polled on the regular gap)."""
    now = clock()
    deadline = now + timeout
    progress = Progress(job, now, wall())
    last_error = None
    backoff = None
    aligned = False
    while True:
        status = job.get(kind.status_key)
        if status in kind.completed:
            return job
        if status in kind.failed:
            raise JobEndedError(job, kind)
        now = clock()
        remaining = deadline - now
        if remaining <= 0:
            raise JobTimeoutError(job, kind, timeout, last_error)
        delay, aligned = next_poll_delay(progress.waited(now), *progress.estimates(now), after_aligned=aligned)
        if last_error is not None:
            if backoff is None:
                backoff = wait_delays(WAIT_FIRST_DELAY, WAIT_BACKOFF_FACTOR, WAIT_MAX_DELAY)
            delay, aligned = max(delay, next(backoff)), False
        sleep(min(delay, remaining))
        try:
            job = describe(job[kind.id_key])
        except (BotoCoreError, ClientError) as e:
            last_error = transient_wait_error(e)
            if last_error is None:
                raise JobAWSError(f"describing {kind.noun} {job[kind.id_key]}", e) from e
        else:
            last_error, backoff = None, None
            progress.observe(job, clock())
