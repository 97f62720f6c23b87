# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The resource-type drivers, by AWS Backup resource type.

Adding a type: a driver file (see base.Driver), a line in DRIVERS, its emulator support and tests.
"""

from __future__ import annotations

from typing import Any, Optional

from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.aurora import AuroraDriver
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import Driver
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import Ref
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.docdb import DocumentDbDriver
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.ebs import EbsDriver
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.ec2 import Ec2Driver
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.dynamodb import DynamoDBDriver
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.efs import EfsDriver
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.fsx import FsxDriver
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.neptune import NeptuneDriver
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.rds import RdsDriver
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.s3 import S3Driver

# In a stable order: listings, results and messages follow it.
DRIVERS: dict[str, Driver] = {
    driver.resource_type: driver
    for driver in (
        EfsDriver(), RdsDriver(), AuroraDriver(), DocumentDbDriver(), NeptuneDriver(), EbsDriver(), Ec2Driver(), DynamoDBDriver(), S3Driver(),
        FsxDriver(),
    )
}
RESOURCE_TYPES: tuple[str, ...] = tuple(DRIVERS)


def driver_for(resource_type: Any) -> Optional[Driver]:
    """The driver of a resource type, spelled in any case; None for a type without one."""
    if not isinstance(resource_type, str):
        return None
    wanted = resource_type.strip().lower()
    return next((driver for name, driver in DRIVERS.items() if name.lower() == wanted), None)


def driver_for_arn(arn: Any) -> Optional[tuple[Driver, Ref]]:
    """The driver and Ref of an ARN a restore job names as created; None for anything else
    (another service or resource type, a malformed ARN)."""
    if not isinstance(arn, str) or not arn.startswith("arn:") or any(c.isspace() for c in arn):
        return None
    for driver in DRIVERS.values():
        ref = driver.parse_arn(arn)
        if ref is not None:
            return driver, ref
    return None


def driver_for_resource(ref: Ref, raw: dict[str, Any]) -> Optional[Driver]:
    """The driver of a described resource: the first of those whose kinds hold ref.kind that
    claims the description (an ARN may not tell the type, as a DB cluster's does not)."""
    return next((driver for driver in DRIVERS.values() if ref.kind in driver.kinds and driver.claims(raw)), None)


def target_fields() -> dict[str, tuple[tuple[str, ...], Any]]:
    """Each per-type target field with the types that take it and its default (the first
    driver's), for the plan's rule that a field another type owns is refused unless at its default."""
    fields: dict[str, tuple[tuple[str, ...], Any]] = {}
    for driver in DRIVERS.values():
        for name, option in driver.target_options.items():
            types, default = fields.get(name, ((), option.default))
            fields[name] = (types + (driver.resource_type,), default)
    return fields


def settings_keys() -> tuple[str, ...]:
    """Every key a resource's settings may have: tags, and each driver's own."""
    keys = ["tags"]
    for driver in DRIVERS.values():
        keys += [k for k in driver.settings_keys if k not in keys]
    return tuple(keys)


def identifier_finders() -> dict[str, Driver]:
    """The driver that looks up each kind of new identifier (the first that can)."""
    finders: dict[str, Driver] = {}
    for driver in DRIVERS.values():
        for kind in driver.identifier_kinds:
            finders.setdefault(kind, driver)
    return finders
