"""DynamoDB tables: a backup is a DynamoDB backup of the table; a restore creates a new table
(AWS Backup developer guide, "Restore a Amazon DynamoDB table",
https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-dynamodb.html)."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

from moto.backup.exceptions import InvalidParameterValueException, ResourceNotFoundException

if TYPE_CHECKING:
    from ..models import BackupJob, RecoveryPoint

from .base import ResourceHandler, RestoreOutcome, Source, metadata_value

ENCRYPTION_TYPES = ("Default", "KMS")
# "Restore a backup" (restoring-a-backup.html) lists DynamoDB among the types whose restore job
# fails when CopySourceTagsToRestoredResource is set; AWS's StatusMessage is not documented.
COPIED_TAGS_FAILURE = "CopySourceTagsToRestoredResource is not supported for DynamoDB restores."


def _dynamodb_backend(backend: Any) -> Any:
    from moto.dynamodb.models import dynamodb_backends

    return dynamodb_backends[backend.account_id][backend.region_name]


class DynamoDBHandler(ResourceHandler):
    resource_type = "DynamoDB"
    arn_pattern = re.compile(r"^arn:[\w-]+:dynamodb:[\w-]+:\d{12}:table/([a-zA-Z0-9_.\-]{3,255})$")

    def describe_source(self, backend: Any, arn: str) -> Source:
        name = self.arn_pattern.match(arn).group(1)  # type: ignore[union-attr]
        table = _dynamodb_backend(backend).tables.get(name)
        if table is None:
            raise ResourceNotFoundException(f"Resource {arn} not found")
        return Source(self.resource_type, name, table)

    def create_recovery_point(self, backend: Any, job: BackupJob, source: Source) -> RecoveryPoint:
        from ..models import RecoveryPoint

        table = source.resource
        # Without AWS Backup's advanced DynamoDB features, the recovery point is a DynamoDB
        # backup: arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/backup/ID (developer guide,
        # "Working with backups"), which DynamoDB's DescribeBackup reads.
        backup = _dynamodb_backend(backend).create_backup(table.name, f"awsbackup-job-{job.backup_job_id.lower()}")
        sse = table.sse_specification or {}
        kms_key = sse.get("KMSMasterKeyId") if sse.get("Enabled") else None
        # AWS publishes no GetRecoveryPointRestoreMetadata output for DynamoDB: the emulator gives
        # the table's encryption in the keys restoring-dynamodb documents, and no targetTableName
        # (the source's own name cannot create a new table).
        metadata = {"encryptionType": "KMS" if kms_key else "Default"}
        if kms_key:
            metadata["kmsMasterKeyArn"] = kms_key
        point = RecoveryPoint(
            backup.arn,
            job,
            restore_metadata=metadata,
            encryption_key_arn=kms_key,  # type: ignore[arg-type]
            is_encrypted=True,  # DynamoDB encrypts every table at rest
            backup_size_in_bytes=0,
            source_snapshot_id=backup.arn,
        )
        point.source_tags = list(_dynamodb_backend(backend).list_tags_of_resource(table.table_arn))
        return point

    def validate_restore_metadata(self, metadata: dict[str, str]) -> None:
        # restoring-dynamodb: targetTableName names the new table; encryptionType is Default or
        # KMS, and KMS takes the key in kmsMasterKeyArn. The guide does not say whether AWS
        # refuses the request or fails the job; the emulator refuses the request.
        name = metadata_value(metadata, "targetTableName")
        if not name:
            raise InvalidParameterValueException("Metadata key targetTableName is required for DynamoDB restores")
        if not re.fullmatch(r"[a-zA-Z0-9_.\-]{3,255}", name):
            raise InvalidParameterValueException(f"Invalid targetTableName: {name}")
        encryption = metadata_value(metadata, "encryptionType")
        if encryption is not None and encryption not in ENCRYPTION_TYPES:
            raise InvalidParameterValueException(f"Invalid encryptionType: {encryption}. Expected Default or KMS")
        key = metadata_value(metadata, "kmsMasterKeyArn")
        if encryption == "KMS" and not key:
            raise InvalidParameterValueException("kmsMasterKeyArn is required when encryptionType is KMS")
        if key and encryption != "KMS":
            raise InvalidParameterValueException("kmsMasterKeyArn is only valid with encryptionType KMS")

    def restore(
        self, backend: Any, point: RecoveryPoint, metadata: dict[str, str], copy_source_tags: bool = False
    ) -> RestoreOutcome:
        from moto.dynamodb.exceptions import BackupNotFoundException, TableAlreadyExistsException

        if copy_source_tags:
            return RestoreOutcome(error=COPIED_TAGS_FAILURE)
        dynamodb = _dynamodb_backend(backend)
        name = metadata_value(metadata, "targetTableName") or ""
        try:
            table = dynamodb.restore_table_from_backup(name, point.source_snapshot_id or point.recovery_point_arn)
        except TableAlreadyExistsException:
            # what DynamoDB answers RestoreTableFromBackup for a name in use; the job FAILS with it
            return RestoreOutcome(error=f"Table already exists (Service: DynamoDb, Status Code: 400, "
                                  f"Error Code: TableAlreadyExistsException): {name}")
        except BackupNotFoundException:
            # a copy in another Region or account: its DynamoDB backup is not modelled
            return RestoreOutcome(error=f"Backup not found: {point.recovery_point_arn}")
        if metadata_value(metadata, "encryptionType") == "KMS":
            table.sse_specification = {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": metadata_value(metadata, "kmsMasterKeyArn")}
        return RestoreOutcome(created_resource_arn=table.table_arn)

    def inferred_metadata(self, backend: Any, point: RecoveryPoint) -> dict[str, str]:
        # AWS Backup developer guide, "Restore testing inferred metadata", Amazon DynamoDB: the
        # encryption of the recovery point and a new table name starting awsbackup-restore-test-
        # (the prefix restore testing gives its scratch resources).
        return {
            **point.restore_metadata,
            "targetTableName": f"awsbackup-restore-test-{uuid.uuid4().hex[:16]}",
        }

    def delete_recovery_point(self, backend: Any, point: RecoveryPoint) -> None:
        # The DynamoDB backup is the point.
        _dynamodb_backend(backend).backups.pop(point.source_snapshot_id or "", None)
