#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: backup_job_status
short_description: The status of AWS Backup restore and copy jobs, optionally waiting for them together
version_added: 0.3.0
description:
  - Reads restore jobs and copy jobs named by the caller (O(restore_jobs), O(copy_jobs)) and returns each under its
    name.
  - A read of N jobs costs one call, not N. The restore jobs are read with one ListRestoreJobs, the copy jobs with one
    ListCopyJobs per Region (all their pages, narrowed with C(ByCreatedAfter) to the jobs' creation window); a job the
    listing does not answer (created more than an hour before the module started and not seen yet, or a listing AWS
    refuses) is described on its own (DescribeRestoreJob, DescribeCopyJob).
  - With O(wait=true), waits for every job in one loop until all of them have ended (restore jobs C(COMPLETED),
    C(FAILED) or C(ABORTED); copy jobs C(COMPLETED), C(FAILED) or C(PARTIAL)). Each job keeps its own schedule taken
    from what AWS says of it (C(PercentDone), C(ExpectedCompletionTimeMinutes)), and its completion is noticed within
    max(5 s, 5 % of its age). A round is due when any job is, and that round's listing refreshes every job.
    Throttling and lost connections are ridden out with backoff until O(wait_timeout).
  - With O(progress_interval), the module returns after that many seconds even while jobs still run, with each job as
    last seen, so that a play can show progress and call it again for the names in RV(running).
  - Read-only. A job that ended C(FAILED), C(ABORTED) or C(PARTIAL) does not fail the module; its status says so.
  - This module was called C(recovery.aws_backup.backup_restore_job_info), a name that clashed with
    C(amazon.aws.backup_restore_job_info); the old name still works (a redirect).
author:
  - recovery.aws_backup maintainers (@recovery-aws-backup)
options:
  restore_jobs:
    description:
      - The restore jobs, each with the caller's name for it, in the module's Region.
    type: list
    elements: dict
    suboptions:
      name:
        description:
          - The caller's name for the job (a drill target's name, for example), unique in the list. Returned on the
            job's entry.
        type: str
        required: true
      restore_job_id:
        description:
          - The restore job's id, for example the
            RV(recovery.aws_backup.backup_restore_job#module:restore_job.restore_job_id) of
            M(recovery.aws_backup.backup_restore_job).
        type: str
        required: true
  copy_jobs:
    description:
      - The copy jobs, each with the caller's name for it.
    type: list
    elements: dict
    suboptions:
      name:
        description:
          - The caller's name for the job, unique in the list. Returned on the job's entry.
        type: str
        required: true
      copy_job_id:
        description:
          - The copy job's id, for example the RV(recovery.aws_backup.backup_copy_jobs#module:copy_jobs[].copy_job.copy_job_id)
            of M(recovery.aws_backup.backup_copy_jobs).
        type: str
        required: true
      region:
        description:
          - The Region whose StartCopyJob made the job (its source Region), where copy jobs are read. The module's
            Region when not given.
        type: str
  restore_job_ids:
    description:
      - The restore jobs by id alone, each named by its id. The older form of O(restore_jobs), which it excludes.
    type: list
    elements: str
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
  - "Needs C(backup:ListRestoreJobs) and C(backup:DescribeRestoreJob) for restore jobs, C(backup:ListCopyJobs) and
    C(backup:DescribeCopyJob) for copy jobs. Without the List permission every job is described on its own (one call
    per job a round) and the module warns."
seealso:
  - module: recovery.aws_backup.backup_restore_jobs
  - module: recovery.aws_backup.backup_copy_jobs
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - recovery.aws_backup.requirements
"""

EXAMPLES = r"""
- name: Start two restores without waiting
  recovery.aws_backup.backup_restore_jobs:
    restores:
      - name: web
        recovery_point_arn: "{{ web_point }}"
        backup_vault_name: prod-vault
        metadata_source: recovery_point
      - name: db
        recovery_point_arn: "{{ db_point }}"
        backup_vault_name: prod-vault
        metadata_source: recovery_point
  register: started

- name: Wait for both together, up to an hour
  recovery.aws_backup.backup_job_status:
    restore_jobs:
      - name: web
        restore_job_id: "{{ started.restore_jobs[0].restore_job.restore_job_id }}"
      - name: db
        restore_job_id: "{{ started.restore_jobs[1].restore_job.restore_job_id }}"
    wait: true
    wait_timeout: 3600
  register: restores

- name: Wait for copies made in two source Regions, showing progress every minute
  recovery.aws_backup.backup_job_status:
    copy_jobs:
      - name: web
        copy_job_id: "{{ web_copy_job_id }}"
        region: eu-west-1
      - name: db
        copy_job_id: "{{ db_copy_job_id }}"
        region: eu-central-1
    wait: true
    progress_interval: 60
  register: copies

- name: Fail unless every restore completed
  ansible.builtin.assert:
    that: restores.restore_jobs | rejectattr('status', 'eq', 'COMPLETED') | list | length == 0
"""

RETURN = r"""
restore_jobs:
  description: One entry per restore job, in the order given, each as AWS gives it (snake_case) with the caller's
    RV(restore_jobs[].name) and RV(restore_jobs[].ended).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The caller's name for the job (its id with O(restore_job_ids)).
      type: str
      returned: always
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
      description: Whether the job has ended (C(COMPLETED), C(FAILED) or C(ABORTED)), or could not be read.
      type: bool
      returned: always
    error:
      description: Why the job could not be read (for example AWS does not know it); it is then not polled again.
      type: str
      returned: when AWS refused to describe it
copy_jobs:
  description: One entry per copy job, in the order given, each as AWS gives it (snake_case; the fields of
    RV(recovery.aws_backup.backup_copy_job#module:copy_job) such as C(copy_job_id), C(state) and
    C(destination_recovery_point_arn), C(status_message), C(creation_date), C(completion_date)...)
    with the caller's RV(copy_jobs[].name), its RV(copy_jobs[].region) and RV(copy_jobs[].ended).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The caller's name for the job.
      type: str
      returned: always
    region:
      description: The Region the job was read in (its source Region).
      type: str
      returned: always
    ended:
      description: Whether the job has ended (C(COMPLETED), C(FAILED) or C(PARTIAL)), or could not be read.
      type: bool
      returned: always
    error:
      description: Why the job could not be read; it is then not polled again.
      type: str
      returned: when AWS refused to describe it
all_ended:
  description: Whether every job has ended.
  returned: always
  type: bool
running:
  description: The names of the jobs that have not ended yet (each name once).
  returned: always
  type: list
  elements: str
observed_at:
  description: When the jobs were last read, in seconds since the epoch by the module's clock. A job's RV(restore_jobs[].ended)
    was seen at this time at the latest.
  returned: always
  type: float
"""

from ansible_collections.recovery.aws_backup.plugins.module_utils.secret_params import BackupModule

from ansible_collections.recovery.aws_backup.plugins.module_utils.job_status import run_module
from ansible_collections.recovery.aws_backup.plugins.module_utils.job_wait import WAIT_CLIENT_CONFIG
from ansible_collections.recovery.aws_backup.plugins.module_utils.results import snake_job

try:
    from botocore.config import Config
except ImportError:
    pass  # handled by AnsibleAWSModule

ARGUMENT_SPEC = dict(
    restore_jobs=dict(
        type="list", elements="dict",
        options=dict(name=dict(type="str", required=True), restore_job_id=dict(type="str", required=True)),
    ),
    copy_jobs=dict(
        type="list", elements="dict",
        options=dict(name=dict(type="str", required=True), copy_job_id=dict(type="str", required=True), region=dict(type="str")),
    ),
    restore_job_ids=dict(type="list", elements="str"),
    wait=dict(type="bool", default=False),
    wait_timeout=dict(type="int", default=3600),
    progress_interval=dict(type="int"),
)  # fmt: skip


def main() -> None:
    module = BackupModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)

    def client_for(region):
        # The wait loop retries on its own schedule, bounded by wait_timeout: few attempts per call.
        extra = {"region": region} if region else {}
        return module.client("backup", config=Config(**WAIT_CLIENT_CONFIG), **extra)

    run_module(module, client_for, snake_job)


if __name__ == "__main__":
    main()
