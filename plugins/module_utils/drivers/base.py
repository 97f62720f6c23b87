# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The interface every resource-type driver implements, and what drivers share.

A driver knows one AWS Backup resource type: on the plan side (no AWS) its target fields, name
rules, the restore metadata the role asks for, what validation expects, the settings its
make-usable step takes and the identifiers a restore will create; on the AWS side how to read the
ARN a restore job names as created, describe, tag, make usable and delete that resource and its
dependents. Nothing outside drivers/ names a resource type.

AWS calls go through `client_for(service)`, whose clients take `aws_retry=True` (the modules make
them with the collection's retry policy). Each step method is idempotent: it looks at the current
state and does the next action, so one wait loop (job_wait.wait_until_all) can drive any type.
"""

from __future__ import annotations

import abc
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Optional

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.arn import parse_aws_arn

from ansible_collections.recovery.aws_backup.plugins.module_utils.backup_retry import backup_retry
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import BackupErrorHandler
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import InputError
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import find_key

ClientFor = Callable[[str], Any]

# The run's mark: what makes a resource a run's (see restored_resource).
RUN_TAG = "recovery.aws_backup:run-id"
JOB_TAG = "recovery.aws_backup:restore-job-id"

NO_DEFAULT = object()


def deletion_call(errors: type[BackupErrorHandler], description: str, method: str, key: str, **fixed: Any) -> Callable[[Any, str], None]:
    """The AWS call that deletes one resource by its identifier, `method(key=identifier, **fixed)`;
    the service's "not found" answers count as deleted (errors.deletion_error_handler)."""

    @errors.deletion_error_handler(description)
    def delete(client: Any, identifier: str) -> None:
        getattr(client, method)(aws_retry=True, **{key: identifier}, **fixed)

    return delete


class Listings:
    """The listings one search for marked resources shares. Where one AWS listing answers for
    several types (DescribeDBClusters for Aurora, DocumentDB and Neptune), it is made once."""

    def __init__(self) -> None:
        self.answers: dict[str, Any] = {}

    def once(self, key: str, fetch: Callable[[], Any]) -> Any:
        if key not in self.answers:
            self.answers[key] = fetch()
        return self.answers[key]


@dataclass(frozen=True)
class Ref:
    """A restored resource as its ARN names it."""

    arn: str
    kind: str  # the driver's kind of resource, e.g. "rds-instance"
    identifier: str


@dataclass(frozen=True)
class TargetOption:
    """One of the role's per-type target fields: its type ("bool", "str", "int", "list"), the role's
    default (NO_DEFAULT: none; a field at its default counts as not given) and a one-line description."""

    type: str
    default: Any
    description: str


@dataclass
class Step:
    """What one make-usable or delete step found: state "done", "pending" (detail: what it waits
    for) or "stuck" (detail: why it will not get there by itself); created: what this step created
    (snake_case, for the result); changed: whether it changed (or in check mode would change) anything."""

    state: str
    detail: str = ""
    created: list[dict[str, Any]] = field(default_factory=list)
    changed: bool = False
    raw: Optional[dict[str, Any]] = None  # a fresher description the step read, if any

    @classmethod
    def done(cls, created: Optional[list[dict[str, Any]]] = None, changed: bool = False) -> "Step":
        return cls("done", "", list(created or []), changed)

    @classmethod
    def pending(cls, detail: str, created: Optional[list[dict[str, Any]]] = None, changed: bool = False) -> "Step":
        return cls("pending", detail, list(created or []), changed)

    @classmethod
    def stuck(cls, detail: str) -> "Step":
        return cls("stuck", detail)

    @classmethod
    def by_state(cls, noun: str, state: Any, usable: tuple[str, ...], stuck: tuple[str, ...], check_mode: bool, waiting: str) -> "Step":
        """For a resource usable once its state is one of `usable`: stuck in one of `stuck` (AWS
        does not leave them by itself), else pending (`waiting` names what is awaited)."""
        if state in stuck:
            return cls.stuck(f"{noun} is in state {state}, which it does not leave by itself")
        return cls.done() if state in usable or check_mode else cls.pending(f"{waiting} {state}")

    @classmethod
    def by_deletion(
        cls,
        noun: str,
        describe: Callable[[], Optional[dict[str, Any]]],
        delete: Callable[[dict[str, Any]], None],
        state_member: str,
        deleting: tuple[str, ...],
        check_mode: bool,
    ) -> "Step":
        """For a resource AWS deletes in the background: done once `describe` finds it no more;
        pending while its state (`state_member`) is one of `deleting`; otherwise `delete` (given
        the description) is called and a fresh description tells whether it is gone already."""
        current = describe()
        if current is None:
            return cls.done()
        if check_mode:
            return cls.done(changed=True)
        if current.get(state_member) not in deleting:
            delete(current)
            current = describe()
            if current is None:
                return cls.done(changed=True)
        return cls.pending(f"{noun} {current.get(state_member)}", changed=True)


# ---- shared helpers ------------------------------------------------------------------------


def tag_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def tag_dict(tags: Any) -> dict[str, str]:
    return {t["Key"]: t.get("Value", "") for t in tags or [] if "Key" in t}


def error_code(error: Exception) -> str:
    """The AWS error code of a botocore ClientError, also when wrapped (AnsibleAWSError.exception)."""
    error = getattr(error, "exception", None) or error
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def aware(value: Any) -> Optional[datetime]:
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


@backup_retry
def paginate(client: Any, operation: str, result_key: str, **params: Any) -> list[dict[str, Any]]:
    # Paginators cannot take aws_retry; the decorator retries the whole listing instead.
    return client.get_paginator(operation).paginate(**params).build_full_result().get(result_key, [])


def arn_ref(arn: str, service: str, resource_type: str, identifier: str, kind: str) -> Optional[Ref]:
    """The Ref of `arn` when it names the service's resource_type with an identifier matching the
    regular expression `identifier`; else None."""
    details = parse_aws_arn(arn) or {}
    found = details.get("resource_id") or ""
    if details.get("service") == service and details.get("resource_type") == resource_type and re.fullmatch(identifier, found):
        return Ref(arn, kind, found)
    return None


def given(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


# ---- the interface ---------------------------------------------------------------------------


class Driver(abc.ABC):
    """One AWS Backup resource type. The defaults suit a type whose restore creates one resource
    with nothing to make usable; each driver overrides what its type needs."""

    resource_type: str = ""  # AWS Backup's spelling (ResourceType)
    services: tuple[str, ...] = ()  # boto3 client names it uses
    kinds: tuple[str, ...] = ()  # the Ref kinds its parse_arn gives
    identifier_kinds: tuple[str, ...] = ()  # the kinds of new_identifiers it can look up (find_taken)
    target_options: dict[str, TargetOption] = {}
    settings_keys: tuple[str, ...] = ()  # usable_settings' keys ("tags" is everyone's)
    identity_key: Optional[str] = None  # the metadata key carrying the target name
    structured_keys: frozenset[str] = frozenset()  # lower-cased metadata keys AWS documents as JSON objects
    # The keys StartRestoreJob takes for this type (lower case) and the page that documents them: a
    # recovery point's own keys outside them are dropped (dropped_source_keys). None: no such list.
    restore_keys: Optional[frozenset[str]] = None
    restore_keys_source: str = ""
    # The metadata key whose value false restores into an existing resource (EFS newFileSystem, S3
    # NewBucket); only the user may choose that, never a recovery point's metadata. None: none.
    new_resource_key: Optional[str] = None
    # Whether a restore job of this type fails when CopySourceTagsToRestoredResource is set
    # (AWS Backup developer guide, "Restore a backup": DynamoDB, S3 and others); the module
    # refuses the option for such a type before any call.
    refuses_copied_tags: bool = False
    # The member of the type's descriptions that carries its tags, as a list of Key/Value (RDS:
    # TagList; most services: Tags).
    tags_member: str = "Tags"

    # ---- plan side (no AWS)

    def check_name(self, name: str, target: dict[str, Any]) -> list[str]:
        """Problems of the target name as this type's identifier."""
        return []

    def check_target(self, name: str, target: dict[str, Any]) -> list[str]:
        """Every type-specific problem of a target (name rules, field cross checks, the identity
        key in metadata, required metadata); messages without the target label."""
        return self.check_name(name, target) + self.check_fields(target) + self.check_identity(name, target)

    def check_fields(self, target: dict[str, Any]) -> list[str]:
        return []

    def check_drill(self, target: dict[str, Any]) -> list[str]:
        """Problems of a target in a drill only (what a drill must never do with this type, such
        as writing into an existing resource); messages without the target label."""
        return []

    def identity_applies(self, target: dict[str, Any]) -> bool:
        """Whether the restore is named by the target (not so for a restore into an existing resource)."""
        return True

    def check_identity(self, name: Any, target: dict[str, Any]) -> list[str]:
        """The role finds, validates and deletes the restored resource by name: metadata must not
        point the restore elsewhere."""
        metadata = target.get("metadata")
        if self.identity_key is None or not isinstance(metadata, dict) or not isinstance(name, str) or not self.identity_applies(target):
            return []
        key = find_key({str(k): None for k in metadata}, self.identity_key)
        if key is None or metadata[key] == name:
            return []
        return [
            f"metadata.{key} is {metadata[key]!r}, not the name {name!r}: the role finds, validates and "
            f"deletes the restored resource by name; set name instead"
        ]

    def restore_metadata(self, name: str, target: dict[str, Any]) -> dict[str, Any]:
        """What the role asks for, from the target fields; unset values left out."""
        return {}

    def expected(self, name: str, target: dict[str, Any], metadata: dict[str, Any]) -> dict[str, Any]:
        """What the built-in validation compares the restored resource with."""
        return {}

    def restore_test_expected(self, identifier: str, metadata: dict[str, Any]) -> dict[str, Any]:
        """What the built-in validation expects of what a restore testing job created (its identifier,
        the job's metadata): as for a target of that name with no options of its own. Nothing is
        created in it to make it usable (AWS Backup deletes what restore testing restored, found by its
        awsbackup-restore-test tag; a dependent it does not know of would stop that)."""
        return self.expected(identifier, {}, metadata)

    def usable_settings(self, name: str, target: dict[str, Any], recovery_point_arn: Optional[str]) -> dict[str, Any]:
        """What make_usable_step needs (restored_resource's resources[].settings)."""
        return {}

    def check_settings(self, option: str, settings: dict[str, Any], fallback: dict[str, Any]) -> list[str]:
        """Problems of this type's keys in one resource's settings (fallback: the top-level options)."""
        return []

    def new_identifiers(self, name: str, settings: dict[str, Any]) -> list[tuple[str, str]]:
        """(kind, identifier) the restore of a target named `name` will create, for the taken-name
        preflight: by default the one resource named after the target, where the type has one kind
        of identifier to look up (identifier_kinds)."""
        return [(self.identifier_kinds[0], name)] if len(self.identifier_kinds) == 1 else []

    def in_place(self, metadata: dict[str, Any]) -> bool:
        """Whether a restore job's metadata restored into an existing resource (new_resource_key
        false; AWS reads metadata keys case-insensitively)."""
        if self.new_resource_key is None:
            return False
        wanted = self.new_resource_key.lower()
        return any(str(k).lower() == wanted and str(v).strip().lower() == "false" for k, v in metadata.items())

    # ---- restore metadata (what StartRestoreJob is sent; keys are matched case-insensitively, as AWS reads them)

    def dropped_source_keys(self, metadata: dict[str, str]) -> list[tuple[str, str]]:
        """(key, why) for each key of a recovery point's own metadata that StartRestoreJob must not
        receive for this type. The reasons name keys, never values: values may be secrets. None
        without a documented rule: nothing is dropped on a guess."""
        if self.restore_keys is None:
            return []
        why = f"StartRestoreJob does not take it for {self.resource_type} (see {self.restore_keys_source})"
        return [(key, why) for key in metadata if key.lower() not in self.restore_keys]

    def source_metadata(self, base: dict[str, str], user_metadata: dict[str, str]) -> dict[str, str]:
        """The recovery point's metadata as a restore starts from it, before the user's own
        metadata goes on top: what only the user may choose is set back to this type's default
        (new_resource_key to true: a new resource)."""
        result = dict(base)
        key = find_key(result, self.new_resource_key) if self.new_resource_key is not None else None
        if key is not None and find_key(user_metadata, self.new_resource_key) is None:
            result[key] = "true"
        return result

    def merged_value(self, key: str, base: str, user: str) -> str:
        """The value sent for `key` when the user's metadata gives it over the recovery point's
        (`base`): the user's, unless the type documents how the two combine."""
        return user

    def check_metadata(self, metadata: dict[str, str]) -> dict[str, str]:
        """The rules AWS documents for this type, on converted metadata: returns it normalised, or
        raises InputError naming metadata.<key>."""
        return dict(metadata)

    def complete_metadata(self, metadata: dict[str, str], seed: str) -> dict[str, str]:
        """The final metadata with what AWS needs but nobody gave, derived from `seed` (the same
        request gives the same seed, so re-runs agree)."""
        return metadata

    # ---- AWS side

    def parse_arn(self, arn: str) -> Optional[Ref]:
        return None

    @abc.abstractmethod
    def describe(self, client_for: ClientFor, ref: Ref) -> Optional[dict[str, Any]]:
        """The API's description; None when it does not exist or is on its way out."""

    def describe_many(self, client_for: ClientFor, refs: list[Ref]) -> dict[str, Optional[dict[str, Any]]]:
        """describe for several refs, by identifier (lower case); drivers with a filtered listing
        answer them in one call."""
        return {ref.identifier.lower(): self.describe(client_for, ref) for ref in refs}

    @abc.abstractmethod
    def normalise(self, raw: dict[str, Any]) -> dict[str, Any]:
        """arn, kind, identifier, created (datetime), tags (dict), state."""

    def claims(self, raw: dict[str, Any]) -> bool:
        """Whether a description of a resource of this driver's kinds is of its type: types that
        share an ARN form (DB clusters of several engines) tell theirs apart by the description."""
        return True

    def find_marked(self, client_for: ClientFor, listings: Optional[Listings] = None) -> list[dict[str, Any]]:
        """Every resource of this type carrying RUN_TAG, normalised: one listing (shared through
        listings with the types the same listing answers)."""
        return []

    def find_taken(self, client_for: ClientFor, identifiers: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """Which of the (kind, identifier) exist already: one filtered lookup per kind."""
        return []

    @abc.abstractmethod
    def tag(self, client_for: ClientFor, ref: Ref, tags: dict[str, str]) -> None:
        """Put tags on the resource (after its restore completed: some types refuse copied tags)."""

    def with_tags(self, raw: dict[str, Any], tags: dict[str, str]) -> dict[str, Any]:
        """raw as AWS describes it once `tags` are put on (tagging adds to the tags there are)."""
        return {**raw, self.tags_member: tag_list({**tag_dict(raw.get(self.tags_member)), **tags})}

    def dependents(self, client_for: ClientFor, ref: Ref, raw: dict[str, Any]) -> list[dict[str, Any]]:
        """Normalised dependents teardown must own and delete before the resource."""
        return []

    def creates(self, settings: dict[str, Any]) -> bool:
        """Whether make_usable_step creates something with these settings (then it is waited for)."""
        return False

    def make_usable_step(
        self, client_for: ClientFor, ref: Ref, raw: dict[str, Any], settings: dict[str, Any], tags: dict[str, str], check_mode: bool
    ) -> Step:
        return Step.done()

    def facts(self, raw: dict[str, Any]) -> dict[str, Any]:
        """The description in snake_case, its tags as a dict (tag keys kept as they are)."""
        return raw_facts(raw, self.tags_member)

    def validate(self, facts: dict[str, Any], expected: dict[str, Any]) -> list[str]:
        return []

    @abc.abstractmethod
    def delete_step(
        self, client_for: ClientFor, ref: Ref, raw: Optional[dict[str, Any]], dependents: list[dict[str, Any]], check_mode: bool
    ) -> Step:
        """Idempotent deletion by identifier: `dependents` (checked to be the run's) first, then the
        resource; done when gone."""

    def noun(self, ref: Ref) -> str:
        return f"{ref.kind} {ref.identifier}"

    def foreign_dependents(self, identifiers: list[str]) -> str:
        """Why a resource with dependents this run did not create is refused."""
        return f"it has dependents this run did not create ({', '.join(identifiers)})"

    def created_result(self, settings: dict[str, Any], created: list[dict[str, Any]]) -> dict[str, Any]:
        """Extra result keys for what make_usable created (kept for earlier releases' results)."""
        return {}


def raw_facts(raw: dict[str, Any], tag_key: str) -> dict[str, Any]:
    facts = camel_dict_to_snake_dict({k: v for k, v in raw.items() if k != tag_key})
    facts["tags"] = tag_dict(raw.get(tag_key))
    return facts


def differs(facts: dict[str, Any], field_name: str, want: Any, problems: list[str]) -> None:
    if facts.get(field_name) != want:
        problems.append(f"{field_name} is {facts.get(field_name)!r}, expected {want!r}")


def required_metadata(metadata: dict[str, str], name: str, why: str) -> str:
    """The key of metadata that is `name` (matched case-insensitively), refused naming it when it
    is missing or empty; `why` ends the message."""
    key = find_key(metadata, name)
    if key is None or not str(metadata[key]).strip():
        raise InputError(f"metadata.{name} is required {why}")
    return key


def boolean_metadata(metadata: dict[str, str], names: Any) -> None:
    """Each of `names` that metadata has (matched case-insensitively) as "true" or "false", in
    place; anything else is refused naming metadata.<key>."""
    for name in names:
        key = find_key(metadata, name)
        if key is not None:
            lowered = metadata[key].strip().lower()
            if lowered not in ("true", "false"):
                raise InputError(f"metadata.{key} must be a boolean (true or false), got {metadata[key]!r}")
            metadata[key] = lowered


def name_tags(name: str, recovery_point_arn: Optional[str]) -> dict[str, str]:
    """The tags a restored resource named by its Name tag gets: Name, and the point it came from."""
    return {"Name": name, **({"restored-from": recovery_point_arn} if recovery_point_arn else {})}


def differs_where_expected(facts: dict[str, Any], expected: dict[str, Any], field_names: tuple[str, ...], problems: list[str]) -> None:
    """differs for each of field_names that `expected` holds (what the target asked for)."""
    for field_name in field_names:
        if field_name in expected:
            differs(facts, field_name, expected[field_name], problems)


def as_bool(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return value


IDENTIFIER_CHARS = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
