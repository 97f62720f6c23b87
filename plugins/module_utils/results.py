# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AWS's answers as module results: snake_case keys (as amazon.aws returns them), dates as ISO 8601
text so that results serialize. Small on purpose: every module imports it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict


def json_safe(value: Any) -> Any:
    """Dates as ISO 8601 text, recursively, so results serialize."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


def snake_job(job: dict[str, Any] | None) -> dict[str, Any]:
    """A restore, copy or backup job as a result: snake_case, dates as text; {} for none."""
    return json_safe(camel_dict_to_snake_dict(job)) if job else {}
