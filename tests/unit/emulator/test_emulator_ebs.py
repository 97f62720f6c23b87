"""EBS backups and restores in the emulator, in-process: a recovery point is an EBS snapshot, a
restore creates a new volume from it with the restore metadata as the developer guide documents."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.emulator import seed


@pytest.fixture
def env(aws):
    aws.configure(restore_job_seconds=0)
    backup, ec2 = aws.client("backup"), aws.client("ec2")
    role = seed.ensure_backup_role(aws.client("iam"))
    point = seed.seed_ebs_recovery_point(backup, ec2, "ebs-vault", role, name="prod-data")
    return backup, ec2, role, point


def restore(backup, role, point, metadata):
    job_id = backup.start_restore_job(RecoveryPointArn=point["recovery_point_arn"], IamRoleArn=role, ResourceType="EBS",
                                      Metadata=metadata)["RestoreJobId"]  # fmt: skip
    return backup.describe_restore_job(RestoreJobId=job_id)


def test_ebs_recovery_point_is_a_snapshot_of_the_volume(env):
    backup, ec2, role, point = env
    snapshot_id = point["recovery_point_arn"].rsplit("/", 1)[1]
    assert point["recovery_point_arn"] == f"arn:aws:ec2:us-east-1::snapshot/{snapshot_id}"
    (snapshot,) = ec2.describe_snapshots(SnapshotIds=[snapshot_id])["Snapshots"]
    assert snapshot["VolumeId"] == point["VolumeId"] and snapshot["VolumeSize"] == 8
    metadata = backup.get_recovery_point_restore_metadata(BackupVaultName="ebs-vault", RecoveryPointArn=point["recovery_point_arn"])
    assert metadata["ResourceType"] == "EBS"
    assert metadata["RestoreMetadata"] == {"availabilityZone": "us-east-1a", "encrypted": "false", "volumeType": "gp3",
                                           "volumeSize": "8", "iops": "3000"}  # fmt: skip


def test_ebs_restore_creates_a_new_volume_from_the_snapshot(env):
    backup, ec2, role, point = env
    job = restore(backup, role, point, {"availabilityZone": "us-east-1b", "volumeType": "gp2", "volumeSize": "10"})
    assert job["Status"] == "COMPLETED", job.get("StatusMessage")
    volume_id = job["CreatedResourceArn"].rsplit("/", 1)[1]
    assert job["CreatedResourceArn"] == f"arn:aws:ec2:us-east-1:123456789012:volume/{volume_id}"
    assert volume_id != point["VolumeId"]
    (volume,) = ec2.describe_volumes(VolumeIds=[volume_id])["Volumes"]
    assert (volume["AvailabilityZone"], volume["VolumeType"], volume["Size"], volume["State"]) == ("us-east-1b", "gp2", 10, "available")
    assert volume["SnapshotId"] == point["recovery_point_arn"].rsplit("/", 1)[1]
    assert [v["VolumeId"] for v in ec2.describe_volumes()["Volumes"]].count(point["VolumeId"]) == 1  # the source is untouched


def test_ebs_restore_smaller_than_the_snapshot_fails_the_job(env):
    backup, ec2, role, point = env
    job = restore(backup, role, point, {"volumeSize": "4"})
    assert job["Status"] == "FAILED" and "smaller than snapshot" in job["StatusMessage"]
    assert "CreatedResourceArn" not in job


@pytest.mark.parametrize("metadata", [
    {"encrypted": "maybe"},
    {"encrypted": "false", "kmsKeyId": "alias/aws/ebs"},
    {"volumeSize": "ten"},
    {"volumeType": "gp9"},
])  # fmt: skip
def test_bad_ebs_metadata_is_refused_before_a_job_starts(env, metadata):
    backup, ec2, role, point = env
    with pytest.raises(ClientError) as error:
        restore(backup, role, point, metadata)
    assert error.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert backup.list_restore_jobs()["RestoreJobs"] == []


def test_ebs_inferred_metadata_is_a_random_zone_and_encrypted(env):
    backup, ec2, role, point = env
    inferred = backup.get_restore_testing_inferred_metadata(BackupVaultName="ebs-vault", RecoveryPointArn=point["recovery_point_arn"])
    assert inferred["InferredMetadata"]["encrypted"] == "true"
    assert inferred["InferredMetadata"]["availabilityZone"] in ("us-east-1a", "us-east-1b", "us-east-1c")
