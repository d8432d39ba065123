"""Small builders for tests that need more data than the seed plans."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from plans.models import Agency, AgencyGroup, AgencyKind, Membership, Plan, Task, TaskAssignment, touch_plans
from reporting.models import Report, TaskProgress


def add_tasks(plan, count, agency_name="Sở Nội vụ", role="lead"):
    """`count` more tasks assigned to one agency of the plan's province."""
    agency = plan.province.agencies.get(name=agency_name)
    start = Task.objects.filter(plan=plan).count()
    tasks = Task.objects.bulk_create(
        Task(
            plan=plan,
            number=f"X.{start + i}",
            order=1000 + start + i,
            title=f"Nhiệm vụ bổ sung {start + i}",
            timeframe_kind="ongoing",
        )
        for i in range(count)
    )
    TaskAssignment.objects.bulk_create(TaskAssignment(task=t, role=role, agency=agency) for t in tasks)
    touch_plans([plan.pk])  # bulk inserts send no signal (reporting/figures.py)
    return tasks


def add_communes(province, count, start=1):
    """`count` commune People's Committees, members of the province's "UBND cấp xã" by kind."""
    communes = Agency.objects.bulk_create(
        Agency(province=province, name=f"UBND xã Thử {start + i}", kind=AgencyKind.COMMUNE_COMMITTEE) for i in range(count)
    )
    touch_plans(Plan.objects.filter(province=province).values("pk"))  # they join groups by kind
    return communes


def make_reporter(username, agency, email=""):
    user = get_user_model().objects.create_user(username, email=email, password="x")
    Membership.objects.create(user=user, agency=agency, role=Membership.Role.REPORTER)
    return user


def close_response(response):
    """Close a streamed response (its file) as a server would, but without the request_finished
    signal closing the test's database connection, as Django's test client itself does."""
    from django.core.signals import request_finished
    from django.db import close_old_connections

    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def report(agency, period, status, sent_on=None, answers=()):
    """A report as it stands after the workflow: `answers` are (task, status, percent, difficulties)."""
    sent = at(sent_on) if sent_on else None
    made = Report.objects.create(
        agency=agency, period=period, status=status, submitted_at=sent, first_submitted_at=sent, version=1
    )
    for task, task_status, percent_done, difficulties in answers:
        TaskProgress.objects.create(
            report=made, task=task, status=task_status, percent_done=percent_done, difficulties=difficulties
        )
    return made


def grow_plan(plan, tasks, communes):
    """More tasks (half led by the communes' group) and more communes, each with a sent report."""
    add_tasks(plan, tasks, agency_name="Sở Y tế")
    group = AgencyGroup.objects.get(province=plan.province, name="UBND cấp xã")
    extra = add_communes(plan.province, communes, start=Agency.objects.filter(province=plan.province).count())
    for task in Task.objects.filter(plan=plan, number__startswith="X.")[: tasks // 2]:
        TaskAssignment.objects.get_or_create(task=task, group=group, role="lead")
    period = plan.periods.get(kind="year")
    for commune in extra:
        made = Report.objects.create(
            agency=commune, period=period, status="submitted", submitted_at=at(period.due_date),
            first_submitted_at=at(period.due_date),
        )  # fmt: skip
        TaskProgress.objects.bulk_create(
            TaskProgress(report=made, task=t, status="in_progress", difficulties="x")
            for t in Task.objects.filter(plan=plan, number__startswith="X.")[:5]
        )
    touch_plans([plan.pk])
