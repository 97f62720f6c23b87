#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: restored_resource_info
short_description: Find the resources drill runs marked as theirs (leftovers of interrupted runs)
version_added: 0.2.0
description:
  - Lists the resources that carry the tag C(recovery.aws_backup:run-id), which
    M(recovery.aws_backup.restored_resource) puts on what a run's restore jobs created - of every type the
    collection restores (the types of the restore role's targets, see the README's table of resource types).
  - One listing per resource type (DescribeFileSystems, DescribeDBInstances, DescribeDBClusters, ...); where a
    type's listing leaves out the tags (DynamoDB tables, S3 buckets), one tag read per resource of that type.
  - With O(new_resources), also tells which identifiers the restores of a drill would create exist already
    (RV(taken)), the drill's preflight - one filtered lookup per kind of identifier, whatever the number of targets -
    and says which in RV(msg).
  - Read-only. To delete what is found, give its run and restore jobs to M(recovery.aws_backup.restored_resource)
    with O(recovery.aws_backup.restored_resource#module:state=absent), which checks ownership again.
author:
  - recovery.aws_backup maintainers (@recovery-aws-backup)
options:
  run_id:
    description:
      - Only the resources of this run. By default those of every run.
    type: str
  new_resources:
    description:
      - The resources a drill is about to restore, whose new identifiers are looked up (RV(taken)).
      - With this option, RV(resources) holds only the marked resources of these resources' types (what earlier
        drills of the same types left). Without it, every type is listed.
      - EFS restores are not looked up (AWS gives a new file system its own id).
    type: list
    elements: dict
    suboptions:
      name:
        description: The target name, which the restore gives the new resource.
        type: str
        required: true
      resource_type:
        description: The AWS Backup resource type, one of the README's table of resource types (C(EFS), C(RDS), C(DynamoDB), ...; any case).
        type: str
        required: true
      settings:
        description:
          - The resource's settings as M(recovery.aws_backup.restored_resource) takes them; for Aurora its
            C(instance_identifiers) (default C(<name>-1)).
        type: dict
  restore_testing_plan:
    description:
      - Instead of the marked resources, the restore jobs this AWS Backup restore testing plan (its name or ARN) ran
        that completed within the longest validation window of its selections (RV(restore_testing_jobs)), each saying
        whether it awaits a validation result - no C(ValidationStatus), no C(DeletionStatus), and its validation window
        (its completion plus the C(ValidationWindowHours) of the plan's selection of its type, the shortest when
        several) not closed - and, for those that do, what the driver of its type expects of what it restored (for
        M(recovery.aws_backup.restored_resource)'s C(expected)).
      - One C(ListRestoreJobs) (C(ByRestoreTestingPlanArn)), one C(ListRestoreTestingSelections), C(GetRestoreTestingPlan)
        (a name) or C(ListRestoreTestingPlans) (an ARN), and C(GetRestoreJobMetadata) per awaiting job.
    type: str
    version_added: 0.3.0
notes:
  - Needs the read permissions of each type it lists - C(elasticfilesystem:DescribeFileSystems), C(rds:DescribeDBInstances),
    C(rds:DescribeDBClusters), C(ec2:DescribeVolumes), C(ec2:DescribeInstances), C(dynamodb:ListTables), C(dynamodb:DescribeTable),
    C(dynamodb:ListTagsOfResource), C(s3:ListAllMyBuckets), C(s3:GetBucketTagging) - and, with O(new_resources), those of the lookups; with
    O(restore_testing_plan) C(backup:ListRestoreJobs), C(backup:ListRestoreTestingSelections),
    C(backup:GetRestoreTestingPlan) or C(backup:ListRestoreTestingPlans), and C(backup:GetRestoreJobMetadata).
  - Identifiers are compared without case (RDS keeps them in lower case).
seealso:
  - module: recovery.aws_backup.restored_resource
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - recovery.aws_backup.requirements
"""

EXAMPLES = r"""
- name: Find what interrupted drills left behind
  recovery.aws_backup.restored_resource_info:
  register: leftovers

- name: Report them
  ansible.builtin.debug:
    msg: "{{ item.arn }} of run {{ item.run_id }} (restore job {{ item.restore_job_id }})"
  loop: "{{ leftovers.resources }}"

- name: Delete one run's leftovers, by ownership
  recovery.aws_backup.restored_resource:
    run_id: "{{ item.0 }}"
    restore_job_ids: "{{ item.1 | map(attribute='restore_job_id') | list }}"
    state: absent
  loop: "{{ leftovers.resources | groupby('run_id') }}"

- name: Before a drill, find the identifiers its restores would create that exist already
  recovery.aws_backup.restored_resource_info:
    new_resources:
      - name: orders-drill
        resource_type: RDS
      - name: ledger-drill
        resource_type: Aurora
        settings:
          instance_identifiers: [ledger-drill-1, ledger-drill-2]
  register: preflight
  failed_when: preflight.taken | length > 0
"""

RETURN = r"""
taken:
  description: The identifiers O(new_resources) would create that exist already.
  returned: with O(new_resources)
  type: list
  elements: dict
  contains:
    name:
      description: The new resource's name in O(new_resources).
      type: str
    identifier:
      description: The identifier that exists (lower case).
      type: str
      sample: orders-drill
    kind:
      description: What it names - C(db-instance) or C(db-cluster).
      type: str
      sample: db-instance
msg:
  description: Which identifiers of O(new_resources) exist already, when any do.
  returned: when an identifier of O(new_resources) exists already
  type: str
  sample: "orders-drill already exists; choose new names (nothing was started)"
restore_testing_plan_arn:
  description: The ARN of O(restore_testing_plan).
  returned: with O(restore_testing_plan)
  type: str
restore_testing_jobs:
  description: The plan's restore jobs that completed within its longest validation window, oldest first.
  returned: with O(restore_testing_plan)
  type: list
  elements: dict
  contains:
    name:
      description: The restore job id (the name the restore role gives it).
      type: str
    restore_job_id:
      description: The restore job.
      type: str
    resource_type:
      description: AWS Backup's resource type.
      type: str
    created_resource_arn:
      description: What it restored.
      type: str
    source_resource_arn:
      description: The resource whose recovery point it restored.
      type: str
    backup_vault_arn:
      description: The backup vault of the recovery point it restored.
      type: str
    recovery_point_creation_date:
      description: When the recovery point it restored was created (ISO 8601).
      type: str
    creation_date:
      description: When the restore job was created (ISO 8601).
      type: str
    completion_date:
      description: When it completed (ISO 8601).
      type: str
    validation_status:
      description: Its validation status, if one is set.
      type: str
    deletion_status:
      description: Whether AWS Backup is deleting, or deleted, what it restored.
      type: str
    validation_window_ends:
      description: When its validation window closes (ISO 8601); none when the plan has no selection of its type any more.
      type: str
    awaiting_validation:
      description: Whether it awaits a validation result (then RV(restore_testing_jobs[].reason) is empty).
      type: bool
    reason:
      description: Why it does not await one.
      type: str
    expected:
      description: What the built-in validation expects of what it restored (its type's driver, from the job's metadata).
      type: dict
      returned: when it awaits validation
resources:
  description: The marked resources, by type in the collection's order (EFS file systems, DB instances, DB clusters).
  returned: unless O(restore_testing_plan) is given
  type: list
  elements: dict
  contains:
    arn:
      description: The resource's ARN.
      type: str
      returned: always
    kind:
      description: C(efs), C(rds-instance) or C(rds-cluster).
      type: str
      returned: always
    identifier:
      description: The file system id, DB instance identifier or DB cluster identifier.
      type: str
      returned: always
    run_id:
      description: The run that marked it.
      type: str
      returned: always
    restore_job_id:
      description: The restore job it was marked as created by (an Aurora cluster's DB instances carry the cluster's).
      type: str
      returned: always
    created:
      description: When it was created (ISO 8601).
      type: str
      returned: always
    state:
      description: Its lifecycle state or status as AWS gives it, for example C(available).
      type: str
      returned: always
    tags:
      description: All its tags.
      type: dict
      returned: always
    members:
      description: The DB instance identifiers of a DB cluster.
      type: list
      elements: str
      returned: for DB clusters
    cluster_identifier:
      description: The cluster of a DB instance.
      type: str
      returned: for DB instances of a cluster
"""

from ansible_collections.recovery.aws_backup.plugins.module_utils.secret_params import BackupModule

from ansible_collections.recovery.aws_backup.plugins.module_utils.backup_retry import backup_retry
from ansible_collections.recovery.aws_backup.plugins.module_utils.restored_resource import lazy_clients
from ansible_collections.recovery.aws_backup.plugins.module_utils.restored_resource import run_info_module


def main() -> None:
    argument_spec = dict(
        run_id=dict(type="str"),
        new_resources=dict(
            type="list", elements="dict",
            options=dict(name=dict(type="str", required=True), resource_type=dict(type="str", required=True), settings=dict(type="dict")),
        ),
        restore_testing_plan=dict(type="str"),
    )  # fmt: skip
    module = BackupModule(
        argument_spec=argument_spec, supports_check_mode=True,
        mutually_exclusive=[("restore_testing_plan", "new_resources"), ("restore_testing_plan", "run_id")],
    )  # fmt: skip
    run_info_module(module, lazy_clients(lambda service: module.client(service, retry_decorator=backup_retry)))


if __name__ == "__main__":
    main()
