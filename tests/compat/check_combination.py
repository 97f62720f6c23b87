"""What every combination of the support matrix must do: be the combination it claims, render
the documentation of every module and of the role, restore with backup_restore_job in check
mode and for real, and run the DR drill playbook end to end, all against the emulator.

noxfile.py runs this file once per combination (its name keeps `make pytest` from collecting
it: it needs a combination)."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path
from typing import Any

import pytest

from tests.emulator import seed
from tests.tools.drill import drill_targets, inventory

REPO_ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted(path.stem for path in (REPO_ROOT / "plugins" / "modules").glob("*.py") if path.stem != "__init__")
PLAYBOOKS = Path(__file__).parent / "playbooks"

# What may show beside a rendered page without failing the check, because it is not about this
# collection:
# - ansible-core 2.21's `ansible-doc -t role` warns about a collection inside ansible-core itself
#   (ansible/_internal/ansible_collections/ansible/_protomatter has no MANIFEST.json);
# - deprecations, with core's hint on turning them off: amazon.aws 10.3.2 under ansible-core 2.20
#   imports ansible.module_utils._text. They are passed on as pytest warnings, and fail the check
#   when they name this collection.
NOT_OURS = re.compile(
    r"\[WARNING\]: Collection at '[^']*/ansible/_internal/ansible_collections/[^']*' does not have a MANIFEST\.json.*"
    r"|\[WARNING\]: Deprecation warnings can be disabled by setting .*"
)
DEPRECATION = re.compile(r"\[DEPRECATION WARNING\]:.*")


def problems(output: str) -> list[str]:
    """The warnings and errors in an ansible command's output that are about this collection."""
    output = NOT_OURS.sub("", output)
    for deprecation in DEPRECATION.findall(output):
        # amazon.aws 10.1's warn() passing warnings to exit_json (ansible-core 2.19 deprecates
        # it) shows only when one of our modules warns: ours, however it is worded.
        if "recovery.aws_backup" not in deprecation and "warnings" not in deprecation:
            warnings.warn(deprecation, stacklevel=2)
            output = output.replace(deprecation, "")
    return re.findall(r"\[(?:WARNING|ERROR|DEPRECATION WARNING)\].*", output)


def test_the_combination_is_the_one_named(combination, ansible):
    version = ansible("ansible", "--version")
    assert version.rc == 0, version.output
    assert re.search(rf"^ansible \[core {re.escape(combination.core)}\]", version.stdout, re.MULTILINE), version.stdout
    assert re.search(rf"^\s*python version = {re.escape(combination.python)}\.", version.stdout, re.MULTILINE), version.stdout

    listed = ansible("ansible-galaxy", "collection", "list", "--format", "json")
    assert listed.rc == 0, listed.output
    installed = {name: info["version"] for path in json.loads(listed.stdout).values() for name, info in path.items()}
    assert installed.get("amazon.aws") == combination.amazon_aws, installed
    assert installed.get("community.aws") == combination.community_aws, installed
    assert "recovery.aws_backup" in installed, installed


@pytest.mark.parametrize("module", MODULES)
def test_ansible_doc_renders_the_module(ansible, module):
    shown = ansible("ansible-doc", f"recovery.aws_backup.{module}")
    assert shown.rc == 0, shown.output
    assert f"recovery.aws_backup.{module}" in shown.stdout, shown.output
    assert not problems(shown.output), shown.output


def test_ansible_doc_renders_the_role(ansible):
    shown = ansible("ansible-doc", "-t", "role", "recovery.aws_backup.restore")
    assert shown.rc == 0, shown.output
    assert "restore_targets" in shown.stdout, shown.output
    assert not problems(shown.output), shown.output


def test_backup_restore_job_in_check_mode_and_for_real(run_playbook, emulator_server):
    emulator_server.configure(restore_job_seconds=1)
    point = seed.seed_efs_recovery_point(
        emulator_server.client("backup"), emulator_server.client("efs"), emulator_server.client("iam")
    )
    result = run_playbook(
        PLAYBOOKS / "restore_job.yml",
        {k: point[k] for k in ("file_system_id", "resource_arn", "backup_vault_name", "iam_role_arn")},
    )
    assert result.rc == 0, result.output
    assert "Traceback" not in result.output
    assert not problems(result.output), result.output
    (job,) = emulator_server.client("backup").list_restore_jobs()["RestoreJobs"]
    assert job["Status"] == "COMPLETED"
    returned = json.loads((run_playbook.output_dir / "restore_job.json").read_text())
    assert returned["restored"]["restore_job"]["restore_job_id"] == job["RestoreJobId"]


def test_dr_drill_playbook_restores_validates_reports_and_tears_down(ansible, combination, emulator_server, tmp_path):
    """playbooks/dr_drill.yml as `make drill` runs it (tests/tools/drill.py's seeding and targets)."""
    endpoint_url = emulator_server.endpoint_url
    seeded = seed.seed_demo(endpoint_url, emulator_server.region)
    before = inventory(endpoint_url)
    report_dir = tmp_path / "reports"
    variables: dict[str, Any] = {
        "dr_targets": drill_targets(seeded),
        "dr_iam_role_arn": seeded["iam_role_arn"],
        "dr_aws_endpoint_url": endpoint_url,
        "dr_aws_region": emulator_server.region,
        "dr_report_dir": str(report_dir),
        "dr_poll_interval": 1,
        "ansible_python_interpreter": combination.interpreter,
    }
    result = ansible(
        "ansible-playbook", "-i", "localhost,", "-c", "local", "-e", json.dumps(variables),
        str(REPO_ROOT / "playbooks" / "dr_drill.yml"), timeout=600,
    )  # fmt: skip
    assert result.rc == 0, result.output[-6000:]
    assert not problems(result.output), result.output[-6000:]
    (report_file,) = report_dir.glob("drill-*.json")
    report = json.loads(report_file.read_text())
    assert report["succeeded"] is True, report
    assert {t["name"]: (t["restore_job_status"], t["validation"], t["teardown"]) for t in report["targets"]} == {
        target["name"]: ("COMPLETED", "passed", "deleted") for target in variables["dr_targets"]
    }
    assert inventory(endpoint_url) == before, "the drill left resources on the emulator"
