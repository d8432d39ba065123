"""The report form's one request, decided in one place: show the form, save the draft, submit
it, or keep what was typed when saving failed. The view renders the Entry and follows its
outcome; the changes themselves are workflow's (save_draft, submit_report)."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from papi_tracker.ids import given_ids

from . import readers, workflow
from .forms import ReportForm, TaskProgressForm
from .models import Report

SENT = "sent"  # the report is no longer editable: go to its page
SAVED = "saved"  # the draft is saved: show the form again, afresh
SUBMITTED = "submitted"  # the report is sent: go to its page


@dataclass
class Problem:
    """A field not kept, for the summary at the top of the form: it links to the task's card."""

    task_id: int | None
    number: str
    field: str
    message: str


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
    problems: list = field(default_factory=list)  # Problem: each field not kept, linked from the summary
    kept_at: object = None  # when the form was sent after the session ended (its typing offered back)
    saved: bool = False  # the draft was saved by this request (all of it, or the fields that were right)
    removed: list = field(default_factory=list)  # names of the evidence files removed by this request

    def context(self):
        answered = sum(section.answered for section in self.sheet.sections)
        carried = sum(1 for section in self.sheet.sections for row in section.rows if getattr(row, "previous", None))
        return {
            "sheet": self.sheet,
            "report": self.report,
            "report_form": self.report_form,
            "task_forms": self.task_forms,
            "closed_reason": self.closed_reason,
            "locked_out": self.locked_out,
            "problems": self.problems,
            "answered": answered,
            "kept_at": self.kept_at,
            "carried_count": carried,
        }


def open_form(user, agency, period, data=None, files=None, kept=None):
    """The form of the agency's report for the period; data and files: what was posted (None
    for a GET); kept: (data, time) of a form sent after the session ended, shown bound and
    unsaved until the reporter saves it."""
    report = Report.objects.filter(agency=agency, period=period).first()
    locked_out = report is not None and report.status not in Report.EDITABLE
    if locked_out and data is None:
        return Entry(report, outcome=SENT)
    entry = Entry(report, locked_out=locked_out, closed_reason=workflow.submission_block(period, agency))
    entry.sheet = _sheet(user, agency, period, report)
    if locked_out:
        # Sent by a colleague after this page was opened: keep what was typed, save nothing.
        entry.report_form, entry.task_forms = ReportForm(data), _task_forms(entry.sheet, data)
        entry.errors.append(
            _("Báo cáo đã được gửi (%(status)s) sau khi bạn mở trang nên không lưu được. Nội dung bạn nhập vẫn còn bên dưới.")
            % {"status": report.get_status_display()}
        )
    elif data is not None:
        _save(entry, user, agency, period, data, files)
    elif kept is not None:
        entry.kept_at = kept[1]
        entry.report_form, entry.task_forms = ReportForm(kept[0]), _task_forms(entry.sheet, kept[0])
        _problems(entry)
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
            section.answered = 0
            for row in section.rows:
                row.form = entry.task_forms[row.task.pk]
                section.answered += bool(row.form["status"].value())
    return entry


def _taken_in(sheet, data):
    """{task id: answer ids} of the coordinating agencies' answers the lead ticked "Tiếp thu" on,
    for each task with such answers shown: only those shown count (junk and others' ids are left out)."""
    taken = {}
    for section in sheet.sections:
        for row in section.rows:
            if row.colleagues:
                shown = {answer.pk for answer in row.colleagues}
                ticked = set(given_ids(data.getlist(f"t{row.task.pk}-take_in")))
                taken[row.task.pk] = ticked & shown
    return taken


def _save(entry, user, agency, period, data, files):
    """Save the draft and, if asked, submit it. Fields that break a rule are not kept, the rest
    is saved as the draft all the same, and each field not kept is named, by its task."""
    entry.report_form = ReportForm(data)
    entry.task_forms = _task_forms(entry.sheet, data, files)
    valid = {task_id: form for task_id, form in entry.task_forms.items() if form.is_valid()}
    stored = {row.task.pk: row.progress for section in entry.sheet.sections for row in section.rows}
    report_valid = entry.report_form.is_valid()
    version = entry.report_form.cleaned_data.get("version")
    if version is None:  # no version: not this page's form (or a broken one): nothing to keep it against
        entry.errors.append(_("Trang đã cũ hoặc không đầy đủ; hãy tải lại trang rồi nhập lại."))
        return
    complete = report_valid and len(valid) == len(entry.task_forms)
    cleaned = entry.report_form.cleaned_data
    current = entry.report
    if not complete and current is None and not _anything_typed(cleaned, entry.task_forms):
        _problems(entry)  # nothing right to keep yet: no empty report is made
        entry.errors.append(_("Một số ô nhập chưa đúng, xem các dòng báo đỏ bên dưới."))
        return
    try:
        entry.report = workflow.save_draft(
            agency=agency,
            period=period,
            user=user,
            seen_version=version,
            difficulties=cleaned.get("difficulties", current.difficulties if current else ""),
            proposals=cleaned.get("proposals", current.proposals if current else ""),
            # Every task's right fields; a field not kept keeps its value saved before.
            progress={task_id: form.progress_values(stored.get(task_id)) for task_id, form in entry.task_forms.items()},
            files={task_id: form.cleaned_data["files"] for task_id, form in valid.items()},
            carried=_still_carried(entry.sheet, entry.task_forms, confirm_all="confirm_all" in data),
            taken_in=_taken_in(entry.sheet, data),
        )
        entry.saved = True
        removing = given_ids(data.getlist("remove-evidence"))
        entry.removed = workflow.remove_evidence(entry.report, user, removing)
        if not complete:
            _keep_typed(entry, user, agency, period, data)
            entry.errors.append(
                _("Đã lưu nháp những ô hợp lệ. %(count)s ô chưa lưu được vì chưa đúng: sửa theo danh sách dưới đây rồi lưu lại.")
                % {"count": len(entry.problems)}
            )
            return
        if "submit" not in data:
            entry.outcome = SAVED
            return
        workflow.submit_report(entry.report, user, entry.report.version)
        entry.outcome = SUBMITTED
    except workflow.SubmissionProblems as problems:
        # The draft was saved; keep what was typed and show each problem by its field.
        _keep_typed(entry, user, agency, period, data)
        for task_id, fields in problems.by_task.items():
            for name, message in fields.items():
                entry.task_forms[task_id].add_error(name, message)
        _problems(entry)
        entry.errors.append(str(problems))
    except workflow.WorkflowError as error:
        entry.errors.append(str(error))
        _problems(entry)


def _sheet(user, agency, period, report):
    """The report's sheet, each row with the agency's previous answer (`row.previous`) when its
    form starts from it: no answer of this period yet, or one still carried unchanged."""
    sheet = readers.report_sheet(user, agency, period, report)
    rows = [row for section in sheet.sections for row in section.rows]
    previous = workflow.previous_answers(agency, period, [row.task.pk for row in rows])
    for row in rows:
        answer = previous.get(row.task.pk)
        row.previous = answer if answer is not None and (row.progress is None or row.progress.carried_from_id) else None
    return sheet


def _still_carried(sheet, forms, confirm_all=False):
    """{task id: period id} of the answers saved still as carried from an earlier period: the
    form posted the previous answer unchanged and the reporter did not confirm it."""
    carried = {}
    for section in sheet.sections:
        for row in section.rows:
            form = forms[row.task.pk]
            if row.previous is None or confirm_all or not form.is_valid() or form.cleaned_data.get("confirmed"):
                continue
            values = form.progress_values()
            if all(values[name] == getattr(row.previous, name) for name in workflow.CARRIED_FIELDS):
                carried[row.task.pk] = row.previous.report.period_id
    return carried


def _anything_typed(cleaned, forms):
    """Whether any field that is right holds something: else no empty report is made."""
    return (
        bool(cleaned.get("difficulties") or cleaned.get("proposals"))
        or any(value not in (None, "") for form in forms.values() for value in form.progress_values().values())
        or any(form.cleaned_data.get("files") for form in forms.values() if "files" not in form.errors)
    )


def _keep_typed(entry, user, agency, period, data):
    """After a save that kept only part of the form: the page again with everything typed, the
    report's new version, the fields not kept marked and listed."""
    kept = data.copy()
    kept["version"] = entry.report.version
    refused = {task_id: dict(form.errors) for task_id, form in entry.task_forms.items() if form.errors}
    entry.sheet = _sheet(user, agency, period, entry.report)
    entry.report_form = ReportForm(kept)
    entry.task_forms = _task_forms(entry.sheet, kept)
    for task_id, fields in refused.items():  # a refused file is not posted again: its error is carried over
        form = entry.task_forms[task_id]
        form.is_valid()
        for name, messages in fields.items():
            for message in messages:
                if message not in form.errors.get(name, []):
                    form.add_error(name if name in form.fields else None, message)
    _problems(entry)


def _problems(entry):
    """The summary of every field with an error, in the form's order, each linking to its task."""
    numbers = {row.task.pk: row.task.number for section in entry.sheet.sections for row in section.rows}
    entry.problems = []
    for task_id, form in entry.task_forms.items():
        if form.is_bound:
            form.is_valid()
        for name, messages in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            entry.problems += [Problem(task_id, numbers.get(task_id, ""), str(label), m) for m in messages]
    if entry.report_form is not None and entry.report_form.is_bound:
        for name, messages in entry.report_form.errors.items():
            label = entry.report_form.fields[name].label if name in entry.report_form.fields else ""
            entry.problems += [Problem(None, "", str(label or ""), m) for m in messages]


def _task_forms(sheet, data=None, files=None):
    forms = {}
    for section in sheet.sections:
        for row in section.rows:
            initial = {}
            if row.progress:
                initial = {name: getattr(row.progress, name) for name in workflow.PROGRESS_FIELDS}
            elif getattr(row, "previous", None) is not None:  # a new period starts from the last sent answer
                initial = {name: getattr(row.previous, name) for name in workflow.CARRIED_FIELDS}
            forms[row.task.pk] = TaskProgressForm(data, files, prefix=f"t{row.task.pk}", initial=initial, task=row.task)
    return forms
