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

from .models import ReminderLog, Report, ReportingPeriod
from .workflow import submission_block

PENDING = [None, Report.Status.DRAFT, Report.Status.RETURNED]


@dataclass
class ReminderRun:
    reminded: list = field(default_factory=list)  # (agency, period)
    skipped_recent: int = 0
    without_address: list = field(default_factory=list)
    digests: int = 0


def _link(path):
    return settings.SITE_URL.rstrip("/") + path


def send_reminders(days=3, every=3, today=None):
    today = today or timezone.localdate()
    now = timezone.now()
    run = ReminderRun()
    late_by_province = defaultdict(list)
    periods = ReportingPeriod.objects.filter(
        status=ReportingPeriod.Status.OPEN, plan__status=Plan.Status.ACTIVE, due_date__lte=today + datetime.timedelta(days=days)
    ).select_related("plan", "plan__province")
    User = get_user_model()
    with translation.override(settings.LANGUAGE_CODE):
        for period in periods:
            reports = dict(Report.objects.filter(period=period).values_list("agency_id", "status"))
            recent = set(
                ReminderLog.objects.filter(period=period, sent_at__gt=now - datetime.timedelta(days=every)).values_list(
                    "agency_id", flat=True
                )
            )
            for agency in agencies_owing(period.plan):
                if reports.get(agency.pk) not in PENDING or submission_block(period, agency, today):
                    continue  # sent already, or it can no longer be sent
                if period.due_date < today:
                    late_by_province[period.plan.province_id].append((agency, period))
                if agency.pk in recent:
                    run.skipped_recent += 1
                    continue
                addresses = list(
                    User.objects.filter(is_active=True, memberships__agency=agency, memberships__role=Membership.Role.REPORTER)
                    .exclude(email="")
                    .values_list("email", flat=True)
                )
                if not addresses:
                    run.without_address.append(agency)
                    continue
                _send_reminder(agency, period, addresses, today)
                ReminderLog.objects.create(period=period, agency=agency, sent_at=now)
                run.reminded.append((agency, period))
        for province_id, late in late_by_province.items():
            coordinators = list(
                User.objects.filter(
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


def _send_reminder(agency, period, addresses, today):
    days_left = (period.due_date - today).days
    if days_left >= 0:
        subject = ngettext(
            "[PAPI] Nhắc hạn báo cáo kỳ %(period)s: còn %(days)s ngày",
            "[PAPI] Nhắc hạn báo cáo kỳ %(period)s: còn %(days)s ngày",
            days_left,
        ) % {"period": period.label, "days": days_left}
    else:
        subject = ngettext(
            "[PAPI] Báo cáo kỳ %(period)s đã quá hạn %(days)s ngày",
            "[PAPI] Báo cáo kỳ %(period)s đã quá hạn %(days)s ngày",
            -days_left,
        ) % {"period": period.label, "days": -days_left}
    body = _(
        "Kính gửi %(agency)s,\n\n"
        "Báo cáo kết quả thực hiện Kế hoạch %(plan)s kỳ %(period)s có hạn gửi ngày %(due)s.\n"
        "Đề nghị cơ quan hoàn thành và gửi báo cáo tại: %(link)s\n\n"
        "Sở Nội vụ %(province)s"
    ) % {
        "agency": agency.name,
        "plan": period.plan.document_number,
        "period": period.label,
        "due": period.due_date.strftime("%d/%m/%Y"),
        "link": _link(reverse("report_form", args=[period.pk, agency.pk])),
        "province": period.plan.province.name,
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
