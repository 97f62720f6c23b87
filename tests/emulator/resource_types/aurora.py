"""Aurora DB clusters: a restore creates the cluster with no DB instances."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

from moto.backup.exceptions import InvalidParameterValueException, ResourceNotFoundException

if TYPE_CHECKING:
    from ..models import BackupJob, RecoveryPoint

from .base import ResourceHandler, RestoreOutcome, Source, _str_bool
from .rds import (AURORA_CLUSTER_RESTORE_KEYS, _AwsBackupSnapshotLookup, _copy_snapshot_identifier, _json_list,
                  _availability_zones, _rds_backend, _rds_restore_params, _snapshot_identifier, _validate_rds_metadata)


class AuroraHandler(ResourceHandler):
    """Also the base of the other DB cluster types (DocumentDB, Neptune): they share the RDS
    backend and the ARN form, and are told apart by the cluster's engine."""

    resource_type = "Aurora"
    arn_pattern = re.compile(r"^arn:[\w-]+:rds:[\w-]+:\d{12}:cluster:([A-Za-z][A-Za-z0-9-]*)$")
    restore_keys = AURORA_CLUSTER_RESTORE_KEYS

    def claims(self, engine: str) -> bool:
        return engine.startswith("aurora")

    def matches(self, backend: Any, arn: str) -> bool:
        found = self.arn_pattern.match(arn)
        if not found:
            return False
        cluster = _rds_backend(backend).clusters.get(found.group(1)) if backend is not None else None
        # A cluster that does not exist is the first cluster handler's to refuse (ResourceNotFoundException).
        return cluster is None or self.claims(cluster.engine)

    def describe_source(self, backend: Any, arn: str) -> Source:
        identifier = self.arn_pattern.match(arn).group(1)  # type: ignore[union-attr]
        cluster = _rds_backend(backend).clusters.get(identifier)
        if cluster is None:
            raise ResourceNotFoundException(f"Resource {arn} not found")
        if not self.claims(cluster.engine):
            # a cluster of an engine no handler backs up
            raise InvalidParameterValueException(f"Unsupported resource type for {arn}: engine {cluster.engine}")
        return Source(self.resource_type, identifier, cluster)

    def create_recovery_point(self, backend: Any, job: BackupJob, source: Source) -> RecoveryPoint:
        from ..models import RecoveryPoint

        cluster = source.resource
        snapshot = _rds_backend(backend).create_db_cluster_snapshot(
            cluster.db_cluster_identifier, _snapshot_identifier(job), snapshot_type="awsbackup"
        )
        metadata = {k: v for k, v in self.source_metadata(cluster).items() if v not in (None, "")}
        return RecoveryPoint(
            snapshot.arn,
            job,
            restore_metadata=metadata,
            encryption_key_arn=cluster.kms_key_id if cluster.storage_encrypted else None,  # type: ignore[arg-type]
            is_encrypted=bool(cluster.storage_encrypted),
            backup_size_in_bytes=0,
            source_snapshot_id=_snapshot_identifier(job),
        )

    # A backup's restore metadata (GetRecoveryPointRestoreMetadata): the cluster's settings under
    # the names of its service's RestoreDBClusterFromSnapshot (see RdsHandler), only the keys that
    # call takes (KmsKeyId yes, StorageEncrypted no).
    source_metadata_keys: tuple[str, ...] = (
        "DBClusterIdentifier", "Engine", "EngineVersion", "EngineMode", "Port", "DBSubnetGroupName", "VpcSecurityGroupIds",
        "AvailabilityZones", "DatabaseName", "CopyTagsToSnapshot", "DeletionProtection", "EnableIAMDatabaseAuthentication", "KmsKeyId",
    )  # fmt: skip

    def source_metadata(self, cluster: Any) -> dict[str, str]:
        settings = {
            "DBClusterIdentifier": cluster.db_cluster_identifier,
            "Engine": cluster.engine,
            "EngineVersion": cluster.engine_version,
            "EngineMode": cluster.engine_mode,
            "Port": str(cluster.port),
            "DBSubnetGroupName": cluster.db_subnet_group_name or "",
            "VpcSecurityGroupIds": _json_list(cluster._vpc_security_group_ids),
            "AvailabilityZones": _json_list(cluster.availability_zones),
            "DatabaseName": cluster.database_name or "",
            "DBClusterParameterGroupName": cluster.parameter_group or "",
            "CopyTagsToSnapshot": _str_bool(cluster.copy_tags_to_snapshot),
            "DeletionProtection": _str_bool(cluster.deletion_protection),
            "EnableIAMDatabaseAuthentication": _str_bool(cluster.iam_auth),
            "KmsKeyId": cluster.kms_key_id if cluster.storage_encrypted else "",
        }
        return {key: settings[key] for key in self.source_metadata_keys}

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
        params = _rds_restore_params(metadata, self.restore_keys)
        identifier = params["DBClusterIdentifier"]
        if identifier in rds.clusters:
            return RestoreOutcome(error=f"DB cluster already exists (Service: Rds, Status Code: 400, "
                                  f"Error Code: DBClusterAlreadyExistsFault): {identifier}")
        params.setdefault("Engine", point.restore_metadata.get("Engine"))
        if not self.claims(str(params["Engine"])):
            # RestoreDBClusterFromSnapshot Engine: "Must be compatible with the engine of the source"
            return RestoreOutcome(error=f"InvalidParameterCombination: engine {params['Engine']} is not compatible with the snapshot's")
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
