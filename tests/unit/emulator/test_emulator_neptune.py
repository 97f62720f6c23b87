"""Amazon Neptune backups and restores in the emulator, in-process: through the `neptune`
client, as a user of Neptune calls it (it shares RDS's API and endpoint)."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.emulator import seed

VAULT = "graph-vault"


@pytest.fixture
def env(aws):
    aws.configure(restore_job_seconds=0)
    backup, neptune = aws.client("backup"), aws.client("neptune")
    seed.create_vault(backup, VAULT)
    role = seed.ensure_backup_role(aws.client("iam"))
    cluster = seed.create_neptune_cluster(neptune, "prod-graph", Port=8183)
    point = seed.backup_and_wait(backup, VAULT, cluster["DBClusterArn"], role)
    return {"backup": backup, "neptune": neptune, "rds": aws.client("rds"), "role": role, "point": point}


def restore(env, **metadata: str) -> dict:
    job_id = env["backup"].start_restore_job(
        RecoveryPointArn=env["point"].recovery_point_arn, Metadata=metadata, IamRoleArn=env["role"]
    )["RestoreJobId"]
    return env["backup"].describe_restore_job(RestoreJobId=job_id)


def test_a_neptune_backup_is_a_cluster_snapshot_with_neptunes_restore_metadata(env):
    point = env["point"]
    assert env["backup"].describe_backup_job(BackupJobId=point.backup_job_id)["ResourceType"] == "Neptune"
    assert point.recovery_point_arn.startswith("arn:aws:rds:us-east-1:123456789012:cluster-snapshot:awsbackup:job-")
    answer = env["backup"].get_recovery_point_restore_metadata(BackupVaultName=VAULT, RecoveryPointArn=point.recovery_point_arn)
    metadata = answer["RestoreMetadata"]
    assert answer["ResourceType"] == "Neptune"
    assert (metadata["DBClusterIdentifier"], metadata["Engine"], metadata["Port"]) == ("prod-graph", "neptune", "8183")
    assert metadata["EnableIAMDatabaseAuthentication"] == "false" and "EngineMode" not in metadata
    assert not [k for k in metadata if "password" in k.lower()]


def test_a_neptune_restore_creates_the_cluster_without_instances(env):
    base = env["backup"].get_recovery_point_restore_metadata(BackupVaultName=VAULT, RecoveryPointArn=env["point"].recovery_point_arn)
    job = restore(env, **{**base["RestoreMetadata"], "DBClusterIdentifier": "graph-restored"})
    assert job["Status"] == "COMPLETED", job.get("StatusMessage")
    assert job["ResourceType"] == "Neptune" and job["CreatedResourceArn"] == "arn:aws:rds:us-east-1:123456789012:cluster:graph-restored"
    (restored,) = env["neptune"].describe_db_clusters(DBClusterIdentifier="graph-restored")["DBClusters"]
    assert restored["Engine"] == "neptune" and restored["DBClusterMembers"] == []
    assert env["rds"].describe_db_instances(Filters=[{"Name": "db-cluster-id", "Values": ["graph-restored"]}])["DBInstances"] == []


def test_a_neptune_restore_is_checked_as_documented(env):
    with pytest.raises(ClientError) as raised:
        restore(env, Engine="neptune")
    assert raised.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert restore(env, DBClusterIdentifier="prod-graph")["Status"] == "FAILED"
    job = restore(env, DBClusterIdentifier="graph-as-docdb", Engine="docdb")
    assert job["Status"] == "FAILED" and "not compatible" in job["StatusMessage"]


def test_inferred_metadata_for_neptune_is_restore_testings(env):
    inferred = env["backup"].get_restore_testing_inferred_metadata(
        BackupVaultName=VAULT, RecoveryPointArn=env["point"].recovery_point_arn
    )["InferredMetadata"]
    assert inferred["engine"] == "neptune" and inferred["dbClusterIdentifier"].startswith("awsbackup-restore-test-")
    assert json.loads(inferred["availabilityZones"])
