"""Per-resource-type behaviour: what a backup captures and what a restore creates.

Each handler works on the real moto resource through moto's own service backends
(EFS file systems, RDS instances, Aurora clusters and their snapshots).
"""

from __future__ import annotations

import json
import re
from abc import ABC, abstractmethod

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from moto.backup.exceptions import InvalidParameterValueException, ResourceNotFoundException
from moto.utilities.utils import get_partition

if TYPE_CHECKING:
    from .models import BackupJob, RecoveryPoint


# "a 200 KB limit on the length of the restore metadata" (AWS Backup developer guide,
# "Restore an Amazon EFS file system")
EFS_RESTORE_METADATA_LIMIT = 200 * 1024
EFS_MISSING_CREATION_TOKEN = (
    "Restore metadata is missing CreationToken, required to restore to a new Amazon EFS file system."
)


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
        from .copies import copy_recovery_point_arn
        from .models import RecoveryPoint

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


# ---- RDS and Aurora -----------------------------------------------------------------------


def _rds_backend(backend: Any) -> Any:
    from moto.rds.models import rds_backends

    return rds_backends[backend.account_id][backend.region_name]


class _AwsBackupSnapshotLookup:
    """Let moto's RDS restore find an AWS Backup snapshot.

    moto's RestoreDBInstanceFromDBSnapshot / RestoreDBClusterFromSnapshot look the snapshot
    up among manual and automated snapshots only, while RDS restores its "awsbackup"
    snapshots too (that is how AWS Backup restores RDS). For the duration of the restore,
    the backend's lookup also sees the snapshot type "awsbackup"."""

    def __init__(self, rds: Any, method_name: str):
        self.rds, self.method_name = rds, method_name

    def __enter__(self) -> None:
        original = getattr(self.rds, self.method_name)

        def lookup(*args: Any, **kwargs: Any) -> Any:
            kwargs.setdefault("snapshot_type", "awsbackup")
            return original(*args, **kwargs)

        setattr(self.rds, self.method_name, lookup)

    def __exit__(self, *exc: Any) -> None:
        delattr(self.rds, self.method_name)


def _snapshot_identifier(job: BackupJob) -> str:
    # AWS Backup names the RDS snapshots it takes "awsbackup:job-<backup job id>", so their
    # recovery point ARNs read arn:aws:rds:REGION:ACCOUNT:snapshot:awsbackup:job-<id>
    # (cluster-snapshot:awsbackup:job-<id> for Aurora).
    return f"awsbackup:job-{job.backup_job_id.lower()}"


def _copy_snapshot_identifier(job: Any) -> str:
    # The copies AWS Backup makes of RDS and Aurora snapshots are named after the copy job:
    # awsbackup:copyjob-<copy job id>, e.g. arn:aws:rds:us-east-1:ACCOUNT:cluster-snapshot:awsbackup:copyjob-19704517-...
    # in public DR runbooks that list a DR vault, and snapshot_identifier "awsbackup:copyjob-..."
    # in public Terraform restoring one. AWS's own documentation names no form; lower case as
    # those examples show it.
    return f"awsbackup:copyjob-{job.copy_job_id.lower()}"


def _json_list(values: Any) -> str:
    import json

    return json.dumps(list(values or []))


def _rds_restore_params(metadata: dict[str, str], names: tuple[str, ...]) -> dict[str, Any]:
    """The restore metadata as RDS API parameters (AWS Backup hands its keys to RDS's
    RestoreDBInstanceFromDBSnapshot / RestoreDBClusterFromSnapshot, whose parameter names
    they are), typed as that API types them."""
    import json

    params: dict[str, Any] = {}
    for name in names:
        value = metadata_value(metadata, name)
        if value is None or value == "":
            continue
        if name in _RDS_BOOLEANS:
            params[name] = value.lower() == "true"
        elif name in _RDS_INTEGERS:
            params[name] = int(value)
        elif name in _RDS_LISTS:
            params[name] = json.loads(value) if value.startswith("[") else [v.strip() for v in value.split(",")]
        else:
            params[name] = value
    return params


_RDS_BOOLEANS = {
    "MultiAZ", "PubliclyAccessible", "AutoMinorVersionUpgrade", "CopyTagsToSnapshot",
    "DeletionProtection", "EnableIAMDatabaseAuthentication", "StorageEncrypted",
}  # fmt: skip
_RDS_INTEGERS = {"Port", "Iops", "AllocatedStorage"}
_RDS_LISTS = {"VpcSecurityGroupIds", "AvailabilityZones"}

RDS_INSTANCE_RESTORE_KEYS = (
    "DBInstanceIdentifier", "DBInstanceClass", "Engine", "DBSubnetGroupName", "VpcSecurityGroupIds",
    "Port", "MultiAZ", "AvailabilityZone", "PubliclyAccessible", "AutoMinorVersionUpgrade", "LicenseModel",
    "DBName", "OptionGroupName", "DBParameterGroupName", "StorageType", "Iops", "CopyTagsToSnapshot",
    "DeletionProtection", "EnableIAMDatabaseAuthentication",
)  # fmt: skip
AURORA_CLUSTER_RESTORE_KEYS = (
    "DBClusterIdentifier", "Engine", "EngineVersion", "EngineMode", "Port", "DBSubnetGroupName",
    "VpcSecurityGroupIds", "AvailabilityZones", "DatabaseName", "OptionGroupName",
    "DBClusterParameterGroupName", "KmsKeyId", "CopyTagsToSnapshot", "DeletionProtection",
    "EnableIAMDatabaseAuthentication",
)  # fmt: skip


def _validate_rds_metadata(metadata: dict[str, str], identifier_key: str) -> None:
    identifier = metadata_value(metadata, identifier_key)
    if not identifier:
        raise InvalidParameterValueException(f"Metadata key {identifier_key} is required")
    # RDS identifier rules: 1-63 letters, digits or hyphens, starting with a letter, no
    # trailing hyphen and no two consecutive hyphens (RDS CreateDBInstance/CreateDBCluster).
    if not re.fullmatch(r"[A-Za-z](?:[A-Za-z0-9]|-(?!-)){0,62}", identifier) or identifier.endswith("-"):
        raise InvalidParameterValueException(f"Invalid {identifier_key}: {identifier}")
    for key in _RDS_BOOLEANS:
        _bool_value(metadata, key, False)
    for key in _RDS_INTEGERS:
        value = metadata_value(metadata, key)
        if value not in (None, "") and not value.isdigit():
            raise InvalidParameterValueException(f"Invalid value for {key}: {value}")


class RdsHandler(ResourceHandler):
    resource_type = "RDS"
    arn_pattern = re.compile(r"^arn:[\w-]+:rds:[\w-]+:\d{12}:db:([A-Za-z][A-Za-z0-9-]*)$")

    def describe_source(self, backend: Any, arn: str) -> Source:
        identifier = self.arn_pattern.match(arn).group(1)  # type: ignore[union-attr]
        database = _rds_backend(backend).databases.get(identifier)
        if database is None:
            raise ResourceNotFoundException(f"Resource {arn} not found")
        return Source(self.resource_type, identifier, database)

    def create_recovery_point(self, backend: Any, job: BackupJob, source: Source) -> RecoveryPoint:
        from .models import RecoveryPoint

        db = source.resource
        snapshot = _rds_backend(backend).create_db_snapshot(
            db.db_instance_identifier, _snapshot_identifier(job), snapshot_type="awsbackup"
        )
        # The configuration at backup time, in RestoreDBInstanceFromDBSnapshot's parameter
        # names, which StartRestoreJob takes for RDS (AWS Backup developer guide, "Restoring an
        # Amazon RDS database": the restore metadata are the settings of that RDS call). AWS
        # documents no example output for RDS, so this is the emulator's choice: not
        # EngineVersion, StorageEncrypted or KmsKeyId (no parameters of that call: the snapshot
        # fixes them), nor AllocatedStorage (so metadata taken from the recovery point does not
        # pin the restored size).
        metadata = {
            "DBInstanceIdentifier": db.db_instance_identifier,
            "DBInstanceClass": db.db_instance_class,
            "Engine": db.engine,
            "DBSubnetGroupName": db._db_subnet_group_name or "",
            "VpcSecurityGroupIds": _json_list(db.vpc_security_group_ids),
            "Port": str(db.port),
            "MultiAZ": _str_bool(db.multi_az),
            "AvailabilityZone": db.availability_zone or "",
            "PubliclyAccessible": _str_bool(db.publicly_accessible),
            "AutoMinorVersionUpgrade": _str_bool(db.auto_minor_version_upgrade),
            "LicenseModel": db.license_model or "",
            "DBName": db.db_name or "",
            "OptionGroupName": db.option_group_name if db.option_group_supplied else "",
            "DBParameterGroupName": db.db_parameter_group_name or "",
            "StorageType": db.storage_type or "",
            "CopyTagsToSnapshot": _str_bool(db.copy_tags_to_snapshot),
            "DeletionProtection": _str_bool(db.deletion_protection),
            "EnableIAMDatabaseAuthentication": _str_bool(db.enable_iam_database_authentication),
        }
        if db.iops:
            metadata["Iops"] = str(db.iops)
        metadata = {k: v for k, v in metadata.items() if v not in (None, "")}
        # An RDS recovery point *is* the snapshot, encrypted (or not) as its database.
        return RecoveryPoint(
            snapshot.arn,
            job,
            restore_metadata=metadata,
            encryption_key_arn=db.kms_key_id if db.storage_encrypted else None,  # type: ignore[arg-type]
            is_encrypted=bool(db.storage_encrypted),
            backup_size_in_bytes=int(db.allocated_storage or 0) * 1024**3,
            source_snapshot_id=_snapshot_identifier(job),
        )

    def validate_restore_metadata(self, metadata: dict[str, str]) -> None:
        _validate_rds_metadata(metadata, "DBInstanceIdentifier")

    def delete_recovery_point(self, backend: Any, point: RecoveryPoint) -> None:
        _rds_backend(backend).database_snapshots.pop(point.source_snapshot_id or "", None)

    def copy_snapshot(self, backend: Any, point: RecoveryPoint, destination: Any, job: Any) -> tuple[str | None, str | None]:
        from moto.rds.models import DBSnapshot

        source = _rds_backend(backend).database_snapshots[point.source_snapshot_id]
        target = _rds_backend(destination)
        identifier = _copy_snapshot_identifier(job)
        snapshot = DBSnapshot(
            target, source.database, identifier, snapshot_type="awsbackup",
            original_created_at=source.original_snapshot_create_time,
        )  # fmt: skip
        target.database_snapshots[identifier] = snapshot
        return identifier, snapshot.arn

    def restore(
        self, backend: Any, point: RecoveryPoint, metadata: dict[str, str], copy_source_tags: bool = False
    ) -> RestoreOutcome:
        from moto.core.parse import XFormedDict
        from moto.rds.exceptions import RDSClientError

        rds = _rds_backend(backend)
        params = _rds_restore_params(metadata, RDS_INSTANCE_RESTORE_KEYS)
        identifier = params["DBInstanceIdentifier"]
        if identifier in rds.databases:
            # what RDS answers AWS Backup's RestoreDBInstanceFromDBSnapshot; the job FAILS with it
            return RestoreOutcome(error=f"DB instance already exists (Service: Rds, Status Code: 400, "
                                  f"Error Code: DBInstanceAlreadyExists): {identifier}")
        try:
            with _AwsBackupSnapshotLookup(rds, "describe_db_snapshots"):
                database = rds.restore_db_instance_from_db_snapshot(point.source_snapshot_id, XFormedDict(params))
        except RDSClientError as error:
            return RestoreOutcome(error=f"{error.code}: {error.message}")
        return RestoreOutcome(created_resource_arn=database.db_instance_arn)

    def inferred_metadata(self, backend: Any, point: RecoveryPoint) -> dict[str, str]:
        # AWS Backup developer guide, "Restore testing inferred metadata", Amazon RDS instances
        # (https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing-inferred-metadata.html):
        # availabilityZone a random AZ, dbInstanceIdentifier a random value starting with
        # awsbackup-restore-test-, deletionProtection false, multiAZ false, publiclyAccessible false.
        zones = _availability_zones(backend)
        return {
            "availabilityZone": zones[uuid.uuid4().int % len(zones)],
            "dbInstanceIdentifier": f"awsbackup-restore-test-{uuid.uuid4().hex[:16]}",
            "deletionProtection": "false",
            "multiAZ": "false",
            "publiclyAccessible": "false",
        }


def _availability_zones(backend: Any) -> list[str]:
    return [f"{backend.region_name}{zone}" for zone in "abc"]


class AuroraHandler(ResourceHandler):
    resource_type = "Aurora"
    arn_pattern = re.compile(r"^arn:[\w-]+:rds:[\w-]+:\d{12}:cluster:([A-Za-z][A-Za-z0-9-]*)$")

    def matches(self, backend: Any, arn: str) -> bool:
        return bool(self.arn_pattern.match(arn))

    def describe_source(self, backend: Any, arn: str) -> Source:
        identifier = self.arn_pattern.match(arn).group(1)  # type: ignore[union-attr]
        cluster = _rds_backend(backend).clusters.get(identifier)
        if cluster is None:
            raise ResourceNotFoundException(f"Resource {arn} not found")
        if not cluster.engine.startswith("aurora"):
            # DocumentDB and Neptune clusters share the ARN form; the emulator backs up Aurora only
            raise InvalidParameterValueException(f"Unsupported resource type for {arn}: engine {cluster.engine}")
        return Source(self.resource_type, identifier, cluster)

    def create_recovery_point(self, backend: Any, job: BackupJob, source: Source) -> RecoveryPoint:
        from .models import RecoveryPoint

        cluster = source.resource
        snapshot = _rds_backend(backend).create_db_cluster_snapshot(
            cluster.db_cluster_identifier, _snapshot_identifier(job), snapshot_type="awsbackup"
        )
        # In RestoreDBClusterFromSnapshot's parameter names (see RdsHandler); only keys that
        # call takes (KmsKeyId yes, StorageEncrypted no).
        metadata = {
            "DBClusterIdentifier": cluster.db_cluster_identifier,
            "Engine": cluster.engine,
            "EngineVersion": cluster.engine_version,
            "EngineMode": cluster.engine_mode,
            "Port": str(cluster.port),
            "DBSubnetGroupName": cluster.db_subnet_group_name or "",
            "VpcSecurityGroupIds": _json_list(cluster._vpc_security_group_ids),
            "AvailabilityZones": _json_list(cluster.availability_zones),
            "DatabaseName": cluster.database_name or "",
            "CopyTagsToSnapshot": _str_bool(cluster.copy_tags_to_snapshot),
            "DeletionProtection": _str_bool(cluster.deletion_protection),
            "EnableIAMDatabaseAuthentication": _str_bool(cluster.iam_auth),
            "KmsKeyId": cluster.kms_key_id if cluster.storage_encrypted else "",
        }
        metadata = {k: v for k, v in metadata.items() if v not in (None, "")}
        return RecoveryPoint(
            snapshot.arn,
            job,
            restore_metadata=metadata,
            encryption_key_arn=cluster.kms_key_id if cluster.storage_encrypted else None,  # type: ignore[arg-type]
            is_encrypted=bool(cluster.storage_encrypted),
            backup_size_in_bytes=0,
            source_snapshot_id=_snapshot_identifier(job),
        )

    def validate_restore_metadata(self, metadata: dict[str, str]) -> None:
        _validate_rds_metadata(metadata, "DBClusterIdentifier")

    def delete_recovery_point(self, backend: Any, point: RecoveryPoint) -> None:
        _rds_backend(backend).cluster_snapshots.pop(point.source_snapshot_id or "", None)

    def copy_snapshot(self, backend: Any, point: RecoveryPoint, destination: Any, job: Any) -> tuple[str | None, str | None]:
        from moto.rds.models import DBClusterSnapshot

        source = _rds_backend(backend).cluster_snapshots[point.source_snapshot_id]
        target = _rds_backend(destination)
        identifier = _copy_snapshot_identifier(job)
        snapshot = DBClusterSnapshot(target, source.cluster, identifier, snapshot_type="awsbackup")
        target.cluster_snapshots[identifier] = snapshot
        return identifier, snapshot.arn

    def restore(
        self, backend: Any, point: RecoveryPoint, metadata: dict[str, str], copy_source_tags: bool = False
    ) -> RestoreOutcome:
        from moto.core.parse import XFormedDict
        from moto.rds.exceptions import RDSClientError

        rds = _rds_backend(backend)
        params = _rds_restore_params(metadata, AURORA_CLUSTER_RESTORE_KEYS)
        identifier = params["DBClusterIdentifier"]
        if identifier in rds.clusters:
            return RestoreOutcome(error=f"DB cluster already exists (Service: Rds, Status Code: 400, "
                                  f"Error Code: DBClusterAlreadyExistsFault): {identifier}")
        params.setdefault("Engine", point.restore_metadata.get("Engine"))
        try:
            # Only the cluster: AWS Backup creates no DB instances when it restores Aurora.
            with _AwsBackupSnapshotLookup(rds, "describe_db_cluster_snapshots"):
                cluster = rds.restore_db_cluster_from_snapshot(point.source_snapshot_id, XFormedDict(params))
        except RDSClientError as error:
            return RestoreOutcome(error=f"{error.code}: {error.message}")
        return RestoreOutcome(created_resource_arn=cluster.db_cluster_arn)

    def inferred_metadata(self, backend: Any, point: RecoveryPoint) -> dict[str, str]:
        # "Restore testing inferred metadata" (same page), Amazon RDS, Aurora, DocumentDB and
        # Neptune clusters: availabilityZones (random AZs),
        # dbClusterIdentifier awsbackup-restore-test-..., engine from the recovery point.
        return {
            "availabilityZones": _json_list(_availability_zones(backend)),
            "dbClusterIdentifier": f"awsbackup-restore-test-{uuid.uuid4().hex[:16]}",
            "engine": point.restore_metadata["Engine"],
        }


RESOURCE_HANDLERS: list[ResourceHandler] = [EfsHandler(), RdsHandler(), AuroraHandler()]


def handler_for_arn(arn: str, backend: Any = None) -> ResourceHandler | None:
    return next((h for h in RESOURCE_HANDLERS if h.matches(backend, arn)), None)


def handler_for_type(resource_type: str) -> ResourceHandler:
    return next(h for h in RESOURCE_HANDLERS if h.resource_type == resource_type)
