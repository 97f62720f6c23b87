"""Test controls of the emulator, in-process (`control`) and over HTTP (`/_emulator/...`).

| HTTP                          | in-process                                   |
|-------------------------------|----------------------------------------------|
| POST /_emulator/config        | control.configure(restore_job_seconds=..., backup_job_seconds=..., copy_job_seconds=...) |
| POST /_emulator/faults        | control.throttle(operation, count, service="backup"),             |
|                               | control.deny(operation, count, service="backup"),                 |
|                               | control.fail_restore_jobs(count, status_message),                 |
|                               | control.fail_copy_jobs(count, status_message)                     |
| GET  /_emulator/calls?service | control.calls(service="backup") -> {operation: count}             |
| POST /_emulator/clock         | control.advance_clock(seconds)  (the emulator's clock moves on)   |
| POST /_emulator/reset         | control.reset()  (all moto state and our settings)                |
| POST /_emulator/restore-testing-runs | control.run_restore_testing_plan(name, region, account_id) |
|                               |   (the plan runs now, as its schedule would; returns the job ids) |

POST /_emulator/faults takes {"throttle": {"operation": "StartRestoreJob", "count": 3,
"service": "backup"}}, {"deny": {"operation": "DescribeRecoveryPoint", "count": 1, "service":
"backup"}} and/or {"fail_restore_jobs": {"count": 1, "status_message": "..."}} and/or
{"fail_copy_jobs": {"count": 1, "status_message": "..."}}.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterable
from urllib.parse import parse_qs

from .settings import emulator_settings

DEFAULT_FAILURE_MESSAGE = "An internal error occurred while restoring the recovery point."
DEFAULT_COPY_FAILURE_MESSAGE = "An internal error occurred while copying the recovery point."


class EmulatorControl:
    """The controls tests use; the same methods exist over HTTP (see module docstring)."""

    def configure(
        self,
        restore_job_seconds: float | None = None,
        backup_job_seconds: float | None = None,
        copy_job_seconds: float | None = None,
    ) -> dict[str, float]:
        with emulator_settings.lock:
            if restore_job_seconds is not None:
                emulator_settings.restore_job_seconds = float(restore_job_seconds)
            if backup_job_seconds is not None:
                emulator_settings.backup_job_seconds = float(backup_job_seconds)
            if copy_job_seconds is not None:
                emulator_settings.copy_job_seconds = float(copy_job_seconds)
            return self.config()

    def config(self) -> dict[str, float]:
        return {
            "restore_job_seconds": emulator_settings.restore_job_seconds,
            "backup_job_seconds": emulator_settings.backup_job_seconds,
            "copy_job_seconds": emulator_settings.copy_job_seconds,
        }

    def throttle(self, operation: str, count: int = 1, service: str = "backup") -> None:
        """The next `count` calls of `operation` answer ThrottlingException (HTTP 400)."""
        with emulator_settings.lock:
            emulator_settings.throttling[(service, operation)] = int(count)

    def deny(self, operation: str, count: int = 1, service: str = "backup") -> None:
        """The next `count` calls of `operation` answer AccessDeniedException (HTTP 403), as
        for credentials without that permission."""
        with emulator_settings.lock:
            emulator_settings.denials[(service, operation)] = int(count)

    def fail_restore_jobs(self, count: int = 1, status_message: str = DEFAULT_FAILURE_MESSAGE) -> None:
        """The next `count` restore jobs started end FAILED with `status_message`."""
        with emulator_settings.lock:
            emulator_settings.failing_restore_jobs.extend([status_message] * int(count))

    def fail_copy_jobs(self, count: int = 1, status_message: str = DEFAULT_COPY_FAILURE_MESSAGE) -> None:
        """The next `count` copy jobs started end FAILED with `status_message`."""
        with emulator_settings.lock:
            emulator_settings.failing_copy_jobs.extend([status_message] * int(count))

    def advance_clock(self, seconds: float) -> float:
        """Move the emulator's clock forward: jobs progress and idempotency tokens age as if
        `seconds` had passed. Returns the total offset from the wall clock."""
        with emulator_settings.lock:
            emulator_settings.clock_offset_seconds += float(seconds)
            return emulator_settings.clock_offset_seconds

    def run_restore_testing_plan(
        self, restore_testing_plan_name: str, region: str = "us-east-1", account_id: str = "123456789012"
    ) -> list[str]:
        """Run a restore testing plan now, as its schedule would (restore_testing_runs.py): the ids of
        the restore jobs it started."""
        from moto.backup.models import backup_backends

        backend = backup_backends[account_id][region]
        return [job.restore_job_id for job in backend.run_restore_testing_plan(restore_testing_plan_name)]

    def calls(self, service: str = "backup") -> dict[str, int]:
        """Calls received per operation of `service` since the last reset, throttled ones included."""
        with emulator_settings.lock:
            return {op: n for (svc, op), n in emulator_settings.calls.items() if svc == service}

    def reset_calls(self) -> None:
        with emulator_settings.lock:
            emulator_settings.calls.clear()

    def reset(self) -> None:
        """All moto state (every service) and the emulator's settings back to the start."""
        from moto.moto_api._internal.models import moto_api_backend

        with emulator_settings.lock:
            moto_api_backend.reset()
            emulator_settings.reset()


control = EmulatorControl()


# ---- HTTP -------------------------------------------------------------------------------

PREFIX = "/_emulator/"


def post(endpoint_url: str, action: str, payload: dict[str, Any]) -> Any:
    """POST a control request to a running server, e.g. post(url, "config", {"copy_job_seconds": 0})
    or post(url, "faults", {"fail_copy_jobs": {"count": 1}}): for the controls the test fixtures do
    not wrap."""
    import urllib.request

    request = urllib.request.Request(
        f"{endpoint_url}{PREFIX}{action}",
        data=json.dumps(payload).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"{}")


def _json_response(start_response: Callable[..., Any], status: str, payload: Any) -> Iterable[bytes]:
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def _handle(method: str, action: str, query: dict[str, list[str]], body: dict[str, Any]) -> Any:
    if action == "health" and method == "GET":
        return {"status": "ok"}
    if action == "config" and method == "GET":
        return control.config()
    if action == "config" and method == "POST":
        return control.configure(
            body.get("restore_job_seconds"), body.get("backup_job_seconds"), body.get("copy_job_seconds")
        )
    if action == "faults" and method == "POST":
        if "throttle" in body:
            spec = body["throttle"]
            control.throttle(spec["operation"], spec.get("count", 1), spec.get("service", "backup"))
        if "deny" in body:
            spec = body["deny"]
            control.deny(spec["operation"], spec.get("count", 1), spec.get("service", "backup"))
        if "fail_restore_jobs" in body:
            spec = body["fail_restore_jobs"]
            control.fail_restore_jobs(spec.get("count", 1), spec.get("status_message", DEFAULT_FAILURE_MESSAGE))
        if "fail_copy_jobs" in body:
            spec = body["fail_copy_jobs"]
            control.fail_copy_jobs(spec.get("count", 1), spec.get("status_message", DEFAULT_COPY_FAILURE_MESSAGE))
        return {"status": "ok"}
    if action == "clock" and method == "POST":
        return {"clock_offset_seconds": control.advance_clock(body["advance_seconds"])}
    if action == "restore-testing-runs" and method == "POST":
        try:
            job_ids = control.run_restore_testing_plan(
                body["restore_testing_plan_name"], body.get("region", "us-east-1"), body.get("account_id", "123456789012")
            )
        except KeyError:
            raise
        except Exception as e:  # noqa: BLE001 - a plan that does not exist: the API's error, as a bad request
            raise ValueError(getattr(e, "message", None) or str(e)) from e
        return {"restore_job_ids": job_ids}
    if action == "calls" and method == "GET":
        return {"calls": control.calls(query.get("service", ["backup"])[0])}
    if action == "calls" and method == "DELETE":
        control.reset_calls()
        return {"status": "ok"}
    if action == "reset" and method == "POST":
        control.reset()
        return {"status": "ok"}
    raise LookupError(f"{method} {PREFIX}{action}")


class ControlMiddleware:
    """WSGI middleware serving /_emulator/* in front of moto's server application."""

    def __init__(self, app: Callable[..., Any]):
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if not path.startswith(PREFIX):
            return self.app(environ, start_response)
        method = environ.get("REQUEST_METHOD", "GET")
        query = parse_qs(environ.get("QUERY_STRING", ""))
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            raw = environ["wsgi.input"].read(length) if length else b""
            body = json.loads(raw) if raw else {}
            return _json_response(start_response, "200 OK", _handle(method, path[len(PREFIX) :], query, body))
        except (ValueError, TypeError, KeyError) as e:
            return _json_response(start_response, "400 Bad Request", {"error": f"bad control request: {e!r}"})
        except LookupError as e:
            return _json_response(start_response, "404 Not Found", {"error": f"unknown control {e}"})
