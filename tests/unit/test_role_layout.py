"""The role and the plan/run/report code are type-agnostic: what differs per resource type is in
its driver (plugins/module_utils/drivers/). A type's name there would be a branch waiting to grow."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers import RESOURCE_TYPES

REPO = Path(__file__).resolve().parents[2]
# Every type AWS Backup restores (botocore's backup model documents these), not only those with a
# driver today: code written for one of them is what this guards against.
TYPE_NAMES = sorted(set(RESOURCE_TYPES) | {"EFS", "RDS", "Aurora", "DynamoDB", "EBS", "EC2", "S3", "FSx", "DocumentDB", "Neptune",
                                           "efs", "rds", "aurora", "dynamodb", "ebs", "ec2", "fsx", "docdb", "neptune"})
TYPE_NAME = re.compile(r"\b(" + "|".join(map(re.escape, TYPE_NAMES)) + r")\b")
TYPE_AGNOSTIC = [
    *sorted((REPO / "roles" / "restore" / "tasks").glob("*.yml")),
    *sorted((REPO / "roles" / "restore" / "vars").glob("*.yml")),
    *sorted((REPO / "roles" / "restore" / "templates").glob("*")),
    REPO / "plugins" / "module_utils" / "restore_plan.py",
    REPO / "plugins" / "module_utils" / "run_record.py",
    REPO / "plugins" / "module_utils" / "restore_run.py",
    REPO / "plugins" / "module_utils" / "restored_resource.py",
    REPO / "plugins" / "module_utils" / "restore_validation.py",
    REPO / "plugins" / "module_utils" / "validation_record.py",
    REPO / "plugins" / "filter" / "restore.py",
]
# The restore modules' flow: no type is named in its code. Comments and messages may name one, as
# an example for the user ("e.g. file-system-id for EFS") or citing AWS's documentation (a vault
# name such as aws/efs/automatic-backup-vault); a type as a whole string ("EFS") or a name is code.
TYPE_AGNOSTIC_CODE = [
    REPO / "plugins" / "module_utils" / "recovery_point.py",
    REPO / "plugins" / "module_utils" / "restore_module.py",
]


def type_names_in_code(source: str) -> list[tuple[int, str]]:
    """(line, token) for each name or whole string in Python source that is a resource type."""
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.NAME:
            text = token.string
        elif token.type == tokenize.STRING:
            body = token.string.lstrip("rbfuRBFU")
            quote = body[:3] if body[:3] in ('"""', "'''") else body[:1]
            text = body[len(quote):-len(quote)]
        else:
            continue
        if TYPE_NAME.fullmatch(text.strip()):
            found.append((token.start[0], token.line.strip()))
    return found


def test_no_resource_type_is_named_in_the_role_or_the_plan_run_and_report_code():
    found = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()}"
        for path in TYPE_AGNOSTIC
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if TYPE_NAME.search(line)
    ]
    assert found == []


def test_no_resource_type_is_named_in_the_code_of_the_restore_modules_flow():
    found = [f"{path.relative_to(REPO)}:{number}: {line}" for path in TYPE_AGNOSTIC_CODE for number, line in type_names_in_code(path.read_text())]
    assert found == []


def test_the_role_has_no_per_type_task_file():
    names = {path.stem for path in (REPO / "roles" / "restore" / "tasks").glob("*.yml")}
    assert not {name for name in names if TYPE_NAME.search(name.replace("_", " "))}


def test_the_check_itself_finds_a_type_name():
    assert TYPE_NAME.search("when: item.resource_type == 'Aurora'")
    assert not TYPE_NAME.search("resource_type: driver.resource_type")
    assert type_names_in_code('if resource_type == "EFS":\n    pass\n')
    assert type_names_in_code("RULES = {'RDS': rule}\n")
    assert type_names_in_code("rule = efs.rule\n")
    assert not type_names_in_code('# EFS: the keys AWS lists\nraise InputError("give a type such as EFS")\n')


def test_the_roles_argument_spec_declares_every_drivers_target_options_and_types():
    """A type's target fields are its driver's (target_options); the role's argument spec, which
    ansible-doc shows and Ansible checks, must take each with the driver's type and default, and
    resource_type must offer every type with a driver."""
    import yaml

    from ansible_collections.recovery.aws_backup.plugins.module_utils import drivers

    spec = yaml.safe_load((REPO / "roles" / "restore" / "meta" / "argument_specs.yml").read_text())
    options = spec["argument_specs"]["main"]["options"]["restore_targets"]["options"]
    assert options["resource_type"]["choices"] == list(drivers.RESOURCE_TYPES)
    for name, (types, default) in drivers.target_fields().items():
        assert name in options, f"{name} ({', '.join(types)}) is not in the role's argument spec"
        declared = options[name]
        option = drivers.DRIVERS[types[0]].target_options[name]
        assert declared["type"] == option.type, name
        if default is drivers.base.NO_DEFAULT:  # an empty default is "not given" to the plan (base.given)
            assert not drivers.base.given(declared.get("default")), name
        else:
            assert declared.get("default") == default, name


def test_the_roles_filters_load_without_boto3():
    """Ansible loads a filter plugin afresh in every task's worker process: importing boto3 there
    would cost every task of the role about a tenth of a second."""
    import os
    import subprocess
    import sys

    heavy = ("boto3", "botocore.config", "ansible_collections.amazon.aws.plugins.module_utils.botocore")
    code = f"import sys; import ansible_collections.recovery.aws_backup.plugins.filter.restore; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO,  # noqa: S603
                            env={"PYTHONPATH": os.pathsep.join(sys.path), "PATH": "/usr/bin:/bin"}).stdout.strip()  # fmt: skip
    assert loaded == "[]"
