# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters the restore role shapes its data with (the logic is in module_utils/restore_plan.py):

- restore_targets | recovery.aws_backup.restore_plan(mode, run_id): one plan item per target
- restore_targets | recovery.aws_backup.restore_secret_metadata(index): a target's secret metadata (no_log only)
- plan | recovery.aws_backup.restore_measures(jobs, usable_at): recovery time and point age per target
- plan | recovery.aws_backup.restore_report(run): the drill report
- journals | recovery.aws_backup.restore_cleanup_runs(marked, exclude_run_id): earlier runs to clean up
- dr_targets | recovery.aws_backup.restore_survey_targets(single_target): targets as an AWX survey gives them
- targets | recovery.aws_backup.restore_regional_targets(source_region): copy_from's default Region
- plan | recovery.aws_backup.restore_copy_requests(lookups, vaults): backup_copy_job's options per copy_from target
- results | recovery.aws_backup.restore_copies_done(run_started): the copies made, per target
- plan | recovery.aws_backup.restore_new_identifiers: the DB instance and cluster identifiers a run creates
- identifiers | recovery.aws_backup.restore_taken_identifiers(instances, clusters): those that exist already
- plan | recovery.aws_backup.restore_start_requests(targets, copies): backup_restore_jobs' restores
- results | recovery.aws_backup.restore_started: the jobs started, per target (module_utils/restore_run.py)
- started | recovery.aws_backup.restore_jobs_seen(polled, previous, timeout): each target's job after a poll
- plan | recovery.aws_backup.restore_progress(jobs, failed, now): a progress line per target
- plan | recovery.aws_backup.restore_post_step_settings(jobs): restored_resource's job_settings
- started | recovery.aws_backup.restore_usable(resources): usable_at, facts and failures per target
- plan | recovery.aws_backup.restore_validation(jobs, facts): the built-in validation per target

They return plain dicts, lists, strings, numbers, booleans and None on every ansible-core version.
"""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError

from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import PlanError
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import build_plan
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import cleanup_runs
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import measure
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import report
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import regional_targets
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import survey_targets
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import target_secret_metadata
from ansible_collections.recovery.aws_backup.plugins.module_utils import restore_run


def _filter(name: str, function: Any) -> Any:
    """`function` as a filter whose PlanError is reported as the filter's error."""

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except PlanError as e:
            raise AnsibleFilterError(f"{name}: {e}") from None

    wrapped.__name__ = name
    return wrapped


# restore_secret_metadata's errors name fields only, never a value of the secret metadata.
FILTERS = {
    "restore_plan": build_plan,
    "restore_secret_metadata": target_secret_metadata,
    "restore_measures": measure,
    "restore_report": report,
    "restore_cleanup_runs": cleanup_runs,
    "restore_survey_targets": survey_targets,
    "restore_regional_targets": regional_targets,
    "restore_new_identifiers": restore_run.new_identifiers,
    "restore_taken_identifiers": restore_run.taken_identifiers,
    "restore_start_requests": restore_run.start_requests,
    "restore_copy_requests": restore_run.copy_requests,
    "restore_copies_done": restore_run.copies_done,
    "restore_started": restore_run.started_jobs,
    "restore_jobs_seen": restore_run.jobs_seen,
    "restore_progress": restore_run.progress_lines,
    "restore_post_step_settings": restore_run.post_step_settings,
    "restore_usable": restore_run.usable_resources,
    "restore_validation": restore_run.validation,
}


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {name: _filter(name, function) for name, function in FILTERS.items()}
