"""Run a module's main() in-process, as Ansible would, and return its JSON result."""

from __future__ import annotations

import json
from typing import Any, Callable

import pytest
from ansible.module_utils.testing import patch_module_args


def run_module_main(capsys: Any, main: Callable[[], None], args: dict, check_mode: bool = False, diff: bool = False) -> dict:
    module_args = {"region": "us-east-1", **args}
    if check_mode:
        module_args["_ansible_check_mode"] = True
    if diff:
        module_args["_ansible_diff"] = True
    with patch_module_args(module_args):
        with pytest.raises(SystemExit):
            main()
    return json.loads(capsys.readouterr().out)
