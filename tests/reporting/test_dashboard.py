"""The plan dashboard: its numbers against values worked out by hand, its filters and links,
and a fixed number of queries whatever the plan's size."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Dimension
from plans.models import Agency, Target, Task, TaskAssignment
from plans.obligations import agencies_owing, assignees
from reporting import progress
from reporting.models import Report, ReportingPeriod, TaskProgress
from tests.factories import at, grow_plan, report

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2020, 10, 1)


def by_number(state):
    return {s.task.number: s for s in state.tasks}


def test_the_current_period_counts_the_latest_sent_answers(small_plan):
    assert small_plan["districts"].agencies().count() == 11  # so 14 agencies owe reports
    state = progress.plan_progress(small_plan["plan"], today=TODAY)
    assert state.period == small_plan["nine"] and state.is_current and state.reference_date == TODAY
    tasks = by_number(state)
    assert {n: (s.status, s.overdue) for n, s in tasks.items()} == {
        "T1": ("completed", False),
        "T2": ("completed", False),  # both leads completed by 9 months
        "T3": ("not_started", False),  # ongoing: never overdue
        "T4": ("not_started", True),  # a draft and a returned report do not count; due 30/9 passed
        "T5": ("in_progress", False),  # the lead has not started; the coordinating agency has
    }
    assert [a.difficulties for a in tasks["T5"].difficulties] == ["Thiếu kinh phí"]
    t = state.tally
    assert (t.total, t.completed, t.in_progress, t.not_started, t.overdue, t.with_difficulties) == (5, 2, 1, 2, 1, 1)
    assert (t.completed_percent, t.not_completed) == (40, 3)


def test_looking_back_at_a_past_period_judges_it_on_its_cut_off_date(small_plan):
    state = progress.plan_progress(small_plan["plan"], small_plan["half"], today=TODAY)
    assert not state.is_current and state.reference_date == datetime.date(2020, 6, 14)
    tasks = by_number(state)
    assert {n: (s.status, s.overdue) for n, s in tasks.items()} == {
        "T1": ("completed", False),
        "T2": ("in_progress", True),  # Nội vụ at 50 %; due 31/3
        "T3": ("not_started", False),
        "T4": ("not_started", False),  # due 30/9: not yet on 14/6
        "T5": ("in_progress", False),
    }
    assert tasks["T5"].difficulties == []  # raised only at 9 months
    t = state.tally
    assert (t.completed, t.in_progress, t.not_started, t.overdue) == (1, 2, 2, 1)


def test_reporting_discipline_of_each_period_and_agency(small_plan):
    state = progress.plan_progress(small_plan["plan"], today=TODAY)
    names = lambda entries: sorted(e.agency.name for e in entries)  # noqa: E731
    nine = state.discipline
    assert nine.expected == 14
    assert names(nine.on_time) == ["Sở Nội vụ", "Sở Y tế"]  # the due date itself is on time
    assert names(nine.late) == ["Sở Tư pháp"] and nine.late[0].days_late == 4  # returned, but sent
    assert len(nine.missing) == 11 and nine.pending == []
    assert (nine.sent, nine.reporting_rate, nine.on_time_rate) == (3, 21, 14)

    half = progress.plan_progress(small_plan["plan"], small_plan["half"], today=TODAY).discipline
    assert names(half.on_time) == ["Sở Y tế"] and names(half.late) == ["Sở Nội vụ"]
    assert half.late[0].days_late == 4
    assert len(half.missing) == 12  # Sở Tư pháp's draft was never sent
    assert (half.reporting_rate, half.on_time_rate) == (14, 7)

    records = {r.agency.name: r for r in state.records}
    assert (records["Sở Y tế"].on_time_count, records["Sở Y tế"].due) == (2, 2)
    assert (records["Sở Nội vụ"].on_time_count, records["Sở Nội vụ"].late_count) == (1, 1)
    assert (records["Sở Tư pháp"].missing_count, records["Sở Tư pháp"].late_count, records["Sở Tư pháp"].on_time_rate) == (
        1,
        1,
        0,
    )
    assert [cell[1] for cell in records["UBND huyện Tri Tôn"].cells] == ["missing", "missing"]


def test_a_period_not_yet_due_has_pending_agencies_not_missing_ones(small_plan):
    Report.objects.filter(period=small_plan["nine"], agency=small_plan["agency"]["Sở Tư pháp"]).delete()  # sent on 20/9
    state = progress.plan_progress(small_plan["plan"], today=datetime.date(2020, 9, 15))
    assert state.period == small_plan["nine"]
    assert len(state.discipline.pending) == 12 and state.discipline.missing == []
    assert [cell[1] for cell in next(r for r in state.records if r.agency.name == "Sở Tư pháp").cells] == [
        "missing",
        "pending",
    ]


def test_the_dashboard_agrees_with_the_review_queue(small_plan):
    from reporting.readers import review_queue

    queue = review_queue(small_plan["nine"])
    discipline = progress.plan_progress(small_plan["plan"], today=TODAY).discipline
    assert (queue.expected, queue.submitted) == (discipline.expected, discipline.sent)
    assert (queue.reporting_rate, queue.on_time_rate) == (discipline.reporting_rate, discipline.on_time_rate)


def test_dimensions_set_targets_against_published_scores(small_plan):
    state = progress.plan_progress(small_plan["plan"], today=TODAY)
    rows = {(r.dimension.number if r.dimension else None): r for r in state.dimensions}
    assert list(rows) == [1, 2, 3, 4, 5, 6, 7, 8, None]  # the 2020 framework, then general tasks
    first = rows[1]
    # An Giang 2020, dimension 1: 4.6170 (rank 46) against a target of 5.40 from 4.5598 in 2018.
    assert (first.baseline, first.actual, first.actual_rank) == (Decimal("4.5598"), Decimal("4.6170"), 46)
    assert first.gap == Decimal("-0.7830") and first.change == Decimal("0.0572")
    assert first.signal == progress.Signal.MISSED
    assert (first.tasks.total, first.tasks.completed) == (2, 2)
    # Dimension 2 aims at group 2 or better; An Giang was in group 3: missed. Its baseline is the 2018 score.
    assert rows[2].baseline == Decimal("5.1472") and rows[2].gap is None and rows[2].signal == progress.Signal.MISSED
    assert rows[3].target is None and rows[3].tasks.total == 0 and rows[3].signal == progress.Signal.NONE
    assert rows[None].tasks.total == 1
    assert state.total.value == Decimal("43.8524") and state.baseline_total.rank == 25


def test_before_the_scores_the_signal_follows_the_tasks(small_plan):
    plan = small_plan["plan"]
    row = progress.DimensionProgress(None, tasks=progress.TaskTally(total=4, completed=3))
    assert progress.dimension_signal(row, 2020, datetime.date(2020, 7, 1)) == progress.Signal.ON_TRACK  # 75 % ≥ 50 %
    assert progress.dimension_signal(row, 2020, datetime.date(2020, 12, 1)) == progress.Signal.BEHIND  # 75 % < 92 %
    row.tasks.overdue = 1
    assert progress.dimension_signal(row, 2020, datetime.date(2020, 7, 1)) == progress.Signal.OVERDUE
    # A group target is judged on the published group; with none published, by the tasks.
    row = progress.DimensionProgress(None, target=Target(plan=plan, target_group=2), actual=Decimal("6.1"))
    row.tasks = progress.TaskTally(total=2, completed=2)
    assert progress.dimension_signal(row, 2020, datetime.date(2020, 7, 1)) == progress.Signal.ON_TRACK
    row.actual_group = 3
    assert progress.dimension_signal(row, 2020, datetime.date(2020, 7, 1)) == progress.Signal.MISSED


def test_percentages_round_half_up_as_the_tables_do():
    assert (progress.percent(1, 8), progress.percent(3, 8), progress.percent(0, 0), progress.percent(58, 58)) == (13, 38, 0, 100)


def test_on_the_same_cut_off_the_longer_period_wins_and_sending_again_changes_nothing(small_plan):
    """Q2 and 6 months end on 14/6: the 6-month answer counts, even after Q2 is sent again later."""
    plan, health, t1 = small_plan["plan"], small_plan["agency"]["Sở Y tế"], small_plan["tasks"]["T1"]
    quarter = ReportingPeriod.objects.create(
        plan=plan, kind="quarter", quarter=2, start=datetime.date(2020, 3, 15), end=datetime.date(2020, 6, 14),
        due_date=datetime.date(2020, 6, 16),
    )  # fmt: skip
    q2 = report(health, quarter, "submitted", datetime.date(2020, 6, 15), [(t1, "in_progress", 60, "")])
    half = small_plan["half"]
    assert by_number(progress.plan_progress(plan, half, today=TODAY))["T1"].status == "completed"
    Report.objects.filter(pk=q2.pk).update(submitted_at=at(datetime.date(2020, 6, 19)))  # returned and sent again
    assert by_number(progress.plan_progress(plan, half, today=TODAY))["T1"].status == "completed"
    # Looking at Q2 itself, its own answer is the one that counts.
    assert by_number(progress.plan_progress(plan, quarter, today=TODAY))["T1"].status == "in_progress"


def test_a_task_without_a_lead_is_completed_when_every_assigned_agency_says_so(small_plan):
    TaskAssignment.objects.filter(task=small_plan["tasks"]["T5"], role="lead").delete()
    states = by_number(progress.plan_progress(small_plan["plan"], today=TODAY))
    assert states["T5"].status == "completed"  # Sở Y tế, now its only agency, completed it at 9 months


def test_an_agency_no_longer_assigned_no_longer_counts(small_plan):
    justice, t3 = small_plan["agency"]["Sở Tư pháp"], small_plan["tasks"]["T3"]
    sent = Report.objects.get(agency=justice, period=small_plan["nine"])
    Report.objects.filter(pk=sent.pk).update(status="submitted")
    TaskProgress.objects.create(report=sent, task=t3, status="in_progress", percent_done=50, difficulties="vướng")
    state = by_number(progress.plan_progress(small_plan["plan"], today=TODAY))
    assert state["T3"].status == "not_started" and state["T3"].difficulties == []
    assert state["T4"].status == "completed"  # its own task, now that the report is sent


def test_a_task_outside_the_years_framework_is_counted_and_filtered_as_general(client, coordinator, small_plan):
    plan = small_plan["plan"]
    plan.year, plan.baseline_year = 2016, 2015
    plan.save()  # the 2016 framework has no dimension 7
    environment = Dimension.objects.get(number=7)
    Task.objects.filter(pk=small_plan["tasks"]["T3"].pk).update(dimension=environment)
    state = progress.plan_progress(plan, today=TODAY)
    assert [r.dimension.number if r.dimension else None for r in state.dimensions] == [1, 2, 3, 4, 5, 6, None]
    assert state.dimensions[-1].tasks.total == 2  # T5 and T3
    client.force_login(coordinator)
    page = client.get(reverse("plan_dashboard", args=[plan.pk]), {"dimension": "general"})
    assert [s.task.number for s in page.context["tasks"]] == ["T3", "T5"]


def test_the_an_giang_2020_plan_before_any_report(an_giang_plan):
    state = progress.plan_progress(an_giang_plan, today=datetime.date(2021, 1, 5))
    t = state.tally
    # 58 tasks; 54 have a deadline (30/12/2020), all passed on 5/1/2021.
    assert (t.total, t.completed, t.in_progress, t.not_started, t.overdue) == (58, 0, 0, 58, 54)
    assert [r.tasks.total for r in state.dimensions] == [6, 2, 6, 9, 7, 17, 6, 5]
    assert state.period.kind == "year" and state.discipline.expected == 35 and len(state.discipline.missing) == 35
    signals = {r.dimension.number: r.signal for r in state.dimensions}
    # 2020 scores against the plan's targets: only dimensions 4 (7.41 ≥ 7.00) and 6 (7.63 ≥ 7.60) met.
    assert [n for n, s in signals.items() if s == progress.Signal.MET] == [4, 6]
    assert state.dimensions[3].gap == Decimal("0.4083")
    assert state.total.rank == 14 and state.total.group == 1


def test_obligations_in_memory_match_the_query(an_giang_plan, dak_nong_plan):
    for plan in (an_giang_plan, dak_nong_plan):
        in_memory = set().union(*(roles["lead"] | roles["coordinating"] for roles in assignees([plan]).values()))
        assert in_memory == set(agencies_owing(plan).values_list("pk", flat=True))


# --- the page ---------------------------------------------------------------------------


def test_the_page_shows_the_figures_and_links_them(client, coordinator, small_plan):
    client.force_login(coordinator)
    url = reverse("plan_dashboard", args=[small_plan["plan"].pk])
    response = client.get(url)
    assert response.status_code == 200
    page = response.text
    nine = small_plan["nine"].pk
    # "today" is the real date here: every period is past, the last is current.
    assert f'href="?period={nine}&amp;status=completed#nhiem-vu" data-figure="completed"><span class="big">2/5</span>' in page
    assert "Đã hoàn thành 2/5 nhiệm vụ, đạt 40\u00a0%" in page  # "%" never alone on a line
    assert f'href="{reverse("review_queue", args=[nine])}" data-figure="reporting_rate"><span class="big">3/14</span>' in page
    assert "tỷ lệ báo cáo 21\u00a0%" in page and "tỷ lệ 14\u00a0%" in page
    assert "4,62" in page and "-0,78" in page  # Vietnamese decimals
    assert page.count("data:image/svg+xml;base64,") == 2


def test_the_task_list_filters_by_dimension_agency_and_status(client, coordinator, small_plan):
    client.force_login(coordinator)
    url = reverse("plan_dashboard", args=[small_plan["plan"].pk])
    dim1 = Dimension.objects.get(number=1, until_year__isnull=True).pk

    def shown(**params):
        return [s.task.number for s in client.get(url, params).context["tasks"]]

    assert shown() == ["T1", "T2", "T3", "T4", "T5"]
    assert shown(dimension=dim1) == ["T1", "T2"]
    assert shown(dimension="general") == ["T5"]
    assert shown(status="overdue") == ["T4"]
    assert shown(status="difficulties") == ["T5"]
    assert shown(status="not_completed") == ["T3", "T4", "T5"]
    assert shown(agency=small_plan["agency"]["Sở Tư pháp"].pk) == ["T4"]
    assert shown(agency=small_plan["agency"]["Sở Y tế"].pk, status="completed") == ["T1", "T2"]
    tri_ton = Agency.objects.get(name="UBND huyện Tri Tôn")
    assert shown(agency=tri_ton.pk) == ["T3"]  # a member of the leading group
    assert shown(status="nonsense") == ["T1", "T2", "T3", "T4", "T5"]  # ignored, not an error
    assert shown(status="completed", agency=999999) == ["T1", "T2"]  # an unknown agency drops that filter only
    assert client.get(url, {"period": "²"}).status_code == 200  # not a number: the current period


def test_a_past_period_can_be_picked(client, viewer, small_plan):
    client.force_login(viewer)
    url = reverse("plan_dashboard", args=[small_plan["plan"].pk])
    response = client.get(url, {"period": small_plan["half"].pk})
    assert response.context["progress"].period == small_plan["half"]
    assert response.context["progress"].tally.overdue == 1
    other = ReportingPeriod.objects.exclude(plan=small_plan["plan"]).first()
    assert client.get(url, {"period": other.pk}).context["progress"].period == small_plan["nine"]  # not this plan's


def test_the_page_renders_in_english_with_english_numbers(client, coordinator, small_plan):
    client.force_login(coordinator)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("plan_dashboard", args=[small_plan["plan"].pk])).text
    assert "Completed 2/5 tasks, 40\u00a0%" in page and "4.62" in page


def test_the_page_runs_the_same_queries_for_10_or_200_tasks_and_5_or_50_agencies(
    client, coordinator, an_giang_plan, django_assert_num_queries
):
    # The header's unread notifications; then Computed: session, user, the session's two-factor device, plan, periods, the
    # plan's version, tasks, their
    # assignments, assignees (4), answers, owing agencies, reports, scores, targets, dimensions, whether the user
    # manages the plan. Unchanged since the last view: the same without tasks … reports (the process kept them).
    client.force_login(coordinator)
    url = reverse("plan_dashboard", args=[an_giang_plan.pk])
    grow_plan(an_giang_plan, 10, 5)
    with django_assert_num_queries(20):
        response = client.get(url)
    assert response.context["progress"].tally.total == 68
    with django_assert_num_queries(11):
        client.get(url)
    grow_plan(an_giang_plan, 190, 45)
    with django_assert_num_queries(20):
        response = client.get(url)
    with django_assert_num_queries(11):
        response = client.get(url)
    assert response.context["progress"].tally.total == 258
    # the group now leads tasks: An Giang's two sample communes owe reports too
    assert response.context["progress"].discipline.expected == 35 + 2 + 50


def test_a_report_sent_or_returned_after_a_view_shows_at_the_next_view(client, other_province_coordinator, dak_nong_plan):
    """The process keeps what it computed for the plan's version; each of these writes raises it."""
    home = dak_nong_plan.province.agencies.get(name="Sở Nội vụ")
    year = dak_nong_plan.periods.get(kind="year")
    led = list(dak_nong_plan.tasks.filter(assignments__agency=home, assignments__role="lead").order_by("order")[:2])
    client.force_login(other_province_coordinator)  # Đắk Nông's
    url = reverse("plan_dashboard", args=[dak_nong_plan.pk]) + f"?period={year.pk}"
    before = client.get(url).context["progress"].tally
    sent = report(home, year, "submitted", year.due_date, [(t, "completed", 100, "") for t in led])
    assert client.get(url).context["progress"].tally.completed == before.completed + 2
    sent.status = "returned"
    sent.save()
    assert client.get(url).context["progress"].tally == before
    Task.objects.filter(pk=led[0].pk).update(title="Đổi tên")  # a bulk write that raises nothing …
    assert client.get(url).context["progress"].tally == before  # … and changes no figure either


def test_difficulties_are_listed_by_agency_name(client, coordinator, small_plan):
    # Sở Y tế sent first; Sở Nội vụ, later, names a difficulty on the same task.
    home = Report.objects.get(agency=small_plan["agency"]["Sở Nội vụ"], period=small_plan["nine"])
    TaskProgress.objects.create(report=home, task=small_plan["tasks"]["T5"], status="in_progress", difficulties="Thiếu người")
    client.force_login(coordinator)
    response = client.get(reverse("plan_dashboard", args=[small_plan["plan"].pk]))
    t5 = next(s for s in response.context["tasks"] if s.task.number == "T5")
    assert [a.agency.name for a in t5.difficulties] == ["Sở Nội vụ", "Sở Y tế"]
    assert response.text.index("Thiếu người") < response.text.index("Thiếu kinh phí")
