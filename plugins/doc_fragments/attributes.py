# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Attributes several modules share, each module documenting its own check_mode (what it reads
and writes differs). A plain string: ansible-test's yamllint reads fragments without running them."""

from __future__ import annotations


class ModuleDocFragment:
    # Modules that report no diff.
    NO_DIFF = r"""
options: {}
attributes:
  diff_mode:
    support: none
    description: Shows no diff.
"""

    # Modules whose action plugin does the work on the controller.
    CONTROLLER = r"""
options: {}
attributes:
  platform:
    support: full
    platforms: posix
    description: Runs on the controller.
"""
