"""The reporting workflow. Each step is one atomic function that checks the transition,
writes the named fields, records who did it (django-simple-history) and raises
WorkflowError when the step is not allowed. Views never set a status themselves.

    draft ──submit──▶ submitted ──accept──▶ accepted (read-only)
      ▲                   │
      └──── returned ◀─return (with a note)

    accepted ──undo (by who accepted, with a reason, while the period is open)──▶ submitted
"""

import datetime
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from papi_tracker.limits import UNDO_REASON_MAX_LENGTH
from plans.models import touch_plans
from plans.obligations import tasks_for_agency

from . import events
from .calendar import working_days_between
from .models import EvidenceFile, PeriodReopening, Report, ReportingPeriod, TaskProgress

PROGRESS_FIELDS = ["status", "percent_done", "achieved_value", "narrative", "evidence", "difficulties"]
# What a new period's form starts from: the agency's latest sent answer (not its difficulties).
CARRIED_FIELDS = ["status", "percent_done", "achieved_value", "narrative", "evidence"]


STALE_MESSAGE = gettext_noop(
    "Báo cáo vừa được người khác lưu sau khi bạn mở trang. Nội dung bạn nhập vẫn còn bên dưới; "
    "hãy tải lại trang để xem bản mới nhất rồi nhập lại phần thay đổi."
)


class WorkflowError(Exception):
    """A step that is not allowed now; the message says why, for the user."""


class StaleReport(WorkflowError):
    """Someone else saved the report after this form was opened."""


@dataclass
class SubmissionProblems(WorkflowError):
    """Submit found answers missing: by task id, and for the report as a whole."""

    by_task: dict = field(default_factory=dict)

    def __str__(self):
        return _("Báo cáo chưa đủ để gửi: %(count)s nhiệm vụ cần bổ sung.") % {"count": len(self.by_task)}


def submission_block(period, agency, today=None, reopened=None):
    """Why the agency cannot send a report for the period now, or None if it can.
    `reopened` may be given when the caller already knows whether a lock exception applies."""
    today = today or timezone.localdate()
    if reopened is None:
        reopened = PeriodReopening.objects.filter(period=period, agency=agency, until__gte=today).exists()
    if reopened:
        return None
    if period.status == ReportingPeriod.Status.LOCKED:
        return _("Kỳ báo cáo đã bị Sở Nội vụ khóa.")
    if period.closes_on and today > period.closes_on:
        message = _(
            "Kỳ báo cáo đã đóng ngày %(day)s (hạn gửi %(due)s, gia hạn %(grace)s ngày). Liên hệ Sở Nội vụ để được mở lại."
        )
        return message % {
            "day": period.closes_on.strftime("%d/%m/%Y"),
            "due": period.due_date.strftime("%d/%m/%Y"),
            "grace": period.grace_days,
        }
    return None


def _history_as(obj, user):
    obj._history_user = user
    return obj


def _bump_version(report, seen_version):
    """Claim the next version, or fail if someone saved since `seen_version` was read."""
    updated = Report.objects.filter(pk=report.pk, version=seen_version).update(version=F("version") + 1)  # figures: unchanged
    if not updated:
        raise StaleReport(_(STALE_MESSAGE))
    report.version = seen_version + 1


@transaction.atomic
def save_draft(*, agency, period, user, seen_version, difficulties, proposals, progress, files=None, carried=None, taken_in=None):
    """Save what the reporter typed, without validation. `progress` maps task ids to dicts of
    PROGRESS_FIELDS; `files` maps task ids to checked uploads; `carried` maps task ids to the
    period an answer is still carried from unchanged (or None: looked at); `taken_in` maps the
    tasks the agency leads to the ids of its coordinating agencies' answers it took in (checked
    by the caller against what it may read). Returns the report.

    A closed or locked period still takes drafts (only submitting is refused), so nothing
    typed is lost while the agency asks the department to reopen it."""
    # Lock the report's row only: the model's ordering would join the period, plan, province
    # and agency and lock theirs too, making every save of the province wait for each other.
    report = Report.objects.select_for_update(of=("self",)).filter(agency=agency, period=period).order_by("pk").first()
    if report is None:
        if seen_version != 0:
            raise StaleReport(_("Báo cáo này đã bị xóa sau khi bạn mở trang."))
        # Version 1: whoever else opened the empty form (version 0) is refused.
        report = _history_as(Report(agency=agency, period=period, created_by=user, version=1), user)
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError:  # created by someone else this very moment
            raise StaleReport(_(STALE_MESSAGE)) from None
    else:
        if report.status not in Report.EDITABLE:
            raise WorkflowError(_("Báo cáo đã gửi hoặc đã được tiếp nhận nên không sửa được nữa."))
        _bump_version(report, seen_version)
    report.difficulties, report.proposals = difficulties, proposals
    _history_as(report, user).save(update_fields=["difficulties", "proposals", "updated_at"])

    allowed = set(tasks_for_agency(agency, plan=period.plan).values_list("pk", flat=True))
    existing = {p.task_id: p for p in report.progress.filter(task_id__in=allowed)}
    to_create, to_update = [], []
    for task_id, values in progress.items():
        if task_id not in allowed:
            continue  # a task the agency does not report on: ignored, never saved
        row = existing.get(task_id)
        carried_from = (carried or {}).get(task_id)
        if row is None:
            if any(value not in (None, "") for value in values.values()):  # nothing typed: no row
                to_create.append(TaskProgress(report=report, task_id=task_id, carried_from_id=carried_from, **values))
        elif any(getattr(row, name) != values[name] for name in PROGRESS_FIELDS) or row.carried_from_id != carried_from:
            for name in PROGRESS_FIELDS:
                setattr(row, name, values[name])
            row.carried_from_id = carried_from
            to_update.append(row)
    # A draft's or returned report's answers (Report.EDITABLE) count for no figure until it is sent,
    # and sending saves the report, which raises the plan's version (reporting.signals).
    if to_create:
        bulk_create_with_history(to_create, TaskProgress, default_user=user)  # figures: unchanged
        created_ids = [p.task_id for p in to_create]
        existing.update({p.task_id: p for p in TaskProgress.objects.filter(report=report, task_id__in=created_ids)})
    if to_update:
        fields = [*PROGRESS_FIELDS, "carried_from"]
        bulk_update_with_history(to_update, TaskProgress, fields, default_user=user)  # figures: unchanged

    if taken_in is not None:
        _take_in(report, user, existing, {t: ids for t, ids in taken_in.items() if t in allowed})

    for task_id, uploads in (files or {}).items():
        if task_id not in allowed or not uploads:
            continue
        row = existing.get(task_id)
        if row is None:
            row = _history_as(TaskProgress(report=report, task_id=task_id), user)
            row.save()
            existing[task_id] = row
        for upload in uploads:
            evidence = EvidenceFile(
                progress=row,
                file=upload,
                original_name=upload.name,
                content_type=upload.content_type,
                size=upload.size,
                uploaded_by=user,
            )
            _history_as(evidence, user).save()
    return report


def _take_in(report, user, existing, taken_in):
    """Record which answers each task's answer took in, replacing what it recorded before: two
    queries whatever the number of tasks (and one more to start the answers that had none)."""
    missing = [TaskProgress(report=report, task_id=t) for t, ids in taken_in.items() if ids and t not in existing]
    if missing:
        bulk_create_with_history(missing, TaskProgress, default_user=user)  # figures: unchanged (a draft)
        created = TaskProgress.objects.filter(report=report, task_id__in=[p.task_id for p in missing])
        existing.update({p.task_id: p for p in created})
    through = TaskProgress.taken_in.through
    rows = {task_id: existing[task_id].pk for task_id in taken_in if task_id in existing}
    through.objects.filter(from_taskprogress_id__in=rows.values()).delete()  # figures: unchanged
    through.objects.bulk_create(  # figures: unchanged: which answers a lead took in counts for no figure
        through(from_taskprogress_id=rows[task_id], to_taskprogress_id=pk)
        for task_id, ids in taken_in.items()
        for pk in sorted(ids)
        if task_id in rows
    )


def submission_problems(report):
    """What must be filled before sending: every task answered; a completed task with its result."""
    problems = {}
    answers = {p.task_id: p for p in report.progress.all()}
    for task in tasks_for_agency(report.agency, plan=report.period.plan):
        answer = answers.get(task.pk)
        if answer is None or not answer.status:
            problems[task.pk] = {"status": _("Chọn tình trạng thực hiện.")}
        elif answer.status == TaskProgress.Status.COMPLETED and not answer.narrative.strip():
            problems[task.pk] = {"narrative": _("Nhiệm vụ đã hoàn thành cần ghi kết quả thực hiện.")}
        elif answer.carried_from_id:
            problems[task.pk] = {
                "confirmed": _("Kết quả giữ từ kỳ trước: hãy kiểm tra, cập nhật, hoặc đánh dấu “Xác nhận không đổi”.")
            }
    return problems


def previous_answers(agency, period, task_ids):
    """{task id: TaskProgress} of the agency's latest sent answer to each task in an earlier period
    of the same plan (its period read along): what a new period's form starts from. One query."""
    answers = (
        TaskProgress.objects.filter(
            report__agency=agency,
            report__period__plan_id=period.plan_id,
            report__period__end__lt=period.end,
            report__status__in=Report.SENT,
            task_id__in=task_ids,
        )
        .select_related("report__period")
        .order_by("task_id", "-report__period__end", "-report__period_id")
    )
    latest = {}
    for answer in answers:
        answer.report.period.plan = period.plan  # the same plan: its label reads no more rows
        latest.setdefault(answer.task_id, answer)
    return latest


@transaction.atomic
def submit_report(report, user, seen_version):
    """Send a draft or returned report to the department."""
    report = Report.objects.select_for_update(of=("self",)).get(pk=report.pk)
    if report.status not in Report.EDITABLE:
        raise WorkflowError(_("Báo cáo này đã được gửi."))
    block = submission_block(report.period, report.agency)
    if block:
        raise WorkflowError(block)
    problems = submission_problems(report)
    if problems:
        raise SubmissionProblems(by_task=problems)
    _bump_version(report, seen_version)
    now = timezone.now()
    report.status = Report.Status.SUBMITTED
    report.submitted_by, report.submitted_at = user, now
    report.first_submitted_at = report.first_submitted_at or now
    _history_as(report, user).save(update_fields=["status", "submitted_by", "submitted_at", "first_submitted_at", "updated_at"])
    events.announce(events.report_submitted, report=report, actor=user)
    return report


def _check_reviewed_version(report, seen_version):
    if seen_version is not None and report.version != seen_version:
        raise StaleReport(_("Báo cáo đã thay đổi sau khi bạn mở trang. Hãy đọc lại bản mới nhất trước khi xem xét."))


RETURN_REOPENS_FOR_DAYS = 7


@transaction.atomic
def return_report(report, user, note, seen_version=None):
    """Send a submitted report back to the agency with the reviewer's note (required). If the
    period has closed meanwhile, it is reopened for that agency for a week, so it can resubmit."""
    note = (note or "").strip()
    if not note:
        raise WorkflowError(_("Khi trả lại báo cáo, cần ghi rõ nội dung cần bổ sung."))
    report = Report.objects.select_for_update(of=("self",)).get(pk=report.pk)
    if report.status != Report.Status.SUBMITTED:
        raise WorkflowError(_("Chỉ trả lại được báo cáo đã gửi và chưa được tiếp nhận."))
    _check_reviewed_version(report, seen_version)
    report.status, report.review_note = Report.Status.RETURNED, note
    report.reviewed_by, report.reviewed_at = user, timezone.now()
    report.version += 1
    _history_as(report, user).save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at", "version", "updated_at"])
    if submission_block(report.period, report.agency):
        PeriodReopening.objects.update_or_create(
            period=report.period,
            agency=report.agency,
            defaults={
                "until": timezone.localdate() + datetime.timedelta(days=RETURN_REOPENS_FOR_DAYS),
                "reason": _("Trả lại để bổ sung: %(note)s") % {"note": note},
                "created_by": user,
            },
        )
    events.announce(events.report_returned, report=report, actor=user, note=note)
    return report


@transaction.atomic
def accept_report(report, user, seen_version=None):
    """Accept a submitted report; from then on it is read-only for everyone."""
    report = Report.objects.select_for_update(of=("self",)).get(pk=report.pk)
    if report.status != Report.Status.SUBMITTED:
        raise WorkflowError(_("Chỉ tiếp nhận được báo cáo đã gửi."))
    _check_reviewed_version(report, seen_version)
    report.status = Report.Status.ACCEPTED
    report.reviewed_by, report.reviewed_at = user, timezone.now()
    report.version += 1
    _history_as(report, user).save(update_fields=["status", "reviewed_by", "reviewed_at", "version", "updated_at"])
    events.announce(events.report_accepted, reports=[report], actor=user)
    return report


REVIEWED_FIELDS = ["status", "reviewed_by", "reviewed_at", "version", "updated_at"]


@transaction.atomic
def accept_reports(period, versions, user):
    """Accept several submitted reports of a period at once, all or nothing. `versions` maps
    each report's id to the version the coordinator confirmed: a report changed since, or no
    longer submitted, refuses the whole batch with a message naming its agencies. A fixed
    number of queries whatever the number of reports (lock, update, history, figures)."""
    versions = {int(pk): int(version) for pk, version in versions.items()}
    if not versions:
        raise WorkflowError(_("Chưa chọn báo cáo nào để tiếp nhận."))
    reports = list(
        Report.objects.select_for_update(of=("self",))
        .filter(period=period, pk__in=list(versions))
        .select_related("agency")
        .order_by("pk")
    )
    stale = sorted(
        report.agency.name
        for report in reports
        if report.status != Report.Status.SUBMITTED or report.version != versions[report.pk]
    )
    if stale or len(reports) != len(versions):
        raise WorkflowError(
            _(
                "Chưa tiếp nhận báo cáo nào: báo cáo của %(agencies)s đã thay đổi hoặc không còn ở trạng thái đã gửi. "
                "Hãy chọn lại các báo cáo cần tiếp nhận."
            )
            % {"agencies": ", ".join(stale) or _("một cơ quan")}
        )
    now = timezone.now()
    for report in reports:
        report.status = Report.Status.ACCEPTED
        report.reviewed_by, report.reviewed_at, report.updated_at = user, now, now
        report.version += 1
    bulk_update_with_history(reports, Report, REVIEWED_FIELDS, default_user=user)
    # A bulk update sends no signal; each report's version and updated_at changed, so the figures
    # read again only these agencies' answers (reporting/figures.py).
    touch_plans([period.plan_id], structure=False)
    events.announce(events.report_accepted, reports=reports, actor=user)
    return reports


def period_is_open(period, today=None):
    """Whether the period still takes reports from everyone: not locked, and not past its grace."""
    today = today or timezone.localdate()
    return period.status == ReportingPeriod.Status.OPEN and (period.closes_on is None or today <= period.closes_on)


def undo_block(report, user, today=None):
    """Why the user cannot undo the acceptance of the report now, or None if they can."""
    if report.status != Report.Status.ACCEPTED:
        return _("Chỉ hủy tiếp nhận được báo cáo đã được tiếp nhận.")
    if report.reviewed_by_id != user.pk:
        return _("Chỉ người đã tiếp nhận báo cáo mới hủy tiếp nhận được.")
    if not period_is_open(report.period, today):
        return _("Kỳ báo cáo đã khóa hoặc đã đóng nên không hủy tiếp nhận được nữa.")
    return None


@transaction.atomic
def undo_accept(report, user, reason):
    """Take an acceptance back, by the coordinator who accepted, while the period is open: the
    report is submitted again, for review. The reason is the history record's change reason."""
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("Cần ghi lý do hủy tiếp nhận."))
    if len(reason) > UNDO_REASON_MAX_LENGTH:
        raise WorkflowError(_("Lý do hủy tiếp nhận tối đa %(limit)s ký tự.") % {"limit": UNDO_REASON_MAX_LENGTH})
    report = Report.objects.select_for_update(of=("self",)).select_related("period").get(pk=report.pk)
    block = undo_block(report, user)
    if block:
        raise WorkflowError(block)
    report.status = Report.Status.SUBMITTED
    report.reviewed_by, report.reviewed_at = user, timezone.now()
    report.version += 1
    report._change_reason = reason
    _history_as(report, user).save(update_fields=REVIEWED_FIELDS)
    events.announce(events.acceptance_undone, report=report, actor=user, reason=reason)
    return report


@transaction.atomic
def reopen_for_agency(period, agency, user, until, reason):
    """Let one agency submit to a closed period until a date (a lock exception)."""
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("Cần ghi lý do mở lại kỳ báo cáo."))
    if until < timezone.localdate():
        raise WorkflowError(_("Ngày mở lại đến phải từ hôm nay trở đi."))
    if agency.province_id != period.plan.province_id:
        raise WorkflowError(_("Cơ quan không thuộc tỉnh của kỳ báo cáo."))
    reopening, _created = PeriodReopening.objects.update_or_create(
        period=period, agency=agency, defaults={"until": until, "reason": reason, "created_by": user}
    )
    events.announce(events.period_reopened, reopening=reopening, actor=user)
    return reopening


def days_until(day, today=None):
    """Working days left until `day` (positive), 0 on the day itself, or overdue since it
    (negative), as officials count them: without weekends and public holidays
    (reporting.calendar). Whether it is due or overdue is the calendar's say: a day past due is
    at least 1 day overdue even over a weekend or Tết, and a day ahead at least 1 left."""
    today = today or timezone.localdate()
    if day == today:
        return 0
    count = abs(working_days_between(today, day))
    return max(1, count) if day > today else -max(1, count)


def is_on_time(report):
    return sent_by(report.first_submitted_at, report.period.due_date)


def sent_by(first_submitted_at, due_date):
    """A report first sent at `first_submitted_at` (or never) was sent by its due date."""
    return bool(first_submitted_at) and timezone.localtime(first_submitted_at).date() <= due_date


@transaction.atomic
def remove_evidence(report, user, file_ids):
    """Remove files attached by mistake, while the report is a draft or returned (Report.EDITABLE):
    the row and the stored file. Files of other reports among the ids are ignored. Returns
    the names removed."""
    if report is None or not file_ids:
        return []
    report = Report.objects.select_for_update(of=("self",)).get(pk=report.pk)
    if report.status not in Report.EDITABLE:
        raise WorkflowError(_("Báo cáo đã gửi hoặc đã được tiếp nhận nên không sửa được nữa."))
    removed = []
    for evidence in EvidenceFile.objects.filter(pk__in=file_ids, progress__report=report):
        name, stored = evidence.original_name, evidence.file.name
        _history_as(evidence, user).delete()
        # The stored file goes once the row is gone for good, not if the transaction rolls back.
        transaction.on_commit(lambda stored=stored: EvidenceFile.file.field.storage.delete(stored))
        removed.append(name)
    return removed
