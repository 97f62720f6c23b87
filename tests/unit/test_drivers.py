"""The resource-type drivers (module_utils/drivers): their plan side (pure), and their AWS side
through restored_resource against the in-process emulator (`aws` fixture), with the cases a
drill's safety rests on: what existed before a restore job, or is another run's, or was
restored into in place, is never tagged or deleted; Aurora clusters get and lose their DB
instances with the run's mark; EFS gets its mount targets; and what each costs in AWS calls."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.recovery.aws_backup.plugins.module_utils import drivers
from ansible_collections.recovery.aws_backup.plugins.module_utils import job_wait
from ansible_collections.recovery.aws_backup.plugins.module_utils import restored_resource as rr
from ansible_collections.recovery.aws_backup.plugins.module_utils.backup_retry import backup_retry
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import Listings
from ansible_collections.recovery.aws_backup.plugins.modules import restored_resource as module
from ansible_collections.recovery.aws_backup.plugins.modules import restored_resource_info as info_module
from tests.emulator import seed
from tests.unit.module_runner import run_module_main
from tests.unit.test_restored_resource import FakeTime

RUN = "drill-2026-12-04"
OTHER_RUN = "drill-2026-12-03"
VAULT = "drill-vault"
EFS, RDS, AURORA = (drivers.driver_for(t) for t in ("EFS", "RDS", "Aurora"))


# ---- the registry --------------------------------------------------------------------------


def test_registry_finds_drivers_by_type_in_any_case_and_by_arn():
    assert drivers.RESOURCE_TYPES[:3] == ("EFS", "RDS", "Aurora") and {"EBS", "DocumentDB", "DynamoDB"} <= set(drivers.RESOURCE_TYPES)
    assert drivers.driver_for("efs") is EFS and drivers.driver_for(" AURORA ") is AURORA
    assert drivers.driver_for("Timestream") is None and drivers.driver_for(None) is None
    driver, ref = drivers.driver_for_arn("arn:aws:rds:eu-west-1:123456789012:cluster:orders-aurora")
    assert driver is AURORA and (ref.kind, ref.identifier) == ("rds-cluster", "orders-aurora")
    assert drivers.driver_for_arn("arn:aws:rds:us-east-1:123456789012:db:orders")[0] is RDS
    assert drivers.driver_for_arn("arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0123abcd")[0] is EFS
    for arn in ("arn:aws:sqs:us-east-1:123456789012:queue", "arn:aws:rds:us-east-1:123456789012:snapshot:s1", " arn:aws:rds:us-east-1:1:db:x", None):
        assert drivers.driver_for_arn(arn) is None


def test_target_fields_say_which_types_take_each_field_and_its_default():
    fields = drivers.target_fields()
    assert fields["in_place"] == (("EFS",), False)
    assert fields["kms_key_id"][0][:2] == ("EFS", "Aurora") and fields["kms_key_id"][1] is drivers.base.NO_DEFAULT
    assert fields["db_instance_class"][0][:2] == ("RDS", "Aurora")
    assert fields["instance_count"][0][0] == "Aurora" and fields["instance_count"][1] == 1
    assert fields["multi_az"][0] == ("RDS",)
    for driver in drivers.DRIVERS.values():
        for option in driver.target_options.values():
            assert option.type in ("bool", "str", "int", "list") and option.description


def test_no_resource_type_name_in_restored_resource():
    """restored_resource is type-agnostic: every type is its driver's."""
    source = Path(rr.__file__).read_text()
    for name in ("EFS", "RDS", "Aurora", "efs", "rds"):
        assert not re.search(rf"\b{name}\b", source), name


# ---- plan side -----------------------------------------------------------------------------


def test_name_rules_per_type():
    assert EFS.check_name("x" * 65, {}) == ["name '" + "x" * 65 + "' is 65 characters; an EFS name is the file system's CreationToken, at most 64"]
    assert EFS.check_name(" share", {}) == ["name ' share' starts or ends with whitespace; remove it"]
    (problem,) = RDS.check_name("1orders--", {})
    assert problem.startswith("name '1orders--' is not a valid RDS DB instance identifier (its first character is not a letter;")
    assert "it ends with a hyphen" in problem and "two consecutive hyphens" in problem
    # the cluster's DB instances are <name>-1 .. <name>-<instance_count>: the longest must fit too
    (problem,) = AURORA.check_name("a" * 61, {"instance_count": 10})
    assert "too long for the DB instances the role creates in the cluster" in problem and "is 64 characters" in problem
    assert AURORA.check_name("a" * 61, {"instance_count": 9}) == []
    assert AURORA.check_name("bad_name", {})[0].startswith("name 'bad_name' is not a valid Aurora DB cluster identifier")


def test_cross_checks_identity_and_required_metadata():
    assert RDS.check_fields({"availability_zone": "us-east-1a", "multi_az": True}) == [
        "availability_zone cannot be given with multi_az true (RDS places a Multi-AZ instance itself)"
    ]
    assert EFS.check_fields({"kms_key_id": "k", "encrypted": False}) == [
        "kms_key_id requires encrypted to be true (a KMS key encrypts the new file system)"
    ]
    (problem,) = RDS.check_target("orders", {"metadata": {"dbinstanceidentifier": "prod"}})
    assert problem.startswith("metadata.dbinstanceidentifier is 'prod', not the name 'orders'")
    # in place, the CreationToken is the existing file system's, not the name
    assert EFS.check_target("share", {"in_place": True, "backup_vault_name": "v", "metadata": {"CreationToken": "prod"}}) == []
    (problem,) = EFS.check_target("share", {"metadata": {}})
    assert problem.startswith("metadata.file-system-id is required for EFS without backup_vault_name")
    assert EFS.check_target("share", {"secret_metadata": {"File-System-Id": "fs-1"}}) == []


def test_restore_metadata_expected_and_usable_settings():
    target = {"encrypted": None, "performance_mode": "maxIO", "subnet_ids": ["s1"], "security_group_ids": ["g1"]}
    metadata = EFS.restore_metadata("share", target)
    assert metadata == {"newFileSystem": True, "Encrypted": True, "CreationToken": "share", "PerformanceMode": "maxIO"}
    assert EFS.expected("share", target, {**metadata, "Encrypted": "false"}) == {
        "creation_token": "share", "encrypted": False, "performance_mode": "maxIO"
    }  # fmt: skip
    assert EFS.usable_settings("share", target, "arn:rp") == {
        "tags": {"Name": "share", "restored-from": "arn:rp"}, "subnet_ids": ["s1"], "security_group_ids": ["g1"]
    }  # fmt: skip
    assert EFS.restore_metadata("share", {"in_place": True}) == {"newFileSystem": False, "PerformanceMode": "generalPurpose"}
    assert EFS.usable_settings("share", {"in_place": True, "subnet_ids": ["s1"]}, "arn:rp") == {}

    assert RDS.restore_metadata("orders", {"db_instance_class": "db.t3.micro", "multi_az": False, "port": 5432}) == {
        "DBInstanceIdentifier": "orders", "DBInstanceClass": "db.t3.micro", "MultiAZ": False, "Port": 5432
    }  # fmt: skip
    assert RDS.expected("orders", {}, {"DBInstanceClass": "db.t3.micro"}) == {"db_instance_identifier": "orders", "db_instance_class": "db.t3.micro"}
    assert RDS.usable_settings("orders", {}, "arn:rp") == {}

    assert AURORA.restore_metadata("ledger", {"availability_zone": "us-east-1a", "kms_key_id": "k"}) == {
        "DBClusterIdentifier": "ledger", "AvailabilityZones": ["us-east-1a"], "KmsKeyId": "k"
    }  # fmt: skip
    assert AURORA.expected("ledger", {"instance_count": 2}, {}) == {
        "db_cluster_identifier": "ledger", "instance_count": 2, "engines": ["aurora-", "aurora"]
    }  # fmt: skip
    # Every cluster type's validation checks the engine: an Aurora target restored as anything else fails.
    aurora_facts = {"status": "available", "db_cluster_identifier": "ledger", "db_cluster_members": [{}, {}]}
    assert AURORA.validate({**aurora_facts, "engine": "aurora-postgresql"}, AURORA.expected("ledger", {"instance_count": 2}, {})) == []
    assert AURORA.validate({**aurora_facts, "engine": "docdb"}, AURORA.expected("ledger", {"instance_count": 2}, {})) == [
        "engine is 'docdb', expected aurora-* or aurora"
    ]
    assert AURORA.usable_settings("ledger", {"instance_count": 2}, None) == {
        "instance_identifiers": ["ledger-1", "ledger-2"], "db_instance_class": "db.r6g.large"
    }  # fmt: skip
    assert AURORA.usable_settings("ledger", {"engine": "aurora-mysql", "db_instance_class": "db.t4g.medium"}, None) == {
        "instance_identifiers": ["ledger-1"], "db_instance_class": "db.t4g.medium", "engine": "aurora-mysql"
    }  # fmt: skip


def test_new_identifiers_and_in_place():
    assert RDS.new_identifiers("Orders", {}) == [("db-instance", "orders")]
    assert AURORA.new_identifiers("Ledger", {"instance_identifiers": ["Ledger-1", "Ledger-2"]}) == [
        ("db-cluster", "ledger"), ("db-instance", "ledger-1"), ("db-instance", "ledger-2")
    ]  # fmt: skip
    assert AURORA.new_identifiers("ledger", {}) == [("db-cluster", "ledger"), ("db-instance", "ledger-1")]
    assert EFS.new_identifiers("share", {}) == []
    assert EFS.in_place({"newfilesystem": " FALSE "}) and not EFS.in_place({"newFileSystem": "true"})
    assert not RDS.in_place({"newFileSystem": "false"}) and not AURORA.in_place({})


def test_validation_reads_the_resource():
    facts = {"life_cycle_state": "available", "encrypted": False, "creation_token": "share", "performance_mode": "generalPurpose"}
    assert EFS.validate(facts, {"creation_token": "share", "encrypted": True}) == ["encrypted is False, expected True"]
    assert RDS.validate({"db_instance_status": "creating", "db_instance_identifier": "orders"}, {"db_instance_identifier": "orders"}) == [
        "db_instance_status is 'creating', expected 'available'"
    ]
    cluster = {"status": "available", "db_cluster_identifier": "ledger", "db_cluster_members": [{}]}
    assert AURORA.validate(cluster, {"db_cluster_identifier": "ledger", "instance_count": 2}) == ["the cluster has 1 DB instances, expected 2"]


# ---- the one wait --------------------------------------------------------------------------


def test_wait_until_all_polls_on_the_schedule_never_in_a_tight_loop():
    fake = FakeTime()
    asked: list[float] = []

    def step(item):
        asked.append(fake.now)
        return ("done", "") if fake.now >= 300 else ("pending", "status creating")

    (outcome,) = job_wait.wait_until_all(["x"], step, 3600, sleep=fake.sleep, clock=fake.clock)
    assert outcome.state == "done"
    gaps = [b - a for a, b in zip(asked, asked[1:])]
    # max(5 s, 5 % of the time waited) less the return allowance: 4.5 s apart for the first 100 s, then growing
    assert all(gap >= job_wait.WAIT_REGULAR_GAP for gap in gaps)
    assert all(gap == pytest.approx(max(5.0, 0.05 * t) - job_wait.WAIT_RETURN_ALLOWANCE) for gap, t in zip(gaps, asked))
    assert len(asked) < 50


def test_wait_until_all_rides_out_throttling_with_backoff_and_stops_on_other_errors():
    fake = FakeTime()
    throttled = ClientError({"Error": {"Code": "Throttling", "Message": "slow down"}}, "DescribeDBInstances")
    denied = ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "DescribeDBInstances")
    answers = {"a": [throttled] * 6 + [("done", "")], "b": [denied]}

    def step(item):
        answer = answers[item].pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    a, b = job_wait.wait_until_all(["a", "b"], step, 3600, sleep=fake.sleep, clock=fake.clock)
    assert a.state == "done" and b.state == "error" and b.error is denied
    # the backoff of wait_delays (3 s x 1.5 ...), never shorter than the regular gap
    assert fake.slept == [4.5, 4.5, 6.75, 10.125, 15.1875, 22.78125]


def test_wait_until_all_stuck_items_stop_at_once_and_others_go_on():
    fake = FakeTime()
    rounds = {"stuck": 0, "slow": 0}

    def step(item):
        rounds[item] += 1
        if item == "stuck":
            return "stuck", "it is failed"
        return ("done", "") if rounds[item] == 3 else ("pending", "creating")

    stuck, slow = job_wait.wait_until_all(["stuck", "slow"], step, 60, sleep=fake.sleep, clock=fake.clock)
    assert (stuck.state, stuck.detail) == ("stuck", "it is failed") and slow.state == "done"
    assert rounds == {"stuck": 1, "slow": 3} and fake.slept == [job_wait.WAIT_REGULAR_GAP] * 2


# ---- the AWS side against the emulator -------------------------------------------------------


def clients_of(aws, **overrides: Any):
    return rr.lazy_clients(lambda service: overrides.get(service) or RetryingBotoClientWrapper(aws.client(service), backup_retry))


@pytest.fixture
def env(aws):
    aws.configure(restore_job_seconds=0)
    backup, efs, iam, rds = aws.client("backup"), aws.client("efs"), aws.client("iam"), aws.client("rds")
    point = seed.seed_efs_recovery_point(backup, efs, iam, VAULT, name="prod-share", creation_token="prod-share")
    role = point["iam_role_arn"]
    db = seed.create_rds_instance(rds, "orders")
    cluster = seed.create_aurora_cluster(rds, "ledger")
    return {
        "aws": aws, "backup": backup, "efs": efs, "rds": rds, "point": point, "client_for": clients_of(aws),
        "db_point": seed.backup_and_wait(backup, VAULT, db["DBInstanceArn"], role).recovery_point_arn,
        "cluster_point": seed.backup_and_wait(backup, VAULT, cluster["DBClusterArn"], role).recovery_point_arn,
    }  # fmt: skip


def restore(env, point: str, **metadata: str) -> dict:
    job_id = env["backup"].start_restore_job(RecoveryPointArn=point, Metadata=metadata, IamRoleArn=env["point"]["iam_role_arn"])["RestoreJobId"]
    job = env["backup"].describe_restore_job(RestoreJobId=job_id)
    assert job["Status"] == "COMPLETED", job
    return job


def restore_efs(env, new_file_system: bool = True) -> dict:
    point = env["point"]
    metadata = {"file-system-id": point["file_system_id"], "newFileSystem": str(new_file_system).lower()}
    if new_file_system:
        metadata["CreationToken"] = f"drill-{uuid.uuid4().hex[:8]}"
    return restore(env, point["recovery_point_arn"], **metadata)


def instances(env) -> dict[str, dict]:
    return {i["DBInstanceIdentifier"]: i for i in env["rds"].describe_db_instances()["DBInstances"]}


def clusters(env) -> set[str]:
    return {c["DBClusterIdentifier"] for c in env["rds"].describe_db_clusters()["DBClusters"]}


def tags(tag_list: list[dict]) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in tag_list}


class _JobNaming:
    """A backup client whose DescribeRestoreJob names `arn` as created by a job started at
    `started`: what AWS would answer for a job whose CreatedResourceArn existed before it."""

    def __init__(self, arn: str, started: datetime, metadata: dict | None = None):
        self.arn, self.started, self.metadata = arn, started, metadata or {}

    def describe_restore_job(self, RestoreJobId: str, aws_retry: bool = False) -> dict:
        return {"RestoreJobId": RestoreJobId, "Status": "COMPLETED", "CreatedResourceArn": self.arn, "CreationDate": self.started}

    def get_restore_job_metadata(self, RestoreJobId: str, aws_retry: bool = False) -> dict:
        return {"Metadata": self.metadata}


def test_a_db_instance_named_like_the_target_but_older_than_the_job_is_never_touched(env):
    """Production "orders" carries this run's exact mark (say a bug put it there): still refused,
    never tagged again, never deleted - marked, adopted or in check mode."""
    prod = env["rds"].describe_db_instances(DBInstanceIdentifier="orders")["DBInstances"][0]
    later = datetime.now(timezone.utc) + timedelta(seconds=30)
    client_for = clients_of(env["aws"], backup=_JobNaming(prod["DBInstanceArn"], later))
    rr.mark_resource(client_for, prod["DBInstanceArn"], RUN, "job-1")
    env["aws"].reset_calls()
    for adopt in (False, True):
        for check in (False, True):
            (result,) = rr.teardown(client_for, RUN, ["job-1"], adopt_unmarked=adopt, check_mode=check)
            assert result["status"].startswith("refused: it was created at"), result
    (present,) = rr.make_present(client_for, RUN, [rr.Wanted("orders", "job-1", {"tags": {"Name": "orders"}})])
    assert present["status"].startswith("refused: it was created at") and present["name"] == "orders"
    assert set(env["aws"].calls("rds")) == {"DescribeDBInstances"}
    assert "orders" in instances(env) and "Name" not in tags(instances(env)["orders"]["TagList"])


def test_a_db_instance_marked_by_another_run_is_refused(env):
    job = restore(env, env["db_point"], DBInstanceIdentifier="orders-drill")
    rr.mark_resource(env["client_for"], job["CreatedResourceArn"], OTHER_RUN, job["RestoreJobId"])
    env["aws"].reset_calls()
    for adopt in (False, True):
        (result,) = rr.teardown(env["client_for"], RUN, [job["RestoreJobId"]], adopt_unmarked=adopt)
        assert result["status"] == f"refused: it carries the mark of run {OTHER_RUN!r}, not of run {RUN!r}"
    (present,) = rr.make_present(env["client_for"], RUN, [rr.Wanted("orders-drill", job["RestoreJobId"])])
    assert present["status"].startswith("refused: it carries the mark of run")
    assert not {"AddTagsToResource", "DeleteDBInstance"} & set(env["aws"].calls("rds"))
    assert tags(instances(env)["orders-drill"]["TagList"])[rr.RUN_TAG] == OTHER_RUN


def test_an_aurora_cluster_gets_its_instances_with_the_mark_and_is_deleted_with_them(env):
    job = restore(env, env["cluster_point"], DBClusterIdentifier="ledger-drill")
    settings = AURORA.usable_settings("ledger-drill", {"instance_count": 2, "db_instance_class": "db.r5.large"}, None)
    expected = AURORA.expected("ledger-drill", {"instance_count": 2}, {})
    wanted = [rr.Wanted("ledger-drill", job["RestoreJobId"], settings, expected)]
    fake = FakeTime()

    (checked,) = rr.make_present(env["client_for"], RUN, wanted, check_mode=True, **fake.kwargs())
    assert checked["status"] == "would be marked" and [c["db_instance_identifier"] for c in checked["created"]] == ["ledger-drill-1", "ledger-drill-2"]
    assert "ledger-drill-1" not in instances(env)

    (result,) = rr.make_present(env["client_for"], RUN, wanted, wait_until_usable=True, **fake.kwargs())
    assert result["status"] == "marked" and result["validation"] == "passed", result
    assert [c["db_instance_identifier"] for c in result["created"]] == ["ledger-drill-1", "ledger-drill-2"]
    assert isinstance(result["usable_at"], float) and len(result["facts"]["db_cluster_members"]) == 2
    found = instances(env)
    mark = {rr.RUN_TAG: RUN, rr.JOB_TAG: job["RestoreJobId"]}
    for identifier in ("ledger-drill-1", "ledger-drill-2"):
        assert found[identifier]["DBClusterIdentifier"] == "ledger-drill" and tags(found[identifier]["TagList"]) == mark
        assert found[identifier]["Engine"] == env["rds"].describe_db_clusters(DBClusterIdentifier="ledger-drill")["DBClusters"][0]["Engine"]
        assert found[identifier]["DBInstanceClass"] == "db.r5.large"
    # idempotent: a second call creates nothing
    env["aws"].reset_calls()
    (again,) = rr.make_present(env["client_for"], RUN, wanted, **fake.kwargs())
    assert again["status"] == "already marked" and again["created"] == [] and "CreateDBInstance" not in env["aws"].calls("rds")

    (gone,) = rr.teardown(env["client_for"], RUN, [job["RestoreJobId"]], names=["ledger-drill"], **fake.kwargs())
    assert gone["status"] == "deleted" and gone["name"] == "ledger-drill" and len(gone["deleted_resources"]) == 3
    assert gone["deleted_resources"][-1] == job["CreatedResourceArn"]
    assert "ledger-drill" not in clusters(env) and not {"ledger-drill-1", "ledger-drill-2"} & set(instances(env))
    assert "ledger" in clusters(env) and "orders" in instances(env)


def test_an_aurora_cluster_kept_by_recover_gets_unmarked_instances(env):
    job = restore(env, env["cluster_point"], DBClusterIdentifier="ledger-kept")
    wanted = [rr.Wanted("ledger-kept", job["RestoreJobId"], AURORA.usable_settings("ledger-kept", {}, None))]
    (result,) = rr.make_present(env["client_for"], RUN, wanted, mark=False, **FakeTime().kwargs())
    assert result["status"] == "checked" and [c["db_instance_identifier"] for c in result["created"]] == ["ledger-kept-1"]
    assert rr.RUN_TAG not in tags(instances(env)["ledger-kept-1"]["TagList"])
    # a re-run with mark false is not refused for the instance it created
    (again,) = rr.make_present(env["client_for"], RUN, wanted, mark=False, **FakeTime().kwargs())
    assert again["status"] == "checked" and again["created"] == []


def test_efs_gets_its_mount_targets_and_tags_from_its_settings(env):
    job = restore_efs(env)
    subnets = [s["SubnetId"] for s in env["aws"].client("ec2").describe_subnets()["Subnets"][:2]]
    target = {"subnet_ids": subnets}
    settings = EFS.usable_settings("share-drill", target, env["point"]["recovery_point_arn"])
    wanted = [rr.Wanted("share-drill", job["RestoreJobId"], settings, {"performance_mode": "generalPurpose"})]
    (result,) = rr.make_present(env["client_for"], RUN, wanted, wait_until_usable=True, **FakeTime().kwargs())
    assert result["status"] == "marked" and result["validation"] == "passed", result
    assert sorted(c["subnet_id"] for c in result["created"]) == sorted(subnets)
    file_system_id = job["CreatedResourceArn"].rsplit("/", 1)[1]
    targets = env["efs"].describe_mount_targets(FileSystemId=file_system_id)["MountTargets"]
    assert sorted(t["SubnetId"] for t in targets) == sorted(subnets)
    assert result["facts"]["tags"] == {
        rr.RUN_TAG: RUN, rr.JOB_TAG: job["RestoreJobId"], "Name": "share-drill", "restored-from": env["point"]["recovery_point_arn"]
    }  # fmt: skip


def test_an_in_place_restore_is_looked_at_never_tagged_nor_deleted(env, capsys):
    job = restore_efs(env, new_file_system=False)
    prod_id = env["point"]["file_system_id"]
    before = tags(env["efs"].describe_file_systems(FileSystemId=prod_id)["FileSystems"][0]["Tags"])
    env["aws"].reset_calls()
    resources = [{"name": "share", "restore_job_id": job["RestoreJobId"], "settings": {"subnet_ids": ["subnet-x"], "tags": {"Name": "x"}}}]
    result = run_module_main(capsys, module.main, {"run_id": RUN, "resources": resources, "wait_until_usable": True})
    assert not result.get("failed") and result["changed"] is False, result
    (present,) = result["resources"]
    assert present["status"] == "in place" and present["name"] == "share" and present["facts"]["file_system_id"] == prod_id
    args = {"run_id": RUN, "resources": [{"name": "share", "restore_job_id": job["RestoreJobId"]}], "state": "absent", "adopt_unmarked": True}
    absent = run_module_main(capsys, module.main, args)
    assert absent["resources"][0]["status"].startswith("refused: restore job") and "in place" in absent["resources"][0]["status"]
    assert not {"TagResource", "CreateMountTarget", "DeleteMountTarget", "DeleteFileSystem"} & set(env["aws"].calls("efs"))
    assert tags(env["efs"].describe_file_systems(FileSystemId=prod_id)["FileSystems"][0]["Tags"]) == before


def test_find_marked_is_one_listing_per_type(env):
    for _n in range(3):
        job = restore_efs(env)
        rr.mark_resource(env["client_for"], job["CreatedResourceArn"], RUN, job["RestoreJobId"])
    env["aws"].reset_calls()
    listings = Listings()
    for driver in drivers.DRIVERS.values():
        driver.find_marked(env["client_for"], listings)
    assert env["aws"].calls("efs") == {"DescribeFileSystems": 1}
    # one listing of the DB clusters, whatever the number of cluster types (Aurora, DocumentDB, ...)
    assert env["aws"].calls("rds") == {"DescribeDBInstances": 1, "DescribeDBClusters": 1}


def test_taken_names_are_one_lookup_per_kind_whatever_the_number(env, capsys):
    new = [{"name": f"orders-{n}", "resource_type": "RDS"} for n in range(5)] + [
        {"name": "Orders", "resource_type": "rds"},  # taken: RDS identifiers ignore case
        {"name": "ledger", "resource_type": "Aurora", "settings": {"instance_identifiers": ["ledger-1", "orders"]}},
        {"name": "share", "resource_type": "EFS"},
    ]
    env["aws"].reset_calls()
    result = run_module_main(capsys, info_module.main, {"new_resources": new})
    assert not result.get("failed"), result
    assert sorted((t["name"], t["identifier"], t["kind"]) for t in result["taken"]) == [
        ("Orders", "orders", "db-instance"), ("ledger", "ledger", "db-cluster"), ("ledger", "orders", "db-instance"),
    ]  # fmt: skip
    # One filtered lookup per kind of identifier, and one listing per type for what earlier drills left.
    assert env["aws"].calls("rds") == {"DescribeDBInstances": 2, "DescribeDBClusters": 2}
    assert env["aws"].calls("efs") == {"DescribeFileSystems": 1}
    # a drill's preflight lists the leftovers of its own types only
    assert env["aws"].calls("ec2") == {} and env["aws"].calls("dynamodb") == {} and env["aws"].calls("s3") == {}
    assert result["msg"].endswith(" already exist; choose new names (nothing was started)")
    assert sorted(result["msg"].split(" already")[0].split(", ")) == ["ledger", "orders", "orders"]


@pytest.mark.parametrize(
    "args, message",
    [
        ({"run_id": RUN, "resources": [{"name": "a", "restore_job_id": "j"}, {"name": "a", "restore_job_id": "k"}]}, "resources[1] ('a').name"),
        ({"run_id": RUN, "resources": [{"name": "a", "restore_job_id": "j", "settings": {"subnets": []}}]},
         "resources[0] ('a').settings: unknown keys subnets"),
        ({"run_id": RUN, "resources": [{"name": "a", "restore_job_id": "j", "settings": {"instance_identifiers": ["a-1"]}}]},
         "resources[0] ('a').settings.instance_identifiers needs"),
        ({"run_id": RUN, "resources": [{"name": "a", "restore_job_id": "j", "settings": {"tags": {rr.RUN_TAG: "x"}}}]}, "resources[0] ('a').settings.tags"),
        ({"run_id": RUN, "resources": [{"name": "a", "restore_job_id": "j", "expected": {}}], "state": "absent"}, "resources[0] ('a').expected"),
        ({"run_id": RUN, "restore_job_ids": ["j"], "copies": [{"name": "a", "copy_job_id": "c"}]}, "copies applies to state=absent only"),
        ({"run_id": RUN, "restore_job_ids": ["j"], "state": "absent", "copies": [{"name": "a", "copy_job_id": "c", "region": "mars"}]},
         "copies[0] ('a').region"),
        ({"run_id": RUN}, "restore_job_ids"),
    ],
)  # fmt: skip
def test_module_bad_input_fails_naming_the_option_before_any_call(aws, capsys, args, message):
    result = run_module_main(capsys, module.main, args)
    assert result["failed"] is True and message in result["msg"], result
    assert "exception" not in result
    assert aws.calls("backup") == {} and aws.calls("efs") == {} and aws.calls("rds") == {}


def test_info_module_bad_new_resources_fail_before_any_call(aws, capsys):
    result = run_module_main(capsys, info_module.main, {"new_resources": [{"name": "a", "resource_type": "Floppy"}]})
    assert result["failed"] is True and "new_resources[0] ('a').resource_type must be one of EFS, RDS, Aurora, " in result["msg"]
    assert aws.calls("rds") == {} and aws.calls("efs") == {}


def test_module_results_carry_the_callers_names_and_validation(env, capsys):
    db_job = restore(env, env["db_point"], DBInstanceIdentifier="orders-drill", DBInstanceClass="db.t3.micro")
    resources = [
        {"name": "orders", "restore_job_id": db_job["RestoreJobId"], "expected": RDS.expected("orders-drill", {}, {"DBInstanceClass": "db.m5.large"})},
    ]
    result = run_module_main(capsys, module.main, {"run_id": RUN, "resources": resources, "wait_until_usable": True})
    (one,) = result["resources"]
    assert one["name"] == "orders" and isinstance(one["usable_at"], float)
    assert one["validation"] == "failed: db_instance_class is 'db.t3.micro', expected 'db.m5.large'"
    args = {"run_id": RUN, "resources": [{"name": "orders", "restore_job_id": db_job["RestoreJobId"]}], "state": "absent"}
    absent = run_module_main(capsys, module.main, args)
    assert absent["resources"][0]["name"] == "orders" and absent["resources"][0]["status"] == "deleted"
    assert "orders-drill" not in instances(env) and "orders" in instances(env)


def test_copies_are_deleted_by_copy_job_id_and_carry_their_names(aws, capsys):
    unknown = "00000000-0000-0000-0000-0000000000c0"
    args = {"run_id": RUN, "resources": [], "state": "absent", "copies": [{"name": "share", "copy_job_id": unknown}]}
    result = run_module_main(capsys, module.main, args)
    assert not result.get("failed"), result
    assert result["copies"] == [{"name": "share", "copy_job_id": unknown, "status": "not found"}]
    assert aws.calls("backup") == {"DescribeCopyJob": 1}


def test_no_driver_drops_a_key_its_type_documents():
    """A recovery point's own metadata keeps every key its type's StartRestoreJob documents (only
    the others are dropped, with a reason)."""
    for driver in drivers.DRIVERS.values():
        documented = set(driver.restore_keys or ()) | set(getattr(driver, "restore_key_types", None) or ())
        metadata = {key: "x" for key in documented}
        assert driver.dropped_source_keys(metadata) == [], driver.resource_type
        if driver.restore_keys is not None:
            why = f"StartRestoreJob does not take it for {driver.resource_type} (see {driver.restore_keys_source})"
            assert driver.dropped_source_keys({"NotAKey": "x"}) == [("NotAKey", why)]
