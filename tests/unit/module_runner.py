"""Run a module's main() in-process, as Ansible would, and return its JSON result."""

from __future__ import annotations

import json
from typing import Any, Callable

import pytest
from ansible.module_utils.common import warnings as ansible_warnings
from ansible.module_utils.testing import patch_module_args


def run_module_main(capsys: Any, main: Callable[[], None], args: dict, check_mode: bool = False, diff: bool = False) -> dict:
    module_args = {"region": "us-east-1", **args}
    if check_mode:
        module_args["_ansible_check_mode"] = True
    if diff:
        module_args["_ansible_diff"] = True
    # A module's warnings are kept for the process, which Ansible starts for one run only: in
    # one test process, a run would otherwise return the warnings of every earlier run too.
    ansible_warnings._global_warnings.clear()
    ansible_warnings._global_deprecations.clear()
    with patch_module_args(module_args):
        with pytest.raises(SystemExit):
            main()
    return json.loads(capsys.readouterr().out)
