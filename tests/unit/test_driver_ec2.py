"""The EC2 driver: metadata rules (bad input names metadata.<key>), the structured keys it owns,
the ARN it reads, the built-in validation (running, every volume attached), and on the in-process
emulator: marking the instance with everything its restore made (volumes, AMI, snapshots), and
teardown deleting exactly those, never the recovery point's AMI nor the source instance."""

from __future__ import annotations

import pytest

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.recovery.aws_backup.plugins.module_utils import drivers
from ansible_collections.recovery.aws_backup.plugins.module_utils import restored_resource as rr
from ansible_collections.recovery.aws_backup.plugins.module_utils.backup_retry import backup_retry
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import InputError
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import check_structured_values
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import prepare_metadata
from tests.emulator import seed

EC2 = drivers.driver_for("EC2")
RUN = "drill-2026-12-04"


def test_ec2_reads_instance_arns_only():
    driver, ref = drivers.driver_for_arn("arn:aws:ec2:us-east-1:123456789012:instance/i-0123abcd")
    assert driver is EC2 and (ref.kind, ref.identifier) == ("ec2-instance", "i-0123abcd")
    assert EC2.parse_arn("arn:aws:ec2:us-east-1::image/ami-0123abcd") is None
    assert drivers.driver_for_arn("arn:aws:ec2:us-east-1:123456789012:volume/vol-0123abcd")[0] is drivers.driver_for("EBS")


def test_metadata_rules_name_the_key_and_structured_values_are_ec2s():
    check_structured_values({"Placement": {"AvailabilityZone": "us-east-1a"}}, "EC2", EC2.structured_keys)
    with pytest.raises(InputError, match="metadata.Placement must be text"):
        check_structured_values({"Placement": {"AvailabilityZone": "us-east-1a"}}, "EBS", drivers.driver_for("EBS").structured_keys)
    prepared = prepare_metadata({"RequireIMDSv2": True, "SecurityGroupIds": ["sg-1"], "InstanceType": "t3.small"}, EC2)
    assert prepared == {"RequireIMDSv2": "true", "SecurityGroupIds": '["sg-1"]', "InstanceType": "t3.small"}
    bad = [
        ({"RequireIMDSv2": "yes"}, "metadata.RequireIMDSv2 must be a boolean"),
        ({"SecurityGroupIds": "sg-1"}, "metadata.SecurityGroupIds must be a list of ids"),
        ({"IamInstanceProfileName": "admin-role"}, "metadata.IamInstanceProfileName must be UseBackedUpValue or null"),
        ({"Placement": "{not json"}, "metadata.Placement must be a JSON object"),
    ]
    for metadata, message in bad:
        with pytest.raises(InputError, match=message):
            EC2.check_metadata(metadata)


def test_target_fields_become_metadata():
    assert EC2.restore_metadata("app", {"instance_type": "t3.small", "subnet_id": "subnet-1", "security_group_ids": ["sg-1"]}) == {
        "InstanceType": "t3.small", "SubnetId": "subnet-1", "SecurityGroupIds": ["sg-1"]}  # fmt: skip
    assert EC2.expected("app", {}, {"InstanceType": "t3.small"}) == {"instance_type": "t3.small"}
    assert EC2.new_identifiers("app", {}) == [("ec2-instance-name", "app")]


def test_validation_wants_running_with_every_volume_attached():
    facts = {"state": {"name": "running"}, "instance_type": "t3.small",
             "block_device_mappings": [{"ebs": {"volume_id": "vol-1"}}, {"ebs": {"volume_id": "vol-2"}}],
             "attached_volumes": [{"volume_id": "vol-1", "attachment": "attached"}, {"volume_id": "vol-2", "attachment": "attached"}]}  # fmt: skip
    assert EC2.validate(facts, {"instance_type": "t3.small"}) == []
    assert EC2.validate({**facts, "state": {"name": "pending"}}, {}) == ["state is 'pending', expected 'running'"]
    half = {**facts, "attached_volumes": [{"volume_id": "vol-1", "attachment": "attached"}, {"volume_id": "vol-2", "attachment": "attaching"}]}
    assert EC2.validate(half, {}) == ["volumes not attached: vol-2 attaching"]
    assert EC2.validate({**facts, "attached_volumes": facts["attached_volumes"][:1]}, {}) == ["volumes of the block device mappings not found: vol-2"]


@pytest.fixture
def env(aws):
    aws.configure(restore_job_seconds=0)
    backup, ec2 = aws.client("backup"), aws.client("ec2")
    role = seed.ensure_backup_role(aws.client("iam"))
    point = seed.seed_ec2_recovery_point(backup, ec2, "ec2-vault", role, name="prod-app")
    client_for = rr.lazy_clients(lambda service: RetryingBotoClientWrapper(aws.client(service), backup_retry))
    return {"aws": aws, "backup": backup, "ec2": ec2, "role": role, "point": point, "client_for": client_for}


def everything(ec2):
    return {
        "instances": {i["InstanceId"] for r in ec2.describe_instances()["Reservations"] for i in r["Instances"] if i["State"]["Name"] != "terminated"},
        "volumes": {v["VolumeId"] for v in ec2.describe_volumes()["Volumes"]},
        "images": {i["ImageId"] for i in ec2.describe_images(Owners=["self"])["Images"]},
        "snapshots": {s["SnapshotId"] for s in ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]},
    }


def test_a_restored_instance_is_marked_with_what_its_restore_made_and_torn_down_with_exactly_that(env):
    before = everything(env["ec2"])
    job_id = env["backup"].start_restore_job(RecoveryPointArn=env["point"]["recovery_point_arn"], IamRoleArn=env["role"], ResourceType="EC2",
                                             Metadata={"InstanceType": "t3.small", "DisableApiTermination": "true"})["RestoreJobId"]  # fmt: skip
    made = {k: everything(env["ec2"])[k] - before[k] for k in before}
    assert len(made["instances"]) == 1 and len(made["volumes"]) == 2 and len(made["images"]) == 1 and len(made["snapshots"]) == 1
    settings = EC2.usable_settings("app-drill", {}, env["point"]["recovery_point_arn"])
    expected = EC2.expected("app-drill", {}, {"InstanceType": "t3.small"})
    (result,) = rr.make_present(env["client_for"], RUN, [rr.Wanted("app-drill", job_id, settings, expected)], wait_until_usable=True)
    assert result["status"] == "marked" and result["validation"] == "passed", result
    assert len(result["facts"]["attached_volumes"]) == 2
    marked = {r["ResourceId"] for r in env["ec2"].describe_tags(Filters=[{"Name": "key", "Values": [rr.RUN_TAG]}])["Tags"]}
    assert marked == set().union(*made.values()), "the instance, its volumes, the AMI and the snapshot the restore made carry the mark"
    assert EC2.find_taken(env["client_for"], [("ec2-instance-name", "app-drill"), ("ec2-instance-name", "free")]) == [("ec2-instance-name", "app-drill")]

    env["aws"].reset_calls()
    (gone,) = rr.teardown(env["client_for"], RUN, [job_id])
    assert gone["status"] == "deleted", gone
    # The run's data volume is set to go with the instance (DeleteOnTermination), so nothing is
    # left if teardown stops right after the termination.
    calls = env["aws"].calls("ec2")
    assert "ModifyInstanceAttribute" in calls and "TerminateInstances" in calls and "DeleteVolume" not in calls
    assert len(gone["deleted_resources"]) >= 3
    assert everything(env["ec2"]) == before, "everything the restore made is gone; the source and the recovery point's AMI stay"
    (again,) = rr.teardown(env["client_for"], RUN, [job_id])
    assert again["status"] == "not found"
