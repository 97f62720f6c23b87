"""FSx: a backup is an Amazon FSx backup of the file system (the recovery point ARN is the FSx
backup's, arn:aws:fsx:REGION:ACCOUNT:backup/backup-ID); a restore of FSx for Lustre, Windows File
Server or OpenZFS creates a new file system from it (AWS Backup developer guide, "Restore an
Amazon FSx file system", https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-fsx.html),
as CreateFileSystemFromBackup does (Amazon FSx API Reference,
https://docs.aws.amazon.com/fsx/latest/APIReference/API_CreateFileSystemFromBackup.html).

FSx for ONTAP backups are of volumes (arn:aws:fsx:REGION:ACCOUNT:volume/fs-ID/fsvol-ID); its restore
creates a volume in an existing storage virtual machine, named by the metadata's Name, as CreateVolume
does with the metadata's OntapConfiguration (CreateOntapVolumeConfiguration; StorageVirtualMachineId
required). moto's FSx has no volumes nor storage virtual machines: tests/emulator/fsx.py adds them."""

from __future__ import annotations

import copy
import json
import re
from typing import TYPE_CHECKING, Any

from moto.backup.exceptions import InvalidParameterValueException, ResourceNotFoundException

if TYPE_CHECKING:
    from ..models import BackupJob, RecoveryPoint

from .base import ResourceHandler, RestoreOutcome, Source, metadata_value

# The file system type's configuration key in CreateFileSystemFromBackup (and in the restore metadata).
CONFIGURATION_KEYS = {"WINDOWS": "WindowsConfiguration", "LUSTRE": "LustreConfiguration", "OPENZFS": "OpenZFSConfiguration"}
OBJECT_KEYS = ("WindowsConfiguration", "LustreConfiguration", "OpenZFSConfiguration", "OntapConfiguration")
LIST_KEYS = ("SubnetIds", "SecurityGroupIds")


def fsx_backend(backend: Any) -> Any:
    from moto.fsx.models import fsx_backends

    return fsx_backends[backend.account_id][backend.region_name]


def _json(metadata: dict[str, str], key: str, kind: type) -> Any:
    value = metadata_value(metadata, key)
    if value in (None, ""):
        return None
    try:
        parsed = json.loads(value)  # type: ignore[arg-type]
    except ValueError:
        parsed = None
    if not isinstance(parsed, kind):
        what = "a JSON list" if kind is list else "a JSON object"
        raise InvalidParameterValueException(f"Invalid value for {key}: {value}. Expected {what}")
    return parsed


def _merged(backed_up: dict[str, Any] | None, given: dict[str, Any] | None) -> dict[str, Any]:
    """The backed-up configuration with the given keys on top ("Parameters like the Active
    Directory, default share name, automatic backup, and backup settings default to the
    parameters of the file system that was backed up, unless overridden",
    CreateFileSystemFromBackup). Given keys replace the backed-up key spelled in any case."""
    result = copy.deepcopy(backed_up or {})
    directory = ("activedirectoryid", "selfmanagedactivedirectoryconfiguration")
    if any(k.lower() in directory for k in given or {}):
        # The Active Directory given overrides the backed-up one, AWS Managed or self-managed alike.
        result = {k: v for k, v in result.items() if k.lower() not in directory}
    for key, value in (given or {}).items():
        existing = next((k for k in result if k.lower() == key.lower()), key)
        result.pop(existing, None)
        result[existing] = value
    return result


class FsxHandler(ResourceHandler):
    resource_type = "FSx"
    arn_pattern = re.compile(r"^arn:[\w-]+:fsx:[\w-]+:\d{12}:file-system/(fs-[0-9a-f]{8,})$")
    volume_pattern = re.compile(r"^arn:[\w-]+:fsx:[\w-]+:\d{12}:volume/fs-[0-9a-f]{8,}/(fsvol-[0-9a-f]{17,})$")

    def matches(self, backend: Any, arn: str) -> bool:
        return bool(self.arn_pattern.match(arn) or self.volume_pattern.match(arn))

    def describe_source(self, backend: Any, arn: str) -> Source:
        volume = self.volume_pattern.match(arn)
        if volume is not None:
            from ..fsx import ontap_state

            found = ontap_state(fsx_backend(backend))[1].get(volume.group(1))
            if found is None:
                raise ResourceNotFoundException(f"Resource {arn} not found")
            return Source(self.resource_type, found.name, found)
        file_system_id = self.arn_pattern.match(arn).group(1)  # type: ignore[union-attr]
        file_system = fsx_backend(backend).file_systems.get(file_system_id)
        if file_system is None:
            raise ResourceNotFoundException(f"Resource {arn} not found")
        tags = fsx_backend(backend).list_tags_for_resource(file_system.resource_arn)
        return Source(self.resource_type, next((t["Value"] for t in tags if t["Key"] == "Name"), ""), file_system)

    def create_recovery_point(self, backend: Any, job: BackupJob, source: Source) -> RecoveryPoint:
        from ..models import RecoveryPoint

        fsx = fsx_backend(backend)
        file_system = source.resource
        if hasattr(file_system, "volume_id"):
            return self._volume_recovery_point(backend, job, file_system)
        if file_system.file_system_type == "ONTAP":
            raise InvalidParameterValueException("FSx for ONTAP backups are of volumes: back up a volume's ARN")
        backup = fsx.create_backup(file_system.file_system_id, None, None, None)
        backup.lifecycle, backup.backup_type = "AVAILABLE", "AWS_BACKUP"
        configuration_key = CONFIGURATION_KEYS[file_system.file_system_type]
        configuration = {
            "WINDOWS": file_system.windows_configuration, "LUSTRE": file_system.lustre_configuration,
            "OPENZFS": file_system.open_zfs_configuration,
        }[file_system.file_system_type]  # fmt: skip
        # The configuration at backup time in CreateFileSystemFromBackup's parameters (the keys
        # the restore takes). AWS documents no example output of GetRecoveryPointRestoreMetadata
        # for FSx: the emulator's reading is these keys with the file system's values, lists and
        # objects as JSON text (as restore metadata values are strings).
        metadata = {
            "StorageCapacity": str(file_system.storage_capacity),
            "StorageType": file_system.storage_type or "SSD",
            "SubnetIds": json.dumps(file_system.subnet_ids or []),
        }
        if file_system.security_group_ids:
            metadata["SecurityGroupIds"] = json.dumps(file_system.security_group_ids)
        if file_system.kms_key_id:
            metadata["KmsKeyId"] = file_system.kms_key_id
        if configuration:
            metadata[configuration_key] = json.dumps(configuration)
        # FSx file systems and backups are always encrypted at rest (FSx user guides, "Data
        # encryption"); an FSx recovery point is the FSx backup itself.
        point = RecoveryPoint(
            backup.resource_arn,
            job,
            restore_metadata=metadata,
            encryption_key_arn=file_system.kms_key_id,
            is_encrypted=True,
            backup_size_in_bytes=int(file_system.storage_capacity or 0) * 1024**3,
            source_snapshot_id=backup.backup_id,
        )
        point.source_tags = list(fsx.list_tags_for_resource(file_system.resource_arn))
        point.fsx_file_system = {
            "FileSystemType": file_system.file_system_type, "StorageCapacity": file_system.storage_capacity,
            "StorageType": file_system.storage_type, "SubnetIds": list(file_system.subnet_ids or []),
            "KmsKeyId": file_system.kms_key_id, "Configuration": copy.deepcopy(configuration or {}),
        }  # fmt: skip
        return point

    def _volume_recovery_point(self, backend: Any, job: BackupJob, volume: Any) -> RecoveryPoint:
        from ..models import RecoveryPoint

        fsx = fsx_backend(backend)
        backup = fsx.create_backup(volume.file_system_id, None, volume.volume_id, None)
        backup.lifecycle, backup.backup_type = "AVAILABLE", "AWS_BACKUP"
        configuration = volume.ontap_configuration
        # The developer guide's ONTAP restore keys (a volume's Name; OntapConfiguration with
        # JunctionPath, SizeInMegabytes, StorageVirtualMachineId) with the volume's values; AWS
        # documents no example output of GetRecoveryPointRestoreMetadata for ONTAP.
        kept = ("JunctionPath", "SizeInMegabytes", "StorageVirtualMachineId")
        metadata = {"Name": volume.name, "OntapConfiguration": json.dumps({k: configuration[k] for k in kept if k in configuration})}
        point = RecoveryPoint(
            backup.resource_arn, job, restore_metadata=metadata, encryption_key_arn=None, is_encrypted=True,  # type: ignore[arg-type]
            backup_size_in_bytes=int(configuration.get("SizeInMegabytes") or 0) * 1024**2, source_snapshot_id=backup.backup_id,
        )  # fmt: skip
        point.source_tags = list(fsx.list_tags_for_resource(volume.resource_arn))
        point.fsx_file_system = {"FileSystemType": "ONTAP", "Configuration": dict(configuration), "Name": volume.name}
        return point

    def _restore_volume(self, backend: Any, point: RecoveryPoint, metadata: dict[str, str], copy_source_tags: bool) -> RestoreOutcome:
        from ..fsx import create_volume, ontap_state

        fsx = fsx_backend(backend)
        configuration = _merged(point.fsx_file_system["Configuration"], _json(metadata, "OntapConfiguration", dict))
        svm_id = next((v for k, v in configuration.items() if k.lower() == "storagevirtualmachineid"), None)
        svms, volumes = ontap_state(fsx)
        if svm_id not in svms:
            # CreateOntapVolumeConfiguration: StorageVirtualMachineId is required; the restore
            # creates the volume in that existing storage virtual machine.
            return RestoreOutcome(error=f"BadRequest: storage virtual machine {svm_id} does not exist")
        name = metadata_value(metadata, "Name") or point.fsx_file_system["Name"]
        if any(v.name == name and v.ontap_configuration.get("StorageVirtualMachineId") == svm_id for v in volumes.values()):
            # ONTAP volume names are unique within a storage virtual machine (FSx for ONTAP user
            # guide, "Creating volumes"); what AWS Backup then reports is not documented.
            return RestoreOutcome(error=f"BadRequest: a volume named {name} already exists in {svm_id}")
        configuration = {next((c for c in ("JunctionPath", "SizeInMegabytes", "StorageVirtualMachineId") if c.lower() == k.lower()), k): v
                         for k, v in configuration.items()}  # fmt: skip
        volume = create_volume(fsx, name, configuration, list(point.source_tags) if copy_source_tags and point.source_tags else None)
        return RestoreOutcome(created_resource_arn=volume.resource_arn)

    def validate_restore_metadata(self, metadata: dict[str, str]) -> None:
        # Values that cannot be what CreateFileSystemFromBackup takes (lists of ids, objects, a
        # whole number of GiB) are refused when the job is asked for. What AWS Backup answers
        # there is not documented; the emulator refuses such a request rather than run a job
        # that cannot restore.
        for key in LIST_KEYS:
            values = _json(metadata, key, list)
            if values is not None and not all(isinstance(v, str) and v for v in values):
                raise InvalidParameterValueException(f"Invalid value for {key}: expected a JSON list of ids")
        for key in OBJECT_KEYS:
            _json(metadata, key, dict)
        capacity = metadata_value(metadata, "StorageCapacity")
        if capacity not in (None, "") and not capacity.isdigit():  # type: ignore[union-attr]
            raise InvalidParameterValueException(f"Invalid value for StorageCapacity: {capacity}")

    def delete_recovery_point(self, backend: Any, point: RecoveryPoint) -> None:
        fsx_backend(backend).backups.pop(point.source_snapshot_id or "", None)

    def restore(
        self, backend: Any, point: RecoveryPoint, metadata: dict[str, str], copy_source_tags: bool = False
    ) -> RestoreOutcome:
        fsx = fsx_backend(backend)
        if point.source_snapshot_id not in fsx.backups:
            return RestoreOutcome(error=f"BackupNotFound: Backup '{point.source_snapshot_id}' does not exist.")
        source = point.fsx_file_system
        kind = source["FileSystemType"]
        if kind == "ONTAP":
            return self._restore_volume(backend, point, metadata, copy_source_tags)
        subnets = _json(metadata, "SubnetIds", list)
        if not subnets:
            # CreateFileSystemFromBackup requires SubnetIds; restore testing cannot infer them for
            # Lustre and Windows ("Restore testing inferred metadata": subnetIds required).
            return RestoreOutcome(error="BadRequest: SubnetIds is required to create a file system from a backup")
        configuration = _merged(source["Configuration"], _json(metadata, CONFIGURATION_KEYS[kind], dict))
        deployment = next((v for k, v in configuration.items() if k.lower() == "deploymenttype"), None)
        # CreateFileSystemFromBackup SubnetIds: "For Windows MULTI_AZ_1 file system deployment
        # types, provide exactly two subnet IDs ... Windows SINGLE_AZ_1 and SINGLE_AZ_2 file
        # system deployment types, Lustre file systems, and OpenZFS file systems provide exactly
        # one subnet ID."
        wanted = 2 if kind == "WINDOWS" and deployment == "MULTI_AZ_1" else 1
        if len(subnets) != wanted:
            return RestoreOutcome(error=f"BadRequest: a {kind} {deployment or ''} file system takes exactly {wanted} subnet ID(s), got {len(subnets)}")
        capacity_text = metadata_value(metadata, "StorageCapacity")
        capacity = int(capacity_text) if capacity_text else source["StorageCapacity"]
        # CreateFileSystemFromBackup StorageCapacity: for OpenZFS "must be equal to or greater than
        # the backup's"; for the other types "you must provide a value that matches the backup's".
        if (kind == "OPENZFS" and capacity < source["StorageCapacity"]) or (kind != "OPENZFS" and capacity != source["StorageCapacity"]):
            return RestoreOutcome(error=f"BadRequest: StorageCapacity {capacity} does not fit the backup's {source['StorageCapacity']} GiB")
        file_system = fsx.create_file_system(
            client_request_token=None,
            file_system_type=kind,
            storage_capacity=capacity,
            storage_type=metadata_value(metadata, "StorageType") or source["StorageType"],
            subnet_ids=subnets,
            security_group_ids=_json(metadata, "SecurityGroupIds", list) or [],
            tags=list(point.source_tags) if copy_source_tags and point.source_tags else None,
            kms_key_id=metadata_value(metadata, "KmsKeyId") or source["KmsKeyId"],
            windows_configuration=configuration if kind == "WINDOWS" else None,
            lustre_configuration=configuration if kind == "LUSTRE" else None,
            ontap_configuration=None,
            file_system_type_version=None,
            open_zfs_configuration=configuration if kind == "OPENZFS" else None,
        )
        return RestoreOutcome(created_resource_arn=file_system.resource_arn)

    def inferred_metadata(self, backend: Any, point: RecoveryPoint) -> dict[str, str]:
        # AWS Backup developer guide, "Restore testing inferred metadata"
        # (https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing-inferred-metadata.html):
        # "for some resource types (Amazon FSx), AWS Backup is not able to infer a complete set of
        # metadata"; subnetIds (Lustre, Windows) and activeDirectoryId (Windows) must be given as
        # overrides. The emulator infers the backed-up storage capacity and the type's
        # configuration without its Active Directory, and no subnets.
        source = point.fsx_file_system
        if source["FileSystemType"] == "ONTAP":
            # ONTAP: "storageVirtualMachineId" is required as an override; the emulator infers a
            # new name and the backed-up junction path and size.
            configuration = {k: v for k, v in source["Configuration"].items() if k in ("JunctionPath", "SizeInMegabytes")}
            return {"Name": f"awsbackup_restore_test_{point.source_snapshot_id.replace('-', '_')}", "OntapConfiguration": json.dumps(configuration)}
        configuration = {k: v for k, v in source["Configuration"].items() if k.lower() not in ("activedirectoryid", "preferredsubnetid")}
        inferred = {"StorageCapacity": str(source["StorageCapacity"])}
        if configuration:
            inferred[CONFIGURATION_KEYS[source["FileSystemType"]]] = json.dumps(configuration)
        return inferred
