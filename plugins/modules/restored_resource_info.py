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
notes:
  - Needs the read permissions of each type it lists - C(elasticfilesystem:DescribeFileSystems), C(rds:DescribeDBInstances),
    C(rds:DescribeDBClusters), C(ec2:DescribeVolumes), C(ec2:DescribeInstances), C(dynamodb:ListTables), C(dynamodb:DescribeTable),
    C(dynamodb:ListTagsOfResource), C(s3:ListAllMyBuckets), C(s3:GetBucketTagging) - and, with O(new_resources), those of the lookups.
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
resources:
  description: The marked resources, by type in the collection's order (EFS file systems, DB instances, DB clusters).
  returned: always
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
    )  # fmt: skip
    module = BackupModule(argument_spec=argument_spec, supports_check_mode=True)
    run_info_module(module, lazy_clients(lambda service: module.client(service, retry_decorator=backup_retry)))


if __name__ == "__main__":
    main()
