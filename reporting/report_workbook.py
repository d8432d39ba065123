"""An agency's report as an Excel file to fill offline, and the filled file read back.

`report_workbook(sheet, report)` writes the agency's tasks of the period (readers.report_sheet)
with its current answers: the task's own columns grey and locked, the answers' columns open,
with drop-down lists and number checks. A hidden sheet carries the file's identification,
signed (django.core.signing, its own salt): the agency, the period, the report's version at the
download and the task ids of its rows; each row also carries its task id in a hidden column, so
rows may be sorted.

`read_upload(sheet, report, upload)` sizes the file before reading a cell
(papi_tracker.spreadsheets.check_xlsx), refuses a file that is not this report's, was
tampered with or was downloaded before the report last changed (WorkbookRefused, with the
message for the user), then binds each row to TaskProgressForm, so the rules are the form's,
and lists every changed cell (Preview). `save(...)` writes the changes through
workflow.save_draft: all or nothing, the report stays a draft, and a report saved since the
download (its version) refuses the whole file.
"""

import datetime
import io
import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.core import signing
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from papi_tracker import signed_preview
from papi_tracker.labels import label_of
from papi_tracker.limits import (
    MAX_TASKS_PER_PLAN,
    TASK_DIFFICULTIES_MAX_LENGTH,
    TASK_EVIDENCE_MAX_LENGTH,
    TASK_NARRATIVE_MAX_LENGTH,
)
from papi_tracker.spreadsheets import SpreadsheetError, check_xlsx
from papi_tracker.xlsx import CENTRE, HEADER_FILL, WRAP, landscape, put, text, title, workbook_bytes

from . import workflow
from .forms import TaskProgressForm
from .models import TaskProgress

IDENTITY_SALT = "papi.report-workbook"  # the identification inside the file
PREVIEW_SALT = "papi.report-upload"  # the preview carried to the save step
MAX_BYTES = 5 * 1024 * 1024
IDENTITY_SHEET = "papi_id"
HEADER_ROW = 5
# An agency reports on at most every task of the plan; a file claiming more rows is refused
# before a cell is read, and reading stops there too.
MAX_ROWS = HEADER_ROW + MAX_TASKS_PER_PLAN + 20

LOCKED_FILL = PatternFill("solid", fgColor="D9D9D9")
OPEN = Protection(locked=False)

# (key, heading, width): the task's own columns, read-only…
TASK_COLUMNS = [
    ("number", gettext_lazy("STT"), 8),
    ("dimension", gettext_lazy("Chỉ số nội dung"), 22),
    ("title", gettext_lazy("Nhiệm vụ"), 48),
    ("measure", gettext_lazy("Chỉ tiêu"), 20),
    ("role", gettext_lazy("Vai trò của cơ quan"), 12),
]
# …then the answer's, which the form's fields name (TaskProgressForm), then the hidden task id.
ANSWER_COLUMNS = [
    ("status", 18),
    ("percent_done", 12),
    ("achieved_value", 14),
    ("narrative", 50),
    ("difficulties", 36),
    ("evidence", 30),
]
FIRST_ANSWER = len(TASK_COLUMNS) + 1
COLUMN = {key: FIRST_ANSWER + i for i, (key, _width) in enumerate(ANSWER_COLUMNS)}
ID_COLUMN = FIRST_ANSWER + len(ANSWER_COLUMNS)
TEXT_FIELDS = ("narrative", "difficulties", "evidence")
TEXT_LIMITS = {
    "narrative": TASK_NARRATIVE_MAX_LENGTH,
    "difficulties": TASK_DIFFICULTIES_MAX_LENGTH,
    "evidence": TASK_EVIDENCE_MAX_LENGTH,
}


NOT_OURS = gettext_lazy(
    "Tệp không phải là tệp báo cáo tải về từ hệ thống: hãy dùng liên kết “Tải báo cáo dạng Excel để điền offline” "
    "trên trang báo cáo."
)


class WorkbookRefused(ValueError):
    """The file as a whole is not taken; the message says why, for the user."""


def _role_label(role):
    return _("Chủ trì") if role == "lead" else _("Phối hợp")


def _measure(task):
    if task.measure_value is None:
        return task.measure
    value = f"{floatformat(task.measure_value, '-2')} {task.measure_unit}".strip()
    return f"{task.measure}\n({value})" if task.measure else value


def _rows(sheet):
    return [row for section in sheet.sections for row in section.rows]


def _version(report):
    return report.version if report is not None else 0


# --- the download -------------------------------------------------------------------------


def report_workbook(sheet, report):
    """The .xlsx bytes of the agency's report for the period (`sheet`: readers.report_sheet),
    prefilled with the current answers of `report` (None: not started)."""
    book = Workbook()
    ws = book.active
    ws.title = _("Báo cáo")[:31]
    rows = _rows(sheet)
    last = ID_COLUMN - 1
    title(ws, 1, last, _("BÁO CÁO KẾT QUẢ THỰC HIỆN KỲ %(period)s") % {"period": sheet.period.label})
    now = timezone.localtime()
    subtitle = _("%(agency)s · Kế hoạch số %(number)s · tải về lúc %(time)s") % {
        "agency": sheet.agency.name,
        "number": sheet.period.plan.document_number,
        "time": now.strftime("%H:%M %d/%m/%Y"),
    }
    title(ws, 2, last, subtitle, size=12, bold=False, italic=True)
    title(
        ws,
        3,
        last,
        _(
            "Chỉ điền các cột màu trắng; không sửa các cột màu xám, không thêm hoặc xóa dòng. Khi tải lên, "
            "tệp bị từ chối nếu báo cáo đã được lưu sau lúc tải về: khi đó hãy tải tệp mới."
        ),
        size=11,
        bold=False,
    )
    ws.row_dimensions[3].height = 30

    form_fields = TaskProgressForm.base_fields
    headings = [(str(heading), width) for _key, heading, width in TASK_COLUMNS]
    headings += [(str(form_fields[key].label), width) for key, width in ANSWER_COLUMNS]
    for column, (heading, width) in enumerate(headings, start=1):
        put(ws, HEADER_ROW, column, heading, bold=True, align=CENTRE, fill=HEADER_FILL)
        ws.column_dimensions[get_column_letter(column)].width = width
    put(ws, HEADER_ROW, ID_COLUMN, _("Mã nhiệm vụ"), bold=True, align=CENTRE, fill=HEADER_FILL)
    ws.column_dimensions[get_column_letter(ID_COLUMN)].hidden = True

    validations = _validations(ws)
    for index, row in enumerate(rows, start=HEADER_ROW + 1):
        task, answer = row.task, row.progress
        own = [
            text(task.number),
            text(task.dimension) if task.dimension else _("Chỉ đạo, điều hành chung"),
            text(task.title),
            text(_measure(task)),
            str(_role_label(row.role)),
        ]
        for column, value in enumerate(own, start=1):
            put(ws, index, column, value, align=CENTRE if column in (1, 5) else WRAP, fill=LOCKED_FILL)
        status = label_of(TaskProgress.Status, answer.status) if answer and answer.status else ""
        put(ws, index, COLUMN["status"], str(status)).protection = OPEN
        percent = answer.percent_done if answer else None
        put(ws, index, COLUMN["percent_done"], percent, align=CENTRE, number_format="0").protection = OPEN
        achieved = answer.achieved_value if answer else None
        if task.measure_value is None:
            put(ws, index, COLUMN["achieved_value"], achieved, fill=LOCKED_FILL, number_format="0.##")
        else:
            cell = put(ws, index, COLUMN["achieved_value"], achieved, number_format="0.##")
            cell.protection = OPEN
            validations["percent_value" if task.measures_percent else "achieved_value"].add(cell)
        for name in TEXT_FIELDS:
            put(ws, index, COLUMN[name], text(getattr(answer, name, ""))).protection = OPEN
        put(ws, index, ID_COLUMN, task.pk, fill=LOCKED_FILL)
    if rows:  # whole columns' checks as one range each
        for name in ("status", "percent_done", *TEXT_FIELDS):
            letter = get_column_letter(COLUMN[name])
            validations[name].add(f"{letter}{HEADER_ROW + 1}:{letter}{HEADER_ROW + len(rows)}")
    landscape(ws, HEADER_ROW)
    # Locked cells stay as they are; columns and rows may still be resized and the rows sorted.
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.sort = False
    ws.protection.autoFilter = False

    identity = book.create_sheet(IDENTITY_SHEET)
    identity.sheet_state = "veryHidden"
    identity["A1"] = signing.dumps(
        {
            "agency": sheet.agency.pk,
            "period": sheet.period.pk,
            "version": _version(report),
            "tasks": [row.task.pk for row in rows],
            "at": now.isoformat(),
        },
        salt=IDENTITY_SALT,
        compress=True,
    )
    identity["A1"].data_type = "s"
    identity.protection.sheet = True
    return workbook_bytes(book)


def _validations(ws):
    """The checks Excel makes as the agency types, one per kind of cell (added to the sheet)."""
    with override("vi"):
        labels = [str(label) for _code, label in TaskProgress.Status.choices]
    status = DataValidation(type="list", formula1='"' + ",".join(labels) + '"', allow_blank=True)
    status.error, status.errorTitle = _("Chọn một tình trạng trong danh sách."), _("Tình trạng")
    percent = DataValidation(type="whole", operator="between", formula1="0", formula2="100", allow_blank=True)
    percent.error, percent.errorTitle = _("Nhập số nguyên từ 0 đến 100."), _("Tỷ lệ hoàn thành (%)")
    achieved = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    achieved.error, achieved.errorTitle = _("Giá trị đạt được không được âm."), _("Giá trị đạt được")
    percent_value = DataValidation(type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True)
    percent_value.error = _("Chỉ tiêu tính theo phần trăm: giá trị đạt được từ 0 đến 100.")
    percent_value.errorTitle = _("Giá trị đạt được")
    made = {"status": status, "percent_done": percent, "achieved_value": achieved, "percent_value": percent_value}
    for name in TEXT_FIELDS:
        limit = TEXT_LIMITS[name]
        made[name] = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(limit), allow_blank=True)
        made[name].error = _("Tối đa %(count)s ký tự.") % {"count": limit}
    for validation in made.values():
        validation.showErrorMessage = True
        ws.add_data_validation(validation)
    return made


# --- the upload ---------------------------------------------------------------------------


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp báo cáo đã điền (.xlsx)"), error_messages={"empty": gettext_lazy("Tệp trống.")}
    )


@dataclass
class Change:
    task_id: int
    number: str
    title: str
    field: str  # the form's field name
    label: str
    old: str  # as shown: a label, a number with a decimal comma, the text
    new: str


@dataclass
class RowError:
    task_id: int
    number: str
    title: str
    label: str  # the field's label, or "" for the row as a whole
    messages: list


@dataclass
class Preview:
    changes: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    payload: str = ""  # signed; empty when there is nothing to save or something to correct

    @property
    def savable(self):
        return bool(self.changes) and not self.errors

    @property
    def error_task_count(self):
        return len({error.task_id for error in self.errors})


def _refuse(message):
    raise WorkbookRefused(message)


def _identity(book, sheet, report):
    """The file's signed identification, checked against this report; else WorkbookRefused."""
    not_ours = str(NOT_OURS)
    if IDENTITY_SHEET not in book.sheetnames:
        _refuse(not_ours)
    token = book[IDENTITY_SHEET]["A1"].value
    if not isinstance(token, str) or not token:
        _refuse(not_ours)
    try:
        identity = signing.loads(token, salt=IDENTITY_SALT)
    except signing.BadSignature:
        _refuse(_("Phần nhận dạng của tệp đã bị sửa nên không nhận được. Hãy tải tệp báo cáo mới rồi điền lại."))
    if not isinstance(identity, dict) or (identity.get("agency"), identity.get("period")) != (sheet.agency.pk, sheet.period.pk):
        _refuse(
            _("Tệp này là báo cáo của cơ quan hoặc kỳ báo cáo khác, không phải của %(agency)s kỳ %(period)s.")
            % {"agency": sheet.agency.name, "period": sheet.period.label}
        )
    if identity.get("version") != _version(report):
        _refuse(
            _(
                "Báo cáo đã được lưu lại sau khi tệp này được tải về (lúc %(time)s), nên tệp không còn khớp với bản hiện tại. "
                "Hãy tải tệp mới rồi điền lại phần thay đổi."
            )
            % {"time": _downloaded_at(identity)}
        )
    return identity


def _downloaded_at(identity):
    try:
        return timezone.localtime(datetime.datetime.fromisoformat(identity.get("at", ""))).strftime("%H:%M %d/%m/%Y")
    except (TypeError, ValueError):
        return "?"


def _form_value(value):
    """A cell as the form would receive it typed: text, a number without a float's tail."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def _status_code(value):
    """The status's code for a label (Vietnamese, or the page's language) or a code; else the
    text itself, which the form refuses as not one of its choices."""
    wanted = value.strip().casefold()
    if not wanted:
        return ""
    for code, label in TaskProgress.Status.choices:
        with override("vi"):
            vietnamese = str(label)
        if wanted in (code, vietnamese.casefold(), str(label).casefold()):
            return code
    return value


def _clean_text(value):
    return ILLEGAL_CHARACTERS_RE.sub("", value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


NO_ANSWER = {"status": "", "percent_done": None, "achieved_value": None, "narrative": "", "evidence": "", "difficulties": ""}


def _current(answer):
    return {name: getattr(answer, name) for name in workflow.PROGRESS_FIELDS} if answer else dict(NO_ANSWER)


def _same(name, old, new):
    if name in TEXT_FIELDS:
        return _clean_text(old) == _clean_text(new)
    return (old if old not in ("", None) else None) == (new if new not in ("", None) else None)


def _shown(name, value):
    if value in (None, ""):
        return ""
    if name == "status":
        return str(label_of(TaskProgress.Status, value))
    if isinstance(value, Decimal):  # 12,5 and 100 as typed, with the decimal comma
        return number_format(Decimal(format(value.normalize(), "f")))
    return str(value)


def _data(cells, task, answer):
    """The form data of a row: what the agency typed; the achieved value of a task with no
    measure value is not asked (the form does not show it) and stays as it is."""
    data = {"status": _status_code(_form_value(cells[COLUMN["status"] - 1]))}
    for name in ("percent_done", "achieved_value", *TEXT_FIELDS):
        data[name] = _form_value(cells[COLUMN[name] - 1])
    if task.measure_value is None:
        kept = answer.achieved_value if answer else None
        data["achieved_value"] = "" if kept is None else str(kept)
    return data


def _read_rows(content):
    """[(line, cells)] of the report sheet with a task id, and the book; WorkbookRefused when
    the file cannot be read."""
    try:
        check_xlsx(content, max_rows=MAX_ROWS)
    except SpreadsheetError as error:
        raise WorkbookRefused(str(error)) from None
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        _refuse(_("Tệp không phải là tệp Excel (.xlsx) đọc được."))
    try:
        lines = []
        visible = [ws for ws in book.worksheets if ws.title != IDENTITY_SHEET]
        if not visible:
            _refuse(str(NOT_OURS))
        rows = visible[0].iter_rows(min_row=HEADER_ROW + 1, max_col=ID_COLUMN, values_only=True)
        for line, cells in enumerate(itertools.islice(rows, MAX_ROWS), start=HEADER_ROW + 1):
            cells = list(cells) + [None] * (ID_COLUMN - len(cells))
            if cells[ID_COLUMN - 1] is not None or any(value not in (None, "") for value in cells):
                lines.append((line, cells))
        return book, lines
    except WorkbookRefused:
        book.close()
        raise
    except Exception:
        book.close()
        _refuse(_("Tệp không phải là tệp Excel (.xlsx) đọc được."))


def read_upload(sheet, report, upload):
    """The Preview of an uploaded file for the agency's report (`sheet`: readers.report_sheet
    of `report`); raises WorkbookRefused for a file not taken as a whole."""
    if upload.size > MAX_BYTES:
        _refuse(_("Tệp lớn hơn %(size)s MB.") % {"size": MAX_BYTES // (1024 * 1024)})
    book, lines = _read_rows(upload.read())
    try:
        identity = _identity(book, sheet, report)
    finally:
        book.close()
    signed_ids = set(identity.get("tasks") or ())
    by_task = {row.task.pk: row for row in _rows(sheet)}
    preview, seen, posted = Preview(), set(), {}
    for line, cells in lines:
        task_id = cells[ID_COLUMN - 1]
        if isinstance(task_id, float) and task_id.is_integer():
            task_id = int(task_id)
        if not isinstance(task_id, int) or task_id not in signed_ids:
            _refuse(
                _("Dòng %(line)s: mã nhiệm vụ trong cột ẩn đã bị sửa hoặc dòng được thêm vào. Hãy tải tệp mới rồi điền lại.")
                % {"line": line}
            )
        if task_id in seen:
            _refuse(_("Dòng %(line)s: nhiệm vụ này có hai dòng trong tệp.") % {"line": line})
        seen.add(task_id)
        row = by_task.get(task_id)
        if row is None:
            _refuse(_("Danh sách nhiệm vụ của cơ quan đã thay đổi sau khi tệp được tải về. Hãy tải tệp mới rồi điền lại."))
        data = _data(cells, row.task, row.progress)
        form = TaskProgressForm(data, task=row.task)
        if not form.is_valid():
            for name, messages in form.errors.items():
                label = str(form.fields[name].label) if name in form.fields else ""
                preview.errors.append(RowError(task_id, row.task.number, row.task.title, label, list(messages)))
            continue
        old, new = _current(row.progress), form.progress_values()
        changed = [name for name in workflow.PROGRESS_FIELDS if not _same(name, old[name], new[name])]
        for name in changed:
            label = str(form.fields[name].label)
            preview.changes.append(
                Change(task_id, row.task.number, row.task.title, name, label, _shown(name, old[name]), _shown(name, new[name]))
            )
        if changed:
            posted[str(task_id)] = data
    if preview.changes and not preview.errors:
        payload = {"agency": sheet.agency.pk, "period": sheet.period.pk, "version": _version(report), "rows": posted}
        preview.payload = signed_preview.sign(payload, PREVIEW_SALT)
    return preview


def save(sheet, report, payload, user):
    """Save a signed preview's changes (`sheet`: readers.report_sheet of `report`) as a draft:
    every row checked again by the form, then one workflow.save_draft, all or nothing. Returns
    (report, number of changed tasks). Raises signed_preview.InvalidPreview for a payload made
    for another report, workflow.WorkflowError (StaleReport included) when it cannot be saved."""
    data = signed_preview.load(payload, PREVIEW_SALT)
    if not isinstance(data, dict) or (data.get("agency"), data.get("period")) != (sheet.agency.pk, sheet.period.pk):
        raise signed_preview.InvalidPreview
    rows = data.get("rows") or {}
    by_task = {row.task.pk: row for row in _rows(sheet)}
    progress = {}
    for key, values in rows.items():
        row = by_task.get(int(key))
        if row is None:
            raise workflow.WorkflowError(
                _("Danh sách nhiệm vụ của cơ quan đã thay đổi sau khi tệp được tải về. Hãy tải tệp mới rồi điền lại.")
            )
        form = TaskProgressForm(values, task=row.task)
        if not form.is_valid():
            raise signed_preview.InvalidPreview  # checked when the preview was made: not from us
        progress[row.task.pk] = form.progress_values()
    if not progress:
        raise signed_preview.InvalidPreview
    try:
        saved = workflow.save_draft(
            agency=sheet.agency,
            period=sheet.period,
            user=user,
            seen_version=int(data.get("version") or 0),
            difficulties=report.difficulties if report else "",
            proposals=report.proposals if report else "",
            progress=progress,
        )
    except workflow.StaleReport:
        if report is not None and _stored(report, progress):
            raise AlreadySaved(_("Các thay đổi từ tệp này đã được lưu.")) from None
        raise
    return saved, len(progress)


class AlreadySaved(workflow.WorkflowError):
    """The same preview was saved already (a second click on "Lưu")."""


def _stored(report, progress):
    """Whether the report's answers already are these values (one query)."""
    stored = {p.task_id: p for p in report.progress.filter(task_id__in=progress).order_by()}
    return all(
        task_id in stored and all(_same(name, getattr(stored[task_id], name), value) for name, value in values.items())
        for task_id, values in progress.items()
    )
