"""A drill stopped mid-way, as AWX stops one: shared by the drill tests of every resource type."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

from tests.conftest import REPO_ROOT


def processes_under(marker: str) -> list[int]:
    """Pids whose command line mentions marker (a test's temporary directory)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if marker in (entry / "cmdline").read_bytes().decode(errors="replace"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def stop_drill_while_it_waits(invocation: Any, tmp_path: Path, seconds_into_the_wait: float) -> None:
    """Run the drill until it has written its journal and waits for its restore jobs, then stop it
    with SIGTERM; then, as when AWX removes a cancelled job's container, kill whatever of the run
    survives on the controller (the processes mentioning tmp_path, its background waits among them)."""
    process = subprocess.Popen(invocation.command, cwd=REPO_ROOT, env=invocation.env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not list(invocation.output_dir.glob("drill-*.journal.json")):
            assert process.poll() is None and time.monotonic() < deadline, "the drill wrote no journal"
            time.sleep(0.2)
        time.sleep(seconds_into_the_wait)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    for pid in processes_under(str(tmp_path)):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def wait_until_restore_jobs_completed(server: Any, timeout: float = 60.0, poll: float = 0.5) -> None:
    """The stopped drill's restore jobs carry on in AWS and create their resources, unmarked."""
    backup = server.client("backup")
    deadline = time.monotonic() + timeout
    while {j["Status"] for j in backup.list_restore_jobs()["RestoreJobs"]} != {"COMPLETED"}:
        assert time.monotonic() < deadline, "the stopped drill's restore jobs did not complete"
        time.sleep(poll)
