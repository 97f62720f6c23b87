"""The evidence report (plugins/module_utils/evidence.py and the evidence_report module, in process
against the emulator): the tests of a period, coverage of the vaults' protected resources, the
exports, a history in a bucket, bad input before any AWS call."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone

import pytest

from ansible_collections.recovery.aws_backup.plugins.module_utils import evidence
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import InputError
from ansible_collections.recovery.aws_backup.plugins.module_utils.history import dumps
from ansible_collections.recovery.aws_backup.plugins.modules import evidence_report
from tests.emulator import seed
from tests.unit.module_runner import run_module_main
from tests.unit.test_history import PLAN_ARN
from tests.unit.test_history import SOURCE
from tests.unit.test_history import a_run
from tests.unit.test_history import a_validation_run
from ansible_collections.recovery.aws_backup.plugins.module_utils.history import ran_by
from ansible_collections.recovery.aws_backup.plugins.module_utils.history import record

NOW = datetime(2026, 12, 4, 16, 0, tzinfo=timezone.utc)


def history_of(*targets: tuple[str, str, str, str, int]) -> list[dict]:
    """Records of one target each: (run id, when, resource ARN, outcome, recovery time)."""
    records = []
    for run_id, when, arn, outcome, seconds in targets:
        records.append({
            "schema": "recovery.aws_backup/restore-history/1", "run_id": run_id, "mode": "drill", "started": when,
            "ran_by": {"awx_job_id": 9}, "collection": {"version": "0.4.0"}, "region": "us-east-1",
            "targets": [{"name": "t", "resource_type": "RDS", "resource_arn": arn, "restore_job_created": when, "outcome": outcome,
                         "recovery_time_seconds": seconds, "rto_seconds": 60, "rto_met": seconds <= 60,
                         "recovery_point_age_seconds": 100, "rpo_seconds": 3600, "rpo_met": True}],
        })  # fmt: skip
    return records


DB = "arn:aws:rds:us-east-1:123456789012:db:orders"
OTHER = "arn:aws:rds:us-east-1:123456789012:db:billing"
NEVER = "arn:aws:rds:us-east-1:123456789012:db:legacy"


def test_tests_of_the_period_newest_first_and_coverage_by_resource():
    records = history_of(("r1", "2026-08-01T00:00:00Z", OTHER, "passed", 30),  # before the period
                         ("r2", "2026-12-01T00:00:00Z", DB, "failed", 90),
                         ("r3", "2026-12-02T00:00:00Z", DB, "passed", 40),
                         ("r4", "2026-12-03T00:00:00Z", OTHER, "failed", 20))  # fmt: skip
    protected = [{"ResourceArn": arn, "ResourceType": "RDS", "backup_vault_name": "prod"} for arn in (DB, OTHER, NEVER)]
    data = evidence.evidence(records, [], protected, ["prod"], NOW, 30, "/h")
    assert [t["run_id"] for t in data["tests"]] == ["r4", "r3", "r2"]
    assert data["tests"][0]["awx_job_id"] == 9 and data["tests"][0]["collection_version"] == "0.4.0"
    assert data["summary"] == {"tests": 3, "passed": 1, "failed": 2, "rto_missed": 1, "rpo_missed": 0, "resources_tested": 2}
    # OTHER passed only before the period and failed in it: untested, as NEVER is.
    assert data["coverage"]["untested"] == [OTHER, NEVER]
    by_arn = {c["resource_arn"]: c for c in data["coverage"]["protected_resources"]}
    assert by_arn[DB]["last_passed_run_id"] == "r3" and (by_arn[DB]["tests"], by_arn[DB]["passed"]) == (2, 1)
    rows = list(csv.DictReader(io.StringIO(evidence.csv_text(data["tests"]))))
    assert [r["run_id"] for r in rows] == ["r4", "r3", "r2"] and rows[0]["rto_met"] == "True"
    assert list(rows[0]) == list(evidence.COLUMNS)


def test_no_vaults_no_coverage_and_a_bad_period():
    assert evidence.evidence([], [], None, [], NOW, 7, "/h")["coverage"] is None
    for bad in (0, -1, True, "7"):
        with pytest.raises(InputError, match="period_days"):
            evidence.since(NOW, bad)


def test_the_page_embeds_the_charting_library_and_draws_every_test():
    records = history_of(("r2", "2026-12-01T00:00:00Z", DB, "failed", 90), ("r3", "2026-12-02T00:00:00Z", DB, "passed", 40))
    page = evidence.html(evidence.evidence(records, [{"path": "/h/restore-x.json", "error": "/h/restore-x.json: torn"}],
                                           [{"ResourceArn": NEVER}], ["prod"], NOW, 30, "/h"))  # fmt: skip
    assert "Plotly.newPlot" in page and 'src="http' not in page and "cdn" not in page.split("</script>", 1)[1].lower()
    assert page.count('id="chart-') == 2 and page.count("<tr class=") == 2 + 1  # two tests, one protected resource
    assert "restore-x.json: torn" in page and NEVER in page


def test_validated_restore_tests_count_as_tests_and_for_coverage():
    """A validation run's restore jobs are tests: SUCCESSFUL (its result put) covers the resource,
    FAILED or never validated does not; no recovery time is charted for them."""
    entry = record(a_validation_run(), ran_by({}), "0.4.0", "2026-12-04T06:05:00Z")
    billing, legacy = "arn:aws:rds:us-east-1:123456789012:db:billing", "arn:aws:rds:us-east-1:123456789012:db:legacy"
    protected = [{"ResourceArn": arn, "ResourceType": "RDS", "backup_vault_name": "prod"} for arn in (SOURCE, billing, legacy)]
    data = evidence.evidence([entry], [], protected, ["prod"], NOW, 30, "/h")
    assert {t["restore_job_id"]: (t["mode"], t["outcome"], t["validation"]) for t in data["tests"]} == {
        "GOOD": ("validate", "passed", "SUCCESSFUL"), "BAD": ("validate", "failed", "FAILED"), "LATE": ("validate", "failed", "not validated")}
    assert data["summary"] == {"tests": 3, "passed": 1, "failed": 2, "rto_missed": 0, "rpo_missed": 0, "resources_tested": 3}
    assert data["coverage"]["untested"] == [billing, legacy]
    rows = {r["restore_job_id"]: r for r in csv.DictReader(io.StringIO(evidence.csv_text(data["tests"])))}
    assert rows["GOOD"]["restore_testing_plan"] == PLAN_ARN and rows["GOOD"]["validation_result_recorded"] == "True"
    assert rows["GOOD"]["teardown"] == "by AWS restore testing" and rows["GOOD"]["recovery_time_seconds"] == ""
    # A SUCCESSFUL verdict AWS never took does not cover the resource.
    unrecorded = record(a_validation_run(put_failed=True), ran_by({}), "0.4.0", 0)
    assert evidence.evidence([unrecorded], [], protected, ["prod"], NOW, 30, "/h")["coverage"]["untested"] == sorted([SOURCE, billing, legacy])
    page = evidence.html(data)
    assert page.count("<tr class=") == 3 + 3 and "by AWS restore testing" in page


def run_module(capsys, args: dict, check_mode: bool = False) -> dict:
    return run_module_main(capsys, evidence_report.main, args, check_mode)


def test_bad_input_fails_naming_the_option_before_any_aws_call(aws, capsys, tmp_path):
    result = run_module(capsys, {"history_dir": str(tmp_path), "output_dir": str(tmp_path / "out"), "period_days": 0, "vaults": ["v"]})
    assert result["failed"] and "period_days" in result["msg"]
    result = run_module(capsys, {"output_dir": str(tmp_path / "out")})
    assert result["failed"] and "history_dir" in result["msg"] and "history_s3" in result["msg"]
    assert aws.calls() == {} and not (tmp_path / "out").exists()


def test_history_in_a_bucket_with_coverage_of_a_vault(aws, capsys, tmp_path):
    aws.configure(backup_job_seconds=0)
    backup, s3 = aws.client("backup"), aws.client("s3")
    tested = seed.seed_efs_recovery_point(backup, aws.client("efs"), aws.client("iam"), "prod", name="tested")
    untested = seed.seed_efs_recovery_point(backup, aws.client("efs"), aws.client("iam"), "prod", name="untested")
    run = a_run()
    run["targets"]["drill-orders"]["job"]["source_resource_arn"] = tested["resource_arn"]
    run["targets"]["drill-orders"]["job"]["creation_date"] = datetime.now(timezone.utc).isoformat()
    s3.create_bucket(Bucket="evidence")
    s3.put_object(Bucket="evidence", Key="drills/restore-20261204T151000Z-1a2b3c4d.json", Body=dumps(record(run, ran_by({}), "0.4.0", 0)))
    s3.put_object(Bucket="evidence", Key="drills/restore-torn.json", Body=b"{")
    s3.put_object(Bucket="evidence", Key="drills/elsewhere/restore-x.json", Body=b"{")  # another prefix's
    out = tmp_path / "out"
    result = run_module(capsys, {"history_s3": {"bucket": "evidence", "prefix": "drills/"}, "output_dir": str(out), "vaults": ["prod"]}, check_mode=True)
    assert result["changed"] and not out.exists() and result["untested"] == [untested["resource_arn"]]
    aws.reset_calls()
    result = run_module(capsys, {"history_s3": {"bucket": "evidence", "prefix": "drills"}, "output_dir": str(out), "vaults": ["prod"]})
    assert result["records"] == 1 and result["untested"] == [untested["resource_arn"]]
    assert [u["path"] for u in result["unreadable"]] == ["s3://evidence/drills/restore-torn.json"]
    assert s3.get_object(Bucket="evidence", Key="drills/restore-torn.json")["Body"].read() == b"{"
    assert sorted(p.name for p in out.iterdir()) == ["evidence.csv", "evidence.json", "index.html"]
    data = json.loads((out / "evidence.json").read_text())
    assert data["history"] == "s3://evidence/drills" and data["summary"]["tests"] == 2
    assert aws.calls()["ListProtectedResourcesByBackupVault"] == 1
