# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""RDS: a restore creates a DB instance (its restore metadata are the parameters of
RestoreDBInstanceFromDBSnapshot; AWS Backup developer guide, "Restore an Amazon RDS database",
https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-rds.html). It is usable when
"available"; it is deleted without a final snapshot (a drill's copy is thrown away).

The DB instance calls here are also those of the Aurora driver (a cluster's instances)."""

from __future__ import annotations

import re
from typing import Any, Optional

from ansible_collections.amazon.aws.plugins.module_utils.arn import parse_aws_arn

from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import deletion_call
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import NO_DEFAULT
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import RUN_TAG
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import ClientFor
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import Listings
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import Driver
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import Ref
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import Step
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import TargetOption
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import differs
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import error_code
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import given
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import paginate
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import tag_dict
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import tag_list
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import missing_when
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import find_key

KIND = "rds-instance"
# RDS DB instance and Aurora DB cluster identifiers: "Must contain from 1 to 63 letters, numbers,
# or hyphens. First character must be a letter. Can't end with a hyphen or contain two consecutive
# hyphens." (Amazon RDS API Reference, CreateDBInstance DBInstanceIdentifier and CreateDBCluster
# DBClusterIdentifier: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html,
# https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html). SQL Server's
# shorter limit is left to AWS: the role does not know the engine of a recovery point.
IDENTIFIER_MAX = 63
IDENTIFIER_RULES = "1 to 63 letters, digits or hyphens, starting with a letter, not ending with a hyphen, no two hyphens in a row"
# AWS Backup restores DB instances with RDS RestoreDBInstanceFromDBSnapshot, whose parameter
# names the restore metadata uses. Its AvailabilityZone says "Constraint: You can't specify the
# AvailabilityZone parameter if the DB instance is a Multi-AZ deployment"
# (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_RestoreDBInstanceFromDBSnapshot.html;
# botocore rds service-2.json, RestoreDBInstanceFromDBSnapshotMessage.AvailabilityZone). The
# backed-up configuration of a Multi-AZ instance records the AZ it ran in, so sending it back
# unchanged would fail the restore job.
_RESTORE_SOURCE = "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_RestoreDBInstanceFromDBSnapshot.html"
GONE_STATES = ("deleting",)
# The DB instance and cluster statuses AWS documents as needing someone to act (a failed instance,
# an incompatible restore, network, parameter or option group, a lost KMS key, a full disk).
STUCK_STATES = (
    "failed", "incompatible-restore", "incompatible-network", "incompatible-parameters", "incompatible-option-group",
    "inaccessible-encryption-credentials", "storage-full",
)  # fmt: skip


Errors = missing_when("DBInstanceNotFound", "DBInstanceNotFoundFault", "DBClusterNotFoundFault", "DBClusterNotFound")


@Errors.list_error_handler("describe the DB instances", [])
def describe_db_instances(client: Any, **params: Any) -> list[dict[str, Any]]:
    """DescribeDBInstances, every page; the answer carries each instance's TagList."""
    return paginate(client, "describe_db_instances", "DBInstances", **params)


@Errors.common_error_handler("create a DB instance")
def create_db_instance(client: Any, **params: Any) -> dict[str, Any]:
    return client.create_db_instance(aws_retry=True, **params).get("DBInstance", {})


# A drill's copy is thrown away: a final snapshot would be one more thing left behind.
delete_db_instance = deletion_call(Errors, "delete the DB instance", "delete_db_instance", "DBInstanceIdentifier", SkipFinalSnapshot=True)


@Errors.common_error_handler("tag the RDS resource")
def add_tags(client: Any, arn: str, tags: dict[str, str]) -> None:
    client.add_tags_to_resource(aws_retry=True, ResourceName=arn, Tags=tag_list(tags))


def identifier_reasons(identifier: str) -> list[str]:
    reasons = []
    if len(identifier) > IDENTIFIER_MAX:
        reasons.append(f"it is {len(identifier)} characters, at most {IDENTIFIER_MAX}")
    if not identifier[:1].isascii() or not identifier[:1].isalpha():
        reasons.append("its first character is not a letter")
    bad = sorted({c for c in identifier if not (c.isascii() and (c.isalnum() or c == "-"))})
    if bad:
        reasons.append(f"it contains {', '.join(repr(c) for c in bad)} (only letters, digits and hyphens)")
    if identifier.endswith("-"):
        reasons.append("it ends with a hyphen")
    if "--" in identifier:
        reasons.append("it contains two consecutive hyphens")
    return reasons


def parse_rds_arn(arn: str, resource_type: str, kind: str) -> Optional[Ref]:
    details = parse_aws_arn(arn) or {}
    identifier = details.get("resource_id") or ""
    if details.get("service") == "rds" and details.get("resource_type") == resource_type and re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", identifier):
        return Ref(arn, kind, identifier)
    return None


def by_identifier(raws: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    # RDS identifiers are case-insensitive (it keeps them in lower case).
    return {str(raw.get(key, "")).lower(): raw for raw in raws}


def instance_status(raw: Optional[dict[str, Any]]) -> str:
    return str(raw.get("DBInstanceStatus")) if raw else "not found"


def normalise_instance(raw: dict[str, Any]) -> dict[str, Any]:
    resource = {
        "arn": raw.get("DBInstanceArn"), "kind": KIND, "identifier": raw.get("DBInstanceIdentifier"),
        "created": raw.get("InstanceCreateTime"), "tags": tag_dict(raw.get("TagList")), "state": raw.get("DBInstanceStatus"),
    }  # fmt: skip
    if raw.get("DBClusterIdentifier"):
        resource["cluster_identifier"] = raw["DBClusterIdentifier"]
    return resource


def find_taken_instances(client_for: ClientFor, identifiers: list[str]) -> list[str]:
    """Which DB instance identifiers exist: one filtered DescribeDBInstances (filter values are
    matched as given, so in lower case as RDS stores them)."""
    if not identifiers:
        return []
    wanted = list(dict.fromkeys(i.lower() for i in identifiers))
    found = by_identifier(describe_db_instances(client_for("rds"), Filters=[{"Name": "db-instance-id", "Values": wanted}]), "DBInstanceIdentifier")
    return [i for i in identifiers if i.lower() in found]


class RdsTagged(Driver):
    """What RDS resources (DB instances and clusters) share: tags by ARN, in TagList."""

    tags_member = "TagList"

    def tag(self, client_for: ClientFor, ref: Ref, tags: dict[str, str]) -> None:
        add_tags(client_for("rds"), ref.arn, tags)


class RdsDriver(RdsTagged):
    resource_type = "RDS"
    services = ("rds",)
    kinds = (KIND,)
    identifier_kinds = ("db-instance",)
    identity_key = "DBInstanceIdentifier"
    target_options = {
        "availability_zone": TargetOption("str", NO_DEFAULT, "the DB instance's Availability Zone"),
        "multi_az": TargetOption("bool", NO_DEFAULT, "a Multi-AZ DB instance"),
        "db_instance_class": TargetOption("str", NO_DEFAULT, "the DB instance class"),
        "db_subnet_group_name": TargetOption("str", NO_DEFAULT, "the DB subnet group"),
        "vpc_security_group_ids": TargetOption("list", NO_DEFAULT, "the VPC security groups"),
        "port": TargetOption("int", NO_DEFAULT, "the port the database listens on"),
    }
    noun_text = "RDS DB instance identifier"

    def check_name(self, name: str, target: dict[str, Any]) -> list[str]:
        reasons = identifier_reasons(name)
        return [f"name {name!r} is not a valid {self.noun_text} ({'; '.join(reasons)}): use {IDENTIFIER_RULES}"] if reasons else []

    def check_fields(self, target: dict[str, Any]) -> list[str]:
        if given(target.get("availability_zone")) and target.get("multi_az") is True:
            return ["availability_zone cannot be given with multi_az true (RDS places a Multi-AZ instance itself)"]
        return []

    def restore_metadata(self, name: str, target: dict[str, Any]) -> dict[str, Any]:
        built = {
            "DBInstanceIdentifier": name,
            "DBInstanceClass": target.get("db_instance_class") or None,
            "DBSubnetGroupName": target.get("db_subnet_group_name") or None,
            "VpcSecurityGroupIds": list(target["vpc_security_group_ids"]) if target.get("vpc_security_group_ids") else None,
            "MultiAZ": target.get("multi_az"),
            "Port": target.get("port"),
            "AvailabilityZone": target.get("availability_zone") or None,
        }
        return {key: value for key, value in built.items() if value is not None}

    def expected(self, name: str, target: dict[str, Any], metadata: dict[str, Any]) -> dict[str, Any]:
        key = next((k for k in metadata if k.lower() == "dbinstanceclass"), None)
        return {"db_instance_identifier": name, "db_instance_class": metadata[key] if key is not None else None}

    def new_identifiers(self, name: str, settings: dict[str, Any]) -> list[tuple[str, str]]:
        return [("db-instance", name.lower())]

    def dropped_source_keys(self, metadata: dict[str, str]) -> list[tuple[str, str]]:
        multi_az = find_key(metadata, "MultiAZ")
        zone = find_key(metadata, "AvailabilityZone")
        if multi_az is None or zone is None or str(metadata[multi_az]).strip().lower() != "true":
            return []
        return [
            (zone, f"RDS does not accept an Availability Zone for a Multi-AZ ({multi_az}=true) restore (see {_RESTORE_SOURCE})")
        ]

    def parse_arn(self, arn: str) -> Optional[Ref]:
        return parse_rds_arn(arn, "db", KIND)

    def describe(self, client_for: ClientFor, ref: Ref) -> Optional[dict[str, Any]]:
        found = describe_db_instances(client_for("rds"), DBInstanceIdentifier=ref.identifier)
        raw = found[0] if found else None
        return None if raw is None or raw.get("DBInstanceStatus") in GONE_STATES else raw

    def describe_many(self, client_for: ClientFor, refs: list[Ref]) -> dict[str, Optional[dict[str, Any]]]:
        # One filtered listing for all of them, instead of one call each.
        ids = [ref.identifier.lower() for ref in refs]
        found = by_identifier(describe_db_instances(client_for("rds"), Filters=[{"Name": "db-instance-id", "Values": ids}]), "DBInstanceIdentifier")
        return {i: (found[i] if i in found and found[i].get("DBInstanceStatus") not in GONE_STATES else None) for i in ids}

    def normalise(self, raw: dict[str, Any]) -> dict[str, Any]:
        return normalise_instance(raw)

    def find_marked(self, client_for: ClientFor, listings: Optional[Listings] = None) -> list[dict[str, Any]]:
        # Every DB instance, a cluster's too: leftovers show with their cluster_identifier.
        return [normalise_instance(raw) for raw in describe_db_instances(client_for("rds")) if RUN_TAG in tag_dict(raw.get("TagList"))]

    def find_taken(self, client_for: ClientFor, identifiers: list[tuple[str, str]]) -> list[tuple[str, str]]:
        taken = set(find_taken_instances(client_for, [i for kind, i in identifiers if kind == "db-instance"]))
        return [(kind, i) for kind, i in identifiers if kind == "db-instance" and i in taken]

    def make_usable_step(
        self, client_for: ClientFor, ref: Ref, raw: dict[str, Any], settings: dict[str, Any], tags: dict[str, str], check_mode: bool
    ) -> Step:
        return Step.by_state(self.noun(ref), raw.get("DBInstanceStatus"), ("available",), STUCK_STATES, check_mode, "status")

    def validate(self, facts: dict[str, Any], expected: dict[str, Any]) -> list[str]:
        problems: list[str] = []
        differs(facts, "db_instance_status", "available", problems)
        differs(facts, "db_instance_identifier", expected.get("db_instance_identifier"), problems)
        if expected.get("db_instance_class") is not None:
            differs(facts, "db_instance_class", expected["db_instance_class"], problems)
        return problems

    def delete_step(
        self, client_for: ClientFor, ref: Ref, raw: Optional[dict[str, Any]], dependents: list[dict[str, Any]], check_mode: bool
    ) -> Step:
        return delete_instances_step(client_for, [ref.identifier], check_mode)

    def noun(self, ref: Ref) -> str:
        return f"DB instance {ref.identifier}"


def delete_instances_step(client_for: ClientFor, identifiers: list[str], check_mode: bool) -> Step:
    """Delete the DB instances not yet on their way out, all before waiting for any (so they go in
    parallel); done when none is left."""
    if not identifiers:
        return Step.done()
    rds = client_for("rds")
    filters = [{"Name": "db-instance-id", "Values": [i.lower() for i in identifiers]}]
    left = describe_db_instances(rds, Filters=filters)
    if not left or check_mode:
        return Step.done(changed=bool(left))
    deleted = False
    for raw in left:
        if raw.get("DBInstanceStatus") in GONE_STATES:
            continue
        try:
            delete_db_instance(rds, raw["DBInstanceIdentifier"])
            deleted = True
        except Exception as e:  # noqa: BLE001 - only the one answer below is expected; the rest is raised again
            # Already on its way out (a teardown re-run after a timeout): wait for it as for our own call.
            if error_code(e) != "InvalidDBInstanceState":
                raise
    if deleted:  # look again: a deletion may be over at once
        left = describe_db_instances(rds, Filters=filters)
    if not left:
        return Step.done(changed=True)
    waiting = [f"{r.get('DBInstanceIdentifier')} {instance_status(r)}" for r in left]
    return Step.pending(f"DB instances {', '.join(waiting)}", changed=True)
