"""Input validation of every emulated AWS Backup operation, driven by botocore's model.

AWS validates a request against the service's model before the operation runs: member
types, required members, min/max (string length, list size, number range), patterns and
enums. A request that fails answers HTTP 400 with an error code, never a 5xx. botocore
checks some of this client-side (types, required, min) but not all (max, patterns, enums),
and other clients (the AWS CLI with --cli-input-json, raw HTTP, a client with parameter
validation off) check nothing, so the emulator checks it all here, in one place.

The error code is one the operation declares in the model ("errors"): for a missing
required member MissingParameterValueException where declared; for anything else
InvalidParameterValueException where declared, then ValidationException, then
InvalidRequestException. An operation declaring none of them answers ValidationException,
the common error AWS lists for every service ("The input fails to satisfy the constraints
specified by an AWS service", AWS Backup API reference, Common Errors). The message
follows AWS's usual wording ("1 validation error detected: Value 'x' at 'maxResults'
failed to satisfy constraint: Member must have value greater than or equal to 1").

The check works on the request as it came over the wire (path parameters, query string,
headers, JSON body), before moto's parser, which raises (HTTP 500) on values it cannot
convert, such as maxResults=abc.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs

from botocore.model import OperationModel, ServiceModel, Shape

MISSING = "MissingParameterValueException"
INVALID_CODES = ("InvalidParameterValueException", "ValidationException", "InvalidRequestException")
COMMON_VALIDATION_ERROR = "ValidationException"


@dataclass
class ValidationFailure(Exception):
    code: str
    message: str

    def response(self) -> tuple[int, dict[str, str], str]:
        body = json.dumps({"__type": self.code, "message": self.message})
        return 400, {"Content-Type": "application/json", "x-amzn-ErrorType": self.code}, body


@lru_cache(maxsize=None)
def service_model(service_name: str = "backup") -> ServiceModel:
    import botocore.session

    return botocore.session.get_session().get_service_model(service_name)


def error_code(operation: OperationModel, missing: bool) -> str:
    """The code the operation declares for a missing member (missing=True) or a bad one."""
    declared = {shape.name for shape in operation.error_shapes}
    wanted = ((MISSING,) if missing else ()) + INVALID_CODES
    return next((code for code in wanted if code in declared), COMMON_VALIDATION_ERROR)


# ---- reading the request as sent ----------------------------------------------------------

_ABSENT = object()


def wire_input(
    operation: OperationModel, uri_params: dict[str, Any], query: str, headers: Any, body: Any
) -> tuple[dict[str, Any], set[str]]:
    """The top-level input members as sent, keyed by member name, and the names of those
    that arrived as strings (path, query string, header), which carry numbers, booleans
    and timestamps as text. A body that is not a JSON object raises ValidationFailure."""
    shape = operation.input_shape
    values: dict[str, Any] = {}
    textual: set[str] = set()
    if shape is None:
        return values, textual
    querystring = parse_qs(query or "", keep_blank_values=True)
    document = _json_body(operation, body)
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        wire_name = member.serialization.get("name", name)
        value: Any = _ABSENT
        if location == "uri":
            value = uri_params.get(wire_name, _ABSENT)
        elif location == "querystring":
            if member.type_name == "map":
                value = {k: v[0] for k, v in querystring.items()} or _ABSENT
            elif wire_name in querystring:
                value = querystring[wire_name] if member.type_name == "list" else querystring[wire_name][0]
        elif location == "header":
            value = headers.get(wire_name, _ABSENT) if headers is not None else _ABSENT
        elif location in ("headers", "statusCode"):
            continue
        elif member.serialization.get("payload") or shape.serialization.get("payload") == name:
            continue
        elif document is not None and wire_name in document:
            value = document[wire_name]
        if value is _ABSENT:
            continue
        values[name] = value
        if location in ("uri", "querystring", "header"):
            textual.add(name)
    return values, textual


def _json_body(operation: OperationModel, body: Any) -> dict[str, Any] | None:
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    if not body or not body.strip():
        return None
    try:
        document = json.loads(body)
    except ValueError:
        raise ValidationFailure(error_code(operation, False), "Request body is not valid JSON") from None
    if not isinstance(document, dict):
        raise ValidationFailure(error_code(operation, False), "Request body must be a JSON object")
    return document


# ---- checking values against shapes -------------------------------------------------------


def validate_input(operation: OperationModel, values: dict[str, Any], textual: set[str]) -> None:
    """Raise ValidationFailure naming every violation, as AWS lists them all in one message."""
    shape = operation.input_shape
    if shape is None:
        return
    missing = [name for name in shape.required_members if values.get(name) is None]
    if missing:
        raise ValidationFailure(
            error_code(operation, True), f"Missing required parameter in input: {', '.join(missing)}"
        )
    problems: list[str] = []
    for name, value in values.items():
        member = shape.members[name]
        label = member.serialization.get("name", name)
        _check(member, value, label, name in textual, problems)
    if problems:
        noun = "error" if len(problems) == 1 else "errors"
        raise ValidationFailure(
            error_code(operation, False), f"{len(problems)} validation {noun} detected: " + "; ".join(problems)
        )


def _value_text(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= 100 else text[:100] + "..."


def _fail(problems: list[str], value: Any, label: str, constraint: str) -> None:
    problems.append(f"Value '{_value_text(value)}' at '{label}' failed to satisfy constraint: {constraint}")


def _check(shape: Shape, value: Any, label: str, textual: bool, problems: list[str]) -> None:
    kind = shape.type_name
    meta = shape.metadata
    if kind == "string":
        _check_string(shape, value, label, problems)
    elif kind in ("integer", "long"):
        number = _as_integer(value, textual)
        if number is None:
            _fail(problems, value, label, f"Member must be of type {kind}")
            return
        _check_range(number, meta, value, label, problems)
    elif kind in ("float", "double"):
        number = _as_float(value, textual)
        if number is None:
            _fail(problems, value, label, f"Member must be of type {kind}")
            return
        _check_range(number, meta, value, label, problems)
    elif kind == "boolean":
        if not (isinstance(value, bool) or (textual and isinstance(value, str) and value in ("true", "false"))):
            _fail(problems, value, label, "Member must be of type boolean")
    elif kind == "timestamp":
        if not _is_timestamp(value):
            _fail(problems, value, label, "Member must be a timestamp")
    elif kind == "blob":
        if not isinstance(value, str):
            _fail(problems, value, label, "Member must be base64-encoded binary data")
    elif kind == "list":
        if not isinstance(value, list):
            _fail(problems, value, label, "Member must be a list")
            return
        _check_size(len(value), meta, value, label, "length", problems)
        for index, item in enumerate(value):
            _check(shape.member, item, f"{label}.{index + 1}.member", textual, problems)
    elif kind == "map":
        if not isinstance(value, dict):
            _fail(problems, value, label, "Member must be a map")
            return
        _check_size(len(value), meta, value, label, "length", problems)
        for key, item in value.items():
            _check(shape.key, key, f"{label}.key", False, problems)
            _check(shape.value, item, f"{label}.{key}.member", textual, problems)
    elif kind == "structure":
        if not isinstance(value, dict):
            _fail(problems, value, label, "Member must be a structure")
            return
        for required in shape.required_members:
            if value.get(required) is None:
                _fail(problems, None, f"{label}.{required}", "Member must not be null")
        for name, item in value.items():
            if name in shape.members and item is not None:
                _check(shape.members[name], item, f"{label}.{name}", textual, problems)


def _check_string(shape: Shape, value: Any, label: str, problems: list[str]) -> None:
    if not isinstance(value, str):
        _fail(problems, value, label, "Member must be of type string")
        return
    meta = shape.metadata
    _check_size(len(value), meta, value, label, "length", problems)
    enum = shape.metadata.get("enum")
    if enum and value not in enum:
        _fail(problems, value, label, f"Member must satisfy enum value set: [{', '.join(enum)}]")
    pattern = _pattern(meta.get("pattern"))
    if pattern is not None and not pattern.search(value) and not _documented_wildcard(shape, value):
        _fail(problems, value, label, f"Member must satisfy regular expression pattern: {meta['pattern']}")


def _documented_wildcard(shape: Shape, value: str) -> bool:
    # ListBackupJobs/ListRestoreJobs ByAccountId: the pattern is twelve digits, yet the
    # member's documentation says "passing * returns all jobs across the organization".
    return value == "*" and "passing <code>*</code>" in (getattr(shape, "documentation", "") or "")


@lru_cache(maxsize=None)
def _compiled(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:
        return None  # a Java-only construct; the emulator does not guess its meaning


def _pattern(pattern: str | None) -> re.Pattern[str] | None:
    # Smithy patterns are ECMA 262 regular expressions matched anywhere in the value
    # (anchored when they say ^...$), hence search(), not fullmatch().
    return _compiled(pattern) if pattern else None


def _check_size(size: int, meta: dict[str, Any], value: Any, label: str, what: str, problems: list[str]) -> None:
    if "min" in meta and size < meta["min"]:
        _fail(problems, value, label, f"Member must have {what} greater than or equal to {meta['min']}")
    if "max" in meta and size > meta["max"]:
        _fail(problems, value, label, f"Member must have {what} less than or equal to {meta['max']}")


def _check_range(number: float, meta: dict[str, Any], value: Any, label: str, problems: list[str]) -> None:
    if "min" in meta and number < meta["min"]:
        _fail(problems, value, label, f"Member must have value greater than or equal to {meta['min']}")
    if "max" in meta and number > meta["max"]:
        _fail(problems, value, label, f"Member must have value less than or equal to {meta['max']}")


def _as_integer(value: Any, textual: bool) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if textual and isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    return None


def _as_float(value: Any, textual: bool) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if textual and isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _is_timestamp(value: Any) -> bool:
    """ISO 8601 (how botocore sends query-string timestamps), epoch seconds (JSON bodies),
    or the HTTP date format (headers)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    if not isinstance(value, str) or not value.strip():
        return False
    text = value.strip()
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        return True
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
        return True
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime

    try:
        parsedate_to_datetime(text)
        return True
    except (TypeError, ValueError, IndexError):
        return False


def validate_request(
    service_name: str, operation_name: str | None, uri_params: dict[str, Any], query: str, headers: Any, body: Any
) -> None:
    """Raise ValidationFailure when the request breaks the operation's input shape."""
    model = service_model(service_name)
    if not operation_name or operation_name not in model.operation_names:
        return
    operation = model.operation_model(operation_name)
    values, textual = wire_input(operation, uri_params, query, headers, body)
    validate_input(operation, values, textual)


@lru_cache(maxsize=None)
def _routes(service_name: str) -> list[tuple[str, re.Pattern[str], str]]:
    model = service_model(service_name)
    routes = []
    for name in model.operation_names:
        http = model.operation_model(name).http
        path = http["requestUri"].split("?", 1)[0]
        pattern = re.sub(r"\\\{[^}]+\\\+\\\}", ".+", re.escape(path))
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", pattern)
        routes.append((http["method"], re.compile(pattern + "$"), name))
    return routes


def operation_from_path(service_name: str, method: str, path: str) -> str | None:
    """The operation a request is for, by method and path alone. moto's router also wants
    an operation's required query-string members (GetRestoreTestingInferredMetadata's
    BackupVaultName and RecoveryPointArn) before it names the operation, and without a
    name moto answers a bare 404; AWS answers such a request as the operation, missing a
    parameter."""
    found = [name for verb, pattern, name in _routes(service_name) if verb == method and pattern.match(path)]
    return found[0] if len(found) == 1 else None
