# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Restore metadata for StartRestoreJob: YAML values to the strings AWS takes, the limits AWS
documents for every type, and masking of sensitive values. The rules of one resource type are
its driver's (drivers.base.Driver.check_metadata and the metadata methods next to it).

Pure functions, no AWS and no Ansible: they raise InputError (a ValueError) whose
message names the option (`metadata.<key>`) so a module can fail with it unchanged.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterable

from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import InputError

MASK = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"

# Keys naming credentials, matched case-insensitively on the key with "-", "_", "." and blanks
# removed, so MasterUserPassword, master-user-password and secret_access_key all match. AWS's
# restore metadata uses several spellings (MasterUserPassword, ...Pwd, ...Passwd), and keys named
# after key material end in "Key" (PrivateKey, SshKey, EncryptionKey): a masked identifier is a
# small loss, a shown secret is not.
SENSITIVE_KEY_PARTS = (
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "secret",
    "token",
    "credential",
    "privatekey",
    "apikey",
    "accesskey",
)
SENSITIVE_KEY_SUFFIXES = ("key",)
# EFS's CreationToken is the EFS idempotency value (AWS: "A user-supplied value that ensures
# the uniqueness (idempotency) of the request"), not a credential: EFS itself returns it in
# DescribeFileSystems. IdempotencyToken is the same for AWS Backup. Masking them would hide what a
# restore was asked to do and, registered as no_log values, would blank those strings everywhere
# in the output. They are never masked.
NOT_SENSITIVE_KEYS = frozenset({"creationtoken", "idempotencytoken"})

NOT_SECRET_VALUES = frozenset({"true", "false"})

# The resource types StartRestoreJob documents (ResourceType, AWS Backup API reference).
DOCUMENTED_RESOURCE_TYPES = (
    "Aurora",
    "DocumentDB",
    "CloudFormation",
    "DynamoDB",
    "EBS",
    "EC2",
    "EFS",
    "FSx",
    "Neptune",
    "RDS",
    "Redshift",
    "Storage Gateway",
    "S3",
    "Timestream",
    "VirtualMachine",
)

# "The maximum size of the restore metadata is 200 KB" (keys and values as sent; AWS Backup
# developer guide, "Restore an Amazon EFS file system").
MAX_METADATA_BYTES = 200 * 1024


def _normalized_key(key: str) -> str:
    return re.sub(r"[-_.\s]", "", key).lower()


def is_sensitive_key(key: str) -> bool:
    normalized = _normalized_key(str(key))
    if normalized in NOT_SENSITIVE_KEYS:
        return False
    return any(part in normalized for part in SENSITIVE_KEY_PARTS) or normalized.endswith(SENSITIVE_KEY_SUFFIXES)


def to_aws_value(key: str, value: Any) -> str:
    """One metadata value as AWS takes it: booleans "true"/"false", numbers as text, lists and
    dicts as compact JSON (e.g. ItemsToRestore: ["/a"] -> '["/a"]'), strings unchanged."""
    if value is None:
        raise InputError(f"metadata.{key} has no value; give a value or leave the key out")
    if isinstance(value, bool):  # before int: bool is an int in Python
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple, dict)):
        try:
            return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
        except (TypeError, ValueError) as e:
            raise InputError(f"metadata.{key} cannot be written as JSON: {e}") from None
    return str(value)


def to_aws_metadata(metadata: dict[Any, Any] | None) -> dict[str, str]:
    """The user's metadata dict as the string map StartRestoreJob takes."""
    if metadata is None:
        return {}
    if not isinstance(metadata, dict):
        raise InputError(f"metadata must be a dictionary of keys and values, got {type(metadata).__name__}")
    converted: dict[str, str] = {}
    seen: dict[str, str] = {}
    for raw_key, value in metadata.items():
        key = str(raw_key).strip()
        if not key:
            raise InputError("metadata has an empty key")
        # AWS reads keys case-insensitively, so two spellings of one key would contradict each other.
        if key.lower() in seen:
            raise InputError(
                f"metadata gives {seen[key.lower()]!r} and {key!r}: AWS reads keys case-insensitively, give it once"
            )
        seen[key.lower()] = key
        converted[key] = to_aws_value(key, value)
    return converted


def find_key(metadata: dict[str, Any], name: str) -> str | None:
    """The key of `metadata` that AWS reads as `name` (case-insensitive), or None."""
    wanted = name.lower()
    return next((key for key in metadata if str(key).lower() == wanted), None)


def validate_metadata(metadata: dict[str, str], driver: Any = None) -> dict[str, str]:
    """The 200 KB limit on the whole metadata, then the rules AWS documents for the resource type
    (`driver`: its drivers.base.Driver, None for a type without one: no rule)."""
    size = sum(len(k.encode("utf-8")) + len(v.encode("utf-8")) for k, v in metadata.items())
    if size > MAX_METADATA_BYTES:
        raise InputError(
            f"metadata is {size} bytes; AWS Backup takes at most {MAX_METADATA_BYTES} bytes (200 KB) of restore metadata"
        )
    return driver.check_metadata(metadata) if driver is not None else dict(metadata)


def check_structured_values(metadata: dict[Any, Any] | None, resource_type: str | None, allowed: frozenset[str] = frozenset()) -> None:
    """Refuse dictionaries where AWS documents no structured value for the key (`allowed`: the
    lower-cased keys the resource type's driver documents as JSON objects, Driver.structured_keys).
    A dictionary given for any other key would be sent as JSON text that AWS then reads as a plain
    string (a dict as file-system-id, say)."""
    for key, value in (metadata or {}).items():
        if isinstance(value, dict) and str(key).lower() not in allowed:
            raise InputError(
                f"metadata.{key} must be text, a number, a boolean or a list: AWS documents no structured value for it"
                + (f" for {resource_type}" if resource_type else "")
            )


def prepare_metadata(metadata: dict[Any, Any] | None, driver: Any = None) -> dict[str, str]:
    """Convert and validate: what StartRestoreJob is sent."""
    return validate_metadata(to_aws_metadata(metadata), driver)


def normalise_resource_type(resource_type: str | None) -> tuple[str | None, str | None]:
    """(AWS's spelling of resource_type, a note when it was given in another case). AWS compares
    the type as given and refuses "efs", so it is never sent so. Raises InputError for a type AWS
    does not document: botocore's model constrains ResourceType by a pattern only (no list of
    values), so the list is the API reference's, DOCUMENTED_RESOURCE_TYPES."""
    if resource_type is None or resource_type in DOCUMENTED_RESOURCE_TYPES:
        return resource_type, None
    near = [t for t in DOCUMENTED_RESOURCE_TYPES if t.lower() == resource_type.strip().lower()]
    if near:
        return near[0], f"resource_type {resource_type!r} was sent as {near[0]!r}, AWS's spelling"
    raise InputError(
        f"resource_type {resource_type!r} is not a resource type AWS Backup restores; the types are "
        f"{', '.join(DOCUMENTED_RESOURCE_TYPES)} (StartRestoreJob, ResourceType, in the AWS Backup API reference)"
    )


def _mask_structure(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (MASK if is_sensitive_key(k) else _mask_structure(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_structure(v) for v in value]
    return value


def _json_structure(value: Any) -> Any:
    """A JSON object/array a structured value was written as, or None."""
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return None


def mask_metadata(metadata: dict[str, Any] | None) -> dict[str, Any]:
    """A copy safe to show: values of credential keys replaced by MASK, also inside
    structured (JSON) values."""
    masked: dict[str, Any] = {}
    for key, value in (metadata or {}).items():
        if is_sensitive_key(key):
            masked[key] = MASK
            continue
        structure = _json_structure(value)
        if structure is not None and _mask_structure(structure) != structure:
            masked[key] = json.dumps(_mask_structure(structure), separators=(",", ":"), ensure_ascii=False)
        else:
            masked[key] = _mask_structure(value)
    return masked


def _sensitive_in_structure(value: Any) -> Iterable[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            if is_sensitive_key(k):
                yield from _leaf_strings(v)
            else:
                yield from _sensitive_in_structure(v)
    elif isinstance(value, list):
        for v in value:
            yield from _sensitive_in_structure(v)


def _leaf_strings(value: Any) -> Iterable[str]:
    if isinstance(value, dict):
        for v in value.values():
            yield from _leaf_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _leaf_strings(v)
    elif value is not None:
        yield to_aws_value("value", value)


def sensitive_values(metadata: dict[Any, Any] | None) -> set[str]:
    """The values to register in module.no_log_values, from raw or converted metadata."""
    values: set[str] = set()
    for key, value in (metadata or {}).items():
        if is_sensitive_key(str(key)):
            values.update(_leaf_strings(value))
            if not isinstance(value, str) and value is not None:
                values.add(to_aws_value(str(key), value))
        else:
            structure = value if isinstance(value, (dict, list)) else _json_structure(value)
            values.update(_sensitive_in_structure(structure))
    # Flags such as RDS's ManageMasterUserPassword=true name a credential but hold none; as no_log
    # values they would blank every "true"/"false" in the output, so they are only masked.
    return {v for v in values if v and v.strip().lower() not in NOT_SECRET_VALUES}
