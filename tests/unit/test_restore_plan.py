"""restore_plan: the restore role's targets checked and planned, secret metadata, measures and the
drill report, through the filters the role calls. No AWS, no Ansible run."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.recovery.aws_backup.plugins.filter.restore import FilterModule
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers import target_fields
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import PlanError
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import build_plan
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import parse_iso8601
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import secret_metadata
from ansible_collections.recovery.aws_backup.plugins.module_utils.run_record import measure as restore_measures
from ansible_collections.recovery.aws_backup.plugins.module_utils.run_record import report as restore_report

FILTERS = FilterModule().filters()
restore_plan = FILTERS["restore_plan"]

VAULT = "prod-vault"
EFS_ARN = "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0123456789abcdef0"
RDS_POINT = "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-1"
AURORA_POINT = "arn:aws:rds:us-east-1:123456789012:cluster-snapshot:awsbackup:job-2"


def efs(**fields):
    return {"name": "files", "resource_type": "EFS", "resource_arn": EFS_ARN, "backup_vault_name": VAULT, **fields}


def rds(**fields):
    return {"name": "orders", "resource_type": "RDS", "recovery_point_arn": RDS_POINT, "backup_vault_name": VAULT, **fields}


def aurora(**fields):
    return {"name": "ledger", "resource_type": "Aurora", "recovery_point_arn": AURORA_POINT, "backup_vault_name": VAULT, **fields}


def problems(targets, mode="recover", run_id="run-1"):
    with pytest.raises(PlanError) as raised:
        build_plan(targets, mode, run_id)
    return raised.value.problems


def one_problem(target):
    found = problems([target])
    assert len(found) == 1, found
    return found[0]


# ---- validation: every rule, one error naming target, name and field ----------------------

BAD_TARGETS = [
    pytest.param(rds(in_place=True), "in_place", "in_place is only supported for EFS", id="in_place-rds"),
    pytest.param(aurora(in_place=True), "in_place", "only supported for EFS", id="in_place-aurora"),
    pytest.param(rds(encrypted=False), "encrypted", "encrypted is only supported for EFS", id="encrypted-rds"),
    pytest.param(rds(kms_key_id="k"), "kms_key_id", "only supported for EFS", id="kms-rds"),
    pytest.param(aurora(performance_mode="maxIO"), "performance_mode", "only supported for EFS", id="perf-aurora"),
    pytest.param(rds(item_paths=["/a"]), "item_paths", "only supported for EFS", id="items-rds"),
    pytest.param(rds(subnet_ids=["subnet-1"]), "subnet_ids", "only supported for EFS", id="subnets-rds"),
    pytest.param(aurora(security_group_ids=["sg-1"]), "security_group_ids", "only supported for EFS", id="sgs-aurora"),
    pytest.param(aurora(multi_az=True), "multi_az", "multi_az is only supported for RDS", id="multi_az-aurora"),
    pytest.param(efs(db_instance_class="db.t3.micro"), "db_instance_class", "only supported for RDS, Aurora", id="class-efs"),
    pytest.param(efs(db_subnet_group_name="g"), "db_subnet_group_name", "only supported for RDS, Aurora", id="subnet-group-efs"),
    pytest.param(efs(vpc_security_group_ids=["sg-1"]), "vpc_security_group_ids", "only supported for RDS, Aurora", id="vpc-sgs-efs"),
    pytest.param(efs(port=2049), "port", "only supported for RDS, Aurora", id="port-efs"),
    pytest.param(rds(instance_count=2), "instance_count", "instance_count is only supported for Aurora", id="count-rds"),
    pytest.param(efs(engine="aurora-mysql"), "engine", "only supported for Aurora", id="engine-efs"),
    pytest.param(rds(name=None), "name", "name is required", id="name-missing"),
    pytest.param(rds(name=""), "name", "name must be a non-empty string", id="name-empty"),
    pytest.param(rds(name=5), "name", "name must be a non-empty string", id="name-int"),
    pytest.param(rds(name="1orders"), "name", "first character is not a letter", id="rds-first-digit"),
    pytest.param(rds(name="orders-"), "name", "ends with a hyphen", id="rds-trailing-hyphen"),
    pytest.param(rds(name="or--ders"), "name", "two consecutive hyphens", id="rds-double-hyphen"),
    pytest.param(rds(name="or_ders"), "name", "contains '_'", id="rds-underscore"),
    pytest.param(rds(name="a" * 64), "name", "64 characters, at most 63", id="rds-too-long"),
    pytest.param(aurora(name="Ledger--x"), "name", "not a valid Aurora DB cluster identifier", id="aurora-double-hyphen"),
    pytest.param(aurora(name="a" * 62), "name", "-1' is 64 characters", id="aurora-instance-too-long"),
    pytest.param(aurora(name="a" * 61, instance_count=10), "name", "-10' is 64 characters", id="aurora-instance-10-too-long"),
    pytest.param(efs(name="f" * 65), "name", "at most 64", id="efs-too-long"),
    pytest.param(efs(name=" files"), "name", "whitespace", id="efs-leading-space"),
    pytest.param(efs(name="files\t"), "name", "whitespace", id="efs-trailing-tab"),
    pytest.param(rds(resource_type="Timestream"), "resource_type", "must be one of EFS, RDS, Aurora", id="type-other"),
    pytest.param(rds(resource_type="rds"), "resource_type", "did you mean 'RDS'", id="type-case"),
    pytest.param(rds(resource_type=None), "resource_type", "resource_type is required", id="type-missing"),
    pytest.param(rds(recovery_point_arn=None), "recovery_point_arn", "one of the following is required: recovery_point_arn, resource_arn", id="no-source"),
    pytest.param(rds(recovery_point_arn=""), "recovery_point_arn", "recovery_point_arn must be a recovery point ARN", id="empty-source"),
    pytest.param(rds(resource_arn="arn:aws:rds:us-east-1:1:db:orders"), "resource_arn",
                 "parameters are mutually exclusive: recovery_point_arn|resource_arn", id="both-sources"),
    pytest.param(rds(recovery_point_arn="job-1"), "recovery_point_arn", "recovery_point_arn must be a recovery point ARN", id="not-an-arn"),
    pytest.param(rds(recovery_point_arn=["arn:x"]), "recovery_point_arn", "recovery_point_arn must be a recovery point ARN", id="arn-list"),
    pytest.param(rds(latest_before="2026-11-25T00:00:00Z"), "latest_before", "mutually exclusive: recovery_point_arn|latest_before", id="latest-before"),
    pytest.param(aurora(instance_count=0), "instance_count", "at least 1", id="count-zero"),
    pytest.param(aurora(instance_count=True), "instance_count", "must be an integer", id="count-bool"),
    pytest.param(aurora(instance_count="2"), "instance_count", "must be an integer", id="count-text"),
    pytest.param(rds(rto_seconds=0), "rto_seconds", "greater than 0", id="rto-zero"),
    pytest.param(rds(rpo_seconds=-5), "rpo_seconds", "greater than 0", id="rpo-negative"),
    pytest.param(rds(rto_seconds=1.5), "rto_seconds", "must be an integer", id="rto-float"),
    pytest.param(rds(rpo_seconds=False), "rpo_seconds", "must be an integer", id="rpo-bool"),
    pytest.param(rds(port=0), "port", "1 to 65535", id="port-zero"),
    pytest.param(aurora(port=65536), "port", "1 to 65535", id="port-high"),
    pytest.param(efs(item_paths=["data"]), "item_paths", "must start with '/'", id="item-relative"),
    pytest.param(efs(item_paths=[""]), "item_paths", "non-empty string", id="item-empty"),
    pytest.param(efs(item_paths="/a"), "item_paths", "must be a list", id="items-text"),
    pytest.param(efs(kms_key_id="alias/k", encrypted=False), "kms_key_id", "requires encrypted to be true", id="kms-unencrypted"),
    pytest.param(efs(encrypted="yes"), "encrypted", "true or false", id="encrypted-text"),
    pytest.param(efs(performance_mode="fast"), "performance_mode", "generalPurpose, maxIO", id="perf-mode"),
    pytest.param(efs(subnet_ids=["subnet-1", ""]), "subnet_ids[1]", "non-empty string", id="subnet-empty"),
    pytest.param(rds(multi_az="no"), "multi_az", "true or false", id="multi_az-text"),
    pytest.param(rds(metadata=["x"]), "metadata", "metadata must be a dictionary", id="metadata-list"),
    pytest.param(rds(secret_metadata="pw"), "secret_metadata", "secret_metadata must be a dictionary", id="secret-text"),
    pytest.param(rds(metadata={"Port": 1, "port": 2}), "metadata", "case-insensitively", id="metadata-two-spellings"),
    pytest.param(rds(metadata={"Port": None}), "metadata.Port", "has no value", id="metadata-none"),
    pytest.param(
        rds(metadata={"MasterUserPassword": "a"}, secret_metadata={"masteruserpassword": "b"}),
        "secret_metadata.masteruserpassword", "is also in metadata; give each key once", id="metadata-and-secret",
    ),
    pytest.param(rds(metadata={"DBInstanceIdentifier": "prod"}), "metadata.DBInstanceIdentifier", "set name instead", id="identity"),
    pytest.param(efs(backup_vault_name=None), "metadata.file-system-id", "without backup_vault_name", id="efs-no-fs-id"),
]


@pytest.mark.parametrize("target, field, message", BAD_TARGETS)
def test_each_bad_input_is_one_error_naming_target_name_and_field(target, field, message):
    found = one_problem(target)
    name = target.get("name")
    label = f"restore_targets[0] (name {name!r}): " if isinstance(name, str) and name else "restore_targets[0] (no name): "
    assert found.startswith(label), found
    assert field in found[len(label):]
    assert message in found


def test_the_message_reads_as_documented():
    targets = [efs(), rds()]
    targets[1]["in_place"] = True
    with pytest.raises(AnsibleFilterError, match=re.escape("restore_targets[1] (name 'orders'): in_place is only supported for EFS")):
        restore_plan(targets, "recover", "run-1")


# the types that take a port: RDS, Aurora and the other DB cluster types
PORT_TYPES = ", ".join(target_fields()["port"][0][:-1]) + " and " + target_fields()["port"][0][-1]


def test_several_bad_targets_give_all_errors_at_once():
    targets = [rds(in_place=True), efs(name="f" * 65, port=1), "orders", aurora(instance_count=0, multi_az=True)]
    found = problems(targets)
    assert found == [
        "restore_targets[0] (name 'orders'): in_place is only supported for EFS",
        f"restore_targets[1] (name {'f' * 65!r}): port is only supported for {PORT_TYPES}",
        f"restore_targets[1] (name {'f' * 65!r}): name {'f' * 65!r} is 65 characters; an EFS name is the file system's "
        "CreationToken, at most 64",
        "restore_targets[2] must be a dictionary of target options, got str",
        "restore_targets[3] (name 'ledger'): instance_count must be at least 1, got 0",
        "restore_targets[3] (name 'ledger'): multi_az is only supported for RDS",
    ]
    with pytest.raises(AnsibleFilterError) as raised:
        restore_plan(targets, "drill", "run-1")
    assert all(problem in str(raised.value) for problem in found)


def test_names_are_unique_ignoring_case():
    found = problems([rds(name="Orders"), efs(), rds(name="orders")])
    assert found == [
        "restore_targets[2] (name 'orders'): name 'orders' is also the name of restore_targets[0]; names must be unique, "
        "ignoring case (AWS compares many identifiers without case)"
    ]


def test_valid_names_at_the_limits():
    plan = build_plan(
        [rds(name="a" + "-b" * 31), aurora(name="a" * 61, instance_count=9), efs(name="f" * 64)], "recover", "run-1"
    )
    assert [item["name"] for item in plan] == ["a" + "-b" * 31, "a" * 61, "f" * 64]
    assert plan[1]["settings"]["instance_identifiers"][-1] == "a" * 61 + "-9"


def test_defaults_of_other_types_are_not_given_fields():
    # One target spec can carry every default of the role's argument spec.
    defaults = {"in_place": False, "encrypted": True, "performance_mode": "generalPurpose", "subnet_ids": [],
                "security_group_ids": [], "instance_count": 1, "metadata": {}, "item_paths": None, "port": None}
    plan = build_plan([rds(**defaults), aurora(**defaults), efs(**defaults)], "recover", "run-1")
    assert [item["resource_type"] for item in plan] == ["RDS", "Aurora", "EFS"]


@pytest.mark.parametrize("targets, found", [
    ([], "restore_targets is empty"),
    (None, "restore_targets must be a list of targets, got NoneType"),
    ({"name": "orders"}, "restore_targets must be a list of targets, got dict"),
])
def test_targets_must_be_a_non_empty_list(targets, found):
    with pytest.raises(PlanError, match=re.escape(found)):
        build_plan(targets, "recover", "run-1")


def test_cleanup_takes_no_targets():
    assert restore_plan([], "cleanup", "run-1")["order"] == []
    assert build_plan([rds()], "cleanup", "run-1")[0]["force"] is False


@pytest.mark.parametrize("mode, run_id, found", [
    ("restore", "run-1", "restore mode must be one of recover, drill, cleanup"),
    ("drill", "", "run_id must be a non-empty string"),
    ("recover", None, "run_id must be a non-empty string"),
])
def test_mode_and_run_id(mode, run_id, found):
    with pytest.raises(PlanError, match=re.escape(found)):
        build_plan([rds()], mode, run_id)


# ---- the plan ------------------------------------------------------------------------------


def test_efs_plan_item():
    target = efs(encrypted=True, kms_key_id="alias/backup", performance_mode="maxIO", item_paths=["/data", "/etc/app"],
                 subnet_ids=["subnet-1", "subnet-2"], security_group_ids=["sg-1"], rto_seconds=3600, rpo_seconds=86400)
    [item] = build_plan([target], "recover", "run-1")
    assert item == {
        "index": 0,
        "name": "files",
        "resource_type": "EFS",
        "in_place": False,
        "recovery_point_arn": None,
        "resource_arn": EFS_ARN,
        "backup_vault_name": VAULT,
        "latest_before": None,
        "metadata_source": "recovery_point",
        "metadata": {
            "newFileSystem": True,
            "Encrypted": True,
            "CreationToken": "files",
            "PerformanceMode": "maxIO",
            "KmsKeyId": "alias/backup",
            "ItemsToRestore": ["/data", "/etc/app"],
        },
        "force": False,
        "idempotency_token": None,
        "rto_seconds": 3600,
        "rpo_seconds": 86400,
        # The type's fields, given or at their defaults, and what its driver makes the file system usable with.
        "options": {"in_place": False, "encrypted": True, "kms_key_id": "alias/backup", "performance_mode": "maxIO",
                    "item_paths": ["/data", "/etc/app"], "subnet_ids": ["subnet-1", "subnet-2"], "security_group_ids": ["sg-1"]},
        "settings": {"tags": {"Name": "files"}, "subnet_ids": ["subnet-1", "subnet-2"], "security_group_ids": ["sg-1"]},
        "has_secret_metadata": False,
        "copy_from": None,
        "expected": {"creation_token": "files", "encrypted": True, "performance_mode": "maxIO"},
    }
    assert json.loads(json.dumps(item)) == item


def test_efs_defaults_and_in_place():
    [new, in_place] = build_plan(
        [efs(), efs(name="source", in_place=True, latest_before="2026-11-25T02:40:00Z")], "recover", "run-1"
    )
    assert new["metadata"] == {"newFileSystem": True, "Encrypted": True, "CreationToken": "files", "PerformanceMode": "generalPurpose"}
    assert new["expected"] == {"creation_token": "files", "encrypted": True, "performance_mode": "generalPurpose"}
    assert in_place["in_place"] is True
    assert in_place["latest_before"] == "2026-11-25T02:40:00Z"
    # In place: no new file system, so no Encrypted or CreationToken.
    assert in_place["metadata"] == {"newFileSystem": False, "PerformanceMode": "generalPurpose"}
    assert in_place["expected"] == {"performance_mode": "generalPurpose"}


def test_efs_without_vault_takes_file_system_id_from_metadata():
    [item] = build_plan([efs(backup_vault_name=None, metadata={"file-system-id": "fs-1"})], "recover", "run-1")
    assert item["metadata_source"] == "none"
    assert item["metadata"]["file-system-id"] == "fs-1"


def test_recovery_point_arn_without_vault_is_planned_as_the_modules_take_it():
    # backup_restore_jobs finds the point's vault itself; without one the metadata is the role's own.
    [item] = build_plan([rds(backup_vault_name=None)], "recover", "run-1")
    assert item["backup_vault_name"] is None and item["metadata_source"] == "none"


def test_the_restore_modules_own_checks_apply_to_each_target():
    # One place, one wording: the plan asks backup_restore_jobs' checks of each target's restore.
    [found] = problems([rds(backup_vault_name="v")])
    assert found.startswith("restore_targets[0] (name 'orders'): backup_vault_name must be a backup vault name")


def test_rds_plan_item():
    [item] = build_plan(
        [rds(db_instance_class="db.t3.micro", db_subnet_group_name="private", vpc_security_group_ids=["sg-1"], multi_az=False,
             port=5432)],
        "recover", "run-1",
    )
    assert item["metadata"] == {
        "DBInstanceIdentifier": "orders",
        "DBInstanceClass": "db.t3.micro",
        "DBSubnetGroupName": "private",
        "VpcSecurityGroupIds": ["sg-1"],
        "MultiAZ": False,
        "Port": 5432,
    }
    # With its vault, the restore starts from the recovery point's own metadata.
    assert item["metadata_source"] == "recovery_point"
    assert item["options"]["db_instance_class"] == "db.t3.micro"
    assert "instance_count" not in item["options"] and item["settings"] == {}
    assert item["expected"] == {"db_instance_identifier": "orders", "db_instance_class": "db.t3.micro"}


def test_rds_unset_values_are_left_out():
    [item] = build_plan([rds()], "recover", "run-1")
    assert item["metadata"] == {"DBInstanceIdentifier": "orders"}
    assert "db_instance_class" not in item["options"]
    assert item["expected"] == {"db_instance_identifier": "orders", "db_instance_class": None}


def test_aurora_plan_item():
    [default, given] = build_plan(
        [aurora(), aurora(name="ledger2", instance_count=3, db_instance_class="db.r7g.large", engine="aurora-postgresql",
                          db_subnet_group_name="private", vpc_security_group_ids=["sg-1"], port=5432)],
        "recover", "run-1",
    )
    assert default["metadata"] == {"DBClusterIdentifier": "ledger"}
    assert default["settings"] == {"instance_identifiers": ["ledger-1"], "db_instance_class": "db.r6g.large"}
    assert default["expected"] == {"db_cluster_identifier": "ledger", "instance_count": 1, "engines": ["aurora-", "aurora"]}
    # The instance class is the cluster instances', not restore metadata.
    assert given["metadata"] == {
        "DBClusterIdentifier": "ledger2", "DBSubnetGroupName": "private", "VpcSecurityGroupIds": ["sg-1"], "Port": 5432,
    }
    assert given["settings"] == {"instance_identifiers": ["ledger2-1", "ledger2-2", "ledger2-3"],
                                 "db_instance_class": "db.r7g.large", "engine": "aurora-postgresql"}
    assert given["expected"] == {"db_cluster_identifier": "ledger2", "instance_count": 3, "engines": ["aurora-", "aurora"]}


def test_user_metadata_merges_case_insensitively_and_wins():
    [item] = build_plan(
        [efs(performance_mode="maxIO", metadata={"performancemode": "generalPurpose", "ENCRYPTED": "false", "Extra": 1})],
        "recover", "run-1",
    )
    assert item["metadata"] == {
        "newFileSystem": True, "CreationToken": "files", "performancemode": "generalPurpose", "ENCRYPTED": "false", "Extra": 1,
    }
    # Validation expects what was sent.
    assert item["expected"] == {"creation_token": "files", "encrypted": False, "performance_mode": "generalPurpose"}
    [item] = build_plan([rds(db_instance_class="db.t3.micro", metadata={"dbinstanceclass": "db.m5.large"})], "recover", "run-1")
    assert item["metadata"] == {"DBInstanceIdentifier": "orders", "dbinstanceclass": "db.m5.large"}
    assert item["expected"]["db_instance_class"] == "db.m5.large"


def test_metadata_may_repeat_the_name_in_its_identity_key():
    [item] = build_plan([rds(metadata={"dbinstanceidentifier": "orders"})], "recover", "run-1")
    assert item["metadata"] == {"dbinstanceidentifier": "orders"}


SECRET_TARGET = rds(
    metadata={
        "MasterUserPassword": "hunter2-secret",
        "master-user-secret": {"SecretArn": "arn:aws:secretsmanager:x", "KmsKeyId": "k"},
        "Options": {"nested": {"ApiKey": "nested-secret"}},
        "OptionsJson": '{"password": "json-secret"}',
        "DBSubnetGroupName": "private",
        "Port": 5432,
    },
    secret_metadata={"Custom": "custom-secret"},
)


def test_secret_metadata_is_never_in_the_plan():
    [item] = build_plan([copy.deepcopy(SECRET_TARGET)], "drill", "run-1")
    assert item["metadata"] == {"DBInstanceIdentifier": "orders", "DBSubnetGroupName": "private", "Port": 5432}
    assert item["has_secret_metadata"] is True
    text = json.dumps(item)
    for secret in ("hunter2", "secretsmanager", "nested-secret", "json-secret", "custom-secret", "MasterUserPassword"):
        assert secret not in text


def test_secret_metadata_holds_exactly_the_secret_entries():
    targets = [efs(), copy.deepcopy(SECRET_TARGET)]
    assert secret_metadata(targets[1]) == {
        "MasterUserPassword": "hunter2-secret",
        "master-user-secret": {"SecretArn": "arn:aws:secretsmanager:x", "KmsKeyId": "k"},
        "Options": {"nested": {"ApiKey": "nested-secret"}},
        "OptionsJson": '{"password": "json-secret"}',
        "Custom": "custom-secret",
    }
    assert secret_metadata(targets[0]) == {}
    assert build_plan(targets, "recover", "r")[0]["has_secret_metadata"] is False


def test_a_secret_key_replaces_the_roles_spelling():
    # Plan metadata and secret metadata together never name a key twice (the module refuses that).
    target = efs(kms_key_id="alias/k", metadata={"kmskeyid": "alias/other"})
    [item] = build_plan([target], "recover", "run-1")
    assert "KmsKeyId" in item["metadata"] or "kmskeyid" in item["metadata"]
    secret = secret_metadata(target)
    assert not {k.lower() for k in secret} & {k.lower() for k in item["metadata"]}


def test_drill_tokens_are_deterministic_per_run_and_name():
    targets = [rds(), efs()]
    first = build_plan(targets, "drill", "20261125T070000Z")
    again = build_plan(copy.deepcopy(targets), "drill", "20261125T070000Z")
    other_run = build_plan(targets, "drill", "20261126T070000Z")
    assert [i["force"] for i in first] == [True, True]
    tokens = [i["idempotency_token"] for i in first]
    assert tokens == [i["idempotency_token"] for i in again]
    assert len(set(tokens)) == 2
    assert not set(tokens) & {i["idempotency_token"] for i in other_run}
    assert all(re.fullmatch(r"ansible-recovery-[0-9a-f]{40}", t) for t in tokens)
    recover = build_plan(targets, "recover", "20261125T070000Z")
    assert [(i["force"], i["idempotency_token"]) for i in recover] == [(False, None), (False, None)]


# ---- measures ------------------------------------------------------------------------------


@pytest.mark.parametrize("text, epoch", [
    ("2026-11-25T07:00:00Z", 1795590000.0),
    ("2026-11-25T07:00:00+00:00", 1795590000.0),
    ("2026-11-25T09:00:00+02:00", 1795590000.0),
    ("2026-11-25T02:00:00-0500", 1795590000.0),
    ("2026-11-25T07:00:00.250000Z", 1795590000.25),
    ("2026-11-25T07:00:00.1234567+00:00", 1795590000.123456),
    ("2026-11-25 07:00:00", 1795590000.0),
])
def test_iso_8601_with_any_offset(text, epoch):
    assert parse_iso8601(text, "t").timestamp() == pytest.approx(epoch)


def test_unreadable_date_names_where_it_came_from():
    plan = build_plan([rds()], "drill", "r")
    with pytest.raises(PlanError, match=re.escape("jobs['orders'].restore_job.creation_date: cannot read 'yesterday'")):
        restore_measures(plan, {"orders": {"restore_job": {"creation_date": "yesterday"}}}, {})


def test_measures_with_z_utc_and_plus_two_hours():
    plan = build_plan(
        [rds(rto_seconds=1800, rpo_seconds=3600), efs(rto_seconds=600, rpo_seconds=7200), aurora()], "drill", "r"
    )
    created = 1795590000.0  # 2026-11-25T07:00:00Z
    jobs = {
        # The same instants in three spellings.
        "orders": {"restore_job": {"creation_date": "2026-11-25T07:00:00Z", "recovery_point_creation_date": "2026-11-25T06:30:00Z"}},
        "files": {"restore_job": {"creation_date": "2026-11-25T07:00:00+00:00",
                                  "recovery_point_creation_date": "2026-11-25T06:00:00.500000+00:00"}},
        "ledger": {"restore_job": {"creation_date": "2026-11-25T09:00:00+02:00",
                                   "recovery_point_creation_date": "2026-11-25T08:00:00+02:00"}},
    }
    usable_at = {"orders": created + 1200.0, "files": created + 600.5, "ledger": created + 10}
    assert restore_measures(plan, jobs, usable_at) == {
        "orders": {"recovery_time_seconds": 1200, "recovery_point_age_seconds": 1800, "rto_seconds": 1800, "rpo_seconds": 3600,
                   "rto_met": True, "rpo_met": True},
        # 600.5 s is shown as 601, and misses an RTO of 600.
        "files": {"recovery_time_seconds": 601, "recovery_point_age_seconds": 3600, "rto_seconds": 600, "rpo_seconds": 7200,
                  "rto_met": False, "rpo_met": True},
        "ledger": {"recovery_time_seconds": 10, "recovery_point_age_seconds": 3600, "rto_seconds": None, "rpo_seconds": None,
                   "rto_met": None, "rpo_met": None},
    }


def test_measures_without_a_usable_resource_or_dates():
    plan = build_plan([rds(rto_seconds=60, rpo_seconds=60), efs(), aurora()], "drill", "r")
    jobs = {"orders": {"restore_job": {"creation_date": "2026-11-25T07:00:00Z"}}, "files": {"restore_job": {}}}
    measures = restore_measures(plan, jobs, {"files": "1795590000.0"})
    assert measures == {
        # An objective that cannot be measured counts as missed.
        "orders": {"recovery_time_seconds": None, "recovery_point_age_seconds": None, "rto_seconds": 60, "rpo_seconds": 60,
                   "rto_met": False, "rpo_met": False},
        "files": {"recovery_time_seconds": None, "recovery_point_age_seconds": None, "rto_seconds": None, "rpo_seconds": None,
                  "rto_met": None, "rpo_met": None},
    }


# ---- report --------------------------------------------------------------------------------


REGIONAL_KEYS = (
    "regional", "source_region", "dr_region", "source_backup_vault_arn", "source_resource_arn", "copy_age_seconds", "rpo_seconds",
    "rpo_met", "recovery_time_seconds", "rto_seconds", "rto_met",
)  # fmt: skip


def test_report_shape():
    plan = build_plan([rds(rto_seconds=60), efs(), aurora(), efs(name="source", in_place=True)], "drill", "run-1")
    measures = {"orders": {"recovery_time_seconds": 30, "recovery_point_age_seconds": 5, "rto_seconds": 60, "rpo_seconds": None,
                           "rto_met": True, "rpo_met": None}}
    run = {
        "run_id": "run-1",
        "mode": "drill",
        "error": "",
        "jobs": {
            "orders": {"restore_job": {"restore_job_id": "job-1", "status": "COMPLETED", "recovery_point_arn": "arn:aws:rds:point"},
                       "created_resource_arn": "arn:aws:rds:us-east-1:1:db:orders", "error": ""},
            "files": {"restore_job": {}, "created_resource_arn": "", "error": "AccessDenied"},
            "source": {"restore_job": {"restore_job_id": "job-3", "status": "COMPLETED"},
                       "created_resource_arn": EFS_ARN, "error": ""},
        },
        "measures": measures,
        "validation": {"orders": "passed"},
        "teardown": {"orders": "deleted"},
        "failed": {"files": "restore: AccessDenied"},
        "leftovers": [{"arn": "arn:aws:rds:us-east-1:1:db:old", "run_id": "run-0"}],
    }
    result = restore_report(plan, run)
    # the regional fields (test_regional_plan.py) apart; here with no copy and no source known
    regional = [{key: target.pop(key) for key in list(target) if key in REGIONAL_KEYS} for target in result["targets"]]
    assert regional[0] == {
        "regional": False, "source_region": "", "dr_region": "", "source_backup_vault_arn": "", "source_resource_arn": "",
        "copy_age_seconds": 5, "rpo_seconds": None, "rpo_met": None, "recovery_time_seconds": 30, "rto_seconds": 60, "rto_met": True,
    }  # fmt: skip
    assert result == {
        "run_id": "run-1",
        "mode": "drill",
        "succeeded": False,
        "error": "",
        "leftovers": [{"arn": "arn:aws:rds:us-east-1:1:db:old", "run_id": "run-0"}],
        "targets": [
            {"name": "orders", "resource_type": "RDS", "recovery_point_arn": "arn:aws:rds:point", "restore_job_id": "job-1",
             "restore_job_status": "COMPLETED", "created_resource_arn": "arn:aws:rds:us-east-1:1:db:orders", "error": "",
             "measures": measures["orders"], "validation": "passed", "teardown": "deleted"},
            {"name": "files", "resource_type": "EFS", "recovery_point_arn": "", "restore_job_id": "",
             "restore_job_status": "FAILED", "created_resource_arn": "", "error": "restore: AccessDenied",
             "measures": {}, "validation": "not run", "teardown": "nothing to delete"},
            {"name": "ledger", "resource_type": "Aurora", "recovery_point_arn": AURORA_POINT, "restore_job_id": "",
             "restore_job_status": "NOT STARTED", "created_resource_arn": "", "error": "",
             "measures": {}, "validation": "not run", "teardown": "nothing to delete"},
            {"name": "source", "resource_type": "EFS", "recovery_point_arn": "", "restore_job_id": "job-3",
             "restore_job_status": "COMPLETED", "created_resource_arn": EFS_ARN, "error": "",
             "measures": {}, "validation": "not run", "teardown": "kept"},
        ],
    }


def test_report_succeeds_only_without_error_and_failures():
    plan = build_plan([rds()], "drill", "r")
    assert restore_report(plan, {"run_id": "r", "mode": "drill"})["succeeded"] is True
    assert restore_report(plan, {"run_id": "r", "mode": "drill", "error": "Start: boom"})["succeeded"] is False
    assert restore_report(plan, {"run_id": "r", "mode": "drill", "failed": {"orders": "x"}})["succeeded"] is False
    empty = restore_report([], {"run_id": "r", "mode": "cleanup", "leftovers": []})
    assert empty == {"run_id": "r", "mode": "cleanup", "succeeded": True, "error": "", "leftovers": [], "targets": []}


def test_outputs_are_plain_json_types():
    class Tagged(dict):
        pass

    targets = [Tagged(rds(vpc_security_group_ids=("sg-1",), metadata=Tagged({"Extra": (1, 2)})))]
    record = restore_plan(targets, "drill", "r")
    [item] = [target["plan"] for target in record["targets"].values()]

    def walk(value):
        assert type(value) in (dict, list, str, int, float, bool, type(None)), type(value)
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(record)
    assert item["metadata"]["Extra"] == [1, 2]


# ---- in a real playbook (the ansible-core next to this Python: 2.19+ data tagging, or 2.17) ----

PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  vars:
    targets: {targets}
    start: {start}
    status: {status}
    ready: {ready}
  tasks:
    - name: Plan the run as the role does
      ansible.builtin.set_fact:
        plan: "{{{{ targets | recovery.aws_backup.restore_plan('drill', 'run-1', {{'started': 1795590000}}) }}}}"
        cleanup_plan: "{{{{ [] | recovery.aws_backup.restore_plan('cleanup', 'run-1') }}}}"
    - name: The start request carries the secret metadata, and stays out of the output
      ansible.builtin.set_fact:
        request: "{{{{ plan | recovery.aws_backup.restore_requests('start', targets) }}}}"
      no_log: true
    - name: Fold the steps' results into the record
      ansible.builtin.set_fact:
        record: "{{{{ plan | recovery.aws_backup.restore_fold({{'start': start, 'status': status, 'ready': ready, 'now': 1795590100}}) }}}}"
    - name: A bad target fails with the message naming it
      block:
        - name: Plan a bad target
          ansible.builtin.set_fact:
            bad: "{{{{ [{{'name': 'orders', 'resource_type': 'RDS', 'in_place': true}}] | recovery.aws_backup.restore_plan('recover', 'r') }}}}"
      rescue:
        - name: Keep the message
          ansible.builtin.set_fact:
            bad_message: "{{{{ ansible_failed_result.msg }}}}"
    - name: Write what the filters gave
      ansible.builtin.copy:
        content: "{{{{ {{'plan': plan, 'cleanup_plan': cleanup_plan, 'secret_keys': request[0].secret_metadata.keys() | list,
          'record': record, 'bad_message': bad_message, 'await': record | recovery.aws_backup.restore_requests('await'),
          'types': [plan.targets.orders.plan.force | type_debug, plan.targets.orders.plan.index | type_debug]}} | to_json }}}}"
        dest: "{out}"
        mode: "0600"
"""


def test_filters_in_a_real_playbook(tmp_path):
    playbook_bin = Path(sys.executable).parent / "ansible-playbook"
    assert playbook_bin.exists(), f"no ansible-playbook beside {sys.executable}: run the tests from the venv make setup builds"
    collections = Path(__file__).resolve().parents[2] / ".collections"
    targets = [copy.deepcopy(SECRET_TARGET)]
    targets[0]["rto_seconds"] = 60
    job = {"creation_date": "2026-11-25T09:00:00+02:00", "recovery_point_creation_date": "2026-11-25T06:00:00Z",
           "restore_job_id": "job-1", "status": "RUNNING"}
    start = {"restore_jobs": [{"name": "orders", "changed": True, "restore_job": job}]}
    status = {"restore_jobs": [{**job, "name": "orders", "status": "COMPLETED", "ended": True,
                                "created_resource_arn": "arn:aws:rds:us-east-1:1:db:orders"}]}
    ready = {"resources": [{"name": "orders", "restore_job_id": "job-1", "status": "marked", "usable_at": 1795590030.5,
                            "facts": {"db_instance_status": "available"}, "validation": "passed"}]}
    out = tmp_path / "out.json"
    playbook = tmp_path / "filters.yml"
    playbook.write_text(PLAYBOOK.format(targets=json.dumps(targets), start=json.dumps(start), status=json.dumps(status),
                                        ready=json.dumps(ready), out=out))
    env = {**os.environ, "ANSIBLE_COLLECTIONS_PATH": str(collections), "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
           "ANSIBLE_PYTHON_INTERPRETER": sys.executable, "ANSIBLE_LOCALHOST_WARNING": "false",
           "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false", "ANSIBLE_NOCOLOR": "1"}
    run = subprocess.run([str(playbook_bin), "-i", "localhost,", "-c", "local", str(playbook)],
                         env=env, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "hunter2" not in run.stdout + run.stderr
    got = json.loads(out.read_text())
    assert got["plan"]["targets"]["orders"]["plan"] == build_plan(targets, "drill", "run-1")[0]
    assert got["cleanup_plan"]["order"] == []
    assert sorted(got["secret_keys"]) == sorted(secret_metadata(targets[0]))
    assert "hunter2" not in json.dumps(got["record"])
    orders = got["record"]["targets"]["orders"]
    assert orders["measures"] == {"recovery_time_seconds": 31, "recovery_point_age_seconds": 3600, "rto_seconds": 60,
                                  "rpo_seconds": None, "rto_met": True, "rpo_met": None}
    assert orders["created_resource_arn"] == "arn:aws:rds:us-east-1:1:db:orders" and orders["validation"] == "passed"
    assert got["record"]["running"] == [] and got["record"]["report"]["succeeded"] is True
    assert got["await"] == {"restore_jobs": [{"name": "orders", "restore_job_id": "job-1"}], "copy_jobs": []}
    assert "restore_targets[0] (name 'orders'): in_place is only supported for EFS" in got["bad_message"]
    assert got["types"] == ["bool", "int"]


def test_cleanup_runs_join_journals_and_marked_resources_and_leave_out_the_asking_run():
    from ansible_collections.recovery.aws_backup.plugins.module_utils.run_record import cleanup_runs

    journals = [
        {"run_id": "r1", "restore_job_ids": ["j1", "j2"], "path": "/s/drill-r1.journal.json",
         "copy_jobs": [{"copy_job_id": "c1", "region": "us-west-2"}]},
        {"run_id": "r3", "restore_job_ids": ["j9"], "path": "/s/drill-r3.journal.json"},
        {"bogus": True},
    ]
    marked = [
        {"run_id": "r1", "restore_job_id": "j2", "arn": "a"},
        {"run_id": "r2", "restore_job_id": "j5", "arn": "b"},
        {"run_id": "r3", "restore_job_id": "j9", "arn": "c"},
    ]
    assert cleanup_runs(journals, marked, exclude_run_id="r3") == [
        {"run_id": "r1", "restore_job_ids": ["j1", "j2"], "copy_jobs": [{"copy_job_id": "c1", "region": "us-west-2"}],
         "journals": ["/s/drill-r1.journal.json"]},
        {"run_id": "r2", "restore_job_ids": ["j5"], "copy_jobs": [], "journals": []},
    ]
    assert cleanup_runs([], []) == []


def test_survey_targets_take_a_list_its_json_or_yaml_text_and_one_simple_target():
    from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import PlanError, survey_targets

    listed = [efs(name="a")]
    assert survey_targets(listed) == listed
    assert survey_targets(json.dumps(listed)) == listed
    assert survey_targets(f"- name: a\n  resource_type: EFS\n  resource_arn: {EFS_ARN}\n  backup_vault_name: {VAULT}\n") == listed
    assert survey_targets("") == [] and survey_targets(None) == []
    single = {"name": "b", "resource_type": "RDS", "resource_arn": "arn:aws:rds:us-east-1:123456789012:db:x",
              "recovery_point_arn": "", "backup_vault_name": "vault-b", "rto_seconds": None}  # fmt: skip
    assert survey_targets("[]", single) == [{"name": "b", "resource_type": "RDS",
                                             "resource_arn": "arn:aws:rds:us-east-1:123456789012:db:x", "backup_vault_name": "vault-b"}]  # fmt: skip
    assert survey_targets(listed, {"name": "", "resource_type": "EFS"}) == listed  # an unanswered single target
    # Each item is checked, named as the survey's variable names it.
    with pytest.raises(PlanError, match=re.escape("dr_targets[0] (name 'a'): unknown key 'performancemode' (did you mean "
                                                  "'performance_mode'?); a target of type EFS takes name, resource_type,")):
        survey_targets([efs(name="a", performancemode="maxIO")])
    for bad in ("{not: [a list", '{"name": "a"}', 42):
        try:
            survey_targets(bad)
        except PlanError as e:
            assert "dr_targets" in str(e)
        else:
            raise AssertionError(f"{bad!r} was accepted")
