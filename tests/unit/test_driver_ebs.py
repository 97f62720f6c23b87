"""The EBS driver: metadata rules (bad input names metadata.<key>), name rules, a drill refusing a
file-level restore, the ARN it reads, the built-in validation (the volume's size against its
snapshot's, the backed-up size), and marking, finding and deleting on the in-process emulator."""

from __future__ import annotations

import pytest

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.recovery.aws_backup.plugins.module_utils import drivers
from ansible_collections.recovery.aws_backup.plugins.module_utils import restored_resource as rr
from ansible_collections.recovery.aws_backup.plugins.module_utils.backup_retry import backup_retry
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import InputError
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import PlanError
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import build_plan
from tests.emulator import seed

EBS = drivers.driver_for("EBS")
RUN = "drill-2026-12-04"


def test_ebs_is_registered_and_reads_volume_arns_only():
    assert drivers.driver_for("ebs") is EBS
    driver, ref = drivers.driver_for_arn("arn:aws:ec2:us-east-1:123456789012:volume/vol-0123abcd")
    assert driver is EBS and (ref.kind, ref.identifier) == ("ebs-volume", "vol-0123abcd")
    for arn in ("arn:aws:ec2:us-east-1::snapshot/snap-0123abcd", "arn:aws:ec2:us-east-1:123456789012:instance/i-0123abcd",
                "arn:aws:ec2:us-east-1:123456789012:volume/not-a-volume"):  # fmt: skip
        assert EBS.parse_arn(arn) is None


def test_metadata_values_are_normalised_and_bad_ones_name_the_key():
    assert EBS.check_metadata({"volumeSize": "010", "Encrypted": "TRUE", "volumeType": "gp3", "iops": "4000"}) == {
        "volumeSize": "10", "Encrypted": "true", "volumeType": "gp3", "iops": "4000"}  # fmt: skip
    bad = [
        ({"volumeSize": "0"}, "metadata.volumeSize must be a whole number of at least 1"),
        ({"temporaryRestoreDays": "two"}, "metadata.temporaryRestoreDays must be a whole number"),
        ({"encrypted": "yes"}, "metadata.encrypted must be a boolean"),
        ({"encrypted": "false", "kmsKeyId": "alias/aws/ebs"}, "metadata.kmsKeyId requires metadata.encrypted to be true"),
        ({"volumeType": "gp9"}, "metadata.volumeType must be one of standard, io1"),
        ({"volumeType": "gp2", "iops": "3000"}, "metadata.iops is valid for volume types io1, io2, gp3 only"),
        ({"volumeType": "io2", "throughput": "500"}, "metadata.throughput is valid for volume types gp3 only"),
    ]
    for metadata, message in bad:
        with pytest.raises(InputError, match=message.replace("(", r"\(")):
            EBS.check_metadata(metadata)


def test_target_fields_become_metadata_and_names_are_name_tags():
    assert EBS.restore_metadata("data-drill", {"availability_zone": "us-east-1b", "volume_type": "gp3"}) == {
        "availabilityZone": "us-east-1b", "volumeType": "gp3"}  # fmt: skip
    assert EBS.check_name("x" * 257, {}) == ["name '" + "x" * 257 + "' is 257 characters; an EBS volume name is its Name tag, at most 256"]
    assert EBS.check_fields({"volume_type": "gp9"}) == ["volume_type must be one of standard, io1, io2, gp2, gp3, sc1, st1, got 'gp9'"]
    assert EBS.new_identifiers("data-drill", {}) == [("ebs-volume-name", "data-drill")]
    assert EBS.usable_settings("data-drill", {}, "arn:aws:ec2:us-east-1::snapshot/snap-1")["tags"] == {
        "Name": "data-drill", "restored-from": "arn:aws:ec2:us-east-1::snapshot/snap-1"}  # fmt: skip


def test_a_drill_refuses_a_file_level_restore_and_recover_takes_it():
    target = {"name": "files", "resource_type": "EBS", "recovery_point_arn": "arn:aws:ec2:us-east-1::snapshot/snap-0123abcd",
              "metadata": {"restoreType": "FILE", "volumeId": "vol-0123abcd"}}  # fmt: skip
    with pytest.raises(PlanError) as error:
        build_plan([target], "drill", RUN)
    assert "restore_targets[0]" in str(error.value) and "metadata.restoreType asks for a file-level restore" in str(error.value)
    (item,) = build_plan([target], "recover", RUN)
    assert item["metadata"]["restoreType"] == "FILE"
    assert EBS.in_place({"RestoreType": "FILE"}) and not EBS.in_place({"volumeSize": "8"})


def test_validation_compares_the_size_with_the_backed_up_snapshot():
    facts = {"state": "available", "size": 8, "source_snapshot_volume_size": 8, "snapshot_id": "snap-1", "volume_type": "gp3"}
    assert EBS.validate(facts, {}) == []
    assert EBS.validate({**facts, "size": 4}, {}) == ["size is 4, expected 8"]
    assert EBS.validate({**facts, "state": "creating"}, {}) == ["state is 'creating', expected 'available'"]
    assert EBS.validate({**facts, "size": 10}, {"size": 10, "volume_type": "gp3"}) == []
    (problem,) = EBS.validate({**facts, "source_snapshot_volume_size": None}, {})
    assert "backed-up size was not read" in problem
    assert EBS.expected("x", {}, {"volumeSize": "12", "volumeType": "io2"}) == {"size": 12, "volume_type": "io2"}


@pytest.fixture
def env(aws):
    aws.configure(restore_job_seconds=0)
    backup, ec2 = aws.client("backup"), aws.client("ec2")
    role = seed.ensure_backup_role(aws.client("iam"))
    point = seed.seed_ebs_recovery_point(backup, ec2, "ebs-vault", role, name="prod-data")
    client_for = rr.lazy_clients(lambda service: RetryingBotoClientWrapper(aws.client(service), backup_retry))
    return {"aws": aws, "backup": backup, "ec2": ec2, "role": role, "point": point, "client_for": client_for}


def test_a_restored_volume_is_marked_validated_found_and_deleted_by_its_job_only(env):
    job_id = env["backup"].start_restore_job(RecoveryPointArn=env["point"]["recovery_point_arn"], IamRoleArn=env["role"],
                                             ResourceType="EBS", Metadata={"volumeType": "gp2"})["RestoreJobId"]  # fmt: skip
    settings = EBS.usable_settings("data-drill", {}, env["point"]["recovery_point_arn"])
    expected = EBS.expected("data-drill", {}, {"volumeType": "gp2"})
    (result,) = rr.make_present(env["client_for"], RUN, [rr.Wanted("data-drill", job_id, settings, expected)], wait_until_usable=True)
    assert result["status"] == "marked" and result["validation"] == "passed", result
    assert result["facts"]["size"] == 8 and result["facts"]["source_snapshot_volume_size"] == 8
    assert result["facts"]["tags"]["Name"] == "data-drill"
    assert EBS.find_taken(env["client_for"], [("ebs-volume-name", "data-drill"), ("ebs-volume-name", "free")]) == [("ebs-volume-name", "data-drill")]
    marked = [r for r in rr.find_marked_resources(env["client_for"]) if r["kind"] == "ebs-volume"]
    assert [(r["restore_job_id"], r["run_id"]) for r in marked] == [(job_id, RUN)]

    (gone,) = rr.teardown(env["client_for"], RUN, [job_id])
    assert gone["status"] == "deleted", gone
    assert [v["VolumeId"] for v in env["ec2"].describe_volumes()["Volumes"]] == [env["point"]["VolumeId"]]
    (again,) = rr.teardown(env["client_for"], RUN, [job_id])
    assert again["status"] == "not found"


def test_the_backed_up_iops_are_left_out_when_the_user_picks_a_type_without_them():
    base = {"volumeType": "gp3", "iops": "3000", "throughput": "125", "volumeSize": "8"}
    assert EBS.source_metadata(base, {"volumeType": "gp2"}) == {"volumeType": "gp3", "volumeSize": "8"}
    assert EBS.source_metadata(base, {"volumeType": "io2"}) == {"volumeType": "gp3", "iops": "3000", "volumeSize": "8"}
    assert EBS.source_metadata(base, {}) == base
