"""Amazon DocumentDB clusters: a restore creates the cluster with no DB instances ("attach your
restored Amazon DocumentDB cluster to an Amazon DocumentDB instance using create-db-instance",
AWS Backup developer guide, "Restore an Amazon DocumentDB cluster",
https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-docdb.html). DocumentDB lives in
moto's RDS backend (tests/emulator/docdb.py adds its engine), so backups are cluster snapshots
and restores RestoreDBClusterFromSnapshot there, as for Aurora."""

from __future__ import annotations

from .aurora import AuroraHandler

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

    # DocumentDB's RestoreDBClusterFromSnapshot takes no DatabaseName, EngineMode or
    # EnableIAMDatabaseAuthentication (Aurora's does).
    source_metadata_keys = (
        "DBClusterIdentifier", "Engine", "EngineVersion", "Port", "DBSubnetGroupName", "VpcSecurityGroupIds", "AvailabilityZones",
        "DBClusterParameterGroupName", "CopyTagsToSnapshot", "DeletionProtection", "KmsKeyId",
    )  # fmt: skip
