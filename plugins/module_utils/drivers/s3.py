# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""S3: a restore writes the backed-up objects into the bucket DestinationBucketName, a new one
(NewBucket true) or an existing one whose objects are never overwritten (AWS Backup developer
guide, "Restore S3 data", https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-s3.html).
A drill restores into a new bucket only: restoring into an existing bucket writes into data the
run does not own. The restore job fails when CopySourceTagsToRestoredResource is set for S3
(developer guide, "Restore a backup", restoring-a-backup.html): the run's tags go on afterwards.
A bucket is deleted once empty (Amazon S3 API Reference, DeleteBucket: "All objects (including all
object versions and delete markers) in the bucket must be deleted before the bucket itself can be
deleted", https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucket.html)."""

from __future__ import annotations

import json
import re
from typing import Any, Optional

from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import deletion_call
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import boolean_metadata
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import required_metadata
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import RUN_TAG
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import ClientFor
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import Listings
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import Driver
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import Ref
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import Step
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import TargetOption
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import differs
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import error_code
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import tag_dict
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import tag_list
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import InputError
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import missing_when
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import find_key

KIND = "s3-bucket"
# General purpose bucket names: 3 to 63 characters, lower-case letters, digits, dots and hyphens,
# beginning and ending with a letter or digit, no two adjacent dots, not formatted as an IP
# address, not starting with xn-- (Amazon S3 User Guide, "General purpose bucket naming rules",
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]")
BUCKET_RULES = "3 to 63 lower-case letters, digits, dots or hyphens, starting and ending with a letter or digit"
BOOLEAN_KEYS = ("NewBucket", "RestoreACLs")
MAX_ITEMS = 5
# DeleteObjects takes at most 1000 keys a request (Amazon S3 API Reference, DeleteObjects).
DELETE_BATCH = 1000


def bucket_reasons(name: str) -> list[str]:
    reasons = []
    if not BUCKET_NAME.fullmatch(name):
        reasons.append(f"use {BUCKET_RULES}")
    if ".." in name:
        reasons.append("no two adjacent dots")
    if re.fullmatch(r"\d+\.\d+\.\d+\.\d+", name):
        reasons.append("not formatted as an IP address")
    if name.startswith("xn--"):
        reasons.append("not starting with xn--")
    return reasons


_Errors = missing_when("NoSuchBucket", "NoSuchTagSet", "404", "NotFound")


@_Errors.common_error_handler("list the buckets")
def _list_buckets(client: Any) -> list[dict[str, Any]]:
    return client.list_buckets(aws_retry=True).get("Buckets", [])


@_Errors.list_error_handler("read the bucket's tags", [])
def _bucket_tags(client: Any, bucket: str) -> list[dict[str, str]]:
    return client.get_bucket_tagging(aws_retry=True, Bucket=bucket).get("TagSet", [])


@_Errors.list_error_handler("read the bucket's versioning", None)
def _bucket_versioning(client: Any, bucket: str) -> Optional[str]:
    return client.get_bucket_versioning(aws_retry=True, Bucket=bucket).get("Status") or "Disabled"


@_Errors.list_error_handler("count the bucket's objects", None)
def _count_objects(client: Any, bucket: str) -> Optional[int]:
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return sum(page.get("KeyCount", 0) for page in pages)


@_Errors.list_error_handler("list the bucket's object versions", [])
def _object_versions(client: Any, bucket: str) -> list[dict[str, str]]:
    """Every object version and delete marker: (Key, VersionId)."""
    found = []
    for page in client.get_paginator("list_object_versions").paginate(Bucket=bucket):
        for entry in page.get("Versions", []) + page.get("DeleteMarkers", []):
            found.append({"Key": entry["Key"], "VersionId": entry.get("VersionId") or "null"})
    return found


@_Errors.common_error_handler("tag the bucket")
def _put_tags(client: Any, bucket: str, tags: dict[str, str]) -> None:
    client.put_bucket_tagging(aws_retry=True, Bucket=bucket, Tagging={"TagSet": tag_list(tags)})


@_Errors.deletion_error_handler("delete the bucket's object versions")
def _delete_versions(client: Any, bucket: str, versions: list[dict[str, str]]) -> None:
    for start in range(0, len(versions), DELETE_BATCH):
        answer = client.delete_objects(aws_retry=True, Bucket=bucket, Delete={"Objects": versions[start:start + DELETE_BATCH], "Quiet": True})
        if answer.get("Errors"):
            failed = answer["Errors"][0]
            raise ValueError(f"S3 did not delete {failed.get('Key')} version {failed.get('VersionId')}: {failed.get('Code')}")


_delete_bucket = deletion_call(_Errors, "delete the bucket", "delete_bucket", "Bucket")


def _exists(client: Any, bucket: str) -> bool:
    """HeadBucket: 404 when no bucket has the name; 403 when one exists that is not the caller's."""
    try:
        client.head_bucket(aws_retry=True, Bucket=bucket)
    except Exception as error:  # noqa: BLE001 - botocore's ClientError, imported lazily
        code = error_code(error)
        if code in ("404", "NoSuchBucket", "NotFound"):
            return False
        if code in ("403", "AccessDenied"):
            return True
        raise
    return True


class S3Driver(Driver):
    resource_type = "S3"
    # The keys restoring-s3 documents for StartRestoreJob (read case-insensitively).
    restore_keys = frozenset(
        k.lower()
        for k in ("DestinationBucketName", "NewBucket", "RestoreACLs", "EncryptionType", "KMSKey", "ItemsToRestore", "RestoreLatestVersionsUpTo", "RestoreTime")
    )
    restore_keys_source = "https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-s3.html"
    new_resource_key = "NewBucket"
    services = ("s3",)
    kinds = (KIND,)
    identifier_kinds = (KIND,)
    identity_key = "DestinationBucketName"
    # CopySourceTagsToRestoredResource fails the job (restoring-a-backup).
    refuses_copied_tags = True
    settings_keys = ()
    target_options = {
        "existing_bucket": TargetOption(
            "bool", False, "S3 only, recover mode: restore into the existing bucket named name (NewBucket false; its objects are never overwritten)"
        ),
    }

    # ---- plan side

    def check_name(self, name: str, target: dict[str, Any]) -> list[str]:
        reasons = bucket_reasons(name)
        return [f"name {name!r} is not a valid S3 bucket name ({'; '.join(reasons)})"] if reasons else []

    def check_drill(self, target: dict[str, Any]) -> list[str]:
        if target.get("existing_bucket") is True:
            return ["existing_bucket is not supported in a drill: a drill restores into a new bucket only (an existing bucket's data is not the run's)"]
        new_bucket = find_key({str(k): None for k in target.get("metadata") or {}}, "NewBucket") if isinstance(target.get("metadata"), dict) else None
        if new_bucket is not None and str(target["metadata"][new_bucket]).strip().lower() == "false":
            return [f"metadata.{new_bucket} false is not supported in a drill: a drill restores into a new bucket only"]
        return []

    def identity_applies(self, target: dict[str, Any]) -> bool:
        # Into an existing bucket the target names the bucket restored into, which the run does not own.
        return target.get("existing_bucket") is not True

    def check_identity(self, name: Any, target: dict[str, Any]) -> list[str]:
        # The bucket is named by the target whether it is new or existing.
        metadata = target.get("metadata")
        if not isinstance(metadata, dict) or not isinstance(name, str):
            return []
        key = find_key({str(k): None for k in metadata}, self.identity_key or "")
        if key is None or metadata[key] == name:
            return []
        return [f"metadata.{key} is {metadata[key]!r}, not the name {name!r}: the name is the bucket restored into; set name instead"]

    def restore_metadata(self, name: str, target: dict[str, Any]) -> dict[str, Any]:
        return {"DestinationBucketName": name, "NewBucket": target.get("existing_bucket") is not True}

    def expected(self, name: str, target: dict[str, Any], metadata: dict[str, Any]) -> dict[str, Any]:
        return {"name": name}

    # ---- restore metadata

    def check_metadata(self, metadata: dict[str, str]) -> dict[str, str]:
        result = dict(metadata)
        bucket_key = required_metadata(result, "DestinationBucketName", "to restore an S3 recovery point (the bucket restored into)")
        boolean_metadata(result, BOOLEAN_KEYS)
        new_key = find_key(result, "NewBucket")
        if new_key is not None and result[new_key] == "true":
            reasons = bucket_reasons(result[bucket_key])
            if reasons:
                raise InputError(f"metadata.{bucket_key} {result[bucket_key]!r} is not a valid name for a new bucket ({'; '.join(reasons)})")
        items_key = find_key(result, "ItemsToRestore")
        if items_key is not None:
            try:
                items = json.loads(result[items_key])
            except ValueError:
                items = None
            # "Item level restore: you restore up to 5 items (S3 objects) per restore job by
            # specifying each item's S3 URI that uniquely identifies that object" (restoring-s3).
            if not isinstance(items, list) or not items or not all(isinstance(i, str) and i.startswith("s3://") for i in items):
                raise InputError(f"metadata.{items_key} must be a list of S3 URIs (s3://BUCKET/KEY), one per object to restore")
            if len(items) > MAX_ITEMS:
                raise InputError(f"metadata.{items_key} names {len(items)} objects; an S3 item-level restore takes at most {MAX_ITEMS}")
        return result

    # ---- AWS side

    def parse_arn(self, arn: str) -> Optional[Ref]:
        match = re.fullmatch(r"arn:[\w-]+:s3:::([^/]+)", arn)
        return Ref(arn, KIND, match.group(1)) if match and BUCKET_NAME.fullmatch(match.group(1)) else None

    def describe(self, client_for: ClientFor, ref: Ref) -> Optional[dict[str, Any]]:
        s3 = client_for("s3")
        listed = next((b for b in _list_buckets(s3) if b.get("Name") == ref.identifier), None)
        if listed is None:
            return None
        return {**listed, "BucketArn": ref.arn, "Tags": _bucket_tags(s3, ref.identifier)}

    def normalise(self, raw: dict[str, Any]) -> dict[str, Any]:
        return {
            "arn": raw.get("BucketArn") or f"arn:aws:s3:::{raw.get('Name')}", "kind": KIND, "identifier": raw.get("Name"),
            "created": raw.get("CreationDate"), "tags": tag_dict(raw.get("Tags")), "state": "available",
        }  # fmt: skip

    def find_marked(self, client_for: ClientFor, listings: Optional[Listings] = None) -> list[dict[str, Any]]:
        # S3 lists no tags with its buckets: ListBuckets, then each bucket's tags.
        s3 = client_for("s3")
        found = []
        for bucket in _list_buckets(s3):
            tags = _bucket_tags(s3, bucket["Name"])
            if RUN_TAG in tag_dict(tags):
                found.append(self.normalise({**bucket, "Tags": tags}))
        return found

    def find_taken(self, client_for: ClientFor, identifiers: list[tuple[str, str]]) -> list[tuple[str, str]]:
        # Bucket names are global: a name another account holds is taken too (HeadBucket 403).
        return [(kind, name) for kind, name in identifiers if kind == KIND and _exists(client_for("s3"), name)]

    def tag(self, client_for: ClientFor, ref: Ref, tags: dict[str, str]) -> None:
        # PutBucketTagging replaces the bucket's tag set: the tags there are stay.
        s3 = client_for("s3")
        _put_tags(s3, ref.identifier, {**tag_dict(_bucket_tags(s3, ref.identifier)), **tags})

    def make_usable_step(
        self, client_for: ClientFor, ref: Ref, raw: dict[str, Any], settings: dict[str, Any], tags: dict[str, str], check_mode: bool
    ) -> Step:
        """A bucket is usable once it exists; its versioning and object count are read here for
        validation (AWS records no object count with an S3 recovery point to compare with)."""
        if check_mode:
            return Step.done()
        s3 = client_for("s3")
        return Step("done", "", [], False, {**raw, "Versioning": _bucket_versioning(s3, ref.identifier), "ObjectCount": _count_objects(s3, ref.identifier)})

    def validate(self, facts: dict[str, Any], expected: dict[str, Any]) -> list[str]:
        problems: list[str] = []
        differs(facts, "name", expected.get("name"), problems)
        # AWS Backup restores S3 data into a versioned bucket (restoring-s3).
        differs(facts, "versioning", "Enabled", problems)
        if not isinstance(facts.get("object_count"), int):
            problems.append(f"object_count is {facts.get('object_count')!r}, expected a number of objects")
        return problems

    def delete_step(
        self, client_for: ClientFor, ref: Ref, raw: Optional[dict[str, Any]], dependents: list[dict[str, Any]], check_mode: bool
    ) -> Step:
        s3 = client_for("s3")
        if not _exists(s3, ref.identifier):
            return Step.done()
        if check_mode:
            return Step.done(changed=True)
        _delete_versions(s3, ref.identifier, _object_versions(s3, ref.identifier))
        left = _object_versions(s3, ref.identifier)
        if left:
            return Step.pending(f"{len(left)} object versions left in the bucket", changed=True)
        _delete_bucket(s3, ref.identifier)
        return Step.done(changed=True) if not _exists(s3, ref.identifier) else Step.pending("bucket still there", changed=True)

    def noun(self, ref: Ref) -> str:
        return f"S3 bucket {ref.identifier}"
