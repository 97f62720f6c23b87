"""DynamoDB backups and restores in the emulator, in-process."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.emulator import seed


@pytest.fixture
def env(aws):
    aws.configure(restore_job_seconds=0)
    backup, dynamodb = aws.client("backup"), aws.client("dynamodb")
    point = seed.seed_dynamodb_recovery_point(backup, dynamodb, aws.client("iam"), "ddb-vault", "prod-orders", items=4)
    return backup, dynamodb, point


def restore(backup, point, metadata, **extra):
    job_id = backup.start_restore_job(RecoveryPointArn=point["recovery_point_arn"], Metadata=metadata,
                                      IamRoleArn=point["iam_role_arn"], **extra)["RestoreJobId"]  # fmt: skip
    return backup.describe_restore_job(RestoreJobId=job_id)


def test_the_recovery_point_is_a_dynamodb_backup_of_the_table(env):
    backup, dynamodb, point = env
    assert point["recovery_point_arn"].startswith("arn:aws:dynamodb:us-east-1:123456789012:table/prod-orders/backup/")
    described = dynamodb.describe_backup(BackupArn=point["recovery_point_arn"])["BackupDescription"]
    assert described["SourceTableDetails"]["ItemCount"] == 4
    metadata = backup.get_recovery_point_restore_metadata(BackupVaultName="ddb-vault", RecoveryPointArn=point["recovery_point_arn"])
    assert metadata["ResourceType"] == "DynamoDB"
    assert metadata["RestoreMetadata"] == {"encryptionType": "Default"}


def test_a_restore_creates_a_new_table_with_the_items(env):
    backup, dynamodb, point = env
    job = restore(backup, point, {"targetTableName": "orders-restored"})
    assert job["Status"] == "COMPLETED", job.get("StatusMessage")
    assert job["CreatedResourceArn"] == "arn:aws:dynamodb:us-east-1:123456789012:table/orders-restored"
    table = dynamodb.describe_table(TableName="orders-restored")["Table"]
    assert table["TableStatus"] == "ACTIVE" and table["ItemCount"] == 4
    assert table["RestoreSummary"]["SourceBackupArn"] == point["recovery_point_arn"]
    assert dynamodb.describe_table(TableName="prod-orders")["Table"]["ItemCount"] == 4  # the source is untouched


def test_a_kms_restore_encrypts_the_new_table_with_the_key(env):
    backup, dynamodb, point = env
    key = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    job = restore(backup, point, {"TargetTableName": "orders-kms", "EncryptionType": "KMS", "KmsMasterKeyArn": key})
    assert job["Status"] == "COMPLETED", job.get("StatusMessage")
    assert dynamodb.describe_table(TableName="orders-kms")["Table"]["SSEDescription"]["KMSMasterKeyArn"] == key


@pytest.mark.parametrize("metadata, word", [
    ({}, "targetTableName"),
    ({"targetTableName": "x"}, "targetTableName"),
    ({"targetTableName": "ok-name", "encryptionType": "AES"}, "encryptionType"),
    ({"targetTableName": "ok-name", "encryptionType": "KMS"}, "kmsMasterKeyArn"),
    ({"targetTableName": "ok-name", "kmsMasterKeyArn": "arn:aws:kms:us-east-1:123456789012:key/k"}, "kmsMasterKeyArn"),
])  # fmt: skip
def test_bad_metadata_is_refused(env, metadata, word):
    backup, dynamodb, point = env
    with pytest.raises(ClientError) as raised:
        restore(backup, point, metadata)
    assert raised.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert word in raised.value.response["Error"]["Message"]
    assert dynamodb.list_tables()["TableNames"] == ["prod-orders"]


def test_a_name_in_use_fails_the_job(env):
    backup, dynamodb, point = env
    job = restore(backup, point, {"targetTableName": "prod-orders"})
    assert job["Status"] == "FAILED" and "TableAlreadyExistsException" in job["StatusMessage"]
    assert "CreatedResourceArn" not in job


def test_copy_source_tags_fails_the_job(env):
    backup, dynamodb, point = env
    job = restore(backup, point, {"targetTableName": "orders-tags"}, CopySourceTagsToRestoredResource=True)
    assert job["Status"] == "FAILED" and "CopySourceTagsToRestoredResource" in job["StatusMessage"]
    assert "orders-tags" not in dynamodb.list_tables()["TableNames"]


def test_inferred_metadata_names_a_restore_test_table(env):
    backup, dynamodb, point = env
    inferred = backup.get_restore_testing_inferred_metadata(BackupVaultName="ddb-vault", RecoveryPointArn=point["recovery_point_arn"])
    assert inferred["InferredMetadata"]["targetTableName"].startswith("awsbackup-restore-test-")
    assert inferred["InferredMetadata"]["encryptionType"] == "Default"
