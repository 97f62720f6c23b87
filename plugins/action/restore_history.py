# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Append a run's record to the restore history on the controller (plugins/module_utils/history.py).

On the controller, in its own process, like drill_files: AWX's job variables (who ran it) are the
play's variables, which only an action plugin sees, and the history directory is the controller's.
A bucket is written by amazon.aws.s3_object, run from here with the task's AWS connection options
(one task for the record wherever it is kept).
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import time
from typing import Any

from ansible.errors import AnsibleActionFail

from ansible_collections.recovery.aws_backup.plugins.plugin_utils.controller_action import ControllerAction
from ansible_collections.recovery.aws_backup.plugins.module_utils.history import HistoryError
from ansible_collections.recovery.aws_backup.plugins.module_utils.history import dumps
from ansible_collections.recovery.aws_backup.plugins.module_utils.history import object_key
from ansible_collections.recovery.aws_backup.plugins.module_utils.history import ran_by
from ansible_collections.recovery.aws_backup.plugins.module_utils.history import record
from ansible_collections.recovery.aws_backup.plugins.module_utils.history import record_name
from ansible_collections.recovery.aws_backup.plugins.module_utils.history import write_record
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import secret_metadata

# amazon.aws's connection options (its common and region doc fragments): module_defaults of
# group/recovery.aws_backup.aws give them, and they are passed on to amazon.aws.s3_object.
CONNECTION = {
    "access_key": {"type": "str", "no_log": True, "aliases": ["aws_access_key_id", "aws_access_key"]},
    "secret_key": {"type": "str", "no_log": True, "aliases": ["aws_secret_access_key", "aws_secret_key"]},
    "session_token": {"type": "str", "no_log": True, "aliases": ["aws_session_token"]},
    "profile": {"type": "str", "aliases": ["aws_profile"]}, "endpoint_url": {"type": "str", "aliases": ["aws_endpoint_url"]},
    "region": {"type": "str", "aliases": ["aws_region"]}, "aws_ca_bundle": {"type": "path"}, "validate_certs": {"type": "bool"},
    "aws_config": {"type": "dict"},
}  # fmt: skip
ARGUMENT_SPEC = {
    "run": {"type": "dict", "required": True},
    "directory": {"type": "path"},
    "s3": {"type": "dict", "default": {}, "options": {"bucket": {"type": "str"}, "prefix": {"type": "str", "default": ""}, "region": {"type": "str"}}},
    "targets": {"type": "list", "elements": "raw", "default": [], "no_log": True},
    **CONNECTION,
}
S3_MODULE = "amazon.aws.s3_object"
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


class ActionModule(ControllerAction):
    ARGUMENT_SPEC = ARGUMENT_SPEC

    def act(self, result: dict[str, Any], args: dict[str, Any], task_vars: dict[str, Any]) -> dict[str, Any]:
        variables = {name: self._templar.template(task_vars[name]) for name in AWX_VARIABLES if name in task_vars}
        secrets = [secret_metadata(t) for t in args["targets"] if isinstance(t, dict)]
        bucket = (args["s3"] or {}).get("bucket") or ""
        try:
            entry = record(args["run"], ran_by(variables, controller_user(), socket.gethostname()), collection_version(), time.time(), secrets)
            name = record_name(entry)
            path = os.path.join(args["directory"], name) if args["directory"] else ""
            if path and not self._task.check_mode:
                write_record(args["directory"], entry)
        except HistoryError as e:
            raise AnsibleActionFail(f"restore_history: {e}") from None
        key = object_key(args["s3"].get("prefix") if bucket else "", name)
        changed = bool(path)
        if bucket:
            changed = self._put_object(args, bucket, key, dumps(entry), task_vars) or changed
        result.update(changed=changed, record=entry, name=name, path=path, object=f"s3://{bucket}/{key}" if bucket else "")
        return result

    def _put_object(self, args: dict[str, Any], bucket: str, key: str, content: str, task_vars: dict[str, Any]) -> bool:
        """The record into the bucket with amazon.aws.s3_object: overwrite never, so an object already
        there under that key (none should be: the run id is unique) is left as it is."""
        module_args = {name: args[name] for name in CONNECTION if args.get(name) is not None}
        if args["s3"].get("region"):
            module_args["region"] = args["s3"]["region"]
        module_args.update(mode="put", bucket=bucket, object=key, content=content, overwrite="never")
        answer = self._execute_module(module_name=S3_MODULE, module_args=module_args, task_vars=task_vars)
        if answer.get("failed"):
            raise AnsibleActionFail(f"restore_history: cannot put the record into s3://{bucket}/{key}: {answer.get('msg') or answer}")
        return bool(answer.get("changed"))
