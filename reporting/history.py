"""What happened to a report, step by step, for its history on the report's page.

django-simple-history keeps a record per save of a report and of each answer; this module reads
them back as steps a person recognises: each record of the report is named by its change of
status (Gửi, Gửi lại, Trả lại, Tiếp nhận, Hủy tiếp nhận) or, without one, as a saved draft; an
answer's record says what changed, field by field (old → new). A reopening of the period for
the agency is a step too (Mở lại). A fixed number of queries whatever the number of records.
"""

from dataclasses import dataclass, field

from django.utils import formats
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import PeriodReopening, Report, TaskProgress

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

# What a person typed or chose; who and when are the step's own columns, and the version,
# timestamps and the carried-from period are bookkeeping.
REPORT_FIELDS = ("status", "review_note", "difficulties", "proposals")
ANSWER_FIELDS = ("status", "percent_done", "achieved_value", "narrative", "evidence", "difficulties")
SHOWN_CHARS = 160


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class Step:
    when: object
    who: object  # the user, or None
    name: str
    item: str  # "Báo cáo" or the task's number
    changes: list = field(default_factory=list)
    reason: str = ""


def _shown(model, name, value):
    model_field = model._meta.get_field(name)
    if value in (None, ""):
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, (int, float)) or model_field.get_internal_type() == "DecimalField":
        return formats.number_format(value, use_l10n=True)
    return Truncator(str(value)).chars(SHOWN_CHARS)


def _changes(model, record, previous, names):
    """Each of `names` whose value differs from the previous record's (all set ones on creation)."""
    changes = []
    for name in names:
        new = getattr(record, name)
        old = getattr(previous, name) if previous is not None else None
        if new != old and not (previous is None and new in (None, "")):
            label = str(model._meta.get_field(name).verbose_name)
            changes.append(Change(label[:1].upper() + label[1:], _shown(model, name, old), _shown(model, name, new)))
    return changes


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
        changes = _changes(Report, record, previous, REPORT_FIELDS)
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
        changes = _changes(TaskProgress, record, before, ANSWER_FIELDS)
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


def report_history(report):
    """Every step of the report and its answers, newest first: three queries."""
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
    return sorted(steps, key=lambda step: step.when, reverse=True)
