"""Tokens for the API's tests: An Giang's (the coordinator's), Đắk Nông's, an administrator's for
every province, a revoked one; and a world with a sent report in each province."""

import pytest
from django.core.cache import caches

from api import services
from plans.models import Agency
from tests.factories import report


@pytest.fixture(autouse=True)
def fresh_throttle():
    """Token ids repeat between rolled-back tests: one test's requests must not throttle the next's."""
    caches["limits"].clear()
    yield
    caches["limits"].clear()


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def tokens(coordinator, other_province_coordinator, administrator, an_giang_plan, dak_nong_plan):
    """{scope: request headers}: own (An Giang), other (Đắk Nông), all (administrator's), revoked
    (An Giang's, revoked), none (no header)."""
    _own, own = services.create_token(coordinator, "Bảng điều khiển", an_giang_plan.province)
    _other, other = services.create_token(other_province_coordinator, "Đắk Nông", dak_nong_plan.province)
    _all, every = services.create_token(administrator, "Toàn quốc", None)
    revoked, revoked_key = services.create_token(coordinator, "Cũ", an_giang_plan.province)
    services.revoke_token(revoked, coordinator)
    return {"own": bearer(own), "other": bearer(other), "all": bearer(every), "revoked": bearer(revoked_key), "none": {}}


@pytest.fixture
def world(an_giang_plan, dak_nong_plan):
    """A submitted year report of Sở Y tế An Giang, a draft of Sở Nội vụ An Giang (never read), and
    a submitted report in Đắk Nông; one answer each."""
    health = Agency.objects.get(province=an_giang_plan.province, name="Sở Y tế")
    period = an_giang_plan.periods.get(kind="year")
    task = an_giang_plan.tasks.get(number="6.1")
    sent = report(health, period, "submitted", period.due_date, [(task, "in_progress", 40, "khó khăn nội bộ")])
    home = Agency.objects.get(province=an_giang_plan.province, name="Sở Nội vụ")
    draft = report(home, period, "draft", None, [(task, "completed", 100, "")])
    dn_period = dak_nong_plan.periods.order_by("end").first()
    dn_agency = dak_nong_plan.tasks.first().assignments.exclude(agency=None).first().agency
    dn_report = report(
        dn_agency, dn_period, "accepted", dn_period.due_date, [(dak_nong_plan.tasks.first(), "completed", 100, "")]
    )
    return {
        "plan": an_giang_plan, "period": period, "task": task, "report": sent, "draft": draft, "agency": health,
        "other_plan": dak_nong_plan, "other_report": dn_report,
    }  # fmt: skip
