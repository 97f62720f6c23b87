# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Files the collection writes on the controller (the role's journal and reports, the restore
history, the evidence report): written atomically, so a reader (AWX collecting artifacts, a
second drill, the evidence report) sees the old file or the new one, never part of one."""

from __future__ import annotations

import os
import tempfile


def holds(path: str, data: bytes, mode: int | None = None) -> bool:
    """Whether the file at `path` holds exactly `data` (and has `mode`, when given)."""
    try:
        with open(path, "rb") as existing:
            return existing.read() == data and (mode is None or (os.stat(path).st_mode & 0o7777) == mode)
    except FileNotFoundError:
        return False


def write_atomically(path: str, data: bytes, mode: int, replace: bool = True) -> None:
    """Write `data` to a temporary file beside `path`, flushed to disk with `mode`, then put it in
    place: renamed over an existing file (replace), or linked under its name, which fails with
    FileExistsError rather than replace one (link(2) never replaces). The directory must exist."""
    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path) or ".", prefix=".recovery-aws-backup-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        if replace:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)
    finally:
        try:
            os.unlink(temporary)
        except OSError:
            pass
