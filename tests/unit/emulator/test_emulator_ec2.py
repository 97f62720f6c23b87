"""EC2 backups and restores in the emulator, in-process: a recovery point is an AMI with
snapshots of the data volumes; a restore creates an AMI (with its snapshot), an instance and its
root and data volumes, as the developer guide's EC2 page says."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.emulator import seed


@pytest.fixture
def env(aws):
    aws.configure(restore_job_seconds=0)
    backup, ec2 = aws.client("backup"), aws.client("ec2")
    role = seed.ensure_backup_role(aws.client("iam"))
    point = seed.seed_ec2_recovery_point(backup, ec2, "ec2-vault", role, name="prod-app")
    return backup, ec2, role, point


def test_ec2_recovery_point_is_an_ami_with_the_instance_configuration(env):
    backup, ec2, role, point = env
    image_id = point["recovery_point_arn"].rsplit("/", 1)[1]
    assert point["recovery_point_arn"] == f"arn:aws:ec2:us-east-1::image/{image_id}"
    assert ec2.describe_images(ImageIds=[image_id])["Images"]
    metadata = backup.get_recovery_point_restore_metadata(BackupVaultName="ec2-vault", RecoveryPointArn=point["recovery_point_arn"])
    assert metadata["ResourceType"] == "EC2"
    restore_metadata = metadata["RestoreMetadata"]
    assert restore_metadata["InstanceType"] == "t3.micro" and json.loads(restore_metadata["Placement"])["AvailabilityZone"] == "us-east-1a"
    assert json.loads(restore_metadata["SecurityGroupIds"]) == [] and restore_metadata["RequireIMDSv2"] == "false"


def test_ec2_restore_creates_an_ami_an_instance_and_its_volumes(env):
    backup, ec2, role, point = env
    images_before = {i["ImageId"] for i in ec2.describe_images(Owners=["self"])["Images"]}
    job_id = backup.start_restore_job(RecoveryPointArn=point["recovery_point_arn"], IamRoleArn=role, ResourceType="EC2",
                                      Metadata={"InstanceType": "t3.small", "RequireIMDSv2": "true"})["RestoreJobId"]  # fmt: skip
    job = backup.describe_restore_job(RestoreJobId=job_id)
    assert job["Status"] == "COMPLETED", job.get("StatusMessage")
    instance_id = job["CreatedResourceArn"].rsplit("/", 1)[1]
    assert job["CreatedResourceArn"] == f"arn:aws:ec2:us-east-1:123456789012:instance/{instance_id}"
    (instance,) = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"]
    assert instance["State"]["Name"] == "running" and instance["InstanceType"] == "t3.small"
    assert instance["MetadataOptions"]["HttpTokens"] == "required"
    new_images = {i["ImageId"] for i in ec2.describe_images(Owners=["self"])["Images"]} - images_before
    assert new_images == {instance["ImageId"]}, "the instance is launched from an AMI the restore made"
    devices = {m["DeviceName"]: m["Ebs"] for m in instance["BlockDeviceMappings"]}
    assert set(devices) == {"/dev/sda1", "/dev/sdf"} and devices["/dev/sda1"]["DeleteOnTermination"] is True
    assert devices["/dev/sdf"]["DeleteOnTermination"] is False, "the data volume keeps the backed-up DeleteOnTermination"
    (data,) = ec2.describe_volumes(VolumeIds=[devices["/dev/sdf"]["VolumeId"]])["Volumes"]
    assert data["Size"] == 20 and data["VolumeId"] != point["DataVolumeId"]


@pytest.mark.parametrize("metadata", [
    {"RequireIMDSv2": "maybe"},
    {"SecurityGroupIds": "{\"a\": 1}"},
    {"IamInstanceProfileName": "admin"},
])  # fmt: skip
def test_bad_ec2_metadata_is_refused_before_a_job_starts(env, metadata):
    backup, ec2, role, point = env
    with pytest.raises(ClientError) as error:
        backup.start_restore_job(RecoveryPointArn=point["recovery_point_arn"], IamRoleArn=role, ResourceType="EC2", Metadata=metadata)
    assert error.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert backup.list_restore_jobs()["RestoreJobs"] == []


def test_ec2_inferred_metadata_as_documented(env):
    backup, ec2, role, point = env
    inferred = backup.get_restore_testing_inferred_metadata(BackupVaultName="ec2-vault", RecoveryPointArn=point["recovery_point_arn"])
    assert inferred["InferredMetadata"] == {"disableApiTermination": "false", "instanceType": "t3.micro", "requiredImdsV2": "true"}
