"""Restore testing as code through real ansible-playbook runs on the emulator server: a plan and a
selection declared, the same play run twice (nothing changes the second time), bad input refused
before any AWS call, check mode changing nothing, --diff showing the update, a database password in
the overrides never shown (results, diff, -vvv), the _info modules, and removal."""

from __future__ import annotations

from pathlib import Path

PLAYBOOK = Path(__file__).parent / "playbooks" / "restore_testing" / "declare.yml"
PASSWORD = "Sup3r-s3cret-pw"
# Ansible hides the values of no_log options (the session token among them) wherever they appear;
# the fixtures' credentials are "testing", which every option name here contains.
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "AKIDEMULATOR", "AWS_SECRET_ACCESS_KEY": "emulator-secret", "AWS_SESSION_TOKEN": "emulator-session"}
VARIABLES = {
    "iam_role_arn": "arn:aws:iam::123456789012:role/restore-testing",
    "efs_arn": "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0abc1234",
    "rds_arn": "arn:aws:rds:us-east-1:123456789012:db:orders",
    "db_password": PASSWORD,
}


def test_restore_testing_plan_and_selection_as_code(emulator_server, run_playbook):
    backup = emulator_server.client("backup")
    first = run_playbook(PLAYBOOK, {**VARIABLES, "first_run": True, "result_file": "first"}, diff=True, env=CREDENTIALS, verbosity=3)
    assert first.rc == 0, first.stdout[-3000:] + first.stderr
    one = first.load_json("first.json")

    # bad input: failed naming the option, and not one backup call between the two readings
    assert one["bad_plan"]["failed"] and "start_window_hours" in one["bad_plan"]["msg"]
    assert one["bad_selection"]["failed"] and "protected_resource_conditions" in one["bad_selection"]["msg"]
    assert one["calls_after"]["calls"] == one["calls_before"]["calls"]
    # check mode: changed, the plan as it would be, and nothing created
    assert one["plan_check"]["changed"] is True and one["plan_check"]["restore_testing_plan"]["tags"] == {"team": "storage"}
    assert one["plans_after_check"]["restore_testing_plans"] == []
    assert one["plan"]["changed"] is True and one["selection"]["changed"] is True
    plan = backup.get_restore_testing_plan(RestoreTestingPlanName="nightly_check")["RestoreTestingPlan"]
    assert plan["RecoveryPointSelection"]["SelectionWindowDays"] == 7 and plan["StartWindowHours"] == 24
    assert backup.list_tags(ResourceArn=plan["RestoreTestingPlanArn"])["Tags"] == {"team": "storage"}
    stored = backup.get_restore_testing_selection(RestoreTestingPlanName="nightly_check", RestoreTestingSelectionName="rds_orders")
    # AWS receives the overrides as text, the password as given
    assert stored["RestoreTestingSelection"]["RestoreMetadataOverrides"] == {
        "DBSubnetGroupName": "restore-test", "MasterUserPassword": PASSWORD, "Port": "5432"
    }  # fmt: skip

    second = run_playbook(PLAYBOOK, {**VARIABLES, "first_run": False, "result_file": "second"}, diff=True, env=CREDENTIALS, verbosity=3)
    assert second.rc == 0, second.stdout[-3000:] + second.stderr
    two = second.load_json("second.json")
    # the same declaration again changes nothing
    assert two["plan"]["changed"] is False and two["selection"]["changed"] is False
    # the update in check mode says what would change and changes nothing
    assert two["update_check"]["changed"] is True and two["update_check"]["restore_testing_plan"]["start_window_hours"] == 6
    assert two["plan_after_update_check"]["restore_testing_plans"][0]["start_window_hours"] == 24
    assert two["update"]["changed"] is True and two["update"]["restore_testing_plan"]["start_window_hours"] == 6
    assert two["selection_update"]["changed"] is True
    assert two["selection_update"]["restore_testing_selection"]["validation_window_hours"] == 8
    # --diff shows the change of the plan
    assert "-    \"start_window_hours\": 24," in second.stdout and "+    \"start_window_hours\": 6," in second.stdout
    # the _info modules
    [listed_plan] = two["plans_info"]["restore_testing_plans"]
    assert listed_plan["restore_testing_plan_name"] == "nightly_check" and listed_plan["start_window_hours"] == 6
    assert "last_update_time" in listed_plan and listed_plan["tags"] == {"team": "storage"}
    [listed_selection] = two["selections_info"]["restore_testing_selections"]
    assert listed_selection["protected_resource_arns"] == [VARIABLES["rds_arn"]] and listed_selection["validation_window_hours"] == 8
    assert listed_selection["restore_metadata_overrides"]["MasterUserPassword"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    # removal: the plan waits for its selection, then goes; a second removal changes nothing
    assert two["plan_absent_too_soon"]["failed"] and "rds_orders" in two["plan_absent_too_soon"]["msg"]
    assert two["selection_absent"]["changed"] is True and two["plan_absent"]["changed"] is True
    assert two["plan_absent_again"]["changed"] is False
    assert backup.list_restore_testing_plans()["RestoreTestingPlans"] == []

    # the password (old and rotated) is never shown: results, diffs, -vvv output
    for run in (first, second):
        for text in (run.stdout, run.stderr):
            assert PASSWORD not in text
    for saved in ("first.json", "second.json"):
        assert PASSWORD not in (first.output_dir / saved).read_text()
    assert "MasterUserPassword" in second.stdout  # the key is shown, its value masked
