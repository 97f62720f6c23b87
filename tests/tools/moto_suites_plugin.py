"""pytest plugin for moto's own test suites run with the emulator installed (tests/tools/moto_suites.py).

Loaded with `-p moto_suites_plugin` in a pytest whose working directory is moto's unpacked
source distribution. moto's tests are the package `tests` (they import `from tests import ...`),
as is this checkout's `tests/` (a namespace package): this checkout's directory is added to the
path of moto's package, so `tests.emulator` is found there, and the emulator is installed before
any test module imports moto's backends.

The known differences (tests/emulator/moto_known_differences.txt: tests where the emulator follows
AWS over moto) are marked xfail(strict=True): one that passes again fails the run, and so does an
entry whose test was not collected although its service ran.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
KNOWN_DIFFERENCES = REPO_ROOT / "tests" / "emulator" / "moto_known_differences.txt"


def _install_emulator() -> None:
    moto_source = os.getcwd()
    if moto_source not in sys.path:
        sys.path.insert(0, moto_source)
    import tests  # moto's tests/__init__.py

    if not Path(tests.__file__ or "").resolve().is_relative_to(Path(moto_source).resolve()):
        raise pytest.UsageError(f"run from moto's unpacked sdist: `tests` came from {tests.__file__}")
    tests.__path__.append(str(REPO_ROOT / "tests"))
    import moto

    if Path(moto.__file__).resolve().is_relative_to(Path(moto_source).resolve()):
        raise pytest.UsageError(f"moto must be the installed one, not the sdist's source: {moto.__file__}")
    from tests.emulator import install

    install()


_install_emulator()


def known_differences() -> dict[str, tuple[str, str]]:
    """test id -> (why, AWS source), from the data file: `id | why | source` a line, # comments."""
    entries: dict[str, tuple[str, str]] = {}
    for number, line in enumerate(KNOWN_DIFFERENCES.read_text().splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = [part.strip() for part in line.split(" | ")]
        if len(parts) != 3 or not all(parts) or not parts[2].startswith("https://"):
            raise pytest.UsageError(f"{KNOWN_DIFFERENCES}:{number}: expected `test id | why | https://AWS source`")
        entries[parts[0]] = (parts[1], parts[2])
    return entries


@pytest.hookimpl(tryfirst=True)  # before -k, -m and --deselect drop items
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    entries = known_differences()
    collected = {item.nodeid for item in items}
    for item in items:
        if item.nodeid in entries:
            why, source = entries[item.nodeid]
            item.add_marker(pytest.mark.xfail(strict=True, reason=f"emulator follows AWS: {why} ({source})"))
    # a listed test that no longer exists is an error, when whole service directories ran
    service_dirs = [arg.rstrip("/") for arg in config.args]
    if not all(re.fullmatch(r"tests/test_\w+", arg) for arg in service_dirs):
        return
    missing = [test_id for test_id in entries if test_id.split("::")[0].rsplit("/", 1)[0] in service_dirs and test_id not in collected]
    if missing:
        raise pytest.UsageError(f"{KNOWN_DIFFERENCES.name} lists tests that were not collected: {missing}")
