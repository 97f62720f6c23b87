"""Where moto's RDS differs from AWS in a way the drills run into.

DeleteDBCluster: "The default is to remove automated backups immediately after the DB cluster is
deleted" (DeleteAutomatedBackups, DeleteDBCluster API reference; the SDK model documents the same
default). moto keeps a deleted cluster's automated snapshot ("rds:<id>-<YYYY-MM-DD-HH-MM>"), so a
cluster created again under the same identifier within the same minute (a drill run twice, or a
drill then its cleanup) fails in moto with DBClusterSnapshotAlreadyExistsFault after the cluster
was already added. The emulator removes them with the cluster, as AWS does by default.
"""

from __future__ import annotations

import functools
from typing import Any


def install_rds_fidelity() -> None:
    from moto.rds.models import RDSBackend

    original = RDSBackend.delete_db_cluster

    @functools.wraps(original)
    def delete_db_cluster(self: Any, cluster_identifier: str, *args: Any, **kwargs: Any) -> Any:
        cluster = original(self, cluster_identifier, *args, **kwargs)
        automated = [
            snapshot_id for snapshot_id, snapshot in self.cluster_snapshots.items()
            if getattr(snapshot, "snapshot_type", None) == "automated" and snapshot.cluster.db_cluster_identifier == cluster_identifier
        ]  # fmt: skip
        for snapshot_id in automated:
            del self.cluster_snapshots[snapshot_id]
        return cluster

    RDSBackend.delete_db_cluster = delete_db_cluster  # type: ignore[method-assign]
