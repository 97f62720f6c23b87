# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's errors: one class for bad input, and amazon.aws's AWSErrorHandler for AWS calls.

InputError is raised for any input a module or the role cannot act on, before any AWS call; its
message names the option. AWS errors are wrapped by BackupErrorHandler's decorators (amazon.aws's
AWSErrorHandler: "Failed to <description>") into BackupAWSError, which modules report with
fail_json_aws.
"""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError


class InputError(ValueError):
    """Bad input; the message names the option. Raised before any AWS call."""


class BackupAWSError(AnsibleAWSError):
    """An AWS call of this collection failed; the message says what was being done."""


class BackupErrorHandler(AWSErrorHandler):
    """amazon.aws's error handler for the collection's calls: `common_error_handler("describe X")`
    raises BackupAWSError("Failed to describe X"); `list_error_handler` and
    `deletion_error_handler` treat ResourceNotFoundException as "not there"."""

    _CUSTOM_EXCEPTION = BackupAWSError

    @classmethod
    def _is_missing(cls):
        return aws_error_code("ResourceNotFoundException")


def missing_when(*codes: str) -> type[BackupErrorHandler]:
    """A BackupErrorHandler for one service, whose list and deletion handlers take these AWS error
    codes (its "not found" answers) as "not there"."""

    class ServiceErrorHandler(BackupErrorHandler):
        @classmethod
        def _is_missing(cls):
            return aws_error_code(list(codes))

    return ServiceErrorHandler


def aws_error_code(codes: str | list[str]) -> type[Exception]:
    """amazon.aws's is_boto3_error_code, imported when an error is matched: importing it loads boto3,
    which the role's filters (Ansible loads them afresh for every task) share these files with
    and never need."""
    from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code

    return is_boto3_error_code(codes)
