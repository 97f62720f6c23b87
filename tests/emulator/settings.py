"""Process-wide knobs of the emulator: job durations, injected faults, call counts.

They are test controls, not AWS state, so they live outside moto's backends; `reset()`
puts them back to their defaults together with moto's own state (see control.py).
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

DEFAULT_RESTORE_JOB_SECONDS = 2.0
DEFAULT_COPY_JOB_SECONDS = 2.0
# Backups finish at once by default so seeding a vault with thousands of points is quick.
DEFAULT_BACKUP_JOB_SECONDS = 0.0


@dataclass
class EmulatorSettings:
    restore_job_seconds: float = DEFAULT_RESTORE_JOB_SECONDS
    backup_job_seconds: float = DEFAULT_BACKUP_JOB_SECONDS
    copy_job_seconds: float = DEFAULT_COPY_JOB_SECONDS
    # (service, operation) -> how many of the next calls answer ThrottlingException
    throttling: dict[tuple[str, str], int] = field(default_factory=dict)
    # (service, operation) -> how many of the next calls answer AccessDeniedException
    denials: dict[tuple[str, str], int] = field(default_factory=dict)
    # status messages of the next restore jobs that are to FAIL, consumed in order
    failing_restore_jobs: list[str] = field(default_factory=list)
    # status messages of the next copy jobs that are to FAIL, consumed in order
    failing_copy_jobs: list[str] = field(default_factory=list)
    # (service, operation) -> calls received, throttled ones included
    calls: Counter[tuple[str, str]] = field(default_factory=Counter)
    # Seconds added to the wall clock the emulator's AWS state lives by (job times,
    # idempotency windows), so tests can let an hour pass without waiting for it.
    clock_offset_seconds: float = 0.0
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def reset(self) -> None:
        with self.lock:
            self.restore_job_seconds = DEFAULT_RESTORE_JOB_SECONDS
            self.backup_job_seconds = DEFAULT_BACKUP_JOB_SECONDS
            self.copy_job_seconds = DEFAULT_COPY_JOB_SECONDS
            self.throttling.clear()
            self.denials.clear()
            self.failing_restore_jobs.clear()
            self.failing_copy_jobs.clear()
            self.calls.clear()
            self.clock_offset_seconds = 0.0

    def now(self) -> datetime:
        return datetime.now(timezone.utc) + timedelta(seconds=self.clock_offset_seconds)

    def record_call(self, service: str, operation: str) -> bool:
        """Count a call; True when it is to be answered with ThrottlingException."""
        with self.lock:
            key = (service, operation)
            self.calls[key] += 1
            remaining = self.throttling.get(key, 0)
            if remaining <= 0:
                return False
            self.throttling[key] = remaining - 1
            return True

    def take_denial(self, service: str, operation: str) -> bool:
        """True when this call of `operation` is to be refused (AccessDeniedException)."""
        with self.lock:
            remaining = self.denials.get((service, operation), 0)
            if remaining <= 0:
                return False
            self.denials[(service, operation)] = remaining - 1
            return True

    def take_restore_failure(self) -> str | None:
        with self.lock:
            return self.failing_restore_jobs.pop(0) if self.failing_restore_jobs else None

    def take_copy_failure(self) -> str | None:
        with self.lock:
            return self.failing_copy_jobs.pop(0) if self.failing_copy_jobs else None


emulator_settings = EmulatorSettings()
