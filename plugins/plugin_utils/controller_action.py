# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the collection's action plugins share: they run in the controller's own process (no
module is sent anywhere, no connection is needed) and check their arguments against their spec."""

from __future__ import annotations

import abc
from typing import Any

from ansible.plugins.action import ActionBase


class ControllerAction(ActionBase):
    """An action run on the controller; subclasses set ARGUMENT_SPEC and implement act()."""

    TRANSFERS_FILES = False
    _requires_connection = False
    ARGUMENT_SPEC: dict[str, Any] = {}

    def run(self, tmp: Any = None, task_vars: Any = None) -> dict[str, Any]:
        result = super().run(tmp, task_vars)
        _validation, args = self.validate_argument_spec(argument_spec=self.ARGUMENT_SPEC)
        return self.act(result, args, task_vars or {})

    @abc.abstractmethod
    def act(self, result: dict[str, Any], args: dict[str, Any], task_vars: dict[str, Any]) -> dict[str, Any]:
        """The action on its checked arguments: `result` completed and returned."""
