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
        None, "", "fs-0123abcd", "arn:aws:s3:::prod-share",
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


def test_wait_is_bounded_by_the_deadline():
    now = [0.0]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    deadline = rr._Deadline(20, sleep, lambda: now[0])
    with pytest.raises(rr.WaitTimeout, match="wait_timeout=20"):
        deadline.wait_until(lambda: False, "never")
    assert now[0] == 20 and slept[0] == rr.POLL_FIRST_DELAY and max(slept) <= rr.POLL_MAX_DELAY
    # what is already done never times out, even past the deadline
    deadline.wait_until(lambda: True, "done")


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
    (present,) = rr.ensure_marked(env["client_for"], RUN, [job["RestoreJobId"]], subnet_ids=["subnet-x"])
    assert present["status"].startswith("refused") and "in place" in present["status"]
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


def test_ensure_mount_targets_creates_only_missing_ones(env):
    job = restore_efs(env)
    restored_id = fs_id(job["CreatedResourceArn"])
    subnets = [s["SubnetId"] for s in env["aws"].client("ec2").describe_subnets()["Subnets"][:2]]
    env["aws"].reset_calls()
    created = rr.ensure_mount_targets(env["client_for"], restored_id, subnets[:1], None, 60)
    assert [c["subnet_id"] for c in created] == subnets[:1]
    assert env["aws"].calls("efs")["CreateMountTarget"] == 1
    again = rr.ensure_mount_targets(env["client_for"], restored_id, subnets, None, 60)
    assert [c["subnet_id"] for c in again] == subnets[1:]
    assert rr.ensure_mount_targets(env["client_for"], restored_id, subnets, None, 60) == []
    targets = env["efs"].describe_mount_targets(FileSystemId=restored_id)["MountTargets"]
    assert sorted(t["SubnetId"] for t in targets) == sorted(subnets)
    assert all(t["LifeCycleState"] == "available" for t in targets)

    (present,) = rr.ensure_marked(env["client_for"], RUN, [job["RestoreJobId"]], subnet_ids=subnets)
    (again_present,) = rr.ensure_marked(env["client_for"], RUN, [job["RestoreJobId"]], subnet_ids=subnets)
    assert present["status"] == "marked" and present["mount_targets_created"] == []
    assert again_present["status"] == "already marked" and again_present["changed"] is False


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
    assert aws.calls("rds") == {"DescribeDBInstances": 1, "DescribeDBClusters": 1}

    assert len(everything) == 8  # 5 file systems, 2 instances, 1 cluster; no production resource
    assert {r["identifier"] for r in everything} >= {"orders-drill", "orders-aurora-drill", "orders-aurora-drill-1"}
    assert not {"orders", "orders-aurora", "orders-aurora-1", rds_env["point"]["file_system_id"]} & {r["identifier"] for r in everything}

    aws.reset_calls()
    ours = rr.find_marked_resources(client_for, RUN)
    assert aws.calls("efs") == {"DescribeFileSystems": 1}
    assert aws.calls("rds") == {"DescribeDBInstances": 1, "DescribeDBClusters": 1}
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
    assert rr.resource_exists(env["client_for"], "arn:aws:s3:::bucket") is None
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
