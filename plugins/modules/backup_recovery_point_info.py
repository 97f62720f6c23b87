#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: backup_recovery_point_info
short_description: Find AWS Backup recovery points of a vault or a resource
version_added: 0.1.0
description:
  - Lists AWS Backup recovery points of a backup vault (ListRecoveryPointsByBackupVault), of a
    protected resource (ListRecoveryPointsByResource), or of a resource in one vault, newest first.
  - Answers the question which backup to restore, the newest completed recovery point (O(select=latest)),
    or the newest one created before an incident (O(latest_before)).
  - Filters the API offers server side (resource, resource type, creation time) are sent to AWS; the
    rest (status) are applied to the listed points. Every page is read; points are never described
    one by one.
  - Finding no matching recovery point is not an error; RV(recovery_points) is then empty.
    See EXAMPLES for failing a play on it.
author:
  - recovery.aws_backup maintainers (@recovery-aws-backup)
options:
  backup_vault_name:
    description:
      - Name of the backup vault to list.
      - At least one of O(backup_vault_name) and O(resource_arn) is required.
      - 2 to 50 letters, digits, hyphens and underscores, as AWS names vaults, or an AWS-managed
        vault such as V(aws/efs/automatic-backup-vault). Anything else, an empty name included,
        fails before any AWS call.
    type: str
    aliases: [vault_name]
  backup_vault_account_id:
    description:
      - Account ID owning O(backup_vault_name), for vaults shared from another account.
      - Requires O(backup_vault_name).
    type: str
  resource_arn:
    description:
      - ARN of the protected resource (for example an EFS file system or an RDS instance).
      - Alone, the points of the resource in every vault of this account are listed; with
        O(backup_vault_name), only those in that vault.
      - Must be the ARN of a resource AWS Backup protects, such as
        V(arn:aws:elasticfilesystem:REGION:ACCOUNT:file-system/fs-ID), V(arn:aws:rds:REGION:ACCOUNT:db:NAME),
        V(arn:aws:rds:REGION:ACCOUNT:cluster:NAME), V(arn:aws:dynamodb:REGION:ACCOUNT:table/NAME),
        V(arn:aws:ec2:REGION:ACCOUNT:volume/vol-ID) or V(arn:aws:s3:::BUCKET). An empty value, another
        kind of ARN (of a snapshot, a recovery point, an IAM role, ...) or a malformed one fails before
        any AWS call, where AWS would list nothing.
    type: str
  resource_type:
    description:
      - Only points of this AWS Backup resource type, for example V(EFS), V(RDS), V(Aurora).
      - Must not be empty.
    type: str
  status:
    description:
      - Only points with one of these statuses.
    type: list
    elements: str
    choices: [COMPLETED, PARTIAL, DELETING, EXPIRED, AVAILABLE, STOPPED, CREATING]
    default: [COMPLETED]
  created_after:
    description:
      - Only points created at or after this time.
      - ISO 8601 (V(2026-11-24T22:00:00Z); without a zone, UTC) or relative to now
        (V(-7d), V(-12h), V(-30m), V(-90s), V(-2w)).
      - Times before 1970-01-01 or from 9999-01-01 on (UTC), such as V(-9999999d), fail before any AWS call.
    type: str
  created_before:
    description:
      - Only points created strictly before this time. Same formats as O(created_after).
    type: str
  latest_before:
    description:
      - Return only the newest point created strictly before this time, for "restore to just
        before the incident". Same formats as O(created_after).
      - Implies O(select=latest); cannot be combined with O(select=all). With O(created_before)
        too, the earlier of the two applies.
    type: str
  select:
    description:
      - V(all) returns every matching point, newest first; V(latest) only the newest.
      - Defaults to V(all), or V(latest) when O(latest_before) is set.
      - Points created at the same instant are ordered by RV(recovery_points[].recovery_point_arn)
        ascending, so V(latest) always picks the same point for the same data.
    type: str
    choices: [all, latest]
  include_restore_metadata:
    description:
      - Add RV(recovery_points[].restore_metadata), the backed-up configuration
        (GetRecoveryPointRestoreMetadata), to each returned point. This is one extra AWS call per returned
        point, so combine with O(select=latest) or narrow filters on large vaults.
      - Values whose keys name credentials are masked, as in M(recovery.aws_backup.backup_restore_job).
    type: bool
    default: false
  include_copy_source:
    description:
      - For copies (points with RV(recovery_points[].source_backup_vault_arn), for example in a disaster recovery
        Region's vault), add RV(recovery_points[].copy_source), the source recovery point and the copy job that made
        the copy.
      - No recovery point field names its source point; the copy job does, and it is listed in the source's Region
        (the Region of RV(recovery_points[].source_backup_vault_arn)) with this task's credentials, one ListCopyJobs
        per source Region and vault. When that Region does not answer (the outage a copy is for) or the copy job
        belongs to another account, the module warns and leaves RV(recovery_points[].copy_source) out.
    type: bool
    default: false
notes:
  - Supports check mode; the module never changes anything.
  - "Copies in a disaster recovery Region or account: a copy keeps the backed-up resource's ARN and the source's
    creation date (AWS Backup developer guide, Copy a backup), so O(resource_arn) with the source resource's ARN,
    O(backup_vault_name) of the DR vault and O(region) of the DR side find its copies there, and
    RV(recovery_points[].age_seconds) is the age of the data: the cross-Region recovery point actually achieved."
  - ListRecoveryPointsByResource returns a short form of each point; the module then lists the
    vaults holding the returned points once each (narrowed to the resource) for the full fields.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - recovery.aws_backup.requirements
"""

EXAMPLES = r"""
- name: The newest completed backup of an EFS file system from before the incident
  recovery.aws_backup.backup_recovery_point_info:
    backup_vault_name: prod-vault
    resource_arn: arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-0abc1234
    latest_before: "2026-11-24T21:55:00Z"
  register: before_incident

- name: Stop here if there is none
  ansible.builtin.assert:
    that: before_incident.recovery_points | length > 0
    fail_msg: "No completed backup of fs-0abc1234 before the incident in prod-vault"

- name: Restore it
  recovery.aws_backup.backup_restore_job:
    recovery_point_arn: "{{ before_incident.recovery_points[0].recovery_point_arn }}"
    iam_role_arn: arn:aws:iam::123456789012:role/backup-restore
    metadata:
      file-system-id: fs-0abc1234
      newFileSystem: true
      Encrypted: true
      PerformanceMode: generalPurpose
      CreationToken: restore-before-incident

- name: Every completed or partial RDS backup in a vault from the last week
  recovery.aws_backup.backup_recovery_point_info:
    backup_vault_name: prod-vault
    resource_type: RDS
    status: [COMPLETED, PARTIAL]
    created_after: -7d
  register: last_week

- name: The newest backup of a resource in any vault, with its backed-up configuration
  recovery.aws_backup.backup_recovery_point_info:
    resource_arn: arn:aws:rds:eu-west-1:123456789012:db:prod-db
    select: latest
    include_restore_metadata: true
  register: newest

- name: Fail when the newest backup is older than the 24 h recovery point objective
  ansible.builtin.fail:
    msg: "Newest backup of prod-db is {{ newest.recovery_points[0].age_seconds }} s old"
  when: newest.recovery_points | length == 0 or newest.recovery_points[0].age_seconds > 86400

- name: The newest copy of a production file system in the DR Region, with its source recovery point
  recovery.aws_backup.backup_recovery_point_info:
    region: eu-central-1
    backup_vault_name: dr-vault
    resource_arn: arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-0abc1234
    select: latest
    include_copy_source: true
  register: dr_copy

- name: Say which source recovery point the DR copy was made from, and when
  ansible.builtin.debug:
    msg: "{{ dr_copy.recovery_points[0].copy_source.source_recovery_point_arn }}, copied
      {{ dr_copy.recovery_points[0].copy_source.copy_completion_date }}"
  when: dr_copy.recovery_points | length > 0 and dr_copy.recovery_points[0].copy_source is defined

- name: A vault shared from the backup account
  recovery.aws_backup.backup_recovery_point_info:
    backup_vault_name: central-vault
    backup_vault_account_id: "210987654321"
    select: latest
"""

RETURN = r"""
recovery_points:
  description:
    - Matching recovery points, newest first (at most one with O(select=latest) or O(latest_before)).
    - Fields as ListRecoveryPointsByBackupVault / DescribeRecoveryPoint return them, in snake_case,
      dates as ISO 8601 strings. Fields AWS leaves out are absent.
  returned: always
  type: list
  elements: dict
  contains:
    recovery_point_arn:
      description: ARN of the recovery point.
      type: str
      sample: arn:aws:backup:eu-west-1:123456789012:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45
    backup_vault_name:
      description: Vault holding the point.
      type: str
      sample: prod-vault
    backup_vault_arn:
      description: ARN of that vault.
      type: str
    resource_arn:
      description: ARN of the backed-up resource.
      type: str
      sample: arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-0abc1234
    resource_type:
      description: AWS Backup resource type.
      type: str
      sample: EFS
    status:
      description: Status of the point.
      type: str
      sample: COMPLETED
    creation_date:
      description: When the backup was taken (ISO 8601).
      type: str
      sample: "2026-11-24T21:00:00+00:00"
    completion_date:
      description: When the backup job finished (ISO 8601).
      type: str
    encryption_key_arn:
      description: KMS key protecting the point.
      type: str
    is_encrypted:
      description: Whether the point is encrypted.
      type: bool
    lifecycle:
      description: Lifecycle (move_to_cold_storage_after_days, delete_after_days).
      type: dict
    calculated_lifecycle:
      description: Dates the lifecycle resolves to.
      type: dict
    backup_size_in_bytes:
      description: Size of the backup.
      type: int
    age_seconds:
      description:
        - Seconds between the point's creation and now, the recovery point objective a restore
          of this point would achieve.
      type: int
      sample: 3600
    source_backup_vault_arn:
      description:
        - For a copy, the vault it was copied from (in the source Region and account).
      type: str
      returned: for copies
      sample: arn:aws:backup:eu-west-1:123456789012:backup-vault:prod-vault
    copy_source:
      description:
        - The copy job that made this copy, and so its source recovery point.
      type: dict
      returned: with O(include_copy_source=true), for copies whose copy job the task could list
      contains:
        source_recovery_point_arn:
          description: The recovery point that was copied.
          type: str
        source_backup_vault_arn:
          description: Its vault.
          type: str
        copy_job_id:
          description: The copy job.
          type: str
        copy_creation_date:
          description: When the copy job started (ISO 8601).
          type: str
        copy_completion_date:
          description: When it completed (ISO 8601).
          type: str
    restore_metadata:
      description:
        - The backed-up configuration (GetRecoveryPointRestoreMetadata), credentials masked.
      returned: when O(include_restore_metadata=true)
      type: dict
      sample: {"file-system-id": "fs-0abc1234", "Encrypted": "true", "PerformanceMode": "generalPurpose"}
"""

try:
    import botocore
    import botocore.config
except ImportError:
    pass  # handled by AnsibleAWSModule


from ansible_collections.amazon.aws.plugins.module_utils.botocore import get_aws_region

from ansible_collections.recovery.aws_backup.plugins.module_utils.backup_retry import backup_retry
from ansible_collections.recovery.aws_backup.plugins.module_utils.secret_params import BackupModule
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import mask_metadata, sensitive_values
from ansible_collections.recovery.aws_backup.plugins.module_utils.recovery_point import (
    RECOVERY_POINT_STATUSES,
    SELECT_CHOICES,
    InputError,
    build_query,
    copy_source_result,
    copy_sources,
    denied_permission,
    find_recovery_points,
    get_recovery_point_restore_metadata,
    lacking_permission,
    missing_vault_message,
    recovery_point_result,
    utc_now,
)

SOURCE_REGION_CLIENT_CONFIG = {"retries": {"mode": "standard", "total_max_attempts": 2}, "connect_timeout": 5, "read_timeout": 30}


def main() -> None:
    argument_spec = dict(
        backup_vault_name=dict(type="str", aliases=["vault_name"]),
        backup_vault_account_id=dict(type="str"),
        resource_arn=dict(type="str"),
        resource_type=dict(type="str"),
        status=dict(type="list", elements="str", choices=list(RECOVERY_POINT_STATUSES), default=["COMPLETED"]),
        created_after=dict(type="str"),
        created_before=dict(type="str"),
        latest_before=dict(type="str"),
        select=dict(type="str", choices=list(SELECT_CHOICES)),
        include_restore_metadata=dict(type="bool", default=False),
        include_copy_source=dict(type="bool", default=False),
    )
    module = BackupModule(
        argument_spec=argument_spec,
        required_one_of=[["backup_vault_name", "resource_arn"]],
        required_by={"backup_vault_account_id": "backup_vault_name"},
        supports_check_mode=True,
    )
    params = module.params
    now = utc_now()
    try:
        query = build_query(
            backup_vault_name=params["backup_vault_name"],
            resource_arn=params["resource_arn"],
            resource_type=params["resource_type"],
            status=params["status"],
            created_after=params["created_after"],
            created_before=params["created_before"],
            latest_before=params["latest_before"],
            select=params["select"],
            backup_vault_account_id=params["backup_vault_account_id"],
            now=now,
        )
    except InputError as e:
        module.fail_json(msg=str(e))

    client = module.client("backup", retry_decorator=backup_retry)
    try:
        points = find_recovery_points(client, query)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        if query.backup_vault_name and denied_permission(e):
            missing = missing_vault_message(client, query.backup_vault_name, query.backup_vault_account_id, get_aws_region(module))
            if missing:
                module.fail_json(msg=missing)
        where = f"vault {query.backup_vault_name}" if query.backup_vault_name else f"resource {query.resource_arn}"
        module.fail_json_aws(e, msg=f"Failed to list recovery points of {where}{lacking_permission(e)}")

    sources: dict = {}
    if params["include_copy_source"]:

        def client_for_region(region):
            # few attempts and a short connect timeout: the source Region may be the one that is down
            return module.client("backup", region=region, config=botocore.config.Config(**SOURCE_REGION_CLIENT_CONFIG))

        sources, warnings = copy_sources(client_for_region, points)
        for warning in warnings:
            module.warn(warning)

    results = []
    for point in points:
        result = recovery_point_result(point, now)
        if params["include_restore_metadata"]:
            try:
                metadata = get_recovery_point_restore_metadata(
                    client, point["RecoveryPointArn"], point.get("BackupVaultName"), query.backup_vault_account_id
                )
            except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
                module.fail_json_aws(e, msg=f"Failed to get restore metadata of {point['RecoveryPointArn']}{lacking_permission(e)}")
            except InputError as e:
                module.fail_json(msg=str(e))
            # What the result hides must not leak through Ansible's logs or callbacks either.
            module.no_log_values.update(sensitive_values(metadata))
            result["restore_metadata"] = mask_metadata(metadata)
        if point["RecoveryPointArn"] in sources:
            result["copy_source"] = copy_source_result(sources[point["RecoveryPointArn"]])
        results.append(result)

    module.exit_json(changed=False, recovery_points=results)


if __name__ == "__main__":
    main()
