#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: backup_restore_job_info
short_description: The status of AWS Backup restore jobs, optionally waiting for them together
version_added: 0.2.0
description:
  - Describes restore jobs by id (DescribeRestoreJob), one call per job.
  - With O(wait=true), polls every job in one loop until all of them have ended (C(COMPLETED), C(FAILED) or
    C(ABORTED)), each on its own schedule taken from what AWS says of it (C(PercentDone) and
    C(ExpectedCompletionTimeMinutes)). A job's completion is noticed within max(5 s, 5 % of its age), with about
    one poll per job every 15 s while AWS's estimates put the end further away. Throttling and lost connections
    are ridden out with backoff until O(wait_timeout).
  - With O(progress_interval), the module returns after that many seconds even while jobs still run, with each
    job as last seen, so that a play can show progress and call it again for the jobs in RV(running).
  - Read-only. A job that ended C(FAILED) or C(ABORTED) does not fail the module; its RV(restore_jobs[].status)
    and RV(restore_jobs[].status_message) say so.
options:
  restore_job_ids:
    description:
      - The restore jobs, by id, for example the RV(recovery.aws_backup.backup_restore_job#module:restore_job.restore_job_id)
        of M(recovery.aws_backup.backup_restore_job).
    type: list
    elements: str
    required: true
  wait:
    description:
      - Wait until every job has ended.
    type: bool
    default: false
  wait_timeout:
    description:
      - With O(wait=true), how many seconds to wait at most, retries included. The module fails when jobs still
        run after it (they keep running).
    type: int
    default: 3600
  progress_interval:
    description:
      - With O(wait=true), return after at most this many seconds while jobs still run (not a failure), so that
        the play can show their progress and wait again.
    type: int
notes:
  - Needs C(backup:DescribeRestoreJob).
seealso:
  - module: recovery.aws_backup.backup_restore_job
author:
  - recovery.aws_backup maintainers (@recovery-aws-backup)
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Start two restores without waiting
  recovery.aws_backup.backup_restore_job:
    recovery_point_arn: "{{ item }}"
    metadata_source: recovery_point
    wait: false
  loop: "{{ recovery_point_arns }}"
  register: started

- name: Wait for both together, up to an hour
  recovery.aws_backup.backup_restore_job_info:
    restore_job_ids: "{{ started.results | map(attribute='restore_job.restore_job_id') | list }}"
    wait: true
    wait_timeout: 3600
  register: restores

- name: Fail unless both completed
  ansible.builtin.assert:
    that: restores.restore_jobs | rejectattr('status', 'eq', 'COMPLETED') | list | length == 0
"""

RETURN = r"""
restore_jobs:
  description: One entry per restore job, in the order of O(restore_job_ids), each as DescribeRestoreJob returns it
    (snake_case) plus RV(restore_jobs[].ended).
  returned: always
  type: list
  elements: dict
  contains:
    restore_job_id:
      description: The restore job's id.
      type: str
      returned: always
    status:
      description: C(PENDING), C(RUNNING), C(COMPLETED), C(ABORTED) or C(FAILED).
      type: str
      returned: when AWS answered
    status_message:
      description: AWS's message on the job's status, for example why it failed.
      type: str
      returned: when AWS gives one
    percent_done:
      description: AWS's estimate of how much of the job is done, for example C(40.00%).
      type: str
      returned: when AWS gives one
    expected_completion_time_minutes:
      description: How long AWS expects the job to take in all, from its creation.
      type: int
      returned: when AWS gives one
    created_resource_arn:
      description: The ARN of the resource the job created.
      type: str
      returned: when the job has created it
    creation_date:
      description: When the job was created.
      type: str
      returned: when AWS answered
    completion_date:
      description: When the job ended.
      type: str
      returned: when the job has ended
    ended:
      description: Whether the job has ended (C(COMPLETED), C(FAILED) or C(ABORTED)), or could not be described.
      type: bool
      returned: always
    error:
      description: Why the job could not be described (for example AWS does not know it); it is then not polled again.
      type: str
      returned: when AWS refused to describe it
all_ended:
  description: Whether every job has ended.
  returned: always
  type: bool
running:
  description: The ids of the jobs that have not ended yet.
  returned: always
  type: list
  elements: str
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_job_info import run_module
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_module import WAIT_CLIENT_CONFIG
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_module import snake_job

try:
    from botocore.config import Config
except ImportError:
    pass  # handled by AnsibleAWSModule

ARGUMENT_SPEC = dict(
    restore_job_ids=dict(type="list", elements="str", required=True),
    wait=dict(type="bool", default=False),
    wait_timeout=dict(type="int", default=3600),
    progress_interval=dict(type="int"),
)


def main() -> None:
    module = AnsibleAWSModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    # The wait loop retries on its own schedule, bounded by wait_timeout: few attempts per call.
    run_module(module, module.client("backup", config=Config(**WAIT_CLIENT_CONFIG)), snake_job)


if __name__ == "__main__":
    main()
