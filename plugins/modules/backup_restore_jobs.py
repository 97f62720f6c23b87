#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: backup_restore_jobs
short_description: Start several AWS Backup restore jobs in one call
version_added: 0.2.0
description:
  - Starts one AWS Backup restore job (StartRestoreJob) per element of O(restores), in one task and one module
    process, as M(recovery.aws_backup.backup_restore_job) with I(wait=false) starts one. A drill of many
    targets costs one task instead of a loop of one task per target.
  - Each restore behaves as M(recovery.aws_backup.backup_restore_job) does, with the same options, from the same
    code. It is idempotent - an equal restore job that is C(PENDING), C(RUNNING) or C(COMPLETED) (and whose
    restored resource still exists) is returned instead of starting one, and that restore is not C(changed).
    It sends an C(IdempotencyToken) derived from the request, so concurrent runs start one job. It derives an EFS
    C(CreationToken) when needed. It costs the same AWS calls as that module.
  - No restore job is waited for. Each job is described once after it starts (or as found). To wait for one, run
    M(recovery.aws_backup.backup_restore_job) with I(wait=true) and the same options as its element; it finds the
    job already started.
  - Every element is checked before any AWS call (its options as M(recovery.aws_backup.backup_restore_job)
    checks them, which options go together, and that names are unique). When one is wrong, the task fails naming
    the element (C(restores[INDEX]) and its name in parentheses) and the option, for every wrong element at once,
    no job is started, and RV(restore_jobs) is not returned.
  - Once the restores start, one that fails on AWS (a recovery point that does not exist, a refused request)
    does not stop the others. The task then fails with a message naming each failed restore and why, and still
    returns RV(restore_jobs), with the jobs that did start.
  - Supports check mode (nothing is started; each entry shows the request that would be sent) and diff mode (one
    diff per restore, headed by its C(restores[INDEX]) and name).
  - Restore metadata is sensitive. Values of keys naming credentials in any element's O(restores[].metadata),
    and every value of O(restores[].secret_metadata), are masked in results, diffs, warnings and messages, in
    C(invocation) (also when argument validation fails) and in the line the module logs to the system log, as
    M(recovery.aws_backup.backup_restore_job) describes.
author:
  - recovery.aws_backup maintainers (@recovery-aws-backup)
options:
  restores:
    description:
      - The restores to start, in this order. RV(restore_jobs) has one entry per element, in the same order.
      - Each element takes the options of one restore, as M(recovery.aws_backup.backup_restore_job) does, and a
        O(restores[].name).
      - An option given as V(null) counts as not given.
    type: list
    elements: dict
    required: true
  iam_role_arn:
    description:
      - The ARN of the IAM role AWS Backup uses to create the restored resources, for every restore, for example
        C(arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole).
    type: str
notes:
  - Needs the permissions M(recovery.aws_backup.backup_restore_job) needs for each restore, without those of
    waiting and of its O(recovery.aws_backup.backup_restore_job#module:run_id).
  - Throttling and transient AWS errors are retried with jittered backoff, for each call.
  - The restores start one after another, over one AWS client per service.
seealso:
  - module: recovery.aws_backup.backup_restore_job
    description: One restore, optionally waited for and marked as a run's.
extends_documentation_fragment:
  - recovery.aws_backup.restore.restores
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - recovery.aws_backup.requirements
"""

EXAMPLES = r"""
- name: Start the restores of a drill in one task
  recovery.aws_backup.backup_restore_jobs:
    iam_role_arn: arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole
    restores:
      - name: app-data
        resource_arn: arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0123456789abcdef0
        backup_vault_name: prod-vault
        metadata_source: recovery_point
        metadata:
          newFileSystem: true
          Encrypted: true
      - name: orders-db
        resource_arn: arn:aws:rds:us-east-1:123456789012:db:orders
        backup_vault_name: prod-vault
        metadata_source: inferred
        metadata:
          DBInstanceIdentifier: orders-drill
        secret_metadata:
          MasterUserPassword: "{{ vault_orders_password }}"
  register: started

- name: Say which job restores what
  ansible.builtin.debug:
    msg: "{{ item.name }}: {{ item.restore_job.restore_job_id }} ({{ item.restore_job.status }})"
  loop: "{{ started.restore_jobs }}"
  loop_control:
    label: "{{ item.name }}"

- name: Start what can start; fail here only when an element is wrong (then nothing starts)
  recovery.aws_backup.backup_restore_jobs:
    restores: "{{ targets }}"
    iam_role_arn: "{{ backup_role_arn }}"
  register: started
  failed_when: started.restore_jobs is not defined

- name: The restores that failed, with AWS's reason
  ansible.builtin.debug:
    msg: "{{ started.restore_jobs | selectattr('failed') | map(attribute='msg') | list }}"
  when: started.restore_jobs | selectattr('failed') | list

"""

RETURN = r"""
restore_jobs:
  description:
    - One entry per element of O(restores), in its order, also when the task fails because some restores failed.
  returned: when the restores ran, also when some failed; not when an element was wrong (nothing was started)
  type: list
  elements: dict
  contains:
    name:
      description: The element's O(restores[].name).
      type: str
      returned: always
      sample: app-data
    changed:
      description: Whether a restore job was started (or, in check mode, would be) for this element.
      type: bool
      returned: always
    failed:
      description: Whether this restore failed; RV(restore_jobs[].msg) says why.
      type: bool
      returned: always
    msg:
      description: Why this restore failed, for example AWS's error.
      type: str
      returned: when RV(restore_jobs[].failed) is true
      sample: "Failed starting the restore job (AWS refused it: the task's credentials lack the IAM permission
        backup:StartRestoreJob): An error occurred (AccessDeniedException) ..."
    restore_job:
      description:
        - The restore job started or found (DescribeRestoreJob, snake_case), with the fields of
          RV(recovery.aws_backup.backup_restore_job#module:restore_job) as that module returns it with I(wait=false).
          Empty when the restore failed and, in check mode, when a job would be started.
      type: dict
      returned: always
      sample: {"restore_job_id": "9B0A3F9C-E1A3-4A6E-8E8C-8AEE4E1D1F2B", "status": "RUNNING", "percent_done": "0.00%"}
    restore_metadata:
      description:
        - The metadata sent (or, in check mode, that would be sent), as AWS takes it, with sensitive values masked.
          Empty when the restore failed.
      type: dict
      returned: always
      sample: {"file-system-id": "fs-0123456789abcdef0", "newFileSystem": "true", "Encrypted": "true"}
    restore_request:
      description:
        - The StartRestoreJob request sent or that would be sent (snake_case, sensitive metadata values masked); when
          an equal job was found, the request that was not sent. As in M(recovery.aws_backup.backup_restore_job).
      type: dict
      returned: when the restore did not fail
    recovery_point:
      description:
        - The recovery point chosen for O(restores[].resource_arn), with C(age_seconds), how old its data is, as
          M(recovery.aws_backup.backup_restore_job) returns it.
      type: dict
      returned: when O(restores[].resource_arn) is given and the restore did not fail
    notes:
      description:
        - Metadata keys of the O(restores[].metadata_source) left out, and why an equal C(COMPLETED) job was not
          reused (its restored resource no longer exists).
      type: list
      elements: str
      returned: when there are any
"""

from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_module import restore_options
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_module import restores_secrets
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_module import run_restores_module
from ansible_collections.recovery.aws_backup.plugins.module_utils.secret_params import aws_module_hiding_secrets

# Each element takes backup_restore_job's options of one restore (restore_module), and a name.
ARGUMENT_SPEC = dict(
    restores=dict(
        type="list",
        elements="dict",
        required=True,
        options=dict(name=dict(type="str", required=True), **restore_options()),
    ),
    iam_role_arn=dict(type="str"),
)


def main() -> None:
    module = aws_module_hiding_secrets(restores_secrets, argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    run_restores_module(module)


if __name__ == "__main__":
    main()
