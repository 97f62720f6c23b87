# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The option the restore testing modules share: the plan's name, required by restore_testing_plan,
restore_testing_selection and restore_testing_selection_info (restore_testing_plan_info takes it
optionally, so it documents its own). A plain string: ansible-test reads fragments without running
them."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  restore_testing_plan_name:
    description:
      - The name of the restore testing plan (C(RestoreTestingPlanName)).
      - 1 to 50 letters, digits and underscores, as AWS names restore testing plans; anything else fails before any
        AWS call. AWS does not rename a plan.
    type: str
    required: true
"""
