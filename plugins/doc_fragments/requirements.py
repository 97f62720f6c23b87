# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the collection's modules need, in place of amazon.aws's boto3 fragment, whose "python >= 3.6"
is amazon.aws's own floor: the collection runs on the Pythons its lowest supported ansible-core
(2.17) takes on the controller, 3.10 and later (README, support table). boto3 and botocore are the
collection's requirements.txt minimums (tests/unit/test_docs.py holds the two equal, and equal to
amazon.aws's). A plain string: ansible-test's yamllint reads fragments without running them."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options: {}
requirements:
  - python >= 3.10
  - boto3 >= 1.34.0
  - botocore >= 1.34.0
"""

    # The evidence report's charts (plotly.js, embedded in the page, comes with it).
    PLOTLY = r"""
options: {}
requirements:
  - plotly >= 7.1.0
"""
