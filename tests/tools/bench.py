"""`make bench`: what restores cost, measured on the emulator. Not part of `make test`.

Prints, and writes to .cache/bench/results.json and docs/performance.md, each figure with
min / median / max over its repeats:

1. reads of a re-run of backup_restore_job (an equal job exists; counted by the emulator, per
   operation) with 0, 1,000 and 5,000 unrelated restore jobs in the account, for each way of
   naming the recovery point;
2. completion lateness of `wait: true` (the module process's end minus the job's
   CompletionDate) for restores of D = 20 s and 120 s, and DescribeRestoreJob calls per job;
3. the cost of one restore in a loop: an ansible-playbook loop (per extra item), the module
   process alone, and the AWS CLI v1 `aws backup start-restore-job` (its own venv,
   .cache/awscli-venv, made as tests/unit/emulator/test_emulator_awscli.py makes it);
4. the DR drill (playbooks/dr_drill.yml, the restore role as it is on disk) with N = 1, 10, 50
   EFS targets and D = 20 s: overhead = wall time - the slowest restore job's own duration; for
   N = 50 the peak RSS and the peak number of processes of the ansible-playbook process tree;
5. job-status calls of a 10-target drill of 60 s restores: the AWS calls backup_job_status makes
   while awaiting 10 restore jobs as the role does (wait with progress_interval, called again for
   the names still running), against the goal 3 x D / 5 + 10.

Each part has its own emulator server (a subprocess on a free 127.0.0.1 port, stopped at the
end). Parts 1-3 run first, side by side; then the drills, alone, each size --repeats times (about
eight minutes in all here). --overlap runs the drills beside parts 1-3 instead (faster, noisier).

    .venv/bin/python tests/tools/bench.py [--parts reads,lateness,loop,drill,status] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))
COLLECTIONS = REPO_ROOT / ".collections"
PYTHON = REPO_ROOT / ".venv" / "bin" / "python"
ANSIBLE_PLAYBOOK = REPO_ROOT / ".venv" / "bin" / "ansible-playbook"
MODULE = REPO_ROOT / "plugins" / "modules" / "backup_restore_job.py"
RESULTS = REPO_ROOT / ".cache" / "bench" / "results.json"
REPORT = REPO_ROOT / "docs" / "performance.md"
REGION = "us-east-1"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": REGION}
VAULT = "bench-vault"
UNRELATED_COUNTS = (0, 1000, 5000)
LATENESS_DURATIONS = (20, 120)
# Restores awaited together by one process, as the role awaits a drill's targets.
TOGETHER_JOBS = 50
DRILL_SIZES = (1, 10, 50)
DRILL_RESTORE_SECONDS = 20
# Part 5: a drill's targets awaited by backup_job_status, as the role awaits them.
STATUS_TARGETS = 10
STATUS_RESTORE_SECONDS = 60
STATUS_PROGRESS_INTERVAL = 50  # the role's restore_progress_interval default
JOB_STATUS_MODULE = REPO_ROOT / "plugins" / "modules" / "backup_job_status.py"
LOOP_ITEMS = 10


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)  # noqa: T201


def spread(values: list[float]) -> dict[str, float]:
    return {"min": min(values), "median": statistics.median(values), "max": max(values), "n": len(values)}


# ---- emulator servers -------------------------------------------------------------------


class Server:
    """An emulator server subprocess with the test controls over HTTP (see tests/emulator/README.md)."""

    def __init__(self, name: str):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.endpoint_url = f"http://127.0.0.1:{port}"
        self.log = tempfile.NamedTemporaryFile(prefix=f"bench-{name}-", suffix=".log", delete=False)  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603
            [str(PYTHON), "-m", "tests.emulator.server", "--port", str(port)],
            cwd=REPO_ROOT, stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            try:
                if self.control("GET", "health")["status"] == "ok":
                    break
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the emulator server did not start; see {self.log.name}")
            time.sleep(0.2)

    def control(self, method: str, action: str, payload: dict | None = None, query: str = "") -> Any:
        request = urllib.request.Request(  # noqa: S310 - the local emulator
            f"{self.endpoint_url}/_emulator/{action}{query}", method=method,
            data=json.dumps(payload).encode() if payload is not None else None, headers={"Content-Type": "application/json"},
        )  # fmt: skip
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return json.loads(response.read() or b"{}")

    def configure(self, restore_job_seconds: float) -> None:
        self.control("POST", "config", {"restore_job_seconds": restore_job_seconds})

    def calls(self, service: str = "backup") -> dict[str, int]:
        return self.control("GET", "calls", query=f"?service={service}")["calls"]

    def reset_calls(self) -> None:
        self.control("DELETE", "calls")

    def client(self, service: str) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client(service, region_name=REGION, endpoint_url=self.endpoint_url,
                            aws_access_key_id="testing", aws_secret_access_key="testing",
                            config=Config(max_pool_connections=16))  # fmt: skip

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def seed_point(server: Server, name: str) -> dict[str, str]:
    from tests.emulator import seed

    return seed.seed_efs_recovery_point(server.client("backup"), server.client("efs"), server.client("iam"), VAULT, name=name)


def efs_metadata(point: dict[str, str], token: str | None = None) -> dict[str, str]:
    metadata = {"file-system-id": point["file_system_id"], "newFileSystem": "true", "Encrypted": "true"}
    if token:
        metadata["CreationToken"] = token
    return metadata


# ---- running the module, ansible-playbook and the AWS CLI ---------------------------------


def module_env() -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ANSIBLE_"))},
        **CREDENTIALS,
        "PYTHONPATH": str(COLLECTIONS),
        "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS),
        "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
        "ANSIBLE_HOST_KEY_CHECKING": "false",
        "ANSIBLE_RETRY_FILES_ENABLED": "false",
    }


def run_module(server: Server, args: dict[str, Any], module: Path = MODULE) -> tuple[dict[str, Any], float, float]:
    """The module (backup_restore_job unless told) as one process, as Ansible runs it on a host:
    (result, seconds, wall-clock end)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump({"ANSIBLE_MODULE_ARGS": {"endpoint_url": server.endpoint_url, "region": REGION, **args}}, handle)
    started = time.monotonic()
    try:
        completed = subprocess.run(  # noqa: S603
            [str(PYTHON), str(module), handle.name], env=module_env(), capture_output=True, text=True, timeout=900, check=False
        )
    finally:
        os.unlink(handle.name)
    ended_wall, seconds = time.time(), time.monotonic() - started
    try:
        result = json.loads(completed.stdout)
    except ValueError:
        raise SystemExit(f"{module.stem} gave no JSON: {completed.stdout[-2000:]} {completed.stderr[-2000:]}") from None
    if result.get("failed"):
        raise SystemExit(f"{module.stem} failed: {result.get('msg')}")
    return result, seconds, ended_wall


def run_playbook(
    playbook: Path, variables: dict[str, Any], timeout: float = 900, temp: str | None = None
) -> tuple[subprocess.Popen, Callable[[], float]]:
    """ansible-playbook started (not waited for); returns the process and a function that waits
    for it and gives its wall time. `temp`: Ansible's temporary and async directories."""
    command = [str(ANSIBLE_PLAYBOOK), "-i", "localhost,", "-c", "local", "-e", json.dumps(variables), str(playbook)]
    output = tempfile.NamedTemporaryFile(prefix="bench-playbook-", suffix=".log", delete=False)  # noqa: SIM115
    env = module_env()
    if temp:
        env.update(ANSIBLE_LOCAL_TEMP=f"{temp}/local", ANSIBLE_REMOTE_TEMP=f"{temp}/remote", ANSIBLE_ASYNC_DIR=f"{temp}/async")
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)  # noqa: S603

    def finish() -> float:
        process.wait(timeout=timeout)
        seconds = time.monotonic() - started
        if process.returncode != 0:
            raise SystemExit(f"{playbook.name} failed (rc {process.returncode}); see {output.name}")
        os.unlink(output.name)
        return seconds

    return process, finish


def aws_cli() -> Path:
    """The AWS CLI v1 in .cache/awscli-venv, installed there when missing (the emulator tests' helper)."""
    import fcntl

    from tests.unit.emulator.test_emulator_awscli import AWSCLI_VENV, _aws_executable

    AWSCLI_VENV.parent.mkdir(parents=True, exist_ok=True)
    with open(AWSCLI_VENV.parent / "awscli-venv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _aws_executable()


# ---- 1. re-run reads --------------------------------------------------------------------

READ_OPERATIONS = ("Describe", "List", "Get")
# What a first run with recovery_point_arn + backup_vault_name and wait: false needs: the point's
# resource, that resource's restore jobs of the point, the metadata of the one such job already
# there (a candidate: equal unless its metadata differs), the start, and the new job's fields
# (StartRestoreJob answers only its id).
FIRST_RUN_CALLS = {"DescribeRecoveryPoint": 1, "ListRestoreJobsByProtectedResource": 1, "GetRestoreJobMetadata": 1,
                   "StartRestoreJob": 1, "DescribeRestoreJob": 1}  # fmt: skip


def rerun_forms(point: dict[str, str]) -> dict[str, dict[str, Any]]:
    common = {"resource_type": "EFS", "iam_role_arn": point["iam_role_arn"], "metadata": efs_metadata(point), "wait": False}
    return {
        "recovery_point_arn + backup_vault_name": {**common, "recovery_point_arn": point["recovery_point_arn"],
                                                   "backup_vault_name": VAULT},
        "resource_arn + backup_vault_name": {**common, "resource_arn": point["resource_arn"], "backup_vault_name": VAULT},
        "resource_arn": {**common, "resource_arn": point["resource_arn"]},
        "resource_arn, no resource_type": {**{k: v for k, v in common.items() if k != "resource_type"},
                                           "resource_arn": point["resource_arn"]},
    }  # fmt: skip


def seed_unrelated_jobs(server: Server, point: dict[str, str], count: int) -> float:
    """`count` more restore jobs of another file system (in place, so none creates one)."""
    backup = server.client("backup")
    started = time.monotonic()

    def start(_number: int) -> None:
        backup.start_restore_job(RecoveryPointArn=point["recovery_point_arn"],
                                 Metadata={"file-system-id": point["file_system_id"], "newFileSystem": "false"})  # fmt: skip

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(start, range(count)))
    return time.monotonic() - started


def bench_reads(repeats: int) -> dict[str, Any]:
    server = Server("reads")
    try:
        # Jobs that stay RUNNING: a re-run reuses the equal one without looking at a resource,
        # and the unrelated ones create nothing.
        server.configure(restore_job_seconds=7200)
        point, other = seed_point(server, "bench-target"), seed_point(server, "bench-other")
        forms = rerun_forms(point)
        first, _seconds, _end = run_module(server, forms["recovery_point_arn + backup_vault_name"])
        assert first["changed"], first
        results: dict[str, Any] = {"forms": {}, "seeding_seconds": {}}
        seeded = 0
        for count in UNRELATED_COUNTS:
            results["seeding_seconds"][str(count)] = seed_unrelated_jobs(server, other, count - seeded)
            seeded = count
            for form, args in forms.items():
                reads, seconds, calls = [], [], {}
                for _repeat in range(repeats):
                    server.reset_calls()
                    result, elapsed, _end = run_module(server, args)
                    assert not result["changed"] and result["restore_job"]["restore_job_id"] == first["restore_job"]["restore_job_id"]
                    calls = server.calls()
                    assert not [op for op in calls if not op.startswith(READ_OPERATIONS)], calls  # no writes
                    reads.append(sum(calls.values()))
                    seconds.append(elapsed)
                results["forms"].setdefault(form, {})[str(count)] = {"reads": spread(reads), "seconds": spread(seconds), "calls": calls}
                log(f"re-run, {form}, {count} other jobs: {reads[-1]} reads {calls}, {statistics.median(seconds):.2f} s")
        # A first run among them all (other metadata, so no job is equal): with wait: false only
        # the equal-job search, StartRestoreJob and one DescribeRestoreJob for the job's fields.
        server.reset_calls()
        args = {**forms["recovery_point_arn + backup_vault_name"], "metadata": efs_metadata(point, "first-run")}
        fresh, _seconds, _end = run_module(server, args)
        assert fresh["changed"] and fresh["restore_job"]["restore_job_id"] != first["restore_job"]["restore_job_id"], fresh
        results["first_run_calls"] = server.calls()
        log(f"first run, {UNRELATED_COUNTS[-1]} other jobs: {results['first_run_calls']}")
        return results
    finally:
        server.stop()


# ---- 2. completion lateness -------------------------------------------------------------


def bench_lateness(duration: int, jobs: int) -> dict[str, Any]:
    """`jobs` restores of `duration` seconds started together, each awaited by its own module
    process (as the role awaits its targets); lateness = process end - CompletionDate."""
    server = Server(f"lateness-{duration}")
    try:
        server.configure(restore_job_seconds=duration)
        point = seed_point(server, f"bench-late-{duration}")
        server.reset_calls()

        def one(number: int) -> float:
            args = {"recovery_point_arn": point["recovery_point_arn"], "backup_vault_name": VAULT, "resource_type": "EFS",
                    "iam_role_arn": point["iam_role_arn"], "metadata": efs_metadata(point, f"late-{duration}-{number}"),
                    "wait": True, "wait_timeout": duration * 3 + 60}  # fmt: skip
            result, _seconds, ended = run_module(server, args)
            completed = datetime.fromisoformat(result["restore_job"]["completion_date"])
            return ended - completed.timestamp()

        with ThreadPoolExecutor(jobs) as pool:
            lateness = list(pool.map(one, range(jobs)))
        polls = server.calls().get("DescribeRestoreJob", 0)
        # one DescribeRestoreJob per job right after StartRestoreJob; the rest are the wait's polls
        result = {"lateness_seconds": spread(lateness), "describe_calls_per_job": polls / jobs,
                  "budget_seconds": max(5.0, 0.05 * duration)}  # fmt: skip
        log(f"lateness at D={duration} s: {[round(x, 2) for x in lateness]} s, {polls / jobs:.1f} DescribeRestoreJob per job")
        return result
    finally:
        server.stop()


def bench_lateness_together(duration: int, jobs: int, repeats: int) -> dict[str, Any]:
    """`jobs` restores of `duration` seconds started one after another, all awaited by one
    backup_job_status process (as the role awaits a drill's targets); lateness = process end
    - the last CompletionDate."""
    server = Server(f"lateness-together-{duration}")
    try:
        server.configure(restore_job_seconds=duration)
        point = seed_point(server, f"bench-together-{duration}")
        backup = server.client("backup")
        lateness, polls = [], []
        for repeat in range(repeats):
            ids = [backup.start_restore_job(RecoveryPointArn=point["recovery_point_arn"], IamRoleArn=point["iam_role_arn"],
                                            ResourceType="EFS", Metadata=efs_metadata(point, f"together-{repeat}-{n}"))["RestoreJobId"]
                   for n in range(jobs)]  # fmt: skip
            server.reset_calls()
            result, _seconds, ended = run_module(server, {"restore_job_ids": ids, "wait": True, "wait_timeout": duration * 3 + 60},
                                                 JOB_STATUS_MODULE)  # fmt: skip
            last = max(datetime.fromisoformat(job["completion_date"]).timestamp() for job in result["restore_jobs"])
            lateness.append(ended - last)
            calls = server.calls()
            polls.append((calls.get("DescribeRestoreJob", 0) + calls.get("ListRestoreJobs", 0)) / jobs)
        log(f"lateness of {jobs} jobs awaited together at D={duration} s: {[round(x, 2) for x in lateness]} s")
        return {"jobs": jobs, "lateness_seconds": spread(lateness), "describe_calls_per_job": statistics.median(polls),
                "budget_seconds": max(5.0, 0.05 * duration)}  # fmt: skip
    finally:
        server.stop()


# ---- 5. job-status calls of a drill -------------------------------------------------------


def bench_job_status(targets: int, duration: int, repeats: int) -> dict[str, Any]:
    """`targets` restores of `duration` seconds started one after another, then awaited by
    backup_job_status as the role awaits a drill's targets: wait with progress_interval, called
    again for the names still running until all have ended. Counts every AWS call the module
    processes make (the emulator counts per operation); the goal is 3 x D / 5 + 10."""
    server = Server(f"job-status-{duration}")
    try:
        server.configure(restore_job_seconds=duration)
        point = seed_point(server, f"bench-status-{duration}")
        backup = server.client("backup")
        totals, by_operation, lateness, processes = [], [], [], []
        for repeat in range(repeats):
            jobs = [
                {"name": f"target-{n}", "restore_job_id": backup.start_restore_job(
                    RecoveryPointArn=point["recovery_point_arn"], IamRoleArn=point["iam_role_arn"], ResourceType="EFS",
                    Metadata=efs_metadata(point, f"status-{repeat}-{n}"))["RestoreJobId"]}
                for n in range(targets)
            ]  # fmt: skip
            server.reset_calls()
            running, seen, calls_made = jobs, {}, 0
            while running:
                result, _seconds, ended = run_module(server, {"restore_jobs": running, "wait": True, "wait_timeout": duration * 3 + 60,
                                                              "progress_interval": STATUS_PROGRESS_INTERVAL}, JOB_STATUS_MODULE)  # fmt: skip
                calls_made += 1
                seen.update({job["name"]: job for job in result["restore_jobs"]})
                running = [job for job in jobs if job["name"] in result["running"]]
            last = max(datetime.fromisoformat(job["completion_date"]).timestamp() for job in seen.values())
            calls = server.calls()
            totals.append(float(sum(calls.values())))
            by_operation.append(calls)
            lateness.append(ended - last)
            processes.append(calls_made)
        goal = 3 * duration / 5 + 10
        log(f"job-status calls awaiting {targets} restores of {duration} s: {totals} (goal {goal:g}); {by_operation[-1]}")
        return {"targets": targets, "duration": duration, "calls": spread(totals), "calls_by_operation": by_operation[-1],
                "goal": goal, "module_runs": spread([float(n) for n in processes]), "lateness_seconds": spread(lateness)}  # fmt: skip
    finally:
        server.stop()


# ---- 3. one restore in a loop -----------------------------------------------------------

LOOP_PLAYBOOK = """\
- name: Restores in a loop
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Restore
      recovery.aws_backup.backup_restore_job:
        endpoint_url: "{{ endpoint_url }}"
        region: us-east-1
        recovery_point_arn: "{{ item.recovery_point_arn }}"
        backup_vault_name: "{{ vault }}"
        resource_type: EFS
        iam_role_arn: "{{ role }}"
        metadata: "{{ item.metadata }}"
        wait: false
      loop: "{{ items }}"
"""


def bench_loop(repeats: int) -> dict[str, Any]:
    from tests.emulator import seed

    server = Server("loop")
    aws = aws_cli()
    playbook = Path(tempfile.mkdtemp(prefix="bench-loop-")) / "loop.yml"
    playbook.write_text(LOOP_PLAYBOOK)
    try:
        server.configure(restore_job_seconds=7200)
        first = seed_point(server, "bench-loop")
        points = [first["recovery_point_arn"]] + seed.many_backups(
            server.client("backup"), VAULT, first["resource_arn"], first["iam_role_arn"], LOOP_ITEMS - 1
        )
        cli_env = {**{k: v for k, v in os.environ.items() if not k.startswith("AWS_")}, **CREDENTIALS,
                   "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull}  # fmt: skip
        playbook_item, module_call, cli_call = [], [], []
        for repeat in range(repeats):
            def items(kind: str, count: int, repeat: int = repeat) -> list[dict[str, Any]]:
                return [{"recovery_point_arn": points[n], "metadata": efs_metadata(first, f"{kind}-{repeat}-{n}")} for n in range(count)]

            timings = {}
            for count in (1, LOOP_ITEMS):
                _process, finish = run_playbook(playbook, {"endpoint_url": server.endpoint_url, "vault": VAULT,
                                                           "role": first["iam_role_arn"], "items": items(f"pb{count}", count),
                                                           "ansible_python_interpreter": str(PYTHON)})  # fmt: skip
                timings[count] = finish()
            playbook_item.append((timings[LOOP_ITEMS] - timings[1]) / (LOOP_ITEMS - 1))
            started = time.monotonic()
            for item in items("mod", LOOP_ITEMS):
                run_module(server, {"recovery_point_arn": item["recovery_point_arn"], "backup_vault_name": VAULT,
                                    "resource_type": "EFS", "iam_role_arn": first["iam_role_arn"],
                                    "metadata": item["metadata"], "wait": False})  # fmt: skip
            module_call.append((time.monotonic() - started) / LOOP_ITEMS)
            started = time.monotonic()
            for item in items("cli", LOOP_ITEMS):
                subprocess.run(  # noqa: S603
                    [str(aws), "--endpoint-url", server.endpoint_url, "--output", "json", "backup", "start-restore-job",
                     "--recovery-point-arn", item["recovery_point_arn"], "--resource-type", "EFS",
                     "--iam-role-arn", first["iam_role_arn"], "--metadata", json.dumps(item["metadata"])],
                    env=cli_env, capture_output=True, check=True, timeout=120,
                )  # fmt: skip
            cli_call.append((time.monotonic() - started) / LOOP_ITEMS)
            log(f"one restore: playbook item {playbook_item[-1]:.2f} s, module process {module_call[-1]:.2f} s, "
                f"aws CLI {cli_call[-1]:.2f} s")  # fmt: skip
        return {
            "items": LOOP_ITEMS,
            "playbook_item_seconds": spread(playbook_item),
            "module_process_seconds": spread(module_call),
            "aws_cli_seconds": spread(cli_call),
            "playbook_item_vs_cli": spread([p / c for p, c in zip(playbook_item, cli_call)]),
            "module_process_vs_cli": spread([m / c for m, c in zip(module_call, cli_call)]),
        }
    finally:
        server.stop()


# ---- 4. the drill -----------------------------------------------------------------------


def process_tree(root: int, marker: str) -> set[int]:
    """The pids of `root` and its descendants, and of every process whose command line holds
    `marker` (the run's own Ansible temporary directory): async tasks detach from the tree."""
    children: dict[int, list[int]] = {}
    marked = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                parent = int(handle.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                if marker.encode() in handle.read():
                    marked.add(int(entry))
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry))
    found, todo = set(), [root, *marked]
    while todo:
        pid = todo.pop()
        if pid not in found:
            found.add(pid)
            todo.extend(children.get(pid, []))
    return found


def rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class TreeSampler(threading.Thread):
    """Peak summed RSS and peak process count of a process tree, sampled every 0.25 s."""

    def __init__(self, root: int, marker: str):
        super().__init__(daemon=True)
        self.root, self.marker, self.peak_rss, self.peak_processes, self.done = root, marker, 0, 0, threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            pids = process_tree(self.root, self.marker)
            self.peak_processes = max(self.peak_processes, len(pids))
            self.peak_rss = max(self.peak_rss, sum(rss_bytes(pid) for pid in pids))
            self.done.wait(0.25)


def bench_drill(size: int, measure_tree: bool) -> dict[str, Any]:
    from tests.emulator import seed

    server = Server(f"drill-{size}")
    try:
        server.configure(restore_job_seconds=0)
        backup, efs, iam = server.client("backup"), server.client("efs"), server.client("iam")
        seed.ensure_vault(backup, VAULT)
        role = seed.ensure_backup_role(iam)
        systems = [seed.create_efs(efs, name=f"bench-drill-{n}") for n in range(size)]
        jobs = [seed.start_backup(backup, VAULT, fs["FileSystemArn"], role) for fs in systems]
        for job in jobs:
            seed.wait_for_backup(backup, job.backup_job_id)
        targets = [{"name": f"drill-efs-{n}", "resource_type": "EFS", "backup_vault_name": VAULT,
                    "recovery_point_arn": job.recovery_point_arn, "rto_seconds": 3600, "rpo_seconds": 86400}
                   for n, job in enumerate(jobs)]  # fmt: skip
        server.configure(restore_job_seconds=DRILL_RESTORE_SECONDS)
        report_dir = tempfile.mkdtemp(prefix="bench-drill-reports-")
        variables = {"dr_targets": targets, "dr_iam_role_arn": role, "dr_aws_endpoint_url": server.endpoint_url,
                     "dr_aws_region": REGION, "dr_report_dir": report_dir, "ansible_python_interpreter": str(PYTHON)}  # fmt: skip
        temp = tempfile.mkdtemp(prefix="bench-ansible-")
        process, finish = run_playbook(REPO_ROOT / "playbooks" / "dr_drill.yml", variables, timeout=1800, temp=temp)
        sampler = TreeSampler(process.pid, temp) if measure_tree else None
        if sampler:
            sampler.start()
        try:
            wall = finish()
        finally:
            if sampler:
                sampler.done.set()
                sampler.join()
        restores = backup.list_restore_jobs()["RestoreJobs"]
        durations = [(j["CompletionDate"] - j["CreationDate"]).total_seconds() for j in restores if j.get("CompletionDate")]
        slowest = max(durations) if durations else float("nan")
        result = {"targets": size, "restore_jobs": len(restores), "wall_seconds": wall, "slowest_restore_seconds": slowest,
                  "overhead_seconds": wall - slowest, "backup_calls": server.calls()}  # fmt: skip
        if sampler:
            result["peak_rss_mib"] = sampler.peak_rss / 2**20
            result["peak_processes"] = sampler.peak_processes
        log(f"drill N={size}: {wall:.1f} s wall, slowest restore {slowest:.1f} s, overhead {wall - slowest:.1f} s"
            + (f", peak {result['peak_rss_mib']:.0f} MiB in {result['peak_processes']} processes" if sampler else ""))
        return result
    finally:
        server.stop()


def drill_figures(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The repeats of one drill size: min / median / max of each time, the highest peaks, and
    every run's AWS Backup calls."""
    figures: dict[str, Any] = {
        key: spread([run[key] for run in runs]) for key in ("wall_seconds", "slowest_restore_seconds", "overhead_seconds")
    }
    figures["targets"] = runs[0]["targets"]
    figures["runs"] = runs
    for key in ("peak_rss_mib", "peak_processes"):
        if all(key in run for run in runs):
            figures[key] = max(run[key] for run in runs)
    return figures


# ---- the report -------------------------------------------------------------------------


def fmt(figure: dict[str, float], digits: int = 1) -> str:
    if figure["min"] == figure["max"]:
        return f"{figure['min']:.{digits}f}"
    return f"{figure['min']:.{digits}f} / {figure['median']:.{digits}f} / {figure['max']:.{digits}f}"


def goals_section(results: dict[str, Any]) -> list[str]:
    """Each goal with what this run measured against it, met or not."""
    lines = ["## Against the goals", ""]

    def verdict(met: bool) -> str:
        return "met" if met else "NOT met"

    if "reads" in results:
        for form, by_count in results["reads"]["forms"].items():
            most = max(figure["reads"]["max"] for figure in by_count.values())
            lines.append(f"- Re-run, recovery point named by {form}: at most {most:.0f} reads "
                         f"whatever the account holds (goal: 3): {verdict(most <= 3)}.")  # fmt: skip
    if "first_run_calls" in results.get("reads", {}):
        calls = results["reads"]["first_run_calls"]
        lines.append(f"- `wait: false`, first run beside an unequal job of the same point: {sum(calls.values())} calls, only the "
                     f"search, the start and one DescribeRestoreJob: {verdict(calls == FIRST_RUN_CALLS)}.")  # fmt: skip
    if "lateness" in results:
        for duration, figure in results["lateness"].items():
            late = figure["lateness_seconds"]["max"]
            lines.append(f"- Completion of a {duration} s restore noticed at most {late:.2f} s late "
                         f"(goal {figure['budget_seconds']:g} s), {figure['describe_calls_per_job']:.1f} DescribeRestoreJob "
                         f"per job: {verdict(late <= figure['budget_seconds'])}.")  # fmt: skip
    if "lateness_together" in results:
        figure = results["lateness_together"]
        late = figure["lateness_seconds"]["max"]
        lines.append(f"- Completion of {figure['jobs']} restores awaited together noticed at most {late:.2f} s late "
                     f"(goal {figure['budget_seconds']:g} s): {verdict(late <= figure['budget_seconds'])}.")  # fmt: skip
    if "job_status" in results:
        figure = results["job_status"]
        most = figure["calls"]["max"]
        lines.append(f"- Job-status calls of a {figure['targets']}-target drill of {figure['duration']} s restores: at most {most:.0f} "
                     f"(goal 3 x D / 5 + 10 = {figure['goal']:g}): {verdict(most <= figure['goal'])}.")  # fmt: skip
    drill = results.get("drill", {})
    if "10" in drill:
        overhead = drill["10"]["overhead_seconds"]["median"]
        lines.append(f"- Drill overhead at N=10: {overhead:.1f} s median (goal 8 s): {verdict(overhead <= 8)}.")
    if "drill_growth_per_target" in results:
        growth = results["drill_growth_per_target"]
        lines.append(f"- Drill overhead growth per extra target: {growth:.2f} s (goal 0.3 s): {verdict(growth <= 0.3)}.")
    if "50" in drill and "peak_rss_mib" in drill["50"]:
        lines.append(f"- A 50-target drill: peak {drill['50']['peak_rss_mib']:.0f} MiB in {drill['50']['peak_processes']} processes "
                     "on the controller, measured.")  # fmt: skip
    return lines + [""] if len(lines) > 2 else []


def markdown(results: dict[str, Any]) -> str:
    lines = [
        "# Performance",
        "",
        "What restores cost, measured on the emulator by `make bench` (`tests/tools/bench.py`), which",
        "writes this page and `.cache/bench/results.json`. Figures are min / median / max over the",
        "repeats (one figure when they agree or there was one run). AWS calls are counted by the",
        "emulator per operation, so they are exact; times are wall-clock on the machine below, which",
        "is small and shared: read them as orders of magnitude and ratios taken in the same run.",
        "",
        f"Machine: {results['machine']}. Run {results['started']}, {results['seconds']:.0f} s in all, "
        f"{results['repeats']} repeats"
        + (", the drills beside the other parts (to stay within ten minutes; their load is in every figure)."
           if results.get("concurrent") else ", one part after another."),
        "",
        "The goals these figures are held against:",
        "",
        "- a re-run of `backup_restore_job` makes at most 3 reads and no write, whatever the account holds;",
        "- `wait: true` notices completion within max(5 s, 5 % of the time waited), with about one",
        "  DescribeRestoreJob per job per 15 s on long restores;",
        "- `wait: false` makes only the calls the request needs: the equal-job search, StartRestoreJob",
        "  and one DescribeRestoreJob (StartRestoreJob answers only the job id), or the search alone",
        "  when an equal job is reused;",
        "- a drill's overhead (wall time - slowest restore) at most 8 s at N=10, growing by at most",
        "  0.3 s per extra target up to N=50; a 50-target drill fits a small AWX execution node;",
        "- awaiting a 10-target drill of D-second restores costs at most 3 x D / 5 + 10 job-status calls",
        "  (one listing answers every job of a poll round).",
        "",
    ]
    if "reads" in results:
        reads = results["reads"]
        lines += [
            "## Re-run of `backup_restore_job`: AWS Backup reads",
            "",
            "An equal restore job exists (RUNNING); the account holds that many restore jobs of another",
            "resource besides. Each re-run is one module process (`wait: false`); it makes no write.",
            "",
            "| recovery point named by | " + " | ".join(f"{n:,} other jobs" for n in UNRELATED_COUNTS) + " | calls (5,000) |",
            "|---|" + "---|" * len(UNRELATED_COUNTS) + "---|",
        ]
        for form, by_count in reads["forms"].items():
            cells = [f"{fmt(by_count[str(n)]['reads'], 0)} reads, {fmt(by_count[str(n)]['seconds'], 2)} s" for n in UNRELATED_COUNTS]
            last = by_count[str(UNRELATED_COUNTS[-1])]["calls"]
            lines.append(f"| {form} | " + " | ".join(cells) + " | " + ", ".join(f"{k} {v}" for k, v in sorted(last.items())) + " |")
        lines += [
            "",
            "The search lists only that resource's restore jobs of that recovery point",
            "(ListRestoreJobsByProtectedResource with ByRecoveryPointCreationDateAfter/Before). A",
            "recovery point ARN does not say its resource, and DescribeRecoveryPoint, which does, needs the",
            "vault: so `recovery_point_arn` requires `backup_vault_name` (refused before any call without",
            "it). With `resource_arn` alone the resource type comes from `resource_type` or, where the ARN",
            "form decides it (an EFS file system here), from the ARN; an RDS cluster ARN without",
            "`resource_type` (Aurora, DocumentDB and Neptune share it) costs one more read, a listing of",
            "the point's vault for its type.",
            "",
        ]
        if "first_run_calls" in reads:
            lines += [
                f"A first run among the {UNRELATED_COUNTS[-1]:,} (`wait: false`; the job above, of the same point, is compared and not equal): "
                + ", ".join(f"{k} {v}" for k, v in sorted(reads["first_run_calls"].items())) + ".",
                "",
            ]
    if "lateness" in results:
        lines += [
            "## Completion noticed (`wait: true`)",
            "",
            "Restores of D seconds started together, each awaited by its own module process.",
            "Lateness = the process's end - the job's CompletionDate; the goal is max(5 s, 5 % of D).",
            "",
            "| D | lateness (s) | goal (s) | DescribeRestoreJob per job |",
            "|---|---|---|---|",
        ]
        for duration, figure in results["lateness"].items():
            lines.append(f"| {duration} s | {fmt(figure['lateness_seconds'], 2)} | {figure['budget_seconds']:g} | "
                         f"{figure['describe_calls_per_job']:.1f} |")  # fmt: skip
        lines.append("")
    if "lateness_together" in results:
        figure = results["lateness_together"]
        lines += [
            f"{figure['jobs']} restores of {LATENESS_DURATIONS[0]} s started one after another and awaited by one",
            "`backup_job_status` process, as the role awaits a drill's targets (lateness = its end - the",
            f"last CompletionDate): {fmt(figure['lateness_seconds'], 2)} s, {figure['describe_calls_per_job']:.1f} "
            "job-status calls (ListRestoreJobs and DescribeRestoreJob) per job.",
            "",
        ]
    if "job_status" in results:
        figure = results["job_status"]
        lines += [
            "## Job-status calls of a drill",
            "",
            f"{figure['targets']} restores of D = {figure['duration']} s started one after another, awaited by `backup_job_status` as",
            f"the role awaits a drill's targets (`progress_interval: {STATUS_PROGRESS_INTERVAL}`, called again for the names still",
            f"running; {fmt(figure['module_runs'], 0)} module runs). Every AWS call of those runs: {fmt(figure['calls'], 0)} "
            f"(goal 3 x D / 5 + 10 = {figure['goal']:g}): "
            + ", ".join(f"{k} {v}" for k, v in sorted(figure["calls_by_operation"].items()))
            + f". One listing answers every job of a round. Completion of the last noticed {fmt(figure['lateness_seconds'], 2)} s late.",
            "",
        ]
    if "loop" in results:
        loop = results["loop"]
        lines += [
            "## One restore in a loop",
            "",
            f"{loop['items']} restores of different recovery points, `wait: false`. The playbook's figure is",
            "per extra loop item (the difference between a 10-item and a 1-item run, over 9).",
            "",
            "| | seconds per restore | vs the AWS CLI |",
            "|---|---|---|",
            f"| ansible-playbook loop item | {fmt(loop['playbook_item_seconds'], 2)} | {fmt(loop['playbook_item_vs_cli'], 2)} |",
            f"| module process | {fmt(loop['module_process_seconds'], 2)} | {fmt(loop['module_process_vs_cli'], 2)} |",
            f"| `aws backup start-restore-job` (CLI v1) | {fmt(loop['aws_cli_seconds'], 2)} | 1 |",
            "",
        ]
    if "drill" in results:
        lines += [
            "## DR drill (`playbooks/dr_drill.yml`)",
            "",
            f"N EFS targets, restores of D = {DRILL_RESTORE_SECONDS} s, the playbook's defaults otherwise; "
            f"{results['repeats']} runs each, one after another.",
            "Overhead = wall time - the slowest restore job's own duration.",
            "",
            "| N | wall (s) | slowest restore (s) | overhead (s) | peak RSS (MiB) | peak processes |",
            "|---|---|---|---|---|---|",
        ]
        for size, figure in results["drill"].items():
            lines.append(f"| {size} | {fmt(figure['wall_seconds'])} | {fmt(figure['slowest_restore_seconds'])} | "
                         f"{fmt(figure['overhead_seconds'])} | "
                         f"{format(figure['peak_rss_mib'], '.0f') if 'peak_rss_mib' in figure else '-'} | "
                         f"{figure.get('peak_processes', '-')} |")  # fmt: skip
        if "drill_growth_per_target" in results:
            lines += ["", f"Growth of the median overhead per extra target: {results['drill_growth_per_target']:.2f} s."]
        lines += [
            "",
            "Peak RSS is the sum over ansible-playbook, its children and every process running from the",
            "run's own Ansible temporary directory (async tasks detach from the tree), sampled every 0.25 s;",
            "the emulator is not counted.",
            "",
        ]
    lines += goals_section(results)
    if results.get("notes"):
        lines += ["## Notes on this run", ""] + [f"- {note}" for note in results["notes"]] + [""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", default="reads,lateness,loop,drill,status")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--drill-sizes", default=",".join(map(str, DRILL_SIZES)), help="numbers of drill targets")
    parser.add_argument("--overlap", action="store_true", help="run the drills beside the other parts, not after them")
    parser.add_argument("--no-report", action="store_true", help="do not rewrite docs/performance.md nor .cache/bench/results.json")
    parser.add_argument("--report-only", action="store_true", help="rewrite docs/performance.md from results.json")
    options = parser.parse_args()
    if options.report_only:
        REPORT.write_text(markdown(json.loads(RESULTS.read_text())) + "\n")
        return 0
    parts = set(options.parts.split(","))
    started = time.monotonic()
    results: dict[str, Any] = {
        "started": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, Linux {platform.release()}, Python {platform.python_version()}",
        "repeats": options.repeats,
    }
    results["concurrent"] = options.overlap

    def measure_others() -> None:
        with ThreadPoolExecutor(4) as pool:
            lateness = {d: pool.submit(bench_lateness, d, options.repeats) for d in LATENESS_DURATIONS} if "lateness" in parts else {}
            together = pool.submit(bench_lateness_together, LATENESS_DURATIONS[0], TOGETHER_JOBS, options.repeats) if lateness else None
            status = pool.submit(bench_job_status, STATUS_TARGETS, STATUS_RESTORE_SECONDS, options.repeats) if "status" in parts else None
            if "reads" in parts:
                results["reads"] = bench_reads(options.repeats)
            if "loop" in parts:
                results["loop"] = bench_loop(options.repeats)
            if lateness:
                results["lateness"] = {str(d): future.result() for d, future in lateness.items()}
            if together is not None:
                results["lateness_together"] = together.result()
            if status is not None:
                results["job_status"] = status.result()

    # The drills come after the other parts by default, alone, for quieter figures; --overlap runs
    # them side by side (the load of each is then in the other's figures).
    with ThreadPoolExecutor(1) as side:
        others = side.submit(measure_others) if options.overlap else None
        if not options.overlap:
            measure_others()
        if "drill" in parts:
            sizes = [int(n) for n in options.drill_sizes.split(",")]
            runs = {n: [bench_drill(n, measure_tree=(n == max(sizes))) for _repeat in range(options.repeats)] for n in sizes}
            results["drill"] = {str(n): drill_figures(runs[n]) for n in sizes}
            if len(sizes) > 1:
                low, high = min(sizes), max(sizes)
                results["drill_growth_per_target"] = (
                    results["drill"][str(high)]["overhead_seconds"]["median"] - results["drill"][str(low)]["overhead_seconds"]["median"]
                ) / (high - low)
        if others is not None:
            others.result()
    results["seconds"] = time.monotonic() - started
    page = markdown(results)
    print("\n" + page)  # noqa: T201
    # A partial run (--no-report) leaves the full run's results and page as they are.
    if not options.no_report:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=2, default=str) + "\n")
        REPORT.write_text(page + "\n")
    log(f"done in {results['seconds']:.0f} s" + ("" if options.no_report else f"; {RESULTS.relative_to(REPO_ROOT)}, {REPORT.relative_to(REPO_ROOT)}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
