"""RDS and Aurora backups and restores in the emulator, in-process."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.emulator import seed


@pytest.fixture
def env(aws):
    aws.configure(restore_job_seconds=0)
    backup, rds = aws.client("backup"), aws.client("rds")
    seed.create_vault(backup, "db-vault")
    role = seed.ensure_backup_role(aws.client("iam"))
    return backup, rds, role


def test_rds_recovery_point_is_an_awsbackup_snapshot(env):
    backup, rds, role = env
    db = seed.create_rds_instance(rds, "prod-db", Port=5433, MultiAZ=False)
    result = seed.backup_and_wait(backup, "db-vault", db["DBInstanceArn"], role)
    job = backup.describe_backup_job(BackupJobId=result.backup_job_id)
    assert result.recovery_point_arn == (
        f"arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-{result.backup_job_id.lower()}"
    )
    assert job["ResourceType"] == "RDS"
    snapshots = rds.describe_db_snapshots(DBInstanceIdentifier="prod-db", SnapshotType="awsbackup")["DBSnapshots"]
    assert [s["DBSnapshotArn"] for s in snapshots] == [result.recovery_point_arn]
    metadata = backup.get_recovery_point_restore_metadata(
        BackupVaultName="db-vault", RecoveryPointArn=result.recovery_point_arn
    )
    assert metadata["ResourceType"] == "RDS"
    restore_metadata = metadata["RestoreMetadata"]
    assert restore_metadata["DBInstanceIdentifier"] == "prod-db"
    assert restore_metadata["Engine"] == "postgres"
    assert restore_metadata["DBInstanceClass"] == "db.t3.micro"
    assert restore_metadata["Port"] == "5433"
    assert restore_metadata["MultiAZ"] == "false"
    assert restore_metadata["VpcSecurityGroupIds"].startswith("[")


def test_rds_restore_creates_named_instance(env):
    backup, rds, role = env
    db = seed.create_rds_instance(rds, "prod-db", DBInstanceClass="db.m5.large")
    point = seed.backup_and_wait(backup, "db-vault", db["DBInstanceArn"], role).recovery_point_arn
    job_id = backup.start_restore_job(
        RecoveryPointArn=point, Metadata={"DBInstanceIdentifier": "prod-db-restored"}, IamRoleArn=role
    )["RestoreJobId"]
    job = backup.describe_restore_job(RestoreJobId=job_id)
    assert job["Status"] == "COMPLETED", job.get("StatusMessage")
    assert job["CreatedResourceArn"] == "arn:aws:rds:us-east-1:123456789012:db:prod-db-restored"
    restored = rds.describe_db_instances(DBInstanceIdentifier="prod-db-restored")["DBInstances"][0]
    assert restored["DBInstanceClass"] == "db.m5.large"
    assert restored["Engine"] == "postgres"


def test_rds_restore_onto_existing_identifier_fails_the_job(env):
    backup, rds, role = env
    db = seed.create_rds_instance(rds, "prod-db")
    point = seed.backup_and_wait(backup, "db-vault", db["DBInstanceArn"], role).recovery_point_arn
    job_id = backup.start_restore_job(RecoveryPointArn=point, Metadata={"DBInstanceIdentifier": "prod-db"})[
        "RestoreJobId"
    ]
    job = backup.describe_restore_job(RestoreJobId=job_id)
    assert job["Status"] == "FAILED"
    assert "already exists" in job["StatusMessage"]
    assert "CreatedResourceArn" not in job
    assert [j["RestoreJobId"] for j in backup.list_restore_jobs(ByStatus="FAILED")["RestoreJobs"]] == [job_id]


def test_aurora_restore_creates_only_the_cluster(env):
    backup, rds, role = env
    cluster = seed.create_aurora_cluster(rds, "prod-aurora")
    result = seed.backup_and_wait(backup, "db-vault", cluster["DBClusterArn"], role)
    assert result.recovery_point_arn == (
        f"arn:aws:rds:us-east-1:123456789012:cluster-snapshot:awsbackup:job-{result.backup_job_id.lower()}"
    )
    point = backup.describe_recovery_point(BackupVaultName="db-vault", RecoveryPointArn=result.recovery_point_arn)
    assert point["ResourceType"] == "Aurora"
    metadata = backup.get_recovery_point_restore_metadata(
        BackupVaultName="db-vault", RecoveryPointArn=result.recovery_point_arn
    )["RestoreMetadata"]
    assert metadata["DBClusterIdentifier"] == "prod-aurora"
    assert metadata["Engine"] == "aurora-postgresql"
    instances_before = len(rds.describe_db_instances()["DBInstances"])
    job_id = backup.start_restore_job(
        RecoveryPointArn=result.recovery_point_arn, Metadata={**metadata, "DBClusterIdentifier": "aurora-restored"}
    )["RestoreJobId"]
    job = backup.describe_restore_job(RestoreJobId=job_id)
    assert job["Status"] == "COMPLETED", job.get("StatusMessage")
    assert job["ResourceType"] == "Aurora"
    assert job["CreatedResourceArn"] == "arn:aws:rds:us-east-1:123456789012:cluster:aurora-restored"
    restored = rds.describe_db_clusters(DBClusterIdentifier="aurora-restored")["DBClusters"][0]
    assert restored["Engine"] == "aurora-postgresql"
    assert restored["DBClusterMembers"] == []
    assert len(rds.describe_db_instances()["DBInstances"]) == instances_before


def test_aurora_restore_onto_existing_cluster_fails_the_job(env):
    backup, rds, role = env
    cluster = seed.create_aurora_cluster(rds, "prod-aurora")
    point = seed.backup_and_wait(backup, "db-vault", cluster["DBClusterArn"], role).recovery_point_arn
    job_id = backup.start_restore_job(RecoveryPointArn=point, Metadata={"DBClusterIdentifier": "prod-aurora"})[
        "RestoreJobId"
    ]
    job = backup.describe_restore_job(RestoreJobId=job_id)
    assert job["Status"] == "FAILED"
    assert "prod-aurora" in job["StatusMessage"]


@pytest.mark.parametrize("metadata", [{}, {"DBInstanceIdentifier": "1-bad"}, {"DBInstanceIdentifier": "a--b"}, {"DBInstanceIdentifier": "ok", "Port": "x"}])
def test_bad_rds_metadata_is_rejected_before_a_job_starts(env, metadata):
    backup, rds, role = env
    db = seed.create_rds_instance(rds, "prod-db")
    point = seed.backup_and_wait(backup, "db-vault", db["DBInstanceArn"], role).recovery_point_arn
    with pytest.raises(ClientError) as error:
        backup.start_restore_job(RecoveryPointArn=point, Metadata=metadata)
    assert error.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert backup.list_restore_jobs()["RestoreJobs"] == []


def test_backup_of_missing_database(env):
    backup, rds, role = env
    with pytest.raises(ClientError) as error:
        backup.start_backup_job(
            BackupVaultName="db-vault", ResourceArn="arn:aws:rds:us-east-1:123456789012:db:nope", IamRoleArn=role
        )
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_an_aurora_cluster_restored_again_under_a_deleted_clusters_name_completes(env):
    # A drill restores, deletes, and restores the same identifier again within a minute. AWS
    # removes a deleted cluster's automated backups by default (DeleteAutomatedBackups), so
    # nothing is left to collide with the new cluster's.
    backup, rds, role = env
    cluster = seed.create_aurora_cluster(rds, "prod-aurora")
    point = seed.backup_and_wait(backup, "db-vault", cluster["DBClusterArn"], role).recovery_point_arn
    metadata = backup.get_recovery_point_restore_metadata(BackupVaultName="db-vault", RecoveryPointArn=point)["RestoreMetadata"]
    for attempt in range(2):
        job_id = backup.start_restore_job(RecoveryPointArn=point, Metadata={**metadata, "DBClusterIdentifier": "drill-aurora"})["RestoreJobId"]
        job = backup.describe_restore_job(RestoreJobId=job_id)
        assert job["Status"] == "COMPLETED", (attempt, job.get("StatusMessage"))
        automated = rds.describe_db_cluster_snapshots(DBClusterIdentifier="drill-aurora", SnapshotType="automated")["DBClusterSnapshots"]
        assert len(automated) == 1
        rds.delete_db_cluster(DBClusterIdentifier="drill-aurora", SkipFinalSnapshot=True)
        assert rds.describe_db_cluster_snapshots(DBClusterIdentifier="drill-aurora", SnapshotType="automated")["DBClusterSnapshots"] == []
    # The source cluster's automated backup is untouched.
    assert rds.describe_db_cluster_snapshots(DBClusterIdentifier="prod-aurora", SnapshotType="automated")["DBClusterSnapshots"]
