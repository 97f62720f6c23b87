"""Restore testing plans and selections for moto's backup service, in moto's style: model
classes with to_dict() in botocore's shapes, a backend per account and Region whose methods
raise moto exceptions, and response methods added to moto's BackupResponse by install().

The backend of an account and Region lives on moto's BackupBackend of that account and Region
(`backup_backend.restore_testing`), so moto's reset (every backend's __init__ again) clears it
with the rest; `restore_testing_backend(account_id, region_name)` is the accessor.

Sources: the AWS Backup API reference (CreateRestoreTestingPlan, CreateRestoreTestingSelection,
UpdateRestoreTestingPlan, UpdateRestoreTestingSelection, DeleteRestoreTestingPlan, ... and the
shapes RestoreTestingPlanForCreate, RestoreTestingSelectionForCreate,
RestoreTestingRecoveryPointSelection), which botocore's backup service model carries as its
documentation. Where AWS is silent, README.md ("Behaviours and their sources") says what the
emulator chose.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

from moto.backup.exceptions import (
    AlreadyExistsException,
    InvalidParameterValueException,
    InvalidRequestException,
    ResourceNotFoundException,
)
from moto.core.common_models import BaseModel
from moto.core.responses import ActionResult, EmptyResult
from moto.utilities.paginator import paginate
from moto.utilities.utils import get_partition

from .exceptions import MissingParameterValueException
from .models import _now, _without_none
from .settings import emulator_settings

# "it must consist of only alphanumeric characters and underscores" ... "Maximum length is 50"
# (RestoreTestingPlanName, RestoreTestingSelectionName).
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_]{1,50}$")
# CreatorRequestId: "If used, this parameter must contain 1 to 50 alphanumeric or '-_.' characters."
CREATOR_REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9\-_.]{1,50}$")
# RestoreTestingRecoveryPointSelection: "SelectionWindowDays ... Accepted values are integers from
# 1 to 365. If not included, the value defaults to 30." ExcludeVaults "Defaults to empty list".
SELECTION_WINDOW_DAYS = (1, 365)
DEFAULT_SELECTION_WINDOW_DAYS = 30
# StartWindowHours: "Defaults to 24 hours ... this parameter has a maximum value of 168 hours".
MAX_START_WINDOW_HOURS = 168
DEFAULT_START_WINDOW_HOURS = 24
# ValidationWindowHours: the operations the emulator serves (CreateRestoreTestingSelection,
# UpdateRestoreTestingSelection) document "0 to 168"; GetRestoreTestingSelection's shape and the
# developer guide say 1 to 168. The emulator accepts what the called operation documents.
VALIDATION_WINDOW_HOURS = (0, 168)
# "you can include up to 30 specific protected resource ARNs in ProtectedResourceArns"
# (CreateRestoreTestingSelection).
MAX_PROTECTED_RESOURCE_ARNS = 30
# ProtectedResourceType, CreateRestoreTestingSelection: "Supported resource types accepted include".
PROTECTED_RESOURCE_TYPES = ("Aurora", "DocumentDB", "DynamoDB", "EBS", "EC2", "EFS", "FSx", "Neptune", "RDS", "S3")
ALGORITHMS = ("LATEST_WITHIN_WINDOW", "RANDOM_WITHIN_WINDOW")
RECOVERY_POINT_TYPES = ("CONTINUOUS", "SNAPSHOT")
# KeyValue (ProtectedResourceConditions): Key 1-128, "can't start with aws:",
# ^(?![aA]{1}[wW]{1}[sS]{1}:)([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$; Value up to 256, ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$
_TAG_CHARS = r"[\w\s.:/=+\-@]"
CONDITION_KEY_PATTERN = re.compile(rf"^(?![aA][wW][sS]:){_TAG_CHARS}{{1,128}}$")
CONDITION_VALUE_PATTERN = re.compile(rf"^{_TAG_CHARS}{{0,256}}$")
# "CRON expression in specified timezone": backup plans' form, cron( six fields ).
CRON_PATTERN = re.compile(r"^cron\(\s*\S+(\s+\S+){5}\s*\)$")
IAM_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/.+$")

_PAGE = {"limit_key": "max_results", "limit_default": 1000, "fail_on_invalid_token": InvalidParameterValueException}
PAGINATION_MODEL = {
    "list_restore_testing_plans": {"input_token": "next_token", "unique_attribute": "name", **_PAGE},
    "list_restore_testing_selections": {"input_token": "next_token", "unique_attribute": "name", **_PAGE},
}


def _now_ms() -> datetime:
    # "The value of CreationTime is accurate to milliseconds" (RestoreTestingPlanForGet)
    now = _now()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def _check_name(member: str, value: Any) -> str:
    if not value:
        raise MissingParameterValueException(f"{member} is required")
    if not isinstance(value, str) or not NAME_PATTERN.match(value):
        raise InvalidParameterValueException(
            f"{member} {value!r} is invalid: it must consist of only alphanumeric characters and underscores, at most 50"
        )
    return value


def _check_creator_request_id(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not CREATOR_REQUEST_ID_PATTERN.match(value):
        raise InvalidParameterValueException("CreatorRequestId must contain 1 to 50 alphanumeric or '-_.' characters")
    return value


def _check_int(member: str, value: Any, low: int, high: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidParameterValueException(f"{member} must be an integer from {low} to {high}, got {value!r}")
    return value


def _check_schedule(expression: Any, timezone_name: Any) -> None:
    if not isinstance(expression, str) or not CRON_PATTERN.match(expression.strip()):
        raise InvalidParameterValueException(f"ScheduleExpression {expression!r} is not a cron expression such as cron(0 5 ? * * *)")
    if timezone_name is not None:
        from zoneinfo import available_timezones

        if timezone_name not in available_timezones():
            raise InvalidParameterValueException(f"ScheduleExpressionTimezone {timezone_name!r} is not a known time zone")


def _recovery_point_selection(selection: Any) -> dict[str, Any]:
    """RestoreTestingRecoveryPointSelection as stored: checked, with AWS's defaults filled in."""
    if not isinstance(selection, dict):
        raise MissingParameterValueException("RecoveryPointSelection is required")
    # UpdateRestoreTestingPlan: "Required: Algorithm; RecoveryPointTypes; IncludeVaults (one or more)."
    for member in ("Algorithm", "IncludeVaults", "RecoveryPointTypes"):
        if not selection.get(member):
            raise MissingParameterValueException(f"RecoveryPointSelection.{member} is required")
    if selection["Algorithm"] not in ALGORITHMS:
        raise InvalidParameterValueException(f"RecoveryPointSelection.Algorithm must be one of {', '.join(ALGORITHMS)}")
    types = selection["RecoveryPointTypes"]
    if any(t not in RECOVERY_POINT_TYPES for t in types) or len(set(types)) != len(types):
        raise InvalidParameterValueException(
            f"RecoveryPointSelection.RecoveryPointTypes must hold SNAPSHOT and/or CONTINUOUS, got {types!r}"
        )
    days = selection.get("SelectionWindowDays")
    _check_int("RecoveryPointSelection.SelectionWindowDays", days, *SELECTION_WINDOW_DAYS)
    return {
        "Algorithm": selection["Algorithm"],
        "IncludeVaults": list(selection["IncludeVaults"]),
        "ExcludeVaults": list(selection.get("ExcludeVaults") or []),
        "RecoveryPointTypes": list(types),
        "SelectionWindowDays": DEFAULT_SELECTION_WINDOW_DAYS if days is None else days,
    }


def _check_conditions(conditions: Any) -> dict[str, list[dict[str, str]]] | None:
    if conditions is None:
        return None
    checked: dict[str, list[dict[str, str]]] = {}
    for member in ("StringEquals", "StringNotEquals"):
        pairs = conditions.get(member)
        if pairs is None:
            continue
        for pair in pairs:
            key, value = pair.get("Key"), pair.get("Value")
            if key is None or value is None:
                raise MissingParameterValueException(f"ProtectedResourceConditions.{member}: Key and Value are required")
            if not CONDITION_KEY_PATTERN.match(key):
                raise InvalidParameterValueException(
                    f"ProtectedResourceConditions.{member} key {key!r} is invalid (1 to 128 characters, not starting with aws:)"
                )
            if not CONDITION_VALUE_PATTERN.match(value):
                raise InvalidParameterValueException(f"ProtectedResourceConditions.{member} value {value!r} is invalid")
        checked[member] = [{"Key": p["Key"], "Value": p["Value"]} for p in pairs]
    return checked


def _has_conditions(conditions: dict[str, Any] | None) -> bool:
    return bool(conditions and (conditions.get("StringEquals") or conditions.get("StringNotEquals")))


def _check_resources(arns: list[str] | None, conditions: dict[str, Any] | None) -> None:
    """"A restore testing selection can include a wildcard value ("*") for ProtectedResourceArns
    along with ProtectedResourceConditions. Alternatively, you can include up to 30 specific
    protected resource ARNs in ProtectedResourceArns." ... "but not both"
    (CreateRestoreTestingSelection)."""
    if not arns and not _has_conditions(conditions):
        raise MissingParameterValueException("ProtectedResourceArns or ProtectedResourceConditions is required")
    if arns is None:
        return
    if "*" in arns and arns != ["*"]:
        raise InvalidParameterValueException('ProtectedResourceArns takes either the wildcard ["*"] or specific ARNs, not both')
    if arns != ["*"]:
        if len(arns) > MAX_PROTECTED_RESOURCE_ARNS:
            raise InvalidParameterValueException(
                f"ProtectedResourceArns holds {len(arns)} ARNs; at most {MAX_PROTECTED_RESOURCE_ARNS} specific ARNs are allowed"
            )
        if _has_conditions(conditions):
            raise InvalidParameterValueException(
                'ProtectedResourceConditions can only be given with the wildcard ProtectedResourceArns ["*"], not with specific ARNs'
            )
        bad = [arn for arn in arns if not str(arn).startswith("arn:")]
        if bad:
            raise InvalidParameterValueException(f"ProtectedResourceArns: {bad[0]!r} is not an ARN")


def _check_overrides(overrides: Any) -> dict[str, str] | None:
    if overrides is None:
        return None
    if any(not isinstance(v, str) for v in overrides.values()):
        raise InvalidParameterValueException("RestoreMetadataOverrides values must be strings")
    return dict(overrides)


class RestoreTestingPlan(BaseModel):
    def __init__(self, backend: RestoreTestingBackend, body: dict[str, Any], creator_request_id: str | None):
        self.name = body["RestoreTestingPlanName"]
        # The Service Authorization Reference's form for the restoreTestingPlan resource:
        # arn:${Partition}:backup:${Region}:${Account}:restore-testing-plan:${RestoreTestingPlanName}-${Id}
        self.arn = (
            f"arn:{get_partition(backend.region_name)}:backup:{backend.region_name}:{backend.account_id}"
            f":restore-testing-plan:{self.name}-{uuid.uuid4()}"
        )
        self.creator_request_id = creator_request_id
        self.creation_time = _now_ms()
        self.last_update_time: datetime | None = None
        self.last_execution_time: datetime | None = None
        self.schedule_expression: str = body["ScheduleExpression"]
        self.schedule_expression_timezone: str | None = body.get("ScheduleExpressionTimezone")
        self.start_window_hours: int = body.get("StartWindowHours") or DEFAULT_START_WINDOW_HOURS
        self.recovery_point_selection = _recovery_point_selection(body.get("RecoveryPointSelection"))
        self.selections: dict[str, RestoreTestingSelection] = {}

    def to_dict(self) -> dict[str, Any]:
        """RestoreTestingPlanForGet."""
        return _without_none(
            {
                "CreationTime": self.creation_time,
                "CreatorRequestId": self.creator_request_id,
                "LastExecutionTime": self.last_execution_time,
                "LastUpdateTime": self.last_update_time,
                "RecoveryPointSelection": {k: list(v) if isinstance(v, list) else v for k, v in self.recovery_point_selection.items()},
                "RestoreTestingPlanArn": self.arn,
                "RestoreTestingPlanName": self.name,
                "ScheduleExpression": self.schedule_expression,
                "ScheduleExpressionTimezone": self.schedule_expression_timezone,
                "StartWindowHours": self.start_window_hours,
            }
        )

    def to_list_dict(self) -> dict[str, Any]:
        """RestoreTestingPlanForList."""
        full = self.to_dict()
        return {k: full[k] for k in (
            "CreationTime", "LastExecutionTime", "LastUpdateTime", "RestoreTestingPlanArn", "RestoreTestingPlanName",
            "ScheduleExpression", "ScheduleExpressionTimezone", "StartWindowHours",
        ) if k in full}  # fmt: skip


class RestoreTestingSelection(BaseModel):
    def __init__(self, plan: RestoreTestingPlan, body: dict[str, Any], creator_request_id: str | None):
        self.plan = plan
        self.name = body["RestoreTestingSelectionName"]
        self.creator_request_id = creator_request_id
        self.creation_time = _now_ms()
        self.update_time: datetime | None = None
        self.iam_role_arn: str = body["IamRoleArn"]
        self.protected_resource_type: str = body["ProtectedResourceType"]
        self.protected_resource_arns: list[str] | None = body.get("ProtectedResourceArns")
        self.protected_resource_conditions: dict[str, Any] | None = body.get("ProtectedResourceConditions")
        self.restore_metadata_overrides: dict[str, str] | None = body.get("RestoreMetadataOverrides")
        self.validation_window_hours: int | None = body.get("ValidationWindowHours")

    def to_dict(self) -> dict[str, Any]:
        """RestoreTestingSelectionForGet."""
        return _without_none(
            {
                "CreationTime": self.creation_time,
                "CreatorRequestId": self.creator_request_id,
                "IamRoleArn": self.iam_role_arn,
                "ProtectedResourceArns": list(self.protected_resource_arns) if self.protected_resource_arns is not None else None,
                "ProtectedResourceConditions": (
                    {k: [dict(p) for p in v] for k, v in self.protected_resource_conditions.items()}
                    if self.protected_resource_conditions is not None
                    else None
                ),
                "ProtectedResourceType": self.protected_resource_type,
                "RestoreMetadataOverrides": dict(self.restore_metadata_overrides) if self.restore_metadata_overrides is not None else None,
                "RestoreTestingPlanName": self.plan.name,
                "RestoreTestingSelectionName": self.name,
                "ValidationWindowHours": self.validation_window_hours,
            }
        )

    def to_list_dict(self) -> dict[str, Any]:
        """RestoreTestingSelectionForList."""
        full = self.to_dict()
        return {k: full[k] for k in (
            "CreationTime", "IamRoleArn", "ProtectedResourceType", "RestoreTestingPlanName",
            "RestoreTestingSelectionName", "ValidationWindowHours",
        ) if k in full}  # fmt: skip


class RestoreTestingBackend:
    """The restore testing plans of one account and Region."""

    def __init__(self, region_name: str, account_id: str):
        self.region_name = region_name
        self.account_id = account_id
        self.plans: dict[str, RestoreTestingPlan] = {}

    # ---- public helpers for the emulator's controls --------------------------------------

    def get_plan(self, name: str) -> dict[str, Any]:
        """GetRestoreTestingPlan's RestoreTestingPlan."""
        return self._plan(name).to_dict()

    def list_selections(self, plan_name: str) -> list[dict[str, Any]]:
        """GetRestoreTestingSelection's RestoreTestingSelection of every selection of the plan."""
        return [s.to_dict() for s in self._plan(plan_name).selections.values()]

    def record_execution(self, plan_name: str, when: datetime | None = None) -> None:
        """Set the plan's LastExecutionTime, as a run of its schedule does."""
        self._plan(plan_name).last_execution_time = when or _now_ms()

    # ---- plans ---------------------------------------------------------------------------

    def _plan(self, name: str | None) -> RestoreTestingPlan:
        if not name:
            raise MissingParameterValueException("RestoreTestingPlanName is required")
        plan = self.plans.get(name)
        if plan is None:
            raise ResourceNotFoundException(f"Restore testing plan {name} not found")
        return plan

    def create_restore_testing_plan(
        self, restore_testing_plan: dict[str, Any] | None, creator_request_id: str | None = None, tags: dict[str, str] | None = None
    ) -> RestoreTestingPlan:
        with emulator_settings.lock:
            creator_request_id = _check_creator_request_id(creator_request_id)
            if creator_request_id:
                # "If the request includes a CreatorRequestId that matches an existing backup plan,
                # that plan is returned." (RestoreTestingPlanForGet CreatorRequestId)
                for plan in self.plans.values():
                    if plan.creator_request_id == creator_request_id:
                        return plan
            if not isinstance(restore_testing_plan, dict):
                raise MissingParameterValueException("RestoreTestingPlan is required")
            name = _check_name("RestoreTestingPlanName", restore_testing_plan.get("RestoreTestingPlanName"))
            if not restore_testing_plan.get("ScheduleExpression"):
                raise MissingParameterValueException("ScheduleExpression is required")
            _check_schedule(restore_testing_plan["ScheduleExpression"], restore_testing_plan.get("ScheduleExpressionTimezone"))
            _check_int("StartWindowHours", restore_testing_plan.get("StartWindowHours"), 1, MAX_START_WINDOW_HOURS)
            if name in self.plans:
                raise AlreadyExistsException(f"Restore testing plan {name} already exists")
            plan = RestoreTestingPlan(self, restore_testing_plan, creator_request_id)
            self.plans[name] = plan
            if tags:
                _backup_backend(self).tag_resource(plan.arn, tags)
            return plan

    def get_restore_testing_plan(self, name: str) -> RestoreTestingPlan:
        return self._plan(name)

    def update_restore_testing_plan(self, name: str, restore_testing_plan: dict[str, Any] | None) -> RestoreTestingPlan:
        with emulator_settings.lock:
            plan = self._plan(name)
            if not isinstance(restore_testing_plan, dict):
                raise MissingParameterValueException("RestoreTestingPlan is required")
            body = restore_testing_plan
            schedule = body.get("ScheduleExpression", plan.schedule_expression)
            timezone_name = body.get("ScheduleExpressionTimezone", plan.schedule_expression_timezone)
            _check_schedule(schedule, timezone_name)
            _check_int("StartWindowHours", body.get("StartWindowHours"), 1, MAX_START_WINDOW_HOURS)
            # the members given replace the plan's; RecoveryPointSelection as a whole, its
            # optional members taking their defaults again when left out
            selection = _recovery_point_selection(body["RecoveryPointSelection"]) if "RecoveryPointSelection" in body else None
            plan.schedule_expression = schedule
            plan.schedule_expression_timezone = timezone_name
            if body.get("StartWindowHours") is not None:
                plan.start_window_hours = body["StartWindowHours"]
            if selection is not None:
                plan.recovery_point_selection = selection
            plan.last_update_time = _now_ms()
            return plan

    def delete_restore_testing_plan(self, name: str) -> None:
        with emulator_settings.lock:
            plan = self._plan(name)
            if plan.selections:
                # "Deletion can only successfully occur if all associated restore testing
                # selections are deleted first." InvalidRequestException is the one client error
                # DeleteRestoreTestingPlan declares.
                raise InvalidRequestException(
                    f"Restore testing plan {name} has restore testing selections ({', '.join(sorted(plan.selections))}); "
                    "delete them before the plan"
                )
            del self.plans[name]
            _backup_backend(self).tagger.delete_all_tags_for_resource(plan.arn)

    @paginate(pagination_model=PAGINATION_MODEL)
    def list_restore_testing_plans(self) -> list[RestoreTestingPlan]:
        return sorted(self.plans.values(), key=lambda plan: plan.name)

    # ---- selections ----------------------------------------------------------------------

    def _selection(self, plan_name: str, name: str | None) -> RestoreTestingSelection:
        plan = self._plan(plan_name)
        if not name:
            raise MissingParameterValueException("RestoreTestingSelectionName is required")
        selection = plan.selections.get(name)
        if selection is None:
            raise ResourceNotFoundException(f"Restore testing selection {name} not found in plan {plan_name}")
        return selection

    def create_restore_testing_selection(
        self, plan_name: str, restore_testing_selection: dict[str, Any] | None, creator_request_id: str | None = None
    ) -> RestoreTestingSelection:
        with emulator_settings.lock:
            plan = self._plan(plan_name)
            creator_request_id = _check_creator_request_id(creator_request_id)
            if creator_request_id:
                for selection in plan.selections.values():
                    if selection.creator_request_id == creator_request_id:
                        return selection
            if not isinstance(restore_testing_selection, dict):
                raise MissingParameterValueException("RestoreTestingSelection is required")
            body = dict(restore_testing_selection)
            name = _check_name("RestoreTestingSelectionName", body.get("RestoreTestingSelectionName"))
            for member in ("IamRoleArn", "ProtectedResourceType"):
                if not body.get(member):
                    raise MissingParameterValueException(f"{member} is required")
            if not IAM_ROLE_ARN.match(body["IamRoleArn"]):
                raise InvalidParameterValueException(f"IamRoleArn {body['IamRoleArn']!r} is not an IAM role ARN")
            if body["ProtectedResourceType"] not in PROTECTED_RESOURCE_TYPES:
                raise InvalidParameterValueException(
                    f"ProtectedResourceType {body['ProtectedResourceType']!r} is not one of {', '.join(PROTECTED_RESOURCE_TYPES)}"
                )
            body["ProtectedResourceConditions"] = _check_conditions(body.get("ProtectedResourceConditions"))
            _check_resources(body.get("ProtectedResourceArns"), body["ProtectedResourceConditions"])
            body["RestoreMetadataOverrides"] = _check_overrides(body.get("RestoreMetadataOverrides"))
            _check_int("ValidationWindowHours", body.get("ValidationWindowHours"), *VALIDATION_WINDOW_HOURS)
            if name in plan.selections:
                raise AlreadyExistsException(f"Restore testing selection {name} already exists in plan {plan_name}")
            selection = RestoreTestingSelection(plan, body, creator_request_id)
            plan.selections[name] = selection
            return selection

    def get_restore_testing_selection(self, plan_name: str, name: str) -> RestoreTestingSelection:
        return self._selection(plan_name, name)

    def update_restore_testing_selection(
        self, plan_name: str, name: str, restore_testing_selection: dict[str, Any] | None
    ) -> RestoreTestingSelection:
        with emulator_settings.lock:
            selection = self._selection(plan_name, name)
            if not isinstance(restore_testing_selection, dict):
                raise MissingParameterValueException("RestoreTestingSelection is required")
            body = restore_testing_selection
            arns = body.get("ProtectedResourceArns")
            conditions = _check_conditions(body.get("ProtectedResourceConditions"))
            # "To update your restore testing selection, you can use either protected resource
            # ARNs or conditions, but not both. That is, if your selection has
            # ProtectedResourceArns, requesting an update with the parameter
            # ProtectedResourceConditions will be unsuccessful." (RestoreTestingSelectionForUpdate)
            if arns is not None and conditions is not None:
                raise InvalidParameterValueException(
                    "An update takes either ProtectedResourceArns or ProtectedResourceConditions, not both"
                )
            stored_arns = selection.protected_resource_arns
            if conditions is not None and stored_arns and stored_arns != ["*"]:
                raise InvalidParameterValueException(
                    "This restore testing selection has specific ProtectedResourceArns; it cannot be updated with ProtectedResourceConditions"
                )
            new_arns = stored_arns if arns is None else list(arns)
            new_conditions = selection.protected_resource_conditions if conditions is None else conditions
            _check_resources(new_arns, new_conditions)
            if body.get("IamRoleArn") is not None and not IAM_ROLE_ARN.match(body["IamRoleArn"]):
                raise InvalidParameterValueException(f"IamRoleArn {body['IamRoleArn']!r} is not an IAM role ARN")
            overrides = _check_overrides(body.get("RestoreMetadataOverrides"))
            _check_int("ValidationWindowHours", body.get("ValidationWindowHours"), *VALIDATION_WINDOW_HOURS)
            selection.protected_resource_arns = new_arns
            selection.protected_resource_conditions = new_conditions
            if body.get("IamRoleArn") is not None:
                selection.iam_role_arn = body["IamRoleArn"]
            if overrides is not None:
                selection.restore_metadata_overrides = overrides
            if body.get("ValidationWindowHours") is not None:
                selection.validation_window_hours = body["ValidationWindowHours"]
            selection.update_time = _now_ms()
            return selection

    def delete_restore_testing_selection(self, plan_name: str, name: str) -> None:
        with emulator_settings.lock:
            self._selection(plan_name, name)
            del self.plans[plan_name].selections[name]

    @paginate(pagination_model=PAGINATION_MODEL)
    def list_restore_testing_selections(self, plan_name: str) -> list[RestoreTestingSelection]:
        return sorted(self._plan(plan_name).selections.values(), key=lambda selection: selection.name)


def _backup_backend(backend: RestoreTestingBackend) -> Any:
    from moto.backup.models import backup_backends

    return backup_backends[backend.account_id][backend.region_name]


def restore_testing_backend(account_id: str = "123456789012", region_name: str = "us-east-1") -> RestoreTestingBackend:
    """The restore testing plans of an account and Region (moto's default account by default)."""
    from moto.backup.models import backup_backends

    return backup_backends[account_id][region_name].restore_testing


def init_restore_testing_state(backup_backend: Any) -> None:
    backup_backend.restore_testing = RestoreTestingBackend(backup_backend.region_name, backup_backend.account_id)


# The REST paths (requestUri in botocore's backup model); install() routes them to BackupResponse.
URL_PATHS = [
    "{0}/restore-testing/plans$",
    "{0}/restore-testing/plans/$",
    "{0}/restore-testing/plans/(?P<RestoreTestingPlanName>[^/]+)$",
    "{0}/restore-testing/plans/(?P<RestoreTestingPlanName>[^/]+)/selections$",
    "{0}/restore-testing/plans/(?P<RestoreTestingPlanName>[^/]+)/selections/$",
    "{0}/restore-testing/plans/(?P<RestoreTestingPlanName>[^/]+)/selections/(?P<RestoreTestingSelectionName>[^/]+)$",
]


class RestoreTestingResponseMixin:
    """Methods added to moto.backup.responses.BackupResponse by tests.emulator.install()."""

    backup_backend: Any

    def _restore_testing(self) -> RestoreTestingBackend:
        return self.backup_backend.restore_testing

    def create_restore_testing_plan(self) -> ActionResult:
        p = self._model_params()  # type: ignore[attr-defined]
        plan = self._restore_testing().create_restore_testing_plan(
            p.get("RestoreTestingPlan"), p.get("CreatorRequestId"), p.get("Tags")
        )
        return ActionResult(
            {"CreationTime": plan.creation_time, "RestoreTestingPlanArn": plan.arn, "RestoreTestingPlanName": plan.name}
        )

    def get_restore_testing_plan(self) -> ActionResult:
        p = self._model_params()  # type: ignore[attr-defined]
        return ActionResult({"RestoreTestingPlan": self._restore_testing().get_restore_testing_plan(p.get("RestoreTestingPlanName")).to_dict()})

    def update_restore_testing_plan(self) -> ActionResult:
        p = self._model_params()  # type: ignore[attr-defined]
        plan = self._restore_testing().update_restore_testing_plan(p.get("RestoreTestingPlanName"), p.get("RestoreTestingPlan"))
        return ActionResult(
            {
                "CreationTime": plan.creation_time,
                "RestoreTestingPlanArn": plan.arn,
                "RestoreTestingPlanName": plan.name,
                "UpdateTime": plan.last_update_time,
            }
        )

    def delete_restore_testing_plan(self) -> EmptyResult:
        p = self._model_params()  # type: ignore[attr-defined]
        self._restore_testing().delete_restore_testing_plan(p.get("RestoreTestingPlanName"))
        return EmptyResult()

    def list_restore_testing_plans(self) -> ActionResult:
        p = self._model_params()  # type: ignore[attr-defined]
        plans, next_token = self._restore_testing().list_restore_testing_plans(
            max_results=p.get("MaxResults"), next_token=p.get("NextToken")
        )
        return ActionResult({"RestoreTestingPlans": [plan.to_list_dict() for plan in plans], "NextToken": next_token})

    def create_restore_testing_selection(self) -> ActionResult:
        p = self._model_params()  # type: ignore[attr-defined]
        selection = self._restore_testing().create_restore_testing_selection(
            p.get("RestoreTestingPlanName"), p.get("RestoreTestingSelection"), p.get("CreatorRequestId")
        )
        return ActionResult(
            {
                "CreationTime": selection.creation_time,
                "RestoreTestingPlanArn": selection.plan.arn,
                "RestoreTestingPlanName": selection.plan.name,
                "RestoreTestingSelectionName": selection.name,
            }
        )

    def get_restore_testing_selection(self) -> ActionResult:
        p = self._model_params()  # type: ignore[attr-defined]
        selection = self._restore_testing().get_restore_testing_selection(
            p.get("RestoreTestingPlanName"), p.get("RestoreTestingSelectionName")
        )
        return ActionResult({"RestoreTestingSelection": selection.to_dict()})

    def update_restore_testing_selection(self) -> ActionResult:
        p = self._model_params()  # type: ignore[attr-defined]
        selection = self._restore_testing().update_restore_testing_selection(
            p.get("RestoreTestingPlanName"), p.get("RestoreTestingSelectionName"), p.get("RestoreTestingSelection")
        )
        return ActionResult(
            {
                "CreationTime": selection.creation_time,
                "RestoreTestingPlanArn": selection.plan.arn,
                "RestoreTestingPlanName": selection.plan.name,
                "RestoreTestingSelectionName": selection.name,
                "UpdateTime": selection.update_time,
            }
        )

    def delete_restore_testing_selection(self) -> EmptyResult:
        p = self._model_params()  # type: ignore[attr-defined]
        self._restore_testing().delete_restore_testing_selection(p.get("RestoreTestingPlanName"), p.get("RestoreTestingSelectionName"))
        return EmptyResult()

    def list_restore_testing_selections(self) -> ActionResult:
        p = self._model_params()  # type: ignore[attr-defined]
        selections, next_token = self._restore_testing().list_restore_testing_selections(
            plan_name=p.get("RestoreTestingPlanName"), max_results=p.get("MaxResults"), next_token=p.get("NextToken")
        )
        return ActionResult(
            {"RestoreTestingSelections": [s.to_list_dict() for s in selections], "NextToken": next_token}
        )


__all__ = [
    "RestoreTestingBackend",
    "RestoreTestingPlan",
    "RestoreTestingSelection",
    "RestoreTestingResponseMixin",
    "restore_testing_backend",
    "URL_PATHS",
]
