# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""FSx: an FSx recovery point is an Amazon FSx backup (arn:aws:fsx:REGION:ACCOUNT:backup/backup-ID).
Restoring one of FSx for Lustre, Windows File Server or OpenZFS creates a new file system; restoring
FSx for ONTAP creates a volume in an existing storage virtual machine (AWS Backup developer guide,
"Restore an Amazon FSx file system", https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-fsx.html).
The restore metadata takes CreateFileSystemFromBackup's parameters (SubnetIds, SecurityGroupIds,
StorageCapacity, StorageType, KmsKeyId and the type's configuration object; Amazon FSx API Reference,
https://docs.aws.amazon.com/fsx/latest/APIReference/API_CreateFileSystemFromBackup.html), and for
ONTAP a volume's Name and OntapConfiguration (CreateOntapVolumeConfiguration, whose
StorageVirtualMachineId is required). Restore testing cannot infer a complete set for FSx: Lustre
and Windows need subnetIds, Windows activeDirectoryId, ONTAP storageVirtualMachineId as overrides
("Restore testing inferred metadata",
https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing-inferred-metadata.html).

The role drills Lustre, Windows and OpenZFS file systems: named by their Name tag (FSx has no other
name), tagged after the restore (TagResource on the file system's ARN), usable when AVAILABLE,
validated against the backup's own description (DescribeBackups: the backed-up file system's type and
storage capacity), deleted with DeleteFileSystem and SkipFinalBackup true (Windows and OpenZFS take a
final backup unless told not to; OpenZFS also with DELETE_CHILD_VOLUMES_AND_SNAPSHOTS, as a restored
file system's child volumes are its own: Amazon FSx API Reference, DeleteFileSystem,
https://docs.aws.amazon.com/fsx/latest/APIReference/API_DeleteFileSystem.html). An ONTAP volume is
named by its volume Name in the storage virtual machine the target names, usable when CREATED,
validated against the backed-up volume (DescribeBackups' Volume), and deleted with DeleteVolume and
OntapConfiguration.SkipFinalBackup true (Amazon FSx API Reference, DeleteVolume); the storage virtual
machine and its file system are never touched."""

from __future__ import annotations

import json
import re
from typing import Any, Optional

from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import NO_DEFAULT
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import RUN_TAG
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import ClientFor
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import Listings
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import deletion_call
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import Driver
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import Ref
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import Step
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import TargetOption
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import arn_ref
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import differs
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import given
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import name_tags
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import paginate
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import tag_dict
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import tag_list
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import InputError
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import missing_when
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import find_key

KIND = "fsx-file-system"
NAME_KIND = "fsx-file-system-name"  # a file system's Name tag value
VOLUME_KIND = "fsx-volume"
VOLUME_NAME_KIND = "fsx-volume-name"  # an ONTAP volume's Name
FILE_SYSTEM_TYPES = ("LUSTRE", "WINDOWS", "OPENZFS", "ONTAP")
VOLUME_ARN = re.compile(r"arn:[\w-]+:fsx:[\w-]+:\d{12}:volume/fs-[0-9a-f]{8,}/(fsvol-[0-9a-f]{17,})")
# ONTAP volume names: "up to 203 alphanumeric or underscore (_) characters", starting with a letter
# or an underscore (FSx for ONTAP user guide, "Creating volumes"; CreateVolume Name: 1 to 203).
VOLUME_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,202}")
# Each type's configuration object in the restore metadata (CreateFileSystemFromBackup; ONTAP:
# CreateVolume's OntapConfiguration). Keys are matched case-insensitively, as AWS reads them.
CONFIGURATION_KEYS = {
    "WINDOWS": "WindowsConfiguration", "LUSTRE": "LustreConfiguration", "OPENZFS": "OpenZFSConfiguration",
    "ONTAP": "OntapConfiguration",
}  # fmt: skip
STRUCTURED_KEYS = frozenset(k.lower() for k in CONFIGURATION_KEYS.values())
DIRECTORY_KEYS = ("ActiveDirectoryId", "SelfManagedActiveDirectoryConfiguration")
# CreateFileSystemFromBackup StorageType values.
STORAGE_TYPES = ("SSD", "HDD", "INTELLIGENT_TIERING")
# Id patterns of the Amazon FSx API Reference (SubnetId, SecurityGroupId, DirectoryId, StorageVirtualMachineId).
SUBNET_ID = re.compile(r"subnet-[0-9a-f]{8,}")
SECURITY_GROUP_ID = re.compile(r"sg-[0-9a-f]{8,}")
DIRECTORY_ID = re.compile(r"d-[0-9a-f]{10}")
SVM_ID = re.compile(r"svm-[0-9a-f]{17,}")
BACKUP_ARN = re.compile(r"arn:[\w-]+:fsx:[\w-]+:\d{12}:backup/(backup-[0-9a-f]{8,})")
# FSx tag values: "A string of 0 to 256 characters", pattern ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$
# (Amazon FSx API Reference, Tag). The role tags the restored file system Name=<name>.
NAME_MAX = 256
NAME_CHARS = re.compile(r"[\w\s.:/=+\-@]*")
NAME_RULES = "letters, digits, spaces and _ . : / = + - @"
# FileSystem Lifecycle (Amazon FSx API Reference, FileSystem): UPDATING is an AVAILABLE file system
# being changed; FAILED and MISCONFIGURED(_UNAVAILABLE) are not left without the owner's action
# (the FSx for Windows guide's StartMisconfiguredStateRecovery for the latter).
_USABLE_STATES = ("AVAILABLE", "UPDATING")
_STUCK_STATES = ("FAILED", "MISCONFIGURED", "MISCONFIGURED_UNAVAILABLE")
_GONE_STATES = ("DELETING",)
# VolumeLifecycle: an ONTAP volume is ready when CREATED (OpenZFS volumes AVAILABLE).
_VOLUME_USABLE = ("CREATED", "AVAILABLE")
_VOLUME_STUCK = ("FAILED", "MISCONFIGURED")
_PAGE = "https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-fsx.html"


_Errors = missing_when("FileSystemNotFound", "BackupNotFound", "VolumeNotFound")


def _describe_one(client: Any, operation: str, result_key: str, id_member: str, identifier: str) -> Optional[dict[str, Any]]:
    """DescribeFileSystems / DescribeVolumes filtered to one identifier (their FileSystemIds /
    VolumeIds): the item that has it, if any."""
    found = paginate(client, operation, result_key, **{f"{id_member}s": [identifier]})
    return next((raw for raw in found if raw.get(id_member) == identifier), None)


@_Errors.list_error_handler("describe the FSx file system", None)
def _describe_file_system(client: Any, file_system_id: str) -> Optional[dict[str, Any]]:
    return _describe_one(client, "describe_file_systems", "FileSystems", "FileSystemId", file_system_id)


@_Errors.common_error_handler("list the FSx file systems")
def _describe_file_systems(client: Any) -> list[dict[str, Any]]:
    """DescribeFileSystems, every page; the answer carries each file system's Tags."""
    return paginate(client, "describe_file_systems", "FileSystems")


@_Errors.list_error_handler("describe the FSx volume", None)
def _describe_volume(client: Any, volume_id: str) -> Optional[dict[str, Any]]:
    return _describe_one(client, "describe_volumes", "Volumes", "VolumeId", volume_id)


@_Errors.common_error_handler("list the FSx volumes")
def _describe_volumes(client: Any) -> list[dict[str, Any]]:
    """DescribeVolumes, every page; the answer carries each volume's Tags."""
    return [raw for raw in paginate(client, "describe_volumes", "Volumes") if raw.get("VolumeType") == "ONTAP"]


# DeleteVolumeOntapConfiguration.SkipFinalBackup: no final backup is left behind.
_delete_volume = deletion_call(_Errors, "delete the FSx for ONTAP volume", "delete_volume", "VolumeId", OntapConfiguration={"SkipFinalBackup": True})


@_Errors.list_error_handler("describe the FSx backup", None)
def _describe_backup(client: Any, backup_id: str) -> Optional[dict[str, Any]]:
    found = paginate(client, "describe_backups", "Backups", BackupIds=[backup_id])
    return found[0] if found else None


@_Errors.common_error_handler("tag the FSx file system")
def _tag_resource(client: Any, arn: str, tags: dict[str, str]) -> None:
    client.tag_resource(aws_retry=True, ResourceARN=arn, Tags=tag_list(tags))


@_Errors.deletion_error_handler("delete the FSx file system")
def _delete_file_system(client: Any, file_system_id: str, file_system_type: str) -> None:
    params: dict[str, Any] = {"FileSystemId": file_system_id}
    # No final backup is left behind: the drill deletes what it restored, nothing else stays.
    if file_system_type == "WINDOWS":
        params["WindowsConfiguration"] = {"SkipFinalBackup": True}
    elif file_system_type == "LUSTRE":
        params["LustreConfiguration"] = {"SkipFinalBackup": True}
    elif file_system_type == "OPENZFS":
        params["OpenZFSConfiguration"] = {"SkipFinalBackup": True, "Options": ["DELETE_CHILD_VOLUMES_AND_SNAPSHOTS"]}
    client.delete_file_system(aws_retry=True, **params)


def _json_value(key: str, value: str, kind: type, example: str) -> Any:
    try:
        parsed = json.loads(value)
    except ValueError:
        parsed = None
    if not isinstance(parsed, kind):
        raise InputError(f"metadata.{key} must be {example}, got {value!r}")
    return parsed


def _ids(key: str, value: str, pattern: re.Pattern[str], what: str) -> list[str]:
    example = f"a list of {what} ids, e.g. ['{pattern.pattern.split('-')[0]}-0123456789abcdef0']"
    ids = _json_value(key, value, list, example)
    bad = [i for i in ids if not isinstance(i, str) or not pattern.fullmatch(i)]
    if not ids or bad:
        raise InputError(f"metadata.{key} must be {example}, got {value!r}")
    return ids


def _nested(configuration: dict[str, Any], name: str) -> Optional[str]:
    return next((k for k in configuration if str(k).lower() == name.lower()), None)


def name_problems(name: str) -> list[str]:
    problems = []
    if len(name) > NAME_MAX:
        problems.append(f"name {name!r} is {len(name)} characters; an FSx name is its Name tag, at most {NAME_MAX}")
    elif not NAME_CHARS.fullmatch(name):
        problems.append(f"name {name!r} cannot be an FSx Name tag: use {NAME_RULES}")
    if name != name.strip():
        problems.append(f"name {name!r} starts or ends with whitespace; remove it")
    return problems


class FsxDriver(Driver):
    resource_type = "FSx"
    services = ("fsx",)
    kinds = (KIND, VOLUME_KIND)
    identifier_kinds = (NAME_KIND, VOLUME_NAME_KIND)
    structured_keys = STRUCTURED_KEYS
    settings_keys = ("file_system_type",)
    target_options = {
        "file_system_type": TargetOption("str", NO_DEFAULT, "FSx only, LUSTRE, WINDOWS, OPENZFS or ONTAP (required)"),
        "subnet_ids": TargetOption("list", NO_DEFAULT, "FSx, the new file system's subnets (metadata SubnetIds)"),
        "security_group_ids": TargetOption("list", NO_DEFAULT, "FSx, the new file system's security groups (metadata SecurityGroupIds)"),
        "kms_key_id": TargetOption("str", NO_DEFAULT, "FSx, the KMS key of the new file system (metadata KmsKeyId)"),
        "active_directory_id": TargetOption("str", NO_DEFAULT, "FSx for Windows only, the AWS Managed Microsoft AD to join"),
        "storage_virtual_machine_id": TargetOption("str", NO_DEFAULT, "FSx for ONTAP only, the storage virtual machine the volume is restored in"),
    }

    # ---- plan side

    def check_name(self, name: str, target: dict[str, Any]) -> list[str]:
        if target.get("file_system_type") == "ONTAP":
            if VOLUME_NAME.fullmatch(name):
                return []
            return [f"name {name!r} is not a valid FSx for ONTAP volume name: up to 203 letters, digits or '_', starting with a letter or '_'"]
        return name_problems(name)

    def check_fields(self, target: dict[str, Any]) -> list[str]:
        problems = []
        kind = target.get("file_system_type")
        if kind is None:
            problems.append(f"file_system_type is required for FSx: one of {', '.join(FILE_SYSTEM_TYPES)}")
        elif kind not in FILE_SYSTEM_TYPES:
            problems.append(f"file_system_type must be one of {', '.join(FILE_SYSTEM_TYPES)}, got {kind!r}")
        svm = target.get("storage_virtual_machine_id")
        if kind == "ONTAP":
            # An ONTAP restore creates a volume in an existing storage virtual machine, which
            # restore testing cannot infer either (storageVirtualMachineId required).
            if not given(svm):
                problems.append("storage_virtual_machine_id is required for file_system_type ONTAP: the storage virtual machine "
                                "(svm-...) the volume is restored in")
            elif not isinstance(svm, str) or not SVM_ID.fullmatch(svm):
                problems.append(f"storage_virtual_machine_id must be a storage virtual machine id like svm-0123456789abcdef0, got {svm!r}")
            for field_name in ("subnet_ids", "security_group_ids", "kms_key_id"):
                if given(target.get(field_name)):
                    problems.append(f"{field_name} is not supported for file_system_type ONTAP (a volume is restored in an existing file system)")
        elif given(svm):
            problems.append("storage_virtual_machine_id is only supported for file_system_type ONTAP")
        directory = target.get("active_directory_id")
        if given(directory):
            if kind != "WINDOWS":
                problems.append("active_directory_id is only supported for file_system_type WINDOWS")
            elif not isinstance(directory, str) or not DIRECTORY_ID.fullmatch(directory):
                problems.append(f"active_directory_id must be a directory id like d-0123456789, got {directory!r}")
        subnets = target.get("subnet_ids")
        if isinstance(subnets, list) and subnets:
            bad = [s for s in subnets if not isinstance(s, str) or not SUBNET_ID.fullmatch(s)]
            if bad:
                problems.append(f"subnet_ids must be subnet ids (subnet-...), got {bad[0]!r}")
            # CreateFileSystemFromBackup SubnetIds: two for Windows MULTI_AZ_1 (preferred and standby
            # file servers), "exactly one subnet ID" for Lustre.
            elif kind == "LUSTRE" and len(subnets) != 1:
                problems.append(f"subnet_ids of an FSx for Lustre file system must be exactly one subnet, got {len(subnets)}")
            elif kind == "WINDOWS" and len(subnets) > 2:
                problems.append(f"subnet_ids of an FSx for Windows file system are one subnet, or two for MULTI_AZ_1, got {len(subnets)}")
        groups = target.get("security_group_ids")
        if isinstance(groups, list):
            bad = [g for g in groups if not isinstance(g, str) or not SECURITY_GROUP_ID.fullmatch(g)]
            if bad:
                problems.append(f"security_group_ids must be security group ids (sg-...), got {bad[0]!r}")
        return problems

    def check_target(self, name: str, target: dict[str, Any]) -> list[str]:
        problems = super().check_target(name, target)
        metadata = target.get("metadata") if isinstance(target.get("metadata"), dict) else {}
        if target.get("file_system_type") == "ONTAP":
            # The role finds, validates and deletes the restored volume by its Name.
            key = find_key({str(k): None for k in metadata}, "Name")
            if key is not None and metadata[key] != name:
                problems.append(f"metadata.{key} is {metadata[key]!r}, not the name {name!r}: the role finds, validates and "
                                "deletes the restored volume by name; set name instead")
            return problems
        vault = target.get("backup_vault_name")
        if not (isinstance(vault, str) and vault.strip()) and not given(target.get("subnet_ids")):
            # Without a vault the restore metadata starts empty, and CreateFileSystemFromBackup
            # requires SubnetIds (restore testing cannot infer them either).
            metadata = target.get("metadata") if isinstance(target.get("metadata"), dict) else {}
            if find_key({str(k): None for k in metadata}, "SubnetIds") is None:
                problems.append(
                    "subnet_ids is required for FSx without backup_vault_name (then the restore metadata is not read from "
                    "the recovery point, and a file system is created in the subnets given); give subnet_ids, or backup_vault_name"
                )
        return problems

    def restore_metadata(self, name: str, target: dict[str, Any]) -> dict[str, Any]:
        if target.get("file_system_type") == "ONTAP":
            # A volume of its own name, mounted at its own junction path (the backed-up volume's
            # path may be in use in that storage virtual machine); merged over the recovery
            # point's OntapConfiguration key by key.
            configuration = {"JunctionPath": f"/{name}"}
            if target.get("storage_virtual_machine_id"):
                configuration["StorageVirtualMachineId"] = target["storage_virtual_machine_id"]
            return {"Name": name, "OntapConfiguration": configuration}
        built: dict[str, Any] = {
            "SubnetIds": list(target["subnet_ids"]) if target.get("subnet_ids") else None,
            "SecurityGroupIds": list(target["security_group_ids"]) if target.get("security_group_ids") else None,
            "KmsKeyId": target.get("kms_key_id") or None,
        }
        if target.get("active_directory_id") and target.get("file_system_type") == "WINDOWS":
            # Merged over the recovery point's WindowsConfiguration key by key (merged_value).
            built["WindowsConfiguration"] = {"ActiveDirectoryId": target["active_directory_id"]}
        return {key: value for key, value in built.items() if value is not None}

    def expected(self, name: str, target: dict[str, Any], metadata: dict[str, Any]) -> dict[str, Any]:
        expected: dict[str, Any] = {"file_system_type": target.get("file_system_type")}
        if target.get("file_system_type") == "ONTAP":
            return {**expected, "name": name, "storage_virtual_machine_id": target.get("storage_virtual_machine_id")}
        if target.get("subnet_ids"):
            expected["subnet_ids"] = list(target["subnet_ids"])
        if target.get("active_directory_id"):
            expected["active_directory_id"] = target["active_directory_id"]
        return expected

    def usable_settings(self, name: str, target: dict[str, Any], recovery_point_arn: Optional[str]) -> dict[str, Any]:
        settings: dict[str, Any] = {"tags": name_tags(name, recovery_point_arn)}
        if target.get("file_system_type"):
            settings["file_system_type"] = target["file_system_type"]
        return settings

    def check_settings(self, option: str, settings: dict[str, Any], fallback: dict[str, Any]) -> list[str]:
        kind = settings.get("file_system_type")
        if kind is not None and kind not in FILE_SYSTEM_TYPES:
            return [f"{option}.file_system_type must be one of {', '.join(FILE_SYSTEM_TYPES)}, got {kind!r}"]
        return []

    def new_identifiers(self, name: str, settings: dict[str, Any]) -> list[tuple[str, str]]:
        return [(VOLUME_NAME_KIND if settings.get("file_system_type") == "ONTAP" else NAME_KIND, name)]

    # ---- restore metadata

    def merged_value(self, key: str, base: str, user: str) -> str:
        """A configuration object given over the recovery point's is merged into it key by key
        (CreateFileSystemFromBackup: settings "default to the parameters of the file system that
        was backed up, unless overridden"); so ActiveDirectoryId alone keeps the backed-up
        ThroughputCapacity that WindowsConfiguration requires."""
        if key.lower() not in STRUCTURED_KEYS:
            return user
        try:
            backed_up, wanted = json.loads(base), json.loads(user)
        except ValueError:
            return user
        if not isinstance(backed_up, dict) or not isinstance(wanted, dict):
            return user
        merged = dict(backed_up)
        if key.lower() == "windowsconfiguration" and any(_nested(wanted, k) for k in DIRECTORY_KEYS):
            # A file system joins one Active Directory, AWS Managed (ActiveDirectoryId) or
            # self-managed (SelfManagedActiveDirectoryConfiguration): the one given replaces the
            # backed-up one, whichever that was.
            merged = {k: v for k, v in merged.items() if str(k).lower() not in {d.lower() for d in DIRECTORY_KEYS}}
        for name, value in wanted.items():
            existing = _nested(merged, name)
            if existing is not None:
                del merged[existing]
            merged[name] = value
        return json.dumps(merged, separators=(",", ":"), ensure_ascii=False)

    def check_metadata(self, metadata: dict[str, str]) -> dict[str, str]:
        # Values as CreateFileSystemFromBackup (and, for ONTAP, CreateOntapVolumeConfiguration)
        # take them; see the module docstring for the sources.
        result = dict(metadata)
        for name, pattern, what in (("SubnetIds", SUBNET_ID, "subnet"), ("SecurityGroupIds", SECURITY_GROUP_ID, "security group")):
            key = find_key(result, name)
            if key is not None:
                _ids(key, result[key], pattern, what)
        key = find_key(result, "StorageCapacity")
        if key is not None:
            text = result[key].strip()
            if not re.fullmatch(r"\d+", text) or int(text) < 1:
                raise InputError(f"metadata.{key} must be a whole number of GiB, got {result[key]!r}")
            result[key] = str(int(text))
        key = find_key(result, "StorageType")
        if key is not None and result[key] not in STORAGE_TYPES:
            raise InputError(f"metadata.{key} must be one of {', '.join(STORAGE_TYPES)}, got {result[key]!r}")
        configurations = {}
        for kind, name in CONFIGURATION_KEYS.items():
            key = find_key(result, name)
            if key is not None:
                configurations[kind] = (key, _json_value(key, result[key], dict, f"an object of {name} settings"))
        if len(configurations) > 1:
            keys = sorted(key for key, _value in configurations.values())
            raise InputError(f"metadata gives {' and '.join(keys)}: a restore creates one file system type, give the configuration of one")
        if "WINDOWS" in configurations:
            key, configuration = configurations["WINDOWS"]
            directory = _nested(configuration, "ActiveDirectoryId")
            if directory is not None and not (isinstance(configuration[directory], str) and DIRECTORY_ID.fullmatch(configuration[directory])):
                raise InputError(f"metadata.{key}.{directory} must be a directory id like d-0123456789, got {configuration[directory]!r}")
        if "ONTAP" in configurations:
            key, configuration = configurations["ONTAP"]
            svm = _nested(configuration, "StorageVirtualMachineId")
            # CreateOntapVolumeConfiguration: StorageVirtualMachineId is required; an ONTAP restore
            # creates a volume in that existing storage virtual machine.
            if svm is None or not (isinstance(configuration[svm], str) and SVM_ID.fullmatch(configuration[svm])):
                raise InputError(
                    f"metadata.{key}.StorageVirtualMachineId is required to restore an FSx for ONTAP volume: the storage virtual "
                    f"machine (svm-...) the volume is created in (see {_PAGE})"
                )
        return result

    # ---- AWS side

    def parse_arn(self, arn: str) -> Optional[Ref]:
        volume = VOLUME_ARN.fullmatch(arn) if isinstance(arn, str) else None
        if volume is not None:
            return Ref(arn, VOLUME_KIND, volume.group(1))
        return arn_ref(arn, "fsx", "file-system", r"fs-[0-9a-f]{8,}", KIND)

    def _describe_any(self, client_for: ClientFor, ref: Ref) -> Optional[dict[str, Any]]:
        if ref.kind == VOLUME_KIND:
            return _describe_volume(client_for("fsx"), ref.identifier)
        return _describe_file_system(client_for("fsx"), ref.identifier)

    def describe(self, client_for: ClientFor, ref: Ref) -> Optional[dict[str, Any]]:
        raw = self._describe_any(client_for, ref)
        return None if raw is None or raw.get("Lifecycle") in _GONE_STATES else raw

    def normalise(self, raw: dict[str, Any]) -> dict[str, Any]:
        # File systems and volumes describe themselves alike but for the identifier.
        kind, identifier = (VOLUME_KIND, raw.get("VolumeId")) if "VolumeId" in raw else (KIND, raw.get("FileSystemId"))
        return {
            "arn": raw.get("ResourceARN"), "kind": kind, "identifier": identifier,
            "created": raw.get("CreationTime"), "tags": tag_dict(raw.get("Tags")), "state": raw.get("Lifecycle"),
        }  # fmt: skip

    def find_marked(self, client_for: ClientFor, listings: Optional[Listings] = None) -> list[dict[str, Any]]:
        fsx = client_for("fsx")
        return [
            self.normalise(raw) for raw in _describe_file_systems(fsx) + _describe_volumes(fsx)
            if RUN_TAG in tag_dict(raw.get("Tags")) and raw.get("Lifecycle") not in _GONE_STATES
        ]  # fmt: skip

    def find_taken(self, client_for: ClientFor, identifiers: list[tuple[str, str]]) -> list[tuple[str, str]]:
        taken: list[tuple[str, str]] = []
        if any(kind == NAME_KIND for kind, _name in identifiers):
            found = _describe_file_systems(client_for("fsx"))
            names = {tag_dict(raw.get("Tags")).get("Name") for raw in found if raw.get("Lifecycle") not in _GONE_STATES}
            taken += [(kind, i) for kind, i in identifiers if kind == NAME_KIND and i in names]
        if any(kind == VOLUME_NAME_KIND for kind, _name in identifiers):
            # A volume of that name in any storage virtual machine: the role finds the restored
            # volume by name, so one name must not stand for two volumes.
            names = {raw.get("Name") for raw in _describe_volumes(client_for("fsx")) if raw.get("Lifecycle") not in _GONE_STATES}
            taken += [(kind, i) for kind, i in identifiers if kind == VOLUME_NAME_KIND and i in names]
        return taken

    def tag(self, client_for: ClientFor, ref: Ref, tags: dict[str, str]) -> None:
        _tag_resource(client_for("fsx"), ref.arn, tags)

    def make_usable_step(
        self, client_for: ClientFor, ref: Ref, raw: dict[str, Any], settings: dict[str, Any], tags: dict[str, str], check_mode: bool
    ) -> Step:
        """Usable when AVAILABLE. The backup it was restored from (the recovery point, named by the
        restored-from tag) is then read for validation: DescribeBackups' FileSystem is "the metadata
        of the file system associated with the backup", kept even after that file system is deleted."""
        volume = ref.kind == VOLUME_KIND
        if volume:
            step = Step.by_state(self.noun(ref), raw.get("Lifecycle"), _VOLUME_USABLE, _VOLUME_STUCK, check_mode, "volume")
        else:
            step = Step.by_state(self.noun(ref), raw.get("Lifecycle"), _USABLE_STATES, _STUCK_STATES, check_mode, "file system")
        source = BACKUP_ARN.fullmatch(str({**tag_dict(raw.get("Tags")), **(tags or {})}.get("restored-from") or ""))
        if step.state != "done" or check_mode or source is None:
            return step
        backup = _describe_backup(client_for("fsx"), source.group(1)) or {}
        if volume:
            size = ((backup.get("Volume") or {}).get("OntapConfiguration") or {}).get("SizeInMegabytes")
            return step if size is None else Step("done", "", [], False, {**raw, "BackupSizeInMegabytes": size})
        backed_up = backup.get("FileSystem") or {}
        if not backed_up:
            return step
        facts = {"BackupFileSystemType": backed_up.get("FileSystemType"), "BackupStorageCapacity": backed_up.get("StorageCapacity")}
        return Step("done", "", [], False, {**raw, **facts})

    def facts(self, raw: dict[str, Any]) -> dict[str, Any]:
        facts = super().facts(raw)
        windows = facts.get("windows_configuration") or {}
        if windows.get("active_directory_id"):
            facts["active_directory_id"] = windows["active_directory_id"]
        ontap = facts.get("ontap_configuration") or {}
        if "volume_id" in facts:
            facts["storage_virtual_machine_id"] = ontap.get("storage_virtual_machine_id")
            facts["size_in_megabytes"] = ontap.get("size_in_megabytes")
        return facts

    def validate(self, facts: dict[str, Any], expected: dict[str, Any]) -> list[str]:
        if "volume_id" in facts:
            return self._validate_volume(facts, expected)
        problems: list[str] = []
        differs(facts, "lifecycle", "AVAILABLE", problems)
        if expected.get("file_system_type"):
            differs(facts, "file_system_type", expected["file_system_type"], problems)
        for field_name in ("subnet_ids", "active_directory_id"):
            if field_name in expected:
                differs(facts, field_name, expected[field_name], problems)
        backed_up_type = facts.get("backup_file_system_type")
        if backed_up_type and facts.get("file_system_type") != backed_up_type:
            problems.append(f"file_system_type is {facts.get('file_system_type')!r}, the backup is of a {backed_up_type} file system")
        capacity, backed_up = facts.get("storage_capacity"), facts.get("backup_storage_capacity")
        if not isinstance(capacity, int):
            problems.append(f"storage_capacity is {capacity!r}, expected a number of GiB")
        elif isinstance(backed_up, int):
            # CreateFileSystemFromBackup StorageCapacity: OpenZFS "equal to or greater than the
            # backup's"; other types "a value that matches the backup's".
            if (facts.get("file_system_type") == "OPENZFS" and capacity < backed_up) or (facts.get("file_system_type") != "OPENZFS" and capacity != backed_up):
                problems.append(f"storage_capacity is {capacity} GiB, the backup recorded {backed_up} GiB")
        return problems

    def _validate_volume(self, facts: dict[str, Any], expected: dict[str, Any]) -> list[str]:
        problems: list[str] = []
        if facts.get("lifecycle") not in _VOLUME_USABLE:
            problems.append(f"lifecycle is {facts.get('lifecycle')!r}, expected one of {', '.join(_VOLUME_USABLE)}")
        differs(facts, "volume_type", "ONTAP", problems)
        for field_name in ("name", "storage_virtual_machine_id"):
            if expected.get(field_name):
                differs(facts, field_name, expected[field_name], problems)
        size, backed_up = facts.get("size_in_megabytes"), facts.get("backup_size_in_megabytes")
        if not isinstance(size, int):
            problems.append(f"size_in_megabytes is {size!r}, expected a number of megabytes")
        elif isinstance(backed_up, int) and size < backed_up:
            problems.append(f"size_in_megabytes is {size}, the backed-up volume had {backed_up}")
        return problems

    def delete_step(
        self, client_for: ClientFor, ref: Ref, raw: Optional[dict[str, Any]], dependents: list[dict[str, Any]], check_mode: bool
    ) -> Step:
        fsx = client_for("fsx")
        if ref.kind == VOLUME_KIND:
            return self._delete_volume_step(fsx, ref, check_mode)
        return Step.by_deletion(
            "file system",
            lambda: _describe_file_system(fsx, ref.identifier),
            lambda current: _delete_file_system(fsx, ref.identifier, str(current.get("FileSystemType") or "")),
            "Lifecycle",
            _GONE_STATES,
            check_mode,
        )

    def _delete_volume_step(self, fsx: Any, ref: Ref, check_mode: bool) -> Step:
        """DeleteVolume of the restored volume only: its storage virtual machine and file system
        existed before the restore and are never touched."""
        return Step.by_deletion(
            "volume", lambda: _describe_volume(fsx, ref.identifier), lambda current: _delete_volume(fsx, ref.identifier), "Lifecycle", _GONE_STATES, check_mode
        )

    def noun(self, ref: Ref) -> str:
        if ref.kind == VOLUME_KIND:
            return f"FSx for ONTAP volume {ref.identifier}"
        return f"FSx file system {ref.identifier}"
