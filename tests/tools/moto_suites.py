"""Run moto's own test suites with the emulator installed (`make moto-suites`).

    .venv/bin/python tests/tools/moto_suites.py                 # the default services
    .venv/bin/python tests/tools/moto_suites.py backup rds      # some of them
    .venv/bin/python tests/tools/moto_suites.py --all           # every service the emulator touches

moto's source distribution of the version pinned in tests/requirements.txt is downloaded from PyPI
into .cache/moto-suites/ once (pip download --no-binary :all: --no-deps) and unpacked there. Each
service's directory of moto's tests (tests/test_<service>) then runs in its own pytest, in moto's
source tree, with tests/tools/moto_suites_plugin.py loaded first: it calls tests.emulator.install()
and marks the known differences (tests/emulator/moto_known_differences.txt) xfail(strict=True).

moto's tests need freezegun, pinned in tests/requirements.txt; where the virtualenv lacks it (a
virtualenv shared with an older checkout) it is installed into .cache/moto-suites/deps instead.

Writes .cache/moto-suites/results.json (per service: tests, passed, failed, xfailed, skipped,
seconds) and prints the table; exits non-zero if any service's run failed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tarfile
import time
from xml.etree import ElementTree
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "moto-suites"
REQUIREMENTS = ROOT / "tests" / "requirements.txt"

# Every service the emulator extends or reads that moto 5.2.5 has tests for. DocumentDB has none:
# moto has no docdb service (the docdb client calls RDS's endpoint, so moto's rds backend
# answers) and no test of engine "docdb"; Neptune, served the same way, has tests/test_neptune.
ALL_SERVICES = ("backup", "efs", "rds", "fsx", "dynamodb", "neptune", "ec2", "s3")
# What `make moto-suites` runs in CI (see tests/emulator/README.md for the figures).
DEFAULT_SERVICES = ALL_SERVICES
TEST_DEPS = ("freezegun",)
# moto tests that need what this machine (and CI, the same kind) lacks, nothing to do with the
# emulator: a server reached as <bucket>.localhost (the resolver here answers only `localhost`
# itself). Deselected when such a name does not resolve. Tests that need docker are skipped by
# moto's own switch, TESTS_SKIP_REQUIRES_DOCKER, when docker is not running.
NEEDS_WILDCARD_LOCALHOST = (
    "tests/test_s3/test_multiple_accounts_server.py::TestAccountIdResolution::test_with_custom_request_header",
    "tests/test_s3/test_server.py::test_s3_server_post_cors_multiple_origins",
)


def environment_deselects(service: str) -> list[str]:
    try:
        socket.getaddrinfo("foo.localhost", 80)
    except OSError:
        return [f"--deselect={test_id}" for test_id in NEEDS_WILDCARD_LOCALHOST if test_id.startswith(f"tests/test_{service}/")]
    return []


def docker_running() -> bool:
    return any(Path(path).exists() for path in ("/var/run/docker.sock", "/run/docker.sock")) or bool(os.environ.get("DOCKER_HOST"))


def pinned(name: str) -> str:
    """`name==version` as tests/requirements.txt pins it (extras dropped)."""
    for line in REQUIREMENTS.read_text().splitlines():
        match = re.match(rf"\s*{re.escape(name)}(\[[^\]]*\])?==(\S+)", line)
        if match:
            return f"{name}=={match.group(2)}"
    raise SystemExit(f"{name} is not pinned in {REQUIREMENTS}")


def moto_source() -> Path:
    """moto's sdist for the pinned version, downloaded and unpacked once; its directory."""
    requirement = pinned("moto")
    version = requirement.split("==")[1]
    unpacked = CACHE / f"moto-{version}"
    if (unpacked / ".unpacked").exists():
        return unpacked
    archive = CACHE / f"moto-{version}.tar.gz"
    if not archive.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
             "--no-binary", ":all:", "--no-deps", "--dest", str(CACHE), requirement],
            check=True,
        )  # fmt: skip
    prefix = f"moto-{version}/"
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers() if m.name.startswith((prefix + "tests/", prefix + "setup.cfg"))]
        tar.extractall(CACHE, members=members, filter="data")
    (unpacked / ".unpacked").touch()
    return unpacked


def test_deps_path() -> str | None:
    """A directory to put on PYTHONPATH with moto's test dependencies the virtualenv lacks."""
    missing = [name for name in TEST_DEPS if subprocess.run([sys.executable, "-c", f"import {name}"], capture_output=True, check=False).returncode]
    if not missing:
        return None
    target = CACHE / "deps"
    stamp = target / (".installed-" + "-".join(pinned(name) for name in missing))
    if not stamp.exists():
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
             "--target", str(target), *(pinned(name) for name in missing)],
            check=True,
        )  # fmt: skip
        stamp.touch()
    return str(target)


def run_service(source: Path, service: str, workers: int, extra: list[str]) -> dict:
    junit = CACHE / "results" / f"{service}.xml"
    junit.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    paths = [str(ROOT / "tests" / "tools"), test_deps_path()]
    env["PYTHONPATH"] = os.pathsep.join([p for p in paths if p] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    # moto's tests must never reach AWS, whatever credentials the caller has
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1")
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "MOTO_TEST_ALLOW_AWS_REQUEST"):
        env.pop(name, None)
    if not docker_running():
        env["TESTS_SKIP_REQUIRES_DOCKER"] = "true"
    command = [sys.executable, "-m", "pytest", "-p", "moto_suites_plugin", "-q", "-p", "no:cacheprovider",
               f"--junitxml={junit}", "-o", "junit_family=xunit2", "-rfE", "--color=no"]  # fmt: skip
    if workers > 1:
        command += ["-n", str(workers)]
    command += [f"tests/test_{service}", *environment_deselects(service), *extra]
    start = time.monotonic()
    returncode = subprocess.run(command, cwd=source, env=env, check=False).returncode
    seconds = round(time.monotonic() - start, 1)
    counts = {"tests": 0, "passed": 0, "failed": 0, "errors": 0, "skipped": 0, "xfailed": 0}
    if junit.exists():
        for case in ElementTree.parse(junit).getroot().iter("testcase"):
            counts["tests"] += 1
            outcome = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
            if not outcome:
                counts["passed"] += 1
            elif outcome[0] == "skipped":
                xfail = (case.find("skipped").get("type") or "") == "pytest.xfail"
                counts["xfailed" if xfail else "skipped"] += 1
            else:
                counts["failed" if outcome[0] == "failure" else "errors"] += 1
    return {"service": service, **counts, "seconds": seconds, "returncode": returncode}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0], epilog="Arguments after -- go to pytest.")
    parser.add_argument("services", nargs="*", help=f"of {', '.join(ALL_SERVICES)} (default: {' '.join(DEFAULT_SERVICES)})")
    parser.add_argument("--all", action="store_true", help="every service the emulator touches")
    parser.add_argument("-n", "--workers", type=int, default=2, help="pytest-xdist workers per service (default 2)")
    argv = sys.argv[1:]
    split = argv.index("--") if "--" in argv else len(argv)
    args = parser.parse_args(argv[:split])
    extra = argv[split + 1 :]  # after --: passed to pytest
    services = list(ALL_SERVICES) if args.all else (args.services or list(DEFAULT_SERVICES))
    unknown = sorted(set(services) - set(ALL_SERVICES))
    if unknown:
        parser.error(f"unknown services {unknown}; choose from {ALL_SERVICES}")
    source = moto_source()
    results = []
    for service in services:
        print(f"== moto's tests/test_{service} with the emulator installed", flush=True)
        results.append(run_service(source, service, args.workers, extra))
        (CACHE / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"\n{'service':<10}{'tests':>7}{'passed':>8}{'failed':>8}{'errors':>8}{'xfailed':>9}{'skipped':>9}{'seconds':>9}")
    for r in results:
        print(f"{r['service']:<10}{r['tests']:>7}{r['passed']:>8}{r['failed']:>8}{r['errors']:>8}{r['xfailed']:>9}{r['skipped']:>9}{r['seconds']:>9}")
    return 0 if all(r["returncode"] == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
