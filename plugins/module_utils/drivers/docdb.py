# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""DocumentDB: a restore creates a DB cluster with no instances; "attach your restored Amazon
DocumentDB cluster to an Amazon DocumentDB instance using create-db-instance" (AWS Backup
developer guide, "Restore an Amazon DocumentDB cluster",
https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-docdb.html). What the cluster
types share is cluster.ClusterDriver's.

Its restore metadata are the parameters of DocumentDB's RestoreDBClusterFromSnapshot
(https://docs.aws.amazon.com/documentdb/latest/developerguide/API_RestoreDBClusterFromSnapshot.html):
DBClusterIdentifier and Engine required, AvailabilityZones, EngineVersion, Port,
DBSubnetGroupName, VpcSecurityGroupIds, KmsKeyId, EnableCloudwatchLogsExports, DeletionProtection,
DBClusterParameterGroupName, StorageType, NetworkType, CopyTagsToSnapshot and
ServerlessV2ScalingConfiguration optional. The call takes no master password (the cluster keeps
the snapshot's credentials), so no secret travels in DocumentDB restore metadata; a key named like
one (MasterUserPassword, say) is still masked wherever metadata is shown (metadata.is_sensitive_key)."""

from __future__ import annotations

from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.cluster import SHARED_RESTORE_KEY_TYPES
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.cluster import ClusterDriver


class DocumentDbDriver(ClusterDriver):
    resource_type = "DocumentDB"
    # "The name of the database engine to be used for this cluster. Valid values: docdb"
    # (DocumentDB CreateDBCluster Engine).
    engines = ("docdb",)
    restore_key_types = SHARED_RESTORE_KEY_TYPES
    restore_keys_source = "https://docs.aws.amazon.com/documentdb/latest/developerguide/API_RestoreDBClusterFromSnapshot.html"
