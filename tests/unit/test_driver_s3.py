"""The S3 driver: restore metadata rules, bucket name rules, a drill into a new bucket only, ARNs,
validation, and on the in-process emulator a restored bucket marked, validated and deleted with
every object version and delete marker, while the source bucket stays."""

from __future__ import annotations

import json

import pytest

from ansible_collections.recovery.aws_backup.plugins.module_utils import drivers
from ansible_collections.recovery.aws_backup.plugins.module_utils import restored_resource as rr
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import InputError
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_module import RESTORE_OPTIONS
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_module import check_input
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import PlanError
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import check_targets
from tests.emulator import seed
from tests.unit.test_drivers import clients_of
from tests.unit.test_restored_resource import FakeTime

S3 = drivers.driver_for("S3")
RUN = "drill-2026-12-04"
POINT = "arn:aws:backup:us-east-1:123456789012:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45"


def test_the_driver_reads_bucket_arns():
    driver, ref = drivers.driver_for_arn("arn:aws:s3:::reports.2026-x")
    assert driver is S3 and (ref.kind, ref.identifier) == ("s3-bucket", "reports.2026-x")
    for arn in ("arn:aws:s3:::Bad_Bucket", "arn:aws:s3:::bucket/key", "arn:aws:s3:us-east-1:123456789012:accesspoint/x"):
        assert S3.parse_arn(arn) is None


def test_metadata_rules_name_the_key():
    assert S3.check_metadata({"DestinationBucketName": "new-one", "newbucket": "TRUE"}) == {"DestinationBucketName": "new-one", "newbucket": "true"}
    assert S3.check_metadata({"DestinationBucketName": "Existing_Old", "NewBucket": "false"})["NewBucket"] == "false"
    S3.check_metadata({"DestinationBucketName": "ok-bucket", "ItemsToRestore": '["s3://prod-reports/reports/0.csv"]'})
    for metadata, named in (
        ({"NewBucket": "true"}, "metadata.DestinationBucketName is required"),
        ({"DestinationBucketName": "ok-bucket", "NewBucket": "yes"}, "metadata.NewBucket must be a boolean"),
        ({"DestinationBucketName": "Bad_Name", "NewBucket": "true"}, "metadata.DestinationBucketName 'Bad_Name' is not a valid name"),
        ({"DestinationBucketName": "ok-bucket", "RestoreACLs": "1"}, "metadata.RestoreACLs must be a boolean"),
        ({"DestinationBucketName": "ok-bucket", "ItemsToRestore": "[]"}, "metadata.ItemsToRestore must be a list of S3 URIs"),
        ({"DestinationBucketName": "ok-bucket", "ItemsToRestore": '["reports/0.csv"]'}, "metadata.ItemsToRestore must be a list of S3 URIs"),
        ({"DestinationBucketName": "ok-bucket", "ItemsToRestore": json.dumps([f"s3://b/k{n}" for n in range(6)])}, "at most 5"),
    ):
        with pytest.raises(InputError, match=named):
            S3.check_metadata(metadata)
    dropped = S3.dropped_source_keys({"DestinationBucketName": "a", "NewBucket": "true", "BucketOwner": "x"})
    assert [key for key, _why in dropped] == ["BucketOwner"]
    # Restoring into an existing bucket is never taken from the recovery point.
    assert S3.source_metadata({"NewBucket": "false"}, {}) == {"NewBucket": "true"}
    assert S3.in_place({"NewBucket": "false"}) and not S3.in_place({"NewBucket": "true"})


def test_a_drill_restores_into_a_new_bucket_only():
    base = {"name": "reports-drill", "resource_type": "S3", "recovery_point_arn": POINT}
    check_targets([base], "drill", RUN)
    check_targets([{**base, "existing_bucket": True}], "recover", RUN)  # a recover may
    for target, named in (({**base, "existing_bucket": True}, "existing_bucket is not supported in a drill"),
                          ({**base, "metadata": {"NewBucket": False}}, "metadata.NewBucket false is not supported in a drill"),
                          ({**base, "name": "Reports_Drill"}, "not a valid S3 bucket name"),
                          ({**base, "metadata": {"DestinationBucketName": "other-bucket"}}, "metadata.DestinationBucketName is 'other-bucket'")):  # fmt: skip
        with pytest.raises(PlanError, match=named):
            check_targets([target], "drill", RUN)
    assert S3.restore_metadata("reports-drill", {}) == {"DestinationBucketName": "reports-drill", "NewBucket": True}
    assert S3.restore_metadata("live", {"existing_bucket": True}) == {"DestinationBucketName": "live", "NewBucket": False}
    assert not S3.identity_applies({"existing_bucket": True})


def test_copy_source_tags_is_refused_for_s3_before_any_call():
    params = {name: spec.get("default") for name, spec in RESTORE_OPTIONS.items()}
    params.update(resource_arn="arn:aws:s3:::prod-reports", metadata={"DestinationBucketName": "x-copy"},
                  copy_source_tags_to_restored_resource=True)  # fmt: skip
    with pytest.raises(InputError, match="copy_source_tags_to_restored_resource cannot be true for S3"):
        check_input(params)


def test_validation():
    good = {"name": "b1", "versioning": "Enabled", "object_count": 3}
    assert S3.validate(good, {"name": "b1"}) == []
    assert S3.validate({**good, "versioning": "Suspended"}, {"name": "b1"}) == ["versioning is 'Suspended', expected 'Enabled'"]
    assert S3.validate({**good, "object_count": None}, {"name": "b1"}) == ["object_count is None, expected a number of objects"]


@pytest.fixture
def env(aws):
    aws.configure(restore_job_seconds=0)
    backup, s3 = aws.client("backup"), aws.client("s3")
    point = seed.seed_s3_recovery_point(backup, s3, aws.client("iam"), "s3-vault", "prod-reports", objects=3)
    return {"aws": aws, "backup": backup, "s3": s3, "point": point, "client_for": clients_of(aws)}


def test_a_restored_bucket_is_marked_validated_and_deleted_with_every_version(env):
    s3 = env["s3"]
    job_id = env["backup"].start_restore_job(RecoveryPointArn=env["point"]["recovery_point_arn"], IamRoleArn=env["point"]["iam_role_arn"],
                                             Metadata={"DestinationBucketName": "reports-drill", "NewBucket": "true"})["RestoreJobId"]  # fmt: skip
    job = env["backup"].describe_restore_job(RestoreJobId=job_id)
    s3.put_bucket_tagging(Bucket="reports-drill", Tagging={"TagSet": [{"Key": "team", "Value": "data"}]})
    wanted = [rr.Wanted("reports-drill", job_id, S3.usable_settings("reports-drill", {}, None), S3.expected("reports-drill", {}, {}))]
    fake = FakeTime()
    (result,) = rr.make_present(env["client_for"], RUN, wanted, wait_until_usable=True, **fake.kwargs())
    assert result["status"] == "marked" and result["validation"] == "passed", result
    assert result["facts"]["object_count"] == 3 and result["facts"]["versioning"] == "Enabled"
    tags = {t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket="reports-drill")["TagSet"]}
    assert tags["team"] == "data" and tags[rr.RUN_TAG] == RUN, "tagging keeps the tags there were"
    assert [r["identifier"] for r in S3.find_marked(env["client_for"])] == ["reports-drill"]
    assert S3.find_taken(env["client_for"], [("s3-bucket", "prod-reports"), ("s3-bucket", "free-name")]) == [("s3-bucket", "prod-reports")]
    # More versions and a delete marker: teardown removes them all.
    s3.put_object(Bucket="reports-drill", Key="reports/0.csv", Body=b"v2")
    s3.delete_object(Bucket="reports-drill", Key="reports/1.csv")
    (gone,) = rr.teardown(env["client_for"], RUN, [job_id], names=["reports-drill"], **{k: v for k, v in fake.kwargs().items() if k != "wall"})
    assert gone["status"] == "deleted", gone
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["prod-reports"]
    assert len(s3.list_objects_v2(Bucket="prod-reports")["Contents"]) == 3
    ref = S3.parse_arn(job["CreatedResourceArn"])
    assert S3.delete_step(env["client_for"], ref, None, [], False).state == "done"  # idempotent


def test_a_restore_into_an_existing_bucket_is_never_marked_nor_deleted(env):
    s3 = env["s3"]
    s3.create_bucket(Bucket="live")
    job_id = env["backup"].start_restore_job(RecoveryPointArn=env["point"]["recovery_point_arn"], IamRoleArn=env["point"]["iam_role_arn"],
                                             Metadata={"DestinationBucketName": "live", "NewBucket": "false"})["RestoreJobId"]  # fmt: skip
    for adopt in (False, True):
        (result,) = rr.teardown(env["client_for"], RUN, [job_id], adopt_unmarked=adopt)
        assert "deleted" != result["status"], result
    assert "live" in {b["Name"] for b in s3.list_buckets()["Buckets"]}
    assert "PutBucketTagging" not in env["aws"].calls("s3") and "DeleteBucket" not in env["aws"].calls("s3")
