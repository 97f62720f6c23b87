#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: backup_copy_job
short_description: Copy an AWS Backup recovery point to another vault, Region or account, idempotently
version_added: 0.2.0
description:
  - Starts an AWS Backup copy job (StartCopyJob) of a recovery point into a backup vault in any Region or account
    and, by default, waits until it ends. This is how a recovery point reaches a disaster recovery Region or an
    isolated recovery account, where M(recovery.aws_backup.backup_restore_job) can then restore it.
  - The copy job runs in the account and Region of the source vault (the module's O(region) and credentials). The
    copied recovery point appears in the destination vault; for EFS it is an AWS Backup recovery point of the
    destination Region, for RDS and Aurora a snapshot of the destination Region
    (RV(copy_job.destination_recovery_point_arn)).
  - The copy keeps the source's creation date and, unless O(lifecycle) is given, its retention. Its C(resource_arn)
    is the source resource's, so M(recovery.aws_backup.backup_recovery_point_info) and
    M(recovery.aws_backup.backup_restore_job) find it in the destination vault with the source resource's ARN.
  - Idempotent. If a copy job of the same recovery point into the same vault (with the same O(lifecycle), when one is
    given) is C(CREATED), C(RUNNING) or C(COMPLETED), no job is started, C(changed) is false and that job is
    returned. A C(COMPLETED) one is reused while its copied recovery point is still in the destination vault
    (the module looks with DescribeRecoveryPoint; where it cannot look, in another account, it reuses the job and
    warns). After an equal job C(FAILED) (or ended C(PARTIAL)), a re-run starts a new one.
  - Two runs of the same task at the same moment start one job, because the module sends an C(IdempotencyToken)
    derived from the request and from the equal jobs that failed.
  - Supports check mode (nothing is started; the request that would be sent is returned) and diff mode.
  - Cross-account copies need what AWS requires of them, which the module does not set up; both accounts in one
    AWS Organizations organization with cross-account backup turned on, and the destination vault's access policy
    allowing C(backup:CopyIntoBackupVault) to the source account. Without them the copy job fails, and the task
    fails with AWS's message.
author:
  - recovery.aws_backup maintainers (@recovery-aws-backup)
options:
  recovery_point_arn:
    description:
      - The ARN of the recovery point to copy, for example
        C(arn:aws:backup:us-east-1:123456789012:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45) (EFS) or
        C(arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-1234) (RDS).
    type: str
    required: true
  source_backup_vault_name:
    description:
      - The vault holding O(recovery_point_arn), in the module's Region and account.
      - 2 to 50 letters, digits, hyphens and underscores, or an AWS-managed vault such as
        V(aws/efs/automatic-backup-vault).
    type: str
    required: true
  destination_backup_vault_arn:
    description:
      - The ARN of the vault to copy into, C(arn:aws:backup:REGION:ACCOUNT:backup-vault:NAME). Any Region and
        account of the same partition, this one included.
    type: str
    required: true
  iam_role_arn:
    description:
      - The IAM role AWS Backup uses to copy, for example
        C(arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole).
    type: str
    required: true
  lifecycle:
    description:
      - How long the copy is kept. Without it the copy keeps the source recovery point's retention.
      - Also part of what makes an earlier copy equal to this request.
    type: dict
    suboptions:
      move_to_cold_storage_after_days:
        description:
          - Days after the source's creation before the copy moves to cold storage.
        type: int
      delete_after_days:
        description:
          - Days after the source's creation before the copy is deleted. At least 90 more than
            O(lifecycle.move_to_cold_storage_after_days) when both are given.
        type: int
      opt_in_to_archive_for_supported_resources:
        description:
          - Whether the copy moves to archive (cold) storage for resource types that support it.
        type: bool
  wait:
    description:
      - Wait until the copy job ends. It fails the task when the job ends C(FAILED) or C(PARTIAL), with AWS's status
        message.
      - Without waiting, RV(copy_job) is the job as it was just after it started.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait at most, throttling and lost connections included (they are ridden out until then).
      - When it runs out the task fails and the copy job keeps running; re-running the task resumes waiting for it.
    type: int
    default: 3600
notes:
  - "AWS permissions: C(backup:ListCopyJobs), C(backup:DescribeCopyJob), C(backup:StartCopyJob),
    C(backup:DescribeRecoveryPoint) (to check that a reused copy is still there), C(iam:PassRole) on O(iam_role_arn);
    for the copy itself, what AWS Backup's copy documentation requires (C(backup:CopyIntoBackupVault) on the
    destination vault, KMS keys shared across accounts)."
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - recovery.aws_backup.requirements
"""

EXAMPLES = r"""
- name: Copy the newest EFS backup into the disaster recovery Region
  recovery.aws_backup.backup_copy_job:
    region: eu-west-1
    recovery_point_arn: "{{ newest.recovery_points[0].recovery_point_arn }}"
    source_backup_vault_name: prod-vault
    destination_backup_vault_arn: arn:aws:backup:eu-central-1:123456789012:backup-vault:dr-vault
    iam_role_arn: arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole
    wait_timeout: 7200
  register: copy

- name: Restore the copy in the disaster recovery Region
  recovery.aws_backup.backup_restore_job:
    region: eu-central-1
    recovery_point_arn: "{{ copy.copy_job.destination_recovery_point_arn }}"
    backup_vault_name: dr-vault
    iam_role_arn: arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole
    metadata_source: inferred
    metadata:
      CreationToken: dr-drill

- name: Copy into an isolated recovery account, kept for 35 days
  recovery.aws_backup.backup_copy_job:
    recovery_point_arn: "{{ recovery_point_arn }}"
    source_backup_vault_name: prod-vault
    destination_backup_vault_arn: arn:aws:backup:eu-west-1:210987654321:backup-vault:recovery-vault
    iam_role_arn: arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole
    lifecycle:
      delete_after_days: 35

- name: Start a copy and come back for it later
  recovery.aws_backup.backup_copy_job:
    recovery_point_arn: "{{ recovery_point_arn }}"
    source_backup_vault_name: prod-vault
    destination_backup_vault_arn: "{{ dr_vault_arn }}"
    iam_role_arn: "{{ backup_role_arn }}"
    wait: false
"""

RETURN = r"""
copy_job:
  description:
    - The copy job started, or the equal one reused (DescribeCopyJob / ListCopyJobs fields in snake_case, dates as
      ISO 8601). Empty in check mode when a job would be started.
    - After waiting, the job as it ended. When the task fails because the job failed or the wait timed out, the job
      as last seen.
  returned: always
  type: dict
  contains:
    copy_job_id:
      description: The copy job's id.
      type: str
      sample: 8CA3A4B1-4B6E-4F79-9D1C-2E0A1B2C3D4E
    state:
      description: C(CREATED), C(RUNNING), C(COMPLETED), C(FAILED) or C(PARTIAL).
      type: str
      sample: COMPLETED
    status_message:
      description: AWS's message about the job, for example why it failed.
      type: str
      returned: when AWS gives one
    source_recovery_point_arn:
      description: The recovery point copied.
      type: str
    source_backup_vault_arn:
      description: The vault it was copied from.
      type: str
    destination_backup_vault_arn:
      description: The vault it was copied into.
      type: str
    destination_recovery_point_arn:
      description:
        - The copied recovery point, in the destination's Region and account. An C(arn:aws:backup:...:recovery-point:...)
          for EFS, an RDS snapshot or cluster snapshot of the destination Region for RDS and Aurora.
      type: str
      returned: when the job is COMPLETED
      sample: arn:aws:backup:eu-central-1:123456789012:recovery-point:C6164D9A-7F05-492D-B970-BB1FB08AAA03
    destination_recovery_point_lifecycle:
      description: The copy's lifecycle, when one was asked for.
      type: dict
      returned: when set
    resource_arn:
      description: The resource whose backup was copied.
      type: str
    resource_type:
      description: Its AWS Backup resource type, for example C(EFS), C(RDS), C(Aurora).
      type: str
    creation_date:
      description: When the copy job was created (ISO 8601).
      type: str
    completion_date:
      description: When it ended (ISO 8601).
      type: str
      returned: when the job ended
    iam_role_arn:
      description: The role used.
      type: str
    backup_size_in_bytes:
      description: The size of the copy.
      type: int
    account_id:
      description: The account that owns the copy job (the source's).
      type: str
copy_request:
  description:
    - The StartCopyJob request sent or that would be sent (snake_case). When an equal job was reused, the request that
      was not sent.
  returned: always
  type: dict
  contains:
    recovery_point_arn:
      description: The recovery point copied, O(recovery_point_arn).
      type: str
    source_backup_vault_name:
      description: Its vault.
      type: str
    destination_backup_vault_arn:
      description: The destination vault.
      type: str
    iam_role_arn:
      description: The role.
      type: str
    lifecycle:
      description: The lifecycle (move_to_cold_storage_after_days, delete_after_days, ...).
      type: dict
      returned: when given
    idempotency_token:
      description: The IdempotencyToken, derived from the request.
      type: str
      returned: when a job would be started
copy_duration_seconds:
  description: How long the copy took (completion_date - creation_date), for a drill's report.
  returned: when the copy job is COMPLETED
  type: float
  sample: 812.5
notes:
  description: Why an equal job was not reused.
  returned: when there is something to say
  type: list
  elements: str
"""

from ansible_collections.recovery.aws_backup.plugins.module_utils.secret_params import BackupModule

from ansible_collections.recovery.aws_backup.plugins.module_utils.copy_job import LIFECYCLE_OPTIONS
from ansible_collections.recovery.aws_backup.plugins.module_utils.copy_job import run_module

ARGUMENT_SPEC = dict(
    recovery_point_arn=dict(type="str", required=True),
    source_backup_vault_name=dict(type="str", required=True),
    destination_backup_vault_arn=dict(type="str", required=True),
    iam_role_arn=dict(type="str", required=True),
    lifecycle=dict(type="dict", options=LIFECYCLE_OPTIONS),
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=3600),
)


def main() -> None:
    module = BackupModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    run_module(module)


if __name__ == "__main__":
    main()
