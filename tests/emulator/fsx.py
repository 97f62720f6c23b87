"""Amazon FSx in moto: what moto's FSx backend lacks that the drills meet.

- A file system's Lifecycle, CreationTime and OwnerId (Amazon FSx API Reference, FileSystem,
  https://docs.aws.amazon.com/fsx/latest/APIReference/API_FileSystem.html): moto describes none.
  Nor does it leave out a self-managed Active Directory's Password, which AWS never describes.
  The emulator's file systems are AVAILABLE once created (a restore job creates its file system
  when the job completes).
- DeleteFileSystem's final backup (Amazon FSx API Reference, DeleteFileSystem,
  https://docs.aws.amazon.com/fsx/latest/APIReference/API_DeleteFileSystem.html): "By default,
  Amazon FSx for Windows takes a final backup on your behalf when the DeleteFileSystem operation
  is invoked" unless WindowsConfiguration.SkipFinalBackup is true; FSx for OpenZFS likewise
  (OpenZFSConfiguration.SkipFinalBackup); for Lustre "By default, Amazon FSx will not take a final
  backup" (LustreConfiguration.SkipFinalBackup, "Default = true"). moto takes none; the emulator
  takes it as AWS does, tagged with FinalBackupTags, so a deletion that leaves a backup behind shows.
- A backup's Type and FileSystem, "the metadata of the file system associated with the backup. This
  metadata is persisted even if the file system is deleted" (Amazon FSx API Reference, Backup,
  https://docs.aws.amazon.com/fsx/latest/APIReference/API_Backup.html): moto describes neither. A
  backup made by AWS Backup has Type AWS_BACKUP and is AVAILABLE when its job completes (moto's
  stay CREATING).
"""

from __future__ import annotations

import functools
import json
import time
from typing import Any

# DeleteFileSystem: whether FSx takes a final backup when SkipFinalBackup is not given, per type.
FINAL_BACKUP_BY_DEFAULT = {"WINDOWS": True, "OPENZFS": True, "LUSTRE": False}


def _flag(configuration: Any, default_skip: bool) -> bool:
    """SkipFinalBackup of a DeleteFileSystem configuration object."""
    if not isinstance(configuration, dict) or configuration.get("SkipFinalBackup") is None:
        return default_skip
    return bool(configuration["SkipFinalBackup"])


def install_fsx_fidelity() -> None:
    from moto.fsx.models import Backup, FileSystem, FSxBackend

    if getattr(FileSystem, "_emulator_installed", False):
        return
    original_init = FileSystem.__init__
    original_to_dict = FileSystem.to_dict
    original_delete = FSxBackend.delete_file_system

    @functools.wraps(original_init)
    def __init__(self: Any, account_id: str, region_name: str, *args: Any, **kwargs: Any) -> None:
        original_init(self, account_id, region_name, *args, **kwargs)
        self.owner_id = account_id
        self.creation_time = time.time()
        self.lifecycle = "AVAILABLE"

    @functools.wraps(original_to_dict)
    def to_dict(self: Any) -> dict[str, Any]:
        described = original_to_dict(self)
        described.update(OwnerId=self.owner_id, CreationTime=self.creation_time, Lifecycle=self.lifecycle)
        windows = described.get("WindowsConfiguration") or {}
        directory = windows.get("SelfManagedActiveDirectoryConfiguration")
        if isinstance(directory, dict) and "Password" in directory:
            # DescribeFileSystems answers SelfManagedActiveDirectoryAttributes, which has no
            # Password (Amazon FSx API Reference): the password given at creation is never shown.
            described["WindowsConfiguration"] = {**windows, "SelfManagedActiveDirectoryConfiguration": {
                k: v for k, v in directory.items() if k != "Password"}}
        return described

    @functools.wraps(original_delete)
    def delete_file_system(
        self: Any,
        file_system_id: str,
        client_request_token: str,
        windows_configuration: Any,
        lustre_configuration: Any,
        open_zfs_configuration: Any,
    ) -> Any:
        file_system = self.file_systems.get(file_system_id)
        if file_system is not None:
            kind = file_system.file_system_type
            configuration = {"WINDOWS": windows_configuration, "LUSTRE": lustre_configuration, "OPENZFS": open_zfs_configuration}.get(kind)
            if not _flag(configuration, not FINAL_BACKUP_BY_DEFAULT.get(kind, False)):
                tags = (configuration or {}).get("FinalBackupTags") if isinstance(configuration, dict) else None
                final = self.create_backup(file_system_id, None, None, tags)
                final.lifecycle = "AVAILABLE"
                final.backup_type = "USER_INITIATED"
        return original_delete(self, file_system_id, client_request_token, windows_configuration, lustre_configuration, open_zfs_configuration)

    original_backup_init = Backup.__init__
    original_backup_to_dict = Backup.to_dict

    @functools.wraps(original_backup_init)
    def backup_init(self: Any, *args: Any, **kwargs: Any) -> None:
        original_backup_init(self, *args, **kwargs)
        self.backup_type = "USER_INITIATED"
        source = self.backend.file_systems.get(self.file_system_id)
        self.file_system_description = None
        if source is not None:
            self.file_system_description = {k: v for k, v in source.to_dict().items() if k != "Tags"}
        volume = ontap_state(self.backend)[1].get(self.volume_id or "")
        self.volume_description = {k: v for k, v in volume.to_dict().items() if k != "Tags"} if volume is not None else None

    @functools.wraps(original_backup_to_dict)
    def backup_to_dict(self: Any) -> dict[str, Any]:
        described = original_backup_to_dict(self)
        described["Type"] = self.backup_type
        if self.file_system_description:
            described["FileSystem"] = self.file_system_description
        if self.volume_description:
            described["Volume"] = self.volume_description
            described["ResourceType"] = "VOLUME"
        return described

    Backup.__init__ = backup_init  # type: ignore[method-assign]
    Backup.to_dict = backup_to_dict  # type: ignore[method-assign]
    FileSystem.__init__ = __init__  # type: ignore[method-assign]
    FileSystem.to_dict = to_dict  # type: ignore[method-assign]
    FSxBackend.delete_file_system = delete_file_system  # type: ignore[method-assign]
    from moto.fsx.responses import FSxResponse

    for name in ("create_storage_virtual_machine", "describe_storage_virtual_machines", "create_volume", "describe_volumes", "delete_volume"):
        setattr(FSxResponse, name, getattr(FsxOntapResponseMixin, name))
    FileSystem._emulator_installed = True  # type: ignore[attr-defined]


# ---- FSx for ONTAP: storage virtual machines and volumes, which moto's FSx lacks ---------------
#
# Amazon FSx API Reference: CreateStorageVirtualMachine / DescribeStorageVirtualMachines,
# CreateVolume / DescribeVolumes / DeleteVolume (https://docs.aws.amazon.com/fsx/latest/APIReference/),
# and CreateBackup of a volume ("FSx for ONTAP ... backups are per volume", FSx for ONTAP user guide,
# "Working with backups"). Only what ONTAP volumes need: no Active Directory, no FlexGroup/SnapLock.
# ARNs as the FSx reference shows them: volume/fs-ID/fsvol-ID, storage-virtual-machine/fs-ID/svm-ID.


def _hex17() -> str:
    import uuid

    return uuid.uuid4().hex[:17]


class StorageVirtualMachine:
    def __init__(self, backend: Any, file_system_id: str, name: str) -> None:
        self.storage_virtual_machine_id = f"svm-{_hex17()}"
        self.file_system_id = file_system_id
        self.name = name
        self.creation_time = time.time()
        self.resource_arn = f"arn:aws:fsx:{backend.region_name}:{backend.account_id}:storage-virtual-machine/{file_system_id}/{self.storage_virtual_machine_id}"

    def to_dict(self) -> dict[str, Any]:
        return {"StorageVirtualMachineId": self.storage_virtual_machine_id, "FileSystemId": self.file_system_id, "Name": self.name,
                "Lifecycle": "CREATED", "CreationTime": self.creation_time, "ResourceARN": self.resource_arn, "Subtype": "DEFAULT"}  # fmt: skip


class Volume:
    def __init__(self, backend: Any, svm: StorageVirtualMachine, name: str, ontap_configuration: dict[str, Any]) -> None:
        self.backend = backend
        self.volume_id = f"fsvol-{_hex17()}"
        self.file_system_id = svm.file_system_id
        self.name = name
        self.creation_time = time.time()
        self.lifecycle = "CREATED"  # VolumeLifecycle: an ONTAP volume ready for use is CREATED
        self.ontap_configuration = {**ontap_configuration, "StorageVirtualMachineId": svm.storage_virtual_machine_id}
        self.resource_arn = f"arn:aws:fsx:{backend.region_name}:{backend.account_id}:volume/{svm.file_system_id}/{self.volume_id}"

    def to_dict(self) -> dict[str, Any]:
        return {"VolumeId": self.volume_id, "FileSystemId": self.file_system_id, "Name": self.name, "VolumeType": "ONTAP",
                "Lifecycle": self.lifecycle, "CreationTime": self.creation_time, "ResourceARN": self.resource_arn,
                "OntapConfiguration": dict(self.ontap_configuration), "Tags": self.backend.list_tags_for_resource(self.resource_arn)}  # fmt: skip


def ontap_state(backend: Any) -> tuple[dict[str, StorageVirtualMachine], dict[str, Volume]]:
    if not hasattr(backend, "storage_virtual_machines"):
        backend.storage_virtual_machines = {}
        backend.volumes = {}
    return backend.storage_virtual_machines, backend.volumes


def create_volume(backend: Any, name: str, ontap_configuration: dict[str, Any], tags: Any = None) -> Volume:
    from moto.fsx.exceptions import ResourceNotFoundException

    svms, volumes = ontap_state(backend)
    svm = svms.get(str(ontap_configuration.get("StorageVirtualMachineId")))
    if svm is None:
        raise ResourceNotFoundException(f"Storage virtual machine {ontap_configuration.get('StorageVirtualMachineId')} does not exist.")
    volume = Volume(backend, svm, name, ontap_configuration)
    volumes[volume.volume_id] = volume
    if tags:
        backend.tagger.tag_resource(volume.resource_arn, tags)
    return volume


class FsxOntapResponseMixin:
    """Methods added to moto.fsx.responses.FSxResponse by install_fsx_fidelity()."""

    fsx_backend: Any
    body: Any

    def create_storage_virtual_machine(self) -> str:
        params = json.loads(self.body)
        file_system = self.fsx_backend.file_systems.get(params.get("FileSystemId"))
        if file_system is None or file_system.file_system_type != "ONTAP":
            from moto.fsx.exceptions import FileSystemNotFound

            raise FileSystemNotFound(str(params.get("FileSystemId")))
        svm = StorageVirtualMachine(self.fsx_backend, file_system.file_system_id, params["Name"])
        ontap_state(self.fsx_backend)[0][svm.storage_virtual_machine_id] = svm
        return json.dumps({"StorageVirtualMachine": svm.to_dict()})

    def describe_storage_virtual_machines(self) -> str:
        params = json.loads(self.body)
        svms = ontap_state(self.fsx_backend)[0]
        wanted = params.get("StorageVirtualMachineIds")
        found = [s.to_dict() for i, s in svms.items() if not wanted or i in wanted]
        return json.dumps({"StorageVirtualMachines": found})

    def create_volume(self) -> str:
        params = json.loads(self.body)
        volume = create_volume(self.fsx_backend, params["Name"], params.get("OntapConfiguration") or {}, params.get("Tags"))
        return json.dumps({"Volume": volume.to_dict()})

    def describe_volumes(self) -> str:
        from moto.core.exceptions import JsonRESTError

        params = json.loads(self.body)
        volumes = ontap_state(self.fsx_backend)[1]
        wanted = params.get("VolumeIds") or []
        missing = [i for i in wanted if i not in volumes]
        if missing:
            # DescribeVolumes declares VolumeNotFound for an unknown VolumeIds entry.
            raise JsonRESTError("VolumeNotFound", f"Volume '{missing[0]}' does not exist.")
        found = [v for i, v in volumes.items() if not wanted or i in wanted]
        for condition in params.get("Filters") or []:
            attribute = {"file-system-id": lambda v: v.file_system_id,
                         "storage-virtual-machine-id": lambda v: v.ontap_configuration.get("StorageVirtualMachineId")}[condition["Name"]]  # fmt: skip
            found = [v for v in found if attribute(v) in condition.get("Values", [])]
        return json.dumps({"Volumes": [v.to_dict() for v in found]})

    def delete_volume(self) -> str:
        from moto.core.exceptions import JsonRESTError

        params = json.loads(self.body)
        volumes = ontap_state(self.fsx_backend)[1]
        volume = volumes.get(params.get("VolumeId"))
        if volume is None:
            raise JsonRESTError("VolumeNotFound", f"Volume '{params.get('VolumeId')}' does not exist.")
        configuration = params.get("OntapConfiguration") or {}
        answer: dict[str, Any] = {"VolumeId": volume.volume_id, "Lifecycle": "DELETING"}
        # DeleteVolumeOntapConfiguration.SkipFinalBackup: "Set to true if you want to skip taking a
        # final backup of the volume you are deleting": without it, a final backup is taken.
        if not configuration.get("SkipFinalBackup"):
            final = self.fsx_backend.create_backup(volume.file_system_id, None, volume.volume_id, configuration.get("FinalBackupTags"))
            final.lifecycle = "AVAILABLE"
            answer["OntapResponse"] = {"FinalBackupId": final.backup_id}
        del volumes[volume.volume_id]
        return json.dumps(answer)
