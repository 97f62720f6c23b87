"""Behaviours the emulator takes from AWS's documentation (see tests/emulator/README.md, the
table of behaviours and sources): EFS restore metadata, idempotency windows, backup job
fields, vault deletion, and model-level input validation."""

from __future__ import annotations

import json

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.emulator import control, seed

ROLE = "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole"


@pytest.fixture
def efs_point(aws):
    aws.configure(restore_job_seconds=0)
    return seed.seed_efs_recovery_point(aws.client("backup"), aws.client("efs"), aws.client("iam"))


def restore(backup, point, **metadata):
    base = {"file-system-id": point["file_system_id"], "newFileSystem": "true"}
    job_id = backup.start_restore_job(RecoveryPointArn=point["recovery_point_arn"], Metadata={**base, **metadata})[
        "RestoreJobId"
    ]
    return backup.describe_restore_job(RestoreJobId=job_id)


def error_code(call):
    with pytest.raises(ClientError) as error:
        call()
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return error.value.response["Error"]["Code"]


# ---- EFS ------------------------------------------------------------------------------------


def test_new_file_system_without_creation_token_is_accepted_then_fails(aws, efs_point):
    efs = aws.client("efs")
    before = len(efs.describe_file_systems()["FileSystems"])
    job = restore(aws.client("backup"), efs_point)
    assert job["Status"] == "FAILED"
    assert "CreationToken" in job["StatusMessage"]
    assert "CreatedResourceArn" not in job
    assert len(efs.describe_file_systems()["FileSystems"]) == before


def test_creation_token_in_use_fails_the_job(aws, efs_point):
    backup = aws.client("backup")
    assert restore(backup, efs_point, CreationToken="t-1")["Status"] == "COMPLETED"
    job = restore(backup, efs_point, CreationToken="t-1")
    assert job["Status"] == "FAILED"
    assert "FileSystemAlreadyExists" in job["StatusMessage"]


def test_in_place_restore_needs_no_creation_token(aws, efs_point):
    job = restore(aws.client("backup"), efs_point, newFileSystem="false")
    assert job["Status"] == "COMPLETED"


def test_items_to_restore_has_no_count_limit_but_paths_start_at_root(aws, efs_point):
    backup = aws.client("backup")
    paths = [f"/dir/file-{n}" for n in range(50)]
    job = restore(backup, efs_point, CreationToken="many", ItemsToRestore=json.dumps(paths))
    assert job["Status"] == "COMPLETED"
    for bad in (["relative/path"], ["/ok", "also-relative"], [], "not json", [1]):
        value = bad if isinstance(bad, str) else json.dumps(bad)
        assert error_code(lambda v=value: restore(backup, efs_point, CreationToken="x", ItemsToRestore=v)) == (
            "InvalidParameterValueException"
        )


def test_restore_metadata_over_200_kb_is_refused(aws, efs_point):
    backup = aws.client("backup")
    paths = [f"/{'d' * 200}/{n}" for n in range(1100)]  # about 220 KB as JSON
    assert len(json.dumps(paths)) > 200 * 1024
    assert error_code(lambda: restore(backup, efs_point, CreationToken="big", ItemsToRestore=json.dumps(paths))) == (
        "InvalidParameterValueException"
    )
    fits = paths[:900]  # about 180 KB
    assert restore(backup, efs_point, CreationToken="fits", ItemsToRestore=json.dumps(fits))["Status"] == "COMPLETED"


def test_recovery_point_restore_metadata_restores_a_new_file_system(aws, efs_point):
    backup = aws.client("backup")
    metadata = backup.get_recovery_point_restore_metadata(
        BackupVaultName=efs_point["backup_vault_name"], RecoveryPointArn=efs_point["recovery_point_arn"]
    )["RestoreMetadata"]
    assert metadata["newFileSystem"] == "true"
    assert "CreationToken" not in metadata
    assert set(metadata) <= {"file-system-id", "Encrypted", "KmsKeyId", "PerformanceMode", "newFileSystem"}


def test_rds_restore_metadata_holds_only_restore_parameters(aws):
    backup, rds = aws.client("backup"), aws.client("rds")
    seed.create_vault(backup, "rds-vault")
    db = seed.create_rds_instance(rds, "prod-db")
    point = seed.backup_and_wait(backup, "rds-vault", db["DBInstanceArn"], ROLE).recovery_point_arn
    metadata = backup.get_recovery_point_restore_metadata(BackupVaultName="rds-vault", RecoveryPointArn=point)[
        "RestoreMetadata"
    ]
    assert not {"EngineVersion", "AllocatedStorage", "StorageEncrypted", "KmsKeyId"} & set(metadata)
    assert metadata["DBInstanceIdentifier"] == "prod-db"


# ---- idempotency tokens ---------------------------------------------------------------------


def test_restore_token_times_out_after_an_hour(aws, efs_point):
    backup = aws.client("backup")
    kwargs = dict(
        RecoveryPointArn=efs_point["recovery_point_arn"],
        Metadata={"file-system-id": efs_point["file_system_id"], "newFileSystem": "false"},
        IdempotencyToken="hourly",
    )
    first = backup.start_restore_job(**kwargs)["RestoreJobId"]
    control.advance_clock(59 * 60)
    assert backup.start_restore_job(**kwargs)["RestoreJobId"] == first
    control.advance_clock(60)
    second = backup.start_restore_job(**kwargs)["RestoreJobId"]
    assert second != first
    assert backup.start_restore_job(**kwargs)["RestoreJobId"] == second


def test_restore_token_reused_with_other_parameters_is_refused(aws, efs_point):
    backup = aws.client("backup")
    kwargs = dict(
        RecoveryPointArn=efs_point["recovery_point_arn"],
        Metadata={"file-system-id": efs_point["file_system_id"], "newFileSystem": "false"},
        IdempotencyToken="mine",
    )
    backup.start_restore_job(**kwargs)
    other = {**kwargs, "Metadata": {**kwargs["Metadata"], "newFileSystem": "true", "CreationToken": "c"}}
    assert error_code(lambda: backup.start_restore_job(**other)) == "InvalidRequestException"
    control.advance_clock(3600)
    assert backup.start_restore_job(**other)["RestoreJobId"]


# ---- backup jobs ----------------------------------------------------------------------------


def test_backup_job_start_by_percent_done_and_parent_filter(aws, efs_point):
    backup = aws.client("backup")
    job = backup.describe_backup_job(BackupJobId=backup.list_backup_jobs()["BackupJobs"][0]["BackupJobId"])
    assert job["PercentDone"] == "100.0"
    assert (job["StartBy"] - job["CreationDate"]).total_seconds() == 8 * 3600
    assert backup.list_backup_jobs(ByParentJobId="no-such-parent")["BackupJobs"] == []
    assert len(backup.list_backup_jobs()["BackupJobs"]) == 1


def test_backup_job_start_window(aws):
    backup, efs = aws.client("backup"), aws.client("efs")
    seed.create_vault(backup, "window-vault")
    fs = seed.create_efs(efs)
    start = dict(BackupVaultName="window-vault", ResourceArn=fs["FileSystemArn"], IamRoleArn=ROLE)
    job = backup.describe_backup_job(BackupJobId=backup.start_backup_job(**start, StartWindowMinutes=120)["BackupJobId"])
    assert (job["StartBy"] - job["CreationDate"]).total_seconds() == 2 * 3600
    assert error_code(lambda: backup.start_backup_job(**start, StartWindowMinutes=30)) == "InvalidParameterValueException"


# ---- vaults ---------------------------------------------------------------------------------


def test_delete_missing_vault_is_access_denied_and_a_full_vault_cannot_go(aws, efs_point):
    backup = aws.client("backup")
    with pytest.raises(ClientError) as error:
        backup.delete_backup_vault(BackupVaultName="never-made")
    assert error.value.response["Error"]["Code"] == "AccessDeniedException"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert error_code(lambda: backup.delete_backup_vault(BackupVaultName=efs_point["backup_vault_name"])) == (
        "InvalidRequestException"
    )
    seed.create_vault(backup, "empty-vault")
    backup.delete_backup_vault(BackupVaultName="empty-vault")


# ---- input validation (the cases; test_emulator_contract.py walks the whole model) --


@pytest.fixture
def lax_backup(aws):
    """A client that sends what it is given: botocore's own checks off."""
    return aws.client("backup", config=Config(parameter_validation=False, retries={"max_attempts": 0}))


@pytest.mark.parametrize(
    "operation, kwargs, code",
    [
        ("list_backup_jobs", {"MaxResults": 0}, "InvalidParameterValueException"),
        ("list_backup_jobs", {"MaxResults": 1001}, "InvalidParameterValueException"),
        ("list_backup_jobs", {"MaxResults": "abc"}, "InvalidParameterValueException"),
        ("list_backup_jobs", {"ByAccountId": "abc"}, "InvalidParameterValueException"),
        ("list_restore_jobs", {"ByStatus": "DONE"}, "InvalidParameterValueException"),
        ("start_restore_job", {"RecoveryPointArn": "arn:aws:backup:x", "Metadata": {"a": 1}}, "InvalidParameterValueException"),
        (
            "start_restore_job",
            {"RecoveryPointArn": "arn:aws:backup:x", "Metadata": {"a": "b"}, "CopySourceTagsToRestoredResource": "yes"},
            "InvalidParameterValueException",
        ),
        ("start_restore_job", {"RecoveryPointArn": "arn:aws:backup:x"}, "MissingParameterValueException"),
        ("get_restore_testing_inferred_metadata", {"BackupVaultName": "some-vault"}, "MissingParameterValueException"),
        ("get_restore_testing_inferred_metadata", {"RecoveryPointArn": "arn:aws:x"}, "MissingParameterValueException"),
        ("create_backup_vault", {"BackupVaultName": "x"}, "InvalidParameterValueException"),
    ],
)
def test_malformed_requests_answer_the_declared_400(lax_backup, operation, kwargs, code):
    assert error_code(lambda: getattr(lax_backup, operation)(**kwargs)) == code


def test_a_date_that_is_no_date_is_a_400(aws):
    import urllib.parse

    backup = aws.client("backup")
    # botocore refuses to serialize "not-a-date"; send it as the query string AWS would see
    backup.meta.events.register(
        "before-sign.backup.ListBackupJobs",
        lambda request, **_: setattr(request, "url", request.url.split("?")[0] + "?" + urllib.parse.urlencode({"createdAfter": "not-a-date"})),
    )
    assert error_code(backup.list_backup_jobs) == "InvalidParameterValueException"


def test_metadata_sent_as_a_list_is_a_400(aws):
    backup = aws.client("backup")

    def as_list(request, **_):
        body = json.loads(request.body)
        body["Metadata"] = ["a"]
        request.data = json.dumps(body).encode()
        request.headers["Content-Length"] = str(len(request.data))

    # botocore cannot serialize a list as a map; rewrite the body as sent
    backup.meta.events.register("before-sign.backup.StartRestoreJob", as_list)

    def call():
        return backup.start_restore_job(RecoveryPointArn="arn:aws:backup:x", Metadata={"a": "b"})

    assert error_code(call) == "InvalidParameterValueException"


def test_rds_resources_need_max_results_of_20(aws):
    backup, rds = aws.client("backup"), aws.client("rds")
    seed.create_vault(backup, "rds-vault")
    db = seed.create_rds_instance(rds, "prod-db")
    seed.backup_and_wait(backup, "rds-vault", db["DBInstanceArn"], ROLE)
    assert error_code(lambda: backup.list_recovery_points_by_resource(ResourceArn=db["DBInstanceArn"], MaxResults=19)) == (
        "InvalidParameterValueException"
    )
    assert len(backup.list_recovery_points_by_resource(ResourceArn=db["DBInstanceArn"], MaxResults=20)["RecoveryPoints"]) == 1


def test_efs_resources_page_below_20(aws, efs_point):
    points = aws.client("backup").list_recovery_points_by_resource(ResourceArn=efs_point["resource_arn"], MaxResults=1)
    assert len(points["RecoveryPoints"]) == 1
