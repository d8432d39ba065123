"""Importing a plan's tasks from Excel (the DANH MỤC layout of plans/excel.py), in steps:
parse the file (every problem named by row and column), match the agency names to the
province's agencies and groups (case, diacritics, abbreviations such as UBND, MTTQ, Sở
LĐTBXH, and lists), let the coordinator map the names left over, then save all or nothing.

django-import-export is not used here: its row model (one row, one object, validated
alone) does not fit a task row that names several agencies, some of which a person must
first map or create; the all-or-nothing rule and the preview are the same as its own."""

import datetime
import io
import re
import unicodedata
import zipfile
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from simple_history.utils import bulk_create_with_history

from indicators.models import Dimension, SubDimension
from papi_tracker import signed_preview
from papi_tracker.limits import MAX_TASKS_PER_PLAN
from papi_tracker.spreadsheets import SpreadsheetError, check_xlsx

from .excel import COLUMNS
from .models import Agency, AgencyGroup, AgencyKind, Plan, Task, TaskAssignment, touch_plans

MAX_BYTES = 5 * 1024 * 1024
# The text columns' lengths in the database, checked per row so a long cell is an error, not a crash.
TEXT_COLUMNS = ("number", "title", "measure", "measure_unit", "timeframe_text", "expected_output", "supervisor")
LIMITS = {name: Task._meta.get_field(name).max_length for name in TEXT_COLUMNS}
MAX_ROWS = 5000

# Abbreviations in plan documents, expanded before names are compared (normalised form).
ABBREVIATIONS = {
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "mttq": "mat tran to quoc",
    "ub mttq": "uy ban mat tran to quoc",
    "ldtbxh": "lao dong thuong binh va xa hoi",
    "ld tb xh": "lao dong thuong binh va xa hoi",
    "ldtb va xh": "lao dong thuong binh va xa hoi",
    "tnmt": "tai nguyen va moi truong",
    "tn va mt": "tai nguyen va moi truong",
    "khdt": "ke hoach va dau tu",
    "kh va dt": "ke hoach va dau tu",
    "gddt": "giao duc va dao tao",
    "gd va dt": "giao duc va dao tao",
    "vhttdl": "van hoa the thao va du lich",
    "vh tt va dl": "van hoa the thao va du lich",
    "nnptnt": "nong nghiep va phat trien nong thon",
    "nn va ptnt": "nong nghiep va phat trien nong thon",
    "tttt": "thong tin va truyen thong",
    "tt va tt": "thong tin va truyen thong",
    "khcn": "khoa hoc va cong nghe",
    "kh va cn": "khoa hoc va cong nghe",
    "gtvt": "giao thong van tai",
    "bhxh": "bao hiem xa hoi",
    "vp": "van phong",
    "tp": "thanh pho",
}


def normalise(value):
    """Lower case, no diacritics (đ → d), "&" read as "và", punctuation as spaces,
    abbreviations expanded: "Sở LĐTB&XH" and "Sở Lao động, Thương binh và Xã hội" meet."""
    value = unicodedata.normalize("NFD", str(value or "")).replace("đ", "d").replace("Đ", "D")
    value = "".join(c for c in value if not unicodedata.combining(c)).lower()
    value = value.replace("&", " va ")
    value = re.sub(r"[^\w]+", " ", value).strip()
    text = " ".join(value.split())
    for short, long in sorted(ABBREVIATIONS.items(), key=lambda item: -len(item[0])):  # "ld tb xh" before "tp"
        text = re.sub(rf"\b{short}\b", long, text)
    return text


class PlanImportError(Exception):
    """The file as a whole cannot be read; the message says why, in the user's language."""


@dataclass
class ImportRow:
    line: int
    dimension_id: int | None
    values: dict
    leads: list
    coordinating: list
    errors: list = field(default_factory=list)
    # Read from a document (plans/plan_document.py): the agencies its block's header names, the
    # heading it stands under and where it was found; "trên 90 %" keeps its ">" here.
    block_leads: list = field(default_factory=list)
    block_coordinating: list = field(default_factory=list)
    section: str = ""
    where: str = ""
    measure_comparator: str = ""

    @property
    def number(self):
        return self.values.get("number", "")


def _cell_text(value, number_format="General"):
    """A cell as the person sees it: 95 % for 0.95 shown as a percent, 12/2020 for a date
    shown as month and year."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool) and "%" in (number_format or ""):
        return f"{value * 100:g} %"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        shown = (number_format or "").lower()
        return value.strftime("%m/%Y" if "d" not in shown and "m" in shown else "%d/%m/%Y")
    return str(value).strip()


def split_names(value):
    """The agencies a cell names: one per line or separated by ";" (commas are inside names
    such as "Sở Lao động, Thương binh và Xã hội"; resolve() splits on them when it must)."""
    return [part.strip(" .-–+\t") for part in re.split(r"[;\n]+", value or "") if part.strip(" .-–+\t")]


def _sections(year):
    dimensions = list(Dimension.objects.for_year(year).order_by("number"))
    return dimensions, {normalise(d.name_vi): d for d in dimensions}


# The general-direction heading in the wordings plans use (normalised).
GENERAL_HEADINGS = (
    "nhiem vu chi dao dieu hanh chung",
    "chi dao dieu hanh chung",
    "cong tac chi dao dieu hanh",
    "nhiem vu giai phap chung",
    "nhiem vu chung",
)
# Shorter names plans give the dimensions (normalised), besides each dimension's full name.
SHORT_NAMES = {
    1: ("tham gia cua nguoi dan", "tham gia nguoi dan"),
    2: ("cong khai minh bach",),
    3: ("trach nhiem giai trinh",),
    4: ("kiem soat tham nhung",),
    5: ("thu tuc hanh chinh",),
    6: ("cung ung dich vu cong", "an ninh trat tu"),  # law and order is D6.4
    7: ("quan tri moi truong",),
    8: ("quan tri dien tu",),
}
GENERAL = "general"
HEADING_START = re.compile(r"^([ivxlc]+ )?(chi so\b|" + "|".join(GENERAL_HEADINGS) + ")")
# "Chỉ số (nội dung) 5" anywhere; "Nội dung 5" opening a heading (after its outline number, if any).
DIMENSION_NUMBER = re.compile(r"chi so (?:noi dung )?(\d+)\b|^(?:[ivxlc]+ |\d+ )?noi dung (\d+)\b")


def dimension_named(text, dimensions, by_name):
    """What a heading's text names: a dimension of the year (by "Chỉ số (nội dung) N" or a
    heading's "Nội dung N", its full name or a short one, diacritics and case aside), GENERAL
    for the general-direction heading, or None. Both importers (Excel rows, documents) read
    headings through here."""
    norm = normalise(text)
    if any(norm.startswith(g) or f" {g}" in f" {norm}" for g in GENERAL_HEADINGS):
        return GENERAL
    match = DIMENSION_NUMBER.search(norm)
    if match:
        return next((d for d in dimensions if d.number == int(match.group(1) or match.group(2))), None)
    for name, dimension in by_name.items():
        if name and name in norm:
            return dimension
    for dimension in dimensions:
        if any(re.search(rf"\b{short}\b", norm) for short in SHORT_NAMES.get(dimension.number, ())):
            return dimension
    return None


def _section_of(number, title, dimensions, by_name):
    """(True, dimension or None) if a row with only these two cells heads a section, (True,
    False) if it looks like a heading of no dimension of the year, (False, None) otherwise.
    A heading has no number or a bare Roman one ("I", "IX."), or starts with "Chỉ số" or the
    general heading: a task row whose agency cells were left empty stays a task row."""
    norm = normalise(f"{number} {title}")
    bare_roman = re.fullmatch(r"[IVXLC]+\.?", number.strip()) is not None
    if not (not number.strip() or bare_roman or HEADING_START.match(norm)):
        return False, None
    found = dimension_named(title if bare_roman else f"{number} {title}", dimensions, by_name)
    if found == GENERAL:
        return True, None
    return True, found if found is not None else False


def _header(sheet):
    """(row number, {column key: column index}) of the header row, within the first 20 rows."""
    known = {name: spec for spec in COLUMNS for name in spec.names}
    for row in sheet.iter_rows(min_row=1, max_row=20):
        found, unknown = {}, []
        for cell in row:
            norm = normalise(_cell_text(cell.value))
            if not norm:
                continue
            spec = known.get(norm)
            if spec is None:
                unknown.append(norm)
            elif spec.key in found:
                raise PlanImportError(
                    _("Cột “%(column)s” xuất hiện hai lần ở dòng tiêu đề %(row)s.") % {"column": spec.heading, "row": cell.row}
                )
            else:
                found[spec.key] = cell.column
        if "number" in found and "title" in found:
            missing = [spec.heading for spec in COLUMNS if spec.required and spec.key not in found]
            if missing:
                raise PlanImportError(
                    _("Dòng tiêu đề %(row)s thiếu cột: %(columns)s.") % {"row": row[0].row, "columns": ", ".join(missing)}
                )
            return row[0].row, found
    raise PlanImportError(
        _("Không tìm thấy dòng tiêu đề cột (STT, Nhiệm vụ, Đầu mối chủ trì…) trong 20 dòng đầu của trang tính đầu tiên.")
    )


def parse(content, plan):
    """The rows of the file, each with the problems found in it. Raises PlanImportError when
    the file as a whole cannot be read. In three steps: reading (the cells out of the
    workbook), classifying (a section heading or a task row) and validating each task row;
    the year's framework is read once, not per row."""
    sheet = _first_sheet(content)
    header_row, columns = _header(sheet)
    _refuse_merged_cells(sheet, header_row, min(columns.values()))
    framework = Framework.of(plan.year)
    existing = set(Task.objects.filter(plan=plan).values_list("number", flat=True))
    rows = _classify(_lines(sheet, header_row, columns), plan, framework)
    check_existing(rows, plan, existing)
    if not any(r.values for r in rows):
        raise PlanImportError(_("Tệp không có nhiệm vụ nào dưới dòng tiêu đề."))
    check_size(plan, rows)
    return rows


# --- reading: the cells out of the workbook -----------------------------------------------


def _first_sheet(content):
    """The workbook's first sheet, sized before openpyxl builds a cell."""
    if not content:
        raise PlanImportError(_("Tệp trống."))
    if len(content) > MAX_BYTES:
        raise PlanImportError(_("Tệp lớn hơn 5 MB."))
    unreadable = PlanImportError(_("Tệp không phải là tệp Excel (.xlsx) đọc được."))
    try:
        # A few kB can unpack to gigabytes: measure before openpyxl builds every cell.
        check_xlsx(content, max_rows=MAX_ROWS)
    except SpreadsheetError as error:
        raise PlanImportError(str(error)) from None
    try:
        book = load_workbook(io.BytesIO(content), data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError, AttributeError, IndexError):
        raise unreadable from None  # SyntaxError: the XML inside is broken
    if not book.worksheets:
        raise PlanImportError(_("Tệp không có trang tính nào."))
    sheet = book.worksheets[0]
    if sheet.max_row > MAX_ROWS:
        raise PlanImportError(_("Tệp có hơn %(count)s dòng.") % {"count": MAX_ROWS})
    return sheet


def _refuse_merged_cells(sheet, header_row, first_column):
    """A merge across a whole row is a section heading; any other hides values of some rows."""
    problems = [
        _("Các ô %(cells)s (dòng %(first)s–%(last)s) đang được gộp: hãy bỏ gộp ô và điền đủ từng dòng.")
        % {"cells": merged.coord, "first": merged.min_row, "last": merged.max_row}
        for merged in sheet.merged_cells.ranges
        if merged.max_row > header_row and (merged.min_row != merged.max_row or merged.min_col > first_column)
    ]
    if problems:
        raise PlanImportError(" ".join(problems))


@dataclass
class Line:
    """A row of the sheet below the header: its cells' values and their text as shown, by
    column key, and the cells that cannot be read (formulas)."""

    line: int
    values: dict
    texts: dict
    errors: list


HEADINGS = {spec.key: spec.heading for spec in COLUMNS}


def _lines(sheet, header_row, columns):
    """Each non-empty row below the header."""
    by_index = {index: key for key, index in columns.items()}
    for cells in sheet.iter_rows(min_row=header_row + 1, min_col=min(columns.values()), max_col=max(columns.values())):
        values, formats, errors = {}, {}, []
        for cell in cells:
            key = by_index.get(cell.column)
            if key is None:
                continue
            if cell.data_type == "f":
                errors.append(
                    _("Cột “%(column)s”: ô chứa công thức (%(formula)s); hãy dán giá trị thay cho công thức.")
                    % {"column": HEADINGS[key], "formula": str(cell.value)[:40]}
                )
                continue
            values[key] = cell.value
            formats[key] = cell.number_format
        texts = {key: _cell_text(value, formats.get(key)) for key, value in values.items()}
        if any(texts.values()) or errors:  # else an empty row
            yield Line(cells[0].row, values, texts, errors)


# --- classifying: a section heading or a task row ---------------------------------------------


@dataclass
class Framework:
    """The year's dimensions, by number and by name, and their sub-dimensions by code: read
    once for the file (two queries), not per row."""

    dimensions: list
    by_name: dict
    sub_dimensions: dict  # {(dimension id, code): sub-dimension id}

    @classmethod
    def of(cls, year):
        dimensions, by_name = _sections(year)
        # Codes are unique: a code of one of these dimensions names the same row, whatever its years.
        sub_dimensions = {
            (dimension_id, code): pk
            for pk, dimension_id, code in SubDimension.objects.filter(dimension__in=dimensions).values_list(
                "pk", "dimension_id", "code"
            )
        }
        return cls(dimensions, by_name, sub_dimensions)


def _classify(lines, plan, framework):
    """Section headings set the dimension of the task rows below them; each task row validated."""
    rows, seen, dimension, in_section = [], {}, None, False
    for line in lines:
        heading, found = _heading(line, framework)
        if heading and found is False:
            rows.append(
                ImportRow(line.line, None, {}, [], [], [
                    _("Không nhận ra chỉ số nội dung của năm %(year)s trong tiêu đề “%(text)s”.")
                    % {"year": plan.year, "text": line.texts.get("title") or line.texts.get("number")}
                ])
            )  # fmt: skip
            in_section, dimension = False, None
        elif heading:
            in_section, dimension = True, found
        else:
            rows.append(_task_row(line, plan, framework, dimension, in_section, seen))
    return rows


def _heading(line, framework):
    """_section_of for a row with only its number and title filled (and no formula)."""
    others = [key for key, text in line.texts.items() if text and key not in ("number", "title")]
    if others or line.errors:
        return False, None
    return _section_of(line.texts.get("number", ""), line.texts.get("title", ""), framework.dimensions, framework.by_name)


# --- validating a task row ------------------------------------------------------------------


def _task_row(line, plan, framework, dimension, in_section, seen):
    """The task a row describes, with each of its problems; seen: {number: line} so far."""
    texts, values, headings = line.texts, line.values, HEADINGS
    row = ImportRow(line.line, dimension.pk if dimension else None, {}, [], [], line.errors)
    if not in_section:
        row.errors.append(_("Nhiệm vụ nằm trước dòng tiêu đề chỉ số nội dung (ví dụ “I. Chỉ số 1: …”)."))
    for key in TEXT_COLUMNS:
        row.values[key] = texts.get(key, "")
    for key in ("number", "title"):
        if not row.values[key]:
            row.errors.append(_("Cột “%(column)s” đang trống.") % {"column": headings[key]})
    row.values["sub_dimension_id"] = _sub_dimension(texts.get("sub_dimension", ""), dimension, framework, row.errors)
    row.values["timeframe_kind"] = _timeframe_kind(texts.get("timeframe_kind", ""), headings, row.errors)
    row.values["measure_value"] = read_number(values.get("measure_value"), headings["measure_value"], row.errors)
    row.values["due_date"] = _date(values.get("due_date"), headings["due_date"], row.errors)
    check_bounds(plan, row, headings)
    row.leads = split_names(texts.get("leads", ""))
    row.coordinating = split_names(texts.get("coordinating", ""))
    if not row.leads:
        row.errors.append(_("Cột “%(column)s” đang trống.") % {"column": headings["leads"]})
    for key, limit in LIMITS.items():
        if len(row.values[key]) > limit:
            row.errors.append(_("Cột “%(column)s” dài quá %(limit)s ký tự.") % {"column": headings[key], "limit": limit})
    number = row.values["number"]
    if number and number in seen:
        row.errors.append(_("Số thứ tự %(number)s trùng với dòng %(line)s.") % {"number": number, "line": seen[number]})
    seen.setdefault(number, line.line)
    return row


def check_existing(rows, plan, existing=None):
    """A task number the plan already has (checked again at saving: tasks may have been added
    since the preview)."""
    if existing is None:
        existing = set(Task.objects.filter(plan=plan).values_list("number", flat=True))
    message = _("Kế hoạch đã có nhiệm vụ số %(number)s.")
    for row in rows:
        number = row.values.get("number")
        if number in existing and message % {"number": number} not in row.errors:
            row.errors.append(message % {"number": number})
    return rows


MEASURE_DIGITS = Task._meta.get_field("measure_value").max_digits - Task._meta.get_field("measure_value").decimal_places


def read_number(value, heading, errors):
    """A number as Vietnamese write it ("1.500", "5,5") or as Excel stores it."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = str(value)
    else:
        text = str(value).strip().replace(" ", "")
        if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?", text):
            text = text.replace(".", "")  # thousands separated by dots
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        errors.append(_("Cột “%(column)s”: “%(value)s” không phải là số.") % {"column": heading, "value": value})
        return None
    if abs(number) >= 10**MEASURE_DIGITS:
        errors.append(_("Cột “%(column)s”: “%(value)s” lớn quá.") % {"column": heading, "value": value})
        return None
    return str(number.quantize(Decimal("0.01")))


def check_bounds(plan, row, headings):
    """The task's own bounds (the measure value field's validators and Task.bounds_errors: the
    due date in the plan's years, a percentage up to 100), each named by its column."""
    value, due = row.values["measure_value"], row.values["due_date"]
    probe = Task(
        plan=plan,
        measure_unit=row.values["measure_unit"],
        measure_value=Decimal(value) if value else None,
        due_date=datetime.date.fromisoformat(due) if due else None,
    )
    found = probe.bounds_errors()
    try:
        Task._meta.get_field("measure_value").run_validators(probe.measure_value)
    except ValidationError as error:
        found["measure_value"] = error
    for name, error in found.items():
        for message in error.messages:
            row.errors.append(_("Cột “%(column)s”: %(problem)s") % {"column": headings[name], "problem": message})


def _sub_dimension(text, dimension, framework, errors):
    if not text:
        return None
    code = text.strip().upper()
    code = code if code.startswith("D") else f"D{code}"
    found = framework.sub_dimensions.get((dimension.pk, code)) if dimension else None
    if found is None:
        errors.append(
            _("Cột “%(column)s”: “%(value)s” không phải chỉ số thành phần của chỉ số nội dung này.")
            % {"column": HEADINGS["sub_dimension"], "value": text}
        )
    return found


def _timeframe_kind(text, headings, errors):
    """The kind written in the export's column, by its label in either language; "" to derive it."""
    if not text:
        return ""
    labels = {normalise(label): value for value, label in Task.TimeframeKind.choices} | {
        normalise(value): value for value in Task.TimeframeKind.values
    }
    kind = labels.get(normalise(text))
    if kind is None:
        errors.append(_("Cột “%(column)s”: không hiểu “%(value)s”.") % {"column": headings["timeframe_kind"], "value": text})
        return ""
    return kind


def _date(value, heading, errors):
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    try:
        return datetime.datetime.strptime(str(value).strip(), "%d/%m/%Y").date().isoformat()
    except ValueError:
        errors.append(_("Cột “%(column)s”: “%(value)s” không phải là ngày (dd/mm/yyyy).") % {"column": heading, "value": value})
        return None


# --- agency names ---------------------------------------------------------------------


def directory(province):
    """{normalised name or alias: "agency:<id>" | "group:<id>"} of the province, each also
    with the province's name after it ("Sở Nội vụ tỉnh Đắk Nông"); two queries."""
    found = {}
    suffix = normalise(province.local_name)
    for kind, model in (("group", AgencyGroup), ("agency", Agency)):
        for pk, name, aliases in model.objects.filter(province=province).values_list("pk", "name", "aliases"):
            for written in [name, *(aliases or [])]:
                found.setdefault(normalise(written), f"{kind}:{pk}")
                found.setdefault(f"{normalise(written)} {suffix}", f"{kind}:{pk}")
    return found


MAX_NAME_PARTS = 20  # a list of agencies in one name; more is not a name (and would cost k³ look-ups)


def pieces(name, names):
    """What a written name stands for: [(text, key or None)…]. The whole name if it names an
    agency or group; else its comma-separated parts, each the longest run of parts that names
    something, the parts between them kept as unknown pieces; else the whole name, unknown.
    Each part is normalised once; runs are looked up as their parts' normal forms joined."""
    key = names.get(normalise(name))
    if key:
        return [(name, key)]
    parts = [p.strip() for p in name.split(",") if p.strip()]
    if len(parts) > MAX_NAME_PARTS:
        return [(name, None)]
    normal = [normalise(p) for p in parts]
    found, unknown, start = [], [], 0
    while start < len(parts):
        for end in range(len(parts), start, -1):
            key = names.get(" ".join(n for n in normal[start:end] if n))
            if key:
                if unknown:
                    found.append((", ".join(unknown), None))
                    unknown = []
                found.append((", ".join(parts[start:end]), key))
                start = end
                break
        else:
            unknown.append(parts[start])
            start += 1
    if unknown:
        found.append((", ".join(unknown), None))
    if all(key is None for _text, key in found):
        return [(name, None)]  # nothing known in it: one name to map, as written
    return found


def resolve(name, names):
    """The keys a written name stands for, or None when any piece of it is unknown."""
    keys = [key for _text, key in pieces(name, names)]
    return None if None in keys else keys


def unknown_names(rows, names):
    """The written names (or pieces of lists) that match nothing, once each whatever their
    spelling, in order of appearance."""
    unknown = {}
    for row in rows:
        for _role, written, _from_block in named(row):
            for name in written:
                for text, key in pieces(name, names):
                    if key is None:
                        unknown.setdefault(normalise(text), text)
    return list(unknown.values())


def check(rows, names, mapping):
    """Each row's assignees (row.resolved: {role: [(key, written name, from the block's header)]}),
    and the names still unknown (row.unmapped). `mapping` maps a written name to "agency:<id>",
    "group:<id>" or "new:<kind>", the coordinator's choices; spellings that normalise alike share a choice."""
    chosen = {normalise(name): choice for name, choice in mapping.items() if choice}
    for row in rows:
        row.resolved = {TaskAssignment.Role.LEAD: [], TaskAssignment.Role.COORDINATING: []}
        row.unmapped = []
        for role, written, from_block in named(row):
            for name in written:
                for text, key in pieces(name, names):
                    key = key or chosen.get(normalise(text))
                    if key is None:
                        row.unmapped.append(text)
                    else:
                        row.resolved[role].append((key, text, from_block))
    return rows


def named(row):
    """(role, names, from the block's header) of a row, per role: the names on the task's own
    line, or else those its block's header gives ("Cơ quan phối hợp: …" above the tasks)."""
    return tuple(
        (role, own or block, not own and bool(block))
        for role, own, block in (
            (TaskAssignment.Role.LEAD, row.leads, row.block_leads),
            (TaskAssignment.Role.COORDINATING, row.coordinating, row.block_coordinating),
        )
    )


def timeframe_kind(text, due_date):
    """The kind of a timeframe as written; none written is "not stated" (the plan's end applies)."""
    norm = normalise(text)
    if due_date:
        return Task.TimeframeKind.DEADLINE
    if not norm:
        return Task.TimeframeKind.UNSTATED
    if "thuong xuyen" in norm:
        return Task.TimeframeKind.ONGOING
    if "dinh ky" in norm:
        return Task.TimeframeKind.PERIODIC
    return Task.TimeframeKind.OTHER


def already_saved(plan, rows):
    """Whether every task of these rows is in the plan as the rows have it: the same file saved
    twice (a double click on "Lưu", or the browser's back and save again)."""
    numbered = {row.values["number"]: row.values["title"] for row in rows if row.values}
    stored = dict(Task.objects.filter(plan=plan, number__in=numbered).values_list("number", "title"))
    return bool(numbered) and stored == numbered


def check_size(plan, rows):
    """A plan holds at most MAX_TASKS_PER_PLAN tasks (the report form's request limits are
    sized from it): refuse a file that would take it past that."""
    new = sum(1 for row in rows if row.values)
    if Task.objects.filter(plan=plan).count() + new > MAX_TASKS_PER_PLAN:
        raise PlanImportError(
            _("Một kế hoạch có tối đa %(max)s nhiệm vụ; kế hoạch này đã có %(count)s, tệp thêm %(new)s.")
            % {"max": MAX_TASKS_PER_PLAN, "count": Task.objects.filter(plan=plan).count(), "new": new}
        )


IMPORT_REASON = "Nhập danh mục nhiệm vụ"


@transaction.atomic
def save(plan, rows, mapping, after=None, province_wide=True):
    """Create the mapped-to-new agencies and the tasks with their assignments; all or nothing.
    A name mapped to an existing agency is kept as its alias, so the next import knows it.

    The plan's row is locked first and its task numbers read again: two saves of the same
    preview (a double click) queue here, and the second finds the numbers taken and raises
    PlanImportError instead of breaking the unique constraint."""
    Plan.objects.select_for_update(of=("self",)).only("pk").get(pk=plan.pk)
    check_existing(rows, plan)
    if any(row.errors for row in rows):
        raise PlanImportError(_("Kế hoạch đã có nhiệm vụ trùng số thứ tự với tệp: không lưu gì."))
    check_size(plan, rows)
    mapped = {}  # normalised name → "agency:<id>" for the names mapped to a new agency
    for name, choice in mapping.items():
        if choice.startswith("new:") and not province_wide:
            raise PlanImportError(_("Chỉ Sở Nội vụ tạo được cơ quan mới của tỉnh; hãy chọn một cơ quan đã có."))
        if choice.startswith("new:"):
            kind = choice.split(":", 1)[1]
            agency, _new = Agency.objects.get_or_create(
                province=plan.province,
                name=name[:200],
                defaults={"kind": kind if kind in AgencyKind.values else AgencyKind.OTHER},
            )
            mapped[normalise(name)] = f"agency:{agency.pk}"
        else:
            model, pk = (AgencyGroup if choice.startswith("group:") else Agency), int(choice.split(":")[1])
            target = model.objects.select_for_update().get(pk=pk, province=plan.province)
            # Aliases serve the whole province's imports: remembered by its coordinators only, not
            # by the coordinator of one district's or commune's plan (province_wide=False).
            if province_wide and name not in target.aliases and normalise(name) != normalise(target.name):
                target.aliases = [*target.aliases, name]
                target.save(update_fields=["aliases"])
    order = (Task.objects.filter(plan=plan).aggregate(last=Max("order"))["last"] or 0) + 1
    tasks, assignments = [], []
    for row in rows:
        if not row.values:
            continue
        values = dict(row.values)
        due, value = values.pop("due_date"), values.pop("measure_value")
        due = datetime.date.fromisoformat(due) if due else None
        value = Decimal(value) if value else None
        kind = values.pop("timeframe_kind", "") or timeframe_kind(values["timeframe_text"], due)
        if kind == Task.TimeframeKind.DEADLINE and due is None:
            kind = timeframe_kind(values["timeframe_text"], None)  # a deadline needs its date
        comparator = "gt" if row.measure_comparator == ">" else "gte"
        task = Task(plan=plan, dimension_id=row.dimension_id, order=order, due_date=due, measure_value=value,
                    timeframe_kind=kind, measure_comparator=comparator, **values)  # fmt: skip
        order += 1
        tasks.append(task)
        seen = set()
        for role in (TaskAssignment.Role.LEAD, TaskAssignment.Role.COORDINATING):
            for key, name, from_block in row.resolved[role]:
                key = mapped.get(normalise(name), key) if key.startswith("new:") else key
                if (role, key) in seen:
                    continue  # named twice in one role (its own line and its block's)
                seen.add((role, key))  # named to lead and to coordinate: both kept, as written
                kind, pk = key.split(":")
                assignments.append((task, role, kind, int(pk), from_block))
    # With a history record each, as a save in the admin would make (who imported them, and how).
    bulk_create_with_history(tasks, Task, default_change_reason=IMPORT_REASON)
    TaskAssignment.objects.bulk_create(
        TaskAssignment(task=task, role=role, from_block=from_block, **{"agency_id" if kind == "agency" else "group_id": pk})
        for task, role, kind, pk, from_block in assignments
    )
    if after is not None:
        after(plan)  # in the same transaction: a document's own data (plans.document_import)
    touch_plans([plan.pk])  # bulk inserts send no signals
    return len(tasks)


def to_payload(plan, rows):
    return {"plan": plan.pk, "rows": [asdict(row) for row in rows]}


def from_payload(plan, data):
    """The rows of a preview, if it was made for this plan; otherwise None."""
    if not isinstance(data, dict) or data.get("plan") != plan.pk:
        return None
    return check_existing([ImportRow(**item) for item in data["rows"]], plan)


# --- the page's steps ---------------------------------------------------------------------

PREVIEW_SALT = "papi.plan-import"


def read_upload(plan, upload):
    """(rows, signed payload) of an uploaded file; raises PlanImportError."""
    if upload.size > MAX_BYTES:
        raise PlanImportError(_("Tệp lớn hơn 5 MB."))
    rows = parse(upload.read(), plan)
    return rows, signed_preview.sign(to_payload(plan, rows), PREVIEW_SALT)


def load_preview(plan, payload):
    """The rows of a signed preview made for this plan; raises signed_preview.InvalidPreview."""
    rows = from_payload(plan, signed_preview.load(payload, PREVIEW_SALT))
    if rows is None:  # a preview made for another plan
        raise signed_preview.InvalidPreview
    return rows


@dataclass
class Review:
    """The rows checked against the province's names and the coordinator's mapping, and what
    saving them did when asked."""

    rows: list
    blocked: bool  # some row has errors before saving: the file itself must be corrected
    added: int | None = None  # tasks saved
    saved_before: bool = False  # the same preview was saved already (a double click on "Lưu")
    error: str = ""  # why saving failed

    @property
    def complete(self):
        """No row has errors (saving may add some: tasks added since the preview) and every
        name is mapped."""
        return not any(row.errors or row.unmapped for row in self.rows)

    @property
    def error_count(self):
        return sum(1 for row in self.rows if row.errors)

    @property
    def task_count(self):
        return sum(1 for row in self.rows if row.values)


def review(plan, rows, names, mapping, saving, after=None, province_wide=True):
    """Check the rows (names: directory(); mapping: the coordinator's choices) and, if saving
    and nothing is left to do, save them; `after(plan)` runs in the same transaction."""
    check(rows, names, mapping)
    result = Review(rows, blocked=any(row.errors for row in rows))
    if saving and result.complete:
        try:
            result.added = save(plan, rows, mapping, after, province_wide)
        except PlanImportError as error:
            if already_saved(plan, rows):
                result.saved_before = True
            else:
                result.error = str(error)
    return result
