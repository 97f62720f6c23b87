#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: backup_copy_jobs
short_description: Start several AWS Backup copy jobs in one task, idempotently, without waiting
version_added: 0.3.0
description:
  - Starts one AWS Backup copy job (StartCopyJob) per element of O(copies), each in its own source Region, and returns
    at once. Wait for them with M(recovery.aws_backup.backup_job_status) (its O(recovery.aws_backup.backup_job_status#module:copy_jobs)
    option), which reads all of them in one call a round.
  - Each copy is what M(recovery.aws_backup.backup_copy_job) with C(wait=false) does. An equal copy job (same recovery
    point into the same vault, same O(copies[].lifecycle) when given) that is C(CREATED), C(RUNNING) or C(COMPLETED)
    (its copy still in the destination vault) is reused, and its entry is not RV(copy_jobs[].changed); after an equal
    one C(FAILED) or ended C(PARTIAL), a new one is started. Concurrent runs start one job (an C(IdempotencyToken)
    derived from the request).
  - A copy can name its recovery point by O(copies[].resource_arn), and the newest C(COMPLETED) recovery point of that
    resource in O(copies[].source_backup_vault_name) is copied (one listing per resource and vault). The destination
    vault can be named by O(copies[].destination_backup_vault_name), a vault of the task's Region and account, whose
    ARN is looked up once per vault.
  - Every element is checked before any AWS call; one bad element fails the task naming C(copies[i] (name)) and the
    option, and nothing is started. A copy that fails at AWS does not stop the others; the task then fails naming each
    failed copy, with every entry in RV(copy_jobs).
  - Supports check mode (nothing is started; each request that would be sent is returned).
author:
  - recovery.aws_backup maintainers (@recovery-aws-backup)
options:
  copies:
    description:
      - The copies to start, each with the caller's name for it.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description:
          - The caller's name for the copy (a drill target's name, for example), unique in the list. Returned on its
            entry.
        type: str
        required: true
      region:
        description:
          - The source Region, where the recovery point is and where StartCopyJob is called (copy jobs live there).
            The task's Region when not given.
        type: str
      source_backup_vault_name:
        description:
          - The vault holding the recovery point, in O(copies[].region).
        type: str
        required: true
      recovery_point_arn:
        description:
          - The recovery point to copy. Exactly one of O(copies[].recovery_point_arn) and O(copies[].resource_arn).
        type: str
      resource_arn:
        description:
          - The protected resource whose newest C(COMPLETED) recovery point in O(copies[].source_backup_vault_name) is
            copied.
        type: str
      destination_backup_vault_name:
        description:
          - The vault to copy into, in the task's Region and account (its ARN is looked up with DescribeBackupVault).
            Exactly one of O(copies[].destination_backup_vault_name) and O(copies[].destination_backup_vault_arn).
        type: str
      destination_backup_vault_arn:
        description:
          - The ARN of the vault to copy into, C(arn:aws:backup:REGION:ACCOUNT:backup-vault:NAME), any Region and
            account of the same partition.
        type: str
      lifecycle:
        description:
          - How long the copy is kept, as O(recovery.aws_backup.backup_copy_job#module:lifecycle). Without it the copy
            keeps the source recovery point's retention.
        type: dict
        suboptions:
          move_to_cold_storage_after_days:
            description: Days after the source's creation before the copy moves to cold storage.
            type: int
          delete_after_days:
            description: Days after the source's creation before the copy is deleted.
            type: int
          opt_in_to_archive_for_supported_resources:
            description: Whether the copy moves to archive (cold) storage for resource types that support it.
            type: bool
  iam_role_arn:
    description:
      - The IAM role AWS Backup uses for every copy.
    type: str
    required: true
notes:
  - "AWS permissions: C(backup:ListCopyJobs), C(backup:DescribeCopyJob), C(backup:StartCopyJob),
    C(backup:DescribeRecoveryPoint) (to check that a reused copy is still there), C(backup:DescribeBackupVault) (with
    O(copies[].destination_backup_vault_name)), C(backup:ListRecoveryPointsByBackupVault) (with
    O(copies[].resource_arn)), C(iam:PassRole) on O(iam_role_arn)."
seealso:
  - module: recovery.aws_backup.backup_copy_job
  - module: recovery.aws_backup.backup_job_status
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - recovery.aws_backup.requirements
"""

EXAMPLES = r"""
- name: Copy the newest backups of two file systems from eu-west-1 into this Region's DR vault
  recovery.aws_backup.backup_copy_jobs:
    region: eu-central-1
    iam_role_arn: arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole
    copies:
      - name: web
        region: eu-west-1
        source_backup_vault_name: prod-vault
        resource_arn: arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-0123456789abcdef0
        destination_backup_vault_name: dr-vault
      - name: shared
        region: eu-west-1
        source_backup_vault_name: prod-vault
        resource_arn: arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-0fedcba9876543210
        destination_backup_vault_name: dr-vault
  register: copies

- name: Wait for both copies, read in their source Region
  recovery.aws_backup.backup_job_status:
    region: eu-central-1
    copy_jobs:
      - name: web
        copy_job_id: "{{ copies.copy_jobs[0].copy_job.copy_job_id }}"
        region: eu-west-1
      - name: shared
        copy_job_id: "{{ copies.copy_jobs[1].copy_job.copy_job_id }}"
        region: eu-west-1
    wait: true
    wait_timeout: 7200
"""

RETURN = r"""
copy_jobs:
  description: One entry per element of O(copies), in their order.
  returned: always, unless an element was refused before any AWS call
  type: list
  elements: dict
  contains:
    name:
      description: The caller's name for the copy.
      type: str
    region:
      description: The source Region, where the copy job lives (give it to M(recovery.aws_backup.backup_job_status)).
      type: str
    changed:
      description: Whether a copy job was started (or would be, in check mode).
      type: bool
    owned:
      description: Whether this call started the job (false when an equal job was reused, and in check mode).
      type: bool
    failed:
      description: Whether this copy failed (RV(copy_jobs[].msg) says why); the others went on.
      type: bool
    msg:
      description: Why the copy failed.
      type: str
      returned: when failed
    copy_job:
      description:
        - The copy job started (DescribeCopyJob) or reused (its ListCopyJobs entry), snake_case, as
          M(recovery.aws_backup.backup_copy_job) returns it (C(copy_job_id), C(state), C(creation_date), ...). Empty
          in check mode when a job would be started, and when the copy failed.
      type: dict
    copy_request:
      description: The StartCopyJob request sent, that would be sent, or (reused) that was not sent.
      type: dict
      returned: unless failed
    recovery_point:
      description: The recovery point found for O(copies[].resource_arn) (ListRecoveryPointsByBackupVault, snake_case).
      type: dict
      returned: with resource_arn, when found
    notes:
      description: Why an equal job was not reused.
      type: list
      elements: str
      returned: when there is something to say
"""

from ansible_collections.recovery.aws_backup.plugins.module_utils.secret_params import BackupModule

from ansible_collections.recovery.aws_backup.plugins.module_utils.copy_job import LIFECYCLE_OPTIONS
from ansible_collections.recovery.aws_backup.plugins.module_utils.copy_job import run_copies_module

ARGUMENT_SPEC = dict(
    copies=dict(
        type="list",
        elements="dict",
        required=True,
        options=dict(
            name=dict(type="str", required=True),
            region=dict(type="str"),
            source_backup_vault_name=dict(type="str", required=True),
            recovery_point_arn=dict(type="str"),
            resource_arn=dict(type="str"),
            destination_backup_vault_name=dict(type="str"),
            destination_backup_vault_arn=dict(type="str"),
            lifecycle=dict(type="dict", options=LIFECYCLE_OPTIONS),
        ),
    ),
    iam_role_arn=dict(type="str", required=True),
)


def main() -> None:
    module = BackupModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    run_copies_module(module)


if __name__ == "__main__":
    main()
