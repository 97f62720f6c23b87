"""playbooks/dr_drill.yml through ansible-runner, AWX's engine, against the emulator: the job
events AWX shows while restores run (a progress line per target, never FAILED - RETRYING), the
report published with set_stats (playbook_on_stats artifact_data), rc and status on success and
on a failed target, and no secret in any event."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tests.conftest import REPO_ROOT
from tests.emulator.seed import seed_demo

PLAYBOOK = REPO_ROOT / "playbooks" / "dr_drill.yml"
PASSWORD = "Runner-Secret-9f8e7d"


def run_drill(playbook_invocation: Any, tmp_path: Path, name: str, dr_vars: dict[str, Any]):
    return playbook_invocation(PLAYBOOK, dr_vars).run_through_ansible_runner(PLAYBOOK, tmp_path / f"runner-{name}")


def drill_vars(emulator_server: Any, seeded: dict[str, Any], tmp_path: Path, targets: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "dr_targets": targets,
        "dr_iam_role_arn": seeded["iam_role_arn"],
        "dr_aws_endpoint_url": emulator_server.endpoint_url,
        "dr_aws_region": "us-east-1",
        "dr_report_dir": str(tmp_path / "reports"),
        "dr_progress_interval": 4,
    }


def task_events(events: list[dict[str, Any]], task: str) -> list[dict[str, Any]]:
    return [e for e in events if e.get("event") == "runner_on_ok" and e.get("event_data", {}).get("task") == task]


def test_awx_shows_progress_lines_while_restores_run_and_the_report_when_done(emulator_server, playbook_invocation, tmp_path):
    seeded = seed_demo(emulator_server.endpoint_url)
    emulator_server.configure(restore_job_seconds=20)
    targets = [
        {"name": "awx-efs", "resource_type": "EFS", "backup_vault_name": seeded["backup_vault_name"],
         "recovery_point_arn": seeded["efs"]["recovery_point_arn"], "rto_seconds": 600},
        {"name": "awx-db", "resource_type": "RDS", "backup_vault_name": seeded["backup_vault_name"],
         "recovery_point_arn": seeded["rds"]["recovery_point_arn"], "metadata": {"MasterUserPassword": PASSWORD}},
    ]  # fmt: skip
    runner, events = run_drill(playbook_invocation, tmp_path, "ok", drill_vars(emulator_server, seeded, tmp_path, targets))
    stdout = runner.stdout.read()
    assert runner.rc == 0 and runner.status == "successful", stdout[-3000:]

    # The first progress event, dr_progress_interval seconds after the start, shows each target's restore job id.
    backup = emulator_server.client("backup")
    job_ids = {j["RestoreJobId"] for j in backup.list_restore_jobs()["RestoreJobs"]}
    first = task_events(events, "Restore progress")[0]
    start_lines = first["event_data"]["res"]["msg"]
    assert len(start_lines) == 2 and all(re.search(r"restore job (\S+)", line).group(1) in job_ids for line in start_lines)

    # While the restores run: progress events, one line per target with job id, status, percent
    # done and the time against the RTO; never an event saying FAILED.
    progress = [e["event_data"]["res"]["msg"] for e in task_events(events, "Restore progress")]
    running = [lines for lines in progress if any(" RUNNING " in line or " PENDING" in line for line in lines)]
    assert len(running) >= 2, progress
    for lines in running:
        assert [line.split(":")[0] for line in lines] == ["EFS awx-efs", "RDS awx-db"]
        # A job that ended before the other (both take about 20 s) shows its end and what it created;
        # the EFS target's line measures against its RTO.
        for line in lines:
            assert re.search(r"restore job \S+ ((PENDING|RUNNING)( \d+\.\d+% done)?, \d:\d\d:\d\d elapsed( of RTO 0:10:00)?$"
                             r"|COMPLETED, \d:\d\d:\d\d elapsed( of RTO 0:10:00)? - arn:aws:\S+$)", line), line
        assert lines[0].endswith(" of RTO 0:10:00") or " of RTO 0:10:00 - arn:" in lines[0], lines[0]
    # How each ended: the summary, a line per target after the run's own.
    (summary,) = task_events(events, "Summary")
    assert all(" COMPLETED, recovered in " in line for line in summary["event_data"]["res"]["msg"][1:])
    assert "FAILED" not in json.dumps([e.get("stdout", "") for e in events])

    stats = [e for e in events if e.get("event") == "playbook_on_stats"]
    report = stats[-1]["event_data"]["artifact_data"]["restore_report"]
    assert report["succeeded"] is True and [t["teardown"] for t in report["targets"]] == ["deleted", "deleted"]
    assert PASSWORD not in json.dumps(events) and PASSWORD not in stdout


def test_awx_sees_a_failed_target_as_a_failed_job_with_its_report(emulator_server, playbook_invocation, tmp_path):
    seeded = seed_demo(emulator_server.endpoint_url)
    emulator_server.fail_restore_jobs(1, status_message="injected failure")
    targets = [{"name": "awx-bad", "resource_type": "EFS", "backup_vault_name": seeded["backup_vault_name"],
                "recovery_point_arn": seeded["efs"]["recovery_point_arn"], "metadata": {"SecretKey": PASSWORD}}]  # fmt: skip
    runner, events = run_drill(playbook_invocation, tmp_path, "failed", drill_vars(emulator_server, seeded, tmp_path, targets))
    stdout = runner.stdout.read()
    assert runner.rc != 0 and runner.status == "failed", stdout[-3000:]
    # The summary fails the job and says why, with AWS's message.
    (summary,) = [e for e in events if e.get("event") == "runner_on_failed" and e["event_data"].get("task") == "Summary"]
    assert "ended FAILED: injected failure" in summary["event_data"]["res"]["msg"][1]
    stats = [e for e in events if e.get("event") == "playbook_on_stats"]
    report = stats[-1]["event_data"]["artifact_data"]["restore_report"]
    assert report["succeeded"] is False and report["targets"][0]["restore_job_status"] == "FAILED"
    assert "injected failure" in report["targets"][0]["error"]
    assert PASSWORD not in json.dumps(events) and PASSWORD not in stdout
