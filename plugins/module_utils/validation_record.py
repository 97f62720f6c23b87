# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The restore role's record of a validation run (restore_mode validate): the restores an AWS
Backup restore testing plan made that await validation, each checked as a drill checks its
targets, and the validation result put for each. run_record.py calls these; pure functions over
plain data, no AWS and no Ansible, nothing per resource type.

    id, mode, started, wait_timeout, restore_testing_plan, restore_testing_plan_arn, report_file
    order (the awaiting restore job ids), skipped (the plan's other recent jobs and why)
    targets: {job id: {plan, job, created_resource_arn, usable_at, facts, validation, verdict,
                       result, error}}
    failed, error, report, report_lines

Each awaiting job is one target named by its restore job id: `plan` holds what the built-in
validation expects (`expected`) and when its validation window closes, so the user's validation
tasks see the same restore_target / restore_result as in a drill.
"""

from __future__ import annotations

from typing import Any, Optional

from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import as_dict
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import as_list
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import by_name
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import parse_iso8601
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import plain

# Seconds kept between the end of the built-in checks' wait and the earliest validation window's
# close, for the user's tasks and the put.
PUT_MARGIN_SECONDS = 120


def new_validation_run(run: dict[str, Any], settings: dict[str, Any]) -> dict[str, Any]:
    """The record of a new validation run (no targets until the plan's jobs are found)."""
    return plain({**run, "restore_testing_plan": settings.get("restore_testing_plan") or "", "order": [], "targets": {}})


def _verdict(name: str, ready: Optional[dict[str, Any]], hook_failure: Optional[str], ran_hook: bool) -> Optional[tuple[str, str]]:
    """(ValidationStatus, message) for one job, or None while its checks have not run."""
    if ready is None:
        return None
    status = str(ready.get("status") or "")
    if status.startswith(("failed", "refused")) or status in ("not found", "nothing created"):
        return "FAILED", f"post-restore: {status}"
    validation = str(ready.get("validation") or "")
    if not validation:  # the checks did not run (check mode)
        return None
    if validation != "passed":
        return "FAILED", "built-in checks " + validation
    if hook_failure:
        return "FAILED", f"validation tasks failed: {hook_failure}"
    return "SUCCESSFUL", "built-in checks passed" + ("; validation tasks passed" if ran_hook else "")


def fold_validation(run: dict[str, Any], steps: dict[str, Any]) -> dict[str, Any]:
    """The validation record with the steps' results folded in: found (restored_resource_info with
    restore_testing_plan), ready (restored_resource), hook_failures, validated
    (restore_validation_result), error, now."""
    found = as_dict(steps.get("found"))
    jobs = [as_dict(j) for j in as_list(found.get("restore_testing_jobs"))]
    awaiting = [j for j in jobs if j.get("awaiting_validation")]
    run["restore_testing_plan_arn"] = found.get("restore_testing_plan_arn") or ""
    run["order"] = [str(j["name"]) for j in awaiting]
    run["skipped"] = [{"restore_job_id": j.get("restore_job_id"), "resource_type": j.get("resource_type"), "reason": j.get("reason")}
                      for j in jobs if not j.get("awaiting_validation")]  # fmt: skip
    ready = by_name(as_dict(steps.get("ready")).get("resources"))
    hooks = as_dict(steps.get("hook_failures"))
    ran_hook = bool(steps.get("ran_hook"))
    validated = by_name(as_dict(steps.get("validated")).get("results"))
    failed: dict[str, str] = {}
    targets = {}
    for job in awaiting:
        name = str(job["name"])
        resource = ready.get(name)
        verdict = _verdict(name, resource, hooks.get(name), ran_hook)
        put = validated.get(name) or {}
        error = ""
        if verdict is not None and verdict[0] == "FAILED":
            error = verdict[1]
        if put.get("failed"):
            error = f"{error}; " if error else ""
            error += f"result not recorded: {put.get('msg')}"
        if error:
            failed[name] = error
        targets[name] = {
            "plan": {
                "name": name, "resource_type": job.get("resource_type"), "restore_job_id": job.get("restore_job_id"),
                "recovery_point_arn": job.get("recovery_point_arn"), "expected": as_dict(job.get("expected")),
                "validation_window_ends": job.get("validation_window_ends"),
            },
            "job": {k: job.get(k) for k in ("restore_job_id", "status", "creation_date", "completion_date", "recovery_point_arn",
                                            "source_resource_arn", "resource_type", "created_resource_arn", "validation_status",
                                            "deletion_status", "backup_vault_arn", "recovery_point_creation_date")},
            "created_resource_arn": job.get("created_resource_arn") or "",
            "usable_at": as_dict(resource).get("usable_at"),
            "facts": as_dict(as_dict(resource).get("facts")),
            "validation": str(as_dict(resource).get("validation") or ("not run" if resource is None else "")) or "not run",
            "verdict": {"validation_status": verdict[0], "validation_status_message": verdict[1]} if verdict else None,
            "result": {"validation_status": put.get("validation_status"), "recorded": bool(put) and not put.get("failed"),
                       "changed": bool(put.get("changed"))} if put else None,
            "error": error,
        }  # fmt: skip
    run["targets"] = targets
    run["failed"] = failed
    run["error"] = str(steps.get("error") or "")
    run["ready_wait_timeout"] = ready_wait_timeout(run, awaiting, float(steps.get("now") or 0))
    run["report"] = validation_report(run)
    run["report_lines"] = validation_report_lines(run)
    return plain(run)


def ready_wait_timeout(run: dict[str, Any], awaiting: list[dict[str, Any]], now: float) -> int:
    """How long the built-in checks may wait: restore_wait_timeout, but never past the earliest
    validation window's close less PUT_MARGIN_SECONDS, so that results are put while AWS still takes
    them (then what has not become usable fails, and its FAILED result is put)."""
    timeout = float(run.get("wait_timeout") or 3600)
    for job in awaiting:
        if job.get("validation_window_ends") and now:
            left = parse_iso8601(job["validation_window_ends"], "validation_window_ends").timestamp() - now - PUT_MARGIN_SECONDS
            timeout = min(timeout, left)
    return max(int(timeout), 1)


def validation_requests(run: dict[str, Any], step: str) -> Any:
    """The options of the validation run's next module: `validate_ready` (restored_resource's
    resources: every awaiting job, nothing to create, its driver's expectations) or
    `validation_results` (restore_validation_result's results: each job whose checks ran)."""
    targets = run.get("targets") or {}
    if step == "validate_ready":
        return plain([{"name": n, "restore_job_id": targets[n]["plan"]["restore_job_id"], "settings": {}, "expected": targets[n]["plan"]["expected"]}
                      for n in run.get("order") or []])  # fmt: skip
    return plain([
        {"name": n, "restore_job_id": targets[n]["plan"]["restore_job_id"], **targets[n]["verdict"]}
        for n in run.get("order") or [] if targets[n].get("verdict")
    ])  # fmt: skip


def validation_report(run: dict[str, Any]) -> dict[str, Any]:
    """The report of a validation run: per job, the checks, the verdict and whether AWS recorded it."""
    targets = []
    for name in run["order"]:
        target = run["targets"][name]
        verdict, result = as_dict(target.get("verdict")), as_dict(target.get("result"))
        targets.append({
            "name": name, "restore_job_id": target["plan"]["restore_job_id"], "resource_type": target["plan"]["resource_type"],
            "recovery_point_arn": target["plan"]["recovery_point_arn"] or "", "created_resource_arn": target["created_resource_arn"],
            "completion_date": target["job"].get("completion_date"), "validation_window_ends": target["plan"]["validation_window_ends"],
            "validation": target["validation"], "validation_status": verdict.get("validation_status") or "",
            "validation_status_message": verdict.get("validation_status_message") or "",
            "recorded": bool(result.get("recorded")), "error": target["error"],
        })  # fmt: skip
    return plain({
        "run_id": run["id"], "mode": run["mode"], "restore_testing_plan": run["restore_testing_plan"],
        "restore_testing_plan_arn": run.get("restore_testing_plan_arn") or "",
        "succeeded": not run["error"] and not run["failed"], "error": run["error"], "targets": targets, "skipped": run.get("skipped") or [],
    })  # fmt: skip


def validation_report_lines(run: dict[str, Any]) -> list[str]:
    verdicts = [run["targets"][n].get("verdict") or {} for n in run["order"]]
    counts = {status: sum(1 for v in verdicts if v.get("validation_status") == status) for status in ("SUCCESSFUL", "FAILED")}
    outcome = "succeeded" if not run["error"] and not run["failed"] else "FAILED"
    lines = [
        f"Validation {run['id']} of restore testing plan {run['restore_testing_plan']}: {outcome}"
        + (f" - {run['error']}" if run["error"] else "")
        + f"; {len(run['order'])} restore job(s) awaited validation ({counts['SUCCESSFUL']} SUCCESSFUL, {counts['FAILED']} FAILED)"
        + (f"; report {run['report_file']} (and .json)" if run.get("report_file") else "")
    ]
    for name in run["order"]:
        target = run["targets"][name]
        verdict, result = as_dict(target.get("verdict")), as_dict(target.get("result"))
        if not verdict:
            state = "not validated"
        else:
            state = f"{verdict['validation_status']} {'recorded' if result.get('recorded') else 'NOT recorded'}"
        detail = f" - {target['error']}" if target["error"] else ""
        lines.append(f"{target['plan']['resource_type']} restore job {name} ({target['created_resource_arn']}): {state}{detail}")
    for skipped in run.get("skipped") or []:
        lines.append(f"{skipped.get('resource_type')} restore job {skipped.get('restore_job_id')}: not validated, {skipped.get('reason')}")
    return lines
