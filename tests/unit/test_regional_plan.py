"""The regional parts of the role's data shaping: copy_from and the DR-side overrides checked and
planned, the copy requests and what the copies came to, the restores from the copies, the report's
source/DR Regions and copy age."""

from __future__ import annotations

import pytest

from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import PlanError
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import build_plan
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import survey_targets
from ansible_collections.recovery.aws_backup.plugins.module_utils.run_record import fold
from ansible_collections.recovery.aws_backup.plugins.module_utils.run_record import new_run
from ansible_collections.recovery.aws_backup.plugins.module_utils.run_record import report
from ansible_collections.recovery.aws_backup.plugins.module_utils.run_record import requests

FS = "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0123456789abcdef0"
DB = "arn:aws:rds:us-east-1:123456789012:db:orders"
DR_VAULT = "arn:aws:backup:us-west-2:123456789012:backup-vault:dr-vault"
COPY_POINT = "arn:aws:backup:us-west-2:123456789012:recovery-point:C6164D9A-7F05-492D-B970-BB1FB08AAA03"
SOURCE_POINT = "arn:aws:backup:us-east-1:123456789012:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45"


def efs(**fields):
    return {"name": "files", "resource_type": "EFS", "resource_arn": FS, "backup_vault_name": "dr-vault",
            "copy_from": {"region": "us-east-1", "backup_vault_name": "prod-vault"}, **fields}  # fmt: skip


def rds(**fields):
    return {"name": "orders", "resource_type": "RDS", "resource_arn": DB, "backup_vault_name": "dr-vault", **fields}


def problems(targets):
    with pytest.raises(PlanError) as error:
        build_plan(targets, "drill", "run-1")
    return error.value.problems


def test_copy_from_problems_name_the_target_and_field():
    found = problems([
        efs(copy_from={"region": "nowhere", "vault": "x"}),
        efs(name="other", copy_from={"region": "us-east-1", "backup_vault_name": "prod-vault", "recovery_point_arn": "point"}),
        efs(name="third", backup_vault_name=None, latest_before="-1h"),
        efs(name="fourth", copy_from="us-east-1"),
    ])  # fmt: skip
    assert "restore_targets[0] (name 'files'): copy_from has unknown keys vault (known: region, backup_vault_name, recovery_point_arn)" in found
    assert "restore_targets[0] (name 'files'): copy_from.region must be an AWS Region such as us-east-1, got 'nowhere'" in found
    assert any(p.startswith("restore_targets[0] (name 'files'): copy_from.backup_vault_name (the source vault) is required") for p in found)
    assert "restore_targets[1] (name 'other'): copy_from.recovery_point_arn must be an ARN (arn:...), got 'point'" in found
    assert any(p.startswith("restore_targets[2] (name 'third'): backup_vault_name (the vault in the role's Region") for p in found)
    assert any(p.startswith("restore_targets[2] (name 'third'): latest_before is not supported with copy_from") for p in found)
    assert any(p.startswith("restore_targets[3] (name 'fourth'): copy_from must be a dictionary") for p in found)


def test_copy_from_point_instead_of_a_resource_and_not_with_recovery_point_arn():
    target = efs(resource_arn=None, copy_from={"region": "us-east-1", "backup_vault_name": "prod-vault", "recovery_point_arn": SOURCE_POINT})
    assert build_plan([target], "drill", "r")[0]["copy_from"]["recovery_point_arn"] == SOURCE_POINT
    found = problems([{**target, "recovery_point_arn": COPY_POINT}])
    assert any("give copy_from.recovery_point_arn (the point to copy), not recovery_point_arn" in p for p in found)


def test_dr_side_overrides_reach_the_metadata():
    orders, ledger = build_plan([
        rds(availability_zone="us-west-2b", db_subnet_group_name="dr-subnets", vpc_security_group_ids=["sg-dr"]),
        {"name": "ledger", "resource_type": "Aurora", "resource_arn": DB, "backup_vault_name": "dr-vault",
         "availability_zone": "us-west-2a", "kms_key_id": "arn:aws:kms:us-west-2:123456789012:key/dr"},
    ], "drill", "r")  # fmt: skip
    assert orders["metadata"]["AvailabilityZone"] == "us-west-2b"
    assert orders["metadata"]["DBSubnetGroupName"] == "dr-subnets" and orders["metadata"]["VpcSecurityGroupIds"] == ["sg-dr"]
    assert ledger["metadata"]["AvailabilityZones"] == ["us-west-2a"]
    assert ledger["metadata"]["KmsKeyId"] == "arn:aws:kms:us-west-2:123456789012:key/dr"
    assert any(p.startswith("restore_targets[0] (name 'orders'): kms_key_id is only supported for EFS, Aurora") for p in problems([rds(kms_key_id="k")]))
    assert any("availability_zone cannot be given with multi_az true" in p for p in problems([rds(availability_zone="a", multi_az=True)]))
    found = problems([efs(availability_zone="a")])
    assert any(p.startswith("restore_targets[0] (name 'files'): availability_zone is only supported for RDS, Aurora") for p in found)


def test_survey_targets_fill_in_the_source_region():
    targets = survey_targets([efs(copy_from={"backup_vault_name": "prod-vault"}), rds()], None, "eu-west-1")
    assert targets[0]["copy_from"] == {"backup_vault_name": "prod-vault", "region": "eu-west-1"} and targets[1] == rds()


def copies_started(*copy_jobs):
    return {"copy_jobs": list(copy_jobs)}


def test_copy_requests_then_restores_from_the_copies_only():
    targets = [efs(), efs(name="gone"), rds(), efs(name="named", resource_arn=None, copy_from={
        "region": "us-east-1", "backup_vault_name": "prod-vault", "recovery_point_arn": SOURCE_POINT})]
    run = new_run(targets, "drill", "r", {"started": 1795600000.0})
    assert requests(run, "copies") == [
        {"name": "files", "region": "us-east-1", "source_backup_vault_name": "prod-vault", "destination_backup_vault_name": "dr-vault",
         "resource_arn": FS},
        {"name": "gone", "region": "us-east-1", "source_backup_vault_name": "prod-vault", "destination_backup_vault_name": "dr-vault",
         "resource_arn": FS},
        {"name": "named", "region": "us-east-1", "source_backup_vault_name": "prod-vault", "destination_backup_vault_name": "dr-vault",
         "recovery_point_arn": SOURCE_POINT},
    ]  # fmt: skip
    copy = {"copy_job_id": "C1", "state": "RUNNING", "creation_date": "2026-11-25T10:00:05Z", "source_recovery_point_arn": SOURCE_POINT}
    started = copies_started(
        {"name": "files", "changed": True, "owned": True, "region": "us-east-1", "copy_job": copy},
        {"name": "gone", "failed": True, "msg": "no completed recovery point of " + FS},
        {"name": "named", "changed": False, "owned": False, "region": "us-east-1", "copy_job": {**copy, "copy_job_id": "C0"}},
    )  # fmt: skip
    copying = fold(run, {"copies": started, "now": 1795600010.0})
    assert copying["running"] == ["files", "named"]
    assert copying["failed"] == {"gone": "copy: no completed recovery point of " + FS}
    assert copying["journal_content"]["copy_jobs"] == [{"copy_job_id": "C1", "region": "us-east-1"}]  # only this run's own
    assert copying["progress"][0].startswith("EFS files: copy job C1 RUNNING from us-east-1")
    assert requests(copying, "await")["copy_jobs"] == [{"name": "files", "copy_job_id": "C1", "region": "us-east-1"},
                                                       {"name": "named", "copy_job_id": "C0", "region": "us-east-1"}]
    status = {"copy_jobs": [
        {**copy, "name": "files", "state": "COMPLETED", "completion_date": "2026-11-25T10:00:07Z", "destination_recovery_point_arn": COPY_POINT},
        {**copy, "copy_job_id": "C0", "name": "named", "state": "COMPLETED", "destination_recovery_point_arn": COPY_POINT},
    ]}  # fmt: skip
    copied = fold(run, {"copies": started, "status": status})
    assert copied["running"] == [] and copied["targets"]["files"]["copy"]["copy_duration_seconds"] == 2
    start = requests(copied, "start", targets)
    assert [r["name"] for r in start] == ["files", "orders", "named"]  # no copy, no restore
    assert start[0]["recovery_point_arn"] == COPY_POINT and "resource_arn" not in start[0]
    assert start[1]["resource_arn"] == DB
    assert requests(copied, "teardown")["copies"] == [{"name": "files", "copy_job_id": "C1", "region": "us-east-1"}]


def test_a_failed_copy_fails_its_target_and_starts_nothing_for_it():
    run = new_run([efs()], "drill", "r")
    started = copies_started({"name": "files", "changed": True, "owned": True, "region": "us-east-1",
                              "copy_job": {"copy_job_id": "C2", "state": "CREATED", "creation_date": "2026-11-25T10:00:05Z"}})
    status = {"copy_jobs": [{"name": "files", "copy_job_id": "C2", "state": "FAILED", "status_message": "denied"}]}
    record = fold(run, {"copies": started, "status": status})
    assert record["failed"] == {"files": "copy: copy job C2 ended FAILED: denied"}
    assert record["targets"]["files"]["copy"]["destination_recovery_point_arn"] == ""
    assert requests(record, "start", [efs()]) == []
    # Still the run's to delete: its own copy job made it.
    assert requests(record, "teardown")["copies"] == [{"name": "files", "copy_job_id": "C2", "region": "us-east-1"}]


def test_report_says_where_the_data_came_from_and_how_old_it_was():
    plan = build_plan([efs(rpo_seconds=60), rds(rto_seconds=600)], "drill", "r")
    run = {
        "dr_region": "us-west-2",
        "copies": {"files": {"copy_job_id": "C1", "source_region": "us-east-1", "source_recovery_point_arn": SOURCE_POINT,
                             "copy_duration_seconds": 2.0, "owned": True}},
        "copy_teardown": {"files": "deleted"},
        "sources": {"orders": {"recovery_point_arn": COPY_POINT, "source_backup_vault_arn": "arn:aws:backup:eu-west-1:123456789012:backup-vault:prod"}},
        "measures": {"files": {"recovery_point_age_seconds": 90, "rpo_met": False}, "orders": {"recovery_time_seconds": 30, "rto_met": True}},
    }  # fmt: skip
    files, orders = report(plan, run)["targets"]
    assert files["regional"] is True and orders["regional"] is True
    assert files["source_region"] == "us-east-1" and files["dr_region"] == "us-west-2"
    assert files["copy_age_seconds"] == 90 and files["rpo_seconds"] == 60 and files["rpo_met"] is False
    assert files["copy_duration_seconds"] == 2.0 and files["copy_teardown"] == "deleted" and files["source_recovery_point_arn"] == SOURCE_POINT
    assert orders["source_region"] == "eu-west-1" and orders["rto_met"] is True and "copy_job_id" not in orders


def test_report_source_region_of_a_copy_found_by_its_resource_alone():
    # ListRecoveryPointsByResource in the DR Region does not say SourceBackupVaultArn: the copy's
    # source Region is its resource's.
    plan = build_plan([rds(backup_vault_name=None)], "drill", "r")
    run = {"dr_region": "us-west-2", "sources": {"orders": {"recovery_point_arn": COPY_POINT, "resource_arn": DB}}}
    [orders] = report(plan, run)["targets"]
    assert orders["source_region"] == "us-east-1" and orders["dr_region"] == "us-west-2"
