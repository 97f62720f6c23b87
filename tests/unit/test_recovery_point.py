"""Pure parts of module_utils/recovery_point.py: time parsing, query validation, selection,
result shaping and metadata key rules. No AWS, no emulator."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.recovery.aws_backup.plugins.module_utils.recovery_point import (
    InputError,
    build_query,
    drop_unsupported_metadata_keys,
    fetch_base_metadata,
    matches_query,
    newest_first,
    parse_time,
    recovery_point_result,
    resolve_restore_source,
    select_points,
)

NOW = datetime(2026, 11, 25, 8, 0, 0, tzinfo=timezone.utc)
FS_ARN = "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0abc"


def point(arn: str, created: datetime, status: str = "COMPLETED", **extra) -> dict:
    return {"RecoveryPointArn": arn, "CreationDate": created, "Status": status, **extra}


# ---- parse_time ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("-7d", NOW - timedelta(days=7)),
        ("-12h", NOW - timedelta(hours=12)),
        ("-30m", NOW - timedelta(minutes=30)),
        ("-90s", NOW - timedelta(seconds=90)),
        ("-2w", NOW - timedelta(weeks=2)),
        ("+1h", NOW + timedelta(hours=1)),
        ("now", NOW),
        ("2026-11-24T21:55:00Z", datetime(2026, 11, 24, 21, 55, tzinfo=timezone.utc)),
        ("2026-11-24T22:55:00+01:00", datetime(2026, 11, 24, 21, 55, tzinfo=timezone.utc)),
        ("2026-11-24 21:55:00", datetime(2026, 11, 24, 21, 55, tzinfo=timezone.utc)),
        ("2026-11-24", datetime(2026, 11, 24, tzinfo=timezone.utc)),
    ],
)
def test_parse_time_accepts_iso_and_relative(text: str, expected: datetime) -> None:
    parsed = parse_time(text, "created_after", now=NOW)
    assert parsed == expected
    assert parsed.tzinfo is not None and parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize("text", ["yesterday", "-7x", "7d", "2026-13-01", "", "- 7 days"])
def test_parse_time_rejects_garbage_naming_the_option(text: str) -> None:
    with pytest.raises(InputError) as err:
        parse_time(text, "latest_before", now=NOW)
    assert "latest_before" in str(err.value)
    assert "latest_before" in str(err.value)


@pytest.mark.parametrize(
    "text",
    [
        "-9999999d",
        "+9999999d",
        "-99999999999999999999w",
        "-" + "9" * 5000 + "s",
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-01:00",
        "0001-01-01",
        "1969-12-31T23:59:59Z",
        "9999-06-01",
        "-60000w",
    ],
)
def test_parse_time_refuses_times_out_of_range_naming_the_option(text: str) -> None:
    with pytest.raises(InputError) as err:
        parse_time(text, "created_before", now=NOW)
    assert "created_before" in str(err.value)
    assert str(err.value).startswith("created_before: ") and "out of range" in str(err.value)


def test_parse_time_range_bounds() -> None:
    assert parse_time("1970-01-01T00:00:00Z", "t", now=NOW) == datetime(1970, 1, 1, tzinfo=timezone.utc)
    assert parse_time("+5000w", "t", now=NOW) == NOW + timedelta(weeks=5000)
    with pytest.raises(InputError):
        parse_time(datetime(1, 1, 1), "t", now=NOW)


# ---- build_query --------------------------------------------------------------------


def test_query_needs_a_vault_or_a_resource() -> None:
    with pytest.raises(InputError) as err:
        build_query(resource_type="EFS")
    assert "backup_vault_name" in str(err.value)


@pytest.mark.parametrize(
    "kwargs, option",
    [
        ({"backup_vault_name": "vault", "select": "newest"}, "select"),
        ({"backup_vault_name": "vault", "status": ["DONE"]}, "status"),
        ({"backup_vault_name": "vault", "status": []}, "status"),
        ({"backup_vault_name": "vault", "created_after": "soon"}, "created_after"),
        ({"backup_vault_name": "vault", "created_before": "-1q"}, "created_before"),
        ({"backup_vault_name": "vault", "latest_before": "2026-02-30"}, "latest_before"),
        ({"backup_vault_name": "vault", "latest_before": "-1d", "select": "all"}, "latest_before"),
        ({"backup_vault_name": "vault", "created_after": "-1d", "created_before": "-2d"}, "created_after"),
        ({"resource_arn": FS_ARN, "backup_vault_account_id": "210987654321"}, "backup_vault_account_id"),
        ({"backup_vault_name": "vault", "backup_vault_account_id": "acct-1"}, "backup_vault_account_id"),
        ({"backup_vault_name": "vault", "created_after": "-9999999d"}, "created_after"),
        ({"backup_vault_name": "vault", "latest_before": "0001-01-01T00:00:00+01:00"}, "latest_before"),
        ({"backup_vault_name": ""}, "backup_vault_name"),
        ({"backup_vault_name": "", "resource_arn": FS_ARN}, "backup_vault_name"),
        ({"backup_vault_name": "  "}, "backup_vault_name"),
        ({"backup_vault_name": "my vault"}, "backup_vault_name"),
        ({"backup_vault_name": "x" * 51}, "backup_vault_name"),
        ({"resource_arn": ""}, "resource_arn"),
        ({"resource_arn": "fs-0abc"}, "resource_arn"),
        ({"resource_arn": "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/"}, "resource_arn"),
        ({"resource_arn": "arn:aws:sns:us-east-1:123456789012:topic"}, "resource_arn"),
        ({"backup_vault_name": "vault", "resource_arn": FS_ARN + " "}, "resource_arn"),
        ({"backup_vault_name": "vault", "resource_type": ""}, "resource_type"),
        ({"backup_vault_name": "vault", "resource_type": "   "}, "resource_type"),
    ],
)
def test_bad_input_names_the_option(kwargs: dict, option: str) -> None:
    with pytest.raises(InputError) as err:
        build_query(now=NOW, **kwargs)
    assert option in str(err.value)
    assert option in str(err.value)


def test_latest_before_selects_latest_and_takes_the_earlier_bound() -> None:
    query = build_query(backup_vault_name="vault", latest_before="-1d", created_before="-2d", now=NOW)
    assert query.select == "latest"
    assert query.created_before == NOW - timedelta(days=2)
    query = build_query(backup_vault_name="vault", latest_before="-1d", created_before="-1h", now=NOW)
    assert query.created_before == NOW - timedelta(days=1)


@pytest.mark.parametrize("vault", ["vault", "prod-vault_2", "Default", "aws/efs/automatic-backup-vault"])
def test_vault_names_aws_uses_are_accepted(vault: str) -> None:
    assert build_query(backup_vault_name=vault, now=NOW).backup_vault_name == vault


def test_defaults_are_completed_and_all() -> None:
    query = build_query(backup_vault_name="vault", now=NOW)
    assert query.statuses == ("COMPLETED",)
    assert query.select == "all"


# ---- selection ----------------------------------------------------------------------


def test_newest_first_breaks_ties_by_arn_whatever_the_input_order() -> None:
    same = NOW - timedelta(hours=1)
    points = [
        point("arn:rp:c", same),
        point("arn:rp:old", NOW - timedelta(days=1)),
        point("arn:rp:a", same),
        point("arn:rp:b", same),
    ]
    expected = ["arn:rp:a", "arn:rp:b", "arn:rp:c", "arn:rp:old"]
    assert [p["RecoveryPointArn"] for p in newest_first(points)] == expected
    assert [p["RecoveryPointArn"] for p in newest_first(reversed(points))] == expected


def test_select_latest_returns_one_and_all_returns_every_match_newest_first() -> None:
    points = [point(f"arn:rp:{i}", NOW - timedelta(hours=i)) for i in range(5)]
    latest = build_query(backup_vault_name="vault", select="latest", now=NOW)
    assert [p["RecoveryPointArn"] for p in select_points(points, latest)] == ["arn:rp:0"]
    every = build_query(backup_vault_name="vault", now=NOW)
    assert [p["RecoveryPointArn"] for p in select_points(points[::-1], every)] == [f"arn:rp:{i}" for i in range(5)]


def test_latest_before_is_strictly_before() -> None:
    incident = NOW - timedelta(hours=2)
    points = [point("arn:rp:at", incident), point("arn:rp:just-before", incident - timedelta(seconds=1))]
    query = build_query(backup_vault_name="vault", latest_before=incident.isoformat(), now=NOW)
    assert [p["RecoveryPointArn"] for p in select_points(points, query)] == ["arn:rp:just-before"]


def test_status_filter_defaults_to_completed_and_accepts_several() -> None:
    points = [
        point("arn:rp:ok", NOW, "COMPLETED"),
        point("arn:rp:partial", NOW, "PARTIAL"),
        point("arn:rp:running", NOW, "CREATING"),
    ]
    assert [p["RecoveryPointArn"] for p in select_points(points, build_query(backup_vault_name="vault", now=NOW))] == [
        "arn:rp:ok"
    ]
    query = build_query(backup_vault_name="vault", status=["completed", "PARTIAL"], now=NOW)
    assert sorted(p["RecoveryPointArn"] for p in select_points(points, query)) == ["arn:rp:ok", "arn:rp:partial"]


def test_cross_filters_all_apply_together() -> None:
    other = "arn:aws:rds:us-east-1:123456789012:db:prod"
    points = [
        point("arn:rp:efs-in-window", NOW - timedelta(days=2), ResourceArn=FS_ARN, ResourceType="EFS"),
        point("arn:rp:efs-too-old", NOW - timedelta(days=9), ResourceArn=FS_ARN, ResourceType="EFS"),
        point("arn:rp:efs-too-new", NOW - timedelta(hours=1), ResourceArn=FS_ARN, ResourceType="EFS"),
        point("arn:rp:rds-in-window", NOW - timedelta(days=2), ResourceArn=other, ResourceType="RDS"),
        point("arn:rp:efs-partial", NOW - timedelta(days=3), "PARTIAL", ResourceArn=FS_ARN, ResourceType="EFS"),
    ]
    query = build_query(backup_vault_name="vault", resource_type="EFS", created_after="-7d", created_before="-1d", now=NOW)
    assert [p["RecoveryPointArn"] for p in select_points(points, query)] == ["arn:rp:efs-in-window"]
    query = build_query(backup_vault_name="vault", resource_arn=other, created_after="-7d", now=NOW)
    assert [p["RecoveryPointArn"] for p in select_points(points, query)] == ["arn:rp:rds-in-window"]
    assert (
        not matches_query(points[0], build_query(backup_vault_name="other-vault", now=NOW))
        or "BackupVaultName" not in points[0]
    )


def test_created_after_is_inclusive() -> None:
    start = NOW - timedelta(days=1)
    query = build_query(backup_vault_name="vault", created_after=start.isoformat(), now=NOW)
    assert matches_query(point("arn:rp:edge", start), query)
    assert not matches_query(point("arn:rp:before", start - timedelta(microseconds=1)), query)


# ---- results ------------------------------------------------------------------------


def test_result_is_snake_case_with_iso_dates_and_age() -> None:
    created = NOW - timedelta(hours=3)
    raw = point(
        "arn:rp:1",
        created,
        ResourceArn=FS_ARN,
        ResourceType="EFS",
        BackupVaultName="vault",
        IsEncrypted=True,
        EncryptionKeyArn="arn:aws:kms:us-east-1:123456789012:key/k",
        Lifecycle={"DeleteAfterDays": 35},
        CalculatedLifecycle={"DeleteAt": created + timedelta(days=35)},
    )
    result = recovery_point_result(raw, now=NOW)
    assert result["recovery_point_arn"] == "arn:rp:1"
    assert result["resource_type"] == "EFS"
    assert result["is_encrypted"] is True
    assert result["creation_date"] == created.isoformat()
    assert result["lifecycle"] == {"delete_after_days": 35}
    assert result["calculated_lifecycle"] == {"delete_at": (created + timedelta(days=35)).isoformat()}
    assert result["age_seconds"] == 3 * 3600


# ---- metadata rules -----------------------------------------------------------------


def test_efs_keeps_documented_keys_and_notes_each_dropped_key_without_its_value() -> None:
    metadata = {
        "file-system-id": "fs-0abc",
        "Encrypted": "true",
        "KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/k",
        "PerformanceMode": "generalPurpose",
        "CreationToken": "tok",
        "newFileSystem": "true",
        "ItemsToRestore": '["/a"]',
        "ThroughputMode": "bursting",
        "aws:backup:source-secret": "s3cr3t",
    }
    kept, notes = drop_unsupported_metadata_keys("EFS", metadata)
    assert set(kept) == {
        "file-system-id",
        "Encrypted",
        "KmsKeyId",
        "PerformanceMode",
        "CreationToken",
        "newFileSystem",
        "ItemsToRestore",
    }
    assert len(notes) == 2
    assert any("ThroughputMode" in n for n in notes) and any("aws:backup:source-secret" in n for n in notes)
    assert not any("s3cr3t" in n for n in notes)
    assert metadata["ThroughputMode"] == "bursting"  # input not mutated


def test_efs_key_rule_ignores_case_as_aws_does() -> None:
    kept, notes = drop_unsupported_metadata_keys(
        "EFS", {"encrypted": "true", "NewFileSystem": "true", "FILE-SYSTEM-ID": "fs-1", "throughputmode": "x"}
    )
    assert kept == {"encrypted": "true", "NewFileSystem": "true", "FILE-SYSTEM-ID": "fs-1"}
    assert len(notes) == 1 and "throughputmode" in notes[0]


def test_rds_multi_az_drops_the_availability_zone_only() -> None:
    metadata = {"DBInstanceIdentifier": "prod-db", "MultiAZ": "true", "AvailabilityZone": "us-east-1a", "Port": "5432"}
    kept, notes = drop_unsupported_metadata_keys("RDS", metadata)
    assert kept == {"DBInstanceIdentifier": "prod-db", "MultiAZ": "true", "Port": "5432"}
    assert len(notes) == 1 and "AvailabilityZone" in notes[0] and "us-east-1a" not in notes[0]
    single_az = dict(metadata, MultiAZ="false")
    assert drop_unsupported_metadata_keys("RDS", single_az) == (single_az, [])


@pytest.mark.parametrize("resource_type", ["RDS", "Aurora", None, "Timestream"])
def test_types_without_a_documented_rule_pass_through(resource_type) -> None:
    metadata = {"DBInstanceIdentifier": "prod-db", "Port": "5432", "AvailabilityZone": "us-east-1a"}
    kept, notes = drop_unsupported_metadata_keys(resource_type, metadata)
    assert kept == metadata and notes == []


def test_metadata_source_none_makes_no_call_and_bad_source_names_the_option() -> None:
    class NoCalls:
        def __getattr__(self, name):
            raise AssertionError(f"unexpected AWS call {name}")

    assert fetch_base_metadata(NoCalls(), "none", "arn:rp:1", None) == {}
    with pytest.raises(InputError) as err:
        fetch_base_metadata(NoCalls(), "backup", "arn:rp:1", "vault")
    assert "metadata_source" in str(err.value)
    with pytest.raises(InputError) as err:
        fetch_base_metadata(NoCalls(), "recovery_point", "arn:rp:1", None)
    assert "backup_vault_name" in str(err.value)


class NoCalls:
    def __getattr__(self, name):
        raise AssertionError(f"unexpected AWS call {name}")


@pytest.mark.parametrize(
    "kwargs, option",
    [
        ({"recovery_point_arn": ""}, "recovery_point_arn"),
        ({"recovery_point_arn": "arn:aws:backup:us-east-1:123456789012:recovery-point:"}, "recovery_point_arn"),
        ({"recovery_point_arn": "arn:aws:rds:us-east-1:123456789012:db:prod"}, "recovery_point_arn"),
        ({"recovery_point_arn": "arn:aws:ec2:us-east-1::snapshot/snap-1", "backup_vault_name": ""}, "backup_vault_name"),
        ({"resource_arn": "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-1"}, "resource_arn"),
        ({"resource_arn": FS_ARN, "latest_before": "-9999999d"}, "latest_before"),
        ({"resource_arn": FS_ARN, "backup_vault_name": "no such/vault"}, "backup_vault_name"),
    ],
)
def test_restore_source_refuses_bad_input_before_any_aws_call(kwargs: dict, option: str) -> None:
    with pytest.raises(InputError) as err:
        resolve_restore_source(NoCalls(), now=NOW, **kwargs)
    assert option in str(err.value)
    assert option in str(err.value)


def test_restore_source_takes_a_well_formed_recovery_point_arn_as_given() -> None:
    arn = "arn:aws:rds:us-east-1:123456789012:cluster-snapshot:awsbackup:job-1234"
    assert resolve_restore_source(NoCalls(), recovery_point_arn=arn, backup_vault_name="vault") == {
        "RecoveryPointArn": arn,
        "BackupVaultName": "vault",
    }
