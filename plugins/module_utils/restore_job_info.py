# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""backup_restore_job_info: the status of restore jobs by id, optionally waiting for all of them
in one loop (job_wait.wait_for_jobs), returning early so that a play can show progress."""

from __future__ import annotations

import re
import time
import traceback
from typing import Any, Callable

from ansible_collections.recovery.aws_backup.plugins.module_utils.job_wait import RESTORE_JOB
from ansible_collections.recovery.aws_backup.plugins.module_utils.job_wait import JobsWaited
from ansible_collections.recovery.aws_backup.plugins.module_utils.job_wait import wait_for_jobs
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_job import InputError
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_job import poll_restore_job

# RestoreJobId as the API gives it is free text in the model; the ids AWS issues are UUID-like.
# Anything printable without blanks is let through, so a typo gets AWS's own "not found".
_JOB_ID = re.compile(r"^[\x21-\x7e]{1,128}$")


def check_input(params: dict[str, Any]) -> None:
    """Raises InputError naming the option; no AWS call."""
    job_ids = params.get("restore_job_ids") or []
    if not job_ids:
        raise InputError("restore_job_ids must list at least one restore job id")
    for index, job_id in enumerate(job_ids):
        if not isinstance(job_id, str) or not _JOB_ID.match(job_id):
            raise InputError(f"restore_job_ids[{index}] must be a restore job id, got {job_id!r}")
    if len(set(job_ids)) != len(job_ids):
        raise InputError("restore_job_ids must not list a restore job twice")
    for name in ("wait_timeout", "progress_interval"):
        value = params.get(name)
        if value is not None and value <= 0:
            raise InputError(f"{name} must be a positive number of seconds, got {value}")
    if params.get("progress_interval") is not None and not params.get("wait"):
        raise InputError("progress_interval applies to wait=true only")


def restore_jobs_status(
    client: Any,
    restore_job_ids: list[str],
    wait: bool,
    timeout: float,
    progress_interval: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    wall: Callable[[], float] = time.time,
) -> JobsWaited:
    """Each job described once (wait=False: no time to wait, and wait_for_jobs asks every job
    once), or polled until all have ended, `timeout` has passed or `progress_interval` seconds
    have (then the jobs are returned as last seen)."""
    jobs = [{RESTORE_JOB.id_key: job_id} for job_id in restore_job_ids]
    return wait_for_jobs(
        lambda job_id: poll_restore_job(client, job_id), jobs, RESTORE_JOB,
        timeout if wait else 0.0, progress_interval if wait else None, sleep, clock, wall,
    )  # fmt: skip


def run_module(module: Any, client: Any, snake_job: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    """The module's main: fail_json/exit_json, never a traceback."""
    params = module.params
    try:
        check_input(params)
        waited = restore_jobs_status(client, params["restore_job_ids"], params["wait"], params["wait_timeout"], params.get("progress_interval"))
        restore_jobs = []
        for job, ended, error in zip(waited.jobs, waited.ended, waited.errors):
            entry = snake_job(job)
            entry["ended"] = ended
            if error is not None:
                entry["error"] = str(error)
                module.warn(str(error))
            restore_jobs.append(entry)
        result = {
            "changed": False,
            "restore_jobs": restore_jobs,
            "all_ended": all(waited.ended),
            "running": [job["restore_job_id"] for job in restore_jobs if not job["ended"]],
        }
        unanswered = [f"{job_id}: {error}" for job_id, job, error in zip(params["restore_job_ids"], waited.jobs, waited.last_errors)
                      if error and "Status" not in job]
        if unanswered:
            module.fail_json(msg=f"AWS did not answer for {len(unanswered)} restore jobs ({'; '.join(unanswered)})", **result)
        if params["wait"] and waited.timed_out:
            module.fail_json(
                msg=f"{len(result['running'])} of {len(restore_jobs)} restore jobs had not ended after "
                f"wait_timeout={params['wait_timeout']:g} seconds ({', '.join(result['running'])}); they keep running",
                **result,
            )
        module.exit_json(**result)
    except InputError as e:
        module.fail_json(msg=str(e))
    except Exception as e:  # noqa: BLE001 - a message, never a traceback, reaches the user
        module.fail_json(msg=f"Unexpected error ({type(e).__name__}): {e}", exception=traceback.format_exc())
