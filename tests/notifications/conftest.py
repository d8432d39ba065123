"""The notifications' world: Sở Y tế An Giang's year report and a second reporter of Sở Y tế,
beside the shared cast (tests/conftest.py)."""

import pytest

from notifications.models import Notification
from plans.models import Agency
from plans.obligations import tasks_for_agency
from reporting import workflow
from tests.factories import make_reporter

# The cast, with "colleague": a second reporter of Sở Y tế An Giang.
CAST = [
    "administrator",
    "coordinator",
    "other_province_coordinator",
    "lead_reporter",
    "colleague",
    "district_reporter",
    "commune_reporter",
    "viewer",
]


@pytest.fixture
def health(an_giang_plan):
    return Agency.objects.get(province=an_giang_plan.province, name="Sở Y tế")


@pytest.fixture
def long_xuyen(an_giang_plan):
    return Agency.objects.get(province=an_giang_plan.province, name="UBND thành phố Long Xuyên")


@pytest.fixture
def year(an_giang_plan):
    return an_giang_plan.periods.get(kind="year")


@pytest.fixture
def cast(request, health):
    users = {role: request.getfixturevalue(role) for role in CAST if role != "colleague"}
    users["colleague"] = make_reporter("syt2.angiang", health, email="syt2@example.gov.vn")
    return users


def draft(agency, period, user):
    progress = {task.pk: {"status": "in_progress", "percent_done": 40, "achieved_value": None, "narrative": "x",
                          "evidence": "", "difficulties": ""}
                for task in tasks_for_agency(agency, plan=period.plan)}  # fmt: skip
    return workflow.save_draft(
        agency=agency, period=period, user=user, seen_version=0, difficulties="", proposals="", progress=progress
    )


def sent(agency, period, user):
    report = draft(agency, period, user)
    return workflow.submit_report(report, user, report.version)


def told(cast, kind, report=None):
    """The roles of the cast told of `kind` (about `report`); fails if anyone outside the cast was."""
    rows = Notification.objects.filter(kind=kind)
    if report is not None:
        rows = rows.filter(report=report)
    recipients = set(rows.values_list("recipient_id", flat=True))
    by_pk = {user.pk: role for role, user in cast.items()}
    assert recipients <= set(by_pk), "someone outside the cast was told"
    return {by_pk[pk] for pk in recipients}
