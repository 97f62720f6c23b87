"""EFS: a backup of a file system; a restore into a new file system or into the source."""

from __future__ import annotations

import json
import re
import uuid
from typing import TYPE_CHECKING, Any

from moto.backup.exceptions import InvalidParameterValueException, ResourceNotFoundException
from moto.utilities.utils import get_partition

if TYPE_CHECKING:
    from ..models import BackupJob, RecoveryPoint

from .base import ResourceHandler, RestoreOutcome, Source, _bool_value, _str_bool, metadata_value


# "a 200 KB limit on the length of the restore metadata" (AWS Backup developer guide,
# "Restore an Amazon EFS file system")
EFS_RESTORE_METADATA_LIMIT = 200 * 1024
EFS_MISSING_CREATION_TOKEN = (
    "Restore metadata is missing CreationToken, required to restore to a new Amazon EFS file system."
)


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
        from ..models import RecoveryPoint

        file_system = source.resource
        vault = job.vault
        arn = (
            f"arn:{get_partition(backend.region_name)}:backup:{backend.region_name}:{backend.account_id}"
            f":recovery-point:{str(uuid.uuid4()).upper()}"
        )
        # The configuration at backup time, as GetRecoveryPointRestoreMetadata returns it for
        # EFS. AWS documents no example output; the keys are those the StartRestoreJob
        # reference lists for EFS that describe the file system (file-system-id "Returned in
        # GetRecoveryPointRestoreMetadata", Encrypted, KmsKeyId, PerformanceMode) and
        # newFileSystem "true", the value "Restore testing inferred metadata" gives for EFS.
        # Not CreationToken: it is "a user-supplied value that ensures the uniqueness" of the
        # CreateFileSystem call, so the source's own token cannot create a new file system.
        # Never newFileSystem "false": AWS documents no in-place default.
        metadata = {
            "file-system-id": file_system.file_system_id,
            "Encrypted": _str_bool(file_system.encrypted),
            "PerformanceMode": file_system.performance_mode,
            "newFileSystem": "true",
        }
        if file_system.kms_key_id:
            metadata["KmsKeyId"] = file_system.kms_key_id
        # EFS recovery points are stored in, and encrypted by, the vault.
        point = RecoveryPoint(
            arn,
            job,
            restore_metadata=metadata,
            encryption_key_arn=vault.encryption_key_arn or backend.default_backup_key_arn(),
            is_encrypted=True,
            backup_size_in_bytes=file_system.size_in_bytes["Value"],
        )
        # for CopySourceTagsToRestoredResource
        point.source_tags = list(_efs_backend(backend).list_tags_for_resource(file_system.file_system_id))
        return point

    def validate_restore_metadata(self, metadata: dict[str, str]) -> None:
        # Documented in the service model's StartRestoreJob Metadata: "If KmsKeyId is
        # specified, Encrypted must be set to true".
        encrypted = _bool_value(metadata, "Encrypted", False)
        _bool_value(metadata, "newFileSystem", True)
        if metadata_value(metadata, "KmsKeyId") and not encrypted:
            raise InvalidParameterValueException("If KmsKeyId is specified, Encrypted must be set to true")
        if not metadata_value(metadata, "file-system-id"):
            raise InvalidParameterValueException("Metadata key file-system-id is required for EFS restores")
        performance_mode = metadata_value(metadata, "PerformanceMode")
        if performance_mode and performance_mode not in ("generalPurpose", "maxIO"):
            raise InvalidParameterValueException(f"Invalid PerformanceMode: {performance_mode}")
        # AWS Backup developer guide, "Restore an Amazon EFS file system", item-level restore:
        # "You must specify the path relative to the file system root ... you enter /file1",
        # and "There is no item limit when you use CLI to restore; however, there is a 200 KB
        # limit on the length of the restore metadata that can be passed." (The service model's
        # older "one to five strings" is superseded by that page.) The emulator measures the
        # length as the UTF-8 size of the metadata map as JSON; the guide does not say how.
        size = len(json.dumps(metadata, separators=(",", ":")).encode("utf-8"))
        if size > EFS_RESTORE_METADATA_LIMIT:
            raise InvalidParameterValueException(
                f"Restore metadata is {size} bytes long; the limit is 200 KB ({EFS_RESTORE_METADATA_LIMIT} bytes)"
            )
        items = metadata_value(metadata, "ItemsToRestore")
        if items:
            try:
                paths = json.loads(items)
            except ValueError:
                raise InvalidParameterValueException("ItemsToRestore must be a JSON list of paths") from None
            if not isinstance(paths, list) or not paths or not all(isinstance(p, str) for p in paths):
                raise InvalidParameterValueException("ItemsToRestore must be a JSON list of paths")
            relative = [p for p in paths if not p.startswith("/")]
            if relative:
                raise InvalidParameterValueException(
                    f"ItemsToRestore paths must start at the file system root (/): {', '.join(relative)}"
                )

    def restore(
        self, backend: Any, point: RecoveryPoint, metadata: dict[str, str], copy_source_tags: bool = False
    ) -> RestoreOutcome:
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
        if not token:
            # The StartRestoreJob reference lists CreationToken among the metadata "you need to
            # specify" to restore EFS; without it AWS accepts the request and the job later
            # FAILS without creating a file system (aws/aws-cli#4467, where the console's
            # request, which works, carries a CreationToken). AWS's exact StatusMessage is
            # not documented.
            return RestoreOutcome(error=EFS_MISSING_CREATION_TOKEN)
        if token in efs.creation_tokens:
            # EFS CreateFileSystem is idempotent on CreationToken and answers
            # FileSystemAlreadyExists for a token in use (EFS API reference). What AWS Backup
            # then does is not documented; the emulator fails the job with EFS's error rather
            # than hand over a file system the restore did not create.
            existing = next(f for f in efs.file_systems_by_id.values() if f.creation_token == token)
            return RestoreOutcome(
                error=f"File system already exists (Service: Efs, Status Code: 409, Error Code: "
                f"FileSystemAlreadyExists): {existing.file_system_id} was created with CreationToken {token}"
            )
        file_system = efs.create_file_system(
            creation_token=token,
            performance_mode=metadata_value(metadata, "PerformanceMode") or "generalPurpose",
            encrypted=encrypted,
            kms_key_id=metadata_value(metadata, "KmsKeyId") or "",
            throughput_mode="bursting",
            provisioned_throughput_in_mibps=0,
            availability_zone_name="",
            backup=False,
            tags=list(point.source_tags) if copy_source_tags else [],
        )
        return RestoreOutcome(created_resource_arn=file_system.file_system_arn)

    def inferred_metadata(self, backend: Any, point: RecoveryPoint) -> dict[str, str]:
        # AWS Backup developer guide, "Restore testing inferred metadata", Amazon EFS
        # (https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing-inferred-metadata.html):
        # encrypted true, file-system-id of the recovery point, kmsKeyId alias/aws/elasticfilesystem,
        # newFileSystem true, performanceMode generalPurpose. Keys as spelled there; AWS reads
        # them case-insensitively.
        return {
            "encrypted": "true",
            "file-system-id": point.restore_metadata["file-system-id"],
            "kmsKeyId": "alias/aws/elasticfilesystem",
            "newFileSystem": "true",
            "performanceMode": "generalPurpose",
        }
