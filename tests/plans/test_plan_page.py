import pytest
from django.urls import reverse
from django.utils import timezone

from indicators.models import SubDimension
from plans.models import Agency, AgencyKind, Plan, Task
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
    # session, user, the session's two-factor device, plan, its amendments, targets, tasks, assignments with their
    # agencies and groups, the plan with the plans carried from and into it (and whether the user follows and manages
    # it), the weakest sub-dimensions (the latest published year, the former provinces, even none, the framework, the
    # scores), the unread
    # notifications, its periods; its history (plan, targets, tasks)
    client.force_login(coordinator)
    url = reverse("plan_detail", args=[an_giang_plan.pk])
    add_tasks(an_giang_plan, 10)
    with django_assert_num_queries(18):
        client.get(url)
    add_tasks(an_giang_plan, 190)
    for task in Task.objects.filter(plan=an_giang_plan)[:50]:
        task.title += " (sửa)"
        task.save()  # fifty more history records
    with django_assert_num_queries(18):
        client.get(url)


def test_plan_page_runs_the_same_queries_for_a_unit_of_2025(client, administrator, an_giang_plan, django_assert_num_queries):
    # As above for an administrator; a unit of 1/7/2025 (its weakest sub-dimensions derived from its former
    # provinces') reads its former provinces in the same query as a province of 63 reads that it has none.
    from indicators.models import Province

    unit = Plan.objects.create(
        province=Province.objects.get(code="an-giang-2025"),
        year=2026,
        title="Kế hoạch cải thiện PAPI năm 2026",
        document_number="9/KH-UBND",
        baseline_year=2024,
        status=Plan.Status.ACTIVE,
    )
    Agency.objects.create(province=unit.province, name="Sở Nội vụ", kind=AgencyKind.DEPARTMENT)
    add_tasks(unit, 10)
    client.force_login(administrator)
    for plan in (an_giang_plan, unit):
        with django_assert_num_queries(18):
            response = client.get(reverse("plan_detail", args=[plan.pk]))
        assert response.status_code == 200
    assert response.context["analysis"].derived_from


def test_the_plan_as_of_a_day_runs_the_same_queries_for_10_or_200_more_tasks(
    client, coordinator, an_giang_plan, django_assert_max_num_queries
):
    # As above, without today's targets, tasks and assignments; plans.history.standing_on instead: when the records
    # begin (the plan's, its tasks', its targets'), today's tasks and targets with whether each has a record, their
    # records as of the day, the rebuilt ones' dimensions and sub-dimensions, the tasks' assignments.
    client.force_login(coordinator)
    url = reverse("plan_detail", args=[an_giang_plan.pk])
    today = {"ngay": timezone.localdate().strftime("%d/%m/%Y")}
    add_tasks(an_giang_plan, 10)  # no history record: they stand as today
    with django_assert_max_num_queries(26):
        response = client.get(url, today)
    assert response.context["standing"].rebuilt and response.context["task_count"] == 68
    add_tasks(an_giang_plan, 190)
    for task in Task.objects.filter(plan=an_giang_plan)[:50]:
        task.title += " (sửa)"
        task.save()
    with django_assert_max_num_queries(26):
        response = client.get(url, today)
    assert response.context["standing"].rebuilt and response.context["task_count"] == 258
    assert "Nhiệm vụ và chỉ tiêu như ngày" in response.text and " (sửa)" in response.text


def test_the_plan_page_lists_the_weakest_sub_dimensions_no_task_addresses(client, coordinator, viewer, an_giang_plan):
    # The 2020 plan reads 2019's figures, as its targets page does (tests/plans/test_target_advice.py): in dimension 3,
    # 3.2 (An Giang 0,68, median 1,05) is the only one below the median and no task names it.
    url = reverse("plan_detail", args=[an_giang_plan.pk])
    client.force_login(viewer)
    response = client.get(url)
    gaps = {g.dimension.number: g for g in response.context["gaps"]}
    assert [f.sub_dimension.code for f in gaps[3].figures] == ["D3.2"] and gaps[3].general_tasks == 5
    assert [f.sub_dimension.code for f in gaps[2].figures] == ["D2.3", "D2.1"]
    assert 6 not in gaps and 7 not in gaps
    page = response.text
    assert "Nội dung thành phần yếu nhất chưa có nhiệm vụ" in page and "(điểm PAPI 2019)" in page
    assert "3.2 Giải đáp khiếu nại, tố cáo, khúc mắc của người dân:" in page
    assert "điểm 0,68, trung vị toàn quốc 1,05" in page
    targets_page = reverse("plan_targets", args=[an_giang_plan.pk])
    assert targets_page not in page  # a viewer does not set targets
    client.force_login(coordinator)
    assert f"{targets_page}#chua-co-nhiem-vu" in client.get(url).text

    # A task that names 3.2 addresses it.
    task = Task.objects.filter(plan=an_giang_plan, dimension__number=3).first()
    task.sub_dimension = SubDimension.objects.get(code="D3.2")
    task.save()
    response = client.get(url)
    gaps = {g.dimension.number: g for g in response.context["gaps"]}
    assert 3 not in gaps and "3.2 Giải đáp khiếu nại" not in _gaps_section(response.text)
    assert "2.3 " in _gaps_section(response.text)


def _gaps_section(page):
    return page.split('id="chua-co-nhiem-vu"')[1].split("</section>")[0]


def test_no_section_when_every_weakest_sub_dimension_has_a_task(client, viewer, an_giang_plan):
    client.force_login(viewer)
    url = reverse("plan_detail", args=[an_giang_plan.pk])
    for gap in client.get(url).context["gaps"]:
        for figure in gap.figures:
            Task.objects.create(
                plan=an_giang_plan,
                dimension=gap.dimension,
                sub_dimension=figure.sub_dimension,
                number=f"Y.{figure.sub_dimension.pk}",
                title="Nhiệm vụ gắn với chỉ số thành phần",
            )
    response = client.get(url)
    assert response.context["gaps"] == [] and 'id="chua-co-nhiem-vu"' not in response.text


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
