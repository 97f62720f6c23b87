"""The documentation: committed pages match the code, and ansible-doc renders every module cleanly."""

from __future__ import annotations

import filecmp
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _differences(comparison: filecmp.dircmp) -> list[str]:
    found = [f"only in committed docs: {name}" for name in comparison.left_only]
    found += [f"missing from committed docs: {name}" for name in comparison.right_only]
    found += [f"stale: {name}" for name in comparison.diff_files]
    for sub in comparison.subdirs.values():
        found += _differences(sub)
    return found


def test_committed_docs_are_generated_from_the_current_code(tmp_path):
    fresh = tmp_path / "collection"
    subprocess.run(["bash", str(REPO / "tests" / "tools" / "docs.sh"), str(fresh)], check=True)
    comparison = filecmp.dircmp(REPO / "docs" / "collection", fresh)
    assert _differences(comparison) == [], "docs/collection is stale: run `make docs` and commit it"


def test_ansible_doc_renders_every_module_without_warnings():
    env = {**os.environ, "ANSIBLE_COLLECTIONS_PATH": str(REPO / ".collections"), "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false"}
    for module in sorted(path.stem for path in (REPO / "plugins" / "modules").glob("*.py")):
        result = subprocess.run(
            [str(BIN / "ansible-doc"), f"recovery.aws_backup.{module}"], env=env, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr
        assert result.stderr == "", f"{module}: {result.stderr}"
        assert f"recovery.aws_backup.{module}" in result.stdout and "EXAMPLES" in result.stdout


def test_every_filter_has_its_documentation():
    """ansible-doc and the generated pages read a filter's docs from plugins/filter/<name>.yml;
    without it the page is an error page naming this machine's paths."""
    from ansible_collections.recovery.aws_backup.plugins.filter.restore import FilterModule

    names = sorted(FilterModule().filters())
    # Each public filter is API under semver: few, on purpose; the role's glue is private Python.
    assert names == ["restore_fold", "restore_plan", "restore_requests", "restore_survey_targets"]
    documented = sorted(path.stem for path in (REPO / "plugins" / "filter").glob("*.yml"))
    assert names == documented


def test_the_requirements_fragment_says_what_requirements_txt_and_amazon_aws_require():
    from ansible_collections.amazon.aws.plugins.module_utils import botocore as botocore_utils
    from ansible_collections.recovery.aws_backup.plugins.doc_fragments.requirements import ModuleDocFragment

    import yaml

    documented = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["requirements"]
    documented += yaml.safe_load(ModuleDocFragment.PLOTLY)["requirements"]
    pinned = [line.strip() for line in (REPO / "requirements.txt").read_text().splitlines() if line.strip() and not line.startswith("#")]
    assert documented == ["python >= 3.10", *(p.replace(">=", " >= ") for p in pinned)]
    assert pinned[:2] == [f"boto3>={botocore_utils.MINIMUM_BOTO3_VERSION}", f"botocore>={botocore_utils.MINIMUM_BOTOCORE_VERSION}"]


def test_the_restores_fragment_names_the_one_restore_options_and_points_to_their_text():
    # One text for one restore's options: DOCUMENTATION's. RESTORES gives each under restores[] with
    # the same type, choices, default and version_added, a line and a pointer to that text.
    from ansible_collections.recovery.aws_backup.plugins.doc_fragments.restore import ModuleDocFragment

    import yaml

    one = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]
    restores = dict(yaml.safe_load(ModuleDocFragment.RESTORES)["options"]["restores"]["suboptions"])
    assert restores.pop("name")["required"] is True
    assert list(restores) == list(one)
    for name, option in restores.items():
        assert {k: v for k, v in option.items() if k != "description"} == {k: v for k, v in one[name].items() if k != "description"}
        assert option["description"][-1] == f"See O(recovery.aws_backup.backup_restore_job#module:{name})."
