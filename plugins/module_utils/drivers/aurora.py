# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Aurora: a restore creates a DB cluster with no DB instances (AWS Backup developer guide,
"Restoring an Amazon Aurora cluster", https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-aur.html;
its metadata are the parameters of RDS RestoreDBClusterFromSnapshot). What the cluster types share
is cluster.ClusterDriver's."""

from __future__ import annotations

from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.cluster import ClusterDriver


class AuroraDriver(ClusterDriver):
    resource_type = "Aurora"
    # aurora-mysql and aurora-postgresql; "aurora" is Aurora MySQL 5.6's (RDS CreateDBCluster Engine).
    engines = ("aurora-", "aurora")
