#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: restore_history
short_description: Append a restore run's record to the restore history
version_added: 0.4.0
description:
  - Builds the history record of a run of the C(recovery.aws_backup.restore) role from its record C(restore_run) - when, who
    or what ran it, the collection's version, and per target the resource, the recovery point and its age against the RPO,
    the vault, the restore job and what it created, the recovery time against the RTO, the validation, the teardown and
    the outcome - and writes it into O(directory) on the controller.
  - A validation run's record (C(restore_mode=validate)) holds per restore job of the restore testing plan it validated the
    resource, the recovery point and its age, the vault, the restore job and what it created, the plan, the verdict
    (C(SUCCESSFUL) or C(FAILED)) and its message, and whether the result was put; its recovery time and objectives stay empty
    and its teardown is C(by AWS restore testing).
  - One record per run, as one file named C(restore-<run id>.json). It is written atomically and exclusively (created under
    its name only if no file of that name exists), so a record is never rewritten and two runs at once both land without locks.
  - Who ran it - AWX's job variables (C(awx_job_id) or C(tower_job_id), C(awx_user_name), C(awx_job_template_name)) where the play
    has them, and always the controller's user and host.
  - Secrets never enter a record - values of keys naming credentials are masked, and so is any value of the targets'
    secret metadata (O(targets)) wherever it appears.
  - With O(s3), the record is also put into a bucket, under a prefix, by M(amazon.aws.s3_object) with the task's AWS connection
    options (module_defaults of C(group/recovery.aws_backup.aws) or C(group/amazon.aws.aws) give them); an object already there
    under its key is never replaced.
  - Runs on the controller (an action plugin).
author:
  - recovery.aws_backup maintainers (@recovery-aws-backup)
options:
  run:
    description: The role's record of the run, C(restore_run).
    type: dict
    required: true
  directory:
    description: The history directory on the controller (created when missing). Without it nothing is written.
    type: path
  s3:
    description: Also keep the record in a bucket.
    type: dict
    default: {}
    suboptions:
      bucket:
        description: The bucket (without it, no bucket is written to).
        type: str
      prefix:
        description: The key prefix; the record's key is C(<prefix>/restore-<run id>.json).
        type: str
        default: ""
      region:
        description: The bucket's Region, when not O(region).
        type: str
  targets:
    description: The run's targets (C(restore_targets)), whose secret metadata is masked in the record.
    type: list
    elements: raw
    default: []
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - recovery.aws_backup.attributes.no_diff
  - recovery.aws_backup.attributes.controller
attributes:
  check_mode:
    support: full
    description: Returns the record and writes nothing.
seealso:
  - module: recovery.aws_backup.evidence_report
"""

EXAMPLES = r"""
- name: Append the run's record to the history
  recovery.aws_backup.restore_history:
    run: "{{ restore_run }}"
    directory: /var/lib/drills/history
    targets: "{{ restore_targets }}"

- name: Append it to a directory and to a bucket
  recovery.aws_backup.restore_history:
    run: "{{ restore_run }}"
    directory: /var/lib/drills/history
    s3:
      bucket: drill-evidence
      prefix: drills/prod
    targets: "{{ restore_targets }}"
"""

RETURN = r"""
record:
  description: The record (see the role's README, "Audit evidence").
  returned: always
  type: dict
  sample: {"schema": "recovery.aws_backup/restore-history/1", "run_id": "20261204T151000Z-1a2b3c4d", "mode": "drill", "targets": []}
name:
  description: The record's file name.
  returned: always
  type: str
  sample: restore-20261204T151000Z-1a2b3c4d.json
path:
  description: Where it was written (in check mode, would be written); empty without O(directory).
  returned: always
  type: str
  sample: /var/lib/drills/history/restore-20261204T151000Z-1a2b3c4d.json
object:
  description: Where the record was put in the bucket (C(s3://bucket/key)); empty without O(s3.bucket).
  returned: always
  type: str
  sample: s3://drill-evidence/drills/prod/restore-20261204T151000Z-1a2b3c4d.json
"""
