"""module_utils/recovery_point.py against the in-process emulator (`aws` fixture): finding
recovery points by vault and by resource, latest / latest_before, filters, pagination and
API call counts, metadata sources."""

from __future__ import annotations

import time
from datetime import datetime, timezone

import pytest

from ansible_collections.recovery.aws_backup.plugins.module_utils.recovery_point import (
    InputError,
    build_query,
    fetch_base_metadata,
    find_latest_recovery_point,
    find_recovery_points,
)
from tests.emulator import seed

VAULT = "test-vault"


@pytest.fixture
def clients(aws):
    return aws.client("backup"), aws.client("efs"), aws.client("iam")


def _pause() -> datetime:
    """A wall-clock instant strictly between backups seeded before and after it."""
    time.sleep(0.02)
    instant = datetime.now(timezone.utc)
    time.sleep(0.02)
    return instant


def _arns(points):
    return [p["RecoveryPointArn"] for p in points]


def test_latest_by_resource_lists_by_resource_and_returns_full_fields(aws, clients):
    backup, efs, iam = clients
    first = seed.seed_efs_recovery_point(backup, efs, iam, VAULT)
    seed.create_vault(backup, "other-vault")
    _pause()
    newer = seed.backup_and_wait(backup, "other-vault", first["resource_arn"], first["iam_role_arn"])
    aws.reset_calls()

    points = find_recovery_points(backup, build_query(resource_arn=first["resource_arn"], select="latest"))

    assert _arns(points) == [newer.recovery_point_arn]
    assert points[0]["BackupVaultName"] == "other-vault"
    # full ListRecoveryPointsByBackupVault fields, not the short by-resource shape
    assert points[0]["ResourceType"] == "EFS"
    assert points[0]["ResourceArn"] == first["resource_arn"]
    assert "IsEncrypted" in points[0]
    calls = aws.calls()
    assert calls.get("ListRecoveryPointsByResource") == 1
    assert calls.get("ListRecoveryPointsByBackupVault") == 1  # one vault enriched, not both
    assert not calls.get("DescribeRecoveryPoint")


def test_all_by_resource_spans_vaults_newest_first(aws, clients):
    backup, efs, iam = clients
    first = seed.seed_efs_recovery_point(backup, efs, iam, VAULT)
    seed.create_vault(backup, "other-vault")
    _pause()
    second = seed.backup_and_wait(backup, "other-vault", first["resource_arn"], first["iam_role_arn"])
    points = find_recovery_points(backup, build_query(resource_arn=first["resource_arn"]))
    assert _arns(points) == [second.recovery_point_arn, first["recovery_point_arn"]]
    assert {p["BackupVaultName"] for p in points} == {VAULT, "other-vault"}
    assert all(p["ResourceType"] == "EFS" for p in points)


def test_latest_by_vault_across_resources(aws, clients):
    backup, efs, iam = clients
    fs_a = seed.seed_efs_recovery_point(backup, efs, iam, VAULT)
    _pause()
    fs_b = seed.seed_efs_recovery_point(backup, efs, iam, VAULT)
    aws.reset_calls()
    points = find_recovery_points(backup, build_query(backup_vault_name=VAULT, select="latest"))
    assert _arns(points) == [fs_b["recovery_point_arn"]]
    assert aws.calls() == {"ListRecoveryPointsByBackupVault": 1}
    # and restricted to the older file system's resource
    points = find_recovery_points(
        backup, build_query(backup_vault_name=VAULT, resource_arn=fs_a["resource_arn"], select="latest")
    )
    assert _arns(points) == [fs_a["recovery_point_arn"]]


def test_latest_before_picks_the_newest_point_before_the_incident(aws, clients):
    backup, efs, iam = clients
    fs = seed.seed_efs_recovery_point(backup, efs, iam, VAULT)
    _pause()
    good = seed.backup_and_wait(backup, VAULT, fs["resource_arn"], fs["iam_role_arn"])
    incident = _pause()
    seed.backup_and_wait(backup, VAULT, fs["resource_arn"], fs["iam_role_arn"])  # after: corrupted data

    by_vault = find_recovery_points(backup, build_query(backup_vault_name=VAULT, latest_before=incident.isoformat()))
    assert _arns(by_vault) == [good.recovery_point_arn]
    by_resource = find_recovery_points(
        backup, build_query(resource_arn=fs["resource_arn"], latest_before=incident.isoformat())
    )
    assert _arns(by_resource) == [good.recovery_point_arn]
    latest = find_latest_recovery_point(backup, fs["resource_arn"], VAULT, before=incident)
    assert latest["RecoveryPointArn"] == good.recovery_point_arn
    assert latest["BackupVaultName"] == VAULT


def test_none_found_is_an_empty_list_not_an_error(aws, clients):
    backup, efs, iam = clients
    fs = seed.seed_efs_recovery_point(backup, efs, iam, VAULT)
    seed.create_vault(backup, "empty-vault")
    assert find_recovery_points(backup, build_query(backup_vault_name="empty-vault")) == []
    assert find_recovery_points(backup, build_query(backup_vault_name=VAULT, latest_before="-1d")) == []
    assert find_recovery_points(backup, build_query(backup_vault_name=VAULT, resource_type="RDS")) == []
    assert find_recovery_points(backup, build_query(resource_arn=fs["resource_arn"], resource_type="Aurora")) == []
    other_fs = seed.create_efs(efs)
    assert find_recovery_points(backup, build_query(resource_arn=other_fs["FileSystemArn"])) == []
    assert find_latest_recovery_point(backup, other_fs["FileSystemArn"]) is None


def test_cross_filters_vault_resource_status_and_time(aws, clients):
    backup, efs, iam = clients
    fs_a = seed.seed_efs_recovery_point(backup, efs, iam, VAULT)
    fs_b = seed.seed_efs_recovery_point(backup, efs, iam, VAULT)
    seed.create_vault(backup, "other-vault")
    a_other = seed.backup_and_wait(backup, "other-vault", fs_a["resource_arn"], fs_a["iam_role_arn"])
    start = _pause()
    a_recent = seed.backup_and_wait(backup, VAULT, fs_a["resource_arn"], fs_a["iam_role_arn"])
    aws.configure(backup_job_seconds=3600)  # a backup still running: its point is not COMPLETED
    running = seed.start_backup(backup, VAULT, fs_a["resource_arn"], fs_a["iam_role_arn"])

    in_vault_recent = build_query(
        backup_vault_name=VAULT, resource_arn=fs_a["resource_arn"], resource_type="EFS", created_after=start.isoformat()
    )
    assert _arns(find_recovery_points(backup, in_vault_recent)) == [a_recent.recovery_point_arn]

    with_running = build_query(
        backup_vault_name=VAULT,
        resource_arn=fs_a["resource_arn"],
        status=["COMPLETED", "CREATING"],
        created_after=start.isoformat(),
    )
    assert _arns(find_recovery_points(backup, with_running)) == [
        running.recovery_point_arn,
        a_recent.recovery_point_arn,
    ]

    only_running = build_query(resource_arn=fs_a["resource_arn"], status=["CREATING"])
    assert _arns(find_recovery_points(backup, only_running)) == [running.recovery_point_arn]

    older_than_start = build_query(resource_arn=fs_a["resource_arn"], created_before=start.isoformat())
    assert _arns(find_recovery_points(backup, older_than_start)) == [
        a_other.recovery_point_arn,
        fs_a["recovery_point_arn"],
    ]

    vault_b_only = build_query(backup_vault_name=VAULT, resource_arn=fs_b["resource_arn"])
    assert _arns(find_recovery_points(backup, vault_b_only)) == [fs_b["recovery_point_arn"]]


def test_pagination_over_1000_points_lists_pages_and_describes_nothing(aws, clients):
    backup, efs, iam = clients
    fs = seed.seed_efs_recovery_point(backup, efs, iam, VAULT)
    other = seed.create_efs(efs)
    seed.many_backups(backup, VAULT, other["FileSystemArn"], fs["iam_role_arn"], 600)
    arns = seed.many_backups(backup, VAULT, fs["resource_arn"], fs["iam_role_arn"], 600)
    total = 1 + 600 + 600
    aws.reset_calls()

    every = find_recovery_points(backup, build_query(backup_vault_name=VAULT))
    assert len(every) == total
    assert len(set(_arns(every))) == total
    pages = aws.calls()["ListRecoveryPointsByBackupVault"]
    assert pages >= 2, "the vault must not fit one page, or pagination is not exercised"
    aws.reset_calls()

    latest = find_recovery_points(
        backup, build_query(backup_vault_name=VAULT, resource_arn=fs["resource_arn"], select="latest")
    )
    assert _arns(latest) == [arns[-1]]
    calls = aws.calls()
    assert set(calls) == {"ListRecoveryPointsByBackupVault"}
    assert calls["ListRecoveryPointsByBackupVault"] <= pages

    aws.reset_calls()
    by_resource = find_recovery_points(backup, build_query(resource_arn=fs["resource_arn"]))
    assert len(by_resource) == 601
    assert _arns(by_resource)[0] == arns[-1]
    assert not aws.calls().get("DescribeRecoveryPoint")


def test_metadata_sources(aws, clients):
    backup, efs, iam = clients
    fs = seed.seed_efs_recovery_point(backup, efs, iam, VAULT, performance_mode="maxIO")
    at_backup = fetch_base_metadata(backup, "recovery_point", fs["recovery_point_arn"], VAULT)
    assert at_backup["file-system-id"] == fs["file_system_id"]
    assert at_backup["PerformanceMode"] == "maxIO"
    inferred = fetch_base_metadata(backup, "inferred", fs["recovery_point_arn"], VAULT)
    # AWS's restore-testing defaults for EFS: a new, encrypted file system
    # (https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing-inferred-metadata.html)
    # AWS reads metadata keys case-insensitively and documents these in lower camel case.
    inferred_lower = {k.lower(): v for k, v in inferred.items()}
    assert inferred_lower["newfilesystem"] == "true"
    assert inferred_lower["encrypted"] == "true"
    assert inferred_lower["file-system-id"] == fs["file_system_id"]
    aws.reset_calls()
    assert fetch_base_metadata(backup, "none", fs["recovery_point_arn"], VAULT) == {}
    assert aws.calls() == {}


def test_metadata_without_vault_fails_before_any_call(aws, clients):
    backup, efs, iam = clients
    fs = seed.seed_efs_recovery_point(backup, efs, iam, VAULT)
    aws.reset_calls()
    with pytest.raises(InputError) as err:
        fetch_base_metadata(backup, "recovery_point", fs["recovery_point_arn"], None)
    assert "backup_vault_name" in str(err.value)
    assert aws.calls() == {}


def test_restore_by_resource_finds_the_vault_for_the_metadata_call(aws, clients):
    """The path backup_restore_job takes for resource_arn without a vault."""
    backup, efs, iam = clients
    fs = seed.seed_efs_recovery_point(backup, efs, iam, "somewhere")
    latest = find_latest_recovery_point(backup, fs["resource_arn"])
    metadata = fetch_base_metadata(backup, "recovery_point", latest["RecoveryPointArn"], latest["BackupVaultName"])
    assert metadata["file-system-id"] == fs["file_system_id"]


def test_latest_of_a_resource_alone_takes_the_type_its_arn_names_without_listing_its_vault(aws, clients):
    """backup_restore_job's resource_arn without a vault: a restore needs the point's type, which
    an EFS file system's ARN tells, so only ListRecoveryPointsByResource is called."""
    backup, efs, iam = clients
    fs = seed.seed_efs_recovery_point(backup, efs, iam, VAULT)
    aws.reset_calls()
    latest = find_latest_recovery_point(backup, fs["resource_arn"])
    assert aws.calls() == {"ListRecoveryPointsByResource": 1}
    assert latest["RecoveryPointArn"] == fs["recovery_point_arn"]
    assert latest["BackupVaultName"] == VAULT and latest["Status"] == "COMPLETED" and latest["CreationDate"]
    assert latest["ResourceType"] == "EFS" and latest["ResourceArn"] == fs["resource_arn"]
    assert "IsEncrypted" not in latest  # the short shape: the vault was not listed
    # what the ARN names wins over a resource_type that says otherwise
    assert find_latest_recovery_point(backup, fs["resource_arn"], resource_type="RDS")["ResourceType"] == "EFS"


@pytest.mark.parametrize("resource_type, calls", [
    (None, {"ListRecoveryPointsByResource": 1, "ListRecoveryPointsByBackupVault": 1}),
    ("Aurora", {"ListRecoveryPointsByResource": 1}),
])  # fmt: skip
def test_latest_of_an_rds_cluster_alone_lists_its_vault_unless_the_type_is_given(aws, resource_type, calls):
    # Aurora, DocumentDB and Neptune clusters share the rds cluster ARN form.
    backup, rds, iam = aws.client("backup"), aws.client("rds"), aws.client("iam")
    seed.create_vault(backup, VAULT)
    cluster = seed.create_aurora_cluster(rds)
    point = seed.backup_and_wait(backup, VAULT, cluster["DBClusterArn"], seed.ensure_backup_role(iam))
    aws.reset_calls()
    latest = find_latest_recovery_point(backup, cluster["DBClusterArn"], resource_type=resource_type)
    assert aws.calls() == calls
    assert latest["RecoveryPointArn"] == point.recovery_point_arn
    assert latest["ResourceType"] == "Aurora" and latest["ResourceArn"] == cluster["DBClusterArn"]


def test_multi_az_rds_metadata_at_backup_time_drops_its_availability_zone(aws):
    from ansible_collections.recovery.aws_backup.plugins.module_utils.recovery_point import (
        drop_unsupported_metadata_keys,
    )

    backup, rds, iam = aws.client("backup"), aws.client("rds"), aws.client("iam")
    seed.create_vault(backup, VAULT)
    db = seed.create_rds_instance(rds, "prod-db", MultiAZ=True, AvailabilityZone="us-east-1a")
    point = seed.backup_and_wait(backup, VAULT, db["DBInstanceArn"], seed.ensure_backup_role(iam))
    latest = find_latest_recovery_point(backup, db["DBInstanceArn"])
    assert latest["RecoveryPointArn"] == point.recovery_point_arn
    assert latest["ResourceType"] == "RDS"
    metadata = fetch_base_metadata(backup, "recovery_point", latest["RecoveryPointArn"], latest["BackupVaultName"])
    kept, notes = drop_unsupported_metadata_keys(latest["ResourceType"], metadata)
    assert kept["DBInstanceIdentifier"] == "prod-db"
    assert metadata.get("MultiAZ") == "true" and metadata.get("AvailabilityZone"), sorted(metadata)
    assert "AvailabilityZone" not in kept
    assert len(notes) == 1 and "AvailabilityZone" in notes[0]


def test_throttled_listing_is_retried_beyond_botocores_own_retries(aws, clients):
    from botocore.config import Config

    backup, efs, iam = clients
    fs = seed.seed_efs_recovery_point(backup, efs, iam, VAULT)
    # A client that does not retry by itself, so the retry seen is AWSRetry's.
    no_retry = aws.client("backup", config=Config(retries={"max_attempts": 1, "mode": "standard"}))
    aws.throttle("ListRecoveryPointsByBackupVault", 1)
    aws.reset_calls()
    points = find_recovery_points(no_retry, build_query(backup_vault_name=VAULT, select="latest"))
    assert _arns(points) == [fs["recovery_point_arn"]]
    assert aws.calls()["ListRecoveryPointsByBackupVault"] == 2


def test_shared_vault_of_another_account(aws):
    """backup_vault_account_id: the central backup account's vault, read from this account."""
    central = "210987654321"
    credentials = aws.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{central}:role/backup-admin", RoleSessionName="seed"
    )["Credentials"]
    as_central = {
        "aws_access_key_id": credentials["AccessKeyId"],
        "aws_secret_access_key": credentials["SecretAccessKey"],
        "aws_session_token": credentials["SessionToken"],
    }
    backup_c, efs_c, iam_c = (aws.client(s, **as_central) for s in ("backup", "efs", "iam"))
    central_point = seed.seed_efs_recovery_point(backup_c, efs_c, iam_c, "central-vault")
    backup = aws.client("backup")
    seed.create_vault(backup, "central-vault")  # same name in this account, other contents
    aws.reset_calls()

    shared = find_recovery_points(
        backup, build_query(backup_vault_name="central-vault", backup_vault_account_id=central, select="latest")
    )
    assert _arns(shared) == [central_point["recovery_point_arn"]]
    assert find_recovery_points(backup, build_query(backup_vault_name="central-vault")) == []
    metadata = fetch_base_metadata(
        backup, "recovery_point", central_point["recovery_point_arn"], "central-vault", central
    )
    assert metadata["file-system-id"] == central_point["file_system_id"]


def test_resolve_restore_source(aws, clients):
    from ansible_collections.recovery.aws_backup.plugins.module_utils.recovery_point import (
        RecoveryPointNotFoundError,
        resolve_restore_source,
    )

    backup, efs, iam = clients
    fs = seed.seed_efs_recovery_point(backup, efs, iam, VAULT)
    aws.reset_calls()
    given = resolve_restore_source(backup, recovery_point_arn=fs["recovery_point_arn"], backup_vault_name=VAULT)
    assert given == {"RecoveryPointArn": fs["recovery_point_arn"], "BackupVaultName": VAULT}
    for kwargs, option in [
        ({"recovery_point_arn": fs["recovery_point_arn"], "resource_arn": fs["resource_arn"]}, "resource_arn"),
        ({"recovery_point_arn": fs["recovery_point_arn"], "latest_before": "-1h"}, "latest_before"),
        ({}, "recovery_point_arn"),
        ({"resource_arn": fs["resource_arn"], "latest_before": "after lunch"}, "latest_before"),
    ]:
        with pytest.raises(InputError) as err:
            resolve_restore_source(backup, **kwargs)
        assert option in str(err.value)
    assert aws.calls() == {}

    found = resolve_restore_source(backup, resource_arn=fs["resource_arn"])
    assert found["RecoveryPointArn"] == fs["recovery_point_arn"]
    assert found["BackupVaultName"] == VAULT and found["ResourceType"] == "EFS"
    with pytest.raises(RecoveryPointNotFoundError, match="in vault test-vault created before"):
        resolve_restore_source(backup, resource_arn=fs["resource_arn"], backup_vault_name=VAULT, latest_before="-1d")
