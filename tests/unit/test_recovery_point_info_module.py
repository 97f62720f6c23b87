"""The backup_recovery_point_info module's `main`, in process against the emulator (`aws`):
input validation before any AWS call, result shape, select/latest_before, check mode and
include_restore_metadata with masking."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import MASK
from ansible_collections.recovery.aws_backup.plugins.modules import backup_recovery_point_info
from tests.emulator import seed
from tests.unit.module_runner import run_module_main

VAULT = "test-vault"


def run_module(capsys, args: dict, check_mode: bool = False) -> dict:
    return run_module_main(capsys, backup_recovery_point_info.main, args, check_mode)


@pytest.fixture
def efs_point(aws):
    return seed.seed_efs_recovery_point(aws.client("backup"), aws.client("efs"), aws.client("iam"), VAULT)


@pytest.mark.parametrize(
    "args, option",
    [
        ({"resource_type": "EFS"}, "backup_vault_name"),
        ({"backup_vault_name": VAULT, "select": "newest"}, "select"),
        ({"backup_vault_name": VAULT, "status": ["DONE"]}, "status"),
        ({"backup_vault_name": VAULT, "created_after": "last tuesday"}, "created_after"),
        ({"backup_vault_name": VAULT, "created_before": "-3y"}, "created_before"),
        ({"backup_vault_name": VAULT, "latest_before": "2026-11-31T00:00:00Z"}, "latest_before"),
        ({"backup_vault_name": VAULT, "latest_before": "-1h", "select": "all"}, "latest_before"),
        (
            {
                "resource_arn": "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1",
                "backup_vault_account_id": "210987654321",
            },
            "backup_vault_account_id",
        ),
        ({"backup_vault_name": VAULT, "created_before": "-9999999d"}, "created_before"),
        ({"backup_vault_name": VAULT, "created_after": "+9999999d"}, "created_after"),
        ({"backup_vault_name": VAULT, "latest_before": "0001-01-01T00:00:00+01:00"}, "latest_before"),
        ({"resource_arn": ""}, "resource_arn"),
        ({"resource_arn": "fs-0abc1234"}, "resource_arn"),
        ({"resource_arn": "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/"}, "resource_arn"),
        ({"resource_arn": "arn:aws:iam::123456789012:role/backup-restore"}, "resource_arn"),
        ({"backup_vault_name": VAULT, "resource_arn": "arn:aws:s3:::bucket/object"}, "resource_arn"),
        ({"backup_vault_name": ""}, "backup_vault_name"),
        ({"backup_vault_name": "", "resource_arn": "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1"}, "backup_vault_name"),
        ({"backup_vault_name": "prod vault"}, "backup_vault_name"),
        ({"backup_vault_name": VAULT, "resource_type": ""}, "resource_type"),
    ],
)
def test_bad_input_fails_naming_the_option_before_any_aws_call(aws, capsys, args, option):
    aws.reset_calls()
    result = run_module(capsys, args)
    assert result["failed"] is True
    assert option in result["msg"]
    assert result.get("option", option) == option
    assert "Traceback" not in json.dumps(result) and "Unexpected" not in result["msg"]
    assert aws.calls() == {}


def test_latest_by_resource_result_shape(aws, capsys, efs_point):
    result = run_module(capsys, {"resource_arn": efs_point["resource_arn"], "select": "latest"})
    assert result["changed"] is False
    (point,) = result["recovery_points"]
    assert point["recovery_point_arn"] == efs_point["recovery_point_arn"]
    assert point["resource_arn"] == efs_point["resource_arn"]
    assert point["resource_type"] == "EFS"
    assert point["backup_vault_name"] == VAULT
    assert point["status"] == "COMPLETED"
    assert "is_encrypted" in point and "encryption_key_arn" in point
    created = datetime.fromisoformat(point["creation_date"])
    assert 0 <= point["age_seconds"] <= (datetime.now(timezone.utc) - created).total_seconds() + 1
    assert "restore_metadata" not in point


def test_check_mode_and_none_found(aws, capsys, efs_point):
    result = run_module(capsys, {"backup_vault_name": VAULT, "latest_before": "-1d"}, check_mode=True)
    assert result["changed"] is False
    assert result["recovery_points"] == []
    assert "failed" not in result


def test_include_restore_metadata_masks_credentials(aws, capsys, efs_point):
    # The emulator's EFS metadata, like AWS's, holds no credential; give this point one so
    # the masking path is exercised (as other resource types' metadata could carry).
    from moto.backup.models import backup_backends

    secret = "hunter2-not-for-logs"
    backend = backup_backends[aws.account_id]["us-east-1"]
    backend.recovery_points[efs_point["recovery_point_arn"]].restore_metadata["MasterUserPassword"] = secret
    aws.reset_calls()

    result = run_module(capsys, {"backup_vault_name": VAULT, "select": "latest", "include_restore_metadata": True})

    (point,) = result["recovery_points"]
    metadata = point["restore_metadata"]
    assert metadata["file-system-id"] == efs_point["file_system_id"]
    assert metadata["MasterUserPassword"] == MASK
    assert secret not in json.dumps(result)
    calls = aws.calls()
    assert calls == {"ListRecoveryPointsByBackupVault": 1, "GetRecoveryPointRestoreMetadata": 1}


def test_a_vault_that_does_not_exist_is_named(aws, capsys):
    result = run_module(capsys, {"backup_vault_name": "no-such-vault"})
    assert result["failed"] is True
    assert result["msg"] == "backup_vault_name: there is no backup vault named 'no-such-vault' in Region us-east-1 (the vaults there: none)"


def test_aws_error_is_a_clean_failure_naming_the_permission(aws, capsys):
    aws.deny("ListRecoveryPointsByResource")
    result = run_module(capsys, {"resource_arn": "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-12345678"})
    assert result["failed"] is True
    assert result["msg"].startswith(
        "Failed to list recovery points of resource arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-12345678 "
        "(AWS refused it: the task's credentials lack the IAM permission backup:ListRecoveryPointsByResource)"
    )
    assert "Traceback" not in result["msg"]
