"""After a load test: does the database hold exactly what the server acknowledged, and what
did locust measure?

Every write claims the report's next version (workflow._bump_version; a review adds one
too), so a report's stored version names the write that left it as it is. That write must
be the latest acknowledged one, or a later one whose answer never came (the run ended or
the connection broke before it), never an older or a refused one."""

import csv
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Count

from plans.obligations import tasks_for_agency
from reporting.models import Report, TaskProgress

STATUS_AFTER = {
    "save": {Report.Status.DRAFT, Report.Status.RETURNED},  # a save keeps a returned report returned
    "submit": {Report.Status.SUBMITTED},
    "accept": {Report.Status.ACCEPTED},
    "return": {Report.Status.RETURNED},
}
REPORTER_ACTIONS = {"save", "submit"}


@dataclass
class Write:
    action: str
    version: int
    outcome: str | None  # "acked", "refused", or None: no answer came
    marker: str = ""


@dataclass
class Findings:
    problems: list = field(default_factory=list)
    acked: dict = field(default_factory=dict)  # action → acknowledged writes
    refused: int = 0
    unanswered: int = 0
    server_errors: int = 0
    reports: int = 0


def read_journal(path):
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def _writes(entries):
    """The journal's writes by report key, each with its outcome; and the 5xx count."""
    sent, outcomes, server_errors = {}, {}, 0
    for entry in entries:
        if entry.get("action") == "server_error":
            server_errors += 1
        elif "outcome" in entry:
            outcomes[entry["write"]] = entry["outcome"]
        else:
            sent[entry["write"]] = entry
    return sent, outcomes, server_errors


def check(entries, plan):
    """Compare the plan's reports with the journal; returns Findings (problems empty: all is well)."""
    findings = Findings()
    sent, outcomes, findings.server_errors = _writes(entries)
    reports = {r.pk: r for r in Report.objects.filter(period__plan=plan).prefetch_related("progress")}
    by_agency = {(r.agency_id, r.period_id): r for r in reports.values()}
    findings.reports = len(reports)

    writes = defaultdict(list)  # report pk, or (agency, period) for one not created → its writes
    for key, entry in sent.items():
        write = Write(entry["action"], entry["version"], outcomes.get(key), entry.get("marker", ""))
        if write.outcome == "acked":
            findings.acked.setdefault(write.action, 0)
            findings.acked[write.action] += 1
        findings.refused += write.outcome == "refused"
        findings.unanswered += write.outcome is None
        if write.action in REPORTER_ACTIONS:
            report = by_agency.get((entry["agency"], entry["period"]))
            writes[report.pk if report else (entry["agency"], entry["period"])].append(write)
        else:
            writes[entry["report"]].append(write)

    duplicated = Report.objects.filter(period__plan=plan).values("agency", "period").annotate(n=Count("pk")).filter(n__gt=1)
    findings.problems += [f"agency {d['agency']} has {d['n']} reports for period {d['period']}" for d in duplicated]
    doubled = TaskProgress.objects.filter(report__period__plan=plan).values("report", "task").annotate(n=Count("pk"))
    findings.problems += [f"report {d['report']} answers task {d['task']} {d['n']} times" for d in doubled.filter(n__gt=1)]
    for pk in reports.keys() - writes.keys():
        findings.problems.append(f"report {pk} exists but no write for it was ever sent")
    for key, report_writes in writes.items():
        findings.problems += _check_report(reports.get(key), key, report_writes)
    return findings


def _check_report(report, key, writes):
    acked = [w for w in writes if w.outcome == "acked"]
    if report is None:
        return [f"agency/period {key}: {len(acked)} acknowledged saves but no report"] if acked else []
    latest = max((w.version for w in acked), default=0)
    # Several writes may claim one version (a refused one and the next try): the stored state
    # is explained by an acknowledged one, or else by one that was never answered.
    candidates = sorted(
        (w for w in writes if w.outcome != "refused" and w.version == report.version), key=lambda w: w.outcome != "acked"
    )
    if report.version < latest:
        return [f"report {report.pk}: stored version {report.version} is older than the acknowledged {latest}"]
    if not candidates:
        return [f"report {report.pk}: stored version {report.version} matches no write sent (acknowledged up to {latest})"]
    problems = []
    if report.status not in STATUS_AFTER[candidates[0].action]:
        problems.append(f"report {report.pk}: status {report.status} after a {candidates[0].action}")
    answered = [w for w in writes if w.action in REPORTER_ACTIONS and w.outcome != "refused" and w.version <= report.version]
    if answered:
        last = max(answered, key=lambda w: (w.version, w.outcome == "acked"))
        expected_tasks = set(tasks_for_agency(report.agency, plan=report.period.plan).values_list("pk", flat=True))
        answers = {p.task_id: p.narrative for p in report.progress.all()}
        if report.proposals != last.marker or answers != dict.fromkeys(expected_tasks, last.marker):
            problems.append(f"report {report.pk}: does not hold the values of its last save ({last.marker})")
    return problems


def read_stats(csv_prefix):
    """Locust's per-request-name statistics, the "Aggregated" row last."""
    with open(f"{csv_prefix}_stats.csv", encoding="utf-8", newline="") as stats:
        return list(csv.DictReader(stats))


# The targets for a run with nothing else on the machine: every request type's 95th
# percentile under 1 s, the login's (PBKDF2 hashes each password, by design) under 2 s.
P95_LIMIT_MS = 1000
LOGIN_P95_LIMIT_MS = 2000


def is_login(name):
    return name.endswith(": log in")


def latency_checks(stats):
    """[(check, passed)]: each request type's p95 against its limit (the "Aggregated" row apart)."""
    checks = []
    for row in stats:
        if row["Name"] == "Aggregated" or not int(row["Request Count"] or 0):
            continue
        limit = LOGIN_P95_LIMIT_MS if is_login(row["Name"]) else P95_LIMIT_MS
        p95 = float(row["95%"])
        checks.append((f"{row['Name']}: p95 {p95:.0f} ms < {limit} ms", p95 < limit))
    return checks
