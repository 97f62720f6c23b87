"""Amazon DocumentDB in moto's RDS backend.

DocumentDB shares its management API with Amazon RDS: the `docdb` client signs for `rds` and
calls the same Query API (version 2014-10-31) on the same endpoint, and its clusters have RDS
ARNs (arn:aws:rds:REGION:ACCOUNT:cluster:ID). "For certain management features such as cluster
and instance lifecycle management, Amazon DocumentDB leverages operational technology that is
shared with Amazon RDS and Amazon Neptune. Use the filterName=engine,Values=docdb filter
parameter to return only Amazon DocumentDB clusters." (Amazon DocumentDB API reference,
DescribeDBClusters, https://docs.aws.amazon.com/documentdb/latest/developerguide/API_DescribeDBClusters.html).
moto 5.2.5 keeps Neptune there already, but refuses the engine `docdb`; this adds it in moto's
style: the engine lists, its default version and port, its default cluster parameter group.

Defaults: port 27017 ("Default: 27017", DocumentDB CreateDBCluster Port), engine version 5.0.0
and the parameter group default.docdb5.0 (DocumentDB's default parameter groups are named
default.docdb<major.minor>, Amazon DocumentDB developer guide, "Managing cluster parameter groups").
"""

from __future__ import annotations

from typing import Any

ENGINE = "docdb"
DEFAULT_VERSION = "5.0.0"
DEFAULT_PORT = 27017


def _with_docdb(original: Any) -> Any:
    def listing(cls: Any) -> list[str]:
        return sorted(set(original()) | {ENGINE})

    return classmethod(listing)


def _defaulted(original: Any, value: Any) -> Any:
    def default(engine: str, *args: Any, **kwargs: Any) -> Any:
        return value if engine == ENGINE else original(engine, *args, **kwargs)

    return staticmethod(default)


def install_docdb() -> None:
    from moto.rds import models
    from moto.rds.utils import ClusterEngine, DbInstanceEngine

    if getattr(models, "_docdb_installed", False):
        return
    ClusterEngine.list_cluster_engines = _with_docdb(ClusterEngine.list_cluster_engines)  # type: ignore[method-assign]
    DbInstanceEngine.valid_db_instance_engine = _with_docdb(DbInstanceEngine.valid_db_instance_engine)  # type: ignore[method-assign]
    cluster = models.DBCluster
    cluster.default_engine_version = _defaulted(cluster.default_engine_version, DEFAULT_VERSION)  # type: ignore[method-assign]
    cluster.default_port = _defaulted(cluster.default_port, DEFAULT_PORT)  # type: ignore[method-assign]
    # A DocumentDB cluster volume grows by itself, as Aurora's: no allocated storage.
    cluster.default_allocated_storage = _defaulted(cluster.default_allocated_storage, 1)  # type: ignore[method-assign]
    instance = models.DBInstance
    instance.default_engine_versions = {**instance.default_engine_versions, ENGINE: DEFAULT_VERSION}
    instance.default_port = _defaulted(instance.default_port, DEFAULT_PORT)  # type: ignore[method-assign]
    instance.default_allocated_storage = _defaulted(instance.default_allocated_storage, 0)  # type: ignore[method-assign]

    original_init = cluster.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        # moto names every non-Neptune cluster's group default.aurora8.0
        if self.engine == ENGINE and not kwargs.get("db_cluster_parameter_group_name"):
            self.parameter_group = f"default.docdb{'.'.join(self.engine_version.split('.')[:2])}"

    cluster.__init__ = init  # type: ignore[method-assign]
    models._docdb_installed = True  # type: ignore[attr-defined]
