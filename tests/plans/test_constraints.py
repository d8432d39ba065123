from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from indicators.models import Dimension
from plans.models import Agency, AgencyGroup, Membership, Plan, Target, Task, TaskAssignment

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


def test_an_agency_is_assigned_to_a_task_once(an_giang_plan):
    task = Task.objects.get(plan=an_giang_plan, number="1.1")
    lead = task.assignments.get(role="lead").agency
    refused(lambda: TaskAssignment.objects.create(task=task, role="coordinating", agency=lead))


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
