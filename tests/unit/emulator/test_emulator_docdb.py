"""Amazon DocumentDB backups and restores in the emulator, in-process: through the `docdb`
client, as a user of DocumentDB calls it (it shares RDS's API and endpoint)."""

from __future__ import annotations

import json

import pytest

from tests.emulator import seed

VAULT = "docdb-vault"


@pytest.fixture
def env(aws):
    aws.configure(restore_job_seconds=0)
    backup, docdb = aws.client("backup"), aws.client("docdb")
    seed.create_vault(backup, VAULT)
    role = seed.ensure_backup_role(aws.client("iam"))
    cluster = seed.create_docdb_cluster(docdb, "prod-docdb", Port=27018)
    point = seed.backup_and_wait(backup, VAULT, cluster["DBClusterArn"], role)
    return {"backup": backup, "docdb": docdb, "rds": aws.client("rds"), "role": role, "cluster": cluster, "point": point}


def restore(env, **metadata: str) -> dict:
    job_id = env["backup"].start_restore_job(
        RecoveryPointArn=env["point"].recovery_point_arn, Metadata=metadata, IamRoleArn=env["role"]
    )["RestoreJobId"]
    return env["backup"].describe_restore_job(RestoreJobId=job_id)


def test_a_docdb_backup_is_a_cluster_snapshot_with_documentdbs_restore_metadata(env):
    point = env["point"]
    job = env["backup"].describe_backup_job(BackupJobId=point.backup_job_id)
    assert job["ResourceType"] == "DocumentDB"
    assert point.recovery_point_arn == f"arn:aws:rds:us-east-1:123456789012:cluster-snapshot:awsbackup:job-{point.backup_job_id.lower()}"
    answer = env["backup"].get_recovery_point_restore_metadata(BackupVaultName=VAULT, RecoveryPointArn=point.recovery_point_arn)
    assert answer["ResourceType"] == "DocumentDB"
    metadata = answer["RestoreMetadata"]
    assert (metadata["DBClusterIdentifier"], metadata["Engine"], metadata["Port"]) == ("prod-docdb", "docdb", "27018")
    assert json.loads(metadata["AvailabilityZones"])
    # DocumentDB's RestoreDBClusterFromSnapshot takes none of these (Aurora's does), nor any password
    assert not {"DatabaseName", "EngineMode", "EnableIAMDatabaseAuthentication"} & set(metadata)
    assert not [k for k in metadata if "password" in k.lower()]
    listed = env["backup"].list_recovery_points_by_backup_vault(BackupVaultName=VAULT, ByResourceType="DocumentDB")["RecoveryPoints"]
    assert [p["RecoveryPointArn"] for p in listed] == [point.recovery_point_arn]


def test_a_docdb_restore_creates_the_cluster_without_instances(env):
    base = env["backup"].get_recovery_point_restore_metadata(BackupVaultName=VAULT, RecoveryPointArn=env["point"].recovery_point_arn)
    job = restore(env, **{**base["RestoreMetadata"], "DBClusterIdentifier": "docdb-restored"})
    assert job["Status"] == "COMPLETED", job.get("StatusMessage")
    assert job["ResourceType"] == "DocumentDB"
    assert job["CreatedResourceArn"] == "arn:aws:rds:us-east-1:123456789012:cluster:docdb-restored"
    (restored,) = env["docdb"].describe_db_clusters(DBClusterIdentifier="docdb-restored")["DBClusters"]
    assert restored["Engine"] == "docdb" and restored["Port"] == 27018 and restored["DBClusterMembers"] == []
    assert env["docdb"].describe_db_instances(Filters=[{"Name": "db-cluster-id", "Values": ["docdb-restored"]}])["DBInstances"] == []
    # the source is untouched
    (source,) = env["docdb"].describe_db_clusters(DBClusterIdentifier="prod-docdb")["DBClusters"]
    assert source["Engine"] == "docdb"


def test_a_docdb_restore_needs_a_cluster_identifier_and_fails_onto_an_existing_one(env):
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as raised:
        restore(env, Engine="docdb")
    assert raised.value.response["Error"]["Code"] == "InvalidParameterValueException"
    job = restore(env, DBClusterIdentifier="prod-docdb", Engine="docdb")
    assert job["Status"] == "FAILED" and "DBClusterAlreadyExistsFault" in job["StatusMessage"]


def test_a_docdb_restore_with_another_engine_fails(env):
    job = restore(env, DBClusterIdentifier="docdb-as-aurora", Engine="aurora-postgresql")
    assert job["Status"] == "FAILED" and "not compatible" in job["StatusMessage"]
    assert env["rds"].describe_db_clusters(Filters=[{"Name": "db-cluster-id", "Values": ["docdb-as-aurora"]}])["DBClusters"] == []


def test_inferred_metadata_for_docdb_is_restore_testings(env):
    inferred = env["backup"].get_restore_testing_inferred_metadata(
        BackupVaultName=VAULT, RecoveryPointArn=env["point"].recovery_point_arn
    )["InferredMetadata"]
    assert inferred["engine"] == "docdb" and inferred["dbClusterIdentifier"].startswith("awsbackup-restore-test-")
    assert json.loads(inferred["availabilityZones"])


def test_aurora_and_docdb_clusters_back_up_as_their_own_types(env, aws):
    aurora = seed.create_aurora_cluster(env["rds"], "prod-aurora")
    point = seed.backup_and_wait(env["backup"], VAULT, aurora["DBClusterArn"], env["role"])
    assert env["backup"].describe_backup_job(BackupJobId=point.backup_job_id)["ResourceType"] == "Aurora"
