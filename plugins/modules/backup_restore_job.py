#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: backup_restore_job
short_description: Restore an AWS Backup recovery point, idempotently
version_added: 0.1.0
description:
  - Starts an AWS Backup restore job (StartRestoreJob) for a recovery point and, by
    default, waits until it ends.
  - Idempotent. If a restore job of the same recovery point with the same I(resource_type) and
    I(metadata) is C(PENDING), C(RUNNING) or C(COMPLETED), no job is started, C(changed) is
    false and that job is returned. After such a job C(FAILED) or was C(ABORTED), the task starts
    a new one.
  - A C(COMPLETED) equal job is reused only while the resource it created exists. For EFS file
    systems, RDS DB instances and Aurora DB clusters the module looks (DescribeFileSystems,
    DescribeDBInstances, DescribeDBClusters); when that resource is gone, a new restore job is
    started and RV(notes) says why. Where it cannot look (another resource type, no permission)
    it reuses the job and warns that it could not check.
  - Two runs of the same task at the same moment start one job, because the module sends
    an C(IdempotencyToken) derived from the request when I(idempotency_token) is not given.
  - Supports check mode (nothing is started; the request that would be sent is returned) and
    diff mode.
  - Restore metadata is sensitive. Values of keys naming credentials (containing
    C(password), C(passwd), C(pwd), C(passphrase), C(secret), C(token), C(credential),
    C(privatekey), C(apikey) or C(accesskey), or ending in C(key), compared case-insensitively and
    ignoring C(-), C(_) and C(.)) are masked in results, diffs, warnings and messages, in
    C(invocation) (also when argument validation fails) and in the line the module logs to the
    system log. EFS's C(CreationToken) and C(IdempotencyToken) are idempotency values, not
    credentials, and are not masked. For a secret under any other key, use O(secret_metadata).
author:
  - recovery.aws_backup maintainers (@recovery-aws-backup)
options:
  run_id:
    description:
      - Mark the restored resource as created by this run. When the job is C(COMPLETED), the
        resource it created (EFS file system, RDS DB instance, Aurora DB cluster) is tagged with
        C(recovery.aws_backup:run-id) set to this value and C(recovery.aws_backup:restore-job-id) set
        to the job id, before the task returns. The C(restore) role deletes only resources carrying
        its run's mark.
      - A job restored in place (EFS C(newFileSystem=false)) names the source as its created
        resource; that is never marked.
      - Needs O(wait=true).
    type: str
    version_added: 0.2.0
  iam_role_arn:
    description:
      - The ARN of the IAM role AWS Backup uses to create the restored resource, for example
        C(arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole).
    type: str
  wait:
    description:
      - Wait until the job is C(COMPLETED). The task fails when the job ends C(FAILED) or
        C(ABORTED), with AWS's status message and the job id.
      - Polls DescribeRestoreJob so that completion is noticed at most 5 seconds, or 5 % of the time waited
        (counted from the job's creation), after it happens. While AWS's estimates (C(ExpectedCompletionTimeMinutes),
        the progress of C(PercentDone)) say the job is far from done, it polls about every 15 seconds rather than
        every 5, and once just after the estimated completion; a job that ends well before AWS estimated is
        noticed at most 15 seconds late.
      - Throttling, AWS outages and lost connections while waiting are retried until O(wait_timeout)
        runs out; they never end the wait early nor stretch it.
      - In check mode nothing is waited for; an equal job is returned as it is.
      - With I(wait=false) the task returns once the job is started (or found); re-run it with
        I(wait=true) to wait for that same job.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait with I(wait=true), retries included. When they run out the task
        fails with the job id, its last known status and percent done; the job keeps running, and
        re-running the task waits for the same job.
    type: int
    default: 3600
notes:
  - Needs C(backup:ListRestoreJobsByProtectedResource), C(backup:ListRestoreJobs), C(backup:GetRestoreJobMetadata),
    C(backup:DescribeRestoreJob), C(backup:StartRestoreJob) and C(iam:PassRole) on I(iam_role_arn); with
    O(recovery_point_arn), C(backup:DescribeRecoveryPoint) (without it the module warns and lists every restore job),
    and C(backup:ListBackupVaults) without O(backup_vault_name) or when a vault is refused (AWS answers a vault that
    does not exist with AccessDeniedException, so the module lists the vaults to say which it is);
    with O(resource_arn) and O(backup_vault_name), C(backup:ListRecoveryPointsByBackupVault); with O(resource_arn)
    alone, C(backup:ListRecoveryPointsByResource), and C(backup:ListRecoveryPointsByBackupVault) too when neither the
    ARN nor O(resource_type) tells the resource type; to check that a reused job's
    resource exists, C(elasticfilesystem:DescribeFileSystems), C(rds:DescribeDBInstances) or
    C(rds:DescribeDBClusters); with O(run_id), C(elasticfilesystem:TagResource) or
    C(rds:AddTagsToResource).
  - Throttling and transient AWS errors are retried with jittered backoff.
extends_documentation_fragment:
  - recovery.aws_backup.restore
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - recovery.aws_backup.requirements
"""

EXAMPLES = r"""
- name: Restore an EFS recovery point to a new encrypted file system and wait for it
  recovery.aws_backup.backup_restore_job:
    recovery_point_arn: arn:aws:backup:us-east-1:123456789012:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45
    backup_vault_name: prod-vault
    resource_type: EFS
    iam_role_arn: arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole
    metadata:
      file-system-id: fs-0123456789abcdef0
      newFileSystem: true
      Encrypted: true
      KmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
      PerformanceMode: generalPurpose
      CreationToken: drill-2024-06
    wait: true
    wait_timeout: 7200
  register: restore

- name: Show the restored file system
  ansible.builtin.debug:
    msg: "{{ restore.restore_job.created_resource_arn }}"

- name: Restore two directories only (EFS item-level restore)
  recovery.aws_backup.backup_restore_job:
    recovery_point_arn: "{{ recovery_point_arn }}"
    backup_vault_name: prod-vault
    resource_type: EFS
    iam_role_arn: "{{ backup_role_arn }}"
    metadata:
      file-system-id: fs-0123456789abcdef0
      newFileSystem: true
      ItemsToRestore:
        - /data/reports
        - /home/alice
    wait: false

- name: Start an RDS restore without waiting, then wait for it in a later task
  recovery.aws_backup.backup_restore_job:
    recovery_point_arn: arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-1234abcd
    backup_vault_name: prod-vault
    resource_type: RDS
    iam_role_arn: "{{ backup_role_arn }}"
    metadata:
      DBInstanceIdentifier: prod-db-restored
      DBInstanceClass: db.t3.micro
    wait: false
  register: rds_restore

- name: Wait for it (re-running the task above with wait=true would wait for the same job too)
  recovery.aws_backup.backup_job_status:
    restore_jobs:
      - name: prod-db-restored
        restore_job_id: "{{ rds_restore.restore_job.restore_job_id }}"
    wait: true
    wait_timeout: 7200

- name: Restore file system X as it was just before the incident, to a new encrypted file system
  recovery.aws_backup.backup_restore_job:
    resource_arn: arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0123456789abcdef0
    backup_vault_name: prod-vault
    latest_before: "2026-11-25T02:40:00Z"
    metadata_source: recovery_point
    iam_role_arn: "{{ backup_role_arn }}"
    metadata:
      newFileSystem: true
      Encrypted: true
      CreationToken: app-data-before-incident
  register: restore

- name: Say which backup was restored and how old its data is
  ansible.builtin.debug:
    msg: "{{ restore.recovery_point.recovery_point_arn }}, {{ restore.recovery_point.age_seconds }} s old"

- name: Restore an RDS instance under a new name with AWS's defaults for a restore test
  recovery.aws_backup.backup_restore_job:
    resource_arn: arn:aws:rds:us-east-1:123456789012:db:orders
    metadata_source: inferred
    metadata:
      DBInstanceIdentifier: orders-drill

- name: Against an AWS-compatible endpoint, e.g. the emulator in this collection's tests
  module_defaults:
    group/recovery.aws_backup.aws:
      endpoint_url: http://127.0.0.1:5123
      region: us-east-1
  block:
    - name: Restore
      recovery.aws_backup.backup_restore_job:
        recovery_point_arn: "{{ recovery_point_arn }}"
        backup_vault_name: "{{ backup_vault_name }}"
        resource_type: EFS
        metadata:
          file-system-id: "{{ file_system_id }}"
          newFileSystem: true
        wait: true
"""

RETURN = r"""
recovery_point:
  description:
    - The recovery point chosen for O(resource_arn) (as M(recovery.aws_backup.backup_recovery_point_info)
      returns points), with C(age_seconds), how old its data is.
    - Without O(backup_vault_name), when the resource type is known from the resource's ARN or O(resource_type),
      the fields ListRecoveryPointsByResource gives (such as C(recovery_point_arn), C(backup_vault_name),
      C(creation_date), C(status)) with C(resource_arn) and C(resource_type), without the others.
  returned: when O(resource_arn) is given
  type: dict
  sample:
    recovery_point_arn: arn:aws:backup:us-east-1:123456789012:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45
    backup_vault_name: prod-vault
    resource_type: EFS
    creation_date: "2026-11-25T02:00:12+00:00"
    age_seconds: 4023
marked_resource:
  description: The restored resource tagged as created by O(run_id).
  returned: when O(run_id) is given and the job COMPLETED with a new resource
  type: dict
  sample: {"arn": "arn:aws:rds:us-east-1:123456789012:db:orders-drill", "tags": {"recovery.aws_backup:run-id": "20261125T020000Z-1a2b3c4d"}}
notes:
  description:
    - Metadata keys of the O(metadata_source) left out because StartRestoreJob does not take them for the resource type.
    - Why an equal C(COMPLETED) job was not reused (its restored resource no longer exists).
    - The vault found to hold O(recovery_point_arn) when O(backup_vault_name) was not given, and how many vaults were
      read to find it.
    - O(resource_type) given in another case, and the spelling sent.
  returned: when there are any
  type: list
  elements: str
  sample: ["dropped metadata key 'AvailabilityZone': RDS refuses it with MultiAZ true (...)"]
restore_job:
  description:
    - The restore job started or found (DescribeRestoreJob, snake_case). Empty in check mode
      when a job would be started.
  returned: always
  type: dict
  contains:
    restore_job_id:
      description: The id of the restore job.
      type: str
      returned: when a job was started or found
      sample: 9B0A3F9C-E1A3-4A6E-8E8C-8AEE4E1D1F2B
    status:
      description: C(PENDING), C(RUNNING), C(COMPLETED), C(ABORTED) or C(FAILED).
      type: str
      returned: when a job was started or found
      sample: COMPLETED
    status_message:
      description: AWS's message about the status, for example why the job failed.
      type: str
      returned: when AWS gives one
    percent_done:
      description: How far the restore is.
      type: str
      returned: when a job was started or found
      sample: "100.00%"
    created_resource_arn:
      description: The ARN of the restored resource.
      type: str
      returned: when the job is COMPLETED
      sample: arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0fedcba9876543210
    creation_date:
      description: When the job was created (ISO 8601).
      type: str
      returned: when a job was started or found
      sample: "2024-06-01T12:00:00.123000+00:00"
    completion_date:
      description: When the job ended (ISO 8601).
      type: str
      returned: when the job ended
    recovery_point_arn:
      description: The recovery point restored.
      type: str
      returned: when a job was started or found
    resource_type:
      description: The type of the restored resource.
      type: str
      returned: when a job was started or found
      sample: EFS
    iam_role_arn:
      description: The role AWS Backup used.
      type: str
      returned: when given to the job
    account_id:
      description: The account of the job.
      type: str
      returned: when a job was started or found
    backup_size_in_bytes:
      description: The size of the restored data.
      type: int
      returned: when AWS gives it
    expected_completion_time_minutes:
      description: AWS's estimate of the job's duration.
      type: int
      returned: when AWS gives it
    recovery_point_creation_date:
      description: When the recovery point was created (ISO 8601).
      type: str
      returned: when AWS gives it
restore_metadata:
  description:
    - The metadata sent (or, in check mode, that would be sent), as AWS takes it, with sensitive
      values masked.
  returned: always
  type: dict
  sample: {"file-system-id": "fs-0123456789abcdef0", "newFileSystem": "true", "Encrypted": "true"}
restore_request:
  description:
    - The StartRestoreJob request sent or that would be sent (snake_case), with sensitive metadata
      values masked. When an equal job was found, the request that was not sent.
  returned: always
  type: dict
  contains:
    recovery_point_arn:
      description: The recovery point restored, O(recovery_point_arn) or the one chosen for O(resource_arn).
      type: str
      returned: always
    metadata:
      description: The metadata, masked as in I(restore_metadata).
      type: dict
      returned: always
    resource_type:
      description: The resource type.
      type: str
      returned: when given
    iam_role_arn:
      description: The role.
      type: str
      returned: when given
    copy_source_tags_to_restored_resource:
      description: Whether tags are copied.
      type: bool
      returned: when given
    idempotency_token:
      description: The IdempotencyToken.
      type: str
      returned: when a job would be started
"""

from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_module import RESTORE_MUTUALLY_EXCLUSIVE
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_module import RESTORE_REQUIRED_ONE_OF
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_module import module_secrets
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_module import restore_options
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_module import run_module
from ansible_collections.recovery.aws_backup.plugins.module_utils.secret_params import aws_module_hiding_secrets

# The options of one restore are restore_module's (backup_restore_jobs takes the same for each of
# its restores); these are this module's own.
ARGUMENT_SPEC = dict(
    restore_options(),
    run_id=dict(type="str"),
    iam_role_arn=dict(type="str"),
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=3600),
)


def main() -> None:
    module = aws_module_hiding_secrets(
        module_secrets,
        argument_spec=ARGUMENT_SPEC,
        supports_check_mode=True,
        mutually_exclusive=RESTORE_MUTUALLY_EXCLUSIVE,
        required_one_of=RESTORE_REQUIRED_ONE_OF,
    )
    run_module(module)


if __name__ == "__main__":
    main()
