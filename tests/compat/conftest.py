"""Fixtures of the support matrix's checks (check_combination.py): the combination under test,
described by the COMPAT_* variables noxfile.py sets, and its ansible commands.

The emulator server is tests/conftest.py's `emulator_server`; it runs from .venv, and only
the ansible commands and the modules run in the combination."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
# The emulator's region and the fake credentials tests/conftest.py gives its clients.
REGION = "us-east-1"
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing"}


@dataclass(frozen=True)
class Combination:
    bin: Path  # the combination's virtualenv: ansible-doc, ansible-playbook, python
    collections_path: Path
    core: str
    python: str
    amazon_aws: str
    community_aws: str

    @property
    def interpreter(self) -> str:
        return str(self.bin / "python")


@dataclass
class Completed:
    rc: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@pytest.fixture(scope="session")
def combination() -> Combination:
    try:
        return Combination(
            bin=Path(os.environ["COMPAT_BIN"]),
            collections_path=Path(os.environ["COMPAT_COLLECTIONS_PATH"]),
            core=os.environ["COMPAT_CORE"],
            python=os.environ["COMPAT_PYTHON"],
            amazon_aws=os.environ["COMPAT_AMAZON_AWS"],
            community_aws=os.environ["COMPAT_COMMUNITY_AWS"],
        )
    except KeyError as missing:
        # A failure, not a skip: these checks mean nothing without a combination.
        pytest.fail(f"{missing} is not set: run these checks through nox (make compat), which sets up a combination")


@pytest.fixture
def ansible(combination: Combination, tmp_path: Path) -> Any:
    """ansible(command, *args, timeout=300) runs one of the combination's ansible commands
    with only its collections path, fake AWS credentials, and nothing of the caller's
    ANSIBLE_* or AWS_* settings."""

    def run(command: str, *args: str, timeout: float = 300) -> Completed:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ANSIBLE_"))},
            **FAKE_CREDENTIALS,
            "AWS_DEFAULT_REGION": REGION,
            "ANSIBLE_COLLECTIONS_PATH": str(combination.collections_path),
            "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
            "ANSIBLE_RETRY_FILES_ENABLED": "false",
            "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-local"),
            "ANSIBLE_REMOTE_TEMP": str(tmp_path / "ansible-remote"),
            "ANSIBLE_NOCOLOR": "true",
        }
        completed = subprocess.run(  # noqa: S603 - our own venv's commands
            [str(combination.bin / command), *args],
            cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip
        return Completed(completed.returncode, completed.stdout, completed.stderr)

    return run


@pytest.fixture
def run_playbook(ansible: Any, combination: Combination, emulator_server: Any, tmp_path: Path) -> Any:
    """run_playbook(path, variables) on localhost against the emulator server, the modules run
    by the combination's Python; output_dir is the test's own directory."""
    output_dir = tmp_path / "output"
    output_dir.mkdir()

    def run(playbook: Path, variables: dict[str, Any]) -> Completed:
        variables = {
            "aws_endpoint_url": emulator_server.endpoint_url,
            "aws_region": REGION,
            "ansible_python_interpreter": combination.interpreter,
            "output_dir": str(output_dir),
            **variables,
        }
        return ansible("ansible-playbook", "-i", "localhost,", "-c", "local", "-e", json.dumps(variables), str(playbook))

    run.output_dir = output_dir
    return run
