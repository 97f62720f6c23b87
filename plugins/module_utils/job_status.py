# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""backup_job_status: the status of restore and copy jobs by the caller's names, optionally
waiting for all of them in one loop (job_wait.wait_for_job_groups), returning early so that a
play can show progress.

A poll round costs O(1) calls whatever the number of jobs: one ListRestoreJobs for the restore
jobs, one ListCopyJobs per Region for the copy jobs (all their pages; ByCreatedAfter keeps them
to the jobs' creation window). botocore's backup model gives a listing's entries the fields a
description has: RestoreJobsListMember carries the same members as DescribeRestoreJobOutput
(Status, PercentDone, ExpectedCompletionTimeMinutes, CreationDate, CreatedResourceArn, ...), and
ListCopyJobs answers the same CopyJob shape as DescribeCopyJob. A job the listing does not answer
(older than the window, or a listing AWS refuses) is described on its own.
"""

from __future__ import annotations

import re
import time
import traceback
from datetime import datetime
from typing import Any, Callable

from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import InputError
from ansible_collections.recovery.aws_backup.plugins.module_utils.job_wait import COPY_JOB
from ansible_collections.recovery.aws_backup.plugins.module_utils.job_wait import RESTORE_JOB
from ansible_collections.recovery.aws_backup.plugins.module_utils.job_wait import JobKind
from ansible_collections.recovery.aws_backup.plugins.module_utils.job_wait import JobSource
from ansible_collections.recovery.aws_backup.plugins.module_utils.job_wait import JobsWaited
from ansible_collections.recovery.aws_backup.plugins.module_utils.job_wait import wait_for_job_groups

# Job ids as the API gives them are free text in the model; the ids AWS issues are UUID-like.
# Anything printable without blanks is let through, so a typo gets AWS's own "not found".
_JOB_ID = re.compile(r"^[\x21-\x7e]{1,128}$")
# Region names as AWS spells them (us-east-1, us-gov-west-1, ap-southeast-5, ...).
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")
# The largest page ListRestoreJobs and ListCopyJobs give (MaxResults: 1 to 1000, botocore's
# backup model), so that one call answers a run's jobs.
LIST_PAGE_SIZE = 1000


def check_named_entry(option: str, index: int, entry: Any, id_key: str, names: set[str], quoted: bool = False) -> str:
    """How messages name element `index` of a list option of {name, <id_key>, ...} dicts (its name
    quoted or not), once it is a dict whose name is a non-empty string not among `names` (which it
    joins); InputError otherwise."""
    if not isinstance(entry, dict):
        raise InputError(f"{option}[{index}] must be a dict with name and {id_key}, got {entry!r}")
    name = entry.get("name")
    where = f"{option}[{index}] ({name!r})" if quoted else f"{option}[{index}] ({name})"
    where = where if isinstance(name, str) and name else f"{option}[{index}]"
    if not isinstance(name, str) or not name.strip():
        raise InputError(f"{where}.name must be a non-empty string, got {name!r}")
    if name in names:
        raise InputError(f"{where}.name must be unique within {option}: {name!r} is given twice")
    names.add(name)
    return where


def _check_entries(params: dict[str, Any], option: str, id_key: str, with_region: bool) -> list[dict[str, Any]]:
    entries = params.get(option) or []
    names: set[str] = set()
    for index, entry in enumerate(entries):
        where = check_named_entry(option, index, entry, id_key, names)
        job_id = entry.get(id_key)
        if not isinstance(job_id, str) or not _JOB_ID.match(job_id):
            raise InputError(f"{where}.{id_key} must be a job id, got {job_id!r}")
        region = entry.get("region") if with_region else None
        if region is not None and (not isinstance(region, str) or not _REGION.match(region)):
            raise InputError(f"{where}.region must be an AWS Region name such as us-east-1, got {region!r}")
    ids = [entry[id_key] for entry in entries]
    if len(set(ids)) != len(ids):
        raise InputError(f"{option} must not list a job twice")
    return entries


def check_input(params: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(restore jobs as [{name, restore_job_id}], copy jobs as [{name, copy_job_id, region}]),
    the legacy restore_job_ids named by their ids; InputError naming the option. No AWS call."""
    legacy = params.get("restore_job_ids")
    if legacy is not None:
        if params.get("restore_jobs"):
            raise InputError("restore_job_ids and restore_jobs are mutually exclusive: give restore_jobs alone")
        for index, job_id in enumerate(legacy):
            if not isinstance(job_id, str) or not _JOB_ID.match(job_id):
                raise InputError(f"restore_job_ids[{index}] must be a restore job id, got {job_id!r}")
        if len(set(legacy)) != len(legacy):
            raise InputError("restore_job_ids must not list a restore job twice")
        restores = [{"name": job_id, "restore_job_id": job_id} for job_id in legacy]
    else:
        restores = _check_entries(params, "restore_jobs", "restore_job_id", with_region=False)
    copies = _check_entries(params, "copy_jobs", "copy_job_id", with_region=True)
    if not restores and not copies:
        raise InputError("restore_jobs, copy_jobs or restore_job_ids must list at least one job")
    for name in ("wait_timeout", "progress_interval"):
        value = params.get(name)
        if value is not None and value <= 0:
            raise InputError(f"{name} must be a positive number of seconds, got {value}")
    if params.get("progress_interval") is not None and not params.get("wait"):
        raise InputError("progress_interval applies to wait=true only")
    return restores, copies


# ---- AWS calls (without the collection's retry policy: the wait loop retries on its own
# schedule, bounded by its deadline, and tells transient errors from the others) --------------


def _list_since(client: Any, operation: str, result_key: str, kind: JobKind, created_after: datetime, wanted: set[str]) -> dict[str, dict[str, Any]]:
    """The wanted jobs among those created after `created_after`: one listing, page by page,
    stopping once every wanted job is found."""
    found: dict[str, dict[str, Any]] = {}
    pages = client.get_paginator(operation).paginate(ByCreatedAfter=created_after, PaginationConfig={"PageSize": LIST_PAGE_SIZE})
    for page in pages:
        for job in page.get(result_key) or []:
            if job.get(kind.id_key) in wanted:
                found[job[kind.id_key]] = job
        if len(found) == len(wanted):
            break
    return found


def list_restore_jobs_since(client: Any) -> Callable[[datetime, set[str]], dict[str, dict[str, Any]]]:
    return lambda created_after, wanted: _list_since(client, "list_restore_jobs", "RestoreJobs", RESTORE_JOB, created_after, wanted)


def list_copy_jobs_since(client: Any) -> Callable[[datetime, set[str]], dict[str, dict[str, Any]]]:
    return lambda created_after, wanted: _list_since(client, "list_copy_jobs", "CopyJobs", COPY_JOB, created_after, wanted)


def describe_restore_job(client: Any) -> Callable[[str], dict[str, Any]]:
    def describe(job_id: str) -> dict[str, Any]:
        job = client.describe_restore_job(RestoreJobId=job_id)
        job.pop("ResponseMetadata", None)
        return job

    return describe


def describe_copy_job(client: Any) -> Callable[[str], dict[str, Any]]:
    return lambda job_id: client.describe_copy_job(CopyJobId=job_id)["CopyJob"]


# ---- the wait ----------------------------------------------------------------------------


def jobs_status(
    restore_client: Any,
    copy_client_for: Callable[[str | None], Any],
    restores: list[dict[str, Any]],
    copies: list[dict[str, Any]],
    wait: bool,
    timeout: float,
    progress_interval: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    wall: Callable[[], float] = time.time,
) -> tuple[JobsWaited | None, dict[str | None, JobsWaited]]:
    """Every job read once (wait=False: no time to wait, and the loop asks every job once), or
    awaited until all have ended, `timeout` has passed or `progress_interval` seconds have (then
    the jobs are returned as last seen). The restore jobs are one group, the copy jobs one group
    per Region (None: the module's), each read by one listing a round.
    Returns (the restore jobs' JobsWaited or None, {region: the copy jobs' JobsWaited})."""
    groups: list[tuple[JobSource, list[dict[str, Any]]]] = []
    if restores:
        source = JobSource(RESTORE_JOB, describe_restore_job(restore_client), list_restore_jobs_since(restore_client))
        groups.append((source, [{RESTORE_JOB.id_key: entry["restore_job_id"]} for entry in restores]))
    regions: list[str | None] = []
    for entry in copies:
        if entry.get("region") not in regions:
            regions.append(entry.get("region"))
    for region in regions:
        client = copy_client_for(region)
        source = JobSource(COPY_JOB, describe_copy_job(client), list_copy_jobs_since(client))
        groups.append((source, [{COPY_JOB.id_key: e["copy_job_id"]} for e in copies if e.get("region") == region]))
    waited = wait_for_job_groups(groups, timeout if wait else 0.0, progress_interval if wait else None, sleep, clock, wall)
    restore_waited = waited.pop(0) if restores else None
    return restore_waited, dict(zip(regions, waited))


def _entries(
    given: list[dict[str, Any]], waited: JobsWaited, snake_job: Callable[[dict[str, Any]], dict[str, Any]], extra: Callable[[dict[str, Any]], dict[str, Any]]
) -> list[dict[str, Any]]:
    entries = []
    for entry, job, ended, error in zip(given, waited.jobs, waited.ended, waited.errors):
        result = {"name": entry["name"], **extra(entry), **snake_job(job), "ended": ended}
        if error is not None:
            result["error"] = str(error)
        entries.append(result)
    return entries


def run_module(module: Any, restore_client_for: Callable[[str | None], Any], snake_job: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    """The module's main: fail_json/exit_json, never a traceback. `restore_client_for(region)`
    gives the wait's backup client of a Region (None: the module's)."""
    params = module.params
    try:
        restores, copies = check_input(params)
        # One group per Region: a copy job without one is read in the module's, with the others there.
        copies = [{**entry, "region": entry.get("region") or module.region} for entry in copies]
        restore_waited, copies_waited = jobs_status(
            restore_client_for(None) if restores else None, restore_client_for, restores, copies,
            params["wait"], params["wait_timeout"], params.get("progress_interval"),
        )  # fmt: skip
        every: list[tuple[dict[str, Any], JobsWaited, int]] = []
        restore_jobs: list[dict[str, Any]] = []
        if restore_waited is not None:
            restore_jobs = _entries(restores, restore_waited, snake_job, lambda entry: {})
            every += [(entry, restore_waited, index) for index, entry in enumerate(restores)]
        copy_jobs: dict[int, dict[str, Any]] = {}
        for region, waited in copies_waited.items():
            given = [(index, entry) for index, entry in enumerate(copies) if entry.get("region") == region]
            shown = _entries([e for _i, e in given], waited, snake_job, lambda entry: {"region": entry["region"]})
            copy_jobs.update({index: entry for (index, _e), entry in zip(given, shown)})
            every += [(entry, waited, position) for position, (_i, entry) in enumerate(given)]
        groups = ([restore_waited] if restore_waited is not None else []) + list(copies_waited.values())
        for group in groups:
            for note in group.notes:
                module.warn(note)
            for error in group.errors:
                if error is not None:
                    module.warn(str(error))
        ordered_copies = [copy_jobs[index] for index in sorted(copy_jobs)]
        shown_all = restore_jobs + ordered_copies
        running: list[str] = []
        for job in shown_all:
            if not job["ended"] and job["name"] not in running:
                running.append(job["name"])
        observed = [group.observed_at for group in groups if group.observed_at is not None]
        result: dict[str, Any] = {
            "changed": False,
            "restore_jobs": restore_jobs,
            "copy_jobs": ordered_copies,
            "all_ended": all(job["ended"] for job in shown_all),
            "running": running,
            "observed_at": max(observed) if observed else None,
        }
        unanswered = [
            f"{entry['name']}: {waited.last_errors[index]}" for entry, waited, index in every
            if waited.last_errors[index] and waited.jobs[index].get(RESTORE_JOB.status_key if waited is restore_waited else COPY_JOB.status_key) is None
        ]  # fmt: skip
        if unanswered:
            module.fail_json(msg=f"AWS did not answer for {len(unanswered)} jobs ({'; '.join(unanswered)})", **result)
        if params["wait"] and any(group.timed_out for group in groups):
            module.fail_json(
                msg=f"{len(running)} of {len(shown_all)} jobs had not ended after wait_timeout={params['wait_timeout']:g} seconds "
                f"({', '.join(running)}); they keep running",
                **result,
            )
        module.exit_json(**result)
    except InputError as e:
        module.fail_json(msg=str(e))
    except Exception as e:  # noqa: BLE001 - a message, never a traceback, reaches the user
        module.fail_json(msg=f"Unexpected error ({type(e).__name__}): {e}", exception=traceback.format_exc())
