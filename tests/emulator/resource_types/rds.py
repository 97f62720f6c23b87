"""RDS DB instances; what RDS and Aurora share (snapshots as recovery points, metadata rules)."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

from moto.backup.exceptions import InvalidParameterValueException, ResourceNotFoundException

if TYPE_CHECKING:
    from ..models import BackupJob, RecoveryPoint

from .base import ResourceHandler, RestoreOutcome, Source, _bool_value, _str_bool, metadata_value


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
        from ..models import RecoveryPoint

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
