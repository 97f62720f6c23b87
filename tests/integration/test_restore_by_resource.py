"""backup_restore_job finding the recovery point and its metadata, through ansible-playbook."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path

from tests.emulator import seed

PLAYBOOKS = Path(__file__).parent / "playbooks" / "restore_by_resource"
VAULT = "test-vault"


def test_newest_backup_before_the_incident_as_a_new_encrypted_file_system(emulator_server, run_playbook):
    emulator_server.configure(restore_job_seconds=1)
    backup, efs, iam = (emulator_server.client(name) for name in ("backup", "efs", "iam"))
    source = seed.seed_efs_recovery_point(backup, efs, iam, VAULT)
    second = seed.backup_and_wait(backup, VAULT, source["resource_arn"], source["iam_role_arn"])
    time.sleep(0.05)
    incident = datetime.now(timezone.utc)
    time.sleep(0.05)
    seed.backup_and_wait(backup, VAULT, source["resource_arn"], source["iam_role_arn"])
    variables = {
        "file_system_arn": source["resource_arn"],
        "vault": VAULT,
        "incident_time": incident.isoformat(),
        "backup_role_arn": source["iam_role_arn"],
    }

    checked = run_playbook(PLAYBOOKS / "restore_before_incident.yml", variables, check=True, diff=True)
    assert checked.rc == 0, checked.stdout
    preview = checked.load_json("restore.json")
    assert preview["changed"] is True and preview["recovery_point"]["recovery_point_arn"] == second.recovery_point_arn
    # The backed-up configuration with the user's overrides on top.
    assert preview["restore_request"]["metadata"]["file-system-id"] == source["file_system_id"]
    assert preview["restore_request"]["metadata"]["newFileSystem"] == "true"
    assert preview["restore_request"]["metadata"]["CreationToken"] == "app-data-before-incident"
    assert "StartRestoreJob" not in emulator_server.calls()

    restored = run_playbook(PLAYBOOKS / "restore_before_incident.yml", variables)
    assert restored.rc == 0, restored.stdout
    result = restored.load_json("restore.json")
    job = result["restore_job"]
    assert result["changed"] is True and job["status"] == "COMPLETED"
    assert job["recovery_point_arn"] == second.recovery_point_arn
    file_system = [fs for fs in efs.describe_file_systems()["FileSystems"] if fs["FileSystemArn"] == job["created_resource_arn"]][0]
    assert file_system["Encrypted"] is True and file_system["CreationToken"] == "app-data-before-incident"

    again = run_playbook(PLAYBOOKS / "restore_before_incident.yml", variables)
    assert again.rc == 0 and again.load_json("restore.json")["changed"] is False


def test_inferred_metadata_with_overrides_and_secrets_masked_in_check_mode(emulator_server, run_playbook):
    backup, rds, iam = (emulator_server.client(name) for name in ("backup", "rds", "iam"))
    seed.ensure_vault(backup, VAULT)
    db = seed.create_rds_instance(rds, identifier="orders")
    point = seed.backup_and_wait(backup, VAULT, db["DBInstanceArn"], seed.ensure_backup_role(iam))
    secret = "Never-Sh0wn-Passw0rd"
    variables = {
        "recovery_point_arn": point.recovery_point_arn,
        "vault": VAULT,
        "metadata_source": "inferred",
        "metadata": {"DBInstanceIdentifier": "orders-drill", "MasterUserPassword": secret},
    }
    run = run_playbook(PLAYBOOKS / "restore_with_source.yml", variables, check=True, diff=True, verbosity=3)
    assert run.rc == 0, run.stdout
    metadata = run.load_json("restore.json")["restore_request"]["metadata"]
    assert metadata["DBInstanceIdentifier"] == "orders-drill" and metadata["MasterUserPassword"] != secret
    # The rest comes from AWS's inferred metadata for a restore test of an RDS instance.
    assert {key.lower() for key in metadata} >= {"dbinstanceidentifier", "multiaz", "publiclyaccessible"}
    assert secret not in run.stdout + run.stderr + (run.output_dir / "restore.json").read_text()
    assert "StartRestoreJob" not in emulator_server.calls()


def test_recovery_point_source_restores_an_rds_instance_by_resource(emulator_server, run_playbook):
    emulator_server.configure(restore_job_seconds=0)
    backup, rds, iam = (emulator_server.client(name) for name in ("backup", "rds", "iam"))
    seed.ensure_vault(backup, VAULT)
    db = seed.create_rds_instance(rds, identifier="billing")
    seed.backup_and_wait(backup, VAULT, db["DBInstanceArn"], seed.ensure_backup_role(iam))
    variables = {
        "resource_arn": db["DBInstanceArn"],
        "metadata_source": "recovery_point",
        "metadata": {"DBInstanceIdentifier": "billing-restored"},
    }
    run = run_playbook(PLAYBOOKS / "restore_with_source.yml", variables)
    assert run.rc == 0, run.stdout
    result = run.load_json("restore.json")
    assert result["restore_job"]["status"] == "COMPLETED" and result["restore_job"]["resource_type"] == "RDS"
    assert result["recovery_point"]["backup_vault_name"] == VAULT
    instance = rds.describe_db_instances(DBInstanceIdentifier="billing-restored")["DBInstances"][0]
    assert instance["Engine"] == "postgres"


def test_no_recovery_point_and_missing_vault_fail_clearly(emulator_server, run_playbook):
    backup, efs, iam = (emulator_server.client(name) for name in ("backup", "efs", "iam"))
    source = seed.seed_efs_recovery_point(backup, efs, iam, VAULT)
    none_found = run_playbook(
        PLAYBOOKS / "restore_with_source.yml",
        {"resource_arn": source["resource_arn"].replace(source["file_system_id"], "fs-00000000"), "metadata_source": "recovery_point", "expect_failure": True},
    )
    assert "No COMPLETED recovery point of" in none_found.load_json("restore.json")["msg"]
    assert "StartRestoreJob" not in emulator_server.calls()
    # A recovery point ARN without its vault: the vault is found, whatever the metadata source.
    for metadata_source in ("recovery_point", "none"):
        no_vault = run_playbook(
            PLAYBOOKS / "restore_with_source.yml",
            {"recovery_point_arn": source["recovery_point_arn"], "metadata_source": metadata_source, "wait": False,
             "metadata": {"file-system-id": source["file_system_id"]}},
        )  # fmt: skip
        restored = no_vault.load_json("restore.json")
        assert restored.get("failed") is not True, restored["msg"]
        assert any(f"give backup_vault_name: {VAULT} to save these reads" in note for note in restored["notes"])
