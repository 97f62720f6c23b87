"""drill_files in real ansible-playbook runs: the restore role's journal and reports are
written on the controller without a module process, atomically, with their modes; rewriting the
same content changes nothing; check mode writes and removes nothing; bad input fails naming
the option."""

from __future__ import annotations

import json
import stat
from pathlib import Path

PLAYBOOK = Path(__file__).parent / "playbooks" / "drill_files" / "run.yml"


def test_write_rewrite_check_mode_and_remove(run_playbook):
    result = run_playbook(PLAYBOOK)
    assert result.rc == 0, result.stdout + result.stderr
    out = result.output_dir
    steps = json.loads((out / "results.json").read_text())
    reports = out / "reports"
    assert steps["first"]["changed"] is True
    assert steps["first"]["written"] == [str(reports / "drill.json"), str(reports / "drill.md")]
    assert steps["again"]["changed"] is False and steps["again"]["written"] == []
    # Check mode says what would change and changes nothing.
    assert steps["checked"]["changed"] is True
    assert steps["checked"]["written"] == [str(reports / "drill.json")]
    assert steps["checked"]["removed"] == [str(reports / "drill.md")]
    assert json.loads((reports / "drill.json").read_text()) == {"run_id": "r-1"}
    assert steps["removed"]["removed"] == [str(reports / "drill.md")]
    assert not (reports / "drill.md").exists()
    assert stat.S_IMODE((reports / "drill.json").stat().st_mode) == 0o640
    assert stat.S_IMODE(reports.stat().st_mode) & 0o007 == 0
    # Nothing half-written is left beside the files.
    assert sorted(p.name for p in reports.iterdir()) == ["drill.json"]


def test_bad_input_fails_naming_the_option(run_playbook, tmp_path):
    playbook = tmp_path / "bad.yml"
    playbook.write_text(
        """
- hosts: localhost
  gather_facts: false
  tasks:
    - recovery.aws_backup.drill_files:
        files:
          - path: "{{ output_dir }}/x.json"
            content: "{}"
            mode: rw-r--r--
      register: bad_mode
      ignore_errors: true
    - recovery.aws_backup.drill_files:
        files:
          - content: "{}"
      register: no_path
      ignore_errors: true
    - ansible.legacy.write_output:
        content: "{{ {'bad_mode': bad_mode, 'no_path': no_path} | to_json }}"
        dest: "{{ output_dir }}/bad.json"
        mode: "0600"
"""
    )
    result = run_playbook(playbook)
    assert result.rc == 0, result.stdout + result.stderr
    bad = json.loads((result.output_dir / "bad.json").read_text())
    assert bad["bad_mode"]["failed"] is True and "mode of" in bad["bad_mode"]["msg"] and "octal" in bad["bad_mode"]["msg"]
    assert bad["no_path"]["failed"] is True and "path" in bad["no_path"]["msg"]
    assert not (result.output_dir / "x.json").exists()
    assert "Traceback" not in result.stdout + result.stderr
