"""Audit evidence through real ansible-playbook runs on the emulator: playbooks/dr_drill.yml
appends each drill's record to the restore history (a directory and a bucket prefix on moto's S3),
two drills at once both land, and playbooks/evidence_report.yml builds the report from either,
naming the protected resource no drill restored; a history file that cannot be read is reported
and left as it is. One history serves every assertion (drills are the slow part)."""

from __future__ import annotations

import csv
import json
import subprocess
import time
from pathlib import Path

from tests.conftest import REPO_ROOT
from tests.emulator.seed import seed_demo

DRILL = REPO_ROOT / "playbooks" / "dr_drill.yml"
REPORT = REPO_ROOT / "playbooks" / "evidence_report.yml"
BUCKET = "drill-evidence"
PREFIX = "drills/prod"
TORN = b'{"schema": "recovery.aws_backup/restore-hist'


def galaxy_version() -> str:
    import yaml

    return str(yaml.safe_load((REPO_ROOT / "galaxy.yml").read_text())["version"])


def test_drills_append_to_the_history_and_the_evidence_report_shows_it(emulator_server, playbook_invocation, tmp_path):
    seeded = seed_demo(emulator_server.endpoint_url)
    emulator_server.configure(restore_job_seconds=2)
    emulator_server.client("s3").create_bucket(Bucket=BUCKET)
    vault = seeded["backup_vault_name"]
    history = tmp_path / "history"
    history.mkdir()
    (history / "restore-torn.json").write_bytes(TORN)
    common = {
        "dr_aws_endpoint_url": emulator_server.endpoint_url, "dr_region": emulator_server.region, "dr_iam_role_arn": seeded["iam_role_arn"],
        "dr_report_dir": str(tmp_path / "reports"), "dr_history_dir": str(history), "dr_history_s3": {"bucket": BUCKET, "prefix": PREFIX},
        "dr_wait_timeout": 120,
    }  # fmt: skip
    db = {"resource_type": "RDS", "backup_vault_name": vault, "recovery_point_arn": seeded["rds"]["recovery_point_arn"], "rto_seconds": 600}
    efs = {"resource_type": "EFS", "backup_vault_name": vault, "recovery_point_arn": seeded["efs"]["recovery_point_arn"],
           "rto_seconds": 1, "rpo_seconds": 86400}  # an RTO of 1 s cannot be met: a miss, reported, not failed  # fmt: skip

    def start(variables: dict) -> tuple[subprocess.Popen, Path]:
        playbook = variables.pop("playbook", DRILL)
        invocation = playbook_invocation(playbook, variables)
        log = tmp_path / f"{len(list(tmp_path.glob('*.log')))}.log"
        process = subprocess.Popen(invocation.command, cwd=REPO_ROOT, env=invocation.env, stdout=log.open("w"), stderr=subprocess.STDOUT)
        return process, log

    def finish(started: tuple[subprocess.Popen, Path]) -> tuple[int, str]:
        process, log = started
        process.wait(timeout=300)
        return process.returncode, log.read_text()

    # Three drills at once: one whose restore fails (it starts first, its restore job takes the
    # injected failure), one as an AWX job, one missing its RTO.
    emulator_server.fail_restore_jobs(1, status_message="injected failure")
    failing = start({**common, "dr_targets": [{**db, "name": "a-db"}]})
    deadline = time.monotonic() + 120
    # Its journal names its restore job: written once the job started, before it is awaited.
    while not list((tmp_path / "reports").glob("drill-*.journal.json")) and failing[0].poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    both = [start({**common, "dr_targets": [{**db, "name": "b-db"}], "awx_job_id": 4242, "awx_user_name": "auditor",
                   "awx_job_template_name": "DR drill"}),
            start({**common, "dr_targets": [{**efs, "name": "c-efs"}]})]  # fmt: skip
    rc, out = finish(failing)
    assert rc != 0 and "injected failure" in out, out[-3000:]
    for rc, out in map(finish, both):
        assert rc == 0, out[-3000:]

    # The history: one record per drill, in the directory and under the prefix alike, the
    # unreadable file left as it was.
    records = {json.loads(p.read_text())["targets"][0]["name"]: json.loads(p.read_text()) for p in history.glob("restore-2*.json")}
    assert sorted(records) == ["a-db", "b-db", "c-efs"]
    assert (history / "restore-torn.json").read_bytes() == TORN
    s3 = emulator_server.client("s3")
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix=PREFIX + "/")["Contents"])
    assert keys == sorted(f"{PREFIX}/restore-{r['run_id']}.json" for r in records.values())
    for entry in records.values():
        assert json.loads(s3.get_object(Bucket=BUCKET, Key=f"{PREFIX}/restore-{entry['run_id']}.json")["Body"].read()) == entry
    failed, awx, missed = records["a-db"], records["b-db"], records["c-efs"]
    (failed_target,) = failed["targets"]
    assert failed["succeeded"] is False and failed_target["outcome"] == "failed" and failed_target["restore_job_status"] == "FAILED"
    assert "injected failure" in failed_target["error"] and failed_target["resource_arn"] == seeded["rds"]["DBInstanceArn"]
    assert awx["ran_by"]["awx_job_id"] == 4242 and awx["ran_by"]["awx_user_name"] == "auditor"
    assert awx["ran_by"]["awx_job_template_name"] == "DR drill" and awx["collection"]["version"] == galaxy_version()
    assert missed["ran_by"]["awx_job_id"] is None and missed["ran_by"]["controller_user"] and missed["ran_by"]["controller_host"]
    (missed_target,) = missed["targets"]
    assert missed_target["outcome"] == "passed" and missed_target["validation"] == "passed" and missed_target["teardown"] == "deleted"
    assert missed_target["rto_met"] is False and missed_target["recovery_time_seconds"] > 1 and missed_target["rpo_met"] is True
    assert missed_target["recovery_point_arn"] == seeded["efs"]["recovery_point_arn"] and missed_target["restore_job_id"]

    # The report, from the directory and from the bucket at once.
    report = {"playbook": REPORT, "evidence_aws_endpoint_url": emulator_server.endpoint_url, "evidence_region": emulator_server.region,
              "evidence_vaults": [vault], "evidence_period_days": 7}  # fmt: skip
    from_dir, from_bucket = tmp_path / "evidence-dir", tmp_path / "evidence-s3"
    runs = [start({**report, "evidence_history_dir": str(history), "evidence_output_dir": str(from_dir)}),
            start({**report, "evidence_history_s3": {"bucket": BUCKET, "prefix": PREFIX}, "evidence_output_dir": str(from_bucket)})]  # fmt: skip
    (rc, out), (rc_s3, out_s3) = map(finish, runs)
    assert rc == 0 and rc_s3 == 0, out[-3000:] + out_s3[-3000:]
    aurora = seeded["aurora"]["DBClusterArn"]
    assert f"Protected resources with no successful restore test: {aurora}" in out and str(from_dir / "index.html") in out
    assert "restore-torn.json" in out and "[WARNING]" in out
    assert (history / "restore-torn.json").read_bytes() == TORN
    # A failed restore missed its RTO too: nothing was recovered.
    for output in (from_dir, from_bucket):
        data = json.loads((output / "evidence.json").read_text())
        summary = {"tests": 3, "passed": 2, "failed": 1, "rto_missed": 2, "rpo_missed": 0, "resources_tested": 2}
        assert data["records"] == 3 and data["summary"] == summary
        assert data["coverage"]["untested"] == [aurora]
        rows = list(csv.DictReader((output / "evidence.csv").open()))
        assert sorted(r["name"] for r in rows) == ["a-db", "b-db", "c-efs"]
        page = (output / "index.html").read_text()
        assert page.count('id="chart-') == 2 and aurora in page
    assert [u["path"] for u in json.loads((from_dir / "evidence.json").read_text())["unreadable"]] == [str(history / "restore-torn.json")]
