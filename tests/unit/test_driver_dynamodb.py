"""The DynamoDB driver: restore metadata rules, name rules, ARNs, validation, and on the in-process
emulator a restored table marked, validated against the backup's item count and deleted by
ownership while the source table stays."""

from __future__ import annotations

import pytest

from ansible_collections.recovery.aws_backup.plugins.module_utils import drivers
from ansible_collections.recovery.aws_backup.plugins.module_utils import restored_resource as rr
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import InputError
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_module import check_input
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_module import RESTORE_OPTIONS
from tests.emulator import seed
from tests.unit.test_drivers import clients_of
from tests.unit.test_restored_resource import FakeTime

DDB = drivers.driver_for("DynamoDB")
RUN = "drill-2026-12-04"
KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"


def test_the_driver_is_registered_and_reads_table_arns_only():
    assert drivers.driver_for("dynamodb") is DDB and "DynamoDB" in drivers.RESOURCE_TYPES
    driver, ref = drivers.driver_for_arn("arn:aws:dynamodb:us-east-1:123456789012:table/orders.v2_x")
    assert driver is DDB and (ref.kind, ref.identifier) == ("dynamodb-table", "orders.v2_x")
    for arn in ("arn:aws:dynamodb:us-east-1:123456789012:table/orders/backup/01547087347000-c8b6kdk3",
                "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000",
                "arn:aws:dynamodb:us-east-1:123456789012:table/ab"):  # fmt: skip
        assert DDB.parse_arn(arn) is None


@pytest.mark.parametrize("metadata, expected", [
    ({"targetTableName": "orders-copy"}, {"targetTableName": "orders-copy"}),
    ({"TargetTableName": "orders-copy", "encryptiontype": "kms", "KmsMasterKeyArn": KEY},
     {"TargetTableName": "orders-copy", "encryptiontype": "KMS", "KmsMasterKeyArn": KEY}),
    ({"targetTableName": "orders-copy", "encryptionType": "default"}, {"targetTableName": "orders-copy", "encryptionType": "Default"}),
])  # fmt: skip
def test_good_metadata_is_normalised(metadata, expected):
    assert DDB.check_metadata(metadata) == expected


@pytest.mark.parametrize("metadata, named", [
    ({}, "metadata.targetTableName is required"),
    ({"encryptionType": "Default"}, "metadata.targetTableName is required"),
    ({"targetTableName": "a b"}, "metadata.targetTableName 'a b' is not a valid DynamoDB table name"),
    ({"targetTableName": "ok-name", "encryptionType": "AES256"}, "metadata.encryptionType must be one of Default, KMS"),
    ({"targetTableName": "ok-name", "encryptionType": "KMS"}, "requires metadata.kmsMasterKeyArn"),
    ({"targetTableName": "ok-name", "kmsMasterKeyArn": KEY}, "metadata.kmsMasterKeyArn requires metadata.encryptionType KMS"),
    ({"targetTableName": "ok-name", "encryptionType": "Default", "kmsMasterKeyArn": KEY}, "metadata.kmsMasterKeyArn requires"),
])  # fmt: skip
def test_bad_metadata_is_refused_naming_the_key(metadata, named):
    with pytest.raises(InputError, match=named.replace(".", r"\.").replace("(", r"\(")):
        DDB.check_metadata(metadata)


def test_keys_that_are_no_dynamodb_restore_parameter_are_dropped_from_the_source_metadata():
    dropped = DDB.dropped_source_keys({"targetTableName": "x", "EncryptionType": "Default", "billingMode": "PROVISIONED"})
    assert [key for key, _why in dropped] == ["billingMode"] and "restoring-dynamodb" in dropped[0][1]


def test_target_rules_name_the_field():
    assert DDB.check_target("orders-drill", {}) == []
    assert "not a valid DynamoDB table name" in DDB.check_target("or", {})[0]
    assert "not a valid DynamoDB table name" in DDB.check_target("orders/drill", {})[0]
    assert DDB.check_target("orders-drill", {"encryption_type": "AES"})[0].startswith("encryption_type must be one of")
    assert DDB.check_target("orders-drill", {"kms_master_key_arn": KEY})[0].startswith("kms_master_key_arn requires encryption_type KMS")
    assert DDB.check_target("orders-drill", {"encryption_type": "KMS"})[0].startswith("encryption_type KMS requires kms_master_key_arn")
    assert DDB.check_target("orders-drill", {"metadata": {"targetTableName": "elsewhere"}})[0].startswith("metadata.targetTableName is 'elsewhere'")
    assert DDB.restore_metadata("orders-drill", {"encryption_type": "KMS", "kms_master_key_arn": KEY}) == {
        "targetTableName": "orders-drill", "encryptionType": "KMS", "kmsMasterKeyArn": KEY}
    assert DDB.restore_metadata("orders-drill", {}) == {"targetTableName": "orders-drill"}
    assert DDB.new_identifiers("orders-drill", {}) == [("dynamodb-table", "orders-drill")]


def test_validation_reads_status_name_and_item_count():
    good = {"table_status": "ACTIVE", "table_name": "t1", "item_count": 4, "backup_item_count": 4}
    assert DDB.validate(good, {"table_name": "t1"}) == []
    assert DDB.validate({**good, "item_count": 3}, {"table_name": "t1"}) == ["item_count is 3, the backup recorded 4"]
    assert DDB.validate({**good, "table_status": "CREATING"}, {"table_name": "t1"}) == ["table_status is 'CREATING', expected 'ACTIVE'"]
    assert DDB.validate({k: v for k, v in good.items() if k != "backup_item_count"}, {"table_name": "t1"}) == []
    assert DDB.validate({k: v for k, v in good.items() if k != "item_count"}, {"table_name": "t1"}) == [
        "item_count is None, expected a number of items"]


def test_copy_source_tags_is_refused_for_dynamodb_before_any_call():
    params = {name: spec.get("default") for name, spec in RESTORE_OPTIONS.items()}
    params.update(recovery_point_arn="arn:aws:dynamodb:us-east-1:123456789012:table/t1/backup/01547087347000-c8b6kdk3",
                  resource_type="DynamoDB", metadata={"targetTableName": "t2"}, copy_source_tags_to_restored_resource=True)  # fmt: skip
    with pytest.raises(InputError, match="copy_source_tags_to_restored_resource cannot be true for DynamoDB"):
        check_input(params)
    by_resource = {**params, "recovery_point_arn": None, "resource_type": None, "resource_arn": "arn:aws:dynamodb:us-east-1:123456789012:table/t1"}
    with pytest.raises(InputError, match="copy_source_tags_to_restored_resource"):
        check_input(by_resource)
    check_input({**params, "copy_source_tags_to_restored_resource": False})
    check_input({**params, "resource_type": "EFS"})  # other types keep the option


@pytest.fixture
def env(aws):
    aws.configure(restore_job_seconds=0)
    backup, dynamodb = aws.client("backup"), aws.client("dynamodb")
    point = seed.seed_dynamodb_recovery_point(backup, dynamodb, aws.client("iam"), "ddb-vault", "orders", items=5)
    return {"aws": aws, "backup": backup, "dynamodb": dynamodb, "point": point, "client_for": clients_of(aws)}


def restore(env, name):
    job_id = env["backup"].start_restore_job(RecoveryPointArn=env["point"]["recovery_point_arn"], Metadata={"targetTableName": name},
                                             IamRoleArn=env["point"]["iam_role_arn"])["RestoreJobId"]  # fmt: skip
    return env["backup"].describe_restore_job(RestoreJobId=job_id)


def test_a_restored_table_is_marked_validated_and_deleted_by_ownership(env):
    job = restore(env, "orders-drill")
    wanted = [rr.Wanted("orders-drill", job["RestoreJobId"], DDB.usable_settings("orders-drill", {}, None), DDB.expected("orders-drill", {}, {}))]
    fake = FakeTime()
    (result,) = rr.make_present(env["client_for"], RUN, wanted, wait_until_usable=True, **fake.kwargs())
    assert result["status"] == "marked" and result["validation"] == "passed", result
    assert result["facts"]["item_count"] == 5 and result["facts"]["backup_item_count"] == 5
    tags = env["dynamodb"].list_tags_of_resource(ResourceArn=job["CreatedResourceArn"])["Tags"]
    assert {t["Key"]: t["Value"] for t in tags}[rr.RUN_TAG] == RUN
    assert [r["identifier"] for r in DDB.find_marked(env["client_for"])] == ["orders-drill"]
    assert DDB.find_taken(env["client_for"], [("dynamodb-table", "orders"), ("dynamodb-table", "orders-new")]) == [("dynamodb-table", "orders")]

    # A table with another item count than the backup recorded fails validation.
    env["dynamodb"].put_item(TableName="orders-drill", Item={"id": {"S": "extra"}})
    (again,) = rr.make_present(env["client_for"], RUN, wanted, wait_until_usable=True, **fake.kwargs())
    assert again["validation"] == "failed: item_count is 6, the backup recorded 5"

    (gone,) = rr.teardown(env["client_for"], RUN, [job["RestoreJobId"]], names=["orders-drill"],
                          **{k: v for k, v in fake.kwargs().items() if k != "wall"})  # fmt: skip
    assert gone["status"] == "deleted", gone
    assert env["dynamodb"].list_tables()["TableNames"] == ["orders"]
    assert "DeleteTable" in env["aws"].calls("dynamodb")


def test_a_protected_table_has_its_protection_turned_off_then_is_deleted(env):
    job = restore(env, "orders-protected")
    env["dynamodb"].update_table(TableName="orders-protected", DeletionProtectionEnabled=True)
    rr.mark_resource(env["client_for"], job["CreatedResourceArn"], RUN, job["RestoreJobId"])
    ref = DDB.parse_arn(job["CreatedResourceArn"])
    assert DDB.delete_step(env["client_for"], ref, None, [], True).changed  # check mode changes nothing
    assert "orders-protected" in env["dynamodb"].list_tables()["TableNames"]
    assert DDB.delete_step(env["client_for"], ref, None, [], False).state == "done"
    assert DDB.delete_step(env["client_for"], ref, None, [], False).state == "done"  # idempotent
    assert env["dynamodb"].list_tables()["TableNames"] == ["orders"]


def test_the_source_table_restored_onto_is_never_deleted(env):
    """A job that names the source table as created (say AWS answered so) is refused: the table
    is older than the job."""
    job = restore(env, "orders-x")
    env["dynamodb"].delete_table(TableName="orders-x")
    from tests.unit.test_drivers import _JobNaming
    from datetime import datetime, timedelta, timezone

    later = datetime.now(timezone.utc) + timedelta(seconds=30)
    client_for = clients_of(env["aws"], backup=_JobNaming(env["point"]["resource_arn"], later))
    for adopt in (False, True):
        (result,) = rr.teardown(client_for, RUN, [job["RestoreJobId"]], adopt_unmarked=adopt)
        assert result["status"].startswith("refused"), result
    assert env["dynamodb"].list_tables()["TableNames"] == ["orders"]
