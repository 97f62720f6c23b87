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
  - One record per run, as one file named C(restore-<run id>.json). It is written atomically and exclusively (created under
    its name only if no file of that name exists), so a record is never rewritten and two runs at once both land without locks.
  - Who ran it - AWX's job variables (C(awx_job_id) or C(tower_job_id), C(awx_user_name), C(awx_job_template_name)) where the play
    has them, and always the controller's user and host.
  - Secrets never enter a record - values of keys naming credentials are masked, and so is any value of the targets'
    secret metadata (O(targets)) wherever it appears.
  - Runs on the controller (an action plugin). The record is returned, so that a next task can also store it elsewhere, for
    example in a bucket with M(amazon.aws.s3_object) under RV(object_key).
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
  object_prefix:
    description: A bucket prefix; RV(object_key) is the record's key under it.
    type: str
    default: ""
  targets:
    description: The run's targets (C(restore_targets)), whose secret metadata is masked in the record.
    type: list
    elements: raw
    default: []
attributes:
  check_mode:
    support: full
    description: Returns the record and writes nothing.
  diff_mode:
    support: none
    description: Shows no diff.
  platform:
    support: full
    platforms: posix
    description: Runs on the controller.
seealso:
  - module: recovery.aws_backup.evidence_report
"""

EXAMPLES = r"""
- name: Append the run's record to the history
  recovery.aws_backup.restore_history:
    run: "{{ restore_run }}"
    directory: /var/lib/drills/history
    targets: "{{ restore_targets }}"
  register: history

- name: And to the history bucket
  amazon.aws.s3_object:
    mode: put
    bucket: drill-evidence
    object: "{{ history.object_key }}"
    content: "{{ history.record | to_nice_json }}"
    overwrite: never
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
object_key:
  description: The record's key under O(object_prefix).
  returned: always
  type: str
  sample: drills/restore-20261204T151000Z-1a2b3c4d.json
"""
