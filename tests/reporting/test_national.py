"""The administrators' national view: every province's current plan, sortable."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import Plan
from reporting import progress
from tests.factories import grow_plan, report

pytestmark = pytest.mark.django_db


def test_each_provinces_current_plan_with_completion_and_reporting(client, administrator, an_giang_plan, dak_nong_plan):
    # Đắk Nông: Sở Nội vụ sends its year report on time with two tasks completed.
    home = dak_nong_plan.province.agencies.get(name="Sở Nội vụ")
    year = dak_nong_plan.periods.get(kind="year")
    led = list(dak_nong_plan.tasks.filter(assignments__agency=home, assignments__role="lead").order_by("order")[:2])
    report(home, year, "accepted", year.due_date, [(t, "completed", 100, "") for t in led])
    # A 2019 plan of An Giang is older: the 2020 plan stays its current one. A draft plan is not shown.
    Plan.objects.create(province=an_giang_plan.province, year=2019, title="Cũ", document_number="1/KH", baseline_year=2018)
    client.force_login(administrator)
    response = client.get(reverse("national_overview"), {"sort": "-completion"})
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r.plan for r in rows if r.plan] == [dak_nong_plan, an_giang_plan]  # 2 completed beats 0
    assert all(r.plan is None for r in rows[2:]) and len(rows) == 34  # then the units without a plan
    dak_nong = rows[0]
    completed_leads = sum(1 for s in progress.plan_progress(dak_nong_plan).tasks if s.status == "completed")
    assert dak_nong.tally.completed == completed_leads and dak_nong.tally.total == 41
    assert (dak_nong.period, dak_nong.expected, dak_nong.sent, dak_nong.on_time) == (year, 35, 1, 1)
    assert (dak_nong.reporting_rate, dak_nong.on_time_rate) == (3, 3)
    assert reverse("plan_dashboard", args=[dak_nong_plan.pk]) in response.text
    ascending = client.get(reverse("national_overview"), {"sort": "completion"}).context["rows"]
    assert [r.plan for r in ascending if r.plan] == [an_giang_plan, dak_nong_plan]


def test_the_numbers_equal_the_dashboards(an_giang_plan):
    from reporting.demo import load_demo_reports

    load_demo_reports(an_giang_plan)
    today = datetime.date(2021, 3, 1)
    row = next(r for r in progress.plan_summaries([an_giang_plan], today))
    dashboard = progress.plan_progress(an_giang_plan, today=today)
    assert row.tally == dashboard.tally
    assert (row.expected, row.sent, row.reporting_rate, row.on_time_rate) == (
        dashboard.discipline.expected,
        dashboard.discipline.sent,
        dashboard.discipline.reporting_rate,
        dashboard.discipline.on_time_rate,
    )


def test_an_unknown_sort_falls_back_to_the_province_name(client, administrator, an_giang_plan, dak_nong_plan):
    client.force_login(administrator)
    rows = client.get(reverse("national_overview"), {"sort": "-nonsense"}).context["rows"]
    assert [r.plan.province.name for r in rows if r.plan] == ["An Giang", "Đắk Nông"]


def test_it_runs_the_same_queries_for_more_plans_and_tasks(client, administrator, an_giang_plan, dak_nong_plan):
    """Computed (the plans' figures changed) and stored (nothing changed since): each a fixed
    number of queries; stored is session, user, the session's two-factor device, plans,
    snapshots, periods, the units in force."""
    client.force_login(administrator)
    url = reverse("national_overview")

    def counts():
        with CaptureQueriesContext(connection) as computed:
            client.get(url)
        with CaptureQueriesContext(connection) as stored:
            response = client.get(url)
        return len(computed), len(stored), response

    small = counts()
    assert small[1] == 8 and small[0] > small[1]  # 8 with the header's unread notifications
    grow_plan(an_giang_plan, 50, 20)
    for number in range(3):
        Plan.objects.create(
            province=an_giang_plan.province.successor or an_giang_plan.province,
            year=2021 + number,
            title="Kế hoạch",
            document_number=f"{number}/KH",
            baseline_year=2020,
        )
    large = counts()
    assert large[1] == small[1] and large[0] <= small[0]  # a plan without tasks skips some
    response = large[2]
    # The 2023 plan of the new An Giang (merged 1/7/2025) replaces the old province's 2020 plan.
    rows = response.context["rows"]
    assert [(r.unit.code, r.plan.year) for r in rows if r.plan] == [("an-giang-2025", 2023), ("lam-dong-2025", 2020)]


def test_mid_year_the_national_view_and_the_dashboard_agree(an_giang_plan):
    """An agency may send a later period's report early: both views count it."""
    health = an_giang_plan.province.agencies.get(name="Sở Y tế")
    year = an_giang_plan.periods.get(kind="year")
    led = list(an_giang_plan.tasks.filter(assignments__agency=health, assignments__role="lead"))
    report(health, year, "submitted", datetime.date(2020, 8, 1), [(t, "completed", 100, "") for t in led])
    today = datetime.date(2020, 8, 2)
    row = progress.plan_summaries([an_giang_plan], today)[0]
    dashboard = progress.plan_progress(an_giang_plan, today=today)
    assert dashboard.period.kind == "nine_months" and dashboard.tally.completed > 0
    assert row.tally == dashboard.tally


# --- the stored figures are never older than the last save ------------------------------


def _row(plan, today=datetime.date(2020, 12, 20)):
    return next(r for r in progress.national_overview(today=today) if r.plan == plan)


def test_a_sent_report_shows_at_once_though_the_figures_were_stored(dak_nong_plan):
    home = dak_nong_plan.province.agencies.get(name="Sở Nội vụ")
    year = dak_nong_plan.periods.get(kind="year")
    led = list(dak_nong_plan.tasks.filter(assignments__agency=home, assignments__role="lead").order_by("order")[:2])
    before = _row(dak_nong_plan)
    assert _row(dak_nong_plan).tally == before.tally  # now read from the stored snapshot
    sent = report(home, year, "submitted", year.due_date, [(t, "completed", 100, "") for t in led])
    after = _row(dak_nong_plan)
    assert (after.sent, after.tally.completed) == (before.sent + 1, before.tally.completed + 2)
    # Returned: its answers no longer count.
    sent.status = "returned"
    sent.save()
    assert _row(dak_nong_plan).tally == before.tally


def test_a_draft_touches_nothing(dak_nong_plan):
    version = Plan.objects.get(pk=dak_nong_plan.pk).progress_version
    home = dak_nong_plan.province.agencies.get(name="Sở Nội vụ")
    task = dak_nong_plan.tasks.filter(assignments__agency=home).first()
    report(home, dak_nong_plan.periods.get(kind="year"), "draft", None, [(task, "completed", 100, "")])
    assert Plan.objects.get(pk=dak_nong_plan.pk).progress_version == version


def test_changes_to_tasks_assignments_and_groups_show_at_once(dak_nong_plan):
    from plans.models import AgencyGroup, Task, TaskAssignment

    before = _row(dak_nong_plan)
    task = Task.objects.create(plan=dak_nong_plan, number="X.1", title="Mới", due_date=datetime.date(2020, 6, 30))
    assert (_row(dak_nong_plan).tally.total, _row(dak_nong_plan).tally.overdue) == (
        before.tally.total + 1,
        before.tally.overdue + 1,
    )
    newcomer = dak_nong_plan.province.agencies.create(name="Cơ quan mới")
    TaskAssignment.objects.create(task=task, agency=newcomer, role="lead")
    assert _row(dak_nong_plan).expected == before.expected + 1
    group = AgencyGroup.objects.create(province=dak_nong_plan.province, name="Nhóm mới")
    TaskAssignment.objects.filter(task=task).update(agency=None, group=group)  # a bulk write: touch by hand
    from plans.models import touch_plans

    touch_plans([dak_nong_plan.pk])
    other = dak_nong_plan.province.agencies.create(name="Công ty khác", kind="company")  # in no group yet
    grouped = _row(dak_nong_plan).expected
    group.members.add(other)  # a membership change reaches the plans of the province
    assert _row(dak_nong_plan).expected == grouped + 1


def test_the_figures_are_judged_afresh_each_day(dak_nong_plan):
    from plans.models import Task

    task = Task.objects.create(plan=dak_nong_plan, number="X.1", title="Mới", due_date=datetime.date(2020, 12, 20))
    assert task.pk
    on_the_day = _row(dak_nong_plan, today=datetime.date(2020, 12, 20))
    next_day = _row(dak_nong_plan, today=datetime.date(2020, 12, 21))
    assert next_day.tally.overdue == on_the_day.tally.overdue + 1


def test_every_unit_in_force_has_a_row_with_no_plan_said_so(client, administrator):
    from indicators.models import Province

    client.force_login(administrator)
    page = client.get(reverse("national_overview"))
    rows = page.context["rows"]
    assert {row.unit.code for row in rows} == set(
        Province.objects.filter(valid_until__isnull=True).values_list("code", flat=True)
    )
    assert len(rows) == 34
    ha_noi = next(row for row in rows if row.unit.code == "ha-noi-2025")
    assert ha_noi.plan is None
    assert 'data-province="ha-noi-2025"' in page.text and "chưa có kế hoạch" in page.text
    for key in ("completion", "-overdue", "reporting", "on_time"):  # sorting copes with rows without a plan
        assert client.get(reverse("national_overview"), {"sort": key}).status_code == 200
