"""Shared fixtures: `aws` (in-process emulator), `emulator_server` (the emulator as a
server subprocess) and `run_playbook` (real ansible-playbook runs against it).
See docs/architecture.md, "The emulator"."""

from __future__ import annotations

import itertools
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
COLLECTIONS_PATH = REPO_ROOT / ".collections"
for _path in (str(REPO_ROOT), str(COLLECTIONS_PATH)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402

from tests.emulator import control as emulator_control  # noqa: E402
from tests.emulator import install as install_emulator  # noqa: E402

install_emulator()

REGION = "us-east-1"
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}
ANSIBLE_PLAYBOOK = REPO_ROOT / ".venv" / "bin" / "ansible-playbook"
# write_output, which the tests' playbooks save their registered results with (see its docstring).
TEST_ACTION_PLUGINS = REPO_ROOT / "tests" / "action_plugins"
SERVER_START_TIMEOUT = 60.0


class InProcessEmulator:
    """What the `aws` fixture gives: boto3 clients against mock_aws, and the controls."""

    region = REGION
    account_id = "123456789012"

    def client(self, service_name: str, **kwargs: Any) -> Any:
        kwargs.setdefault("region_name", REGION)
        return boto3.client(service_name, **kwargs)

    def configure(self, restore_job_seconds: float | None = None, backup_job_seconds: float | None = None) -> dict:
        return emulator_control.configure(restore_job_seconds, backup_job_seconds)

    def throttle(self, operation: str, count: int = 1, service: str = "backup") -> None:
        emulator_control.throttle(operation, count, service)

    def deny(self, operation: str, count: int = 1, service: str = "backup") -> None:
        emulator_control.deny(operation, count, service)

    def fail_restore_jobs(self, count: int = 1, status_message: str | None = None) -> None:
        if status_message is None:
            emulator_control.fail_restore_jobs(count)
        else:
            emulator_control.fail_restore_jobs(count, status_message)

    def fail_copy_jobs(self, count: int = 1, status_message: str | None = None) -> None:
        if status_message is None:
            emulator_control.fail_copy_jobs(count)
        else:
            emulator_control.fail_copy_jobs(count, status_message)

    def calls(self, service: str = "backup") -> dict[str, int]:
        return emulator_control.calls(service)

    def reset_calls(self) -> None:
        emulator_control.reset_calls()

    def reset(self) -> None:
        emulator_control.reset()


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[InProcessEmulator]:
    """In-process mock_aws with the AWS Backup extension, fake credentials, us-east-1."""
    for name, value in FAKE_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_REGION", REGION)
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws():
        emulator_control.reset()
        yield InProcessEmulator()
    emulator_control.reset()


# ---- the emulator server ----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class EmulatorServer:
    """What the `emulator_server` fixture gives: the endpoint, clients, and the controls over HTTP."""

    endpoint_url: str
    process: subprocess.Popen
    region: str = REGION
    account_id: str = "123456789012"
    _env: dict[str, str] = field(default_factory=lambda: dict(FAKE_CREDENTIALS))

    def client(self, service_name: str, **kwargs: Any) -> Any:
        kwargs.setdefault("region_name", REGION)
        kwargs.setdefault("endpoint_url", self.endpoint_url)
        kwargs.setdefault("aws_access_key_id", FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"])
        kwargs.setdefault("aws_secret_access_key", FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"])
        kwargs.setdefault("aws_session_token", FAKE_CREDENTIALS["AWS_SESSION_TOKEN"])
        return boto3.client(service_name, **kwargs)

    def _control(self, method: str, action: str, payload: dict | None = None, query: str = "") -> Any:
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(
            f"{self.endpoint_url}/_emulator/{action}{query}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"{}")

    def configure(self, restore_job_seconds: float | None = None, backup_job_seconds: float | None = None) -> dict:
        return self._control(
            "POST", "config", {"restore_job_seconds": restore_job_seconds, "backup_job_seconds": backup_job_seconds}
        )

    def throttle(self, operation: str, count: int = 1, service: str = "backup") -> None:
        self._control("POST", "faults", {"throttle": {"operation": operation, "count": count, "service": service}})

    def deny(self, operation: str, count: int = 1, service: str = "backup") -> None:
        self._control("POST", "faults", {"deny": {"operation": operation, "count": count, "service": service}})

    def fail_restore_jobs(self, count: int = 1, status_message: str | None = None) -> None:
        spec: dict[str, Any] = {"count": count}
        if status_message is not None:
            spec["status_message"] = status_message
        self._control("POST", "faults", {"fail_restore_jobs": spec})

    def fail_copy_jobs(self, count: int = 1, status_message: str | None = None) -> None:
        spec: dict[str, Any] = {"count": count}
        if status_message is not None:
            spec["status_message"] = status_message
        self._control("POST", "faults", {"fail_copy_jobs": spec})

    def calls(self, service: str = "backup") -> dict[str, int]:
        return self._control("GET", "calls", query=f"?service={service}")["calls"]

    def reset_calls(self) -> None:
        self._control("DELETE", "calls")

    def reset(self) -> None:
        self._control("POST", "reset", {})

    def healthy(self) -> bool:
        try:
            return self._control("GET", "health")["status"] == "ok"
        except OSError:
            return False


def _start_server(log_path: Path) -> EmulatorServer:
    port = _free_port()
    log = open(log_path, "wb")  # noqa: SIM115 - closed with the process at session end
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.emulator.server", "--port", str(port)],
        cwd=REPO_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    server = EmulatorServer(endpoint_url=f"http://127.0.0.1:{port}", process=process)
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while not server.healthy():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"emulator server did not start; see {log_path}:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.1)
    return server


@pytest.fixture(scope="session")
def _emulator_server_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorServer]:
    """One server per test session (per xdist worker), stopped at session end."""
    server = _start_server(tmp_path_factory.mktemp("emulator") / "server.log")
    try:
        yield server
    finally:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


@pytest.fixture
def emulator_server(_emulator_server_process: EmulatorServer) -> EmulatorServer:
    """The emulator server, reset (all AWS state and the emulator's settings) for this test."""
    _emulator_server_process.reset()
    return _emulator_server_process


# ---- ansible-playbook -------------------------------------------------------------------


@dataclass
class PlaybookResult:
    rc: int
    stdout: str
    stderr: str
    output_dir: Path

    def load_json(self, name: str) -> Any:
        """A JSON file the playbook wrote into output_dir (e.g. `{{ result | to_json }}`)."""
        return json.loads((self.output_dir / name).read_text())


@dataclass
class PlaybookInvocation:
    """The command and environment run_playbook uses, for tests that must drive the process
    themselves (send it a signal, run it through ansible-runner)."""

    command: list[str]
    env: dict[str, str]
    variables: dict[str, Any]
    output_dir: Path

    def run_through_ansible_runner(self, playbook: str | os.PathLike, private_dir: Path, verbosity: int = 0) -> tuple[Any, list[dict[str, Any]]]:
        """The playbook through ansible-runner, AWX's engine, with these variables and environment:
        (the runner, its job events as AWX would store them)."""
        import ansible_runner

        events: list[dict[str, Any]] = []
        private_dir.mkdir(parents=True, exist_ok=True)
        runner = ansible_runner.run(
            private_data_dir=str(private_dir),
            playbook=str(playbook),
            inventory="localhost,",
            extravars=self.variables,
            envvars={**{k: v for k, v in self.env.items() if k.startswith(("AWS_", "ANSIBLE_"))},
                     "PATH": f"{Path(self.command[0]).parent}:{os.environ.get('PATH', '')}"},  # fmt: skip
            cmdline="-c local" + (" -" + "v" * verbosity if verbosity else ""),
            event_handler=lambda event: events.append(event) or True,
            quiet=True,
        )
        return runner, events


@pytest.fixture
def playbook_invocation(emulator_server: EmulatorServer, tmp_path: Path) -> Any:
    """playbook_invocation(path, extra_vars=None, check=False, diff=False, env=None, verbosity=0)
    -> PlaybookInvocation: .venv/bin/ansible-playbook on localhost against the emulator server."""
    output_dir = tmp_path / "output"
    output_dir.mkdir(exist_ok=True)
    counter = itertools.count()

    def invocation(
        playbook: str | os.PathLike,
        extra_vars: dict[str, Any] | None = None,
        check: bool = False,
        diff: bool = False,
        env: dict[str, str] | None = None,
        verbosity: int = 0,
    ) -> PlaybookInvocation:
        variables = {
            "aws_endpoint_url": emulator_server.endpoint_url,
            "aws_region": REGION,
            "ansible_python_interpreter": sys.executable,
            "output_dir": str(output_dir),
            **(extra_vars or {}),
        }
        # From a file, as AWX passes extra vars: ansible-playbook echoes its command line at -vvvv.
        vars_file = tmp_path / f"extra-vars-{next(counter)}.json"
        vars_file.write_text(json.dumps(variables))
        command = [
            str(ANSIBLE_PLAYBOOK), "-i", "localhost,", "-c", "local",
            "-e", f"@{vars_file}", str(playbook),
        ]  # fmt: skip
        if check:
            command.append("--check")
        if diff:
            command.append("--diff")
        if verbosity:
            command.append("-" + "v" * verbosity)
        run_env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ANSIBLE_"))},
            **FAKE_CREDENTIALS,
            "AWS_DEFAULT_REGION": REGION,
            "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS_PATH),
            "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
            "ANSIBLE_HOST_KEY_CHECKING": "false",
            "ANSIBLE_RETRY_FILES_ENABLED": "false",
            "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-local"),
            "ANSIBLE_REMOTE_TEMP": str(tmp_path / "ansible-remote"),
            "ANSIBLE_ASYNC_DIR": str(tmp_path / "ansible-async"),
            "ANSIBLE_ACTION_PLUGINS": str(TEST_ACTION_PLUGINS),
            **(env or {}),
        }
        return PlaybookInvocation(command, run_env, variables, output_dir)

    return invocation


@pytest.fixture
def run_playbook(playbook_invocation: Any) -> Any:
    """run_playbook(path, extra_vars=None, check=False, diff=False, env=None, timeout=300)
    runs .venv/bin/ansible-playbook on localhost against the emulator server."""

    def run(
        playbook: str | os.PathLike,
        extra_vars: dict[str, Any] | None = None,
        check: bool = False,
        diff: bool = False,
        env: dict[str, str] | None = None,
        timeout: float = 300,
        verbosity: int = 0,
    ) -> PlaybookResult:
        invocation = playbook_invocation(playbook, extra_vars, check, diff, env, verbosity)
        completed = subprocess.run(
            invocation.command, cwd=REPO_ROOT, env=invocation.env, capture_output=True, text=True, timeout=timeout, check=False
        )
        return PlaybookResult(completed.returncode, completed.stdout, completed.stderr, invocation.output_dir)

    return run
