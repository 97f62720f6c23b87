# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Recovery points: finding them, choosing the right one, and the metadata to restore them.

Plain functions over a boto3 ``backup`` client, usable without Ansible. Each AWS call is
made in exactly one function (the ``_call``/``_paginate`` helpers below), wrapped in
amazon.aws's ``AWSRetry.jittered_backoff`` (with AWS Backup's own throttling codes, see
``backup_retry``) so that both a plain boto3 client (tests) and a
``module.client(..., retry_decorator=...)`` client (modules) get throttling retries.

Bad input raises ``InputError`` naming the option, before any AWS call;
AWS errors propagate as botocore exceptions for the module to pass to ``fail_json_aws``.

For ``backup_restore_job`` the intended sequence is:

1. ``parse_time(latest_before, "latest_before")`` while validating input (no AWS call);
2. ``point = resolve_restore_source(client, recovery_point_arn, resource_arn,
   backup_vault_name, latest_before, backup_vault_account_id, resource_type=resource_type)``:
   the ARN as given, or the newest COMPLETED point of the resource
   (``RecoveryPointNotFoundError`` if none). Report ``point["RecoveryPointArn"]`` in the result;
3. ``base = fetch_base_metadata(client, metadata_source, point["RecoveryPointArn"],
   point["BackupVaultName"], backup_vault_account_id)``: {} for ``none``; needs the vault
   otherwise (InputError naming backup_vault_name when an ARN came without one:
   the ARN does not contain the vault, and probing every vault is not cheap);
4. merge the user's ``metadata`` on top, then
   ``metadata, notes = drop_unsupported_metadata_keys(resource_type, merged)``; show
   ``notes`` in the result and mask ``metadata`` (metadata.mask_metadata) before showing it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Optional

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.recovery.aws_backup.plugins.module_utils.arns import recovery_point_arn_error
from ansible_collections.recovery.aws_backup.plugins.module_utils.arns import resource_arn_error
from ansible_collections.recovery.aws_backup.plugins.module_utils.arns import resource_type_of_arn
from ansible_collections.recovery.aws_backup.plugins.module_utils.backup_retry import backup_retry
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers import driver_for
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import InputError
from ansible_collections.recovery.aws_backup.plugins.module_utils.results import json_safe

SELECT_CHOICES = ("all", "latest")
METADATA_SOURCES = ("none", "recovery_point", "inferred")
# botocore backup service model, shape RecoveryPointStatus.
RECOVERY_POINT_STATUSES = ("COMPLETED", "PARTIAL", "DELETING", "EXPIRED", "AVAILABLE", "STOPPED", "CREATING")


# The name other module_utils import; bad input is InputError, whose message names the option.
RecoveryPointOptionError = InputError


# --------------------------------------------------------------------------------------
# Time parsing
# --------------------------------------------------------------------------------------

_RELATIVE_TIME = re.compile(r"^([+-])(\d+)([smhdw])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


# AWS reports recovery point times as Unix time (API reference, CreationDate), so nothing is
# created before the epoch; the upper bound keeps every later computation (the one-second
# margins of _enrich_from_vaults) inside what datetime can hold. Outside this span a time is a
# typo, such as -9999999d, and is refused as one rather than sent to AWS or left to overflow.
EARLIEST_TIME = datetime(1970, 1, 1, tzinfo=timezone.utc)
LATEST_TIME = datetime(9999, 1, 1, tzinfo=timezone.utc)


def _out_of_range(option: str, text: str) -> InputError:
    return InputError(
        f"{option}: {text!r} is out of range; times must lie between {EARLIEST_TIME.date().isoformat()} "
        f"and {LATEST_TIME.date().isoformat()} (UTC)"
    )


def parse_time(value: Any, option: str = "time", now: Optional[datetime] = None) -> datetime:
    """A timezone-aware UTC datetime from ISO 8601 or a relative offset from ``now``.

    Relative: ``-7d``, ``-12h``, ``-30m``, ``-90s``, ``-2w`` (``+`` allowed too), or ``now``.
    ISO 8601 without a zone is taken as UTC: AWS reports recovery point times in UTC, and an
    operator's local zone on an AWX runner is not something to guess. Times outside
    EARLIEST_TIME..LATEST_TIME raise InputError naming ``option``.
    """
    text = value.isoformat() if isinstance(value, datetime) else (str(value).strip() if value is not None else "")
    if isinstance(value, datetime):
        parsed = value
    else:
        if not text:
            raise InputError(f"{option} must not be empty")
        current = now or utc_now()
        match = _RELATIVE_TIME.match(text.replace(" ", ""))
        if text.lower() == "now":
            parsed = current
        elif match:
            sign, amount, unit = match.groups()
            try:
                # Huge amounts overflow timedelta or the date range (OverflowError); very long
                # digit strings exceed int()'s conversion limit (ValueError).
                delta = timedelta(seconds=int(amount) * _UNIT_SECONDS[unit])
                parsed = current - delta if sign == "-" else current + delta
            except (OverflowError, ValueError):
                raise _out_of_range(option, text) from None
        else:
            try:
                # Python 3.11's fromisoformat accepts the ISO 8601 forms users write,
                # including a trailing "Z" and a "T" or space separator.
                parsed = datetime.fromisoformat(text)
            except ValueError:
                raise InputError(
                    f"{option}: cannot parse {text!r}; use ISO 8601 (2026-11-25T07:30:00Z) "
                    "or a relative time such as -7d, -12h, -30m"
                ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    try:
        # 0001-01-01T00:00:00+01:00 is a valid ISO 8601 text whose UTC time datetime cannot hold.
        parsed = parsed.astimezone(timezone.utc)
    except OverflowError:
        raise _out_of_range(option, text) from None
    if not EARLIEST_TIME <= parsed < LATEST_TIME:
        raise _out_of_range(option, text)
    return parsed


def _as_utc(value: Any) -> Optional[datetime]:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return parse_time(value, "creation_date")


# --------------------------------------------------------------------------------------
# Query: what the user asked for, validated before any AWS call
# --------------------------------------------------------------------------------------


# botocore backup service model, shape BackupVaultName: ^[a-zA-Z0-9\-\_]{2,50}$. AWS's own
# managed vaults do not follow it: EFS's automatic backups go to the "default EFS backup vault"
# EFS creates (https://docs.aws.amazon.com/efs/latest/ug/awsbackup.html), named
# aws/efs/automatic-backup-vault, and ListRecoveryPointsByBackupVault is used with that name in
# public scripts. So aws/... names are taken too.
_VAULT_NAME = re.compile(r"[a-zA-Z0-9\-_]{2,50}|aws(?:/[a-z0-9\-]+)+")


def check_backup_vault_name(value: Any, option: str = "backup_vault_name") -> None:
    """Raise InputError unless ``value`` is None or a vault name AWS accepts."""
    if value is None:
        return
    if not isinstance(value, str) or not _VAULT_NAME.fullmatch(value):
        raise InputError(
            f"{option} must be a backup vault name (2 to 50 letters, digits, hyphens and underscores, "
            f"or an AWS-managed vault such as aws/efs/automatic-backup-vault), got {value!r}"
        )


@dataclass(frozen=True)
class RecoveryPointQuery:
    """Which recovery points to look at. Times are UTC datetimes.

    ``created_after`` is inclusive, ``created_before`` exclusive ("before the incident").
    """

    backup_vault_name: Optional[str] = None
    resource_arn: Optional[str] = None
    resource_type: Optional[str] = None
    statuses: tuple[str, ...] = ("COMPLETED",)
    created_after: Optional[datetime] = None
    created_before: Optional[datetime] = None
    backup_vault_account_id: Optional[str] = None
    select: str = "all"


def build_query(
    backup_vault_name: Optional[str] = None,
    resource_arn: Optional[str] = None,
    resource_type: Optional[str] = None,
    status: Optional[Iterable[str]] = None,
    created_after: Any = None,
    created_before: Any = None,
    latest_before: Any = None,
    select: Optional[str] = None,
    backup_vault_account_id: Optional[str] = None,
    now: Optional[datetime] = None,
) -> RecoveryPointQuery:
    """Validate module-style options into a ``RecoveryPointQuery``.

    ``latest_before: T`` means ``select: latest`` with ``created_before: T`` (the earlier of
    the two when both are given); combining it with ``select: all`` is refused rather than
    silently ignoring one of them.
    """
    # Given values are checked before asking whether enough was given, so that an empty
    # backup_vault_name is reported as such rather than silently listing by resource_arn.
    check_backup_vault_name(backup_vault_name)
    if resource_arn is not None:
        problem = resource_arn_error(resource_arn, "resource_arn")
        if problem:
            raise InputError(problem)
    if resource_type is not None and not str(resource_type).strip():
        raise InputError("resource_type must not be empty; leave it out or give a type such as EFS")
    if not backup_vault_name and not resource_arn:
        raise InputError("one of backup_vault_name or resource_arn is required")
    if backup_vault_account_id and not backup_vault_name:
        # ListRecoveryPointsByResource has no BackupVaultAccountId (botocore service model).
        raise InputError("backup_vault_account_id requires backup_vault_name")
    if backup_vault_account_id is not None and not re.fullmatch(r"\d{12}", str(backup_vault_account_id)):
        raise InputError(f"backup_vault_account_id must be a 12-digit AWS account ID, got {backup_vault_account_id!r}")
    if select is not None and select not in SELECT_CHOICES:
        raise InputError(f"select must be one of {', '.join(SELECT_CHOICES)}, got {select!r}")
    if latest_before is not None and select == "all":
        raise InputError("latest_before selects one recovery point; it cannot be combined with select=all")

    statuses = tuple(s.upper() for s in (status if status is not None else ["COMPLETED"]))
    if not statuses:
        raise InputError("status must list at least one recovery point status")
    unknown = [s for s in statuses if s not in RECOVERY_POINT_STATUSES]
    if unknown:
        raise InputError(f"status: unknown value(s) {', '.join(unknown)}; valid: {', '.join(RECOVERY_POINT_STATUSES)}")

    current = now or utc_now()
    after = parse_time(created_after, "created_after", current) if created_after is not None else None
    before = parse_time(created_before, "created_before", current) if created_before is not None else None
    if latest_before is not None:
        incident = parse_time(latest_before, "latest_before", current)
        before = incident if before is None else min(before, incident)
        select = "latest"
    if after is not None and before is not None and after >= before:
        raise InputError(f"created_after ({after.isoformat()}) must be earlier than created_before/latest_before ({before.isoformat()})")
    return RecoveryPointQuery(
        backup_vault_name=backup_vault_name or None,
        resource_arn=resource_arn or None,
        resource_type=resource_type or None,
        statuses=statuses,
        created_after=after,
        created_before=before,
        backup_vault_account_id=backup_vault_account_id or None,
        select=select or "all",
    )


# --------------------------------------------------------------------------------------
# Pure selection
# --------------------------------------------------------------------------------------


def matches_query(point: dict[str, Any], query: RecoveryPointQuery) -> bool:
    """Whether a recovery point (as a List* call returns it) satisfies the query.

    Applied even where AWS filtered server side: the API does not document whether
    ByCreatedBefore/After are inclusive, and status and (for ListRecoveryPointsByResource)
    type and time have no server-side filter at all.
    """
    if point.get("Status") not in query.statuses:
        return False
    created = _as_utc(point.get("CreationDate"))
    if query.created_after is not None and (created is None or created < query.created_after):
        return False
    if query.created_before is not None and (created is None or created >= query.created_before):
        return False
    if query.resource_arn and point.get("ResourceArn", query.resource_arn) != query.resource_arn:
        return False
    if query.resource_type and "ResourceType" in point and point["ResourceType"] != query.resource_type:
        return False
    if query.backup_vault_name and point.get("BackupVaultName", query.backup_vault_name) != query.backup_vault_name:
        return False
    return True


def _newest_first_key(point: dict[str, Any]) -> tuple[float, str]:
    created = _as_utc(point.get("CreationDate"))
    timestamp = created.timestamp() if created else float("-inf")
    return (-timestamp, point.get("RecoveryPointArn", ""))


def newest_first(points: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Newest CreationDate first; equal CreationDates ordered by RecoveryPointArn ascending.

    AWS returns list pages in no documented order, so the order (and therefore which
    point ``latest`` picks on a tie) must not depend on the order the API answered in.
    """
    return sorted(points, key=_newest_first_key)


def select_points(points: Iterable[dict[str, Any]], query: RecoveryPointQuery) -> list[dict[str, Any]]:
    """Filter and order; for ``select: latest`` at most one point."""
    ordered = newest_first(p for p in points if matches_query(p, query))
    return ordered[:1] if query.select == "latest" else ordered


# --------------------------------------------------------------------------------------
# AWS calls (each exactly once in this module)
# --------------------------------------------------------------------------------------


@backup_retry
def _paginate(client: Any, operation: str, result_key: str, **params: Any) -> list[dict[str, Any]]:
    paginator = client.get_paginator(operation)
    return paginator.paginate(**params).build_full_result().get(result_key, [])


def list_recovery_points_by_backup_vault(client: Any, backup_vault_name: str, **filters: Any) -> list[dict[str, Any]]:
    """ListRecoveryPointsByBackupVault, every page. ``filters`` are the API's By*/account params."""
    params = {k: v for k, v in filters.items() if v is not None}
    return _paginate(
        client, "list_recovery_points_by_backup_vault", "RecoveryPoints", BackupVaultName=backup_vault_name, **params
    )


def list_recovery_points_by_resource(client: Any, resource_arn: str) -> list[dict[str, Any]]:
    """ListRecoveryPointsByResource, every page."""
    return _paginate(client, "list_recovery_points_by_resource", "RecoveryPoints", ResourceArn=resource_arn)


def _vault_params(
    backup_vault_name: Optional[str], recovery_point_arn: str, backup_vault_account_id: Optional[str], purpose: str
) -> dict[str, str]:
    if not backup_vault_name:
        # Every per-point AWS call (DescribeRecoveryPoint, GetRecoveryPointRestoreMetadata,
        # GetRestoreTestingInferredMetadata) needs the vault, and a recovery point ARN does
        # not contain it. Finding it would mean probing every vault one call each, so ask.
        raise InputError(
            f"backup_vault_name is required to {purpose} of {recovery_point_arn} "
            "(AWS needs the vault; give resource_arn instead to have it found)"
        )
    params = {"BackupVaultName": backup_vault_name, "RecoveryPointArn": recovery_point_arn}
    if backup_vault_account_id:
        params["BackupVaultAccountId"] = backup_vault_account_id
    return params


@backup_retry
def describe_recovery_point(
    client: Any,
    recovery_point_arn: str,
    backup_vault_name: Optional[str],
    backup_vault_account_id: Optional[str] = None,
) -> dict[str, Any]:
    """DescribeRecoveryPoint (raw API dict, without ResponseMetadata)."""
    params = _vault_params(
        backup_vault_name, recovery_point_arn, backup_vault_account_id, "describe the recovery point"
    )
    response = client.describe_recovery_point(**params)
    response.pop("ResponseMetadata", None)
    return response


@backup_retry
def get_recovery_point_restore_metadata(
    client: Any,
    recovery_point_arn: str,
    backup_vault_name: Optional[str],
    backup_vault_account_id: Optional[str] = None,
) -> dict[str, str]:
    """GetRecoveryPointRestoreMetadata: the resource's configuration at backup time (unmasked)."""
    params = _vault_params(backup_vault_name, recovery_point_arn, backup_vault_account_id, "read the restore metadata")
    response = client.get_recovery_point_restore_metadata(**params)
    return dict(response.get("RestoreMetadata") or {})


@backup_retry
def get_restore_testing_inferred_metadata(
    client: Any,
    recovery_point_arn: str,
    backup_vault_name: Optional[str],
    backup_vault_account_id: Optional[str] = None,
) -> dict[str, str]:
    """GetRestoreTestingInferredMetadata: AWS's defaults for a restore to a new resource (unmasked)."""
    params = _vault_params(
        backup_vault_name, recovery_point_arn, backup_vault_account_id, "read the inferred restore metadata"
    )
    response = client.get_restore_testing_inferred_metadata(**params)
    return dict(response.get("InferredMetadata") or {})


def list_backup_vaults(client: Any) -> list[dict[str, Any]]:
    """ListBackupVaults of the client's Region and account, every page."""
    return _paginate(client, "list_backup_vaults", "BackupVaultList")


def error_code(error: Exception) -> str:
    return str(getattr(error, "response", {}).get("Error", {}).get("Code", "")) if hasattr(error, "response") else ""


# The codes AWS answers a call the credentials may not make with (AWS Backup:
# AccessDeniedException; some services: AccessDenied, UnauthorizedOperation).
ACCESS_DENIED_CODES = frozenset({"AccessDeniedException", "AccessDenied", "UnauthorizedOperation"})


def denied_permission(error: Exception, prefix: str = "backup") -> Optional[str]:
    """The IAM action ("backup:DescribeRecoveryPoint") an AccessDenied answer refused, or None
    for any other error. IAM actions of AWS Backup are named after its API operations
    (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsbackup.html)."""
    if error_code(error) not in ACCESS_DENIED_CODES:
        return None
    operation = getattr(error, "operation_name", None)
    return f"{prefix}:{operation}" if operation else None


def lacking_permission(error: Exception, prefix: str = "backup") -> str:
    """" (AWS refused it: the task's credentials lack the IAM permission backup:X)" for an
    AccessDenied answer, to follow "Failed <doing what>"; "" for any other error."""
    permission = denied_permission(error, prefix)
    return f" (AWS refused it: the task's credentials lack the IAM permission {permission})" if permission else ""


def missing_vault_message(client: Any, backup_vault_name: str, backup_vault_account_id: Optional[str], region: str) -> Optional[str]:
    """Why a call naming backup_vault_name was refused, when it is because the vault does not
    exist: AWS answers a vault name it does not know with AccessDeniedException ("Insufficient
    privileges to perform this action."), even with every permission (aws/aws-sdk-js#2625,
    boto/boto3#2269; amazon.aws's backup_vault module relies on it), so only ListBackupVaults
    tells a missing vault from a missing permission. One call, made only after such a refusal.
    None when the vault exists, or when it cannot be told (another account's vault, or
    ListBackupVaults refused too)."""
    if backup_vault_account_id:
        return None
    try:
        vaults = sorted(v["BackupVaultName"] for v in list_backup_vaults(client))
    except Exception:  # noqa: BLE001 - botocore's errors: then it cannot be told, and the caller says what AWS said
        return None
    if backup_vault_name in vaults:
        return None
    listed = ", ".join(vaults[:20]) + (", ..." if len(vaults) > 20 else "") if vaults else "none"
    return (
        f"backup_vault_name: there is no backup vault named {backup_vault_name!r} in Region {region} "
        f"(the vaults there: {listed})"
    )


def _describe_if_there(client: Any, recovery_point_arn: str, vault: str) -> Optional[dict[str, Any]]:
    try:
        return describe_recovery_point(client, recovery_point_arn, vault)
    except Exception as e:  # noqa: BLE001 - botocore's ClientError; anything else propagates below
        if error_code(e) in ("ResourceNotFoundException", "InvalidParameterValueException"):
            return None
        raise


def find_recovery_point_vault(client: Any, recovery_point_arn: str, region: str) -> tuple[dict[str, Any], list[str]]:
    """DescribeRecoveryPoint of a point whose vault is not given: the Region's vaults
    (ListBackupVaults) read in turn until one holds it, as StartRestoreJob takes the ARN alone.
    Returns the point (with BackupVaultName) and a note of what that cost. Raises InputError when
    no vault holds it; botocore errors (AccessDenied of ListBackupVaults ...) propagate."""
    vaults = [v["BackupVaultName"] for v in list_backup_vaults(client)]
    for read, vault in enumerate(vaults, start=1):
        point = _describe_if_there(client, recovery_point_arn, vault)
        if point is not None:
            point.setdefault("BackupVaultName", vault)
            return point, [
                f"recovery point {recovery_point_arn} is in backup vault {vault}, found by reading {read} of the "
                f"{len(vaults)} backup vault(s) of Region {region}; give backup_vault_name: {vault} to save these reads"
            ]
    raise InputError(
        f"recovery_point_arn: recovery point {recovery_point_arn} is in none of the {len(vaults)} backup vault(s) of "
        f"Region {region} (read with ListBackupVaults and DescribeRecoveryPoint); it may have been deleted, or "
        "belong to another account (then give backup_vault_name and backup_vault_account_id)"
    )


def describe_given_point(
    client: Any, recovery_point_arn: str, backup_vault_name: str, backup_vault_account_id: Optional[str], region: str
) -> tuple[Optional[dict[str, Any]], list[str]]:
    """DescribeRecoveryPoint in the vault given: (point, warnings). Raises InputError when the
    vault does not exist or does not hold the point. When AWS refuses the call for want of
    permission, (None, [a warning naming it]): StartRestoreJob takes the ARN alone, so the
    restore goes on, only the equal-job search cannot be narrowed to the point's resource."""
    try:
        return describe_recovery_point(client, recovery_point_arn, backup_vault_name, backup_vault_account_id), []
    except Exception as e:  # noqa: BLE001 - botocore's ClientError; anything else propagates below
        code = error_code(e)
        if code == "ResourceNotFoundException":
            raise InputError(
                f"recovery_point_arn: recovery point {recovery_point_arn} is not in backup vault {backup_vault_name} "
                f"(Region {region}); name the vault that holds it, or leave backup_vault_name out to have it found"
            ) from None
        permission = denied_permission(e)
        if permission is None:
            raise
        missing = missing_vault_message(client, backup_vault_name, backup_vault_account_id, region)
        if missing:
            raise InputError(missing) from None
        return None, [
            f"AWS refused {permission} ({code}) for recovery point {recovery_point_arn} in vault {backup_vault_name}: "
            "the task's credentials lack that permission, so every restore job of the account was searched for an "
            "equal one rather than those of its resource"
        ]


# --------------------------------------------------------------------------------------
# Finding recovery points
# --------------------------------------------------------------------------------------


def _vault_filters(query: RecoveryPointQuery) -> dict[str, Any]:
    """Server-side filters of ListRecoveryPointsByBackupVault (botocore service model)."""
    return {
        "BackupVaultAccountId": query.backup_vault_account_id,
        "ByResourceArn": query.resource_arn,
        "ByResourceType": query.resource_type,
        "ByCreatedAfter": query.created_after,
        "ByCreatedBefore": query.created_before,
    }


def _enrich_from_vaults(client: Any, resource_arn: str, points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Full fields for points that came from ListRecoveryPointsByResource.

    That call returns a short shape (no ResourceType, Lifecycle, IsEncrypted, ...). Instead of
    DescribeRecoveryPoint per point, list each vault involved once, narrowed server-side to
    this resource and to the time span of the points, and match by ARN. A point that listing
    does not return keeps the short shape; an AWS error listing a vault propagates.
    """
    by_vault: dict[str, list[dict[str, Any]]] = {}
    for point in points:
        by_vault.setdefault(point.get("BackupVaultName", ""), []).append(point)
    full: dict[str, dict[str, Any]] = {}
    for vault, vault_points in by_vault.items():
        if not vault:
            continue
        dates = [d for d in (_as_utc(p.get("CreationDate")) for p in vault_points) if d]
        filters: dict[str, Any] = {"ByResourceArn": resource_arn}
        if dates:
            filters["ByCreatedAfter"] = min(dates) - timedelta(seconds=1)
            filters["ByCreatedBefore"] = max(dates) + timedelta(seconds=1)
        for listed in list_recovery_points_by_backup_vault(client, vault, **filters):
            full[listed["RecoveryPointArn"]] = listed
    enriched = []
    for point in points:
        merged = dict(point)
        merged.setdefault("ResourceArn", resource_arn)
        merged.update(full.get(point["RecoveryPointArn"], {}))
        enriched.append(merged)
    return enriched


def find_recovery_points(
    client: Any, query: RecoveryPointQuery, known_resource_type: Optional[str] = None
) -> list[dict[str, Any]]:
    """Matching recovery points, newest first (one for ``select: latest``), as raw API dicts.

    With a vault: ListRecoveryPointsByBackupVault with every server-side filter the API has.
    With only a resource: ListRecoveryPointsByResource, then the chosen points' vaults are
    listed once each for the full fields (and resource_type filtering). Never one call per
    recovery point.

    ``known_resource_type``: the resource's type, when the caller knows it. Points listed by
    resource then get it as their ResourceType and keep ListRecoveryPointsByResource's short
    shape (plus ResourceArn): their vaults are not listed.
    """
    if query.backup_vault_name:
        listed = list_recovery_points_by_backup_vault(client, query.backup_vault_name, **_vault_filters(query))
        return select_points(listed, query)
    listed = [
        dict(p, ResourceArn=query.resource_arn) for p in list_recovery_points_by_resource(client, query.resource_arn)
    ]
    # ResourceType is unknown until enriched or given, so type filtering happens after; all points
    # of one resource share its type, so selecting "latest" first changes nothing.
    chosen = select_points(listed, query)
    if known_resource_type:
        enriched = [dict(p, ResourceType=known_resource_type) for p in chosen]
    else:
        enriched = _enrich_from_vaults(client, query.resource_arn, chosen)
    if query.resource_type:
        enriched = [p for p in enriched if p.get("ResourceType") == query.resource_type]
    return enriched


def find_latest_recovery_point(
    client: Any,
    resource_arn: str,
    backup_vault_name: Optional[str] = None,
    before: Any = None,
    backup_vault_account_id: Optional[str] = None,
    now: Optional[datetime] = None,
    resource_type: Optional[str] = None,
) -> Optional[dict[str, Any]]:
    """The newest COMPLETED recovery point of a resource (optionally in one vault, optionally
    created strictly before ``before``), as a raw API dict with BackupVaultName set, or None.

    For ``backup_restore_job``'s ``resource_arn`` + ``backup_vault_name`` + ``latest_before``.
    Without a vault the point's type is the one its ARN names (resource_type_of_arn), else
    ``resource_type`` (the user's): a restore needs no more of the point than
    ListRecoveryPointsByResource gives, so its vault is listed for the full fields only when
    neither tells the type.
    Raises InputError (option ``latest_before``) on a bad time.
    """
    if not resource_arn:
        raise InputError("resource_arn is required")
    query = build_query(
        backup_vault_name=backup_vault_name,
        resource_arn=resource_arn,
        status=["COMPLETED"],
        latest_before=before,
        select="latest",
        backup_vault_account_id=backup_vault_account_id,
        now=now,
    )
    points = find_recovery_points(client, query, resource_type_of_arn(resource_arn) or resource_type)
    if not points:
        return None
    point = points[0]
    point.setdefault("BackupVaultName", backup_vault_name)
    return point


class RecoveryPointNotFoundError(LookupError):
    """No recovery point matches: an error for a restore (unlike for the info module)."""


def resolve_restore_source(
    client: Any,
    recovery_point_arn: Optional[str] = None,
    resource_arn: Optional[str] = None,
    backup_vault_name: Optional[str] = None,
    latest_before: Any = None,
    backup_vault_account_id: Optional[str] = None,
    now: Optional[datetime] = None,
    resource_type: Optional[str] = None,
) -> dict[str, Any]:
    """The recovery point ``backup_restore_job`` restores, as a raw API dict with at least
    RecoveryPointArn and BackupVaultName (None when given an ARN without a vault).

    - ``recovery_point_arn``: returned as given, no AWS call (``latest_before`` refused).
    - ``resource_arn`` (+ ``backup_vault_name``, ``latest_before``): its newest COMPLETED
      point via ``find_latest_recovery_point``, with ResourceType, CreationDate, ...; raises
      RecoveryPointNotFoundError when there is none. ``resource_type`` (the user's) is the
      point's type when neither a vault nor the ARN tells it.

    Validation (InputError) happens before any AWS call.
    """
    if recovery_point_arn is not None and resource_arn is not None:
        raise InputError("recovery_point_arn and resource_arn are mutually exclusive")
    check_backup_vault_name(backup_vault_name)
    if recovery_point_arn is not None:
        problem = recovery_point_arn_error(recovery_point_arn)
        if problem:
            raise InputError(problem)
        if latest_before is not None:
            raise InputError("latest_before chooses a recovery point of resource_arn; it cannot be used with recovery_point_arn")
        return {"RecoveryPointArn": recovery_point_arn, "BackupVaultName": backup_vault_name or None}
    if not resource_arn:
        raise InputError("one of recovery_point_arn or resource_arn is required")
    point = find_latest_recovery_point(
        client, resource_arn, backup_vault_name, latest_before, backup_vault_account_id, now, resource_type
    )
    if point is None:
        where = f" in vault {backup_vault_name}" if backup_vault_name else ""
        when = (
            f" created before {parse_time(latest_before, 'latest_before', now).isoformat()}"
            if latest_before is not None
            else ""
        )
        raise RecoveryPointNotFoundError(f"No COMPLETED recovery point of {resource_arn}{where}{when}")
    return point


# --------------------------------------------------------------------------------------
# Copies: where a copied recovery point came from
# --------------------------------------------------------------------------------------

# A copy in a DR vault keeps the backed-up resource's ResourceArn and the source's CreationDate
# ("Copies retain their source configuration, including creation dates", developer guide, "Copy a
# backup"), and names the vault it came from in SourceBackupVaultArn (RecoveryPointByBackupVault,
# DescribeRecoveryPoint). So ListRecoveryPointsByBackupVault ByResourceArn with the SOURCE
# resource's ARN finds copies, and age_seconds is the age of the data, the cross-Region recovery
# point actually achieved. No recovery point field names the source recovery point: only the
# copy job does (CopyJob.SourceRecoveryPointArn / DestinationRecoveryPointArn), and a copy job
# lives in the account and Region that ran it, the source's.


def list_copy_jobs_into(client: Any, destination_backup_vault_arn: str, resource_arn: Optional[str] = None) -> list[dict[str, Any]]:
    """ListCopyJobs of the jobs that copied into one vault (of one resource when given), every page."""
    params = {"ByDestinationVaultArn": destination_backup_vault_arn}
    if resource_arn:
        params["ByResourceArn"] = resource_arn
    return _paginate(client, "list_copy_jobs", "CopyJobs", **params)


def copy_sources(
    client_for_region: Any, points: list[dict[str, Any]]
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """The copy job that made each copied point ({point ARN: copy job}), found with one
    ListCopyJobs per source Region and destination vault (narrowed to the resource when the points
    share one), in the source Region (SourceBackupVaultArn's), with `client_for_region(region)`'s
    credentials. Never one call per point. A Region that does not answer (the outage the copy is
    for) or refuses (a copy job of another account) gives a warning, not an error."""
    groups: dict[tuple[str, str], set[str]] = {}
    for point in points:
        source_vault, vault = point.get("SourceBackupVaultArn"), point.get("BackupVaultArn")
        if not source_vault or not vault or source_vault.count(":") < 5:
            continue
        groups.setdefault((source_vault.split(":")[3], vault), set()).add(point.get("ResourceArn") or "")
    wanted = {p["RecoveryPointArn"] for p in points if p.get("SourceBackupVaultArn")}
    found: dict[str, dict[str, Any]] = {}
    warnings: list[str] = []
    for (region, vault), resources in sorted(groups.items()):
        resource = next(iter(resources)) if len(resources) == 1 else None
        try:
            jobs = list_copy_jobs_into(client_for_region(region), vault, resource or None)
        except Exception as e:  # noqa: BLE001 - botocore's errors, or no connection at all: a note, not a failure
            warnings.append(
                f"could not list the copy jobs into {vault} in {region} ({type(e).__name__}: {e}); "
                "the source recovery point of its copies is unknown"
            )
            continue
        for job in jobs:
            arn = job.get("DestinationRecoveryPointArn")
            if arn in wanted and job.get("State") == "COMPLETED":
                found[arn] = job
    return found, warnings


def copy_source_result(job: dict[str, Any]) -> dict[str, Any]:
    """What a copy job says of the copy's source, snake_case."""
    return json_safe(
        {
            "source_recovery_point_arn": job.get("SourceRecoveryPointArn"),
            "source_backup_vault_arn": job.get("SourceBackupVaultArn"),
            "copy_job_id": job.get("CopyJobId"),
            "copy_creation_date": job.get("CreationDate"),
            "copy_completion_date": job.get("CompletionDate"),
        }
    )


# --------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------


def recovery_point_result(point: dict[str, Any], now: Optional[datetime] = None) -> dict[str, Any]:
    """snake_case recovery point, dates as ISO 8601 strings, plus ``age_seconds``.

    ``age_seconds`` is how old the data is now: the recovery point objective a restore of
    this point would achieve if started now.
    """
    current = now or utc_now()
    plain = json_safe({k: v for k, v in point.items() if k != "ResponseMetadata"})
    result = camel_dict_to_snake_dict(plain)
    created = _as_utc(point.get("CreationDate"))
    result["age_seconds"] = int((current - created).total_seconds()) if created else None
    return result


# --------------------------------------------------------------------------------------
# Restore metadata: sources and what StartRestoreJob may receive
# --------------------------------------------------------------------------------------


def fetch_base_metadata(
    client: Any,
    source: str,
    recovery_point_arn: str,
    backup_vault_name: Optional[str],
    backup_vault_account_id: Optional[str] = None,
) -> dict[str, str]:
    """The metadata to start from before the user's overrides (unmasked: mask before showing).

    ``none``: {} (no AWS call); ``recovery_point``: GetRecoveryPointRestoreMetadata;
    ``inferred``: GetRestoreTestingInferredMetadata.
    """
    if source not in METADATA_SOURCES:
        raise InputError(f"metadata_source must be one of {', '.join(METADATA_SOURCES)}, got {source!r}")
    if source == "none":
        return {}
    if source == "recovery_point":
        return get_recovery_point_restore_metadata(
            client, recovery_point_arn, backup_vault_name, backup_vault_account_id
        )
    return get_restore_testing_inferred_metadata(client, recovery_point_arn, backup_vault_name, backup_vault_account_id)


# Which keys of a recovery point's metadata StartRestoreJob must not receive is the rule of each
# resource type's driver (Driver.dropped_source_keys, with its source). Keys are compared
# case-insensitively, as AWS reads them ("Note that key values are not case sensitive",
# https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing-inferred-metadata.html).


def drop_unsupported_metadata_keys(
    resource_type: Optional[str], metadata: dict[str, str]
) -> tuple[dict[str, str], list[str]]:
    """Split metadata into what StartRestoreJob may receive for ``resource_type`` and one note
    per dropped key. Notes name keys, never values: values may be secrets.

    Apply it to the merged metadata (base from ``fetch_base_metadata`` plus the user's
    overrides) just before StartRestoreJob. Types without a documented rule pass unchanged;
    kept keys keep the caller's spelling.
    """
    driver = driver_for(resource_type)
    if driver is None:
        return dict(metadata), []
    dropped = dict(driver.dropped_source_keys(metadata))
    kept = {k: v for k, v in metadata.items() if k not in dropped}
    notes = [f"dropped metadata key {key!r}: {dropped[key]}" for key in sorted(dropped)]
    return kept, notes
