# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validation of the restores AWS Backup restore testing makes: the restore jobs of a restore testing
plan that await a validation result, and putting that result (PutRestoreValidationResult).

AWS Backup developer guide, "Restore testing validation": "Once a validation status is set, it
cannot be changed." So a result is put only when the job has none: the same status already set is
no change, another one is refused with that reason before any PutRestoreValidationResult.
"Restore testing": once validation completes or the validation window closes, AWS Backup deletes
what the test restored; nothing here deletes or tags anything.

Plain functions over a boto3 client (made with the collection's retry policy, so calls pass
aws_retry=True), one per AWS call; boto3/botocore are imported only where AWS is called.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Optional

from ansible_collections.recovery.aws_backup.plugins.module_utils.backup_retry import backup_retry
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import BackupErrorHandler
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import InputError
from ansible_collections.recovery.aws_backup.plugins.module_utils.results import json_safe

# RestoreValidationStatus (botocore's backup model).
VALIDATION_STATUSES = ("SUCCESSFUL", "FAILED", "TIMED_OUT", "VALIDATING")
VALIDATION_GUIDE = "AWS Backup developer guide, Restore testing validation: \"Once a validation status is set, it cannot be changed.\""
# RestoreTestingPlanName (developer guide, "Create a restore testing plan"): letters, digits and
# underscores, at most 50 characters.
_PLAN_ARN_MARK = ":restore-testing-plan:"


# ---- input --------------------------------------------------------------------------------


def check_results(results: Any) -> list[dict[str, Any]]:
    """The results to put, each {name, restore_job_id, validation_status, validation_status_message};
    InputError naming the element and option, before any AWS call."""
    if not isinstance(results, list) or not results:
        raise InputError("results must be a non-empty list of {name, restore_job_id, validation_status, validation_status_message}")
    checked, names, job_ids = [], set(), set()
    for index, result in enumerate(results):
        label = f"results[{index}]"
        if not isinstance(result, dict):
            raise InputError(f"{label} must be a dict, got {result!r}")
        job_id = result.get("restore_job_id")
        if not isinstance(job_id, str) or not job_id.strip():
            raise InputError(f"{label}.restore_job_id must be a restore job id, got {job_id!r}")
        name = result.get("name") if result.get("name") not in (None, "") else job_id
        label = f"{label} ({name!r})"
        if job_id in job_ids:
            raise InputError(f"{label}.restore_job_id: results must not list restore job {job_id} twice (a status once set cannot be changed)")
        if name in names:
            raise InputError(f"{label}.name: results must not name a result twice")
        status = result.get("validation_status")
        if status not in VALIDATION_STATUSES:
            raise InputError(f"{label}.validation_status must be one of {', '.join(VALIDATION_STATUSES)}, got {status!r}")
        message = result.get("validation_status_message")
        if message is not None and not isinstance(message, str):
            raise InputError(f"{label}.validation_status_message must be a string, got {message!r}")
        names.add(name)
        job_ids.add(job_id)
        checked.append({"name": str(name), "restore_job_id": job_id.strip(), "validation_status": status, "validation_status_message": message})
    return checked


def check_plan(plan: Any) -> str:
    """A restore testing plan's name or ARN; InputError naming the option."""
    if not isinstance(plan, str) or not plan.strip():
        raise InputError("restore_testing_plan must be a restore testing plan's name or ARN")
    plan = plan.strip()
    if plan.startswith("arn:"):
        if _PLAN_ARN_MARK not in plan:
            raise InputError(f"restore_testing_plan {plan!r} is not a restore testing plan's ARN (arn:aws:backup:REGION:ACCOUNT:restore-testing-plan:NAME)")
        return plan
    if len(plan) > 50 or not all(c.isalnum() or c == "_" for c in plan):
        raise InputError(f"restore_testing_plan {plan!r}: a plan's name is 1 to 50 letters, digits and underscores")
    return plan


# ---- AWS calls ----------------------------------------------------------------------------


@BackupErrorHandler.common_error_handler("describe the restore job")
def describe_job(client: Any, restore_job_id: str) -> dict[str, Any]:
    job = client.describe_restore_job(RestoreJobId=restore_job_id, aws_retry=True)
    job.pop("ResponseMetadata", None)
    return job


def put_validation_result(client: Any, restore_job_id: str, status: str, message: Optional[str]) -> None:
    """PutRestoreValidationResult; botocore's ClientError propagates (the caller tells a status set
    meanwhile from another error)."""
    request = {"RestoreJobId": restore_job_id, "ValidationStatus": status}
    if message:
        request["ValidationStatusMessage"] = message
    client.put_restore_validation_result(aws_retry=True, **request)


@BackupErrorHandler.common_error_handler("get the restore testing plan")
def get_plan_arn(client: Any, name: str) -> str:
    return client.get_restore_testing_plan(RestoreTestingPlanName=name, aws_retry=True)["RestoreTestingPlan"]["RestoreTestingPlanArn"]


@backup_retry
def _pages(client: Any, operation: str, key: str, **params: Any) -> list[dict[str, Any]]:
    return client.get_paginator(operation).paginate(**params).build_full_result().get(key, [])


@BackupErrorHandler.list_error_handler("list the restore testing plans", [])
def list_plans(client: Any) -> list[dict[str, Any]]:
    return _pages(client, "list_restore_testing_plans", "RestoreTestingPlans")


@BackupErrorHandler.list_error_handler("list the restore testing selections", [])
def list_selections(client: Any, plan_name: str) -> list[dict[str, Any]]:
    return _pages(client, "list_restore_testing_selections", "RestoreTestingSelections", RestoreTestingPlanName=plan_name)


@BackupErrorHandler.list_error_handler("list the restore testing plan's restore jobs", [])
def list_plan_jobs(client: Any, plan_arn: str, completed_after: datetime) -> list[dict[str, Any]]:
    return _pages(
        client, "list_restore_jobs", "RestoreJobs", ByRestoreTestingPlanArn=plan_arn, ByStatus="COMPLETED", ByCompleteAfter=completed_after
    )


@BackupErrorHandler.common_error_handler("get the restore job's metadata")
def job_metadata(client: Any, restore_job_id: str) -> dict[str, str]:
    return client.get_restore_job_metadata(RestoreJobId=restore_job_id, aws_retry=True).get("Metadata") or {}


# ---- putting results ----------------------------------------------------------------------


def _already(job_id: str, current: str, wanted: str) -> str:
    return (
        f"restore job {job_id} already has the validation status {current}; AWS does not allow changing a validation status "
        f"once it is set ({VALIDATION_GUIDE}), so {wanted} was not put"
    )


def put_results(client: Any, results: list[dict[str, Any]], check_mode: bool = False) -> list[dict[str, Any]]:
    """Put each result whose job has no validation status yet. One result per element: name,
    restore_job_id, validation_status (what the job has afterwards), changed, failed, msg (when not
    put), restore_testing_plan_arn. A job failing does not stop the others."""
    from botocore.exceptions import ClientError

    answers = []
    for result in results:
        job_id, wanted = result["restore_job_id"], result["validation_status"]
        answer: dict[str, Any] = {"name": result["name"], "restore_job_id": job_id, "changed": False, "failed": False}
        job = describe_job(client, job_id)
        current = job.get("ValidationStatus")
        answer["restore_testing_plan_arn"] = (job.get("CreatedBy") or {}).get("RestoreTestingPlanArn")
        if current == wanted:
            answer.update(validation_status=current, validation_status_message=job.get("ValidationStatusMessage"))
        elif current:
            answer.update(validation_status=current, validation_status_message=job.get("ValidationStatusMessage"), failed=True,
                          msg=_already(job_id, current, wanted))  # fmt: skip
        elif check_mode:
            answer.update(validation_status=wanted, validation_status_message=result.get("validation_status_message"), changed=True)
        else:
            try:
                put_validation_result(client, job_id, wanted, result.get("validation_status_message"))
            except ClientError as e:
                # Another validator may have set a status meanwhile: say so rather than AWS's refusal.
                current = describe_job(client, job_id).get("ValidationStatus")
                if current and current != wanted:
                    answer.update(validation_status=current, failed=True, msg=_already(job_id, current, wanted))
                elif current != wanted:
                    raise BackupPutError(job_id, e) from e
                else:
                    answer.update(validation_status=current)
            else:
                answer.update(validation_status=wanted, validation_status_message=result.get("validation_status_message"), changed=True)
        answers.append(json_safe(answer))
    return answers


class BackupPutError(Exception):
    """PutRestoreValidationResult failed (not because a status was already set)."""

    def __init__(self, restore_job_id: str, error: Exception):
        super().__init__(f"Failed to put the validation result of restore job {restore_job_id}")
        self.error = error


# ---- the jobs awaiting validation ---------------------------------------------------------


def _aware(value: Any) -> Optional[datetime]:
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


def plan_arn_and_name(client: Any, plan: str) -> tuple[str, str]:
    """(ARN, name) of a restore testing plan given by either."""
    if not plan.startswith("arn:"):
        return get_plan_arn(client, plan), plan
    for listed in list_plans(client):
        if listed.get("RestoreTestingPlanArn") == plan:
            return plan, listed["RestoreTestingPlanName"]
    raise InputError(f"restore_testing_plan: no restore testing plan has the ARN {plan} in this account and Region")


def validation_windows(selections: list[dict[str, Any]]) -> dict[str, int]:
    """Hours of the validation window per protected resource type: the shortest of the plan's
    selections of that type, as a job does not say which selection started it."""
    windows: dict[str, int] = {}
    for selection in selections:
        resource_type, hours = selection.get("ProtectedResourceType"), selection.get("ValidationWindowHours")
        if resource_type and isinstance(hours, int):
            windows[resource_type] = min(hours, windows.get(resource_type, hours))
    return windows


def testing_jobs(client: Any, plan: str, now: Optional[datetime] = None, expected_of: Any = None) -> dict[str, Any]:
    """The plan's COMPLETED restore jobs within the longest validation window of its selections
    (ListRestoreJobs ByRestoreTestingPlanArn, ByStatus, ByCompleteAfter: one listing), each with
    whether it awaits validation: no ValidationStatus, no DeletionStatus and its window still open
    (CompletionDate + the selection's ValidationWindowHours). `expected_of(job, metadata)` gives what
    the built-in validation expects of an awaiting job's resource (GetRestoreJobMetadata per such job)."""
    now = now or datetime.now(timezone.utc)
    plan_arn, plan_name = plan_arn_and_name(client, plan)
    windows = validation_windows(list_selections(client, plan_name))
    longest = max(windows.values(), default=168)
    jobs = []
    for job in sorted(list_plan_jobs(client, plan_arn, now - timedelta(hours=longest)), key=lambda j: (str(j.get("CompletionDate")), j["RestoreJobId"])):
        completed = _aware(job.get("CompletionDate"))
        hours = windows.get(job.get("ResourceType") or "")
        ends = completed + timedelta(hours=hours) if completed is not None and hours is not None else None
        if job.get("ValidationStatus"):
            reason = f"validation status already {job['ValidationStatus']}"
        elif job.get("DeletionStatus"):
            reason = f"what it restored is being deleted or gone (DeletionStatus {job['DeletionStatus']})"
        elif ends is not None and now >= ends:
            reason = f"its validation window closed at {ends.isoformat()}"
        elif not job.get("CreatedResourceArn"):
            reason = "it names no created resource"
        else:
            reason = ""
        entry = {
            "name": job["RestoreJobId"], "restore_job_id": job["RestoreJobId"], "resource_type": job.get("ResourceType"),
            "created_resource_arn": job.get("CreatedResourceArn"), "recovery_point_arn": job.get("RecoveryPointArn"),
            "source_resource_arn": job.get("SourceResourceArn"), "backup_vault_arn": job.get("BackupVaultArn"),
            "recovery_point_creation_date": job.get("RecoveryPointCreationDate"),
            "creation_date": job.get("CreationDate"), "completion_date": completed, "status": job.get("Status"),
            "validation_status": job.get("ValidationStatus"), "deletion_status": job.get("DeletionStatus"),
            "validation_window_hours": hours, "validation_window_ends": ends,
            "awaiting_validation": not reason, "reason": reason,
        }  # fmt: skip
        if not reason and expected_of is not None:
            entry["expected"] = expected_of(job, job_metadata(client, job["RestoreJobId"]))
        jobs.append(json_safe(entry))
    return {"restore_testing_plan_arn": plan_arn, "restore_testing_plan_name": plan_name, "jobs": jobs}


# ---- the modules' flow --------------------------------------------------------------------


def result_params(params: dict[str, Any]) -> list[dict[str, Any]]:
    """The results a restore_validation_result task asks for: `results`, or the one result of its
    top-level options (restore_job_id, validation_status, validation_status_message)."""
    single = {k: params.get(k) for k in ("restore_job_id", "validation_status", "validation_status_message")}
    if params.get("results"):
        given = [k for k, v in single.items() if v is not None]
        if given:
            raise InputError(f"give results or {', '.join(given)}, not both")
        return check_results(params["results"])
    if params.get("restore_job_id") is None or params.get("validation_status") is None:
        raise InputError("give restore_job_id and validation_status, or results")
    job_id, status, message = single["restore_job_id"], single["validation_status"], single["validation_status_message"]
    if not isinstance(job_id, str) or not job_id.strip():
        raise InputError(f"restore_job_id must be a restore job id, got {job_id!r}")
    if status not in VALIDATION_STATUSES:
        raise InputError(f"validation_status must be one of {', '.join(VALIDATION_STATUSES)}, got {status!r}")
    if message is not None and not isinstance(message, str):
        raise InputError(f"validation_status_message must be a string, got {message!r}")
    return [{"name": job_id.strip(), "restore_job_id": job_id.strip(), "validation_status": status, "validation_status_message": message}]


def run_result_module(module: Any, client: Any) -> None:
    """restore_validation_result's main: fail_json/exit_json, never a traceback."""
    from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

    try:
        wanted = result_params(module.params)
    except InputError as e:
        module.fail_json(msg=str(e))
    try:
        answers = put_results(client, wanted, module.check_mode)
    except BackupPutError as e:
        module.fail_json_aws(e.error, msg=str(e))
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    result: dict[str, Any] = {"changed": any(a["changed"] for a in answers), "results": answers}
    if not module.params.get("results"):
        result.update({k: v for k, v in answers[0].items() if k not in ("name", "failed", "msg")})
    failed = [a for a in answers if a["failed"]]
    if failed:
        module.fail_json(msg="; ".join(a["msg"] for a in failed), **result)
    module.exit_json(**result)
