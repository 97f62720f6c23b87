"""S3 backups and restores in the emulator, in-process."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.emulator import seed


@pytest.fixture
def env(aws):
    aws.configure(restore_job_seconds=0)
    backup, s3 = aws.client("backup"), aws.client("s3")
    point = seed.seed_s3_recovery_point(backup, s3, aws.client("iam"), "s3-vault", "prod-reports", objects=4)
    return backup, s3, point


def restore(backup, point, metadata, **extra):
    job_id = backup.start_restore_job(RecoveryPointArn=point["recovery_point_arn"], Metadata=metadata,
                                      IamRoleArn=point["iam_role_arn"], **extra)["RestoreJobId"]  # fmt: skip
    return backup.describe_restore_job(RestoreJobId=job_id)


def keys(s3, bucket):
    return sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", []))


def test_a_backup_of_an_unversioned_bucket_is_refused(aws):
    backup, s3 = aws.client("backup"), aws.client("s3")
    seed.ensure_vault(backup, "s3-vault")
    s3.create_bucket(Bucket="plain-bucket")
    with pytest.raises(ClientError, match="Versioning"):
        backup.start_backup_job(BackupVaultName="s3-vault", ResourceArn="arn:aws:s3:::plain-bucket",
                                IamRoleArn=seed.ensure_backup_role(aws.client("iam")))  # fmt: skip


def test_a_restore_into_a_new_bucket_creates_a_versioned_bucket_with_the_objects(env):
    backup, s3, point = env
    assert point["recovery_point_arn"].startswith("arn:aws:backup:us-east-1:123456789012:recovery-point:")
    metadata = backup.get_recovery_point_restore_metadata(BackupVaultName="s3-vault", RecoveryPointArn=point["recovery_point_arn"])
    assert metadata["ResourceType"] == "S3" and metadata["RestoreMetadata"] == {"NewBucket": "true"}
    job = restore(backup, point, {"DestinationBucketName": "reports-restored", "NewBucket": "true"})
    assert job["Status"] == "COMPLETED", job.get("StatusMessage")
    assert job["CreatedResourceArn"] == "arn:aws:s3:::reports-restored"
    assert keys(s3, "reports-restored") == keys(s3, "prod-reports") and len(keys(s3, "prod-reports")) == 4
    assert s3.get_bucket_versioning(Bucket="reports-restored")["Status"] == "Enabled"


def test_a_new_bucket_named_like_an_existing_one_fails_the_job(env):
    backup, s3, point = env
    job = restore(backup, point, {"DestinationBucketName": "prod-reports", "NewBucket": "true"})
    assert job["Status"] == "FAILED" and "BucketAlreadyExists" in job["StatusMessage"]


def test_a_restore_into_an_existing_bucket_never_overwrites_an_object(env):
    backup, s3, point = env
    s3.create_bucket(Bucket="live")
    s3.put_object(Bucket="live", Key="reports/0.csv", Body=b"newer")
    job = restore(backup, point, {"DestinationBucketName": "live", "NewBucket": "false"})
    assert job["Status"] == "COMPLETED", job.get("StatusMessage")
    assert s3.get_object(Bucket="live", Key="reports/0.csv")["Body"].read() == b"newer"
    assert len(keys(s3, "live")) == 4


def test_metadata_and_copied_tags(env):
    backup, s3, point = env
    with pytest.raises(ClientError, match="DestinationBucketName"):
        restore(backup, point, {"NewBucket": "true"})
    with pytest.raises(ClientError, match="NewBucket"):
        restore(backup, point, {"DestinationBucketName": "x-y-z", "NewBucket": "maybe"})
    job = restore(backup, point, {"DestinationBucketName": "tagged-copy", "NewBucket": "true"}, CopySourceTagsToRestoredResource=True)
    assert job["Status"] == "FAILED" and "CopySourceTagsToRestoredResource" in job["StatusMessage"]
    assert "tagged-copy" not in {b["Name"] for b in s3.list_buckets()["Buckets"]}
    inferred = backup.get_restore_testing_inferred_metadata(BackupVaultName="s3-vault", RecoveryPointArn=point["recovery_point_arn"])
    assert inferred["InferredMetadata"]["DestinationBucketName"].startswith("awsbackup-restore-test-")


def test_an_item_level_restore_restores_the_objects_named_by_their_uris(env):
    backup, s3, point = env
    items = '["s3://prod-reports/reports/1.csv", "s3://prod-reports/reports/3.csv"]'
    job = restore(backup, point, {"DestinationBucketName": "two-items", "NewBucket": "true", "ItemsToRestore": items})
    assert job["Status"] == "COMPLETED", job.get("StatusMessage")
    assert keys(s3, "two-items") == ["reports/1.csv", "reports/3.csv"]
    with pytest.raises(ClientError, match="at most 5"):
        restore(backup, point, {"DestinationBucketName": "six", "NewBucket": "true",
                                "ItemsToRestore": json.dumps([f"s3://prod-reports/k{n}" for n in range(6)])})  # fmt: skip
