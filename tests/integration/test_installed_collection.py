"""The collection as users get it: built with ansible-galaxy, installed on its own, restoring from the emulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

from tests.emulator import seed
from tests.tools.drill import drill_targets

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DEPENDENCIES = REPO / ".collections" / "ansible_collections"
RESTORE_PLAYBOOK = Path(__file__).parent / "playbooks" / "backup_restore_job" / "restore_efs.yml"
# What a user's controller or execution environment never needs.
NOT_SHIPPED = ("tests/", ".venv", ".cache", ".collections", ".build", ".git", "__pycache__", ".pyc", ".pytest_cache", "Makefile")


def test_built_tarball_installs_alone_and_restores(emulator_server, run_playbook, tmp_path):
    installed = tmp_path / "installed"
    # ansible-galaxy must not see this checkout (make exports a collections path holding it):
    # it would call the collection installed already and install nothing.
    galaxy_env = {
        **{name: value for name, value in os.environ.items() if not name.startswith("ANSIBLE_")},
        "ANSIBLE_COLLECTIONS_PATH": str(installed),
    }
    built = subprocess.run(
        [str(BIN / "ansible-galaxy"), "collection", "build", str(REPO), "--output-path", str(tmp_path)],
        capture_output=True, text=True, check=False, env=galaxy_env,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (tarball,) = tmp_path.glob("recovery-aws_backup-*.tar.gz")
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
    assert "plugins/modules/backup_restore_job.py" in names and "meta/runtime.yml" in names
    assert [name for name in names if any(part in name for part in NOT_SHIPPED)] == []

    install = subprocess.run(
        [str(BIN / "ansible-galaxy"), "collection", "install", str(tarball), "-p", str(installed), "--no-deps", "--force"],
        capture_output=True, text=True, check=False, env=galaxy_env,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    assert (installed / "ansible_collections" / "recovery" / "aws_backup" / "meta" / "runtime.yml").is_file(), install.stdout
    # The dependencies on their own, beside the installed copy: this checkout is not on the path.
    for dependency in ("amazon/aws", "community/aws"):
        link = tmp_path / "dependencies" / "ansible_collections" / dependency
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(DEPENDENCIES / dependency)
    collections_path = f"{installed}:{tmp_path / 'dependencies'}"

    backup, efs, iam = (emulator_server.client(name) for name in ("backup", "efs", "iam"))
    point = seed.seed_efs_recovery_point(backup, efs, iam)
    emulator_server.configure(restore_job_seconds=0)
    run = run_playbook(
        RESTORE_PLAYBOOK,
        {k: point[k] for k in ("recovery_point_arn", "backup_vault_name", "file_system_id", "iam_role_arn")},
        env={"ANSIBLE_COLLECTIONS_PATH": collections_path},
        verbosity=3,
    )
    assert run.rc == 0, run.stdout + run.stderr
    assert f"{installed}/ansible_collections/recovery/aws_backup/plugins/modules/backup_restore_job.py" in run.stdout
    assert str(REPO / "plugins") not in run.stdout
    assert len(backup.list_restore_jobs()["RestoreJobs"]) == 1

    # The drill playbook, as shipped in the tarball, restores, validates and tears down all three types.
    seeded = seed.seed_demo(emulator_server.endpoint_url)
    before = len(efs.describe_file_systems()["FileSystems"])
    drill_playbook = installed / "ansible_collections" / "recovery" / "aws_backup" / "playbooks" / "dr_drill.yml"
    drill = run_playbook(
        drill_playbook,
        {"dr_targets": drill_targets(seeded), "dr_iam_role_arn": seeded["iam_role_arn"], "dr_aws_endpoint_url": emulator_server.endpoint_url,
         "dr_aws_region": "us-east-1", "dr_report_dir": str(tmp_path / "reports"), "dr_poll_interval": 1},
        env={"ANSIBLE_COLLECTIONS_PATH": collections_path},
    )
    assert drill.rc == 0, drill.stdout[-3000:] + drill.stderr
    (report,) = (tmp_path / "reports").glob("drill-*.json")
    summary = json.loads(report.read_text())
    assert summary["succeeded"] is True
    assert sorted((t["name"], t["restore_job_status"], t["teardown"]) for t in summary["targets"]) == [
        ("drill-aurora", "COMPLETED", "deleted"), ("drill-db", "COMPLETED", "deleted"), ("drill-efs", "COMPLETED", "deleted")
    ]
    assert len(efs.describe_file_systems()["FileSystems"]) == before
