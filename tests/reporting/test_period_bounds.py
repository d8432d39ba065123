"""Every date a person types for a period stays within its plan's years; a bad date is refused
beside its field, and a bad row already in the database breaks no page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.models import Agency, Plan
from reporting.models import ReportingPeriod

pytestmark = pytest.mark.django_db

OUTSIDE_2020 = "Ngày phải trong khoảng 01/01/2019 – 31/12/2021: năm 2020 của kế hoạch, năm trước hoặc năm sau."
BEFORE_CUTOFF = "Hạn gửi báo cáo phải từ ngày chốt số liệu (14/12/2020) trở đi."


@pytest.fixture
def an_giang_year(an_giang_plan):
    return an_giang_plan.periods.get(kind="year")


def period_data(**changes):
    return {"start": "15/12/2019", "end": "14/12/2020", "due_date": "30/12/2020", "grace_days": "5", "status": "open", **changes}


def test_a_due_date_in_9999_is_refused_beside_the_field_of_the_period_form(client, coordinator, an_giang_year):
    client.force_login(coordinator)
    response = client.post(reverse("period_edit", args=[an_giang_year.pk]), period_data(due_date="31/12/9999"))
    assert response.status_code == 200
    assert response.context["form"].errors == {"due_date": [OUTSIDE_2020]}
    assert OUTSIDE_2020 in response.text
    an_giang_year.refresh_from_db()
    assert an_giang_year.due_date.year == 2020


def test_a_due_date_in_9999_is_refused_beside_the_field_in_the_admin(client, coordinator, an_giang_year):
    client.force_login(coordinator)
    data = period_data(plan=an_giang_year.plan_id, kind="year", quarter="", due_date="31/12/9999")
    response = client.post(reverse("admin:reporting_reportingperiod_change", args=[an_giang_year.pk]), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"due_date": [OUTSIDE_2020]}
    an_giang_year.refresh_from_db()
    assert an_giang_year.due_date.year == 2020


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"start": "15/12/2017"}, {"start": [OUTSIDE_2020]}),
        ({"end": "14/12/2019"}, {"end": ["Ngày chốt số liệu cuối phải từ ngày đầu (15/12/2019) trở đi."]}),
        ({"due_date": "10/12/2020"}, {"due_date": [BEFORE_CUTOFF]}),
        ({"grace_days": "91"}, {"grace_days": ["Gia hạn tối đa 90 ngày."]}),
        ({"grace_days": "30000"}, {"grace_days": ["Gia hạn tối đa 90 ngày."]}),
    ],
)
def test_each_period_date_is_checked_beside_its_field(client, coordinator, an_giang_year, changes, errors):
    client.force_login(coordinator)
    response = client.post(reverse("period_edit", args=[an_giang_year.pk]), period_data(**changes))
    assert response.status_code == 200 and response.context["form"].errors == errors


def test_the_pages_of_a_period_stored_with_a_due_date_in_9999_still_open(
    client, commune_reporter, other_province_coordinator, commune, year
):
    # Written before the bounds, or by hand: 31/12/9999 plus 5 days of grace is past the last date.
    ReportingPeriod.objects.filter(pk=year.pk).update(due_date=datetime.date(9999, 12, 31), grace_days=5)
    year.refresh_from_db()
    assert year.closes_on == datetime.date.max
    client.force_login(commune_reporter)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("report_form", args=[year.pk, commune.pk])).status_code == 200
    client.force_login(other_province_coordinator)
    assert client.get(reverse("review_queue", args=[year.pk])).status_code == 200


@pytest.mark.parametrize(
    ("due", "error"), [("10/12/2020", BEFORE_CUTOFF), ("31/12/9999", OUTSIDE_2020), ("01/01/2022", OUTSIDE_2020)]
)
def test_generating_periods_with_a_bad_year_due_date_says_why_and_creates_nothing(client, coordinator, an_giang_plan, due, error):
    an_giang_plan.periods.all().delete()
    client.force_login(coordinator)
    response = client.post(reverse("plan_periods", args=[an_giang_plan.pk]), {"working_days": "2", "year_due_date": due})
    assert response.status_code == 200
    assert response.context["form"].errors == {"year_due_date": [error]}
    assert error in response.text
    assert not an_giang_plan.periods.exists()


def test_generating_periods_takes_a_year_due_date_on_the_cutoff(client, coordinator, an_giang_plan):
    an_giang_plan.periods.all().delete()
    client.force_login(coordinator)
    client.post(reverse("plan_periods", args=[an_giang_plan.pk]), {"working_days": "2", "year_due_date": "14/12/2020"})
    assert an_giang_plan.periods.get(kind="year").due_date == datetime.date(2020, 12, 14)


@pytest.fixture
def current_year(year):
    """The period's plan made this year's: a reopening is for a plan still running."""
    Plan.objects.filter(pk=year.plan_id).update(year=timezone.localdate().year)
    return year


def reopen(client, period, until):
    commune = Agency.objects.get(name="UBND xã Đắk Nia")
    data = {"agency": commune.pk, "until": until.strftime("%d/%m/%Y"), "reason": "Mất điện do bão."}
    return client.post(reverse("period_reopen", args=[period.pk]), data, follow=True)


@pytest.mark.parametrize(
    ("days", "message"),
    [(-1, "Ngày mở lại đến phải từ hôm nay trở đi."), (91, "Mở lại tối đa 90 ngày kể từ hôm nay."), (3 * 366, "tối đa 90")],
)
def test_a_reopening_until_a_past_or_far_date_is_refused_with_the_reason(
    client, other_province_coordinator, current_year, days, message
):
    client.force_login(other_province_coordinator)
    response = reopen(client, current_year, timezone.localdate() + datetime.timedelta(days=days))
    assert message in response.text
    assert not current_year.reopenings.exists()


def test_a_late_agency_of_a_past_years_plan_may_still_be_let_in(client, other_province_coordinator, year):
    client.force_login(other_province_coordinator)
    response = reopen(client, year, timezone.localdate() + datetime.timedelta(days=90))
    assert "Đã mở lại kỳ báo cáo" in response.text
    assert year.reopenings.get().until == timezone.localdate() + datetime.timedelta(days=90)


def test_the_compiled_reports_issue_date_stays_within_the_plans_years(client, coordinator, an_giang_year):
    client.force_login(coordinator)
    data = {"number": "25/BC-SNV", "issue_date": "05/10/9999", "summary": "Báo cáo", "signer_title": "GIÁM ĐỐC",
            "signer_name": "Nguyễn Văn An", "recipients": "UBND tỉnh"}  # fmt: skip
    response = client.post(reverse("compiled_report", args=[an_giang_year.pk]), data)
    assert response.status_code == 400
    assert response.context["form"].errors == {"issue_date": [OUTSIDE_2020]}
    # Up to today is fine: the report of a past year's plan may be issued late (the form's default is today).
    for day in (timezone.localdate(), datetime.date(2019, 1, 1)):
        response = client.post(reverse("compiled_report", args=[an_giang_year.pk]), {**data, "issue_date": f"{day:%d/%m/%Y}"})
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    response = client.post(reverse("compiled_report", args=[an_giang_year.pk]), {**data, "issue_date": "31/12/2018"})
    assert response.status_code == 400
