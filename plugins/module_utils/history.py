# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The restore history: one record per run (a drill, or any other run of the restore role that
tests a restore), appended, never rewritten.

A record is built from the role's record of the run (`restore_run`, run_record.fold) and holds:

    schema, run_id, mode, region, started, recorded, succeeded, error,
    ran_by {awx_job_id, awx_user_name, awx_job_template_name, controller_user, controller_host},
    collection {name, version},
    targets: [{name, resource_type, resource_arn, backup_vault_name, recovery_point_arn,
               recovery_point_created, recovery_point_age_seconds, rpo_seconds, rpo_met,
               restore_job_id, restore_job_status, restore_job_created, created_resource_arn,
               recovery_time_seconds, rto_seconds, rto_met, validation, validation_message,
               teardown, outcome, error, regional, source_region}]

A validation run's record (mode `validate`) also holds its restore_testing_plan (the plan's ARN),
and one target per restore job it validated or tried to validate, named by the restore job id,
with restore_testing_plan, validation (the verdict: SUCCESSFUL, FAILED or "not validated"), its
validation_message and validation_result_recorded (whether PutRestoreValidationResult took it);
its recovery time, RTO and RPO are empty and its teardown is "by AWS restore testing".

One record per run, holding its targets: a run is written once, at its end, as one file (or
object), so a record is either there whole or not at all. Its name, `restore-<run id>.json`, is
unique (the run id holds the start time and a random part): two runs at once write two files and
need no lock, and names sort by start time. A record is created exclusively (never replacing
anything of the same name), so what is in the history is never rewritten.

Pure functions over plain data, no AWS and no Ansible; nothing here names a resource type.
"""

from __future__ import annotations

import json
import os
import re
from datetime import datetime
from datetime import timezone
from typing import Any, Iterable, Optional

from ansible_collections.recovery.aws_backup.plugins.module_utils.files import write_atomically
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import MASK
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import mask_metadata
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import as_dict
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import parse_iso8601
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import plain

SCHEMA = "recovery.aws_backup/restore-history/1"
COLLECTION = "recovery.aws_backup"
RECORD_PREFIX = "restore-"
RECORD_SUFFIX = ".json"
# A run id as the role makes it (20261204T151000Z-1a2b3c4d); anything else is refused as a name.
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
# AWX's job variables (AWX's "Extra Variables" docs: awx_* and, for older releases, tower_*).
_AWX = {
    "awx_job_id": ("awx_job_id", "tower_job_id"),
    "awx_user_name": ("awx_user_name", "tower_user_name"),
    "awx_job_template_name": ("awx_job_template_name", "tower_job_template_name"),
    "awx_job_template_id": ("awx_job_template_id", "tower_job_template_id"),
}


class HistoryError(Exception):
    """A record that cannot be written, or a history entry that cannot be read."""


def iso(epoch: Any) -> Optional[str]:
    """An epoch (seconds) or ISO 8601 time as UTC ISO 8601 text with Z; None for none."""
    if epoch in (None, ""):
        return None
    if isinstance(epoch, (int, float)) and not isinstance(epoch, bool):
        moment = datetime.fromtimestamp(float(epoch), tz=timezone.utc)
    else:
        moment = parse_iso8601(epoch, "time").astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def ran_by(variables: Any, controller_user: str = "", controller_host: str = "") -> dict[str, Any]:
    """Who or what ran the run: AWX's job variables where present, and the controller's user and
    host (always: inside AWX they name the execution node's container)."""
    variables = as_dict(variables)
    who: dict[str, Any] = {}
    for key, names in _AWX.items():
        value = next((variables[n] for n in names if variables.get(n) not in (None, "")), None)
        who[key] = plain(value)
    who["controller_user"] = controller_user or ""
    who["controller_host"] = controller_host or ""
    return who


def _secret_strings(secret_values: Iterable[Any]) -> list[str]:
    found = []
    for value in secret_values or ():
        if isinstance(value, dict):
            found += _secret_strings(value.values())
        elif isinstance(value, (list, tuple)):
            found += _secret_strings(value)
        elif value not in (None, "") and not isinstance(value, bool):
            found.append(str(value))
    # Longest first, so a secret containing another is masked whole.
    return sorted({s for s in found if len(s) >= 3}, key=len, reverse=True)


def _mask(value: Any, secrets: list[str]) -> Any:
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, MASK)
        return value
    if isinstance(value, dict):
        return {k: _mask(v, secrets) for k, v in mask_metadata(value).items()}
    if isinstance(value, list):
        return [_mask(v, secrets) for v in value]
    return value


def _validation(verdict: Any) -> tuple[str, str]:
    """("passed" | "failed" | "not run" | ..., its message) from the record's verdict text."""
    text = str(verdict or "not run")
    head, _sep, message = text.partition(": ")
    return head, message


def _vault_name(arn: Any) -> str:
    # arn:aws:backup:REGION:ACCOUNT:backup-vault:NAME
    parts = arn.split(":") if isinstance(arn, str) else []
    return parts[6] if len(parts) > 6 and parts[5] == "backup-vault" else ""


def target_entry(target: dict[str, Any], reported: dict[str, Any]) -> dict[str, Any]:
    """One target of a record, from the run's target (plan, job, source, measures) and its entry
    in the run's report."""
    plan = as_dict(target.get("plan"))
    job = as_dict(target.get("job"))
    source = as_dict(target.get("source"))
    measures = as_dict(target.get("measures")) or as_dict(reported.get("measures"))
    validation, message = _validation(target.get("validation") or reported.get("validation"))
    error = str(target.get("error") or reported.get("error") or "")
    created_arn = target.get("created_resource_arn") or reported.get("created_resource_arn") or ""
    return {
        "name": plan.get("name") or reported.get("name"),
        "resource_type": plan.get("resource_type") or reported.get("resource_type"),
        # The backed-up resource: the restore job's SourceResourceArn, else the point's or the target's.
        "resource_arn": (job.get("source_resource_arn") or source.get("resource_arn") or plan.get("resource_arn")
                         or reported.get("source_resource_arn") or ""),
        "backup_vault_name": plan.get("backup_vault_name") or _vault_name(source.get("backup_vault_arn")) or "",
        "recovery_point_arn": job.get("recovery_point_arn") or reported.get("recovery_point_arn") or plan.get("recovery_point_arn") or "",
        "recovery_point_created": iso(job.get("recovery_point_creation_date") or source.get("creation_date")),
        "recovery_point_age_seconds": measures.get("recovery_point_age_seconds"),
        "rpo_seconds": plan.get("rpo_seconds"),
        "rpo_met": measures.get("rpo_met"),
        "restore_job_id": job.get("restore_job_id") or reported.get("restore_job_id") or "",
        "restore_job_status": reported.get("restore_job_status") or job.get("status") or ("FAILED" if error else "NOT STARTED"),
        "restore_job_created": iso(job.get("creation_date")),
        "created_resource_arn": created_arn,
        "usable_at": iso(target.get("usable_at")),
        "recovery_time_seconds": measures.get("recovery_time_seconds"),
        "rto_seconds": plan.get("rto_seconds"),
        "rto_met": measures.get("rto_met"),
        "validation": validation,
        "validation_message": message,
        "teardown": target.get("teardown") or reported.get("teardown") or ("kept" if created_arn else "nothing to delete"),
        # A test passed when its restore completed, what it made was usable and its validation
        # passed (and, when the run was told to fail on a missed objective, the objectives were
        # met): exactly when the run reported no error for the target.
        "outcome": "failed" if error else "passed",
        "error": error,
        "regional": bool(reported.get("regional")),
        "source_region": reported.get("source_region") or "",
    }  # fmt: skip


# What restored a restore test's resource is AWS Backup's to delete, once its validation result is
# in or its validation window has closed: a validation run never deletes anything.
TEARDOWN_BY_RESTORE_TESTING = "by AWS restore testing"


def _seconds_between(start: Any, end: Any) -> Optional[int]:
    if start in (None, "") or end in (None, ""):
        return None
    return int(round(parse_iso8601(end, "time").timestamp() - parse_iso8601(start, "time").timestamp()))


def validation_entry(target: dict[str, Any], restore_testing_plan: str) -> dict[str, Any]:
    """One target of a validation run's record: a restore job a restore testing plan started, from
    the run's target (validation_record.fold_validation: plan, job, verdict, result, error).

    The recovery point's age is the restore job's creation less the point's. The recovery time and
    the objectives stay empty: the job ran on AWS's schedule, long before it was validated, and a
    restore testing plan has no RTO or RPO. The outcome is passed only when the verdict was
    SUCCESSFUL and the run reported no error for the job (its result put)."""
    plan = as_dict(target.get("plan"))
    job = as_dict(target.get("job"))
    verdict = as_dict(target.get("verdict"))
    result = as_dict(target.get("result"))
    error = str(target.get("error") or "")
    status = verdict.get("validation_status") or ""
    if not status and not error:
        error = "not validated"
    return {
        "name": plan.get("name") or job.get("restore_job_id") or "",
        "resource_type": plan.get("resource_type") or job.get("resource_type") or "",
        "resource_arn": job.get("source_resource_arn") or "",
        "backup_vault_name": _vault_name(job.get("backup_vault_arn")),
        "recovery_point_arn": job.get("recovery_point_arn") or plan.get("recovery_point_arn") or "",
        "recovery_point_created": iso(job.get("recovery_point_creation_date")),
        "recovery_point_age_seconds": _seconds_between(job.get("recovery_point_creation_date"), job.get("creation_date")),
        "rpo_seconds": None,
        "rpo_met": None,
        "restore_job_id": job.get("restore_job_id") or plan.get("restore_job_id") or "",
        "restore_job_status": job.get("status") or "",
        "restore_job_created": iso(job.get("creation_date")),
        "created_resource_arn": target.get("created_resource_arn") or job.get("created_resource_arn") or "",
        "usable_at": iso(target.get("usable_at")),
        "recovery_time_seconds": None,
        "rto_seconds": None,
        "rto_met": None,
        "restore_testing_plan": restore_testing_plan,
        "validation": status or "not validated",
        "validation_message": verdict.get("validation_status_message") or "",
        "validation_result_recorded": bool(result.get("recorded")),
        "teardown": TEARDOWN_BY_RESTORE_TESTING,
        "outcome": "passed" if status == "SUCCESSFUL" and not error else "failed",
        "error": error,
        "regional": False,
        "source_region": "",
    }  # fmt: skip


def record(run: Any, who: Any, collection_version: str, now: Any, secret_values: Iterable[Any] = ()) -> dict[str, Any]:
    """The history record of a run: `run` the role's record (restore_run), `who` ran_by's,
    `now` when it is recorded (epoch or ISO). Values of `secret_values` (the targets' secret
    metadata) and of keys naming credentials are masked wherever they appear."""
    run = plain(as_dict(run))
    if not isinstance(run.get("targets"), dict) or not isinstance(run.get("order"), list) or not run.get("id"):
        raise HistoryError("run must be the restore role's record of a run (restore_run)")
    report = as_dict(run.get("report"))
    reported = {t.get("name"): t for t in report.get("targets") or [] if isinstance(t, dict)}
    validation = run.get("mode") == "validate"
    plan_name = str(run.get("restore_testing_plan_arn") or run.get("restore_testing_plan") or "")
    if validation:
        targets = [validation_entry(as_dict(run["targets"].get(name)), plan_name) for name in run["order"]]
    else:
        targets = [target_entry(as_dict(run["targets"].get(name)), as_dict(reported.get(name))) for name in run["order"]]
    error = str(run.get("error") or "")
    entry = {
        "schema": SCHEMA,
        "run_id": str(run["id"]),
        "mode": run.get("mode") or "",
        "region": run.get("region") or "",
        "started": iso(run.get("started") or None),
        "recorded": iso(now),
        "succeeded": not error and not any(t["outcome"] == "failed" for t in targets),
        "error": error,
        "ran_by": plain(as_dict(who)),
        "collection": {"name": COLLECTION, "version": collection_version or ""},
        "targets": targets,
    }
    if validation:
        entry["restore_testing_plan"] = plan_name
    return plain(_mask(entry, _secret_strings(secret_values)))


def record_name(entry: dict[str, Any]) -> str:
    """The record's file (or object) name: restore-<run id>.json."""
    run_id = str(as_dict(entry).get("run_id") or "")
    if not _SAFE_ID.match(run_id):
        raise HistoryError(f"run_id {run_id!r} cannot name a history record")
    return f"{RECORD_PREFIX}{run_id}{RECORD_SUFFIX}"


def object_key(prefix: Any, name: str) -> str:
    """The record's key under a bucket prefix ('' or 'drills' or 'drills/')."""
    prefix = str(prefix or "").strip("/")
    return f"{prefix}/{name}" if prefix else name


def dumps(entry: dict[str, Any]) -> str:
    return json.dumps(entry, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_record(directory: str, entry: dict[str, Any], directory_mode: int = 0o750, mode: int = 0o640) -> str:
    """Write the record into `directory`, atomically and exclusively: the data goes to a temporary
    file in the directory, is flushed to disk, then linked under its name, which fails rather than
    replace an existing file. Returns the path. HistoryError when it cannot be written."""
    name = record_name(entry)
    path = os.path.join(directory, name)
    data = dumps(entry).encode("utf-8")
    try:
        os.makedirs(directory, mode=directory_mode, exist_ok=True)
        write_atomically(path, data, mode, replace=False)
    except FileExistsError:
        raise HistoryError(f"the history already holds {path}; a record is never rewritten") from None
    except OSError as e:
        raise HistoryError(f"cannot write the history record {path}: {e.strerror or e}") from None
    return path


def parse_record(text: Any, where: str) -> dict[str, Any]:
    """A record from its text; HistoryError saying why it cannot be read."""
    try:
        entry = json.loads(text.decode("utf-8") if isinstance(text, bytes) else text)
    except (ValueError, UnicodeDecodeError) as e:
        raise HistoryError(f"{where}: not a JSON history record ({e})") from None
    if not isinstance(entry, dict) or entry.get("schema") != SCHEMA or not isinstance(entry.get("targets"), list):
        raise HistoryError(f"{where}: not a history record of schema {SCHEMA}")
    return entry


def is_record_name(name: str) -> bool:
    base = os.path.basename(name)
    return base.startswith(RECORD_PREFIX) and base.endswith(RECORD_SUFFIX)


def read_directory(directory: str) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """(records, unreadable) of a history directory: each restore-*.json file parsed; one that
    cannot be read is named in `unreadable` (path, error) and left as it is."""
    records: list[dict[str, Any]] = []
    unreadable: list[dict[str, str]] = []
    try:
        names = sorted(n for n in os.listdir(directory) if is_record_name(n))
    except FileNotFoundError:
        return records, unreadable
    except OSError as e:
        raise HistoryError(f"cannot list the history directory {directory}: {e.strerror or e}") from None
    for name in names:
        path = os.path.join(directory, name)
        try:
            with open(path, "rb") as handle:
                records.append(parse_record(handle.read(), path))
        except HistoryError as e:
            unreadable.append({"path": path, "error": str(e)})
        except OSError as e:
            unreadable.append({"path": path, "error": f"{path}: {e.strerror or e}"})
    return records, unreadable
