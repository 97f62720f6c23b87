# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The restore role's data shaping: restore_targets checked and turned into a plan (one item per
target: the restore job's options, the metadata, what validation compares), the secret part of
each target's metadata, recovery time and recovery point age against the objectives, and the
drill report.

Pure functions over plain data, no AWS and no Ansible (plugins/filter/restore_plan.py exposes
them as filters). Bad input raises PlanError (a ValueError) whose message names the target
(`restore_targets[1] (name 'orders')`) and the field, with every problem found at once.
"""

from __future__ import annotations

import difflib
import json
import re
from datetime import date, datetime, timedelta, timezone
from typing import Any, Optional

from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers import DRIVERS
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers import RESOURCE_TYPES
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers import driver_for
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers import target_fields
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import NO_DEFAULT as _NO_DEFAULT
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import InputError
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import find_key
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import is_sensitive_key
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_job import seeded_idempotency_token
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_module import check_restore_options

MODES = ("recover", "drill", "cleanup", "validate")

# Every type's target fields (drivers' target_options): the types that take each and its default. A
# field left at its default (or None / empty) is not "given", so one target spec can carry the
# defaults of every type.
TYPE_FIELDS = target_fields()
# The keys a target may have: the common ones and every type's fields.
COMMON_KEYS = (
    "name", "resource_type", "recovery_point_arn", "resource_arn", "backup_vault_name", "latest_before", "metadata",
    "secret_metadata", "rto_seconds", "rpo_seconds", "copy_from",
)  # fmt: skip
TARGET_KEYS = COMMON_KEYS + tuple(k for k in TYPE_FIELDS if k not in COMMON_KEYS)
# Field checks by kind of value, for the fields of every type.
_FIELD_TYPES = {name: option.type for driver in DRIVERS.values() for name, option in driver.target_options.items()}

# copy_from: where a drill (or an isolated recovery account) copies the recovery point from before
# restoring it in the role's Region: the source Region and vault, and which point.
COPY_FROM_KEYS = ("region", "backup_vault_name", "recovery_point_arn")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")


class PlanError(InputError):
    """Input the role cannot act on; `problems` holds one message per problem."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


# ---- plain data --------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """`value` as plain JSON data: dicts, lists, str, int, float, bool, None.

    Ansible passes lazy or tagged containers (ansible-core 2.19 data tagging) that must not leak
    into facts; they are rebuilt as dict and list. Strings are returned as they are: a str
    subclass is a str for JSON and YAML, and on ansible-core 2.17 it carries the "unsafe" mark of
    data from AWS, which stops a "{{" in it from being templated later.
    """
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):  # before int: bool is an int in Python
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, dict):
        return {str(k) if not isinstance(k, str) else k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((plain(v) for v in value), key=repr)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


# Registered step results and record parts are read defensively: a step that did not run, or
# failed before returning, leaves a missing or odd-typed value, which reads as empty.
def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else []


def by_name(results: Any) -> dict[str, dict[str, Any]]:
    """A module's per-target results (each carrying the caller's `name`) keyed by that name."""
    return {str(r["name"]): r for r in map(as_dict, as_list(results)) if r.get("name") is not None}


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_nonempty_str(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _given(value: Any) -> bool:
    return value is not None and not (isinstance(value, (str, list, tuple, dict)) and len(value) == 0)


def _is_default(value: Any, default: Any) -> bool:
    if default is _NO_DEFAULT:
        return False
    return isinstance(value, bool) == isinstance(default, bool) and value == default


def _type_list(types: tuple[str, ...]) -> str:
    return " and ".join(types) if len(types) < 3 else f"{', '.join(types[:-1])} and {types[-1]}"


# ---- secrets in metadata ---------------------------------------------------------------------


def _json_structure(value: Any) -> Any:
    if isinstance(value, str) and value.strip()[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return None


def holds_secret(value: Any) -> bool:
    """Whether a metadata value has a credential key inside it (a dict, a list, or JSON text of
    one): such a value as a whole is secret, since no part of it can be shown without the rest."""
    if isinstance(value, dict):
        return any(is_sensitive_key(str(k)) or holds_secret(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(holds_secret(v) for v in value)
    structure = _json_structure(value)
    return structure is not None and holds_secret(structure)


def is_secret_entry(key: Any, value: Any) -> bool:
    return is_sensitive_key(str(key)) or holds_secret(value)


# ---- validation ------------------------------------------------------------------------------


def _label(index: int, target: Any) -> str:
    name = target.get("name") if isinstance(target, dict) else None
    if isinstance(name, str) and name:
        return f"restore_targets[{index}] (name {name!r})"
    return f"restore_targets[{index}] (no name)"


def _check_string_list(field: str, value: Any) -> list[str]:
    if not isinstance(value, (list, tuple)):
        return [f"{field} must be a list of strings, got {type(value).__name__}"]
    return [
        f"{field}[{position}] must be a non-empty string, got {item!r}"
        for position, item in enumerate(value)
        if not _is_nonempty_str(item)
    ]


def _metadata_to_check(target: dict[str, Any]) -> dict[str, Any]:
    """The target's own metadata as given (two spellings of a key stay two, for the modules' check
    to name), secret values replaced, plus what its driver builds for the keys it does not give."""
    given = {str(k): ("(secret)" if is_secret_entry(k, v) and v is not None else plain(v)) for k, v in (target.get("metadata") or {}).items()}
    built = driver_for(target["resource_type"]).restore_metadata(target["name"], target)
    return {**{k: v for k, v in plain(built).items() if find_key(given, k) is None}, **given}


def _check_metadata(target: dict[str, Any]) -> list[str]:
    """metadata and secret_metadata are dictionaries (the restore modules check their keys and values)."""
    return [
        f"{field} must be a dictionary of restore metadata keys and values, got {type(target[field]).__name__}"
        for field in ("metadata", "secret_metadata")
        if target.get(field) is not None and not isinstance(target[field], dict)
    ]


def _check_target(index: int, target: Any, names: dict[str, int], mode: Any = None) -> list[str]:
    if not isinstance(target, dict):
        return [f"restore_targets[{index}] must be a dictionary of target options, got {type(target).__name__}"]
    label = _label(index, target)
    problems: list[str] = []

    resource_type = target.get("resource_type")
    if resource_type not in RESOURCE_TYPES:
        near = [t for t in RESOURCE_TYPES if isinstance(resource_type, str) and t.lower() == resource_type.strip().lower()]
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        what = "is required" if resource_type is None else f"must be one of {', '.join(RESOURCE_TYPES)}, got {resource_type!r}{hint}"
        problems.append(f"resource_type {what}")
        resource_type = None

    problems.extend(_unknown_keys(target, resource_type))

    for field in ("instance_count", "rto_seconds", "rpo_seconds", "port"):
        value = target.get(field)
        if value is None:
            continue
        if not _is_int(value):
            problems.append(f"{field} must be an integer, got {value!r}")
        elif field == "instance_count" and value < 1:
            problems.append(f"instance_count must be at least 1, got {value}")
        elif field in ("rto_seconds", "rpo_seconds") and value <= 0:
            problems.append(f"{field} must be a number of seconds greater than 0, got {value}")
        elif field == "port" and not 1 <= value <= 65535:
            problems.append(f"port must be from 1 to 65535, got {value}")

    name = target.get("name")
    if name is None:
        problems.append("name is required")
    elif not isinstance(name, str) or not name.strip():
        problems.append(f"name must be a non-empty string, got {name!r}")
    else:
        first = names.setdefault(name.lower(), index)
        if first != index:
            problems.append(
                f"name {name!r} is also the name of restore_targets[{first}]; names must be unique, "
                "ignoring case (AWS compares many identifiers without case)"
            )

    copy_problems, copy_point = _check_copy_from(target)
    problems.extend(copy_problems)

    if copy_point and _given(target.get("recovery_point_arn")):
        problems.append(
            "give copy_from.recovery_point_arn (the point to copy), not recovery_point_arn: with copy_from the role "
            "restores the copy it makes"
        )

    for field, (types, default) in TYPE_FIELDS.items():
        value = target.get(field)
        if resource_type is not None and resource_type not in types and _given(value) and not _is_default(value, default):
            problems.append(f"{field} is only supported for {_type_list(types)}")

    for field, kind in _FIELD_TYPES.items():
        value = target.get(field)
        if value is None:
            continue
        if kind == "bool" and not isinstance(value, bool):
            problems.append(f"{field} must be true or false, got {value!r}")
        elif kind == "str" and not _is_nonempty_str(value):
            problems.append(f"{field} must be a non-empty string, got {value!r}")
        elif kind == "list":
            problems.extend(_check_string_list(field, value))
    metadata_problems = _check_metadata(target)
    problems.extend(metadata_problems)
    driver = driver_for(resource_type) if resource_type is not None else None
    if driver is not None and isinstance(name, str) and name.strip():
        problems.extend(driver.check_target(name, target))
        if mode == "drill":
            problems.extend(driver.check_drill(target))
        if not metadata_problems:
            problems.extend(check_restore_options(_restore_options(target, copy_point)))

    return [f"{label}: {problem}" for problem in problems]


def _restore_options(target: dict[str, Any], copy_point: bool) -> dict[str, Any]:
    """The options of the target's restore as the role will start it, for the restore modules' own
    checks (one place, one wording). Secret values are left out: only their keys are checked here,
    and the module checks the values when it starts, hiding them."""
    copy_from = target.get("copy_from") if copy_point else None
    return {
        # With copy_from the restore starts from the copy of this point (or of the resource's newest).
        "recovery_point_arn": copy_from["recovery_point_arn"] if copy_from else target.get("recovery_point_arn"),
        "resource_arn": None if copy_from else target.get("resource_arn"),
        "backup_vault_name": target.get("backup_vault_name"),
        "latest_before": target.get("latest_before"),
        "resource_type": target["resource_type"],
        "metadata": _metadata_to_check(target) or None,
        "secret_metadata": {str(key): "(secret)" for key in target.get("secret_metadata") or {}} or None,
        "metadata_source": "recovery_point" if target.get("backup_vault_name") else "none",
    }


def _unknown_keys(target: dict[str, Any], resource_type: Optional[str]) -> list[str]:
    """A key no target takes, with the key meant where one is close, and the keys a target of its
    type takes (of any type when its type is not known)."""
    driver = driver_for(resource_type) if resource_type is not None else None
    allowed = COMMON_KEYS + tuple(driver.target_options) if driver is not None else TARGET_KEYS
    problems = []
    for key in sorted(str(k) for k in target if k not in TARGET_KEYS):
        near = difflib.get_close_matches(key.lower(), allowed, n=1, cutoff=0.7)
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        what = f"a target of type {driver.resource_type}" if driver is not None else "a target"
        problems.append(f"unknown key {key!r}{hint}; {what} takes {', '.join(allowed)}")
    return problems


def _check_copy_from(target: dict[str, Any]) -> tuple[list[str], bool]:
    """copy_from's problems, and whether it names the recovery point to copy."""
    copy_from = target.get("copy_from")
    if copy_from is None:
        return [], False
    if not isinstance(copy_from, dict):
        return [f"copy_from must be a dictionary with region, backup_vault_name and recovery_point_arn, got {type(copy_from).__name__}"], False
    problems = []
    unknown = sorted(str(k) for k in copy_from if k not in COPY_FROM_KEYS)
    if unknown:
        problems.append(f"copy_from has unknown keys {', '.join(unknown)} (known: {', '.join(COPY_FROM_KEYS)})")
    region = copy_from.get("region")
    if not _is_nonempty_str(region):
        problems.append(f"copy_from.region (the source Region to copy from) is required, got {region!r}")
    elif not _REGION.match(region):
        problems.append(f"copy_from.region must be an AWS Region such as us-east-1, got {region!r}")
    vault = copy_from.get("backup_vault_name")
    if not _is_nonempty_str(vault):
        problems.append(f"copy_from.backup_vault_name (the source vault) is required, got {vault!r}")
    point = copy_from.get("recovery_point_arn")
    if point is not None and not (isinstance(point, str) and point.strip().startswith("arn:")):
        problems.append(f"copy_from.recovery_point_arn must be an ARN (arn:...), got {point!r}")
    if not _is_nonempty_str(target.get("backup_vault_name")):
        problems.append("backup_vault_name (the vault in the role's Region to copy into and restore from) is required with copy_from")
    if _given(target.get("latest_before")):
        problems.append("latest_before is not supported with copy_from (the newest completed point is copied); give copy_from.recovery_point_arn")
    if target.get("in_place") is True:
        problems.append("in_place is not supported with copy_from (a copy restores to a new file system)")
    return problems, _given(point)


def check_targets(targets: Any, mode: Any, run_id: Any) -> None:
    """Raise PlanError with every problem of the role's inputs, or return."""
    problems = []
    if mode not in MODES:
        problems.append(f"restore mode must be one of {', '.join(MODES)}, got {mode!r}")
    if not isinstance(run_id, str) or (mode == "drill" and not run_id.strip()):
        problems.append(f"run_id must be a non-empty string (it names the drill and derives its idempotency tokens), got {run_id!r}")
    if not isinstance(targets, (list, tuple)):
        problems.append(f"restore_targets must be a list of targets, got {type(targets).__name__}")
        raise PlanError(problems)
    if targets and mode == "validate":
        problems.append("restore_targets must be empty in validate mode: it validates what a restore testing plan (restore_testing_plan) restored")
    if not targets and mode not in ("cleanup", "validate"):
        problems.append("restore_targets is empty; give at least one target to restore")
    names: dict[str, int] = {}
    for index, target in enumerate(targets):
        problems.extend(_check_target(index, target, names, mode))
    if problems:
        raise PlanError(problems)


# ---- the plan ----------------------------------------------------------------------------


def idempotency_token(run_id: str, name: str) -> str:
    """The drill's token for one target: the same within a run (a repeated start gets the same
    job from AWS), different in every run (each drill restores anew)."""
    return seeded_idempotency_token({"run_id": run_id, "name": name})


def plan_metadata(target: dict[str, Any]) -> dict[str, Any]:
    """The role's metadata with the target's own merged on top (keys matched case-insensitively,
    the user's spelling wins), without the secret entries: those go through
    secret_metadata and a no_log option, never through facts."""
    merged = plain(driver_for(target["resource_type"]).restore_metadata(target["name"], target))
    for key, value in (target.get("metadata") or {}).items():
        key = str(key)
        existing = find_key(merged, key)
        if existing is not None:
            del merged[existing]
        if not is_secret_entry(key, value):
            merged[key] = plain(value)
    return merged


def target_options(target: dict[str, Any]) -> dict[str, Any]:
    """The target's fields of its type, each given or at the type's default (no default: left out)."""
    driver = driver_for(target["resource_type"])
    options = {}
    for field, option in driver.target_options.items():
        value = target.get(field)
        if value is None and option.default is not _NO_DEFAULT:
            value = option.default
        if value is not None:
            options[field] = value
    return plain(options)


def plan_item(index: int, target: dict[str, Any], mode: str, run_id: str) -> dict[str, Any]:
    driver = driver_for(target["resource_type"])
    name = target["name"]
    metadata = plan_metadata(target)
    options = target_options(target)
    drill = mode == "drill"
    item = {
        "index": index,
        "name": name,
        "resource_type": driver.resource_type,
        # A restore into an existing resource: the target does not name what is restored.
        "in_place": not driver.identity_applies(target),
        "recovery_point_arn": target.get("recovery_point_arn") or None,
        "resource_arn": target.get("resource_arn") or None,
        "backup_vault_name": target.get("backup_vault_name") or None,
        "latest_before": target.get("latest_before") or None,
        # With a vault, start from the recovery point's own metadata.
        "metadata_source": "recovery_point" if target.get("backup_vault_name") else "none",
        "metadata": metadata,
        "force": drill,
        "idempotency_token": idempotency_token(run_id, name) if drill else None,
        "rto_seconds": target.get("rto_seconds"),
        "rpo_seconds": target.get("rpo_seconds"),
        "options": options,
        "settings": driver.usable_settings(name, options, None),
        "has_secret_metadata": bool(secret_metadata(target)),
        "copy_from": _copy_from(target),
        "expected": driver.expected(name, target, metadata),
    }
    return plain(item)


def _copy_from(target: dict[str, Any]) -> Optional[dict[str, Any]]:
    copy_from = target.get("copy_from")
    if not isinstance(copy_from, dict):
        return None
    return {
        "region": copy_from["region"],
        "backup_vault_name": copy_from["backup_vault_name"],
        "recovery_point_arn": copy_from.get("recovery_point_arn") or None,
    }


def build_plan(targets: Any, mode: Any, run_id: Any) -> list[dict[str, Any]]:
    """One plan item per target, in order; PlanError with every problem when the input is bad."""
    check_targets(targets, mode, run_id)
    return [plan_item(index, target, mode, run_id) for index, target in enumerate(targets)]


def secret_metadata(target: dict[str, Any]) -> dict[str, Any]:
    """The secret entries of the target's metadata plus its secret_metadata (later wins)."""
    secret = {}
    for key, value in (target.get("metadata") or {}).items():
        if is_secret_entry(key, value):
            secret[str(key)] = plain(value)
    for key, value in (target.get("secret_metadata") or {}).items():
        existing = find_key(secret, str(key))
        if existing is not None:
            del secret[existing]
        secret[str(key)] = plain(value)
    return secret


# ---- time ------------------------------------------------------------------------------

_ISO_8601 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?"
    r"\s*(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$"
)


def parse_iso8601(value: Any, what: str) -> datetime:
    """A timezone-aware datetime from an ISO 8601 string with any offset or Z (no zone: UTC, as AWS
    reports its dates), or from a datetime. Any number of fraction digits is accepted."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
    match = _ISO_8601.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise PlanError([f"{what}: cannot read {value!r} as an ISO 8601 time (e.g. 2026-11-25T07:30:00Z)"])
    year, month, day, hour, minute, second, fraction, zulu, sign, off_hours, off_minutes = match.groups()
    zone = timezone.utc
    if sign:
        offset = timedelta(hours=int(off_hours), minutes=int(off_minutes or 0))
        zone = timezone(offset if sign == "+" else -offset)
    try:
        return datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
            int((fraction or "0")[:6].ljust(6, "0")), tzinfo=zone,
        )
    except ValueError as e:
        raise PlanError([f"{what}: {value!r} is not a valid time ({e})"]) from None


def survey_targets(targets: Any, single_target: Any = None, source_region: Any = None) -> list[Any]:
    """restore_targets as an AWX survey can give them: a list, or its JSON/YAML text (a survey
    textarea), plus an optional single target from simple survey answers (name, resource_type,
    resource_arn or recovery_point_arn, backup_vault_name; empty answers left out). With
    `source_region` (a regional drill's dr_source_region), the Region of each copy_from that names
    none. The result is checked later by restore_plan, like any restore_targets."""
    if isinstance(targets, (str, bytes)):
        text = targets.decode() if isinstance(targets, bytes) else targets
        if text.strip():
            try:
                import yaml  # JSON is YAML; both come from a textarea

                targets = yaml.safe_load(text)
            except Exception as e:  # noqa: BLE001 - reported as the option's error
                raise PlanError([f"dr_targets is neither a list nor JSON/YAML text of one: {e}"]) from None
        else:
            targets = []
    if targets is None:
        targets = []
    if not isinstance(targets, list):
        raise PlanError([f"dr_targets must be a list of targets (or its JSON/YAML text), got {type(targets).__name__}"])
    result = list(targets)
    if isinstance(single_target, dict):
        answers = {k: v for k, v in single_target.items() if v not in (None, "", [])}
        if answers.get("name"):
            result.append(answers)
    if source_region:
        result = [
            {**t, "copy_from": {**t["copy_from"], "region": t["copy_from"].get("region") or source_region}}
            if isinstance(t, dict) and isinstance(t.get("copy_from"), dict) else t
            for t in result
        ]
    if result:
        # Checked here, so that a bad item of dr_targets fails naming it and its key, before the role
        # checks its arguments.
        try:
            check_targets(result, "recover", "check")
        except PlanError as e:
            raise PlanError([p.replace("restore_targets[", "dr_targets[", 1) for p in e.problems]) from None
    return plain(result)
