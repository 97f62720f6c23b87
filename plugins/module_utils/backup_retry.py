# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The retry policy of every AWS Backup call this collection makes."""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

# amazon.aws retries "Throttling" and friends, but AWS Backup answers throttling with
# "ThrottlingException" and transient outages with "ServiceUnavailableException" (the
# errors its API model declares), which botocore gives up on after three attempts.
BACKUP_TRANSIENT_ERRORS = ["ThrottlingException", "ServiceUnavailableException"]

backup_retry = AWSRetry.jittered_backoff(catch_extra_error_codes=BACKUP_TRANSIENT_ERRORS)
