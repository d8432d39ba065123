"""Small builders for tests that need more data than the seed plans."""

from django.contrib.auth import get_user_model

from plans.models import Agency, AgencyKind, Membership, Task, TaskAssignment


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
    return tasks


def add_communes(province, count, start=1):
    """`count` commune People's Committees, members of the province's "UBND cấp xã" by kind."""
    return Agency.objects.bulk_create(
        Agency(province=province, name=f"UBND xã Thử {start + i}", kind=AgencyKind.COMMUNE_COMMITTEE) for i in range(count)
    )


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
