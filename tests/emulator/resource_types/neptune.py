"""Amazon Neptune clusters: a restore creates the cluster with no DB instances (AWS Backup
developer guide, "Restore a Neptune cluster",
https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-nep.html). moto keeps Neptune in
its RDS backend (engine `neptune`), as Neptune's API is RDS's, so backups are cluster snapshots and
restores RestoreDBClusterFromSnapshot there, as for Aurora."""

from __future__ import annotations

from typing import Any

from .aurora import AuroraHandler
from .base import _str_bool
from .rds import _json_list

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

    def source_metadata(self, cluster: Any) -> dict[str, str]:
        # The cluster's settings under Neptune's RestoreDBClusterFromSnapshot names (no EngineMode:
        # that call does not take it).
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
            "EnableIAMDatabaseAuthentication": _str_bool(cluster.iam_auth),
            "KmsKeyId": cluster.kms_key_id if cluster.storage_encrypted else "",
        }
