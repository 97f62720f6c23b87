# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Resources a restore job created: finding, marking and deleting them by ownership.

A drill deletes only what it created. What a run created is identified by the restore job
it started (DescribeRestoreJob ``CreatedResourceArn``) and by the mark it put on the
resource when it was created: the tags ``RUN_TAG`` (the run) and ``JOB_TAG`` (the restore
job). Nothing here looks a resource up by name, CreationToken or tag alone on a path that
deletes; deletion is by the identifier in the job's ARN, after every ownership check.

Plain functions over boto3 clients. Clients come from ``client_for(service)`` (for modules
``module.client(service, retry_decorator=backup_retry)``, so calls pass ``aws_retry=True``),
made lazily so a task that only needs EFS never creates an RDS client. Each AWS call is made
in exactly one function below; restore job calls are those of ``restore_job``.
"""

from __future__ import annotations

import re
import time
import traceback
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Optional

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:  # handled by AnsibleAWSModule, which reports missing botocore itself
    BotoCoreError = ClientError = Exception  # type: ignore[misc,assignment]

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.arn import parse_aws_arn

from ansible_collections.recovery.aws_backup.plugins.module_utils.backup_retry import backup_retry
from ansible_collections.recovery.aws_backup.plugins.module_utils.recovery_point import json_safe
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_job import RestoreJobAWSError
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_job import describe_restore_job
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_job import get_restore_job_metadata

RUN_TAG = "recovery.aws_backup:run-id"
JOB_TAG = "recovery.aws_backup:restore-job-id"

KIND_EFS = "efs"
KIND_RDS_INSTANCE = "rds-instance"
KIND_RDS_CLUSTER = "rds-cluster"
KINDS = (KIND_EFS, KIND_RDS_INSTANCE, KIND_RDS_CLUSTER)

# Polling while a deletion or a mount target completes: soon at first (the emulator and small
# resources are quick), then less often; always bounded by the caller's deadline.
POLL_FIRST_DELAY = 2.0
POLL_BACKOFF_FACTOR = 1.5
POLL_MAX_DELAY = 30.0

DEFAULT_WAIT_TIMEOUT = 1800

# What a resource is told apart by when it "does not exist": these answers, not any error.
_NOT_FOUND_CODES = {
    KIND_EFS: ("FileSystemNotFound",),
    KIND_RDS_INSTANCE: ("DBInstanceNotFound", "DBInstanceNotFoundFault"),
    KIND_RDS_CLUSTER: ("DBClusterNotFoundFault", "DBClusterNotFound"),
}
_EFS_GONE_STATES = ("deleting", "deleted")
_RDS_GONE_STATES = ("deleting",)
# States a resource does not leave by itself, so waiting until it is usable stops at once:
# EFS "error" (file system or mount target); the RDS DB instance and cluster statuses AWS
# documents as needing someone to act (a failed instance, an incompatible restore, network,
# parameter or option group, a lost KMS key, a full disk).
_EFS_STUCK_STATES = ("error",)
_RDS_STUCK_STATES = (
    "failed", "incompatible-restore", "incompatible-network", "incompatible-parameters", "incompatible-option-group",
    "inaccessible-encryption-credentials", "storage-full",
)  # fmt: skip

# Tag values EFS and RDS both accept (letters, digits, spaces and + - = . _ : / @), 256 at most.
_TAG_VALUE = re.compile(r"^[\w\s+\-=.:/@]{1,256}$")

ClientFor = Callable[[str], Any]


@dataclass(frozen=True)
class ResourceRef:
    """A restored resource as its ARN names it."""

    arn: str
    kind: str  # one of KINDS
    identifier: str  # fs-..., the DB instance or the DB cluster identifier


class OwnershipInputError(ValueError):
    """Bad input; the message names the option."""


class WaitTimeout(Exception):
    """A bounded wait ran out; the AWS operation goes on."""


# ---- ARNs -------------------------------------------------------------------------------


def parse_restored_arn(arn: Any) -> Optional[ResourceRef]:
    """The kind and identifier of an EFS file system, RDS DB instance or DB cluster ARN;
    None for anything else (another service, another RDS resource type, a malformed ARN)."""
    if not isinstance(arn, str) or not arn.startswith("arn:") or any(c.isspace() for c in arn):
        return None
    details = parse_aws_arn(arn)
    if not details or not details.get("resource_id"):
        return None
    service, resource_type, identifier = details.get("service"), details.get("resource_type"), details["resource_id"]
    if service == "elasticfilesystem" and resource_type == "file-system" and re.fullmatch(r"fs-[0-9a-f]+", identifier):
        return ResourceRef(arn, KIND_EFS, identifier)
    if service == "rds" and re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", identifier):
        if resource_type == "db":
            return ResourceRef(arn, KIND_RDS_INSTANCE, identifier)
        if resource_type == "cluster":
            return ResourceRef(arn, KIND_RDS_CLUSTER, identifier)
    return None


def _service(kind: str) -> str:
    return "efs" if kind == KIND_EFS else "rds"


def _error_code(error: Exception) -> str:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def _error_message(error: Exception) -> str:
    response = getattr(error, "response", None) or {}
    message = response.get("Error", {}).get("Message")
    code = _error_code(error)
    if message:
        return f"{code}: {message}" if code else str(message)
    return str(error)


# ---- AWS calls (each exactly once in this module) ----------------------------------------


@backup_retry
def _paginate(client: Any, operation: str, result_key: str, **params: Any) -> list[dict[str, Any]]:
    # Paginators cannot take aws_retry; the decorator retries the whole listing instead.
    return client.get_paginator(operation).paginate(**params).build_full_result().get(result_key, [])


def _describe_file_systems(client: Any, **params: Any) -> list[dict[str, Any]]:
    """DescribeFileSystems, every page; the answer carries each file system's Tags."""
    return _paginate(client, "describe_file_systems", "FileSystems", **params)


def _describe_db_instances(client: Any, **params: Any) -> list[dict[str, Any]]:
    """DescribeDBInstances, every page; the answer carries each instance's TagList."""
    return _paginate(client, "describe_db_instances", "DBInstances", **params)


def _describe_db_clusters(client: Any, **params: Any) -> list[dict[str, Any]]:
    """DescribeDBClusters, every page; the answer carries each cluster's TagList."""
    return _paginate(client, "describe_db_clusters", "DBClusters", **params)


def _describe_mount_targets(client: Any, file_system_id: str) -> list[dict[str, Any]]:
    return _paginate(client, "describe_mount_targets", "MountTargets", FileSystemId=file_system_id)


def _create_mount_target(client: Any, file_system_id: str, subnet_id: str, security_group_ids: list[str]) -> dict[str, Any]:
    params: dict[str, Any] = {"FileSystemId": file_system_id, "SubnetId": subnet_id}
    if security_group_ids:
        params["SecurityGroups"] = list(security_group_ids)
    answer = client.create_mount_target(aws_retry=True, **params)
    answer.pop("ResponseMetadata", None)
    return answer


def _delete_mount_target(client: Any, mount_target_id: str) -> None:
    client.delete_mount_target(aws_retry=True, MountTargetId=mount_target_id)


def _delete_file_system(client: Any, file_system_id: str) -> None:
    client.delete_file_system(aws_retry=True, FileSystemId=file_system_id)


def _delete_db_instance(client: Any, identifier: str) -> None:
    # A drill's copy is thrown away: a final snapshot would be one more thing left behind.
    client.delete_db_instance(aws_retry=True, DBInstanceIdentifier=identifier, SkipFinalSnapshot=True)


def _delete_db_cluster(client: Any, identifier: str) -> None:
    client.delete_db_cluster(aws_retry=True, DBClusterIdentifier=identifier, SkipFinalSnapshot=True)


def _tag_file_system(client: Any, file_system_id: str, tags: dict[str, str]) -> None:
    client.tag_resource(aws_retry=True, ResourceId=file_system_id, Tags=_tag_list(tags))


def _tag_rds_resource(client: Any, arn: str, tags: dict[str, str]) -> None:
    client.add_tags_to_resource(aws_retry=True, ResourceName=arn, Tags=_tag_list(tags))


def _tag_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def _tag_dict(tag_list: Any) -> dict[str, str]:
    return {t["Key"]: t.get("Value", "") for t in tag_list or [] if "Key" in t}


# ---- describing -------------------------------------------------------------------------


def _describe_raw(client_for: ClientFor, ref: ResourceRef) -> Optional[dict[str, Any]]:
    """The API's description of the resource, or None when AWS says it does not exist.
    Any other error propagates."""
    client = client_for(_service(ref.kind))
    try:
        if ref.kind == KIND_EFS:
            found = _describe_file_systems(client, FileSystemId=ref.identifier)
        elif ref.kind == KIND_RDS_INSTANCE:
            found = _describe_db_instances(client, DBInstanceIdentifier=ref.identifier)
        else:
            found = _describe_db_clusters(client, DBClusterIdentifier=ref.identifier)
    except ClientError as e:
        if _error_code(e) in _NOT_FOUND_CODES[ref.kind]:
            return None
        raise
    return found[0] if found else None


def _is_gone(kind: str, raw: Optional[dict[str, Any]]) -> bool:
    if raw is None:
        return True
    if kind == KIND_EFS:
        return raw.get("LifeCycleState") in _EFS_GONE_STATES
    status = raw.get("DBInstanceStatus") if kind == KIND_RDS_INSTANCE else raw.get("Status")
    return status in _RDS_GONE_STATES


def _normalise(kind: str, raw: dict[str, Any]) -> dict[str, Any]:
    """One shape for the three kinds: arn, kind, identifier, created, tags (dict), plus
    members (cluster) and cluster_identifier (instance of a cluster)."""
    if kind == KIND_EFS:
        resource = {
            "arn": raw.get("FileSystemArn"),
            "kind": kind,
            "identifier": raw.get("FileSystemId"),
            "created": raw.get("CreationTime"),
            "tags": _tag_dict(raw.get("Tags")),
            "state": raw.get("LifeCycleState"),
        }
    elif kind == KIND_RDS_INSTANCE:
        resource = {
            "arn": raw.get("DBInstanceArn"),
            "kind": kind,
            "identifier": raw.get("DBInstanceIdentifier"),
            "created": raw.get("InstanceCreateTime"),
            "tags": _tag_dict(raw.get("TagList")),
            "state": raw.get("DBInstanceStatus"),
        }
        if raw.get("DBClusterIdentifier"):
            resource["cluster_identifier"] = raw["DBClusterIdentifier"]
    else:
        resource = {
            "arn": raw.get("DBClusterArn"),
            "kind": kind,
            "identifier": raw.get("DBClusterIdentifier"),
            "created": raw.get("ClusterCreateTime"),
            "tags": _tag_dict(raw.get("TagList")),
            "state": raw.get("Status"),
            "members": [m["DBInstanceIdentifier"] for m in raw.get("DBClusterMembers") or [] if "DBInstanceIdentifier" in m],
        }
    return resource


def describe_resource(client_for: ClientFor, ref: ResourceRef) -> Optional[dict[str, Any]]:
    """The resource normalised (see _normalise), or None when it does not exist or is being
    deleted (either way nothing is left to own or to delete)."""
    raw = _describe_raw(client_for, ref)
    if _is_gone(ref.kind, raw):
        return None
    return _normalise(ref.kind, raw)  # type: ignore[arg-type]


def resource_exists(client_for: ClientFor, arn: str) -> Optional[bool]:
    """Whether the resource a restore job created still exists; None when this cannot be
    told (a kind this collection does not look up, no permission, any AWS error), so the
    caller warns instead of guessing."""
    ref = parse_restored_arn(arn)
    if ref is None:
        return None
    try:
        return describe_resource(client_for, ref) is not None
    except (BotoCoreError, ClientError):
        return None


# ---- marking ----------------------------------------------------------------------------


def mark_tags(run_id: str, restore_job_id: str, extra_tags: Optional[dict[str, str]] = None) -> dict[str, str]:
    tags = {str(k): str(v) for k, v in (extra_tags or {}).items()}
    tags[RUN_TAG] = run_id
    tags[JOB_TAG] = restore_job_id
    return tags


def _put_tags(client_for: ClientFor, ref: ResourceRef, tags: dict[str, str]) -> None:
    if ref.kind == KIND_EFS:
        _tag_file_system(client_for("efs"), ref.identifier, tags)
    else:
        _tag_rds_resource(client_for("rds"), ref.arn, tags)


def mark_resource(
    client_for: ClientFor, arn: str, run_id: str, restore_job_id: str, extra_tags: Optional[dict[str, str]] = None
) -> None:
    """Tag the resource with this run's mark (RUN_TAG, JOB_TAG) and extra_tags. The caller
    checks first that the resource is this run's to mark. Raises ValueError for an ARN of a
    kind this collection does not handle; AWS errors propagate."""
    ref = parse_restored_arn(arn)
    if ref is None:
        raise ValueError(f"cannot mark {arn!r}: not an EFS file system, RDS DB instance or DB cluster ARN")
    _put_tags(client_for, ref, mark_tags(run_id, restore_job_id, extra_tags))


def find_marked_resources(client_for: ClientFor, run_id: Optional[str] = None) -> list[dict[str, Any]]:
    """Every EFS file system, DB instance and DB cluster carrying RUN_TAG (equal to run_id
    when given): leftovers of interrupted runs. One listing per kind, tags read from it, so
    the cost does not grow with the number of resources."""
    found: list[dict[str, Any]] = []
    efs, rds = client_for("efs"), client_for("rds")
    listings = (
        (KIND_EFS, _describe_file_systems(efs)),
        (KIND_RDS_INSTANCE, _describe_db_instances(rds)),
        (KIND_RDS_CLUSTER, _describe_db_clusters(rds)),
    )
    for kind, raws in listings:
        for raw in raws:
            resource = _normalise(kind, raw)
            marked_run = resource["tags"].get(RUN_TAG)
            if marked_run is None or (run_id is not None and marked_run != run_id):
                continue
            resource["run_id"] = marked_run
            resource["restore_job_id"] = resource["tags"].get(JOB_TAG)
            found.append(resource)
    return found


# ---- ownership --------------------------------------------------------------------------


def _aware(value: Any) -> Optional[datetime]:
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


def created_before_job(resource: dict[str, Any], restore_job: dict[str, Any]) -> Optional[str]:
    """Why the resource cannot be the job's creation (it existed before the job), or None.

    This is what keeps an in-place target, a restore job's source and any production
    resource safe whatever their names. AWS gives EFS creation times to the second, so the
    job's time is compared at that precision; a restore takes far longer than a second."""
    created, job_created = _aware(resource.get("created")), _aware(restore_job.get("CreationDate"))
    if created is None or job_created is None:
        return "its creation time or the restore job's cannot be read, so it cannot be shown to be the job's creation"
    if created < job_created.replace(microsecond=0):
        return (
            f"it was created at {created.isoformat()}, before restore job {restore_job.get('RestoreJobId')} "
            f"({job_created.isoformat()}), so the job did not create it"
        )
    return None


def in_place_restore(metadata: dict[str, str]) -> bool:
    """An in-place restore writes into an existing resource (EFS newFileSystem false); AWS
    reads metadata keys case-insensitively."""
    return any(key.lower() == "newfilesystem" and str(value).strip().lower() == "false" for key, value in metadata.items())


def mark_state(resource: dict[str, Any], run_id: str, restore_job_id: str) -> str:
    """'ours' (this run's mark for this job), 'unmarked' (no RUN_TAG) or 'foreign' (anything else)."""
    tags = resource.get("tags") or {}
    if RUN_TAG not in tags:
        return "unmarked"
    if tags.get(RUN_TAG) == run_id and tags.get(JOB_TAG) == restore_job_id:
        return "ours"
    return "foreign"


def _foreign_reason(resource: dict[str, Any], run_id: str, restore_job_id: str) -> str:
    tags = resource.get("tags") or {}
    if tags.get(RUN_TAG) != run_id:
        return f"it carries the mark of run {tags.get(RUN_TAG)!r}, not of run {run_id!r}"
    return f"it is marked as created by restore job {tags.get(JOB_TAG)!r}, not by {restore_job_id!r}"


@dataclass
class _Deadline:
    timeout: float
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        self.end = self.clock() + self.timeout

    def expired(self, what: str) -> str:
        return f"timed out after wait_timeout={self.timeout:g} seconds waiting until {what}; AWS goes on"

    def wait_until(self, done: Callable[[], bool], what: str) -> None:
        """Poll done() with backoff until it is true; WaitTimeout once the deadline has passed
        (done() is always asked once, so what is already finished never times out)."""
        delay = POLL_FIRST_DELAY
        while not done():
            remaining = self.end - self.clock()
            if remaining <= 0:
                raise WaitTimeout(self.expired(what))
            self.sleep(min(delay, remaining))
            delay = min(delay * POLL_BACKOFF_FACTOR, POLL_MAX_DELAY)


@dataclass
class _Checked:
    """A job's created resource that passed every ownership check."""

    ref: ResourceRef
    resource: dict[str, Any]
    restore_job: dict[str, Any]
    state: str  # mark_state
    members: list[dict[str, Any]]  # cluster member instances (normalised), this run's
    raw: dict[str, Any]  # the API's description the checks read


def _result(restore_job_id: str, status: str, arn: Optional[str] = None, kind: Optional[str] = None) -> dict[str, Any]:
    return {"restore_job_id": restore_job_id, "created_resource_arn": arn, "resource_type": kind, "status": status}


def _cluster_members(client_for: ClientFor, cluster: dict[str, Any]) -> list[dict[str, Any]]:
    if not cluster.get("members"):
        return []
    # One filtered listing for all members, their tags included, instead of one call each.
    raws = _describe_db_instances(client_for("rds"), Filters=[{"Name": "db-cluster-id", "Values": [cluster["identifier"]]}])
    return [_normalise(KIND_RDS_INSTANCE, raw) for raw in raws if not _is_gone(KIND_RDS_INSTANCE, raw)]


def _check_job(
    client_for: ClientFor, run_id: str, restore_job_id: str, allow_unmarked: bool
) -> tuple[Optional[_Checked], dict[str, Any]]:
    """The ownership checks shared by marking and deleting. Returns the checked resource, or
    None with the result saying why not (refused / not found / nothing created)."""
    try:
        job = describe_restore_job(client_for("backup"), restore_job_id)
    except RestoreJobAWSError as e:
        # A job AWS does not know (a journal of another account, region or endpoint, or one
        # AWS no longer keeps) created nothing this call could delete.
        if _error_code(e.error) == "ResourceNotFoundException":
            return None, _result(restore_job_id, "restore job not found")
        raise
    arn = job.get("CreatedResourceArn")
    if not arn:
        return None, {**_result(restore_job_id, "nothing created"), "restore_job_status": job.get("Status")}
    ref = parse_restored_arn(arn)
    if ref is None:
        return None, _result(
            restore_job_id, f"refused: {arn} is not an EFS file system, RDS DB instance or DB cluster, which are all this deletes", arn
        )
    result = _result(restore_job_id, "", arn, ref.kind)
    # In place, CreatedResourceArn names the restore's target (the source itself for EFS).
    if in_place_restore(get_restore_job_metadata(client_for("backup"), restore_job_id)):
        return None, {**result, "status": f"refused: restore job {restore_job_id} restored in place, into an existing resource"}
    raw = _describe_raw(client_for, ref)
    if _is_gone(ref.kind, raw):
        return None, {**result, "status": "not found"}
    resource = _normalise(ref.kind, raw)  # type: ignore[arg-type]
    reason = created_before_job(resource, job)
    if reason:
        return None, {**result, "status": f"refused: {reason}"}
    state = mark_state(resource, run_id, restore_job_id)
    if state == "foreign":
        return None, {**result, "status": f"refused: {_foreign_reason(resource, run_id, restore_job_id)}"}
    if state == "unmarked" and not allow_unmarked:
        return None, {
            **result,
            "status": f"refused: it does not carry the mark of run {run_id!r} (tag {RUN_TAG}); "
            "adopt_unmarked takes in a resource of this run's restore job left unmarked by an interrupted run",
        }
    members: list[dict[str, Any]] = []
    if ref.kind == KIND_RDS_CLUSTER:
        members = _cluster_members(client_for, resource)
        not_ours = [m["identifier"] for m in members if (m.get("tags") or {}).get(RUN_TAG) != run_id]
        early = [m["identifier"] for m in members if created_before_job(m, job)]
        if not_ours or early:
            return None, {
                **result,
                "status": f"refused: the cluster has DB instances this run did not create ({', '.join(sorted(set(not_ours + early)))})",
            }
    return _Checked(ref, resource, job, state, members, raw), result  # type: ignore[arg-type]


# ---- deleting ---------------------------------------------------------------------------


def _gone(client_for: ClientFor, ref: ResourceRef) -> Callable[[], bool]:
    # "Gone" means not found (or EFS "deleted"); a resource still "deleting" is not gone yet.
    def gone() -> bool:
        raw = _describe_raw(client_for, ref)
        return raw is None or (ref.kind == KIND_EFS and raw.get("LifeCycleState") == "deleted")

    return gone


def _delete_efs(client_for: ClientFor, ref: ResourceRef, deadline: _Deadline, deleted: list[str]) -> None:
    efs = client_for("efs")
    # Mount targets of a file system this run owns are this run's (they die with it anyway).
    for mount_target in _describe_mount_targets(efs, ref.identifier):
        if mount_target.get("LifeCycleState") not in ("deleting", "deleted"):
            _delete_mount_target(efs, mount_target["MountTargetId"])
    deadline.wait_until(
        lambda: all(m.get("LifeCycleState") == "deleted" for m in _describe_mount_targets(efs, ref.identifier)),
        f"the mount targets of {ref.identifier} are deleted",
    )
    _delete_file_system(efs, ref.identifier)
    deadline.wait_until(_gone(client_for, ref), f"file system {ref.identifier} is deleted")
    deleted.append(ref.arn)


def _delete_rds_instance(client_for: ClientFor, ref: ResourceRef, deadline: _Deadline, deleted: list[str]) -> None:
    try:
        _delete_db_instance(client_for("rds"), ref.identifier)
    except ClientError as e:
        # Already on its way out (say, a teardown re-run after a timeout): wait for it as for our own call.
        if _error_code(e) != "InvalidDBInstanceState" or describe_resource(client_for, ref) is not None:
            raise
    deadline.wait_until(_gone(client_for, ref), f"DB instance {ref.identifier} is deleted")
    deleted.append(ref.arn)


def _delete_rds_cluster(client_for: ClientFor, checked: _Checked, deadline: _Deadline, deleted: list[str]) -> None:
    # RDS refuses to delete a cluster that still has instances: the members go first, all
    # started before waiting for any, so they are deleted in parallel.
    member_refs = [ResourceRef(m["arn"], KIND_RDS_INSTANCE, m["identifier"]) for m in checked.members]
    for member in member_refs:
        _delete_db_instance(client_for("rds"), member.identifier)
    for member in member_refs:
        deadline.wait_until(_gone(client_for, member), f"DB instance {member.identifier} of cluster {checked.ref.identifier} is deleted")
        deleted.append(member.arn)
    _delete_db_cluster(client_for("rds"), checked.ref.identifier)
    deadline.wait_until(_gone(client_for, checked.ref), f"DB cluster {checked.ref.identifier} is deleted")
    deleted.append(checked.ref.arn)


def _delete(client_for: ClientFor, checked: _Checked, deadline: _Deadline, deleted: list[str]) -> None:
    """Delete by the identifier in the job's ARN; what is gone is appended to deleted as it goes."""
    if checked.ref.kind == KIND_EFS:
        _delete_efs(client_for, checked.ref, deadline, deleted)
    elif checked.ref.kind == KIND_RDS_INSTANCE:
        _delete_rds_instance(client_for, checked.ref, deadline, deleted)
    else:
        _delete_rds_cluster(client_for, checked, deadline, deleted)


def _aws_failure(error: Exception) -> str:
    if isinstance(error, RestoreJobAWSError):
        return f"failed: {error.action}: {_error_message(error.error)}"
    return f"failed: {_error_message(error)}"


def teardown(
    client_for: ClientFor,
    run_id: str,
    restore_job_ids: list[str],
    adopt_unmarked: bool = False,
    check_mode: bool = False,
    wait_timeout: float = DEFAULT_WAIT_TIMEOUT,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> list[dict[str, Any]]:
    """Delete what each of the run's restore jobs created, and nothing else.

    A resource is deleted only when it exists, carries this run's mark for that job (or,
    with adopt_unmarked, carries no run mark at all, and is then marked first so an
    interruption leaves it findable), was created after the job started, and the job did
    not restore in place. An Aurora cluster goes with its member instances, all of which
    must carry this run's mark. wait_timeout bounds the whole call. One job failing does
    not stop the others. Returns one result per job (see the module's RETURN)."""
    deadline = _Deadline(wait_timeout, sleep, clock)
    results = []
    for restore_job_id in restore_job_ids:
        result: dict[str, Any] = _result(restore_job_id, "")
        try:
            checked, result = _check_job(client_for, run_id, restore_job_id, allow_unmarked=adopt_unmarked)
            result["deleted_resources"] = []
            if checked is not None:
                if check_mode:
                    result["status"] = "would be deleted"
                    result["would_delete"] = [m["arn"] for m in checked.members] + [checked.ref.arn]
                else:
                    if checked.state == "unmarked":
                        mark_resource(client_for, checked.ref.arn, run_id, restore_job_id)
                        result["marked"] = True
                    _delete(client_for, checked, deadline, result["deleted_resources"])
                    result["status"] = "deleted"
        except (BotoCoreError, ClientError, RestoreJobAWSError) as e:
            result["status"] = _aws_failure(e)
        except WaitTimeout as e:
            result["status"] = f"failed: {e}"
        result.setdefault("deleted_resources", [])
        results.append(result)
    return results


# ---- marking and mount targets (state present) ------------------------------------------


@dataclass(frozen=True)
class JobSettings:
    """What one restore job's resource gets with state=present: the top-level options, each
    replaced by the job's own value when job_settings gives one (tags merged over them)."""

    tags: dict[str, str]
    subnet_ids: list[str]
    security_group_ids: list[str]


def settings_for(
    restore_job_id: str,
    job_settings: Optional[dict[str, Any]],
    tags: Optional[dict[str, Any]] = None,
    subnet_ids: Optional[list[str]] = None,
    security_group_ids: Optional[list[str]] = None,
) -> JobSettings:
    own = (job_settings or {}).get(restore_job_id) or {}
    merged = {str(k): str(v) for k, v in {**(tags or {}), **(own.get("tags") or {})}.items()}
    # None means "not given": the top-level value applies; an empty list is a value (no mount targets).
    subnets = own["subnet_ids"] if own.get("subnet_ids") is not None else subnet_ids
    groups = own["security_group_ids"] if own.get("security_group_ids") is not None else security_group_ids
    return JobSettings(merged, list(subnets or []), list(groups or []))


def _create_missing_mount_targets(
    efs: Any, file_system_id: str, subnet_ids: list[str], security_group_ids: Optional[list[str]], check_mode: bool
) -> list[dict[str, Any]]:
    """CreateMountTarget in each of subnet_ids that has none, without waiting; the answers
    (in check mode, {"SubnetId": ...} for each that would be created)."""
    existing = {m.get("SubnetId") for m in _describe_mount_targets(efs, file_system_id) if m.get("LifeCycleState") not in ("deleting", "deleted")}
    missing = [s for s in dict.fromkeys(subnet_ids) if s not in existing]
    if check_mode:
        return [{"SubnetId": s} for s in missing]
    return [_create_mount_target(efs, file_system_id, subnet_id, list(security_group_ids or [])) for subnet_id in missing]


def _created_result(created: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**({"mount_target_id": m["MountTargetId"]} if "MountTargetId" in m else {}), "subnet_id": m["SubnetId"]} for m in created]


def ensure_mount_targets(
    client_for: ClientFor,
    file_system_id: str,
    subnet_ids: list[str],
    security_group_ids: Optional[list[str]],
    wait_timeout: float = DEFAULT_WAIT_TIMEOUT,
    check_mode: bool = False,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> list[dict[str, Any]]:
    """A mount target in each subnet that has none, available when this returns. Only for a
    file system already checked to be this run's. Returns those created (or, in check mode,
    that would be): mount_target_id (not in check mode) and subnet_id."""
    efs = client_for("efs")
    created = _create_missing_mount_targets(efs, file_system_id, subnet_ids, security_group_ids, check_mode)
    if created and not check_mode:
        ids = {m["MountTargetId"] for m in created}

        def available() -> bool:
            states = {m["MountTargetId"]: m.get("LifeCycleState") for m in _describe_mount_targets(efs, file_system_id)}
            return all(states.get(i) == "available" for i in ids)

        _Deadline(wait_timeout, sleep, clock).wait_until(available, f"the mount targets of {file_system_id} are available")
    return _created_result(created)


def _facts(kind: str, raw: dict[str, Any]) -> dict[str, Any]:
    """The API's description in snake_case, its tags as a dict (tag keys kept as they are)."""
    tag_key = "Tags" if kind == KIND_EFS else "TagList"
    facts = camel_dict_to_snake_dict({k: v for k, v in raw.items() if k != tag_key})
    facts["tags"] = _tag_dict(raw.get(tag_key))
    return facts


def _with_tags(kind: str, raw: dict[str, Any], tags: dict[str, str]) -> dict[str, Any]:
    """raw as AWS describes it once `tags` are put on (TagResource and AddTagsToResource
    add to the tags there are), so facts do not show tags this call has just replaced."""
    tag_key = "Tags" if kind == KIND_EFS else "TagList"
    return {**raw, tag_key: _tag_list({**_tag_dict(raw.get(tag_key)), **tags})}


@dataclass
class _Handled:
    """A job's resource that passed the ownership checks, while a call handles it."""

    result: dict[str, Any]
    ref: ResourceRef
    raw: dict[str, Any]  # the last description; facts come from it
    mount_target_ids: list[str]  # created by this call
    seen: str = ""  # what the last poll saw still missing, for the timeout message


def _noun(ref: ResourceRef) -> str:
    return {KIND_EFS: "file system", KIND_RDS_INSTANCE: "DB instance", KIND_RDS_CLUSTER: "DB cluster"}[ref.kind] + f" {ref.identifier}"


def _mount_targets_pending(item: _Handled, targets: list[dict[str, Any]], usable: bool) -> tuple[list[str], list[str]]:
    """(stuck, waiting): mount targets in "error", and those not available yet, as "id state".
    Waiting until usable, every mount target of the file system counts (not those going
    away); otherwise only those this call created, as before."""
    states = {m["MountTargetId"]: m.get("LifeCycleState") for m in targets if "MountTargetId" in m}
    if usable:
        counted = {i: s for i, s in states.items() if s not in ("deleting", "deleted")}
        counted.update({i: states.get(i, "not found") for i in item.mount_target_ids})
    else:
        counted = {i: states.get(i, "not found") for i in item.mount_target_ids}
    stuck = [f"{i} {s}" for i, s in counted.items() if s in _EFS_STUCK_STATES]
    waiting = [f"{i} {s}" for i, s in counted.items() if s != "available"]
    return stuck, waiting


def _poll_efs(client_for: ClientFor, item: _Handled, usable: bool) -> Optional[str]:
    """One poll of one file system: None when done, "pending", or a failed status. Waiting
    until usable: DescribeFileSystems, then DescribeMountTargets once the file system is
    available (mount targets of one that is not cannot make it usable); otherwise the
    mount targets only."""
    if usable:
        raw = _describe_raw(client_for, item.ref)
        if raw is None or raw.get("LifeCycleState") in _EFS_GONE_STATES:
            return f"failed: {_noun(item.ref)} went away while waiting until it is usable"
        item.raw = raw
        state = raw.get("LifeCycleState")
        if state in _EFS_STUCK_STATES:
            return f"failed: {_noun(item.ref)} is in state {state}, which it does not leave by itself"
        if state != "available":
            item.seen = f"file system {state}"
            return "pending"
    stuck, waiting = _mount_targets_pending(item, _describe_mount_targets(client_for("efs"), item.ref.identifier), usable)
    if stuck:
        return f"failed: mount targets of {_noun(item.ref)} in a state they do not leave by themselves: {', '.join(stuck)}"
    if waiting:
        item.seen = f"mount targets {', '.join(waiting)}"
        return "pending"
    return None


def _rds_status(item: _Handled, raw: Optional[dict[str, Any]]) -> Optional[str]:
    """None when available, "pending" or a failed status; item.raw becomes raw."""
    if raw is None or _is_gone(item.ref.kind, raw):
        return f"failed: {_noun(item.ref)} went away while waiting until it is usable"
    item.raw = raw
    status = raw.get("DBInstanceStatus") if item.ref.kind == KIND_RDS_INSTANCE else raw.get("Status")
    if status in _RDS_STUCK_STATES:
        return f"failed: {_noun(item.ref)} is {status}, which it does not leave by itself"
    if status != "available":
        item.seen = f"status {status}"
        return "pending"
    return None


def _poll_rds(client_for: ClientFor, items: list[_Handled]) -> dict[int, Optional[str]]:
    """One poll of every pending DB instance and cluster, by id(item): one DescribeDBClusters
    for all the clusters, then one DescribeDBInstances for all the instances and the members
    of the clusters that are available (each filtered by identifier, so the cost does not grow
    with the number of resources, and nothing else in the account is listed)."""
    outcome: dict[int, Optional[str]] = {}
    rds = client_for("rds")
    clusters = [i for i in items if i.ref.kind == KIND_RDS_CLUSTER]
    instances = [i for i in items if i.ref.kind == KIND_RDS_INSTANCE]
    members: dict[int, list[str]] = {}
    if clusters:
        try:
            found = _describe_db_clusters(rds, Filters=[{"Name": "db-cluster-id", "Values": [c.ref.identifier for c in clusters]}])
        except (BotoCoreError, ClientError) as e:
            outcome.update({id(c): _aws_failure(e) for c in clusters})
            clusters = []
        else:
            # RDS identifiers are case-insensitive (it keeps them in lower case).
            by_id = {str(raw.get("DBClusterIdentifier", "")).lower(): raw for raw in found}
            for cluster in clusters:
                outcome[id(cluster)] = _rds_status(cluster, by_id.get(cluster.ref.identifier.lower()))
                if outcome[id(cluster)] is None:
                    members[id(cluster)] = [
                        m["DBInstanceIdentifier"] for m in cluster.raw.get("DBClusterMembers") or [] if "DBInstanceIdentifier" in m
                    ]
    wanted = [i.ref.identifier for i in instances] + [m for ids in members.values() for m in ids]
    if not wanted:
        return outcome
    waiting_on_members = [c for c in clusters if members.get(id(c))]
    try:
        found = _describe_db_instances(rds, Filters=[{"Name": "db-instance-id", "Values": list(dict.fromkeys(wanted))}])
    except (BotoCoreError, ClientError) as e:
        outcome.update({id(i): _aws_failure(e) for i in instances + waiting_on_members})
        return outcome
    by_id = {str(raw.get("DBInstanceIdentifier", "")).lower(): raw for raw in found}
    for instance in instances:
        outcome[id(instance)] = _rds_status(instance, by_id.get(instance.ref.identifier.lower()))
    for cluster in waiting_on_members:
        stuck, waiting = [], []
        for member in members[id(cluster)]:
            raw = by_id.get(member.lower())
            status = raw.get("DBInstanceStatus") if raw else "not found"
            if status in _RDS_STUCK_STATES:
                stuck.append(f"{member} {status}")
            elif status != "available":
                waiting.append(f"{member} {status}")
        if stuck:
            outcome[id(cluster)] = f"failed: DB instances of {_noun(cluster.ref)} in a status they do not leave by themselves: {', '.join(stuck)}"
        elif waiting:
            cluster.seen = f"DB instances {', '.join(waiting)}"
            outcome[id(cluster)] = "pending"
    return outcome


def _wait_until_done(
    client_for: ClientFor, items: list[_Handled], deadline: _Deadline, usable: bool, wall: Callable[[], float]
) -> None:
    """One polling loop for every item, bounded by the call's deadline: until each is usable
    (usable_at set when first seen so) or, without usable, until the mount targets this call
    created are available. Each round polls what is still pending, all of it (see _poll_efs,
    _poll_rds). A resource that fails or is still pending at the deadline gets a failed status;
    the others are not held up by it."""
    pending = list(items)

    def round_done() -> bool:
        nonlocal pending
        outcome: dict[int, Optional[str]] = {}
        for item in pending:
            if item.ref.kind == KIND_EFS:
                try:
                    outcome[id(item)] = _poll_efs(client_for, item, usable)
                except (BotoCoreError, ClientError) as e:
                    outcome[id(item)] = _aws_failure(e)
        rds_items = [i for i in pending if i.ref.kind != KIND_EFS]
        if rds_items:
            outcome.update(_poll_rds(client_for, rds_items))
        now = wall()
        still = []
        for item in pending:
            status = outcome.get(id(item), "pending")
            if status is None:
                if usable:
                    item.result["usable_at"] = now
            elif status == "pending":
                still.append(item)
            else:
                item.result["status"] = status
        pending = still
        return not pending

    what = "every resource is usable" if usable else "the mount targets created are available"
    try:
        deadline.wait_until(round_done, what)
    except WaitTimeout:
        for item in pending:
            goal = f"{_noun(item.ref)} is usable" if usable else f"the mount targets of {item.ref.identifier} are available"
            item.result["status"] = f"failed: {deadline.expired(goal)} (still waiting for: {item.seen or 'a first answer'})"


def ensure_marked(
    client_for: ClientFor,
    run_id: str,
    restore_job_ids: list[str],
    extra_tags: Optional[dict[str, str]] = None,
    subnet_ids: Optional[list[str]] = None,
    security_group_ids: Optional[list[str]] = None,
    check_mode: bool = False,
    wait_timeout: float = DEFAULT_WAIT_TIMEOUT,
    mark: bool = True,
    job_settings: Optional[dict[str, Any]] = None,
    wait_until_usable: bool = False,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    wall: Callable[[], float] = time.time,
) -> list[dict[str, Any]]:
    """Mark what each restore job created as this run's (after the same checks as teardown:
    created after the job, not in place, not another run's), put its tags on it and give each
    EFS file system a mount target in each of its subnets (settings_for: job_settings over the
    top-level options). Every job is tagged and its mount targets created before any waiting;
    then one polling loop, bounded by wait_timeout for the whole call, waits until the mount
    targets created are available, or with wait_until_usable until every resource is usable
    (usable_at). Each handled resource's result has facts, its last description in snake_case.

    Returns one result per job; status "marked", "would be marked", "already marked",
    "checked" (mark false), "refused: ...", "not found", "nothing created" or "failed: ...";
    changed tells whether anything was (or would be) tagged or created."""
    deadline = _Deadline(wait_timeout, sleep, clock)
    results = []
    handled: list[_Handled] = []
    for restore_job_id in restore_job_ids:
        settings = settings_for(restore_job_id, job_settings, extra_tags, subnet_ids, security_group_ids)
        result: dict[str, Any] = _result(restore_job_id, "")
        try:
            checked, result = _check_job(client_for, run_id, restore_job_id, allow_unmarked=True)
            result["changed"] = False
            if checked is not None:
                item = _Handled(result, checked.ref, checked.raw, [])
                handled.append(item)
                # A restore that is kept (the role's recover mode) is never marked: marked
                # resources are what the role's cleanup deletes. Its own tags it still gets.
                wanted = mark_tags(run_id, restore_job_id, settings.tags) if mark else dict(settings.tags)
                current = checked.resource.get("tags") or {}
                needs_tags = any(current.get(k) != v for k, v in wanted.items())
                if needs_tags and not check_mode:
                    _put_tags(client_for, checked.ref, wanted)
                    item.raw = _with_tags(checked.ref.kind, item.raw, wanted)
                if not mark:
                    result["status"] = "checked"
                elif checked.state == "unmarked":
                    result["status"] = "would be marked" if check_mode else "marked"
                else:
                    result["status"] = "already marked"
                result["changed"] = needs_tags
                if checked.ref.kind == KIND_EFS and settings.subnet_ids:
                    created = _create_missing_mount_targets(
                        client_for("efs"), checked.ref.identifier, settings.subnet_ids, settings.security_group_ids, check_mode
                    )
                    item.mount_target_ids = [m["MountTargetId"] for m in created if "MountTargetId" in m]
                    result["mount_targets_created"] = _created_result(created)
                    result["changed"] = result["changed"] or bool(created)
        except (BotoCoreError, ClientError, RestoreJobAWSError) as e:
            result["status"] = _aws_failure(e)
        result.setdefault("changed", False)
        results.append(result)
    if not check_mode:
        waited = [h for h in handled if not _is_failure(h.result["status"]) and (wait_until_usable or h.mount_target_ids)]
        if waited:
            _wait_until_done(client_for, waited, deadline, wait_until_usable, wall)
    for item in handled:
        item.result["facts"] = _facts(item.ref.kind, item.raw)
    return results

# ---- the modules' flow ------------------------------------------------------------------


def check_input(params: dict[str, Any]) -> None:
    """Raises OwnershipInputError naming the option; no AWS call."""
    run_id = params.get("run_id")
    if run_id is not None or "restore_job_ids" in params:
        if not isinstance(run_id, str) or not run_id.strip():
            raise OwnershipInputError("run_id must not be empty: it is what marks this run's resources")
        if not _TAG_VALUE.match(run_id):
            raise OwnershipInputError(
                f"run_id must be 1 to 256 letters, digits, spaces or + - = . _ : / @ (it becomes the tag {RUN_TAG}), got {run_id!r}"
            )
    if "restore_job_ids" in params:
        job_ids = params.get("restore_job_ids") or []
        for index, job_id in enumerate(job_ids):
            if not isinstance(job_id, str) or not job_id.strip() or not _TAG_VALUE.match(job_id):
                raise OwnershipInputError(f"restore_job_ids[{index}] must be a restore job id, got {job_id!r}")
        if len(set(job_ids)) != len(job_ids):
            raise OwnershipInputError("restore_job_ids must not list a restore job twice")
    _check_tags("tags", params.get("tags") or {})
    wait_timeout = params.get("wait_timeout")
    if wait_timeout is not None and wait_timeout <= 0:
        raise OwnershipInputError(f"wait_timeout must be a positive number of seconds, got {wait_timeout}")
    if params.get("state") == "present" and params.get("adopt_unmarked"):
        raise OwnershipInputError("adopt_unmarked applies to state=absent only (state=present marks unmarked resources anyway)")
    if params.get("state") == "absent" and (params.get("subnet_ids") or params.get("security_group_ids")):
        raise OwnershipInputError("subnet_ids and security_group_ids apply to state=present only")
    if params.get("security_group_ids") and not params.get("subnet_ids"):
        raise OwnershipInputError("security_group_ids needs subnet_ids: they are the security groups of the mount targets created there")
    if params.get("state") == "absent" and params.get("wait_until_usable"):
        raise OwnershipInputError("wait_until_usable applies to state=present only")
    copy_job_ids = params.get("copy_job_ids") or []
    if copy_job_ids and params.get("state") != "absent":
        raise OwnershipInputError("copy_job_ids applies to state=absent only (it deletes the copies those jobs made)")
    if not isinstance(copy_job_ids, list) or not all(isinstance(j, str) and j.strip() for j in copy_job_ids):
        raise OwnershipInputError(f"copy_job_ids must be a list of copy job ids, got {copy_job_ids!r}")
    if params.get("copy_job_region") and not copy_job_ids:
        raise OwnershipInputError("copy_job_region applies with copy_job_ids only")
    created_after = params.get("copy_jobs_created_after")
    if created_after is not None and created_after < 0:
        raise OwnershipInputError(f"copy_jobs_created_after must be seconds since the epoch, got {created_after}")
    _check_job_settings(params)


def _check_tags(option: str, tags: Any) -> None:
    if not isinstance(tags, dict):
        raise OwnershipInputError(f"{option} must be a dict of tag keys and values")
    for key, value in tags.items():
        if key in (RUN_TAG, JOB_TAG):
            raise OwnershipInputError(f"{option} must not set {key}: that tag is the run's mark, set from run_id and the restore job")
        if str(key).lower().startswith("aws:"):
            raise OwnershipInputError(f"{option}: the prefix aws: is reserved by AWS, got {key!r}")
        if not _TAG_VALUE.match(str(value)):
            raise OwnershipInputError(f"{option}: the value of {key!r} must be 1 to 256 letters, digits, spaces or + - = . _ : / @")


_JOB_SETTING_KEYS = ("tags", "subnet_ids", "security_group_ids")


def _check_job_settings(params: dict[str, Any]) -> None:
    job_settings = params.get("job_settings") or {}
    if not job_settings:
        return
    if not isinstance(job_settings, dict):
        raise OwnershipInputError("job_settings must be a dict of restore job ids to their settings")
    if params.get("state") == "absent":
        raise OwnershipInputError("job_settings applies to state=present only")
    job_ids = set(params.get("restore_job_ids") or [])
    for job_id, settings in job_settings.items():
        option = f"job_settings[{job_id!r}]"
        # Settings for a job the call does not handle would be dropped without a word: a typo
        # or a stale id must show.
        if job_id not in job_ids:
            raise OwnershipInputError(f"job_settings: {job_id!r} is not one of restore_job_ids")
        if not isinstance(settings, dict):
            raise OwnershipInputError(f"{option} must be a dict with tags, subnet_ids and/or security_group_ids")
        unknown = sorted(str(k) for k in settings if k not in _JOB_SETTING_KEYS)
        if unknown:
            raise OwnershipInputError(f"{option}: unknown keys {', '.join(unknown)} (known: {', '.join(_JOB_SETTING_KEYS)})")
        _check_tags(f"{option}.tags", settings.get("tags") or {})
        for key in ("subnet_ids", "security_group_ids"):
            value = settings.get(key)
            if value is not None and (not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value)):
                raise OwnershipInputError(f"{option}.{key} must be a list of ids, got {value!r}")
        effective = settings.get("subnet_ids") if settings.get("subnet_ids") is not None else params.get("subnet_ids")
        if settings.get("security_group_ids") and not effective:
            raise OwnershipInputError(
                f"{option}.security_group_ids needs subnet_ids (the job's or the top-level ones): "
                "they are the security groups of the mount targets created there"
            )


def lazy_clients(make_client: Callable[[str], Any]) -> ClientFor:
    """client_for that makes each service's client once, when first needed."""
    clients: dict[str, Any] = {}

    def client_for(service: str) -> Any:
        if service not in clients:
            clients[service] = make_client(service)
        return clients[service]

    return client_for


def _is_failure(status: str) -> bool:
    return status.startswith("refused") or status.startswith("failed")


def _delete_copies(module: Any, client_for: ClientFor, params: dict[str, Any]) -> list[dict[str, Any]]:
    """The copies params' copy_job_ids made, deleted in the module's Region (copy_job.delete_copy).
    The copy jobs are described in copy_job_region, where they were started."""
    if not params.get("copy_job_ids"):
        return []
    # Imported here: copy_job imports restore_module, which imports this module.
    from ansible_collections.recovery.aws_backup.plugins.module_utils.copy_job import delete_copy

    region = module.region
    source_region = params.get("copy_job_region") or region
    source = client_for("backup") if source_region == region else module.client("backup", retry_decorator=backup_retry, region=source_region)
    return [
        delete_copy(source, client_for("backup"), job_id, region, params.get("copy_jobs_created_after"), module.check_mode)
        for job_id in params["copy_job_ids"]
    ]


def run_module(module: Any, client_for: ClientFor) -> None:
    """restored_resource's main: fail_json/exit_json, never a traceback."""
    params = module.params
    try:
        check_input(params)
        if params["state"] == "absent":
            resources = teardown(
                client_for, params["run_id"], params["restore_job_ids"], params["adopt_unmarked"], module.check_mode, params["wait_timeout"]
            )
            copies = _delete_copies(module, client_for, params)
            changed = any(r["status"] in ("deleted", "would be deleted") for r in resources + copies)
        else:
            resources = ensure_marked(
                client_for, params["run_id"], params["restore_job_ids"], params.get("tags"),
                params.get("subnet_ids"), params.get("security_group_ids"), module.check_mode, params["wait_timeout"],
                mark=params["mark"], job_settings=params.get("job_settings"), wait_until_usable=params.get("wait_until_usable", False),
            )  # fmt: skip
            changed = any(r.pop("changed", False) for r in resources)
        result = {"changed": changed, "resources": json_safe(resources)}
        if params["state"] == "absent" and params.get("copy_job_ids"):
            result["copies"] = json_safe(copies)
        problems = [f"restore job {r['restore_job_id']}: {r['status']}" for r in resources if _is_failure(r["status"])]
        problems += [f"copy job {c['copy_job_id']}: {c['status']}" for c in result.get("copies", []) if _is_failure(c["status"])]
        if problems:
            total = len(resources) + len(result.get("copies", []))
            module.fail_json(msg=f"{len(problems)} of {total} restore jobs' resources and copies were not handled: {'; '.join(problems)}", **result)
        module.exit_json(**result)
    except OwnershipInputError as e:
        module.fail_json(msg=str(e))
    except Exception as e:  # noqa: BLE001 - a message, never a traceback, reaches the user
        module.fail_json(msg=f"Unexpected error ({type(e).__name__}): {e}", exception=traceback.format_exc())


def run_info_module(module: Any, client_for: ClientFor) -> None:
    """restored_resource_info's main."""
    try:
        check_input({"run_id": module.params.get("run_id")} if module.params.get("run_id") is not None else {})
        resources = find_marked_resources(client_for, module.params.get("run_id"))
        module.exit_json(changed=False, resources=json_safe(resources))
    except OwnershipInputError as e:
        module.fail_json(msg=str(e))
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg="Failed listing the resources marked by drill runs")
