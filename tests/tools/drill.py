"""`make drill`: the embedded DR drill demo against the emulator.

Starts the emulator server on a free 127.0.0.1 port, seeds it through the AWS API (EFS
file system, RDS instance, Aurora cluster, DynamoDB table, S3 bucket, FSx for Windows file system, vault, backups), runs playbooks/dr_drill.yml in
drill mode on all of them, prints the report, checks the emulator holds nothing the drill
created. Then it shows a drill stopped mid-way (SIGTERM while it waits, its background waits
gone too, as when AWX removes a cancelled job's container): its restore jobs carry on and leave
resources, which dr_mode=cleanup deletes by ownership. Last, a regional drill
(playbooks/regional_dr_drill.yml): in the DR Region us-west-2 it restores the EFS file system
from a copy it makes of the primary Region's recovery point, and the RDS instance from the newest
copy a backup plan had already put in the DR vault (the outage path); it prints that report and
checks that neither Region holds anything the drill made. It ends with the audit evidence:
playbooks/evidence_report.yml over the restore history the drills appended to (in
.cache/drill-reports/history), and prints where the report is. It stops the server (also on
failure)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
REGION = "us-east-1"
DR_REGION = "us-west-2"
DR_VAULT = "dr-vault"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": REGION}
RESTORE_TESTING_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "AKIADRILLRESTORETEST", "AWS_SECRET_ACCESS_KEY": "drill-restore-testing"}
PLAN = "nightly_restore_test"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(endpoint_url: str, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the emulator exited with {process.returncode}")
        try:
            urllib.request.urlopen(endpoint_url + "/moto-api/", timeout=2)  # noqa: S310 - local emulator
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the emulator did not answer at {endpoint_url}")


def aws_client(endpoint_url: str, service: str, region: str = REGION) -> Any:
    import boto3

    return boto3.client(service, region_name=region, endpoint_url=endpoint_url,
                        aws_access_key_id="testing", aws_secret_access_key="testing")  # fmt: skip


def inventory(endpoint_url: str, region: str = REGION) -> dict[str, set[str]]:
    """What exists on the emulator in a Region: file systems, DB instances, DB clusters, and the
    recovery points of the DR vault when there is one."""
    efs, rds, backup, ec2 = (aws_client(endpoint_url, service, region) for service in ("efs", "rds", "backup", "ec2"))
    found = {
        "efs": {fs["FileSystemId"] for fs in efs.describe_file_systems()["FileSystems"]},
        "rds": {db["DBInstanceIdentifier"] for db in rds.describe_db_instances()["DBInstances"]},
        "aurora": {c["DBClusterIdentifier"] for c in rds.describe_db_clusters()["DBClusters"]},
        "ebs": {v["VolumeId"] for v in ec2.describe_volumes()["Volumes"]},
        "ec2": {i["InstanceId"] for r in ec2.describe_instances()["Reservations"] for i in r["Instances"] if i["State"]["Name"] != "terminated"},
        "ec2-images": {i["ImageId"] for i in ec2.describe_images(Owners=["self"])["Images"]},
        "ec2-snapshots": {s["SnapshotId"] for s in ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]},
        "dynamodb": set(aws_client(endpoint_url, "dynamodb", region).list_tables()["TableNames"]),
        "s3": {b["Name"] for b in aws_client(endpoint_url, "s3", region).list_buckets()["Buckets"]},
        # FSx backups too: a file system deleted without SkipFinalBackup would leave one.
        "fsx": {f["FileSystemId"] for f in aws_client(endpoint_url, "fsx", region).describe_file_systems()["FileSystems"]},
        "fsx-backups": {b["BackupId"] for b in aws_client(endpoint_url, "fsx", region).describe_backups()["Backups"]},
        "fsx-volumes": {v["VolumeId"] for v in aws_client(endpoint_url, "fsx", region).describe_volumes()["Volumes"]},
    }
    if any(v["BackupVaultName"] == DR_VAULT for v in backup.list_backup_vaults()["BackupVaultList"]):
        points = backup.list_recovery_points_by_backup_vault(BackupVaultName=DR_VAULT)["RecoveryPoints"]
        found["dr-vault"] = {p["RecoveryPointArn"] for p in points}
    return found


def drill_targets(seeded: dict[str, Any]) -> list[dict[str, Any]]:
    vault = seeded["backup_vault_name"]
    return [
        {"name": "drill-efs", "resource_type": "EFS", "backup_vault_name": vault,
         "recovery_point_arn": seeded["efs"]["recovery_point_arn"],
         "rto_seconds": 600, "rpo_seconds": 86400},
        {"name": "drill-db", "resource_type": "RDS", "backup_vault_name": vault,
         "recovery_point_arn": seeded["rds"]["recovery_point_arn"],
         "rto_seconds": 600, "rpo_seconds": 86400},
        {"name": "drill-aurora", "resource_type": "Aurora", "backup_vault_name": vault,
         "recovery_point_arn": seeded["aurora"]["recovery_point_arn"],
         "instance_count": 1, "rto_seconds": 600, "rpo_seconds": 86400},
    ] + machine_targets(seeded) + cluster_targets(seeded) + data_targets(seeded) + file_targets(seeded)  # fmt: skip


def machine_targets(seeded: dict[str, Any]) -> list[dict[str, Any]]:
    """The EBS volume's and EC2 instance's targets, when their recovery points were seeded."""
    vault = seeded["backup_vault_name"]
    return [
        {"name": name, "resource_type": kind, "backup_vault_name": vault, "recovery_point_arn": seeded[key]["recovery_point_arn"],
         "rto_seconds": 600, "rpo_seconds": 86400}
        for key, kind, name in (("ebs", "EBS", "drill-volume"), ("ec2", "EC2", "drill-instance")) if key in seeded
    ]  # fmt: skip


def cluster_targets(seeded: dict[str, Any]) -> list[dict[str, Any]]:
    """The DB cluster types' targets, when their recovery points were seeded (seed_cluster_recovery_points)."""
    if "clusters" not in seeded:
        return []
    vault, points = seeded["clusters"]["backup_vault_name"], seeded["clusters"]
    return [
        {"name": "drill-docdb", "resource_type": "DocumentDB", "backup_vault_name": vault,
         "recovery_point_arn": points["docdb"]["recovery_point_arn"],
         "instance_count": 1, "rto_seconds": 600, "rpo_seconds": 86400},
        {"name": "drill-neptune", "resource_type": "Neptune", "backup_vault_name": vault,
         "recovery_point_arn": points["neptune"]["recovery_point_arn"],
         "instance_count": 1, "rto_seconds": 600, "rpo_seconds": 86400},
    ]  # fmt: skip


def data_targets(seeded: dict[str, Any]) -> list[dict[str, Any]]:
    """The DynamoDB table's and S3 bucket's targets, when their recovery points were seeded."""
    vault = seeded["backup_vault_name"]
    return [
        {"name": name, "resource_type": kind, "backup_vault_name": vault, "recovery_point_arn": seeded[key]["recovery_point_arn"],
         "rto_seconds": 600, "rpo_seconds": 86400}
        for key, kind, name in (("dynamodb", "DynamoDB", "drill-table"), ("s3", "S3", "drill-bucket")) if key in seeded
    ]  # fmt: skip


def file_targets(seeded: dict[str, Any]) -> list[dict[str, Any]]:
    """The FSx targets, when their recovery points were seeded: a file system of each kind (the
    Windows one restored into another subnet and joined to another directory than the backed-up
    one's) and an ONTAP volume restored into the backed-up volume's storage virtual machine."""
    if "fsx" not in seeded:
        return []
    points, vault = seeded["fsx"], seeded["backup_vault_name"]

    def target(kind: str, name: str, **fields: Any) -> dict[str, Any]:
        return {"name": name, "resource_type": "FSx", "file_system_type": kind, "backup_vault_name": vault,
                "recovery_point_arn": points[kind]["recovery_point_arn"], "rto_seconds": 600, "rpo_seconds": 86400, **fields}  # fmt: skip

    return [
        target("WINDOWS", "drill-shares", subnet_ids=["subnet-0fedcba9876543210"], active_directory_id="d-0fedcba987"),
        target("LUSTRE", "drill-scratch", subnet_ids=["subnet-0fedcba9876543210"]),
        target("OPENZFS", "drill-homes"),
        target("ONTAP", "drill_data", storage_virtual_machine_id=points["ONTAP"]["StorageVirtualMachineId"]),
    ]


def seed_fsx(endpoint_url: str, seeded: dict[str, Any]) -> None:
    """FSx for Windows File Server, Lustre and OpenZFS file systems and an FSx for ONTAP volume, each
    with its recovery point (an FSx backup), in the demo's vault."""
    from tests.emulator.seed import seed_fsx_ontap_recovery_point
    from tests.emulator.seed import seed_fsx_recovery_point

    backup, fsx, iam = aws_client(endpoint_url, "backup"), aws_client(endpoint_url, "fsx"), aws_client(endpoint_url, "iam")
    vault = seeded["backup_vault_name"]
    seeded["fsx"] = {kind: seed_fsx_recovery_point(backup, fsx, iam, kind, vault, f"demo-{kind.lower()}") for kind in ("WINDOWS", "LUSTRE", "OPENZFS")}
    seeded["fsx"]["ONTAP"] = seed_fsx_ontap_recovery_point(backup, fsx, iam, vault, "demo_data")


def seed_s3(endpoint_url: str, seeded: dict[str, Any]) -> None:
    """A versioned S3 bucket with objects and its recovery point, in the demo's vault."""
    from tests.emulator.seed import seed_s3_recovery_point

    seeded["s3"] = seed_s3_recovery_point(
        aws_client(endpoint_url, "backup"), aws_client(endpoint_url, "s3"), aws_client(endpoint_url, "iam"),
        seeded["backup_vault_name"], "demo-bucket", objects=5,
    )


def seed_dynamodb(endpoint_url: str, seeded: dict[str, Any]) -> None:
    """A DynamoDB table with items and its recovery point, in the demo's vault."""
    from tests.emulator.seed import seed_dynamodb_recovery_point

    seeded["dynamodb"] = seed_dynamodb_recovery_point(
        aws_client(endpoint_url, "backup"), aws_client(endpoint_url, "dynamodb"), aws_client(endpoint_url, "iam"),
        seeded["backup_vault_name"], "demo-table", items=5,
    )


def playbook_command(variables: dict[str, Any], playbook: str = "dr_drill.yml") -> list[str]:
    # Extra vars from a file, as AWX passes them.
    vars_file = tempfile.NamedTemporaryFile("w", prefix="drill-vars-", suffix=".json", delete=False)  # noqa: SIM115
    with vars_file:
        json.dump(variables, vars_file)
    return [str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,", "-c", "local",
            "-e", f"@{vars_file.name}", str(REPO_ROOT / "playbooks" / playbook)]  # fmt: skip


def control(endpoint_url: str, action: str, payload: dict[str, Any]) -> Any:
    request = urllib.request.Request(f"{endpoint_url}/_emulator/{action}", data=json.dumps(payload).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})  # fmt: skip
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - local emulator
        return json.loads(response.read() or b"{}")


def interrupted_drill_then_cleanup(endpoint_url: str, variables: dict[str, Any], env: dict[str, str], before: dict) -> int:
    """A drill stopped while it waits leaves restore jobs running; cleanup deletes what they made."""
    print("\n--- a drill stopped while it waits for its restore jobs, then dr_mode=cleanup ---")  # noqa: T201
    control(endpoint_url, "config", {"restore_job_seconds": 8})
    with tempfile.TemporaryDirectory(prefix="drill-async-") as async_dir:
        # Its own temporary directories, so its background waits can be told apart.
        drill_env = {**env, "ANSIBLE_ASYNC_DIR": async_dir, "ANSIBLE_REMOTE_TEMP": f"{async_dir}/remote",
                     "ANSIBLE_LOCAL_TEMP": f"{async_dir}/local"}  # fmt: skip
        journals_before = set(Path(variables["dr_report_dir"]).glob("drill-*.journal.json"))
        process = subprocess.Popen(playbook_command(variables), cwd=REPO_ROOT, env=drill_env,  # noqa: S603
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        deadline = time.monotonic() + 120
        while not set(Path(variables["dr_report_dir"]).glob("drill-*.journal.json")) - journals_before:
            if process.poll() is not None or time.monotonic() > deadline:
                print("the drill to interrupt wrote no journal")  # noqa: T201
                return 1
            time.sleep(0.2)
        time.sleep(1)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        for pid in processes_mentioning(async_dir):  # the background waits die with the controller
            os.kill(pid, signal.SIGKILL)
    time.sleep(10)  # the restore jobs finish in AWS and create their resources, unmarked
    left = inventory(endpoint_url)
    print(f"left by the stopped drill: {({k: sorted(left[k] - before[k]) for k in left})}")  # noqa: T201
    control(endpoint_url, "config", {"restore_job_seconds": 2})
    cleanup = subprocess.run(playbook_command({**variables, "dr_mode": "cleanup"}), cwd=REPO_ROOT, env=env, check=False)  # noqa: S603
    after = inventory(endpoint_url)
    if cleanup.returncode != 0 or after != before:
        print(f"cleanup failed or left resources: {({k: sorted(after[k] - before[k]) for k in after})}")  # noqa: T201
        return 1
    print("cleanup deleted what the stopped drill left; the emulator holds nothing a drill created")  # noqa: T201
    return 0


def regional_drill(endpoint_url: str, seeded: dict[str, Any], variables: dict[str, Any], env: dict[str, str]) -> int:
    """The regional drill: copy-then-restore for the file system, the outage path (the newest copy
    already in the DR vault) for the DB instance, both restored in the DR Region."""
    print(f"\n--- a regional drill: restored in {DR_REGION} from copies of {REGION}'s recovery points ---")  # noqa: T201
    from tests.emulator.seed import create_vault

    dr_vault_arn = create_vault(aws_client(endpoint_url, "backup", DR_REGION), DR_VAULT)
    # The copy a backup plan's copy rule would have made beforehand.
    backup = aws_client(endpoint_url, "backup")
    copy_job_id = backup.start_copy_job(RecoveryPointArn=seeded["rds"]["recovery_point_arn"], SourceBackupVaultName=seeded["backup_vault_name"],
                                        DestinationBackupVaultArn=dr_vault_arn, IamRoleArn=seeded["iam_role_arn"])["CopyJobId"]  # fmt: skip
    deadline = time.monotonic() + 60
    while (job := backup.describe_copy_job(CopyJobId=copy_job_id)["CopyJob"])["State"] not in ("COMPLETED", "FAILED"):
        if time.monotonic() > deadline:
            print(f"the DR copy of the RDS recovery point did not complete: {job}")  # noqa: T201
            return 1
        time.sleep(0.5)
    before = {region: inventory(endpoint_url, region) for region in (REGION, DR_REGION)}
    targets = [
        {"name": "regional-efs", "resource_type": "EFS", "resource_arn": seeded["efs"]["resource_arn"], "backup_vault_name": DR_VAULT,
         "copy_from": {"backup_vault_name": seeded["backup_vault_name"]}, "rto_seconds": 600, "rpo_seconds": 86400},
        {"name": "regional-db", "resource_type": "RDS", "resource_arn": seeded["rds"]["DBInstanceArn"], "backup_vault_name": DR_VAULT,
         "availability_zone": f"{DR_REGION}a", "rto_seconds": 600, "rpo_seconds": 86400},
    ]  # fmt: skip
    report_dir = Path(variables["dr_report_dir"])
    already = set(report_dir.glob("drill-*.md"))
    regional = {**variables, "dr_targets": targets, "dr_region": DR_REGION, "dr_source_region": REGION}
    regional.pop("dr_aws_region", None)
    completed = subprocess.run(playbook_command(regional, "regional_dr_drill.yml"), cwd=REPO_ROOT, env=env, check=False)  # noqa: S603
    for new_report in sorted(set(report_dir.glob("drill-*.md")) - already):
        print(f"\nreport: {new_report} and {new_report.with_suffix('.json')}\n")  # noqa: T201
        print(new_report.read_text())  # noqa: T201
    after = {region: inventory(endpoint_url, region) for region in (REGION, DR_REGION)}
    left = {region: {k: sorted(after[region][k] - before[region][k]) for k in after[region] if after[region][k] - before[region][k]}
            for region in after}  # fmt: skip
    if any(left.values()):
        print(f"the regional drill left something behind: {left}")  # noqa: T201
        return 1
    if completed.returncode != 0:
        return completed.returncode
    print(f"neither {REGION} nor {DR_REGION} holds anything the regional drill made (restores or copies)")  # noqa: T201
    return 0


def evidence_report(endpoint_url: str, report_dir: Path, vaults: list[str], env: dict[str, str]) -> int:
    """playbooks/evidence_report.yml over the restore history the drills above appended to (it
    keeps earlier `make drill` runs' records too), with coverage of the seeded vaults."""
    print("\n--- the audit evidence: playbooks/evidence_report.yml over the drills' restore history ---")  # noqa: T201
    output_dir = report_dir / "evidence"
    variables = {
        "evidence_history_dir": str(report_dir / "history"), "evidence_output_dir": str(output_dir), "evidence_vaults": vaults,
        "evidence_period_days": 30, "evidence_aws_endpoint_url": endpoint_url, "evidence_region": REGION,
        "ansible_python_interpreter": sys.executable,
    }  # fmt: skip
    completed = subprocess.run(playbook_command(variables, "evidence_report.yml"), cwd=REPO_ROOT, env=env, check=False)  # noqa: S603
    if completed.returncode != 0:
        return completed.returncode
    data = json.loads((output_dir / "evidence.json").read_text())
    print(f"\nevidence report: {output_dir / 'index.html'} (open it in a browser; evidence.json and evidence.csv beside it): "  # noqa: T201
          f"{data['summary']['tests']} restore tests in {data['records']} drills, "
          f"{len(data['coverage']['untested'])} protected resources of {', '.join(vaults)} never restore-tested")  # fmt: skip
    return 0


def restore_testing(endpoint_url: str, seeded: dict[str, Any], report_dir: Path, env: dict[str, str]) -> int:
    """Restore testing as code: a plan and a selection declared with the collection's modules, the
    plan run by the emulator as its schedule would, and its restore validated by
    playbooks/restore_validation.yml (SUCCESSFUL, put before the validation window closes)."""
    backup = aws_client(endpoint_url, "backup")
    vault_arn = backup.describe_backup_vault(BackupVaultName=seeded["backup_vault_name"])["BackupVaultArn"]
    # Modules mask the values of no_log options in what they return: with the demo's "testing"
    # credentials every restore testing plan ARN would show as "restore-********-plan".
    env = {**env, **RESTORE_TESTING_CREDENTIALS}
    declared = {"rt_endpoint_url": endpoint_url, "rt_region": REGION, "rt_vault_arn": vault_arn, "rt_resource_arn": seeded["rds"]["DBInstanceArn"],
                "rt_iam_role_arn": seeded["iam_role_arn"], "ansible_python_interpreter": sys.executable}  # fmt: skip
    print("\nrestore testing: the plan and its selection declared (tests/tools/playbooks/restore_testing.yml)")  # noqa: T201
    completed = subprocess.run(playbook_command(declared, str(Path(__file__).parent / "playbooks" / "restore_testing.yml")),  # noqa: S603
                               cwd=REPO_ROOT, env=env, check=False)  # fmt: skip
    if completed.returncode != 0:
        return completed.returncode
    jobs = control(endpoint_url, "restore-testing-runs", {"restore_testing_plan_name": PLAN})["restore_job_ids"]
    print(f"restore testing: the emulator ran the plan as its schedule would: restore job(s) {', '.join(jobs)}")  # noqa: T201
    # The validation runs once the restores completed, as the "Restore Job State Change" event
    # (status COMPLETED) would launch it.
    deadline = time.monotonic() + 300
    while any(backup.describe_restore_job(RestoreJobId=job)["Status"] not in ("COMPLETED", "ABORTED", "FAILED") for job in jobs):
        if time.monotonic() > deadline:
            print("restore testing: the plan's restore jobs did not end within 300 s")  # noqa: T201
            return 1
        time.sleep(1)
    variables = {"rt_plan": PLAN, "rt_report_dir": str(report_dir), "rt_aws_endpoint_url": endpoint_url, "rt_region": REGION,
                 "ansible_python_interpreter": sys.executable}  # fmt: skip
    completed = subprocess.run(playbook_command(variables, "restore_validation.yml"), cwd=REPO_ROOT, env=env, check=False)  # noqa: S603
    reports = sorted(report_dir.glob("validation-*.json"), key=lambda p: p.stat().st_mtime)
    if completed.returncode != 0 or not reports:
        return completed.returncode or 1
    print(f"\nvalidation report: {reports[-1].with_suffix('.md')}\n")  # noqa: T201
    print(reports[-1].with_suffix(".md").read_text())  # noqa: T201
    statuses = {t["restore_job_id"]: t["validation_status"] for t in json.loads(reports[-1].read_text())["targets"]}
    recorded = {job: backup.describe_restore_job(RestoreJobId=job).get("ValidationStatus") for job in jobs}
    if statuses != recorded or set(recorded.values()) != {"SUCCESSFUL"}:
        print(f"restore testing: the validation report says {statuses}, AWS Backup holds {recorded}")  # noqa: T201
        return 1
    return 0


def processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text in (entry / "cmdline").read_bytes().decode(errors="replace"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def main() -> int:
    sys.path.insert(0, str(REPO_ROOT))
    from tests.emulator.seed import seed_cluster_recovery_points
    from tests.emulator.seed import seed_demo
    from tests.emulator.seed import seed_ebs_recovery_point
    from tests.emulator.seed import seed_ec2_recovery_point

    port = free_port()
    endpoint_url = f"http://127.0.0.1:{port}"
    report_dir = REPO_ROOT / ".cache" / "drill-reports"
    # The emulator's log goes with the run's reports, where the operator looks, not into the
    # system temporary directory; one file per run, named by its start (UTC).
    report_dir.mkdir(parents=True, exist_ok=True)
    log_path = report_dir / f"emulator-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.log"
    log = open(log_path, "wb")  # noqa: SIM115 - closed with the server, below
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "tests.emulator.server", "--port", str(port)],
        cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_until_up(endpoint_url, server)
        print(f"emulator on {endpoint_url} (log {log_path})")  # noqa: T201
        seeded = seed_demo(endpoint_url, REGION)
        seeded["ebs"] = seed_ebs_recovery_point(aws_client(endpoint_url, "backup"), aws_client(endpoint_url, "ec2"),
                                                seeded["backup_vault_name"], seeded["iam_role_arn"])  # fmt: skip
        seeded["ec2"] = seed_ec2_recovery_point(aws_client(endpoint_url, "backup"), aws_client(endpoint_url, "ec2"),
                                                seeded["backup_vault_name"], seeded["iam_role_arn"])  # fmt: skip
        seeded["clusters"] = seed_cluster_recovery_points(endpoint_url, REGION, seeded["backup_vault_name"])
        seed_dynamodb(endpoint_url, seeded)
        seed_s3(endpoint_url, seeded)
        seed_fsx(endpoint_url, seeded)
        before = inventory(endpoint_url)
        variables = {
            "dr_targets": drill_targets(seeded),
            "dr_iam_role_arn": seeded["iam_role_arn"],
            "dr_aws_endpoint_url": endpoint_url,
            "dr_aws_region": REGION,
            "dr_report_dir": str(report_dir),
            "dr_poll_interval": 1,
            "ansible_python_interpreter": sys.executable,
        }
        env = {**os.environ, **CREDENTIALS}
        completed = subprocess.run(playbook_command(variables), cwd=REPO_ROOT, env=env, check=False)  # noqa: S603
        after = inventory(endpoint_url)
        left = {kind: sorted(after[kind] - before[kind]) for kind in after if after[kind] - before[kind]}
        reports = sorted(report_dir.glob("drill-*.md"), key=lambda p: p.stat().st_mtime)
        if reports:
            print(f"\nreport: {reports[-1]} and {reports[-1].with_suffix('.json')}\n")  # noqa: T201
            print(reports[-1].read_text())  # noqa: T201
        if left:
            print(f"the drill left resources on the emulator: {left}")  # noqa: T201
            return 1
        print("the emulator holds nothing the drill created")  # noqa: T201
        if completed.returncode != 0:
            return completed.returncode
        stopped = interrupted_drill_then_cleanup(endpoint_url, variables, env, before)
        if stopped != 0:
            return stopped
        regional = regional_drill(endpoint_url, seeded, variables, env)
        if regional != 0:
            return regional
        tested = restore_testing(endpoint_url, seeded, report_dir, env)
        if tested != 0:
            return tested
        vaults = sorted({seeded["backup_vault_name"], seeded["clusters"]["backup_vault_name"]})
        return evidence_report(endpoint_url, report_dir, vaults, env)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


if __name__ == "__main__":
    sys.exit(main())
