"""Restore testing plans and selections in the emulator: botocore's shapes through boto3, the
documented defaults, limits and errors, CreatorRequestId, tags, and the backend's accessors."""

from __future__ import annotations

from datetime import datetime

import pytest
from botocore.exceptions import ClientError

from tests.emulator import control
from tests.emulator.restore_testing import restore_testing_backend

ROLE = "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole"
ALL = {"Algorithm": "LATEST_WITHIN_WINDOW", "IncludeVaults": ["*"], "RecoveryPointTypes": ["SNAPSHOT"]}


def plan_body(name="nightly", **extra):
    return {"RestoreTestingPlanName": name, "ScheduleExpression": "cron(0 5 ? * * *)", "RecoveryPointSelection": dict(ALL), **extra}


def selection_body(name="efs_all", **extra):
    body = {"RestoreTestingSelectionName": name, "ProtectedResourceType": "EFS", "IamRoleArn": ROLE, "ProtectedResourceArns": ["*"]}
    body.update(extra)
    return body


def code(excinfo) -> str:
    return excinfo.value.response["Error"]["Code"]


@pytest.fixture
def backup(aws):
    return aws.client("backup")


def test_plan_lifecycle_with_defaults_times_and_tags(backup):
    created = backup.create_restore_testing_plan(RestoreTestingPlan=plan_body(), Tags={"team": "dr"})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    arn = created["RestoreTestingPlanArn"]
    assert arn.startswith("arn:aws:backup:us-east-1:123456789012:restore-testing-plan:nightly-")
    plan = backup.get_restore_testing_plan(RestoreTestingPlanName="nightly")["RestoreTestingPlan"]
    # AWS's documented defaults: StartWindowHours 24, SelectionWindowDays 30, ExcludeVaults []
    assert plan["StartWindowHours"] == 24
    assert plan["RecoveryPointSelection"] == {**ALL, "ExcludeVaults": [], "SelectionWindowDays": 30}
    assert plan["CreationTime"] == created["CreationTime"] and "LastUpdateTime" not in plan
    assert backup.list_tags(ResourceArn=arn)["Tags"] == {"team": "dr"}

    updated = backup.update_restore_testing_plan(
        RestoreTestingPlanName="nightly",
        RestoreTestingPlan={"StartWindowHours": 8, "RecoveryPointSelection": {**ALL, "SelectionWindowDays": 7}},
    )
    assert isinstance(updated["UpdateTime"], datetime) and updated["RestoreTestingPlanArn"] == arn
    plan = backup.get_restore_testing_plan(RestoreTestingPlanName="nightly")["RestoreTestingPlan"]
    assert plan["StartWindowHours"] == 8 and plan["RecoveryPointSelection"]["SelectionWindowDays"] == 7
    assert plan["ScheduleExpression"] == "cron(0 5 ? * * *)"  # members left out are kept
    assert plan["LastUpdateTime"] == updated["UpdateTime"]

    listed = backup.list_restore_testing_plans()["RestoreTestingPlans"]
    assert [p["RestoreTestingPlanName"] for p in listed] == ["nightly"]
    assert "RecoveryPointSelection" not in listed[0]  # RestoreTestingPlanForList has none

    backup.delete_restore_testing_plan(RestoreTestingPlanName="nightly")
    with pytest.raises(ClientError) as excinfo:
        backup.get_restore_testing_plan(RestoreTestingPlanName="nightly")
    assert code(excinfo) == "ResourceNotFoundException"
    assert backup.list_tags(ResourceArn=arn)["Tags"] == {}


def test_plan_errors(backup):
    backup.create_restore_testing_plan(RestoreTestingPlan=plan_body())
    with pytest.raises(ClientError) as excinfo:
        backup.create_restore_testing_plan(RestoreTestingPlan=plan_body())
    assert code(excinfo) == "AlreadyExistsException"
    for bad in (
        plan_body(name="has-dash"),
        plan_body(name="x" * 51),
        plan_body(name="p1", StartWindowHours=169),
        plan_body(name="p2", ScheduleExpression="every day"),
        plan_body(name="p3", ScheduleExpressionTimezone="Mars/Olympus"),
        plan_body(name="p4", RecoveryPointSelection={**ALL, "SelectionWindowDays": 366}),
        plan_body(name="p5", RecoveryPointSelection={**ALL, "SelectionWindowDays": 0}),
    ):
        with pytest.raises(ClientError) as excinfo:
            backup.create_restore_testing_plan(RestoreTestingPlan=bad)
        assert code(excinfo) == "InvalidParameterValueException", bad
    with pytest.raises(ClientError) as excinfo:
        backup.create_restore_testing_plan(RestoreTestingPlan=plan_body(name="p6", RecoveryPointSelection={"Algorithm": "LATEST_WITHIN_WINDOW"}))
    assert code(excinfo) == "MissingParameterValueException"
    with pytest.raises(ClientError) as excinfo:
        backup.update_restore_testing_plan(RestoreTestingPlanName="absent", RestoreTestingPlan={"StartWindowHours": 2})
    assert code(excinfo) == "ResourceNotFoundException"
    assert [p["RestoreTestingPlanName"] for p in backup.list_restore_testing_plans()["RestoreTestingPlans"]] == ["nightly"]


def test_creator_request_id_returns_the_plan_it_made(backup):
    first = backup.create_restore_testing_plan(RestoreTestingPlan=plan_body(), CreatorRequestId="req-1")
    again = backup.create_restore_testing_plan(RestoreTestingPlan=plan_body(), CreatorRequestId="req-1")
    assert again["RestoreTestingPlanArn"] == first["RestoreTestingPlanArn"]
    with pytest.raises(ClientError) as excinfo:
        backup.create_restore_testing_plan(RestoreTestingPlan=plan_body(), CreatorRequestId="req-2")
    assert code(excinfo) == "AlreadyExistsException"
    plan = backup.get_restore_testing_plan(RestoreTestingPlanName="nightly")["RestoreTestingPlan"]
    assert plan["CreatorRequestId"] == "req-1"


def test_selection_lifecycle_and_plan_deletion_waits_for_selections(backup):
    arn = backup.create_restore_testing_plan(RestoreTestingPlan=plan_body())["RestoreTestingPlanArn"]
    conditions = {"StringEquals": [{"Key": "backup", "Value": "daily"}]}
    created = backup.create_restore_testing_selection(
        RestoreTestingPlanName="nightly",
        RestoreTestingSelection=selection_body(
            ProtectedResourceConditions=conditions, RestoreMetadataOverrides={"PerformanceMode": "generalPurpose"}, ValidationWindowHours=4
        ),
    )
    assert created["RestoreTestingPlanArn"] == arn and created["RestoreTestingSelectionName"] == "efs_all"
    got = backup.get_restore_testing_selection(RestoreTestingPlanName="nightly", RestoreTestingSelectionName="efs_all")
    selection = got["RestoreTestingSelection"]
    assert selection["ProtectedResourceConditions"] == conditions
    assert selection["RestoreMetadataOverrides"] == {"PerformanceMode": "generalPurpose"}
    assert selection["ValidationWindowHours"] == 4 and selection["RestoreTestingPlanName"] == "nightly"

    updated = backup.update_restore_testing_selection(
        RestoreTestingPlanName="nightly",
        RestoreTestingSelectionName="efs_all",
        RestoreTestingSelection={"ValidationWindowHours": 12, "ProtectedResourceConditions": {"StringNotEquals": [{"Key": "env", "Value": "dev"}]}},
    )
    assert isinstance(updated["UpdateTime"], datetime)
    selection = backup.get_restore_testing_selection(RestoreTestingPlanName="nightly", RestoreTestingSelectionName="efs_all")[
        "RestoreTestingSelection"
    ]
    assert selection["ValidationWindowHours"] == 12
    assert selection["ProtectedResourceConditions"] == {"StringNotEquals": [{"Key": "env", "Value": "dev"}]}
    assert selection["IamRoleArn"] == ROLE  # members left out are kept

    listed = backup.list_restore_testing_selections(RestoreTestingPlanName="nightly")["RestoreTestingSelections"]
    assert [(s["RestoreTestingSelectionName"], s["ValidationWindowHours"]) for s in listed] == [("efs_all", 12)]

    with pytest.raises(ClientError) as excinfo:
        backup.delete_restore_testing_plan(RestoreTestingPlanName="nightly")
    assert code(excinfo) == "InvalidRequestException"
    backup.delete_restore_testing_selection(RestoreTestingPlanName="nightly", RestoreTestingSelectionName="efs_all")
    with pytest.raises(ClientError) as excinfo:
        backup.delete_restore_testing_selection(RestoreTestingPlanName="nightly", RestoreTestingSelectionName="efs_all")
    assert code(excinfo) == "ResourceNotFoundException"
    backup.delete_restore_testing_plan(RestoreTestingPlanName="nightly")


def test_selection_errors(backup):
    with pytest.raises(ClientError) as excinfo:
        backup.create_restore_testing_selection(RestoreTestingPlanName="absent", RestoreTestingSelection=selection_body())
    assert code(excinfo) == "ResourceNotFoundException"
    backup.create_restore_testing_plan(RestoreTestingPlan=plan_body())
    backup.create_restore_testing_selection(
        RestoreTestingPlanName="nightly", RestoreTestingSelection=selection_body(name="two", ProtectedResourceArns=["arn:aws:efs:a", "arn:aws:efs:b"])
    )
    with pytest.raises(ClientError) as excinfo:
        backup.create_restore_testing_selection(RestoreTestingPlanName="nightly", RestoreTestingSelection=selection_body(name="two"))
    assert code(excinfo) == "AlreadyExistsException"
    condition = {"StringEquals": [{"Key": "k", "Value": "v"}]}
    for bad in (
        selection_body(name="bad-name"),
        selection_body(ProtectedResourceType="Redshift"),
        selection_body(IamRoleArn="not-a-role"),
        selection_body(ProtectedResourceArns=[f"arn:aws:efs:us-east-1:123456789012:file-system/fs-{i}" for i in range(31)]),
        selection_body(ProtectedResourceArns=["*", "arn:aws:efs:x"]),
        selection_body(ProtectedResourceArns=["arn:aws:efs:x"], ProtectedResourceConditions=condition),
        selection_body(ProtectedResourceConditions={"StringEquals": [{"Key": "aws:tag", "Value": "v"}]}),
        selection_body(ValidationWindowHours=169),
    ):
        with pytest.raises(ClientError) as excinfo:
            backup.create_restore_testing_selection(RestoreTestingPlanName="nightly", RestoreTestingSelection=bad)
        assert code(excinfo) == "InvalidParameterValueException", bad
    with pytest.raises(ClientError) as excinfo:
        backup.create_restore_testing_selection(
            RestoreTestingPlanName="nightly", RestoreTestingSelection=selection_body(ProtectedResourceArns=[])
        )
    assert code(excinfo) == "MissingParameterValueException"
    # a selection of specific ARNs cannot take conditions by update, nor an update both
    for update in ({"ProtectedResourceConditions": condition}, {"ProtectedResourceArns": ["*"], "ProtectedResourceConditions": condition}):
        with pytest.raises(ClientError) as excinfo:
            backup.update_restore_testing_selection(
                RestoreTestingPlanName="nightly", RestoreTestingSelectionName="two", RestoreTestingSelection=update
            )
        assert code(excinfo) == "InvalidParameterValueException"
    assert [s["RestoreTestingSelectionName"] for s in backup.list_restore_testing_selections(RestoreTestingPlanName="nightly")[
        "RestoreTestingSelections"
    ]] == ["two"]


def test_lists_page(backup):
    for i in range(3):
        backup.create_restore_testing_plan(RestoreTestingPlan=plan_body(name=f"plan_{i}"))
    first = backup.list_restore_testing_plans(MaxResults=2)
    second = backup.list_restore_testing_plans(MaxResults=2, NextToken=first["NextToken"])
    names = [p["RestoreTestingPlanName"] for p in first["RestoreTestingPlans"] + second["RestoreTestingPlans"]]
    assert names == ["plan_0", "plan_1", "plan_2"] and "NextToken" not in second


def test_backend_accessors_give_the_api_shapes_per_account_and_region(aws, backup):
    backup.create_restore_testing_plan(RestoreTestingPlan=plan_body())
    backup.create_restore_testing_selection(RestoreTestingPlanName="nightly", RestoreTestingSelection=selection_body())
    backend = restore_testing_backend("123456789012", "us-east-1")
    assert backend.get_plan("nightly") == backup.get_restore_testing_plan(RestoreTestingPlanName="nightly")["RestoreTestingPlan"]
    assert backend.get_plan("nightly")["CreationTime"].microsecond % 1000 == 0  # AWS's times are in milliseconds
    [selection] = backend.list_selections("nightly")
    assert selection["ProtectedResourceArns"] == ["*"] and selection["ProtectedResourceType"] == "EFS"
    backend.record_execution("nightly")
    assert "LastExecutionTime" in backup.get_restore_testing_plan(RestoreTestingPlanName="nightly")["RestoreTestingPlan"]
    assert aws.client("backup", region_name="us-west-2").list_restore_testing_plans()["RestoreTestingPlans"] == []
    control.reset()
    assert backup.list_restore_testing_plans()["RestoreTestingPlans"] == []
