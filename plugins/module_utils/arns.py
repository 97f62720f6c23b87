# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Strict checks of the ARNs users give: recovery points and protected resources.

Pure functions, no AWS and no Ansible: each check returns None for a good value, else a
message naming the option, so a module can fail with it before any AWS call; and
resource_type_of_arn says which resource type a protected resource ARN names, where its form
tells, so a restore need not ask AWS. AWS Backup's own API takes any string as an ARN
(botocore's ``ARN`` shape has no pattern), so without these checks a typo reaches AWS and, for
the List* calls, comes back as an empty answer rather than an error.
"""

from __future__ import annotations

import re
from typing import Any, Optional

from ansible_collections.amazon.aws.plugins.module_utils.arn import parse_aws_arn
from ansible_collections.amazon.aws.plugins.module_utils.arn import validate_aws_arn

_ACCOUNT = re.compile(r"\d{12}")

# One name: a letter or digit first, no empty part around the separators.
_NAME = r"[A-Za-z0-9][A-Za-z0-9_.\-]*"
# RDS and Redshift snapshot names AWS Backup makes contain a colon (awsbackup:job-<id>),
# as do RDS automated snapshots (rds:<db>-<date>).
_SNAPSHOT_NAME = rf"{_NAME}(?::{_NAME})*"

# Recovery point ARNs, one per form AWS Backup reports in RecoveryPointArn. Sources:
# - AWS Backup Developer Guide, "Working with backups"
#   (https://docs.aws.amazon.com/aws-backup/latest/devguide/recovery-points.html), the recovery
#   point ID of each type: FSx backup/backup-0ecdf967356c809c7, EC2 image/ami-0ecdf967356c809c7,
#   EBS and Storage Gateway snapshot/snap-05f426fd8kdjb4224 (not hex: IDs are not checked as
#   hex), RDS and Aurora awsbackup:job-be59cf2a-2343-4402-bd8b-226993d23453 (RDS snapshot and
#   cluster-snapshot; Neptune and DocumentDB clusters are RDS clusters too), EFS
#   d99699e7-e183-477e-bfcd-ccb1c6e5455e (backup recovery-point), DynamoDB
#   table/MyDynamoDBTable/backup/01547087347000-c8b6kdk3. The same guide's "Access control"
#   page (access-control.html#access-control-resources) gives the ARN format around each ID:
#   EC2 and EBS ARNs carry no account; the types without a service-native backup (EFS, S3,
#   advanced DynamoDB, VMware, Timestream, CloudFormation, SAP HANA, EKS) are
#   arn:aws:backup:REGION:ACCOUNT:recovery-point:ID.
# - botocore backup service-2.json, shape ARN: "arn:aws:backup:us-east-1:123456789012:
#   recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45" (the UUID form).
# - The backup IDs are not only UUIDs: continuous (point-in-time) backups read
#   recovery-point:continuous:<id> (seen as RDS's AwsBackupRecoveryPointArn in public RDS
#   controller tests, and in public StartRestoreJob runbooks for S3 and RDS point-in-time
#   restores), and S3 snapshot backups read recovery-point:<bucket>-<suffix>-<time>-<id>
#   (a public restore rehearsal record). So any ID of letters, digits and . _ - : / is taken.
# - Redshift: AWS Backup Developer Guide, "Restore an Amazon Redshift cluster", StartRestoreJob
#   example: arn:aws:redshift:us-west-2:123456789012:snapshot:redshift-cluster-1/awsbackup:job-c40dda3c-...
# - Redshift Serverless (the guide's next page, "Redshift Serverless restore"): no example ARN
#   found; its recovery points are Redshift Serverless snapshots, so the snapshot ARN form of
#   the Service Authorization Reference (redshift-serverless ... snapshot/ID) is accepted.
# Copies in another vault keep the form of their type. Names other than AWS Backup's (manual
# RDS snapshots) are accepted too: StartRestoreJob decides whether it can use them.
_RECOVERY_POINT_FORMS: tuple[tuple[str, str, bool, str], ...] = (
    # (service, resource regex, account required (else empty), form shown to users)
    ("backup", r"recovery-point:[A-Za-z0-9](?:[A-Za-z0-9_.:/\-]*[A-Za-z0-9])?", True, "arn:aws:backup:REGION:ACCOUNT:recovery-point:ID"),
    ("ec2", r"snapshot/snap-[A-Za-z0-9]+", False, "arn:aws:ec2:REGION::snapshot/snap-ID"),
    ("ec2", r"image/ami-[A-Za-z0-9]+", False, "arn:aws:ec2:REGION::image/ami-ID"),
    ("rds", rf"snapshot:{_SNAPSHOT_NAME}", True, "arn:aws:rds:REGION:ACCOUNT:snapshot:NAME"),
    ("rds", rf"cluster-snapshot:{_SNAPSHOT_NAME}", True, "arn:aws:rds:REGION:ACCOUNT:cluster-snapshot:NAME"),
    ("dynamodb", rf"table/{_NAME}/backup/{_NAME}", True, "arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/backup/ID"),
    ("fsx", r"backup/backup-[A-Za-z0-9]+", True, "arn:aws:fsx:REGION:ACCOUNT:backup/backup-ID"),
    ("redshift", rf"snapshot:{_NAME}/{_SNAPSHOT_NAME}", True, "arn:aws:redshift:REGION:ACCOUNT:snapshot:CLUSTER/NAME"),
    ("redshift-serverless", rf"snapshot/{_NAME}", True, "arn:aws:redshift-serverless:REGION:ACCOUNT:snapshot/ID"),
)

# Resources AWS Backup protects, by service and ARN resource type. Sources: botocore backup
# service-2.json, ListRecoveryPointsByBackupVaultInput.ByResourceType (Aurora, CloudFormation,
# DocumentDB, DynamoDB, EBS, EC2, EFS, EKS, FSx, Neptune, RDS, Redshift, S3, SAP HANA on
# Amazon EC2, Storage Gateway, Timestream, VirtualMachine), and each service's ARN format in
# the Service Authorization Reference (https://docs.aws.amazon.com/service-authorization/latest/reference/).
# Aurora, DocumentDB and Neptune clusters are rds cluster ARNs; FSx for ONTAP and OpenZFS
# volumes are protected one by one; VMware virtual machines come through backup-gateway;
# SAP HANA databases are AWS Systems Manager for SAP (ssm-sap) applications; Redshift
# Serverless namespaces are restored by AWS Backup too (Developer Guide, "Redshift Serverless
# restore").
# The resource type is AWS Backup's name of the type (that same ByResourceType list) where the
# ARN form names exactly one type; None where it does not: an rds cluster is an Aurora, DocumentDB
# or Neptune cluster alike, and Redshift Serverless is not in that list, so its name is not known.
# service | resource (NAME: a name or id) | resource type ("-": the form names no one type) | form shown to users.
# S3 is handled apart (its ARNs have no Region and account).
_FORMS_TABLE = """
elasticfilesystem   | file-system/NAME          | EFS                     | arn:aws:elasticfilesystem:REGION:ACCOUNT:file-system/fs-ID
rds                 | db:NAME                   | RDS                     | arn:aws:rds:REGION:ACCOUNT:db:NAME
rds                 | cluster:NAME              | -                       | arn:aws:rds:REGION:ACCOUNT:cluster:NAME
dynamodb            | table/NAME                | DynamoDB                | arn:aws:dynamodb:REGION:ACCOUNT:table/NAME
ec2                 | instance/NAME             | EC2                     | arn:aws:ec2:REGION:ACCOUNT:instance/i-ID
ec2                 | volume/NAME               | EBS                     | arn:aws:ec2:REGION:ACCOUNT:volume/vol-ID
fsx                 | file-system/NAME          | FSx                     | arn:aws:fsx:REGION:ACCOUNT:file-system/fs-ID
fsx                 | volume/NAME/NAME          | FSx                     | arn:aws:fsx:REGION:ACCOUNT:volume/fs-ID/fsvol-ID
storagegateway      | gateway/NAME/volume/NAME  | Storage Gateway         | arn:aws:storagegateway:REGION:ACCOUNT:gateway/sgw-ID/volume/vol-ID
redshift            | cluster:NAME              | Redshift                | arn:aws:redshift:REGION:ACCOUNT:cluster:NAME
redshift-serverless | namespace/NAME            | -                       | arn:aws:redshift-serverless:REGION:ACCOUNT:namespace/ID
timestream          | database/NAME/table/NAME  | Timestream              | arn:aws:timestream:REGION:ACCOUNT:database/DB/table/TABLE
backup-gateway      | vm/NAME                   | VirtualMachine          | arn:aws:backup-gateway:REGION:ACCOUNT:vm/vm-ID
cloudformation      | stack/NAME/NAME           | CloudFormation          | arn:aws:cloudformation:REGION:ACCOUNT:stack/NAME/ID
ssm-sap             | HANA/NAME/DB/NAME         | SAP HANA on Amazon EC2  | arn:aws:ssm-sap:REGION:ACCOUNT:HANA/APP/DB/DB-ID
eks                 | cluster/NAME              | EKS                     | arn:aws:eks:REGION:ACCOUNT:cluster/NAME
"""


def _forms(table: str) -> tuple[tuple[str, str, Optional[str], str], ...]:
    rows = [[cell.strip() for cell in line.split("|")] for line in table.strip().splitlines()]
    return tuple((service, resource.replace("NAME", _NAME), None if kind == "-" else kind, form) for service, resource, kind, form in rows)


_PROTECTED_RESOURCE_FORMS = _forms(_FORMS_TABLE)
# S3 bucket names: 3 to 63 lowercase letters, digits, dots and hyphens
# (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
_S3_BUCKET = re.compile(r"[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]")
_S3_FORM = "arn:aws:s3:::BUCKET"
_S3_TYPE = "S3"


def _show(value: Any) -> str:
    return repr(value) if isinstance(value, str) else f"{type(value).__name__} {value!r}"


def _parsed(value: Any) -> Optional[dict[str, Any]]:
    """The parts of ``value`` when the whole of it is one ARN, else None.

    amazon.aws's parse_aws_arn searches rather than matches, so it would find an ARN inside
    other text; it also accepts every partition (aws, aws-cn, aws-us-gov, aws-iso, ...).
    """
    if not isinstance(value, str) or not value.startswith("arn:") or any(c.isspace() for c in value):
        return None
    details = parse_aws_arn(value)
    if not details or not validate_aws_arn(value):
        return None
    rebuilt = "arn:{partition}:{service}:{region}:{account_id}:{resource}".format(**details)
    return details if rebuilt == value else None


def recovery_point_arn_error(value: Any) -> Optional[str]:
    """None when ``value`` is a recovery point ARN in a form AWS Backup uses, else why not."""
    details = _parsed(value)
    if details and details["region"]:
        account = details["account_id"]
        for service, resource, needs_account, _form in _RECOVERY_POINT_FORMS:
            if (
                details["service"] == service
                and re.fullmatch(resource, details["resource"])
                and (bool(_ACCOUNT.fullmatch(account)) if needs_account else account == "")
            ):
                return None
    forms = ", ".join(form for _s, _r, _a, form in _RECOVERY_POINT_FORMS)
    hint = ""
    if details and resource_arn_error(value, "resource_arn") is None:
        hint = " (that is the ARN of a protected resource, not of one of its backups)"
    return f"recovery_point_arn must be a recovery point ARN, one of {forms}; got {_show(value)}{hint}"


def _protected_resource_form(value: Any) -> Optional[tuple[Optional[str], str]]:
    """(resource type, form) of the protected resource form ``value`` has, or None."""
    details = _parsed(value)
    if not details:
        return None
    if details["service"] == "s3":
        if details["region"] == "" and details["account_id"] == "" and _S3_BUCKET.fullmatch(details["resource"]):
            return _S3_TYPE, _S3_FORM
        return None
    if details["region"] and _ACCOUNT.fullmatch(details["account_id"]):
        for service, resource, resource_type, form in _PROTECTED_RESOURCE_FORMS:
            if details["service"] == service and re.fullmatch(resource, details["resource"]):
                return resource_type, form
    return None


def resource_arn_error(value: Any, option: str) -> Optional[str]:
    """None when ``value`` is the ARN of a resource AWS Backup protects, else a message naming ``option``."""
    if _protected_resource_form(value) is not None:
        return None
    forms = ", ".join([form for _s, _r, _t, form in _PROTECTED_RESOURCE_FORMS] + [_S3_FORM])
    return f"{option} must be the ARN of a resource AWS Backup protects, one of {forms}; got {_show(value)}"


def resource_type_of_arn(arn: Any) -> Optional[str]:
    """AWS Backup's resource type of the protected resource ``arn`` names (EFS, RDS, ...), or None
    when its form does not name one type (an rds cluster) or is no protected resource ARN."""
    found = _protected_resource_form(arn)
    return found[0] if found else None


def region_of_arn(arn: Any) -> Optional[str]:
    """The Region an ARN names, or None when it names none (an S3 bucket) or is no ARN."""
    details = _parsed(arn)
    return (details or {}).get("region") or None
