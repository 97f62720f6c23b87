"""Amazon Neptune in moto's RDS backend: where moto's Neptune clusters differ from AWS in a way
drills meet.

Neptune shares its management API with Amazon RDS (the `neptune` client signs for `rds` and calls
the same Query API), and moto keeps Neptune clusters in its RDS backend. A Neptune cluster has no
master user ("Not supported by Neptune", Neptune API reference, CreateDBCluster MasterUsername and
MasterUserPassword), and moto stores no password for one; its RestoreDBClusterFromSnapshot then
fails with a KeyError while copying the snapshot's cluster settings, where AWS restores the cluster
(Neptune API reference, RestoreDBClusterFromSnapshot,
https://docs.aws.amazon.com/neptune/latest/apiref/API_RestoreDBClusterFromSnapshot.html). The
emulator copies the settings without a password there.
"""

from __future__ import annotations

import functools
from typing import Any


def install_neptune() -> None:
    from moto.rds.models import DBCluster

    if getattr(DBCluster, "_neptune_installed", False):
        return
    original = DBCluster.get_cfg

    @functools.wraps(original)
    def get_cfg(self: Any) -> dict[str, Any]:
        if self.engine == "neptune" and "_master_user_password" not in self.__dict__:
            self._master_user_password = None
            try:
                return original(self)
            finally:
                del self._master_user_password
        return original(self)

    DBCluster.get_cfg = get_cfg  # type: ignore[method-assign]
    DBCluster._neptune_installed = True  # type: ignore[attr-defined]
