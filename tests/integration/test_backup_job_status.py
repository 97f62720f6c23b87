"""backup_job_status in real ansible-playbook runs against the emulator server: restore jobs
awaited by the caller's names with one ListRestoreJobs a round (no DescribeRestoreJob), through
throttling of the listing; a job AWS does not know is reported under its name while the others
are awaited; progress_interval returns the names still running; bad input names the option
before any call."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.emulator import seed

VAULT = "status-vault"


def status_playbook(path: Path, arguments: dict) -> Path:
    """A play that runs backup_job_status with `arguments` and saves its result as status.json."""
    play = [{
        "name": "backup_job_status", "hosts": "localhost", "gather_facts": False,
        "module_defaults": {"group/recovery.aws_backup.aws": {"region": "{{ aws_region }}", "endpoint_url": "{{ aws_endpoint_url }}"}},
        "tasks": [
            {"name": "Status", "recovery.aws_backup.backup_job_status": arguments, "register": "status", "ignore_errors": True},
            {"name": "Save", "ansible.legacy.write_output": {"content": "{{ status | to_json }}", "dest": "{{ output_dir }}/status.json", "mode": "0600"}},
        ],
    }]  # fmt: skip
    path.write_text(yaml.safe_dump(play, sort_keys=False))
    return path


def run_status(run_playbook, tmp_path: Path, arguments: dict) -> dict:
    result = run_playbook(status_playbook(tmp_path / "status.yml", arguments))
    assert result.rc == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr and "FAILED - RETRYING" not in result.stdout
    return result.load_json("status.json")


@pytest.fixture
def restores(emulator_server) -> list[dict]:
    """Three EFS restores of 6 s, started now; [{name, restore_job_id}]."""
    server = emulator_server
    backup = server.client("backup")
    point = seed.seed_efs_recovery_point(backup, server.client("efs"), server.client("iam"), VAULT)
    server.configure(restore_job_seconds=6)
    jobs = []
    for name in ("web", "db", "files"):
        metadata = {"file-system-id": point["file_system_id"], "newFileSystem": "true", "CreationToken": f"status-{name}"}
        job_id = backup.start_restore_job(RecoveryPointArn=point["recovery_point_arn"], IamRoleArn=point["iam_role_arn"],
                                          ResourceType="EFS", Metadata=metadata)["RestoreJobId"]  # fmt: skip
        jobs.append({"name": name, "restore_job_id": job_id})
    return jobs


def test_restore_jobs_awaited_by_name_with_one_listing_a_round_through_throttling(run_playbook, emulator_server, tmp_path, restores):
    emulator_server.reset_calls()
    emulator_server.throttle("ListRestoreJobs", count=2)
    status = run_status(run_playbook, tmp_path, {"restore_jobs": restores, "wait": True, "wait_timeout": 120})
    assert not status.get("failed"), status
    assert [(job["name"], job["status"], job["ended"]) for job in status["restore_jobs"]] == [
        ("web", "COMPLETED", True), ("db", "COMPLETED", True), ("files", "COMPLETED", True)]
    assert [job["restore_job_id"] for job in status["restore_jobs"]] == [job["restore_job_id"] for job in restores]
    assert status["all_ended"] is True and status["running"] == [] and status["copy_jobs"] == []
    assert isinstance(status["observed_at"], float)
    calls = emulator_server.calls()
    assert "DescribeRestoreJob" not in calls
    # 2 throttled, then about one a round over 6 s (5 s apart at most): far fewer than 3 jobs x rounds
    assert 3 <= calls["ListRestoreJobs"] <= 6, calls


def test_an_unknown_job_is_reported_under_its_name_and_the_others_are_awaited(run_playbook, emulator_server, tmp_path, restores):
    jobs = [*restores[:1], {"name": "gone", "restore_job_id": "00000000-0000-0000-0000-00000000dead"}]
    emulator_server.reset_calls()
    status = run_status(run_playbook, tmp_path, {"restore_jobs": jobs, "wait": True, "wait_timeout": 120})
    assert not status.get("failed"), status
    web, gone = status["restore_jobs"]
    assert web["name"] == "web" and web["status"] == "COMPLETED"
    assert gone["name"] == "gone" and gone["ended"] is True and "ResourceNotFoundException" in gone["error"]
    # the unknown job, not in the listing, was described once and not again
    assert emulator_server.calls()["DescribeRestoreJob"] == 1


def test_progress_interval_returns_the_names_still_running(run_playbook, emulator_server, tmp_path, restores):
    emulator_server.configure(restore_job_seconds=600)
    late = emulator_server.client("backup").start_restore_job(
        RecoveryPointArn=emulator_server.client("backup").describe_restore_job(RestoreJobId=restores[0]["restore_job_id"])["RecoveryPointArn"],
        IamRoleArn="arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole", ResourceType="EFS",
        Metadata={"file-system-id": "fs-12345678", "newFileSystem": "true", "CreationToken": "status-late"},
    )["RestoreJobId"]  # fmt: skip
    status = run_status(run_playbook, tmp_path, {"restore_jobs": [*restores, {"name": "late", "restore_job_id": late}],
                                                 "wait": True, "progress_interval": 8})  # fmt: skip
    assert not status.get("failed"), status
    assert status["running"] == ["late"] and status["all_ended"] is False


# Each bad input, with what its message must say.
BAD_INPUTS = [
    ({}, "restore_jobs, copy_jobs or restore_job_ids must list at least one job"),
    ({"restore_jobs": [{"name": "web", "restore_job_id": "a b"}]}, "restore_jobs[0] (web).restore_job_id"),
    ({"copy_jobs": [{"name": "web", "copy_job_id": "c-1", "region": "eu"}]}, "copy_jobs[0] (web).region"),
    ({"restore_job_ids": ["a"], "wait": True, "wait_timeout": 0}, "wait_timeout must be"),
]


def test_every_bad_input_names_the_option_before_any_call(run_playbook, emulator_server, tmp_path):
    """Every case as its own task in one playbook run: each fails naming its option, and the whole
    run makes no AWS call."""
    emulator_server.reset_calls()
    play = [{
        "name": "backup_job_status with bad input", "hosts": "localhost", "gather_facts": False,
        "module_defaults": {"group/recovery.aws_backup.aws": {"region": "{{ aws_region }}", "endpoint_url": "{{ aws_endpoint_url }}"}},
        "tasks": [
            *({"name": f"Status {n}", "recovery.aws_backup.backup_job_status": arguments, "register": f"status_{n}", "ignore_errors": True}
              for n, (arguments, _message) in enumerate(BAD_INPUTS)),
            {"name": "Save", "ansible.legacy.write_output": {
                "content": "{{ [" + ", ".join(f"status_{n}" for n in range(len(BAD_INPUTS))) + "] | to_json }}",
                "dest": "{{ output_dir }}/statuses.json", "mode": "0600"}},
        ],
    }]  # fmt: skip
    playbook = tmp_path / "bad_input.yml"
    playbook.write_text(yaml.safe_dump(play, sort_keys=False))
    result = run_playbook(playbook)
    assert result.rc == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    statuses = result.load_json("statuses.json")
    assert len(statuses) == len(BAD_INPUTS)
    for (arguments, message), status in zip(BAD_INPUTS, statuses):
        assert status["failed"] is True and message in status["msg"], (arguments, status)
    assert emulator_server.calls() == {}
