#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: restore_testing_plan_info
short_description: Read AWS Backup restore testing plans
version_added: 0.3.0
description:
  - Returns one restore testing plan (GetRestoreTestingPlan) or every plan of the Region
    (ListRestoreTestingPlans, then GetRestoreTestingPlan for each), each with its tags (ListTags).
  - A plan that does not exist is not an error; RV(restore_testing_plans) is then empty.
author:
  - recovery.aws_backup maintainers (@recovery-aws-backup)
options:
  restore_testing_plan_name:
    description:
      - The plan to read. Left out, every plan of the Region is returned.
      - 1 to 50 letters, digits and underscores; anything else fails before any AWS call.
    type: str
notes:
  - Supports check mode; the module never changes anything.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - recovery.aws_backup.requirements
"""

EXAMPLES = r"""
- name: Read a plan
  recovery.aws_backup.restore_testing_plan_info:
    restore_testing_plan_name: nightly_restore_test
  register: plan

- name: Say when it last ran
  ansible.builtin.debug:
    msg: "{{ plan.restore_testing_plans[0].last_execution_time | default('never') }}"
  when: plan.restore_testing_plans | length > 0

- name: Every restore testing plan of the Region
  recovery.aws_backup.restore_testing_plan_info:
  register: plans
"""

RETURN = r"""
restore_testing_plans:
  description:
    - The plans, ordered by name, as GetRestoreTestingPlan returns them, in snake_case, dates as ISO 8601 text,
      each with its tags. The fields are M(recovery.aws_backup.restore_testing_plan)'s RV(recovery.aws_backup.restore_testing_plan#module:restore_testing_plan).
  returned: always
  type: list
  elements: dict
  sample:
    - restore_testing_plan_name: nightly_restore_test
      restore_testing_plan_arn: arn:aws:backup:eu-west-1:123456789012:restore-testing-plan:nightly_restore_test-1a2b3c4d
      schedule_expression: cron(0 3 ? * * *)
      start_window_hours: 24
      recovery_point_selection:
        algorithm: LATEST_WITHIN_WINDOW
        include_vaults: ["*"]
        exclude_vaults: []
        recovery_point_types: [SNAPSHOT]
        selection_window_days: 30
      creation_time: "2026-12-04T15:00:00.123000+00:00"
      tags: {"team": "storage"}
"""

from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import BackupAWSError, InputError
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_testing import plans_info
from ansible_collections.recovery.aws_backup.plugins.module_utils.secret_params import BackupModule

ARGUMENT_SPEC = dict(restore_testing_plan_name=dict(type="str"))


def main() -> None:
    module = BackupModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    try:
        plans = plans_info(module.client("backup"), module.params["restore_testing_plan_name"])
    except InputError as e:
        module.fail_json(msg=str(e))
    except BackupAWSError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=False, restore_testing_plans=sorted(plans, key=lambda plan: plan["restore_testing_plan_name"]))


if __name__ == "__main__":
    main()
