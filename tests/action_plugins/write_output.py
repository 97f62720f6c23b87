"""write_output: the tests' playbooks save what they registered with it, as they would with
ansible.builtin.copy's `content`, `dest` and `mode`, but on the controller, in this process.

ansible.builtin.copy runs two modules (stat, then copy) per file, each a new Python process:
about 0.7 s of CPU per saved file on the test machine, for bookkeeping that is not under test.
This action keeps copy's outcome where the tests look at it: `changed` only when the file's
content changes (so PLAY RECAP counts stay what they were), nothing written in check mode unless
the task says `check_mode: false`, and with --diff the file's old and new content in the output
(so what a result holds is in the output a test searches for secrets).

The run_playbook fixture (tests/conftest.py) puts this directory on ANSIBLE_ACTION_PLUGINS; the
playbooks name it ansible.legacy.write_output, the name that also resolves in task files a
collection's role includes (the validation hooks)."""

from __future__ import annotations

import json
import os
from typing import Any

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("content", "dest", "mode"))
    _requires_connection = False

    def run(self, tmp: Any = None, task_vars: dict[str, Any] | None = None) -> dict[str, Any]:
        result = super().run(tmp, task_vars)
        args = self._task.args
        if "content" not in args or not args.get("dest"):
            raise AnsibleActionFail("write_output needs content and dest")
        content = args["content"]
        if isinstance(content, (dict, list)):  # as copy does
            content = json.dumps(content)
        dest = str(args["dest"])
        mode = int(str(args.get("mode", "0600")), 8)
        new = content.encode("utf-8")
        try:
            with open(dest, "rb") as existing:
                old: bytes | None = existing.read()
        except FileNotFoundError:
            old = None
        changed = old != new
        result.update(changed=changed, dest=dest)
        if changed and self._play_context.diff:
            result["diff"] = {
                "before_header": dest, "before": "" if old is None else old.decode("utf-8", "replace"),
                "after_header": dest, "after": content,
            }  # fmt: skip
        if changed and not self._play_context.check_mode:
            descriptor = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(new)
            os.chmod(dest, mode)
        return result
