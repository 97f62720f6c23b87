#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: drill_files
short_description: Write and remove a drill's journal and reports on the controller
version_added: 0.3.0
description:
  - Writes each file of O(files) and removes each path of O(absent), on the Ansible controller, in the
    controller's own process (an action plugin), so no module process runs, whatever the host of the play.
  - Each file is written atomically (a reader sees the old file or the new one, never part of one),
    with its directory created when missing. A file that already holds the content, with the mode, is left alone.
  - The C(recovery.aws_backup.restore) role writes its journal and reports with it; for other files use
    M(ansible.builtin.copy).
author:
  - recovery.aws_backup maintainers (@recovery-aws-backup)
options:
  files:
    description: The files to write.
    type: list
    elements: dict
    default: []
    suboptions:
      path:
        description: Where to write, on the controller.
        type: path
        required: true
      content:
        description: The text to write (UTF-8).
        type: str
        required: true
      mode:
        description: The file's mode, octal (C('0640')).
        type: raw
        default: "0640"
  absent:
    description: Paths on the controller to remove; a missing one is not an error.
    type: list
    elements: path
    default: []
  directory_mode:
    description: The mode of directories created for O(files).
    type: raw
    default: "0750"
  stats:
    description:
      - Custom stats to publish as M(ansible.builtin.set_stats) does (aggregated, not per host) - what AWX keeps as the
        job's artifacts and passes to later workflow nodes.
    type: dict
    default: {}
    version_added: 0.3.0
extends_documentation_fragment:
  - recovery.aws_backup.attributes.no_diff
  - recovery.aws_backup.attributes.controller
attributes:
  check_mode:
    support: full
    description: Reports what would be written or removed, and writes nothing.
"""

EXAMPLES = r"""
- name: Write a drill's reports
  recovery.aws_backup.drill_files:
    files:
      - path: "{{ playbook_dir }}/reports/drill.json"
        content: "{{ report | to_nice_json }}"
      - path: "{{ playbook_dir }}/reports/drill.md"
        content: "{{ lookup('ansible.builtin.template', 'report.md.j2') }}"

- name: Remove a journal
  recovery.aws_backup.drill_files:
    absent:
      - "{{ playbook_dir }}/reports/drill-run.journal.json"
"""

RETURN = r"""
written:
  description: The paths written (in check mode, that would be written).
  returned: always
  type: list
  elements: str
  sample: ["/runner/project/reports/drill-20261125T020000Z-1a2b3c4d.json"]
removed:
  description: The paths removed (in check mode, that would be removed).
  returned: always
  type: list
  elements: str
  sample: []
"""
