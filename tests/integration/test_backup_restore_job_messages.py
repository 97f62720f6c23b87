"""What a user reads when a restore is slightly wrong, in real ansible-playbook runs against the
emulator server: the recovery point's Region against the task's, a vault that does not exist or
does not hold the point, a recovery point ARN without its vault, a resource type in another case,
a refused permission, a Region typo; and no deprecation lines with a module's warnings."""

from __future__ import annotations

from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from tests.integration.test_backup_restore_job import efs_case, restore_jobs, run_cases
from tests.emulator import seed

PLAYBOOKS = Path(__file__).parent / "playbooks" / "backup_restore_job"


@pytest.fixture
def efs_point(emulator_server) -> dict:
    server = emulator_server
    return seed.seed_efs_recovery_point(server.client("backup"), server.client("efs"), server.client("iam"))


def test_a_point_of_another_region_fails_naming_both_regions_before_any_aws_call(run_playbook, emulator_server, efs_point):
    emulator_server.reset_calls()
    (result,) = run_cases(run_playbook, [efs_case(efs_point, region="us-west-2")])
    assert result["failed"] is True
    assert result["msg"] == (
        "recovery_point_arn is a recovery point of Region us-east-1, but this task runs in Region us-west-2: AWS Backup "
        "restores a recovery point in its own Region only. Set region: us-east-1, or copy the point into us-west-2 first "
        "(recovery.aws_backup.backup_copy_job) and restore the copy"
    )
    assert "AccessDenied" not in str(result)
    assert emulator_server.calls() == {}


def test_a_region_typo_fails_before_any_aws_call_and_the_emulator_answers_it_as_no_such_region(run_playbook, emulator_server, efs_point):
    emulator_server.reset_calls()
    (result,) = run_cases(run_playbook, [efs_case(efs_point, region="us-east-l")])
    assert result["msg"].startswith("recovery_point_arn is a recovery point of Region us-east-1, but this task runs in Region us-east-l")
    assert emulator_server.calls() == {}
    # A module whose first act is an AWS call: the emulator refuses the Region, no HTTP 500.
    listed = run_playbook(PLAYBOOKS / "recovery_points.yml", {"region": "us-east-l", "vault": efs_point["backup_vault_name"]})
    points = listed.load_json("points.json")
    assert points["failed"] is True
    assert "Credential should be scoped to a valid region, not 'us-east-l'" in points["msg"], points["msg"]
    assert "500" not in points["msg"] and "KeyError" not in listed.stdout + listed.stderr
    with pytest.raises(ClientError) as refused:
        emulator_server.client("backup", region_name="us-east-l").list_backup_vaults()
    assert refused.value.response["Error"]["Code"] == "InvalidSignatureException"
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_a_vault_that_does_not_exist_is_named_and_nothing_starts(run_playbook, emulator_server, efs_point):
    (result,) = run_cases(run_playbook, [efs_case(efs_point, backup_vault_name="prod-vault")])
    assert result["failed"] is True
    assert result["msg"] == (
        "backup_vault_name: there is no backup vault named 'prod-vault' in Region us-east-1 "
        f"(the vaults there: {efs_point['backup_vault_name']})"
    )
    assert "warnings" not in result
    assert restore_jobs(emulator_server) == []


def test_a_vault_that_does_not_hold_the_point_is_said_and_nothing_starts(run_playbook, emulator_server, efs_point):
    seed.create_vault(emulator_server.client("backup"), "other-vault")
    (result,) = run_cases(run_playbook, [efs_case(efs_point, backup_vault_name="other-vault")])
    assert result["msg"] == (
        f"recovery_point_arn: recovery point {efs_point['recovery_point_arn']} is not in backup vault other-vault "
        "(Region us-east-1); name the vault that holds it, or leave backup_vault_name out to have it found"
    )
    assert restore_jobs(emulator_server) == []


def test_a_recovery_point_arn_without_its_vault_restores_and_says_what_naming_the_vault_saves(run_playbook, emulator_server, efs_point):
    for name in ("a-vault", "b-vault"):
        seed.create_vault(emulator_server.client("backup"), name)
    emulator_server.configure(restore_job_seconds=600)
    emulator_server.reset_calls()
    without_vault = {k: v for k, v in efs_case(efs_point).items() if k != "backup_vault_name"}
    (first,) = run_cases(run_playbook, [without_vault])
    assert first["changed"] is True, first.get("msg")
    vault = efs_point["backup_vault_name"]
    (note,) = [n for n in first["notes"] if "found by reading" in n]
    assert note.startswith(f"recovery point {efs_point['recovery_point_arn']} is in backup vault {vault}, found by reading ")
    assert note.endswith(f"backup vault(s) of Region us-east-1; give backup_vault_name: {vault} to save these reads")
    calls = emulator_server.calls()
    assert calls["ListBackupVaults"] == 1 and 1 <= calls["DescribeRecoveryPoint"] <= 3
    assert "ListRestoreJobs" not in calls  # the search looked at the point's resource only
    emulator_server.reset_calls()
    (again,) = run_cases(run_playbook, [efs_case(efs_point)])
    assert again["changed"] is False
    assert sum(emulator_server.calls().values()) <= 3, emulator_server.calls()
    assert len(restore_jobs(emulator_server)) == 1


def test_resource_type_in_another_case_is_sent_in_aws_spelling_and_an_unknown_one_is_refused(run_playbook, emulator_server, efs_point):
    emulator_server.reset_calls()
    lower, unknown = run_cases(run_playbook, [efs_case(efs_point, resource_type="efs"), efs_case(efs_point, resource_type="Elastic")])
    assert lower["changed"] is True, lower.get("msg")
    assert "resource_type 'efs' was sent as 'EFS', AWS's spelling" in lower["notes"]
    assert lower["restore_request"]["resource_type"] == "EFS"
    assert "warnings" not in lower
    assert unknown["failed"] is True
    assert unknown["msg"] == (
        "resource_type 'Elastic' is not a resource type AWS Backup restores; the types are Aurora, DocumentDB, "
        "CloudFormation, DynamoDB, EBS, EC2, EFS, FSx, Neptune, RDS, Redshift, Storage Gateway, S3, Timestream, "
        "VirtualMachine (StartRestoreJob, ResourceType, in the AWS Backup API reference)"
    )
    assert emulator_server.calls()["StartRestoreJob"] == 1


def test_a_refused_permission_is_named_and_warnings_come_without_deprecation_lines(run_playbook, emulator_server, efs_point):
    emulator_server.deny("DescribeRecoveryPoint")
    result = run_playbook(PLAYBOOKS / "run_cases.yml", {"cases": [efs_case(efs_point)], "result_file": "results"})
    (restored,) = result.load_json("results.json")
    assert restored["changed"] is True
    output = result.stdout + result.stderr
    assert "DEPRECATION WARNING" not in output
    assert "deprecated" not in output
    assert "[WARNING]: AWS refused backup:DescribeRecoveryPoint (AccessDeniedException) for recovery point" in output.replace("\n", " ")
    emulator_server.deny("StartRestoreJob")
    (denied,) = run_cases(run_playbook, [efs_case(efs_point, force=True)])
    assert denied["msg"].startswith(
        "Failed starting the restore job (AWS refused it: the task's credentials lack the IAM permission backup:StartRestoreJob)"
    )


def test_recovery_point_info_names_a_vault_that_does_not_exist(run_playbook, emulator_server, efs_point):
    listed = run_playbook(PLAYBOOKS / "recovery_points.yml", {"region": "us-east-1", "vault": "prod-vault"})
    points = listed.load_json("points.json")
    assert points["failed"] is True
    assert points["msg"] == (
        f"backup_vault_name: there is no backup vault named 'prod-vault' in Region us-east-1 (the vaults there: {efs_point['backup_vault_name']})"
    )
