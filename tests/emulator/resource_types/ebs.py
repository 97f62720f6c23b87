"""EBS: a backup is an EBS snapshot of the volume; a restore creates a new volume from it (AWS
Backup developer guide, "Restore an Amazon EBS volume",
https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-ebs.html)."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

from moto.backup.exceptions import InvalidParameterValueException, ResourceNotFoundException
from moto.utilities.utils import get_partition

if TYPE_CHECKING:
    from ..models import BackupJob, RecoveryPoint

from .base import ResourceHandler, RestoreOutcome, Source, _bool_value, _str_bool, metadata_value

# CreateVolume's volume types, and which take Iops and Throughput (Amazon EC2 API Reference,
# CreateVolume: Iops "is supported for io1, io2, and gp3 volumes only", Throughput "is valid only
# for gp3 volumes").
VOLUME_TYPES = ("standard", "io1", "io2", "gp2", "gp3", "sc1", "st1")
INTEGER_KEYS = ("volumeSize", "iops", "throughput", "temporaryRestoreDays")


def ec2_backend(backend: Any) -> Any:
    from moto.ec2.models import ec2_backends

    return ec2_backends[backend.account_id][backend.region_name]


def snapshot_arn(backend: Any, snapshot_id: str) -> str:
    # EBS recovery points are the snapshots themselves; their ARNs carry no account:
    # arn:aws:ec2:us-east-1::snapshot/snap-... (as ListRecoveryPointsByBackupVault shows them).
    return f"arn:{get_partition(backend.region_name)}:ec2:{backend.region_name}::snapshot/{snapshot_id}"


def volume_arn(backend: Any, volume_id: str) -> str:
    return f"arn:{get_partition(backend.region_name)}:ec2:{backend.region_name}:{backend.account_id}:volume/{volume_id}"


def volume_tags(ec2: Any, resource_id: str) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in ec2.tags.get(resource_id, {}).items()]


class EbsHandler(ResourceHandler):
    resource_type = "EBS"
    arn_pattern = re.compile(r"^arn:[\w-]+:ec2:[\w-]+:\d{12}:volume/(vol-[0-9a-f]+)$")

    def describe_source(self, backend: Any, arn: str) -> Source:
        volume_id = self.arn_pattern.match(arn).group(1)  # type: ignore[union-attr]
        volume = ec2_backend(backend).volumes.get(volume_id)
        if volume is None:
            raise ResourceNotFoundException(f"Resource {arn} not found")
        name = ec2_backend(backend).tags.get(volume_id, {}).get("Name", "")
        return Source(self.resource_type, name, volume)

    def create_recovery_point(self, backend: Any, job: BackupJob, source: Source) -> RecoveryPoint:
        from ..models import RecoveryPoint

        ec2 = ec2_backend(backend)
        volume = source.resource
        snapshot = ec2.create_snapshot(volume.id, f"This snapshot is created by the AWS Backup service for backup job {job.backup_job_id}")
        # The configuration at backup time, in the developer guide's EBS restore metadata keys
        # (availabilityZone, encrypted, kmsKeyId, volumeType, volumeSize, iops, throughput). AWS
        # documents no example output of GetRecoveryPointRestoreMetadata for EBS: the emulator's
        # reading is these keys with the volume's values.
        metadata = {
            "availabilityZone": volume.zone.name,
            "encrypted": _str_bool(bool(volume.encrypted)),
            "volumeType": volume.volume_type,
            "volumeSize": str(volume.size),
        }
        if volume.encrypted and volume.kms_key_id:
            metadata["kmsKeyId"] = volume.kms_key_id
        if volume.iops and volume.volume_type in ("io1", "io2", "gp3"):
            metadata["iops"] = str(volume.iops)
        if volume.throughput and volume.volume_type == "gp3":
            metadata["throughput"] = str(volume.throughput)
        # An EBS recovery point *is* the snapshot, encrypted (or not) as its volume.
        point = RecoveryPoint(
            snapshot_arn(backend, snapshot.id),
            job,
            restore_metadata=metadata,
            encryption_key_arn=volume.kms_key_id if volume.encrypted else None,  # type: ignore[arg-type]
            is_encrypted=bool(volume.encrypted),
            backup_size_in_bytes=int(volume.size) * 1024**3,
            source_snapshot_id=snapshot.id,
        )
        point.source_tags = volume_tags(ec2, volume.id)
        return point

    def validate_restore_metadata(self, metadata: dict[str, str]) -> None:
        encrypted = _bool_value(metadata, "encrypted", False)
        if metadata_value(metadata, "kmsKeyId") and metadata_value(metadata, "encrypted") not in (None, "") and not encrypted:
            # CreateVolume: "If KmsKeyId is specified, the encrypted state must be true."
            raise InvalidParameterValueException("If kmsKeyId is specified, encrypted must be set to true")
        for key in INTEGER_KEYS:
            value = metadata_value(metadata, key)
            if value not in (None, "") and not value.isdigit():
                raise InvalidParameterValueException(f"Invalid value for {key}: {value}")
        volume_type = metadata_value(metadata, "volumeType")
        if volume_type and volume_type not in VOLUME_TYPES:
            raise InvalidParameterValueException(f"Invalid volumeType: {volume_type}")

    def delete_recovery_point(self, backend: Any, point: RecoveryPoint) -> None:
        ec2_backend(backend).snapshots.pop(point.source_snapshot_id or "", None)

    def restore(
        self, backend: Any, point: RecoveryPoint, metadata: dict[str, str], copy_source_tags: bool = False
    ) -> RestoreOutcome:
        from moto.ec2.exceptions import EC2ClientError

        if metadata_value(metadata, "restoreType"):
            # A file-level restore copies files out of the snapshot into a bucket or a volume; the
            # emulator does not model files on EBS volumes.
            return RestoreOutcome(error="The emulator does not model file-level EBS restores (restoreType)")
        ec2 = ec2_backend(backend)
        snapshot = ec2.snapshots.get(point.source_snapshot_id or "")
        if snapshot is None:
            return RestoreOutcome(error=f"The snapshot '{point.source_snapshot_id}' does not exist.")
        size = metadata_value(metadata, "volumeSize")
        if size and int(size) < int(snapshot.volume.size):
            # CreateVolume: "the volume size must be equal to or larger than the snapshot size".
            return RestoreOutcome(error=f"InvalidParameterValue: Volume of {size}GiB is smaller than snapshot "
                                  f"{snapshot.id}, expect size >= {snapshot.volume.size}GiB")
        zone = metadata_value(metadata, "availabilityZone") or point.restore_metadata.get("availabilityZone")
        try:
            volume = ec2.create_volume(
                size=int(size) if size else None,  # type: ignore[arg-type]
                zone_name=zone,
                snapshot_id=snapshot.id,
                encrypted=_bool_value(metadata, "encrypted", False),
                kms_key_id=metadata_value(metadata, "kmsKeyId") or None,
                volume_type=metadata_value(metadata, "volumeType") or None,
                iops=int(metadata_value(metadata, "iops") or 0) or None,
                throughput=int(metadata_value(metadata, "throughput") or 0) or None,
            )
        except EC2ClientError as error:
            return RestoreOutcome(error=f"{error.error_type}: {error.message}" if hasattr(error, "error_type") else str(error))
        if copy_source_tags and point.source_tags:
            ec2.create_tags([volume.id], {t["Key"]: t["Value"] for t in point.source_tags})
        return RestoreOutcome(created_resource_arn=volume_arn(backend, volume.id))

    def inferred_metadata(self, backend: Any, point: RecoveryPoint) -> dict[str, str]:
        # AWS Backup developer guide, "Restore testing inferred metadata", Amazon EBS
        # (https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing-inferred-metadata.html):
        # availabilityZone a random Availability Zone, encrypted true.
        zones = [f"{backend.region_name}{zone}" for zone in "abc"]
        return {"availabilityZone": zones[uuid.uuid4().int % len(zones)], "encrypted": "true"}
