import pytest
from django.urls import reverse

from plans.models import Plan, Task, TaskAssignment

pytestmark = pytest.mark.django_db

HOME = reverse("home")


def plans_listed(client, user):
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return {plan.document_number for plan in response.context["plans"]}


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_vietnamese(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert '<html lang="vi">' in response.text
    assert "Đăng nhập" in response.text and "Tên đăng nhập" in response.text


@pytest.mark.parametrize(
    ("cast", "expected"),
    [
        ("coordinator", {"179/KH-UBND"}),
        ("lead_reporter", {"179/KH-UBND"}),
        ("district_reporter", {"179/KH-UBND"}),
        ("viewer", {"179/KH-UBND"}),
        ("other_province_coordinator", {"46/QĐ-UBND"}),
        ("commune_reporter", {"46/QĐ-UBND"}),
        ("administrator", {"179/KH-UBND", "46/QĐ-UBND"}),
        ("outsider", set()),
    ],
)
def test_home_lists_only_the_plans_the_role_may_see(client, request, cast, expected):
    assert plans_listed(client, request.getfixturevalue(cast)) == expected


def test_a_draft_plan_is_shown_to_its_coordinators_only(client, coordinator, viewer, an_giang_plan):
    Plan.objects.filter(pk=an_giang_plan.pk).update(status=Plan.Status.DRAFT)
    assert plans_listed(client, coordinator) == {"179/KH-UBND"}
    assert plans_listed(client, viewer) == set()


def test_home_tells_a_reporter_how_many_tasks_their_agency_reports_on(client, lead_reporter, district_reporter):
    client.force_login(lead_reporter)
    page = client.get(HOME).text
    # Sở Y tế leads four tasks and, as a department, shares the group tasks of "Các Sở, Ban, ngành".
    assert "Báo cáo viên" in page and "Sở Y tế" in page
    client.force_login(district_reporter)
    assert "50 nhiệm vụ phải báo cáo" in client.get(HOME).text


def test_home_shows_plan_figures_in_vietnamese(client, coordinator):
    client.force_login(coordinator)
    page = client.get(HOME).text
    assert "Kế hoạch nâng cao Chỉ số PAPI" in page
    assert "179/KH-UBND" in page and "10/04/2020" in page
    assert "46/QĐ-UBND" not in page


def add_tasks(plan, count):
    agency = plan.province.agencies.get(name="Sở Nội vụ")
    start = Task.objects.filter(plan=plan).count()
    tasks = Task.objects.bulk_create(
        Task(plan=plan, number=f"X.{start + i}", order=1000 + i, title=f"Nhiệm vụ bổ sung {i}", timeframe_kind="ongoing")
        for i in range(count)
    )
    TaskAssignment.objects.bulk_create(TaskAssignment(task=t, role="lead", agency=agency) for t in tasks)


def test_home_runs_the_same_queries_for_10_or_200_more_tasks(client, coordinator, an_giang_plan, django_assert_max_num_queries):
    # session, user, memberships, plans with counts
    client.force_login(coordinator)
    add_tasks(an_giang_plan, 10)
    with django_assert_max_num_queries(4):
        client.get(HOME)
    add_tasks(an_giang_plan, 190)
    with django_assert_max_num_queries(4):
        client.get(HOME)


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


def test_plan_page_runs_the_same_queries_for_10_or_200_more_tasks(
    client, coordinator, an_giang_plan, django_assert_max_num_queries
):
    # session, user, plan, targets, tasks, assignments with their agencies and groups
    client.force_login(coordinator)
    url = reverse("plan_detail", args=[an_giang_plan.pk])
    add_tasks(an_giang_plan, 10)
    with django_assert_max_num_queries(6):
        client.get(url)
    add_tasks(an_giang_plan, 190)
    with django_assert_max_num_queries(6):
        client.get(url)
