# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The restore role's record of one run: one dict, printable with one debug task, no secrets.

The role keeps the plan (`new_run`, from restore_targets) and registers each step's module
result; `fold` puts them together into the record:

    id, mode, started, region, wait_timeout, journal (path), order (target names)
    targets: {name: {plan, copy, job, source, usable_at, facts, validation, measures, teardown,
                     copy_teardown, error}}
    running (names whose job, or copy while copying, has not ended), deadline, error, failed,
    leftovers, progress (a line per target), journal_content, journal_done, report

`requests` gives the next module's options from the record, keyed by the caller's target names
(the modules return lists whose elements carry `name`). Pure functions over plain data, no AWS and
no Ansible; nothing here names a resource type: what differs per type is the drivers'.
"""

from __future__ import annotations

from typing import Any, Optional

from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import InputError
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import as_dict
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import as_list
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import by_name
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import PlanError
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import build_plan
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import parse_iso8601
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import plain
from ansible_collections.recovery.aws_backup.plugins.module_utils import restore_run
from ansible_collections.recovery.aws_backup.plugins.module_utils import validation_record

# The registered step results fold takes (every one optional: a step that did not run is left out).
STEPS = (
    "preflight", "journals", "copies", "start", "status", "ready", "hook_failures", "teardown", "cleaned", "error", "now",
    "found", "validated", "ran_hook",
)  # fmt: skip
REQUESTS = ("preflight", "copies", "start", "await", "ready", "teardown", "cleanup", "validate_ready", "validation_results")


def _epoch(value: Any, what: str = "time") -> Optional[float]:
    """Seconds since the epoch from a number, a numeric string or an ISO 8601 time; None for none."""
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
    return parse_iso8601(value, what).timestamp()


# ---- measures, report, earlier runs ---

def _whole_seconds(seconds: Optional[float]) -> Optional[int]:
    # Rounded up, so a shown value within an (integer) objective always means the objective was met.
    if seconds is None:
        return None
    whole = int(seconds)
    return whole + 1 if seconds > whole else whole


def _met(measured: Optional[float], objective: Optional[int]) -> Optional[bool]:
    if objective is None:
        return None
    return measured is not None and measured <= objective


def _plan_items(plan: Any) -> list[dict[str, Any]]:
    if not isinstance(plan, (list, tuple)) or not all(isinstance(item, dict) and isinstance(item.get("name"), str) for item in plan):
        raise PlanError(["plan must be the list restore_plan returned"])
    return list(plan)


def measure(plan: Any, jobs: Any, usable_at: Any) -> dict[str, dict[str, Any]]:
    """Per target with a restore job: recovery time (job created -> resource usable) and recovery
    point age (point created -> job created), in whole seconds, against the objectives."""
    jobs = jobs or {}
    usable_at = usable_at or {}
    if not isinstance(jobs, dict) or not isinstance(usable_at, dict):
        raise PlanError(["jobs and usable_at must be dictionaries keyed by target name"])
    measures = {}
    for item in _plan_items(plan):
        name = item["name"]
        if name not in jobs:
            continue
        entry = jobs[name] if isinstance(jobs[name], dict) else {}
        job = entry.get("restore_job") if isinstance(entry.get("restore_job"), dict) else {}
        created = point_created = usable = None
        if job.get("creation_date"):
            created = parse_iso8601(job["creation_date"], f"jobs[{name!r}].restore_job.creation_date").timestamp()
        if job.get("recovery_point_creation_date"):
            what = f"jobs[{name!r}].restore_job.recovery_point_creation_date"
            point_created = parse_iso8601(job["recovery_point_creation_date"], what).timestamp()
        if usable_at.get(name) is not None:
            usable = _epoch(usable_at[name], f"usable_at[{name!r}]")
        recovery_time = usable - created if usable is not None and created is not None else None
        point_age = created - point_created if created is not None and point_created is not None else None
        measures[name] = {
            "recovery_time_seconds": _whole_seconds(recovery_time),
            "recovery_point_age_seconds": _whole_seconds(point_age),
            "rto_seconds": item.get("rto_seconds"),
            "rpo_seconds": item.get("rpo_seconds"),
            "rto_met": _met(recovery_time, item.get("rto_seconds")),
            "rpo_met": _met(point_age, item.get("rpo_seconds")),
        }
    return plain(measures)


# ---- report --------------------------------------------------------------------------------


def report(plan: Any, run: Any) -> dict[str, Any]:
    """The drill report: the run, then one entry per planned target in plan order."""
    run = as_dict(run)
    jobs = as_dict(run.get("jobs"))
    measures = as_dict(run.get("measures"))
    validation = as_dict(run.get("validation"))
    teardown = as_dict(run.get("teardown"))
    failed = as_dict(run.get("failed"))
    sources = as_dict(run.get("sources"))
    copies = as_dict(run.get("copies"))
    copy_teardown = as_dict(run.get("copy_teardown"))
    dr_region = run.get("dr_region") or ""
    leftovers = run.get("leftovers") or []
    if not isinstance(leftovers, (list, tuple)):
        raise PlanError([f"run.leftovers must be a list, got {type(leftovers).__name__}"])
    error = run.get("error") or ""
    targets = []
    for item in _plan_items(plan):
        name = item["name"]
        entry = as_dict(jobs.get(name))
        job = as_dict(entry.get("restore_job"))
        created_arn = entry.get("created_resource_arn") or job.get("created_resource_arn") or ""
        if job.get("status"):
            status = job["status"]
        else:
            status = "FAILED" if entry.get("error") else "NOT STARTED"
        targets.append({
            "name": name,
            "resource_type": item.get("resource_type"),
            "recovery_point_arn": job.get("recovery_point_arn") or item.get("recovery_point_arn") or "",
            "restore_job_id": job.get("restore_job_id") or "",
            "restore_job_status": status,
            "created_resource_arn": created_arn,
            "error": failed.get(name) or "",
            "measures": as_dict(measures.get(name)),
            "validation": validation.get(name) or "not run",
            "teardown": teardown.get(name) or ("kept" if created_arn else "nothing to delete"),
            **_regional(item, as_dict(sources.get(name)), as_dict(copies.get(name)), copy_teardown.get(name),
                        as_dict(measures.get(name)), dr_region),
        })  # fmt: skip
    return plain({
        "run_id": run.get("run_id") or "",
        "mode": run.get("mode") or "",
        "succeeded": not error and not failed,
        "error": error,
        "leftovers": leftovers,
        "targets": targets,
    })


def _arn_region(arn: Any) -> str:
    parts = arn.split(":") if isinstance(arn, str) else []
    return parts[3] if len(parts) > 3 and parts[0] == "arn" else ""


def _regional(
    item: dict[str, Any], source: dict[str, Any], copy: dict[str, Any], copy_teardown: Any,
    measures: dict[str, Any], dr_region: str,
) -> dict[str, Any]:
    """Where the restored data came from and how old it was, for a restore in a DR Region.

    source_region: copy_from's Region when the role copied; otherwise the Region of the vault the
    restored point was copied from (its SourceBackupVaultArn); else, when the point was found by
    its resource alone (ListRecoveryPointsByResource, which does not say SourceBackupVaultArn),
    the resource's Region (a point in another Region than its resource is a copy from there);
    else the point's own Region.
    copy_age_seconds: restore job creation - the restored point's CreationDate. A copy keeps its
    source's CreationDate (AWS Backup developer guide, "Copy a backup": "Copies retain their source
    configuration, including creation dates"), so this is the age of the data when the restore
    began, which is what an RPO bounds; how long ago the copy itself was made does not matter to it.
    """
    if copy:
        source_region = copy.get("source_region") or ""
    else:
        source_region = (
            _arn_region(source.get("source_backup_vault_arn"))
            or _arn_region(source.get("resource_arn") or item.get("resource_arn"))
            or _arn_region(source.get("recovery_point_arn"))
        )
    entry: dict[str, Any] = {
        # Restored from another Region's data: a copy, or a point whose source is elsewhere.
        "regional": bool(item.get("copy_from")) or bool(dr_region and source_region and source_region != dr_region),
        "source_region": source_region,
        "dr_region": dr_region,
        "source_backup_vault_arn": source.get("source_backup_vault_arn") or "",
        "source_resource_arn": source.get("resource_arn") or item.get("resource_arn") or "",
        "copy_age_seconds": measures.get("recovery_point_age_seconds"),
        "rpo_seconds": item.get("rpo_seconds"),
        "rpo_met": measures.get("rpo_met"),
        "recovery_time_seconds": measures.get("recovery_time_seconds"),
        "rto_seconds": item.get("rto_seconds"),
        "rto_met": measures.get("rto_met"),
    }
    if item.get("copy_from"):
        entry.update({
            "copy_job_id": copy.get("copy_job_id") or "",
            "source_recovery_point_arn": copy.get("source_recovery_point_arn") or "",
            "copy_duration_seconds": copy.get("copy_duration_seconds"),
            "copy_teardown": copy_teardown or ("kept (not made by this run)" if copy and not copy.get("owned") else "nothing to delete"),
        })  # fmt: skip
    return entry


def cleanup_runs(journals: Any, marked: Any, exclude_run_id: Any = None) -> list[dict[str, Any]]:
    """The earlier runs that may have left something behind, each with every restore job and copy
    job it is known to have started: from the journals runs wrote before awaiting their jobs
    (`run_id`, `restore_job_ids`, `copy_jobs` [{copy_job_id, region}], `path`) and from resources
    still marked by a run (`run_id`, `restore_job_id`, as restored_resource_info returns them).
    `exclude_run_id` (the run asking) is left out. Sorted by run id; the journal paths come along
    so a cleaned run's can be removed."""
    runs: dict[str, dict[str, Any]] = {}

    def run(run_id: str) -> dict[str, Any]:
        return runs.setdefault(run_id, {"run_id": run_id, "restore_job_ids": set(), "copy_jobs": {}, "journals": []})

    for journal in journals or []:
        if not isinstance(journal, dict) or not journal.get("run_id"):
            continue
        entry = run(str(journal["run_id"]))
        entry["restore_job_ids"].update(str(j) for j in journal.get("restore_job_ids") or [] if j)
        for copy in journal.get("copy_jobs") or []:
            if isinstance(copy, dict) and copy.get("copy_job_id"):
                entry["copy_jobs"][str(copy["copy_job_id"])] = {"copy_job_id": str(copy["copy_job_id"]), "region": copy.get("region") or ""}
        if journal.get("path"):
            entry["journals"].append(str(journal["path"]))
    for resource in marked or []:
        if isinstance(resource, dict) and resource.get("run_id") and resource.get("restore_job_id"):
            run(str(resource["run_id"]))["restore_job_ids"].add(str(resource["restore_job_id"]))
    runs.pop(str(exclude_run_id), None)
    return [
        {"run_id": r["run_id"], "restore_job_ids": sorted(r["restore_job_ids"]),
         "copy_jobs": [r["copy_jobs"][k] for k in sorted(r["copy_jobs"])], "journals": sorted(r["journals"])}
        for r in sorted(runs.values(), key=lambda r: r["run_id"])
    ]  # fmt: skip


# ---- the plan ----------------------------------------------------------------------------


def new_run(targets: Any, mode: Any, run_id: Any, settings: Any = None) -> dict[str, Any]:
    """The record of a new run: every target checked and planned (InputError with every problem
    at once), nothing observed yet. `settings`: started (epoch), region, wait_timeout,
    fail_on_objective_miss, journal (the journal's path)."""
    settings = as_dict(settings)
    plan = build_plan(targets, mode, run_id)
    if mode == "validate":
        plan_name = settings.get("restore_testing_plan")
        if not isinstance(plan_name, str) or not plan_name.strip():
            raise PlanError(["restore_testing_plan (the restore testing plan's name or ARN) is required in validate mode"])
    run = plain({
        "id": run_id,
        "mode": mode,
        "started": float(settings.get("started") or 0),
        "region": settings.get("region") or "",
        "wait_timeout": int(settings.get("wait_timeout") or 3600),
        "fail_on_objective_miss": bool(settings.get("fail_on_objective_miss")),
        "journal": settings.get("journal") or "",
        "report_file": settings.get("report_file") or "",
        "order": [item["name"] for item in plan],
        "targets": {item["name"]: {"plan": item} for item in plan},
    })  # fmt: skip
    return validation_record.new_validation_run(run, settings) if mode == "validate" else run


def _plan(run: dict[str, Any]) -> list[dict[str, Any]]:
    return [run["targets"][name]["plan"] for name in run["order"]]


# ---- folding the steps' results in ---------------------------------------------------------


def _copies(run: dict[str, Any], steps: dict[str, Any], now: float) -> tuple[dict[str, Any], dict[str, str]]:
    """Per copy_from target: the copy as last seen, and why a copy failed."""
    started = by_name(as_dict(steps.get("copies")).get("copy_jobs"))
    polled = by_name(as_dict(steps.get("status")).get("copy_jobs"))
    copies: dict[str, Any] = {}
    failed: dict[str, str] = {}
    for name in run["order"]:
        copy_from = as_dict(run["targets"][name]["plan"].get("copy_from"))
        if not copy_from or name not in started:
            continue
        result = started[name]
        job = {**as_dict(result.get("copy_job")), **{k: v for k, v in polled.get(name, {}).items() if k != "name"}}
        if result.get("failed") or not job.get("copy_job_id"):
            failed[name] = f"copy: {result.get('msg') or 'the copy job was not started'}"
            copies[name] = {"copy_job_id": "", "state": "", "source_region": copy_from.get("region"), "owned": False,
                            "destination_recovery_point_arn": "", "source_recovery_point_arn": copy_from.get("recovery_point_arn") or ""}
            continue
        created, completed = _epoch(job.get("creation_date")), _epoch(job.get("completion_date"))
        state = job.get("state") or ""
        copies[name] = {
            "copy_job_id": job["copy_job_id"],
            "state": state,
            "region": result.get("region") or copy_from.get("region"),
            "source_region": copy_from.get("region"),
            "source_recovery_point_arn": job.get("source_recovery_point_arn") or "",
            "destination_recovery_point_arn": (job.get("destination_recovery_point_arn") or "") if state == "COMPLETED" else "",
            "copy_duration_seconds": int(completed - created) if created is not None and completed is not None else None,
            # A copy AWS already had (an equal job) is reused and never deleted: only a job this
            # run's call started is the run's.
            "owned": bool(result.get("owned")),
            "creation_date": job.get("creation_date"),
        }  # fmt: skip
        if job.get("error"):
            failed[name] = f"copy: {job['error']}"
        elif state in ("FAILED", "PARTIAL", "ABORTED"):
            failed[name] = f"copy: copy job {job['copy_job_id']} ended {state}: {job.get('status_message') or 'AWS gave no status message'}"
    return plain(copies), failed


def _deadline(jobs: list[dict[str, Any]], wait_timeout: int, now: float) -> float:
    """The awaited jobs' deadline: wait_timeout after the earliest of them was created."""
    created = [c for c in (_epoch(j.get("creation_date")) for j in jobs) if c is not None]
    return (min(created) if created else now) + wait_timeout


def fold(run: Any, steps: Any) -> dict[str, Any]:
    """The record with every step's registered result folded in (see STEPS)."""
    run = plain(as_dict(run))
    if not isinstance(run.get("targets"), dict) or not isinstance(run.get("order"), list):
        raise InputError("restore_fold: the record must be the one restore_plan returned")
    steps = as_dict(plain(as_dict(steps)))
    if run.get("mode") == "validate":
        return validation_record.fold_validation(run, steps)
    now = float(steps.get("now") or 0)
    wait_timeout = run["wait_timeout"]
    plan = _plan(run)
    failed: dict[str, str] = {}

    copies, copy_failed = _copies(run, steps, now)
    failed.update(copy_failed)

    start = as_dict(steps.get("start"))
    noted = restore_run.started_jobs(start.get("restore_jobs")) if start else {"started": {}, "jobs": {}, "failed": {}, "sources": {}}
    failed.update(noted["failed"])
    status = as_dict(steps.get("status"))
    by_id = [{**j, "restore_job_id": j.get("restore_job_id")} for j in as_list(status.get("restore_jobs"))]
    jobs = restore_run.jobs_seen(noted["started"], by_id, noted["jobs"])

    # Which jobs are still awaited: the restores once any started, else the copies.
    if noted["started"]:
        awaited = {n: e["restore_job"] for n, e in jobs.items()}
        ended = {n: j.get("status") in restore_run.ENDED_STATUSES or bool(jobs[n].get("error")) for n, j in awaited.items()}
    else:
        awaited = {n: c for n, c in copies.items() if c.get("copy_job_id")}
        ended = {n: c.get("state") in ("COMPLETED", "FAILED", "PARTIAL", "ABORTED") or n in copy_failed for n, c in awaited.items()}
    deadline = _deadline(list(awaited.values()), wait_timeout, now) if awaited else None
    running = [n for n in run["order"] if n in ended and not ended[n]]
    if running and status and deadline is not None and now >= deadline:
        # The wait is over: what has not ended did not end in time (it keeps running on AWS).
        for name in running:
            if noted["started"]:
                late = f"restore job {noted['started'][name]} did not end within restore_wait_timeout={wait_timeout} seconds"
                jobs[name] = {**jobs[name], "error": late}
            else:
                late = f"copy job {copies[name]['copy_job_id']} did not end within restore_wait_timeout={wait_timeout} seconds"
                copy_failed[name] = failed[name] = f"copy: {late}"
        running = []
    for name, entry in jobs.items():
        if entry.get("error"):
            failed[name] = f"restore: {entry['error']}"

    ready = by_name(as_dict(steps.get("ready")).get("resources"))
    usable_at = {n: r["usable_at"] for n, r in ready.items() if r.get("usable_at") is not None}
    facts = {n: r.get("facts") or {} for n, r in ready.items() if r.get("facts")}
    for name, resource in ready.items():
        state = str(resource.get("status") or "")
        if state.startswith(("failed", "refused")):
            failed[name] = f"post-restore: {state}"
    measures = measure(plan, jobs, usable_at)

    validation: dict[str, str] = {}
    if run["mode"] == "drill":
        for name, resource in ready.items():
            verdict = str(resource.get("validation") or "")
            if verdict:
                validation[name] = verdict
                if verdict != "passed":
                    failed[name] = "validation: " + verdict.split(": ", 1)[-1]
        for name, message in as_dict(steps.get("hook_failures")).items():
            validation[name] = f"failed: {message}"
            failed[name] = f"validation: {message}"
    if run["fail_on_objective_miss"]:
        for name, m in measures.items():
            missed = [label for label, met in (("RTO missed", m.get("rto_met")), ("RPO missed", m.get("rpo_met"))) if met is False]
            if missed:
                failed[name] = ", ".join(missed)

    teardown_result = as_dict(steps.get("teardown"))
    teardown = {n: r.get("status") for n, r in by_name(teardown_result.get("resources")).items()}
    copy_teardown = {n: r.get("status") for n, r in by_name(teardown_result.get("copies")).items()}

    for name in run["order"]:
        target = run["targets"][name]
        entry = jobs.get(name)
        target.update({
            "copy": copies.get(name),
            "job": as_dict(entry).get("restore_job") or None,
            "created_resource_arn": as_dict(entry).get("created_resource_arn") or "",
            "source": noted["sources"].get(name) or {},
            "usable_at": usable_at.get(name),
            "facts": facts.get(name) or {},
            "validation": validation.get(name) or "not run",
            "measures": measures.get(name) or {},
            "teardown": teardown.get(name),
            "copy_teardown": copy_teardown.get(name),
            "error": failed.get(name) or "",
        })  # fmt: skip

    error = str(steps.get("error") or "")
    run.update({
        "error": error,
        "failed": {n: failed[n] for n in run["order"] if n in failed},
        "running": running,
        "deadline": deadline,
        "leftovers": _leftovers(run, steps),
        "progress": progress_lines(run, now),
    })  # fmt: skip
    run["journal_content"] = {
        "run_id": run["id"],
        "restore_job_ids": [noted["started"][n] for n in run["order"] if n in noted["started"]],
        "copy_jobs": [{"copy_job_id": c["copy_job_id"], "region": c["region"]} for c in copies.values() if c.get("owned")],
        "path": run["journal"],
    }  # fmt: skip
    # The journal goes once every job has ended and the teardown left nothing.
    run["journal_done"] = bool(teardown_result) and not teardown_result.get("failed") and not running and not any(
        name in noted["started"] and not (jobs[name]["restore_job"].get("status") in restore_run.ENDED_STATUSES) for name in run["order"]
    )
    run["cleanup"], run["cleanup_lines"] = _cleaned(as_dict(steps.get("cleaned")))
    run["report"] = report(plan, {
        "run_id": run["id"], "mode": run["mode"], "error": error, "jobs": jobs, "measures": measures,
        "validation": validation, "teardown": teardown, "failed": run["failed"], "leftovers": run["leftovers"],
        "sources": noted["sources"], "copies": copies, "copy_teardown": copy_teardown, "dr_region": run["region"],
    })  # fmt: skip
    run["report_lines"] = report_lines(run)
    return plain(run)


def report_lines(run: dict[str, Any]) -> list[str]:
    """What an operator reads at the end: the outcome, then a line per target."""
    verdict = "succeeded" if not run["error"] and not run["failed"] else "FAILED"
    lines = [f"{'Drill' if run['mode'] == 'drill' else 'Restore'} {run['id']}: {verdict}" + (f" - {run['error']}" if run["error"] else "")
             + (f"; report {run['report_file']} (and .json)" if run.get("report_file") else "")]
    for name in run["order"]:
        target = run["targets"][name]
        m = target["measures"]
        job = as_dict(target.get("job"))
        parts = [f"restore job {job['restore_job_id']} {job.get('status') or ''}".rstrip() if job.get("restore_job_id")
                 else ("FAILED" if target["error"] else "NOT STARTED")]
        if m.get("recovery_time_seconds") is not None:
            rto = f" of RTO {_clock(m['rto_seconds'])}{' MISSED' if m.get('rto_met') is False else ''}" if m.get("rto_seconds") is not None else ""
            parts.append(f"recovered in {_clock(m['recovery_time_seconds'])}{rto}")
        if m.get("recovery_point_age_seconds") is not None:
            rpo = f" (RPO {_clock(m['rpo_seconds'])}{' MISSED' if m.get('rpo_met') is False else ''})" if m.get("rpo_seconds") is not None else ""
            parts.append(f"point {_clock(m['recovery_point_age_seconds'])} old{rpo}")
        if run["mode"] == "drill":
            parts.append(f"validation {target['validation']}")
            parts.append(f"teardown {target['teardown'] or ('kept' if target['created_resource_arn'] else 'nothing to delete')}")
        elif target["created_resource_arn"]:
            parts.append(target["created_resource_arn"])
        line = f"{target['plan'].get('resource_type')} {name}: {', '.join(parts)}"
        lines.append(line + (f" - {target['error']}" if target["error"] else ""))
    for leftover in run["leftovers"]:
        lines.append(f"Earlier drill run {leftover['run_id']} may have left resources behind: run the role with restore_mode=cleanup")
    return lines


def _cleaned(cleaned: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Per run cleaned up, each job's and copy's status; and a line per run."""
    summary: dict[str, Any] = {}
    lines = []
    for result in map(as_dict, as_list(cleaned.get("results"))):
        run_id = as_dict(result.get("item")).get("run_id")
        if not run_id:
            continue
        statuses = [f"restore job {r.get('restore_job_id')}: {r.get('status')}" for r in map(as_dict, as_list(result.get("resources")))]
        statuses += [f"copy job {c.get('copy_job_id')}: {c.get('status')}" for c in map(as_dict, as_list(result.get("copies")))]
        summary[run_id] = as_list(result.get("resources")) + as_list(result.get("copies"))
        lines.append(f"run {run_id}: {'; '.join(statuses) or result.get('msg') or 'nothing found'}")
    return summary, lines or ["Nothing to clean up"]


def _leftovers(run: dict[str, Any], steps: dict[str, Any]) -> list[dict[str, Any]]:
    marked = as_dict(steps.get("preflight")).get("resources")
    journals = as_list(steps.get("journals"))
    if marked is None and not journals:
        return []
    return cleanup_runs(journals, marked or [], run["id"])


def _clock(seconds: Optional[float]) -> str:
    if seconds is None:
        return "?"
    seconds = int(max(0.0, seconds))
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def progress_lines(run: dict[str, Any], now: float) -> list[str]:
    """One line per target: its copy while it copies, then its restore job (id, status, percent
    done, time against its RTO) or why it has none."""
    lines = []
    for name in run["order"]:
        target = run["targets"][name]
        item = target["plan"]
        copy = as_dict(target.get("copy"))
        label = f"{item.get('resource_type')} {name}"
        if copy.get("copy_job_id") and not target.get("job") and not target.get("error"):
            created = _epoch(copy.get("creation_date"))
            elapsed = f", {_clock(now - created)} elapsed" if created is not None and now else ""
            lines.append(f"{label}: copy job {copy['copy_job_id']} {copy.get('state') or 'status not known yet'} from {copy.get('source_region')}{elapsed}")
            continue
        job = as_dict(target.get("job"))
        if not job.get("restore_job_id"):
            lines.append(f"{label}: not started ({target.get('error') or 'no restore job'})")
            continue
        ended = job.get("status") in restore_run.ENDED_STATUSES
        end = now
        if job.get("completion_date") and ended:
            end = _epoch(job["completion_date"]) or now
        created = _epoch(job.get("creation_date"))
        elapsed = end - created if created is not None and end else None
        rto = item.get("rto_seconds")
        timing = f"{_clock(elapsed)} elapsed" + (f" of RTO {_clock(rto)}" if rto is not None else "")
        done = f" {job['percent_done']} done" if job.get("percent_done") and not ended else ""
        detail = f" - {target['error']}" if target.get("error") else (f" - {target['created_resource_arn']}" if target.get("created_resource_arn") else "")
        lines.append(f"{label}: restore job {job['restore_job_id']} {job.get('status') or 'status not known yet'}{done}, {timing}{detail}")
    return lines


# ---- what the next step asks for -------------------------------------------------------------


def requests(run: Any, step: Any, targets: Any = None) -> Any:
    """The options of the module the role's next step calls, from the record (see REQUESTS).
    `targets` (restore_targets) only for `start`: its secret metadata goes straight to the
    module's no_log option and never into the record."""
    run = as_dict(run)
    if step not in REQUESTS:
        raise InputError(f"restore_requests: step must be one of {', '.join(REQUESTS)}, got {step!r}")
    if step in ("validate_ready", "validation_results"):
        if run.get("mode") != "validate":
            raise InputError(f"restore_requests: step {step} is for a record of validate mode, not {run.get('mode')!r}")
        return validation_record.validation_requests(run, step)
    if step == "cleanup":
        return plain([
            {"run_id": r["run_id"], "journals": r["journals"],
             "resources": [{"name": job_id, "restore_job_id": job_id} for job_id in r["restore_job_ids"]],
             "copies": [{"name": c["copy_job_id"], **c} for c in r["copy_jobs"]]}
            for r in as_list(run.get("leftovers"))
        ])  # fmt: skip
    plan = _plan(run)
    if step == "preflight":
        return restore_run.new_resources(plan)
    if step == "copies":
        return restore_run.copy_requests(plan)
    if step == "start":
        copies = {n: t.get("copy") for n, t in run["targets"].items() if t.get("copy")}
        return restore_run.start_requests(plan, targets, copies)
    started = {n: t["job"]["restore_job_id"] for n, t in run["targets"].items() if as_dict(t.get("job")).get("restore_job_id")}
    if step == "await":
        copies = [{"name": n, "copy_job_id": t["copy"]["copy_job_id"], "region": t["copy"]["region"]}
                  for n, t in run["targets"].items() if as_dict(t.get("copy")).get("copy_job_id")]
        restores = [{"name": n, "restore_job_id": job_id} for n, job_id in started.items()]
        # Every job of the run, ended or not: one list call answers them all, and the last answer
        # is the record's.
        return plain({"restore_jobs": restores, "copy_jobs": copies})
    if step == "ready":
        return restore_run.ready_requests(plan, {n: t for n, t in run["targets"].items() if t.get("created_resource_arn")})
    return plain({
        "resources": [{"name": n, "restore_job_id": job_id} for n, job_id in started.items()],
        "copies": [{"name": n, "copy_job_id": t["copy"]["copy_job_id"], "region": t["copy"]["region"]}
                   for n, t in run["targets"].items() if as_dict(t.get("copy")).get("owned")],
    })  # fmt: skip
