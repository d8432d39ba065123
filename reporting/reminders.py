"""Deadline reminders, meant to run daily from cron (manage.py send_reminders).

Reporters of an agency whose report is due within N days, or overdue, get an e-mail at
most once every few days per agency and period; each province's coordinators get one
digest of the agencies that are late."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plans.models import Membership, Plan
from plans.obligations import agencies_owing

from .models import PeriodReopening, ReminderLog, Report, ReportingPeriod
from .workflow import days_until, submission_block

PENDING = (None, *Report.EDITABLE)  # no report yet, or one the agency still edits
EVERY_DAYS = 3  # at most one reminder per agency in this many days


@dataclass
class ReminderRun:
    reminded: list = field(default_factory=list)  # (agency, period)
    skipped_recent: int = 0
    without_address: list = field(default_factory=list)
    digests: int = 0
    not_owing: int = 0  # chosen agencies that owe nothing they can still send (remind_now)


def _link(path):
    return settings.SITE_URL.rstrip("/") + path


def send_reminders(days=3, every=EVERY_DAYS, today=None):
    today = today or timezone.localdate()
    now = timezone.now()
    run = ReminderRun()
    due_by_agency = defaultdict(list)  # agency -> periods it still owes a report for
    late_by_province = defaultdict(list)
    periods = ReportingPeriod.objects.filter(
        status=ReportingPeriod.Status.OPEN, plan__status=Plan.Status.ACTIVE, due_date__lte=today + datetime.timedelta(days=days)
    ).select_related("plan", "plan__province")
    for period in periods:
        reports = dict(Report.objects.filter(period=period).values_list("agency_id", "status"))
        for agency in agencies_owing(period.plan):
            if reports.get(agency.pk) not in PENDING or submission_block(period, agency, today):
                continue  # sent already, or it can no longer be sent
            due_by_agency[agency].append(period)
            if period.due_date < today:
                late_by_province[period.plan.province_id].append((agency, period))

    with translation.override(settings.LANGUAGE_CODE):
        _remind(due_by_agency, run, every, today, now)
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
    return run


def remind_now(period, agencies, every=EVERY_DAYS, today=None):
    """Remind the chosen agencies of one period now (the coordinator's "Nhắc ngay"): those that
    still owe a report they can send get the same e-mail as the daily run, throttled the same
    way (at most one every `every` days per agency). `period` comes with its plan and province."""
    today = today or timezone.localdate()
    agencies = list(agencies)
    statuses = dict(Report.objects.filter(period=period, agency__in=agencies).values_list("agency_id", "status"))
    reopened = set(
        PeriodReopening.objects.filter(period=period, agency__in=agencies, until__gte=today).values_list("agency_id", flat=True)
    )
    due_by_agency = {
        agency: [period]
        for agency in agencies
        if statuses.get(agency.pk) in PENDING and not submission_block(period, agency, today, reopened=agency.pk in reopened)
    }
    run = ReminderRun(not_owing=len(agencies) - len(due_by_agency))
    with translation.override(settings.LANGUAGE_CODE):
        _remind(due_by_agency, run, every, today, timezone.now())
    return run


def _remind(due_by_agency, run, every, today, now):
    """One e-mail per agency, listing all it owes, and at most one every `every` days."""
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
        addresses = reporter_addresses[agency.pk]
        if not addresses:
            run.without_address.append(agency)
            continue
        owed.sort(key=lambda p: p.due_date)
        _send_reminder(agency, owed, addresses, today)
        ReminderLog.objects.bulk_create(ReminderLog(period=p, agency=agency, sent_at=now) for p in owed)
        run.reminded.extend((agency, p) for p in owed)


def _send_reminder(agency, periods, addresses, today):
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
    lines = "\n".join(
        _("- Kỳ %(period)s (Kế hoạch %(plan)s), hạn gửi %(due)s: %(link)s")
        % {
            "period": p.label,
            "plan": p.plan.document_number,
            "due": p.due_date.strftime("%d/%m/%Y"),
            "link": _link(reverse("report_form", args=[p.pk, agency.pk])),
        }
        for p in periods
    )
    body = _("Kính gửi %(agency)s,\n\nCơ quan còn các báo cáo sau chưa gửi Sở Nội vụ:\n%(lines)s\n\nSở Nội vụ %(province)s") % {
        "agency": agency.name,
        "lines": lines,
        "province": first.plan.province.name,
    }
    transaction.on_commit(lambda: EmailMessage(subject, body, to=addresses).send())


def _send_digest(late, addresses, today):
    lines = [
        _("- %(agency)s: kỳ %(period)s, hạn %(due)s (quá %(days)s ngày)")
        % {"agency": a.name, "period": p.label, "due": p.due_date.strftime("%d/%m/%Y"), "days": (today - p.due_date).days}
        for a, p in sorted(late, key=lambda item: (item[1].due_date, item[0].name))
    ]
    subject = _("[PAPI] %(count)s cơ quan chưa gửi báo cáo đúng hạn") % {"count": len(late)}
    body = _("Các cơ quan sau chưa gửi báo cáo dù đã quá hạn:\n\n%(lines)s\n\nXem chi tiết: %(link)s") % {
        "lines": "\n".join(lines),
        "link": _link(reverse("home")),
    }
    transaction.on_commit(lambda: EmailMessage(subject, body, to=addresses).send())
