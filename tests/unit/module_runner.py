"""Run a module's main() in-process, as Ansible would, and return its JSON result."""

from __future__ import annotations

import json
from typing import Any, Callable

import pytest
from ansible.module_utils.common import warnings as ansible_warnings

try:  # ansible-core 2.19 and later: whether this process is the controller (see run_module_main)
    from ansible.module_utils import _internal as ansible_internal
except ImportError:
    ansible_internal = None
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
    # A module runs in a process of its own, never the controller's. Once a test of this process
    # has imported controller code (ansible.errors, a filter plugin), ansible-core 2.19 takes the
    # process for the controller and shows a module's warnings instead of returning them.
    was_controller = getattr(ansible_internal, "is_controller", None)
    if ansible_internal is not None:
        ansible_internal.is_controller = False
    try:
        with patch_module_args(module_args):
            with pytest.raises(SystemExit):
                main()
    finally:
        if ansible_internal is not None:
            ansible_internal.is_controller = was_controller
    return json.loads(capsys.readouterr().out)
