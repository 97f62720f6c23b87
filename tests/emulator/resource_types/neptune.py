"""Amazon Neptune clusters: a restore creates the cluster with no DB instances (AWS Backup
developer guide, "Restore a Neptune cluster",
https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-nep.html). moto keeps Neptune in
its RDS backend (engine `neptune`), as Neptune's API is RDS's, so backups are cluster snapshots and
restores RestoreDBClusterFromSnapshot there, as for Aurora."""

from __future__ import annotations

from .aurora import AuroraHandler

# Neptune's RestoreDBClusterFromSnapshot parameters
# (https://docs.aws.amazon.com/neptune/latest/apiref/API_RestoreDBClusterFromSnapshot.html;
# botocore's neptune model), the ones moto's restore takes.
NEPTUNE_CLUSTER_RESTORE_KEYS = (
    "DBClusterIdentifier", "Engine", "EngineVersion", "Port", "DBSubnetGroupName", "VpcSecurityGroupIds",
    "AvailabilityZones", "DatabaseName", "OptionGroupName", "KmsKeyId", "EnableIAMDatabaseAuthentication",
    "DeletionProtection", "DBClusterParameterGroupName", "CopyTagsToSnapshot",
)  # fmt: skip


class NeptuneHandler(AuroraHandler):
    resource_type = "Neptune"
    restore_keys = NEPTUNE_CLUSTER_RESTORE_KEYS

    def claims(self, engine: str) -> bool:
        return engine == "neptune"

    # Neptune's RestoreDBClusterFromSnapshot takes no EngineMode.
    source_metadata_keys = (
        "DBClusterIdentifier", "Engine", "EngineVersion", "Port", "DBSubnetGroupName", "VpcSecurityGroupIds", "AvailabilityZones",
        "DBClusterParameterGroupName", "CopyTagsToSnapshot", "DeletionProtection", "EnableIAMDatabaseAuthentication", "KmsKeyId",
    )  # fmt: skip
