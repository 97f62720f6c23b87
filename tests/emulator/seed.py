"""Seed AWS state for tests and demos through the ordinary AWS API, as one would on AWS.

Every function takes the boto3 client(s) it needs, so the same code seeds the in-process
emulator (`aws.client("efs")`), the emulator server (`emulator_server.client("efs")`) or
a real account.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

BACKUP_ROLE_NAME = "AWSBackupDefaultServiceRole"
# The trust policy of AWS Backup's default service role (AWS Backup developer guide, "IAM
# service roles": the role is assumable by backup.amazonaws.com).
BACKUP_ROLE_TRUST_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "backup.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


@dataclass
class BackupResult:
    backup_job_id: str
    recovery_point_arn: str
    resource_arn: str
    backup_vault_name: str


def ensure_backup_role(iam: Any, role_name: str = BACKUP_ROLE_NAME) -> str:
    """The ARN of the IAM role AWS Backup assumes, created when missing."""
    try:
        return iam.get_role(RoleName=role_name)["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        role = iam.create_role(
            RoleName=role_name,
            Path="/service-role/",
            AssumeRolePolicyDocument=json.dumps(BACKUP_ROLE_TRUST_POLICY),
        )
        return role["Role"]["Arn"]


def create_vault(backup: Any, name: str = "test-vault", encryption_key_arn: str | None = None) -> str:
    """Create a backup vault; returns its ARN."""
    kwargs: dict[str, Any] = {"BackupVaultName": name}
    if encryption_key_arn:
        kwargs["EncryptionKeyArn"] = encryption_key_arn
    return backup.create_backup_vault(**kwargs)["BackupVaultArn"]


def ensure_vault(backup: Any, name: str) -> str:
    """The vault's ARN, created when missing (AWS answers DescribeBackupVault of an unknown
    vault with AccessDeniedException, so list instead)."""
    for page in backup.get_paginator("list_backup_vaults").paginate():
        for vault in page["BackupVaultList"]:
            if vault["BackupVaultName"] == name:
                return vault["BackupVaultArn"]
    return create_vault(backup, name)


def create_efs(
    efs: Any,
    name: str | None = None,
    encrypted: bool = False,
    kms_key_id: str | None = None,
    performance_mode: str = "generalPurpose",
    creation_token: str | None = None,
) -> dict[str, str]:
    """Create an EFS file system; returns {"FileSystemId", "FileSystemArn", "CreationToken"}."""
    kwargs: dict[str, Any] = {
        "CreationToken": creation_token or str(uuid.uuid4()),
        "PerformanceMode": performance_mode,
        "Encrypted": encrypted,
    }
    if kms_key_id:
        kwargs["KmsKeyId"] = kms_key_id
    if name:
        kwargs["Tags"] = [{"Key": "Name", "Value": name}]
    fs = efs.create_file_system(**kwargs)
    return {k: fs[k] for k in ("FileSystemId", "FileSystemArn", "CreationToken")}


def create_rds_instance(
    rds: Any,
    identifier: str = "prod-db",
    engine: str = "postgres",
    instance_class: str = "db.t3.micro",
    **extra: Any,
) -> dict[str, str]:
    """Create an RDS DB instance; returns {"DBInstanceIdentifier", "DBInstanceArn"}."""
    db = rds.create_db_instance(
        DBInstanceIdentifier=identifier,
        Engine=engine,
        DBInstanceClass=extra.pop("DBInstanceClass", instance_class),
        AllocatedStorage=extra.pop("AllocatedStorage", 20),
        MasterUsername=extra.pop("MasterUsername", "admin_user"),
        MasterUserPassword=extra.pop("MasterUserPassword", "not-a-real-secret-1"),
        **extra,
    )["DBInstance"]
    return {k: db[k] for k in ("DBInstanceIdentifier", "DBInstanceArn")}


def create_aurora_cluster(
    rds: Any,
    identifier: str = "prod-aurora",
    engine: str = "aurora-postgresql",
    **extra: Any,
) -> dict[str, str]:
    """Create an Aurora DB cluster; returns {"DBClusterIdentifier", "DBClusterArn"}."""
    cluster = rds.create_db_cluster(
        DBClusterIdentifier=identifier,
        Engine=engine,
        MasterUsername=extra.pop("MasterUsername", "admin_user"),
        MasterUserPassword=extra.pop("MasterUserPassword", "not-a-real-secret-1"),
        **extra,
    )["DBCluster"]
    return {k: cluster[k] for k in ("DBClusterIdentifier", "DBClusterArn")}


def start_backup(
    backup: Any, backup_vault_name: str, resource_arn: str, iam_role_arn: str, **extra: Any
) -> BackupResult:
    """StartBackupJob; returns the job id and the recovery point ARN it will produce."""
    job = backup.start_backup_job(
        BackupVaultName=backup_vault_name, ResourceArn=resource_arn, IamRoleArn=iam_role_arn, **extra
    )
    return BackupResult(job["BackupJobId"], job["RecoveryPointArn"], resource_arn, backup_vault_name)


def wait_for_backup(backup: Any, backup_job_id: str, timeout: float = 120.0) -> dict[str, Any]:
    """Poll DescribeBackupJob (with backoff) until it ends; fail unless COMPLETED."""
    deadline = time.monotonic() + timeout
    delay = 0.1
    while True:
        job = backup.describe_backup_job(BackupJobId=backup_job_id)
        if job["State"] == "COMPLETED":
            return job
        if job["State"] in ("FAILED", "ABORTED", "EXPIRED", "PARTIAL"):
            raise RuntimeError(f"backup job {backup_job_id} ended {job['State']}: {job.get('StatusMessage')}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"backup job {backup_job_id} still {job['State']} after {timeout}s")
        time.sleep(delay)
        delay = min(delay * 2, 5.0)


def backup_and_wait(
    backup: Any, backup_vault_name: str, resource_arn: str, iam_role_arn: str, **extra: Any
) -> BackupResult:
    """StartBackupJob and wait until its recovery point is COMPLETED."""
    result = start_backup(backup, backup_vault_name, resource_arn, iam_role_arn, **extra)
    wait_for_backup(backup, result.backup_job_id)
    return result


def many_backups(
    backup: Any, backup_vault_name: str, resource_arn: str, iam_role_arn: str, count: int
) -> list[str]:
    """`count` backups of one resource (a vault with thousands of points); returns their
    recovery point ARNs, oldest first. Waits only for the last job: jobs of one resource
    finish in the order they started."""
    results = [start_backup(backup, backup_vault_name, resource_arn, iam_role_arn) for _number in range(count)]
    if results:
        wait_for_backup(backup, results[-1].backup_job_id)
    return [r.recovery_point_arn for r in results]


def seed_efs_recovery_point(
    backup: Any, efs: Any, iam: Any, backup_vault_name: str = "test-vault", **efs_options: Any
) -> dict[str, str]:
    """A vault (created if missing), an EFS file system and one completed recovery point of it."""
    ensure_vault(backup, backup_vault_name)
    role_arn = ensure_backup_role(iam)
    fs = create_efs(efs, **efs_options)
    result = backup_and_wait(backup, backup_vault_name, fs["FileSystemArn"], role_arn)
    return {
        "backup_vault_name": backup_vault_name,
        "file_system_id": fs["FileSystemId"],
        "resource_arn": fs["FileSystemArn"],
        "recovery_point_arn": result.recovery_point_arn,
        "backup_job_id": result.backup_job_id,
        "iam_role_arn": role_arn,
    }


def seed_demo(endpoint_url: str, region: str = "us-east-1", backup_vault_name: str = "demo-vault") -> dict[str, Any]:
    """A vault holding one completed recovery point each of an EFS file system, an RDS
    instance and an Aurora cluster, on the emulator server at endpoint_url."""
    import boto3

    def client(service: str) -> Any:
        return boto3.client(
            service, region_name=region, endpoint_url=endpoint_url,
            aws_access_key_id="testing", aws_secret_access_key="testing",
        )  # fmt: skip

    backup, rds = client("backup"), client("rds")
    efs_point = seed_efs_recovery_point(backup, client("efs"), client("iam"), backup_vault_name, name="demo-efs")
    role = efs_point["iam_role_arn"]
    db = create_rds_instance(rds, "demo-db")
    cluster = create_aurora_cluster(rds, "demo-aurora")
    return {
        "backup_vault_name": backup_vault_name,
        "iam_role_arn": role,
        "efs": efs_point,
        "rds": {**db, "recovery_point_arn": backup_and_wait(backup, backup_vault_name, db["DBInstanceArn"], role).recovery_point_arn},
        "aurora": {
            **cluster,
            "recovery_point_arn": backup_and_wait(backup, backup_vault_name, cluster["DBClusterArn"], role).recovery_point_arn,
        },
    }


def main(argv: list[str] | None = None) -> None:
    """python -m tests.emulator.seed --endpoint-url http://127.0.0.1:5123 → JSON of what was seeded."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--endpoint-url", required=True)
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--backup-vault-name", default="demo-vault")
    args = parser.parse_args(argv)
    print(json.dumps(seed_demo(args.endpoint_url, args.region, args.backup_vault_name), indent=2))  # noqa: T201


if __name__ == "__main__":
    main()


def create_ebs_volume(ec2: Any, name: str = "prod-data", size: int = 8, zone: str = "us-east-1a", volume_type: str = "gp3") -> dict[str, str]:
    """Create an EBS volume tagged Name=name; returns {"VolumeId", "VolumeArn"} (the ARN AWS
    Backup takes as ResourceArn: arn:aws:ec2:REGION:ACCOUNT:volume/ID)."""
    volume = ec2.create_volume(Size=size, AvailabilityZone=zone, VolumeType=volume_type,
                               TagSpecifications=[{"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": name}]}])  # fmt: skip
    region = zone[:-1]
    # DescribeVolumes names no owner; the account's default security group does.
    account = ec2.describe_security_groups(GroupNames=["default"])["SecurityGroups"][0]["OwnerId"]
    return {"VolumeId": volume["VolumeId"], "VolumeArn": f"arn:aws:ec2:{region}:{account}:volume/{volume['VolumeId']}"}


def seed_ebs_recovery_point(backup: Any, ec2: Any, backup_vault_name: str, iam_role_arn: str, name: str = "demo-volume") -> dict[str, Any]:
    """A completed recovery point (an EBS snapshot) of a new 8 GiB volume."""
    ensure_vault(backup, backup_vault_name)
    volume = create_ebs_volume(ec2, name)
    result = backup_and_wait(backup, backup_vault_name, volume["VolumeArn"], iam_role_arn)
    return {**volume, "recovery_point_arn": result.recovery_point_arn}


def create_ec2_instance(ec2: Any, name: str = "prod-app", data_gib: int = 20, instance_type: str = "t3.micro") -> dict[str, str]:
    """Launch an instance tagged Name=name with a data volume of data_gib attached (without
    DeleteOnTermination, as AttachVolume leaves it); returns {"InstanceId", "InstanceArn", "DataVolumeId"}."""
    image_id = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    instance = ec2.run_instances(ImageId=image_id, MinCount=1, MaxCount=1, InstanceType=instance_type,
                                 TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}])["Instances"][0]  # fmt: skip
    zone = instance["Placement"]["AvailabilityZone"]
    volume = ec2.create_volume(Size=data_gib, AvailabilityZone=zone, VolumeType="gp3")
    ec2.attach_volume(VolumeId=volume["VolumeId"], InstanceId=instance["InstanceId"], Device="/dev/sdf")
    account = ec2.describe_security_groups(GroupNames=["default"])["SecurityGroups"][0]["OwnerId"]
    return {"InstanceId": instance["InstanceId"], "DataVolumeId": volume["VolumeId"],
            "InstanceArn": f"arn:aws:ec2:{zone[:-1]}:{account}:instance/{instance['InstanceId']}"}  # fmt: skip


def seed_ec2_recovery_point(backup: Any, ec2: Any, backup_vault_name: str, iam_role_arn: str, name: str = "demo-app") -> dict[str, Any]:
    """A completed recovery point (an AMI with snapshots) of a new instance with a data volume."""
    ensure_vault(backup, backup_vault_name)
    instance = create_ec2_instance(ec2, name)
    result = backup_and_wait(backup, backup_vault_name, instance["InstanceArn"], iam_role_arn)
    return {**instance, "recovery_point_arn": result.recovery_point_arn}


def create_docdb_cluster(docdb: Any, identifier: str = "prod-docdb", **extra: Any) -> dict[str, str]:
    """Create an Amazon DocumentDB cluster (with the `docdb` client); returns {"DBClusterIdentifier", "DBClusterArn"}."""
    cluster = docdb.create_db_cluster(
        DBClusterIdentifier=identifier,
        Engine="docdb",
        MasterUsername=extra.pop("MasterUsername", "docdb_admin"),
        MasterUserPassword=extra.pop("MasterUserPassword", "not-a-real-secret-2"),
        **extra,
    )["DBCluster"]
    return {k: cluster[k] for k in ("DBClusterIdentifier", "DBClusterArn")}


def seed_cluster_recovery_points(endpoint_url: str, region: str = "us-east-1", backup_vault_name: str = "cluster-vault") -> dict[str, Any]:
    """A vault holding one completed recovery point each of a DocumentDB and a Neptune cluster, on
    the emulator server at endpoint_url; returns the vault, the backup role and {"docdb"/"neptune": cluster and point}."""
    import boto3

    def client(service: str) -> Any:
        return boto3.client(
            service, region_name=region, endpoint_url=endpoint_url,
            aws_access_key_id="testing", aws_secret_access_key="testing",
        )  # fmt: skip

    backup = client("backup")
    ensure_vault(backup, backup_vault_name)
    role = ensure_backup_role(client("iam"))
    docdb = create_docdb_cluster(client("docdb"), "prod-catalog")
    neptune = create_neptune_cluster(client("neptune"), "prod-graph")
    return {
        "backup_vault_name": backup_vault_name,
        "iam_role_arn": role,
        "docdb": {**docdb, "recovery_point_arn": backup_and_wait(backup, backup_vault_name, docdb["DBClusterArn"], role).recovery_point_arn},
        "neptune": {**neptune, "recovery_point_arn": backup_and_wait(backup, backup_vault_name, neptune["DBClusterArn"], role).recovery_point_arn},
    }


def create_neptune_cluster(neptune: Any, identifier: str = "prod-graph", **extra: Any) -> dict[str, str]:
    """Create an Amazon Neptune cluster (with the `neptune` client; Neptune has no master user);
    returns {"DBClusterIdentifier", "DBClusterArn"}."""
    cluster = neptune.create_db_cluster(DBClusterIdentifier=identifier, Engine="neptune", **extra)["DBCluster"]
    return {k: cluster[k] for k in ("DBClusterIdentifier", "DBClusterArn")}


# ---- DynamoDB ------------------------------------------------------------------------------


def create_dynamodb_table(dynamodb: Any, name: str = "prod-orders", items: int = 3, **extra: Any) -> dict[str, str]:
    """Create a DynamoDB table (key `id`, on demand) holding `items` items; returns {"TableName", "TableArn"}."""
    table = dynamodb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        **extra,
    )["TableDescription"]
    for number in range(items):
        dynamodb.put_item(TableName=name, Item={"id": {"S": f"item-{number}"}, "n": {"N": str(number)}})
    return {"TableName": table["TableName"], "TableArn": table["TableArn"]}


def seed_dynamodb_recovery_point(
    backup: Any, dynamodb: Any, iam: Any, backup_vault_name: str = "test-vault", name: str = "prod-orders", items: int = 3
) -> dict[str, str]:
    """A vault (created if missing), a DynamoDB table with `items` items and one completed recovery point of it."""
    ensure_vault(backup, backup_vault_name)
    role_arn = ensure_backup_role(iam)
    table = create_dynamodb_table(dynamodb, name, items)
    result = backup_and_wait(backup, backup_vault_name, table["TableArn"], role_arn)
    return {
        "backup_vault_name": backup_vault_name,
        "table_name": table["TableName"],
        "resource_arn": table["TableArn"],
        "recovery_point_arn": result.recovery_point_arn,
        "iam_role_arn": role_arn,
    }


# ---- S3 ------------------------------------------------------------------------------------


def create_s3_bucket(s3: Any, name: str = "prod-reports", objects: int = 3) -> dict[str, str]:
    """Create a versioned S3 bucket (AWS Backup backs up versioned buckets only) holding `objects`
    objects; returns {"Bucket", "BucketArn"}."""
    s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    for number in range(objects):
        s3.put_object(Bucket=name, Key=f"reports/{number}.csv", Body=f"row,{number}\n".encode())
    return {"Bucket": name, "BucketArn": f"arn:aws:s3:::{name}"}


def seed_s3_recovery_point(
    backup: Any, s3: Any, iam: Any, backup_vault_name: str = "test-vault", name: str = "prod-reports", objects: int = 3
) -> dict[str, str]:
    """A vault (created if missing), a versioned bucket with `objects` objects and one completed recovery point of it."""
    ensure_vault(backup, backup_vault_name)
    role_arn = ensure_backup_role(iam)
    bucket = create_s3_bucket(s3, name, objects)
    result = backup_and_wait(backup, backup_vault_name, bucket["BucketArn"], role_arn)
    return {
        "backup_vault_name": backup_vault_name,
        "bucket": bucket["Bucket"],
        "resource_arn": bucket["BucketArn"],
        "recovery_point_arn": result.recovery_point_arn,
        "iam_role_arn": role_arn,
    }


# FSx file system types and a configuration CreateFileSystem takes for each (Amazon FSx API
# Reference, CreateFileSystem): Windows needs ThroughputCapacity (and an Active Directory), OpenZFS
# DeploymentType and ThroughputCapacity, Lustre a DeploymentType.
FSX_CONFIGURATIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "LUSTRE": ("LustreConfiguration", {"DeploymentType": "PERSISTENT_2", "PerUnitStorageThroughput": 125}),
    "WINDOWS": ("WindowsConfiguration", {"ActiveDirectoryId": "d-1234567890", "DeploymentType": "SINGLE_AZ_2", "ThroughputCapacity": 32}),
    "OPENZFS": ("OpenZFSConfiguration", {"DeploymentType": "SINGLE_AZ_2", "ThroughputCapacity": 160}),
}
FSX_STORAGE_CAPACITY = {"LUSTRE": 1200, "WINDOWS": 32, "OPENZFS": 64}


def create_fsx_file_system(fsx: Any, file_system_type: str, name: str, subnet_id: str = "subnet-0123456789abcdef0") -> dict[str, str]:
    """An FSx file system of `file_system_type` (LUSTRE, WINDOWS, OPENZFS) tagged Name=name;
    returns {"FileSystemId", "FileSystemArn"}."""
    key, configuration = FSX_CONFIGURATIONS[file_system_type]
    created = fsx.create_file_system(
        FileSystemType=file_system_type, StorageCapacity=FSX_STORAGE_CAPACITY[file_system_type], StorageType="SSD",
        SubnetIds=[subnet_id], SecurityGroupIds=["sg-0123456789abcdef0"], Tags=[{"Key": "Name", "Value": name}], **{key: configuration},
    )["FileSystem"]  # fmt: skip
    return {"FileSystemId": created["FileSystemId"], "FileSystemArn": created["ResourceARN"]}


def seed_fsx_recovery_point(
    backup: Any, fsx: Any, iam: Any, file_system_type: str, backup_vault_name: str = "test-vault", name: str = "prod-files"
) -> dict[str, str]:
    """A vault (created if missing), an FSx file system and one completed recovery point (an FSx backup) of it."""
    ensure_vault(backup, backup_vault_name)
    role_arn = ensure_backup_role(iam)
    file_system = create_fsx_file_system(fsx, file_system_type, name)
    result = backup_and_wait(backup, backup_vault_name, file_system["FileSystemArn"], role_arn)
    return {**file_system, "backup_vault_name": backup_vault_name, "recovery_point_arn": result.recovery_point_arn, "iam_role_arn": role_arn}


def create_fsx_ontap_volume(fsx: Any, name: str = "prod_data", size_in_megabytes: int = 10240) -> dict[str, str]:
    """An FSx for ONTAP file system with a storage virtual machine and a volume `name` in it;
    returns {"FileSystemId", "StorageVirtualMachineId", "VolumeId", "VolumeArn"}."""
    file_system = fsx.create_file_system(
        FileSystemType="ONTAP", StorageCapacity=1024, StorageType="SSD", SubnetIds=["subnet-0123456789abcdef0"],
        OntapConfiguration={"DeploymentType": "SINGLE_AZ_1", "ThroughputCapacity": 128},
    )["FileSystem"]  # fmt: skip
    svm = fsx.create_storage_virtual_machine(FileSystemId=file_system["FileSystemId"], Name="svm1")["StorageVirtualMachine"]
    volume = fsx.create_volume(VolumeType="ONTAP", Name=name, OntapConfiguration={
        "StorageVirtualMachineId": svm["StorageVirtualMachineId"], "JunctionPath": f"/{name}", "SizeInMegabytes": size_in_megabytes,
    })["Volume"]  # fmt: skip
    return {"FileSystemId": file_system["FileSystemId"], "StorageVirtualMachineId": svm["StorageVirtualMachineId"],
            "VolumeId": volume["VolumeId"], "VolumeArn": volume["ResourceARN"]}  # fmt: skip


def seed_fsx_ontap_recovery_point(backup: Any, fsx: Any, iam: Any, backup_vault_name: str = "test-vault", name: str = "prod_data") -> dict[str, str]:
    """A vault (created if missing), an FSx for ONTAP volume and one completed recovery point (an FSx backup of the volume)."""
    ensure_vault(backup, backup_vault_name)
    role_arn = ensure_backup_role(iam)
    volume = create_fsx_ontap_volume(fsx, name)
    result = backup_and_wait(backup, backup_vault_name, volume["VolumeArn"], role_arn)
    return {**volume, "backup_vault_name": backup_vault_name, "recovery_point_arn": result.recovery_point_arn, "iam_role_arn": role_arn}
