"""A leader's home opens on the headline of each plan under way (tasks completed and overdue,
targets met or on track, reporting rate, the rank and group goals), with the dashboard's figures,
in a fixed number of queries; the dashboard's total row says whether the goals are met."""

import pytest
from django.urls import reverse

from indicators.models import Score
from plans.models import Plan
from reporting import progress
from tests.factories import grow_plan

pytestmark = pytest.mark.django_db

HOME = reverse("home")


def headlines(client, user):
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response, response.context["headlines"]


def test_the_headline_shows_the_dashboards_figures(client, viewer, small_plan):
    plan = small_plan["plan"]  # five tasks with known answers (tests/reporting/conftest.py), in An Giang
    response, found = headlines(client, viewer)
    assert {h.plan.document_number for h in found} == {"179/KH-UBND", plan.document_number}
    (headline,) = [h for h in found if h.plan == plan]
    board = progress.plan_progress(plan)
    assert headline.tally == board.tally
    targeted = [row for row in board.dimensions if row.target is not None or row.sub_targets]
    signals = [row.signal for row in targeted]
    assert headline.targets == len(targeted) > 0
    assert (headline.met, headline.missed, headline.on_track) == (
        signals.count("met"),
        signals.count("missed"),
        signals.count("on_track"),
    )
    assert headline.met + headline.missed + headline.on_track + headline.behind == headline.targets
    assert headline.summary.period == board.period
    assert headline.summary.expected == board.discipline.expected and headline.summary.sent == board.discipline.sent_count
    page = response.text
    t = board.tally
    assert t.completed and f"<strong>{t.completed}/{t.total}</strong> ({t.completed_percent}&nbsp;%)" in page
    assert f"<strong>{headline.met + headline.on_track}/{headline.targets}</strong> đạt hoặc đúng tiến độ" in page
    assert reverse("plan_dashboard", args=[plan.pk]) in page


def test_the_goals_are_judged_against_the_published_total(client, viewer, an_giang_plan):
    total = Score.objects.get(province=an_giang_plan.province, year=an_giang_plan.year, dimension__isnull=True)
    assert (an_giang_plan.rank_goal, an_giang_plan.group_goal) == (20, 1)
    _response, (headline,) = headlines(client, viewer)
    rank, group = headline.goals
    assert (rank.kind, rank.actual, rank.met) == ("rank", total.rank, total.rank <= 20)
    assert (group.kind, group.actual, group.met) == ("group", total.group, total.group == 1)
    # A score imported afresh shows at once, the plan untouched.
    Score.objects.filter(pk=total.pk).update(rank=3, group=1)
    _response, (headline,) = headlines(client, viewer)
    assert [(g.actual, g.met) for g in headline.goals] == [(3, True), (1, True)]
    page = client.get(HOME).text
    assert "Đạt (hạng 3)" in page and "Mục tiêu xếp hạng: trong 20 tỉnh dẫn đầu" in page
    Score.objects.filter(pk=total.pk).update(rank=40, group=3)
    page = client.get(HOME).text
    assert "Chưa đạt (hạng 40)" in page and "Chưa đạt (Nhóm đạt điểm trung bình thấp)" in page


def test_without_a_published_total_the_goals_wait(an_giang_plan):
    assert [(g.kind, g.met, str(g.verdict)) for g in progress.goal_checks(an_giang_plan, None)] == [
        ("rank", None, "chưa có kết quả"),
        ("group", None, "chưa có kết quả"),
    ]


def test_the_dashboards_total_row_says_whether_the_goals_are_met(client, coordinator, an_giang_plan):
    total = Score.objects.get(province=an_giang_plan.province, year=an_giang_plan.year, dimension__isnull=True)
    client.force_login(coordinator)
    page = client.get(reverse("plan_dashboard", args=[an_giang_plan.pk])).text
    verdict = f"Đạt (hạng {total.rank})" if total.rank <= 20 else f"Chưa đạt (hạng {total.rank})"
    cell = page[page.index('data-figure="goals"') :][:800]
    assert verdict in cell and "Mục tiêu xếp hạng: trong 20 tỉnh dẫn đầu" in cell


@pytest.mark.parametrize("cast", ["administrator", "lead_reporter", "district_reporter", "commune_reporter", "outsider"])
def test_only_those_who_follow_a_plan_get_its_headline(client, request, cast):
    _response, found = headlines(client, request.getfixturevalue(cast))
    assert found == []  # the administrator has the national view; a reporter, its own tasks


def test_a_plan_not_under_way_has_no_headline(client, viewer, coordinator, an_giang_plan):
    Plan.objects.filter(pk=an_giang_plan.pk).update(status=Plan.Status.CLOSED)
    assert headlines(client, viewer)[1] == []
    Plan.objects.filter(pk=an_giang_plan.pk).update(status=Plan.Status.ACTIVE)
    assert [h.plan for h in headlines(client, coordinator)[1]] == [an_giang_plan]


def test_the_home_runs_the_same_queries_for_a_small_and_a_large_plan(client, viewer, an_giang_plan, django_assert_num_queries):
    # First view of a version: session, user, memberships, followed plans (2), the headline plans, the stored
    # national rows, then for the missing row the tasks, assignees (4), answers, periods, reports, storing it;
    # the targets, the scores, the plan list and the to-do list's. A second view reads the stored row instead.
    client.force_login(viewer)
    grow_plan(an_giang_plan, 10, 5)
    client.get(HOME)
    with django_assert_num_queries(QUERIES_KEPT := count_queries(client)):
        small = client.get(HOME).context["headlines"][0]
    grow_plan(an_giang_plan, 190, 45)
    first = count_queries(client)
    with django_assert_num_queries(QUERIES_KEPT):
        large = client.get(HOME).context["headlines"][0]
    assert large.tally.total == small.tally.total + 190
    grow_plan(an_giang_plan, 5, 5)
    assert count_queries(client) == first  # a new version: computed again, as many queries


def count_queries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(HOME)
    return len(queries)


def test_a_missed_sub_dimension_target_is_missed_on_the_home_page_too(an_giang_plan):
    """Found by review: the headline judged a dimension without its sub-dimension targets."""
    from decimal import Decimal

    from indicators.models import SubDimension
    from plans.models import Target

    board = progress.plan_progress(an_giang_plan)
    row = next(r for r in board.dimensions if r.target is not None and r.signal == "met" and r.dimension)
    sub = SubDimension.objects.filter(dimension=row.dimension).first()
    Score.objects.update_or_create(
        province=an_giang_plan.province, year=board.year, dimension=row.dimension, sub_dimension=sub,
        defaults={"value": Decimal("1.0")},
    )  # fmt: skip
    Target.objects.create(plan=an_giang_plan, dimension=row.dimension, sub_dimension=sub, target_score=Decimal("9.0"))
    board = progress.plan_progress(an_giang_plan)
    signals = [r.signal for r in board.dimensions if r.target is not None or r.sub_targets]
    assert next(r for r in board.dimensions if r.dimension == row.dimension).signal == "missed"
    (headline,) = progress.plan_headlines([an_giang_plan])
    assert (headline.met, headline.missed) == (signals.count("met"), signals.count("missed"))
