# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""EBS: a restore creates a new EBS volume from the snapshot that is the recovery point (AWS Backup
developer guide, "Restore an Amazon EBS volume",
https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-ebs.html). It is usable when
"available"; the built-in validation reads the volume's snapshot to compare the restored size
with the backed-up one. It is deleted with DeleteVolume, by the volume id the restore job names.

A file-level restore (restoreType) writes files into existing resources instead: it is allowed in
recover mode only, never in a drill (a drill deletes what it restored)."""

from __future__ import annotations

import re
from typing import Any, Optional


from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import deletion_call
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import NO_DEFAULT
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import RUN_TAG
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import ClientFor
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import Listings
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import Driver
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import Ref
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import arn_ref
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import Step
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import TargetOption
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import differs
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import differs_where_expected
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import name_tags
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import given
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import paginate
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import tag_dict
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import tag_list
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import InputError
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import missing_when
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import find_key

KIND = "ebs-volume"
NAME_KIND = "ebs-volume-name"  # a volume's Name tag value (EC2 has no other name for volumes)
_PAGE = "https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-ebs.html"
_CREATE_VOLUME = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVolume.html"
# EC2 tag values: "Constraints: Tag values are case-sensitive and accept a maximum of 256 Unicode
# characters." (Amazon EC2 API Reference, Tag). The role tags the restored volume Name=<name>.
NAME_MAX = 256
# CreateVolume's VolumeType values (Amazon EC2 API Reference, CreateVolume).
VOLUME_TYPES = ("standard", "io1", "io2", "gp2", "gp3", "sc1", "st1")
# CreateVolume: Iops "is supported for io1, io2, and gp3 volumes only"; Throughput "is valid only
# for gp3 volumes".
IOPS_TYPES = ("io1", "io2", "gp3")
THROUGHPUT_TYPES = ("gp3",)
INTEGER_KEYS = ("volumeSize", "iops", "throughput", "temporaryRestoreDays")
# The file-level restore keys of the developer guide's EBS page: such a restore writes files into
# an existing resource (a bucket or a volume), it does not create a volume.
FILE_LEVEL_KEYS = ("restoreType",)
_GONE_STATES = ("deleting", "deleted")
_STUCK_STATES = ("error",)


_Errors = missing_when("InvalidVolume.NotFound", "InvalidSnapshot.NotFound")


# The EBS calls of the EBS and EC2 drivers (an EC2 restore creates volumes and snapshots too).


@_Errors.list_error_handler("describe the EBS volumes", [])
def describe_volumes(client: Any, **params: Any) -> list[dict[str, Any]]:
    """DescribeVolumes, every page; the answer carries each volume's Tags. With a volume-id filter
    (not VolumeIds) an unknown id is left out instead of failing the call."""
    return paginate(client, "describe_volumes", "Volumes", **params)


@_Errors.list_error_handler("describe the EBS snapshots", [])
def describe_snapshots(client: Any, **params: Any) -> list[dict[str, Any]]:
    return paginate(client, "describe_snapshots", "Snapshots", **params)


delete_volume = deletion_call(_Errors, "delete the EBS volume", "delete_volume", "VolumeId")
delete_snapshot = deletion_call(_Errors, "delete the EBS snapshot", "delete_snapshot", "SnapshotId")


@_Errors.common_error_handler("tag the EC2 resources")
def create_tags(client: Any, resource_ids: list[str], tags: dict[str, str]) -> None:
    client.create_tags(aws_retry=True, Resources=list(resource_ids), Tags=tag_list(tags))


def name_problems(name: str, noun: str) -> list[str]:
    problems = []
    if len(name) > NAME_MAX:
        problems.append(f"name {name!r} is {len(name)} characters; an {noun} name is its Name tag, at most {NAME_MAX}")
    if name != name.strip():
        problems.append(f"name {name!r} starts or ends with whitespace; remove it")
    return problems


def find_named(client: Any, operation: str, result_key: str, names: list[str]) -> set[str]:
    """Which Name tag values are taken: one filtered listing."""
    if not names:
        return set()
    found = paginate(client, operation, result_key, Filters=[{"Name": "tag:Name", "Values": list(dict.fromkeys(names))}])
    if result_key == "Reservations":  # DescribeInstances nests instances in reservations
        found = [i for r in found for i in r.get("Instances", []) if i.get("State", {}).get("Name") != "terminated"]
    return {tag_dict(raw.get("Tags")).get("Name", "") for raw in found}


def _integer(key: str, value: str, low: int) -> str:
    text = value.strip()
    if not re.fullmatch(r"\d+", text) or int(text) < low:
        raise InputError(f"metadata.{key} must be a whole number of at least {low}, got {value!r}")
    return str(int(text))


def _boolean(key: str, value: str) -> str:
    lowered = value.strip().lower()
    if lowered not in ("true", "false"):
        raise InputError(f"metadata.{key} must be a boolean (true or false), got {value!r}")
    return lowered


def file_level(metadata: dict[str, Any]) -> bool:
    return any(find_key(metadata, k) is not None for k in FILE_LEVEL_KEYS)


class EbsDriver(Driver):
    resource_type = "EBS"
    services = ("ec2",)
    kinds = (KIND,)
    identifier_kinds = (NAME_KIND,)
    target_options = {
        "availability_zone": TargetOption("str", NO_DEFAULT, "the new volume's Availability Zone"),
        "volume_type": TargetOption("str", NO_DEFAULT, "the new volume's type (gp3, io2, ...)"),
    }

    # ---- plan side

    def check_name(self, name: str, target: dict[str, Any]) -> list[str]:
        return name_problems(name, "EBS volume")

    def check_fields(self, target: dict[str, Any]) -> list[str]:
        volume_type = target.get("volume_type")
        if given(volume_type) and volume_type not in VOLUME_TYPES:
            return [f"volume_type must be one of {', '.join(VOLUME_TYPES)}, got {volume_type!r}"]
        return []

    def check_drill(self, target: dict[str, Any]) -> list[str]:
        metadata = {str(k): None for k in target.get("metadata") or {}} if isinstance(target.get("metadata"), dict) else {}
        key = next((find_key(metadata, k) for k in FILE_LEVEL_KEYS if find_key(metadata, k) is not None), None)
        if key is None:
            return []
        return [
            f"metadata.{key} asks for a file-level restore, which writes into existing resources: a drill deletes what it "
            "restored, so it restores whole volumes only; use restore_mode recover for a file-level restore"
        ]

    def restore_metadata(self, name: str, target: dict[str, Any]) -> dict[str, Any]:
        built = {"availabilityZone": target.get("availability_zone") or None, "volumeType": target.get("volume_type") or None}
        return {key: value for key, value in built.items() if value is not None}

    def expected(self, name: str, target: dict[str, Any], metadata: dict[str, Any]) -> dict[str, Any]:
        expected: dict[str, Any] = {}
        for key, field_name in (("volumeSize", "size"), ("volumeType", "volume_type"), ("availabilityZone", "availability_zone")):
            found = find_key(metadata, key)
            if found is not None and given(metadata[found]):
                expected[field_name] = int(metadata[found]) if key == "volumeSize" and str(metadata[found]).strip().isdigit() else metadata[found]
        return expected

    def usable_settings(self, name: str, target: dict[str, Any], recovery_point_arn: Optional[str]) -> dict[str, Any]:
        return {"tags": name_tags(name, recovery_point_arn)}

    def in_place(self, metadata: dict[str, Any]) -> bool:
        return file_level(metadata)

    # ---- restore metadata

    def source_metadata(self, base: dict[str, str], user_metadata: dict[str, str]) -> dict[str, str]:
        # The backed-up volume's iops and throughput belong to its volume type: when the user
        # chooses another type that does not take them (CreateVolume), they are left out rather
        # than sent with it, unless the user gives them.
        type_key = find_key(user_metadata, "volumeType")
        if type_key is None:
            return dict(base)
        volume_type = str(user_metadata[type_key])
        result = dict(base)
        for name, types in (("iops", IOPS_TYPES), ("throughput", THROUGHPUT_TYPES)):
            key = find_key(result, name)
            if key is not None and volume_type not in types and find_key(user_metadata, name) is None:
                del result[key]
        return result

    def check_metadata(self, metadata: dict[str, str]) -> dict[str, str]:
        # Keys and values as the developer guide's EBS page and CreateVolume (which the restore
        # calls with them) document them.
        result = dict(metadata)
        for name in INTEGER_KEYS:
            key = find_key(result, name)
            if key is not None:
                result[key] = _integer(key, result[key], 1)
        encrypted_key = find_key(result, "encrypted")
        if encrypted_key is not None:
            result[encrypted_key] = _boolean(encrypted_key, result[encrypted_key])
        kms_key = find_key(result, "kmsKeyId")
        if kms_key is not None and encrypted_key is not None and result[encrypted_key] == "false":
            # CreateVolume: "If KmsKeyId is specified, the encrypted state must be true."
            raise InputError(f"metadata.{kms_key} requires metadata.{encrypted_key} to be true (see {_CREATE_VOLUME})")
        type_key = find_key(result, "volumeType")
        volume_type = result[type_key] if type_key is not None else None
        if volume_type is not None and volume_type not in VOLUME_TYPES:
            raise InputError(f"metadata.{type_key} must be one of {', '.join(VOLUME_TYPES)}, got {volume_type!r}")
        for name, types in (("iops", IOPS_TYPES), ("throughput", THROUGHPUT_TYPES)):
            key = find_key(result, name)
            if key is not None and volume_type is not None and volume_type not in types:
                raise InputError(f"metadata.{key} is valid for volume types {', '.join(types)} only, not {volume_type!r} (see {_CREATE_VOLUME})")
        return result

    # ---- AWS side

    def parse_arn(self, arn: str) -> Optional[Ref]:
        return arn_ref(arn, "ec2", "volume", r"vol-[0-9a-f]+", KIND)

    def _with_backed_up_size(self, client_for: ClientFor, raws: list[dict[str, Any]]) -> list[dict[str, Any]]:
        # The backed-up size is the snapshot's VolumeSize (the volume's own SnapshotId, the
        # recovery point): one DescribeSnapshots for all. Kept under a key of the collection's,
        # SourceSnapshotVolumeSize, beside what EC2 describes.
        ids = sorted({raw["SnapshotId"] for raw in raws if raw.get("SnapshotId")})
        snapshots = describe_snapshots(client_for("ec2"), Filters=[{"Name": "snapshot-id", "Values": ids}]) if ids else []
        sizes = {s["SnapshotId"]: s.get("VolumeSize") for s in snapshots}
        return [{**raw, "SourceSnapshotVolumeSize": sizes.get(raw.get("SnapshotId") or "")} for raw in raws]

    def describe(self, client_for: ClientFor, ref: Ref) -> Optional[dict[str, Any]]:
        return self.describe_many(client_for, [ref])[ref.identifier.lower()]

    def describe_many(self, client_for: ClientFor, refs: list[Ref]) -> dict[str, Optional[dict[str, Any]]]:
        ids = [ref.identifier for ref in refs]
        found = describe_volumes(client_for("ec2"), Filters=[{"Name": "volume-id", "Values": ids}])
        found = [raw for raw in found if raw.get("State") not in _GONE_STATES]
        by_id = {raw["VolumeId"].lower(): raw for raw in self._with_backed_up_size(client_for, found)}
        return {i.lower(): by_id.get(i.lower()) for i in ids}

    def normalise(self, raw: dict[str, Any]) -> dict[str, Any]:
        # DescribeVolumes names no ARN nor owner; the ARN is the restore job's CreatedResourceArn.
        return {
            "arn": None, "kind": KIND, "identifier": raw.get("VolumeId"),
            "created": raw.get("CreateTime"), "tags": tag_dict(raw.get("Tags")), "state": raw.get("State"),
        }  # fmt: skip

    def find_marked(self, client_for: ClientFor, listings: Optional[Listings] = None) -> list[dict[str, Any]]:
        found = describe_volumes(client_for("ec2"), Filters=[{"Name": "tag-key", "Values": [RUN_TAG]}])
        return [self.normalise(raw) for raw in found if raw.get("State") not in _GONE_STATES]

    def find_taken(self, client_for: ClientFor, identifiers: list[tuple[str, str]]) -> list[tuple[str, str]]:
        names = [i for kind, i in identifiers if kind == NAME_KIND]
        taken = find_named(client_for("ec2"), "describe_volumes", "Volumes", names)
        return [(kind, i) for kind, i in identifiers if kind == NAME_KIND and i in taken]

    def tag(self, client_for: ClientFor, ref: Ref, tags: dict[str, str]) -> None:
        create_tags(client_for("ec2"), [ref.identifier], tags)

    def make_usable_step(
        self, client_for: ClientFor, ref: Ref, raw: dict[str, Any], settings: dict[str, Any], tags: dict[str, str], check_mode: bool
    ) -> Step:
        return Step.by_state(self.noun(ref), raw.get("State"), ("available", "in-use"), _STUCK_STATES, check_mode, "volume")

    def validate(self, facts: dict[str, Any], expected: dict[str, Any]) -> list[str]:
        problems: list[str] = []
        differs(facts, "state", "available", problems)
        backed_up = facts.get("source_snapshot_volume_size")
        if "size" in expected:
            differs(facts, "size", expected["size"], problems)
        elif backed_up is None:
            problems.append(f"the backed-up size was not read: snapshot {facts.get('snapshot_id')!r} of the volume was not found")
        else:
            differs(facts, "size", backed_up, problems)
        differs_where_expected(facts, expected, ("volume_type", "availability_zone"), problems)
        return problems

    def delete_step(
        self, client_for: ClientFor, ref: Ref, raw: Optional[dict[str, Any]], dependents: list[dict[str, Any]], check_mode: bool
    ) -> Step:
        ec2 = client_for("ec2")
        found = describe_volumes(ec2, Filters=[{"Name": "volume-id", "Values": [ref.identifier]}])
        current = found[0] if found else None
        if current is None or current.get("State") == "deleted":
            return Step.done()
        if check_mode:
            return Step.done(changed=True)
        if current.get("State") == "in-use":
            # Attached to an instance since the restore: the run never attaches it, so whoever did
            # decides; DeleteVolume refuses an attached volume anyway.
            attached = ", ".join(a.get("InstanceId", "?") for a in current.get("Attachments") or [])
            return Step.stuck(f"{self.noun(ref)} is attached to {attached}; it is not detached by the run")
        if current.get("State") != "deleting":
            delete_volume(ec2, ref.identifier)
            found = describe_volumes(ec2, Filters=[{"Name": "volume-id", "Values": [ref.identifier]}])
            if not found or found[0].get("State") == "deleted":
                return Step.done(changed=True)
            current = found[0]
        return Step.pending(f"volume {current.get('State')}", changed=True)

    def noun(self, ref: Ref) -> str:
        return f"EBS volume {ref.identifier}"
