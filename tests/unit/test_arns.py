"""module_utils/arns.py: every recovery point ARN form AWS Backup uses is accepted, other ARNs
and malformed values are refused with a message naming the option; the same for resource ARNs."""

from __future__ import annotations

import re

import botocore.session
import pytest

from ansible_collections.recovery.aws_backup.plugins.module_utils.arns import _PROTECTED_RESOURCE_FORMS
from ansible_collections.recovery.aws_backup.plugins.module_utils.arns import recovery_point_arn_error
from ansible_collections.recovery.aws_backup.plugins.module_utils.arns import resource_arn_error
from ansible_collections.recovery.aws_backup.plugins.module_utils.arns import resource_type_of_arn

RECOVERY_POINTS = [
    # backup: the UUID form (EFS, advanced DynamoDB, VMware, ...), continuous backups, S3 snapshots
    "arn:aws:backup:us-east-1:123456789012:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45",
    "arn:aws:backup:us-east-1:123456789012:recovery-point:d99699e7-e183-477e-bfcd-ccb1c6e5455e",
    "arn:aws:backup:eu-central-1:123456789012:recovery-point:continuous:db-random-string-hash",
    "arn:aws:backup:ap-south-1:123456789012:recovery-point:prod-objectbucket-3lxcjnnc-20260805055316-0562c038",
    # EBS and Storage Gateway volumes, EC2 instances (no account in the ARN)
    "arn:aws:ec2:us-east-1::snapshot/snap-0d40e49137e31d9e0",
    "arn:aws:ec2:us-east-1::snapshot/snap-05f426fd8kdjb4224",
    "arn:aws:ec2:us-east-1::image/ami-0ecdf967356c809c7",
    # RDS; Aurora, Neptune and DocumentDB cluster snapshots; a manual and an automated RDS snapshot
    "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-be59cf2a-2343-4402-bd8b-226993d23453",
    "arn:aws:rds:us-west-2:123456789012:cluster-snapshot:awsbackup:job-4ece7121-d60e-00c2-5c3b-49960142d03b",
    "arn:aws:rds:us-east-1:123456789012:snapshot:before-upgrade",
    "arn:aws:rds:us-east-1:123456789012:snapshot:rds:prod-db-2026-11-24-21-00",
    # DynamoDB, FSx, Redshift, Redshift Serverless
    "arn:aws:dynamodb:us-east-1:123456789012:table/MyDynamoDBTable/backup/01547087347000-c8b6kdk3",
    "arn:aws:fsx:us-east-1:123456789012:backup/backup-0ecdf967356c809c7",
    "arn:aws:redshift:us-west-2:123456789012:snapshot:redshift-cluster-1/awsbackup:job-c40dda3c-fdcc-b1ba-fa56-234d23209a40",
    "arn:aws:redshift-serverless:us-east-1:123456789012:snapshot/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
    # other partitions amazon.aws accepts
    "arn:aws-cn:backup:cn-north-1:123456789012:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45",
    "arn:aws-us-gov:backup:us-gov-west-1:123456789012:recovery-point:abc",
    "arn:aws-us-gov:rds:us-gov-west-1:123456789012:snapshot:awsbackup:job-1234",
    "arn:aws-iso-b:ec2:us-isob-east-1::snapshot/snap-0123456789abcdef0",
]


@pytest.mark.parametrize("arn", RECOVERY_POINTS)
def test_every_recovery_point_form_is_accepted(arn: str) -> None:
    assert recovery_point_arn_error(arn) is None


@pytest.mark.parametrize(
    "value",
    [
        # other services and types
        "arn:aws:s3:::my-bucket",
        "arn:aws:iam::123456789012:role/backup-restore",
        "arn:aws:sns:us-east-1:123456789012:MyTopic",
        "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0abc1234",
        "arn:aws:rds:us-east-1:123456789012:db:prod",
        "arn:aws:rds:us-east-1:123456789012:cluster:aurora",
        "arn:aws:backup:us-east-1:123456789012:backup-vault:aBackupVault",
        "arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0",
        # empty or malformed parts
        "arn:aws:backup:us-east-1:123456789012:recovery-point:",
        "arn:aws:backup:us-east-1:123456789012:recovery-point",
        "arn:aws:backup:us-east-1:123456789012:",
        "arn:aws:backup::123456789012:recovery-point:abc",
        "arn:aws:backup:us-east-1::recovery-point:abc",
        "arn:aws:backup:us-east-1:12345:recovery-point:abc",
        "arn:aws:rds:us-east-1:123456789012:snapshot:",
        "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:",
        "arn:aws:ec2:us-east-1::snapshot/",
        "arn:aws:ec2:us-east-1::snapshot/vol-0123",
        "arn:aws:dynamodb:us-east-1:123456789012:table/t/backup/",
        "arn:aws:fsx:us-east-1:123456789012:backup/",
        "arn:aws:redshift:us-west-2:123456789012:snapshot:no-cluster-part",
        "arn:azure:backup:us-east-1:123456789012:recovery-point:abc",
        # whitespace, text around an ARN, non-ARNs, non-strings
        " arn:aws:backup:us-east-1:123456789012:recovery-point:abc",
        "arn:aws:backup:us-east-1:123456789012:recovery-point:abc\n",
        "arn:aws:backup:us-east-1:123456789012:recovery-point:a b",
        "see arn:aws:backup:us-east-1:123456789012:recovery-point:abc",
        "1EB3B5E7-9EB0-435A-A80B-108B488B0D45",
        "",
        None,
        42,
        ["arn:aws:backup:us-east-1:123456789012:recovery-point:abc"],
    ],
)
def test_other_values_are_refused_listing_the_forms(value) -> None:
    message = recovery_point_arn_error(value)
    assert message is not None and message.startswith("recovery_point_arn must be ")
    assert "arn:aws:backup:REGION:ACCOUNT:recovery-point:ID" in message
    assert "arn:aws:rds:REGION:ACCOUNT:cluster-snapshot:NAME" in message


def test_a_resource_arn_given_as_recovery_point_says_so() -> None:
    message = recovery_point_arn_error("arn:aws:rds:us-east-1:123456789012:db:prod")
    assert "protected resource" in message
    assert "protected resource" not in recovery_point_arn_error("arn:aws:sns:us-east-1:123456789012:MyTopic")


# Each protected resource form, with the resource type its ARN names (None: the form does not
# tell one type).
RESOURCE_TYPES = {
    "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0abc1234": "EFS",
    "arn:aws:rds:us-east-1:123456789012:db:prod-db": "RDS",
    # Aurora, DocumentDB and Neptune clusters alike
    "arn:aws:rds:us-east-1:123456789012:cluster:aurora-prod": None,
    "arn:aws:dynamodb:us-east-1:123456789012:table/Orders": "DynamoDB",
    "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0": "EC2",
    "arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0": "EBS",
    "arn:aws:fsx:us-east-1:123456789012:file-system/fs-0123456789abcdef0": "FSx",
    "arn:aws:fsx:us-east-1:123456789012:volume/fs-0123456789abcdef0/fsvol-0123456789abcdef0": "FSx",
    "arn:aws:s3:::my-bucket.logs": "S3",
    "arn:aws:storagegateway:us-east-1:123456789012:gateway/sgw-12A3456B/volume/vol-1122AABB": "Storage Gateway",
    "arn:aws:redshift:us-east-1:123456789012:cluster:analytics": "Redshift",
    # not among the types AWS Backup's API reference lists, so its name is not known
    "arn:aws:redshift-serverless:us-east-1:123456789012:namespace/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d": None,
    "arn:aws:timestream:us-east-1:123456789012:database/metrics/table/cpu": "Timestream",
    "arn:aws:backup-gateway:us-east-1:123456789012:vm/vm-0123456789abcdef0": "VirtualMachine",
    "arn:aws:cloudformation:us-east-1:123456789012:stack/app/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d": "CloudFormation",
    "arn:aws:ssm-sap:us-east-1:123456789012:HANA/app/DB/prod": "SAP HANA on Amazon EC2",
    "arn:aws:eks:us-east-1:123456789012:cluster/prod": "EKS",
    "arn:aws-cn:rds:cn-north-1:123456789012:db:prod": "RDS",
    "arn:aws-us-gov:elasticfilesystem:us-gov-west-1:123456789012:file-system/fs-1": "EFS",
}
RESOURCES = list(RESOURCE_TYPES)


@pytest.mark.parametrize("arn", RESOURCES)
def test_every_protected_resource_form_is_accepted(arn: str) -> None:
    assert resource_arn_error(arn, "resource_arn") is None


@pytest.mark.parametrize(
    "value",
    [
        "arn:aws:iam::123456789012:role/backup-restore",
        "arn:aws:sns:us-east-1:123456789012:MyTopic",
        "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-1234",
        "arn:aws:backup:us-east-1:123456789012:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45",
        "arn:aws:ec2:us-east-1::snapshot/snap-0123456789abcdef0",
        "arn:aws:s3:::my-bucket/some/object",
        "arn:aws:s3:us-east-1:123456789012:my-bucket",
        "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/",
        "arn:aws:elasticfilesystem:us-east-1:123456789012:",
        "arn:aws:rds:us-east-1:123456789012:db:",
        "arn:aws:rds:us-east-1::db:prod",
        "arn:aws:dynamodb::123456789012:table/Orders",
        "arn:aws:rds:us-east-1:123456789012:db:prod ",
        "fs-0abc1234",
        "",
        None,
        7,
    ],
)
def test_other_resource_values_are_refused_naming_the_option(value) -> None:
    message = resource_arn_error(value, "resource_arn")
    assert message is not None and message.startswith("resource_arn must be ")
    assert "arn:aws:elasticfilesystem:REGION:ACCOUNT:file-system/fs-ID" in message
    assert resource_arn_error(value, "source_arn").startswith("source_arn must be ")


@pytest.mark.parametrize("arn, resource_type", RESOURCE_TYPES.items())
def test_resource_type_of_arn(arn: str, resource_type) -> None:
    assert resource_type_of_arn(arn) == resource_type


@pytest.mark.parametrize(
    "value",
    [
        "arn:aws:backup:us-east-1:123456789012:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45",
        "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-1234",
        "arn:aws:s3:us-east-1:123456789012:my-bucket",
        "arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-1",
        "arn:aws:rds:us-east-1::db:prod",
        " arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1",
        "fs-0abc1234",
        "",
        None,
    ],
)
def test_no_resource_type_for_what_is_no_protected_resource_arn(value) -> None:
    assert resource_type_of_arn(value) is None


def test_every_resource_type_named_is_one_aws_backup_lists() -> None:
    """The names as botocore's backup model documents ByResourceType, where a typo would make a
    restore ask for a type AWS does not know."""
    model = botocore.session.get_session().get_service_model("backup")
    documentation = model.shape_for("ListRecoveryPointsByBackupVaultInput").members["ByResourceType"].documentation
    listed = set(re.findall(r"<code>([^<]+)</code>", documentation))
    assert {"EFS", "Aurora", "Storage Gateway"} <= listed
    named = {t for _s, _r, t, _f in _PROTECTED_RESOURCE_FORMS if t is not None} | {resource_type_of_arn("arn:aws:s3:::b-1")}
    assert named <= listed, sorted(named - listed)
