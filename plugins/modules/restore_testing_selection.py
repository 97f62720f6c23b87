#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: restore_testing_selection
short_description: Declare the resources an AWS Backup restore testing plan restores
version_added: 0.3.0
description:
  - Creates, updates or deletes an AWS Backup restore testing selection of a restore testing plan
    (CreateRestoreTestingSelection, UpdateRestoreTestingSelection, DeleteRestoreTestingSelection). The plan is
    declared with M(recovery.aws_backup.restore_testing_plan).
  - A selection names one resource type and its resources, either up to 30 ARNs or all resources of the type
    (V(["*"])) narrowed by tag conditions, the restore metadata AWS's inferred metadata is overridden with, and how
    long the restored resources are kept for validation.
  - Idempotent. Only the options given are compared with the selection AWS holds; an option left out is left as
    it is. Changes are made in place with UpdateRestoreTestingSelection.
  - "What UpdateRestoreTestingSelection cannot change fails the task, naming the option, before anything is
    changed: O(protected_resource_type) (not in the update), and a switch between specific
    O(protected_resource_arns) and O(protected_resource_conditions) (AWS: an update takes one or the other, and a
    selection of specific ARNs cannot take conditions). The module does not replace the selection by itself:
    a replacement deletes the selection first, and a scheduled run in between would test less than declared.
    Remove it with O(state=absent) and declare it again."
  - The documented limits are checked before any AWS call, and the error names the option.
  - Two runs creating the same selection at the same moment create it once - the create carries a C(CreatorRequestId)
    derived from the declaration (restore metadata overrides left out), and AWS answers a repeated one with the
    selection it made.
  - Supports check mode (nothing is changed; the selection as it would be is returned) and diff mode.
  - Selections have no tags of their own in AWS's API; tag the plan.
author:
  - recovery.aws_backup maintainers (@recovery-aws-backup)
options:
  restore_testing_selection_name:
    description:
      - The name of the restore testing selection in the plan (C(RestoreTestingSelectionName)).
      - 1 to 50 letters, digits and underscores; anything else fails before any AWS call. AWS does not rename a
        selection.
    type: str
    required: true
  state:
    description:
      - V(present) creates the selection or updates it to match; V(absent) deletes it.
      - With V(present), the plan must exist; otherwise the task fails saying so.
    type: str
    choices: [present, absent]
    default: present
  protected_resource_type:
    description:
      - The type of the resources restored (C(ProtectedResourceType)), one AWS Backup restore testing supports.
      - Required to create the selection. It cannot be changed afterwards (see the description).
    type: str
    choices: [Aurora, DocumentDB, DynamoDB, EBS, EC2, EFS, FSx, Neptune, RDS, S3]
  iam_role_arn:
    description:
      - The IAM role AWS Backup restores with (C(IamRoleArn)), an ARN such as V(arn:aws:iam::123456789012:role/restore-testing).
      - Required to create the selection.
    type: str
  protected_resource_arns:
    description:
      - The resources to restore, either V(["*"]) (every resource of O(protected_resource_type) with recovery points
        in the plan's vaults, narrowed by O(protected_resource_conditions)) or up to 30 ARNs of protected resources of
        that type, never both.
      - One of O(protected_resource_arns) and O(protected_resource_conditions) is required to create the selection.
    type: list
    elements: str
  protected_resource_conditions:
    description:
      - Tag conditions on the resources, only with O(protected_resource_arns=["*"]) (C(ProtectedResourceConditions)).
      - At most 30 conditions in all (the collection's bound, the same as AWS's for specific ARNs; AWS documents none
        for conditions). A key is 1 to 128 characters and must not start with C(aws:); a value is at
        most 256 characters (letters, digits, blanks and C(_.:/=+-@)).
      - V({}) removes every condition.
    type: dict
    suboptions:
      string_equals:
        description: Resources whose tag O(protected_resource_conditions.string_equals[].key) has this value.
        type: list
        elements: dict
        suboptions: &tag_key_value
          key:
            description: The tag key.
            type: str
            required: true
          value:
            description: The tag value.
            type: str
            required: true
      string_not_equals:
        description: Resources whose tag O(protected_resource_conditions.string_not_equals[].key) does not have this value.
        type: list
        elements: dict
        suboptions: *tag_key_value
  restore_metadata_overrides:
    description:
      - Restore metadata keys that replace AWS's inferred metadata for the test restores
        (C(RestoreMetadataOverrides)); AWS reads the keys case-insensitively. See AWS's "Restore testing inferred
        metadata" for the keys of each type.
      - AWS takes text values only. Values are converted as M(recovery.aws_backup.backup_restore_job) converts its
        metadata - booleans to C(true) / C(false), numbers to their text, lists and dictionaries to compact JSON.
      - Values whose keys name credentials (C(MasterUserPassword), anything with C(password), C(secret), C(token),
        ..., or ending in C(Key)) are never shown - not in the result, the diff, error messages or the logged
        invocation.
      - V({}) removes every override.
    type: dict
  validation_window_hours:
    description:
      - Hours AWS keeps the restored resources for validation before deleting them (C(ValidationWindowHours)).
      - From 1 to 168. The API reference of CreateRestoreTestingSelection says 0 to 168 but its
        GetRestoreTestingSelection and the developer guide say 1 to 168; the module follows 1 to 168, which every
        AWS document accepts, and a window of 0 hours would delete the resources before they could be validated.
    type: int
extends_documentation_fragment:
  - recovery.aws_backup.restore_testing
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - recovery.aws_backup.requirements
"""

EXAMPLES = r"""
- name: Test-restore every EFS file system tagged backup=daily, with a day to validate each
  recovery.aws_backup.restore_testing_selection:
    restore_testing_plan_name: nightly_restore_test
    restore_testing_selection_name: efs_daily
    protected_resource_type: EFS
    iam_role_arn: arn:aws:iam::123456789012:role/restore-testing
    protected_resource_arns: ["*"]
    protected_resource_conditions:
      string_equals:
        - key: backup
          value: daily
    restore_metadata_overrides:
      PerformanceMode: generalPurpose
    validation_window_hours: 24

- name: Test-restore two RDS instances into a test subnet group; the password is never shown
  recovery.aws_backup.restore_testing_selection:
    restore_testing_plan_name: nightly_restore_test
    restore_testing_selection_name: rds_orders
    protected_resource_type: RDS
    iam_role_arn: arn:aws:iam::123456789012:role/restore-testing
    protected_resource_arns:
      - arn:aws:rds:eu-west-1:123456789012:db:orders
      - arn:aws:rds:eu-west-1:123456789012:db:billing
    restore_metadata_overrides:
      DBSubnetGroupName: restore-test
      MasterUserPassword: "{{ vault_restore_test_password }}"
    validation_window_hours: 4

- name: Remove a selection
  recovery.aws_backup.restore_testing_selection:
    restore_testing_plan_name: nightly_restore_test
    restore_testing_selection_name: efs_daily
    state: absent
"""

RETURN = r"""
restore_testing_selection:
  description:
    - The selection as GetRestoreTestingSelection returns it, in snake_case (override keys as given), dates as ISO
      8601 text, credential values masked.
    - In check mode, the selection as it would be. Empty once deleted.
  returned: always
  type: dict
  contains:
    restore_testing_plan_name:
      description: The plan's name.
      type: str
    restore_testing_selection_name:
      description: The selection's name.
      type: str
    protected_resource_type:
      description: The resource type.
      type: str
      sample: EFS
    iam_role_arn:
      description: The role AWS Backup restores with.
      type: str
    protected_resource_arns:
      description: The resources' ARNs, or C(["*"]).
      type: list
      elements: str
    protected_resource_conditions:
      description: string_equals and string_not_equals, lists of key and value.
      type: dict
    restore_metadata_overrides:
      description: The overrides, credential values masked.
      type: dict
      sample: {"PerformanceMode": "generalPurpose", "MasterUserPassword": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"}
    validation_window_hours:
      description: Hours the restored resources are kept for validation.
      type: int
    creation_time:
      description: When the selection was created.
      type: str
    creator_request_id:
      description: The C(CreatorRequestId) of the create, derived from the declaration.
      type: str
      returned: when the collection created it
      sample: ansible-5f0c2a9e1b7d4c3a8e6f0b1d2c3e4f5a6b7c8d9e
"""

from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import sensitive_values
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_testing import PROTECTED_RESOURCE_CONDITIONS_OPTIONS
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_testing import PROTECTED_RESOURCE_TYPES
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_testing import ensure_selection
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_testing import run_ensure_module
from ansible_collections.recovery.aws_backup.plugins.module_utils.secret_params import aws_module_hiding_secrets

ARGUMENT_SPEC = dict(
    restore_testing_plan_name=dict(type="str", required=True),
    restore_testing_selection_name=dict(type="str", required=True),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    protected_resource_type=dict(type="str", choices=list(PROTECTED_RESOURCE_TYPES)),
    iam_role_arn=dict(type="str"),
    protected_resource_arns=dict(type="list", elements="str"),
    protected_resource_conditions=dict(type="dict", options=PROTECTED_RESOURCE_CONDITIONS_OPTIONS),
    restore_metadata_overrides=dict(type="dict"),
    validation_window_hours=dict(type="int"),
)


def overrides_secrets(params: dict) -> set:
    """The credential values of the overrides as given, to hide from every output."""
    return sensitive_values(params.get("restore_metadata_overrides"))


def main() -> None:
    module = aws_module_hiding_secrets(overrides_secrets, argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    run_ensure_module(module, ensure_selection)


if __name__ == "__main__":
    main()
