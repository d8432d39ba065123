"""The nightly reminders (reporting/reminders.py) and the in-app reminders they make through
`deadlines_found`: the digest counts agencies, an agency with a reopening in force is reminded of
it, and an in-app reminder comes at most once a day per reader, agency, period and kind."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from notifications.models import Notification
from reporting.models import PeriodReopening, ReportingPeriod
from reporting.reminders import remind_now, send_reminders

pytestmark = pytest.mark.django_db

Kind = Notification.Kind
DAY = datetime.timedelta(days=1)


@pytest.fixture
def dak_nong_year(dak_nong_plan):
    return dak_nong_plan.periods.get(kind="year")


def test_the_digest_counts_agencies_not_agency_periods(
    dak_nong_year, other_province_coordinator, django_capture_on_commit_callbacks
):
    other_province_coordinator.email = "snv@daknong.example.gov.vn"
    other_province_coordinator.save()
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders(today=dak_nong_year.due_date + 2 * DAY)
    (digest,) = [m for m in mail.outbox if m.to == ["snv@daknong.example.gov.vn"]]
    lines = [line for line in digest.body.splitlines() if line.startswith("- ")]
    periods_owed = sum(line.count("quá ") for line in lines)
    assert f"] {len(lines)} cơ quan chưa gửi" in digest.subject  # one line, and one count, per agency
    assert periods_owed > len(lines)  # the agencies owe several periods each: not counted twice
    (commune,) = [line for line in lines if line.startswith("- UBND xã Đắk Nia:")]
    assert commune.count("kỳ ") == 7  # every 2020 period it owes, on its one line


def test_an_agency_with_a_reopening_in_force_is_reminded_of_it(
    an_giang_plan, health, year, lead_reporter, district_reporter, django_capture_on_commit_callbacks
):
    lead_reporter.email, district_reporter.email = "syt@angiang.example.gov.vn", "lx@angiang.example.gov.vn"
    lead_reporter.save()
    district_reporter.save()
    today = year.due_date + 30 * DAY
    an_giang_plan.periods.update(status=ReportingPeriod.Status.LOCKED)  # locked for everyone…
    until = today + 5 * DAY
    PeriodReopening.objects.create(period=year, agency=health, until=until, reason="Mất điện.")  # …but Sở Y tế
    with django_capture_on_commit_callbacks(execute=True):
        run = send_reminders(today=today)
    an_giang = {(agency.name, period.pk) for agency, period in run.reminded if agency.province_id == an_giang_plan.province_id}
    assert an_giang == {("Sở Y tế", year.pk)}
    (reminder,) = [m for m in mail.outbox if m.to == ["syt@angiang.example.gov.vn"]]
    assert f"được mở lại cho cơ quan đến hết ngày {until:%d/%m/%Y}" in reminder.body
    assert not [m for m in mail.outbox if m.to == ["lx@angiang.example.gov.vn"]]
    (told,) = Notification.objects.filter(recipient=lead_reporter)
    assert told.kind == Kind.OVERDUE and f"mở lại cho cơ quan đến hết ngày {until:%d/%m/%Y}" in told.text
    assert not Notification.objects.filter(recipient=district_reporter).exists()


def test_a_reopening_that_has_ended_reminds_no_more(an_giang_plan, health, year, lead_reporter):
    today = year.due_date + 30 * DAY
    an_giang_plan.periods.update(status=ReportingPeriod.Status.LOCKED)
    PeriodReopening.objects.create(period=year, agency=health, until=today - DAY, reason="Đã hết hạn.")
    run = send_reminders(today=today)
    assert not [agency for agency, _period in run.reminded if agency.province_id == an_giang_plan.province_id]


def test_overdue_and_due_soon_reach_the_agencys_reporters_once_a_day(
    dak_nong_year, commune_reporter, other_province_coordinator, django_capture_on_commit_callbacks
):
    # Đắk Nia's reporter has no e-mail address: no reminder is logged, so each run would remind
    # again; in the app, once a day.
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders(today=dak_nong_year.due_date - 2 * DAY)
    today = dak_nong_year.due_date - 2 * DAY
    mine = Notification.objects.filter(recipient=commune_reporter)
    periods = dak_nong_year.plan.periods.all()
    assert dict(mine.values_list("period_id", "kind")) == {
        period.pk: Kind.OVERDUE if period.due_date < today else Kind.DUE_SOON for period in periods
    }
    assert "đến hạn gửi ngày" in mine.get(period=dak_nong_year).text
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders(today=dak_nong_year.due_date - 2 * DAY)
    assert mine.count() == 7
    assert not Notification.objects.filter(recipient=other_province_coordinator).exists()  # the digest is its e-mail
    assert mine.filter(emailed_at=None).count() == 0  # the reminder is their e-mail: never e-mailed again


def test_remind_now_tells_the_chosen_agency_in_the_app_too(year, health, lead_reporter, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        remind_now(year, [health], today=year.due_date + DAY)
    assert list(Notification.objects.filter(recipient=lead_reporter).values_list("kind", "period_id")) == [
        (Kind.OVERDUE, year.pk)
    ]


def test_the_nightly_run_sends_the_notification_emails_that_waited(year, lead_reporter, django_capture_on_commit_callbacks):
    lead_reporter.email = "syt@angiang.example.gov.vn"
    lead_reporter.save()
    Notification.objects.create(recipient=lead_reporter, kind=Kind.ACCEPTED, text="Báo cáo đã được tiếp nhận.", link="/")
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders(today=year.start)  # nothing due yet
    assert [m.subject for m in mail.outbox] == ["[PAPI] Báo cáo đã được tiếp nhận."]


def test_the_command_counts_agencies(capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders")
    out = capsys.readouterr().out
    assert out.startswith("Reminded ") and " agencies (" in out and "reports owed" in out
