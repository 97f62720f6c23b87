"""The execution environment: ansible-builder finds what the installed collection needs, accepts the EE
definition, and `make ee` writes a build context whose image installs this checkout, not Galaxy's."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DOCS = REPO / "docs" / "execution-environment"
TARBALL = "recovery-aws_backup.tar.gz"


def builder(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "ansible-builder"), *args], capture_output=True, text=True, check=False)


def galaxy_version() -> str:
    return yaml.safe_load((REPO / "galaxy.yml").read_text())["version"]


def galaxy_stage(containerfile: str) -> list[str]:
    """The instructions of the stage that installs the collections, continuation lines joined."""
    lines = containerfile.replace("\\\n", " ").splitlines()
    start = lines.index("FROM base AS galaxy")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("FROM ")), len(lines))
    return [line.strip() for line in lines[start:end] if line.strip()]


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
    # The evidence report's charting library goes into the image too.
    assert "plotly" in result.stdout


def test_the_ee_definition_takes_the_collection_from_its_tarball(tmp_path):
    # What a user who copies docs/execution-environment gets: a valid definition whose requirements
    # name this collection by its tarball, never by a Galaxy name.
    requirements = yaml.safe_load((DOCS / "requirements.yml").read_text())["collections"]
    assert {"name": f"collections/{TARBALL}", "type": "file"} in requirements
    assert not [entry for entry in requirements if "recovery.aws_backup" in str(entry)]
    definition = yaml.safe_load((DOCS / "execution-environment.yml").read_text())
    assert {"src": TARBALL, "dest": "collections"} in definition["additional_build_files"]

    context = tmp_path / "context"
    result = builder("create", "-f", str(DOCS / "execution-environment.yml"), "--context", str(context))
    assert result.returncode == 0, result.stdout + result.stderr
    # Containerfile for podman, Dockerfile where ansible-builder finds no podman (as here).
    (build_file,) = [path for path in context.iterdir() if path.name in ("Containerfile", "Dockerfile")]
    containerfile = build_file.read_text()
    assert "quay.io/ansible/awx-ee" in containerfile and "requirements.yml" in containerfile
    # Without the tarball beside the definition, ansible-builder says so (the image could not install).
    assert TARBALL in result.stdout + result.stderr


def test_make_ee_runs_the_script_on_the_context_it_is_given(tmp_path):
    context = tmp_path / "elsewhere"
    result = subprocess.run(
        ["make", "--dry-run", "--no-print-directory", "-C", str(REPO), "ee", f"EE_CONTEXT={context}"],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f'bash tests/tools/ee.sh "{context}"' in result.stdout.splitlines()


def test_the_ee_context_installs_this_checkout_from_its_tarball(tmp_path):
    context = tmp_path / "context"
    # What `make ee EE_CONTEXT=...` runs after setup (the test above checks the wiring); running it
    # through make would also rerun setup under the other workers' feet whenever it is out of date.
    result = subprocess.run(
        ["bash", str(REPO / "tests" / "tools" / "ee.sh"), str(context)],
        capture_output=True, text=True, check=False, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    version = galaxy_version()
    assert str(context) in result.stdout
    assert f"podman build -f {context}/Containerfile -t recovery-aws-backup-ee:{version} {context}" in result.stdout
    assert "container engine" in result.stdout

    # The context holds this checkout's collection, at galaxy.yml's version, without the build area.
    tarball = context / "_build" / "collections" / TARBALL
    with tarfile.open(tarball) as archive:
        manifest = json.load(archive.extractfile("MANIFEST.json"))
        assert not [name for name in archive.getnames() if name == "build" or name.startswith("build/")]
    assert (manifest["collection_info"]["namespace"], manifest["collection_info"]["name"]) == ("recovery", "aws_backup")
    assert manifest["collection_info"]["version"] == version

    # The galaxy stage copies _build to the directory it then works in, and installs the
    # requirements file that names the tarball relative to it.
    stage = galaxy_stage((context / "Containerfile").read_text())
    install = next(i for i, line in enumerate(stage) if re.match(r"RUN .*ansible-galaxy collection install ", line))
    assert "-r requirements.yml" in stage[install]
    copies = [line.split()[1:] for line in stage[:install] if line.startswith("COPY ")]
    workdir = [line.split()[1] for line in stage[:install] if line.startswith("WORKDIR ")][-1]
    assert ["_build", workdir] in copies, stage
    requirements = yaml.safe_load((context / "_build" / "requirements.yml").read_text())["collections"]
    assert {"name": f"collections/{TARBALL}", "type": "file"} in requirements

    # The image's galaxy step, offline (--no-deps: amazon.aws and community.aws would come from
    # Galaxy), from _build as the image has it in its working directory.
    image_workdir = tmp_path / "image" / workdir.lstrip("/")
    shutil.copytree(context / "_build", image_workdir)
    installed = tmp_path / "collections"
    # As in the image, where nothing is installed yet: a collection found on this machine's
    # configured paths (make exports .collections, which links this checkout) would make
    # ansible-galaxy report it installed and install nothing.
    image_env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_COLLECTIONS")}
    image_env.update(ANSIBLE_COLLECTIONS_PATH=str(installed), ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false")
    result = subprocess.run(
        [str(BIN / "ansible-galaxy"), "collection", "install", "-r", "requirements.yml", "--no-deps", "-p", str(installed)],
        cwd=image_workdir, capture_output=True, text=True, check=False, timeout=60, env=image_env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = json.loads((installed / "ansible_collections" / "recovery" / "aws_backup" / "MANIFEST.json").read_text())
    assert manifest["collection_info"]["version"] == version
    # What the image then fetches from Galaxy, and what its builder stage installs with pip.
    assert manifest["collection_info"]["dependencies"] == {"amazon.aws": ">=9.5.0", "community.aws": ">=9.3.0"}
    result = builder("introspect", str(installed))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "boto3" in result.stdout and "recovery.aws_backup" in result.stdout
