"""FSx backups and restores in the emulator, in-process: a recovery point is an FSx backup of the file
system; a restore creates a new file system of the backed-up type as CreateFileSystemFromBackup
does (SubnetIds required, configuration defaulting to the backed-up one, StorageCapacity rules);
DeleteFileSystem takes a final backup where FSx does by default."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.emulator import seed

SUBNET = "subnet-0123456789abcdef0"


@pytest.fixture
def env(aws):
    aws.configure(restore_job_seconds=0)
    backup, fsx = aws.client("backup"), aws.client("fsx")
    iam = aws.client("iam")

    class Points(dict):
        """Each type's recovery point, seeded when first asked for."""

        def __missing__(self, kind):
            self[kind] = seed.seed_fsx_recovery_point(backup, fsx, iam, kind, "fsx-vault", f"prod-{kind.lower()}")
            return self[kind]

    return backup, fsx, Points()


def restore(backup, point, metadata):
    job_id = backup.start_restore_job(RecoveryPointArn=point["recovery_point_arn"], IamRoleArn=point["iam_role_arn"], ResourceType="FSx",
                                      Metadata=metadata)["RestoreJobId"]  # fmt: skip
    return backup.describe_restore_job(RestoreJobId=job_id)


def file_system(fsx, arn):
    (found,) = fsx.describe_file_systems(FileSystemIds=[arn.rsplit("/", 1)[1]])["FileSystems"]
    return found


def test_an_fsx_recovery_point_is_an_fsx_backup_of_the_file_system(env):
    backup, fsx, points = env
    point = points["WINDOWS"]
    backup_id = point["recovery_point_arn"].rsplit("/", 1)[1]
    assert point["recovery_point_arn"] == f"arn:aws:fsx:us-east-1:123456789012:backup/{backup_id}"
    (described,) = fsx.describe_backups(BackupIds=[backup_id])["Backups"]
    assert (described["Type"], described["Lifecycle"]) == ("AWS_BACKUP", "AVAILABLE")
    assert (described["FileSystem"]["FileSystemId"], described["FileSystem"]["StorageCapacity"]) == (point["FileSystemId"], 32)
    metadata = backup.get_recovery_point_restore_metadata(BackupVaultName="fsx-vault", RecoveryPointArn=point["recovery_point_arn"])
    assert metadata["ResourceType"] == "FSx"
    assert metadata["RestoreMetadata"] == {
        "StorageCapacity": "32", "StorageType": "SSD", "SubnetIds": json.dumps([SUBNET]), "SecurityGroupIds": json.dumps(["sg-0123456789abcdef0"]),
        "WindowsConfiguration": json.dumps({"ActiveDirectoryId": "d-1234567890", "DeploymentType": "SINGLE_AZ_2", "ThroughputCapacity": 32}),
    }  # fmt: skip


@pytest.mark.parametrize("kind", ["LUSTRE", "WINDOWS", "OPENZFS"])
def test_a_restore_creates_a_new_file_system_of_the_backed_up_type(env, kind):
    backup, fsx, points = env
    job = restore(backup, points[kind], {"SubnetIds": json.dumps(["subnet-0fedcba9876543210"])})
    assert job["Status"] == "COMPLETED", job.get("StatusMessage")
    created = file_system(fsx, job["CreatedResourceArn"])
    assert created["FileSystemId"] != points[kind]["FileSystemId"]
    assert (created["FileSystemType"], created["Lifecycle"], created["SubnetIds"]) == (kind, "AVAILABLE", ["subnet-0fedcba9876543210"])
    assert created["StorageCapacity"] == seed.FSX_STORAGE_CAPACITY[kind]
    assert "Tags" not in created or not created["Tags"], "no tags unless CopySourceTagsToRestoredResource"


def test_a_windows_restore_keeps_the_backed_up_configuration_under_what_is_given(env):
    backup, fsx, points = env
    job = restore(backup, points["WINDOWS"], {"SubnetIds": json.dumps([SUBNET]), "WindowsConfiguration": json.dumps({"ActiveDirectoryId": "d-2222222222"})})
    windows = file_system(fsx, job["CreatedResourceArn"])["WindowsConfiguration"]
    assert (windows["ActiveDirectoryId"], windows["ThroughputCapacity"], windows["DeploymentType"]) == ("d-2222222222", 32, "SINGLE_AZ_2")


@pytest.mark.parametrize("kind, metadata, message", [
    ("LUSTRE", {}, "SubnetIds is required"),
    ("WINDOWS", {"SubnetIds": json.dumps([SUBNET, "subnet-0fedcba9876543210"])}, "takes exactly 1 subnet"),
    ("LUSTRE", {"SubnetIds": json.dumps([SUBNET]), "StorageCapacity": "2400"}, "StorageCapacity 2400 does not fit the backup's 1200 GiB"),
    ("OPENZFS", {"SubnetIds": json.dumps([SUBNET]), "StorageCapacity": "32"}, "StorageCapacity 32 does not fit the backup's 64 GiB"),
])  # fmt: skip
def test_a_restore_create_file_system_from_backup_refuses_fails_the_job(env, kind, metadata, message):
    backup, fsx, points = env
    point = points[kind]
    before = len(fsx.describe_file_systems()["FileSystems"])
    job = restore(backup, point, metadata)
    assert job["Status"] == "FAILED" and message in job["StatusMessage"], job.get("StatusMessage")
    assert "CreatedResourceArn" not in job and len(fsx.describe_file_systems()["FileSystems"]) == before


def test_openzfs_may_grow_its_storage_capacity(env):
    backup, fsx, points = env
    job = restore(backup, points["OPENZFS"], {"SubnetIds": json.dumps([SUBNET]), "StorageCapacity": "128"})
    assert file_system(fsx, job["CreatedResourceArn"])["StorageCapacity"] == 128


def test_malformed_metadata_is_refused_when_the_job_is_asked_for(env):
    backup, fsx, points = env
    point = points["WINDOWS"]
    for metadata in ({"SubnetIds": SUBNET}, {"SubnetIds": json.dumps([1])}, {"WindowsConfiguration": "[]"}, {"StorageCapacity": "big"}):
        with pytest.raises(ClientError, match="InvalidParameterValue"):
            restore(backup, point, metadata)
    assert backup.list_restore_jobs()["RestoreJobs"] == []


def test_inferred_metadata_lacks_what_restore_testing_needs_as_overrides(env):
    backup, fsx, points = env
    inferred = backup.get_restore_testing_inferred_metadata(BackupVaultName="fsx-vault", RecoveryPointArn=points["WINDOWS"]["recovery_point_arn"])
    assert inferred["InferredMetadata"] == {
        "StorageCapacity": "32", "WindowsConfiguration": json.dumps({"DeploymentType": "SINGLE_AZ_2", "ThroughputCapacity": 32})}


def test_delete_file_system_takes_a_final_backup_where_fsx_does(env):
    backup, fsx, points = env
    keys = {"WINDOWS": "WindowsConfiguration", "LUSTRE": "LustreConfiguration", "OPENZFS": "OpenZFSConfiguration"}
    for kind, configuration, final_backup in (
        ("WINDOWS", None, True), ("WINDOWS", {"SkipFinalBackup": True}, False),
        ("OPENZFS", None, True), ("OPENZFS", {"SkipFinalBackup": True, "Options": ["DELETE_CHILD_VOLUMES_AND_SNAPSHOTS"]}, False),
        ("LUSTRE", None, False), ("LUSTRE", {"SkipFinalBackup": False}, True),
    ):  # fmt: skip
        created = seed.create_fsx_file_system(fsx, kind, f"scratch-{kind.lower()}")
        before = len(fsx.describe_backups()["Backups"])
        fsx.delete_file_system(FileSystemId=created["FileSystemId"], **({keys[kind]: configuration} if configuration else {}))
        assert len(fsx.describe_backups()["Backups"]) == before + (1 if final_backup else 0), (kind, configuration)
        assert created["FileSystemId"] not in [f["FileSystemId"] for f in fsx.describe_file_systems()["FileSystems"]]


def test_an_ontap_recovery_point_is_a_backup_of_the_volume_and_its_restore_a_volume_in_the_svm(aws):
    aws.configure(restore_job_seconds=0)
    backup, fsx = aws.client("backup"), aws.client("fsx")
    point = seed.seed_fsx_ontap_recovery_point(backup, fsx, aws.client("iam"), "fsx-vault")
    (described,) = fsx.describe_backups(BackupIds=[point["recovery_point_arn"].rsplit("/", 1)[1]])["Backups"]
    assert (described["Type"], described["ResourceType"], described["Volume"]["VolumeId"]) == ("AWS_BACKUP", "VOLUME", point["VolumeId"])
    metadata = backup.get_recovery_point_restore_metadata(BackupVaultName="fsx-vault", RecoveryPointArn=point["recovery_point_arn"])["RestoreMetadata"]
    svm = point["StorageVirtualMachineId"]
    configuration = {"JunctionPath": "/prod_data", "SizeInMegabytes": 10240, "StorageVirtualMachineId": svm}
    assert metadata == {"Name": "prod_data", "OntapConfiguration": json.dumps(configuration)}
    inferred = backup.get_restore_testing_inferred_metadata(BackupVaultName="fsx-vault", RecoveryPointArn=point["recovery_point_arn"])
    assert "storagevirtualmachineid" not in inferred["InferredMetadata"]["OntapConfiguration"].lower(), "an override restore testing needs"

    # The same name in the same storage virtual machine fails the job; another name restores a volume there.
    taken = restore(backup, point, metadata)
    assert taken["Status"] == "FAILED" and "already exists" in taken["StatusMessage"]
    unknown = restore(backup, point, {"Name": "data_x", "OntapConfiguration": json.dumps({"StorageVirtualMachineId": "svm-0123456789abcdef0"})})
    assert unknown["Status"] == "FAILED" and "does not exist" in unknown["StatusMessage"]
    job = restore(backup, point, {"Name": "data_copy", "OntapConfiguration": json.dumps({"JunctionPath": "/data_copy"})})
    assert job["Status"] == "COMPLETED", job.get("StatusMessage")
    (volume,) = fsx.describe_volumes(VolumeIds=[job["CreatedResourceArn"].rsplit("/", 1)[1]])["Volumes"]
    assert (volume["Name"], volume["Lifecycle"], volume["VolumeType"]) == ("data_copy", "CREATED", "ONTAP")
    assert volume["OntapConfiguration"] == {"JunctionPath": "/data_copy", "SizeInMegabytes": 10240, "StorageVirtualMachineId": svm}
    assert job["CreatedResourceArn"] == f"arn:aws:fsx:us-east-1:123456789012:volume/{point['FileSystemId']}/{volume['VolumeId']}"

    # DeleteVolume takes a final backup unless OntapConfiguration.SkipFinalBackup is true.
    backups = len(fsx.describe_backups()["Backups"])
    fsx.delete_volume(VolumeId=volume["VolumeId"], OntapConfiguration={"SkipFinalBackup": True})
    assert len(fsx.describe_backups()["Backups"]) == backups
    answer = fsx.delete_volume(VolumeId=point["VolumeId"])
    assert len(fsx.describe_backups()["Backups"]) == backups + 1 and answer["OntapResponse"]["FinalBackupId"]
    with pytest.raises(ClientError, match="VolumeNotFound"):
        fsx.describe_volumes(VolumeIds=[point["VolumeId"]])
