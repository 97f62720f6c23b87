"""Per-resource-type behaviour: what a backup captures and what a restore creates.

Each handler works on the real moto resource through moto's own service backends
(EFS file systems, RDS instances, Aurora clusters and their snapshots).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from moto.backup.exceptions import InvalidParameterValueException, ResourceNotFoundException
from moto.utilities.utils import get_partition

if TYPE_CHECKING:
    from .models import BackupJob, RecoveryPoint


@dataclass
class Source:
    """The resource a backup job reads, as found at backup time."""

    resource_type: str
    resource_name: str
    resource: Any


@dataclass
class RestoreOutcome:
    created_resource_arn: str | None = None
    error: str | None = None


def metadata_value(metadata: dict[str, str], key: str) -> str | None:
    """AWS reads restore metadata keys case-insensitively (its own EFS example writes
    `itemsToRestore`), so the emulator does too."""
    wanted = key.lower()
    for name, value in metadata.items():
        if name.lower() == wanted:
            return value
    return None


def _bool_value(metadata: dict[str, str], key: str, default: bool) -> bool:
    value = metadata_value(metadata, key)
    if value is None or value == "":
        return default
    if value.lower() not in ("true", "false"):
        raise InvalidParameterValueException(f"Invalid value for {key}: {value}. Expected true or false")
    return value.lower() == "true"


def _str_bool(value: bool) -> str:
    return "true" if value else "false"


class ResourceHandler:
    resource_type = ""
    arn_pattern: re.Pattern[str]

    def matches(self, backend: Any, arn: str) -> bool:
        return bool(self.arn_pattern.match(arn))

    def describe_source(self, backend: Any, arn: str) -> Source:
        raise NotImplementedError

    def create_recovery_point(self, backend: Any, job: BackupJob, source: Source) -> RecoveryPoint:
        raise NotImplementedError

    def validate_restore_metadata(self, metadata: dict[str, str]) -> None:
        pass

    def restore(self, backend: Any, point: RecoveryPoint, metadata: dict[str, str]) -> RestoreOutcome:
        raise NotImplementedError

    def inferred_metadata(self, backend: Any, point: RecoveryPoint) -> dict[str, str]:
        raise NotImplementedError


# ---- EFS ----------------------------------------------------------------------------------


def _efs_backend(backend: Any) -> Any:
    from moto.efs.models import efs_backends

    return efs_backends[backend.account_id][backend.region_name]


class EfsHandler(ResourceHandler):
    resource_type = "EFS"
    arn_pattern = re.compile(r"^arn:[\w-]+:elasticfilesystem:[\w-]+:\d{12}:file-system/(fs-[0-9a-f]+)$")

    def describe_source(self, backend: Any, arn: str) -> Source:
        file_system_id = self.arn_pattern.match(arn).group(1)  # type: ignore[union-attr]
        file_system = _efs_backend(backend).file_systems_by_id.get(file_system_id)
        if file_system is None:
            raise ResourceNotFoundException(f"Resource {arn} not found")
        name = next(
            (t["Value"] for t in _efs_backend(backend).list_tags_for_resource(file_system_id) if t["Key"] == "Name"),
            "",
        )
        return Source(self.resource_type, name, file_system)

    def create_recovery_point(self, backend: Any, job: BackupJob, source: Source) -> RecoveryPoint:
        from .models import RecoveryPoint

        file_system = source.resource
        vault = job.vault
        arn = (
            f"arn:{get_partition(backend.region_name)}:backup:{backend.region_name}:{backend.account_id}"
            f":recovery-point:{str(uuid.uuid4()).upper()}"
        )
        # The configuration at backup time, as GetRecoveryPointRestoreMetadata returns it for
        # EFS: the StartRestoreJob keys documented for EFS in the backup service model
        # (file-system-id, Encrypted, KmsKeyId, PerformanceMode, CreationToken, newFileSystem).
        metadata = {
            "file-system-id": file_system.file_system_id,
            "Encrypted": _str_bool(file_system.encrypted),
            "PerformanceMode": file_system.performance_mode,
            "CreationToken": file_system.creation_token,
            "newFileSystem": "false",
        }
        if file_system.kms_key_id:
            metadata["KmsKeyId"] = file_system.kms_key_id
        # EFS recovery points are stored in, and encrypted by, the vault.
        return RecoveryPoint(
            arn,
            job,
            restore_metadata=metadata,
            encryption_key_arn=vault.encryption_key_arn or backend.default_backup_key_arn(),
            is_encrypted=True,
            backup_size_in_bytes=file_system.size_in_bytes["Value"],
        )

    def validate_restore_metadata(self, metadata: dict[str, str]) -> None:
        # Documented in the service model's StartRestoreJob Metadata: "If KmsKeyId is
        # specified, Encrypted must be set to true"; ItemsToRestore holds up to five paths.
        encrypted = _bool_value(metadata, "Encrypted", False)
        _bool_value(metadata, "newFileSystem", True)
        if metadata_value(metadata, "KmsKeyId") and not encrypted:
            raise InvalidParameterValueException("If KmsKeyId is specified, Encrypted must be set to true")
        if not metadata_value(metadata, "file-system-id"):
            raise InvalidParameterValueException("Metadata key file-system-id is required for EFS restores")
        performance_mode = metadata_value(metadata, "PerformanceMode")
        if performance_mode and performance_mode not in ("generalPurpose", "maxIO"):
            raise InvalidParameterValueException(f"Invalid PerformanceMode: {performance_mode}")
        items = metadata_value(metadata, "ItemsToRestore")
        if items:
            import json

            try:
                paths = json.loads(items)
            except ValueError:
                raise InvalidParameterValueException("ItemsToRestore must be a JSON list of paths") from None
            if not isinstance(paths, list) or not 1 <= len(paths) <= 5:
                raise InvalidParameterValueException("ItemsToRestore must list one to five paths")

    def restore(self, backend: Any, point: RecoveryPoint, metadata: dict[str, str]) -> RestoreOutcome:
        efs = _efs_backend(backend)
        if not _bool_value(metadata, "newFileSystem", True):
            # An in-place restore writes into a directory of the given file system.
            target_id = metadata_value(metadata, "file-system-id") or ""
            target = efs.file_systems_by_id.get(target_id)
            if target is None:
                return RestoreOutcome(error=f"File system {target_id} does not exist")
            return RestoreOutcome(created_resource_arn=target.file_system_arn)
        encrypted = _bool_value(metadata, "Encrypted", False)
        token = metadata_value(metadata, "CreationToken")
        # Assumption: a token already in use (say, the source's own token taken from the
        # recovery point's metadata) does not fail the restore; AWS Backup makes the
        # CreateFileSystem call and we give the new file system a fresh token.
        if not token or token in efs.creation_tokens:
            token = str(uuid.uuid4())
        file_system = efs.create_file_system(
            creation_token=token,
            performance_mode=metadata_value(metadata, "PerformanceMode") or "generalPurpose",
            encrypted=encrypted,
            kms_key_id=metadata_value(metadata, "KmsKeyId") or "",
            throughput_mode="bursting",
            provisioned_throughput_in_mibps=0,
            availability_zone_name="",
            backup=False,
            tags=[],
        )
        return RestoreOutcome(created_resource_arn=file_system.file_system_arn)

    def inferred_metadata(self, backend: Any, point: RecoveryPoint) -> dict[str, str]:
        return {
            "file-system-id": point.restore_metadata["file-system-id"],
            "Encrypted": "true",
            "newFileSystem": "true",
            "PerformanceMode": point.restore_metadata.get("PerformanceMode", "generalPurpose"),
            "CreationToken": str(uuid.uuid4()),
        }


RESOURCE_HANDLERS: list[ResourceHandler] = [EfsHandler()]


def handler_for_arn(arn: str, backend: Any = None) -> ResourceHandler | None:
    return next((h for h in RESOURCE_HANDLERS if h.matches(backend, arn)), None)


def handler_for_type(resource_type: str) -> ResourceHandler:
    return next(h for h in RESOURCE_HANDLERS if h.resource_type == resource_type)
