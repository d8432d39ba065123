"""The review queue's "Xuất các báo cáo đã chọn": the ticked agencies' sent reports in one Excel
file, as sent; drafts never; a fixed number of queries."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from plans.models import Agency
from plans.obligations import tasks_for_agency
from reporting import workflow
from reporting.models import Report
from tests.factories import at

pytestmark = pytest.mark.django_db


def send(agency, period, user, narrative, submit=True):
    progress = {t.pk: {"status": "in_progress", "percent_done": 40, "achieved_value": None, "narrative": narrative,
                       "evidence": "Công văn 12", "difficulties": ""}
                for t in tasks_for_agency(agency, plan=period.plan)}  # fmt: skip
    report = workflow.save_draft(
        agency=agency, period=period, user=user, seen_version=0, difficulties="Thiếu người.", proposals="", progress=progress
    )
    return workflow.submit_report(report, user, report.version) if submit else report


@pytest.fixture
def sent_two(an_giang_plan, lead_reporter, district_reporter):
    period = an_giang_plan.periods.get(kind="year")
    health = Agency.objects.get(province=an_giang_plan.province, name="Sở Y tế")
    district = district_reporter.memberships.first().agency
    send(health, period, lead_reporter, "Y tế đã làm.")
    send(district, period, district_reporter, "Huyện đang soạn.", submit=False)
    return period, health, district


def test_the_ticked_sent_reports_come_as_sent(client, coordinator, sent_two):
    period, health, district = sent_two
    client.force_login(coordinator)
    url = reverse("period_export_selected", args=[period.pk])
    response = client.post(url, {"agency": [health.pk, district.pk]})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].iter_rows(min_row=5, values_only=True))
    answers = tasks_for_agency(health, plan=period.plan).count()
    assert len(rows) == answers > 0
    assert {row[0] for row in rows} == {"Sở Y tế"}  # the district's draft is its own
    first = rows[0]
    assert first[1] == "Đã gửi" and first[5] == "Đang thực hiện" and first[6] == 40 and first[8] == "Y tế đã làm."
    assert first[9] == "Công văn 12"
    notes = list(book.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert notes == [("Sở Y tế", "Thiếu người.", None)]


def test_nothing_sent_among_the_ticked_says_so(client, coordinator, sent_two):
    period, _health, district = sent_two
    client.force_login(coordinator)
    response = client.post(reverse("period_export_selected", args=[period.pk]), {"agency": [district.pk, "x"]}, follow=True)
    assert "chưa có báo cáo nào đã gửi để xuất" in response.text
    assert not Report.objects.filter(agency=district, status="submitted").exists()


def test_the_export_runs_the_same_queries_for_one_or_many_reports(
    client, coordinator, sent_two, an_giang_plan, lead_reporter, django_assert_max_num_queries
):
    period, health, _district = sent_two
    client.force_login(coordinator)
    url = reverse("period_export_selected", args=[period.pk])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.post(url, {"agency": [health.pk]})
    others = Agency.objects.filter(province=an_giang_plan.province, kind="department").exclude(pk=health.pk)[:4]
    for agency in others:
        made = Report.objects.create(
            agency=agency, period=period, status="submitted", version=1, submitted_at=at(period.due_date)
        )
        made.progress.create(task=period.plan.tasks.first(), status="completed", percent_done=100)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.post(url, {"agency": [health.pk, *[a.pk for a in others]]})
    assert response.status_code == 200


def test_a_returned_reports_answers_being_edited_are_not_exported(client, coordinator, sent_two, lead_reporter):
    """Found by review: a returned report's answers are edited again, not sent; they stay out."""
    period, health, _district = sent_two
    Report.objects.filter(agency=health, period=period).update(status="returned")
    client.force_login(coordinator)
    response = client.post(reverse("period_export_selected", args=[period.pk]), {"agency": [health.pk]}, follow=True)
    assert "chưa có báo cáo nào đã gửi để xuất" in response.text
