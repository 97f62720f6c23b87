"""Drills of DB cluster types (DocumentDB, Neptune) through real ansible-playbook runs of the restore role
on the emulator server: the restore creates a cluster with no instances, the drill creates
instance_count DB instances in it with the run's mark, validates the cluster and its instances
(available, the type's engine), measures, and tears down instances then cluster by ownership.
Plus the safety cases: a cluster named like a target stops the drill before anything starts, the
same drill twice restores twice, a drill stopped by SIGTERM is cleaned up later by ownership."""

from __future__ import annotations

from typing import Any

from tests.emulator.seed import create_docdb_cluster
from tests.emulator.seed import seed_cluster_recovery_points
from tests.integration.test_restore_role import inventory
from tests.integration.test_restore_role_safety import ROLE
from tests.integration.test_restore_role_safety import reports
from tests.integration.test_restore_role_safety import role_vars
from tests.integration.interrupted import stop_drill_while_it_waits, wait_until_restore_jobs_completed

RUN_TAG = "recovery.aws_backup:run-id"


def cluster_targets(seeded: dict[str, Any], suffix: str, **extra: Any) -> list[dict[str, Any]]:
    return [
        {"name": f"catalog-{suffix}", "resource_type": "DocumentDB", "backup_vault_name": seeded["backup_vault_name"],
         "recovery_point_arn": seeded["docdb"]["recovery_point_arn"], "instance_count": 2, "db_instance_class": "db.r5.large",
         "rto_seconds": 600, "rpo_seconds": 86400, **extra},
        {"name": f"graph-{suffix}", "resource_type": "Neptune", "backup_vault_name": seeded["backup_vault_name"],
         "recovery_point_arn": seeded["neptune"]["recovery_point_arn"], "rto_seconds": 600, "rpo_seconds": 86400, **extra},
    ]  # fmt: skip


def engines(server: Any) -> dict[str, str]:
    return {c["DBClusterIdentifier"]: c["Engine"] for c in server.client("rds").describe_db_clusters()["DBClusters"]}


def test_a_cluster_drill_restores_validates_measures_deletes_and_twice_restores_twice(emulator_server, run_playbook):
    emulator_server.configure(restore_job_seconds=1)
    seeded = seed_cluster_recovery_points(emulator_server.endpoint_url)
    before = inventory(emulator_server)
    rds = emulator_server.client("rds")
    drill = role_vars(seeded, "drill", cluster_targets(seeded, "drill"))
    first = run_playbook(ROLE, drill)
    assert first.rc == 0, first.stdout[-3000:]
    (summary,) = reports(first)
    by_name = {t["name"]: t for t in summary["targets"]}
    assert set(by_name) == {"catalog-drill", "graph-drill"}
    for target in by_name.values():
        # the built-in check: the cluster available with its instances available, of the type's engine
        assert target["validation"] == "passed" and target["teardown"] == "deleted", target
        assert target["measures"]["rto_met"] is True and target["measures"]["rpo_met"] is True
    # The restore and the instances it got are gone; the source cluster is untouched.
    assert inventory(emulator_server) == before
    for identifier, engine in (("prod-catalog", "docdb"), ("prod-graph", "neptune")):
        (source,) = rds.describe_db_clusters(DBClusterIdentifier=identifier)["DBClusters"]
        assert source["Engine"] == engine and RUN_TAG not in {t["Key"] for t in source.get("TagList", [])}
    backup = emulator_server.client("backup")
    for resource_type, name in (("DocumentDB", "catalog-drill"), ("Neptune", "graph-drill")):
        (job,) = backup.list_restore_jobs(ByResourceType=resource_type)["RestoreJobs"]
        assert job["Status"] == "COMPLETED" and job["CreatedResourceArn"].endswith(f":cluster:{name}")

    # The same drill again restores again (its own restore jobs), and cleans up again.
    second = run_playbook(ROLE, drill)
    assert second.rc == 0, second.stdout[-3000:]
    jobs = backup.list_restore_jobs()["RestoreJobs"]
    assert len(jobs) == 2 * len(drill["targets"]) and {j["Status"] for j in jobs} == {"COMPLETED"}
    first_jobs = {t["restore_job_id"] for t in summary["targets"]}
    later = [r for r in reports(second) if {t["restore_job_id"] for t in r["targets"]} != first_jobs]
    assert len(later) == 1 and all(t["teardown"] == "deleted" and t["validation"] == "passed" for t in later[0]["targets"])
    assert inventory(emulator_server) == before


def test_a_cluster_named_like_a_target_stops_the_drill_before_anything_starts(emulator_server, run_playbook):
    seeded = seed_cluster_recovery_points(emulator_server.endpoint_url)
    # production: a DocumentDB cluster named like the DocumentDB target, and one named like the Neptune
    # target (cluster identifiers are one namespace across the engines)
    create_docdb_cluster(emulator_server.client("docdb"), "catalog-prod")
    create_docdb_cluster(emulator_server.client("docdb"), "graph-prod")
    before, clusters_before = inventory(emulator_server), engines(emulator_server)
    emulator_server.reset_calls()
    result = run_playbook(ROLE, role_vars(seeded, "drill", cluster_targets(seeded, "prod")))
    assert result.rc != 0 and "already exist" in result.stdout, result.stdout[-3000:]
    assert "catalog-prod" in result.stdout and "graph-prod" in result.stdout
    assert emulator_server.calls().get("StartRestoreJob", 0) == 0
    assert inventory(emulator_server) == before and engines(emulator_server) == clusters_before


def test_a_cluster_drill_stopped_by_sigterm_is_cleaned_up_by_ownership(emulator_server, run_playbook, playbook_invocation, tmp_path):
    seeded = seed_cluster_recovery_points(emulator_server.endpoint_url)
    before = inventory(emulator_server)
    emulator_server.configure(restore_job_seconds=6)
    invocation = playbook_invocation(ROLE, role_vars(seeded, "drill", cluster_targets(seeded, "stopped")))
    stop_drill_while_it_waits(invocation, tmp_path, seconds_into_the_wait=1)
    wait_until_restore_jobs_completed(emulator_server)
    assert inventory(emulator_server) != before, "the restore jobs created their clusters, unmarked"

    emulator_server.configure(restore_job_seconds=0)
    cleanup = run_playbook(ROLE, role_vars(seeded, "cleanup", []))
    assert cleanup.rc == 0, cleanup.stdout[-3000:]
    assert inventory(emulator_server) == before
    assert engines(emulator_server) == {"prod-catalog": "docdb", "prod-graph": "neptune"}
