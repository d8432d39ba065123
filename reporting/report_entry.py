"""The report form's one request, decided in one place: show the form, save the draft, submit
it, or keep what was typed when saving failed. The view renders the Entry and follows its
outcome; the changes themselves are workflow's (save_draft, submit_report)."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from . import readers, workflow
from .forms import ReportForm, TaskProgressForm
from .models import Report

SENT = "sent"  # the report is no longer editable: go to its page
SAVED = "saved"  # the draft is saved: show the form again, afresh
SUBMITTED = "submitted"  # the report is sent: go to its page


@dataclass
class Entry:
    report: Report | None
    outcome: str = ""  # SENT, SAVED or SUBMITTED: the view redirects; "": it renders the form
    locked_out: bool = False  # sent by a colleague after this page was opened
    sheet: object = None  # readers.report_sheet
    closed_reason: str | None = None  # workflow.submission_block
    report_form: ReportForm | None = None
    task_forms: dict = field(default_factory=dict)  # {task id: TaskProgressForm}, each also on its sheet row
    errors: list = field(default_factory=list)  # messages for the top of the page

    def context(self):
        return {
            "sheet": self.sheet,
            "report": self.report,
            "report_form": self.report_form,
            "task_forms": self.task_forms,
            "closed_reason": self.closed_reason,
            "locked_out": self.locked_out,
        }


def open_form(user, agency, period, data=None, files=None):
    """The form of the agency's report for the period; data and files: what was posted (None
    for a GET)."""
    report = Report.objects.filter(agency=agency, period=period).first()
    locked_out = report is not None and report.status not in Report.EDITABLE
    if locked_out and data is None:
        return Entry(report, outcome=SENT)
    entry = Entry(report, locked_out=locked_out, closed_reason=workflow.submission_block(period, agency))
    entry.sheet = readers.report_sheet(user, agency, period, report)
    if locked_out:
        # Sent by a colleague after this page was opened: keep what was typed, save nothing.
        entry.report_form, entry.task_forms = ReportForm(data), _task_forms(entry.sheet, data)
        entry.errors.append(
            _("Báo cáo đã được gửi (%(status)s) sau khi bạn mở trang nên không lưu được. Nội dung bạn nhập vẫn còn bên dưới.")
            % {"status": report.get_status_display()}
        )
    elif data is not None:
        _save(entry, user, agency, period, data, files)
    else:
        entry.report_form = ReportForm(
            initial={
                "version": report.version if report else 0,
                "difficulties": report.difficulties if report else "",
                "proposals": report.proposals if report else "",
            }
        )
        entry.task_forms = _task_forms(entry.sheet)
    if not entry.outcome:
        for section in entry.sheet.sections:
            for row in section.rows:
                row.form = entry.task_forms[row.task.pk]
    return entry


def _save(entry, user, agency, period, data, files):
    """Save the draft and, if asked, submit it; else keep what was typed, each problem by its field."""
    entry.report_form = ReportForm(data)
    entry.task_forms = _task_forms(entry.sheet, data, files)
    if not (entry.report_form.is_valid() and all(form.is_valid() for form in entry.task_forms.values())):
        entry.errors.append(_("Một số ô nhập chưa đúng, xem các dòng báo đỏ bên dưới."))
        return
    cleaned = entry.report_form.cleaned_data
    try:
        entry.report = workflow.save_draft(
            agency=agency,
            period=period,
            user=user,
            seen_version=cleaned["version"],
            difficulties=cleaned["difficulties"],
            proposals=cleaned["proposals"],
            progress={task_id: form.progress_values() for task_id, form in entry.task_forms.items()},
            files={task_id: form.cleaned_data["files"] for task_id, form in entry.task_forms.items()},
        )
        if "submit" not in data:
            entry.outcome = SAVED
            return
        workflow.submit_report(entry.report, user, entry.report.version)
        entry.outcome = SUBMITTED
    except workflow.SubmissionProblems as problems:
        # The draft was saved; keep what was typed and show each problem by its field.
        kept = data.copy()
        kept["version"] = entry.report.version
        entry.report_form = ReportForm(kept)
        entry.task_forms = _task_forms(entry.sheet, kept)
        for task_id, fields in problems.by_task.items():
            for name, message in fields.items():
                entry.task_forms[task_id].add_error(name, message)
        entry.errors.append(str(problems))
        entry.sheet = readers.report_sheet(user, agency, period, entry.report)
    except workflow.WorkflowError as error:
        entry.errors.append(str(error))


def _task_forms(sheet, data=None, files=None):
    forms = {}
    for section in sheet.sections:
        for row in section.rows:
            initial = {}
            if row.progress:
                initial = {name: getattr(row.progress, name) for name in workflow.PROGRESS_FIELDS}
            forms[row.task.pk] = TaskProgressForm(data, files, prefix=f"t{row.task.pk}", initial=initial, task=row.task)
    return forms
