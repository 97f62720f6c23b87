"""The evidence report of a history like `make drill`'s (two weeks of nightly drills of four
resources, one failed restore, RTO misses, one protected resource never restore-tested), and its
screenshot in headless Chromium with the network blocked: the README's picture,
docs/evidence-report.png, and the page the browser test opens.

    python tests/tools/evidence_screenshot.py [docs/evidence-report.png]
"""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
# Headless, no first-run work, no background or component traffic, a fresh profile; and no
# network at all: every host name resolves nowhere and any request would go to a closed proxy.
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>", "--virtual-time-budget=15000",
)  # fmt: skip
ACCOUNT = "123456789012"
RESOURCES = [
    # (type, ARN, RTO, RPO, typical recovery time)
    ("EFS", f"arn:aws:elasticfilesystem:us-east-1:{ACCOUNT}:file-system/fs-0a1b2c3d", 900, 86400, 420),
    ("RDS", f"arn:aws:rds:us-east-1:{ACCOUNT}:db:orders", 1800, 86400, 1260),
    ("Aurora", f"arn:aws:rds:us-east-1:{ACCOUNT}:cluster:payments", 2400, 86400, 1500),
    ("DynamoDB", f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/sessions", 600, 43200, 260),
]
UNTESTED = ("S3", f"arn:aws:s3:::reports-{ACCOUNT}")


def chromium_command(profile: Path, *arguments: str) -> list[str]:
    return [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *arguments]


def sample_records(now: datetime, nights: int = 14) -> list[dict[str, Any]]:
    records = []
    for night in range(nights):
        started = (now - timedelta(days=nights - night)).replace(hour=2, minute=0, second=0, microsecond=0)
        run_id = f"{started:%Y%m%dT%H%M%SZ}-{night:08x}"
        targets = []
        for index, (kind, arn, rto, rpo, typical) in enumerate(RESOURCES):
            # Deterministic variation: slower restores some nights, the RDS restore over its RTO twice.
            seconds = typical + (night * 37 + index * 91) % 240 + (700 if kind == "RDS" and night in (5, 11) else 0)
            age = 3600 * (2 + (night * 7 + index * 3) % 10) + (40000 if kind == "DynamoDB" and night == 10 else 0)
            failed = kind == "Aurora" and night == 8
            created = started + timedelta(seconds=20 + index)
            targets.append({
                "name": f"drill-{kind.lower()}", "resource_type": kind, "resource_arn": arn, "backup_vault_name": "prod-vault",
                "recovery_point_arn": f"arn:aws:backup:us-east-1:{ACCOUNT}:recovery-point:{night:04d}{index:04d}",
                "recovery_point_created": (created - timedelta(seconds=age)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "recovery_point_age_seconds": age, "rpo_seconds": rpo, "rpo_met": age <= rpo,
                "restore_job_id": f"{night:04X}{index:04X}-JOB", "restore_job_status": "FAILED" if failed else "COMPLETED",
                "restore_job_created": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "created_resource_arn": "" if failed else f"{arn}-drill",
                "recovery_time_seconds": None if failed else seconds, "rto_seconds": rto, "rto_met": False if failed else seconds <= rto,
                "validation": "not run" if failed else "passed", "validation_message": "",
                "teardown": "nothing to delete" if failed else "deleted",
                "outcome": "failed" if failed else "passed",
                "error": "restore: restore job ended FAILED: An internal error occurred while restoring the recovery point." if failed else "",
            })  # fmt: skip
        records.append({
            "schema": "recovery.aws_backup/restore-history/1", "run_id": run_id, "mode": "drill", "region": "us-east-1",
            "started": started.strftime("%Y-%m-%dT%H:%M:%SZ"), "recorded": (started + timedelta(minutes=40)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "succeeded": all(t["outcome"] == "passed" for t in targets), "error": "",
            "ran_by": {"awx_job_id": 1200 + night, "awx_user_name": "scheduler", "awx_job_template_name": "Nightly DR drill",
                       "awx_job_template_id": 12, "controller_user": "runner", "controller_host": "awx-ee"},
            "collection": {"name": "recovery.aws_backup", "version": "0.4.0"}, "targets": targets,
        })  # fmt: skip
    return records


def write_sample_report(output_dir: Path) -> tuple[Path, list[dict[str, Any]]]:
    """index.html (and the exports) of the sample history: (the page, its tests)."""
    sys.path.insert(0, str(REPO_ROOT / ".collections"))
    from ansible_collections.recovery.aws_backup.plugins.module_utils import evidence

    now = datetime(2026, 12, 4, 9, 0, tzinfo=timezone.utc)
    protected = [{"ResourceArn": arn, "ResourceType": kind, "backup_vault_name": "prod-vault"} for kind, arn, *rest in RESOURCES]
    protected.append({"ResourceArn": UNTESTED[1], "ResourceType": UNTESTED[0], "backup_vault_name": "prod-vault"})
    data = evidence.evidence(sample_records(now), [], protected, ["prod-vault"], now, 30, "/runner/drills/history")
    output_dir.mkdir(parents=True, exist_ok=True)
    page = output_dir / "index.html"
    page.write_text(evidence.html(data))
    (output_dir / "evidence.json").write_text(evidence.evidence_json(data))
    (output_dir / "evidence.csv").write_text(evidence.csv_text(data["tests"]))
    return page, data["tests"]


def main(argv: list[str]) -> int:
    import tempfile

    target = Path(argv[0]) if argv else REPO_ROOT / "docs" / "evidence-report.png"
    with tempfile.TemporaryDirectory(prefix="evidence-") as work:
        page, _tests = write_sample_report(Path(work) / "evidence")
        subprocess.run(chromium_command(Path(work) / "profile", f"--screenshot={target}", "--window-size=1100,1250", page.as_uri()),
                       check=True, capture_output=True, timeout=120)  # fmt: skip
    print(f"wrote {target}")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
