import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from indicators.models import Dimension
from plans.models import Agency, AgencyGroup, Membership, Plan, Target, Task, TaskAssignment
from plans.obligations import assignees

pytestmark = pytest.mark.django_db


def refused(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_a_second_target_for_the_same_dimension_is_refused(an_giang_plan):
    refused(
        lambda: Target.objects.create(plan=an_giang_plan, dimension=Dimension.objects.get(number=1), target_score=Decimal("6"))
    )


def test_a_target_needs_a_score_or_a_group(an_giang_plan):
    Target.objects.filter(plan=an_giang_plan, dimension__number=1).delete()
    refused(lambda: Target.objects.create(plan=an_giang_plan, dimension=Dimension.objects.get(number=1)))


def test_a_target_score_stays_on_the_1_to_10_scale(an_giang_plan):
    Target.objects.filter(plan=an_giang_plan, dimension__number=1).delete()
    refused(lambda: Target.objects.create(plan=an_giang_plan, dimension=Dimension.objects.get(number=1), target_score=11))


def test_a_deadline_task_needs_its_due_date(an_giang_plan):
    refused(lambda: Task.objects.create(plan=an_giang_plan, number="X.1", title="t", timeframe_kind="deadline"))


def test_task_numbers_are_unique_in_a_plan(an_giang_plan):
    refused(lambda: Task.objects.create(plan=an_giang_plan, number="1.1", title="t", timeframe_kind="ongoing"))


def test_an_assignment_names_an_agency_or_a_group_not_both(an_giang_plan):
    task = Task.objects.get(plan=an_giang_plan, number="1.1")
    agency = Agency.objects.get(province=an_giang_plan.province, name="Sở Y tế")
    group = AgencyGroup.objects.get(province=an_giang_plan.province, name="UBND cấp xã")
    refused(lambda: TaskAssignment.objects.create(task=task, role="lead", agency=agency, group=group))
    refused(lambda: TaskAssignment.objects.create(task=task, role="lead"))


def test_an_agency_is_assigned_once_per_role_and_may_lead_and_coordinate(an_giang_plan):
    task = Task.objects.get(plan=an_giang_plan, number="1.1")
    lead = task.assignments.get(role="lead").agency
    refused(lambda: TaskAssignment.objects.create(task=task, role="lead", agency=lead))
    # Đắk Nông's V.6 names Sở TN&MT to lead and to coordinate: the plan says both, it reports as lead.
    TaskAssignment.objects.create(task=task, role="coordinating", agency=lead)
    roles = assignees([an_giang_plan])[task.pk]
    assert lead.pk in roles["lead"] and lead.pk not in roles["coordinating"]


def test_a_province_has_one_coordinating_agency(an_giang_plan):
    refused(lambda: Agency.objects.create(province=an_giang_plan.province, name="Sở Nội vụ (bản sao)", is_coordinator=True))


def test_agency_names_are_unique_in_a_province(an_giang_plan):
    refused(lambda: Agency.objects.create(province=an_giang_plan.province, name="Sở Y tế"))


def test_the_baseline_year_comes_before_the_plan_year(an_giang_plan):
    refused(
        lambda: Plan.objects.create(
            province=an_giang_plan.province, year=2021, baseline_year=2021, title="t", document_number="1/KH"
        )
    )


def test_only_the_home_affairs_department_can_hold_the_coordinator_role(coordinator, an_giang_plan):
    health = Agency.objects.get(province=an_giang_plan.province, name="Sở Y tế")
    with pytest.raises(ValidationError):
        Membership(user=coordinator, agency=health, role=Membership.Role.COORDINATOR).full_clean()


def test_a_task_of_a_plan_is_assigned_only_within_its_province(an_giang_plan):
    task = Task.objects.get(plan=an_giang_plan, number="1.1")
    foreign = Agency.objects.get(name="UBND xã Đắk Nia")
    with pytest.raises(ValidationError):
        TaskAssignment(task=task, role="coordinating", agency=foreign).full_clean()


# --- bounds on what a coordinator types (model validation: the admin shows each beside its field) ---


def test_a_plan_holds_at_most_max_tasks_per_plan(client, coordinator, an_giang_plan):
    from django.urls import reverse

    from papi_tracker.limits import MAX_TASKS_PER_PLAN
    from plans.models import touch_plans
    from tests.factories import add_tasks

    add_tasks(an_giang_plan, MAX_TASKS_PER_PLAN - an_giang_plan.tasks.count())
    touch_plans([an_giang_plan.pk])
    message = f"Kế hoạch đã có {MAX_TASKS_PER_PLAN} nhiệm vụ, số nhiệm vụ tối đa của một kế hoạch: không thêm được nữa."
    with pytest.raises(ValidationError) as error:
        Task(plan=an_giang_plan, number="Y.1", title="t", timeframe_kind="ongoing").full_clean()
    assert error.value.messages == [message]
    an_giang_plan.tasks.first().full_clean()  # a task already in the plan is still edited
    client.force_login(coordinator)
    data = {"plan": an_giang_plan.pk, "number": "Y.1", "order": "1", "title": "Thêm một nhiệm vụ", "timeframe_kind": "ongoing",
            "assignments-TOTAL_FORMS": "0", "assignments-INITIAL_FORMS": "0", "assignments-MIN_NUM_FORMS": "0",
            "assignments-MAX_NUM_FORMS": "1000"}  # fmt: skip
    response = client.post(reverse("admin:plans_task_add"), data)
    assert response.status_code == 200 and message in response.text
    assert an_giang_plan.tasks.count() == MAX_TASKS_PER_PLAN


OUTSIDE_2020 = "Ngày phải trong khoảng 01/01/2019 – 31/12/2021: năm 2020 của kế hoạch, năm trước hoặc năm sau."


def errors_of(instance):
    with pytest.raises(ValidationError) as error:
        instance.full_clean()
    return error.value.message_dict


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"due_date": datetime.date(9999, 12, 31)}, {"due_date": [OUTSIDE_2020]}),
        ({"measure_value": Decimal("-1")}, {"measure_value": ["Giá trị chỉ tiêu không được âm."]}),
        ({"measure_value": Decimal("150"), "measure_unit": "%"},
         {"measure_value": ["Chỉ tiêu tính theo phần trăm: giá trị tối đa là 100."]}),
    ],
)  # fmt: skip
def test_a_tasks_numbers_dates_and_texts_stay_within_bounds(an_giang_plan, changes, errors):
    task = Task.objects.get(plan=an_giang_plan, number="1.1")
    for name, value in changes.items():
        setattr(task, name, value)
    assert errors_of(task) == errors


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"issue_date": datetime.date(2030, 1, 1)}, "issue_date"), ({"year": 1999}, "year"), ({"year": 2101}, "year"),
     ({"rank_goal": 64}, "rank_goal"), ({"rank_goal": 0}, "rank_goal")],
)  # fmt: skip
def test_a_plans_year_dates_and_goals_stay_within_bounds(an_giang_plan, changes, field):
    for name, value in changes.items():
        setattr(an_giang_plan, name, value)
    assert set(errors_of(an_giang_plan)) == {field}


@pytest.mark.parametrize(
    ("model", "name", "limit"),
    [(Plan, "goal", 5000), (Task, "title", 3000), (Task, "measure", 3000), (Task, "expected_output", 3000)],
)
def test_the_admins_long_texts_are_bounded(model, name, limit):
    # Django checks a text column's max_length in its form field (the admin's), not in the model.
    field = model._meta.get_field(name).formfield()
    field.clean("x" * limit)
    with pytest.raises(ValidationError):
        field.clean("x" * (limit + 1))


def test_a_plans_issue_date_is_checked_against_its_year(an_giang_plan):
    an_giang_plan.issue_date = datetime.date(2030, 1, 1)
    assert errors_of(an_giang_plan) == {"issue_date": [OUTSIDE_2020]}


@pytest.mark.parametrize("aliases", [{"a": 1}, "UBND xã", [1], [""], ["x" * 201], ["x"] * 51])
def test_an_agencys_other_names_are_a_list_of_short_names(an_giang_plan, aliases):
    agency = Agency.objects.get(province=an_giang_plan.province, name="Sở Y tế")
    agency.aliases = aliases
    assert set(errors_of(agency)) == {"aliases"}


@pytest.mark.parametrize(
    ("code", "year", "message"),
    [
        ("an-giang", 2026, "Từ năm 2025, kế hoạch lập cho đơn vị sau sắp xếp ngày 01/07/2025: hãy chọn An Giang."),
        ("an-giang", 2025, "hãy chọn An Giang."),
        ("an-giang-2025", 2020, "Trước năm 2025, kế hoạch lập cho tỉnh, thành phố trước sắp xếp: hãy chọn An Giang, Kiên Giang"),
    ],
)
def test_a_plan_is_made_for_a_unit_in_force_in_its_year(code, year, message):
    from indicators.models import Province

    plan = Plan(province=Province.objects.get(code=code), year=year, title="x", document_number="1/KH", baseline_year=2019)
    with pytest.raises(ValidationError) as refused:
        plan.full_clean()
    assert message in " ".join(refused.value.message_dict["province"])


@pytest.mark.parametrize(
    ("code", "year"), [("an-giang-2025", 2026), ("an-giang-2025", 2025), ("an-giang", 2024), ("dak-nong", 2020)]
)
def test_a_unit_in_force_in_the_plans_year_is_accepted(code, year):
    from indicators.models import Province

    plan = Plan(province=Province.objects.get(code=code), year=year, title="x", document_number="1/KH", baseline_year=2019)
    plan.full_clean()


def test_the_admin_offers_the_units_by_the_years_they_serve(client, administrator):
    client.force_login(administrator)
    page = client.get(reverse("admin:plans_plan_add")).text
    after, before = page.split("Từ năm 2025: đơn vị sau sắp xếp 01/07/2025")[1].split(
        "Đến năm 2024: tỉnh, thành phố trước sắp xếp"
    )
    assert ">An Giang<" in after and "Kiên Giang" not in after
    assert ">An Giang (trước 01/07/2025)<" in before and ">Kiên Giang (trước 01/07/2025)<" in before
