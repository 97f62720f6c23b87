# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The restore role's four public filters (each documented in plugins/filter/<name>.yml); the
logic is private Python in plugins/module_utils/run_record.py and restore_plan.py:

- restore_targets | recovery.aws_backup.restore_plan(mode, run_id, settings): the record of a new run
- record | recovery.aws_backup.restore_fold(steps): the record with the steps' results folded in
- record | recovery.aws_backup.restore_requests(step, restore_targets): the next module's options
- dr_targets | recovery.aws_backup.restore_survey_targets(single_target, source_region): targets as AWX gives them

They return plain dicts, lists, strings, numbers, booleans and None on every ansible-core version.
"""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError

from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import InputError
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import survey_targets
from ansible_collections.recovery.aws_backup.plugins.module_utils.run_record import fold
from ansible_collections.recovery.aws_backup.plugins.module_utils.run_record import new_run
from ansible_collections.recovery.aws_backup.plugins.module_utils.run_record import requests


def _filter(name: str, function: Any) -> Any:
    """`function` as a filter whose InputError is reported as the filter's error."""

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except InputError as e:
            raise AnsibleFilterError(f"{name}: {e}") from None

    wrapped.__name__ = name
    return wrapped


FILTERS = {
    "restore_plan": new_run,
    "restore_fold": fold,
    "restore_requests": requests,
    "restore_survey_targets": survey_targets,
}


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {name: _filter(name, function) for name, function in FILTERS.items()}
