#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: evidence_report
short_description: Build the restore test evidence report from the restore history
version_added: 0.4.0
description:
  - Reads the restore history (the records M(recovery.aws_backup.restore_history) appends, one per drill) from a directory
    or a bucket prefix and writes three files into O(output_dir) - C(index.html), C(evidence.json) and C(evidence.csv).
  - C(index.html) is self-contained and works offline (the charting library, plotly.js, is embedded) - charts of
    recovery time and recovery point age per resource over time against their objectives (RTO, RPO), coverage, and the
    table of every restore test in the period.
  - Coverage - the protected resources of the vaults O(vaults) (ListProtectedResourcesByBackupVault) with no successful restore
    test in the period, matched by the backed-up resource's ARN. A test is successful when its restore completed and what it
    created was usable and passed validation.
  - A history file or object that cannot be read is reported (RV(unreadable), and on the page) and left as it is.
author:
  - recovery.aws_backup maintainers (@recovery-aws-backup)
options:
  history_dir:
    description: The history directory (the role's C(restore_history_dir)). One of O(history_dir) and O(history_s3) is required.
    type: path
  history_s3:
    description: The history in a bucket (the role's C(restore_history_s3)).
    type: dict
    suboptions:
      bucket:
        description: The bucket.
        type: str
        required: true
      prefix:
        description: The key prefix the records are under.
        type: str
        default: ""
      region:
        description: The bucket's Region, when not O(region).
        type: str
  output_dir:
    description: Where to write C(index.html), C(evidence.json) and C(evidence.csv) (created when missing).
    type: path
    required: true
  vaults:
    description: The backup vaults whose protected resources coverage is about. Without any, there is no coverage.
    type: list
    elements: str
    default: []
  backup_vault_account_id:
    description: The account owning O(vaults), when not the caller's.
    type: str
  period_days:
    description: The period, in days back from now, whose restore tests the report shows and coverage counts.
    type: int
    default: 90
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - recovery.aws_backup.requirements
  - recovery.aws_backup.requirements.plotly
  - recovery.aws_backup.attributes.no_diff
attributes:
  check_mode:
    support: full
    description: Reads the history and AWS, writes no file.
seealso:
  - module: recovery.aws_backup.restore_history
"""

EXAMPLES = r"""
- name: The evidence of the last quarter, with coverage of the production vault
  recovery.aws_backup.evidence_report:
    history_dir: /var/lib/drills/history
    output_dir: /var/www/evidence
    vaults: [prod-vault]
    period_days: 90

- name: From the history bucket
  recovery.aws_backup.evidence_report:
    history_s3:
      bucket: drill-evidence
      prefix: drills/prod
    output_dir: "{{ playbook_dir }}/evidence"
"""

RETURN = r"""
files:
  description: The files written (in check mode, that would be written).
  returned: always
  type: list
  elements: str
  sample: ["/var/www/evidence/index.html", "/var/www/evidence/evidence.json", "/var/www/evidence/evidence.csv"]
summary:
  description: Counts of the tests in the period.
  returned: always
  type: dict
  sample: {"tests": 12, "passed": 11, "failed": 1, "rto_missed": 1, "rpo_missed": 0, "resources_tested": 4}
records:
  description: The number of run records read.
  returned: always
  type: int
  sample: 6
untested:
  description: The ARNs of the protected resources with no successful restore test in the period (empty without O(vaults)).
  returned: always
  type: list
  elements: str
  sample: ["arn:aws:rds:us-east-1:123456789012:cluster:orders"]
unreadable:
  description: History entries that cannot be read, each C(path) (a file, or an C(s3://) address) and C(error).
  returned: always
  type: list
  elements: dict
  sample: []
"""

import os
from datetime import datetime
from datetime import timezone

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.recovery.aws_backup.plugins.module_utils.backup_retry import backup_retry
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import BackupAWSError
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import InputError
from ansible_collections.recovery.aws_backup.plugins.module_utils.evidence import csv_text
from ansible_collections.recovery.aws_backup.plugins.module_utils.evidence import evidence
from ansible_collections.recovery.aws_backup.plugins.module_utils.evidence import evidence_json
from ansible_collections.recovery.aws_backup.plugins.module_utils.evidence import html
from ansible_collections.recovery.aws_backup.plugins.module_utils.evidence import list_protected_resources_by_backup_vault
from ansible_collections.recovery.aws_backup.plugins.module_utils.evidence import read_bucket
from ansible_collections.recovery.aws_backup.plugins.module_utils.evidence import since
from ansible_collections.recovery.aws_backup.plugins.module_utils.evidence import write_file
from ansible_collections.recovery.aws_backup.plugins.module_utils.history import HistoryError
from ansible_collections.recovery.aws_backup.plugins.module_utils.history import read_directory
from ansible_collections.recovery.aws_backup.plugins.module_utils.secret_params import BackupModule

try:
    import plotly
except ImportError:
    plotly = None


def main() -> None:
    module = BackupModule(
        argument_spec=dict(
            history_dir=dict(type="path"),
            history_s3=dict(type="dict", options=dict(bucket=dict(type="str", required=True), prefix=dict(type="str", default=""), region=dict(type="str"))),
            output_dir=dict(type="path", required=True),
            vaults=dict(type="list", elements="str", default=[]),
            backup_vault_account_id=dict(type="str"),
            period_days=dict(type="int", default=90),
        ),
        required_one_of=[["history_dir", "history_s3"]],
        mutually_exclusive=[["history_dir", "history_s3"]],
        supports_check_mode=True,
    )
    params = module.params
    if plotly is None:
        module.fail_json(msg=module.missing_required_lib("plotly"))
    now = datetime.now(timezone.utc)
    try:
        since(now, params["period_days"])
    except InputError as e:
        module.fail_json(msg=str(e))

    try:
        if params["history_dir"]:
            source = params["history_dir"]
            records, unreadable = read_directory(source)
        else:
            bucket, prefix = params["history_s3"]["bucket"], params["history_s3"]["prefix"]
            source = f"s3://{bucket}/{prefix.strip('/')}"
            where = {"region": params["history_s3"]["region"]} if params["history_s3"]["region"] else {}
            records, unreadable = read_bucket(module.client("s3", retry_decorator=AWSRetry.jittered_backoff(), **where), bucket, prefix)
        protected = None
        if params["vaults"]:
            client = module.client("backup", retry_decorator=backup_retry)
            protected = []
            for vault in params["vaults"]:
                protected += list_protected_resources_by_backup_vault(client, vault, params["backup_vault_account_id"])
    except HistoryError as e:
        module.fail_json(msg=str(e))
    except BackupAWSError as e:
        module.fail_json_aws(e.exception or e, msg=str(e))

    data = evidence(records, unreadable, protected, params["vaults"], now, params["period_days"], source)
    output_dir = params["output_dir"]
    contents = {"index.html": html(data), "evidence.json": evidence_json(data), "evidence.csv": csv_text(data["tests"])}
    files = [os.path.join(output_dir, name) for name in contents]
    changed = True
    if not module.check_mode:
        try:
            os.makedirs(output_dir, mode=0o750, exist_ok=True)
            # Every file written, even once one has changed.
            written = [write_file(os.path.join(output_dir, name), content) for name, content in contents.items()]
            changed = any(written)
        except OSError as e:
            module.fail_json(msg=f"cannot write the evidence report into {output_dir}: {e.strerror or e}")
    for entry in unreadable:
        module.warn(f"restore history entry left as it is, it cannot be read: {entry['error']}")
    module.exit_json(
        changed=changed, files=files, summary=data["summary"], records=data["records"], unreadable=unreadable,
        untested=(data["coverage"] or {}).get("untested", []),
    )


if __name__ == "__main__":
    main()
