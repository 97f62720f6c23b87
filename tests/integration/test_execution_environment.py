"""The execution environment: ansible-builder finds what the installed collection needs, and accepts the EE definition."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def builder(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "ansible-builder"), *args], capture_output=True, text=True, check=False)


def test_introspection_finds_the_collections_python_requirements(tmp_path):
    # An installed collection as ansible-builder sees one inside the image being built.
    installed = tmp_path / "ansible_collections" / "recovery" / "aws_backup"
    installed.mkdir(parents=True)
    for name in ("meta", "requirements.txt", "bindep.txt", "galaxy.yml"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, installed / name)
    result = builder("introspect", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "boto3" in result.stdout and "recovery.aws_backup" in result.stdout


def test_the_ee_definition_is_valid_for_ansible_builder(tmp_path):
    context = tmp_path / "context"
    result = builder("create", "-f", str(REPO / "docs" / "execution-environment" / "execution-environment.yml"), "--context", str(context))
    assert result.returncode == 0, result.stdout + result.stderr
    # Containerfile for podman, Dockerfile where ansible-builder finds no podman (as here).
    (build_file,) = [path for path in context.iterdir() if path.name in ("Containerfile", "Dockerfile")]
    containerfile = build_file.read_text()
    assert "quay.io/ansible/awx-ee" in containerfile and "requirements.yml" in containerfile
