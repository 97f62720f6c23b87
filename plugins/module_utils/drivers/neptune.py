# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Neptune: a restore creates a DB cluster with no instances, to which a Neptune DB instance is
then attached with create-db-instance (AWS Backup developer guide, "Restore a Neptune cluster",
https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-nep.html). What the cluster types
share is cluster.ClusterDriver's.

Its restore metadata are the parameters of Neptune's RestoreDBClusterFromSnapshot
(https://docs.aws.amazon.com/neptune/latest/apiref/API_RestoreDBClusterFromSnapshot.html):
DBClusterIdentifier and Engine required, AvailabilityZones, EngineVersion, Port,
DBSubnetGroupName, DatabaseName, OptionGroupName, VpcSecurityGroupIds, KmsKeyId,
EnableIAMDatabaseAuthentication, EnableCloudwatchLogsExports, DBClusterParameterGroupName,
DeletionProtection, CopyTagsToSnapshot, ServerlessV2ScalingConfiguration, StorageType and
NetworkType optional. The call takes no password (Neptune clusters have no master user), so no
secret travels in Neptune restore metadata; a key named like one is still masked wherever
metadata is shown (metadata.is_sensitive_key)."""

from __future__ import annotations

from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.cluster import SHARED_RESTORE_KEY_TYPES
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.cluster import ClusterDriver


class NeptuneDriver(ClusterDriver):
    resource_type = "Neptune"
    # "Valid Values: neptune" (Neptune CreateDBCluster Engine).
    engines = ("neptune",)
    restore_key_types = {**SHARED_RESTORE_KEY_TYPES, "DatabaseName": "str", "OptionGroupName": "str", "EnableIAMDatabaseAuthentication": "bool"}
    restore_keys_source = "https://docs.aws.amazon.com/neptune/latest/apiref/API_RestoreDBClusterFromSnapshot.html"
