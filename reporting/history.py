"""What happened to a report, step by step, for its history on the report's page.

django-simple-history keeps a record per save of a report and of each answer; this module reads
them back as steps a person recognises: each record of the report is named by its change of
status (Gửi, Gửi lại, Trả lại, Tiếp nhận, Hủy tiếp nhận) or, without one, as a saved draft; an
answer's record says what changed, field by field (old → new). A reopening of the period for
the agency is a step too (Mở lại). A fixed number of queries whatever the number of records.
"""

from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from papi_tracker.history import Step, field_changes, object_steps

from .models import PeriodReopening, Report, ReportingPeriod, TaskProgress

Status = Report.Status
SUBMITTED, RETURNED, ACCEPTED, DRAFT = Status.SUBMITTED, Status.RETURNED, Status.ACCEPTED, Status.DRAFT

# (status before, status after) → the step's name. A record without a change of status is a save.
STEPS = {
    (DRAFT, SUBMITTED): pgettext_lazy("history step", "Gửi"),
    (RETURNED, SUBMITTED): pgettext_lazy("history step", "Gửi lại"),
    (SUBMITTED, RETURNED): pgettext_lazy("history step", "Trả lại"),
    (SUBMITTED, ACCEPTED): pgettext_lazy("history step", "Tiếp nhận"),
    (ACCEPTED, SUBMITTED): pgettext_lazy("history step", "Hủy tiếp nhận"),
}
CREATED = pgettext_lazy("history step", "Tạo bản nháp")
SAVED = pgettext_lazy("history step", "Lưu nháp")
ANSWERED = pgettext_lazy("history step", "Cập nhật")
CONFIRMED = pgettext_lazy("history step", "Xác nhận không đổi")
REOPENED = pgettext_lazy("history step", "Mở lại")
DELETED = pgettext_lazy("history step", "Xóa")
COMMENTED = pgettext_lazy("history step", "Ý kiến")

# What a person typed or chose; who and when are the step's own columns, and the version,
# timestamps and the carried-from period are bookkeeping.
REPORT_FIELDS = ("status", "review_note", "difficulties", "proposals")
ANSWER_FIELDS = ("status", "percent_done", "achieved_value", "narrative", "evidence", "difficulties")


def _report_steps(records):
    steps, previous = [], None
    for record in records:
        if record.history_type == "+":
            name = CREATED
        elif record.history_type == "-":
            name = DELETED
        elif previous is not None and previous.status != record.status:
            name = STEPS.get((previous.status, record.status), SAVED)
        else:
            name = SAVED
        changes = field_changes(Report, record, previous, REPORT_FIELDS)
        if name == SAVED and not changes:
            previous = record
            continue  # a save that changed none of the report's own fields: its answers' steps say what
        reason = record.history_change_reason or ""
        steps.append(Step(record.history_date, record.history_user, name, str(_("Báo cáo")), changes, reason))
        previous = record
    return steps


def _answer_steps(records):
    steps, previous = [], {}
    for record in records:
        before = previous.get(record.task_id)
        changes = field_changes(TaskProgress, record, before, ANSWER_FIELDS)
        previous[record.task_id] = record
        confirmed = before is not None and before.carried_from_id and not record.carried_from_id
        if record.history_type == "-":
            name = DELETED
        elif confirmed and not changes:
            name = CONFIRMED
        elif changes:
            name = ANSWERED
        else:
            continue  # saved unchanged with the rest of the form
        steps.append(Step(record.history_date, record.history_user, name, record.task.number if record.task else "", changes))
    return steps


def report_history(report, thread=None, sheet=None):
    """Every step of the report and its answers, newest first: three queries; with the report's
    conversation (conversation.Thread, read already), each comment where it was posted."""
    records = report.history.select_related("history_user").order_by("history_date", "history_id")
    answers = (
        TaskProgress.history.filter(report_id=report.pk)
        .select_related("history_user", "task")
        .order_by("history_date", "history_id")
    )
    steps = _report_steps(records) + _answer_steps(answers)
    for reopening in PeriodReopening.objects.filter(period_id=report.period_id, agency_id=report.agency_id).select_related(
        "created_by"
    ):
        until = formats.date_format(reopening.until, "SHORT_DATE_FORMAT")
        reason = _("đến %(until)s: %(reason)s") % {"until": until, "reason": reopening.reason}
        steps.append(Step(reopening.created_at, reopening.created_by, REOPENED, str(_("Kỳ báo cáo")), [], reason))
    if thread is not None:
        numbers = {row.task.pk: row.task.number for section in sheet.sections for row in section.rows}
        comments = [(comment, "") for comment in thread.on_report]
        comments += [(comment, numbers.get(task_id, "")) for task_id, rows in thread.by_task.items() for comment in rows]
        for comment, number in comments:
            item = str(_("Nhiệm vụ %(number)s") % {"number": number}) if number else str(_("Báo cáo"))
            body = comment.body if len(comment.body) <= 80 else comment.body[:79] + "…"
            steps.append(Step(comment.created_at, comment.author, COMMENTED, item, [], body))
    return sorted(steps, key=lambda step: step.when, reverse=True)


def periods_history(plan, limit=50):
    """The plan's periods and reopenings, step by step, newest first: two queries."""

    def period_label(record):
        period = record.instance
        period.plan = plan  # its label reads the plan's year: no query per record
        return str(_("Kỳ %(label)s") % {"label": period.label})

    periods = ReportingPeriod.history.filter(plan_id=plan.pk).select_related("history_user").order_by("id", "history_date")
    steps = object_steps(periods, ReportingPeriod, period_label)
    reopenings = (
        PeriodReopening.history.filter(period__plan_id=plan.pk)
        .select_related("history_user", "agency")
        .order_by("id", "history_date")
    )
    steps += object_steps(reopenings, PeriodReopening, lambda r: str(_("Mở lại cho %(agency)s") % {"agency": r.agency.name}))
    return sorted(steps, key=lambda step: step.when, reverse=True)[:limit]
