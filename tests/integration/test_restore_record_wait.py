"""How the drill waits, counted at the emulator: a real ansible-playbook run of
playbooks/dr_drill.yml with 10 EFS targets whose restores take about 20 s and an Aurora target.
Every job of the run is answered by one ListRestoreJobs a poll (DescribeRestoreJob only for a job
the list did not answer), whatever the number of targets; the Aurora cluster's DB instances are
created and awaited by restored_resource in its one wait (no polling task in the role, no
FAILED - RETRYING), with a bounded number of DescribeDBInstances."""

from __future__ import annotations

import json
import math
import re
import subprocess
import time
from pathlib import Path
from typing import Any

from tests.conftest import REPO_ROOT
from tests.emulator.seed import seed_demo

DR_DRILL = REPO_ROOT / "playbooks" / "dr_drill.yml"
HOOK = Path(__file__).parent / "playbooks" / "record_wait" / "facts_hook.yml"
RESTORE_SECONDS = 20
EFS_TARGETS = 10
PROGRESS_INTERVAL = 10
WAIT_TASK = "recovery.aws_backup.restore : Wait for the jobs (returning at least every restore_progress_interval seconds)"
READY_TASK = "recovery.aws_backup.restore : Make what was restored usable, wait until it is, and validate it"
HOOK_TASK = "recovery.aws_backup.restore : Run the user's validation tasks per target"
TEARDOWN_TASK = "recovery.aws_backup.restore : Delete what this drill's jobs created"


def run_counting(emulator_server: Any, invocation: Any) -> tuple[int, str, list[tuple[str, float, dict[str, dict[str, int]]]]]:
    """The playbook run, with the emulator's call counts (backup, rds) and the time taken at each
    task banner as it is printed: (rc, stdout, [(task, seconds, counts)])."""
    snapshots = []
    lines = []
    started = time.monotonic()
    process = subprocess.Popen(invocation.command, cwd=REPO_ROOT, env=invocation.env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)  # fmt: skip
    try:
        for line in process.stdout:
            lines.append(line)
            banner = re.match(r"^TASK \[(.*)\] \*+$", line.rstrip("\n"))
            if banner:
                counts = {service: emulator_server.calls(service) for service in ("backup", "rds")}
                snapshots.append((banner.group(1), time.monotonic() - started, counts))
        process.wait(timeout=300)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    counts = {service: emulator_server.calls(service) for service in ("backup", "rds")}
    snapshots.append(("(end)", time.monotonic() - started, counts))
    return process.returncode, "".join(lines), snapshots


def between(snapshots: list[tuple[str, float, dict[str, dict[str, int]]]], first: str, last: str) -> tuple[float, dict[str, dict[str, int]]]:
    """Seconds and calls from the first banner of task `first` to the first banner of `last` after it."""
    i = next(n for n, s in enumerate(snapshots) if s[0] == first)
    j = next(n for n, s in enumerate(snapshots) if n > i and s[0] == last)
    (_task0, t0, c0), (_task1, t1, c1) = snapshots[i], snapshots[j]
    return t1 - t0, {svc: {op: c1[svc].get(op, 0) - c0[svc].get(op, 0) for op in c1[svc]} for svc in c1}


def test_a_ten_target_drill_polls_its_jobs_in_o1_calls_and_awaits_aurora_instances_in_restored_resource(emulator_server, playbook_invocation):
    seeded = seed_demo(emulator_server.endpoint_url)
    emulator_server.configure(restore_job_seconds=RESTORE_SECONDS)
    vault = seeded["backup_vault_name"]
    targets = [{"name": f"w-efs-{n}", "resource_type": "EFS", "backup_vault_name": vault,
                "recovery_point_arn": seeded["efs"]["recovery_point_arn"]} for n in range(EFS_TARGETS)]  # fmt: skip
    targets.append({"name": "w-aurora", "resource_type": "Aurora", "backup_vault_name": vault,
                    "recovery_point_arn": seeded["aurora"]["recovery_point_arn"], "instance_count": 2})  # fmt: skip
    invocation = playbook_invocation(DR_DRILL, {
        "dr_targets": targets, "dr_iam_role_arn": seeded["iam_role_arn"], "dr_aws_endpoint_url": emulator_server.endpoint_url,
        "dr_aws_region": "us-east-1", "dr_report_dir": "{{ output_dir }}", "dr_wait_timeout": 300,
        "dr_progress_interval": PROGRESS_INTERVAL, "dr_validation_tasks": str(HOOK),
    })  # fmt: skip
    emulator_server.reset_calls()
    rc, stdout, snapshots = run_counting(emulator_server, invocation)
    assert rc == 0, stdout[-3000:]
    print("\n".join(f"{t:6.1f} {task}: {json.dumps(c)}" for task, t, c in snapshots))  # shown with pytest -rP
    (report_path,) = invocation.output_dir.glob("drill-*[0-9a-f].json")
    report = json.loads(report_path.read_text())
    assert report["succeeded"] is True
    assert {t["restore_job_status"] for t in report["targets"]} == {"COMPLETED"} and len(report["targets"]) == EFS_TARGETS + 1

    # The wait: from the first round to the step after the last, every round one module call.
    rounds = sum(1 for snapshot in snapshots if snapshot[0] == WAIT_TASK)
    waited, calls = between(snapshots, WAIT_TASK, READY_TASK)
    backup = calls["backup"]
    assert waited >= RESTORE_SECONDS - 5, waited
    assert 2 <= rounds <= math.ceil(waited / PROGRESS_INTERVAL) + 2, (rounds, waited)
    # One ListRestoreJobs answers the 11 jobs of a poll; polls are at least 3 s apart (5 s once
    # waiting), so a run of the module polls at most about waited/3 + 1 times.
    assert 1 <= backup.get("ListRestoreJobs", 0) <= waited / 3 + 2 * rounds, (backup, waited, rounds)
    # The goal for a drill of restores lasting D seconds: at most 3 x D / 5 + 10 status calls.
    status_calls = backup.get("ListRestoreJobs", 0) + backup.get("DescribeRestoreJob", 0)
    assert status_calls <= 3 * RESTORE_SECONDS / 5 + 10, backup
    assert backup.get("DescribeRestoreJob", 0) <= 3, backup

    # Making usable: restored_resource creates the cluster's instances and awaits them in its one
    # wait; the role has no polling task of its own.
    readied, calls = between(snapshots, READY_TASK, HOOK_TASK)
    rds = calls["rds"]
    # restored_resource reads each job once for its ownership checks, not once a round.
    assert calls["backup"].get("DescribeRestoreJob", 0) <= len(targets), calls["backup"]
    assert calls["backup"].get("ListRestoreJobs", 0) == 0, calls["backup"]
    assert rds.get("CreateDBInstance", 0) == 2, rds
    # Each step of the wait reads the cluster and its instances (a filtered listing): a few calls
    # a round, rounds at least 3 s apart.
    assert rds.get("DescribeDBInstances", 0) <= 3 * (readied / 3 + 2), (rds, readied)
    facts = json.loads((invocation.output_dir / "facts-w-aurora.json").read_text())
    assert facts["status"] == "available"
    assert sorted(m["db_instance_identifier"] for m in facts["db_cluster_members"]) == ["w-aurora-1", "w-aurora-2"]
    assert "FAILED - RETRYING" not in stdout
    assert "rds_instance_info" not in stdout and "async_status" not in stdout
    # Nothing of the drill is left: the instances went with their cluster.
    instances = emulator_server.client("rds").describe_db_instances()["DBInstances"]
    assert not [i for i in instances if i["DBInstanceIdentifier"].startswith("w-aurora")]
