# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The restore role's bookkeeping of one run's restore jobs: the requests that start them all in
one call, what each target's job is as last seen, the progress lines an operator reads while
they run, the per-job settings of the post-restore step, and what that step says of each
resource (when it became usable, its facts, the built-in validation).

Pure functions over plain data keyed by target name, no AWS and no Ansible
(plugins/filter/restore_plan.py exposes them as filters).
"""

from __future__ import annotations

from typing import Any, Optional

from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import PlanError
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import parse_iso8601
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import plain
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import secret_metadata

# DescribeRestoreJob Status values that end a job (botocore's backup model).
ENDED_STATUSES = ("COMPLETED", "FAILED", "ABORTED")

# The plan item's fields that are backup_restore_jobs options of the same name.
_REQUEST_FIELDS = (
    "name", "recovery_point_arn", "resource_arn", "backup_vault_name", "latest_before", "resource_type",
    "metadata_source", "metadata", "force", "idempotency_token",
)  # fmt: skip


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else []


def start_requests(plan: list[dict[str, Any]], targets: Any) -> list[dict[str, Any]]:
    """backup_restore_jobs' `restores`: one per plan item, unset options left out, the target's
    secret metadata under `secret_metadata` (a no_log option of that module, so the module
    hides it in its output and log)."""
    requests = []
    target_list = _list(targets)
    for item in plan:
        request = {key: item[key] for key in _REQUEST_FIELDS if item.get(key) not in (None, "")}
        if item.get("has_secret_metadata") and item["index"] < len(target_list):
            request["secret_metadata"] = secret_metadata(_dict(target_list[item["index"]]))
        requests.append(request)
    return plain(requests)


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
    for result in _list(results):
        result = _dict(result)
        name = str(result.get("name") or "")
        job = _dict(result.get("restore_job"))
        if job.get("restore_job_id") and not result.get("failed"):
            started[name] = job["restore_job_id"]
            jobs[name] = _entry(job)
        else:
            failed[name] = f"restore: {result.get('msg') or 'the restore job was not started'}"
    return plain({"started": started, "jobs": jobs, "failed": failed})


def _entry(job: dict[str, Any], error: str = "") -> dict[str, Any]:
    return {
        "restore_job": job,
        "created_resource_arn": (job.get("created_resource_arn") or "") if job.get("status") == "COMPLETED" else "",
        "error": error or job.get("error") or _job_error(job),
    }


def jobs_seen(started: Any, polled: Any, previous: Any, timeout: Any = None) -> dict[str, Any]:
    """The role's job entry per started target after a poll: the polled job where this poll saw
    it (backup_restore_job_info's `restore_jobs`), else as seen before. With `timeout` (the wait
    is over), a job still running gets an error saying it did not end in time."""
    by_id = {_dict(job).get("restore_job_id"): _dict(job) for job in _list(polled)}
    previous = _dict(previous)
    jobs = {}
    for name, job_id in _dict(started).items():
        if job_id in by_id:
            entry = _entry(by_id[job_id])
        else:
            entry = _dict(previous.get(name)) or _entry({"restore_job_id": job_id})
        if timeout is not None and not entry.get("error") and not _ended(_dict(entry.get("restore_job"))):
            entry = {**entry, "error": f"restore job {job_id} did not end within restore_wait_timeout={timeout} seconds"}
        jobs[name] = entry
    return plain(jobs)


def _clock(seconds: Optional[float]) -> str:
    if seconds is None:
        return "?"
    seconds = int(max(0.0, seconds))
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def progress_lines(plan: list[dict[str, Any]], jobs: Any, failed: Any, now: Any) -> list[str]:
    """One line per target: its restore job id, status, percent done and the time since the job
    was created against the target's RTO, or why it has no job."""
    jobs = _dict(jobs)
    failed = _dict(failed)
    try:
        now_epoch = float(now)
    except (TypeError, ValueError):
        raise PlanError([f"now must be seconds since the epoch, got {now!r}"]) from None
    lines = []
    for item in plan:
        name = item["name"]
        label = f"{item.get('resource_type')} {name}"
        entry = _dict(jobs.get(name))
        job = _dict(entry.get("restore_job"))
        if not job.get("restore_job_id"):
            lines.append(f"{label}: not started ({failed.get(name) or 'no restore job'})")
            continue
        status = job.get("status") or "status not known yet"
        end = now_epoch
        if job.get("completion_date") and _ended(job):
            end = parse_iso8601(job["completion_date"], f"{name}: completion_date").timestamp()
        elapsed = None
        if job.get("creation_date"):
            elapsed = end - parse_iso8601(job["creation_date"], f"{name}: creation_date").timestamp()
        rto = item.get("rto_seconds")
        timing = f"{_clock(elapsed)} elapsed" + (f" of RTO {_clock(rto)}" if rto is not None else "")
        done = f" {job['percent_done']} done" if job.get("percent_done") and not _ended(job) else ""
        detail = ""
        if entry.get("error"):
            detail = f" - {entry['error']}"
        elif entry.get("created_resource_arn"):
            detail = f" - {entry['created_resource_arn']}"
        lines.append(f"{label}: restore job {job['restore_job_id']} {status}{done}, {timing}{detail}")
    return lines


def post_step_settings(plan: list[dict[str, Any]], jobs: Any) -> dict[str, Any]:
    """restored_resource's `job_settings` for the completed jobs: an EFS file system's Name and
    restored-from tags and its mount targets' subnets and security groups."""
    settings = {}
    for item in plan:
        entry = _dict(_dict(jobs).get(item["name"]))
        job = _dict(entry.get("restore_job"))
        if item.get("resource_type") != "EFS" or not entry.get("created_resource_arn") or item.get("in_place"):
            continue
        tags = {"Name": item["name"]}
        if job.get("recovery_point_arn"):
            tags["restored-from"] = job["recovery_point_arn"]
        setting: dict[str, Any] = {"tags": tags}
        if item.get("subnet_ids"):
            setting["subnet_ids"] = list(item["subnet_ids"])
            if item.get("security_group_ids"):
                setting["security_group_ids"] = list(item["security_group_ids"])
        settings[job["restore_job_id"]] = setting
    return plain(settings)


def usable_resources(started: Any, resources: Any) -> dict[str, Any]:
    """From restored_resource's `resources` (wait_until_usable): `usable_at` and `facts` per target
    name, and `failed` (name -> why its resource is not usable)."""
    names = {job_id: name for name, job_id in _dict(started).items()}
    usable_at: dict[str, Any] = {}
    facts: dict[str, Any] = {}
    failed: dict[str, str] = {}
    for resource in _list(resources):
        resource = _dict(resource)
        name = names.get(resource.get("restore_job_id"))
        if name is None:
            continue
        if resource.get("facts"):
            facts[name] = resource["facts"]
        if resource.get("usable_at") is not None:
            usable_at[name] = resource["usable_at"]
        status = str(resource.get("status") or "")
        if status.startswith("failed") or status.startswith("refused"):
            failed[name] = f"post-restore: {status}"
    return plain({"usable_at": usable_at, "facts": facts, "failed": failed})


def _check(resource_type: str, facts: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    """What of the restored resource is not as asked (empty: it is)."""
    problems = []

    def differs(field: str, want: Any) -> None:
        if facts.get(field) != want:
            problems.append(f"{field} is {facts.get(field)!r}, expected {want!r}")

    if resource_type == "EFS":
        differs("life_cycle_state", "available")
        for field in ("encrypted", "creation_token", "performance_mode"):
            if field in expected:
                differs(field, expected[field])
    elif resource_type == "RDS":
        differs("db_instance_status", "available")
        differs("db_instance_identifier", expected.get("db_instance_identifier"))
        if expected.get("db_instance_class") is not None:
            differs("db_instance_class", expected["db_instance_class"])
    elif resource_type == "Aurora":
        differs("status", "available")
        differs("db_cluster_identifier", expected.get("db_cluster_identifier"))
        members = len(_list(facts.get("db_cluster_members")))
        if members != expected.get("instance_count"):
            problems.append(f"the cluster has {members} DB instances, expected {expected.get('instance_count')}")
    return problems


def validation(plan: list[dict[str, Any]], jobs: Any, facts: Any) -> dict[str, Any]:
    """The built-in validation of every target whose restore job created a resource: `validation`
    (name -> "passed", or "failed: " and what is not as asked: not found, not available, not
    what the plan item's `expected` says) and `failed` (name -> "validation: ..." for those that
    failed). The user's own validation tasks run afterwards."""
    results: dict[str, str] = {}
    failed: dict[str, str] = {}
    for item in plan:
        name = item["name"]
        if not _dict(_dict(jobs).get(name)).get("created_resource_arn"):
            continue
        target_facts = _dict(_dict(facts).get(name))
        if target_facts:
            problems = _check(item.get("resource_type"), target_facts, _dict(item.get("expected")))
        else:
            problems = ["the restored resource was not found"]
        if problems:
            message = f"{name}: {'; '.join(problems)}"
            results[name] = f"failed: {message}"
            failed[name] = f"validation: {message}"
        else:
            results[name] = "passed"
    return plain({"validation": results, "failed": failed})
