"""The support matrix: every ansible-core we support, on each Python it supports on the
controller, with the amazon.aws / community.aws its `ansible` package bundles and with the
lowest ones galaxy.yml declares.

    make compat                      # every combination (nox -s compat, two at a time)
    .venv/bin/nox -l                 # the combinations
    .venv/bin/nox -t oldest newest   # what `make test` runs
    .venv/bin/nox -s matrix_current  # does the matrix still reach the newest releases on PyPI?

Each combination gets a virtualenv (.nox/) with that ansible-core and the boto3/botocore
pinned in tests/requirements.txt, and a collections path with those collections (taken from
the `ansible` wheel on PyPI, Galaxy being unreachable) plus this checkout. Its checks are
tests/compat/check_combination.py, run by pytest from .venv: the emulator server runs from
.venv, ansible-doc and ansible-playbook from the combination, and the modules with the
combination's Python.

A Python the matrix names must be found (PATH, or pyenv's versions) or the run fails: a
combination that did not run is not a pass.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import NamedTuple

import nox

ROOT = Path(__file__).resolve().parent
MAIN_PYTHON = ROOT / ".venv" / "bin" / "python"
CACHE = ROOT / ".cache"
PYTHONS_DIR = CACHE / "compat" / "pythons"


class Collections(NamedTuple):
    """amazon.aws and community.aws as one `ansible` package bundles them (a tuple: nox writes
    session parameters into its JSON report)."""

    ansible: str
    amazon_aws: str
    community_aws: str


# The lowest versions galaxy.yml declares; `ansible` 11.6.0 bundles exactly these. Our modules
# register the restore metadata's secrets in module.no_log_values, which AnsibleAWSModule passes
# through to AnsibleModule only from amazon.aws 9.5.0 on: with 9.4.0 and older (8.2.1 in the
# `ansible` 10 bundle for ansible-core 2.17, 9.0.0 in `ansible` 11.0.0) backup_restore_job fails
# with "'AnsibleAWSModule' object has no attribute 'no_log_values'".
LOWEST = Collections("11.6.0", "9.5.0", "9.3.0")

# ansible-core (the newest patch of each minor) -> the Pythons it supports on the controller
# (its wheel's classifiers) and the `ansible` package built on it (the newest of that major).
# Python 3.14 (cores 2.20, 2.21) is not here: no 3.14 interpreter can be installed on our
# machines (pyenv has 3.9-3.13, Debian bookworm 3.11, and python-build-standalone downloads are
# out of reach), and a Python that cannot be found fails the run instead of being skipped.
CORES: list[tuple[str, tuple[str, ...], Collections]] = [
    # `ansible` 10 bundles amazon.aws 8.2.1 (unsupported, above), so 2.17 runs with the lowest.
    ("2.17.14", ("3.10", "3.11", "3.12"), LOWEST),
    ("2.18.19", ("3.11", "3.12", "3.13"), Collections("11.13.0", "9.5.2", "9.3.0")),
    ("2.19.14", ("3.11", "3.12", "3.13"), Collections("12.3.0", "10.1.2", "10.0.0")),
    ("2.20.10", ("3.12", "3.13"), Collections("13.8.0", "10.3.2", "10.1.1")),
    ("2.21.5", ("3.12", "3.13"), Collections("14.5.0", "11.4.0", "11.2.0")),
]
OLDEST = ("2.17.14", "3.10", LOWEST)
NEWEST = ("2.21.5", "3.13", CORES[-1][2])
# The lowest collections on the newest core as well: the range is proven at both ends.
EXTRA = [("2.21.5", "3.13", LOWEST)]


def _combinations() -> list[tuple[str, str, Collections]]:
    combinations = [(core, python, collections) for core, pythons, collections in CORES for python in pythons]
    return combinations + EXTRA


def _param(core: str, python: str, collections: Collections) -> object:
    tags = [name for name, combination in (("oldest", OLDEST), ("newest", NEWEST)) if combination == (core, python, collections)]
    ident = f"core{core}-py{python}-aws{collections.amazon_aws}"
    return nox.param(python, core, collections, id=ident, tags=tags)


def _runs(executable: str) -> bool:
    try:
        return subprocess.run([executable, "-c", "pass"], capture_output=True, check=False, timeout=30).returncode == 0
    except OSError:
        return False


def _expose_pythons() -> None:
    """Put each Python the matrix needs on PATH as pythonX.Y, for nox to find.

    pyenv's shims answer for every installed version but run only the selected ones, so a
    pythonX.Y on PATH is taken only when it runs; otherwise pyenv's own build of it is linked
    into .cache/compat/pythons, which goes first on PATH (it holds nothing but these links)."""
    pyenv_versions = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    links = {}
    for python in sorted({python for _core, python, _collections in _combinations()}):
        name = f"python{python}"
        found = shutil.which(name)
        if found and _runs(found):
            continue
        builds = sorted(pyenv_versions.glob(f"{python}.*/bin/{name}"), key=lambda p: [int(n) for n in re.findall(r"\d+", p.parts[-3])])
        if builds:
            links[name] = builds[-1]
    if links:
        PYTHONS_DIR.mkdir(parents=True, exist_ok=True)
        for name, target in links.items():
            link = PYTHONS_DIR / name
            if link.is_symlink() and link.readlink() == target:
                continue
            # Made aside and renamed: nox's parallel workers each load this file at once.
            partial = PYTHONS_DIR / f".{name}.{os.getpid()}"
            partial.unlink(missing_ok=True)
            partial.symlink_to(target)
            os.replace(partial, link)
        os.environ["PATH"] = f"{PYTHONS_DIR}{os.pathsep}{os.environ['PATH']}"


def _pins(*names: str) -> list[str]:
    """name==version of each package, as tests/requirements.txt pins it."""
    pins = {}
    for line in (ROOT / "tests" / "requirements.txt").read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)(\[[^\]]*\])?==(\S+)", line.strip())
        if match:
            pins[match.group(1).lower()] = f"{match.group(1)}=={match.group(3)}"
    return [pins[name] for name in names]


_expose_pythons()
(CACHE / "compat").mkdir(parents=True, exist_ok=True)  # where `make compat` has nox write its report
nox.options.sessions = ["compat"]
nox.options.error_on_missing_interpreters = True
# Never fetch an interpreter: the fetch cannot work here, and a matrix Python must be present.
nox.options.download_python = "never"
nox.options.reuse_venv = "yes"
# Wheels pip downloads stay with the checkout, like the rest of what the tests fetch.
os.environ.setdefault("PIP_CACHE_DIR", str(CACHE / "pip"))


@nox.session(allow_parallel=True)
@nox.parametrize("python,core,collections", [_param(*combination) for combination in _combinations()])
def compat(session: nox.Session, core: str, collections: Collections) -> None:
    """ansible-doc, backup_restore_job in check mode and for real, and the DR drill, against
    the emulator, on one ansible-core / Python / amazon.aws combination."""
    if not MAIN_PYTHON.exists():
        session.error("the emulator and the checks run from .venv: run `make setup` first")
    session.install("--quiet", f"ansible-core=={core}", *_pins("boto3", "botocore"))
    venv = Path(session.virtualenv.location)
    collections_path = venv / "collections"
    session.run(
        str(MAIN_PYTHON), str(ROOT / "tests" / "tools" / "install_collections.py"),
        "--ansible-version", collections.ansible,
        "--collection", f"amazon.aws=={collections.amazon_aws}",
        "--collection", f"community.aws=={collections.community_aws}",
        "--collections-path", str(collections_path), "--cache", str(CACHE / "wheels"),
        external=True, silent=True,
    )  # fmt: skip
    link = collections_path / "ansible_collections" / "recovery" / "aws_backup"
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.is_symlink():
        link.unlink()
    link.symlink_to(ROOT)
    session.run(
        str(MAIN_PYTHON), "-m", "pytest", "-p", "no:cacheprovider", "-q", "--durations=5",
        str(ROOT / "tests" / "compat" / "check_combination.py"),
        external=True,
        env={
            "COMPAT_BIN": str(venv / "bin"),
            "COMPAT_COLLECTIONS_PATH": str(collections_path),
            "COMPAT_CORE": core,
            "COMPAT_PYTHON": session.python,
            "COMPAT_AMAZON_AWS": collections.amazon_aws,
            "COMPAT_COMMUNITY_AWS": collections.community_aws,
        },
    )  # fmt: skip


@nox.session(python=False, default=False)
def matrix_current(session: nox.Session) -> None:
    """Whether the matrix still reaches the newest releases on PyPI: fails naming each ansible-core
    minor or `ansible` major with a newer release than CORES has (run it by hand: a release must
    not turn CI red by itself)."""

    def versions(package: str) -> list[str]:
        # As a Python newer than any core needs, so no release is hidden for being too new.
        listed = session.run(
            str(MAIN_PYTHON), "-m", "pip", "index", "versions", package, "--python-version", "3.14",
            "--only-binary=:all:", external=True, silent=True,
        )  # fmt: skip
        line = next(line for line in listed.splitlines() if line.startswith("Available versions:"))
        return [v.strip() for v in line.split(":", 1)[1].split(",") if re.fullmatch(r"\d+\.\d+\.\d+", v.strip())]

    def newest_by(prefix_parts: int, releases: list[str]) -> dict[str, str]:
        newest: dict[str, str] = {}
        for release in releases:
            key = ".".join(release.split(".")[:prefix_parts])
            if key not in newest or [int(n) for n in release.split(".")] > [int(n) for n in newest[key].split(".")]:
                newest[key] = release
        return newest

    cores = newest_by(2, [v for v in versions("ansible-core") if [int(n) for n in v.split(".")[:2]] >= [2, 17]])
    packages = newest_by(1, [v for v in versions("ansible") if int(v.split(".")[0]) >= 10])
    tested_cores = {core.rsplit(".", 1)[0]: core for core, _pythons, _collections in CORES}
    tested_packages = {collections.ansible.split(".")[0]: collections.ansible for _core, _pythons, collections in CORES}
    stale = [
        f"ansible-core {minor}: {newest} on PyPI, {tested_cores.get(minor, 'none')} in the matrix"
        for minor, newest in sorted(cores.items())
        if tested_cores.get(minor) != newest
    ]
    # ansible 10 is left out: its bundle (amazon.aws 8.2.1) is below LOWEST, so 2.17 runs with LOWEST.
    stale += [
        f"ansible {major}: {newest} on PyPI, {tested_packages.get(major, 'none')} in the matrix"
        for major, newest in sorted(packages.items())
        if major != "10" and tested_packages.get(major) != newest
    ]
    if stale:
        session.error("the matrix is behind PyPI:\n  " + "\n  ".join(stale))
    session.log(f"the matrix has the newest of ansible-core {', '.join(sorted(cores))} and ansible {', '.join(sorted(packages))}")
