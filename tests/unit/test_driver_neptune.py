"""The Neptune driver: its metadata rules and name rules (pure), and a Neptune cluster restored,
made usable (DB instances created with the run's mark), validated and deleted by ownership through
restored_resource on the in-process emulator, told apart from Aurora and DocumentDB by its engine."""

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

NEPTUNE, DOCDB, AURORA = (drivers.driver_for(t) for t in ("neptune", "DocumentDB", "Aurora"))
RUN = "drill-2026-12-04"
VAULT = "graph-vault"


def checked(metadata: dict[str, Any]) -> dict[str, str]:
    return validate_metadata(to_aws_metadata(metadata), NEPTUNE)


def test_neptune_is_registered_under_aws_backups_name():
    assert NEPTUNE.resource_type == "Neptune" and "Neptune" in drivers.RESOURCE_TYPES
    assert "Neptune" in drivers.target_fields()["instance_count"][0]


def test_metadata_yaml_values_are_converted_and_checked():
    result = checked({"DBClusterIdentifier": "graph-drill", "Engine": "neptune", "EnableIAMDatabaseAuthentication": True, "Port": 8182})
    assert result == {"DBClusterIdentifier": "graph-drill", "Engine": "neptune", "EnableIAMDatabaseAuthentication": "true", "Port": "8182"}


@pytest.mark.parametrize(
    "metadata, message",
    [
        ({"Engine": "neptune"}, "metadata.DBClusterIdentifier is required to restore a Neptune recovery point"),
        ({"DBClusterIdentifier": "graph"}, "metadata.Engine is required"),
        ({"DBClusterIdentifier": "graph", "Engine": "docdb"}, "metadata.Engine is 'docdb': a Neptune cluster's engine is neptune"),
        ({"DBClusterIdentifier": "graph", "Engine": "neptune", "EnableIAMDatabaseAuthentication": "on"},
         "metadata.EnableIAMDatabaseAuthentication must be true or false"),
        ({"DBClusterIdentifier": "graph", "Engine": "neptune", "AvailabilityZones": "us-east-1a"}, "metadata.AvailabilityZones must be a list"),
    ],
)
def test_bad_metadata_is_refused_naming_the_key(metadata, message):
    with pytest.raises(InputError) as raised:
        checked(metadata)
    assert message in str(raised.value)


def test_a_password_key_in_neptune_metadata_is_masked():
    shown = mask_metadata(checked({"DBClusterIdentifier": "graph", "Engine": "neptune", "MasterUserPassword": "hunter2-secret"}))
    assert "hunter2-secret" not in str(shown)


def test_the_plan_side():
    assert NEPTUNE.check_name("graph--x", {})[0].startswith("name 'graph--x' is not a valid Neptune DB cluster identifier")
    expected = NEPTUNE.expected("graph", {}, {})
    assert expected == {"db_cluster_identifier": "graph", "instance_count": 1, "engines": ["neptune"]}
    facts = {"status": "available", "db_cluster_identifier": "graph", "db_cluster_members": [{}], "engine": "docdb"}
    assert NEPTUNE.validate(facts, expected) == ["engine is 'docdb', expected neptune"]
    ref = NEPTUNE.parse_arn("arn:aws:rds:us-east-1:123456789012:cluster:graph")
    assert drivers.driver_for_resource(ref, {"Engine": "neptune"}) is NEPTUNE
    assert drivers.driver_for_resource(ref, {"Engine": "docdb"}) is DOCDB


@pytest.fixture
def env(aws):
    aws.configure(restore_job_seconds=0)
    backup, rds = aws.client("backup"), aws.client("rds")
    seed.create_vault(backup, VAULT)
    role = seed.ensure_backup_role(aws.client("iam"))
    graph = seed.create_neptune_cluster(aws.client("neptune"), "graph")
    seed.create_docdb_cluster(aws.client("docdb"), "catalog")
    client_for = rr.lazy_clients(lambda service: RetryingBotoClientWrapper(aws.client(service), backup_retry))
    point = seed.backup_and_wait(backup, VAULT, graph["DBClusterArn"], role).recovery_point_arn
    return {"backup": backup, "rds": rds, "role": role, "client_for": client_for, "point": point}


def test_a_neptune_cluster_gets_neptune_instances_with_the_mark_is_validated_and_deleted_with_them(env):
    job_id = env["backup"].start_restore_job(RecoveryPointArn=env["point"], Metadata={"DBClusterIdentifier": "graph-drill", "Engine": "neptune"},
                                             IamRoleArn=env["role"])["RestoreJobId"]  # fmt: skip
    assert env["backup"].describe_restore_job(RestoreJobId=job_id)["Status"] == "COMPLETED"
    target = {"instance_count": 1, "db_instance_class": "db.r5.large"}
    wanted = [rr.Wanted("graph-drill", job_id, NEPTUNE.usable_settings("graph-drill", target, None), NEPTUNE.expected("graph-drill", target, {}))]
    fake = FakeTime()
    (result,) = rr.make_present(env["client_for"], RUN, wanted, wait_until_usable=True, **fake.kwargs())
    assert result["status"] == "marked" and result["validation"] == "passed", result
    (instance,) = env["rds"].describe_db_instances(Filters=[{"Name": "db-cluster-id", "Values": ["graph-drill"]}])["DBInstances"]
    assert instance["Engine"] == "neptune" and {t["Key"]: t["Value"] for t in instance["TagList"]}[rr.RUN_TAG] == RUN
    # cleanup's listing: Neptune's driver lists it, DocumentDB's and Aurora's do not
    assert [m["identifier"] for m in NEPTUNE.find_marked(env["client_for"])] == ["graph-drill"]
    assert DOCDB.find_marked(env["client_for"]) == [] and AURORA.find_marked(env["client_for"]) == []
    (gone,) = rr.teardown(env["client_for"], RUN, [job_id], **{k: v for k, v in fake.kwargs().items() if k != "wall"})
    assert gone["status"] == "deleted" and len(gone["deleted_resources"]) == 2, gone
    assert {c["DBClusterIdentifier"] for c in env["rds"].describe_db_clusters()["DBClusters"]} == {"graph", "catalog"}
    assert env["rds"].describe_db_instances()["DBInstances"] == []
