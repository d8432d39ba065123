"""Making notifications from reporting's events, reading and marking them, and the e-mail choice.

Each event makes its rows with one INSERT (bulk_create) after a fixed number of reads, whatever
the number of reports or readers; who reads them is notifications/recipients.py's rule. A row's
text is written once, in the site's language, from what its reader may see: the agency, the
period, the plan's number, and for a return the reviewer's note (written for that agency), for a
comment an excerpt of it. Nothing of another agency's draft, nobody's e-mail address.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reporting.models import Report
from reporting.workflow import days_until

from . import recipients
from .models import TEXT_MAX_LENGTH, Notification, NotificationSettings

EXCERPT_LENGTH = 200
Kind = Notification.Kind


def _load(reports):
    """The reports again, with what their texts name (one query): a signal's report may carry
    only its own columns."""
    ids = [report.pk for report in reports]
    return list(Report.objects.filter(pk__in=ids).select_related("agency", "period__plan").order_by("pk"))


def _about(report):
    return {"agency": report.agency.name, "period": report.period.label, "plan": report.period.plan.document_number}


def _excerpt(text):
    return Truncator(" ".join((text or "").split())).chars(EXCERPT_LENGTH)


def _report_link(report):
    return reverse("report_detail", args=[report.pk])


def _form_link(period_id, agency_id):
    return reverse("report_form", args=[period_id, agency_id])


def _rows(kind, readers, text, link, report=None, period=None, agency=None, **extra):
    text = Truncator(text).chars(TEXT_MAX_LENGTH)
    return [
        Notification(
            recipient_id=user_id,
            kind=kind,
            report=report,
            period=period or (report.period if report else None),
            agency=agency or (report.agency if report else None),
            text=text,
            link=link,
            **extra,
        )
        for user_id in sorted(readers)
    ]


def _save(rows, email=True):
    """One INSERT for the event's rows, then the e-mails (notifications/emails.py), on commit."""
    if not rows:
        return []
    made = Notification.objects.bulk_create(rows)
    if email:
        from .emails import send_notification_emails

        user_ids = sorted({row.recipient_id for row in made})
        transaction.on_commit(lambda: send_notification_emails.enqueue(user_ids))
    return made


def _in_site_language(function):
    def wrapped(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return function(*args, **kwargs)

    wrapped.__doc__ = function.__doc__
    wrapped.__name__ = function.__name__
    return wrapped


@_in_site_language
def report_submitted(report, actor=None):
    (report,) = _load([report])
    readers = recipients.plan_coordinators([report], actor)[report.pk]
    text = _("%(agency)s đã gửi báo cáo kỳ %(period)s (Kế hoạch %(plan)s).") % _about(report)
    return _save(_rows(Kind.SUBMITTED, readers, text, _report_link(report), report))


@_in_site_language
def report_returned(report, actor=None, note=""):
    (report,) = _load([report])
    readers = recipients.agency_readers([report], actor)[report.pk]
    text = _("Báo cáo kỳ %(period)s (Kế hoạch %(plan)s) của %(agency)s bị trả lại để bổ sung: %(note)s") % {
        **_about(report),
        "note": _excerpt(note or report.review_note),
    }
    return _save(_rows(Kind.RETURNED, readers, text, _form_link(report.period_id, report.agency_id), report))


@_in_site_language
def reports_accepted(reports, actor=None):
    reports = _load(reports)
    readers = recipients.agency_readers(reports, actor)
    rows = []
    for report in reports:
        text = _("Báo cáo kỳ %(period)s (Kế hoạch %(plan)s) của %(agency)s đã được tiếp nhận.") % _about(report)
        rows += _rows(Kind.ACCEPTED, readers[report.pk], text, _report_link(report), report)
    return _save(rows)


@_in_site_language
def acceptance_undone(report, actor=None):
    (report,) = _load([report])
    readers = recipients.agency_readers([report], actor)[report.pk]
    text = _("Sở Nội vụ đã hủy tiếp nhận báo cáo kỳ %(period)s (Kế hoạch %(plan)s) của %(agency)s; báo cáo chờ xem xét lại.") % (
        _about(report)
    )
    return _save(_rows(Kind.ACCEPTANCE_UNDONE, readers, text, _report_link(report), report))


@_in_site_language
def period_reopened(reopening, actor=None):
    """The agency may send its report again until a date (a lock exception, or a return after the
    period closed). The reason is not repeated: it may quote a note written before."""
    from reporting.models import PeriodReopening

    reopening = PeriodReopening.objects.select_related("agency", "period__plan").get(pk=reopening.pk)
    period, agency = reopening.period, reopening.agency
    readers = recipients.deadline_readers([(agency, period)]).get((agency.pk, period.pk), set())
    readers -= {actor.pk} if actor is not None else set()
    text = _("Kỳ %(period)s (Kế hoạch %(plan)s) được mở lại cho %(agency)s đến hết ngày %(until)s.") % {
        "period": period.label,
        "plan": period.plan.document_number,
        "agency": agency.name,
        "until": reopening.until.strftime("%d/%m/%Y"),
    }
    return _save(_rows(Kind.REOPENED, readers, text, _form_link(period.pk, agency.pk), period=period, agency=agency))


@_in_site_language
def comment_posted(comment, actor=None):
    """A comment on a report, or on one task of it (`comment.report`, `.task`, `.author`, `.body`)."""
    report = getattr(comment, "report", None)
    if report is None:
        return []
    (report,) = _load([report])
    author = getattr(comment, "author", None) or actor
    task = getattr(comment, "task", None)
    readers = recipients.thread_readers(report, author, task)
    about = _about(report)
    if task is not None:
        about["period"] = _("%(period)s, nhiệm vụ %(task)s") % {"period": about["period"], "task": task.number}
    text = _("Ý kiến mới về báo cáo kỳ %(period)s (Kế hoạch %(plan)s) của %(agency)s: “%(body)s”") % {
        **about,
        "body": _excerpt(getattr(comment, "body", "")),
    }
    # The thread's own page: a coordinating agency opens a task's thread, not the report.
    link = reverse("task_thread", args=[report.pk, task.pk]) if task is not None else reverse("report_thread", args=[report.pk])
    return _save(_rows(Kind.COMMENT, readers, text, link, report))


@_in_site_language
def deadlines(due, today):
    """In-app reminders of what the nightly reminders (or "Nhắc ngay") found due: `due` lists
    (agency, period, reopened until or None), periods with their plan. One a day at most per reader,
    agency, period and kind; their e-mail is the reminder itself, so they are not e-mailed again."""
    due = [(agency, period, until) for agency, period, until in due]
    if not due:
        return []
    readers = recipients.deadline_readers([(agency, period) for agency, period, until in due])
    now = timezone.now()
    midnight = timezone.make_aware(datetime.datetime.combine(timezone.localdate(now), datetime.time.min))
    already = set(
        Notification.objects.filter(
            kind__in=Notification.DEADLINES,
            created_at__gte=midnight,
            agency_id__in={agency.pk for agency, period, until in due},
            period_id__in={period.pk for agency, period, until in due},
        ).values_list("recipient_id", "agency_id", "period_id", "kind")
    )
    rows = []
    for agency, period, until in due:
        kind = Kind.OVERDUE if period.due_date < today else Kind.DUE_SOON
        about = {
            "period": period.label,
            "plan": period.plan.document_number,
            "agency": agency.name,
            "due": period.due_date.strftime("%d/%m/%Y"),
        }
        if kind == Kind.OVERDUE:
            text = _("Báo cáo kỳ %(period)s (Kế hoạch %(plan)s) của %(agency)s đã quá hạn gửi (%(due)s).") % about
        else:
            days = days_until(period.due_date, today)
            text = ngettext(
                "Báo cáo kỳ %(period)s (Kế hoạch %(plan)s) của %(agency)s đến hạn gửi ngày %(due)s: còn %(days)s ngày làm việc.",
                "Báo cáo kỳ %(period)s (Kế hoạch %(plan)s) của %(agency)s đến hạn gửi ngày %(due)s: còn %(days)s ngày làm việc.",
                days,
            ) % {**about, "days": days}
        if until is not None:
            text += " " + _("Kỳ báo cáo được mở lại cho cơ quan đến hết ngày %(until)s.") % {"until": until.strftime("%d/%m/%Y")}
        fresh = {user for user in readers.get((agency.pk, period.pk), ()) if (user, agency.pk, period.pk, kind) not in already}
        rows += _rows(kind, fresh, text, _form_link(period.pk, agency.pk), period=period, agency=agency, emailed_at=now)
    return _save(rows, email=False)


# --- reading ----------------------------------------------------------------------------------


def for_user(user):
    """The user's own notifications, newest first: nobody reaches another's."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def unread_count(user):
    """The header's count (one COUNT on the partial index notification_unread)."""
    return for_user(user).filter(read_at=None).count()


def mark_read(user, ids=None):
    """Mark the user's notifications read (all, or those of `ids`); returns how many."""
    unread = for_user(user).filter(read_at=None)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


def wants_email(user):
    choice = NotificationSettings.objects.filter(user=user).values_list("email", flat=True).first()
    return True if choice is None else choice


def set_email(user, on):
    """Turn e-mail on or off. Turned on, it starts from now: what came while it was off is not
    e-mailed all at once."""
    was_on = wants_email(user)
    NotificationSettings.objects.update_or_create(user=user, defaults={"email": on})
    if on and not was_on:
        for_user(user).filter(emailed_at=None).update(emailed_at=timezone.now())
