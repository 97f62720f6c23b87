#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: restore_testing_selection_info
short_description: Read the selections of an AWS Backup restore testing plan
version_added: 0.3.0
description:
  - Returns one restore testing selection of a plan (GetRestoreTestingSelection) or every selection of the plan
    (ListRestoreTestingSelections, then GetRestoreTestingSelection for each).
  - A selection or plan that does not exist is not an error; RV(restore_testing_selections) is then empty.
  - Values of restore metadata overrides whose keys name credentials are masked, and never shown.
author:
  - recovery.aws_backup maintainers (@recovery-aws-backup)
options:
  restore_testing_selection_name:
    description:
      - The selection to read. Left out, every selection of the plan is returned.
      - 1 to 50 letters, digits and underscores; anything else fails before any AWS call.
    type: str
notes:
  - Supports check mode; the module never changes anything.
extends_documentation_fragment:
  - recovery.aws_backup.restore_testing
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - recovery.aws_backup.requirements
"""

EXAMPLES = r"""
- name: The selections of a plan
  recovery.aws_backup.restore_testing_selection_info:
    restore_testing_plan_name: nightly_restore_test
  register: selections

- name: The resource types the plan tests
  ansible.builtin.debug:
    msg: "{{ selections.restore_testing_selections | map(attribute='protected_resource_type') | list }}"
"""

RETURN = r"""
restore_testing_selections:
  description:
    - The selections, ordered by name, as GetRestoreTestingSelection returns them, in snake_case (override keys as
      given), dates as ISO 8601 text, credential values masked. The fields are
      M(recovery.aws_backup.restore_testing_selection)'s
      RV(recovery.aws_backup.restore_testing_selection#module:restore_testing_selection).
  returned: always
  type: list
  elements: dict
  sample:
    - restore_testing_plan_name: nightly_restore_test
      restore_testing_selection_name: rds_orders
      protected_resource_type: RDS
      iam_role_arn: arn:aws:iam::123456789012:role/restore-testing
      protected_resource_arns: ["arn:aws:rds:eu-west-1:123456789012:db:orders"]
      restore_metadata_overrides: {"DBSubnetGroupName": "restore-test", "MasterUserPassword": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"}
      validation_window_hours: 4
      creation_time: "2026-12-04T15:00:00.123000+00:00"
"""

from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import BackupAWSError, InputError
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import sensitive_values
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_testing import selections_info
from ansible_collections.recovery.aws_backup.plugins.module_utils.secret_params import BackupModule

ARGUMENT_SPEC = dict(
    restore_testing_plan_name=dict(type="str", required=True),
    restore_testing_selection_name=dict(type="str"),
)


def main() -> None:
    module = BackupModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    params = module.params
    try:
        results, raw = selections_info(module.client("backup"), params["restore_testing_plan_name"], params["restore_testing_selection_name"])
    except InputError as e:
        module.fail_json(msg=str(e))
    except BackupAWSError as e:
        module.fail_json_aws_error(e)
    # What the result masks must not leak through Ansible's logs or callbacks either.
    for selection in raw:
        module.no_log_values.update(sensitive_values(selection.get("RestoreMetadataOverrides")))
    module.exit_json(changed=False, restore_testing_selections=sorted(results, key=lambda s: s["restore_testing_selection_name"]))


if __name__ == "__main__":
    main()
