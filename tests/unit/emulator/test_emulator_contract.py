"""The emulator keeps AWS Backup's contract, as botocore's service model states it.

Everything here is derived from the model, so a newer botocore or a newly emulated
operation is covered without new expectations:

- every response of every emulated operation, over EFS, RDS and Aurora flows and every
  restore job status, fits the operation's output shape (no unknown members, the right
  types, enum values);
- every malformed request (a member of the wrong type, out of its range, off its pattern or
  enum, a required member missing) answers HTTP 400 with an error code the operation
  declares, never a 5xx.
"""

from __future__ import annotations

import http.client
import json
import re
import urllib.parse
from datetime import datetime, timezone
from typing import Any, Iterator

import botocore.session
import pytest
from botocore.model import OperationModel, Shape
from botocore.serialize import create_serializer
from moto.backup.responses import BackupResponse
from moto.core.utils import camelcase_to_underscores

from tests.emulator import control, seed

MODEL = botocore.session.get_session().get_service_model("backup")
ROLE = "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole"
VALIDATION_CODES = {
    "InvalidParameterValueException", "MissingParameterValueException", "ValidationException", "InvalidRequestException",
}  # fmt: skip


def emulated_operations() -> list[str]:
    """The backup operations the emulator answers: those with a handler on moto's BackupResponse
    (moto's own and the emulator's)."""
    return sorted(op for op in MODEL.operation_names if hasattr(BackupResponse, camelcase_to_underscores(op)))


# ---- responses fit the output shapes ------------------------------------------------------


def shape_problems(shape: Shape, value: Any, path: str) -> Iterator[str]:
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            yield f"{path}: {value!r} is not a structure"
            return
        for name, item in value.items():
            if name not in shape.members:
                yield f"{path}.{name}: not a member of {shape.name}"
            elif item is not None:
                yield from shape_problems(shape.members[name], item, f"{path}.{name}")
    elif kind == "list":
        if not isinstance(value, list):
            yield f"{path}: {value!r} is not a list"
            return
        for index, item in enumerate(value):
            yield from shape_problems(shape.member, item, f"{path}[{index}]")
    elif kind == "map":
        if not isinstance(value, dict):
            yield f"{path}: {value!r} is not a map"
            return
        for key, item in value.items():
            yield from shape_problems(shape.key, key, f"{path} key")
            yield from shape_problems(shape.value, item, f"{path}[{key}]")
    elif kind == "string":
        if not isinstance(value, str):
            yield f"{path}: {value!r} is not a string"
        elif shape.enum and value not in shape.enum:
            yield f"{path}: {value!r} is not one of {shape.enum}"
    elif kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            yield f"{path}: {value!r} is not an integer"
    elif kind in ("float", "double"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            yield f"{path}: {value!r} is not a number"
    elif kind == "boolean":
        if not isinstance(value, bool):
            yield f"{path}: {value!r} is not a boolean"
    elif kind == "timestamp":
        # rest-json bodies carry timestamps as epoch seconds
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            yield f"{path}: {value!r} is not an epoch timestamp"


class Recorder:
    """Keeps every raw backup response body, keyed by operation, as botocore received it."""

    def __init__(self) -> None:
        self.bodies: dict[str, list[Any]] = {}
        self.restore_statuses: set[str] = set()
        self.copy_states: set[str] = set()

    def __call__(self, operation_model: OperationModel, response_dict: dict[str, Any], **_: Any) -> None:
        if response_dict["status_code"] >= 300:
            return
        body = response_dict["body"]
        document = json.loads(body) if body else {}
        self.bodies.setdefault(operation_model.name, []).append(document)
        if operation_model.name == "DescribeRestoreJob":
            self.restore_statuses.add(document["Status"])
        if operation_model.name == "DescribeCopyJob":
            self.copy_states.add(document["CopyJob"]["State"])


def run_flows(aws: Any, backup: Any) -> None:
    """Every emulated operation, over EFS, RDS and Aurora, restore and copy jobs in every status."""
    efs, rds = aws.client("efs"), aws.client("rds")
    vault_arn = seed.create_vault(backup, "contract-vault")
    backup.describe_backup_vault(BackupVaultName="contract-vault")
    backup.list_backup_vaults()
    backup.tag_resource(ResourceArn=vault_arn, Tags={"team": "storage"})
    backup.list_tags(ResourceArn=vault_arn)
    backup.untag_resource(ResourceArn=vault_arn, TagKeyList=["team"])
    backup.put_backup_vault_lock_configuration(BackupVaultName="contract-vault", MinRetentionDays=1)
    backup.delete_backup_vault_lock_configuration(BackupVaultName="contract-vault")
    plan = backup.create_backup_plan(
        BackupPlan={"BackupPlanName": "daily", "Rules": [{"RuleName": "r", "TargetBackupVaultName": "contract-vault"}]}
    )
    backup.get_backup_plan(BackupPlanId=plan["BackupPlanId"])
    backup.list_backup_plans()
    backup.delete_backup_plan(BackupPlanId=plan["BackupPlanId"])
    backup.create_report_plan(
        ReportPlanName="weekly",
        ReportDeliveryChannel={"S3BucketName": "reports"},
        ReportSetting={"ReportTemplate": "BACKUP_JOB_REPORT"},
    )
    backup.describe_report_plan(ReportPlanName="weekly")
    backup.list_report_plans()
    backup.delete_report_plan(ReportPlanName="weekly")

    dr_vault_arn = seed.create_vault(aws.client("backup", region_name="us-west-2"), "contract-dr-vault")
    fs = seed.create_efs(efs, name="contract-fs")
    db = seed.create_rds_instance(rds, "contract-db")
    cluster = seed.create_aurora_cluster(rds, "contract-aurora")
    restores = {
        fs["FileSystemArn"]: {"newFileSystem": "true", "CreationToken": "contract-{n}"},
        db["DBInstanceArn"]: {"DBInstanceIdentifier": "contract-db-{n}"},
        cluster["DBClusterArn"]: {"DBClusterIdentifier": "contract-aurora-{n}"},
    }
    for resource_arn, restore_metadata in restores.items():
        job = backup.start_backup_job(BackupVaultName="contract-vault", ResourceArn=resource_arn, IamRoleArn=ROLE)
        backup.describe_backup_job(BackupJobId=job["BackupJobId"])
        point_arn = job["RecoveryPointArn"]
        backup.describe_recovery_point(BackupVaultName="contract-vault", RecoveryPointArn=point_arn)
        backup.list_recovery_points_by_resource(ResourceArn=resource_arn)
        backup.list_protected_resources_by_backup_vault(BackupVaultName="contract-vault")
        metadata = backup.get_recovery_point_restore_metadata(
            BackupVaultName="contract-vault", RecoveryPointArn=point_arn
        )["RestoreMetadata"]
        backup.get_restore_testing_inferred_metadata(BackupVaultName="contract-vault", RecoveryPointArn=point_arn)
        # one restore that succeeds (PENDING, RUNNING, COMPLETED), one that fails
        aws.configure(restore_job_seconds=100)
        for n, fail in enumerate((False, True)):
            if fail:
                aws.fail_restore_jobs(1, "Insufficient capacity")
            wanted = {key: value.format(n=n) for key, value in restore_metadata.items()}
            job_id = backup.start_restore_job(RecoveryPointArn=point_arn, Metadata={**metadata, **wanted})[
                "RestoreJobId"
            ]
            for _step in range(3):
                backup.describe_restore_job(RestoreJobId=job_id)
                backup.list_restore_jobs()
                backup.list_restore_jobs_by_protected_resource(ResourceArn=resource_arn)
                control.advance_clock(50)
            backup.get_restore_job_metadata(RestoreJobId=job_id)
        # one copy into another Region that completes (CREATED, RUNNING, COMPLETED), one that fails
        control.configure(copy_job_seconds=100)
        for fail in (False, True):
            if fail:
                control.fail_copy_jobs(1, "Access denied")
            copy_id = backup.start_copy_job(
                RecoveryPointArn=point_arn,
                SourceBackupVaultName="contract-vault",
                DestinationBackupVaultArn=dr_vault_arn,
                IamRoleArn=ROLE,
                Lifecycle={"DeleteAfterDays": 35},
            )["CopyJobId"]
            for _step in range(3):
                backup.describe_copy_job(CopyJobId=copy_id)
                backup.list_copy_jobs(ByResourceArn=resource_arn)
                control.advance_clock(50)
    backup.list_backup_jobs()
    points = backup.list_recovery_points_by_backup_vault(BackupVaultName="contract-vault")["RecoveryPoints"]
    backup.delete_recovery_point(BackupVaultName="contract-vault", RecoveryPointArn=points[0]["RecoveryPointArn"])
    seed.create_vault(backup, "contract-empty")
    backup.delete_backup_vault(BackupVaultName="contract-empty")
    run_restore_testing_flow(backup)
    run_restore_test_validation_flow(aws, backup)


def run_restore_test_validation_flow(aws: Any, backup: Any) -> None:
    """A restore testing plan's run, its jobs listed by plan, described with CreatedBy, and validated
    (ValidationStatus, then DeletionStatus)."""
    aws.configure(restore_job_seconds=0)
    db = seed.create_rds_instance(aws.client("rds"), "contract-tested-db")
    seed.backup_and_wait(backup, "contract-vault", db["DBInstanceArn"], ROLE)
    plan_arn = backup.create_restore_testing_plan(RestoreTestingPlan={
        "RestoreTestingPlanName": "contract_runs", "ScheduleExpression": "cron(0 5 ? * * *)",
        "RecoveryPointSelection": {"Algorithm": "LATEST_WITHIN_WINDOW", "IncludeVaults": ["*"], "RecoveryPointTypes": ["SNAPSHOT"]}},
    )["RestoreTestingPlanArn"]  # fmt: skip
    backup.create_restore_testing_selection(RestoreTestingPlanName="contract_runs", RestoreTestingSelection={
        "RestoreTestingSelectionName": "contract_dbs", "ProtectedResourceType": "RDS", "IamRoleArn": ROLE,
        "ProtectedResourceArns": [db["DBInstanceArn"]], "ValidationWindowHours": 2})  # fmt: skip
    [job_id] = control.run_restore_testing_plan("contract_runs")
    backup.describe_restore_job(RestoreJobId=job_id)
    backup.list_restore_jobs(ByRestoreTestingPlanArn=plan_arn)
    backup.put_restore_validation_result(RestoreJobId=job_id, ValidationStatus="SUCCESSFUL", ValidationStatusMessage="contract")
    backup.describe_restore_job(RestoreJobId=job_id)
    backup.list_restore_jobs(ByRestoreTestingPlanArn=plan_arn)


def run_restore_testing_flow(backup: Any) -> None:
    """A restore testing plan and selection through every operation, every optional member set."""
    selection = {"Algorithm": "RANDOM_WITHIN_WINDOW", "IncludeVaults": ["*"], "ExcludeVaults": ["arn:aws:backup:us-east-1:123456789012:backup-vault:x"],
                 "RecoveryPointTypes": ["SNAPSHOT", "CONTINUOUS"], "SelectionWindowDays": 7}  # fmt: skip
    backup.create_restore_testing_plan(
        RestoreTestingPlan={"RestoreTestingPlanName": "contract_plan", "ScheduleExpression": "cron(0 5 ? * * *)",
                            "ScheduleExpressionTimezone": "Europe/Paris", "StartWindowHours": 4, "RecoveryPointSelection": selection},
        CreatorRequestId="contract-1", Tags={"team": "dr"},
    )  # fmt: skip
    backup.update_restore_testing_plan(RestoreTestingPlanName="contract_plan", RestoreTestingPlan={"StartWindowHours": 5})
    backup.create_restore_testing_selection(
        RestoreTestingPlanName="contract_plan", CreatorRequestId="contract-2",
        RestoreTestingSelection={"RestoreTestingSelectionName": "contract_selection", "ProtectedResourceType": "EFS", "IamRoleArn": ROLE,
                                 "ProtectedResourceArns": ["*"], "ProtectedResourceConditions": {"StringEquals": [{"Key": "a", "Value": "b"}]},
                                 "RestoreMetadataOverrides": {"PerformanceMode": "generalPurpose"}, "ValidationWindowHours": 2},
    )  # fmt: skip
    backup.update_restore_testing_selection(
        RestoreTestingPlanName="contract_plan", RestoreTestingSelectionName="contract_selection", RestoreTestingSelection={"ValidationWindowHours": 3}
    )
    backup.get_restore_testing_plan(RestoreTestingPlanName="contract_plan")
    backup.list_restore_testing_plans()
    backup.get_restore_testing_selection(RestoreTestingPlanName="contract_plan", RestoreTestingSelectionName="contract_selection")
    backup.list_restore_testing_selections(RestoreTestingPlanName="contract_plan")
    backup.delete_restore_testing_selection(RestoreTestingPlanName="contract_plan", RestoreTestingSelectionName="contract_selection")
    backup.delete_restore_testing_plan(RestoreTestingPlanName="contract_plan")


def test_every_response_fits_the_output_shape(aws):
    backup = aws.client("backup")
    recorder = Recorder()
    backup.meta.events.register("before-parse.backup", recorder)
    run_flows(aws, backup)
    assert sorted(recorder.bodies) == emulated_operations(), "an emulated operation is not exercised"
    assert recorder.restore_statuses == {"PENDING", "RUNNING", "COMPLETED", "FAILED"}
    assert recorder.copy_states == {"CREATED", "RUNNING", "COMPLETED", "FAILED"}
    problems = [
        problem
        for operation, bodies in recorder.bodies.items()
        for body in bodies
        if MODEL.operation_model(operation).output_shape is not None
        for problem in shape_problems(MODEL.operation_model(operation).output_shape, body, operation)
    ]
    assert problems == []


# ---- malformed requests answer the declared 400 --------------------------------------------

# Plausible values tried, in order, for a string member until one fits its constraints.
STRING_CANDIDATES = (
    "contract-vault",
    "arn:aws:backup:us-east-1:123456789012:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45",
    "123456789012",
    "weekly_report",
    "a",
)
# Values that break a string's pattern, tried in order until one does.
OFF_PATTERN = ("!", "not valid!", "$$$", " ")


def fits(shape: Shape, text: str) -> bool:
    meta = shape.metadata
    if shape.enum:
        return text in shape.enum
    if "min" in meta and len(text) < meta["min"] or "max" in meta and len(text) > meta["max"]:
        return False
    return not meta.get("pattern") or re.search(meta["pattern"], text) is not None


def valid_value(shape: Shape) -> Any:
    kind = shape.type_name
    if kind == "string":
        if shape.enum:
            return shape.enum[0]
        return next(text for text in STRING_CANDIDATES if fits(shape, text))
    if kind in ("integer", "long"):
        return max(shape.metadata.get("min", 1), 1)
    if kind == "boolean":
        return True
    if kind == "timestamp":
        return datetime(2024, 1, 1, tzinfo=timezone.utc)
    if kind == "list":
        return [valid_value(shape.member)]
    if kind == "map":
        return {valid_value(shape.key): valid_value(shape.value)}
    if kind == "structure":
        return {name: valid_value(shape.members[name]) for name in shape.required_members}
    raise AssertionError(f"no valid value for {shape.name} ({kind})")


def mutations(shape: Shape) -> Iterator[tuple[str, Any]]:
    """(what, wire value) pairs that break the shape; values as they would appear in JSON."""
    kind, meta = shape.type_name, shape.metadata
    if kind in ("integer", "long"):
        yield "not a number", "abc"
        if "min" in meta:
            yield "below min", meta["min"] - 1
        if "max" in meta:
            yield "above max", meta["max"] + 1
    elif kind == "string":
        yield "not a string", 12
        if shape.enum:
            yield "off the enum", "NOT_AN_ENUM_VALUE"
        if "max" in meta:
            yield "too long", "a" * (meta["max"] + 1)
        if meta.get("pattern") and not shape.enum:
            off = next((text for text in OFF_PATTERN if re.search(meta["pattern"], text) is None), None)
            if off is not None:
                yield "off the pattern", off
    elif kind == "boolean":
        yield "not a boolean", "yes"
    elif kind == "timestamp":
        yield "not a date", "not-a-date"
    elif kind == "map":
        yield "a list for a map", ["a"]
    elif kind == "list":
        yield "a map for a list", {"a": "b"}
    elif kind == "structure":
        yield "a string for a structure", "x"


def malformed_cases() -> Iterator[Any]:
    for operation_name in emulated_operations():
        operation = MODEL.operation_model(operation_name)
        shape = operation.input_shape
        if shape is None:
            continue
        for name, member in shape.members.items():
            location = member.serialization.get("location")
            if location in ("header", "headers"):
                continue
            if name in shape.required_members and location != "uri":
                yield pytest.param(operation_name, name, "missing", None, id=f"{operation_name}-{name}-missing")
            for what, value in mutations(member):
                if location == "uri" and (not isinstance(value, str) or value in ("", " ")):
                    continue  # a path segment is always a string, never empty
                if location == "querystring" and (isinstance(value, (list, dict)) or what == "not a string"):
                    continue  # the query string has no way to send them: everything there is text
                yield pytest.param(operation_name, name, what, value, id=f"{operation_name}-{name}-{what}")


def wire_request(operation: OperationModel, member: str, what: str, value: Any) -> tuple[str, str, dict, bytes]:
    """The operation's request with valid required members, then `member` broken on the wire."""
    shape = operation.input_shape
    params = {name: valid_value(shape.members[name]) for name in shape.required_members}
    target = shape.members[member]
    location = target.serialization.get("location")
    wire_name = target.serialization.get("name", member)
    if location == "uri":
        params[member] = value
    request = create_serializer("rest-json").serialize_to_request(params, operation)
    query = dict(request["query_string"])
    body = json.loads(request["body"]) if request["body"] else {}
    if location == "querystring":
        query.pop(wire_name, None)
        if what != "missing":
            query[wire_name] = value if isinstance(value, str) else json.dumps(value)
    elif location != "uri":
        body.pop(wire_name, None)
        if what != "missing":
            body[wire_name] = value
    url = request["url_path"] + ("?" + urllib.parse.urlencode(query, doseq=True) if query else "")
    payload = json.dumps(body).encode() if body or operation.http["method"] in ("POST", "PUT") else b""
    return operation.http["method"], url, {"Content-Type": "application/json"}, payload


@pytest.mark.parametrize("operation_name, member, what, value", list(malformed_cases()))
def test_malformed_request_answers_a_declared_400(emulator_server, operation_name, member, what, value):
    operation = MODEL.operation_model(operation_name)
    method, url, headers, payload = wire_request(operation, member, what, value)
    headers = {
        **headers,
        "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/backup/aws4_request, "
        "SignedHeaders=host, Signature=0",
        "Host": "backup.us-east-1.amazonaws.com",
    }
    address = urllib.parse.urlparse(emulator_server.endpoint_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        connection.request(method, url, body=payload or None, headers=headers)
        response = connection.getresponse()
        status, text = response.status, response.read().decode()
        error_type = response.getheader("x-amzn-ErrorType")
    finally:
        connection.close()
    assert status == 400, f"{method} {url} {payload!r}: HTTP {status} {text[:300]}"
    code = json.loads(text).get("__type") or error_type
    declared = {error.name for error in operation.error_shapes} & VALIDATION_CODES
    if what == "missing" and "MissingParameterValueException" in declared:
        assert code == "MissingParameterValueException"
    else:
        # an operation declaring none of them answers AWS's common ValidationException
        assert code in (declared or {"ValidationException"}), f"{code} not declared by {operation_name}: {text}"
