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
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import _dict
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


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else []


def new_identifiers(plan: list[dict[str, Any]]) -> dict[str, list[str]]:
    """The DB instance and cluster identifiers a run's restores will create, lowercase as RDS
    stores them (identifiers are case-insensitive; DescribeDBInstances' filter values are
    matched as given): `db_instances` (RDS targets and Aurora clusters' instances) and
    `db_clusters` (Aurora targets). Each list is one filter of one lookup, whatever the number
    of targets."""
    instances = [item["name"] for item in plan if item.get("resource_type") == "RDS"]
    instances += [name for item in plan for name in _list(item.get("aurora_instance_identifiers"))]
    clusters = [item["name"] for item in plan if item.get("resource_type") == "Aurora"]
    return {"db_instances": [n.lower() for n in instances], "db_clusters": [n.lower() for n in clusters]}


def taken_identifiers(identifiers: Any, instances: Any, clusters: Any) -> list[str]:
    """Which of new_identifiers' names exist already, by rds_instance_info's `instances` and
    rds_cluster_info's `clusters` (snake_case), compared without case."""
    ids = _dict(identifiers)
    existing_instances = {str(_dict(i).get("db_instance_identifier", "")).lower() for i in _list(instances)}
    existing_clusters = {str(_dict(c).get("db_cluster_identifier", "")).lower() for c in _list(clusters)}
    return [n for n in _list(ids.get("db_instances")) if n in existing_instances] + [
        n for n in _list(ids.get("db_clusters")) if n in existing_clusters
    ]


def start_requests(plan: list[dict[str, Any]], targets: Any, copies: Any = None) -> list[dict[str, Any]]:
    """backup_restore_jobs' `restores`: one per plan item, unset options left out, the target's
    secret metadata under `secret_metadata` (a no_log option of that module, so the module
    hides it in its output and log). A target with copy_from restores the copy this run made
    (`copies`, copies_done's), from the vault in the role's Region; without one it is left out
    (its copy failed, which the copy step noted)."""
    requests = []
    target_list = _list(targets)
    copies = _dict(copies)
    for item in plan:
        request = {key: item[key] for key in _REQUEST_FIELDS if item.get(key) not in (None, "")}
        if item.get("copy_from"):
            copied = _dict(copies.get(item["name"])).get("destination_recovery_point_arn")
            if not copied:
                continue
            request.pop("resource_arn", None)
            request.pop("latest_before", None)
            request["recovery_point_arn"] = copied
        if item.get("has_secret_metadata") and item["index"] < len(target_list):
            request["secret_metadata"] = secret_metadata(_dict(target_list[item["index"]]))
        requests.append(request)
    return plain(requests)


# What the report says of the point a restore started from (DescribeRecoveryPoint, snake_case): a
# copy's SourceBackupVaultArn names the vault, and so the Region, it was copied from.
_SOURCE_FIELDS = ("recovery_point_arn", "resource_arn", "source_backup_vault_arn", "backup_vault_arn", "creation_date")


def copy_requests(plan: list[dict[str, Any]], lookups: Any, vaults: Any) -> dict[str, Any]:
    """backup_copy_job's options per target with copy_from (`requests`: name, region,
    recovery_point_arn, source_backup_vault_name, destination_backup_vault_arn), and `failed`
    (name -> why no copy can start). `lookups`: the results of backup_recovery_point_info per
    target whose point is the newest of its resource (item: the plan item); `vaults`:
    amazon.aws.backup_vault_info's `backup_vaults` in the role's Region (the destinations)."""
    newest = {}
    for result in _list(lookups):
        result = _dict(result)
        name = _dict(result.get("item")).get("name")
        points = _list(result.get("recovery_points"))
        if name:
            newest[name] = (points[0].get("recovery_point_arn") if points else None, result.get("msg"))
    vault_arns = {v.get("backup_vault_name"): v.get("backup_vault_arn") for v in map(_dict, _list(vaults))}
    requests, failed = [], {}
    for item in plan:
        copy_from = _dict(item.get("copy_from"))
        if not copy_from:
            continue
        name = item["name"]
        point = copy_from.get("recovery_point_arn")
        if not point:
            point, msg = newest.get(name, (None, None))
            if not point:
                failed[name] = (
                    f"copy: no completed recovery point of {item.get('resource_arn')} in vault "
                    f"{copy_from['backup_vault_name']} in {copy_from['region']}" + (f" ({msg})" if msg else "")
                )
                continue
        destination = vault_arns.get(item.get("backup_vault_name"))
        if not destination:
            failed[name] = f"copy: the vault {item.get('backup_vault_name')} to copy into was not found in the role's Region"
            continue
        requests.append({
            "name": name, "region": copy_from["region"], "recovery_point_arn": point,
            "source_backup_vault_name": copy_from["backup_vault_name"], "destination_backup_vault_arn": destination,
        })  # fmt: skip
    return plain({"requests": requests, "failed": failed})


def copies_done(results: Any, run_started: Any) -> dict[str, Any]:
    """From the copy waits (async_status of each backup_copy_job start, whose `item` is the start's
    result and its `item` the copy request): `copies` (name -> copy_job_id, state, source and
    destination recovery points, source_region, copy_duration_seconds, `owned`: started by this
    run, so its teardown deletes it; an equal copy AWS already had is reused and never deleted),
    `owned_ids` (source Region -> this run's copy job ids) and `failed` (name -> why)."""
    copies: dict[str, Any] = {}
    failed: dict[str, str] = {}
    owned: dict[str, list[str]] = {}
    for result in _list(results):
        result = _dict(result)
        started = _dict(result.get("item"))
        request = _dict(started.get("item"))
        name = request.get("name")
        if not name:
            continue
        job = _dict(result.get("copy_job"))
        created = job.get("creation_date")
        # the start's own `changed` is not known while it runs in the background: a job created
        # after the run started is the one this run's start made (an equal older copy is reused)
        is_owned = bool(job.get("copy_job_id")) and result.get("changed") is True
        if is_owned and created:
            is_owned = parse_iso8601(created, f"{name}: copy creation_date").timestamp() >= float(run_started) - 1
        copies[name] = plain({
            "copy_job_id": job.get("copy_job_id") or "",
            "state": job.get("state") or "",
            "source_region": request.get("region"),
            "source_recovery_point_arn": job.get("source_recovery_point_arn") or request.get("recovery_point_arn"),
            "destination_recovery_point_arn": job.get("destination_recovery_point_arn") or "",
            "copy_duration_seconds": result.get("copy_duration_seconds"),
            "owned": is_owned,
        })  # fmt: skip
        if is_owned:
            owned.setdefault(request["region"], []).append(job["copy_job_id"])
        if result.get("failed") or job.get("state") != "COMPLETED":
            failed[name] = f"copy: {result.get('msg') or job.get('status_message') or 'the copy did not complete'}"
            copies[name]["destination_recovery_point_arn"] = ""
    return plain({"copies": copies, "owned_ids": owned, "failed": failed})


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
    for result in _list(results):
        result = _dict(result)
        name = str(result.get("name") or "")
        job = _dict(result.get("restore_job"))
        point = _dict(result.get("recovery_point"))
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
