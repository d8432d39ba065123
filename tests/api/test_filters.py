"""The lists' filters (year, plan, period, dimension, agency) and pages."""

import pytest
from django.urls import reverse

from plans.models import Agency, Plan

pytestmark = pytest.mark.django_db


def ids(client, name, params, headers):
    response = client.get(reverse(name), params, **headers)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_plans_by_year(client, tokens, world):
    assert ids(client, "api-plan-list", {"year": world["plan"].year}, tokens["all"]) >= {world["plan"].pk}
    assert world["plan"].pk not in ids(client, "api-plan-list", {"year": world["plan"].year + 1}, tokens["all"])


def test_a_plan_of_several_years_is_in_each(client, tokens, world):
    plan = world["plan"]
    Plan.objects.filter(pk=plan.pk).update(end_year=plan.year + 2)
    assert plan.pk in ids(client, "api-plan-list", {"year": plan.year + 1}, tokens["own"])
    assert plan.pk not in ids(client, "api-plan-list", {"year": plan.year + 3}, tokens["own"])


def test_tasks_by_plan_dimension_and_agency(client, tokens, world):
    task = world["task"]
    by_plan = ids(client, "api-task-list", {"plan": world["plan"].pk, "page_size": 500}, tokens["all"])
    assert by_plan == set(world["plan"].tasks.values_list("pk", flat=True))
    by_dimension = ids(client, "api-task-list", {"dimension": task.dimension_id, "page_size": 500}, tokens["own"])
    assert task.pk in by_dimension and by_dimension == set(
        world["plan"].tasks.filter(dimension=task.dimension).values_list("pk", flat=True)
    )
    health = ids(client, "api-task-list", {"agency": world["agency"].pk, "page_size": 500}, tokens["own"])
    assert task.pk in health and len(health) < len(by_plan)


def test_a_task_given_to_a_group_is_its_members(client, tokens, world):
    """Long Xuyên is a member of "UBND cấp huyện", which coordinates 6.1."""
    district = Agency.objects.get(name="UBND thành phố Long Xuyên")
    assert world["task"].pk in ids(client, "api-task-list", {"agency": district.pk, "page_size": 500}, tokens["own"])


def test_reports_and_answers_by_period_agency_and_dimension(client, tokens, world):
    period, agency = world["period"], world["agency"]
    assert ids(client, "api-report-list", {"period": period.pk, "agency": agency.pk}, tokens["own"]) == {world["report"].pk}
    assert ids(client, "api-report-list", {"plan": world["plan"].pk, "year": world["plan"].year}, tokens["own"]) == {
        world["report"].pk
    }
    assert ids(client, "api-report-list", {"agency": agency.pk + 100000}, tokens["own"]) == set()
    answers = client.get(
        reverse("api-task-progress-list"), {"dimension": world["task"].dimension_id, "period": period.pk}, **tokens["own"]
    ).json()["results"]
    assert [(a["task"], a["status"], a["percent_done"]) for a in answers] == [(world["task"].pk, "in_progress", 40)]


def test_periods_targets_and_framework_by_year(client, tokens, world):
    year = world["plan"].year
    assert world["period"].pk in ids(client, "api-period-list", {"year": year}, tokens["own"])
    assert ids(client, "api-period-list", {"year": year + 1}, tokens["own"]) == set()
    assert ids(client, "api-target-list", {"year": year, "plan": world["plan"].pk}, tokens["own"]) == set(
        world["plan"].targets.values_list("pk", flat=True)
    )
    eight = client.get(reverse("api-dimension-list"), {"year": 2020}, **tokens["own"]).json()
    six = client.get(reverse("api-dimension-list"), {"year": 2015}, **tokens["own"]).json()
    assert (eight["count"], six["count"]) == (8, 6)
    assert all(row["sub_dimensions"] for row in eight["results"])


@pytest.mark.parametrize(
    "params",
    [{"year": "hai nghìn"}, {"year": "1800"}, {"plan": "-1"}, {"plan": "9" * 30}, {"agency": "1.5"}, {"period": "x"}],
)
def test_a_bad_filter_says_why(client, tokens, world, params):
    response = client.get(reverse("api-task-progress-list"), params, **tokens["own"])
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_pages(client, tokens, world):
    first = client.get(reverse("api-task-list"), {"plan": world["plan"].pk, "page_size": 2}, **tokens["own"]).json()
    assert first["count"] == world["plan"].tasks.count() and len(first["results"]) == 2
    assert "page=2" in first["next"] and first["previous"] is None
    second = client.get(first["next"], **tokens["own"]).json()
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}
    assert client.get(reverse("api-task-list"), {"page": 999}, **tokens["own"]).status_code == 404
    capped = client.get(reverse("api-score-list"), {"page_size": 100000}, **tokens["all"]).json()
    assert len(capped["results"]) == 500


def test_an_id_too_long_is_not_found(client, tokens, world):
    assert client.get(f"/api/v1/ke-hoach/{'9' * 30}/", **tokens["own"]).status_code == 404
    assert client.get(f"/api/v1/ke-hoach/{'9' * 18}/", **tokens["own"]).status_code == 404
