# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Append a run's record to the restore history on the controller (plugins/module_utils/history.py).

On the controller, in its own process, like drill_files: AWX's job variables (who ran it) are the
play's variables, which only an action plugin sees, and the history directory is the controller's.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import time
from typing import Any

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.recovery.aws_backup.plugins.module_utils.history import HistoryError
from ansible_collections.recovery.aws_backup.plugins.module_utils.history import object_key
from ansible_collections.recovery.aws_backup.plugins.module_utils.history import ran_by
from ansible_collections.recovery.aws_backup.plugins.module_utils.history import record
from ansible_collections.recovery.aws_backup.plugins.module_utils.history import record_name
from ansible_collections.recovery.aws_backup.plugins.module_utils.history import write_record
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import secret_metadata

ARGUMENT_SPEC = {
    "run": {"type": "dict", "required": True},
    "directory": {"type": "path"},
    "object_prefix": {"type": "str", "default": ""},
    "targets": {"type": "list", "elements": "raw", "default": [], "no_log": True},
}
AWX_VARIABLES = ("awx_job_id", "tower_job_id", "awx_user_name", "tower_user_name", "awx_job_template_name",
                 "tower_job_template_name", "awx_job_template_id", "tower_job_template_id")  # fmt: skip


def collection_version() -> str:
    """This collection's version: MANIFEST.json when installed from a tarball, else galaxy.yml."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    try:
        with open(os.path.join(root, "MANIFEST.json"), encoding="utf-8") as handle:
            return str(json.load(handle)["collection_info"]["version"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    try:
        import yaml  # pylint: disable=import-outside-toplevel

        with open(os.path.join(root, "galaxy.yml"), encoding="utf-8") as handle:
            return str(yaml.safe_load(handle)["version"])
    except Exception:  # pylint: disable=broad-except
        return ""


def controller_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # pylint: disable=broad-except  # no passwd entry (containers): the uid
        return str(os.getuid())


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp: Any = None, task_vars: Any = None) -> dict[str, Any]:
        result = super().run(tmp, task_vars)
        _validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        task_vars = task_vars or {}
        variables = {name: self._templar.template(task_vars[name]) for name in AWX_VARIABLES if name in task_vars}
        secrets = [secret_metadata(t) for t in args["targets"] if isinstance(t, dict)]
        try:
            entry = record(args["run"], ran_by(variables, controller_user(), socket.gethostname()), collection_version(), time.time(), secrets)
            name = record_name(entry)
            path = os.path.join(args["directory"], name) if args["directory"] else ""
            if path and not self._task.check_mode:
                write_record(args["directory"], entry)
        except HistoryError as e:
            raise AnsibleActionFail(f"restore_history: {e}") from None
        result.update(changed=bool(path), record=entry, name=name, path=path, object_key=object_key(args["object_prefix"], name))
        return result
