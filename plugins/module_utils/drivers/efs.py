# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""EFS: a restore creates a new file system (newFileSystem true) or writes into an existing one
(newFileSystem false: "in place", a directory aws-backup-restore_<datetime> in the target; AWS
Backup developer guide, "Restore an Amazon EFS file system",
https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-efs.html). A new file system is
made usable by a mount target in each of the target's subnets; mount targets go before the file
system is deleted (DeleteFileSystem refuses a file system that has any: Amazon EFS API Reference,
https://docs.aws.amazon.com/efs/latest/ug/API_DeleteFileSystem.html)."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Optional


from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import deletion_call
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import boolean_metadata
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import required_metadata
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import NO_DEFAULT
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import RUN_TAG
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import ClientFor
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import Listings
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import Driver
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import Ref
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import arn_ref
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import Step
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import TargetOption
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import as_bool
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import differs
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import differs_where_expected
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import name_tags
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import find_key
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import given
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import paginate
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import tag_dict
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import tag_list
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import missing_when
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import InputError

KIND = "efs"
# EFS CreationToken: "Length Constraints: Minimum length of 1. Maximum length of 64." (Amazon EFS API
# Reference, CreateFileSystem: https://docs.aws.amazon.com/efs/latest/ug/API_CreateFileSystem.html).
# The role sends the target name as the CreationToken of a new file system.
CREATION_TOKEN_MAX = 64
PERFORMANCE_MODES = ("generalPurpose", "maxIO")
# EFS restore metadata (StartRestoreJob, Metadata, in the AWS Backup API reference): booleans.
# ItemsToRestore: the API reference once said one to five paths; the current developer guide
# ("Restore an Amazon EFS file system", item-level restore) documents no item limit through the
# API, only that the restore metadata is at most 200 KB, and that paths are given from the file
# system root ("/file1"). The newer guide is followed. Keys are lower-cased: AWS reads them
# case-insensitively.
BOOLEAN_KEYS = ("encrypted", "newfilesystem")
_GONE_STATES = ("deleting", "deleted")
# LifeCycleState "error" (file system or mount target) is not left by itself.
_STUCK_STATES = ("error",)


_Errors = missing_when("FileSystemNotFound", "MountTargetNotFound")


@_Errors.list_error_handler("describe the file system", None)
def _describe_file_system(client: Any, file_system_id: str) -> Optional[dict[str, Any]]:
    found = paginate(client, "describe_file_systems", "FileSystems", FileSystemId=file_system_id)
    return found[0] if found else None


@_Errors.common_error_handler("list the file systems")
def _describe_file_systems(client: Any) -> list[dict[str, Any]]:
    """DescribeFileSystems, every page; the answer carries each file system's Tags."""
    return paginate(client, "describe_file_systems", "FileSystems")


@_Errors.list_error_handler("describe the mount targets", [])
def _describe_mount_targets(client: Any, file_system_id: str) -> list[dict[str, Any]]:
    return paginate(client, "describe_mount_targets", "MountTargets", FileSystemId=file_system_id)


@_Errors.common_error_handler("create a mount target")
def _create_mount_target(client: Any, file_system_id: str, subnet_id: str, security_group_ids: list[str]) -> dict[str, Any]:
    params: dict[str, Any] = {"FileSystemId": file_system_id, "SubnetId": subnet_id}
    if security_group_ids:
        params["SecurityGroups"] = list(security_group_ids)
    answer = client.create_mount_target(aws_retry=True, **params)
    answer.pop("ResponseMetadata", None)
    return answer


_delete_mount_target = deletion_call(_Errors, "delete a mount target", "delete_mount_target", "MountTargetId")
_delete_file_system = deletion_call(_Errors, "delete the file system", "delete_file_system", "FileSystemId")


@_Errors.common_error_handler("tag the file system")
def _tag_file_system(client: Any, file_system_id: str, tags: dict[str, str]) -> None:
    client.tag_resource(aws_retry=True, ResourceId=file_system_id, Tags=tag_list(tags))


def _items_to_restore(key: str, value: str) -> list[Any]:
    try:
        items = json.loads(value)
    except ValueError:
        raise InputError(f"metadata.{key} must be a list of file paths, e.g. ['/data/reports']") from None
    if not isinstance(items, list) or not items:
        raise InputError(f"metadata.{key} must be a non-empty list of file paths, e.g. ['/data/reports']")
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise InputError(f"metadata.{key} must hold file paths (non-empty strings), got {item!r}")
        # "You must specify the path relative to the file system root ... you enter /file1"
        # (AWS Backup developer guide, "Restore an Amazon EFS file system", item-level restore).
        if not item.startswith("/"):
            raise InputError(
                f"metadata.{key} paths are given from the file system root and start with '/', got {item!r}"
            )
    return items


def needs_creation_token(metadata: dict[str, str]) -> bool:
    """A restore to a new file system without a CreationToken: AWS creates the job and then
    fails it (StartRestoreJob lists CreationToken among the EFS metadata to specify;
    aws/aws-cli#4467 shows the failure)."""
    if find_key(metadata, "CreationToken") is not None:
        return False
    new_key = find_key(metadata, "newFileSystem")
    return new_key is not None and metadata[new_key].strip().lower() == "true"


def derived_creation_token(seed: str) -> str:
    """A CreationToken (at most 64 characters) that every run deriving it from `seed` agrees on."""
    return ("ansible-recovery-" + hashlib.sha256(seed.encode("utf-8")).hexdigest())[:CREATION_TOKEN_MAX]


def _id_list_problem(option: str, value: Any) -> Optional[str]:
    if value is not None and (not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value)):
        return f"{option} must be a list of ids, got {value!r}"
    return None


class EfsDriver(Driver):
    resource_type = "EFS"
    # The keys the AWS Backup API reference lists for restoring an EFS file system, "You need
    # to specify specific metadata to restore an Amazon EFS instance: file-system-id, Encrypted,
    # KmsKeyId, PerformanceMode, CreationToken, newFileSystem, ItemsToRestore"
    # (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_StartRestoreJob.html, Metadata;
    # same text in botocore's backup service-2.json, StartRestoreJobInput.Metadata). Anything else
    # is not an EFS restore parameter.
    restore_keys = frozenset(
        k.lower()
        for k in (
            "file-system-id",
            "Encrypted",
            "KmsKeyId",
            "PerformanceMode",
            "CreationToken",
            "newFileSystem",
            "ItemsToRestore",
        )
    )
    restore_keys_source = "https://docs.aws.amazon.com/aws-backup/latest/devguide/API_StartRestoreJob.html"
    new_resource_key = "newFileSystem"
    services = ("efs",)
    kinds = (KIND,)
    identity_key = "CreationToken"
    settings_keys = ("subnet_ids", "security_group_ids")
    target_options = {
        "in_place": TargetOption("bool", False, "restore into the backed-up file system (newFileSystem false)"),
        "encrypted": TargetOption("bool", True, "encrypt the new file system"),
        "kms_key_id": TargetOption("str", NO_DEFAULT, "the KMS key of the new file system (needs encrypted)"),
        "performance_mode": TargetOption("str", "generalPurpose", "generalPurpose or maxIO"),
        "item_paths": TargetOption("list", NO_DEFAULT, "item-level restore: paths from the file system root"),
        "subnet_ids": TargetOption("list", NO_DEFAULT, "subnets the new file system gets a mount target in"),
        "security_group_ids": TargetOption("list", NO_DEFAULT, "security groups of those mount targets"),
    }

    # ---- plan side

    def check_name(self, name: str, target: dict[str, Any]) -> list[str]:
        problems = []
        if len(name) > CREATION_TOKEN_MAX:
            problems.append(
                f"name {name!r} is {len(name)} characters; an EFS name is the file system's CreationToken, "
                f"at most {CREATION_TOKEN_MAX}"
            )
        if name != name.strip():
            problems.append(f"name {name!r} starts or ends with whitespace; remove it")
        return problems

    def check_fields(self, target: dict[str, Any]) -> list[str]:
        problems = []
        performance_mode = target.get("performance_mode")
        if performance_mode is not None and performance_mode not in PERFORMANCE_MODES:
            problems.append(f"performance_mode must be one of {', '.join(PERFORMANCE_MODES)}, got {performance_mode!r}")
        for position, path in enumerate(target.get("item_paths") or [] if isinstance(target.get("item_paths"), list) else []):
            # "You must specify the path relative to the file system root ... you enter /file1" (AWS
            # Backup developer guide, "Restore an Amazon EFS file system", item-level restore).
            if isinstance(path, str) and path.strip() and not path.startswith("/"):
                problems.append(f"item_paths[{position}] {path!r} must start with '/' (paths are relative to the file system root)")
        if given(target.get("kms_key_id")) and target.get("encrypted", True) is False:
            problems.append("kms_key_id requires encrypted to be true (a KMS key encrypts the new file system)")
        return problems

    def identity_applies(self, target: dict[str, Any]) -> bool:
        return target.get("in_place") is not True

    def check_target(self, name: str, target: dict[str, Any]) -> list[str]:
        problems = super().check_target(name, target)
        if not (isinstance(target.get("backup_vault_name"), str) and target["backup_vault_name"].strip()):
            # Without a vault the restore metadata starts empty (metadata_source none), and
            # StartRestoreJob needs the backed-up file system's id for EFS.
            metadata = target.get("metadata") if isinstance(target.get("metadata"), dict) else {}
            secret = target.get("secret_metadata") if isinstance(target.get("secret_metadata"), dict) else {}
            if find_key({str(k): None for k in list(metadata) + list(secret)}, "file-system-id") is None:
                problems.append(
                    "metadata.file-system-id is required for EFS without backup_vault_name (then the restore metadata is not "
                    "read from the recovery point); give the backed-up file system's id, or backup_vault_name"
                )
        return problems

    def restore_metadata(self, name: str, target: dict[str, Any]) -> dict[str, Any]:
        new_fs = not target.get("in_place", False)
        built = {
            "newFileSystem": new_fs,
            "Encrypted": (target.get("encrypted") if target.get("encrypted") is not None else True) if new_fs else None,
            "CreationToken": name if new_fs else None,
            "PerformanceMode": target.get("performance_mode") or "generalPurpose",
            "KmsKeyId": target.get("kms_key_id") or None,
            "ItemsToRestore": list(target["item_paths"]) if target.get("item_paths") else None,
        }
        return {key: value for key, value in built.items() if value is not None}

    def expected(self, name: str, target: dict[str, Any], metadata: dict[str, Any]) -> dict[str, Any]:
        found = find_key(metadata, "PerformanceMode")
        performance_mode = metadata[found] if found is not None else "generalPurpose"
        if target.get("in_place", False):
            return {"performance_mode": performance_mode}
        found = find_key(metadata, "Encrypted")
        encrypted = as_bool(metadata[found]) if found is not None else True
        return {"creation_token": name, "encrypted": encrypted, "performance_mode": performance_mode}

    def restore_test_expected(self, identifier: str, metadata: dict[str, Any]) -> dict[str, Any]:
        # Restore testing gives no CreationToken (developer guide, "Restore testing inferred metadata").
        expected = self.expected(identifier, {}, metadata)
        expected.pop("creation_token", None)
        return expected

    def usable_settings(self, name: str, target: dict[str, Any], recovery_point_arn: Optional[str]) -> dict[str, Any]:
        if target.get("in_place"):
            return {}
        settings: dict[str, Any] = {"tags": name_tags(name, recovery_point_arn)}
        if target.get("subnet_ids"):
            settings["subnet_ids"] = list(target["subnet_ids"])
            if target.get("security_group_ids"):
                settings["security_group_ids"] = list(target["security_group_ids"])
        return settings

    def check_settings(self, option: str, settings: dict[str, Any], fallback: dict[str, Any]) -> list[str]:
        problems = [p for p in (_id_list_problem(f"{option}.{k}", settings.get(k)) for k in self.settings_keys) if p]
        subnets = settings.get("subnet_ids") if settings.get("subnet_ids") is not None else fallback.get("subnet_ids")
        if not problems and settings.get("security_group_ids") and not subnets:
            problems.append(
                f"{option}.security_group_ids needs subnet_ids (the job's or the top-level ones): "
                "they are the security groups of the mount targets created there"
            )
        return problems

    # ---- restore metadata

    def check_metadata(self, metadata: dict[str, str]) -> dict[str, str]:
        # Boolean values are normalized to "true"/"false".
        result = dict(metadata)
        required_metadata(result, "file-system-id", "to restore an EFS recovery point")
        boolean_metadata(result, BOOLEAN_KEYS)
        kms_key = find_key(result, "KmsKeyId")
        if kms_key is not None:
            encrypted_key = find_key(result, "Encrypted")
            if encrypted_key is None or result[encrypted_key] != "true":
                raise InputError(f"metadata.{kms_key} requires metadata.Encrypted to be true")
        items_key = find_key(result, "ItemsToRestore")
        if items_key is not None:
            _items_to_restore(items_key, result[items_key])
        return result

    def complete_metadata(self, metadata: dict[str, str], seed: str) -> dict[str, str]:
        # A new file system needs a CreationToken (AWS fails the job later without one): when
        # none is given, one derived from `seed` is added.
        if not needs_creation_token(metadata):
            return metadata
        return {**metadata, "CreationToken": derived_creation_token(seed)}

    # ---- AWS side

    def parse_arn(self, arn: str) -> Optional[Ref]:
        return arn_ref(arn, "elasticfilesystem", "file-system", r"fs-[0-9a-f]+", KIND)

    def _describe_any(self, client_for: ClientFor, ref: Ref) -> Optional[dict[str, Any]]:
        return _describe_file_system(client_for("efs"), ref.identifier)

    def describe(self, client_for: ClientFor, ref: Ref) -> Optional[dict[str, Any]]:
        raw = self._describe_any(client_for, ref)
        return None if raw is None or raw.get("LifeCycleState") in _GONE_STATES else raw

    def normalise(self, raw: dict[str, Any]) -> dict[str, Any]:
        return {
            "arn": raw.get("FileSystemArn"), "kind": KIND, "identifier": raw.get("FileSystemId"),
            "created": raw.get("CreationTime"), "tags": tag_dict(raw.get("Tags")), "state": raw.get("LifeCycleState"),
        }  # fmt: skip

    def find_marked(self, client_for: ClientFor, listings: Optional[Listings] = None) -> list[dict[str, Any]]:
        return [self.normalise(raw) for raw in _describe_file_systems(client_for("efs")) if RUN_TAG in tag_dict(raw.get("Tags"))]

    def tag(self, client_for: ClientFor, ref: Ref, tags: dict[str, str]) -> None:
        _tag_file_system(client_for("efs"), ref.identifier, tags)

    def creates(self, settings: dict[str, Any]) -> bool:
        return bool(settings.get("subnet_ids"))

    def make_usable_step(
        self, client_for: ClientFor, ref: Ref, raw: dict[str, Any], settings: dict[str, Any], tags: dict[str, str], check_mode: bool
    ) -> Step:
        """A mount target in each of settings' subnet_ids that has none (CreateMountTarget needs the
        file system available); usable when the file system and all its mount targets are available."""
        efs = client_for("efs")
        targets = _describe_mount_targets(efs, ref.identifier)
        existing = {m.get("SubnetId") for m in targets if m.get("LifeCycleState") not in _GONE_STATES}
        missing = [s for s in dict.fromkeys(settings.get("subnet_ids") or []) if s not in existing]
        if check_mode:
            return Step.done([{"subnet_id": s} for s in missing], changed=bool(missing))
        state = raw.get("LifeCycleState")
        if state in _STUCK_STATES:
            return Step.stuck(f"{self.noun(ref)} is in state {state}, which it does not leave by itself")
        if state != "available":
            return Step.pending(f"file system {state}")
        created = []
        for subnet_id in missing:
            answer = _create_mount_target(efs, ref.identifier, subnet_id, list(settings.get("security_group_ids") or []))
            created.append({"mount_target_id": answer.get("MountTargetId"), "subnet_id": subnet_id})
        if created:  # look again: a mount target may be available at once
            targets = _describe_mount_targets(efs, ref.identifier)
        states = {m["MountTargetId"]: m.get("LifeCycleState") for m in targets if m.get("LifeCycleState") not in _GONE_STATES}
        stuck = [f"{i} {s}" for i, s in states.items() if s in _STUCK_STATES]
        if stuck:
            return Step.stuck(f"mount targets of {self.noun(ref)} in a state they do not leave by themselves: {', '.join(stuck)}")
        waiting = [f"{i} {s}" for i, s in states.items() if s != "available"]
        if waiting:
            return Step.pending(f"mount targets {', '.join(waiting)}", created, bool(created))
        return Step.done(created, bool(created))

    def validate(self, facts: dict[str, Any], expected: dict[str, Any]) -> list[str]:
        problems: list[str] = []
        differs(facts, "life_cycle_state", "available", problems)
        differs_where_expected(facts, expected, ("encrypted", "creation_token", "performance_mode"), problems)
        return problems

    def delete_step(
        self, client_for: ClientFor, ref: Ref, raw: Optional[dict[str, Any]], dependents: list[dict[str, Any]], check_mode: bool
    ) -> Step:
        # Mount targets of a file system this run owns are this run's (they die with it anyway).
        efs = client_for("efs")
        current = self._describe_any(client_for, ref)
        if current is None or current.get("LifeCycleState") == "deleted":
            return Step.done()
        if check_mode:
            return Step.done(changed=True)
        if current.get("LifeCycleState") != "deleting":
            targets = _describe_mount_targets(efs, ref.identifier)
            active = [m for m in targets if m.get("LifeCycleState") not in _GONE_STATES]
            for target in active:
                _delete_mount_target(efs, target["MountTargetId"])
            if active:
                targets = _describe_mount_targets(efs, ref.identifier)
            left = [f"{m['MountTargetId']} {m.get('LifeCycleState')}" for m in targets if m.get("LifeCycleState") != "deleted"]
            if left:
                return Step.pending(f"mount targets {', '.join(left)}", changed=True)
            _delete_file_system(efs, ref.identifier)
            current = self._describe_any(client_for, ref)
            if current is None or current.get("LifeCycleState") == "deleted":
                return Step.done(changed=True)
        return Step.pending(f"file system {current.get('LifeCycleState')}", changed=True)

    def noun(self, ref: Ref) -> str:
        return f"file system {ref.identifier}"

    def created_result(self, settings: dict[str, Any], created: list[dict[str, Any]]) -> dict[str, Any]:
        """The result key earlier releases returned the mount targets created under."""
        return {"mount_targets_created": created} if settings.get("subnet_ids") else {}
