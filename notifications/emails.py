"""Notifications by e-mail, for those who keep e-mail on (NotificationSettings; on by default).

Throttled as the reminders are (reporting/reminders.py: one e-mail listing all an agency owes, at
most one every few days): one e-mail lists all of a user's notifications not yet e-mailed nor read,
and a user gets at most one every EMAIL_EVERY. What arrives meanwhile waits for the next event's
e-mail after that, or for the nightly run (the reminders' signal, notifications/listeners.py).
The deadline kinds are never e-mailed here: the reminder e-mail is theirs.

A background task (django-tasks, as accounts.services.send_link_emails), queued on commit; it
takes user ids, reads a fixed number of queries and sends one message per user, marking its
notifications e-mailed as it goes. It claims what it
sends before sending (claim), so two runs at once never send a notification twice; a claim lasts
CLAIM_LEASE, so what a run that died before sending had claimed is sent by a later one, and a
message refused (one bad address) is given back without holding up the others.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Notification, NotificationSettings

logger = logging.getLogger(__name__)

EMAIL_EVERY = datetime.timedelta(hours=1)
# Longer than a run takes to send its messages; a claim older than this was a run that died.
CLAIM_LEASE = datetime.timedelta(minutes=15)
EMAIL_LINES = 30  # a longer list says how many more there are


@task()
def send_notification_emails(user_ids=None):
    """E-mail the users (all, with None) their pending notifications; returns how many e-mails."""
    return deliver(user_ids)


def pending(now, user_ids=None):
    """Notifications to e-mail now: unread, not yet e-mailed, to active users with an address who
    keep e-mail on and were not e-mailed within EMAIL_EVERY."""
    held = NotificationSettings.objects.filter(Q(email=False) | Q(last_emailed_at__gt=now - EMAIL_EVERY)).values("user_id")
    waiting = Notification.objects.filter(
        Q(email_claimed_until=None) | Q(email_claimed_until__lt=now), emailed_at=None, read_at=None, recipient__is_active=True
    ).exclude(recipient__email="")
    if user_ids is not None:
        waiting = waiting.filter(recipient_id__in=list(user_ids))
    return waiting.exclude(recipient_id__in=held).select_related("recipient").order_by("recipient_id", "created_at", "pk")


def claim(now, user_ids=None):
    """{user: [notifications]} to e-mail now, in one transaction before any is sent: each claimed
    for CLAIM_LEASE and its user's last e-mail set to now. Two runs at once (an event's task, the
    nightly run) never claim, hence never send, the same notification.
    PostgreSQL: rows another run holds are skipped (skip_locked), its committed claim is seen;
    SQLite: transactions write one at a time."""
    with transaction.atomic():
        claimed = list(pending(now, user_ids).select_for_update(skip_locked=True, of=("self",)))
        by_user = {}
        for notification in claimed:
            by_user.setdefault(notification.recipient, []).append(notification)
        Notification.objects.filter(pk__in=[n.pk for n in claimed]).update(email_claimed_until=now + CLAIM_LEASE)
        NotificationSettings.objects.bulk_create(
            [NotificationSettings(user_id=user.pk, last_emailed_at=now) for user in by_user],
            update_conflicts=True,
            unique_fields=["user"],
            update_fields=["last_emailed_at"],
        )
    return by_user


def release(notifications):
    """Give back notifications claimed whose e-mail was not sent: a later run sends them (after
    EMAIL_EVERY, as any e-mail to that user)."""
    Notification.objects.filter(pk__in=[n.pk for n in notifications], emailed_at=None).update(email_claimed_until=None)


def deliver(user_ids=None, now=None):
    """Send each user's claimed notifications in one message; returns how many were sent. A
    message refused is logged and given back; the others go."""
    now = now or timezone.now()
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for user, notifications in claim(now, user_ids).items():
            try:
                _message(user, notifications).send()
            except Exception:
                logger.exception("Notification e-mail to user %s not sent; given back for a later run.", user.pk)
                release(notifications)
                continue
            Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed_at=now, email_claimed_until=None)
            sent += 1
    return sent


def _link(path):
    return settings.SITE_URL.rstrip("/") + path


def _message(user, notifications):
    count = len(notifications)
    if count == 1:
        subject = "[PAPI] " + _subject_line(notifications[0].text)
    else:
        subject = ngettext("[PAPI] %(count)s thông báo mới", "[PAPI] %(count)s thông báo mới", count) % {"count": count}
    lines = [f"- {n.text}\n  {_link(n.link)}" if n.link else f"- {n.text}" for n in notifications[:EMAIL_LINES]]
    if count > EMAIL_LINES:
        lines.append(_("… và %(count)s thông báo khác.") % {"count": count - EMAIL_LINES})
    body = _(
        "Kính gửi %(name)s,\n\n%(lines)s\n\nXem tất cả thông báo: %(list)s\n"
        "Không muốn nhận thư này: bỏ chọn “Nhận thông báo qua thư điện tử” ở trang Thông báo."
    ) % {"name": user.get_full_name() or user.username, "lines": "\n".join(lines), "list": _link(reverse("notification_list"))}
    return EmailMessage(subject, body, to=[user.email])


def _subject_line(text, length=120):
    return Truncator(" ".join(text.split())).chars(length)
