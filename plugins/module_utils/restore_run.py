# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The requests of the restore role's steps (the options of each module it calls, keyed by the
caller's target names) and its bookkeeping of restore jobs (what each target's job is as last
seen). Pure functions over plain data, no AWS and no Ansible; what differs per resource type comes
from the type's driver (plugins/module_utils/drivers/). run_record.py calls these.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers import driver_for
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import as_dict
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import as_list
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import plain
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import secret_metadata

# DescribeRestoreJob Status values that end a job (botocore's backup model).
ENDED_STATUSES = ("COMPLETED", "FAILED", "ABORTED")

# The plan item's fields that are backup_restore_jobs options of the same name.
_REQUEST_FIELDS = (
    "name", "recovery_point_arn", "resource_arn", "backup_vault_name", "latest_before", "resource_type",
    "metadata_source", "metadata", "force", "idempotency_token",
)  # fmt: skip


def new_resources(plan: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """restored_resource_info's `new_resources`: what each restore will create, for the check that
    none of its identifiers is taken (one lookup per kind, whatever the number of targets)."""
    return plain([
        {"name": item["name"], "resource_type": item["resource_type"], "settings": item.get("settings") or {}}
        for item in plan if not item.get("in_place")
    ])  # fmt: skip


def copy_requests(plan: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """backup_copy_jobs' `copies`: one per target with copy_from, from its source Region's vault into
    the target's backup_vault_name in the role's Region (the point named, or the newest completed
    one of the target's resource there)."""
    requests = []
    for item in plan:
        copy_from = as_dict(item.get("copy_from"))
        if not copy_from:
            continue
        request = {
            "name": item["name"], "region": copy_from["region"], "source_backup_vault_name": copy_from["backup_vault_name"],
            "destination_backup_vault_name": item["backup_vault_name"],
        }  # fmt: skip
        if copy_from.get("recovery_point_arn"):
            request["recovery_point_arn"] = copy_from["recovery_point_arn"]
        else:
            request["resource_arn"] = item["resource_arn"]
        requests.append(request)
    return plain(requests)


def ready_requests(plan: list[dict[str, Any]], restored: dict[str, Any]) -> list[dict[str, Any]]:
    """restored_resource's `resources` for the targets whose restore job created (or, in place,
    restored into) a resource: its job, what its driver needs to make it usable, and what the
    built-in validation expects of it."""
    requests = []
    for item in plan:
        target = as_dict(restored.get(item["name"]))
        job = as_dict(target.get("job"))
        if not target or not job.get("restore_job_id"):
            continue
        driver = driver_for(item["resource_type"])
        settings = driver.usable_settings(item["name"], item.get("options") or {}, job.get("recovery_point_arn"))
        requests.append({
            "name": item["name"], "restore_job_id": job["restore_job_id"], "settings": settings,
            "expected": item.get("expected") or {},
        })  # fmt: skip
    return plain(requests)


def start_requests(plan: list[dict[str, Any]], targets: Any, copies: Any = None) -> list[dict[str, Any]]:
    """backup_restore_jobs' `restores`: one per plan item, unset options left out, the target's
    secret metadata under `secret_metadata` (a no_log option of that module, so the module
    hides it in its output and log). A target with copy_from restores the copy this run made
    (`copies`, copies_done's), from the vault in the role's Region; without one it is left out
    (its copy failed, which the copy step noted)."""
    requests = []
    target_list = as_list(targets)
    copies = as_dict(copies)
    for item in plan:
        request = {key: item[key] for key in _REQUEST_FIELDS if item.get(key) not in (None, "")}
        if item.get("copy_from"):
            copied = as_dict(copies.get(item["name"])).get("destination_recovery_point_arn")
            if not copied:
                continue
            request.pop("resource_arn", None)
            request.pop("latest_before", None)
            request["recovery_point_arn"] = copied
        if item.get("has_secret_metadata") and item["index"] < len(target_list):
            request["secret_metadata"] = secret_metadata(as_dict(target_list[item["index"]]))
        requests.append(request)
    return plain(requests)


# What the report says of the point a restore started from (DescribeRecoveryPoint, snake_case): a
# copy's SourceBackupVaultArn names the vault, and so the Region, it was copied from.
_SOURCE_FIELDS = ("recovery_point_arn", "resource_arn", "source_backup_vault_arn", "backup_vault_arn", "creation_date")


def _ended(job: dict[str, Any]) -> bool:
    return job.get("status") in ENDED_STATUSES


def _job_error(job: dict[str, Any]) -> str:
    status = job.get("status")
    if status == "COMPLETED":
        return ""
    if status in ("FAILED", "ABORTED"):
        return f"restore job {job.get('restore_job_id')} ended {status}: {job.get('status_message') or 'AWS gave no status message'}"
    return ""


def started_jobs(results: Any) -> dict[str, Any]:
    """From backup_restore_jobs' `restore_jobs`: `started` (name -> restore job id), `jobs` (name ->
    the role's job entry: restore_job, created_resource_arn, error) and `failed` (name -> why it
    did not start)."""
    started: dict[str, str] = {}
    failed: dict[str, str] = {}
    jobs: dict[str, Any] = {}
    sources: dict[str, Any] = {}
    for result in as_list(results):
        result = as_dict(result)
        name = str(result.get("name") or "")
        job = as_dict(result.get("restore_job"))
        point = as_dict(result.get("recovery_point"))
        if point:
            sources[name] = {key: point.get(key) for key in _SOURCE_FIELDS if point.get(key) not in (None, "")}
        if job.get("restore_job_id") and not result.get("failed"):
            started[name] = job["restore_job_id"]
            jobs[name] = _entry(job)
        else:
            failed[name] = f"restore: {result.get('msg') or 'the restore job was not started'}"
    return plain({"started": started, "jobs": jobs, "failed": failed, "sources": sources})


def _entry(job: dict[str, Any]) -> dict[str, Any]:
    return {
        "restore_job": job,
        "created_resource_arn": (job.get("created_resource_arn") or "") if job.get("status") == "COMPLETED" else "",
        "error": job.get("error") or _job_error(job),
    }


def jobs_seen(started: Any, polled: Any, previous: Any, timeout: Any = None) -> dict[str, Any]:
    """The role's job entry per started target after a poll: the polled job where this poll saw
    it (backup_restore_job_info's `restore_jobs`), else as seen before. With `timeout` (the wait
    is over), a job still running gets an error saying it did not end in time."""
    by_id = {as_dict(job).get("restore_job_id"): as_dict(job) for job in as_list(polled)}
    previous = as_dict(previous)
    jobs = {}
    for name, job_id in as_dict(started).items():
        if job_id in by_id:
            entry = _entry(by_id[job_id])
        else:
            entry = as_dict(previous.get(name)) or _entry({"restore_job_id": job_id})
        if timeout is not None and not entry.get("error") and not _ended(as_dict(entry.get("restore_job"))):
            entry = {**entry, "error": f"restore job {job_id} did not end within restore_wait_timeout={timeout} seconds"}
        jobs[name] = entry
    return plain(jobs)
