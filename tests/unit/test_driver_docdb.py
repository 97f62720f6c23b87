"""The DocumentDB driver: its metadata rules and name rules (pure), and a DocumentDB cluster
restored, made usable (DB instances created with the run's mark), validated and deleted by
ownership through restored_resource on the in-process emulator, told apart from Aurora by its engine."""

from __future__ import annotations

from typing import Any

import pytest

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.recovery.aws_backup.plugins.module_utils import drivers
from ansible_collections.recovery.aws_backup.plugins.module_utils import restored_resource as rr
from ansible_collections.recovery.aws_backup.plugins.module_utils.backup_retry import backup_retry
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import InputError
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import mask_metadata
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import to_aws_metadata
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import validate_metadata
from tests.emulator import seed
from tests.unit.test_restored_resource import FakeTime

DOCDB, AURORA = drivers.driver_for("documentdb"), drivers.driver_for("Aurora")
RUN = "drill-2026-12-04"
VAULT = "docdb-vault"
ARN = "arn:aws:rds:us-east-1:123456789012:cluster:catalog"


def checked(metadata: dict[str, Any]) -> dict[str, str]:
    return validate_metadata(to_aws_metadata(metadata), DOCDB)


# ---- plan side


def test_documentdb_is_registered_under_aws_backups_name():
    assert DOCDB is not None and DOCDB.resource_type == "DocumentDB" and "DocumentDB" in drivers.RESOURCE_TYPES
    assert {"instance_count", "db_instance_class", "kms_key_id", "port"} <= set(DOCDB.target_options)
    assert "DocumentDB" in drivers.target_fields()["instance_count"][0]


def test_metadata_yaml_values_are_converted_and_checked():
    result = checked({"DBClusterIdentifier": "catalog-drill", "engine": "docdb", "Port": 27017, "DeletionProtection": False,
                      "AvailabilityZones": ["us-east-1a", "us-east-1b"], "copytagstosnapshot": "TRUE"})  # fmt: skip
    assert result == {
        "DBClusterIdentifier": "catalog-drill", "engine": "docdb", "Port": "27017", "DeletionProtection": "false",
        "AvailabilityZones": '["us-east-1a","us-east-1b"]', "copytagstosnapshot": "true",
    }  # fmt: skip


@pytest.mark.parametrize(
    "metadata, message",
    [
        ({"Engine": "docdb"}, "metadata.DBClusterIdentifier is required to restore a DocumentDB recovery point"),
        ({"DBClusterIdentifier": "catalog"}, "metadata.Engine is required"),
        ({"DBClusterIdentifier": "catalog", "Engine": "aurora-postgresql"}, "metadata.Engine is 'aurora-postgresql': a DocumentDB cluster's engine is docdb"),
        ({"DBClusterIdentifier": "catalog_1", "Engine": "docdb"}, "metadata.DBClusterIdentifier 'catalog_1' is not a valid DocumentDB DB cluster identifier"),
        ({"DBClusterIdentifier": "catalog", "Engine": "docdb", "Port": "mongo"}, "metadata.Port must be a whole number"),
        ({"DBClusterIdentifier": "catalog", "Engine": "docdb", "DeletionProtection": "yes"}, "metadata.DeletionProtection must be true or false"),
        ({"DBClusterIdentifier": "catalog", "Engine": "docdb", "VpcSecurityGroupIds": "sg-1"}, "metadata.VpcSecurityGroupIds must be a list of strings"),
    ],
)
def test_bad_metadata_is_refused_naming_the_key(metadata, message):
    with pytest.raises(InputError) as raised:
        checked(metadata)
    assert message in str(raised.value)


def test_aurora_metadata_keeps_its_rules():
    # Aurora checks no keys of its own: its metadata go to AWS as given.
    assert AURORA.check_metadata({"DBClusterIdentifier": "x_y", "Port": "p"}) == {"DBClusterIdentifier": "x_y", "Port": "p"}


def test_a_password_key_in_documentdb_metadata_is_masked():
    # DocumentDB's RestoreDBClusterFromSnapshot takes no password; one given anyway is never shown.
    shown = mask_metadata(checked({"DBClusterIdentifier": "catalog", "Engine": "docdb", "MasterUserPassword": "hunter2-secret"}))
    assert "hunter2-secret" not in str(shown) and shown["DBClusterIdentifier"] == "catalog"


def test_names_metadata_and_validation_of_the_plan():
    assert DOCDB.check_name("catalog_1", {})[0].startswith("name 'catalog_1' is not a valid DocumentDB DB cluster identifier")
    assert DOCDB.restore_metadata("catalog", {"port": 27018, "availability_zone": "us-east-1a"}) == {
        "DBClusterIdentifier": "catalog", "Port": 27018, "AvailabilityZones": ["us-east-1a"],
    }  # fmt: skip
    expected = DOCDB.expected("catalog", {"instance_count": 2}, {})
    assert expected == {"db_cluster_identifier": "catalog", "instance_count": 2, "engines": ["docdb"]}
    assert DOCDB.new_identifiers("catalog", DOCDB.usable_settings("catalog", {"instance_count": 2}, None)) == [
        ("db-cluster", "catalog"), ("db-instance", "catalog-1"), ("db-instance", "catalog-2"),
    ]  # fmt: skip
    facts = {"status": "available", "db_cluster_identifier": "catalog", "db_cluster_members": [{}, {}], "engine": "aurora-mysql"}
    assert DOCDB.validate(facts, expected) == ["engine is 'aurora-mysql', expected docdb"]
    assert DOCDB.validate({**facts, "engine": "docdb"}, expected) == []


def test_the_arn_is_an_rds_cluster_arn_and_the_engine_tells_the_type():
    ref = DOCDB.parse_arn(ARN)
    assert (ref.kind, ref.identifier) == ("rds-cluster", "catalog")
    assert drivers.driver_for_resource(ref, {"Engine": "docdb"}) is DOCDB
    assert drivers.driver_for_resource(ref, {"Engine": "aurora-postgresql"}) is AURORA
    assert DOCDB.parse_arn("arn:aws:rds:us-east-1:123456789012:db:catalog") is None


# ---- AWS side, on the in-process emulator


@pytest.fixture
def env(aws):
    aws.configure(restore_job_seconds=0)
    backup, docdb, rds = aws.client("backup"), aws.client("docdb"), aws.client("rds")
    seed.create_vault(backup, VAULT)
    role = seed.ensure_backup_role(aws.client("iam"))
    cluster = seed.create_docdb_cluster(docdb, "catalog")
    aurora = seed.create_aurora_cluster(rds, "ledger")
    client_for = rr.lazy_clients(lambda service: RetryingBotoClientWrapper(aws.client(service), backup_retry))
    return {
        "aws": aws, "backup": backup, "docdb": docdb, "rds": rds, "role": role, "client_for": client_for,
        "point": seed.backup_and_wait(backup, VAULT, cluster["DBClusterArn"], role).recovery_point_arn,
        "aurora_point": seed.backup_and_wait(backup, VAULT, aurora["DBClusterArn"], role).recovery_point_arn,
    }  # fmt: skip


def restore(env, point: str, **metadata: str) -> dict:
    job_id = env["backup"].start_restore_job(RecoveryPointArn=point, Metadata=metadata, IamRoleArn=env["role"])["RestoreJobId"]
    job = env["backup"].describe_restore_job(RestoreJobId=job_id)
    assert job["Status"] == "COMPLETED", job
    return job


def test_a_documentdb_cluster_gets_docdb_instances_with_the_mark_is_validated_and_deleted_with_them(env):
    job = restore(env, env["point"], DBClusterIdentifier="catalog-drill", Engine="docdb")
    target = {"instance_count": 2, "db_instance_class": "db.r5.large"}
    wanted = [rr.Wanted("catalog-drill", job["RestoreJobId"], DOCDB.usable_settings("catalog-drill", target, None),
                        DOCDB.expected("catalog-drill", target, {}))]  # fmt: skip
    fake = FakeTime()
    (result,) = rr.make_present(env["client_for"], RUN, wanted, wait_until_usable=True, **fake.kwargs())
    assert result["status"] == "marked" and result["validation"] == "passed", result
    assert result["facts"]["engine"] == "docdb" and len(result["facts"]["db_cluster_members"]) == 2
    # (DocumentDB's own DBInstance shape has no TagList: the rds client reads the tags)
    found = {i["DBInstanceIdentifier"]: i for i in env["rds"].describe_db_instances()["DBInstances"]}
    for identifier in ("catalog-drill-1", "catalog-drill-2"):
        assert found[identifier]["Engine"] == "docdb" and found[identifier]["DBClusterIdentifier"] == "catalog-drill"
        assert {t["Key"]: t["Value"] for t in found[identifier]["TagList"]}[rr.RUN_TAG] == RUN

    # cleanup's listing: the DocumentDB driver lists it, Aurora's does not
    marked = rr.find_marked_resources(env["client_for"], RUN)
    assert {(m["identifier"], m.get("engine")) for m in marked if m["kind"] == "rds-cluster"} == {("catalog-drill", "docdb")}
    assert [m["identifier"] for m in DOCDB.find_marked(env["client_for"])] == ["catalog-drill"]
    assert AURORA.find_marked(env["client_for"]) == []

    (gone,) = rr.teardown(env["client_for"], RUN, [job["RestoreJobId"]], names=["catalog-drill"],
                          **{k: v for k, v in fake.kwargs().items() if k != "wall"})  # fmt: skip
    assert gone["status"] == "deleted" and len(gone["deleted_resources"]) == 3, gone
    left = {c["DBClusterIdentifier"] for c in env["rds"].describe_db_clusters()["DBClusters"]}
    assert left == {"catalog", "ledger"}
    assert not {"catalog-drill-1", "catalog-drill-2"} & {i["DBInstanceIdentifier"] for i in env["rds"].describe_db_instances()["DBInstances"]}


def test_a_cluster_is_handled_by_the_driver_of_its_engine_whatever_the_target_says(env):
    # A DocumentDB target whose recovery point is an Aurora cluster's: validation reads the engine.
    job = restore(env, env["aurora_point"], DBClusterIdentifier="ledger-drill")
    wanted = [rr.Wanted("ledger-drill", job["RestoreJobId"], DOCDB.usable_settings("ledger-drill", {}, None),
                        DOCDB.expected("ledger-drill", {}, {}))]  # fmt: skip
    (result,) = rr.make_present(env["client_for"], RUN, wanted, wait_until_usable=True, **FakeTime().kwargs())
    # the cluster is Aurora's (its driver makes it usable), and the DocumentDB expectation fails on its engine
    assert result["facts"]["engine"] == "aurora-postgresql"
    assert result["validation"] == "failed: engine is 'aurora-postgresql', expected docdb", result


def test_a_name_taken_by_a_cluster_of_any_engine_is_taken(env):
    taken = DOCDB.find_taken(env["client_for"], [("db-cluster", "ledger"), ("db-cluster", "catalog"), ("db-cluster", "free")])
    assert taken == [("db-cluster", "ledger"), ("db-cluster", "catalog")]
