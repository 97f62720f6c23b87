#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: restore_testing_plan
short_description: Declare an AWS Backup restore testing plan
version_added: 0.3.0
description:
  - Creates, updates or deletes an AWS Backup restore testing plan (CreateRestoreTestingPlan,
    UpdateRestoreTestingPlan, DeleteRestoreTestingPlan), and its tags.
  - A restore testing plan says when AWS Backup runs test restores and which recovery points it picks; the
    resources it restores are declared with M(recovery.aws_backup.restore_testing_selection).
  - Idempotent. Only the options given are compared with the plan AWS holds; an option left out is left as it is.
    O(recovery_point_selection) is compared and sent as a whole, as UpdateRestoreTestingPlan takes it.
  - The documented limits are checked before any AWS call, and the error names the option.
  - Two runs creating the same plan at the same moment create it once - the create carries a C(CreatorRequestId)
    derived from the declaration (restore metadata overrides left out), and AWS answers a repeated one with the
    plan it made.
  - Supports check mode (nothing is changed; the plan as it would be is returned) and diff mode.
author:
  - recovery.aws_backup maintainers (@recovery-aws-backup)
options:
  state:
    description:
      - V(present) creates the plan or updates it to match; V(absent) deletes it.
      - AWS deletes a plan only once it has no selections. With V(absent), a plan that still has selections fails
        the task before anything is deleted, naming them.
    type: str
    choices: [present, absent]
    default: present
  schedule_expression:
    description:
      - When AWS Backup runs the plan, a cron expression such as V(cron(0 5 ? * * *)) (C(ScheduleExpression)), in
        O(schedule_expression_timezone).
      - Required with O(state=present).
    type: str
  schedule_expression_timezone:
    description:
      - The time zone of O(schedule_expression), for example V(Europe/Paris). AWS uses UTC when none is given.
    type: str
  start_window_hours:
    description:
      - Hours after the scheduled time within which a test restore must start, or AWS cancels it
        (C(StartWindowHours)). AWS's default is 24.
      - From 1 to 168 (one week), AWS's maximum; anything else fails before any AWS call.
    type: int
  recovery_point_selection:
    description:
      - Which recovery points the plan restores (C(RecoveryPointSelection)).
      - Required with O(state=present).
    type: dict
    suboptions:
      algorithm:
        description:
          - V(LATEST_WITHIN_WINDOW) restores the newest recovery point in the window, V(RANDOM_WITHIN_WINDOW) a random
            one.
        type: str
        required: true
        choices: [LATEST_WITHIN_WINDOW, RANDOM_WITHIN_WINDOW]
      include_vaults:
        description:
          - The vaults recovery points are taken from, by ARN (wildcards allowed, for example
            V(arn:aws:backup:*:*:backup-vault:prod-*)), or V(["*"]) for all.
        type: list
        elements: str
        required: true
      exclude_vaults:
        description:
          - Vaults left out, by ARN. Left out, it is empty, AWS's default.
        type: list
        elements: str
      recovery_point_types:
        description:
          - V(SNAPSHOT), V(CONTINUOUS) (point-in-time recovery), or both.
        type: list
        elements: str
        required: true
        choices: [CONTINUOUS, SNAPSHOT]
      selection_window_days:
        description:
          - How many days back recovery points are taken from, from 1 to 365. Left out, it is 30, AWS's default.
        type: int
extends_documentation_fragment:
  - recovery.aws_backup.restore_testing
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - recovery.aws_backup.requirements
notes:
  - The tags are the plan's (ListTags, TagResource, UntagResource on its ARN), compared like amazon.aws's modules do.
"""

EXAMPLES = r"""
- name: A nightly restore test of the newest snapshot of the last week from the production vaults
  recovery.aws_backup.restore_testing_plan:
    restore_testing_plan_name: nightly_restore_test
    schedule_expression: cron(0 3 ? * * *)
    schedule_expression_timezone: Europe/Paris
    start_window_hours: 4
    recovery_point_selection:
      algorithm: LATEST_WITHIN_WINDOW
      include_vaults:
        - arn:aws:backup:eu-west-1:123456789012:backup-vault:prod-vault
      recovery_point_types: [SNAPSHOT]
      selection_window_days: 7
    tags:
      team: storage

- name: Remove the plan (its selections first)
  recovery.aws_backup.restore_testing_plan:
    restore_testing_plan_name: nightly_restore_test
    state: absent
"""

RETURN = r"""
restore_testing_plan:
  description:
    - The plan as GetRestoreTestingPlan returns it, in snake_case, dates as ISO 8601 text, with its tags.
    - In check mode, the plan as it would be. Empty once deleted.
  returned: always
  type: dict
  contains:
    restore_testing_plan_name:
      description: The plan's name.
      type: str
      sample: nightly_restore_test
    restore_testing_plan_arn:
      description: The plan's ARN (what restore jobs name as C(CreatedBy.RestoreTestingPlanArn)).
      type: str
      sample: arn:aws:backup:eu-west-1:123456789012:restore-testing-plan:nightly_restore_test-1a2b3c4d
    schedule_expression:
      description: When the plan runs.
      type: str
      sample: cron(0 3 ? * * *)
    schedule_expression_timezone:
      description: The time zone of the schedule.
      type: str
      returned: when set
    start_window_hours:
      description: The start window in hours.
      type: int
      sample: 24
    recovery_point_selection:
      description: algorithm, include_vaults, exclude_vaults, recovery_point_types, selection_window_days.
      type: dict
    creation_time:
      description: When the plan was created.
      type: str
    creator_request_id:
      description: The C(CreatorRequestId) of the create, derived from the declaration.
      type: str
      returned: when the collection created it
      sample: ansible-5f0c2a9e1b7d4c3a8e6f0b1d2c3e4f5a6b7c8d9e
    last_update_time:
      description: When it was last updated.
      type: str
      returned: once updated
    last_execution_time:
      description: When AWS last ran it.
      type: str
      returned: once run
    tags:
      description: The plan's tags.
      type: dict
      sample: {"team": "storage"}
"""

from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_testing import RECOVERY_POINT_SELECTION_OPTIONS, ensure_plan, run_ensure_module
from ansible_collections.recovery.aws_backup.plugins.module_utils.secret_params import BackupModule

ARGUMENT_SPEC = dict(
    restore_testing_plan_name=dict(type="str", required=True),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    schedule_expression=dict(type="str"),
    schedule_expression_timezone=dict(type="str"),
    start_window_hours=dict(type="int"),
    recovery_point_selection=dict(type="dict", options=RECOVERY_POINT_SELECTION_OPTIONS),
    tags=dict(type="dict", aliases=["resource_tags"]),
    purge_tags=dict(type="bool", default=True),
)


def main() -> None:
    module = BackupModule(
        argument_spec=ARGUMENT_SPEC,
        required_if=[["state", "present", ["schedule_expression", "recovery_point_selection"]]],
        supports_check_mode=True,
    )
    run_ensure_module(module, ensure_plan)


if __name__ == "__main__":
    main()
