"""What an operator reads from a drill: real ansible-playbook runs of playbooks/dr_drill.yml and
playbooks/regional_dr_drill.yml (and ansible-runner for AWX) against the emulator server. A good
drill prints its plan, progress and report and little else; the run's record prints with one
debug task and holds no secret; a wrong key in one dr_targets item fails short, naming the item,
the key and the keys allowed, before anything starts; the Markdown report shows the Regional
table only for regional targets."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tests.conftest import REPO_ROOT
from tests.emulator import seed
from tests.emulator.control import post as emulator_post
from tests.emulator.seed import seed_demo

DR_DRILL = REPO_ROOT / "playbooks" / "dr_drill.yml"
REGIONAL_DR_DRILL = REPO_ROOT / "playbooks" / "regional_dr_drill.yml"
RECORD = Path(__file__).parent / "playbooks" / "drill_output" / "record.yml"
PASSWORD = "Record-Secret-4b3a2c"
SOURCE, DR = "us-east-1", "us-west-2"
ROLE_ARN = "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole"
# Restores end within the role's first wait round, as most restores of a drill on a quiet day
# end within one progress interval; the progress lines of longer restores are the AWX tests'.
QUICK_RESTORE_SECONDS = 0.5


def three_targets(seeded: dict[str, Any], **metadata: dict[str, Any]) -> list[dict[str, Any]]:
    vault = seeded["backup_vault_name"]
    items = [
        {"name": "o-efs", "resource_type": "EFS", "backup_vault_name": vault, "recovery_point_arn": seeded["efs"]["recovery_point_arn"]},
        {"name": "o-db", "resource_type": "RDS", "backup_vault_name": vault, "recovery_point_arn": seeded["rds"]["recovery_point_arn"]},
        {"name": "o-aurora", "resource_type": "Aurora", "backup_vault_name": vault,
         "recovery_point_arn": seeded["aurora"]["recovery_point_arn"]},
    ]  # fmt: skip
    return [{**item, **({"metadata": metadata[item["name"]]} if item["name"] in metadata else {})} for item in items]


def drill_vars(emulator_server: Any, seeded: dict[str, Any], targets: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "dr_targets": targets,
        "dr_iam_role_arn": seeded["iam_role_arn"],
        "dr_aws_endpoint_url": emulator_server.endpoint_url,
        "dr_aws_region": "us-east-1",
        "dr_report_dir": "{{ output_dir }}",
        "dr_wait_timeout": 300,
    }


def task_output(stdout: str) -> dict[str, list[str]]:
    """Each task banner of the default callback's output, with the lines it printed below it."""
    printed: dict[str, list[str]] = {}
    current = ""
    for line in stdout.splitlines():
        banner = re.match(r"^TASK \[(.*)\] \*+$", line)
        if banner:
            current = banner.group(1)
            printed.setdefault(current, [])
        elif current and line:
            printed[current].append(line)
    return printed


def printed_var(stdout: str, task: str, var: str) -> Any:
    """The value `debug: var=...` printed under the task named `task` (the callback prints JSON)."""
    lines = stdout.splitlines()
    start = lines.index(next(line for line in lines if line.startswith(f"TASK [{task}]")))
    assert lines[start + 1] == "ok: [localhost] => {", lines[start : start + 3]
    end = lines.index("}", start + 1)
    return json.loads("\n".join(["{", *lines[start + 2 : end], "}"]))[var]


def test_a_good_three_target_drill_prints_under_60_lines_ending_with_its_summary(emulator_server, run_playbook):
    seeded = seed_demo(emulator_server.endpoint_url)
    emulator_server.configure(restore_job_seconds=QUICK_RESTORE_SECONDS)
    result = run_playbook(DR_DRILL, drill_vars(emulator_server, seeded, three_targets(seeded)))
    assert result.rc == 0, result.stdout[-3000:]
    lines = result.stdout.splitlines()
    by_task = task_output(result.stdout)
    breakdown = "\n".join(f"{len(printed) + 2:3d} {task}" for task, printed in by_task.items())
    print(f"{len(lines)} lines of stdout; per task:\n{breakdown}")  # shown with pytest -rP
    # Every line counts, blank ones too: it is what the operator scrolls through.
    assert len(lines) < 60, f"{len(lines)} lines; per task (banner, blank line and what it printed):\n{breakdown}"

    # The summary is the last thing before the recap: the outcome first, then a line per target.
    summary_task = "recovery.aws_backup.restore : Summary"
    assert list(by_task)[-1] == summary_task, breakdown
    summary = printed_var(result.stdout, summary_task, "msg")
    assert re.match(r"^Drill \S+: succeeded; report \S+\.md \(and \.json\)$", summary[0]), summary[0]
    assert [line.split(":")[0] for line in summary[1:]] == ["EFS o-efs", "RDS o-db", "Aurora o-aurora"]
    assert lines[-1].startswith("localhost ") or lines[-2].startswith("localhost "), lines[-3:]

    # No per-item skipping noise, no retries, no deprecation lines, anywhere.
    assert not [line for line in lines if line.startswith("skipping:") and "(item=" in line], breakdown
    both = result.stdout + result.stderr
    assert "FAILED - RETRYING" not in both
    assert "[DEPRECATION WARNING]" not in both, result.stderr[-3000:]

    # Not a regional drill: its Markdown report has no Regional table.
    (markdown,) = result.output_dir.glob("drill-*.md")
    text = markdown.read_text()
    assert "| o-efs | EFS |" in text and "Regional" not in text and "source Region" not in text, text


def test_the_record_prints_with_one_debug_task_by_target_name_without_secrets(emulator_server, run_playbook):
    seeded = seed_demo(emulator_server.endpoint_url)
    emulator_server.configure(restore_job_seconds=QUICK_RESTORE_SECONDS)
    targets = three_targets(seeded, **{"o-db": {"MasterUserPassword": PASSWORD}})[:2]
    result = run_playbook(RECORD, {"targets": targets, "iam_role_arn": seeded["iam_role_arn"]})
    assert result.rc == 0, result.stdout[-3000:]
    assert PASSWORD not in result.stdout + result.stderr

    def check(record: Any, how: str) -> str:
        assert isinstance(record, dict), f"after {how} the record is not printable: {record!r}"
        assert record["mode"] == "drill" and record["order"] == ["o-efs", "o-db"]
        assert set(record["targets"]) == {"o-efs", "o-db"}
        for name, target in record["targets"].items():
            for key in ("plan", "job", "measures", "validation", "teardown"):
                assert key in target, (how, name, key, sorted(target))
            assert target["plan"]["name"] == name
            assert target["job"]["status"] == "COMPLETED" and target["job"]["restore_job_id"]
            assert target["measures"]["recovery_time_seconds"] >= 0
            assert target["validation"] == "passed" and target["teardown"] == "deleted"
        assert PASSWORD not in json.dumps(record)
        return record["id"]

    # import_role first: it shows what the record holds even where include_role does not print it.
    imported = check(printed_var(result.stdout, "Print the record after import_role", "restore_run"), "import_role")
    included = check(printed_var(result.stdout, "Print the record after include_role", "restore_run"), "include_role")
    # Every invocation is a run of its own: the second play's record is not the first's.
    assert imported != included


def test_a_wrong_key_in_one_target_fails_short_in_awx_naming_item_key_and_keys_before_anything_starts(emulator_server, playbook_invocation, tmp_path):
    seeded = seed_demo(emulator_server.endpoint_url)
    targets = three_targets(seeded)
    targets[1]["dbinstanceclass"] = "db.t3.small"  # meant: db_instance_class
    emulator_server.reset_calls()
    variables = drill_vars(emulator_server, seeded, targets)
    variables["dr_report_dir"] = str(tmp_path / "reports")
    runner, events = playbook_invocation(DR_DRILL, variables).run_through_ansible_runner(DR_DRILL, tmp_path / "runner")
    stdout = runner.stdout.read()
    assert runner.rc != 0 and runner.status == "failed", stdout[-3000:]

    # Nothing was asked of AWS, nothing started.
    assert emulator_server.calls() == {}
    assert emulator_server.client("backup").list_restore_jobs()["RestoreJobs"] == []

    (failed,) = [e for e in events if e.get("event") == "runner_on_failed"]
    msg = failed["event_data"]["res"]["msg"]
    assert "dr_targets[1] (name 'o-db'): unknown key 'dbinstanceclass' (did you mean 'db_instance_class'?)" in msg, msg
    keys = re.search(r"a target of type RDS takes (.*)$", msg)
    assert keys and "db_instance_class" in keys.group(1).split(", ") and "name" in keys.group(1).split(", "), msg
    assert "instance_count" not in keys.group(1), msg  # the keys of its type, not of every type
    assert len(msg) < 1024, msg
    # AWX stores the whole event: the message, not the role's argument specification (which made
    # such an event 8.9 KB). ansible-core 2.19 prints a template error's message with its origin,
    # so the message may show more than once in the event's stdout.
    size = len(json.dumps(failed))
    assert "argument_spec_data" not in json.dumps(failed) and size < 4096, f"the failed event is {size} bytes: {json.dumps(failed)[:4500]}"


def regional_table_rows(markdown: str) -> list[str] | None:
    """The target names of the Markdown report's Regional table; None without one."""
    lines = markdown.splitlines()
    heading = [i for i, line in enumerate(lines) if line.startswith("Regional")]
    if not heading:
        return None
    rows = []
    for line in lines[heading[0] + 1 :]:
        if rows and not line.startswith("|"):
            break
        if line.startswith("| ") and not line.startswith(("| target |", "|---")):
            rows.append(line.split("|")[1].strip())
    return rows


def test_a_regional_drills_report_has_the_regional_table_with_only_its_regional_targets(emulator_server, run_playbook):
    src = {name: emulator_server.client(name, region_name=SOURCE) for name in ("backup", "efs")}
    dr = {name: emulator_server.client(name, region_name=DR) for name in ("backup", "efs")}
    seed.create_vault(src["backup"], "prod-vault")
    seed.create_vault(dr["backup"], "dr-vault")
    primary_fs = seed.create_efs(src["efs"], name="app-data")
    seed.backup_and_wait(src["backup"], "prod-vault", primary_fs["FileSystemArn"], ROLE_ARN)
    # A file system that lives in the DR Region, backed up there: restoring it is not regional.
    local_fs = seed.create_efs(dr["efs"], name="dr-tools")
    local_point = seed.backup_and_wait(dr["backup"], "dr-vault", local_fs["FileSystemArn"], ROLE_ARN).recovery_point_arn
    emulator_server.configure(restore_job_seconds=QUICK_RESTORE_SECONDS)
    emulator_post(emulator_server.endpoint_url, "config", {"copy_job_seconds": 0.5})
    targets = [
        {"name": "dr-app-data", "resource_type": "EFS", "resource_arn": primary_fs["FileSystemArn"],
         "backup_vault_name": "dr-vault", "copy_from": {"backup_vault_name": "prod-vault"}},
        {"name": "dr-tools-restored", "resource_type": "EFS", "recovery_point_arn": local_point, "backup_vault_name": "dr-vault"},
    ]  # fmt: skip
    result = run_playbook(REGIONAL_DR_DRILL, {
        "dr_region": DR, "dr_source_region": SOURCE, "dr_targets": targets, "dr_iam_role_arn": ROLE_ARN,
        "dr_aws_endpoint_url": emulator_server.endpoint_url, "dr_report_dir": "{{ output_dir }}", "dr_wait_timeout": 300,
    })  # fmt: skip
    assert result.rc == 0, result.stdout[-3000:]
    (markdown,) = result.output_dir.glob("drill-*.md")
    text = markdown.read_text()
    assert regional_table_rows(text) == ["dr-app-data"], text
    row = next(line for line in text.splitlines() if line.startswith("| dr-app-data | us-east-1 | us-west-2 |"))
    assert "deleted" in row, row  # the drill's own copy was deleted with what it restored
