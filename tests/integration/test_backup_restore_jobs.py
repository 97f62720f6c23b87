"""backup_restore_jobs in real ansible-playbook runs against the emulator server: N restores
started in one task, re-run reusing them, check mode and diff, a bad element failing before any
AWS call, one restore failing on AWS while the others start (seen with `failed_when: false`, as
a role registers it), and secrets hidden at -vvv, also when argument validation fails."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.emulator import seed
from tests.integration.plays import play

PASSWORD = "pw-Hunter2-playbook-metadata"
SECRET = "pw-Hunter2-playbook-secret"

# One task, its result saved for the test. `ignore_errors` keeps the registered result as the
# module gave it (failed included); with `failed_when: false` a play sees every job id whatever
# failed; `failed_when: ... restore_jobs is not defined` (the restore role's) fails the play only
# when nothing was started because an element was wrong.
PLAYBOOK = play("Start restores in one task") + """
    - name: Start the restores
      recovery.aws_backup.backup_restore_jobs:
        iam_role_arn: "{{ iam_role_arn }}"
        restores: "{{ restores }}"
      register: started
      {on_failure}

    - name: Save the result
      ansible.legacy.write_output:
        content: "{{ started | to_json }}"
        dest: "{{ output_dir }}/result.json"
        mode: "0600"
      check_mode: false
      changed_when: false  # the recap counts the restores task alone
"""


@pytest.fixture
def playbooks(tmp_path: Path) -> dict[str, Path]:
    written = {}
    for name, on_failure in (
        ("ignore_errors", "ignore_errors: true"),
        ("failed_when_false", "failed_when: false"),
        ("as_the_role", "failed_when: started.restore_jobs is not defined"),
    ):
        path = tmp_path / f"{name}.yml"
        path.write_text(PLAYBOOK.replace("{on_failure}", on_failure))
        written[name] = path
    return written


@pytest.fixture
def points(emulator_server) -> list[dict]:
    server = emulator_server
    return [seed.seed_efs_recovery_point(server.client("backup"), server.client("efs"), server.client("iam")) for _point in range(3)]


def restores_of(points: list[dict]) -> list[dict]:
    return [
        {
            "name": name,
            "recovery_point_arn": point["recovery_point_arn"],
            "backup_vault_name": point["backup_vault_name"],
            "resource_type": "EFS",
            "metadata": {"file-system-id": point["file_system_id"], "newFileSystem": True, "Encrypted": True},
        }
        for name, point in zip(("app", "home", "logs"), points)
    ]


def run(run_playbook, playbook: Path, points: list[dict], restores: list[dict], **kwargs) -> tuple[dict, str]:
    result = run_playbook(playbook, {"iam_role_arn": points[0]["iam_role_arn"], "restores": restores}, **kwargs)
    output = result.stdout + result.stderr
    assert result.rc == 0, output
    assert "Traceback" not in output
    return result.load_json("result.json"), output


def recap_changed(output: str) -> int:
    match = re.search(r"localhost\s*:.*changed=(\d+)", output)
    assert match, output
    return int(match.group(1))


def restore_job_ids(server) -> set[str]:
    return {job["RestoreJobId"] for job in server.client("backup").list_restore_jobs()["RestoreJobs"]}


def entry_ids(result: dict) -> list[str | None]:
    return [entry["restore_job"].get("restore_job_id") for entry in result["restore_jobs"]]


def test_check_mode_then_first_run_then_rerun(run_playbook, playbooks, emulator_server, points):
    emulator_server.configure(restore_job_seconds=600)
    restores = restores_of(points)

    emulator_server.reset_calls()
    checked, output = run(run_playbook, playbooks["ignore_errors"], points, restores, check=True, diff=True)
    assert checked["changed"] is True and not checked.get("failed")
    assert [entry["restore_job"] for entry in checked["restore_jobs"]] == [{}, {}, {}]
    assert "StartRestoreJob" not in emulator_server.calls()
    assert restore_job_ids(emulator_server) == set()
    for label in ("restores[0] (app)", "restores[1] (home)", "restores[2] (logs)"):  # the diff's headers
        assert f"after: {label}" in output, output
    assert points[2]["recovery_point_arn"] in output
    assert recap_changed(output) == 1

    emulator_server.reset_calls()
    first, output = run(run_playbook, playbooks["ignore_errors"], points, restores)
    assert first["changed"] is True and not first.get("failed"), first
    assert recap_changed(output) == 1
    assert [entry["name"] for entry in first["restore_jobs"]] == ["app", "home", "logs"]
    assert [entry["changed"] for entry in first["restore_jobs"]] == [True, True, True]
    assert set(entry_ids(first)) == restore_job_ids(emulator_server) and len(set(entry_ids(first))) == 3
    for entry, point in zip(first["restore_jobs"], points):
        assert entry["restore_job"]["recovery_point_arn"] == point["recovery_point_arn"]
        assert entry["restore_job"]["status"] in ("PENDING", "RUNNING")
    assert emulator_server.calls()["StartRestoreJob"] == 3

    emulator_server.reset_calls()
    again, output = run(run_playbook, playbooks["ignore_errors"], points, restores)
    assert again["changed"] is False and recap_changed(output) == 0
    assert entry_ids(again) == entry_ids(first)
    assert "StartRestoreJob" not in emulator_server.calls()
    assert len(restore_job_ids(emulator_server)) == 3

    checked_again, _output = run(run_playbook, playbooks["ignore_errors"], points, restores, check=True)
    assert checked_again["changed"] is False and entry_ids(checked_again) == entry_ids(first)


# Each breakage of one element, with what the message must say.
BREAKAGES = [
    (lambda restores: restores[1]["metadata"].pop("file-system-id"), "restores[1] (home): metadata.file-system-id"),
    (lambda restores: restores[2].update(recovery_point_arn="fs-0123"), "restores[2] (logs): recovery_point_arn"),
    (lambda restores: restores[2].update(resource_arn="arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1"),
     "restores[2] (logs): parameters are mutually exclusive: recovery_point_arn|resource_arn"),
    (lambda restores: restores[2].update(name="app"), "restores[2] (app): name 'app' is also the name of restores[0]"),
    (lambda restores: restores[1].update(resource_type="Elastic"), "restores[1] (home): resource_type 'Elastic' is not a resource type"),
]  # fmt: skip

# The task of PLAYBOOK once per broken list of restores (`cases`), in one run; each registered
# result is the module's own (`started` is the item's result in failed_when).
CASES_PLAYBOOK = play("Start restores in one task, once per case") + """
    - name: Start the restores
      recovery.aws_backup.backup_restore_jobs:
        iam_role_arn: "{{ iam_role_arn }}"
        restores: "{{ restores }}"
      loop: "{{ cases }}"
      loop_control:
        loop_var: restores
        index_var: case_index
        label: "case {{ case_index }}"
      register: started
      {on_failure}

    - name: Save the results
      ansible.legacy.write_output:
        content: "{{ started.results | to_json }}"
        dest: "{{ output_dir }}/results.json"
        mode: "0600"
      check_mode: false
"""


def test_one_bad_element_fails_the_task_before_any_aws_call(run_playbook, emulator_server, points, tmp_path):
    """Each breakage in its own list of restores, every list in one playbook run: as registered
    with ignore_errors, then as the restore role registers it (the play fails, naming each)."""
    cases = []
    for breakage, _problem in BREAKAGES:
        restores = restores_of(points)
        breakage(restores)
        cases.append(restores)
    variables = {"iam_role_arn": points[0]["iam_role_arn"], "cases": cases}
    ignore_errors, as_the_role = tmp_path / "cases_ignore_errors.yml", tmp_path / "cases_as_the_role.yml"
    ignore_errors.write_text(CASES_PLAYBOOK.replace("{on_failure}", "ignore_errors: true"))
    as_the_role.write_text(CASES_PLAYBOOK.replace("{on_failure}", "failed_when: started.restore_jobs is not defined"))

    emulator_server.reset_calls()
    run = run_playbook(ignore_errors, variables)
    assert run.rc == 0 and "Traceback" not in run.stdout + run.stderr, run.stdout + run.stderr
    results = run.load_json("results.json")
    assert len(results) == len(BREAKAGES)
    for (_breakage, problem), result in zip(BREAKAGES, results):
        assert result["failed"] is True
        assert problem in result["msg"], result["msg"]
        assert "restore_jobs" not in result
    assert emulator_server.calls() == {}  # no StartRestoreJob, nor any other call
    assert restore_job_ids(emulator_server) == set()

    emulator_server.reset_calls()  # the listing just made
    run = run_playbook(as_the_role, variables)
    assert run.rc != 0
    for _breakage, problem in BREAKAGES:
        assert problem in run.stdout, (problem, run.stdout)
    assert emulator_server.calls() == {}


def test_one_restore_failing_on_aws_leaves_the_others_started(run_playbook, playbooks, emulator_server, points):
    restores = restores_of(points)
    restores[1]["recovery_point_arn"] = points[1]["recovery_point_arn"][:-4] + "0000"  # no such recovery point
    result, output = run(run_playbook, playbooks["failed_when_false"], points, restores)
    assert "restores[1] (home)" in result["msg"] and "is not in backup vault" in result["msg"]
    assert "app" not in result["msg"].split(": ", 1)[1].split("restores[1]")[0]  # only the failed one is named
    entries = result["restore_jobs"]
    assert [entry["name"] for entry in entries] == ["app", "home", "logs"]
    assert [entry["failed"] for entry in entries] == [False, True, False]
    assert [entry["changed"] for entry in entries] == [True, False, True]
    assert "is not in backup vault" in entries[1]["msg"] and entries[1]["restore_job"] == {}
    assert restore_job_ids(emulator_server) == {entry_ids(result)[0], entry_ids(result)[2]}
    assert recap_changed(output) == 1

    as_the_role, _output = run(run_playbook, playbooks["as_the_role"], points, restores)  # not failed: jobs started
    assert entry_ids(as_the_role)[0] == entry_ids(result)[0] and as_the_role["restore_jobs"][1]["failed"] is True

    # With ignore_errors the task is failed, and still holds every entry.
    failed, _output = run(run_playbook, playbooks["ignore_errors"], points, restores)
    assert failed["failed"] is True
    assert [entry["failed"] for entry in failed["restore_jobs"]] == [False, True, False]
    assert entry_ids(failed)[0] == entry_ids(result)[0] and entry_ids(failed)[2] == entry_ids(result)[2]
    assert len(restore_job_ids(emulator_server)) == 2


def with_secrets(points: list[dict]) -> list[dict]:
    restores = restores_of(points)
    restores[0]["metadata"]["MasterUserPassword"] = PASSWORD
    restores[1]["secret_metadata"] = {"AdminLogin": SECRET}
    return restores


@pytest.mark.parametrize(
    "breakage",
    [
        None,  # a run that starts the jobs
        lambda restores: restores[2].update(force="maybe"),  # argument validation fails: a bad type in another element
        lambda restores: restores[2].update(no_such_option=True),
        lambda restores: restores[2]["metadata"].pop("file-system-id"),  # the module's own check fails
    ],
)
def test_secrets_are_never_shown_even_at_vvv(run_playbook, playbooks, emulator_server, points, breakage):
    restores = with_secrets(points)
    if breakage is not None:
        breakage(restores)
    result = run_playbook(
        playbooks["ignore_errors"], {"iam_role_arn": points[0]["iam_role_arn"], "restores": restores}, diff=True, verbosity=3
    )
    output = result.stdout + result.stderr
    assert result.rc == 0, output
    saved = (result.output_dir / "result.json").read_text()
    registered = json.loads(saved)
    assert registered.get("failed", False) is (breakage is not None), registered
    assert "restores" in output  # the invocation is printed at -vvv...
    for secret in (PASSWORD, SECRET):
        assert secret not in output and secret not in saved  # ...masked
    if breakage is None:
        assert len(restore_job_ids(emulator_server)) == 3
        metadata = emulator_server.client("backup").get_restore_job_metadata(RestoreJobId=entry_ids(registered)[1])["Metadata"]
        assert metadata["AdminLogin"] == SECRET  # AWS gets it
    else:
        assert restore_job_ids(emulator_server) == set()
