"""module_utils/restored_resource.py against the in-process emulator (`aws` fixture):
ownership checks (what a run may mark and delete), deletion by identifier, finding marked
resources with one listing per service, mount targets, and the module's input checks.

The adversarial cases are the point: a production resource must survive whatever its name,
tags or relation to the run's restore jobs."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from botocore.exceptions import ClientError

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.recovery.aws_backup.plugins.module_utils import restored_resource as rr
from ansible_collections.recovery.aws_backup.plugins.module_utils.backup_retry import backup_retry
from ansible_collections.recovery.aws_backup.plugins.module_utils.job_wait import WAIT_REGULAR_GAP
from ansible_collections.recovery.aws_backup.plugins.module_utils.job_wait import Clock
from ansible_collections.recovery.aws_backup.plugins.module_utils.job_wait import wait_until_all
from ansible_collections.recovery.aws_backup.plugins.modules import restored_resource as module
from tests.emulator import seed
from tests.unit.module_runner import run_module_main

RUN = "drill-2026-11-25"
OTHER_RUN = "drill-2026-11-24"
VAULT = "drill-vault"


def clients_of(aws, **overrides: Any):
    """client_for as the modules build it: one client per service, calls with aws_retry."""
    return rr.lazy_clients(lambda service: overrides.get(service) or RetryingBotoClientWrapper(aws.client(service), backup_retry))


@pytest.fixture
def env(aws):
    aws.configure(restore_job_seconds=0)
    backup, efs, iam = aws.client("backup"), aws.client("efs"), aws.client("iam")
    # Production: the name and CreationToken a drill target is also called by.
    point = seed.seed_efs_recovery_point(backup, efs, iam, VAULT, name="prod-share", creation_token="prod-share")
    return {"aws": aws, "backup": backup, "efs": efs, "rds": aws.client("rds"), "point": point, "client_for": clients_of(aws)}


def restore_efs(env, new_file_system: bool = True, **metadata: str) -> dict:
    point = env["point"]
    if new_file_system:
        metadata.setdefault("CreationToken", f"drill-{uuid.uuid4().hex[:8]}")
    job_id = env["backup"].start_restore_job(
        RecoveryPointArn=point["recovery_point_arn"],
        Metadata={"file-system-id": point["file_system_id"], "newFileSystem": str(new_file_system).lower(), **metadata},
        IamRoleArn=point["iam_role_arn"],
    )["RestoreJobId"]
    job = env["backup"].describe_restore_job(RestoreJobId=job_id)
    assert job["Status"] == "COMPLETED", job
    return job


def file_system(env, file_system_id: str) -> dict | None:
    try:
        return env["efs"].describe_file_systems(FileSystemId=file_system_id)["FileSystems"][0]
    except ClientError as e:
        assert e.response["Error"]["Code"] == "FileSystemNotFound"
        return None


def fs_id(arn: str) -> str:
    return arn.rsplit("/", 1)[1]


def tags_of(env, file_system_id: str) -> dict:
    return {t["Key"]: t["Value"] for t in file_system(env, file_system_id)["Tags"]}


def mark(env, job: dict, run_id: str = RUN) -> None:
    rr.mark_resource(env["client_for"], job["CreatedResourceArn"], run_id, job["RestoreJobId"])


# ---- pure parts -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "arn, expected",
    [
        ("arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0123abcd", ("efs", "fs-0123abcd")),
        ("arn:aws:rds:us-east-1:123456789012:db:orders-drill", ("rds-instance", "orders-drill")),
        ("arn:aws:rds:eu-west-1:123456789012:cluster:orders-aurora", ("rds-cluster", "orders-aurora")),
        ("arn:aws-us-gov:rds:us-gov-west-1:123456789012:cluster:c1", ("rds-cluster", "c1")),
    ],
)
def test_parse_restored_arn_kinds(arn, expected):
    ref = rr.parse_restored_arn(arn)
    assert (ref.kind, ref.identifier) == expected and ref.arn == arn


@pytest.mark.parametrize(
    "arn",
    [
        None, "", "fs-0123abcd", "arn:aws:sqs:us-east-1:123456789012:prod-share",
        "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-1",
        "arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-0123",
        "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/prod-share",
        "arn:aws:rds:us-east-1:123456789012:db:",
        " arn:aws:rds:us-east-1:123456789012:db:x",
    ],
)  # fmt: skip
def test_parse_restored_arn_refuses_everything_else(arn):
    assert rr.parse_restored_arn(arn) is None


def test_in_place_is_read_case_insensitively():
    assert rr.in_place_restore({"newFileSystem": "false"})
    assert rr.in_place_restore({"newfilesystem": "FALSE"})
    assert rr.in_place_restore({"NewFileSystem": " False "})
    assert not rr.in_place_restore({"newFileSystem": "true"})
    assert not rr.in_place_restore({"DBInstanceIdentifier": "x"})


def test_created_before_job_compares_at_the_precision_aws_gives():
    job_time = datetime(2026, 11, 25, 12, 0, 0, 900000, tzinfo=timezone.utc)
    job = {"RestoreJobId": "j", "CreationDate": job_time}
    assert rr.created_before_job({"created": job_time + timedelta(minutes=5)}, job) is None
    # EFS gives seconds: created in the job's second reads as 12:00:00, not before the job
    assert rr.created_before_job({"created": datetime(2026, 11, 25, 12, 0, 0, tzinfo=timezone.utc)}, job) is None
    assert "before restore job j" in rr.created_before_job({"created": job_time - timedelta(seconds=2)}, job)
    assert "cannot be read" in rr.created_before_job({"created": None}, job)


def test_mark_state():
    assert rr.mark_state({"tags": {}}, RUN, "j1") == "unmarked"
    assert rr.mark_state({"tags": {rr.RUN_TAG: RUN, rr.JOB_TAG: "j1"}}, RUN, "j1") == "ours"
    assert rr.mark_state({"tags": {rr.RUN_TAG: RUN, rr.JOB_TAG: "j2"}}, RUN, "j1") == "foreign"
    assert rr.mark_state({"tags": {rr.RUN_TAG: OTHER_RUN, rr.JOB_TAG: "j1"}}, RUN, "j1") == "foreign"
    assert rr.mark_state({"tags": {rr.JOB_TAG: "j1"}}, RUN, "j1") == "unmarked"


def test_wait_is_bounded_by_the_deadline_on_the_jobs_schedule():
    now = [0.0]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    asked = []
    (outcome,) = wait_until_all(["x"], lambda item: asked.append(now[0]) or ("pending", "never"), 20, sleep=sleep, clock=lambda: now[0])
    assert outcome.state == "pending" and outcome.detail == "never"
    # the jobs' schedule: max(5 s, 5 % of the time waited) less the return allowance apart, the last round at the deadline
    assert now[0] == 20 and slept == [WAIT_REGULAR_GAP] * 4 + [2.0] and asked == [0.0, 4.5, 9.0, 13.5, 18.0, 20.0]
    # what is already done never waits
    slept.clear()
    assert wait_until_all(["x"], lambda item: ("done", ""), 20, sleep=sleep, clock=lambda: now[0])[0].state == "done"
    assert slept == []


# ---- ownership: the adversarial cases ------------------------------------------------------


def test_production_file_system_named_like_the_target_survives_teardown(env):
    aws, prod_id = env["aws"], env["point"]["file_system_id"]
    # AWS refuses a CreationToken in use, so the restore gets its own; the drill names it as its target.
    job = restore_efs(env, CreationToken="prod-share-drill")
    restored_id = fs_id(job["CreatedResourceArn"])
    assert restored_id != prod_id
    env["efs"].tag_resource(ResourceId=restored_id, Tags=[{"Key": "Name", "Value": "prod-share"}])
    mark(env, job)
    aws.reset_calls()

    (result,) = rr.teardown(env["client_for"], RUN, [job["RestoreJobId"]])

    assert result["status"] == "deleted", result
    assert result["deleted_resources"] == [job["CreatedResourceArn"]]
    assert file_system(env, restored_id) is None
    prod = file_system(env, prod_id)
    assert prod is not None and prod["CreationToken"] == "prod-share" and prod["Name"] == "prod-share"
    assert aws.calls("efs")["DeleteFileSystem"] == 1


def test_in_place_restore_is_refused_even_marked_and_adopted(env):
    prod_id = env["point"]["file_system_id"]
    job = restore_efs(env, new_file_system=False)
    assert fs_id(job["CreatedResourceArn"]) == prod_id  # AWS names the source itself
    # Even with this run's mark on it (say, a bug tagged it), and with adopt_unmarked.
    mark(env, job)
    env["aws"].reset_calls()

    for adopt in (False, True):
        (result,) = rr.teardown(env["client_for"], RUN, [job["RestoreJobId"]], adopt_unmarked=adopt)
        assert result["status"].startswith("refused: restore job") and "in place" in result["status"]
        assert result["deleted_resources"] == []
    # state=present only looks at it: never tagged, no mount target, never deleted
    (present,) = rr.ensure_marked(env["client_for"], RUN, [job["RestoreJobId"]], subnet_ids=["subnet-x"], wait_until_usable=True)
    assert present["status"] == "in place" and present["changed"] is False, present
    assert "created" not in present and "mount_targets_created" not in present
    assert present["facts"]["file_system_id"] == prod_id and isinstance(present["usable_at"], float)
    assert file_system(env, prod_id) is not None
    efs_calls = env["aws"].calls("efs")
    assert not {"DeleteFileSystem", "DeleteMountTarget", "TagResource", "CreateMountTarget"} & set(efs_calls)


def test_unmarked_in_place_source_is_not_adopted(env):
    prod_id = env["point"]["file_system_id"]
    job = restore_efs(env, new_file_system=False)
    (result,) = rr.teardown(env["client_for"], RUN, [job["RestoreJobId"]], adopt_unmarked=True)
    assert result["status"].startswith("refused")
    assert rr.RUN_TAG not in tags_of(env, prod_id)  # not even marked


class _JobNaming:
    """A backup client answering DescribeRestoreJob with a job that names `arn` as created,
    started `started`: what AWS would answer for a job whose CreatedResourceArn is a resource
    that existed before it (the emulator only does that for in-place EFS restores, which the
    metadata check already refuses). Everything else goes to the emulator."""

    def __init__(self, real: Any, arn: str, started: datetime):
        self.real, self.arn, self.started = real, arn, started

    def describe_restore_job(self, RestoreJobId: str, aws_retry: bool = False) -> dict:
        return {"RestoreJobId": RestoreJobId, "Status": "COMPLETED", "CreatedResourceArn": self.arn, "CreationDate": self.started}

    def get_restore_job_metadata(self, RestoreJobId: str, aws_retry: bool = False) -> dict:
        return {"Metadata": {"newFileSystem": "true"}}


def test_resource_created_before_the_job_is_refused_even_with_this_runs_mark(env):
    prod = env["point"]
    later = datetime.now(timezone.utc) + timedelta(seconds=30)
    client_for = clients_of(env["aws"], backup=_JobNaming(None, prod["resource_arn"], later))
    # With this run's exact mark, adopted or not, in check mode or not: never deleted.
    rr.mark_resource(client_for, prod["resource_arn"], RUN, "job-1")
    for adopt in (False, True):
        for check in (False, True):
            (result,) = rr.teardown(client_for, RUN, ["job-1"], adopt_unmarked=adopt, check_mode=check)
            assert result["status"].startswith("refused: it was created at"), result
    (present,) = rr.ensure_marked(client_for, RUN, ["job-1"])
    assert present["status"].startswith("refused: it was created at")
    assert file_system(env, prod["file_system_id"]) is not None


def test_resource_marked_by_another_run_is_refused(env):
    job = restore_efs(env)
    mark(env, job, run_id=OTHER_RUN)
    for adopt in (False, True):
        (result,) = rr.teardown(env["client_for"], RUN, [job["RestoreJobId"]], adopt_unmarked=adopt)
        assert result["status"] == f"refused: it carries the mark of run {OTHER_RUN!r}, not of run {RUN!r}"
    (present,) = rr.ensure_marked(env["client_for"], RUN, [job["RestoreJobId"]])
    assert present["status"].startswith("refused: it carries the mark of run")
    assert tags_of(env, fs_id(job["CreatedResourceArn"]))[rr.RUN_TAG] == OTHER_RUN


def test_mark_of_another_job_of_the_same_run_is_refused(env):
    first, second = restore_efs(env), restore_efs(env)
    rr.mark_resource(env["client_for"], second["CreatedResourceArn"], RUN, first["RestoreJobId"])
    (result,) = rr.teardown(env["client_for"], RUN, [second["RestoreJobId"]])
    assert "marked as created by restore job" in result["status"] and result["status"].startswith("refused")


def test_unmarked_resource_is_refused_unless_adopted(env):
    job = restore_efs(env)
    restored_id = fs_id(job["CreatedResourceArn"])

    (refused,) = rr.teardown(env["client_for"], RUN, [job["RestoreJobId"]])
    assert refused["status"].startswith("refused: it does not carry the mark")
    assert file_system(env, restored_id) is not None

    env["aws"].reset_calls()
    (checked,) = rr.teardown(env["client_for"], RUN, [job["RestoreJobId"]], adopt_unmarked=True, check_mode=True)
    assert checked["status"] == "would be deleted" and checked["would_delete"] == [job["CreatedResourceArn"]]
    assert not {"TagResource", "DeleteFileSystem", "DeleteMountTarget"} & set(env["aws"].calls("efs"))
    assert rr.RUN_TAG not in tags_of(env, restored_id)

    (adopted,) = rr.teardown(env["client_for"], RUN, [job["RestoreJobId"]], adopt_unmarked=True)
    assert adopted["status"] == "deleted" and adopted["marked"] is True
    assert file_system(env, restored_id) is None
    assert file_system(env, env["point"]["file_system_id"]) is not None


def test_check_mode_changes_nothing(env):
    job = restore_efs(env)
    mark(env, job)
    env["aws"].reset_calls()
    (result,) = rr.teardown(env["client_for"], RUN, [job["RestoreJobId"]], check_mode=True)
    assert result["status"] == "would be deleted" and result["deleted_resources"] == []
    (present,) = rr.ensure_marked(
        env["client_for"], RUN, [restore_efs(env)["RestoreJobId"]], subnet_ids=[default_subnet(env)], check_mode=True
    )
    assert present["status"] == "would be marked" and present["changed"] is True
    assert present["mount_targets_created"] == [{"subnet_id": default_subnet(env)}]
    assert set(env["aws"].calls("efs")) <= {"DescribeFileSystems", "DescribeMountTargets"}
    assert file_system(env, fs_id(job["CreatedResourceArn"])) is not None


def test_nothing_created_not_found_and_one_failure_do_not_stop_the_others(env):
    gone = restore_efs(env)
    mark(env, gone)
    env["efs"].delete_file_system(FileSystemId=fs_id(gone["CreatedResourceArn"]))
    owned = restore_efs(env)
    mark(env, owned)
    env["aws"].configure(restore_job_seconds=3600)
    point = env["point"]
    running = env["backup"].start_restore_job(
        RecoveryPointArn=point["recovery_point_arn"],
        Metadata={"file-system-id": point["file_system_id"], "newFileSystem": "true", "CreationToken": "drill-running"},
        IamRoleArn=point["iam_role_arn"],
    )["RestoreJobId"]

    denied = "11111111-1111-1111-1111-111111111111"

    class DeniedForOneJob:
        """The backup client, but DescribeRestoreJob of `denied` answers AccessDenied."""

        def __init__(self, client):
            self._client = client

        def __getattr__(self, name):
            return getattr(self._client, name)

        def describe_restore_job(self, RestoreJobId, **kwargs):
            if RestoreJobId == denied:
                raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "not allowed"}}, "DescribeRestoreJob")
            return self._client.describe_restore_job(RestoreJobId=RestoreJobId, **kwargs)

    def client_for(service):
        client = env["client_for"](service)
        return DeniedForOneJob(client) if service == "backup" else client

    results = rr.teardown(client_for, RUN, [denied, "no-such-job", gone["RestoreJobId"], running, owned["RestoreJobId"]])

    by_job = {r["restore_job_id"]: r for r in results}
    assert by_job[denied]["status"].startswith(f"failed: describing restore job {denied}")
    assert by_job["no-such-job"]["status"] == "restore job not found"
    assert by_job[gone["RestoreJobId"]]["status"] == "not found"
    assert by_job[running]["status"] == "nothing created" and by_job[running]["restore_job_status"] in ("PENDING", "RUNNING")
    assert by_job[owned["RestoreJobId"]]["status"] == "deleted"
    assert [r["restore_job_id"] for r in results] == [denied, "no-such-job", gone["RestoreJobId"], running, owned["RestoreJobId"]]


def default_subnet(env) -> str:
    return env["aws"].client("ec2").describe_subnets()["Subnets"][0]["SubnetId"]


def test_teardown_deletes_mount_targets_then_the_file_system_by_id(env):
    job = restore_efs(env)
    restored_id = fs_id(job["CreatedResourceArn"])
    (present,) = rr.ensure_marked(env["client_for"], RUN, [job["RestoreJobId"]], {"purpose": "drill"}, [default_subnet(env)])
    assert present["status"] == "marked" and present["changed"] is True
    assert tags_of(env, restored_id) == {rr.RUN_TAG: RUN, rr.JOB_TAG: job["RestoreJobId"], "purpose": "drill"}
    # the production file system has a mount target too: it must keep it
    env["efs"].create_mount_target(FileSystemId=env["point"]["file_system_id"], SubnetId=default_subnet(env))
    env["aws"].reset_calls()

    (result,) = rr.teardown(env["client_for"], RUN, [job["RestoreJobId"]])

    assert result["status"] == "deleted"
    assert env["aws"].calls("efs")["DeleteMountTarget"] == 1
    assert len(env["efs"].describe_mount_targets(FileSystemId=env["point"]["file_system_id"])["MountTargets"]) == 1
    assert file_system(env, restored_id) is None


def test_mount_targets_are_created_only_where_missing(env):
    job = restore_efs(env)
    restored_id = fs_id(job["CreatedResourceArn"])
    subnets = [s["SubnetId"] for s in env["aws"].client("ec2").describe_subnets()["Subnets"][:2]]
    env["aws"].reset_calls()
    (first,) = rr.ensure_marked(env["client_for"], RUN, [job["RestoreJobId"]], subnet_ids=subnets[:1], wait_timeout=60)
    assert first["status"] == "marked" and [c["subnet_id"] for c in first["mount_targets_created"]] == subnets[:1]
    assert env["aws"].calls("efs")["CreateMountTarget"] == 1
    (again,) = rr.ensure_marked(env["client_for"], RUN, [job["RestoreJobId"]], subnet_ids=subnets, wait_timeout=60)
    assert [c["subnet_id"] for c in again["mount_targets_created"]] == subnets[1:]
    targets = env["efs"].describe_mount_targets(FileSystemId=restored_id)["MountTargets"]
    assert sorted(t["SubnetId"] for t in targets) == sorted(subnets)
    assert all(t["LifeCycleState"] == "available" for t in targets)

    (third,) = rr.ensure_marked(env["client_for"], RUN, [job["RestoreJobId"]], subnet_ids=subnets)
    assert third["status"] == "already marked" and third["changed"] is False and third["mount_targets_created"] == []
    assert env["aws"].calls("efs")["CreateMountTarget"] == 2


# ---- RDS and Aurora -----------------------------------------------------------------------


@pytest.fixture
def rds_env(env):
    rds, backup = env["rds"], env["backup"]
    role = env["point"]["iam_role_arn"]
    db = seed.create_rds_instance(rds, "orders")
    cluster = seed.create_aurora_cluster(rds, "orders-aurora")
    # Production members of the source cluster: a drill must never touch them.
    rds.create_db_instance(DBInstanceIdentifier="orders-aurora-1", Engine="aurora-postgresql",
                           DBInstanceClass="db.r5.large", DBClusterIdentifier="orders-aurora")  # fmt: skip
    env["db_point"] = seed.backup_and_wait(backup, VAULT, db["DBInstanceArn"], role).recovery_point_arn
    env["cluster_point"] = seed.backup_and_wait(backup, VAULT, cluster["DBClusterArn"], role).recovery_point_arn
    return env


def restore_rds(env, point_key: str, **metadata: str) -> dict:
    job_id = env["backup"].start_restore_job(
        RecoveryPointArn=env[point_key], Metadata=metadata, IamRoleArn=env["point"]["iam_role_arn"]
    )["RestoreJobId"]
    job = env["backup"].describe_restore_job(RestoreJobId=job_id)
    assert job["Status"] == "COMPLETED", job
    return job


def rds_identifiers(env) -> tuple[set, set]:
    rds = env["rds"]
    return ({i["DBInstanceIdentifier"] for i in rds.describe_db_instances()["DBInstances"]},
            {c["DBClusterIdentifier"] for c in rds.describe_db_clusters()["DBClusters"]})  # fmt: skip


def add_member(env, cluster_id: str, identifier: str, run_id: str | None) -> None:
    tags = [{"Key": rr.RUN_TAG, "Value": run_id}] if run_id else []
    env["rds"].create_db_instance(DBInstanceIdentifier=identifier, Engine="aurora-postgresql", DBInstanceClass="db.r5.large",
                                  DBClusterIdentifier=cluster_id, Tags=tags)  # fmt: skip


def test_rds_instance_is_marked_and_deleted_by_identifier(rds_env):
    job = restore_rds(rds_env, "db_point", DBInstanceIdentifier="orders-drill")
    (present,) = rr.ensure_marked(rds_env["client_for"], RUN, [job["RestoreJobId"]])
    assert present["status"] == "marked" and present["resource_type"] == "rds-instance"
    rds_env["aws"].reset_calls()
    (result,) = rr.teardown(rds_env["client_for"], RUN, [job["RestoreJobId"]])
    assert result["status"] == "deleted" and result["deleted_resources"] == [job["CreatedResourceArn"]]
    assert rds_env["aws"].calls("rds")["DeleteDBInstance"] == 1
    instances, clusters = rds_identifiers(rds_env)
    assert "orders-drill" not in instances and {"orders", "orders-aurora-1"} <= instances


def test_aurora_cluster_goes_with_this_runs_members(rds_env):
    job = restore_rds(rds_env, "cluster_point", DBClusterIdentifier="orders-aurora-drill")
    mark(rds_env, job)
    add_member(rds_env, "orders-aurora-drill", "orders-aurora-drill-1", RUN)
    add_member(rds_env, "orders-aurora-drill", "orders-aurora-drill-2", RUN)

    (checked,) = rr.teardown(rds_env["client_for"], RUN, [job["RestoreJobId"]], check_mode=True)
    assert checked["status"] == "would be deleted" and len(checked["would_delete"]) == 3
    (result,) = rr.teardown(rds_env["client_for"], RUN, [job["RestoreJobId"]])

    assert result["status"] == "deleted", result
    assert result["deleted_resources"][-1] == job["CreatedResourceArn"] and len(result["deleted_resources"]) == 3
    instances, clusters = rds_identifiers(rds_env)
    assert clusters == {"orders-aurora"} and instances == {"orders", "orders-aurora-1"}


@pytest.mark.parametrize("member_run", [None, OTHER_RUN])
def test_aurora_cluster_with_a_member_not_of_this_run_is_refused(rds_env, member_run):
    job = restore_rds(rds_env, "cluster_point", DBClusterIdentifier="orders-aurora-drill")
    mark(rds_env, job)
    add_member(rds_env, "orders-aurora-drill", "orders-aurora-drill-1", RUN)
    add_member(rds_env, "orders-aurora-drill", "someone-elses", member_run)
    rds_env["aws"].reset_calls()

    (result,) = rr.teardown(rds_env["client_for"], RUN, [job["RestoreJobId"]])

    assert result["status"] == "refused: the cluster has DB instances this run did not create (someone-elses)"
    assert not {"DeleteDBInstance", "DeleteDBCluster"} & set(rds_env["aws"].calls("rds"))
    instances, clusters = rds_identifiers(rds_env)
    assert "orders-aurora-drill" in clusters and {"orders-aurora-drill-1", "someone-elses"} <= instances


def test_source_cluster_is_never_taken_for_a_restore(rds_env):
    """A job naming the production cluster (created before it) is refused, members and all."""
    source = rds_env["rds"].describe_db_clusters(DBClusterIdentifier="orders-aurora")["DBClusters"][0]
    later = datetime.now(timezone.utc) + timedelta(seconds=30)
    client_for = clients_of(rds_env["aws"], backup=_JobNaming(None, source["DBClusterArn"], later))
    rr.mark_resource(client_for, source["DBClusterArn"], RUN, "job-1")
    (result,) = rr.teardown(client_for, RUN, ["job-1"], adopt_unmarked=True)
    assert result["status"].startswith("refused: it was created at")
    assert rds_identifiers(rds_env)[1] >= {"orders-aurora"}


# ---- finding marked resources -------------------------------------------------------------


def test_find_marked_resources_lists_each_service_once_whatever_the_number(rds_env):
    aws, client_for = rds_env["aws"], rds_env["client_for"]
    jobs = [restore_efs(rds_env) for _number in range(6)]
    for job in jobs[:4]:
        mark(rds_env, job)
    mark(rds_env, jobs[4], run_id=OTHER_RUN)  # jobs[5] stays unmarked
    db_job = restore_rds(rds_env, "db_point", DBInstanceIdentifier="orders-drill")
    cluster_job = restore_rds(rds_env, "cluster_point", DBClusterIdentifier="orders-aurora-drill")
    mark(rds_env, db_job)
    mark(rds_env, cluster_job, run_id=OTHER_RUN)
    add_member(rds_env, "orders-aurora-drill", "orders-aurora-drill-1", OTHER_RUN)
    aws.reset_calls()

    everything = rr.find_marked_resources(client_for)
    assert aws.calls("efs") == {"DescribeFileSystems": 1}
    # one listing of the DB clusters, whatever the number of cluster types (Aurora, DocumentDB, ...)
    clusters = 1
    assert aws.calls("rds") == {"DescribeDBInstances": 1, "DescribeDBClusters": clusters}

    assert len(everything) == 8  # 5 file systems, 2 instances, 1 cluster; no production resource
    assert {r["identifier"] for r in everything} >= {"orders-drill", "orders-aurora-drill", "orders-aurora-drill-1"}
    assert not {"orders", "orders-aurora", "orders-aurora-1", rds_env["point"]["file_system_id"]} & {r["identifier"] for r in everything}

    aws.reset_calls()
    ours = rr.find_marked_resources(client_for, RUN)
    assert aws.calls("efs") == {"DescribeFileSystems": 1}
    assert aws.calls("rds") == {"DescribeDBInstances": 1, "DescribeDBClusters": clusters}
    assert sorted(r["arn"] for r in ours) == sorted([j["CreatedResourceArn"] for j in jobs[:4]] + [db_job["CreatedResourceArn"]])
    efs_one = next(r for r in ours if r["arn"] == jobs[0]["CreatedResourceArn"])
    assert efs_one["kind"] == "efs" and efs_one["run_id"] == RUN and efs_one["restore_job_id"] == jobs[0]["RestoreJobId"]
    assert isinstance(efs_one["created"], datetime) and efs_one["tags"][rr.RUN_TAG] == RUN
    cluster = next(r for r in everything if r["kind"] == "rds-cluster")
    assert cluster["members"] == ["orders-aurora-drill-1"] and cluster["run_id"] == OTHER_RUN


# ---- resource_exists ----------------------------------------------------------------------


class _Denied:
    def __init__(self, code: str):
        self.code = code

    def get_paginator(self, operation: str):
        raise ClientError({"Error": {"Code": self.code, "Message": "no"}}, operation)


def test_resource_exists(env):
    job = restore_efs(env)
    assert rr.resource_exists(env["client_for"], job["CreatedResourceArn"]) is True
    env["efs"].delete_file_system(FileSystemId=fs_id(job["CreatedResourceArn"]))
    assert rr.resource_exists(env["client_for"], job["CreatedResourceArn"]) is False
    assert rr.resource_exists(env["client_for"], "arn:aws:rds:us-east-1:123456789012:db:nope") is False
    assert rr.resource_exists(env["client_for"], "arn:aws:rds:us-east-1:123456789012:cluster:nope") is False
    assert rr.resource_exists(env["client_for"], "arn:aws:s3:::no-such-bucket") is False
    assert rr.resource_exists(env["client_for"], "arn:aws:sqs:us-east-1:123456789012:queue") is None
    for code in ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "ValidationError"):
        denied = rr.lazy_clients(lambda service, code=code: _Denied(code))
        assert rr.resource_exists(denied, env["point"]["resource_arn"]) is None


# ---- the module's input checks --------------------------------------------------------------


@pytest.mark.parametrize(
    "args, option",
    [
        ({"run_id": "", "restore_job_ids": ["j"]}, "run_id"),
        ({"run_id": "   ", "restore_job_ids": ["j"]}, "run_id"),
        ({"run_id": "bad<run>", "restore_job_ids": ["j"]}, "run_id"),
        ({"run_id": RUN, "restore_job_ids": ["j", ""]}, "restore_job_ids[1]"),
        ({"run_id": RUN, "restore_job_ids": ["j", "j"]}, "restore_job_ids"),
        ({"run_id": RUN, "restore_job_ids": ["j"], "tags": {rr.RUN_TAG: "x"}}, "tags"),
        ({"run_id": RUN, "restore_job_ids": ["j"], "tags": {"aws:x": "y"}}, "tags"),
        ({"run_id": RUN, "restore_job_ids": ["j"], "wait_timeout": 0}, "wait_timeout"),
        ({"run_id": RUN, "restore_job_ids": ["j"], "adopt_unmarked": True}, "adopt_unmarked"),
        ({"run_id": RUN, "restore_job_ids": ["j"], "state": "absent", "subnet_ids": ["s"]}, "subnet_ids"),
        ({"run_id": RUN, "restore_job_ids": ["j"], "security_group_ids": ["sg"]}, "security_group_ids"),
    ],
)
def test_module_bad_input_fails_naming_the_option_before_any_call(aws, capsys, args, option):
    result = run_module_main(capsys, module.main, args)
    assert result["failed"] is True and option in result["msg"], result
    assert "exception" not in result
    assert aws.calls("backup") == {} and aws.calls("efs") == {} and aws.calls("rds") == {}


def test_module_fails_with_the_results_when_something_is_refused(env, capsys):
    owned, foreign = restore_efs(env), restore_efs(env)
    mark(env, owned)
    mark(env, foreign, run_id=OTHER_RUN)
    result = run_module_main(
        capsys, module.main, {"run_id": RUN, "restore_job_ids": [owned["RestoreJobId"], foreign["RestoreJobId"]], "state": "absent"}
    )
    assert result["failed"] is True and result["changed"] is True
    assert "1 of 2" in result["msg"] and foreign["RestoreJobId"] in result["msg"]
    assert [r["status"] for r in result["resources"]][0] == "deleted"
    assert file_system(env, fs_id(foreign["CreatedResourceArn"])) is not None


def test_module_not_found_is_not_a_failure(env, capsys):
    job = restore_efs(env)
    mark(env, job)
    args = {"run_id": RUN, "restore_job_ids": [job["RestoreJobId"]], "state": "absent"}
    first = run_module_main(capsys, module.main, args)
    assert first["changed"] is True and first["resources"][0]["status"] == "deleted" and not first.get("failed")
    again = run_module_main(capsys, module.main, args)
    assert again["changed"] is False and again["resources"][0]["status"] == "not found" and not again.get("failed")


def test_a_restore_job_aws_does_not_know_created_nothing_to_delete(env, capsys):
    # A journal from another account, region or endpoint names jobs AWS does not know: the
    # cleanup deletes nothing for them and does not fail forever on them.
    unknown = "00000000-0000-0000-0000-000000000000"
    job = restore_efs(env)
    mark(env, job)
    args = {"run_id": RUN, "restore_job_ids": [unknown, job["RestoreJobId"]], "state": "absent"}
    result = run_module_main(capsys, module.main, args)
    assert not result.get("failed")
    by_job = {r["restore_job_id"]: r["status"] for r in result["resources"]}
    assert by_job == {unknown: "restore job not found", job["RestoreJobId"]: "deleted"}


# ---- one call for a run's restores: job_settings, wait_until_usable, facts -----------------


class FakeTime:
    """sleep, clock (monotonic) and wall (epoch) for ensure_marked, so waits take no real time.
    on_sleep(n) runs at the n-th sleep (0-based), before time moves on: what AWS does meanwhile."""

    def __init__(self, on_sleep=None):
        self.now = 0.0
        self.slept: list[float] = []
        self.on_sleep = on_sleep

    def sleep(self, seconds: float) -> None:
        if self.on_sleep:
            self.on_sleep(len(self.slept))
        self.slept.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now

    def wall(self) -> float:
        return 1_800_000_000.0 + self.now

    def kwargs(self) -> dict:
        return {"clock": Clock(self.sleep, self.clock, self.wall)}


class Lifecycle:
    """States the emulator answers at once ("available") held back, in moto's in-process backends,
    as AWS's come: mount targets are created "creating"; file systems, DB instances and clusters
    are set to a state until a test says otherwise."""

    def __init__(self, aws, monkeypatch):
        from moto.efs import models as efs_models
        from moto.rds import models as rds_models

        account = aws.client("sts").get_caller_identity()["Account"]
        self.efs = efs_models.efs_backends[account]["us-east-1"]
        self.rds = rds_models.rds_backends[account]["us-east-1"]
        original = efs_models.MountTarget.__init__

        def creating(target, *args, **kwargs):
            original(target, *args, **kwargs)
            target.life_cycle_state = "creating"

        monkeypatch.setattr(efs_models.MountTarget, "__init__", creating)

    def file_system(self, file_system_id: str, state: str) -> None:
        self.efs.file_systems_by_id[file_system_id].life_cycle_state = state

    def mount_targets(self, file_system_id: str, state: str) -> None:
        for target in self.efs.mount_targets_by_id.values():
            if target.file_system_id == file_system_id:
                target.life_cycle_state = state

    def db_instance(self, identifier: str, status: str) -> None:
        self.rds.databases[identifier].status = status

    def db_cluster(self, identifier: str, status: str) -> None:
        self.rds.clusters[identifier].status = status


@pytest.fixture
def lifecycle(aws, monkeypatch):
    return Lifecycle(aws, monkeypatch)


def subnets(env, count: int) -> list[str]:
    found = [s["SubnetId"] for s in env["aws"].client("ec2").describe_subnets()["Subnets"]]
    assert len(found) >= count
    return found[:count]


def default_security_group(env) -> str:
    return env["aws"].client("ec2").describe_security_groups(GroupNames=["default"])["SecurityGroups"][0]["GroupId"]


def mount_targets_of(env, file_system_id: str) -> dict[str, dict]:
    """subnet id -> mount target, with its SecurityGroups."""
    found = {}
    for target in env["efs"].describe_mount_targets(FileSystemId=file_system_id)["MountTargets"]:
        groups = env["efs"].describe_mount_target_security_groups(MountTargetId=target["MountTargetId"]).get("SecurityGroups", [])
        found[target["SubnetId"]] = {**target, "SecurityGroups": groups}
    return found


def test_job_settings_give_each_job_its_own_subnets_and_tags(env, lifecycle):
    first, second, third = restore_efs(env), restore_efs(env), restore_efs(env)
    s = subnets(env, 4)
    group = default_security_group(env)
    fs = [fs_id(job["CreatedResourceArn"]) for job in (first, second, third)]
    job_settings = {
        first["RestoreJobId"]: {"tags": {"Name": "share-a"}, "subnet_ids": [s[0]], "security_group_ids": [group]},
        second["RestoreJobId"]: {"tags": {"Name": "share-b", "purpose": "own"}, "subnet_ids": [s[1], s[2]]},
        # the third has no settings of its own: the top-level options apply
    }
    created_before_first_sleep = []

    def aws_meanwhile(n):
        created_before_first_sleep.append(env["aws"].calls("efs").get("CreateMountTarget", 0))
        for file_system_id in fs:
            lifecycle.mount_targets(file_system_id, "available")

    fake = FakeTime(aws_meanwhile)
    env["aws"].reset_calls()

    results = rr.ensure_marked(
        env["client_for"], RUN, [j["RestoreJobId"] for j in (first, second, third)], {"purpose": "drill"}, [s[3]],
        job_settings=job_settings, wait_timeout=600, **fake.kwargs(),
    )  # fmt: skip

    assert [r["status"] for r in results] == ["marked"] * 3, results
    assert all(r["changed"] for r in results)
    marks = [{rr.RUN_TAG: RUN, rr.JOB_TAG: job["RestoreJobId"]} for job in (first, second, third)]
    assert tags_of(env, fs[0]) == {**marks[0], "purpose": "drill", "Name": "share-a"}
    assert tags_of(env, fs[1]) == {**marks[1], "purpose": "own", "Name": "share-b"}
    assert tags_of(env, fs[2]) == {**marks[2], "purpose": "drill"}
    targets = [mount_targets_of(env, f) for f in fs]
    assert sorted(targets[0]) == [s[0]] and targets[0][s[0]]["SecurityGroups"] == [group]
    assert sorted(targets[1]) == sorted([s[1], s[2]])
    assert sorted(targets[2]) == [s[3]]
    assert [sorted(m["subnet_id"] for m in r["mount_targets_created"]) for r in results] == [[s[0]], sorted([s[1], s[2]]), [s[3]]]
    # every mount target was created before anything was waited for, then one wait for all
    assert created_before_first_sleep == [4] and len(fake.slept) == 1
    assert env["aws"].calls("efs")["CreateMountTarget"] == 4 and env["aws"].calls("efs")["TagResource"] == 3
    # facts: the description with the tags just put on
    assert results[0]["facts"]["file_system_id"] == fs[0] and results[0]["facts"]["tags"]["Name"] == "share-a"
    assert "usable_at" not in results[0]


def test_job_settings_empty_subnets_mean_no_mount_targets_and_tags_apply_unmarked(env):
    job = restore_efs(env)
    s = subnets(env, 1)
    (result,) = rr.ensure_marked(
        env["client_for"], RUN, [job["RestoreJobId"]], {"purpose": "kept"}, s, mark=False,
        job_settings={job["RestoreJobId"]: {"subnet_ids": [], "tags": {"Name": "share"}}},
    )  # fmt: skip
    assert result["status"] == "checked" and result["changed"] is True and "mount_targets_created" not in result
    # a kept restore gets its own tags, never the run's mark
    assert tags_of(env, fs_id(job["CreatedResourceArn"])) == {"purpose": "kept", "Name": "share"}
    assert mount_targets_of(env, fs_id(job["CreatedResourceArn"])) == {}


def test_wait_until_usable_gives_usable_at_and_facts_for_efs_and_rds_together(rds_env, lifecycle):
    env = rds_env
    efs_job = restore_efs(env, CreationToken="share-drill", PerformanceMode="generalPurpose", Encrypted="true")
    db_job = restore_rds(env, "db_point", DBInstanceIdentifier="orders-drill", DBInstanceClass="db.t3.micro")
    restored_fs = fs_id(efs_job["CreatedResourceArn"])
    lifecycle.db_instance("orders-drill", "creating")

    def aws_meanwhile(n):
        if n == 0:
            lifecycle.mount_targets(restored_fs, "available")  # the file system is usable in the second round
        if n == 1:
            lifecycle.db_instance("orders-drill", "available")  # the DB instance in the third

    fake = FakeTime(aws_meanwhile)
    efs_result, db_result = rr.ensure_marked(
        env["client_for"], RUN, [efs_job["RestoreJobId"], db_job["RestoreJobId"]],
        job_settings={efs_job["RestoreJobId"]: {"subnet_ids": subnets(env, 1), "tags": {"Name": "share"}},
                      db_job["RestoreJobId"]: {"tags": {"Name": "orders"}}},
        wait_until_usable=True, wait_timeout=600, **fake.kwargs(),
    )  # fmt: skip

    assert (efs_result["status"], db_result["status"]) == ("marked", "marked")
    # the jobs' schedule: max(5 s, 5 % of the time waited) less the return allowance between rounds
    assert fake.slept == [WAIT_REGULAR_GAP, WAIT_REGULAR_GAP]
    assert efs_result["usable_at"] == 1_800_000_000.0 + WAIT_REGULAR_GAP
    assert db_result["usable_at"] == 1_800_000_000.0 + sum(fake.slept)
    assert isinstance(efs_result["usable_at"], float)

    efs_facts = efs_result["facts"]
    assert efs_facts["file_system_id"] == restored_fs and efs_facts["life_cycle_state"] == "available"
    assert efs_facts["creation_token"] == "share-drill" and efs_facts["performance_mode"] == "generalPurpose"
    assert efs_facts["encrypted"] is True
    assert efs_facts["tags"] == {rr.RUN_TAG: RUN, rr.JOB_TAG: efs_job["RestoreJobId"], "Name": "share"}
    db_facts = db_result["facts"]
    assert db_facts["db_instance_identifier"] == "orders-drill" and db_facts["db_instance_status"] == "available"
    assert db_facts["db_instance_class"] == "db.t3.micro"
    assert db_facts["tags"] == {rr.RUN_TAG: RUN, rr.JOB_TAG: db_job["RestoreJobId"], "Name": "orders"}
    assert "tag_list" not in db_facts


def test_module_wait_until_usable_returns_json_facts(rds_env, capsys):
    env = rds_env
    efs_job = restore_efs(env)
    cluster_job = restore_rds(env, "cluster_point", DBClusterIdentifier="orders-aurora-drill")
    add_member(env, "orders-aurora-drill", "orders-aurora-drill-1", RUN)
    args = {
        "run_id": RUN, "restore_job_ids": [efs_job["RestoreJobId"], cluster_job["RestoreJobId"]], "wait_until_usable": True,
        "job_settings": {efs_job["RestoreJobId"]: {"subnet_ids": subnets(env, 1)}},
    }  # fmt: skip
    result = run_module_main(capsys, module.main, args)
    assert not result.get("failed") and result["changed"] is True, result
    efs_result, cluster_result = result["resources"]
    assert isinstance(efs_result["usable_at"], float) and isinstance(cluster_result["usable_at"], float)
    assert isinstance(efs_result["facts"]["creation_time"], str)  # a datetime, as ISO 8601 text
    assert cluster_result["facts"]["db_cluster_identifier"] == "orders-aurora-drill"
    assert cluster_result["facts"]["status"] == "available"
    assert [m["db_instance_identifier"] for m in cluster_result["facts"]["db_cluster_members"]] == ["orders-aurora-drill-1"]


def test_a_resource_never_usable_times_out_within_wait_timeout(env, lifecycle):
    stuck, fine = restore_efs(env), restore_efs(env)
    stuck_fs = fs_id(stuck["CreatedResourceArn"])
    lifecycle.file_system(stuck_fs, "creating")
    fake = FakeTime()

    stuck_result, fine_result = rr.ensure_marked(
        env["client_for"], RUN, [stuck["RestoreJobId"], fine["RestoreJobId"]], wait_until_usable=True, wait_timeout=60, **fake.kwargs()
    )

    assert fake.now == 60 and sum(fake.slept) == 60  # waited to the deadline, not past it
    assert stuck_result["status"].startswith(
        f"failed: timed out after wait_timeout=60 seconds waiting until file system {stuck_fs} is usable"
    ), stuck_result
    assert "file system creating" in stuck_result["status"] and "usable_at" not in stuck_result
    assert stuck_result["facts"]["life_cycle_state"] == "creating"
    # the other was usable at the first poll and is not held up
    assert fine_result["status"] == "marked" and fine_result["usable_at"] == 1_800_000_000.0
    assert rr.RUN_TAG in tags_of(env, stuck_fs)  # marked before waiting: a teardown finds it


def test_module_fails_with_every_result_when_a_resource_is_not_usable_in_time(env, lifecycle, capsys, monkeypatch):
    stuck, fine = restore_efs(env), restore_efs(env)
    lifecycle.file_system(fs_id(stuck["CreatedResourceArn"]), "creating")
    fake = FakeTime()
    make_present = rr.make_present
    monkeypatch.setattr(rr, "make_present", lambda *a, **kw: make_present(*a, **kw, **fake.kwargs()))
    args = {"run_id": RUN, "restore_job_ids": [stuck["RestoreJobId"], fine["RestoreJobId"]], "wait_until_usable": True, "wait_timeout": 30}
    result = run_module_main(capsys, module.main, args)
    assert result["failed"] is True and "1 of 2" in result["msg"] and "usable" in result["msg"]
    assert [r["status"].split(":")[0] for r in result["resources"]] == ["failed", "marked"]
    assert fake.now == 30


def test_a_resource_in_a_state_it_does_not_leave_fails_at_once(rds_env, lifecycle):
    env = rds_env
    job = restore_rds(env, "db_point", DBInstanceIdentifier="orders-drill")
    lifecycle.db_instance("orders-drill", "incompatible-restore")
    fake = FakeTime()
    (result,) = rr.ensure_marked(env["client_for"], RUN, [job["RestoreJobId"]], wait_until_usable=True, **fake.kwargs())
    assert result["status"] == "failed: DB instance orders-drill is in state incompatible-restore, which it does not leave by itself"
    assert fake.slept == [] and result["facts"]["db_instance_status"] == "incompatible-restore"


def test_each_polling_round_asks_aws_once_per_file_system_and_once_per_db_kind_and_cluster(rds_env, lifecycle):
    env = rds_env
    efs_jobs = [restore_efs(env) for _number in range(2)]
    fs = [fs_id(job["CreatedResourceArn"]) for job in efs_jobs]
    db_jobs = [restore_rds(env, "db_point", DBInstanceIdentifier=f"orders-drill-{n}") for n in range(2)]
    cluster_job = restore_rds(env, "cluster_point", DBClusterIdentifier="orders-aurora-drill")
    add_member(env, "orders-aurora-drill", "orders-aurora-drill-1", RUN)
    for n in range(2):
        lifecycle.db_instance(f"orders-drill-{n}", "creating")
    lifecycle.db_instance("orders-aurora-drill-1", "creating")
    lifecycle.db_cluster("orders-aurora-drill", "backing-up")
    jobs = efs_jobs + db_jobs + [cluster_job]
    s = subnets(env, 2)
    calls = []

    def snapshot():
        return {**env["aws"].calls("efs"), **env["aws"].calls("rds")}

    def aws_meanwhile(n):
        calls.append(snapshot())
        if n == 0:  # round 2: the first file system and the cluster are usable, its member is not
            lifecycle.mount_targets(fs[0], "available")
            lifecycle.db_cluster("orders-aurora-drill", "available")
        if n == 1:  # round 3: the second file system and the instances
            lifecycle.mount_targets(fs[1], "available")
            for m in range(2):
                lifecycle.db_instance(f"orders-drill-{m}", "available")
        if n == 2:  # round 4: the cluster's member
            lifecycle.db_instance("orders-aurora-drill-1", "available")

    fake = FakeTime(aws_meanwhile)
    env["aws"].reset_calls()
    results = rr.ensure_marked(
        env["client_for"], RUN, [j["RestoreJobId"] for j in jobs], wait_until_usable=True,
        job_settings={efs_jobs[0]["RestoreJobId"]: {"subnet_ids": s[:1]}, efs_jobs[1]["RestoreJobId"]: {"subnet_ids": s}},
        **fake.kwargs(),
    )  # fmt: skip
    calls.append(snapshot())

    assert [r["status"] for r in results] == ["marked"] * 5, results
    assert len(fake.slept) == 3
    rounds = [{op: after.get(op, 0) - before.get(op, 0) for op in after if after.get(op, 0) != before.get(op, 0)}
              for before, after in zip(calls, calls[1:])]  # fmt: skip
    # Each round: one filtered DescribeDBInstances for all the DB instances and one DescribeDBClusters for all
    # the clusters, whatever their number; per file system DescribeFileSystems and DescribeMountTargets; per
    # cluster one DescribeDBInstances of its members.
    assert rounds == [
        # the cluster and both file systems (one mount target each still creating) are not usable yet
        {"DescribeFileSystems": 2, "DescribeMountTargets": 2, "DescribeDBClusters": 1, "DescribeDBInstances": 1 + 1},
        {"DescribeFileSystems": 1, "DescribeMountTargets": 1, "DescribeDBClusters": 1, "DescribeDBInstances": 1 + 1},
        {"DescribeDBClusters": 1, "DescribeDBInstances": 1},
    ]
    # before the first sleep: the checks and marking of five jobs, three mount targets created (each file
    # system's mount targets listed before and after), and the first round, which reads the checks' descriptions
    assert calls[0] == {
        "DescribeFileSystems": 2, "DescribeMountTargets": 2 + 2, "CreateMountTarget": 3, "TagResource": 2,
        "DescribeDBInstances": 2 + 1 + 1, "DescribeDBClusters": 1, "AddTagsToResource": 3,
    }  # fmt: skip
    usable_at = [r["usable_at"] - 1_800_000_000.0 for r in results]
    # rounds happen at 0 (none usable yet), after the first sleep, after the second, after the third
    second, third = fake.slept[0], fake.slept[0] + fake.slept[1]
    assert usable_at == [second, third, third, third, third + fake.slept[2]]


def test_check_mode_with_job_settings_and_wait_until_usable_changes_nothing_and_waits_for_nothing(env, lifecycle):
    job = restore_efs(env)
    restored_fs = fs_id(job["CreatedResourceArn"])
    lifecycle.file_system(restored_fs, "creating")
    fake = FakeTime()
    env["aws"].reset_calls()
    (result,) = rr.ensure_marked(
        env["client_for"], RUN, [job["RestoreJobId"]], check_mode=True, wait_until_usable=True,
        job_settings={job["RestoreJobId"]: {"subnet_ids": subnets(env, 1), "tags": {"Name": "share"}}}, **fake.kwargs(),
    )  # fmt: skip
    assert result["status"] == "would be marked" and result["changed"] is True
    assert result["mount_targets_created"] == [{"subnet_id": subnets(env, 1)[0]}]
    assert "usable_at" not in result and result["facts"]["life_cycle_state"] == "creating"
    assert fake.slept == []
    assert set(env["aws"].calls("efs")) <= {"DescribeFileSystems", "DescribeMountTargets"}
    assert rr.RUN_TAG not in tags_of(env, restored_fs) and mount_targets_of(env, restored_fs) == {}


def test_ownership_refusals_hold_with_job_settings(env):
    ours, foreign = restore_efs(env), restore_efs(env)
    in_place = restore_efs(env, new_file_system=False)
    mark(env, foreign, run_id=OTHER_RUN)
    prod_id, foreign_fs = env["point"]["file_system_id"], fs_id(foreign["CreatedResourceArn"])
    prod_tags = tags_of(env, prod_id)
    s = subnets(env, 1)
    settings = {"tags": {"Name": "drill-copy"}, "subnet_ids": s}
    job_ids = [ours["RestoreJobId"], foreign["RestoreJobId"], in_place["RestoreJobId"]]
    env["aws"].reset_calls()

    results = rr.ensure_marked(
        env["client_for"], RUN, job_ids, job_settings={j: settings for j in job_ids}, wait_until_usable=True, **FakeTime().kwargs()
    )

    ours_result, foreign_result, in_place_result = results
    assert ours_result["status"] == "marked" and "usable_at" in ours_result
    assert foreign_result["status"] == f"refused: it carries the mark of run {OTHER_RUN!r}, not of run {RUN!r}"
    assert "facts" not in foreign_result and "usable_at" not in foreign_result and "mount_targets_created" not in foreign_result
    # restored in place: looked at only (its facts and when it was usable), never tagged or given a mount target
    assert in_place_result["status"] == "in place" and "mount_targets_created" not in in_place_result
    assert in_place_result["facts"]["file_system_id"] == prod_id and "usable_at" in in_place_result
    # neither the other run's file system nor production was tagged or given a mount target
    assert tags_of(env, foreign_fs) == {rr.RUN_TAG: OTHER_RUN, rr.JOB_TAG: foreign["RestoreJobId"]}
    assert tags_of(env, prod_id) == prod_tags
    assert mount_targets_of(env, foreign_fs) == {} and mount_targets_of(env, prod_id) == {}
    assert env["aws"].calls("efs")["TagResource"] == 1 and env["aws"].calls("efs")["CreateMountTarget"] == 1


@pytest.mark.parametrize(
    "settings, state, option",
    [
        ({"other-job": {"tags": {"Name": "x"}}}, "present", "'other-job' is not one of restore_job_ids"),
        ({"j": {"tags": {rr.JOB_TAG: "x"}}}, "present", "job_settings['j'].tags must not set"),
        ({"j": {"tags": {"aws:cloudformation:x": "y"}}}, "present", "job_settings['j'].tags: the prefix aws:"),
        ({"j": {"tags": {"Name": "bad<value>"}}}, "present", "job_settings['j'].tags: the value of 'Name'"),
        ({"j": {"security_group_ids": ["sg-1"]}}, "present", "job_settings['j'].security_group_ids needs subnet_ids"),
        ({"j": {"subnet_ids": "subnet-1"}}, "present", "job_settings['j'].subnet_ids must be a list"),
        ({"j": {"subnets": ["subnet-1"]}}, "present", "job_settings['j']: unknown keys subnets"),
        ({"j": ["subnet-1"]}, "present", "job_settings['j'] must be a dict"),
        ({"j": {"subnet_ids": ["subnet-1"]}}, "absent", "job_settings applies to state=present only"),
    ],
)
def test_module_bad_job_settings_fail_naming_them_before_any_call(aws, capsys, settings, state, option):
    args = {"run_id": RUN, "restore_job_ids": ["j"], "state": state, "job_settings": settings}
    result = run_module_main(capsys, module.main, args)
    assert result["failed"] is True and option in result["msg"], result
    assert aws.calls("backup") == {} and aws.calls("efs") == {} and aws.calls("rds") == {} and aws.calls("ec2") == {}


def test_module_wait_until_usable_is_for_state_present_only(aws, capsys):
    args = {"run_id": RUN, "restore_job_ids": ["j"], "state": "absent", "wait_until_usable": True}
    result = run_module_main(capsys, module.main, args)
    assert result["failed"] is True and "wait_until_usable applies to state=present only" in result["msg"]
    assert aws.calls("backup") == {}
