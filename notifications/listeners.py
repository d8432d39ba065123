"""Reporting's events (reporting/events.py, sent after commit) and the reminders' run
(reporting.reminders.deadlines_found) connected to notifications.services, which decides; nothing
here but the wiring (no rule lives in a signal)."""

from reporting import events, reminders

from . import services


def _submitted(sender, report, actor=None, **kwargs):
    services.report_submitted(report, actor)


def _returned(sender, report, actor=None, note="", **kwargs):
    services.report_returned(report, actor, note)


def _accepted(sender, reports, actor=None, **kwargs):
    services.reports_accepted(reports, actor)


def _undone(sender, report, actor=None, **kwargs):
    services.acceptance_undone(report, actor)


def _reopened(sender, reopening, actor=None, **kwargs):
    services.period_reopened(reopening, actor)


def _commented(sender, comment, actor=None, **kwargs):
    services.comment_posted(comment, actor)


def _deadlines(sender, due, today, daily=False, **kwargs):
    services.deadlines(due, today)
    if daily:  # the nightly run also sends the notifications' e-mails that waited
        from .emails import send_notification_emails

        send_notification_emails.enqueue(None)


CONNECTIONS = [
    (events.report_submitted, _submitted),
    (events.report_returned, _returned),
    (events.report_accepted, _accepted),
    (events.acceptance_undone, _undone),
    (events.period_reopened, _reopened),
    (events.comment_posted, _commented),
    (reminders.deadlines_found, _deadlines),
]


def connect():
    for signal, receiver in CONNECTIONS:
        signal.connect(receiver, dispatch_uid=f"notifications.{receiver.__name__}")
