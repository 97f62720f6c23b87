"""Copies a regional drill makes are the drill's to delete, even when it is stopped: real
ansible-playbook runs of playbooks/regional_dr_drill.yml against the emulator server (primary
Region us-east-1, DR Region us-west-2). A copy-then-restore drill stopped by SIGTERM while its
copy runs leaves the copy's job in its journal; dr_mode=cleanup deletes the copy that job made
(by copy job id, once it has ended), removes the journal and keeps every other recovery point.
The same drill run twice restores twice, and tears down both."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

from tests.conftest import REPO_ROOT
from tests.emulator.control import post as emulator_post
from tests.integration.test_regional_drill import DR
from tests.integration.test_regional_drill import PLAYBOOK
from tests.integration.test_regional_drill import ROLE
from tests.integration.test_regional_drill import SOURCE
from tests.integration.test_regional_drill import copy_to_dr
from tests.integration.test_regional_drill import efs_copy_target
from tests.integration.test_regional_drill import inventory
# The fixture this test uses, imported so that pytest finds it.
from tests.integration.test_regional_drill import primary  # noqa: F401  pylint: disable=unused-import

# A copy that does not end by itself while the test runs: the emulator's clock is moved on to end it.
SLOW_COPY_SECONDS = 3600


def drill_vars(mode: str, targets: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "dr_mode": mode, "dr_region": DR, "dr_source_region": SOURCE, "dr_targets": targets, "dr_iam_role_arn": ROLE,
        "dr_aws_endpoint_url": "{{ aws_endpoint_url }}", "dr_report_dir": "{{ output_dir }}", "dr_wait_timeout": 300,
        "dr_progress_interval": 5,
    }  # fmt: skip


def journals(report_dir: Path) -> list[dict[str, Any]]:
    found = []
    for path in sorted(report_dir.glob("drill-*.journal.json")):
        try:
            found.append(json.loads(path.read_text()))
        except ValueError:  # being written
            continue
    return found


def dr_vault_points(server: Any) -> set[str]:
    backup = server.client("backup", region_name=DR)
    return {p["RecoveryPointArn"] for p in backup.list_recovery_points_by_backup_vault(BackupVaultName="dr-vault")["RecoveryPoints"]}


def stop_while_copying(playbook_invocation: Any, targets: list[dict[str, Any]]) -> tuple[Path, dict[str, Any], str]:
    """The drill started, then stopped with SIGTERM (its whole process group, as a service manager
    stops a job) once its journal names its copy job: (report dir, journal, what it printed)."""
    invocation = playbook_invocation(PLAYBOOK, drill_vars("drill", targets))
    process = subprocess.Popen(invocation.command, cwd=REPO_ROOT, env=invocation.env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not [j for j in journals(invocation.output_dir) if j.get("copy_jobs")]:
            assert process.poll() is None, f"the drill ended before its journal named its copy job:\n{process.stdout.read()[-3000:]}"
            assert time.monotonic() < deadline, "the drill wrote no journal naming its copy job"
            time.sleep(0.2)
        os.killpg(process.pid, signal.SIGTERM)
        output, _errors = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    (journal,) = journals(invocation.output_dir)
    return invocation.output_dir, journal, output


def test_a_drill_stopped_while_copying_has_its_copy_deleted_by_cleanup_and_nothing_else(
    emulator_server, run_playbook, playbook_invocation, primary  # noqa: F811
):
    # A copy the backup plan made earlier into the same DR vault (of another resource: an equal
    # copy of the drill's point would be reused, not made again): not the drill's to delete.
    earlier_copy = copy_to_dr(emulator_server, primary, primary["rds_point"])["DestinationRecoveryPointArn"]
    before = inventory(emulator_server)
    assert earlier_copy in before["dr-vault"]
    emulator_post(emulator_server.endpoint_url, "config", {"copy_job_seconds": SLOW_COPY_SECONDS})

    report_dir, journal, output = stop_while_copying(playbook_invocation, [efs_copy_target(primary)])
    (copy,) = journal["copy_jobs"]
    assert copy["region"] == SOURCE
    source = emulator_server.client("backup", region_name=SOURCE)
    assert source.describe_copy_job(CopyJobId=copy["copy_job_id"])["CopyJob"]["State"] in ("CREATED", "RUNNING"), output[-2000:]
    assert not list(report_dir.glob("drill-*[0-9a-f].json")), "a stopped drill writes no report"

    # A cleanup while the copy still runs cannot delete what does not exist yet: it says so and
    # keeps the journal, so that a later cleanup finds the copy job again.
    early = run_playbook(PLAYBOOK, drill_vars("cleanup", []))
    assert early.rc != 0, early.stdout[-3000:]
    assert re.search(rf"copy job {copy['copy_job_id']}: failed: copy job is (CREATED|RUNNING); its copy may still appear", early.stdout), early.stdout[-3000:]
    assert len(journals(report_dir)) == 1

    # The copy ends on AWS after the drill stopped: its recovery point appears in the DR vault.
    emulator_post(emulator_server.endpoint_url, "clock", {"advance_seconds": SLOW_COPY_SECONDS})
    ended = source.describe_copy_job(CopyJobId=copy["copy_job_id"])["CopyJob"]
    assert ended["State"] == "COMPLETED"
    drill_copy = ended["DestinationRecoveryPointArn"]
    assert drill_copy in dr_vault_points(emulator_server)

    cleanup = run_playbook(PLAYBOOK, drill_vars("cleanup", []))
    assert cleanup.rc == 0, cleanup.stdout[-3000:]
    assert f"copy job {copy['copy_job_id']}: deleted" in cleanup.stdout, cleanup.stdout[-3000:]
    points = dr_vault_points(emulator_server)
    assert drill_copy not in points
    assert earlier_copy in points, "a recovery point the drill did not make was deleted"
    assert inventory(emulator_server) == before
    assert journals(report_dir) == [] and not list(report_dir.glob("drill-*.journal.json"))

    # Nothing is left to clean up: a second cleanup changes nothing and succeeds.
    again = run_playbook(PLAYBOOK, drill_vars("cleanup", []))
    assert again.rc == 0, again.stdout[-3000:]
    assert "Nothing to clean up" in again.stdout and inventory(emulator_server) == before


def test_the_same_copy_then_restore_drill_run_twice_restores_twice_and_tears_both_down(emulator_server, run_playbook, primary):  # noqa: F811
    before = inventory(emulator_server)
    emulator_server.configure(restore_job_seconds=0.5)
    emulator_post(emulator_server.endpoint_url, "config", {"copy_job_seconds": 0.5})
    targets = [efs_copy_target(primary)]
    first = run_playbook(PLAYBOOK, drill_vars("drill", targets))
    assert first.rc == 0, first.stdout[-3000:]
    second = run_playbook(PLAYBOOK, drill_vars("drill", targets))
    assert second.rc == 0, second.stdout[-3000:]

    reports = [json.loads(p.read_text()) for p in sorted(second.output_dir.glob("drill-*[0-9a-f].json"))]
    assert len(reports) == 2 and reports[0]["run_id"] != reports[1]["run_id"]
    (one,), (two,) = (r["targets"] for r in reports)
    assert one["restore_job_id"] and two["restore_job_id"] and one["restore_job_id"] != two["restore_job_id"]
    assert one["created_resource_arn"] != two["created_resource_arn"]
    for target in (one, two):
        assert target["restore_job_status"] == "COMPLETED" and target["validation"] == "passed"
        assert target["teardown"] == "deleted" and target["copy_teardown"] == "deleted"
    # The first drill's copy was deleted, so the second made its own.
    assert one["copy_job_id"] != two["copy_job_id"]
    dr_jobs = emulator_server.client("backup", region_name=DR).list_restore_jobs()["RestoreJobs"]
    assert {j["RestoreJobId"] for j in dr_jobs} == {one["restore_job_id"], two["restore_job_id"]}
    assert inventory(emulator_server) == before
