"""Drills of FSx (Lustre, Windows File Server and OpenZFS file systems and an ONTAP volume, in one
drill) through real ansible-playbook runs of the restore role on the emulator server: a drill
restores, validates (the built-in check reads each file system's lifecycle, type, subnets and Active
Directory as asked and its storage capacity against the backup's own description; the volume's name,
storage virtual machine and size against the backed-up volume), measures and tears down by ownership
without leaving a final backup, the ONTAP storage virtual machine and file system untouched, a
self-managed Active Directory's password never shown at -vvv; a file
system or volume named like a target is never touched and an ONTAP target without its storage virtual
machine is refused, before anything starts; a drill stopped by SIGTERM is cleaned up later by ownership."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.emulator import seed
from tests.integration.interrupted import stop_drill_while_it_waits, wait_until_restore_jobs_completed

ROLE = Path(__file__).parent / "playbooks" / "restore_role" / "role.yml"
KINDS = ("LUSTRE", "WINDOWS", "OPENZFS")
SUBNET = "subnet-0fedcba9876543210"
SECRET = "Fsx-directory-p4ssword"
# A self-managed Active Directory's credentials: the password goes with the restore metadata and is
# never shown (the whole WindowsConfiguration value is passed as secret metadata).
SELF_MANAGED = {"SelfManagedActiveDirectoryConfiguration": {"DomainName": "corp.example.com", "DnsIps": ["10.0.0.10"],
                                                            "UserName": "fsx-join", "Password": SECRET}}  # fmt: skip


def seeded_points(server: Any) -> dict[str, Any]:
    backup, fsx, iam = server.client("backup"), server.client("fsx"), server.client("iam")
    points = {kind: seed.seed_fsx_recovery_point(backup, fsx, iam, kind, "fsx-vault", f"prod-{kind.lower()}") for kind in KINDS}
    points["ONTAP"] = seed.seed_fsx_ontap_recovery_point(backup, fsx, iam, "fsx-vault", "prod_data")
    return points


def inventory(server: Any) -> dict[str, Any]:
    fsx = server.client("fsx")
    file_systems = {f["FileSystemId"]: ({t["Key"]: t["Value"] for t in f.get("Tags", [])}.get("Name"), f["FileSystemType"])
                    for f in fsx.describe_file_systems()["FileSystems"]}  # fmt: skip
    return {"file_systems": file_systems, "backups": sorted(b["BackupId"] for b in fsx.describe_backups()["Backups"]),
            "volumes": sorted(v["Name"] for v in fsx.describe_volumes()["Volumes"]),
            "svms": len(fsx.describe_storage_virtual_machines()["StorageVirtualMachines"])}  # fmt: skip


def target(points: dict[str, Any], kind: str, name: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "resource_type": "FSx", "file_system_type": kind, "backup_vault_name": "fsx-vault",
            "recovery_point_arn": points[kind]["recovery_point_arn"], **extra}  # fmt: skip


def all_four(points: dict[str, Any], suffix: str, **extra: Any) -> list[dict[str, Any]]:
    return [
        target(points, "LUSTRE", f"scratch-{suffix}", subnet_ids=[SUBNET], **extra),
        target(points, "WINDOWS", f"shares-{suffix}", subnet_ids=[SUBNET], active_directory_id="d-2222222222", **extra),
        target(points, "OPENZFS", f"homes-{suffix}", **extra),
        target(points, "ONTAP", f"data_{suffix}", storage_virtual_machine_id=points["ONTAP"]["StorageVirtualMachineId"], **extra),
    ]


def role_vars(points: dict[str, Any], mode: str, targets: list[dict[str, Any]]) -> dict[str, Any]:
    return {"mode": mode, "iam_role_arn": points["LUSTRE"]["iam_role_arn"], "targets": targets}


def reports(result: Any) -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted(result.output_dir.glob("drill-*[0-9a-f].json"))]


def test_a_drill_restores_validates_measures_and_tears_down(emulator_server, run_playbook):
    points = seeded_points(emulator_server)
    emulator_server.configure(restore_job_seconds=1)
    before = inventory(emulator_server)
    emulator_server.reset_calls()
    targets = all_four(points, "drill", rto_seconds=3600, rpo_seconds=86400)
    targets.append(target(points, "WINDOWS", "shares-selfmanaged", subnet_ids=[SUBNET], metadata={"WindowsConfiguration": SELF_MANAGED},
                          rto_seconds=3600, rpo_seconds=86400))
    result = run_playbook(ROLE, role_vars(points, "drill", targets), verbosity=3)
    assert result.rc == 0, result.stdout[-3000:]
    assert SECRET not in result.stdout and "fsx-join" in result.stdout, "the password is never shown, even at -vvv"
    assert not [p for p in result.output_dir.rglob("*") if p.is_file() and SECRET in p.read_text(errors="replace")]
    (summary,) = reports(result)
    assert [t["resource_type"] for t in summary["targets"]] == ["FSx"] * 5
    for report in summary["targets"]:
        assert report["restore_job_status"] == "COMPLETED" and report["validation"] == "passed", report
        assert report["teardown"] == "deleted"
        assert isinstance(report["rto_seconds"], (int, float)) and isinstance(report["rpo_seconds"], (int, float))
    # The restored file systems were read (their backups too, for validation) and deleted without a
    # final backup; the sources and their recovery points are untouched.
    assert inventory(emulator_server) == before
    calls = emulator_server.calls("fsx")
    assert calls.get("DescribeBackups", 0) >= 5 and calls.get("TagResource", 0) >= 5
    assert calls.get("DeleteFileSystem") == 4 and calls.get("DeleteVolume") == 1

    # The same drill again restores again: new restore jobs, each validated and deleted.
    again = run_playbook(ROLE, role_vars(points, "drill", targets))
    assert again.rc == 0, again.stdout[-3000:]
    second = next(r for r in reports(again) if r["run_id"] != summary["run_id"])
    first_jobs = {t["restore_job_id"] for t in summary["targets"]}
    assert len({t["restore_job_id"] for t in second["targets"]} - first_jobs) == 5
    assert all(t["validation"] == "passed" and t["teardown"] == "deleted" for t in second["targets"]), second["targets"]
    assert inventory(emulator_server) == before


def test_a_file_system_or_volume_named_like_a_target_is_never_touched(emulator_server, run_playbook):
    points = seeded_points(emulator_server)
    before = inventory(emulator_server)
    emulator_server.reset_calls()
    svm = points["ONTAP"]["StorageVirtualMachineId"]
    unnamed = run_playbook(ROLE, role_vars(points, "drill", [target(points, "ONTAP", "data_nosvm")]))
    assert unnamed.rc != 0 and "storage_virtual_machine_id is required for file_system_type ONTAP" in unnamed.stdout, unnamed.stdout[-3000:]
    targets = [target(points, "WINDOWS", "prod-windows"), target(points, "ONTAP", "prod_data", storage_virtual_machine_id=svm)]
    taken = run_playbook(ROLE, role_vars(points, "drill", targets))
    assert taken.rc != 0 and "prod-windows, prod_data already exist; choose new names" in taken.stdout, taken.stdout[-3000:]
    assert emulator_server.calls().get("StartRestoreJob", 0) == 0, "refused before anything started"
    assert not {"TagResource", "DeleteFileSystem", "DeleteVolume", "UntagResource"} & set(emulator_server.calls("fsx"))
    assert inventory(emulator_server) == before


def test_a_drill_stopped_by_sigterm_is_cleaned_up_later_by_ownership(emulator_server, run_playbook, playbook_invocation, tmp_path):
    points = seeded_points(emulator_server)
    before = inventory(emulator_server)
    emulator_server.configure(restore_job_seconds=6)
    invocation = playbook_invocation(ROLE, role_vars(points, "drill", all_four(points, "stopped")))
    stop_drill_while_it_waits(invocation, tmp_path, seconds_into_the_wait=1)
    wait_until_restore_jobs_completed(emulator_server)
    left = inventory(emulator_server)
    assert len(left["file_systems"]) == len(before["file_systems"]) + 3 and "data_stopped" in left["volumes"], "the restore jobs carried on"

    cleanup = run_playbook(ROLE, role_vars(points, "cleanup", []))
    assert cleanup.rc == 0, cleanup.stdout[-3000:]
    assert inventory(emulator_server) == before
