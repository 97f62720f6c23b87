# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options of one restore: backup_restore_job takes them at its top level (DOCUMENTATION,
fragment recovery.aws_backup.restore), backup_restore_jobs for each element of `restores` (RESTORES,
fragment recovery.aws_backup.restore.restores), as restore_module's RESTORE_OPTIONS gives both the
same argument spec. Ansible merges fragments into the top-level options only, so RESTORES names
each option again under `restores[]`, briefly (type, choices, default and one line), pointing to
backup_restore_job's page for its full text; both are plain strings (ansible-test reads fragments
without running them), and tests/unit/test_docs.py holds RESTORES to DOCUMENTATION's options."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  recovery_point_arn:
    description:
      - The ARN of the recovery point to restore.
      - Its form depends on the resource type, for example
        C(arn:aws:backup:us-east-1:123456789012:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45) (EFS, DynamoDB, ...),
        C(arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-1234) (RDS),
        C(arn:aws:rds:us-east-1:123456789012:cluster-snapshot:awsbackup:job-1234) (Aurora),
        C(arn:aws:ec2:us-east-1::snapshot/snap-0123456789abcdef0) (EBS). Any well-formed ARN is accepted.
      - Exactly one of O(recovery_point_arn) and O(resource_arn) is required.
      - It is restored in its own Region only. When the ARN's Region is not the task's, the task fails before any
        AWS call, naming both Regions.
      - Without O(backup_vault_name) the module finds the point's vault as StartRestoreJob needs only the ARN -
        it lists the Region's vaults (ListBackupVaults) and reads the point in each (DescribeRecoveryPoint) until
        one holds it. RV(notes) names the vault and says that giving it saves those reads.
    type: str
  resource_arn:
    description:
      - Restore the newest C(COMPLETED) recovery point of this resource (for example an EFS file
        system or RDS DB instance ARN) instead of a given O(recovery_point_arn).
      - Narrowed by O(backup_vault_name) and O(latest_before). The point chosen is returned in
        RV(recovery_point). The task fails when there is none.
      - Without O(backup_vault_name) the point is found in every vault (ListRecoveryPointsByResource), and its
        resource type is the one the ARN names (C(EFS) for a file system, C(RDS) for a DB instance, ...). An RDS
        cluster's ARN names none (Aurora, DocumentDB and Neptune clusters share it). Then the type is
        O(resource_type), and without it the point's vault is listed once more to learn the type. Give
        O(resource_type) to save that read.
    type: str
  backup_vault_name:
    description:
      - The vault of the recovery point.
      - With O(resource_arn), only recovery points in this vault are considered.
      - With O(recovery_point_arn), the vault that holds the point. The module reads the point there
        (DescribeRecoveryPoint) to learn its resource, and looks for an equal restore job among that resource's
        restore jobs only (ListRestoreJobsByProtectedResource), so a re-run costs the same however many restore jobs
        the account holds. Without it the vault is looked for (see O(recovery_point_arn)).
      - A vault that does not exist, or that does not hold the point, fails the task before any restore starts,
        naming the vault (and the Region's vaults).
    type: str
  backup_vault_account_id:
    description:
      - The account that owns O(backup_vault_name), for a vault shared from another account. Needs O(backup_vault_name).
    type: str
  latest_before:
    description:
      - With O(resource_arn), restore the newest recovery point created before this time, for
        example just before an incident.
      - An ISO 8601 time (UTC when it has no zone), or a time relative to now such as C(-2h) or C(-7d).
    type: str
  metadata_source:
    description:
      - Where the metadata starts from, before O(metadata) is merged on top of it (keys matched
        case-insensitively).
      - C(none) uses O(metadata) alone.
      - C(recovery_point) starts from the resource's configuration at backup time
        (GetRecoveryPointRestoreMetadata).
      - C(inferred) starts from AWS's defaults for a restore to a new resource
        (GetRestoreTestingInferredMetadata), for example a new, encrypted EFS file system.
      - Keys of that starting metadata that StartRestoreJob does not take for the resource type
        are left out, each with a note in RV(notes). The merged metadata is what is sent, and what
        check mode and C(--diff) show (secrets masked).
    type: str
    choices: [none, recovery_point, inferred]
    default: none
  metadata:
    description:
      - The restore metadata (StartRestoreJob C(Metadata)), for example C(file-system-id),
        C(newFileSystem), C(Encrypted), C(KmsKeyId), C(PerformanceMode), C(CreationToken) and
        C(ItemsToRestore) for EFS.
      - AWS takes text values only. Values are converted the way AWS expects them - booleans to
        C(true) / C(false), numbers to their text, lists and dictionaries to compact JSON (for
        example I(ItemsToRestore=["/data/reports"]) is sent as C(["/data/reports"])); text is
        sent unchanged.
      - AWS reads keys case-insensitively, and so do the checks. Giving one key twice in two
        spellings is an error.
      - For I(resource_type=EFS) the documented rules are checked before any AWS call -
        C(file-system-id) is given; C(KmsKeyId) requires C(Encrypted) to be true; C(Encrypted) and
        C(newFileSystem) are booleans; C(ItemsToRestore) holds file paths (no count limit), each
        relative to the file system root and starting with C(/).
      - StartRestoreJob requires metadata, so the task fails when it is empty (give O(metadata),
        or O(metadata_source) to start from the recovery point's).
      - Dictionaries are accepted only for keys AWS documents as structured (some EC2 keys such as
        C(Placement)); lists are sent as JSON. The whole metadata may be at most 200 KB.
      - For I(resource_type=EFS) with C(newFileSystem=true) and no C(CreationToken), a CreationToken
        is derived from the request (C(ansible-recovery-) and a hash of the recovery point, resource
        type and metadata; of the idempotency token with O(force)), so re-runs and concurrent runs
        agree. Without one AWS would accept the job and fail it later.
    type: dict
  secret_metadata:
    description:
      - Restore metadata whose values are secrets, merged into O(metadata) (a key may not be in both).
      - Its values are never shown, whatever their keys are called; use it for a credential under a
        key the module would not recognise as one.
    type: dict
    version_added: 0.2.0
  resource_type:
    description:
      - The type of the resource to restore, as AWS Backup names it - C(Aurora), C(DocumentDB),
        C(CloudFormation), C(DynamoDB), C(EBS), C(EC2), C(EFS), C(FSx), C(Neptune), C(RDS),
        C(Redshift), C(Storage Gateway), C(S3), C(Timestream), C(VirtualMachine).
      - Given in another case (C(efs)), it is sent in AWS's spelling (C(EFS)) with a note in RV(notes). Any other
        value fails the task before any AWS call, naming these types.
      - When given, only restore jobs of this type count as equal jobs.
      - With O(resource_arn) and no O(backup_vault_name), the type of the recovery point when the resource's ARN
        does not name one (an RDS cluster, for C(Aurora), C(DocumentDB) or C(Neptune)). Give it to save a read.
    type: str
  copy_source_tags_to_restored_resource:
    description:
      - Copy the tags of the backup to the restored resource. Sent only when given.
      - Only for backups created through AWS Backup.
    type: bool
  idempotency_token:
    description:
      - The C(IdempotencyToken) to send. By default a token derived from the request (and from
        the ids of earlier failed or aborted equal jobs) is sent, so concurrent runs of the
        same task start one job.
      - AWS answers a repeated token with the job it first started. With your own token, a re-run
        after that job C(FAILED) or was C(ABORTED) fails saying so; give a new token to retry.
      - With O(force), the token decides alone. No equal job is looked for, and repeating the task
        with the same token returns the job it started (for a run that must restore afresh but
        never twice, as the C(restore) role's drills do).
    type: str
  force:
    description:
      - Start a new restore job even when an equal one exists, with a fresh random token, or with
        O(idempotency_token) when given.
    type: bool
    default: false
"""

    # backup_restore_jobs' `restores` suboptions (the module documents `restores` itself): each
    # briefly, pointing to backup_restore_job for the full text (DOCUMENTATION above).
    RESTORES = r"""
options:
  restores:
    suboptions:
      name:
        description:
          - A label for this restore, echoed in its RV(restore_jobs[].name) and used in messages. Not sent to AWS.
          - Not empty, and unique in O(restores).
        type: str
        required: true
      recovery_point_arn:
        description:
          - The ARN of the recovery point to restore; exactly one of it and O(restores[].resource_arn) is required.
          - See O(recovery.aws_backup.backup_restore_job#module:recovery_point_arn).
        type: str
      resource_arn:
        description:
          - Restore the newest C(COMPLETED) recovery point of this resource instead.
          - See O(recovery.aws_backup.backup_restore_job#module:resource_arn).
        type: str
      backup_vault_name:
        description:
          - The vault of the recovery point.
          - See O(recovery.aws_backup.backup_restore_job#module:backup_vault_name).
        type: str
      backup_vault_account_id:
        description:
          - The account that owns O(restores[].backup_vault_name), for a vault shared from another account.
          - See O(recovery.aws_backup.backup_restore_job#module:backup_vault_account_id).
        type: str
      latest_before:
        description:
          - With O(restores[].resource_arn), restore the newest recovery point created before this time.
          - See O(recovery.aws_backup.backup_restore_job#module:latest_before).
        type: str
      metadata_source:
        description:
          - Where the metadata starts from, before O(restores[].metadata) is merged on top of it.
          - See O(recovery.aws_backup.backup_restore_job#module:metadata_source).
        type: str
        choices: [none, recovery_point, inferred]
        default: none
      metadata:
        description:
          - The restore metadata (StartRestoreJob C(Metadata)).
          - See O(recovery.aws_backup.backup_restore_job#module:metadata).
        type: dict
      secret_metadata:
        description:
          - Restore metadata whose values are secrets, merged into O(restores[].metadata).
          - See O(recovery.aws_backup.backup_restore_job#module:secret_metadata).
        type: dict
        version_added: 0.2.0
      resource_type:
        description:
          - The type of the resource to restore, as AWS Backup names it.
          - See O(recovery.aws_backup.backup_restore_job#module:resource_type).
        type: str
      copy_source_tags_to_restored_resource:
        description:
          - Copy the tags of the backup to the restored resource.
          - See O(recovery.aws_backup.backup_restore_job#module:copy_source_tags_to_restored_resource).
        type: bool
      idempotency_token:
        description:
          - The C(IdempotencyToken) to send instead of one derived from the request.
          - See O(recovery.aws_backup.backup_restore_job#module:idempotency_token).
        type: str
      force:
        description:
          - Start a new restore job even when an equal one exists.
          - See O(recovery.aws_backup.backup_restore_job#module:force).
        type: bool
        default: false
"""
