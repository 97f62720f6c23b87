"""The FSx driver: restore metadata rules (ids, capacity, one configuration object, ONTAP's storage
virtual machine), configuration objects merged over the recovery point's, name and target rules
(file_system_type, ONTAP refused by the role), ARNs, validation against the backup, and on the
in-process emulator a restored file system marked, validated and deleted by ownership without a
final backup left behind."""

from __future__ import annotations

import json

import pytest

from ansible_collections.recovery.aws_backup.plugins.module_utils import drivers
from ansible_collections.recovery.aws_backup.plugins.module_utils import restored_resource as rr
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import InputError
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import mask_metadata
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import prepare_metadata
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import sensitive_values
from ansible_collections.recovery.aws_backup.plugins.module_utils import restore_module as rm
from tests.emulator import seed
from tests.unit.test_drivers import clients_of
from tests.unit.test_restored_resource import FakeTime

FSX = drivers.driver_for("FSx")
RUN = "drill-2026-12-04"
SUBNET, GROUP, SVM = "subnet-0123456789abcdef0", "sg-0123456789abcdef0", "svm-0123456789abcdef0"


def test_the_driver_is_registered_and_reads_file_system_arns_only():
    assert drivers.driver_for("fsx") is FSX and "FSx" in drivers.RESOURCE_TYPES
    driver, ref = drivers.driver_for_arn("arn:aws:fsx:us-east-1:123456789012:file-system/fs-0123456789abcdef0")
    assert driver is FSX and (ref.kind, ref.identifier) == ("fsx-file-system", "fs-0123456789abcdef0")
    driver, ref = drivers.driver_for_arn("arn:aws:fsx:us-east-1:123456789012:volume/fs-0123456789abcdef0/fsvol-0123456789abcdef012")
    assert driver is FSX and (ref.kind, ref.identifier) == ("fsx-volume", "fsvol-0123456789abcdef012")
    for arn in ("arn:aws:fsx:us-east-1:123456789012:backup/backup-0123456789abcdef0",
                "arn:aws:fsx:us-east-1:123456789012:storage-virtual-machine/fs-0123456789abcdef0/svm-0123456789abcdef012",
                "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0123abcd"):  # fmt: skip
        assert FSX.parse_arn(arn) is None


def test_good_metadata_is_normalised():
    given = {"SubnetIds": [SUBNET], "securityGroupIds": [GROUP], "StorageCapacity": 64, "StorageType": "SSD",
             "WindowsConfiguration": {"ActiveDirectoryId": "d-0123456789", "ThroughputCapacity": 32}}  # fmt: skip
    checked = prepare_metadata(given, FSX)
    assert checked["SubnetIds"] == json.dumps([SUBNET], separators=(",", ":")) and checked["StorageCapacity"] == "64"
    assert json.loads(checked["WindowsConfiguration"]) == {"ActiveDirectoryId": "d-0123456789", "ThroughputCapacity": 32}
    ontap = prepare_metadata({"Name": "vol1", "OntapConfiguration": {"StorageVirtualMachineId": SVM, "JunctionPath": "/vol1"}}, FSX)
    assert json.loads(ontap["OntapConfiguration"])["StorageVirtualMachineId"] == SVM


@pytest.mark.parametrize("metadata, named", [
    ({"SubnetIds": SUBNET}, "metadata.SubnetIds must be a list of subnet ids"),
    ({"SubnetIds": ["subnet-x"]}, "metadata.SubnetIds must be a list of subnet ids"),
    ({"SubnetIds": []}, "metadata.SubnetIds must be a list of subnet ids"),
    ({"SecurityGroupIds": [SUBNET]}, "metadata.SecurityGroupIds must be a list of security group ids"),
    ({"StorageCapacity": "lots"}, "metadata.StorageCapacity must be a whole number of GiB"),
    ({"StorageType": "NVME"}, "metadata.StorageType must be one of SSD, HDD, INTELLIGENT_TIERING"),
    ({"WindowsConfiguration": "d-0123456789"}, "metadata.WindowsConfiguration must be an object of WindowsConfiguration settings"),
    ({"WindowsConfiguration": {"ActiveDirectoryId": "corp"}}, "metadata.WindowsConfiguration.ActiveDirectoryId must be a directory id"),
    ({"LustreConfiguration": {}, "OpenZFSConfiguration": {}}, "metadata gives LustreConfiguration and OpenZFSConfiguration"),
    ({"OntapConfiguration": {"JunctionPath": "/vol1"}}, "metadata.OntapConfiguration.StorageVirtualMachineId is required"),
])  # fmt: skip
def test_bad_metadata_is_refused_naming_the_key(metadata, named):
    with pytest.raises(InputError, match=named.replace(".", r"\.")):
        prepare_metadata(metadata, FSX)


def test_a_configuration_object_is_merged_over_the_recovery_points():
    backed_up = json.dumps({"ActiveDirectoryId": "d-1111111111", "ThroughputCapacity": 32, "DeploymentType": "SINGLE_AZ_2"})
    merged = json.loads(FSX.merged_value("windowsconfiguration", backed_up, json.dumps({"activeDirectoryId": "d-2222222222"})))
    assert merged == {"activeDirectoryId": "d-2222222222", "ThroughputCapacity": 32, "DeploymentType": "SINGLE_AZ_2"}
    selfmanaged = {"SelfManagedActiveDirectoryConfiguration": {"DomainName": "corp.example.com", "DnsIps": ["10.0.0.1"]}}
    merged = json.loads(FSX.merged_value("WindowsConfiguration", backed_up, json.dumps(selfmanaged)))
    assert merged == {**selfmanaged, "ThroughputCapacity": 32, "DeploymentType": "SINGLE_AZ_2"}, "one Active Directory, the one given"
    assert FSX.merged_value("SubnetIds", json.dumps([SUBNET]), "[]") == "[]"  # other keys are replaced
    assert drivers.driver_for("EFS").merged_value("PerformanceMode", "maxIO", "generalPurpose") == "generalPurpose"


def test_the_module_merges_a_given_configuration_over_the_recovery_points():
    point = "arn:aws:fsx:us-east-1:123456789012:backup/backup-0123456789abcdef0"
    base = {"SubnetIds": json.dumps([SUBNET]), "WindowsConfiguration": json.dumps({"ActiveDirectoryId": "d-1111111111", "ThroughputCapacity": 32})}
    checked = rm.check_input({"recovery_point_arn": point, "backup_vault_name": "fsx-vault", "resource_type": "FSx",
                              "metadata": {"windowsconfiguration": {"ActiveDirectoryId": "d-2222222222"}, "SubnetIds": ["subnet-0fedcba9876543210"]}})
    final = rm.final_metadata(rm.Source(point, base_metadata=base, resource_type="FSx"), checked)
    assert json.loads(final["windowsconfiguration"]) == {"ActiveDirectoryId": "d-2222222222", "ThroughputCapacity": 32}
    assert json.loads(final["SubnetIds"]) == ["subnet-0fedcba9876543210"] and "WindowsConfiguration" not in final


def test_a_self_managed_directory_password_is_never_shown():
    metadata = {"WindowsConfiguration": json.dumps({"SelfManagedActiveDirectoryConfiguration": {"UserName": "admin", "Password": "hunter2-secret"}})}
    assert "hunter2-secret" not in json.dumps(mask_metadata(metadata)) and "hunter2-secret" in sensitive_values(metadata)


def test_target_rules_name_the_field():
    assert FSX.check_target("files-drill", {"file_system_type": "LUSTRE", "backup_vault_name": "v"}) == []
    assert FSX.check_target("files-drill", {"backup_vault_name": "v"}) == [
        "file_system_type is required for FSx: one of LUSTRE, WINDOWS, OPENZFS, ONTAP"]
    (ontap,) = FSX.check_target("files_drill", {"file_system_type": "ONTAP", "backup_vault_name": "v"})
    assert ontap.startswith("storage_virtual_machine_id is required for file_system_type ONTAP")
    ontap_target = {"file_system_type": "ONTAP", "backup_vault_name": "v", "storage_virtual_machine_id": SVM}
    assert FSX.check_target("files_drill", ontap_target) == []
    assert "not a valid FSx for ONTAP volume name" in FSX.check_target("files-drill", ontap_target)[0]
    assert FSX.check_target("files_drill", {**ontap_target, "subnet_ids": [SUBNET]}) == [
        "subnet_ids is not supported for file_system_type ONTAP (a volume is restored in an existing file system)"]
    assert FSX.check_target("files_drill", {**ontap_target, "metadata": {"name": "other"}})[0].startswith("metadata.name is 'other'")
    assert FSX.check_target("files-drill", {"file_system_type": "LUSTRE", "backup_vault_name": "v", "storage_virtual_machine_id": SVM}) == [
        "storage_virtual_machine_id is only supported for file_system_type ONTAP"]
    assert FSX.restore_metadata("files_drill", ontap_target) == {
        "Name": "files_drill", "OntapConfiguration": {"JunctionPath": "/files_drill", "StorageVirtualMachineId": SVM}}
    settings = FSX.usable_settings("files_drill", ontap_target, None)
    assert FSX.new_identifiers("files_drill", settings) == [("fsx-volume-name", "files_drill")]
    assert FSX.check_target("files-drill", {"file_system_type": "LUSTRE", "backup_vault_name": "v", "active_directory_id": "d-0123456789"}) == [
        "active_directory_id is only supported for file_system_type WINDOWS"]
    assert FSX.check_target("files-drill", {"file_system_type": "LUSTRE", "backup_vault_name": "v", "subnet_ids": [SUBNET, SUBNET]}) == [
        "subnet_ids of an FSx for Lustre file system must be exactly one subnet, got 2"]
    assert "subnet_ids must be subnet ids" in FSX.check_target("f", {"file_system_type": "WINDOWS", "backup_vault_name": "v", "subnet_ids": ["s1"]})[0]
    assert FSX.check_target("files-drill", {"file_system_type": "OPENZFS"})[0].startswith("subnet_ids is required for FSx without backup_vault_name")
    assert FSX.check_target("files-drill", {"file_system_type": "OPENZFS", "subnet_ids": [SUBNET]}) == []
    assert "at most 256" in FSX.check_target("x" * 257, {"file_system_type": "LUSTRE", "backup_vault_name": "v"})[0]
    assert "cannot be an FSx Name tag" in FSX.check_target("files#1", {"file_system_type": "LUSTRE", "backup_vault_name": "v"})[0]
    target = {"file_system_type": "WINDOWS", "subnet_ids": [SUBNET], "security_group_ids": [GROUP], "active_directory_id": "d-0123456789"}
    assert FSX.restore_metadata("files-drill", target) == {
        "SubnetIds": [SUBNET], "SecurityGroupIds": [GROUP], "WindowsConfiguration": {"ActiveDirectoryId": "d-0123456789"}}
    assert FSX.expected("files-drill", target, {}) == {"file_system_type": "WINDOWS", "subnet_ids": [SUBNET], "active_directory_id": "d-0123456789"}
    assert FSX.new_identifiers("files-drill", FSX.usable_settings("files-drill", target, None)) == [("fsx-file-system-name", "files-drill")]


def test_a_volumes_validation_reads_lifecycle_name_svm_and_size_against_the_backup():
    good = {"volume_id": "fsvol-0123456789abcdef012", "lifecycle": "CREATED", "volume_type": "ONTAP", "name": "v1",
            "storage_virtual_machine_id": SVM, "size_in_megabytes": 2048, "backup_size_in_megabytes": 2048}  # fmt: skip
    wanted = {"name": "v1", "storage_virtual_machine_id": SVM}
    assert FSX.validate(good, wanted) == []
    assert FSX.validate({**good, "size_in_megabytes": 1024}, wanted) == ["size_in_megabytes is 1024, the backed-up volume had 2048"]
    assert FSX.validate({**good, "lifecycle": "CREATING"}, wanted) == ["lifecycle is 'CREATING', expected one of CREATED, AVAILABLE"]
    assert FSX.validate({**good, "storage_virtual_machine_id": "svm-other"}, wanted) == [
        f"storage_virtual_machine_id is 'svm-other', expected {SVM!r}"]


def test_validation_reads_lifecycle_type_and_capacity_against_the_backup():
    good = {"lifecycle": "AVAILABLE", "file_system_type": "LUSTRE", "storage_capacity": 1200,
            "backup_file_system_type": "LUSTRE", "backup_storage_capacity": 1200}  # fmt: skip
    assert FSX.validate(good, {"file_system_type": "LUSTRE"}) == []
    assert FSX.validate({**good, "storage_capacity": 2400}, {}) == ["storage_capacity is 2400 GiB, the backup recorded 1200 GiB"]
    zfs = {**good, "file_system_type": "OPENZFS", "backup_file_system_type": "OPENZFS", "storage_capacity": 128, "backup_storage_capacity": 64}
    assert FSX.validate(zfs, {}) == []  # OpenZFS may grow
    assert FSX.validate({**zfs, "storage_capacity": 32}, {}) == ["storage_capacity is 32 GiB, the backup recorded 64 GiB"]
    assert FSX.validate({**good, "lifecycle": "CREATING"}, {}) == ["lifecycle is 'CREATING', expected 'AVAILABLE'"]
    assert FSX.validate(good, {"file_system_type": "WINDOWS"}) == ["file_system_type is 'LUSTRE', expected 'WINDOWS'"]
    assert FSX.validate(good, {"subnet_ids": [SUBNET]}) == [f"subnet_ids is None, expected [{SUBNET!r}]"]


@pytest.fixture
def env(aws):
    aws.configure(restore_job_seconds=0)
    backup, fsx = aws.client("backup"), aws.client("fsx")
    point = seed.seed_fsx_recovery_point(backup, fsx, aws.client("iam"), "WINDOWS", "fsx-vault", "prod-files")
    return {"aws": aws, "backup": backup, "fsx": fsx, "point": point, "client_for": clients_of(aws)}


def restore(env, metadata):
    base = env["backup"].get_recovery_point_restore_metadata(BackupVaultName="fsx-vault", RecoveryPointArn=env["point"]["recovery_point_arn"])
    job_id = env["backup"].start_restore_job(RecoveryPointArn=env["point"]["recovery_point_arn"], IamRoleArn=env["point"]["iam_role_arn"],
                                             Metadata={**base["RestoreMetadata"], **metadata})["RestoreJobId"]  # fmt: skip
    return env["backup"].describe_restore_job(RestoreJobId=job_id)


def backup_ids(env):
    return sorted(b["BackupId"] for b in env["fsx"].describe_backups()["Backups"])


def test_a_restored_file_system_is_marked_validated_and_deleted_by_ownership(env):
    before = backup_ids(env)
    job = restore(env, {"WindowsConfiguration": json.dumps({"ActiveDirectoryId": "d-2222222222", "ThroughputCapacity": 32})})
    assert job["Status"] == "COMPLETED", job.get("StatusMessage")
    target = {"file_system_type": "WINDOWS", "active_directory_id": "d-2222222222"}
    settings = FSX.usable_settings("files-drill", target, env["point"]["recovery_point_arn"])
    wanted = [rr.Wanted("files-drill", job["RestoreJobId"], settings, FSX.expected("files-drill", target, {}))]
    fake = FakeTime()
    (result,) = rr.make_present(env["client_for"], RUN, wanted, wait_until_usable=True, **fake.kwargs())
    assert result["status"] == "marked" and result["validation"] == "passed", result
    assert (result["facts"]["backup_storage_capacity"], result["facts"]["backup_file_system_type"]) == (32, "WINDOWS")
    assert result["facts"]["active_directory_id"] == "d-2222222222"
    tags = {t["Key"]: t["Value"] for t in env["fsx"].list_tags_for_resource(ResourceARN=job["CreatedResourceArn"])["Tags"]}
    assert tags[rr.RUN_TAG] == RUN and tags["Name"] == "files-drill"
    assert [r["arn"] for r in FSX.find_marked(env["client_for"])] == [job["CreatedResourceArn"]]
    assert FSX.find_taken(env["client_for"], [("fsx-file-system-name", "prod-files"), ("fsx-file-system-name", "new")]) == [
        ("fsx-file-system-name", "prod-files")]

    (gone,) = rr.teardown(env["client_for"], RUN, [job["RestoreJobId"]], names=["files-drill"],
                          **{k: v for k, v in fake.kwargs().items() if k != "wall"})  # fmt: skip
    assert gone["status"] == "deleted", gone
    assert [f["FileSystemId"] for f in env["fsx"].describe_file_systems()["FileSystems"]] == [env["point"]["FileSystemId"]]
    # Deleted with SkipFinalBackup: FSx for Windows would otherwise leave a final backup behind.
    assert backup_ids(env) == before


def test_deleting_is_idempotent_and_check_mode_changes_nothing(env):
    job = restore(env, {})
    rr.mark_resource(env["client_for"], job["CreatedResourceArn"], RUN, job["RestoreJobId"])
    ref = FSX.parse_arn(job["CreatedResourceArn"])
    assert FSX.delete_step(env["client_for"], ref, None, [], True).changed
    assert len(env["fsx"].describe_file_systems()["FileSystems"]) == 2
    assert FSX.delete_step(env["client_for"], ref, None, [], False).state == "done"
    assert FSX.delete_step(env["client_for"], ref, None, [], False).state == "done"
    assert len(env["fsx"].describe_file_systems()["FileSystems"]) == 1


def test_a_restored_ontap_volume_is_validated_and_deleted_alone(aws):
    aws.configure(restore_job_seconds=0)
    backup, fsx = aws.client("backup"), aws.client("fsx")
    point = seed.seed_fsx_ontap_recovery_point(backup, fsx, aws.client("iam"), "fsx-vault")
    target = {"file_system_type": "ONTAP", "storage_virtual_machine_id": point["StorageVirtualMachineId"]}
    metadata = prepare_metadata(FSX.restore_metadata("data_drill", target), FSX)
    job_id = backup.start_restore_job(RecoveryPointArn=point["recovery_point_arn"], IamRoleArn=point["iam_role_arn"], Metadata=metadata)["RestoreJobId"]
    job = backup.describe_restore_job(RestoreJobId=job_id)
    assert job["Status"] == "COMPLETED", job.get("StatusMessage")
    client_for = clients_of(aws)
    settings = FSX.usable_settings("data_drill", target, point["recovery_point_arn"])
    fake = FakeTime()
    (result,) = rr.make_present(client_for, RUN, [rr.Wanted("data_drill", job_id, settings, FSX.expected("data_drill", target, {}))],
                                wait_until_usable=True, **fake.kwargs())  # fmt: skip
    assert result["status"] == "marked" and result["validation"] == "passed", result
    assert result["facts"]["backup_size_in_megabytes"] == 10240 and result["facts"]["ontap_configuration"]["junction_path"] == "/data_drill"
    assert FSX.find_taken(client_for, [("fsx-volume-name", "prod_data"), ("fsx-volume-name", "data_new")]) == [("fsx-volume-name", "prod_data")]
    backups = len(fsx.describe_backups()["Backups"])
    (gone,) = rr.teardown(client_for, RUN, [job_id], names=["data_drill"], **{k: v for k, v in fake.kwargs().items() if k != "wall"})
    assert gone["status"] == "deleted", gone
    assert [v["VolumeId"] for v in fsx.describe_volumes()["Volumes"]] == [point["VolumeId"]]
    assert len(fsx.describe_storage_virtual_machines()["StorageVirtualMachines"]) == 1 and len(fsx.describe_file_systems()["FileSystems"]) == 1
    assert len(fsx.describe_backups()["Backups"]) == backups, "no final backup of the volume"
