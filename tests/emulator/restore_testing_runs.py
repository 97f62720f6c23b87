"""Runs of restore testing plans: the restore jobs a plan starts on its schedule, their
validation results (PutRestoreValidationResult) and the deletion of what they restored.

AWS runs a plan on its schedule; the emulator runs one when a test asks (`run_restore_testing_plan`,
the test control POST /_emulator/restore-testing-runs), as the schedule would at that moment. The
plans and selections are read through restore_testing.py's backend (`get_plan`,
`list_selections`; `record_execution` notes the run). Sources, per behaviour, in the comments and in README.md.

AWS Backup developer guide, "Restore testing" (restore-testing.html) and "Restore testing
validation" (restore-testing-validation.html) are cited as "the guide" below.
"""

from __future__ import annotations

import fnmatch
import random
import uuid
from datetime import timedelta
from typing import Any

from moto.backup.exceptions import InvalidParameterValueException, InvalidRequestException, ResourceNotFoundException

from .exceptions import MissingParameterValueException
from .resource_types import handler_for_type
from .settings import emulator_settings

# The guide, "Data deletion": "Resources that are part of a restore testing plan contain a tag called
# awsbackup-restore-test. If a user removes this tag, AWS Backup cannot delete the resource".
RESTORE_TEST_TAG = "awsbackup-restore-test"
# The prefix restore testing gives the names it infers ("Restore testing inferred metadata"), and by
# which it finds what it restored of the types it cannot tag on restore (the guide, "Data deletion":
# "those with tag awsbackup-restore-test or a name starting with awsbackup-restore-test").
RESTORE_TEST_PREFIX = "awsbackup-restore-test"
VALIDATION_STATUSES = ("FAILED", "SUCCESSFUL", "TIMED_OUT", "VALIDATING")
# RestoreTestingRecoveryPointSelection SelectionWindowDays (service model): "If not included, the
# value defaults to 30."
DEFAULT_SELECTION_WINDOW_DAYS = 30


def _get(shape: Any, key: str, default: Any = None) -> Any:
    if isinstance(shape, dict):
        return shape.get(key, default)
    return getattr(shape, key, default)


def _vault_matches(selectors: list[str], vault_arn: str) -> bool:
    # IncludeVaults (service model): "wildcard ["*"] or by specific ARNs or ARN wilcard replacement
    # ["arn:aws:backup:*:*:backup-vault:asdf-*", ...]"
    return any(selector == "*" or fnmatch.fnmatchcase(vault_arn, selector) for selector in selectors)


def _tags_match(conditions: Any, tags: dict[str, str]) -> bool:
    """ProtectedResourceConditions: StringEquals (every pair "exact matching") and StringNotEquals
    ("negated matching") against the tags of the resource's latest recovery point (the guide: "Tags on
    protected resources are evaluated by checking the tags on the latest recovery point")."""
    conditions = conditions or {}
    for pair in _get(conditions, "StringEquals") or []:
        if tags.get(pair["Key"]) != pair.get("Value", ""):
            return False
    for pair in _get(conditions, "StringNotEquals") or []:
        if tags.get(pair["Key"]) == pair.get("Value", ""):
            return False
    return True


class RestoreTestingRunsMixin:
    """Methods added to moto's BackupBackend by tests.emulator.install()."""

    restore_jobs: dict[str, Any]
    recovery_points: dict[str, Any]

    # ---- a run of a plan -----------------------------------------------------------------

    def run_restore_testing_plan(self: Any, restore_testing_plan_name: str) -> list[Any]:
        """Start the plan's restore jobs now, as its schedule would: per selection, one eligible
        recovery point per protected resource it selects (the guide, "Recovery point determination":
        "one eligible recovery point per protected resource in selection is restored ... If no
        recovery points for a resource meet the recovery point selection criteria, that resource will
        not be included"). Returns the jobs started."""
        with emulator_settings.lock:
            plans = self.restore_testing  # restore_testing.py's RestoreTestingBackend
            plan = plans.get_plan(restore_testing_plan_name)
            plan_arn = _get(plan, "RestoreTestingPlanArn")
            selection = _get(plan, "RecoveryPointSelection") or {}
            jobs = []
            for chosen in plans.list_selections(restore_testing_plan_name):
                for point in self._points_to_test(selection, chosen):
                    jobs.append(self._start_test_restore(plan_arn, restore_testing_plan_name, chosen, point))
            # GetRestoreTestingPlan LastExecutionTime: "The last time a restore test was run"
            plans.record_execution(restore_testing_plan_name, emulator_settings.now())
            return jobs

    def _points_to_test(self: Any, recovery_point_selection: Any, selection: Any) -> list[Any]:
        now = emulator_settings.now()
        days = _get(recovery_point_selection, "SelectionWindowDays") or DEFAULT_SELECTION_WINDOW_DAYS
        include = _get(recovery_point_selection, "IncludeVaults") or []
        exclude = _get(recovery_point_selection, "ExcludeVaults") or []
        # Every recovery point here is a snapshot (no continuous backups are modelled).
        if "SNAPSHOT" not in (_get(recovery_point_selection, "RecoveryPointTypes") or ["SNAPSHOT"]):
            return []
        resource_type = _get(selection, "ProtectedResourceType")
        by_resource: dict[str, list[Any]] = {}
        for point in self.recovery_points.values():
            if point.resource_type != resource_type or point.status != "COMPLETED":
                continue
            vault_arn = point.vault.backup_vault_arn
            if not _vault_matches(include, vault_arn) or _vault_matches(exclude, vault_arn):
                continue
            if point.creation_date < now - timedelta(days=days):
                continue
            by_resource.setdefault(point.resource_arn, []).append(point)
        arns = _get(selection, "ProtectedResourceArns") or []
        conditions = _get(selection, "ProtectedResourceConditions")
        chosen = []
        for resource_arn in sorted(by_resource):
            points = sorted(by_resource[resource_arn], key=lambda p: (p.creation_date, p.recovery_point_arn))
            if arns != ["*"] and resource_arn not in arns:
                continue
            if arns == ["*"] and not _tags_match(conditions, self._point_tags(points[-1])):
                continue
            # Algorithm (service model): "LATEST_WITHIN_WINDOW" or "RANDOM_WITHIN_WINDOW".
            if _get(recovery_point_selection, "Algorithm") == "RANDOM_WITHIN_WINDOW":
                chosen.append(random.choice(points))
            else:
                chosen.append(points[-1])
        return chosen

    def _point_tags(self: Any, point: Any) -> dict[str, str]:
        tags = {t["Key"]: t.get("Value", "") for t in point.source_tags}
        try:
            tags.update(self.list_tags(point.recovery_point_arn) or {})
        except Exception:  # noqa: BLE001 - a point without tags of its own
            pass
        return tags

    def _start_test_restore(self: Any, plan_arn: str, plan_name: str, selection: Any, point: Any) -> Any:
        """StartRestoreJob as restore testing makes it: the type's inferred metadata (the guide, "AWS
        Backup ... infers the metadata that will be needed") with the selection's
        RestoreMetadataOverrides over it, keys read case-insensitively ("Key values are not case
        sensitive", service model)."""
        metadata = dict(handler_for_type(point.resource_type).inferred_metadata(self, point))
        for key, value in (_get(selection, "RestoreMetadataOverrides") or {}).items():
            for existing in [k for k in metadata if k.lower() == key.lower()]:
                del metadata[existing]
            metadata[key] = value
        # An EFS restore needs a CreationToken, which the inferred metadata does not hold ("Restore
        # testing inferred metadata", Amazon EFS) and which restore testing supplies itself: its EFS
        # restores succeed. The token's form is the emulator's (the prefix of restore tests' names).
        if point.resource_type == "EFS" and not any(k.lower() == "creationtoken" for k in metadata):
            metadata["CreationToken"] = f"{RESTORE_TEST_PREFIX}-{uuid.uuid4().hex[:16]}"
        job = self._start_restore_job(
            recovery_point_arn=point.recovery_point_arn, metadata=metadata,
            iam_role_arn=_get(selection, "IamRoleArn"), resource_type=point.resource_type,
        )  # fmt: skip
        job.restore_testing_plan_arn = plan_arn
        job.restore_testing_plan_name = plan_name
        job.validation_window_hours = int(_get(selection, "ValidationWindowHours") or 0)
        if job.final_status == "COMPLETED":
            self._tag_test_restore(job)
        return job

    # ---- after the restore ---------------------------------------------------------------

    def _tag_test_restore(self: Any, job: Any) -> None:
        """The guide, "Tags": "For resource types which support tag on restore, testing applies tags on
        restore." The value is the plan's name (the guide does not give one)."""
        if getattr(job, "restore_test_tagged", False) or not job.created_resource_arn:
            return
        job.restore_test_tagged = True
        _tag_created(self, job.created_resource_arn, {RESTORE_TEST_TAG: job.restore_testing_plan_name})

    def advance_restore_tests(self: Any) -> None:
        """Tag what completed restore tests created, and delete it once validation is complete or the
        validation window has closed (ValidationWindowHours, service model: "The data will be deleted
        upon the completion of the validation script or the end of the specified retention period,
        whichever comes first")."""
        now = emulator_settings.now()
        for job in list(self.restore_jobs.values()):
            if not getattr(job, "restore_testing_plan_arn", None) or job.final_status != "COMPLETED":
                continue
            self._tag_test_restore(job)
            if job.deletion_status is not None:
                continue
            validated = job.validation_status in ("SUCCESSFUL", "FAILED", "TIMED_OUT")
            window_closed = now >= job.completion_date + timedelta(hours=job.validation_window_hours)
            if validated or window_closed:
                job.deletion_status, job.deletion_status_message = _delete_created(self, job.created_resource_arn)

    # ---- PutRestoreValidationResult ------------------------------------------------------

    def put_restore_validation_result(
        self: Any, restore_job_id: str, validation_status: str, validation_status_message: str | None = None
    ) -> None:
        """The guide ("Restore testing validation"): "Once a validation status is set, it cannot be
        changed." AWS documents no error for the attempt: the emulator answers InvalidRequestException,
        which the operation declares. It takes results only for jobs a restore testing plan started
        ("send your independent self-run restore test validation results", API reference)."""
        if not restore_job_id:
            raise MissingParameterValueException("RestoreJobId is required")
        if not validation_status:
            raise MissingParameterValueException("ValidationStatus is required")
        if validation_status not in VALIDATION_STATUSES:
            raise InvalidParameterValueException(f"Invalid ValidationStatus: {validation_status}")
        with emulator_settings.lock:
            job = self.restore_jobs.get(restore_job_id)
            if job is None:
                raise ResourceNotFoundException(f"Restore job {restore_job_id} not found")
            if not getattr(job, "restore_testing_plan_arn", None):
                raise InvalidRequestException(f"Restore job {restore_job_id} was not started by a restore testing plan")
            if job.validation_status is not None:
                raise InvalidRequestException(
                    f"The validation status of restore job {restore_job_id} is already {job.validation_status} and cannot be changed"
                )
            job.validation_status = validation_status
            job.validation_status_message = validation_status_message
            self.advance_restore_tests()


# ---- the restored resources, by their ARN ----------------------------------------------------


def _backend_of(module: str, name: str, backend: Any) -> Any:
    backends = getattr(__import__(f"moto.{module}.models", fromlist=[name]), name)
    return backends[backend.account_id][backend.region_name]


def _arn_parts(arn: str) -> tuple[str, str, str]:
    """(service, resource type, identifier) of an ARN."""
    parts = arn.split(":", 5)
    service, resource = parts[2], parts[5] if len(parts) > 5 else ""
    kind, _separator, identifier = resource.partition(":" if service == "rds" else "/")
    return service, kind, identifier or kind


def _tag_created(backend: Any, arn: str, tags: dict[str, str]) -> None:
    service, kind, identifier = _arn_parts(arn)
    if service == "rds":
        _backend_of("rds", "rds_backends", backend).add_tags_to_resource(arn, [{"Key": k, "Value": v} for k, v in tags.items()])
    elif service == "elasticfilesystem":
        _backend_of("efs", "efs_backends", backend).tag_resource(arn, dict(tags))
    elif service == "ec2":
        _backend_of("ec2", "ec2_backends", backend).create_tags([identifier], tags)
    # DynamoDB tables and S3 buckets are not tagged on restore (AWS Backup developer guide, "Restore
    # a backup": they refuse CopySourceTagsToRestoredResource); restore testing finds them by name.


def _created_tags(backend: Any, arn: str) -> dict[str, str] | None:
    """The tags of a restored resource; None when it no longer exists."""
    service, kind, identifier = _arn_parts(arn)
    try:
        if service == "rds":
            rds = _backend_of("rds", "rds_backends", backend)
            if identifier not in (rds.databases if kind == "db" else rds.clusters):
                return None
            return {t["Key"]: t["Value"] for t in rds.list_tags_for_resource(arn)}
        if service == "elasticfilesystem":
            efs = _backend_of("efs", "efs_backends", backend)
            if identifier not in efs.file_systems_by_id:
                return None
            return {t["Key"]: t["Value"] for t in efs.list_tags_for_resource(identifier)}
        if service == "ec2":
            ec2 = _backend_of("ec2", "ec2_backends", backend)
            tags = ec2.describe_tags(filters={"resource-id": [identifier]})
            return {t["key"]: t["value"] for t in tags}
    except Exception:  # noqa: BLE001 - a resource moto no longer knows
        return None
    return {}


def _delete_created(backend: Any, arn: str | None) -> tuple[str, str | None]:
    """Delete what a restore test created: (DeletionStatus, DeletionStatusMessage). The guide, "View
    restore testing jobs": "There are three possible deletion statuses: Successful, Deleting, and Failed
    ... Often, a failed deletion is triggered if the tag awsbackup-restore-test is removed from the
    resource." The emulator deletes at once (AWS: "This deletion is not instantaneous")."""
    if not arn:
        return "SUCCESSFUL", None
    service, kind, identifier = _arn_parts(arn)
    tagged = service in ("rds", "elasticfilesystem", "ec2")
    if tagged:
        tags = _created_tags(backend, arn)
        if tags is None:
            return "FAILED", f"The restored resource {arn} no longer exists"
        if RESTORE_TEST_TAG not in tags:
            return "FAILED", f"The restored resource {arn} does not carry the tag {RESTORE_TEST_TAG}; delete it manually"
    elif not identifier.startswith(RESTORE_TEST_PREFIX):
        return "FAILED", f"The restored resource {arn} is not named {RESTORE_TEST_PREFIX}-...; delete it manually"
    try:
        if service == "rds" and kind == "db":
            _backend_of("rds", "rds_backends", backend).delete_db_instance(identifier, skip_final_snapshot=True)
        elif service == "rds":
            _backend_of("rds", "rds_backends", backend).delete_db_cluster(identifier)
        elif service == "elasticfilesystem":
            _backend_of("efs", "efs_backends", backend).delete_file_system(identifier)
        elif service == "ec2" and kind == "volume":
            _backend_of("ec2", "ec2_backends", backend).delete_volume(identifier)
        elif service == "ec2":
            _backend_of("ec2", "ec2_backends", backend).terminate_instances([identifier])
        elif service == "dynamodb":
            _backend_of("dynamodb", "dynamodb_backends", backend).delete_table(identifier)
        elif service == "s3":
            from moto.s3.models import s3_backends
            from moto.utilities.utils import get_partition

            s3 = s3_backends[backend.account_id][get_partition(backend.region_name)]
            bucket = s3.get_bucket(identifier)
            for key in list(bucket.keys.keys()):
                s3.delete_object(identifier, key)
            s3.delete_bucket(identifier)
    except Exception as error:  # noqa: BLE001 - AWS reports a failed deletion in DeletionStatusMessage
        return "FAILED", f"{type(error).__name__}: {getattr(error, 'message', None) or error}"
    return "SUCCESSFUL", None
