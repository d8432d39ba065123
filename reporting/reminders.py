"""Deadline reminders, meant to run daily from cron (manage.py send_reminders).

Reporters of an agency whose report is due within N days, or overdue, get an e-mail at
most once every few days per agency; each province's coordinators get one digest of the
agencies that are late, counted as agencies (one line each, with all the periods it owes).
An agency with a reopening in force (PeriodReopening) is reminded of the period reopened for
it, locked or closed for the others, with the day the reopening ends.

Each run (the daily one, and "Nhắc ngay") then sends `deadlines_found`, after commit, with what
it reminded: the notifications app listens and makes the in-app reminders, throttled the same
way, and the nightly run sends the notifications' e-mails that waited. Reporting never imports
its listeners (apps import one way), so the nightly job stays this one command."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plans.models import Membership, Plan
from plans.obligations import agencies_owing

from . import events
from .models import PeriodReopening, ReminderLog, Report, ReportingPeriod
from .workflow import days_until, submission_block

PENDING = (None, *Report.EDITABLE)  # no report yet, or one the agency still edits
EVERY_DAYS = 3  # at most one reminder per agency in this many days

# due: [(agency, period, reopened until or None)] reminded, or owed by an agency with no reporter
# address; today; daily: the nightly run (True) or "Nhắc ngay" (False). Sent after commit.
deadlines_found = Signal()


@dataclass
class ReminderRun:
    reminded: list = field(default_factory=list)  # (agency, period)
    skipped_recent: int = 0
    without_address: list = field(default_factory=list)
    digests: int = 0
    not_owing: int = 0  # chosen agencies that owe nothing they can still send (remind_now)
    due: list = field(default_factory=list)  # (agency, period, reopened until or None): not skipped as recent

    @property
    def agencies_reminded(self):
        return len({agency.pk for agency, period in self.reminded})


def _link(path):
    return settings.SITE_URL.rstrip("/") + path


def send_reminders(days=3, every=EVERY_DAYS, today=None):
    today = today or timezone.localdate()
    now = timezone.now()
    run = ReminderRun()
    due_by_agency = defaultdict(list)  # agency -> periods it still owes a report for
    late_by_province = defaultdict(list)
    in_force = PeriodReopening.objects.filter(until__gte=today)
    # Open periods, and locked ones where some agency has a reopening in force (for it alone).
    periods = (
        ReportingPeriod.objects.filter(plan__status=Plan.Status.ACTIVE, due_date__lte=today + datetime.timedelta(days=days))
        .filter(Q(status=ReportingPeriod.Status.OPEN) | Q(pk__in=in_force.values("period_id")))
        .select_related("plan", "plan__province")
    )
    reopened = {
        (period_id, agency_id): until
        for period_id, agency_id, until in in_force.filter(period__in=periods).values_list("period_id", "agency_id", "until")
    }
    for period in periods:
        reports = dict(Report.objects.filter(period=period).values_list("agency_id", "status"))
        for agency in agencies_owing(period.plan):
            is_reopened = (period.pk, agency.pk) in reopened
            if period.status != ReportingPeriod.Status.OPEN and not is_reopened:
                continue  # locked for this agency
            if reports.get(agency.pk) not in PENDING or submission_block(period, agency, today, reopened=is_reopened):
                continue  # sent already, or it can no longer be sent
            due_by_agency[agency].append(period)
            if period.due_date < today:
                late_by_province[period.plan.province_id].append((agency, period))

    with translation.override(settings.LANGUAGE_CODE):
        _remind(due_by_agency, run, every, today, now, reopened)
        for province_id, late in late_by_province.items():
            coordinators = list(
                get_user_model()
                .objects.filter(
                    is_active=True, memberships__agency__province_id=province_id, memberships__role=Membership.Role.COORDINATOR
                )
                .exclude(email="")
                .values_list("email", flat=True)
                .distinct()
            )
            if coordinators:
                _send_digest(late, coordinators, today)
                run.digests += 1
    events.announce(deadlines_found, due=run.due, today=today, daily=True)
    return run


def remind_now(period, agencies, every=EVERY_DAYS, today=None):
    """Remind the chosen agencies of one period now (the coordinator's "Nhắc ngay"): those that
    still owe a report they can send get the same e-mail as the daily run, throttled the same
    way (at most one every `every` days per agency). `period` comes with its plan and province."""
    today = today or timezone.localdate()
    agencies = list(agencies)
    statuses = dict(Report.objects.filter(period=period, agency__in=agencies).values_list("agency_id", "status"))
    in_force = PeriodReopening.objects.filter(period=period, agency__in=agencies, until__gte=today)
    reopened = {(period.pk, agency_id): until for agency_id, until in in_force.values_list("agency_id", "until")}
    due_by_agency = {
        agency: [period]
        for agency in agencies
        if statuses.get(agency.pk) in PENDING
        and not submission_block(period, agency, today, reopened=(period.pk, agency.pk) in reopened)
    }
    run = ReminderRun(not_owing=len(agencies) - len(due_by_agency))
    with translation.override(settings.LANGUAGE_CODE):
        _remind(due_by_agency, run, every, today, timezone.now(), reopened)
    events.announce(deadlines_found, due=run.due, today=today, daily=False)
    return run


def _remind(due_by_agency, run, every, today, now, reopened):
    """One e-mail per agency, listing all it owes, and at most one every `every` days.
    `reopened` maps (period id, agency id) to the last day of a reopening in force."""
    recently = set(
        ReminderLog.objects.filter(agency__in=list(due_by_agency), sent_at__gt=now - datetime.timedelta(days=every)).values_list(
            "agency_id", flat=True
        )
    )
    reporter_addresses = defaultdict(list)  # one query for every agency's reporters
    for agency_id, email in (
        get_user_model()
        .objects.filter(is_active=True, memberships__agency__in=list(due_by_agency), memberships__role=Membership.Role.REPORTER)
        .exclude(email="")
        .values_list("memberships__agency_id", "email")
    ):
        reporter_addresses[agency_id].append(email)
    for agency, owed in due_by_agency.items():
        if agency.pk in recently:
            run.skipped_recent += 1
            continue
        owed.sort(key=lambda p: p.due_date)
        run.due.extend((agency, p, reopened.get((p.pk, agency.pk))) for p in owed)
        addresses = reporter_addresses[agency.pk]
        if not addresses:
            run.without_address.append(agency)
            continue
        _send_reminder(agency, owed, addresses, today, reopened)
        ReminderLog.objects.bulk_create(ReminderLog(period=p, agency=agency, sent_at=now) for p in owed)
        run.reminded.extend((agency, p) for p in owed)


def _send_reminder(agency, periods, addresses, today, reopened):
    overdue = [p for p in periods if p.due_date < today]
    first = periods[0]
    if overdue:
        days_late = -days_until(overdue[0].due_date, today)
        subject = ngettext(
            "[PAPI] Báo cáo kỳ %(period)s đã quá hạn %(days)s ngày làm việc",
            "[PAPI] Báo cáo kỳ %(period)s đã quá hạn %(days)s ngày làm việc",
            days_late,
        ) % {"period": overdue[0].label, "days": days_late}
    else:
        days_left = days_until(first.due_date, today)
        subject = ngettext(
            "[PAPI] Nhắc hạn báo cáo kỳ %(period)s: còn %(days)s ngày làm việc",
            "[PAPI] Nhắc hạn báo cáo kỳ %(period)s: còn %(days)s ngày làm việc",
            days_left,
        ) % {"period": first.label, "days": days_left}
    lines = "\n".join(_owed_line(agency, p, reopened.get((p.pk, agency.pk))) for p in periods)
    body = _("Kính gửi %(agency)s,\n\nCơ quan còn các báo cáo sau chưa gửi Sở Nội vụ:\n%(lines)s\n\nSở Nội vụ %(province)s") % {
        "agency": agency.name,
        "lines": lines,
        "province": first.plan.province.name,
    }
    transaction.on_commit(lambda: EmailMessage(subject, body, to=addresses).send())


def _owed_line(agency, period, until):
    values = {
        "period": period.label,
        "plan": period.plan.document_number,
        "due": period.due_date.strftime("%d/%m/%Y"),
        "link": _link(reverse("report_form", args=[period.pk, agency.pk])),
    }
    if until is None:
        return _("- Kỳ %(period)s (Kế hoạch %(plan)s), hạn gửi %(due)s: %(link)s") % values
    return _("- Kỳ %(period)s (Kế hoạch %(plan)s), hạn gửi %(due)s, được mở lại cho cơ quan đến hết ngày %(until)s: %(link)s") % {
        **values,
        "until": until.strftime("%d/%m/%Y"),
    }


def _send_digest(late, addresses, today):
    """One line per agency (the digest counts agencies, not agency-periods), with each period it
    owes; the agencies late the longest first."""
    by_agency = defaultdict(list)
    for agency, period in late:
        by_agency[agency].append(period)
    lines = []
    for agency, periods in sorted(by_agency.items(), key=lambda item: (min(p.due_date for p in item[1]), item[0].name)):
        owed = "; ".join(
            _("kỳ %(period)s, hạn %(due)s (quá %(days)s ngày)")
            % {"period": p.label, "due": p.due_date.strftime("%d/%m/%Y"), "days": (today - p.due_date).days}
            for p in sorted(periods, key=lambda p: p.due_date)
        )
        lines.append(_("- %(agency)s: %(owed)s") % {"agency": agency.name, "owed": owed})
    subject = _("[PAPI] %(count)s cơ quan chưa gửi báo cáo đúng hạn") % {"count": len(by_agency)}
    body = _("Các cơ quan sau chưa gửi báo cáo dù đã quá hạn:\n\n%(lines)s\n\nXem chi tiết: %(link)s") % {
        "lines": "\n".join(lines),
        "link": _link(reverse("home")),
    }
    transaction.on_commit(lambda: EmailMessage(subject, body, to=addresses).send())
