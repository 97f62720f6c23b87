#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: restore_validation_result
short_description: Put the validation result of a restore that AWS Backup restore testing made
version_added: 0.3.0
description:
  - Sends the result of validating what a restore testing job restored (C(PutRestoreValidationResult)), as the
    EventBridge-triggered validation AWS Backup documents does; the status shows in the console and in
    C(DescribeRestoreJob) and C(ListRestoreJobs).
  - AWS Backup - "Once a validation status is set, it cannot be changed" (developer guide, Restore testing
    validation). The job is described first - the same status already set is no change; another status already set
    fails naming it, and nothing is sent.
  - Once a validation result is in, AWS Backup deletes what the test restored (or when the selection's
    validation window closes, whichever comes first). This module deletes and tags nothing.
  - One result (O(restore_job_id), O(validation_status), O(validation_status_message)) or several (O(results)), each
    job described and put on its own; one job failing does not stop the others.
author:
  - recovery.aws_backup maintainers (@recovery-aws-backup)
options:
  restore_job_id:
    description: The restore testing job (give this and O(validation_status), or O(results)).
    type: str
  validation_status:
    description:
      - The result, as AWS Backup's C(RestoreValidationStatus) has it. C(VALIDATING) cannot be replaced by the final
        result later either (a status once set cannot be changed).
    type: str
    choices: [SUCCESSFUL, FAILED, TIMED_OUT, VALIDATING]
  validation_status_message:
    description: What the validation found (shown with the status).
    type: str
  results:
    description: Several results, each put on its own; instead of the three options above.
    type: list
    elements: dict
    suboptions:
      name:
        description: The caller's name for the result (each returned result carries it); default the restore job id.
        type: str
      restore_job_id:
        description: The restore testing job.
        type: str
        required: true
      validation_status:
        description: As O(validation_status).
        type: str
        required: true
        choices: [SUCCESSFUL, FAILED, TIMED_OUT, VALIDATING]
      validation_status_message:
        description: As O(validation_status_message).
        type: str
notes:
  - Check mode sends nothing; C(changed) says whether a result would be put.
  - Needs C(backup:DescribeRestoreJob) and C(backup:PutRestoreValidationResult).
  - Throttling and transient AWS errors are retried with jittered backoff.
seealso:
  - module: recovery.aws_backup.restored_resource_info
  - name: Restore testing validation
    description: AWS Backup developer guide.
    link: https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing-validation.html
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - recovery.aws_backup.requirements
"""

EXAMPLES = r"""
- name: Record that the restored database answered
  recovery.aws_backup.restore_validation_result:
    restore_job_id: "{{ restore_job_id }}"
    validation_status: SUCCESSFUL
    validation_status_message: "SELECT 1 answered in 0.2 s"

- name: Record the results of several restore tests in one task
  recovery.aws_backup.restore_validation_result:
    results:
      - restore_job_id: 8CA3A4B1-4B6E-4A8E-9E2A-0123456789AB
        validation_status: SUCCESSFUL
      - restore_job_id: 1D2C3B4A-5E6F-4A8E-9E2A-0123456789AB
        validation_status: FAILED
        validation_status_message: "orders table is empty"
"""

RETURN = r"""
results:
  description: One per result asked for, in order.
  returned: always, unless the input was refused
  type: list
  elements: dict
  contains:
    name:
      description: The result's name (default the restore job id).
      type: str
    restore_job_id:
      description: The restore job.
      type: str
    validation_status:
      description: The job's validation status afterwards (in check mode, what it would be).
      type: str
      sample: SUCCESSFUL
    validation_status_message:
      description: Its message, where there is one.
      type: str
    changed:
      description: Whether the result was put (would be, in check mode).
      type: bool
    failed:
      description: Whether the job already had another status (then C(msg) says so and nothing was sent).
      type: bool
    msg:
      description: Why the result was not put.
      type: str
      returned: when failed
    restore_testing_plan_arn:
      description: The restore testing plan that started the job (C(CreatedBy.RestoreTestingPlanArn)).
      type: str
restore_job_id:
  description: With O(restore_job_id), the job (as in RV(results)).
  type: str
  returned: with O(restore_job_id)
validation_status:
  description: With O(restore_job_id), the job's validation status afterwards.
  type: str
  returned: with O(restore_job_id)
  sample: SUCCESSFUL
"""

from ansible_collections.recovery.aws_backup.plugins.module_utils.backup_retry import backup_retry
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_validation import VALIDATION_STATUSES
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_validation import run_result_module
from ansible_collections.recovery.aws_backup.plugins.module_utils.secret_params import BackupModule

ARGUMENT_SPEC = dict(
    restore_job_id=dict(type="str"),
    validation_status=dict(type="str", choices=list(VALIDATION_STATUSES)),
    validation_status_message=dict(type="str"),
    results=dict(
        type="list", elements="dict",
        options=dict(
            name=dict(type="str"), restore_job_id=dict(type="str", required=True),
            validation_status=dict(type="str", required=True, choices=list(VALIDATION_STATUSES)), validation_status_message=dict(type="str"),
        ),
    ),  # fmt: skip
)


def main() -> None:
    module = BackupModule(
        argument_spec=ARGUMENT_SPEC, supports_check_mode=True,
        mutually_exclusive=[("results", "restore_job_id"), ("results", "validation_status"), ("results", "validation_status_message")],
        required_one_of=[("results", "restore_job_id")], required_together=[("restore_job_id", "validation_status")],
    )  # fmt: skip
    run_result_module(module, module.client("backup", retry_decorator=backup_retry))


if __name__ == "__main__":
    main()
