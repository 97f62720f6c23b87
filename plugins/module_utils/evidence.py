# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The evidence report over the restore history (history.py): every restore test in a period
(a drill's target, or a restore job of an AWS Backup restore testing plan that a validation run
validated: mode `validate`, passed when its verdict was SUCCESSFUL and the result was put),
charts of recovery time and recovery point age per resource against their objectives, and
coverage: which protected resources of the vaults given had no successful restore test in the
period.

    tests(records, since)        one row per target per run, newest first
    coverage(protected, tests)   per protected resource, its successful tests in the period
    evidence(...)                what evidence.json holds
    csv_text(tests)              evidence.csv
    html(evidence)               index.html: self-contained (plotly.js inline), works offline

The AWS calls (ListProtectedResourcesByBackupVault; the history in a bucket: ListObjectsV2,
GetObject) are each made in one function below. Nothing here names a resource type.
"""

from __future__ import annotations

import csv
import html as html_lib
import io
import json
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from typing import Any, Iterable, Optional

from ansible_collections.recovery.aws_backup.plugins.module_utils.backup_retry import backup_retry
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import BackupAWSError
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import BackupErrorHandler
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import InputError
from ansible_collections.recovery.aws_backup.plugins.module_utils.errors import missing_when
from ansible_collections.recovery.aws_backup.plugins.module_utils.files import holds
from ansible_collections.recovery.aws_backup.plugins.module_utils.files import write_atomically
from ansible_collections.recovery.aws_backup.plugins.module_utils.history import HistoryError
from ansible_collections.recovery.aws_backup.plugins.module_utils.history import is_record_name
from ansible_collections.recovery.aws_backup.plugins.module_utils.history import parse_record
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import as_dict
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import parse_iso8601
from ansible_collections.recovery.aws_backup.plugins.module_utils.restore_plan import plain

# The columns of evidence.csv and of the page's table, in order.
COLUMNS = (
    "tested_at", "run_id", "mode", "outcome", "resource_type", "resource_arn", "name", "backup_vault_name",
    "recovery_point_arn", "recovery_point_created", "recovery_point_age_seconds", "rpo_seconds", "rpo_met",
    "restore_job_id", "restore_job_status", "created_resource_arn", "recovery_time_seconds", "rto_seconds", "rto_met",
    "validation", "validation_message", "restore_testing_plan", "validation_result_recorded", "teardown", "error",
    "awx_job_id", "awx_user_name", "awx_job_template_name",
    "controller_user", "controller_host", "collection_version", "region",
)  # fmt: skip
S3ErrorHandler = missing_when("NoSuchBucket", "NoSuchKey", "404")


def _when(value: Any) -> Optional[datetime]:
    if value in (None, ""):
        return None
    try:
        return parse_iso8601(value, "time").astimezone(timezone.utc)
    except Exception:  # pylint: disable=broad-except
        return None


def _text(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def since(now: datetime, period_days: int) -> datetime:
    if not isinstance(period_days, int) or isinstance(period_days, bool) or period_days < 1:
        raise InputError(f"period_days must be a whole number of days, at least 1, got {period_days!r}")
    return now - timedelta(days=period_days)


# ---- tests ---------------------------------------------------------------------------------


def tests(records: Iterable[dict[str, Any]], start: Optional[datetime] = None) -> list[dict[str, Any]]:
    """One row per target per run (COLUMNS), tested at its restore job's start (else the run's),
    those at or after `start`; newest first."""
    rows = []
    for entry in records:
        who = as_dict(entry.get("ran_by"))
        for target in entry.get("targets") or []:
            target = as_dict(target)
            tested_at = _when(target.get("restore_job_created")) or _when(entry.get("started")) or _when(entry.get("recorded"))
            if tested_at is None or (start is not None and tested_at < start):
                continue
            row = {column: target.get(column) for column in COLUMNS}
            row.update({
                "tested_at": _text(tested_at), "run_id": entry.get("run_id"), "mode": entry.get("mode"),
                "awx_job_id": who.get("awx_job_id"), "awx_user_name": who.get("awx_user_name"),
                "awx_job_template_name": who.get("awx_job_template_name"), "controller_user": who.get("controller_user"),
                "controller_host": who.get("controller_host"), "collection_version": as_dict(entry.get("collection")).get("version"),
                "region": entry.get("region"),
            })  # fmt: skip
            rows.append(row)
    rows.sort(key=lambda r: (r["tested_at"], r["run_id"] or "", r["name"] or ""), reverse=True)
    return plain(rows)


def coverage(protected: Iterable[dict[str, Any]], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per protected resource (ListProtectedResourcesByBackupVault's, with `backup_vault_name`),
    whether a restore test of it passed among `rows` (matched by the source resource's ARN): its
    tests, passed tests and the last passed one. A resource in several vaults is listed once."""
    by_arn: dict[str, dict[str, Any]] = {}
    for resource in protected:
        resource = as_dict(resource)
        arn = resource.get("ResourceArn") or resource.get("resource_arn")
        if not arn:
            continue
        entry = by_arn.setdefault(arn, {
            "resource_arn": arn, "resource_type": resource.get("ResourceType") or "", "resource_name": resource.get("ResourceName") or "",
            "backup_vault_names": [], "last_backup_time": None,
        })  # fmt: skip
        vault = resource.get("backup_vault_name")
        if vault and vault not in entry["backup_vault_names"]:
            entry["backup_vault_names"].append(vault)
        last = _when(resource.get("LastBackupTime"))
        if last is not None and (entry["last_backup_time"] is None or _text(last) > entry["last_backup_time"]):
            entry["last_backup_time"] = _text(last)
    result = []
    for arn in sorted(by_arn):
        entry = by_arn[arn]
        mine = [r for r in rows if r.get("resource_arn") == arn]
        passed = [r for r in mine if r.get("outcome") == "passed"]
        entry.update({
            "tests": len(mine), "passed": len(passed), "tested": bool(passed),
            "last_passed_test": passed[0]["tested_at"] if passed else None,
            "last_passed_run_id": passed[0]["run_id"] if passed else None,
        })  # fmt: skip
        result.append(entry)
    return plain(result)


def evidence(records: list[dict[str, Any]], unreadable: list[dict[str, str]], protected: Optional[list[dict[str, Any]]],
             vaults: list[str], now: datetime, period_days: int, source: str) -> dict[str, Any]:  # fmt: skip
    """What evidence.json holds (and the page shows)."""
    start = since(now, period_days)
    rows = tests(records, start)
    covered = coverage(protected or [], rows) if protected is not None else None
    return plain({
        "generated": _text(now),
        "period_days": period_days,
        "since": _text(start),
        "history": source,
        "records": len(records),
        "unreadable": unreadable,
        "tests": rows,
        "summary": {
            "tests": len(rows),
            "passed": sum(1 for r in rows if r["outcome"] == "passed"),
            "failed": sum(1 for r in rows if r["outcome"] != "passed"),
            "rto_missed": sum(1 for r in rows if r["rto_met"] is False),
            "rpo_missed": sum(1 for r in rows if r["rpo_met"] is False),
            "resources_tested": len({r["resource_arn"] for r in rows if r["resource_arn"]}),
        },
        "coverage": None if covered is None else {
            "vaults": vaults,
            "protected_resources": covered,
            "untested": [c["resource_arn"] for c in covered if not c["tested"]],
        },
    })  # fmt: skip


def csv_text(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in COLUMNS})
    return out.getvalue()


# ---- the page --------------------------------------------------------------------------------


def _label(row: dict[str, Any]) -> str:
    arn = row.get("resource_arn") or ""
    tail = arn.rsplit(":", 1)[-1].rsplit("/", 1)[-1] if arn else (row.get("name") or "?")
    return f"{row.get('resource_type') or ''} {tail}".strip()


def _figure(rows: list[dict[str, Any]], measure: str, objective: str, met: str, title: str) -> Any:
    """Per resource, its measure over time (a line with markers; a failed test as a cross) and
    its objective (a dashed line of the same colour)."""
    import plotly.graph_objects as go  # pylint: disable=import-outside-toplevel

    palette = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
    figure = go.Figure()
    groups: dict[str, list[dict[str, Any]]] = {}
    times = sorted(r["tested_at"] for r in rows if r.get(measure) is not None)
    first, last = (times[0], times[-1]) if times else ("", "")
    for row in sorted(rows, key=lambda r: r["tested_at"]):
        if row.get(measure) is not None:
            groups.setdefault(_label(row), []).append(row)
    for index, (label, points) in enumerate(sorted(groups.items())):
        colour = palette[index % len(palette)]
        figure.add_trace(go.Scatter(
            x=[p["tested_at"] for p in points], y=[p[measure] for p in points], name=label, mode="lines+markers",
            line={"color": colour}, legendgroup=label,
            marker={"size": 9, "symbol": ["x" if p["outcome"] != "passed" or p.get(met) is False else "circle" for p in points]},
            text=[f"run {p['run_id']}: {p['outcome']}" + (" (objective missed)" if p.get(met) is False else "") for p in points],
            hovertemplate="%{x}<br>%{y} s<br>%{text}<extra>" + html_lib.escape(label) + "</extra>",
        ))  # fmt: skip
        objectives = [(p["tested_at"], p[objective]) for p in points if p.get(objective) is not None]
        if objectives:
            # A step line across the whole chart: each objective holds from its test to the next one.
            objectives = [(first, objectives[0][1])] + objectives + [(last, objectives[-1][1])]
            figure.add_trace(go.Scatter(
                x=[x for x, _y in objectives], y=[y for _x, y in objectives], name=f"{label} objective",
                mode="lines", line={"color": colour, "dash": "dash", "shape": "hv"}, legendgroup=label,
                hovertemplate="objective %{y} s<extra>" + html_lib.escape(label) + "</extra>",
            ))  # fmt: skip
    figure.update_layout(title=title, yaxis_title="seconds", template="plotly_white", height=420,
                         margin={"l": 60, "r": 20, "t": 60, "b": 40}, legend={"orientation": "h", "y": -0.12, "yanchor": "top"})  # fmt: skip
    return figure


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, list):
        return html_lib.escape(", ".join(str(v) for v in value))
    return html_lib.escape(str(value))


def _table(rows: list[dict[str, Any]], columns: Iterable[str], table_id: str) -> str:
    columns = list(columns)
    head = "".join(f"<th>{html_lib.escape(c)}</th>" for c in columns)
    body = "".join(
        f"<tr class=\"{'failed' if r.get('outcome') == 'failed' or r.get('tested') is False else ''}\">"
        + "".join(f"<td>{_cell(r.get(c))}</td>" for c in columns) + "</tr>"
        for r in rows
    )
    return f"<table id=\"{table_id}\"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em}
table{border-collapse:collapse;font-size:12px;width:100%}th,td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f3f3f3;position:sticky;top:0}tr.failed td{background:#fdecea}
.summary span{display:inline-block;margin-right:18px;padding:6px 10px;background:#f3f6fa;border-radius:4px}
.wide{overflow-x:auto}.warn{color:#a40000}
"""


def html(data: dict[str, Any]) -> str:
    """index.html: the summary, the two charts, coverage, unreadable history entries and the table
    of every test. plotly.js is embedded once: the page needs no network."""
    from plotly.offline import get_plotlyjs  # pylint: disable=import-outside-toplevel

    rows = data["tests"]
    summary = data["summary"]
    charts = [
        _figure(rows, "recovery_time_seconds", "rto_seconds", "rto_met", "Recovery time per resource against its RTO"),
        _figure(rows, "recovery_point_age_seconds", "rpo_seconds", "rpo_met", "Recovery point age per resource against its RPO"),
    ]
    config = {"displaylogo": False, "responsive": True}
    chart_html = "".join(
        f"<div class=\"chart\">{figure.to_html(full_html=False, include_plotlyjs=False, div_id=f'chart-{i}', config=config)}</div>"
        for i, figure in enumerate(charts)
    )
    parts = [
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
        "<title>Restore test evidence</title>",
        f"<style>{_STYLE}</style>",
        f"<script type=\"text/javascript\">{get_plotlyjs()}</script>",
        "</head><body>",
        "<h1>Restore test evidence</h1>",
        f"<p>Generated {_cell(data['generated'])} from {_cell(data['history'])}: {data['records']} run records; "
        f"tests since {_cell(data['since'])} ({data['period_days']} days).</p>",
        "<p class=\"summary\">" + "".join(f"<span>{_cell(k.replace('_', ' '))}: <b>{_cell(v)}</b></span>" for k, v in summary.items()) + "</p>",
        chart_html,
    ]
    cover = data.get("coverage")
    if cover is not None:
        untested = cover["untested"]
        parts.append(f"<h2>Coverage of vaults {_cell(', '.join(cover['vaults']))}</h2>")
        parts.append(f"<p class=\"{'warn' if untested else ''}\">{len(untested)} of {len(cover['protected_resources'])} protected "
                     f"resources had no successful restore test in the period.</p>")  # fmt: skip
        parts.append("<div class=\"wide\">" + _table(cover["protected_resources"], (
            "resource_arn", "resource_type", "resource_name", "backup_vault_names", "last_backup_time", "tested", "tests",
            "passed", "last_passed_test", "last_passed_run_id"), "coverage") + "</div>")  # fmt: skip
    if data.get("unreadable"):
        parts.append("<h2 class=\"warn\">History entries that cannot be read (left as they are)</h2><ul>")
        parts.extend(f"<li>{_cell(u.get('error'))}</li>" for u in data["unreadable"])
        parts.append("</ul>")
    parts.append(f"<h2>Every restore test ({len(rows)})</h2>")
    parts.append("<div class=\"wide\">" + _table(rows, COLUMNS, "tests") + "</div>")
    parts.append("</body></html>\n")
    return "".join(parts)


def write_file(path: str, content: str, mode: int = 0o640) -> bool:
    """Write atomically (a reader sees the old file or the new one); False when it held that already."""
    data = content.encode("utf-8")
    if holds(path, data):
        return False
    write_atomically(path, data, mode)
    return True


def evidence_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# ---- AWS -------------------------------------------------------------------------------------


@backup_retry
def _paginate(client: Any, operation: str, result_key: str, **params: Any) -> list[dict[str, Any]]:
    paginator = client.get_paginator(operation)
    return paginator.paginate(**params).build_full_result().get(result_key, [])


@BackupErrorHandler.common_error_handler("list the protected resources of a backup vault")
def list_protected_resources_by_backup_vault(client: Any, backup_vault_name: str, account_id: Optional[str] = None) -> list[dict[str, Any]]:
    """ListProtectedResourcesByBackupVault, every page; each resource with its `backup_vault_name`."""
    params = {"BackupVaultName": backup_vault_name}
    if account_id:
        params["BackupVaultAccountId"] = account_id
    return [{**r, "backup_vault_name": backup_vault_name} for r in _paginate(client, "list_protected_resources_by_backup_vault", "Results", **params)]


@S3ErrorHandler.common_error_handler("list the restore history in the bucket")
def _list_keys(client: Any, bucket: str, prefix: str) -> list[str]:
    paginator = client.get_paginator("list_objects_v2")
    keys = []
    for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
        keys.extend(o["Key"] for o in page.get("Contents") or [])
    return keys


@S3ErrorHandler.common_error_handler("read a restore history record from the bucket")
def _get_object(client: Any, bucket: str, key: str) -> bytes:
    return client.get_object(Bucket=bucket, Key=key)["Body"].read()


def read_bucket(client: Any, bucket: str, prefix: str) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """(records, unreadable) of a history under a bucket prefix: each restore-*.json object directly
    under the prefix; one that cannot be read is named (its s3:// address, why) and left as it is."""
    prefix = str(prefix or "").strip("/")
    prefix = f"{prefix}/" if prefix else ""
    records: list[dict[str, Any]] = []
    unreadable: list[dict[str, str]] = []
    for key in sorted(_list_keys(client, bucket, prefix)):
        if "/" in key[len(prefix):] or not is_record_name(key):
            continue
        where = f"s3://{bucket}/{key}"
        try:
            records.append(parse_record(_get_object(client, bucket, key), where))
        except HistoryError as e:
            unreadable.append({"path": where, "error": str(e)})
        except BackupAWSError as e:
            # One object denied or gone while listing: named, and the rest of the history still read.
            unreadable.append({"path": where, "error": f"{where}: {e}"})
    return records, unreadable
