"""What every resource type's handler implements, and what handlers share: what a backup
captures and what a restore creates, on the real moto resource through moto's own backends."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from moto.backup.exceptions import InvalidParameterValueException

if TYPE_CHECKING:
    from ..models import BackupJob, RecoveryPoint


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


class ResourceHandler(ABC):
    """What a backup captures and a restore creates, for one resource type."""

    resource_type = ""
    arn_pattern: re.Pattern[str]

    def matches(self, backend: Any, arn: str) -> bool:
        return bool(self.arn_pattern.match(arn))

    @abstractmethod
    def describe_source(self, backend: Any, arn: str) -> Source:
        ...

    @abstractmethod
    def create_recovery_point(self, backend: Any, job: BackupJob, source: Source) -> RecoveryPoint:
        ...

    def validate_restore_metadata(self, metadata: dict[str, str]) -> None:
        pass

    @abstractmethod
    def restore(
        self, backend: Any, point: RecoveryPoint, metadata: dict[str, str], copy_source_tags: bool = False
    ) -> RestoreOutcome:
        ...

    @abstractmethod
    def inferred_metadata(self, backend: Any, point: RecoveryPoint) -> dict[str, str]:
        ...

    def copy_recovery_point(
        self, backend: Any, point: RecoveryPoint, destination: Any, vault: Any, job: Any, completed_at: Any
    ) -> RecoveryPoint:
        """The recovery point a COMPLETED copy job makes in `vault` of the `destination` backend
        (another Region and/or account, or the same). The types AWS Backup stores itself (EFS)
        get a backup recovery point ARN there; RDS and Aurora override copy_snapshot, as their
        copies are snapshots of the destination's RDS."""
        from ..copies import copy_recovery_point_arn
        from ..models import RecoveryPoint

        snapshot_id, arn = self.copy_snapshot(backend, point, destination, job)
        # "AWS Backup will re-encrypt your copy using the customer managed key of your
        # destination vault" (developer guide, "Creating backup copies across AWS Regions");
        # an unencrypted RDS snapshot is copied unencrypted (the emulator's reading: the guide
        # does not say that AWS Backup encrypts it).
        key = vault.encryption_key_arn or destination.default_backup_key_arn()
        return RecoveryPoint.copy_of(
            point,
            arn or copy_recovery_point_arn(destination),
            vault,
            iam_role_arn=job.iam_role_arn,
            lifecycle=job.lifecycle,
            encryption_key_arn=key if (point.is_encrypted or arn is None) else None,
            completed_at=completed_at,
            source_snapshot_id=snapshot_id,
        )

    def delete_recovery_point(self, backend: Any, point: RecoveryPoint) -> None:
        """What DeleteRecoveryPoint removes beside the point itself: nothing for the types AWS
        Backup stores itself; RDS and Aurora remove the snapshot that is the point."""

    def copy_snapshot(self, backend: Any, point: RecoveryPoint, destination: Any, job: Any) -> tuple[str | None, str | None]:
        """(snapshot identifier, recovery point ARN) of a copy that is a service snapshot; (None, None)
        for the types AWS Backup stores itself."""
        return None, None
