# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write and remove the restore role's own files (journal, reports) on the controller.

The role's journal and reports live on the controller, where AWX collects artifacts. Written
here, in the controller's process, each costs no module process: a drill's fixed cost is mostly
module processes (ansible.builtin.copy runs two per file, stat then copy).
"""

from __future__ import annotations

import os
from typing import Any

from ansible.errors import AnsibleActionFail

from ansible_collections.recovery.aws_backup.plugins.module_utils.files import holds
from ansible_collections.recovery.aws_backup.plugins.module_utils.files import write_atomically
from ansible_collections.recovery.aws_backup.plugins.plugin_utils.controller_action import ControllerAction

ARGUMENT_SPEC = {
    "files": {
        "type": "list",
        "elements": "dict",
        "default": [],
        "options": {
            "path": {"type": "path", "required": True},
            "content": {"type": "str", "required": True},
            "mode": {"type": "raw", "default": "0640"},
        },
    },
    "absent": {"type": "list", "elements": "path", "default": []},
    "directory_mode": {"type": "raw", "default": "0750"},
    "stats": {"type": "dict", "default": {}},
}


def _mode(value: Any, option: str) -> int:
    """An octal mode given as a string ('0640') or an int as YAML reads 0640."""
    try:
        mode = int(value, 8) if isinstance(value, str) else int(value)
    except (TypeError, ValueError):
        raise AnsibleActionFail(f"{option} must be an octal mode such as '0640', got {value!r}") from None
    if not 0 <= mode <= 0o7777:
        raise AnsibleActionFail(f"{option} must be an octal mode such as '0640', got {value!r}")
    return mode


def differs(path: str, data: bytes, mode: int) -> bool:
    """Would writing ``data`` with ``mode`` change the file at ``path``?"""
    return not holds(path, data, mode)


def write_file(path: str, content: str, mode: int, directory_mode: int) -> bool:
    """Write ``content`` to ``path`` atomically (a reader sees the old file or the new one, never
    part of it), creating its directory; False when the file already held exactly that."""
    directory = os.path.dirname(path) or "."
    os.makedirs(directory, mode=directory_mode, exist_ok=True)
    data = content.encode("utf-8")
    if not differs(path, data, mode):
        return False
    write_atomically(path, data, mode)
    return True


def remove_file(path: str) -> bool:
    try:
        os.unlink(path)
    except FileNotFoundError:
        return False
    return True


class ActionModule(ControllerAction):
    ARGUMENT_SPEC = ARGUMENT_SPEC

    def act(self, result: dict[str, Any], args: dict[str, Any], task_vars: dict[str, Any]) -> dict[str, Any]:
        directory_mode = _mode(args["directory_mode"], "directory_mode")
        files = [(f["path"], f["content"], _mode(f["mode"], f"mode of {f['path']}")) for f in args["files"]]
        written: list[str] = []
        removed: list[str] = []
        if self._task.check_mode:
            written = [path for path, content, mode in files if differs(path, content.encode("utf-8"), mode)]
            removed = [path for path in args["absent"] if os.path.lexists(path)]
        else:
            try:
                written = [path for path, content, mode in files if write_file(path, content, mode, directory_mode)]
                removed = [path for path in args["absent"] if remove_file(path)]
            except OSError as e:
                raise AnsibleActionFail(f"drill_files: {e.strerror or e} ({e.filename or ''})") from None
        result.update(changed=bool(written or removed), written=written, removed=removed)
        if args["stats"]:
            # What ansible.builtin.set_stats publishes (AWX artifacts, later workflow nodes), read by the
            # strategy from any task's result: one task instead of two for the role's report.
            result["ansible_stats"] = {"data": args["stats"], "per_host": False, "aggregate": True}
        return result
