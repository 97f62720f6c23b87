#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: restored_resource
short_description: Mark, or delete, the resources a drill run's restore jobs created - by ownership, never by name
version_added: 0.2.0
description:
  - Works on what AWS Backup restore jobs created (DescribeRestoreJob C(CreatedResourceArn)), through the
    collection's driver of the resource's type (the types of the restore role's targets, see the README's table of resource types).
  - A run owns a resource when all of these hold - it is the C(CreatedResourceArn) of one of the run's restore jobs;
    it was created after that job started (so a job's source, an in-place target or any resource that existed
    before cannot be taken for its creation); the job did not restore in place (EFS C(newFileSystem=false));
    and it carries the run's mark, the tags C(recovery.aws_backup:run-id) (O(run_id)) and
    C(recovery.aws_backup:restore-job-id) (the job id).
  - Nothing is ever looked up by name, C(CreationToken) or tag to be deleted. A resource is deleted by the
    identifier in the job's C(CreatedResourceArn), after the checks above.
  - O(state=present) marks each job's resource as the run's (a resource marked by another run is refused), puts
    its tags on it and makes it usable - an EFS file system gets a mount target in each of its subnets, an Aurora
    DB cluster its DB instances (carrying the run's mark). O(resources) gives each job its name, settings and
    expected values, so one task handles all of a run's restores (O(restore_job_ids) with O(job_settings) is the
    earlier form). Every resource is tagged before anything is waited for; then one wait, bounded by
    O(wait_timeout), until what was created is usable or, with O(wait_until_usable), until every resource is
    usable, polled on the collection's one schedule (every max(5 s, 5 % of the time waited)). Each resource's
    result carries its AWS description (RV(resources[].facts)) and, with C(expected), the built-in validation.
  - A job that restored in place (into an existing resource) is looked at only - never tagged, nothing created
    in it, never deleted - with status C(in place).
  - O(state=absent) deletes each job's resource if the run owns it. EFS - its mount targets, then the file
    system. RDS DB instance - without a final snapshot. Aurora cluster - its DB instances, each of which must carry
    the run's C(recovery.aws_backup:run-id) tag (the cluster is refused otherwise), then the cluster, without a
    final snapshot. Every deletion is started, then one wait for all of them. O(copies) (or O(copy_job_ids)) are
    deleted too, by copy job id.
  - The task fails when any job's resource was refused or failed, with every job's result in RV(resources). A job
    that created nothing, whose resource no longer exists, or that AWS does not know (status C(restore job not found)),
    is not a failure.
author:
  - recovery.aws_backup maintainers (@recovery-aws-backup)
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
      - Give this or O(resources). Each result's C(name) is then the job id.
    type: list
    elements: str
  resources:
    description:
      - The run's restore jobs by the caller's names; an alternative to O(restore_job_ids).
      - Names and restore jobs must each be unique.
    type: list
    elements: dict
    suboptions:
      name:
        description: The caller's name for the resource (a drill target); each result carries it.
        type: str
        required: true
      restore_job_id:
        description: The restore job that created the resource.
        type: str
        required: true
      settings:
        description:
          - With O(state=present), how the resource is made usable - what the driver of its type takes
            (the role passes the driver's usable settings). A key not given falls back to the top-level option of
            the same name (O(subnet_ids), O(security_group_ids)); C(tags) are merged over O(tags).
          - C(tags) (dict, any type) - put on the resource, with the same rules as O(tags).
          - EFS - C(subnet_ids) (a mount target in each that has none; V([]) for none) and C(security_group_ids)
            (of the mount targets created; needs subnets).
          - Aurora - C(instance_identifiers) (the DB instances created in the cluster when missing),
            C(db_instance_class) (their class, needed with C(instance_identifiers)) and C(engine) (default the
            cluster's).
          - FSx - C(file_system_type) (C(ONTAP) - the name is the restored volume's, for the taken-name check;
            otherwise a file system's Name tag).
        type: dict
      expected:
        description:
          - With O(state=present), what the built-in validation compares the resource with (the driver's expected
            values, for example C(creation_token) and C(encrypted) for EFS, C(db_instance_class) for RDS,
            C(instance_count) for Aurora). The result's RV(resources[].validation) says whether it passed.
        type: dict
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
      - A job's own C(subnet_ids) in O(job_settings) replace these for that job.
    type: list
    elements: str
  security_group_ids:
    description:
      - With O(subnet_ids), the security groups of the mount targets created.
      - A job's own C(security_group_ids) in O(job_settings) replace these for that job.
    type: list
    elements: str
  mark:
    description:
      - With O(state=present), whether to mark the resources as the run's. C(false) only checks that each job's
        resource is its own creation (created after the job, not in place, not marked by another run), puts
        O(tags) (and the job's own from O(job_settings)) on it without the mark tags, and creates the EFS mount
        targets, for restores that are kept (marked resources are what a cleanup deletes).
    type: bool
    default: true
  tags:
    description:
      - With O(state=present), more tags to put on each resource. The two mark tags cannot be set here, nor tags
        whose key starts with C(aws:).
      - A job's own C(tags) in O(job_settings) are merged over these for that job.
    type: dict
  job_settings:
    description:
      - With O(state=present), settings of single restore jobs, keyed by restore job id. Each key must be one of
        O(restore_job_ids).
      - Each value is a dict with any of C(tags) (dict; merged over O(tags) for that job, with the same rules),
        C(subnet_ids) (list; replaces O(subnet_ids) for that job, V([]) meaning no mount targets) and
        C(security_group_ids) (list; replaces O(security_group_ids) for that job, and needs subnets, the job's
        or the top-level ones). A setting not given falls back to the top-level option.
      - Ansible does not template YAML keys; build the dict with a filter such as C(items2dict) (see the examples).
    type: dict
    default: {}
  wait_until_usable:
    description:
      - With O(state=present), after every resource is tagged and every mount target created, wait until each
        resource handled is usable - an EFS file system C(available) with all its mount targets C(available); an
        RDS DB instance C(available); an Aurora DB cluster C(available) with its DB instances, if any,
        C(available). One polling loop for all of them, each round asking AWS once per file system
        (C(DescribeFileSystems), then C(DescribeMountTargets)) and once for all DB clusters and once for all DB
        instances, less often as the wait goes on.
      - Each result then gets RV(resources[].usable_at). A resource that is not usable when O(wait_timeout) runs
        out, or that is in a state it does not leave by itself (EFS C(error), RDS C(failed), C(incompatible-*),
        C(inaccessible-encryption-credentials), C(storage-full)), fails.
      - Not in check mode, which waits for nothing.
    type: bool
    default: false
  wait_timeout:
    description:
      - How many seconds the whole task may wait - for deletions with O(state=absent); with O(state=present), for
        the mount targets created to become available, or with O(wait_until_usable) for every resource to be
        usable. When they run out, the jobs still waited for fail saying so; AWS carries on with what was started.
    type: int
    default: 1800
  copies:
    description:
      - With O(state=absent), also delete the recovery points these AWS Backup copy jobs made (a regional drill's
        copies into the DR vault), by copy job id, with the same rules as O(copy_job_ids). Replaces O(copy_job_ids)
        and O(copy_job_region); give one form.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The caller's name for the copy (a drill target); its result carries it.
        type: str
        required: true
      copy_job_id:
        description: The copy job.
        type: str
        required: true
      region:
        description: The Region whose C(StartCopyJob) made it (the copy's source Region). Default the module's Region.
        type: str
  copy_job_ids:
    description:
      - The earlier form of O(copies).
      - With O(state=absent), also delete the recovery points these AWS Backup copy jobs made - the copy jobs this
        run started (a regional drill's copies into the DR vault), by their ids as the run kept them.
      - Only a job's C(DestinationRecoveryPointArn) is deleted (C(DeleteRecoveryPoint)), from the vault its
        C(DestinationBackupVaultArn) names, and only when that vault is in the module's Region and the job was created
        after O(copy_jobs_created_after). Nothing is looked up by name or tag. A failed copy job made nothing to delete.
    type: list
    elements: str
    default: []
  copy_job_region:
    description:
      - The Region whose C(StartCopyJob) made O(copy_job_ids) (the source Region of the copies), where they are
        described. Default the module's Region.
    type: str
  copy_jobs_created_after:
    description:
      - When the run started, in seconds since the epoch. A copy job created before it is refused (not the run's).
    type: float
notes:
  - Check mode makes no change; RV(resources) says what would be done and C(changed) whether anything would be.
  - Needs C(backup:DescribeRestoreJob), C(backup:GetRestoreJobMetadata); with O(copies) or O(copy_job_ids) C(backup:DescribeCopyJob)
    (in O(copy_job_region)) and C(backup:DeleteRecoveryPoint); for EFS C(elasticfilesystem:DescribeFileSystems),
    C(DescribeMountTargets), C(TagResource), C(CreateMountTarget), C(DeleteMountTarget), C(DeleteFileSystem); for RDS
    C(rds:DescribeDBInstances), C(DescribeDBClusters), C(AddTagsToResource), C(DeleteDBInstance), C(DeleteDBCluster);
    for Aurora C(settings.instance_identifiers) C(rds:CreateDBInstance); for FSx C(fsx:DescribeFileSystems), C(DescribeVolumes),
    C(DescribeBackups), C(TagResource), C(DeleteFileSystem), C(DeleteVolume).
  - Throttling and transient AWS errors are retried with jittered backoff.
seealso:
  - module: recovery.aws_backup.restored_resource_info
  - module: recovery.aws_backup.backup_restore_job
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - recovery.aws_backup.requirements
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

- name: Mark all of a drill's restores in one task, each with its own tags and subnets, and wait until usable
  recovery.aws_backup.restored_resource:
    run_id: "{{ drill_run_id }}"
    restore_job_ids: "{{ drill_targets | map(attribute='restore_job_id') | list }}"
    tags:
      purpose: dr-drill
    # Keyed by restore job id. Ansible does not template YAML keys, so the dict is built by a filter.
    job_settings: "{{ drill_targets | items2dict(key_name='restore_job_id', value_name='settings') }}"
    wait_until_usable: true
    wait_timeout: 3600
  vars:
    drill_targets:
      - restore_job_id: "{{ share_restore.restore_job.restore_job_id }}"
        settings:
          tags:
            Name: share-drill
          subnet_ids: [subnet-0123456789abcdef0, subnet-0fedcba9876543210]
          security_group_ids: [sg-0123456789abcdef0]
      - restore_job_id: "{{ orders_restore.restore_job.restore_job_id }}"
        settings:
          tags:
            Name: orders-drill
  register: marked

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
copies:
  description: One per O(copies) (or O(copy_job_ids)), in order.
  returned: with O(state=absent) and O(copies) or O(copy_job_ids)
  type: list
  elements: dict
  contains:
    name:
      description: The copy's name in O(copies) (with O(copy_job_ids), the copy job id).
      type: str
    copy_job_id:
      description: The copy job.
      type: str
    status:
      description:
        - "C(deleted) (C(would be deleted) in check mode), C(not found) (the copy or the job is gone),
          C(nothing to delete (copy job FAILED)), C(refused: <why>) or C(failed: <why>)."
      type: str
      sample: deleted
    recovery_point_arn:
      description: The copy the job made (its C(DestinationRecoveryPointArn)).
      type: str
      returned: when the job completed
    backup_vault_name:
      description: The vault it is in.
      type: str
      returned: when the job completed
resources:
  description: One entry per restore job, in the order of O(resources) or O(restore_job_ids).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The resource's name in O(resources) (with O(restore_job_ids), the restore job id).
      type: str
      returned: always
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
      description: The kind of resource, as its driver names it - C(efs), C(rds-instance) or C(rds-cluster).
      type: str
      returned: when the job created a resource of a type this collection restores
    status:
      description:
        - What was done. With O(state=absent) C(deleted) (C(would be deleted) in check mode); with O(state=present)
          C(marked) (C(would be marked)) or C(already marked), C(checked) with O(mark=false), C(in place) for a
          job that restored into an existing resource (looked at only).
        - "C(refused: <why>) when the run does not own it (nothing was done to it), C(not found) when it no longer
          exists, C(nothing created) when the job has no created resource (yet), C(failed: <AWS message>),
          C(failed: timed out after wait_timeout=<n> seconds waiting until <resource> is usable; ...)."
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
    created:
      description:
        - What making the resource usable created (in check mode, would create) - EFS mount targets
          (C(mount_target_id), C(subnet_id)), Aurora DB instances (C(db_instance_identifier), C(db_instance_arn)).
      type: list
      elements: dict
      returned: with O(state=present), when the resource passed the ownership checks and was not restored in place
    validation:
      description: C(passed), or C(failed) and what is not as C(expected) says.
      type: str
      returned: with O(state=present) and O(resources[].expected), when the resource was handled (not in check mode)
      sample: passed
    mount_targets_created:
      description: The EFS mount targets created (or, in check mode, that would be), with C(mount_target_id) and C(subnet_id).
      type: list
      elements: dict
      returned: with O(state=present) and O(subnet_ids), for EFS
    restore_job_status:
      description: The job's status, when it created nothing.
      type: str
      returned: when the status is C(nothing created)
    facts:
      description:
        - The resource as AWS last described it during the task, in snake_case - the C(DescribeFileSystems),
          C(DescribeDBInstances) or C(DescribeDBClusters) entry, with its tags as a dict in C(tags).
        - With O(wait_until_usable), from the last poll; otherwise from the ownership check, with the tags this task
          put on it (so C(number_of_mount_targets) does not count mount targets created by the task).
        - "EFS: C(file_system_id), C(life_cycle_state), C(encrypted), C(creation_token), C(performance_mode), ...;
          RDS DB instance: C(db_instance_identifier), C(db_instance_status), C(db_instance_class), ...; DB cluster:
          C(db_cluster_identifier), C(status), C(db_cluster_members), ..."
      type: dict
      returned: with O(state=present), when the resource passed the ownership checks
      sample:
        file_system_id: fs-0fedcba9876543210
        life_cycle_state: available
        encrypted: true
        creation_token: share-drill
        performance_mode: generalPurpose
        tags:
          Name: share-drill
          recovery.aws_backup:run-id: drill-20261125
    usable_at:
      description: When the task first saw the resource usable, in seconds since the epoch (UTC).
      type: float
      returned: with O(wait_until_usable) (not in check mode), when the resource became usable (also restored in place)
      sample: 1795600000.25
"""

from ansible_collections.recovery.aws_backup.plugins.module_utils.secret_params import BackupModule

from ansible_collections.recovery.aws_backup.plugins.module_utils.backup_retry import backup_retry
from ansible_collections.recovery.aws_backup.plugins.module_utils.copy_job import delete_copy
from ansible_collections.recovery.aws_backup.plugins.module_utils.restored_resource import lazy_clients
from ansible_collections.recovery.aws_backup.plugins.module_utils.restored_resource import run_module

ARGUMENT_SPEC = dict(
    run_id=dict(type="str", required=True),
    restore_job_ids=dict(type="list", elements="str"),
    resources=dict(
        type="list", elements="dict",
        options=dict(name=dict(type="str", required=True), restore_job_id=dict(type="str", required=True),
                     settings=dict(type="dict"), expected=dict(type="dict")),
    ),  # fmt: skip
    state=dict(type="str", choices=["present", "absent"], default="present"),
    adopt_unmarked=dict(type="bool", default=False),
    subnet_ids=dict(type="list", elements="str"),
    security_group_ids=dict(type="list", elements="str"),
    mark=dict(type="bool", default=True),
    tags=dict(type="dict"),
    job_settings=dict(type="dict", default={}),
    wait_until_usable=dict(type="bool", default=False),
    wait_timeout=dict(type="int", default=1800),
    copies=dict(
        type="list", elements="dict", default=[],
        options=dict(name=dict(type="str", required=True), copy_job_id=dict(type="str", required=True), region=dict(type="str")),
    ),  # fmt: skip
    copy_job_ids=dict(type="list", elements="str", default=[]),
    copy_job_region=dict(type="str"),
    copy_jobs_created_after=dict(type="float"),
)


def main() -> None:
    module = BackupModule(
        argument_spec=ARGUMENT_SPEC, supports_check_mode=True,
        required_one_of=[("restore_job_ids", "resources")], mutually_exclusive=[("restore_job_ids", "resources")],
    )  # fmt: skip
    # backup_retry for every service: EFS answers throttling with ThrottlingException too.
    client_for = lazy_clients(lambda service: module.client(service, retry_decorator=backup_retry))
    run_module(module, client_for, delete_copy)


if __name__ == "__main__":
    main()
