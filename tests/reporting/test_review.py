"""The department's side: the review queue, accepting and returning, the history."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from plans.models import Agency, AgencyKind, Plan
from plans.obligations import tasks_for_agency
from reporting import workflow
from reporting.models import Report
from reporting.readers import review_queue
from reporting.reminders import send_reminders
from tests.factories import add_communes, add_tasks, make_reporter

pytestmark = pytest.mark.django_db


def sent(agency, period, user, when):
    """A report submitted at a given time (the workflow, then the time moved)."""
    progress = {t.pk: {"status": "in_progress", "percent_done": 10, "achieved_value": None, "narrative": "x",
                       "evidence": "", "difficulties": ""}
                for t in tasks_for_agency(agency, plan=period.plan)}  # fmt: skip
    report = workflow.save_draft(
        agency=agency, period=period, user=user, seen_version=0, difficulties="", proposals="", progress=progress
    )
    report = workflow.submit_report(report, user, report.version)
    Report.objects.filter(pk=report.pk).update(first_submitted_at=when, submitted_at=when)
    report.refresh_from_db()
    return report


def at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


def test_the_queue_counts_who_sent_on_time_late_or_not_at_all(year, commune_reporter):
    commune = Agency.objects.get(name="UBND xã Đắk Nia")
    district = Agency.objects.get(name="UBND huyện Cư Jút")
    sent(commune, year, commune_reporter, at(year.due_date))  # on the due date: on time
    sent(district, year, commune_reporter, at(year.due_date + datetime.timedelta(days=1)))  # a day late
    queue = review_queue(year)
    assert queue.expected == 35
    assert (queue.submitted, queue.on_time) == (2, 1)
    assert queue.by_status == {"not_started": 33, "submitted": 2}
    assert (queue.reporting_rate, queue.on_time_rate) == (6, 3)


def test_the_queue_filters_by_status_and_kind(year, commune_reporter):
    commune = Agency.objects.get(name="UBND xã Đắk Nia")
    sent(commune, year, commune_reporter, at(year.due_date))
    assert [r.agency for r in review_queue(year, {"status": "submitted"}).rows] == [commune]
    communes = review_queue(year, {"kind": AgencyKind.COMMUNE_COMMITTEE}).rows
    assert {r.agency.name for r in communes} == {"UBND xã Đắk Nia", "UBND xã Nâm N'Jang"}
    not_started = review_queue(year, {"status": "not_started", "kind": AgencyKind.COMMUNE_COMMITTEE}).rows
    assert [r.agency.name for r in not_started] == ["UBND xã Nâm N'Jang"]
    assert review_queue(year, {"status": "not_started"}).expected == 35  # counts stay over everyone


def test_the_queue_page_shows_the_counts(client, other_province_coordinator, year):
    client.force_login(other_province_coordinator)
    response = client.get(reverse("review_queue", args=[year.pk]), {"kind": "commune_committee"})
    assert response.status_code == 200
    assert "0/35" in response.text and len(response.context["queue"].rows) == 2


def test_the_queue_runs_the_same_queries_for_5_or_50_more_agencies(
    client, other_province_coordinator, year, django_assert_num_queries
):
    # The header's unread notifications; then session, user, the session's two-factor device, period, the reader's roles,
    # owing agencies, the period's reports,
    # filtered agencies, agencies for the reopening form, whether the user manages the plan
    client.force_login(other_province_coordinator)
    url = reverse("review_queue", args=[year.pk])
    add_communes(year.plan.province, 5)
    with django_assert_num_queries(11):
        response = client.get(url, {"status": "not_started"})
    assert response.context["queue"].expected == 40
    add_communes(year.plan.province, 45, start=6)
    with django_assert_num_queries(11):
        response = client.get(url, {"status": "not_started"})
    assert response.context["queue"].expected == 85


def test_accepting_and_returning_from_the_report_page(client, other_province_coordinator, commune_reporter, year):
    commune = Agency.objects.get(name="UBND xã Đắk Nia")
    report = sent(commune, year, commune_reporter, at(year.due_date))
    client.force_login(other_province_coordinator)
    response = client.post(reverse("report_return", args=[report.pk]), {"note": ""})
    assert response.status_code == 400 and "cần ghi rõ nội dung cần bổ sung" in response.text
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED
    client.post(reverse("report_return", args=[report.pk]), {"note": "Bổ sung minh chứng."})
    report.refresh_from_db()
    assert (report.status, report.review_note) == (Report.Status.RETURNED, "Bổ sung minh chứng.")
    response = client.post(reverse("report_accept", args=[report.pk]))  # not sent again yet
    report.refresh_from_db()
    assert report.status == Report.Status.RETURNED


def test_the_history_is_shown_to_the_coordinator_not_the_reporter(client, other_province_coordinator, commune_reporter, year):
    commune = Agency.objects.get(name="UBND xã Đắk Nia")
    report = sent(commune, year, commune_reporter, at(year.due_date))
    url = reverse("report_detail", args=[report.pk])
    client.force_login(other_province_coordinator)
    history = client.get(url).context["history"]
    assert history and {step.who.username for step in history} == {"xa.daknia"}
    client.force_login(commune_reporter)
    assert client.get(url).context["history"] is None


def test_creating_the_calendar_in_one_step(client, coordinator, an_giang_plan):
    an_giang_plan.periods.all().delete()
    client.force_login(coordinator)
    client.post(reverse("plan_periods", args=[an_giang_plan.pk]), {"working_days": "3", "year_due_date": "29/12/2020"})
    periods = {p.label: p for p in an_giang_plan.periods.all()}
    assert sorted(periods) == sorted(["Quý 2/2020", "6 tháng 2020", "Quý 3/2020", "9 tháng 2020", "Quý 4/2020", "Năm 2020"])
    assert periods["Quý 2/2020"].due_date == datetime.date(2020, 6, 17)  # Sunday 14/6 + 3 working days
    assert periods["Năm 2020"].due_date == datetime.date(2020, 12, 29)


def test_adjusting_a_period(client, coordinator, an_giang_plan):
    period = an_giang_plan.periods.get(kind="year")
    client.force_login(coordinator)
    url = reverse("period_edit", args=[period.pk])
    data = {"start": "15/12/2019", "end": "14/12/2020", "due_date": "10/12/2020", "grace_days": "5", "status": "open"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors == {"due_date": ["Hạn gửi báo cáo phải từ ngày chốt số liệu (14/12/2020) trở đi."]}
    client.post(url, {**data, "due_date": "30/12/2020"})
    period.refresh_from_db()
    assert (period.due_date, period.grace_days) == (datetime.date(2020, 12, 30), 5)


def test_reopening_for_one_agency_from_the_queue(client, other_province_coordinator, year):
    Plan.objects.filter(pk=year.plan_id).update(year=timezone.localdate().year)  # reopened while its year runs
    commune = Agency.objects.get(name="UBND xã Đắk Nia")
    client.force_login(other_province_coordinator)
    until = (timezone.localdate() + datetime.timedelta(days=5)).strftime("%d/%m/%Y")
    client.post(reverse("period_reopen", args=[year.pk]), {"agency": commune.pk, "until": until, "reason": "Mất điện do bão."})
    assert year.reopenings.get().agency == commune


# --- reminders ----------------------------------------------------------------------


def test_reminders_go_to_late_agencies_and_a_digest_to_the_coordinator(
    year, other_province_coordinator, commune_reporter, django_capture_on_commit_callbacks
):
    commune = Agency.objects.get(name="UBND xã Đắk Nia")
    commune_reporter.email = "xa.daknia@example.gov.vn"
    commune_reporter.save()
    other_province_coordinator.email = "snv@daknong.example.gov.vn"
    other_province_coordinator.save()
    district = Agency.objects.get(name="UBND huyện Cư Jút")
    make_reporter("cujut", district, email="cujut@example.gov.vn")
    sent(district, year, commune_reporter, at(year.due_date))  # Cư Jút has sent: no reminder

    with django_capture_on_commit_callbacks(execute=True):  # e-mails leave once the run commits
        run = send_reminders(today=year.due_date + datetime.timedelta(days=2))
    # Every 2020 period is due by then: the commune owes all seven, in one e-mail.
    reminded = {(a.name, p.label) for a, p in run.reminded}
    assert ("UBND xã Đắk Nia", "Năm 2020") in reminded and ("UBND huyện Cư Jút", "Năm 2020") not in reminded
    to_commune = [m for m in mail.outbox if m.to == ["xa.daknia@example.gov.vn"]]
    assert len(to_commune) == 1 and "quá hạn" in to_commune[0].subject
    assert f"/ky-bao-cao/{year.pk}/co-quan/{commune.pk}/" in to_commune[0].body
    assert to_commune[0].body.count("- Kỳ ") == 7
    digest = [m for m in mail.outbox if m.to == ["snv@daknong.example.gov.vn"]]
    assert len(digest) == 1 and "UBND xã Đắk Nia" in digest[0].body and "UBND huyện Cư Jút: kỳ Năm 2020" not in digest[0].body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = send_reminders(today=year.due_date + datetime.timedelta(days=2))
    assert again.reminded == [] and again.skipped_recent >= 1  # not twice within three days
    assert not [m for m in mail.outbox if m.to == ["xa.daknia@example.gov.vn"]]


def test_no_reminder_long_before_the_due_date(year):
    assert send_reminders(today=year.due_date - datetime.timedelta(days=10)).reminded == []
    assert mail.outbox == []


def test_the_queue_runs_the_same_queries_for_10_or_200_tasks(client, other_province_coordinator, year, django_assert_num_queries):
    # The header's unread notifications; then as above: the number of tasks changes nothing
    client.force_login(other_province_coordinator)
    url = reverse("review_queue", args=[year.pk])
    add_tasks(year.plan, 10, agency_name="Sở Y tế")
    with django_assert_num_queries(11):
        client.get(url, {"status": "not_started"})
    add_tasks(year.plan, 190, agency_name="Sở Tư pháp")
    with django_assert_num_queries(11):
        response = client.get(url, {"status": "not_started"})
    assert response.context["queue"].expected == 35
