"""The emulator under the AWS CLI, a client nobody here wrote: pagination (--max-items,
--page-size, --starting-token) and --query over every emulated list operation that botocore
paginates.

AWS CLI v1 vendors its own botocore, but pins docutils<=0.19, which the main venv's
documentation tools outgrow; so it lives in its own venv, .cache/awscli-venv, made here on
first use (pip from PyPI, as the rest of the toolchain).
"""

from __future__ import annotations

import json
import os
import subprocess
import venv
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore import xform_name

from moto.backup.responses import BackupResponse
from moto.core.utils import camelcase_to_underscores

from tests.emulator import seed
from tests.emulator.control import post as post_control

AWSCLI_REQUIREMENT = "awscli==1.46.3"
REPO_ROOT = Path(__file__).resolve().parents[3]
AWSCLI_VENV = REPO_ROOT / ".cache" / "awscli-venv"
ROLE = "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole"
ITEMS = 3  # at least this many items in every list, so that paging has pages


def _aws_executable() -> Path:
    aws = AWSCLI_VENV / "bin" / "aws"
    marker = AWSCLI_VENV / "requirement.txt"
    if aws.exists() and marker.exists() and marker.read_text() == AWSCLI_REQUIREMENT:
        return aws
    venv.EnvBuilder(with_pip=True, clear=True).create(AWSCLI_VENV)
    subprocess.run(
        [str(AWSCLI_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet", AWSCLI_REQUIREMENT],
        check=True,
        timeout=600,
    )
    marker.write_text(AWSCLI_REQUIREMENT)
    return aws


@pytest.fixture(scope="session")
def aws_cli(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # one worker builds the venv; a lock file keeps a second xdist worker from racing it
    import fcntl

    AWSCLI_VENV.parent.mkdir(parents=True, exist_ok=True)
    with open(AWSCLI_VENV.parent / "awscli-venv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _aws_executable()


def paginated_list_operations() -> list[tuple[str, dict[str, Any]]]:
    """Operations the emulator answers (a handler on moto's BackupResponse) that botocore paginates."""
    session = botocore.session.get_session()
    model = session.get_paginator_model("backup")
    found = []
    for operation in session.get_service_model("backup").operation_names:
        if not hasattr(BackupResponse, camelcase_to_underscores(operation)):
            continue
        try:
            found.append((operation, model.get_paginator(operation)))
        except ValueError:
            continue  # botocore does not paginate it (ListTags, ListReportPlans)
    return found


@pytest.fixture
def seeded(emulator_server: Any) -> dict[str, str]:
    """At least ITEMS of everything the list operations list."""
    emulator_server.configure(restore_job_seconds=0)
    # copies complete at once, so that every listing below sees the same states
    post_control(emulator_server.endpoint_url, "config", {"copy_job_seconds": 0})
    backup, efs = emulator_server.client("backup"), emulator_server.client("efs")
    for n in range(ITEMS):
        seed.create_vault(backup, f"cli-vault-{n}")
        backup.create_backup_plan(
            BackupPlan={"BackupPlanName": f"plan-{n}", "Rules": [{"RuleName": "r", "TargetBackupVaultName": "cli-vault-0"}]}
        )
    fs = seed.create_efs(efs, name="cli-fs")
    for n in range(ITEMS):
        point = seed.backup_and_wait(backup, "cli-vault-0", fs["FileSystemArn"], ROLE).recovery_point_arn
        backup.start_restore_job(
            RecoveryPointArn=point,
            Metadata={"file-system-id": fs["FileSystemId"], "newFileSystem": "true", "CreationToken": f"cli-{n}"},
        )
        backup.start_copy_job(
            RecoveryPointArn=point,
            SourceBackupVaultName="cli-vault-0",
            DestinationBackupVaultArn=backup.describe_backup_vault(BackupVaultName="cli-vault-1")["BackupVaultArn"],
            IamRoleArn=ROLE,
        )
    # more protected resources in the vault (ListProtectedResourcesByBackupVault lists one per resource)
    for n in range(1, ITEMS):
        other = seed.create_efs(efs, name=f"cli-fs-{n}")
        seed.backup_and_wait(backup, "cli-vault-0", other["FileSystemArn"], ROLE)
    for n in range(ITEMS):
        backup.create_restore_testing_plan(RestoreTestingPlan={
            "RestoreTestingPlanName": f"cli_plan_{n}", "ScheduleExpression": "cron(0 5 ? * * *)",
            "RecoveryPointSelection": {"Algorithm": "LATEST_WITHIN_WINDOW", "IncludeVaults": ["*"], "RecoveryPointTypes": ["SNAPSHOT"]},
        })  # fmt: skip
        backup.create_restore_testing_selection(RestoreTestingPlanName="cli_plan_0", RestoreTestingSelection={
            "RestoreTestingSelectionName": f"cli_selection_{n}", "ProtectedResourceType": "EFS", "IamRoleArn": ROLE,
            "ProtectedResourceArns": ["*"],
        })  # fmt: skip
    # required members of the list operations, by member name
    return {"BackupVaultName": "cli-vault-0", "ResourceArn": fs["FileSystemArn"], "RestoreTestingPlanName": "cli_plan_0"}


def run_cli(aws: Path, endpoint: str, args: list[str]) -> Any:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    completed = subprocess.run(
        [str(aws), "--endpoint-url", endpoint, "--output", "json", *args],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, f"aws {' '.join(args)}: {completed.stderr}"
    return json.loads(completed.stdout) if completed.stdout.strip() else None


@pytest.mark.parametrize("operation, paginator", paginated_list_operations(), ids=lambda v: v if isinstance(v, str) else "")
def test_aws_cli_pages_and_queries(aws_cli, emulator_server, seeded, operation, paginator):
    command = ["backup", xform_name(operation, "-")]
    input_shape = botocore.session.get_session().get_service_model("backup").operation_model(operation).input_shape
    for name in input_shape.required_members:
        command += [f"--{xform_name(name, '-')}", seeded[name]]
    key = paginator["result_key"]
    endpoint = emulator_server.endpoint_url

    everything = run_cli(aws_cli, endpoint, command)[key]
    assert len(everything) >= ITEMS, f"{operation} lists {len(everything)} items; seed more"

    # --max-items, then --starting-token for the rest: the same items, in the same order
    first = run_cli(aws_cli, endpoint, [*command, "--max-items", "2"])
    assert first[key] == everything[:2]
    assert first.get("NextToken")
    rest = run_cli(aws_cli, endpoint, [*command, "--starting-token", first["NextToken"], "--max-items", "1000"])
    assert first[key] + rest[key] == everything

    # --page-size 1: one item per request, the CLI follows NextToken through all of them
    emulator_server.reset_calls()
    assert run_cli(aws_cli, endpoint, [*command, "--page-size", "1"])[key] == everything
    assert emulator_server.calls()[operation] >= len(everything)

    # --query over the full result
    assert run_cli(aws_cli, endpoint, [*command, "--query", f"length({key})"]) == len(everything)
    assert run_cli(aws_cli, endpoint, [*command, "--query", f"{key}[0]"]) == everything[0]
