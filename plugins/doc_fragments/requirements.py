# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the collection's modules need, in place of amazon.aws's boto3 fragment, whose "python >= 3.6"
is amazon.aws's own floor: the collection runs on the Pythons its lowest supported ansible-core
(2.17) takes on the controller, 3.10 and later (README, support table). boto3 and botocore are
amazon.aws's minimums, read from amazon.aws as its own fragment reads them, so the two never differ."""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils import botocore as botocore_utils


class ModuleDocFragment:
    DOCUMENTATION = f"""
options: {{}}
requirements:
  - python >= 3.10
  - boto3 >= {botocore_utils.MINIMUM_BOTO3_VERSION}
  - botocore >= {botocore_utils.MINIMUM_BOTOCORE_VERSION}
"""
