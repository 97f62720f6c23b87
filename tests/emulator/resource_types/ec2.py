"""EC2: a backup is an AMI of the instance with EBS snapshots of its volumes; a restore creates an
AMI, an instance, its root and data volumes and EBS snapshots (AWS Backup developer guide,
"Restore an Amazon EC2 instance", https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-ec2.html)."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from moto.backup.exceptions import InvalidParameterValueException, ResourceNotFoundException
from moto.utilities.utils import get_partition

if TYPE_CHECKING:
    from ..models import BackupJob, RecoveryPoint

from .base import ResourceHandler, RestoreOutcome, Source, _bool_value, _str_bool, metadata_value
from .ebs import ec2_backend


def image_arn(backend: Any, image_id: str) -> str:
    # EC2 recovery points are AMIs; their ARNs carry no account: arn:aws:ec2:us-east-1::image/ami-...
    return f"arn:{get_partition(backend.region_name)}:ec2:{backend.region_name}::image/{image_id}"


def instance_arn(backend: Any, instance_id: str) -> str:
    return f"arn:{get_partition(backend.region_name)}:ec2:{backend.region_name}:{backend.account_id}:instance/{instance_id}"


class Ec2Handler(ResourceHandler):
    resource_type = "EC2"
    arn_pattern = re.compile(r"^arn:[\w-]+:ec2:[\w-]+:\d{12}:instance/(i-[0-9a-f]+)$")

    def describe_source(self, backend: Any, arn: str) -> Source:
        instance_id = self.arn_pattern.match(arn).group(1)  # type: ignore[union-attr]
        ec2 = ec2_backend(backend)
        instance = next((i for r in ec2.reservations.values() for i in r.instances if i.id == instance_id), None)
        if instance is None or instance.state == "terminated":
            raise ResourceNotFoundException(f"Resource {arn} not found")
        return Source(self.resource_type, ec2.tags.get(instance_id, {}).get("Name", ""), instance)

    def create_recovery_point(self, backend: Any, job: BackupJob, source: Source) -> RecoveryPoint:
        from ..models import RecoveryPoint

        ec2 = ec2_backend(backend)
        instance = source.resource
        image = ec2.create_image(instance.id, f"AwsBackup_{instance.id}_{job.backup_job_id}",
                                 f"This image is created by the AWS Backup service for backup job {job.backup_job_id}", [])  # fmt: skip
        # The data volumes (all but the root device) get snapshots of the image; the root's is
        # the image's own (moto makes one per image).
        data = []
        for device, mapping in instance.get_block_device_mapping:
            if device == instance.root_device_name:
                continue
            volume = ec2.get_volume(mapping.volume_id)
            snapshot = ec2.create_snapshot(volume.id, f"Created by AWS Backup for {image.id}", from_ami=image.id)
            data.append({"DeviceName": device, "SnapshotId": snapshot.id, "VolumeSize": volume.size,
                         "VolumeType": volume.volume_type, "DeleteOnTermination": bool(mapping.delete_on_termination)})  # fmt: skip
        # The configuration at backup time, in the developer guide's EC2 restore metadata keys
        # (the page's GetRecoveryPointRestoreMetadata example: InstanceType, SubnetId,
        # SecurityGroupIds, Placement as a JSON object, RequireIMDSv2, vpcId informational ...).
        # The emulator gives the ones moto models.
        metadata = {
            "InstanceType": instance.instance_type,
            "SubnetId": instance.subnet_id or "",
            "SecurityGroupIds": json.dumps([g.id for g in instance.security_groups]),
            "Placement": json.dumps({"AvailabilityZone": instance._placement.zone, "Tenancy": instance._placement.tenancy}),
            "RequireIMDSv2": "false",
            "DisableApiTermination": _str_bool(bool(instance.disable_api_termination)),
            "vpcId": instance.vpc_id or "",
        }
        if instance.key_name:
            metadata["KeyName"] = instance.key_name
        metadata = {k: v for k, v in metadata.items() if v != ""}
        point = RecoveryPoint(
            image_arn(backend, image.id), job, restore_metadata=metadata, encryption_key_arn=None,  # type: ignore[arg-type]
            is_encrypted=False, backup_size_in_bytes=sum(int(d["VolumeSize"]) for d in data) * 1024**3 + 8 * 1024**3,
            source_snapshot_id=image.id,
        )  # fmt: skip
        point.ec2_data_volumes = data
        point.source_tags = [{"Key": k, "Value": v} for k, v in ec2.tags.get(instance.id, {}).items()]
        return point

    def validate_restore_metadata(self, metadata: dict[str, str]) -> None:
        for key in ("RequireIMDSv2", "DisableApiTermination"):
            _bool_value(metadata, key, False)
        groups = metadata_value(metadata, "SecurityGroupIds")
        if groups:
            try:
                parsed = json.loads(groups)
            except ValueError:
                parsed = None
            if not isinstance(parsed, list):
                raise InvalidParameterValueException(f"Invalid SecurityGroupIds: {groups}")
        profile = metadata_value(metadata, "IamInstanceProfileName")
        if profile not in (None, "", "null", "UseBackedUpValue"):
            # developer guide, restoring-ec2: IamInstanceProfileName is UseBackedUpValue or null
            raise InvalidParameterValueException(f"Invalid IamInstanceProfileName: {profile}")

    def delete_recovery_point(self, backend: Any, point: RecoveryPoint) -> None:
        ec2 = ec2_backend(backend)
        ec2.amis.pop(point.source_snapshot_id or "", None)
        for data in getattr(point, "ec2_data_volumes", []):
            ec2.snapshots.pop(data["SnapshotId"], None)

    def restore(
        self, backend: Any, point: RecoveryPoint, metadata: dict[str, str], copy_source_tags: bool = False
    ) -> RestoreOutcome:
        from moto.ec2.exceptions import EC2ClientError

        ec2 = ec2_backend(backend)
        if point.source_snapshot_id not in ec2.amis:
            return RestoreOutcome(error=f"The image id '[{point.source_snapshot_id}]' does not exist")
        # The guide: the restore creates an AMI and EBS snapshots. The emulator's reading: an AMI
        # copied from the recovery point's (with a new root snapshot), which the instance is
        # launched from; the data volumes come from the recovery point's snapshots.
        image = ec2.copy_image(point.source_snapshot_id, backend.region_name, description="Created by AWS Backup for a restore")
        placement = json.loads(metadata_value(metadata, "Placement") or "{}")
        groups = json.loads(metadata_value(metadata, "SecurityGroupIds") or "[]")
        mappings = [{"DeviceName": image.root_device_name, "Ebs": {"SnapshotId": image.ebs_snapshot.id, "VolumeSize": 8, "DeleteOnTermination": True}}]
        for d in getattr(point, "ec2_data_volumes", []):
            ebs = {"SnapshotId": d["SnapshotId"], "VolumeSize": d["VolumeSize"], "VolumeType": d["VolumeType"], "DeleteOnTermination": d["DeleteOnTermination"]}
            mappings.append({"DeviceName": d["DeviceName"], "Ebs": ebs})
        try:
            reservation = ec2.run_instances(
                image.id, 1, None, [],
                instance_type=metadata_value(metadata, "InstanceType") or "m1.small",
                is_instance_type_default=not metadata_value(metadata, "InstanceType"),
                placement=placement.get("AvailabilityZone"), region_name=backend.region_name,
                subnet_id=metadata_value(metadata, "SubnetId") or None, key_name=metadata_value(metadata, "KeyName"),
                security_group_ids=groups, nics=[], tags={},
                disable_api_termination=_bool_value(metadata, "DisableApiTermination", False),
                metadata_options={"HttpTokens": "required"} if _bool_value(metadata, "RequireIMDSv2", False) else {},
                block_device_mappings=mappings,
            )  # fmt: skip
        except EC2ClientError as error:
            ec2.deregister_image(image.id)
            ec2.snapshots.pop(image.ebs_snapshot.id, None)
            return RestoreOutcome(error=str(error))
        (instance,) = reservation.instances
        if copy_source_tags and point.source_tags:
            ec2.create_tags([instance.id], {t["Key"]: t["Value"] for t in point.source_tags})
        return RestoreOutcome(created_resource_arn=instance_arn(backend, instance.id))

    def inferred_metadata(self, backend: Any, point: RecoveryPoint) -> dict[str, str]:
        # AWS Backup developer guide, "Restore testing inferred metadata", Amazon EC2
        # (https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing-inferred-metadata.html):
        # disableApiTermination false, instanceType that of the recovery point, requiredImdsV2 true.
        return {
            "disableApiTermination": "false",
            "instanceType": point.restore_metadata.get("InstanceType", ""),
            "requiredImdsV2": "true",
        }
