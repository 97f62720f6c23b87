#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: restored_resource_info
short_description: Find the resources drill runs marked as theirs (leftovers of interrupted runs)
version_added: 0.2.0
description:
  - Lists the EFS file systems, RDS DB instances and DB clusters that carry the tag C(recovery.aws_backup:run-id),
    which M(recovery.aws_backup.restored_resource) puts on what a run's restore jobs created.
  - One listing per resource type (DescribeFileSystems, DescribeDBInstances, DescribeDBClusters), whose answers
    include the tags, so the cost does not grow with the number of resources.
  - Read-only. To delete what is found, give its run and restore jobs to M(recovery.aws_backup.restored_resource)
    with O(recovery.aws_backup.restored_resource#module:state=absent), which checks ownership again.
options:
  run_id:
    description:
      - Only the resources of this run. By default those of every run.
    type: str
notes:
  - Needs C(elasticfilesystem:DescribeFileSystems), C(rds:DescribeDBInstances) and C(rds:DescribeDBClusters).
seealso:
  - module: recovery.aws_backup.restored_resource
author:
  - recovery.aws_backup maintainers (@recovery-aws-backup)
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
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
"""

RETURN = r"""
resources:
  description: The marked resources, EFS file systems first, then DB instances, then DB clusters.
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

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.recovery.aws_backup.plugins.module_utils.backup_retry import backup_retry
from ansible_collections.recovery.aws_backup.plugins.module_utils.restored_resource import lazy_clients
from ansible_collections.recovery.aws_backup.plugins.module_utils.restored_resource import run_info_module


def main() -> None:
    module = AnsibleAWSModule(argument_spec=dict(run_id=dict(type="str")), supports_check_mode=True)
    run_info_module(module, lazy_clients(lambda service: module.client(service, retry_decorator=backup_retry)))


if __name__ == "__main__":
    main()
