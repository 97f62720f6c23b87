"""restored_resource and restored_resource_info in real ansible-playbook runs against the
emulator server: marking with a mount target, check mode, listing marked resources, and a
teardown that deletes only the run's file system while the production one named like it
survives."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.emulator import seed

PLAYBOOK = Path(__file__).parent / "playbooks" / "restored_resource" / "run.yml"
RUN = "drill-20261125"
RUN_TAG = "recovery.aws_backup:run-id"
JOB_TAG = "recovery.aws_backup:restore-job-id"


@pytest.fixture
def drill(emulator_server) -> dict:
    """Production: EFS file system named and tokened "prod-share". A drill restored it (the
    restore gets its own CreationToken) and named its copy "prod-share" too."""
    server = emulator_server
    server.configure(restore_job_seconds=0)
    backup, efs = server.client("backup"), server.client("efs")
    point = seed.seed_efs_recovery_point(backup, efs, server.client("iam"), name="prod-share", creation_token="prod-share")
    subnet_id = server.client("ec2").describe_subnets()["Subnets"][0]["SubnetId"]
    efs.create_mount_target(FileSystemId=point["file_system_id"], SubnetId=subnet_id)
    job_id = backup.start_restore_job(
        RecoveryPointArn=point["recovery_point_arn"],
        Metadata={"file-system-id": point["file_system_id"], "newFileSystem": "true", "CreationToken": "prod-share-drill"},
        IamRoleArn=point["iam_role_arn"],
    )["RestoreJobId"]
    job = backup.describe_restore_job(RestoreJobId=job_id)
    assert job["Status"] == "COMPLETED", job
    restored_id = job["CreatedResourceArn"].rsplit("/", 1)[1]
    efs.tag_resource(ResourceId=restored_id, Tags=[{"Key": "Name", "Value": "prod-share"}])
    return {"prod_id": point["file_system_id"], "restored_id": restored_id, "job": job, "subnet_id": subnet_id, "efs": efs}


def run(run_playbook, check: bool = False, **variables):
    result = run_playbook(PLAYBOOK, {"run_id": RUN, **variables}, check=check)
    assert result.rc == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return result.load_json("result.json"), result.load_json("info.json"), result.stdout


def recap_changed(stdout: str) -> int:
    match = re.search(r"localhost\s*:.*changed=(\d+)", stdout)
    assert match, stdout
    return int(match.group(1))


def file_system(efs, file_system_id: str) -> dict | None:
    found = [f for f in efs.describe_file_systems()["FileSystems"] if f["FileSystemId"] == file_system_id]
    return found[0] if found else None


def tags(efs, file_system_id: str) -> dict:
    return {t["Key"]: t["Value"] for t in file_system(efs, file_system_id)["Tags"]}


def mount_targets(efs, file_system_id: str) -> list:
    return efs.describe_mount_targets(FileSystemId=file_system_id)["MountTargets"]


def test_mark_list_and_tear_down_only_the_runs_file_system(run_playbook, emulator_server, drill):
    efs, job, restored_id, prod_id = drill["efs"], drill["job"], drill["restored_id"], drill["prod_id"]
    job_ids = [job["RestoreJobId"]]

    # check mode: says what it would do, does nothing
    result, info, stdout = run(run_playbook, check=True, restore_job_ids=job_ids, subnet_ids=[drill["subnet_id"]])
    assert result["changed"] is True and not result.get("failed")
    (entry,) = result["resources"]
    assert entry["status"] == "would be marked" and entry["mount_targets_created"] == [{"subnet_id": drill["subnet_id"]}]
    assert RUN_TAG not in tags(efs, restored_id) and mount_targets(efs, restored_id) == []
    assert info["resources"] == []

    # present: marked and given a mount target; the info module lists it (and nothing else)
    result, info, stdout = run(run_playbook, restore_job_ids=job_ids, subnet_ids=[drill["subnet_id"]], extra_tags={"purpose": "drill"})
    assert result["changed"] is True and recap_changed(stdout) == 2  # the task and the result file
    (entry,) = result["resources"]
    assert entry["status"] == "marked" and entry["resource_type"] == "efs"
    assert entry["created_resource_arn"] == job["CreatedResourceArn"]
    assert tags(efs, restored_id) == {"Name": "prod-share", RUN_TAG: RUN, JOB_TAG: job["RestoreJobId"], "purpose": "drill"}
    assert [m["SubnetId"] for m in mount_targets(efs, restored_id)] == [drill["subnet_id"]]
    (listed,) = info["resources"]
    assert listed["arn"] == job["CreatedResourceArn"] and listed["run_id"] == RUN and listed["restore_job_id"] == job["RestoreJobId"]
    assert listed["kind"] == "efs" and listed["identifier"] == restored_id and listed["created"]

    # present again: nothing to do
    result, info, stdout = run(run_playbook, restore_job_ids=job_ids, subnet_ids=[drill["subnet_id"]], extra_tags={"purpose": "drill"})
    assert result["changed"] is False and result["resources"][0]["status"] == "already marked"

    # info of another run: nothing
    _result, info, _stdout = run(run_playbook, restore_job_ids=job_ids, info_run_id="another-run")
    assert info["resources"] == []

    # absent in check mode: nothing deleted
    result, info, stdout = run(run_playbook, check=True, restore_job_ids=job_ids, state="absent")
    assert result["changed"] is True and result["resources"][0]["status"] == "would be deleted"
    assert file_system(efs, restored_id) is not None

    # absent: the run's file system (and its mount target) go; production stays, mount target and all
    emulator_server.reset_calls()
    result, info, stdout = run(run_playbook, restore_job_ids=job_ids, state="absent")
    assert result["changed"] is True and not result.get("failed")
    (entry,) = result["resources"]
    assert entry["status"] == "deleted" and entry["deleted_resources"] == [job["CreatedResourceArn"]]
    assert file_system(efs, restored_id) is None
    prod = file_system(efs, prod_id)
    assert prod is not None and prod["CreationToken"] == "prod-share" and prod["Name"] == "prod-share"
    assert len(mount_targets(efs, prod_id)) == 1
    assert emulator_server.calls("efs")["DeleteFileSystem"] == 1
    assert info["resources"] == []

    # absent again: the resource is gone, which is not a failure
    result, _info, _stdout = run(run_playbook, restore_job_ids=job_ids, state="absent")
    assert result["changed"] is False and result["resources"][0]["status"] == "not found" and not result.get("failed")


def test_unmarked_and_in_place_resources_are_refused_and_the_task_fails(run_playbook, emulator_server, drill):
    efs, backup = drill["efs"], emulator_server.client("backup")
    in_place = backup.start_restore_job(
        RecoveryPointArn=drill["job"]["RecoveryPointArn"],
        Metadata={"file-system-id": drill["prod_id"], "newFileSystem": "false"},
        IamRoleArn=drill["job"]["IamRoleArn"],
    )["RestoreJobId"]
    assert backup.describe_restore_job(RestoreJobId=in_place)["CreatedResourceArn"].endswith(drill["prod_id"])

    result, _info, stdout = run(
        run_playbook, restore_job_ids=[drill["job"]["RestoreJobId"], in_place], state="absent", adopt_unmarked=False
    )
    assert result["failed"] is True and result["changed"] is False
    assert "2 of 2" in result["msg"]
    statuses = [r["status"] for r in result["resources"]]
    assert statuses[0].startswith("refused: it does not carry the mark") and statuses[1].startswith("refused: restore job")
    assert file_system(efs, drill["restored_id"]) is not None and file_system(efs, drill["prod_id"]) is not None

    # adopting: the unmarked drill copy goes, the in-place target (production) is still refused
    result, _info, _stdout = run(run_playbook, restore_job_ids=[drill["job"]["RestoreJobId"], in_place], state="absent", adopt_unmarked=True)
    assert result["failed"] is True and result["changed"] is True
    assert [r["status"] for r in result["resources"]][0] == "deleted"
    assert file_system(efs, drill["restored_id"]) is None and file_system(efs, drill["prod_id"]) is not None


def test_bad_input_fails_naming_the_option_before_any_call(run_playbook, emulator_server):
    emulator_server.reset_calls()
    result = run_playbook(PLAYBOOK, {"run_id": "", "restore_job_ids": ["job-1"]})
    assert result.rc == 0 and "Traceback" not in result.stdout + result.stderr
    assert "run_id must not be empty" in result.load_json("result.json")["msg"]
    assert emulator_server.calls("backup") == {}
