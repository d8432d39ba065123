"""Next year's plan from this year's (reporting/next_year.py): "Lập kế hoạch năm sau"."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Score
from plans.models import Agency, AgencyGroup, CarriedStatus, Plan, Target, Task, TaskAssignment
from plans.reorganisation import reorganise
from reporting import next_year
from reporting.models import Report, TaskProgress
from tests.factories import add_tasks, report

pytestmark = pytest.mark.django_db

FINISHED = {"6.1", "6.2", "6.3"}  # led by Sở Y tế alone, which reports them completed


@pytest.fixture
def reported(an_giang_plan):
    """Sở Y tế An Giang's accepted year report: 6.1–6.3 completed, 6.4 at 40 %."""
    health = Agency.objects.get(province=an_giang_plan.province, name="Sở Y tế")
    period = an_giang_plan.periods.get(kind="year")
    tasks = {t.number: t for t in an_giang_plan.tasks.filter(number__in=["6.1", "6.2", "6.3", "6.4"])}
    answers = [(tasks[n], TaskProgress.Status.COMPLETED, 100, "") for n in sorted(FINISHED)]
    answers.append((tasks["6.4"], TaskProgress.Status.IN_PROGRESS, 40, ""))
    report(health, period, Report.Status.ACCEPTED, sent_on=period.due_date, answers=answers)
    return an_giang_plan


def test_the_snapshot_status_is_the_reports(db):
    assert CarriedStatus.choices == TaskProgress.Status.choices


def test_an_giang_2020_carries_its_unfinished_tasks_and_targets_into_2021(reported, coordinator):
    plan = reported
    new, made = next_year.carry_over(plan, coordinator)
    assert made and (new.year, new.province_id, new.status) == (2021, plan.province_id, Plan.Status.DRAFT)
    assert new.carried_from == plan and list(plan.carried_into.all()) == [new]
    assert new.parent is None  # not the issuing relation
    assert new.title.endswith("tỉnh An Giang năm 2021") and new.document_number == "Dự thảo 2021 (179/KH-UBND)"

    # The unfinished tasks and only those, with their agencies and groups.
    old_numbers = set(plan.tasks.values_list("number", flat=True))
    assert set(new.tasks.values_list("number", flat=True)) == old_numbers - FINISHED
    carried = new.tasks.get(number="6.4")
    assert carried.carried_from.plan == plan
    assert (carried.carried_status, carried.carried_percent) == ("in_progress", 40)
    assert new.tasks.get(number="1.1").carried_status == "not_started"
    old_64 = plan.tasks.get(number="6.4")
    assert carried.title == old_64.title and carried.expected_output == old_64.expected_output
    assert carried.due_date == old_64.due_date.replace(year=2021)

    def assigned(task):
        return sorted((a.role, str(a.agency or a.group)) for a in task.assignments.all())

    assert assigned(carried) == assigned(old_64)
    assert {(a.role, a.agency.name) for a in carried.assignments.filter(agency__isnull=False)} >= {("lead", "Sở Y tế")}
    assert (
        TaskAssignment.objects.filter(task__plan=new).count()
        == TaskAssignment.objects.filter(task__plan=plan).exclude(task__number__in=FINISHED).count()
    )

    # Targets copied for the new year, with the new baseline: the latest published score (2020).
    assert new.baseline_year == 2020
    old_targets = {t.dimension.number: t.target_score for t in Target.objects.of_dimensions(plan)}
    new_targets = {t.dimension.number: t for t in Target.objects.of_dimensions(new)}
    assert {n: t.target_score for n, t in new_targets.items()} == old_targets
    assert all(t.year is None for t in new_targets.values())
    score_2020 = Score.objects.get(province=plan.province, year=2020, dimension__number=1, sub_dimension__isnull=True)
    assert new_targets[1].baseline_score == score_2020.value


def test_unfinished_is_what_the_dashboard_says(reported, coordinator):
    from reporting.progress import COMPLETED, plan_progress

    dashboard = {state.task.number for state in plan_progress(reported).tasks if state.status != COMPLETED}
    new, _made = next_year.carry_over(reported, coordinator)
    assert set(new.tasks.values_list("number", flat=True)) == dashboard


def test_the_finished_tasks_come_only_when_asked(reported, coordinator):
    new, _made = next_year.carry_over(reported, coordinator, include_finished=True)
    assert new.tasks.count() == reported.tasks.count()
    assert new.tasks.get(number="6.1").carried_status == "completed"
    assert new.tasks.get(number="6.1").carried_percent == 100


def test_a_second_click_returns_the_first_plan(client, reported, coordinator):
    client.force_login(coordinator)
    url = reverse("plan_next_year", args=[reported.pk])
    first = client.post(url, {})
    new = Plan.objects.get(carried_from=reported)
    assert first.status_code == 302 and first["Location"] == reverse("plan_detail", args=[new.pk])
    second = client.post(url, {})
    assert second.status_code == 302 and second["Location"] == reverse("plan_detail", args=[new.pk])
    assert Plan.objects.filter(carried_from=reported).count() == 1
    assert next_year.carry_over(reported, coordinator) == (new, False)
    # The confirmation page, asked again, opens the plan already made.
    again = client.get(url)
    assert again.status_code == 302 and again["Location"] == reverse("plan_detail", args=[new.pk])


def test_the_plans_link_both_ways_and_mark_the_carried_tasks(client, reported, coordinator, viewer):
    client.force_login(coordinator)
    old_url = reverse("plan_detail", args=[reported.pk])
    assert "Lập kế hoạch năm sau" in client.get(old_url).text
    new, _made = next_year.carry_over(reported, coordinator)
    page = client.get(reverse("plan_detail", args=[new.pk])).text
    assert "Chuyển tiếp từ kế hoạch 2020" in page and old_url in page
    assert "chuyển tiếp từ 2020: Đang thực hiện, 40&nbsp;%" in page
    assert "chuyển tiếp từ 2020: Chưa thực hiện, 0&nbsp;%" in page
    old_page = client.get(old_url).text
    assert "Kế hoạch năm sau: 2021" in old_page and reverse("plan_detail", args=[new.pk]) in old_page
    assert reverse("plan_next_year", args=[reported.pk]) not in old_page  # made: no second button
    # The new plan is a draft: a viewer sees neither it nor the link to it.
    client.force_login(viewer)
    page = client.get(old_url).text
    assert "Kế hoạch năm sau" not in page and "Lập kế hoạch năm sau" not in page


def test_the_confirmation_page_shows_what_will_be_carried(client, reported, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("plan_next_year", args=[reported.pk]))
    assert response.status_code == 200
    carry = response.context["carry"]
    assert (len(carry.unfinished), len(carry.finished), len(carry.targets)) == (55, 3, 8)
    assert {item.task.number for item in carry.finished} == FINISHED
    page = response.text
    assert "55 nhiệm vụ chưa hoàn thành" in page and "kèm nhiệm vụ đã hoàn thành" in page
    assert "Trung vị toàn quốc 2020" in page and "Cao nhất toàn quốc 2020" in page
    first = carry.targets[0]
    assert first.median is not None and first.best >= first.median
    assert Plan.objects.filter(carried_from=reported).count() == 0  # GET makes nothing


def test_a_taken_document_number_is_refused_with_a_message(client, reported, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("plan_next_year", args=[reported.pk]), {"document_number": "179/KH-UBND"})
    assert response.status_code == 400
    assert "Số, ký hiệu đã tồn tại" in response.text
    assert not Plan.objects.filter(carried_from=reported).exists()


@pytest.mark.parametrize("cast", ["viewer", "lead_reporter", "other_province_coordinator", "outsider"])
def test_only_the_plans_managers_carry_it(client, request, cast, reported):
    client.force_login(request.getfixturevalue(cast))
    url = reverse("plan_next_year", args=[reported.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
    assert not Plan.objects.filter(carried_from=reported).exists()


def test_a_2024_plan_lands_on_the_provinces_2025_unit(coordinator, an_giang_plan):
    former = an_giang_plan.province
    unit = former.successor
    plan = Plan.objects.create(
        province=former, year=2024, baseline_year=2023, title="Kế hoạch nâng cao Chỉ số PAPI năm 2024",
        document_number="9/KH-UBND",
    )  # fmt: skip
    Target.objects.create(plan=plan, dimension=an_giang_plan.targets.first().dimension, target_score=Decimal("5.5"))
    task = Task.objects.create(plan=plan, number="1", title="Công khai thủ tục", timeframe_kind="ongoing")
    health = Agency.objects.get(province=former, name="Sở Y tế")
    TaskAssignment.objects.create(task=task, role="lead", agency=health)
    districts = AgencyGroup.objects.get(province=former, name="UBND cấp huyện")  # districts ended on 1/7/2025
    TaskAssignment.objects.create(task=task, role="coordinating", group=districts)
    reorganise(unit)

    carry = next_year.prepare(plan)
    assert carry.unit == unit and carry.unit_changes and carry.missing_names == ["UBND cấp huyện"]
    new, made = next_year.carry_over(plan, coordinator)
    assert made and (new.province, new.year, new.baseline_year) == (unit, 2025, 2024)
    assert new.issuer == unit.committee
    (carried,) = new.tasks.all()
    (lead,) = carried.assignments.all()
    assert (lead.role, lead.agency.name, lead.agency.province) == ("lead", "Sở Y tế", unit)
    # The unit has no published 2024 score: its baseline is derived, shown, never recorded.
    (target,) = new.targets.all()
    assert target.baseline_score is None and carry.targets[0].baseline_source


def test_a_plan_with_no_unit_next_year_is_refused(coordinator, an_giang_plan, monkeypatch):
    monkeypatch.setattr(next_year, "next_year_unit", lambda plan, year: None)
    with pytest.raises(next_year.CarryOverError, match="Không có đơn vị"):
        next_year.carry_over(an_giang_plan, coordinator)


def test_carrying_runs_the_same_queries_for_10_or_100_more_tasks(client, reported, coordinator, django_assert_num_queries):
    # GET (19): session, user, device, plan (with province, successor, parent), the next plan, the
    # latest published year, targets, dimensions, sub-dimensions, the unit's scores, national
    # statistics, tasks, assignments, the obligations (assignments, groups, members, agencies by
    # kind), answers, the unread notifications.
    # POST (41): session, user, device, plan; the savepoint around it all, the lock, the next plan,
    # the reading above (13), the new plan's checks (province, the plan it comes from, number,
    # two constraints in savepoints: 6, carried once), its insert in a savepoint (3), three
    # inserts, touch_plans, the release; the history of the plan, its targets and its tasks (3).
    client.force_login(coordinator)
    url = reverse("plan_next_year", args=[reported.pk])
    add_tasks(reported, 10)
    with django_assert_num_queries(19):
        client.get(url)
    with django_assert_num_queries(41):
        client.post(url, {})
    Plan.objects.filter(carried_from=reported).delete()
    add_tasks(reported, 90)
    with django_assert_num_queries(19):
        client.get(url)
    with django_assert_num_queries(41):
        response = client.post(url, {})
    assert response.status_code == 302
    assert Plan.objects.get(carried_from=reported).tasks.count() == 55 + 100


def test_bad_dates_do_not_break_the_copy(coordinator, an_giang_plan):
    assert next_year._moved(datetime.date(2020, 2, 29), 1) == datetime.date(2021, 2, 28)
    assert next_year._moved(None, 1) is None


def test_a_former_provinces_coordinator_cannot_make_the_units_plan(client, other_province_coordinator, dak_nong_plan):
    """Found by review: the draft landed in the unit of 1/7/2025, which they do not run, then 404."""
    from plans import access

    former = dak_nong_plan.province
    unit = former.successor
    plan = Plan.objects.create(province=former, year=2024, baseline_year=2023, title="Kế hoạch PAPI năm 2024",
                               document_number="99/KH-UBND")  # fmt: skip
    Task.objects.create(plan=plan, number="1", title="Công khai thủ tục", timeframe_kind="ongoing")
    assert unit is not None and not access.managed_provinces(other_province_coordinator).filter(pk=unit.pk).exists()
    client.force_login(other_province_coordinator)
    response = client.post(reverse("plan_next_year", args=[plan.pk]), {"document_number": ""})
    assert response.status_code == 400 and f"chỉ Sở Nội vụ của {unit.name} lập được" in response.text
    assert not Plan.objects.filter(carried_from=plan).exists()
