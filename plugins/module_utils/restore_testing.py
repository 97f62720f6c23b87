# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AWS Backup restore testing plans and selections as code: the option checks (AWS's documented
limits, before any call), the comparison of what is declared with what AWS holds, and one function
per AWS call.

The limits come from botocore's backup service model (its documentation of CreateRestoreTestingPlan,
CreateRestoreTestingSelection, UpdateRestoreTestingSelection and their shapes, the AWS Backup API
reference) and from the AWS Backup developer guide, "Restore testing". Checks raise InputError whose
message names the option, so a module fails with it unchanged.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Callable, Optional

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.recovery.aws_backup.plugins.module_utils.arns import resource_arn_error, resource_type_of_arn
from ansible_collections.recovery.aws_backup.plugins.module_utils.backup_retry import backup_retry
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import BackupAWSError, BackupErrorHandler, InputError
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import mask_metadata, to_aws_metadata
from ansible_collections.recovery.aws_backup.plugins.module_utils.results import json_safe

# RestoreTestingPlanName / RestoreTestingSelectionName: "The name consists of only alphanumeric
# characters and underscores. Maximum length is 50." (botocore's backup model)
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_]{1,50}$")
ALGORITHMS = ("LATEST_WITHIN_WINDOW", "RANDOM_WITHIN_WINDOW")
RECOVERY_POINT_TYPES = ("CONTINUOUS", "SNAPSHOT")
# SelectionWindowDays: "Accepted values are integers from 1 to 365. If not included, the value
# defaults to 30." ExcludeVaults: "Defaults to empty list if not listed."
SELECTION_WINDOW_DAYS = (1, 365)
DEFAULT_SELECTION_WINDOW_DAYS = 30
# StartWindowHours: "Defaults to 24 hours ... this parameter has a maximum value of 168 hours (one
# week)." A window of 0 hours could never start a job, so 1 is the lowest value taken.
START_WINDOW_HOURS = (1, 168)
# ValidationWindowHours: CreateRestoreTestingSelection and UpdateRestoreTestingSelection say "0 to
# 168", GetRestoreTestingSelection's shape and the developer guide ("Restore testing validation")
# 1 to 168. The collection follows 1 to 168: both sources accept it, so no value passes here that
# one of AWS's documents refuses, and a window of 0 hours would delete the restored resources
# before anything could validate them, which is what the window is for.
VALIDATION_WINDOW_HOURS = (1, 168)
# "you can include up to 30 specific protected resource ARNs in ProtectedResourceArns"
# (CreateRestoreTestingSelection). AWS's API reference bounds the ARNs only; the collection bounds
# conditions (string_equals and string_not_equals together) to the same number, a choice of its own
# that keeps a selection's resources to one documented size.
MAX_PROTECTED_RESOURCE_ARNS = 30
MAX_PROTECTED_RESOURCE_CONDITIONS = 30
# ProtectedResourceType (CreateRestoreTestingSelection): "Supported resource types accepted include".
PROTECTED_RESOURCE_TYPES = ("Aurora", "DocumentDB", "DynamoDB", "EBS", "EC2", "EFS", "FSx", "Neptune", "RDS", "S3")
# KeyValue: Key "can't start with aws:", 1 to 128 of ^(?![aA]{1}[wW]{1}[sS]{1}:)([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$;
# Value at most 256 of ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$. \w stands for \p{L}\p{N}_ (Python's re is Unicode-aware).
_TAG_CHARS = r"[\w\s.:/=+\-@]"
CONDITION_KEY_PATTERN = re.compile(rf"^(?![aA][wW][sS]:){_TAG_CHARS}{{1,128}}$")
CONDITION_VALUE_PATTERN = re.compile(rf"^{_TAG_CHARS}{{0,256}}$")
IAM_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")
WILDCARD = ["*"]
CONDITION_OPTIONS = {"string_equals": "StringEquals", "string_not_equals": "StringNotEquals"}

# The modules' argument specs of the shared sub-options.
RECOVERY_POINT_SELECTION_OPTIONS = dict(
    algorithm=dict(type="str", required=True, choices=list(ALGORITHMS)),
    include_vaults=dict(type="list", elements="str", required=True),
    exclude_vaults=dict(type="list", elements="str"),
    recovery_point_types=dict(type="list", elements="str", required=True, choices=list(RECOVERY_POINT_TYPES)),
    selection_window_days=dict(type="int"),
)
_KEY_VALUE = dict(type="list", elements="dict", options=dict(key=dict(type="str", required=True, no_log=False), value=dict(type="str", required=True)))
PROTECTED_RESOURCE_CONDITIONS_OPTIONS = dict(string_equals=dict(_KEY_VALUE), string_not_equals=dict(_KEY_VALUE))


# ---- checks (no AWS) ------------------------------------------------------------------------


def check_name(value: Any, option: str) -> str:
    if not isinstance(value, str) or not NAME_PATTERN.match(value):
        raise InputError(f"{option} must be 1 to 50 letters, digits and underscores (AWS's rule for the name); got {value!r}")
    return value


def _check_range(value: Optional[int], option: str, bounds: tuple[int, int]) -> Optional[int]:
    if value is not None and not bounds[0] <= value <= bounds[1]:
        raise InputError(f"{option} must be from {bounds[0]} to {bounds[1]}; got {value}")
    return value


def desired_plan(params: dict[str, Any]) -> dict[str, Any]:
    """The plan the options declare, as RestoreTestingPlanForCreate (members not given left out,
    RecoveryPointSelection with AWS's defaults for its optional members)."""
    check_name(params["restore_testing_plan_name"], "restore_testing_plan_name")
    _check_range(params.get("start_window_hours"), "start_window_hours", START_WINDOW_HOURS)
    plan: dict[str, Any] = {"RestoreTestingPlanName": params["restore_testing_plan_name"]}
    schedule = params.get("schedule_expression")
    if schedule is not None:
        if not schedule.strip():
            raise InputError("schedule_expression must not be empty; give a cron expression such as cron(0 5 ? * * *)")
        plan["ScheduleExpression"] = schedule
    if params.get("schedule_expression_timezone") is not None:
        plan["ScheduleExpressionTimezone"] = params["schedule_expression_timezone"]
    if params.get("start_window_hours") is not None:
        plan["StartWindowHours"] = params["start_window_hours"]
    selection = params.get("recovery_point_selection")
    if selection is not None:
        days = _check_range(selection.get("selection_window_days"), "recovery_point_selection.selection_window_days", SELECTION_WINDOW_DAYS)
        for option in ("include_vaults", "recovery_point_types"):
            if not selection.get(option):
                raise InputError(f"recovery_point_selection.{option} must hold at least one value")
        types = selection["recovery_point_types"]
        if len(set(types)) != len(types):
            raise InputError(f"recovery_point_selection.recovery_point_types names a type twice: {types}")
        plan["RecoveryPointSelection"] = {
            "Algorithm": selection["algorithm"],
            "IncludeVaults": list(selection["include_vaults"]),
            "ExcludeVaults": list(selection.get("exclude_vaults") or []),
            "RecoveryPointTypes": list(types),
            "SelectionWindowDays": DEFAULT_SELECTION_WINDOW_DAYS if days is None else days,
        }
    return plan


def _conditions(value: Optional[dict[str, Any]]) -> Optional[dict[str, list[dict[str, str]]]]:
    """protected_resource_conditions as ProtectedResourceConditions, checked; None when not given."""
    if value is None:
        return None
    conditions: dict[str, list[dict[str, str]]] = {}
    count = 0
    for option, member in CONDITION_OPTIONS.items():
        pairs = value.get(option)
        if pairs is None:
            continue
        for index, pair in enumerate(pairs):
            where = f"protected_resource_conditions.{option}[{index}]"
            if not CONDITION_KEY_PATTERN.match(pair["key"]):
                raise InputError(
                    f"{where}.key must be 1 to 128 letters, digits, blanks or _.:/=+-@ and must not start with aws:; got {pair['key']!r}"
                )
            if not CONDITION_VALUE_PATTERN.match(pair["value"]):
                raise InputError(f"{where}.value must be at most 256 letters, digits, blanks or _.:/=+-@; got {pair['value']!r}")
        count += len(pairs)
        conditions[member] = [{"Key": pair["key"], "Value": pair["value"]} for pair in pairs]
    if count > MAX_PROTECTED_RESOURCE_CONDITIONS:
        raise InputError(f"protected_resource_conditions holds {count} conditions; at most {MAX_PROTECTED_RESOURCE_CONDITIONS} are allowed")
    return conditions


def _has_conditions(conditions: Optional[dict[str, Any]]) -> bool:
    return bool(conditions and any(conditions.values()))


def overrides_to_aws(value: Optional[dict[Any, Any]]) -> Optional[dict[str, str]]:
    """restore_metadata_overrides as AWS takes them (text values, as backup_restore_job converts
    its metadata), errors naming the option; None when not given."""
    if value is None:
        return None
    try:
        return to_aws_metadata(value)
    except InputError as e:
        raise InputError(re.sub(r"^metadata", "restore_metadata_overrides", str(e))) from None


def desired_selection(params: dict[str, Any]) -> dict[str, Any]:
    """The selection the options declare, as RestoreTestingSelectionForCreate (members not given
    left out), after AWS's documented rules."""
    check_name(params["restore_testing_plan_name"], "restore_testing_plan_name")
    check_name(params["restore_testing_selection_name"], "restore_testing_selection_name")
    selection: dict[str, Any] = {"RestoreTestingSelectionName": params["restore_testing_selection_name"]}
    resource_type = params.get("protected_resource_type")
    if resource_type is not None:
        selection["ProtectedResourceType"] = resource_type
    role = params.get("iam_role_arn")
    if role is not None:
        if not IAM_ROLE_ARN.match(role):
            raise InputError(f"iam_role_arn must be the ARN of an IAM role (arn:aws:iam::ACCOUNT:role/NAME); got {role!r}")
        selection["IamRoleArn"] = role
    arns = params.get("protected_resource_arns")
    conditions = _conditions(params.get("protected_resource_conditions"))
    if arns is not None:
        if not arns:
            raise InputError('protected_resource_arns must not be empty; give ["*"] (with protected_resource_conditions) or up to 30 ARNs')
        if "*" in arns and arns != WILDCARD:
            raise InputError('protected_resource_arns takes either ["*"] or specific ARNs, not both; got ' + repr(arns))
        if arns != WILDCARD:
            if len(arns) > MAX_PROTECTED_RESOURCE_ARNS:
                raise InputError(f"protected_resource_arns holds {len(arns)} ARNs; AWS takes at most {MAX_PROTECTED_RESOURCE_ARNS} specific ARNs")
            if len(set(arns)) != len(arns):
                raise InputError("protected_resource_arns names an ARN twice")
            if _has_conditions(conditions):
                raise InputError('protected_resource_conditions can only be given with protected_resource_arns ["*"], not with specific ARNs')
            for index, arn in enumerate(arns):
                error = resource_arn_error(arn, f"protected_resource_arns[{index}]")
                if error:
                    raise InputError(error)
                arn_type = resource_type_of_arn(arn)
                if resource_type is not None and arn_type is not None and arn_type != resource_type:
                    raise InputError(
                        f"protected_resource_arns[{index}] is the ARN of a {arn_type} resource, but protected_resource_type is {resource_type}"
                    )
        selection["ProtectedResourceArns"] = list(arns)
    if conditions is not None:
        selection["ProtectedResourceConditions"] = conditions
    overrides = overrides_to_aws(params.get("restore_metadata_overrides"))
    if overrides is not None:
        selection["RestoreMetadataOverrides"] = overrides
    hours = _check_range(params.get("validation_window_hours"), "validation_window_hours", VALIDATION_WINDOW_HOURS)
    if hours is not None:
        selection["ValidationWindowHours"] = hours
    return selection


def check_new_selection(selection: dict[str, Any]) -> None:
    """What creating needs beyond what an update does."""
    for member, option in (("ProtectedResourceType", "protected_resource_type"), ("IamRoleArn", "iam_role_arn")):
        if member not in selection:
            raise InputError(f"{option} is required to create the restore testing selection")
    if not selection.get("ProtectedResourceArns") and not _has_conditions(selection.get("ProtectedResourceConditions")):
        raise InputError('protected_resource_arns or protected_resource_conditions is required (conditions with protected_resource_arns ["*"])')


def creator_request_id(kind: str, body: dict[str, Any]) -> str:
    """The CreatorRequestId sent with a create: derived from what is created, so that two runs
    creating the same thing at once make it once ("If the request includes a CreatorRequestId that
    matches an existing backup plan, that plan is returned", botocore's backup model). AWS takes 1 to
    50 letters, digits and -_. characters. Restore metadata overrides are left out of the digest:
    they may hold a password, and the id is shown wherever the plan or selection is."""
    shown = {k: v for k, v in body.items() if k != "RestoreMetadataOverrides"}
    digest = hashlib.sha256(json.dumps([kind, shown], sort_keys=True).encode()).hexdigest()[:40]
    return f"ansible-{digest}"


# ---- comparison -----------------------------------------------------------------------------


def plan_update(current: dict[str, Any], desired: dict[str, Any]) -> dict[str, Any]:
    """RestoreTestingPlanForUpdate holding the members whose declared value differs from AWS's
    (RecoveryPointSelection whole, as the update takes it); {} when nothing differs."""
    update: dict[str, Any] = {}
    for member in ("ScheduleExpression", "ScheduleExpressionTimezone", "StartWindowHours"):
        if member in desired and desired[member] != current.get(member):
            update[member] = desired[member]
    if "RecoveryPointSelection" in desired:
        want = desired["RecoveryPointSelection"]
        have = current.get("RecoveryPointSelection") or {}
        have = {**have, "ExcludeVaults": have.get("ExcludeVaults") or [], "SelectionWindowDays": have.get("SelectionWindowDays", DEFAULT_SELECTION_WINDOW_DAYS)}
        if _comparable(want) != _comparable(have):
            update["RecoveryPointSelection"] = want
    return update


def _comparable(value: Any) -> Any:
    """Lists AWS keeps as sets compared without their order."""
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_comparable(v) for v in value), key=repr)
    return value


def _mode(arns: Optional[list[str]], conditions: Optional[dict[str, Any]]) -> str:
    if arns and arns != WILDCARD:
        return "arns"
    return "conditions" if _has_conditions(conditions) else "all"


def selection_update(current: dict[str, Any], desired: dict[str, Any]) -> dict[str, Any]:
    """RestoreTestingSelectionForUpdate holding what differs; {} when nothing does. Raises
    InputError, naming the option, for changes UpdateRestoreTestingSelection cannot make."""
    if "ProtectedResourceType" in desired and desired["ProtectedResourceType"] != current.get("ProtectedResourceType"):
        raise InputError(
            f"protected_resource_type cannot be changed from {current.get('ProtectedResourceType')} to {desired['ProtectedResourceType']}: "
            "UpdateRestoreTestingSelection does not take it. Remove the selection (state=absent) and declare it again, "
            "or declare a selection of another name"
        )
    current_arns = current.get("ProtectedResourceArns")
    current_conditions = current.get("ProtectedResourceConditions") or {}
    arns = desired.get("ProtectedResourceArns", current_arns)
    conditions = desired.get("ProtectedResourceConditions", current_conditions)
    before, after = _mode(current_arns, current_conditions), _mode(arns, conditions)
    if {before, after} == {"arns", "conditions"}:
        # "if your selection has ProtectedResourceArns, requesting an update with the parameter
        # ProtectedResourceConditions will be unsuccessful" (RestoreTestingSelectionForUpdate)
        raise InputError(
            "protected_resource_arns and protected_resource_conditions cannot switch between specific ARNs and conditions in an update "
            "(AWS's UpdateRestoreTestingSelection takes one or the other). Remove the selection (state=absent) and declare it again"
        )
    update: dict[str, Any] = {}
    arns_differ = "ProtectedResourceArns" in desired and sorted(arns or []) != sorted(current_arns or [])
    conditions_differ = "ProtectedResourceConditions" in desired and _comparable(_full_conditions(conditions)) != _comparable(
        _full_conditions(current_conditions)
    )
    if arns_differ and conditions_differ:
        raise InputError(
            "protected_resource_arns and protected_resource_conditions cannot both change in one update "
            "(AWS's UpdateRestoreTestingSelection takes one or the other). Change one, run, then the other"
        )
    if arns_differ:
        update["ProtectedResourceArns"] = arns
    if conditions_differ:
        update["ProtectedResourceConditions"] = _full_conditions(conditions)
    for member in ("IamRoleArn", "ValidationWindowHours"):
        if member in desired and desired[member] != current.get(member):
            update[member] = desired[member]
    if "RestoreMetadataOverrides" in desired and desired["RestoreMetadataOverrides"] != (current.get("RestoreMetadataOverrides") or {}):
        update["RestoreMetadataOverrides"] = desired["RestoreMetadataOverrides"]
    return update


def _full_conditions(conditions: Optional[dict[str, Any]]) -> dict[str, list[dict[str, str]]]:
    return {member: list((conditions or {}).get(member) or []) for member in CONDITION_OPTIONS.values()}


# ---- results --------------------------------------------------------------------------------


def plan_result(plan: Optional[dict[str, Any]], tags: Optional[dict[str, str]] = None) -> dict[str, Any]:
    """A plan (GetRestoreTestingPlan's or a declared one) as a result: snake_case, dates as text."""
    if not plan:
        return {}
    result = json_safe(camel_dict_to_snake_dict(plan))
    if tags is not None:
        result["tags"] = dict(tags)
    return result


def selection_result(selection: Optional[dict[str, Any]]) -> dict[str, Any]:
    """A selection as a result: snake_case (override keys as given), credentials masked."""
    if not selection:
        return {}
    result = json_safe(camel_dict_to_snake_dict(selection, ignore_list=["RestoreMetadataOverrides"]))
    if "restore_metadata_overrides" in result:
        result["restore_metadata_overrides"] = mask_metadata(result["restore_metadata_overrides"])
    return result


# ---- AWS calls, one function each ---------------------------------------------------------------


@backup_retry
def _paginate(client: Any, operation: str, result_key: str, **params: Any) -> list[dict[str, Any]]:
    return client.get_paginator(operation).paginate(**params).build_full_result().get(result_key, [])


@BackupErrorHandler.list_error_handler("get the restore testing plan", default_value=None)
def get_restore_testing_plan(client: Any, name: str) -> Optional[dict[str, Any]]:
    """GetRestoreTestingPlan's RestoreTestingPlan, or None when there is no such plan."""
    return backup_retry(client.get_restore_testing_plan)(RestoreTestingPlanName=name)["RestoreTestingPlan"]


@BackupErrorHandler.common_error_handler("list the restore testing plans")
def list_restore_testing_plans(client: Any) -> list[dict[str, Any]]:
    return _paginate(client, "list_restore_testing_plans", "RestoreTestingPlans")


@BackupErrorHandler.common_error_handler("create the restore testing plan")
def create_restore_testing_plan(client: Any, plan: dict[str, Any], tags: Optional[dict[str, str]] = None) -> dict[str, Any]:
    params: dict[str, Any] = {"RestoreTestingPlan": plan, "CreatorRequestId": creator_request_id("plan", plan)}
    if tags:
        params["Tags"] = tags
    return backup_retry(client.create_restore_testing_plan)(**params)


@BackupErrorHandler.common_error_handler("update the restore testing plan")
def update_restore_testing_plan(client: Any, name: str, update: dict[str, Any]) -> dict[str, Any]:
    return backup_retry(client.update_restore_testing_plan)(RestoreTestingPlanName=name, RestoreTestingPlan=update)


@BackupErrorHandler.deletion_error_handler("delete the restore testing plan")
def delete_restore_testing_plan(client: Any, name: str) -> bool:
    backup_retry(client.delete_restore_testing_plan)(RestoreTestingPlanName=name)
    return True


@BackupErrorHandler.list_error_handler("get the restore testing selection", default_value=None)
def get_restore_testing_selection(client: Any, plan_name: str, name: str) -> Optional[dict[str, Any]]:
    """GetRestoreTestingSelection's RestoreTestingSelection, or None when there is no such
    selection (or plan)."""
    answer = backup_retry(client.get_restore_testing_selection)(RestoreTestingPlanName=plan_name, RestoreTestingSelectionName=name)
    return answer["RestoreTestingSelection"]


@BackupErrorHandler.list_error_handler("list the restore testing selections", default_value=None)
def list_restore_testing_selections(client: Any, plan_name: str) -> Optional[list[dict[str, Any]]]:
    """The plan's selections (RestoreTestingSelectionForList), or None when there is no such plan."""
    return _paginate(client, "list_restore_testing_selections", "RestoreTestingSelections", RestoreTestingPlanName=plan_name)


@BackupErrorHandler.common_error_handler("create the restore testing selection")
def create_restore_testing_selection(client: Any, plan_name: str, selection: dict[str, Any]) -> dict[str, Any]:
    return backup_retry(client.create_restore_testing_selection)(
        RestoreTestingPlanName=plan_name, RestoreTestingSelection=selection,
        CreatorRequestId=creator_request_id("selection", {"RestoreTestingPlanName": plan_name, **selection}),
    )


@BackupErrorHandler.common_error_handler("update the restore testing selection")
def update_restore_testing_selection(client: Any, plan_name: str, name: str, update: dict[str, Any]) -> dict[str, Any]:
    return backup_retry(client.update_restore_testing_selection)(
        RestoreTestingPlanName=plan_name, RestoreTestingSelectionName=name, RestoreTestingSelection=update
    )


@BackupErrorHandler.deletion_error_handler("delete the restore testing selection")
def delete_restore_testing_selection(client: Any, plan_name: str, name: str) -> bool:
    backup_retry(client.delete_restore_testing_selection)(RestoreTestingPlanName=plan_name, RestoreTestingSelectionName=name)
    return True


@BackupErrorHandler.common_error_handler("list the tags of the restore testing plan")
def list_tags(client: Any, arn: str) -> dict[str, str]:
    """ListTags, every page (botocore has no paginator for it)."""
    tags: dict[str, str] = {}
    params: dict[str, Any] = {"ResourceArn": arn}
    while True:
        answer = backup_retry(client.list_tags)(**params)
        tags.update(answer.get("Tags") or {})
        if not answer.get("NextToken"):
            return tags
        params["NextToken"] = answer["NextToken"]


@BackupErrorHandler.common_error_handler("tag the restore testing plan")
def tag_resource(client: Any, arn: str, tags: dict[str, str]) -> None:
    backup_retry(client.tag_resource)(ResourceArn=arn, Tags=tags)


@BackupErrorHandler.common_error_handler("untag the restore testing plan")
def untag_resource(client: Any, arn: str, keys: list[str]) -> None:
    backup_retry(client.untag_resource)(ResourceArn=arn, TagKeyList=keys)


# ---- what the modules do ---------------------------------------------------------------------


def ensure_plan(
    client: Any,
    params: dict[str, Any],
    check_mode: bool,
) -> dict[str, Any]:
    """restore_testing_plan: the plan made as declared (or removed). Returns the module's result
    (changed, restore_testing_plan, and diff's before/after)."""
    from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

    desired = desired_plan(params)
    name = desired["RestoreTestingPlanName"]
    current = get_restore_testing_plan(client, name)
    current_tags = list_tags(client, current["RestoreTestingPlanArn"]) if current else {}
    before = plan_result(current, current_tags) if current else {}

    if params["state"] == "absent":
        if not current:
            return {"changed": False, "restore_testing_plan": {}, "diff": {"before": {}, "after": {}}}
        selections = list_restore_testing_selections(client, name) or []
        if selections:
            names = ", ".join(sorted(s["RestoreTestingSelectionName"] for s in selections))
            raise InputError(
                f"restore testing plan {name} still has restore testing selections ({names}); AWS deletes a plan only once it has none. "
                "Remove them first with recovery.aws_backup.restore_testing_selection state=absent"
            )
        if not check_mode:
            delete_restore_testing_plan(client, name)
        return {"changed": True, "restore_testing_plan": {}, "diff": {"before": before, "after": {}}}

    tags = params.get("tags")
    if not current:
        for member, option in (("ScheduleExpression", "schedule_expression"), ("RecoveryPointSelection", "recovery_point_selection")):
            if member not in desired:
                raise InputError(f"{option} is required to create the restore testing plan")
        after = plan_result(desired, tags or {})
        if check_mode:
            return {"changed": True, "restore_testing_plan": after, "diff": {"before": {}, "after": after}}
        create_restore_testing_plan(client, desired, tags)
        plan = get_restore_testing_plan(client, name)
        final = plan_result(plan, list_tags(client, plan["RestoreTestingPlanArn"]))
        return {"changed": True, "restore_testing_plan": final, "diff": {"before": {}, "after": final}}

    update = plan_update(current, desired)
    to_set, to_unset = compare_aws_tags(current_tags, tags, params.get("purge_tags", True)) if tags is not None else ({}, [])
    if not update and not to_set and not to_unset:
        return {"changed": False, "restore_testing_plan": before, "diff": {"before": before, "after": before}}
    arn = current["RestoreTestingPlanArn"]
    if check_mode:
        new_tags = {k: v for k, v in {**current_tags, **to_set}.items() if k not in to_unset}
        after = plan_result({**current, **update}, new_tags)
        return {"changed": True, "restore_testing_plan": after, "diff": {"before": before, "after": after}}
    if update:
        update_restore_testing_plan(client, name, update)
    if to_unset:
        untag_resource(client, arn, list(to_unset))
    if to_set:
        tag_resource(client, arn, to_set)
    final = plan_result(get_restore_testing_plan(client, name), list_tags(client, arn))
    return {"changed": True, "restore_testing_plan": final, "diff": {"before": before, "after": final}}


def ensure_selection(client: Any, params: dict[str, Any], check_mode: bool) -> dict[str, Any]:
    """restore_testing_selection: the selection made as declared (or removed). Returns the
    module's result (changed, restore_testing_selection, and diff's before/after), overrides masked."""
    desired = desired_selection(params)
    plan_name = params["restore_testing_plan_name"]
    name = desired["RestoreTestingSelectionName"]
    if params["state"] == "present" and get_restore_testing_plan(client, plan_name) is None:
        raise InputError(
            f"restore_testing_plan_name: there is no restore testing plan {plan_name} in this Region; "
            "declare it first with recovery.aws_backup.restore_testing_plan"
        )
    current = get_restore_testing_selection(client, plan_name, name)
    before = selection_result(current)

    if params["state"] == "absent":
        if not current:
            return {"changed": False, "restore_testing_selection": {}, "diff": {"before": {}, "after": {}}}
        if not check_mode:
            delete_restore_testing_selection(client, plan_name, name)
        return {"changed": True, "restore_testing_selection": {}, "diff": {"before": before, "after": {}}}

    if not current:
        check_new_selection(desired)
        after = selection_result({**desired, "RestoreTestingPlanName": plan_name})
        if check_mode:
            return {"changed": True, "restore_testing_selection": after, "diff": {"before": {}, "after": after}}
        create_restore_testing_selection(client, plan_name, desired)
        final = selection_result(get_restore_testing_selection(client, plan_name, name))
        return {"changed": True, "restore_testing_selection": final, "diff": {"before": {}, "after": final}}

    update = selection_update(current, desired)
    if not update:
        return {"changed": False, "restore_testing_selection": before, "diff": {"before": before, "after": before}}
    if check_mode:
        after = selection_result({**current, **update})
        return {"changed": True, "restore_testing_selection": after, "diff": {"before": before, "after": after}}
    update_restore_testing_selection(client, plan_name, name, update)
    final = selection_result(get_restore_testing_selection(client, plan_name, name))
    return {"changed": True, "restore_testing_selection": final, "diff": {"before": before, "after": final}}


def run_ensure_module(module: Any, ensure: Callable[[Any, dict[str, Any], bool], dict[str, Any]]) -> None:
    """restore_testing_plan and restore_testing_selection: `ensure` (ensure_plan or
    ensure_selection) run with the module's options; bad input fails the task with its message
    unchanged, AWS errors as amazon.aws reports them, and the diff is returned in diff mode only."""
    try:
        result = ensure(module.client("backup"), module.params, module.check_mode)
    except InputError as e:
        module.fail_json(msg=str(e))
    except BackupAWSError as e:
        module.fail_json_aws_error(e)
    if not module._diff:
        result.pop("diff")
    module.exit_json(**result)


def plans_info(client: Any, name: Optional[str]) -> list[dict[str, Any]]:
    """restore_testing_plan_info: the plan named (none when it does not exist) or every plan of the
    Region, each as GetRestoreTestingPlan gives it, with its tags."""
    if name is not None:
        check_name(name, "restore_testing_plan_name")
        names = [name]
    else:
        names = [plan["RestoreTestingPlanName"] for plan in list_restore_testing_plans(client)]
    results = []
    for plan_name in names:
        plan = get_restore_testing_plan(client, plan_name)
        if plan:
            results.append(plan_result(plan, list_tags(client, plan["RestoreTestingPlanArn"])))
    return results


def selections_info(client: Any, plan_name: str, name: Optional[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """restore_testing_selection_info: the selection named or every selection of the plan, each as
    GetRestoreTestingSelection gives it. Returns (results with overrides masked, the raw selections
    for the module to register their secret values)."""
    check_name(plan_name, "restore_testing_plan_name")
    if name is not None:
        check_name(name, "restore_testing_selection_name")
        names = [name]
    else:
        names = [s["RestoreTestingSelectionName"] for s in list_restore_testing_selections(client, plan_name) or []]
    raw = [s for s in (get_restore_testing_selection(client, plan_name, n) for n in names) if s]
    return [selection_result(s) for s in raw], raw
