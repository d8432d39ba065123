"""Notifications by e-mail (notifications/emails.py): per user choice, at most one an hour with
all that waited, never the deadline kinds (the reminder is their e-mail)."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail import EmailMessage
from django.utils import timezone

from notifications import emails, services
from notifications.models import Notification, NotificationSettings
from reporting import workflow

from .conftest import sent

pytestmark = pytest.mark.django_db

Kind = Notification.Kind


@pytest.fixture
def addressed(cast):
    cast["lead_reporter"].email = "syt@angiang.example.gov.vn"
    cast["lead_reporter"].save()
    return cast


def _return(cast, health, year, note="Bổ sung minh chứng."):
    report = sent(health, year, cast["lead_reporter"])
    return workflow.return_report(report, cast["coordinator"], note)


def test_a_returned_report_is_emailed_to_the_agencys_reporters(addressed, health, year, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = _return(addressed, health, year)
    to = {message.to[0]: message for message in mail.outbox}
    assert set(to) == {"syt@angiang.example.gov.vn", "syt2@example.gov.vn"}
    message = to["syt@angiang.example.gov.vn"]
    assert "bị trả lại để bổ sung: Bổ sung minh chứng." in message.subject
    assert f"/ky-bao-cao/{year.pk}/co-quan/{health.pk}/" in message.body and "/thong-bao/" in message.body
    assert not Notification.objects.filter(report=report, kind=Kind.RETURNED, emailed_at=None).exists()


def test_who_turned_email_off_gets_none_but_still_sees_it_in_the_app(addressed, health, year, django_capture_on_commit_callbacks):
    services.set_email(addressed["lead_reporter"], False)
    with django_capture_on_commit_callbacks(execute=True):
        _return(addressed, health, year)
    assert [message.to for message in mail.outbox] == [["syt2@example.gov.vn"]]
    assert Notification.objects.filter(recipient=addressed["lead_reporter"], kind=Kind.RETURNED, emailed_at=None).exists()


def test_turned_on_again_it_starts_from_now(addressed, health, year, django_capture_on_commit_callbacks):
    reader = addressed["lead_reporter"]
    services.set_email(reader, False)
    with django_capture_on_commit_callbacks(execute=True):
        _return(addressed, health, year)
    services.set_email(reader, True)
    assert services.wants_email(reader)
    assert emails.deliver([reader.pk]) == 0  # what came while it was off is not e-mailed at once


def test_at_most_one_email_an_hour_with_all_that_waited(addressed, health, year, django_capture_on_commit_callbacks):
    reader = addressed["lead_reporter"]
    with django_capture_on_commit_callbacks(execute=True):
        report = _return(addressed, health, year)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # sent again and accepted within the hour
        report = workflow.submit_report(report, reader, report.version)
        workflow.accept_report(report, addressed["coordinator"])
    assert mail.outbox == []
    later = timezone.now() + emails.EMAIL_EVERY + datetime.timedelta(minutes=1)
    assert emails.deliver(now=later) == 2  # both reporters, each one e-mail
    (mine,) = [message for message in mail.outbox if message.to == ["syt@angiang.example.gov.vn"]]
    assert "đã được tiếp nhận" in mine.subject
    assert NotificationSettings.objects.get(user=reader).last_emailed_at == later


def test_one_email_lists_several_notifications(addressed):
    reader = addressed["lead_reporter"]
    Notification.objects.bulk_create(
        Notification(recipient=reader, kind=Kind.COMMENT, text=f"Ý kiến {number}", link="/") for number in range(35)
    )
    assert emails.deliver([reader.pk]) == 1
    (message,) = mail.outbox
    assert message.subject == "[PAPI] 35 thông báo mới"
    assert message.body.count("- Ý kiến") == emails.EMAIL_LINES and "… và 5 thông báo khác." in message.body


def test_no_email_for_what_is_read_or_for_inactive_users_or_without_an_address(addressed):
    reader, colleague = addressed["lead_reporter"], addressed["colleague"]
    Notification.objects.create(recipient=reader, kind=Kind.COMMENT, text="Đã đọc", read_at=timezone.now())
    Notification.objects.create(recipient=addressed["coordinator"], kind=Kind.COMMENT, text="Không có địa chỉ")
    colleague.is_active = False
    colleague.save()
    Notification.objects.create(recipient=colleague, kind=Kind.COMMENT, text="Tài khoản bị khóa")
    assert emails.deliver() == 0 and mail.outbox == []


# Two runs at once (the task queued on an event, the nightly run): each notification is claimed by
# one run, in a transaction, before any e-mail is sent.


def test_a_second_run_cannot_claim_what_a_first_run_claimed_and_has_not_sent_yet(addressed):
    reader = addressed["lead_reporter"]
    Notification.objects.create(recipient=reader, kind=Kind.COMMENT, text="Ý kiến mới", link="/")
    now = timezone.now()
    first = emails.claim(now)
    assert [n.text for n in first[reader]] == ["Ý kiến mới"]
    assert emails.claim(now) == {} and emails.deliver() == 0  # the other run finds nothing to send
    assert mail.outbox == []


def test_a_run_started_while_another_sends_sends_nothing_twice(addressed, monkeypatch):
    reader = addressed["lead_reporter"]
    Notification.objects.create(recipient=reader, kind=Kind.COMMENT, text="Ý kiến mới", link="/")
    send, other = EmailMessage.send, {}

    def meanwhile(message, fail_silently=False):  # another run starts while the first sends
        if "sent" not in other:
            other["sent"] = None
            other["sent"] = emails.deliver()
        return send(message, fail_silently)

    monkeypatch.setattr(EmailMessage, "send", meanwhile)
    assert emails.deliver() == 1 and other["sent"] == 0
    assert [message.to for message in mail.outbox] == [["syt@angiang.example.gov.vn"]]


def test_the_normal_path_sends_once(addressed):
    reader = addressed["lead_reporter"]
    Notification.objects.create(recipient=reader, kind=Kind.COMMENT, text="Ý kiến mới", link="/")
    later = timezone.now() + emails.EMAIL_EVERY + datetime.timedelta(minutes=1)
    assert emails.deliver() == 1
    assert emails.deliver() == 0 and emails.deliver(now=later) == 0  # e-mailed: never again
    assert [message.to for message in mail.outbox] == [["syt@angiang.example.gov.vn"]]
    assert not Notification.objects.filter(recipient=reader, emailed_at=None).exists()


def test_a_message_that_fails_goes_back_to_wait_for_the_next_run(addressed, monkeypatch):
    reader = addressed["lead_reporter"]
    Notification.objects.create(recipient=reader, kind=Kind.COMMENT, text="Ý kiến mới", link="/")

    def refused(message, fail_silently=False):
        raise ConnectionRefusedError

    with monkeypatch.context() as patched:
        patched.setattr(EmailMessage, "send", refused)
        assert emails.deliver() == 0  # logged, not raised: the other users' messages still go
    assert Notification.objects.filter(recipient=reader, emailed_at=None).exists()
    later = timezone.now() + emails.EMAIL_EVERY + datetime.timedelta(minutes=1)
    assert emails.deliver(now=later) == 1 and len(mail.outbox) == 1  # with the next hour's


def test_one_refused_address_holds_up_no_one_else(addressed, monkeypatch):
    users = [addressed["lead_reporter"], *(get_user_model().objects.create(username=f"u{i}", email=f"u{i}@example.gov.vn")
                                           for i in range(2))]  # fmt: skip
    for user in users:
        Notification.objects.create(recipient=user, kind=Kind.COMMENT, text="Ý kiến mới", link="/")
    refused = users[1].email
    send = EmailMessage.send

    def bounce(message, fail_silently=False):
        if refused in message.to:
            raise OSError("550 mailbox unavailable")
        return send(message, fail_silently)

    monkeypatch.setattr(EmailMessage, "send", bounce)
    assert emails.deliver() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users if u.email != refused)
    assert list(Notification.objects.filter(emailed_at=None).values_list("recipient", flat=True)) == [users[1].pk]


def test_what_a_run_that_died_had_claimed_is_sent_by_a_later_run(addressed):
    reader = addressed["lead_reporter"]
    Notification.objects.create(recipient=reader, kind=Kind.COMMENT, text="Ý kiến mới", link="/")
    now = timezone.now()
    assert emails.claim(now)  # … and the run is killed before it sends
    assert emails.deliver(now=now + datetime.timedelta(minutes=5)) == 0  # still claimed
    later = now + max(emails.CLAIM_LEASE, emails.EMAIL_EVERY) + datetime.timedelta(minutes=1)
    assert emails.deliver(now=later) == 1 and len(mail.outbox) == 1
