"""restored_resource and restored_resource_info in real ansible-playbook runs against the
emulator server: marking with a mount target, check mode, listing marked resources, and a
teardown that deletes only the run's file system while the production one named like it
survives; one task marking two restores, each with its own tags and subnets, waiting until both
are usable."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.emulator import seed
from tests.integration.plays import play

PLAYBOOK = Path(__file__).parent / "playbooks" / "restored_resource" / "run.yml"


# A run's restores in one task, as the restore role makes it: the targets (restore job id and own
# settings) come in a list and job_settings is built from it (Ansible does not template YAML keys).
BATCH_PLAYBOOK = play("Mark a run's restores, each with its own tags and mount targets, and wait until they are usable") + """
    - name: Mark, tag, create the mount targets, wait until usable
      recovery.aws_backup.restored_resource:
        run_id: "{{ run_id }}"
        restore_job_ids: "{{ targets | map(attribute='restore_job_id') | list }}"
        tags:
          purpose: drill
        job_settings: "{{ targets | items2dict(key_name='restore_job_id', value_name='settings') }}"
        wait_until_usable: true
        wait_timeout: 120
      register: restored

    - name: Save the result
      ansible.legacy.write_output:
        content: "{{ restored | to_json }}"
        dest: "{{ output_dir }}/result.json"
        mode: "0600"
      check_mode: false
"""
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

    # present again: nothing to do; and the info module, asked for another run, lists nothing
    result, info, stdout = run(run_playbook, restore_job_ids=job_ids, subnet_ids=[drill["subnet_id"]], extra_tags={"purpose": "drill"},
                               info_run_id="another-run")  # fmt: skip
    assert result["changed"] is False and result["resources"][0]["status"] == "already marked"
    assert info["resources"] == [] and info["changed"] is False

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


def test_one_task_marks_two_restores_with_their_own_settings_and_waits_until_usable(run_playbook, emulator_server, drill, tmp_path):
    efs, backup = drill["efs"], emulator_server.client("backup")
    ec2 = emulator_server.client("ec2")
    second_id = backup.start_restore_job(
        RecoveryPointArn=drill["job"]["RecoveryPointArn"],
        Metadata={"file-system-id": drill["prod_id"], "newFileSystem": "true", "CreationToken": "prod-share-drill-2"},
        IamRoleArn=drill["job"]["IamRoleArn"],
    )["RestoreJobId"]
    second = backup.describe_restore_job(RestoreJobId=second_id)
    assert second["Status"] == "COMPLETED", second
    first_fs, second_fs = drill["restored_id"], second["CreatedResourceArn"].rsplit("/", 1)[1]
    subnet_ids = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"][:3]]
    group = ec2.describe_security_groups(GroupNames=["default"])["SecurityGroups"][0]["GroupId"]
    targets = [
        {"restore_job_id": drill["job"]["RestoreJobId"],
         "settings": {"tags": {"Name": "share-drill"}, "subnet_ids": subnet_ids[:1], "security_group_ids": [group]}},
        {"restore_job_id": second_id, "settings": {"tags": {"Name": "share-drill-2", "purpose": "second"}, "subnet_ids": subnet_ids[1:]}},
    ]  # fmt: skip
    playbook = tmp_path / "batch.yml"
    playbook.write_text(BATCH_PLAYBOOK)

    def run_batch(check: bool = False):
        result = run_playbook(playbook, {"run_id": RUN, "targets": targets}, check=check)
        assert result.rc == 0, result.stdout + result.stderr
        return result.load_json("result.json"), result.stdout

    # check mode: what would be done, nothing done, nothing waited for
    emulator_server.reset_calls()
    result, _stdout = run_batch(check=True)
    assert result["changed"] is True and [r["status"] for r in result["resources"]] == ["would be marked"] * 2
    assert all("usable_at" not in r for r in result["resources"])
    assert set(emulator_server.calls("efs")) <= {"DescribeFileSystems", "DescribeMountTargets"}
    assert mount_targets(efs, first_fs) == [] and RUN_TAG not in tags(efs, second_fs)

    emulator_server.reset_calls()
    before = time.time()
    result, stdout = run_batch()
    after = time.time()
    assert result["changed"] is True and not result.get("failed") and recap_changed(stdout) == 2, result  # the task and the result file
    first, second_result = result["resources"]
    assert (first["status"], second_result["status"]) == ("marked", "marked")
    assert tags(efs, first_fs) == {"Name": "share-drill", "purpose": "drill", RUN_TAG: RUN, JOB_TAG: drill["job"]["RestoreJobId"]}
    assert tags(efs, second_fs) == {"Name": "share-drill-2", "purpose": "second", RUN_TAG: RUN, JOB_TAG: second_id}
    assert [m["SubnetId"] for m in mount_targets(efs, first_fs)] == subnet_ids[:1]
    assert sorted(m["SubnetId"] for m in mount_targets(efs, second_fs)) == sorted(subnet_ids[1:])
    (first_target,) = mount_targets(efs, first_fs)
    assert efs.describe_mount_target_security_groups(MountTargetId=first_target["MountTargetId"])["SecurityGroups"] == [group]
    assert emulator_server.calls("efs")["CreateMountTarget"] == 3 and emulator_server.calls("efs")["TagResource"] == 2
    for entry, file_system_id, token in ((first, first_fs, "prod-share-drill"), (second_result, second_fs, "prod-share-drill-2")):
        assert before <= entry["usable_at"] <= after
        facts = entry["facts"]
        assert facts["file_system_id"] == file_system_id and facts["life_cycle_state"] == "available"
        assert facts["creation_token"] == token and facts["performance_mode"] and "encrypted" in facts
        assert facts["tags"][RUN_TAG] == RUN
    # the production file system named like the first copy: untouched
    assert RUN_TAG not in tags(efs, drill["prod_id"]) and len(mount_targets(efs, drill["prod_id"])) == 1

    # again: nothing to do, still usable, facts as they are now
    result, stdout = run_batch()
    assert result["changed"] is False and [r["status"] for r in result["resources"]] == ["already marked"] * 2
    assert all(r["usable_at"] >= after and r["facts"]["number_of_mount_targets"] >= 1 for r in result["resources"])


RESOURCES_PLAYBOOK = play("A run's restores by the caller's names - made usable, validated, listed and torn down") + """
    - name: Preflight - which identifiers the restores would create exist already
      recovery.aws_backup.restored_resource_info:
        new_resources: "{{ new_resources }}"
      register: preflight

    - name: Mark, make usable (mount targets, cluster instances), wait, validate
      recovery.aws_backup.restored_resource:
        run_id: "{{ run_id }}"
        resources: "{{ resources }}"
        wait_until_usable: true
        wait_timeout: 120
      register: present

    - name: Tear down by ownership
      recovery.aws_backup.restored_resource:
        run_id: "{{ run_id }}"
        resources: "{{ resources | map('dict2items') | map('selectattr', 'key', 'in', ['name', 'restore_job_id']) | map('items2dict') | list }}"
        state: absent
        wait_timeout: 120
      register: absent

    - name: Save the results
      ansible.legacy.write_output:
        content: "{{ {'preflight': preflight, 'present': present, 'absent': absent} | to_json }}"
        dest: "{{ output_dir }}/result.json"
        mode: "0600"
"""


def test_resources_by_name_are_made_usable_validated_and_torn_down(run_playbook, emulator_server, drill, tmp_path):
    """An EFS file system and an Aurora cluster in one task by the caller's names: the cluster gets its
    DB instance carrying the run's mark, both pass validation, and the teardown deletes them (the
    instance first) while production - the source cluster and the file system named like the copy - stays."""
    backup, rds, efs = emulator_server.client("backup"), emulator_server.client("rds"), drill["efs"]
    source = seed.create_aurora_cluster(rds, "ledger")
    point = seed.backup_and_wait(backup, "test-vault", source["DBClusterArn"], drill["job"]["IamRoleArn"])
    cluster_job = backup.start_restore_job(
        RecoveryPointArn=point.recovery_point_arn, Metadata={"DBClusterIdentifier": "ledger-drill"}, IamRoleArn=drill["job"]["IamRoleArn"]
    )["RestoreJobId"]
    assert backup.describe_restore_job(RestoreJobId=cluster_job)["Status"] == "COMPLETED"
    resources = [
        {"name": "share-drill", "restore_job_id": drill["job"]["RestoreJobId"],
         "settings": {"tags": {"Name": "share-drill"}, "subnet_ids": [drill["subnet_id"]]},
         "expected": {"creation_token": "prod-share-drill", "performance_mode": "generalPurpose"}},
        {"name": "ledger-drill", "restore_job_id": cluster_job,
         "settings": {"instance_identifiers": ["ledger-drill-1"], "db_instance_class": "db.r5.large"},
         "expected": {"db_cluster_identifier": "ledger-drill", "instance_count": 1}},
    ]  # fmt: skip
    new_resources = [{"name": "ledger", "resource_type": "Aurora"}, {"name": "orders-new", "resource_type": "RDS"}]
    playbook = tmp_path / "resources.yml"
    playbook.write_text(RESOURCES_PLAYBOOK)
    result = run_playbook(playbook, {"run_id": RUN, "resources": resources, "new_resources": new_resources})
    assert result.rc == 0 and "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr
    out = result.load_json("result.json")

    assert [(t["name"], t["identifier"], t["kind"]) for t in out["preflight"]["taken"]] == [("ledger", "ledger", "db-cluster")]
    present = out["present"]
    assert not present.get("failed"), present
    by_name = {r["name"]: r for r in present["resources"]}
    assert by_name["share-drill"]["status"] == "marked" and by_name["share-drill"]["validation"] == "passed"
    assert [c["subnet_id"] for c in by_name["share-drill"]["created"]] == [drill["subnet_id"]]
    ledger = by_name["ledger-drill"]
    assert ledger["status"] == "marked" and ledger["validation"] == "passed", ledger
    assert [c["db_instance_identifier"] for c in ledger["created"]] == ["ledger-drill-1"]
    assert isinstance(ledger["usable_at"], float) and ledger["facts"]["db_cluster_identifier"] == "ledger-drill"
    seen_instances = [i["DBInstanceIdentifier"] for i in rds.describe_db_instances()["DBInstances"]]
    assert "ledger-drill-1" not in seen_instances  # deleted by the teardown that followed

    absent = out["absent"]
    assert not absent.get("failed") and {r["name"]: r["status"] for r in absent["resources"]} == {
        "share-drill": "deleted", "ledger-drill": "deleted"
    }  # fmt: skip
    ledger_gone = next(r for r in absent["resources"] if r["name"] == "ledger-drill")
    assert len(ledger_gone["deleted_resources"]) == 2 and ledger_gone["deleted_resources"][-1].endswith(":cluster:ledger-drill")
    assert {c["DBClusterIdentifier"] for c in rds.describe_db_clusters()["DBClusters"]} == {"ledger"}
    assert file_system(efs, drill["restored_id"]) is None and file_system(efs, drill["prod_id"]) is not None
