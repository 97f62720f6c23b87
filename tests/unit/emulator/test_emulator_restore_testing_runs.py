"""Runs of restore testing plans in the emulator (restore_testing_runs.py), in-process: plans and
selections made through the API (restore_testing.py), run by the control."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.emulator import control, seed


SELECTION = {"RestoreTestingSelectionName": "databases", "ProtectedResourceType": "RDS", "ProtectedResourceArns": ["*"],
             "ValidationWindowHours": 4, "RestoreMetadataOverrides": {"DBInstanceClass": "db.t3.small"}}  # fmt: skip


@pytest.fixture
def env(aws):
    aws.configure(restore_job_seconds=0)
    backup, rds = aws.client("backup"), aws.client("rds")
    seed.create_vault(backup, "db-vault")
    role = seed.ensure_backup_role(aws.client("iam"))
    plan = backup.create_restore_testing_plan(RestoreTestingPlan={
        "RestoreTestingPlanName": "nightly", "ScheduleExpression": "cron(0 5 ? * * *)",
        "RecoveryPointSelection": {"Algorithm": "LATEST_WITHIN_WINDOW", "IncludeVaults": ["*"], "RecoveryPointTypes": ["SNAPSHOT"],
                                   "SelectionWindowDays": 7}})  # fmt: skip
    backup.create_restore_testing_selection(RestoreTestingPlanName="nightly", RestoreTestingSelection={**SELECTION, "IamRoleArn": role})

    def update_selection(**changes):
        backup.update_restore_testing_selection(RestoreTestingPlanName="nightly", RestoreTestingSelectionName="databases",
                                                RestoreTestingSelection=changes)  # fmt: skip

    def update_plan(**changes):
        backup.update_restore_testing_plan(RestoreTestingPlanName="nightly", RestoreTestingPlan=changes)

    return backup, rds, role, plan["RestoreTestingPlanArn"], update_plan, update_selection


def _run() -> list[str]:
    return control.run_restore_testing_plan("nightly")


def test_a_run_restores_the_latest_point_with_inferred_metadata_and_overrides_and_tags_it(env):
    backup, rds, role, plan_arn, _update_plan, _update_selection = env
    db = seed.create_rds_instance(rds, "prod-db")
    seed.backup_and_wait(backup, "db-vault", db["DBInstanceArn"], role)
    latest = seed.backup_and_wait(backup, "db-vault", db["DBInstanceArn"], role)
    # an on-demand restore is not the plan's
    backup.start_restore_job(RecoveryPointArn=latest.recovery_point_arn, IamRoleArn=role,
                             Metadata={"DBInstanceIdentifier": "by-hand"})  # fmt: skip

    [job_id] = _run()

    job = backup.describe_restore_job(RestoreJobId=job_id)
    assert job["CreatedBy"] == {"RestoreTestingPlanArn": plan_arn}
    assert job["RecoveryPointArn"] == latest.recovery_point_arn
    assert job["Status"] == "COMPLETED" and "ValidationStatus" not in job and "DeletionStatus" not in job
    metadata = backup.get_restore_job_metadata(RestoreJobId=job_id)["Metadata"]
    assert metadata["dbInstanceIdentifier"].startswith("awsbackup-restore-test-")
    assert metadata["DBInstanceClass"] == "db.t3.small"
    identifier = metadata["dbInstanceIdentifier"]
    instance = rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]
    assert instance["DBInstanceClass"] == "db.t3.small"
    tags = {t["Key"]: t["Value"] for t in rds.list_tags_for_resource(ResourceName=instance["DBInstanceArn"])["TagList"]}
    assert tags["awsbackup-restore-test"] == "nightly"
    listed = backup.list_restore_jobs(ByRestoreTestingPlanArn=plan_arn)["RestoreJobs"]
    assert [j["RestoreJobId"] for j in listed] == [job_id]
    assert listed[0]["CreatedBy"] == {"RestoreTestingPlanArn": plan_arn}
    assert len(backup.list_restore_jobs()["RestoreJobs"]) == 2


def test_the_window_arns_and_conditions_choose_the_protected_resources(aws, env):
    backup, rds, role, _vault, update_plan, update_selection = env
    tagged = seed.create_rds_instance(rds, "tagged-db")
    plain = seed.create_rds_instance(rds, "plain-db")
    # "Tags on protected resources are evaluated by checking the tags on the latest recovery point"
    seed.backup_and_wait(backup, "db-vault", tagged["DBInstanceArn"], role, RecoveryPointTags={"tier": "gold"})
    seed.backup_and_wait(backup, "db-vault", plain["DBInstanceArn"], role)
    assert len(_run()) == 2
    update_selection(ProtectedResourceConditions={"StringEquals": [{"Key": "tier", "Value": "gold"}]})
    [job_id] = _run()
    assert backup.describe_restore_job(RestoreJobId=job_id)["SourceResourceArn"] == tagged["DBInstanceArn"]

    backup.delete_restore_testing_selection(RestoreTestingPlanName="nightly", RestoreTestingSelectionName="databases")
    backup.create_restore_testing_selection(RestoreTestingPlanName="nightly", RestoreTestingSelection={
        **SELECTION, "IamRoleArn": role, "ProtectedResourceArns": [plain["DBInstanceArn"]]})
    [job_id] = _run()
    assert backup.describe_restore_job(RestoreJobId=job_id)["SourceResourceArn"] == plain["DBInstanceArn"]
    assert "LastExecutionTime" in backup.get_restore_testing_plan(RestoreTestingPlanName="nightly")["RestoreTestingPlan"]

    selection = {"Algorithm": "LATEST_WITHIN_WINDOW", "RecoveryPointTypes": ["SNAPSHOT"], "SelectionWindowDays": 7}
    update_plan(RecoveryPointSelection={**selection, "IncludeVaults": ["arn:aws:backup:*:*:backup-vault:other-*"]})
    assert _run() == []
    update_plan(RecoveryPointSelection={**selection, "IncludeVaults": ["*"]})
    control.advance_clock(8 * 86400)
    assert _run() == []  # no point within the 7-day selection window


def test_a_validation_result_is_kept_once_and_then_what_was_restored_is_deleted(env):
    backup, rds, role, _vault, _update_plan, _update_selection = env
    db = seed.create_rds_instance(rds, "prod-db")
    point = seed.backup_and_wait(backup, "db-vault", db["DBInstanceArn"], role)
    [job_id] = _run()
    created = backup.describe_restore_job(RestoreJobId=job_id)["CreatedResourceArn"]

    backup.put_restore_validation_result(RestoreJobId=job_id, ValidationStatus="SUCCESSFUL", ValidationStatusMessage="it answered")
    job = backup.describe_restore_job(RestoreJobId=job_id)
    assert (job["ValidationStatus"], job["ValidationStatusMessage"]) == ("SUCCESSFUL", "it answered")
    # Validation complete: restore testing deletes what it restored.
    assert job["DeletionStatus"] == "SUCCESSFUL"
    assert created.split(":")[-1] not in [d["DBInstanceIdentifier"] for d in rds.describe_db_instances()["DBInstances"]]
    with pytest.raises(ClientError) as refused:
        backup.put_restore_validation_result(RestoreJobId=job_id, ValidationStatus="FAILED")
    assert refused.value.response["Error"]["Code"] == "InvalidRequestException"
    assert "cannot be changed" in refused.value.response["Error"]["Message"]
    assert backup.describe_restore_job(RestoreJobId=job_id)["ValidationStatus"] == "SUCCESSFUL"

    by_hand = backup.start_restore_job(RecoveryPointArn=point.recovery_point_arn, IamRoleArn=role,
                                       Metadata={"DBInstanceIdentifier": "by-hand"})["RestoreJobId"]  # fmt: skip
    with pytest.raises(ClientError) as refused:
        backup.put_restore_validation_result(RestoreJobId=by_hand, ValidationStatus="SUCCESSFUL")
    assert refused.value.response["Error"]["Code"] == "InvalidRequestException"
    with pytest.raises(ClientError) as refused:
        backup.put_restore_validation_result(RestoreJobId="NO-SUCH-JOB", ValidationStatus="SUCCESSFUL")
    assert refused.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_the_validation_window_closing_deletes_and_a_removed_tag_fails_the_deletion(env):
    backup, rds, role, _vault, _update_plan, update_selection = env
    db = seed.create_rds_instance(rds, "prod-db")
    seed.backup_and_wait(backup, "db-vault", db["DBInstanceArn"], role)
    [kept] = _run()
    update_selection(ValidationWindowHours=8)
    [untagged] = _run()
    untagged_arn = backup.describe_restore_job(RestoreJobId=untagged)["CreatedResourceArn"]
    rds.remove_tags_from_resource(ResourceName=untagged_arn, TagKeys=["awsbackup-restore-test"])

    control.advance_clock(3 * 3600)
    assert "DeletionStatus" not in backup.describe_restore_job(RestoreJobId=kept)
    control.advance_clock(3600 + 1)
    job = backup.describe_restore_job(RestoreJobId=kept)
    assert job["DeletionStatus"] == "SUCCESSFUL" and "ValidationStatus" not in job
    control.advance_clock(4 * 3600)
    job = backup.describe_restore_job(RestoreJobId=untagged)
    assert job["DeletionStatus"] == "FAILED" and "awsbackup-restore-test" in job["DeletionStatusMessage"]
    assert untagged_arn.split(":")[-1] in [d["DBInstanceIdentifier"] for d in rds.describe_db_instances()["DBInstances"]]


def test_an_efs_restore_test_completes_is_tagged_and_is_deleted_when_its_window_closes(aws):
    aws.configure(restore_job_seconds=0)
    backup, efs = aws.client("backup"), aws.client("efs")
    point = seed.seed_efs_recovery_point(backup, efs, aws.client("iam"))
    backup.create_restore_testing_plan(RestoreTestingPlan={
        "RestoreTestingPlanName": "files", "ScheduleExpression": "cron(0 5 ? * * *)",
        "RecoveryPointSelection": {"Algorithm": "RANDOM_WITHIN_WINDOW", "IncludeVaults": ["*"], "RecoveryPointTypes": ["SNAPSHOT"]}})
    backup.create_restore_testing_selection(RestoreTestingPlanName="files", RestoreTestingSelection={
        "RestoreTestingSelectionName": "shares", "ProtectedResourceType": "EFS", "IamRoleArn": point["iam_role_arn"],
        "ProtectedResourceArns": ["*"], "ValidationWindowHours": 1})  # fmt: skip
    # The inferred metadata has no CreationToken; restore testing's EFS restores succeed all the same.
    [job_id] = control.run_restore_testing_plan("files")
    job = backup.describe_restore_job(RestoreJobId=job_id)
    assert job["Status"] == "COMPLETED", job
    fs_id = job["CreatedResourceArn"].rsplit("/", 1)[-1]
    [fs] = efs.describe_file_systems(FileSystemId=fs_id)["FileSystems"]
    assert {t["Key"]: t["Value"] for t in fs["Tags"]}["awsbackup-restore-test"] == "files"
    control.advance_clock(3600 + 1)
    assert backup.describe_restore_job(RestoreJobId=job_id)["DeletionStatus"] == "SUCCESSFUL"
    assert fs_id not in [f["FileSystemId"] for f in efs.describe_file_systems()["FileSystems"]]
