"""module_defaults: group/recovery.aws_backup.aws reaches every module of the collection."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.emulator import seed

REPO = Path(__file__).resolve().parents[2]
VAULT = "test-vault"


def test_the_action_group_lists_every_aws_module_and_nothing_else():
    """Every module that takes amazon.aws's connection options is in the group, so that
    module_defaults reach it; drill_files, which calls no AWS, is not (it would refuse them)."""
    group = yaml.safe_load((REPO / "meta" / "runtime.yml").read_text())["action_groups"]["aws"]
    paths = sorted((REPO / "plugins" / "modules").glob("*.py"))
    aws_modules = [path.stem for path in paths if "amazon.aws.common.modules" in path.read_text()]
    assert sorted(group) == aws_modules
    assert "drill_files" in [path.stem for path in paths] and "drill_files" not in group


# Given a restore job AWS does not know, restore_validation_result fails with AWS's answer.
EXPECTED_TO_FAIL: tuple[str, ...] = ("restore_validation_result",)


def module_defaults_playbook(module_args: dict) -> list:
    """A play that names no region or endpoint in its tasks: both come from the action groups."""
    connection = {"region": "{{ aws_region }}", "endpoint_url": "{{ aws_endpoint_url }}"}
    tasks = [
        {"name": f"{module} with connection options from module_defaults", f"recovery.aws_backup.{module}": args,
         "check_mode": True, "register": module, "ignore_errors": module in EXPECTED_TO_FAIL}
        for module, args in module_args.items()
    ]
    tasks.append({"name": "An amazon.aws module in the same play", "amazon.aws.backup_vault_info": {}, "register": "vaults"})
    saved = "{{ {" + ", ".join(f"'{module}': {module}" for module in module_args) + ", 'vaults': vaults} | to_json }}"
    tasks.append({"name": "Save the results", "ansible.legacy.write_output": {"content": saved, "dest": "{{ output_dir }}/results.json", "mode": "0600"}})
    return [{
        "name": "Connection options from module_defaults reach every module",
        "hosts": "localhost",
        "gather_facts": False,
        "module_defaults": {"group/recovery.aws_backup.aws": connection, "group/amazon.aws.aws": connection},
        "tasks": tasks,
    }]


def test_module_defaults_reach_every_module(emulator_server, run_playbook, tmp_path):
    backup, efs, iam = (emulator_server.client(name) for name in ("backup", "efs", "iam"))
    point = seed.seed_efs_recovery_point(backup, efs, iam, VAULT)
    # Minimal options for each module; a module missing here fails the test below.
    module_args = {
        "backup_recovery_point_info": {"backup_vault_name": VAULT},
        "backup_restore_job": {
            "recovery_point_arn": point["recovery_point_arn"],
            "backup_vault_name": VAULT,
            "metadata": {"file-system-id": point["file_system_id"], "newFileSystem": True},
        },
        "backup_restore_jobs": {"restores": [{
            "name": "defaults-check",
            "recovery_point_arn": point["recovery_point_arn"],
            "backup_vault_name": VAULT,
            "metadata": {"file-system-id": point["file_system_id"], "newFileSystem": True},
        }]},
        "backup_job_status": {"restore_jobs": [{"name": "unknown", "restore_job_id": "00000000-0000-0000-0000-000000000001"}]},
        "restored_resource": {"run_id": "defaults-check", "restore_job_ids": ["00000000-0000-0000-0000-000000000000"]},
        "restored_resource_info": {},
        # In check mode: it looks for an equal copy job, starts none.
        "backup_copy_job": {
            "recovery_point_arn": point["recovery_point_arn"],
            "source_backup_vault_name": VAULT,
            "destination_backup_vault_arn": f"arn:aws:backup:us-west-2:123456789012:backup-vault:{VAULT}-dr",
            "iam_role_arn": point["iam_role_arn"],
        },
        # In check mode too: looks up the vault and the equal copies, starts none.
        "backup_copy_jobs": {
            "iam_role_arn": point["iam_role_arn"],
            "copies": [{"name": "defaults-check", "source_backup_vault_name": VAULT, "resource_arn": point["resource_arn"],
                        "destination_backup_vault_name": VAULT}],
        },
        # In check mode: reads the (empty) history and the vault's protected resources, writes nothing.
        "evidence_report": {"history_dir": str(tmp_path / "history"), "output_dir": str(tmp_path / "evidence"), "vaults": [VAULT]},
        # In check mode: amazon.aws.s3_object, run by it with the group's connection, looks at the bucket.
        "restore_history": {"run": {"id": "20261204T000000Z-00000000", "order": [], "targets": {}}, "s3": {"bucket": "defaults-history"}},
        # In check mode: reads the plan (there is none), creates nothing.
        "restore_testing_plan": {"restore_testing_plan_name": "defaults_check", "schedule_expression": "cron(0 5 ? * * *)",
                                 "recovery_point_selection": {"algorithm": "LATEST_WITHIN_WINDOW", "include_vaults": ["*"],
                                                              "recovery_point_types": ["SNAPSHOT"]}},
        "restore_testing_plan_info": {},
        "restore_testing_selection": {"restore_testing_plan_name": "defaults_check", "restore_testing_selection_name": "none",
                                      "state": "absent"},
        "restore_testing_selection_info": {"restore_testing_plan_name": "defaults_check"},
        "restore_validation_result": {"restore_job_id": "00000000-0000-0000-0000-000000000002", "validation_status": "SUCCESSFUL"},
    }
    emulator_server.client("s3").create_bucket(Bucket="defaults-history")
    group = yaml.safe_load((REPO / "meta" / "runtime.yml").read_text())["action_groups"]["aws"]
    assert sorted(module_args) == sorted(group)
    before = emulator_server.calls()

    playbook = tmp_path / "module_defaults.yml"
    playbook.write_text(yaml.safe_dump(module_defaults_playbook(module_args), sort_keys=False))
    run = run_playbook(playbook)
    assert run.rc == 0, run.stdout + run.stderr
    results = run.load_json("results.json")
    assert all(not results[module].get("failed") for module in module_args if module not in EXPECTED_TO_FAIL), results
    # Given a restore job id AWS does not know, restored_resource says so: proof enough that the
    # connection options reached it, without starting a restore.
    assert results["restored_resource"]["resources"][0]["status"] == "restore job not found"
    assert "ResourceNotFoundException" in results["backup_job_status"]["restore_jobs"][0]["error"]
    assert results["backup_copy_jobs"]["copy_jobs"][0]["copy_request"]["destination_backup_vault_arn"].endswith(f":backup-vault:{VAULT}")
    assert [vault["backup_vault_name"] for vault in results["vaults"]["backup_vaults"]] == [VAULT]
    calls = emulator_server.calls()
    # Each module reached the emulator (and so took region and endpoint_url from the group).
    assert calls.get("ListRecoveryPointsByBackupVault", 0) > before.get("ListRecoveryPointsByBackupVault", 0)
    assert calls.get("ListRestoreJobsByProtectedResource", 0) > before.get("ListRestoreJobsByProtectedResource", 0)
    assert "StartRestoreJob" not in calls and "StartCopyJob" not in calls
    assert calls.get("ListCopyJobs", 0) > before.get("ListCopyJobs", 0)  # backup_copy_job reached AWS
    assert calls.get("DescribeRestoreJob", 0) > before.get("DescribeRestoreJob", 0)  # restored_resource reached AWS
    assert emulator_server.calls("efs").get("DescribeFileSystems", 0) > 0  # restored_resource_info too
    assert calls.get("ListProtectedResourcesByBackupVault", 0) > before.get("ListProtectedResourcesByBackupVault", 0)  # evidence_report
    assert results["restore_history"]["object"] == "s3://defaults-history/restore-20261204T000000Z-00000000.json"
    # restore_history's amazon.aws.s3_object found the emulator's bucket without the key (it would
    # put the record): without the group's endpoint it would have failed against AWS.
    assert results["restore_history"]["changed"] is True
    assert "Contents" not in emulator_server.client("s3").list_objects_v2(Bucket="defaults-history")  # check mode put nothing
    assert not (tmp_path / "evidence").exists()
    # the restore testing modules reached AWS too, and created nothing
    assert calls.get("GetRestoreTestingPlan", 0) >= 1 and calls.get("GetRestoreTestingSelection", 0) >= 1
    assert calls.get("ListRestoreTestingPlans", 0) >= 1 and calls.get("ListRestoreTestingSelections", 0) >= 1
    assert "CreateRestoreTestingPlan" not in calls
    assert "ResourceNotFoundException" in str(results["restore_validation_result"].get("error") or results["restore_validation_result"])
    assert "PutRestoreValidationResult" not in calls


def test_the_old_name_of_backup_job_status_still_works_with_module_defaults(emulator_server, run_playbook, tmp_path):
    """backup_restore_job_info is redirected to backup_job_status (meta/runtime.yml): a playbook
    written for the old name runs, and the action group's defaults reach it."""
    connection = {"region": "{{ aws_region }}", "endpoint_url": "{{ aws_endpoint_url }}"}
    play = [{
        "name": "The old name", "hosts": "localhost", "gather_facts": False,
        "module_defaults": {"group/recovery.aws_backup.aws": connection},
        "tasks": [
            {"name": "Old name", "recovery.aws_backup.backup_restore_job_info": {"restore_job_ids": ["00000000-0000-0000-0000-000000000002"]},
             "register": "old"},
            {"name": "Save", "ansible.legacy.write_output": {"content": "{{ old | to_json }}", "dest": "{{ output_dir }}/old.json", "mode": "0600"}},
        ],
    }]  # fmt: skip
    playbook = tmp_path / "old_name.yml"
    playbook.write_text(yaml.safe_dump(play, sort_keys=False))
    run = run_playbook(playbook)
    assert run.rc == 0, run.stdout + run.stderr
    old = run.load_json("old.json")
    assert old["restore_jobs"][0]["name"] == "00000000-0000-0000-0000-000000000002"
    assert "ResourceNotFoundException" in old["restore_jobs"][0]["error"] and old["running"] == []
