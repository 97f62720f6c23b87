"""The emulator's resource types, one file each (as moto keeps one backend per service): what a
backup captures and what a restore creates. Adding a type: a handler file (see base.ResourceHandler)
and a line in RESOURCE_HANDLERS."""

from __future__ import annotations

from typing import Any

from .aurora import AuroraHandler
from .base import ResourceHandler
from .docdb import DocumentDbHandler
from .ebs import EbsHandler
from .ec2 import Ec2Handler
from .dynamodb import DynamoDBHandler
from .efs import EfsHandler
from .fsx import FsxHandler
from .neptune import NeptuneHandler
from .rds import RdsHandler
from .s3 import S3Handler

RESOURCE_HANDLERS: list[ResourceHandler] = [
    EfsHandler(), RdsHandler(), AuroraHandler(), DocumentDbHandler(), NeptuneHandler(), EbsHandler(), Ec2Handler(),
    DynamoDBHandler(), S3Handler(), FsxHandler(),
]


def handler_for_arn(arn: str, backend: Any = None) -> ResourceHandler | None:
    return next((h for h in RESOURCE_HANDLERS if h.matches(backend, arn)), None)


def handler_for_type(resource_type: str) -> ResourceHandler:
    return next(h for h in RESOURCE_HANDLERS if h.resource_type == resource_type)
