# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""EC2: "When you restore an EC2 instance, AWS Backup creates an Amazon Machine Image (AMI), an
instance, the Amazon EBS root volume, Amazon EBS data volumes (if the protected resource had data
volumes), and Amazon EBS snapshots" (AWS Backup developer guide, "Restore an Amazon EC2 instance",
https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-ec2.html). The restore job names
the instance (CreatedResourceArn); the rest the driver finds from it: the volumes attached to it,
and the AMI it was launched from with that AMI's snapshots when they are not the recovery point
and were made after the job started. All of them get the run's mark with the instance, and
teardown deletes what carries the mark of the instance's own restore job, never anything by name.

Usable when "running" with every volume attached. Deleted in an order an interruption cannot
leave half done: the AMI and its snapshots, then TerminateInstances with the run's volumes set to
go with it (termination protection, which a restore may copy from the backup, is turned off first:
the instance is the run's), then any run's volume left detached."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Optional


from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import deletion_call
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import boolean_metadata
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import JOB_TAG
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import NO_DEFAULT
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import RUN_TAG
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import ClientFor
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import Listings
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import Driver
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import Ref
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import arn_ref
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import Step
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import TargetOption
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import aware
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import differs_where_expected
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import name_tags
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import paginate
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import tag_dict
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.ebs import create_tags
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.ebs import delete_snapshot
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.ebs import delete_volume
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.ebs import describe_snapshots
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.ebs import describe_volumes
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.ebs import find_named
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.ebs import name_problems
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import InputError
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import missing_when
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import find_key

KIND = "ec2-instance"
NAME_KIND = "ec2-instance-name"
_PAGE = "https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-ec2.html"
# Values the developer guide's EC2 page shows as JSON objects in the restore metadata
# (GetRecoveryPointRestoreMetadata output): Placement, IamInstanceProfile, CpuOptions,
# CreditSpecification, MetadataOptions.
STRUCTURED_KEYS = frozenset({"placement", "iaminstanceprofile", "cpuoptions", "creditspecification", "metadataoptions"})
# Keys the EC2 page documents as booleans, and SecurityGroupIds as a list of ids.
BOOLEAN_KEYS = ("RequireIMDSv2", "DisableApiTermination", "EbsOptimized")
_GONE_STATES = ("shutting-down", "terminated")
_STUCK_STATES = ("stopped", "stopping")


_Errors = missing_when("InvalidInstanceID.NotFound", "InvalidAMIID.NotFound")


@_Errors.list_error_handler("describe the EC2 instances", [])
def _describe_instances(client: Any, **params: Any) -> list[dict[str, Any]]:
    """DescribeInstances, every page, the instances out of their reservations (with their Tags)."""
    return [i for r in paginate(client, "describe_instances", "Reservations", **params) for i in r.get("Instances", [])]


@_Errors.list_error_handler("describe the AMIs", [])
def _describe_images(client: Any, **params: Any) -> list[dict[str, Any]]:
    return client.describe_images(aws_retry=True, **params).get("Images", [])


@_Errors.common_error_handler("describe the restore job")
def _describe_restore_job(client: Any, restore_job_id: str) -> dict[str, Any]:
    return client.describe_restore_job(aws_retry=True, RestoreJobId=restore_job_id)


@_Errors.common_error_handler("turn termination protection off")
def _allow_termination(client: Any, instance_id: str) -> None:
    client.modify_instance_attribute(aws_retry=True, InstanceId=instance_id, DisableApiTermination={"Value": False})


@_Errors.common_error_handler("set the run's volumes to be deleted with the instance")
def _delete_on_termination(client: Any, instance_id: str, device_names: list[str]) -> None:
    mappings = [{"DeviceName": name, "Ebs": {"DeleteOnTermination": True}} for name in device_names]
    client.modify_instance_attribute(aws_retry=True, InstanceId=instance_id, BlockDeviceMappings=mappings)


@_Errors.deletion_error_handler("terminate the EC2 instance")
def _terminate_instance(client: Any, instance_id: str) -> None:
    client.terminate_instances(aws_retry=True, InstanceIds=[instance_id])


_deregister_image = deletion_call(_Errors, "deregister the AMI", "deregister_image", "ImageId")


def _created(value: Any) -> Optional[datetime]:
    if isinstance(value, str):
        try:
            return aware(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return None
    return aware(value)


def _job_marked(job_id: str) -> list[dict[str, Any]]:
    return [{"Name": f"tag:{JOB_TAG}", "Values": [job_id]}]


def _json_list(key: str, value: str) -> list[Any]:
    try:
        items = json.loads(value)
    except ValueError:
        items = None
    if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
        raise InputError(f"metadata.{key} must be a list of ids, e.g. ['sg-0123abcd'], got {value!r}")
    return items


class Ec2Driver(Driver):
    resource_type = "EC2"
    services = ("ec2",)
    kinds = (KIND,)
    identifier_kinds = (NAME_KIND,)
    structured_keys = STRUCTURED_KEYS
    target_options = {
        "instance_type": TargetOption("str", NO_DEFAULT, "the instance type"),
        "subnet_id": TargetOption("str", NO_DEFAULT, "the subnet the instance is launched in"),
        "security_group_ids": TargetOption("list", NO_DEFAULT, "the instance's security groups"),
    }

    # ---- plan side

    def check_name(self, name: str, target: dict[str, Any]) -> list[str]:
        return name_problems(name, "EC2 instance")

    def restore_metadata(self, name: str, target: dict[str, Any]) -> dict[str, Any]:
        built = {
            "InstanceType": target.get("instance_type") or None,
            "SubnetId": target.get("subnet_id") or None,
            "SecurityGroupIds": list(target["security_group_ids"]) if target.get("security_group_ids") else None,
        }
        return {key: value for key, value in built.items() if value is not None}

    def expected(self, name: str, target: dict[str, Any], metadata: dict[str, Any]) -> dict[str, Any]:
        expected = {}
        for key, field_name in (("InstanceType", "instance_type"), ("SubnetId", "subnet_id")):
            found = find_key(metadata, key)
            if found is not None and metadata[found]:
                expected[field_name] = metadata[found]
        return expected

    def usable_settings(self, name: str, target: dict[str, Any], recovery_point_arn: Optional[str]) -> dict[str, Any]:
        return {"tags": name_tags(name, recovery_point_arn)}

    # ---- restore metadata

    def check_metadata(self, metadata: dict[str, str]) -> dict[str, str]:
        result = dict(metadata)
        boolean_metadata(result, BOOLEAN_KEYS)
        key = find_key(result, "SecurityGroupIds")
        if key is not None:
            _json_list(key, result[key])
        for key in result:
            if key.lower() in STRUCTURED_KEYS and result[key].strip()[:1] == "{":
                try:
                    json.loads(result[key])
                except ValueError:
                    raise InputError(f"metadata.{key} must be a JSON object (see {_PAGE})") from None
        key = find_key(result, "IamInstanceProfileName")
        if key is not None and result[key] not in ("UseBackedUpValue", "null", ""):
            # The page: "IamInstanceProfileName: UseBackedUpValue or null" (the backed-up profile or none).
            raise InputError(f"metadata.{key} must be UseBackedUpValue or null (see {_PAGE}), got {result[key]!r}")
        return result

    # ---- AWS side

    def parse_arn(self, arn: str) -> Optional[Ref]:
        return arn_ref(arn, "ec2", "instance", r"i-[0-9a-f]+", KIND)

    def describe(self, client_for: ClientFor, ref: Ref) -> Optional[dict[str, Any]]:
        return self.describe_many(client_for, [ref])[ref.identifier.lower()]

    def describe_many(self, client_for: ClientFor, refs: list[Ref]) -> dict[str, Optional[dict[str, Any]]]:
        # The instances in one call, their volumes in one more (the attachments' state is the
        # volumes'; the driver keeps them under AttachedVolumes beside what EC2 describes).
        ec2 = client_for("ec2")
        ids = [ref.identifier for ref in refs]
        found = [i for i in _describe_instances(ec2, Filters=[{"Name": "instance-id", "Values": ids}])
                 if i.get("State", {}).get("Name") not in _GONE_STATES]  # fmt: skip
        volumes = describe_volumes(ec2, Filters=[{"Name": "attachment.instance-id", "Values": [i["InstanceId"] for i in found]}]) if found else []
        by_id = {}
        for raw in found:
            attached = [
                {"VolumeId": v["VolumeId"], "Size": v.get("Size"), "State": v.get("State"),
                 "Attachment": next((a.get("State") for a in v.get("Attachments") or [] if a.get("InstanceId") == raw["InstanceId"]), None)}
                for v in volumes if any(a.get("InstanceId") == raw["InstanceId"] for a in v.get("Attachments") or [])
            ]  # fmt: skip
            by_id[raw["InstanceId"].lower()] = {**raw, "AttachedVolumes": attached}
        return {i.lower(): by_id.get(i.lower()) for i in ids}

    def normalise(self, raw: dict[str, Any]) -> dict[str, Any]:
        return {
            "arn": None, "kind": KIND, "identifier": raw.get("InstanceId"), "created": raw.get("LaunchTime"),
            "tags": tag_dict(raw.get("Tags")), "state": raw.get("State", {}).get("Name"),
        }  # fmt: skip

    def find_marked(self, client_for: ClientFor, listings: Optional[Listings] = None) -> list[dict[str, Any]]:
        found = _describe_instances(client_for("ec2"), Filters=[{"Name": "tag-key", "Values": [RUN_TAG]}])
        return [self.normalise(raw) for raw in found if raw.get("State", {}).get("Name") != "terminated"]

    def find_taken(self, client_for: ClientFor, identifiers: list[tuple[str, str]]) -> list[tuple[str, str]]:
        names = [i for kind, i in identifiers if kind == NAME_KIND]
        taken = find_named(client_for("ec2"), "describe_instances", "Reservations", names)
        return [(kind, i) for kind, i in identifiers if kind == NAME_KIND and i in taken]

    def _restore_made(self, client_for: ClientFor, raw: dict[str, Any], job_id: str) -> list[str]:
        """The ids of the AMI the instance was launched from and its snapshots, when the restore
        job made them: not the recovery point, and created after the job started."""
        job = _describe_restore_job(client_for("backup"), job_id)
        started = _created(job.get("CreationDate"))
        image_id = raw.get("ImageId") or ""
        if not image_id or image_id in str(job.get("RecoveryPointArn") or "") or started is None:
            return []
        # AWS gives some creation times to the second: the job's is compared at that precision.
        started = started.replace(microsecond=0)
        images = _describe_images(client_for("ec2"), Filters=[{"Name": "image-id", "Values": [image_id]}])
        if not images or (_created(images[0].get("CreationDate")) or started) < started:
            return []
        snapshots = [m["Ebs"]["SnapshotId"] for m in images[0].get("BlockDeviceMappings") or [] if (m.get("Ebs") or {}).get("SnapshotId")]
        found = describe_snapshots(client_for("ec2"), Filters=[{"Name": "snapshot-id", "Values": snapshots}]) if snapshots else []
        return [image_id] + [s["SnapshotId"] for s in found if (_created(s.get("StartTime")) or started) >= started]

    def tag(self, client_for: ClientFor, ref: Ref, tags: dict[str, str]) -> None:
        # The mark goes on everything the restore made, with the instance: its volumes, and with
        # the restore job known (JOB_TAG), the AMI and snapshots that job made.
        raw = self.describe(client_for, ref) or {}
        ids = [ref.identifier] + [v["VolumeId"] for v in raw.get("AttachedVolumes") or []]
        if tags.get(JOB_TAG) and raw:
            ids += self._restore_made(client_for, raw, tags[JOB_TAG])
        create_tags(client_for("ec2"), ids, tags)

    def _owned(self, client_for: ClientFor, job_id: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
        """The volumes, AMIs and snapshots carrying the mark of this restore job."""
        ec2 = client_for("ec2")
        volumes = [v for v in describe_volumes(ec2, Filters=_job_marked(job_id)) if v.get("State") not in ("deleting", "deleted")]
        images = _describe_images(ec2, Owners=["self"], Filters=_job_marked(job_id))
        snapshots = describe_snapshots(ec2, OwnerIds=["self"], Filters=_job_marked(job_id))
        return volumes, images, snapshots

    def dependents(self, client_for: ClientFor, ref: Ref, raw: dict[str, Any]) -> list[dict[str, Any]]:
        job_id = tag_dict(raw.get("Tags")).get(JOB_TAG)
        if not job_id:
            return []
        volumes, images, snapshots = self._owned(client_for, job_id)
        return (
            [{"arn": None, "kind": "ebs-volume", "identifier": v["VolumeId"], "created": v.get("CreateTime"),
              "tags": tag_dict(v.get("Tags")), "state": v.get("State")} for v in volumes]
            + [{"arn": None, "kind": "ec2-image", "identifier": i["ImageId"], "created": _created(i.get("CreationDate")),
                "tags": tag_dict(i.get("Tags")), "state": i.get("State")} for i in images]
            + [{"arn": None, "kind": "ebs-snapshot", "identifier": s["SnapshotId"], "created": s.get("StartTime"),
                "tags": tag_dict(s.get("Tags")), "state": s.get("State")} for s in snapshots]
        )  # fmt: skip

    def make_usable_step(
        self, client_for: ClientFor, ref: Ref, raw: dict[str, Any], settings: dict[str, Any], tags: dict[str, str], check_mode: bool
    ) -> Step:
        state = raw.get("State", {}).get("Name")
        if state in _STUCK_STATES:
            return Step.stuck(f"{self.noun(ref)} is {state}, which it does not leave by itself")
        return Step.done() if state == "running" or check_mode else Step.pending(f"instance {state}")

    def validate(self, facts: dict[str, Any], expected: dict[str, Any]) -> list[str]:
        problems: list[str] = []
        if (facts.get("state") or {}).get("name") != "running":
            problems.append(f"state is {(facts.get('state') or {}).get('name')!r}, expected 'running'")
        volumes = facts.get("attached_volumes") or []
        if not volumes:
            problems.append("no volume is attached")
        detached = [f"{v.get('volume_id')} {v.get('attachment')}" for v in volumes if v.get("attachment") != "attached"]
        if detached:
            problems.append(f"volumes not attached: {', '.join(detached)}")
        mapped = {(m.get("ebs") or {}).get("volume_id") for m in facts.get("block_device_mappings") or []} - {None}
        missing = sorted(mapped - {v.get("volume_id") for v in volumes})
        if missing:
            problems.append(f"volumes of the block device mappings not found: {', '.join(missing)}")
        differs_where_expected(facts, expected, ("instance_type", "subnet_id"), problems)
        return problems

    def delete_step(
        self, client_for: ClientFor, ref: Ref, raw: Optional[dict[str, Any]], dependents: list[dict[str, Any]], check_mode: bool
    ) -> Step:
        # In an order that leaves nothing behind if interrupted: the AMI and its snapshots first
        # (a running instance does not need its AMI); then the run's attached volumes are set to
        # go with the instance (ModifyInstanceAttribute BlockDeviceMappings DeleteOnTermination,
        # Amazon EC2 API Reference), and the instance is terminated; a run's volume left
        # detached goes last. Everything by the mark of the instance's own restore job.
        ec2 = client_for("ec2")
        found = _describe_instances(ec2, Filters=[{"Name": "instance-id", "Values": [ref.identifier]}])
        current = found[0] if found else None
        state = (current or {}).get("State", {}).get("Name")
        job_id = tag_dict((current or {}).get("Tags")).get(JOB_TAG)
        if check_mode:
            return Step.done(changed=current is not None and state != "terminated")
        volumes, images, snapshots = self._owned(client_for, job_id) if job_id else ([], [], [])
        for image in images:
            _deregister_image(ec2, image["ImageId"])
        for snapshot in snapshots:
            delete_snapshot(ec2, snapshot["SnapshotId"])
        changed = bool(images or snapshots)
        if current is not None and state not in _GONE_STATES:
            owned = {v["VolumeId"] for v in volumes}
            keep = [m["DeviceName"] for m in current.get("BlockDeviceMappings") or []
                    if (m.get("Ebs") or {}).get("VolumeId") in owned and not m["Ebs"].get("DeleteOnTermination")]  # fmt: skip
            if keep:
                _delete_on_termination(ec2, ref.identifier, keep)
            _allow_termination(ec2, ref.identifier)
            _terminate_instance(ec2, ref.identifier)
            found = _describe_instances(ec2, Filters=[{"Name": "instance-id", "Values": [ref.identifier]}])
            state = found[0].get("State", {}).get("Name") if found else "terminated"
            changed = True
        if current is not None and state != "terminated":
            return Step.pending(f"instance {state}", changed=True)
        if not job_id:
            return Step.done(changed=changed)
        left = [v for v in describe_volumes(ec2, Filters=_job_marked(job_id)) if v.get("State") not in ("deleting", "deleted")]
        for volume in left:
            if volume.get("State") == "available":
                delete_volume(ec2, volume["VolumeId"])
                changed = True
        left = [v["VolumeId"] for v in describe_volumes(ec2, Filters=_job_marked(job_id)) if v.get("State") != "deleted"]
        if left:
            return Step.pending(f"volumes {', '.join(left)}", changed=True)
        return Step.done(changed=changed)

    def noun(self, ref: Ref) -> str:
        return f"EC2 instance {ref.identifier}"
