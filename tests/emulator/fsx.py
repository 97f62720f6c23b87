"""Amazon FSx in moto: what moto's FSx backend lacks that the drills meet.

- A file system's Lifecycle, CreationTime and OwnerId (Amazon FSx API Reference, FileSystem,
  https://docs.aws.amazon.com/fsx/latest/APIReference/API_FileSystem.html): moto describes none.
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

    @functools.wraps(original_backup_to_dict)
    def backup_to_dict(self: Any) -> dict[str, Any]:
        described = original_backup_to_dict(self)
        described["Type"] = self.backup_type
        if self.file_system_description:
            described["FileSystem"] = self.file_system_description
        return described

    Backup.__init__ = backup_init  # type: ignore[method-assign]
    Backup.to_dict = backup_to_dict  # type: ignore[method-assign]
    FileSystem.__init__ = __init__  # type: ignore[method-assign]
    FileSystem.to_dict = to_dict  # type: ignore[method-assign]
    FSxBackend.delete_file_system = delete_file_system  # type: ignore[method-assign]
    FileSystem._emulator_installed = True  # type: ignore[attr-defined]
