# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The flow of the backup_restore_job and backup_restore_jobs modules, kept out of the module
files so those stay their documentation and a short main. One restore:

1. check_input: everything that can be checked without AWS (fails before any call);
2. resolve_source: the recovery point (given, or the newest of resource_arn) and the base
   metadata of metadata_source;
3. final_metadata: base metadata with the user's metadata on top, converted and checked;
4. search_scope: the recovery point's resource, so the equal-job search lists only its restore
   jobs (known from resource_arn; otherwise from recovery_point_arn's DescribeRecoveryPoint, in
   backup_vault_name or in the vault found to hold it);
5. ensure_restore_job (restore_job.py).

Steps 2 to 5 are start_restore, which both modules call: run_module (one restore, then the
wait and marking for run_id) and run_restores_module (several restores in one process, each
checked before any of them starts; one's AWS failure does not stop the others).
"""

from __future__ import annotations

import json
import traceback
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:  # handled by AnsibleAWSModule, which reports missing botocore itself
    BotoCoreError = ClientError = Exception  # type: ignore[misc,assignment]

from ansible.module_utils.common.text.converters import to_native
from ansible.module_utils.common.validation import check_mutually_exclusive
from ansible.module_utils.common.validation import check_required_one_of
from ansible.module_utils.common.validation import check_type_dict

from ansible_collections.amazon.aws.plugins.module_utils.arn import parse_aws_arn
from ansible_collections.amazon.aws.plugins.module_utils.arn import validate_aws_arn
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.recovery.aws_backup.plugins.module_utils.arns import recovery_point_arn_error
from ansible_collections.recovery.aws_backup.plugins.module_utils.arns import region_of_arn
from ansible_collections.recovery.aws_backup.plugins.module_utils.arns import resource_arn_error
from ansible_collections.recovery.aws_backup.plugins.module_utils.arns import resource_type_of_arn
from ansible_collections.recovery.aws_backup.plugins.module_utils.backup_retry import backup_retry
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers import driver_for
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import InputError
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import check_structured_values
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import find_key
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import mask_metadata
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import normalise_resource_type
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import sensitive_values
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import to_aws_metadata
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import validate_metadata
from ansible_collections.recovery.aws_backup.plugins.module_utils.recovery_point import RecoveryPointNotFoundError
from ansible_collections.recovery.aws_backup.plugins.module_utils.recovery_point import check_backup_vault_name
from ansible_collections.recovery.aws_backup.plugins.module_utils.recovery_point import denied_permission
from ansible_collections.recovery.aws_backup.plugins.module_utils.recovery_point import describe_given_point
from ansible_collections.recovery.aws_backup.plugins.module_utils.recovery_point import find_recovery_point_vault
from ansible_collections.recovery.aws_backup.plugins.module_utils.recovery_point import lacking_permission
from ansible_collections.recovery.aws_backup.plugins.module_utils.recovery_point import missing_vault_message
from ansible_collections.recovery.aws_backup.plugins.module_utils.recovery_point import drop_unsupported_metadata_keys
from ansible_collections.recovery.aws_backup.plugins.module_utils.recovery_point import fetch_base_metadata
from ansible_collections.recovery.aws_backup.plugins.module_utils.results import snake_job
from ansible_collections.recovery.aws_backup.plugins.module_utils.job_wait import WAIT_CLIENT_CONFIG
from ansible_collections.recovery.aws_backup.plugins.module_utils.recovery_point import parse_time
from ansible_collections.recovery.aws_backup.plugins.module_utils.recovery_point import recovery_point_result
from ansible_collections.recovery.aws_backup.plugins.module_utils.recovery_point import resolve_restore_source
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_job import Outcome
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_job import RestoreJobAWSError
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_job import RestoreJobEndedError
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_job import RestoreJobTimeoutError
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_job import SearchScope
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_job import build_request
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_job import ensure_restore_job
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_job import random_idempotency_token
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_job import wait_for_restore_job
from ansible_collections.recovery.aws_backup.plugins.module_utils.restored_resource import in_place_restore
from ansible_collections.recovery.aws_backup.plugins.module_utils.restored_resource import mark_resource
from ansible_collections.recovery.aws_backup.plugins.module_utils.restored_resource import mark_tags
from ansible_collections.recovery.aws_backup.plugins.module_utils.restored_resource import resource_exists

# The options of one restore: backup_restore_job's at its top level, and those of each element of
# backup_restore_jobs' `restores`, so both take them with the same names, types and defaults.
# backup_restore_job's own are iam_role_arn, run_id, wait and wait_timeout.
RESTORE_OPTIONS: dict[str, dict[str, Any]] = dict(
    secret_metadata=dict(type="dict", no_log=True),
    recovery_point_arn=dict(type="str"),
    resource_arn=dict(type="str"),
    backup_vault_name=dict(type="str"),
    backup_vault_account_id=dict(type="str"),
    latest_before=dict(type="str"),
    metadata_source=dict(type="str", choices=["none", "recovery_point", "inferred"], default="none"),
    metadata=dict(type="dict"),
    resource_type=dict(type="str"),
    copy_source_tags_to_restored_resource=dict(type="bool"),
    idempotency_token=dict(type="str", no_log=False),
    force=dict(type="bool", default=False),
)
# How those options combine, for one restore.
RESTORE_MUTUALLY_EXCLUSIVE = [("recovery_point_arn", "resource_arn"), ("recovery_point_arn", "latest_before")]
RESTORE_REQUIRED_ONE_OF = [("recovery_point_arn", "resource_arn")]


def restore_options() -> dict[str, dict[str, Any]]:
    """RESTORE_OPTIONS, a copy for one argument spec."""
    return {name: dict(spec) for name, spec in RESTORE_OPTIONS.items()}


# The client the wait loop polls with makes few attempts of its own and gives up on a dead
# connection quickly: the loop retries until wait_timeout, so botocore's own retries and its
# 60 s default timeouts would only stretch the deadline.
@dataclass
class CheckedInput:
    recovery_point_arn: str | None
    user_metadata: dict[str, str]  # metadata and secret_metadata, as AWS takes them
    resource_type: str | None  # AWS's spelling
    warnings: list[str]
    raw_metadata: dict[str, Any] = field(default_factory=dict)  # as given, for checks that need the YAML types
    notes: list[str] = field(default_factory=list)


@dataclass
class Source:
    recovery_point_arn: str
    base_metadata: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # The recovery point found for resource_arn (raw API dict), to say which one was restored.
    recovery_point: dict[str, Any] | None = None
    resource_type: str | None = None
    # DescribeRecoveryPoint of recovery_point_arn, when it could be read: the equal-job search's scope.
    described: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)


def is_well_formed_arn(value: str) -> bool:
    details = parse_aws_arn(value) if isinstance(value, str) else None
    # parse_aws_arn searches (not matches): insist the whole value is the ARN.
    return bool(
        details
        and value.startswith("arn:")
        and not any(c.isspace() for c in value)
        and details.get("service")
        and details.get("resource")
    )


def is_iam_role_arn(value: str) -> bool:
    return is_well_formed_arn(value) and validate_aws_arn(value, service="iam", resource_type="role")


def check_iam_role_arn(iam_role_arn: str | None) -> None:
    if iam_role_arn is not None and not is_iam_role_arn(iam_role_arn):
        raise InputError(
            f"iam_role_arn must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME), got {iam_role_arn!r}"
        )


def check_input(params: dict[str, Any]) -> CheckedInput:
    """Raises InputError naming the option; no AWS call."""
    recovery_point_arn = params.get("recovery_point_arn")
    for error in (
        recovery_point_arn_error(recovery_point_arn) if recovery_point_arn is not None else None,
        resource_arn_error(params["resource_arn"], "resource_arn") if params.get("resource_arn") is not None else None,
    ):
        if error:
            raise InputError(error)
    check_backup_vault_name(params.get("backup_vault_name"))
    # ListBackupVaults, which finds the vault of a recovery_point_arn given alone, lists the
    # task's own account's vaults only.
    if params.get("backup_vault_account_id") and not params.get("backup_vault_name"):
        raise InputError("backup_vault_account_id requires backup_vault_name: only the task's own account's vaults can be searched")
    check_iam_role_arn(params.get("iam_role_arn"))
    wait_timeout = params.get("wait_timeout")
    if wait_timeout is not None and wait_timeout <= 0:
        raise InputError(f"wait_timeout must be a positive number of seconds, got {wait_timeout}")
    run_id = params.get("run_id")
    if run_id is not None and (not run_id.strip() or not params.get("wait")):
        raise InputError("run_id must be a non-empty run name, and needs wait=true: the resource is marked once the job has created it")
    token = params.get("idempotency_token")
    if token is not None and not token.strip():
        raise InputError("idempotency_token must not be empty; leave it out to get a token derived from the request")
    resource_type, resource_type_note = normalise_resource_type(params.get("resource_type"))
    if params.get("latest_before") is not None:
        parse_time(params["latest_before"], "latest_before")
    raw_metadata = dict(params.get("metadata") or {})
    user_metadata = to_aws_metadata(raw_metadata)
    try:
        secret_metadata = to_aws_metadata(params.get("secret_metadata"))
    except InputError as e:
        # Named as the option it came from; its values are never part of the message.
        raise InputError(f"secret_{e}") from None
    for key, value in secret_metadata.items():
        if find_key(user_metadata, key) is not None:
            raise InputError(f"secret_metadata.{key} is also in metadata; give each key once")
        user_metadata[key] = value
    for key, value in (params.get("secret_metadata") or {}).items():
        raw_metadata[key] = value
    # The type is known before any call when given, or when the resource's ARN names it (else
    # once the recovery point is read, before StartRestoreJob: start_restore).
    check_copied_tags(params, resource_type or resource_type_of_arn(params.get("resource_arn")))
    notes = [resource_type_note] if resource_type_note else []
    return CheckedInput(recovery_point_arn, user_metadata, resource_type, [], raw_metadata, notes)


def check_copied_tags(params: dict[str, Any], resource_type: str | None) -> None:
    """Refuse copy_source_tags_to_restored_resource=true for a type whose restore job then fails
    (Driver.refuses_copied_tags)."""
    driver = driver_for(resource_type)
    if params.get("copy_source_tags_to_restored_resource") and driver is not None and driver.refuses_copied_tags:
        raise InputError(
            f"copy_source_tags_to_restored_resource cannot be true for {driver.resource_type}: AWS Backup fails the restore "
            "job of this type when it is set (developer guide, \"Restore a backup\"); tag the restored resource afterwards"
        )


def region_error(recovery_point_arn: str | None, region: str | None) -> str | None:
    """Why recovery_point_arn cannot be restored in the task's Region: a recovery point is
    restored in its own Region (StartRestoreJob reads it there; another Region answers as if the
    vault did not exist). Every recovery point ARN names its Region (arns.py's forms)."""
    if recovery_point_arn is None or not region:
        return None
    point_region = region_of_arn(recovery_point_arn)
    if point_region is None:
        return f"recovery_point_arn {recovery_point_arn} names no Region, so it cannot be told apart from another Region's"
    if point_region == region:
        return None
    return (
        f"recovery_point_arn is a recovery point of Region {point_region}, but this task runs in Region {region}: "
        f"AWS Backup restores a recovery point in its own Region only. Set region: {point_region}, or copy the "
        f"point into {region} first (recovery.aws_backup.backup_copy_job) and restore the copy"
    )


def resolve_source(params: dict[str, Any], checked: CheckedInput, client: Any, region: str | None = None) -> Source:
    """The recovery point to restore and the metadata to start from.

    The point is ``recovery_point_arn`` (first compared with the task's ``region``; read in
    backup_vault_name, or in the vault that holds it when none is given), or the newest
    COMPLETED one of ``resource_arn`` (in ``backup_vault_name``, created before
    ``latest_before``). The base metadata comes from ``metadata_source``; keys of it that
    StartRestoreJob does not take for the resource type are dropped with a note. The user's own
    keys are never dropped.
    """
    problem = region_error(checked.recovery_point_arn, region)
    if problem:
        raise InputError(problem)
    vault = params.get("backup_vault_name")
    account = params.get("backup_vault_account_id")
    notes = list(checked.notes)
    warnings: list[str] = []
    described = None
    try:
        point = resolve_restore_source(
            client,
            recovery_point_arn=checked.recovery_point_arn,
            resource_arn=params.get("resource_arn"),
            backup_vault_name=vault,
            latest_before=params.get("latest_before"),
            backup_vault_account_id=account,
            resource_type=checked.resource_type,
        )
        if checked.recovery_point_arn is not None:
            if vault:
                described, warnings = describe_given_point(client, checked.recovery_point_arn, vault, account, region or "")
            else:
                described, found_notes = find_recovery_point_vault(client, checked.recovery_point_arn, region or "")
                notes.extend(found_notes)
                point = dict(point, BackupVaultName=described["BackupVaultName"])
        base = fetch_base_metadata(
            client,
            params.get("metadata_source") or "none",
            point["RecoveryPointArn"],
            point.get("BackupVaultName"),
            account,
        )
    except RecoveryPointNotFoundError as e:
        raise InputError(str(e)) from None
    except (BotoCoreError, ClientError) as e:
        missing = missing_vault_message(client, vault, account, region or "") if vault and denied_permission(e) else None
        if missing:
            raise InputError(missing) from None
        raise RestoreJobAWSError("finding the recovery point and its restore metadata", e) from e
    resource_type = checked.resource_type or point.get("ResourceType") or (described or {}).get("ResourceType")
    kept, dropped = drop_unsupported_metadata_keys(resource_type, base)
    found = point if params.get("resource_arn") else None
    return Source(point["RecoveryPointArn"], kept, notes + dropped, found, resource_type, described, warnings)


def search_scope(source: Source) -> SearchScope | None:
    """Where the equal-job search looks: the recovery point's resource. The point chosen for
    resource_arn names its ResourceArn and CreationDate; recovery_point_arn's DescribeRecoveryPoint
    gives them. Without either (DescribeRecoveryPoint refused: StartRestoreJob does not need it,
    so that does not fail the task), None: every restore job of the account is listed."""
    point = source.recovery_point or source.described
    if not point or point.get("RecoveryPointArn") != source.recovery_point_arn or not point.get("ResourceArn"):
        return None
    created = point.get("CreationDate")
    return SearchScope(point["ResourceArn"], created if isinstance(created, datetime) else None)


def final_metadata(source: Source, checked: CheckedInput) -> dict[str, str]:
    """Base metadata with the user's on top (keys matched case-insensitively), checked. The
    type's driver sets back in the base what only the user may choose (Driver.source_metadata)."""
    resource_type = source.resource_type or checked.resource_type
    driver = driver_for(resource_type)
    merged = driver.source_metadata(source.base_metadata, checked.user_metadata) if driver else dict(source.base_metadata)
    for key, value in checked.user_metadata.items():
        existing = find_key(merged, key)
        if existing is not None:
            base_value = merged.pop(existing)
            value = driver.merged_value(key, base_value, value) if driver else value
        merged[key] = value
    if not merged:
        raise InputError(
            "metadata is required: StartRestoreJob needs the restore metadata (e.g. file-system-id for EFS); "
            "give metadata, or metadata_source to start from the recovery point's"
        )
    check_structured_values(checked.raw_metadata, resource_type, driver.structured_keys if driver else frozenset())
    return validate_metadata(merged, driver)


def completed_metadata(metadata: dict[str, str], resource_type: str | None, seed: str) -> dict[str, str]:
    """What the type's driver adds that AWS needs and nobody gave (Driver.complete_metadata),
    derived from `seed`."""
    driver = driver_for(resource_type)
    return driver.complete_metadata(metadata, seed) if driver else metadata


def masked_request(request: dict[str, Any]) -> dict[str, Any]:
    shown = {
        "recovery_point_arn": request["RecoveryPointArn"],
        "metadata": mask_metadata(request["Metadata"]),
    }
    for aws_name, name in (
        ("ResourceType", "resource_type"),
        ("IamRoleArn", "iam_role_arn"),
        ("CopySourceTagsToRestoredResource", "copy_source_tags_to_restored_resource"),
        ("IdempotencyToken", "idempotency_token"),
    ):
        if aws_name in request:
            shown[name] = request[aws_name]
    return shown


def derivation_seed(request: dict[str, Any]) -> str:
    """What metadata a driver derives (Driver.complete_metadata, such as a new file system's
    CreationToken) is made from: the request as the equal-job search sees it (re-runs and
    concurrent runs agree), or its own IdempotencyToken when one is set (force: each forced restore
    gets its own resource)."""
    if "IdempotencyToken" in request:
        return request["IdempotencyToken"]
    # Keys as AWS reads them (case-insensitively), so spellings do not make another resource.
    metadata = sorted((key.lower(), value) for key, value in request["Metadata"].items())
    return json.dumps([request["RecoveryPointArn"], request.get("ResourceType"), metadata], sort_keys=True)


def module_secrets(params: dict[str, Any]) -> set[str]:
    """The secret values in the module's parameters as given, before argument validation: the
    credential-named keys of `metadata` and everything in `secret_metadata`."""
    found: set[str] = set()
    for name in ("metadata", "secret_metadata"):
        value = params.get(name)
        if isinstance(value, str):
            try:
                value = check_type_dict(value)
            except (TypeError, ValueError):
                continue
        if not isinstance(value, dict):
            continue
        found.update(sensitive_values(value) if name == "metadata" else sensitive_values({"secret": value}))
    return found


class Clients:
    """The AWS clients of one module run: one per service, however many restores it makes.
    `clients.backup` has the collection's AWS Backup retry policy; `clients(service)` (the
    `client_for` of restored_resource.py) gives the others, with AWSRetry."""

    def __init__(self, module: Any):
        self._module = module
        self._backup: Any = None
        self._others: dict[str, Any] = {}

    @property
    def backup(self) -> Any:
        if self._backup is None:
            self._backup = self._module.client("backup", retry_decorator=backup_retry)
        return self._backup

    @property
    def region(self) -> str | None:
        """The task's Region, as the clients use it (no AWS call)."""
        return self.backup.meta.region_name

    def __call__(self, service: str) -> Any:
        if service not in self._others:
            self._others[service] = self._module.client(service, retry_decorator=AWSRetry.jittered_backoff())
        return self._others[service]


@dataclass
class StartedRestore:
    """One restore's outcome before any wait: the job started, or the equal job found."""

    outcome: Outcome
    metadata: dict[str, str]  # as sent, unmasked: never shown (mask_metadata)
    notes: list[str]
    recovery_point: dict[str, Any] | None  # the point chosen for resource_arn

    def result(self) -> dict[str, Any]:
        """changed, restore_metadata, restore_request, restore_job, and notes and recovery_point
        when there are any; secrets masked."""
        result: dict[str, Any] = {
            "changed": self.outcome.changed,
            "restore_metadata": mask_metadata(self.metadata),
            "restore_request": masked_request(self.outcome.request),
            "restore_job": snake_job(self.outcome.restore_job),
        }
        if self.notes:
            result["notes"] = list(self.notes)
        if self.recovery_point is not None:
            result["recovery_point"] = recovery_point_result(self.recovery_point)
        return result

    def diff(self) -> dict[str, Any]:
        """Before: the equal job found (nothing when none); after: the request sent, or the job as
        it was when none was sent."""
        before: dict[str, Any] = {}
        if self.outcome.existing is not None:
            before = {"restore_job": snake_job(self.outcome.existing), "restore_metadata": mask_metadata(self.metadata)}
        after = {"restore_request": masked_request(self.outcome.request)} if self.outcome.changed else before
        return {"before": before, "after": after}


def start_restore(
    params: dict[str, Any],
    checked: CheckedInput,
    clients: Clients,
    check_mode: bool,
    warn: Callable[[str], None],
    hide: Callable[[set[str]], None],
    describe_started: bool = True,
) -> StartedRestore:
    """One restore, from a checked input to the job started or the equal one found: the source,
    the final metadata, what the type's driver derives, the idempotency token, the equal-job search (and
    spent jobs, whose resource is gone), StartRestoreJob and DescribeRestoreJob. `hide` gets the
    secret values of the final metadata (no_log values) before anything can show them; `warn`
    gets warnings as they arise, so they reach the result even when a later step fails.
    Raises InputError or RestoreJobAWSError."""
    source = resolve_source(params, checked, clients.backup, clients.region)
    # The type may be known only now, from the recovery point.
    check_copied_tags(params, source.resource_type)
    for warning in source.warnings:
        warn(warning)
    metadata = final_metadata(source, checked)
    token = params.get("idempotency_token")
    if params["force"] and token is None:
        token = random_idempotency_token()
    request = build_request(
        source.recovery_point_arn,
        metadata,
        resource_type=source.resource_type,
        iam_role_arn=params.get("iam_role_arn"),
        copy_source_tags_to_restored_resource=params.get("copy_source_tags_to_restored_resource"),
        idempotency_token=token,
    )
    request["Metadata"] = completed_metadata(metadata, source.resource_type, derivation_seed(request))
    metadata = request["Metadata"]
    hide(sensitive_values(metadata))

    def still_exists(arn: str) -> bool | None:
        return resource_exists(clients, arn)

    scope = None if params["force"] else search_scope(source)  # forced restores look for no equal job
    outcome = ensure_restore_job(
        clients.backup, request, force=params["force"], check_mode=check_mode, resource_exists=still_exists, scope=scope,
        describe_started=describe_started,
    )
    for warning in outcome.warnings:
        warn(warning)
    return StartedRestore(outcome, metadata, source.notes + outcome.notes, source.recovery_point)


def run_module(module: Any) -> None:
    """backup_restore_job's main: fail_json/exit_json, never a traceback."""
    params = module.params
    # Registered before argument validation by secret_params; again here for values that only
    # came into shape through validation.
    module.no_log_values.update(module_secrets(params))
    try:
        checked = check_input(params)
        clients = Clients(module)
        check_offline(params, checked, clients.region)
        started = start_restore(
            params, checked, clients, module.check_mode, module.warn, module.no_log_values.update,
            describe_started=not params["wait"],
        )
        result = started.result()
        if module._diff:
            result["diff"] = started.diff()
        # Check mode reports the equal job as it is now, without waiting for it.
        restore_job = started.outcome.restore_job
        if params["wait"] and not module.check_mode and restore_job is not None:
            # Imported here: botocore.config is slow to load, and the role's plan (a filter loaded
            # afresh for every task) shares this file.
            from botocore.config import Config

            wait_client = module.client("backup", config=Config(**WAIT_CLIENT_CONFIG))
            try:
                job = wait_for_restore_job(wait_client, restore_job, params["wait_timeout"])
            except (RestoreJobEndedError, RestoreJobTimeoutError) as e:
                result["restore_job"] = snake_job(e.restore_job)
                module.fail_json(msg=str(e), **result)
            result["restore_job"] = snake_job(job)
            if params.get("run_id") and job.get("CreatedResourceArn") and not module.check_mode:
                result["changed"] = mark_created_resource(clients, job, params["run_id"], result, module.warn) or result["changed"]
        module.exit_json(**result)
    except InputError as e:
        module.fail_json(msg=str(e))
    except RestoreJobAWSError as e:
        module.fail_json_aws(e.error, msg=aws_failure(e))
    except Exception as e:  # noqa: BLE001 - a message, never a traceback, reaches the user
        module.fail_json(msg=f"Unexpected error ({type(e).__name__}): {e}", exception=traceback.format_exc())


# ---- several restores in one module run (backup_restore_jobs) -------------------------------


def restores_secrets(params: dict[str, Any]) -> set[str]:
    """module_secrets of every element of `restores`, as given (before argument validation):
    elements may still be text (key=value or JSON), and so may `restores` itself."""
    restores = params.get("restores")
    if isinstance(restores, str):
        try:
            restores = json.loads(restores)
        except ValueError:
            restores = restores.split(",")  # what argument validation makes of other text
    if not isinstance(restores, list):
        return set()
    found: set[str] = set()
    for element in restores:
        if isinstance(element, str):
            try:
                element = check_type_dict(element)
            except (TypeError, ValueError):
                continue
        if isinstance(element, dict):
            found.update(module_secrets(element))
    return found


class _AWSNeeded(Exception):
    """A check reached an AWS call: what is left of it needs AWS."""


class _NoAWS:
    """A client whose first call ends a check made before any AWS call."""

    def __getattr__(self, name: str) -> Any:
        raise _AWSNeeded(name)


def check_offline(params: dict[str, Any], checked: CheckedInput, region: str | None = None) -> None:
    """The checks of resolve_source and final_metadata that need no AWS call: the recovery
    point's Region against the task's, the options resolve_restore_source validates, and, with
    recovery_point_arn and metadata_source none, the final metadata (its type's required keys, ...).
    What is left is checked when the restore runs, as backup_restore_job checks it. Raises
    InputError."""
    problem = region_error(checked.recovery_point_arn, region)
    if problem:
        raise InputError(problem)
    try:
        resolve_restore_source(
            _NoAWS(),
            recovery_point_arn=checked.recovery_point_arn,
            resource_arn=params.get("resource_arn"),
            backup_vault_name=params.get("backup_vault_name"),
            latest_before=params.get("latest_before"),
            backup_vault_account_id=params.get("backup_vault_account_id"),
            resource_type=checked.resource_type,
        )
    except _AWSNeeded:
        return
    if checked.recovery_point_arn is not None and (params.get("metadata_source") or "none") == "none":
        fetch_base_metadata(_NoAWS(), "none", checked.recovery_point_arn, None)
        final_metadata(Source(checked.recovery_point_arn, resource_type=checked.resource_type), checked)


def check_restore_options(options: dict[str, Any]) -> list[str]:
    """The problems of one restore's options (backup_restore_job's, or one element of
    backup_restore_jobs' `restores` without its name), each as the modules say it; [] when none.
    No AWS call. `region` (the task's Region) and `iam_role_arn`, when in `options`, are checked
    too. Options left out take the modules' defaults; an option given as None is not given."""
    given = {key: value for key, value in options.items() if value is not None}
    params = {name: spec.get("default") for name, spec in RESTORE_OPTIONS.items()}
    params.update(given)
    problems: list[str] = []
    unknown = sorted(set(given) - set(RESTORE_OPTIONS) - {"region", "iam_role_arn"})
    if unknown:
        problems.append(f"unsupported option(s) {', '.join(unknown)}; the options of a restore are {', '.join(sorted(RESTORE_OPTIONS))}")
    try:
        check_mutually_exclusive(RESTORE_MUTUALLY_EXCLUSIVE, given)
        check_required_one_of(RESTORE_REQUIRED_ONE_OF, given)
        checked = check_input(params)
        check_offline(params, checked, params.get("region"))
    except (TypeError, InputError) as e:  # TypeError: the messages of Ansible's own checks
        problems.append(str(e))
    return problems


@dataclass
class PlannedRestore:
    """An element of `restores`, checked."""

    label: str  # restores[INDEX] (NAME), how messages name it
    name: str
    params: dict[str, Any]  # its options, with the module's iam_role_arn
    checked: CheckedInput


def check_restores(params: dict[str, Any], region: str | None = None) -> list[PlannedRestore]:
    """Every element of `restores` checked as backup_restore_job checks its options (check_input,
    its mutually exclusive and required options, what check_offline can tell), and names unique.
    No AWS call. Raises InputError listing every problem, each naming the element and option, so
    one run shows all of them and nothing starts while any element is wrong."""
    problems: list[str] = []
    try:
        check_iam_role_arn(params.get("iam_role_arn"))
    except InputError as e:
        problems.append(str(e))
    planned: list[PlannedRestore] = []
    index_of: dict[str, int] = {}
    for index, element in enumerate(params["restores"]):
        name = element["name"]
        label = f"restores[{index}] ({name})"
        if not name.strip():
            problems.append(f"{label}: name must not be empty")
        elif name in index_of:
            problems.append(f"{label}: name {name!r} is also the name of restores[{index_of[name]}]; give each restore its own")
        else:
            index_of[name] = index
        # An option given as null is not given (a list of dicts cannot `omit` an option).
        given = {key: value for key, value in element.items() if value is not None}
        restore_params = {**element, "iam_role_arn": params.get("iam_role_arn")}
        try:
            check_mutually_exclusive(RESTORE_MUTUALLY_EXCLUSIVE, given)
            check_required_one_of(RESTORE_REQUIRED_ONE_OF, given)
            checked = check_input({**element, "iam_role_arn": None})  # iam_role_arn is checked once, above
            check_offline(restore_params, checked, region)
        except (TypeError, InputError) as e:  # TypeError: the messages of Ansible's own checks
            problems.append(f"{label}: {e}")
            continue
        planned.append(PlannedRestore(label, name, restore_params, checked))
    if problems:
        raise InputError(f"nothing was started, because of {len(problems)} problem(s): " + "; ".join(problems))
    return planned


def aws_failure(e: RestoreJobAWSError, prefix: str = "backup") -> str:
    """"Failed <action>", and, when AWS answered AccessDenied, the IAM permission the call needed."""
    return f"Failed {e.action}{lacking_permission(e.error, prefix)}"


def aws_error_message(e: RestoreJobAWSError) -> str:
    """What fail_json_aws would say of it."""
    return f"{aws_failure(e)}: {to_native(getattr(e.error, 'message', e.error))}"


def run_restores_module(module: Any) -> None:
    """backup_restore_jobs' main: every element of `restores` checked before any AWS call, then
    each restore started (or its equal job found) with start_restore, as backup_restore_job
    with wait=false does, over one client per service. A restore that fails does not stop the
    others; the module then fails naming each failed one, and still returns every restore's entry
    (the jobs that started among them)."""
    params = module.params
    module.no_log_values.update(restores_secrets(params))
    try:
        # Imported here: it loads boto3, which the role's plan (a filter sharing this file) never needs.
        from ansible_collections.amazon.aws.plugins.module_utils.botocore import get_aws_region

        planned = check_restores(params, get_aws_region(module))
    except InputError as e:
        # No restore_jobs: none was started, and a play that registers the task with
        # `failed_when: false` tells this failure from restores that failed by its absence.
        module.fail_json(msg=str(e))
    clients = Clients(module)
    entries: list[dict[str, Any]] = []
    diffs: list[dict[str, Any]] = []
    failures: list[str] = []
    tracebacks: list[str] = []
    for restore in planned:

        def warn(warning: str, label: str = restore.label) -> None:
            module.warn(f"{label}: {warning}")

        for warning in restore.checked.warnings:
            warn(warning)
        try:
            started = start_restore(restore.params, restore.checked, clients, module.check_mode, warn, module.no_log_values.update)
        except InputError as e:
            reason = str(e)
        except RestoreJobAWSError as e:
            reason = aws_error_message(e)
        except Exception as e:  # noqa: BLE001 - a message, never a traceback, reaches the user; the others go on
            reason = f"Unexpected error ({type(e).__name__}): {e}"
            tracebacks.append(traceback.format_exc())
        else:
            entries.append({"name": restore.name, "failed": False, **started.result()})
            if module._diff:
                diffs.append({**started.diff(), "before_header": restore.label, "after_header": restore.label})
            continue
        entries.append({"name": restore.name, "changed": False, "failed": True, "msg": reason,
                        "restore_job": {}, "restore_metadata": {}})  # fmt: skip
        failures.append(f"{restore.label}: {reason}")
    result: dict[str, Any] = {"changed": any(entry["changed"] for entry in entries), "restore_jobs": entries}
    if module._diff:
        result["diff"] = diffs
    if failures:
        if tracebacks:
            result["exception"] = "\n".join(tracebacks)
        module.fail_json(msg=f"{len(failures)} of {len(entries)} restores failed: " + "; ".join(failures), **result)
    module.exit_json(**result)


def mark_created_resource(
    client_for: Callable[[str], Any], job: dict[str, Any], run_id: str, result: dict[str, Any], warn: Callable[[str], None]
) -> bool:
    """Tag what a COMPLETED job created as this run's (what the role's teardown requires), unless
    the job restored in place: then its CreatedResourceArn is the source, which is never marked."""
    arn = job["CreatedResourceArn"]
    if in_place_restore(result["restore_metadata"]):
        result.setdefault("notes", []).append(f"{arn} was restored in place; it is not marked as created by run {run_id}")
        return False
    try:
        mark_resource(client_for, arn, run_id, job["RestoreJobId"])
    except ValueError as e:  # a kind of resource the collection does not tag
        warn(f"{e}; it is not marked as created by run {run_id}")
        return False
    except (BotoCoreError, ClientError) as e:
        # IAM's prefix for a service is its ARNs' service name (rds, elasticfilesystem, ...).
        lacking = lacking_permission(e, (parse_aws_arn(arn) or {}).get("service") or "backup")
        raise RestoreJobAWSError(f"marking {arn} as created by run {run_id} (restore job {job['RestoreJobId']}){lacking}", e) from e
    result["marked_resource"] = {"arn": arn, "tags": mark_tags(run_id, job["RestoreJobId"])}
    return True
