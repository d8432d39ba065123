import pytest
from django.urls import reverse

from plans.models import Plan, Task
from tests.factories import add_tasks

pytestmark = pytest.mark.django_db


def test_plan_page_shows_targets_and_tasks_by_dimension(client, viewer, an_giang_plan):
    client.force_login(viewer)
    response = client.get(reverse("plan_detail", args=[an_giang_plan.pk]))
    page = response.text
    assert response.status_code == 200
    assert "5,40" in page and "3,50" in page  # targets, comma decimals
    assert "4,56" in page  # 2018 baseline of dimension 1
    assert "Nâng cao chất lượng dịch vụ khám chữa bệnh" in page
    assert "Trong nhóm 20 tỉnh dẫn đầu" in page
    assert response.context["task_count"] == 58


@pytest.mark.parametrize("cast", ["other_province_coordinator", "commune_reporter", "outsider"])
def test_plan_page_of_another_province_is_not_found(client, request, cast, an_giang_plan):
    client.force_login(request.getfixturevalue(cast))
    assert client.get(reverse("plan_detail", args=[an_giang_plan.pk])).status_code == 404


def test_plan_page_runs_the_same_queries_for_10_or_200_more_tasks(client, coordinator, an_giang_plan, django_assert_num_queries):
    # session, user, the session's two-factor device, plan, targets, tasks, assignments with their agencies and groups,
    # the user's role in the province, whether they manage the plan, the plans carried from and into it, its
    # amendments, the unread notifications, its periods; its history (plan, targets, tasks)
    client.force_login(coordinator)
    url = reverse("plan_detail", args=[an_giang_plan.pk])
    add_tasks(an_giang_plan, 10)
    with django_assert_num_queries(16):
        client.get(url)
    add_tasks(an_giang_plan, 190)
    for task in Task.objects.filter(plan=an_giang_plan)[:50]:
        task.title += " (sửa)"
        task.save()  # fifty more history records
    with django_assert_num_queries(16):
        client.get(url)


def test_a_draft_plan_page_is_not_found_for_its_reporters_and_viewers(client, viewer, lead_reporter, coordinator, an_giang_plan):
    Plan.objects.filter(pk=an_giang_plan.pk).update(status=Plan.Status.DRAFT)
    url = reverse("plan_detail", args=[an_giang_plan.pk])
    for user in (viewer, lead_reporter):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(coordinator)
    assert client.get(url).status_code == 200


def test_the_plan_page_links_coordinators_to_the_reporting_calendar(client, coordinator, lead_reporter, an_giang_plan):
    url = reverse("plan_detail", args=[an_giang_plan.pk])
    client.force_login(coordinator)
    assert reverse("plan_periods", args=[an_giang_plan.pk]) in client.get(url).text
    client.force_login(lead_reporter)
    assert reverse("plan_periods", args=[an_giang_plan.pk]) not in client.get(url).text
