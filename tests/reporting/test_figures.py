"""The figures' invalidation (reporting/figures.py): no write path may forget to raise the plans'
progress version, and a cached entry is never read after a change."""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches

from plans.models import Plan, touch_plans
from reporting import figures, progress
from tests.factories import add_tasks

BASE = Path(settings.BASE_DIR)
# Runtime and tooling code alike, and the tests' data builders: a bulk write anywhere can leave
# stored figures stale (a query-count test once passed only because a later save raised the version).
SOURCES = [path for path in BASE.glob("*/**/*.py") if not {"tests", ".venv", "migrations"} & set(path.parts)]
SOURCES.append(BASE / "tests" / "factories.py")
BULK = {"bulk_create", "bulk_update", "update", "abulk_create", "abulk_update", "aupdate"}
# django-simple-history's bulk helpers take the model as an argument.
WITH_HISTORY = {"bulk_create_with_history", "bulk_update_with_history"}
# Related managers that reach a figure model: plan.tasks.update(…), report.progress.update(…).
RELATED = {"tasks", "assignments", "periods", "reports", "progress", "agencies", "agency_groups", "members",
           "explicit_groups"}  # fmt: skip
# A bulk write that cannot change any figure says so on its line, with the reason.
EXEMPT = "# figures: unchanged"


def _root_model(node):
    """The model name a call chain starts from: Report.objects.filter(…).update → "Report"; a
    chain through a related manager of a figure model (plan.tasks.update) → that manager's name."""
    while isinstance(node, ast.Call | ast.Attribute):
        if isinstance(node, ast.Attribute) and node.attr in RELATED:
            return node.attr
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _writes_figures(call):
    if isinstance(call.func, ast.Attribute) and call.func.attr in BULK:
        root = _root_model(call.func.value)
        return root in figures.FIGURE_MODELS or root in RELATED
    name = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", None)
    return name in WITH_HISTORY and any(isinstance(a, ast.Name) and a.id in figures.FIGURE_MODELS for a in call.args)


def _bulk_writes_without_touch():
    missing = []
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        tree = ast.parse(text)
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            calls = [node for node in ast.walk(function) if isinstance(node, ast.Call)]
            touches = any(isinstance(c.func, ast.Name | ast.Attribute) and "touch_plans" in ast.unparse(c.func) for c in calls)
            for call in calls:
                if not _writes_figures(call) or touches:
                    continue
                if EXEMPT not in lines[call.lineno - 1] and EXEMPT not in lines[call.end_lineno - 1]:
                    missing.append(f"{path.relative_to(BASE)}:{call.lineno} {function.name}")
    return missing


def test_every_bulk_write_to_a_figure_model_raises_the_plans_version():
    """bulk_create, update and bulk_update send no signal: the function that calls one on a
    model the figures read must call plans.models.touch_plans too (or say why not)."""
    assert _bulk_writes_without_touch() == []


def test_the_check_finds_a_write_that_forgets(tmp_path, monkeypatch):
    forgetful = tmp_path / "forgetful.py"
    forgetful.write_text(
        "def add(plan):\n    Task.objects.bulk_create([Task(plan=plan)])\n"
        "def rename(plan):\n    plan.tasks.update(title='x')\n"
        "def answers(rows, user):\n    bulk_update_with_history(rows, TaskProgress, ['status'], default_user=user)\n"
        "async def later(plan):\n    await Report.objects.filter(period__plan=plan).aupdate(status='accepted')\n"
        "def fine(plan):\n    Export.objects.filter(plan=plan).update(progress=1)\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(f"{__name__}.SOURCES", [forgetful])
    monkeypatch.setattr(f"{__name__}.BASE", tmp_path)
    assert _bulk_writes_without_touch() == ["forgetful.py:2 add", "forgetful.py:4 rename", "forgetful.py:6 answers",
                                            "forgetful.py:8 later"]  # fmt: skip


@pytest.mark.django_db
def test_tasks_added_in_bulk_show_at_once_on_the_dashboard(an_giang_plan):
    before = progress.plan_progress(an_giang_plan).tally.total
    add_tasks(an_giang_plan, 3)  # bulk_create, then touch_plans
    assert progress.plan_progress(Plan.objects.get(pk=an_giang_plan.pk)).tally.total == before + 3


@pytest.mark.django_db
def test_the_figures_live_in_djangos_cache_keyed_by_the_version(an_giang_plan):
    computed = []
    assert figures.cached(an_giang_plan, ("x",), lambda: computed.append(1) or "first") == "first"
    assert figures.cached(an_giang_plan, ("x",), lambda: computed.append(1) or "second") == "first"
    touch_plans([an_giang_plan.pk])
    assert figures.cached(an_giang_plan, ("x",), lambda: computed.append(1) or "third") == "third"
    assert computed == [1, 1]
    version = Plan.objects.get(pk=an_giang_plan.pk).progress_version
    assert caches[figures.FIGURES_CACHE].get(f"{figures.KEY_PREFIX}:{an_giang_plan.pk}:{version}:x") == "third"


def test_cache_url_chooses_the_backend():
    from papi_tracker.settings import cache_from_url

    assert cache_from_url("locmem://")["BACKEND"].endswith("LocMemCache")
    redis = cache_from_url("redis://127.0.0.1:6379/1")
    assert redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache" and redis["LOCATION"] == "redis://127.0.0.1:6379/1"
    with pytest.raises(ValueError, match="CACHE_URL"):
        cache_from_url("memcached://x")


# --- after a change, the figures are put together again, not built from scratch ---------------


def _seen(plan, period=None):
    """What the dashboard shows of the plan's tasks and discipline, in comparable form."""
    shown = progress.plan_progress(Plan.objects.get(pk=plan.pk), period=period)
    tasks = [
        (s.task.pk, s.status, s.overdue, sorted(s.leads), sorted(s.coordinating),
         sorted((a, x.status, x.percent_done, x.difficulties, x.period_id, x.agency.name if x.agency else None)
                for a, x in s.answers.items()))
        for s in shown.tasks
    ]  # fmt: skip
    rates = [(d.period.pk, d.expected, d.sent_count, d.on_time_count) for d in [shown.discipline] if d]
    return tasks, shown.tally, rates, [(r.agency.pk, [c[1] for c in r.cells]) for r in shown.records]


def _send(agency, period, status, percent, tasks):
    """A report as the workflow sends it: answers written on the draft, then the report sent."""
    from tests.factories import at, report

    made = report(agency, period, "draft", answers=[(t, status, percent, "") for t in tasks])
    made.status, made.submitted_at = "submitted", at(period.due_date)
    made.first_submitted_at = made.submitted_at
    made.save()
    return made


def _from_scratch(plan, period=None):
    figures.forget()
    return _seen(plan, period)


@pytest.fixture
def reporting_agencies(an_giang_plan):
    """Two agencies leading tasks of the An Giang plan, with their tasks, and the plan's periods."""
    from plans.models import Agency

    health, home = (Agency.objects.get(province=an_giang_plan.province, name=n) for n in ("Sở Y tế", "Sở Nội vụ"))
    led = {a: list(an_giang_plan.tasks.filter(assignments__agency=a).order_by("order")[:3]) for a in (health, home)}
    periods = list(an_giang_plan.periods.order_by("end"))
    return health, home, led, periods


@pytest.mark.django_db
def test_after_each_change_the_figures_equal_those_built_from_scratch(an_giang_plan, reporting_agencies):
    from plans.models import TaskAssignment
    from reporting import workflow
    from reporting.models import Report, TaskProgress

    health, home, led, periods = reporting_agencies
    first, last = periods[0], periods[-1]
    made = {}

    def send(agency, period, status, percent):
        made[(agency, period)] = _send(agency, period, status, percent, led[agency])

    def edit_sent_answer():  # the admin's change page of an answer
        answer = TaskProgress.objects.filter(report=made[(health, last)]).first()
        answer.status, answer.percent_done = "completed", 100
        answer.save()

    def return_and_resend():
        sent = made[(home, last)]
        sent.status = "returned"
        sent.save()
        TaskProgress.objects.filter(report=sent).update(percent_done=90)  # figures: unchanged (returned)
        sent.status = "submitted"
        sent.save()

    user = get_user_model().objects.create(username="dieu-phoi")
    steps = [
        lambda: send(health, first, "in_progress", 40),
        lambda: send(home, first, "completed", 100),
        lambda: send(health, last, "in_progress", 70),
        lambda: send(home, last, "in_progress", 10),
        edit_sent_answer,
        return_and_resend,
        lambda: workflow.accept_reports(last, {made[(home, last)].pk: made[(home, last)].version}, user),
        lambda: Report.objects.get(pk=made[(health, first)].pk).delete(),
        lambda: TaskAssignment.objects.filter(task=led[home][0], agency=home).delete(),
    ]
    for number, step in enumerate(steps):
        for period in (None, first):
            _seen(an_giang_plan, period)  # what an earlier view kept
        step()
        for period in (None, first):
            assert _seen(an_giang_plan, period) == _from_scratch(an_giang_plan, period), f"step {number}"


@pytest.mark.django_db
def test_after_a_report_is_sent_only_its_agencys_answers_are_read_again(an_giang_plan, reporting_agencies, monkeypatch):
    from plans.models import TaskAssignment

    health, home, led, periods = reporting_agencies
    _send(health, periods[0], "in_progress", 30, led[health])
    _seen(an_giang_plan)
    read = []
    latest = progress._latest

    def spy(answers, *args):
        read.append(set(answers.values_list("report__agency", flat=True)))
        return latest(answers, *args)

    monkeypatch.setattr(progress, "_latest", spy)
    _send(home, periods[0], "completed", 100, led[home])
    _seen(an_giang_plan)
    assert read == [{home.pk}]
    read.clear()
    TaskAssignment.objects.create(task=led[home][1], agency=health, role="coordinating")  # the plan's structure
    _seen(an_giang_plan)
    assert read == [{health.pk, home.pk}]
