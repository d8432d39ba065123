"""The speed figures the project owns (`manage.py benchmark`): server time and SQL queries of
the key pages as three kinds of user, the compiled report's Excel and PDF, and a 1,000-row
plan import, each on the demo plan and on the largest plan in the database, beside a trivial
logged-in page measured in the same run.

Requests go through the whole middleware stack with Django's test client, in one transaction
that is rolled back at the end: the users it makes and the plan it imports into never stay.
The figures are server time on this machine, without the network or the browser."""

import gc
import html
import io
import logging
import re
import statistics
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from papi_tracker import gc_tuning
from papi_tracker.limits import MAX_TASKS_PER_PLAN
from plans import excel as plan_excel
from plans.models import Agency, Membership, Plan, Task, TaskAssignment
from plans.obligations import assignees, tasks_for_agency
from reporting.models import Report, TaskProgress
from reporting.progress import current_period, current_plans

from .loadtest.data import MARK as LOAD_TEST_MARK
from .two_factor import pass_without_code

DEMO_PLAN = "179/KH-UBND"
# The largest task list a plan may hold (was 1,000 rows before plans were bounded).
IMPORT_ROWS = MAX_TASKS_PER_PLAN

# The targets, on this 2-core machine.
MEDIAN_FACTOR = 10  # a key page's median within 10× the trivial page's
P95_LIMIT_MS = 200
EXCEL_LIMIT_S, PDF_LIMIT_S, IMPORT_LIMIT_S = 3, 15, 5


class Rollback(Exception):
    """Raised to undo everything the benchmark wrote."""


@dataclass
class Subject:
    """A plan to measure with, and the users who look at it."""

    label: str
    plan: Plan
    period: object
    agency: Agency
    reporter: object = None
    coordinator: object = None
    administrator: object = None


@dataclass
class PageFigure:
    subject: str
    page: str
    user: str
    median_ms: float
    p95_ms: float
    queries: int
    status: int
    # The median of the trivial page's requests made in turn with this page's, by the same
    # user: the reference under the same conditions, whatever the machine does meanwhile.
    reference_ms: float | None = None


@dataclass
class Results:
    pages: list = field(default_factory=list)  # PageFigure
    exports: list = field(default_factory=list)  # (subject, what, seconds, limit)
    sizes: dict = field(default_factory=dict)  # subject → description

    def trivial_median(self, subject):
        return statistics.median(f.median_ms for f in self.pages if f.subject == subject and f.page == "trivial")

    def verdicts(self):
        """[(check, passed)] against the issue's targets."""
        checks = []
        subjects = list(self.sizes)
        for figure in self.pages:
            if figure.page == "trivial":
                continue
            reference = figure.reference_ms or self.trivial_median(figure.subject)
            limit = MEDIAN_FACTOR * reference
            name = f"{figure.subject} · {figure.page} · {figure.user}"
            text = (
                f"{name}: median {figure.median_ms:.1f} ms ≤ {limit:.1f} ms (10 × {reference:.1f} ms, the trivial page beside it)"
            )
            checks.append((text, figure.median_ms <= limit))
            checks.append((f"{name}: p95 {figure.p95_ms:.1f} ms < {P95_LIMIT_MS} ms", figure.p95_ms < P95_LIMIT_MS))
        if len(subjects) == 2:
            small, large = subjects
            counts = {(f.subject, f.page, f.user): f.queries for f in self.pages}
            for (subject, page, user), queries in counts.items():
                if subject == large and (small, page, user) in counts:
                    expected = counts[(small, page, user)]
                    # Not more: Django skips a prefetch whose rows are none, so a page may run one
                    # query fewer where, say, no colleague has answered yet.
                    checks.append((f"{page} · {user}: {queries} queries on {large}, {expected} on {small}", queries <= expected))
        for subject, what, seconds, limit in self.exports:
            checks.append((f"{subject} · {what}: {seconds:.2f} s < {limit} s", seconds < limit))
        return checks


def percentile(samples, share):
    """Nearest-rank percentile: the smallest sample with at least `share` of them at or below it."""
    ordered = sorted(samples)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


def subjects():
    """The demo plan (if loaded) and the largest plan under way or finished."""
    found = []
    demo = Plan.objects.filter(document_number=DEMO_PLAN).first()
    if demo:
        found.append(("demo", demo))
    largest = (
        Plan.objects.filter(pk__in=[p.pk for p in current_plans().values()])
        .exclude(document_number__startswith=LOAD_TEST_MARK)  # the load test's own, if it ran here
        .annotate(size=Count("tasks"))
        .order_by("-size", "pk")
        .first()
    )
    if largest and (not demo or largest.pk != demo.pk):
        found.append(("largest", largest))
    return found


def reporting_agency(plan, period):
    """The agency with most tasks among those that can still write the period's report (the
    form is then a form, not a redirect to the sent report), preferring one that has not begun
    it, so that both plans' forms run the same queries; any agency when all have sent."""
    counts = {}
    for roles in assignees([plan]).values():
        for agency_id in set().union(*roles.values()):
            counts[agency_id] = counts.get(agency_id, 0) + 1
    reports = dict(Report.objects.filter(period=period).values_list("agency_id", "status"))
    # Alike on every plan: an agency that has not started its report, else one still writing it.
    candidates = [a for a in counts if a not in reports] or [a for a in counts if reports[a] not in Report.FINAL] or list(counts)
    best = max(candidates, key=lambda a: (counts[a], -a))
    return Agency.objects.get(pk=best)


def make_users(subject, index):
    User = get_user_model()
    plan = subject.plan
    reporter = User.objects.create_user(f"benchmark-reporter-{index}", first_name="Benchmark")
    Membership.objects.create(user=reporter, agency=subject.agency, role=Membership.Role.REPORTER)
    coordinator = User.objects.create_user(f"benchmark-coordinator-{index}", first_name="Benchmark")
    coordinating = Agency.objects.filter(province=plan.province, is_coordinator=True).first()
    if coordinating is None:
        raise ValueError(f"{plan.province} has no coordinating agency (Sở Nội vụ).")
    Membership.objects.create(user=coordinator, agency=coordinating, role=Membership.Role.COORDINATOR)
    administrator = User.objects.create_superuser(f"benchmark-admin-{index}", first_name="Benchmark")
    subject.reporter, subject.coordinator, subject.administrator = reporter, coordinator, administrator


def client_for(user):
    host = next((h for h in settings.ALLOWED_HOSTS if h not in ("*",) and not h.startswith(".")), "testserver")
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    # A session past two-factor login, as every administrator's and coordinator's is.
    session = client.session
    pass_without_code(session, user, device_name="benchmark")
    session.save()
    return client


def pages(subject):
    """(page, user kind, url) for every key page."""
    plan, period = subject.plan, subject.period
    province = plan.province.successor or plan.province
    everyone = ("reporter", "coordinator", "administrator")
    urls = [
        ("trivial", everyone, reverse("password_change")),
        ("home", everyone, reverse("home")),
        ("report form", ("reporter",), reverse("report_form", args=[period.pk, subject.agency.pk])),
        ("review queue", ("coordinator", "administrator"), reverse("review_queue", args=[period.pk])),
        ("plan dashboard", ("coordinator", "administrator"), reverse("plan_dashboard", args=[plan.pk])),
        ("province page", everyone, reverse("province_detail", args=[province.code])),
        ("national view", ("administrator",), reverse("national_overview")),
    ]
    return [(page, kind, url) for page, kinds, url in urls for kind in kinds]


def time_request(send):
    started = time.perf_counter()
    response = send()
    return (time.perf_counter() - started), response


def measure_page(client, url, repeat, reference_url=None):
    """(samples in ms, reference samples in ms, query count, status code) for GET url; with
    reference_url, each request is followed by one to that page, timed as the reference."""
    for _ in range(2):  # warm up: templates, translations, the connection
        client.get(url, secure=True)
    samples, reference = [], []
    for _ in range(repeat):
        seconds, response = time_request(lambda: client.get(url, secure=True))
        samples.append(seconds * 1000)
        if reference_url:
            seconds, _response = time_request(lambda: client.get(reference_url, secure=True))
            reference.append(seconds * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, secure=True)
    return samples, reference, len(queries), response.status_code


def import_workbook(plan, rows=IMPORT_ROWS):
    """A DANH MỤC of `rows` tasks: the plan's own tasks repeated, numbered afresh, exported
    from a scratch plan that holds them (the benchmark's rollback removes it)."""
    tasks = sorted(Task.objects.filter(plan=plan).listed(), key=lambda t: t.dimension.number if t.dimension else 99)
    if not tasks:
        raise ValueError(f"{plan} has no tasks to build an import file from.")
    scratch = Plan.objects.create(
        province=plan.province,
        year=plan.year,
        title="Benchmark import file",
        document_number=f"BENCHMARK-FILE-{plan.pk}",
        baseline_year=plan.baseline_year,
        status=Plan.Status.DRAFT,
    )
    sources = [tasks[index * len(tasks) // rows] for index in range(rows)]  # each in turn, in plan order
    copied = ("dimension", "sub_dimension", "title", "measure", "measure_value", "measure_unit", "supervisor")
    copied += ("timeframe_kind", "timeframe_text", "due_date", "expected_output")
    copies = Task.objects.bulk_create(  # figures: unchanged (a scratch plan, rolled back)
        Task(plan=scratch, number=str(index + 1), order=index, **{name: getattr(task, name) for name in copied})
        for index, task in enumerate(sources)
    )
    TaskAssignment.objects.bulk_create(  # figures: unchanged (a scratch plan, rolled back)
        TaskAssignment(task=copy, role=a.role, agency_id=a.agency_id, group_id=a.group_id)
        for copy, task in zip(copies, sources, strict=True)
        for a in task.assignments.all()
    )
    content = plan_excel.plan_workbook(plan, Task.objects.filter(plan=scratch).listed())
    scratch.delete()  # its 1,000 tasks are not to weigh on what is measured next
    return content


def measure_exports(subject, results, runs):
    coordinator = client_for(subject.coordinator)
    period = subject.period
    excel_url = reverse("compiled_excel", args=[period.pk])
    pdf_url = reverse("compiled_report", args=[period.pk])
    heading = {
        "number": "25/BC-SNV",
        "issue_date": timezone.localdate().strftime("%d/%m/%Y"),
        "summary": "Benchmark",
        "signer_title": "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
        "signer_name": "Benchmark",
        "recipients": "UBND tỉnh;\nLưu: VT.",
    }
    for what, send, limit, kind in (
        ("compiled report Excel", lambda: coordinator.get(excel_url, secure=True), EXCEL_LIMIT_S, "spreadsheet"),
        ("compiled report PDF", lambda: coordinator.post(pdf_url, heading, secure=True), PDF_LIMIT_S, "pdf"),
    ):
        samples = []
        for _ in range(runs):
            seconds, response = time_request(send)
            if response.status_code != 200 or kind not in response["Content-Type"]:
                raise ValueError(f"{what}: answered {response.status_code} {response['Content-Type']}")
            samples.append(seconds)
        results.exports.append((subject.label, what, statistics.median(samples), limit))

    # The import: upload, then confirm; into a new draft plan of the same province.
    target = Plan.objects.create(
        province=subject.plan.province,
        year=subject.plan.year,
        title="Benchmark import",
        document_number=f"BENCHMARK-{subject.plan.pk}",  # one per measured plan, even in one province
        baseline_year=subject.plan.baseline_year,
        status=Plan.Status.DRAFT,
    )
    content = import_workbook(subject.plan)
    url = reverse("plan_task_import", args=[target.pk])
    upload = io.BytesIO(content)
    upload.name = "danh-muc.xlsx"
    started = time.perf_counter()
    preview = coordinator.post(url, {"file": upload}, secure=True)
    payload = re.search(r'name="payload" value="([^"]+)"', preview.content.decode())
    if preview.status_code != 200 or not payload:
        raise ValueError(f"The import preview was refused ({preview.status_code}).")
    saved = coordinator.post(url, {"payload": html.unescape(payload[1]), "save": "1"}, secure=True)
    seconds = time.perf_counter() - started
    count = Task.objects.filter(plan=target).count()
    if saved.status_code != 302 or count != IMPORT_ROWS:
        raise ValueError(f"The import saved {count} tasks of {IMPORT_ROWS} ({saved.status_code}).")
    results.exports.append((subject.label, f"plan import, {IMPORT_ROWS} rows", seconds, IMPORT_LIMIT_S))


def run(repeat=30, export_runs=3, log=print):
    """Measure everything; returns Results. Nothing written stays."""
    results = Results()
    logging.getLogger("axes").setLevel(logging.WARNING)  # a line per force_login otherwise
    collector = gc.get_threshold()
    gc_tuning.apply()  # as papi_tracker/wsgi.py does for the server
    try:
        with transaction.atomic():
            for index, (label, plan) in enumerate(subjects()):
                periods = list(plan.periods.order_by("end", "due_date", "kind"))
                period = current_period(periods, timezone.localdate())
                if period is None:
                    log(f"{label}: {plan} has no reporting period; skipped.")
                    continue
                subject = Subject(label, plan, period, reporting_agency(plan, period))
                make_users(subject, index)
                # The same state on both plans: a report begun (a draft with an answer), not yet sent.
                draft, _ = Report.objects.get_or_create(
                    agency=subject.agency, period=period, defaults={"created_by": subject.reporter}
                )
                if not draft.progress.exists():
                    task = tasks_for_agency(subject.agency, plan=plan).first()
                    TaskProgress.objects.create(report=draft, task=task, status=TaskProgress.Status.IN_PROGRESS)
                tasks = plan.tasks.count()
                reports = Report.objects.filter(period__plan=plan).count()
                results.sizes[label] = (
                    f"{plan.document_number} · {plan.province.name} {plan.year}: {tasks} tasks, {reports} reports"
                )
                log(f"Measuring {results.sizes[label]} …")
                clients = {kind: client_for(getattr(subject, kind)) for kind in ("reporter", "coordinator", "administrator")}
                trivial = {kind: url for page, kind, url in pages(subject) if page == "trivial"}
                for page, kind, url in pages(subject):
                    reference_url = trivial[kind] if page != "trivial" else None
                    samples, reference, queries, status = measure_page(clients[kind], url, repeat, reference_url)
                    if status != 200:
                        raise ValueError(f"{page} as {kind} answered {status}: {url}")
                    median, p95 = statistics.median(samples), percentile(samples, 0.95)
                    reference_ms = statistics.median(reference) if reference else None
                    results.pages.append(PageFigure(label, page, kind, median, p95, queries, status, reference_ms))
                measure_exports(subject, results, export_runs)
            raise Rollback
    except Rollback:
        pass
    finally:
        gc.set_threshold(*collector)
        gc.unfreeze()
    return results


def table(results):
    """The figures as plain-text lines."""
    lines = ["Data:"] + [f"  {label}: {size}" for label, size in results.sizes.items()]
    heading = f"{'data':<8} {'page':<15} {'user':<14} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'trivial beside':>15}"
    lines += ["", heading]
    for f in results.pages:
        beside = f"{f.reference_ms:>15.1f}" if f.reference_ms else ""
        lines.append(f"{f.subject:<8} {f.page:<15} {f.user:<14} {f.median_ms:>10.1f} {f.p95_ms:>8.1f} {f.queries:>8} {beside}")
    lines += ["", f"{'data':<8} {'export / import':<30} {'seconds':>8}"]
    for subject, what, seconds, _limit in results.exports:
        lines.append(f"{subject:<8} {what:<30} {seconds:>8.2f}")
    return lines
