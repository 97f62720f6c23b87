"""backup_restore_job as a careful reviewer tries it, in real ansible-playbook runs against the
emulator server: a re-run after the restored resource was deleted tells the truth, secrets are
never shown on any path at any verbosity, waiting ends when wait_timeout says and rides out a
lost endpoint, bad input starts nothing, and force with an idempotency token restores once per
token."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.emulator import seed
from tests.integration.proxy import PausableProxy

PLAYBOOKS = Path(__file__).parent / "playbooks" / "backup_restore_job_trust"
CASES_PLAYBOOK = PLAYBOOKS / "cases.yml"
VAULT = "trust-vault"


# ---- helpers ----------------------------------------------------------------------------


def run_cases(run_playbook, cases: list[dict], result_file: str = "results", **kwargs) -> list[dict]:
    result = run_playbook(CASES_PLAYBOOK, {"cases": cases, "result_file": result_file}, **kwargs)
    output = result.stdout + result.stderr
    assert result.rc == 0, output
    assert "Traceback" not in output
    return result.load_json(f"{result_file}.json")


def restore_job_ids(server) -> set[str]:
    return {job["RestoreJobId"] for job in server.client("backup").list_restore_jobs()["RestoreJobs"]}


@pytest.fixture
def efs_point(emulator_server) -> dict:
    server = emulator_server
    return seed.seed_efs_recovery_point(server.client("backup"), server.client("efs"), server.client("iam"), VAULT)


def efs_case(point: dict, **overrides) -> dict:
    case = {
        "recovery_point_arn": point["recovery_point_arn"],
        "backup_vault_name": VAULT,
        "resource_type": "EFS",
        "iam_role_arn": point["iam_role_arn"],
        "metadata": {"file-system-id": point["file_system_id"], "newFileSystem": True},
        "wait": False,
    }
    case.update(overrides)
    return case


# ---- a re-run tells the truth -----------------------------------------------------------


def seed_rds_points(server, role_arn: str) -> dict[str, str]:
    backup, rds = server.client("backup"), server.client("rds")
    db = seed.create_rds_instance(rds, "trust-db")
    cluster = seed.create_aurora_cluster(rds, "trust-aurora")
    return {
        "RDS": seed.backup_and_wait(backup, VAULT, db["DBInstanceArn"], role_arn).recovery_point_arn,
        "Aurora": seed.backup_and_wait(backup, VAULT, cluster["DBClusterArn"], role_arn).recovery_point_arn,
    }


def delete_restored(server, arn: str) -> None:
    """Delete what a restore created, as an operator tearing it down by hand would."""
    resource = arn.split(":", 5)[5]
    if resource.startswith("file-system/"):
        server.client("efs").delete_file_system(FileSystemId=resource.split("/", 1)[1])
    elif resource.startswith("db:"):
        server.client("rds").delete_db_instance(DBInstanceIdentifier=resource[3:], SkipFinalSnapshot=True)
    elif resource.startswith("cluster:"):
        rds = server.client("rds")
        rds.delete_db_cluster(DBClusterIdentifier=resource[8:], SkipFinalSnapshot=True)
        # AWS removes a deleted cluster's automated snapshots (unless told to retain them); moto
        # keeps them, and a restore under the same name within the minute would collide with one.
        automated = rds.describe_db_cluster_snapshots(DBClusterIdentifier=resource[8:], SnapshotType="automated")
        for snapshot in automated["DBClusterSnapshots"]:
            rds.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier=snapshot["DBClusterSnapshotIdentifier"])
    else:
        raise AssertionError(f"not a resource this test restores: {arn}")


def test_rerun_after_the_restored_resource_was_deleted_restores_again_and_says_why(
    run_playbook, emulator_server, efs_point
):
    emulator_server.configure(restore_job_seconds=0)  # the wait is not what is tested here
    rds_points = seed_rds_points(emulator_server, efs_point["iam_role_arn"])
    cases = [
        efs_case(efs_point, name="EFS", wait=True, wait_timeout=60),
        {
            "name": "RDS",
            "recovery_point_arn": rds_points["RDS"],
            "backup_vault_name": VAULT,
            "resource_type": "RDS",
            "iam_role_arn": efs_point["iam_role_arn"],
            "metadata": {"DBInstanceIdentifier": "trust-db-copy", "DBInstanceClass": "db.t3.micro"},
            "wait": True,
            "wait_timeout": 60,
        },
        {
            "name": "Aurora",
            "recovery_point_arn": rds_points["Aurora"],
            "backup_vault_name": VAULT,
            "resource_type": "Aurora",
            "iam_role_arn": efs_point["iam_role_arn"],
            "metadata": {"DBClusterIdentifier": "trust-aurora-copy"},
            "wait": True,
            "wait_timeout": 60,
        },
    ]

    first = run_cases(run_playbook, cases, "first")
    for case, result in zip(cases, first):
        assert not result.get("failed"), (case["name"], result.get("msg"))
        assert result["changed"] is True and result["restore_job"]["status"] == "COMPLETED", case["name"]
        delete_restored(emulator_server, result["restore_job"]["created_resource_arn"])

    second = run_cases(run_playbook, cases, "second")
    for case, before, after in zip(cases, first, second):
        old_job, new_job = before["restore_job"], after["restore_job"]
        assert not after.get("failed"), (case["name"], after.get("msg"))
        assert after["changed"] is True, case["name"]
        assert new_job["restore_job_id"] != old_job["restore_job_id"], case["name"]
        assert new_job["status"] == "COMPLETED", case["name"]
        # The user is told which job was not reused and why, in words.
        notes = " ".join(after.get("notes", []))
        assert old_job["restore_job_id"] in notes and "no longer exists" in notes, (case["name"], after.get("notes"))
        assert old_job["created_resource_arn"] in notes, case["name"]

    third = run_cases(run_playbook, cases, "third")
    for case, restored, reused in zip(cases, second, third):
        assert not reused.get("failed"), (case["name"], reused.get("msg"))
        assert reused["changed"] is False, case["name"]
        assert reused["restore_job"]["restore_job_id"] == restored["restore_job"]["restore_job_id"], case["name"]
        assert not reused.get("notes"), case["name"]
    assert len(restore_job_ids(emulator_server)) == 2 * len(cases)


# ---- force with an idempotency token ----------------------------------------------------


def test_force_with_a_token_restores_once_per_token(run_playbook, emulator_server, efs_point):
    cases = [
        efs_case(efs_point, name="token A", force=True, idempotency_token="drill-run-a"),
        efs_case(efs_point, name="token A again", force=True, idempotency_token="drill-run-a"),
        efs_case(efs_point, name="token B", force=True, idempotency_token="drill-run-b"),
    ]
    first_a, again_a, other_b = run_cases(run_playbook, cases)
    for result in (first_a, again_a, other_b):
        assert not result.get("failed"), result.get("msg")
    assert again_a["restore_job"]["restore_job_id"] == first_a["restore_job"]["restore_job_id"]
    assert other_b["restore_job"]["restore_job_id"] != first_a["restore_job"]["restore_job_id"]
    assert restore_job_ids(emulator_server) == {
        first_a["restore_job"]["restore_job_id"],
        other_b["restore_job"]["restore_job_id"],
    }


# ---- every bad input starts nothing -----------------------------------------------------


def test_every_bad_input_fails_naming_the_option_and_starts_nothing(run_playbook, emulator_server, efs_point):
    fs_arn = efs_point["resource_arn"]
    bad_cases = [
        (efs_case(efs_point, recovery_point_arn="arn:aws:s3:::prod-backups"), "recovery_point_arn"),
        (efs_case(efs_point, recovery_point_arn="arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole"),
         "recovery_point_arn"),  # fmt: skip
        (efs_case(efs_point, recovery_point_arn="arn:aws:sns:us-east-1:123456789012:backup-events"), "recovery_point_arn"),
        (efs_case(efs_point, recovery_point_arn=fs_arn), "recovery_point_arn"),
        (efs_case(efs_point, recovery_point_arn="arn:aws:backup:us-east-1:123456789012:recovery-point:"), "recovery_point_arn"),
        (efs_case(efs_point, recovery_point_arn="arn:aws:backup:us-east-1:123456789012:"), "recovery_point_arn"),
        (efs_case(efs_point, metadata={"file-system-id": {"id": efs_point["file_system_id"]}, "newFileSystem": True}),
         "metadata.file-system-id"),  # fmt: skip
        (efs_case(efs_point, resource_type=["EFS"]), "resource_type"),
        (
            {
                "resource_arn": fs_arn,
                "backup_vault_name": VAULT,
                "latest_before": "-9999999d",
                "metadata": {"newFileSystem": True},
                "wait": False,
            },
            "latest_before",
        ),
    ]
    info_cases = [
        ({"resource_arn": "fs-0123456789abcdef0"}, "resource_arn"),
        ({"resource_arn": "arn:aws:elasticfilesystem:us-east-1:123456789012:"}, "resource_arn"),
        ({"resource_arn": ""}, "resource_arn"),
        ({"resource_arn": fs_arn, "latest_before": "-9999999d"}, "latest_before"),
    ]
    emulator_server.reset_calls()
    result = run_playbook(
        CASES_PLAYBOOK,
        {"cases": [bad[0] for bad in bad_cases], "info_cases": [bad[0] for bad in info_cases]},
    )
    output = result.stdout + result.stderr
    assert result.rc == 0, output
    assert "Traceback" not in output and "Unexpected error" not in output
    restores, infos = result.load_json("results.json"), result.load_json("info_results.json")
    for (case, option), outcome in [*zip(bad_cases, restores), *zip(info_cases, infos)]:
        assert outcome.get("failed") is True, (case, outcome)
        assert option in outcome["msg"], (option, outcome["msg"])
        # ansible-core 2.19 adds "exception": "(traceback unavailable)" to every failure; a real one would be a traceback.
        assert "Unexpected error" not in outcome["msg"] and "Traceback" not in json.dumps(outcome), outcome
    # Refused before any AWS call: nothing started, nothing even looked up.
    assert emulator_server.calls() == {}
    assert restore_job_ids(emulator_server) == set()


# ---- secrets are never shown ------------------------------------------------------------

SECRETS_PLAYBOOK = PLAYBOOKS / "secrets.yml"
MASK = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
# One value per credential spelling AWS restore metadata uses, a number, and a nested structure;
# each distinctive enough that finding it anywhere in the output can only be a leak.
SECRET_METADATA = {
    "MasterUserPassword": "mup-Zq81-never-shown",
    "MasterUserPwd": "mupwd-Xk27-never-shown",
    "AdminPasswd": 73519468201,
    "ClientSecret": "cs-Lm44-never-shown",
    "ServiceCredentials": ["nested-list-Pv63-never-shown", {"inner": "nested-dict-Rb95-never-shown"}],
    "ApiToken": "at-Hw08-never-shown",
    "SshKey": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5Qf12neverShown",
}
HIDDEN_METADATA = {"Comment": "harmless-key-Tj50-never-shown"}  # secret_metadata: hidden whatever the key
SECRET_FLAG = "flag-Gc39-never-shown"  # a secret_metadata value that an error message would quote
STRUCTURED_SECRET = {"user": "admin", "password": "structured-Wd72-never-shown"}
SECRET_VALUES = [
    "mup-Zq81-never-shown",
    "mupwd-Xk27-never-shown",
    "73519468201",
    "cs-Lm44-never-shown",
    "nested-list-Pv63-never-shown",
    "nested-dict-Rb95-never-shown",
    "at-Hw08-never-shown",
    "AAAAC3NzaC1lZDI1NTE5Qf12neverShown",
    "harmless-key-Tj50-never-shown",
    "flag-Gc39-never-shown",
    "structured-Wd72-never-shown",
]


def leaked(text: str) -> list[str]:
    return [value for value in SECRET_VALUES if value in text]


# Every verbosity with --diff; check mode at the most verbose; the minimal callback, which prints
# each task's whole result (invocation included) as JSON at any verbosity, as a job event would.
SECRET_RUNS = [
    pytest.param({"verbosity": 0}, id="v0-diff"),
    pytest.param({"verbosity": 1}, id="v1-diff"),
    pytest.param({"verbosity": 3}, id="vvv-diff"),
    pytest.param({"verbosity": 4}, id="vvvv-diff"),
    pytest.param({"verbosity": 4, "check": True}, id="vvvv-check-diff"),
    pytest.param({"verbosity": 0, "env": {"ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.minimal"}}, id="minimal-callback"),
]


@pytest.mark.parametrize("run", SECRET_RUNS)
def test_secrets_are_never_shown_on_any_path(run_playbook, emulator_server, efs_point, tmp_path, run):
    secrets_file = tmp_path / "secrets.yml"  # JSON is YAML
    secrets_file.write_text(json.dumps({
        "secret_laden_metadata": {"file-system-id": efs_point["file_system_id"], "newFileSystem": True, **SECRET_METADATA},
        "hidden_metadata": HIDDEN_METADATA,
        "secret_flag": SECRET_FLAG,
        "structured_secret": STRUCTURED_SECRET,
    }))  # fmt: skip
    variables = {
        "secrets_file": str(secrets_file),
        "recovery_point_arn": efs_point["recovery_point_arn"],
        "backup_vault_name": VAULT,
        "resource_arn": efs_point["resource_arn"],
        "iam_role_arn": efs_point["iam_role_arn"],
        "unknown_recovery_point_arn": "arn:aws:backup:us-east-1:123456789012:recovery-point:00000000-0000-0000-0000-000000000000",
    }
    check = run.get("check", False)
    result = run_playbook(SECRETS_PLAYBOOK, variables, diff=True, **run)
    output = result.stdout + result.stderr
    assert result.rc == 0, output
    assert "Traceback" not in output
    saved_text = (result.output_dir / "secrets.json").read_text()
    assert leaked(output) == [], output
    assert leaked(saved_text) == []

    # Each path was really taken (otherwise finding no secret would prove nothing).
    saved = json.loads(saved_text)
    for name, words in {
        "bad_wait": ["wait"],
        "unknown_option": ["bogus_option"],
        "bad_wait_timeout": ["wait_timeout"],
        "both_sources": ["recovery_point_arn", "resource_arn"],
        "bad_role": ["iam_role_arn"],
        "quoted_secret": ["metadata.Encrypted"],
        "structured": ["metadata.DbSecret"],
        "unknown_point": ["is not in backup vault"],
        # Check mode starts no job: no refusal to see there.
        **({} if check else {"aws_error": ["Failed starting the restore job", "backup:StartRestoreJob", "AccessDeniedException"]}),
    }.items():
        assert saved[name].get("failed") is True, (name, saved[name])
        assert all(word in saved[name]["msg"] for word in words), (name, saved[name]["msg"])
    # The message would have quoted the value: Ansible blanked it because the module registered it.
    assert "got '********'" in saved["quoted_secret"]["msg"], saved["quoted_secret"]["msg"]
    if run["verbosity"] >= 3:
        # From -vvv on, every restore task's output shows what the module was given, masked.
        sections = output.split("TASK [")[1:]
        restores = [t for t in sections if "modules/backup_restore_job.py" in t]
        assert len(restores) == len(saved), [t.split("]", 1)[0] for t in sections]
        for task in restores:
            assert '"module_args"' in task and f'"MasterUserPassword": "{MASK}"' in task, task[:3000]
    if check:
        for name in ("failed_job", "timed_out", "succeeded", "reused"):
            assert saved[name]["changed"] is True and saved[name]["restore_job"] == {}, (name, saved[name])
        assert "StartRestoreJob" not in emulator_server.calls()
        return
    assert saved["failed_job"]["failed"] is True and "ended FAILED" in saved["failed_job"]["msg"]
    assert saved["timed_out"]["failed"] is True and "wait_timeout=1" in saved["timed_out"]["msg"]
    succeeded = saved["succeeded"]
    assert not succeeded.get("failed") and succeeded["restore_job"]["status"] == "COMPLETED", succeeded
    assert succeeded["restore_request"]["metadata"]["MasterUserPassword"] == MASK
    reused = saved["reused"]
    assert reused["changed"] is False and reused["restore_job"]["restore_job_id"] == succeeded["restore_job"]["restore_job_id"]
    assert reused["diff"]["before"]["restore_metadata"]["ApiToken"] == MASK
    # ...and they reached AWS as given: the job that succeeded was sent every one of them.
    sent = emulator_server.client("backup").get_restore_job_metadata(RestoreJobId=succeeded["restore_job"]["restore_job_id"])
    sent_text = json.dumps(sent["Metadata"])
    assert leaked(sent_text) == [v for v in SECRET_VALUES if v not in (SECRET_FLAG, "structured-Wd72-never-shown")]


# ---- waiting keeps its word -------------------------------------------------------------

TIMED_PLAYBOOK = PLAYBOOKS / "timed_restore.yml"
# How far past wait_timeout the task may end: module start-up, the calls before the wait, the
# last poll's own time. The code before this bound took about ten times wait_timeout here.
WAIT_MARGIN = 15
# Longer than botocore's own retries of a refused connection last (legacy mode: 4 retries, at most
# 1 + 2 + 4 + 8 s apart), so only the module's wait loop can ride it out.
OUTAGE_SECONDS = 16


def run_timed(run_playbook, case: dict, **extra_vars) -> tuple[dict, float]:
    result = run_playbook(TIMED_PLAYBOOK, {"case": case, **extra_vars}, timeout=600)
    output = result.stdout + result.stderr
    assert result.rc == 0, output
    assert "Traceback" not in output
    timed = result.load_json("timed.json")
    return timed["result"], timed["seconds"]


def test_endless_throttling_ends_the_wait_by_wait_timeout(run_playbook, emulator_server, efs_point):
    emulator_server.configure(restore_job_seconds=600)
    emulator_server.throttle("DescribeRestoreJob", 10**6)
    result, seconds = run_timed(run_playbook, efs_case(efs_point, wait=True, wait_timeout=20))
    assert result.get("failed") is True, result
    assert seconds < 20 + WAIT_MARGIN, (seconds, result["msg"])
    (job_id,) = restore_job_ids(emulator_server)
    # It names the job, says that AWS never told its status (every DescribeRestoreJob was
    # throttled), why, and that the job goes on.
    assert result["restore_job"] == {"restore_job_id": job_id}
    assert job_id in result["msg"] and "wait_timeout=20" in result["msg"], result["msg"]
    assert "no known status" in result["msg"] and "ThrottlingException" in result["msg"], result["msg"]
    assert "keeps running" in result["msg"]


def wait_for_calls(server, operation: str, count: int, timeout: float = 120) -> None:
    """Until the emulator has answered `count` calls of `operation` (bounded)."""
    deadline = time.monotonic() + timeout
    while server.calls().get(operation, 0) < count:
        assert time.monotonic() < deadline, f"no {count} {operation} calls in {timeout} s: {server.calls()}"
        time.sleep(0.1)


def test_throttling_after_an_answer_ends_the_wait_naming_the_last_known_status(
    run_playbook, emulator_server, efs_point
):
    emulator_server.configure(restore_job_seconds=600)
    with ThreadPoolExecutor(max_workers=1) as pool:
        running = pool.submit(run_timed, run_playbook, efs_case(efs_point, wait=True, wait_timeout=20))
        # Once the wait has had its first answer, AWS throttles every poll from then on.
        wait_for_calls(emulator_server, "DescribeRestoreJob", 1)
        emulator_server.throttle("DescribeRestoreJob", 10**6)
        result, seconds = running.result(timeout=300)
    assert result.get("failed") is True, result
    assert seconds < 20 + WAIT_MARGIN, (seconds, result["msg"])
    (job_id,) = restore_job_ids(emulator_server)
    status = result["restore_job"]["status"]
    assert result["restore_job"]["restore_job_id"] == job_id and status in ("PENDING", "RUNNING")
    assert f"{job_id} is still {status} ({result['restore_job']['percent_done']} done)" in result["msg"], result["msg"]
    assert "ThrottlingException" in result["msg"] and "the last one AWS gave" in result["msg"], result["msg"]
    assert emulator_server.calls()["DescribeRestoreJob"] > 2  # it did keep trying


def test_a_few_seconds_without_the_endpoint_are_ridden_out(run_playbook, emulator_server, efs_point):
    emulator_server.configure(restore_job_seconds=4)
    endpoint = urlparse(emulator_server.endpoint_url)
    proxy = PausableProxy(endpoint.hostname, endpoint.port).start()
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            running = pool.submit(
                run_timed, run_playbook, efs_case(efs_point, wait=True, wait_timeout=120), aws_endpoint_url=proxy.url
            )
            # The job is started and the wait has had its first answer: now the endpoint goes away
            # (refused connections, pooled ones dropped) for longer than botocore's own retries last.
            wait_for_calls(emulator_server, "DescribeRestoreJob", 1)
            proxy.pause()
            assert proxy.refuses_connections()
            outage_calls = emulator_server.calls()["DescribeRestoreJob"]
            time.sleep(OUTAGE_SECONDS)  # the outage itself, not a wait for something to happen
            assert emulator_server.calls()["DescribeRestoreJob"] == outage_calls  # nothing got through
            proxy.resume()
            result, _seconds = running.result(timeout=300)
    finally:
        proxy.stop()
    assert not result.get("failed"), result.get("msg")
    assert result["restore_job"]["status"] == "COMPLETED"
    assert result["restore_job"]["restore_job_id"] in restore_job_ids(emulator_server)
