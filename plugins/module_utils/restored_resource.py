# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Resources a restore job created: finding, marking, making usable and deleting them by ownership.

A drill deletes only what it created. What a run created is identified by the restore job
it started (DescribeRestoreJob ``CreatedResourceArn``) and by the mark it put on the
resource when it was created: the tags ``RUN_TAG`` (the run) and ``JOB_TAG`` (the restore
job). Nothing here looks a resource up by name or tag alone on a path that deletes; deletion
is by the identifier in the job's ARN, after every ownership check.

Type-agnostic: what a resource is, how it is described, tagged, made usable and deleted is its
driver's (module_utils/drivers). Waiting is job_wait.wait_until_all: one loop, one deadline.
Clients come from ``client_for(service)`` (for modules ``module.client(service,
retry_decorator=backup_retry)``, so calls pass ``aws_retry=True``), made lazily so a task that
needs one service never creates another's client.
"""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:  # handled by AnsibleAWSModule, which reports missing botocore itself
    BotoCoreError = ClientError = Exception  # type: ignore[misc,assignment]

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

from ansible_collections.recovery.aws_backup.plugins.module_utils.backup_retry import backup_retry
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers import DRIVERS
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers import driver_for
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers import driver_for_arn
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers import driver_for_resource
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers import identifier_finders
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers import settings_keys
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import JOB_TAG
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import RUN_TAG
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import Driver
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import Listings
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import Ref
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import aware
from ansible_collections.recovery.aws_backup.plugins.module_utils.drivers.base import error_code
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import InputError
from ansible_collections.recovery.aws_backup.plugins.module_utils.job_status import check_named_entry
from ansible_collections.recovery.aws_backup.plugins.module_utils.job_wait import SYSTEM_CLOCK
from ansible_collections.recovery.aws_backup.plugins.module_utils.job_wait import Clock
from ansible_collections.recovery.aws_backup.plugins.module_utils.job_wait import ItemWaited
from ansible_collections.recovery.aws_backup.plugins.module_utils.job_wait import wait_until_all
from ansible_collections.recovery.aws_backup.plugins.module_utils.results import json_safe
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_job import RestoreJobAWSError
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_job import describe_restore_job
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_job import get_restore_job_metadata
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_validation import check_plan
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_validation import testing_jobs

__all__ = ["RUN_TAG", "JOB_TAG", "InputError"]

DEFAULT_WAIT_TIMEOUT = 1800

# Tag values every supported service accepts (letters, digits, spaces and + - = . _ : / @), 256 at most.
_TAG_VALUE = re.compile(r"^[\w\s+\-=.:/@]{1,256}$")

ClientFor = Callable[[str], Any]
ResourceRef = Ref
# ---- ARNs, describing, marking -------------------------------------------------------------


def parse_restored_arn(arn: Any) -> Optional[Ref]:
    """The Ref of an ARN a driver knows as created by a restore; None for anything else."""
    found = driver_for_arn(arn)
    return found[1] if found else None


def _driver(ref: Ref) -> Driver:
    return next(d for d in DRIVERS.values() if ref.kind in d.kinds)


def describe_resource(client_for: ClientFor, ref: Ref) -> Optional[dict[str, Any]]:
    """The resource normalised, or None when it does not exist or is being deleted."""
    driver = _driver(ref)
    raw = driver.describe(client_for, ref)
    return None if raw is None else driver.normalise(raw)


def resource_exists(client_for: ClientFor, arn: str) -> Optional[bool]:
    """Whether the resource a restore job created still exists; None when this cannot be
    told (a type without a driver, no permission, any AWS error), so the caller warns."""
    ref = parse_restored_arn(arn)
    if ref is None:
        return None
    try:
        return describe_resource(client_for, ref) is not None
    except (BotoCoreError, ClientError, AnsibleAWSError, RestoreJobAWSError):
        return None


def mark_tags(run_id: str, restore_job_id: str, extra_tags: Optional[dict[str, str]] = None) -> dict[str, str]:
    tags = {str(k): str(v) for k, v in (extra_tags or {}).items()}
    tags[RUN_TAG] = run_id
    tags[JOB_TAG] = restore_job_id
    return tags


def mark_resource(
    client_for: ClientFor, arn: str, run_id: str, restore_job_id: str, extra_tags: Optional[dict[str, str]] = None
) -> None:
    """Tag the resource with this run's mark (RUN_TAG, JOB_TAG) and extra_tags. The caller
    checks first that the resource is this run's to mark. Raises ValueError for an ARN no
    driver knows; AWS errors propagate as botocore's."""
    found = driver_for_arn(arn)
    if found is None:
        raise ValueError(f"cannot mark {arn!r}: not a resource of a type this collection restores ({', '.join(DRIVERS)})")
    driver, ref = found
    try:
        driver.tag(client_for, ref, mark_tags(run_id, restore_job_id, extra_tags))
    except AnsibleAWSError as e:
        raise (e.exception or e) from None


def find_marked_resources(client_for: ClientFor, run_id: Optional[str] = None, resource_types: Optional[list[str]] = None) -> list[dict[str, Any]]:
    """Every resource carrying RUN_TAG (equal to run_id when given; of resource_types when given):
    leftovers of interrupted runs. One listing per driver, tags read from it, so the cost does not
    grow with the number of resources."""
    found = []
    listings = Listings()
    wanted = None if resource_types is None else {driver_for(t) for t in resource_types}
    for driver in DRIVERS.values():
        if wanted is not None and driver not in wanted:
            continue
        for resource in driver.find_marked(client_for, listings):
            marked_run = resource["tags"].get(RUN_TAG)
            if run_id is not None and marked_run != run_id:
                continue
            found.append({**resource, "run_id": marked_run, "restore_job_id": resource["tags"].get(JOB_TAG)})
    return found


def find_taken(client_for: ClientFor, new_resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Which identifiers the restores of new_resources would create exist already: one filtered
    lookup per kind of identifier, whatever the number of resources."""
    wanted: dict[str, list[tuple[str, str]]] = {}
    for resource in new_resources:
        driver = driver_for(resource["resource_type"])
        for kind, identifier in driver.new_identifiers(resource["name"], resource.get("settings") or {}):  # type: ignore[union-attr]
            wanted.setdefault(kind, []).append((resource["name"], identifier))
    taken = []
    finders = identifier_finders()
    for kind, named in wanted.items():
        found = set(finders[kind].find_taken(client_for, [(kind, identifier) for _name, identifier in named]))
        taken += [{"name": name, "identifier": identifier, "kind": kind} for name, identifier in named if (kind, identifier) in found]
    return taken


# ---- ownership --------------------------------------------------------------------------


def created_before_job(resource: dict[str, Any], restore_job: dict[str, Any]) -> Optional[str]:
    """Why the resource cannot be the job's creation (it existed before the job), or None.

    This is what keeps an in-place target, a restore job's source and any production
    resource safe whatever their names. AWS gives some creation times to the second, so the
    job's time is compared at that precision; a restore takes far longer than a second."""
    created, job_created = aware(resource.get("created")), aware(restore_job.get("CreationDate"))
    if created is None or job_created is None:
        return "its creation time or the restore job's cannot be read, so it cannot be shown to be the job's creation"
    if created < job_created.replace(microsecond=0):
        return (
            f"it was created at {created.isoformat()}, before restore job {restore_job.get('RestoreJobId')} "
            f"({job_created.isoformat()}), so the job did not create it"
        )
    return None


def in_place_restore(metadata: dict[str, Any]) -> bool:
    """Whether a restore job's metadata restored into an existing resource (by any driver's rule)."""
    return any(driver.in_place(metadata) for driver in DRIVERS.values())


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
class _Checked:
    """A job's created resource that passed every ownership check (or, in_place, one only looked at)."""

    driver: Driver
    ref: Ref
    resource: dict[str, Any]
    state: str  # mark_state
    dependents: list[dict[str, Any]]  # normalised, this run's
    raw: dict[str, Any]  # the API's description the checks read
    in_place: bool = False


def _result(name: str, restore_job_id: str, status: str, arn: Optional[str] = None, kind: Optional[str] = None) -> dict[str, Any]:
    return {"name": name, "restore_job_id": restore_job_id, "created_resource_arn": arn, "resource_type": kind, "status": status}


def _check_job(
    client_for: ClientFor, run_id: str, name: str, restore_job_id: str, allow_unmarked: bool, look_in_place: bool = False,
    check_dependents: bool = True,
) -> tuple[Optional[_Checked], dict[str, Any]]:  # fmt: skip
    """The ownership checks shared by marking and deleting. Returns the checked resource, or
    None with the result saying why not (refused / not found / nothing created). With
    look_in_place, a job that restored in place gives its resource to be looked at only."""
    try:
        job = describe_restore_job(client_for("backup"), restore_job_id)
    except RestoreJobAWSError as e:
        # A job AWS does not know (a journal of another account, region or endpoint, or one
        # AWS no longer keeps) created nothing this call could delete.
        if error_code(e.error) == "ResourceNotFoundException":
            return None, _result(name, restore_job_id, "restore job not found")
        raise
    arn = job.get("CreatedResourceArn")
    if not arn:
        return None, {**_result(name, restore_job_id, "nothing created"), "restore_job_status": job.get("Status")}
    found = driver_for_arn(arn)
    if found is None:
        return None, _result(
            name, restore_job_id, f"refused: {arn} is not a resource of a type this collection restores ({', '.join(DRIVERS)})", arn
        )
    driver, ref = found
    result = _result(name, restore_job_id, "", arn, ref.kind)
    # In place, CreatedResourceArn names the restore's target (for some types the source itself).
    in_place = driver.in_place(get_restore_job_metadata(client_for("backup"), restore_job_id))
    if in_place and not look_in_place:
        return None, {**result, "status": f"refused: restore job {restore_job_id} restored in place, into an existing resource"}
    raw = driver.describe(client_for, ref)
    if raw is None:
        return None, {**result, "status": "not found"}
    # The type the description shows, where the ARN's form is shared (DB clusters of several engines).
    driver = driver_for_resource(ref, raw) or driver
    resource = driver.normalise(raw)
    if in_place:
        return _Checked(driver, ref, resource, "in place", [], raw, in_place=True), {**result, "status": "in place"}
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
    dependents = driver.dependents(client_for, ref, raw)
    if check_dependents:
        not_ours = [d["identifier"] for d in dependents if (d.get("tags") or {}).get(RUN_TAG) != run_id]
        early = [d["identifier"] for d in dependents if created_before_job(d, job)]
        if not_ours or early:
            return None, {**result, "status": f"refused: {driver.foreign_dependents(sorted(set(not_ours + early)))}"}
    return _Checked(driver, ref, resource, state, dependents, raw), result


def _aws_failure(error: Exception) -> str:
    if isinstance(error, RestoreJobAWSError):
        return f"failed: {error.action}: {_aws_message(error.error)}"
    if isinstance(error, AnsibleAWSError) and error.exception is not None:
        return f"failed: {error.message}: {_aws_message(error.exception)}"
    return f"failed: {_aws_message(error)}"


def _aws_message(error: Exception) -> str:
    response = getattr(error, "response", None) or {}
    message = response.get("Error", {}).get("Message")
    code = error_code(error)
    if message:
        return f"{code}: {message}" if code else str(message)
    return str(error)


def _is_failure(status: str) -> bool:
    return status.startswith("refused") or status.startswith("failed")


def _timed_out(timeout: float, goal: str, detail: str) -> str:
    return f"failed: timed out after wait_timeout={timeout:g} seconds waiting until {goal}; AWS goes on (still waiting for: {detail or 'a first answer'})"


def _outcome_status(outcome: ItemWaited, timeout: float, goal: str) -> Optional[str]:
    """The failed status of a wait's outcome; None when done."""
    if outcome.state == "done":
        return None
    if outcome.state == "error":
        return _aws_failure(outcome.error) if outcome.error is not None else f"failed: {outcome.detail}"
    if outcome.state == "stuck":
        return f"failed: {outcome.detail}"
    return _timed_out(timeout, goal, outcome.detail)


# ---- deleting ---------------------------------------------------------------------------


def teardown(
    client_for: ClientFor, run_id: str, restore_job_ids: list[str], adopt_unmarked: bool = False, check_mode: bool = False,
    wait_timeout: float = DEFAULT_WAIT_TIMEOUT, clock: Clock = SYSTEM_CLOCK, names: Optional[list[str]] = None,
) -> list[dict[str, Any]]:  # fmt: skip
    """Delete what each of the run's restore jobs created, and nothing else.

    A resource is deleted only when it exists, carries this run's mark for that job (or,
    with adopt_unmarked, carries no run mark at all, and is then marked first so an
    interruption leaves it findable), was created after the job started, and the job did
    not restore in place; its dependents (the driver's) must all carry this run's mark. Every
    deletion is started, then one wait (job_wait.wait_until_all, wait_timeout for the whole
    call) until all are gone. One job failing does not stop the others. Returns one result
    per job, `name` from names (default the job id)."""
    results = []
    waited: list[tuple[_Checked, dict[str, Any]]] = []
    for index, restore_job_id in enumerate(restore_job_ids):
        name = names[index] if names else restore_job_id
        result: dict[str, Any] = _result(name, restore_job_id, "")
        try:
            checked, result = _check_job(client_for, run_id, name, restore_job_id, allow_unmarked=adopt_unmarked)
            if checked is not None:
                if check_mode:
                    result["status"] = "would be deleted"
                    result["would_delete"] = [d["arn"] for d in checked.dependents] + [checked.ref.arn]
                else:
                    if checked.state == "unmarked":
                        checked.driver.tag(client_for, checked.ref, mark_tags(run_id, restore_job_id))
                        result["marked"] = True
                    waited.append((checked, result))
        except (BotoCoreError, ClientError, AnsibleAWSError, RestoreJobAWSError) as e:
            result["status"] = _aws_failure(e)
        result["deleted_resources"] = []
        results.append(result)

    def step(item: tuple[_Checked, dict[str, Any]]) -> tuple[str, str]:
        checked = item[0]
        done = checked.driver.delete_step(client_for, checked.ref, None, checked.dependents, False)
        return done.state, done.detail

    outcomes = wait_until_all(waited, step, wait_timeout, sleep=clock.sleep, clock=clock.monotonic) if waited else []
    for (checked, result), outcome in zip(waited, outcomes):
        failed = _outcome_status(outcome, wait_timeout, f"{checked.driver.noun(checked.ref)} is deleted")
        if failed is None:
            result["status"] = "deleted"
            result["deleted_resources"] = [d["arn"] for d in checked.dependents] + [checked.ref.arn]
        else:
            result["status"] = failed
    return results


# ---- marking and making usable (state present) ---------------------------------------------


def settings_for(own: Optional[dict[str, Any]], fallback: Optional[dict[str, Any]] = None) -> dict[str, Any]:
    """One resource's settings: its own, each key not given (None) taken from the top-level
    option of the same name; tags merged over the top-level tags. An empty list is a value."""
    own, fallback = own or {}, fallback or {}
    settings = {k: v for k, v in fallback.items() if v is not None and k != "tags"}
    settings.update({k: v for k, v in own.items() if v is not None and k != "tags"})
    settings["tags"] = {str(k): str(v) for k, v in {**(fallback.get("tags") or {}), **(own.get("tags") or {})}.items()}
    return settings


@dataclass
class Wanted:
    """One restore job to handle with state=present: the caller's name for it, its settings
    (the driver's usable_settings, with tags) and what validation expects (None: no validation)."""

    name: str
    restore_job_id: str
    settings: dict[str, Any] = field(default_factory=dict)
    expected: Optional[dict[str, Any]] = None


@dataclass
class _Handled:
    checked: _Checked
    wanted: Wanted
    result: dict[str, Any]
    tags: dict[str, str]  # for what make_usable creates
    raw: dict[str, Any]  # the last description; facts come from it
    fresh: bool = True  # raw is this round's description
    created: list[dict[str, Any]] = field(default_factory=list)


def make_present(
    client_for: ClientFor, run_id: str, wanted: list[Wanted], check_mode: bool = False, wait_timeout: float = DEFAULT_WAIT_TIMEOUT,
    mark: bool = True, wait_until_usable: bool = False, clock: Clock = SYSTEM_CLOCK,
) -> list[dict[str, Any]]:  # fmt: skip
    """Mark what each restore job created as this run's (after the same checks as teardown),
    put its settings' tags on it and make it usable through its driver (dependents created,
    with the run's mark when marking). A job that restored in place is looked at only (status
    "in place": never tagged, nothing created). Every resource is tagged before any waiting;
    then one wait (job_wait.wait_until_all, wait_timeout for the whole call) runs each
    resource's make-usable step until it is usable: for every resource with wait_until_usable
    (usable_at: when this call first saw it usable, epoch seconds), else for those whose
    settings make the driver create something. facts: the last description in snake_case;
    validation: the driver's, against `expected`.

    Returns one result per job; status "marked", "would be marked", "already marked",
    "checked" (mark false), "in place", "refused: ...", "not found", "nothing created" or
    "failed: ..."; changed tells whether anything was (or would be) tagged or created."""
    results = []
    handled: list[_Handled] = []
    for item in wanted:
        result: dict[str, Any] = _result(item.name, item.restore_job_id, "")
        try:
            checked, result = _check_job(
                client_for, run_id, item.name, item.restore_job_id, allow_unmarked=True, look_in_place=True, check_dependents=mark
            )
            result["changed"] = False
            if checked is not None:
                handled.append(_present_one(client_for, run_id, checked, item, result, mark, check_mode))
        except (BotoCoreError, ClientError, AnsibleAWSError, RestoreJobAWSError) as e:
            result["status"] = _aws_failure(e)
        result.setdefault("changed", False)
        results.append(result)
    if check_mode:
        for one in handled:
            if not one.checked.in_place:
                step = one.checked.driver.make_usable_step(client_for, one.checked.ref, one.raw, one.wanted.settings, one.tags, True)
                one.created, one.result["changed"] = step.created, one.result["changed"] or step.changed
    else:
        # Without wait_until_usable, only what the driver is to create is waited for.
        waited = [h for h in handled if wait_until_usable or (not h.checked.in_place and h.checked.driver.creates(h.wanted.settings))]
        _wait_usable(client_for, waited, wait_timeout, wait_until_usable, clock)
    for one in handled:
        one.result["facts"] = one.checked.driver.facts(one.raw)
        if not one.checked.in_place:
            one.result["created"] = one.created
            one.result.update(one.checked.driver.created_result(one.wanted.settings, one.created))
        if one.wanted.expected is not None and not check_mode:
            problems = one.checked.driver.validate(one.result["facts"], one.wanted.expected)
            one.result["validation"] = "passed" if not problems else f"failed: {'; '.join(problems)}"
    return results


def _present_one(
    client_for: ClientFor, run_id: str, checked: _Checked, item: Wanted, result: dict[str, Any], mark: bool, check_mode: bool
) -> _Handled:
    """Tag one checked resource (not one restored in place: that is looked at only)."""
    settings_tags = dict(item.settings.get("tags") or {})
    # A restore that is kept (the role's recover mode) is never marked: marked resources are
    # what the role's cleanup deletes. Its own tags it still gets.
    wanted = mark_tags(run_id, item.restore_job_id, settings_tags) if mark else settings_tags
    one = _Handled(checked, item, result, wanted, checked.raw)
    if checked.in_place:
        return one
    current = checked.resource.get("tags") or {}
    needs_tags = any(current.get(k) != v for k, v in wanted.items())
    if needs_tags and not check_mode:
        checked.driver.tag(client_for, checked.ref, wanted)
        one.raw = checked.driver.with_tags(one.raw, wanted)
    if not mark:
        result["status"] = "checked"
    elif checked.state == "unmarked":
        result["status"] = "would be marked" if check_mode else "marked"
    else:
        result["status"] = "already marked"
    result["changed"] = needs_tags
    return one


def _wait_usable(client_for: ClientFor, items: list[_Handled], timeout: float, usable: bool, clock: Clock) -> None:
    """One wait for every item until its driver's make-usable step is done. Each round first
    describes what is pending, one call per driver where the driver can (describe_many)."""
    if not items:
        return

    def before_round(pending: list[_Handled]) -> None:
        stale = [one for one in pending if not one.fresh]
        for driver in {id(one.checked.driver): one.checked.driver for one in stale}.values():
            mine = [one for one in stale if one.checked.driver is driver]
            found = driver.describe_many(client_for, [one.checked.ref for one in mine])
            for one in mine:
                raw = found.get(one.checked.ref.identifier.lower())
                if raw is not None:
                    one.raw, one.fresh = raw, True

    def step(one: _Handled) -> tuple[str, str]:
        driver, ref = one.checked.driver, one.checked.ref
        if not one.fresh:
            raw = driver.describe(client_for, ref)
            if raw is None:
                return "stuck", f"{driver.noun(ref)} went away while waiting until it is usable"
            one.raw = raw
        one.fresh = False
        settings = {} if one.checked.in_place else one.wanted.settings
        done = driver.make_usable_step(client_for, ref, one.raw, settings, one.tags, False)
        one.created += done.created
        one.result["changed"] = one.result["changed"] or done.changed
        if done.raw is not None:
            one.raw = done.raw
        if done.state == "done" and usable:
            one.result["usable_at"] = clock.wall()
        return done.state, done.detail

    outcomes = wait_until_all(items, step, timeout, before_round, clock.sleep, clock.monotonic)
    for one, outcome in zip(items, outcomes):
        failed = _outcome_status(outcome, timeout, f"{one.checked.driver.noun(one.checked.ref)} is usable")
        if failed is not None:
            one.result["status"] = failed


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
    clock: Clock = SYSTEM_CLOCK,
) -> list[dict[str, Any]]:
    """make_present for the options of earlier releases: restore job ids, each job's settings
    from job_settings over the top-level tags, subnet_ids and security_group_ids."""
    fallback = {"tags": extra_tags, "subnet_ids": subnet_ids, "security_group_ids": security_group_ids}
    wanted = [Wanted(job_id, job_id, settings_for((job_settings or {}).get(job_id), fallback)) for job_id in restore_job_ids]
    return make_present(client_for, run_id, wanted, check_mode, wait_timeout, mark, wait_until_usable, clock)


# ---- restore testing's restores -----------------------------------------------------------


def restore_test_expected(job: dict[str, Any], metadata: dict[str, Any]) -> dict[str, Any]:
    """What the built-in validation expects of what a restore testing job created: its driver's
    restore_test_expected from the job's metadata; {} for a type without a driver."""
    found = driver_for_arn(job.get("CreatedResourceArn"))
    if found is None:
        return {}
    driver, ref = found
    return driver.restore_test_expected(ref.identifier, metadata)


def restore_testing_jobs(client: Any, plan: Any) -> dict[str, Any]:
    """restored_resource_info's restore_testing_plan: the plan's ARN and its jobs (restore_validation.testing_jobs)."""
    found = testing_jobs(client, check_plan(plan), expected_of=restore_test_expected)
    return {"restore_testing_plan_arn": found["restore_testing_plan_arn"], "restore_testing_jobs": found["jobs"]}


# ---- the modules' flow ------------------------------------------------------------------


def _check_run_id(run_id: Any) -> None:
    if not isinstance(run_id, str) or not run_id.strip():
        raise InputError("run_id must not be empty: it is what marks this run's resources")
    if not _TAG_VALUE.match(run_id):
        raise InputError(
            f"run_id must be 1 to 256 letters, digits, spaces or + - = . _ : / @ (it becomes the tag {RUN_TAG}), got {run_id!r}"
        )


def _check_job_id(option: str, job_id: Any) -> None:
    if not isinstance(job_id, str) or not job_id.strip() or not _TAG_VALUE.match(job_id):
        raise InputError(f"{option} must be a restore job id, got {job_id!r}")


def check_input(params: dict[str, Any]) -> None:
    """Raises InputError naming the option; no AWS call."""
    if params.get("run_id") is not None or "restore_job_ids" in params or "resources" in params:
        _check_run_id(params.get("run_id"))
    resources = params.get("resources")
    job_ids = params.get("restore_job_ids")
    if "restore_job_ids" in params or "resources" in params:
        if (resources is None) == (job_ids is None):
            raise InputError("give one of resources and restore_job_ids")
    if job_ids is not None:
        for index, job_id in enumerate(job_ids):
            _check_job_id(f"restore_job_ids[{index}]", job_id)
        if len(set(job_ids)) != len(job_ids):
            raise InputError("restore_job_ids must not list a restore job twice")
    if resources is not None:
        _check_resources(params, resources)
    _check_tags("tags", params.get("tags") or {})
    wait_timeout = params.get("wait_timeout")
    if wait_timeout is not None and wait_timeout <= 0:
        raise InputError(f"wait_timeout must be a positive number of seconds, got {wait_timeout}")
    if params.get("state") == "present" and params.get("adopt_unmarked"):
        raise InputError("adopt_unmarked applies to state=absent only (state=present marks unmarked resources anyway)")
    if params.get("state") == "absent" and (params.get("subnet_ids") or params.get("security_group_ids")):
        raise InputError("subnet_ids and security_group_ids apply to state=present only")
    if params.get("security_group_ids") and not params.get("subnet_ids"):
        raise InputError("security_group_ids needs subnet_ids: they are the security groups of the mount targets created there")
    if params.get("state") == "absent" and params.get("wait_until_usable"):
        raise InputError("wait_until_usable applies to state=present only")
    _check_copies(params)
    _check_job_settings(params)


def _check_resources(params: dict[str, Any], resources: Any) -> None:
    if not isinstance(resources, list):
        raise InputError("resources must be a list of {name, restore_job_id, settings, expected}")
    names: set[str] = set()
    job_ids: set[str] = set()
    for index, resource in enumerate(resources):
        label = check_named_entry("resources", index, resource, "restore_job_id", names, quoted=True)
        _check_job_id(f"{label}.restore_job_id", resource.get("restore_job_id"))
        if resource["restore_job_id"] in job_ids:
            raise InputError(f"{label}.restore_job_id: resources must not list a restore job twice")
        job_ids.add(resource["restore_job_id"])
        for key in ("settings", "expected"):
            value = resource.get(key)
            if value is None:
                continue
            if params.get("state") == "absent":
                raise InputError(f"{label}.{key} applies to state=present only")
            if not isinstance(value, dict):
                raise InputError(f"{label}.{key} must be a dict, got {value!r}")
        if resource.get("settings"):
            _check_settings(f"{label}.settings", resource["settings"], params)


def _check_settings(option: str, settings: dict[str, Any], params: dict[str, Any]) -> None:
    known = settings_keys()
    unknown = sorted(str(k) for k in settings if k not in known)
    if unknown:
        raise InputError(f"{option}: unknown keys {', '.join(unknown)} (known: {', '.join(known)})")
    _check_tags(f"{option}.tags", settings.get("tags") or {})
    fallback = {"subnet_ids": params.get("subnet_ids"), "security_group_ids": params.get("security_group_ids")}
    for driver in DRIVERS.values():
        problems = driver.check_settings(option, settings, fallback)
        if problems:
            raise InputError("; ".join(problems))


def _check_copies(params: dict[str, Any]) -> None:
    copy_job_ids = params.get("copy_job_ids") or []
    copies = params.get("copies") or []
    if (copy_job_ids or copies) and params.get("state") != "absent":
        option = "copies" if copies else "copy_job_ids"
        raise InputError(f"{option} applies to state=absent only (it deletes the copies those jobs made)")
    if not isinstance(copy_job_ids, list) or not all(isinstance(j, str) and j.strip() for j in copy_job_ids):
        raise InputError(f"copy_job_ids must be a list of copy job ids, got {copy_job_ids!r}")
    if params.get("copy_job_region") and not copy_job_ids:
        raise InputError("copy_job_region applies with copy_job_ids only")
    if copies and copy_job_ids:
        raise InputError("give one of copies and copy_job_ids")
    for index, copy in enumerate(copies):
        if not isinstance(copy, dict) or not isinstance(copy.get("name"), str) or not copy["name"].strip():
            raise InputError(f"copies[{index}] must be a dict with a non-empty name and copy_job_id, got {copy!r}")
        if not isinstance(copy.get("copy_job_id"), str) or not copy["copy_job_id"].strip():
            raise InputError(f"copies[{index}] ({copy['name']!r}).copy_job_id must be a copy job id, got {copy.get('copy_job_id')!r}")
        region = copy.get("region")
        if region is not None and not (isinstance(region, str) and re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d+", region)):
            raise InputError(f"copies[{index}] ({copy['name']!r}).region must be an AWS Region such as us-east-1, got {region!r}")
    created_after = params.get("copy_jobs_created_after")
    if created_after is not None and created_after < 0:
        raise InputError(f"copy_jobs_created_after must be seconds since the epoch, got {created_after}")


def _check_tags(option: str, tags: Any) -> None:
    if not isinstance(tags, dict):
        raise InputError(f"{option} must be a dict of tag keys and values")
    for key, value in tags.items():
        if key in (RUN_TAG, JOB_TAG):
            raise InputError(f"{option} must not set {key}: that tag is the run's mark, set from run_id and the restore job")
        if str(key).lower().startswith("aws:"):
            raise InputError(f"{option}: the prefix aws: is reserved by AWS, got {key!r}")
        if not _TAG_VALUE.match(str(value)):
            raise InputError(f"{option}: the value of {key!r} must be 1 to 256 letters, digits, spaces or + - = . _ : / @")


def _check_job_settings(params: dict[str, Any]) -> None:
    job_settings = params.get("job_settings") or {}
    if not job_settings:
        return
    if not isinstance(job_settings, dict):
        raise InputError("job_settings must be a dict of restore job ids to their settings")
    if params.get("state") == "absent":
        raise InputError("job_settings applies to state=present only")
    job_ids = set(params.get("restore_job_ids") or [])
    for job_id, settings in job_settings.items():
        option = f"job_settings[{job_id!r}]"
        # Settings for a job the call does not handle would be dropped without a word: a typo
        # or a stale id must show.
        if job_id not in job_ids:
            raise InputError(f"job_settings: {job_id!r} is not one of restore_job_ids")
        if not isinstance(settings, dict):
            raise InputError(f"{option} must be a dict with tags and the settings of the resource's type ({', '.join(settings_keys())})")
        _check_settings(option, settings, params)


def check_new_resources(new_resources: Any) -> None:
    """restored_resource_info's new_resources; InputError naming the element."""
    if not isinstance(new_resources, list):
        raise InputError("new_resources must be a list of {name, resource_type, settings}")
    for index, resource in enumerate(new_resources):
        name = resource.get("name") if isinstance(resource, dict) else None
        if not isinstance(name, str) or not name.strip():
            raise InputError(f"new_resources[{index}].name must be a non-empty string, got {name!r}")
        if driver_for(resource.get("resource_type")) is None:
            raise InputError(
                f"new_resources[{index}] ({name!r}).resource_type must be one of {', '.join(DRIVERS)}, got {resource.get('resource_type')!r}"
            )
        if resource.get("settings") is not None and not isinstance(resource["settings"], dict):
            raise InputError(f"new_resources[{index}] ({name!r}).settings must be a dict, got {resource['settings']!r}")


def lazy_clients(make_client: Callable[[str], Any]) -> ClientFor:
    """client_for that makes each service's client once, when first needed."""
    clients: dict[str, Any] = {}

    def client_for(service: str) -> Any:
        if service not in clients:
            clients[service] = make_client(service)
        return clients[service]

    return client_for


DeleteCopy = Callable[[Any, Any, str, str, Optional[float], bool], dict[str, Any]]


def _delete_copies(module: Any, client_for: ClientFor, params: dict[str, Any], delete_copy: Optional[DeleteCopy]) -> list[dict[str, Any]]:
    """The copies the run's copy jobs made, deleted in the module's Region by `delete_copy`
    (copy_job.delete_copy, passed in by the module so module_utils has no import cycle). Each copy
    job is described in the Region whose StartCopyJob made it (copies[].region, or copy_job_region)."""
    copies = list(params.get("copies") or [])
    copies += [{"name": j, "copy_job_id": j, "region": params.get("copy_job_region")} for j in params.get("copy_job_ids") or []]
    if not copies or delete_copy is None:
        return []
    region = module.region
    sources: dict[str, Any] = {region: client_for("backup")}
    results = []
    for copy in copies:
        source_region = copy.get("region") or region
        if source_region not in sources:
            sources[source_region] = module.client("backup", retry_decorator=backup_retry, region=source_region)
        outcome = delete_copy(
            sources[source_region], client_for("backup"), copy["copy_job_id"], region, params.get("copy_jobs_created_after"), module.check_mode
        )
        results.append({"name": copy["name"], **outcome})
    return results


def _wanted(params: dict[str, Any]) -> list[Wanted]:
    fallback = {"tags": params.get("tags"), "subnet_ids": params.get("subnet_ids"), "security_group_ids": params.get("security_group_ids")}
    if params.get("resources") is not None:
        return [
            Wanted(r["name"], r["restore_job_id"], settings_for(r.get("settings"), fallback), r.get("expected"))
            for r in params["resources"]
        ]
    job_settings = params.get("job_settings") or {}
    return [Wanted(job_id, job_id, settings_for(job_settings.get(job_id), fallback)) for job_id in params["restore_job_ids"]]


def run_module(module: Any, client_for: ClientFor, delete_copy: Optional[DeleteCopy] = None) -> None:
    """restored_resource's main: fail_json/exit_json, never a traceback."""
    params = module.params
    try:
        check_input(params)
        wanted = _wanted(params)
        if params["state"] == "absent":
            resources = teardown(
                client_for, params["run_id"], [w.restore_job_id for w in wanted], params["adopt_unmarked"], module.check_mode,
                params["wait_timeout"], names=[w.name for w in wanted],
            )  # fmt: skip
            copies = _delete_copies(module, client_for, params, delete_copy)
            changed = any(r["status"] in ("deleted", "would be deleted") for r in resources + copies)
        else:
            resources = make_present(
                client_for, params["run_id"], wanted, module.check_mode, params["wait_timeout"],
                mark=params["mark"], wait_until_usable=params.get("wait_until_usable", False),
            )  # fmt: skip
            changed = any(r.pop("changed", False) for r in resources)
        result = {"changed": changed, "resources": json_safe(resources)}
        if params["state"] == "absent" and (params.get("copy_job_ids") or params.get("copies")):
            result["copies"] = json_safe(copies)
        problems = [f"{r['name']}: {r['status']}" for r in resources if _is_failure(r["status"])]
        problems += [f"copy job {c['copy_job_id']}: {c['status']}" for c in result.get("copies", []) if _is_failure(c["status"])]
        if problems:
            total = len(resources) + len(result.get("copies", []))
            module.fail_json(msg=f"{len(problems)} of {total} restore jobs' resources and copies were not handled: {'; '.join(problems)}", **result)
        module.exit_json(**result)
    except InputError as e:
        module.fail_json(msg=str(e))
    except Exception as e:  # noqa: BLE001 - a message, never a traceback, reaches the user
        module.fail_json(msg=f"Unexpected error ({type(e).__name__}): {e}", exception=traceback.format_exc())


def run_info_module(module: Any, client_for: ClientFor) -> None:
    """restored_resource_info's main."""
    params = module.params
    try:
        if params.get("restore_testing_plan") is not None:
            module.exit_json(changed=False, **restore_testing_jobs(client_for("backup"), params["restore_testing_plan"]))
        if params.get("run_id") is not None:
            _check_run_id(params["run_id"])
        new_resources = params.get("new_resources")
        result: dict[str, Any] = {"changed": False}
        if new_resources is not None:
            check_new_resources(new_resources)
            # The drill's preflight: the taken names (one lookup per kind of identifier).
            taken = find_taken(client_for, new_resources)
            result["taken"] = taken
            if taken:
                ids = [t["identifier"] for t in taken]
                result["msg"] = f"{', '.join(ids)} already exist{'s' if len(ids) == 1 else ''}; choose new names (nothing was started)"
        # A drill's preflight looks for the leftovers of its own types: another type's listing
        # would cost its client and calls on every drill (cleanup, without new_resources, lists all).
        types = None if new_resources is None else [r["resource_type"] for r in new_resources]
        result["resources"] = json_safe(find_marked_resources(client_for, params.get("run_id"), types))
        module.exit_json(**result)
    except InputError as e:
        module.fail_json(msg=str(e))
    except (BotoCoreError, ClientError, AnsibleAWSError, RestoreJobAWSError) as e:
        what = "the restore testing plan's restore jobs" if params.get("restore_testing_plan") is not None else "the resources marked by drill runs"
        module.fail_json_aws(getattr(e, "exception", None) or getattr(e, "error", None) or e, msg=f"Failed listing {what}")
