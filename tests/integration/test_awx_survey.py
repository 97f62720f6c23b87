"""playbooks/dr_drill.yml as an AWX survey drives it: answers are text (a textarea holds the
targets as JSON or YAML) and a single target can come from simple questions. The example survey
in docs/awx/ is checked against the playbook and run against the emulator."""

from __future__ import annotations

import json
import re

import yaml

from tests.conftest import REPO_ROOT
from tests.emulator.seed import seed_demo

PLAYBOOK = REPO_ROOT / "playbooks" / "dr_drill.yml"
SURVEY = REPO_ROOT / "docs" / "awx" / "dr_drill_survey.json"


def survey_answers(spec: dict, **answers: object) -> dict:
    """What AWX passes as extra vars: each question's answer, or its default."""
    return {q["variable"]: answers.get(q["variable"], q.get("default")) for q in spec["spec"]}


def test_every_survey_question_is_a_variable_the_playbook_reads():
    spec = json.loads(SURVEY.read_text())
    read = set(re.findall(r"\b(dr_[a-z_]+)\b", PLAYBOOK.read_text()))
    asked = [q["variable"] for q in spec["spec"]]
    assert asked and set(asked) <= read, set(asked) - read
    assert len(asked) == len(set(asked))


def test_a_drill_from_survey_answers_text_targets_and_a_single_target(emulator_server, run_playbook, tmp_path):
    seeded = seed_demo(emulator_server.endpoint_url)
    spec = json.loads(SURVEY.read_text())
    more = yaml.safe_dump([{"name": "survey-db", "resource_type": "RDS", "backup_vault_name": seeded["backup_vault_name"],
                            "recovery_point_arn": seeded["rds"]["recovery_point_arn"]}])  # fmt: skip
    answers = survey_answers(
        spec,
        dr_iam_role_arn=seeded["iam_role_arn"],
        dr_aws_region="us-east-1",
        dr_target_name="survey-efs",
        dr_target_type="EFS",
        dr_target_resource_arn=seeded["efs"]["resource_arn"],
        dr_target_vault=seeded["backup_vault_name"],
        dr_targets=more,  # YAML text, as a textarea gives it
        dr_report_dir=str(tmp_path / "reports"),
    )
    result = run_playbook(PLAYBOOK, {**answers, "dr_aws_endpoint_url": emulator_server.endpoint_url, "dr_poll_interval": 1})
    assert result.rc == 0, result.stdout[-3000:]
    (report,) = [json.loads(p.read_text()) for p in (tmp_path / "reports").glob("drill-*[0-9a-f].json")]
    assert sorted(t["name"] for t in report["targets"]) == ["survey-db", "survey-efs"]
    assert all(t["teardown"] == "deleted" for t in report["targets"])


def test_targets_text_that_is_no_list_fails_naming_the_variable(emulator_server, run_playbook, tmp_path):
    result = run_playbook(PLAYBOOK, {"dr_targets": "{not: [a list", "dr_report_dir": str(tmp_path / "r"),
                                     "dr_aws_endpoint_url": emulator_server.endpoint_url})  # fmt: skip
    assert result.rc != 0 and "dr_targets" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_awx_older_security_token_variable_reaches_the_modules(emulator_server, run_playbook, tmp_path):
    # Older AWX sets only AWS_SECURITY_TOKEN for a temporary credential; the role passes it on.
    result = run_playbook(PLAYBOOK, {"dr_mode": "cleanup", "dr_report_dir": str(tmp_path / "r"),
                                     "dr_aws_endpoint_url": emulator_server.endpoint_url},
                          env={"AWS_SESSION_TOKEN": "", "AWS_SECURITY_TOKEN": "awx-temporary-token"}, verbosity=3)  # fmt: skip
    assert result.rc == 0, result.stdout[-3000:]
    assert '"session_token": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"' in result.stdout
    assert "awx-temporary-token" not in result.stdout + result.stderr
    plain = run_playbook(PLAYBOOK, {"dr_mode": "cleanup", "dr_report_dir": str(tmp_path / "r"),
                                    "dr_aws_endpoint_url": emulator_server.endpoint_url},
                         env={"AWS_SESSION_TOKEN": "", "AWS_SECURITY_TOKEN": ""}, verbosity=3)  # fmt: skip
    assert plain.rc == 0, plain.stdout[-2000:]
    assert '"session_token": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"' not in plain.stdout  # no token, none invented
