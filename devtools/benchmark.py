"""The speed figures the project owns (`manage.py benchmark`): server time and SQL queries of
every page a user opens (the permission matrix's GET URLs, found through the URL resolver),
the admin's change lists and change pages of the models a coordinator edits, the POSTs a user
makes (save a draft, submit, return, accept) and the dashboard just after each of them, the
files the app writes (Excel, PDF) and a plan import of the largest plan allowed; each on the
demo plan and on the largest plan in the database, beside a trivial logged-in page requested
in turn by the same user.

Requests go through the whole middleware stack with Django's test client, in one transaction
that is rolled back at the end: the users it makes and the plan it imports into never stay.
Each round of POSTs runs in a savepoint rolled back after it, and the figures' cache is emptied
then (the plan's version repeats after a rollback), so every dashboard after a change is the
first view of that change. A named URL that it does not measure is listed with the reason why
(`NOT_MEASURED`); one without a reason is a missed target. The figures are server time on this
machine, without the network or the browser."""

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
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from papi_tracker import gc_tuning
from papi_tracker.limits import MAX_TASKS_PER_PLAN
from plans import excel as plan_excel
from plans.models import Agency, Membership, Plan, Task, TaskAssignment
from plans.obligations import assignees, tasks_for_agency
from reporting import figures
from reporting.models import Export, Report, TaskProgress
from reporting.progress import current_period, current_plans

from .loadtest.data import MARK as LOAD_TEST_MARK
from .two_factor import pass_without_code

DEMO_PLAN = "179/KH-UBND"
# The largest task list a plan may hold (was 1,000 rows before plans were bounded).
IMPORT_ROWS = MAX_TASKS_PER_PLAN

# The targets, on this 2-core machine.
MEDIAN_FACTOR = 5  # a page's (or a POST's) median within 5× the trivial page's beside it
P95_LIMIT_MS = 150
FILE_LIMITS_S = {"spreadsheet": 3, "csv": 3, "pdf": 15}
IMPORT_LIMIT_S = 5

EVERYONE = ("reporter", "coordinator", "administrator")
MANAGERS = ("coordinator", "administrator")
REPORTER = ("reporter",)
ADMINISTRATOR = ("administrator",)
TRIVIAL = "password_change"

# Named URL: (label, who opens it, its URL for a Subject). Every GET page a user opens.
PAGES = {
    TRIVIAL: ("trivial", EVERYONE, lambda s: reverse("password_change")),
    "password_change_done": ("password changed", REPORTER, lambda s: reverse("password_change_done")),
    "two_factor_setup": ("two-factor setup", REPORTER, lambda s: reverse("two_factor_setup")),
    "home": ("home", EVERYONE, lambda s: reverse("home")),
    "report_form": ("report form", REPORTER, lambda s: reverse("report_form", args=[s.period.pk, s.agency.pk])),
    "report_upload": ("report upload", REPORTER, lambda s: reverse("report_upload", args=[s.period.pk, s.agency.pk])),
    # With the plan's province chosen: an administrator picks one first (the picker alone is trivial).
    "coordinator_inbox": ("inbox", MANAGERS, lambda s: reverse("coordinator_inbox") + f"?tinh={s.plan.province_id}"),
    "review_queue": ("review queue", MANAGERS, lambda s: reverse("review_queue", args=[s.period.pk])),
    "compiled_report": ("compiled form", MANAGERS, lambda s: reverse("compiled_report", args=[s.period.pk])),
    "period_edit": ("period edit", MANAGERS, lambda s: reverse("period_edit", args=[s.period.pk])),
    "plan_periods": ("plan periods", MANAGERS, lambda s: reverse("plan_periods", args=[s.plan.pk])),
    "plan_dashboard": ("plan dashboard", MANAGERS, lambda s: reverse("plan_dashboard", args=[s.plan.pk])),
    "plan_detail": ("plan page", EVERYONE, lambda s: reverse("plan_detail", args=[s.plan.pk])),
    "plan_targets": ("plan targets", MANAGERS, lambda s: reverse("plan_targets", args=[s.plan.pk])),
    "plan_task_import": ("task import", MANAGERS, lambda s: reverse("plan_task_import", args=[s.plan.pk])),
    "plan_document_import": ("document import", MANAGERS, lambda s: reverse("plan_document_import", args=[s.plan.pk])),
    "province_detail": ("province page", EVERYONE, lambda s: reverse("province_detail", args=[s.unit.code])),
    "province_communes": ("communes", MANAGERS, lambda s: reverse("province_communes", args=[s.plan.province.code])),
    "agency_import": ("agency import", MANAGERS, lambda s: reverse("agency_import", args=[s.plan.province.code])),
    "national_overview": ("national view", ADMINISTRATOR, lambda s: reverse("national_overview")),
    "score_import": ("score import", ADMINISTRATOR, lambda s: reverse("score_import")),
    "account_list": ("accounts", MANAGERS, lambda s: reverse("account_list")),
    "account_create": ("account create", MANAGERS, lambda s: reverse("account_create") + f"?tinh={s.plan.province_id}"),
    "account_import": ("account import", MANAGERS, lambda s: reverse("account_import")),
    "account_detail": ("account page", MANAGERS, lambda s: reverse("account_detail", args=[s.reporter.pk])),
    "account_reset_two_factor": (
        "account 2FA reset",
        MANAGERS,
        lambda s: reverse("account_reset_two_factor", args=[s.reporter.pk]),
    ),
    "export_detail": ("export page", ("coordinator",), lambda s: reverse("export_detail", args=[s.export.pk])),
    "notification_list": ("notifications", EVERYONE, lambda s: reverse("notification_list")),
    "plan_next_year": ("plan next year", MANAGERS, lambda s: reverse("plan_next_year", args=[s.plan.pk])),
    "plan_amendment_add": ("plan amendment", MANAGERS, lambda s: reverse("plan_amendment_add", args=[s.plan.pk])),
    "api_tokens": ("API keys", MANAGERS, lambda s: reverse("api_tokens")),
    # The public pages need no login; a citizen's request is the same as a signed-in one's.
    "public_index": ("public index", REPORTER, lambda s: reverse("public_index")),
    "public_plan": ("public plan", REPORTER, lambda s: reverse("public_plan", args=[s.plan.pk])),
}
# Named URL: (label, who, URL, kind of file). Files: each timed whole against its own limit.
FILES = {
    "compiled_excel": (
        "compiled report Excel",
        "coordinator",
        lambda s: reverse("compiled_excel", args=[s.period.pk]),
        "spreadsheet",
    ),
    "plan_excel": ("plan tasks Excel", "coordinator", lambda s: reverse("plan_excel", args=[s.plan.pk]), "spreadsheet"),
    "plan_template": ("task list template", "coordinator", lambda s: reverse("plan_template"), "spreadsheet"),
    "account_import_template": (
        "account list template",
        "coordinator",
        lambda s: reverse("account_import_template"),
        "spreadsheet",
    ),
    "report_excel": (
        "report Excel",
        "reporter",
        lambda s: reverse("report_excel", args=[s.period.pk, s.agency.pk]),
        "spreadsheet",
    ),
    "plan_progress_csv": ("plan progress CSV", "coordinator", lambda s: reverse("plan_progress_csv", args=[s.plan.pk]), "csv"),
    "public_plan_csv": ("public plan CSV", "reporter", lambda s: reverse("public_plan_csv", args=[s.plan.pk]), "csv"),
    "plan_pdf": ("plan PDF", "coordinator", lambda s: reverse("plan_pdf", args=[s.plan.pk]), "pdf"),
    "report_pdf": ("report PDF", "reporter", lambda s: reverse("report_pdf", args=[s.draft.pk]), "pdf"),
}
# The POSTs a user makes, measured in rounds (POST_ROUND), and the pages read right after them.
POSTED = {"report_form", "report_return", "report_accept", "report_detail", "report_thread", "task_thread"}
POSTED |= {"plan_task_import", "compiled_report"}  # the import's confirm, the compiled report's PDF (FILES)
# The admin's change list and change page of each model a coordinator edits: (label, model, object).
ADMIN_MODELS = (
    ("plans", "plan", lambda s: s.plan),
    ("plans", "task", lambda s: s.plan.tasks.order_by("order", "pk").first()),
    ("plans", "target", lambda s: s.plan.targets.order_by("pk").first()),
    ("reporting", "reportingperiod", lambda s: s.period),
    ("reporting", "report", lambda s: s.sent_report),
    ("reporting", "taskprogress", lambda s: s.sent_report and s.sent_report.progress.order_by("pk").first()),
    ("plans", "agency", lambda s: s.agency),
)
# Named URLs not measured, and why (printed beside each). A named URL in neither PAGES, FILES,
# POSTED nor here is a missed target: the benchmark must say what it leaves out.
NOT_MEASURED = {
    "login": "before login: the form alone, no plan data (the load test times the login)",
    "two_factor_verify": "the login's second step: one device read, no plan data",
    "logout": "POST that ends the session",
    "set_language": "POST that sets a cookie, reads nothing",
    "password_reset": "before login: an address form, no plan data",
    "password_reset_done": "before login: static text",
    "password_reset_confirm": "before login: needs a one-time link; one user read",
    "password_reset_complete": "before login: static text",
    "health": "the load balancer's check, no user: one query",
    "keep_alive": "POST that only touches the session (204)",
    "evidence_download": "streams a stored file: the disk's time, a fixed number of queries",
    "export_download": "streams a stored file: the disk's time, a fixed number of queries",
    "report_undo_accept": "POST: workflow.undo_accept, the same writes as return, measured",
    "bulk_accept": "POST: workflow.accept_reports, accept's writes for each report, measured",
    "period_remind": "POST that queues e-mails, throttled (reminders.remind_now)",
    "period_export_selected": "POST answered with an Excel of the ticked sent reports: the compiled Excel, measured, reads more",
    "period_reopen": "POST that writes one row (PeriodReopening)",
    "plan_year_export": "POST that queues a background job; the job is not a request",
    "national_export": "POST that queues a background job; the job is not a request",
    "account_set_active": "POST that writes one account's row",
    "account_invite": "POST that queues one e-mail",
    "coordinated_threads": "a coordinating agency's side of a task's threads: the task thread's reads, measured",
    "notification_open": "marks one notification read, then redirects to its page (measured: the report page)",
    "notification_mark_read": "POST: one UPDATE of the user's unread notifications",
    "notification_settings": "POST that writes one user's e-mail choice (the form is on the notifications page)",
    "api_token_revoke": "POST that writes one key's row",
    "api-docs": "the API's documentation page: static for a release, no query",
    "api-schema": "the API's OpenAPI schema: static for a release, no query",
    "plan_publication": "POST that writes one plan's two fields (plans.publication)",
}
# Named URLs left out by their prefix, and why.
NOT_MEASURED_PREFIXES = {
    "api-": "the JSON API answers a token, not a session: its endpoints × scopes are tests/api/'s",
}
# POSTs of pages measured with GET that the rounds do not make, and why.
POSTS_NOT_MEASURED = {
    "report_upload": "the report's Excel read back: report Excel's size, then a save's writes",
    "period_edit": "one period's row",
    "plan_periods": "the plan's periods rewritten at once, a rare set-up step",
    "plan_targets": "the plan's targets, a set-up step",
    "plan_document_import": "a document read (python-docx, pypdf), then the task import's confirm",
    "score_import": "national reference data once a year, administrators only",
    "agency_import": "set-up step: agencies in bulk",
    "province_communes": "set-up step: commune committees from the library",
    "account_create": "one account",
    "account_import": "set-up step: accounts in bulk",
    "account_reset_two_factor": "one account's devices removed",
    "two_factor_setup": "one device confirmed",
    "password_change": "one password hashed (PBKDF2: its time is the hasher's by design)",
    "plan_next_year": "next year's plan drafted from this one: a once-a-year step",
    "plan_amendment_add": "one amendment recorded: a rare step",
    "api_tokens": "one key created",
}


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
    draft: object = None  # the agency's report of the period, a draft with an answer
    export: object = None  # a queued export of the coordinator's
    task_ids: list = field(default_factory=list)  # the tasks the agency answers
    sent_report: object = None  # the period's first sent report (the admin's report page)

    @property
    def unit(self):
        return self.plan.province.successor or self.plan.province


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
    pages: list = field(default_factory=list)  # PageFigure: pages, admin pages, POSTs, pages after a POST
    exports: list = field(default_factory=list)  # (subject, what, seconds, limit)
    sizes: dict = field(default_factory=dict)  # subject → description
    unexplained: list = field(default_factory=list)  # named URLs neither measured nor explained
    skipped: list = field(default_factory=list)  # pages this data cannot show, each with why

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
                f"{name}: median {figure.median_ms:.1f} ms ≤ {limit:.1f} ms "
                f"({MEDIAN_FACTOR} × {reference:.1f} ms, the trivial page beside it)"
            )
            checks.append((text, figure.median_ms <= limit))
            checks.append((f"{name}: p95 {figure.p95_ms:.1f} ms < {P95_LIMIT_MS} ms", figure.p95_ms < P95_LIMIT_MS))
        if len(subjects) == 2:
            small, large = subjects
            counts = {(f.subject, f.page, f.user): f.queries for f in self.pages}
            for (subject, page, user), queries in counts.items():
                if subject == large and (small, page, user) in counts:
                    expected = counts[(small, page, user)]
                    checks.append((f"{page} · {user}: {queries} queries on {large}, {expected} on {small}", queries == expected))
        for subject, what, seconds, limit in self.exports:
            checks.append((f"{subject} · {what}: {seconds:.2f} s < {limit} s", seconds < limit))
        for name in self.unexplained:
            checks.append((f"URL {name!r} is neither measured nor given a reason (devtools/benchmark.py NOT_MEASURED)", False))
        return checks

    def query_counts(self):
        """{"page · user": queries} of the demo plan: kept by --save-queries, compared by --compare-queries."""
        return {f"{f.page} · {f.user}": f.queries for f in self.pages if f.subject == "demo"}

    def compare_queries(self, saved, where):
        """Checks that each page runs as many queries on the demo plan here as `saved` says it
        did on another database (`where`: the demo-only database)."""
        mine = self.query_counts()
        return [
            (f"{key}: {mine[key]} queries on the demo plan here, {count} on {where}", mine[key] == count)
            for key, count in sorted(saved.items())
            if key in mine
        ]


def percentile(samples, share):
    """Nearest-rank percentile: the smallest sample with at least `share` of them at or below it."""
    ordered = sorted(samples)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


def url_names(patterns=None):
    """The app's named URLs (the admin's apart: ADMIN_MODELS), from the URL resolver."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if getattr(pattern, "app_name", None) != "admin":
                yield from url_names(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield pattern.name


def unexplained_urls():
    """Named URLs neither measured nor listed with a reason, sorted."""
    accounted = set(PAGES) | set(FILES) | POSTED | set(NOT_MEASURED)
    return sorted(name for name in set(url_names()) - accounted if not name.startswith(tuple(NOT_MEASURED_PREFIXES)))


def not_measured_lines():
    """What the benchmark leaves out, each with its reason."""
    lines = [f"  {name:<26} {reason}" for name, reason in sorted(NOT_MEASURED.items())]
    lines += [f"  {prefix + '…':<26} {reason}" for prefix, reason in sorted(NOT_MEASURED_PREFIXES.items())]
    lines += [f"  {name + ' (POST)':<26} {reason}" for name, reason in sorted(POSTS_NOT_MEASURED.items())]
    return lines


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
    # Coordinators work in the admin too (accounts.services, plans.demo).
    coordinator = User.objects.create_user(f"benchmark-coordinator-{index}", first_name="Benchmark", is_staff=True)
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


def pages(subject, skipped=None):
    """(page, user kind, url) for every GET page, the admin's included; an admin page whose
    object the plan lacks (no sent report in the period yet) is added to `skipped` with why."""
    found = []
    for _name, (label, kinds, build) in PAGES.items():
        url = build(subject)
        found += [(label, kind, url) for kind in kinds]
    for app, model, instance in ADMIN_MODELS:
        found += [(f"admin {model} list", kind, reverse(f"admin:{app}_{model}_changelist")) for kind in MANAGERS]
        obj = instance(subject)
        if obj is not None:
            url = reverse(f"admin:{app}_{model}_change", args=[obj.pk])
            found += [(f"admin {model} page", kind, url) for kind in MANAGERS]
        elif skipped is not None:
            skipped.append(f"{subject.label} · admin {model} page: the plan has none in the period yet")
    return found


def time_request(send):
    started = time.perf_counter()
    response = send()
    return (time.perf_counter() - started), response


def fetched(response):
    """The response read to its end: a streamed file (an evidence file, an export) keeps its file
    open until then, and the test client closes it once read. (Closing a response here would send
    request_finished, which closes the database connection: on PostgreSQL, inside the benchmark's
    transaction, the next query could not open one.)"""
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return response


def measure_page(client, url, repeat, reference_url=None):
    """(samples in ms, reference samples in ms, query count, status code) for GET url; with
    reference_url, each request is followed by one to that page, timed as the reference."""
    for _ in range(2):  # warm up: templates, translations, the connection
        fetched(client.get(url, secure=True))
    samples, reference = [], []
    for _ in range(repeat):
        seconds, response = time_request(lambda: fetched(client.get(url, secure=True)))
        samples.append(seconds * 1000)
        if reference_url:
            seconds, _response = time_request(lambda: client.get(reference_url, secure=True))
            reference.append(seconds * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = fetched(client.get(url, secure=True))
    return samples, reference, len(queries), response.status_code


class Round:
    """One round of POSTs, each step timed with the trivial page right after it by the same user."""

    def __init__(self, subject, clients, samples, record):
        self.subject, self.clients, self.samples, self.record = subject, clients, samples, record
        self.trivial = reverse(TRIVIAL)

    def step(self, label, kind, make, expect):
        """make() gives what sends the request, its data read before the clock starts."""
        client, send = self.clients[kind], make()
        with CaptureQueriesContext(connection) as queries:
            seconds, response = time_request(lambda: send(client))
        count = len(queries)  # now: the next request empties the log the capture reads
        location = response.get("Location", "")
        if response.status_code != expect[0] or not location.startswith(expect[1]):
            problem = re.search(r'<li class="error">(.*?)</li>', response.content.decode(errors="replace"), re.S)
            raise ValueError(
                f"{self.subject.label} · {label}: answered {response.status_code} {location}"
                + (f" ({html.unescape(problem[1]).strip()})" if problem else "")
            )
        reference, _response = time_request(lambda: client.get(self.trivial, secure=True))
        entry = self.samples.setdefault((label, kind), [[], [], 0, response.status_code])
        entry[0].append(seconds * 1000)
        entry[1].append(reference * 1000)
        if self.record:
            entry[2] = count
        return response

    def version(self):
        return Report.objects.filter(pk=self.subject.draft.pk).values_list("version", flat=True).get()

    def run(self):
        s = self.subject
        form = reverse("report_form", args=[s.period.pk, s.agency.pk])
        report = reverse("report_detail", args=[s.draft.pk])
        dashboard = reverse("plan_dashboard", args=[s.plan.pk])
        queue = reverse("review_queue", args=[s.period.pk])
        thread = reverse("report_thread", args=[s.draft.pk])
        task_thread = reverse("task_thread", args=[s.draft.pk, s.task_ids[0]])

        def comment():
            return lambda c: c.post(thread, {"body": "Benchmark: đề nghị bổ sung."}, secure=True)

        def write(action):
            def make():
                data = form_data(s, self.version(), action)
                return lambda c: c.post(form, data, secure=True)

            return make

        def review(name, note=None, confirmed=None):
            def make():
                url = reverse(name, args=[s.draft.pk])
                data = {"version": self.version(), "note": note, "confirmed": confirmed}
                data = {key: value for key, value in data.items() if value is not None}
                return lambda c: c.post(url, data, secure=True)

            return make

        def look(url):
            return lambda: lambda c: c.get(url, secure=True)

        # The plan's figures as a coordinator's earlier visit left them in the cache (emptied by the
        # last round's rollback), untimed: each dashboard below is then the first view of its change.
        self.clients["coordinator"].get(dashboard, secure=True)
        self.step("POST save draft", "reporter", write("save"), (302, form))
        self.step("POST submit", "reporter", write("submit"), (302, report))
        self.step("dashboard after submit", "coordinator", look(dashboard), (200, ""))
        self.step("report page (sent)", "coordinator", look(report), (200, ""))
        self.step("report page (sent)", "reporter", look(report), (200, ""))
        self.step("report thread (sent)", "coordinator", look(thread), (200, ""))
        self.step("task thread (sent)", "reporter", look(task_thread), (200, ""))
        self.step("POST comment", "coordinator", comment, (302, ""))
        self.step("POST return", "coordinator", review("report_return", note="Benchmark: bổ sung."), (302, queue))
        self.step("dashboard after return", "coordinator", look(dashboard), (200, ""))
        self.step("POST submit again", "reporter", write("submit"), (302, report))
        self.step("POST accept", "coordinator", review("report_accept", confirmed="1"), (302, queue))
        self.step("dashboard after accept", "coordinator", look(dashboard), (200, ""))


def form_data(subject, version, action):
    """The report form as a reporter sends it: every task of the agency answered."""
    data = {"version": str(version), "difficulties": "", "proposals": "Benchmark", action: "1"}
    for task_id in subject.task_ids:
        data.update({f"t{task_id}-status": "in_progress", f"t{task_id}-percent_done": "50",
                     f"t{task_id}-narrative": f"Benchmark {version}", f"t{task_id}-evidence": "",
                     f"t{task_id}-difficulties": ""})  # fmt: skip
    return data


def measure_posts(subject, clients, results, repeat):
    """The POSTs a user makes and the pages read right after them, `repeat` rounds (one more to
    warm up), each in a savepoint rolled back after it: every round starts from the same draft,
    and every dashboard after a change is the first view of that change (the figures' cache is
    emptied with the rollback, since the plan's versions repeat, and filled again by one untimed
    view of the dashboard before the round's changes)."""
    samples = {}
    for index in range(repeat + 1):
        savepoint = transaction.savepoint_create()
        try:
            Round(subject, clients, samples, record=index == repeat).run()
        finally:
            transaction.savepoint_rollback(savepoint)
            figures.forget()
        if index == 0:
            samples.clear()  # the warm-up round
    for (label, kind), (times, reference, queries, status) in samples.items():
        results.pages.append(
            PageFigure(subject.label, label, kind, statistics.median(times), percentile(times, 0.95), queries, status,
                       statistics.median(reference))
        )  # fmt: skip


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
    scratch.delete()  # its tasks are not to weigh on what is measured next
    return content


def measure_files(subject, clients, results, runs):
    """Each file the app writes, timed whole `runs` times (median) against its kind's limit."""
    heading = {
        "number": "25/BC-SNV",
        "issue_date": timezone.localdate().strftime("%d/%m/%Y"),
        "summary": "Benchmark",
        "signer_title": "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
        "signer_name": "Benchmark",
        "recipients": "UBND tỉnh;\nLưu: VT.",
    }
    compiled = reverse("compiled_report", args=[subject.period.pk])
    sends = []
    for label, kind, build, kind_of_file in FILES.values():
        url = build(subject)
        sends.append((label, clients[kind], lambda c, url=url: c.get(url, secure=True), kind_of_file))
    sends.append(("POST compiled report PDF", clients["coordinator"], lambda c: c.post(compiled, heading, secure=True), "pdf"))
    for what, client, send, kind in sends:
        samples = []
        for _ in range(runs):
            seconds, response = time_request(lambda: send(client))  # noqa: B023 (called at once)
            content_type = response.get("Content-Type", "")
            if response.status_code != 200 or kind not in content_type:
                raise ValueError(f"{subject.label} · {what}: answered {response.status_code} {content_type}")
            fetched(response)
            samples.append(seconds)
        results.exports.append((subject.label, what, statistics.median(samples), FILE_LIMITS_S[kind]))


def measure_import(subject, coordinator, results, runs):
    """The task import of the largest plan allowed: upload (preview), then the confirm POST,
    into a new draft plan of the same province, each run in a savepoint rolled back."""
    content = import_workbook(subject.plan)
    uploads, confirms = [], []
    for _ in range(runs):
        savepoint = transaction.savepoint_create()
        try:
            target = Plan.objects.create(
                province=subject.plan.province,
                year=subject.plan.year,
                title="Benchmark import",
                document_number=f"BENCHMARK-{subject.plan.pk}",  # one per measured plan, even in one province
                baseline_year=subject.plan.baseline_year,
                status=Plan.Status.DRAFT,
            )
            url = reverse("plan_task_import", args=[target.pk])
            upload = io.BytesIO(content)
            upload.name = "danh-muc.xlsx"
            seconds, preview = time_request(lambda: coordinator.post(url, {"file": upload}, secure=True))  # noqa: B023
            payload = re.search(r'name="payload" value="([^"]+)"', preview.content.decode())
            if preview.status_code != 200 or not payload:
                raise ValueError(f"The import preview was refused ({preview.status_code}).")
            uploads.append(seconds)
            data = {"payload": html.unescape(payload[1]), "save": "1"}
            seconds, saved = time_request(lambda: coordinator.post(url, data, secure=True))  # noqa: B023
            count = Task.objects.filter(plan=target).count()
            if saved.status_code != 302 or count != IMPORT_ROWS:
                raise ValueError(f"The import saved {count} tasks of {IMPORT_ROWS} ({saved.status_code}).")
            confirms.append(seconds)
        finally:
            transaction.savepoint_rollback(savepoint)
            figures.forget()
    upload, confirm = statistics.median(uploads), statistics.median(confirms)
    whole = f"plan import, {IMPORT_ROWS} rows: upload + POST confirm"
    results.exports.append((subject.label, whole, upload + confirm, IMPORT_LIMIT_S))
    results.exports.append((subject.label, "  of which the POST confirm", confirm, IMPORT_LIMIT_S))


def prepare(label, plan, index):
    """The subject for `plan`, with its users and the same state on every plan: a report begun
    (a draft with an answer), not yet sent; None when the plan has no period."""
    periods = list(plan.periods.order_by("end", "due_date", "kind"))
    period = current_period(periods, timezone.localdate())
    if period is None:
        return None
    subject = Subject(label, plan, period, reporting_agency(plan, period))
    make_users(subject, index)
    draft, _ = Report.objects.get_or_create(agency=subject.agency, period=period, defaults={"created_by": subject.reporter})
    tasks = tasks_for_agency(subject.agency, plan=plan)
    if not draft.progress.exists():
        TaskProgress.objects.create(report=draft, task=tasks.first(), status=TaskProgress.Status.IN_PROGRESS)
    subject.draft = draft
    subject.task_ids = list(tasks.values_list("pk", flat=True))
    if plan.published_at is None:  # its public page, for the benchmark's transaction only
        Plan.objects.filter(pk=plan.pk).update(published_at=timezone.now())
        plan.published_at = timezone.now()
    subject.sent_report = Report.objects.filter(period=period).sent().order_by("pk").first()
    subject.export = Export.objects.create(kind=Export.Kind.PLAN_YEAR, plan=plan, requested_by=subject.coordinator)
    return subject


def run(repeat=30, export_runs=3, log=print):
    """Measure everything; returns Results. Nothing written stays."""
    results = Results(unexplained=unexplained_urls())
    logging.getLogger("axes").setLevel(logging.WARNING)  # a line per force_login otherwise
    collector = gc.get_threshold()
    gc_tuning.apply()  # as papi_tracker/wsgi.py does for the server
    try:
        with transaction.atomic():
            for index, (label, plan) in enumerate(subjects()):
                subject = prepare(label, plan, index)
                if subject is None:
                    log(f"{label}: {plan} has no reporting period; skipped.")
                    continue
                tasks = plan.tasks.count()
                reports = Report.objects.filter(period__plan=plan).count()
                results.sizes[label] = (
                    f"{plan.document_number} · {plan.province.name} {plan.year}: {tasks} tasks, {reports} reports; "
                    f"the reporter's agency answers {len(subject.task_ids)}"
                )
                log(f"Measuring {results.sizes[label]} …")
                clients = {kind: client_for(getattr(subject, kind)) for kind in EVERYONE}
                trivial = reverse(TRIVIAL)
                for page, kind, url in pages(subject, results.skipped):
                    reference_url = trivial if page != "trivial" else None
                    samples, reference, queries, status = measure_page(clients[kind], url, repeat, reference_url)
                    if status != 200:
                        raise ValueError(f"{page} as {kind} answered {status}: {url}")
                    median, p95 = statistics.median(samples), percentile(samples, 0.95)
                    reference_ms = statistics.median(reference) if reference else None
                    results.pages.append(PageFigure(label, page, kind, median, p95, queries, status, reference_ms))
                measure_posts(subject, clients, results, repeat)
                measure_files(subject, clients, results, export_runs)
                measure_import(subject, clients["coordinator"], results, export_runs)
            raise Rollback
    except Rollback:
        pass
    finally:
        gc.set_threshold(*collector)
        gc.unfreeze()
        figures.forget()
    return results


def table(results):
    """The figures as plain-text lines: one row a page and user, the demo plan's and the largest
    plan's side by side."""
    lines = ["Data:"] + [f"  {label}: {size}" for label, size in results.sizes.items()]
    subjects = list(results.sizes)
    by_key = {(f.subject, f.page, f.user): f for f in results.pages}
    keys = list(dict.fromkeys((f.page, f.user) for f in results.pages))
    cell = "{:>7} {:>6} {:>4} {:>5}"
    heading = f"{'page':<26} {'user':<13}" + "".join(
        f" | {cell.format(subject[:7], 'p95', 'sql', '×triv')}" for subject in subjects
    )
    lines += ["", "Server time in ms (median, p95), SQL queries, median ÷ the trivial page's beside it:", heading]
    for page, user in keys:
        row = f"{page[:26]:<26} {user:<13}"
        for subject in subjects:
            f = by_key.get((subject, page, user))
            if f is None:
                row += " | " + cell.format("", "", "", "")
                continue
            ratio = f"{f.median_ms / f.reference_ms:.1f}" if f.reference_ms else ""
            row += " | " + cell.format(f"{f.median_ms:.1f}", f"{f.p95_ms:.0f}", f.queries, ratio)
        lines.append(row)
    lines += ["", f"{'data':<8} {'file / import':<50} {'seconds':>8}"]
    for subject, what, seconds, _limit in results.exports:
        lines.append(f"{subject:<8} {what:<50} {seconds:>8.2f}")
    lines += ["", "Not measured, and why:", *not_measured_lines()]
    lines += [f"  {name:<26} NO REASON GIVEN" for name in results.unexplained]
    lines += [f"  {line}" for line in results.skipped]
    return lines
