"""backup_recovery_point_info through real ansible-playbook runs against the emulator server:
"the newest EFS backup of file system X from before time T" on a vault of 1,100 points."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path

from tests.emulator import seed

PLAYBOOKS = Path(__file__).parent / "playbooks" / "backup_recovery_point_info"
VAULT = "prod-vault"


def _instant_between_backups() -> str:
    time.sleep(0.05)
    instant = datetime.now(timezone.utc)
    time.sleep(0.05)
    return instant.isoformat()


def test_newest_efs_backup_before_the_incident_on_a_large_vault(emulator_server, run_playbook):
    backup, efs, iam = (emulator_server.client(s) for s in ("backup", "efs", "iam"))
    fs_x = seed.seed_efs_recovery_point(backup, efs, iam, VAULT)
    fs_y = seed.create_efs(efs)
    x_before = [
        fs_x["recovery_point_arn"],
        *seed.many_backups(backup, VAULT, fs_x["resource_arn"], fs_x["iam_role_arn"], 399),
    ]
    y_before = seed.many_backups(backup, VAULT, fs_y["FileSystemArn"], fs_x["iam_role_arn"], 400)
    incident_time = _instant_between_backups()
    x_after = seed.many_backups(backup, VAULT, fs_x["resource_arn"], fs_x["iam_role_arn"], 300)
    assert len(x_before) + len(y_before) + len(x_after) == 1100
    emulator_server.reset_calls()

    result = run_playbook(
        PLAYBOOKS / "before_incident.yml",
        extra_vars={"vault_name": VAULT, "file_system_arn": fs_x["resource_arn"], "incident_time": incident_time},
    )

    assert result.rc == 0, result.stdout + result.stderr
    assert "[WARNING]" not in result.stderr, result.stderr
    answers = result.load_json("answers.json")

    (chosen,) = answers["before_incident"]["recovery_points"]
    assert chosen["recovery_point_arn"] == x_before[-1]
    assert chosen["resource_arn"] == fs_x["resource_arn"]
    assert chosen["resource_type"] == "EFS"
    assert chosen["backup_vault_name"] == VAULT
    assert chosen["status"] == "COMPLETED"
    assert chosen["age_seconds"] >= 0

    (described,) = answers["with_metadata"]["recovery_points"]
    assert described["recovery_point_arn"] == x_before[-1]
    assert described["restore_metadata"]["file-system-id"] == fs_x["file_system_id"]

    every = answers["all_before"]["recovery_points"]
    assert len(every) == 800
    assert {p["recovery_point_arn"] for p in every} == set(x_before) | set(y_before)
    dates = [p["creation_date"] for p in every]
    assert dates == sorted(dates, reverse=True)

    (newest,) = answers["newest_anywhere"]["recovery_points"]
    assert newest["recovery_point_arn"] == x_after[-1]

    assert answers["bad_time"]["failed"] is True
    assert "latest_before" in answers["bad_time"]["msg"]

    calls = emulator_server.calls()
    # Listing pages only: three vault listings of 1,100 points, one by-resource listing and
    # one narrowed vault listing for its full fields. Nothing described point by point.
    assert not calls.get("DescribeRecoveryPoint")
    assert calls.get("GetRecoveryPointRestoreMetadata") == 1  # for the one point returned
    assert calls.get("ListRecoveryPointsByResource") == 1
    assert 4 <= calls["ListRecoveryPointsByBackupVault"] <= 7


def test_no_backup_before_the_incident_fails_the_play_as_documented(emulator_server, run_playbook):
    backup, efs, iam = (emulator_server.client(s) for s in ("backup", "efs", "iam"))
    seed.seed_efs_recovery_point(backup, efs, iam, VAULT)

    result = run_playbook(PLAYBOOKS / "none_found.yml", extra_vars={"vault_name": VAULT})

    assert (result.output_dir / "none_found.json").exists(), result.stdout + result.stderr
    assert result.load_json("none_found.json")["recovery_points"] == []
    assert result.rc != 0
    assert f"No completed backup in {VAULT} before the incident" in result.stdout
