# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What Aurora, DocumentDB and Neptune share: a restore creates a DB cluster with no DB instances.

"You need to create a DB instance" in the restored cluster to use it (AWS Backup developer guide,
"Restoring an Amazon Aurora cluster", https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-aur.html;
"Restore an Amazon DocumentDB cluster", .../restoring-docdb.html; "Restore an Amazon Neptune
cluster", .../restoring-nep.html); the metadata are the parameters of each service's
RestoreDBClusterFromSnapshot. make_usable creates the target's instances <name>-1 ..
<name>-<instance_count> (CreateDBInstance with DBClusterIdentifier; the engine must be the
cluster's), carrying the run's mark, and waits until they are available. The service refuses to
delete a cluster that still has instances: they go first, then the cluster without a final snapshot.

The three services share one management API (the RDS Query API, on the same endpoint: the
`docdb` and `neptune` clients sign for `rds`) and one ARN form, arn:aws:rds:REGION:ACCOUNT:cluster:ID,
so every call here goes through the `rds` client and the ARN alone does not tell the types apart:
a cluster's Engine does (aurora-mysql, aurora-postgresql; docdb; neptune). Each driver claims
the clusters of its engines (Driver.claims) and lists only those (find_marked). Cluster and DB
instance identifiers are one namespace across the three, so a name taken by a cluster of any
engine is taken (find_taken does not look at the engine)."""

from __future__ import annotations

from typing import Any, Optional

from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers import rds
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import deletion_call
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import NO_DEFAULT
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import RUN_TAG
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import ClientFor
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import Listings
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import Ref
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import Step
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import TargetOption
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import differs
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import paginate
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import tag_dict
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import tag_list
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import InputError
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import find_key

KIND = "rds-cluster"
DEFAULT_INSTANCE_CLASS = "db.r6g.large"


@rds.Errors.list_error_handler("describe the DB clusters", [])
def _describe_db_clusters(client: Any, **params: Any) -> list[dict[str, Any]]:
    """DescribeDBClusters, every page; the answer carries each cluster's TagList."""
    return paginate(client, "describe_db_clusters", "DBClusters", **params)


# A drill's copy is thrown away: a final snapshot would be one more thing left behind.
_delete_db_cluster = deletion_call(rds.Errors, "delete the DB cluster", "delete_db_cluster", "DBClusterIdentifier", SkipFinalSnapshot=True)


def _members(client_for: ClientFor, cluster_id: str) -> list[dict[str, Any]]:
    # One filtered listing for all members, their tags included, instead of one call each.
    raws = rds.describe_db_instances(client_for("rds"), Filters=[{"Name": "db-cluster-id", "Values": [cluster_id]}])
    return [raw for raw in raws if raw.get("DBInstanceStatus") not in rds.GONE_STATES]


def engine_matches(engine: Any, engines: tuple[str, ...] | list[str]) -> bool:
    engine = str(engine or "").lower()
    return any(engine.startswith(e) if e.endswith("-") else engine == e for e in engines)


def engine_names(engines: tuple[str, ...] | list[str]) -> str:
    """The engines as messages name them: a prefix as "aurora-*"."""
    return " or ".join(f"{e}*" if e.endswith("-") else e for e in engines)


def _typed_value(key: str, value: str, kind: str) -> str:
    import json

    text = str(value).strip()
    if kind == "bool":
        if text.lower() not in ("true", "false"):
            raise InputError(f"metadata.{key} must be true or false, got {value!r}")
        return text.lower()
    if kind == "int":
        if not text.isdigit():
            raise InputError(f"metadata.{key} must be a whole number, got {value!r}")
        return text
    if kind == "list":
        try:
            items = json.loads(text)
        except ValueError:
            items = None
        if not isinstance(items, list) or not all(isinstance(i, str) and i for i in items):
            raise InputError(f"metadata.{key} must be a list of strings (a JSON array such as [\"a\", \"b\"]), got {value!r}")
    return value


def _instance_count(target: dict[str, Any]) -> int:
    count = target.get("instance_count")
    return int(count) if isinstance(count, int) and not isinstance(count, bool) and count >= 1 else 1


# The keys DocumentDB's and Neptune's RestoreDBClusterFromSnapshot both take, with their types (each
# service's API reference; each driver adds its own).
SHARED_RESTORE_KEY_TYPES = {
    "DBClusterIdentifier": "str", "Engine": "str", "AvailabilityZones": "list", "EngineVersion": "str", "Port": "int",
    "DBSubnetGroupName": "str", "VpcSecurityGroupIds": "list", "KmsKeyId": "str", "EnableCloudwatchLogsExports": "list",
    "DeletionProtection": "bool", "DBClusterParameterGroupName": "str", "StorageType": "str", "NetworkType": "str",
    "CopyTagsToSnapshot": "bool",
}  # fmt: skip


class ClusterDriver(rds.RdsTagged):
    """A DB cluster type; subclasses name the type, its engines and its restore metadata keys."""

    engines: tuple[str, ...] = ()  # the Engine values of its clusters (a trailing "-" matches a prefix)
    # The keys of the service's RestoreDBClusterFromSnapshot and their types ("str", "int", "bool",
    # "list"), for check_metadata (restore_keys_source names the page); None: no rule is applied.
    restore_key_types: Optional[dict[str, str]] = None
    services = ("rds",)
    kinds = (KIND,)
    identifier_kinds = ("db-cluster", "db-instance")
    identity_key = "DBClusterIdentifier"
    settings_keys = ("instance_identifiers", "db_instance_class", "engine")
    target_options = {
        "kms_key_id": TargetOption("str", NO_DEFAULT, "the KMS key of the restored cluster"),
        "availability_zone": TargetOption("str", NO_DEFAULT, "the cluster's Availability Zone"),
        "db_instance_class": TargetOption("str", NO_DEFAULT, f"the class of the cluster's DB instances (default {DEFAULT_INSTANCE_CLASS})"),
        "db_subnet_group_name": TargetOption("str", NO_DEFAULT, "the DB subnet group"),
        "vpc_security_group_ids": TargetOption("list", NO_DEFAULT, "the VPC security groups"),
        "port": TargetOption("int", NO_DEFAULT, "the port the database listens on"),
        "instance_count": TargetOption("int", 1, "how many DB instances to create in the cluster"),
        "engine": TargetOption("str", NO_DEFAULT, "the DB instances' engine (default the cluster's)"),
    }
    # dropped_source_keys: for RestoreDBClusterFromSnapshot we found no documented key that the
    # backed-up configuration holds but a restore rejects, so nothing is dropped rather than
    # inventing a rule. Add one here with its source.

    # ---- plan side

    def check_name(self, name: str, target: dict[str, Any]) -> list[str]:
        reasons = rds.identifier_reasons(name)
        if reasons:
            return [f"name {name!r} is not a valid {self.resource_type} DB cluster identifier ({'; '.join(reasons)}): use {rds.IDENTIFIER_RULES}"]
        count = target.get("instance_count", 1)
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            return []
        # The cluster's DB instances are named <name>-1 .. <name>-<instance_count>; the longest
        # must also be a valid DB instance identifier.
        longest = f"{name}-{count}"
        if len(longest) > rds.IDENTIFIER_MAX:
            return [
                f"name {name!r} is too long for the DB instances the role creates in the cluster: {longest!r} is "
                f"{len(longest)} characters, a DB instance identifier at most {rds.IDENTIFIER_MAX}; shorten the name"
            ]
        return []

    def restore_metadata(self, name: str, target: dict[str, Any]) -> dict[str, Any]:
        built = {
            "DBClusterIdentifier": name,
            "DBSubnetGroupName": target.get("db_subnet_group_name") or None,
            "VpcSecurityGroupIds": list(target["vpc_security_group_ids"]) if target.get("vpc_security_group_ids") else None,
            "Port": target.get("port"),
            "AvailabilityZones": [target["availability_zone"]] if target.get("availability_zone") else None,
            "KmsKeyId": target.get("kms_key_id") or None,
        }
        return {key: value for key, value in built.items() if value is not None}

    def expected(self, name: str, target: dict[str, Any], metadata: dict[str, Any]) -> dict[str, Any]:
        return {"db_cluster_identifier": name, "instance_count": _instance_count(target), "engines": list(self.engines)}

    def restore_test_expected(self, identifier: str, metadata: dict[str, Any]) -> dict[str, Any]:
        # Restore testing restores the cluster; the validation creates no DB instances in it (see base).
        expected = self.expected(identifier, {}, metadata)
        expected.pop("instance_count", None)
        return expected

    def usable_settings(self, name: str, target: dict[str, Any], recovery_point_arn: Optional[str]) -> dict[str, Any]:
        settings = {
            "instance_identifiers": [f"{name}-{n}" for n in range(1, _instance_count(target) + 1)],
            "db_instance_class": target.get("db_instance_class") or DEFAULT_INSTANCE_CLASS,
        }
        if target.get("engine"):
            settings["engine"] = target["engine"]
        return settings

    def check_settings(self, option: str, settings: dict[str, Any], fallback: dict[str, Any]) -> list[str]:
        problems = []
        ids = settings.get("instance_identifiers")
        if ids is not None:
            if not isinstance(ids, list) or not all(isinstance(i, str) and i for i in ids):
                problems.append(f"{option}.instance_identifiers must be a list of DB instance identifiers, got {ids!r}")
            else:
                for identifier in ids:
                    reasons = rds.identifier_reasons(identifier)
                    if reasons:
                        problems.append(f"{option}.instance_identifiers: {identifier!r} is not a valid DB instance identifier ({'; '.join(reasons)})")
                if ids and not settings.get("db_instance_class"):
                    problems.append(f"{option}.instance_identifiers needs {option}.db_instance_class (the class of the DB instances created)")
        for key in ("db_instance_class", "engine"):
            value = settings.get(key)
            if value is not None and not (isinstance(value, str) and value.strip()):
                problems.append(f"{option}.{key} must be a non-empty string, got {value!r}")
        return problems

    def new_identifiers(self, name: str, settings: dict[str, Any]) -> list[tuple[str, str]]:
        ids = settings.get("instance_identifiers")
        if ids is None:
            ids = self.usable_settings(name, settings, None)["instance_identifiers"]
        return [("db-cluster", name.lower())] + [("db-instance", i.lower()) for i in ids]

    def check_metadata(self, metadata: dict[str, str]) -> dict[str, str]:
        """DBClusterIdentifier and Engine are required members of RestoreDBClusterFromSnapshot;
        the engine must be the type's; booleans become "true"/"false", integers must be digits,
        lists JSON arrays of strings (as restore testing writes them)."""
        if self.restore_key_types is None:
            return dict(metadata)
        result = dict(metadata)
        for name in ("DBClusterIdentifier", "Engine"):
            key = find_key(result, name)
            if key is None or not str(result[key]).strip():
                raise InputError(
                    f"metadata.{name} is required to restore a {self.resource_type} recovery point "
                    f"(RestoreDBClusterFromSnapshot, {self.restore_keys_source})"
                )
        key = find_key(result, "DBClusterIdentifier")
        reasons = rds.identifier_reasons(result[key])  # type: ignore[index]
        if reasons:
            identifier = result[key]  # type: ignore[index]
            raise InputError(f"metadata.{key} {identifier!r} is not a valid {self.resource_type} DB cluster identifier ({'; '.join(reasons)})")
        key = find_key(result, "Engine")
        if not engine_matches(result[key], self.engines):  # type: ignore[index]
            engine = result[key]  # type: ignore[index]
            raise InputError(f"metadata.{key} is {engine!r}: a {self.resource_type} cluster's engine is {engine_names(self.engines)}")
        for name, kind in self.restore_key_types.items():
            key = find_key(result, name)
            if key is not None:
                result[key] = _typed_value(key, result[key], kind)
        return result

    # ---- AWS side

    def parse_arn(self, arn: str) -> Optional[Ref]:
        return rds.parse_rds_arn(arn, "cluster", KIND)

    def describe(self, client_for: ClientFor, ref: Ref) -> Optional[dict[str, Any]]:
        found = _describe_db_clusters(client_for("rds"), DBClusterIdentifier=ref.identifier)
        raw = found[0] if found else None
        return None if raw is None or raw.get("Status") in rds.GONE_STATES else raw

    def describe_many(self, client_for: ClientFor, refs: list[Ref]) -> dict[str, Optional[dict[str, Any]]]:
        ids = [ref.identifier.lower() for ref in refs]
        found = rds.by_identifier(
            _describe_db_clusters(client_for("rds"), Filters=[{"Name": "db-cluster-id", "Values": ids}]), "DBClusterIdentifier"
        )
        return {i: (found[i] if i in found and found[i].get("Status") not in rds.GONE_STATES else None) for i in ids}

    def normalise(self, raw: dict[str, Any]) -> dict[str, Any]:
        return {
            "arn": raw.get("DBClusterArn"), "kind": KIND, "identifier": raw.get("DBClusterIdentifier"),
            "created": raw.get("ClusterCreateTime"), "tags": tag_dict(raw.get("TagList")), "state": raw.get("Status"),
            "engine": raw.get("Engine"),
            "members": [m["DBInstanceIdentifier"] for m in raw.get("DBClusterMembers") or [] if "DBInstanceIdentifier" in m],
        }  # fmt: skip

    def find_marked(self, client_for: ClientFor, listings: Optional[Listings] = None) -> list[dict[str, Any]]:
        # One listing of every cluster for the three engines' drivers: the engine filter of
        # DescribeDBClusters would be one call per engine.
        raws = (listings or Listings()).once("rds:db-clusters", lambda: _describe_db_clusters(client_for("rds")))
        return [self.normalise(raw) for raw in raws if self.claims(raw) and RUN_TAG in tag_dict(raw.get("TagList"))]

    def claims(self, raw: dict[str, Any]) -> bool:
        return engine_matches(raw.get("Engine"), self.engines)

    def find_taken(self, client_for: ClientFor, identifiers: list[tuple[str, str]]) -> list[tuple[str, str]]:
        taken: list[tuple[str, str]] = []
        clusters = [i for kind, i in identifiers if kind == "db-cluster"]
        if clusters:
            filters = [{"Name": "db-cluster-id", "Values": list(dict.fromkeys(c.lower() for c in clusters))}]
            found = rds.by_identifier(_describe_db_clusters(client_for("rds"), Filters=filters), "DBClusterIdentifier")
            taken += [("db-cluster", c) for c in clusters if c.lower() in found]
        instances = set(rds.find_taken_instances(client_for, [i for kind, i in identifiers if kind == "db-instance"]))
        return taken + [(kind, i) for kind, i in identifiers if kind == "db-instance" and i in instances]

    def dependents(self, client_for: ClientFor, ref: Ref, raw: dict[str, Any]) -> list[dict[str, Any]]:
        if not raw.get("DBClusterMembers"):
            return []
        return [rds.normalise_instance(member) for member in _members(client_for, ref.identifier)]

    def creates(self, settings: dict[str, Any]) -> bool:
        return bool(settings.get("instance_identifiers"))

    def make_usable_step(
        self, client_for: ClientFor, ref: Ref, raw: dict[str, Any], settings: dict[str, Any], tags: dict[str, str], check_mode: bool
    ) -> Step:
        """The settings' instance_identifiers created in the cluster (those missing), with `tags`;
        usable when the cluster and all its DB instances are available."""
        status = raw.get("Status")
        members = _members(client_for, ref.identifier)
        existing = {str(m.get("DBInstanceIdentifier", "")).lower() for m in members}
        missing = [i for i in dict.fromkeys(settings.get("instance_identifiers") or []) if i.lower() not in existing]
        if check_mode:
            return Step.done([{"db_instance_identifier": i} for i in missing], changed=bool(missing))
        if status in rds.STUCK_STATES:
            return Step.stuck(f"{self.noun(ref)} is {status}, which it does not leave by itself")
        if status != "available":
            return Step.pending(f"status {status}")
        created = []
        for identifier in missing:
            params = {
                "DBInstanceIdentifier": identifier, "DBClusterIdentifier": ref.identifier,
                # The instances' engine must be the cluster's.
                "Engine": settings.get("engine") or raw.get("Engine"),
                "DBInstanceClass": settings.get("db_instance_class") or DEFAULT_INSTANCE_CLASS,
            }  # fmt: skip
            if tags:
                params["Tags"] = tag_list(tags)
            answer = rds.create_db_instance(client_for("rds"), **params)
            created.append({"db_instance_identifier": identifier, "db_instance_arn": answer.get("DBInstanceArn")})
        if created:  # look again: an instance may be available at once
            members = _members(client_for, ref.identifier)
        stuck = [f"{m.get('DBInstanceIdentifier')} {m.get('DBInstanceStatus')}" for m in members if m.get("DBInstanceStatus") in rds.STUCK_STATES]
        if stuck:
            return Step.stuck(f"DB instances of {self.noun(ref)} in a status they do not leave by themselves: {', '.join(stuck)}")
        waiting = [f"{m.get('DBInstanceIdentifier')} {m.get('DBInstanceStatus')}" for m in members if m.get("DBInstanceStatus") != "available"]
        if waiting:
            return Step.pending(f"DB instances {', '.join(waiting)}", created, bool(created))
        # The cluster's description names its members: read it again once they are there.
        fresh = self.describe(client_for, ref) if created else None
        return Step("done", "", created, bool(created), fresh)

    def validate(self, facts: dict[str, Any], expected: dict[str, Any]) -> list[str]:
        problems: list[str] = []
        differs(facts, "status", "available", problems)
        differs(facts, "db_cluster_identifier", expected.get("db_cluster_identifier"), problems)
        if expected.get("engines") and not engine_matches(facts.get("engine"), expected["engines"]):
            problems.append(f"engine is {facts.get('engine')!r}, expected {engine_names(expected['engines'])}")
        members = len(facts.get("db_cluster_members") or [])
        if "instance_count" in expected and members != expected.get("instance_count"):
            problems.append(f"the cluster has {members} DB instances, expected {expected.get('instance_count')}")
        return problems

    def delete_step(
        self, client_for: ClientFor, ref: Ref, raw: Optional[dict[str, Any]], dependents: list[dict[str, Any]], check_mode: bool
    ) -> Step:
        checked = {str(d.get("identifier", "")).lower() for d in dependents}
        members = [str(m.get("DBInstanceIdentifier", "")) for m in _members(client_for, ref.identifier)]
        # A DB instance that appeared after the ownership checks is not known to be this run's.
        unknown = sorted(m for m in members if m.lower() not in checked)
        if unknown:
            return Step.stuck(self.foreign_dependents(unknown))
        step = rds.delete_instances_step(client_for, members, check_mode)
        if step.state != "done":
            return step
        current = _describe_db_clusters(client_for("rds"), DBClusterIdentifier=ref.identifier)
        if not current or check_mode:
            return Step.done(changed=bool(current) or step.changed)
        if current[0].get("Status") not in rds.GONE_STATES:
            _delete_db_cluster(client_for("rds"), ref.identifier)
            current = _describe_db_clusters(client_for("rds"), DBClusterIdentifier=ref.identifier)
        return Step.pending(f"DB cluster {current[0].get('Status')}", changed=True) if current else Step.done(changed=True)

    def noun(self, ref: Ref) -> str:
        return f"DB cluster {ref.identifier}"

    def foreign_dependents(self, identifiers: list[str]) -> str:
        return f"the cluster has DB instances this run did not create ({', '.join(identifiers)})"
