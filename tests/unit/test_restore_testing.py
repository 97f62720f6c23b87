"""The restore testing modules in process against the emulator (`aws`): every documented limit
fails naming the option before any AWS call; what UpdateRestoreTestingSelection cannot change fails
before anything changes; secrets in the overrides are masked in results and diffs."""

from __future__ import annotations

import json
import re

import pytest

from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import InputError
from ansible_collections.recovery.aws_backup.plugins.module_utils.metadata import MASK
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_testing import desired_selection, ensure_plan, ensure_selection
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_testing import selection_update
from ansible_collections.recovery.aws_backup.plugins.modules import restore_testing_plan, restore_testing_plan_info
from ansible_collections.recovery.aws_backup.plugins.modules import restore_testing_selection, restore_testing_selection_info
from tests.unit.module_runner import run_module_main

ROLE = "arn:aws:iam::123456789012:role/restore-testing"
EFS = "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0abc1234"
SELECTION_OF_POINTS = {"algorithm": "LATEST_WITHIN_WINDOW", "include_vaults": ["*"], "recovery_point_types": ["SNAPSHOT"]}
PLAN = {"restore_testing_plan_name": "nightly", "schedule_expression": "cron(0 5 ? * * *)", "recovery_point_selection": SELECTION_OF_POINTS}
SELECTION = {
    "restore_testing_plan_name": "nightly",
    "restore_testing_selection_name": "efs_all",
    "protected_resource_type": "EFS",
    "iam_role_arn": ROLE,
    "protected_resource_arns": ["*"],
}


class NoCalls:
    """A boto3 client stand-in that records any call made on it."""

    def __init__(self):
        self.calls = []

    def __getattr__(self, name):
        self.calls.append(name)
        raise AssertionError(f"AWS call {name} made on bad input")


@pytest.fixture
def credentials(aws, monkeypatch):
    """Credentials other than the fixtures' "testing": Ansible hides the values of no_log options
    (the session token among them) wherever they appear, and every option here contains "testing"."""
    for name, value in (("AWS_ACCESS_KEY_ID", "AKIDEMULATOR"), ("AWS_SECRET_ACCESS_KEY", "emulator-secret"), ("AWS_SESSION_TOKEN", "emulator-session")):
        monkeypatch.setenv(name, value)


@pytest.fixture(autouse=True)
def _aws_where_used(request):
    if "aws" in request.fixturenames:
        request.getfixturevalue("credentials")


def plan(capsys, args, **kwargs):
    return run_module_main(capsys, restore_testing_plan.main, args, **kwargs)


def selection(capsys, args, **kwargs):
    return run_module_main(capsys, restore_testing_selection.main, args, **kwargs)


@pytest.mark.parametrize(
    "args, option",
    [
        ({**PLAN, "restore_testing_plan_name": "nightly-plan"}, "restore_testing_plan_name"),
        ({**PLAN, "restore_testing_plan_name": "n" * 51}, "restore_testing_plan_name"),
        ({**PLAN, "start_window_hours": 169}, "start_window_hours"),
        ({**PLAN, "start_window_hours": 0}, "start_window_hours"),
        ({**PLAN, "schedule_expression": " "}, "schedule_expression"),
        ({**PLAN, "recovery_point_selection": {**SELECTION_OF_POINTS, "selection_window_days": 366}}, "selection_window_days"),
        ({**PLAN, "recovery_point_selection": {**SELECTION_OF_POINTS, "selection_window_days": 0}}, "selection_window_days"),
        ({**PLAN, "recovery_point_selection": {**SELECTION_OF_POINTS, "include_vaults": []}}, "include_vaults"),
        ({**PLAN, "recovery_point_selection": {**SELECTION_OF_POINTS, "recovery_point_types": ["SNAPSHOT", "SNAPSHOT"]}}, "recovery_point_types"),
    ],
)
def test_bad_plan_input_fails_naming_the_option_before_any_aws_call(args, option):
    client = NoCalls()
    with pytest.raises(InputError, match=re.escape(option)):
        ensure_plan(client, {"state": "present", "tags": None, "purge_tags": True, **args}, check_mode=False)
    assert client.calls == []


@pytest.mark.parametrize(
    "args, option",
    [
        ({**SELECTION, "restore_testing_selection_name": "efs-all"}, "restore_testing_selection_name"),
        ({**SELECTION, "restore_testing_plan_name": ""}, "restore_testing_plan_name"),
        ({**SELECTION, "iam_role_arn": "restore-testing"}, "iam_role_arn"),
        ({**SELECTION, "protected_resource_arns": []}, "protected_resource_arns"),
        ({**SELECTION, "protected_resource_arns": ["*", EFS]}, "protected_resource_arns"),
        ({**SELECTION, "protected_resource_arns": [f"{EFS[:-8]}{i:08x}" for i in range(31)]}, "protected_resource_arns"),
        ({**SELECTION, "protected_resource_arns": ["fs-0abc1234"]}, "protected_resource_arns[0]"),
        ({**SELECTION, "protected_resource_arns": ["arn:aws:rds:us-east-1:123456789012:db:orders"]}, "protected_resource_arns[0]"),
        (
            {**SELECTION, "protected_resource_arns": [EFS], "protected_resource_conditions": {"string_equals": [{"key": "a", "value": "b"}]}},
            "protected_resource_conditions",
        ),
        ({**SELECTION, "protected_resource_conditions": {"string_equals": [{"key": "aws:backup", "value": "b"}]}}, "string_equals[0].key"),
        ({**SELECTION, "protected_resource_conditions": {"string_not_equals": [{"key": "k", "value": "v" * 257}]}}, "string_not_equals[0].value"),
        (
            {**SELECTION, "protected_resource_conditions": {"string_equals": [{"key": f"k{i}", "value": "v"} for i in range(31)]}},
            "protected_resource_conditions",
        ),
        ({**SELECTION, "validation_window_hours": 0}, "validation_window_hours"),
        ({**SELECTION, "validation_window_hours": 169}, "validation_window_hours"),
        ({**SELECTION, "restore_metadata_overrides": {"PerformanceMode": None}}, "restore_metadata_overrides.PerformanceMode"),
        ({**SELECTION, "restore_metadata_overrides": {"a": "1", "A": "2"}}, "restore_metadata_overrides"),
    ],
)
def test_bad_selection_input_fails_naming_the_option_before_any_aws_call(args, option):
    client = NoCalls()
    with pytest.raises(InputError, match=re.escape(option)):
        ensure_selection(client, {"state": "present", **args}, check_mode=False)
    assert client.calls == []


@pytest.mark.parametrize(
    "module, args, option",
    [
        (restore_testing_plan, {**PLAN, "start_window_hours": 169}, "start_window_hours"),
        (restore_testing_plan, {**PLAN, "recovery_point_selection": {**SELECTION_OF_POINTS, "algorithm": "NEWEST"}}, "algorithm"),
        (restore_testing_plan, {"restore_testing_plan_name": "nightly", "schedule_expression": "cron(0 5 ? * * *)"}, "recovery_point_selection"),
        (restore_testing_selection, {**SELECTION, "protected_resource_type": "Redshift"}, "protected_resource_type"),
        (restore_testing_selection, {**SELECTION, "validation_window_hours": 0}, "validation_window_hours"),
    ],
)
def test_modules_fail_on_bad_input_naming_the_option_before_any_aws_call(aws, capsys, module, args, option):
    aws.reset_calls()
    result = run_module_main(capsys, module.main, args)
    assert result["failed"] is True and option in result["msg"], result["msg"]
    assert "Traceback" not in json.dumps(result)
    assert aws.calls() == {}


def test_plan_create_update_tags_and_info(aws, capsys):
    checked = plan(capsys, {**PLAN, "tags": {"team": "dr"}}, check_mode=True, diff=True)
    assert checked["changed"] is True and checked["diff"]["before"] == {}
    assert aws.client("backup").list_restore_testing_plans()["RestoreTestingPlans"] == []
    created = plan(capsys, {**PLAN, "tags": {"team": "dr"}})
    assert created["changed"] is True
    made = created["restore_testing_plan"]
    assert made["recovery_point_selection"]["selection_window_days"] == 30 and made["tags"] == {"team": "dr"}
    again = plan(capsys, {**PLAN, "tags": {"team": "dr"}})
    assert again["changed"] is False and again["restore_testing_plan"] == made
    # a vault list in another order is the same selection
    reordered = {**SELECTION_OF_POINTS, "recovery_point_types": ["SNAPSHOT"], "include_vaults": ["*"], "exclude_vaults": []}
    assert plan(capsys, {**PLAN, "recovery_point_selection": reordered})["changed"] is False
    updated = plan(capsys, {**PLAN, "start_window_hours": 6, "tags": {"owner": "ops"}, "purge_tags": False}, diff=True)
    assert updated["changed"] is True
    assert updated["diff"]["before"]["start_window_hours"] == 24 and updated["diff"]["after"]["start_window_hours"] == 6
    assert updated["restore_testing_plan"]["tags"] == {"team": "dr", "owner": "ops"}
    purged = plan(capsys, {**PLAN, "tags": {"owner": "ops"}})
    assert purged["changed"] is True and purged["restore_testing_plan"]["tags"] == {"owner": "ops"}
    info = run_module_main(capsys, restore_testing_plan_info.main, {})
    assert [p["restore_testing_plan_name"] for p in info["restore_testing_plans"]] == ["nightly"]
    assert info["restore_testing_plans"][0]["start_window_hours"] == 6
    assert run_module_main(capsys, restore_testing_plan_info.main, {"restore_testing_plan_name": "other"})["restore_testing_plans"] == []


def test_plan_with_selections_is_not_deleted(aws, capsys):
    plan(capsys, PLAN)
    selection(capsys, SELECTION)
    result = plan(capsys, {"restore_testing_plan_name": "nightly", "state": "absent"})
    assert result["failed"] is True and "efs_all" in result["msg"] and "restore_testing_selection" in result["msg"]
    assert aws.calls().get("DeleteRestoreTestingPlan") is None
    assert selection(capsys, {**SELECTION, "state": "absent"})["changed"] is True
    assert plan(capsys, {"restore_testing_plan_name": "nightly", "state": "absent"}, check_mode=True)["changed"] is True
    assert aws.client("backup").list_restore_testing_plans()["RestoreTestingPlans"] != []
    assert plan(capsys, {"restore_testing_plan_name": "nightly", "state": "absent"})["changed"] is True
    assert plan(capsys, {"restore_testing_plan_name": "nightly", "state": "absent"})["changed"] is False


def test_selection_of_a_missing_plan_fails_saying_so(aws, capsys):
    result = selection(capsys, SELECTION)
    assert result["failed"] is True and "no restore testing plan nightly" in result["msg"]


def test_secret_overrides_are_masked_in_results_diffs_and_info(aws, capsys):
    plan(capsys, PLAN)
    args = {**SELECTION, "protected_resource_type": "RDS", "restore_metadata_overrides": {"MasterUserPassword": "s3cr3t-Pa55", "Port": 5432}}
    created = selection(capsys, args, diff=True)
    assert created["changed"] is True
    assert created["restore_testing_selection"]["restore_metadata_overrides"] == {"MasterUserPassword": MASK, "Port": "5432"}
    stored = aws.client("backup").get_restore_testing_selection(RestoreTestingPlanName="nightly", RestoreTestingSelectionName="efs_all")
    assert stored["RestoreTestingSelection"]["RestoreMetadataOverrides"] == {"MasterUserPassword": "s3cr3t-Pa55", "Port": "5432"}
    assert selection(capsys, args)["changed"] is False  # 5432 and "5432" are the same value to AWS
    changed = selection(capsys, {**args, "restore_metadata_overrides": {"MasterUserPassword": "n3w-Pa55", "Port": 5432}}, diff=True)
    assert changed["changed"] is True
    info = run_module_main(capsys, restore_testing_selection_info.main, {"restore_testing_plan_name": "nightly"})
    assert info["restore_testing_selections"][0]["restore_metadata_overrides"]["MasterUserPassword"] == MASK
    for result in (created, changed, info):
        assert "s3cr3t-Pa55" not in json.dumps(result) and "n3w-Pa55" not in json.dumps(result)


def test_selection_updates_in_place_and_refuses_what_aws_cannot_update(aws, capsys):
    plan(capsys, PLAN)
    conditions = {"string_equals": [{"key": "backup", "value": "daily"}]}
    created = selection(capsys, {**SELECTION, "protected_resource_conditions": conditions, "validation_window_hours": 4})
    assert created["restore_testing_selection"]["protected_resource_conditions"] == {"string_equals": [{"key": "backup", "value": "daily"}]}
    checked = selection(capsys, {**SELECTION, "validation_window_hours": 8}, check_mode=True, diff=True)
    assert checked["changed"] is True and checked["diff"]["after"]["validation_window_hours"] == 8
    assert aws.calls().get("UpdateRestoreTestingSelection") is None
    updated = selection(capsys, {**SELECTION, "validation_window_hours": 8, "protected_resource_conditions": {}})
    assert updated["changed"] is True and updated["restore_testing_selection"]["validation_window_hours"] == 8
    aws.reset_calls()
    for args, option in (
        ({**SELECTION, "protected_resource_type": "S3"}, "protected_resource_type"),
        ({**SELECTION, "protected_resource_arns": [EFS], "protected_resource_conditions": None}, None),
    ):
        result = selection(capsys, {k: v for k, v in args.items() if v is not None})
        if option:
            assert result["failed"] is True and option in result["msg"] and "state=absent" in result["msg"]
        else:  # all EFS resources to one: an in-place update of the ARNs
            assert result["changed"] is True and result["restore_testing_selection"]["protected_resource_arns"] == [EFS]
    result = selection(capsys, {**SELECTION, "protected_resource_arns": ["*"], "protected_resource_conditions": conditions})
    assert result["failed"] is True and "protected_resource_conditions" in result["msg"]
    assert aws.calls().get("UpdateRestoreTestingSelection") == 1


def test_selection_update_rules():
    current = {"ProtectedResourceType": "EFS", "IamRoleArn": ROLE, "ProtectedResourceArns": ["*"], "ProtectedResourceConditions": {
        "StringEquals": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]}}  # fmt: skip
    same = desired_selection({**SELECTION, "protected_resource_conditions": {"string_equals": [{"key": "b", "value": "2"}, {"key": "a", "value": "1"}]}})
    assert selection_update(current, same) == {}
    with pytest.raises(InputError, match="both change"):
        selection_update({**current, "ProtectedResourceConditions": {}}, desired_selection({**SELECTION, "protected_resource_arns": [EFS]}) | {
            "ProtectedResourceConditions": {"StringEquals": [{"Key": "a", "Value": "1"}]}})  # fmt: skip


def test_two_runs_creating_the_same_plan_make_one(aws, capsys):
    """The CreatorRequestId derived from the declaration: a second create of the same plan (a
    concurrent run that also found none) is answered with the first one's plan."""
    from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_testing import create_restore_testing_plan, desired_plan

    backup = aws.client("backup")
    desired = desired_plan({**PLAN, "start_window_hours": None})
    first = create_restore_testing_plan(backup, desired)
    second = create_restore_testing_plan(backup, desired)
    assert second["RestoreTestingPlanArn"] == first["RestoreTestingPlanArn"]
    created = selection(capsys, {**SELECTION, "restore_metadata_overrides": {"MasterUserPassword": "s3cr3t-Pa55"}})
    assert created["changed"] is True and created["restore_testing_selection"]["creator_request_id"].startswith("ansible-")
