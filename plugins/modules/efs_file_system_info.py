#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: efs_file_system_info
short_description: Describe EFS file systems by ID (what the restore role validates)
version_added: 0.1.0
description:
  - Describes EFS file systems (DescribeFileSystems) and their mount targets (DescribeMountTargets).
  - Unlike M(community.aws.efs_info) it does not call the deprecated EFS C(DescribeTags) API; tags are
    taken from the C(Tags) DescribeFileSystems returns.
options:
  file_system_id:
    description:
      - ID (V(fs-...)) or ARN of the file system.
    type: str
    required: true
author:
  - recovery.aws_backup maintainers (@recovery-aws-backup)
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Describe a restored file system
  recovery.aws_backup.efs_file_system_info:
    file_system_id: fs-0123456789abcdef0
  register: restored
"""

RETURN = r"""
file_system:
  description: The file system (snake_case DescribeFileSystems fields), with C(tags) as a dict and C(mount_targets);
    empty when it does not exist.
  returned: always
  type: dict
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict


def main() -> None:
    module = AnsibleAWSModule(argument_spec=dict(file_system_id=dict(type="str", required=True)), supports_check_mode=True)
    file_system_id = module.params["file_system_id"].split("/")[-1]
    client = module.client("efs", retry_decorator=AWSRetry.jittered_backoff())
    try:
        file_systems = client.describe_file_systems(aws_retry=True, FileSystemId=file_system_id)["FileSystems"]
    except client.exceptions.FileSystemNotFound:
        module.exit_json(changed=False, file_system={})
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"describing EFS file system {file_system_id}")
    try:
        mount_targets = client.describe_mount_targets(aws_retry=True, FileSystemId=file_system_id)["MountTargets"]
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"listing the mount targets of EFS file system {file_system_id}")
    file_system = file_systems[0]
    tags = boto3_tag_list_to_ansible_dict(file_system.pop("Tags", []))
    result = camel_dict_to_snake_dict({**file_system, "MountTargets": mount_targets})
    result["tags"] = tags
    module.exit_json(changed=False, file_system=result)


if __name__ == "__main__":
    main()
