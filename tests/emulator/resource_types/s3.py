"""S3 buckets: a backup captures the bucket's objects; a restore writes them into a new bucket or
an existing one without overwriting any object (AWS Backup developer guide, "Restore S3 data",
https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-s3.html)."""

from __future__ import annotations

import json
import re
import uuid
from typing import TYPE_CHECKING, Any

from moto.backup.exceptions import InvalidParameterValueException, ResourceNotFoundException
from moto.utilities.utils import get_partition

if TYPE_CHECKING:
    from ..models import BackupJob, RecoveryPoint

from .base import ResourceHandler, RestoreOutcome, Source, _bool_value, metadata_value

# "Restore a backup" (restoring-a-backup.html) lists S3 among the types whose restore job fails
# when CopySourceTagsToRestoredResource is set; AWS's StatusMessage is not documented.
COPIED_TAGS_FAILURE = "CopySourceTagsToRestoredResource is not supported for S3 restores."


def _s3_backend(backend: Any) -> Any:
    from moto.s3.models import s3_backends

    return s3_backends[backend.account_id][get_partition(backend.region_name)]


def _objects(bucket: Any) -> dict[str, bytes]:
    """The bucket's current objects (no delete markers), by key."""
    from moto.s3.models import FakeKey

    return {key.name: key.value for key in bucket.keys.values() if isinstance(key, FakeKey)}


class S3Handler(ResourceHandler):
    resource_type = "S3"
    arn_pattern = re.compile(r"^arn:[\w-]+:s3:::([a-z0-9][a-z0-9.\-]{1,61}[a-z0-9])$")

    def describe_source(self, backend: Any, arn: str) -> Source:
        name = self.arn_pattern.match(arn).group(1)  # type: ignore[union-attr]
        bucket = _s3_backend(backend).buckets.get(name)
        if bucket is None:
            raise ResourceNotFoundException(f"Resource {arn} not found")
        # "AWS Backup requires S3 Versioning ... to back up and restore S3 buckets" (developer
        # guide, "Amazon S3 backups", s3-backups.html); how AWS answers an unversioned bucket is
        # not documented: the emulator refuses the backup request.
        if bucket.versioning_status != "Enabled":
            raise InvalidParameterValueException(f"Versioning must be enabled on bucket {name} to back it up")
        return Source(self.resource_type, name, bucket)

    def create_recovery_point(self, backend: Any, job: BackupJob, source: Source) -> RecoveryPoint:
        from ..models import RecoveryPoint

        arn = (
            f"arn:{get_partition(backend.region_name)}:backup:{backend.region_name}:{backend.account_id}"
            f":recovery-point:{str(uuid.uuid4()).upper()}"
        )
        objects = _objects(source.resource)
        # AWS publishes no GetRecoveryPointRestoreMetadata output for S3: the emulator gives
        # NewBucket "true" only (never a DestinationBucketName: the source's own bucket is not a
        # restore's default destination).
        point = RecoveryPoint(
            arn,
            job,
            restore_metadata={"NewBucket": "true"},
            encryption_key_arn=job.vault.encryption_key_arn or backend.default_backup_key_arn(),
            is_encrypted=True,
            backup_size_in_bytes=sum(len(v) for v in objects.values()),
        )
        point.s3_objects = objects  # type: ignore[attr-defined]
        point.source_tags = list(_s3_backend(backend).get_bucket_tagging(source.resource_name).get("Tags") or [])
        return point

    def validate_restore_metadata(self, metadata: dict[str, str]) -> None:
        # restoring-s3: DestinationBucketName names the bucket restored into; NewBucket says
        # whether to create it. Whether AWS refuses the request or fails the job without them is
        # not documented: the emulator refuses the request.
        if not metadata_value(metadata, "DestinationBucketName"):
            raise InvalidParameterValueException("Metadata key DestinationBucketName is required for S3 restores")
        _bool_value(metadata, "NewBucket", False)
        items = metadata_value(metadata, "ItemsToRestore")
        if items:
            try:
                keys = json.loads(items)
            except ValueError:
                keys = None
            # restoring-s3: "up to 5 items (S3 objects) per restore job by specifying each item's
            # S3 URI that uniquely identifies that object"
            if not isinstance(keys, list) or not keys or not all(isinstance(k, str) and k.startswith("s3://") for k in keys):
                raise InvalidParameterValueException("ItemsToRestore must be a JSON list of S3 URIs")
            if len(keys) > 5:
                raise InvalidParameterValueException("ItemsToRestore takes at most 5 items")

    def restore(
        self, backend: Any, point: RecoveryPoint, metadata: dict[str, str], copy_source_tags: bool = False
    ) -> RestoreOutcome:
        if copy_source_tags:
            return RestoreOutcome(error=COPIED_TAGS_FAILURE)
        s3 = _s3_backend(backend)
        name = metadata_value(metadata, "DestinationBucketName") or ""
        if _bool_value(metadata, "NewBucket", False):
            if name in s3.buckets:
                # what S3 answers CreateBucket for a name in use; the job FAILS with it
                return RestoreOutcome(error=f"Bucket already exists (Service: S3, Status Code: 409, Error Code: BucketAlreadyExists): {name}")
            s3.create_bucket(name, backend.region_name)
            # The restore writes object versions: AWS Backup restores into a versioned bucket.
            s3.put_bucket_versioning(name, "Enabled")
        elif name not in s3.buckets:
            return RestoreOutcome(error=f"The specified bucket does not exist (Error Code: NoSuchBucket): {name}")
        bucket = s3.buckets[name]
        wanted = metadata_value(metadata, "ItemsToRestore")
        # s3://BUCKET/KEY: the object's key is what follows the bucket
        items = {uri.split("/", 3)[3] for uri in json.loads(wanted) if uri.count("/") >= 3} if wanted else None
        existing = _objects(bucket)
        for key, value in getattr(point, "s3_objects", {}).items():
            if items is not None and key not in items:
                continue
            # "Restores of objects are skipped if the destination bucket has an object with the
            # same name" (restoring-s3); a current delete marker counts as no object.
            if key not in existing:
                s3.put_object(name, key, value)
        return RestoreOutcome(created_resource_arn=f"arn:{get_partition(backend.region_name)}:s3:::{name}")

    def inferred_metadata(self, backend: Any, point: RecoveryPoint) -> dict[str, str]:
        # "Restore testing inferred metadata", Amazon S3: a new bucket with a random name (the
        # prefix restore testing gives its scratch resources).
        return {"DestinationBucketName": f"awsbackup-restore-test-{uuid.uuid4().hex[:16]}", "NewBucket": "true"}
