"""A plan's task list in and out of Excel, in the DANH MỤC layout of the Đắk Nông plan: one
header row, a row per dimension ("I. Chỉ số 1: Tham gia …") heading its tasks. The export
and the import (plans/plan_import.py) share these columns, so an exported plan re-imports
identically; a blank template is the export of a plan without tasks."""

from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from papi_tracker.xlsx import BOX, CENTRE, HEADER_FILL, SECTION_FILL, WRAP, landscape, put, text, title, workbook_bytes

from .models import TaskAssignment

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
GENERAL_SECTION = "Nhiệm vụ chỉ đạo, điều hành chung"


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    width: int
    names: tuple  # the headings the import recognises, normalised (see plan_import.normalise)
    required: bool = False
    kind: str = "text"  # text, number, date


# The Đắk Nông columns, then what a round trip needs (value and unit of the measure, the
# deadline as a date, the supervising leader, the sub-dimension and the kind of timeframe).
# Headings are Vietnamese in every language: the file is a working document of the province.
COLUMNS = [
    Column("number", "STT", 8, ("stt", "so thu tu", "tt"), required=True),
    Column("title", "Nhiệm vụ", 50, ("nhiem vu", "nhiem vu trong tam", "nhiem vu giai phap", "noi dung"), required=True),
    Column("measure", "Chỉ tiêu", 24, ("chi tieu",)),
    Column("measure_value", "Giá trị chỉ tiêu", 10, ("gia tri chi tieu",), kind="number"),
    Column("measure_unit", "Đơn vị tính", 10, ("don vi tinh",)),
    Column(
        "leads",
        "Đầu mối chủ trì",
        24,
        ("dau moi chu tri", "dau moi chu tri thuc hien", "co quan chu tri", "don vi chu tri", "chu tri"),
        required=True,
    ),
    Column("coordinating", "Đơn vị thực hiện", 28, ("don vi thuc hien", "co quan phoi hop", "don vi phoi hop", "phoi hop")),
    Column("timeframe_text", "Thời gian thực hiện", 16, ("thoi gian thuc hien", "thoi gian", "thoi han")),
    Column("due_date", "Hạn hoàn thành", 12, ("han hoan thanh", "han"), kind="date"),
    Column("expected_output", "Kết quả thực hiện", 30, ("ket qua thuc hien", "ket qua san pham", "ket qua", "san pham")),
    Column("supervisor", "Chỉ đạo thực hiện", 20, ("chi dao thuc hien",)),
    Column("sub_dimension", "Chỉ số thành phần", 10, ("chi so thanh phan",)),
    Column("timeframe_kind", "Loại thời hạn", 14, ("loai thoi han",)),
]
HEADER_ROW = 4


def section_number(index):
    """I, II… for the index-th dimension section (0-based)."""
    return ROMAN[index] if index < len(ROMAN) else str(index + 1)


def sections(tasks):
    """[(heading, tasks)]: the tasks grouped by dimension in the order they come, each group
    headed as in the DANH MỤC ("I. Chỉ số 1: …"), general tasks under their own heading."""
    groups = {}
    for task in tasks:
        groups.setdefault(task.dimension, []).append(task)
    result, numbered = [], 0
    for dimension, grouped in groups.items():
        if dimension is None:
            result.append((GENERAL_SECTION, grouped))
        else:
            result.append((f"{section_number(numbered)}. Chỉ số {dimension.number}: {dimension.name_vi}", grouped))
            numbered += 1
    return result


def plan_workbook(plan, tasks=None):
    """The plan's DANH MỤC as .xlsx bytes; with no tasks, the blank template to fill in."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh mục"
    last = len(COLUMNS)
    title(sheet, 1, last, "DANH MỤC NHIỆM VỤ")
    subtitle = f"Kế hoạch số {plan.document_number} · {plan.province.name} · {plan.year}" if plan else ""
    title(sheet, 2, last, subtitle, size=12, bold=False, italic=True)
    for column, spec in enumerate(COLUMNS, start=1):
        put(sheet, HEADER_ROW, column, spec.heading, bold=True, align=CENTRE, fill=HEADER_FILL)
        sheet.column_dimensions[get_column_letter(column)].width = spec.width
    row = HEADER_ROW + 1
    for heading, section_tasks in sections(tasks or []):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
        put(sheet, row, 1, heading, bold=True, fill=SECTION_FILL)
        for column in range(2, last + 1):
            sheet.cell(row=row, column=column).border = BOX
        row += 1
        for task in section_tasks:
            assignments = list(task.assignments.all())
            values = {
                "number": task.number,
                "title": task.title,
                "measure": task.measure,
                "measure_value": float(task.measure_value) if task.measure_value is not None else None,
                "measure_unit": task.measure_unit,
                "leads": "; ".join(str(a.agency or a.group) for a in assignments if a.role == TaskAssignment.Role.LEAD),
                "coordinating": "; ".join(
                    str(a.agency or a.group) for a in assignments if a.role == TaskAssignment.Role.COORDINATING
                ),
                "timeframe_text": task.timeframe_text,
                "due_date": task.due_date,
                "expected_output": task.expected_output,
                "supervisor": task.supervisor,
                "sub_dimension": task.sub_dimension.code.removeprefix("D") if task.sub_dimension else "",
                "timeframe_kind": task.get_timeframe_kind_display(),
            }
            for column, spec in enumerate(COLUMNS, start=1):
                value = values[spec.key]
                if spec.kind == "text":
                    put(sheet, row, column, text(value), align=CENTRE if spec.key == "number" else WRAP)
                else:
                    put(sheet, row, column, value, number_format="DD/MM/YYYY" if spec.kind == "date" else "General")
            row += 1
    landscape(sheet, HEADER_ROW)
    return workbook_bytes(book)
