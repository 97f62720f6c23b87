"""Amazon DocumentDB clusters: a restore creates the cluster with no DB instances ("attach your
restored Amazon DocumentDB cluster to an Amazon DocumentDB instance using create-db-instance",
AWS Backup developer guide, "Restore an Amazon DocumentDB cluster",
https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-docdb.html). DocumentDB lives in
moto's RDS backend (tests/emulator/docdb.py adds its engine), so backups are cluster snapshots
and restores RestoreDBClusterFromSnapshot there, as for Aurora."""

from __future__ import annotations

from typing import Any

from .aurora import AuroraHandler
from .base import _str_bool
from .rds import _json_list

# DocumentDB's RestoreDBClusterFromSnapshot parameters
# (https://docs.aws.amazon.com/documentdb/latest/developerguide/API_RestoreDBClusterFromSnapshot.html;
# botocore's docdb model), the ones moto's restore takes.
DOCDB_CLUSTER_RESTORE_KEYS = (
    "DBClusterIdentifier", "Engine", "EngineVersion", "Port", "DBSubnetGroupName", "VpcSecurityGroupIds",
    "AvailabilityZones", "KmsKeyId", "DeletionProtection", "DBClusterParameterGroupName", "CopyTagsToSnapshot",
)  # fmt: skip


class DocumentDbHandler(AuroraHandler):
    resource_type = "DocumentDB"
    restore_keys = DOCDB_CLUSTER_RESTORE_KEYS

    def claims(self, engine: str) -> bool:
        return engine == "docdb"

    def source_metadata(self, cluster: Any) -> dict[str, str]:
        # The cluster's settings under DocumentDB's RestoreDBClusterFromSnapshot names: that call
        # takes no DatabaseName, EngineMode or EnableIAMDatabaseAuthentication (Aurora's do).
        return {
            "DBClusterIdentifier": cluster.db_cluster_identifier,
            "Engine": cluster.engine,
            "EngineVersion": cluster.engine_version,
            "Port": str(cluster.port),
            "DBSubnetGroupName": cluster.db_subnet_group_name or "",
            "VpcSecurityGroupIds": _json_list(cluster._vpc_security_group_ids),
            "AvailabilityZones": _json_list(cluster.availability_zones),
            "DBClusterParameterGroupName": cluster.parameter_group or "",
            "CopyTagsToSnapshot": _str_bool(cluster.copy_tags_to_snapshot),
            "DeletionProtection": _str_bool(cluster.deletion_protection),
            "KmsKeyId": cluster.kms_key_id if cluster.storage_encrypted else "",
        }
