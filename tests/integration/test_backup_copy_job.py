"""backup_copy_job and the disaster recovery side in real ansible-playbook runs against the
emulator server: check mode, first run, re-run, two concurrent runs, a FAILED copy, timeout and
resumed wait, every bad input; the newest copy found in the DR Region among older copies and
copies of other resources, restored there; a restore in a recovery account through an assumed
role. The source is us-east-1, the DR Region us-west-2."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.emulator import seed
from tests.emulator.control import post as post_control

PLAYBOOKS = Path(__file__).parent / "playbooks" / "backup_copy_job"
COPY_CASES = PLAYBOOKS / "copy_cases.yml"
DR_REGION = "us-west-2"
RECOVERY_ACCOUNT = "210987654321"


@pytest.fixture
def efs_point(emulator_server) -> dict:
    server = emulator_server
    return seed.seed_efs_recovery_point(server.client("backup"), server.client("efs"), server.client("iam"))


@pytest.fixture
def dr_vault(emulator_server) -> str:
    return seed.create_vault(emulator_server.client("backup", region_name=DR_REGION), "dr-vault")


def case(point: dict, destination: str, **overrides) -> dict:
    return {
        "recovery_point_arn": point["recovery_point_arn"],
        "source_backup_vault_name": point["backup_vault_name"],
        "destination_backup_vault_arn": destination,
        "iam_role_arn": point["iam_role_arn"],
        "wait_timeout": 60,
        **overrides,
    }


def copy_cases(run_playbook, cases: list[dict], result_file: str = "results", **kwargs) -> list[dict]:
    """backup_copy_job once per case, in order, in one playbook run: the results, in order."""
    result = run_playbook(COPY_CASES, {"cases": cases, "result_file": result_file}, **kwargs)
    assert result.rc == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return result.load_json(f"{result_file}.json")


def copy(run_playbook, the_case: dict, result_file: str = "results", **kwargs) -> dict:
    """backup_copy_job for one case, in a playbook run of its own: its result."""
    [result] = copy_cases(run_playbook, [the_case], result_file, **kwargs)
    return result


def copy_jobs(server) -> list[dict]:
    return server.client("backup").list_copy_jobs()["CopyJobs"]


def test_check_mode_first_run_and_rerun(run_playbook, emulator_server, efs_point, dr_vault):
    checked = copy(run_playbook, case(efs_point, dr_vault), check=True, diff=True)
    assert checked["changed"] is True and checked["copy_job"] == {}
    assert checked["diff"]["after"]["copy_request"]["destination_backup_vault_arn"] == dr_vault
    assert copy_jobs(emulator_server) == []

    first = copy(run_playbook, case(efs_point, dr_vault))
    assert first["changed"] is True and first["copy_job"]["state"] == "COMPLETED", first
    copied = first["copy_job"]["destination_recovery_point_arn"]
    assert copied.startswith(f"arn:aws:backup:{DR_REGION}:")
    assert first["copy_duration_seconds"] >= 0

    emulator_server.reset_calls()
    second = copy(run_playbook, case(efs_point, dr_vault))
    assert second["changed"] is False
    assert second["copy_job"]["copy_job_id"] == first["copy_job"]["copy_job_id"]
    assert "StartCopyJob" not in emulator_server.calls()
    assert len(copy_jobs(emulator_server)) == 1


def test_two_concurrent_runs_start_one_job(run_playbook, emulator_server, efs_point, dr_vault):
    post_control(emulator_server.endpoint_url, "config", {"copy_job_seconds": 3})
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda n: copy(run_playbook, case(efs_point, dr_vault), f"run{n}"), range(2)))
    assert {r["copy_job"]["copy_job_id"] for r in results} == {copy_jobs(emulator_server)[0]["CopyJobId"]}
    assert len(copy_jobs(emulator_server)) == 1
    assert all(r["copy_job"]["state"] == "COMPLETED" for r in results)


def test_failed_copy_fails_with_aws_message_then_a_rerun_copies(run_playbook, emulator_server, efs_point, dr_vault):
    post_control(emulator_server.endpoint_url, "faults", {"fail_copy_jobs": {"count": 1, "status_message": "Access denied: kms"}})
    failed = copy(run_playbook, case(efs_point, dr_vault))
    assert failed["failed"] is True
    assert failed["msg"].endswith("ended FAILED: Access denied: kms")
    retried = copy(run_playbook, case(efs_point, dr_vault))
    assert retried["changed"] is True and retried["copy_job"]["state"] == "COMPLETED"
    assert len(copy_jobs(emulator_server)) == 2


def test_timeout_then_resume(run_playbook, emulator_server, efs_point, dr_vault):
    post_control(emulator_server.endpoint_url, "config", {"copy_job_seconds": 8})
    timed_out = copy(run_playbook, case(efs_point, dr_vault, wait_timeout=1))
    assert timed_out["failed"] is True and "re-run the task to resume" in timed_out["msg"]
    resumed = copy(run_playbook, case(efs_point, dr_vault, wait_timeout=120))
    assert resumed["changed"] is False and resumed["copy_job"]["state"] == "COMPLETED"
    assert resumed["copy_job"]["copy_job_id"] == timed_out["copy_job"]["copy_job_id"]


# Each bad input, with the option its message must name.
BAD_INPUTS = [
    ({"recovery_point_arn": "not-an-arn"}, "recovery_point_arn"),
    ({"source_backup_vault_name": ""}, "source_backup_vault_name"),
    ({"destination_backup_vault_arn": "dr-vault"}, "destination_backup_vault_arn"),
    ({"iam_role_arn": "arn:aws:iam::123456789012:user/x"}, "iam_role_arn"),
    ({"lifecycle": {"delete_after_days": -1}}, "lifecycle.delete_after_days"),
    ({"lifecycle": {"delete_after_days": "soon"}}, "delete_after_days"),
    ({"wait_timeout": -5}, "wait_timeout"),
]


def test_every_bad_input_fails_clearly_before_any_call(run_playbook, emulator_server):
    """Every case in one playbook run (a task looping over them): each fails naming its option,
    and the whole run makes no AWS call."""
    point = {
        "recovery_point_arn": "arn:aws:backup:us-east-1:123456789012:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45",
        "backup_vault_name": "prod-vault",
        "iam_role_arn": "arn:aws:iam::123456789012:role/backup",
    }
    emulator_server.reset_calls()
    results = copy_cases(run_playbook, [case(point, "arn:aws:backup:us-west-2:123456789012:backup-vault:dr", **overrides)
                                        for overrides, _option in BAD_INPUTS])  # fmt: skip
    assert len(results) == len(BAD_INPUTS)
    for (overrides, option), result in zip(BAD_INPUTS, results):
        assert result["failed"] is True and option in result["msg"], (overrides, result)
    assert emulator_server.calls() == {}


def test_newest_copy_is_found_and_restored_in_the_dr_region(run_playbook, emulator_server, efs_point, dr_vault):
    backup, efs = emulator_server.client("backup"), emulator_server.client("efs")
    vault, role = efs_point["backup_vault_name"], efs_point["iam_role_arn"]
    older = efs_point["recovery_point_arn"]
    newer = seed.backup_and_wait(backup, vault, efs_point["resource_arn"], role).recovery_point_arn
    other_fs = seed.create_efs(efs, name="other")
    other = seed.backup_and_wait(backup, vault, other_fs["FileSystemArn"], role).recovery_point_arn
    # copied newest first, the other resource last: the pick must follow the backups' creation dates
    copied = copy_cases(run_playbook, [case(dict(efs_point, recovery_point_arn=point), dr_vault) for point in (newer, older, other)])
    assert [result["copy_job"]["state"] for result in copied] == ["COMPLETED"] * 3, copied
    copies = {
        job["SourceRecoveryPointArn"]: job["DestinationRecoveryPointArn"] for job in copy_jobs(emulator_server)
    }

    result = run_playbook(
        PLAYBOOKS / "restore_in_dr_region.yml",
        {
            "dr_region": DR_REGION,
            "dr_vault_name": "dr-vault",
            "source_resource_arn": efs_point["resource_arn"],
            "source_file_system_id": efs_point["file_system_id"],
            "iam_role_arn": role,
        },
    )
    assert result.rc == 0, result.stdout + result.stderr
    found = result.load_json("dr.json")
    newest = found["newest"]["recovery_points"][0]
    assert newest["recovery_point_arn"] == copies[newer]
    assert newest["resource_arn"] == efs_point["resource_arn"]
    assert newest["source_backup_vault_arn"].endswith(f":backup-vault:{vault}")
    assert newest["age_seconds"] >= 0
    restore = found["restore"]
    assert restore["recovery_point"]["recovery_point_arn"] == copies[newer]
    created = restore["restore_job"]["created_resource_arn"]
    assert re.match(rf"arn:aws:elasticfilesystem:{DR_REGION}:123456789012:file-system/fs-", created), created
    dr_filesystems = emulator_server.client("efs", region_name=DR_REGION).describe_file_systems()["FileSystems"]
    assert [fs["FileSystemArn"] for fs in dr_filesystems] == [created]


def test_restore_in_a_recovery_account_through_an_assumed_role(run_playbook, emulator_server, efs_point):
    role = f"arn:aws:iam::{RECOVERY_ACCOUNT}:role/recovery"
    credentials = emulator_server.client("sts").assume_role(RoleArn=role, RoleSessionName="setup")["Credentials"]
    recovery = emulator_server.client(
        "backup",
        region_name=DR_REGION,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )
    vault = seed.create_vault(recovery, "recovery-vault")
    copied = copy(run_playbook, case(efs_point, vault))["copy_job"]["destination_recovery_point_arn"]
    assert f":{RECOVERY_ACCOUNT}:recovery-point:" in copied

    result = run_playbook(
        PLAYBOOKS / "restore_in_recovery_account.yml",
        {
            "dr_region": DR_REGION,
            "recovery_role_arn": role,
            "recovery_vault_name": "recovery-vault",
            "source_resource_arn": efs_point["resource_arn"],
            "source_file_system_id": efs_point["file_system_id"],
        },
    )
    assert result.rc == 0, result.stdout + result.stderr
    found = result.load_json("recovery_account.json")
    assert found["newest"]["recovery_points"][0]["recovery_point_arn"] == copied
    created = found["restore"]["restore_job"]["created_resource_arn"]
    assert f":elasticfilesystem:{DR_REGION}:{RECOVERY_ACCOUNT}:file-system/" in created
    # nothing was restored in the source account
    assert emulator_server.client("efs", region_name=DR_REGION).describe_file_systems()["FileSystems"] == []


# ---- backup_copy_jobs: several copies in one call, awaited by backup_job_status ---------------

COPY_MANY = PLAYBOOKS / "copy_many.yml"


@pytest.fixture
def two_resources(emulator_server, efs_point) -> list[dict]:
    server = emulator_server
    backup, efs = server.client("backup"), server.client("efs")
    other_fs = seed.create_efs(efs, name="shared")
    seed.backup_and_wait(backup, efs_point["backup_vault_name"], other_fs["FileSystemArn"], efs_point["iam_role_arn"])
    return [
        {"name": "web", "region": "us-east-1", "source_backup_vault_name": efs_point["backup_vault_name"],
         "recovery_point_arn": efs_point["recovery_point_arn"], "destination_backup_vault_name": "dr-vault"},
        {"name": "shared", "region": "us-east-1", "source_backup_vault_name": efs_point["backup_vault_name"],
         "resource_arn": other_fs["FileSystemArn"], "destination_backup_vault_name": "dr-vault"},
    ]  # fmt: skip


def copy_many(run_playbook, copies: list[dict], role: str, **variables) -> dict:
    result = run_playbook(COPY_MANY, {"copies": copies, "iam_role_arn": role, "task_region": DR_REGION, **variables})
    assert result.rc == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr and "FAILED - RETRYING" not in result.stdout
    return result.load_json("result.json")


def test_several_copies_start_in_one_call_are_awaited_together_and_a_rerun_reuses_them(
    run_playbook, emulator_server, efs_point, dr_vault, two_resources
):
    post_control(emulator_server.endpoint_url, "config", {"copy_job_seconds": 6})
    emulator_server.reset_calls()
    first = copy_many(run_playbook, two_resources, efs_point["iam_role_arn"], **{"await": True})
    started, status = first["started"], first["status"]
    assert started["changed"] is True and not started.get("failed"), started
    assert [(c["name"], c["owned"], c["region"]) for c in started["copy_jobs"]] == [("web", True, "us-east-1"), ("shared", True, "us-east-1")]
    assert all(c["copy_job"]["destination_backup_vault_arn"] == dr_vault for c in started["copy_jobs"])
    calls = emulator_server.calls()
    assert calls["StartCopyJob"] == 2 and calls["DescribeBackupVault"] == 1
    # awaited in their source Region, each completion seen, by list calls only (one per round)
    assert status["all_ended"] is True and status["running"] == []
    assert [(c["name"], c["state"]) for c in status["copy_jobs"]] == [("web", "COMPLETED"), ("shared", "COMPLETED")]
    assert all(c["destination_recovery_point_arn"].startswith(f"arn:aws:backup:{DR_REGION}:") for c in status["copy_jobs"])
    assert "DescribeCopyJob" not in calls or calls["DescribeCopyJob"] == 2  # the two after StartCopyJob, none while waiting
    assert 1 <= calls["ListCopyJobs"] - 2 <= 6  # two equal-job searches, then one listing a round

    emulator_server.reset_calls()
    again = copy_many(run_playbook, two_resources, efs_point["iam_role_arn"])["started"]
    assert again["changed"] is False and not any(c["owned"] for c in again["copy_jobs"])
    assert [c["copy_job"]["copy_job_id"] for c in again["copy_jobs"]] == [c["copy_job"]["copy_job_id"] for c in started["copy_jobs"]]
    assert "StartCopyJob" not in emulator_server.calls()
    assert len(copy_jobs(emulator_server)) == 2


@pytest.mark.parametrize(
    "index, change, message",
    [
        (1, {"resource_arn": "fs-1"}, "copies[1] (shared): resource_arn must be"),
        (0, {"destination_backup_vault_arn": "dr-vault"}, "copies[0] (web): give one of destination_backup_vault_name"),
        (1, {"source_backup_vault_name": "a b"}, "copies[1] (shared): source_backup_vault_name"),
    ],
)
def test_copies_with_one_bad_element_start_nothing_and_name_it(run_playbook, emulator_server, index, change, message):
    copies = [
        {"name": "web", "source_backup_vault_name": "prod-vault", "destination_backup_vault_name": "dr-vault",
         "recovery_point_arn": "arn:aws:backup:us-east-1:123456789012:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45"},
        {"name": "shared", "source_backup_vault_name": "prod-vault", "destination_backup_vault_name": "dr-vault",
         "resource_arn": "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-12345678"},
    ]  # fmt: skip
    copies[index].update(change)
    emulator_server.reset_calls()
    result = copy_many(run_playbook, copies, "arn:aws:iam::123456789012:role/backup", **{"await": True})
    started = result["started"]
    assert started["failed"] is True and message in started["msg"] and "nothing was started" in started["msg"], started
    assert result["status"].get("skipped") is True  # nothing to await
    assert emulator_server.calls() == {}
