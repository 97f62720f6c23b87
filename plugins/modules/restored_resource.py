#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: restored_resource
short_description: Mark, or delete, the resources a drill run's restore jobs created - by ownership, never by name
version_added: 0.2.0
description:
  - Works on what AWS Backup restore jobs created (DescribeRestoreJob C(CreatedResourceArn)) - EFS file systems,
    RDS DB instances and Aurora (RDS) DB clusters.
  - A run owns a resource when all of these hold - it is the C(CreatedResourceArn) of one of the run's restore jobs;
    it was created after that job started (so a job's source, an in-place target or any resource that existed
    before cannot be taken for its creation); the job did not restore in place (EFS C(newFileSystem=false));
    and it carries the run's mark, the tags C(recovery.aws_backup:run-id) (O(run_id)) and
    C(recovery.aws_backup:restore-job-id) (the job id).
  - Nothing is ever looked up by name, C(CreationToken) or tag to be deleted. A resource is deleted by the
    identifier in the job's C(CreatedResourceArn), after the checks above.
  - O(state=present) marks each job's resource as the run's (a resource marked by another run is refused), and
    gives each EFS file system a mount target in each of O(subnet_ids).
  - O(state=absent) deletes each job's resource if the run owns it. EFS - its mount targets, then the file
    system. RDS DB instance - without a final snapshot. Aurora cluster - its DB instances, each of which must carry
    the run's C(recovery.aws_backup:run-id) tag (the cluster is refused otherwise), then the cluster, without a
    final snapshot. Each deletion is waited for.
  - The task fails when any job's resource was refused or failed, with every job's result in RV(resources). A job
    that created nothing, whose resource no longer exists, or that AWS does not know (status C(restore job not found)),
    is not a failure.
options:
  run_id:
    description:
      - The drill run, as its resources are marked (tag C(recovery.aws_backup:run-id)).
      - Letters, digits, spaces and C(+), C(-), C(=), C(.), C(_), C(:), C(/), C(@); 256 at most (what EFS and RDS take in a tag value).
    type: str
    required: true
  restore_job_ids:
    description:
      - The AWS Backup restore jobs this run started. Only their created resources are considered.
    type: list
    elements: str
    required: true
  state:
    description:
      - C(present) marks each job's resource as this run's (and creates EFS mount targets), C(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  adopt_unmarked:
    description:
      - With O(state=absent), also delete a job's resource that carries no C(recovery.aws_backup:run-id) tag at
        all - for cleaning up after an interrupted run whose jobs completed after it stopped, before marking.
      - Every other check still applies (created after the job, not in place). The resource is marked first, so
        if its deletion is interrupted too it is found again by M(recovery.aws_backup.restored_resource_info).
      - A resource marked by another run is never adopted.
    type: bool
    default: false
  subnet_ids:
    description:
      - With O(state=present), the subnets each EFS file system of these jobs gets a mount target in (one per
        subnet that has none). Other resource types are not affected.
    type: list
    elements: str
  security_group_ids:
    description:
      - With O(subnet_ids), the security groups of the mount targets created.
    type: list
    elements: str
  mark:
    description:
      - With O(state=present), whether to mark the resources as the run's. C(false) only checks that each job's
        resource is its own creation (created after the job, not in place, not marked by another run) and creates
        the EFS mount targets, for restores that are kept (marked resources are what a cleanup deletes).
    type: bool
    default: true
  tags:
    description:
      - With O(state=present), more tags to put on each resource when marking it. The two mark tags cannot be set here.
    type: dict
  wait_timeout:
    description:
      - How many seconds the whole task may wait - for deletions with O(state=absent), for mount targets to become
        available with O(state=present). When they run out, the jobs still waited for fail saying so; AWS carries
        on with what was started.
    type: int
    default: 1800
notes:
  - Check mode makes no change; RV(resources) says what would be done and C(changed) whether anything would be.
  - Needs C(backup:DescribeRestoreJob), C(backup:GetRestoreJobMetadata); for EFS C(elasticfilesystem:DescribeFileSystems),
    C(DescribeMountTargets), C(TagResource), C(CreateMountTarget), C(DeleteMountTarget), C(DeleteFileSystem); for RDS
    C(rds:DescribeDBInstances), C(DescribeDBClusters), C(AddTagsToResource), C(DeleteDBInstance), C(DeleteDBCluster).
  - Throttling and transient AWS errors are retried with jittered backoff.
seealso:
  - module: recovery.aws_backup.restored_resource_info
  - module: recovery.aws_backup.backup_restore_job
author:
  - recovery.aws_backup maintainers (@recovery-aws-backup)
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Mark the restored file system as this drill's and give it a mount target
  recovery.aws_backup.restored_resource:
    run_id: "drill-{{ ansible_date_time.iso8601_basic_short }}"
    restore_job_ids:
      - "{{ restore.restore_job.restore_job_id }}"
    subnet_ids: [subnet-0123456789abcdef0]
    security_group_ids: [sg-0123456789abcdef0]
    tags:
      purpose: dr-drill

- name: Tear the drill down - only what its restore jobs created and it marked
  recovery.aws_backup.restored_resource:
    run_id: "{{ drill_run_id }}"
    restore_job_ids: "{{ drill_restore_job_ids }}"
    state: absent
    wait_timeout: 3600
  register: teardown

- name: Clean up after an interrupted run whose restore jobs completed after it stopped
  recovery.aws_backup.restored_resource:
    run_id: "{{ interrupted_run_id }}"
    restore_job_ids: "{{ interrupted_restore_job_ids }}"
    state: absent
    adopt_unmarked: true
"""

RETURN = r"""
resources:
  description: One entry per restore job, in the order of O(restore_job_ids).
  returned: always
  type: list
  elements: dict
  contains:
    restore_job_id:
      description: The restore job.
      type: str
      returned: always
    created_resource_arn:
      description: The resource the job created (its C(CreatedResourceArn)).
      type: str
      returned: when the job created one
      sample: arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0fedcba9876543210
    resource_type:
      description: C(efs), C(rds-instance) or C(rds-cluster).
      type: str
      returned: when the job created a resource of one of these kinds
    status:
      description:
        - What was done. With O(state=absent) C(deleted) (C(would be deleted) in check mode); with O(state=present)
          C(marked) (C(would be marked)) or C(already marked).
        - "C(refused: <why>) when the run does not own it (nothing was done to it), C(not found) when it no longer
          exists, C(nothing created) when the job has no created resource (yet), C(failed: <AWS message>)."
      type: str
      returned: always
      sample: deleted
    deleted_resources:
      description: The ARNs deleted, an Aurora cluster's DB instances before the cluster.
      type: list
      elements: str
      returned: with O(state=absent)
    would_delete:
      description: The ARNs that would be deleted.
      type: list
      elements: str
      returned: with O(state=absent) in check mode, when the run owns the resource
    marked:
      description: Whether the resource was marked first (O(adopt_unmarked)).
      type: bool
      returned: with O(state=absent) when an unmarked resource was adopted
    mount_targets_created:
      description: The EFS mount targets created (or, in check mode, that would be), with C(mount_target_id) and C(subnet_id).
      type: list
      elements: dict
      returned: with O(state=present) and O(subnet_ids), for EFS
    restore_job_status:
      description: The job's status, when it created nothing.
      type: str
      returned: when the status is C(nothing created)
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.recovery.aws_backup.plugins.module_utils.backup_retry import backup_retry
from ansible_collections.recovery.aws_backup.plugins.module_utils.restored_resource import lazy_clients
from ansible_collections.recovery.aws_backup.plugins.module_utils.restored_resource import run_module

ARGUMENT_SPEC = dict(
    run_id=dict(type="str", required=True),
    restore_job_ids=dict(type="list", elements="str", required=True),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    adopt_unmarked=dict(type="bool", default=False),
    subnet_ids=dict(type="list", elements="str"),
    security_group_ids=dict(type="list", elements="str"),
    mark=dict(type="bool", default=True),
    tags=dict(type="dict"),
    wait_timeout=dict(type="int", default=1800),
)


def main() -> None:
    module = AnsibleAWSModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    # backup_retry for every service: EFS answers throttling with ThrottlingException too.
    run_module(module, lazy_clients(lambda service: module.client(service, retry_decorator=backup_retry)))


if __name__ == "__main__":
    main()
